/* apiharness validate: exit codes, messages and output formats, through the
 * real program (APIHARNESS_BIN). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

typedef struct {
  int status;
  char out[1 << 16];
  char err[1 << 12];
} run_result;

static char dir[64];

static void setup(void) { ts_tmpdir(dir, sizeof dir, "validate"); }

static void teardown(void) { ts_rmtree(dir); }

TestSuite(validate, .init = setup, .fini = teardown);

static const char *write_file(const char *name, const char *data, size_t len) {
  static char path[8][256];
  static int next;
  char *p = path[next++ % 8];
  snprintf(p, 256, "%s/%s", dir, name);
  ts_write_bytes(p, data, len);
  return p;
}
#define WRITE(name, lit) write_file(name, lit, sizeof lit - 1)

static void slurp(int fd, char *buf, size_t cap) {
  size_t n = 0;
  ssize_t got;
  while ((got = read(fd, buf + n, cap - 1 - n)) > 0 && n + (size_t)got < cap - 1)
    n += (size_t)got;
  if (got > 0)
    n += (size_t)got;
  buf[n < cap ? n : cap - 1] = '\0';
}

/* Runs apiharness with argv (NULL-terminated), stdin from `input` (may be NULL). */
static void run(run_result *r, const char *input, const char *const *args) {
  int out[2], err[2], in[2];
  cr_assert(pipe(out) == 0 && pipe(err) == 0 && pipe(in) == 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(in[1]);
    close(out[0]);
    close(err[0]);
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)APIHARNESS_BIN;
    for (; args[n - 1] && n < 31; n++)
      argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    execv(APIHARNESS_BIN, argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (input && write(in[1], input, strlen(input)) < 0)
    cr_log_warn("write to child failed");
  close(in[1]);
  /* outputs here are small: read stderr after stdout without deadlock risk */
  slurp(out[0], r->out, sizeof r->out);
  slurp(err[0], r->err, sizeof r->err);
  close(out[0]);
  close(err[0]);
  int st;
  cr_assert(waitpid(pid, &st, 0) == pid);
  cr_assert(WIFEXITED(st), "apiharness died by a signal");
  r->status = WEXITSTATUS(st);
}

static run_result R;
#define RUN(input, ...)                                                                            \
  do {                                                                                             \
    const char *const args_[] = {__VA_ARGS__, NULL};                                               \
    run(&R, input, args_);                                                                         \
  } while (0)

#define VALID                                                                                      \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"modules\":[{\"id\":\"MOD-1234\"}]}"

Test(validate, valid_document_exits_0) {
  const char *f = WRITE("ok.json", VALID);
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", f);
  cr_assert_eq(R.status, 0, "stdout: %s stderr: %s", R.out, R.err);
  cr_assert(strstr(R.out, "ok.json: valid"), "%s", R.out);
  cr_assert(strstr(R.out, "1 valid, 0 invalid"), "%s", R.out);
}

Test(validate, violation_names_instance_schema_location_and_keyword) {
  const char *f = WRITE("bad.json", "{\"account\":{\"id\":\"ACC-1234-567\"},\"name\":\"n\"}");
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", f);
  cr_assert_eq(R.status, 1, "%s %s", R.out, R.err);
  cr_assert(strstr(R.out, "bad.json: /account/id: "), "%s", R.out);
  cr_assert(
      strstr(R.out, "[pattern at #/components/schemas/AccountDto/properties/id/allOf/0/pattern]"),
      "%s", R.out);
  cr_assert(strstr(R.out, "0 valid, 1 invalid"), "%s", R.out);
}

Test(validate, invalid_json_is_invalid_with_offset_and_pointer) {
  const char *f = WRITE("syntax.json", "{\"account\":{\"id\":01}}");
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", f);
  cr_assert_eq(R.status, 1);
  cr_assert(strstr(R.out, "syntax.json: invalid JSON at byte 17 (/account/id): "), "%s", R.out);
}

Test(validate, duplicate_keys_and_nul_are_not_waved_through) {
  const char *f = WRITE("dup.json", "{\"name\":\"a\",\"name\":\"b\"}");
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", f);
  cr_assert_eq(R.status, 1);
  cr_assert(strstr(R.out, "(/name)"), "%s", R.out);
  const char *g = WRITE("nul.json", "{\"account\":{\"id\":\"ACC-1234-5678\\u0000junk\"}}");
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", g);
  cr_assert_eq(R.status, 1, "a NUL tail must not pass the pattern: %s", R.out);
  cr_assert(strstr(R.out, "/account/id"), "%s", R.out);
}

Test(validate, ndjson_streams_lines_and_summarises) {
  const char *f =
      WRITE("many.ndjson", VALID "\n\n{\"name\":5}\r\n   \n" VALID "\nnot json\n" VALID);
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", "--ndjson", f);
  cr_assert_eq(R.status, 1, "%s", R.out);
  cr_assert(strstr(R.out, "many.ndjson:3: /name: "), "%s", R.out);
  cr_assert(strstr(R.out, "many.ndjson:6: invalid JSON at byte 0"), "%s", R.out);
  const char *last = strrchr(R.out, '\n');
  cr_assert_not_null(last);
  cr_assert(strstr(R.out, "3 valid, 2 invalid\n") &&
                strstr(R.out, "3 valid, 2 invalid\n") + 19 == last + 1,
            "summary must be the last line: %s", R.out);
}

Test(validate, json_output_is_one_object_per_line) {
  const char *f = WRITE("j.ndjson", VALID "\n{\"name\":\"x\",\"bogus\":1}\n");
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", "--ndjson", "--json", f);
  cr_assert_eq(R.status, 1);
  cr_assert(strstr(R.out, "\"line\":2,\"valid\":false,\"violations\":[{\"instance\":\"/bogus\""),
            "%s", R.out);
  cr_assert(strstr(R.out, "\"keyword\":\"additionalProperties\""), "%s", R.out);
  cr_assert(strstr(R.out, "{\"summary\":{\"valid\":1,\"invalid\":1}}\n"), "%s", R.out);
  cr_assert_null(strstr(R.out, "\"line\":1,"), "valid documents print nothing: %s", R.out);
}

Test(validate, reads_standard_input) {
  RUN(VALID, "validate", "--schema", "CreateApiTokenDto", "-");
  cr_assert_eq(R.status, 0, "%s %s", R.out, R.err);
  cr_assert(strstr(R.out, "(stdin): valid"), "%s", R.out);
}

Test(validate, schema_file_accepts_scalars_and_definitions) {
  const char *s = WRITE("s.json", "{\"$ref\":\"#/definitions/small\",\"definitions\":"
                                  "{\"small\":{\"type\":\"integer\",\"maximum\":3}}}");
  const char *two = WRITE("two.json", "2");
  const char *five = WRITE("five.json", "5");
  RUN(NULL, "validate", "--schema-file", s, two);
  cr_assert_eq(R.status, 0, "%s %s", R.out, R.err);
  RUN(NULL, "validate", "--schema-file", s, five);
  cr_assert_eq(R.status, 1, "%s %s", R.out, R.err);
  cr_assert(strstr(R.out, "(root): ") && strstr(R.out, "maximum at #/definitions/small/maximum"),
            "%s", R.out);
}

Test(validate, hostile_patterns_are_bounded_and_named) {
  /* catastrophic backtracking: a violation naming the limit, exit 1, no hang */
  const char *cat = WRITE("cat.json", "{\"pattern\":\"^(a|a)*$\"}");
  char inst[6000];
  memset(inst, 'a', sizeof inst);
  inst[0] = '"';
  memcpy(inst + sizeof inst - 3, "b\"", 2);
  inst[sizeof inst - 1] = '\n';
  const char *i = write_file("long.json", inst, sizeof inst);
  RUN(NULL, "validate", "--schema-file", cat, i);
  cr_assert_eq(R.status, 1, "%s %s", R.out, R.err);
  cr_assert(strstr(R.out, "pattern match limit exceeded"), "%s", R.out);
  cr_assert(strstr(R.out, "[pattern at #/pattern]"), "%s", R.out);
  /* a pattern that does not compile: exit 2, one line naming where */
  const char *bad = WRITE("bad.json", "{\"properties\":{\"p\":{\"pattern\":\"a(\"}}}");
  const char *one = WRITE("one.json", "1");
  RUN(NULL, "validate", "--schema-file", bad, one);
  cr_assert_eq(R.status, 2, "%s %s", R.out, R.err);
  cr_assert(strstr(R.err, "#/properties/p/pattern"), "%s", R.err);
  cr_assert_eq(strchr(R.err, '\n'), R.err + strlen(R.err) - 1, "one line: %s", R.err);
  /* ECMA meaning through the command: '.' does not match U+2028 */
  const char *dot = WRITE("dot.json", "{\"pattern\":\"^a.b$\"}");
  const char *ls = WRITE("ls.json", "\"a\\u2028b\"");
  RUN(NULL, "validate", "--schema-file", dot, ls);
  cr_assert_eq(R.status, 1, "%s %s", R.out, R.err);
}

Test(validate, unwritable_output_exits_2) {
  const char *f = WRITE("ok.json", VALID);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s validate --schema CreateApiTokenDto %s >/dev/full 2>/dev/null",
           APIHARNESS_BIN, f);
  int st = system(cmd);
  cr_assert(WIFEXITED(st), "status %d", st);
  cr_assert_eq(WEXITSTATUS(st), 2, "a lost verdict must not exit 0");
}

