/* The strict JSON reader (harness/json/hjson.h): each rule with its error
 * code, byte offset and JSON pointer; the tree it builds; pointers, lookup,
 * equality and hashing.
 *
 * Every input is copied into a malloc'd buffer of exactly its length (no NUL
 * terminator) and freed right after parsing, so the tests also show that the
 * reader never reads past the end and that the tree does not point into the
 * input. */
#include "json/hjson.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static hjson_doc *doc;

static void setup(void) {
  doc = hjson_doc_new();
  cr_assert(doc != NULL);
}
static void teardown(void) { hjson_doc_free(doc); }

TestSuite(json, .init = setup, .fini = teardown);

/* Parses bytes s[0..len) from an exact-size copy. */
static const cJSON *parse_n(const char *s, size_t len, const hjson_options *o, hjson_error *e) {
  char *copy = malloc(len ? len : 1);
  cr_assert(copy != NULL);
  memcpy(copy, s, len);
  const cJSON *r = hjson_parse(doc, copy, len, o, e);
  memset(copy, 'x', len); /* the tree must not refer to the input */
  free(copy);
  return r;
}

static const cJSON *parse(const char *s, hjson_error *e) { return parse_n(s, strlen(s), NULL, e); }

static const cJSON *parse_ok(const char *s) {
  hjson_error e;
  const cJSON *r = parse(s, &e);
  cr_assert(r != NULL, "'%s' rejected: %s (%s) at %zu, pointer '%s'", s, e.msg,
            hjson_code_name(e.code), e.offset, e.pointer);
  return r;
}

/* Asserts that bytes s[0..len) are rejected with code, offset and pointer
 * (msg, when not NULL, must equal the message). */
static void reject_n(const char *s, size_t len, const hjson_options *o, hjson_code code,
                     size_t offset, const char *pointer, const char *msg) {
  hjson_error e;
  memset(&e, 0x55, sizeof e);
  /* messages quote at most 80 bytes of the input (Criterion ships every
   * assertion message to its runner, even on success) */
  int show = len > 80 ? 80 : (int)len;
  const cJSON *r = parse_n(s, len, o, &e);
  cr_assert(r == NULL, "'%.*s' accepted, expected %s", show, s, hjson_code_name(code));
  cr_expect_eq(e.code, code, "'%.*s': code %s, expected %s (%s)", show, s, hjson_code_name(e.code),
               hjson_code_name(code), e.msg);
  cr_expect_eq(e.offset, offset, "'%.*s': offset %zu, expected %zu (%s)", show, s, e.offset, offset,
               e.msg);
  cr_expect_str_eq(e.pointer, pointer, "'%.*s': pointer '%s', expected '%s'", show, s, e.pointer,
                   pointer);
  cr_expect(e.msg != NULL && e.msg[0] != 0, "'%.*s': no message", show, s);
  if (msg)
    cr_expect_str_eq(e.msg, msg, "'%.*s': message '%s', expected '%s'", show, s, e.msg, msg);
}

static void reject(const char *s, hjson_code code, size_t offset, const char *pointer,
                   const char *msg) {
  reject_n(s, strlen(s), NULL, code, offset, pointer, msg);
}

/* ------------------------------------------------------------- basic tree */

Test(json, builds_a_cjson_tree_with_the_hjson_flag) {
  const cJSON *r =
      parse_ok(" {\"a\": [1, \"x\", true, false, null, {}, []], \"b\": {\"c\": -2.5}} ");
  cr_assert(cJSON_IsObject(r));
  cr_assert(r->type & HJSON_NODE);
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "a");
  cr_assert(cJSON_IsArray(a));
  cr_assert_eq(cJSON_GetArraySize(a), 7);
  cr_assert(cJSON_IsNumber(cJSON_GetArrayItem(a, 0)));
  cr_assert(cJSON_IsString(cJSON_GetArrayItem(a, 1)));
  cr_assert(cJSON_IsTrue(cJSON_GetArrayItem(a, 2)));
  cr_assert(cJSON_IsFalse(cJSON_GetArrayItem(a, 3)));
  cr_assert(cJSON_IsNull(cJSON_GetArrayItem(a, 4)));
  cr_assert(cJSON_IsObject(cJSON_GetArrayItem(a, 5)));
  cr_assert(cJSON_IsArray(cJSON_GetArrayItem(a, 6)));
  cr_assert_null(cJSON_GetArrayItem(a, 5)->child);
  for (const cJSON *e = a->child; e; e = e->next)
    cr_assert(e->type & HJSON_NODE);
  /* cJSON's convention: child->prev is the last element, last->next is NULL */
  cr_assert_eq(a->child->prev, cJSON_GetArrayItem(a, 6));
  cr_assert_null(cJSON_GetArrayItem(a, 6)->next);
  cr_assert_eq(cJSON_GetArrayItem(a, 3)->prev, cJSON_GetArrayItem(a, 2));
  char *printed = cJSON_PrintUnformatted(r);
  cr_assert_str_eq(printed, "{\"a\":[1,\"x\",true,false,null,{},[]],\"b\":{\"c\":-2.5}}");
  cJSON_free(printed);
  const cJSON *c = hjson_pointer_get(r, "/b/c", 4, NULL);
  cr_assert(c && c->valuedouble == -2.5);
  cr_assert_str_eq(c->string, "c");
}

Test(json, scalars_at_the_root) {
  cr_assert(cJSON_IsString(parse_ok("\"s\"")));
  cr_assert(cJSON_IsNumber(parse_ok("7")));
  cr_assert(cJSON_IsNull(parse_ok("null")));
  cr_assert(cJSON_IsTrue(parse_ok(" true\n")));
  cr_assert(cJSON_IsFalse(parse_ok("\tfalse\r")));
}

/* ---------------------------------------------------------------- numbers */

Test(json, number_syntax_errors) {
  reject("01", HJSON_E_SYNTAX, 0, "", "leading zero in number");
  reject("[-012]", HJSON_E_SYNTAX, 2, "/0", "leading zero in number");
  reject("{\"n\":00}", HJSON_E_SYNTAX, 5, "/n", "leading zero in number");
  reject("2.", HJSON_E_SYNTAX, 2, "", "expected digit after decimal point");
  reject("[2.e3]", HJSON_E_SYNTAX, 3, "/0", "expected digit after decimal point");
  reject("-", HJSON_E_SYNTAX, 1, "", "expected digit after '-'");
  reject("[-]", HJSON_E_SYNTAX, 2, "/0", "expected digit after '-'");
  reject(".5", HJSON_E_SYNTAX, 0, "", "number must start with a digit or '-'");
  reject("+1", HJSON_E_SYNTAX, 0, "", "number must not start with '+'");
  reject("0x1F", HJSON_E_SYNTAX, 0, "", "hexadecimal numbers are not JSON");
  reject("1e", HJSON_E_SYNTAX, 2, "", "expected digit in exponent");
  reject("1E+", HJSON_E_SYNTAX, 3, "", "expected digit in exponent");
  reject("NaN", HJSON_E_SYNTAX, 0, "", "NaN and Infinity are not JSON numbers");
  reject("[Infinity]", HJSON_E_SYNTAX, 1, "/0", "NaN and Infinity are not JSON numbers");
  reject("-Infinity", HJSON_E_SYNTAX, 0, "", "NaN and Infinity are not JSON numbers");
  reject("1.5.2", HJSON_E_SYNTAX, 3, "", "trailing data after the value");
  reject("- 1", HJSON_E_SYNTAX, 1, "", "expected digit after '-'");
}

