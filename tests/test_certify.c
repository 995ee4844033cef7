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
  return ts_find(cJSON_GetObjectItemCaseSensitive(r, "requirements"), "id", id);
}

static const cJSON *cases_of(const cJSON *r) {
  return cJSON_GetObjectItemCaseSensitive(r, "cases");
}

/* The default run, catalogue and explore (the README's command).  It is one
 * of the three runs of the whole catalogue in this file, with
 * no_secret_in_any_output and healthy_variant_server_is_compliant; every
 * other test runs the smallest --filter that shows its behaviour, most with
 * --explore 0. */
Test(certify, healthy_mock_is_compliant_with_every_report_file, .timeout = 120) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  cr_assert_eq(ts_certify(rdir, "HARNESS_TOKEN=" SECRET, "%s", "" /* no option */), 0,
               "certify of the healthy mock must exit 0 (see %s.out)", rdir);
  static const char *const files[] = {"compliance.json", "compliance.md", "compliance.html",
                                      "junit.xml", "catalogue.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", rdir, files[i]);
    cr_expect(stat(p, &st) == 0 && st.st_size > 0, "%s missing or empty", p);
  }
  cJSON *r = ts_report(rdir);
  cr_expect_str_eq(ts_str(r, "verdict"), "compliant");
  cr_expect_str_eq(ts_str(r, "format"), "apiharness-compliance/1");
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "fail")->valueint, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "error")->valueint, 0);
  /* every case of the run's catalogue ran, once */
  int catalogued;
  ts_catalogue_selects(rdir, "*", &catalogued);
  cr_expect_gt(catalogued, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "cases")->valueint, catalogued);
  cr_expect_eq(cJSON_GetArraySize(cases_of(r)), catalogued);
  /* the reference answers as the document says: nothing to tolerate */
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, 0,
               "the reference mock must give no warning");
  for (const cJSON *c = cases_of(r)->child; c; c = c->next)
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
  const cJSON *cases = cases_of(r);
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
    cr_expect(ts_find(created, "name", want), "positive case %s created no listed token",
              ts_str(k, "id"));
  }
  cJSON_Delete(r);
  char *out = ts_certify_text(rdir, "out");
  cr_expect(strstr(out, "verdict: COMPLIANT"), "summary printed: %s", out);
  free(out);
  ts_rmtree(dir);
}

/* ---- every fault of the mock, caught by the requirement it breaks ---- */

typedef struct {
  char fault[64];
  char requirement[128];
  char filter[96];
  long timeout_ms;
} fault_param;

#define FAULT_FILTERS TEST_DATA_DIR "/certify/fault-filters.txt"

/* The line of tests/data/certify/fault-filters.txt for fault ("FAULT GLOB
 * [TIMEOUT-MS]"): the cases that meet it and the run's --timeout-ms.  0 when
 * the fault has no line (then the whole catalogue is certified), -1 when the
 * file cannot be read.  Plain code, no assert: the parameters are built in
 * Criterion's runner. */
static int fault_filter(const char *text, const char *fault, char *glob, size_t cap,
                        long *timeout_ms) {
  if (!text)
    return -1;
  for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
    char name[64], g[96];
    long t = 0;
    if (*l == '#' || sscanf(l, "%63s %95s %ld", name, g, &t) < 2 || strcmp(name, fault))
      continue;
    snprintf(glob, cap, "%s", g);
    *timeout_ms = t > 0 ? t : 1500;
    return 1;
  }
  return 0;
}

static void free_faults(struct criterion_test_params *crp) { cr_free(crp->params); }

ParameterizedTestParameters(certify, every_mock_fault_is_caught) {
  size_t n = hmock_fault_count();
  fault_param *p = cr_malloc(n * sizeof *p);
  char *text = ts_slurp(FAULT_FILTERS, NULL);
  for (size_t i = 0; i < n; i++) {
    snprintf(p[i].fault, sizeof p[i].fault, "%s", hmock_fault_at(i)->name);
    snprintf(p[i].requirement, sizeof p[i].requirement, "%s", hmock_fault_at(i)->requirement);
    if (fault_filter(text, p[i].fault, p[i].filter, sizeof p[i].filter, &p[i].timeout_ms) <= 0) {
      snprintf(p[i].filter, sizeof p[i].filter, "*");
      p[i].timeout_ms = 1500;
    }
  }
  free(text);
  return cr_make_param_array(fault_param, p, n, free_faults);
}

