/* Attribution when the spec changes (issue 13, item 5): a case about one
 * requirement varies only what that requirement is about, every other property
 * stays as in the minimal body.  Checked with the default spec and
 * tests/data/cases/label.openapi.json, the same spec with one more optional
 * nullable property, "label" (between description and modules). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "json/hjson.h"
#include "support.h"

#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define LABEL_SPEC TEST_DATA_DIR "/cases/label.openapi.json"

typedef struct {
  hspec *spec;
  hrules *rules;
  cJSON *cat;
} generated;

static generated dflt, label;

static void generate(generated *g, const char *path) {
  g->rules = ts_load_rules(path, &g->spec);
  herr ce;
  g->cat = hcases_generate(g->rules, 1, &ce);
  cr_assert(g->cat, "%s: %s", path, ce.msg);
}

static void release(generated *g) {
  cJSON_Delete(g->cat);
  hrules_free(g->rules);
  hspec_free(g->spec);
}

static void setup(void) {
  generate(&dflt, SPEC);
  generate(&label, LABEL_SPEC);
}

static void teardown(void) {
  release(&label);
  release(&dflt);
}

TestSuite(cases_attribution, .init = setup, .fini = teardown);

/* The cases that are about every property at once. */
static int about_everything(const char *id) {
  return !strcmp(id, "pos.full") || !strncmp(id, "pos.pairwise.", 13) ||
         !strcmp(id, "sem.echo-full");
}

static int about_label(const hcases_case *c) {
  return strstr(c->id, ".label") || strstr(c->requirement, ".label");
}

/* 1 when the bytes hold a member named label at any depth (written plainly:
 * the generator escapes only the strings a case is about). */
static int carries_label(const char *bytes, size_t len) {
  static const char key[] = "\"label\"";
  for (size_t i = 0; i + sizeof key - 1 <= len; i++)
    if (!memcmp(bytes + i, key, sizeof key - 1)) {
      size_t j = i + sizeof key - 1;
      while (j < len && strchr(" \t\r\n", bytes[j]))
        j++;
      if (j < len && bytes[j] == ':')
        return 1;
    }
  return 0;
}

static int case_carries_label(const hcases_case *c) {
  herr ce;
  size_t steps = c->sequence ? (size_t)cJSON_GetArraySize(c->sequence) : 1;
  for (size_t k = 0; k < steps; k++) {
    hcases_case s = *c;
    if (c->sequence)
      cr_assert(hcases_step(c, k, &s, &ce) == 0, "%s step %zu: %s", c->id, k, ce.msg);
    char *body;
    size_t len;
    cr_assert(hcases_body(&s, "n", &body, &len, &ce) == 0, "%s: %s", c->id, ce.msg);
    int has = carries_label(body, len);
    free(body);
    if (has)
      return 1;
  }
  const cJSON *echo = cJSON_GetObjectItemCaseSensitive(c->json, "echo_body");
  if (echo) {
    char *t = cJSON_PrintUnformatted(echo);
    cr_assert(t);
    int has = carries_label(t, strlen(t));
    free(t);
    return has;
  }
  return 0;
}

Test(cases_attribution, only_the_cases_about_label_or_every_property_carry_it) {
  size_t carriers = 0, own = 0;
  for (size_t i = 0; i < hcases_count(label.cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(label.cat, i, &c, &ce) == 0, "%s", ce.msg);
    if (!case_carries_label(&c))
      continue;
    carriers++;
    if (about_label(&c)) {
      own++;
      continue;
    }
    cr_expect(about_everything(c.id) || !strncmp(c.id, "neg.multi.", 10),
              "case %s (requirement %s) carries label, which it is not about", c.id, c.requirement);
    if (!strncmp(c.id, "neg.multi.", 10))
      cr_expect(strstr(c.id, ".label"), "%s: a combination carries only its own leaves", c.id);
  }
  cr_expect_geq(own, 20, "label has its own cases (type, null, absent, strings, escapes): %zu",
                own);
  cr_expect_leq(carriers - own, 12, "pos.full, sem.echo-full and a few pairwise rows: %zu",
                carriers - own);
  /* the full-body cases keep every property */
  long f = hcases_find(label.cat, "pos.full");
  cr_assert(f >= 0);
  hcases_case full;
  herr ce;
  cr_assert(hcases_at(label.cat, (size_t)f, &full, &ce) == 0);
  cr_expect(case_carries_label(&full));
  f = hcases_find(label.cat, "sem.echo-full");
  cr_assert(f >= 0);
  cr_assert(hcases_at(label.cat, (size_t)f, &full, &ce) == 0);
  cr_expect(case_carries_label(&full));
}

