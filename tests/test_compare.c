/* Tests of `apiharness compare BASELINE.json CURRENT.json` (the release
 * regression gate), run against the built program (APIHARNESS_BIN). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#ifndef APIHARNESS_BIN
#error "APIHARNESS_BIN must name the built apiharness program"
#endif

typedef struct {
  char dir[64];
  char *out, *err;
  int code;
} run_result;

/* A file's whole text (asserts it is readable). */
static char *read_file(const char *path) {
  char *t = ts_slurp(path, NULL);
  cr_assert_not_null(t, "cannot read %s", path);
  return t;
}

/* Writes DIR/NAME, its path in path. */
static void write_file(const char *dir, const char *name, const char *text, char *path,
                       size_t cap) {
  snprintf(path, cap, "%s/%s", dir, name);
  ts_write_file(path, text);
}

static void run_free(run_result *r) {
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
}

/* Runs apiharness compare with args (NULL-terminated), stdout/stderr to files;
 * the previous output in *r (if any) must have been freed. */
static void run_compare(const char *dir, const char *const *args, run_result *r) {
  char out[128], err[128];
  snprintf(out, sizeof out, "%s/stdout", dir);
  snprintf(err, sizeof err, "%s/stderr", dir);
  const char *argv[16];
  size_t n = 0;
  argv[n++] = APIHARNESS_BIN;
  argv[n++] = "compare";
  for (size_t i = 0; args[i] && n < 15; i++)
    argv[n++] = args[i];
  argv[n] = NULL;
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fo < 0 || fe < 0)
      _exit(127);
    dup2(fo, 1);
    dup2(fe, 2);
    execv(APIHARNESS_BIN, (char *const *)argv);
    _exit(127);
  }
  int status = 0;
  time_t deadline = time(NULL) + 30;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (time(NULL) > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      cr_assert_fail("apiharness compare did not finish within 30 s");
    }
    usleep(10000);
  }
  cr_assert(WIFEXITED(status), "apiharness compare crashed (status %d)", status);
  r->code = WEXITSTATUS(status);
  r->out = read_file(out);
  r->err = read_file(err);
}

/* A report from a list of "id:status[:case_status]" requirement specs; each
 * requirement gets one case "<id>.case" with that case status (default: the
 * requirement's status, "pass" for skip). */
static char *report(const char *const *reqs) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "format", "apiharness-compliance/1");
  int failing = 0;
  cJSON *ra = cJSON_AddArrayToObject(r, "requirements");
  cJSON *ca = cJSON_AddArrayToObject(r, "cases");
  for (size_t i = 0; reqs[i]; i++) {
    char id[128], st[16] = "", cst[16] = "";
    cr_assert_geq(sscanf(reqs[i], "%127[^:]:%15[^:]:%15s", id, st, cst), 2);
    if (!cst[0])
      snprintf(cst, sizeof cst, "%s", strcmp(st, "skip") ? st : "pass");
    failing |= !strcmp(st, "fail");
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "id", id);
    cJSON_AddStringToObject(q, "class", "http");
    char title[160];
    snprintf(title, sizeof title, "title of %s", id);
    cJSON_AddStringToObject(q, "title", title);
    cJSON_AddStringToObject(q, "status", st);
    char cid[160];
    snprintf(cid, sizeof cid, "%s.case", id);
    cJSON *list = cJSON_AddArrayToObject(q, "cases");
    cJSON_AddItemToArray(list, cJSON_CreateString(cid));
    cJSON_AddItemToArray(ra, q);
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "id", cid);
    cJSON_AddStringToObject(c, "requirement", id);
    cJSON_AddStringToObject(c, "status", cst);
    char detail[200];
    snprintf(detail, sizeof detail, "%s", strcmp(cst, "pass") ? "expected 400, got 201" : "");
    cJSON_AddStringToObject(c, "detail", detail);
    cJSON_AddItemToArray(ca, c);
  }
  cJSON_AddStringToObject(r, "verdict", failing ? "non-compliant" : "compliant");
  char *text = cJSON_Print(r);
  cJSON_Delete(r);
  return text;
}

