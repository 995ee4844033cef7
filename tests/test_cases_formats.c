/* Formats and bounds (issue 13, item 4): for every kind of constraint a spec
 * can state, the catalogue holds valid values (positives) and near misses
 * (negatives), and the bodies really are valid / invalid against the schema,
 * refused by the keyword the case is about.  Spec:
 * tests/data/cases/formats.openapi.json (date-time, date, uuid, email, uri,
 * int32, int64, exclusive bounds with multipleOf, enum, lengths, array length
 * and uniqueness). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "spec/hspec.h"
#include "json/hjson.h"
#include "support.h"

#define FORMATS_SPEC TEST_DATA_DIR "/cases/formats.openapi.json"

static hspec *spec;
static hrules *rules;
static cJSON *cat;
static hjson_doc *doc;
static hschema_result *res;

static void setup(void) {
  rules = ts_load_rules(FORMATS_SPEC, &spec);
  herr ce;
  cat = hcases_generate(rules, 1, &ce);
  cr_assert(cat, "%s", ce.msg);
  doc = hjson_doc_new();
  res = hschema_result_new(0);
  cr_assert(doc && res);
}

static void teardown(void) {
  hschema_result_free(res);
  hjson_doc_free(doc);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
}

TestSuite(cases_formats, .init = setup, .fini = teardown);

/* Validates the materialized bytes of a case (parsed as the server would get
 * them: number text kept); 1 valid, 0 invalid with *kw the first error's
 * keyword, -1 not JSON.  *value: the string at pointer ptr, if any. */
static int check(const hcases_case *c, const char **kw, const char *ptr, const char **value) {
  char *body;
  size_t len;
  herr ce;
  cr_assert(hcases_body(c, "n", &body, &len, &ce) == 0, "%s: %s", c->id, ce.msg);
  hjson_error je;
  const cJSON *root = hjson_parse(doc, body, len, NULL, &je);
  free(body);
  *value = NULL;
  *kw = NULL;
  if (!root)
    return -1;
  const cJSON *at = root;
  const char *p = ptr;
  while (at && *p == '/') {
    char key[64];
    size_t n = strcspn(p + 1, "/");
    snprintf(key, sizeof key, "%.*s", (int)n, p + 1);
    at = cJSON_GetObjectItemCaseSensitive(at, key);
    p += 1 + n;
  }
  if (cJSON_IsString(at))
    *value = at->valuestring;
  hschema_result_reset(res);
  int ok = hrules_check_request(rules, NULL, root, res);
  *kw = NULL;
  for (size_t i = 0; !ok && i < hschema_result_count(res) && !*kw; i++)
    if (!hschema_result_at(res, i)->warning)
      *kw = hschema_result_at(res, i)->keyword;
  return ok;
}

/* An independent reading of the formats the validator leaves open, for the
 * tolerated near misses: the value must really be outside the format. */
static int uuid_like(const char *s) {
  if (strlen(s) != 36)
    return 0;
  for (int i = 0; i < 36; i++)
    if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return 0;
  return 1;
}
static int email_like(const char *s) {
  const char *at = strchr(s, '@');
  return at && at > s && at[1] && !strchr(at + 1, '@') && !strchr(s, ' ');
}
static int uri_like(const char *s) {
  size_t i = 0;
  if (!isalpha((unsigned char)s[0]))
    return 0;
  while (isalnum((unsigned char)s[i]) || strchr("+-.", s[i]))
    i++;
  return s[i] == ':' && !strchr(s, ' ');
}

typedef struct {
  const char *what;    /* the constraint kind */
  const char *prop;    /* the property (slug in case ids) */
  const char *keyword; /* the keyword a near miss must break */
  const char *req;     /* requirement id of the cases */
  size_t min_pos, min_neg;
  int (*like)(const char *); /* formats the validator leaves open; NULL otherwise */
} kind;

#define REQ(p, k) "schema.request.CreateDto." p "." k

static const kind kinds[] = {
    {"date-time", "expiresAt", "format", REQ("expiresAt", "format"), 3, 6, NULL},
    {"date", "validFrom", "format", REQ("validFrom", "format"), 2, 4, NULL},
    {"uuid", "requestId", "format", REQ("requestId", "format"), 2, 4, uuid_like},
    {"email", "contact", "format", REQ("contact", "format"), 2, 4, email_like},
    {"uri", "callback", "format", REQ("callback", "format"), 2, 3, uri_like},
    {"int32", "count32", "format", REQ("count32", "format"), 2, 2, NULL},
    {"int64", "count64", "format", REQ("count64", "format"), 2, 2, NULL},
    {"enum", "scope", "enum", REQ("scope", "enum"), 2, 3, NULL},
    {"minLength", "label", "minLength", REQ("label", "minLength"), 1, 1, NULL},
    {"maxLength", "label", "maxLength", REQ("label", "maxLength"), 1, 1, NULL},
    {"minimum", "ttl", "minimum", REQ("ttl", "minimum"), 1, 1, NULL},
    {"exclusive maximum", "ttl", "maximum", REQ("ttl", "maximum"), 1, 2, NULL},
    {"exclusive minimum", "ratio", "minimum", REQ("ratio", "minimum"), 1, 2, NULL},
    {"multipleOf (integer)", "ttl", "multipleOf", REQ("ttl", "multipleOf"), 1, 1, NULL},
    {"multipleOf (number)", "ratio", "multipleOf", REQ("ratio", "multipleOf"), 1, 1, NULL},
    {"minItems", "tags", "minItems", REQ("tags", "minItems"), 1, 1, NULL},
    {"maxItems", "tags", "maxItems", REQ("tags", "maxItems"), 1, 1, NULL},
    {"uniqueItems", "tags", "uniqueItems", REQ("tags", "uniqueItems"), 0, 1, NULL},
};

