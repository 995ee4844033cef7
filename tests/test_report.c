/* Tests of harness/report: compliance.md and compliance.html rendered from
 * hand-built compliance.json fixtures (compliant, non-compliant with evidence,
 * hostile strings, secrets, missing fields, invalid files), redaction, atomic
 * writes, and the HTML page opened offline in headless Chromium. */
#define _GNU_SOURCE /* memmem, open_memstream */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report/hreport.h"
#include "support.h"

/* ---- fixtures ------------------------------------------------------------------ */

#define HOSTILE_BODY "</pre><script>alert(1)</script>"
#define SECRET_BEARER "sk_live_S3CR3Tbearer0987"
#define SECRET_TOKEN "idt:TKN-1234-5678:ABCDEFGHsecretpart99"

static cJSON *requirement(const char *id, const char *cls, const char *title, const char *status,
                          const char *case1, const char *case2) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "id", id);
  cJSON_AddStringToObject(r, "class", cls);
  cJSON_AddStringToObject(r, "title", title);
  cJSON_AddStringToObject(r, "source", "spec");
  cJSON_AddStringToObject(r, "status", status);
  cJSON *cases = cJSON_AddArrayToObject(r, "cases");
  if (case1)
    cJSON_AddItemToArray(cases, cJSON_CreateString(case1));
  if (case2)
    cJSON_AddItemToArray(cases, cJSON_CreateString(case2));
  return r;
}

static cJSON *test_case(const char *id, const char *req, const char *cls, const char *status,
                        const char *detail) {
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "id", id);
  cJSON_AddStringToObject(c, "requirement", req);
  cJSON_AddStringToObject(c, "class", cls);
  cJSON_AddStringToObject(c, "title", id);
  cJSON_AddStringToObject(c, "status", status);
  cJSON_AddStringToObject(c, "detail", detail);
  return c;
}

static cJSON *header(const char *name, const char *value) {
  cJSON *h = cJSON_CreateArray();
  cJSON_AddItemToArray(h, cJSON_CreateString(name));
  cJSON_AddItemToArray(h, cJSON_CreateString(value));
  return h;
}

/* Evidence of a request/response exchange; resp_body is the response excerpt. */
static void add_evidence(cJSON *c, int status, const char *req_body, const char *resp_body,
                         const char *curl, const char *auth) {
  cJSON *ev = cJSON_AddObjectToObject(c, "evidence");
  cJSON *rq = cJSON_AddObjectToObject(ev, "request");
  cJSON_AddStringToObject(rq, "method", "POST");
  cJSON_AddStringToObject(rq, "url", "http://127.0.0.1:40123/public/v1/accounts/api-tokens");
  cJSON *hs = cJSON_AddArrayToObject(rq, "headers");
  cJSON_AddItemToArray(hs, header("Content-Type", "application/json"));
  cJSON_AddItemToArray(hs, header("Authorization", auth));
  cJSON_AddStringToObject(rq, "body_excerpt", req_body);
  cJSON_AddNumberToObject(rq, "body_bytes", (double)strlen(req_body));
  cJSON *rs = cJSON_AddObjectToObject(ev, "response");
  cJSON_AddNumberToObject(rs, "status", status);
  cJSON *rh = cJSON_AddArrayToObject(rs, "headers");
  cJSON_AddItemToArray(rh, header("Content-Type", "application/json"));
  cJSON_AddStringToObject(rs, "body_excerpt", resp_body);
  cJSON_AddNumberToObject(rs, "body_bytes", (double)strlen(resp_body));
  cJSON_AddNumberToObject(rs, "time_ms", 3);
  cJSON_AddStringToObject(ev, "curl", curl);
}

/* A complete report; failing adds a failing requirement, an error and a warning. */
static cJSON *fixture(int failing) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "format", HREPORT_FORMAT);
  cJSON_AddStringToObject(r, "verdict", failing ? "non-compliant" : "compliant");
  cJSON *tool = cJSON_AddObjectToObject(r, "tool");
  cJSON_AddStringToObject(tool, "name", "apiharness");
  cJSON_AddStringToObject(tool, "version", "0.1.0");
  cJSON_AddStringToObject(r, "run_id", "20261128T130501Z-3f9a");
  cJSON_AddStringToObject(r, "started_at", "2026-11-28T13:05:01Z");
  cJSON_AddStringToObject(r, "finished_at", "2026-11-28T13:05:09Z");
  cJSON_AddNumberToObject(r, "duration_ms", 8123);
  cJSON *spec = cJSON_AddObjectToObject(r, "spec");
  cJSON_AddStringToObject(spec, "title", "Marketplace API");
  cJSON_AddStringToObject(spec, "version", "5.0.5674-g0850f11d");
  cJSON_AddStringToObject(spec, "sha256",
                          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  cJSON_AddStringToObject(spec, "path", "spec/create-api-token.openapi.json");
  cJSON *t = cJSON_AddObjectToObject(r, "target");
  cJSON_AddStringToObject(t, "url", "http://127.0.0.1:40123");
  cJSON_AddStringToObject(t, "server", "apiharness-mock");
  cJSON_AddBoolToObject(t, "embedded_mock", 1);
  cJSON *faults = cJSON_AddArrayToObject(t, "faults");
  if (failing)
    cJSON_AddItemToArray(faults, cJSON_CreateString("revision-not-one"));
  cJSON_AddStringToObject(r, "profile", "default");
  cJSON_AddNumberToObject(r, "seed", 1);
  cJSON_AddStringToObject(r, "filter", "*");
  cJSON *reqs = cJSON_AddArrayToObject(r, "requirements");
  cJSON_AddItemToArray(reqs, requirement("schema.request.AccountDto.id.pattern", "request-schema",
                                         "account.id matches the pattern", "pass",
                                         "neg.pattern.account-id.lowercase", NULL));
  cJSON_AddItemToArray(reqs,
                       requirement("prose.revision-is-one", "semantics", "the 201 has revision 1",
                                   failing ? "fail" : "pass", "sem.revision", NULL));
  cJSON_AddItemToArray(reqs, requirement("http.media-type.response", "http",
                                         "response media type is documented",
                                         failing ? "warn" : "pass", "http.ct.problem", NULL));
  cJSON_AddItemToArray(
      reqs, requirement("http.no-5xx", "http", "never a 5xx", "pass", "raw.deep-nesting", NULL));
  cJSON *skip = requirement("prose.token-only-on-create", "semantics",
                            "the token value is returned only on create", "skip", NULL, NULL);
  cJSON_AddStringToObject(skip, "reason", "the spec has no read operation");
  cJSON_AddItemToArray(reqs, skip);

  cJSON *cases = cJSON_AddArrayToObject(r, "cases");
  cJSON_AddItemToArray(cases, test_case("neg.pattern.account-id.lowercase",
                                        "schema.request.AccountDto.id.pattern", "negative-body",
                                        "pass", ""));
  cJSON *sem = test_case("sem.revision", "prose.revision-is-one", "semantics",
                         failing ? "fail" : "pass", failing ? "revision is 2, expected 1" : "");
  if (failing) {
    cJSON *checks = cJSON_AddArrayToObject(sem, "checks");
    cJSON *ck = cJSON_CreateObject();
    cJSON_AddStringToObject(ck, "name", "prose");
    cJSON_AddStringToObject(ck, "status", "fail");
    cJSON_AddStringToObject(ck, "message", "/revision: expected 1, got 2");
    cJSON_AddItemToArray(checks, ck);
    add_evidence(sem, 201, "{\"name\":\"apiharness-x\",\"account\":{\"id\":\"ACC-1234-5678\"}}",
                 "{\"id\":\"TKN-1234-5678\",\"revision\":2,\"token\":\"" SECRET_TOKEN "\"}",
                 "curl -sS -X POST 'http://127.0.0.1:40123/public/v1/accounts/api-tokens' "
                 "-H 'Authorization: Bearer $HARNESS_TOKEN' --data-binary @sem.json",
                 "Bearer <redacted>");
  }
  cJSON_AddItemToArray(cases, sem);
  cJSON *ct =
      test_case("http.ct.problem", "http.media-type.response", "http", failing ? "warn" : "pass",
                failing ? "application/problem+json where application/json is documented" : "");
  if (failing)
    add_evidence(ct, 400, "{}", "{\"status\":400}", "curl -sS -d '{}' http://127.0.0.1:40123/",
                 "Bearer <redacted>");
  cJSON_AddItemToArray(cases, ct);
  cJSON *deep = test_case("raw.deep-nesting", "http.no-5xx", "raw-bytes",
                          failing ? "error" : "pass", failing ? "harness timeout" : "");
  cJSON_AddItemToArray(cases, deep);

  cJSON *res = cJSON_AddArrayToObject(r, "created_resources");
  cJSON *one = cJSON_CreateObject();
  cJSON_AddStringToObject(one, "id", "TKN-0001-0002");
  cJSON_AddStringToObject(one, "name", "apiharness-20261128T130501Z-3f9a-pos.minimal");
  cJSON_AddStringToObject(one, "label", "default");
  cJSON_AddItemToArray(res, one);
  cJSON *mx = cJSON_AddArrayToObject(r, "token_matrix");
  cJSON *row = cJSON_CreateObject();
  cJSON_AddStringToObject(row, "label", "client");
  cJSON_AddStringToObject(row, "status", "pass");
  cJSON_AddNumberToObject(row, "cases", 12);
  cJSON_AddNumberToObject(row, "fail", 0);
  cJSON_AddItemToArray(mx, row);
  return r;
}

/* ---- helpers ------------------------------------------------------------------ */

typedef struct {
  char dir[64];
  char *md, *html;
  size_t md_len, html_len;
} rendered;

/* Writes the raw JSON text as compliance.json in a new directory and renders the
 * views; returns the rc of hreport_write_views, the views in *out when 0. */
static int render_text(const char *json, rendered *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  ts_tmpdir(out->dir, sizeof out->dir, "report");
  char path[128];
  snprintf(path, sizeof path, "%s/compliance.json", out->dir);
  ts_write_file(path, json);
  int rc = hreport_write_views(out->dir, err, errlen);
  if (rc == 0) {
    snprintf(path, sizeof path, "%s/compliance.md", out->dir);
    out->md = ts_slurp(path, &out->md_len);
    snprintf(path, sizeof path, "%s/compliance.html", out->dir);
    out->html = ts_slurp(path, &out->html_len);
    cr_assert_not_null(out->md, "compliance.md not written");
    cr_assert_not_null(out->html, "compliance.html not written");
  }
  return rc;
}

