/* Run options of certify and replay, end to end against the embedded mock:
 * --redact JSON-POINTER (values named by a pointer never reach a report file
 * or the terminal), --fail-on warn, --waivers FILE and --header. */
#define _GNU_SOURCE /* memmem, nftw */
#include "support.h"
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* see tests/test_certify.c: Criterion's own runner, not apiharness */
TS_LSAN_CRITERION

/* ---- helpers ---- */

/* A mock id ("TKN-1234-5678-9012") in text: "TKN-" and four digits. */
static const char *find_token_id(const char *t, size_t n) {
  for (size_t i = 0; i + 8 <= n; i++)
    if (!memcmp(t + i, "TKN-", 4) && t[i + 4] >= '0' && t[i + 4] <= '9' && t[i + 5] >= '0' &&
        t[i + 5] <= '9' && t[i + 6] >= '0' && t[i + 6] <= '9' && t[i + 7] >= '0' && t[i + 7] <= '9')
      return t + i;
  return NULL;
}

/* nftw walk: the first file under a tree holding the needle (or, needle
 * NULL, a mock token id) */
static const char *g_needle;
static char g_hit[1024];
static int g_files;

static int scan_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  if (flag != FTW_F)
    return 0;
  size_t n = 0;
  char *t = ts_slurp(path, &n);
  if (!t)
    return 0;
  g_files++;
  const char *at = g_needle ? memmem(t, n, g_needle, strlen(g_needle)) : find_token_id(t, n);
  if (at) {
    snprintf(g_hit, sizeof g_hit, "%s: ...%.60s...", path, at);
    free(t);
    return 1;
  }
  free(t);
  return 0;
}

/* NULL when no file under dir holds needle (NULL: a mock token id), else
 * "path: ...context..." */
static const char *tree_holds(const char *dir, const char *needle) {
  g_needle = needle;
  g_hit[0] = '\0';
  g_files = 0;
  nftw(dir, scan_one, 16, FTW_PHYS);
  cr_assert_gt(g_files, 0, "no file under %s", dir);
  return g_hit[0] ? g_hit : NULL;
}

#define BIN APIHARNESS_BIN
#define QUICK " --explore 0 --jobs 4"

/* ---- --redact ---- */

/* A sample of the catalogue for the redaction runs: '*a?' selects 39 cases,
 * pos.minimal and five other creating positives, a semantics case and a
 * sequence (the raw one-connection client's path), negatives and a method
 * case.  Each way a 201 reaches a report goes through the same redaction;
 * the test checks the sample still holds those kinds. */
#define REDACT_SAMPLE "'*a?'"

Test(redact, id_never_reaches_a_report_file_or_the_terminal, .timeout = 120) {
  char d[64], rd[128];
  TS_RUNDIR(d, rd, "options");
  /* revision-not-1 fails every 201, so each 201 body is in the evidence */
  cr_assert_eq(
      ts_certify(rd, NULL, QUICK " --filter " REDACT_SAMPLE " --fault revision-not-1 --redact /id"),
      1, "the revision fault must still fail the run");
  /* the report files, and the terminal beside them (r.out, r.err) */
  const char *hit = tree_holds(d, NULL);
  cr_assert_null(hit, "a created id is in a report file or on the terminal: %s", hit);

  cJSON *r = ts_report(rd);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  cr_assert(ts_find(cases, "class", "semantics") && ts_find(cases, "id", "seq.after-head"),
            "the sample lost its semantics or sequence case");
  const cJSON *made = cJSON_GetObjectItemCaseSensitive(r, "created_resources");
  cr_assert(cJSON_IsArray(made));
  for (const cJSON *m = made->child; m; m = m->next) {
    cr_assert_str_eq(ts_str(m, "id"), "<redacted>");
    cr_assert(!strncmp(ts_str(m, "name"), "apiharness-", 11) ||
                  !strcmp(ts_str(m, "name"), "(unauthenticated)"),
              "the token's name stays: %s", ts_str(m, "name"));
  }
  /* the fault fails every 201: each failing case's token is listed (by the
   * name it was created with), its id redacted */
  char prefix[128];
  snprintf(prefix, sizeof prefix, "apiharness-%s-", ts_str(r, "run_id"));
  int failing = 0;
  for (const cJSON *c = cases->child; c; c = c->next) {
    if (strcmp(ts_str(c, "status"), "fail"))
      continue;
    failing++;
    char name[256];
    snprintf(name, sizeof name, "%s%s", prefix, ts_str(c, "id"));
    cr_assert_not_null(ts_find(made, "name", name), "%s's token is not listed", ts_str(c, "id"));
  }
  cr_assert_eq(failing, cJSON_GetObjectItemCaseSensitive(
                            cJSON_GetObjectItemCaseSensitive(r, "summary"), "fail")
                            ->valueint);
  cr_assert_gt(failing, 0);
  /* the other fields of the 201 stay visible: the evidence proves the finding */
  const cJSON *c = ts_find(cases, "id", "pos.minimal");
  cr_assert(c, "no case pos.minimal");
  const cJSON *rs =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "evidence"), "response");
  const char *body = ts_str(rs, "body_excerpt");
  cr_assert(strstr(body, "\"id\":\"<redacted>\""), "the id is redacted: %s", body);
  cr_assert(strstr(body, "\"revision\":2"), "revision stays: %s", body);
  cr_assert(strstr(body, "\"account\":{\"id\":\"ACC-"), "account.id stays: %s", body);
  cr_assert(strstr(body, "\"name\":\"apiharness-"), "name stays: %s", body);
  cJSON_Delete(r);
  ts_rmtree(d);
}

