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
  /* the first plain string the mock generates (not an echo): audit.created.by.id */
  cr_assert(mc_has_violation(&f.j, "/audit/created/by/id", "type"));
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
  cr_assert_str_eq(e.pointer, "/audit/created/by/id", "the first generated plain string");
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
  /* held for 30 s: a client giving up after 400 ms (an answer takes ~1 ms) has none */
  mc_request(hmock_port(m), "POST", API_PATH, "application/json", NULL, big, sizeof big, 400, &r);
  cr_assert_eq(r.rc, CURLE_OPERATION_TIMEDOUT, "no answer: %s", curl_easy_strerror(r.rc));
  cr_assert_eq(r.status, 0);
  cr_assert_geq(mc_now() - t0, 0.35);
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

/* ---- ordinary bugs a little to the side of a fixed test point: each fault
 * shows only off the catalogue's old fixed points, and the healthy mock
 * answers the same request correctly ---- */

#define TOKEN "Tok-9f8e7d6c5b4a"

/* The status of one POST with the given Content-Type and extra header line. */
static long fx_post(fx *f, const char *ctype, const char *extra, const char *body) {
  mc_free(&f->r);
  mc_request(hmock_port(f->m), "POST", API_PATH, ctype, extra, body, strlen(body), 0, &f->r);
  return f->r.status;
}

/* The same request against a healthy mock. */
static long healthy_status(const char *token, const char *ctype, const char *extra,
                           const char *body) {
  hmock *m = mc_start(0, token);
  mc_resp r;
  mc_request(hmock_port(m), "POST", API_PATH, ctype, extra, body, strlen(body), 0, &r);
  long st = r.status;
  mc_free(&r);
  hmock_stop(m);
  return st;
}

/* The echoed string member (true length) of the last 201. */
static const char *fx_echo(fx *f, const char *name, size_t *len) {
  hjson_error e;
  const cJSON *root = mc_parse(&f->j, &f->r, &e);
  cr_assert_not_null(root, "201 not strict JSON: %s", e.msg);
  return hjson_string(hjson_get(root, name, strlen(name)), len);
}

Test(mock_fault, item_rules_first_only) {
  fx f;
  fx_start(&f, "item-rules-first-only", NULL);
  const char *second_bad = BODY_WITH("ACC-1234-5678", "", "[{\"id\":\"MOD-1234\"},{\"id\":\"MOD-1\"}]");
  const char *first_bad = BODY_WITH("ACC-1234-5678", "", "[{\"id\":\"MOD-1\"},{\"id\":\"MOD-1234\"}]");
  cr_assert_eq(fx_post(&f, "application/json", NULL, second_bad), 201, "modules[1] is not checked");
  cr_assert_eq(fx_post(&f, "application/json", NULL, first_bad), 400, "modules[0] still is");
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, second_bad), 400);
  fx_stop(&f);
}

Test(mock_fault, undeclared_null_ignored) {
  fx f;
  fx_start(&f, "undeclared-null-ignored", NULL);
  const char *with_null = BODY_WITH("ACC-1234-5678", ",\"owner\":null", "[{\"id\":\"MOD-1234\"}]");
  const char *with_one = BODY_WITH("ACC-1234-5678", ",\"owner\":1", "[{\"id\":\"MOD-1234\"}]");
  cr_assert_eq(fx_post(&f, "application/json", NULL, with_null), 201);
  cr_assert_eq(fx_post(&f, "application/json", NULL, with_one), 400);
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, with_null), 400);
  fx_stop(&f);
}

Test(mock_fault, two_errors_invalid_json) {
  fx f;
  fx_start(&f, "two-errors-invalid-json", NULL);
  hjson_error e;
  cr_assert_eq(fx_post(&f, "application/json", NULL, "{\"account\":{\"id\":\"x\"},\"name\":1}"), 400);
  cr_assert_null(mc_parse(&f.j, &f.r, &e), "two locations: invalid JSON: %s", f.r.body);
  cr_assert_eq(fx_post(&f, "application/json", NULL, BODY_WITH("x", "", "[{\"id\":\"MOD-1234\"}]")),
               400);
  cr_assert_not_null(mc_parse(&f.j, &f.r, &e), "one location: still JSON: %s", f.r.body);
  fx_stop(&f);
}

