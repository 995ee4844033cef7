/* hmodel: the in-memory report model of a certification run (compliance.json
 * "apiharness-compliance/1" before the report layer adds findings and
 * coverage) - below the CLI.
 *
 * hmodel_collect takes the plan entries' results the runner kept
 * (run/hrunner.h: hrunner_results; an entry without a result is "error", or,
 * in an interrupted run, not run and left out), folds every case and the explore section into the
 * requirements (hagg) and lists the created resources (the preflight's
 * first).  hmodel_build assembles the report:
 *   verdict      "compliant" / "non-compliant", or "incomplete" when the run
 *                was interrupted ("interrupted": true, "cases_not_run": N);
 *   partial      true when the filter or --max-creates left cases out, with
 *                "left_out": {"filter", "cases_left_out", "skipped_by_max_creates"}. */
#ifndef HMODEL_H
#define HMODEL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

#include "rules/hstatus.h"
#include "run/hplan.h"
#include "run/hrunner.h"
#include "spec/hspec.h"

#define HMODEL_MAX_TOKENS 8

typedef struct {
  cJSON *cases;   /* the case results shown */
  cJSON *created; /* created_resources */
  cJSON *requirements;
  int any_fail;
  size_t n_reqs;
  size_t counts[HSTATUS_COUNT]; /* cases by status (anything unreadable: error) */
  size_t n_cases;               /* results collected */
  size_t not_run;               /* interrupted: entries without a result */
  char server[256];             /* the first Server header seen ("" none) */
  struct {
    size_t cases, fails;
    hstatus worst; /* skip when none ran; a case that could not run: fail */
  } tokens[HMODEL_MAX_TOKENS];
} hmodel_results;

/* Reads the results; explore (may be NULL) is folded and its "created" moved
 * to the list; preflight_created (may be NULL) is copied first.  0, or -1
 * when out of memory.  Free with hmodel_results_free. */
int hmodel_collect(const cJSON *cat, const hcases_index *ix, const cJSON *plan,
                   hrunner_results *results, const hplan_token *tokens, size_t n_tokens,
                   int interrupted, cJSON *explore, const cJSON *preflight_created,
                   hmodel_results *out);
void hmodel_results_free(hmodel_results *r);

typedef struct {
  const char *run_id;
  time_t started, finished;
  long long duration_ms;
  const hspec *spec;
  const char *spec_path;
  const char *base_url;
  int embedded_mock;
  const char *const *faults;
  size_t n_faults;
  const char *profile;
  unsigned long seed;
  const char *filter;
  const hplan_token *tokens;
  size_t n_tokens;
  const hplan_counts *counts;
  int interrupted;
  const char *preflight_warning; /* NULL: none */
} hmodel_meta;

/* The report; takes r's cases, created and requirements (and explore).  NULL
 * when out of memory. */
cJSON *hmodel_build(const hmodel_meta *m, hmodel_results *r, cJSON *explore)
    __attribute__((warn_unused_result));

/* 1 when the run left cases out (filter or --max-creates). */
int hmodel_is_partial(const hplan_counts *c);

#endif
