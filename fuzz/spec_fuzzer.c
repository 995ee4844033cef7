/* spec_fuzzer: mutated OpenAPI documents through the spec loader (hspec), the
 * schema compiler (hschema) and the endpoint rules (hrules), then every
 * compiled schema against a few instances.  Cyclic $ref, deep nesting, huge
 * enums and bad or catastrophic patterns must end in an error or a violation,
 * never a crash or a hang (libFuzzer's -timeout catches hangs).
 * Oracles beyond "no crash":
 *  - loading is deterministic: the same bytes give the same verdict, code and message;
 *  - an error message is one non-empty line;
 *  - compiling the same location twice gives the same schema;
 *  - validation is deterministic (same verdict and violations twice). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPEC_NAME "spec_fuzzer"
#define SPEC_MAX_SCHEMAS 32 /* component schemas compiled per input */

/* Instances every compiled schema sees: each JSON type, strings for patterns
 * (a long run that makes catastrophic patterns backtrack), nesting. */
static const char *const spec_instances[] = {
    "null", "true", "0", "-1.5e3", "2147483648", "\"\"", "\"ACC-1234-5678\"",
    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"",
    "\"2026-11-28T12:00:00Z\"", "[]", "[1,\"a\",null,[{}]]", "{}",
    "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"modules\":[{\"id\":\"MOD-1234\"}]}",
    "{\"id\":\"x\",\"revision\":1,\"status\":\"Active\",\"token\":\"t\",\"type\":\"Client\"}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"};
#define SPEC_N_INSTANCES (sizeof spec_instances / sizeof *spec_instances)

typedef struct {
  hjson_doc *docs[SPEC_N_INSTANCES];
  const cJSON *inst[SPEC_N_INSTANCES];
  hschema_result *r1, *r2;
} spec_state;

static spec_state *spec_the_state;

static spec_state *spec_get(void) {
  if (spec_the_state) return spec_the_state;
  spec_state *st = calloc(1, sizeof *st);
  if (!st || !(st->r1 = hschema_result_new(0)) || !(st->r2 = hschema_result_new(0)))
    fuzz_die(SPEC_NAME, "out of memory at start");
  for (size_t i = 0; i < SPEC_N_INSTANCES; i++) {
    hjson_error err;
    if (!(st->docs[i] = hjson_doc_new())) fuzz_die(SPEC_NAME, "out of memory at start");
    st->inst[i] = hjson_parse(st->docs[i], spec_instances[i], strlen(spec_instances[i]), NULL, &err);
    if (!st->inst[i]) fuzz_die(SPEC_NAME, "built-in instance %zu does not parse: %s", i, err.msg);
  }
  spec_the_state = st;
  return st;
}

static void spec_check_message(const char *what, const char *msg) {
  if (!msg[0]) fuzz_die(SPEC_NAME, "%s: empty error message", what);
  if (strchr(msg, '\n')) fuzz_die(SPEC_NAME, "%s: error message is not one line: %s", what, msg);
}

static void spec_validate_all(spec_state *st, const hschema *schema) {
  for (size_t i = 0; i < SPEC_N_INSTANCES; i++) {
    hschema_direction dir = (hschema_direction)(i % 3);
    hschema_result_reset(st->r1);
    hschema_result_reset(st->r2);
    int a = hschema_validate(schema, st->inst[i], dir, st->r1);
    int b = hschema_validate(schema, st->inst[i], dir, st->r2);
    if (a != b || !fuzz_results_equal(st->r1, st->r2))
      fuzz_die(SPEC_NAME, "validating instance %zu against %s twice gave different answers", i,
               hschema_location(schema));
    if ((a == 1) != (hschema_result_errors(st->r1) == 0))
      fuzz_die(SPEC_NAME, "verdict %d disagrees with %zu errors (%s, instance %zu)", a,
               hschema_result_errors(st->r1), hschema_location(schema), i);
  }
}

