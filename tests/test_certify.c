/* apiharness certify end to end: the healthy embedded mock is compliant, every
 * mock fault is caught by the requirement it breaks, no secret leaks, and the
 * documented exit codes. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock/hmock.h"
#include "run/hrunner.h"
#include "support.h"

#define SECRET "apiharness-test-SECRET-4711"

/* Criterion 2.4.1's runner (not the tests, not apiharness) intermittently
 * loses one 48-byte calloc of its own when several long tests of this suite
 * finish together under --jobs=2 (LeakSanitizer: "Direct leak ... in
 * libcriterion.so.3", no frame of ours).  The apiharness processes the tests
 * start are separate programs with their own, unsuppressed leak checking;
 * this hook only applies to this test binary. */
TS_LSAN_CRITERION

static const cJSON *requirement(const cJSON *r, const char *id) {
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(r, "requirements");
  for (const cJSON *q = reqs ? reqs->child : NULL; q; q = q->next)
    if (!strcmp(ts_str(q, "id"), id))
      return q;
  return NULL;
}

Test(certify, healthy_mock_is_compliant_with_every_report_file, .timeout = 120) {
  char dir[64], cmd[512];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN " certify --report-dir %s/r >%s/out 2>%s/err",
           dir, dir, dir);
  cr_assert_eq(ts_run(cmd), 0, "certify of the healthy mock must exit 0 (see %s/out)", dir);
  static const char *const files[] = {"compliance.json", "compliance.md", "compliance.html",
                                      "junit.xml", "catalogue.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/r/%s", dir, files[i]);
    cr_expect(stat(p, &st) == 0 && st.st_size > 0, "%s missing or empty", p);
  }
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  cr_expect_str_eq(ts_str(r, "verdict"), "compliant");
  cr_expect_str_eq(ts_str(r, "format"), "apiharness-compliance/1");
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "fail")->valueint, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "error")->valueint, 0);
  /* every case of the run's catalogue ran, once */
  int catalogued;
  ts_catalogue_selects(cmd, "*", &catalogued);
  cr_expect_gt(catalogued, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "cases")->valueint, catalogued);
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "cases")), catalogued);
  /* the reference answers as the document says: nothing to tolerate */
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, 0,
               "the reference mock must give no warning");
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "cases")->child; c; c = c->next)
    cr_expect_str_neq(ts_str(c, "status"), "warn", "%s: %s", ts_str(c, "id"), ts_str(c, "detail"));
  const cJSON *auth = requirement(r, "http.authentication-required");
  cr_assert(auth);
  cr_expect_str_eq(ts_str(auth, "status"), "pass", "a token is configured: 401s are checked");
  const cJSON *only = requirement(r, "semantics.token-only-on-create");
  cr_assert(only);
  cr_expect_str_eq(ts_str(only, "status"), "skip");
  cr_expect(strstr(ts_str(only, "reason"), "read operation"));
  /* created tokens are listed by id with the run-id prefix in their names */
  const cJSON *created = cJSON_GetObjectItemCaseSensitive(r, "created_resources");
  cr_assert(cJSON_IsArray(created));
  char prefix[128];
  snprintf(prefix, sizeof prefix, "apiharness-%s-", ts_str(r, "run_id"));
  size_t pl = strlen(prefix);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  /* each name is the prefix and the id of the case that created it (a
   * case's second create adds "-2") */
  for (const cJSON *c = created->child; c; c = c->next) {
    const char *name = ts_str(c, "name");
    cr_expect(ts_str(c, "id")[0], "%s: no id", name);
    cr_assert(!strncmp(name, prefix, pl), "created token without the run's prefix: %s", name);
    size_t il = strlen(name + pl);
    if (il > 2 && !strcmp(name + pl + il - 2, "-2"))
      il -= 2;
    const cJSON *k = cases->child;
    while (k && (strlen(ts_str(k, "id")) != il || strncmp(ts_str(k, "id"), name + pl, il)))
      k = k->next;
    cr_expect(k, "created token %s names no case of the run", name);
  }
  /* and every positive case (all pass) created its token */
  for (const cJSON *k = cases->child; k; k = k->next) {
    if (strcmp(ts_str(k, "class"), "positive"))
      continue;
    char want[256];
    snprintf(want, sizeof want, "%s%s", prefix, ts_str(k, "id"));
    const cJSON *c = created->child;
    while (c && strcmp(ts_str(c, "name"), want))
      c = c->next;
    cr_expect(c, "positive case %s created no listed token", ts_str(k, "id"));
  }
  cJSON_Delete(r);
  snprintf(cmd, sizeof cmd, "%s/out", dir);
  char *out = ts_slurp(cmd, NULL);
  cr_expect(out && strstr(out, "verdict: COMPLIANT"), "summary printed: %s", out ? out : "");
  free(out);
  ts_rmtree(dir);
}

/* ---- every fault of the mock, caught by the requirement it breaks ---- */

typedef struct {
  char fault[64];
  char requirement[128];
  char filter[96];
} fault_param;

/* The cases that meet each fault (a certify --filter glob over case ids): a
 * run of just those is enough to catch it, and keeps this suite fast.  A fault
 * not listed here is certified against the whole catalogue. */