Test(redact, nested_pointer_redacts_request_and_response_values, .timeout = 120) {
  char d[64], rd[80];
  TS_RUNDIR(d, rd, "options");
  /* the cases about account ids (34): creates with ids across the pattern
   * and written with \u escapes (their 201s fail: evidence), duplicate
   * account ids, and the negatives whose titles quote near-miss ids */
  cr_assert_eq(ts_certify(rd, NULL,
                          QUICK
                          " --filter '*account-id*' --fault revision-not-1 --redact /account/id"),
               1);
  cJSON *r = ts_report(rd);
  const cJSON *c =
      ts_find(cJSON_GetObjectItemCaseSensitive(r, "cases"), "id", "pos.pattern.account-id.lowest");
  cr_assert(c, "no case pos.pattern.account-id.lowest");
  const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "evidence");
  const char *req = ts_str(cJSON_GetObjectItemCaseSensitive(ev, "request"), "body_excerpt");
  const char *rsp = ts_str(cJSON_GetObjectItemCaseSensitive(ev, "response"), "body_excerpt");
  cr_assert(strstr(req, "\"account\":{\"id\":\"<redacted>\"}"), "request: %s", req);
  cr_assert(strstr(rsp, "\"account\":{\"id\":\"<redacted>\""), "response: %s", rsp);
  cr_assert(find_token_id(rsp, strlen(rsp)), "the token id stays visible: %s", rsp);
  cr_assert_null(strstr(ts_str(ev, "curl"), "ACC-"), "the reproducer: %s", ts_str(ev, "curl"));
  const char *files[] = {"r/compliance.json",
                         "r/compliance.md",
                         "r/compliance.html",
                         "r/junit.xml",
                         "r/catalogue.json",
                         "r.out",
                         "r.err"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", d, files[i]);
    char *t = ts_slurp(p, NULL);
    cr_assert(t, "no %s", p);
    for (const char *a = t; (a = strstr(a, "ACC-")) != NULL; a++)
      cr_assert(a[4] < '0' || a[4] > '9', "%s holds an account id: %.20s", files[i], a);
    free(t);
  }
  cJSON_Delete(r);
  ts_rmtree(d);
}

Test(redact, replay_redacts_the_terminal, .timeout = 60) {
  char d[64], cmd[1024];
  ts_tmpdir(d, sizeof d, "options");
  snprintf(cmd, sizeof cmd,
           BIN " replay --case pos.minimal --fault revision-not-1 --redact /id --json"
               " > %s/out.json 2>&1",
           d);
  cr_assert_eq(ts_run(cmd), 1);
  const char *hit = tree_holds(d, NULL);
  cr_assert_null(hit, "a created id on replay's output: %s", hit);
  /* the body excerpt, a JSON string in the printed result */
  cr_assert_not_null(tree_holds(d, "{\\\"id\\\":\\\"<redacted>\\\""),
                     "replay's evidence shows the redacted id");
  ts_rmtree(d);
}

