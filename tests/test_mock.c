/* The mock's behaviour, request by request, over real sockets (libcurl). */
#include "test_mock_common.h"

static const cJSON *get(const cJSON *o, const char *name) {
  return hjson_get(o, name, strlen(name));
}

static const char *str(const cJSON *o, const char *name) {
  const cJSON *v = get(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Posts VALID_BODY-like bodies and checks the 201 against the ApiToken schema. */
static const cJSON *expect_created(mc_judge *j, const mc_resp *r) {
  char ct[256], viol[4096];
  cr_assert_eq(r->rc, CURLE_OK, "curl: %s", curl_easy_strerror(r->rc));
  cr_assert_eq(r->status, 201, "status %ld body %s", r->status, r->body);
  cr_assert_str_eq(mc_header(r, "Content-Type", ct, sizeof ct), "application/json");
  cr_assert_str_eq(mc_header(r, "Cache-Control", ct, sizeof ct), "no-store");
  hjson_error e;
  const cJSON *root = mc_parse(j, r, &e);
  cr_assert_not_null(root, "201 body is not strict JSON: %s at %zu", e.msg, e.offset);
  hschema_result_reset(j->res);
  cr_assert(hrules_check_response(j->rules, 201, root, j->res), "201 body breaks:\n%s",
            mc_violations(j, viol, sizeof viol));
  return root;
}

Test(mock, created_body_is_a_valid_api_token_echoing_the_request) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  mc_resp r;
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  const cJSON *t = expect_created(&j, &r);

  cr_assert_str_eq(str(t, "name"), "ci token");
  cr_assert_str_eq(str(t, "description"), "for CI");
  cr_assert(cJSON_IsNull(get(t, "icon")), "icon null is echoed as null");
  cr_assert_eq(get(t, "revision")->valuedouble, 1);
  cr_assert_not_null(str(t, "status"), "a documented member the request lacks is generated");
  const char *last = str(t, "lastAccessAt");
  cr_assert(last && hschema_is_date_time(last, strlen(last)), "a generated date-time");
  cr_assert_null(get(t, "internalNote"), "nothing undocumented");
  const char *id = str(t, "id");
  cr_assert_not_null(id);
  cr_assert_eq(strlen(id), strlen("TKN-0000-0000-0000"), "id %s", id);
  cr_assert_eq(strncmp(id, "TKN-", 4), 0);
  const char *token = str(t, "token");
  cr_assert_not_null(token);
  cr_assert_eq(strncmp(token, "idt:", 4), 0);
  cr_assert_geq(strlen(token), 4 + strlen(id) + 1 + 43, "at least 256 bits of secret");

  const cJSON *created = get(get(t, "audit"), "created");
  const char *at = str(created, "at");
  cr_assert_not_null(at);
  cr_assert(hschema_is_date_time(at, strlen(at)), "at %s", at);
  cr_assert_eq(at[strlen(at) - 1], 'Z');
  cr_assert_not_null(str(get(created, "by"), "id"));
  cr_assert_not_null(str(get(created, "by"), "name"));

  const cJSON *acc = get(t, "account");
  cr_assert_str_eq(str(acc, "id"), "ACC-1234-5678");
  cr_assert_not_null(str(acc, "name"));
  cr_assert_not_null(str(acc, "type"), "type comes from the AccountType enum");
  cr_assert_not_null(str(acc, "status"), "status comes from the AccountStatus enum");

  const cJSON *mods = get(t, "modules");
  cr_assert_eq(cJSON_GetArraySize(mods), 2);
  cr_assert_str_eq(str(cJSON_GetArrayItem(mods, 0), "id"), "MOD-1234");
  cr_assert_str_eq(str(cJSON_GetArrayItem(mods, 1), "id"), "MOD-0001");
  const cJSON *ext = get(t, "extensions");
  cr_assert_eq(cJSON_GetArraySize(ext), 1);
  cr_assert_str_eq(str(cJSON_GetArrayItem(ext, 0), "id"), "EXT-1");
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, each_create_gets_a_distinct_id_and_token) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  char ids[8][64], tokens[8][160];
  for (int i = 0; i < 8; i++) {
    mc_resp r;
    mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
    const cJSON *t = expect_created(&j, &r);
    snprintf(ids[i], sizeof ids[i], "%s", str(t, "id"));
    snprintf(tokens[i], sizeof tokens[i], "%s", str(t, "token"));
    for (int k = 0; k < i; k++) {
      cr_assert_str_neq(ids[i], ids[k]);
      cr_assert_str_neq(tokens[i], tokens[k]);
    }
    mc_free(&r);
  }
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, nul_and_non_ascii_strings_are_echoed_byte_for_byte) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  const char *body =
      "{\"account\":{\"id\":\"ACC-0000-0001\"},\"name\":\"a\\u0000b \\u00e9\xe2\x82\xac"
      "\\\"q\\\"\",\"description\":\"line\\nnext\",\"modules\":[{\"id\":\"MOD-0002\"}]}";
  mc_resp r;
  mc_post(hmock_port(m), "application/json", body, &r);
  const cJSON *t = expect_created(&j, &r);
  size_t len;
  const char *name = hjson_string(get(t, "name"), &len);
  static const char want[] = "a\0b \xc3\xa9\xe2\x82\xac\"q\"";
  cr_assert_eq(len, sizeof want - 1);
  cr_assert_eq(memcmp(name, want, len), 0);
  cr_assert_str_eq(str(t, "description"), "line\nnext");
  cr_assert_null(get(t, "icon"), "an absent icon stays absent");
  cr_assert_null(get(t, "extensions"), "absent extensions stay absent");
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, documented_media_types_in_any_case_with_parameters) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  const char *types[] = {"application/json",
                         "Application/JSON; charset=UTF-8",
                         "text/json",
                         "TEXT/JSON;charset=utf-8",
                         "application/vnd.api+json",
                         "application/merge-patch+json; charset=utf-8"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    mc_resp r;
    mc_post(hmock_port(m), types[i], VALID_BODY, &r);
    cr_assert_eq(r.status, 201, "%s: %ld %s", types[i], r.status, r.body);
    expect_created(&j, &r);
    mc_free(&r);
  }
  hmock_stop(m);
  mc_judge_fini(&j);
}

