/* endpoint_fuzzer: mutated request bodies POSTed to the Create API token
 * endpoint over one keep-alive connection.
 *
 * By default the target is the reference mock (hmock), started once in
 * process on an ephemeral loopback port (direct mode: libmicrohttpd listens
 * itself, one thread): its code runs under the same sanitizers and coverage
 * as the target.  The mock is reached through the harness's raw HTTP/1.1
 * client (harness/client/hconn: exact framing, one keep-alive connection,
 * one retry when the kept connection was closed idle) without its quiet wait
 * for unasked bytes (hconn_set_quiet_ms 0: the mock is known to frame well,
 * and the wait would cap the rate at ~16 requests/s); another server through
 * libcurl (TLS, hostile servers).  Environment, to fuzz another server:
 *   APIHARNESS_FUZZ_BASE_URL  base URL ("http://127.0.0.1:8080"); the
 *                             operation's path is appended
 *   APIHARNESS_FUZZ_RATE      at most this many requests per second (default:
 *                             unlimited for the in-process mock, 10 otherwise)
 *   APIHARNESS_FUZZ_TOKEN     a bearer token sent as Authorization (never printed)
 *   APIHARNESS_FUZZ_TIMEOUT_MS  per request, default 5000
 *   APIHARNESS_FUZZ_PROFILE   the judge's profile: default (the default),
 *                             strict or aspnet - as certify --profile
 *   APIHARNESS_FUZZ_PIN       0: leave the CPU affinity alone (see ep_pin)
 *
 * Setup errors stop the process before any input with one line
 * "endpoint_fuzzer: setup error: ..." and exit status 2, never as a crash: a
 * bad variable, a mock that does not start, and, against another server, what
 * one probe request (the body {}, which creates nothing) shows: no answer,
 * 401/403 without APIHARNESS_FUZZ_TOKEN (the message names the variable) or
 * with a token the server refuses, 404/405 (a base URL that is not the
 * server's root).
 *
 * Oracle, per input: an answer arrives in time and certify's judge, under the
 * profile, does not fail it.  The case it judges against comes from the bytes
 * (the differential): 201 expected exactly when the strict reader, the spec
 * validator and the prose rules (hrules_check_request) accept the body, 400
 * otherwise; "201 or 400" where the documents leave it open (a leading BOM,
 * duplicate member names, a lone surrogate escape: hjudge's
 * CREATED_OR_BAD); and the other outcome "tolerated" (a warning under the
 * default profile, a failure under strict) for an accepted body holding an
 * empty or a very long string or \u0000, and for a body refused only by
 * patterns that a regex dialect with '$' before a final newline or Unicode
 * \d would accept.  The judge then checks what certify checks (never 5xx,
 * documented media type, strict JSON, schema, prose rules, echoes).  A
 * tolerated answer is counted, never a crash.  When the explore phase is
 * built (harness/explore), its oracle (hexplore_oracle_expect) makes the case
 * instead, so the fuzzer and certify's explore phase judge alike; the rules
 * above are the fallback. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_setaffinity */
#endif
#include <curl/curl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client/hclient.h"
#include "client/hconn.h"

#include "fuzz_common.h"
#include "fuzz_rfc8259.h"
#include "judge/hjudge.h"
#if defined(__has_include)
#if __has_include("explore/hexplore.h")
#include "explore/hexplore.h"
#define EP_HAVE_EXPLORE 1 /* the explore phase's oracle makes the case */
#endif
#endif
#include "mock/hmock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define EP_NAME "endpoint_fuzzer"
#define EP_BODY_CAP ((size_t)1 << 20) /* response bytes kept */
#define EP_HEADER_MAX HCLIENT_HEADER_VALUE_MAX
#define EP_URL_MAX 2048

typedef struct {
  char *data;
  size_t len, cap;
  int truncated;
} ep_buf;

