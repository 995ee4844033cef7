/* hrules: the endpoint model and the rules only the page's prose states. */
#include "rules/hrules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/hjson.h"

/* The rules the page's prose adds to the schema ("Accepts account reference,
 * name, optional description, and at least one module.  Returns the created API
 * token object with revision 1 and token value").  Each is a JSON Schema overlay
 * validated with the same compiler as the spec, so the validator is the only
 * code that judges a body.  Keys are the stable requirement ids; violations point
 * into this document ("rules#/prose.name-required/schema/required").
 *
 * "modules" is nullable in the schema but the page demands at least one module:
 * the prose wins, so the overlay types modules as a non-null array. */
static const char prose_rules_json[] =
    "{"
    "\"prose.account-required\":{\"scope\":\"request\","
    "\"title\":\"an account reference is required\","
    "\"schema\":{\"required\":[\"account\"]}},"
    "\"prose.account-id-required\":{\"scope\":\"request\","
    "\"title\":\"the account reference carries an id\","
    "\"schema\":{\"properties\":{\"account\":{\"required\":[\"id\"]}}}},"
    "\"prose.name-required\":{\"scope\":\"request\","
    "\"title\":\"a name is required\","
    "\"schema\":{\"required\":[\"name\"]}},"
    "\"prose.modules-required\":{\"scope\":\"request\","
    "\"title\":\"at least one module is required\","
    "\"schema\":{\"required\":[\"modules\"],"
    "\"properties\":{\"modules\":{\"type\":\"array\",\"minItems\":1}}}},"
    "\"prose.revision-one\":{\"scope\":\"response.201\","
    "\"title\":\"the created token has revision 1\","
    "\"schema\":{\"required\":[\"revision\"],\"properties\":{\"revision\":{\"enum\":[1]}}}},"
    "\"prose.token-returned\":{\"scope\":\"response.201\","
    "\"title\":\"the token value is returned on create\","
    "\"schema\":{\"required\":[\"token\"],"
    "\"properties\":{\"token\":{\"type\":\"string\",\"minLength\":1}}}}"
    "}";

#define RULES_SET_NAME "rules"

typedef struct {
  hrules_rule rule;
  const hschema *schema;
  char prefix[192]; /* "rules#/<id>/" : violations under it belong to the rule */
} prose_rule;

typedef struct {
  const hspec_media *media;
  const hschema *schema;
} media_schema;

typedef struct {
  const hspec_response *response;
  const hschema *schema; /* NULL: no JSON schema documented */
} response_schema;

struct hrules {
  const hspec *spec;
  const hspec_operation *op;
  hschema_set *spec_set;
  hjson_doc *rules_doc;
  hschema_set *rules_set;
  media_schema *requests;
  size_t n_requests;
  response_schema *responses;
  size_t n_responses;
  prose_rule *prose;
  size_t n_prose;
};

static int is_json_media(const char *mt) {
  size_t n = strlen(mt);
  if (!strncmp(mt, "application/json", 16) && (mt[16] == '\0' || mt[16] == ';'))
    return 1;
  return n >= 5 && !strcmp(mt + n - 5, "+json");
}

/* "#/paths/.../schema" pointers come from hspec; hschema_compile wants the same form. */
static const hschema *compile_at(hschema_set *set, const char *pointer, herr *err) {
  return hschema_compile(set, pointer, err);
}

static int load_prose(hrules *r, herr *err) {
  hjson_error jerr;
  const cJSON *root = hjson_parse(r->rules_doc, prose_rules_json, sizeof prose_rules_json - 1,
                                  NULL, &jerr);
  if (!root) {
    snprintf(err->msg, sizeof err->msg, "built-in prose rules: %s at offset %zu", jerr.msg,
             jerr.offset);
    return 0;
  }
  r->rules_set = hschema_set_new(root, RULES_SET_NAME);
  if (!r->rules_set)
    goto nomem;
  size_t n = (size_t)cJSON_GetArraySize(root);
  r->prose = calloc(n ? n : 1, sizeof *r->prose);
  if (!r->prose)
    goto nomem;
  for (const cJSON *item = root->child; item; item = item->next) {
    prose_rule *p = &r->prose[r->n_prose];
    const cJSON *scope = cJSON_GetObjectItemCaseSensitive(item, "scope");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(item, "title");
    p->rule.id = item->string;
    p->rule.title = cJSON_IsString(title) ? title->valuestring : item->string;
    p->rule.scope = (cJSON_IsString(scope) && !strcmp(scope->valuestring, "request"))
                        ? HRULES_SCOPE_REQUEST
                        : HRULES_SCOPE_RESPONSE_201;
    char pointer[160];
    size_t len = 1;
    strcpy(pointer, "#");
    hjson_pointer_push(pointer, sizeof pointer, &len, item->string, strlen(item->string));
    hjson_pointer_push(pointer, sizeof pointer, &len, "schema", 6);
    snprintf(p->prefix, sizeof p->prefix, "%s%s/", RULES_SET_NAME, pointer);
    p->schema = compile_at(r->rules_set, pointer, err);
    if (!p->schema)
      return 0;
    r->n_prose++;
  }
  return 1;
nomem:
  snprintf(err->msg, sizeof err->msg, "out of memory loading the prose rules");
  return 0;
}

