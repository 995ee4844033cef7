/* hmock: the reference Create API token endpoint (libmicrohttpd), with named faults.
 *
 * POST /public/v1/accounts/api-tokens is answered by the spec the mock was
 * started with (hmock_options.spec / spec_path) and the page's prose, through
 * the same code certify and the fuzzers use: the Content-Type is matched with
 * hrules_request_schema (hspec_match_media), the body is read by hjson_parse
 * (strict) and checked by hrules_check_request (that media type's request
 * schema + the prose rules).  Nothing in this layer re-describes the fields.
 *
 *   valid body                 -> 201 in the media type the spec documents for
 *                                 it, built from its 201 schema: the request
 *                                 members it documents echoed exactly as
 *                                 decoded (\u0000, non-BMP, 65,536 characters,
 *                                 the modules as the exact requested list);
 *                                 the other documented members generated valid
 *                                 (formats, enums, bounds, patterns); where the
 *                                 schema does not close the object, the other
 *                                 request members echoed too; plus "id" (fresh),
 *                                 "revision": 1 and "token" (the secret value),
 *                                 which the page requires (hmock_created.c)
 *   invalid JSON / schema      -> 400 ProblemDetails with errors
 *                                 {"<instance pointer, "$" for the root>": [msg...]}
 *   missing/undocumented type  -> 415      other method on the path -> 405 + Allow
 *   other path                 -> 404      body over max_body       -> 413
 *   token set, bad/no bearer   -> 401 + WWW-Authenticate: Bearer (scheme in any
 *                                 case, RFC 9110 11.1; credentials compared whole,
 *                                 in constant time); two Authorization fields -> 400
 *   body buffers over the total budget -> 503 + Retry-After
 * Every ProblemDetails is sent in the media type the spec documents for its
 * status (exact code, 4XX, default); a status it does not document gets the
 * 400's, else application/problem+json.  hmock_options.problem_json forces
 * application/problem+json everywhere (ASP.NET Core's default).  Every answer
 * carries Date; a HEAD answer no body.  A refused request (401, 404, 405, 415)
 * has its body read and dropped before the answer, so the connection stays
 * usable.
 *
 * Framing (hmock_front.c, before libmicrohttpd): Content-Length listed, signed
 * or sent twice, or with Transfer-Encoding -> 400; a transfer coding other than
 * one "chunked" -> 501; a chunk size over 2^63 or not hex, a chunk-size line
 * over 4 KiB (extensions), chunk data without CRLF -> 400; a chunk over
 * max_body -> 413; a request head over 16 KiB -> 431.  Each a ProblemDetails,
 * then the connection closes.
 *
 * Memory bound (the mock process, beyond its ~10 MB baseline):
 *     connection_limit x 65 KiB       (front relay 2 x 16 KiB, libmicrohttpd's
 *                                      32 KiB header pool, the connection)
 *   + max_total_body                  (every request body buffer together; a
 *                                      buffer kept between requests is at most
 *                                      64 KiB and counts here too)
 *   + threads x (64 B x HMOCK_MAX_NODES + 6 x max_body)
 *                                     (one parse arena, one request copy and one
 *                                      answer per request in progress)
 * = about 160 MiB with the defaults (1024 connections, 64 MiB, 2 threads of
 * 14 MiB).  After a burst, arenas over 64 KiB and large buffers are freed and
 * the pages handed back (malloc_trim), so RSS returns near the baseline
 * (tests/test_mock_hostile.c measures both).
 *
 * Faults (hmock_fault_*): each breaks exactly one rule so that a conformance run
 * against the faulty mock must report it; the table names the rule and the
 * requirement that should catch it.  The 201 value faults bend the first value
 * of their kind the mock generates (for the default spec the location in
 * parentheses below).
 *
 * Files: hmock.c (options, lifetime), hmock_request.c (the request logic),
 * hmock_problem.c (ProblemDetails), hmock_created.c (the 201), hmock_gen.c
 * (the cache of schema views, values from the one generator in
 * cases/hcases_gen.h), hmock_json.c (JSON text), hmock_faults.c
 * (the table), hmock_server.c (libmicrohttpd), hmock_front.c (framing);
 * hmock_int.h is their shared, private header.
 *
 * Two ways to use it:
 *  - hmock_start: binds host:port (port 0 = ephemeral) and serves from
 *    background threads until hmock_stop.  The CLI `apiharness mock`, certify's
 *    embedded target and the endpoint fuzzer use this.
 *  - hmock_new + hmock_handle: no sockets at all, one request in, one response
 *    value out (the fuzzers and unit tests may drive the logic directly).
 *
 * Ownership: an hmock owns everything it allocates (its copy of the token, the
 * spec when loaded from spec_path, the rules, per-thread parse/validation state,
 * connection buffers); hmock_stop releases all of it.  A borrowed `spec` must
 * outlive the hmock.  Threads: hmock_handle may be called from many threads at
 * once on one hmock.  The token and the 201 token values are never logged. */
