/* The mock follows the spec it was started with: the 201 is built from the
 * spec's 201 schema (request members echoed, other documented members
 * generated valid: formats, enums, bounds, patterns, nullable/allOf), the
 * ProblemDetails media type is the one the spec documents for the status, and
 * `apiharness certify --spec` of another spec certifies the mock started with
 * that spec as compliant. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unistd.h>

#include "support.h"
#include "test_mock_common.h"

TS_LSAN_CRITERION

#define VARIANT_SPEC TEST_DATA_DIR "/cases/variant.openapi.json"
#define RICH_SPEC TEST_DATA_DIR "/mock/rich.openapi.json"
#define FORMATS_SPEC TEST_DATA_DIR "/cases/formats.openapi.json"
#define RICH_BODY                                                                                  \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"ci token\","                                 \
  "\"modules\":[{\"id\":\"MOD-0001\"},{\"id\":\"MOD-0002\"}]}"
#define VARIANT_BODY                                                                               \
  "{\"account\":{\"id\":\"ACC-1234-5678\",\"label\":\"main \\u00e9\"},\"name\":\"ci\","            \
  "\"modules\":[{\"id\":\"MOD-AB12\",\"note\":\"n1\"},{\"id\":\"MOD-CD34\"}],"                     \
  "\"tags\":[\"a\",\"b\",\"a\"],\"ttl\":3600,\"enabled\":false,\"scope\":\"write\","               \
  "\"expiresAt\":\"2030-01-02T03:04:05Z\"}"

/* ---- a mock and a judge over one spec file ---- */

typedef struct {
  mc_judge j; /* the spec the mock was started with, its rules, a parser */
  hmock *m;
} spec_fx;

static void fx_open(spec_fx *f, const char *path, int problem_json) {
  memset(f, 0, sizeof *f);
  mc_judge_open(&f->j, path);
  hmock_options o;
  memset(&o, 0, sizeof o);
  o.spec = f->j.spec;
  o.problem_json = problem_json;
  char err[600];
  f->m = hmock_start(&o, err, sizeof err);
  cr_assert_not_null(f->m, "hmock_start: %s", err);
}

static void fx_close(spec_fx *f) {
  hmock_stop(f->m);
  mc_judge_fini(&f->j);
}

/* Posts body, expects a 201 that the spec's 201 schema and the prose accept,
 * with no warning either (nothing deprecated); returns the parsed body. */
static const cJSON *created(spec_fx *f, const char *body, mc_resp *r) {
  mc_post(hmock_port(f->m), "application/json", body, r);
  cr_assert_eq(r->status, 201, "status %ld: %s", r->status, r->body ? r->body : "");
  char ct[128];
  cr_assert_str_eq(mc_header(r, "Content-Type", ct, sizeof ct), "application/json");
  hjson_error e;
  const cJSON *root = hjson_parse(f->j.doc, r->body, r->len, NULL, &e);
  cr_assert_not_null(root, "201 not strict JSON: %s at %zu", e.msg, e.offset);
  hschema_result_reset(f->j.res);
  int ok = hrules_check_response(f->j.rules, 201, root, f->j.res);
  char viol[4096] = "";
  size_t o = 0;
  for (size_t i = 0; i < hschema_result_count(f->j.res) && o + 600 < sizeof viol; i++) {
    const hschema_violation *v = hschema_result_at(f->j.res, i);
    o += (size_t)snprintf(viol + o, sizeof viol - o, "%s: %s [%s]\n", v->instance, v->message,
                          v->keyword);
  }
  cr_assert(ok, "the 201 breaks its schema:\n%s", viol);
  cr_assert_eq(hschema_result_warnings(f->j.res), 0, "warnings:\n%s", viol);
  return root;
}

static const cJSON *member(const cJSON *o, const char *name) {
  return hjson_get(o, name, strlen(name));
}

static const char *text(const cJSON *o, const char *name) {
  const char *s = hjson_string(member(o, name), NULL);
  cr_assert_not_null(s, "\"%s\" is not a string", name);
  return s;
}