Test(mock_fault, duplicate_key_last_wins) {
  fx f;
  fx_start(&f, "duplicate-key-last-wins", NULL);
  const char *body = "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"first\",\"name\":\"last\","
                     "\"modules\":[{\"id\":\"MOD-1234\"}]}";
  cr_assert_eq(fx_post(&f, "application/json", NULL, body), 201);
  size_t len;
  const char *name = fx_echo(&f, "name", &len);
  cr_assert(name && len == 4 && !memcmp(name, "last", 4), "the last value is stored");
  const char *unchecked = "{\"account\":{\"id\":\"ACC-1234-5678\"},\"account\":{\"id\":\"bad\"},"
                          "\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}";
  cr_assert_eq(fx_post(&f, "application/json", NULL, unchecked), 201, "never validated");
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, unchecked), 400);
  fx_stop(&f);
}

/* A name of n copies of `unit`, inside a valid body. */
static char *body_with_name(const char *unit, size_t n) {
  size_t ul = strlen(unit);
  char *b = malloc(ul * n + 256);
  size_t o = (size_t)sprintf(b, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"");
  for (size_t i = 0; i < n; i++, o += ul)
    memcpy(b + o, unit, ul);
  sprintf(b + o, "\",\"modules\":[{\"id\":\"MOD-1234\"}]}");
  return b;
}

Test(mock_fault, name_truncated_255) {
  fx f;
  fx_start(&f, "name-truncated-255", NULL);
  char *b = body_with_name("\xc3\xa9", 256); /* 256 characters, 512 bytes */
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  size_t len;
  fx_echo(&f, "name", &len);
  cr_assert_eq(len, 510, "255 characters kept, got %zu bytes", len);
  free(b);
  b = body_with_name("n", 255);
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  fx_echo(&f, "name", &len);
  cr_assert_eq(len, 255, "a 255-character name is intact");
  free(b);
  fx_stop(&f);
}

Test(mock_fault, name_trimmed) {
  fx f;
  fx_start(&f, "name-trimmed", NULL);
  char *b = body_with_name(" x ", 1);
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  free(b);
  size_t len;
  const char *name = fx_echo(&f, "name", &len);
  cr_assert(len == 1 && name[0] == 'x');
  fx_stop(&f);
}

Test(mock_fault, non_ascii_as_question_mark) {
  fx f;
  fx_start(&f, "non-ascii-as-question-mark", NULL);
  char *b = body_with_name("caf\\u00e9 \xe2\x82\xac", 1);
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  size_t len;
  const char *name = fx_echo(&f, "name", &len);
  cr_assert(len == 6 && !memcmp(name, "caf? ?", 6), "%.*s", (int)len, name);
  free(b);
  fx_stop(&f);
}

Test(mock_fault, non_bmp_replaced) {
  fx f;
  fx_start(&f, "non-bmp-replaced", NULL);
  char *b = body_with_name("\\ud83d\\ude00\xc3\xa9", 1);
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  size_t len;
  const char *name = fx_echo(&f, "name", &len);
  cr_assert(len == 5 && !memcmp(name, "\xef\xbf\xbd\xc3\xa9", 5), "U+FFFD, BMP kept");
  free(b);
  fx_stop(&f);
}

Test(mock_fault, nul_truncates) {
  fx f;
  fx_start(&f, "nul-truncates", NULL);
  char *b = body_with_name("a\\u0000b", 1);
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  size_t len;
  const char *name = fx_echo(&f, "name", &len);
  cr_assert(len == 1 && name[0] == 'a');
  free(b);
  fx_stop(&f);
}

/* The module ids echoed, joined with ','. */
static void fx_modules(fx *f, char *buf, size_t cap) {
  hjson_error e;
  const cJSON *root = mc_parse(&f->j, &f->r, &e);
  cr_assert_not_null(root);
  buf[0] = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, hjson_get(root, "modules", 7)) {
    const char *id = hjson_string(hjson_get(it, "id", 2), NULL);
    strncat(buf, id ? id : "?", cap - strlen(buf) - 2);
    strncat(buf, ",", cap - strlen(buf) - 1);
  }
}

