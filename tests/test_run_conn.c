/* hconn, the raw HTTP/1.1 client of sequences, against loopback TCP peers
 * that answer canned bytes: exact framing (Content-Length, chunked,
 * close-delimited), unasked bytes after HEAD or an error answer, clean
 * closes, the quiet window (and quiet 0), the retry on a closed kept
 * connection, an upload the server breaks off, deadlines and caps. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/hconn.h"
#include "support.h"

/* The loopback server of the test (tests/support.c), freed by fini. */
static ts_server *server;

static void init(void) { signal(SIGPIPE, SIG_IGN); }
static void fini(void) { ts_server_free(server); }
TestSuite(hconn, .init = init, .fini = fini);

/* Starts the server with acts[0..n) (one answer per request, in order);
 * returns a new hconn to it. */
static hconn *connect_to(const ts_answer *acts, size_t n) {
  server = ts_server_start(acts, n, 0);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(ts_server_url(server), err);
  cr_assert(c, "%s", err);
  return c;
}

static const char *const JSON_CT[] = {"Content-Type: application/json"};

static hconn_request post(const char *body) {
  hconn_request r = {"POST", "/t", JSON_CT, 1, body, strlen(body)};
  return r;
}

Test(hconn, content_length_chunked_and_close_delimited_bodies) {
  const ts_answer acts[] = {
      TS_ANSWER("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\n{\"a\":1}"),
      TS_ANSWER("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                "3;ext=1\r\n{\"b\r\n4\r\n\":2}\r\n0\r\nX-Trailer: t\r\n\r\n"),
      TS_ANSWER_CLOSE("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end")};
  hconn *c = connect_to(acts, 3);
  hconn_result r[3];
  for (int i = 0; i < 3; i++) {
    hconn_request rq = post("{}");
    cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r[i]), 0, "exchange %d: %s", i, r[i].r.error);
  }
  cr_expect_eq(r[0].r.status, 201);
  cr_expect_str_eq(r[0].r.body, "{\"a\":1}");
  cr_expect_eq(r[0].new_connection, 1);
  cr_expect_eq(r[0].extra_len, 0);
  cr_expect_eq(r[1].r.status, 200);
  cr_expect_str_eq(r[1].r.body, "{\"b\":2}");
  cr_expect_eq(r[1].reused, 1, "the second request rides the first connection");
  cr_expect_eq(r[1].extra_len, 0, "the trailer is part of the chunked body");
  cr_expect_str_eq(r[2].r.body, "to the end");
  cr_expect_eq(r[2].reused, 1);
  cr_expect_eq(r[2].server_closed, 1);
  cr_expect(strstr(r[2].framing, "connection close"), "%s", r[2].framing);
  cr_expect_str_eq(r[2].r.content_type, "text/plain");
  cr_expect_eq(ts_server_accepted(server), 1);
  cr_expect_eq(ts_server_requests(server), 3);
  /* the exact bytes of every request: the same three, Host naming the port */
  char want[256];
  snprintf(want, sizeof want,
           "POST /t HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: apiharness/" APIHARNESS_VERSION
           "\r\nAccept: */*\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
           ts_server_port(server));
  for (size_t i = 0; i < 3; i++)
    cr_expect_str_eq(ts_server_request(server, i, NULL), want, "request %zu:\n%s\nwant\n%s", i,
                     ts_server_request(server, i, NULL), want);
  for (int i = 0; i < 3; i++)
    hconn_result_free(&r[i]);
  hconn_free(c);
}

Test(hconn, a_body_after_head_is_extra) {
  const ts_answer acts[] = {TS_ANSWER("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")};
  hconn *c = connect_to(acts, 1);
  hconn_request rq = {"HEAD", "/t", NULL, 0, NULL, 0};
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 200);
  cr_expect_eq(r.r.body_len, 0, "HEAD answers carry no body by framing");
  cr_expect_eq(r.head, 1);
  cr_expect_eq(r.extra_len, 5, "the 5 body bytes are seen");
  cr_expect_eq(memcmp(r.extra, "hello", 5), 0);
  const char *got = ts_server_request(server, 0, NULL);
  cr_expect_null(strstr(got, "Content-Length"), "no Content-Length on a bodyless HEAD: %s", got);
  cr_expect_eq(strncmp(got, "HEAD /t HTTP/1.1\r\n", 17), 0, "%s", got);
  hconn_result_free(&r);
  hconn_free(c);
}