static const char *fault_filter(const char *fault) {
  static const char *const map[][2] = {
      {"extra-property", "pos.minimal"},
      {"revision-not-1", "sem.revision-one"},
      {"no-token", "sem.token-returned"},
      {"bad-date-time", "pos.minimal"},
      {"wrong-type", "pos.minimal"},
      {"bad-enum", "pos.minimal"},
      {"accept-bad-account-id", "neg.pattern.account-id.*"},
      {"accept-bad-module-id", "neg.pattern.modules-id.*"},
      {"accept-empty-modules", "neg.array.modules.empty"},
      {"accept-missing-name", "neg.missing.name"},
      {"accept-unknown-property", "neg.undeclared.body*"},
      {"500-on-unicode", "pos.name.*"},
      {"reject-text-json", "pos.media.text-json*"},
      {"reject-null", "pos.optional.*.null"},
      {"problem-status-mismatch", "neg.missing.*"},
      {"problem-not-json", "neg.missing.*"},
      {"status-200", "pos.minimal"},
      {"invalid-utf8", "pos.minimal"},
      {"duplicate-key", "pos.minimal"},
      {"ignore-auth", "http.auth.*"},
      {"hang-large-body", "raw.over-1mib"},
      {"wrong-content-type", "pos.minimal"},
      {"item-rules-first-only", "neg.item.*"},
      {"undeclared-null-ignored", "neg.undeclared.*"},
      {"two-errors-invalid-json", "neg.multi.*"},
      {"duplicate-key-last-wins", "raw.duplicate.*"},
      {"name-truncated-255", "pos.string.name.*"},
      {"name-trimmed", "pos.string.name.*"},
      {"non-ascii-as-question-mark", "pos.string.name.*"},
      {"non-bmp-replaced", "pos.string.name.*"},
      {"nul-truncates", "pos.string.name.*"},
      {"modules-deduplicated", "pos.array.modules.*"},
      {"extra-module-echoed", "pos.minimal"},
      {"modules-capped", "pos.array.modules.*"},
      {"500-on-huge-number", "neg.number.*"},
      {"500-on-deep-nesting", "neg.nesting.*"},
      {"unescaped-detail", "neg.pattern.account-id.*"},
      {"auth-prefix-only", "http.auth.*"},
      {"auth-length-only", "http.auth.*"},
      {"auth-case-insensitive", "http.auth.*"},
      {"auth-empty-bearer", "http.auth.*"},
      {"auth-any-scheme", "http.auth.*"},
      {"auth-scheme-case-sensitive", "http.auth.*"},
      {"auth-last-header-wins", "http.auth.*"},
      {"same-name-conflict", "sem.same-name-twice"},
      {"same-body-same-token", "sem.same-name-twice"},
      {"keep-alive-misframe", "seq.after-*"},
      {"head-with-body", "seq.after-head"},
      {"no-date", "pos.minimal"},
      {"revision-float", "pos.minimal"},
      {"charset-exact", "pos.media.*"},
      {"member-order", "pos.order.*"},
      {"pretty-refused", "pos.format.*"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(map[i][0], fault))
      return map[i][1];
  return "*";
}

static void free_faults(struct criterion_test_params *crp) { cr_free(crp->params); }

ParameterizedTestParameters(certify, every_mock_fault_is_caught) {
  size_t n = hmock_fault_count();
  fault_param *p = cr_malloc(n * sizeof *p);
  for (size_t i = 0; i < n; i++) {
    snprintf(p[i].fault, sizeof p[i].fault, "%s", hmock_fault_at(i)->name);
    snprintf(p[i].requirement, sizeof p[i].requirement, "%s", hmock_fault_at(i)->requirement);
    snprintf(p[i].filter, sizeof p[i].filter, "%s", fault_filter(hmock_fault_at(i)->name));
  }
  return cr_make_param_array(fault_param, p, n, free_faults);
}

/* Each fault, certified against the cases that meet it (catalogue only, no
 * explore phase): the run is non-compliant and the requirement the fault's
 * row names fails, with evidence. */
ParameterizedTest(fault_param *p, certify, every_mock_fault_is_caught, .timeout = 120) {
  cr_assert(p->requirement[0], "fault %s names no requirement in the mock's table", p->fault);
  char dir[64], cmd[700];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --fault %s --filter '%s' --explore 0 --timeout-ms 1500 --report-dir %s/r "
           ">%s/out 2>&1",
           p->fault, p->filter, dir, dir);
  int rc = ts_run(cmd);
  cr_assert_neq(rc, 2, "fault %s: certify --filter '%s' could not run (no such case yet?): %s/out",
                p->fault, p->filter, dir);
  cr_expect_eq(rc, 1, "fault %s: certify must exit 1 (non-compliant)", p->fault);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant", "fault %s", p->fault);
  const cJSON *q = requirement(r, p->requirement);
  cr_assert(q, "fault %s: requirement %s not in the report (filter '%s')", p->fault,
            p->requirement, p->filter);
  cr_expect_str_eq(ts_str(q, "status"), "fail", "fault %s: %s is %s (filter '%s')", p->fault,
                   p->requirement, ts_str(q, "status"), p->filter);
  const cJSON *faults =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "target"), "faults");
  cr_expect(cJSON_IsArray(faults) && faults->child && !strcmp(faults->child->valuestring, p->fault),
            "the report names the fault");
  /* a failing case carries evidence with a reproducer */
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  int with_evidence = 0;
  for (const cJSON *c = cases->child; c; c = c->next)
    if (!strcmp(ts_str(c, "status"), "fail")) {
      const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "evidence");
      with_evidence += ev && ts_str(ev, "curl")[0];
    }
  int failing = 0;
  for (const cJSON *c = cases->child; c; c = c->next)
    failing += !strcmp(ts_str(c, "status"), "fail");
  cr_expect_gt(failing, 0, "fault %s: no failing case", p->fault);
  cr_expect_eq(with_evidence, failing, "fault %s: %d of %d failing cases carry a reproducer",
               p->fault, with_evidence, failing);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* The ASP.NET Core flavour of the mock (--problem-json): its 400s are
 * application/problem+json where the spec documents application/json, which
 * the default profile tolerates as a warning and the strict profile fails. */
