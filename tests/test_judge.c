/* The judge: every check's pass and fail paths, under each profile.  Most
 * expectations are data (the .json files of tests/data/judge/, run by data_driven_cases);
 * what stays here is what data cannot say: another entry point
 * (hjudge_distinct, hjudge_created_fields, the date parsers), a body built at
 * run time, another spec. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/hjudge.h"
#include "rules/hreq.h"
#include "rules/hrules.h"
#include "rules/hstatus.h"
#include "spec/hspec.h"
#include "support.h"
#include "json/hjson.h"

static hspec *spec;
static hrules *rules;
static hjudge *judge;

static void setup(void) {
  rules = ts_load_rules(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", &spec);
  judge = hjudge_new(rules);
  cr_assert(judge);
}

static void teardown(void) {
  hjudge_free(judge);
  hrules_free(rules);
  hspec_free(spec);
}

TestSuite(judge, .init = setup, .fini = teardown);

#define DATE "Sat, 28 Nov 2026 12:00:05 GMT"
#define GOOD_201                                                                                   \
  "{\"id\":\"TKN-0001\",\"name\":\"n1\",\"revision\":1,\"token\":\"secret-value\","                \
  "\"status\":\"Active\",\"icon\":null,\"description\":\"d\","                                     \
  "\"account\":{\"id\":\"ACC-1234-5678\",\"name\":\"A\",\"type\":\"Client\"},"                     \
  "\"modules\":[{\"id\":\"MOD-1234\",\"name\":\"M\"}],"                                            \
  "\"audit\":{\"created\":{\"at\":\"2026-11-28T12:00:00Z\"}}}"

static const hjudge_check *find(const hjudge_verdict *v, const char *name) {
  for (size_t i = 0; i < v->n_checks; i++)
    if (!strcmp(v->checks[i].name, name))
      return &v->checks[i];
  return NULL;
}

static hstatus check_status(const hjudge_verdict *v, const char *name) {
  const hjudge_check *c = find(v, name);
  cr_assert(c, "no check '%s' (detail: %s)", name, v->detail);
  return c->status;
}

static hjudge_response resp(int status, const char *ct, const char *body) {
  hjudge_response r = {0};
  r.status = status;
  r.content_type = ct;
  r.body = body;
  r.body_len = body ? strlen(body) : 0;
  r.date = DATE;
  return r;
}

static hjudge_verdict v;

static hstatus run(hjudge_expect e, const hjudge_response *r, hjudge_profile p) {
  hjudge_case c = {.expect = e, .requirement = "case.req"};
  return hjudge_response_judge(judge, &c, r, p, &v);
}

Test(judge, distinct_creates) {
  const char *a = "{\"id\":\"TKN-1\",\"token\":\"aaa\"}";
  const char *b = "{\"id\":\"TKN-2\",\"token\":\"bbb\"}";
  const char *same_id = "{\"id\":\"TKN-1\",\"token\":\"ccc\"}";
  const char *same_tok = "{\"id\":\"TKN-3\",\"token\":\"aaa\"}";
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), b, strlen(b), &v);
  cr_expect_eq(v.status, HSTATUS_PASS);
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), same_id, strlen(same_id), &v);
  cr_expect_eq(v.status, HSTATUS_FAIL);
  cr_expect(strstr(v.detail, "same id"));
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), same_tok, strlen(same_tok), &v);
  cr_expect_eq(v.status, HSTATUS_FAIL);
  cr_expect_null(strstr(v.detail, "aaa"));
  hjudge_verdict_init(&v);
  hjudge_distinct(judge, a, strlen(a), "nope", 4, &v);
  cr_expect_eq(v.status, HSTATUS_SKIP);
  cr_expect_str_eq(v.checks[0].requirement, HREQ_DISTINCT);
}

Test(judge, created_fields) {
  char id[32], tok[8];
  cr_expect(
      hjudge_created_fields(judge, GOOD_201, strlen(GOOD_201), id, sizeof id, tok, sizeof tok));
  cr_expect_str_eq(id, "TKN-0001");
  cr_expect_str_eq(tok, "secret-"); /* cut to the buffer */
  cr_expect_not(hjudge_created_fields(judge, "x", 1, id, sizeof id, tok, sizeof tok));
  cr_expect_str_eq(id, "");
}

