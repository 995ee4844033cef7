/* hrun against loopback peers: the exact Authorization header of every auth
 * mode (and reproducers that rebuild it from the environment variable),
 * extra headers, sequences on one connection judged with exact framing, and
 * no form of a secret in a result however the server echoes it. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cases/hcases.h"
#include "client/hrun.h"
#include "client/hsanitize.h"
#include "spec/hspec.h"
#include "support.h"

#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define TOKEN "Tok3n-ab9Z"

/* The loopback server of the test (tests/support.c): it records every
 * request and answers from a list whose last answer repeats.  Freed by fini. */
static ts_server *server;

static void init(void) {
  signal(SIGPIPE, SIG_IGN);
  cr_assert_eq(hclient_global_init(), 0);
}
static void fini(void) { ts_server_free(server); }
TestSuite(run, .init = init, .fini = fini);

/* Starts the server with answers[0..n) (the last repeats); its URL. */
static const char *serve(const ts_answer *answers, size_t n) {
  server = ts_server_start(answers, n, 1);
  return ts_server_url(server);
}

/* The request the server read for its k-th answer. */
static const char *req(size_t k) { return ts_server_request(server, k, NULL); }

#define R401 "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n"
#define R500 "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"

/* ---- running one case ---- */

static hspec *spec;
static hrules *rules;

static cJSON *run_case(const char *case_json, const char *token, const char *url, char *err) {
  if (!rules)
    rules = ts_load_rules(SPEC, &spec);
  char *text = malloc(strlen(case_json) + 32);
  sprintf(text, "{\"cases\":[%s]}", case_json);
  cJSON *cat = cJSON_Parse(text);
  free(text);
  cr_assert(cat, "case JSON: %s", case_json);
  hcases_case c;
  herr ce;
  cr_assert(hcases_at(cat, 0, &c, &ce) == 0, "%s", ce.msg);
  hrun_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.base_url = url;
  cfg.bearer = token;
  cfg.token_env = "HRUN_TEST_TOKEN";
  cfg.run_id = "t";
  cfg.client.timeout_ms = 2000;
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, &cfg.client, msg), 0);
  hjudge *judge = hjudge_new(rules);
  cJSON *res = hrun_case(h, judge, &cfg, &c, NULL, err);
  hjudge_free(judge);
  hclient_cleanup(h);
  cJSON_Delete(cat);
  return res;
}

/* The Authorization lines of a recorded request, "\n"-joined. */
static void auth_lines(const char *req, char *out, size_t cap) {
  out[0] = '\0';
  for (const char *p = strstr(req, "\r\nAuthorization:"); p;
       p = strstr(p + 2, "\r\nAuthorization:")) {
    const char *e = strstr(p + 2, "\r\n");
    size_t l = strlen(out);
    snprintf(out + l, cap - l, "%.*s\n", (int)(e - p - 2), p + 2);
  }
}

static const char *str(const cJSON *o, const char *k) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

static const cJSON *find_check(const cJSON *res, const char *name) {
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(res, "checks");
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next)
    if (str(k, "name") && !strcmp(str(k, "name"), name))
      return k;
  return NULL;
}

static const struct {
  const char *mode;
  const char *lines;
} MODES[] = {
    {"token", "Authorization: Bearer " TOKEN "\n"},
    {"none", ""},
    {"wrong", "Authorization: Bearer " HRUN_WRONG_TOKEN "\n"},
    {"token-prefix", "Authorization: Bearer Tok3n-ab9A\n"},
    {"token-suffix", "Authorization: Bearer Uok3n-ab9Z\n"},
    {"token-length", "Authorization: Bearer Upl4oxbc0A\n"},
    {"token-case", "Authorization: Bearer tOK3N-AB9z\n"},
    {"token-extended", "Authorization: Bearer " TOKEN "x\n"},
    {"token-truncated", "Authorization: Bearer Tok3n-ab9\n"},
    {"empty", "Authorization: Bearer\n"},
    {"basic", "Authorization: Basic " TOKEN "\n"},
    {"scheme-lowercase", "Authorization: bearer " TOKEN "\n"},
    {"twice", "Authorization: Bearer " HRUN_WRONG_TOKEN "\nAuthorization: Bearer " TOKEN "\n"},
};

