/* The judge: every check's pass and fail paths, under each profile. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/hjudge.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "json/hjson.h"

static hspec *spec;
static hrules *rules;
static hjudge *judge;

static void setup(void) {
  hspec_error se;
  spec = hspec_load_file(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", &se);
  cr_assert(spec, "spec: %s", se.msg);
  hschema_error he;
  rules = hrules_new(spec, &he);
  cr_assert(rules, "rules: %s", he.msg);
  judge = hjudge_new(rules);
  cr_assert(judge);
}

static void teardown(void) {
  hjudge_free(judge);
  hrules_free(rules);
  hspec_free(spec);
}

TestSuite(judge, .init = setup, .fini = teardown);

#define DATE "Sat, 28 Nov 2026 12:00:05 GMT"
#define GOOD_201                                                                                   \
  "{\"id\":\"TKN-0001\",\"name\":\"n1\",\"revision\":1,\"token\":\"secret-value\","                \
  "\"status\":\"Active\",\"icon\":null,\"description\":\"d\","                                     \
  "\"account\":{\"id\":\"ACC-1234-5678\",\"name\":\"A\",\"type\":\"Client\"},"                     \
  "\"modules\":[{\"id\":\"MOD-1234\",\"name\":\"M\"}],"                                            \
  "\"audit\":{\"created\":{\"at\":\"2026-11-28T12:00:00Z\"}}}"
#define REQUEST                                                                                    \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n1\",\"icon\":null,\"description\":\"d\","   \
  "\"modules\":[{\"id\":\"MOD-1234\"}]}"

static const hjudge_check *find(const hjudge_verdict *v, const char *name) {
  for (size_t i = 0; i < v->n_checks; i++)
    if (!strcmp(v->checks[i].name, name))
      return &v->checks[i];
  return NULL;
}

static hjudge_status check_status(const hjudge_verdict *v, const char *name) {
  const hjudge_check *c = find(v, name);
  cr_assert(c, "no check '%s' (detail: %s)", name, v->detail);
  return c->status;
}

static hjudge_response resp(int status, const char *ct, const char *body) {
  hjudge_response r = {0};
  r.status = status;
  r.content_type = ct;
  r.body = body;
  r.body_len = body ? strlen(body) : 0;
  r.date = DATE;
  return r;
}

static hjudge_verdict v;

static hjudge_status run(hjudge_expect e, const hjudge_response *r, hjudge_profile p) {
  hjudge_case c = {.expect = e, .requirement = "case.req"};
  return hjudge_response_judge(judge, &c, r, p, &v);
}

Test(judge, good_201_passes_everything) {
  hjson_doc *d = hjson_doc_new();
  const cJSON *req = hjson_parse(d, REQUEST, strlen(REQUEST), NULL, NULL);
  cr_assert(req);
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED, .requirement = "pos.x", .request_body = req};
  hjudge_response r = resp(201, "application/json; charset=utf-8", GOOD_201);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_STRICT, &v), HJUDGE_PASS, "%s",
               v.detail);
  cr_expect_str_eq(v.detail, "");
  cr_expect_eq(check_status(&v, "status"), HJUDGE_PASS);
  cr_expect_str_eq(find(&v, "status")->requirement, "pos.x");
  cr_expect_eq(check_status(&v, "media-type"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "schema"), HJUDGE_PASS);
  cr_expect_str_eq(find(&v, "schema")->requirement, "schema.response.201");
  cr_expect_eq(check_status(&v, "prose:prose.revision-one"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "prose:prose.token-returned"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "echo:name"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "echo:icon"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "echo:description"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "echo:account.id"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "echo:modules[].id"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_PASS);
  cr_expect_null(find(&v, "problem-status"));
  hjson_doc_free(d);
}

Test(judge, wrong_status_fails_with_the_case_requirement) {
  hjudge_response r = resp(400, "application/json", "{\"status\":400,\"title\":\"x\"}");
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "status"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "status")->requirement, "case.req");
  cr_expect_str_eq(v.detail, "status: expected 201, got 400");
  r = resp(200, "application/json", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "status"), HJUDGE_FAIL);
}

Test(judge, server_error_fails_no_5xx) {
  hjudge_response r = resp(500, "text/plain", "boom");
  cr_expect_eq(run(HJUDGE_EXPECT_NOT_5XX, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "no-5xx"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "no-5xx")->requirement, HJUDGE_REQ_NO_5XX);
  r = resp(404, NULL, NULL);
  cr_expect_eq(run(HJUDGE_EXPECT_NOT_5XX, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "no-5xx"), HJUDGE_PASS);
}

Test(judge, timeout_and_transport_errors_fail_alone) {
  hjudge_response r = {0};
  r.timed_out = 1;
  r.transport_msg = "Operation timed out after 1000 ms";
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(v.n_checks, 1);
  cr_expect_eq(check_status(&v, "timeout"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "timeout")->requirement, HJUDGE_REQ_NO_TIMEOUT);
  cr_expect(strstr(v.detail, "timed out"));
  hjudge_response t = {0};
  t.transport_error = 1;
  t.transport_msg = "connection refused";
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &t, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "transport"), HJUDGE_FAIL);
  hjudge_response bad = resp(42, NULL, NULL); /* not an HTTP status */
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &bad, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "transport"), HJUDGE_FAIL);
}

static void expect_201_body_fails(const char *body, const char *check) {
  hjudge_response r = resp(201, "application/json", body);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL, "%s", body);
  cr_expect_eq(check_status(&v, check), HJUDGE_FAIL, "%s: %s", check, v.detail);
  cr_expect_eq(check_status(&v, "status"), HJUDGE_PASS);
}

