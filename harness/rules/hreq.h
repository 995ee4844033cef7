/* hreq: the requirement registry - every requirement the harness knows, in one
 * place.
 *
 * A requirement is (id, class, title, source).  The case generator, the judge,
 * the mock's faults, the aggregation of a run, the report and the tests all
 * name requirements by the ids below and take class, title and source from
 * here.  Two kinds:
 *
 *   fixed     one entry in the static table (hreq_find, hreq_at): the HTTP,
 *             RFC 8259, prose and semantic rules, whatever the spec says;
 *   families  ids derived from the spec, declared as a pattern with the class
 *             and source every member has (hreq_family_of):
 *               schema.request.<schema>.<property path>.<rule>   request-schema
 *               schema.response.<status>                         response
 *               semantics.echo.<field path>                      semantics
 *             The generator gives a member its own title (from the schema
 *             walk); hreq_title_of gives a generic one.
 * A fixed entry wins over a family it also matches
 * ("schema.request.name.boundaries").
 *
 * Classes: positive, request-schema, rfc8259, http, prose, semantics, response.
 * Sources: spec, prose, http, rfc8259, rfc9110, rfc9112, rfc9457.
 *
 * The prose rules' ids and titles repeat hrules.c's overlay document (which
 * states them next to their schemas); test_registry checks the two agree.
 * Everything here is static and immutable: threads share it freely. */
#ifndef HREQ_H
#define HREQ_H

#include <stddef.h>

#include "rules/hstatus.h"

/* ---- classes ---- */
#define HREQ_CLASS_POSITIVE "positive"
#define HREQ_CLASS_REQUEST_SCHEMA "request-schema"
#define HREQ_CLASS_RFC8259 "rfc8259"
#define HREQ_CLASS_HTTP "http"
#define HREQ_CLASS_PROSE "prose"
#define HREQ_CLASS_SEMANTICS "semantics"
#define HREQ_CLASS_RESPONSE "response"

/* ---- families (spec-derived ids): prefix + the variable part ---- */
#define HREQ_SCHEMA_REQUEST_PREFIX "schema.request."   /* + "<schema>.<path>.<rule>" */
#define HREQ_SCHEMA_RESPONSE_PREFIX "schema.response." /* + status: "schema.response.201" */
#define HREQ_ECHO_PREFIX "semantics.echo."             /* + field: "semantics.echo.account.id" */