Test(json, number_overflow_is_a_range_error) {
  reject("1e400", HJSON_E_RANGE, 0, "", "number out of double range");
  reject("{\"x\":[0,-1e400]}", HJSON_E_RANGE, 8, "/x/1", NULL);
  char big[400];
  big[0] = '1';
  memset(big + 1, '0', 310); /* 1e310 written out */
  memcpy(big + 311, ".5", 3);
  reject(big, HJSON_E_RANGE, 0, "", NULL);
  /* underflow rounds to zero and is accepted */
  const cJSON *r = parse_ok("1e-400");
  cr_assert_eq(r->valuedouble, 0.0);
  r = parse_ok("-1e-400");
  cr_assert_eq(r->valuedouble, 0.0);
  cr_assert(signbit(r->valuedouble));
  /* the largest double is fine */
  r = parse_ok("1.7976931348623157e308");
  cr_assert_eq(r->valuedouble, 1.7976931348623157e308);
  r = parse_ok("0e99999999999");
  cr_assert_eq(r->valuedouble, 0.0);
}

Test(json, number_text_value_and_int) {
  const cJSON *r =
      parse_ok("[-0.50e3, 3000000000, -3000000000, 2.7, -2.7, 9007199254740993, 0, -0, 1E2]");
  const char *texts[] = {"-0.50e3",          "3000000000", "-3000000000", "2.7", "-2.7",
                         "9007199254740993", "0",          "-0",          "1E2"};
  const double values[] = {-500.0, 3e9, -3e9, 2.7, -2.7, 9007199254740992.0, 0.0, -0.0, 100.0};
  const int ints[] = {-500, INT_MAX, INT_MIN, 2, -2, INT_MAX, 0, 0, 100};
  size_t i = 0;
  for (const cJSON *e = r->child; e; e = e->next, i++) {
    cr_assert_str_eq(hjson_number_text(e), texts[i]);
    cr_assert_str_eq(e->valuestring, texts[i]);
    cr_assert_eq(e->valuedouble, values[i], "%s: %.17g", texts[i], e->valuedouble);
    cr_assert_eq(e->valueint, ints[i], "%s: valueint %d", texts[i], e->valueint);
  }
  cr_assert_eq(i, 9);
  cr_assert(signbit(cJSON_GetArrayItem(r, 7)->valuedouble));
}

/* The fast path and strtod agree with strtod (correct rounding) on numbers
 * that stress both. */
Test(json, number_values_match_strtod) {
  static const char *const nums[] = {"0.1",
                                     "0.3",
                                     "1.1",
                                     "123.456",
                                     "1e22",
                                     "1e23",
                                     "9007199254740992",
                                     "9007199254740993",
                                     "18446744073709551615",
                                     "18446744073709551616",
                                     "123456789012345678901234567890",
                                     "4.9e-324",
                                     "2.4703282292062327e-324",
                                     "2.2250738585072011e-308",
                                     "2.2250738585072014e-308",
                                     "1.7976931348623157e308",
                                     "0.000001",
                                     "1e-22",
                                     "1e-23",
                                     "12345678901234567e-5",
                                     "0.1234567890123456789",
                                     "100000000000000000000000e-2",
                                     "3.141592653589793238462643",
                                     "-0.0000000000000000000000000001",
                                     "1.00000000000000011102230246251565404236316680908203125",
                                     "7.038531e-26",
                                     "1448997445238699",
                                     "8.98846567431158e307"};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    const cJSON *r = parse_ok(nums[i]);
    double want = strtod(nums[i], NULL);
    cr_expect_eq(r->valuedouble, want, "%s: got %.17g want %.17g", nums[i], r->valuedouble, want);
  }
}

/* ---------------------------------------------------------------- strings */

Test(json, raw_control_characters_in_strings) {
  for (int ch = 0; ch < 0x20; ch++) {
    char s[8] = {'[', '"', 'a', (char)ch, '"', ']'};
    reject_n(s, 6, NULL, HJSON_E_CONTROL, 3, "/0", "raw control character in string");
  }
  reject("{\"a\tb\":1}", HJSON_E_CONTROL, 3, "", "raw control character in string");
  /* DEL is not a control character for JSON */
  size_t len;
  const char *s = hjson_string(parse_ok("\"\x7f\""), &len);
  cr_assert_eq(len, 1);
  cr_assert_eq(s[0], 0x7f);
}

Test(json, escapes) {
  size_t len;
  const char *s = hjson_string(
      parse_ok("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\uD834\\uDD1E\""), &len);
  const char want[] = "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e";
  cr_assert_eq(len, sizeof want - 1);
  cr_assert(memcmp(s, want, len) == 0);
  cr_assert_eq(s[len], 0, "NUL-terminated");
  reject("\"\\x\"", HJSON_E_ESCAPE, 1, "", "invalid escape sequence");
  reject("{\"modules\":[{\"id\":\"\\x\"}]}", HJSON_E_ESCAPE, 19, "/modules/0/id",
         "invalid escape sequence");
  reject("[\"\\'\"]", HJSON_E_ESCAPE, 2, "/0", NULL);
  reject("[\"\\a\"]", HJSON_E_ESCAPE, 2, "/0", NULL);
  reject("[\"\\U0041\"]", HJSON_E_ESCAPE, 2, "/0", NULL);
  reject("[\"\\u12\"]", HJSON_E_ESCAPE, 2, "/0", "invalid \\u escape: expected 4 hex digits");
  reject("[\"\\u00G0\"]", HJSON_E_ESCAPE, 2, "/0", NULL);
  reject("[\"\\u-123\"]", HJSON_E_ESCAPE, 2, "/0", NULL);
  reject_n("\"\\u00", 5, NULL, HJSON_E_ESCAPE, 1, "", NULL);
  reject("\"abc", HJSON_E_SYNTAX, 0, "", "unterminated string");
  reject("[\"abc\\", HJSON_E_SYNTAX, 1, "/0", "unterminated string");
  /* an escape in a member name is reported at the object */
  reject("{\"a\":{\"\\q\":1}}", HJSON_E_ESCAPE, 7, "/a", NULL);
}

Test(json, surrogate_escapes) {
  reject("\"\\uD800\"", HJSON_E_SURROGATE, 1, "", NULL);
  reject("[\"\\uDC00\"]", HJSON_E_SURROGATE, 2, "/0", NULL);
  reject("[\"\\uD800\\u0041\"]", HJSON_E_SURROGATE, 2, "/0", NULL);
  reject("[\"\\uD800x\"]", HJSON_E_SURROGATE, 2, "/0", NULL);
  reject("[\"\\uD800\\uD800\"]", HJSON_E_SURROGATE, 2, "/0", NULL);
  reject("[\"\\uDD1E\\uD834\"]", HJSON_E_SURROGATE, 2, "/0", NULL);
  reject("[\"ok\\uD834\\uDD1E\\uDFFF\"]", HJSON_E_SURROGATE, 16, "/0", NULL);
  reject("{\"k\\uDBFF\":1}", HJSON_E_SURROGATE, 3, "", NULL);
  size_t len;
  const char *s = hjson_string(parse_ok("\"\\uDBFF\\uDFFF\""), &len);
  cr_assert_eq(len, 4);
  cr_assert(memcmp(s, "\xf4\x8f\xbf\xbf", 4) == 0);
}

