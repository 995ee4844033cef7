/* The case catalogue: derived from the spec, self-consistent, deterministic,
 * checked in and not stale. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "json/hjson.h"
#include "support.h"


#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"

static hspec *spec;
static hrules *rules;
static cJSON *cat;

static void setup(void) {
  rules = ts_load_rules(SPEC, &spec);
  herr ce;
  cat = hcases_generate(rules, 1, &ce);
  cr_assert(cat, "%s", ce.msg);
}

static void teardown(void) {
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
}

TestSuite(cases, .init = setup, .fini = teardown);

Test(cases, checked_in_catalogue_is_not_stale) {
  cr_assert_eq(
      ts_run(APIHARNESS_BIN " cases --check --out " TEST_SOURCE_DIR "/conformance/cases >/dev/null"),
      0, "conformance/cases/catalogue.json is stale: run 'apiharness cases'");
}

Test(cases, check_detects_a_stale_file_and_writes_a_fresh_one) {
  char dir[] = "/tmp/test_cases_XXXXXX";
  cr_assert(mkdtemp(dir));
  char cmd[512], path[512];
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s 2>/dev/null", dir);
  cr_expect_eq(ts_run(cmd), 1, "a missing catalogue is stale");
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --out %s >/dev/null", dir);
  cr_assert_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s >/dev/null", dir);
  cr_expect_eq(ts_run(cmd), 0);
  snprintf(path, sizeof path, "%s/" HCASES_FILE, dir);
  FILE *f = fopen(path, "a");
  cr_assert(f);
  fputs(" ", f);
  fclose(f);
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s 2>/dev/null", dir);
  cr_expect_eq(ts_run(cmd), 1, "an edited catalogue is stale");
  /* another seed gives other values: stale as well */
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --out %s --seed 7 >/dev/null", dir);
  cr_assert_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s 2>/dev/null", dir);
  cr_expect_eq(ts_run(cmd), 1);
  unlink(path);
  rmdir(dir);
}

Test(cases, cli_errors_exit_2) {
  cr_expect_eq(ts_run(APIHARNESS_BIN " cases --spec /nonexistent.json 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " cases --seed x 2>/dev/null"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " cases --bogus 2>/dev/null"), 2);
}

Test(cases, generation_is_deterministic_and_seeded) {
  herr ce;
  cJSON *again = hcases_generate(rules, 1, &ce);
  cJSON *other = hcases_generate(rules, 2, &ce);
  cr_assert(again && other);
  char *a = hcases_render(cat), *b = hcases_render(again), *c = hcases_render(other);
  cr_expect_str_eq(a, b);
  cr_expect_str_neq(a, c, "another seed gives other generated ids");
  cr_expect_eq(hcases_count(cat), hcases_count(other), "the same cases, other values");
  free(a);
  free(b);
  free(c);
  cJSON_Delete(again);
  cJSON_Delete(other);
}

Test(cases, ids_unique_and_requirements_declared) {
  size_t n = hcases_count(cat);
  cr_assert_gt(n, 120);
  for (size_t i = 0; i < n; i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0, "%s", ce.msg);
    cr_expect_eq(hcases_find(cat, c.id), (long)i, "duplicate id %s", c.id);
    cr_expect(hcases_requirement(cat, c.requirement), "case %s: requirement %s undeclared", c.id,
              c.requirement);
  }
}

/* The index the runs use finds every case where the catalogue has it, by
 * position and by id, and nothing for an id it does not hold. */
Test(cases, index_agrees_with_the_catalogue) {
  hcases_index *ix = hcases_index_new(cat);
  cr_assert_not_null(ix);
  size_t n = hcases_count(cat);
  cr_assert_eq(hcases_index_count(ix), n);
  for (size_t i = 0; i < n; i++) {
    hcases_case a, b;
    herr ce;
    cr_assert(hcases_at(cat, i, &a, &ce) == 0, "%s", ce.msg);
    cr_assert(hcases_index_at(ix, i, &b, &ce) == 0, "%s", ce.msg);
    cr_expect_eq(a.json, b.json, "case %zu: another node", i);
    cr_expect_eq(hcases_index_find(ix, a.id), (long)i, "%s", a.id);
  }
  cr_expect_eq(hcases_index_find(ix, "no.such.case"), -1);
  cr_expect_eq(hcases_index_find(ix, ""), -1);
  hcases_case c;
  herr ce;
  cr_expect_eq(hcases_index_at(ix, n, &c, &ce), -1, "past the end");
  hcases_index_free(ix);
  /* an empty catalogue has an empty index */
  cJSON *empty = cJSON_Parse("{\"cases\": []}");
  ix = hcases_index_new(empty);
  cr_assert_not_null(ix);
  cr_expect_eq(hcases_index_count(ix), 0);
  cr_expect_eq(hcases_index_find(ix, "pos.minimal"), -1);
  hcases_index_free(ix);
  cJSON_Delete(empty);
}

/* Every JSON body the catalogue holds agrees with the validator: positive
 * bodies valid, negative bodies invalid. */
Test(cases, bodies_agree_with_the_rules) {
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  size_t positives = 0, negatives = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0);
    if (strcmp(c.klass, "positive") && strcmp(c.klass, "negative-body"))
      continue;
    char *body;
    size_t len;
    cr_assert(hcases_body(&c, "apiharness-test-name", &body, &len, &ce) == 0, "%s", ce.msg);
    hjson_error je;
    const cJSON *root = hjson_parse(doc, body, len, NULL, &je);
    if (!root) {
      /* only negatives the strict reader itself refuses: numbers beyond double
       * range and nesting past the reader's depth limit */
      cr_expect(!strcmp(c.klass, "negative-body") &&
                    (je.code == HJSON_E_RANGE || je.code == HJSON_E_DEPTH),
                "case %s: body is not JSON (%s)", c.id, je.msg);
      cr_expect_eq(c.expect, HJUDGE_EXPECT_BAD_REQUEST);
      negatives++;
      free(body);
      continue;
    }
    hschema_result_reset(res);
    const hschema *schema = hrules_request_schema(rules, c.content_type, NULL);
    int ok = hrules_check_request(rules, schema, root, res);
    if (!strcmp(c.klass, "positive")) {
      cr_expect(ok, "positive case %s rejected", c.id);
      /* [{}] items: valid against the schema, left open by the page */
      if (!strncmp(c.id, "pos.item-empty.", 15))
        cr_expect_eq(c.expect, HJUDGE_EXPECT_CREATED_OR_BAD, "%s", c.id);
      else
        cr_expect_eq(c.expect, HJUDGE_EXPECT_CREATED, "%s", c.id);
      cr_expect(c.echo, "positive case %s judges the echo", c.id);
      positives++;
    } else {
      cr_expect_not(ok, "negative case %s accepted", c.id);
      cr_expect_eq(c.expect, HJUDGE_EXPECT_BAD_REQUEST);
      negatives++;
    }
    free(body);
  }
  cr_expect_gt(positives, 150);
  cr_expect_gt(negatives, 250);
  hschema_result_free(res);
  hjson_doc_free(doc);
}