Test(mock_fault, modules_deduplicated) {
  fx f;
  fx_start(&f, "modules-deduplicated", NULL);
  char ids[256];
  cr_assert_eq(fx_post(&f, "application/json", NULL,
                       BODY_WITH("ACC-1234-5678", "",
                                 "[{\"id\":\"MOD-1234\"},{\"id\":\"MOD-1234\"},{\"id\":\"MOD-0001\"}]")),
               201);
  fx_modules(&f, ids, sizeof ids);
  cr_assert_str_eq(ids, "MOD-1234,MOD-0001,");
  fx_stop(&f);
}

Test(mock_fault, extra_module_echoed) {
  fx f;
  fx_start(&f, "extra-module-echoed", NULL);
  char ids[256];
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  fx_modules(&f, ids, sizeof ids);
  /* the two requested, then one generated from the ModuleRef schema with an id */
  cr_assert_eq(strncmp(ids, "MOD-1234,MOD-0001,", 18), 0, "%s", ids);
  const char *added = ids + 18;
  size_t al = strlen(added);
  cr_assert(al > 1 && added[al - 1] == ',' && !memchr(added, ',', al - 1), "one added: %s", added);
  cr_assert_null(strchr(added, '?'), "the added module has an id: %s", added);
  cr_assert(strcmp(added, "MOD-1234,") && strcmp(added, "MOD-0001,"), "never requested: %s", added);
  fx_stop(&f);
}

Test(mock_fault, modules_capped) {
  fx f;
  fx_start(&f, "modules-capped", NULL);
  char *b = malloc(200 * 20 + 256);
  size_t o = (size_t)sprintf(b, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":[");
  for (int i = 0; i < 200; i++)
    o += (size_t)sprintf(b + o, "%s{\"id\":\"MOD-%04d\"}", i ? "," : "", i);
  sprintf(b + o, "]}");
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  hjson_error e;
  const cJSON *root = mc_parse(&f.j, &f.r, &e);
  cr_assert_eq(cJSON_GetArraySize(hjson_get(root, "modules", 7)), 100);
  free(b);
  fx_stop(&f);
}

Test(mock_fault, _500_on_huge_number) {
  fx f;
  fx_start(&f, "500-on-huge-number", NULL);
  const char *b = "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":1e400,\"modules\":[]}";
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 500);
  cr_assert_eq(fx_post(&f, "application/json", NULL, "{\"name\":1e300}"), 400);
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, b), 400);
  fx_stop(&f);
}

Test(mock_fault, _500_on_deep_nesting) {
  fx f;
  fx_start(&f, "500-on-deep-nesting", NULL);
  char *b = malloc(2 * 1000 + 16);
  memset(b, '[', 1000);
  memset(b + 1000, ']', 1000);
  b[2000] = 0;
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 500);
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, b), 400);
  b[999] = ' ';
  b[1000] = ' ';
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 400, "999 levels: 400");
  free(b);
  fx_stop(&f);
}

Test(mock_fault, unescaped_detail) {
  fx f;
  fx_start(&f, "unescaped-detail", NULL);
  hjson_error e;
  cr_assert_eq(fx_post(&f, "application/json", NULL,
                       BODY_WITH("ACC-\\\"1", "", "[{\"id\":\"MOD-1234\"}]")),
               400);
  cr_assert_null(mc_parse(&f.j, &f.r, &e), "the raw quote breaks the JSON: %s", f.r.body);
  cr_assert_eq(fx_post(&f, "application/json", NULL, BODY_WITH("ACC-1", "", "[{\"id\":\"MOD-1234\"}]")),
               400);
  cr_assert_not_null(mc_parse(&f.j, &f.r, &e), "a plain value: still JSON");
  fx_stop(&f);
}

/* Each auth fault accepts exactly the near miss it is named after. */
static void auth_fault(const char *fault, const char *accepted) {
  fx f;
  fx_start(&f, fault, TOKEN);
  cr_assert_eq(fx_post(&f, "application/json", accepted, VALID_BODY), 201, "%s: %s", fault,
               accepted ? accepted : "(none)");
  cr_assert_eq(fx_post(&f, "application/json", "Authorization: Bearer wrong", VALID_BODY), 401);
  cr_assert_eq(fx_post(&f, "application/json", "Authorization: Bearer " TOKEN, VALID_BODY), 201);
  cr_assert_neq(healthy_status(TOKEN, "application/json", accepted, VALID_BODY), 201);
  fx_stop(&f);
}

