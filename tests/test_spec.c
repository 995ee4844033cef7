/* Tests of the OpenAPI loader (harness/spec): the real spec, media-type and
 * status matching, SHA-256, and broken specs, each checked for its error code
 * and for the words of its message that tell the user what and where. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/hspec.h"
#include "util/hutil.h"

#define SPEC_FILE TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define OP_PTR "#/paths/~1public~1v1~1accounts~1api-tokens/post"
/* sha256sum spec/create-api-token.openapi.json */
#define SPEC_SHA256 "54a9911b909f7dbb27430f4fb73023b85066eb46a6bc890dce45e9558d887b80"

/* Specs are written with ' for " to stay readable; this swaps them back. */
static char *dq(const char *s) {
  char *d = strdup(s);
  cr_assert_not_null(d);
  for (char *p = d; *p; p++)
    if (*p == '\'')
      *p = '"';
  return d;
}

static hspec *load_q(const char *text, herr *err) {
  char *d = dq(text);
  hspec *s = hspec_load(d, strlen(d), "t.json", err);
  free(d);
  return s;
}

/* Loading must fail with code and a message containing every word given. */
static void expect_fail(const char *text, hspec_code code, const char *w1, const char *w2,
                        const char *w3) {
  herr err;
  hspec *s = load_q(text, &err);
  cr_assert_null(s, "loaded a broken spec: %s", text);
  cr_assert_eq(err.code, code, "code %s, want %s: %s", hspec_code_name(err.code),
               hspec_code_name(code), err.msg);
  cr_assert_null(strchr(err.msg, '\n'), "message is not one line: %s", err.msg);
  cr_assert(strncmp(err.msg, "t.json: ", 8) == 0, "message does not name the file: %s", err.msg);
  const char *words[] = {w1, w2, w3};
  for (int i = 0; i < 3; i++)
    if (words[i])
      cr_assert(strstr(err.msg, words[i]), "message lacks \"%s\": %s", words[i], err.msg);
}

#define HEAD "{'openapi':'3.0.3','info':{'title':'T','version':'1'},"
#define OK_OP "{'responses':{'200':{'description':'ok'}}}"

/* ---------------------------------------------------------- the real spec */

Test(spec_real, loads_operation_and_metadata) {
  herr err;
  hspec *s = hspec_load_file(SPEC_FILE, &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_expect_str_eq(hspec_title(s), "Marketplace API");
  cr_expect_str_eq(hspec_version(s), "5.0.5674-g0850f11d");
  cr_expect_str_eq(hspec_sha256(s), SPEC_SHA256);
  cr_expect_str_eq(hspec_name(s), SPEC_FILE);
  cr_assert_eq(hspec_operation_count(s), 1);
  const hspec_operation *op = hspec_find(s, "POST", "/public/v1/accounts/api-tokens");
  cr_assert_not_null(op);
  cr_expect_eq(op, hspec_operation_at(s, 0));
  cr_expect_eq(hspec_find(s, "post", "/public/v1/accounts/api-tokens"), op);
  cr_expect_null(hspec_find(s, "GET", "/public/v1/accounts/api-tokens"));
  cr_expect_null(hspec_find(s, "POST", "/public/v1/accounts/api-tokens/"));
  cr_expect_str_eq(op->method, "post");
  cr_expect_str_eq(op->path, "/public/v1/accounts/api-tokens");
  cr_expect_str_eq(op->pointer, OP_PTR);
  cr_expect_str_eq(op->summary, "Create API token");
  cr_expect_null(op->operation_id);
  cr_expect_eq(op->has_body, 1);
  cr_expect_eq(op->body_required, 0);
  cr_expect_str_eq(hspec_allowed_methods(s, "/public/v1/accounts/api-tokens"), "POST");
  cr_expect_null(hspec_allowed_methods(s, "/nope"));
  hspec_free(s);
}

Test(spec_real, request_media_types_and_schema_pointers) {
  herr err;
  hspec *s = hspec_load_file(SPEC_FILE, &err);
  cr_assert_not_null(s, "%s", err.msg);
  const hspec_operation *op = hspec_operation_at(s, 0);
  cr_assert_eq(op->n_request, 3);
  const char *types[] = {"application/json", "text/json", "application/*+json"};
  const char *ptrs[] = {OP_PTR "/requestBody/content/application~1json/schema",
                        OP_PTR "/requestBody/content/text~1json/schema",
                        OP_PTR "/requestBody/content/application~1*+json/schema"};
  const cJSON *dto = hspec_resolve(s, "#/components/schemas/CreateApiTokenDto", NULL);
  cr_assert(cJSON_IsObject(dto));
  for (size_t i = 0; i < 3; i++) {
    cr_expect_str_eq(op->request[i].media_type, types[i]);
    cr_expect_str_eq(op->request[i].schema_pointer, ptrs[i]);
    const char *why = NULL;
    const cJSON *sch = hspec_resolve(s, op->request[i].schema_pointer, &why);
    cr_assert_not_null(sch, "%s", why ? why : "");
    cr_expect_eq(sch, op->request[i].schema, "pointer and schema disagree");
    /* {"allOf":[{"$ref": CreateApiTokenDto}]} */
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sch, "allOf"), 0), "$ref");
    cr_expect_str_eq(ref->valuestring, "#/components/schemas/CreateApiTokenDto");
  }
  cr_expect_str_eq(hspec_component_schema_pointer(s, "CreateApiTokenDto"),
                   "#/components/schemas/CreateApiTokenDto");
  cr_expect_null(hspec_component_schema_pointer(s, "createApiTokenDto"));
  cr_expect_null(hspec_component_schema_pointer(s, "Nope"));
  hspec_free(s);
}