static void expect_case(const char *id, hjudge_expect e) {
  long i = hcases_find(cat, id);
  cr_assert(i >= 0, "no case %s", id);
  hcases_case c;
  herr ce;
  cr_assert(hcases_at(cat, (size_t)i, &c, &ce) == 0);
  cr_expect_eq(c.expect, e, "%s expects %s", id, hjudge_expect_name(c.expect));
}

Test(cases, the_issue_families_are_present) {
  static const char *const kinds[] = {"short-digits", "long-digits",        "arabic-indic-digit",
                                      "lowercase",    "surrounding-spaces", "trailing-newline",
                                      "empty",        "nul-suffix"};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    char id[128];
    snprintf(id, sizeof id, "neg.pattern.account-id.%s", kinds[k]);
    expect_case(id, HJUDGE_EXPECT_BAD_REQUEST);
    snprintf(id, sizeof id, "neg.pattern.modules-id.%s", kinds[k]);
    expect_case(id, HJUDGE_EXPECT_BAD_REQUEST);
  }
  expect_case("pos.minimal", HJUDGE_EXPECT_CREATED);
  expect_case("pos.full", HJUDGE_EXPECT_CREATED);
  expect_case("pos.optional.icon.null", HJUDGE_EXPECT_CREATED);
  expect_case("pos.optional.description.absent", HJUDGE_EXPECT_CREATED);
  expect_case("pos.optional.extensions.null", HJUDGE_EXPECT_CREATED);
  expect_case("pos.array.modules.several", HJUDGE_EXPECT_CREATED);
  expect_case("pos.name.empty", HJUDGE_EXPECT_CREATED);
  expect_case("pos.name.10000-chars", HJUDGE_EXPECT_CREATED);
  expect_case("pos.name.non-ascii", HJUDGE_EXPECT_CREATED);
  expect_case("pos.name.escapes", HJUDGE_EXPECT_CREATED);
  expect_case("pos.media.text-json", HJUDGE_EXPECT_CREATED);
  expect_case("pos.media.application-vnd-acme-json.charset", HJUDGE_EXPECT_CREATED);
  expect_case("pos.media.application-json.upper-case", HJUDGE_EXPECT_CREATED);
  expect_case("neg.missing.account", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.missing.name", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.missing.modules", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.array.modules.empty", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.null.modules", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.case-variant.body", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.undeclared.extensions-item", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.type.modules-item.string", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("neg.type.name.null", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("raw.utf8-bom", HJUDGE_EXPECT_CREATED_OR_BAD);
  expect_case("raw.duplicate-keys", HJUDGE_EXPECT_CREATED_OR_BAD);
  expect_case("raw.lone-surrogate", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("raw.over-1mib", HJUDGE_EXPECT_CREATED_BAD_OR_413);
  expect_case("raw.deep-nesting", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("raw.empty-body", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("raw.invalid-utf8.ff", HJUDGE_EXPECT_BAD_REQUEST);
  expect_case("http.content-type.missing", HJUDGE_EXPECT_UNSUPPORTED_MEDIA);
  expect_case("http.method.get", HJUDGE_EXPECT_METHOD_NOT_ALLOWED);
  expect_case("http.auth.wrong", HJUDGE_EXPECT_UNAUTHORIZED);
  expect_case("sem.distinct-creates", HJUDGE_EXPECT_CREATED);
  long i = hcases_find(cat, "sem.token-only-on-create");
  hcases_case c;
  herr ce;
  cr_assert(i >= 0 && hcases_at(cat, (size_t)i, &c, &ce) == 0);
  cr_expect(c.skip && strstr(c.skip, "read operation"), "skipped with the reason");
}

static char *body_of(const char *id, const char *name, size_t *len) {
  long i = hcases_find(cat, id);
  cr_assert(i >= 0, "no case %s", id);
  hcases_case c;
  herr ce;
  cr_assert(hcases_at(cat, (size_t)i, &c, &ce) == 0);
  char *body;
  cr_assert(hcases_body(&c, name, &body, len, &ce) == 0, "%s", ce.msg);
  return body;
}

Test(cases, generated_bodies) {
  size_t len;
  char *b = body_of("raw.over-1mib", "n", &len);
  cr_expect_gt(len, (size_t)1 << 20);
  free(b);
  b = body_of("raw.deep-nesting", NULL, &len);
  cr_expect_eq(len, 20000);
  cr_expect_eq(b[0], '[');
  cr_expect_eq(b[len - 1], ']');
  free(b);
  b = body_of("raw.utf8-bom", "the-name", &len);
  cr_expect_eq(memcmp(b, "\xef\xbb\xbf{", 4), 0);
  cr_expect(strstr(b, "\"the-name\""), "placeholder replaced");
  cr_expect_null(strstr(b, HCASES_NAME_PLACEHOLDER));
  free(b);
  b = body_of("raw.invalid-utf8.ff", "x", &len);
  cr_expect(memchr(b, 0xff, len));
  free(b);
  b = body_of("neg.pattern.account-id.nul-suffix", "x", &len);
  cr_expect(strstr(b, "\\u0000\""));
  free(b);
  b = body_of("pos.name.10000-chars", "ignored", &len);
  cr_expect_gt(len, 10000);
  cr_expect_null(strstr(b, "ignored"), "an exact name keeps no placeholder");
  free(b);
  b = body_of("http.method.get", NULL, &len);
  cr_expect_eq(len, 0);
  free(b);
}

Test(cases, read_file_errors_name_the_file) {
  herr ce;
  cr_expect_null(hcases_read_file("/nonexistent/catalogue.json", &ce));
  cr_expect(strstr(ce.msg, "/nonexistent/catalogue.json"), "%s", ce.msg);
  char path[] = "/tmp/test_cases_bad_XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  const char bad[] = "{\"format\":\"other\",\"cases\":[]}";
  cr_assert_eq(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
  close(fd);
  cr_expect_null(hcases_read_file(path, &ce));
  cr_expect(strstr(ce.msg, "format"), "%s", ce.msg);
  FILE *f = fopen(path, "w");
  fputs("{\"format\":\"apiharness-catalogue/1\",\"cases\":[{\"id\":\"x\"}]}", f);
  fclose(f);
  cr_expect_null(hcases_read_file(path, &ce));
  cr_expect(strstr(ce.msg, "cases[0]"), "%s", ce.msg);
  f = fopen(path, "w");
  fputs("{\"format\":\"apiharness-catalogue/1\",\"format\":1}", f);
  fclose(f);
  cr_expect_null(hcases_read_file(path, &ce), "duplicate names are refused");
  unlink(path);
  cJSON *ok = hcases_read_file(TEST_SOURCE_DIR "/conformance/cases/" HCASES_FILE, &ce);
  cr_expect(ok, "%s", ce.msg);
  cJSON_Delete(ok);
}

Test(cases, glob_filter) {
  cr_expect(hcases_match("*", "pos.minimal"));
  cr_expect(hcases_match("neg.pattern.*", "neg.pattern.account-id.empty"));
  cr_expect_not(hcases_match("neg.pattern.*", "pos.minimal"));
  cr_expect(hcases_match(NULL, "x"));
}

Test(cases, spec_without_request_body_is_an_error) {
  static const char doc[] =
      "{\"openapi\":\"3.0.1\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{"
      "\"/public/v1/accounts/api-tokens\":{\"post\":{\"responses\":{\"201\":{\"description\":"
      "\"x\"}}}}}}";
  herr se;
  hspec *s = hspec_load(doc, sizeof doc - 1, "mini.json", &se);
  cr_assert(s, "%s", se.msg);
  herr he;
  hrules *r = hrules_new(s, &he);
  cr_assert(r, "%s", he.msg);
  herr ce;
  cr_expect_null(hcases_generate(r, 1, &ce));
  cr_expect(strstr(ce.msg, "request body"), "%s", ce.msg);
  hrules_free(r);
  hspec_free(s);
}

/* Outcomes the documents leave to the implementation's libraries are flagged
 * "tolerated" (a warning, a failure under --profile strict), each with its
 * reason; the rules a healthy server must keep are not. */
Test(cases, tolerated_outcomes_are_few_and_explained) {
  static const char *const tolerated[] = {"pos.name.empty",
                                          "pos.name.10000-chars",
                                          "pos.media.application-json.upper-case",
                                          "pos.media.text-json.upper-case",
                                          "neg.pattern.account-id.trailing-newline",
                                          "neg.pattern.modules-id.arabic-indic-digit",
                                          "raw.lone-surrogate",
                                          "raw.invalid-utf8.ff"};
  static const char *const kept[] = {"pos.minimal",
                                     "pos.media.text-json",
                                     "pos.optional.icon.null",
                                     "neg.pattern.account-id.short-digits",
                                     "neg.pattern.modules-id.lowercase",
                                     "neg.undeclared.body",
                                     "neg.missing.modules",
                                     "raw.malformed.truncated",
                                     "raw.trailing-garbage",
                                     "raw.deep-nesting"};
  hcases_case c;
  herr ce;
  for (size_t i = 0; i < sizeof tolerated / sizeof tolerated[0]; i++) {
    long k = hcases_find(cat, tolerated[i]);
    cr_assert(k >= 0 && hcases_at(cat, (size_t)k, &c, &ce) == 0, "%s", tolerated[i]);
    cr_expect(c.tolerated, "%s is tolerated", tolerated[i]);
    cr_expect(c.tolerated_reason && strlen(c.tolerated_reason) > 20, "%s has a reason",
              tolerated[i]);
  }
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    long k = hcases_find(cat, kept[i]);
    cr_assert(k >= 0 && hcases_at(cat, (size_t)k, &c, &ce) == 0, "%s", kept[i]);
    cr_expect(!c.tolerated, "%s must not be tolerated", kept[i]);
  }
  /* every tolerated case belongs to a family whose outcome the documents
   * leave open, and says why */
  static const char *const open_families[] = {"pos.name.empty",
                                              "pos.name.10000-chars",
                                              "pos.string.*.empty",
                                              "pos.string.*.length-*",
                                              "pos.string.*.nul",
                                              "pos.array.*.1000",
                                              "pos.media.*.upper-case",
                                              "pos.media.*.charset-quoted",
                                              "pos.media.*.extra-parameter",
                                              "pos.media.*.space-before-semicolon",
                                              "neg.pattern.*.trailing-newline",
                                              "neg.pattern.*.arabic-indic-digit",
                                              "raw.invalid-utf8.*",
                                              "raw.lone-surrogate"};
  size_t n = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    cr_assert(hcases_at(cat, i, &c, &ce) == 0);
    if (!c.tolerated)
      continue;
    n++;
    int known = 0;
    for (size_t k = 0; k < sizeof open_families / sizeof open_families[0]; k++)
      known |= hcases_match(open_families[k], c.id);
    cr_expect(known, "%s is tolerated but its family is not one the documents leave open", c.id);
    cr_expect(c.tolerated_reason && strlen(c.tolerated_reason) > 20, "%s", c.id);
  }
  cr_expect_lt(n, hcases_count(cat) / 6, "%zu tolerated cases", n);
  /* what a healthy server must do exactly is never tolerated */
  static const char *const strict[] = {"pos.string.name.surrounding-spaces",
                                       "pos.string.description.non-bmp",
                                       "pos.string.icon.combining",
                                       "pos.string.name.markup",
                                       "pos.string.name.surrogate-escapes",
                                       "pos.array.modules.64",
                                       "pos.order.reversed",
                                       "pos.format.crlf-indent",
                                       "pos.escape.account-id.u-upper",
                                       "pos.pattern.account-id.lowest",
                                       "pos.media.application-json.charset-upper-case",
                                       "neg.nesting.body.16384",
                                       "neg.number.name.1e400",
                                       "neg.item.modules.id-pattern.last",
                                       "neg.multi.account-id.name"};
  for (size_t i = 0; i < sizeof strict / sizeof strict[0]; i++) {
    long k = hcases_find(cat, strict[i]);
    cr_assert(k >= 0 && hcases_at(cat, (size_t)k, &c, &ce) == 0, "%s", strict[i]);
    cr_expect(!c.tolerated, "%s must not be tolerated", strict[i]);
  }
}

/* ---------- the families that explore around every rule ---------- */

static hcases_case case_in(const cJSON *c_at, const char *id) {
  long i = hcases_find(c_at, id);
  cr_assert(i >= 0, "no case %s", id);
  hcases_case c;
  herr ce;
  cr_assert(hcases_at(c_at, (size_t)i, &c, &ce) == 0, "%s", ce.msg);
  return c;
}

/* The materialized body of a case parsed strictly into doc (NULL: refused). */
static const cJSON *parsed(hjson_doc *doc, const hcases_case *c, hjson_error *je) {
  char *body;
  size_t len;
  herr ce;
  cr_assert(hcases_body(c, "n", &body, &len, &ce) == 0, "%s", ce.msg);
  hjson_options o = {.max_depth = HJSON_HARD_MAX_DEPTH};
  const cJSON *root = hjson_parse(doc, body, len, &o, je);
  free(body);
  return root;
}

static size_t count_glob(const cJSON *c_at, const char *glob, hjudge_expect e, int check_expect) {
  size_t n = 0;
  for (size_t i = 0; i < hcases_count(c_at); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(c_at, i, &c, &ce) == 0);
    if (!hcases_match(glob, c.id))
      continue;
    n++;
    if (check_expect)
      cr_expect_eq(c.expect, e, "%s expects %s", c.id, hjudge_expect_name(c.expect));
  }
  return n;
}

Test(cases, every_family_of_the_issue_is_present) {
  static const struct {
    const char *glob;
    size_t min;
    hjudge_expect expect;
  } fam[] = {{"pos.order.*", 7, HJUDGE_EXPECT_CREATED},
             {"pos.format.*", 5, HJUDGE_EXPECT_CREATED},
             {"pos.escape.*", 12, HJUDGE_EXPECT_CREATED},
             {"pos.pattern.*", 9, HJUDGE_EXPECT_CREATED},
             {"pos.string.*", 60, HJUDGE_EXPECT_CREATED},
             {"pos.array.*.1000", 2, HJUDGE_EXPECT_CREATED},
             {"pos.pairwise.*", 9, HJUDGE_EXPECT_CREATED},
             {"pos.item-empty.*", 2, HJUDGE_EXPECT_CREATED_OR_BAD},
             {"pos.media.*", 24, HJUDGE_EXPECT_CREATED},
             {"neg.item.*", 27, HJUDGE_EXPECT_BAD_REQUEST},
             {"neg.undeclared.*.null", 4, HJUDGE_EXPECT_BAD_REQUEST},
             {"neg.undeclared-name.*", 12, HJUDGE_EXPECT_BAD_REQUEST},
             {"neg.pattern.*.quote", 2, HJUDGE_EXPECT_BAD_REQUEST},
             {"neg.multi.*", 8, HJUDGE_EXPECT_BAD_REQUEST},
             {"neg.number.*", 60, HJUDGE_EXPECT_BAD_REQUEST},
             {"neg.nesting.*", 44, HJUDGE_EXPECT_BAD_REQUEST},
             {"raw.duplicate.*", 18, HJUDGE_EXPECT_CREATED_OR_BAD},
             {"http.auth.*", 12, 0},
             {"seq.after-*", 7, HJUDGE_EXPECT_CREATED}};
  for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++) {
    size_t n = count_glob(cat, fam[i].glob, fam[i].expect, strcmp(fam[i].glob, "http.auth.*"));
    cr_expect_geq(n, fam[i].min, "%s: %zu cases", fam[i].glob, n);
  }
  /* each media type in every spelling */
  static const char *const spellings[] = {
      "charset",          "charset-upper-case",     "charset-quoted",
      "charset-no-space", "space-before-semicolon", "extra-parameter"};
  for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
    char id[128];
    snprintf(id, sizeof id, "pos.media.text-json.%s", spellings[i]);
    hcases_case c = case_in(cat, id);
    cr_expect(c.content_type && !strncmp(c.content_type, "text/json", 9), "%s", id);
  }
  cr_expect_str_eq(case_in(cat, "pos.media.application-json.charset-quoted").content_type,
                   "application/json; charset=\"utf-8\"");
}

