/* hplan: the plan of a certification run - below the CLI.
 *
 * The plan is the JSON document the case processes read (hrun_entry, and the
 * Criterion suites through APIHARNESS_PLAN): the target, profile, timeouts,
 * rate limit, TLS options and one entry per case and token label.  It holds no
 * secret: an entry names the environment variable its token comes from.
 *
 * Selection: --filter is a glob (fnmatch) matched against a case's id, its
 * requirement id and its class, so 'http.*', 'schema.request.*' and
 * 'negative-body' all select cases.  Further token labels get the positive
 * (creating) cases only.  With --max-creates N, creating cases past N creates
 * are kept in the plan with a "skip" reason (reported as skip, never sent).
 * The counts say what a partial run left out. */
#ifndef HPLAN_H
#define HPLAN_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "cases/hcases.h"
#include "client/hrun.h"

#define HPLAN_MSG_MAX 512

typedef struct {
  const char *label; /* "default", or the LABEL of --token-env LABEL=VAR */
  const char *env;   /* the variable the token comes from */
  const char *value; /* NULL: not set (no Authorization header) */
} hplan_token;

/* The explore phase, run by the suites' explore test (hexplore_config: the
 * target, profile, client, rate, headers and redact pointers are the
 * plan's). */
typedef struct {
  long budget;
  unsigned long seed;
  long max_ms;      /* 0: no limit */
  long max_creates; /* -1: unlimited */
  int list_created;
  const char *report_dir;
  const char *token_env; /* the default token's variable (NULL: no token) */
} hplan_explore;

typedef struct {
  const cJSON *cat;           /* the catalogue */
  const hcases_index *ix;     /* and its index */
  const char *catalogue_path; /* where the catalogue was written (for the suites) */
  const char *spec_path;
  const char *base_url;
  const char *profile;
  long timeout_ms;
  const char *run_id;
  const char *work;   /* the results directory (the batch journals, run/hjournal.h) */
  double rate_per_s;  /* 0: unlimited */
  const char *cacert; /* NULL: none; made absolute */
  int insecure;
  const char *filter; /* NULL or "*": every case */
  const hplan_token *tokens;
  size_t n_tokens;
  long max_creates;          /* -1: unlimited */
  const char *const *redact; /* --redact pointers ("redact" in the plan; no values) */
  size_t n_redact;
  const hrun_header *headers; /* --header: a literal value is written, an env one by name */
  size_t n_headers;
  long watchdog_ms;             /* a case running longer ends its test process (0: none) */
  const hplan_explore *explore; /* NULL: no explore phase */
} hplan_config;

typedef struct {
  size_t total;           /* entries of the whole plan (no filter) */
  size_t entries;         /* entries selected by the filter */
  size_t skipped_creates; /* of those, skipped by --max-creates */
  long creates;           /* creates the selected entries will make */
} hplan_counts;

/* 1 when case c is selected by filter (its id, requirement id or class). */
int hplan_match(const char *filter, const hcases_case *c);

/* Counts only (no plan): what cfg would select. */
void hplan_count(const hplan_config *cfg, hplan_counts *out);

/* The plan document, with its counts; NULL with err filled (HPLAN_MSG_MAX)
 * when --cacert cannot be resolved or out of memory. */
cJSON *hplan_new(const hplan_config *cfg, hplan_counts *out, char *err)
    __attribute__((warn_unused_result));

#endif
