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
 * HREQ_KEEP_ALIVE_FRAMING: the response parsed and nothing came after it unasked)
 * and, for HEAD, "head-no-body" (HREQ_HEAD_NO_BODY) when the judge did
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
 * Redaction (--redact JSON-POINTER): for each pointer in cfg->redact, the
 * value it names in the request body and in every response body the case
 * receives (when they parse as JSON) becomes a secret of the case: a string
 * value as it is, a number as its JSON text, an object or array by each such
 * leaf (true, false and null are never secrets).  Like every secret it is
 * redacted from every string of the result, in raw, JSON-escaped and
 * percent-encoded form; a value shorter than HSANITIZE_MIN_SECRET bytes is
 * not (it would shred the text).  A created token whose id is redacted is
 * listed with id "<redacted>" and the name the run gave it.
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
#include "json/hjson.h"

#define HRUN_WRONG_TOKEN "apiharness-wrong-token-0000"
#define HRUN_MAX_HEADERS 100                     /* response headers kept per evidence */
#define HRUN_MAX_HEADER_BYTES ((size_t)16 << 10) /* and their bytes */
#define HRUN_EXCERPT_MAX 2048
#define HRUN_NAME_PREFIX "apiharness-"
#define HRUN_MAX_REDACT 32        /* --redact pointers per run */
#define HRUN_MAX_REDACT_VALUES 64 /* values they name, kept per case */
#define HRUN_POINTER_MAX 1024     /* bytes of one --redact pointer */
#define HRUN_MAX_RUN_HEADERS 16   /* --header per run */
#define HRUN_HEADER_NAME_MAX 128

/* A run-level request header (--header): sent with every request of the run
 * after the case's own headers, unless the case sets a header of that name
 * itself.  With env set the value came from that environment variable: it is
 * a secret (redacted from every result; reproducers write "${VAR}"). */
typedef struct {
  const char *name;
  const char *value;
  const char *env; /* NULL: a literal value */
} hrun_header;

/* --header 'Name: value' as given on the command line: name (a token of
 * RFC 9110 letters, digits and !#$%&'*+-.^_`|~), then ':', the value without
 * surrounding spaces and tabs (no CR, LF or other control byte but tab).  A
 * value of exactly "$ENV{VAR}" names an environment variable (VAR: letters,
 * digits, '_', not starting with a digit).  Names the harness sets per case
 * (Authorization, Content-Type, Content-Length, Transfer-Encoding, Host,
 * Connection, Expect) are refused. */
typedef struct {
  char name[HRUN_HEADER_NAME_MAX];
  char env[HRUN_HEADER_NAME_MAX]; /* "" for a literal value */
  char value[4096];               /* the literal value ("" with env) */
} hrun_header_arg;

/* 1, or 0 with a static reason in *why. */
int hrun_header_parse(const char *arg, hrun_header_arg *out, const char **why);

/* --header as a run sends it: parses arg into *store (hrun_header_parse) and
 * points *out at it; a $ENV{VAR} value is read from the environment and must
 * be set, not empty, without CR/LF, at most 4095 bytes and at least
 * HSANITIZE_MIN_SECRET bytes (shorter cannot be redacted reliably).  1, or 0
 * with a one-line message in msg ("--header X-Key: the variable K is not set
 * or empty"; it names the header, never its value). */
int hrun_header_resolve(const char *arg, hrun_header_arg *store, hrun_header *out, char *msg,
                        size_t cap);

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
  const char *const *redact; /* RFC 6901 pointers (--redact), checked by hrun_pointer_check */
  size_t n_redact;
  const hrun_header *headers; /* run-level headers (--header) */
  size_t n_headers;
} hrun_config;

/* Checks a --redact pointer: non-empty, starts with '/', every '~' followed by
 * 0 or 1, no control byte, at most HRUN_POINTER_MAX bytes.  Returns 1, or 0
 * with a static reason in *why. */
int hrun_pointer_check(const char *pointer, const char **why);

/* The values the pointers name in body[0..len) when it parses as JSON (the
 * leaves described under "Redaction" above): malloc'd copies appended to
 * out[n..cap), skipping those already there; returns the new count.  For the
 * callers that keep their own secrets (preflight). */
size_t hrun_redact_values(const char *const *pointers, size_t n_pointers, const char *body,
                          size_t len, char **out, size_t cap, size_t n);

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
 *    "insecure", "redact": [pointer, ...] (absent: none),
 *    "headers": [{"name", "value"} | {"name", "env": VAR}] (absent: none; an
 *    env header's value is read by hrun_entry, never written to the plan),
 *    "entries": [{"case": id, "label": l, "token_env": VAR|absent,
 *    "skip": reason|absent}]}
 * hrun_entry runs one entry of the plan (see after hrun_plan_config). */

/* Appends s[0..n) as one POSIX shell word in single quotes ('it'\''s'), for
 * the reproducers (curl lines) of the runner and of the explore phase. */
void hrun_shell_quote(hbuf *b, const char *s, size_t n);

/* The run-level part of a plan as an hrun_config (target, profile, client,
 * rate, --redact pointers, --header headers with env values read from the
 * environment); the strings point into plan, the arrays into out.  bearer,
 * token_env and label are per entry and left NULL.  0, or -1 with err
 * (HCASES_MSG_MAX) filled.  Also read by the explore test of the suites. */
typedef struct {
  hrun_config cfg;
  const char *redact[HRUN_MAX_REDACT];
  hrun_header headers[HRUN_MAX_RUN_HEADERS];
} hrun_plan_config;
int hrun_plan_config_read(const cJSON *plan, hrun_plan_config *out, char *err);

/* Runs entry (plan "entries"[index]) with the run-level config pc (read once
 * per batch by the suites; the bearer token is read from the environment
 * variable the entry names) and returns its result object (cJSON_Delete; the
 * suites append it to their batch journal, run/hjournal.h).  It loads
 * nothing: the rules and the catalogue's index come from the caller.  NULL
 * with err (HCASES_MSG_MAX) filled when the entry cannot run. */
cJSON *hrun_entry(const hrun_plan_config *pc, const cJSON *entry, size_t index, const hrules *rules,
                  const hcases_index *ix, char *err) __attribute__((warn_unused_result));

/* A one-line human rendering of a result's checks for the terminal (replay):
 * writes to out. */
void hrun_print(FILE *out, const cJSON *result);

#endif
