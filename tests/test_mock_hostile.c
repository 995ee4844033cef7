/* Hostile clients against the mock (slow, oversized, malformed, many), and the
 * `apiharness mock` command itself (first line, signals, options). */
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "test_mock_common.h"

static void still_serves(hmock *m) {
  mc_resp r;
  mc_post(hmock_port(m), "application/json", VALID_BODY, &r);
  cr_assert_eq(r.status, 201, "the mock still serves: %ld %s", r.status, curl_easy_strerror(r.rc));
  mc_free(&r);
}

Test(mock_hostile, silent_client_is_dropped_after_the_idle_timeout) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.idle_timeout_s = 1;
  hmock *m = mc_start_opts(&o);
  int fd = mc_connect(hmock_port(m));
  const char part[] = "POST " API_PATH " HTTP/1.1\r\nHost: x\r\n";
  cr_assert_eq(send(fd, part, sizeof part - 1, 0), (ssize_t)(sizeof part - 1));
  char buf[512];
  double t0 = mc_now();
  long got = mc_read_all(fd, buf, sizeof buf, 5000);
  cr_assert_neq(got, -2, "not dropped within 5 s");
  cr_assert_lt(mc_now() - t0, 4.0);
  close(fd);
  still_serves(m);
  hmock_stop(m);
}

/* One byte every 300 ms never trips the idle timeout (2 s); the request
 * deadline (1 s) still ends it, well before the idle timeout could. */
Test(mock_hostile, trickling_client_is_cut_at_the_request_deadline) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.idle_timeout_s = 2;
  o.request_timeout_s = 1;
  hmock *m = mc_start_opts(&o);
  int fd = mc_connect(hmock_port(m));
  const char req[] = "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nX-Slow: "
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  double t0 = mc_now();
  int closed = 0;
  for (size_t i = 0; i < sizeof req - 1; i++) {
    if (send(fd, req + i, 1, MSG_NOSIGNAL) != 1) {
      closed = 1;
      break;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 300) > 0) {
      char c;
      if (recv(fd, &c, 1, 0) <= 0) {
        closed = 1;
        break;
      }
    }
  }
  double dt = mc_now() - t0;
  cr_assert(closed, "the trickling client was never cut (%.1f s)", dt);
  cr_assert_geq(dt, 0.8);
  cr_assert_lt(dt, 4.0, "cut after %.1f s", dt);
  close(fd);
  still_serves(m);
  hmock_stop(m);
}

Test(mock_hostile, oversized_headers_are_refused) {
  hmock *m = mc_start(0, NULL);
  size_t n = 128 * 1024;
  char *hdr = malloc(n + 32);
  cr_assert_not_null(hdr);
  strcpy(hdr, "X-Big: ");
  memset(hdr + 7, 'a', n);
  hdr[n + 7] = 0;
  mc_resp r;
  mc_request(hmock_port(m), "POST", API_PATH, "application/json", hdr, VALID_BODY,
             strlen(VALID_BODY), 5000, &r);
  cr_assert(r.status >= 400 || r.rc != CURLE_OK, "status %ld", r.status);
  cr_assert_neq(r.status, 201);
  mc_free(&r);
  free(hdr);
  still_serves(m);
  hmock_stop(m);
}

Test(mock_hostile, malformed_requests_get_400_or_are_dropped) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.idle_timeout_s = 2; /* a partial line after a half-close waits for the idle timeout */
  hmock *m = mc_start_opts(&o);
  const char *bad[] = {
      "GARBAGE\r\n\r\n",
      "POST\r\n\r\n",
      "POST " API_PATH " HTTP/9.9\r\nHost: x\r\n\r\n",
      "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n",
      "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
      "\x16\x03\x01\x02\x01\x01\x01\x01\xfc\x03\x03", /* a TLS ClientHello's start */
      "POST " API_PATH
      " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int fd = mc_connect(hmock_port(m));
    size_t len = strlen(bad[i]);
    send(fd, bad[i], len, MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    char buf[4096];
    long got = mc_read_all(fd, buf, sizeof buf, 5000);
    cr_assert_neq(got, -2, "case %zu: no answer and not closed", i);
    if (got > 0) {
      cr_assert_eq(strncmp(buf, "HTTP/1.", 7), 0, "case %zu: %s", i, buf);
      int status = atoi(buf + 9);
      cr_assert(status >= 400 && status < 600, "case %zu: status %d", i, status);
    }
    close(fd);
  }
  still_serves(m);
  hmock_stop(m);
}