/* A case about label is the minimal body plus label, in the schema's order. */
Test(cases_attribution, a_label_case_is_the_minimal_body_and_label) {
  long m = hcases_find(label.cat, "pos.minimal"),
       n = hcases_find(label.cat, "pos.optional.label.null");
  cr_assert(m >= 0 && n >= 0);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(label.cat, "cases");
  cJSON *want = cJSON_Duplicate(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cases, (int)m), "body"), 1);
  const cJSON *got = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cases, (int)n), "body");
  cr_assert(want && got);
  cJSON_AddNullToObject(want, "label");
  cr_expect(cJSON_Compare(want, got, 1), "pos.optional.label.null is the minimal body + label");
  /* members in the schema's order: label before modules */
  const char *prev = NULL;
  for (const cJSON *x = got->child; x; x = x->next) {
    if (!strcmp(x->string, "modules"))
      cr_expect(prev && !strcmp(prev, "label"), "label sits where the schema puts it");
    prev = x->string;
  }
  cJSON_Delete(want);
  /* and the other optional properties' cases do not carry label */
  static const char *const others[] = {
      "pos.optional.icon.absent",       "pos.optional.icon.null",
      "pos.optional.description.null",  "neg.type.description.number",
      "pos.string.description.non-bmp", "pos.order.reversed"};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    long k = hcases_find(label.cat, others[i]);
    cr_assert(k >= 0, "%s", others[i]);
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(label.cat, (size_t)k, &c, &ce) == 0);
    cr_expect_not(case_carries_label(&c), "%s carries label", others[i]);
  }
}

/* Adding label changes no case that is not about it: every case id both
 * catalogues hold is the same case, except the ones about every property
 * (and the cyclic combinations of errors, whose leaves shift). */
Test(cases_attribution, adding_a_property_changes_no_other_case) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(dflt.cat, "cases");
  size_t same = 0;
  for (const cJSON *c = a->child; c; c = c->next) {
    const char *id = cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring;
    long k = hcases_find(label.cat, id);
    if (about_everything(id)) {
      continue;
    }
    if (k < 0) {
      cr_expect(!strncmp(id, "neg.multi.", 10), "%s is gone with label added", id);
      continue;
    }
    const cJSON *b =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(label.cat, "cases"), (int)k);
    cr_expect(cJSON_Compare(c, b, 1), "case %s changed when label was added", id);
    same++;
  }
  cr_expect_geq(same, hcases_count(dflt.cat) - 20, "%zu of %zu cases unchanged", same,
                hcases_count(dflt.cat));
  /* the requirements of the default spec all remain, the label ones are added */
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(dflt.cat, "requirements");
  for (const cJSON *r = reqs->child; r; r = r->next) {
    const char *id = cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring;
    cr_expect(hcases_requirement(label.cat, id), "requirement %s lost", id);
  }
  cr_expect(hcases_requirement(label.cat, "schema.request.CreateApiTokenDto.label.nullable"));
  cr_expect(hcases_requirement(label.cat, "schema.request.CreateApiTokenDto.label.optional"));
}

/* In the default spec too: the optional properties' own cases carry none of
 * the other optional properties. */
Test(cases_attribution, default_spec_cases_carry_only_their_property) {
  static const char *const optional[] = {"icon", "description", "extensions"};
  for (size_t i = 0; i < hcases_count(dflt.cat); i++) {
    hcases_case c;
    herr ce;
    cr_assert(hcases_at(dflt.cat, i, &c, &ce) == 0);
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(c.json, "body");
    if (!cJSON_IsObject(body) || about_everything(c.id) || !strncmp(c.id, "neg.multi.", 10))
      continue;
    for (size_t k = 0; k < sizeof optional / sizeof optional[0]; k++) {
      if (!cJSON_GetObjectItemCaseSensitive(body, optional[k]))
        continue;
      char own[64];
      snprintf(own, sizeof own, ".%s", optional[k]);
      cr_expect(strstr(c.id, own) || strstr(c.requirement, own),
                "case %s (requirement %s) carries %s", c.id, c.requirement, optional[k]);
    }
  }
}
