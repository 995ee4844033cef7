/* apiharness replay --file: a case given as a file (bare, or wrapped the way
 * explore writes shrunk failures) is re-sent to the embedded mock; exit 0
 * pass/warn, 1 fail, 2 unreadable or malformed (one line naming the file and
 * the JSON pointer). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOKEN "Replay-Secret-7781"
#define BODY                                                                                       \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"{{name}}\",\"modules\":[{\"id\":\"MOD-"      \
  "1234\"}]}"
#define CASE(expect)                                                                               \
  "{\"id\":\"explore.1\",\"requirement\":\"semantics.create\",\"class\":\"positive\","             \
  "\"title\":\"shrunk\",\"method\":\"POST\",\"content_type\":\"application/json\","                \
  "\"auth\":\"token\",\"expect\":\"" expect "\",\"echo\":true,\"creates\":true,\"body\":" BODY "}"
#define WRAP(c) "{\"format\":\"apiharness-case/1\",\"case\":" c "}"

static char dir[64];

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/apiharness-replay-XXXXXX");
  cr_assert(mkdtemp(dir));
}
static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) {
  }
}
TestSuite(replay_file, .init = setup, .fini = teardown);

static const char *write_case(const char *name, const char *text) {
  static char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
  return path;
}

/* Runs apiharness with args; stdout and stderr captured (cut to cap). */
static int run(const char *const *args, char *out, char *err, size_t cap) {
  char po[128], pe[128];
  snprintf(po, sizeof po, "%s/stdout", dir);
  snprintf(pe, sizeof pe, "%s/stderr", dir);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fo, 1);
    dup2(fe, 2);
    setenv("HARNESS_TOKEN", TOKEN, 1);
    execv(APIHARNESS_BIN, (char *const *)args);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  const char *paths[2] = {po, pe};
  char *bufs[2] = {out, err};
  for (int i = 0; i < 2; i++) {
    FILE *f = fopen(paths[i], "r");
    size_t n = f ? fread(bufs[i], 1, cap - 1, f) : 0;
    bufs[i][n] = '\0';
    if (f)
      fclose(f);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char out[1 << 16], err[1 << 12];

Test(replay_file, a_passing_wrapped_case_exits_0) {
  const char *f = write_case("pass.json", WRAP(CASE("created")) "\n");
  const char *args[] = {APIHARNESS_BIN, "replay", "--file", f, NULL};
  cr_expect_eq(run(args, out, err, sizeof out), 0, "%s%s", out, err);
  cr_expect(strstr(out, "explore.1: pass"), "%s", out);
  cr_expect_null(strstr(out, TOKEN));
}

Test(replay_file, a_failing_bare_case_exits_1) {
  const char *f = write_case("fail.json", CASE("bad-request"));
  const char *args[] = {APIHARNESS_BIN, "replay", "--file", f, NULL};
  cr_expect_eq(run(args, out, err, sizeof out), 1, "%s%s", out, err);
  cr_expect(strstr(out, "explore.1: fail - status: expected 400, got 201"), "%s", out);
  cr_expect(strstr(out, "reproduce: curl "), "%s", out);
  cr_expect(strstr(out, "$HARNESS_TOKEN") || strstr(out, "${HARNESS_TOKEN}"), "%s", out);
  cr_expect_null(strstr(out, TOKEN), "%s", out);
}

Test(replay_file, malformed_files_exit_2_naming_file_and_pointer) {
  struct {
    const char *name, *text, *want;
  } t[] = {
      {"expect.json", WRAP(CASE("sometimes")), "expect.json: /case/expect: unknown value"},
      {"format.json", "{\"format\":\"apiharness-case/9\",\"case\":{}}", "format.json: /format"},
      {"id.json", "{\"id\":1}", "id.json: /id: not a string"},
      {"syntax.json", "{\"id\":", "syntax.json: not valid JSON near byte"},
      {"seq.json",
       "{\"id\":\"s\",\"requirement\":\"r\",\"class\":\"http\",\"sequence\":[{\"method\":"
       "\"POST\",\"expect\":\"created\",\"headers\":[[\"X\"]]}]}",
       "seq.json: /sequence/0/headers/0: not a [\"Name\", \"value\"] pair"},
      {"array.json", "[1]", "array.json: /: not a JSON object"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    const char *f = write_case(t[i].name, t[i].text);
    const char *args[] = {APIHARNESS_BIN, "replay", "--file", f, NULL};
    cr_expect_eq(run(args, out, err, sizeof err), 2, "%s: %s", t[i].name, err);
    cr_expect(strstr(err, t[i].want), "%s: %s", t[i].name, err);
    cr_expect_eq(strchr(err, '\n'), strrchr(err, '\n'), "one line: %s", err);
  }
  const char *missing[] = {APIHARNESS_BIN, "replay", "--file", "/nonexistent/c.json", NULL};
  cr_expect_eq(run(missing, out, err, sizeof err), 2);
  cr_expect(strstr(err, "/nonexistent/c.json: cannot open: No such file"), "%s", err);
  const char *both[] = {APIHARNESS_BIN, "replay",      "--file", "x.json",
                        "--case",       "pos.minimal", NULL};
  cr_expect_eq(run(both, out, err, sizeof err), 2);
}

Test(replay_file, a_sequence_runs_on_one_connection_against_the_mock) {
  const char *f = write_case(
      "seq.json",
      "{\"id\":\"seq.after-400\",\"requirement\":\"http.keep-alive-framing\",\"class\":\"http\","
      "\"sequence\":[{\"method\":\"POST\",\"content_type\":\"application/json\",\"expect\":"
      "\"bad-request\",\"body_text\":\"{\\\"account\\\":1}\"},{\"method\":\"HEAD\",\"expect\":"
      "\"method-not-allowed\"},{\"method\":\"POST\",\"content_type\":\"application/json\","
      "\"expect\":\"created\",\"echo\":true,\"creates\":true,\"body\":" BODY "}]}");
  const char *args[] = {APIHARNESS_BIN, "replay", "--file", f, "--json", NULL};
  cr_expect_eq(run(args, out, err, sizeof out), 0, "%s%s", out, err);
  cr_expect(strstr(out, "\"steps\""), "%s", out);
  cr_expect(strstr(out, "\"step3:framing\""), "%s", out);
  cr_expect(strstr(out, "sent on the connection of the previous step"), "%s", out);
  cr_expect_null(strstr(out, TOKEN));
}