Test(validate, usage_errors_exit_2_with_one_line) {
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "no input files"), "%s", R.err);
  RUN(NULL, "validate", "x.json");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "exactly one of --schema"), "%s", R.err);
  RUN(NULL, "validate", "--schema", "A", "--schema-file", "b", "x");
  cr_assert_eq(R.status, 2);
  RUN(NULL, "validate", "--bogus", "x");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "unknown option '--bogus'"), "%s", R.err);
  RUN(NULL, "validate", "--schema");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "--schema needs a value"), "%s", R.err);
  RUN(NULL, "validate", "--max-depth", "-3", "--schema", "X", "f");
  cr_assert_eq(R.status, 2);
  /* a repeated single-value option is refused, not silently "last one wins" */
  RUN(VALID, "validate", "--schema", "CreateApiTokenDto", "--schema", "ApiToken", "-");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "--schema given twice"),
            "%s", R.err);
}

Test(validate, unknown_schema_and_missing_files_exit_2) {
  RUN(NULL, "validate", "--schema", "NoSuchSchema", "x.json");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "no schema 'NoSuchSchema'"), "%s", R.err);
  const char *f = WRITE("ok.json", VALID);
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", f, "/nonexistent/file.json");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "cannot open /nonexistent/file.json"), "%s", R.err);
}