Test(certify, problem_json_mock_is_compliant_with_warnings, .timeout = 60) {
  hmock_options mo;
  memset(&mo, 0, sizeof mo);
  mo.spec_path = TEST_SOURCE_DIR "/spec/create-api-token.openapi.json";
  mo.problem_json = 1;
  char err[256];
  hmock *m = hmock_start(&mo, err, sizeof err);
  cr_assert(m, "%s", err);
  char dir[64], cmd[700];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:%d --filter 'neg.missing.*' "
                          "--report-dir %s/r >%s/out 2>&1",
           hmock_port(m), dir, dir);
  cr_expect_eq(ts_run(cmd), 0, "see %s/out", dir);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  /* every case's 400 is problem+json: every case warns */
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  int cases = cJSON_GetObjectItemCaseSensitive(sum, "cases")->valueint;
  cr_expect_gt(cases, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, cases);
  const cJSON *q = requirement(r, "response.media-type-documented");
  cr_assert(q);
  cr_expect_str_eq(ts_str(q, "status"), "warn");
  cJSON_Delete(r);
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:%d --filter 'neg.missing.*' "
                          "--profile strict --report-dir %s/s >%s/out 2>&1",
           hmock_port(m), dir, dir);
  cr_expect_eq(ts_run(cmd), 1, "strict: problem+json is not the documented media type");
  ts_rmtree(dir);
  hmock_stop(m);
}

/* ---- secrets ---- */

static char *find(char *hay, size_t n, const char *needle, size_t nl) {
  for (size_t i = 0; i + nl <= n; i++)
    if (!memcmp(hay + i, needle, nl))
      return hay + i;
  return NULL;
}

static void scan_file(const char *path) {
  size_t len;
  char *t = ts_slurp(path, &len);
  if (!t)
    return;
  cr_expect_null(find(t, len, SECRET, strlen(SECRET)), "bearer token in %s", path);
  /* the mock's token values are "idt:<id>:<secret>": only "idt:" may remain */
  for (char *p = find(t, len, "idt:", 4); p; p = find(p + 4, len - (size_t)(p + 4 - t), "idt:", 4))
    cr_expect_eq(strncmp(p, "idt:...", 7), 0, "token value in %s: %.40s", path, p);
  free(t);
}

static void scan_dir(const char *dir) {
  DIR *d = opendir(dir);
  cr_assert(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
      scan_dir(p);
    else
      scan_file(p);
  }
  closedir(d);
}

Test(certify, no_secret_in_any_output, .timeout = 120) {
  char dir[64], cmd[600];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  /* status-200 makes every create a failure: its evidence holds a 201-like body
   * with the token value, which must be redacted */
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --fault status-200 --explore 0 --report-dir %s/r >%s/out 2>%s/err",
           dir, dir, dir);
  cr_expect_eq(ts_run(cmd), 1);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  int redacted_bodies = 0;
  for (const cJSON *c = cases->child; c; c = c->next) {
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "evidence");
    const cJSON *rs = ev ? cJSON_GetObjectItemCaseSensitive(ev, "response") : NULL;
    if (rs && strstr(ts_str(rs, "body_excerpt"), "\"token\":\"idt:...<redacted>\""))
      redacted_bodies++;
    else if (rs && cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rs, "status")) == 200)
      /* a 200 body that shows no redacted token: its excerpt ends before it */
      cr_expect_null(strstr(ts_str(rs, "body_excerpt"), "\"token\""), "%s: %s", ts_str(c, "id"),
                     ts_str(rs, "body_excerpt"));
    if (ev) {
      cr_expect(strstr(ts_str(ev, "curl"), "$HARNESS_TOKEN") ||
                    strstr(ts_str(ev, "curl"), "${HARNESS_TOKEN}") || strstr(ts_str(ev, "curl"), "replay") ||
                    strstr(ts_str(ev, "curl"), "wrong-token") ||
                    !strstr(ts_str(ev, "curl"), "Authorization"),
                "the reproducer references the variable: %s", ts_str(ev, "curl"));
    }
  }
  cr_expect_gt(redacted_bodies, 0, "the evidence shows redacted token values");
  cJSON_Delete(r);
  scan_dir(dir);
  ts_rmtree(dir);
}

/* ---- exit codes ---- */

Test(certify, unreachable_server_exits_2) {
  char dir[64], cmd[512];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:1 --timeout-ms 1000 "
                          "--report-dir %s/r >/dev/null 2>%s/err",
           dir, dir);
  cr_expect_eq(ts_run(cmd), 2);
  snprintf(cmd, sizeof cmd, "%s/err", dir);
  char *err = ts_slurp(cmd, NULL);
  cr_expect(err && strstr(err, "unreachable"), "%s", err ? err : "");
  free(err);
  ts_rmtree(dir);
}

Test(certify, usage_errors_exit_2) {
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --profile lenient 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --fault no-such-fault 2>/dev/null"), 2);
  cr_expect_eq(
      ts_run(APIHARNESS_BIN " certify --fault no-token --base-url http://127.0.0.1:1 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --base-url ftp://x 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --timeout-ms 0 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --token-env APIHARNESS_SURELY_UNSET 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --spec /nonexistent.json 2>/dev/null"), 2);
  char dir[64], cmd[512];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --filter 'no-such-case*' --report-dir %s/r 2>/dev/null", dir);
  cr_expect_eq(ts_run(cmd), 2);
  struct stat st;
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cr_expect_neq(stat(cmd, &st), 0, "a usage error writes no report directory");
  ts_rmtree(dir);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --help >/dev/null"), 0);
}

