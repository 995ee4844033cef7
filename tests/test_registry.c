/* The requirement registry (rules/hreq.h) and the status vocabulary
 * (rules/hstatus.h): every requirement the catalogue, the judge, the mock's
 * faults, the prose rules and the explore phase name is registered, with the
 * class and source the catalogue shows; and the aggregation of a run takes
 * classes and titles from the registry. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases.h"
#include "client/hrun.h"
#include "explore/hexplore.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "rules/hreq.h"
#include "rules/hrules.h"
#include "rules/hstatus.h"
#include "run/hagg.h"
#include "spec/hspec.h"
#include "support.h"

TS_LSAN_CRITERION

static const char *const classes[] = {
    HREQ_CLASS_POSITIVE, HREQ_CLASS_REQUEST_SCHEMA, HREQ_CLASS_RFC8259, HREQ_CLASS_HTTP,
    HREQ_CLASS_PROSE,    HREQ_CLASS_SEMANTICS,      HREQ_CLASS_RESPONSE};
static const char *const sources[] = {"spec",    "prose",   "http",   "rfc8259",
                                      "rfc9110", "rfc9112", "rfc9457"};

static int in(const char *s, const char *const *set, size_t n) {
  for (size_t i = 0; s && i < n; i++)
    if (!strcmp(s, set[i]))
      return 1;
  return 0;
}
#define IN(s, set) in(s, set, sizeof set / sizeof set[0])

/* ---- the table itself ---- */

Test(registry, ids_unique_and_every_entry_complete) {
  size_t n = hreq_count();
  cr_assert_gt(n, 40, "only %zu fixed requirements", n);
  cr_expect_null(hreq_at(n));
  for (size_t i = 0; i < n; i++) {
    const hreq *r = hreq_at(i);
    cr_assert(r && r->id && r->title && r->klass && r->source);
    cr_expect(r->id[0] && strlen(r->id) < HREQ_ID_MAX, "id %zu", i);
    for (const char *p = r->id; *p; p++)
      cr_expect(*p > 0x20 && *p < 0x7f, "%s: a space or control character in the id", r->id);
    cr_expect(r->title[0], "%s: empty title", r->id);
    cr_expect_null(strchr(r->title, '\n'), "%s: the title is one line", r->id);
    cr_expect(IN(r->klass, classes), "%s: class %s", r->id, r->klass);
    cr_expect(IN(r->source, sources), "%s: source %s", r->id, r->source);
    cr_expect_eq(hreq_find(r->id), r, "%s: hreq_find finds another entry", r->id);
    for (size_t j = i + 1; j < n; j++)
      cr_expect(strcmp(r->id, hreq_at(j)->id), "%s is registered twice", r->id);
    cr_expect_str_eq(hreq_class_of(r->id), r->klass);
    cr_expect_str_eq(hreq_source_of(r->id), r->source);
    char t[400];
    cr_expect_str_eq(hreq_title_of(r->id, t, sizeof t), r->title);
  }
  cr_expect_null(hreq_find(NULL));
  cr_expect_null(hreq_find(""));
  cr_expect_null(hreq_find("http.no-timeout "));
}