typedef struct {
  hmock *mock;
  hconn *conn;            /* the in-process mock's connection (curl is NULL then) */
  hconn_result res;       /* conn's last answer (valid until the next exchange) */
  CURL *curl;
  struct curl_slist *headers;
  char url[EP_URL_MAX];
  double rate;            /* requests per second, 0 unlimited */
  struct timespec next;   /* earliest time of the next request */
  long timeout_ms;
  ep_buf body;
  char date[EP_HEADER_MAX];
  hjudge *judge;
  hjudge_verdict verdict;
  hjson_doc *doc;
  hschema_result *result;
  hjudge_profile profile;
#ifdef EP_HAVE_EXPLORE
  hexplore_oracle *oracle;
#endif
  int judge_on;           /* 0: APIHARNESS_FUZZ_ORACLES_OFF names "judge" (bench/fuzz/run) */
  size_t runs, created, rejected, tolerated;
} ep_state;

static ep_state *ep_the_state;

static size_t ep_on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
  ep_buf *b = userdata;
  size_t n = size * nmemb;
  if (b->len + n > EP_BODY_CAP) {
    b->truncated = 1;
    n = EP_BODY_CAP - b->len;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) return 0; /* aborts the transfer: reported as a transport error */
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, ptr, n);
  b->len += n;
  return size * nmemb;
}

static size_t ep_on_header(char *ptr, size_t size, size_t nmemb, void *userdata) {
  ep_state *st = userdata;
  size_t n = size * nmemb;
  if (n > 5 && !strncasecmp(ptr, "date:", 5)) {
    size_t i = 5;
    while (i < n && (ptr[i] == ' ' || ptr[i] == '\t')) i++;
    size_t len = n - i;
    while (len && (ptr[i + len - 1] == '\r' || ptr[i + len - 1] == '\n')) len--;
    if (len >= sizeof st->date) len = sizeof st->date - 1;
    memcpy(st->date, ptr + i, len);
    st->date[len] = '\0';
  }
  return n;
}


/* Waits until the rate limit allows the next request. */
static void ep_pace(ep_state *st) {
  if (st->rate <= 0) return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (now.tv_sec < st->next.tv_sec ||
      (now.tv_sec == st->next.tv_sec && now.tv_nsec < st->next.tv_nsec)) {
    struct timespec d = {st->next.tv_sec - now.tv_sec, st->next.tv_nsec - now.tv_nsec};
    if (d.tv_nsec < 0) {
      d.tv_sec--;
      d.tv_nsec += 1000000000L;
    }
    nanosleep(&d, NULL);
    now = st->next;
  }
  long long step = (long long)(1e9 / st->rate);
  long long ns = (long long)now.tv_nsec + step;
  st->next.tv_sec = now.tv_sec + (time_t)(ns / 1000000000LL);
  st->next.tv_nsec = (long)(ns % 1000000000LL);
}

static void ep_cleanup(void) {
  ep_state *st = ep_the_state;
  if (!st) return;
  if (st->runs)
    fprintf(stderr,
            EP_NAME ": %zu requests, %zu created (201), %zu rejected (400), %zu tolerated "
            "answers (profile %s)\n",
            st->runs, st->created, st->rejected, st->tolerated, hjudge_profile_name(st->profile));
  curl_slist_free_all(st->headers);
  if (st->curl) curl_easy_cleanup(st->curl);
  hconn_result_free(&st->res);
  hconn_free(st->conn);
  hmock_stop(st->mock);
  hjudge_free(st->judge);
#ifdef EP_HAVE_EXPLORE
  hexplore_oracle_free(st->oracle);
#endif
  hjson_doc_free(st->doc);
  hschema_result_free(st->result);
  free(st->body.data);
  free(st);
  ep_the_state = NULL;
  curl_global_cleanup();
}

/* A setup mistake (not a finding): one line naming what to fix, then exit 2
 * before any input runs (fuzz/README.md documents the exit status). */
