/* The endpoint model and the prose rules (harness/rules). */
#include <criterion/criterion.h>
#include <string.h>

#include "json/hjson.h"
#include "rules/hrules.h"
#include "support.h"

static hspec *spec;
static hrules *rules;
static hjson_doc *doc;
static hschema_result *res;

static void setup(void) {
  rules = ts_load_rules(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", &spec);
  doc = hjson_doc_new();
  res = hschema_result_new(0);
  cr_assert(doc && res);
}

static void teardown(void) {
  hschema_result_free(res);
  hjson_doc_free(doc);
  hrules_free(rules);
  hspec_free(spec);
}

TestSuite(rules, .init = setup, .fini = teardown);

static const cJSON *parse(const char *text) {
  hjson_error e;
  const cJSON *root = hjson_parse(doc, text, strlen(text), NULL, &e);
  cr_assert_not_null(root, "fixture does not parse: %s at %zu", e.msg, e.offset);
  return root;
}

/* Checks a request body; returns whether it passed and asserts that the
 * violations, if any, include one of rule `want_rule` (NULL: a schema one). */
static int check_request(const char *body) {
  hschema_result_reset(res);
  return hrules_check_request(rules, NULL, parse(body), res);
}

static int has_rule_violation(const char *rule_id) {
  for (size_t i = 0; i < hschema_result_count(res); i++) {
    const char *r = hrules_violation_rule(rules, hschema_result_at(res, i));
    if (r && !strcmp(r, rule_id))
      return 1;
  }
  return 0;
}

static int has_schema_violation(const char *keyword, const char *instance) {
  for (size_t i = 0; i < hschema_result_count(res); i++) {
    const hschema_violation *v = hschema_result_at(res, i);
    if (!hrules_violation_rule(rules, v) && !strcmp(v->keyword, keyword) &&
        !strcmp(v->instance, instance))
      return 1;
  }
  return 0;
}

#define VALID_BODY                                                                                 \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"ci token\",\"modules\":[{\"id\":\"MOD-1234\"}]}"

Test(rules, finds_the_operation_and_its_media_types) {
  const hspec_operation *op = hrules_operation(rules);
  cr_assert_str_eq(op->path, HRULES_PATH);
  cr_assert_str_eq(op->method, "post");
  const hspec_media *m = NULL;
  cr_assert_not_null(hrules_request_schema(rules, "application/json", &m));
  cr_assert_str_eq(m->media_type, "application/json");
  cr_assert_not_null(hrules_request_schema(rules, "TEXT/JSON; charset=utf-8", &m));
  cr_assert_str_eq(m->media_type, "text/json");
  cr_assert_not_null(hrules_request_schema(rules, "application/vnd.acme+json", &m));
  cr_assert_str_eq(m->media_type, "application/*+json");
  cr_assert_null(hrules_request_schema(rules, "text/plain", &m));
  cr_assert_null(m);
  cr_assert_null(hrules_request_schema(rules, NULL, NULL));
  cr_assert_not_null(hrules_response_schema(rules, 201));
  cr_assert_not_null(hrules_response_schema(rules, 400));
  cr_assert_null(hrules_response_schema(rules, 500), "500 is not documented");
}

Test(rules, lists_the_prose_rules_with_stable_ids) {
  cr_assert_eq(hrules_count(rules), 6);
  cr_assert_not_null(hrules_find(rules, "prose.account-required"));
  cr_assert_not_null(hrules_find(rules, "prose.account-id-required"));
  cr_assert_not_null(hrules_find(rules, "prose.name-required"));
  cr_assert_not_null(hrules_find(rules, "prose.modules-required"));
  cr_assert_eq(hrules_find(rules, "prose.revision-one")->scope, HRULES_SCOPE_RESPONSE_201);
  cr_assert_eq(hrules_find(rules, "prose.token-returned")->scope, HRULES_SCOPE_RESPONSE_201);
  cr_assert_null(hrules_find(rules, "prose.nope"));
}

Test(rules, accepts_a_minimal_valid_request) {
  cr_assert(check_request(VALID_BODY));
  cr_assert_eq(hschema_result_errors(res), 0);
}

Test(rules, name_is_required_by_the_prose) {
  cr_assert_not(check_request(
      "{\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-1234\"}]}"));
  cr_assert(has_rule_violation("prose.name-required"));
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_str_eq(v->keyword, "required");
  cr_assert(strstr(v->schema, "rules#/prose.name-required/schema") == v->schema, "%s", v->schema);
}

Test(rules, account_and_its_id_are_required) {
  cr_assert_not(check_request("{\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}"));
  cr_assert(has_rule_violation("prose.account-required"));
  cr_assert_not(check_request("{\"account\":{},\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}"));
  cr_assert(has_rule_violation("prose.account-id-required"));
  cr_assert_not(has_rule_violation("prose.account-required"));
}

Test(rules, at_least_one_module_and_not_null) {
  cr_assert_not(check_request("{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":[]}"));
  cr_assert(has_rule_violation("prose.modules-required"));
  cr_assert_not(check_request("{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":null}"));
  cr_assert(has_rule_violation("prose.modules-required"), "schema allows null, the prose does not");
  cr_assert_not(check_request("{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\"}"));
  cr_assert(has_rule_violation("prose.modules-required"));
}

Test(rules, schema_violations_come_with_prose_ones) {
  cr_assert_not(check_request("{\"account\":{\"id\":\"acc-1234-5678\"},\"Name\":\"x\","
                              "\"modules\":[{\"id\":\"MOD-1234\"}]}"));
  cr_assert(has_schema_violation("pattern", "/account/id"));
  cr_assert(has_schema_violation("additionalProperties", "/Name"));
  cr_assert(has_rule_violation("prose.name-required"));
}

Test(rules, response_201_needs_revision_one_and_a_token) {
  const char *ok = "{\"id\":\"TKN-1\",\"name\":\"x\",\"revision\":1,\"token\":\"secret\","
                   "\"status\":\"Active\"}";
  hschema_result_reset(res);
  cr_assert(hrules_check_response(rules, 201, parse(ok), res));

  hschema_result_reset(res);
  cr_assert_not(hrules_check_response(
      rules, 201, parse("{\"id\":\"TKN-1\",\"revision\":2,\"token\":\"secret\"}"), res));
  cr_assert(has_rule_violation("prose.revision-one"));

  hschema_result_reset(res);
  cr_assert_not(hrules_check_response(rules, 201, parse("{\"id\":\"TKN-1\",\"revision\":1}"), res));
  cr_assert(has_rule_violation("prose.token-returned"));

  hschema_result_reset(res);
  cr_assert_not(
      hrules_check_response(rules, 201, parse("{\"revision\":1,\"token\":\"\"}"), res));
  cr_assert(has_rule_violation("prose.token-returned"), "an empty token is no token");
}

Test(rules, response_400_is_checked_against_problem_details_only) {
  hschema_result_reset(res);
  cr_assert(hrules_check_response(
      rules, 400, parse("{\"status\":400,\"title\":\"Bad\",\"errors\":{\"$.name\":[\"x\"]}}"), res));
  hschema_result_reset(res);
  cr_assert_not(hrules_check_response(rules, 400, parse("{\"status\":\"400\"}"), res));
  cr_assert(has_schema_violation("type", "/status"));
  hschema_result_reset(res);
  cr_assert(hrules_check_response(rules, 500, parse("[1,2]"), res),
            "nothing documented for 500: nothing to check here (the judge fails 5xx)");
}

Test(rules, missing_operation_is_a_clear_error) {
  static const char other[] =
      "{\"openapi\":\"3.0.1\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{}}";
  herr err;
  hspec *s = hspec_load(other, sizeof other - 1, "other.json", &err);
  cr_assert_not_null(s, "%s", err.msg);
  herr serr;
  cr_assert_null(hrules_new(s, &serr));
  cr_assert(strstr(serr.msg, "other.json") && strstr(serr.msg, HRULES_PATH), "%s", serr.msg);
  hspec_free(s);
}