#define CASE_FMT                                                                                   \
  "{\"id\":\"auth.%s\",\"requirement\":\"auth.x\",\"class\":\"http\",\"method\":\"POST\","         \
  "\"content_type\":\"application/json\",\"auth\":\"%s\",\"expect\":\"unauthorized\","             \
  "\"body\":{}}"

Test(run, every_auth_mode_sends_its_exact_authorization_header) {
  const ts_answer answers[] = {TS_ANSWER(R401)};
  const char *url = serve(answers, 1);
  for (size_t i = 0; i < sizeof MODES / sizeof MODES[0]; i++) {
    char cj[512], err[HCASES_MSG_MAX];
    snprintf(cj, sizeof cj, CASE_FMT, MODES[i].mode, MODES[i].mode);
    size_t before = ts_server_requests(server);
    cJSON *res = run_case(cj, TOKEN, url, err);
    cr_assert(res, "%s: %s", MODES[i].mode, err);
    cr_assert_eq(ts_server_requests(server), before + 1, "%s: one request", MODES[i].mode);
    char got[512];
    auth_lines(req(before), got, sizeof got);
    cr_expect_str_eq(got, MODES[i].lines, "mode %s", MODES[i].mode);
    char *json = cJSON_PrintUnformatted(res);
    cr_expect_null(strstr(json, TOKEN), "%s: no token in %s", MODES[i].mode, json);
    free(json);
    cJSON_Delete(res);
  }
}

Test(run, reproducers_rebuild_each_variant_from_the_environment) {
  /* 500: a failure, so the result carries a curl reproducer; running it
   * with the token in the environment must send the same header */
  const ts_answer answers[] = {TS_ANSWER(R500)};
  const char *url = serve(answers, 1);
  setenv("HRUN_TEST_TOKEN", TOKEN, 1);
  for (size_t i = 0; i < sizeof MODES / sizeof MODES[0]; i++) {
    char cj[512], err[HCASES_MSG_MAX];
    snprintf(cj, sizeof cj, CASE_FMT, MODES[i].mode, MODES[i].mode);
    cJSON *res = run_case(cj, TOKEN, url, err);
    cr_assert(res, "%s", err);
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(res, "evidence");
    const char *curl = str(ev, "curl");
    cr_assert(curl, "%s: a reproducer", MODES[i].mode);
    cr_expect_null(strstr(curl, "Tok3n"), "%s: %s", MODES[i].mode, curl);
    size_t before = ts_server_requests(server);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s >/dev/null 2>&1", curl);
    int rc = system(cmd);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s exits %d", curl, rc);
    cr_assert_eq(ts_server_requests(server), before + 1, "%s: the reproducer sent one request: %s",
                 MODES[i].mode, curl);
    char got[512];
    auth_lines(req(before), got, sizeof got);
    cr_expect_str_eq(got, MODES[i].lines, "mode %s: %s", MODES[i].mode, curl);
    cJSON_Delete(res);
  }
}

Test(run, variants_that_cannot_be_derived_are_skipped_with_a_reason) {
  char err[HCASES_MSG_MAX], cj[512];
  snprintf(cj, sizeof cj, CASE_FMT, "c", "token-case");
  cJSON *res = run_case(cj, "12345678", "http://127.0.0.1:9", err);
  cr_assert(res);
  cr_expect_str_eq(str(res, "status"), "skip");
  cr_expect(strstr(str(res, "detail"), "no letters"), "%s", str(res, "detail"));
  cJSON_Delete(res);
  snprintf(cj, sizeof cj, CASE_FMT, "p", "token-prefix");
  res = run_case(cj, NULL, "http://127.0.0.1:9", err);
  cr_assert(res);
  cr_expect_str_eq(str(res, "status"), "skip");
  cr_expect(strstr(str(res, "detail"), "no bearer token"), "%s", str(res, "detail"));
  cJSON_Delete(res);
}