static void ep_setup_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void ep_setup_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs(EP_NAME ": setup error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void ep_fatal(const char *msg) { ep_setup_error("%s", msg); }

/* An answer as the judge needs it, from either client. */
typedef struct {
  int status;
  const char *ctype; /* NULL: none */
  const char *body;
  size_t body_len;
  int truncated;
  const char *err;    /* on failure: why no answer came */
  int upload_aborted; /* on failure: the connection broke while the body was being sent */
} ep_answer;

/* POSTs one body and reads the whole answer (valid until the next call).
 * 0 on success, -1 when no complete answer came (a->err). */
static int ep_send(ep_state *st, const uint8_t *data, size_t size, ep_answer *a) {
  memset(a, 0, sizeof *a);
  ep_pace(st);
  st->date[0] = '\0';
  if (!st->curl) {
    static const char *const ct[] = {"Content-Type: application/json"};
    hconn_request rq = {"POST", HRULES_PATH, ct, 1, (const char *)data, size};
    hconn_result *res = &st->res;
    hconn_result_free(res);
    int rc = hconn_exchange(st->conn, &rq, st->timeout_ms, EP_BODY_CAP, res);
    if (rc == 0 && res->extra_len) { /* a mis-framed answer (the connection is closed) */
      snprintf(res->r.error, sizeof res->r.error, "%zu unasked bytes after the answer (%.160s)",
               res->extra_len, res->framing);
      rc = -1;
    }
    if (rc != 0) {
      a->err = res->r.error;
      a->upload_aborted = res->r.upload_aborted;
      return -1;
    }
    if (res->r.has_date) snprintf(st->date, sizeof st->date, "%s", res->r.date);
    a->status = res->r.status;
    a->ctype = res->r.has_content_type ? res->r.content_type : NULL;
    a->body = res->r.body ? res->r.body : "";
    a->body_len = res->r.body_len;
    a->truncated = res->r.truncated;
    return 0;
  }
  st->body.len = 0;
  st->body.truncated = 0;
  curl_easy_setopt(st->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
  curl_easy_setopt(st->curl, CURLOPT_POSTFIELDS, size ? (const char *)data : "");
  CURLcode rc = curl_easy_perform(st->curl);
  if (rc != CURLE_OK) {
    a->err = curl_easy_strerror(rc);
    a->upload_aborted = rc == CURLE_SEND_ERROR;
    return -1;
  }
  long status = 0;
  curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(st->curl, CURLINFO_CONTENT_TYPE, &a->ctype);
  a->status = (int)status;
  a->body = st->body.data ? st->body.data : "";
  a->body_len = st->body.len;
  a->truncated = st->body.truncated;
  return 0;
}

/* Another server: one probe before any input, with the body {} (invalid, so
 * nothing is created), turns what would make every input fail the same way
 * into one setup error: no answer, authentication refused or missing, no
 * operation at the URL. */
static void ep_probe(ep_state *st, int have_token) {
  ep_answer a;
  if (ep_send(st, (const uint8_t *)"{}", 2, &a) != 0)
    ep_setup_error("no answer from POST %s: %s (check APIHARNESS_FUZZ_BASE_URL)", st->url, a.err);
  if ((a.status == 401 || a.status == 403) && !have_token)
    ep_setup_error("POST %s answers %d: the server wants authentication and APIHARNESS_FUZZ_TOKEN "
                   "is not set (set it to a bearer token the server accepts)",
                   st->url, a.status);
  if (a.status == 401 || a.status == 403)
    ep_setup_error("POST %s answers %d to the bearer token in APIHARNESS_FUZZ_TOKEN: the server "
                   "refuses it (check the token)",
                   st->url, a.status);
  if (a.status == 404 || a.status == 405)
    ep_setup_error("POST %s answers %d: APIHARNESS_FUZZ_BASE_URL must be the server's base URL "
                   "(the operation's path %s is appended)",
                   st->url, a.status, HRULES_PATH);
}

/* One CPU for the fuzzer and the in-process mock's libmicrohttpd thread,
 * which inherits the mask (it starts after this): each request wakes the one
 * and then the other, and on a mostly idle VM a wake-up that crosses to a
 * halted CPU costs more than the request (measured here: 2,100-5,100 exec/s
 * unpinned, 7,500-10,000 pinned).  The CPU is the one the scheduler runs this
 * process on when it starts (it places a new process on a less busy CPU, so
 * the children of libFuzzer's -fork=N spread over the CPUs).  The controlling process of -fork,
 * -jobs or -workers does not pin itself (its children would inherit its one
 * CPU).  APIHARNESS_FUZZ_PIN=0 keeps the mask. */
static void ep_pin(int argc, char **argv) {
  const char *e = getenv("APIHARNESS_FUZZ_PIN");
  if (e && !strcmp(e, "0"))
    return;
  for (int i = 1; argv && i < argc; i++)
    if (argv[i] && (!strncmp(argv[i], "-fork=", 6) || !strncmp(argv[i], "-jobs=", 6) ||
                    !strncmp(argv[i], "-workers=", 9)) &&
        strcmp(strchr(argv[i], '=') + 1, "0") && strcmp(strchr(argv[i], '=') + 1, "1"))
      return;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return;
  int c = sched_getcpu();
  if (CPU_COUNT(&set) <= 1 || c < 0 || c >= CPU_SETSIZE || !CPU_ISSET(c, &set))
    return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(c, &one);
  (void)sched_setaffinity(0, sizeof one, &one); /* best effort: a refusal only costs speed */
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  int pin_argc = argc ? *argc : 0;
  char **pin_argv = argv ? *argv : NULL;
  const fuzz_env *env = fuzz_env_get();
  ep_state *st = calloc(1, sizeof *st);
  if (!st) ep_fatal("out of memory");
  st->judge_on = fuzz_oracle_enabled("judge");
  ep_the_state = st;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) ep_fatal("curl_global_init failed");
  atexit(ep_cleanup);
  if (!(st->judge = hjudge_new(env->rules)) || !(st->doc = hjson_doc_new()) ||
      !(st->result = hschema_result_new(0)))
    ep_fatal("out of memory");
#ifdef EP_HAVE_EXPLORE
  if (!(st->oracle = hexplore_oracle_new(env->rules))) ep_fatal("out of memory");
#endif

  const char *base = getenv("APIHARNESS_FUZZ_BASE_URL");
  const char *rate = getenv("APIHARNESS_FUZZ_RATE");
  const char *token = getenv("APIHARNESS_FUZZ_TOKEN");
  const char *tmo = getenv("APIHARNESS_FUZZ_TIMEOUT_MS");
  const char *profile = getenv("APIHARNESS_FUZZ_PROFILE");
  if (profile && *profile) {
    int p = hjudge_profile_parse(profile);
    if (p < 0)
      ep_setup_error("APIHARNESS_FUZZ_PROFILE='%.40s' is not a profile (default, strict, aspnet)",
                     profile);
    st->profile = (hjudge_profile)p;
  }
  st->timeout_ms = tmo && atol(tmo) > 0 ? atol(tmo) : 5000;
  if (base && *base) {
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/') bl--;
    if (bl + strlen(HRULES_PATH) >= sizeof st->url) ep_fatal("APIHARNESS_FUZZ_BASE_URL is too long");
    snprintf(st->url, sizeof st->url, "%.*s%s", (int)bl, base, HRULES_PATH);
    st->rate = 10;
  } else {
    char err[256];
    /* direct: no framing front (this target fuzzes bodies on one well-framed
     * connection; the relay hop would cost a third of its speed).  One
     * libmicrohttpd thread: the client waits for each answer, more threads
     * would only add wake-ups. */
    hmock_options o = {
        .host = "127.0.0.1", .port = 0, .spec = env->spec, .threads = 1, .direct = 1};
    ep_pin(pin_argc, pin_argv);
    st->mock = hmock_start(&o, err, sizeof err);
    if (!st->mock)
      ep_setup_error("cannot start the mock: %s", err);
    snprintf(st->url, sizeof st->url, "http://127.0.0.1:%d%s", hmock_port(st->mock), HRULES_PATH);
    char base_url[64];
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", hmock_port(st->mock));
    char cerr[HCONN_MSG_MAX];
    if (!(st->conn = hconn_new(base_url, cerr)))
      ep_setup_error("%s", cerr);
    hconn_set_quiet_ms(st->conn, 0);
  }
  if (rate && *rate) {
    char *end = NULL;
    double r = strtod(rate, &end);
    if (!end || *end || r < 0)
      ep_setup_error("APIHARNESS_FUZZ_RATE='%.40s' is not a number of requests per second", rate);
    st->rate = r;
  }
  if (st->rate > 0)
    fprintf(stderr, EP_NAME ": POST %s, at most %g requests/s\n", st->url, st->rate);
  else
    fprintf(stderr, EP_NAME ": POST %s\n", st->url);
  clock_gettime(CLOCK_MONOTONIC, &st->next);
  if (st->mock) return 0; /* hconn; no token: the mock was started without one */

  if (!(st->curl = curl_easy_init())) ep_fatal("out of memory");
  st->headers = curl_slist_append(NULL, "Content-Type: application/json");
  st->headers = curl_slist_append(st->headers, "Expect:");
  if (token && *token) {
    size_t n = strlen(token) + 32;
    char *h = malloc(n);
    if (!h) ep_fatal("out of memory");
    snprintf(h, n, "Authorization: Bearer %s", token);
    st->headers = curl_slist_append(st->headers, h);
    memset(h, 0, n);
    free(h);
  }
  if (!st->headers) ep_fatal("out of memory");
  CURL *c = st->curl;
  curl_easy_setopt(c, CURLOPT_URL, st->url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, st->headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, st->timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, st->timeout_ms);
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ep_on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st->body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, ep_on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, st);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the string form; older libcurl (builder images) */
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  ep_probe(st, token && *token);
  return 0;
}

