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

#define SECRET "apiharness-test-SECRET-4711"

static int run(const char *cmd) {
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  if (buf)
    buf[got] = '\0';
  if (len)
    *len = got;
  return buf;
}

static cJSON *report(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  char *t = slurp(path, NULL);
  cr_assert(t, "no %s", path);
  cJSON *r = cJSON_Parse(t);
  free(t);
  cr_assert(r, "%s is not JSON", path);
  return r;
}

static const char *str(const cJSON *o, const char *k) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(m) ? m->valuestring : "";
}

static const cJSON *requirement(const cJSON *r, const char *id) {
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(r, "requirements");
  for (const cJSON *q = reqs ? reqs->child : NULL; q; q = q->next)
    if (!strcmp(str(q, "id"), id))
      return q;
  return NULL;
}

static void tmpdir(char *buf, size_t cap) {
  snprintf(buf, cap, "/tmp/test_certify_XXXXXX");
  cr_assert(mkdtemp(buf));
}

static void rmtree(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
}

Test(certify, healthy_mock_is_compliant_with_every_report_file, .timeout = 120) {
  char dir[64], cmd[512];
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN " certify --report-dir %s/r >%s/out 2>%s/err",
           dir, dir, dir);
  cr_assert_eq(run(cmd), 0, "certify of the healthy mock must exit 0 (see %s/out)", dir);
  static const char *const files[] = {"compliance.json", "compliance.md", "compliance.html",
                                      "junit.xml", "catalogue.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/r/%s", dir, files[i]);
    cr_expect(stat(p, &st) == 0 && st.st_size > 0, "%s missing or empty", p);
  }
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  cr_expect_str_eq(str(r, "verdict"), "compliant");
  cr_expect_str_eq(str(r, "format"), "apiharness-compliance/1");
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "fail")->valueint, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(sum, "error")->valueint, 0);
  cr_expect_gt(cJSON_GetObjectItemCaseSensitive(sum, "cases")->valueint, 120);
  const cJSON *auth = requirement(r, "http.authentication-required");
  cr_assert(auth);
  cr_expect_str_eq(str(auth, "status"), "pass", "a token is configured: 401s are checked");
  const cJSON *only = requirement(r, "semantics.token-only-on-create");
  cr_assert(only);
  cr_expect_str_eq(str(only, "status"), "skip");
  cr_expect(strstr(str(only, "reason"), "read operation"));
  /* created tokens are listed by id with the run-id prefix in their names */
  const cJSON *created = cJSON_GetObjectItemCaseSensitive(r, "created_resources");
  cr_assert(cJSON_GetArraySize(created) > 10);
  char prefix[128];
  snprintf(prefix, sizeof prefix, "apiharness-%s-", str(r, "run_id"));
  int prefixed = 0;
  for (const cJSON *c = created->child; c; c = c->next) {
    cr_expect(str(c, "id")[0]);
    prefixed += !strncmp(str(c, "name"), prefix, strlen(prefix));
  }
  cr_expect_gt(prefixed, 10);
  cJSON_Delete(r);
  snprintf(cmd, sizeof cmd, "%s/out", dir);
  char *out = slurp(cmd, NULL);
  cr_expect(out && strstr(out, "verdict: COMPLIANT"), "summary printed: %s", out ? out : "");
  free(out);
  rmtree(dir);
}

/* ---- every fault of the mock, caught by the requirement it breaks ---- */

typedef struct {
  char fault[64];
  char requirement[128];
} fault_param;

/* What a conformance run must report for each fault (the requirement ids of
 * this harness; the mock's table describes the same rule in words). */
