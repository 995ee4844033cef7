/* Shipping apiharness: the man page and every command's --help agree, the
 * --config reader (strict, secrets refused, command line wins), the embedded
 * spec and --version, and a relocated program (bin/ + libexec/, no source tree
 * in reach) certifying from an empty directory. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli_extra.h"
#include "spec/hspec.h"
#include "support.h"

/* Criterion 2.4.1's runner (not these tests) intermittently loses one 48-byte
 * calloc of its own under --jobs=2 (as in test_certify.c); the programs the
 * tests start keep their own, unsuppressed leak checking. */
TS_LSAN_CRITERION

#define MAN_PAGE TEST_SOURCE_DIR "/doc/apiharness.1"
#define SPEC_FILE TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"

/* ---- helpers ---- */

/* A set of option names, "|name|name|...|". */
typedef struct {
  char s[4096];
} optset;

static void set_add(optset *o, const char *name, size_t len) {
  char probe[160];
  if (len > 120)
    len = 120;
  snprintf(probe, sizeof probe, "|%.*s|", (int)len, name);
  if (strstr(o->s, probe))
    return;
  if (!o->s[0])
    snprintf(o->s, sizeof o->s, "|");
  size_t n = strlen(o->s);
  snprintf(o->s + n, sizeof o->s - n, "%.*s|", (int)len, name);
}

static int set_has(const optset *o, const char *name) {
  char probe[160];
  snprintf(probe, sizeof probe, "|%.120s|", name);
  return strstr(o->s, probe) != NULL;
}

/* Appends to diff each name of a missing from b. */
static void set_minus(const optset *a, const optset *b, const char *what, char *diff, size_t cap) {
  const char *p = a->s[0] ? a->s + 1 : "";
  while (*p) {
    const char *e = strchr(p, '|');
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
    if (!set_has(b, name)) {
      size_t n = strlen(diff);
      snprintf(diff + n, cap - n, " --%s %s;", name, what);
    }
    p = e + 1;
  }
}

/* Options named in text ("--name"), except --help and those inside a quoted
 * 'apiharness OTHER ...' reference. */
static void options_in_help(const char *text, optset *o) {
  memset(o, 0, sizeof *o);
  for (const char *p = text; *p; p++) {
    if (*p == '\'' && !strncmp(p + 1, "apiharness ", 11)) {
      const char *q = strchr(p + 1, '\'');
      if (q) {
        p = q;
        continue;
      }
    }
    if (p[0] == '-' && p[1] == '-' && islower((unsigned char)p[2]) &&
        (p == text || !isalnum((unsigned char)p[-1]))) {
      const char *s = p + 2, *e = s;
      while (islower((unsigned char)*e) || isdigit((unsigned char)*e) || *e == '-')
        e++;
      while (e > s && e[-1] == '-')
        e--;
      if ((size_t)(e - s) != 4 || strncmp(s, "help", 4))
        set_add(o, s, (size_t)(e - s));
      p = e - 1;
    }
  }
}

/* The commands listed by `apiharness --help` ("  name  summary" lines). */
static size_t help_commands(char names[][32], size_t max) {
  char *out = NULL;
  cr_assert_eq(ts_run_capture(APIHARNESS_BIN " --help", &out), 0);
  char *p = strstr(out, "commands:");
  cr_assert(p, "apiharness --help lists no commands:\n%s", out);
  size_t n = 0;
  for (p = strchr(p, '\n'); p && n < max; p = strchr(p + 1, '\n')) {
    char name[32];
    if (sscanf(p + 1, "  %31[a-z] ", name) != 1)
      break;
    if (p[1] != ' ' || p[2] != ' ' || p[3] == ' ')
      break;
    snprintf(names[n++], 32, "%s", name);
  }
  free(out);
  return n;
}

/* The man page's option entries of command cmd: `\-\-name` on the tag lines
 * after .TP in the ".SS cmd" subsection of COMMANDS.  Returns 0 when the page
 * has no such subsection. */
