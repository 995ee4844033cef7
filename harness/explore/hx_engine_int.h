/* Internal to the explore engine (hx_engine.c: generate, send, judge, keep
 * and shrink the failures; hx_case.c: write each kept failure as a replayable
 * case file): the engine's state, a kept failure, and the per-exchange
 * secrets (the run's secrets plus the values the --redact pointers name in
 * the exchange's bodies). */
#ifndef HX_ENGINE_INT_H
#define HX_ENGINE_INT_H

#include "explore/hx_internal.h"

#define MAX_REQS 256
#define STOP_TIMEOUTS 3
#define STOP_UNREACHABLE 5

typedef struct {
  char id[HREQ_ID_MAX];
  int rank; /* hstatus */
  long fail, warn;
} req_tally;

typedef struct {
  char check[HJUDGE_NAME_MAX];
  char requirement[HREQ_ID_MAX];
  char message[HJUDGE_MSG_MAX];
  char ct[192];
  char *body;
  size_t len, original;
  long index, count, shrink_requests;
  int shrinkable;
  int pair;                /* the failure needs the body sent twice (distinct creates) */
  cJSON *evidence;         /* request and response of the kept body */
  cJSON *evidence_pending; /* of the last candidate that failed the same way */
} failure;

typedef struct {
  const hexplore_config *cfg;
  const hrules *rules;
  hexplore_gen *gen;
  hexplore_oracle *oracle;
  hjudge *judge;
  hjson_doc *doc;
  CURL *h;
  char url[2048];
  long sent, shrink_sent, not_sent, creates, connections, pairs;
  long by_kind[3];
  long out_201, out_400, out_4xx, out_5xx, out_timeout, out_transport, out_other;
  long verdicts[4];
  req_tally reqs[MAX_REQS];
  size_t n_reqs;
  failure fails[HEXPLORE_MAX_FAILURES];
  size_t n_fails;
  cJSON *created;
  double next_send;
  int consecutive_timeouts, consecutive_unreachable;
  const char *stopped;
  char stop_buf[96];
  int want_evidence;                 /* build evidence even for a passing answer */
  char *lines[HRUN_MAX_RUN_HEADERS]; /* "Name: value" of the run's headers (cfg->headers) */
  size_t n_lines;
  const char *secrets[1 + HRUN_MAX_RUN_HEADERS]; /* the run's: bearer, env header values */
  size_t n_secrets;
} engine;

/* ---- secrets ----
 * The run's (the bearer, the values of --header headers taken from the
 * environment) and, per exchange, the values the --redact pointers name in
 * the request body sent and in the response body received (hrun's policy,
 * hrun_redact_values).  Every string kept from an exchange passes hsanitize
 * with both. */

#define XS_MAX_VALUES (2 * HRUN_MAX_REDACT_VALUES)

typedef struct {
  const char *list[1 + HRUN_MAX_RUN_HEADERS + XS_MAX_VALUES];
  size_t n;
  char *vals[XS_MAX_VALUES]; /* owned: the --redact values */
  size_t nv;
} xsecrets;

void hx_xs_init(const engine *e, xsecrets *x);
void hx_xs_body(const engine *e, xsecrets *x, const char *body, size_t len);
void hx_xs_free(xsecrets *x);
/* Appends ["name", "value"] to arr. */
void hx_add_pair(cJSON *arr, const char *name, const char *value);

/* Writes failure n (f) under <report_dir>/explore/ as a case file (.json)
 * and its raw body (.body), and adds "case_file", "body_file" and "curl" to
 * the report entry (hx_case.c). */
void hx_write_case(engine *e, failure *f, size_t n, cJSON *entry);

#endif