Test(judge, dates) {
  long long a, b, c2;
  cr_expect(hjudge_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &a));
  cr_expect(hjudge_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &b));
  cr_expect(hjudge_parse_http_date("Sun Nov  6 08:49:37 1994", &c2));
  cr_expect_eq(a, 784111777);
  cr_expect_eq(a, b);
  cr_expect_eq(a, c2);
  cr_expect_not(hjudge_parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", &a));
  cr_expect_not(hjudge_parse_http_date("", &a));
  cr_expect(hjudge_parse_rfc3339("1994-11-06T09:49:37+01:00", 25, &b));
  cr_expect_eq(b, 784111777);
  cr_expect(hjudge_parse_rfc3339("1994-11-06T08:49:37.123Z", 24, &b));
  cr_expect_eq(b, 784111777);
  cr_expect_not(hjudge_parse_rfc3339("1994-11-06 08:49:37Z", 20, &b));
}

Test(judge, names_round_trip) {
  for (int i = 0; i <= HJUDGE_EXPECT_UNAUTHORIZED_OR_BAD; i++)
    cr_expect_eq(hjudge_expect_parse(hjudge_expect_name((hjudge_expect)i)), i);
  cr_expect_eq(hjudge_expect_parse("created-or-whatever"), -1);
  for (int i = 0; i < 3; i++)
    cr_expect_eq(hjudge_profile_parse(hjudge_profile_name((hjudge_profile)i)), i);
  cr_expect_eq(hjudge_profile_parse("lenient"), -1);
}

Test(judge, hostile_bodies_fail_without_crashing) {
  /* 1,000,000 nested arrays (invalid UTF-8 and a NUL byte: response-bodies.json) */
  size_t n = 1000000;
  char *deep = malloc(2 * n + 1);
  cr_assert(deep);
  memset(deep, '[', n);
  memset(deep + n, ']', n);
  deep[2 * n] = '\0';
  hjudge_response r = resp(201, "application/json", deep);
  cr_expect_eq(run(HJUDGE_EXPECT_CREATED, &r, HJUDGE_PROFILE_DEFAULT), HSTATUS_FAIL);
  cr_expect_eq(check_status(&v, "strict-json"), HSTATUS_FAIL);
  free(deep);
}

/* ---- data-driven cases: the .json files under tests/data/judge/ ----
 *
 * Each file is an array of groups:
 *   {"description": "...", "case": {...}, "response": {...}, "profile": "default",
 *    "tests": [{"description": "...", "case": {...}, "response": {...},
 *               "profile": "...", "verdict": "fail",
 *               "checks": {"<check name>": "pass|warn|fail|skip|absent"},
 *               "requirements": {"<check name>": "the requirement id it carries"},
 *               "messages": {"<check name>": "substring of its message"},
 *               "never_in_messages": ["text no message may contain"],
 *               "detail": "the verdict's exact detail", "detail_contains": "...",
 *               "n_checks": N}]}
 * A test's "case" and "response" members override the group's, member by
 * member (the body as a whole: a test's body, body_json or body_hex replaces
 * the group's).  case: expect (hjudge_expect_name), requirement, method,
 * request_body (a JSON value), tolerated, tolerated_reason, aspnet_tolerated,
 * aspnet_reason, nonstandard_method, lenient_surrogates, not_operation.
 * response: status, content_type, allow, www_authenticate, date, server,
 * transport_msg (strings; null or absent: no header), body (the exact text),
 * body_json (a value, printed compactly) or body_hex (bytes JSON text cannot
 * hold: invalid UTF-8, NUL), now_unix, timed_out, transport_error, truncated,
 * upload_aborted.
 * Every test also checks what no file has to say: every message is one
 * printable line, and every check carries a registered requirement
 * (rules/hreq.h), the "status" check the case's own. */

