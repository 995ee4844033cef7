/* hrun against loopback peers: the exact Authorization header of every auth
 * mode (and reproducers that rebuild it from the environment variable),
 * extra headers, sequences on one connection judged with exact framing, and
 * no form of a secret in a result however the server echoes it. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "client/hrun.h"
#include "client/hsanitize.h"
#include "spec/hspec.h"

#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define TOKEN "Tok3n-ab9Z"

static void init(void) {
  signal(SIGPIPE, SIG_IGN);
  cr_assert_eq(hclient_global_init(), 0);
}
TestSuite(run, .init = init);

/* ---- a peer that records every request and answers from a list ---- */

#define REQS 64
typedef struct {
  const char *bytes;
  size_t len;
  int close_after;
  int head_only; /* answer from the head, leave the body unread */
} answer;

typedef struct {
  int lfd;
  answer answers[4];
  size_t n_answers; /* the last one repeats */
  char req[REQS][8192];
  size_t n_req;
} peer;

static int read_req(int fd, char *buf, size_t cap, int head_only) {
  size_t got = 0;
  for (;;) {
    ssize_t n = read(fd, buf + got, 1);
    if (n <= 0)
      return 0;
    got += (size_t)n;
    buf[got] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (end) {
      if (head_only)
        return 1;
      char *cl = strstr(buf, "Content-Length: ");
      size_t want = cl ? (size_t)atol(cl + 16) : 0;
      size_t have = got - (size_t)(end + 4 - buf);
      while (have < want && got + 1 < cap) {
        if (read(fd, buf + got, 1) != 1)
          return 0;
        got++;
        have++;
        buf[got] = '\0';
      }
      return 1;
    }
    if (got + 1 >= cap)
      return 1;
  }
}

static void *peer_main(void *arg) {
  peer *p = arg;
  size_t k = 0;
  for (;;) {
    int fd = accept(p->lfd, NULL, NULL);
    if (fd < 0)
      return NULL;
    for (;;) {
      const answer *a = &p->answers[k < p->n_answers ? k : p->n_answers - 1];
      char *slot = p->req[p->n_req < REQS ? p->n_req : REQS - 1];
      slot[0] = '\0';
      if (!read_req(fd, slot, sizeof p->req[0], a->head_only))
        break;
      if (p->n_req < REQS)
        p->n_req++;
      k++;
      size_t off = 0;
      while (off < a->len) {
        ssize_t n = write(fd, a->bytes + off, a->len - off);
        if (n <= 0)
          break;
        off += (size_t)n;
      }
      if (a->close_after)
        break;
    }
    close(fd);
  }
}