Test(hconn, a_400_whose_unread_body_is_parsed_as_the_next_request_is_caught) {
  /* the server answers from the head, leaves the body unread, then "parses"
   * the body as a request and answers that too */
  static const char first[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  static const char second[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad";
  const ts_answer acts[] = {{.bytes = first, .len = sizeof first - 1, .read = TS_READ_HEAD},
                            {.bytes = second, .len = sizeof second - 1, .read = TS_READ_NONE}};
  hconn *c = connect_to(acts, 2);
  hconn_request rq = post("{\"name\":\"x\"}");
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 400);
  cr_expect_eq(r.extra_len, sizeof second - 1, "the second, unasked answer is seen whole");
  cr_expect_eq(memcmp(r.extra, second, sizeof second - 1), 0);
  hconn_result_free(&r);
  /* the server read the head only */
  const char *got = ts_server_request(server, 0, NULL);
  cr_expect_eq(strcmp(got + strlen(got) - 4, "\r\n\r\n"), 0, "%s", got);
  /* the poisoned connection is dropped: the next exchange opens a new one
   * (which nobody answers: 100 ms is enough to see that it is new) */
  hconn_result r2;
  hconn_request rq2 = post("{}");
  hconn_exchange(c, &rq2, 100, 0, &r2);
  cr_expect_eq(r2.new_connection, 1);
  hconn_result_free(&r2);
  hconn_free(c);
}

Test(hconn, a_clean_close_between_exchanges_is_allowed) {
  const ts_answer acts[] = {
      TS_ANSWER_CLOSE("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"),
      TS_ANSWER_CLOSE("HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"),
      TS_ANSWER("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")};
  hconn *c = connect_to(acts, 3);
  hconn_result r[3];
  for (int i = 0; i < 3; i++) {
    hconn_request rq = post("{}");
    cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r[i]), 0, "%d: %s", i, r[i].r.error);
    cr_expect_eq(r[i].r.status, 201);
    cr_expect_eq(r[i].malformed, 0);
    cr_expect_eq(r[i].extra_len, 0);
  }
  cr_expect_eq(r[0].server_closed, 1, "the quiet window saw the close");
  cr_expect_eq(r[1].new_connection, 1);
  cr_expect_eq(r[1].reused, 0);
  cr_expect_eq(r[1].connection_close, 1);
  cr_expect_eq(r[2].new_connection, 1);
  cr_expect_eq(ts_server_accepted(server), 3);
  cr_expect_eq(ts_server_requests(server), 3);
  for (int i = 0; i < 3; i++)
    hconn_result_free(&r[i]);
  hconn_free(c);
}

/* hconn_set_quiet_ms: the wait for unasked bytes after an answer.  The
 * server writes each 204 but its last byte at once, then trickles "\nX" a
 * byte every 30 ms (a second answer, read nothing first), so the byte after
 * the head ('X') comes 30 ms after the answer is complete: inside the default
 * 60 ms window, after an exchange with no window. */
