/* hjudge: the judgement of one HTTP response of the Create API token endpoint.
 *
 * Pure: no I/O, no clock (the caller passes what it measured).  Input is a
 * response value (status, the few headers that matter, body bytes, transport
 * flags), the expectation of the case that produced it, the profile and the
 * endpoint rules (hrules); output is a verdict: a list of named checks, each
 * pass / warn / fail / skip (rules/hstatus.h) with a one-line message and the
 * requirement id it belongs to (rules/hreq.h: every id a check carries is
 * registered there, a fixed entry or a family member).  certify (conformance
 * suites), replay and the fuzz oracles call the same functions.
 *
 * Checks, in order (names are stable, reports and tests use them):
 *   "transport"      the request got an HTTP response at all         HREQ_TRANSPORT
 *                    (upload_aborted on an over-limit body: warn)
 *   "timeout"        no timeout (a timeout is a failure)             HREQ_NO_TIMEOUT
 *   "no-5xx"         never a 5xx (a 501 to another method is judged   HREQ_NO_5XX
 *                    by "status" instead)
 *   "status"         the status the case expects                     the case's requirement
 *   "allow"          405 carries Allow naming the documented methods HREQ_ALLOW
 *   "www-authenticate" 401 carries WWW-Authenticate                  HREQ_WWW_AUTHENTICATE
 *   "head-no-body"   a HEAD answer carries no body (RFC 9110 9.3.2)  HREQ_HEAD_NO_BODY
 *   "date-header"    a 2xx/3xx/4xx answer carries a valid Date       HREQ_DATE
 *                    (RFC 9110 6.6.1: an origin server with a clock
 *                    MUST send it; 1xx and 5xx MAY omit it)
 *   "media-type"     Content-Type documented for the status          HREQ_MEDIA_TYPE
 *   "strict-json"    body is RFC 8259 JSON (UTF-8, no dup names)     HREQ_STRICT_JSON
 *   "truncated"      body within the client's cap                    HREQ_STRICT_JSON
 *   "schema"         body valid against the documented schema        "schema.response.<status>"
 *   "prose:<id>"     a prose rule of the 201 body (revision 1, token) the hrules id
 *   "created-id"     the 201 body names the new token: a non-empty   HREQ_CREATED_ID
 *                    string "id" ("Returns the created API token
 *                    object"; without it the token cannot be named)
 *   "problem-status" ProblemDetails.status == HTTP status (RFC 9457) HREQ_PROBLEM_STATUS
 *                    (documented problem bodies and application/problem+json only)
 *   "echo:<field>"   201 echoes the request's field                  HREQ_ECHO_PREFIX<field>
 *   "audit-created-at" audit.created.at near the Date header, or     HREQ_AUDIT_CREATED
 *                    near now_unix when there is no valid Date
 * Checks that do not apply are omitted or "skip" with the reason.
 *
 * Judging by what was asked.  A response is judged against the operation's
 * documented responses (media type, schema, problem-status of a documented
 * body, prose rules, created-id, echo, audit) and by "date-header" only when
 * the request WAS that operation: hjudge_case.method is the documented method
 * (NULL means POST; methods compare case-sensitively, RFC 9110 9.1) and the
 * case expects neither 405 (another method) nor 415 (an undocumented request
 * media type) nor is flagged not_operation.  Any other answer (a GET, HEAD or an unknown method
 * such as BREW, which an HTTP parser may answer with a bare 400; a text/plain body refused) is
 * judged only by the HTTP rules its requirement states: transport, timeout, no-5xx, status, Allow
 * on a 405, WWW-Authenticate on a 401, no body on a HEAD answer; and a body that declares itself
 * JSON (or application/problem+json) must be strict JSON (with a matching problem "status").
 *
 * Echo of a 201 (request_body given).  Every scalar member is compared
 * exactly, byte for byte: no trimming, case folding or Unicode normalisation;
 * a truncated value or one with a replacement character fails.  Objects are
 * compared member by member ("echo:account.id").  An array the page requires
 * (modules: "at least one module") is echoed as the exact multiset of its
 * items' values: per member name ("echo:modules[].id") every requested value
 * appears as often as it was requested (a repeated id collapsed into one
 * fails), nothing that was never requested appears, and the array has as many
 * items as the request.  A requested item without the member (modules:[{}])
 * stands for one item whose value the server chooses: any id or none, as long
 * as the item is there.  An array the page does not mention (extensions) may be
 * resolved or filtered by the server: a requested value missing from it is a
 * warning only.  A request null echoed as null, [] or left out passes; echoed
 * as a value (a default icon) it is a warning: the documents do not forbid it.
 *
 * Profiles:
 *   DEFAULT  application/problem+json (or another +json) where application/json
 *            is documented: warn; another 4xx where 415 is expected: warn;
 *            401 without WWW-Authenticate: warn; 404 (or 501) where 405 is
 *            expected: warn; the other outcome of a case flagged `tolerated`:
 *            warn; a request null echoed as a value, or an array the prose
 *            does not require (extensions) not echoed: warn.  Each tolerated
 *            result says what the documents leave open and what this server
 *            answered; it never names a platform's behaviour.
 *   STRICT   every deviation from the document fails.
 *   ASPNET   documents ASP.NET Core's known defaults: problem+json on errors,
 *            charset parameters, 415/405 bodies pass; cases flagged
 *            aspnet_tolerated (unknown properties ignored, case-insensitive
 *            property names, .NET regex '$' before a final newline, Unicode \d)
 *            answered 201 give a warn instead of a fail.  Real violations
 *            (5xx, wrong schema, bad JSON, wrong revision ...) still fail.
 *
 * Threads: an hjudge is used by one thread at a time (it owns a parse arena and
 * a validation result it reuses).  The hrules may be shared. */