static pthread_t peer_start(peer *p, char *url, size_t cap) {
  p->lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(p->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  cr_assert_eq(listen(p->lfd, 4), 0);
  socklen_t sl = sizeof sa;
  getsockname(p->lfd, (struct sockaddr *)&sa, &sl);
  snprintf(url, cap, "http://127.0.0.1:%d", ntohs(sa.sin_port));
  pthread_t t;
  cr_assert_eq(pthread_create(&t, NULL, peer_main, p), 0);
  return t;
}

static void peer_stop(peer *p, pthread_t t) {
  shutdown(p->lfd, SHUT_RDWR);
  pthread_join(t, NULL);
  close(p->lfd);
}

#define ANS(text, close)                                                                           \
  { text, sizeof text - 1, close, 0 }

#define R401 "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n"
#define R500 "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"

/* ---- running one case ---- */

static hspec *spec;
static hrules *rules;

static cJSON *run_case(const char *case_json, const char *token, const char *url, char *err) {
  if (!rules) {
    hspec_error se;
    hschema_error he;
    spec = hspec_load_file(SPEC, &se);
    cr_assert(spec, "%s", se.msg);
    rules = hrules_new(spec, &he);
    cr_assert(rules, "%s", he.msg);
  }
  char *text = malloc(strlen(case_json) + 32);
  sprintf(text, "{\"cases\":[%s]}", case_json);
  cJSON *cat = cJSON_Parse(text);
  free(text);
  cr_assert(cat, "case JSON: %s", case_json);
  hcases_case c;
  hcases_error ce;
  cr_assert(hcases_at(cat, 0, &c, &ce), "%s", ce.msg);
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
  peer p = {.answers = {ANS(R401, 0)}, .n_answers = 1};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  for (size_t i = 0; i < sizeof MODES / sizeof MODES[0]; i++) {
    char cj[512], err[HCASES_MSG_MAX];
    snprintf(cj, sizeof cj, CASE_FMT, MODES[i].mode, MODES[i].mode);
    size_t before = p.n_req;
    cJSON *res = run_case(cj, TOKEN, url, err);
    cr_assert(res, "%s: %s", MODES[i].mode, err);
    cr_assert_eq(p.n_req, before + 1, "%s: one request", MODES[i].mode);
    char got[512];
    auth_lines(p.req[before], got, sizeof got);
    cr_expect_str_eq(got, MODES[i].lines, "mode %s", MODES[i].mode);
    char *json = cJSON_PrintUnformatted(res);
    cr_expect_null(strstr(json, TOKEN), "%s: no token in %s", MODES[i].mode, json);
    free(json);
    cJSON_Delete(res);
  }
  peer_stop(&p, t);
}

Test(run, reproducers_rebuild_each_variant_from_the_environment) {
  /* 500: a failure, so the result carries a curl reproducer; running it
   * with the token in the environment must send the same header */
  peer p = {.answers = {ANS(R500, 0)}, .n_answers = 1};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
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
    size_t before = p.n_req;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s >/dev/null 2>&1", curl);
    int rc = system(cmd);
    cr_expect(WIFEXITED(rc), "%s", curl);
    cr_assert_eq(p.n_req, before + 1, "%s: the reproducer sent one request: %s", MODES[i].mode,
                 curl);
    char got[512];
    auth_lines(p.req[before], got, sizeof got);
    cr_expect_str_eq(got, MODES[i].lines, "mode %s: %s", MODES[i].mode, curl);
    cJSON_Delete(res);
  }
  peer_stop(&p, t);
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
  peer p = {.answers = {ANS(R401, 0)}, .n_answers = 1};
  char url[64], err[HCASES_MSG_MAX];
  pthread_t t = peer_start(&p, url, sizeof url);
  cJSON *res =
      run_case("{\"id\":\"h\",\"requirement\":\"r\",\"class\":\"http\",\"method\":\"POST\","
               "\"content_type\":\"application/json\",\"auth\":\"none\",\"expect\":"
               "\"unauthorized\",\"body\":{},\"headers\":[[\"X-One\",\"a b\"],"
               "[\"X-Empty\",\"\"]]}",
               TOKEN, url, err);
  cr_assert(res, "%s", err);
  cr_expect(strstr(p.req[0], "\r\nX-One: a b\r\n"), "%s", p.req[0]);
  cr_expect(strstr(p.req[0], "\r\nX-Empty:\r\n"), "%s", p.req[0]);
  cJSON_Delete(res);
  res = run_case("{\"id\":\"h2\",\"requirement\":\"r\",\"class\":\"http\",\"method\":\"POST\","
                 "\"auth\":\"none\",\"expect\":\"unauthorized\",\"headers\":[[\"X-Bad\","
                 "\"a\\r\\nInjected: 1\"]]}",
                 TOKEN, url, err);
  cr_expect_null(res);
  cr_expect(strstr(err, "headers[0]") && strstr(err, "CR or LF"), "%s", err);
  cr_expect_eq(p.n_req, 1, "nothing sent for a malformed case");
  peer_stop(&p, t);
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
  peer p = {.answers = {{R400 R400, 2 * (sizeof R400 - 1), 0, 1}, ANS(R400, 0)}, .n_answers = 2};
  char url[64], err[HCASES_MSG_MAX], cj[1024];
  pthread_t t = peer_start(&p, url, sizeof url);
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
  snprintf(want, sizeof want, "%s{\"x\":1}", p.req[0]);
  cr_expect_str_eq(out, want, "printf rebuilds the bytes sent:\n%s\n---\n%s", out, cmd);
  cJSON_Delete(res);
  peer_stop(&p, t);
}

Test(run, a_clean_close_between_steps_is_allowed_and_recorded) {
  peer p = {.answers = {ANS(R400, 1), ANS(R400, 0)}, .n_answers = 2};
  char url[64], err[HCASES_MSG_MAX], cj[1024];
  pthread_t t = peer_start(&p, url, sizeof url);
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
  peer_stop(&p, t);
}

Test(run, a_body_after_head_is_a_head_no_body_failure) {
  peer p = {.answers = {ANS("HTTP/1.1 405 No\r\nAllow: POST\r\nContent-Length: 5\r\n\r\nhello", 0)},
            .n_answers = 1};
  char url[64], err[HCASES_MSG_MAX], cj[1024];
  pthread_t t = peer_start(&p, url, sizeof url);
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
  peer_stop(&p, t);
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
  peer p = {.answers = {{resp, strlen(resp), 0, 0}}, .n_answers = 1};
  char url[64], err[HCASES_MSG_MAX];
  pthread_t t = peer_start(&p, url, sizeof url);
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
  peer_stop(&p, t);
}

Test(run, header_floods_are_bounded_in_the_evidence) {
  size_t n = 3000;
  char *resp = malloc(n * 16 + 128);
  size_t k = (size_t)sprintf(resp, "HTTP/1.1 500 Oops\r\n");
  for (size_t i = 0; i < n; i++)
    k += (size_t)sprintf(resp + k, "X-H%zu: v\r\n", i);
  k += (size_t)sprintf(resp + k, "Content-Length: 0\r\n\r\n");
  peer p = {.answers = {{resp, k, 0, 0}}, .n_answers = 1};
  char url[64], err[HCASES_MSG_MAX], cj[512];
  pthread_t t = peer_start(&p, url, sizeof url);
  snprintf(cj, sizeof cj, CASE_FMT, "f", "token");
  cJSON *res = run_case(cj, TOKEN, url, err);
  cr_assert(res, "%s", err);
  const cJSON *rs = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(res, "evidence"), "response");
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rs, "headers")),
               HRUN_MAX_HEADERS);
  const cJSON *om = cJSON_GetObjectItemCaseSensitive(rs, "headers_omitted");
  cr_expect(cJSON_IsNumber(om) && om->valueint >= (int)n - HRUN_MAX_HEADERS);
  cJSON_Delete(res);
  peer_stop(&p, t);
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