Test(registry, families_declared_and_matched_exactly) {
  cr_assert_eq(hreq_family_count(), 3);
  cr_expect_null(hreq_family_at(3));
  for (size_t i = 0; i < hreq_family_count(); i++) {
    const hreq_family *f = hreq_family_at(i);
    cr_expect(IN(f->klass, classes) && IN(f->source, sources), "%s", f->pattern);
    cr_expect(!strncmp(f->pattern, f->prefix, strlen(f->prefix)), "%s", f->pattern);
    cr_expect(strstr(f->title_fmt, "%s") != NULL, "%s", f->title_fmt);
  }
  static const struct {
    const char *id, *klass; /* NULL: no family */
  } ids[] = {
      {"schema.response.201", HREQ_CLASS_RESPONSE},
      {"schema.response.400", HREQ_CLASS_RESPONSE},
      {"schema.response.599", HREQ_CLASS_RESPONSE},
      {"schema.response.99", NULL},
      {"schema.response.600", NULL},
      {"schema.response.2010", NULL},
      {"schema.response.20x", NULL},
      {"schema.response.", NULL},
      {"schema.request.AccountDto.id.pattern", HREQ_CLASS_REQUEST_SCHEMA},
      {"schema.request.body", HREQ_CLASS_REQUEST_SCHEMA},
      {"schema.request.Caf\xc3\xa9.n\xc3\xa4me.type", HREQ_CLASS_REQUEST_SCHEMA},
      {"schema.request.", NULL},
      {"schema.request.a b", NULL},
      {"schema.request.a\tb", NULL},
      {"semantics.echo.account.id", HREQ_CLASS_SEMANTICS},
      {"semantics.echo.modules[].id", HREQ_CLASS_SEMANTICS},
      {"semantics.echo.", NULL},
      {"semantics.echo.a\nb", NULL},
      {"semantics.echoes.name", NULL},
      {"schema.responses.201", NULL},
      {"http.unknown-rule", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    const hreq_family *f = hreq_family_of(ids[i].id);
    if (ids[i].klass) {
      cr_expect(f, "%s: no family", ids[i].id);
      cr_expect(f && !strcmp(f->klass, ids[i].klass), "%s", ids[i].id);
      cr_expect(hreq_known(ids[i].id), "%s", ids[i].id);
      cr_expect_str_eq(hreq_class_of(ids[i].id), ids[i].klass);
    } else {
      cr_expect_null(f, "%s: a family member", ids[i].id);
      cr_expect_not(hreq_known(ids[i].id), "%s", ids[i].id);
      cr_expect_null(hreq_class_of(ids[i].id), "%s", ids[i].id);
      cr_expect_null(hreq_source_of(ids[i].id), "%s", ids[i].id);
    }
  }
  char long_id[HREQ_ID_MAX + 8];
  memset(long_id, 'x', sizeof long_id);
  memcpy(long_id, HREQ_ECHO_PREFIX, strlen(HREQ_ECHO_PREFIX));
  long_id[sizeof long_id - 1] = '\0';
  cr_expect_not(hreq_known(long_id), "an id longer than HREQ_ID_MAX");
  /* a fixed entry wins over the family it is also a member of */
  cr_expect_str_eq(hreq_title_of(HREQ_NAME_BOUNDARIES, (char[300]){0}, 300),
                   hreq_find(HREQ_NAME_BOUNDARIES)->title);
  char t[200];
  cr_expect_str_eq(hreq_title_of("schema.response.500", t, sizeof t),
                   "a 500 body is valid against its documented schema");
  cr_expect_str_eq(hreq_title_of("semantics.echo.icon", t, sizeof t),
                   "the 201 echoes the request's icon");
  cr_expect_str_eq(hreq_title_of("vendor.rule", t, sizeof t), "vendor.rule");
  cr_expect_str_eq(hreq_title_of("semantics.echo.description", t, 12), "the 201 ech");
}

/* ---- everything that names a requirement names a registered one ---- */

/* Every requirement of a catalogue is registered with the catalogue's class
 * and source; a fixed one with its title too.  Every case names a requirement
 * the catalogue lists. */
static void check_catalogue(const cJSON *cat, const char *what) {
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(cat, "requirements");
  cr_assert(cJSON_IsArray(reqs) && cJSON_GetArraySize(reqs) > 50, "%s: requirements", what);
  size_t fixed = 0, family = 0;
  for (const cJSON *r = reqs->child; r; r = r->next) {
    const char *id = ts_str(r, "id");
    cr_expect(hreq_known(id), "%s: requirement %s is not registered", what, id);
    const char *k = hreq_class_of(id);
    cr_expect(k && !strcmp(k, ts_str(r, "class")), "%s: %s: class %s, the registry says %s", what,
              id, ts_str(r, "class"), k ? k : "(none)");
    const char *s = hreq_source_of(id);
    cr_expect(s && !strcmp(s, ts_str(r, "source")), "%s: %s: source %s, the registry says %s", what,
              id, ts_str(r, "source"), s ? s : "(none)");
    const hreq *q = hreq_find(id);
    if (q) {
      fixed++;
      cr_expect_str_eq(ts_str(r, "title"), q->title, "%s: %s: title", what, id);
    } else {
      family++;
    }
  }
  cr_expect_gt(fixed, 40, "%s: %zu fixed requirements", what, fixed);
  cr_expect_gt(family, 20, "%s: %zu spec-derived requirements", what, family);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  cr_assert(cJSON_IsArray(cases), "%s: cases", what);
  for (const cJSON *c = cases->child; c; c = c->next) {
    const char *rid = ts_str(c, "requirement");
    int listed = 0;
    for (const cJSON *r = reqs->child; r && !listed; r = r->next)
      listed = !strcmp(ts_str(r, "id"), rid);
    cr_expect(listed, "%s: case %s names %s, which the catalogue does not list", what,
              ts_str(c, "id"), rid);
    cr_expect(hreq_known(rid), "%s: case %s: %s is not registered", what, ts_str(c, "id"), rid);
  }
}

Test(registry, checked_in_catalogue_is_registered) {
  cJSON *cat = ts_report_file(TEST_SOURCE_DIR "/conformance/cases/catalogue.json");
  check_catalogue(cat, "conformance/cases/catalogue.json");
  cJSON_Delete(cat);
}

static hspec *spec;
static hrules *rules;

static void load_rules(void) {
  rules = ts_load_rules(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", &spec);
}

static void free_rules(void) {
  hrules_free(rules);
  hspec_free(spec);
}

Test(registry, generated_catalogue_is_registered, .init = load_rules, .fini = free_rules) {
  herr err;
  cJSON *cat = hcases_generate(rules, 1, &err);
  cr_assert(cat, "hcases_generate: %s", err.msg);
  check_catalogue(cat, "the generated catalogue");
  cJSON_Delete(cat);
}

Test(registry, prose_rules_registered_with_their_titles, .init = load_rules, .fini = free_rules) {
  cr_assert_gt(hrules_count(rules), 0);
  size_t prose = 0;
  for (size_t i = 0; i < hreq_count(); i++)
    prose += !strcmp(hreq_at(i)->klass, HREQ_CLASS_PROSE);
  cr_expect_eq(prose, hrules_count(rules), "the registry has %zu prose rules, hrules %zu", prose,
               hrules_count(rules));
  for (size_t i = 0; i < hrules_count(rules); i++) {
    const hrules_rule *r = hrules_at(rules, i);
    const hreq *q = hreq_find(r->id);
    cr_expect(q, "prose rule %s is not registered", r->id);
    if (q) {
      cr_expect_str_eq(q->klass, HREQ_CLASS_PROSE, "%s", r->id);
      cr_expect_str_eq(q->title, r->title, "%s", r->id);
    }
  }
}

static int fault_requirement_ok(const char *name, const char *req) {
  int ok = hreq_known(req);
  if (!ok)
    cr_log_error("mock fault %s names %s, which is not registered", name, req);
  return ok;
}

Test(registry, every_mock_fault_names_a_registered_requirement) {
  size_t n = hmock_fault_count();
  cr_assert_gt(n, 40);
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    const hmock_fault *f = hmock_fault_at(i);
    bad += !fault_requirement_ok(f->name, f->requirement);
  }
  cr_expect_eq(bad, 0, "%d faults name unregistered requirements", bad);
  /* what the command lists (NAME REQUIREMENT RULE, tab-separated) is the table */
  char *out = NULL;
  int rc = ts_run_capture(APIHARNESS_BIN " mock --list-faults", &out);
  cr_assert_eq(rc, 0, "mock --list-faults: %s", out ? out : "");
  size_t lines = 0;
  for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
    char *tab = strchr(line, '\t');
    cr_assert(tab, "not NAME<TAB>REQUIREMENT<TAB>RULE: %s", line);
    *tab = '\0';
    char *req = tab + 1, *tab2 = strchr(req, '\t');
    cr_assert(tab2, "not NAME<TAB>REQUIREMENT<TAB>RULE: %s", line);
    *tab2 = '\0';
    const hmock_fault *f = hmock_fault_find(line);
    cr_expect(f && !strcmp(f->requirement, req), "--list-faults: %s %s", line, req);
    cr_expect(fault_requirement_ok(line, req));
    lines++;
  }
  cr_expect_eq(lines, n, "--list-faults lists %zu faults, the table has %zu", lines, n);
  free(out);
}