static void compare_reports(const char *const *base, const char *const *cur, int json,
                            run_result *r) {
  ts_tmpdir(r->dir, sizeof r->dir, "compare");
  char bp[128], cp[128];
  char *b = report(base), *c = report(cur);
  write_file(r->dir, "base.json", b, bp, sizeof bp);
  write_file(r->dir, "cur.json", c, cp, sizeof cp);
  free(b);
  free(c);
  const char *args[] = {json ? "--json" : bp, json ? bp : cp, json ? cp : NULL, NULL};
  run_compare(r->dir, args, r);
}

Test(compare, regression_exit_1_with_requirement_and_cases) {
  const char *base[] = {"http.a:pass", "http.b:pass", "http.c:fail",
                        "http.d:pass", "http.w:warn", NULL};
  const char *cur[] = {"http.a:fail", "http.b:pass", "http.c:pass",
                       "http.e:fail", "http.w:fail", NULL};
  run_result r;
  compare_reports(base, cur, 0, &r);
  cr_assert_eq(r.code, 1, "exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.out, r.err);
  cr_assert_str_empty(r.err);
  const char *reg = strstr(r.out, "REGRESSIONS");
  cr_assert_not_null(reg, "%s", r.out);
  cr_assert_not_null(strstr(reg, "http.a  pass -> fail  title of http.a\n"
                                 "      case http.a.case fail: expected 400, got 201\n"),
                     "%s", r.out);
  cr_assert_not_null(strstr(reg, "http.w  warn -> fail"), "warn -> fail is a regression");
  const char *imp = strstr(r.out, "Improvements");
  cr_assert_not_null(imp);
  cr_assert_not_null(strstr(imp, "http.c  fail -> pass"));
  cr_assert_not_null(strstr(r.out, "New requirements (1):\n  http.e  fail"));
  cr_assert_not_null(strstr(r.out, "no longer in the current report (1):\n  http.d  pass"));
  /* a requirement that passed and is gone is lost coverage */
  cr_assert_not_null(strstr(r.out, "COVERAGE LOST: passed in the baseline, now skipped, not "
                                   "exercised or missing (1):\n  http.d  pass -> missing"),
                     "%s", r.out);
  cr_assert_not_null(strstr(r.out, "2 regressions, 1 coverage lost, 1 improvements, 0 other "
                                   "changes, 1 new, 1 removed, 1 unchanged"),
                     "%s", r.out);
  run_free(&r);
  ts_rmtree(r.dir);
}

Test(compare, case_error_is_a_regression) {
  const char *base[] = {"http.a:pass", NULL};
  const char *cur[] = {"http.a:pass:error", NULL};
  run_result r;
  compare_reports(base, cur, 0, &r);
  cr_assert_eq(r.code, 1, "%s", r.out);
  cr_assert_not_null(strstr(r.out, "http.a  pass -> error"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "case http.a.case error: expected 400, got 201"));
  run_free(&r);
  ts_rmtree(r.dir);
}

Test(compare, no_regression_exit_0) {
  const char *base[] = {"http.a:fail", "http.b:pass", "http.c:skip", NULL};
  const char *cur[] = {"http.a:pass", "http.b:warn", "http.c:pass", "http.n:pass", NULL};
  run_result r;
  compare_reports(base, cur, 0, &r);
  cr_assert_eq(r.code, 0, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_null(strstr(r.out, "REGRESSIONS"));
  cr_assert_null(strstr(r.out, "COVERAGE LOST"));
  cr_assert_not_null(strstr(r.out, "Other changes (2):"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "http.b  pass -> warn"));
  cr_assert_not_null(strstr(r.out, "http.c  skip -> pass"));
  cr_assert_not_null(strstr(r.out, "0 regressions, 0 coverage lost, 1 improvements"));
  run_free(&r);
  ts_rmtree(r.dir);
}

/* The hole in the gate: a later run with --filter skipped what passed before. */
Test(compare, pass_to_skip_fails_the_gate) {
  const char *base[] = {"http.a:pass", "http.b:pass", "http.c:pass", NULL};
  const char *cur[] = {"http.a:pass", "http.b:skip", NULL};
  run_result r;
  compare_reports(base, cur, 0, &r);
  cr_assert_eq(r.code, 1, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_not_null(strstr(r.out, "COVERAGE LOST"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "  http.b  pass -> not exercised  title of http.b"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "  http.c  pass -> missing  title of http.c"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "0 regressions, 2 coverage lost"), "%s", r.out);
  run_free(&r);
  ts_rmtree(r.dir);
}

/* --allow-coverage-loss relaxes only the lost coverage, never a regression. */
Test(compare, allow_coverage_loss) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  const char *base[] = {"http.a:pass", "http.b:pass", NULL};
  const char *cur1[] = {"http.a:pass", "http.b:skip", NULL};
  const char *cur2[] = {"http.a:fail", "http.b:skip", NULL};
  char *b = report(base), *c1 = report(cur1), *c2 = report(cur2);
  write_file(dir, "base.json", b, bp, sizeof bp);
  write_file(dir, "cur.json", c1, cp, sizeof cp);
  const char *args[] = {"--allow-coverage-loss", bp, cp, NULL};
  run_result r;
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 0, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_not_null(strstr(r.out, "Coverage lost (allowed by --allow-coverage-loss) (1):"),
                     "%s", r.out);
  run_free(&r);
  write_file(dir, "cur.json", c2, cp, sizeof cp);
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 1, "a regression still fails: %s", r.out);
  run_free(&r);
  /* --json says which */
  const char *jargs[] = {"--json", "--allow-coverage-loss", bp, cp, NULL};
  run_compare(dir, jargs, &r);
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "%s", r.out);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "regression")));
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "coverage_lost")));
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "gate_failed")));
  cJSON *loss = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "coverage_loss"), 0);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(loss, "after")), "not exercised");
  cJSON_Delete(j);
  run_free(&r);
  free(b);
  free(c1);
  free(c2);
  ts_rmtree(dir);
}