#ifndef EP_HAVE_EXPLORE
/* The reason an accepted body's refusal is tolerated, or NULL: a string
 * the documents leave to the implementation's storage (empty, very long,
 * holding U+0000). */
static const char *ep_open_string(const cJSON *node, unsigned depth) {
  for (const cJSON *n = node ? node->child : NULL; n && depth < 64; n = n->next) {
    size_t len = 0;
    const char *s = hjson_string(n, &len);
    if (s && len == 0) return "an empty string, which a server may refuse as missing";
    if (s && len > 255) return "a string longer than common storage limits";
    if (s && memchr(s, '\0', len)) return "U+0000 in a string, which a server may refuse";
    const char *r = ep_open_string(n, depth + 1);
    if (r) return r;
  }
  return NULL;
}

/* 1 when every violation is a pattern one on a string that ends in "\n" or
 * holds a non-ASCII byte (a Unicode digit): the regex dialect cases. */
static int ep_dialect_only(const cJSON *root, const hschema_result *r) {
  size_t n = hschema_result_count(r);
  if (!n || hschema_result_truncated(r)) return 0;
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *v = hschema_result_at(r, i);
    if (v->warning) continue;
    if (!v->keyword || strcmp(v->keyword, "pattern") || !v->instance) return 0;
    size_t len = 0;
    const char *s = hjson_string(hjson_pointer_get(root, v->instance, strlen(v->instance), NULL), &len);
    if (!s || !len) return 0;
    int nonascii = 0;
    for (size_t k = 0; k < len; k++) nonascii |= (unsigned char)s[k] >= 0x80;
    if (s[len - 1] != '\n' && !nonascii) return 0;
  }
  return 1;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ep_state *st = ep_the_state;
  if (!st) { /* a driver that does not call LLVMFuzzerInitialize */
    LLVMFuzzerInitialize(NULL, NULL);
    st = ep_the_state;
  }
  const fuzz_env *env = fuzz_env_get();

  /* What the spec and the prose rules say about this body: the case the
   * answer is judged against. */
  hjson_error jerr = {0};
  const cJSON *tree = NULL;
  int parsed = 0, expect_valid = 0;
