/* hrules: the Create API token endpoint as the harness judges it.
 *
 * The spec document says almost everything; the page's prose adds a few rules
 * the schema lacks (account with id, name and at least one module are required;
 * the 201 body has revision 1 and a non-empty token value).  Those prose rules
 * live here, in one place, written as small JSON Schema overlays that the same
 * compiler validates, each with a stable requirement id ("prose.name-required").
 * Their violations carry schema locations such as
 * "rules#/prose.name-required/schema/required".
 *
 * hrules_new finds the operation (POST /public/v1/accounts/api-tokens) in a
 * loaded spec and compiles, up front, the request schema of every documented
 * request media type, the schema of every documented response, and the prose
 * overlays.  After that an hrules is immutable: threads share it, each with its
 * own hschema_result.  The mock's request checks, the judge of certify and the
 * fuzz oracles all go through hrules_check_request / hrules_check_response. */
#ifndef HRULES_H
#define HRULES_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "schema/hschema.h"
#include "spec/hspec.h"

#define HRULES_METHOD "post"
#define HRULES_PATH "/public/v1/accounts/api-tokens"

typedef enum {
  HRULES_SCOPE_REQUEST = 0, /* applies to a request body */
  HRULES_SCOPE_RESPONSE_201 /* applies to a 201 body */
} hrules_scope;

typedef struct {
  const char *id;    /* stable requirement id: "prose.modules-required" */
  const char *title; /* "at least one module is required" */
  hrules_scope scope;
} hrules_rule;

typedef struct hrules hrules;

/* spec must outlive the hrules.  NULL with *err filled when the operation is
 * missing from the spec or a schema does not compile. */
hrules *hrules_new(const hspec *spec, herr *err) __attribute__((warn_unused_result));
void hrules_free(hrules *rules);

const hspec *hrules_spec(const hrules *rules);
const hspec_operation *hrules_operation(const hrules *rules);

size_t hrules_count(const hrules *rules);
const hrules_rule *hrules_at(const hrules *rules, size_t i);
const hrules_rule *hrules_find(const hrules *rules, const char *id);

/* The request schema for a Content-Type header value (matched with
 * hspec_match_media against the documented request media types); NULL when the
 * media type is not documented.  *media (may be NULL) gets the matched entry. */
const hschema *hrules_request_schema(const hrules *rules, const char *content_type,
                                     const hspec_media **media);

/* The schema documented for a response status (its first JSON media type:
 * application/json, or one ending in +json), NULL when none is documented. */
const hschema *hrules_response_schema(const hrules *rules, int status);

/* Validates a request body against `schema` (from hrules_request_schema; NULL
 * means the first documented request media type) and then the prose request
 * rules, appending to r.  Returns 1 when nothing failed. */
int hrules_check_request(const hrules *rules, const hschema *schema, const cJSON *body,
                         hschema_result *r);

/* Validates a response body against the schema documented for `status` (none
 * documented: nothing to check) and, for 201, the prose response rules,
 * appending to r.  Returns 1 when nothing failed. */
int hrules_check_response(const hrules *rules, int status, const cJSON *body, hschema_result *r);

/* The requirement id a violation belongs to: "prose.<x>" for a prose overlay
 * violation, otherwise NULL (a spec schema violation).  Static to rules. */
const char *hrules_violation_rule(const hrules *rules, const hschema_violation *v);

#endif