Test(run, extra_headers_are_sent_as_given_and_bad_ones_refused) {
  const ts_answer answers[] = {TS_ANSWER(R401)};
  char err[HCASES_MSG_MAX];
  const char *url = serve(answers, 1);
  cJSON *res =
      run_case("{\"id\":\"h\",\"requirement\":\"r\",\"class\":\"http\",\"method\":\"POST\","
               "\"content_type\":\"application/json\",\"auth\":\"none\",\"expect\":"
               "\"unauthorized\",\"body\":{},\"headers\":[[\"X-One\",\"a b\"],"
               "[\"X-Empty\",\"\"]]}",
               TOKEN, url, err);
  cr_assert(res, "%s", err);
  cr_expect(strstr(req(0), "\r\nX-One: a b\r\n"), "%s", req(0));
  cr_expect(strstr(req(0), "\r\nX-Empty:\r\n"), "%s", req(0));
  cJSON_Delete(res);
  res = run_case("{\"id\":\"h2\",\"requirement\":\"r\",\"class\":\"http\",\"method\":\"POST\","
                 "\"auth\":\"none\",\"expect\":\"unauthorized\",\"headers\":[[\"X-Bad\","
                 "\"a\\r\\nInjected: 1\"]]}",
                 TOKEN, url, err);
  cr_expect_null(res);
  cr_expect(strstr(err, "headers[0]") && strstr(err, "CR or LF"), "%s", err);
  cr_expect_eq(ts_server_requests(server), 1, "nothing sent for a malformed case");
}

#define SEQ_FMT                                                                                    \
  "{\"id\":\"seq\",\"requirement\":\"http.keep-alive-framing\",\"class\":\"http\","                \
  "\"method\":\"POST\",\"expect\":\"bad-request\",\"sequence\":[%s]}"
#define STEP_BAD                                                                                   \
  "{\"method\":\"POST\",\"content_type\":\"application/json\",\"auth\":\"token\","                 \
  "\"expect\":\"bad-request\",\"body_text\":\"{\\\"x\\\":1}\"}"
#define STEP_HEAD "{\"method\":\"HEAD\",\"auth\":\"token\",\"expect\":\"method-not-allowed\"}"
#define R400                                                                                       \
  "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 2\r\n"    \
  "\r\n{}"

static const cJSON *step_conn(const cJSON *res, int k) {
  const cJSON *st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "steps"), k);
  return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "evidence"),
                                          "connection");
}

Test(run, a_sequence_catches_a_400_whose_body_is_parsed_as_the_next_request) {
  /* the first answer comes from the head alone, and the unread body then
   * gets an answer of its own */
  const ts_answer answers[] = {
      {.bytes = R400 R400, .len = 2 * (sizeof R400 - 1), .read = TS_READ_HEAD}, TS_ANSWER(R400)};
  char err[HCASES_MSG_MAX], cj[1024];
  const char *url = serve(answers, 2);
  setenv("HRUN_TEST_TOKEN", TOKEN, 1);
  snprintf(cj, sizeof cj, SEQ_FMT, STEP_BAD "," STEP_BAD);
  cJSON *res = run_case(cj, TOKEN, url, err);
  cr_assert(res, "%s", err);
  const cJSON *k = find_check(res, "step1:framing");
  cr_assert(k, "a framing check for step 1");
  cr_expect_str_eq(str(k, "status"), "fail", "%s", str(k, "message"));
  cr_expect_str_eq(str(k, "requirement"), "http.keep-alive-framing");
  cr_expect_str_eq(str(res, "status"), "fail");
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(res, "steps")), 2);
  const char *curl = str(cJSON_GetObjectItemCaseSensitive(res, "evidence"), "curl");
  cr_assert(curl);
  cr_expect(strstr(curl, "| nc 127.0.0.1 "), "%s", curl);
  cr_expect(strstr(curl, "\"${HRUN_TEST_TOKEN}\""), "%s", curl);
  cr_expect_null(strstr(curl, TOKEN), "%s", curl);
  /* the reproducer's printf rebuilds the exact bytes of the first request */
  char cmd[4096];
  const char *brace = strstr(curl, "{ ");
  const char *semi = strstr(curl, "; sleep 1;");
  cr_assert(brace && semi);
  snprintf(cmd, sizeof cmd, "%.*s", (int)(semi - brace - 2), brace + 2);
  FILE *f = popen(cmd, "r");
  char out[4096];
  size_t n = fread(out, 1, sizeof out - 1, f);
  out[n] = '\0';
  pclose(f);
  /* the peer read the head only (it answered from it): head + the body */
  char want[8300];
  snprintf(want, sizeof want, "%s{\"x\":1}", req(0));
  cr_expect_str_eq(out, want, "printf rebuilds the bytes sent:\n%s\n---\n%s", out, cmd);
  cJSON_Delete(res);
}