static void render_fixture(cJSON *report, rendered *out) {
  char *json = cJSON_PrintUnformatted(report);
  char err[512] = "";
  int rc = render_text(json, out, err, sizeof err);
  cr_assert_eq(rc, 0, "hreport_write_views failed: %s", err);
  free(json);
  cJSON_Delete(report);
}

static void rendered_free(rendered *v) {
  free(v->md);
  free(v->html);
  v->md = v->html = NULL;
  ts_rmtree(v->dir);
}

static size_t count_of(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

static const char *first_content_line(const char *md, char *line, size_t cap) {
  while (*md == '\n')
    md++;
  size_t n = strcspn(md, "\n");
  if (n >= cap)
    n = cap - 1;
  memcpy(line, md, n);
  line[n] = '\0';
  return line;
}

/* Self-contained: no tag that makes a browser fetch: no <link>, <iframe>,
 * <object>, no src= attribute, no href other than an in-page fragment, no CSS
 * url() or @import in the style sheet.  (Text from the report may contain
 * "src=" as escaped text: only tags are inspected.) */
static void assert_self_contained(const char *html) {
  for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
    if (!(p[1] == '/' || p[1] == '!' || (p[1] >= 'a' && p[1] <= 'z')))
      continue; /* "i<bs.length" in the script */
    size_t n = strcspn(p, ">");
    char tag[1024];
    snprintf(tag, sizeof tag, "%.*s", (int)(n < 1023 ? n : 1023), p);
    cr_assert(strncmp(tag, "<link", 5) && strncmp(tag, "<iframe", 7) &&
                  strncmp(tag, "<object", 7) && strncmp(tag, "<embed", 6) &&
                  strncmp(tag, "<img", 4) && strncmp(tag, "<base", 5),
              "a fetching tag: %s", tag);
    cr_assert_null(strstr(tag, "src="), "a src= attribute: %s", tag);
    const char *h = strstr(tag, "href=");
    cr_assert(!h || (h[5] == '"' && h[6] == '#'), "an href that is not in-page: %s", tag);
  }
  const char *css = strstr(html, "<style>"), *css_end = strstr(html, "</style>");
  cr_assert(css && css_end && css < css_end);
  char *sheet = strndup(css, (size_t)(css_end - css));
  cr_assert_null(strstr(sheet, "url("), "the style sheet has a url()");
  cr_assert_null(strstr(sheet, "@import"), "the style sheet has an @import");
  free(sheet);
  cr_assert_not_null(strstr(html, "Content-Security-Policy\" content=\"default-src 'none'"),
                     "no CSP forbidding fetches");
}

/* ---- views of complete reports ---------------------------------------------------- */