Test(cases_formats, every_constraint_has_valid_values_and_near_misses) {
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    const kind *K = &kinds[k];
    cr_expect(hcases_requirement(cat, K->req), "%s: requirement %s missing", K->what, K->req);
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/%s", K->prop);
    size_t pos = 0, neg = 0, tolerated = 0;
    for (size_t i = 0; i < hcases_count(cat); i++) {
      hcases_case c;
      herr ce;
      cr_assert(hcases_at(cat, i, &c, &ce) == 0, "%s", ce.msg);
      if (strcmp(c.requirement, K->req))
        continue;
      const char *kw = NULL, *value = NULL;
      int ok = check(&c, &kw, ptr, &value);
      if (!strcmp(c.klass, "positive")) {
        cr_expect_eq(ok, 1, "%s: positive %s is refused (%s)", K->what, c.id, kw ? kw : "?");
        cr_expect_eq(c.expect, HJUDGE_EXPECT_CREATED, "%s", c.id);
        cr_expect_not(c.tolerated, "%s: a stated constraint is judged exactly", c.id);
        pos++;
        continue;
      }
      cr_expect_str_eq(c.klass, "negative-body", "%s", c.id);
      cr_expect_eq(c.expect, HJUDGE_EXPECT_BAD_REQUEST, "%s", c.id);
      if (ok == 0) {
        /* refused, and by the keyword the case is about */
        cr_expect_str_eq(kw, K->keyword, "%s: %s refused by %s", K->what, c.id, kw);
        cr_expect_not(c.tolerated, "%s: refused by the validator, judged exactly", c.id);
      } else {
        /* accepted by the validator: only a format it leaves open, the value
         * outside the format by an independent reading, and a 201 is only a
         * warning with the reason stated */
        cr_expect(K->like, "%s: negative %s is valid against the schema", K->what, c.id);
        cr_expect(value && K->like && !K->like(value), "%s: %s holds a valid %s", c.id,
                  value ? value : "(none)", K->what);
        cr_expect(c.tolerated && c.tolerated_reason && strstr(c.tolerated_reason, K->what),
                  "%s: accepted by the validator, so tolerated with a reason", c.id);
        tolerated++;
      }
      neg++;
    }
    cr_expect_geq(pos, K->min_pos, "%s: %zu valid-value cases", K->what, pos);
    cr_expect_geq(neg, K->min_neg, "%s: %zu near-miss cases", K->what, neg);
    if (!K->like)
      cr_expect_eq(tolerated, 0, "%s", K->what);
  }
}

/* The near misses the issue names, by id. */
Test(cases_formats, the_named_near_misses_are_there) {
  static const char *const ids[] = {"neg.format.requestid.non-hex",
                                    "neg.format.requestid.short-group",
                                    "neg.format.contact.no-at",
                                    "neg.format.callback.no-scheme",
                                    "neg.format.expiresat.february-30",
                                    "neg.format.expiresat.no-offset",
                                    "neg.format.validfrom.not-leap-year",
                                    "neg.format.count32.over-range",
                                    "neg.format.count64.over-range",
                                    "neg.limit.ttl.not-multiple-of",
                                    "neg.limit.ttl.at-exclusive-maximum",
                                    "neg.limit.ratio.at-exclusive-minimum",
                                    "neg.limit.tags.under-min-items",
                                    "neg.limit.tags.over-max-items",
                                    "neg.limit.tags.repeated-item",
                                    "pos.format-value.count64.largest",
                                    "pos.limit.ttl.maximum",
                                    "pos.limit.tags.max-items"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    cr_expect_geq(hcases_find(cat, ids[i]), 0, "no case %s", ids[i]);
  /* a bound that cannot be met exactly gives the nearest valid value */
  long k = hcases_find(cat, "pos.limit.ttl.maximum");
  cr_assert(k >= 0);
  hcases_case c;
  herr ce;
  cr_assert(hcases_at(cat, (size_t)k, &c, &ce) == 0);
  const cJSON *ttl =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c.json, "body"), "ttl");
  cr_expect(cJSON_IsNumber(ttl) && ttl->valuedouble == 86340, "below 86400, a multiple of 60");
}

/* The default spec states none of these constraints: none of these families. */
Test(cases_formats, the_default_spec_gets_none) {
  herr se;
  hspec *d = hspec_load_file(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", &se);
  cr_assert(d, "%s", se.msg);
  herr he;
  hrules *r = hrules_new(d, &he);
  cr_assert(r, "%s", he.msg);
  herr ce;
  cJSON *dc = hcases_generate(r, 1, &ce);
  cr_assert(dc, "%s", ce.msg);
  for (size_t i = 0; i < hcases_count(dc); i++) {
    hcases_case c;
    cr_assert(hcases_at(dc, i, &c, &ce) == 0);
    cr_expect(strncmp(c.id, "neg.format.", 11) && strncmp(c.id, "pos.format-value.", 17) &&
                  strncmp(c.id, "neg.limit.", 10) && strncmp(c.id, "pos.limit.", 10),
              "%s in the default catalogue", c.id);
  }
  cJSON_Delete(dc);
  hrules_free(r);
  hspec_free(d);
}