static int matches(const char *pattern, const char *s) {
  int ec;
  PCRE2_SIZE eo;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
  cr_assert_not_null(re, "pattern %s", pattern);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return rc >= 0;
}

/* ---- the 201 follows the spec's 201 schema ---- */

Test(mock_spec, rich_201_generates_every_documented_constraint) {
  spec_fx f;
  fx_open(&f, RICH_SPEC, 0);
  mc_resp r;
  const cJSON *t = created(&f, RICH_BODY, &r);
  /* echoed */
  cr_assert_str_eq(text(t, "name"), "ci token");
  cr_assert_str_eq(text(member(t, "account"), "id"), "ACC-1234-5678");
  const cJSON *mods = member(t, "modules");
  cr_assert_eq(cJSON_GetArraySize(mods), 2);
  cr_assert_str_eq(text(cJSON_GetArrayItem(mods, 1), "id"), "MOD-0002");
  cr_assert_str_eq(text(cJSON_GetArrayItem(mods, 1), "grant"), "read",
                   "a required item member the request lacks: the enum's first value");
  cr_assert_null(member(cJSON_GetArrayItem(mods, 0), "name"), "optional item members not invented");
  cr_assert_null(member(t, "label"), "a request field left out is not invented");
  /* formats the validator does not check itself */
  cr_assert(matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                    text(t, "id")),
            "uuid id: %s", text(t, "id"));
  cr_assert(matches("^[^@\\s]+@[^@\\s]+\\.[a-z]+$", text(t, "owner")), "email");
  cr_assert(matches("^https?://[^\\s/]+/", text(t, "home")), "uri");
  cr_assert(matches("^\\d{4}-\\d{2}-\\d{2}$", text(t, "createdOn")), "date");
  cr_assert(matches("^[A-Z]{3}-\\d{2}$", text(t, "code")), "pattern");
  cr_assert_eq(member(t, "quota")->valuedouble, 10, "minimum 10, multipleOf 5");
  double ratio = member(t, "ratio")->valuedouble;
  cr_assert(ratio > 0 && ratio <= 0.5, "exclusiveMinimum 0, maximum 0.5: %g", ratio);
  size_t len = strlen(text(t, "short"));
  cr_assert(len >= 3 && len <= 5, "minLength 3, maxLength 5");
  cr_assert_geq(strlen(text(t, "padded")), 12);
  cr_assert_eq(cJSON_GetArraySize(member(t, "tags")), 2, "minItems 2");
  cr_assert_geq(member(member(t, "meta"), "version")->valuedouble, 3, "nullable allOf $ref");
  cr_assert_null(member(t, "secretPin"), "writeOnly is never sent back");
  cr_assert_null(member(t, "legacy"), "deprecated is not generated");
  /* the secret keeps its shape: idt:<id>:<256 random bits> */
  const char *token = text(t, "token");
  cr_assert_eq(strncmp(token, "idt:", 4), 0);
  cr_assert_eq(strncmp(token + 4, text(t, "id"), strlen(text(t, "id"))), 0);
  char first_id[64];
  snprintf(first_id, sizeof first_id, "%s", text(t, "id"));
  mc_free(&r);
  t = created(&f, RICH_BODY, &r);
  cr_assert_str_neq(text(t, "id"), first_id, "each create a fresh uuid");
  mc_free(&r);
  fx_close(&f);
}

/* Members of the 201 that only the generator fills, each with bounds that a
 * naive value breaks: the mock's values come from the harness's one generator
 * (cases/hcases_gen.h) and must meet every bound at once. */