Test(cases, valid_bodies_take_every_valid_form) {
  hjson_doc *doc = hjson_doc_new();
  hjson_error je;
  /* member order */
  hcases_case c = case_in(cat, "pos.order.reversed");
  const cJSON *b = parsed(doc, &c, &je);
  cr_assert(b);
  const cJSON *full = cJSON_GetObjectItemCaseSensitive(case_in(cat, "pos.full").json, "body");
  /* attribution: the minimal body, reversed */
  const cJSON *min = cJSON_GetObjectItemCaseSensitive(case_in(cat, "pos.minimal").json, "body");
  cr_expect_str_eq(b->child->string, cJSON_GetArrayItem(min, cJSON_GetArraySize(min) - 1)->string);
  cr_expect_eq(cJSON_GetArraySize(b), cJSON_GetArraySize(min));
  c = case_in(cat, "pos.order.modules-first");
  b = parsed(doc, &c, &je);
  cr_expect_str_eq(b->child->string, "modules");
  c = case_in(cat, "pos.order.account-last");
  b = parsed(doc, &c, &je);
  cr_expect_str_eq(b->child->prev->string, "account", "cJSON keeps the last member in prev");
  /* whitespace */
  const char *t = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(case_in(cat, "pos.format.crlf-indent").json, "body_text"));
  cr_expect(t && strstr(t, "\r\n  "), "CRLF and spaces");
  t = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(case_in(cat, "pos.format.tabs").json, "body_text"));
  cr_expect(t && strchr(t, '\t'));
  t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
      case_in(cat, "pos.format.trailing-newline").json, "body_text"));
  cr_expect(t && t[strlen(t) - 1] == '\n');
  /* escapes: the decoded value is the plain one */
  c = case_in(cat, "pos.escape.account-id.u-upper");
  t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c.json, "body_text"));
  cr_expect(t && strstr(t, "\\u0041\\u0043\\u0043\\u002D"), "%s", t);
  b = parsed(doc, &c, &je);
  cr_expect_str_eq(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "account"), "id")
          ->valuestring,
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(full, "account"), "id")
          ->valuestring);
  c = case_in(cat, "pos.escape.name.solidus");
  t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c.json, "body_text"));
  cr_expect(t && strstr(t, "\\/"));
  cr_expect(t && strstr(t, HCASES_NAME_PLACEHOLDER), "the name keeps its placeholder");
  /* ids across their patterns */
  static const struct {
    const char *id, *value;
  } ids[] = {{"pos.pattern.account-id.lowest", "ACC-0000-0000"},
             {"pos.pattern.account-id.highest", "ACC-9999-9999"},
             {"pos.pattern.account-id.ascending", "ACC-0123-4567"},
             {"pos.pattern.account-id.ascending-2", "ACC-8901-2345"},
             {"pos.pattern.modules-id.lowest", "MOD-0000"},
             {"pos.pattern.modules-id.highest", "MOD-9999"},
             {"pos.pattern.modules-id.ascending", "MOD-0123"},
             {"pos.pattern.modules-id.ascending-2", "MOD-4567"},
             {"pos.pattern.modules-id.ascending-3", "MOD-8901"}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    c = case_in(cat, ids[i].id);
    char *body;
    size_t len;
    herr ce;
    cr_assert(hcases_body(&c, "n", &body, &len, &ce) == 0);
    char want[64];
    snprintf(want, sizeof want, "\"%s\"", ids[i].value);
    cr_expect(strstr(body, want), "%s holds %s", ids[i].id, ids[i].value);
    free(body);
  }
  /* exact lengths, echo judged, the unstated limit tolerated */
  static const size_t lengths[] = {255, 256, 1023, 1024, 4095, 4096, 65535, 65536};
  static const char *const props[] = {"name", "icon", "description", "extensions-id"};
  for (size_t p = 0; p < 4; p++)
    for (size_t i = 0; i < 8; i++) {
      char id[128];
      snprintf(id, sizeof id, "pos.string.%s.length-%zu", props[p], lengths[i]);
      c = case_in(cat, id);
      cr_expect(c.echo && c.tolerated && strstr(c.tolerated_reason, "maxLength"), "%s", id);
      b = parsed(doc, &c, &je);
      cr_assert(b, "%s", id);
      const cJSON *v =
          p == 3
              ? cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(b, "extensions"), 0), "id")
              : cJSON_GetObjectItemCaseSensitive(b, props[p]);
      cr_expect_eq(strlen(cJSON_GetStringValue(v)), lengths[i], "%s", id);
    }
  /* \u0000 kept inside the name: its true length is longer than strlen */
  c = case_in(cat, "pos.string.name.nul");
  b = parsed(doc, &c, &je);
  size_t len;
  const char *nm = hjson_string(cJSON_GetObjectItemCaseSensitive(b, "name"), &len);
  cr_expect(nm && len > strlen(nm) && nm[len - 1] == 'b');
  cr_expect(c.tolerated && c.echo);
  cr_expect_not(case_in(cat, "pos.string.name.surrounding-spaces").tolerated);
  /* arrays: exact sizes, with repeated items */
  c = case_in(cat, "pos.array.modules.1000");
  b = parsed(doc, &c, &je);
  const cJSON *mods = cJSON_GetObjectItemCaseSensitive(b, "modules");
  cr_expect_eq(cJSON_GetArraySize(mods), 1000);
  cr_expect(cJSON_Compare(cJSON_GetArrayItem(mods, 0), cJSON_GetArrayItem(mods, 4), 1));
  cr_expect(c.echo && c.tolerated);
  c = case_in(cat, "pos.array.modules.2");
  b = parsed(doc, &c, &je);
  mods = cJSON_GetObjectItemCaseSensitive(b, "modules");
  cr_expect_eq(cJSON_GetArraySize(mods), 2);
  cr_expect(cJSON_Compare(mods->child, mods->child->next, 1), "the same module twice");
  cr_expect_not(c.tolerated);
  c = case_in(cat, "pos.item-empty.modules");
  b = parsed(doc, &c, &je);
  mods = cJSON_GetObjectItemCaseSensitive(b, "modules");
  cr_expect(cJSON_IsObject(mods->child) && !mods->child->child && !mods->child->next);
  hjson_doc_free(doc);
}

