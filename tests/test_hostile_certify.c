/* certify against hostile servers, measured as a user would: the whole run's
 * peak memory (getrusage of the certify process tree) and the report it
 * leaves.  Each server mode is one behaviour, served from a thread on a
 * loopback port:
 *   FLOOD   every answer is a 201 status line followed by 100,000 tiny
 *           headers (the client keeps at most 64 KiB of them; the report at
 *           most 100 headers and 16 KiB per case)
 *   BADBYTE every answer carries a non-UTF-8 byte in Content-Type, Allow and
 *           Server: the report must still be written whole, valid JSON and
 *           well-formed XML, and the run must say non-compliant (exit 1)
 *   ECHO    every answer repeats the request's Authorization lines in a
 *           header and in the body: no report file may show the token. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/hclient.h"
#include "client/hrun.h"
#include "support.h"
#include "json/hjson.h"

/* The server (tests/support.c): every request gets the same answer, read
 * from the head alone, and the connection is closed after it. */
static ts_server *server;
static char *flood;

static void fini(void) {
  ts_server_free(server);
  free(flood);
}
TestSuite(hostile_certify, .fini = fini);

#define FLOOD_STATUS "HTTP/1.1 201 Created\r\n"
#define FLOOD_LINES 100000

static void serve_flood(void) {
  size_t len;
  flood = ts_header_flood(FLOOD_STATUS, FLOOD_LINES,
                          "Content-Length: 2\r\nConnection: close\r\n\r\n{}", &len);
  ts_answer a = {.bytes = flood, .len = len, .read = TS_READ_HEAD, .close_after = 1};
  server = ts_server_start(&a, 1, 1);
}

#define TOKEN "hostile-token-0123456789abcdef"

/* ts_respond: a 400 whose X-Echo header and JSON body repeat every
 * Authorization value of the request. */
static void echo_auth(void *ud, const char *request, size_t len, ts_reply *reply) {
  (void)ud;
  (void)len;
  char seen[1024] = "";
  size_t n = 0;
  for (const char *p = strstr(request, "\r\nAuthorization:"); p && n < sizeof seen - 256;
       p = strstr(p + 2, "\r\nAuthorization:")) {
    const char *v = p + 16;
    while (*v == ' ')
      v++;
    n += (size_t)snprintf(seen + n, sizeof seen - n, "%s%.*s", n ? " | " : "",
                          (int)strcspn(v, "\r\"\\"), v);
  }
  char body[1200], head[2048];
  int bl = snprintf(body, sizeof body, "{\"auth\":\"%s\"}", seen);
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 400 Bad Request\r\nX-Echo: %s\r\nContent-Type: application/json\r\n"
                    "Content-Length: %d\r\nConnection: close\r\n\r\n",
                    seen, bl);
  ts_reply_add(reply, head, (size_t)hl);
  ts_reply_add(reply, body, (size_t)bl);
}

static void serve_echo(void) {
  ts_answer a = {.respond = echo_auth, .close_after = 1};
  server = ts_server_start(&a, 1, 1);
}

static void serve_badbyte(void) {
  static const char resp[] = "HTTP/1.1 400 Bad Request\r\n"
                             "Content-Type: application/json; x=\xff\xfe\r\n"
                             "Allow: POST\xc3\r\n"
                             "Server: hostile\x80server\r\n"
                             "Connection: close\r\n"
                             "Content-Length: 2\r\n\r\n{}";
  ts_answer a = {.bytes = resp, .len = sizeof resp - 1, .read = TS_READ_HEAD, .close_after = 1};
  server = ts_server_start(&a, 1, 1);
}

/* Runs certify against the server (then stopped) with --filter filter, its
 * report in a new directory (dir, /tmp/apiharness-TAG-*): every server here
 * is hostile, so the run must exit 1, non-compliant. */
