/* Tests of harness/schema: every keyword valid and invalid (instance pointer,
 * schema location, keyword, message), ECMA pattern semantics, RFC 3339 formats,
 * exact integer formats, directions, warnings, the violation cap, compile
 * errors, and the real spec's schemas. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/hschema.h"
#include "support.h"
#include "json/hjson.h"

/* Per-test state (each Criterion test is its own process). */
static hjson_doc *schema_doc, *inst_doc;
static hschema_set *set;
static hschema_result *res;
static char *spec_text;

static void setup(void) {
  schema_doc = hjson_doc_new();
  inst_doc = hjson_doc_new();
  res = hschema_result_new(0);
  cr_assert(schema_doc && inst_doc && res);
}

static void teardown(void) {
  hschema_set_free(set);
  set = NULL;
  hschema_result_free(res);
  hjson_doc_free(schema_doc);
  hjson_doc_free(inst_doc);
  free(spec_text);
  spec_text = NULL;
}

TestSuite(schema, .init = setup, .fini = teardown);

static const cJSON *parse(hjson_doc *doc, const char *json) {
  hjson_error err;
  const cJSON *root = hjson_parse(doc, json, strlen(json), NULL, &err);
  cr_assert_not_null(root, "test JSON does not parse: %s at %zu: %s", err.msg, err.offset, json);
  return root;
}

/* Loads a schema document into a fresh set (named `name`, may be NULL). */
static void load_named(const char *json, const char *name) {
  hschema_set_free(set);
  set = hschema_set_new(parse(schema_doc, json), name);
  cr_assert_not_null(set);
}

static const hschema *compile_at(const char *json, const char *pointer) {
  herr err;
  load_named(json, NULL);
  const hschema *s = hschema_compile(set, pointer, &err);
  cr_assert_not_null(s, "compile failed: %s", err.msg);
  return s;
}

static const hschema *compile(const char *json) { return compile_at(json, "#"); }

/* Validates instance against schema (document root); returns hschema_validate's
 * value after a reset. */
static int check_dir(const hschema *s, const char *instance, hschema_direction dir) {
  hschema_result_reset(res);
  return hschema_validate(s, parse(inst_doc, instance), dir, res);
}

static int check(const hschema *s, const char *instance) {
  return check_dir(s, instance, HSCHEMA_DIR_NONE);
}

static void valid(const char *schema, const char *instance) {
  const hschema *s = compile(schema);
  cr_assert_eq(check(s, instance), 1, "%s should accept %s; first violation: %s", schema, instance,
               hschema_result_count(res) ? hschema_result_at(res, 0)->message : "(none)");
  cr_assert_eq(hschema_result_errors(res), 0);
}

/* The only violation of instance against schema is (pointer, location, keyword). */
static const hschema_violation *invalid(const char *schema, const char *instance,
                                        const char *pointer, const char *location,
                                        const char *keyword) {
  const hschema *s = compile(schema);
  cr_assert_eq(check(s, instance), 0, "%s should reject %s", schema, instance);
  cr_assert_eq(hschema_result_errors(res), 1, "%s against %s: %zu errors, first: %s", instance,
               schema, hschema_result_errors(res),
               hschema_result_count(res) ? hschema_result_at(res, 0)->message : "");
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_not_null(v);
  cr_assert_str_eq(v->instance, pointer);
  cr_assert_str_eq(v->schema, location);
  cr_assert_str_eq(v->keyword, keyword);
  cr_assert_eq(v->warning, 0);
  cr_assert(strchr(v->message, '\n') == NULL);
  return v;
}

static void message_has(const hschema_violation *v, const char *needle) {
  cr_assert(strstr(v->message, needle) != NULL, "message \"%s\" lacks \"%s\"", v->message, needle);
}

static void compile_fails(const char *json, const char *pointer, const char *needle1,
                          const char *needle2) {
  herr err;
  load_named(json, NULL);
  const hschema *s = hschema_compile(set, pointer, &err);
  cr_assert_null(s, "%s should not compile", json);
  cr_assert(strstr(err.msg, needle1) != NULL, "error \"%s\" lacks \"%s\"", err.msg, needle1);
  if (needle2)
    cr_assert(strstr(err.msg, needle2) != NULL, "error \"%s\" lacks \"%s\"", err.msg, needle2);
  cr_assert(strchr(err.msg, '\n') == NULL);
}

/* ------------------------------------------------------------------ type */

Test(schema, type_string) {
  valid("{\"type\":\"string\"}", "\"x\"");
  const hschema_violation *v = invalid("{\"type\":\"string\"}", "5", "", "#/type", "type");
  cr_assert_str_eq(v->message, "expected string, got number");
}

Test(schema, type_array_of_names) {
  valid("{\"type\":[\"string\",\"null\"]}", "null");
  valid("{\"type\":[\"string\",\"null\"]}", "\"a\"");
  const hschema_violation *v =
      invalid("{\"type\":[\"string\",\"null\"]}", "true", "", "#/type", "type");
  cr_assert_str_eq(v->message, "expected string or null, got boolean");
}

Test(schema, type_integer_is_a_number_without_fraction_or_exponent) {
  valid("{\"type\":\"integer\"}", "1");
  valid("{\"type\":\"integer\"}", "-0");
  /* OpenAPI 3.0 / draft 4-5: 1.0 and 1e0 are numbers, not integers */
  const hschema_violation *w = invalid("{\"type\":\"integer\"}", "1.0", "", "#/type", "type");
  cr_assert_str_eq(w->message, "expected integer, got number 1.0");
  invalid("{\"type\":\"integer\"}", "1.5e1", "", "#/type", "type");
  invalid("{\"type\":\"integer\"}", "10E-1", "", "#/type", "type");
  const hschema_violation *v = invalid("{\"type\":\"integer\"}", "1.5", "", "#/type", "type");
  cr_assert_str_eq(v->message, "expected integer, got number 1.5");
  invalid("{\"type\":\"integer\"}", "1e-1", "", "#/type", "type");
  invalid("{\"type\":\"integer\"}", "\"1\"", "", "#/type", "type");
  valid("{\"type\":\"number\"}", "1.5");
}

Test(schema, type_object_array_boolean) {
  valid("{\"type\":\"object\"}", "{}");
  valid("{\"type\":\"array\"}", "[]");
  valid("{\"type\":\"boolean\"}", "false");
  invalid("{\"type\":\"object\"}", "[]", "", "#/type", "type");
  invalid("{\"type\":\"array\"}", "{}", "", "#/type", "type");
  invalid("{\"type\":\"boolean\"}", "0", "", "#/type", "type");
  invalid("{\"type\":\"null\"}", "0", "", "#/type", "type");
}

/* ------------------------------------------------------------------ nullable */

Test(schema, nullable_plain) {
  valid("{\"type\":\"string\",\"nullable\":true}", "null");
  invalid("{\"type\":\"string\",\"nullable\":false}", "null", "", "#/type", "type");
  invalid("{\"type\":\"string\"}", "null", "", "#/type", "type");
}

Test(schema, nullable_beside_allof_ref_and_enum) {
  const char *doc = "{\"definitions\":{\"M\":{\"type\":\"object\",\"enum\":[{}]},"
                    "\"x\":{\"allOf\":[{\"$ref\":\"#/definitions/M\"}],\"nullable\":true},"
                    "\"y\":{\"$ref\":\"#/definitions/M\",\"nullable\":true},"
                    "\"z\":{\"type\":\"string\",\"enum\":[\"a\"],\"nullable\":true}}}";
  const hschema *x = compile_at(doc, "#/definitions/x");
  cr_assert_eq(check(x, "null"), 1);
  cr_assert_eq(check(x, "{}"), 1);
  cr_assert_eq(check(x, "\"s\""), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "#/definitions/M/type");
  herr err;
  const hschema *y = hschema_compile(set, "#/definitions/y", &err);
  cr_assert_not_null(y, "%s", err.msg);
  cr_assert_eq(check(y, "null"), 1);
  cr_assert_eq(check(y, "3"), 0);
  const hschema *z = hschema_compile(set, "#/definitions/z", &err);
  cr_assert_not_null(z, "%s", err.msg);
  cr_assert_eq(check(z, "null"), 1);
  cr_assert_eq(check(z, "\"b\""), 0);
  /* the referenced schema alone does not accept null */
  const hschema *m = hschema_compile(set, "#/definitions/M", &err);
  cr_assert_not_null(m, "%s", err.msg);
  cr_assert_eq(check(m, "null"), 0);
}

Test(schema, ref_siblings_other_than_nullable_are_ignored) {
  const hschema *s = compile_at("{\"definitions\":{\"A\":{\"type\":\"string\"},"
                                "\"B\":{\"$ref\":\"#/definitions/A\",\"maxLength\":1}}}",
                                "#/definitions/B");
  cr_assert_eq(check(s, "\"long string\""), 1);
  cr_assert_eq(check(s, "7"), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "#/definitions/A/type");
}

/* ------------------------------------------------------------------ objects */