/* Compiles each component schema (at most SPEC_MAX_SCHEMAS) and validates. */
static void spec_components(spec_state *st, const hspec *spec) {
  const cJSON *comps = cJSON_GetObjectItemCaseSensitive(hspec_root(spec), "components");
  const cJSON *schemas = cJSON_IsObject(comps) ? cJSON_GetObjectItemCaseSensitive(comps, "schemas") : NULL;
  if (!cJSON_IsObject(schemas)) return;
  hschema_set *set = hschema_set_new(hspec_root(spec), NULL);
  if (!set) fuzz_die(SPEC_NAME, "hschema_set_new: out of memory");
  size_t n = 0;
  for (const cJSON *s = schemas->child; s && n < SPEC_MAX_SCHEMAS; s = s->next, n++) {
    size_t klen = 0;
    const char *key = hjson_key(s, &klen);
    if (!key) continue;
    char ptr[HJSON_POINTER_MAX];
    size_t plen = 0;
    ptr[0] = '\0';
    if (!hjson_pointer_push(ptr, sizeof ptr, &plen, "components", 10) ||
        !hjson_pointer_push(ptr, sizeof ptr, &plen, "schemas", 7) ||
        !hjson_pointer_push(ptr, sizeof ptr, &plen, key, klen))
      continue;
    char loc[HJSON_POINTER_MAX + 2];
    loc[0] = '#';
    memcpy(loc + 1, ptr, plen + 1);
    herr e1, e2;
    const hschema *a = hschema_compile(set, loc, &e1);
    const hschema *b = hschema_compile(set, loc, &e2);
    if (a != b) fuzz_die(SPEC_NAME, "compiling %s twice gave different schemas", loc);
    if (!a) {
      spec_check_message("hschema_compile", e1.msg);
      if (strcmp(e1.msg, e2.msg) != 0)
        fuzz_die(SPEC_NAME, "compiling %s twice gave different errors", loc);
      continue;
    }
    spec_validate_all(st, a);
  }
  hschema_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  spec_state *st = spec_get();
  herr e1, e2;
  hspec *a = hspec_load((const char *)data, size, "fuzz.json", &e1);
  hspec *b = hspec_load((const char *)data, size, "fuzz.json", &e2);
  if ((a == NULL) != (b == NULL))
    fuzz_die(SPEC_NAME, "loading the same document twice: once %s, once not",
             a ? "loaded" : "rejected");
  if (!a) {
    spec_check_message("hspec_load", e1.msg);
    if (e1.code != e2.code || strcmp(e1.msg, e2.msg) != 0)
      fuzz_die(SPEC_NAME, "loading the same document twice gave different errors: %s / %s",
               e1.msg, e2.msg);
    return 0;
  }
  if (strcmp(hspec_sha256(a), hspec_sha256(b)) != 0 ||
      hspec_operation_count(a) != hspec_operation_count(b))
    fuzz_die(SPEC_NAME, "loading the same document twice gave different models");
  hspec_free(b);

  /* The endpoint rules, when the document has the operation. */
  herr cerr;
  hrules *rules = hrules_new(a, &cerr);
  if (!rules) {
    spec_check_message("hrules_new", cerr.msg);
  } else {
    const hspec_operation *op = hrules_operation(rules);
    for (size_t i = 0; op && i < op->n_request; i++) {
      const hschema *s = hrules_request_schema(rules, op->request[i].media_type, NULL);
      if (!s) continue;
      for (size_t k = 0; k < SPEC_N_INSTANCES; k++) {
        hschema_result_reset(st->r1);
        (void)hrules_check_request(rules, s, st->inst[k], st->r1);
      }
    }
    for (size_t k = 0; k < SPEC_N_INSTANCES; k++) {
      hschema_result_reset(st->r1);
      (void)hrules_check_response(rules, 201, st->inst[k], st->r1);
      hschema_result_reset(st->r1);
      (void)hrules_check_response(rules, 400, st->inst[k], st->r1);
    }
    hrules_free(rules);
  }
  spec_components(st, a);

  /* The model's accessors on whatever loaded. */
  for (size_t i = 0; i < hspec_operation_count(a); i++) {
    const hspec_operation *op = hspec_operation_at(a, i);
    if (!op || !op->method || !op->path) fuzz_die(SPEC_NAME, "operation %zu without method/path", i);
    if (hspec_find(a, op->method, op->path) == NULL)
      fuzz_die(SPEC_NAME, "operation %s %s is listed but not found", op->method, op->path);
    (void)hspec_allowed_methods(a, op->path);
    (void)hspec_response_for(op, 201);
    (void)hspec_response_for(op, 404);
    (void)hspec_match_media(op->request, op->n_request, "application/vnd.x+json; charset=utf-8");
  }
  hspec_free(a);
  return 0;
}