Test(judge, prose_rules_of_the_201) {
  expect_201_body_fails("{\"id\":\"T\",\"name\":\"n\",\"revision\":2,\"token\":\"x\"}",
                        "prose:prose.revision-one");
  cr_expect_str_eq(find(&v, "prose:prose.revision-one")->requirement, "prose.revision-one");
  expect_201_body_fails("{\"id\":\"T\",\"name\":\"n\",\"revision\":1}",
                        "prose:prose.token-returned");
  expect_201_body_fails("{\"id\":\"T\",\"name\":\"n\",\"revision\":1,\"token\":\"\"}",
                        "prose:prose.token-returned");
  /* the message never carries the token value */
  expect_201_body_fails("{\"id\":\"T\",\"revision\":7,\"token\":\"tok-SECRET\"}",
                        "prose:prose.revision-one");
  for (size_t i = 0; i < v.n_checks; i++)
    cr_expect_null(strstr(v.checks[i].message, "tok-SECRET"));
}

Test(judge, schema_of_the_201) {
  expect_201_body_fails("{\"id\":\"T\",\"revision\":1,\"token\":\"x\",\"extra\":true}", "schema");
  cr_expect_str_eq(find(&v, "schema")->requirement, "schema.response.201");
  expect_201_body_fails("{\"id\":\"T\",\"revision\":1,\"token\":\"x\",\"account\":{\"name\":5}}",
                        "schema");
  expect_201_body_fails(
      "{\"id\":\"T\",\"revision\":1,\"token\":\"x\",\"audit\":{\"created\":{\"at\":\"2026-01-02 "
      "03:04:05\"}}}",
      "schema");
  expect_201_body_fails("[1,2]", "schema");
}

Test(judge, strict_json_of_bodies) {
  expect_201_body_fails("{\"id\":\"T\",\"id\":\"U\",\"revision\":1,\"token\":\"x\"}",
                        "strict-json");
  cr_expect(strstr(find(&v, "strict-json")->message, "offset"));
  expect_201_body_fails("{\"id\":\"\xff\",\"revision\":1,\"token\":\"x\"}", "strict-json");
  expect_201_body_fails("", "strict-json");
  expect_201_body_fails("{\"id\":\"T\"} trailing", "strict-json");
  cr_expect_str_eq(find(&v, "strict-json")->requirement, HJUDGE_REQ_STRICT_JSON);
}

Test(judge, truncated_body_fails) {
  hjudge_response r = resp(201, "application/json", "{\"id\":");
  r.truncated = 1;
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "truncated"), HJUDGE_FAIL);
  cr_expect_null(find(&v, "strict-json"));
}

Test(judge, media_type_of_201) {
  hjudge_response r = resp(201, "text/plain", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_ASPNET), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "media-type"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "media-type")->requirement, HJUDGE_REQ_MEDIA_TYPE);
  r = resp(201, NULL, GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "media-type"), HJUDGE_FAIL);
  r = resp(201, "Application/JSON;charset=UTF-8", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s", v.detail);
  /* +json where application/json is documented: warn / fail strict */
  r = resp(201, "application/vnd.acme+json", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_WARN);
  cr_expect_eq(check_status(&v, "media-type"), HJUDGE_WARN);
  cr_expect(strstr(v.detail, "vnd.acme+json"));
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_FAIL);
}

#define PROBLEM(s) "{\"type\":\"about:blank\",\"title\":\"Bad\",\"status\":" s ",\"errors\":{}}"

Test(judge, problem_json_on_400_by_profile) {
  hjudge_response r = resp(400, "application/problem+json", PROBLEM("400"));
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_WARN);
  cr_expect_eq(check_status(&v, "media-type"), HJUDGE_WARN);
  cr_expect_eq(check_status(&v, "schema"), HJUDGE_PASS);
  cr_expect_str_eq(find(&v, "schema")->requirement, "schema.response.400");
  cr_expect_eq(check_status(&v, "problem-status"), HJUDGE_PASS);
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_STRICT), HJUDGE_FAIL);
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_ASPNET), HJUDGE_PASS, "%s",
               v.detail);
  r = resp(400, "application/json", PROBLEM("400"));
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s",
               v.detail);
}

Test(judge, problem_status_must_match) {
  hjudge_response r = resp(400, "application/json", PROBLEM("422"));
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "problem-status"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "problem-status")->requirement, HJUDGE_REQ_PROBLEM_STATUS);
  r = resp(400, "application/json", "{\"title\":\"no status member\"}");
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_PASS);
  cr_expect_null(find(&v, "problem-status"));
  r = resp(415, "application/problem+json", PROBLEM("400"));
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "problem-status"), HJUDGE_FAIL);
  /* the schema says status is an integer: a string fails it */
  r = resp(400, "application/json", "{\"status\":\"400\"}");
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "schema"), HJUDGE_FAIL);
}

Test(judge, plain_text_400_fails) {
  hjudge_response r = resp(400, "text/plain", "bad request");
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_ASPNET), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "media-type"), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_FAIL);
  r = resp(400, NULL, NULL);
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_STRICT), HJUDGE_FAIL);
}