/* A requirement whose status says pass but that no case judged is not exercised. */
Test(compare, pass_without_cases_is_not_exercised) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  write_file(dir, "base.json",
             "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\","
             "\"status\":\"pass\"},{\"id\":\"q\",\"status\":\"pass\"}],\"cases\":[{\"id\":\"c1\","
             "\"requirement\":\"q\",\"status\":\"pass\",\"checks\":[{\"name\":\"x\",\"status\":"
             "\"pass\",\"requirement\":\"r\"}]}]}",
             bp, sizeof bp);
  write_file(dir, "cur.json",
             "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\","
             "\"status\":\"pass\"},{\"id\":\"q\",\"status\":\"pass\"}],\"cases\":[{\"id\":\"c1\","
             "\"requirement\":\"q\",\"status\":\"pass\",\"checks\":[]}]}",
             cp, sizeof cp);
  const char *args[] = {bp, cp, NULL};
  run_result r;
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 1, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_not_null(strstr(r.out, "  r  pass -> not exercised"), "%s", r.out);
  run_free(&r);
  ts_rmtree(dir);
}

/* Reports of different spec documents or profiles are not comparable. */
static char *with_spec(const char *const *reqs, const char *sha, const char *profile) {
  char *text = report(reqs);
  cJSON *j = cJSON_Parse(text);
  free(text);
  cJSON *spec = cJSON_AddObjectToObject(j, "spec");
  cJSON_AddStringToObject(spec, "sha256", sha);
  cJSON_AddStringToObject(j, "profile", profile);
  text = cJSON_Print(j);
  cJSON_Delete(j);
  return text;
}

Test(compare, different_specs_refused_unless_allowed) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  const char *base[] = {"http.a:pass", "http.old:pass", NULL};
  const char *cur[] = {"http.a:pass", "http.label:pass", NULL};
  char *b = with_spec(base, "aaaa1111", "default"), *c = with_spec(cur, "bbbb2222", "default");
  write_file(dir, "base.json", b, bp, sizeof bp);
  write_file(dir, "cur.json", c, cp, sizeof cp);
  const char *args[] = {bp, cp, NULL};
  run_result r;
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 2, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_not_null(strstr(r.err, "come from different spec documents (aaaa1111 vs bbbb2222)"),
                     "%s", r.err);
  cr_assert_not_null(strstr(r.err, "--allow-spec-change"));
  cr_assert_str_empty(r.out);
  run_free(&r);
  const char *allow[] = {"--allow-spec-change", "--allow-coverage-loss", bp, cp, NULL};
  run_compare(dir, allow, &r);
  cr_assert_eq(r.code, 0, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_not_null(strstr(r.out, "note: the reports come from different spec documents"));
  cr_assert_not_null(strstr(r.out, "New requirements (1):\n  http.label  pass"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "no longer in the current report (1):\n  http.old  pass"));
  run_free(&r);
  free(c);
  c = with_spec(base, "aaaa1111", "strict");
  write_file(dir, "cur.json", c, cp, sizeof cp);
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 2, "exit %d: %s", r.code, r.out);
  cr_assert_not_null(strstr(r.err, "different profiles (default vs strict)"), "%s", r.err);
  run_free(&r);
  free(b);
  free(c);
  ts_rmtree(dir);
}