Test(report, compliant_verdict_first) {
  rendered v;
  render_fixture(fixture(0), &v);
  char line[256];
  cr_assert_str_eq(first_content_line(v.md, line, sizeof line), "# Verdict: COMPLIANT");
  cr_assert_not_null(strstr(v.md, "Marketplace API 5.0.5674-g0850f11d"), "%s", v.md);
  cr_assert_not_null(strstr(v.md, "`20261128T130501Z-3f9a`"));
  cr_assert_not_null(strstr(v.md, "| Duration | 8.1 s |"));
  cr_assert_not_null(
      strstr(v.md, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
  cr_assert_not_null(strstr(v.md, "No case failed, errored or warned: nothing to report."));
  /* skipped requirement with its reason, created resources by id, token matrix */
  cr_assert_not_null(strstr(v.md, "`prose.token-only-on-create`"));
  cr_assert_not_null(strstr(v.md, "the spec has no read operation"));
  cr_assert_not_null(strstr(v.md, "`TKN-0001-0002`"));
  cr_assert_not_null(strstr(v.md, "## Token matrix"));
  /* html: the verdict banner comes before everything else in the body */
  const char *banner = strstr(v.html, "Verdict: COMPLIANT");
  cr_assert_not_null(banner);
  cr_assert(banner < strstr(v.html, "Requirements by class"));
  cr_assert_not_null(strstr(v.html, "class=\"verdict v-ok\""));
  cr_assert_null(strstr(v.html, "<article"), "no evidence sections in a compliant report");
  assert_self_contained(v.html);
  rendered_free(&v);
}

Test(report, noncompliant_findings_first) {
  rendered v;
  render_fixture(fixture(1), &v);
  char line[256];
  cr_assert_str_eq(first_content_line(v.md, line, sizeof line), "# Verdict: NON-COMPLIANT");
  cr_assert_not_null(strstr(v.md, "1 of 5 requirements fail, 1 with cases that could not run, "
                                  "1 not exercised; 1 of 4 cases failed."),
                     "%s", v.md);
  /* order: verdict, findings, summary, requirements */
  const char *fi = strstr(v.md, "## Findings");
  const char *sum = strstr(v.md, "## Summary");
  const char *req = strstr(v.md, "## Requirements by class");
  cr_assert(fi && sum && req && fi < sum && sum < req, "%s", v.md);
  /* one finding per problem, most severe first, each with its evidence */
  const char *f1 = strstr(v.md, "### 1. FAIL `prose.revision-is-one` check `prose`");
  const char *f2 = strstr(v.md, "### 2. ERROR `http.no-5xx` check `run`");
  const char *f3 = strstr(v.md, "### 3. WARN `http.media-type.response` check `case`");
  cr_assert(f1 && f2 && f3 && f1 < f2 && f2 < f3, "%s", v.md);
  cr_assert_not_null(strstr(f1, "/revision: expected 1, got 2"));
  cr_assert_not_null(strstr(f1, "HTTP 201\nContent-Type: application/json\n"));
  cr_assert_not_null(strstr(f1, "```sh\ncurl -sS -X POST 'http://127.0.0.1:40123/public/v1/"
                                "accounts/api-tokens' -H 'Authorization: Bearer $HARNESS_TOKEN'"));
  cr_assert(strstr(f2, "_No evidence recorded._") < f3, "the error case has none");
  /* the requirement tables: the skipped one is "not exercised", failing cases per requirement */
  cr_assert_not_null(strstr(v.md, "| fail | `prose.revision-is-one` | the 201 has revision 1 | "
                                  "spec | 1 | `sem.revision` |"),
                     "%s", v.md);
  cr_assert_not_null(strstr(v.md, "| error | `http.no-5xx` | never a 5xx | spec | 0 | "
                                  "`raw.deep-nesting` |"),
                     "%s", v.md);
  cr_assert_not_null(strstr(v.md, "| not exercised | `prose.token-only-on-create` |"), "%s", v.md);

  cr_assert_not_null(strstr(v.html, "class=\"verdict v-fail\""));
  const char *hf = strstr(v.html, "id=\"findings\"");
  cr_assert(hf && hf < strstr(v.html, "id=\"summary\"") &&
            strstr(v.html, "id=\"summary\"") < strstr(v.html, "id=\"requirements\""));
  cr_assert_not_null(strstr(v.html, "<section class=\"finding f-fail\" id=\"finding-0\">"));
  cr_assert_not_null(strstr(v.html, "curl -sS -X POST &#39;http://127.0.0.1:40123/public/v1/"
                                    "accounts/api-tokens&#39; -H &#39;Authorization: Bearer "
                                    "$HARNESS_TOKEN&#39;"));
  /* the class with failures is open, the failing case links to its row among all cases */
  cr_assert_not_null(strstr(v.html, "<details open><summary>semantics"));
  cr_assert_not_null(strstr(v.html, "<a href=\"#case-1\"><code>sem.revision</code></a>"));
  cr_assert_not_null(strstr(v.html, "<tr id=\"case-1\" data-status=\"fail\">"));
  const char *all = strstr(v.html, "id=\"cases\"");
  cr_assert(all && strstr(all, "<details><summary>4 cases (1 fail, 1 warn, 1 error)</summary>"),
            "every case on demand");
  assert_self_contained(v.html);
  rendered_free(&v);
}

/* ---- hostile content ------------------------------------------------------------- */

Test(report, hostile_strings_escaped) {
  cJSON *r = fixture(1);
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  cJSON *hostile = test_case("neg.<b>bold</b>`tick`|pipe", "prose.revision-is-one",
                             "</details><script>alert(2)</script>", "fail",
                             "<img src=x onerror=alert(3)>\x1b[31mred\x1b[0m \xe2\x80\xae");
  add_evidence(hostile, 500, "{\"name\":\"```\\n# not a heading\"}", HOSTILE_BODY "\n```\n",
               "curl '" HOSTILE_BODY "'", "Bearer <redacted>");
  cJSON_AddItemToArray(cases, hostile);
  cJSON *reqs = cJSON_GetObjectItem(r, "requirements");
  cJSON_AddItemToArray(reqs,
                       requirement("x.<svg onload=alert(4)>", "<style>*{}</style>",
                                   "a | b ] [link](http://attacker.invalid/)", "pass", NULL, NULL));
  rendered v;
  render_fixture(r, &v);

  /* html: exactly one <script> element (our own), the hostile body escaped */
  cr_assert_eq(count_of(v.html, "<script"), 1, "a script from the report got through");
  cr_assert_not_null(strstr(v.html, "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
                     "the body is not shown escaped");
  cr_assert_null(strstr(v.html, "<img"));
  cr_assert_null(strstr(v.html, "<svg"));
  cr_assert_null(strstr(v.html, "</details><script"));
  cr_assert_null(strstr(v.html, "<b>bold"));
  cr_assert_not_null(strstr(v.html, "&lt;img src=x onerror=alert(3)&gt;"));
  cr_assert_null(strstr(v.html, "\x1b"), "a raw escape character in the page");
  cr_assert_not_null(strstr(v.html, "\\x1B[31mred"));
  cr_assert_not_null(strstr(v.html, "\\u202E"), "bidi override shown, not applied");
  cr_assert_eq(count_of(v.html, "<style>"), 1);
  assert_self_contained(v.html);

  /* md: inline text escaped, the fence longer than the backticks of the body */
  cr_assert_eq(count_of(v.md, "<img"), count_of(v.md, "\\<img"), "an unescaped <img in md");
  cr_assert_eq(count_of(v.md, "\\<img"), 1, "the case detail, shown once, escaped");
  cr_assert_null(strstr(v.md, "\x1b"));
  cr_assert_not_null(strstr(v.md, "\\<img src=x onerror=alert\\(3\\)\\>"), "%s", v.md);
  cr_assert_not_null(strstr(v.md, "\\[link\\]\\(http://attacker.invalid/\\)"));
  cr_assert_not_null(strstr(v.md, "````http\nHTTP 500\n"), "fence not longer than ``` inside");
  cr_assert_not_null(strstr(v.md, "``neg.<b>bold</b>`tick`|pipe``"));
  cr_assert_not_null(strstr(v.md, "| `x.<svg onload=alert(4)>` |"));
  cr_assert_not_null(strstr(v.md, "a \\| b \\]"));
  cr_assert_not_null(strstr(v.md, "### \\<style\\>"));
  rendered_free(&v);
}

/* ---- secrets ---------------------------------------------------------------------- */

Test(report, secrets_redacted_in_both_views) {
  cJSON *r = fixture(1);
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  cJSON *leak = test_case("pos.leaky", "prose.revision-is-one", "positive", "fail", "leak test");
  /* a runner that forgot to redact: the raw bearer and the raw token value */
  add_evidence(leak, 201, "{\"name\":\"x\"}",
               "{\"id\":\"TKN-1\",\"token\" : \"" SECRET_TOKEN "\",\"short\":{\"token\":\"abc\"}}",
               "curl -H 'Authorization: Bearer " SECRET_BEARER "' -d @x http://h/",
               "Bearer " SECRET_BEARER);
  cJSON_AddItemToArray(cases, leak);
  rendered v;
  render_fixture(r, &v);
  const char *views[2] = {v.md, v.html};
  for (int i = 0; i < 2; i++) {
    cr_assert_null(strstr(views[i], SECRET_BEARER), "bearer leaked in view %d", i);
    cr_assert_null(strstr(views[i], "secretpart99"), "token value leaked in view %d", i);
    cr_assert_null(strstr(views[i], "S3CR3T"), "bearer prefix leaked in view %d", i);
    cr_assert(strstr(views[i], "idt:TKN-...&lt;redacted&gt;") ||
                  strstr(views[i], "idt:TKN-...<redacted>"),
              "the token's 8-character prefix is kept in view %d", i);
    cr_assert(strstr(views[i], "Authorization: Bearer &lt;redacted&gt;") ||
              strstr(views[i], "Authorization: Bearer <redacted>"));
    cr_assert(strstr(views[i], "Bearer $HARNESS_TOKEN"), "a variable reference is kept");
  }
  cr_assert_not_null(strstr(v.md, "\"token\":\"abc\""), "a short value is left alone");
  rendered_free(&v);
}

Test(report, redact_function) {
  struct {
    const char *in, *out;
  } cases[] = {
      {"Authorization: Bearer abc.DEF-123_x", "Authorization: Bearer <redacted>"},
      /* the whole credential, not only its token68 prefix */
      {"Authorization: Bearer idt:TKN-1234:s3cr3t!x", "Authorization: Bearer <redacted>"},
      {"-H 'Authorization: Bearer a:b@c' -d {\"x\":\"Bearer q:r\"}",
       "-H 'Authorization: Bearer <redacted>' -d {\"x\":\"Bearer <redacted>\"}"},
      {"-H 'Authorization: bearer abc' x", "-H 'Authorization: bearer <redacted>' x"},
      {"Bearer $HARNESS_TOKEN and Bearer ${T}", "Bearer $HARNESS_TOKEN and Bearer ${T}"},
      {"Bearer <redacted>", "Bearer <redacted>"},
      {"Bearerless text", "Bearerless text"},
      {"{\"token\":\"0123456789abcdef\"}", "{\"token\":\"01234567...<redacted>\"}"},
      {"{\"token\": \"12345678\"}", "{\"token\": \"12345678\"}"},
      {"{\"token\":\"ab\\\"cdefghijkl\"}", "{\"token\":\"ab...<redacted>\"}"},
      {"{\"token\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
       "{\"token\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...<redacted>\"}"},
      {"{\"token\":\"truncated-excerpt-without-end", "{\"token\":\"truncate...<redacted>"},
      {"{\"mytoken\":\"0123456789abcdef\"}", "{\"mytoken\":\"0123456789abcdef\"}"},
      {"{\"token\":\"abcd...<redacted>\"}", "{\"token\":\"abcd...<redacted>\"}"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = 0;
    char *out = hreport_redact(cases[i].in, strlen(cases[i].in), &len);
    cr_assert_not_null(out);
    cr_assert_str_eq(out, cases[i].out, "case %zu", i);
    cr_assert_eq(len, strlen(cases[i].out));
    free(out);
  }
}

/* ---- odd and broken reports ------------------------------------------------------- */

Test(report, missing_fields_render) {
  const char *docs[] = {
      "{}",
      "{\"verdict\":\"non-compliant\",\"cases\":[{\"status\":\"fail\"}]}",
      "{\"verdict\":42,\"requirements\":\"nope\",\"cases\":{\"a\":1},\"summary\":[]}",
      "{\"verdict\":\"compliant\",\"requirements\":[1,null,{\"id\":7},{\"status\":\"fail\"}],"
      "\"cases\":[{\"id\":\"c\",\"status\":\"error\",\"evidence\":{\"request\":[],"
      "\"response\":{\"status\":\"x\",\"headers\":{\"X-A\":\"1\",\"Authorization\":\"raw\"}},"
      "\"curl\":5}},{\"id\":\"d\",\"status\":\"warn\",\"evidence\":{\"response\":"
      "{\"headers\":[[1],[\"A\"],\"x\"],\"body_bytes\":-1}}}],\"target\":\"str\","
      "\"created_resources\":[{\"token\":\"shouldnotshow123456\"}],\"token_matrix\":[1]}",
  };
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    rendered v;
    char err[256] = "";
    cr_assert_eq(render_text(docs[i], &v, err, sizeof err), 0, "doc %zu: %s", i, err);
    cr_assert_not_null(strstr(v.html, "Verdict: "));
    assert_self_contained(v.html);
    rendered_free(&v);
  }
  rendered v;
  char err[256];
  cr_assert_eq(render_text(docs[0], &v, err, sizeof err), 0);
  char line[128];
  cr_assert_str_eq(first_content_line(v.md, line, sizeof line), "# Verdict: UNKNOWN");
  cr_assert_not_null(strstr(v.md, "no valid verdict (missing)"));
  cr_assert_not_null(strstr(v.md, "The report lists no requirements."));
  rendered_free(&v);
  cr_assert_eq(render_text(docs[3], &v, err, sizeof err), 0);
  cr_assert_not_null(strstr(v.md, "does not match its requirements"), "compliant with a fail");
  cr_assert_not_null(strstr(v.md, "X-A: 1\nAuthorization: <redacted>\n"), "%s", v.md);
  cr_assert_null(strstr(v.md, "shouldnotshow"), "a token value in created_resources");
  rendered_free(&v);
}

/* An interrupted run and a partial run say so at the top of every view. */
Test(report, interrupted_and_partial_runs_say_so) {
  rendered v;
  char err[256] = "", line[128];
  cr_assert_eq(render_text("{\"verdict\":\"incomplete\",\"interrupted\":true,\"cases\":[]}", &v,
                           err, sizeof err),
               0, "%s", err);
  cr_assert_str_eq(first_content_line(v.md, line, sizeof line),
                   "# Verdict: INCOMPLETE (interrupted)");
  cr_assert_not_null(strstr(v.md, "stopped by a signal"), "%s", v.md);
  cr_assert_null(strstr(v.md, "no valid verdict"), "%s", v.md);
  rendered_free(&v);
  cr_assert_eq(render_text("{\"verdict\":\"compliant\",\"partial\":true,\"cases\":[]}", &v, err,
                           sizeof err),
               0, "%s", err);
  cr_assert_str_eq(first_content_line(v.md, line, sizeof line), "# Verdict: COMPLIANT (PARTIAL)");
  cr_assert_not_null(strstr(v.md, "Partial run:"), "%s", v.md);
  cr_assert_not_null(strstr(v.html, "COMPLIANT (PARTIAL)"));
  rendered_free(&v);
  cJSON *r = cJSON_Parse("{\"verdict\":\"non-compliant\",\"partial\":true,\"cases\":[]}");
  char dir[64], path[128];
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/summary.md", dir);
  cr_assert_eq(hreport_write_summary_md(path, r, "reports/x", err, sizeof err), 0, "%s", err);
  size_t len = 0;
  char *md = ts_slurp(path, &len);
  cr_assert_not_null(strstr(md, "### apiharness certify: NON-COMPLIANT (PARTIAL)\n"), "%s", md);
  free(md);
  ts_rmtree(dir);
  cJSON_Delete(r);
}

Test(report, invalid_input_errors) {
  struct {
    const char *json, *expect;
  } bad[] = {
      {"{\"verdict\": \"compliant\",", "invalid JSON at offset"},
      {"{\"verdict\":\"a\",\"verdict\":\"b\"}", "invalid JSON at offset"},
      {"[1,2]", "root is not a JSON object"},
      {"{\"format\":\"apiharness-compliance/9\"}", "/format is not"},
      {"", "invalid JSON at offset 0"},
      {"{\"x\":\"\xff\"}", "invalid JSON at offset 6"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rendered v;
    char err[512] = "";
    cr_assert_neq(render_text(bad[i].json, &v, err, sizeof err), 0, "case %zu accepted", i);
    cr_assert_not_null(strstr(err, bad[i].expect), "case %zu: %s", i, err);
    cr_assert_not_null(strstr(err, v.dir), "the message names the file: %s", err);
    cr_assert_null(strchr(err, '\n'), "one line");
    char path[128];
    snprintf(path, sizeof path, "%s/compliance.html", v.dir);
    cr_assert_neq(access(path, F_OK), 0, "a view was written for an invalid report");
    ts_rmtree(v.dir);
  }
  char err[512] = "";
  cr_assert_neq(hreport_write_views("/nonexistent/dir", err, sizeof err), 0);
  cr_assert_not_null(strstr(err, "/nonexistent/dir/compliance.json: cannot open"), "%s", err);
}

Test(report, atomic_write) {
  char dir[64], path[128], err[256] = "";
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/out.txt", dir);
  cr_assert_eq(hreport_write_file_atomic(path, "first", 5, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hreport_write_file_atomic(path, "second", 6, err, sizeof err), 0, "%s", err);
  char *text = ts_slurp(path, NULL);
  cr_assert_str_eq(text, "second");
  free(text);
  DIR *d = opendir(dir);
  struct dirent *e;
  int files = 0;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') {
      files++;
      cr_assert_str_eq(e->d_name, "out.txt", "a temporary file was left behind");
    }
  closedir(d);
  cr_assert_eq(files, 1);
  snprintf(path, sizeof path, "%s/missing/out.txt", dir);
  cr_assert_neq(hreport_write_file_atomic(path, "x", 1, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, "cannot create"), "%s", err);
  ts_rmtree(dir);
}

Test(report, many_failures_capped_and_big_excerpt) {
  cJSON *r = fixture(1);
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  char *big = malloc(100001);
  memset(big, 'A', 100000);
  big[100000] = '\0';
  for (int i = 0; i < 600; i++) {
    char id[32];
    snprintf(id, sizeof id, "gen.case.%d", i);
    cJSON *c = test_case(id, "prose.revision-is-one", "semantics", "fail", "x");
    if (i == 0)
      add_evidence(c, 201, big, "{}", "curl x", "Bearer <redacted>");
    cJSON_AddItemToArray(cases, c);
  }
  free(big);
  rendered v;
  render_fixture(r, &v);
  /* one finding for the 600 cases of one cause; its representative's excerpt is cut */
  cr_assert_not_null(strstr(v.md, "600 cases: `gen.case.0`, `gen.case.1`"), "%s", v.md);
  cr_assert_not_null(strstr(v.md, "and 594 more"));
  cr_assert_not_null(strstr(v.md, "more bytes of excerpt in compliance.json"));
  cr_assert_lt(v.md_len, 60000);
  rendered_free(&v);
}

/* ---- the page in headless Chromium -------------------------------------------------- */

/* The browser, or NULL: the test is then skipped, except under CI=true (CI
 * installs chromium, so a missing one there is a broken setup, not a skip). */
static const char *chromium_path(void) {
  static const char *const candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                                           NULL};
  return ts_tool("chromium", candidates, "chromium");
}

/* The proxy's record: the first line of every connection, '\n'-joined (an
 * empty line for a connection that sent nothing within 2 s). */
typedef struct {
  pthread_mutex_t mu;
  char *buf;
  size_t cap, used;
} proxy_log;

/* A connection to the proxy (tests/support.c's ts_listener, the browser opens
 * several at once): its request line is kept, nothing is answered. */
static void proxy_conn(void *ud, int fd, ts_listener *l) {
  (void)l;
  proxy_log *pl = ud;
  struct pollfd q = {.fd = fd, .events = POLLIN};
  char line[512] = "";
  if (poll(&q, 1, 2000) > 0) {
    ssize_t n = recv(fd, line, sizeof line - 1, 0);
    line[n > 0 ? n : 0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
  }
  pthread_mutex_lock(&pl->mu);
  int m = snprintf(pl->buf + pl->used, pl->cap - pl->used, "%s\n", line);
  if (m > 0 && (size_t)m < pl->cap - pl->used)
    pl->used += (size_t)m;
  pthread_mutex_unlock(&pl->mu);
}

/* Headless Chromium driven over its DevTools pipe (--remote-debugging-pipe:
 * it reads NUL-terminated JSON commands on fd 3, writes its answers and
 * events on fd 4): one browser loads every page of the tests in turn, every
 * connection going to a proxy on loopback that this process records.  A
 * launch costs about a second; a page, a tenth of one. */
typedef struct {
  pid_t pid;
  int to, from; /* the command pipe's write end, the message pipe's read end */
  char *in;     /* bytes read from the browser, not yet split into messages */
  size_t in_len, in_cap;
  int next_id;
  char session[128]; /* the page's session (Target.attachToTarget, flatten) */
  time_t deadline;   /* of the whole session */
  char profile[64];
  ts_listener *proxy;
  proxy_log log;
  char log_buf[65536];
} browser;

/* Fails the test after killing the browser's process group. */
#define BROWSER_FAIL(b, ...)                                                                       \
  do {                                                                                             \
    kill(-(b)->pid, SIGKILL);                                                                      \
    cr_assert_fail(__VA_ARGS__);                                                                   \
  } while (0)

/* Sends method (params may be NULL; taken over) in the page's session when
 * in_session; returns the command's id. */
static int browser_send(browser *b, const char *method, cJSON *params, int in_session) {
  cJSON *m = cJSON_CreateObject();
  int id = ++b->next_id;
  cJSON_AddNumberToObject(m, "id", id);
  if (in_session)
    cJSON_AddStringToObject(m, "sessionId", b->session);
  cJSON_AddStringToObject(m, "method", method);
  if (params)
    cJSON_AddItemToObject(m, "params", params);
  char *text = cJSON_PrintUnformatted(m);
  cJSON_Delete(m);
  cr_assert_not_null(text);
  size_t len = strlen(text) + 1; /* the NUL ends the message */
  for (size_t off = 0; off < len;) {
    ssize_t n = write(b->to, text + off, len - off);
    if (n <= 0)
      BROWSER_FAIL(b, "chromium's DevTools pipe closed (%s)", method);
    off += (size_t)n;
  }
  free(text);
  return id;
}

/* The browser's next message (an answer or an event), parsed; fails the test
 * on its end or past the deadline.  Free with cJSON_Delete. */
static cJSON *browser_next(browser *b) {
  for (;;) {
    char *end = b->in_len ? memchr(b->in, '\0', b->in_len) : NULL;
    if (end) {
      cJSON *m = cJSON_Parse(b->in);
      size_t used = (size_t)(end - b->in) + 1;
      memmove(b->in, end + 1, b->in_len - used);
      b->in_len -= used;
      if (!m)
        BROWSER_FAIL(b, "chromium sent a message that is not JSON");
      return m;
    }
    time_t left = b->deadline - time(NULL);
    struct pollfd p = {.fd = b->from, .events = POLLIN};
    if (left <= 0 || poll(&p, 1, (int)left * 1000) <= 0)
      BROWSER_FAIL(b, "chromium did not answer within 90 s");
    if (b->in_cap - b->in_len < 65536) {
      b->in_cap = b->in_cap * 2 + 65536;
      b->in = realloc(b->in, b->in_cap);
      cr_assert_not_null(b->in);
    }
    ssize_t n = read(b->from, b->in + b->in_len, b->in_cap - b->in_len - 1);
    if (n <= 0)
      BROWSER_FAIL(b, "chromium exited before answering");
    b->in_len += (size_t)n;
    b->in[b->in_len] = '\0';
  }
}

/* The answer to command id, its "result" checked; events meanwhile are
 * dropped, but one named event (when not NULL) sets *seen. */
static cJSON *browser_answer(browser *b, int id, const char *event, int *seen) {
  for (;;) {
    cJSON *m = browser_next(b);
    const cJSON *mid = cJSON_GetObjectItemCaseSensitive(m, "id");
    if (cJSON_IsNumber(mid) && mid->valueint == id) {
      const cJSON *err = cJSON_GetObjectItemCaseSensitive(m, "error");
      if (err) {
        char *t = cJSON_PrintUnformatted(err);
        BROWSER_FAIL(b, "chromium refused command %d: %s", id, t);
      }
      return m;
    }
    if (event && !strcmp(ts_str(m, "method"), event) && !strcmp(ts_str(m, "sessionId"), b->session))
      *seen = 1;
    cJSON_Delete(m);
  }
}

/* Starts the browser with a new profile and the proxy, opens a page and
 * attaches to it. */
static void browser_start(browser *b, const char *chromium) {
  memset(b, 0, sizeof *b);
  signal(SIGPIPE, SIG_IGN); /* a browser gone is an error of write(), not a signal */
  pthread_mutex_init(&b->log.mu, NULL);
  b->log.buf = b->log_buf;
  b->log.cap = sizeof b->log_buf;
  b->proxy = ts_listener_start(proxy_conn, &b->log);
  b->deadline = time(NULL) + 90;
  char proxy[64], profile_arg[96];
  snprintf(proxy, sizeof proxy, "--proxy-server=http://127.0.0.1:%d", ts_listener_port(b->proxy));
  ts_tmpdir(b->profile, sizeof b->profile, "chromium");
  snprintf(profile_arg, sizeof profile_arg, "--user-data-dir=%s", b->profile);
  int cmd[2], msg[2];
  cr_assert_eq(pipe(cmd), 0);
  cr_assert_eq(pipe(msg), 0);
  b->pid = fork();
  cr_assert_geq(b->pid, 0);
  if (b->pid == 0) {
    /* the pipes on fds 3 and 4, whatever numbers they got; /dev/null on
     * 0, 1 and 2; nothing else of this process stays open */
    int nul = open("/dev/null", O_RDWR);
    int r = fcntl(cmd[0], F_DUPFD, 10), w = fcntl(msg[1], F_DUPFD, 10);
    if (nul < 0 || r < 0 || w < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0 ||
        dup2(r, 3) < 0 || dup2(w, 4) < 0)
      _exit(127);
    for (int fd = 5; fd < 1024; fd++)
      close(fd);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a test that crashes leaves no browser behind */
    execl(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-default-apps", "--disable-extensions",
          "--disable-domain-reliability", "--no-pings", "--disable-breakpad",
          "--proxy-bypass-list=<-loopback>", proxy, profile_arg, "--remote-debugging-pipe",
          (char *)NULL);
    _exit(127);
  }
  close(cmd[0]);
  close(msg[1]);
  b->to = cmd[1];
  b->from = msg[0];
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "url", "about:blank");
  cJSON *a = browser_answer(b, browser_send(b, "Target.createTarget", p, 0), NULL, NULL);
  char target[128];
  snprintf(target, sizeof target, "%s",
           ts_str(cJSON_GetObjectItemCaseSensitive(a, "result"), "targetId"));
  cJSON_Delete(a);
  cr_assert(target[0], "no page target");
  p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "targetId", target);
  cJSON_AddTrueToObject(p, "flatten");
  a = browser_answer(b, browser_send(b, "Target.attachToTarget", p, 0), NULL, NULL);
  snprintf(b->session, sizeof b->session, "%s",
           ts_str(cJSON_GetObjectItemCaseSensitive(a, "result"), "sessionId"));
  cJSON_Delete(a);
  cr_assert(b->session[0], "no session on the page");
  cJSON_Delete(browser_answer(b, browser_send(b, "Page.enable", NULL, 1), NULL, NULL));
}

/* Loads url in the page and waits for its load event (so every subresource
 * has been asked for); returns the DOM (document.documentElement.outerHTML,
 * what --dump-dom prints; malloc'd) and, in requests, the proxy's record of
 * the connections since the navigation began (request lines, '\n'-joined). */
static char *browser_load(browser *b, const char *url, char *requests, size_t cap) {
  pthread_mutex_lock(&b->log.mu);
  size_t mark = b->log.used;
  pthread_mutex_unlock(&b->log.mu);
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "url", url);
  int loaded = 0;
  cJSON *a =
      browser_answer(b, browser_send(b, "Page.navigate", p, 1), "Page.loadEventFired", &loaded);
  const char *error = ts_str(cJSON_GetObjectItemCaseSensitive(a, "result"), "errorText");
  if (error[0])
    BROWSER_FAIL(b, "chromium could not open %s: %s", url, error);
  cJSON_Delete(a);
  while (!loaded) {
    cJSON *m = browser_next(b);
    loaded = !strcmp(ts_str(m, "method"), "Page.loadEventFired") &&
             !strcmp(ts_str(m, "sessionId"), b->session);
    cJSON_Delete(m);
  }
  /* evaluated after the load event's handlers, in the page's next task */
  p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "expression", "document.documentElement.outerHTML");
  cJSON_AddTrueToObject(p, "returnByValue");
  a = browser_answer(b, browser_send(b, "Runtime.evaluate", p, 1), NULL, NULL);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "result"), "result"),
      "value");
  if (!cJSON_IsString(v))
    BROWSER_FAIL(b, "no DOM for %s", url);
  char *dom = strdup(v->valuestring);
  cr_assert_not_null(dom);
  cJSON_Delete(a);
  pthread_mutex_lock(&b->log.mu);
  size_t used = b->log.used;
  snprintf(requests, cap, "%.*s", (int)(used - mark), b->log.buf + mark);
  pthread_mutex_unlock(&b->log.mu);
  /* no line was dropped: the record had room for the longest one all along,
   * and the page's part of it is whole in requests */
  if (used + 1024 > b->log.cap || used - mark >= cap)
    BROWSER_FAIL(b, "%s: the proxy's record of %zu bytes does not fit", url, used - mark);
  return dom;
}

