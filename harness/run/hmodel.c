/* hmodel: the report model of a certification run.  See hmodel.h. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include "run/hmodel.h"

#include <stdio.h>
#include <string.h>

#include "report/hreport.h"
#include "run/hagg.h"
#include "run/hrunner.h"

static void iso_time(time_t t, char *buf, size_t cap) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void hmodel_results_free(hmodel_results *r) {
  cJSON_Delete(r->cases);
  cJSON_Delete(r->created);
  cJSON_Delete(r->requirements);
  r->cases = r->created = r->requirements = NULL;
}

static void move_created(cJSON *to, cJSON *from_obj) {
  cJSON *cr = cJSON_DetachItemFromObjectCaseSensitive(from_obj, "created");
  for (cJSON *x = cr ? cr->child : NULL; x; x = x->next)
    cJSON_AddItemToArray(to, cJSON_Duplicate(x, 1));
  cJSON_Delete(cr);
}

int hmodel_collect(const cJSON *cat, const hcases_index *ix, const cJSON *plan,
                   hrunner_results *results, const hplan_token *tokens, size_t n_tokens,
                   int interrupted, cJSON *explore, const cJSON *preflight_created,
                   hmodel_results *out) {
  memset(out, 0, sizeof *out);
  out->cases = cJSON_CreateArray();
  out->created = cJSON_CreateArray();
  hagg *agg = hagg_new(cJSON_GetObjectItemCaseSensitive(cat, "requirements"));
  if (!out->cases || !out->created || !agg)
    goto fail;
  if (cJSON_IsArray(preflight_created))
    for (const cJSON *x = preflight_created->child; x; x = x->next)
      cJSON_AddItemToArray(out->created, cJSON_Duplicate(x, 1));
  const cJSON *entries = cJSON_GetObjectItemCaseSensitive(plan, "entries");
  size_t ei = 0;
  herr ce;
  for (const cJSON *e = entries ? entries->child : NULL; e; e = e->next, ei++) {
    if (interrupted && !hrunner_has_result(results, ei)) {
      out->not_run++; /* stopped before it ran, or killed while it ran */
      continue;
    }
    const char *case_id = cJSON_GetObjectItemCaseSensitive(e, "case")->valuestring;
    const char *label = cJSON_GetObjectItemCaseSensitive(e, "label")->valuestring;
    size_t li = 0;
    while (li + 1 < n_tokens && strcmp(tokens[li].label, label))
      li++;
    hcases_case c;
    long at = hcases_index_find(ix, case_id);
    if (at < 0 || hcases_index_at(ix, (size_t)at, &c, &ce) != 0)
      goto fail;
    cJSON *res = hrunner_result(results, ei, &c, case_id, label, li > 0);
    if (!res)
      goto fail;
    const char *status = cJSON_GetObjectItemCaseSensitive(res, "status")->valuestring;
    const char *shown_id = cJSON_GetObjectItemCaseSensitive(res, "id")->valuestring;
    hstatus st = hstatus_parse(status);
    if (st >= HSTATUS_JUDGE_COUNT)
      st = HSTATUS_ERROR; /* a case result is a judge's status or "error" */
    out->counts[st]++;
    if (li < HMODEL_MAX_TOKENS) {
      /* per token: a case that could not run counts as failed */
      hstatus tst = st == HSTATUS_ERROR ? HSTATUS_FAIL : st;
      out->tokens[li].cases++;
      if (tst == HSTATUS_FAIL)
        out->tokens[li].fails++;
      out->tokens[li].worst = hstatus_worst(out->tokens[li].worst, tst);
    }
    const cJSON *srv = cJSON_GetObjectItemCaseSensitive(res, "server");
    if (!out->server[0] && cJSON_IsString(srv))
      snprintf(out->server, sizeof out->server, "%s", srv->valuestring);
    cJSON_DeleteItemFromObjectCaseSensitive(res, "server");
    move_created(out->created, res);
    /* fold into requirements: the case's own, and every check's */
    hagg_case(agg, c.requirement, res, shown_id);
    cJSON_AddItemToArray(out->cases, res);
    out->n_cases++;
  }
  /* explore's requirements: a requirement failed by explore is failed */
  if (explore) {
    hagg_explore(agg, explore);
    move_created(out->created, explore);
  }
  out->n_reqs = hagg_count(agg);
  out->requirements = hagg_finish(agg, &out->any_fail);
  hagg_free(agg);
  agg = NULL;
  if (!out->requirements)
    goto fail;
  return 0;
fail:
  hagg_free(agg);
  hmodel_results_free(out);
  return -1;
}

int hmodel_is_partial(const hplan_counts *c) {
  return c && (c->entries < c->total || c->skipped_creates > 0);
}