Test(registry, ids_other_layers_define_are_registered) {
  static const char *const ids[] = {HEXPLORE_REQ_VALID, HREQ_KEEP_ALIVE_FRAMING, HREQ_HEAD_NO_BODY};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    cr_expect(hreq_find(ids[i]), "%s is not a fixed requirement", ids[i]);
  /* the audit requirement's title states the judge's tolerance */
  char skew[32];
  snprintf(skew, sizeof skew, "within %d s", HJUDGE_CLOCK_SKEW_S);
  cr_expect(strstr(hreq_find(HREQ_AUDIT_CREATED)->title, skew), "%s",
            hreq_find(HREQ_AUDIT_CREATED)->title);
}

/* ---- every check of the judge carries a registered requirement ---- */

#define DATE "Sat, 28 Nov 2026 12:00:05 GMT"
#define REQUEST                                                                                    \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n1\",\"icon\":null,\"description\":\"d\","   \
  "\"modules\":[{\"id\":\"MOD-1234\"}],\"extensions\":[{\"id\":\"EXT-1\"}]}"
#define GOOD_201                                                                                   \
  "{\"id\":\"TKN-0001\",\"name\":\"n1\",\"revision\":1,\"token\":\"t\",\"icon\":null,"             \
  "\"description\":\"d\",\"account\":{\"id\":\"ACC-1234-5678\"},"                                  \
  "\"modules\":[{\"id\":\"MOD-1234\"}],\"extensions\":[{\"id\":\"EXT-1\"}],"                       \
  "\"audit\":{\"created\":{\"at\":\"2026-11-28T12:00:00Z\"}}}"