Test(schema, properties_and_additional_false) {
  const char *s = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
                  "\"additionalProperties\":false}";
  valid(s, "{\"name\":\"x\"}");
  valid(s, "{}");
  const hschema_violation *v =
      invalid(s, "{\"Name\":\"x\"}", "/Name", "#/additionalProperties", "additionalProperties");
  cr_assert_str_eq(v->message, "property \"Name\" is not allowed (additionalProperties is false)");
  v = invalid(s, "{\"name\":1}", "/name", "#/properties/name/type", "type");
  cr_assert_str_eq(v->message, "expected string, got number");
}

Test(schema, property_names_are_exact_bytes) {
  const char *s = "{\"properties\":{\"group.buyers\":{\"type\":\"array\"},"
                  "\"a/b\":{\"type\":\"string\"},\"t~\":{\"type\":\"string\"}},"
                  "\"additionalProperties\":false}";
  valid(s, "{\"group.buyers\":[]}");
  invalid(s, "{\"group.buyers\":\"x\"}", "/group.buyers", "#/properties/group.buyers/type", "type");
  invalid(s, "{\"group\":{\"buyers\":[]}}", "/group", "#/additionalProperties",
          "additionalProperties");
  invalid(s, "{\"Group.buyers\":[]}", "/Group.buyers", "#/additionalProperties",
          "additionalProperties");
  invalid(s, "{\"a/b\":1}", "/a~1b", "#/properties/a~1b/type", "type");
  invalid(s, "{\"t~\":1}", "/t~0", "#/properties/t~0/type", "type");
  /* a NUL byte is part of the name: "group.buyers\u0000" is another name */
  const hschema_violation *v = invalid(s, "{\"group.buyers\\u0000\":[]}", "/group.buyers\\u0000",
                                       "#/additionalProperties", "additionalProperties");
  cr_assert_str_eq(
      v->message,
      "property \"group.buyers\\u0000\" is not allowed (additionalProperties is false)");
}

Test(schema, control_characters_stay_escaped) {
  const hschema *s = compile("{\"additionalProperties\":false}");
  cr_assert_eq(check(s, "{\"a\\nb\\u0001\":1}"), 0);
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_str_eq(v->instance, "/a\\u000ab\\u0001");
  cr_assert_str_eq(v->message,
                   "property \"a\\nb\\u0001\" is not allowed (additionalProperties is false)");
}

/* 1 when s is well-formed UTF-8 (no truncated or stray sequences). */
static int utf8_ok(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = *p < 0x80             ? 0
            : (*p & 0xE0) == 0xC0 ? 1
            : (*p & 0xF0) == 0xE0 ? 2
            : (*p & 0xF8) == 0xF0 ? 3
                                  : -1;
    if (n < 0)
      return 0;
    p++;
    for (int k = 0; k < n; k++, p++)
      if ((*p & 0xC0) != 0x80)
        return 0;
  }
  return 1;
}

Test(schema, cut_names_and_pointers_never_end_in_half_a_character) {
  /* names of N control bytes then 4-byte characters: wherever the quote or the
   * pointer runs out of room, no partial sequence is left */
  for (size_t ctl = 0; ctl < 200; ctl += ctl < 40 || ctl >= 150 ? 1 : 10) {
    char inst[2048];
    size_t o = 0;
    o += (size_t)snprintf(inst + o, sizeof inst - o, "{\"");
    for (size_t i = 0; i < ctl; i++)
      o += (size_t)snprintf(inst + o, sizeof inst - o, "\\u007f");
    for (size_t i = 0; i < 40; i++)
      o += (size_t)snprintf(inst + o, sizeof inst - o, "\xf0\x9f\x98\x80");
    snprintf(inst + o, sizeof inst - o, "\":1}");
    const hschema *s = compile("{\"additionalProperties\":false}");
    cr_assert_eq(check(s, inst), 0);
    const hschema_violation *v = hschema_result_at(res, 0);
    cr_assert(utf8_ok(v->message), "%zu: message is not UTF-8: %s", ctl, v->message);
    cr_assert(utf8_ok(v->instance), "%zu: pointer is not UTF-8: %s", ctl, v->instance);
  }
}

Test(schema, many_properties_use_the_table) {
  /* 200 declared properties: every one found, an undeclared one rejected */
  char schema[16384], inst[8192];
  size_t o = (size_t)snprintf(schema, sizeof schema, "{\"properties\":{");
  size_t p = (size_t)snprintf(inst, sizeof inst, "{");
  for (int i = 0; i < 200; i++) {
    o += (size_t)snprintf(schema + o, sizeof schema - o, "%s\"p%d\":{\"type\":\"integer\"}",
                          i ? "," : "", i);
    p += (size_t)snprintf(inst + p, sizeof inst - p, "%s\"p%d\":%d", i ? "," : "", i, i);
  }
  snprintf(schema + o, sizeof schema - o,
           "},\"additionalProperties\":false,\"required\":[\"p199\"]}");
  snprintf(inst + p, sizeof inst - p, "}");
  valid(schema, inst);
  const hschema *s = compile(schema);
  cr_assert_eq(check(s, "{\"p199\":1,\"p200\":1,\"p7\":\"x\"}"), 0);
  cr_assert_eq(hschema_result_errors(res), 2);
  cr_assert_str_eq(hschema_result_at(res, 0)->instance, "/p200");
  cr_assert_str_eq(hschema_result_at(res, 1)->schema, "#/properties/p7/type");
}

Test(schema, additional_properties_schema_and_empty) {
  valid("{\"additionalProperties\":{}}", "{\"a\":1,\"b\":[null]}");
  valid("{\"additionalProperties\":true}", "{\"a\":1}");
  valid("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":1}");
  invalid("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":\"x\"}", "/a",
          "#/additionalProperties/type", "type");
}

Test(schema, required) {
  const char *s = "{\"required\":[\"name\",\"id\"]}";
  valid(s, "{\"name\":1,\"id\":2}");
  const hschema_violation *v = invalid(s, "{\"id\":2}", "", "#/required", "required");
  cr_assert_str_eq(v->message, "required property \"name\" is missing");
  /* declared and undeclared required names alike; names compare exactly */
  const char *t = "{\"properties\":{\"name\":{}},\"required\":[\"name\",\"extra\"]}";
  valid(t, "{\"name\":1,\"extra\":2}");
  const hschema *c = compile(t);
  cr_assert_eq(check(c, "{\"Name\":1,\"EXTRA\":2}"), 0);
  cr_assert_eq(hschema_result_errors(res), 2);
  message_has(hschema_result_at(res, 0), "\"name\"");
  message_has(hschema_result_at(res, 1), "\"extra\"");
  /* nested: the pointer names the object that lacks the member */
  invalid("{\"properties\":{\"account\":{\"required\":[\"id\"]}}}", "{\"account\":{}}", "/account",
          "#/properties/account/required", "required");
}

Test(schema, min_max_properties) {
  valid("{\"minProperties\":1,\"maxProperties\":2}", "{\"a\":1}");
  const hschema_violation *v =
      invalid("{\"minProperties\":1}", "{}", "", "#/minProperties", "minProperties");
  message_has(v, "0 properties");
  invalid("{\"maxProperties\":1}", "{\"a\":1,\"b\":2}", "", "#/maxProperties", "maxProperties");
  valid("{\"minProperties\":5}", "\"not an object\"");
}

/* ------------------------------------------------------------------ combinators */

Test(schema, all_of) {
  const char *s = "{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":10}]}";
  valid(s, "12");
  invalid(s, "5", "", "#/allOf/1/minimum", "minimum");
  const hschema *c = compile(s);
  cr_assert_eq(check(c, "\"x\""), 0);
  cr_assert_eq(hschema_result_errors(res), 1);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "#/allOf/0/type");
}

Test(schema, any_of_reports_once) {
  const char *s = "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\",\"minimum\":3}]}";
  valid(s, "\"x\"");
  valid(s, "4");
  const hschema_violation *v = invalid(s, "1", "", "#/anyOf", "anyOf");
  cr_assert_str_eq(v->message, "the value matches none of the 2 anyOf alternatives");
  /* nested inside an object: the pointer of the value */
  invalid("{\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}}}",
          "{\"a\":1}", "/a", "#/properties/a/anyOf", "anyOf");
}

Test(schema, one_of_counts_matches) {
  const char *s = "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":3},{\"type\":\"string\"}]}";
  valid(s, "1");
  valid(s, "3.5");
  const hschema_violation *v = invalid(s, "4", "", "#/oneOf", "oneOf");
  message_has(v, "more than one of the 3 oneOf alternatives (0 and 1)");
  v = invalid("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}", "true", "", "#/oneOf",
              "oneOf");
  cr_assert_str_eq(v->message, "the value matches none of the 2 oneOf alternatives");
}

Test(schema, not_keyword) {
  valid("{\"not\":{\"type\":\"string\"}}", "1");
  const hschema_violation *v =
      invalid("{\"not\":{\"type\":\"string\"}}", "\"s\"", "", "#/not", "not");
  message_has(v, "must not match");
}

Test(schema, boolean_schemas) {
  valid("{\"properties\":{\"a\":true}}", "{\"a\":[1]}");
  invalid("{\"properties\":{\"a\":false}}", "{\"a\":1}", "/a", "#/properties/a", "false");
}

/* ------------------------------------------------------------------ enum */