Test(judge, unsupported_media_type) {
  hjudge_response r = resp(415, NULL, NULL);
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS);
  r = resp(415, "application/problem+json", PROBLEM("415"));
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_ASPNET), HJUDGE_PASS, "%s",
               v.detail);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_PASS);
  r = resp(400, "application/json", PROBLEM("400"));
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_WARN);
  cr_expect_eq(check_status(&v, "status"), HJUDGE_WARN);
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_STRICT), HJUDGE_FAIL);
  r = resp(201, "application/json", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  /* an undocumented status whose body claims JSON must be JSON */
  r = resp(415, "application/problem+json", "{oops");
  cr_expect_eq(run(HJUDGE_EXPECT_UNSUPPORTED_MEDIA, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_FAIL);
}

Test(judge, method_not_allowed) {
  hjudge_response r = resp(405, NULL, NULL);
  r.allow = "POST";
  cr_expect_eq(run(HJUDGE_EXPECT_METHOD_NOT_ALLOWED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "allow"), HJUDGE_PASS);
  r.allow = "GET, POST";
  cr_expect_eq(run(HJUDGE_EXPECT_METHOD_NOT_ALLOWED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS);
  r.allow = "GET, POSTX";
  cr_expect_eq(run(HJUDGE_EXPECT_METHOD_NOT_ALLOWED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "allow"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "allow")->requirement, HJUDGE_REQ_ALLOW);
  r.allow = NULL;
  cr_expect_eq(run(HJUDGE_EXPECT_METHOD_NOT_ALLOWED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "allow"), HJUDGE_FAIL);
  hjudge_response n = resp(501, NULL, NULL);
  hjudge_case c = {
      .expect = HJUDGE_EXPECT_METHOD_NOT_ALLOWED, .requirement = "r", .nonstandard_method = 1};
  /* the issue: 501 is accepted for a non-standard method (not a server error) */
  cr_expect_eq(hjudge_response_judge(judge, &c, &n, HJUDGE_PROFILE_STRICT, &v), HJUDGE_PASS, "%s",
               v.detail);
  cr_expect_eq(check_status(&v, "status"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "no-5xx"), HJUDGE_PASS);
  /* a standard method the server does not implement, or a router's 404: the
   * spec says nothing of other methods, so only a warning (strict: fail) */
  c.nonstandard_method = 0;
  cr_expect_eq(hjudge_response_judge(judge, &c, &n, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN);
  cr_expect_eq(check_status(&v, "status"), HJUDGE_WARN);
  cr_expect_eq(hjudge_response_judge(judge, &c, &n, HJUDGE_PROFILE_STRICT, &v), HJUDGE_FAIL);
  hjudge_response nf = resp(404, "text/html", "<h1>Not Found</h1>");
  cr_expect_eq(hjudge_response_judge(judge, &c, &nf, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN, "%s",
               v.detail);
  cr_expect_eq(hjudge_response_judge(judge, &c, &nf, HJUDGE_PROFILE_STRICT, &v), HJUDGE_FAIL);
  /* other answers still fail; a 500 stays a server error */
  hjudge_response bad = resp(400, "application/json", "{}");
  cr_expect_eq(hjudge_response_judge(judge, &c, &bad, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  hjudge_response se = resp(500, NULL, NULL);
  cr_expect_eq(hjudge_response_judge(judge, &c, &se, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "no-5xx"), HJUDGE_FAIL);
  hjudge_response ok = resp(201, "application/json", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_METHOD_NOT_ALLOWED, &ok, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
}

Test(judge, unauthorized) {
  hjudge_response r = resp(401, NULL, NULL);
  r.www_authenticate = "Bearer";
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS);
  r.www_authenticate = NULL;
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_WARN);
  cr_expect_eq(check_status(&v, "www-authenticate"), HJUDGE_WARN);
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_FAIL);
  hjudge_response ok = resp(201, "application/json", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &ok, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_str_eq(v.detail, "status: expected 401, got 201");
}

Test(judge, echo_mismatches_fail) {
  hjson_doc *d = hjson_doc_new();
  const char *req_text = "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"other\","
                         "\"modules\":[{\"id\":\"MOD-1234\"},{\"id\":\"MOD-9999\"}]}";
  const cJSON *req = hjson_parse(d, req_text, strlen(req_text), NULL, NULL);
  cr_assert(req);
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED, .requirement = "r", .request_body = req};
  hjudge_response r = resp(201, "application/json", GOOD_201);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "echo:name"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "echo:name")->requirement, "semantics.echo.name");
  cr_expect_eq(check_status(&v, "echo:account.id"), HJUDGE_PASS);
  cr_expect_eq(check_status(&v, "echo:modules[].id"), HJUDGE_FAIL); /* MOD-9999 missing */
  hjson_doc_free(d);
}

Test(judge, audit_created_at_against_date) {
  hjudge_response r = resp(201, "application/json", GOOD_201);
  r.date = "Sat, 28 Nov 2026 13:00:05 GMT";
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "audit-created-at")->requirement, HJUDGE_REQ_AUDIT_CREATED);
  /* no Date: itself a failure (RFC 9110 6.6.1); audit.created.at is then
   * compared with the harness's clock, or skipped when there is none */
  r.date = NULL;
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "date-header"), HJUDGE_FAIL);
  cr_expect_str_eq(find(&v, "date-header")->requirement, HJUDGE_REQ_DATE);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_SKIP);
  r.now_unix = 1795867205 + 3600; /* an hour after audit.created.at + 5 s */
  run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_FAIL);
  cr_expect(strstr(find(&v, "audit-created-at")->message, "harness's clock"), "%s",
            find(&v, "audit-created-at")->message);
  r.now_unix = 1795867205 - HJUDGE_LOCAL_CLOCK_SKEW_S; /* at the edge of the tolerance */
  run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_PASS);
  r.date = "garbage";
  run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT);
  cr_expect_eq(check_status(&v, "date-header"), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_PASS);
}