/* Over the connection limit MHD stops accepting (the kernel backlog holds the
 * rest) until slots free up: every client is served, in turn. */
Test(mock_hostile, many_connections_beyond_the_limit_are_all_served) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.connection_limit = 32;
  hmock *m = mc_start_opts(&o);
  enum { N = 150 };
  static int fds[N];
  char req[1024];
  int n = snprintf(req, sizeof req,
                   "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   strlen(VALID_BODY), VALID_BODY);
  for (int i = 0; i < N; i++) {
    fds[i] = mc_connect(hmock_port(m));
    cr_assert_eq(send(fds[i], req, (size_t)n, MSG_NOSIGNAL), n);
  }
  static char buf[8192];
  for (int i = 0; i < N; i++) {
    long got = mc_read_all(fds[i], buf, sizeof buf, 10000);
    cr_assert_gt(got, 12, "connection %d: %ld", i, got);
    cr_assert_eq(strncmp(buf, "HTTP/1.1 201", 12), 0, "connection %d: %.40s", i, buf);
    close(fds[i]);
  }
  hmock_stop(m);
}

/* Idle connections filling every slot (and more waiting) are dropped after
 * the idle timeout, so a real client gets through. */
Test(mock_hostile, idle_connections_filling_the_limit_time_out) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.connection_limit = 16;
  o.idle_timeout_s = 1;
  hmock *m = mc_start_opts(&o);
  enum { N = 20 };
  int fds[N];
  for (int i = 0; i < N; i++)
    fds[i] = mc_connect(hmock_port(m));
  double t0 = mc_now();
  still_serves(m);
  /* it waited for the idle timeout: the slots were full */
  cr_assert_geq(mc_now() - t0, 0.8, "served at once: the slots were not full");
  cr_assert_lt(mc_now() - t0, 8.0);
  for (int i = 0; i < N; i++)
    close(fds[i]);
  hmock_stop(m);
}

Test(mock_hostile, total_body_budget_answers_503) {
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.max_body = 64 * 1024;
  o.max_total_body = 64 * 1024;
  hmock *m = mc_start_opts(&o);
  /* one connection holds a 40 KiB partial body... */
  int fd = mc_connect(hmock_port(m));
  char head[256];
  int hn = snprintf(head, sizeof head,
                    "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Content-Length: 60000\r\n\r\n");
  cr_assert_eq(send(fd, head, (size_t)hn, 0), hn);
  static char fill[40000];
  memset(fill, ' ', sizeof fill);
  cr_assert_eq(send(fd, fill, sizeof fill, 0), (ssize_t)sizeof fill);
  usleep(300 * 1000);
  /* ...so another 40 KiB body does not fit the budget */
  static char body[40000];
  memset(body, ' ', sizeof body);
  body[0] = '{';
  body[sizeof body - 1] = '}';
  mc_resp r;
  mc_request(hmock_port(m), "POST", API_PATH, "application/json", NULL, body, sizeof body, 5000,
             &r);
  cr_assert_eq(r.status, 503, "status %ld", r.status);
  char ra[32];
  cr_assert_str_eq(mc_header(&r, "Retry-After", ra, sizeof ra), "1");
  mc_free(&r);
  close(fd);
  usleep(200 * 1000);
  still_serves(m);
  hmock_stop(m);
}

/* ------------------------------------------------------------ the command */

typedef struct {
  pid_t pid;
  FILE *out;
  int port;
} child;