Test(mock_fault, auth_prefix_only) {
  auth_fault("auth-prefix-only", "Authorization: Bearer Tok-9f8eXXXXXXXX");
}
Test(mock_fault, auth_length_only) {
  auth_fault("auth-length-only", "Authorization: Bearer abcdefghijklmnop");
}
Test(mock_fault, auth_case_insensitive) {
  auth_fault("auth-case-insensitive", "Authorization: Bearer tOK-9F8E7D6C5B4A");
}
Test(mock_fault, auth_empty_bearer) { auth_fault("auth-empty-bearer", "Authorization: Bearer"); }
Test(mock_fault, auth_any_scheme) {
  auth_fault("auth-any-scheme", "Authorization: Basic " TOKEN);
}
Test(mock_fault, auth_last_header_wins) {
  auth_fault("auth-last-header-wins",
             "Authorization: Bearer wrong\r\nAuthorization: Bearer " TOKEN);
}

Test(mock_fault, auth_scheme_case_sensitive) {
  fx f;
  fx_start(&f, "auth-scheme-case-sensitive", TOKEN);
  cr_assert_eq(fx_post(&f, "application/json", "Authorization: bearer " TOKEN, VALID_BODY), 401);
  cr_assert_eq(fx_post(&f, "application/json", "Authorization: Bearer " TOKEN, VALID_BODY), 201);
  cr_assert_eq(healthy_status(TOKEN, "application/json", "Authorization: bearer " TOKEN, VALID_BODY),
               201);
  fx_stop(&f);
}

Test(mock_fault, same_name_conflict) {
  fx f;
  fx_start(&f, "same-name-conflict", NULL);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 409);
  char *b = body_with_name("other", 1);
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 201);
  free(b);
  fx_stop(&f);
}

Test(mock_fault, same_body_same_token) {
  fx f;
  fx_start(&f, "same-body-same-token", NULL);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  char *first = strdup(f.r.body);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  cr_assert_str_eq(f.r.body, first, "the same id and token value again");
  free(first);
  fx_stop(&f);
}

/* Raw exchange on one connection: everything the mock sends back. */
static char *fx_raw(fx *f, const char *req, int timeout_ms) {
  int fd = mc_connect(hmock_port(f->m));
  cr_assert_eq(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
  char *buf = malloc(1 << 16);
  long got = mc_read_all(fd, buf, 1 << 16, timeout_ms);
  if (got < 0)
    buf[0] = 0;
  close(fd);
  return buf;
}

#define NEXT_VALID                                                                                 \
  "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"                    \
  "Content-Length: 72\r\nConnection: close\r\n\r\n"                                                \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}"

Test(mock_fault, keep_alive_misframe) {
  fx f;
  fx_start(&f, "keep-alive-misframe", NULL);
  char *out = fx_raw(&f,
                     "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 2\r\n\r\n{}" NEXT_VALID,
                     3000);
  cr_assert_eq(strncmp(out, "HTTP/1.1 415 ", 13), 0, "%s", out);
  cr_assert_not_null(strstr(out, "HTTP/1.1 400 "), "the next request is misread: %s", out);
  cr_assert_null(strstr(out, "HTTP/1.1 201 "), "%s", out);
  free(out);
  fx_stop(&f);
}

Test(mock_fault, head_with_body) {
  fx f;
  fx_start(&f, "head-with-body", NULL);
  char *out = fx_raw(&f, "HEAD " API_PATH " HTTP/1.1\r\nHost: x\r\n\r\n" NEXT_VALID, 3000);
  cr_assert_eq(strncmp(out, "HTTP/1.1 405 ", 13), 0, "%s", out);
  char *after = strstr(out, "\r\n\r\n");
  cr_assert_not_null(after);
  cr_assert_eq(after[4], '{', "bytes of a body right after the HEAD answer: %.40s", after + 4);
  free(out);
  fx_stop(&f);
}

Test(mock_fault, no_date) {
  fx f;
  fx_start(&f, "no-date", NULL);
  char date[128];
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  cr_assert_str_empty(mc_header(&f.r, "Date", date, sizeof date));
  cr_assert_eq(fx_post(&f, "application/json", NULL, "{}"), 400);
  cr_assert_str_empty(mc_header(&f.r, "Date", date, sizeof date));
  fx_stop(&f);
}

