/* The client: caps, timeouts, no redirects, no Expect, header capture,
 * redaction; against the mock and against raw responses fed over a socketpair
 * (CURLOPT_OPENSOCKETFUNCTION, as the fuzz harness does). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "client/hclient.h"
#include "client/hrun.h"
#include "mock/hmock.h"
#include "support.h"

#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define BODY                                                                                       \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"modules\":[{\"id\":\"MOD-1234\"}]}"

/* The loopback server of the test (tests/support.c), freed by fini. */
static ts_server *server;

static void init(void) {
  signal(SIGPIPE, SIG_IGN); /* the raw peer may write after curl hung up */
  cr_assert_eq(hclient_global_init(), 0);
}
static void fini(void) { ts_server_free(server); }
TestSuite(client, .init = init, .fini = fini);

/* ---- one raw answer from a loopback server ---- */

/* CURLOPT_OPENSOCKETFUNCTION: counts its calls and opens an ordinary socket,
 * to show hclient_perform keeps a caller's socket callback. */
static curl_socket_t open_cb(void *ud, curlsocktype purpose, struct curl_sockaddr *addr) {
  (void)purpose;
  (*(int *)ud)++;
  return socket(addr->family, addr->socktype, addr->protocol);
}

/* Sends req (its URL replaced) to a loopback server that reads the request,
 * gives answer a and then ends its side; returns hclient_perform's code.
 * sent() is then the request the server read. */
static int exchange(const ts_answer *a, const hclient_request *req, const hclient_options *o,
                    hclient_response *r) {
  ts_server_free(server);
  server = ts_server_start(a, 1, 0);
  char url[64];
  snprintf(url, sizeof url, "%s/x", ts_server_url(server));
  hclient_request rq = *req;
  rq.url = url;
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, o, msg), 0, "%s", msg);
  int opened = 0;
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_cb);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &opened);
  int rc = hclient_perform(h, o, &rq, r);
  hclient_cleanup(h);
  ts_server_stop(server);
  cr_expect_eq(opened, 1, "the caller's socket callback was used");
  cr_expect_eq(ts_server_accepted(server), 1, "one connection");
  return rc;
}

/* exchange() with `response` written verbatim. */
static int raw_exchange(const char *response, size_t rlen, const hclient_request *req,
                        const hclient_options *o, hclient_response *r) {
  ts_answer a = {.bytes = response, .len = rlen};
  return exchange(&a, req, o, r);
}

/* The request the last exchange's server read. */
static const char *sent(void) { return ts_server_request(server, 0, NULL); }

#define RAW(s) s, sizeof s - 1

Test(client, raw_response_headers_are_captured) {
  hclient_options o = {2000, 0, NULL, 0};
  hclient_request req = {
      "POST", "http://127.0.0.1:9/x", "application/json", "secret-bearer", BODY, strlen(BODY)};
  hclient_response r;
  raw_exchange(RAW("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nAllow: POST\r\n"
                   "Content-Type: application/problem+json\r\nServer: test\r\n"
                   "Date: Sat, 28 Nov 2026 12:00:00 GMT\r\nWWW-Authenticate: Bearer\r\n"
                   "Content-Length: 2\r\n\r\n{}"),
               &req, &o, &r);
  cr_expect_eq(r.status, 405);
  cr_expect_str_eq(r.allow, "GET, POST");
  cr_expect_str_eq(r.content_type, "application/problem+json");
  cr_expect_str_eq(r.server, "test");
  cr_expect_str_eq(r.www_authenticate, "Bearer");
  cr_expect_eq(r.body_len, 2);
  cr_expect_str_eq(r.body, "{}");
  hjudge_response j = hclient_judge_view(&r);
  cr_expect_eq(j.status, 405);
  cr_expect_str_eq(j.date, "Sat, 28 Nov 2026 12:00:00 GMT");
  /* what was sent: no Expect, the bearer, the exact body */
  cr_expect_null(strstr(sent(), "Expect:"), "%s", sent());
  cr_expect(strstr(sent(), "Authorization: Bearer secret-bearer\r\n"));
  cr_expect(strstr(sent(), "Content-Type: application/json\r\n"));
  cr_expect(strstr(sent(), BODY));
  hclient_response_free(&r);
}