Test(json, invalid_utf8) {
  struct {
    const char *s;
    size_t off;
  } bad[] = {
      {"\"\xc0\x80\"", 1},         /* overlong NUL */
      {"\"\xc1\xbf\"", 1},         /* overlong */
      {"\"\xe0\x80\xaf\"", 1},     /* overlong 3-byte */
      {"\"\xf0\x80\x80\xaf\"", 1}, /* overlong 4-byte */
      {"\"\xed\xa0\x80\"", 1},     /* U+D800 encoded */
      {"\"\xed\xbf\xbf\"", 1},     /* U+DFFF encoded */
      {"\"\xf4\x90\x80\x80\"", 1}, /* U+110000 */
      {"\"\xf5\x80\x80\x80\"", 1}, /* lead byte beyond U+10FFFF */
      {"\"\xff\"", 1},
      {"\"ab\x80\"", 3},       /* stray continuation */
      {"\"\xe2\x82\"", 1},     /* truncated before the quote */
      {"\"\xe2\x28\xa1\"", 1}, /* bad continuation */
      {"\"\xf0\x9f\x98\"", 1}, /* truncated 4-byte */
      {"\"\xc3\"", 1},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    reject(bad[i].s, HJSON_E_UTF8, bad[i].off, "", NULL);
  reject("\"\xed\xa0\x80\"", HJSON_E_UTF8, 1, "", "invalid UTF-8: encoded surrogate code point");
  reject("\"\xc0\x80\"", HJSON_E_UTF8, 1, "", "invalid UTF-8: overlong encoding");
  reject("\"\xf4\x90\x80\x80\"", HJSON_E_UTF8, 1, "", "invalid UTF-8: code point above U+10FFFF");
  reject("\"ab\x80\"", HJSON_E_UTF8, 3, "", "invalid UTF-8: unexpected continuation byte");
  /* truncated at the very end of the input */
  reject_n("\"\xe2\x82", 3, NULL, HJSON_E_UTF8, 1, "", "invalid UTF-8: truncated sequence");
  /* outside strings too */
  reject("[1,\xff]", HJSON_E_UTF8, 3, "/1", NULL);
  reject("{\"a\":1}\x80", HJSON_E_UTF8, 7, "", NULL);
  reject("{\"\xc0\xaf\":1}", HJSON_E_UTF8, 2, "", NULL);
  /* valid sequences of each length, including the edges */
  size_t len;
  const char *s =
      hjson_string(parse_ok("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
                            "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\""),
                   &len);
  cr_assert_eq(len, 24);
  cr_assert(s != NULL);
}

/* ------------------------------------------------------------- whitespace */

Test(json, only_four_whitespace_characters) {
  parse_ok(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n");
  reject("[\f1]", HJSON_E_SYNTAX, 1, "/0", "whitespace other than space, tab, LF, CR");
  reject("[1\v]", HJSON_E_SYNTAX, 2, "", "whitespace other than space, tab, LF, CR");
  reject("[1,\xc2\xa0 2]", HJSON_E_SYNTAX, 3, "/1",
         "whitespace other than space, tab, LF, CR"); /* NBSP */
  reject("\xe2\x80\xa8[]", HJSON_E_SYNTAX, 0, "",
         "whitespace other than space, tab, LF, CR"); /* U+2028 */
  reject("{\"a\":1\xe2\x80\xa9}", HJSON_E_SYNTAX, 6, "",
         "whitespace other than space, tab, LF, CR");
  reject("[1]\xe3\x80\x80", HJSON_E_SYNTAX, 3, "", "whitespace other than space, tab, LF, CR");
  /* inside strings they are ordinary characters */
  size_t len;
  hjson_string(parse_ok("\"\xe2\x80\xa8\xc2\xa0\""), &len);
  cr_assert_eq(len, 5);
}

Test(json, byte_order_mark_rejected) {
  reject("\xef\xbb\xbf{}", HJSON_E_SYNTAX, 0, "", "byte order mark");
  reject("\xef\xbb\xbf", HJSON_E_SYNTAX, 0, "", "byte order mark");
  reject("[\xef\xbb\xbf]", HJSON_E_SYNTAX, 1, "/0", NULL);
}

/* ------------------------------------------------------------ structure */

Test(json, empty_and_trailing_input) {
  reject_n("", 0, NULL, HJSON_E_SYNTAX, 0, "", "empty input");
  reject("   ", HJSON_E_SYNTAX, 3, "", "no value (only whitespace)");
  reject("1 2", HJSON_E_SYNTAX, 2, "", "trailing data after the value");
  reject("{}x", HJSON_E_SYNTAX, 2, "", "trailing data after the value");
  reject("[]]", HJSON_E_SYNTAX, 2, "", "trailing data after the value");
  reject_n("1\0", 2, NULL, HJSON_E_SYNTAX, 1, "", "unexpected NUL byte");
  reject_n("{\"a\":1}\0", 8, NULL, HJSON_E_SYNTAX, 7, "", "unexpected NUL byte");
  reject_n("[\0]", 3, NULL, HJSON_E_SYNTAX, 1, "/0", "unexpected NUL byte");
  reject("truex", HJSON_E_SYNTAX, 4, "", "trailing data after the value");
  reject("tru", HJSON_E_SYNTAX, 0, "", NULL);
  reject("[nul]", HJSON_E_SYNTAX, 1, "/0", NULL);
  reject("[True]", HJSON_E_SYNTAX, 1, "/0", NULL);
  reject("'a'", HJSON_E_SYNTAX, 0, "", "single-quoted string (JSON strings use double quotes)");
  reject("[1]//", HJSON_E_SYNTAX, 3, "", "comments are not allowed");
}

Test(json, container_errors) {
  reject("[1 2]", HJSON_E_SYNTAX, 3, "", "expected ',' or ']' after array element");
  reject("[1,]", HJSON_E_SYNTAX, 3, "/1", "trailing comma in array");
  reject("[,1]", HJSON_E_SYNTAX, 1, "/0", NULL);
  reject("[1", HJSON_E_SYNTAX, 2, "", "unexpected end of input in array");
  reject("[1,", HJSON_E_SYNTAX, 3, "/1", "unexpected end of input, expected a value");
  reject("[", HJSON_E_SYNTAX, 1, "/0", "unexpected end of input, expected a value");
  reject("{\"a\":1,}", HJSON_E_SYNTAX, 7, "", "trailing comma in object");
  reject("{\"a\" 1}", HJSON_E_SYNTAX, 5, "/a", "expected ':' after member name");
  reject("{\"a\":1 \"b\":2}", HJSON_E_SYNTAX, 7, "", "expected ',' or '}' after member value");
  reject("{a:1}", HJSON_E_SYNTAX, 1, "", "expected member name (a string)");
  reject("{1:1}", HJSON_E_SYNTAX, 1, "", "expected member name (a string)");
  reject("{\"a\":}", HJSON_E_SYNTAX, 5, "/a", NULL);
  reject("{\"a\":1", HJSON_E_SYNTAX, 6, "", "unexpected end of input in object");
  reject("{", HJSON_E_SYNTAX, 1, "", "unexpected end of input in object");
  reject("{\"a\"", HJSON_E_SYNTAX, 4, "/a", "unexpected end of input, expected ':'");
  reject("[}", HJSON_E_SYNTAX, 1, "/0", NULL);
  reject("{]", HJSON_E_SYNTAX, 1, "", NULL);
  reject("]", HJSON_E_SYNTAX, 0, "", NULL);
  reject("{\"a\":[1,{\"b\":[true,fals]}]}", HJSON_E_SYNTAX, 19, "/a/1/b/1", NULL);
}

Test(json, pointer_of_errors_escapes_names) {
  reject("{\"a/b\":{\"c~d\":[0,1,{\"\":\"\\z\"}]}}", HJSON_E_ESCAPE, 24, "/a~1b/c~0d/2/", NULL);
  reject("{\"k\\u0000z\":[\"\\z\"]}", HJSON_E_ESCAPE, 14, "/k\\u0000z/0", NULL);
}

/* ------------------------------------------------------- NUL in strings */

Test(json, nul_escape_kept_with_true_length) {
  const cJSON *r = parse_ok("{\"id\":\"ACC-1234-5678\\u0000junk\",\"k\\u0000\":\"\\u0000\"}");
  const cJSON *id = hjson_get(r, "id", 2);
  cr_assert(id != NULL);
  size_t len;
  const char *s = hjson_string(id, &len);
  cr_assert_eq(len, 18);
  cr_assert(memcmp(s, "ACC-1234-5678\0junk", 18) == 0);
  cr_assert_eq(s[18], 0);
  /* the key "k\0" is found by its exact bytes and not by "k" */
  cr_assert_null(hjson_get(r, "k", 1));
  const cJSON *k = hjson_get(r, "k\0", 2);
  cr_assert(k != NULL);
  const char *key = hjson_key(k, &len);
  cr_assert_eq(len, 2);
  cr_assert(memcmp(key, "k\0", 2) == 0);
  hjson_string(k, &len);
  cr_assert_eq(len, 1);

  /* "ACC-1234-5678\u0000junk" is not "ACC-1234-5678" */
  hjson_doc *other = hjson_doc_new();
  cr_assert(other != NULL);
  hjson_error e;
  const cJSON *plain = hjson_parse(other, "\"ACC-1234-5678\"", 15, NULL, &e);
  cr_assert(plain != NULL);
  cr_assert_not(hjson_equal(id, plain));
  cr_assert_neq(hjson_hash(id), hjson_hash(plain));
  hjson_doc_free(other);
}

Test(json, reject_nul_option) {
  hjson_options o = {.reject_nul = 1};
  const char *s = "{\"a\":[\"x\\u0000\"]}";
  reject_n(s, strlen(s), &o, HJSON_E_NUL, 8, "/a/0", NULL);
  s = "{\"\\u0000\":1}";
  reject_n(s, strlen(s), &o, HJSON_E_NUL, 2, "", NULL);
  /* other escapes and the default options are unaffected */
  hjson_error e;
  cr_assert(parse_n("\"\\u0001\"", 8, &o, &e) != NULL);
  cr_assert(parse_n("\"\\u0000\"", 8, NULL, &e) != NULL);
}

/* ------------------------------------------------------------- duplicates */

Test(json, duplicate_member_names) {
  reject("{\"a\":1,\"a\":2}", HJSON_E_DUPLICATE, 7, "/a", "duplicate member name");
  reject("{\"x\":{\"b\":1,\"c\":2,\"b\":3}}", HJSON_E_DUPLICATE, 18, "/x/b", NULL);
  /* escapes are decoded before comparing: "\u0061" is "a" */
  reject("{\"a\":1,\"\\u0061\":2}", HJSON_E_DUPLICATE, 7, "/a", NULL);
  reject("{\"a\\u0000\":1,\"a\\u0000\":2}", HJSON_E_DUPLICATE, 13, "/a\\u0000", NULL);
  /* different bytes after a NUL, case, or one being a prefix: distinct */
  parse_ok("{\"a\\u0000b\":1,\"a\\u0000c\":2,\"a\":3,\"A\":4,\"a\\u0000\":5,\"\":6}");
  /* the same name in different objects is fine */
  parse_ok("{\"a\":{\"a\":{\"a\":1}},\"b\":{\"a\":2},\"c\":[{\"a\":1},{\"a\":2}]}");
}

Test(json, allow_duplicates_keeps_both_in_order) {
  hjson_options o = {.allow_duplicates = 1};
  hjson_error e;
  const cJSON *r = parse_n("{\"a\":1,\"a\":2}", 13, &o, &e);
  cr_assert(r != NULL);
  cr_assert_eq(cJSON_GetArraySize(r), 2);
  cr_assert_eq(r->child->valuedouble, 1);
  cr_assert_eq(r->child->next->valuedouble, 2);
  cr_assert_str_eq(r->child->next->string, "a");
}

/* Builds {"k0":0,"k1":1,...} with n members, then optionally a duplicate. */
static char *many_members(size_t n, const char *extra, size_t *len) {
  size_t cap = n * 24 + 64;
  char *b = malloc(cap);
  cr_assert(b != NULL);
  size_t l = 0;
  b[l++] = '{';
  for (size_t i = 0; i < n; i++)
    l += (size_t)snprintf(b + l, cap - l, "%s\"k%zu\":%zu", i ? "," : "", i, i);
  l += (size_t)snprintf(b + l, cap - l, "%s}", extra);
  *len = l;
  return b;
}

Test(json, many_members_hash_set) {
  size_t len;
  char *b = many_members(100000, "", &len);
  cr_assert(len > 1000000); /* a 1 MB object of distinct names */
  hjson_error e;
  const cJSON *r = parse_n(b, len, NULL, &e);
  cr_assert(r != NULL, "%s at %zu", e.msg, e.offset);
  cr_assert_eq(cJSON_GetArraySize(r), 100000);
  cr_assert_eq(hjson_get(r, "k99999", 6)->valuedouble, 99999);
  free(b);

  /* a duplicate of an early member at the very end */
  b = many_members(100000, ",\"k17\":0", &len);
  reject_n(b, len, NULL, HJSON_E_DUPLICATE, len - 8, "/k17", NULL);
  free(b);
  /* duplicates just below, at and above the switch to the hash set */
  for (size_t n = 2; n < 40; n++) {
    char extra[32];
    for (size_t d = 0; d < n; d += 5) {
      snprintf(extra, sizeof extra, ",\"k%zu\":0", d);
      b = many_members(n, extra, &len);
      char ptr[32];
      snprintf(ptr, sizeof ptr, "/k%zu", d);
      reject_n(b, len, NULL, HJSON_E_DUPLICATE, len - strlen(extra), ptr, NULL);
      free(b);
    }
    b = many_members(n, ",\"new\":0", &len);
    cr_assert(parse_n(b, len, NULL, &e) != NULL, "n=%zu: %s", n, e.msg);
    free(b);
  }
}

/* ------------------------------------------------------------------ depth */

static char *nested(size_t depth, size_t *len) {
  char *b = malloc(depth * 2 + 1);
  cr_assert(b != NULL);
  memset(b, '[', depth);
  memset(b + depth, ']', depth);
  *len = depth * 2;
  return b;
}

Test(json, depth_limit_default_128) {
  size_t len;
  hjson_error e;
  char *b = nested(128, &len);
  cr_assert(parse_n(b, len, NULL, &e) != NULL, "%s", e.msg);
  free(b);
  b = nested(129, &len);
  cr_assert_null(parse_n(b, len, NULL, &e));
  cr_assert_eq(e.code, HJSON_E_DEPTH);
  cr_assert_eq(e.offset, 128);
  cr_assert_str_eq(e.msg, "nesting deeper than max_depth");
  cr_assert_eq(strncmp(e.pointer, "/0/0/0/", 7), 0);
  free(b);
}

Test(json, depth_limit_configured_and_clamped) {
  hjson_options o = {.max_depth = 3};
  hjson_error e;
  cr_assert(parse_n("{\"a\":[{}]}", 10, &o, &e) != NULL);
  reject_n("{\"a\":[{\"b\":[]}]}", 16, &o, HJSON_E_DEPTH, 11, "/a/0/b", NULL);
  reject_n("[[[[1]]]]", 9, &o, HJSON_E_DEPTH, 3, "/0/0/0", NULL);
  o.max_depth = 1;
  cr_assert(parse_n("[1,{}]", 1, &o, &e) == NULL); /* "[" alone is cut short */
  reject_n("[1,{}]", 6, &o, HJSON_E_DEPTH, 3, "/1", NULL);
  /* scalars have no depth */
  cr_assert(parse_n("[1,2]", 5, &o, &e) != NULL);

  /* a huge max_depth is clamped to HJSON_HARD_MAX_DEPTH */
  o.max_depth = 1000000;
  size_t len;
  char *b = nested(HJSON_HARD_MAX_DEPTH, &len);
  cr_assert(parse_n(b, len, &o, &e) != NULL, "%s", e.msg);
  free(b);
  b = nested(HJSON_HARD_MAX_DEPTH + 1, &len);
  cr_assert_null(parse_n(b, len, &o, &e));
  cr_assert_eq(e.code, HJSON_E_DEPTH);
  cr_assert_eq(e.offset, HJSON_HARD_MAX_DEPTH);
  /* the pointer is capped, ending in "..." */
  size_t pl = strlen(e.pointer);
  cr_assert(pl < HJSON_POINTER_MAX);
  cr_assert_str_eq(e.pointer + pl - 3, "...");
  free(b);
  /* far deeper input (no recursion: no stack overflow) */
  b = nested(1000000, &len);
  cr_assert_null(parse_n(b, len, &o, &e));
  cr_assert_eq(e.code, HJSON_E_DEPTH);
  free(b);
}

/* ----------------------------------------------------------- limits, memory */

Test(json, max_bytes_and_max_nodes) {
  hjson_options o = {.max_bytes = 10};
  hjson_error e;
  cr_assert(parse_n("[1,2,3,45]", 10, &o, &e) != NULL);
  reject_n("[1,2,3,456]", 11, &o, HJSON_E_LIMIT, 10, "", "input longer than max_bytes");
  o.max_bytes = 0;
  o.max_nodes = 4;
  cr_assert(parse_n("[1,2,3]", 7, &o, &e) != NULL); /* 4 values: the array and 3 numbers */
  reject_n("[1,2,3,4]", 9, &o, HJSON_E_LIMIT, 7, "/3", "more values than max_nodes");
  reject_n("{\"a\":{\"b\":[1]}}", 15, &(hjson_options){.max_nodes = 3}, HJSON_E_LIMIT, 11, "/a/b/0",
           NULL);
}

/* Run out of address space: the reader reports HJSON_E_NOMEM, no crash. */
Test(json, allocation_failure_is_nomem) {
#if defined(__SANITIZE_ADDRESS__)
  cr_skip_test("address-space limit does not work under ASan");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  cr_skip_test("address-space limit does not work under ASan");
#endif
#endif
  size_t n = 4 * 1000 * 1000;
  char *b = malloc(n * 2 + 2);
  cr_assert(b != NULL);
  b[0] = '[';
  for (size_t i = 0; i < n; i++) {
    b[1 + 2 * i] = '0';
    b[2 + 2 * i] = ',';
  }
  b[2 * n] = ']';
  /* the tree needs > 256 MB (a 64-byte node per value); allow far less */
  struct rlimit rl;
  cr_assert_eq(getrlimit(RLIMIT_AS, &rl), 0);
  FILE *f = fopen("/proc/self/statm", "r");
  cr_assert(f != NULL);
  unsigned long pages = 0;
  cr_assert_eq(fscanf(f, "%lu", &pages), 1);
  fclose(f);
  rl.rlim_cur = (rlim_t)pages * 4096 + 64u * 1024 * 1024;
  cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
  hjson_error e;
  const cJSON *r = hjson_parse(doc, b, 2 * n + 1, NULL, &e);
  cr_assert_null(r);
  cr_assert_eq(e.code, HJSON_E_NOMEM, "%s", hjson_code_name(e.code));
  cr_assert_str_eq(e.msg, "out of memory");
  /* the doc is still usable */
  r = hjson_parse(doc, "[1]", 3, NULL, &e);
  cr_assert(r != NULL);
  free(b);
}

Test(json, doc_reused_for_many_parses) {
  hjson_error e;
  for (int i = 0; i < 20000; i++) {
    char buf[128];
    int n =
        snprintf(buf, sizeof buf, "{\"i\":%d,\"s\":\"v%d\",\"a\":[%d,{\"x\":null}]}", i, i, i * 2);
    const cJSON *r = hjson_parse(doc, buf, (size_t)n, NULL, &e);
    cr_assert(r != NULL, "%s", e.msg);
    cr_assert_eq(hjson_get(r, "i", 1)->valueint, i);
    char want[32];
    snprintf(want, sizeof want, "v%d", i);
    cr_assert_str_eq(hjson_get(r, "s", 1)->valuestring, want);
    cr_assert_eq(cJSON_GetArrayItem(hjson_get(r, "a", 1), 0)->valueint, i * 2);
    if (i % 1000 == 0) {
      /* errors in between do not disturb later parses */
      cr_assert_null(hjson_parse(doc, "[1,", 3, NULL, &e));
      size_t len;
      char *big = many_members(2000, "", &len);
      cr_assert(hjson_parse(doc, big, len, NULL, &e) != NULL);
      free(big);
    }
  }
  cr_assert_null(hjson_parse(doc, NULL, 0, NULL, &e));
  cr_assert_eq(e.code, HJSON_E_SYNTAX);
  cr_assert_str_eq(e.msg, "empty input");
  cr_assert_null(hjson_parse(doc, NULL, 5, NULL, &e));
  cr_assert_eq(e.code, HJSON_E_SYNTAX);
  cr_assert_eq(e.offset, 0);
  cr_assert_null(hjson_parse(NULL, "1", 1, NULL, &e));
  cr_assert_eq(e.code, HJSON_E_NOMEM);
  cr_assert_null(hjson_parse(doc, "x", 1, NULL, NULL), "err may be NULL");
}

Test(json, input_need_not_be_nul_terminated) {
  hjson_error e;
  /* the byte after the input is garbage that would change the meaning */
  const char buf1[] = "[1,2]3";
  const cJSON *r = hjson_parse(doc, buf1, 5, NULL, &e);
  cr_assert(r != NULL);
  cr_assert_eq(cJSON_GetArraySize(r), 2);
  const char buf2[] = "123";
  r = hjson_parse(doc, buf2, 2, NULL, &e);
  cr_assert(r != NULL);
  cr_assert_eq(r->valueint, 12);
  cr_assert_str_eq(hjson_number_text(r), "12");
  r = hjson_parse(doc, "1.5e3", 4, NULL, &e); /* "1.5e" */
  cr_assert_null(r);
  cr_assert_str_eq(e.msg, "expected digit in exponent");
  r = hjson_parse(doc, "true", 3, NULL, &e);
  cr_assert_null(r);
  r = hjson_parse(doc, "\"abc\"", 4, NULL, &e);
  cr_assert_null(r);
  cr_assert_str_eq(e.msg, "unterminated string");
  r = hjson_parse(doc, "\"ab\"xyz", 4, NULL, &e);
  cr_assert(r != NULL);
  cr_assert_str_eq(r->valuestring, "ab");
  r = hjson_parse(doc, "\"\\u00411\"", 7, NULL, &e);
  cr_assert_null(r);
  r = hjson_parse(doc, "\"\\uD834\\uDD1E\"", 13, NULL, &e);
  cr_assert_null(r);
}

/* ---------------------------------------------------------- JSON pointers */

Test(json, pointer_push) {
  char buf[64];
  size_t len = 0;
  buf[0] = 0;
  cr_assert_eq(hjson_pointer_push(buf, sizeof buf, &len, "a/b", 3), 1);
  cr_assert_eq(hjson_pointer_push(buf, sizeof buf, &len, "m~n", 3), 1);
  cr_assert_eq(hjson_pointer_push_index(buf, sizeof buf, &len, 0), 1);
  cr_assert_eq(hjson_pointer_push(buf, sizeof buf, &len, "", 0), 1);
  cr_assert_eq(hjson_pointer_push(buf, sizeof buf, &len, "x\0y", 3), 1);
  cr_assert_eq(hjson_pointer_push_index(buf, sizeof buf, &len, 1234567), 1);
  cr_assert_str_eq(buf, "/a~1b/m~0n/0//x\\u0000y/1234567");
  cr_assert_eq(len, strlen(buf));

  char small[12];
  len = 0;
  small[0] = 0;
  cr_assert_eq(hjson_pointer_push(small, sizeof small, &len, "abc", 3), 1);
  cr_assert_eq(hjson_pointer_push(small, sizeof small, &len, "defghijkl", 9), 0);
  cr_assert_str_eq(small, "/abc/def...");
  cr_assert_eq(len, strlen(small));
  cr_assert_eq(hjson_pointer_push(small, sizeof small, &len, "z", 1), 0);
  cr_assert_str_eq(small, "/abc/def...");
  len = 0;
  cr_assert_eq(hjson_pointer_push(small, sizeof small, &len, "a~~~~~~~~", 9), 0);
  cr_assert_str_eq(small, "/a~0~0~0..."); /* escapes are never cut in half */
}

/* One token in each escaping style: ~0 and ~1 always; a URI fragment
 * percent-encodes all but the RFC 3986 fragment characters (non-ASCII too); a
 * readable fragment only what would break a line, a quoted string or the
 * read-back, and keeps UTF-8. */
Test(json, pointer_escape_styles) {
  static const char tok[] = "a~b/c d%e#f\"g\\h\xc3\xa9i\x01j\0k(l)=m:@?";
  size_t n = sizeof tok - 1;
  char out[3 * sizeof tok];
  struct {
    hjson_escape style;
    const char *want;
  } cases[] = {
      {HJSON_ESC_POINTER, "a~0b~1c d%e#f\"g\\h\xc3\xa9i\x01j\0k(l)=m:@?"},
      {HJSON_ESC_URI, "a~0b~1c%20d%25e%23f%22g%5Ch%C3%A9i%01j%00k(l)=m:@?"},
      {HJSON_ESC_READABLE, "a~0b~1c%20d%25e%23f%22g%5Ch\xc3\xa9i%01j%00k(l)=m:@?"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t want_len = strlen(cases[i].want);
    if (cases[i].style == HJSON_ESC_POINTER)
      want_len = n + 2; /* the NUL byte is kept: strlen stops at it */
    cr_assert_eq(hjson_pointer_escape(tok, n, cases[i].style, NULL), want_len, "style %zu", i);
    cr_assert_eq(hjson_pointer_escape(tok, n, cases[i].style, out), want_len, "style %zu", i);
    cr_assert(memcmp(out, cases[i].want, want_len) == 0, "style %zu: %.*s", i, (int)want_len, out);
  }
  cr_assert_eq(hjson_pointer_escape("", 0, HJSON_ESC_URI, out), 0);
}

/* hjson_pointer_append builds a fragment in an hbuf that percent-decoding and
 * hjson_pointer_get read back to the member it names; a buffer at its limit
 * takes nothing and stays failed. */
Test(json, pointer_append_round_trip) {
  const cJSON *r = parse_ok("{\"a b/c\":{\"\u00e9~%\":[0,{\"#q\\\"\":7}]}}");
  for (int style = HJSON_ESC_URI; style <= HJSON_ESC_READABLE; style++) {
    hbuf b = {0};
    cr_assert(hjson_pointer_append(&b, "a b/c", 5, (hjson_escape)style));
    cr_assert(hjson_pointer_append(&b, "\xc3\xa9~%", 4, (hjson_escape)style));
    cr_assert(hjson_pointer_append(&b, "1", 1, (hjson_escape)style));
    cr_assert(hjson_pointer_append(&b, "#q\"", 3, (hjson_escape)style));
    cr_assert_eq(strlen(b.p), b.n);
    char dec[128];
    size_t o = 0;
    for (size_t i = 0; i < b.n; i++) {
      if (b.p[i] == '%') {
        unsigned v;
        cr_assert_eq(sscanf(b.p + i + 1, "%2x", &v), 1);
        dec[o++] = (char)v;
        i += 2;
      } else
        dec[o++] = b.p[i];
    }
    const cJSON *hit = hjson_pointer_get(r, dec, o, NULL);
    cr_assert_not_null(hit, "style %d: %s", style, b.p);
    cr_assert_eq(hit->valueint, 7);
    hbuf_free(&b);
  }
  hbuf t = {0};
  t.limit = 8;
  cr_assert(hjson_pointer_append(&t, "abc", 3, HJSON_ESC_URI));
  cr_assert_not(hjson_pointer_append(&t, "d e", 3, HJSON_ESC_URI)); /* "/d%20e": 10 > 8 */
  cr_assert(t.toobig);
  cr_assert_str_eq(t.p, "/abc");
  cr_assert_not(hjson_pointer_append(&t, "", 0, HJSON_ESC_URI));
  cr_assert_str_eq(t.p, "/abc");
  hbuf_free(&t);
}

Test(json, pointer_get) {
  const cJSON *r =
      parse_ok("{\"a\":[10,{\"b/c\":1,\"d~e\":2,\"\":3,\"n\\u0000\":4}],\"0\":5,\"x\":null}");
  const char *why = NULL;
  cr_assert_eq(hjson_pointer_get(r, "", 0, &why), r);
  cr_assert_eq(hjson_pointer_get(r, "/a/0", 4, NULL)->valueint, 10);
  cr_assert_eq(hjson_pointer_get(r, "/a/1/b~1c", 9, NULL)->valueint, 1);
  cr_assert_eq(hjson_pointer_get(r, "/a/1/d~0e", 9, NULL)->valueint, 2);
  cr_assert_eq(hjson_pointer_get(r, "/a/1/", 5, NULL)->valueint, 3);
  cr_assert_eq(hjson_pointer_get(r, "/a/1/n\0", 7, NULL)->valueint, 4);
  cr_assert_eq(hjson_pointer_get(r, "/0", 2, NULL)->valueint, 5);
  cr_assert(cJSON_IsNull(hjson_pointer_get(r, "/x", 2, NULL)));
  /* the length bounds the pointer: garbage after it is not read */
  cr_assert_eq(hjson_pointer_get(r, "/a/0/zzz", 4, NULL)->valueint, 10);

  struct {
    const char *p;
    const char *why;
  } bad[] = {
      {"/a/01", "array index must be a decimal number without leading zeros"},
      {"/a/-", "'-' refers past the last array element"},
      {"/a/2", "array index out of range"},
      {"/a/+1", "array index must be a decimal number without leading zeros"},
      {"/a/", "array index must be a decimal number without leading zeros"},
      {"/a/99999999999999999999999", "array index out of range"},
      {"/a/1/b/c", "no such member"},
      {"/a/1/d~2e", "invalid escape in JSON pointer ('~' must be followed by 0 or 1)"},
      {"/a/1/d~", "invalid escape in JSON pointer ('~' must be followed by 0 or 1)"},
      {"/A", "no such member"},
      {"a", "a JSON pointer must be empty or start with '/'"},
      {"#/a", "a JSON pointer must be empty or start with '/'"},
      {"/x/y", "pointer goes through a value that is neither an object nor an array"},
      {"/a/1/n", "no such member"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    why = NULL;
    cr_expect_null(hjson_pointer_get(r, bad[i].p, strlen(bad[i].p), &why), "%s resolved", bad[i].p);
    cr_expect(why != NULL && strcmp(why, bad[i].why) == 0, "%s: why '%s', expected '%s'", bad[i].p,
              why ? why : "(null)", bad[i].why);
  }
  cr_assert_null(hjson_pointer_get(r, "/zz", 3, NULL), "why may be NULL");
}

/* A URI fragment (a $ref's "#...") names the pointer it percent-encodes:
 * the spec's refs and the schema compiler read it the same way. */
Test(json, fragment_pointer_decodes_and_checks) {
  static const struct {
    const char *frag, *pointer, *why;
  } cases[] = {
      {"", "", NULL},
      {"/components/schemas/A%20B", "/components/schemas/A B", NULL},
      {"/a~1b/%7E0", "/a~1b/~0", NULL},
      {"/%2f", "//", NULL},
      {"foo", NULL, "not a JSON pointer (a fragment must be empty or start with '/')"},
      {"/a%2", NULL, "invalid percent-escape (expected % and two hex digits)"},
      {"/a%zz", NULL, "invalid percent-escape (expected % and two hex digits)"},
      {"/a~2", NULL, "invalid JSON pointer escape ('~' must be followed by 0 or 1)"},
      {"/a%7E", NULL, "invalid JSON pointer escape ('~' must be followed by 0 or 1)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    hbuf out = {0};
    const char *why = NULL;
    int ok = hjson_fragment_pointer(cases[i].frag, strlen(cases[i].frag), &out, &why);
    if (cases[i].pointer) {
      cr_expect(ok, "%s: %s", cases[i].frag, why ? why : "");
      cr_expect_str_eq(out.p ? out.p : "", cases[i].pointer, "%s", cases[i].frag);
    } else {
      cr_expect_not(ok, "%s accepted", cases[i].frag);
      cr_expect(why && !strcmp(why, cases[i].why), "%s: why '%s'", cases[i].frag,
                why ? why : "(null)");
    }
    hbuf_free(&out);
  }
}

Test(json, get_is_exact) {
  const cJSON *r = parse_ok("{\"group.buyers\":1,\"Name\":2,\"name\":3,\"a\\u0000b\":4}");
  cr_assert_eq(hjson_get(r, "group.buyers", 12)->valueint, 1);
  cr_assert_null(hjson_get(r, "group", 5));
  cr_assert_eq(hjson_get(r, "name", 4)->valueint, 3);
  cr_assert_eq(hjson_get(r, "Name", 4)->valueint, 2);
  cr_assert_null(hjson_get(r, "NAME", 4));
  cr_assert_eq(hjson_get(r, "a\0b", 3)->valueint, 4);
  cr_assert_null(hjson_get(r, "a", 1));
  cr_assert_null(hjson_get(r->child, "x", 1), "not an object");
  cr_assert_null(hjson_get(NULL, "x", 1));
}

/* ------------------------------------------------- accessors on cJSON nodes */

Test(json, accessors_work_on_plain_cjson_nodes) {
  cJSON *c = cJSON_Parse("{\"k\":\"val\",\"n\":1.5}");
  cr_assert(c != NULL);
  size_t len;
  const char *s = hjson_string(c->child, &len);
  cr_assert_str_eq(s, "val");
  cr_assert_eq(len, 3);
  s = hjson_key(c->child, &len);
  cr_assert_str_eq(s, "k");
  cr_assert_eq(len, 1);
  cr_assert_null(hjson_number_text(c->child->next), "not made by the reader");
  cr_assert_null(hjson_string(c->child->next, &len), "not a string");
  cr_assert_null(hjson_key(c, &len), "root is no member");
  cr_assert_eq(hjson_get(c, "n", 1)->valuedouble, 1.5);
  /* hjson_equal compares across both kinds of trees */
  const cJSON *r = parse_ok("{\"n\":1.50,\"k\":\"val\"}");
  cr_assert(hjson_equal(c, r));
  cr_assert_eq(hjson_hash(c), hjson_hash(r));
  cJSON_Delete(c);
  cr_assert_null(hjson_number_text(parse_ok("\"1\"")));
}

/* A cJSON_Duplicate copy owns strdup'd strings without the length header: the
 * accessors must fall back to strlen instead of reading before the string. */
Test(json, accessors_on_a_cjson_duplicate) {
  const cJSON *r = parse_ok("{\"k\\u0000x\":\"ab\\u0000cd\",\"t\":\"text\",\"n\":-1.50}");
  cr_assert(r->child->type & cJSON_IsReference);
  cJSON *copy = cJSON_Duplicate(r, 1);
  cr_assert(copy != NULL);
  size_t len;
  cr_assert_str_eq(hjson_string(copy->child, &len), "ab");
  cr_assert_eq(len, 2);
  cr_assert_str_eq(hjson_key(copy->child, &len), "k");
  cr_assert_eq(len, 1);
  cr_assert_str_eq(hjson_string(copy->child->next, &len), "text");
  cr_assert_eq(len, 4);
  cr_assert_str_eq(hjson_number_text(copy->child->next->next), "-1.50");
  cr_assert(hjson_equal(copy->child->next, r->child->next));
  cr_assert_not(hjson_equal(copy->child, r->child)); /* the copy lost the bytes after NUL */
  cJSON_Delete(copy);
}

Test(json, code_names) {
  cr_assert_str_eq(hjson_code_name(HJSON_OK), "ok");
  cr_assert_str_eq(hjson_code_name(HJSON_E_SYNTAX), "syntax");
  cr_assert_str_eq(hjson_code_name(HJSON_E_UTF8), "utf8");
  cr_assert_str_eq(hjson_code_name(HJSON_E_ESCAPE), "escape");
  cr_assert_str_eq(hjson_code_name(HJSON_E_SURROGATE), "surrogate");
  cr_assert_str_eq(hjson_code_name(HJSON_E_CONTROL), "control");
  cr_assert_str_eq(hjson_code_name(HJSON_E_DUPLICATE), "duplicate");
  cr_assert_str_eq(hjson_code_name(HJSON_E_DEPTH), "depth");
  cr_assert_str_eq(hjson_code_name(HJSON_E_RANGE), "range");
  cr_assert_str_eq(hjson_code_name(HJSON_E_NUL), "nul");
  cr_assert_str_eq(hjson_code_name(HJSON_E_LIMIT), "limit");
  cr_assert_str_eq(hjson_code_name(HJSON_E_NOMEM), "nomem");
  cr_assert_str_eq(hjson_code_name((hjson_code)99), "unknown");
}

/* --------------------------------------------------------- equality, hash */

static void expect_equal(const char *x, const char *y, int want) {
  hjson_doc *d1 = hjson_doc_new(), *d2 = hjson_doc_new();
  cr_assert(d1 && d2);
  hjson_error e;
  hjson_options o = {.allow_duplicates = 1};
  const cJSON *a = hjson_parse(d1, x, strlen(x), &o, &e);
  cr_assert(a != NULL, "%s: %s", x, e.msg);
  const cJSON *b = hjson_parse(d2, y, strlen(y), &o, &e);
  cr_assert(b != NULL, "%s: %s", y, e.msg);
  cr_expect_eq(hjson_equal(a, b), want, "%s vs %s", x, y);
  cr_expect_eq(hjson_equal(b, a), want, "%s vs %s (swapped)", y, x);
  if (want)
    cr_expect_eq(hjson_hash(a), hjson_hash(b), "equal values hash differently: %s vs %s", x, y);
  hjson_doc_free(d1);
  hjson_doc_free(d2);
}

Test(json, equal_and_hash) {
  expect_equal("1", "1.0", 1);
  expect_equal("1", "1e0", 1);
  expect_equal("100", "1E2", 1);
  expect_equal("0", "-0", 1);
  expect_equal("1", "2", 0);
  expect_equal("1", "\"1\"", 0);
  expect_equal("true", "true", 1);
  expect_equal("true", "false", 0);
  expect_equal("null", "false", 0);
  expect_equal("\"a\"", "\"\\u0061\"", 1);
  expect_equal("\"a\\u0000b\"", "\"a\\u0000c\"", 0);
  expect_equal("\"a\\u0000\"", "\"a\"", 0);
  expect_equal("[1,2]", "[1,2]", 1);
  expect_equal("[1,2]", "[2,1]", 0);
  expect_equal("[1,2]", "[1,2,3]", 0);
  expect_equal("[]", "{}", 0);
  expect_equal("{\"a\":1,\"b\":[true,{\"c\":null}]}", "{\"b\":[true,{\"c\":null}],\"a\":1.0}", 1);
  expect_equal("{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}", 0);
  expect_equal("{\"a\":1}", "{\"a\":1,\"b\":2}", 0);
  expect_equal("{\"a\\u0000\":1}", "{\"a\":1}", 0);
  expect_equal("{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}", 1);
  expect_equal("{\"a\":1,\"a\":2}", "{\"a\":2,\"a\":1}", 0);
  /* large objects (compared through sorted names) */
  char x[2048], y[2048];
  size_t lx = 0, ly = 0;
  x[lx++] = '{';
  y[ly++] = '{';
  for (int i = 0; i < 40; i++) {
    lx += (size_t)snprintf(x + lx, sizeof x - lx, "%s\"m%d\":%d", i ? "," : "", i, i);
    ly += (size_t)snprintf(y + ly, sizeof y - ly, "%s\"m%d\":%d", i ? "," : "", 39 - i, 39 - i);
  }
  x[lx++] = '}';
  y[ly++] = '}';
  x[lx] = y[ly] = 0;
  expect_equal(x, y, 1);
  y[ly - 2] = '9'; /* "m0":0 becomes "m0":9 */
  expect_equal(x, y, 0);
  /* hashes differ for typical different values */
  const cJSON *a = parse_ok("[1,2]");
  uint64_t h1 = hjson_hash(a);
  a = parse_ok("[2,1]");
  cr_assert_neq(h1, hjson_hash(a));
  cr_assert(hjson_equal(NULL, NULL));
  cr_assert_not(hjson_equal(a, NULL));
}

/* A pointer cut at HJSON_POINTER_MAX never ends inside a UTF-8 character: it is
 * echoed into JSON answers (the mock's 400 detail; an endpoint_fuzzer finding). */
Test(json, cut_pointer_stays_whole_utf8) {
  for (int shift = 0; shift < 4; shift++) {
    char in[1200];
    size_t n = 0;
    in[n++] = '{';
    in[n++] = '"';
    for (int i = 0; i < shift; i++) /* moves the character boundaries past the cut */
      in[n++] = 'a';
    for (int i = 0; i < 300; i++) { /* 600 bytes of "\u00e9" in UTF-8 */
      in[n++] = (char)0xC3;
      in[n++] = (char)0xA9;
    }
    memcpy(in + n, "\":tru}", 7);
    n += 7;
    hjson_doc *d = hjson_doc_new();
    hjson_error e;
    cr_assert_null(hjson_parse(d, in, n, NULL, &e));
    size_t pl = strlen(e.pointer);
    cr_assert(pl > 3 && !strcmp(e.pointer + pl - 3, "..."), "shift %d: %s", shift, e.pointer);
    size_t i = 0; /* every multi-byte sequence before the "..." is complete */
    while (i < pl - 3) {
      unsigned char c = (unsigned char)e.pointer[i];
      size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      cr_assert(i + want <= pl - 3, "shift %d: half a character at %zu", shift, i);
      i += want;
    }
    hjson_doc_free(d);
  }
}