/* The member `name` of the test, else of the group. */
static const cJSON *member2(const cJSON *test, const cJSON *group, const char *obj,
                            const char *name) {
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(test, obj);
  const cJSON *x = cJSON_IsObject(t) ? cJSON_GetObjectItemCaseSensitive(t, name) : NULL;
  if (x)
    return x;
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(group, obj);
  return cJSON_IsObject(g) ? cJSON_GetObjectItemCaseSensitive(g, name) : NULL;
}

static const char *str2(const cJSON *test, const cJSON *group, const char *obj, const char *name) {
  const cJSON *x = member2(test, group, obj, name);
  return cJSON_IsString(x) ? x->valuestring : NULL;
}

static long long num2(const cJSON *test, const cJSON *group, const char *obj, const char *name) {
  const cJSON *x = member2(test, group, obj, name);
  if (cJSON_IsBool(x))
    return cJSON_IsTrue(x);
  return cJSON_IsNumber(x) ? (long long)x->valuedouble : 0;
}

/* The body of the response object `resp` (NULL or without one: 0); *owned is
 * set when the bytes were allocated (free()). */
static int body_of(const char *where, const cJSON *resp, const char **body, size_t *len,
                   char **owned) {
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(resp, "body");
  const cJSON *json = cJSON_GetObjectItemCaseSensitive(resp, "body_json");
  const cJSON *hex = cJSON_GetObjectItemCaseSensitive(resp, "body_hex");
  cr_assert((text != NULL) + (json != NULL) + (hex != NULL) <= 1,
            "%s: at most one of body, body_json, body_hex", where);
  if (text) {
    *body = hjson_string(text, len); /* null: no body */
    return 1;
  }
  if (json) {
    *owned = cJSON_PrintUnformatted(json);
    cr_assert(*owned);
    *body = *owned;
    *len = strlen(*owned);
    return 1;
  }
  if (hex) {
    cr_assert(cJSON_IsString(hex) && strlen(hex->valuestring) % 2 == 0,
              "%s: body_hex is an even number of hex digits", where);
    size_t n = strlen(hex->valuestring) / 2;
    *owned = malloc(n + 1);
    cr_assert(*owned);
    for (size_t i = 0; i < n; i++) {
      char pair[3] = {hex->valuestring[2 * i], hex->valuestring[2 * i + 1], '\0'}, *end;
      unsigned long b = strtoul(pair, &end, 16);
      cr_assert(*end == '\0', "%s: body_hex: '%s' is not hex", where, pair);
      (*owned)[i] = (char)b;
    }
    (*owned)[n] = '\0';
    *body = *owned;
    *len = n;
    return 1;
  }
  return 0;
}

/* A judge status word of the data files ("pass" ... "skip"). */
static hstatus want_status(const char *where, const char *word) {
  hstatus s = hstatus_parse(word);
  cr_assert(s < HSTATUS_JUDGE_COUNT, "%s: '%s' is not a judge status", where, word);
  return s;
}