static int options_in_man(const char *man, const char *cmd, optset *o) {
  memset(o, 0, sizeof *o);
  char head[64];
  snprintf(head, sizeof head, "\n.SS %s\n", cmd);
  const char *commands = strstr(man, "\n.SH COMMANDS\n");
  const char *sec = commands ? strstr(commands, head) : NULL;
  if (!sec)
    return 0;
  sec += strlen(head) - 1;
  const char *end = sec + strlen(sec);
  const char *ss = strstr(sec, "\n.SS "), *sh = strstr(sec, "\n.SH ");
  if (ss && ss < end)
    end = ss;
  if (sh && sh < end)
    end = sh;
  for (const char *p = strstr(sec, "\n.TP\n"); p && p < end; p = strstr(p + 1, "\n.TP\n")) {
    const char *tag = p + 5, *eol = strchr(tag, '\n');
    for (const char *q = tag; q < eol; q++) {
      if (strncmp(q, "\\-\\-", 4) != 0)
        continue;
      const char *s = q + 4;
      char name[96];
      size_t n = 0;
      while (s < eol && n + 1 < sizeof name) {
        if (!strncmp(s, "\\-", 2)) {
          name[n++] = '-';
          s += 2;
        } else if (islower((unsigned char)*s) || isdigit((unsigned char)*s)) {
          name[n++] = *s++;
        } else {
          break;
        }
      }
      set_add(o, name, n);
      q = s - 1;
    }
  }
  return 1;
}

/* ---- the man page and --help ---- */

Test(man, every_option_of_every_command_is_in_help_and_in_the_man_page, .timeout = 60) {
  char *man = ts_slurp(MAN_PAGE, NULL);
  cr_assert(man, "no man page at %s", MAN_PAGE);
  char names[16][32];
  size_t n = help_commands(names, 16);
  static const char *const commands[] = {"validate", "mock",    "certify",
                                         "cases",    "compare", "replay"};
  for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
    int listed = 0;
    for (size_t i = 0; i < n; i++)
      listed |= !strcmp(names[i], commands[k]);
    cr_assert(listed, "apiharness --help does not list the command %s", commands[k]);
  }
  char diff[8192] = "";
  for (size_t i = 0; i < n; i++) {
    char cmd[256], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s %s --help", APIHARNESS_BIN, names[i]);
    cr_assert_eq(ts_run_capture(cmd, &out), 0, "%s exits non-zero:\n%s", cmd, out);
    optset help, page;
    options_in_help(out, &help);
    free(out);
    cr_assert(help.s[0], "%s lists no option", cmd);
    if (!options_in_man(man, names[i], &page)) {
      size_t k = strlen(diff);
      snprintf(diff + k, sizeof diff - k, "\n%s: no '.SS %s' subsection in the man page", names[i],
               names[i]);
      continue;
    }
    char d[2048] = "";
    set_minus(&help, &page, "is in --help but not in the man page", d, sizeof d);
    set_minus(&page, &help, "is in the man page but not in --help", d, sizeof d);
    if (d[0]) {
      size_t k = strlen(diff);
      snprintf(diff + k, sizeof diff - k, "\n%s:%s", names[i], d);
    }
  }
  /* and no subsection for a command that does not exist */
  const char *c = strstr(man, "\n.SH COMMANDS\n");
  cr_assert(c, "the man page has no COMMANDS section");
  const char *c_end = strstr(c + 1, "\n.SH ");
  for (const char *p = strstr(c, "\n.SS "); p && (!c_end || p < c_end);
       p = strstr(p + 1, "\n.SS ")) {
    char name[32] = "";
    sscanf(p + 5, "%31s", name);
    int known = 0;
    for (size_t i = 0; i < n; i++)
      known |= !strcmp(name, names[i]);
    if (!known) {
      size_t k = strlen(diff);
      snprintf(diff + k, sizeof diff - k,
               "\nthe man page documents '%s', which apiharness "
               "--help does not list",
               name);
    }
  }
  free(man);
  cr_assert(!diff[0], "doc/apiharness.1 and --help disagree:%s", diff);
}

Test(man, title_carries_the_program_version_and_every_exit_code) {
  char *man = ts_slurp(MAN_PAGE, NULL);
  cr_assert(man);
  char th[128];
  snprintf(th, sizeof th, "\"apiharness %s\"", APIHARNESS_VERSION);
  const char *t = strstr(man, "\n.TH APIHARNESS 1 ");
  cr_assert(t, "no .TH line");
  const char *eol = strchr(t + 1, '\n');
  cr_assert(strstr(t, th) && strstr(t, th) < eol, ".TH does not say %s", th);
  const char *ex = strstr(man, "\n.SH EXIT STATUS\n");
  cr_assert(ex, "no EXIT STATUS section");
  cr_assert(strstr(ex, ".B 0") && strstr(ex, ".B 1") && strstr(ex, ".B 2"));
  free(man);
}