Test(redact, malformed_pointers_are_usage_errors, .timeout = 60) {
  static const char *const bad[] = {"id", "''", "'/a~2b'", "'/a~'", "'#/id'"};
  char cmd[512];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(cmd, sizeof cmd, BIN " certify --explore 0 --redact %s", bad[i]);
    char *out;
    int rc = ts_run_capture(cmd, &out);
    cr_assert_eq(rc, 2, "certify --redact %s: exit %d", bad[i], rc);
    cr_assert(strstr(out, "--redact") && strstr(out, "JSON pointer"), "message: %s", out);
    cr_assert_null(strstr(out, "verdict"), "no run: %s", out);
    free(out);
    snprintf(cmd, sizeof cmd, BIN " replay --case pos.minimal --redact %s 2>/dev/null", bad[i]);
    cr_assert_eq(ts_run(cmd), 2, "replay --redact %s", bad[i]);
  }
}

Test(redact, from_a_config_file, .timeout = 120) {
  char d[64], rd[80], cfg[128];
  TS_RUNDIR(d, rd, "options");
  snprintf(cfg, sizeof cfg, "%s/cfg.json", d);
  ts_write_file(cfg, "{\"redact\": [\"/id\", \"/audit/created/by/id\"], \"filter\": \"pos.o*\","
                     " \"explore\": 0}\n");
  cr_assert_eq(ts_certify(rd, NULL, "--config %s", cfg), 0, "see %s.err", rd);
  const char *hit = tree_holds(d, NULL);
  cr_assert_null(hit, "a created id: %s", hit);
  /* the tokens the run created are listed, by name only */
  cJSON *r = ts_report(rd);
  const cJSON *made = cJSON_GetObjectItemCaseSensitive(r, "created_resources");
  cr_assert_gt(cJSON_GetArraySize(made), 0);
  cr_assert_eq(ts_count(made, "id", "<redacted>"), cJSON_GetArraySize(made));
  cJSON_Delete(r);
  ts_rmtree(d);
}

/* ---- --fail-on ---- */

#include "mock/hmock.h"

Test(fail_on, warn_fails_a_run_that_only_warns, .timeout = 120) {
  /* a mock answering its 400s as application/problem+json: the default
   * profile warns (the spec documents application/json) but passes */
  hmock *m = ts_mock(NULL, 1);
  char d[64], rd[80];
  ts_tmpdir(d, sizeof d, "options");
  /* the default gate: warnings pass */
  snprintf(rd, sizeof rd, "%s/a", d);
  int rc = ts_certify(rd, "-u HARNESS_TOKEN",
                      "--base-url http://127.0.0.1:%d --filter 'neg.missing.*'", hmock_port(m));
  cr_assert_eq(rc, 0, "see %s.err", rd);
  cJSON *r = ts_report(rd);
  /* every case warns (its 400 is problem+json), none fails */
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  int cases = cJSON_GetObjectItemCaseSensitive(sum, "cases")->valueint;
  cr_assert_gt(cases, 0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, cases,
               "the run must warn for this test to mean anything");
  cr_assert_str_eq(ts_str(r, "fail_on"), "fail");
  cr_assert_str_eq(ts_str(r, "verdict"), "compliant");
  cJSON_Delete(r);
  /* --fail-on warn: the same run fails, and says why */
  snprintf(rd, sizeof rd, "%s/b", d);
  rc = ts_certify(rd, "-u HARNESS_TOKEN",
                  "--base-url http://127.0.0.1:%d --filter 'neg.missing.*' --fail-on warn",
                  hmock_port(m));
  char *out = ts_certify_text(rd, "all");
  cr_assert_eq(rc, 1, "%s", out);
  cr_assert(strstr(out, "fail-on: warn"), "the terminal names the gate: %s", out);
  cr_assert(strstr(out, "fail-on: warn - 1 requirement(s) warn: the verdict fails\n"
                        "  warn  response.media-type-documented\n"),
            "the terminal lists the warning requirements: %s", out);
  cr_assert(strstr(out, "verdict: NON-COMPLIANT"), "%s", out);
  free(out);
  r = ts_report(rd);
  cr_assert_str_eq(ts_str(r, "fail_on"), "warn");
  cr_assert_str_eq(ts_str(r, "verdict"), "non-compliant");
  cJSON_Delete(r);
  /* --fail-on warn on a run without warnings passes */
  snprintf(rd, sizeof rd, "%s/c", d);
  cr_assert_eq(ts_certify(rd, NULL, QUICK " --filter 'pos.minimal' --fail-on warn"), 0);
  hmock_stop(m);
  ts_rmtree(d);
}