Test(run, a_clean_close_between_steps_is_allowed_and_recorded) {
  const ts_answer answers[] = {TS_ANSWER_CLOSE(R400), TS_ANSWER(R400)};
  char err[HCASES_MSG_MAX], cj[1024];
  const char *url = serve(answers, 2);
  snprintf(cj, sizeof cj, SEQ_FMT, STEP_BAD "," STEP_BAD);
  cJSON *res = run_case(cj, TOKEN, url, err);
  cr_assert(res, "%s", err);
  for (int s = 1; s <= 2; s++) {
    char name[32];
    snprintf(name, sizeof name, "step%d:framing", s);
    const cJSON *k = find_check(res, name);
    cr_assert(k, "%s", name);
    cr_expect_str_eq(str(k, "status"), "pass", "%s: %s", name, str(k, "message"));
  }
  cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(step_conn(res, 0), "server_closed")));
  const cJSON *c2 = step_conn(res, 1);
  cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c2, "new_connection")));
  cr_expect(strstr(str(c2, "note"), "closed the connection"), "%s", str(c2, "note"));
  cJSON_Delete(res);
}

Test(run, a_body_after_head_is_a_head_no_body_failure) {
  const ts_answer answers[] = {
      TS_ANSWER("HTTP/1.1 405 No\r\nAllow: POST\r\nContent-Length: 5\r\n\r\nhello")};
  char err[HCASES_MSG_MAX], cj[1024];
  const char *url = serve(answers, 1);
  snprintf(cj, sizeof cj, SEQ_FMT, STEP_HEAD "," STEP_HEAD);
  cJSON *res = run_case(cj, TOKEN, url, err);
  cr_assert(res, "%s", err);
  const cJSON *k = find_check(res, "step1:head-no-body");
  cr_assert(k, "a head-no-body check");
  cr_expect_str_eq(str(k, "status"), "fail");
  cr_expect_str_eq(str(k, "requirement"), "http.head-no-body");
  cJSON_Delete(res);
  /* a lone HEAD goes through the raw client too */
  res = run_case("{\"id\":\"h\",\"requirement\":\"r\",\"class\":\"http\",\"method\":\"HEAD\","
                 "\"auth\":\"token\",\"expect\":\"method-not-allowed\"}",
                 TOKEN, url, err);
  cr_assert(res, "%s", err);
  k = find_check(res, "head-no-body");
  cr_assert(k);
  cr_expect_str_eq(str(k, "status"), "fail");
  cJSON_Delete(res);
}

#define SECRET "SeCrEt/Tok+en-0042"
#define ECHOING                                                                                    \
  "HTTP/1.1 201 Created\r\nServer: srv " SECRET "\r\nX-Echo: " SECRET "\r\n"                       \
  "Content-Type: application/json; x=" SECRET "\r\nX-Bad: \xff\x01\r\nContent-Length: %zu\r\n"     \
  "\r\n%s"