/* The --config tables are the commands' --help (minus --help and --config). */
Test(config, option_tables_match_help, .timeout = 30) {
  static const char *const cmds[] = {"certify", "mock"};
  for (size_t c = 0; c < 2; c++) {
    char cmd[256], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s %s --help", APIHARNESS_BIN, cmds[c]);
    cr_assert_eq(ts_run_capture(cmd, &out), 0);
    optset help, table;
    options_in_help(out, &help);
    free(out);
    memset(&table, 0, sizeof table);
    for (size_t i = 0; cli_config_option(cmds[c], i); i++)
      set_add(&table, cli_config_option(cmds[c], i), strlen(cli_config_option(cmds[c], i)));
    set_add(&table, "config", 6);
    char d[2048] = "";
    set_minus(&help, &table, "is in --help but not in config.c's table", d, sizeof d);
    set_minus(&table, &help, "is in config.c's table (or is --config) but not in --help", d,
              sizeof d);
    cr_assert(!d[0], "apiharness %s:%s", cmds[c], d);
  }
  cr_assert_null(cli_config_option("validate", 0), "validate takes no --config");
}

/* ---- --config ---- */

static char cfg_dir[64];

static void cfg_setup(void) { ts_tmpdir(cfg_dir, sizeof cfg_dir, "ship"); }

static void cfg_teardown(void) { ts_rmtree(cfg_dir); }

/* Writes text to <cfg_dir>/name and returns the path (static buffer). */
static const char *cfg_file(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", cfg_dir, name);
  ts_write_file(path, text);
  return path;
}

/* Expands argv (NULL-terminated) for cmd; returns the result joined by spaces
 * in out, or the error; the return value is cli_config_expand's. */
static int expand(const char *cmd, const char *const *args, char *out, size_t cap) {
  char *argv[32];
  int argc = 0;
  for (; args[argc]; argc++)
    argv[argc] = (char *)args[argc];
  argv[argc] = NULL;
  int oc = -1;
  char **ov = NULL;
  int rc = cli_config_expand(cmd, argc, argv, &oc, &ov, out, cap);
  if (rc != 0) {
    cr_assert_null(ov);
    return rc;
  }
  cr_assert(ov);
  cr_assert_null(ov[oc], "the vector is NULL-terminated");
  out[0] = '\0';
  for (int i = 0; i < oc; i++) {
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%s%s", i ? " " : "", ov[i]);
  }
  cli_config_free(ov);
  return 0;
}

TestSuite(config, .init = cfg_setup, .fini = cfg_teardown);

Test(config, values_become_options_and_the_command_line_wins) {
  const char *f = cfg_file("c.json", "{\"base-url\": \"http://127.0.0.1:9\", \"profile\": "
                                     "\"strict\", \"jobs\": 2, \"rate-limit\": 2.5, "
                                     "\"insecure\": true, \"fault\": [\"a\", \"b\"], "
                                     "\"token-env\": \"STAGING_TOKEN\"}");
  char out[1024];
  const char *a1[] = {"certify", "--config", f, NULL};
  cr_assert_eq(expand("certify", a1, out, sizeof out), 0, "%s", out);
  cr_assert_str_eq(out, "certify --base-url http://127.0.0.1:9 --profile strict --jobs 2 "
                        "--rate-limit 2.5 --insecure --fault a --fault b --token-env "
                        "STAGING_TOKEN");
  /* the command line overrides: a single value, and all of a repeatable one */
  const char *a2[] = {"certify", "--profile", "aspnet", "--config", f, "--fault", "c", NULL};
  cr_assert_eq(expand("certify", a2, out, sizeof out), 0, "%s", out);
  cr_assert_str_eq(out, "certify --base-url http://127.0.0.1:9 --jobs 2 --rate-limit 2.5 "
                        "--insecure --token-env STAGING_TOKEN --profile aspnet --fault c");
  /* --config=FILE, and false leaves a flag out */
  char eq[300];
  snprintf(eq, sizeof eq, "--config=%s",
           cfg_file("f.json", "{\"verbose\": false, \"port\": 8080, \"fault\": \"x\"}"));
  const char *a3[] = {"mock", eq, "--host", "0.0.0.0", NULL};
  cr_assert_eq(expand("mock", a3, out, sizeof out), 0, "%s", out);
  cr_assert_str_eq(out, "mock --port 8080 --fault x --host 0.0.0.0");
  /* without --config: a copy */
  const char *a4[] = {"certify", "--jobs", "3", NULL};
  cr_assert_eq(expand("certify", a4, out, sizeof out), 0);
  cr_assert_str_eq(out, "certify --jobs 3");
  /* an option's value that reads --config is a value, not the option */
  const char *a5[] = {"certify", "--filter", "--config", NULL};
  cr_assert_eq(expand("certify", a5, out, sizeof out), 0, "%s", out);
  cr_assert_str_eq(out, "certify --filter --config");
}

