/* The public generator (harness/cases/hcases_gen.h): strings from the
 * patterns of every spec the harness ships match them (judged by the
 * harness's validator, PCRE2 with ECMA meaning), in every pick mode; values
 * for a view respect every kind of bound; near misses of a format break the
 * format and nothing else.  Only public headers are included, as the mock and
 * the explore layer do. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_gen.h"
#include "cases/hcases_view.h"
#include "schema/hschema.h"
#include "spec/hspec.h"
#include "support.h"

/* ---------- judging a string against a pattern ---------- */

/* The errors the harness's validator finds in the string s against
 * {"type": "string", keyword: value}; the first one's keyword into kw. */
static size_t string_errors(const char *keyword, const char *value, const char *s, char *kw,
                            size_t kcap) {
  cJSON *doc = cJSON_CreateObject();
  cJSON *sch = cJSON_AddObjectToObject(doc, "s");
  cJSON_AddStringToObject(sch, "type", "string");
  cJSON_AddStringToObject(sch, keyword, value);
  hschema_set *fs = hschema_set_new(doc, NULL);
  herr e;
  const hschema *h = hschema_compile(fs, "#/s", &e);
  cr_assert(h, "the validator compiles %s %s: %s", keyword, value, e.msg);
  hschema_result *r = hschema_result_new(0);
  cJSON *inst = cJSON_CreateString(s);
  hschema_validate(h, inst, HSCHEMA_DIR_NONE, r);
  size_t n = hschema_result_errors(r);
  snprintf(kw, kcap, "%s", n ? hschema_result_at(r, 0)->keyword : "");
  cJSON_Delete(inst);
  hschema_result_free(r);
  hschema_set_free(fs);
  cJSON_Delete(doc);
  return n;
}

/* 1 when s matches pattern, as the harness's validator reads it. */
static int matches(const char *pattern, const char *s) {
  char kw[32];
  return string_errors("pattern", pattern, s, kw, sizeof kw) == 0;
}

/* Every "pattern" string below node, appended to pats (deduplicated). */
static void collect_patterns(const cJSON *node, const char **pats, size_t *n, size_t cap) {
  for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
    if (c->string && !strcmp(c->string, "pattern") && cJSON_IsString(c)) {
      int dup = 0;
      for (size_t i = 0; i < *n; i++)
        dup |= !strcmp(pats[i], c->valuestring);
      if (!dup && *n < cap)
        pats[(*n)++] = c->valuestring;
    }
    collect_patterns(c, pats, n, cap);
  }
}

/* Draws from pattern in every mode and checks each string matches it. */
static void check_all_modes(const char *pattern) {
  char out[512];
  size_t len;
  for (int mode = HCGEN_PICK_RANDOM; mode <= HCGEN_PICK_DIGITS; mode++) {
    for (uint64_t k = 0; k < 40; k++) {
      hcgen_rng rng;
      hcgen_rng_seed(&rng, k);
      hcgen_pattern_opts o = {.pick = (hcgen_pick)mode,
                              .offset = k * 7919,
                              .stretch = (long)(k % 4),
                              .spread = k % 3 ? 4 : 0,
                              .rand = hcgen_rand_of(&rng)};
      cr_assert(hcgen_pattern(pattern, &o, out, sizeof out, &len), "/%s/ mode %d draw %d", pattern,
                mode, (int)k);
      cr_assert_eq(len, strlen(out), "/%s/: *len is the string's length", pattern);
      cr_assert(matches(pattern, out), "/%s/ mode %d draw %d gave \"%s\", which does not match",
                pattern, mode, (int)k, out);
      cr_assert_geq(o.pick_max, 1, "a choice was made");
    }
  }
}

Test(cases_gen, every_pattern_of_the_shipped_specs_gives_matching_strings) {
  static const char *const files[] = {
      TEST_SOURCE_DIR "/spec/create-api-token.openapi.json",
      TEST_DATA_DIR "/cases/formats.openapi.json",
      TEST_DATA_DIR "/cases/variant.openapi.json",
      TEST_DATA_DIR "/cases/recursive.openapi.json",
      TEST_DATA_DIR "/mock/rich.openapi.json",
  };
  const char *pats[64];
  size_t n = 0;
  cJSON *docs[sizeof files / sizeof files[0]];
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char *text = ts_slurp(files[f], NULL);
    cr_assert(text, "%s", files[f]);
    docs[f] = cJSON_Parse(text);
    free(text);
    cr_assert(docs[f], "%s parses", files[f]);
    collect_patterns(docs[f], pats, &n, 64);
  }
  cr_assert_geq(n, 6, "the specs hold patterns to draw from (%zu)", n);
  for (size_t i = 0; i < n; i++)
    check_all_modes(pats[i]);
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
    cJSON_Delete(docs[f]);
}

