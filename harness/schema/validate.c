/* The validator and its results: a recursive walk over instance and compiled
 * schema together (hschema_compile.c compiles the schemas; hschema_text.c holds the
 * message words both use).
 *
 * Instance locations are kept as a stack of (member name | index) frames and
 * turned into a JSON pointer only when a violation is reported, so a valid
 * document costs no string work.  anyOf/oneOf/not branches run "silently": they
 * stop at the first error and report nothing; the combinator reports one
 * violation.  A step budget (scaled by the instance size) stops a schema whose
 * combinators would make validation exponential, and a nesting cap bounds the
 * C stack.  Results keep their memory between validations: after warm-up a
 * validation calls malloc only when a document breaks a new size record.
 *
 * Numbers: "type": "integer" accepts only a number text without a fraction or
 * an exponent part ("1", "-0"; never "1.0", "1e0", "10E-1"), the OpenAPI 3.0 /
 * JSON Schema draft 4-5 reading (see is_integral); the int32 / int64 formats
 * use the same rule and then check the range exactly from the text. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/hschema.h"
#include "schema/hschema_impl.h"
#include "schema/hschema_text.h"
#include "json/hjson.h"
#include "util/hutil.h"

#define HSCHEMA_STEP_BUDGET 1000000u /* schema evaluations before counting nodes */
#define HSCHEMA_STEPS_PER_NODE 64u   /* ... and then per instance value */
#define HSCHEMA_MAX_NESTING 8192     /* nested schema evaluations (bounds the C stack) */
#define HSCHEMA_STR_MAX 2048         /* bytes kept of one violation string */
#define HSCHEMA_PTR_MAX 1024         /* bytes kept of an instance pointer */

/* ---- results ---- */

#define RBLOCK_SIZE 16384

typedef struct rblock {
  struct rblock *next;
  size_t used;
  char data[RBLOCK_SIZE];
} rblock;

typedef struct {
  const char *key; /* NULL: an array index */
  size_t len;      /* key length, or the index */
} iframe;

typedef struct {
  uint64_t hash;
  size_t index;
  const cJSON *node;
} uentry;

struct hschema_result {
  size_t max;
  hschema_violation *v;
  size_t nv, capv;
  size_t errors, warnings;
  int truncated;
  rblock *first, *cur;
  iframe *frames;
  size_t nframes, capframes;
  uentry *uniq;
  size_t capuniq;
  hpattern_matcher *pm;
};

hschema_result *hschema_result_new(size_t max_violations) {
  hschema_result *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->max = max_violations ? max_violations : HSCHEMA_DEFAULT_MAX_VIOLATIONS;
  r->capv = r->max < 16 ? r->max : 16;
  r->v = malloc(r->capv * sizeof *r->v);
  r->first = r->cur = malloc(sizeof *r->first);
  r->capframes = 64;
  r->frames = malloc(r->capframes * sizeof *r->frames);
  r->pm = hpattern_matcher_new();
  if (!r->v || !r->first || !r->frames || !r->pm)
    goto fail;
  r->first->next = NULL;
  r->first->used = 0;
  return r;
fail:
  hschema_result_free(r);
  return NULL;
}