static const char BOUNDED_MEMBERS[] =
    "{\"ttl\":{\"type\":\"integer\",\"minimum\":60,\"maximum\":86400},"
    "\"tight\":{\"allOf\":[{\"minimum\":5},{\"minimum\":50}],\"maximum\":60},"
    "\"step\":{\"type\":\"integer\",\"multipleOf\":0.3,\"minimum\":2},"
    "\"narrow\":{\"type\":\"number\",\"minimum\":0,\"exclusiveMinimum\":true,"
    "  \"maximum\":0.1,\"exclusiveMaximum\":true},"
    "\"tenths\":{\"type\":\"number\",\"multipleOf\":0.1,\"minimum\":0.25,\"maximum\":0.35},"
    "\"branch\":{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^K-\\\\d{3}$\"},"
    "  {\"type\":\"integer\"}]},"
    "\"grown\":{\"type\":\"string\",\"pattern\":\"^ab+c$\",\"minLength\":10},"
    "\"low32\":{\"type\":\"integer\",\"format\":\"int32\",\"maximum\":-2147483000},"
    "\"capped\":{\"type\":\"string\",\"maxLength\":3},"
    "\"host\":{\"type\":\"string\",\"format\":\"hostname\"}}";

Test(mock_spec, generated_members_meet_every_bound_at_once) {
  char *rich = ts_slurp(RICH_SPEC, NULL);
  cr_assert_not_null(rich);
  cJSON *doc = cJSON_Parse(rich);
  free(rich);
  cJSON *tok = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "components"),
                                       "schemas"),
      "RichToken");
  cr_assert_not_null(tok, "the rich spec's 201 schema");
  cJSON *props = cJSON_GetObjectItemCaseSensitive(tok, "properties");
  cJSON *req = cJSON_GetObjectItemCaseSensitive(tok, "required");
  if (!req)
    req = cJSON_AddArrayToObject(tok, "required");
  cJSON *extra = cJSON_Parse(BOUNDED_MEMBERS);
  cr_assert_not_null(extra);
  while (extra->child) {
    cJSON *m = cJSON_DetachItemViaPointer(extra, extra->child);
    cJSON_AddItemToArray(req, cJSON_CreateString(m->string));
    cJSON_AddItemToObject(props, m->string, m);
  }
  cJSON_Delete(extra);
  char dir[256], path[300];
  ts_tmpdir(dir, sizeof dir, "mockbounds");
  snprintf(path, sizeof path, "%s/bounded.openapi.json", dir);
  char *out = cJSON_Print(doc);
  ts_write_file(path, out);
  free(out);
  cJSON_Delete(doc);

  spec_fx f;
  fx_open(&f, path, 0);
  mc_resp r;
  const cJSON *t = created(&f, RICH_BODY, &r); /* valid against the 201 schema, no warning */
  cr_assert_eq(member(t, "ttl")->valuedouble, 60, "as close to 1 as minimum 60 allows");
  cr_assert_eq(member(t, "tight")->valuedouble, 50, "the tighter of two minimums");
  cr_assert_eq(member(t, "step")->valuedouble, 3, "the least whole multiple of 0.3 over 2");
  cr_assert_not_null(strstr(r.body, "\"tenths\":0.3,"),
                     "0.3 written short, not 0.30000000000000004");
  cr_assert(matches("^K-\\d{3}$", text(t, "branch")), "anyOf: the first branch");
  cr_assert_geq(strlen(text(t, "grown")), 10, "the pattern grown to minLength");
  cr_assert_leq(strlen(text(t, "capped")), 3);
  mc_free(&r);
  fx_close(&f);
  ts_rmtree(dir);
}