Test(cases_gen, the_pattern_language_specs_use_gives_matching_strings) {
  static const char *const pats[] = {
      "^(?:ab|cd)[x-z]{2,4}\\.[^0-9a-z]\\w+$",
      "^[A-Z]{3}-\\d{2}$",
      "^[0-9a-f]{16}$",
      "^a|b$",
      "^(x(y|z)+){1,3}w?$",
      "^(?<year>\\d{4})-(?<month>0[1-9]|1[0-2])$",
      "^\\S+@\\S+\\.[a-z]{2,}$",
      "^\\D\\W\\s\\d$",
      "^[\\w.-]+$",
      "^[^\\s]{3,}$",
      "^\\u00e9t\\u00e9 \\x41$",
      "^caf\xc3\xa9$",
      "^a{2}b{1,}c{0,2}?d*?e+?$",
      "^x{,3}$",
      "^[\\]\\\\\\-]{2}$",
      "^\\bword\\b$",
      "^[\\u0041-\\u005A]{3}$",
      "^\\$\\^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/$",
      "unanchored-\\d",
      "^.{5}$",
  };
  for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
    check_all_modes(pats[i]);
}

Test(cases_gen, patterns_it_cannot_satisfy_are_refused_not_mangled) {
  static const char *const pats[] = {
      "^(?=a)b$",    /* look-ahead */
      "^(?!a)b$",    /* negative look-ahead */
      "^(a)\\1$",    /* backreference */
      "^\\p{L}$",    /* property escape */
      "^\\cA$",      /* control escape */
      "^[\\u00e9]$", /* only non-ASCII members */
      "^[abc$",      /* unterminated class */
      "^(ab$",       /* unterminated group */
      "^*a$",        /* nothing to repeat */
      "^\\uD800$",   /* a lone surrogate */
  };
  char out[64];
  size_t len = 99;
  for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
    hcgen_pattern_opts o = {.pick = HCGEN_PICK_FIRST};
    cr_assert_not(hcgen_pattern(pats[i], &o, out, sizeof out, &len), "/%s/ is refused", pats[i]);
    cr_assert_eq(len, 0);
    cr_assert_str_eq(out, "", "a refused pattern leaves an empty string");
  }
  hcgen_pattern_opts o = {.pick = HCGEN_PICK_FIRST};
  cr_assert_not(hcgen_pattern("^a{10}$", &o, out, 10, NULL), "10 bytes and a NUL need 11");
  cr_assert(hcgen_pattern("^a{10}$", &o, out, 11, NULL));
  cr_assert_str_eq(out, "aaaaaaaaaa");
}

Test(cases_gen, pick_modes_choose_as_documented) {
  char out[64];
  hcgen_pattern_opts o = {.pick = HCGEN_PICK_FIRST};
  cr_assert(hcgen_pattern("^MOD-\\d{4}-(ab|cd)$", &o, out, sizeof out, NULL));
  cr_assert_str_eq(out, "MOD-0000-ab");
  cr_assert_eq(o.pick_max, 10, "the largest class drawn from is \\d");
  o = (hcgen_pattern_opts){.pick = HCGEN_PICK_LAST};
  cr_assert(hcgen_pattern("^MOD-\\d{4}-(ab|cd)$", &o, out, sizeof out, NULL));
  cr_assert_str_eq(out, "MOD-9999-cd");
  o = (hcgen_pattern_opts){.pick = HCGEN_PICK_CYCLE, .offset = 3};
  cr_assert(hcgen_pattern("^\\d{4}-\\d{4}$", &o, out, sizeof out, NULL));
  cr_assert_str_eq(out, "3456-7890");
  o = (hcgen_pattern_opts){.pick = HCGEN_PICK_FIRST, .stretch = 2};
  cr_assert(hcgen_pattern("^a+b?c{1,2}d{3}$", &o, out, sizeof out, NULL));
  cr_assert_str_eq(out, "aaabccddd", "stretch adds repetitions within each upper bound");
  /* DIGITS: distinct numbers give distinct strings while the pattern has room */
  static char seen[10000][10];
  for (uint64_t k = 0; k < 10000; k++) {
    o = (hcgen_pattern_opts){.pick = HCGEN_PICK_DIGITS, .offset = k};
    cr_assert(hcgen_pattern("^MOD-\\d{4}$", &o, seen[k], sizeof seen[k], NULL));
  }
  for (uint64_t k = 1; k < 10000; k++)
    cr_assert(strcmp(seen[k], seen[k - 1]) != 0 && strcmp(seen[k], seen[0]) != 0,
              "offset %d repeats a string", (int)k);
}