/* The fixed requirement each fixed check carries (hjudge.h's table). */
static const struct {
  const char *check, *req;
} fixed_checks[] = {
    {"transport", HREQ_TRANSPORT},
    {"timeout", HREQ_NO_TIMEOUT},
    {"no-5xx", HREQ_NO_5XX},
    {"allow", HREQ_ALLOW},
    {"www-authenticate", HREQ_WWW_AUTHENTICATE},
    {"head-no-body", HREQ_HEAD_NO_BODY},
    {"date-header", HREQ_DATE},
    {"media-type", HREQ_MEDIA_TYPE},
    {"strict-json", HREQ_STRICT_JSON},
    {"truncated", HREQ_STRICT_JSON},
    {"created-id", HREQ_CREATED_ID},
    {"problem-status", HREQ_PROBLEM_STATUS},
    {"audit-created-at", HREQ_AUDIT_CREATED},
    {"distinct-creates", HREQ_DISTINCT},
};
#define N_FIXED (sizeof fixed_checks / sizeof fixed_checks[0])

typedef struct {
  int seen[N_FIXED];
  int schema, prose, echo, status;
} coverage;

static void collect(const hjudge_verdict *v, const char *case_req, coverage *cov) {
  for (size_t i = 0; i < v->n_checks; i++) {
    const hjudge_check *k = &v->checks[i];
    if (!strcmp(k->name, "status")) {
      cr_expect_str_eq(k->requirement, case_req, "the status check carries the case's");
      cov->status++;
      continue;
    }
    cr_expect(hreq_known(k->requirement), "check %s carries %s, which is not registered", k->name,
              k->requirement);
    if (!strcmp(k->name, "schema")) {
      const hreq_family *f = hreq_family_of(k->requirement);
      cr_expect(f && !strcmp(f->prefix, HREQ_SCHEMA_RESPONSE_PREFIX), "schema: %s", k->requirement);
      cov->schema++;
    } else if (!strncmp(k->name, "prose:", 6)) {
      cr_expect_str_eq(k->requirement, k->name + 6);
      cr_expect_str_eq(hreq_class_of(k->requirement), HREQ_CLASS_PROSE);
      cov->prose++;
    } else if (!strncmp(k->name, "echo:", 5)) {
      char want[HREQ_ID_MAX];
      snprintf(want, sizeof want, HREQ_ECHO_PREFIX "%s", k->name + 5);
      cr_expect_str_eq(k->requirement, want);
      cov->echo++;
    } else {
      size_t j = 0;
      while (j < N_FIXED && strcmp(fixed_checks[j].check, k->name))
        j++;
      cr_expect(j < N_FIXED, "check %s is not in hjudge.h's table", k->name);
      if (j < N_FIXED) {
        cr_expect_str_eq(k->requirement, fixed_checks[j].req, "check %s", k->name);
        cov->seen[j] = 1;
      }
    }
  }
}