cJSON *hmodel_build(const hmodel_meta *m, hmodel_results *r, cJSON *explore) {
  cJSON *report = cJSON_CreateObject();
  if (!report) {
    cJSON_Delete(explore);
    return NULL;
  }
  char ts[32];
  cJSON_AddStringToObject(report, "format", HREPORT_FORMAT);
  cJSON_AddStringToObject(report, "verdict",
                          m->interrupted ? "incomplete"
                          : r->any_fail  ? "non-compliant"
                                         : "compliant");
  cJSON_AddBoolToObject(report, "interrupted", m->interrupted);
  if (m->interrupted)
    cJSON_AddNumberToObject(report, "cases_not_run", (double)r->not_run);
  int partial = hmodel_is_partial(m->counts);
  cJSON_AddBoolToObject(report, "partial", partial);
  if (partial) {
    cJSON *lo = cJSON_AddObjectToObject(report, "left_out");
    if (m->filter && strcmp(m->filter, "*"))
      cJSON_AddStringToObject(lo, "filter", m->filter);
    else
      cJSON_AddNullToObject(lo, "filter");
    cJSON_AddNumberToObject(lo, "cases_left_out", (double)(m->counts->total - m->counts->entries));
    cJSON_AddNumberToObject(lo, "skipped_by_max_creates", (double)m->counts->skipped_creates);
  }
  cJSON *tool = cJSON_AddObjectToObject(report, "tool");
  cJSON_AddStringToObject(tool, "name", "apiharness");
  cJSON_AddStringToObject(tool, "version", APIHARNESS_VERSION);
  cJSON_AddStringToObject(report, "run_id", m->run_id);
  iso_time(m->started, ts, sizeof ts);
  cJSON_AddStringToObject(report, "started_at", ts);
  iso_time(m->finished, ts, sizeof ts);
  cJSON_AddStringToObject(report, "finished_at", ts);
  cJSON_AddNumberToObject(report, "duration_ms", (double)m->duration_ms);
  cJSON *js = cJSON_AddObjectToObject(report, "spec");
  cJSON_AddStringToObject(js, "title", hspec_title(m->spec) ? hspec_title(m->spec) : "");
  cJSON_AddStringToObject(js, "version", hspec_version(m->spec) ? hspec_version(m->spec) : "");
  cJSON_AddStringToObject(js, "sha256", hspec_sha256(m->spec));
  cJSON_AddStringToObject(js, "path", m->spec_path);
  cJSON *jt = cJSON_AddObjectToObject(report, "target");
  cJSON_AddStringToObject(jt, "url", m->base_url);
  if (r->server[0])
    cJSON_AddStringToObject(jt, "server", r->server);
  else
    cJSON_AddNullToObject(jt, "server");
  cJSON_AddBoolToObject(jt, "embedded_mock", m->embedded_mock);
  if (m->embedded_mock) {
    cJSON *f = cJSON_AddArrayToObject(jt, "faults");
    for (size_t i = 0; i < m->n_faults; i++)
      cJSON_AddItemToArray(f, cJSON_CreateString(m->faults[i]));
  }
  if (m->preflight_warning)
    cJSON_AddStringToObject(jt, "preflight_warning", m->preflight_warning);
  cJSON_AddStringToObject(report, "profile", m->profile);
  cJSON_AddNumberToObject(report, "seed", (double)m->seed);
  cJSON_AddStringToObject(report, "filter", m->filter ? m->filter : "*");
  cJSON *sum = cJSON_AddObjectToObject(report, "summary");
  cJSON_AddNumberToObject(sum, "requirements", (double)r->n_reqs);
  cJSON_AddNumberToObject(sum, "cases", (double)r->n_cases);
  static const hstatus summed[] = {HSTATUS_PASS, HSTATUS_FAIL, HSTATUS_WARN, HSTATUS_SKIP,
                                   HSTATUS_ERROR};
  for (size_t k = 0; k < sizeof summed / sizeof summed[0]; k++)
    cJSON_AddNumberToObject(sum, hstatus_name(summed[k]), (double)r->counts[summed[k]]);
  cJSON_AddItemToObject(report, "requirements", r->requirements);
  cJSON_AddItemToObject(report, "cases", r->cases);
  cJSON_AddItemToObject(report, "created_resources", r->created);
  r->requirements = r->cases = r->created = NULL;
  if (explore)
    cJSON_AddItemToObject(report, "explore", explore);
  if (m->n_tokens > 1) {
    cJSON *mx = cJSON_AddArrayToObject(report, "token_matrix");
    for (size_t li = 0; li < m->n_tokens && li < HMODEL_MAX_TOKENS; li++) {
      cJSON *x = cJSON_CreateObject();
      cJSON_AddStringToObject(x, "label", m->tokens[li].label);
      cJSON_AddStringToObject(x, "status", hstatus_name(r->tokens[li].worst));
      cJSON_AddNumberToObject(x, "cases", (double)r->tokens[li].cases);
      cJSON_AddNumberToObject(x, "fail", (double)r->tokens[li].fails);
      cJSON_AddItemToArray(mx, x);
    }
  }
  return report;
}