Test(client, no_content_type_header_when_none_is_asked) {
  hclient_options o = {2000, 0, NULL, 0};
  hclient_request req = {"POST", "http://127.0.0.1:9/x", NULL, NULL, BODY, strlen(BODY)};
  hclient_response r;
  raw_exchange(RAW("HTTP/1.1 415 Unsupported\r\nContent-Length: 0\r\n\r\n"), &req, &o, &r);
  cr_expect_eq(r.status, 415);
  cr_expect_null(strstr(sent(), "Content-Type"), "%s", sent());
  cr_expect_null(strstr(sent(), "Authorization"));
  cr_expect_eq(r.has_content_type, 0);
  hclient_response_free(&r);
}

Test(client, methods_and_bodies) {
  hclient_options o = {2000, 0, NULL, 0};
  hclient_response r;
  hclient_request get = {"GET", "http://127.0.0.1:9/x", NULL, NULL, NULL, 0};
  raw_exchange(RAW("HTTP/1.1 405 No\r\nContent-Length: 0\r\n\r\n"), &get, &o, &r);
  cr_expect_eq(strncmp(sent(), "GET /x HTTP/1.1", 15), 0, "%s", sent());
  hclient_response_free(&r);
  hclient_request brew = {"BREW", "http://127.0.0.1:9/x", NULL, NULL, NULL, 0};
  raw_exchange(RAW("HTTP/1.1 501 No\r\nContent-Length: 0\r\n\r\n"), &brew, &o, &r);
  cr_expect_eq(strncmp(sent(), "BREW /x HTTP/1.1", 16), 0, "%s", sent());
  cr_expect_eq(r.status, 501);
  hclient_response_free(&r);
  static const char nul_body[] = "{\"a\":\"x\0y\"}";
  hclient_request put = {"PUT",    "http://127.0.0.1:9/x", "application/json", NULL,
                         nul_body, sizeof nul_body - 1};
  raw_exchange(RAW("HTTP/1.1 405 No\r\nContent-Length: 0\r\n\r\n"), &put, &o, &r);
  cr_expect(strstr(sent(), "Content-Length: 11\r\n"), "NUL bytes are sent: %s", sent());
  hclient_response_free(&r);
}

Test(client, body_over_the_cap_is_truncated) {
  static const char head[] = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                             "Content-Length: 150000\r\n\r\n";
  ts_answer a = {.bytes = head, .len = sizeof head - 1, .flood = 'a', .flood_len = 150000};
  hclient_options o = {2000, 1000, NULL, 0};
  hclient_request req = {"POST", "http://127.0.0.1:9/x", "application/json", NULL, "{}", 2};
  hclient_response r;
  int rc = exchange(&a, &req, &o, &r);
  cr_expect_eq(rc, CURLE_OK);
  cr_expect_eq(r.status, 201);
  cr_expect_eq(r.truncated, 1);
  cr_expect_eq(r.body_len, 1000);
  cr_expect_eq(r.body[999], 'a');
  cr_expect_eq(r.transport_error, 0);
  hclient_response_free(&r);
}

Test(client, huge_headers_are_a_transport_error) {
  static char resp[HCLIENT_MAX_HEADERS * 2];
  size_t n = (size_t)snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\n");
  while (n + 100 < HCLIENT_MAX_HEADERS + 2000)
    n += (size_t)snprintf(resp + n, sizeof resp - n, "X-Filler: %080d\r\n", 0);
  n += (size_t)snprintf(resp + n, sizeof resp - n, "Content-Length: 0\r\n\r\n");
  hclient_options o = {2000, 0, NULL, 0};
  hclient_request req = {"GET", "http://127.0.0.1:9/x", NULL, NULL, NULL, 0};
  hclient_response r;
  raw_exchange(resp, n, &req, &o, &r);
  cr_expect_eq(r.transport_error, 1);
  cr_expect_eq(r.timed_out, 0);
  char want[64];
  snprintf(want, sizeof want, "response headers over %zu bytes", HCLIENT_MAX_HEADERS);
  cr_expect_str_eq(r.error, want);
  hclient_response_free(&r);
}