Test(cases_gen, a_seeded_source_repeats_itself_and_any_seed_works) {
  hcgen_rng a, b, z;
  hcgen_rng_seed(&a, 42);
  hcgen_rng_seed(&b, 42);
  hcgen_rng_seed(&z, 0);
  cr_assert_neq(z.state, 0, "seed 0 gives a working xorshift state");
  char s1[64], s2[64];
  hcgen_pattern_opts o1 = {.spread = 3, .rand = hcgen_rand_of(&a)};
  hcgen_pattern_opts o2 = {.spread = 3, .rand = hcgen_rand_of(&b)};
  cr_assert(hcgen_pattern("^[a-z]{4}\\d+$", &o1, s1, sizeof s1, NULL));
  cr_assert(hcgen_pattern("^[a-z]{4}\\d+$", &o2, s2, sizeof s2, NULL));
  cr_assert_str_eq(s1, s2, "the same seed, the same string");
  int differ = 0;
  for (int i = 0; i < 8; i++) {
    hcgen_pattern_opts o = {.rand = hcgen_rand_of(&z)};
    cr_assert(hcgen_pattern("^[a-z]{8}$", &o, s2, sizeof s2, NULL));
    differ |= strcmp(s1, s2) != 0;
  }
  cr_assert(differ, "draws vary");
}

/* ---------- scalars for views ---------- */

static const char DOC[] =
    "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"gen\",\"version\":\"1\"},\"paths\":{},"
    "\"components\":{\"schemas\":{"
    "\"Ttl\":{\"type\":\"integer\",\"minimum\":60,\"maximum\":86400},"
    "\"ExclInt\":{\"type\":\"integer\",\"minimum\":0,\"exclusiveMinimum\":true,\"maximum\":3,"
    "  \"exclusiveMaximum\":true},"
    "\"Narrow\":{\"type\":\"number\",\"minimum\":0,\"exclusiveMinimum\":true,\"maximum\":0.1,"
    "  \"exclusiveMaximum\":true},"
    "\"Step\":{\"type\":\"integer\",\"multipleOf\":7,\"minimum\":10,\"maximum\":20},"
    "\"HalfStep\":{\"type\":\"integer\",\"multipleOf\":0.3,\"minimum\":2},"
    "\"Tenths\":{\"type\":\"number\",\"multipleOf\":0.25,\"minimum\":1.1,\"maximum\":1.3},"
    "\"Neg\":{\"type\":\"integer\",\"maximum\":-5},"
    "\"Int32\":{\"type\":\"integer\",\"format\":\"int32\",\"minimum\":3000000000},"
    "\"Int32Ok\":{\"type\":\"integer\",\"format\":\"int32\",\"maximum\":-2147483000},"
    "\"Long\":{\"type\":\"string\",\"minLength\":700},"
    "\"Short\":{\"type\":\"string\",\"maxLength\":3},"
    "\"Both\":{\"type\":\"string\",\"minLength\":12,\"maxLength\":12},"
    "\"PatMin\":{\"type\":\"string\",\"pattern\":\"^ab+c$\",\"minLength\":10},"
    "\"PatMax\":{\"type\":\"string\",\"pattern\":\"^[a-z]{2,40}$\",\"maxLength\":5},"
    "\"Fmt\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"Uuid\":{\"type\":\"string\",\"format\":\"uuid\"},"
    "\"Enum\":{\"type\":\"string\",\"nullable\":true,\"enum\":[null,\"a\",\"b\"]},"
    "\"Bool\":{\"type\":\"boolean\"},"
    "\"Tight\":{\"allOf\":[{\"minimum\":5},{\"minimum\":50}],\"maximum\":60},"
    "\"Branch\":{\"oneOf\":[{\"type\":\"string\",\"pattern\":\"^K-\\\\d{3}$\"},{\"type\":"
    "\"integer\"}]},"
    "\"Empty\":{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}"
    "}}}";

static hspec *spec;
static hschema_set *set;

static void setup(void) {
  herr se;
  spec = hspec_load(DOC, sizeof DOC - 1, "gen.json", &se);
  cr_assert(spec, "%s", se.msg);
  set = hschema_set_new(hspec_root(spec), NULL);
}

static void teardown(void) {
  hschema_set_free(set);
  hspec_free(spec);
}