#ifdef EP_HAVE_EXPLORE
  if (fuzz_oracle_enabled("walk")) /* else only to word a failure (below) */
#endif
  {
    tree = hjson_parse(st->doc, (const char *)data, size, NULL, &jerr);
    parsed = 1;
  }
  hjudge_case c = {.expect = HJUDGE_EXPECT_BAD_REQUEST, .requirement = "fuzz.endpoint"};
  if (tree) fuzz_rfc8259_walk(EP_NAME, tree);
  if (!st->judge_on) { /* the cost measure: the request alone, its answer only required */
    ep_answer a;
    int sent = ep_send(st, data, size, &a);
    st->runs++;
    if (sent != 0) fuzz_die(EP_NAME, "no answer to a %zu-byte body: %s", size, a.err);
    return 0;
  }
#ifndef EP_HAVE_EXPLORE
  if (tree) {
    hschema_result_reset(st->result);
    expect_valid = hrules_check_request(env->rules, env->dto, tree, st->result);
    if (expect_valid) {
      c.expect = HJUDGE_EXPECT_CREATED;
      c.request_body = tree;
      c.tolerated_reason = ep_open_string(tree, 0);
      c.tolerated = c.tolerated_reason != NULL;
    } else if (ep_dialect_only(tree, st->result)) {
      c.tolerated = 1;
      c.tolerated_reason = "refused only by a pattern that a regex dialect with '$' before a final "
                           "newline or Unicode \\d would accept";
    }
  } else if (jerr.code == HJSON_E_DUPLICATE || jerr.code == HJSON_E_SURROGATE ||
             (size >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))) {
    c.expect = HJUDGE_EXPECT_CREATED_OR_BAD; /* the documents leave it open */
    c.lenient_surrogates = jerr.code == HJSON_E_SURROGATE;
  }