/* Closes the browser (Browser.close, then its process group killed: helper
 * processes left over), stops the proxy, removes the profile.  Asserts
 * nothing (it also runs from a test's .fini, after a failed assertion, on a
 * browser started only in part); b is zeroed. */
static void browser_stop(browser *b) {
  if (b->pid > 0) {
    static const char close_msg[] = "{\"id\":0,\"method\":\"Browser.close\"}"; /* and its NUL */
    int status = 0, reaped = 0;
    int asked = write(b->to, close_msg, sizeof close_msg) == (ssize_t)sizeof close_msg;
    for (int i = 0; asked && i < 250 && !reaped; i++) {
      reaped = waitpid(b->pid, &status, WNOHANG) == b->pid;
      if (!reaped)
        usleep(20000);
    }
    kill(-b->pid, SIGKILL);
    if (!reaped)
      waitpid(b->pid, &status, 0);
  }
  if (b->to > 0)
    close(b->to);
  if (b->from > 0)
    close(b->from);
  free(b->in);
  ts_listener_free(b->proxy); /* every connection's line is in, no handler runs on */
  if (b->proxy)
    pthread_mutex_destroy(&b->log.mu);
  if (b->profile[0])
    ts_rmtree(b->profile);
  memset(b, 0, sizeof *b);
}