Test(fail_on, bad_values_are_usage_errors, .timeout = 30) {
  cr_assert_eq(ts_run(BIN " certify --fail-on never --explore 0 >/dev/null 2>&1"), 2);
  cr_assert_eq(ts_run(BIN " certify --fail-on warn --fail-on fail --explore 0 >/dev/null 2>&1"), 2);
  cr_assert_eq(ts_run(BIN " certify --fail-on >/dev/null 2>&1"), 2);
}

/* ---- --waivers ---- */

static const cJSON *waiver_item(const cJSON *r, size_t i) {
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(r, "waivers");
  cr_assert(w, "no waivers section");
  const cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(w, "items"), (int)i);
  cr_assert(it, "no waiver %zu", i);
  return it;
}

#define MODULE_REQ "schema.request.ModuleDto.id.pattern"

/* The runs with the module-id fault certify eight cases about module ids:
 * four pattern negatives the fault lets through (fail), a valid id at the
 * pattern's low end (pass), and three type and number negatives of another
 * requirement (pass).  A requirement fails only when a case of it fails, so
 * what passes here passes in the whole catalogue's run too. */
#define MODULE_FAULT " --fault accept-bad-module-id --filter '*modules-id.[l-n]*'"

Test(waivers, a_waived_fault_passes_with_its_reason, .timeout = 120) {
  char d[64], wf[128], rd[80];
  ts_tmpdir(d, sizeof d, "options");
  snprintf(wf, sizeof wf, "%s/waivers.json", d);
  ts_write_file(wf, "[{\"requirement\": \"" MODULE_REQ "\", \"reason\": \"legacy ids, JIRA-7\","
                    " \"expires\": \"2999-12-31\"}]\n");
  /* without the waiver the fault fails the run */
  snprintf(rd, sizeof rd, "%s/a", d);
  cr_assert_eq(ts_certify(rd, NULL, QUICK MODULE_FAULT), 1);
  snprintf(rd, sizeof rd, "%s/b", d);
  int rc = ts_certify(rd, NULL, QUICK MODULE_FAULT " --waivers %s", wf);
  char *out = ts_certify_text(rd, "all");
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "waived  requirement " MODULE_REQ " until 2999-12-31: legacy ids, JIRA-7"),
            "%s", out);
  cr_assert(strstr(out, "verdict: COMPLIANT"), "%s", out);
  cJSON *r = ts_report(rd);
  cr_assert_str_eq(ts_str(r, "verdict"), "compliant");
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(r, "requirements");
  const cJSON *q = ts_find(reqs, "id", MODULE_REQ);
  cr_assert(q);
  cr_assert_str_eq(ts_str(q, "status"), "waived");
  cr_assert_str_eq(ts_str(q, "waived_status"), "fail");
  cr_assert_str_eq(ts_str(cJSON_GetObjectItemCaseSensitive(q, "waiver"), "reason"),
                   "legacy ids, JIRA-7");
  const cJSON *it = waiver_item(r, 0);
  cr_assert_str_eq(ts_str(it, "state"), "active");
  cr_assert_str_eq(ts_str(it, "requirement"), MODULE_REQ);
  /* nothing else was waived: every other requirement is as it was */
  cr_assert_gt(ts_count(reqs, "status", "pass"), 0, "the run exercises other requirements too");
  for (const cJSON *x = reqs->child; x; x = x->next)
    if (strcmp(ts_str(x, "id"), MODULE_REQ))
      cr_assert(strcmp(ts_str(x, "status"), "waived") && strcmp(ts_str(x, "status"), "fail"),
                "%s: %s", ts_str(x, "id"), ts_str(x, "status"));
  cJSON_Delete(r);
  free(out);
  ts_rmtree(d);
}