Test(client, redirects_are_not_followed) {
  hclient_options o = {2000, 0, NULL, 0};
  hclient_request req = {"POST", "http://127.0.0.1:9/x", "application/json", "bearer-value", "{}",
                         2};
  hclient_response r;
  raw_exchange(RAW("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://elsewhere.invalid/\r\n"
                   "Content-Length: 0\r\n\r\n"),
               &req, &o, &r);
  cr_expect_eq(r.status, 307, "the redirect itself is the answer");
  cr_expect_eq(r.transport_error, 0);
  hclient_response_free(&r);
}

Test(client, garbage_is_a_transport_error) {
  hclient_options o = {2000, 0, NULL, 0};
  hclient_request req = {"GET", "http://127.0.0.1:9/x", NULL, NULL, NULL, 0};
  hclient_response r;
  int rc = raw_exchange(RAW("SSH-2.0-OpenSSH\r\n\r\n"), &req, &o, &r);
  /* HTTP/0.9 is refused: libcurl's own reason is the message */
  cr_expect_eq(rc, CURLE_UNSUPPORTED_PROTOCOL);
  cr_expect_eq(r.transport_error, 1);
  cr_expect_eq(r.status, 0);
  cr_expect_eq(r.timed_out, 0);
  cr_expect_str_eq(r.error, curl_easy_strerror(CURLE_UNSUPPORTED_PROTOCOL));
  hjudge_response j = hclient_judge_view(&r);
  cr_expect_eq(j.transport_error, 1);
  cr_expect_eq(j.status, 0);
  hclient_response_free(&r);
}

Test(client, silent_server_times_out) {
  /* the server reads the request and never answers */
  ts_answer a = {.stall = 1};
  hclient_options o = {300, 0, NULL, 0};
  hclient_request req = {"POST", "http://127.0.0.1:9/x", "application/json", NULL, "{}", 2};
  hclient_response r;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  exchange(&a, &req, &o, &r);
  double took = ts_seconds_since(&t0);
  cr_expect_eq(r.timed_out, 1);
  cr_expect_eq(r.status, 0);
  cr_expect_geq(took, 0.29, "not before the deadline: %.3f s", took);
  cr_expect_lt(took, 1.3, "the 300 ms deadline holds: %.3f s", took);
  cr_expect_str_eq(r.error, "no complete response within 300 ms");
  cr_expect(strstr(sent(), "\r\n\r\n{}"), "the request was read whole: %s", sent());
  hclient_response_free(&r);
}

Test(client, refused_connection_is_a_transport_error) {
  hclient_options o = {1000, 0, NULL, 0};
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, &o, msg), 0);
  hclient_request req = {"POST", "http://127.0.0.1:1/x", "application/json", NULL, "{}", 2};
  hclient_response r;
  hclient_perform(h, &o, &req, &r);
  cr_expect_eq(r.transport_error, 1);
  cr_expect_eq(r.status, 0);
  hclient_response_free(&r);
  hclient_cleanup(h);
}