/* Runs one data test; returns the number of mismatches (each reported). */
static int run_data_test(const char *where, const cJSON *group, const cJSON *test) {
  hjudge_case c = {0};
  const char *ex = str2(test, group, "case", "expect");
  int e = hjudge_expect_parse(ex ? ex : "created");
  cr_assert(e >= 0, "%s: unknown expect '%s'", where, ex);
  c.expect = (hjudge_expect)e;
  c.requirement = str2(test, group, "case", "requirement");
  if (!c.requirement)
    c.requirement = "data.case";
  c.method = str2(test, group, "case", "method");
  c.request_body = member2(test, group, "case", "request_body");
  c.tolerated = (int)num2(test, group, "case", "tolerated");
  c.tolerated_reason = str2(test, group, "case", "tolerated_reason");
  c.aspnet_tolerated = (int)num2(test, group, "case", "aspnet_tolerated");
  c.aspnet_reason = str2(test, group, "case", "aspnet_reason");
  c.nonstandard_method = (int)num2(test, group, "case", "nonstandard_method");
  c.lenient_surrogates = (int)num2(test, group, "case", "lenient_surrogates");
  c.not_operation = (int)num2(test, group, "case", "not_operation");

  hjudge_response r = {0};
  r.status = (int)num2(test, group, "response", "status");
  r.content_type = str2(test, group, "response", "content_type");
  r.allow = str2(test, group, "response", "allow");
  r.www_authenticate = str2(test, group, "response", "www_authenticate");
  r.date = str2(test, group, "response", "date");
  r.server = str2(test, group, "response", "server");
  r.transport_msg = str2(test, group, "response", "transport_msg");
  r.now_unix = num2(test, group, "response", "now_unix");
  r.timed_out = (int)num2(test, group, "response", "timed_out");
  r.transport_error = (int)num2(test, group, "response", "transport_error");
  r.truncated = (int)num2(test, group, "response", "truncated");
  r.upload_aborted = (int)num2(test, group, "response", "upload_aborted");
  char *owned = NULL;
  if (!body_of(where, cJSON_GetObjectItemCaseSensitive(test, "response"), &r.body, &r.body_len,
               &owned))
    body_of(where, cJSON_GetObjectItemCaseSensitive(group, "response"), &r.body, &r.body_len,
            &owned);
  const cJSON *pj = cJSON_GetObjectItemCaseSensitive(test, "profile");
  if (!pj)
    pj = cJSON_GetObjectItemCaseSensitive(group, "profile");
  int p = hjudge_profile_parse(cJSON_IsString(pj) ? pj->valuestring : "default");
  cr_assert(p >= 0, "%s: unknown profile", where);

  hjudge_verdict out;
  hstatus got = hjudge_response_judge(judge, &c, &r, (hjudge_profile)p, &out);
  free(owned);
  int bad = 0;
  const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(test, "verdict");
  if (cJSON_IsString(verdict) && got != want_status(where, verdict->valuestring)) {
    cr_log_error("%s: verdict %s, expected %s (detail: %s)", where, hstatus_name(got),
                 verdict->valuestring, out.detail);
    bad++;
  }
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(test, "checks");
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
    const hjudge_check *ck = find(&out, k->string);
    cr_assert(cJSON_IsString(k), "%s: checks.%s must be a string", where, k->string);
    if (!strcmp(k->valuestring, "absent")) {
      if (ck) {
        cr_log_error("%s: check %s is %s, expected absent (%s)", where, k->string,
                     hstatus_name(ck->status), ck->message);
        bad++;
      }
      continue;
    }
    hstatus want = want_status(where, k->valuestring);
    if (!ck) {
      cr_log_error("%s: no check %s (detail: %s)", where, k->string, out.detail);
      bad++;
    } else if (ck->status != want) {
      cr_log_error("%s: check %s is %s, expected %s (%s)", where, k->string,
                   hstatus_name(ck->status), k->valuestring, ck->message);
      bad++;
    }
  }
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(test, "requirements");
  for (const cJSON *k = reqs ? reqs->child : NULL; k; k = k->next) {
    const hjudge_check *ck = find(&out, k->string);
    cr_assert(cJSON_IsString(k), "%s: requirements.%s must be a string", where, k->string);
    if (!ck || strcmp(ck->requirement, k->valuestring)) {
      cr_log_error("%s: check %s carries %s, expected %s", where, k->string,
                   ck ? ck->requirement : "(no such check)", k->valuestring);
      bad++;
    }
  }
  const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(test, "messages");
  for (const cJSON *k = msgs ? msgs->child : NULL; k; k = k->next) {
    const hjudge_check *ck = find(&out, k->string);
    if (!ck || !cJSON_IsString(k) || !strstr(ck->message, k->valuestring)) {
      cr_log_error("%s: message of %s is \"%s\", expected to contain \"%s\"", where, k->string,
                   ck ? ck->message : "(no such check)", cJSON_IsString(k) ? k->valuestring : "");
      bad++;
    }
  }
  const cJSON *never = cJSON_GetObjectItemCaseSensitive(test, "never_in_messages");
  for (const cJSON *k = never ? never->child : NULL; k; k = k->next) {
    for (size_t i = 0; cJSON_IsString(k) && i < out.n_checks; i++)
      if (strstr(out.checks[i].message, k->valuestring)) {
        cr_log_error("%s: check %s says \"%s\"", where, out.checks[i].name, out.checks[i].message);
        bad++;
      }
    if (cJSON_IsString(k) && strstr(out.detail, k->valuestring)) {
      cr_log_error("%s: detail says \"%s\"", where, out.detail);
      bad++;
    }
  }
  const cJSON *detail = cJSON_GetObjectItemCaseSensitive(test, "detail");
  if (cJSON_IsString(detail) && strcmp(out.detail, detail->valuestring)) {
    cr_log_error("%s: detail \"%s\", expected \"%s\"", where, out.detail, detail->valuestring);
    bad++;
  }
  const cJSON *dc = cJSON_GetObjectItemCaseSensitive(test, "detail_contains");
  if (cJSON_IsString(dc) && !strstr(out.detail, dc->valuestring)) {
    cr_log_error("%s: detail \"%s\" does not contain \"%s\"", where, out.detail, dc->valuestring);
    bad++;
  }
  const cJSON *nc = cJSON_GetObjectItemCaseSensitive(test, "n_checks");
  if (cJSON_IsNumber(nc) && (double)out.n_checks != nc->valuedouble) {
    cr_log_error("%s: %zu checks, expected %g", where, out.n_checks, nc->valuedouble);
    bad++;
  }
  for (size_t i = 0; i < out.n_checks; i++) {
    const hjudge_check *ck = &out.checks[i];
    /* every message is one printable line */
    for (const char *q = ck->message; *q; q++)
      if ((unsigned char)*q < 0x20) {
        cr_log_error("%s: control byte in the message of %s", where, ck->name);
        bad++;
        break;
      }
    /* every requirement a check carries is registered; "status" the case's */
    int ok = !strcmp(ck->name, "status") ? !strcmp(ck->requirement, c.requirement)
                                         : hreq_known(ck->requirement);
    if (!ok) {
      cr_log_error("%s: check %s carries %s: not %s", where, ck->name, ck->requirement,
                   !strcmp(ck->name, "status") ? "the case's requirement" : "registered");
      bad++;
    }
  }
  return bad;
}