Test(hconn, the_quiet_window_catches_late_bytes_and_quiet_0_skips_it) {
  static const char head[] = "HTTP/1.1 204\r\n\r", late[] = "\nX";
  const ts_answer acts[] = {
      {.bytes = head, .len = sizeof head - 1},
      {.bytes = late, .len = sizeof late - 1, .trickle_ms = 30, .read = TS_READ_NONE},
      {.bytes = head, .len = sizeof head - 1},
      {.bytes = late, .len = sizeof late - 1, .trickle_ms = 30, .read = TS_READ_NONE},
      TS_ANSWER("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")};
  hconn *c = connect_to(acts, 5);
  hconn_request rq = post("{}");
  hconn_result r;
  /* the default: the late byte is extra, the connection dropped */
  cr_expect_eq(hconn_exchange(c, &rq, 5000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 204);
  cr_expect_eq(r.extra_len, 1, "the byte 30 ms after the answer is seen");
  cr_expect_eq(r.extra[0], 'X');
  hconn_result_free(&r);
  /* quiet 0: the exchange returns with the answer; the byte is not its extra */
  hconn_set_quiet_ms(c, 0);
  cr_expect_eq(hconn_exchange(c, &rq, 5000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 204);
  cr_expect_eq(r.new_connection, 1, "the poisoned connection was dropped");
  cr_expect_eq(r.extra_len, 0, "no wait: the late byte had not come yet");
  cr_expect_eq(r.server_closed, 0);
  hconn_result_free(&r);
  /* ... and it is still seen: read as the start of the next answer */
  struct timespec pause = {0, 100 * 1000000L};
  nanosleep(&pause, NULL);
  cr_expect_eq(hconn_exchange(c, &rq, 5000, 0, &r), -1);
  cr_expect_eq(r.reused, 1);
  cr_expect_eq(r.malformed, 1);
  cr_expect(strstr(r.r.error, "'XHTTP/1.1 201"), "%s", r.r.error);
  hconn_result_free(&r);
  hconn_free(c);
}

Test(hconn, quiet_0_exchanges_do_not_wait) {
  const ts_answer acts[] = {TS_ANSWER("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")};
  server = ts_server_start(acts, 1, 1);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(ts_server_url(server), err);
  cr_assert(c, "%s", err);
  hconn_request rq = post("{}");
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 5000, 0, &r), 0, "%s", r.r.error);
  cr_expect_geq(r.r.time_ms, HCONN_QUIET_MS, "the default waits %d ms: %ld", HCONN_QUIET_MS,
                r.r.time_ms);
  hconn_result_free(&r);
  hconn_set_quiet_ms(c, 0);
  long total = 0;
  for (int i = 0; i < 10; i++) {
    cr_expect_eq(hconn_exchange(c, &rq, 5000, 0, &r), 0, "%d: %s", i, r.r.error);
    cr_expect_eq(r.r.status, 201);
    cr_expect_str_eq(r.r.body, "{}");
    cr_expect_eq(r.reused, 1, "%d: one keep-alive connection", i);
    total += r.r.time_ms;
    hconn_result_free(&r);
  }
  /* a loopback server that answers at once: far under 10 quiet windows */
  cr_expect_lt(total, 10 * HCONN_QUIET_MS / 2, "10 exchanges took %ld ms", total);
  cr_expect_eq(ts_server_accepted(server), 1);
  cr_expect_eq(ts_server_requests(server), 11);
  hconn_free(c);
}

/* Without the quiet window a close after an answer goes unnoticed: the next
 * request meets the closed connection and is sent once more on a new one. */
Test(hconn, a_kept_connection_closed_meanwhile_is_retried_once) {
  const ts_answer acts[] = {TS_ANSWER_CLOSE("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"),
                            TS_ANSWER("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\n{ }")};
  hconn *c = connect_to(acts, 2);
  hconn_set_quiet_ms(c, 0);
  hconn_request rq = post("{}");
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.retried, 0);
  hconn_result_free(&r);
  struct timespec pause = {0, 50 * 1000000L};
  nanosleep(&pause, NULL); /* the close has arrived */
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 201);
  cr_expect_str_eq(r.r.body, "{ }");
  cr_expect_eq(r.retried, 1);
  cr_expect_eq(r.new_connection, 1);
  cr_expect_eq(r.r.transport_error, 0);
  cr_expect_eq(ts_server_accepted(server), 2);
  hconn_result_free(&r);
  hconn_free(c);
}

/* A server that closes without reading the body: the upload breaks, no
 * answer comes, and the result says the upload was aborted (a new connection
 * is not retried: the server refused this request). */
Test(hconn, a_close_during_the_upload_is_upload_aborted) {
  const ts_answer acts[] = {{.read = TS_READ_NONE, .close_after = 1}};
  hconn *c = connect_to(acts, 1);
  size_t n = (size_t)16 << 20;
  char *body = malloc(n);
  cr_assert_not_null(body);
  memset(body, 'a', n);
  hconn_request rq = {"POST", "/t", JSON_CT, 1, body, n};
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 5000, 0, &r), -1);
  cr_expect_eq(r.r.transport_error, 1, "%s", r.r.error);
  cr_expect_eq(r.r.upload_aborted, 1, "%s", r.r.error);
  cr_expect_eq(r.r.timed_out, 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 0);
  cr_expect_eq(r.retried, 0);
  cr_expect(strstr(r.r.error, "without answering"), "%s", r.r.error);
  hconn_result_free(&r);
  free(body);
  hconn_free(c);
}