/* Requests the browser makes for itself even with background networking off
 * (component updater, account check, a preconnect to Debian's default search
 * engine when a tab opens): not caused by the page. */
static int browser_own_request(const char *line) {
  static const char *const own[] = {".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com",
                                    ".duckduckgo.com"};
  const char *sp = strchr(line, ' ');
  if (!sp)
    return 0;
  char host[256];
  const char *h = sp + 1;
  if (!strncmp(h, "http://", 7))
    h += 7;
  size_t n = strcspn(h, ":/ ");
  if (n >= sizeof host)
    return 0;
  memcpy(host, h, n);
  host[n] = '\0';
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
    size_t l = strlen(own[i]);
    if (n > l && !strcmp(host + n - l, own[i]))
      return 1;
  }
  return 0;
}

static int page_requests(const char *requests, char *first, size_t cap) {
  int n = 0;
  for (const char *p = requests; *p;) {
    size_t len = strcspn(p, "\n");
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)(len < 511 ? len : 511), p);
    if (line[0] && !browser_own_request(line)) {
      if (n++ == 0)
        snprintf(first, cap, "%s", line);
    }
    p += len + (p[len] == '\n');
  }
  return n;
}

/* Odd shapes: every object-shaped document of JSONTestSuite renders without a crash. */
Test(report, renders_any_object) {
  char dirpath[512];
  snprintf(dirpath, sizeof dirpath, "%s/JSONTestSuite/test_parsing", TEST_DATA_DIR);
  DIR *d = opendir(dirpath);
  cr_assert_not_null(d, "%s", dirpath);
  hjson_doc *doc = hjson_doc_new();
  struct dirent *e;
  int objects = 0;
  char tmpdir[64], junit[128], sarif[128], summary[128];
  ts_tmpdir(tmpdir, sizeof tmpdir, "report");
  snprintf(junit, sizeof junit, "%s/junit.xml", tmpdir);
  snprintf(sarif, sizeof sarif, "%s/out.sarif", tmpdir);
  snprintf(summary, sizeof summary, "%s/summary.md", tmpdir);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] != 'y' && e->d_name[0] != 'i')
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
    size_t len = 0;
    char *text = ts_slurp(path, &len);
    cr_assert_not_null(text);
    const cJSON *root = hjson_parse(doc, text, len, NULL, NULL);
    if (cJSON_IsObject(root)) {
      objects++;
      char *md = hreport_render_md(root, NULL), *html = hreport_render_html(root, NULL);
      cr_assert(md && html, "%s", e->d_name);
      cr_assert_not_null(strstr(md, "# Verdict: UNKNOWN"), "%s", e->d_name);
      free(md);
      free(html);
      /* and every other consumer of a model */
      cJSON *f = hreport_findings(root), *cov = hreport_coverage(root, root);
      cr_assert(f && cov, "%s", e->d_name);
      cJSON_Delete(f);
      cJSON_Delete(cov);
      char err[256] = "";
      cr_assert_eq(hreport_write_junit(junit, root, err, sizeof err), 0, "%s: %s", e->d_name, err);
      cr_assert_eq(hreport_write_sarif(sarif, root, err, sizeof err), 0, "%s: %s", e->d_name, err);
      cr_assert_eq(hreport_write_summary_md(summary, root, NULL, err, sizeof err), 0, "%s: %s",
                   e->d_name, err);
      char ptr[64], msg[128];
      cr_assert_neq(hreport_validate(root, ptr, sizeof ptr, msg, sizeof msg), 0, "%s", e->d_name);
    }
    free(text);
  }
  closedir(d);
  hjson_doc_free(doc);
  ts_rmtree(tmpdir);
  /* the y_ and i_ files of the (vendored, fixed) suite whose top level the
   * strict reader accepts as an object */
  cr_assert_eq(objects, 10, "%d object documents read", objects);
}

/* ---- findings, coverage and CI outputs from a report model (tests/data/report) ------- */

static cJSON *load_data(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/report/%s", TEST_DATA_DIR, name);
  return ts_report_file(path);
}

static const char *str_of(const cJSON *o, const char *name) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
  cr_assert_not_null(s, "no string member %s", name);
  return s;
}

static int has_id(const cJSON *arr, const char *id) {
  for (const cJSON *x = arr ? arr->child : NULL; x; x = x->next)
    if (cJSON_IsString(x) && !strcmp(x->valuestring, id))
      return 1;
  return 0;
}

