/* A small libcurl and raw-socket client shared by the mock's tests
 * (tests/test_mock*.c).  Header-only: each test executable is one .c file. */
#ifndef MOCK_CLIENT_H
#define MOCK_CLIENT_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mock/hmock.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "json/hjson.h"

#define SPEC_PATH TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define API_PATH "/public/v1/accounts/api-tokens"
#define VALID_BODY                                                                                 \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"ci token\",\"description\":\"for CI\","      \
  "\"icon\":null,\"modules\":[{\"id\":\"MOD-1234\"},{\"id\":\"MOD-0001\"}],"                       \
  "\"extensions\":[{\"id\":\"EXT-1\"}]}"

typedef struct {
  CURLcode rc;
  long status;
  char *body;
  size_t len;
  char headers[16384];
  size_t hlen;
} mc_resp;

static inline __attribute__((unused)) size_t mc_on_body(char *p, size_t s, size_t n, void *u) {
  mc_resp *r = u;
  size_t add = s * n;
  char *nb = realloc(r->body, r->len + add + 1);
  if (!nb)
    return 0;
  r->body = nb;
  memcpy(r->body + r->len, p, add);
  r->len += add;
  r->body[r->len] = 0;
  return add;
}

static inline __attribute__((unused)) size_t mc_on_header(char *p, size_t s, size_t n, void *u) {
  mc_resp *r = u;
  size_t add = s * n;
  if (add < sizeof r->headers - r->hlen - 1) {
    memcpy(r->headers + r->hlen, p, add);
    r->hlen += add;
    r->headers[r->hlen] = 0;
  }
  return add;
}

static inline __attribute__((unused)) void mc_free(mc_resp *r) {
  free(r->body);
  memset(r, 0, sizeof *r);
}

/* The value of the last header `name` received (case-insensitive), "" if none. */
static inline __attribute__((unused)) const char *mc_header(const mc_resp *r, const char *name,
                                                            char *out, size_t cap) {
  out[0] = 0;
  size_t nl = strlen(name);
  const char *line = r->headers;
  while (line && *line) {
    const char *eol = strstr(line, "\r\n");
    size_t ll = eol ? (size_t)(eol - line) : strlen(line);
    if (ll > nl && !strncasecmp(line, name, nl) && line[nl] == ':') {
      const char *v = line + nl + 1;
      while (*v == ' ')
        v++;
      size_t vl = ll - (size_t)(v - line);
      if (vl >= cap)
        vl = cap - 1;
      memcpy(out, v, vl);
      out[vl] = 0;
    }
    line = eol ? eol + 2 : NULL;
  }
  return out;
}

/* One request.  ctype NULL sends no Content-Type; extra is one more header line
 * or NULL; body may be NULL (no body). */
static inline __attribute__((unused)) void mc_request(int port, const char *method,
                                                      const char *path, const char *ctype,
                                                      const char *extra, const char *body,
                                                      size_t len, long timeout_ms, mc_resp *r) {
  memset(r, 0, sizeof *r);
  CURL *h = curl_easy_init();
  cr_assert_not_null(h);
  char url[512];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  struct curl_slist *hs = NULL;
  char ct[512];
  snprintf(ct, sizeof ct, "Content-Type:%s%s", ctype ? " " : "", ctype ? ctype : "");
  hs = curl_slist_append(hs, ct);
  if (extra)
    hs = curl_slist_append(hs, extra);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, mc_on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, mc_on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 10000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  }
  if (strcmp(method, "POST") != 0 || !body)
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  r->rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all(hs);
  curl_easy_cleanup(h);
}

static inline __attribute__((unused)) void mc_post(int port, const char *ctype, const char *body,
                                                   mc_resp *r) {
  mc_request(port, "POST", API_PATH, ctype, NULL, body, strlen(body), 0, r);
}

/* A started mock on an ephemeral port with the given faults. */
static inline __attribute__((unused)) hmock *mc_start(uint64_t faults, const char *token) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.spec_path = SPEC_PATH;
  o.faults = faults;
  o.token = token;
  char err[600];
  hmock *m = hmock_start(&o, err, sizeof err);
  cr_assert_not_null(m, "hmock_start: %s", err);
  cr_assert_gt(hmock_port(m), 0);
  return m;
}