/* Each fault, certified against the cases that meet it (catalogue only, no
 * explore phase): the run is non-compliant and the requirement the fault's
 * row names fails, with evidence.  A fail in a filtered run is a fail of the
 * whole catalogue's run too (a verdict is monotone in the cases run). */
ParameterizedTest(fault_param *p, certify, every_mock_fault_is_caught, .timeout = 120) {
  cr_assert(p->requirement[0], "fault %s names no requirement in the mock's table", p->fault);
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  int rc = ts_certify(rdir, "HARNESS_TOKEN=" SECRET,
                      "--fault %s --filter '%s' --explore 0 --jobs 1 --timeout-ms %ld", p->fault,
                      p->filter, p->timeout_ms);
  cr_assert_neq(rc, 2, "fault %s: certify --filter '%s' could not run (no such case yet?): %s.err",
                p->fault, p->filter, rdir);
  cr_expect_eq(rc, 1, "fault %s: certify must exit 1 (non-compliant)", p->fault);
  cJSON *r = ts_report(rdir);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant", "fault %s", p->fault);
  const cJSON *q = requirement(r, p->requirement);
  cr_assert(q, "fault %s: requirement %s not in the report (filter '%s')", p->fault, p->requirement,
            p->filter);
  cr_expect_str_eq(ts_str(q, "status"), "fail", "fault %s: %s is %s (filter '%s')", p->fault,
                   p->requirement, ts_str(q, "status"), p->filter);
  const cJSON *faults =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "target"), "faults");
  cr_expect(cJSON_IsArray(faults) && faults->child && !strcmp(faults->child->valuestring, p->fault),
            "the report names the fault");
  /* a failing case carries evidence with a reproducer */
  int with_evidence = 0;
  for (const cJSON *c = cases_of(r)->child; c; c = c->next)
    if (!strcmp(ts_str(c, "status"), "fail")) {
      const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "evidence");
      with_evidence += ev && ts_str(ev, "curl")[0];
    }
  int failing = ts_count(cases_of(r), "status", "fail");
  cr_expect_gt(failing, 0, "fault %s: no failing case", p->fault);
  cr_expect_eq(with_evidence, failing, "fault %s: %d of %d failing cases carry a reproducer",
               p->fault, with_evidence, failing);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* Every line of the fault filters names a fault of the mock (a renamed fault
 * would otherwise leave its line unused and its fault run on everything). */
Test(certify, fault_filters_name_the_mock_faults) {
  char *text = ts_slurp(FAULT_FILTERS, NULL);
  cr_assert(text, "cannot read %s", FAULT_FILTERS);
  int lines = 0;
  for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
    char name[64], g[96];
    if (*l == '#' || sscanf(l, "%63s %95s", name, g) < 2)
      continue;
    lines++;
    size_t i = 0, n = hmock_fault_count();
    while (i < n && strcmp(hmock_fault_at(i)->name, name))
      i++;
    cr_expect_lt(i, n, "%s names no fault of the mock: %s", FAULT_FILTERS, name);
  }
  cr_expect_eq(lines, (int)hmock_fault_count(),
               "one line per fault (a fault without one is certified on the whole catalogue)");
  free(text);
}

/* The ASP.NET Core flavour of the mock (--problem-json): its 400s are
 * application/problem+json where the spec documents application/json, which
 * the default profile tolerates as a warning and the strict profile fails. */