#ifndef HMOCK_H
#define HMOCK_H

#include <stddef.h>
#include <stdint.h>

#include "spec/hspec.h"

#define HMOCK_DEFAULT_HOST "127.0.0.1"
#define HMOCK_DEFAULT_MAX_BODY ((size_t)1 << 20)        /* 1 MiB per request body */
#define HMOCK_DEFAULT_MAX_TOTAL_BODY ((size_t)64 << 20) /* all connections' body buffers */
#define HMOCK_DEFAULT_THREADS 2u
#define HMOCK_DEFAULT_CONNECTION_LIMIT 1024u
#define HMOCK_DEFAULT_IDLE_TIMEOUT 10u    /* s without a byte from the client */
#define HMOCK_DEFAULT_REQUEST_TIMEOUT 30u /* s for a whole request to arrive */
#define HMOCK_DEFAULT_HANG 30u            /* s the hang-large-body fault holds a request */
#define HMOCK_MAX_THREADS 64u
#define HMOCK_MAX_NODES                                                                            \
  131072u /* JSON values per request body, else 400 (bounds the parse arena) */

/* The named faults.  HMOCK_FAULT_BIT(id) is the bit in hmock_options.faults. */
typedef enum {
  HMOCK_FAULT_EXTRA_PROPERTY = 0, /* 201 body carries an undeclared property */
  HMOCK_FAULT_REVISION_NOT_1,     /* 201 revision is 2 */
  HMOCK_FAULT_NO_TOKEN,           /* 201 body without the token value */
  HMOCK_FAULT_BAD_DATE_TIME,      /* first date-time not RFC 3339 (audit.created.at) */
  HMOCK_FAULT_WRONG_TYPE,         /* first generated plain string a number (audit.created.by.id) */
  HMOCK_FAULT_BAD_ENUM,           /* first generated enum value outside it (account.type) */
  HMOCK_FAULT_ACCEPT_BAD_ACCOUNT_ID,
  HMOCK_FAULT_ACCEPT_BAD_MODULE_ID,
  HMOCK_FAULT_ACCEPT_EMPTY_MODULES,
  HMOCK_FAULT_ACCEPT_MISSING_NAME,
  HMOCK_FAULT_ACCEPT_UNKNOWN_PROPERTY,
  HMOCK_FAULT_500_ON_UNICODE,   /* 500 when an echoed string has non-ASCII or NUL */
  HMOCK_FAULT_REJECT_TEXT_JSON, /* 415 for the documented text/json */
  HMOCK_FAULT_REJECT_NULL,      /* 400 for null in a nullable property */
  HMOCK_FAULT_PROBLEM_STATUS_MISMATCH,
  HMOCK_FAULT_PROBLEM_NOT_JSON,
  HMOCK_FAULT_STATUS_200,
  HMOCK_FAULT_INVALID_UTF8,    /* 201 body with an invalid UTF-8 sequence (audit.created.by.id) */
  HMOCK_FAULT_DUPLICATE_KEY,   /* 201 body with a member name twice */
  HMOCK_FAULT_IGNORE_AUTH,     /* bearer token never checked */
  HMOCK_FAULT_HANG_LARGE_BODY, /* body over max_body never answered */
  HMOCK_FAULT_WRONG_CONTENT_TYPE, /* 201 with Content-Type text/plain */
  /* ordinary bugs a little to the side of the catalogue's fixed points */
  HMOCK_FAULT_ITEM_RULES_FIRST_ONLY,   /* array item rules checked at index 0 only */
  HMOCK_FAULT_UNDECLARED_NULL_IGNORED, /* undeclared member with value null accepted */
  HMOCK_FAULT_TWO_ERRORS_INVALID_JSON, /* 400 errors of two locations: missing comma */
  HMOCK_FAULT_DUPLICATE_LAST_WINS,     /* first value validated, last value stored */
  HMOCK_FAULT_NAME_TRUNCATED_255,      /* name stored in 255 characters */
  HMOCK_FAULT_NAME_TRIMMED,            /* name stored without surrounding white space */
  HMOCK_FAULT_NON_ASCII_AS_QUESTION,   /* non-ASCII characters echoed as '?' */
  HMOCK_FAULT_NON_BMP_REPLACED,        /* characters over U+FFFF echoed as U+FFFD */
  HMOCK_FAULT_NUL_TRUNCATES,           /* strings cut at \u0000 (C strings) */
  HMOCK_FAULT_MODULES_DEDUPLICATED,    /* repeated module ids echoed once */
  HMOCK_FAULT_EXTRA_MODULE_ECHOED,     /* a generated module added to the echo */
  HMOCK_FAULT_MODULES_CAPPED,          /* at most 100 modules echoed */
  HMOCK_FAULT_500_ON_HUGE_NUMBER,      /* a number beyond double range: 500 */
  HMOCK_FAULT_500_ON_DEEP_NESTING,     /* nesting of 1,000 levels or more: 500 */
  HMOCK_FAULT_UNESCAPED_DETAIL,        /* invalid value copied raw into the 400 detail */
  HMOCK_FAULT_AUTH_PREFIX_ONLY,        /* the first 8 characters of the token compared */
  HMOCK_FAULT_AUTH_LENGTH_ONLY,        /* only the token's length compared */
  HMOCK_FAULT_AUTH_CASE_INSENSITIVE,   /* token compared ignoring letter case */
  HMOCK_FAULT_AUTH_EMPTY_BEARER,       /* "Bearer" without credentials accepted */
  HMOCK_FAULT_AUTH_ANY_SCHEME,         /* "Basic <token>" accepted: scheme not checked */
  HMOCK_FAULT_AUTH_SCHEME_CASE,        /* "bearer <token>" refused: scheme case-sensitive */
  HMOCK_FAULT_AUTH_LAST_HEADER_WINS,   /* two Authorization headers: the last is used */
  HMOCK_FAULT_SAME_NAME_CONFLICT,      /* a name already used: 409 */
  HMOCK_FAULT_SAME_BODY_SAME_TOKEN,    /* a repeated body gets the first answer again */
  HMOCK_FAULT_KEEP_ALIVE_MISFRAME,     /* a refused body is parsed as the next request */
  HMOCK_FAULT_HEAD_WITH_BODY,          /* a HEAD answer carries its body */
  HMOCK_FAULT_NO_DATE,                 /* no Date header */
  HMOCK_FAULT_REVISION_FLOAT,          /* revision written 1.0 */
  HMOCK_FAULT_CHARSET_EXACT,           /* only "; charset=utf-8" exactly: other spellings 415 */
  HMOCK_FAULT_MEMBER_ORDER,            /* account must be the first member */
  HMOCK_FAULT_PRETTY_REFUSED,          /* tab or CR between tokens: 400 */
  HMOCK_FAULT_COUNT_
} hmock_fault_id;

