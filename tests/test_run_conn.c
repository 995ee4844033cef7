/* hconn, the raw HTTP/1.1 client of sequences, against loopback TCP peers
 * that answer canned bytes: exact framing (Content-Length, chunked,
 * close-delimited), unasked bytes after HEAD or an error answer, clean
 * closes, deadlines and caps. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/hconn.h"

static void init(void) { signal(SIGPIPE, SIG_IGN); }
TestSuite(hconn, .init = init);

/* ---- a scripted peer: one action per request ---- */

#define ACTS_MAX 6

typedef struct {
  const char *bytes; /* written verbatim */
  size_t len;
  int close_after; /* close the connection after writing */
  int head_only;   /* read only the request head (leave the body unread) */
  int no_read;     /* write without reading a request */
  int silent;      /* read the request, never answer (hold the connection 3 s) */
} act;

typedef struct {
  int lfd;
  act acts[ACTS_MAX];
  size_t n;
  int accepted;
  char got[ACTS_MAX][4096]; /* the bytes read for each action */
} peer;

/* Reads a request head (and its Content-Length body unless head_only). */
static int read_req(int fd, char *buf, size_t cap, int head_only) {
  size_t got = 0;
  for (;;) {
    ssize_t n = read(fd, buf + got, 1); /* byte by byte: never read past the request */
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
        n = read(fd, buf + got, 1);
        if (n <= 0)
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
  int fd = -1;
  for (size_t i = 0; i < p->n; i++) {
    const act *a = &p->acts[i];
    for (int tries = 0; tries < 2; tries++) {
      if (fd < 0) {
        fd = accept(p->lfd, NULL, NULL);
        if (fd < 0)
          return NULL;
        p->accepted++;
      }
      if (a->no_read || read_req(fd, p->got[i], sizeof p->got[i], a->head_only))
        break;
      close(fd);
      fd = -1;
    }
    if (fd < 0)
      return NULL;
    if (a->silent) {
      sleep(3);
      continue;
    }
    size_t off = 0;
    while (off < a->len) {
      ssize_t n = write(fd, a->bytes + off, a->len - off);
      if (n <= 0)
        break;
      off += (size_t)n;
    }
    if (a->close_after) {
      close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) {
    char sink[256];
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (read(fd, sink, sizeof sink) > 0)
      ;
    close(fd);
  }
  return NULL;
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

#define ACT(text, close)                                                                           \
  { text, sizeof text - 1, close, 0, 0, 0 }
#define ACTX(text, close, head_only, no_read)                                                      \
  { text, sizeof text - 1, close, head_only, no_read, 0 }

static const char *const JSON_CT[] = {"Content-Type: application/json"};

static hconn_request post(const char *body) {
  hconn_request r = {"POST", "/t", JSON_CT, 1, body, strlen(body)};
  return r;
}

static double since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

Test(hconn, content_length_chunked_and_close_delimited_bodies) {
  peer p = {.acts = {ACT("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 0),
                     ACT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                         "3;ext=1\r\n{\"b\r\n4\r\n\":2}\r\n0\r\nX-Trailer: t\r\n\r\n",
                         0),
                     ACT("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end", 1)},
            .n = 3};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c, "%s", err);
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
  cr_expect_eq(p.accepted, 1);
  /* the exact bytes of the first request */
  cr_expect(strstr(p.got[0], "POST /t HTTP/1.1\r\nHost: 127.0.0.1:"), "%s", p.got[0]);
  cr_expect(strstr(p.got[0], "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"), "%s",
            p.got[0]);
  for (int i = 0; i < 3; i++)
    hconn_result_free(&r[i]);
  hconn_free(c);
  peer_stop(&p, t);
}

Test(hconn, a_body_after_head_is_extra) {
  peer p = {.acts = {ACT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0)}, .n = 1};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c);
  hconn_request rq = {"HEAD", "/t", NULL, 0, NULL, 0};
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 200);
  cr_expect_eq(r.r.body_len, 0, "HEAD answers carry no body by framing");
  cr_expect_eq(r.head, 1);
  cr_expect_eq(r.extra_len, 5, "the 5 body bytes are seen");
  cr_expect_eq(memcmp(r.extra, "hello", 5), 0);
  cr_expect_null(strstr(p.got[0], "Content-Length"), "no Content-Length on a bodyless HEAD");
  hconn_result_free(&r);
  hconn_free(c);
  peer_stop(&p, t);
}