Test(spec_real, responses_201_and_400) {
  herr err;
  hspec *s = hspec_load_file(SPEC_FILE, &err);
  cr_assert_not_null(s, "%s", err.msg);
  const hspec_operation *op = hspec_operation_at(s, 0);
  cr_assert_eq(op->n_responses, 2);
  const hspec_response *r201 = hspec_response_for(op, 201);
  const hspec_response *r400 = hspec_response_for(op, 400);
  cr_assert_not_null(r201);
  cr_assert_not_null(r400);
  cr_expect_str_eq(r201->code, "201");
  cr_expect_eq(r201->status, 201);
  cr_expect_str_eq(r201->description, "Created");
  cr_expect_str_eq(r400->description, "Bad Request");
  cr_assert_eq(r201->n_media, 1);
  cr_assert_eq(r400->n_media, 1);
  cr_expect_str_eq(r201->media[0].media_type, "application/json");
  cr_expect_str_eq(r201->media[0].schema_pointer,
                   OP_PTR "/responses/201/content/application~1json/schema");
  cr_expect_str_eq(r400->media[0].schema_pointer,
                   OP_PTR "/responses/400/content/application~1json/schema");
  /* the pointers resolve through the $ref to the component schemas */
  cr_expect_eq(hspec_resolve(s, r201->media[0].schema_pointer, NULL),
               hspec_resolve(s, "#/components/schemas/ApiToken", NULL));
  cr_expect_eq(hspec_resolve(s, r400->media[0].schema_pointer, NULL),
               hspec_resolve(s, "#/components/schemas/ProblemDetails", NULL));
  cr_expect_null(hspec_response_for(op, 200));
  cr_expect_null(hspec_response_for(op, 404));
  cr_expect_null(hspec_response_for(op, 500));
  hspec_free(s);
}

Test(spec_real, resolve_reports_bad_refs) {
  herr err;
  hspec *s = hspec_load_file(SPEC_FILE, &err);
  cr_assert_not_null(s, "%s", err.msg);
  const char *why = NULL;
  cr_expect_null(hspec_resolve(s, "#/components/schemas/Nope", &why));
  cr_expect_not_null(why);
  why = NULL;
  cr_expect_null(hspec_resolve(s, "other.json#/x", &why));
  cr_expect_not_null(why);
  cr_expect_null(hspec_resolve(s, "#/components/schemas/~2", NULL));
  cr_expect_null(hspec_resolve(s, "#/components/schemas/%zz", NULL));
  cr_expect_eq(hspec_resolve(s, "#", NULL), hspec_root(s));
  /* percent-escapes decode before the pointer is read */
  cr_expect_eq(hspec_resolve(s, "#/components/schemas/%41piToken", NULL),
               hspec_resolve(s, "#/components/schemas/ApiToken", NULL));
  hspec_free(s);
}

/* ------------------------------------------------------------------ sha256 */