Test(waivers, by_finding_id, .timeout = 120) {
  char d[64], wf[128], rd[80];
  ts_tmpdir(d, sizeof d, "options");
  snprintf(rd, sizeof rd, "%s/a", d);
  cr_assert_eq(ts_certify(rd, NULL, QUICK MODULE_FAULT), 1);
  cJSON *r = ts_report(rd);
  /* waive every failing finding, by the ids the report gave them */
  char text[4096] = "[";
  size_t n = 1, k = 0;
  for (const cJSON *f = cJSON_GetObjectItemCaseSensitive(r, "findings")->child; f; f = f->next) {
    if (strcmp(ts_str(f, "severity"), "fail"))
      continue;
    cr_assert_str_eq(ts_str(f, "requirement"), MODULE_REQ);
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "%s{\"finding\": \"%s\", \"reason\": \"r%zu\", \"expires\": "
                          "\"2999-01-01\"}",
                          k ? "," : "", ts_str(f, "id"), k);
    k++;
  }
  snprintf(text + n, sizeof text - n, "]");
  /* the fault's failing cases share one cause: one finding, counting them all */
  cr_assert_eq(k, 1);
  int failing = ts_count(cJSON_GetObjectItemCaseSensitive(r, "cases"), "status", "fail");
  cr_assert_gt(failing, 1);
  const cJSON *only = ts_find(cJSON_GetObjectItemCaseSensitive(r, "findings"), "severity", "fail");
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(only, "count")->valueint, failing);
  cJSON_Delete(r);
  snprintf(wf, sizeof wf, "%s/w.json", d);
  ts_write_file(wf, text);
  snprintf(rd, sizeof rd, "%s/b", d);
  cr_assert_eq(ts_certify(rd, NULL, QUICK MODULE_FAULT " --waivers %s", wf), 0, "see %s.out", rd);
  r = ts_report(rd);
  const cJSON *q = ts_find(cJSON_GetObjectItemCaseSensitive(r, "requirements"), "id", MODULE_REQ);
  cr_assert_str_eq(ts_str(q, "status"), "waived");
  cr_assert_str_eq(ts_str(waiver_item(r, 0), "state"), "active");
  cJSON_Delete(r);
  ts_rmtree(d);
}

Test(waivers, an_expired_waiver_waives_nothing_and_fails, .timeout = 120) {
  char d[64], wf[128], rd[80];
  ts_tmpdir(d, sizeof d, "options");
  snprintf(wf, sizeof wf, "%s/w.json", d);
  ts_write_file(wf, "[{\"requirement\": \"" MODULE_REQ "\", \"reason\": \"was fine once\","
                    " \"expires\": \"2020-02-29\"}]");
  snprintf(rd, sizeof rd, "%s/r", d);
  int rc = ts_certify(rd, NULL, QUICK MODULE_FAULT " --waivers %s", wf);
  char *out = ts_certify_text(rd, "all");
  cr_assert_eq(rc, 1, "%s", out);
  cr_assert(strstr(out, "EXPIRED requirement " MODULE_REQ " (/0): expired 2020-02-29"), "%s", out);
  cJSON *r = ts_report(rd);
  cr_assert_str_eq(ts_str(r, "verdict"), "non-compliant");
  const cJSON *q = ts_find(cJSON_GetObjectItemCaseSensitive(r, "requirements"), "id", MODULE_REQ);
  cr_assert_str_eq(ts_str(q, "status"), "fail");
  cr_assert_str_eq(ts_str(waiver_item(r, 0), "state"), "expired");
  cr_assert_eq(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "waivers"), "expired")
          ->valueint,
      1);
  cJSON_Delete(r);
  free(out);
  /* expired alone (the healthy mock) still fails: the waiver itself is the failure */
  snprintf(rd, sizeof rd, "%s/s", d);
  cr_assert_eq(ts_certify(rd, NULL, QUICK " --filter pos.minimal --waivers %s", wf), 1);
  ts_rmtree(d);
}