Test(registry, every_judge_check_requirement_is_registered, .init = load_rules,
     .fini = free_rules) {
  hjudge *j = hjudge_new(rules);
  cr_assert(j);
  hjson_doc *d = hjson_doc_new();
  const cJSON *req = hjson_parse(d, REQUEST, strlen(REQUEST), NULL, NULL);
  cr_assert(req);
  static const struct {
    hjudge_expect expect;
    const char *method;
    int status;
    const char *ct, *body;
    int timed_out, transport_error, truncated;
  } runs[] = {
      {HJUDGE_EXPECT_CREATED, NULL, 201, "application/json", GOOD_201, 0, 0, 0},
      {HJUDGE_EXPECT_CREATED, NULL, 201, "text/plain", "{\"revision\":2}", 0, 0, 0},
      {HJUDGE_EXPECT_CREATED, NULL, 201, "application/json", "{\"id\":", 0, 0, 1},
      {HJUDGE_EXPECT_BAD_REQUEST, NULL, 400, "application/problem+json",
       "{\"title\":\"x\",\"status\":422}", 0, 0, 0},
      {HJUDGE_EXPECT_METHOD_NOT_ALLOWED, "PUT", 405, NULL, NULL, 0, 0, 0},
      {HJUDGE_EXPECT_UNAUTHORIZED, NULL, 401, NULL, NULL, 0, 0, 0},
      {HJUDGE_EXPECT_METHOD_NOT_ALLOWED, "HEAD", 405, "application/json", "{}", 0, 0, 0},
      {HJUDGE_EXPECT_NOT_5XX, NULL, 500, NULL, NULL, 0, 0, 0},
      {HJUDGE_EXPECT_CREATED, NULL, 0, NULL, NULL, 1, 0, 0},
      {HJUDGE_EXPECT_CREATED, NULL, 0, NULL, NULL, 0, 1, 0},
  };
  coverage cov = {0};
  hjudge_verdict v;
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    hjudge_case c = {.expect = runs[i].expect,
                     .requirement = HREQ_POSITIVE_MINIMAL,
                     .method = runs[i].method,
                     .request_body = runs[i].status == 201 ? req : NULL};
    hjudge_response r = {.status = runs[i].status,
                         .content_type = runs[i].ct,
                         .body = runs[i].body,
                         .body_len = runs[i].body ? strlen(runs[i].body) : 0,
                         .date = i == 1 ? NULL : DATE,
                         .timed_out = runs[i].timed_out,
                         .transport_error = runs[i].transport_error,
                         .transport_msg = runs[i].transport_error ? "connection refused" : NULL,
                         .truncated = runs[i].truncated};
    hjudge_response_judge(j, &c, &r, HJUDGE_PROFILE_DEFAULT, &v);
    collect(&v, HREQ_POSITIVE_MINIMAL, &cov);
  }
  hjudge_verdict_init(&v);
  hjudge_distinct(j, GOOD_201, strlen(GOOD_201), GOOD_201, strlen(GOOD_201), &v);
  collect(&v, HREQ_POSITIVE_MINIMAL, &cov);
  for (size_t i = 0; i < N_FIXED; i++)
    cr_expect(cov.seen[i], "no run exercised check %s", fixed_checks[i].check);
  cr_expect(cov.schema && cov.prose && cov.echo && cov.status, "schema %d prose %d echo %d",
            cov.schema, cov.prose, cov.echo);
  hjson_doc_free(d);
  hjudge_free(j);
}

/* ---- the status vocabulary ---- */