/* Every pair of optional/nullable properties meets in each of absent / null /
 * given in some pos.pairwise case. */
Test(cases, pairwise_covers_every_pair_of_optional_states) {
  static const char *const opt[] = {"icon", "description", "extensions"};
  unsigned seen[3][3][3][3];
  memset(seen, 0, sizeof seen);
  hjson_doc *doc = hjson_doc_new();
  hjson_error je;
  size_t rows = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0);
    if (!hcases_match("pos.pairwise.*", c.id))
      continue;
    rows++;
    const cJSON *b = parsed(doc, &c, &je);
    cr_assert(b);
    int st[3];
    for (int k = 0; k < 3; k++) {
      const cJSON *m = cJSON_GetObjectItemCaseSensitive(b, opt[k]);
      st[k] = !m ? 0 : cJSON_IsNull(m) ? 1 : 2;
    }
    for (int a = 0; a < 3; a++)
      for (int z = a + 1; z < 3; z++)
        seen[a][st[a]][z][st[z]] = 1;
  }
  for (int a = 0; a < 3; a++)
    for (int z = a + 1; z < 3; z++)
      for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++)
          cr_expect(seen[a][x][z][y], "%s %d with %s %d never tried", opt[a], x, opt[z], y);
  cr_expect_leq(rows, 12, "a covering set, not the full product (%zu rows)", rows);
  hjson_doc_free(doc);
}

