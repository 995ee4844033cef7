/* The fuzz targets' standalone replay driver (fuzz/standalone_main.c), as
 * ctest and developers use it: exit codes, the file named on failure paths,
 * and the structure mutator exercised through -mutate. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock/hmock.h"

/* The fuzz targets sit beside the apiharness binary (RUNTIME_OUTPUT_DIRECTORY). */
static void target_path(const char *name, char *out, size_t cap) {
  char bin[4096];
  snprintf(bin, sizeof bin, "%s", APIHARNESS_BIN);
  snprintf(out, cap, "%s/%s_fuzzer", dirname(bin), name);
}

/* Runs `target args` in directory cwd (NULL: the current one), stderr+stdout
 * into *output (malloc'd); returns the exit code. */
static int run_in(const char *cwd, const char *name, const char *args, char **output) {
  char exe[4200], cmd[8192], tmp[] = "/tmp/test_fuzz_replay.XXXXXX";
  target_path(name, exe, sizeof exe);
  int fd = mkstemp(tmp);
  cr_assert(fd >= 0);
  close(fd);
  snprintf(cmd, sizeof cmd, "%s%s%s'%s' %s >'%s' 2>&1", cwd ? "cd '" : "", cwd ? cwd : "",
           cwd ? "' && " : "", exe, args, tmp);
  int st = system(cmd);
  FILE *f = fopen(tmp, "rb");
  cr_assert_not_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  *output = calloc(1, (size_t)n + 1);
  cr_assert_not_null(*output);
  cr_assert_eq(fread(*output, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  unlink(tmp);
  cr_assert(WIFEXITED(st), "%s did not exit normally", name);
  return WEXITSTATUS(st);
}

static int run(const char *name, const char *args, char **output) {
  return run_in(NULL, name, args, output);
}

/* Files in dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d, "%s", dir);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    n += !strncmp(e->d_name, prefix, strlen(prefix));
  closedir(d);
  return n;
}

Test(fuzz_replay, corpus_and_regressions_pass) {
  char *out = NULL;
  int rc = run("create_dto", TEST_SOURCE_DIR "/corpus/create_dto " TEST_SOURCE_DIR
               "/corpus/regressions/create_dto", &out);
  cr_expect_eq(rc, 0, "%s", out);
  cr_expect(strstr(out, "all passed") != NULL, "%s", out);
  free(out);
}

Test(fuzz_replay, each_file_is_named) {
  char dir[] = "/tmp/test_fuzz_replay_dir.XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[512];
  snprintf(path, sizeof path, "%s/y_minimal.json", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"modules\":[{\"id\":\"MOD-1234\"}]}", f);
  fclose(f);
  char *out = NULL;
  int rc = run("create_dto", path, &out);
  cr_expect_eq(rc, 0, "%s", out);
  cr_expect(strstr(out, "y_minimal.json") != NULL, "%s", out);
  cr_expect(strstr(out, "1 files, 1 runs") != NULL, "%s", out);
  free(out);
  unlink(path);
  rmdir(dir);
}

Test(fuzz_replay, missing_path_is_exit_2_naming_it) {
  char *out = NULL;
  int rc = run("create_dto", "/nonexistent/fuzz-input", &out);
  cr_expect_eq(rc, 2);
  cr_expect(strstr(out, "/nonexistent/fuzz-input") != NULL, "%s", out);
  free(out);
}

Test(fuzz_replay, empty_directory_is_exit_2) {
  char dir[] = "/tmp/test_fuzz_replay_empty.XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char *out = NULL;
  int rc = run("spec", dir, &out);
  cr_expect_eq(rc, 2);
  cr_expect(strstr(out, "no input files") != NULL, "%s", out);
  free(out);
  rmdir(dir);
}

Test(fuzz_replay, no_argument_is_usage) {
  char *out = NULL;
  cr_expect_eq(run("create_dto", "", &out), 2);
  cr_expect(strstr(out, "usage:") != NULL, "%s", out);
  free(out);
}

Test(fuzz_replay, bad_flag_value_is_exit_2) {
  char *out = NULL;
  cr_expect_eq(run("dto_structure", "-mutate=lots " TEST_SOURCE_DIR "/corpus/dto_structure", &out), 2);
  cr_expect(strstr(out, "-mutate=lots") != NULL, "%s", out);
  free(out);
}

/* The schema-aware mutator: deterministic per seed, within MaxSize, every
 * output through the oracles, and it reports its share of valid inputs. */
Test(fuzz_replay, structure_mutator_runs_and_reports_valid_share) {
  char *out = NULL;
  int rc = run("dto_structure", "-mutate=40 -seed=7 " TEST_SOURCE_DIR "/corpus/dto_structure", &out);
  cr_expect_eq(rc, 0, "%s", out);
  const char *p = strstr(out, "dto_structure_fuzzer: ");
  cr_assert_not_null(p, "%s", out);
  unsigned long valid = 0, runs = 0;
  cr_assert_eq(sscanf(p, "dto_structure_fuzzer: %lu of %lu inputs valid", &valid, &runs), 2, "%s", p);
  cr_expect_gt(runs, 1000ul);
  /* Byte mutation keeps ~0.1% valid; the structure mutator must do far better. */
  cr_expect_gt(valid * 100, runs * 5, "only %lu of %lu valid", valid, runs);
  free(out);
}

/* The structure oracle (fuzz_gen.h) runs on every input of dto_structure:
 * generated valid bodies accepted, near misses rejected, and it says how many. */
Test(fuzz_replay, structure_oracle_asserts_bodies_and_near_misses) {
  char *out = NULL;
  int rc = run("dto_structure", TEST_SOURCE_DIR "/corpus/dto_structure", &out);
  cr_expect_eq(rc, 0, "%s", out);
  const char *p = strstr(out, "structure oracle: ");
  cr_assert_not_null(p, "%s", out);
  unsigned long valid = 0, edits = 0;
  cr_assert_eq(sscanf(p, "structure oracle: %lu generated bodies accepted, %lu near misses rejected",
                      &valid, &edits), 2, "%s", p);
  cr_expect_gt(valid, 0ul, "no generated body was asserted valid");
  cr_expect_gt(edits, valid, "fewer near misses than bodies: %lu", edits);
  free(out);
}

/* APIHARNESS_FUZZ_ORACLES_OFF switches it off (bench/fuzz/run's cost figures). */
Test(fuzz_replay, structure_oracle_can_be_switched_off) {
  char *out = NULL;
  setenv("APIHARNESS_FUZZ_ORACLES_OFF", "walk,gen", 1);
  int rc = run("dto_structure", TEST_SOURCE_DIR "/corpus/dto_structure", &out);
  unsetenv("APIHARNESS_FUZZ_ORACLES_OFF");
  cr_expect_eq(rc, 0, "%s", out);
  cr_expect(strstr(out, "structure oracle: 0 generated bodies accepted, 0 near misses rejected") != NULL,
            "%s", out);
  free(out);
}

/* The judge's multi-response target replays its seeds (two creates, echoes,
 * a token equal in both, escaped tokens) without an oracle failure. */
Test(fuzz_replay, judge_multi_corpus_passes) {
  char *out = NULL;
  int rc = run("judge_multi", TEST_SOURCE_DIR "/corpus/judge_multi " TEST_SOURCE_DIR
               "/corpus/regressions/judge_multi", &out);
  cr_expect_eq(rc, 0, "%s", out);
  cr_expect(strstr(out, "all passed") != NULL, "%s", out);
  free(out);
}

/* The endpoint target's setup check against another server: a server that
 * wants a bearer token while APIHARNESS_FUZZ_TOKEN is unset stops the target
 * before any input with exit 2 and one setup-error line naming the variable
 * (fuzz/README.md) - never a crash, never a crash-* file, never the token. */
Test(fuzz_replay, endpoint_setup_error_names_the_missing_token_and_is_no_crash) {
  char exe[4200];
  target_path("endpoint", exe, sizeof exe);
  cr_assert_eq(access(exe, X_OK), 0, "endpoint_fuzzer is built beside apiharness: %s", exe);
  static const char secret[] = "fuzz-replay-secret-7f3a";
  hmock_options o = {.host = "127.0.0.1",
                     .port = 0,
                     .spec_path = TEST_SOURCE_DIR "/spec/create-api-token.openapi.json",
                     .token = secret};
  char err[256];
  hmock *m = hmock_start(&o, err, sizeof err);
  cr_assert_not_null(m, "%s", err);
  char dir[] = "/tmp/test_fuzz_replay_ep.XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char in[600], url[64], args[1400];
  snprintf(in, sizeof in, "%s/in", dir);
  cr_assert_eq(mkdir(in, 0700), 0);
  char seed[700];
  snprintf(seed, sizeof seed, "%s/seed.json", in);
  FILE *f = fopen(seed, "w");
  cr_assert_not_null(f);
  fputs("{}", f);
  fclose(f);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", hmock_port(m));
  setenv("APIHARNESS_FUZZ_BASE_URL", url, 1);
  unsetenv("APIHARNESS_FUZZ_TOKEN");
  snprintf(args, sizeof args, "-runs=1 -artifact_prefix='%s/' '%s'", dir, in);
  char *out = NULL;
  int rc = run_in(dir, "endpoint", args, &out);
  unsetenv("APIHARNESS_FUZZ_BASE_URL");
  hmock_stop(m);
  cr_expect_eq(rc, 2, "%s", out);
  int lines = 0;
  const char *line = NULL;
  for (const char *p = out; (p = strstr(p, "setup error")); p++, lines++)
    line = p;
  cr_expect_eq(lines, 1, "one setup error line: %s", out);
  if (line) {
    char one[1024];
    snprintf(one, sizeof one, "%.*s", (int)strcspn(line, "\n"), line);
    cr_expect(strstr(one, "APIHARNESS_FUZZ_TOKEN") != NULL, "names the variable: %s", one);
    cr_expect(strstr(one, "401") != NULL, "says what the server answered: %s", one);
  }
  cr_expect_null(strstr(out, secret), "the token never printed: %s", out);
  cr_expect_null(strstr(out, "ERROR"), "not a libFuzzer finding: %s", out);
  cr_expect_eq(count_prefixed(dir, "crash-"), 0, "no crash file in the cwd or prefix: %s", out);
  cr_expect_eq(count_prefixed(".", "crash-"), 0, "no crash file in the test's cwd");
  free(out);
  unlink(seed);
  rmdir(in);
  rmdir(dir);
}
