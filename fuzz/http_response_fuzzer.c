/* http_response_fuzzer: raw HTTP responses (status line, headers, chunked
 * encoding, body) through libcurl into the conformance client's response
 * handling (hclient_perform), without a network: libcurl's socket is one end
 * of a socketpair (CURLOPT_OPENSOCKETFUNCTION), the input is written to the
 * other end, which is then shut down, as a hostile server would.
 *
 * One input may hold up to HR_MAX_RESPONSES responses separated by HR_NEXT
 * ("\n@@@@\n"): they are answered to consecutive requests on the same easy
 * handle, as certify's keep-alive handle sees a server's answers one after
 * the other (state kept between transfers is where use-after-free bugs live).
 * Each input gets a fresh handle, so every finding replays from its one file.
 *
 * Oracles beyond "no crash":
 *  - never a hang: the peer has said everything and closed, so the client
 *    must not wait for its timeout;
 *  - the result is consistent: CURLE_OK only with a status, a failure with a
 *    transport error in one non-empty line, header values and the body within their caps;
 *  - the judgement of the response (the same code certify uses) is
 *    deterministic;
 *  - the bearer token sent never shows up in the response record, its error
 *    or the redacted body unless the peer itself sent those bytes. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "client/hclient.h"
#include "fuzz_common.h"
#include "judge/hjudge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HR_NAME "http_response_fuzzer"
#define HR_TIMEOUT_MS 2000L
#define HR_MAX_INPUT ((size_t)96 << 10) /* below a socketpair's buffer: written at once */
#define HR_BEARER "fuzz-bearer-secret-7f3a9c"
#define HR_URL "http://127.0.0.1:9" HRULES_PATH
#define HR_NEXT "\n@@@@\n" /* separates the responses of one input */
#define HR_MAX_RESPONSES 4

typedef struct {
  hclient_options opts;
  hjudge *judge;
  hjudge_verdict a, b;
  int curl_fd; /* the end libcurl gets for the next transfer, -1 when taken */
} hr_state;

static hr_state *hr_the_state;

/* The socketpair end handed to libcurl for the current transfer. */
static int hr_connected_fd = -1;

/* libcurl 7.88 (Debian bookworm) calls connect() even when the socket option
 * callback says CURL_SOCKOPT_ALREADY_CONNECTED (curl issue #10626, fixed in
 * 8.0), which fails with EISCONN on a socketpair.  This connect() interposes
 * libc's for the whole process: for the end we handed out it reports success,
 * as the documented behaviour would; every other socket goes to the kernel. */
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  if (fd >= 0 && fd == hr_connected_fd) return 0;
  return (int)syscall(SYS_connect, fd, addr, len);
}

/* A request body for the POST: test data. */
static const char hr_body[] =
    "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"modules\":[{\"id\":\"MOD-1234\"}]}";

static curl_socket_t hr_open_socket(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *address) {
  (void)purpose;
  (void)address;
  hr_state *st = clientp;
  int fd = st->curl_fd;
  st->curl_fd = -1;
  hr_connected_fd = fd;
  return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

static int hr_sockopt(void *clientp, curl_socket_t fd, curlsocktype purpose) {
  (void)clientp;
  (void)fd;
  (void)purpose;
  return CURL_SOCKOPT_ALREADY_CONNECTED; /* a socketpair end: no connect() */
}

static void hr_cleanup(void) {
  hr_state *st = hr_the_state;
  if (!st) return;
  hjudge_free(st->judge);
  free(st);
  hr_the_state = NULL;
  curl_global_cleanup();
}

static hr_state *hr_get(void) {
  if (hr_the_state) return hr_the_state;
  const fuzz_env *env = fuzz_env_get();
  hr_state *st = calloc(1, sizeof *st);
  if (!st || hclient_global_init() != 0) fuzz_die(HR_NAME, "cannot initialise libcurl");
  hr_the_state = st;
  atexit(hr_cleanup);
  st->curl_fd = -1;
  st->opts.timeout_ms = HR_TIMEOUT_MS;
  st->opts.max_body = 64 << 10; /* small, so inputs can go over it */
  if (!(st->judge = hjudge_new(env->rules))) fuzz_die(HR_NAME, "out of memory at start");
  return st;
}

static int hr_contains(const char *hay, size_t hl, const char *needle) {
  size_t nl = strlen(needle);
  if (!hay || hl < nl) return 0;
  for (size_t i = 0; i + nl <= hl; i++)
    if (!memcmp(hay + i, needle, nl)) return 1;
  return 0;
}

static void hr_check_value(const char *name, const char *v) {
  if (memchr(v, '\0', HCLIENT_HEADER_VALUE_MAX) == NULL)
    fuzz_die(HR_NAME, "header value %s is not terminated within its cap", name);
}

static int hr_same(const hjudge_verdict *x, const hjudge_verdict *y) {
  if (x->status != y->status || x->n_checks != y->n_checks || strcmp(x->detail, y->detail))
    return 0;
  for (size_t i = 0; i < x->n_checks; i++)
    if (x->checks[i].status != y->checks[i].status ||
        strcmp(x->checks[i].name, y->checks[i].name) ||
        strcmp(x->checks[i].message, y->checks[i].message))
      return 0;
  return 1;
}

/* A handle set up as certify sets up its own, with the socketpair hooks. */
static CURL *hr_handle(hr_state *st) {
  char msg[HCLIENT_MSG_MAX];
  CURL *h = curl_easy_init();
  if (!h || hclient_setup(h, &st->opts, msg) != 0) fuzz_die(HR_NAME, "cannot set up the client");
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, hr_open_socket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, st);
  curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, hr_sockopt);
  /* Each response is its own connection: never reuse the previous socket. */
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
  return h;
}