static void spawn_err(child *c, const char *const *args, const char *env, const char *err_path);

static void spawn(child *c, const char *const *args, const char *env) {
  spawn_err(c, args, env, NULL);
}

static void spawn_err(child *c, const char *const *args, const char *env, const char *err_path) {
  int pfd[2];
  cr_assert_eq(pipe(pfd), 0);
  c->pid = fork();
  cr_assert_geq(c->pid, 0);
  if (c->pid == 0) {
    dup2(pfd[1], 1);
    if (err_path) {
      FILE *ef = fopen(err_path, "w");
      if (!ef)
        _exit(126);
      dup2(fileno(ef), 2);
    }
    close(pfd[0]);
    close(pfd[1]);
    if (env)
      putenv((char *)env);
    execv(APIHARNESS_BIN, (char *const *)args);
    _exit(127);
  }
  close(pfd[1]);
  c->out = fdopen(pfd[0], "r");
  cr_assert_not_null(c->out);
  c->port = 0;
}

static int wait_exit(pid_t pid) {
  int st = 0;
  for (int i = 0; i < 100; i++) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    usleep(50 * 1000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  return -1;
}

static void read_listen_line(child *c) {
  char line[256];
  cr_assert_not_null(fgets(line, sizeof line, c->out), "no first line");
  cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%d", &c->port), 1, "line: %s", line);
  cr_assert_gt(c->port, 0);
}

Test(mock_cli, serves_then_shuts_down_cleanly_on_sigterm_and_sigint) {
  int sigs[] = {SIGTERM, SIGINT};
  for (int i = 0; i < 2; i++) {
    const char *args[] = {APIHARNESS_BIN, "mock", "--port", "0", NULL};
    child c;
    spawn(&c, args, NULL);
    read_listen_line(&c);
    mc_resp r;
    mc_post(c.port, "application/json", VALID_BODY, &r);
    cr_assert_eq(r.status, 201);
    mc_free(&r);
    kill(c.pid, sigs[i]);
    cr_assert_eq(wait_exit(c.pid), 0);
    fclose(c.out);
  }
}

Test(mock_cli, token_env_and_faults) {
  const char *args[] = {
      APIHARNESS_BIN, "mock",           "--port",  "0",          "--token-env", "MOCK_TEST_TOKEN",
      "--fault",      "revision-not-1", "--fault", "status-200", NULL};
  child c;
  spawn(&c, args, "MOCK_TEST_TOKEN=tok-123");
  read_listen_line(&c);
  mc_resp r;
  mc_post(c.port, "application/json", VALID_BODY, &r);
  cr_assert_eq(r.status, 401);
  mc_free(&r);
  mc_request(c.port, "POST", API_PATH, "application/json", "Authorization: Bearer tok-123",
             VALID_BODY, strlen(VALID_BODY), 0, &r);
  cr_assert_eq(r.status, 200);
  cr_assert_not_null(strstr(r.body, "\"revision\":2"));
  mc_free(&r);
  kill(c.pid, SIGTERM);
  cr_assert_eq(wait_exit(c.pid), 0);
  char rest[256];
  cr_assert_null(fgets(rest, sizeof rest, c.out), "nothing else on stdout");
  fclose(c.out);
}

static int run_status(const char *const *args, const char *env, char *out, size_t cap) {
  child c;
  spawn(&c, args, env);
  size_t n = fread(out, 1, cap - 1, c.out);
  out[n] = 0;
  fclose(c.out);
  return wait_exit(c.pid);
}

Test(mock_cli, list_faults_prints_name_requirement_rule) {
  const char *args[] = {APIHARNESS_BIN, "mock", "--list-faults", NULL};
  static char out[65536];
  cr_assert_eq(run_status(args, NULL, out, sizeof out), 0);
  size_t lines = 0;
  for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
    char *tab = strchr(l, '\t');
    cr_assert_not_null(tab, "line %s", l);
    *tab = 0;
    const hmock_fault *f = hmock_fault_find(l);
    cr_assert_not_null(f, "%s", l);
    char *tab2 = strchr(tab + 1, '\t');
    cr_assert_not_null(tab2, "line %s: NAME<TAB>REQUIREMENT<TAB>RULE", l);
    *tab2 = 0;
    cr_assert_str_eq(tab + 1, f->requirement);
    cr_assert_gt(strlen(tab2 + 1), 10);
    lines++;
  }
  cr_assert_eq(lines, hmock_fault_count());
}