#ifndef HJUDGE_H
#define HJUDGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "rules/hreq.h"
#include "rules/hrules.h"
#include "rules/hstatus.h"

/* How far audit.created.at may be from the Date header, in seconds. */
#define HJUDGE_CLOCK_SKEW_S 300
/* How far audit.created.at may be from the harness's own clock (now_unix) when
 * the answer has no valid Date: the two clocks are independent (NTP keeps
 * them within a second; allow for an unsynchronised one and a slow answer). */
#define HJUDGE_LOCAL_CLOCK_SKEW_S 300

#define HJUDGE_MAX_CHECKS 40
#define HJUDGE_NAME_MAX 64
#define HJUDGE_MSG_MAX 320

typedef enum {
  HJUDGE_PROFILE_DEFAULT = 0,
  HJUDGE_PROFILE_STRICT,
  HJUDGE_PROFILE_ASPNET
} hjudge_profile;

typedef enum {
  HJUDGE_EXPECT_CREATED = 0,        /* 201 */
  HJUDGE_EXPECT_BAD_REQUEST,        /* 400 exactly (the spec documents 400 only) */
  HJUDGE_EXPECT_CREATED_OR_BAD,     /* 201 or 400 (BOM, duplicate names, lone surrogate) */
  HJUDGE_EXPECT_CREATED_BAD_OR_413, /* 201, 400 or 413 (a body over 1 MiB) */
  HJUDGE_EXPECT_UNSUPPORTED_MEDIA,  /* 415; another 4xx: warn (strict: fail) */
  HJUDGE_EXPECT_METHOD_NOT_ALLOWED, /* 405 + Allow; 501 too when nonstandard_method */
  HJUDGE_EXPECT_UNAUTHORIZED,       /* 401 */
  HJUDGE_EXPECT_NOT_5XX,            /* anything but 5xx/timeout (fuzz oracles) */
  HJUDGE_EXPECT_UNAUTHORIZED_OR_BAD /* 401 or 400 (two Authorization headers) */
} hjudge_expect;

/* The response as measured.  Strings may be NULL (header absent); they are
 * NUL-terminated copies owned by the caller.  body need not be NUL-terminated. */
typedef struct {
  int status;                /* 0 when no HTTP response was received */
  int timed_out;             /* the client's timeout fired */
  int transport_error;       /* connection refused/reset, malformed HTTP ... */
  const char *transport_msg; /* one line, may be NULL */
  const char *content_type;
  const char *allow;
  const char *www_authenticate;
  const char *date; /* the Date header (HTTP-date): "date-header", "audit-created-at" */
  const char *server;
  const char *body;
  size_t body_len;
  int truncated; /* the body was longer than the client's cap */
  /* the connection broke while the request body was still being sent, before
   * any response: for a body over the size limit a server may refuse it that
   * way (a warning for HJUDGE_EXPECT_CREATED_BAD_OR_413, strict: fail) */
  int upload_aborted;
  /* The harness's own clock (Unix seconds) when the response arrived; 0:
   * unknown.  Without a valid Date header, audit.created.at is compared with
   * it (tolerance HJUDGE_LOCAL_CLOCK_SKEW_S) instead of being skipped.  The
   * judge reads no clock itself. */
  long long now_unix;
} hjudge_response;