Test(judge, distinct_creates) {
  const char *a = "{\"id\":\"TKN-1\",\"token\":\"aaa\"}";
  const char *b = "{\"id\":\"TKN-2\",\"token\":\"bbb\"}";
  const char *same_id = "{\"id\":\"TKN-1\",\"token\":\"ccc\"}";
  const char *same_tok = "{\"id\":\"TKN-3\",\"token\":\"aaa\"}";
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), b, strlen(b), &v);
  cr_expect_eq(v.status, HJUDGE_PASS);
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), same_id, strlen(same_id), &v);
  cr_expect_eq(v.status, HJUDGE_FAIL);
  cr_expect(strstr(v.detail, "same id"));
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), same_tok, strlen(same_tok), &v);
  cr_expect_eq(v.status, HJUDGE_FAIL);
  cr_expect_null(strstr(v.detail, "aaa"));
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), "nope", 4, &v);
  cr_expect_eq(v.status, HJUDGE_SKIP);
  cr_expect_str_eq(v.checks[0].requirement, HJUDGE_REQ_DISTINCT);
}

Test(judge, aspnet_tolerance_is_a_warning_only_under_aspnet) {
  hjudge_response r = resp(201, "application/json", GOOD_201);
  hjudge_case c = {.expect = HJUDGE_EXPECT_BAD_REQUEST,
                   .requirement = "r",
                   .aspnet_tolerated = 1,
                   .aspnet_reason = "unknown properties are ignored"};
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_ASPNET, &v), HJUDGE_WARN);
  cr_expect(strstr(v.detail, "unknown properties are ignored"), "%s", v.detail);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_STRICT, &v), HJUDGE_FAIL);
  /* a real violation still fails under aspnet */
  hjudge_response bad =
      resp(201, "application/json", "{\"id\":\"T\",\"revision\":3,\"token\":\"x\"}");
  cr_expect_eq(hjudge_response_judge(judge, &c, &bad, HJUDGE_PROFILE_ASPNET, &v), HJUDGE_FAIL);
}

Test(judge, either_outcome_expectations) {
  hjudge_response r = resp(400, "application/json", PROBLEM("400"));
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED_OR_BAD, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_PASS);
  r = resp(201, "application/json", GOOD_201);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED_OR_BAD, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_PASS);
  r = resp(413, NULL, NULL);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED_OR_BAD, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED_BAD_OR_413, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_PASS);
  r = resp(415, NULL, NULL);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED_BAD_OR_413, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
}

Test(judge, lone_surrogate_echo_is_a_warning_when_allowed) {
  const char *body = "{\"id\":\"T\",\"name\":\"\\ud800\",\"revision\":1,\"token\":\"x\"}";
  hjudge_response r = resp(201, "application/json", body);
  hjudge_case c = {
      .expect = HJUDGE_EXPECT_CREATED_OR_BAD, .requirement = "r", .lenient_surrogates = 1};
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN, "%s",
               v.detail);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_WARN);
  c.lenient_surrogates = 0;
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
}

Test(judge, created_fields) {
  char id[32], tok[8];
  cr_expect(
      hjudge_created_fields(judge, GOOD_201, strlen(GOOD_201), id, sizeof id, tok, sizeof tok));
  cr_expect_str_eq(id, "TKN-0001");
  cr_expect_str_eq(tok, "secret-"); /* cut to the buffer */
  cr_expect_not(hjudge_created_fields(judge, "x", 1, id, sizeof id, tok, sizeof tok));
  cr_expect_str_eq(id, "");
}

Test(judge, dates) {
  long long a, b, c2;
  cr_expect(hjudge_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &a));
  cr_expect(hjudge_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &b));
  cr_expect(hjudge_parse_http_date("Sun Nov  6 08:49:37 1994", &c2));
  cr_expect_eq(a, 784111777);
  cr_expect_eq(a, b);
  cr_expect_eq(a, c2);
  cr_expect_not(hjudge_parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", &a));
  cr_expect_not(hjudge_parse_http_date("", &a));
  cr_expect(hjudge_parse_rfc3339("1994-11-06T09:49:37+01:00", 25, &b));
  cr_expect_eq(b, 784111777);
  cr_expect(hjudge_parse_rfc3339("1994-11-06T08:49:37.123Z", 24, &b));
  cr_expect_eq(b, 784111777);
  cr_expect_not(hjudge_parse_rfc3339("1994-11-06 08:49:37Z", 20, &b));
}

Test(judge, names_round_trip) {
  for (int i = 0; i <= HJUDGE_EXPECT_NOT_5XX; i++)
    cr_expect_eq(hjudge_expect_parse(hjudge_expect_name((hjudge_expect)i)), i);
  for (int i = 0; i < 3; i++)
    cr_expect_eq(hjudge_profile_parse(hjudge_profile_name((hjudge_profile)i)), i);
  cr_expect_eq(hjudge_profile_parse("lenient"), -1);
  cr_expect_eq(hjudge_status_parse("error"), -1);
  cr_expect_eq(hjudge_status_parse("fail"), HJUDGE_FAIL);
  cr_expect_eq(hjudge_status_parse("bogus"), -2);
}

/* ---- what healthy implementations may legitimately do differently ---- */

#define MIN_201                                                                                    \
  "{\"id\":\"x\",\"name\":\"n1\",\"revision\":1,\"token\":\"t\","                                  \
  "\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-1234\"}]}"

static hjudge_status judge_created(const char *body, const char *date, hjudge_profile p) {
  hjudge_response r = resp(201, "application/json; charset=utf-8", body);
  r.date = date;
  r.server = NULL;
  return run(HJUDGE_EXPECT_CREATED, &r, p);
}

