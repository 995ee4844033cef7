/* hexplore: the explore phase of certify - random requests generated from the
 * spec and the prose rules, judged by the differential oracle and the judge,
 * every failure shrunk to a small replayable case.
 *
 * Three parts, usable alone:
 *
 *  - The generator (hexplore_gen).  Its model of the request body is the
 *    case layer's view of the spec's request schema at every place
 *    (hcases_view.h: $ref followed, allOf merged; the model keeps type,
 *    nullable, properties and required, pattern, enum, items, minItems,
 *    maxItems, uniqueItems, additionalProperties), one node per place, an
 *    object component met again below itself sharing its ancestor's node (a
 *    recursive spec: bodies nest two levels at most), and the prose rules,
 *    which are not parsed but probed through hrules_check_request: a member
 *    is required when removing it from a full valid body makes the body
 *    invalid, null is allowed where the schema says nullable and the rules
 *    accept it, an array needs an item when the rules refuse it empty.
 *    Nothing names a field.  It draws:
 *      valid bodies   random member order, optional members absent / null /
 *                     present, arrays of 1..N items with repeats, strings
 *                     from a palette of hard characters (non-BMP, combining,
 *                     right-to-left, quotes, backslash, control characters,
 *                     \u0000, "%s", long strings), ids from the patterns with
 *                     random digits, random whitespace and \u escapes; a
 *                     scalar with a format, numeric bounds, multipleOf or
 *                     length bounds takes its values from the harness's one
 *                     generator (hcases_gen.h: the format tables, hcgen_number,
 *                     hcgen_scalar), as every pattern string does
 *                     (hcgen_pattern);
 *      invalid bodies one to three rules broken at random places: wrong types
 *                     (null and extreme numbers included), pattern near
 *                     misses, undeclared members at every level, missing
 *                     required members, empty arrays, a wrong array item at a
 *                     random index, deep nesting, duplicate names;
 *      repeats        about one valid body in 40 is sent twice: both must be
 *                     created with distinct ids and token values;
 *      mutations      byte-level edits of either (flip, insert, delete,
 *                     duplicate, BOM, lone surrogate, truncation).
 *    hexplore_fuzz_mutate is the libFuzzer custom mutator over the same code.
 *
 *  - The oracle (hexplore_oracle): from the bytes alone, what a compliant
 *    server answers.  201 exactly when the strict reader, the spec validator
 *    and the prose rules accept the body; where the documents leave the
 *    outcome open the other outcome is "tolerated": a warning, never a
 *    failure (hjudge_case.tolerated), as in the catalogue: \u0000 in a string,
 *    an empty string, strings of 255 characters and more, a lone surrogate
 *    escape or invalid UTF-8 that a decoder could replace, a regex dialect's
 *    '$' before a final newline or Unicode \d; and either answer is right
 *    (CREATED_OR_BAD) for a BOM, duplicate member names (a 201 must echo a
 *    value that satisfies the schema) and an array item without its declared
 *    members (modules: [{}]).  It also names the requirement the answer
 *    belongs to: the first violation's ("schema.request.<Owner>.<prop>.<kw>",
 *    "prose.<rule>", "rfc8259.<...>"), or HEXPLORE_REQ_VALID for a valid body.
 *
 *  - The engine (hexplore_run): sends the requests on one keep-alive libcurl
 *    handle (hclient), judges every response with hjudge (the run's profile),
 *    keeps the first failure of each (check, requirement), shrinks it
 *    (structure first: members, items, strings, values; then bytes) to the
 *    smallest body that still fails the same check with the same
 *    requirement, and writes it under <report dir>/explore/ as a replayable
 *    case file (`apiharness replay --file`) with its raw body and a curl line.
 *
 * Determinism: request i of a run is drawn from (seed, i) alone; the same
 * seed and budget give the same bytes, content types and order.
 *
 * Run headers (cfg->headers, certify's --header): sent with every request,
 * shrinking's included, after Content-Type and Authorization; checked as
 * hrun_header_parse checks --header (a reserved or malformed one, or a value
 * from the environment under HSANITIZE_MIN_SECRET bytes, stops the run before
 * any request).  The evidence lists them, a value from the environment as
 * "<redacted>"; a case file carries the literal ones as its "headers" (replay
 * sends them) and names the others under "explore"/"env_headers"; curl lines
 * write 'Name: '"${VAR}".
 *
 * Secrets: the bearer token and the values of run headers taken from the
 * environment are only sent.  With cfg->redact (certify's --redact), the
 * values the pointers name in a request body and in its response body
 * (hrun_redact_values: strings, numbers, the leaves of an object or array)
 * are secrets of that exchange, as hrun treats a case.  Every string kept -
 * check messages, evidence, created ids, case files - passes hsanitize with
 * them ("<redacted>", raw, JSON-escaped or percent-encoded); curl lines
 * reference the variables ("$HARNESS_TOKEN").  A shrunk body holding such a
 * value is written with it redacted ("body_redacted": true in the failure and
 * the case file: a replay then sends "<redacted>" instead).  Known gap, as in
 * hrun: a request body that is not JSON (a byte mutation) names no values, and
 * of duplicate members only the first is named; the response's values (the
 * echo of such a body included) are still redacted everywhere. */