static const cJSON *expect_problem(mc_judge *j, const mc_resp *r, long status) {
  char ct[256], viol[4096];
  cr_assert_eq(r->rc, CURLE_OK, "curl: %s", curl_easy_strerror(r->rc));
  cr_assert_eq(r->status, status, "status %ld, wanted %ld: %s", r->status, status, r->body);
  /* the media type the spec documents for a ProblemDetails (the 400's) */
  cr_assert_str_eq(mc_header(r, "Content-Type", ct, sizeof ct), "application/json");
  cr_assert(mc_header(r, "Date", ct, sizeof ct)[0], "every answer carries a Date");
  hjson_error e;
  const cJSON *p = mc_parse(j, r, &e);
  cr_assert_not_null(p, "problem body is not strict JSON: %s", e.msg);
  hschema_result_reset(j->res);
  cr_assert(hrules_check_response(j->rules, 400, p, j->res), "ProblemDetails schema:\n%s",
            mc_violations(j, viol, sizeof viol));
  cr_assert_eq(get(p, "status")->valuedouble, (double)status);
  cr_assert_not_null(str(p, "type"));
  cr_assert_not_null(str(p, "title"));
  cr_assert_not_null(str(p, "detail"));
  return p;
}

/* The messages under errors[key], joined. */
static const char *errors_at(const cJSON *p, const char *key, char *buf, size_t cap) {
  const cJSON *errs = get(p, "errors");
  cr_assert(cJSON_IsObject(errs), "errors object");
  const cJSON *list = get(errs, key);
  cr_assert(cJSON_IsArray(list), "no errors[\"%s\"] in %s", key,
            cJSON_PrintUnformatted((cJSON *)errs));
  buf[0] = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, list) {
    cr_assert(cJSON_IsString(it));
    strncat(buf, it->valuestring, cap - strlen(buf) - 2);
    strncat(buf, "\n", cap - strlen(buf) - 1);
  }
  return buf;
}