Test(mock_cli, bad_usage_exits_2) {
  char out[1024];
  const char *a1[] = {APIHARNESS_BIN, "mock", "--fault", "nope", NULL};
  cr_assert_eq(run_status(a1, NULL, out, sizeof out), 2);
  const char *a2[] = {APIHARNESS_BIN, "mock", "--token-env", "MOCK_TEST_UNSET_VAR", NULL};
  cr_assert_eq(run_status(a2, NULL, out, sizeof out), 2);
  const char *a3[] = {APIHARNESS_BIN, "mock", "--port", "99999", NULL};
  cr_assert_eq(run_status(a3, NULL, out, sizeof out), 2);
  const char *a4[] = {APIHARNESS_BIN, "mock", "--spec", "/nonexistent.json", NULL};
  cr_assert_eq(run_status(a4, NULL, out, sizeof out), 2);
  const char *a5[] = {APIHARNESS_BIN, "mock", "--bogus", NULL};
  cr_assert_eq(run_status(a5, NULL, out, sizeof out), 2);
  const char *a6[] = {APIHARNESS_BIN, "mock", "--max-body", "12x", NULL};
  cr_assert_eq(run_status(a6, NULL, out, sizeof out), 2);
  const char *a7[] = {APIHARNESS_BIN, "mock", "--help", NULL};
  cr_assert_eq(run_status(a7, NULL, out, sizeof out), 0);
  cr_assert_not_null(strstr(out, "--fault"));
}

/* --verbose logs method, path and status; never the bearer token nor a 201's token. */
Test(mock_cli, verbose_log_carries_no_secret) {
  char err_path[] = "/tmp/test_mock_verbose_XXXXXX";
  int efd = mkstemp(err_path);
  cr_assert_geq(efd, 0);
  close(efd);
  const char *args[] = {APIHARNESS_BIN, "mock",        "--port",          "0",
                        "--verbose",    "--token-env", "MOCK_TEST_TOKEN", NULL};
  child c;
  spawn_err(&c, args, "MOCK_TEST_TOKEN=very-secret-bearer", err_path);
  read_listen_line(&c);
  mc_resp r;
  mc_request(c.port, "POST", API_PATH, "application/json",
             "Authorization: Bearer very-secret-bearer", VALID_BODY, strlen(VALID_BODY), 0, &r);
  cr_assert_eq(r.status, 201);
  char *tok = strstr(r.body, "\"token\":\"");
  cr_assert_not_null(tok);
  char token[160];
  cr_assert_eq(sscanf(tok + 9, "%159[^\"]", token), 1);
  mc_free(&r);
  mc_request(c.port, "POST", API_PATH, "application/json", "Authorization: Bearer wrong-guess",
             VALID_BODY, strlen(VALID_BODY), 0, &r);
  cr_assert_eq(r.status, 401);
  mc_free(&r);
  /* a %0a in the path (MHD unescapes it) cannot forge a log line */
  mc_request(c.port, "GET", "/x%0aPOST%20/forged%20201", NULL, NULL, NULL, 0, 0, &r);
  cr_assert_eq(r.status, 404);
  mc_free(&r);
  kill(c.pid, SIGTERM);
  cr_assert_eq(wait_exit(c.pid), 0);
  fclose(c.out);
  FILE *f = fopen(err_path, "r");
  cr_assert_not_null(f);
  static char log[65536];
  size_t n = fread(log, 1, sizeof log - 1, f);
  log[n] = 0;
  fclose(f);
  unlink(err_path);
  cr_assert_not_null(strstr(log, "POST " API_PATH " 201"), "log: %s", log);
  cr_assert_not_null(strstr(log, "POST " API_PATH " 401"), "log: %s", log);
  cr_assert_null(strstr(log, "very-secret-bearer"), "the bearer token leaked: %s", log);
  cr_assert_null(strstr(log, "wrong-guess"), "a presented token leaked: %s", log);
  cr_assert_null(strstr(log, token), "the 201 token leaked");
  cr_assert_null(strstr(log, "idt:"), "a token value leaked");
  cr_assert_null(strstr(log, "\nPOST /forged"), "a forged log line: %s", log);
  cr_assert_not_null(strstr(log, "GET /x\\x0aPOST /forged 201 404"), "log: %s", log);
}