Test(run, no_form_of_the_token_reaches_the_result) {
  static const char body[] =
      "{\"id\":\"" SECRET "\",\"esc\":\"\\u0053eCr\\u0045t\\/Tok+en-0042\","
      "\"ESC\":\"S\\u0065cr\\u0045T\",\"lower\":\"\\u0053\\u0065Cr\\u0045t\\/Tok\\u002ben-0042\","
      "\"pct\":\"SeCrEt%2fTok%2Ben-0042\",\"raw\":\"" SECRET "\"}";
  char resp[2048];
  snprintf(resp, sizeof resp, ECHOING, strlen(body), body);
  const ts_answer answers[] = {{.bytes = resp, .len = strlen(resp)}};
  char err[HCASES_MSG_MAX];
  const char *url = serve(answers, 1);
  cJSON *res = run_case("{\"id\":\"pos\",\"requirement\":\"r\",\"class\":\"positive\",\"method\":"
                        "\"POST\",\"content_type\":\"application/json\",\"auth\":\"token\","
                        "\"expect\":\"created\",\"echo\":true,\"creates\":true,"
                        "\"body\":{\"name\":\"{{name}}\"}}",
                        SECRET, url, err);
  cr_assert(res, "%s", err);
  char *json = cJSON_PrintUnformatted(res);
  const char *secrets[] = {SECRET};
  cr_expect_null(strstr(json, SECRET), "%s", json);
  cr_expect_null(strstr(json, "\\u0053eCr"), "%s", json);
  cr_expect_eq(hsanitize_contains_secret(json, strlen(json), secrets, 1), 0, "%s", json);
  cr_expect(strstr(json, "<redacted>"), "%s", json);
  cr_expect(strstr(json, "\\\\xff\\\\x01"), "invalid UTF-8 and controls escaped: %s", json);
  cr_expect_str_eq(str(res, "server"), "srv <redacted>");
  cJSON_Delete(res);
  free(json);
  ts_server_stop(server);
}

Test(run, header_floods_are_bounded_in_the_evidence) {
  /* 3000 headers and Content-Length: 3001 in all, ~30 KB (under the
   * client's 64 KiB, so every one reaches hrun) */
  size_t n = 3000, k;
  char *resp = ts_header_flood("HTTP/1.1 500 Oops\r\n", n, "Content-Length: 0\r\n\r\n", &k);
  const ts_answer answers[] = {{.bytes = resp, .len = k}};
  char err[HCASES_MSG_MAX], cj[512];
  const char *url = serve(answers, 1);
  snprintf(cj, sizeof cj, CASE_FMT, "f", "token");
  cJSON *res = run_case(cj, TOKEN, url, err);
  cr_assert(res, "%s", err);
  const cJSON *rs = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(res, "evidence"), "response");
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rs, "headers")),
               HRUN_MAX_HEADERS);
  const cJSON *om = cJSON_GetObjectItemCaseSensitive(rs, "headers_omitted");
  cr_assert(cJSON_IsNumber(om));
  cr_expect_eq(om->valueint, (int)n + 1 - HRUN_MAX_HEADERS, "%d omitted", om->valueint);
  /* the ones kept are the first ones, in order */
  const cJSON *h0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rs, "headers"), 0);
  char *h0s = cJSON_PrintUnformatted(h0);
  cr_expect(strstr(h0s, "X-0") && strstr(h0s, "\"a\""), "%s", h0s);
  free(h0s);
  cJSON_Delete(res);
  ts_server_stop(server);
  free(resp);
}

