/* The conformance suites: the Criterion tests `apiharness certify` runs.
 *
 * certify writes a plan (JSON, no secrets; see client/hrun.h) and starts this
 * binary with APIHARNESS_PLAN=<plan file>, APIHARNESS_BATCHES=<batches> and
 * Criterion's report flags (run/hrunner.h: hrunner_suites).
 *
 *  conformance/cases  one parameterized test per batch of plan entries
 *                     ("first:count,first:count,..."; a batch of one is one
 *                     case).  The test loads the spec, the rules and the
 *                     catalogue once, then runs its entries one after the
 *                     other with hrun_entry and appends each result to the
 *                     batch's journal, <results_dir>/b<first>.jnl
 *                     (run/hjournal.h).  Before an entry starts, its start
 *                     record is appended and an alarm is set to the plan's
 *                     per-case watchdog: a case that crashes or hangs
 *                     ends its test process, and certify reports exactly
 *                     that entry as an error (started, no result) and runs
 *                     the batch's entries that never started again, each in
 *                     a test of its own.  Nothing vanishes.
 *  explore/run        the explore phase (plan "explore"; skipped without it):
 *                     hexplore_run, its report section written to
 *                     <results_dir>/explore.json.
 *
 * Why batches and not one test per case: Criterion starts every test in a
 * fresh process (BoxFort: fork + execve of this binary, no worker pool); on
 * the 2-core machine the project is measured on, 505 empty parameterized tests
 * take 4.3 s with -j2, more than a whole certify.  A batch pays that once for
 * many cases (bench/certify/run prints the per-test overhead).
 *
 * The bearer token is read from the environment variable the entry names,
 * never from the plan.  Without APIHARNESS_PLAN there is nothing to run. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "explore/hexplore.h"
#include "judge/hjudge.h"
#include "rules/hrules.h"
#include "rules/hstatus.h"
#include "run/hjournal.h"
#include "spec/hspec.h"
#include "util/hutil.h"

#define PLAN_MAX ((size_t)64 << 20)
#define MAX_BATCHES 100000

typedef struct {
  size_t first, count, stride; /* entries first, first + stride, ... (count of them) */
} batch_param;

static cJSON *load_plan(void) {
  const char *path = getenv("APIHARNESS_PLAN");
  if (!path || !*path)
    return NULL;
  size_t n;
  char err[256];
  char *text = hutil_slurp(path, PLAN_MAX, 0, &n, NULL, err, sizeof err);
  cJSON *plan = text ? cJSON_ParseWithLength(text, n) : NULL;
  free(text);
  return plan;
}

static void free_params(struct criterion_test_params *crp) { cr_free(crp->params); }

/* APIHARNESS_BATCHES: "first:count[:stride]" items separated by commas
 * (stride 1 when absent). */
ParameterizedTestParameters(conformance, cases) {
  const char *s = getenv("APIHARNESS_BATCHES");
  size_t n = 0;
  for (const char *p = s; p && *p; p++)
    n += *p == ',';
  n += s && *s;
  if (n > MAX_BATCHES)
    n = 0;
  batch_param *params = n ? cr_malloc(n * sizeof *params) : NULL;
  size_t k = 0;
  for (const char *p = s; params && p && *p && k < n;) {
    char *end;
    unsigned long long first = strtoull(p, &end, 10);
    if (*end != ':')
      break;
    unsigned long long count = strtoull(end + 1, &end, 10), stride = 1;
    if (*end == ':')
      stride = strtoull(end + 1, &end, 10);
    if ((*end != ',' && *end != '\0') || !stride)
      break;
    params[k++] = (batch_param){(size_t)first, (size_t)count, (size_t)stride};
    p = *end ? end + 1 : end;
  }
  return cr_make_param_array(batch_param, params, k, free_params);
}

static const char *pstr(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

static double pnum(const cJSON *o, const char *name, double dflt) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsNumber(m) ? m->valuedouble : dflt;
}

/* The plan's spec and its rules (the test fails when either cannot load). */
static hrules *load_rules(const cJSON *plan, hspec **spec) {
  herr e;
  *spec = hspec_load_file(pstr(plan, "spec"), &e);
  cr_assert(*spec, "%s", e.msg);
  hrules *rules = hrules_new(*spec, &e);
  cr_assert(rules, "%s", e.msg);
  return rules;
}