/* ---- exact framing (RFC 9112 6.1, 6.3, 7.1): what cannot be delimited is
 * refused with a ProblemDetails and the connection closes; the requests
 * before it are answered first ---- */

typedef struct {
  const char *name;
  const char *head; /* after the request line */
  const char *body;
  int status;
  const char *detail_has;
} framing_case;

Test(mock_hostile, bad_framing_is_refused_with_problem_details_and_close) {
  hmock *m = mc_start(0, NULL);
  static char ext[8192];
  memset(ext, 'e', sizeof ext - 1);
  ext[0] = ';';
  static const char *const valid =
      "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}";
  char chunk_ext[9000];
  snprintf(chunk_ext, sizeof chunk_ext, "48%s\r\n%s\r\n0\r\n\r\n", ext, valid);
  char good_chunk[256];
  snprintf(good_chunk, sizeof good_chunk, "48\r\n%s\r\n0\r\n\r\n", valid);
  framing_case cases[] = {
      {"two different Content-Length", "Content-Length: 72\r\nContent-Length: 5\r\n", valid, 400,
       "more than once"},
      {"two equal Content-Length", "Content-Length: 72\r\nContent-Length: 72\r\n", valid, 400,
       "more than once"},
      {"a listed Content-Length", "Content-Length: 72, 72\r\n", valid, 400, "decimal"},
      {"a signed Content-Length", "Content-Length: +72\r\n", valid, 400, "decimal"},
      {"an unknown coding", "Transfer-Encoding: xchunked\r\n", good_chunk, 501, "chunked"},
      {"a coding list", "Transfer-Encoding: gzip, chunked\r\n", good_chunk, 501, "chunked"},
      {"chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", good_chunk,
       501, "chunked"},
      {"chunked with Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 80\r\n",
       good_chunk, 400, "ambiguous"},
      {"a chunk size of 2^64-1", "Transfer-Encoding: chunked\r\n",
       "FFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n", 400, "2^63"},
      {"a 17-digit chunk size", "Transfer-Encoding: chunked\r\n",
       "10000000000000000\r\n{}\r\n0\r\n\r\n", 400, "2^63"},
      {"a chunk over max_body", "Transfer-Encoding: chunked\r\n", "7FFFFFFF\r\n{}\r\n", 413,
       "limit"},
      {"a chunk size that is not hex", "Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n",
       400, "hexadecimal"},
      {"an 8 KiB chunk extension", "Transfer-Encoding: chunked\r\n", chunk_ext, 400, "extension"},
      {"chunk data without CRLF", "Transfer-Encoding: chunked\r\n", "2\r\n{}XX0\r\n\r\n", 400,
       "CRLF"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* a valid request first, then the bad one, on one connection */
    static char req[32768];
    int n = snprintf(req, sizeof req,
                     "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s"
                     "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "%s\r\n%s",
                     strlen(valid), valid, cases[i].head, cases[i].body);
    int fd = mc_connect(hmock_port(m));
    cr_assert_eq(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
    static char buf[65536];
    double t0 = mc_now();
    long got = mc_read_all(fd, buf, sizeof buf, 5000);
    close(fd);
    cr_assert_gt(got, 0, "%s: closed without an answer or timed out (%ld)", cases[i].name, got);
    cr_assert_lt(mc_now() - t0, 3.0, "%s: answered and closed at once", cases[i].name);
    cr_assert_eq(strncmp(buf, "HTTP/1.1 201 ", 13), 0, "%s: the first request is served: %.60s",
                 cases[i].name, buf);
    char *second = strstr(buf + 13, "HTTP/1.1 ");
    cr_assert_not_null(second, "%s: a second answer", cases[i].name);
    cr_assert_eq(atoi(second + 9), cases[i].status, "%s: %.60s", cases[i].name, second);
    cr_assert_null(strstr(second + 9, "HTTP/1.1 "), "%s: nothing after it", cases[i].name);
    cr_assert_not_null(strstr(second, "Connection: close\r\n"), "%s", cases[i].name);
    cr_assert_not_null(strstr(second, "Content-Type: application/json\r\n"), "%s", cases[i].name);
    cr_assert_not_null(strstr(second, "Date: "), "%s", cases[i].name);
    char *body = strstr(second, "\r\n\r\n");
    cr_assert_not_null(body);
    body += 4;
    cr_assert_null(strstr(body, "<html"), "%s: never an HTML page", cases[i].name);
    cJSON *p = cJSON_Parse(body);
    cr_assert_not_null(p, "%s: ProblemDetails JSON: %s", cases[i].name, body);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(p, "status")->valueint, cases[i].status);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "detail");
    cr_assert(cJSON_IsString(d) && strstr(d->valuestring, cases[i].detail_has), "%s: %s",
              cases[i].name, body);
    cJSON_Delete(p);
  }
  still_serves(m);
  hmock_stop(m);
}