Test(sha256, standard_vectors) {
  char hex[HSPEC_SHA256_HEX];
  hspec_sha256_hex("abc", 3, hex);
  cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  hspec_sha256_hex("", 0, hex);
  cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  hspec_sha256_hex(two, strlen(two), hex);
  cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  char *million = malloc(1000000);
  cr_assert_not_null(million);
  memset(million, 'a', 1000000);
  hspec_sha256_hex(million, 1000000, hex);
  free(million);
  cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(sha256, block_boundaries_differ) {
  /* 55, 56 and 64 bytes: the padding spills into a second block at 56 */
  char buf[64], a[HSPEC_SHA256_HEX], b[HSPEC_SHA256_HEX], c[HSPEC_SHA256_HEX];
  memset(buf, 'x', sizeof buf);
  hspec_sha256_hex(buf, 55, a);
  hspec_sha256_hex(buf, 56, b);
  hspec_sha256_hex(buf, 64, c);
  cr_expect_str_neq(a, b);
  cr_expect_str_neq(b, c);
  cr_expect_eq(strlen(a), 64);
}

/* ------------------------------------------------------------ media types */

static hspec_media mk(const char *t) {
  hspec_media m = {t, NULL, NULL};
  return m;
}

Test(media, real_request_types) {
  herr err;
  hspec *s = hspec_load_file(SPEC_FILE, &err);
  cr_assert_not_null(s, "%s", err.msg);
  const hspec_operation *op = hspec_operation_at(s, 0);
  const hspec_media *l = op->request;
  size_t n = op->n_request;
  cr_expect_eq(hspec_match_media(l, n, "application/json"), &l[0]);
  cr_expect_eq(hspec_match_media(l, n, "application/json; charset=utf-8"), &l[0]);
  cr_expect_eq(hspec_match_media(l, n, "Application/JSON;charset=UTF-8"), &l[0]);
  cr_expect_eq(hspec_match_media(l, n, " application/json "), &l[0]);
  cr_expect_eq(hspec_match_media(l, n, "TEXT/json"), &l[1]);
  cr_expect_eq(hspec_match_media(l, n, "application/vnd.acme+json"), &l[2]);
  cr_expect_eq(hspec_match_media(l, n, "application/problem+json; charset=utf-8"), &l[2]);
  cr_expect_eq(hspec_match_media(l, n, "application/merge-patch+JSON"), &l[2]);
  cr_expect_null(hspec_match_media(l, n, "application/+json"));
  cr_expect_null(hspec_match_media(l, n, "text/plain"));
  cr_expect_null(hspec_match_media(l, n, "text/vnd.acme+json"));
  cr_expect_null(hspec_match_media(l, n, "application/jsonx"));
  cr_expect_null(hspec_match_media(l, n, "application/xml"));
  cr_expect_null(hspec_match_media(l, n, ""));
  cr_expect_null(hspec_match_media(l, n, "json"));
  cr_expect_null(hspec_match_media(l, n, "application/"));
  cr_expect_null(hspec_match_media(l, n, "/json"));
  cr_expect_null(hspec_match_media(l, n, "application json"));
  cr_expect_null(hspec_match_media(l, n, "application/json extra"));
  cr_expect_null(hspec_match_media(l, n, NULL));
  hspec_free(s);
}

Test(media, exact_wins_over_wildcards) {
  hspec_media l[] = {mk("*/*"), mk("application/*"), mk("application/*+json"),
                     mk("application/problem+json")};
  cr_expect_eq(hspec_match_media(l, 4, "application/problem+json"), &l[3]);
  cr_expect_eq(hspec_match_media(l, 4, "application/vnd.x+json"), &l[2]);
  cr_expect_eq(hspec_match_media(l, 4, "application/xml"), &l[1]);
  cr_expect_eq(hspec_match_media(l, 4, "image/png"), &l[0]);
  cr_expect_null(hspec_match_media(l, 4, "image/"));
  cr_expect_null(hspec_match_media(l, 0, "image/png"));
}

/* ---------------------------------------------------------------- statuses */

Test(status, exact_then_range_then_default) {
  herr err;
  hspec *s = load_q(HEAD "'paths':{'/x':{'get':{'responses':{'default':{'description':'d'},"
                         "'4XX':{'description':'c'},'404':{'description':'nf'},"
                         "'x-note':{'any':1}}}}}}",
                    &err);
  cr_assert_not_null(s, "%s", err.msg);
  const hspec_operation *op = hspec_find(s, "GeT", "/x");
  cr_assert_not_null(op);
  cr_assert_eq(op->n_responses, 3, "the x- extension is not a response");
  cr_expect_str_eq(hspec_response_for(op, 404)->code, "404");
  cr_expect_str_eq(hspec_response_for(op, 400)->code, "4XX");
  cr_expect_str_eq(hspec_response_for(op, 499)->code, "4XX");
  cr_expect_str_eq(hspec_response_for(op, 500)->code, "default");
  cr_expect_str_eq(hspec_response_for(op, 200)->code, "default");
  const hspec_response *range = hspec_response_for(op, 450);
  cr_expect_eq(range->status, 4);
  cr_expect(hspec_status_matches(range, 400));
  cr_expect(!hspec_status_matches(range, 500));
  cr_expect(!hspec_status_matches(range, 4));
  cr_expect(hspec_status_matches(hspec_response_for(op, 200), 200));
  cr_expect_eq(hspec_response_for(op, 200)->status, -1);
  cr_expect_null(hspec_response_for(op, 200)->media);
  hspec_free(s);
}

Test(status, several_methods_and_allow) {
  herr err;
  hspec *s = load_q(HEAD "'paths':{'/a':{'post':" OK_OP ",'get':" OK_OP ",'summary':'s'},"
                         "'/b':{'delete':" OK_OP "},'/c':{}}}",
                    &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_expect_eq(hspec_operation_count(s), 3);
  cr_expect_str_eq(hspec_allowed_methods(s, "/a"), "GET, POST");
  cr_expect_str_eq(hspec_allowed_methods(s, "/b"), "DELETE");
  cr_expect_str_eq(hspec_allowed_methods(s, "/c"), "");
  cr_expect_str_eq(hspec_find(s, "Post", "/a")->pointer, "#/paths/~1a/post");
  cr_expect_str_eq(hspec_find(s, "DELETE", "/b")->method, "delete");
  cr_expect_null(hspec_find(s, "DELETE", "/a"));
  cr_expect_eq(hspec_find(s, "get", "/a")->has_body, 0);
  cr_expect_eq(hspec_find(s, "get", "/a")->n_request, 0);
  hspec_free(s);
}

/* ------------------------------------------------------------ refs that work */

Test(refs, request_body_and_response_refs_point_at_components) {
  herr err;
  hspec *s =
      load_q(HEAD "'paths':{'/t':{'post':{'requestBody':{'$ref':'#/components/requestBodies/B'},"
                  "'responses':{'201':{'$ref':'#/components/responses/R'}}}}},"
                  "'components':{'schemas':{'a/b~c':{'type':'object'}},"
                  "'requestBodies':{'B':{'required':true,'content':{'application/json':"
                  "{'schema':{'$ref':'#/components/schemas/a~1b~0c'}}}}},"
                  "'responses':{'R':{'$ref':'#/components/responses/R2'},"
                  "'R2':{'description':'made','content':{'application/json':{'schema':{}}}}}}}",
             &err);
  cr_assert_not_null(s, "%s", err.msg);
  const hspec_operation *op = hspec_find(s, "post", "/t");
  cr_assert_not_null(op);
  cr_expect_eq(op->body_required, 1);
  cr_assert_eq(op->n_request, 1);
  cr_expect_str_eq(op->request[0].schema_pointer,
                   "#/components/requestBodies/B/content/application~1json/schema");
  const char *cp = hspec_component_schema_pointer(s, "a/b~c");
  cr_assert_not_null(cp);
  cr_expect_str_eq(cp, "#/components/schemas/a~1b~0c");
  cr_expect_eq(hspec_resolve(s, op->request[0].schema_pointer, NULL), hspec_resolve(s, cp, NULL));
  const hspec_response *r = hspec_response_for(op, 201);
  cr_assert_not_null(r);
  cr_expect_str_eq(r->description, "made");
  cr_assert_eq(r->n_media, 1);
  cr_expect_str_eq(r->media[0].schema_pointer,
                   "#/components/responses/R2/content/application~1json/schema");
  hspec_free(s);
}

Test(refs, chains_resolve_to_the_value_and_recursion_is_fine) {
  herr err;
  hspec *s =
      load_q(HEAD "'paths':{},'components':{'schemas':{"
                  "'A':{'$ref':'#/components/schemas/B'},'B':{'$ref':'#/components/schemas/C'},"
                  "'C':{'type':'object','properties':{'self':{'$ref':'#/components/schemas/A'},"
                  "'$ref':{'type':'string'},'default':{'$ref':'#/components/schemas/C'}},"
                  "'example':{'$ref':'not a ref, just data'},'x-vendor':{'$ref':7}}}}}",
             &err);
  cr_assert_not_null(s, "%s", err.msg);
  const cJSON *c = hspec_resolve(s, "#/components/schemas/C", NULL);
  cr_assert(cJSON_IsObject(c));
  cr_expect_eq(hspec_resolve(s, "#/components/schemas/A", NULL), c);
  cr_expect_eq(hspec_resolve(s, "#/components/schemas/B", NULL), c);
  /* a property named "$ref" is a name, not a reference */
  cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(
                       hspec_resolve(s, "#/components/schemas/C/properties/$ref", NULL), "type")
                       ->valuestring,
                   "string");
  cr_expect_eq(hspec_operation_count(s), 0);
  hspec_free(s);
}

Test(refs, percent_and_tilde_escapes_in_refs) {
  herr err;
  hspec *s = load_q(HEAD "'paths':{},'components':{'schemas':{'a b%':{'type':'string'},"
                         "'~/':{'type':'number'},"
                         "'U':{'$ref':'#/components/schemas/a%20b%25'},"
                         "'V':{'$ref':'#/components/schemas/~0~1'}}}}",
                    &err);
  cr_assert_not_null(s, "%s", err.msg);
  const char *p = hspec_component_schema_pointer(s, "a b%");
  cr_assert_not_null(p);
  cr_expect_str_eq(p, "#/components/schemas/a%20b%25");
  cr_expect_eq(hspec_resolve(s, p, NULL), hspec_resolve(s, "#/components/schemas/U", NULL));
  cr_expect_eq(hspec_resolve(s, "#/components/schemas/V", NULL),
               hspec_resolve(s, hspec_component_schema_pointer(s, "~/"), NULL));
  hspec_free(s);
}

Test(refs, path_item_ref_indexes_the_target_operations) {
  herr err;
  hspec *s = load_q(HEAD "'paths':{'/a':{'$ref':'#/paths/~1b'},'/b':{'get':" OK_OP "}}}", &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_expect_eq(hspec_operation_count(s), 2);
  const hspec_operation *a = hspec_find(s, "GET", "/a");
  cr_assert_not_null(a);
  cr_expect_str_eq(a->path, "/a");
  cr_expect_str_eq(a->pointer, "#/paths/~1b/get");
  cr_expect_str_eq(hspec_allowed_methods(s, "/a"), "GET");
  hspec_free(s);
}

Test(api, null_name_and_null_error_are_accepted) {
  char *d = dq(HEAD "'paths':{}}");
  hspec *s = hspec_load(d, strlen(d), NULL, NULL);
  cr_assert_not_null(s);
  cr_expect_str_eq(hspec_name(s), "spec");
  cr_expect_eq(hspec_operation_count(s), 0);
  cr_expect_null(hspec_operation_at(s, 0));
  cr_expect_null(hspec_find(s, "get", "/"));
  hspec_free(s);
  cr_expect_null(hspec_load("[", 1, NULL, NULL));
  free(d);
  hspec_free(NULL);
}

/* ------------------------------------------------------------ broken specs */

Test(broken, missing_ref_target) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'properties':{'b':"
                   "{'$ref':'#/components/schemas/Nope'}}}}}}",
              HSPEC_E_REF, "$ref \"#/components/schemas/Nope\"",
              "at #/components/schemas/A/properties/b", "no such target");
}

Test(broken, missing_ref_target_in_operation) {
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':{'content':{'application/json':"
                   "{'schema':{'$ref':'#/components/schemas/Nope'}}}},'responses':{'200':{}}}}}}",
              HSPEC_E_REF, "#/components/schemas/Nope",
              "at #/paths/~1x/post/requestBody/content/application~1json/schema", "no such target");
}

