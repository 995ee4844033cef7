/* hplan: the plan of a certification run.  See hplan.h. */
/* paths are cut to their fixed buffers on purpose */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include "run/hplan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hplan_match(const char *filter, const hcases_case *c) {
  if (!filter || !strcmp(filter, "*"))
    return 1;
  return hcases_match(filter, c->id) || (c->requirement && hcases_match(filter, c->requirement)) ||
         (c->klass && hcases_match(filter, c->klass));
}

/* Walks the plan's entries; entries (may be NULL) receives them. */
static int walk(const hplan_config *cfg, cJSON *entries, hplan_counts *out) {
  memset(out, 0, sizeof *out);
  herr ce;
  size_t n = hcases_index_count(cfg->ix);
  for (size_t li = 0; li < cfg->n_tokens; li++) {
    for (size_t i = 0; i < n; i++) {
      hcases_case c;
      if (hcases_index_at(cfg->ix, i, &c, &ce) != 0)
        continue;
      if (li > 0 && !c.creates)
        continue; /* further labels: the positive cases only */
      out->total++;
      if (!hplan_match(cfg->filter, &c))
        continue;
      out->entries++;
      const char *skip = NULL;
      if (c.creates && !c.skip && cfg->max_creates >= 0) {
        if (out->creates + c.repeat > cfg->max_creates) {
          skip = "--max-creates reached: not sent";
          out->skipped_creates++;
        } else {
          out->creates += c.repeat;
        }
      } else if (c.creates && !c.skip) {
        out->creates += c.repeat;
      }
      if (!entries)
        continue;
      cJSON *e = cJSON_CreateObject();
      if (!e || !cJSON_AddStringToObject(e, "case", c.id) ||
          !cJSON_AddStringToObject(e, "label", cfg->tokens[li].label) ||
          (cfg->tokens[li].value &&
           !cJSON_AddStringToObject(e, "token_env", cfg->tokens[li].env)) ||
          (skip && !cJSON_AddStringToObject(e, "skip", skip))) {
        cJSON_Delete(e);
        return -1;
      }
      cJSON_AddItemToArray(entries, e);
    }
  }
  return 0;
}

void hplan_count(const hplan_config *cfg, hplan_counts *out) { walk(cfg, NULL, out); }

cJSON *hplan_new(const hplan_config *cfg, hplan_counts *out, char *err) {
  cJSON *plan = cJSON_CreateObject();
  if (!plan) {
    snprintf(err, HPLAN_MSG_MAX, "out of memory");
    return NULL;
  }
  char spec_abs[PATH_MAX];
  if (!cfg->spec_path || !realpath(cfg->spec_path, spec_abs))
    snprintf(spec_abs, sizeof spec_abs, "%s", cfg->spec_path ? cfg->spec_path : "");
  cJSON_AddStringToObject(plan, "catalogue", cfg->catalogue_path ? cfg->catalogue_path : "");
  cJSON_AddStringToObject(plan, "spec", spec_abs);
  cJSON_AddStringToObject(plan, "base_url", cfg->base_url);
  cJSON_AddStringToObject(plan, "profile", cfg->profile);
  cJSON_AddNumberToObject(plan, "timeout_ms", (double)cfg->timeout_ms);
  cJSON_AddStringToObject(plan, "run_id", cfg->run_id);
  cJSON_AddStringToObject(plan, "results_dir", cfg->work);
  if (cfg->rate_per_s > 0) {
    char rf[PATH_MAX];
    snprintf(rf, sizeof rf, "%s/rate", cfg->work);
    cJSON_AddStringToObject(plan, "rate_file", rf);
    cJSON_AddNumberToObject(plan, "rate_per_s", cfg->rate_per_s);
  }
  if (cfg->cacert) {
    char ca[PATH_MAX];
    if (!realpath(cfg->cacert, ca)) {
      snprintf(err, HPLAN_MSG_MAX, "--cacert %s: %s", cfg->cacert, strerror(errno));
      cJSON_Delete(plan);
      return NULL;
    }
    cJSON_AddStringToObject(plan, "cacert", ca);
  }
  if (cfg->insecure)
    cJSON_AddTrueToObject(plan, "insecure");
  if (cfg->n_headers) {
    cJSON *hd = cJSON_AddArrayToObject(plan, "headers");
    for (size_t i = 0; hd && i < cfg->n_headers; i++) {
      cJSON *h = cJSON_CreateObject();
      cJSON_AddStringToObject(h, "name", cfg->headers[i].name);
      if (cfg->headers[i].env) /* the child reads the variable: no secret in the plan */
        cJSON_AddStringToObject(h, "env", cfg->headers[i].env);
      else
        cJSON_AddStringToObject(h, "value", cfg->headers[i].value);
      cJSON_AddItemToArray(hd, h);
    }
  }
  if (cfg->n_redact) {
    cJSON *rd = cJSON_AddArrayToObject(plan, "redact");
    for (size_t i = 0; rd && i < cfg->n_redact; i++)
      cJSON_AddItemToArray(rd, cJSON_CreateString(cfg->redact[i]));
  }
  if (cfg->watchdog_ms > 0)
    cJSON_AddNumberToObject(plan, "watchdog_ms", (double)cfg->watchdog_ms);
  if (cfg->explore) {
    const hplan_explore *x = cfg->explore;
    cJSON *xo = cJSON_AddObjectToObject(plan, "explore");
    char seed[32]; /* as text: a double would round seeds past 2^53 */
    snprintf(seed, sizeof seed, "%lu", x->seed);
    if (!xo || !cJSON_AddNumberToObject(xo, "budget", (double)x->budget) ||
        !cJSON_AddStringToObject(xo, "seed", seed) ||
        !cJSON_AddNumberToObject(xo, "max_ms", (double)x->max_ms) ||
        !cJSON_AddNumberToObject(xo, "max_creates", (double)x->max_creates) ||
        !cJSON_AddBoolToObject(xo, "list_created", x->list_created) ||
        (x->report_dir && !cJSON_AddStringToObject(xo, "report_dir", x->report_dir)) ||
        (x->token_env && !cJSON_AddStringToObject(xo, "token_env", x->token_env))) {
      snprintf(err, HPLAN_MSG_MAX, "out of memory");
      cJSON_Delete(plan);
      return NULL;
    }
  }
  cJSON *entries = cJSON_AddArrayToObject(plan, "entries");
  if (!entries || walk(cfg, entries, out) != 0) {
    snprintf(err, HPLAN_MSG_MAX, "out of memory");
    cJSON_Delete(plan);
    return NULL;
  }
  return plan;
}