Test(judge, healthy_201_variants_pass) {
  /* charset parameter, key order, whitespace, no $meta / icon / description /
   * audit at all, any id and token format */
  cr_expect_eq(judge_created(MIN_201, DATE, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s", v.detail);
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_SKIP);
  static const char *const cts[] = {"application/json", "application/json;charset=UTF-8",
                                    "Application/JSON; charset=\"utf-8\""};
  for (size_t i = 0; i < sizeof cts / sizeof cts[0]; i++) {
    hjudge_response r = resp(201, cts[i], MIN_201);
    cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s: %s",
                 cts[i], v.detail);
  }
  cr_expect_eq(
      judge_created("{ \"token\" : \"9f8e\",\n \"modules\":[{\"id\":\"MOD-1234\",\"name\":\"M\","
                    "\"description\":\"d\",\"revision\":3}], \"revision\" : 1, \"id\":"
                    "\"0c4a2a3e-5b7e-4d8f-9a0b-123456789abc\",\"$meta\":null,\"name\":\"n1\","
                    "\"account\":{\"id\":\"ACC-1234-5678\",\"status\":null,\"type\":\"Vendor\"},"
                    "\"audit\":{\"created\":{\"at\":\"2026-11-28T14:00:02.1234567+02:00\"},"
                    "\"updated\":null},\"lastAccessAt\":null,\"extensions\":[]}",
                    DATE, HJUDGE_PROFILE_STRICT),
      HJUDGE_PASS, "%s", v.detail);
  /* Date a few seconds away from audit.created.at (another clock): pass */
  cr_expect_eq(check_status(&v, "audit-created-at"), HJUDGE_PASS);
  cr_expect_eq(judge_created("{\"id\":\"x\",\"name\":\"n1\",\"revision\":1,\"token\":\"t\","
                             "\"audit\":{\"created\":{\"at\":\"2026-11-28t12:00:09z\"}}}",
                             DATE, HJUDGE_PROFILE_STRICT),
               HJUDGE_PASS, "%s", v.detail);
}

Test(judge, healthy_400_variants) {
  static const char *const bodies[] = {
      "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"One or more "
      "validation errors occurred.\",\"status\":400,\"errors\":{\"name\":[\"required\"]},"
      "\"traceId\":\"00-1\"}",
      "{\"title\":\"Bad Request\",\"status\":400}", "{\"detail\":\"x\"}", "{}"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    hjudge_response r = resp(400, "application/json", bodies[i]);
    cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s: %s",
                 bodies[i], v.detail);
    r.content_type = "application/problem+json; charset=utf-8";
    cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_WARN, "%s",
                 v.detail);
  }
}

Test(judge, tolerated_outcomes_warn_except_under_strict) {
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED,
                   .requirement = "r",
                   .tolerated = 1,
                   .tolerated_reason = "an empty name may be refused"};
  hjudge_response r = resp(400, "application/json", "{\"status\":400}");
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN);
  cr_expect(strstr(v.detail, "an empty name may be refused"), "%s", v.detail);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_STRICT, &v), HJUDGE_FAIL);
  hjudge_response se = resp(500, NULL, NULL);
  cr_expect_eq(hjudge_response_judge(judge, &c, &se, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  c.tolerated = 0;
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  hjudge_case n = {.expect = HJUDGE_EXPECT_BAD_REQUEST, .requirement = "r", .tolerated = 1};
  hjudge_response ok = resp(201, "application/json", GOOD_201);
  cr_expect_eq(hjudge_response_judge(judge, &n, &ok, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN, "%s",
               v.detail);
  cr_expect_eq(hjudge_response_judge(judge, &n, &ok, HJUDGE_PROFILE_STRICT, &v), HJUDGE_FAIL);
  n.tolerated = 0;
  cr_expect_eq(hjudge_response_judge(judge, &n, &ok, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
}

Test(judge, echo_of_nulls_and_unmentioned_arrays) {
  hjson_doc *d = hjson_doc_new();
  const char *req_text = "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n1\",\"icon\":null,"
                         "\"extensions\":null,\"modules\":[{\"id\":\"MOD-1234\"}]}";
  const cJSON *req = hjson_parse(d, req_text, strlen(req_text), NULL, NULL);
  cr_assert(req);
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED, .requirement = "r", .request_body = req};
  /* null echoed as [] or left out: pass */
  hjudge_response r = resp(201, "application/json", MIN_201);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_STRICT, &v), HJUDGE_PASS, "%s",
               v.detail);
  r = resp(201, "application/json",
           "{\"id\":\"x\",\"name\":\"n1\",\"revision\":1,\"token\":\"t\",\"extensions\":[],"
           "\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-1234\"}]}");
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_STRICT, &v), HJUDGE_PASS, "%s",
               v.detail);
  /* a default icon for a null one: the server's choice, a warning */
  r = resp(201, "application/json",
           "{\"id\":\"x\",\"name\":\"n1\",\"revision\":1,\"token\":\"t\",\"icon\":\"/i.png\","
           "\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-1234\"}]}");
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN, "%s",
               v.detail);
  cr_expect_eq(check_status(&v, "echo:icon"), HJUDGE_WARN);
  /* extensions (not mentioned by the page) not echoed: warning; modules (the
   * page requires them) not echoed: failure */
  const char *req2 = "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n1\","
                     "\"extensions\":[{\"id\":\"EXT-1\"}],\"modules\":[{\"id\":\"MOD-1234\"}]}";
  c.request_body = hjson_parse(d, req2, strlen(req2), NULL, NULL);
  cr_assert(c.request_body);
  r = resp(201, "application/json", MIN_201);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN, "%s",
               v.detail);
  cr_expect_eq(check_status(&v, "echo:extensions[].id"), HJUDGE_WARN);
  r = resp(201, "application/json",
           "{\"id\":\"x\",\"name\":\"n1\",\"revision\":1,\"token\":\"t\","
           "\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-9999\"}],"
           "\"extensions\":[{\"id\":\"EXT-1\"}]}");
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "echo:modules[].id"), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "echo:extensions[].id"), HJUDGE_PASS);
  hjson_doc_free(d);
}