Test(broken, ref_with_bad_escape) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':'#/components/schemas/~2'}}}}",
              HSPEC_E_REF, "\"#/components/schemas/~2\"", "at #/components/schemas/A",
              "'~' must be followed by 0 or 1");
}

Test(broken, ref_with_bad_percent_escape) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':'#/x%4'}}}}", HSPEC_E_REF,
              "\"#/x%4\"", "at #/components/schemas/A", "percent-escape");
}

Test(broken, ref_pointer_without_slash) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':'#components'}}}}", HSPEC_E_REF,
              "\"#components\"", "at #/components/schemas/A", "start with '/'");
}

Test(broken, remote_ref) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':'other.json#/x'}}}}",
              HSPEC_E_REF, "\"other.json#/x\"", "at #/components/schemas/A", "remote");
}

Test(broken, ref_not_a_string) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':['#/x']}}}}", HSPEC_E_REF,
              "at #/components/schemas/A", "must be a string", "an array");
}

Test(broken, cyclic_ref_chain) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':'#/components/schemas/B'},"
                   "'B':{'$ref':'#/components/schemas/C'},'C':{'$ref':'#/components/schemas/A'}}}}",
              HSPEC_E_REF, "cyclic $ref", "at #/components/schemas/", "3 $ref objects");
}

