/* Each named fault of the mock is visibly present: the rule it breaks shows in
 * the response, judged with the same hrules the certify run uses. */
#include "test_mock_common.h"

#define BODY_WITH(account_id, extra, modules)                                                      \
  "{\"account\":{\"id\":\"" account_id "\"},\"name\":\"ci token\"" extra ",\"modules\":" modules "}"

typedef struct {
  mc_judge j;
  hmock *m;
  mc_resp r;
} fx;

static void fx_start(fx *f, const char *fault, const char *token) {
  mc_judge_init(&f->j);
  const hmock_fault *def = hmock_fault_find(fault);
  cr_assert_not_null(def, "fault %s is in the table", fault);
  f->m = mc_start(HMOCK_FAULT_BIT(def->id), token);
}

static void fx_stop(fx *f) {
  mc_free(&f->r);
  hmock_stop(f->m);
  mc_judge_fini(&f->j);
}

/* Posts a valid body; returns the parsed 201 after checking it against the spec:
 * `ok` says whether the check should pass. */
static const cJSON *post_and_judge(fx *f, const char *body, long status, int ok) {
  char viol[4096];
  mc_free(&f->r);
  mc_post(hmock_port(f->m), "application/json", body, &f->r);
  cr_assert_eq(f->r.status, status, "status %ld: %s", f->r.status, f->r.body);
  hjson_error e;
  const cJSON *root = mc_parse(&f->j, &f->r, &e);
  cr_assert_not_null(root, "not strict JSON: %s", e.msg);
  hschema_result_reset(f->j.res);
  int passed = hrules_check_response(f->j.rules, 201, root, f->j.res);
  cr_assert_eq(passed, ok, "check_response %d:\n%s", passed,
               mc_violations(&f->j, viol, sizeof viol));
  return root;
}

Test(mock_fault, extra_property) {
  fx f;
  fx_start(&f, "extra-property", NULL);
  post_and_judge(&f, VALID_BODY, 201, 0);
  cr_assert(mc_has_violation(&f.j, "/internalNote", "additionalProperties"));
  cr_assert_eq(hschema_result_errors(f.j.res), 1, "exactly one rule broken");
  fx_stop(&f);
}

Test(mock_fault, revision_not_1) {
  fx f;
  fx_start(&f, "revision-not-1", NULL);
  post_and_judge(&f, VALID_BODY, 201, 0);
  cr_assert(mc_has_rule(&f.j, "prose.revision-one"));
  cr_assert_eq(hschema_result_errors(f.j.res), 1);
  fx_stop(&f);
}

Test(mock_fault, no_token) {
  fx f;
  fx_start(&f, "no-token", NULL);
  const cJSON *t = post_and_judge(&f, VALID_BODY, 201, 0);
  cr_assert_null(hjson_get(t, "token", 5));
  cr_assert(mc_has_rule(&f.j, "prose.token-returned"));
  cr_assert_eq(hschema_result_errors(f.j.res), 1);
  fx_stop(&f);
}

Test(mock_fault, bad_date_time) {
  fx f;
  fx_start(&f, "bad-date-time", NULL);
  post_and_judge(&f, VALID_BODY, 201, 0);
  cr_assert(mc_has_violation(&f.j, "/audit/created/at", "format"));
  cr_assert_eq(hschema_result_errors(f.j.res), 1);
  fx_stop(&f);
}

Test(mock_fault, wrong_type) {
  fx f;
  fx_start(&f, "wrong-type", NULL);
  post_and_judge(&f, VALID_BODY, 201, 0);
  cr_assert(mc_has_violation(&f.j, "/account/name", "type"));
  cr_assert_eq(hschema_result_errors(f.j.res), 1);
  fx_stop(&f);
}

Test(mock_fault, bad_enum) {
  fx f;
  fx_start(&f, "bad-enum", NULL);
  post_and_judge(&f, VALID_BODY, 201, 0);
  cr_assert(mc_has_violation(&f.j, "/account/type", "enum"));
  cr_assert_eq(hschema_result_errors(f.j.res), 1);
  fx_stop(&f);
}

Test(mock_fault, accept_bad_account_id) {
  fx f;
  fx_start(&f, "accept-bad-account-id", NULL);
  const cJSON *t = post_and_judge(&f, BODY_WITH("ACC-12", "", "[{\"id\":\"MOD-1234\"}]"), 201, 1);
  cr_assert_str_eq(hjson_get(hjson_get(t, "account", 7), "id", 2)->valuestring, "ACC-12");
  /* only that rule: a bad module id is still refused */
  mc_free(&f.r);
  mc_post(hmock_port(f.m), "application/json",
          BODY_WITH("ACC-1234-5678", "", "[{\"id\":\"MOD-1\"}]"), &f.r);
  cr_assert_eq(f.r.status, 400);
  fx_stop(&f);
}