Test(schema, enum_values) {
  const char *s = "{\"enum\":[\"Client\",\"Vendor\",1,null,{\"a\":[1,2]}]}";
  valid(s, "\"Vendor\"");
  valid(s, "1.0");
  valid(s, "null");
  valid(s, "{\"a\":[1,2]}");
  const hschema_violation *v = invalid(s, "\"client\"", "", "#/enum", "enum");
  message_has(v, "\"client\" is not one of the allowed values (\"Client\", \"Vendor\", 1, null");
  invalid(s, "{\"a\":[2,1]}", "", "#/enum", "enum");
  invalid(s, "\"Client\\u0000\"", "", "#/enum", "enum");
}

Test(schema, large_enum_lookup_and_message) {
  /* 2000 values: looked up through the table, the message lists a prefix */
  size_t n = 2000, cap = n * 40 + 64, o = 0;
  char *json = malloc(cap);
  cr_assert_not_null(json);
  o += (size_t)snprintf(json + o, cap - o, "{\"enum\":[");
  for (size_t i = 0; i < n; i++)
    o += (size_t)snprintf(json + o, cap - o, "%s\"value-number-%04zu-padding\"", i ? "," : "", i);
  o += (size_t)snprintf(json + o, cap - o, ",12345678901234567890,null,[1,2],{\"k\":true}]}");
  valid(json, "\"value-number-0000-padding\"");
  valid(json, "\"value-number-1999-padding\"");
  valid(json, "\"value-number-1234-padding\"");
  valid(json, "12345678901234567890");
  valid(json, "1.2345678901234567890e19");
  valid(json, "null");
  valid(json, "[1,2]");
  valid(json, "{\"k\":true}");
  invalid(json, "12345678901234567891", "", "#/enum", "enum");
  invalid(json, "[2,1]", "", "#/enum", "enum");
  const hschema_violation *v = invalid(json, "\"value-number-2000-padding\"", "", "#/enum", "enum");
  message_has(v, "(\"value-number-0000-padding\", ");
  /* the listing stops with dots right after the last value shown, no stray bytes */
  size_t ml = strlen(v->message);
  cr_assert(ml > 6 && !strcmp(v->message + ml - 6, ", ...)"), "message: %s", v->message);
  for (size_t i = 0; i < ml; i++)
    cr_assert((unsigned char)v->message[i] >= 0x20 && (unsigned char)v->message[i] < 0x7F,
              "byte %zu of the message is 0x%02x", i, (unsigned char)v->message[i]);
  free(json);
}

/* ------------------------------------------------------------------ pattern */

#define ACC "{\"type\":\"string\",\"pattern\":\"^ACC-\\\\d\\\\d\\\\d\\\\d-\\\\d\\\\d\\\\d\\\\d$\"}"

Test(schema, pattern_match_and_message) {
  valid(ACC, "\"ACC-1234-5678\"");
  const hschema_violation *v = invalid(ACC, "\"acc-1234-5678\"", "", "#/pattern", "pattern");
  cr_assert_str_eq(v->message,
                   "\"acc-1234-5678\" does not match pattern ^ACC-\\d\\d\\d\\d-\\d\\d\\d\\d$");
  valid("{\"pattern\":\"^a$\"}", "5"); /* pattern applies to strings only */
}

Test(schema, pattern_has_ecma_meaning) {
  /* Arabic-Indic and full-width digits are not \d */
  invalid(ACC, "\"ACC-\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4-5678\"", "", "#/pattern", "pattern");
  invalid(ACC, "\"ACC-\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94-5678\"", "", "#/pattern",
          "pattern");
  /* $ does not match before a trailing newline */
  invalid(ACC, "\"ACC-1234-5678\\n\"", "", "#/pattern", "pattern");
  /* a NUL byte and what follows it are part of the subject */
  const hschema_violation *v =
      invalid(ACC, "\"ACC-1234-5678\\u0000junk\"", "", "#/pattern", "pattern");
  message_has(v, "\"ACC-1234-5678\\u0000junk\"");
  /* an unanchored pattern searches */
  valid("{\"pattern\":\"b+\"}", "\"abbbc\"");
  invalid("{\"pattern\":\"b+\"}", "\"ac\"", "", "#/pattern", "pattern");
  /* \u escapes in the ECMA form, code points with UTF */
  valid("{\"pattern\":\"^\\\\u00e9.$\"}", "\"\xc3\xa9\xe2\x82\xac\"");
}

Test(schema, pattern_dot_excludes_the_ecma_line_terminators) {
  const char *dot = "{\"pattern\":\"^a.b$\"}";
  valid(dot, "\"axb\"");
  valid(dot, "\"a\\tb\"");
  valid(dot, "\"a\\u000bb\""); /* VT, FF and NEL are not line terminators in ECMA */
  valid(dot, "\"a\\u000cb\"");
  valid(dot, "\"a\\u0085b\"");
  invalid(dot, "\"a\\nb\"", "", "#/pattern", "pattern");
  invalid(dot, "\"a\\rb\"", "", "#/pattern", "pattern");
  invalid(dot, "\"a\\u2028b\"", "", "#/pattern", "pattern");
  invalid(dot, "\"a\\u2029b\"", "", "#/pattern", "pattern");
  /* inside a class '.' is a literal dot, escaped it is one too */
  valid("{\"pattern\":\"^a[.]b$\"}", "\"a.b\"");
  invalid("{\"pattern\":\"^a[.]b$\"}", "\"axb\"", "", "#/pattern", "pattern");
  invalid("{\"pattern\":\"^a\\\\.b$\"}", "\"axb\"", "", "#/pattern", "pattern");
  /* the message shows the pattern as written, not its rewrite */
  const hschema_violation *v = invalid(dot, "\"a\\u2028b\"", "", "#/pattern", "pattern");
  message_has(v, "does not match pattern ^a.b$");
}

Test(schema, pattern_white_space_is_ecma_white_space) {
  valid("{\"pattern\":\"^a\\\\sb$\"}", "\"a\\u00a0b\"");
  valid("{\"pattern\":\"^a\\\\sb$\"}", "\"a\\ufeffb\"");
  valid("{\"pattern\":\"^a\\\\sb$\"}", "\"a\\u2003b\"");
  valid("{\"pattern\":\"^a[\\\\s]b$\"}", "\"a\\u3000b\"");
  valid("{\"pattern\":\"^a\\\\sb$\"}", "\"a b\"");
  invalid("{\"pattern\":\"^a\\\\sb$\"}", "\"axb\"", "", "#/pattern", "pattern");
  invalid("{\"pattern\":\"^a\\\\Sb$\"}", "\"a\\u00a0b\"", "", "#/pattern", "pattern");
  valid("{\"pattern\":\"^a\\\\Sb$\"}", "\"a\\u00e9b\"");
  /* an escaped backslash before 's' is a backslash and a letter */
  valid("{\"pattern\":\"^a\\\\\\\\s$\"}", "\"a\\\\s\"");
}

Test(schema, pattern_pcre_only_escapes_mean_what_ecma_says) {
  /* \v is VT only; \Q \E \A \Z \h are the letters themselves (identity escapes) */
  valid("{\"pattern\":\"^a\\\\vb$\"}", "\"a\\u000bb\"");
  invalid("{\"pattern\":\"^a\\\\vb$\"}", "\"a\\nb\"", "", "#/pattern", "pattern");
  valid("{\"pattern\":\"^\\\\Qa.b\\\\E$\"}", "\"QaxbE\"");
  invalid("{\"pattern\":\"^\\\\Qa.b\\\\E$\"}", "\"a.b\"", "", "#/pattern", "pattern");
  valid("{\"pattern\":\"^\\\\A\\\\h\\\\Z$\"}", "\"AhZ\"");
  invalid("{\"pattern\":\"^\\\\h$\"}", "\" \"", "", "#/pattern", "pattern");
}

Test(schema, pattern_empty_classes_as_in_ecma) {
  /* [] matches nothing, [^] any character (a line terminator too) */
  invalid("{\"pattern\":\"^a[]\"}", "\"ab\"", "", "#/pattern", "pattern");
  valid("{\"pattern\":\"^a[^]b$\"}", "\"a\\nb\"");
  valid("{\"pattern\":\"^a[^]b$\"}", "\"a\\u2028b\"");
  /* no POSIX classes: "[[:digit:]]" is the class {[ : d i g t} then a literal ']' */
  valid("{\"pattern\":\"^[[:digit:]]$\"}", "\"d]\"");
  invalid("{\"pattern\":\"^[[:digit:]]$\"}", "\"5\"", "", "#/pattern", "pattern");
}

Test(schema, pattern_compile_error_offset_is_in_the_written_pattern) {
  /* ".." is rewritten to two longer classes; the offset still counts the source */
  compile_fails("{\"pattern\":\"..(\"}", "#", "#/pattern",
                "missing closing parenthesis at offset 3");
}

Test(schema, pattern_over_the_length_limit_is_a_compile_error) {
  size_t n = 70000;
  char *json = malloc(n + 32);
  cr_assert_not_null(json);
  memcpy(json, "{\"pattern\":\"", 12);
  memset(json + 12, 'a', n);
  memcpy(json + 12 + n, "\"}", 3);
  compile_fails(json, "#", "#/pattern", "over the limit");
  free(json);
}

