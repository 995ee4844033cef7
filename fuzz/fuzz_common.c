/* fuzz_common: spec loading, oracle failure, the request-body pipeline. */
#include "fuzz_common.h"
#include "fuzz_rfc8259.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The process-wide environment: loaded once, read-only afterwards.  A fuzz
 * target is single-purpose, so this is the one place global state is right. */
static fuzz_env fuzz_the_env;
static int fuzz_env_loaded;

int fuzz_oracle_enabled(const char *name) {
  static const char *off;
  static int read;
  if (!read) {
    off = getenv("APIHARNESS_FUZZ_ORACLES_OFF");
    read = 1;
  }
  if (!off || !*off) return 1;
  size_t n = strlen(name);
  for (const char *p = off; (p = strstr(p, name)) != NULL; p += n)
    if ((p == off || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 0;
  return 1;
}

void fuzz_die(const char *target, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: oracle failed: ", target);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fflush(stderr);
  abort();
}

const fuzz_env *fuzz_env_get(void) {
  if (fuzz_env_loaded) return &fuzz_the_env;
  herr serr;
  const char *path = getenv("APIHARNESS_FUZZ_SPEC");
  hspec *spec = path && *path
                    ? hspec_load_file(path, &serr)
                    : hspec_load((const char *)fuzz_spec_data, fuzz_spec_data_len, "spec", &serr);
  if (!spec) {
    fprintf(stderr, "fuzz: cannot load the spec: %s\n", serr.msg);
    exit(2);
  }
  herr cerr;
  hrules *rules = hrules_new(spec, &cerr);
  if (!rules) {
    fprintf(stderr, "fuzz: cannot compile the rules: %s\n", cerr.msg);
    exit(2);
  }
  fuzz_the_env.spec = spec;
  fuzz_the_env.rules = rules;
  fuzz_the_env.dto = hrules_request_schema(rules, NULL, NULL);
  if (!fuzz_the_env.dto) {
    const hspec_operation *op = hrules_operation(rules);
    if (op && op->n_request)
      fuzz_the_env.dto = hrules_request_schema(rules, op->request[0].media_type, NULL);
  }
  if (!fuzz_the_env.dto) {
    fprintf(stderr, "fuzz: the spec documents no request schema for %s %s\n", HRULES_METHOD,
            HRULES_PATH);
    exit(2);
  }
  fuzz_the_env.created = hrules_response_schema(rules, 201);
  fuzz_the_env.problem = hrules_response_schema(rules, 400);
  fuzz_env_loaded = 1;
  return &fuzz_the_env;
}

const cJSON *fuzz_spec_schema(const fuzz_env *env, int status) {
  const hspec_operation *op = hrules_operation(env->rules);
  if (!op) return NULL;
  if (status == 0) return op->n_request ? op->request[0].schema : NULL;
  for (size_t i = 0; i < op->n_responses; i++) {
    const hspec_response *r = &op->responses[i];
    if (r->status != status) continue;
    for (size_t k = 0; k < r->n_media; k++) {
      const char *mt = r->media[k].media_type;
      size_t ml = mt ? strlen(mt) : 0;
      if (mt && (!strcmp(mt, "application/json") || (ml >= 5 && !strcmp(mt + ml - 5, "+json"))))
        return r->media[k].schema;
    }
  }
  return NULL;
}

static int fuzz_str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

int fuzz_results_equal(const hschema_result *a, const hschema_result *b) {
  size_t n = hschema_result_count(a);
  if (n != hschema_result_count(b) || hschema_result_errors(a) != hschema_result_errors(b) ||
      hschema_result_warnings(a) != hschema_result_warnings(b) ||
      hschema_result_truncated(a) != hschema_result_truncated(b))
    return 0;
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *x = hschema_result_at(a, i), *y = hschema_result_at(b, i);
    if (!x || !y) return 0;
    if (!fuzz_str_eq(x->instance, y->instance) || !fuzz_str_eq(x->schema, y->schema) ||
        !fuzz_str_eq(x->keyword, y->keyword) || !fuzz_str_eq(x->message, y->message) ||
        x->warning != y->warning)
      return 0;
  }
  return 1;
}

void fuzz_escape(char *out, size_t cap, const uint8_t *data, size_t size) {
  size_t n = 0, i = 0;
  if (!cap) return;
  for (; i < size; i++) {
    char tmp[8];
    unsigned char c = data[i];
    if (c == '\n') snprintf(tmp, sizeof tmp, "\\n");
    else if (c == '\r') snprintf(tmp, sizeof tmp, "\\r");
    else if (c == '\t') snprintf(tmp, sizeof tmp, "\\t");
    else if (c == '\\') snprintf(tmp, sizeof tmp, "\\\\");
    else if (c >= 0x20 && c < 0x7f) snprintf(tmp, sizeof tmp, "%c", c);
    else snprintf(tmp, sizeof tmp, "\\x%02x", c);
    size_t tl = strlen(tmp);
    if (n + tl + 24 >= cap) break;
    memcpy(out + n, tmp, tl);
    n += tl;
  }
  out[n] = '\0';
  if (i < size) snprintf(out + n, cap - n, "...(%zu bytes)", size);
}

int fuzz_tree_has_nul(const cJSON *node) {
  for (; node; node = node->next) {
    size_t len = 0;
    const char *s = hjson_key(node, &len);
    if (s && memchr(s, '\0', len)) return 1;
    if (cJSON_IsString(node) && (s = hjson_string(node, &len)) && memchr(s, '\0', len)) return 1;
    if (node->child && fuzz_tree_has_nul(node->child)) return 1;
  }
  return 0;
}

struct fuzz_dto {
  const cJSON *root;
  hjson_doc *doc, *again;
  hschema_result *r1, *r2;
};

fuzz_dto *fuzz_dto_new(void) {
  fuzz_dto *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->doc = hjson_doc_new();
  d->again = hjson_doc_new();
  d->r1 = hschema_result_new(0);
  d->r2 = hschema_result_new(0);
  if (!d->doc || !d->again || !d->r1 || !d->r2) {
    fuzz_dto_free(d);
    return NULL;
  }
  return d;
}

const cJSON *fuzz_dto_root(const fuzz_dto *d) { return d->root; }

void fuzz_dto_free(fuzz_dto *d) {
  if (!d) return;
  hjson_doc_free(d->doc);
  hjson_doc_free(d->again);
  hschema_result_free(d->r1);
  hschema_result_free(d->r2);
  free(d);
}

/* Validates body twice into r1 and r2 and checks the two agree; returns the verdict. */
static int fuzz_dto_validate(fuzz_dto *d, const char *target, const fuzz_env *env,
                             const cJSON *body, const char *what) {
  hschema_result_reset(d->r1);
  hschema_result_reset(d->r2);
  int v1 = hrules_check_request(env->rules, env->dto, body, d->r1);
  int v2 = hrules_check_request(env->rules, env->dto, body, d->r2);
  if (v1 != v2 || !fuzz_results_equal(d->r1, d->r2))
    fuzz_die(target, "%s: validating the same body twice gave different answers (%d/%zu, %d/%zu)",
             what, v1, hschema_result_errors(d->r1), v2, hschema_result_errors(d->r2));
  if ((v1 == 1) != (hschema_result_errors(d->r1) == 0))
    fuzz_die(target, "%s: verdict %d disagrees with %zu errors", what, v1,
             hschema_result_errors(d->r1));
  if (hschema_result_count(d->r1) > hschema_result_errors(d->r1) + hschema_result_warnings(d->r1))
    fuzz_die(target, "%s: %zu violations kept but only %zu errors and %zu warnings counted", what,
             hschema_result_count(d->r1), hschema_result_errors(d->r1),
             hschema_result_warnings(d->r1));
  return v1;
}

int fuzz_dto_check(fuzz_dto *d, const char *target, const uint8_t *data, size_t size) {
  const fuzz_env *env = fuzz_env_get();
  hjson_error err;
  const cJSON *root = hjson_parse(d->doc, (const char *)data, size, NULL, &err);
  d->root = root;
  if (!root) {
    if (!err.msg || !*err.msg)
      fuzz_die(target, "the strict reader rejected the input without a message (code %d)",
               (int)err.code);
    if (err.offset > size)
      fuzz_die(target, "the strict reader's error offset %zu is past the input's %zu bytes",
               err.offset, size);
    return -1;
  }
  fuzz_rfc8259_walk(target, root);

  /* Strict-accepts is a subset of cJSON-accepts. */
  const char *end = NULL;
  cJSON *loose = cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0);
  if (!loose)
    fuzz_die(target, "the strict reader accepted %zu bytes that cJSON rejects at offset %td", size,
             end ? end - (const char *)data : (ptrdiff_t)-1);
  cJSON_Delete(loose);

  int valid = fuzz_dto_validate(d, target, env, root, "input");
  if (valid != 1) return 0;

  /* Print, read again, still valid (and equal when cJSON_Print loses nothing). */
  char *printed = cJSON_PrintUnformatted(root);
  if (!printed) fuzz_die(target, "cJSON_PrintUnformatted failed on a valid body");
  const cJSON *again = hjson_parse(d->again, printed, strlen(printed), NULL, &err);
  if (!again)
    fuzz_die(target, "cJSON's printing of a valid body is not strict JSON: %s at offset %zu (%s)",
             err.msg ? err.msg : "?", err.offset, printed);
  if (fuzz_dto_validate(d, target, env, again, "re-read body") != 1) {
    const hschema_violation *v = hschema_result_at(d->r1, 0);
    fuzz_die(target, "a valid body, printed and read again, is invalid: %s %s (%s)",
             v ? v->instance : "?", v ? v->message : "?", printed);
  }
  if (!fuzz_tree_has_nul(root) && !hjson_equal(root, again))
    fuzz_die(target, "a valid body, printed and read again, differs: %s", printed);
  cJSON_free(printed);
  return 1;
}