/* Negatives fail the rules at the location they were built for. */
Test(cases, negatives_fail_at_the_intended_location) {
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  hjson_error je;
  size_t items = 0, numbers = 0, multi = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0);
    int is_item = hcases_match("neg.item.*", c.id), is_num = hcases_match("neg.number.*", c.id),
        is_multi = hcases_match("neg.multi.*", c.id);
    if (!is_item && !is_num && !is_multi)
      continue;
    const cJSON *b = parsed(doc, &c, &je);
    if (!b) {
      cr_expect(is_num && je.code == HJSON_E_RANGE, "%s: %s", c.id, je.msg);
      continue;
    }
    hschema_result_reset(res);
    cr_expect_not(hrules_check_request(rules, NULL, b, res), "%s accepted", c.id);
    if (is_item) {
      /* neg.item.<array>.<kind>.<first|middle|last>: 5 items, index 0, 2 or 4 */
      char arr[64];
      cr_assert_eq(sscanf(c.id, "neg.item.%63[^.]", arr), 1);
      const char *pos = strrchr(c.id, '.') + 1;
      int idx = !strcmp(pos, "first") ? 0 : !strcmp(pos, "middle") ? 2 : 4;
      cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, arr)), 5, "%s", c.id);
      char want[96];
      snprintf(want, sizeof want, "/%s/%d", arr, idx);
      size_t hit = 0;
      for (size_t k = 0; k < hschema_result_count(res); k++) {
        const char *in = hschema_result_at(res, k)->instance;
        if (!strncmp(in, want, strlen(want)))
          hit++;
        else
          cr_expect(strncmp(in, want, strlen(want) - 1), "%s: violation at %s", c.id, in);
      }
      cr_expect_gt(hit, 0, "%s: no violation at %s", c.id, want);
      items++;
    } else if (is_num) {
      /* the violation points at the number itself */
      int at_number = 0;
      for (size_t k = 0; k < hschema_result_count(res); k++) {
        const char *in = hschema_result_at(res, k)->instance;
        const cJSON *node = b;
        char tok[64];
        for (const char *p = in; node && *p == '/';) {
          size_t l = strcspn(p + 1, "/");
          snprintf(tok, sizeof tok, "%.*s", (int)l, p + 1);
          node = cJSON_IsArray(node) ? cJSON_GetArrayItem(node, atoi(tok))
                                     : cJSON_GetObjectItemCaseSensitive(node, tok);
          p += l + 1;
        }
        at_number |= cJSON_IsNumber(node);
      }
      cr_expect(at_number, "%s: no violation at the number", c.id);
      numbers++;
    } else {
      /* one violated location per error named in the id */
      size_t want = 0;
      for (const char *p = c.id + strlen("neg.multi"); *p; p++)
        want += *p == '.';
      const char *seen[8];
      size_t ns = 0;
      for (size_t k = 0; k < hschema_result_count(res) && ns < 8; k++) {
        const char *in = hschema_result_at(res, k)->instance;
        int dup = 0;
        for (size_t j = 0; j < ns; j++)
          dup |= !strcmp(seen[j], in);
        if (!dup)
          seen[ns++] = in;
      }
      cr_expect_geq(ns, want, "%s: %zu locations violated, %zu expected", c.id, ns, want);
      multi++;
    }
  }
  cr_expect_geq(items, 27);
  cr_expect_geq(numbers, 40);
  cr_expect_geq(multi, 8);
  hschema_result_free(res);
  hjson_doc_free(doc);
}