Test(schema, pattern_shared_and_repeated) {
  /* the same pattern five times in allOf: five violations, one per location */
  const char *s = "{\"allOf\":[{\"pattern\":\"^a$\"},{\"pattern\":\"^a$\"},{\"pattern\":\"^a$\"}]}";
  const hschema *c = compile(s);
  cr_assert_eq(check(c, "\"a\""), 1);
  cr_assert_eq(check(c, "\"b\""), 0);
  cr_assert_eq(hschema_result_errors(res), 3);
  cr_assert_str_eq(hschema_result_at(res, 2)->schema, "#/allOf/2/pattern");
  /* a new document at the same address must not reuse the last match */
  cr_assert_eq(check(c, "\"a\""), 1);
  cr_assert_eq(check(c, "\"c\""), 0);
}

Test(schema, pattern_match_limit_is_a_violation) {
  const hschema *s = compile("{\"pattern\":\"^(a+)+$\"}");
  char inst[128];
  memset(inst, 'a', sizeof inst);
  inst[0] = '"';
  memcpy(inst + 100, "!\"", 3);
  cr_assert_eq(check(s, inst), 0);
  cr_assert_eq(hschema_result_errors(res), 1);
  message_has(hschema_result_at(res, 0), "pattern match limit exceeded");
}

Test(schema, long_strings_are_shortened_in_messages) {
  char inst[400];
  memset(inst, 'x', sizeof inst);
  inst[0] = '"';
  memcpy(inst + 300, "\"", 2);
  const hschema_violation *v = invalid("{\"pattern\":\"^y\"}", inst, "", "#/pattern", "pattern");
  cr_assert_lt(strlen(v->message), 140);
  message_has(v, "xxx\"... does not match");
}

/* ------------------------------------------------------------------ strings */

Test(schema, length_counts_code_points) {
  valid("{\"maxLength\":3}", "\"\xc3\xa9\xc3\xa9\xc3\xa9\"");
  valid("{\"minLength\":1,\"maxLength\":1}", "\"\xf0\x9f\x98\x80\"");
  const hschema_violation *v =
      invalid("{\"minLength\":4}", "\"\xc3\xa9\xc3\xa9\xc3\xa9\"", "", "#/minLength", "minLength");
  cr_assert_str_eq(v->message, "string is 3 characters long, shorter than minLength 4");
  invalid("{\"maxLength\":2}", "\"abc\"", "", "#/maxLength", "maxLength");
  invalid("{\"maxLength\":2}", "\"a\\u0000b\"", "", "#/maxLength", "maxLength");
}

/* ------------------------------------------------------------------ formats */