#define HMOCK_FAULT_BIT(id) ((uint64_t)1 << (unsigned)(id))

typedef struct {
  hmock_fault_id id;
  const char *name;        /* "--fault NAME": "revision-not-1" */
  const char *rule;        /* the rule it breaks (the bug, as a real server has it), one line */
  const char *requirement; /* the requirement id a certify run must fail: "prose.revision-one" */
  const char *trigger;     /* the request that shows it (for tests and docs) */
} hmock_fault;

/* The static fault table (never freed, immutable). */
size_t hmock_fault_count(void);
const hmock_fault *hmock_fault_at(size_t i);           /* NULL past the end */
const hmock_fault *hmock_fault_find(const char *name); /* NULL when unknown */

typedef struct {
  const char *host;           /* numeric address or name; NULL: HMOCK_DEFAULT_HOST */
  int port;                   /* 0: ephemeral (see hmock_port) */
  const hspec *spec;          /* borrowed, outlives the hmock; or NULL and: */
  const char *spec_path;      /* loaded and owned by the hmock */
  const char *token;          /* copied; NULL: no authentication */
  uint64_t faults;            /* HMOCK_FAULT_BIT(...) | ... */
  size_t max_body;            /* 0: HMOCK_DEFAULT_MAX_BODY */
  size_t max_total_body;      /* 0: HMOCK_DEFAULT_MAX_TOTAL_BODY */
  unsigned threads;           /* 0: HMOCK_DEFAULT_THREADS (at most HMOCK_MAX_THREADS) */
  unsigned connection_limit;  /* 0: HMOCK_DEFAULT_CONNECTION_LIMIT */
  unsigned idle_timeout_s;    /* 0: HMOCK_DEFAULT_IDLE_TIMEOUT */
  unsigned request_timeout_s; /* 0: HMOCK_DEFAULT_REQUEST_TIMEOUT */
  unsigned hang_s;            /* 0: HMOCK_DEFAULT_HANG */
  int verbose;                /* 1: "METHOD PATH STATUS" per request on stderr */
  /* 0 (default): every ProblemDetails is sent in the media type the spec
   * documents for its status (the default spec: application/json); 1: as
   * application/problem+json (RFC 9457, ASP.NET Core's default), which the
   * default profile warns about where the spec documents application/json. */
  int problem_json;
  /* 1: libmicrohttpd listens itself, without the framing front (hmock_front.c)
   * and its relay hop: request framing is then libmicrohttpd's (no 400/501 of
   * the front).  For the endpoint fuzzer, which fuzzes bodies over one
   * well-framed keep-alive connection and needs the speed; never for certify
   * or `apiharness mock`. */
  int direct;
} hmock_options;