Test(certify, max_creates_and_filter, .timeout = 60) {
  char dir[64], cmd[512];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --filter 'pos.*' --max-creates 3 --explore 0 --report-dir %s/r >/dev/null "
                          "2>&1",
           dir);
  cr_expect_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "created_resources")), 3);
  int limited = 0, total = 0;
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  for (const cJSON *c = cases->child; c; c = c->next) {
    total++;
    cr_expect_eq(strncmp(ts_str(c, "id"), "pos.", 4), 0, "filter: %s", ts_str(c, "id"));
    limited += !strcmp(ts_str(c, "status"), "skip") && strstr(ts_str(c, "detail"), "--max-creates");
  }
  cr_expect_eq(limited, total - 3);
  cr_expect_str_eq(ts_str(r, "filter"), "pos.*");
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* The suites run the cases in batches (one Criterion test each); with
 * APIHARNESS_BATCH=1 every case is a test of its own, and the verdicts are the
 * same.  Criterion's JUnit is kept beside the report. */
static int count_testcases(const char *path) {
  size_t len;
  char *x = ts_slurp(path, &len);
  int n = 0;
  for (const char *p = x; p && (p = strstr(p, "<testcase name=\"cases\"")); p++)
    n++;
  free(x);
  return n;
}

Test(certify, suites_batch_the_cases_with_the_same_verdicts, .timeout = 120) {
  char dir[64], cmd[600];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  const char *runs[] = {"", "APIHARNESS_BATCH=1 "};
  cJSON *reports[2];
  for (int k = 0; k < 2; k++) {
    snprintf(cmd, sizeof cmd,
             "%s" APIHARNESS_BIN " certify --filter 'http.*' --explore 0 --jobs 2 "
             "--report-dir %s/r%d >/dev/null 2>&1",
             runs[k], dir, k);
    cr_expect_eq(ts_run(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/r%d", dir, k);
    reports[k] = ts_report(cmd);
    cr_assert(reports[k]);
    cr_expect_str_eq(ts_str(reports[k], "verdict"), "compliant");
  }
  int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(reports[0], "cases"));
  cr_assert_gt(n, 1);
  cr_expect_eq(n, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(reports[1], "cases")));
  /* batched: hrunner_batch_size's entries per batch (about three batches
   * per job, 2 jobs); one per case with BATCH=1 */
  size_t size = hrunner_batch_size((size_t)n, 2);
  cr_assert_gt(size, 1, "%d cases in batches of %zu", n, size);
  snprintf(cmd, sizeof cmd, "%s/r0/criterion.xml", dir);
  int t0 = count_testcases(cmd);
  cr_expect_eq(t0, (int)(((size_t)n + size - 1) / size), "%d Criterion tests for %d cases", t0, n);
  snprintf(cmd, sizeof cmd, "%s/r1/criterion.xml", dir);
  cr_expect_eq(count_testcases(cmd), n, "one Criterion test per case");
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(reports[0], "cases")->child; c;
       c = c->next) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(reports[1], "cases")->child;
    while (o && strcmp(ts_str(o, "id"), ts_str(c, "id")))
      o = o->next;
    cr_assert(o, "%s missing from the unbatched run", ts_str(c, "id"));
    cr_expect_str_eq(ts_str(o, "status"), ts_str(c, "status"), "%s", ts_str(c, "id"));
  }
  cJSON_Delete(reports[0]);
  cJSON_Delete(reports[1]);
  ts_rmtree(dir);
}

/* A case that crashes its test process, and one that hangs it past the
 * watchdog, are errors naming what happened; every other case of their
 * batches still gets its own verdict (run again, one per test). */
Test(certify, crashing_and_hanging_cases_cost_no_other_case, .timeout = 120) {
  char dir[64], cmd[1200], hooks[600];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(hooks, sizeof hooks, "%s", APIHARNESS_BIN);
  *strrchr(hooks, '/') = '\0';
  strcat(hooks, "/conformance/apiharness-conformance-hooks");
  /* one batch of all the selected cases (jobs 1): entry 1 crashes, entry 3 hangs */
  snprintf(cmd, sizeof cmd,
           "APIHARNESS_CONFORMANCE=%s APIHARNESS_TEST_CRASH=1 APIHARNESS_TEST_HANG=3 " APIHARNESS_BIN
           " certify --filter 'pos.*' --explore 0 --jobs 1 --timeout-ms 500 --report-dir %s/r "
           ">%s/out 2>&1",
           hooks, dir, dir);
  cr_expect_eq(ts_run(cmd), 1, "a crash is no pass");
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  cr_assert(r);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  int n = 0, errors = 0, passed = 0;
  for (const cJSON *c = cases->child; c; c = c->next, n++) {
    const char *st = ts_str(c, "status");
    if (!strcmp(st, "error")) {
      errors++;
      cr_expect(strstr(ts_str(c, "detail"), "started but its test process ended"), "%s: %s",
                ts_str(c, "id"), ts_str(c, "detail"));
    } else {
      passed += !strcmp(st, "pass") || !strcmp(st, "warn");
    }
  }
  cr_expect_eq(n, ts_catalogue_selects(cmd, "pos.*", NULL), "every selected case is in the report");
  cr_expect_eq(errors, 2, "exactly the crashing and the hanging case");
  cr_expect_eq(passed, n - 2, "every other case has its verdict");
  snprintf(cmd, sizeof cmd, "%s/out", dir);
  size_t olen;
  char *out = ts_slurp(cmd, &olen);
  cr_expect(out && strstr(out, "running them again, one per test"), "%s", out ? out : "");
  free(out);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* A case whose process dies without a result is an error, never missing. */
Test(certify, crashed_cases_are_errors, .timeout = 60) {
  char dir[64], cmd[600];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           "APIHARNESS_CONFORMANCE=/bin/true " APIHARNESS_BIN
           " certify --filter 'pos.m*' --explore 0 --report-dir %s/r >/dev/null 2>&1",
           dir);
  cr_expect_eq(ts_run(cmd), 1, "what could not run cannot be certified");
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  cr_assert(cases->child);
  for (const cJSON *c = cases->child; c; c = c->next)
    cr_expect_str_eq(ts_str(c, "status"), "error", "%s", ts_str(c, "id"));
  cr_expect_eq(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "summary"), "error")
          ->valueint,
      cJSON_GetArraySize(cases));
  cJSON_Delete(r);
  ts_rmtree(dir);
}