Test(waivers, a_stale_waiver_fails, .timeout = 120) {
  char d[64], wf[128], rd[80];
  ts_tmpdir(d, sizeof d, "options");
  snprintf(wf, sizeof wf, "%s/w.json", d);
  ts_write_file(wf, "[{\"requirement\": \"http.date-header\", \"reason\": \"old server\","
                    " \"expires\": \"2999-12-31\"},"
                    " {\"requirement\": \"no.such.requirement\", \"reason\": \"typo\","
                    " \"expires\": \"2999-12-31\"}]");
  /* every answer is judged by http.date-header: one case exercises it */
  snprintf(rd, sizeof rd, "%s/r", d);
  int rc = ts_certify(rd, NULL, QUICK " --filter pos.minimal --waivers %s", wf);
  char *out = ts_certify_text(rd, "all");
  cr_assert_eq(rc, 1, "a compliant server with a stale waiver fails: %s", out);
  cr_assert(strstr(out, "STALE   requirement http.date-header (/0)"), "%s", out);
  cr_assert(strstr(out, "STALE   requirement no.such.requirement (/1): no requirement has this id"),
            "%s", out);
  cJSON *r = ts_report(rd);
  cr_assert_str_eq(ts_str(r, "verdict"), "non-compliant");
  cr_assert_str_eq(ts_str(waiver_item(r, 0), "state"), "stale");
  cr_assert_str_eq(ts_str(waiver_item(r, 1), "state"), "stale");
  const cJSON *q =
      ts_find(cJSON_GetObjectItemCaseSensitive(r, "requirements"), "id", "http.date-header");
  cr_assert_str_eq(ts_str(q, "status"), "pass");
  cJSON_Delete(r);
  free(out);
  ts_rmtree(d);
}

Test(waivers, file_errors_name_the_file_and_the_pointer, .timeout = 60) {
  static const struct {
    const char *text, *expect;
  } bad[] = {
      {"[{\"requirement\": \"x\", \"reason\": \"r\", \"expires\": \"2999-01-01\",}]",
       "not strict JSON"},
      {"{\"requirement\": \"x\"}", "(root): expected an array"},
      {"[{\"requirement\": \"x\", \"expires\": \"2999-01-01\"}]", "/0: missing \"reason\""},
      {"[{\"requirement\": \"x\", \"reason\": \"r\"}]", "/0: missing \"expires\""},
      {"[{\"reason\": \"r\", \"expires\": \"2999-01-01\"}]", "/0: missing \"requirement\""},
      {"[{\"requirement\": \"a\", \"reason\": \"r\", \"expires\": \"2999-01-01\"},"
       " {\"requirement\": \"b\", \"reason\": \"r\", \"expires\": \"31.12.2999\"}]",
       "/1/expires: expected a date YYYY-MM-DD"},
      {"[{\"requirement\": \"a\", \"reason\": \"r\", \"expires\": \"2999-02-30\"}]",
       "/0/expires: expected a date"},
      {"[{\"requirement\": \"a\", \"reason\": \"\", \"expires\": \"2999-01-01\"}]",
       "/0/reason: empty"},
      {"[{\"requirement\": \"a\", \"reason\": 5, \"expires\": \"2999-01-01\"}]",
       "/0/reason: expected a string, got a number"},
      {"[{\"requirement\": \"a\", \"finding\": \"F12345678\", \"reason\": \"r\","
       " \"expires\": \"2999-01-01\"}]",
       "/0/finding: a waiver names one requirement or one finding"},
      {"[{\"finding\": \"G1\", \"reason\": \"r\", \"expires\": \"2999-01-01\"}]",
       "/0/finding: \"G1\" is not a finding id"},
      {"[{\"requirement\": \"a\", \"reason\": \"r\", \"expires\": \"2999-01-01\", \"by\": 1}]",
       "/0/by: unknown member"},
      {"[{\"requirement\": \"a\", \"reason\": \"r\", \"expires\": \"2999-01-01\"},"
       " {\"requirement\": \"a\", \"reason\": \"s\", \"expires\": \"2999-01-01\"}]",
       "/1: requirement \"a\" is waived twice (also at /0)"},
      {"[{\"requirement\": \"a\", \"reason\": \"r\", \"reason\": \"s\", \"expires\": "
       "\"2999-01-01\"}]",
       "/0/reason: not strict JSON (duplicate)"},
      {"[\"schema.request.ModuleDto.id.pattern\"]", "/0: expected an object"},
  };
  char d[64], wf[128], cmd[1024];
  ts_tmpdir(d, sizeof d, "options");
  snprintf(wf, sizeof wf, "%s/w.json", d);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ts_write_file(wf, bad[i].text);
    snprintf(cmd, sizeof cmd, BIN " certify --explore 0 --waivers %s --report-dir %s/r 2>&1", wf,
             d);
    char *out;
    int rc = ts_run_capture(cmd, &out);
    cr_assert_eq(rc, 2, "%s: exit %d: %s", bad[i].text, rc, out);
    cr_assert(strstr(out, wf), "the file is named: %s", out);
    cr_assert(strstr(out, bad[i].expect), "%s: expected '%s' in: %s", bad[i].text, bad[i].expect,
              out);
    cr_assert_null(strchr(strchr(out, '\n') + 1, '\n'), "one line: %s", out);
    free(out);
  }
  snprintf(cmd, sizeof cmd, "%s/r", d);
  struct stat st;
  cr_assert_neq(stat(cmd, &st), 0, "no report for a bad waivers file");
  snprintf(cmd, sizeof cmd, BIN " certify --explore 0 --waivers %s/missing.json 2>&1", d);
  char *out;
  int rc = ts_run_capture(cmd, &out);
  cr_assert_eq(rc, 2);
  cr_assert(strstr(out, "missing.json"), "%s", out);
  free(out);
  ts_rmtree(d);
}