Test(compare, new_findings_listed) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  static const char head[] = "{\"format\":\"apiharness-compliance/1\",\"requirements\":["
                             "{\"id\":\"r\",\"status\":\"warn\"}],\"cases\":[";
  char b[1024], c[1024];
  snprintf(b, sizeof b,
           "%s{\"id\":\"c1\",\"requirement\":\"r\",\"status\":\"warn\",\"checks\":[{\"name\":"
           "\"media-type\",\"status\":\"warn\",\"requirement\":\"r\",\"message\":\"odd type "
           "at offset 3\"}]}]}",
           head);
  snprintf(c, sizeof c,
           "%s{\"id\":\"c1\",\"requirement\":\"r\",\"status\":\"warn\",\"checks\":[{\"name\":"
           "\"media-type\",\"status\":\"warn\",\"requirement\":\"r\",\"message\":\"odd type "
           "at offset 9\"}]},{\"id\":\"c2\",\"requirement\":\"r\",\"status\":\"warn\","
           "\"checks\":[{\"name\":\"allow\",\"status\":\"warn\",\"requirement\":\"r\","
           "\"message\":\"Allow lists PUT\"}]}]}",
           head);
  write_file(dir, "base.json", b, bp, sizeof bp);
  write_file(dir, "cur.json", c, cp, sizeof cp);
  const char *args[] = {bp, cp, NULL};
  run_result r;
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 0, "exit %d: %s %s", r.code, r.out, r.err);
  cr_assert_not_null(strstr(r.out, "New findings since the baseline (1):\n  warn  r [allow] 1 "
                                   "case, e.g. c2\n      Allow lists PUT\n"),
                     "the same cause at another offset is not new: %s", r.out);
  run_free(&r);
  ts_rmtree(dir);
}

Test(compare, identical_reports) {
  const char *base[] = {"http.a:pass", "http.b:fail", NULL};
  run_result r;
  compare_reports(base, base, 0, &r);
  cr_assert_eq(r.code, 0);
  cr_assert_not_null(strstr(r.out, "0 regressions, 0 coverage lost, 0 improvements, 0 other "
                                   "changes, 0 new, 0 removed, 2 unchanged, 0 new findings"),
                     "%s", r.out);
  run_free(&r);
  ts_rmtree(r.dir);
}

Test(compare, json_output) {
  const char *base[] = {"http.a:pass", "http.b:pass", NULL};
  const char *cur[] = {"http.a:fail", "http.b:pass", NULL};
  run_result r;
  compare_reports(base, cur, 1, &r);
  cr_assert_eq(r.code, 1);
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "regression")));
  cJSON *reg = cJSON_GetObjectItem(j, "regressions");
  cr_assert_eq(cJSON_GetArraySize(reg), 1);
  cJSON *e = cJSON_GetArrayItem(reg, 0);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "id")), "http.a");
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "before")), "pass");
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "after")), "fail");
  cJSON *cases = cJSON_GetObjectItem(e, "cases");
  cr_assert_eq(cJSON_GetArraySize(cases), 1);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cases, 0), "id")),
                   "http.a.case");
  cr_assert_eq(cJSON_GetObjectItem(j, "unchanged")->valuedouble, 1);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "current_verdict")),
                   "non-compliant");
  cJSON_Delete(j);
  run_free(&r);
  ts_rmtree(r.dir);
}