Test(schema, date_time_format) {
  static const char *good[] = {
      "2024-02-29T10:00:00Z",  "2024-02-29t10:00:00z",      "1999-12-31T23:59:59.123456+01:00",
      "2016-12-31T23:59:60Z",  "2017-01-01T00:59:60+01:00", "0000-01-01T00:00:00-23:59",
      "2024-01-31T00:00:00.5Z"};
  static const char *bad[] = {"2023-02-29T10:00:00Z",      "2024-02-30T10:00:00Z",
                              "2024-04-31T10:00:00Z",      "2024-13-01T10:00:00Z",
                              "2024-00-01T10:00:00Z",      "2024-01-00T10:00:00Z",
                              "2024-01-01T24:00:00Z",      "2024-01-01T10:60:00Z",
                              "2024-01-01T10:00:61Z",      "2024-01-01T12:00:60Z",
                              "2024-01-01T10:00:00",       "2024-01-01 10:00:00Z",
                              "2024-01-01T10:00:00.Z",     "2024-01-01T10:00:00+24:00",
                              "2024-01-01T10:00:00+01:60", "2024-01-01T10:00:00+0100",
                              "2024-1-01T10:00:00Z",       "2024-01-01T10:00Z",
                              "2024-01-01T10:00:00Zjunk",  "",
                              "1900-02-29T00:00:00Z"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    cr_assert(hschema_is_date_time(good[i], strlen(good[i])), "%s should be a date-time", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_assert(!hschema_is_date_time(bad[i], strlen(bad[i])), "%s should not be a date-time",
              bad[i]);
  cr_assert(!hschema_is_date_time("2024-01-01T10:00:00Z\0x", 22));
  valid("{\"format\":\"date-time\"}", "\"2000-02-29T00:00:00Z\"");
  const hschema_violation *v =
      invalid("{\"format\":\"date-time\"}", "\"2023-02-29T10:00:00Z\"", "", "#/format", "format");
  cr_assert_str_eq(v->message, "\"2023-02-29T10:00:00Z\" is not a valid RFC 3339 date-time");
  valid("{\"format\":\"date-time\"}", "12"); /* formats apply to their own type */
}

Test(schema, date_format) {
  cr_assert(hschema_is_date("2024-02-29", 10));
  cr_assert(hschema_is_date("2000-02-29", 10));
  cr_assert(!hschema_is_date("2100-02-29", 10));
  cr_assert(!hschema_is_date("2024-02-29T", 11));
  cr_assert(!hschema_is_date("2024-06-31", 10));
  valid("{\"format\":\"date\"}", "\"2024-12-31\"");
  invalid("{\"format\":\"date\"}", "\"2024-12-32\"", "", "#/format", "format");
  valid("{\"format\":\"email\"}", "\"not checked\"");
}

Test(schema, int32_int64_exact) {
  const char *i32 = "{\"type\":\"integer\",\"format\":\"int32\"}";
  const char *i64 = "{\"type\":\"integer\",\"format\":\"int64\"}";
  valid(i32, "2147483647");
  valid(i32, "-2147483648");
  invalid(i32, "1.0", "", "#/type", "type");
  invalid(i32, "2.147483647e9", "", "#/type", "type");
  const hschema_violation *v = invalid(i32, "2147483648", "", "#/format", "format");
  cr_assert_str_eq(v->message, "2147483648 is outside the int32 range");
  invalid(i32, "-2147483649", "", "#/format", "format");
  valid(i64, "9223372036854775807");
  valid(i64, "-9223372036854775808");
  invalid(i64, "9223372036854775808", "", "#/format", "format");
  invalid(i64, "-9223372036854775809", "", "#/format", "format");
  invalid(i64, "1e19", "", "#/type", "type"); /* an exponent: not an integer */
  const hschema_violation *x = invalid("{\"format\":\"int64\"}", "1e19", "", "#/format", "format");
  cr_assert_str_eq(x->message, "1e19 is not an integer (format int64)");
  /* integer-ness without "type": the format's own rule */
  v = invalid("{\"format\":\"int32\"}", "1.5", "", "#/format", "format");
  cr_assert_str_eq(v->message, "1.5 is not an integer (format int32)");
}

/* ------------------------------------------------------------------ numbers */

Test(schema, minimum_maximum) {
  valid("{\"minimum\":1,\"maximum\":3}", "1");
  valid("{\"minimum\":1,\"maximum\":3}", "3");
  const hschema_violation *v = invalid("{\"minimum\":1}", "0.5", "", "#/minimum", "minimum");
  cr_assert_str_eq(v->message, "0.5 is less than minimum 1");
  invalid("{\"maximum\":3}", "3.01", "", "#/maximum", "maximum");
  v = invalid("{\"minimum\":1,\"exclusiveMinimum\":true}", "1", "", "#/minimum", "minimum");
  message_has(v, "exclusive minimum 1");
  invalid("{\"maximum\":3,\"exclusiveMaximum\":true}", "3.0", "", "#/maximum", "maximum");
  valid("{\"maximum\":3,\"exclusiveMaximum\":true}", "2.999");
  /* exact beyond double precision: 2^53 + 1 > 2^53 */
  invalid("{\"maximum\":9007199254740992}", "9007199254740993", "", "#/maximum", "maximum");
}

Test(schema, multiple_of) {
  valid("{\"multipleOf\":5}", "10");
  valid("{\"multipleOf\":0.1}", "0.3");
  valid("{\"multipleOf\":0.01}", "19.99");
  valid("{\"multipleOf\":10}", "123456789012345678901234567890");
  valid("{\"multipleOf\":5}", "1e20");
  invalid("{\"multipleOf\":3}", "1e20", "", "#/multipleOf", "multipleOf");
  const hschema_violation *v = invalid("{\"multipleOf\":2}", "7", "", "#/multipleOf", "multipleOf");
  cr_assert_str_eq(v->message, "7 is not a multiple of 2");
  invalid("{\"multipleOf\":0.01}", "19.999", "", "#/multipleOf", "multipleOf");
  invalid("{\"multipleOf\":7}", "123456789012345678901234567891", "", "#/multipleOf", "multipleOf");
}

/* ------------------------------------------------------------------ arrays */

Test(schema, items_and_counts) {
  const char *s =
      "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,\"maxItems\":3}";
  valid(s, "[\"a\"]");
  invalid(s, "[\"a\",2]", "/1", "#/items/type", "type");
  const hschema_violation *v = invalid(s, "[]", "", "#/minItems", "minItems");
  cr_assert_str_eq(v->message, "array has 0 items, fewer than minItems 1");
  invalid(s, "[\"a\",\"b\",\"c\",\"d\"]", "", "#/maxItems", "maxItems");
}

Test(schema, tuple_items) {
  const char *s =
      "{\"items\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"additionalItems\":false}";
  valid(s, "[\"a\",1]");
  valid(s, "[\"a\"]");
  invalid(s, "[1]", "/0", "#/items/0/type", "type");
  invalid(s, "[\"a\",1,null]", "/2", "#/additionalItems", "additionalItems");
}

Test(schema, unique_items) {
  const char *s = "{\"uniqueItems\":true}";
  valid(s, "[1,2,3,\"1\",[1],{\"a\":1}]");
  const hschema_violation *v = invalid(s, "[1,2,1]", "", "#/uniqueItems", "uniqueItems");
  cr_assert_str_eq(v->message, "items 0 and 2 are equal (uniqueItems is true)");
  invalid(s, "[1,1.0]", "", "#/uniqueItems", "uniqueItems");
  invalid(s, "[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]", "", "#/uniqueItems", "uniqueItems");
  valid(s, "[\"a\",\"a\\u0000\"]");
}

Test(schema, enum_and_unique_items_compare_numbers_exactly) {
  /* 2^53 + 1 and 2^53 are one double but two int64 values */
  const char *u = "{\"uniqueItems\":true}";
  valid(u, "[9007199254740993,9007199254740992]");
  valid(u, "[[9007199254740993],[9007199254740992]]");
  invalid(u, "[9007199254740993,9007199254740993.0,1]", "", "#/uniqueItems", "uniqueItems");
  invalid(u, "[1e2,100]", "", "#/uniqueItems", "uniqueItems");
  const char *e = "{\"enum\":[9007199254740993,[9223372036854775807]]}";
  valid(e, "9007199254740993");
  valid(e, "90071992547409930e-1");
  valid(e, "[9223372036854775807]");
  invalid(e, "9007199254740992", "", "#/enum", "enum");
  invalid(e, "[9223372036854775806]", "", "#/enum", "enum");
}

Test(schema, unique_items_large_array) {
  /* 50000 distinct numbers, then the same with one duplicate at the end */
  size_t n = 50000, cap = n * 8 + 16, o = 0;
  char *inst = malloc(cap);
  cr_assert_not_null(inst);
  inst[o++] = '[';
  for (size_t i = 0; i < n; i++)
    o += (size_t)snprintf(inst + o, cap - o, "%s%zu", i ? "," : "", i);
  memcpy(inst + o, "]", 2);
  const hschema *s = compile("{\"uniqueItems\":true}");
  cr_assert_eq(check(s, inst), 1);
  memcpy(inst + o, ",17]", 5);
  cr_assert_eq(check(s, inst), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->message,
                   "items 17 and 50000 are equal (uniqueItems is true)");
  free(inst);
}

/* ------------------------------------------------------------------ directions */

#define RW                                                                                         \
  "{\"properties\":{\"id\":{\"type\":\"string\",\"readOnly\":true},"                               \
  "\"pw\":{\"allOf\":[{\"$ref\":\"#/definitions/secret\"}]},\"name\":{}},"                         \
  "\"required\":[\"id\",\"pw\",\"name\"],"                                                         \
  "\"definitions\":{\"secret\":{\"type\":\"string\",\"writeOnly\":true}}}"

Test(schema, read_only_in_requests) {
  const hschema *s = compile(RW);
  cr_assert_eq(check_dir(s, "{\"pw\":\"p\",\"name\":\"n\"}", HSCHEMA_DIR_REQUEST), 1);
  cr_assert_eq(check_dir(s, "{\"id\":\"x\",\"pw\":\"p\",\"name\":\"n\"}", HSCHEMA_DIR_REQUEST), 0);
  cr_assert_eq(hschema_result_errors(res), 1);
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_str_eq(v->instance, "/id");
  cr_assert_str_eq(v->schema, "#/properties/id/readOnly");
  cr_assert_str_eq(v->keyword, "readOnly");
  cr_assert_str_eq(v->message, "property \"id\" is read-only and must not appear in a request");
  /* the writeOnly one is still required in a request */
  cr_assert_eq(check_dir(s, "{\"name\":\"n\"}", HSCHEMA_DIR_REQUEST), 0);
  message_has(hschema_result_at(res, 0), "\"pw\"");
}

Test(schema, required_ignores_read_only_declared_through_all_of) {
  const hschema *s =
      compile("{\"allOf\":[{\"$ref\":\"#/definitions/base\"}],\"required\":[\"id\"],"
              "\"definitions\":{\"base\":{\"properties\":{\"id\":{\"readOnly\":true}}}}}");
  cr_assert_eq(check_dir(s, "{}", HSCHEMA_DIR_REQUEST), 1);
  cr_assert_eq(check_dir(s, "{}", HSCHEMA_DIR_RESPONSE), 0);
  cr_assert_eq(check_dir(s, "{\"id\":1}", HSCHEMA_DIR_REQUEST), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "#/definitions/base/properties/id/readOnly");
}

Test(schema, write_only_in_responses) {
  const hschema *s = compile(RW);
  cr_assert_eq(check_dir(s, "{\"id\":\"x\",\"name\":\"n\"}", HSCHEMA_DIR_RESPONSE), 1);
  cr_assert_eq(check_dir(s, "{\"id\":\"x\",\"pw\":\"p\",\"name\":\"n\"}", HSCHEMA_DIR_RESPONSE), 0);
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_str_eq(v->instance, "/pw");
  cr_assert_str_eq(v->schema, "#/definitions/secret/writeOnly");
  cr_assert_str_eq(v->keyword, "writeOnly");
  /* no direction: both may appear, both are required */
  cr_assert_eq(check_dir(s, "{\"id\":\"x\",\"pw\":\"p\",\"name\":\"n\"}", HSCHEMA_DIR_NONE), 1);
  cr_assert_eq(check_dir(s, "{\"name\":\"n\"}", HSCHEMA_DIR_NONE), 0);
  cr_assert_eq(hschema_result_errors(res), 2);
}

Test(schema, deprecated_is_a_warning) {
  const hschema *s =
      compile("{\"properties\":{\"old\":{\"type\":\"boolean\",\"deprecated\":true}}}");
  cr_assert_eq(check(s, "{\"old\":true}"), 1);
  cr_assert_eq(hschema_result_errors(res), 0);
  cr_assert_eq(hschema_result_warnings(res), 1);
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_eq(v->warning, 1);
  cr_assert_str_eq(v->instance, "/old");
  cr_assert_str_eq(v->schema, "#/properties/old/deprecated");
  cr_assert_str_eq(v->keyword, "deprecated");
  cr_assert_str_eq(v->message, "property \"old\" is deprecated");
  cr_assert_eq(check(s, "{}"), 1);
  cr_assert_eq(hschema_result_warnings(res), 0);
  /* still checked: a wrong type is an error besides the warning */
  cr_assert_eq(check(s, "{\"old\":1}"), 0);
  cr_assert_eq(hschema_result_errors(res), 1);
  cr_assert_eq(hschema_result_warnings(res), 1);
}

/* ------------------------------------------------------------------ result */

Test(schema, cap_and_counts) {
  hschema_result_free(res);
  res = hschema_result_new(3);
  const hschema *s = compile("{\"additionalProperties\":false}");
  cr_assert_eq(check(s, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7}"), 0);
  cr_assert_eq(hschema_result_count(res), 3);
  cr_assert_eq(hschema_result_errors(res), 7);
  cr_assert_eq(hschema_result_truncated(res), 1);
  cr_assert_str_eq(hschema_result_at(res, 2)->instance, "/c");
  cr_assert_null(hschema_result_at(res, 3));
  hschema_result_reset(res);
  cr_assert_eq(hschema_result_count(res), 0);
  cr_assert_eq(hschema_result_errors(res), 0);
  cr_assert_eq(hschema_result_truncated(res), 0);
}

Test(schema, results_append_and_reuse) {
  const hschema *s = compile("{\"type\":\"string\"}");
  hschema_result_reset(res);
  hschema_result_add(res, "/x", "rules#/r/schema", "prose", "made elsewhere", 0);
  cr_assert_eq(hschema_validate(s, parse(inst_doc, "1"), HSCHEMA_DIR_NONE, res), 0);
  cr_assert_eq(hschema_validate(s, parse(inst_doc, "\"ok\""), HSCHEMA_DIR_NONE, res), 1);
  cr_assert_eq(hschema_result_count(res), 2);
  cr_assert_str_eq(hschema_result_at(res, 0)->message, "made elsewhere");
  cr_assert_str_eq(hschema_result_at(res, 1)->keyword, "type");
  hschema_result_add(res, "", "", "w", "a warning", 1);
  cr_assert_eq(hschema_result_warnings(res), 1);
  /* many rounds: the list never grows past one document's violations */
  for (int i = 0; i < 1000; i++) {
    hschema_result_reset(res);
    cr_assert_eq(check(s, "[1]"), 0);
  }
  cr_assert_eq(hschema_result_count(res), 1);
}

Test(schema, set_name_prefixes_locations) {
  load_named("{\"x\":{\"schema\":{\"required\":[\"name\"]}}}", "rules");
  herr err;
  const hschema *s = hschema_compile(set, "#/x/schema", &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_assert_str_eq(hschema_location(s), "rules#/x/schema");
  cr_assert_eq(check(s, "{}"), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "rules#/x/schema/required");
}

Test(schema, same_location_same_schema) {
  load_named(
      "{\"definitions\":{\"a b\":{\"type\":\"string\"},\"c\":{\"$ref\":\"#/definitions/a%20b\"}}}",
      NULL);
  herr err;
  const hschema *a = hschema_compile(set, "#/definitions/a b", &err);
  const hschema *b = hschema_compile(set, "#/definitions/a%20b", &err);
  const hschema *c = hschema_compile(set, "#/definitions/c", &err);
  cr_assert_not_null(a, "%s", err.msg);
  cr_assert_eq(a, b);
  cr_assert_not_null(c, "%s", err.msg);
  cr_assert_eq(check(c, "1"), 0);
  /* locations are URI fragments: the space is %-encoded */
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "#/definitions/a%20b/type");
  cr_assert_str_eq(hschema_location(a), "#/definitions/a%20b");
  const hschema *root = hschema_compile(set, "#", &err);
  cr_assert_not_null(root, "%s", err.msg);
  cr_assert_str_eq(hschema_location(root), "#");
}

Test(schema, recursive_through_properties) {
  const hschema *s = compile_at("{\"definitions\":{\"node\":{\"type\":\"object\",\"properties\":{"
                                "\"v\":{\"type\":\"integer\"},"
                                "\"child\":{\"$ref\":\"#/definitions/"
                                "node\"},\"list\":{\"items\":{\"$ref\":\"#/definitions/node\"}}},"
                                "\"additionalProperties\":false}}}",
                                "#/definitions/node");
  cr_assert_eq(check(s, "{\"v\":1,\"child\":{\"v\":2,\"child\":{\"list\":[{\"v\":3}]}}}"), 1);
  cr_assert_eq(check(s, "{\"child\":{\"child\":{\"list\":[{},{\"v\":\"x\"}]}}}"), 0);
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_str_eq(v->instance, "/child/child/list/1/v");
  cr_assert_str_eq(v->schema, "#/definitions/node/properties/v/type");
}

Test(schema, exponential_combinators_are_stopped) {
  const char *doc =
      "{\"definitions\":{\"s\":{\"allOf\":[{\"properties\":{\"a\":{\"$ref\":\"#/definitions/s\"}}},"
      "{\"properties\":{\"a\":{\"$ref\":\"#/definitions/s\"}}}],\"type\":\"object\"}}}";
  const hschema *s = compile_at(doc, "#/definitions/s");
  char inst[512];
  size_t o = 0;
  for (int i = 0; i < 40; i++)
    o += (size_t)snprintf(inst + o, sizeof inst - o, "{\"a\":");
  o += (size_t)snprintf(inst + o, sizeof inst - o, "{}");
  for (int i = 0; i < 40; i++)
    inst[o++] = '}';
  inst[o] = '\0';
  cr_assert_eq(check(s, inst), 0);
  cr_assert_eq(hschema_result_errors(res), 1);
  const hschema_violation *last = hschema_result_at(res, 0);
  cr_assert_str_eq(last->keyword, "limit");
  cr_assert_str_eq(last->instance, "");
  message_has(last, "validation stopped");
}

static int check_deep(const hschema *s, size_t depth) {
  char *inst = malloc(depth * 2 + 1);
  cr_assert_not_null(inst);
  memset(inst, '[', depth);
  memset(inst + depth, ']', depth);
  hjson_options opts = {0};
  opts.max_depth = HJSON_HARD_MAX_DEPTH;
  hjson_error err;
  const cJSON *x = hjson_parse(inst_doc, inst, depth * 2, &opts, &err);
  cr_assert_not_null(x, "%s", err.msg);
  free(inst);
  hschema_result_reset(res);
  return hschema_validate(s, x, HSCHEMA_DIR_NONE, res);
}

Test(schema, deep_instances_are_bounded) {
  const hschema *s = compile_at("{\"definitions\":{\"n\":{\"type\":\"array\","
                                "\"items\":{\"allOf\":[{\"$ref\":\"#/definitions/n\"}]}}}}",
                                "#/definitions/n");
  cr_assert_eq(check_deep(s, 1000), 1);
  /* the reader's hard maximum: the validator stops cleanly instead of
   * exhausting the C stack */
  cr_assert_eq(check_deep(s, HJSON_HARD_MAX_DEPTH), 0);
  cr_assert_eq(hschema_result_errors(res), 1);
  cr_assert_str_eq(hschema_result_at(res, 0)->keyword, "limit");
  message_has(hschema_result_at(res, 0), "deeper than the validator follows");
}

/* ------------------------------------------------------------------ compile errors */

Test(schema, compile_error_missing_ref) {
  compile_fails("{\"properties\":{\"a\":{\"$ref\":\"#/definitions/nope\"}}}", "#",
                "#/properties/a/$ref", "has no target");
  compile_fails("{\"$ref\":\"other.json#/x\"}", "#", "#/$ref", "not a local reference");
  compile_fails("{\"$ref\":\"#foo\"}", "#", "#/$ref", "not a JSON pointer");
  compile_fails("{\"$ref\":\"#/a\",\"a\":5}", "#", "#/$ref", "not a schema");
  compile_fails("{}", "#/nope", "#/nope", "no schema there");
  compile_fails("{}", "nope", "must be \"#\" or start with \"#/\"", NULL);
}

Test(schema, compile_error_bad_pattern) {
  compile_fails("{\"properties\":{\"p\":{\"pattern\":\"^(ab\"}}}", "#", "#/properties/p/pattern",
                "invalid pattern: missing closing parenthesis");
  compile_fails("{\"pattern\":3}", "#", "#/pattern", "must be a string, got number");
}

Test(schema, compile_error_cycles) {
  compile_fails("{\"definitions\":{\"A\":{\"allOf\":[{\"$ref\":\"#/definitions/A\"}]}}}",
                "#/definitions/A", "cycle that never descends into the instance",
                "#/definitions/A -> #/definitions/A/allOf/0 -> #/definitions/A");
  compile_fails("{\"definitions\":{\"A\":{\"$ref\":\"#/definitions/B\"},\"B\":{\"$ref\":\"#/"
                "definitions/A\"}}}",
                "#/definitions/A", "cycle", "#/definitions/B");
  compile_fails("{\"definitions\":{\"A\":{\"not\":{\"$ref\":\"#/definitions/A\"}}}}",
                "#/definitions/A", "cycle", NULL);
  compile_fails("{\"definitions\":{\"A\":{\"anyOf\":[{\"type\":\"string\"},{\"oneOf\":[{\"$ref\":"
                "\"#/definitions/A\"}]}]}}}",
                "#/definitions/A", "cycle", NULL);
  compile_fails("{\"$ref\":\"#\"}", "#", "cycle", NULL);
  /* a failed compile leaves the set usable */
  herr err;
  load_named("{\"definitions\":{\"A\":{\"allOf\":[{\"$ref\":\"#/definitions/A\"}]},"
             "\"B\":{\"type\":\"string\"}}}",
             NULL);
  cr_assert_null(hschema_compile(set, "#/definitions/A", &err));
  cr_assert_null(hschema_compile(set, "#/definitions/A", &err));
  const hschema *b = hschema_compile(set, "#/definitions/B", &err);
  cr_assert_not_null(b, "%s", err.msg);
  cr_assert_eq(check(b, "1"), 0);
}

Test(schema, compile_error_deep_inplace_chain) {
  /* d0 -> d1 -> ... -> d70 through $ref: longer than 64 without descending */
  char doc[8192];
  size_t o = (size_t)snprintf(doc, sizeof doc, "{\"definitions\":{");
  for (int i = 0; i < 70; i++)
    o += (size_t)snprintf(doc + o, sizeof doc - o, "\"d%d\":{\"$ref\":\"#/definitions/d%d\"},", i,
                          i + 1);
  snprintf(doc + o, sizeof doc - o, "\"d70\":{\"type\":\"string\"}}}");
  compile_fails(doc, "#/definitions/d0", "more than 64 nested", NULL);
  /* 60 is fine */
  herr err;
  cr_assert_not_null(hschema_compile(set, "#/definitions/d10", &err), "%s", err.msg);
}

Test(schema, compile_error_wrong_types) {
  static const struct {
    const char *schema, *where, *what;
  } cases[] = {
      {"{\"minLength\":\"x\"}", "#/minLength", "must be a non-negative integer, got string"},
      {"{\"minItems\":-1}", "#/minItems", "must be a non-negative integer"},
      {"{\"maxLength\":1.5}", "#/maxLength", "must be a non-negative integer"},
      {"{\"required\":5}", "#/required", "must be an array of strings, got number"},
      {"{\"required\":[\"a\",1]}", "#/required", "item 1 is number"},
      {"{\"type\":\"file\"}", "#/type", "unknown type \"file\""},
      {"{\"type\":[]}", "#/type", "an empty array"},
      {"{\"type\":3}", "#/type", "got number"},
      {"{\"properties\":[]}", "#/properties", "must be an object, got array"},
      {"{\"properties\":{\"a\":3}}", "#/properties/a", "must be a JSON object"},
      {"{\"additionalProperties\":\"no\"}", "#/additionalProperties", "boolean or a schema"},
      {"{\"allOf\":{}}", "#/allOf", "non-empty array of schemas, got object"},
      {"{\"anyOf\":[]}", "#/anyOf", "an empty array"},
      {"{\"oneOf\":[1]}", "#/oneOf/0", "must be a JSON object"},
      {"{\"not\":[]}", "#/not", "must be a JSON object"},
      {"{\"enum\":{}}", "#/enum", "non-empty array"},
      {"{\"items\":5}", "#/items", "schema or an array of schemas"},
      {"{\"uniqueItems\":1}", "#/uniqueItems", "must be a boolean"},
      {"{\"nullable\":\"yes\"}", "#/nullable", "must be a boolean"},
      {"{\"minimum\":\"1\"}", "#/minimum", "must be a number"},
      {"{\"exclusiveMinimum\":3}", "#/exclusiveMinimum", "must be a boolean (OpenAPI 3.0"},
      {"{\"multipleOf\":0}", "#/multipleOf", "greater than 0"},
      {"{\"multipleOf\":-2}", "#/multipleOf", "greater than 0"},
      {"{\"format\":1}", "#/format", "must be a string"},
      {"{\"$ref\":1}", "#/$ref", "must be a string"},
      {"{\"readOnly\":null}", "#/readOnly", "must be a boolean"},
      {"{\"deprecated\":\"true\"}", "#/deprecated", "must be a boolean"},
      {"[1]", "#", "must be a JSON object (or a boolean), got array"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    herr err;
    load_named(cases[i].schema, NULL);
    cr_assert_null(hschema_compile(set, "#", &err), "%s should not compile", cases[i].schema);
    cr_assert(strncmp(err.msg, cases[i].where, strlen(cases[i].where)) == 0 &&
                  err.msg[strlen(cases[i].where)] == ':',
              "%s: error \"%s\" should start with %s:", cases[i].schema, err.msg, cases[i].where);
    cr_assert(strstr(err.msg, cases[i].what), "%s: error \"%s\" lacks \"%s\"", cases[i].schema,
              err.msg, cases[i].what);
  }
}

Test(schema, any_document_compiles_or_fails_cleanly) {
  /* every JSONTestSuite y_ document as a schema: compile and self-validate
   * without crashing (the fuzz target does this for random documents) */
  static const char *docs[] = {"[]",
                               "{}",
                               "null",
                               "true",
                               "1",
                               "\"s\"",
                               "{\"a\":[{\"b\":{}}],\"type\":{}}",
                               "{\"properties\":{\"\":{}}}",
                               "{\"enum\":[[],{},null,0,\"\"],\"items\":[true,false]}"};
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
    herr err;
    load_named(docs[i], NULL);
    const hschema *s = hschema_compile(set, "#", &err);
    hschema_result_reset(res);
    if (s)
      hschema_validate(s, parse(inst_doc, docs[i]), HSCHEMA_DIR_REQUEST, res);
    else
      cr_assert_gt(strlen(err.msg), 0);
  }
}

/* ------------------------------------------------------------------ the real spec */

static const cJSON *load_spec(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/spec/create-api-token.openapi.json", TEST_SOURCE_DIR);
  size_t len = 0;
  spec_text = ts_slurp(path, &len);
  cr_assert_not_null(spec_text, "cannot read %s", path);
  cr_assert_gt(len, 0);
  hjson_error err;
  const cJSON *root = hjson_parse(schema_doc, spec_text, (size_t)len, NULL, &err);
  cr_assert_not_null(root, "spec: %s", err.msg);
  hschema_set_free(set);
  set = hschema_set_new(root, NULL);
  cr_assert_not_null(set);
  return root;
}

static const hschema *spec_schema(const char *name) {
  char ptr[256];
  herr err;
  snprintf(ptr, sizeof ptr, "#/components/schemas/%s", name);
  const hschema *s = hschema_compile(set, ptr, &err);
  cr_assert_not_null(s, "%s: %s", name, err.msg);
  return s;
}

Test(schema, spec_every_component_compiles) {
  const cJSON *root = load_spec();
  const cJSON *schemas = hjson_pointer_get(root, "/components/schemas", 19, NULL);
  cr_assert_not_null(schemas);
  size_t n = 0;
  for (const cJSON *m = schemas->child; m; m = m->next, n++)
    spec_schema(m->string);
  /* every component: as many as a second reader (cJSON's own) counts */
  cJSON *plain = cJSON_Parse(spec_text);
  cr_assert_not_null(plain);
  int want = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(plain, "components"), "schemas"));
  cJSON_Delete(plain);
  cr_assert_gt(want, 0);
  cr_assert_eq(n, (size_t)want);
  herr err;
  cr_assert_not_null(hschema_compile(set,
                                     "#/paths/~1public~1v1~1accounts~1api-tokens/post/requestBody/"
                                     "content/application~1json/schema",
                                     &err),
                     "%s", err.msg);
}

#define GOOD_DTO                                                                                   \
  "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"CI deploy token\","                          \
  "\"description\":\"Used by the CI pipeline\",\"modules\":[{\"id\":\"MOD-1234\"},"                \
  "{\"id\":\"MOD-5678\"}],\"icon\":null}"

Test(schema, spec_create_api_token_dto) {
  load_spec();
  const hschema *s = spec_schema("CreateApiTokenDto");
  cr_assert_eq(check_dir(s, GOOD_DTO, HSCHEMA_DIR_REQUEST), 1);
  cr_assert_eq(check_dir(s, "{}", HSCHEMA_DIR_REQUEST), 1); /* the schema requires nothing */
  cr_assert_eq(
      check_dir(s,
                "{\"account\":{\"id\":\"ACC-1234-567\"},\"Name\":\"x\","
                "\"modules\":[{\"id\":\"MOD-12345\"},{\"id\":\"MOD-1234\",\"name\":\"m\"}],"
                "\"extensions\":[{\"id\":5}]}",
                HSCHEMA_DIR_REQUEST),
      0);
  /* 5 patterns on account.id, Name, 2 patterns on modules/0/id, modules/1/name, extensions/0/id */
  cr_assert_eq(hschema_result_errors(res), 10);
  const hschema_violation *v = hschema_result_at(res, 0);
  cr_assert_str_eq(v->instance, "/account/id");
  cr_assert_str_eq(v->schema, "#/components/schemas/AccountDto/properties/id/allOf/0/pattern");
  cr_assert_str_eq(v->message,
                   "\"ACC-1234-567\" does not match pattern ^ACC-\\d\\d\\d\\d-\\d\\d\\d\\d$");
  cr_assert_str_eq(hschema_result_at(res, 4)->schema,
                   "#/components/schemas/AccountDto/properties/id/allOf/4/pattern");
  cr_assert_str_eq(hschema_result_at(res, 5)->instance, "/Name");
  cr_assert_str_eq(hschema_result_at(res, 6)->instance, "/modules/0/id");
  cr_assert_str_eq(hschema_result_at(res, 6)->schema,
                   "#/components/schemas/ModuleDto/properties/id/allOf/0/pattern");
  cr_assert_str_eq(hschema_result_at(res, 8)->instance, "/modules/1/name");
  cr_assert_str_eq(hschema_result_at(res, 9)->instance, "/extensions/0/id");
  cr_assert_str_eq(hschema_result_at(res, 9)->schema,
                   "#/components/schemas/ExtensionDto/properties/id/type");
  cr_assert_str_eq(hschema_result_at(res, 9)->message, "expected string, got number");
  /* the request body schema of the operation: allOf [$ref] */
  herr err;
  const hschema *body = hschema_compile(set,
                                        "#/paths/~1public~1v1~1accounts~1api-tokens/post/"
                                        "requestBody/content/application~1json/schema",
                                        &err);
  cr_assert_not_null(body, "%s", err.msg);
  cr_assert_eq(check_dir(body, GOOD_DTO, HSCHEMA_DIR_REQUEST), 1);
  cr_assert_eq(check_dir(body,
                         "{\"account\":{\"id\":\"ACC-\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4-5678\"}}",
                         HSCHEMA_DIR_REQUEST),
               0);
  cr_assert_eq(check_dir(body, "[]", HSCHEMA_DIR_REQUEST), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema,
                   "#/components/schemas/CreateApiTokenDto/type");
}

#define GOOD_TOKEN                                                                                 \
  "{\"id\":\"TKN-1234-5678-9012\",\"audit\":{\"created\":{\"at\":\"2024-05-01T10:00:00.000Z\","    \
  "\"by\":{\"id\":\"USR-1\",\"name\":\"Jane\",\"icon\":null,\"revision\":3}},\"updated\":null},"   \
  "\"$meta\":null,\"name\":\"CI\",\"icon\":null,\"revision\":1,\"status\":\"Active\","             \
  "\"description\":null,\"lastAccessAt\":null,\"token\":\"idt:TKN-1234:secret\","                  \
  "\"account\":{\"id\":\"ACC-1234-5678\",\"name\":\"Acme\",\"type\":\"Client\",\"status\":"        \
  "\"Active\"},"                                                                                   \
  "\"modules\":[{\"id\":\"MOD-1234\",\"name\":\"Orders\",\"revision\":1,\"filters\":{\"group."     \
  "buyers\":[\"BUY-1\"]},"                                                                         \
  "\"settings\":{\"configurable\":true,\"sharedAccount\":false,\"eligibility\":null}}]}"

Test(schema, spec_api_token) {
  load_spec();
  const hschema *s = spec_schema("ApiToken");
  cr_assert_eq(check_dir(s, GOOD_TOKEN, HSCHEMA_DIR_RESPONSE), 1, "%s",
               hschema_result_count(res) ? hschema_result_at(res, 0)->message : "");
  /* sharedAccount is deprecated: a warning, not an error */
  cr_assert_eq(hschema_result_warnings(res), 1);
  cr_assert_str_eq(hschema_result_at(res, 0)->instance, "/modules/0/settings/sharedAccount");
  /* $meta: null is fine (nullable beside allOf [$ref]), a string is not */
  cr_assert_eq(check_dir(s, "{\"$meta\":null}", HSCHEMA_DIR_RESPONSE), 1);
  cr_assert_eq(check_dir(s, "{\"$meta\":\"x\"}", HSCHEMA_DIR_RESPONSE), 0);
  cr_assert_str_eq(hschema_result_at(res, 0)->instance, "/$meta");
  cr_assert_str_eq(hschema_result_at(res, 0)->schema, "#/components/schemas/PlatformMetadata/type");
  /* account is not nullable */
  cr_assert_eq(check_dir(s, "{\"account\":null}", HSCHEMA_DIR_RESPONSE), 0);
  cr_assert_eq(
      check_dir(s,
                "{\"revision\":2147483648,\"lastAccessAt\":\"2023-02-29T00:00:00Z\","
                "\"account\":{\"type\":\"client\"},\"modules\":[{\"filters\":{\"group\":{}}}]}",
                HSCHEMA_DIR_RESPONSE),
      0);
  cr_assert_eq(hschema_result_errors(res), 4);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema,
                   "#/components/schemas/ApiToken/properties/revision/format");
  cr_assert_str_eq(hschema_result_at(res, 1)->instance, "/lastAccessAt");
  cr_assert_str_eq(hschema_result_at(res, 2)->schema, "#/components/schemas/AccountType/enum");
  cr_assert_str_eq(hschema_result_at(res, 3)->instance, "/modules/0/filters/group");
}