Test(mock_spec, variant_201_echoes_the_extra_request_properties) {
  spec_fx f;
  fx_open(&f, VARIANT_SPEC, 0);
  mc_resp r;
  const cJSON *t = created(&f, VARIANT_BODY, &r);
  /* the variant's 201 is a bare object: every request member comes back, with
   * the request's own value (valid against the request's property schemas) */
  hjson_doc *req_doc = hjson_doc_new();
  hjson_error e;
  const cJSON *req = hjson_parse(req_doc, VARIANT_BODY, strlen(VARIANT_BODY), NULL, &e);
  cr_assert_not_null(req);
  for (const cJSON *it = req->child; it; it = it->next)
    cr_assert(hjson_equal(it, member(t, it->string)), "%s echoed as sent", it->string);
  cr_assert_str_eq(text(member(t, "account"), "label"), "main \xC3\xA9");
  cr_assert_str_eq(text(cJSON_GetArrayItem(member(t, "modules"), 0), "note"), "n1");
  cr_assert_eq(cJSON_GetArraySize(member(t, "tags")), 3, "the list as sent, repeats kept");
  cr_assert_eq(member(t, "ttl")->valuedouble, 3600);
  cr_assert(cJSON_IsFalse(member(t, "enabled")));
  /* the members the page and the judge name are there although undocumented */
  cr_assert_gt(strlen(text(t, "id")), 0);
  cr_assert_eq(member(t, "revision")->valuedouble, 1);
  cr_assert_gt(strlen(text(t, "token")), 40);
  /* the echoed values are valid against the request schema they came from */
  hschema_result_reset(f.j.res);
  (void)hrules_check_request(f.j.rules, NULL, t, f.j.res);
  cr_assert_eq(hschema_result_count(f.j.res), 3, "id, revision, token undeclared, nothing else");
  for (size_t i = 0; i < hschema_result_count(f.j.res); i++) {
    const hschema_violation *v = hschema_result_at(f.j.res, i);
    /* only the members the server adds are undeclared in the request schema */
    cr_assert_str_eq(v->keyword, "additionalProperties", "%s: %s", v->instance, v->message);
    cr_assert(!strcmp(v->instance, "/id") || !strcmp(v->instance, "/revision") ||
                  !strcmp(v->instance, "/token"),
              "%s", v->instance);
  }
  hjson_doc_free(req_doc);
  mc_free(&r);
  fx_close(&f);
}

Test(mock_spec, open_schema_echoes_deep_nesting_exactly) {
  /* Node = {additionalProperties: Node}: every level of the request goes
   * through the 201 builder's object walk, 120 levels deep */
  spec_fx f;
  fx_open(&f, TEST_DATA_DIR "/mock/open.openapi.json", 0);
  char body[4096];
  size_t n = (size_t)snprintf(body, sizeof body, "%s",
                              "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"deep\","
                              "\"modules\":[{\"id\":\"MOD-1\"}],\"x\":");
  for (int i = 0; i < 120; i++)
    n += (size_t)snprintf(body + n, sizeof body - n, "{\"k%d\":", i);
  n += (size_t)snprintf(body + n, sizeof body - n, "\"\\u0000end\"");
  for (int i = 0; i < 120; i++)
    body[n++] = '}';
  body[n++] = '}';
  body[n] = 0;
  mc_resp r;
  const cJSON *t = created(&f, body, &r);
  hjson_doc *req_doc = hjson_doc_new();
  hjson_error e;
  const cJSON *req = hjson_parse(req_doc, body, n, NULL, &e);
  cr_assert_not_null(req, "%s", e.msg);
  for (const cJSON *it = req->child; it; it = it->next)
    cr_assert(hjson_equal(it, member(t, it->string)), "%s echoed as sent", it->string);
  hjson_doc_free(req_doc);
  mc_free(&r);
  fx_close(&f);
}

/* ---- the ProblemDetails media type follows the spec ---- */

static void expect_media(spec_fx *f, const char *method, const char *ctype, const char *body,
                         long status, const char *media) {
  mc_resp r;
  mc_request(hmock_port(f->m), method, API_PATH, ctype, NULL, body, body ? strlen(body) : 0, 0, &r);
  char ct[128];
  cr_assert_eq(r.status, status, "%s: %ld", method, r.status);
  cr_assert_str_eq(mc_header(&r, "Content-Type", ct, sizeof ct), media, "%ld", status);
  mc_free(&r);
}