Test(certify, problem_json_mock_is_compliant_with_warnings, .timeout = 60) {
  hmock *m = ts_mock(NULL, 1);
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  cr_expect_eq(ts_certify(rdir, NULL, "--base-url http://127.0.0.1:%d --filter 'neg.missing.*'",
                          hmock_port(m)),
               0, "see %s.err", rdir);
  cJSON *r = ts_report(rdir);
  /* every case's 400 is problem+json: every case warns */
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  int cases = cJSON_GetObjectItemCaseSensitive(sum, "cases")->valueint;
  cr_expect_gt(cases, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, cases);
  const cJSON *q = requirement(r, "response.media-type-documented");
  cr_assert(q);
  cr_expect_str_eq(ts_str(q, "status"), "warn");
  cJSON_Delete(r);
  snprintf(rdir, sizeof rdir, "%s/s", dir);
  cr_expect_eq(
      ts_certify(rdir, NULL,
                 "--base-url http://127.0.0.1:%d --filter 'neg.missing.*' --profile strict",
                 hmock_port(m)),
      1, "strict: problem+json is not the documented media type");
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

/* The whole catalogue (no explore): each family carries the token its own
 * way (every auth variant derived from it, sequences on one connection, raw
 * bytes), and each must keep it out of every file and the terminal. */
Test(certify, no_secret_in_any_output, .timeout = 120) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* status-200 makes every create a failure: its evidence holds a 201-like body
   * with the token value, which must be redacted */
  cr_expect_eq(ts_certify(rdir, "HARNESS_TOKEN=" SECRET, "--fault status-200 --explore 0"), 1);
  cJSON *r = ts_report(rdir);
  const cJSON *cases = cases_of(r);
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
                    strstr(ts_str(ev, "curl"), "${HARNESS_TOKEN}") ||
                    strstr(ts_str(ev, "curl"), "replay") ||
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
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  cr_expect_eq(ts_certify(rdir, NULL, "--base-url http://127.0.0.1:1 --timeout-ms 1000"), 2);
  char *err = ts_certify_text(rdir, "err");
  cr_expect(strstr(err, "unreachable"), "%s", err);
  free(err);
  ts_rmtree(dir);
}

Test(certify, usage_errors_exit_2) {
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --profile lenient 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --fault no-such-fault 2>/dev/null"), 2);
  cr_expect_eq(
      ts_run(APIHARNESS_BIN " certify --fault no-token --base-url http://127.0.0.1:1 2>/dev/null"),
      2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --base-url ftp://x 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --timeout-ms 0 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --token-env APIHARNESS_SURELY_UNSET 2>/dev/null"),
               2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --spec /nonexistent.json 2>/dev/null"), 2);
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  cr_expect_eq(ts_certify(rdir, NULL, "--filter 'no-such-case*'"), 2);
  struct stat st;
  cr_expect_neq(stat(rdir, &st), 0, "a usage error writes no report directory");
  ts_rmtree(dir);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --help >/dev/null"), 0);
}

Test(certify, max_creates_and_filter, .timeout = 60) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* seven creating cases, three tokens allowed */
  cr_expect_eq(ts_certify(rdir, NULL, "--filter 'pos.order.*' --max-creates 3 --explore 0"), 0);
  cJSON *r = ts_report(rdir);
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "created_resources")), 3);
  int limited = 0, total = 0;
  for (const cJSON *c = cases_of(r)->child; c; c = c->next) {
    total++;
    cr_expect_eq(strncmp(ts_str(c, "id"), "pos.order.", 10), 0, "filter: %s", ts_str(c, "id"));
    limited += !strcmp(ts_str(c, "status"), "skip") && strstr(ts_str(c, "detail"), "--max-creates");
  }
  cr_expect_eq(total, ts_catalogue_selects(rdir, "pos.order.*", NULL));
  cr_expect_gt(total, 3);
  cr_expect_eq(limited, total - 3);
  cr_expect_str_eq(ts_str(r, "filter"), "pos.order.*");
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

/* How many classes of the run's catalogue (DIR/catalogue.json) have no case
 * in the report r. */