Test(compare, hostile_strings_do_not_reach_the_terminal_raw) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  write_file(dir, "base.json",
             "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\\u001b[2J\","
             "\"status\":\"pass\",\"title\":\"t\\u009b31m\"}],\"cases\":[]}",
             bp, sizeof bp);
  write_file(dir, "cur.json",
             "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\\u001b[2J\","
             "\"status\":\"fail\",\"title\":\"t\\u009b31m\"}],\"cases\":[]}",
             cp, sizeof cp);
  const char *args[] = {bp, cp, NULL};
  run_result r;
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 1, "%s %s", r.out, r.err);
  cr_assert_null(strchr(r.out, '\x1b'), "a raw ESC reached the terminal");
  cr_assert_null(strstr(r.out, "\xc2\x9b"), "a raw CSI reached the terminal");
  cr_assert_not_null(strstr(r.out, "r\\x1B[2J  pass -> fail  t\\u009B31m"), "%s", r.out);
  run_free(&r);
  ts_rmtree(dir);
}

Test(compare, secrets_in_case_details_are_redacted) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  write_file(dir, "base.json",
             "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\","
             "\"status\":\"pass\",\"cases\":[\"r.c\"]}],\"cases\":[]}",
             bp, sizeof bp);
  write_file(dir, "cur.json",
             "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\","
             "\"status\":\"fail\",\"cases\":[\"r.c\"]}],\"cases\":[{\"id\":\"r.c\","
             "\"requirement\":\"r\",\"status\":\"fail\",\"detail\":\"sent Bearer "
             "sk:live:HIDDEN1, got {\\\"token\\\":\\\"idt:TKN-HIDDEN2secret\\\"}\"}]}",
             cp, sizeof cp);
  for (int json = 0; json < 2; json++) {
    const char *args[] = {json ? "--json" : bp, json ? bp : cp, json ? cp : NULL, NULL};
    run_result r;
    run_compare(dir, args, &r);
    cr_assert_eq(r.code, 1, "%s %s", r.out, r.err);
    cr_assert_not_null(strstr(r.out, "r.c"), "the case is listed: %s", r.out);
    cr_assert_not_null(strstr(r.out, "Bearer <redacted>"), "%s", r.out);
    cr_assert_null(strstr(r.out, "HIDDEN1"), "a bearer credential leaked: %s", r.out);
    cr_assert_null(strstr(r.out, "HIDDEN2"), "a token value leaked: %s", r.out);
    run_free(&r);
  }
  ts_rmtree(dir);
}

/* ---- files that cannot be compared: exit 2 with a one-line reason ------------------ */

static void expect_error(const char *base_text, const char *cur_text, const char *message) {
  char dir[64], bp[128], cp[128];
  ts_tmpdir(dir, sizeof dir, "compare");
  const char *ok = "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\","
                   "\"status\":\"pass\"}]}";
  if (base_text)
    write_file(dir, "base.json", base_text, bp, sizeof bp);
  else
    snprintf(bp, sizeof bp, "%s/absent.json", dir);
  write_file(dir, "cur.json", cur_text ? cur_text : ok, cp, sizeof cp);
  const char *args[] = {bp, cp, NULL};
  run_result r;
  run_compare(dir, args, &r);
  cr_assert_eq(r.code, 2, "exit %d for %s", r.code, message);
  const char *which = cur_text ? cp : bp;
  cr_assert_not_null(strstr(r.err, which), "the message does not name %s: %s", which, r.err);
  cr_assert_not_null(strstr(r.err, message), "expected \"%s\" in: %s", message, r.err);
  cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "not one line: %s", r.err);
  cr_assert_str_empty(r.out);
  run_free(&r);
  ts_rmtree(dir);
}

Test(compare, bad_files_exit_2) {
  const char *ok = "{\"format\":\"apiharness-compliance/1\",\"requirements\":[{\"id\":\"r\","
                   "\"status\":\"pass\"}]}";
  expect_error(NULL, NULL, "baseline report");
  expect_error(NULL, NULL, "cannot open: No such file or directory");
  expect_error("{\"format\":", NULL, "invalid JSON at offset 10");
  expect_error(ok, "{\"requirements\":[]} x", "invalid JSON at offset");
  expect_error(ok, "{\"format\":\"other/1\",\"requirements\":[]}",
               "/format is not \"apiharness-compliance/1\"");
  expect_error(ok, "{\"requirements\":[]}", "no /format member");
  expect_error(ok, "{\"format\":\"apiharness-compliance/1\",\"requirements\":{}}",
               "/requirements is missing or not an array");
  expect_error(ok, "[]", "root is not a JSON object");
  expect_error("{\"format\":\"apiharness-compliance/1\",\"format\":\"apiharness-compliance/1\"}",
               NULL, "invalid JSON");
  expect_error(ok, "", "current report");
}