/* Each bad file gives one error naming the file and the member's pointer. */
Test(config, bad_files_name_the_file_and_the_pointer) {
  static const struct {
    const char *text, *want;
  } bad[] = {
      {"{\"base-url\": \"x\", \"tokn\": \"y\"}", "/tokn: unknown option"},
      {"{\"jobs\": \"2\"}", "/jobs: expected an integer, got a string"},
      {"{\"jobs\": 2.5}", "/jobs: expected an integer"},
      {"{\"profile\": 1}", "/profile: expected a non-empty string, got a number"},
      {"{\"insecure\": \"yes\"}", "/insecure: expected true or false, got a string"},
      {"{\"fault\": [\"a\", 7]}", "/fault/1: expected a non-empty string, got a number"},
      {"{\"fault\": {}}", "/fault: expected a non-empty string or an array of strings"},
      {"{\"a/b~c\": 1}", "/a~1b~0c: unknown option"},
      {"{\"config\": \"other.json\"}", "/config: a config file cannot name another one"},
      {"[\"--jobs\", \"2\"]", "(root): expected an object"},
      {"{\"jobs\": 2, \"jobs\": 3}", "/jobs: not strict JSON (duplicate)"},
      {"{\"jobs\": 02}", "/jobs: not strict JSON (syntax) at byte 9: leading zero"},
      {"{\"spec\": \"a\\u0000b\"}", "/spec: not strict JSON (nul)"},
      {"{\"spec\": \"\"}", "/spec: expected a non-empty string"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char name[32], out[1024];
    snprintf(name, sizeof name, "bad%zu.json", i);
    const char *f = cfg_file(name, bad[i].text);
    const char *argv[] = {"certify", "--config", f, NULL};
    cr_assert_eq(expand("certify", argv, out, sizeof out), -1, "%s accepted", bad[i].text);
    char want[512];
    snprintf(want, sizeof want, "apiharness certify: %s: %s", f, bad[i].want);
    cr_assert(!strncmp(out, want, strlen(want)), "%s:\n got  %s\n want %s...", bad[i].text, out,
              want);
    cr_assert(!strchr(out, '\n'), "one line: %s", out);
  }
}

Test(config, secrets_are_refused_only_env_names_pass) {
  static const char *const refused[] = {"token", "bearer-token", "client-secret", "password",
                                        "Token"};
  char out[1024];
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "{\"%s\": \"s3cr3t-value\"}", refused[i]);
    const char *f = cfg_file("s.json", text);
    const char *argv[] = {"certify", "--config", f, NULL};
    cr_assert_eq(expand("certify", argv, out, sizeof out), -1, "%s accepted", refused[i]);
    cr_assert(strstr(out, "never holds a secret"), "%s: %s", refused[i], out);
    cr_assert(!strstr(out, "s3cr3t"), "the value is never echoed: %s", out);
  }
  const char *f = cfg_file("ok.json", "{\"token-env\": \"MY_TOKEN\"}");
  const char *argv[] = {"mock", "--config", f, NULL};
  cr_assert_eq(expand("mock", argv, out, sizeof out), 0, "%s", out);
  cr_assert_str_eq(out, "mock --token-env MY_TOKEN");
}

Test(config, usage_errors) {
  char out[1024];
  const char *a1[] = {"certify", "--config", NULL};
  cr_assert_eq(expand("certify", a1, out, sizeof out), -1);
  cr_assert_str_eq(out, "apiharness certify: --config needs a FILE");
  const char *f = cfg_file("c.json", "{}");
  const char *a2[] = {"certify", "--config", f, "--config", f, NULL};
  cr_assert_eq(expand("certify", a2, out, sizeof out), -1);
  cr_assert(strstr(out, "--config given twice"), "%s", out);
  char missing[300];
  snprintf(missing, sizeof missing, "%s/none.json", cfg_dir);
  const char *a3[] = {"certify", "--config", missing, NULL};
  cr_assert_eq(expand("certify", a3, out, sizeof out), -1);
  cr_assert(strstr(out, missing) && strstr(out, "No such file"), "%s", out);
  const char *a4[] = {"validate", "--config", f, NULL};
  cr_assert_eq(expand("validate", a4, out, sizeof out), -1);
  cr_assert(strstr(out, "not an option of this command"), "%s", out);
}