/* ---- --header ---- */

/* A loopback server (tests/support.c) that answers every request 400
 * application/json and closes; it keeps each request for the checks. */
static const ts_answer reject_all =
    TS_ANSWER_CLOSE("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                    "Content-Length: 2\r\nConnection: close\r\n\r\n{}");

#define TRACE_VALUE "trace-secret-Zq81x"

Test(header, every_request_carries_the_run_headers_and_env_values_stay_secret, .timeout = 120) {
  ts_server *srv = ts_server_start(&reject_all, 1, 1);
  char d[64], rd[80];
  TS_RUNDIR(d, rd, "options");
  cr_assert_eq(ts_certify(rd, "TRACE_V=" TRACE_VALUE " HARNESS_TOKEN=opt-test-token-123",
                          "--base-url %s --filter 'neg.missing.*' --explore 0"
                          " --header 'X-Tenant: acme' --header 'X-Trace:$ENV{TRACE_V}'",
                          ts_server_url(srv)),
               1, "every case answered 400: non-compliant (see %s.out)", rd);
  ts_server_stop(srv);
  size_t requests = ts_server_requests(srv), tenant = 0, trace = 0;
  for (size_t k = 0; k < requests; k++) {
    const char *h = ts_server_request(srv, k, NULL);
    const char *e = strstr(h, "\r\n\r\n");
    cr_assert(e && strstr(h, " HTTP/1.1\r\n") < e, "request %zu has no HTTP/1.1 head: %.80s", k, h);
    size_t hl = (size_t)(e - h) + 2; /* the last line with its CRLF */
    tenant += memmem(h, hl, "\r\nX-Tenant: acme\r\n", 18) != NULL;
    trace += memmem(h, hl, "\r\nX-Trace: " TRACE_VALUE "\r\n", strlen(TRACE_VALUE) + 13) != NULL;
  }
  /* the preflight's three probes (a token is configured: the create, the
   * create without Authorization, the GET of the base URL), then one
   * request per case */
  cJSON *rep = ts_report(rd);
  size_t cases = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rep, "cases"));
  cr_assert_gt(cases, 0);
  cr_assert_eq(requests, 3 + cases, "%zu requests for %zu cases", requests, cases);
  cr_assert_eq(tenant, requests, "X-Tenant on %zu of %zu requests", tenant, requests);
  cr_assert_eq(trace, requests, "X-Trace on %zu of %zu requests", trace, requests);
  ts_server_free(srv);
  /* the env value reaches no file the run wrote, nor the terminal */
  const char *hit = tree_holds(d, TRACE_VALUE);
  cr_assert_null(hit, "the --header secret leaked: %s", hit);
  /* the evidence shows the header redacted, the reproducer the variable */
  char *txt = cJSON_PrintUnformatted(rep);
  cr_assert(strstr(txt, "[\"X-Trace\",\"<redacted>\"]"), "evidence shows it redacted");
  cr_assert(strstr(txt, "[\"X-Tenant\",\"acme\"]"), "a literal header is shown");
  cr_assert(strstr(txt, "X-Trace: '\\\"${TRACE_V}\\\""), "the reproducer reads the variable");
  free(txt);
  cJSON_Delete(rep);
  ts_rmtree(d);
}

