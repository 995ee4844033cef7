/* The conformance suites: one Criterion test per planned catalogue case.
 *
 * Run by `apiharness certify`, which writes a plan (JSON, no secrets) and
 * starts this binary with APIHARNESS_PLAN=<plan file> and Criterion's report
 * flags.  The plan:
 *   {"catalogue": path, "spec": path, "base_url", "profile", "timeout_ms",
 *    "max_body", "run_id", "results_dir", "rate_file", "rate_per_s", "cacert",
 *    "insecure", "entries": [{"case": id, "label": l, "token_env": VAR|null,
 *    "skip": reason|null}]}
 * Each test (its own process: a crash or a hang stays in it) loads the spec,
 * the rules and the catalogue, runs its case with hrun_case and writes the
 * result to <results_dir>/<index>.json; certify reads those files, and a
 * missing one is reported as an error.  The bearer token is read from the
 * environment variable the entry names, never from the plan.
 *
 * Without APIHARNESS_PLAN there is nothing to run (zero tests). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "judge/hjudge.h"
#include "rules/hrules.h"
#include "spec/hspec.h"

#define PLAN_MAX ((size_t)16 << 20)

typedef struct {
  size_t index;
  char case_id[160];
} entry_param;

static char *slurp(const char *path, size_t max, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (!buf || n > max) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static cJSON *load_plan(void) {
  const char *path = getenv("APIHARNESS_PLAN");
  if (!path || !*path)
    return NULL;
  size_t n;
  char *text = slurp(path, PLAN_MAX, &n);
  cJSON *plan = text ? cJSON_ParseWithLength(text, n) : NULL;
  free(text);
  return plan;
}

static void free_params(struct criterion_test_params *crp) { cr_free(crp->params); }

ParameterizedTestParameters(conformance, case) {
  cJSON *plan = load_plan();
  const cJSON *entries = cJSON_GetObjectItemCaseSensitive(plan, "entries");
  size_t n = cJSON_IsArray(entries) ? (size_t)cJSON_GetArraySize(entries) : 0;
  entry_param *params = n ? cr_malloc(n * sizeof *params) : NULL;
  if (!params)
    n = 0;
  size_t i = 0;
  for (const cJSON *e = n ? entries->child : NULL; e && i < n; e = e->next, i++) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "case");
    params[i].index = i;
    snprintf(params[i].case_id, sizeof params[i].case_id, "%s",
             cJSON_IsString(id) ? id->valuestring : "?");
  }
  cJSON_Delete(plan);
  return cr_make_param_array(entry_param, params, n, free_params);
}

static const char *pstr(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

ParameterizedTest(entry_param *p, conformance, case) {
  cJSON *plan = load_plan();
  cr_assert(plan, "APIHARNESS_PLAN is not a readable plan");
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(plan, "timeout_ms");
  long timeout_ms = cJSON_IsNumber(t) ? (long)t->valuedouble : HCLIENT_DEFAULT_TIMEOUT_MS;
  /* the harness's own safety net: a case that hangs despite curl's timeout
   * is killed here and reported as an error by certify */
  alarm((unsigned)(timeout_ms * 3 / 1000 + 10));
  hspec_error se;
  hspec *spec = hspec_load_file(pstr(plan, "spec"), &se);
  cr_assert(spec, "%s", se.msg);
  hschema_error he;
  hrules *rules = hrules_new(spec, &he);
  cr_assert(rules, "%s", he.msg);
  hcases_error ce;
  cJSON *cat = hcases_read_file(pstr(plan, "catalogue"), &ce);
  cr_assert(cat, "%s", ce.msg);
  cr_assert_eq(hclient_global_init(), 0, "curl_global_init failed");
  char err[HCASES_MSG_MAX] = "";
  int rc = hrun_entry(plan, p->index, rules, cat, err);
  cr_assert_eq(rc, 0, "case %s: %s", p->case_id, err);
  /* the verdict, for Criterion's own report */
  char path[4096];
  snprintf(path, sizeof path, "%s/%zu.json", pstr(plan, "results_dir"), p->index);
  size_t n;
  char *text = slurp(path, PLAN_MAX, &n);
  cJSON *result = text ? cJSON_ParseWithLength(text, n) : NULL;
  free(text);
  const char *st = pstr(result, "status");
  const char *detail = pstr(result, "detail");
  char line[600];
  snprintf(line, sizeof line, "%s: %s", p->case_id, detail ? detail : "");
  int failed = st && !strcmp(st, "fail"), skipped = st && !strcmp(st, "skip");
  cJSON_Delete(result);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
  cJSON_Delete(plan);
  if (skipped)
    cr_skip_test("%s", line);
  cr_expect_not(failed, "%s", line);
}