Test(broken, ref_to_itself) {
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':{'$ref':'#/components/schemas/A'}}}}",
              HSPEC_E_REF, "\"#/components/schemas/A\"", "at #/components/schemas/A",
              "cyclic $ref");
}

Test(broken, ref_to_whole_document_from_root) {
  expect_fail("{'$ref':'#','openapi':'3.0.0','info':{'title':'T','version':'1'},'paths':{}}",
              HSPEC_E_REF, "\"#\" at #:", "cyclic $ref", NULL);
}

Test(broken, openapi_2_0) {
  expect_fail("{'openapi':'2.0','info':{'title':'T','version':'1'},'paths':{}}", HSPEC_E_VERSION,
              "#/openapi", "\"2.0\"", "3.0.x");
}

Test(broken, openapi_3_1) {
  expect_fail("{'openapi':'3.1.0','info':{'title':'T','version':'1'},'paths':{}}", HSPEC_E_VERSION,
              "\"3.1.0\"", "3.0.x", NULL);
}

Test(broken, openapi_missing) {
  expect_fail("{'info':{'title':'T','version':'1'},'paths':{}}", HSPEC_E_VERSION, "#/openapi",
              "missing", NULL);
  expect_fail("{'swagger':'2.0','info':{'title':'T','version':'1'},'paths':{}}", HSPEC_E_VERSION,
              "missing", "Swagger 2.0", NULL);
}

Test(broken, openapi_not_a_string) {
  expect_fail("{'openapi':3.0,'info':{'title':'T','version':'1'},'paths':{}}", HSPEC_E_VERSION,
              "#/openapi", "a number", NULL);
}

Test(broken, paths_not_an_object) {
  expect_fail(HEAD "'paths':[]}", HSPEC_E_SHAPE, "#/paths:", "must be an object", "an array");
  expect_fail(HEAD "'components':{}}", HSPEC_E_SHAPE, "#/paths:", "missing", NULL);
}

Test(broken, info_members) {
  expect_fail("{'openapi':'3.0.0','paths':{}}", HSPEC_E_SHAPE, "#/info:", "missing", NULL);
  expect_fail("{'openapi':'3.0.0','info':{'title':1,'version':'1'},'paths':{}}", HSPEC_E_SHAPE,
              "#/info/title:", "a string", "a number");
  expect_fail("{'openapi':'3.0.0','info':{'title':'T'},'paths':{}}", HSPEC_E_SHAPE,
              "#/info/version:", "missing", NULL);
}