Test(validate, broken_spec_or_schema_file_exits_2) {
  const char *spec =
      WRITE("spec.json", "{\"openapi\":\"3.0.1\",\"info\":{\"title\":\"t\","
                         "\"version\":\"1\"},\"paths\":{},\"components\":{"
                         "\"schemas\":{\"A\":{\"$ref\":\"#/components/schemas/B\"}}}}");
  const char *f = WRITE("ok.json", "{}");
  RUN(NULL, "validate", "--spec", spec, "--schema", "A", f);
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "#/components/schemas/B"), "names the missing ref: %s", R.err);
  const char *s = WRITE("bad-schema.json", "{\"type\":\"string\",\"pattern\":\"(\"}");
  RUN(NULL, "validate", "--schema-file", s, f);
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "pattern"), "%s", R.err);
  const char *t = WRITE("notjson.json", "{type: string}");
  RUN(NULL, "validate", "--schema-file", t, f);
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "invalid JSON at byte 1"), "%s", R.err);
}

Test(validate, over_long_document_is_invalid_and_the_stream_goes_on) {
  char big[5000];
  memset(big, ' ', sizeof big);
  big[0] = '"';
  big[sizeof big - 2] = '"';
  big[sizeof big - 1] = '\n';
  char data[6000];
  memcpy(data, big, sizeof big);
  memcpy(data + sizeof big, VALID "\n", sizeof VALID);
  const char *f = write_file("long.ndjson", data, sizeof big + sizeof VALID);
  RUN(NULL, "validate", "--schema", "CreateApiTokenDto", "--ndjson", "--max-doc-bytes", "1000", f);
  cr_assert_eq(R.status, 1, "%s %s", R.out, R.err);
  cr_assert(strstr(R.out, "long.ndjson:1: ") && strstr(R.out, "max-doc-bytes"), "%s", R.out);
  cr_assert(strstr(R.out, "1 valid, 1 invalid"), "%s", R.out);
}

Test(validate, help_and_unknown_command) {
  RUN(NULL, "validate", "--help");
  cr_assert_eq(R.status, 0);
  cr_assert(strstr(R.out, "usage: apiharness validate"));
  RUN(NULL, "frobnicate");
  cr_assert_eq(R.status, 2);
  cr_assert(strstr(R.err, "unknown command 'frobnicate'"), "%s", R.err);
}

/* An endless line (/dev/zero) is reported as soon as it passes
 * --max-doc-bytes, in flat memory, while the program goes on skipping it. */
Test(validate, endless_line_is_reported_at_once, .timeout = 30) {
  static const char *const argv[] = {APIHARNESS_BIN, "validate", "--schema", "CreateApiTokenDto",
                                     "--ndjson", "--max-doc-bytes", "4096", "/dev/zero", NULL};
  int out;
  pid_t pid = ts_spawn(APIHARNESS_BIN, argv, &out);
  char line[512];
  ts_read_line(out, line, sizeof line);
  kill(pid, SIGKILL);
  int st;
  cr_assert(waitpid(pid, &st, 0) == pid);
  close(out);
  cr_assert(WIFSIGNALED(st), "validate stopped by itself on an endless input: %s", line);
  cr_expect(strstr(line, "/dev/zero:1: ") && strstr(line, "max-doc-bytes"), "%s", line);
}
