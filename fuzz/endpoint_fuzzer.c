/* endpoint_fuzzer: mutated request bodies POSTed to the Create API token
 * endpoint through libcurl with keep-alive.
 *
 * By default the target is the reference mock (hmock), started once in
 * process on an ephemeral loopback port: its code runs under the same
 * sanitizers and coverage as the target.  Environment, to fuzz another server:
 *   APIHARNESS_FUZZ_BASE_URL  base URL ("http://127.0.0.1:8080"); the
 *                             operation's path is appended
 *   APIHARNESS_FUZZ_RATE      at most this many requests per second (default:
 *                             unlimited for the in-process mock, 10 otherwise)
 *   APIHARNESS_FUZZ_TOKEN     a bearer token sent as Authorization (never printed)
 *   APIHARNESS_FUZZ_TIMEOUT_MS  per request, default 5000
 *   APIHARNESS_FUZZ_PROFILE   the judge's profile: default (the default),
 *                             strict or aspnet - as certify --profile
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
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
#define EP_HEADER_MAX 256
#define EP_URL_MAX 2048

typedef struct {
  char *data;
  size_t len, cap;
  int truncated;
} ep_buf;

typedef struct {
  hmock *mock;
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

static void ep_fatal(const char *msg) {
  fprintf(stderr, EP_NAME ": %s\n", msg);
  exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const fuzz_env *env = fuzz_env_get();
  ep_state *st = calloc(1, sizeof *st);
  if (!st) ep_fatal("out of memory");
  ep_the_state = st;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) ep_fatal("curl_global_init failed");
  atexit(ep_cleanup);
  if (!(st->judge = hjudge_new(env->rules)) || !(st->doc = hjson_doc_new()) ||
      !(st->result = hschema_result_new(0)) || !(st->curl = curl_easy_init()))
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
    if (p < 0) {
      fprintf(stderr, EP_NAME ": APIHARNESS_FUZZ_PROFILE='%.40s' is not a profile (default, strict, aspnet)\n",
              profile);
      exit(2);
    }
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
     * connection; the relay hop would cost a third of its speed) */
    hmock_options o = {.host = "127.0.0.1", .port = 0, .spec = env->spec, .threads = 1, .direct = 1};
    st->mock = hmock_start(&o, err, sizeof err);
    if (!st->mock) {
      fprintf(stderr, EP_NAME ": cannot start the mock: %s\n", err);
      exit(2);
    }
    snprintf(st->url, sizeof st->url, "http://127.0.0.1:%d%s", hmock_port(st->mock), HRULES_PATH);
  }
  if (rate && *rate) {
    char *end = NULL;
    double r = strtod(rate, &end);
    if (!end || *end || r < 0) ep_fatal("APIHARNESS_FUZZ_RATE must be a number of requests per second");
    st->rate = r;
  }
  if (st->rate > 0)
    fprintf(stderr, EP_NAME ": POST %s, at most %g requests/s\n", st->url, st->rate);
  else
    fprintf(stderr, EP_NAME ": POST %s\n", st->url);

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
  clock_gettime(CLOCK_MONOTONIC, &st->next);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ep_state *st = ep_the_state;
  if (!st) { /* a driver that does not call LLVMFuzzerInitialize */
    LLVMFuzzerInitialize(NULL, NULL);
    st = ep_the_state;
  }
  const fuzz_env *env = fuzz_env_get();

  /* What the spec and the prose rules say about this body: the case the
   * answer is judged against. */
  hjson_error jerr;
  const cJSON *tree = hjson_parse(st->doc, (const char *)data, size, NULL, &jerr);
  int expect_valid = 0;
  hjudge_case c = {.expect = HJUDGE_EXPECT_BAD_REQUEST, .requirement = "fuzz.endpoint"};
  if (tree) fuzz_rfc8259_walk(EP_NAME, tree);
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

  ep_pace(st);
  st->body.len = 0;
  st->body.truncated = 0;
  st->date[0] = '\0';
  curl_easy_setopt(st->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
  curl_easy_setopt(st->curl, CURLOPT_POSTFIELDS, size ? (const char *)data : "");
  CURLcode rc = curl_easy_perform(st->curl);
  st->runs++;
  if (rc != CURLE_OK)
    fuzz_die(EP_NAME, "no answer to a %zu-byte body: %s", size, curl_easy_strerror(rc));
  long status = 0;
  const char *ctype = NULL;
  curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(st->curl, CURLINFO_CONTENT_TYPE, &ctype);

  if (status == 201) st->created++;
  else if (status == 400) st->rejected++;

  /* The answer, judged as certify judges it, under the profile. */
  hjudge_response resp = {.status = (int)status,
                          .content_type = ctype,
                          .date = st->date[0] ? st->date : NULL,
                          .body = st->body.data ? st->body.data : "",
                          .body_len = st->body.len,
                          .truncated = st->body.truncated};
  if (status != 201) c.request_body = NULL;
#ifndef EP_HAVE_EXPLORE
  if (c.expect != HJUDGE_EXPECT_CREATED) c.request_body = NULL;
#endif
  if (hjudge_response_judge(st->judge, &c, &resp, st->profile, &st->verdict) == HJUDGE_FAIL) {
    /* The detail never holds a token value (the judge redacts); print only it. */
    fuzz_die(EP_NAME, "the %ld answer fails the judgement (profile %s; the spec and prose rules "
             "say the body is %s%s%s): %s",
             status, hjudge_profile_name(st->profile), expect_valid ? "valid" : "invalid",
             !tree ? ", not strict JSON: " : "", !tree ? (jerr.msg ? jerr.msg : "?") : "",
             st->verdict.detail);
  }
  for (size_t i = 0; i < st->verdict.n_checks; i++)
    if (!strcmp(st->verdict.checks[i].name, "status") &&
        st->verdict.checks[i].status == HJUDGE_WARN) {
      st->tolerated++;
      break;
    }
  return 0;
}