Test(run, sanitizer_forms_utf8_controls_and_caps) {
  const char *sec[] = {"Se/cret+1"};
  struct {
    const char *in, *out;
  } t[] = {
      {"a Se/cret+1 b", "a <redacted> b"},
      {"Se\\/cret+1", "<redacted>"},
      {"\\u0053e\\/cr\\u0065t\\u002B1", "<redacted>"},
      {"\\u0053E", "\\u0053E"},
      {"Se%2Fcret%2b1!", "<redacted>!"},
      {"S%65\\u002fcret+1", "<redacted>"},
      {"bad \xff\xfe byte", "bad \\xff\\xfe byte"},
      {"line\r\nnext\ttab\x01", "line\\r\\nnext\\ttab\\x01"},
      {"{\"token\":\"abcdefgh\"}", "{\"token\":\"abcd...<redacted>\"}"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char *o = hsanitize(t[i].in, strlen(t[i].in), sec, 1, 100, 0);
    cr_assert(o);
    cr_expect_str_eq(o, t[i].out, "input %zu: %s", i, t[i].in);
    free(o);
  }
  char *o = hsanitize("0123456789", 10, NULL, 0, 4, 0);
  cr_expect_str_eq(o, "0123...");
  free(o);
  /* a secret straddling the cap is still removed */
  o = hsanitize("xxxSe/cret+1", 12, sec, 1, 5, 0);
  cr_expect_null(strstr(o, "Se/c"), "%s", o);
  free(o);
}

/* A short text that quotes a window of a long secret (a judge message quotes
 * at most 40 bytes of a value) shows none of it with HSANITIZE_FRAGMENTS, in
 * any form; without the flag only the whole secret is removed. */
Test(run, sanitizer_fragments_of_a_long_secret) {
  const char *sec[] = {"tenant-0123456789-abcdefghij-KLMNOPQRST-secret"};
  struct {
    const char *in, *out;
  } t[] = {
      {"got '0123456789-abcdefghij-KLMNOP...' expected x", "got '<redacted>...' expected x"},
      {"got \\u0030123456789\\u002Dabcdef", "got <redacted>"},
      {"a 0123456789- b", "a 0123456789- b"}, /* 11 bytes of it: fewer than 12 */
      {"a 0123456789-a b", "a <redacted> b"},
      {"short 01234567890 b", "short 01234567890 b"}, /* not a run of the secret */
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char *o = hsanitize(t[i].in, strlen(t[i].in), sec, 1, 200, HSANITIZE_FRAGMENTS);
    cr_assert(o);
    cr_expect_str_eq(o, t[i].out, "input %zu: %s", i, t[i].in);
    free(o);
  }
  char *o = hsanitize(t[0].in, strlen(t[0].in), sec, 1, 200, 0);
  cr_expect_str_eq(o, t[0].in, "without the flag a part of the secret is left as it is");
  free(o);
}

/* ---- echo_body, against the embedded mock ---- */

#include "mock/hmock.h"

#define DUP_CASE                                                                                   \
  "{\"id\":\"dup\",\"requirement\":\"r\",\"class\":\"raw-bytes\",\"method\":\"POST\","             \
  "\"content_type\":\"application/json\",\"auth\":\"token\",\"expect\":"                           \
  "\"created-or-bad-request\","                                                                    \
  "\"echo\":true,\"creates\":true,\"body_text\":\"{\\\"account\\\":{\\\"id\\\":"                   \
  "\\\"ACC-1234-5678\\\"},\\\"name\\\":\\\"{{name}}\\\",\\\"name\\\":12345,\\\"modules\\\":"       \
  "[{\\\"id\\\":\\\"MOD-1234\\\"}]}\",\"echo_body\":{\"account\":{\"id\":\"ACC-1234-5678\"},"      \
  "\"name\":\"{{name}}\",\"modules\":[{\"id\":\"MOD-1234\"}]}}"

static const char *echo_name_status(const char *fault) {
  hmock_options mo;
  memset(&mo, 0, sizeof mo);
  mo.spec_path = SPEC;
  mo.token = TOKEN;
  if (fault) {
    const hmock_fault *f = hmock_fault_find(fault);
    cr_assert(f, "fault %s", fault);
    mo.faults = HMOCK_FAULT_BIT(f->id);
  }
  char merr[256], url[64], err[HCASES_MSG_MAX];
  hmock *m = hmock_start(&mo, merr, sizeof merr);
  cr_assert(m, "%s", merr);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", hmock_port(m));
  cJSON *res = run_case(DUP_CASE, TOKEN, url, err);
  cr_assert(res, "%s", err);
  const cJSON *k = find_check(res, "echo:name");
  const char *sv = k ? str(k, "status") : NULL;
  static char st[64];
  snprintf(st, sizeof st, "%s/%s", str(res, "status"), sv ? sv : "absent");
  cJSON_Delete(res);
  hmock_stop(m);
  return st;
}

Test(run, echo_body_is_the_json_the_201_must_echo) {
  /* the bytes name "name" twice (a string, then a number): a server may
   * refuse them (400), and a 201 must echo echo_body's name, the valid first
   * value, not the bytes' last one */
  cr_expect_str_eq(echo_name_status(NULL), "pass/absent", "the healthy mock refuses them");
  cr_expect_str_eq(echo_name_status("duplicate-key-last-wins"), "fail/fail",
                   "a server storing the last value is caught by the echo of echo_body");
}