Test(certify, rate_limit_spaces_the_requests, .timeout = 60) {
  char dir[64], cmd[512];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  /* 6 requests at 4 per second take at least 5 gaps of 250 ms */
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --filter 'http.method.*' --rate-limit 4 --explore 0 --report-dir %s/r "
                          ">/dev/null 2>&1",
           dir);
  cr_expect_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "duration_ms");
  cr_assert(cJSON_IsNumber(d));
  cr_expect_geq(d->valuedouble, 1200.0, "took %.0f ms", d->valuedouble);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

Test(certify, several_labelled_tokens_give_a_matrix, .timeout = 120) {
  hmock_options mo;
  memset(&mo, 0, sizeof mo);
  mo.spec_path = TEST_SOURCE_DIR "/spec/create-api-token.openapi.json";
  mo.token = SECRET;
  char err[256];
  hmock *m = hmock_start(&mo, err, sizeof err);
  cr_assert(m, "%s", err);
  char dir[64], cmd[700];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           "CLIENT_T=" SECRET " VENDOR_T=" SECRET " " APIHARNESS_BIN
           " certify --base-url http://127.0.0.1:%d --token-env client=CLIENT_T --token-env "
           "vendor=VENDOR_T --filter 'pos.m*' --report-dir %s/r >%s/out 2>&1",
           hmock_port(m), dir, dir);
  cr_expect_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(r, "token_matrix");
  cr_assert_eq(cJSON_GetArraySize(mx), 2);
  cr_expect_str_eq(ts_str(mx->child, "label"), "client");
  cr_expect_str_eq(ts_str(mx->child->next, "label"), "vendor");
  cr_expect_str_eq(ts_str(mx->child->next, "status"), "pass");
  /* each case twice: once per label, the second's id marked "@vendor" */
  int vendor_cases = 0, client_cases = 0;
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "cases")->child; c; c = c->next) {
    const char *at = strstr(ts_str(c, "id"), "@vendor");
    vendor_cases += at != NULL;
    client_cases += at == NULL;
    cr_expect_str_eq(ts_str(c, "label"), at ? "vendor" : "client", "%s", ts_str(c, "id"));
  }
  cr_expect_gt(client_cases, 0);
  cr_expect_eq(vendor_cases, client_cases);
  cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(mx->child->next, "cases")),
               vendor_cases);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(r, "target")->child->type, cJSON_String);
  cJSON_Delete(r);
  scan_dir(dir);
  ts_rmtree(dir);
  hmock_stop(m);
}

/* ---- no false alarm: a healthy server that differs in what the documents
 * leave open.  The decisions are the mock's (hmock_handle); the framing and the
 * rendering are another implementation's: chunked answers, interim 100s, a
 * skewed Date, Connection: close and silently dropped keep-alive
 * connections, extra headers, problem+json 400s without "errors", another key
 * order, whitespace and id format, no $meta, audit.updated null, 404 for a
 * method, 501 for an unknown one. ---- */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>


/* The variant's connections (tests/support.c's ts_listener: keep-alive
 * clients in parallel) share the decisions and a counter of the answers. */
typedef struct {
  hmock *logic;
  atomic_int counter;
} variant;

static int wr(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
    if (k <= 0)
      return -1;
    s += k;
    n -= (size_t)k;
  }
  return 0;
}

static const char *header_value(char *head, const char *name) {
  size_t nl = strlen(name);
  for (char *l = strstr(head, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
    char *line = l + 2;
    if (!strncasecmp(line, name, nl) && line[nl] == ':') {
      char *v = line + nl + 1;
      while (*v == ' ')
        v++;
      char *e = strstr(v, "\r\n");
      if (e)
        *e = '\0'; /* the caller reads headers in the order it needs them */
      return v;
    }
  }
  return NULL;
}

/* Replaces every `from` in s (NUL-terminated) by `to`; a new string. */
static char *replace_all(const char *s, const char *from, const char *to) {
  size_t fl = strlen(from), tl = strlen(to), n = 0;
  for (const char *p = strstr(s, from); p; p = strstr(p + fl, from))
    n++;
  char *out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1), *o = out;
  if (!out)
    return NULL;
  for (const char *p = s, *q; (q = strstr(p, from)); p = q + fl) {
    memcpy(o, p, (size_t)(q - p));
    o += q - p;
    memcpy(o, to, tl);
    o += tl;
    s = q + fl;
  }
  strcpy(o, s);
  return out;
}

/* cJSON's strings end at a NUL: \u0000 travels through it as a placeholder. */
#define NUL_MARK "@@apiharness-nul@@"