Test(broken, root_not_an_object) { expect_fail("[1,2]", HSPEC_E_SHAPE, "#:", "an array", NULL); }

Test(broken, path_item_and_operation_not_objects) {
  expect_fail(HEAD "'paths':{'/x':true}}", HSPEC_E_SHAPE, "#/paths/~1x:", "Path Item", "a boolean");
  expect_fail(HEAD "'paths':{'/x':{'post':'yes'}}}", HSPEC_E_SHAPE,
              "#/paths/~1x/post:", "Operation Object", "a string");
}

Test(broken, path_must_begin_with_slash) {
  expect_fail(HEAD "'paths':{'x':{}}}", HSPEC_E_SHAPE, "#/paths", "\"x\"", "begin with \"/\"");
}

Test(broken, upper_case_method) {
  expect_fail(HEAD "'paths':{'/x':{'POST':" OK_OP "}}}", HSPEC_E_SHAPE,
              "#/paths/~1x:", "unknown member \"POST\"", "lower case");
}

Test(broken, content_schema_not_an_object) {
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':{'content':{'application/json':"
                   "{'schema':'CreateApiTokenDto'}}},'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE,
              "#/paths/~1x/post/requestBody/content/application~1json/schema:", "Schema Object",
              "a string");
}

Test(broken, request_body_shapes) {
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':[],'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/post/requestBody:", "an array", NULL);
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':{},'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/post/requestBody/content:", "missing", NULL);
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':{'content':{'a/b':1}},"
                   "'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/post/requestBody/content/a~1b:", "Media Type Object",
              NULL);
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':{'required':'yes','content':{}},"
                   "'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/post/requestBody/required:", "a boolean", NULL);
  expect_fail(HEAD "'paths':{'/x':{'post':{'requestBody':{'$ref':'#/components/requestBodies/B'},"
                   "'responses':{'200':{}}}}},'components':{'requestBodies':{'B':{'content':7}}}}",
              HSPEC_E_SHAPE, "#/components/requestBodies/B/content:", "a number", NULL);
}

Test(broken, response_code_2O1) {
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'2O1':{'description':'x'}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/get/responses:", "\"2O1\" is not a response code", NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'4xx':{}}}}}}", HSPEC_E_SHAPE, "\"4xx\"",
              NULL, NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'600':{}}}}}}", HSPEC_E_SHAPE, "\"600\"",
              NULL, NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'2000':{}}}}}}", HSPEC_E_SHAPE, "\"2000\"",
              NULL, NULL);
}

Test(broken, responses_shapes) {
  expect_fail(HEAD "'paths':{'/x':{'get':{}}}}", HSPEC_E_SHAPE,
              "#/paths/~1x/get/responses:", "missing", NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{}}}}}", HSPEC_E_SHAPE,
              "#/paths/~1x/get/responses:", "no response", NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'200':null}}}}}", HSPEC_E_SHAPE,
              "#/paths/~1x/get/responses/200:", "Response Object", "null");
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'200':{'content':[]}}}}}}", HSPEC_E_SHAPE,
              "#/paths/~1x/get/responses/200/content:", "an array", NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'responses':{'200':{'description':5}}}}}}", HSPEC_E_SHAPE,
              "#/paths/~1x/get/responses/200/description:", "a string", NULL);
}

Test(broken, operation_members) {
  expect_fail(HEAD "'paths':{'/x':{'get':{'operationId':1,'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/get/operationId:", "a string", NULL);
  expect_fail(HEAD "'paths':{'/x':{'get':{'parameters':{},'responses':{'200':{}}}}}}",
              HSPEC_E_SHAPE, "#/paths/~1x/get/parameters:", "an array", NULL);
}

Test(broken, components_shapes) {
  expect_fail(HEAD "'paths':{},'components':[]}", HSPEC_E_SHAPE, "#/components:", "an array", NULL);
  expect_fail(HEAD "'paths':{},'components':{'schemas':[]}}", HSPEC_E_SHAPE,
              "#/components/schemas:", "an array", NULL);
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A':'string'}}}", HSPEC_E_SHAPE,
              "#/components/schemas/A:", "Schema Object", NULL);
}

Test(broken, not_json) {
  expect_fail("openapi: 3.0.0\n", HSPEC_E_JSON, "not strict JSON", "at byte 0", NULL);
  expect_fail("{'openapi':'3.0.0','info':{'title':'T' 'version':'1'}}", HSPEC_E_JSON, "at byte",
              "pointer \"/info", NULL);
  expect_fail("{'openapi':'3.0.0','openapi':'3.0.1'}", HSPEC_E_JSON, "duplicate", NULL, NULL);
  expect_fail("", HSPEC_E_JSON, "not strict JSON", NULL, NULL);
}