Test(mock, invalid_bodies_get_400_problem_details_keyed_by_location) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  char msgs[4096];
  mc_resp r;

  mc_post(hmock_port(m), "application/json",
          "{\"account\":{\"id\":\"ACC-12\"},\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}",
          &r);
  const cJSON *p = expect_problem(&j, &r, 400);
  cr_assert_not_null(strstr(errors_at(p, "/account/id", msgs, sizeof msgs), "pattern"), "%s", msgs);
  mc_free(&r);

  mc_post(hmock_port(m), "application/json",
          "{\"account\":{\"id\":\"ACC-1234-5678\"},\"modules\":[]}", &r);
  p = expect_problem(&j, &r, 400);
  cr_assert_not_null(strstr(errors_at(p, "$", msgs, sizeof msgs), "prose.name-required"), "%s",
                     msgs);
  cr_assert_not_null(strstr(errors_at(p, "/modules", msgs, sizeof msgs), "prose.modules-required"),
                     "%s", msgs);
  mc_free(&r);

  mc_post(
      hmock_port(m), "application/json",
      "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}],"
      "\"owner\":1}",
      &r);
  p = expect_problem(&j, &r, 400);
  cr_assert_not_null(strstr(errors_at(p, "/owner", msgs, sizeof msgs), "additionalProperties"),
                     "%s", msgs);
  mc_free(&r);

  mc_post(hmock_port(m), "application/json", "{\"name\": 12,}", &r);
  p = expect_problem(&j, &r, 400);
  cr_assert_not_null(strstr(str(p, "detail"), "not valid JSON"));
  cr_assert_not_null(strstr(str(p, "detail"), "byte 12"), "%s", str(p, "detail"));
  mc_free(&r);

  /* duplicate member names are not strict JSON: the error names the pointer */
  mc_post(hmock_port(m), "application/json", "{\"account\":{\"id\":\"a\",\"id\":\"b\"}}", &r);
  p = expect_problem(&j, &r, 400);
  cr_assert_not_null(strstr(str(p, "detail"), "byte"), "%s", str(p, "detail"));
  cr_assert_not_null(get(get(p, "errors"), "/account/id"), "%s", r.body);
  mc_free(&r);

  mc_request(hmock_port(m), "POST", API_PATH, "application/json", NULL, "", 0, 0, &r);
  expect_problem(&j, &r, 400);
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, unsupported_or_missing_content_type_gets_415) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  const char *types[] = {
      NULL,   "text/plain",       "application/xml", "application/x-www-form-urlencoded",
      "json", "application/jsonx"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    mc_resp r;
    mc_request(hmock_port(m), "POST", API_PATH, types[i], NULL, VALID_BODY, strlen(VALID_BODY), 0,
               &r);
    const cJSON *p = expect_problem(&j, &r, 415);
    cr_assert_not_null(strstr(str(p, "detail"), "application/json"), "names the documented types");
    mc_free(&r);
  }
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, other_methods_get_405_with_allow) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  const char *methods[] = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    mc_resp r;
    char allow[64];
    mc_request(hmock_port(m), methods[i], API_PATH, NULL, NULL, NULL, 0, 0, &r);
    expect_problem(&j, &r, 405);
    cr_assert_str_eq(mc_header(&r, "Allow", allow, sizeof allow), "POST", "%s", methods[i]);
    mc_free(&r);
  }
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, other_paths_get_404) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  const char *paths[] = {"/", "/public/v1/accounts/api-tokens/", "/public/v1/accounts",
                         "/public/v1/accounts/api-tokens/TKN-1"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    mc_resp r;
    mc_request(hmock_port(m), "POST", paths[i], "application/json", NULL, VALID_BODY,
               strlen(VALID_BODY), 0, &r);
    expect_problem(&j, &r, 404);
    mc_free(&r);
  }
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, body_over_max_body_gets_413_and_server_stays_up) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  size_t n = 2u << 20;
  char *big = malloc(n);
  cr_assert_not_null(big);
  memset(big, ' ', n);
  big[0] = '[';
  big[n - 1] = ']';
  mc_resp r;
  mc_request(hmock_port(m), "POST", API_PATH, "application/json", NULL, big, n, 0, &r);
  expect_problem(&j, &r, 413);
  mc_free(&r);
  /* the same without Expect: 100-continue, the whole body pushed at once */
  mc_request(hmock_port(m), "POST", API_PATH, "application/json", "Expect:", big, n, 0, &r);
  cr_assert(r.status == 413 || r.rc != CURLE_OK, "status %ld", r.status);
  mc_free(&r);
  free(big);
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  expect_created(&j, &r);
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}

/* A chunked body has no Content-Length: the cap applies while it streams. */
typedef struct {
  size_t left;
} chunk_src;

static size_t chunk_read(char *buf, size_t s, size_t n, void *u) {
  chunk_src *c = u;
  size_t k = s * n < c->left ? s * n : c->left;
  memset(buf, ' ', k);
  c->left -= k;
  return k;
}

Test(mock, chunked_body_over_max_body_gets_413) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.max_body = 64 * 1024;
  hmock *m = mc_start_opts(&o);
  CURL *h = curl_easy_init();
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", hmock_port(m), API_PATH);
  struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
  hs = curl_slist_append(hs, "Transfer-Encoding: chunked");
  chunk_src src = {.left = 200 * 1024};
  mc_resp r;
  memset(&r, 0, sizeof r);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, chunk_read);
  curl_easy_setopt(h, CURLOPT_READDATA, &src);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, mc_on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  cr_assert_eq(rc, CURLE_OK, "%s", curl_easy_strerror(rc));
  cr_assert_eq(status, 413);
  curl_slist_free_all(hs);
  curl_easy_cleanup(h);
  mc_free(&r);
  hmock_stop(m);
}