/* The generator's value for component comp, validated against it: 1 valid. */
static int generate_and_judge(const char *comp, hcgen_value *val, char *buf, size_t cap, char *why,
                              size_t wcap) {
  char ref[128];
  snprintf(ref, sizeof ref, "#/components/schemas/%s", comp);
  hcview v;
  hcview_of_ex(spec, hspec_resolve(spec, ref, NULL), HCVIEW_GENERATOR, &v);
  hcgen_pattern_opts o = {.pick = HCGEN_PICK_DIGITS, .offset = 12345};
  if (!hcgen_scalar(&v, NULL, &o, buf, cap, val)) {
    snprintf(why, wcap, "no value generated");
    return 0;
  }
  cJSON *inst = NULL;
  switch (val->kind) {
  case HCGEN_STRING: inst = cJSON_CreateString(val->str); break;
  case HCGEN_NUMBER: inst = cJSON_CreateNumber(val->number); break;
  case HCGEN_BOOLEAN: inst = cJSON_CreateTrue(); break;
  case HCGEN_NULL: inst = cJSON_CreateNull(); break;
  case HCGEN_ENUM: inst = cJSON_Duplicate(val->json, 1); break;
  }
  herr e;
  const hschema *h = hschema_compile(set, ref, &e);
  cr_assert(h, "%s", e.msg);
  hschema_result *r = hschema_result_new(0);
  int ok = hschema_validate(h, inst, HSCHEMA_DIR_NONE, r);
  snprintf(why, wcap, "%s", ok ? "" : hschema_result_at(r, 0)->message);
  hschema_result_free(r);
  cJSON_Delete(inst);
  return ok;
}

TestSuite(cases_gen_values, .init = setup, .fini = teardown);

Test(cases_gen_values, scalars_respect_every_bound_kind) {
  static const char *const comps[] = {"Ttl",    "ExclInt", "Narrow",  "Step",  "HalfStep",
                                      "Tenths", "Neg",     "Int32Ok", "Long",  "Short",
                                      "Both",   "PatMin",  "PatMax",  "Fmt",   "Uuid",
                                      "Enum",   "Bool",    "Tight",   "Branch"};
  char buf[4096], why[256];
  for (size_t i = 0; i < sizeof comps / sizeof comps[0]; i++) {
    hcgen_value val;
    cr_assert(generate_and_judge(comps[i], &val, buf, sizeof buf, why, sizeof why),
              "%s: the generated value is invalid: %s", comps[i], why);
  }
  hcgen_value val;
  cr_assert(generate_and_judge("Ttl", &val, buf, sizeof buf, why, sizeof why));
  cr_assert_eq(val.kind, HCGEN_NUMBER);
  cr_assert(val.integer);
  cr_assert_eq(val.number, 60, "as close to 1 as minimum 60 allows");
  cr_assert(generate_and_judge("Step", &val, buf, sizeof buf, why, sizeof why));
  cr_assert_eq(val.number, 14);
  cr_assert(generate_and_judge("Enum", &val, buf, sizeof buf, why, sizeof why));
  cr_assert_str_eq(val.json->valuestring, "a", "the first enum value that is not null");
  cr_assert(generate_and_judge("Long", &val, buf, sizeof buf, why, sizeof why));
  cr_assert_eq(val.len, 700);
  cr_assert(generate_and_judge("PatMin", &val, buf, sizeof buf, why, sizeof why));
  cr_assert_geq(val.len, 10);
  cr_assert(generate_and_judge("Branch", &val, buf, sizeof buf, why, sizeof why));
  cr_assert_eq(strncmp(val.str, "K-", 2), 0, "the first oneOf branch: %s", val.str);
}

Test(cases_gen_values, fractions_are_written_in_their_shortest_accepted_text) {
  hcview v;
  hcview_of(spec, hspec_resolve(spec, "#/components/schemas/Tenths", NULL), &v);
  double x;
  cr_assert(hcgen_number(&v, 1, &x));
  char t[32];
  cr_assert(hcgen_number_text(&v, x, t, sizeof t));
  cr_assert_str_eq(t, "1.25", "multipleOf 0.25 within 1.1..1.3");
  hcview tenth = {.type = "number",
                  .multiple_of = 0.1,
                  .min_len = -1,
                  .max_len = -1,
                  .min_items = -1,
                  .max_items = -1};
  cr_assert(hcgen_number_text(&tenth, 0.1 * 3, t, sizeof t));
  cr_assert_str_eq(t, "0.3", "not 0.30000000000000004");
  hcview any = {.type = "number", .min_len = -1, .max_len = -1, .min_items = -1, .max_items = -1};
  cr_assert(hcgen_number_text(&any, 1.0 / 3, t, sizeof t));
  cr_assert_str_eq(t, "0.333333333333", "12 digits: within 1e-12 of the double");
  cr_assert(hcgen_number_text(&any, 1e300 / 3, t, sizeof t));
  cr_assert_lt(fabs(strtod(t, NULL) / (1e300 / 3) - 1), 1e-12, "%s", t);
  char printed[64];
  snprintf(printed, sizeof printed, "%.17g", x);
  cr_assert_eq(strtod(printed, NULL), 1.25, "the value itself is the snapped double");
  cr_assert(hcgen_number_text(&v, 60, t, sizeof t));
  cr_assert_str_eq(t, "60");
  cr_assert_not(hcgen_number_text(&v, 123456.5, t, 4), "a buffer too small is refused");
}