void hschema_result_free(hschema_result *r) {
  if (!r)
    return;
  for (rblock *b = r->first, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(r->v);
  free(r->frames);
  free(r->uniq);
  hpattern_matcher_free(r->pm);
  free(r);
}

void hschema_result_reset(hschema_result *r) {
  if (!r)
    return;
  r->nv = 0;
  r->errors = r->warnings = 0;
  r->truncated = 0;
  for (rblock *b = r->first; b; b = b->next)
    b->used = 0;
  r->cur = r->first;
}

size_t hschema_result_count(const hschema_result *r) { return r ? r->nv : 0; }
size_t hschema_result_errors(const hschema_result *r) { return r ? r->errors : 0; }
size_t hschema_result_warnings(const hschema_result *r) { return r ? r->warnings : 0; }
int hschema_result_truncated(const hschema_result *r) { return r ? r->truncated : 0; }

const hschema_violation *hschema_result_at(const hschema_result *r, size_t i) {
  return r && i < r->nv ? &r->v[i] : NULL;
}

/* A copy of s (at most HSCHEMA_STR_MAX - 1 bytes, "..." when cut) in the
 * result's blocks; NULL when out of memory. */
static const char *rstr(hschema_result *r, const char *a, const char *b) {
  size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0, n = la + lb;
  int cut = 0;
  if (n > HSCHEMA_STR_MAX - 4) {
    cut = 1;
    n = HSCHEMA_STR_MAX - 4;
  }
  if (r->cur->used + n + 4 > RBLOCK_SIZE) {
    if (!r->cur->next) {
      rblock *nb = malloc(sizeof *nb);
      if (!nb)
        return NULL;
      nb->next = NULL;
      r->cur->next = nb;
    }
    r->cur = r->cur->next;
    r->cur->used = 0;
  }
  char *out = r->cur->data + r->cur->used;
  size_t ca = la < n ? la : n;
  memcpy(out, a, ca);
  if (n > ca)
    memcpy(out + ca, b, n - ca);
  if (cut) {
    /* do not leave half a UTF-8 sequence before the dots */
    while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
      n--;
    if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
      n--;
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
  r->cur->used += n + 1;
  return out;
}

static void record(hschema_result *r, const char *instance, const char *schema_a,
                   const char *schema_b, const char *keyword, const char *message, int warning) {
  if (warning)
    r->warnings++;
  else
    r->errors++;
  if (r->nv >= r->max) {
    r->truncated = 1;
    return;
  }
  if (r->nv == r->capv) {
    size_t ncap = r->capv * 2 < r->max ? r->capv * 2 : r->max;
    hschema_violation *nv = realloc(r->v, ncap * sizeof *nv);
    if (!nv) {
      r->truncated = 1;
      return;
    }
    r->v = nv;
    r->capv = ncap;
  }
  hschema_violation *v = &r->v[r->nv];
  v->instance = rstr(r, instance, NULL);
  v->schema = rstr(r, schema_a, schema_b);
  v->keyword = rstr(r, keyword, NULL);
  v->message = rstr(r, message, NULL);
  v->warning = warning ? 1 : 0;
  if (!v->instance || !v->schema || !v->keyword || !v->message) {
    r->truncated = 1;
    return;
  }
  r->nv++;
}

void hschema_result_add(hschema_result *r, const char *instance, const char *schema,
                        const char *keyword, const char *message, int warning) {
  if (!r)
    return;
  record(r, instance ? instance : "", schema ? schema : "", NULL, keyword ? keyword : "",
         message ? message : "", warning);
}

/* ---- messages ---- */

/* The pattern's source for a message, as written (backslashes kept), control
 * characters escaped so the message stays one line, capped. */
static void pattern_text(char *out, size_t cap, const hpattern *p) {
  size_t len, o = 0, i;
  const char *src = hpattern_source(p, &len);
  for (i = 0; i < len && o + 8 < cap && i < 160; i++) {
    unsigned char b = (unsigned char)src[i];
    if (b < 0x20 || b == 0x7F)
      o += (size_t)snprintf(out + o, cap - o, "\\x%02x", b);
    else
      out[o++] = (char)b;
  }
  if (i < len) {
    while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
      o--;
    if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
      o--;
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
}

static void number_text(char *out, size_t cap, const cJSON *x) {
  const char *t = hjson_number_text(x);
  if (t)
    snprintf(out, cap, "%.40s%s", t, strlen(t) > 40 ? "..." : "");
  else
    snprintf(out, cap, "%.17g", x->valuedouble);
}

static const char *types_text(unsigned types, char *out, size_t cap) {
  static const char *names[] = {"null",   "boolean", "object", "array",
                                "number", "integer", "string"};
  size_t o = 0;
  int first = 1;
  out[0] = '\0';
  /* a natural order: the usual type first, null last */
  static const int order[] = {6, 5, 4, 2, 3, 1, 0};
  for (size_t k = 0; k < 7; k++) {
    int i = order[k];
    if (types & (1u << i)) {
      o += (size_t)snprintf(out + o, cap - o, "%s%s", first ? "" : " or ", names[i]);
      first = 0;
      if (o >= cap)
        break;
    }
  }
  return out;
}

/* ---- validation ---- */

typedef struct {
  hschema_result *r;
  hschema_direction dir;
  int silent;  /* > 0 inside anyOf/oneOf/not branches: stop at the first error */
  int aborted; /* the step budget ran out, or out of memory */
  const char *abort_why;
  size_t steps, budget;
  int counted;
  unsigned nesting;
  const cJSON *root;
} vctx;

static int v_schema(vctx *c, const hschema *s, const cJSON *x);

/* The instance pointer of the current frame.  Control characters in member
 * names are written \u00XX (the reader already writes NUL as \u0000) so that a
 * hostile member name cannot break a report line. */
static void instance_pointer(const vctx *c, char *buf, size_t cap) {
  char raw[HSCHEMA_PTR_MAX];
  size_t len = 0, o = 0;
  raw[0] = '\0';
  for (size_t i = 0; i < c->r->nframes; i++) {
    const iframe *f = &c->r->frames[i];
    if (f->key ? !hjson_pointer_push(raw, sizeof raw, &len, f->key, f->len)
               : !hjson_pointer_push_index(raw, sizeof raw, &len, f->len))
      break;
  }
  size_t i = 0;
  for (; raw[i] && o + 7 < cap; i++) {
    unsigned char b = (unsigned char)raw[i];
    if (b < 0x20 || b == 0x7F)
      o += (size_t)snprintf(buf + o, cap - o, "\\u%04x", b);
    else
      buf[o++] = (char)b;
  }
  if (((unsigned char)raw[i] & 0xC0) == 0x80) {
    /* out of room inside a character: never leave half a UTF-8 sequence */
    while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
      o--;
    if (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
      o--;
  }
  buf[o] = '\0';
}

__attribute__((format(printf, 6, 7), noinline)) static void
emit(vctx *c, const hschema *s, const char *keyword, const char *schema_suffix, int warning,
     const char *fmt, ...) {
  char msg[HSCHEMA_MSG_MAX], ptr[HSCHEMA_PTR_MAX], suffix[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  instance_pointer(c, ptr, sizeof ptr);
  snprintf(suffix, sizeof suffix, "%s%s", schema_suffix ? "/" : "",
           schema_suffix ? schema_suffix : "");
  record(c->r, ptr, s->loc, suffix, keyword, msg, warning);
}

static int push_frame(vctx *c, const char *key, size_t len) {
  hschema_result *r = c->r;
  if (r->nframes == r->capframes) {
    iframe *f = realloc(r->frames, r->capframes * 2 * sizeof *f);
    if (!f) {
      c->aborted = 1;
      c->abort_why = "out of memory";
      return 0;
    }
    r->frames = f;
    r->capframes *= 2;
  }
  r->frames[r->nframes].key = key;
  r->frames[r->nframes].len = len;
  r->nframes++;
  return 1;
}

static void pop_frame(vctx *c) { c->r->nframes--; }

/* emit() with a quoted string between two fixed parts: "property " "\"Name\"" " is ...".
 * Separate and not inlined so that the recursive functions keep small frames. */
__attribute__((noinline)) static void emit_quoted(vctx *c, const hschema *s, const char *keyword,
                                                  int warning, const char *before, const char *str,
                                                  size_t len, const char *after) {
  char q[96];
  hutil_quote(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
  emit(c, s, keyword, keyword, warning, "%s%s%s", before, q, after);
}

static size_t count_nodes(const cJSON *x) {
  size_t n = 1;
  for (const cJSON *e = x->child; e; e = e->next)
    n += count_nodes(e);
  return n;
}

/* "type": "integer" (and the int32/int64 formats): a number written without a
 * fraction or an exponent part.  "1.0", "1e0" and "10E-1" are numbers, not
 * integers: OpenAPI 3.0 uses JSON Schema Wright draft 00 (draft 4/5), where an
 * integer is a JSON number with no fraction or exponent part, and strict
 * clients (.NET System.Text.Json into int, Java/Jackson with
 * ACCEPT_FLOAT_AS_INT off) refuse them.  The reader keeps each number's text;
 * a tree built by cJSON itself has none, and there an integral double counts. */
static int is_integral(const cJSON *x) {
  const char *t = hjson_number_text(x);
  if (t)
    return strpbrk(t, ".eE") == NULL;
  double v = x->valuedouble;
  return isfinite(v) && floor(v) == v;
}

static unsigned type_of(const cJSON *x) {
  switch (x->type & 0xFF) {
  case cJSON_False:
  case cJSON_True: return T_BOOLEAN;
  case cJSON_NULL: return T_NULL;
  case cJSON_Number: return T_NUMBER;
  case cJSON_String: return T_STRING;
  case cJSON_Array: return T_ARRAY;
  case cJSON_Object: return T_OBJECT;
  default: return 0;
  }
}

#define FAIL_OR_CONTINUE()                                                                         \
  do {                                                                                             \
    ok = 0;                                                                                        \
    if (c->silent || c->aborted)                                                                   \
      return 0;                                                                                    \
  } while (0)

__attribute__((noinline)) static int v_object(vctx *c, const hschema *s, const cJSON *x) {
  int ok = 1;
  size_t count = 0;
  uint64_t seen = 0;
  int need_keys = s->n_props || s->addl != ADD_ANY;
  for (const cJSON *m = x->child; m; m = m->next) {
    count++;
    if (!need_keys)
      continue;
    size_t klen;
    const char *k = hjson_key(m, &klen);
    if (!k)
      continue;
    const hprop *p = s->n_props ? hschema_prop_find(s, k, klen) : NULL;
    if (!push_frame(c, k, klen))
      return 0;
    if (p) {
      size_t idx = (size_t)(p - s->props);
      if (idx < 64)
        seen |= (uint64_t)1 << idx;
      if (c->dir == HSCHEMA_DIR_REQUEST && p->schema->ro_src) {
        if (!c->silent)
          emit_quoted(c, p->schema->ro_src, "readOnly", 0, "property ", k, klen,
                      " is read-only and must not appear in a request");
        ok = 0;
      } else if (c->dir == HSCHEMA_DIR_RESPONSE && p->schema->wo_src) {
        if (!c->silent)
          emit_quoted(c, p->schema->wo_src, "writeOnly", 0, "property ", k, klen,
                      " is write-only and must not appear in a response");
        ok = 0;
      }
      if (ok || !c->silent)
        if (!v_schema(c, p->schema, m))
          ok = 0;
    } else if (s->addl == ADD_FALSE) {
      if (!c->silent)
        emit_quoted(c, s, "additionalProperties", 0, "property ", k, klen,
                    " is not allowed (additionalProperties is false)");
      ok = 0;
    } else if (s->addl == ADD_SCHEMA) {
      if (!v_schema(c, s->addl_schema, m))
        ok = 0;
    }
    pop_frame(c);
    if (!ok && (c->silent || c->aborted))
      return 0;
  }
  for (size_t i = 0; i < s->n_req; i++) {
    const hreq *q = &s->req[i];
    int present;
    if (q->prop >= 0 && q->prop < 64 && need_keys)
      present = (seen >> q->prop) & 1;
    else
      present = hjson_get(x, q->name, q->len) != NULL;
    if (present)
      continue;
    if (q->ps && ((c->dir == HSCHEMA_DIR_REQUEST && q->ps->ro_src) ||
                  (c->dir == HSCHEMA_DIR_RESPONSE && q->ps->wo_src)))
      continue; /* required does not apply to a property of the other direction */
    if (!c->silent)
      emit_quoted(c, s, "required", 0, "required property ", q->name, q->len, " is missing");
    FAIL_OR_CONTINUE();
  }
  if (count < s->min_props) {
    if (!c->silent)
      emit(c, s, "minProperties", "minProperties", 0,
           "object has %zu properties, fewer than minProperties %zu", count, s->min_props);
    FAIL_OR_CONTINUE();
  }
  if (count > s->max_props) {
    if (!c->silent)
      emit(c, s, "maxProperties", "maxProperties", 0,
           "object has %zu properties, more than maxProperties %zu", count, s->max_props);
    FAIL_OR_CONTINUE();
  }
  return ok;
}

/* JSON Schema equality with numbers compared exactly from their text (hjson_equal
 * compares doubles, so 9007199254740993 would equal 9007199254740992: int64 ids
 * in an enum or a uniqueItems array must not collapse).  Arrays recurse; objects
 * are compared by hjson_equal (member order does not matter there). */
static int values_equal(const cJSON *a, const cJSON *b) {
  if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) {
    hdec x, y;
    char bx[40], by[40];
    if (hdec_of_node(&x, a, bx, sizeof bx) && hdec_of_node(&y, b, by, sizeof by))
      return hdec_cmp(&x, &y) == 0;
    return a->valuedouble == b->valuedouble;
  }
  if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
      if (!values_equal(x, y))
        return 0;
    return !x && !y;
  }
  return hjson_equal(a, b);
}

static int uentry_cmp(const void *a, const void *b) {
  const uentry *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* uniqueItems: hash, sort, compare neighbours with equal hashes: O(n log n). */
static int find_duplicate(vctx *c, const cJSON *x, size_t count, size_t *a, size_t *b) {
  hschema_result *r = c->r;
  if (count < 2)
    return 0;
  if (count > r->capuniq) {
    uentry *u = realloc(r->uniq, count * sizeof *u);
    if (!u) {
      c->aborted = 1;
      c->abort_why = "out of memory";
      return 0;
    }
    r->uniq = u;
    r->capuniq = count;
  }
  size_t i = 0;
  for (const cJSON *e = x->child; e && i < count; e = e->next, i++) {
    r->uniq[i].hash = hjson_hash(e);
    r->uniq[i].index = i;
    r->uniq[i].node = e;
  }
  qsort(r->uniq, count, sizeof *r->uniq, uentry_cmp);
  int found = 0;
  for (i = 0; i + 1 < count && !found; i++) {
    if (r->uniq[i].hash != r->uniq[i + 1].hash)
      continue;
    /* a run of equal hashes: compare its members pairwise (runs are short
     * unless the values are equal, and then the first pair ends the search) */
    size_t end = i + 1;
    while (end < count && r->uniq[end].hash == r->uniq[i].hash)
      end++;
    for (size_t p = i; p < end && !found; p++)
      for (size_t q = p + 1; q < end && !found; q++) {
        if (values_equal(r->uniq[p].node, r->uniq[q].node)) {
          *a = r->uniq[p].index;
          *b = r->uniq[q].index;
          found = 1;
        }
      }
    i = end - 1;
  }
  return found;
}

__attribute__((noinline)) static int v_array(vctx *c, const hschema *s, const cJSON *x) {
  int ok = 1;
  size_t i = 0;
  for (const cJSON *e = x->child; e; e = e->next, i++) {
    const hschema *sub = NULL;
    int forbidden = 0;
    if (i < s->n_tuple)
      sub = s->tuple[i];
    else if (s->tuple && s->addl_items == ADD_SCHEMA)
      sub = s->addl_items_schema;
    else if (s->tuple && s->addl_items == ADD_FALSE)
      forbidden = 1;
    else if (!s->tuple)
      sub = s->items;
    if (!sub && !forbidden)
      continue;
    if (!push_frame(c, NULL, i))
      return 0;
    if (forbidden) {
      if (!c->silent)
        emit(c, s, "additionalItems", "additionalItems", 0,
             "item %zu is not allowed (only %zu items are described, additionalItems is false)", i,
             s->n_tuple);
      ok = 0;
    } else if (!v_schema(c, sub, e)) {
      ok = 0;
    }
    pop_frame(c);
    if (!ok && (c->silent || c->aborted))
      return 0;
  }
  size_t count = i;
  if (count < s->min_items) {
    if (!c->silent)
      emit(c, s, "minItems", "minItems", 0, "array has %zu items, fewer than minItems %zu", count,
           s->min_items);
    FAIL_OR_CONTINUE();
  }
  if (count > s->max_items) {
    if (!c->silent)
      emit(c, s, "maxItems", "maxItems", 0, "array has %zu items, more than maxItems %zu", count,
           s->max_items);
    FAIL_OR_CONTINUE();
  }
  size_t a, b;
  if ((s->flags & S_UNIQUE) && find_duplicate(c, x, count, &a, &b)) {
    if (!c->silent)
      emit(c, s, "uniqueItems", "uniqueItems", 0,
           "items %zu and %zu are equal (uniqueItems is true)", a, b);
    FAIL_OR_CONTINUE();
  }
  if (c->aborted)
    return 0;
  return ok;
}

__attribute__((noinline)) static int v_string(vctx *c, const hschema *s, const cJSON *x) {
  int ok = 1;
  size_t len;
  const char *str = hjson_string(x, &len);
  if (!str)
    return 1;
  if (s->min_len || s->max_len != SIZE_MAX) {
    size_t cps = 0;
    for (size_t i = 0; i < len; i++)
      cps += ((unsigned char)str[i] & 0xC0) != 0x80;
    if (cps < s->min_len) {
      if (!c->silent)
        emit(c, s, "minLength", "minLength", 0,
             "string is %zu characters long, shorter than minLength %zu", cps, s->min_len);
      FAIL_OR_CONTINUE();
    }
    if (cps > s->max_len) {
      if (!c->silent)
        emit(c, s, "maxLength", "maxLength", 0,
             "string is %zu characters long, longer than maxLength %zu", cps, s->max_len);
      FAIL_OR_CONTINUE();
    }
  }
  if (s->pattern) {
    int m = hpattern_match(c->r->pm, s->pattern, str, len, (x->type & HJSON_NODE) != 0);
    if (m != HPATTERN_MATCH) {
      if (!c->silent) {
        char q[96], pat[300];
        hutil_quote(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
        pattern_text(pat, sizeof pat, s->pattern);
        if (m == HPATTERN_NOMATCH)
          emit(c, s, "pattern", "pattern", 0, "%s does not match pattern %s", q, pat);
        else if (m == HPATTERN_LIMIT)
          emit(c, s, "pattern", "pattern", 0, "pattern match limit exceeded matching %s against %s",
               q, pat);
        else
          emit(c, s, "pattern", "pattern", 0, "%s cannot be matched (not valid UTF-8)", q);
      }
      FAIL_OR_CONTINUE();
    }
  }
  if (s->format == FMT_DATE_TIME || s->format == FMT_DATE) {
    int good =
        s->format == FMT_DATE_TIME ? hschema_is_date_time(str, len) : hschema_is_date(str, len);
    if (!good) {
      if (!c->silent) {
        char q[96];
        hutil_quote(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
        emit(c, s, "format", "format", 0, "%s is not a valid RFC 3339 %s", q,
             s->format == FMT_DATE_TIME ? "date-time" : "full-date (format date)");
      }
      FAIL_OR_CONTINUE();
    }
  }
  return ok;
}

__attribute__((noinline)) static int v_number(vctx *c, const hschema *s, const cJSON *x) {
  int ok = 1;
  hdec d;
  char buf[40], nt[64];
  if (!hdec_of_node(&d, x, buf, sizeof buf)) {
    if (!c->silent)
      emit(c, s, "type", NULL, 0, "number is not finite");
    return 0;
  }
  double xv = x->valuedouble;
  if (s->flags & S_HAS_MIN) {
    int cmp = xv < s->minv ? -1 : xv > s->minv ? 1 : hdec_cmp(&d, &s->min);
    int excl = (s->flags & S_EXCL_MIN) != 0;
    if (cmp < 0 || (excl && cmp == 0)) {
      if (!c->silent) {
        char mt[64];
        number_text(nt, sizeof nt, x);
        snprintf(mt, sizeof mt, "%.40s", s->min_text);
        emit(c, s, "minimum", "minimum", 0, "%s is %s %s", nt,
             excl ? "less than or equal to the exclusive minimum" : "less than minimum", mt);
      }
      FAIL_OR_CONTINUE();
    }
  }
  if (s->flags & S_HAS_MAX) {
    int cmp = xv < s->maxv ? -1 : xv > s->maxv ? 1 : hdec_cmp(&d, &s->max);
    int excl = (s->flags & S_EXCL_MAX) != 0;
    if (cmp > 0 || (excl && cmp == 0)) {
      if (!c->silent) {
        char mt[64];
        number_text(nt, sizeof nt, x);
        snprintf(mt, sizeof mt, "%.40s", s->max_text);
        emit(c, s, "maximum", "maximum", 0, "%s is %s %s", nt,
             excl ? "greater than or equal to the exclusive maximum" : "greater than maximum", mt);
      }
      FAIL_OR_CONTINUE();
    }
  }
  if ((s->flags & S_HAS_MULT) && !hdec_is_multiple(&d, xv, &s->mult, s->multv)) {
    if (!c->silent) {
      char mt[64];
      number_text(nt, sizeof nt, x);
      snprintf(mt, sizeof mt, "%.40s", s->mult_text);
      emit(c, s, "multipleOf", "multipleOf", 0, "%s is not a multiple of %s", nt, mt);
    }
    FAIL_OR_CONTINUE();
  }
  if (s->format == FMT_INT32 || s->format == FMT_INT64) {
    int bits = s->format == FMT_INT32 ? 32 : 64;
    int integer = hdec_is_integer(&d) && is_integral(x);
    /* a non-integer under "type": "integer" is that keyword's violation
     * (one report); the format's own integer rule speaks when no type does */
    if (!integer && (s->types & T_INTEGER) && !(s->types & T_NUMBER)) {
      /* already refused by "type" */
    } else if (!integer || !hdec_fits_int(&d, bits)) {
      if (!c->silent) {
        number_text(nt, sizeof nt, x);
        if (!integer)
          emit(c, s, "format", "format", 0, "%s is not an integer (format int%d)", nt, bits);
        else
          emit(c, s, "format", "format", 0, "%s is outside the int%d range", nt, bits);
      }
      FAIL_OR_CONTINUE();
    }
  }
  return ok;
}

__attribute__((noinline)) static int v_enum(vctx *c, const hschema *s, const cJSON *x) {
  unsigned t = type_of(x);
  if (s->etab) {
    /* equal values have equal hashes (numbers hash by their double, which
     * exactly equal numbers share) */
    uint64_t h = hjson_hash(x);
    for (size_t k = (size_t)h & s->emask; s->etab[k]; k = (k + 1) & s->emask) {
      size_t i = s->etab[k] - 1;
      if (s->ehash[i] == h && type_of(s->enums[i]) == t && values_equal(x, s->enums[i]))
        return 1;
    }
  }
  for (size_t i = 0; !s->etab && i < s->n_enum; i++) {
    const cJSON *e = s->enums[i];
    if (type_of(e) != t)
      continue;
    if (t == T_STRING) { /* the common case, without a call */
      size_t la, lb;
      const char *a = hjson_string(x, &la), *b = hjson_string(e, &lb);
      if (la == lb && !memcmp(a, b, la))
        return 1;
    } else if (values_equal(x, e)) {
      return 1;
    }
  }
  if (!c->silent) {
    char q[96];
    if (t == T_STRING) {
      size_t len;
      const char *str = hjson_string(x, &len);
      hutil_quote(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
    } else if (t == T_NUMBER) {
      number_text(q, sizeof q, x);
    } else {
      snprintf(q, sizeof q, "%s",
               cJSON_IsNull(x)    ? "null"
               : cJSON_IsTrue(x)  ? "true"
               : cJSON_IsFalse(x) ? "false"
               : t == T_ARRAY     ? "the array"
                                  : "the object");
    }
    emit(c, s, "enum", "enum", 0, "%s is not one of the allowed values (%s)", q, s->enum_desc);
  }
  return 0;
}

__attribute__((noinline)) static void emit_type(vctx *c, const hschema *s, const cJSON *x,
                                                unsigned t) {
  char want[80];
  types_text(s->types, want, sizeof want);
  if (t == T_NUMBER && (s->types & T_INTEGER)) {
    char nt[64];
    number_text(nt, sizeof nt, x);
    emit(c, s, "type", "type", 0, "expected %s, got number %s", want, nt);
  } else {
    emit(c, s, "type", "type", 0, "expected %s, got %s", want,
         t ? hschema_json_type(x) : "an unknown value");
  }
}

static int v_silent(vctx *c, const hschema *s, const cJSON *x) {
  size_t frames = c->r->nframes;
  c->silent++;
  int ok = v_schema(c, s, x);
  c->silent--;
  c->r->nframes = frames;
  return ok;
}

static int v_schema_body(vctx *c, const hschema *s, const cJSON *x);

static int v_schema(vctx *c, const hschema *s, const cJSON *x) {
  if (c->aborted)
    return 0;
  if (c->nesting >= HSCHEMA_MAX_NESTING) {
    c->aborted = 1;
    c->abort_why = "nesting";
    return 0;
  }
  c->nesting++;
  int ok = v_schema_body(c, s, x);
  c->nesting--;
  return ok;
}

static int v_schema_body(vctx *c, const hschema *s, const cJSON *x) {
  if (++c->steps > c->budget) {
    if (!c->counted) {
      c->counted = 1;
      size_t n = count_nodes(c->root);
      size_t extra = n > (SIZE_MAX - HSCHEMA_STEP_BUDGET) / HSCHEMA_STEPS_PER_NODE
                         ? SIZE_MAX - HSCHEMA_STEP_BUDGET
                         : n * HSCHEMA_STEPS_PER_NODE;
      c->budget = HSCHEMA_STEP_BUDGET + extra;
    }
    if (c->steps > c->budget) {
      c->aborted = 1;
      c->abort_why = "budget";
      return 0;
    }
  }
  unsigned t = type_of(x);
  if ((s->flags & S_NULLABLE) && t == T_NULL)
    return 1;
  if (s->ref)
    return v_schema(c, s->ref, x);
  int ok = 1;
  if (s->flags & S_FALSE) {
    if (!c->silent)
      emit(c, s, "false", NULL, 0, "no value is allowed here (the schema is false)");
    return 0;
  }
  if ((s->flags & S_DEPRECATED) && !c->silent) {
    const iframe *f = c->r->nframes ? &c->r->frames[c->r->nframes - 1] : NULL;
    if (f && f->key)
      emit_quoted(c, s, "deprecated", 1, "property ", f->key, f->len, " is deprecated");
    else
      emit(c, s, "deprecated", "deprecated", 1, "the value uses a deprecated schema");
  }
  if (s->types) {
    int match = (s->types & t) != 0;
    if (!match && t == T_NUMBER && (s->types & T_INTEGER) && is_integral(x))
      match = 1;
    if (!match) {
      if (!c->silent)
        emit_type(c, s, x, t);
      FAIL_OR_CONTINUE();
    }
  }
  switch (t) {
  case T_OBJECT:
    if ((s->flags & S_HAS_OBJ) && !v_object(c, s, x))
      FAIL_OR_CONTINUE();
    break;
  case T_ARRAY:
    if ((s->flags & S_HAS_ARR) && !v_array(c, s, x))
      FAIL_OR_CONTINUE();
    break;
  case T_STRING:
    if ((s->flags & S_HAS_STR) && !v_string(c, s, x))
      FAIL_OR_CONTINUE();
    break;
  case T_NUMBER:
    if ((s->flags & S_HAS_NUM) && !v_number(c, s, x))
      FAIL_OR_CONTINUE();
    break;
  default: break;
  }
  if ((s->flags & S_HAS_ENUM) && !v_enum(c, s, x))
    FAIL_OR_CONTINUE();
  for (size_t i = 0; i < s->n_all; i++)
    if (!v_schema(c, s->all[i], x))
      FAIL_OR_CONTINUE();
  if (s->n_any) {
    size_t matched = 0;
    for (size_t i = 0; i < s->n_any && !matched; i++)
      matched += (size_t)v_silent(c, s->any[i], x);
    if (c->aborted)
      return 0;
    if (!matched) {
      if (!c->silent)
        emit(c, s, "anyOf", "anyOf", 0, "the value matches none of the %zu anyOf alternatives",
             s->n_any);
      FAIL_OR_CONTINUE();
    }
  }
  if (s->n_one) {
    size_t matched = 0, first = 0, second = 0;
    for (size_t i = 0; i < s->n_one && matched < 2; i++)
      if (v_silent(c, s->one[i], x)) {
        if (matched == 0)
          first = i;
        else
          second = i;
        matched++;
      }
    if (c->aborted)
      return 0;
    if (matched != 1) {
      if (!c->silent) {
        if (matched == 0)
          emit(c, s, "oneOf", "oneOf", 0, "the value matches none of the %zu oneOf alternatives",
               s->n_one);
        else
          emit(c, s, "oneOf", "oneOf", 0,
               "the value matches more than one of the %zu oneOf alternatives (%zu and %zu); "
               "exactly one must match",
               s->n_one, first, second);
      }
      FAIL_OR_CONTINUE();
    }
  }
  if (s->not_) {
    int m = v_silent(c, s->not_, x);
    if (c->aborted)
      return 0;
    if (m) {
      if (!c->silent)
        emit(c, s, "not", "not", 0, "the value must not match the schema under \"not\"");
      FAIL_OR_CONTINUE();
    }
  }
  return ok;
}

int hschema_validate(const hschema *schema, const cJSON *instance, hschema_direction dir,
                     hschema_result *r) {
  if (!r)
    return 0;
  size_t errors = r->errors;
  if (!schema || !instance) {
    record(r, "", schema ? schema->loc : "", NULL, "", "no schema or no instance to validate", 0);
    return 0;
  }
  vctx c = {0};
  c.r = r;
  c.dir = dir;
  c.budget = HSCHEMA_STEP_BUDGET;
  c.root = instance;
  r->nframes = 0;
  hpattern_matcher_forget(r->pm); /* a new tree may reuse the old one's addresses */
  v_schema(&c, schema, instance);
  if (c.aborted) {
    r->nframes = 0;
    if (c.abort_why && !strcmp(c.abort_why, "budget"))
      record(r, "", schema->loc, NULL, "limit",
             "validation stopped: the schema's combinators need too many evaluations for this "
             "instance",
             0);
    else if (c.abort_why && !strcmp(c.abort_why, "nesting"))
      record(r, "", schema->loc, NULL, "limit",
             "validation stopped: the instance nests deeper than the validator follows", 0);
    else
      record(r, "", schema->loc, NULL, "limit", "validation stopped: out of memory", 0);
  }
  r->nframes = 0;
  return r->errors == errors;
}