Test(mock, bearer_token_required_when_configured) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, "s3cret-token");
  char wa[256];
  mc_resp r;
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  expect_problem(&j, &r, 401);
  cr_assert_eq(strncmp(mc_header(&r, "WWW-Authenticate", wa, sizeof wa), "Bearer", 6), 0);
  cr_assert_null(strstr(r.body, "s3cret"), "the token never appears in a response");
  mc_free(&r);
  const char *wrong[] = {"Authorization: Bearer s3cret-tokeN", "Authorization: Bearer s3cret",
                         "Authorization: Bearer s3cret-token-and-more",
                         "Authorization: Basic s3cret-token", "Authorization: Bearer"};
  for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
    mc_request(hmock_port(m), "POST", API_PATH, "application/json", wrong[i], VALID_BODY,
               strlen(VALID_BODY), 0, &r);
    expect_problem(&j, &r, 401);
    cr_assert_not_null(strstr(mc_header(&r, "WWW-Authenticate", wa, sizeof wa), "Bearer"));
    mc_free(&r);
  }
  mc_request(hmock_port(m), "POST", API_PATH, "application/json",
             "Authorization: bearer  s3cret-token", VALID_BODY, strlen(VALID_BODY), 0, &r);
  expect_created(&j, &r);
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}

Test(mock, keep_alive_serves_many_requests_on_one_connection) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  CURL *h = curl_easy_init();
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", hmock_port(m), API_PATH);
  struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
  long conns = 0;
  for (int i = 0; i < 50; i++) {
    mc_resp r;
    memset(&r, 0, sizeof r);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, VALID_BODY);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, mc_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    cr_assert_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    long n = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &n);
    conns += n;
    cr_assert_eq(r.status, 201);
    mc_free(&r);
  }
  cr_assert_eq(conns, 1, "one connection for 50 requests, got %ld", conns);
  curl_slist_free_all(hs);
  curl_easy_cleanup(h);
  hmock_stop(m);
  mc_judge_fini(&j);
}

/* The logic without sockets: what the fuzzers drive. */
Test(mock, handle_without_sockets) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.spec_path = SPEC_PATH;
  char err[600];
  hmock *m = hmock_new(&o, err, sizeof err);
  cr_assert_not_null(m, "%s", err);
  cr_assert_eq(hmock_port(m), -1);
  hmock_request q = {.method = "POST",
                     .path = API_PATH,
                     .content_type = "application/json",
                     .body = VALID_BODY,
                     .body_len = strlen(VALID_BODY)};
  hmock_response r;
  cr_assert_eq(hmock_handle(m, &q, &r), 201);
  cr_assert_not_null(r.body);
  hmock_response_clear(&r);
  q.body = "{";
  q.body_len = 1;
  cr_assert_eq(hmock_handle(m, &q, &r), 400);
  hmock_response_clear(&r);
  q.body_too_large = 1;
  cr_assert_eq(hmock_handle(m, &q, &r), 413);
  hmock_response_clear(&r);
  q.body_too_large = 0;
  q.content_type = NULL;
  cr_assert_eq(hmock_handle(m, &q, &r), 415);
  hmock_response_clear(&r);
  hmock_stop(m);
}

/* corpus/regressions/endpoint/e8ed4300...: a member name of DEL bytes and an emoji
 * (each DEL quoted as 6 bytes) made the quoted name in the 400 message end in half
 * a UTF-8 sequence; every 400 body must be strict JSON. */
Test(mock, problem_details_stay_valid_utf8_when_names_are_cut) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.spec_path = SPEC_PATH;
  char err[600];
  hmock *m = hmock_new(&o, err, sizeof err);
  cr_assert_not_null(m, "%s", err);
  hjson_doc *doc = hjson_doc_new();
  cr_assert_not_null(doc);
  for (size_t dels = 0; dels < 40; dels++) {
    char body[256];
    size_t n = 0;
    memcpy(body + n, "{\"d", 3);
    n += 3;
    memset(body + n, 0x7f, dels);
    n += dels;
    const char tail[] = "\\ud83d\\ude00\x7f\":null}";
    memcpy(body + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    hmock_request q = {.method = "POST",
                       .path = API_PATH,
                       .content_type = "application/json",
                       .body = body,
                       .body_len = n};
    hmock_response r;
    cr_assert_eq(hmock_handle(m, &q, &r), 400, "%zu DEL bytes", dels);
    hjson_error e;
    cr_assert_not_null(hjson_parse(doc, r.body, r.body_len, NULL, &e),
                       "%zu DEL bytes: the 400 body is not strict JSON: %s at %zu", dels, e.msg,
                       e.offset);
    hmock_response_clear(&r);
  }
  hjson_doc_free(doc);
  hmock_stop(m);
}