/* ---- the embedded spec and --version ---- */

Test(embedded, spec_loads_with_the_checked_in_bytes) {
  size_t len = 0;
  char *bytes = ts_slurp(SPEC_FILE, &len);
  cr_assert(bytes);
  char sha[HSPEC_SHA256_HEX];
  hspec_sha256_hex(bytes, len, sha);
  const char *data = NULL;
  size_t dlen = 0;
  cr_assert(hspec_builtin(HSPEC_BUILTIN_DEFAULT, &data, &dlen));
  cr_assert_eq(dlen, len);
  cr_assert(!memcmp(data, bytes, len), "the embedded copy is the checked-in spec");
  cr_assert_eq(data[dlen], '\0');
  free(bytes);

  herr e;
  hspec *s = hspec_load_default(&e);
  cr_assert(s, "%s", e.msg);
  cr_assert_str_eq(hspec_name(s), "builtin:create-api-token.openapi.json");
  cr_assert_str_eq(hspec_sha256(s), sha);
  cr_assert(hspec_find(s, "POST", "/public/v1/accounts/api-tokens"));
  hspec_free(s);
  /* the same through hspec_load_file, as certify plans name it */
  s = hspec_load_file("builtin:create-api-token.openapi.json", &e);
  cr_assert(s, "%s", e.msg);
  cr_assert_str_eq(hspec_sha256(s), sha);
  hspec_free(s);
  /* an unknown builtin name is an I/O error naming it */
  cr_assert_null(hspec_load_file("builtin:other.json", &e));
  cr_assert_eq(e.code, HSPEC_E_IO);
  cr_assert(!strncmp(e.msg, "builtin:other.json: no such embedded spec", 41), "%s", e.msg);
  cr_assert_not(hspec_builtin("other.json", NULL, NULL));
}

Test(embedded, version_names_the_tool_and_the_embedded_spec, .timeout = 30) {
  FILE *f = tmpfile();
  cr_assert(f);
  cr_assert_eq(cli_print_version(f), 0);
  long n = ftell(f);
  rewind(f);
  char text[2048] = "";
  cr_assert(fread(text, 1, sizeof text - 1, f) == (size_t)n);
  fclose(f);
  herr e;
  hspec *s = hspec_load_default(&e);
  cr_assert(s);
  char want[1024];
  snprintf(want, sizeof want,
           "apiharness %s\nspec: builtin:create-api-token.openapi.json\n  title:   %s\n"
           "  version: %s\n  sha256:  %s\n",
           APIHARNESS_VERSION, hspec_title(s), hspec_version(s), hspec_sha256(s));
  hspec_free(s);
  cr_assert_str_eq(text, want);
  /* the program prints exactly that */
  char *out = NULL;
  cr_assert_eq(ts_run_capture(APIHARNESS_BIN " --version", &out), 0);
  cr_assert_str_eq(out, want, "apiharness --version:\n%s", out);
  free(out);
}

/* ---- the conformance suites: found beside the program, never in the sources ---- */

Test(relocated, conformance_lookup_follows_the_environment_then_the_program) {
  char buf[4096];
  setenv("APIHARNESS_CONFORMANCE", "/bin/true", 1);
  cr_assert_eq(cli_conformance_binary(buf, sizeof buf), 1);
  cr_assert_str_eq(buf, "/bin/true");
  setenv("APIHARNESS_CONFORMANCE", "/nonexistent/suite", 1);
  cr_assert_eq(cli_conformance_binary(buf, sizeof buf), 0);
  cr_assert_str_eq(buf, "/nonexistent/suite");
  unsetenv("APIHARNESS_CONFORMANCE");
  /* this test runs from <build>/tests/: neither candidate exists there */
  cr_assert_eq(cli_conformance_binary(buf, sizeof buf), 0);
  cr_assert(strstr(buf, "/tests/conformance/apiharness-conformance or ") &&
                strstr(buf, "/libexec/apiharness/apiharness-conformance"),
            "%s", buf);
  cr_assert_null(strstr(buf, TEST_SOURCE_DIR "/conformance"), "%s", buf);
}

