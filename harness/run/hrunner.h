/* hrunner: runs the catalogue entries of a plan and the small file helpers the
 * run needs - below the CLI.
 *
 *  - hrunner_forked: every plan entry in its own child process forked from the
 *    caller (spec, rules and catalogue already loaded), `jobs` at a time, each
 *    killed when it overruns its deadline (no result file -> "error").
 *  - hrunner_suites: the Criterion conformance binary (one test per case) with
 *    APIHARNESS_PLAN pointing at the plan; its JUnit output goes to
 *    <report_dir>/criterion.xml.
 * Both print a progress line on stderr and read each entry's result from
 * <work>/<index>.json (written by hrun_entry). */
#ifndef HRUNNER_H
#define HRUNNER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "cases/hcases.h"
#include "explore/hexplore.h"
#include "rules/hrules.h"

/* The conformance binary: $APIHARNESS_CONFORMANCE, else
 * <dir of /proc/self/exe>/conformance/apiharness-conformance.  1 when it is
 * executable (the path is in buf either way). */
int hrunner_conformance_binary(char *buf, size_t cap);

/* Both runners poll hstop_requested() (run/hstop.h): on SIGINT/SIGTERM they
 * stop scheduling, kill the running case processes (their entries get no
 * result file: not run) and return 1. */

/* 0 when the suites ran (whatever their verdicts), 1 when interrupted, -1
 * when they could not start. */
int hrunner_suites(const char *bin, const char *plan_path, const char *work, const char *report_dir,
                   size_t n_entries, int jobs, long budget_ms);

/* 0, 1 when interrupted, or -1 when no child could be forked. */
int hrunner_forked(const cJSON *plan, const hrules *rules, const cJSON *cat, const char *work,
                   size_t n_entries, int jobs, long per_case_ms);

/* The explore phase in a child process (so that SIGINT/SIGTERM can stop it at
 * once): the section hexplore_run returns, read back from <work>/explore.json.
 * NULL with err filled (HEXPLORE_MSG_MAX) when explore could not start, and
 * NULL with *interrupted set when a stop was requested (the child is killed). */
cJSON *hrunner_explore(const hrules *rules, const hexplore_config *cfg, const char *work,
                       int *interrupted, char *err) __attribute__((warn_unused_result));

/* 1 when plan entry `index` wrote its result file (<work>/<index>.json). */
int hrunner_has_result(const char *work, size_t index);

/* The result of plan entry `index` (<work>/<index>.json), or, when the entry's
 * process wrote none (crash, killed at its deadline), an "error" result for
 * case c.  With relabel the id becomes "<case id>@<label>" (further token
 * labels).  NULL when out of memory. */
cJSON *hrunner_result(const char *work, size_t index, const hcases_case *c, const char *case_id,
                      const char *label, int relabel) __attribute__((warn_unused_result));

/* mkdir -p; 0 or -1 (errno set). */
int hrunner_mkdirs(const char *path);
/* Writes json (pretty or compact) atomically; 0, or -1 with a message on stderr. */
int hrunner_write_json(const char *path, const cJSON *json, int pretty);
/* Reads and parses a JSON file (at most 64 MiB); NULL when absent or not JSON. */
cJSON *hrunner_read_json(const char *path);
/* Removes a directory and the files in it (one level). */
void hrunner_remove_tree(const char *dir);
/* Monotonic milliseconds. */
long long hrunner_mono_ms(void);

#endif