/* One request on h answered by data[0..size), then every oracle. */
static void hr_exchange(hr_state *st, CURL *h, const uint8_t *data, size_t size) {
  if (size > HR_MAX_INPUT) size = HR_MAX_INPUT;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    fuzz_die(HR_NAME, "socketpair: %s", strerror(errno));
  /* The whole response, then end of stream: the peer has nothing more to say. */
  int peer = sv[1];
  int sndbuf = (int)(HR_MAX_INPUT * 2);
  setsockopt(peer, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  fcntl(peer, F_SETFL, fcntl(peer, F_GETFL) | O_NONBLOCK);
  size_t off = 0;
  while (off < size) {
    ssize_t n = write(peer, data + off, size - off);
    if (n <= 0) break; /* what does not fit is cut: still a complete stream */
    off += (size_t)n;
  }
  shutdown(peer, SHUT_WR);
  st->curl_fd = sv[0];

  hclient_request req = {.method = "POST",
                         .url = HR_URL,
                         .content_type = "application/json",
                         .bearer = HR_BEARER,
                         .body = hr_body,
                         .body_len = sizeof hr_body - 1};
  hclient_response resp;
  hclient_response_init(&resp);
  int rc = hclient_perform(h, &st->opts, &req, &resp);
  if (st->curl_fd >= 0) { /* libcurl never asked for the socket */
    close(st->curl_fd);
    st->curl_fd = -1;
  }
  hr_connected_fd = -1; /* libcurl closed it (FORBID_REUSE): the number is free again */
  close(peer);
  if (resp.timed_out)
    fuzz_die(HR_NAME, "the client waited for its timeout although the peer had closed: %s",
             resp.error);
  /* A status may come with a failed transfer (headers, then a broken body),
   * but a successful one always has a status. */
  if (rc == CURLE_OK && resp.status <= 0)
    fuzz_die(HR_NAME, "hclient_perform succeeded without a status");
  if (rc != CURLE_OK && (!resp.transport_error || !resp.error[0] || strchr(resp.error, '\n')))
    fuzz_die(HR_NAME, "a failed transfer (%d) without a one-line transport error", rc);
  if (resp.body_len > st->opts.max_body)
    fuzz_die(HR_NAME, "%zu body bytes kept, over the cap %zu", resp.body_len, st->opts.max_body);
  if (resp.headers_len > HCLIENT_MAX_HEADERS + 4096)
    fuzz_die(HR_NAME, "%zu header bytes kept, over the cap", resp.headers_len);
  hr_check_value("Content-Type", resp.content_type);
  hr_check_value("Allow", resp.allow);
  hr_check_value("WWW-Authenticate", resp.www_authenticate);
  hr_check_value("Date", resp.date);
  hr_check_value("Server", resp.server);

  /* The bearer token goes out in the request only. */
  if (!hr_contains((const char *)data, size, HR_BEARER)) {
    if (hr_contains(resp.error, strlen(resp.error), HR_BEARER) ||
        hr_contains(resp.headers, resp.headers_len, HR_BEARER) ||
        hr_contains(resp.body, resp.body_len, HR_BEARER))
      fuzz_die(HR_NAME, "the bearer token appears in the response record");
  }
  if (resp.body_len) {
    const char *secrets[] = {HR_BEARER};
    size_t rlen = 0;
    char *red = hclient_redact(resp.body, resp.body_len, secrets, 1, &rlen);
    if (!red) fuzz_die(HR_NAME, "hclient_redact: out of memory");
    if (hr_contains(red, rlen, HR_BEARER)) fuzz_die(HR_NAME, "redaction left the bearer token");
    free(red);
  }

  /* The judgement, twice. */
  hjudge_response view = hclient_judge_view(&resp);
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED_OR_BAD, .requirement = "fuzz.http"};
  hjudge_response_judge(st->judge, &c, &view, HJUDGE_PROFILE_DEFAULT, &st->a);
  hjudge_response_judge(st->judge, &c, &view, HJUDGE_PROFILE_DEFAULT, &st->b);
  if (!hr_same(&st->a, &st->b))
    fuzz_die(HR_NAME, "the same response judged twice gave different verdicts");
  hclient_response_free(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hr_state *st = hr_get();
  CURL *h = hr_handle(st);
  const size_t sep = sizeof HR_NEXT - 1;
  size_t start = 0;
  for (int k = 0; k < HR_MAX_RESPONSES; k++) {
    size_t end = size;
    if (k + 1 < HR_MAX_RESPONSES)
      for (size_t i = start; i + sep <= size; i++)
        if (!memcmp(data + i, HR_NEXT, sep)) {
          end = i;
          break;
        }
    hr_exchange(st, h, data + start, end - start);
    if (end == size) break;
    start = end + sep;
  }
  hclient_cleanup(h);
  return 0;
}