/* ---- fixed ids ---- */
/* positive */
#define HREQ_POSITIVE_MINIMAL "positive.minimal"
#define HREQ_POSITIVE_FULL "positive.full"
#define HREQ_POSITIVE_OPTIONAL_COMBINATIONS "positive.optional-combinations"
#define HREQ_POSITIVE_GENERATED "positive.generated" /* the explore phase's valid bodies */
/* request-schema */
#define HREQ_NAME_BOUNDARIES "schema.request.name.boundaries"
#define HREQ_MULTIPLE_ERRORS "negative.multiple-errors"
/* rfc8259: the request body as JSON */
#define HREQ_MEMBER_ORDER "rfc8259.member-order-insignificant"
#define HREQ_WHITESPACE "rfc8259.insignificant-whitespace"
#define HREQ_STRING_ESCAPES "rfc8259.string-escapes"
#define HREQ_DEEP_NESTING "rfc8259.deep-nesting-rejected"
#define HREQ_MALFORMED "rfc8259.malformed-rejected"
#define HREQ_TRAILING_DATA "rfc8259.trailing-data-rejected"
#define HREQ_BOM_EITHER "rfc8259.bom-either"
#define HREQ_INVALID_UTF8 "rfc8259.invalid-utf8-rejected"
#define HREQ_LONE_SURROGATE "rfc8259.lone-surrogate-rejected"
#define HREQ_DUPLICATE_NAMES "rfc8259.duplicate-names-either"
/* http */
#define HREQ_REQUEST_MEDIA_TYPES "http.request-media-types"
#define HREQ_EMPTY_BODY "http.empty-body-rejected"
#define HREQ_LARGE_BODY "http.large-body"
#define HREQ_UNSUPPORTED_MEDIA_TYPE "http.unsupported-media-type"
#define HREQ_METHOD_NOT_ALLOWED "http.method-not-allowed"
#define HREQ_AUTH_REQUIRED "http.authentication-required"
#define HREQ_AUTH_SCHEME_CASE "http.auth-scheme-case-insensitive"
#define HREQ_TRANSPORT "http.response-received"
#define HREQ_NO_TIMEOUT "http.no-timeout"
#define HREQ_NO_5XX "http.no-server-error"
#define HREQ_ALLOW "http.405-allow-header"
#define HREQ_WWW_AUTHENTICATE "http.401-www-authenticate"
#define HREQ_DATE "http.date-header"                              /* RFC 9110 6.6.1 */
#define HREQ_HEAD_NO_BODY "http.head-no-body"                     /* RFC 9110 9.3.2 */
#define HREQ_KEEP_ALIVE_FRAMING "http.keep-alive-framing"         /* RFC 9112 6.3 */
#define HREQ_KEEP_ALIVE_AFTER_ERROR "http.keep-alive-after-error" /* RFC 9112 9.3, 6.3 */
/* prose (the page; overlays in hrules.c) */
#define HREQ_PROSE_ACCOUNT_REQUIRED "prose.account-required"
#define HREQ_PROSE_ACCOUNT_ID_REQUIRED "prose.account-id-required"
#define HREQ_PROSE_NAME_REQUIRED "prose.name-required"
#define HREQ_PROSE_MODULES_REQUIRED "prose.modules-required"
#define HREQ_PROSE_REVISION_ONE "prose.revision-one"
#define HREQ_PROSE_TOKEN_RETURNED "prose.token-returned"
/* semantics */
#define HREQ_DISTINCT "semantics.distinct-creates"
#define HREQ_AUDIT_CREATED "semantics.audit-created-at-near-date"
#define HREQ_TOKEN_ONLY_ON_CREATE "semantics.token-only-on-create"
#define HREQ_CREATED_ID "semantics.created-id"
/* response */
#define HREQ_MEDIA_TYPE "response.media-type-documented"
#define HREQ_STRICT_JSON "rfc8259.response-strict-json"
#define HREQ_PROBLEM_STATUS "rfc9457.problem-status-matches"

/* Longest id the harness builds (a family member included), with its NUL. */
#define HREQ_ID_MAX 96

typedef struct {
  const char *id;
  const char *klass;  /* HREQ_CLASS_* */
  const char *title;  /* one line, what is required */
  const char *source; /* where the rule comes from: "spec", "prose", "rfc9110" ... */
} hreq;

typedef struct {
  const char *prefix;    /* HREQ_*_PREFIX */
  const char *pattern;   /* for people: "schema.response.<status>" */
  const char *klass;     /* every member's class */
  const char *source;    /* every member's source */
  const char *title_fmt; /* a generic title; one %s: the part after the prefix */
} hreq_family;

/* The fixed entry with this id, NULL when there is none (a family member, or
 * an unknown id). */
const hreq *hreq_find(const char *id);
/* The fixed entries, in the table's order (grouped by class). */
size_t hreq_count(void);
const hreq *hreq_at(size_t i); /* NULL when i >= hreq_count() */

/* The declared family id belongs to, NULL when none: the prefix and a valid
 * variable part (schema.response.: a status 100-599 in three digits; the others:
 * non-empty, no control character or space). */
const hreq_family *hreq_family_of(const char *id);
size_t hreq_family_count(void);
const hreq_family *hreq_family_at(size_t i);

/* 1 when id is a fixed entry or a family member. */
int hreq_known(const char *id);
/* The class of id: the fixed entry's, else its family's; NULL when unknown. */
const char *hreq_class_of(const char *id);
/* The source of id, as hreq_class_of; NULL when unknown. */
const char *hreq_source_of(const char *id);
/* The title of id into buf (cut to cap, NUL-terminated): the fixed entry's, a
 * family's generic title, or the id itself when unknown.  Returns buf. */
const char *hreq_title_of(const char *id, char *buf, size_t cap);

#endif
