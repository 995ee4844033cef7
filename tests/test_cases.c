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

#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"

static hspec *spec;
static hrules *rules;
static cJSON *cat;

static void setup(void) {
  hspec_error se;
  spec = hspec_load_file(SPEC, &se);
  cr_assert(spec, "%s", se.msg);
  hschema_error he;
  rules = hrules_new(spec, &he);
  cr_assert(rules, "%s", he.msg);
  hcases_error ce;
  cat = hcases_generate(rules, 1, &ce);
  cr_assert(cat, "%s", ce.msg);
}

static void teardown(void) {
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
}

TestSuite(cases, .init = setup, .fini = teardown);

static int run(const char *cmd) {
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(cases, checked_in_catalogue_is_not_stale) {
  cr_assert_eq(
      run(APIHARNESS_BIN " cases --check --out " TEST_SOURCE_DIR "/conformance/cases >/dev/null"),
      0, "conformance/cases/catalogue.json is stale: run 'apiharness cases'");
}

Test(cases, check_detects_a_stale_file_and_writes_a_fresh_one) {
  char dir[] = "/tmp/test_cases_XXXXXX";
  cr_assert(mkdtemp(dir));
  char cmd[512], path[512];
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s 2>/dev/null", dir);
  cr_expect_eq(run(cmd), 1, "a missing catalogue is stale");
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --out %s >/dev/null", dir);
  cr_assert_eq(run(cmd), 0);
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s >/dev/null", dir);
  cr_expect_eq(run(cmd), 0);
  snprintf(path, sizeof path, "%s/" HCASES_FILE, dir);
  FILE *f = fopen(path, "a");
  cr_assert(f);
  fputs(" ", f);
  fclose(f);
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s 2>/dev/null", dir);
  cr_expect_eq(run(cmd), 1, "an edited catalogue is stale");
  /* another seed gives other values: stale as well */
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --out %s --seed 7 >/dev/null", dir);
  cr_assert_eq(run(cmd), 0);
  snprintf(cmd, sizeof cmd, APIHARNESS_BIN " cases --check --out %s 2>/dev/null", dir);
  cr_expect_eq(run(cmd), 1);
  unlink(path);
  rmdir(dir);
}

Test(cases, cli_errors_exit_2) {
  cr_expect_eq(run(APIHARNESS_BIN " cases --spec /nonexistent.json 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " cases --seed x 2>/dev/null"), 2);
  cr_expect_eq(run(APIHARNESS_BIN " cases --bogus 2>/dev/null"), 2);
}

Test(cases, generation_is_deterministic_and_seeded) {
  hcases_error ce;
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
    hcases_error ce;
    cr_assert(hcases_at(cat, i, &c, &ce), "%s", ce.msg);
    cr_expect_eq(hcases_find(cat, c.id), (long)i, "duplicate id %s", c.id);
    cr_expect(hcases_requirement(cat, c.requirement), "case %s: requirement %s undeclared", c.id,
              c.requirement);
  }
}

/* Every JSON body the catalogue holds agrees with the validator: positive
 * bodies valid, negative bodies invalid. */
Test(cases, bodies_agree_with_the_rules) {
  hjson_doc *doc = hjson_doc_new();
  hschema_result *res = hschema_result_new(0);
  size_t positives = 0, negatives = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    hcases_error ce;
    cr_assert(hcases_at(cat, i, &c, &ce));
    if (strcmp(c.klass, "positive") && strcmp(c.klass, "negative-body"))
      continue;
    char *body;
    size_t len;
    cr_assert(hcases_body(&c, "apiharness-test-name", &body, &len, &ce), "%s", ce.msg);
    const cJSON *root = hjson_parse(doc, body, len, NULL, NULL);
    cr_assert(root, "case %s: body is not JSON", c.id);
    hschema_result_reset(res);
    const hschema *schema = hrules_request_schema(rules, c.content_type, NULL);
    int ok = hrules_check_request(rules, schema, root, res);
    if (!strcmp(c.klass, "positive")) {
      cr_expect(ok, "positive case %s rejected", c.id);
      cr_expect_eq(c.expect, HJUDGE_EXPECT_CREATED);
      positives++;
    } else {
      cr_expect_not(ok, "negative case %s accepted", c.id);
      cr_expect_eq(c.expect, HJUDGE_EXPECT_BAD_REQUEST);
      negatives++;
    }
    free(body);
  }
  cr_expect_gt(positives, 15);
  cr_expect_gt(negatives, 70);
  hschema_result_free(res);
  hjson_doc_free(doc);
}

static void expect_case(const char *id, hjudge_expect e) {
  long i = hcases_find(cat, id);
  cr_assert(i >= 0, "no case %s", id);
  hcases_case c;
  hcases_error ce;
  cr_assert(hcases_at(cat, (size_t)i, &c, &ce));
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
  hcases_error ce;
  cr_assert(i >= 0 && hcases_at(cat, (size_t)i, &c, &ce));
  cr_expect(c.skip && strstr(c.skip, "read operation"), "skipped with the reason");
}

static char *body_of(const char *id, const char *name, size_t *len) {
  long i = hcases_find(cat, id);
  cr_assert(i >= 0, "no case %s", id);
  hcases_case c;
  hcases_error ce;
  cr_assert(hcases_at(cat, (size_t)i, &c, &ce));
  char *body;
  cr_assert(hcases_body(&c, name, &body, len, &ce), "%s", ce.msg);
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
  hcases_error ce;
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
  hspec_error se;
  hspec *s = hspec_load(doc, sizeof doc - 1, "mini.json", &se);
  cr_assert(s, "%s", se.msg);
  hschema_error he;
  hrules *r = hrules_new(s, &he);
  cr_assert(r, "%s", he.msg);
  hcases_error ce;
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
  hcases_error ce;
  for (size_t i = 0; i < sizeof tolerated / sizeof tolerated[0]; i++) {
    long k = hcases_find(cat, tolerated[i]);
    cr_assert(k >= 0 && hcases_at(cat, (size_t)k, &c, &ce), "%s", tolerated[i]);
    cr_expect(c.tolerated, "%s is tolerated", tolerated[i]);
    cr_expect(c.tolerated_reason && strlen(c.tolerated_reason) > 20, "%s has a reason",
              tolerated[i]);
  }
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    long k = hcases_find(cat, kept[i]);
    cr_assert(k >= 0 && hcases_at(cat, (size_t)k, &c, &ce), "%s", kept[i]);
    cr_expect(!c.tolerated, "%s must not be tolerated", kept[i]);
  }
  size_t n = 0;
  for (size_t i = 0; i < hcases_count(cat); i++) {
    cr_assert(hcases_at(cat, i, &c, &ce));
    n += (size_t)c.tolerated;
    if (c.tolerated)
      cr_expect(c.tolerated_reason, "%s", c.id);
  }
  cr_expect_leq(n, 20, "%zu tolerated cases", n);
}