/* A 201 body another implementation would write: same facts, other form. */
static char *rerender(const char *body, size_t len, int n) {
  char *text = malloc(len + 1);
  if (!text)
    return NULL;
  memcpy(text, body, len);
  text[len] = '\0';
  char *marked = replace_all(text, "\\u0000", NUL_MARK);
  free(text);
  cJSON *o = marked ? cJSON_Parse(marked) : NULL;
  free(marked);
  if (!cJSON_IsObject(o)) {
    cJSON_Delete(o);
    return NULL;
  }
  cJSON *out = cJSON_CreateObject();
  cJSON_DeleteItemFromObjectCaseSensitive(o, "$meta");
  char id[64];
  snprintf(id, sizeof id, "0c4a2a3e-5b7e-4d8f-9a0b-%012d", n);
  cJSON_ReplaceItemInObjectCaseSensitive(o, "id", cJSON_CreateString(id));
  cJSON *audit = cJSON_GetObjectItemCaseSensitive(o, "audit");
  if (cJSON_IsObject(audit)) {
    cJSON_DeleteItemFromObjectCaseSensitive(audit, "updated");
    cJSON_AddNullToObject(audit, "updated");
  }
  /* reversed key order */
  while (o->child) {
    cJSON *last = o->child;
    while (last->next)
      last = last->next;
    char *k = strdup(last->string);
    cJSON_AddItemToObject(out, k, cJSON_DetachItemViaPointer(o, last));
    free(k);
  }
  cJSON_Delete(o);
  char *t = cJSON_Print(out);
  cJSON_Delete(out);
  char *back = t ? replace_all(t, NUL_MARK, "\\u0000") : NULL;
  free(t);
  return back;
}

static char *find_crlfcrlf(char *b, size_t n) {
  for (size_t i = 0; i + 4 <= n; i++)
    if (!memcmp(b + i, "\r\n\r\n", 4))
      return b + i;
  return NULL;
}

static void variant_conn(void *ud, int fd, ts_listener *l) {
  variant *v = ud;
  struct timeval tv = {3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char *buf = malloc(4u << 20);
  size_t got = 0;
  for (int served = 0; buf && served < 4 && !ts_listener_stopping(l); served++) {
    char *end = NULL;
    while (!(end = find_crlfcrlf(buf, got))) {
      if (got >= 65536)
        goto done;
      ssize_t k = recv(fd, buf + got, (4u << 20) - got, 0);
      if (k <= 0)
        goto done;
      got += (size_t)k;
    }
    size_t head_len = (size_t)(end + 4 - buf);
    char head[65536 + 1];
    memcpy(head, buf, head_len);
    head[head_len] = '\0';
    char method[16] = "", path[256] = "";
    sscanf(head, "%15s %255s", method, path);
    char *q = strchr(path, '?');
    if (q)
      *q = '\0';
    char ct[256] = "", auth[512] = "", cl[32] = "";
    const char *x;
    if ((x = header_value(head, "Content-Type")))
      snprintf(ct, sizeof ct, "%s", x);
    memcpy(head, buf, head_len);
    head[head_len] = '\0';
    if ((x = header_value(head, "Authorization")))
      snprintf(auth, sizeof auth, "%s", x);
    memcpy(head, buf, head_len);
    head[head_len] = '\0';
    if ((x = header_value(head, "Content-Length")))
      snprintf(cl, sizeof cl, "%s", x);
    size_t want = (size_t)atol(cl);
    if (want > (4u << 20) - head_len)
      goto done;
    while (got < head_len + want) {
      ssize_t k = recv(fd, buf + got, (4u << 20) - got, 0);
      if (k <= 0)
        goto done;
      got += (size_t)k;
    }
    hmock_request rq = {.method = method,
                        .path = path,
                        .content_type = ct[0] ? ct : NULL,
                        .authorization = auth[0] ? auth : NULL,
                        .body = buf + head_len,
                        .body_len = want,
                        .body_too_large = want > HMOCK_DEFAULT_MAX_BODY};
    hmock_response rs = {0};
    hmock_handle(v->logic, &rq, &rs);
    int n = atomic_fetch_add(&v->counter, 1);
    int status = rs.status;
    const char *rct = rs.content_type;
    char *body = NULL;
    size_t blen = 0;
    char extra[256] = "";
    if (status == 201) {
      body = rerender(rs.body, rs.body_len, n);
      blen = body ? strlen(body) : 0;
      rct = "application/json; charset=utf-8";
    } else if (status == 400) {
      cJSON *p = cJSON_ParseWithLength(rs.body, rs.body_len);
      if (n % 2)
        cJSON_DeleteItemFromObjectCaseSensitive(p, "errors");
      body = p ? cJSON_PrintUnformatted(p) : NULL;
      cJSON_Delete(p);
      blen = body ? strlen(body) : 0;
      rct = "application/problem+json; charset=utf-8";
    } else if (status == 405 && !strcmp(method, "DELETE")) {
      status = 404;
      body = strdup("not found\n");
      blen = strlen(body);
      rct = "text/plain";
    } else if (status == 405 && !strcmp(method, "BREW")) {
      status = 501;
      rct = NULL;
    } else {
      if (rs.body_len) {
        body = malloc(rs.body_len + 1);
        memcpy(body, rs.body, rs.body_len);
        blen = rs.body_len;
      }
      if (rs.allow)
        snprintf(extra, sizeof extra, "Allow: %s, OPTIONS\r\n", rs.allow);
      if (rs.www_authenticate)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "WWW-Authenticate: %s\r\n",
                 rs.www_authenticate);
    }
    hmock_response_clear(&rs);
    int chunked = n % 2 == 0 && strcmp(method, "HEAD");
    int close_now = n % 3 == 0;
    char date[80] = "";
    { /* a Date on every answer (RFC 9110 6.6.1), from a clock a little off */
      time_t t = time(NULL) + (n % 3 == 0 ? -3 : n % 3 == 1 ? 2 : 0);
      struct tm tm;
      gmtime_r(&t, &tm);
      strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    }
    char hdr[2048];
    int hl = snprintf(hdr, sizeof hdr,
                      "%sHTTP/1.1 %d Whatever\r\nServer: variant/1.0\r\nX-Request-Id: r-%d\r\n"
                      "Cache-Control: no-store\r\n%s%s%s%s%s",
                      n % 5 == 0 ? "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n" : "", status, n,
                      date, extra, rct ? "Content-Type: " : "", rct ? rct : "", rct ? "\r\n" : "");
    if (chunked)
      hl += snprintf(hdr + hl, sizeof hdr - (size_t)hl, "Transfer-Encoding: chunked\r\n");
    else
      hl += snprintf(hdr + hl, sizeof hdr - (size_t)hl, "Content-Length: %zu\r\n", blen);
    hl += snprintf(hdr + hl, sizeof hdr - (size_t)hl, "%s\r\n",
                   close_now ? "Connection: close\r\n" : "");
    int bad = wr(fd, hdr, (size_t)hl);
    if (!bad && strcmp(method, "HEAD")) {
      if (chunked) {
        /* the body in chunks of at most 100 bytes */
        for (size_t off = 0; !bad && off < blen; off += 100) {
          size_t c = blen - off < 100 ? blen - off : 100;
          char sz[32];
          int sl = snprintf(sz, sizeof sz, "%zx\r\n", c);
          bad = wr(fd, sz, (size_t)sl) || wr(fd, body + off, c) || wr(fd, "\r\n", 2);
        }
        if (!bad)
          bad = wr(fd, "0\r\n\r\n", 5);
      } else if (blen) {
        bad = wr(fd, body, blen);
      }
    }
    free(body);
    memmove(buf, buf + head_len + want, got - head_len - want);
    got -= head_len + want;
    if (bad || close_now)
      break;
  }
done: /* after 4 requests a kept-alive connection is dropped without notice */
  free(buf);
}