Test(report, findings_from_model) {
  cJSON *r = load_data("findings-report.json");
  cr_assert_eq(hreport_add_findings(r), 0);
  const cJSON *f = cJSON_GetObjectItem(r, "findings");
  cr_assert_eq(cJSON_GetArraySize(f), 6, "one finding per distinct problem");
  /* most severe first; within a severity the most frequent first */
  static const char *const order[][3] = {
      {"fail", "rfc9457.problem-status-matches", "problem-status"},
      {"fail", "schema.request.ModuleDto.id.pattern", "status"},
      {"fail", "semantics.echo.name", "echo:name"},
      {"fail", "http.no-server-error", "no-5xx"},
      {"error", "rfc8259.deep-nesting-rejected", "run"},
      {"warn", "response.media-type-documented", "media-type"}};
  for (int i = 0; i < 6; i++) {
    const cJSON *x = cJSON_GetArrayItem(f, i);
    cr_assert_str_eq(str_of(x, "severity"), order[i][0], "finding %d", i);
    cr_assert_str_eq(str_of(x, "requirement"), order[i][1], "finding %d", i);
    cr_assert_str_eq(str_of(x, "check"), order[i][2], "finding %d", i);
    cr_assert_eq(str_of(x, "id")[0], 'F');
    cr_assert_eq(strlen(str_of(x, "id")), 9);
  }
  /* the pattern finding: three catalogue cases and the explore phase's shrunk case */
  const cJSON *pat = cJSON_GetArrayItem(f, 1);
  cr_assert_eq(cJSON_GetObjectItem(pat, "count")->valuedouble, 3);
  cr_assert_eq(cJSON_GetObjectItem(pat, "explore_count")->valuedouble, 40);
  const cJSON *cases = cJSON_GetObjectItem(pat, "cases");
  cr_assert(has_id(cases, "neg.mod.long") && has_id(cases, "neg.mod.short") &&
            has_id(cases, "neg.mod.mid"));
  const cJSON *rep = cJSON_GetObjectItem(pat, "representative");
  cr_assert_str_eq(str_of(rep, "source"), "explore");
  cr_assert_str_eq(str_of(rep, "case"), "explore.2");
  cr_assert_not_null(strstr(str_of(rep, "curl"), "2-schema.request.ModuleDto.id.pattern.body"));
  /* the recorded evidence is the smallest catalogue case's */
  cr_assert_str_eq(str_of(rep, "evidence_case"), "neg.mod.short");
  cr_assert_str_eq(str_of(cJSON_GetObjectItem(cJSON_GetObjectItem(rep, "evidence"), "request"),
                          "body_excerpt"),
                   "{\"modules\":[{\"id\":\"MOD-1\"}]}");
  /* offsets and quoted request values do not split a cause; the names stay */
  /* equal counts: ordered by key; the sequence's two steps with the problem count once */
  const cJSON *ps = cJSON_GetArrayItem(f, 0);
  cr_assert_eq(cJSON_GetObjectItem(ps, "count")->valuedouble, 3);
  cr_assert(has_id(cJSON_GetObjectItem(ps, "cases"), "seq.after-400"));
  cr_assert_str_eq(str_of(ps, "cause"),
                   "problem \"status\" is 422, the HTTP status is 400 (at offset N)");
  const cJSON *psr = cJSON_GetObjectItem(ps, "representative");
  cr_assert_str_eq(str_of(psr, "case"), "neg.acc.short", "the smallest body represents");
  cr_assert_str_eq(str_of(psr, "source"), "catalogue");
  const cJSON *echo = cJSON_GetArrayItem(f, 2);
  cr_assert_eq(cJSON_GetObjectItem(echo, "count")->valuedouble, 2);
  cr_assert_str_eq(str_of(echo, "cause"), "request value '...' missing from the 201 body");
  /* explore-only finding, error finding, the warning with its tolerated reason */
  cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(f, 3), "count")->valuedouble, 0);
  cr_assert_str_eq(str_of(cJSON_GetObjectItem(cJSON_GetArrayItem(f, 3), "representative"), "case"),
                   "explore.7");
  cr_assert_str_eq(str_of(cJSON_GetObjectItem(cJSON_GetArrayItem(f, 4), "representative"), "case"),
                   "raw.deep");
  const cJSON *w = cJSON_GetArrayItem(f, 5);
  cr_assert_eq(cJSON_GetObjectItem(w, "count")->valuedouble, 2);
  cr_assert_str_eq(str_of(w, "tolerated_reason"), "RFC 9457 recommends application/problem+json");
  /* stable: the same model gives the same ids */
  cJSON *again = hreport_findings(r);
  cr_assert_not_null(again);
  for (int i = 0; i < 6; i++)
    cr_assert_str_eq(str_of(cJSON_GetArrayItem(again, i), "id"),
                     str_of(cJSON_GetArrayItem(f, i), "id"));
  cJSON_Delete(again);
  cJSON_Delete(r);
}

Test(report, normalise_message) {
  struct {
    const char *in, *out;
  } cases[] = {
      {"expected 400, got 201", "expected 400, got 201"},
      {"body is not strict JSON: bad, at offset 412 (/a/3)", "body is not strict JSON: bad, at offset N (/a/N)"},
      {"\"ACC-1234-567\" does not match pattern", "\"...\" does not match pattern"},
      {"problem \"status\" is 422", "problem \"status\" is 422"},
      {"audit.created.at is 1234 s from the Date header", "audit.created.at is N s from the Date header"},
      {"id TKN-1234-5678-9012  differs", "id TKN-N-N-N differs"},
      {"unterminated 'abc", "unterminated '...'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[256];
    hreport_normalise_message(cases[i].in, strlen(cases[i].in), out, sizeof out);
    cr_assert_str_eq(out, cases[i].out, "case %zu", i);
  }
}

/* The terminal lines: every finding names a case that really failed that check. */
Test(report, print_findings_names_failing_cases) {
  cJSON *r = load_data("findings-report.json");
  cr_assert_eq(hreport_add_findings(r), 0);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  hreport_print_findings(out, r, 3);
  fclose(out);
  cr_assert_not_null(strstr(text, "findings (6 distinct: 4 fail, 1 error, 1 warn; most severe "
                                  "first):\n"),
                     "%s", text);
  cr_assert_not_null(strstr(text, "FAIL  schema.request.ModuleDto.id.pattern [status] 3 cases + "
                                  "40 explore requests, e.g. explore.2 (shrunk"),
                     "%s", text);
  cr_assert_not_null(strstr(text, "FAIL  rfc9457.problem-status-matches [problem-status] 3 cases, "
                                  "e.g. neg.acc.short\n"),
                     "%s", text);
  cr_assert_not_null(strstr(text, "... 3 more findings in compliance.json"), "%s", text);
  /* neg.acc.short's own requirement passed: it is named for the check it failed */
  const cJSON *cases = cJSON_GetObjectItem(r, "cases");
  for (const cJSON *c = cases->child; c; c = c->next) {
    if (strcmp(str_of(c, "id"), "neg.acc.short"))
      continue;
    int failed = 0;
    for (const cJSON *k = cJSON_GetObjectItem(c, "checks")->child; k; k = k->next)
      failed |= !strcmp(str_of(k, "requirement"), "rfc9457.problem-status-matches") &&
                !strcmp(str_of(k, "status"), "fail");
    cr_assert(failed);
  }
  free(text);
  /* all of them, warnings included, on a run without any failure too */
  text = NULL;
  out = open_memstream(&text, &len);
  hreport_print_findings(out, r, -1);
  fclose(out);
  cr_assert_not_null(strstr(text, "WARN  response.media-type-documented [media-type] 2 cases, "
                                  "e.g. neg.name.type"),
                     "%s", text);
  free(text);
  cJSON_Delete(r);
}

Test(report, requirement_rows_are_honest) {
  cJSON *r = load_data("findings-report.json");
  cr_assert_eq(hreport_add_findings(r), 0);
  char *md = hreport_render_md(r, NULL);
  cr_assert_not_null(md);
  /* the account pattern passed: the cases that failed another requirement are not its failures */
  cr_assert_not_null(strstr(md, "| pass | `schema.request.AccountDto.id.pattern` | account.id "
                                "matches its pattern | spec | 2 |  |"),
                     "%s", md);
  cr_assert_not_null(strstr(md, "| fail | `rfc9457.problem-status-matches` | problem status "
                                "equals the HTTP status | rfc9457 | 3 | `neg.acc.short` "
                                "`neg.acc.long` `seq.after-400` |"),
                     "%s", md);
  /* status "pass" in the file, but no case judged it */
  cr_assert_not_null(strstr(md, "| not exercised | `http.401-www-authenticate` |"), "%s", md);
  cr_assert_null(strstr(md, "| pass | `http.401-www-authenticate` |"));
  cr_assert_not_null(strstr(md, "| warn | `response.media-type-documented` | the response "
                                "Content-Type is documented | spec | 2 (2 warned) |  |"),
                     "%s", md);
  /* the findings open the view, each with its tolerated reason where it applies */
  const char *fi = strstr(md, "## Findings");
  cr_assert(fi && fi < strstr(md, "## Requirements by class"));
  cr_assert_not_null(strstr(md, "**Left open by the documents:** RFC 9457 recommends "
                                "application/problem+json"),
                     "%s", md);
  cr_assert_not_null(strstr(md, "shrunk by the explore phase (body 9 bytes, from 180)"), "%s", md);
  /* its reproducer is the shrunk one; the recorded exchange the smallest case's */
  cr_assert_not_null(strstr(md, "```sh\ncurl -sS -i -X POST 'http://127.0.0.1:40123/public/v1/"
                                "accounts/api-tokens' --data-binary "
                                "@'/tmp/r/explore/2-schema.request.ModuleDto.id.pattern.body'\n"),
                     "%s", md);
  cr_assert_not_null(strstr(md, "{\"modules\":[{\"id\":\"MOD-1\"}]}\n```"), "%s", md);
  free(md);
  cJSON_Delete(r);
}

Test(report, schema_coverage) {
  cJSON *r = load_data("findings-report.json");
  cJSON *cat = load_data("findings-catalogue.json");
  cJSON *cov = hreport_coverage(r, cat);
  cr_assert_not_null(cov);
  cr_assert_str_eq(str_of(cov, "source"), "catalogue");
  int seen = 0;
  for (const cJSON *x = cJSON_GetObjectItem(cov, "rows")->child; x; x = x->next) {
    const char *id = str_of(x, "requirement");
    double p = cJSON_GetObjectItem(x, "positive")->valuedouble;
    double n = cJSON_GetObjectItem(x, "negative")->valuedouble;
    if (!strcmp(id, "schema.request.ModuleDto.id.pattern")) {
      cr_assert_str_eq(str_of(x, "location"), "ModuleDto.id");
      cr_assert_str_eq(str_of(x, "keyword"), "pattern");
      cr_assert(p == 0 && n == 3, "%g %g", p, n);
      seen++;
    } else if (!strcmp(id, "schema.request.CreateApiTokenDto.icon.optional")) {
      cr_assert_str_eq(str_of(x, "keyword"), "optional");
      cr_assert(p == 1 && n == 0, "%g %g", p, n);
      seen++;
    } else if (!strcmp(id, "prose.modules-required")) {
      cr_assert_str_eq(str_of(x, "kind"), "prose");
      cr_assert(p == 0 && n == 0);
      seen++;
    }
    cr_assert(strncmp(id, "http.", 5), "only schema keywords and prose rules: %s", id);
  }
  cr_assert_eq(seen, 3);
  const cJSON *missed = cJSON_GetObjectItem(cov, "not_reached");
  cr_assert(has_id(missed, "prose.modules-required"));
  cr_assert(has_id(missed, "schema.request.ExtensionDto.id.type"), "a catalogue-only keyword");
  cr_assert(!has_id(missed, "schema.request.AccountDto.id.pattern"));
  /* the views show it, from the catalogue beside the report */
  rendered v;
  memset(&v, 0, sizeof v);
  ts_tmpdir(v.dir, sizeof v.dir, "report");
  char path[128];
  char *text = cJSON_Print(cat);
  snprintf(path, sizeof path, "%s/catalogue.json", v.dir);
  ts_write_file(path, text);
  free(text);
  text = cJSON_Print(r);
  snprintf(path, sizeof path, "%s/compliance.json", v.dir);
  ts_write_file(path, text);
  free(text);
  char err[256] = "";
  cr_assert_eq(hreport_write_views(v.dir, err, sizeof err), 0, "%s", err);
  snprintf(path, sizeof path, "%s/compliance.md", v.dir);
  v.md = ts_slurp(path, NULL);
  cr_assert_not_null(strstr(v.md, "## Schema coverage"));
  cr_assert_not_null(strstr(v.md, "| `ModuleDto.id` | pattern | "
                                  "`schema.request.ModuleDto.id.pattern` | 0 | 3 |"),
                     "%s", v.md);
  cr_assert_not_null(strstr(v.md, "**Not reached by any case:** `prose.modules-required`"));
  rendered_free(&v);
  cJSON_Delete(cov);
  cJSON_Delete(cat);
  cJSON_Delete(r);
}

/* ~150 failing cases of a few causes, 2 KB bodies each: the Markdown view stays small. */
Test(report, many_failures_stay_small) {
  cJSON *r = fixture(1);
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  char body[2049];
  memset(body, 'x', 2048);
  body[2048] = '\0';
  static const char *const causes[] = {"expected 400, got 201", "expected 400, got 500",
                                       "problem \"status\" is 422, the HTTP status is 400"};
  for (int i = 0; i < 150; i++) {
    char id[32], msg[160];
    snprintf(id, sizeof id, "gen.case.%03d", i);
    snprintf(msg, sizeof msg, "%s (at offset %d)", causes[i % 3], i * 7);
    cJSON *c = test_case(id, "prose.revision-is-one", "negative-body", "fail", msg);
    cJSON *checks = cJSON_AddArrayToObject(c, "checks");
    cJSON *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "name", i % 3 == 2 ? "problem-status" : "status");
    cJSON_AddStringToObject(k, "status", "fail");
    cJSON_AddStringToObject(k, "message", msg);
    cJSON_AddStringToObject(k, "requirement", i % 3 == 2 ? "http.no-5xx" : "prose.revision-is-one");
    cJSON_AddItemToArray(checks, k);
    add_evidence(c, 400, body, body, "curl x", "Bearer <redacted>");
    cJSON_AddItemToArray(cases, c);
  }
  cr_assert_eq(hreport_add_findings(r), 0);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "findings")), 6,
               "three causes + the fixture's three");
  rendered v;
  render_fixture(r, &v);
  cr_assert_lt(v.md_len, 60000, "compliance.md is %zu bytes", v.md_len);
  cr_assert_lt(v.html_len, 200000, "compliance.html is %zu bytes", v.html_len);
  cr_assert_not_null(strstr(v.md, "50 cases: `gen.case.000`, `gen.case.003`"), "%s", v.md);
  cr_assert_not_null(strstr(v.md, "and 44 more"));
  cr_assert_not_null(strstr(v.html, "gen.case.149"), "the HTML lists every case");
  rendered_free(&v);
}