Test(mock, bad_options_are_refused_with_a_message) {
  char err[600];
  hmock_options o;
  memset(&o, 0, sizeof o);
  cr_assert_null(hmock_start(&o, err, sizeof err));
  cr_assert_not_null(strstr(err, "spec"), "%s", err);
  o.spec_path = "/nonexistent/spec.json";
  cr_assert_null(hmock_start(&o, err, sizeof err));
  cr_assert_not_null(strstr(err, "/nonexistent/spec.json"), "%s", err);
  o.spec_path = SPEC_PATH;
  o.host = "203.0.113.7"; /* TEST-NET-3: not an address of this machine */
  cr_assert_null(hmock_start(&o, err, sizeof err));
  cr_assert_not_null(strstr(err, "203.0.113.7"), "%s", err);
  o.host = NULL;
  o.token = "";
  cr_assert_null(hmock_start(&o, err, sizeof err));
  o.token = NULL;
  o.port = 70000;
  cr_assert_null(hmock_start(&o, err, sizeof err));
  cr_assert_not_null(strstr(err, "70000"), "%s", err);
}

Test(mock, fault_table_is_complete_and_findable) {
  cr_assert_eq(hmock_fault_count(), HMOCK_FAULT_COUNT_);
  for (size_t i = 0; i < hmock_fault_count(); i++) {
    const hmock_fault *f = hmock_fault_at(i);
    cr_assert_eq((size_t)f->id, i);
    cr_assert_eq(hmock_fault_find(f->name), f);
    cr_assert_gt(strlen(f->rule), 10);
    cr_assert_gt(strlen(f->requirement), 10);
  }
  cr_assert_null(hmock_fault_at(hmock_fault_count()));
  cr_assert_null(hmock_fault_find("no-such-fault"));
}

/* ---- the reference is clean: exactly what the documents say ---- */

/* --problem-json (hmock_options.problem_json): ASP.NET Core's media type. */
Test(mock, problem_json_option_gives_application_problem_json) {
  mc_judge j;
  mc_judge_init(&j);
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.problem_json = 1;
  hmock *m = mc_start_opts(&o);
  mc_resp r;
  char ct[256];
  mc_post(hmock_port(m), "application/json", "{}", &r);
  cr_assert_eq(r.status, 400);
  cr_assert_str_eq(mc_header(&r, "Content-Type", ct, sizeof ct), "application/problem+json");
  mc_free(&r);
  mc_request(hmock_port(m), "PUT", API_PATH, "application/json", NULL, NULL, 0, 0, &r);
  cr_assert_eq(r.status, 405);
  cr_assert_str_eq(mc_header(&r, "Content-Type", ct, sizeof ct), "application/problem+json");
  mc_free(&r);
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  cr_assert_eq(r.status, 201);
  cr_assert_str_eq(mc_header(&r, "Content-Type", ct, sizeof ct), "application/json");
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}

/* Sends raw bytes on one connection and reads until the peer closes or
 * timeout_ms passes; returns what came back (malloc'd). */