Test(mock_spec, problem_media_type_is_the_documented_one) {
  spec_fx f;
  /* the default spec documents application/json for the 400 */
  fx_open(&f, TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", 0);
  expect_media(&f, "POST", "application/json", "{}", 400, "application/json");
  expect_media(&f, "PUT", "application/json", NULL, 405, "application/json");
  fx_close(&f);
  /* the variant documents application/problem+json: every problem follows it */
  fx_open(&f, VARIANT_SPEC, 0);
  expect_media(&f, "POST", "application/json", "{}", 400, "application/problem+json");
  expect_media(&f, "POST", "application/json", "{", 400, "application/problem+json");
  expect_media(&f, "PUT", "application/json", NULL, 405, "application/problem+json");
  expect_media(&f, "POST", "text/plain", "{}", 415, "application/problem+json");
  fx_close(&f);
  /* per status: the rich spec documents 400 as problem+json, 415 as json */
  fx_open(&f, RICH_SPEC, 0);
  expect_media(&f, "POST", "application/json", "{\"x\":1}", 400, "application/problem+json");
  expect_media(&f, "POST", "text/plain", "{}", 415, "application/json");
  expect_media(&f, "DELETE", NULL, NULL, 405, "application/problem+json");
  fx_close(&f);
  /* --problem-json: RFC 9457's type even where the spec says application/json */
  fx_open(&f, RICH_SPEC, 1);
  expect_media(&f, "POST", "text/plain", "{}", 415, "application/problem+json");
  fx_close(&f);
}

Test(mock_spec, problem_body_follows_the_documented_schema) {
  /* the rich spec's 400 is a closed object: title, status, detail and a
   * required traceId (^[0-9a-f]{16}$); no type, no errors */
  spec_fx f;
  fx_open(&f, RICH_SPEC, 0);
  const char *bad[] = {"{\"x\":1}", "{", "{\"account\":{\"id\":\"ACC-1\"}}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    mc_resp r;
    mc_post(hmock_port(f.m), "application/json", bad[i], &r);
    cr_assert_eq(r.status, 400, "%s", bad[i]);
    hjson_error e;
    const cJSON *p = hjson_parse(f.j.doc, r.body, r.len, NULL, &e);
    cr_assert_not_null(p, "400 not JSON: %s", r.body);
    hschema_result_reset(f.j.res);
    cr_assert(hrules_check_response(f.j.rules, 400, p, f.j.res), "400 breaks its schema: %s",
              r.body);
    cr_assert(matches("^[0-9a-f]{16}$", text(p, "traceId")), "%s", r.body);
    cr_assert_eq(member(p, "status")->valuedouble, 400);
    cr_assert_null(member(p, "errors"), "not in the closed schema");
    mc_free(&r);
  }
  fx_close(&f);
}

/* ---- certify of another spec: the embedded mock started with it ---- */

static const cJSON *find_check(const cJSON *report, const char *name, const char **status) {
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases")) {
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "checks")) {
      if (!strcmp(ts_str(k, "name"), name)) {
        *status = ts_str(k, "status");
        return c;
      }
    }
  }
  return NULL;
}

static void certify_compliant(const char *spec, const char *const *checks) {
  char dir[256], cmd[1024];
  ts_tmpdir(dir, sizeof dir, "mockspec");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --spec %s --explore 200 --report-dir %s/r >%s/out 2>%s/err",
           spec, dir, dir, dir);
  int rc = ts_run(cmd);
  char path[512];
  snprintf(path, sizeof path, "%s/out", dir);
  char *out = ts_slurp(path, NULL);
  cr_assert_eq(rc, 0, "certify --spec %s exit %d:\n%s", spec, rc, out ? out : "");
  cr_assert_not_null(strstr(out, "verdict: COMPLIANT ("), "%s", out);
  snprintf(path, sizeof path, "%s/r", dir);
  cJSON *rep = ts_report(path);
  cr_assert_str_eq(ts_str(rep, "verdict"), "compliant");
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(rep, "summary");
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(sum, "fail")->valueint, 0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(sum, "error")->valueint, 0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, 0, "%s", out);
  cr_assert_gt(cJSON_GetObjectItemCaseSensitive(sum, "pass")->valueint, 100);
  for (size_t i = 0; checks[i]; i++) {
    const char *st = NULL;
    cr_assert_not_null(find_check(rep, checks[i], &st), "no case checks %s", checks[i]);
    cr_assert_str_eq(st, "pass", "%s", checks[i]);
  }
  cJSON_Delete(rep);
  free(out);
  ts_rmtree(dir);
}