#ifndef HEXPLORE_H
#define HEXPLORE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "client/hclient.h"
#include "client/hrun.h"
#include "json/hjson.h"
#include "judge/hjudge.h"
#include "rules/hrules.h"

#define HEXPLORE_CASE_FORMAT "apiharness-case/1"
#define HEXPLORE_DEFAULT_BUDGET 3000 /* requests against the embedded mock */
#define HEXPLORE_MAX_FAILURES 16     /* distinct (check, requirement) pairs kept and shrunk */
#define HEXPLORE_REQ_VALID HREQ_POSITIVE_GENERATED
#define HEXPLORE_MSG_MAX 512

/* ---- generator ---- */

typedef struct hexplore_gen hexplore_gen;

typedef enum {
  HEXPLORE_VALID = 0, /* must be created (201 + exact echo) */
  HEXPLORE_INVALID,   /* rules broken: must be refused (400) */
  HEXPLORE_MUTATED    /* byte-level mutation of either: the oracle decides */
} hexplore_kind;

/* Builds the model from the rules (spec + prose).  NULL with err filled
 * (HEXPLORE_MSG_MAX) when the request schema is missing or no valid body can
 * be built from it.  rules must outlive the generator. */
hexplore_gen *hexplore_gen_new(const hrules *rules, char *err) __attribute__((warn_unused_result));
void hexplore_gen_free(hexplore_gen *g);

/* A body of the given kind drawn from seed (a pure function of (g, seed,
 * kind, max_items)); appended to out.  max_items: arrays get 1..max_items
 * items (0: 8).  Returns 1, 0 when out of memory. */
int hexplore_generate(hexplore_gen *g, uint64_t seed, hexplore_kind kind, size_t max_items,
                      hbuf *out);

/* A documented request media type drawn from seed, with a parameter variant
 * ("; charset=utf-8" ...) now and then; "application/x+json" stands for a
 * wildcard entry.  Static or owned by g. */
const char *hexplore_content_type(hexplore_gen *g, uint64_t seed);

/* libFuzzer custom mutator: mutates data[0..size) in place (max_size bytes
 * available) with the same generator - a structural edit of the parsed
 * input (a rule broken or a place regenerated), a fresh valid or invalid
 * body, or byte-level edits.  Returns the new size (0 only when max_size is
 * too small for anything). */
size_t hexplore_fuzz_mutate(hexplore_gen *g, uint8_t *data, size_t size, size_t max_size,
                            unsigned seed);

/* ---- oracle ---- */