static void certify(const char *tag, const char *filter, char *dir, size_t cap) {
  ts_tmpdir(dir, cap, tag);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    setenv("HARNESS_TOKEN", TOKEN, 1);
    execl(APIHARNESS_BIN, APIHARNESS_BIN, "certify", "--base-url", ts_server_url(server),
          "--report-dir", dir, "--no-preflight", "--explore", "0", "--timeout-ms", "3000",
          "--filter", filter, (char *)NULL);
    _exit(127);
  }
  int st;
  cr_assert(waitpid(pid, &st, 0) == pid);
  ts_server_stop(server);
  cr_assert(WIFEXITED(st), "certify died by a signal");
  cr_expect_eq(WEXITSTATUS(st), 1, "a hostile server is not compliant (exit %d)", WEXITSTATUS(st));
}

/* DIR/NAME, read whole (asserts). */
static char *slurp_in(const char *dir, const char *name, size_t *len) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = ts_slurp(path, len);
  cr_assert_not_null(text, "no %s", path);
  return text;
}

/* The cases of DIR/catalogue.json (the catalogue the run used) whose id
 * starts with prefix: how many; and, when id is not NULL, the auth mode of
 * case id in auth ("" when absent). */
static int catalogue_scan(const char *dir, const char *prefix, const char *id, char *auth,
                          size_t cap) {
  char path[256];
  snprintf(path, sizeof path, "%s/catalogue.json", dir);
  cJSON *cat = ts_report_file(path);
  int n = 0;
  if (auth)
    auth[0] = '\0';
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cat, "cases")) {
    n += !strncmp(ts_str(c, "id"), prefix, strlen(prefix));
    if (id && !strcmp(ts_str(c, "id"), id))
      snprintf(auth, cap, "%s", ts_str(c, "auth"));
  }
  cJSON_Delete(cat);
  return n;
}

/* DIR/compliance.json, checked: verdict non-compliant, and one case for each
 * catalogue case whose id starts with prefix.  Free with cJSON_Delete. */
static cJSON *report_of(const char *dir, const char *prefix) {
  cJSON *r = ts_report(dir);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant");
  int want = catalogue_scan(dir, prefix, NULL, NULL, 0);
  cr_assert_gt(want, 0, "the catalogue has %s* cases", prefix);
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "cases")), want,
               "every %s* case is in the report", prefix);
  return r;
}

/* The headers of a case's evidence response, and the member "headers_omitted". */
static const cJSON *evidence_response(const cJSON *c) {
  return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "evidence"),
                                          "response");
}

/* The header flood: memory stays bounded over a run of many cases (the type
 * negatives, 56 today: each answer ~1.1 MB of headers, so the run reads over
 * 60 MB of them), and each case's evidence keeps exactly what the caps allow. */
Test(hostile_certify, header_flood_stays_under_64_mb, .timeout = 300) {
  serve_flood();
  char dir[64];
  certify("flood", "neg.type.*", dir, sizeof dir);
  struct rusage ru;
  cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
  /* the header lines that fit in the client's HCLIENT_MAX_HEADERS, the
   * status line counted */
  size_t used = sizeof FLOOD_STATUS - 1, fit = 0;
  for (;; fit++) {
    char line[32];
    size_t l = (size_t)snprintf(line, sizeof line, "X-%zu: a\r\n", fit);
    if (used + l > HCLIENT_MAX_HEADERS)
      break;
    used += l;
  }
  cJSON *r = report_of(dir, "neg.type.");
  cr_expect_geq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "cases")), 40,
                "a run of many cases");
  char reason[96];
  snprintf(reason, sizeof reason, "no valid HTTP response: response headers over %zu bytes",
           HCLIENT_MAX_HEADERS);
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "cases")) {
    const char *id = ts_str(c, "id");
    cr_expect_str_eq(ts_str(c, "status"), "fail", "%s", id);
    const cJSON *k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "checks"), 0);
    cr_expect_str_eq(ts_str(k, "name"), "transport", "%s", id);
    cr_expect_str_eq(ts_str(k, "message"), reason, "%s", id);
    cr_expect_str_eq(ts_str(k, "requirement"), "http.response-received", "%s", id);
    const cJSON *rs = evidence_response(c);
    const cJSON *om = cJSON_GetObjectItemCaseSensitive(rs, "headers_omitted");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rs, "headers")),
                 HRUN_MAX_HEADERS, "%s", id);
    cr_expect(cJSON_IsNumber(om) && om->valuedouble == (double)(fit - HRUN_MAX_HEADERS),
              "%s: %g headers omitted, want %zu", id, cJSON_IsNumber(om) ? om->valuedouble : -1,
              fit - HRUN_MAX_HEADERS);
    /* the report's cap per case */
    char *one = cJSON_PrintUnformatted(c);
    cr_expect_leq(strlen(one), (size_t)16 << 10, "%s: %zu bytes", id, strlen(one));
    free(one);
  }
  cJSON_Delete(r);