static char *raw_exchange(int port, const char *req, size_t len, int timeout_ms) {
  int fd = mc_connect(port);
  cr_assert_eq(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
  char *buf = malloc(1 << 16);
  cr_assert_not_null(buf);
  long got = mc_read_all(fd, buf, 1 << 16, timeout_ms);
  if (got < 0)
    buf[0] = 0;
  close(fd);
  return buf;
}

/* The value of header name in a raw answer's head, "" when absent. */
static const char *raw_header(const char *answer, const char *name, char *out, size_t cap) {
  out[0] = 0;
  const char *end = strstr(answer, "\r\n\r\n");
  size_t nl = strlen(name);
  for (const char *line = strstr(answer, "\r\n"); line && (!end || line < end);
       line = strstr(line + 2, "\r\n")) {
    const char *h = line + 2;
    if (!strncasecmp(h, name, nl) && h[nl] == ':') {
      const char *v = h + nl + 1, *eol = strstr(v, "\r\n");
      while (*v == ' ')
        v++;
      snprintf(out, cap, "%.*s", eol ? (int)(eol - v) : (int)strlen(v), v);
      break;
    }
  }
  return out;
}

/* Seconds since the epoch of an IMF-fixdate (RFC 9110 5.6.7), checking the day
 * name against the date; -1 when text is not one. */
static long long imf_fixdate(const char *text) {
  static const char days[] = "ThuFriSatSunMonTueWed"; /* 1970-01-01 was a Thursday */
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char wday[4], mon[4];
  int d, y, hh, mm, ss, used = 0;
  if (strlen(text) != 29 ||
      sscanf(text, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", wday, &d, mon, &y, &hh, &mm,
             &ss, &used) != 7 ||
      used != 29)
    return -1;
  const char *mp = strstr(months, mon);
  if (!mp || (mp - months) % 3 || strlen(mon) != 3 || d < 1 || d > 31 || hh > 23 || mm > 59 ||
      ss > 60)
    return -1;
  /* days from civil (H. Hinnant's algorithm) */
  int m = (int)(mp - months) / 3 + 1;
  long long yy = y - (m <= 2);
  long long era = yy / 400, yoe = yy - era * 400;
  long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long long days_since = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  if (strncmp(days + ((days_since % 7) + 7) % 7 * 3, wday, 3) != 0)
    return -1;
  return days_since * 86400 + hh * 3600 + mm * 60 + ss;
}

/* RFC 9110 6.6.1: an origin server with a clock sends Date on every answer,
 * refused ones and HEAD included, as an IMF-fixdate of the time it answered. */
Test(mock, every_answer_carries_a_date) {
  hmock *m = mc_start(0, "tok-123456789");
  static const struct {
    const char *method, *head, *body;
    long status;
  } reqs[] = {
      {"POST", "Content-Type: application/json\r\nAuthorization: Bearer tok-123456789\r\n",
       VALID_BODY, 201},
      {"POST", "Content-Type: application/json\r\nAuthorization: Bearer tok-123456789\r\n", "{",
       400},
      {"POST", "Content-Type: application/json\r\n", VALID_BODY, 401},
      {"POST", "Content-Type: text/plain\r\nAuthorization: Bearer tok-123456789\r\n", VALID_BODY,
       415},
      {"GET", "", NULL, 405},
      {"HEAD", "", NULL, 405},
  };
  for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    char req[2048], date[128];
    int n = snprintf(req, sizeof req,
                     "%s " API_PATH " HTTP/1.1\r\nHost: x\r\n%sContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     reqs[i].method, reqs[i].head, reqs[i].body ? strlen(reqs[i].body) : 0,
                     reqs[i].body ? reqs[i].body : "");
    long long before = (long long)time(NULL);
    char *out = raw_exchange(hmock_port(m), req, (size_t)n, 3000);
    long long after = (long long)time(NULL);
    char want[32];
    snprintf(want, sizeof want, "HTTP/1.1 %ld ", reqs[i].status);
    cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s: %.60s", reqs[i].method, out);
    raw_header(out, "Date", date, sizeof date);
    long long t = imf_fixdate(date);
    cr_assert_geq(t, 0, "%s %ld: Date '%s' is not an IMF-fixdate", reqs[i].method, reqs[i].status,
                  date);
    cr_assert(t >= before - 1 && t <= after + 1, "%s %ld: Date '%s' is not now (%lld..%lld)",
              reqs[i].method, reqs[i].status, date, before, after);
    free(out);
  }
  hmock_stop(m);
}

static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

/* A HEAD answer has no body, and the connection stays usable for the next
 * request (RFC 9110 9.3.2; RFC 9112 9.3). */