Test(certify, healthy_variant_server_is_compliant, .timeout = 120) {
  signal(SIGPIPE, SIG_IGN);
  hmock_options mo = {0};
  mo.spec_path = TEST_SOURCE_DIR "/spec/create-api-token.openapi.json";
  mo.token = SECRET;
  char err[256];
  variant v = {0};
  v.logic = hmock_new(&mo, err, sizeof err);
  cr_assert(v.logic, "%s", err);
  ts_listener *l = ts_listener_start(variant_conn, &v);
  char dir[64], cmd[700];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --base-url http://127.0.0.1:%d --report-dir %s/r >%s/out 2>%s/err",
           ts_listener_port(l), dir, dir, dir);
  int rc = ts_run(cmd);
  ts_listener_free(l); /* every connection's thread joined: v.logic is free to go */
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next)
    cr_expect(strcmp(ts_str(c, "status"), "fail") && strcmp(ts_str(c, "status"), "error"), "%s: %s",
              ts_str(c, "id"), ts_str(c, "detail"));
  cr_expect_eq(rc, 0, "a healthy variant must be compliant (see %s/out)", dir);
  cr_expect_str_eq(ts_str(r, "verdict"), "compliant");
  /* problem+json 400s, and the 404 and 501 for other methods, are the
   * warnings: exactly those two requirements, and every 400 (each
   * negative-body case) is one */
  cr_expect_str_eq(ts_str(requirement(r, "response.media-type-documented"), "status"), "warn");
  cr_expect_str_eq(ts_str(requirement(r, "http.method-not-allowed"), "status"), "warn");
  int warned = 0;
  for (const cJSON *q = cJSON_GetObjectItemCaseSensitive(r, "requirements")->child; q; q = q->next)
    warned += !strcmp(ts_str(q, "status"), "warn");
  cr_expect_eq(warned, 2, "only the two tolerated differences warn");
  for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next) {
    if (!strcmp(ts_str(c, "class"), "negative-body"))
      cr_expect_str_eq(ts_str(c, "status"), "warn", "%s", ts_str(c, "id"));
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(c, "checks");
    for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next)
      if (!strcmp(ts_str(k, "status"), "warn"))
        cr_expect(!strcmp(ts_str(k, "requirement"), "response.media-type-documented") ||
                      !strcmp(ts_str(k, "requirement"), "http.method-not-allowed"),
                  "%s warns for %s", ts_str(c, "id"), ts_str(k, "requirement"));
  }
  cJSON_Delete(r);
  hmock_stop(v.logic);
  if (!getenv("KEEP_DIR"))
    ts_rmtree(dir);
}

/* ---- a hostile server: certify never hangs, never crashes, stays bounded,
 * and judges every case (fail, not error) ---- */

#define RAWLINE_405 "HTTP/1.1 405 Method Not Allowed\r\nAllow: POST\r\nContent-Length: 0\r\n\r\n"

/* Each POST gets the next of seven hostile answers (ts_listener: one
 * connection may stall while the others go on). */