Test(schema, spec_problem_details) {
  load_spec();
  const hschema *s = spec_schema("ProblemDetails");
  cr_assert_eq(check_dir(s,
                         "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\","
                         "\"title\":\"Bad Request\",\"status\":400,\"traceId\":\"00-abc\","
                         "\"errors\":{\"name\":[\"required\"]}}",
                         HSCHEMA_DIR_RESPONSE),
               1);
  cr_assert_eq(check_dir(s, "{\"status\":null,\"detail\":null}", HSCHEMA_DIR_RESPONSE), 1);
  cr_assert_eq(check_dir(s, "{\"status\":\"400\",\"title\":7}", HSCHEMA_DIR_RESPONSE), 0);
  cr_assert_eq(hschema_result_errors(res), 2);
  cr_assert_str_eq(hschema_result_at(res, 0)->schema,
                   "#/components/schemas/ProblemDetails/properties/status/type");
  cr_assert_str_eq(hschema_result_at(res, 0)->message, "expected integer, got string");
}

Test(schema, spec_many_documents_reuse_memory) {
  load_spec();
  const hschema *s = spec_schema("CreateApiTokenDto");
  for (int i = 0; i < 2000; i++) {
    hschema_result_reset(res);
    cr_assert_eq(hschema_validate(s, parse(inst_doc, i % 2 ? GOOD_DTO : "{\"name\":1}"),
                                  HSCHEMA_DIR_REQUEST, res),
                 i % 2);
  }
}