/* Good framing still passes: chunked bodies with extensions and trailers,
 * pipelined requests, an empty line between requests. */
Test(mock_hostile, good_framing_passes_the_front) {
  hmock *m = mc_start(0, NULL);
  static const char *const valid =
      "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\",\"modules\":[{\"id\":\"MOD-1234\"}]}";
  char req[4096];
  int n = snprintf(req, sizeof req,
                   "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: Chunked\r\n\r\n"
                   "8;note=\"a\"\r\n%.8s\r\n%zx\r\n%s\r\n0\r\nX-Trailer: 1\r\n\r\n"
                   "\r\n"
                   "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                   valid, strlen(valid) - 8, valid + 8, strlen(valid), valid);
  int fd = mc_connect(hmock_port(m));
  cr_assert_eq(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
  static char buf[65536];
  long got = mc_read_all(fd, buf, sizeof buf, 5000);
  close(fd);
  cr_assert_gt(got, 0);
  cr_assert_eq(strncmp(buf, "HTTP/1.1 201 ", 13), 0, "%.80s", buf);
  char *second = strstr(buf + 13, "HTTP/1.1 ");
  cr_assert(second && !strncmp(second, "HTTP/1.1 201 ", 13), "%s", buf);
  hmock_stop(m);
}

static long rss_kib(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6))
      kib = atol(line + 6);
  if (f)
    fclose(f);
  return kib;
}

typedef struct {
  int port;
  const char *body;
  size_t len;
} abuse_arg;

static void *abuse_one(void *arg) {
  abuse_arg *a = arg;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)a->port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST " API_PATH " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     a->len);
    if (send(fd, head, (size_t)n, MSG_NOSIGNAL) == n)
      (void)!send(fd, a->body, a->len, MSG_NOSIGNAL);
    char sink[4096];
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (recv(fd, sink, sizeof sink, 0) > 0)
      ;
  }
  close(fd);
  return NULL;
}

/* Memory under abuse is bounded (connections x per-connection cap + the body
 * budget + one parse per thread, hmock.h) and given back afterwards: bodies
 * of 500,000 values, 1 MB strings, 100,000 open brackets and 50,000 modules,
 * 48 at a time, three rounds (less under ASan, see below). */