Test(judge, messages_are_one_clear_line) {
  hjudge_response r = resp(201, "application/json",
                           "{\"id\":\"x\",\"name\":\"n1\",\"revision\":2,\"token\":\"t\","
                           "\"account\":{\"id\":5}}");
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  const hjudge_check *rev = find(&v, "prose:prose.revision-one");
  cr_assert(rev);
  cr_expect(!strstr(rev->message, "/revision2"), "%s", rev->message);
  cr_expect(strstr(rev->message, ", at /revision"), "%s", rev->message);
  const hjudge_check *sc = find(&v, "schema");
  cr_assert(sc);
  cr_expect(strstr(sc->message, ", at /account/id"), "%s", sc->message);
  for (size_t i = 0; i < v.n_checks; i++)
    for (const char *q = v.checks[i].message; *q; q++)
      cr_expect((unsigned char)*q >= 0x20, "control byte in %s", v.checks[i].name);
}

Test(judge, hostile_bodies_fail_without_crashing) {
  /* 1,000,000 nested arrays, invalid UTF-8, a NUL byte: strict-json fails */
  size_t n = 1000000;
  char *deep = malloc(2 * n + 1);
  cr_assert(deep);
  memset(deep, '[', n);
  memset(deep + n, ']', n);
  deep[2 * n] = '\0';
  hjudge_response r = resp(201, "application/json", deep);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_FAIL);
  free(deep);
  hjudge_response u = resp(400, "application/json", "{\"title\":\"\xff\xfe\"}");
  cr_expect_eq(run(HJUDGE_EXPECT_BAD_REQUEST, &u, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "strict-json"), HJUDGE_FAIL);
  hjudge_response z = {0};
  z.status = 201;
  z.content_type = "application/json";
  z.body = "{\"id\":\"a\0\"}";
  z.body_len = 11;
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &z, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
}

Test(judge, over_limit_upload_refused_by_closing_is_a_warning) {
  hjudge_response r = {0};
  r.transport_error = 1;
  r.upload_aborted = 1;
  r.transport_msg = "Connection reset by peer";
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED_BAD_OR_413, .requirement = "http.large-body"};
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_WARN);
  cr_expect(strstr(v.detail, "413"), "%s", v.detail);
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_STRICT, &v), HJUDGE_FAIL);
  /* for any other case, or without the upload mark, it is a transport failure */
  c.expect = HJUDGE_EXPECT_CREATED;
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
  c.expect = HJUDGE_EXPECT_CREATED_BAD_OR_413;
  r.upload_aborted = 0;
  cr_expect_eq(hjudge_response_judge(judge, &c, &r, HJUDGE_PROFILE_DEFAULT, &v), HJUDGE_FAIL);
}

Test(judge, problem_status_only_binds_problem_documents) {
  /* an undocumented 401 body that is not a problem document */
  hjudge_response r = resp(401, "application/json", "{\"status\":\"Unauthorized\"}");
  r.www_authenticate = "Bearer";
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s",
               v.detail);
  cr_expect_null(find(&v, "problem-status"));
  /* the same as application/problem+json is bound by RFC 9457 */
  r.content_type = "application/problem+json";
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &r, HJUDGE_PROFILE_DEFAULT), HJUDGE_FAIL);
  cr_expect_eq(check_status(&v, "problem-status"), HJUDGE_FAIL);
  r.body = "{\"status\":401}";
  r.body_len = strlen(r.body);
  cr_expect_eq(run(HJUDGE_EXPECT_UNAUTHORIZED, &r, HJUDGE_PROFILE_STRICT), HJUDGE_PASS, "%s",
               v.detail);
}

/* ---- data-driven cases: the .json files under tests/data/judge/ ----
 *
 * Each file is an array of groups:
 *   {"description": "...", "case": {...}, "response": {...}, "profile": "default",
 *    "tests": [{"description": "...", "case": {...}, "response": {...},
 *               "profile": "...", "verdict": "fail",
 *               "checks": {"<check name>": "pass|warn|fail|skip|absent"},
 *               "messages": {"<check name>": "substring of its message"},
 *               "never_in_messages": ["text no message may contain"]}]}
 * A test's "case" and "response" members override the group's, member by
 * member.  case: expect (hjudge_expect_name), requirement, method,
 * request_body (a JSON value), tolerated, tolerated_reason, aspnet_tolerated,
 * aspnet_reason, nonstandard_method, lenient_surrogates, not_operation.  response: status,
 * content_type, allow, www_authenticate, date, server (strings; null or absent:
 * no header), body (the exact text) or body_json (a value, printed compactly),
 * now_unix, timed_out, transport_error, truncated, upload_aborted. */

#include <dirent.h>