Test(hconn, a_silent_peer_times_out_within_the_deadline) {
  const ts_answer acts[] = {{.stall = 1}};
  hconn *c = connect_to(acts, 1);
  hconn_request rq = post("{}");
  hconn_result r;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_expect_eq(hconn_exchange(c, &rq, 300, 0, &r), -1);
  double took = ts_seconds_since(&t0);
  cr_expect_eq(r.r.timed_out, 1, "%s", r.r.error);
  cr_expect_geq(took, 0.29, "not before the deadline: %.3f s", took);
  cr_expect_lt(took, 1.3, "the 300 ms deadline holds: %.3f s", took);
  cr_expect(strstr(r.r.error, "300 ms"), "%s", r.r.error);
  cr_expect_eq(ts_server_requests(server), 1, "the request was read, then nothing");
  hconn_result_free(&r);
  hconn_free(c);
}

Test(hconn, oversized_and_malformed_heads_are_errors_not_hangs) {
  /* a header line without end, 100 KiB sent: over HCLIENT_MAX_HEADERS */
  static const char big[] = "HTTP/1.1 200 OK\r\nX-Big: ";
  const ts_answer acts[] = {
      {.bytes = big, .len = sizeof big - 1, .flood = 'a', .flood_len = 100 << 10, .close_after = 1},
      TS_ANSWER_CLOSE("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
      TS_ANSWER_CLOSE("HTTP/1.1 2xx OK\r\n\r\n"),
      TS_ANSWER_CLOSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "fffffffffffffffff\r\n")};
  hconn *c = connect_to(acts, 4);
  char over[64];
  snprintf(over, sizeof over, "response headers over %zu bytes", HCLIENT_MAX_HEADERS);
  const char *want[] = {over, "conflicting Content-Length", "no valid HTTP status line",
                        "chunk size over 15 hex digits"};
  for (int i = 0; i < 4; i++) {
    hconn_request rq = post("{}");
    hconn_result r;
    cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), -1, "%d", i);
    cr_expect(strstr(r.r.error, want[i]), "%d: %s", i, r.r.error);
    cr_expect_eq(r.r.timed_out, 0, "%d", i);
    hconn_result_free(&r);
  }
  cr_expect_eq(ts_server_accepted(server), 4, "one connection per answer");
  hconn_free(c);
}

Test(hconn, body_over_the_cap_is_cut_and_the_connection_dropped) {
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\n";
  const ts_answer acts[] = {
      {.bytes = head, .len = sizeof head - 1, .flood = 'b', .flood_len = 60000}};
  hconn *c = connect_to(acts, 1);
  hconn_request rq = post("{}");
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 1000, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.truncated, 1);
  cr_expect_eq(r.r.body_len, 1000);
  cr_expect_eq(r.r.body[999], 'b');
  hconn_result_free(&r);
  /* dropped: the next exchange needs a new connection, which nobody answers */
  hconn_request rq2 = post("{}");
  hconn_result r2;
  hconn_exchange(c, &rq2, 100, 0, &r2);
  cr_expect_eq(r2.new_connection, 1);
  hconn_result_free(&r2);
  hconn_free(c);
}

Test(hconn, urls) {
  char err[HCONN_MSG_MAX];
  cr_expect_null(hconn_new("https://example.com", err));
  cr_expect(strstr(err, "http:// only"), "%s", err);
  cr_expect_null(hconn_new("http://user:secret@example.com", err));
  cr_expect_null(strstr(err, "secret"), "credentials never echoed: %s", err);
  cr_expect_null(hconn_new("http://example.com:99999", err));
  cr_expect_null(hconn_new("http://[::1", err));
  hconn *c = hconn_new("http://[::1]:8080/base/", err);
  cr_assert(c, "%s", err);
  cr_expect_str_eq(hconn_host(c), "::1");
  cr_expect_eq(hconn_port(c), 8080);
  cr_expect_str_eq(hconn_authority(c), "[::1]:8080");
  hbuf b = {0};
  hconn_request rq = {"GET", "/x", NULL, 0, NULL, 0};
  hconn_format_head(c, &rq, &b);
  cr_expect_eq(strncmp(b.p, "GET /base/x HTTP/1.1\r\nHost: [::1]:8080\r\n", 40), 0, "%s", b.p);
  hbuf_free(&b);
  hconn_free(c);
}
