/* hreq: the requirement registry.  See hreq.h. */
#include "rules/hreq.h"

#include <stdio.h>
#include <string.h>

#define POS HREQ_CLASS_POSITIVE
#define RSC HREQ_CLASS_REQUEST_SCHEMA
#define JSN HREQ_CLASS_RFC8259
#define HTP HREQ_CLASS_HTTP
#define PRO HREQ_CLASS_PROSE
#define SEM HREQ_CLASS_SEMANTICS
#define RSP HREQ_CLASS_RESPONSE

static const hreq table[] = {
    /* positive */
    {HREQ_POSITIVE_MINIMAL, POS, "the smallest body the spec and the page accept is created",
     "spec"},
    {HREQ_POSITIVE_FULL, POS, "a body with every declared property is created", "spec"},
    {HREQ_POSITIVE_OPTIONAL_COMBINATIONS, POS,
     "every pair of optional or nullable properties, each absent, null or given, is created",
     "spec"},
    {HREQ_POSITIVE_GENERATED, POS,
     "every body the spec and the page accept is created with an exact echo (random bodies of "
     "the explore phase)",
     "spec"},
    /* request-schema (the fixed ones; the rest is the schema.request. family) */
    {HREQ_NAME_BOUNDARIES, RSC,
     "name accepts any string: empty, 10,000 characters, non-ASCII, escapes", "spec"},
    {HREQ_MULTIPLE_ERRORS, RSC,
     "a body that breaks two or three rules at once gets one 400 (strict JSON, ProblemDetails), "
     "never a 5xx",
     "spec"},
    /* rfc8259: the request body as JSON */
    {HREQ_MEMBER_ORDER, JSN,
     "the members of an object may come in any order (RFC 8259 4: an object is an unordered "
     "collection)",
     "rfc8259"},
    {HREQ_WHITESPACE, JSN,
     "insignificant whitespace (space, tab, CR, LF) around any structural character is accepted "
     "(RFC 8259 2)",
     "rfc8259"},
    {HREQ_STRING_ESCAPES, JSN,
     "a string written with escapes (\\u and four hex digits in either letter case, surrogate "
     "pairs, \\/) is read as the characters it stands for, and echoed as them (RFC 8259 7)",
     "rfc8259"},
    {HREQ_DEEP_NESTING, JSN,
     "a body nested deep (16 to 16,384 levels, or 10,000) gets 400, not a crash, a hang or a "
     "5xx",
     "http"},
    {HREQ_MALFORMED, JSN, "a body that is not JSON gets 400", "rfc8259"},
    {HREQ_TRAILING_DATA, JSN, "data after the JSON value gets 400", "rfc8259"},
    {HREQ_BOM_EITHER, JSN,
     "a UTF-8 byte order mark may be accepted or rejected (RFC 8259 8.1), never a 5xx", "rfc8259"},
    {HREQ_INVALID_UTF8, JSN, "a body that is not valid UTF-8 gets 400 (RFC 8259 8.1)", "rfc8259"},
    {HREQ_LONE_SURROGATE, JSN,
     "a lone surrogate escape (no Unicode character, RFC 8259 8.2) gets 400", "rfc8259"},
    {HREQ_DUPLICATE_NAMES, JSN,
     "duplicate member names may be accepted or rejected (RFC 8259 4), never a 5xx", "rfc8259"},
    /* http */
    {HREQ_REQUEST_MEDIA_TYPES, HTP,
     "every documented request media type is accepted, with parameters as RFC 9110 8.3 allows "
     "(charset in either case, quoted, without or with spaces around ';', extra parameters) and "
     "in upper case",
     "spec"},
    {HREQ_EMPTY_BODY, HTP, "the request body is required: an empty body gets 400", "spec"},
    {HREQ_LARGE_BODY, HTP, "a body over 1 MiB gets 201, 400 or 413 in time, never a 5xx or a hang",
     "http"},
    {HREQ_UNSUPPORTED_MEDIA_TYPE, HTP, "a missing or undocumented Content-Type gets 415", "http"},
    {HREQ_METHOD_NOT_ALLOWED, HTP,
     "another method on the path gets 405 with an Allow header naming the documented methods "
     "(501 accepted for a non-standard method)",
     "http"},
    {HREQ_AUTH_REQUIRED, HTP,
     "with a token configured, a request without a valid bearer token gets 401", "http"},
    {HREQ_AUTH_SCHEME_CASE, HTP,
     "the authentication scheme is case-insensitive (RFC 9110 11.1): the real token under "
     "\"bearer\" is accepted",
     "rfc9110"},
    {HREQ_TRANSPORT, HTP, "every request gets an HTTP response", "http"},
    {HREQ_NO_TIMEOUT, HTP, "every request is answered within the timeout", "http"},
    {HREQ_NO_5XX, HTP, "no request gets a 5xx", "http"},
    {HREQ_ALLOW, HTP, "a 405 names the allowed methods in Allow", "http"},
    {HREQ_WWW_AUTHENTICATE, HTP, "a 401 carries WWW-Authenticate", "http"},
    {HREQ_DATE, HTP,
     "every 2xx and 4xx answer carries a valid Date header (RFC 9110 6.6.1: an origin server "
     "with a clock MUST send it)",
     "rfc9110"},
    {HREQ_HEAD_NO_BODY, HTP, "an answer to HEAD carries no body (RFC 9110 9.3.2)", "rfc9110"},
    {HREQ_KEEP_ALIVE_FRAMING, HTP,
     "every answer on a kept-alive connection is framed exactly: no bytes before or after it "
     "(RFC 9112 6.3)",
     "rfc9112"},
    {HREQ_KEEP_ALIVE_AFTER_ERROR, HTP,
     "on one keep-alive connection, a valid request right after a 400, 405, 413, 415 or HEAD "
     "answer is framed and answered correctly (RFC 9112 9.3, 6.3); a server that cannot keep "
     "the connection closes it",
     "rfc9112"},
    /* prose: the page (the overlays that check them are in hrules.c) */
    {HREQ_PROSE_ACCOUNT_REQUIRED, PRO, "an account reference is required", "prose"},
    {HREQ_PROSE_ACCOUNT_ID_REQUIRED, PRO, "the account reference carries an id", "prose"},
    {HREQ_PROSE_NAME_REQUIRED, PRO, "a name is required", "prose"},
    {HREQ_PROSE_MODULES_REQUIRED, PRO, "at least one module is required", "prose"},
    {HREQ_PROSE_REVISION_ONE, PRO, "the created token has revision 1", "prose"},
    {HREQ_PROSE_TOKEN_RETURNED, PRO, "the token value is returned on create", "prose"},
    /* semantics */
    {HREQ_DISTINCT, SEM, "two creates give distinct ids and distinct token values", "prose"},
    /* 300 s: HJUDGE_CLOCK_SKEW_S (test_registry keeps them equal) */
    {HREQ_AUDIT_CREATED, SEM, "audit.created.at is RFC 3339 and within 300 s of the Date header",
     "prose"},
    {HREQ_TOKEN_ONLY_ON_CREATE, SEM, "the token value is returned only on create", "prose"},
    {HREQ_CREATED_ID, SEM, "a 201 names the created token's id", "spec"},
    /* response */
    {HREQ_MEDIA_TYPE, RSP, "the response Content-Type is documented for its status", "spec"},
    {HREQ_STRICT_JSON, RSP, "response bodies are strict JSON (valid UTF-8, no duplicate names)",
     "rfc8259"},
    {HREQ_PROBLEM_STATUS, RSP, "a problem's \"status\" equals the HTTP status (RFC 9457)",
     "rfc9457"},
};