Test(mock_fault, accept_bad_module_id) {
  fx f;
  fx_start(&f, "accept-bad-module-id", NULL);
  post_and_judge(&f, BODY_WITH("ACC-1234-5678", "", "[{\"id\":\"MOD-1234\"},{\"id\":\"MOD-1\"}]"),
                 201, 1);
  mc_free(&f.r);
  mc_post(hmock_port(f.m), "application/json", BODY_WITH("ACC-12", "", "[{\"id\":\"MOD-1234\"}]"),
          &f.r);
  cr_assert_eq(f.r.status, 400);
  fx_stop(&f);
}

Test(mock_fault, accept_empty_modules) {
  fx f;
  fx_start(&f, "accept-empty-modules", NULL);
  const cJSON *t = post_and_judge(&f, BODY_WITH("ACC-1234-5678", "", "[]"), 201, 1);
  cr_assert_eq(cJSON_GetArraySize(hjson_get(t, "modules", 7)), 0);
  mc_free(&f.r);
  mc_post(hmock_port(f.m), "application/json",
          "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\"}", &f.r);
  cr_assert_eq(f.r.status, 400, "missing modules is still refused");
  fx_stop(&f);
}

Test(mock_fault, accept_missing_name) {
  fx f;
  fx_start(&f, "accept-missing-name", NULL);
  const cJSON *t = post_and_judge(
      &f, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-1234\"}]}", 201, 1);
  cr_assert_null(hjson_get(t, "name", 4));
  mc_free(&f.r);
  mc_post(hmock_port(f.m), "application/json",
          "{\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}", &f.r);
  cr_assert_eq(f.r.status, 400, "missing account is still refused");
  fx_stop(&f);
}

Test(mock_fault, accept_unknown_property) {
  fx f;
  fx_start(&f, "accept-unknown-property", NULL);
  const cJSON *t = post_and_judge(
      &f, BODY_WITH("ACC-1234-5678", ",\"owner\":\"me\"", "[{\"id\":\"MOD-1234\"}]"), 201, 1);
  cr_assert_null(hjson_get(t, "owner", 5));
  mc_free(&f.r);
  mc_post(hmock_port(f.m), "application/json",
          "{\"account\":{\"id\":\"ACC-1234-5678\",\"x\":1},\"name\":\"x\",\"modules\":[{\"id\":"
          "\"MOD-1234\"}]}",
          &f.r);
  cr_assert_eq(f.r.status, 400, "an unknown property below the root is still refused");
  fx_stop(&f);
}

Test(mock_fault, _500_on_unicode) {
  fx f;
  fx_start(&f, "500-on-unicode", NULL);
  mc_post(hmock_port(f.m), "application/json",
          "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"caf\\u00e9\",\"modules\":[{\"id\":"
          "\"MOD-1234\"}]}",
          &f.r);
  cr_assert_eq(f.r.status, 500, "%ld %s", f.r.status, f.r.body);
  post_and_judge(&f, VALID_BODY, 201, 1);
  fx_stop(&f);
}

Test(mock_fault, reject_text_json) {
  fx f;
  fx_start(&f, "reject-text-json", NULL);
  mc_post(hmock_port(f.m), "text/json", VALID_BODY, &f.r);
  cr_assert_eq(f.r.status, 415);
  post_and_judge(&f, VALID_BODY, 201, 1);
  fx_stop(&f);
}

Test(mock_fault, reject_null) {
  fx f;
  fx_start(&f, "reject-null", NULL);
  mc_post(hmock_port(f.m), "application/json",
          BODY_WITH("ACC-1234-5678", ",\"description\":null", "[{\"id\":\"MOD-1234\"}]"), &f.r);
  cr_assert_eq(f.r.status, 400);
  cr_assert_not_null(strstr(f.r.body, "\"/description\""), "%s", f.r.body);
  post_and_judge(
      &f, BODY_WITH("ACC-1234-5678", ",\"description\":\"d\"", "[{\"id\":\"MOD-1234\"}]"), 201, 1);
  fx_stop(&f);
}

Test(mock_fault, problem_status_mismatch) {
  fx f;
  fx_start(&f, "problem-status-mismatch", NULL);
  mc_post(hmock_port(f.m), "application/json", "{}", &f.r);
  cr_assert_eq(f.r.status, 400);
  hjson_error e;
  const cJSON *p = mc_parse(&f.j, &f.r, &e);
  cr_assert_not_null(p);
  cr_assert_eq(hjson_get(p, "status", 6)->valuedouble, 422);
  fx_stop(&f);
}

Test(mock_fault, problem_not_json) {
  fx f;
  fx_start(&f, "problem-not-json", NULL);
  mc_post(hmock_port(f.m), "application/json", "{}", &f.r);
  cr_assert_eq(f.r.status, 400);
  hjson_error e;
  cr_assert_null(mc_parse(&f.j, &f.r, &e), "the 400 body must not parse: %s", f.r.body);
  fx_stop(&f);
}

Test(mock_fault, status_200) {
  fx f;
  fx_start(&f, "status-200", NULL);
  post_and_judge(&f, VALID_BODY, 200, 1);
  fx_stop(&f);
}