Test(cases, duplicate_names_carry_the_valid_echo_body) {
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  size_t n = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0);
    if (!hcases_match("raw.duplicate.*", c.id))
      continue;
    n++;
    cr_expect_eq(c.expect, HJUDGE_EXPECT_CREATED_OR_BAD, "%s", c.id);
    cr_expect(c.echo && c.creates, "%s", c.id);
    const cJSON *eb = cJSON_GetObjectItemCaseSensitive(c.json, "echo_body");
    cr_assert(cJSON_IsObject(eb), "%s has an echo_body", c.id);
    hschema_result_reset(res);
    cr_expect(hrules_check_request(rules, NULL, eb, res), "%s: echo_body is valid", c.id);
    char *body;
    size_t len;
    cr_assert(hcases_body(&c, NULL, &body, &len, &ce) == 0);
    hjson_error je;
    cr_expect_null(hjson_parse(doc, body, len, NULL, &je), "%s", c.id);
    cr_expect_eq(je.code, HJSON_E_DUPLICATE, "%s: %s", c.id, je.msg);
    /* read with both members kept: the valid value is first or last as named */
    hjson_options o = {.allow_duplicates = 1};
    const cJSON *both = hjson_parse(doc, body, len, &o, &je);
    cr_assert(both, "%s", c.id);
    free(body);
    /* the object holding the two members: compare its first and last occurrence */
    const cJSON *obj = both;
    char loc[64];
    cr_assert_eq(sscanf(c.id, "raw.duplicate.%63[^.]", loc), 1);
    const char *key = loc;
    const char *dash = strchr(loc, '-');
    if (dash) { /* "account-id": account.id; "modules-id": modules[0].id */
      char parent[64];
      snprintf(parent, sizeof parent, "%.*s", (int)(dash - loc), loc);
      obj = cJSON_GetObjectItemCaseSensitive(both, parent);
      if (cJSON_IsArray(obj))
        obj = obj->child;
      key = dash + 1;
    }
    const cJSON *first = NULL, *last = NULL;
    for (const cJSON *m = obj->child; m; m = m->next)
      if (!strcmp(m->string, key)) {
        if (!first)
          first = m;
        last = m;
      }
    cr_assert(first && last && first != last, "%s: %s twice", c.id, key);
    int valid_first = strstr(c.id, "valid-first") == strrchr(c.id, '.') + 1;
    const cJSON *valid = valid_first ? first : last, *invalid = valid_first ? last : first;
    /* the value echo_body holds there is the valid one */
    const cJSON *eo = eb;
    if (dash) {
      char parent[64];
      snprintf(parent, sizeof parent, "%.*s", (int)(dash - loc), loc);
      eo = cJSON_GetObjectItemCaseSensitive(eb, parent);
      if (cJSON_IsArray(eo))
        eo = eo->child;
    }
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(eo, key);
    cr_expect(ev && cJSON_Compare(valid, ev, 1), "%s: echo_body holds the valid value", c.id);
    cr_expect_not(ev && cJSON_Compare(invalid, ev, 1), "%s", c.id);
  }
  cr_expect_geq(n, 18, "strings and containers, at the root and nested");
  hschema_result_free(res);
  hjson_doc_free(doc);
}

Test(cases, nesting_sweep_covers_2_to_the_4_through_14) {
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  for (unsigned k = 4; k <= 14; k++) {
    char id[64];
    snprintf(id, sizeof id, "neg.nesting.body.%u", 1u << k);
    hcases_case c = case_in(cat, id);
    char *body;
    size_t len;
    herr ce;
    cr_assert(hcases_body(&c, NULL, &body, &len, &ce) == 0);
    cr_expect_eq(len, (size_t)2 << k, "%s", id);
    free(body);
    static const char *const where[] = {"account", "modules", "extensions"};
    for (size_t w = 0; w < 3; w++) {
      snprintf(id, sizeof id, "neg.nesting.%s.%u", where[w], 1u << k);
      c = case_in(cat, id);
      cr_expect_eq(c.expect, HJUDGE_EXPECT_BAD_REQUEST);
      hjson_error je;
      const cJSON *b = parsed(doc, &c, &je);
      if (!b) {
        cr_expect_eq(je.code, HJSON_E_DEPTH, "%s: %s", id, je.msg);
        continue;
      }
      hschema_result_reset(res);
      cr_expect_not(hrules_check_request(rules, NULL, b, res), "%s accepted", id);
      cr_assert(hcases_body(&c, NULL, &body, &len, &ce) == 0);
      cr_expect_lt(len, 100 * 1024, "%s stays under Express's default 100 kB limit", id);
      free(body);
    }
  }
  hschema_result_free(res);
  hjson_doc_free(doc);
}