static int classes_not_run(const char *rdir, const cJSON *r) {
  char path[200];
  snprintf(path, sizeof path, "%s/catalogue.json", rdir);
  cJSON *cat = ts_report_file(path);
  int missing = 0;
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  for (const cJSON *c = all ? all->child : NULL; c; c = c->next) {
    const char *k = ts_str(c, "class");
    const cJSON *first = all->child; /* count each class once: at its first case */
    while (strcmp(ts_str(first, "class"), k))
      first = first->next;
    missing += first == c && !ts_find(cases_of(r), "class", k);
  }
  cJSON_Delete(cat);
  return missing;
}

/* A sample of the catalogue for the comparison: '*-?u*' selects 16 cases of
 * every class and every id family (pos, neg, raw, http.auth, sem, seq; the
 * test checks every class is there), and the fault fails one of them
 * (http.auth.token-suffix), so both verdicts are compared. */
#define BATCH_SAMPLE "'*-?u*' --fault auth-length-only"

Test(certify, suites_batch_the_cases_with_the_same_verdicts, .timeout = 120) {
  char dir[64], rdir[80], path[120];
  ts_tmpdir(dir, sizeof dir, "tcertify");
  const char *runs[] = {NULL, "APIHARNESS_BATCH=1"};
  cJSON *reports[2];
  for (int k = 0; k < 2; k++) {
    snprintf(rdir, sizeof rdir, "%s/r%d", dir, k);
    cr_expect_eq(ts_certify(rdir, runs[k], "--filter " BATCH_SAMPLE " --explore 0 --jobs 2"), 1,
                 "see %s.err", rdir);
    reports[k] = ts_report(rdir);
    cr_expect_str_eq(ts_str(reports[k], "verdict"), "non-compliant");
    cr_expect_eq(classes_not_run(rdir, reports[k]), 0, "the sample misses a class");
  }
  int n = cJSON_GetArraySize(cases_of(reports[0]));
  cr_assert_gt(n, 1);
  cr_expect_eq(n, cJSON_GetArraySize(cases_of(reports[1])));
  cr_expect_gt(ts_count(cases_of(reports[0]), "status", "fail"), 0);
  cr_expect_gt(ts_count(cases_of(reports[0]), "status", "pass"), 0);
  /* batched: hrunner_batch_size's entries per batch (about three batches
   * per job, 2 jobs); one per case with BATCH=1 */
  size_t size = hrunner_batch_size((size_t)n, 2);
  cr_assert_gt(size, 1, "%d cases in batches of %zu", n, size);
  snprintf(path, sizeof path, "%s/r0/criterion.xml", dir);
  int t0 = count_testcases(path);
  cr_expect_eq(t0, (int)(((size_t)n + size - 1) / size), "%d Criterion tests for %d cases", t0, n);
  snprintf(path, sizeof path, "%s/r1/criterion.xml", dir);
  cr_expect_eq(count_testcases(path), n, "one Criterion test per case");
  for (const cJSON *c = cases_of(reports[0])->child; c; c = c->next) {
    const cJSON *o = ts_find(cases_of(reports[1]), "id", ts_str(c, "id"));
    cr_assert(o, "%s missing from the unbatched run", ts_str(c, "id"));
    cr_expect_str_eq(ts_str(o, "status"), ts_str(c, "status"), "%s", ts_str(c, "id"));
  }
  cJSON_Delete(reports[0]);
  cJSON_Delete(reports[1]);
  ts_rmtree(dir);
}

/* A case that crashes its test process, and one that hangs it past the
 * watchdog, are errors naming what happened; every other case of their
 * batches still gets its own verdict (run again, one per test).  Seven cases,
 * jobs 1: three batches dealt out (hrunner.c: entries 0 3 6, 1 4, 2 5),
 * entry 1 crashes its batch (entry 4 never starts there), entry 3 hangs its
 * batch (entry 6 never starts).  A short --timeout-ms makes the per-case watchdog, which certify
 * derives from it, short (about 2.3 s); not shorter: the other cases' own
 * requests must not time out on a loaded machine under ASan. */