Test(mock_spec, certify_variant_spec_is_compliant, .timeout = 240) {
  /* the judge's echo checks of the variant's extra properties pass, and its
   * 400s carry the documented application/problem+json */
  static const char *const checks[] = {
      "echo:account.label", "echo:modules[].note", "echo:tags[]", "echo:ttl", "echo:scope",
      "echo:expiresAt",     "media-type",          "schema",      NULL};
  certify_compliant(VARIANT_SPEC, checks);
}

Test(mock_spec, certify_rich_spec_is_compliant, .timeout = 240) {
  static const char *const checks[] = {"schema", "media-type", "echo:modules[].id", NULL};
  certify_compliant(RICH_SPEC, checks);
}

/* Issue 13: a spec with date-time, date, uuid, email, uri, int32/int64, enum
 * and bounds in its request certifies the mock started with it as compliant,
 * with near-miss negative cases for every format.  The near misses of uuid,
 * email and uri are the only warnings: the validator reads those formats as
 * annotations (JSON Schema's default), so a 201 to them is tolerated and says
 * so; date-time, date and the integer ranges are enforced (no warning). */
Test(mock_spec, certify_formats_spec_is_compliant_with_near_misses, .timeout = 240) {
  char dir[256], cmd[1024];
  ts_tmpdir(dir, sizeof dir, "mockfmt");
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --spec %s --explore 200 --report-dir %s/r >/dev/null 2>&1",
           FORMATS_SPEC, dir);
  cr_assert_eq(ts_run(cmd), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/r", dir);
  cJSON *rep = ts_report(path);
  cr_assert(rep);
  cr_assert_str_eq(ts_str(rep, "verdict"), "compliant");
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(rep, "summary");
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(sum, "fail")->valueint, 0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(sum, "error")->valueint, 0);
  /* a near-miss case of each format and range, each passing unless tolerated */
  static const char *const kinds[] = {"neg.format.expiresat.", "neg.format.validfrom.",
                                      "neg.format.requestid.", "neg.format.contact.",
                                      "neg.format.callback.",  "neg.format.count32.",
                                      "neg.format.count64."};
  size_t seen[7] = {0}, warned = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(rep, "cases")) {
    const char *id = ts_str(c, "id"), *st = ts_str(c, "status");
    if (!strcmp(st, "warn")) {
      warned++;
      int annotation = !strncmp(id, "neg.format.requestid.", 21) ||
                       !strncmp(id, "neg.format.contact.", 19) ||
                       !strncmp(id, "neg.format.callback.", 20);
      cr_expect(annotation, "only uuid/email/uri near misses may warn: %s", id);
      cr_expect_not_null(strstr(ts_str(c, "detail"), "annotation"), "%s: %s", id,
                         ts_str(c, "detail"));
    }
    for (size_t k = 0; k < 7; k++)
      if (!strncmp(id, kinds[k], strlen(kinds[k]))) {
        seen[k]++;
        if (k < 2 || k > 4)
          cr_expect_str_eq(st, "pass", "%s is enforced: %s", id, ts_str(c, "detail"));
      }
  }
  for (size_t k = 0; k < 7; k++)
    cr_expect_geq(seen[k], 2, "near misses for %s", kinds[k]);
  cr_expect_eq((size_t)cJSON_GetObjectItemCaseSensitive(sum, "warn")->valueint, warned);
  cJSON_Delete(rep);
  ts_rmtree(dir);
}