/* A compiled set is shared by threads, each with its own result and documents. */
struct thread_arg {
  const hschema *schema;
  int failures;
};

static void *validate_many(void *p) {
  struct thread_arg *a = p;
  hjson_doc *doc = hjson_doc_new();
  hschema_result *r = hschema_result_new(0);
  static const char bad[] =
      "{\"account\":{\"id\":\"ACC-1234-567\"},\"modules\":[{\"id\":\"MOD-1\"}]}";
  for (int i = 0; i < 3000 && doc && r; i++) {
    const char *text = i % 2 ? GOOD_DTO : bad;
    const cJSON *x = hjson_parse(doc, text, strlen(text), NULL, NULL);
    hschema_result_reset(r);
    int ok = x && hschema_validate(a->schema, x, HSCHEMA_DIR_REQUEST, r);
    if (ok != (i % 2) || hschema_result_errors(r) != (i % 2 ? 0u : 7u))
      a->failures++;
  }
  hschema_result_free(r);
  hjson_doc_free(doc);
  return NULL;
}

Test(schema, threads_share_a_set) {
  load_spec();
  const hschema *s = spec_schema("CreateApiTokenDto");
  pthread_t t[4];
  struct thread_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i].schema = s;
    args[i].failures = 0;
    cr_assert_eq(pthread_create(&t[i], NULL, validate_many, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    cr_assert_eq(args[i].failures, 0, "thread %d saw %d wrong results", i, args[i].failures);
  }
}