static const char *expected_requirement(const char *fault) {
  static const char *const map[][2] = {
      {"extra-property", "schema.response.201"},
      {"revision-not-1", "prose.revision-one"},
      {"no-token", "prose.token-returned"},
      {"bad-date-time", "schema.response.201"},
      {"wrong-type", "schema.response.201"},
      {"bad-enum", "schema.response.201"},
      {"accept-bad-account-id", "schema.request.AccountDto.id.pattern"},
      {"accept-bad-module-id", "schema.request.ModuleDto.id.pattern"},
      {"accept-empty-modules", "prose.modules-required"},
      {"accept-missing-name", "prose.name-required"},
      {"accept-unknown-property", "schema.request.CreateApiTokenDto.additionalProperties"},
      {"500-on-unicode", "http.no-server-error"},
      {"reject-text-json", "http.request-media-types"},
      {"reject-null", "schema.request.CreateApiTokenDto.description.nullable"},
      {"problem-status-mismatch", "rfc9457.problem-status-matches"},
      {"problem-not-json", "rfc8259.response-strict-json"},
      {"status-200", "positive.minimal"},
      {"invalid-utf8", "rfc8259.response-strict-json"},
      {"duplicate-key", "rfc8259.response-strict-json"},
      {"ignore-auth", "http.authentication-required"},
      {"hang-large-body", "http.no-timeout"},
      {"wrong-content-type", "response.media-type-documented"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(map[i][0], fault))
      return map[i][1];
  return "";
}

static void free_faults(struct criterion_test_params *crp) { cr_free(crp->params); }

ParameterizedTestParameters(certify, every_mock_fault_is_caught) {
  size_t n = hmock_fault_count();
  fault_param *p = cr_malloc(n * sizeof *p);
  for (size_t i = 0; i < n; i++) {
    snprintf(p[i].fault, sizeof p[i].fault, "%s", hmock_fault_at(i)->name);
    snprintf(p[i].requirement, sizeof p[i].requirement, "%s",
             expected_requirement(hmock_fault_at(i)->name));
  }
  return cr_make_param_array(fault_param, p, n, free_faults);
}

ParameterizedTest(fault_param *p, certify, every_mock_fault_is_caught, .timeout = 120) {
  cr_assert(p->requirement[0], "fault %s has no expectation in test_certify.c: add it", p->fault);
  char dir[64], cmd[600];
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --fault %s --timeout-ms 1500 --report-dir %s/r >%s/out 2>&1",
           p->fault, dir, dir);
  cr_expect_eq(run(cmd), 1, "fault %s: certify must exit 1 (non-compliant)", p->fault);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  cr_expect_str_eq(str(r, "verdict"), "non-compliant", "fault %s", p->fault);
  const cJSON *q = requirement(r, p->requirement);
  cr_assert(q, "fault %s: requirement %s not in the report", p->fault, p->requirement);
  cr_expect_str_eq(str(q, "status"), "fail", "fault %s: %s is %s", p->fault, p->requirement,
                   str(q, "status"));
  const cJSON *faults =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "target"), "faults");
  cr_expect(cJSON_IsArray(faults) && faults->child && !strcmp(faults->child->valuestring, p->fault),
            "the report names the fault");
  /* a failing case carries evidence with a reproducer */
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  int with_evidence = 0;
  for (const cJSON *c = cases->child; c; c = c->next)
    if (!strcmp(str(c, "status"), "fail")) {
      const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "evidence");
      with_evidence += ev && str(ev, "curl")[0];
    }
  cr_expect_gt(with_evidence, 0, "fault %s: no failing case with evidence", p->fault);
  cJSON_Delete(r);
  rmtree(dir);
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
  char *t = slurp(path, &len);
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
  tmpdir(dir, sizeof dir);
  /* status-200 makes every create a failure: its evidence holds a 201-like body
   * with the token value, which must be redacted */
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --fault status-200 --report-dir %s/r >%s/out 2>%s/err",
           dir, dir, dir);
  cr_expect_eq(run(cmd), 1);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  int redacted_bodies = 0;
  for (const cJSON *c = cases->child; c; c = c->next) {
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "evidence");
    const cJSON *rs = ev ? cJSON_GetObjectItemCaseSensitive(ev, "response") : NULL;
    if (rs && strstr(str(rs, "body_excerpt"), "...<redacted>"))
      redacted_bodies++;
    if (ev) {
      cr_expect(strstr(str(ev, "curl"), "$HARNESS_TOKEN") || strstr(str(ev, "curl"), "replay") ||
                    strstr(str(ev, "curl"), "wrong-token") ||
                    !strstr(str(ev, "curl"), "Authorization"),
                "the reproducer references the variable: %s", str(ev, "curl"));
    }
  }
  cr_expect_gt(redacted_bodies, 5, "the evidence shows redacted token values");
  cJSON_Delete(r);
  scan_dir(dir);
  rmtree(dir);
}

/* ---- exit codes ---- */

Test(certify, unreachable_server_exits_2) {
  char dir[64], cmd[512];
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:1 --timeout-ms 1000 "
                          "--report-dir %s/r >/dev/null 2>%s/err",
           dir, dir);
  cr_expect_eq(run(cmd), 2);
  snprintf(cmd, sizeof cmd, "%s/err", dir);
  char *err = slurp(cmd, NULL);
  cr_expect(err && strstr(err, "unreachable"), "%s", err ? err : "");
  free(err);
  rmtree(dir);
}

