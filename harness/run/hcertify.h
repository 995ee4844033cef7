/* hcertify: the certification run - below the CLI.
 *
 * hcertify_run does what `apiharness certify` does between parsing its options
 * and printing the verdict: load the spec and the rules, generate the
 * catalogue, start the target (the embedded mock in its own process, or the
 * preflight against --base-url, run/hpreflight.h), select the plan
 * (run/hplan.h), run the cases (run/hrunner.h) and the explore phase, collect
 * the results into the report model (run/hmodel.h) and write the report
 * (report/hreport.h), moving reports/latest only after a complete,
 * uninterrupted run.  From the moment the work directory exists, SIGINT and
 * SIGTERM stop the run (run/hstop.h): the cases that finished are reported
 * with "interrupted": true and verdict "incomplete"; when none finished no
 * report is written.  The verdict goes through the gate (run/hwaivers.h):
 * waivers (the run's start date is "today") and --fail-on.  Errors are printed on stderr, one line
 * each. */
#ifndef HCERTIFY_H
#define HCERTIFY_H

#include <cjson/cJSON.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "run/hmodel.h"
#include "run/hplan.h"
#include "run/hwaivers.h"

#define HCERTIFY_EXIT_OK 0
#define HCERTIFY_EXIT_FAIL 1
#define HCERTIFY_EXIT_ERROR 2
#define HCERTIFY_EXIT_INTERRUPTED 130

typedef struct {
  const char *base_url; /* checked (htarget_check_url); NULL: the embedded mock */
  const char *spec_path;
  const char *report_dir; /* NULL: reports/<UTC time>/ and reports/latest */
  const char *profile_name;
  const char *filter; /* "*": every case */
  const char *cacert;
  long timeout_ms;
  unsigned long seed;
  double rate;      /* requests per second, 0: unlimited */
  long max_creates; /* -1: unlimited */
  int insecure, jobs;
  const char *conformance_bin; /* the Criterion suites' binary (checked by the caller) */
  int no_preflight;
  long explore; /* -1: the target's default */
  const char *summary_md, *sarif;
  const char *const *faults; /* mock faults (embedded mock only) */
  size_t n_faults;
  hplan_token labels[HMODEL_MAX_TOKENS]; /* labels[0]: the default token */
  size_t n_labels;
  const char *const *redact; /* --redact JSON pointers (checked by hrun_pointer_check) */
  size_t n_redact;
  const hrun_header *headers; /* --header (env values resolved; they are secrets) */
  size_t n_headers;
  int fail_on_warn;        /* --fail-on warn: a warning requirement fails the verdict */
  const hwaivers *waivers; /* --waivers FILE (loaded), or NULL */
} hcertify_config;

typedef struct {
  int exit_code; /* HCERTIFY_EXIT_* */
  cJSON *report; /* the report written, or NULL */
  char report_dir[PATH_MAX];
  hplan_counts counts; /* what the plan selected and left out */
  int interrupted, any_fail;
  size_t n_reqs, n_cases, not_run, n_entries;
  long long duration_ms;
} hcertify_result;

/* Runs the certification; returns out->exit_code.  Free with
 * hcertify_result_free. */
int hcertify_run(const hcertify_config *o, hcertify_result *out);
void hcertify_result_free(hcertify_result *r);

/* What certify prints after the run (hcertify_print.c): the cases by class
 * and status, the findings (at most 15), the explore phase, the waivers, the
 * tokens created and the verdict line, e.g.
 *   verdict: COMPLIANT (87 requirements, 505 cases, 2.0 s)
 *   verdict: COMPLIANT (PARTIAL: 13 of 505 cases, --filter 'http.*') - ...
 *   verdict: INCOMPLETE (interrupted: 120 of 505 cases ran; ...)
 * then "report: DIR/compliance.html".  Nothing when the run wrote no report.
 * Peer strings are redacted and escaped where they are read (the report). */
void hcertify_print(FILE *out, const hcertify_config *c, const hcertify_result *r);

#endif