Test(cases_gen_values, bounds_without_a_value_are_said_so) {
  char buf[64], why[256];
  hcgen_value val;
  cr_assert_not(generate_and_judge("Empty", &val, buf, sizeof buf, why, sizeof why),
                "minimum 5 and maximum 4 admit nothing");
  cr_assert_not(generate_and_judge("Int32", &val, buf, sizeof buf, why, sizeof why),
                "int32 cannot reach minimum 3e9");
  cr_assert_not(generate_and_judge("Long", &val, buf, sizeof buf, why, sizeof why),
                "700 characters do not fit in 64 bytes");
}

/* ---------- format tables ---------- */

Test(cases_gen, near_misses_break_their_format_and_nothing_else) {
  static const char *const fmts[] = {"date-time", "date", "uuid", "email", "uri"};
  for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
    const hcgen_fval *ok[16], *bad[16];
    size_t nok = hcgen_format_values(fmts[f], 1, ok, 16);
    size_t nbad = hcgen_format_values(fmts[f], 0, bad, 16);
    cr_assert_geq(nok, 2, "%s has valid values", fmts[f]);
    cr_assert_geq(nbad, 4, "%s has near misses", fmts[f]);
    cr_assert_str_eq(hcgen_format_value(fmts[f]), ok[0]->value, "the first valid one is generated");
    char kw[32];
    for (size_t i = 0; i < nok; i++) {
      cr_assert_eq(string_errors("format", fmts[f], ok[i]->value, kw, sizeof kw), 0, "%s %s: %s",
                   fmts[f], ok[i]->kind, kw);
      cr_assert_neq(hcgen_format_check(fmts[f], ok[i]->value), 0, "%s %s", fmts[f], ok[i]->kind);
    }
    for (size_t i = 0; i < nbad; i++) {
      const char *s = bad[i]->value;
      cr_assert(bad[i]->kind[0] && bad[i]->title[0]);
      /* only the format is broken: a plain string it is */
      cr_assert_eq(string_errors("format", "x-not-a-format", s, kw, sizeof kw), 0);
      int checked = hcgen_format_check(fmts[f], s);
      if (checked >= 0) {
        cr_assert_eq(checked, 0, "%s %s (\"%s\") passes the generator's check", fmts[f],
                     bad[i]->kind, s);
      } else {
        cr_assert_eq(string_errors("format", fmts[f], s, kw, sizeof kw), 1,
                     "%s %s (\"%s\"): one violation", fmts[f], bad[i]->kind, s);
        cr_assert_str_eq(kw, "format", "%s %s violates only its format", fmts[f], bad[i]->kind);
      }
    }
  }
  static const char *const more[] = {"time",          "idn-email",     "url",      "iri",
                                     "uri-reference", "iri-reference", "hostname", "idn-hostname",
                                     "ipv4",          "ipv6",          "byte"};
  for (size_t f = 0; f < sizeof more / sizeof more[0]; f++)
    cr_assert(hcgen_format_value(more[f]), "%s has a value", more[f]);
  cr_assert_null(hcgen_format_value("x-unknown"));
  cr_assert_null(hcgen_format_value(NULL));
  cr_assert_eq(hcgen_format_check("x-unknown", "a"), -1);
}

Test(cases_gen, uuids_are_version_4_and_distinct) {
  char a[37], b[37];
  hcgen_uuid(0x0123456789abcdefULL, 0xfedcba9876543210ULL, a);
  hcgen_uuid(0x0123456789abcdefULL, 0xfedcba9876543211ULL, b);
  cr_assert_eq(hcgen_format_check("uuid", a), 1, "%s", a);
  cr_assert_eq(a[14], '4', "version 4: %s", a);
  cr_assert(strchr("89ab", a[19]), "variant 10xx: %s", a);
  cr_assert_str_neq(a, b);
}