static int load_operation(hrules *r, herr *err) {
  const hspec_operation *op = r->op;
  r->requests = calloc(op->n_request ? op->n_request : 1, sizeof *r->requests);
  r->responses = calloc(op->n_responses ? op->n_responses : 1, sizeof *r->responses);
  if (!r->requests || !r->responses) {
    snprintf(err->msg, sizeof err->msg, "out of memory compiling the operation's schemas");
    return 0;
  }
  for (size_t i = 0; i < op->n_request; i++) {
    const hspec_media *m = &op->request[i];
    r->requests[i].media = m;
    if (m->schema) {
      r->requests[i].schema = compile_at(r->spec_set, m->schema_pointer, err);
      if (!r->requests[i].schema)
        return 0;
    }
    r->n_requests++;
  }
  for (size_t i = 0; i < op->n_responses; i++) {
    const hspec_response *resp = &op->responses[i];
    r->responses[i].response = resp;
    for (size_t j = 0; j < resp->n_media; j++) {
      const hspec_media *m = &resp->media[j];
      if (!m->schema || !is_json_media(m->media_type))
        continue;
      r->responses[i].schema = compile_at(r->spec_set, m->schema_pointer, err);
      if (!r->responses[i].schema)
        return 0;
      break;
    }
    r->n_responses++;
  }
  return 1;
}

hrules *hrules_new(const hspec *spec, herr *err) {
  herr local;
  if (!err)
    err = &local;
  err->msg[0] = '\0';
  hrules *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return NULL;
  }
  r->spec = spec;
  r->op = hspec_find(spec, HRULES_METHOD, HRULES_PATH);
  if (!r->op) {
    snprintf(err->msg, sizeof err->msg, "%s: no operation %s %s in the spec", hspec_name(spec),
             "POST", HRULES_PATH);
    goto fail;
  }
  r->spec_set = hschema_set_new(hspec_root(spec), NULL);
  r->rules_doc = hjson_doc_new();
  if (!r->spec_set || !r->rules_doc) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
    goto fail;
  }
  if (!load_operation(r, err) || !load_prose(r, err))
    goto fail;
  return r;
fail:
  hrules_free(r);
  return NULL;
}

void hrules_free(hrules *r) {
  if (!r)
    return;
  hschema_set_free(r->rules_set);
  hschema_set_free(r->spec_set);
  hjson_doc_free(r->rules_doc);
  free(r->requests);
  free(r->responses);
  free(r->prose);
  free(r);
}

const hspec *hrules_spec(const hrules *r) { return r->spec; }
const hspec_operation *hrules_operation(const hrules *r) { return r->op; }
size_t hrules_count(const hrules *r) { return r->n_prose; }
const hrules_rule *hrules_at(const hrules *r, size_t i) {
  return i < r->n_prose ? &r->prose[i].rule : NULL;
}

const hrules_rule *hrules_find(const hrules *r, const char *id) {
  for (size_t i = 0; i < r->n_prose; i++)
    if (!strcmp(r->prose[i].rule.id, id))
      return &r->prose[i].rule;
  return NULL;
}

const hschema *hrules_request_schema(const hrules *r, const char *content_type,
                                     const hspec_media **media) {
  const hspec_media *m = hspec_match_media(r->op->request, r->op->n_request, content_type);
  if (media)
    *media = m;
  if (!m)
    return NULL;
  for (size_t i = 0; i < r->n_requests; i++)
    if (r->requests[i].media == m)
      return r->requests[i].schema;
  return NULL;
}

const hschema *hrules_response_schema(const hrules *r, int status) {
  const hspec_response *resp = hspec_response_for(r->op, status);
  if (!resp)
    return NULL;
  for (size_t i = 0; i < r->n_responses; i++)
    if (r->responses[i].response == resp)
      return r->responses[i].schema;
  return NULL;
}

static int check_prose(const hrules *r, hrules_scope scope, const cJSON *body, hschema_result *res) {
  int ok = 1;
  for (size_t i = 0; i < r->n_prose; i++)
    if (r->prose[i].rule.scope == scope &&
        !hschema_validate(r->prose[i].schema, body, HSCHEMA_DIR_NONE, res))
      ok = 0;
  return ok;
}

int hrules_check_request(const hrules *r, const hschema *schema, const cJSON *body,
                         hschema_result *res) {
  if (!schema && r->n_requests)
    schema = r->requests[0].schema;
  int ok = 1;
  if (schema && !hschema_validate(schema, body, HSCHEMA_DIR_REQUEST, res))
    ok = 0;
  if (!check_prose(r, HRULES_SCOPE_REQUEST, body, res))
    ok = 0;
  return ok;
}

int hrules_check_response(const hrules *r, int status, const cJSON *body, hschema_result *res) {
  const hschema *schema = hrules_response_schema(r, status);
  int ok = 1;
  if (schema && !hschema_validate(schema, body, HSCHEMA_DIR_RESPONSE, res))
    ok = 0;
  if (status == 201 && !check_prose(r, HRULES_SCOPE_RESPONSE_201, body, res))
    ok = 0;
  return ok;
}

const char *hrules_violation_rule(const hrules *r, const hschema_violation *v) {
  if (!v || !v->schema)
    return NULL;
  for (size_t i = 0; i < r->n_prose; i++) {
    size_t n = strlen(r->prose[i].prefix);
    /* the prefix ends in '/'; the schema root itself is the prefix without it */
    if (!strncmp(v->schema, r->prose[i].prefix, n) ||
        (strlen(v->schema) == n - 1 && !strncmp(v->schema, r->prose[i].prefix, n - 1)))
      return r->prose[i].rule.id;
  }
  return NULL;
}
