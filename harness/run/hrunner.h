/* hrunner: runs the plan's cases and explore phase through the Criterion
 * conformance suites (conformance/conformance.c), and the small file helpers
 * the run needs - below the CLI.
 *
 * The suites run the plan entries in batches (a Criterion test per batch,
 * hrunner_batch_size entries each) and the explore phase as a test of its
 * own, `jobs` tests at a time.  Each batch appends its entries' start and
 * result records to its journal, <work>/b<first>.jnl (run/hjournal.h), which
 * the runner reads as it grows.  An entry that started and has no result
 * crashed or overran its watchdog: it is reported as an error
 * (hrunner_result).  The entries a crashing batch never started
 * run again, one per test, so one crash costs no other case its verdict.
 * Criterion's own JUnit goes to <report_dir>/criterion.xml (criterion-N.xml
 * for the rerun rounds). */
#ifndef HRUNNER_H
#define HRUNNER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "cases/hcases.h"
#include "run/hjournal.h"

/* One batch's journal and how many of its entries have their result. */
typedef struct {
  hjournal_reader r;
  size_t count, got;
} hrunner_journal;

/* The entries' results, each parsed once as the journals are read;
 * hmodel_collect takes them (hrunner_result). */
typedef struct {
  const char *work;     /* the journals' directory */
  cJSON **items;        /* n slots, NULL: no result (yet, or taken) */
  unsigned char *state; /* n slots: 0 not started, 1 started, 2 has a result */
  size_t n;
  hrunner_journal *journals; /* one per batch the suites were given */
  size_t n_journals, cap_journals;
  size_t done, failures; /* results read, and how many of them fail */
} hrunner_results;

/* 0, or -1 when out of memory. */
int hrunner_results_init(hrunner_results *r, const char *work, size_t n);
void hrunner_results_free(hrunner_results *r);

typedef struct {
  const char *bin;        /* the conformance binary (cli_conformance_binary) */
  const char *plan_path;  /* the plan (client/hrun.h), with "watchdog_ms" and maybe "explore" */
  const char *work;       /* the results directory the plan names */
  const char *report_dir; /* criterion.xml goes here */
  size_t n_entries;
  int jobs;
  long budget_ms;           /* the whole run's safety net: past it the suites are killed */
  int explore;              /* the plan has an explore phase (results in <work>/explore.json) */
  hrunner_results *results; /* filled as the results arrive (work and n as above) */
} hrunner_config;

/* The runner polls hstop_requested() (run/hstop.h): on SIGINT/SIGTERM it
 * kills the suites (entries without a result: not run) and returns 1.
 * 0 when the suites ran (whatever their verdicts; also when they overran the
 * budget: the entries left have no result), -1 when they could not start. */
int hrunner_suites(const hrunner_config *rc);

/* Entries per batch: $APIHARNESS_BATCH when set (1 gives one Criterion test
 * per case; bench/certify/run measures that), else about three batches per
 * job. */
size_t hrunner_batch_size(size_t n_entries, int jobs);

/* 1 when plan entry `index` has a result (kept, or already taken). */
int hrunner_has_result(const hrunner_results *rs, size_t index);

/* The result of plan entry `index` (taken from rs), or, when the entry's process wrote none (crash,
 * killed at its deadline, or never started), an "error" result for case c saying which.  With
 * relabel the id becomes "<case id>@<label>" (further token labels).  NULL when out of memory. */
cJSON *hrunner_result(hrunner_results *rs, size_t index, const hcases_case *c, const char *case_id,
                      const char *label, int relabel) __attribute__((warn_unused_result));

/* mkdir -p; 0 or -1 (errno set). */
int hrunner_mkdirs(const char *path);
/* Writes json (pretty or compact) atomically into the run's scratch directory (not
 * synced: whole or absent, not durable); 0, or -1 with a message on stderr. */
int hrunner_write_json(const char *path, const cJSON *json, int pretty);
/* Reads and parses a JSON file (at most 64 MiB); NULL when absent or not JSON. */
cJSON *hrunner_read_json(const char *path);
/* Removes a directory and the files in it (one level). */
void hrunner_remove_tree(const char *dir);

#endif