/* SIGALRM after ms milliseconds (0: off); its default action ends the test
 * process, which certify then reports as this entry's error. */
static void watchdog(long ms) {
  struct itimerval t = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  setitimer(ITIMER_REAL, &t, NULL);
}

#ifdef APIHARNESS_SUITES_TEST_HOOKS
/* Only in apiharness-conformance-hooks, a build for tests/test_certify.c:
 * APIHARNESS_TEST_CRASH=<entry> aborts the test process before that entry,
 * APIHARNESS_TEST_HANG=<entry> blocks it until the watchdog fires. */
static void test_hooks(size_t index) {
  const char *crash = getenv("APIHARNESS_TEST_CRASH"), *hang = getenv("APIHARNESS_TEST_HANG");
  if (crash && *crash && strtoul(crash, NULL, 10) == index)
    abort();
  if (hang && *hang && strtoul(hang, NULL, 10) == index)
    for (;;)
      pause();
}
#else
static void test_hooks(size_t index) { (void)index; }
#endif

ParameterizedTest(batch_param *p, conformance, cases) {
  cJSON *plan = load_plan();
  cr_assert(plan, "APIHARNESS_PLAN is not a readable plan");
  const char *results = pstr(plan, "results_dir");
  cr_assert(results, "the plan names no results_dir");
  long watchdog_ms = (long)pnum(plan, "watchdog_ms", 0);
  if (watchdog_ms <= 0)
    watchdog_ms = (long)pnum(plan, "timeout_ms", HCLIENT_DEFAULT_TIMEOUT_MS) * 3 + 10000;
  hspec *spec;
  hrules *rules = load_rules(plan, &spec);
  herr ce;
  cJSON *cat = hcases_read_file(pstr(plan, "catalogue"), &ce);
  cr_assert(cat, "%s", ce.msg);
  hcases_index *ix = hcases_index_new(cat);
  cr_assert(ix, "out of memory");
  cr_assert_eq(hclient_global_init(), 0, "curl_global_init failed");
  /* the run-level config and the plan's entries, read once for the batch */
  char err[HCASES_MSG_MAX] = "";
  hrun_plan_config pcfg;
  cr_assert_eq(hrun_plan_config_read(plan, &pcfg, err), 0, "%s", err);
  const cJSON *entries = cJSON_GetObjectItemCaseSensitive(plan, "entries");
  size_t n_entries = (size_t)cJSON_GetArraySize(entries);
  const cJSON **entry = malloc((n_entries ? n_entries : 1) * sizeof *entry);
  cr_assert(entry, "out of memory");
  size_t e = 0;
  for (const cJSON *x = cJSON_IsArray(entries) ? entries->child : NULL; x; x = x->next)
    entry[e++] = x;
  int jfd = hjournal_open(results, p->first);
  cr_assert(jfd >= 0, "%s/b%zu.jnl: %s", results, p->first, strerror(errno));
  /* the verdicts, for Criterion's own report: the failing cases of the batch */
  char fails[1024] = "";
  size_t n_fail = 0, n_error = 0, n_skip = 0;
  for (size_t k = 0; k < p->count; k++) {
    size_t i = p->first + k * p->stride;
    cr_assert_eq(hjournal_started(jfd, i), 0, "journal: %s", strerror(errno));
    /* the harness's own safety net: a case that hangs despite curl's
     * timeouts ends this process; certify reports it as an error */
    watchdog(watchdog_ms);
    test_hooks(i);
    err[0] = '\0';
    cJSON *res = i < n_entries ? hrun_entry(&pcfg, entry[i], i, rules, ix, err) : NULL;
    if (i >= n_entries)
      snprintf(err, sizeof err, "plan entry %zu: not in the plan", i);
    watchdog(0);
    char *text = res ? cJSON_PrintUnformatted(res) : NULL;
    if (res && !text)
      snprintf(err, sizeof err, "out of memory");
    if (text && hjournal_result(jfd, i, text, strlen(text)) != 0)
      snprintf(err, sizeof err, "journal: %s", strerror(errno));
    hstatus st = text && !err[0] ? hstatus_parse(pstr(res, "status")) : HSTATUS_UNKNOWN;
    const char *detail = pstr(res, "detail");
    if (!detail)
      detail = "";
    if (st == HSTATUS_UNKNOWN) {
      n_error++;
      cr_log_error("entry %zu: %s", i, err[0] ? err : "no readable result");
    } else if (st == HSTATUS_FAIL || st == HSTATUS_ERROR) {
      n_fail++;
      size_t l = strlen(fails);
      if (l < sizeof fails - 64)
        snprintf(fails + l, sizeof fails - l, "%s%zu (%.200s)", l ? "; " : "", i, detail);
    } else if (st == HSTATUS_SKIP) {
      n_skip++;
    }
    free(text);
    cJSON_Delete(res);
  }
  close(jfd);
  free(entry);
  hcases_index_free(ix);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
  cJSON_Delete(plan);
  cr_expect_eq(n_error, 0, "%zu entries of batch %zu:%zu:%zu wrote no result", n_error, p->first,
               p->count, p->stride);
  cr_expect_eq(n_fail, 0, "%zu failing entries: %s", n_fail, fails);
  if (n_skip == p->count && p->count)
    cr_skip_test("every entry of the batch is skipped");
}