static inline __attribute__((unused)) hmock *mc_start_opts(hmock_options *o) {
  char err[600];
  o->spec_path = SPEC_PATH;
  hmock *m = hmock_start(o, err, sizeof err);
  cr_assert_not_null(m, "hmock_start: %s", err);
  return m;
}

/* A raw TCP connection to the mock. */
static inline __attribute__((unused)) int mc_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert_geq(fd, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0, "connect: %s", strerror(errno));
  return fd;
}

/* Reads until EOF, error or timeout; returns bytes read, -2 on timeout. */
static inline __attribute__((unused)) long mc_read_all(int fd, char *buf, size_t cap,
                                                       int timeout_ms) {
  size_t got = 0;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int pr = poll(&p, 1, timeout_ms);
    if (pr == 0)
      return -2;
    if (pr < 0)
      return -1;
    ssize_t n = recv(fd, buf + got, cap - got - 1, 0);
    if (n <= 0) {
      buf[got] = 0;
      return (long)got;
    }
    got += (size_t)n;
    if (got + 1 >= cap) {
      buf[got] = 0;
      return (long)got;
    }
  }
}

static inline __attribute__((unused)) double mc_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The spec and rules, for judging what the mock says. */
typedef struct {
  hspec *spec;
  hrules *rules;
  hjson_doc *doc;
  hschema_result *res;
} mc_judge;

/* A judge over the spec at path (mc_judge_init: the default spec). */
static inline __attribute__((unused)) void mc_judge_open(mc_judge *j, const char *path) {
  herr se;
  j->spec = hspec_load_file(path, &se);
  cr_assert_not_null(j->spec, "%s", se.msg);
  herr he;
  j->rules = hrules_new(j->spec, &he);
  cr_assert_not_null(j->rules, "%s", he.msg);
  j->doc = hjson_doc_new();
  j->res = hschema_result_new(0);
}

static inline __attribute__((unused)) void mc_judge_init(mc_judge *j) {
  mc_judge_open(j, SPEC_PATH);
}

static inline __attribute__((unused)) void mc_judge_fini(mc_judge *j) {
  hschema_result_free(j->res);
  hjson_doc_free(j->doc);
  hrules_free(j->rules);
  hspec_free(j->spec);
}

/* Parses a body strictly; NULL with *e filled on failure. */
static inline __attribute__((unused)) const cJSON *mc_parse(mc_judge *j, const mc_resp *r,
                                                            hjson_error *e) {
  return hjson_parse(j->doc, r->body ? r->body : "", r->len, NULL, e);
}

/* Every violation of a response body, one per line, for assertion messages. */
static inline __attribute__((unused)) const char *mc_violations(mc_judge *j, char *buf,
                                                                size_t cap) {
  size_t off = 0;
  buf[0] = 0;
  for (size_t i = 0; i < hschema_result_count(j->res) && off + 1 < cap; i++) {
    const hschema_violation *v = hschema_result_at(j->res, i);
    int n = snprintf(buf + off, cap - off, "%s %s %s: %s\n", v->instance, v->keyword, v->schema,
                     v->message);
    if (n < 0)
      break;
    off += (size_t)n;
  }
  return buf;
}

/* 1 if some violation has this instance pointer and keyword (keyword NULL: any). */
static inline __attribute__((unused)) int mc_has_violation(mc_judge *j, const char *instance,
                                                           const char *keyword) {
  for (size_t i = 0; i < hschema_result_count(j->res); i++) {
    const hschema_violation *v = hschema_result_at(j->res, i);
    if (!strcmp(v->instance, instance) && (!keyword || !strcmp(v->keyword, keyword)))
      return 1;
  }
  return 0;
}

static inline __attribute__((unused)) int mc_has_rule(mc_judge *j, const char *rule) {
  for (size_t i = 0; i < hschema_result_count(j->res); i++) {
    const char *r = hrules_violation_rule(j->rules, hschema_result_at(j->res, i));
    if (r && !strcmp(r, rule))
      return 1;
  }
  return 0;
}

#endif