#if !defined(__SANITIZE_ADDRESS__)
  /* ru_maxrss: the largest resident set of any waited-for descendant, KiB
   * (ASan's shadow memory and quarantine make the figure meaningless there) */
  cr_expect_lt(ru.ru_maxrss, 64L * 1024, "peak RSS %ld KiB", ru.ru_maxrss);
  cr_log_info("header flood: peak RSS %ld KiB", ru.ru_maxrss);
#endif
  ts_rmtree(dir);
}

/* One bad byte in the headers: all report files, valid JSON, well-formed XML. */
Test(hostile_certify, non_utf8_header_bytes_keep_the_whole_report, .timeout = 300) {
  serve_badbyte();
  char dir[64];
  certify("badbyte", "pos.order.*", dir, sizeof dir);
  /* each file, and how it shows the Server header (JSON escapes the
   * backslash; junit.xml names the failed check only) */
  static const char *const files[] = {"compliance.json", "compliance.md", "compliance.html",
                                      "junit.xml"};
  static const char *const server_shown[] = {"hostile\\\\x80server", "hostile\\x80server",
                                             "hostile\\x80server", NULL};
  for (size_t i = 0; i < 4; i++) {
    size_t len;
    char *text = slurp_in(dir, files[i], &len);
    /* no raw bad byte: written as \xNN, in every file */
    cr_expect_null(memchr(text, 0xff, len), "%s holds a raw 0xFF", files[i]);
    cr_expect_null(memchr(text, 0x80, len), "%s holds a raw 0x80", files[i]);
    cr_expect_null(memchr(text, 0xc3, len), "%s holds a raw 0xC3", files[i]);
    if (server_shown[i])
      cr_expect(strstr(text, server_shown[i]), "%s shows the Server header as %s", files[i],
                server_shown[i]);
    if (i == 0) {
      hjson_doc *doc = hjson_doc_new();
      cr_expect_not_null(hjson_parse(doc, text, len, NULL, NULL), "compliance.json not strict");
      hjson_doc_free(doc);
    }
    free(text);
  }
  /* every pos.order.* case fails on the 400, its evidence the escaped headers */
  cJSON *r = report_of(dir, "pos.order.");
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "cases")) {
    const char *id = ts_str(c, "id");
    cr_expect_str_eq(ts_str(c, "status"), "fail", "%s", id);
    cr_expect_str_eq(ts_str(c, "detail"), "status: expected 201, got 400", "%s", id);
    char *h =
        cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(evidence_response(c), "headers"));
    cr_expect_str_eq(h,
                     "[[\"Content-Type\",\"application/json; x=\\\\xff\\\\xfe\"],"
                     "[\"Allow\",\"POST\\\\xc3\"],[\"Server\",\"hostile\\\\x80server\"],"
                     "[\"Connection\",\"close\"],[\"Content-Length\",\"2\"]]",
                     "%s", id);
    free(h);
  }
  int want = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "cases"));
  cJSON_Delete(r);
  /* junit.xml parses as XML, with one testcase per case */
  static const char *const py[] = {"python3", NULL};
  const char *python = ts_tool("python3", py, "python3");
  if (python) {
    char cmd[512], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "%s -c 'import sys,xml.etree.ElementTree as E; "
             "print(len(E.parse(sys.argv[1]).getroot().findall(\".//testcase\")))' '%s/junit.xml'",
             python, dir);
    cr_expect_eq(ts_run_capture(cmd, &out), 0, "junit.xml is not well-formed XML: %s", out);
    cr_expect_eq(atoi(out), want, "testcases in junit.xml: %s", out);
    free(out);
  } else {
    cr_log_warn("python3 is not installed: junit.xml's XML is not checked");
  }
  ts_rmtree(dir);
}