typedef struct hexplore_oracle hexplore_oracle;

typedef struct {
  hjudge_expect expect;     /* CREATED, BAD_REQUEST or CREATED_OR_BAD */
  int valid;                /* strict JSON + schema + prose accept the bytes */
  char requirement[HREQ_ID_MAX];
  int tolerated;            /* the other outcome is a warning */
  const char *tolerated_reason; /* static */
  int aspnet_tolerated;     /* only undeclared members: ASP.NET ignores them */
  int lenient_surrogates;
  const cJSON *echo;        /* what a 201 must echo (owned by the oracle, valid until the next call); NULL: no echo check */
  int echo_is_body;         /* echo is the plain strict parse of the bytes */
} hexplore_expectation;

hexplore_oracle *hexplore_oracle_new(const hrules *rules) __attribute__((warn_unused_result));
void hexplore_oracle_free(hexplore_oracle *o);
/* Fills *out for a POST of body[0..len) with this Content-Type.  Returns 1, 0
 * when out of memory. */
int hexplore_oracle_expect(hexplore_oracle *o, const char *content_type, const char *body,
                           size_t len, hexplore_expectation *out);
/* Class and title of a requirement id the oracle names (for ids missing from
 * the catalogue); static strings, written into the caller's buffers. */
void hexplore_requirement_info(const char *id, const char **klass, char *title, size_t cap);

/* ---- engine ---- */

typedef struct {
  const char *base_url;  /* no trailing slash needed */
  const char *path;      /* NULL: HRULES_PATH */
  const char *bearer;    /* NULL: no Authorization header */
  const char *token_env; /* the variable named in curl lines ("HARNESS_TOKEN") */
  hjudge_profile profile;
  hclient_options client;
  long budget;           /* requests to generate (shrinking comes on top) */
  uint64_t seed;
  size_t max_items;      /* 0: 8 */
  double rate_per_s;     /* 0: unlimited */
  long max_creates;      /* -1: unlimited; otherwise no request that may create is sent past it */
  int list_created;      /* 1: list created token ids (live targets) */
  const char *report_dir; /* NULL: no case files */
  long shrink_ms;        /* wall time per failure's shrinking (0: 5000) */
  long shrink_requests;  /* requests per failure's shrinking (0: 600) */
  int progress;          /* 1: a progress line on stderr */
  long max_ms;           /* 0: no limit; otherwise generation stops after this long ("stopped") */
  const hrun_header *headers; /* --header: sent with every request (NULL/0: none); a value
                                 from the environment (env set) is a secret */
  size_t n_headers;           /* at most HRUN_MAX_RUN_HEADERS are sent */
  const char *const *redact;  /* --redact JSON pointers (NULL/0: none): see "Secrets" */
  size_t n_redact;
} hexplore_config;

/* Runs the explore phase.  Returns the report section (cJSON_Delete):
 *   {"seed", "budget", "sent" (budget requests + repeats), "repeated" (valid
 *    bodies sent twice: two creates must differ), "shrink_requests",
 *    "connections" (opened: keep-alive reuses one), "duration_ms", "shrink_ms", "rate_per_s",
 *    "by_kind": {"valid","invalid","mutated"}, "by_outcome": {"201","400",
 *    "other-4xx","5xx","timeout","transport","not-sent"}, "verdicts": {"pass","warn","fail"},
 *    "stopped": reason | absent,
 *    "requirements": [{"id","class","title","status","fail","warn"}],
 *    "created": [{"id","name","label"}] (list_created only),
 *    "failures": [{"requirement","check","message","count","case_file","body_file",
 *                  "curl","original_size","shrunk_size","shrink_requests",
 *                  "body_redacted" (only when true)}]}
 * NULL with err filled (HEXPLORE_MSG_MAX) when it could not start. */
cJSON *hexplore_run(const hrules *rules, const hexplore_config *cfg, char *err)
    __attribute__((warn_unused_result));

#endif
