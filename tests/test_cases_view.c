/* The public schema view (harness/cases/hcases_view.h): $ref followed, allOf
 * merged, the first value winning, required names marked wherever they stand,
 * self-references bounded.  Only the public header is included, as the explore
 * layer does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cases/hcases_view.h"
#include "spec/hspec.h"

/* A spec whose components exercise each merging rule. */
static const char DOC[] =
    "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"view\",\"version\":\"1\"},\"paths\":{},"
    "\"components\":{\"schemas\":{"
    "\"Id\":{\"type\":\"string\",\"pattern\":\"^A-\\\\d{4}$\",\"minLength\":6,\"maxLength\":6},"
    "\"Base\":{\"type\":\"object\",\"required\":[\"later\"],"
    "  \"properties\":{\"id\":{\"$ref\":\"#/components/schemas/Id\"}},"
    "  \"additionalProperties\":false},"
    "\"Derived\":{\"allOf\":[{\"$ref\":\"#/components/schemas/Base\"},"
    "  {\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"integer\"},"
    "   \"later\":{\"type\":\"string\",\"format\":\"uuid\"}}}]},"
    "\"Loop\":{\"allOf\":[{\"$ref\":\"#/components/schemas/Loop\"}],\"nullable\":true},"
    "\"Num\":{\"type\":\"integer\",\"format\":\"int32\",\"minimum\":0,\"exclusiveMinimum\":true,"
    "  \"maximum\":100,\"multipleOf\":5},"
    "\"List\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Id\"},"
    "  \"minItems\":1,\"maxItems\":3,\"uniqueItems\":true},"
    "\"Ref\":{\"nullable\":true,\"readOnly\":true,\"allOf\":[{\"$ref\":\"#/components/schemas/"
    "Num\"},"
    "  {\"type\":\"string\",\"minimum\":7,\"pattern\":\"^x$\"}]},"
    "\"Holder\":{\"properties\":{\"s\":{\"$ref\":\"#/components/schemas/Id\",\"type\":\"integer\","
    "  \"nullable\":true}}},"
    "\"Untyped\":{\"properties\":{\"a\":{}},\"enum\":[{\"a\":1}]}"
    "}}}";

static hspec *spec;

static void setup(void) {
  herr se;
  spec = hspec_load(DOC, sizeof DOC - 1, "view.json", &se);
  cr_assert(spec, "%s", se.msg);
}

static void teardown(void) { hspec_free(spec); }

TestSuite(cases_view, .init = setup, .fini = teardown);

static void view(const char *comp, hcview *v) {
  char ref[128];
  snprintf(ref, sizeof ref, "#/components/schemas/%s", comp);
  const cJSON *s = hspec_resolve(spec, ref, NULL);
  cr_assert(s, "%s", ref);
  hcview_of(spec, s, v);
}

Test(cases_view, ref_and_allof_merge_with_the_first_value_winning) {
  hcview v;
  view("Derived", &v);
  cr_assert_str_eq(v.comp, "Base", "the nearest $ref names the component");
  cr_assert_str_eq(v.type, "object");
  cr_assert(v.additional_false);
  cr_assert_eq(v.n_props, 2, "id once (duplicates dropped), later");
  cr_assert_str_eq(v.props[0].name, "id");
  cr_assert_str_eq(v.props[1].name, "later");
  /* "id" is required by the second allOf member, "later" by Base before the
   * property is even declared */
  cr_assert(v.props[0].required);
  cr_assert(v.props[1].required);
  /* the first declaration of id wins: Base's $ref to Id, a pattern string */
  hcview id;
  hcview_of(spec, v.props[0].schema, &id);
  cr_assert_str_eq(id.type, "string");
  cr_assert_str_eq(id.comp, "Id");
  cr_assert_eq(id.n_patterns, 1);
  cr_assert_str_eq(id.patterns[0], "^A-\\d{4}$");
  cr_assert_eq(id.min_len, 6);
  cr_assert_eq(id.max_len, 6);
  cr_assert_eq(id.min_items, -1, "not stated: -1");
  const hcview_prop *later = hcview_prop_named(&v, "later");
  cr_assert(later);
  hcview lv;
  hcview_of(spec, later->schema, &lv);
  cr_assert_str_eq(lv.format, "uuid");
  cr_assert_null(hcview_prop_named(&v, "Later"), "names compare byte for byte");
  cr_assert_null(hcview_prop_named(&v, NULL));
}