Test(mock_hostile, memory_is_bounded_under_abuse_and_returned_after, .timeout = 120) {
  const char *args[] = {APIHARNESS_BIN, "mock", "--port", "0", "--threads", "4", NULL};
  child c;
  spawn(&c, args, NULL);
  read_listen_line(&c);
  size_t big = 1000000;
  char *bodies[4];
  size_t lens[4];
  bodies[0] = malloc(2 * big + 3);
  lens[0] = 0;
  bodies[0][lens[0]++] = '[';
  for (size_t i = 0; i < big / 2; i++) {
    bodies[0][lens[0]++] = '1';
    bodies[0][lens[0]++] = ',';
  }
  bodies[0][lens[0]++] = '1';
  bodies[0][lens[0]++] = ']';
  bodies[1] = malloc(big + 32);
  lens[1] = (size_t)sprintf(bodies[1], "{\"name\":\"");
  memset(bodies[1] + lens[1], 'a', big);
  lens[1] += big;
  lens[1] += (size_t)sprintf(bodies[1] + lens[1], "\"}");
  bodies[2] = malloc(100000);
  memset(bodies[2], '[', 100000);
  lens[2] = 100000;
  bodies[3] = malloc(50000 * 18 + 128);
  lens[3] = (size_t)sprintf(bodies[3], "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"x\","
                                        "\"modules\":[");
  for (int i = 0; i < 50000; i++)
    lens[3] += (size_t)sprintf(bodies[3] + lens[3], "%s{\"id\":\"MOD-1234\"}", i ? "," : "");
  lens[3] += (size_t)sprintf(bodies[3] + lens[3], "]}");
  usleep(200000);
  long base = rss_kib(c.pid), peak = base;
  enum { N = 48 };
#if defined(__SANITIZE_ADDRESS__)
  /* under ASan the figures are not checked (below): one round of 16 (each
   * body four times, the mock's four threads all busy) shows the mock
   * survives the abuse without a memory error or a leak, at a ninth the cost */
  const int rounds = 1, n = 16;
#else
  const int rounds = 3, n = N;
#endif
  for (int round = 0; round < rounds; round++) {
    pthread_t t[N];
    abuse_arg a[N];
    for (int i = 0; i < n; i++) {
      a[i] = (abuse_arg){c.port, bodies[i % 4], lens[i % 4]};
      cr_assert_eq(pthread_create(&t[i], NULL, abuse_one, &a[i]), 0);
    }
    for (int i = 0; i < n; i++) {
      pthread_join(t[i], NULL);
      long now = rss_kib(c.pid);
      peak = now > peak ? now : peak;
    }
  }
  /* the reaper gives freed pages back within a tick: wait for it, 1 s at most */
  long after = rss_kib(c.pid);
#if !defined(__SANITIZE_ADDRESS__)
  for (int i = 0; i < 50 && after >= base + 24 * 1024; i++) {
    usleep(20000);
    after = rss_kib(c.pid);
  }
#endif
  cr_log_info("mock RSS: baseline %ld KiB, peak %ld KiB, after %ld KiB", base, peak, after);
#if !defined(__SANITIZE_ADDRESS__)
  /* (ASan's allocator keeps freed memory in quarantine and its shadow grows
   * with every address touched: RSS says nothing there; the abuse still runs
   * and the mock must survive it) */
  cr_expect_lt(peak, base + 160 * 1024, "peak %ld KiB over a baseline of %ld KiB", peak, base);
  cr_expect_lt(after, base + 24 * 1024, "after the abuse: %ld KiB, baseline %ld KiB", after, base);
#endif
  mc_resp r;
  mc_post(c.port, "application/json", VALID_BODY, &r);
  long status = r.status;
  mc_free(&r);
  for (int i = 0; i < 4; i++)
    free(bodies[i]);
  kill(c.pid, SIGTERM);
  int rc = wait_exit(c.pid);
  fclose(c.out);
  cr_assert_eq(status, 201, "still serves");
  cr_assert_eq(rc, 0, "clean shutdown after the abuse");
}