Test(client, keep_alive_against_the_mock) {
  hmock_options mo = {0};
  mo.spec_path = SPEC;
  char err[256];
  hmock *m = hmock_start(&mo, err, sizeof err);
  cr_assert(m, "%s", err);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/public/v1/accounts/api-tokens", hmock_port(m));
  hclient_options o = {2000, 0, NULL, 0};
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, &o, msg), 0);
  long connects = 0;
  for (int i = 0; i < 5; i++) {
    hclient_request req = {"POST", url, "application/json", NULL, BODY, strlen(BODY)};
    hclient_response r;
    hclient_perform(h, &o, &req, &r);
    cr_expect_eq(r.status, 201, "round %d: %d %s", i, r.status, r.error);
    cr_expect(strstr(r.content_type, "application/json"));
    connects += r.new_connections;
    hclient_response_free(&r);
  }
  cr_expect_eq(connects, 1, "one connection for five requests");
  hclient_cleanup(h);
  hmock_stop(m);
}

Test(client, redaction) {
  const char *secrets[] = {"bearer-SECRET-1"};
  const char *text = "Authorization: Bearer bearer-SECRET-1\n{\"id\":\"T\",\"token\" : "
                     "\"idt:TKN-1:abcdefgh\\\"ij\",\"x\":\"token\"}";
  size_t n;
  char *out = hclient_redact(text, strlen(text), secrets, 1, &n);
  cr_assert(out);
  cr_expect_null(strstr(out, "bearer-SECRET-1"));
  cr_expect_null(strstr(out, "abcdefgh"));
  /* the bearer whole, the token after its "idt:" prefix; a string equal to
   * "token" that is not a member stays */
  cr_expect_str_eq(out, "Authorization: Bearer <redacted>\n{\"id\":\"T\",\"token\" : "
                        "\"idt:...<redacted>\",\"x\":\"token\"}");
  cr_expect_eq(n, strlen(out));
  free(out);
  /* short secrets are not replaced (they would shred the text) */
  const char *tiny[] = {"ab"};
  out = hclient_redact("abc", 3, tiny, 1, &n);
  cr_expect_str_eq(out, "abc");
  free(out);
}

Test(client, run_token_names_carry_the_run_id) {
  hrun_config cfg = {0};
  cfg.run_id = "20261128T130501Z-3f9a";
  char name[128];
  hrun_token_name(&cfg, "pos.minimal", name, sizeof name);
  cr_expect_str_eq(name, "apiharness-20261128T130501Z-3f9a-pos.minimal");
}

/* ---- a scripted hostile peer: several connections, several answers ---- */

#define ANSWER_201                                                                                 \
  "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

/* Performs n requests on one handle against a server playing steps[0..n);
 * returns the seconds the requests took (the server's stop excluded). */
static double run_script(const ts_answer *steps, size_t n_steps, hclient_options *o,
                         hclient_response *r, size_t n) {
  ts_server_free(server);
  server = ts_server_start(steps, n_steps, 0);
  char url[128];
  snprintf(url, sizeof url, "%s/public/v1/accounts/api-tokens", ts_server_url(server));
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, o, msg), 0, "%s", msg);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < n; i++) {
    hclient_request req = {"POST", url, "application/json", NULL, BODY, strlen(BODY)};
    hclient_perform(h, o, &req, &r[i]);
  }
  double took = ts_seconds_since(&t0);
  hclient_cleanup(h);
  ts_server_stop(server);
  return took;
}

Test(client, folded_first_header_on_a_kept_handle_is_a_transport_error) {
  /* libcurl 7.88 keeps a freed header of the previous transfer on a reused
   * handle and unfolds a leading folded line into it (heap use after free):
   * the fuzzer's regression.  The third answer shows the client, and a new
   * connection after the close, still work. */
  const ts_answer s[] = {TS_ANSWER(ANSWER_201),
                         TS_ANSWER_CLOSE("HTTP/1.1 405 M\r\n \"r\":1\r\n\r\n"),
                         TS_ANSWER(ANSWER_201)};
  hclient_options o = {2000, 0, NULL, 0};
  hclient_response r[3];
  run_script(s, 3, &o, r, 3);
  cr_expect_eq(r[0].status, 201, "%d %s", r[0].status, r[0].error);
  cr_expect_eq(r[1].transport_error, 1);
  cr_expect_str_eq(r[1].error, "malformed response header: a folded line with no header before it");
  cr_expect_eq(r[2].status, 201, "%d %s", r[2].status, r[2].error);
  cr_expect_eq(r[2].transport_error, 0, "%s", r[2].error);
  for (int i = 0; i < 3; i++)
    hclient_response_free(&r[i]);
}

