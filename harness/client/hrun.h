/* hrun: runs one catalogue case against a target and produces its result.
 *
 * Used by the conformance suites (conformance/, one Criterion test per case)
 * and by `apiharness replay`.  It materializes the body (the name placeholder
 * becomes "apiharness-<run id>-<case id>"), sends it with hclient (the same
 * handle for every case of the process: keep-alive), judges the response with
 * hjudge, and builds the case's entry of compliance.json:
 *   {"id", "requirement", "class", "title", "status", "detail", "checks": [...],
 *    "evidence": {...} (fail/warn only; secrets redacted), "created": [{"id","name","label"}],
 *    "server": "<Server header>", "label": "<token label>"}
 * The bearer token and the token values of 201 bodies never appear in it: the
 * evidence shows "Bearer <redacted>", the curl reproducer references the
 * token's environment variable ("$HARNESS_TOKEN"), 201 token values are cut
 * to a 4-character prefix.
 *
 * Authentication (hcases_auth): the variants derived from the token are
 * computed here and count as secrets; a variant that needs a token when none
 * is configured, "token-case" on a token without letters and
 * "token-truncated" on a one-character token are skipped with the reason.
 * Reproducers rebuild each variant from the environment variable with a
 * POSIX shell expression ("${HARNESS_TOKEN%?}..."), never from its value.
 * "headers" are sent as given (a name with ':', space, CR or LF, or a value
 * with CR or LF, makes the case malformed: hrun_case returns NULL with err).
 *
 * Sequences ("sequence"): the steps are sent in order on ONE fresh connection
 * with the raw client hconn (http://; https:// falls back to libcurl and says
 * so in "note").  Each step is judged like a lone request, its checks named
 * "step<k>:<check>" (k from 1), plus "step<k>:framing" (requirement
 * HRUN_REQ_FRAMING: the response parsed and nothing came after it unasked)
 * and, for HEAD, "head-no-body" (HRUN_REQ_HEAD_NO_BODY) when the judge did
 * not check it itself.  Two creates of one sequence must be distinct
 * ("step<a>+<b>:distinct-creates").  The result adds
 *   "steps": [{"status", "detail", "checks", "evidence": {"connection": {
 *              "client", "reused", "new_connection", "server_closed",
 *              "connection_close", "framing", "note"}, "request"/"response"
 *              (fail/warn only)}}]
 * and its evidence (fail/warn) shows the first failing step ("step": k) with a
 * reproducer of the whole sequence on one connection
 * ("{ printf '...' "$VAR"; sleep 1; ...; } | nc HOST PORT").  A lone HEAD
 * request also goes through the raw client, so a body after it is seen.
 * "echo_body" (when present) is the JSON the 201 echo is judged against.
 *
 * Every string derived from the peer (header values, check messages, detail,
 * created ids, excerpts, errors) passes through hsanitize with the case's
 * secrets; evidence keeps at most HRUN_MAX_HEADERS response headers and
 * HRUN_MAX_HEADER_BYTES of them ("headers_omitted" counts the rest) and
 * HRUN_EXCERPT_MAX bytes of each body.
 *
 * Rate limit: when rate_file is set, every request first takes an exclusive
 * lock on that file and waits until 1/rate_per_s seconds have passed since the
 * last request of ANY process sharing the file (the file holds the time). */
#ifndef HRUN_H
#define HRUN_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "cases/hcases.h"
#include "client/hclient.h"
#include "judge/hjudge.h"

#define HRUN_WRONG_TOKEN "apiharness-wrong-token-0000"
#define HRUN_REQ_FRAMING "http.keep-alive-framing" /* RFC 9112 6.3, 9.3 */
#define HRUN_REQ_HEAD_NO_BODY "http.head-no-body"  /* RFC 9110 9.3.2 */
#define HRUN_MAX_HEADERS 100                       /* response headers kept per evidence */
#define HRUN_MAX_HEADER_BYTES ((size_t)16 << 10)   /* and their bytes */
#define HRUN_EXCERPT_MAX 2048
#define HRUN_NAME_PREFIX "apiharness-"

typedef struct {
  const char *base_url;  /* "http://127.0.0.1:8080" (no trailing slash needed) */
  const char *path;      /* the operation's path; NULL: HRULES_PATH */
  const char *bearer;    /* token value, NULL when none is configured */
  const char *token_env; /* name of the variable holding it, for reproducers */
  const char *label;     /* token label ("default") */
  const char *run_id;
  hjudge_profile profile;
  hclient_options client;
  const char *rate_file; /* NULL: no rate limit */
  double rate_per_s;
} hrun_config;

/* Runs case c (skip_reason non-NULL: not sent, reported as skipped).  Returns
 * the result object (cJSON_Delete), NULL when out of memory or the case's body
 * description is malformed (*err filled, HCASES_MSG_MAX). */
cJSON *hrun_case(CURL *h, hjudge *judge, const hrun_config *cfg, const hcases_case *c,
                 const char *skip_reason, char *err) __attribute__((warn_unused_result));

/* The longest a case can take with this per-request timeout, in ms: every
 * request (each step of a sequence, each repeat) may use the whole timeout,
 * plus the quiet window after each raw exchange.  For the runners' watchdogs
 * (certify's per-case alarm).  Rate-limit waits are not included. */
long hrun_case_budget_ms(const hcases_case *c, long timeout_ms);

/* The token name the runner gives the case's created token. */
void hrun_token_name(const hrun_config *cfg, const char *case_id, char *buf, size_t cap);

/* The plan certify writes for a run (JSON, no secrets):
 *   {"catalogue": path, "spec": path, "base_url", "profile", "timeout_ms",
 *    "max_body", "run_id", "results_dir", "rate_file", "rate_per_s", "cacert",
 *    "insecure", "entries": [{"case": id, "label": l, "token_env": VAR|absent,
 *    "skip": reason|absent}]}
 * hrun_entry runs entry `index` of the plan (the bearer token is read from the
 * environment variable the entry names) and writes its result to
 * <results_dir>/<index>.json (temporary file + rename).  It loads nothing:
 * rules and catalogue come from the caller.  Returns 0, or -1 with err
 * (HCASES_MSG_MAX) filled.  Used by the forked runner of certify and by the
 * Criterion suites (one call per test process). */
int hrun_entry(const cJSON *plan, size_t index, const hrules *rules, const cJSON *catalogue,
               char *err);

/* A one-line human rendering of a result's checks for the terminal (replay):
 * writes to out. */
void hrun_print(FILE *out, const cJSON *result);

#endif
