/* The catalogue's requirements come from the registry (harness/rules/hreq.h):
 * a fixed requirement carries the registry's class, title and source exactly;
 * a spec-derived one belongs to a declared family and carries its class and
 * source.  For the default spec and the test specs of tests/data/cases/. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cases/hcases.h"
#include "rules/hreq.h"
#include "rules/hrules.h"
#include "spec/hspec.h"

static void check_spec(const char *path) {
  herr se;
  hspec *spec = hspec_load_file(path, &se);
  cr_assert(spec, "%s", se.msg);
  herr he;
  hrules *rules = hrules_new(spec, &he);
  cr_assert(rules, "%s", he.msg);
  herr ce;
  cJSON *cat = hcases_generate(rules, 1, &ce);
  cr_assert(cat, "%s: %s", path, ce.msg);
  size_t fixed = 0, derived = 0;
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(cat, "requirements");
  for (const cJSON *r = reqs->child; r; r = r->next) {
    const char *id = cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring;
    const char *klass = cJSON_GetObjectItemCaseSensitive(r, "class")->valuestring;
    const char *title = cJSON_GetObjectItemCaseSensitive(r, "title")->valuestring;
    const char *source = cJSON_GetObjectItemCaseSensitive(r, "source")->valuestring;
    const hreq *h = hreq_find(id);
    if (h) {
      cr_expect_str_eq(klass, h->klass, "%s: class", id);
      cr_expect_str_eq(title, h->title, "%s: the registry's title", id);
      cr_expect_str_eq(source, h->source, "%s: source", id);
      fixed++;
      continue;
    }
    const hreq_family *f = hreq_family_of(id);
    cr_expect(f, "%s: %s is neither fixed nor of a family", path, id);
    if (!f)
      continue;
    cr_expect_str_eq(klass, f->klass, "%s: class", id);
    cr_expect_str_eq(source, f->source, "%s: source", id);
    cr_expect(title[0], "%s: a title", id);
    derived++;
  }
  cr_expect_gt(fixed, 20, "%s: %zu fixed requirements", path, fixed);
  cr_expect_gt(derived, 10, "%s: %zu spec-derived requirements", path, derived);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
}

Test(cases_registry, default_spec) {
  check_spec(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json");
}
Test(cases_registry, variant_spec) { check_spec(TEST_DATA_DIR "/cases/variant.openapi.json"); }
Test(cases_registry, formats_spec) { check_spec(TEST_DATA_DIR "/cases/formats.openapi.json"); }
Test(cases_registry, recursive_spec) { check_spec(TEST_DATA_DIR "/cases/recursive.openapi.json"); }

/* Every case names a requirement the catalogue declares. */
Test(cases_registry, checked_in_catalogue_names_declared_requirements) {
  herr ce;
  cJSON *cat = hcases_read_file(TEST_SOURCE_DIR "/conformance/cases/catalogue.json", &ce);
  cr_assert(cat, "%s", ce.msg);
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    cr_assert(hcases_at(cat, i, &c, &ce) == 0, "%s", ce.msg);
    cr_expect(hcases_requirement(cat, c.requirement), "%s: %s", c.id, c.requirement);
    cr_expect(hreq_known(c.requirement), "%s: requirement %s unknown to the registry", c.id,
              c.requirement);
  }
  cJSON_Delete(cat);
}