#endif
#ifdef EP_HAVE_EXPLORE
  (void)env;
  hexplore_expectation x;
  if (!hexplore_oracle_expect(st->oracle, "application/json", (const char *)data, size, &x))
    fuzz_die(EP_NAME, "out of memory");
  c = (hjudge_case){.expect = x.expect,
                    .requirement = x.requirement[0] ? x.requirement : "fuzz.endpoint",
                    .tolerated = x.tolerated,
                    .tolerated_reason = x.tolerated_reason,
                    .aspnet_tolerated = x.aspnet_tolerated,
                    .lenient_surrogates = x.lenient_surrogates,
                    .request_body = x.echo};
  expect_valid = x.valid;
#endif

  ep_answer a;
  int sent = ep_send(st, data, size, &a);
  st->runs++;
  /* no answer: an oracle failure, except a connection broken during the
   * upload, which the judge weighs (a server may refuse a large body so) */
  if (sent != 0 && !a.upload_aborted)
    fuzz_die(EP_NAME, "no answer to a %zu-byte body: %s", size, a.err);
  long status = a.status;

  if (status == 201) st->created++;
  else if (status == 400) st->rejected++;

  /* The answer, judged as certify judges it, under the profile. */
  hjudge_response resp = {.status = (int)status,
                          .content_type = a.ctype,
                          .date = st->date[0] ? st->date : NULL,
                          .body = a.body ? a.body : "",
                          .body_len = a.body_len,
                          .truncated = a.truncated,
                          .transport_error = sent != 0,
                          .transport_msg = sent != 0 ? a.err : NULL,
                          .upload_aborted = a.upload_aborted,
                          .now_unix = (long long)time(NULL)};
  if (status != 201) c.request_body = NULL;
#ifndef EP_HAVE_EXPLORE
  if (c.expect != HJUDGE_EXPECT_CREATED) c.request_body = NULL;
#endif
  if (hjudge_response_judge(st->judge, &c, &resp, st->profile, &st->verdict) == HSTATUS_FAIL) {
    if (!parsed) tree = hjson_parse(st->doc, (const char *)data, size, NULL, &jerr);
    /* The detail never holds a token value (the judge redacts); print only it. */
    fuzz_die(EP_NAME, "the %ld answer fails the judgement (profile %s; the spec and prose rules "
             "say the body is %s%s%s): %s",
             status, hjudge_profile_name(st->profile), expect_valid ? "valid" : "invalid",
             !tree ? ", not strict JSON: " : "", !tree ? (jerr.msg ? jerr.msg : "?") : "",
             st->verdict.detail);
  }
  for (size_t i = 0; i < st->verdict.n_checks; i++)
    if (!strcmp(st->verdict.checks[i].name, "status") &&
        st->verdict.checks[i].status == HSTATUS_WARN) {
      st->tolerated++;
      break;
    }
  return 0;
}