Test(header, malformed_headers_are_usage_errors, .timeout = 60) {
  static const struct {
    const char *arg, *expect;
  } bad[] = {
      {"'NoColon'", "expected 'Name: value'"},
      {"': v'", "name is empty"},
      {"'X Bad: v'", "a character a field name cannot have"},
      {"\"$(printf 'X-A: a\\r\\nInjected: 1')\"", "CR or LF"},
      {"\"$(printf 'X-A: a\\nb')\"", "CR or LF"},
      {"'Authorization: Bearer x'", "sets this header itself"},
      {"'content-length: 5'", "sets this header itself"},
      {"'X-T: $ENV{OPT_TEST_UNSET_VAR}'", "OPT_TEST_UNSET_VAR is not set"},
      {"'X-T: $ENV{1BAD}'", "not starting with a digit"},
      {"'X-T: $ENV{}'", "$ENV{VAR}"},
      {"'X-T: a' --header 'x-t: b'", "given twice"},
  };
  char cmd[700];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(cmd, sizeof cmd,
             "env -u OPT_TEST_UNSET_VAR " BIN " certify --explore 0 --header %s 2>&1", bad[i].arg);
    char *out;
    int rc = ts_run_capture(cmd, &out);
    cr_assert_eq(rc, 2, "--header %s: exit %d: %s", bad[i].arg, rc, out);
    cr_assert(strstr(out, bad[i].expect), "--header %s: expected '%s' in: %s", bad[i].arg,
              bad[i].expect, out);
    cr_assert_null(strstr(out, "Injected"), "the value is not echoed: %s", out);
    cr_assert_null(strstr(out, "verdict"), "nothing ran: %s", out);
    free(out);
  }
  /* a short env value cannot be redacted reliably: refused */
  char *out;
  int rc =
      ts_run_capture("SHORT_V=abc " BIN " certify --explore 0 --header 'X-T: $ENV{SHORT_V}'", &out);
  cr_assert_eq(rc, 2, "%s", out);
  cr_assert(strstr(out, "too short"), "%s", out);
  cr_assert_null(strstr(out, "abc"), "%s", out);
  free(out);
}

/* The explore phase sends the run's headers too (it used to be skipped);
 * an env header's value is a secret in its output like everywhere else. */
Test(header, the_explore_phase_runs_with_the_headers, .timeout = 120) {
  char d[64], rd[80], cmd[200];
  TS_RUNDIR(d, rd, "options");
  /* explore is the subject: its own budget, 300 requests */
  cr_assert_eq(ts_certify(rd, "TENANT_SECRET=tenant-secret-4c1d9e",
                          "--filter pos.minimal --explore 300 --header 'X-Tenant: acme'"
                          " --header 'X-Api-Key: $ENV{TENANT_SECRET}'"),
               0, "see %s.err", rd);
  cJSON *r = ts_report(rd);
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(r, "explore");
  cr_assert_null(cJSON_GetObjectItemCaseSensitive(x, "skipped"), "explore: %s",
                 ts_str(x, "skipped"));
  /* the budget, and the valid bodies sent twice on top of it */
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(x, "budget")->valueint, 300);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(x, "sent")->valueint,
               300 + cJSON_GetObjectItemCaseSensitive(x, "repeated")->valueint);
  cJSON_Delete(r);
  snprintf(cmd, sizeof cmd, "grep -r -l -a tenant-secret-4c1d9e %s", d);
  cr_assert_neq(ts_run(cmd), 0, "the header's value appears in the report or the terminal");
  ts_rmtree(d);
}