/* Runs python3's XML parser on a file; returns its exit status (0: well-formed). */
static int xml_parse_status(const char *path, char *out, size_t cap) {
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); "
           "print(len(list(r.iter(\"testcase\"))))' '%s' 2>&1",
           path);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  return pclose(p);
}

static cJSON *hostile_model(void) {
  cJSON *r = fixture(1);
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  /* strings no writer may trust: invalid UTF-8, control characters, markup, a secret */
  cJSON *c = test_case("neg.hostile\x01<x>", "prose.revision-is-one", "negative-body", "fail",
                       "bad \xff\xfe byte");
  cJSON *checks = cJSON_AddArrayToObject(c, "checks");
  cJSON *k = cJSON_CreateObject();
  cJSON_AddStringToObject(k, "name", "media-type");
  cJSON_AddStringToObject(k, "status", "fail");
  cJSON_AddStringToObject(k, "message", "Content-Type text/\xc3\x28html]]>\x1b[0m where "
                                        "application/json is documented");
  cJSON_AddStringToObject(k, "requirement", "http.media-type.response");
  cJSON_AddItemToArray(checks, k);
  add_evidence(c, 400, "{\"a\":\"\x02\"}", "\xef\xbf\xbe</failure>\x0c",
               "curl -H 'Authorization: Bearer " SECRET_BEARER "' http://h/", "Bearer <redacted>");
  cJSON_AddItemToArray(cases, c);
  return r;
}

Test(report, junit_well_formed_with_findings) {
  cJSON *r = hostile_model();
  cr_assert_eq(hreport_add_findings(r), 0);
  char dir[64], path[128], err[256] = "", out[512];
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/junit.xml", dir);
  cr_assert_eq(hreport_write_junit(path, r, err, sizeof err), 0, "%s", err);
  cr_assert_eq(xml_parse_status(path, out, sizeof out), 0, "not well-formed XML: %s", out);
  cr_assert_eq(atoi(out), 5, "5 testcases: %s", out);
  char *x = ts_slurp(path, NULL);
  cr_assert_null(strstr(x, SECRET_BEARER), "a secret in junit.xml");
  cr_assert_null(strchr(x, '\x01'));
  cr_assert_null(strchr(x, '\x1b'));
  cr_assert_not_null(strstr(x, "\\x01&lt;x&gt;"), "control characters shown as text");
  cr_assert_not_null(strstr(x, "text/\\xC3(html]]&gt;\\x1B[0m"), "invalid UTF-8 as \\xNN: %s", x);
  /* the failing case: its finding, its checks, the reproducer, an evidence excerpt */
  const char *fail = strstr(x, "name=\"sem.revision\"");
  cr_assert_not_null(fail);
  cr_assert_not_null(strstr(fail, "<failure message=\"[F"));
  cr_assert_not_null(strstr(fail, "prose.revision-is-one: /revision: expected 1, got 2\""));
  cr_assert_not_null(strstr(fail, "reproduce:\ncurl -sS -X POST"));
  cr_assert_not_null(strstr(fail, "evidence:\nPOST http://127.0.0.1:40123/"));
  cr_assert_not_null(strstr(fail, "-&gt; HTTP 201\n"));
  /* the warning: skipped with its message, and a property */
  const char *warn = strstr(x, "name=\"http.ct.problem\"");
  cr_assert_not_null(warn);
  cr_assert_not_null(strstr(warn, "<skipped message=\"warning: application/problem+json"));
  cr_assert_not_null(strstr(warn, "<property name=\"warning\""));
  cr_assert_not_null(strstr(x, "<error message=\"[F"), "the case that could not run");
  free(x);
  ts_rmtree(dir);
  cJSON_Delete(r);
}

Test(report, sanitize_makes_any_model_writable) {
  cJSON *r = hostile_model();
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "target"), "server",
                            cJSON_CreateString("srv\xc0\xaf\xed\xa0\x80"));
  int fixed = hreport_sanitize(r);
  cr_assert_eq(fixed, 3, "fixed %d strings (server, detail, message)", fixed);
  cr_assert_eq(hreport_add_findings(r), 0);
  char *text = cJSON_PrintUnformatted(r);
  hjson_doc *doc = hjson_doc_new();
  hjson_error e;
  cr_assert_not_null(hjson_parse(doc, text, strlen(text), NULL, &e),
                     "strict JSON after sanitizing: %s at %zu", e.msg, e.offset);
  cr_assert_not_null(strstr(text, "srv\\\\xC0\\\\xAF\\\\xED\\\\xA0\\\\x80"), "%s", text);
  hjson_doc_free(doc);
  /* and the views of it render */
  rendered v;
  render_fixture(r, &v);
  cr_assert_null(strstr(v.md, SECRET_BEARER));
  cr_assert_null(strstr(v.html, SECRET_BEARER));
  rendered_free(&v);
  free(text);
}

Test(report, sarif_structure) {
  cJSON *r = load_data("findings-report.json");
  char path_spec[512];
  snprintf(path_spec, sizeof path_spec, "%s/../../spec/create-api-token.openapi.json",
           TEST_DATA_DIR);
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "spec"), "path",
                            cJSON_CreateString(path_spec));
  cr_assert_eq(hreport_add_findings(r), 0);
  char dir[64], path[128], err[256] = "";
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/out.sarif", dir);
  cr_assert_eq(hreport_write_sarif(path, r, err, sizeof err), 0, "%s", err);
  char *text = ts_slurp(path, NULL);
  cJSON *s = cJSON_Parse(text);
  cr_assert_not_null(s);
  cr_assert_str_eq(str_of(s, "version"), "2.1.0");
  cr_assert_not_null(strstr(str_of(s, "$schema"), "sarif-2.1.0"));
  cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "runs"), 0);
  cJSON *driver = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver");
  cr_assert_str_eq(str_of(driver, "name"), "apiharness");
  cJSON *rules = cJSON_GetObjectItem(driver, "rules");
  cJSON *results = cJSON_GetObjectItem(run, "results");
  cr_assert_eq(cJSON_GetArraySize(results), 6, "one result per finding");
  for (const cJSON *x = results->child; x; x = x->next) {
    int ri = cJSON_GetObjectItem(x, "ruleIndex")->valueint;
    cr_assert(ri >= 0 && ri < cJSON_GetArraySize(rules));
    cr_assert_str_eq(str_of(cJSON_GetArrayItem(rules, ri), "id"), str_of(x, "ruleId"));
    const char *level = str_of(x, "level");
    cr_assert(!strcmp(level, "error") || !strcmp(level, "warning"));
    cr_assert_not_null(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(x, "message"), "text")));
    cJSON *loc = cJSON_GetArrayItem(cJSON_GetObjectItem(x, "locations"), 0);
    cJSON *phys = cJSON_GetObjectItem(loc, "physicalLocation");
    cr_assert_str_eq(str_of(cJSON_GetObjectItem(phys, "artifactLocation"), "uri"), path_spec);
    cr_assert_geq(cJSON_GetObjectItem(cJSON_GetObjectItem(phys, "region"), "startLine")->valueint, 1);
    const char *fq = str_of(cJSON_GetArrayItem(cJSON_GetObjectItem(loc, "logicalLocations"), 0),
                            "fullyQualifiedName");
    cr_assert_eq(fq[0], '#');
    cr_assert_eq(fq[1], '/');
  }
  cJSON *first = cJSON_GetArrayItem(results, 0);
  cJSON *second = cJSON_GetArrayItem(results, 1);
  cr_assert_str_eq(str_of(first, "ruleId"), "rfc9457.problem-status-matches");
  cr_assert_str_eq(str_of(second, "ruleId"), "schema.request.ModuleDto.id.pattern");
  first = second;
  const char *fq = str_of(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
                                                 cJSON_GetObjectItem(first, "locations"), 0),
                                                                 "logicalLocations"),
                                             0),
                          "fullyQualifiedName");
  cr_assert_str_eq(fq, "#/components/schemas/ModuleDto/properties/id");
  /* the region points into the spec where that schema's id property is:
   * the line of "id" under ModuleDto's "properties" */
  char *spec = ts_slurp(path_spec, NULL);
  cr_assert_not_null(spec, "cannot read %s", path_spec);
  const char *at = strstr(spec, "\"ModuleDto\": {");
  at = at ? strstr(at, "\"properties\"") : NULL;
  at = at ? strstr(at, "\"id\"") : NULL;
  cr_assert_not_null(at, "no ModuleDto id property in %s", path_spec);
  int line = 1;
  for (const char *p = spec; p < at; p++)
    line += *p == '\n';
  free(spec);
  cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
                   cJSON_GetObjectItem(first, "locations"), 0), "physicalLocation"), "region"),
                   "startLine")->valueint, line);
  cJSON *last = cJSON_GetArrayItem(results, 5);
  cr_assert_str_eq(str_of(last, "level"), "warning");
  cJSON_Delete(s);
  free(text);
  ts_rmtree(dir);
  cJSON_Delete(r);
}