Test(judge, data_driven_cases) {
  const char *dir = TEST_DATA_DIR "/judge";
  char *names[256];
  size_t nn = ts_list_files(dir, ".json", names, 256);
  cr_assert(nn > 0, "no data files in %s", dir);
  size_t tests = 0;
  int bad = 0;
  for (size_t f = 0; f < nn; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[f]);
    size_t len;
    char *text = ts_slurp(path, &len);
    cr_assert(text, "cannot read %s", path);
    hjson_doc *doc = hjson_doc_new();
    hjson_error err;
    const cJSON *root = hjson_parse(doc, text, len, NULL, &err);
    cr_assert(root, "%s: %s at offset %zu", path, err.msg, err.offset);
    cr_assert(cJSON_IsArray(root) && cJSON_GetArraySize(root) > 0,
              "%s: a non-empty array of groups expected", path);
    for (const cJSON *g = root->child; g; g = g->next) {
      const cJSON *gd = cJSON_GetObjectItemCaseSensitive(g, "description");
      const cJSON *ts = cJSON_GetObjectItemCaseSensitive(g, "tests");
      cr_assert(cJSON_IsString(gd) && cJSON_IsArray(ts) && cJSON_GetArraySize(ts) > 0,
                "%s: a group needs a description and tests", path);
      for (const cJSON *t = ts->child; t; t = t->next) {
        const cJSON *td = cJSON_GetObjectItemCaseSensitive(t, "description");
        cr_assert(cJSON_IsString(td), "%s: %s: a test needs a description", path, gd->valuestring);
        char where[768];
        snprintf(where, sizeof where, "%s: %s: %s", names[f], gd->valuestring, td->valuestring);
        bad += run_data_test(where, g, t);
        tests++;
      }
    }
    hjson_doc_free(doc);
    free(text);
    free(names[f]);
  }
  cr_log_info("%zu judge data tests in %zu files", tests, nn);
  cr_expect_eq(bad, 0, "%d mismatches in the judge data tests (see the log)", bad);
}