typedef struct hmock hmock;

/* A request as the logic sees it (all strings NUL-terminated, NULL = absent). */
typedef struct {
  const char *method;        /* "POST" */
  const char *path;          /* without the query string */
  const char *content_type;  /* Content-Type header value */
  const char *authorization; /* Authorization header value */
  const char *body;
  size_t body_len;
  int body_too_large; /* 1: the body went over max_body (not all of it is in body) */
  /* How many Authorization fields the request had (0 is read as 0 or 1 from
   * `authorization`); with two or more, authorization_last is the last one. */
  unsigned authorization_count;
  const char *authorization_last;
} hmock_request;

/* A response value.  body is malloc'd (free with hmock_response_clear, or take
 * it and set it to NULL); the header strings are static or owned by the hmock. */
typedef struct {
  int status;               /* 0: no answer at all (hang-large-body) */
  const char *content_type; /* NULL: no body */
  char *body;
  size_t body_len;
  const char *allow;            /* Allow header or NULL */
  const char *www_authenticate; /* WWW-Authenticate header or NULL */
  const char *retry_after;      /* Retry-After or NULL */
  int no_store;                 /* 1: Cache-Control: no-store (the 201 carries a secret) */
} hmock_response;

void hmock_response_clear(hmock_response *r);

/* Loads the spec (when spec_path), compiles the rules, copies the token; no
 * socket.  NULL with err filled (one line) on failure. */
hmock *hmock_new(const hmock_options *opts, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* hmock_new, then binds and serves in background threads.  NULL with err
 * filled when the spec, the options or the bind fail. */
hmock *hmock_start(const hmock_options *opts, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The bound port (after hmock_start), -1 when not serving. */
int hmock_port(const hmock *m);
/* The host it was asked to bind ("127.0.0.1"), owned by the hmock. */
const char *hmock_host(const hmock *m);

/* Judges the request line and headers alone (before any body arrives): fills
 * *out and returns 1 when the answer is already known (404, 405, 401, 413,
 * 415), else returns 0 and leaves *out zeroed. */
int hmock_precheck(hmock *m, const hmock_request *req, hmock_response *out);

/* The whole request: precheck, strict read, schema + prose, faults.  Always
 * fills *out (status 500 with a ProblemDetails when memory runs out; status 0
 * only for the hang-large-body fault).  Returns out->status. */
int hmock_handle(hmock *m, const hmock_request *req, hmock_response *out);

/* Stops serving (if started), waits for the threads, frees everything.  NULL
 * is fine. */
void hmock_stop(hmock *m);

#endif