Test(cases, auth_variants_one_case_per_mode) {
  for (int a = HCASES_AUTH_NONE; a <= HCASES_AUTH_TWICE; a++) {
    char id[64];
    snprintf(id, sizeof id, "http.auth.%s", hcases_auth_name((hcases_auth)a));
    hcases_case c = case_in(cat, id);
    cr_expect_eq(c.auth, (hcases_auth)a, "%s", id);
    cr_expect(c.requires_token, "%s", id);
    hjudge_expect e = a == HCASES_AUTH_SCHEME_LOWERCASE ? HJUDGE_EXPECT_CREATED
                      : a == HCASES_AUTH_TWICE          ? HJUDGE_EXPECT_UNAUTHORIZED_OR_BAD
                                                        : HJUDGE_EXPECT_UNAUTHORIZED;
    cr_expect_eq(c.expect, e, "%s expects %s", id, hjudge_expect_name(c.expect));
  }
  hcases_case c = case_in(cat, "http.auth.scheme-lowercase");
  cr_expect(c.echo && c.creates);
  cr_expect_str_eq(c.requirement, "http.auth-scheme-case-insensitive");
  cr_expect(hcases_requirement(cat, "http.auth-scheme-case-insensitive"));
}

Test(cases, keep_alive_sequences) {
  static const struct {
    const char *id, *method, *ct;
    hjudge_expect first;
  } seq[] = {{"seq.after-400", "POST", "application/json", HJUDGE_EXPECT_BAD_REQUEST},
             {"seq.after-405-get", "GET", "application/json", HJUDGE_EXPECT_METHOD_NOT_ALLOWED},
             {"seq.after-405-put", "PUT", "application/json", HJUDGE_EXPECT_METHOD_NOT_ALLOWED},
             {"seq.after-413", "POST", "application/json", HJUDGE_EXPECT_CREATED_BAD_OR_413},
             {"seq.after-415", "POST", "text/plain", HJUDGE_EXPECT_UNSUPPORTED_MEDIA},
             {"seq.after-head", "HEAD", NULL, HJUDGE_EXPECT_METHOD_NOT_ALLOWED},
             {"seq.after-401", "POST", "application/json", HJUDGE_EXPECT_UNAUTHORIZED}};
  for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
    hcases_case c = case_in(cat, seq[i].id), s1, s2, s3;
    herr ce;
    cr_assert(c.sequence, "%s has a sequence", seq[i].id);
    cr_expect_str_eq(c.requirement, "http.keep-alive-after-error");
    cr_assert(hcases_step(&c, 0, &s1, &ce) == 0, "%s", ce.msg);
    cr_assert(hcases_step(&c, 1, &s2, &ce) == 0, "%s", ce.msg);
    cr_expect_not(hcases_step(&c, 2, &s3, &ce) == 0, "two steps");
    cr_expect_str_eq(s1.method, seq[i].method);
    if (seq[i].ct)
      cr_expect_str_eq(s1.content_type, seq[i].ct);
    else
      cr_expect_null(s1.content_type);
    cr_expect_eq(s1.expect, seq[i].first, "%s step 1", seq[i].id);
    cr_expect_eq(s1.auth,
                 seq[i].first == HJUDGE_EXPECT_UNAUTHORIZED ? HCASES_AUTH_WRONG : HCASES_AUTH_TOKEN,
                 "%s", seq[i].id);
    cr_expect_eq(c.requires_token, seq[i].first == HJUDGE_EXPECT_UNAUTHORIZED, "%s", seq[i].id);
    cr_expect_str_eq(s2.method, "POST");
    cr_expect_eq(s2.expect, HJUDGE_EXPECT_CREATED);
    cr_expect(s2.echo && s2.creates);
    char *body;
    size_t len;
    cr_assert(hcases_body(&s1, "n", &body, &len, &ce) == 0, "%s", ce.msg);
    if (!strcmp(seq[i].id, "seq.after-413"))
      cr_expect_gt(len, (size_t)2 << 20, "over 2 MiB");
    else if (!strcmp(seq[i].method, "HEAD"))
      cr_expect_eq(len, 0);
    else
      cr_expect_gt(len, 10);
    free(body);
  }
  hcases_case c = case_in(cat, "sem.same-name-twice");
  cr_expect_eq(c.repeat, 2);
  cr_expect_str_eq(c.requirement, HREQ_DISTINCT);
  char *body;
  size_t len;
  herr ce;
  cr_assert(hcases_body(&c, "replaced", &body, &len, &ce) == 0);
  cr_expect_null(strstr(body, "replaced"), "a literal name, the same both times");
  free(body);
}

Test(cases, checked_in_catalogue_stays_small) {
  FILE *f = fopen(TEST_SOURCE_DIR "/conformance/cases/" HCASES_FILE, "rb");
  cr_assert(f);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fclose(f);
  cr_expect_lt(size, 2L << 20, "catalogue.json is %ld bytes", size);
}

/* Another spec: other patterns, an integer, a boolean, an array of strings,
 * optional members in the items: the same families, still self-consistent. */