Test(mock, head_has_no_body_and_keeps_the_connection) {
  hmock *m = mc_start(0, NULL);
  char req[2048];
  int n = snprintf(req, sizeof req,
                   "HEAD " API_PATH " HTTP/1.1\r\nHost: x\r\n\r\n"
                   "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                   strlen(VALID_BODY), VALID_BODY);
  char *out = raw_exchange(hmock_port(m), req, (size_t)n, 3000);
  cr_assert_eq(strncmp(out, "HTTP/1.1 405 ", 13), 0, "%s", out);
  char *second = strstr(out, "\r\n\r\n");
  cr_assert_not_null(second);
  second += 4; /* no body after the HEAD's head: the next answer starts here */
  cr_assert_eq(strncmp(second, "HTTP/1.1 201 ", 13), 0, "after the HEAD answer: %.80s", second);
  free(out);
  hmock_stop(m);
}

/* Refused requests (401, 405, 415) have their body read and dropped: the next
 * request on the connection is framed correctly. */
Test(mock, refused_request_bodies_are_read_and_the_connection_kept) {
  hmock *m = mc_start(0, "tok-123456789");
  const char *refused[] = {
      "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
      "Authorization: Bearer tok-123456789\r\nContent-Length: 40\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n0123456789abc",
      "PUT " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 40\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n0123456789abc",
      "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 40\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n0123456789abc",
  };
  const long status[] = {415, 405, 401};
  for (size_t i = 0; i < 3; i++) {
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "%sPOST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Authorization: Bearer tok-123456789\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     refused[i], strlen(VALID_BODY), VALID_BODY);
    char *out = raw_exchange(hmock_port(m), req, (size_t)n, 3000);
    char want[32];
    snprintf(want, sizeof want, "HTTP/1.1 %ld ", status[i]);
    cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s", out);
    cr_assert_eq(count_of(out, "HTTP/1.1 "), 2, "two answers: %s", out);
    cr_assert_not_null(strstr(out, "HTTP/1.1 201 "), "the valid request after it: %s", out);
    cr_assert_null(strstr(out, "HTTP/1.1 404"), "the body was read as a request: %s", out);
    free(out);
  }
  hmock_stop(m);
}

/* RFC 9110 11.1: the scheme is case-insensitive; the credentials are compared
 * whole: every near miss of the token is refused. */
Test(mock, bearer_scheme_any_case_and_near_miss_tokens_refused) {
  static const char tok[] = "Tok-9f8e7d6c5b4a";
  hmock *m = mc_start(0, tok);
  static const struct {
    const char *header;
    long status;
  } tries[] = {
      {"Authorization: Bearer Tok-9f8e7d6c5b4a", 201},
      {"Authorization: bearer Tok-9f8e7d6c5b4a", 201},
      {"Authorization: BEARER Tok-9f8e7d6c5b4a", 201},
      {"Authorization: Bearer Tok-9f8e7d6c5b4b", 401},  /* shares the prefix */
      {"Authorization: Bearer Xok-9f8e7d6c5b4a", 401},  /* shares the suffix */
      {"Authorization: Bearer abcdefghijklmnop", 401},  /* same length */
      {"Authorization: Bearer tOK-9F8E7D6C5B4A", 401},  /* letter case flipped */
      {"Authorization: Bearer Tok-9f8e7d6c5b4ax", 401}, /* the token is a prefix */
      {"Authorization: Bearer Tok-9f8e7d6c5b4", 401},   /* truncated */
      {"Authorization: Bearer", 401},                   /* no credentials */
      {"Authorization: Bearer ", 401},
      {"Authorization: Basic Tok-9f8e7d6c5b4a", 401}, /* another scheme */
      {"Authorization: BearerTok-9f8e7d6c5b4a", 401},
      {"Authorization: Bearer Tok-9f8e7d6c5b4a\r\nAuthorization: Bearer Tok-9f8e7d6c5b4a",
       400}, /* a singleton field twice */
      {"Authorization: Bearer wrong\r\nAuthorization: Bearer Tok-9f8e7d6c5b4a", 400},
  };
  for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "%s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     tries[i].header, strlen(VALID_BODY), VALID_BODY);
    char *out = raw_exchange(hmock_port(m), req, (size_t)n, 3000);
    char want[32];
    snprintf(want, sizeof want, "HTTP/1.1 %ld ", tries[i].status);
    cr_assert_eq(strncmp(out, want, strlen(want)), 0, "try %zu: wanted %ld, got %.40s", i,
                 tries[i].status, out);
    if (tries[i].status == 401)
      cr_assert_not_null(strstr(out, "WWW-Authenticate: Bearer"), "try %zu", i);
    free(out);
  }
  hmock_stop(m);
}

/* Every valid body shape is created with the exact decoded values echoed:
 * member order, escapes, pretty printing, repeated and many modules, long,
 * non-BMP and NUL-holding strings. */