static void hostile_conn(void *ud, int fd, ts_listener *l) {
  atomic_int *counter = ud;
  struct timeval tv = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char *buf = malloc(1u << 20);
  size_t got = 0;
  char *end = NULL;
  while (buf && !(end = find_crlfcrlf(buf, got)) && got < (1u << 20) - 1) {
    ssize_t k = recv(fd, buf + got, (1u << 20) - 1 - got, 0);
    if (k <= 0)
      break;
    got += (size_t)k;
  }
  if (!end || !strncmp(buf, "GET ", 4)) {
    if (end) /* the reachability probe gets a proper answer */
      wr(fd, RAWLINE_405, sizeof RAWLINE_405 - 1);
    goto out;
  }
  int mode = atomic_fetch_add(counter, 1) % 7;
  static const char ok_head[] = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n";
  char line[256];
  switch (mode) {
  case 0: /* never answers */
    for (int i = 0; i < 60 && !ts_listener_stopping(l); i++)
      usleep(50000);
    break;
  case 1: /* trickles a body, one byte per 50 ms */
    snprintf(line, sizeof line, "%sContent-Length: 100000\r\n\r\n{", ok_head);
    if (wr(fd, line, strlen(line)) == 0)
      for (int i = 0; i < 60 && !ts_listener_stopping(l) && wr(fd, "a", 1) == 0; i++)
        usleep(50000);
    break;
  case 2: { /* a 1,000,000-deep JSON body */
    size_t n = 1000000;
    char *b = malloc(2 * n);
    if (!b)
      break;
    memset(b, '[', n);
    memset(b + n, ']', n);
    snprintf(line, sizeof line, "%sContent-Length: %zu\r\n\r\n", ok_head, 2 * n);
    if (wr(fd, line, strlen(line)) == 0)
      wr(fd, b, 2 * n);
    free(b);
    break;
  }
  case 3: /* a 10 GB body: stops after 16 MiB or when the client hangs up */
    snprintf(line, sizeof line, "%sContent-Length: 10737418240\r\n\r\n", ok_head);
    if (wr(fd, line, strlen(line)) == 0) {
      static char chunk[65536];
      memset(chunk, 'a', sizeof chunk);
      for (int i = 0; i < 256 && wr(fd, chunk, sizeof chunk) == 0; i++)
        ;
    }
    break;
  case 4: /* invalid chunked encoding */
    snprintf(line, sizeof line, "%sTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
             ok_head);
    wr(fd, line, strlen(line));
    break;
  case 5: { /* 200 KB of headers */
    wr(fd, "HTTP/1.1 201 Created\r\n", 22);
    char h[128];
    snprintf(h, sizeof h, "X-Filler: %0100d\r\n", 0);
    for (int i = 0; i < 2000 && wr(fd, h, strlen(h)) == 0; i++)
      ;
    break;
  }
  default: /* invalid UTF-8 in a 400, then closes in the middle of it */
    snprintf(line, sizeof line,
             "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
             "Content-Length: 500\r\n\r\n{\"title\":\"\xff\xfe");
    wr(fd, line, strlen(line));
    break;
  }
out:
  free(buf);
}

Test(certify, hostile_server_is_judged_without_hanging, .timeout = 120) {
  signal(SIGPIPE, SIG_IGN);
  atomic_int counter = 0;
  ts_listener *l = ts_listener_start(hostile_conn, &counter);
  char dir[64], cmd[700];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:%d --timeout-ms 400 "
                          "--filter 'pos.*' --report-dir %s/r >%s/out 2>%s/err",
           ts_listener_port(l), dir, dir, dir);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = ts_run(cmd);
  double took = ts_seconds_since(&t0);
  ts_listener_free(l);
  cr_expect_eq(rc, 1, "a hostile server is non-compliant, not a harness failure (%s/err)", dir);
  cr_expect_lt(took, 60.0, "every case has a deadline: %.0f s", took);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant");
  int n = 0;
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next, n++) {
    cr_expect_str_eq(ts_str(c, "status"), "fail", "%s: %s", ts_str(c, "id"), ts_str(c, "detail"));
    /* one clear line: no repeated phrase, no endless pointer */
    cr_expect_null(strstr(ts_str(c, "detail"), "response: no complete response"), "%s",
                   ts_str(c, "detail"));
    cr_expect_lt(strlen(ts_str(c, "detail")), 200, "%s", ts_str(c, "detail"));
  }
  cr_expect_eq(n, ts_catalogue_selects(cmd, "pos.*", NULL), "every selected case is judged");
  static const char *const reqs[] = {"http.no-timeout", "http.response-received",
                                     "rfc8259.response-strict-json"};
  for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    const cJSON *q = requirement(r, reqs[i]);
    cr_assert(q, "%s", reqs[i]);
    cr_expect_str_eq(ts_str(q, "status"), "fail", "%s", reqs[i]);
  }
  cJSON_Delete(r);
  if (!getenv("KEEP_DIR"))
    ts_rmtree(dir);
}

Test(certify, silent_server_is_non_compliant_not_unreachable, .timeout = 60) {
  /* a listening socket nobody accepts from: connections complete in the
   * kernel, no byte ever comes back */
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  cr_assert_eq(listen(lfd, 64), 0);
  socklen_t sl = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &sl);
  char dir[64], cmd[700];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:%d --timeout-ms 300 "
                          "--filter 'pos.m*' --report-dir %s/r >%s/out 2>%s/err",
           ntohs(sa.sin_port), dir, dir, dir);
  cr_expect_eq(ts_run(cmd), 1, "silence is a failure of the server (see %s/err)", dir);
  close(lfd);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  const cJSON *q = requirement(r, "http.no-timeout");
  cr_assert(q);
  cr_expect_str_eq(ts_str(q, "status"), "fail");
  cJSON_Delete(r);
  ts_rmtree(dir);
}