Test(cases_view, numeric_and_array_keywords) {
  hcview n, l;
  view("Num", &n);
  cr_assert(hcview_is_type(&n, "integer"));
  cr_assert_str_eq(n.format, "int32");
  cr_assert(n.has_min && n.excl_min && n.min == 0);
  cr_assert(n.has_max && !n.excl_max && n.max == 100);
  cr_assert_eq(n.multiple_of, 5);
  view("List", &l);
  cr_assert(hcview_is_type(&l, "array"));
  cr_assert(l.items);
  cr_assert_eq(l.min_items, 1);
  cr_assert_eq(l.max_items, 3);
  cr_assert(l.unique_items);
  cr_assert_null(l.comp, "items' $ref does not name the array");
}

Test(cases_view, nullable_beside_allof_and_first_type_wins) {
  hcview v;
  view("Ref", &v);
  cr_assert(v.nullable, "nullable beside allOf: null is also allowed");
  cr_assert(v.read_only);
  cr_assert_str_eq(v.type, "integer", "Num's type comes first");
  cr_assert_eq(v.min, 0, "Num's minimum comes first");
  cr_assert_eq(v.n_patterns, 1, "patterns accumulate");
  cr_assert_str_eq(v.comp, "Num");
}

Test(cases_view, a_ref_target_comes_before_its_siblings) {
  hcview h, v;
  view("Holder", &h);
  cr_assert_eq(h.n_props, 1);
  hcview_of(spec, h.props[0].schema, &v);
  cr_assert_str_eq(v.type, "string", "the $ref target's type wins over a sibling's");
  cr_assert(v.nullable, "nullable beside $ref: null is also allowed");
  cr_assert_str_eq(v.comp, "Id");
}

Test(cases_view, a_self_referencing_allof_is_bounded) {
  hcview v;
  view("Loop", &v);
  cr_assert(v.nullable);
  cr_assert_null(v.type);
  cr_assert_str_eq(v.comp, "Loop");
}

Test(cases_view, untyped_with_properties_is_an_object) {
  hcview v;
  view("Untyped", &v);
  cr_assert_str_eq(v.type, "object");
  cr_assert(v.enumv && cJSON_IsArray(v.enumv));
  hcview e;
  hcview_of(spec, NULL, &e);
  cr_assert_null(e.type);
  cr_assert_eq(e.n_props, 0);
  cr_assert_eq(e.max_len, -1);
}

Test(cases_view, type_allowed_matrix) {
  hcview n, s, any;
  view("Num", &n);
  view("Id", &s);
  hcview_of(spec, NULL, &any);
  cr_assert(hcview_type_allowed(&n, "integer"));
  cr_assert_not(hcview_type_allowed(&n, "number"), "a fraction does not fit an integer");
  cr_assert_not(hcview_type_allowed(&n, "null"), "not nullable");
  cr_assert_not(hcview_type_allowed(&s, "number"));
  cr_assert(hcview_type_allowed(&s, "string"));
  cr_assert(hcview_type_allowed(&any, "boolean"), "no type: anything but null");
  cr_assert_not(hcview_type_allowed(&any, "null"));
  hcview r;
  view("Ref", &r);
  cr_assert(hcview_type_allowed(&r, "null"));
  hcview num = n;
  num.type = "number";
  cr_assert(hcview_type_allowed(&num, "integer"), "an integer is a number");
}

Test(cases_view, samples_of_each_type) {
  static const struct {
    const char *t;
    int type;
  } cases[] = {{"string", cJSON_String}, {"number", cJSON_Number}, {"boolean", cJSON_True},
               {"null", cJSON_NULL},     {"array", cJSON_Array},   {"object", cJSON_Object}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cJSON *x = hcview_sample_of(cases[i].t);
    cr_assert(x);
    cr_assert_eq(x->type & 0xff, cases[i].type, "%s", cases[i].t);
    cJSON_Delete(x);
  }
}