Test(mock_fault, invalid_utf8) {
  fx f;
  fx_start(&f, "invalid-utf8", NULL);
  mc_post(hmock_port(f.m), "application/json", VALID_BODY, &f.r);
  cr_assert_eq(f.r.status, 201);
  hjson_error e;
  cr_assert_null(mc_parse(&f.j, &f.r, &e));
  cr_assert_eq(e.code, HJSON_E_UTF8, "%s", hjson_code_name(e.code));
  cr_assert_str_eq(e.pointer, "/account/name");
  fx_stop(&f);
}

Test(mock_fault, duplicate_key) {
  fx f;
  fx_start(&f, "duplicate-key", NULL);
  mc_post(hmock_port(f.m), "application/json", VALID_BODY, &f.r);
  cr_assert_eq(f.r.status, 201);
  hjson_error e;
  cr_assert_null(mc_parse(&f.j, &f.r, &e));
  cr_assert_eq(e.code, HJSON_E_DUPLICATE, "%s", hjson_code_name(e.code));
  fx_stop(&f);
}

Test(mock_fault, ignore_auth) {
  fx f;
  fx_start(&f, "ignore-auth", "the-token");
  post_and_judge(&f, VALID_BODY, 201, 1);
  mc_free(&f.r);
  mc_request(hmock_port(f.m), "POST", API_PATH, "application/json", "Authorization: Bearer nope",
             VALID_BODY, strlen(VALID_BODY), 0, &f.r);
  cr_assert_eq(f.r.status, 201);
  fx_stop(&f);
}

Test(mock_fault, hang_large_body) {
  mc_judge j;
  mc_judge_init(&j);
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.faults = HMOCK_FAULT_BIT(HMOCK_FAULT_HANG_LARGE_BODY);
  o.max_body = 1024;
  o.hang_s = 30;
  hmock *m = mc_start_opts(&o);
  static char big[4096];
  memset(big, ' ', sizeof big);
  mc_resp r;
  double t0 = mc_now();
  mc_request(hmock_port(m), "POST", API_PATH, "application/json", NULL, big, sizeof big, 1500, &r);
  cr_assert_eq(r.rc, CURLE_OPERATION_TIMEDOUT, "no answer: %s", curl_easy_strerror(r.rc));
  cr_assert_eq(r.status, 0);
  cr_assert_geq(mc_now() - t0, 1.4);
  mc_free(&r);
  /* a small body is still answered, and stop works with a request held */
  int fd = mc_connect(hmock_port(m));
  char req[256];
  int n = snprintf(req, sizeof req,
                   "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 5000\r\n\r\n");
  cr_assert_eq(send(fd, req, (size_t)n, 0), n);
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  cr_assert_eq(r.status, 201);
  mc_free(&r);
  hmock_stop(m);
  close(fd);
  mc_judge_fini(&j);
}

Test(mock_fault, hang_ends_after_hang_seconds) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.faults = HMOCK_FAULT_BIT(HMOCK_FAULT_HANG_LARGE_BODY);
  o.max_body = 1024;
  o.hang_s = 1;
  hmock *m = mc_start_opts(&o);
  int fd = mc_connect(hmock_port(m));
  const char req[] = "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 5000\r\n\r\n";
  cr_assert_eq(send(fd, req, sizeof req - 1, 0), (ssize_t)(sizeof req - 1));
  char buf[1024];
  double t0 = mc_now();
  long got = mc_read_all(fd, buf, sizeof buf, 5000);
  cr_assert_eq(got, 0, "closed without an answer (got %ld)", got);
  cr_assert_geq(mc_now() - t0, 0.8);
  close(fd);
  hmock_stop(m);
}

Test(mock_fault, wrong_content_type) {
  fx f;
  fx_start(&f, "wrong-content-type", NULL);
  post_and_judge(&f, VALID_BODY, 201, 1);
  char ct[128];
  cr_assert_str_eq(mc_header(&f.r, "Content-Type", ct, sizeof ct), "text/plain");
  fx_stop(&f);
}

/* Every fault of the table has a test above. */
Test(mock_fault, every_fault_is_tested_here) {
  static const char *tested[] = {"extra-property",
                                 "revision-not-1",
                                 "no-token",
                                 "bad-date-time",
                                 "wrong-type",
                                 "bad-enum",
                                 "accept-bad-account-id",
                                 "accept-bad-module-id",
                                 "accept-empty-modules",
                                 "accept-missing-name",
                                 "accept-unknown-property",
                                 "500-on-unicode",
                                 "reject-text-json",
                                 "reject-null",
                                 "problem-status-mismatch",
                                 "problem-not-json",
                                 "status-200",
                                 "invalid-utf8",
                                 "duplicate-key",
                                 "ignore-auth",
                                 "hang-large-body",
                                 "wrong-content-type"};
  size_t n = sizeof tested / sizeof tested[0];
  cr_assert_eq(n, hmock_fault_count());
  for (size_t i = 0; i < hmock_fault_count(); i++) {
    int found = 0;
    for (size_t k = 0; k < n; k++)
      found |= !strcmp(tested[k], hmock_fault_at(i)->name);
    cr_assert(found, "fault %s has no test", hmock_fault_at(i)->name);
  }
}