Test(mock_fault, revision_float) {
  fx f;
  fx_start(&f, "revision-float", NULL);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  cr_assert_not_null(strstr(f.r.body, "\"revision\":1.0,"), "%s", f.r.body);
  fx_stop(&f);
}

Test(mock_fault, charset_exact) {
  fx f;
  fx_start(&f, "charset-exact", NULL);
  cr_assert_eq(fx_post(&f, "application/json; charset=utf-8", NULL, VALID_BODY), 201);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  cr_assert_eq(fx_post(&f, "application/json; charset=UTF-8", NULL, VALID_BODY), 415);
  cr_assert_eq(fx_post(&f, "application/json; charset=\"utf-8\"", NULL, VALID_BODY), 415);
  cr_assert_eq(healthy_status(NULL, "application/json; charset=\"utf-8\"", NULL, VALID_BODY), 201);
  fx_stop(&f);
}

Test(mock_fault, member_order) {
  fx f;
  fx_start(&f, "member-order", NULL);
  const char *b = "{\"name\":\"x\",\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[{\"id\":\"MOD-1234\"}]}";
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 400);
  cr_assert_eq(fx_post(&f, "application/json", NULL, VALID_BODY), 201);
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, b), 201);
  fx_stop(&f);
}

Test(mock_fault, pretty_refused) {
  fx f;
  fx_start(&f, "pretty-refused", NULL);
  const char *b = "{\r\n\t\"account\": {\"id\": \"ACC-1234-5678\"},\r\n\t\"name\": \"a\\tb\",\r\n"
                  "\t\"modules\": [{\"id\": \"MOD-1234\"}]\r\n}\r\n";
  cr_assert_eq(fx_post(&f, "application/json", NULL, b), 400);
  cr_assert_eq(fx_post(&f, "application/json", NULL,
                       "{\n  \"account\": {\"id\": \"ACC-1234-5678\"},\n  \"name\": \"a\\tb\",\n"
                       "  \"modules\": [{\"id\": \"MOD-1234\"}]\n}\n"),
               201, "spaces, LF and an escaped tab pass");
  cr_assert_eq(healthy_status(NULL, "application/json", NULL, b), 201);
  fx_stop(&f);
}

/* Every fault of the table has a test above. */
Test(mock_fault, every_fault_is_tested_here) {
  static const char *tested[] = {
      "extra-property", "revision-not-1", "no-token", "bad-date-time", "wrong-type", "bad-enum",
      "accept-bad-account-id", "accept-bad-module-id", "accept-empty-modules",
      "accept-missing-name", "accept-unknown-property", "500-on-unicode", "reject-text-json",
      "reject-null", "problem-status-mismatch", "problem-not-json", "status-200",
      "invalid-utf8", "duplicate-key", "ignore-auth", "hang-large-body", "wrong-content-type",
      "item-rules-first-only", "undeclared-null-ignored", "two-errors-invalid-json",
      "duplicate-key-last-wins", "name-truncated-255", "name-trimmed",
      "non-ascii-as-question-mark", "non-bmp-replaced", "nul-truncates", "modules-deduplicated",
      "extra-module-echoed", "modules-capped", "500-on-huge-number", "500-on-deep-nesting",
      "unescaped-detail", "auth-prefix-only", "auth-length-only", "auth-case-insensitive",
      "auth-empty-bearer", "auth-any-scheme", "auth-scheme-case-sensitive",
      "auth-last-header-wins", "same-name-conflict", "same-body-same-token",
      "keep-alive-misframe", "head-with-body", "no-date", "revision-float", "charset-exact",
      "member-order", "pretty-refused"};
  size_t n = sizeof tested / sizeof tested[0];
  cr_assert_eq(n, hmock_fault_count());
  for (size_t i = 0; i < hmock_fault_count(); i++) {
    int found = 0;
    for (size_t k = 0; k < n; k++)
      found |= !strcmp(tested[k], hmock_fault_at(i)->name);
    cr_assert(found, "fault %s has no test", hmock_fault_at(i)->name);
    /* the requirement is an id, not prose */
    const char *req = hmock_fault_at(i)->requirement;
    cr_assert(req && *req && !strchr(req, ' ') && strchr(req, '.'), "%s: requirement '%s'",
              hmock_fault_at(i)->name, req);
  }
}