static const hreq_family families[] = {
    {HREQ_SCHEMA_REQUEST_PREFIX, HREQ_SCHEMA_REQUEST_PREFIX "<schema>.<property path>.<rule>", RSC,
     "spec", "request rule %s is enforced"},
    {HREQ_SCHEMA_RESPONSE_PREFIX, HREQ_SCHEMA_RESPONSE_PREFIX "<status>", RSP, "spec",
     "a %s body is valid against its documented schema"},
    {HREQ_ECHO_PREFIX, HREQ_ECHO_PREFIX "<field path>", SEM, "prose",
     "the 201 echoes the request's %s"},
};

#define N_TABLE (sizeof table / sizeof table[0])
#define N_FAMILIES (sizeof families / sizeof families[0])

const hreq *hreq_find(const char *id) {
  if (!id)
    return NULL;
  for (size_t i = 0; i < N_TABLE; i++)
    if (!strcmp(table[i].id, id))
      return &table[i];
  return NULL;
}

size_t hreq_count(void) { return N_TABLE; }

const hreq *hreq_at(size_t i) { return i < N_TABLE ? &table[i] : NULL; }

size_t hreq_family_count(void) { return N_FAMILIES; }

const hreq_family *hreq_family_at(size_t i) { return i < N_FAMILIES ? &families[i] : NULL; }

/* The variable part of a family member: a status needs three digits 100-599;
 * a path or rule name anything printable (a spec's property names may be any
 * Unicode), never empty, never a space or control character. */
static int valid_rest(const hreq_family *f, const char *rest) {
  if (!*rest || strlen(rest) + strlen(f->prefix) >= HREQ_ID_MAX)
    return 0;
  if (!strcmp(f->prefix, HREQ_SCHEMA_RESPONSE_PREFIX))
    return strlen(rest) == 3 && rest[0] >= '1' && rest[0] <= '5' && rest[1] >= '0' &&
           rest[1] <= '9' && rest[2] >= '0' && rest[2] <= '9';
  for (const unsigned char *p = (const unsigned char *)rest; *p; p++)
    if (*p <= 0x20 || *p == 0x7f)
      return 0;
  return 1;
}

const hreq_family *hreq_family_of(const char *id) {
  if (!id)
    return NULL;
  for (size_t i = 0; i < N_FAMILIES; i++) {
    size_t n = strlen(families[i].prefix);
    if (!strncmp(id, families[i].prefix, n))
      return valid_rest(&families[i], id + n) ? &families[i] : NULL;
  }
  return NULL;
}

int hreq_known(const char *id) { return hreq_find(id) || hreq_family_of(id); }

const char *hreq_class_of(const char *id) {
  const hreq *r = hreq_find(id);
  if (r)
    return r->klass;
  const hreq_family *f = hreq_family_of(id);
  return f ? f->klass : NULL;
}

const char *hreq_source_of(const char *id) {
  const hreq *r = hreq_find(id);
  if (r)
    return r->source;
  const hreq_family *f = hreq_family_of(id);
  return f ? f->source : NULL;
}

const char *hreq_title_of(const char *id, char *buf, size_t cap) {
  if (!cap)
    return buf;
  const hreq *r = hreq_find(id);
  const hreq_family *f = r ? NULL : hreq_family_of(id);
  if (r)
    snprintf(buf, cap, "%s", r->title);
  else if (f)
    snprintf(buf, cap, f->title_fmt, id + strlen(f->prefix));
  else
    snprintf(buf, cap, "%s", id ? id : "");
  return buf;
}