Test(report, summary_md_short) {
  cJSON *r = load_data("findings-report.json");
  char dir[64], path[128], err[256] = "";
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/summary.md", dir);
  cr_assert_eq(hreport_write_summary_md(path, r, "reports/x", err, sizeof err), 0, "%s", err);
  size_t len = 0;
  char *md = ts_slurp(path, &len);
  cr_assert_lt(len, 4096);
  cr_assert_not_null(strstr(md, "### apiharness certify: NON-COMPLIANT\n"), "%s", md);
  cr_assert_not_null(strstr(md, "| FAIL | expected 400, got 201 | "
                                "`schema.request.ModuleDto.id.pattern` | 3 | `explore.2` |"),
                     "%s", md);
  cr_assert_not_null(strstr(md, "Full report: `reports/x/compliance.html`"));
  free(md);
  ts_rmtree(dir);
  cJSON_Delete(r);
}

/* One bad byte from a peer (a header value, the Server header) never costs the
 * report: all four files are written, the JSON is strict, the XML well-formed,
 * and the views of an earlier run in the same directory are replaced. */
Test(report, write_report_never_fails_on_peer_bytes) {
  cJSON *r = hostile_model();
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  cJSON *last = cJSON_GetArrayItem(cases, cJSON_GetArraySize(cases) - 1);
  cJSON *rh = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "evidence"),
                                                      "response"),
                                  "headers");
  cJSON_AddItemToArray(rh, header("Content-Type", "application/json\xff\x80; x=\x01"));
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "target"), "server",
                            cJSON_CreateString("nginx\xfe"));
  char dir[64], path[128], err[256] = "", out[512];
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/compliance.md", dir);
  ts_write_bytes(path, "# Verdict: COMPLIANT\n", 21); /* a stale view of an earlier run */
  cr_assert_eq(hreport_write_report(dir, r, NULL, err, sizeof err), 0, "%s", err);
  char *md = ts_slurp(path, NULL);
  cr_assert_not_null(strstr(md, "# Verdict: NON-COMPLIANT"), "the stale view was kept");
  free(md);
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  size_t len = 0;
  char *json = ts_slurp(path, &len);
  hjson_doc *doc = hjson_doc_new();
  hjson_error e;
  const cJSON *back = hjson_parse(doc, json, len, NULL, &e);
  cr_assert_not_null(back, "compliance.json is not strict JSON: %s at %zu", e.msg, e.offset);
  cr_assert_not_null(cJSON_GetObjectItem(back, "findings"));
  cr_assert_not_null(strstr(json, "nginx\\\\xFE"));
  cr_assert_not_null(strstr(json, "application/json\\\\xFF\\\\x80; x=\\u0001"), "%s", json);
  hjson_doc_free(doc);
  free(json);
  snprintf(path, sizeof path, "%s/junit.xml", dir);
  cr_assert_eq(xml_parse_status(path, out, sizeof out), 0, "junit.xml: %s", out);
  snprintf(path, sizeof path, "%s/compliance.html", dir);
  char *html = ts_slurp(path, NULL);
  cr_assert_not_null(strstr(html, "(server <code>nginx\\xFE</code>)"), "the Server header shown");
  free(html);
  ts_rmtree(dir);
  cJSON_Delete(r);
}

/* ---- the page in headless Chromium, offline ------------------------------------------ */

/* The browser of the test, stopped by its .fini even when an assertion ends
 * the test early (no browser outlives it). */
static browser *live_browser;

static void chromium_fini(void) {
  if (live_browser && live_browser->pid)
    browser_stop(live_browser);
  live_browser = NULL;
}

/* One browser session loads four pages in turn (a launch costs about a
 * second, a page a tenth of one); a page's requests are the proxy's record
 * from its navigation to its load event:
 *   1. the detector has teeth: a page with an external image is caught;
 *   2. the report, with hostile strings in a case and its evidence: the
 *      verdict shows, no script of the report's runs, no image becomes an
 *      element, our own filter script runs (allowed by the CSP), and the page
 *      asks for nothing;
 *   3. the findings render first: right after the verdict, before any table;
 *   4. a link to a case (#case-1) opens the closed list of every case. */
Test(report, html_in_headless_chromium, .timeout = 240, .fini = chromium_fini) {
  const char *chromium = chromium_path();
  if (!chromium)
    cr_skip_test("chromium is not installed (Debian package 'chromium'; CI installs it)");
  static browser b; /* zeroed: chromium_fini stops whatever browser_start started */
  live_browser = &b;
  browser_start(&b, chromium);
  static char requests[32768];
  char url[256], first[512] = "";

  /* 1. an external image */
  char dir[64], path[128];
  ts_tmpdir(dir, sizeof dir, "report");
  snprintf(path, sizeof path, "%s/leaky.html", dir);
  ts_write_file(path, "<!DOCTYPE html><html><body><h1>Verdict: X</h1>"
                      "<img src=\"http://attacker.invalid/leak.png\"></body></html>");
  snprintf(url, sizeof url, "file://%s", path);
  char *dom = browser_load(&b, url, requests, sizeof requests);
  cr_assert_not_null(strstr(dom, "Verdict: X"), "leaky.html: not in the DOM");
  cr_assert_eq(page_requests(requests, first, sizeof first), 1, "leaky.html: requests: %s",
               requests);
  cr_assert_not_null(strstr(first, "attacker.invalid/leak.png"), "leaky.html: %s", first);
  free(dom);
  ts_rmtree(dir);

  /* 2. hostile strings in the report */
  cJSON *r = fixture(1);
  cJSON *cases = cJSON_GetObjectItem(r, "cases");
  cJSON *hostile = test_case("neg.hostile", "prose.revision-is-one", "x", "fail",
                             "<img src=\"http://attacker.invalid/d.png\">");
  add_evidence(hostile, 201, "{}",
               "</pre><script>document.body.setAttribute('data-pwned','1')</script>"
               "<img src=\"http://attacker.invalid/p.png\">",
               "curl x", "Bearer <redacted>");
  cJSON_AddItemToArray(cases, hostile);
  rendered v;
  render_fixture(r, &v);
  snprintf(url, sizeof url, "file://%s/compliance.html", v.dir);
  dom = browser_load(&b, url, requests, sizeof requests);
  cr_assert_not_null(strstr(dom, "Verdict: NON-COMPLIANT"), "hostile page: verdict not in the DOM");
  cr_assert_not_null(strstr(dom, "sem.revision"), "hostile page");
  cr_assert_null(strstr(dom, "data-pwned=\"1\""), "hostile page: the report's script ran");
  cr_assert_null(strstr(dom, "<img"), "hostile page: the report's image became an element");
  cr_assert_not_null(strstr(dom, "<p id=\"filters\">"), "hostile page: inline script did not run");
  cr_assert_eq(page_requests(requests, first, sizeof first), 0,
               "hostile page: the page made an external request: %s", first);
  free(dom);
  rendered_free(&v);

  /* 3. the findings first */
  render_fixture(load_data("findings-report.json"), &v);
  snprintf(url, sizeof url, "file://%s/compliance.html", v.dir);
  dom = browser_load(&b, url, requests, sizeof requests);
  const char *verdict = strstr(dom, "Verdict: NON-COMPLIANT");
  const char *findings = strstr(dom, "id=\"findings\"");
  const char *finding0 = strstr(dom, "id=\"finding-0\"");
  const char *reqs = strstr(dom, "id=\"requirements\"");
  cr_assert(verdict && findings && finding0 && reqs,
            "findings page: sections missing from the DOM");
  cr_assert(verdict < findings && findings < finding0 && finding0 < reqs,
            "findings page: the findings are not the first thing after the verdict");
  /* nothing but the verdict banner comes before the findings heading */
  const char *main_el = strstr(dom, "<main>");
  cr_assert_not_null(main_el, "findings page: no <main>");
  cr_assert_null(memmem(main_el, (size_t)(findings - main_el), "<table", 6),
                 "findings page: a table renders before the findings");
  cr_assert_not_null(strstr(finding0, "schema.request.ModuleDto.id.pattern"), "findings page");
  cr_assert_eq(page_requests(requests, first, sizeof first), 0,
               "findings page: the page made an external request: %s", first);
  free(dom);
  rendered_free(&v);

  /* 4. a case link */
  render_fixture(fixture(1), &v);
  cr_assert_not_null(strstr(v.html, "<details><summary>4 cases"), "closed in the file");
  snprintf(url, sizeof url, "file://%s/compliance.html#case-1", v.dir);
  dom = browser_load(&b, url, requests, sizeof requests);
  cr_assert_not_null(strstr(dom, "<details open=\"\"><summary>4 cases"),
                     "#case-1: the list of cases was not opened");
  free(dom);
  rendered_free(&v);
  browser_stop(&b);
}