Test(mock, every_valid_body_shape_is_created_with_an_exact_echo) {
  mc_judge j;
  mc_judge_init(&j);
  hmock *m = mc_start(0, NULL);
  size_t big = 65536;
  char *long_name = malloc(big + 1);
  memset(long_name, 'n', big);
  long_name[big] = 0;
  char *thousand = malloc(1000 * 20 + 64);
  size_t o = (size_t)sprintf(thousand, "[");
  for (int i = 0; i < 1000; i++)
    o += (size_t)sprintf(thousand + o, "%s{\"id\":\"MOD-%04d\"}", i ? "," : "", i % 7);
  sprintf(thousand + o, "]");
  char *bodies[8];
  size_t nb = 0;
  bodies[nb++] = strdup("{\"modules\":[{\"id\":\"MOD-0001\"}],\"name\":\"last account\","
                        "\"account\":{\"id\":\"ACC-0000-0000\"}}");
  bodies[nb++] = strdup("\r\n{\r\n\t\"account\" :\t{ \"id\" : \"ACC-9999-9999\" } ,\r\n"
                        "\t\"name\": \"pretty\",\n\t\"modules\": [ { \"id\": \"MOD-1234\" } ]\r\n}\r\n");
  bodies[nb++] = strdup("{\"account\":{\"id\":\"ACC-\\u0031234-5678\"},\"name\":\"a\\/b \\u00e9 "
                        "\\ud83d\\ude00 \\u0000 \\\"\\\\\",\"modules\":[{\"id\":\"MOD-\\u0031234\"}]}");
  bodies[nb++] = strdup("{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"twice\","
                        "\"modules\":[{\"id\":\"MOD-1234\"},{\"id\":\"MOD-1234\"}]}");
  char *b = malloc(big + 4096);
  sprintf(b, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"%s\",\"description\":\"%s\","
             "\"modules\":[{\"id\":\"MOD-1234\"}]}",
          long_name, "\xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d e\xcc\x81");
  bodies[nb++] = b;
  b = malloc(strlen(thousand) + 256);
  sprintf(b, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"many\",\"modules\":%s,"
             "\"extensions\":[{\"id\":\"x\"},{\"id\":\"x\"}]}",
          thousand);
  bodies[nb++] = b;
  for (size_t i = 0; i < nb; i++) {
    mc_resp r;
    mc_request(hmock_port(m), "POST", API_PATH, "application/json", NULL, bodies[i],
               strlen(bodies[i]), 0, &r);
    const cJSON *t = expect_created(&j, &r);
    /* the request, read by the same strict reader, against the echo */
    hjson_doc *d = hjson_doc_new();
    const cJSON *q = hjson_parse(d, bodies[i], strlen(bodies[i]), NULL, NULL);
    cr_assert_not_null(q, "body %zu is valid JSON", i);
    static const char *const fields[] = {"name", "description", "icon"};
    for (size_t k = 0; k < 3; k++) {
      size_t ql = 0, tl = 0;
      const char *qs = hjson_string(get(q, fields[k]), &ql);
      const char *ts = hjson_string(get(t, fields[k]), &tl);
      cr_assert_eq(!qs, !ts, "body %zu: %s present in both", i, fields[k]);
      cr_assert(!qs || (ql == tl && !memcmp(qs, ts, ql)), "body %zu: %s echoed exactly", i,
                fields[k]);
    }
    size_t ql, tl;
    const char *qa = hjson_string(get(get(q, "account"), "id"), &ql);
    const char *ta = hjson_string(get(get(t, "account"), "id"), &tl);
    cr_assert(qa && ta && ql == tl && !memcmp(qa, ta, ql), "body %zu: account.id", i);
    const cJSON *qm = get(q, "modules"), *tm = get(t, "modules");
    cr_assert_eq(cJSON_GetArraySize(qm), cJSON_GetArraySize(tm), "body %zu: every module, in order",
                 i);
    for (const cJSON *x = qm->child, *y = tm->child; x && y; x = x->next, y = y->next)
      cr_assert_str_eq(str(x, "id"), str(y, "id"), "body %zu", i);
    hjson_doc_free(d);
    mc_free(&r);
    free(bodies[i]);
  }
  free(long_name);
  free(thousand);
  hmock_stop(m);
  mc_judge_fini(&j);
}

/* The direct mode (the endpoint fuzzer's: libmicrohttpd listens itself, no
 * framing front) serves the same answers: a created token, a 400, a Date. */
Test(mock, direct_mode_serves_without_the_front) {
  mc_judge j;
  mc_judge_init(&j);
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.direct = 1;
  hmock *m = mc_start_opts(&o);
  cr_assert_gt(hmock_port(m), 0);
  mc_resp r;
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  const cJSON *t = expect_created(&j, &r);
  cr_assert_str_eq(str(t, "name"), "ci token");
  char date[128];
  cr_assert(mc_header(&r, "Date", date, sizeof date) && date[0], "Date on a direct answer");
  mc_free(&r);
  mc_post(hmock_port(m), "application/json", "{}", &r);
  cr_assert_eq(r.status, 400);
  mc_free(&r);
  hmock_stop(m);
  mc_judge_fini(&j);
}