Test(client, keep_alive_closed_by_the_server_reconnects_transparently) {
  /* the server keeps no promise of keep-alive: it closes after each answer,
   * once without saying so, once with Connection: close */
  const ts_answer s[] = {
      TS_ANSWER_CLOSE(ANSWER_201),
      TS_ANSWER_CLOSE("HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Type: "
                      "application/json\r\nContent-Length: 2\r\n\r\n{}"),
      TS_ANSWER(ANSWER_201)};
  hclient_options o = {2000, 0, NULL, 0};
  hclient_response r[3];
  run_script(s, 3, &o, r, 3);
  for (int i = 0; i < 3; i++) {
    cr_expect_eq(r[i].status, 201, "request %d: %d %s", i, r[i].status, r[i].error);
    cr_expect_eq(r[i].transport_error, 0, "request %d: %s", i, r[i].error);
    hclient_response_free(&r[i]);
  }
  cr_expect_eq(ts_server_accepted(server), 3);
  cr_expect_eq(ts_server_requests(server), 3);
}

Test(client, interim_100_continue_and_chunked_answers) {
  const ts_answer s[] = {
      TS_ANSWER("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                "\r\n3\r\n{\"a\r\n5\r\n\":1}\n\r\n0\r\n\r\n")};
  hclient_options o = {2000, 0, NULL, 0};
  hclient_response r;
  run_script(s, 1, &o, &r, 1);
  cr_expect_eq(r.status, 201, "%s", r.error);
  cr_expect_eq(r.transport_error, 0, "%s", r.error);
  cr_expect_str_eq(r.body, "{\"a\":1}\n");
  cr_expect_str_eq(r.content_type, "application/json");
  cr_expect_null(strstr(r.headers, "100 Continue"), "only the final answer's headers are kept");
  hclient_response_free(&r);
}

Test(client, invalid_chunked_encoding_is_a_transport_error) {
  const ts_answer s[] = {
      TS_ANSWER_CLOSE("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "zz\r\n{}\r\n0\r\n\r\n")};
  hclient_options o = {2000, 0, NULL, 0};
  hclient_response r;
  run_script(s, 1, &o, &r, 1);
  cr_expect_eq(r.transport_error, 1, "status %d", r.status);
  /* libcurl's reason for the bad chunk size (CURLE_RECV_ERROR) */
  cr_expect_str_eq(r.error, curl_easy_strerror(CURLE_RECV_ERROR));
  cr_expect_eq(r.timed_out, 0);
  hjudge_response j = hclient_judge_view(&r);
  cr_expect_eq(j.transport_error, 1);
  hclient_response_free(&r);
}

Test(client, close_in_the_middle_of_a_body_is_a_transport_error) {
  const ts_answer s[] = {
      TS_ANSWER_CLOSE("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                      "Content-Length: 100\r\n\r\n{\"id\":")};
  /* a 10 s deadline: the close, not the deadline, ends the request */
  hclient_options o = {10000, 0, NULL, 0};
  hclient_response r;
  double took = run_script(s, 1, &o, &r, 1);
  cr_expect_lt(took, 2.0, "no wait for the 94 missing bytes: %.2f s", took);
  cr_expect_eq(r.transport_error, 1);
  cr_expect_eq(r.timed_out, 0);
  cr_expect_eq(r.status, 201, "the head was read");
  hclient_response_free(&r);
}

Test(client, trickling_server_hits_the_deadline) {
  /* one byte every 50 ms of a 10 MB body: the whole request has 400 ms, and
   * 120 bytes at 50 ms each would take 6 s */
  const ts_answer s[] = {
      {.bytes = "HTTP/1.1 201 Created\r\nContent-Length: 10000000\r\n\r\n{\"aaaaaaaaaaaaaaaaaaa"
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
       .len = 120,
       .trickle_ms = 50,
       .close_after = 1,
       .read = TS_READ_NONE}};
  hclient_options o = {400, 0, NULL, 0};
  hclient_response r;
  double took = run_script(s, 1, &o, &r, 1);
  cr_expect_eq(r.timed_out, 1, "status %d error %s", r.status, r.error);
  cr_expect_geq(took, 0.39, "not before the deadline: %.3f s", took);
  cr_expect_lt(took, 1.4, "the 400 ms deadline holds against a trickle: %.3f s", took);
  cr_expect(strstr(r.error, "400 ms"), "%s", r.error);
  hjudge_response j = hclient_judge_view(&r);
  cr_expect_eq(j.timed_out, 1);
  hclient_response_free(&r);
}

Test(client, endless_body_is_cut_at_the_cap) {
  /* a 10 GB announced body that the server streams for as long as the client
   * reads: the client keeps max_body bytes and stops */
  static const char head[] = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                             "Content-Length: 10737418240\r\n\r\n";
  const ts_answer s[] = {{.bytes = head,
                          .len = sizeof head - 1,
                          .flood = 'a',
                          .flood_len = (size_t)10 << 30,
                          .close_after = 1}};
  hclient_options o = {3000, 64 << 10, NULL, 0};
  hclient_response r;
  double took = run_script(s, 1, &o, &r, 1);
  cr_expect_eq(r.status, 201);
  cr_expect_eq(r.truncated, 1);
  cr_expect_eq(r.body_len, (size_t)64 << 10);
  cr_expect_eq(r.body[0], 'a');
  cr_expect_eq(r.body[r.body_len - 1], 'a');
  cr_expect_eq(r.timed_out, 0, "%.2f s: %s", took, r.error);
  hclient_response_free(&r);
}

Test(client, connection_closed_during_a_large_upload_is_marked) {
  /* the server refuses a 4 MiB body by closing without reading it */
  const ts_answer s[] = {{.read = TS_READ_NONE, .close_after = 1}};
  ts_server_free(server);
  server = ts_server_start(s, 1, 0);
  size_t n = (size_t)4 << 20;
  char *big = malloc(n);
  cr_assert(big);
  memset(big, 'a', n);
  char url[128];
  snprintf(url, sizeof url, "%s/public/v1/accounts/api-tokens", ts_server_url(server));
  hclient_options o = {3000, 0, NULL, 0};
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, &o, msg), 0);
  hclient_request req = {"POST", url, "application/json", NULL, big, n};
  hclient_response r;
  hclient_perform(h, &o, &req, &r);
  hclient_cleanup(h);
  free(big);
  cr_expect_eq(r.transport_error, 1, "status %d", r.status);
  cr_expect_eq(r.upload_aborted, 1, "%s", r.error);
  cr_expect_eq(r.timed_out, 0, "%s", r.error);
  cr_expect_eq(r.status, 0);
  hjudge_response j = hclient_judge_view(&r);
  cr_expect_eq(j.upload_aborted, 1);
  hclient_response_free(&r);
}

Test(client, bytes_without_a_status_line_are_a_transport_error) {
  /* the fuzzer's regression: libcurl ends "HTTP/20\n" with CURLE_OK */
  hclient_options o = {2000, 0, NULL, 0};
  hclient_request req = {"GET", "http://127.0.0.1:9/x", NULL, NULL, NULL, 0};
  hclient_response r;
  int rc = raw_exchange(RAW("HTTP/20\n"), &req, &o, &r);
  cr_expect_neq(rc, CURLE_OK);
  cr_expect_eq(r.transport_error, 1);
  cr_expect_eq(r.status, 0);
  cr_expect_str_eq(r.error, "no valid HTTP status line in the response");
  hclient_response_free(&r);
}