/* A request field the 201 schema does not document (a spec whose request has
 * a recursive "parent" and module "children" its ApiToken lacks) is not
 * required back; the documented ones still are. */
Test(judge_spec, echo_only_what_the_201_documents) {
  herr se;
  hspec *rs = hspec_load_file(TEST_DATA_DIR "/cases/recursive.openapi.json", &se);
  cr_assert(rs, "%s", se.msg);
  herr he;
  hrules *rr = hrules_new(rs, &he);
  cr_assert(rr, "%s", he.msg);
  hjudge *jj = hjudge_new(rr);
  cr_assert(jj);
  static const char req_text[] =
      "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n1\",\"description\":\"d\","
      "\"modules\":[{\"id\":\"MOD-1234\",\"children\":[]}],"
      "\"parent\":{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"p\",\"modules\":[{\"id\":"
      "\"MOD-1234\"}]}}";
  hjson_doc *d = hjson_doc_new();
  const cJSON *req = hjson_parse(d, req_text, strlen(req_text), NULL, NULL);
  cr_assert(req);
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED, .requirement = "r", .request_body = req};
  hjudge_response r = resp(201, "application/json", GOOD_201);
  hjudge_verdict vv;
  hjudge_response_judge(jj, &c, &r, HJUDGE_PROFILE_DEFAULT, &vv);
  for (size_t i = 0; i < vv.n_checks; i++)
    cr_expect(strncmp(vv.checks[i].name, "echo:parent", 11) != 0, "undocumented: %s",
              vv.checks[i].name);
  cr_expect_eq(check_status(&vv, "echo:name"), HSTATUS_PASS, "%s", vv.detail);
  cr_expect_eq(check_status(&vv, "echo:modules[].id"), HSTATUS_PASS, "%s", vv.detail);
  /* a documented field that differs still fails */
  static const char bad[] =
      "{\"id\":\"TKN-0001\",\"name\":\"other\",\"revision\":1,\"token\":\"secret-value\","
      "\"status\":\"Active\",\"icon\":null,\"description\":\"d\","
      "\"account\":{\"id\":\"ACC-1234-5678\",\"name\":\"A\",\"type\":\"Client\"},"
      "\"modules\":[{\"id\":\"MOD-1234\",\"name\":\"M\"}],"
      "\"audit\":{\"created\":{\"at\":\"2026-11-28T12:00:00Z\"}}}";
  r = resp(201, "application/json", bad);
  hjudge_response_judge(jj, &c, &r, HJUDGE_PROFILE_DEFAULT, &vv);
  cr_expect_eq(check_status(&vv, "echo:name"), HSTATUS_FAIL);
  hjson_doc_free(d);
  hjudge_free(jj);
  hrules_free(rr);
  hspec_free(rs);
}