/* An installed layout (bin/apiharness, libexec/apiharness/apiharness-conformance)
 * outside the build and source trees certifies from an empty directory.  The
 * point is the layout (the suites found beside the program, the embedded spec),
 * not the catalogue, which test_certify runs whole: one case, no explore phase,
 * still goes through the installed suites and writes every report file. */
Test(relocated, installed_layout_certifies_from_an_empty_directory, .timeout = 300) {
  char root[64], cmd[2048], *out = NULL;
  ts_tmpdir(root, sizeof root, "ship");
  snprintf(cmd, sizeof cmd,
           "mkdir -p %s/prefix/bin %s/prefix/libexec/apiharness %s/work && "
           "cp %s %s/prefix/bin/ && "
           "cp $(dirname %s)/conformance/apiharness-conformance %s/prefix/libexec/apiharness/",
           root, root, root, APIHARNESS_BIN, root, APIHARNESS_BIN, root);
  cr_assert_eq(ts_run_capture(cmd, NULL), 0, "%s", cmd);
  /* --runner criterion, when certify still has runners, so the suites are used */
  cr_assert_eq(ts_run_capture(APIHARNESS_BIN " certify --help", &out), 0);
  const char *runner = strstr(out, "--runner") ? "--runner criterion " : "";
  free(out);
  snprintf(cmd, sizeof cmd,
           "cd %s/work && env -u APIHARNESS_SPEC -u APIHARNESS_CONFORMANCE "
           "%s/prefix/bin/apiharness certify %s--filter pos.minimal --explore 0 --report-dir here",
           root, root, runner);
  int rc = ts_run_capture(cmd, &out);
  cr_assert_eq(rc, 0, "%s exits %d:\n%s", cmd, rc, out);
  free(out);
  char path[256];
  snprintf(path, sizeof path, "%s/work/here/compliance.json", root);
  cJSON *r = ts_report_file(path);
  const cJSON *spec = cJSON_GetObjectItemCaseSensitive(r, "spec");
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(spec, "path");
  cr_assert(cJSON_IsString(p));
  cr_assert_str_eq(p->valuestring, HSPEC_BUILTIN_DEFAULT, "the report names the embedded spec");
  cr_assert_str_eq(ts_str(r, "verdict"), "compliant");
  cJSON_Delete(r);
  snprintf(path, sizeof path, "%s/work/here/junit.xml", root);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0, "no junit.xml");
  /* `cases` does not reach into a checkout from there either */
  snprintf(cmd, sizeof cmd, "cd %s/work && %s/prefix/bin/apiharness cases --check", root, root);
  cr_assert_eq(ts_run_capture(cmd, &out), 2);
  cr_assert(strstr(out, "give --out DIR"), "%s", out);
  free(out);
  ts_rmtree(root);
}

/* ---- the CI steps: scripts/ci-certify, which action.yml runs ---- */

/* The point is the wrapper (exit codes, report left behind, the gate, the
 * GitHub outputs), not the catalogue, which test_certify runs whole: every run
 * here is one case through --config (which the script passes on), no explore
 * phase.  A fault a filtered run catches fails the whole run too (one failing
 * case makes the verdict non-compliant): extra-property breaks every 201. */
