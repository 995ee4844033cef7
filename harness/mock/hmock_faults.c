/* The fault table of the mock: one row per way of breaking exactly one rule. */
#include <string.h>

#include "mock/hmock.h"

static const hmock_fault faults[] = {
    {HMOCK_FAULT_EXTRA_PROPERTY, "extra-property",
     "the 201 body carries an undeclared property (ApiToken has additionalProperties false)",
     "response 201 body matches the ApiToken schema (additionalProperties)", "a valid request"},
    {HMOCK_FAULT_REVISION_NOT_1, "revision-not-1", "the 201 body has revision 2, not 1",
     "prose.revision-one: the 201 body has revision 1", "a valid request"},
    {HMOCK_FAULT_NO_TOKEN, "no-token", "the 201 body has no token value",
     "prose.token-returned: the 201 body carries the token value", "a valid request"},
    {HMOCK_FAULT_BAD_DATE_TIME, "bad-date-time",
     "audit.created.at is not an RFC 3339 date-time (\"2026-01-02 03:04:05\")",
     "response 201 body matches the ApiToken schema (format date-time at /audit/created/at)",
     "a valid request"},
    {HMOCK_FAULT_WRONG_TYPE, "wrong-type", "account.name is a JSON number, not a string",
     "response 201 body matches the ApiToken schema (type at /account/name)", "a valid request"},
    {HMOCK_FAULT_BAD_ENUM, "bad-enum", "account.type is outside the AccountType enum (its first value + \"-not-in-enum\")",
     "response 201 body matches the ApiToken schema (enum at /account/type)", "a valid request"},
    {HMOCK_FAULT_ACCEPT_BAD_ACCOUNT_ID, "accept-bad-account-id",
     "an account id not matching its pattern is accepted (201 instead of 400)",
     "request with an invalid account.id gets 400 (pattern at /account/id)",
     "a valid request with account.id \"ACC-12\""},
    {HMOCK_FAULT_ACCEPT_BAD_MODULE_ID, "accept-bad-module-id",
     "a module id not matching its pattern is accepted (201 instead of 400)",
     "request with an invalid modules[].id gets 400 (pattern at /modules/0/id)",
     "a valid request with modules [{\"id\":\"MOD-1\"}]"},
    {HMOCK_FAULT_ACCEPT_EMPTY_MODULES, "accept-empty-modules",
     "an empty modules array is accepted (201 instead of 400)",
     "prose.modules-required: request with modules [] gets 400", "a valid request with modules []"},
    {HMOCK_FAULT_ACCEPT_MISSING_NAME, "accept-missing-name",
     "a request without name is accepted (201 instead of 400)",
     "prose.name-required: request without name gets 400", "a valid request without name"},
    {HMOCK_FAULT_ACCEPT_UNKNOWN_PROPERTY, "accept-unknown-property",
     "an undeclared request property is accepted (201 instead of 400)",
     "request with an unknown property gets 400 (additionalProperties at the root)",
     "a valid request plus \"unknown\":1"},
    {HMOCK_FAULT_500_ON_UNICODE, "500-on-unicode",
     "a valid request whose name, icon or description holds non-ASCII or \\u0000 gets 500",
     "a valid request with an unusual but valid name gets 201",
     "a valid request with name \"caf\\u00e9\""},
    {HMOCK_FAULT_REJECT_TEXT_JSON, "reject-text-json",
     "the documented request media type text/json is answered 415",
     "a valid request sent as text/json gets 201", "a valid request with Content-Type text/json"},
    {HMOCK_FAULT_REJECT_NULL, "reject-null",
     "null in a nullable request property (description, icon, extensions) is answered 400",
     "a valid request with description null gets 201", "a valid request with \"description\":null"},
    {HMOCK_FAULT_PROBLEM_STATUS_MISMATCH, "problem-status-mismatch",
     "the 400 ProblemDetails says status 422",
     "400 ProblemDetails status equals the HTTP status (RFC 9457)", "an invalid request"},
    {HMOCK_FAULT_PROBLEM_NOT_JSON, "problem-not-json", "the 400 body is plain text, not JSON",
     "the 400 body is JSON (ProblemDetails)", "an invalid request"},
    {HMOCK_FAULT_STATUS_200, "status-200", "a created token is answered 200 instead of 201",
     "a valid request gets 201", "a valid request"},
    {HMOCK_FAULT_INVALID_UTF8, "invalid-utf8",
     "the 201 body holds an invalid UTF-8 sequence (in account.name)",
     "the 201 body is strict JSON (RFC 8259 UTF-8)", "a valid request"},
    {HMOCK_FAULT_DUPLICATE_KEY, "duplicate-key", "the 201 body has the member \"id\" twice",
     "the 201 body is strict JSON (no duplicate member names)", "a valid request"},
    {HMOCK_FAULT_IGNORE_AUTH, "ignore-auth",
     "with a token configured, a missing or wrong bearer token is accepted",
     "a request without a valid bearer token gets 401", "a valid request without Authorization"},
    {HMOCK_FAULT_HANG_LARGE_BODY, "hang-large-body",
     "a body over --max-body is never answered (instead of 413)",
     "a body over the size limit gets 413 within the client timeout",
     "a POST with a body over --max-body"},
    {HMOCK_FAULT_WRONG_CONTENT_TYPE, "wrong-content-type",
     "the 201 is sent with Content-Type text/plain",
     "the 201 Content-Type is a documented media type (application/json)", "a valid request"},
};

_Static_assert(sizeof faults / sizeof faults[0] == HMOCK_FAULT_COUNT_,
               "one row per hmock_fault_id, in order");

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