/* Malformed content: exit 2 naming the file and the JSON pointer of the problem. */
Test(compare, malformed_reports_exit_2_with_pointer) {
#define F "{\"format\":\"apiharness-compliance/1\","
#define OK F "\"requirements\":[{\"id\":\"r\",\"status\":\"pass\"}]}"
  expect_error(F "\"requirements\":[]}", NULL, ": /requirements: empty");
  expect_error(OK, F "\"requirements\":[]}", ": /requirements: empty");
  expect_error(F "\"requirements\":[1,2,3]}", NULL, ": /requirements/0: not an object");
  expect_error(F "\"requirements\":[{\"id\":\"a\",\"status\":\"pass\"},{\"status\":\"pass\"}]}",
               NULL, ": /requirements/1/id: missing");
  expect_error(F "\"requirements\":[{\"id\":\"\",\"status\":\"pass\"}]}", NULL,
               ": /requirements/0/id: not a non-empty string");
  expect_error(F "\"requirements\":[{\"id\":\"a\",\"status\":\"pass\"},{\"id\":\"b\","
                 "\"status\":\"pass\"},{\"id\":\"a\",\"status\":\"fail\"}]}",
               NULL, ": /requirements/2/id: duplicate id \"a\" (first at /requirements/0)");
  expect_error(OK, F "\"requirements\":[{\"id\":\"a\",\"status\":\"unknown\"}]}",
               ": /requirements/0/status: unknown status \"unknown\" (pass, fail, warn, skip or "
               "error)");
  expect_error(F "\"requirements\":[{\"id\":\"a\"}]}", NULL, ": /requirements/0/status: missing");
  expect_error(F "\"requirements\":[{\"id\":\"a\",\"status\":\"pass\"}],\"cases\":[{\"id\":"
                 "\"c\",\"status\":\"pass\"},{\"id\":\"c\",\"status\":\"fail\"}]}",
               NULL, ": /cases/1/id: duplicate id \"c\" (first at /cases/0)");
  expect_error(F "\"requirements\":[{\"id\":\"a\",\"status\":\"pass\"}],\"cases\":{}}", NULL,
               ": /cases: not an array");
  expect_error(F "\"requirements\":[{\"id\":\"a\",\"status\":\"pass\"}],\"spec\":{\"sha256\":"
                 "5}}",
               NULL, ": /spec/sha256: not a string");
  expect_error(F "\"requirements\":[{\"id\":\"a\",\"status\":\"pass\"}],\"findings\":[{}]}",
               NULL, ": /findings/0/key: missing or not a string");
#undef OK
#undef F
}

Test(compare, usage_errors) {
  char dir[64];
  ts_tmpdir(dir, sizeof dir, "compare");
  run_result r;
  const char *none[] = {NULL};
  run_compare(dir, none, &r);
  cr_assert_eq(r.code, 2);
  cr_assert_not_null(strstr(r.err, "need BASELINE.json and CURRENT.json"), "%s", r.err);
  run_free(&r);
  const char *three[] = {"a", "b", "c", NULL};
  run_compare(dir, three, &r);
  cr_assert_eq(r.code, 2);
  cr_assert_not_null(strstr(r.err, "unexpected argument 'c'"), "%s", r.err);
  run_free(&r);
  const char *opt[] = {"--frobnicate", "a", "b", NULL};
  run_compare(dir, opt, &r);
  cr_assert_eq(r.code, 2);
  cr_assert_not_null(strstr(r.err, "unknown option '--frobnicate'"), "%s", r.err);
  run_free(&r);
  const char *help[] = {"--help", NULL};
  run_compare(dir, help, &r);
  cr_assert_eq(r.code, 0);
  cr_assert_not_null(strstr(r.out, "usage: apiharness compare"));
  run_free(&r);
  ts_rmtree(dir);
}