Test(ci, ci_certify_passes_the_healthy_mock_and_fails_a_faulty_one_with_a_report, .timeout = 300) {
  char dir[64], cmd[2048], path[256], *out = NULL;
  ts_tmpdir(dir, sizeof dir, "ship");
  /* a fault of the embedded mock that the minimal valid create meets */
  static const char fault[] = "extra-property";
  cr_assert_eq(ts_run_capture(APIHARNESS_BIN " mock --list-faults", &out), 0);
  char probe[80];
  snprintf(probe, sizeof probe, "%s\t", fault);
  const char *listed = strstr(out, probe);
  cr_assert(listed && (listed == out || listed[-1] == '\n'), "the mock lists no fault %s:\n%s",
            fault, out);
  free(out);
  snprintf(path, sizeof path, "%s/ci.json", dir);
  ts_write_file(path, "{\"filter\": \"pos.minimal\", \"explore\": 0}");
  const char *script = TEST_SOURCE_DIR "/scripts/ci-certify";
  char prog[1024];
  snprintf(prog, sizeof prog, "APIHARNESS=%s %s --config ci.json", APIHARNESS_BIN, script);

  snprintf(cmd, sizeof cmd, "cd %s && %s --report-dir healthy", dir, prog);
  int rc = ts_run_capture(cmd, &out);
  cr_assert_eq(rc, 0, "healthy mock: exit %d\n%s", rc, out);
  cr_assert(strstr(out, "ci-certify: verdict compliant"), "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/healthy/compliance.json", dir);
  cJSON *r = ts_report_file(path);
  cr_assert(!strncmp(ts_str(r, "verdict"), "compliant", 9), "%s", ts_str(r, "verdict"));
  cJSON_Delete(r);

  snprintf(cmd, sizeof cmd, "cd %s && %s --report-dir faulty --fault %s", dir, prog, fault);
  rc = ts_run_capture(cmd, &out);
  cr_assert_eq(rc, 1, "mock with fault %s: exit %d\n%s", fault, rc, out);
  free(out);
  snprintf(path, sizeof path, "%s/faulty/compliance.json", dir);
  r = ts_report_file(path);
  cr_assert_str_eq(ts_str(r, "verdict"), "non-compliant");
  cJSON_Delete(r);
  snprintf(path, sizeof path, "%s/faulty/junit.xml", dir);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0, "the faulty run leaves junit.xml too");

  /* the gate: healthy baseline, faulty current -> 1 with the regression
   * listed; healthy current -> 0 */
  snprintf(cmd, sizeof cmd,
           "cd %s && GITHUB_OUTPUT=%s/gh-out %s --report-dir gate --baseline "
           "healthy/compliance.json --fault %s",
           dir, dir, prog, fault);
  rc = ts_run_capture(cmd, &out);
  cr_assert_eq(rc, 1, "gate: exit %d\n%s", rc, out);
  cr_assert(strstr(out, "REGRESSIONS"), "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/gh-out", dir);
  char *gh = ts_slurp(path, NULL);
  cr_assert(gh);
  cr_assert(strstr(gh, "verdict=non-compliant\n") && strstr(gh, "report-dir=gate\n") &&
                strstr(gh, "certify-exit=1\n") && strstr(gh, "compare-exit=1\n"),
            "%s", gh);
  free(gh);
  snprintf(cmd, sizeof cmd, "cd %s && %s --report-dir again --baseline healthy/compliance.json",
           dir, prog);
  rc = ts_run_capture(cmd, &out);
  cr_assert_eq(rc, 0, "no regression: exit %d\n%s", rc, out);
  free(out);
  /* could not run: 2 */
  snprintf(cmd, sizeof cmd, "cd %s && %s --report-dir x --baseline %s/none.json", dir, prog, dir);
  cr_assert_eq(ts_run_capture(cmd, NULL), 2);
  ts_rmtree(dir);
}

/* action.yml takes the inputs the issue names and runs the same script. */
Test(ci, action_runs_ci_certify_with_its_inputs) {
  char *a = ts_slurp(TEST_SOURCE_DIR "/action.yml", NULL);
  cr_assert(a, "no action.yml");
  static const char *const inputs[] = {"base-url",   "token-secret", "profile",
                                       "report-dir", "baseline",     "explore"};
  const char *in = strstr(a, "\ninputs:\n");
  cr_assert(in, "no inputs");
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    char key[64], use[64];
    snprintf(key, sizeof key, "\n  %s:\n", inputs[i]);
    snprintf(use, sizeof use, "${{ inputs.%s }}", inputs[i]);
    cr_assert(strstr(in, key), "action.yml lacks the input %s", inputs[i]);
    cr_assert(strstr(a, use), "action.yml never uses the input %s", inputs[i]);
  }
  cr_assert(strstr(a, "using: composite"));
  cr_assert(strstr(a, "$GITHUB_ACTION_PATH/scripts/ci-certify"), "the action runs ci-certify");
  cr_assert(strstr(a, "actions/upload-artifact@"), "the report is uploaded");
  cr_assert(strstr(a, "/junit.xml"), "junit.xml is published");
  free(a);
  char *g = ts_slurp(TEST_SOURCE_DIR "/examples/gitlab-ci.yml", NULL);
  cr_assert(g, "no examples/gitlab-ci.yml");
  cr_assert(strstr(g, "/usr/libexec/apiharness/ci-certify"), "GitLab runs the same steps");
  free(g);
}