/* ---- data-driven cases: the .json files under tests/data/schema/ ----
 *
 * JSON-Schema-Test-Suite style: each file is an array of groups
 *   {"description": "...", "schema": {...}, "direction": "request|response" (optional),
 *    "tests": [{"description": "...", "data": <instance>, "valid": true|false}]}
 * Files are read with the strict reader, so every number keeps its exact text
 * (1.0 stays 1.0) and "$ref" resolves inside the group's schema. */

#include <dirent.h>

Test(schema, data_driven_suite) {
  const char *dir = TEST_DATA_DIR "/schema";
  char *names[256];
  size_t nn = ts_list_files(dir, ".json", names, 256);
  cr_assert(nn > 0, "no data files in %s", dir);
  size_t tests = 0, bad = 0;
  for (size_t f = 0; f < nn; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[f]);
    size_t len;
    char *text = ts_slurp(path, &len);
    cr_assert(text, "cannot read %s", path);
    hjson_error err;
    const cJSON *root = hjson_parse(schema_doc, text, len, NULL, &err);
    cr_assert(root, "%s: %s at offset %zu", path, err.msg, err.offset);
    cr_assert(cJSON_IsArray(root), "%s: an array of groups expected", path);
    for (const cJSON *g = root->child; g; g = g->next) {
      const cJSON *gd = cJSON_GetObjectItemCaseSensitive(g, "description");
      const cJSON *sc = cJSON_GetObjectItemCaseSensitive(g, "schema");
      const cJSON *ts = cJSON_GetObjectItemCaseSensitive(g, "tests");
      const cJSON *dj = cJSON_GetObjectItemCaseSensitive(g, "direction");
      cr_assert(cJSON_IsString(gd) && sc && cJSON_IsArray(ts),
                "%s: a group needs description, schema and tests", path);
      hschema_direction dir_ = HSCHEMA_DIR_NONE;
      if (cJSON_IsString(dj))
        dir_ = !strcmp(dj->valuestring, "request") ? HSCHEMA_DIR_REQUEST : HSCHEMA_DIR_RESPONSE;
      hschema_set_free(set);
      set = hschema_set_new(sc, NULL);
      cr_assert(set);
      herr he;
      const hschema *s = hschema_compile(set, "#", &he);
      cr_assert(s, "%s: %s: compile: %s", names[f], gd->valuestring, he.msg);
      for (const cJSON *t = ts->child; t; t = t->next) {
        const cJSON *td = cJSON_GetObjectItemCaseSensitive(t, "description");
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
        const cJSON *valid_ = cJSON_GetObjectItemCaseSensitive(t, "valid");
        cr_assert(cJSON_IsString(td) && data && cJSON_IsBool(valid_),
                  "%s: %s: a test needs description, data and valid", names[f], gd->valuestring);
        hschema_result_reset(res);
        int got = hschema_validate(s, data, dir_, res);
        tests++;
        if (got != cJSON_IsTrue(valid_)) {
          bad++;
          cr_log_error("%s: %s: %s: %s, expected %s%s%s", names[f], gd->valuestring,
                       td->valuestring, got ? "valid" : "invalid",
                       cJSON_IsTrue(valid_) ? "valid" : "invalid",
                       hschema_result_count(res) ? "; first violation: " : "",
                       hschema_result_count(res) ? hschema_result_at(res, 0)->message : "");
        } else if (!got && hschema_result_count(res) == 0) {
          bad++;
          cr_log_error("%s: %s: %s: invalid without a violation", names[f], gd->valuestring,
                       td->valuestring);
        }
      }
    }
    hschema_set_free(set);
    set = NULL;
    free(text);
    free(names[f]);
  }
  cr_log_info("%zu schema data tests", tests);
  cr_expect(tests >= 40, "only %zu schema data tests", tests);
  cr_expect_eq(bad, 0, "%zu mismatches in the schema data tests (see the log)", bad);
}