Test(broken, file_that_does_not_exist) {
  herr err;
  hspec *s = hspec_load_file("/nonexistent/dir/spec.json", &err);
  cr_assert_null(s);
  cr_expect_eq(err.code, HSPEC_E_IO);
  cr_expect(strstr(err.msg, "/nonexistent/dir/spec.json: "), "%s", err.msg);
  cr_expect(strstr(err.msg, "No such file or directory"), "%s", err.msg);
  s = hspec_load_file(TEST_SOURCE_DIR "/spec", &err);
  cr_assert_null(s);
  cr_expect_eq(err.code, HSPEC_E_IO);
  cr_expect(strstr(err.msg, "is a directory"), "%s", err.msg);
}

/* A path with control bytes, longer than a message: the error is still one
 * printable line that says why. */
Test(broken, hostile_path_gives_one_printable_line) {
  char path[1200];
  int n = snprintf(path, sizeof path, "/nonexistent/%0900d\n\x1b[31m/spec.json", 0);
  cr_assert_gt(n, 900);
  herr err;
  cr_assert_null(hspec_load_file(path, &err));
  cr_expect_eq(err.code, HSPEC_E_IO);
  cr_expect_null(strchr(err.msg, '\n'), "%s", err.msg);
  cr_expect_null(strchr(err.msg, '\x1b'), "%s", err.msg);
  cr_expect(hutil_utf8_valid(err.msg, strlen(err.msg)), "%s", err.msg);
  cr_expect(strstr(err.msg, "/nonexistent/000"), "%s", err.msg);
}

Test(broken, fifo_without_a_writer_does_not_hang, .timeout = 20) {
  char dir[] = "/tmp/test_spec_fifoXXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/spec.json", dir);
  cr_assert_eq(mkfifo(path, 0600), 0);
  herr err;
  hspec *s = hspec_load_file(path, &err);
  unlink(path);
  rmdir(dir);
  cr_assert_null(s);
  cr_expect_eq(err.code, HSPEC_E_JSON, "code %d: %s", err.code, err.msg);
  cr_expect(strstr(err.msg, path), "%s", err.msg);
  cr_expect(strchr(err.msg, '\n') == NULL);
}

Test(broken, file_over_the_size_limit) {
  char path[] = "/tmp/test_spec_bigXXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  cr_assert_eq(ftruncate(fd, (off_t)HSPEC_MAX_BYTES + 1), 0); /* sparse: no disk used */
  close(fd);
  herr err;
  hspec *s = hspec_load_file(path, &err);
  unlink(path);
  cr_assert_null(s);
  cr_expect_eq(err.code, HSPEC_E_LIMIT);
  cr_expect(strstr(err.msg, path) && strstr(err.msg, "limit"), "%s", err.msg);
}

Test(broken, messages_are_one_line_even_with_control_characters) {
  expect_fail(HEAD "'paths':{'x\\ny':{}}}", HSPEC_E_SHAPE, "\"x\\u000ay\"", NULL, NULL);
  expect_fail(HEAD "'paths':{},'components':{'schemas':{'A\\u0000':{'$ref':'#/\\n'}}}}",
              HSPEC_E_REF, "\"#/\\u000a\"", "at #/components/schemas/A%00", "no such target");
}

/* ------------------------------------------------------------ hostile input */

Test(hostile, deep_nesting_is_an_error_not_a_crash) {
  size_t depth = 100000;
  char *buf = malloc(2 * depth);
  cr_assert_not_null(buf);
  memset(buf, '[', depth);
  memset(buf + depth, ']', depth);
  herr err;
  cr_expect_null(hspec_load(buf, 2 * depth, "deep.json", &err));
  cr_expect_eq(err.code, HSPEC_E_JSON, "%s", err.msg);
  cr_expect(strstr(err.msg, "depth"), "%s", err.msg);
  free(buf);
}

Test(hostile, over_the_size_limit) {
  herr err;
  static const char x[1] = {'{'};
  cr_expect_null(hspec_load(x, HSPEC_MAX_BYTES + 1, "big.json", &err));
  cr_expect_eq(err.code, HSPEC_E_LIMIT);
  cr_expect(strstr(err.msg, "limit"), "%s", err.msg);
}

/* Many schemas, each referring to the next (a 20000-long chain) and all of
 * them into one big object: must load in linear time and resolve right. */
