/* The fault table of the mock: one row per way of breaking exactly one rule.
 * `requirement` is the registry id (rules/hreq.h: a fixed id, or a member of a
 * family such as schema.request.<schema>.<path>.<rule>) of the catalogue
 * requirement or judge check that must fail when a certify run meets the
 * fault; tests/test_certify.c certifies the mock under every row and asserts
 * it, tests/test_registry.c that every id is registered. */
#include <string.h>

#include "mock/hmock.h"
#include "rules/hreq.h"

static const hmock_fault faults[] = {
    {HMOCK_FAULT_EXTRA_PROPERTY, "extra-property",
     "the 201 body carries an undeclared property (ApiToken has additionalProperties false)",
     HREQ_SCHEMA_RESPONSE_PREFIX "201", "a valid request"},
    {HMOCK_FAULT_REVISION_NOT_1, "revision-not-1", "the 201 body has revision 2, not 1",
     HREQ_PROSE_REVISION_ONE, "a valid request"},
    {HMOCK_FAULT_NO_TOKEN, "no-token", "the 201 body has no token value", HREQ_PROSE_TOKEN_RETURNED,
     "a valid request"},
    {HMOCK_FAULT_BAD_DATE_TIME, "bad-date-time",
     "the first date-time of the 201 (audit.created.at) is not RFC 3339 (\"2026-01-02 03:04:05\")",
     HREQ_SCHEMA_RESPONSE_PREFIX "201", "a valid request"},
    {HMOCK_FAULT_WRONG_TYPE, "wrong-type",
     "the first generated plain string of the 201 (audit.created.by.id) is the number 42",
     HREQ_SCHEMA_RESPONSE_PREFIX "201", "a valid request"},
    {HMOCK_FAULT_BAD_ENUM, "bad-enum",
     "the first generated enum value of the 201 (account.type) is outside its enum (its first "
     "value + \"-not-in-enum\")",
     HREQ_SCHEMA_RESPONSE_PREFIX "201", "a valid request"},
    {HMOCK_FAULT_ACCEPT_BAD_ACCOUNT_ID, "accept-bad-account-id",
     "an account id not matching its pattern is accepted (201 instead of 400)",
     "schema.request.AccountDto.id.pattern", "a valid request with account.id \"ACC-12\""},
    {HMOCK_FAULT_ACCEPT_BAD_MODULE_ID, "accept-bad-module-id",
     "a module id not matching its pattern is accepted (201 instead of 400)",
     "schema.request.ModuleDto.id.pattern", "a valid request with modules [{\"id\":\"MOD-1\"}]"},
    {HMOCK_FAULT_ACCEPT_EMPTY_MODULES, "accept-empty-modules",
     "an empty modules array is accepted (201 instead of 400)", HREQ_PROSE_MODULES_REQUIRED,
     "a valid request with modules []"},
    {HMOCK_FAULT_ACCEPT_MISSING_NAME, "accept-missing-name",
     "a request without name is accepted (201 instead of 400)", HREQ_PROSE_NAME_REQUIRED,
     "a valid request without name"},
    {HMOCK_FAULT_ACCEPT_UNKNOWN_PROPERTY, "accept-unknown-property",
     "an undeclared request property is accepted (201 instead of 400)",
     "schema.request.CreateApiTokenDto.additionalProperties", "a valid request plus \"unknown\":1"},
    {HMOCK_FAULT_500_ON_UNICODE, "500-on-unicode",
     "a valid request whose echoed strings (name, icon, description ...) hold non-ASCII or "
     "\\u0000 gets 500",
     HREQ_NO_5XX, "a valid request with name \"caf\\u00e9\""},
    {HMOCK_FAULT_REJECT_TEXT_JSON, "reject-text-json",
     "the documented request media type text/json is answered 415", HREQ_REQUEST_MEDIA_TYPES,
     "a valid request with Content-Type text/json"},
    {HMOCK_FAULT_REJECT_NULL, "reject-null",
     "null in a nullable request property (description, icon, extensions) is answered 400",
     "schema.request.CreateApiTokenDto.description.nullable",
     "a valid request with \"description\":null"},
    {HMOCK_FAULT_PROBLEM_STATUS_MISMATCH, "problem-status-mismatch",
     "the 400 ProblemDetails says status 422", HREQ_PROBLEM_STATUS,
     "an invalid request"},
    {HMOCK_FAULT_PROBLEM_NOT_JSON, "problem-not-json", "the 400 body is plain text, not JSON",
     HREQ_STRICT_JSON, "an invalid request"},
    {HMOCK_FAULT_STATUS_200, "status-200", "a created token is answered 200 instead of 201",
     HREQ_POSITIVE_MINIMAL, "a valid request"},
    {HMOCK_FAULT_INVALID_UTF8, "invalid-utf8",
     "the 201 body holds an invalid UTF-8 sequence (in its first generated plain string, "
     "audit.created.by.id)",
     HREQ_STRICT_JSON, "a valid request"},
    {HMOCK_FAULT_DUPLICATE_KEY, "duplicate-key", "the 201 body has the member \"id\" twice",
     HREQ_STRICT_JSON, "a valid request"},
    {HMOCK_FAULT_IGNORE_AUTH, "ignore-auth",
     "with a token configured, a missing or wrong bearer token is accepted",
     HREQ_AUTH_REQUIRED, "a valid request without Authorization"},
    {HMOCK_FAULT_HANG_LARGE_BODY, "hang-large-body",
     "a body over --max-body is never answered (instead of 413)", HREQ_NO_TIMEOUT,
     "a POST with a body over --max-body"},
    {HMOCK_FAULT_WRONG_CONTENT_TYPE, "wrong-content-type",
     "the 201 is sent with Content-Type text/plain", HREQ_MEDIA_TYPE,
     "a valid request"},
    /* ---- ordinary bugs a little to the side of a fixed test point ---- */
    {HMOCK_FAULT_ITEM_RULES_FIRST_ONLY, "item-rules-first-only",
     "array item rules are checked at index 0 only: a bad modules[1..] or extensions[1..] item "
     "is accepted",
     "schema.request.ModuleDto.id.pattern", "modules [{\"id\":\"MOD-1234\"},{\"id\":\"MOD-1\"}]"},
    {HMOCK_FAULT_UNDECLARED_NULL_IGNORED, "undeclared-null-ignored",
     "an undeclared property whose value is null is accepted (nulls dropped before the "
     "unknown-member check)",
     "schema.request.CreateApiTokenDto.additionalProperties",
     "a valid request plus \"unknown\":null"},
    {HMOCK_FAULT_TWO_ERRORS_INVALID_JSON, "two-errors-invalid-json",
     "a 400 for errors at two or more locations lacks the comma between them in \"errors\" "
     "(invalid JSON)",
     HREQ_STRICT_JSON, "account.id \"x\" and name 1 in one body"},
    {HMOCK_FAULT_DUPLICATE_LAST_WINS, "duplicate-key-last-wins",
     "with a member name twice, the first value is validated and the last one stored and echoed",
     HREQ_ECHO_PREFIX "name", "{\"name\":\"ok\",\"name\":\"other\", ...}"},
    {HMOCK_FAULT_NAME_TRUNCATED_255, "name-truncated-255",
     "the name is stored in 255 characters: a longer name is echoed cut", HREQ_ECHO_PREFIX "name",
     "a valid request with a 256-character name"},
    {HMOCK_FAULT_NAME_TRIMMED, "name-trimmed",
     "the name is stored without leading and trailing white space", HREQ_ECHO_PREFIX "name",
     "a valid request with name \" x \""},
    {HMOCK_FAULT_NON_ASCII_AS_QUESTION, "non-ascii-as-question-mark",
     "echoed strings go through an ASCII encoder: every non-ASCII character becomes '?'",
     HREQ_ECHO_PREFIX "name", "a valid request with name \"caf\\u00e9\""},
    {HMOCK_FAULT_NON_BMP_REPLACED, "non-bmp-replaced",
     "characters outside the Basic Multilingual Plane are echoed as U+FFFD (UCS-2 storage)",
     HREQ_ECHO_PREFIX "name", "a valid request with name \"\\ud83d\\ude00\""},
    {HMOCK_FAULT_NUL_TRUNCATES, "nul-truncates",
     "strings are stored as C strings: an echoed value ends at its first \\u0000",
     HREQ_ECHO_PREFIX "name", "a valid request with name \"a\\u0000b\""},
    {HMOCK_FAULT_MODULES_DEDUPLICATED, "modules-deduplicated",
     "a module id requested twice is echoed once (a set, not the requested list)",
     HREQ_ECHO_PREFIX "modules[].id", "modules [{\"id\":\"MOD-1234\"},{\"id\":\"MOD-1234\"}]"},
    {HMOCK_FAULT_EXTRA_MODULE_ECHOED, "extra-module-echoed",
     "the echo adds a module never requested (a default module, generated from the item schema)",
     HREQ_ECHO_PREFIX "modules[].id", "a valid request"},
    {HMOCK_FAULT_MODULES_CAPPED, "modules-capped",
     "at most 100 modules are echoed (the first page of a lookup)", HREQ_ECHO_PREFIX "modules[].id",
     "a valid request with 1,000 modules"},
    {HMOCK_FAULT_500_ON_HUGE_NUMBER, "500-on-huge-number",
     "a number beyond double range (1e400) gets 500 instead of 400", HREQ_NO_5XX,
     "{\"name\":1e400, ...}"},
    {HMOCK_FAULT_500_ON_DEEP_NESTING, "500-on-deep-nesting",
     "nesting of 1,000 levels or more gets 500 (a recursive reader's stack) instead of 400",
     HREQ_NO_5XX, "{\"name\":[[[...1,000 levels...]]], ...}"},
    {HMOCK_FAULT_UNESCAPED_DETAIL, "unescaped-detail",
     "the 400 detail quotes the invalid string value without JSON escaping (invalid JSON when "
     "it holds '\"', '\\\\' or a control character)",
     HREQ_STRICT_JSON, "account.id \"ACC-\\\"1\""},
    {HMOCK_FAULT_AUTH_PREFIX_ONLY, "auth-prefix-only",
     "only the first 8 characters of the bearer token are compared", HREQ_AUTH_REQUIRED,
     "the token with its last character changed"},
    {HMOCK_FAULT_AUTH_LENGTH_ONLY, "auth-length-only",
     "only the length of the bearer token is compared", HREQ_AUTH_REQUIRED,
     "as many characters as the token, none of them equal"},
    {HMOCK_FAULT_AUTH_CASE_INSENSITIVE, "auth-case-insensitive",
     "the bearer token is compared ignoring letter case", HREQ_AUTH_REQUIRED,
     "the token with its letter case flipped"},
    {HMOCK_FAULT_AUTH_EMPTY_BEARER, "auth-empty-bearer",
     "\"Authorization: Bearer\" without credentials is accepted", HREQ_AUTH_REQUIRED,
     "Authorization: Bearer"},
    {HMOCK_FAULT_AUTH_ANY_SCHEME, "auth-any-scheme",
     "the scheme is not checked: \"Basic <token>\" is accepted", HREQ_AUTH_REQUIRED,
     "Authorization: Basic <token>"},
    {HMOCK_FAULT_AUTH_SCHEME_CASE, "auth-scheme-case-sensitive",
     "the scheme is compared case-sensitively: \"bearer <token>\" gets 401 (RFC 9110 11.1)",
     HREQ_AUTH_SCHEME_CASE, "Authorization: bearer <token>"},
    {HMOCK_FAULT_AUTH_LAST_HEADER_WINS, "auth-last-header-wins",
     "of two Authorization headers the last one is used (a wrong one, then the token: 201)",
     HREQ_AUTH_REQUIRED, "Authorization: Bearer wrong + Authorization: Bearer <token>"},
    {HMOCK_FAULT_SAME_NAME_CONFLICT, "same-name-conflict",
     "a name already used is answered 409 (names are not documented as unique)",
     HREQ_DISTINCT, "the same valid body with a literal name, twice"},
    {HMOCK_FAULT_SAME_BODY_SAME_TOKEN, "same-body-same-token",
     "the same body sent again gets the first answer again: same id, same token value",
     HREQ_DISTINCT, "the same valid body, twice"},
    {HMOCK_FAULT_KEEP_ALIVE_MISFRAME, "keep-alive-misframe",
     "a 401/404/405/415 is sent before the body is read and the connection kept: the body is "
     "read as the next request, so the next request on the connection gets 400",
     HREQ_KEEP_ALIVE_AFTER_ERROR, "a 415 with a body, then a valid request on one connection"},
    {HMOCK_FAULT_HEAD_WITH_BODY, "head-with-body",
     "a HEAD answer is followed by its body bytes (RFC 9110 9.3.2)", HREQ_HEAD_NO_BODY,
     "HEAD on the path"},
    {HMOCK_FAULT_NO_DATE, "no-date", "no answer carries a Date header (RFC 9110 6.6.1)",
     HREQ_DATE, "a valid request"},
    {HMOCK_FAULT_REVISION_FLOAT, "revision-float",
     "the 201 revision is written 1.0 (a float serializer), not the integer 1",
     HREQ_SCHEMA_RESPONSE_PREFIX "201", "a valid request"},
    {HMOCK_FAULT_CHARSET_EXACT, "charset-exact",
     "media-type parameters are compared as text: only \"; charset=utf-8\" passes, "
     "\"charset=UTF-8\" or \"charset=\\\"utf-8\\\"\" get 415",
     HREQ_REQUEST_MEDIA_TYPES, "Content-Type: application/json; charset=UTF-8"},
    {HMOCK_FAULT_MEMBER_ORDER, "member-order",
     "the body must start with account (a streaming reader): another first member gets 400",
     HREQ_MEMBER_ORDER, "{\"name\":\"x\",\"account\":{...},...}"},
    {HMOCK_FAULT_PRETTY_REFUSED, "pretty-refused",
     "a tab or carriage return between tokens gets 400 (white space is space or LF only)",
     HREQ_WHITESPACE, "a valid body indented with tabs and CRLF"},
};

_Static_assert(sizeof faults / sizeof faults[0] == HMOCK_FAULT_COUNT_,
               "one row per hmock_fault_id, in order");
_Static_assert(HMOCK_FAULT_COUNT_ <= 64, "hmock_options.faults is a 64-bit mask");

size_t hmock_fault_count(void) { return sizeof faults / sizeof faults[0]; }

const hmock_fault *hmock_fault_at(size_t i) { return i < hmock_fault_count() ? &faults[i] : NULL; }

const hmock_fault *hmock_fault_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < hmock_fault_count(); i++)
    if (!strcmp(faults[i].name, name))
      return &faults[i];
  return NULL;
}