Test(hconn, a_400_whose_unread_body_is_parsed_as_the_next_request_is_caught) {
  /* the server answers from the head, leaves the body unread, then "parses"
   * the body as a request and answers that too */
  peer p = {.acts = {ACTX("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 0, 1, 0),
                     ACTX("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad", 0, 0, 1)},
            .n = 2};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c);
  hconn_request rq = post("{\"name\":\"x\"}");
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.status, 400);
  cr_expect_gt(r.extra_len, 0, "the second, unasked answer is seen");
  cr_expect_eq(strncmp(r.extra, "HTTP/1.1 400", 12), 0);
  hconn_result_free(&r);
  /* the poisoned connection is dropped: the next exchange opens a new one */
  hconn_result r2;
  hconn_request rq2 = post("{}");
  hconn_exchange(c, &rq2, 500, 0, &r2);
  cr_expect_eq(r2.new_connection, 1);
  hconn_result_free(&r2);
  hconn_free(c);
  peer_stop(&p, t);
}

Test(hconn, a_clean_close_between_exchanges_is_allowed) {
  peer p = {
      .acts = {ACT("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}", 1),
               ACT("HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", 1),
               ACT("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}", 0)},
      .n = 3};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c);
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
  cr_expect_eq(p.accepted, 3);
  for (int i = 0; i < 3; i++)
    hconn_result_free(&r[i]);
  hconn_free(c);
  peer_stop(&p, t);
}

Test(hconn, a_silent_peer_times_out_within_the_deadline) {
  peer p = {.acts = {{"", 0, 0, 0, 0, 1}}, .n = 1};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c);
  hconn_request rq = post("{}");
  hconn_result r;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_expect_eq(hconn_exchange(c, &rq, 300, 0, &r), -1);
  double took = since(&t0);
  cr_expect_eq(r.r.timed_out, 1, "%s", r.r.error);
  cr_expect_lt(took, 1.0, "the 300 ms deadline holds: %.2f s", took);
  cr_expect(strstr(r.r.error, "300 ms"), "%s", r.r.error);
  hconn_result_free(&r);
  hconn_free(c);
  peer_stop(&p, t);
}

Test(hconn, oversized_and_malformed_heads_are_errors_not_hangs) {
  /* 100 KiB of header: over HCLIENT_MAX_HEADERS */
  size_t big = 100 << 10;
  char *flood = malloc(big + 64);
  cr_assert(flood);
  int n = snprintf(flood, 64, "HTTP/1.1 200 OK\r\nX-Big: ");
  memset(flood + n, 'a', big);
  memcpy(flood + n + big, "\r\n\r\n", 4);
  peer p = {.acts = {{flood, (size_t)n + big + 4, 1, 0, 0, 0},
                     ACT("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 1),
                     ACT("HTTP/1.1 2xx OK\r\n\r\n", 1),
                     ACT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "fffffffffffffffff\r\n",
                         1)},
            .n = 4};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c);
  const char *want[] = {"response headers over", "conflicting Content-Length",
                        "no valid HTTP status line", "chunk size over 15 hex digits"};
  for (int i = 0; i < 4; i++) {
    hconn_request rq = post("{}");
    hconn_result r;
    cr_expect_eq(hconn_exchange(c, &rq, 2000, 0, &r), -1, "%d", i);
    cr_expect(strstr(r.r.error, want[i]), "%d: %s", i, r.r.error);
    cr_expect_eq(r.r.timed_out, 0, "%d", i);
    hconn_result_free(&r);
  }
  hconn_free(c);
  peer_stop(&p, t);
  free(flood);
}

Test(hconn, body_over_the_cap_is_cut_and_the_connection_dropped) {
  static char resp[70000];
  int n = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\n");
  memset(resp + n, 'b', 60000);
  peer p = {.acts = {{resp, (size_t)n + 60000, 0, 0, 0, 0}}, .n = 1};
  char url[64];
  pthread_t t = peer_start(&p, url, sizeof url);
  char err[HCONN_MSG_MAX];
  hconn *c = hconn_new(url, err);
  cr_assert(c);
  hconn_request rq = post("{}");
  hconn_result r;
  cr_expect_eq(hconn_exchange(c, &rq, 2000, 1000, &r), 0, "%s", r.r.error);
  cr_expect_eq(r.r.truncated, 1);
  cr_expect_eq(r.r.body_len, 1000);
  hconn_result_free(&r);
  hconn_free(c);
  peer_stop(&p, t);
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