Test(certify, usage_errors_exit_2) {
  cr_expect_eq(run(APIHARNESS_BIN " certify --profile lenient 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " certify --fault no-such-fault 2>/dev/null"), 2);
  cr_expect_eq(
      run(APIHARNESS_BIN " certify --fault no-token --base-url http://127.0.0.1:1 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " certify --base-url ftp://x 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " certify --timeout-ms 0 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " certify --token-env APIHARNESS_SURELY_UNSET 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " certify --spec /nonexistent.json 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " certify --filter 'no-such-case*' --report-dir "
                                  "/tmp/test_certify_nomatch 2>/dev/null"),
               2);
  rmtree("/tmp/test_certify_nomatch");
  cr_expect_eq(run(APIHARNESS_BIN " certify --help >/dev/null"), 0);
}

Test(certify, max_creates_and_filter, .timeout = 60) {
  char dir[64], cmd[512];
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --filter 'pos.*' --max-creates 3 --report-dir %s/r >/dev/null "
                          "2>&1",
           dir);
  cr_expect_eq(run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  cr_expect_leq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "created_resources")), 3);
  int limited = 0, total = 0;
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  for (const cJSON *c = cases->child; c; c = c->next) {
    total++;
    cr_expect_eq(strncmp(str(c, "id"), "pos.", 4), 0, "filter: %s", str(c, "id"));
    limited += !strcmp(str(c, "status"), "skip") && strstr(str(c, "detail"), "--max-creates");
  }
  cr_expect_eq(limited, total - 3);
  cr_expect_str_eq(str(r, "filter"), "pos.*");
  cJSON_Delete(r);
  rmtree(dir);
}

Test(certify, criterion_suites_give_the_same_verdict, .timeout = 120) {
  char dir[64], cmd[512];
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --runner criterion --filter 'http.*' --report-dir %s/r "
                          ">/dev/null 2>&1",
           dir);
  cr_expect_eq(run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r/criterion.xml", dir);
  struct stat st;
  cr_expect(stat(cmd, &st) == 0 && st.st_size > 0, "Criterion's JUnit report");
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  cr_expect_str_eq(str(r, "verdict"), "compliant");
  cJSON_Delete(r);
  rmtree(dir);
}

/* A case whose process dies without a result is an error, never missing. */
Test(certify, crashed_cases_are_errors, .timeout = 60) {
  char dir[64], cmd[600];
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "APIHARNESS_CONFORMANCE=/bin/true " APIHARNESS_BIN
           " certify --runner criterion --filter 'pos.m*' --report-dir %s/r >/dev/null 2>&1",
           dir);
  cr_expect_eq(run(cmd), 1, "what could not run cannot be certified");
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(r, "cases");
  cr_assert(cases->child);
  for (const cJSON *c = cases->child; c; c = c->next)
    cr_expect_str_eq(str(c, "status"), "error", "%s", str(c, "id"));
  cr_expect_eq(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "summary"), "error")
          ->valueint,
      cJSON_GetArraySize(cases));
  cJSON_Delete(r);
  rmtree(dir);
}

Test(certify, rate_limit_spaces_the_requests, .timeout = 60) {
  char dir[64], cmd[512];
  tmpdir(dir, sizeof dir);
  /* 6 requests at 4 per second take at least 5 gaps of 250 ms */
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --filter 'http.method.*' --rate-limit 4 --report-dir %s/r "
                          ">/dev/null 2>&1",
           dir);
  cr_expect_eq(run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "duration_ms");
  cr_assert(cJSON_IsNumber(d));
  cr_expect_geq(d->valuedouble, 1200.0, "took %.0f ms", d->valuedouble);
  cJSON_Delete(r);
  rmtree(dir);
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
  tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "CLIENT_T=" SECRET " VENDOR_T=" SECRET " " APIHARNESS_BIN
           " certify --base-url http://127.0.0.1:%d --token-env client=CLIENT_T --token-env "
           "vendor=VENDOR_T --filter 'pos.m*' --report-dir %s/r >%s/out 2>&1",
           hmock_port(m), dir, dir);
  cr_expect_eq(run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = report(cmd);
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(r, "token_matrix");
  cr_assert_eq(cJSON_GetArraySize(mx), 2);
  cr_expect_str_eq(str(mx->child, "label"), "client");
  cr_expect_str_eq(str(mx->child->next, "label"), "vendor");
  cr_expect_str_eq(str(mx->child->next, "status"), "pass");
  int vendor_cases = 0;
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "cases")->child; c; c = c->next)
    vendor_cases += strstr(str(c, "id"), "@vendor") != NULL;
  cr_expect_gt(vendor_cases, 0);
  cr_expect_eq(cJSON_GetObjectItemCaseSensitive(r, "target")->child->type, cJSON_String);
  cJSON_Delete(r);
  scan_dir(dir);
  rmtree(dir);
  hmock_stop(m);
}