static char *read_text(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n + 4096 > cap) {
      cap = cap ? cap * 2 : 65536;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* The member `name` of the test, else of the group. */
static const cJSON *member2(const cJSON *test, const cJSON *group, const char *obj,
                            const char *name) {
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(test, obj);
  const cJSON *x = cJSON_IsObject(t) ? cJSON_GetObjectItemCaseSensitive(t, name) : NULL;
  if (x)
    return x;
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(group, obj);
  return cJSON_IsObject(g) ? cJSON_GetObjectItemCaseSensitive(g, name) : NULL;
}

static const char *str2(const cJSON *test, const cJSON *group, const char *obj, const char *name) {
  const cJSON *x = member2(test, group, obj, name);
  return cJSON_IsString(x) ? x->valuestring : NULL;
}

static long long num2(const cJSON *test, const cJSON *group, const char *obj, const char *name) {
  const cJSON *x = member2(test, group, obj, name);
  if (cJSON_IsBool(x))
    return cJSON_IsTrue(x);
  return cJSON_IsNumber(x) ? (long long)x->valuedouble : 0;
}

/* Runs one data test; returns the number of mismatches (each reported). */
static int run_data_test(const char *where, const cJSON *group, const cJSON *test) {
  hjudge_case c = {0};
  const char *ex = str2(test, group, "case", "expect");
  int e = hjudge_expect_parse(ex ? ex : "created");
  cr_assert(e >= 0, "%s: unknown expect '%s'", where, ex);
  c.expect = (hjudge_expect)e;
  c.requirement = str2(test, group, "case", "requirement");
  if (!c.requirement)
    c.requirement = "data.case";
  c.method = str2(test, group, "case", "method");
  c.request_body = member2(test, group, "case", "request_body");
  c.tolerated = (int)num2(test, group, "case", "tolerated");
  c.tolerated_reason = str2(test, group, "case", "tolerated_reason");
  c.aspnet_tolerated = (int)num2(test, group, "case", "aspnet_tolerated");
  c.aspnet_reason = str2(test, group, "case", "aspnet_reason");
  c.nonstandard_method = (int)num2(test, group, "case", "nonstandard_method");
  c.lenient_surrogates = (int)num2(test, group, "case", "lenient_surrogates");
  c.not_operation = (int)num2(test, group, "case", "not_operation");

  hjudge_response r = {0};
  r.status = (int)num2(test, group, "response", "status");
  r.content_type = str2(test, group, "response", "content_type");
  r.allow = str2(test, group, "response", "allow");
  r.www_authenticate = str2(test, group, "response", "www_authenticate");
  r.date = str2(test, group, "response", "date");
  r.server = str2(test, group, "response", "server");
  r.now_unix = num2(test, group, "response", "now_unix");
  r.timed_out = (int)num2(test, group, "response", "timed_out");
  r.transport_error = (int)num2(test, group, "response", "transport_error");
  r.truncated = (int)num2(test, group, "response", "truncated");
  r.upload_aborted = (int)num2(test, group, "response", "upload_aborted");
  char *printed = NULL;
  const cJSON *body = member2(test, group, "response", "body");
  const cJSON *body_json = member2(test, group, "response", "body_json");
  size_t blen;
  const char *btext = hjson_string(body, &blen);
  if (btext) {
    r.body = btext;
    r.body_len = blen;
  } else if (body_json) {
    printed = cJSON_PrintUnformatted(body_json);
    cr_assert(printed);
    r.body = printed;
    r.body_len = strlen(printed);
  }
  const cJSON *pj = cJSON_GetObjectItemCaseSensitive(test, "profile");
  if (!pj)
    pj = cJSON_GetObjectItemCaseSensitive(group, "profile");
  int p = hjudge_profile_parse(cJSON_IsString(pj) ? pj->valuestring : "default");
  cr_assert(p >= 0, "%s: unknown profile", where);

  hjudge_verdict out;
  hjudge_status got = hjudge_response_judge(judge, &c, &r, (hjudge_profile)p, &out);
  free(printed);
  int bad = 0;
  const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(test, "verdict");
  if (cJSON_IsString(verdict)) {
    int want = hjudge_status_parse(verdict->valuestring);
    cr_assert(want >= 0, "%s: unknown verdict '%s'", where, verdict->valuestring);
    if ((int)got != want) {
      cr_log_error("%s: verdict %s, expected %s (detail: %s)", where, hjudge_status_name(got),
                   verdict->valuestring, out.detail);
      bad++;
    }
  }
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(test, "checks");
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
    const hjudge_check *ck = find(&out, k->string);
    cr_assert(cJSON_IsString(k), "%s: checks.%s must be a string", where, k->string);
    if (!strcmp(k->valuestring, "absent")) {
      if (ck) {
        cr_log_error("%s: check %s is %s, expected absent (%s)", where, k->string,
                     hjudge_status_name(ck->status), ck->message);
        bad++;
      }
      continue;
    }
    int want = hjudge_status_parse(k->valuestring);
    cr_assert(want >= 0, "%s: unknown status '%s'", where, k->valuestring);
    if (!ck) {
      cr_log_error("%s: no check %s (detail: %s)", where, k->string, out.detail);
      bad++;
    } else if ((int)ck->status != want) {
      cr_log_error("%s: check %s is %s, expected %s (%s)", where, k->string,
                   hjudge_status_name(ck->status), k->valuestring, ck->message);
      bad++;
    }
  }
  const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(test, "messages");
  for (const cJSON *k = msgs ? msgs->child : NULL; k; k = k->next) {
    const hjudge_check *ck = find(&out, k->string);
    if (!ck || !cJSON_IsString(k) || !strstr(ck->message, k->valuestring)) {
      cr_log_error("%s: message of %s is \"%s\", expected to contain \"%s\"", where, k->string,
                   ck ? ck->message : "(no such check)", cJSON_IsString(k) ? k->valuestring : "");
      bad++;
    }
  }
  const cJSON *never = cJSON_GetObjectItemCaseSensitive(test, "never_in_messages");
  for (const cJSON *k = never ? never->child : NULL; k; k = k->next) {
    for (size_t i = 0; cJSON_IsString(k) && i < out.n_checks; i++)
      if (strstr(out.checks[i].message, k->valuestring)) {
        cr_log_error("%s: check %s says \"%s\"", where, out.checks[i].name,
                     out.checks[i].message);
        bad++;
      }
    if (cJSON_IsString(k) && strstr(out.detail, k->valuestring)) {
      cr_log_error("%s: detail says \"%s\"", where, out.detail);
      bad++;
    }
  }
  /* every message is one printable line */
  for (size_t i = 0; i < out.n_checks; i++)
    for (const char *q = out.checks[i].message; *q; q++)
      if ((unsigned char)*q < 0x20) {
        cr_log_error("%s: control byte in the message of %s", where, out.checks[i].name);
        bad++;
        break;
      }
  return bad;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(judge, data_driven_cases) {
  const char *dir = TEST_DATA_DIR "/judge";
  DIR *d = opendir(dir);
  cr_assert(d, "cannot open %s", dir);
  char *names[256];
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) && nn < 256) {
    size_t l = strlen(de->d_name);
    if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
      names[nn++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(names, nn, sizeof names[0], name_cmp);
  cr_assert(nn > 0, "no data files in %s", dir);
  size_t tests = 0;
  int bad = 0;
  for (size_t f = 0; f < nn; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[f]);
    size_t len;
    char *text = read_text(path, &len);
    cr_assert(text, "cannot read %s", path);
    hjson_doc *doc = hjson_doc_new();
    hjson_error err;
    const cJSON *root = hjson_parse(doc, text, len, NULL, &err);
    cr_assert(root, "%s: %s at offset %zu", path, err.msg, err.offset);
    cr_assert(cJSON_IsArray(root), "%s: an array of groups expected", path);
    for (const cJSON *g = root->child; g; g = g->next) {
      const cJSON *gd = cJSON_GetObjectItemCaseSensitive(g, "description");
      const cJSON *ts = cJSON_GetObjectItemCaseSensitive(g, "tests");
      cr_assert(cJSON_IsString(gd) && cJSON_IsArray(ts), "%s: a group needs description and tests",
                path);
      for (const cJSON *t = ts->child; t; t = t->next) {
        const cJSON *td = cJSON_GetObjectItemCaseSensitive(t, "description");
        cr_assert(cJSON_IsString(td), "%s: %s: a test needs a description", path,
                  gd->valuestring);
        char where[768];
        snprintf(where, sizeof where, "%s: %s: %s", names[f], gd->valuestring, td->valuestring);
        bad += run_data_test(where, g, t);
        tests++;
      }
    }
    hjson_doc_free(doc);
    free(text);
    free(names[f]);
  }
  cr_log_info("%zu judge data tests", tests);
  cr_expect(tests >= 20, "only %zu judge data tests", tests);
  cr_expect_eq(bad, 0, "%d mismatches in the judge data tests (see the log)", bad);
}