Test(status, names_parse_back_and_nothing_else_does) {
  static const char *const words[HSTATUS_COUNT] = {"skip",  "pass",   "warn",   "fail",
                                                   "error", "waived", "unknown"};
  for (int i = 0; i < HSTATUS_COUNT; i++) {
    cr_expect_str_eq(hstatus_name((hstatus)i), words[i]);
    cr_expect_eq(hstatus_parse(words[i]), (hstatus)i);
    cr_expect_eq(hstatus_parse_n(words[i], strlen(words[i])), (hstatus)i);
  }
  static const char *const bad[] = {"",      "Pass",   "FAIL", "pass ",
                                    " pass", "passed", "ok",   "skipped"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_expect_eq(hstatus_parse(bad[i]), HSTATUS_UNKNOWN, "'%s'", bad[i]);
  cr_expect_eq(hstatus_parse(NULL), HSTATUS_UNKNOWN);
  cr_expect_eq(hstatus_parse_n("passing", 4), HSTATUS_PASS); /* a length, not a terminator */
  cr_expect_eq(hstatus_parse_n("pas", 3), HSTATUS_UNKNOWN);
  cr_expect_str_eq(hstatus_name((hstatus)42), "unknown");
  /* the judge's four first, in order: judges fold with > and size arrays with it */
  cr_expect_eq(HSTATUS_JUDGE_COUNT, 4);
  cr_expect(HSTATUS_SKIP < HSTATUS_PASS && HSTATUS_PASS < HSTATUS_WARN &&
            HSTATUS_WARN < HSTATUS_FAIL);
}

Test(status, severity_orders_every_value) {
  static const hstatus order[] = {HSTATUS_SKIP,   HSTATUS_PASS, HSTATUS_WARN,
                                  HSTATUS_WAIVED, HSTATUS_FAIL, HSTATUS_ERROR};
  for (size_t i = 0; i + 1 < sizeof order / sizeof order[0]; i++) {
    cr_expect_lt(hstatus_severity(order[i]), hstatus_severity(order[i + 1]), "%s < %s",
                 hstatus_name(order[i]), hstatus_name(order[i + 1]));
    cr_expect_eq(hstatus_worst(order[i], order[i + 1]), order[i + 1]);
    cr_expect_eq(hstatus_worst(order[i + 1], order[i]), order[i + 1]);
  }
  cr_expect_eq(hstatus_severity(HSTATUS_UNKNOWN), hstatus_severity(HSTATUS_ERROR));
  cr_expect_eq(hstatus_worst(HSTATUS_ERROR, HSTATUS_UNKNOWN), HSTATUS_ERROR); /* a tie: a */
}

/* ---- the aggregation takes class and title from the registry ---- */

static cJSON *parse(const char *text) {
  cJSON *x = cJSON_Parse(text);
  cr_assert(x, "bad test JSON: %s", text);
  return x;
}

static const cJSON *req_of(const cJSON *arr, const char *id) {
  for (const cJSON *r = arr->child; r; r = r->next)
    if (!strcmp(ts_str(r, "id"), id))
      return r;
  return NULL;
}

Test(hagg, folds_statuses_and_registers_unlisted_requirements) {
  cJSON *cat = parse("[{\"id\":\"positive.minimal\",\"class\":\"positive\",\"title\":\"t\","
                     "\"source\":\"spec\"},"
                     "{\"id\":\"http.large-body\",\"class\":\"http\",\"title\":\"t\","
                     "\"source\":\"http\"},"
                     "{\"id\":\"http.empty-body-rejected\",\"class\":\"http\",\"title\":\"t\","
                     "\"source\":\"spec\"},"
                     "{\"id\":\"http.no-timeout\",\"class\":\"http\",\"title\":\"t\","
                     "\"source\":\"http\"}]");
  hagg *a = hagg_new(cat);
  cr_assert(a);
  cJSON *ok =
      parse("{\"status\":\"warn\",\"checks\":["
            "{\"name\":\"status\",\"status\":\"pass\",\"requirement\":\"positive.minimal\"},"
            "{\"name\":\"schema\",\"status\":\"fail\","
            "\"requirement\":\"schema.response.500\"},"
            "{\"name\":\"media-type\",\"status\":\"warn\","
            "\"requirement\":\"response.media-type-documented\"},"
            "{\"name\":\"odd\",\"status\":\"fail\",\"requirement\":\"vendor.odd-rule\"},"
            "{\"name\":\"noise\",\"status\":\"bogus\",\"requirement\":\"http.no-timeout\"},"
            "{\"name\":\"echo:name\",\"status\":\"pass\","
            "\"requirement\":\"semantics.echo.name\"}]}");
  hagg_case(a, "positive.minimal", ok, "pos.minimal");
  cJSON *err = parse("{\"status\":\"error\",\"detail\":\"crashed\"}");
  hagg_case(a, "http.large-body", err, "raw.large");
  cJSON *skip = parse("{\"status\":\"skip\",\"detail\":\"no token configured\",\"checks\":[]}");
  hagg_case(a, "http.empty-body-rejected", skip, "raw.empty");
  cJSON *x = parse("{\"requirements\":[{\"id\":\"positive.generated\",\"class\":\"guess\","
                   "\"title\":\"explore's title\",\"status\":\"fail\"},"
                   "{\"id\":\"explore.only\",\"class\":\"http\",\"title\":\"its own\","
                   "\"status\":\"pass\"}]}");
  hagg_explore(a, x);
  cr_expect_eq(hagg_count(a), 4 + 6); /* 6 not in the catalogue */
  int any_fail = 0;
  cJSON *out = hagg_finish(a, &any_fail);
  cr_assert(out);
  cr_expect(any_fail);
  const cJSON *r = req_of(out, "positive.minimal");
  cr_expect_str_eq(ts_str(r, "status"), "pass");
  r = req_of(out, "http.large-body");
  cr_expect_str_eq(ts_str(r, "status"), "fail"); /* could not run: cannot be certified */
  cr_expect_str_eq(ts_str(r, "reason"), "a case of it could not run (error)");
  r = req_of(out, "http.empty-body-rejected");
  cr_expect_str_eq(ts_str(r, "status"), "skip");
  cr_expect_str_eq(ts_str(r, "reason"), "no token configured");
  r = req_of(out, "http.no-timeout"); /* an unreadable status word is ignored */
  cr_expect_str_eq(ts_str(r, "status"), "skip");
  /* a family member: its family's class and generic title */
  r = req_of(out, "schema.response.500");
  cr_assert(r);
  cr_expect_str_eq(ts_str(r, "class"), "response");
  cr_expect_str_eq(ts_str(r, "source"), "spec");
  cr_expect_str_eq(ts_str(r, "title"), "a 500 body is valid against its documented schema");
  cr_expect_str_eq(ts_str(r, "status"), "fail");
  r = req_of(out, "response.media-type-documented");
  cr_expect_str_eq(ts_str(r, "title"), hreq_find(HREQ_MEDIA_TYPE)->title);
  cr_expect_str_eq(ts_str(r, "status"), "warn");
  r = req_of(out, "semantics.echo.name");
  cr_expect_str_eq(ts_str(r, "class"), "semantics");
  cr_expect_str_eq(ts_str(r, "status"), "pass");
  /* unknown to the registry: said so, never guessed */
  r = req_of(out, "vendor.odd-rule");
  cr_assert(r);
  cr_expect_str_eq(ts_str(r, "class"), "unregistered");
  cr_expect_str_eq(ts_str(r, "source"), "unregistered");
  cr_expect_str_eq(ts_str(r, "title"), "vendor.odd-rule");
  /* explore: a registered id takes the registry's class and title ... */
  r = req_of(out, HEXPLORE_REQ_VALID);
  cr_expect_str_eq(ts_str(r, "class"), "positive");
  cr_expect_str_eq(ts_str(r, "title"), hreq_find(HEXPLORE_REQ_VALID)->title);
  cr_expect_str_eq(ts_str(r, "status"), "fail");
  /* ... an unregistered one keeps what explore says, its source unregistered */
  r = req_of(out, "explore.only");
  cr_expect_str_eq(ts_str(r, "class"), "http");
  cr_expect_str_eq(ts_str(r, "title"), "its own");
  cr_expect_str_eq(ts_str(r, "source"), "unregistered");
  cJSON_Delete(out);
  cJSON_Delete(x);
  cJSON_Delete(skip);
  cJSON_Delete(err);
  cJSON_Delete(ok);
  cJSON_Delete(cat);
  hagg_free(a);
}