/* What the case expects.  request_body (may be NULL) is the JSON body that was
 * sent, for the echo checks of a 201 (a tree from hjson or cJSON). */
typedef struct {
  hjudge_expect expect;
  const char *requirement;   /* the case's requirement id (carried by "status") */
  int nonstandard_method;    /* 501 is accepted as well as 405 */
  int aspnet_tolerated;      /* see the ASPNET profile above */
  const char *aspnet_reason; /* why (may be NULL) */
  int lenient_surrogates;    /* the request had a lone surrogate escape: a 201 may echo it */
  const cJSON *request_body;
  /* The documents leave this case's outcome to the implementation's libraries
   * (a regex dialect where '$' matches before a final newline or \d matches
   * Unicode digits; an empty or very long name refused as "required" or over a
   * length limit; a media type compared case-sensitively): the other outcome
   * (201 for a negative case, a 4xx for a positive one) is a warning, a
   * failure only under STRICT. */
  int tolerated;
  const char *tolerated_reason; /* why (may be NULL) */
  /* The request method as sent ("POST", "HEAD", "BREW" ...); NULL means POST.
   * With the case's expect kind it decides whether the request was the
   * documented operation (see "Judging by what was asked" above). */
  const char *method;
  /* 1: the request was not the documented operation for a reason method and
   * expect kind do not show (another path, a request media type the case knows
   * to be undocumented while expecting another status); judged by the HTTP
   * rules only, as above. */
  int not_operation;
} hjudge_case;

typedef struct {
  char name[HJUDGE_NAME_MAX];
  hstatus status;
  char message[HJUDGE_MSG_MAX]; /* one line; empty on pass */
  char requirement[HREQ_ID_MAX];
} hjudge_check;

typedef struct {
  hstatus status; /* the worst check status (SKIP when none ran) */
  size_t n_checks;
  int dropped; /* checks beyond HJUDGE_MAX_CHECKS (the worst status still counts) */
  hjudge_check checks[HJUDGE_MAX_CHECKS];
  char detail[HJUDGE_MSG_MAX]; /* the message of the first failing (else warning) check */
} hjudge_verdict;

typedef struct hjudge hjudge;

/* rules must outlive the judge.  NULL when out of memory.  Free with hjudge_free. */
hjudge *hjudge_new(const hrules *rules);
void hjudge_free(hjudge *judge);

/* Judges one response; fills *out (overwritten).  Returns out->status. */
hstatus hjudge_response_judge(hjudge *judge, const hjudge_case *c, const hjudge_response *resp,
                              hjudge_profile profile, hjudge_verdict *out);

/* Two 201 bodies of two creates: ids and token values must differ.  Appends one
 * check "distinct-creates" (requirement HREQ_DISTINCT) to *v; skip when
 * either body is not a JSON object.  Never copies token values into messages. */
void hjudge_distinct(hjudge *judge, const char *body_a, size_t len_a, const char *body_b,
                     size_t len_b, hjudge_verdict *v);

/* Appends a check to v (name, status, requirement, printf-style message) and
 * folds its status into v->status / v->detail. */
void hjudge_add(hjudge_verdict *v, const char *name, hstatus status, const char *requirement,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Resets v to an empty verdict (status SKIP). */
void hjudge_verdict_init(hjudge_verdict *v);

/* From a 201 body: the resource id and the token value, copied into the
 * buffers (NUL-terminated, cut to the capacity); "" when absent.  Returns 1 when
 * the body is a JSON object.  For the created-resources list and redaction. */
int hjudge_created_fields(hjudge *judge, const char *body, size_t len, char *id, size_t id_cap,
                          char *token, size_t token_cap);

/* "default", "strict", "aspnet"; parse returns -1 when unknown. */
const char *hjudge_profile_name(hjudge_profile p);
int hjudge_profile_parse(const char *name);
/* "created", "bad-request", "created-or-bad-request", "created-bad-request-or-413",
 * "unsupported-media-type", "method-not-allowed", "unauthorized", "not-5xx",
 * "unauthorized-or-bad-request". */
const char *hjudge_expect_name(hjudge_expect e);
int hjudge_expect_parse(const char *name);

/* Parses an IMF-fixdate / RFC 850 / asctime HTTP-date; returns 1 and the Unix
 * time in *out, or 0. */
int hjudge_parse_http_date(const char *s, long long *out);
/* Parses an RFC 3339 date-time (offset applied); 1 and *out on success. */
int hjudge_parse_rfc3339(const char *s, size_t len, long long *out);

#endif