Test(hostile, long_ref_chains_into_large_objects) {
  size_t n = 20000, cap = n * 80 + 256, len = 0;
  char *buf = malloc(cap);
  cr_assert_not_null(buf);
  len += (size_t)snprintf(buf + len, cap - len,
                          "{\"openapi\":\"3.0.0\",\"info\":{\"title\":\"T\",\"version\":\"1\"},"
                          "\"paths\":{},\"components\":{\"schemas\":{");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, cap - len,
                            "%s\"S%zu\":{\"$ref\":\"#/components/schemas/S%zu\"}", i ? "," : "", i,
                            i + 1);
  len += (size_t)snprintf(buf + len, cap - len, ",\"S%zu\":{\"type\":\"integer\"}}}}", n);
  herr err;
  hspec *s = hspec_load(buf, len, "chain.json", &err);
  free(buf);
  cr_assert_not_null(s, "%s", err.msg);
  const cJSON *end = hspec_resolve(s, "#/components/schemas/S20000", NULL);
  cr_assert(cJSON_IsObject(end));
  cr_expect_eq(hspec_resolve(s, "#/components/schemas/S0", NULL), end);
  cr_expect_eq(hspec_resolve(s, "#/components/schemas/S12345", NULL), end);
  cr_expect_str_eq(hspec_component_schema_pointer(s, "S777"), "#/components/schemas/S777");
  hspec_free(s);
}

/* 100,000 refs into the far ends of one 50,000-member object and one
 * 50,000-item array (a linked-list walk per ref would be quadratic: the
 * loader indexes each container once).  Figures for the README come from
 * bench/spec/run; here only the result is checked, with a hang guard. */
Test(hostile, hundred_thousand_refs_into_large_containers, .timeout = 60) {
  size_t n = 50000, cap = n * 120 + 512, len = 0;
  char *buf = malloc(cap);
  cr_assert_not_null(buf);
  len += (size_t)snprintf(buf + len, cap - len,
                          "{\"openapi\":\"3.0.0\",\"info\":{\"title\":\"T\",\"version\":\"1\"},"
                          "\"paths\":{},\"components\":{\"schemas\":{\"Big\":{\"properties\":{");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, cap - len,
                            "%s\"p%zu\":{\"$ref\":\"#/components/schemas/Arr/allOf/%zu\"}",
                            i ? "," : "", i, n - 1 - i / 2);
  len += (size_t)snprintf(buf + len, cap - len, "}},\"Arr\":{\"allOf\":[");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, cap - len,
                            "%s{\"$ref\":\"#/components/schemas/Big/properties/p%zu\"}",
                            i ? "," : "", n - 1 - i);
  len += (size_t)snprintf(buf + len, cap - len, "]}}}}");
  cr_assert_lt(len, cap);
  herr err;
  hspec *s = hspec_load(buf, len, "refs.json", &err);
  free(buf);
  /* every array item refers to a property that refers back into the array:
   * the loader must find the cycles, not hang in them */
  if (s) {
    cr_expect_not_null(hspec_resolve(s, "#/components/schemas/Big/properties/p0", NULL));
    hspec_free(s);
  } else {
    cr_expect_eq(err.code, HSPEC_E_REF, "%s", err.msg);
    cr_expect(strchr(err.msg, '\n') == NULL);
  }
}

/* Every member of the real spec replaced in turn by each wrong-typed value:
 * each load either succeeds or fails with a message, never crashes. */
static void mutate_all(cJSON *root, cJSON *node, const char *base_text, size_t *loads) {
  for (cJSON *c = node->child; c; c = c->next) {
    static const char *const repl[] = {
        "1", "\"s\"", "[]", "{}", "null", "{\"$ref\":\"#\"}", "{\"$ref\":\"#/nope\"}"};
    for (size_t r = 0; r < sizeof repl / sizeof repl[0]; r++) {
      cJSON *nv = cJSON_Parse(repl[r]);
      cr_assert_not_null(nv);
      cJSON *saved_prev = c->prev, *saved_next = c->next;
      char *key = c->string;
      /* swap c for nv in place, print, restore */
      nv->string = key;
      nv->prev = saved_prev;
      nv->next = saved_next;
      if (node->child == c)
        node->child = nv;
      else
        saved_prev->next = nv;
      if (saved_next)
        saved_next->prev = nv;
      else
        node->child->prev = nv;
      char *text = cJSON_PrintUnformatted(root);
      if (node->child == nv)
        node->child = c;
      else
        saved_prev->next = c;
      if (saved_next)
        saved_next->prev = c;
      else
        node->child->prev = c;
      nv->string = NULL;
      nv->next = nv->prev = NULL;
      cJSON_Delete(nv);
      cr_assert_not_null(text);
      herr err;
      hspec *s = hspec_load(text, strlen(text), "m.json", &err);
      if (!s)
        cr_assert(err.msg[0] && !strchr(err.msg, '\n'), "bad message: %s", err.msg);
      hspec_free(s);
      cJSON_free(text);
      (*loads)++;
    }
    if (cJSON_IsObject(c) || cJSON_IsArray(c))
      mutate_all(root, c, base_text, loads);
  }
}

Test(hostile, every_member_of_the_wrong_type) {
  FILE *f = fopen(SPEC_FILE, "rb");
  cr_assert_not_null(f);
  char *text = malloc(1 << 20);
  size_t n = fread(text, 1, (1 << 20) - 1, f);
  fclose(f);
  text[n] = '\0';
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root);
  size_t loads = 0;
  mutate_all(root, root, text, &loads);
  cr_expect_gt(loads, 1000);
  cJSON_Delete(root);
  free(text);
}