Test(cases, a_spec_variant_still_generates) {
  herr se;
  hspec *vs = hspec_load_file(TEST_SOURCE_DIR "/tests/data/cases/variant.openapi.json", &se);
  cr_assert(vs, "%s", se.msg);
  herr he;
  hrules *vr = hrules_new(vs, &he);
  cr_assert(vr, "%s", he.msg);
  herr ce;
  cJSON *vc = hcases_generate(vr, 1, &ce);
  cr_assert(vc, "%s", ce.msg);
  cr_expect_geq(count_glob(vc, "pos.pattern.modules-id.*", 0, 0), 4);
  cr_expect_geq(count_glob(vc, "pos.string.account-label.*", 0, 0), 12);
  cr_expect_geq(count_glob(vc, "pos.array.tags.*", 0, 0), 6);
  cr_expect_geq(count_glob(vc, "neg.item.tags.*", 0, 0), 3);
  cr_expect_geq(count_glob(vc, "neg.item.modules.note-type.*", 0, 0), 3);
  cr_expect_geq(count_glob(vc, "pos.pairwise.*", 0, 0), 9);
  /* an integer with bounds: only the numbers no integer reading accepts */
  cr_expect_eq(count_glob(vc, "neg.number.ttl.*", 0, 0), 3);
  cr_expect_geq(hcases_find(vc, "neg.number.ttl.fraction"), 0);
  /* stated limits: exactly at them valid, one past them refused */
  static const char *const at_limits[] = {"pos.limit.account-label.min-length",
                                          "pos.limit.account-label.max-length",
                                          "pos.limit.ttl.minimum",
                                          "pos.limit.ttl.maximum",
                                          "pos.enum.scope.1",
                                          "pos.enum.scope.2"};
  for (size_t i = 0; i < sizeof at_limits / sizeof at_limits[0]; i++) {
    hcases_case lc = case_in(vc, at_limits[i]);
    cr_expect_eq(lc.expect, HJUDGE_EXPECT_CREATED, "%s", at_limits[i]);
    cr_expect_not(lc.tolerated, "%s: a stated limit is judged exactly", at_limits[i]);
  }
  static const char *const past_limits[] = {"neg.limit.account-label.under-min-length",
                                            "neg.limit.account-label.over-max-length",
                                            "neg.limit.ttl.under-minimum",
                                            "neg.limit.ttl.over-maximum",
                                            "neg.enum.scope.case-flipped",
                                            "neg.enum.scope.extended",
                                            "neg.enum.scope.empty"};
  for (size_t i = 0; i < sizeof past_limits / sizeof past_limits[0]; i++)
    cr_expect_eq(case_in(vc, past_limits[i]).expect, HJUDGE_EXPECT_BAD_REQUEST, "%s",
                 past_limits[i]);
  cr_expect_not(case_in(vc, "pos.string.account-label.length-1024").tolerated,
                "within a stated maxLength: not left open");
  cr_expect_lt(hcases_find(vc, "pos.string.account-label.length-4095"), 0,
               "beyond the stated maxLength: never a positive");
  cr_expect(case_in(vc, "pos.string.tags-item.length-65536").tolerated, "no maxLength stated");
  cr_expect_eq(count_glob(vc, "pos.string.expiresat.*", 0, 0), 0, "a date-time is not any string");
  cr_expect_eq(count_glob(vc, "pos.string.scope.*", 0, 0), 0, "an enum is not any string");
  cr_expect_eq(count_glob(vc, "neg.number.enabled.*", 0, 0), 5);
  hcases_case c = case_in(vc, "pos.pattern.modules-id.lowest");
  char *body;
  size_t len;
  cr_assert(hcases_body(&c, "n", &body, &len, &ce) == 0);
  cr_expect(strstr(body, "\"MOD-AA00\""), "%s", body);
  free(body);
  /* positives valid, negatives refused */
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  for (size_t i = 0; i < hcases_count(vc); i++) {
    cr_assert(hcases_at(vc, i, &c, &ce) == 0);
    if (strcmp(c.klass, "positive") && strcmp(c.klass, "negative-body"))
      continue;
    hjson_error je;
    const cJSON *b = parsed(doc, &c, &je);
    if (!b) {
      cr_expect(!strcmp(c.klass, "negative-body"), "%s: %s", c.id, je.msg);
      continue;
    }
    hschema_result_reset(res);
    int ok = hrules_check_request(vr, NULL, b, res);
    cr_expect_eq(ok, !strcmp(c.klass, "positive"), "%s", c.id);
  }
  hschema_result_free(res);
  hjson_doc_free(doc);
  cJSON_Delete(vc);
  hrules_free(vr);
  hspec_free(vs);
}

/* Undeclared members are refused as such (keyword additionalProperties at the
 * member), invalid values with quotes and control characters by their pattern. */
Test(cases, undeclared_and_quoted_values_fail_by_the_intended_keyword) {
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  size_t undeclared = 0, quoted = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0);
    int und =
        hcases_match("neg.undeclared.*.*", c.id) || hcases_match("neg.undeclared-name.*", c.id);
    int quo = hcases_match("neg.pattern.*.quote", c.id) ||
              hcases_match("neg.pattern.*.backslash", c.id) ||
              hcases_match("neg.pattern.*.control", c.id) ||
              hcases_match("neg.pattern.*.mixed", c.id);
    if (!und && !quo)
      continue;
    hjson_error je;
    const cJSON *b = parsed(doc, &c, &je);
    cr_assert(b, "%s: %s", c.id, je.msg);
    hschema_result_reset(res);
    cr_expect_not(hrules_check_request(rules, NULL, b, res), "%s", c.id);
    int found = 0;
    for (size_t k = 0; k < hschema_result_count(res); k++)
      found |=
          !strcmp(hschema_result_at(res, k)->keyword, und ? "additionalProperties" : "pattern");
    cr_expect(found, "%s: not refused by %s", c.id, und ? "additionalProperties" : "pattern");
    if (quo) {
      /* the value really holds what the title says */
      char *body;
      size_t len;
      cr_assert(hcases_body(&c, "n", &body, &len, &ce) == 0);
      cr_expect(strstr(body, strstr(c.id, ".quote") ? "\\\"\"" : "\\"), "%s: %s", c.id, body);
      free(body);
    }
    undeclared += (size_t)und;
    quoted += (size_t)quo;
  }
  cr_expect_geq(undeclared, 32, "5 types and 3 odd names at 4 object levels");
  cr_expect_geq(quoted, 8);
  hschema_result_free(res);
  hjson_doc_free(doc);
}

/* A spec whose request schema is recursive (an optional property referring
 * to its own object, an array of its own items): generation is bounded,
 * never "cannot build a valid request body", and the recursive property's
 * own rules are still exercised at its first level. */
Test(cases, a_recursive_spec_is_bounded) {
  herr se;
  hspec *rs = hspec_load_file(TEST_SOURCE_DIR "/tests/data/cases/recursive.openapi.json", &se);
  cr_assert(rs, "%s", se.msg);
  herr he;
  hrules *rr = hrules_new(rs, &he);
  cr_assert(rr, "%s", he.msg);
  herr ce;
  cJSON *rc = hcases_generate(rr, 1, &ce);
  cr_assert(rc, "%s", ce.msg);
  size_t n = hcases_count(rc);
  cr_expect_gt(n, 505, "the recursive properties add cases");
  cr_expect_lt(n, 2000, "recursion is not expanded level after level: %zu cases", n);
  cr_expect_geq(count_glob(rc, "neg.type.parent.*", 0, 0), 1);
  cr_expect_geq(count_glob(rc, "neg.type.modules-children.*", 0, 0), 1);
  cJSON_Delete(rc);
  hrules_free(rr);
  hspec_free(rs);
}