/* A server repeating the bearer token: it is in no report file, whatever
 * auth variant carried it, and the evidence shows each derived one redacted. */
Test(hostile_certify, echoed_token_reaches_no_report_file, .timeout = 300) {
  serve_echo();
  char dir[64];
  certify("echo", "http.auth.*", dir, sizeof dir);
  /* every credential the server saw, but the fixed wrong token: the token
   * and the variants derived from it (prefix, case, extended, truncated...) */
  char creds[32][128];
  size_t n_creds = 0;
  for (size_t k = 0; k < ts_server_requests(server); k++) {
    const char *req = ts_server_request(server, k, NULL);
    for (const char *p = strstr(req, "\r\nAuthorization: "); p && n_creds < 32;
         p = strstr(p + 2, "\r\nAuthorization: ")) {
      const char *v = strchr(p + 17, ' ');
      size_t l = v ? strcspn(v + 1, "\r") : 0;
      if (l >= 4 && l < sizeof creds[0] && strncmp(v + 1, HRUN_WRONG_TOKEN, l))
        snprintf(creds[n_creds++], sizeof creds[0], "%.*s", (int)l, v + 1);
    }
  }
  int with_token = 0;
  for (size_t i = 0; i < n_creds; i++)
    with_token |= !strcmp(creds[i], TOKEN);
  cr_assert(with_token, "the token itself was sent (and echoed)");
  cr_assert_geq(n_creds, 2, "variants of it were sent too");
  /* every file the run left (the four reports at least) */
  static const char *const reports[] = {"compliance.json", "compliance.md", "compliance.html",
                                        "junit.xml"};
  for (size_t f = 0; f < sizeof reports / sizeof reports[0]; f++)
    free(slurp_in(dir, reports[f], NULL));
  DIR *d = opendir(dir);
  cr_assert(d, "%s", dir);
  for (struct dirent *e = readdir(d); e; e = readdir(d)) {
    if (e->d_name[0] == '.')
      continue;
    size_t len;
    char *text = slurp_in(dir, e->d_name, &len);
    for (size_t i = 0; i < n_creds; i++)
      cr_expect_null(memmem(text, len, creds[i], strlen(creds[i])), "%s shows %s", e->d_name,
                     creds[i]);
    free(text);
  }
  closedir(d);
  /* each case: the echo is in the evidence, derived credentials redacted */
  cJSON *r = report_of(dir, "http.auth.");
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "cases")) {
    const char *id = ts_str(c, "id");
    const char *echo = NULL;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(evidence_response(c), "headers")) {
      if (!strcmp(cJSON_GetArrayItem(h, 0)->valuestring, "X-Echo"))
        echo = cJSON_GetArrayItem(h, 1)->valuestring;
    }
    cr_assert(echo, "%s: no X-Echo in the evidence", id);
    char mode[32];
    catalogue_scan(dir, "", id, mode, sizeof mode);
    int secret = strcmp(mode, "none") && strcmp(mode, "wrong") && strcmp(mode, "empty");
    if (secret)
      cr_expect(strstr(echo, "<redacted>"), "%s (auth %s): X-Echo %s", id, mode, echo);
    else
      cr_expect_null(strstr(echo, "<redacted>"), "%s (auth %s): X-Echo %s", id, mode, echo);
  }
  cJSON_Delete(r);
  ts_rmtree(dir);
}