Test(certify, crashing_and_hanging_cases_cost_no_other_case, .timeout = 120) {
  char dir[64], rdir[80], env[1200];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* the hooks' build of the suites, beside apiharness's own */
  const char *bin = APIHARNESS_BIN;
  snprintf(env, sizeof env,
           "APIHARNESS_CONFORMANCE=%.*s/conformance/apiharness-conformance-hooks "
           "APIHARNESS_TEST_CRASH=1 APIHARNESS_TEST_HANG=3",
           (int)(strrchr(bin, '/') - bin), bin);
  cr_expect_eq(
      ts_certify(rdir, env, "--filter 'pos.order.*' --explore 0 --jobs 1 --timeout-ms 500"), 1,
      "a crash is no pass");
  cJSON *r = ts_report(rdir);
  int n = 0, errors = 0, passed = 0;
  for (const cJSON *c = cases_of(r)->child; c; c = c->next, n++) {
    const char *st = ts_str(c, "status");
    if (!strcmp(st, "error")) {
      errors++;
      cr_expect(n == 1 || n == 3, "entry %d (%s) is an error", n, ts_str(c, "id"));
      cr_expect(strstr(ts_str(c, "detail"), "started but its test process ended"), "%s: %s",
                ts_str(c, "id"), ts_str(c, "detail"));
    } else {
      int ok = !strcmp(st, "pass") || !strcmp(st, "warn");
      cr_expect(ok, "entry %d (%s) is %s: %s", n, ts_str(c, "id"), st, ts_str(c, "detail"));
      passed += ok;
    }
  }
  cr_expect_eq(n, ts_catalogue_selects(rdir, "pos.order.*", NULL),
               "every selected case is in the report");
  cr_expect_gt(n, 5, "cases after the hanging one");
  cr_expect_eq(errors, 2, "exactly the crashing and the hanging case");
  cr_expect_eq(passed, n - 2, "every other case has its verdict");
  char *err = ts_certify_text(rdir, "err");
  cr_expect(strstr(err, "running them again, one per test"), "%s", err);
  free(err);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* A case whose process dies without a result is an error, never missing. */
Test(certify, crashed_cases_are_errors, .timeout = 60) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  cr_expect_eq(
      ts_certify(rdir, "APIHARNESS_CONFORMANCE=/bin/true", "--filter 'pos.order.*' --explore 0"), 1,
      "what could not run cannot be certified");
  cJSON *r = ts_report(rdir);
  const cJSON *cases = cases_of(r);
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

/* When each request of a run arrived (tests/support.c's ts_server calls
 * this on its thread; the test reads it once the server is stopped). */
typedef struct {
  double at[64];
  size_t n;
} arrivals;

static void stamp_405(void *ud, const char *request, size_t len, ts_reply *reply) {
  (void)request;
  (void)len;
  arrivals *a = ud;
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  if (a->n < sizeof a->at / sizeof a->at[0])
    a->at[a->n++] = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
  static const char answer[] = "HTTP/1.1 405 Method Not Allowed\r\nAllow: POST\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n\r\n";
  ts_reply_add(reply, answer, sizeof answer - 1);
}

Test(certify, rate_limit_spaces_the_requests, .timeout = 60) {
  arrivals got = {{0}, 0};
  ts_answer stamp = {.respond = stamp_405, .ud = &got, .close_after = 1};
  ts_server *s = ts_server_start(&stamp, 1, 1);
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* at 10 requests a second, 100 ms at least from one request to the next
   * (unlimited, the six come within 250 ms even under ASan, where each
   * batch's process takes its time to start) */
  int rc = ts_certify(rdir, NULL,
                      "--base-url %s --no-preflight --filter 'http.method.*' --rate-limit 10",
                      ts_server_url(s));
  ts_server_stop(s);
  cr_expect(rc == 0 || rc == 1, "the run could not run (see %s.err)", rdir);
  cJSON *r = ts_report(rdir);
  /* one request per case, after the reachability probe's GET */
  size_t cases = (size_t)cJSON_GetArraySize(cases_of(r));
  cr_assert_gt(cases, 3);
  cr_assert_geq(got.n, cases, "%zu requests for %zu cases", got.n, cases);
  double span = got.at[got.n - 1] - got.at[got.n - cases];
  cr_expect_geq(span, (double)(cases - 1) * 0.100 * 0.95, "%zu requests in %.0f ms", cases,
                span * 1000);
  cJSON_Delete(r);
  ts_server_free(s);
  ts_rmtree(dir);
}

Test(certify, several_labelled_tokens_give_a_matrix, .timeout = 120) {
  hmock *m = ts_mock(SECRET, 0);
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  cr_expect_eq(ts_certify(rdir, "CLIENT_T=" SECRET " VENDOR_T=" SECRET,
                          "--base-url http://127.0.0.1:%d --token-env client=CLIENT_T --token-env "
                          "vendor=VENDOR_T --filter 'pos.order.*'",
                          hmock_port(m)),
               0, "see %s.err", rdir);
  cJSON *r = ts_report(rdir);
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(r, "token_matrix");
  cr_assert_eq(cJSON_GetArraySize(mx), 2);
  cr_expect_str_eq(ts_str(mx->child, "label"), "client");
  cr_expect_str_eq(ts_str(mx->child->next, "label"), "vendor");
  cr_expect_str_eq(ts_str(mx->child->next, "status"), "pass");
  /* each case twice: once per label, the second's id marked "@vendor" */
  int vendor_cases = 0, client_cases = 0;
  for (const cJSON *c = cases_of(r)->child; c; c = c->next) {
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
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* the whole catalogue: a false alarm in any case is what this looks for */
  int rc = ts_certify(rdir, "HARNESS_TOKEN=" SECRET, "--base-url http://127.0.0.1:%d",
                      ts_listener_port(l));
  ts_listener_free(l); /* every connection's thread joined: v.logic is free to go */
  cJSON *r = ts_report(rdir);
  const cJSON *cases = cases_of(r);
  for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next)
    cr_expect(strcmp(ts_str(c, "status"), "fail") && strcmp(ts_str(c, "status"), "error"), "%s: %s",
              ts_str(c, "id"), ts_str(c, "detail"));
  cr_expect_eq(rc, 0, "a healthy variant must be compliant (see %s.out)", rdir);
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
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* 13 one-POST cases after the preflight's two POSTs: the answers go round
   * the seven modes, so every mode meets a case at least once */
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc =
      ts_certify(rdir, NULL, "--base-url http://127.0.0.1:%d --timeout-ms 400 --filter 'pos.o*'",
                 ts_listener_port(l));
  double took = ts_seconds_since(&t0);
  ts_listener_free(l);
  cr_expect_eq(rc, 1, "a hostile server is non-compliant, not a harness failure (%s.err)", rdir);
  cr_expect_lt(took, 60.0, "every case has a deadline: %.0f s", took);
  cJSON *r = ts_report(rdir);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant");
  int n = 0;
  for (const cJSON *c = cases_of(r)->child; c; c = c->next, n++) {
    cr_expect_str_eq(ts_str(c, "status"), "fail", "%s: %s", ts_str(c, "id"), ts_str(c, "detail"));
    /* one clear line: no repeated phrase, no endless pointer */
    cr_expect_null(strstr(ts_str(c, "detail"), "response: no complete response"), "%s",
                   ts_str(c, "detail"));
    cr_expect_lt(strlen(ts_str(c, "detail")), 200, "%s", ts_str(c, "detail"));
  }
  cr_expect_eq(n, ts_catalogue_selects(rdir, "pos.o*", NULL), "every selected case is judged");
  cr_expect_geq(n, 7, "fewer cases than answer modes");
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
  int port, lfd = ts_listen_loopback(&port);
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "tcertify");
  /* the preflight's three probes and the one case each wait out the timeout */
  cr_expect_eq(ts_certify(rdir, NULL,
                          "--base-url http://127.0.0.1:%d --timeout-ms 150 --filter 'pos.minimal'",
                          port),
               1, "silence is a failure of the server (see %s.err)", rdir);
  close(lfd);
  cJSON *r = ts_report(rdir);
  const cJSON *q = requirement(r, "http.no-timeout");
  cr_assert(q);
  cr_expect_str_eq(ts_str(q, "status"), "fail");
  cJSON_Delete(r);
  ts_rmtree(dir);
}