/* A request field the 201 schema does not document (a spec whose request has
 * a recursive "parent" and module "children" its ApiToken lacks) is not
 * required back; the documented ones still are. */
Test(judge_spec, echo_only_what_the_201_documents) {
  hspec_error se;
  hspec *rs = hspec_load_file(TEST_DATA_DIR "/cases/recursive.openapi.json", &se);
  cr_assert(rs, "%s", se.msg);
  hschema_error he;
  hrules *rr = hrules_new(rs, &he);
  cr_assert(rr, "%s", he.msg);
  hjudge *jj = hjudge_new(rr);
  cr_assert(jj);
  static const char req_text[] =
      "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n1\",\"description\":\"d\","
      "\"modules\":[{\"id\":\"MOD-1234\",\"children\":[]}],"
      "\"parent\":{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"p\",\"modules\":[{\"id\":"
      "\"MOD-1234\"}]}}";
  hjson_doc *d = hjson_doc_new();
  const cJSON *req = hjson_parse(d, req_text, strlen(req_text), NULL, NULL);
  cr_assert(req);
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED, .requirement = "r", .request_body = req};
  hjudge_response r = resp(201, "application/json", GOOD_201);
  hjudge_verdict vv;
  hjudge_response_judge(jj, &c, &r, HJUDGE_PROFILE_DEFAULT, &vv);
  for (size_t i = 0; i < vv.n_checks; i++)
    cr_expect(strncmp(vv.checks[i].name, "echo:parent", 11) != 0, "undocumented: %s",
              vv.checks[i].name);
  cr_expect_eq(check_status(&vv, "echo:name"), HJUDGE_PASS, "%s", vv.detail);
  cr_expect_eq(check_status(&vv, "echo:modules[].id"), HJUDGE_PASS, "%s", vv.detail);
  /* a documented field that differs still fails */
  static const char bad[] =
      "{\"id\":\"TKN-0001\",\"name\":\"other\",\"revision\":1,\"token\":\"secret-value\","
      "\"status\":\"Active\",\"icon\":null,\"description\":\"d\","
      "\"account\":{\"id\":\"ACC-1234-5678\",\"name\":\"A\",\"type\":\"Client\"},"
      "\"modules\":[{\"id\":\"MOD-1234\",\"name\":\"M\"}],"
      "\"audit\":{\"created\":{\"at\":\"2026-11-28T12:00:00Z\"}}}";
  r = resp(201, "application/json", bad);
  hjudge_response_judge(jj, &c, &r, HJUDGE_PROFILE_DEFAULT, &vv);
  cr_expect_eq(check_status(&vv, "echo:name"), HJUDGE_FAIL);
  hjson_doc_free(d);
  hjudge_free(jj);
  hrules_free(rr);
  hspec_free(rs);
}