/* The explore phase: plan "explore" {"budget", "seed" (decimal text), "max_ms",
 * "max_creates", "list_created", "report_dir", "token_env"}; the target,
 * profile, client, rate, headers and redact pointers are the plan's. */
Test(explore, run) {
  cJSON *plan = load_plan();
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(plan, "explore");
  if (!cJSON_IsObject(x)) {
    cJSON_Delete(plan);
    cr_skip_test("the plan has no explore phase");
  }
  const char *results = pstr(plan, "results_dir");
  cr_assert(results, "the plan names no results_dir");
  hspec *spec;
  hrules *rules = load_rules(plan, &spec);
  cr_assert_eq(hclient_global_init(), 0, "curl_global_init failed");
  char err[HCASES_MSG_MAX] = "";
  hrun_plan_config pcfg;
  cr_assert_eq(hrun_plan_config_read(plan, &pcfg, err), 0, "%s", err);
  hexplore_config xc;
  memset(&xc, 0, sizeof xc);
  xc.base_url = pcfg.cfg.base_url;
  const char *token_env = pstr(x, "token_env");
  const char *bearer = token_env ? getenv(token_env) : NULL;
  xc.bearer = bearer && *bearer ? bearer : NULL;
  xc.token_env = token_env;
  xc.profile = pcfg.cfg.profile;
  xc.client = pcfg.cfg.client;
  xc.rate_per_s = pcfg.cfg.rate_per_s;
  xc.headers = pcfg.cfg.headers;
  xc.n_headers = pcfg.cfg.n_headers;
  xc.redact = pcfg.cfg.redact;
  xc.n_redact = pcfg.cfg.n_redact;
  xc.budget = (long)pnum(x, "budget", 0);
  const char *seed = pstr(x, "seed");
  xc.seed = seed ? (uint64_t)strtoull(seed, NULL, 10) : 1;
  xc.max_creates = (long)pnum(x, "max_creates", -1);
  xc.list_created = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "list_created"));
  xc.report_dir = pstr(x, "report_dir");
  xc.max_ms = (long)pnum(x, "max_ms", 0);
  char xerr[HEXPLORE_MSG_MAX] = "";
  cJSON *out = hexplore_run(rules, &xc, xerr);
  if (!out) {
    out = cJSON_CreateObject();
    cr_assert(out, "out of memory");
    cJSON_AddStringToObject(out, "hrunner_error", xerr);
  }
  char *text = cJSON_PrintUnformatted(out);
  cr_assert(text, "out of memory");
  char path[4096], werr[256];
  snprintf(path, sizeof path, "%s/explore.json", results);
  int wrc = hutil_write_atomic_ex(path, text, strlen(text), HUTIL_WRITE_SCRATCH, werr, sizeof werr);
  free(text);
  cJSON_Delete(out);
  hrules_free(rules);
  hspec_free(spec);
  cJSON_Delete(plan);
  cr_assert_eq(wrc, 0, "%s", werr);
  cr_expect(!xerr[0], "explore could not start: %s", xerr);
}
