/* hschema: the schema compiler (the validator is validate.c, the message words
 * both use are in hschema_text.c).
 *
 * Compilation turns each Schema Object of the document into one struct hschema
 * (the same JSON node always gives the same hschema, so $ref cycles through
 * properties/items become pointer cycles).  Compilation is iterative (a
 * worklist), so a deeply nested or long-chained schema document cannot blow
 * the stack; afterwards a depth-first pass over the "in place" edges ($ref,
 * allOf, anyOf, oneOf, not: the edges that do not descend into the instance)
 * rejects cycles and chains deeper than HSCHEMA_MAX_INPLACE, which bounds the
 * validator's recursion by the instance depth times that constant.  A compile
 * that fails is rolled back (arena mark, pattern cache, node map), so the set
 * stays usable.  The set itself (its arena, the node map) is hschema_set.c. */
#include "schema/hschema.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/hschema_impl.h"
#include "schema/hschema_text.h"
#include "util/hutil.h"
#include "json/hjson.h"

#define HSCHEMA_MAX_INPLACE 64    /* longest $ref/allOf/anyOf/oneOf/not chain */
#define HSCHEMA_ENUM_DESC_MAX 200 /* bytes of the allowed values listed in a message */
#define HSCHEMA_ENUM_LINEAR 8     /* larger enums get a hash table */

/* the set's memory: its arena, rolled back when a compile fails */
static void *arena_alloc(hschema_set *set, size_t size) {
  return hutil_arena_alloc(&set->arena, size);
}

static void *arena_calloc(hschema_set *set, size_t n, size_t size) {
  return hutil_arena_calloc(&set->arena, n, size);
}

/* ---- compile errors ---- */

typedef struct {
  hschema_set *set;
  herr *err;
} cctx;

__attribute__((format(printf, 4, 5))) static int cfail(cctx *c, const hschema *s,
                                                       const char *keyword, const char *fmt, ...) {
  char msg[HSCHEMA_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* "<location>[/<keyword>]: <message>", cut to the buffer */
  const char *parts[5] = {s ? s->loc : "#", keyword ? "/" : "", keyword ? keyword : "", ": ", msg};
  size_t o = 0, cap = sizeof c->err->msg;
  for (size_t i = 0; i < 5; i++) {
    size_t n = strlen(parts[i]);
    if (n > cap - 1 - o)
      n = cap - 1 - o;
    memcpy(c->err->msg + o, parts[i], n);
    o += n;
  }
  c->err->msg[o] = '\0';
  return 0;
}

static int nomem(cctx *c) {
  snprintf(c->err->msg, sizeof c->err->msg, "out of memory compiling schemas");
  return 0;
}

/* ---- locations ---- */

/* parent + "/" + token [+ "/" + token2], each escaped as a readable fragment
 * (hjson_pointer_escape: ~0 ~1, and %XX for the bytes that would break a line,
 * a quoted string or the read-back) */
static char *loc_child(hschema_set *set, const char *parent, const char *tok, size_t tlen,
                       const char *tok2, size_t t2len) {
  size_t plen = strlen(parent), n = plen + 2 + (tlen + t2len) * 3 + 1;
  char *out = arena_alloc(set, n);
  if (!out)
    return NULL;
  memcpy(out, parent, plen);
  size_t o = plen;
  for (int k = 0; k < 2; k++) {
    const char *t = k ? tok2 : tok;
    size_t len = k ? t2len : tlen;
    if (!t)
      break;
    out[o++] = '/';
    o += hjson_pointer_escape(t, len, HJSON_ESC_READABLE, out + o);
  }
  out[o] = '\0';
  return out;
}

static char *loc_index(hschema_set *set, const char *parent, const char *kw, size_t i) {
  char num[24];
  int n = snprintf(num, sizeof num, "%zu", i);
  return loc_child(set, parent, kw, strlen(kw), num, (size_t)n);
}

/* prefix + "#" + fragment (already a URI fragment: only controls are encoded) */
static char *loc_from_fragment(hschema_set *set, const char *frag, size_t len) {
  size_t plen = strlen(set->name);
  char *out = arena_alloc(set, plen + 1 + len * 3 + 1);
  if (!out)
    return NULL;
  memcpy(out, set->name, plen);
  size_t o = plen;
  out[o++] = '#';
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)frag[i];
    if (b > 0x20 && b != 0x7F && b != '"' && b != '\\')
      out[o++] = (char)b;
    else
      o += (size_t)snprintf(out + o, 4, "%%%02X", b);
  }
  out[o] = '\0';
  return out;
}

/* Resolves a URI fragment (after '#') in root (hjson_fragment_pointer, then
 * RFC 6901). */
static const cJSON *resolve_fragment(const cJSON *root, const char *frag, size_t len,
                                     const char **why) {
  hbuf ptr = {0};
  const cJSON *n = hjson_fragment_pointer(frag, len, &ptr, why)
                       ? hjson_pointer_get(root, ptr.p, ptr.n, why)
                       : NULL;
  if (!n && !*why)
    *why = "no such location";
  hbuf_free(&ptr);
  return n;
}

/* ---- compiling ---- */

static hschema *get_schema(cctx *c, const cJSON *node, const char *loc) {
  hschema_set *set = c->set;
  hschema *s = hschema_set_find(set, node);
  if (s)
    return s;
  if (!cJSON_IsObject(node) && !cJSON_IsBool(node)) {
    snprintf(c->err->msg, sizeof c->err->msg,
             "%s: a schema must be a JSON object (or a boolean), got %s", loc,
             hschema_json_type(node));
    return NULL;
  }
  s = arena_calloc(set, 1, sizeof *s);
  if (!s)
    goto oom;
  s->node = node;
  s->loc = loc;
  if (set->n == set->cap) {
    size_t ncap = set->cap ? set->cap * 2 : 32;
    hschema **l = realloc(set->list, ncap * sizeof *l);
    if (!l)
      goto oom;
    set->list = l;
    set->cap = ncap;
  }
  set->list[set->n++] = s;
  if (!hschema_set_map_add(set)) {
    set->n--;
    goto oom;
  }
  return s;
oom:
  nomem(c);
  return NULL;
}

static const hschema *sub_schema(cctx *c, const cJSON *node, const char *loc) {
  if (!loc) {
    nomem(c);
    return NULL;
  }
  return get_schema(c, node, loc);
}

static int kw_is(const char *k, size_t klen, const char *lit) {
  size_t n = strlen(lit);
  return klen == n && !memcmp(k, lit, n);
}

static int want_bool(cctx *c, hschema *s, const char *kw, const cJSON *v, int *out) {
  if (!cJSON_IsBool(v))
    return cfail(c, s, kw, "\"%s\" must be a boolean, got %s", kw, hschema_json_type(v));
  *out = cJSON_IsTrue(v);
  return 1;
}

static int want_count(cctx *c, hschema *s, const char *kw, const cJSON *v, size_t *out) {
  hdec d;
  char buf[40];
  if (!hdec_of_node(&d, v, buf, sizeof buf) || !hdec_is_integer(&d) || d.neg)
    return cfail(c, s, kw, "\"%s\" must be a non-negative integer, got %s", kw,
                 cJSON_IsNumber(v) ? "a negative or fractional number" : hschema_json_type(v));
  double x = v->valuedouble;
  *out = x >= (double)SIZE_MAX ? SIZE_MAX : (size_t)x;
  return 1;
}

static int want_number(cctx *c, hschema *s, const char *kw, const cJSON *v, hdec *d, double *dv,
                       const char **text_out) {
  char buf[40];
  if (!cJSON_IsNumber(v))
    return cfail(c, s, kw, "\"%s\" must be a number, got %s", kw, hschema_json_type(v));
  const char *text = hjson_number_text(v);
  if (!text) {
    /* a cJSON-made tree: keep the printed double in the set's memory */
    if (!hdec_of_node(d, v, buf, sizeof buf))
      return cfail(c, s, kw, "\"%s\" must be a finite number", kw);
    char *copy = arena_alloc(c->set, strlen(buf) + 1);
    if (!copy)
      return nomem(c);
    strcpy(copy, buf);
    hdec_parse(d, copy, strlen(copy));
    text = copy;
  } else if (!hdec_parse(d, text, strlen(text))) {
    return cfail(c, s, kw, "\"%s\" is not a valid number", kw);
  }
  *dv = v->valuedouble;
  *text_out = text;
  return 1;
}

static int schema_array(cctx *c, hschema *s, const char *kw, const cJSON *v, const hschema ***out,
                        size_t *n) {
  if (!cJSON_IsArray(v) || !v->child)
    return cfail(c, s, kw, "\"%s\" must be a non-empty array of schemas, got %s", kw,
                 cJSON_IsArray(v) ? "an empty array" : hschema_json_type(v));
  size_t count = 0;
  for (const cJSON *e = v->child; e; e = e->next)
    count++;
  const hschema **arr = arena_calloc(c->set, count, sizeof *arr);
  if (!arr)
    return nomem(c);
  size_t i = 0;
  for (const cJSON *e = v->child; e; e = e->next, i++) {
    arr[i] = sub_schema(c, e, loc_index(c->set, s->loc, kw, i));
    if (!arr[i])
      return 0;
  }
  *out = arr;
  *n = count;
  return 1;
}

static int compile_properties(cctx *c, hschema *s, const cJSON *v) {
  if (!cJSON_IsObject(v))
    return cfail(c, s, "properties", "\"properties\" must be an object, got %s",
                 hschema_json_type(v));
  size_t count = 0;
  for (const cJSON *m = v->child; m; m = m->next)
    count++;
  if (count > UINT32_MAX / 4)
    return cfail(c, s, "properties", "too many properties");
  s->props = arena_calloc(c->set, count ? count : 1, sizeof *s->props);
  size_t tcap = 4;
  while (tcap < count * 2)
    tcap *= 2;
  s->ptab = arena_calloc(c->set, tcap, sizeof *s->ptab);
  if (!s->props || !s->ptab)
    return nomem(c);
  s->pmask = tcap - 1;
  s->n_props = 0;
  for (const cJSON *m = v->child; m; m = m->next) {
    size_t klen;
    const char *k = hjson_key(m, &klen);
    if (!k)
      return cfail(c, s, "properties", "a property without a name");
    if (hschema_prop_find(s, k, klen))
      continue; /* duplicate names (allowed only by a lenient reader): the first wins */
    hprop *p = &s->props[s->n_props];
    p->name = k;
    p->len = klen;
    p->schema = sub_schema(c, m, loc_child(c->set, s->loc, "properties", 10, k, klen));
    if (!p->schema)
      return 0;
    size_t i = hschema_prop_hash(k, klen) & s->pmask;
    while (s->ptab[i])
      i = (i + 1) & s->pmask;
    s->ptab[i] = (uint32_t)(++s->n_props);
  }
  return 1;
}

static int compile_required(cctx *c, hschema *s, const cJSON *v) {
  if (!cJSON_IsArray(v))
    return cfail(c, s, "required", "\"required\" must be an array of strings, got %s",
                 hschema_json_type(v));
  size_t count = 0;
  for (const cJSON *e = v->child; e; e = e->next) {
    if (!cJSON_IsString(e))
      return cfail(c, s, "required", "\"required\" must be an array of strings, item %zu is %s",
                   count, hschema_json_type(e));
    count++;
  }
  s->req = arena_calloc(c->set, count ? count : 1, sizeof *s->req);
  if (!s->req)
    return nomem(c);
  s->n_req = count;
  size_t i = 0;
  for (const cJSON *e = v->child; e; e = e->next, i++)
    s->req[i].name = hjson_string(e, &s->req[i].len);
  return 1;
}

static int compile_enum(cctx *c, hschema *s, const cJSON *v) {
  if (!cJSON_IsArray(v) || !v->child)
    return cfail(c, s, "enum", "\"enum\" must be a non-empty array, got %s",
                 cJSON_IsArray(v) ? "an empty array" : hschema_json_type(v));
  size_t count = 0;
  for (const cJSON *e = v->child; e; e = e->next)
    count++;
  s->enums = arena_calloc(c->set, count, sizeof *s->enums);
  char *desc = arena_alloc(c->set, HSCHEMA_ENUM_DESC_MAX + 8);
  if (!s->enums || !desc)
    return nomem(c);
  size_t i = 0, o = 0;
  for (const cJSON *e = v->child; e; e = e->next, i++) {
    s->enums[i] = e;
    if (o >= HSCHEMA_ENUM_DESC_MAX)
      continue;
    char item[128];
    size_t n = 0;
    if (cJSON_IsString(e)) {
      size_t len;
      const char *str = hjson_string(e, &len);
      n = hutil_quote(item, sizeof item, str, len, 40);
    } else if (cJSON_IsNumber(e)) {
      const char *t = hjson_number_text(e);
      n = (size_t)snprintf(item, sizeof item, "%.40s", t ? t : "");
      if (!t)
        n = (size_t)snprintf(item, sizeof item, "%.17g", e->valuedouble);
    } else {
      n = (size_t)snprintf(item, sizeof item, "%s",
                           cJSON_IsNull(e)    ? "null"
                           : cJSON_IsTrue(e)  ? "true"
                           : cJSON_IsFalse(e) ? "false"
                                              : hschema_json_type(e));
    }
    if (n >= sizeof item)
      n = sizeof item - 1;
    if (o + n + 2 > HSCHEMA_ENUM_DESC_MAX) {
      /* desc has room for 8 bytes past the limit; the text ends right after the
       * dots (the bytes beyond are uninitialised arena memory) */
      memcpy(desc + o, i ? ", ..." : "...", i ? 5 : 3);
      o += i ? 5 : 3;
      desc[o] = '\0';
      o = HSCHEMA_ENUM_DESC_MAX; /* stop listing */
      continue;
    }
    if (i) {
      memcpy(desc + o, ", ", 2);
      o += 2;
    }
    memcpy(desc + o, item, n);
    o += n;
    desc[o] = '\0';
  }
  if (o < HSCHEMA_ENUM_DESC_MAX)
    desc[o] = '\0';
  s->enum_desc = desc;
  s->n_enum = count;
  if (count > HSCHEMA_ENUM_LINEAR) {
    /* a large enum is looked up through a hash table: validating many values
     * against a giant enum stays linear in the instance */
    size_t tcap = 16;
    while (tcap < count * 2)
      tcap *= 2;
    s->ehash = arena_calloc(c->set, count, sizeof *s->ehash);
    s->etab = arena_calloc(c->set, tcap, sizeof *s->etab);
    if (!s->ehash || !s->etab)
      return nomem(c);
    s->emask = tcap - 1;
    for (i = 0; i < count; i++) {
      s->ehash[i] = hjson_hash(s->enums[i]);
      size_t k = (size_t)s->ehash[i] & s->emask;
      while (s->etab[k])
        k = (k + 1) & s->emask;
      s->etab[k] = i + 1;
    }
  }
  s->flags |= S_HAS_ENUM;
  return 1;
}

static int type_bit(const char *t, size_t len) {
  static const struct {
    const char *name;
    int bit;
  } names[] = {{"null", T_NULL},    {"boolean", T_BOOLEAN}, {"object", T_OBJECT},
               {"array", T_ARRAY},  {"number", T_NUMBER},   {"integer", T_INTEGER},
               {"string", T_STRING}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (kw_is(t, len, names[i].name))
      return names[i].bit;
  return 0;
}

static int compile_type(cctx *c, hschema *s, const cJSON *v) {
  if (cJSON_IsString(v)) {
    size_t len;
    const char *t = hjson_string(v, &len);
    int bit = type_bit(t, len);
    if (!bit) {
      char q[96];
      hutil_quote(q, sizeof q, t, len, 40);
      return cfail(c, s, "type", "unknown type %s", q);
    }
    s->types = (unsigned)bit;
    return 1;
  }
  if (!cJSON_IsArray(v) || !v->child)
    return cfail(c, s, "type", "\"type\" must be a type name or a non-empty array of them, got %s",
                 cJSON_IsArray(v) ? "an empty array" : hschema_json_type(v));
  for (const cJSON *e = v->child; e; e = e->next) {
    size_t len;
    const char *t = hjson_string(e, &len);
    int bit = t ? type_bit(t, len) : 0;
    if (!bit) {
      char q[96];
      if (t)
        hutil_quote(q, sizeof q, t, len, 40);
      else
        snprintf(q, sizeof q, "(a %s)", hschema_json_type(e));
      return cfail(c, s, "type", "unknown type %s", q);
    }
    s->types |= (unsigned)bit;
  }
  return 1;
}

static int compile_ref(cctx *c, hschema *s, const cJSON *v) {
  size_t len;
  const char *ref = hjson_string(v, &len);
  if (!ref)
    return cfail(c, s, "$ref", "\"$ref\" must be a string, got %s", hschema_json_type(v));
  char q[96];
  hutil_quote(q, sizeof q, ref, len, 80);
  if (len == 0 || ref[0] != '#')
    return cfail(c, s, "$ref",
                 "$ref %s is not a local reference (\"#/...\"); remote references "
                 "are not supported",
                 q);
  const char *why = NULL;
  const cJSON *target = resolve_fragment(c->set->root, ref + 1, len - 1, &why);
  if (!target)
    return cfail(c, s, "$ref", "$ref %s has no target: %s", q, why);
  hschema *t = hschema_set_find(c->set, target);
  if (!t) {
    const char *loc = loc_from_fragment(c->set, ref + 1, len - 1);
    if (!loc)
      return nomem(c);
    if (!cJSON_IsObject(target) && !cJSON_IsBool(target))
      return cfail(c, s, "$ref", "$ref %s points to a %s, not a schema", q,
                   hschema_json_type(target));
    t = get_schema(c, target, loc);
    if (!t)
      return 0;
  }
  s->ref = t;
  return 1;
}

static int compile_format(hschema *s, const cJSON *v, cctx *c) {
  size_t len;
  const char *f = hjson_string(v, &len);
  if (!f)
    return cfail(c, s, "format", "\"format\" must be a string, got %s", hschema_json_type(v));
  if (kw_is(f, len, "date-time"))
    s->format = FMT_DATE_TIME;
  else if (kw_is(f, len, "date"))
    s->format = FMT_DATE;
  else if (kw_is(f, len, "int32"))
    s->format = FMT_INT32;
  else if (kw_is(f, len, "int64"))
    s->format = FMT_INT64;
  return 1; /* other formats are accepted as annotations */
}

static int compile_items(cctx *c, hschema *s, const cJSON *v) {
  if (cJSON_IsArray(v)) { /* draft-04 tuple form */
    size_t count = 0;
    for (const cJSON *e = v->child; e; e = e->next)
      count++;
    s->tuple = arena_calloc(c->set, count ? count : 1, sizeof *s->tuple);
    if (!s->tuple)
      return nomem(c);
    size_t i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
      s->tuple[i] = sub_schema(c, e, loc_index(c->set, s->loc, "items", i));
      if (!s->tuple[i])
        return 0;
    }
    s->n_tuple = count;
    s->flags |= S_HAS_ARR;
    return 1;
  }
  if (!cJSON_IsObject(v) && !cJSON_IsBool(v))
    return cfail(c, s, "items", "\"items\" must be a schema or an array of schemas, got %s",
                 hschema_json_type(v));
  s->items = sub_schema(c, v, loc_child(c->set, s->loc, "items", 5, NULL, 0));
  s->flags |= S_HAS_ARR;
  return s->items != NULL;
}

/* false / true / {} / schema, for additionalProperties and additionalItems */
static int compile_additional(cctx *c, hschema *s, const char *kw, const cJSON *v, int *mode,
                              const hschema **sub) {
  if (cJSON_IsBool(v)) {
    *mode = cJSON_IsTrue(v) ? ADD_ANY : ADD_FALSE;
    return 1;
  }
  if (!cJSON_IsObject(v))
    return cfail(c, s, kw, "\"%s\" must be a boolean or a schema, got %s", kw,
                 hschema_json_type(v));
  if (!v->child) {
    *mode = ADD_ANY; /* {} allows anything */
    return 1;
  }
  *sub = sub_schema(c, v, loc_child(c->set, s->loc, kw, strlen(kw), NULL, 0));
  *mode = ADD_SCHEMA;
  return *sub != NULL;
}

static int compile_one(cctx *c, hschema *s) {
  const cJSON *node = s->node;
  int b;
  s->max_props = s->max_len = s->max_items = SIZE_MAX;
  if (cJSON_IsBool(node)) {
    if (cJSON_IsFalse(node))
      s->flags |= S_FALSE;
    return 1;
  }
  /* $ref: the reference only (OpenAPI 3.0 ignores its siblings), but a sibling
   * "nullable": true still admits null */
  const cJSON *ref = NULL;
  for (const cJSON *m = node->child; m; m = m->next) {
    size_t klen;
    const char *k = hjson_key(m, &klen);
    if (k && kw_is(k, klen, "$ref"))
      ref = m;
  }
  for (const cJSON *m = node->child; m; m = m->next) {
    size_t klen;
    const char *k = hjson_key(m, &klen);
    if (!k)
      continue;
    if (kw_is(k, klen, "nullable")) {
      if (!want_bool(c, s, "nullable", m, &b))
        return 0;
      if (b)
        s->flags |= S_NULLABLE;
    }
    if (ref)
      continue;
    if (kw_is(k, klen, "type")) {
      if (!compile_type(c, s, m))
        return 0;
    } else if (kw_is(k, klen, "properties")) {
      if (!compile_properties(c, s, m))
        return 0;
      s->flags |= S_HAS_OBJ;
    } else if (kw_is(k, klen, "additionalProperties")) {
      if (!compile_additional(c, s, "additionalProperties", m, &s->addl, &s->addl_schema))
        return 0;
      s->flags |= S_HAS_OBJ;
    } else if (kw_is(k, klen, "required")) {
      if (!compile_required(c, s, m))
        return 0;
      s->flags |= S_HAS_OBJ;
    } else if (kw_is(k, klen, "minProperties")) {
      if (!want_count(c, s, "minProperties", m, &s->min_props))
        return 0;
      s->flags |= S_HAS_OBJ;
    } else if (kw_is(k, klen, "maxProperties")) {
      if (!want_count(c, s, "maxProperties", m, &s->max_props))
        return 0;
      s->flags |= S_HAS_OBJ;
    } else if (kw_is(k, klen, "allOf")) {
      if (!schema_array(c, s, "allOf", m, &s->all, &s->n_all))
        return 0;
    } else if (kw_is(k, klen, "anyOf")) {
      if (!schema_array(c, s, "anyOf", m, &s->any, &s->n_any))
        return 0;
    } else if (kw_is(k, klen, "oneOf")) {
      if (!schema_array(c, s, "oneOf", m, &s->one, &s->n_one))
        return 0;
    } else if (kw_is(k, klen, "not")) {
      s->not_ = sub_schema(c, m, loc_child(c->set, s->loc, "not", 3, NULL, 0));
      if (!s->not_)
        return 0;
    } else if (kw_is(k, klen, "enum")) {
      if (!compile_enum(c, s, m))
        return 0;
    } else if (kw_is(k, klen, "pattern")) {
      size_t plen;
      const char *p = hjson_string(m, &plen);
      char perr[300];
      if (!p)
        return cfail(c, s, "pattern", "\"pattern\" must be a string, got %s", hschema_json_type(m));
      s->pattern = hpattern_get(c->set->patterns, p, plen, perr, sizeof perr);
      if (!s->pattern)
        return cfail(c, s, "pattern", "invalid pattern: %s", perr);
      s->flags |= S_HAS_STR;
    } else if (kw_is(k, klen, "format")) {
      if (!compile_format(s, m, c))
        return 0;
    } else if (kw_is(k, klen, "minLength")) {
      if (!want_count(c, s, "minLength", m, &s->min_len))
        return 0;
      s->flags |= S_HAS_STR;
    } else if (kw_is(k, klen, "maxLength")) {
      if (!want_count(c, s, "maxLength", m, &s->max_len))
        return 0;
      s->flags |= S_HAS_STR;
    } else if (kw_is(k, klen, "items")) {
      if (!compile_items(c, s, m))
        return 0;
    } else if (kw_is(k, klen, "additionalItems")) {
      if (!compile_additional(c, s, "additionalItems", m, &s->addl_items, &s->addl_items_schema))
        return 0;
    } else if (kw_is(k, klen, "minItems")) {
      if (!want_count(c, s, "minItems", m, &s->min_items))
        return 0;
      s->flags |= S_HAS_ARR;
    } else if (kw_is(k, klen, "maxItems")) {
      if (!want_count(c, s, "maxItems", m, &s->max_items))
        return 0;
      s->flags |= S_HAS_ARR;
    } else if (kw_is(k, klen, "uniqueItems")) {
      if (!want_bool(c, s, "uniqueItems", m, &b))
        return 0;
      if (b)
        s->flags |= S_UNIQUE | S_HAS_ARR;
    } else if (kw_is(k, klen, "minimum")) {
      if (!want_number(c, s, "minimum", m, &s->min, &s->minv, &s->min_text))
        return 0;
      s->flags |= S_HAS_MIN | S_HAS_NUM;
    } else if (kw_is(k, klen, "maximum")) {
      if (!want_number(c, s, "maximum", m, &s->max, &s->maxv, &s->max_text))
        return 0;
      s->flags |= S_HAS_MAX | S_HAS_NUM;
    } else if (kw_is(k, klen, "exclusiveMinimum")) {
      if (cJSON_IsNumber(m))
        return cfail(c, s, "exclusiveMinimum",
                     "\"exclusiveMinimum\" must be a boolean (OpenAPI 3.0 / draft-04), got number");
      if (!want_bool(c, s, "exclusiveMinimum", m, &b))
        return 0;
      if (b)
        s->flags |= S_EXCL_MIN;
    } else if (kw_is(k, klen, "exclusiveMaximum")) {
      if (cJSON_IsNumber(m))
        return cfail(c, s, "exclusiveMaximum",
                     "\"exclusiveMaximum\" must be a boolean (OpenAPI 3.0 / draft-04), got number");
      if (!want_bool(c, s, "exclusiveMaximum", m, &b))
        return 0;
      if (b)
        s->flags |= S_EXCL_MAX;
    } else if (kw_is(k, klen, "multipleOf")) {
      if (!want_number(c, s, "multipleOf", m, &s->mult, &s->multv, &s->mult_text))
        return 0;
      if (s->mult.nd == 0 || s->mult.neg)
        return cfail(c, s, "multipleOf", "\"multipleOf\" must be greater than 0");
      s->flags |= S_HAS_MULT | S_HAS_NUM;
    } else if (kw_is(k, klen, "readOnly")) {
      if (!want_bool(c, s, "readOnly", m, &b))
        return 0;
      if (b)
        s->flags |= S_READONLY;
    } else if (kw_is(k, klen, "writeOnly")) {
      if (!want_bool(c, s, "writeOnly", m, &b))
        return 0;
      if (b)
        s->flags |= S_WRITEONLY;
    } else if (kw_is(k, klen, "deprecated")) {
      if (!want_bool(c, s, "deprecated", m, &b))
        return 0;
      if (b)
        s->flags |= S_DEPRECATED;
    }
  }
  if (ref)
    return compile_ref(c, s, ref);
  if (s->n_req) {
    s->flags |= S_HAS_OBJ;
    for (size_t i = 0; i < s->n_req; i++) {
      const hprop *p = s->n_props ? hschema_prop_find(s, s->req[i].name, s->req[i].len) : NULL;
      s->req[i].prop = p ? (long)(p - s->props) : -1;
    }
  }
  if (s->addl_items != ADD_ANY)
    s->flags |= S_HAS_ARR;
  if (s->format == FMT_DATE_TIME || s->format == FMT_DATE)
    s->flags |= S_HAS_STR;
  if (s->format == FMT_INT32 || s->format == FMT_INT64)
    s->flags |= S_HAS_NUM;
  return 1;
}

/* In-place edges: the keywords that apply another schema to the same value. */
static size_t edge_count(const hschema *s) {
  return (s->ref ? 1u : 0u) + s->n_all + s->n_any + s->n_one + (s->not_ ? 1u : 0u);
}

static const hschema *edge_at(const hschema *s, size_t i) {
  if (s->ref) {
    if (i == 0)
      return s->ref;
    i--;
  }
  if (i < s->n_all)
    return s->all[i];
  i -= s->n_all;
  if (i < s->n_any)
    return s->any[i];
  i -= s->n_any;
  if (i < s->n_one)
    return s->one[i];
  return s->not_;
}

/* The schema of property `name` declared by s itself or by what it applies in
 * place through $ref and allOf (a required list often names properties of an
 * allOf member).  *budget bounds the walk over a shared DAG. */
static const hschema *inherited_prop(const hschema *s, const char *name, size_t len, int *budget) {
  if (--*budget < 0)
    return NULL;
  if (s->n_props) {
    const hprop *p = hschema_prop_find(s, name, len);
    if (p)
      return p->schema;
  }
  if (s->ref)
    return inherited_prop(s->ref, name, len, budget);
  for (size_t i = 0; i < s->n_all; i++) {
    const hschema *t = inherited_prop(s->all[i], name, len, budget);
    if (t)
      return t;
  }
  return NULL;
}

static void finish_schema(hschema *s) {
  for (size_t i = 0; i < s->n_req; i++) {
    int budget = 256;
    s->req[i].ps = s->req[i].prop >= 0 ? s->props[s->req[i].prop].schema
                                       : inherited_prop(s, s->req[i].name, s->req[i].len, &budget);
  }
  /* effective readOnly/writeOnly: own keyword, else through $ref, else allOf */
  s->ro_src = (s->flags & S_READONLY) ? s : NULL;
  s->wo_src = (s->flags & S_WRITEONLY) ? s : NULL;
  if (s->ref) {
    if (!s->ro_src)
      s->ro_src = s->ref->ro_src;
    if (!s->wo_src)
      s->wo_src = s->ref->wo_src;
  }
  for (size_t i = 0; i < s->n_all; i++) {
    if (!s->ro_src)
      s->ro_src = s->all[i]->ro_src;
    if (!s->wo_src)
      s->wo_src = s->all[i]->wo_src;
  }
  int d = 0;
  for (size_t i = 0, n = edge_count(s); i < n; i++)
    if (edge_at(s, i)->depth > d)
      d = edge_at(s, i)->depth;
  s->depth = d + 1;
}

/* Depth-first over the in-place edges of the schemas compiled by this call
 * (list[from..n)); schemas compiled earlier are finished (color 2). */
static int check_cycles(cctx *c, size_t from) {
  hschema_set *set = c->set;
  size_t count = set->n - from;
  struct frame {
    hschema *s;
    size_t next;
  } *stack = malloc((count ? count : 1) * sizeof *stack);
  if (!stack)
    return nomem(c);
  int ok = 1;
  for (size_t k = from; k < set->n && ok; k++) {
    if (set->list[k]->color)
      continue;
    size_t sp = 0;
    stack[sp].s = set->list[k];
    stack[sp++].next = 0;
    set->list[k]->color = 1;
    while (sp && ok) {
      struct frame *f = &stack[sp - 1];
      if (f->next < edge_count(f->s)) {
        hschema *t = (hschema *)edge_at(f->s, f->next++);
        if (t->color == 1) {
          /* the cycle: from t's frame to the top */
          char path[HSCHEMA_MSG_MAX];
          size_t o = 0, start = 0;
          while (start < sp && stack[start].s != t)
            start++;
          for (size_t i = start; i < sp && o < sizeof path; i++)
            o += (size_t)snprintf(path + o, sizeof path - o, "%s -> ", stack[i].s->loc);
          if (o < sizeof path)
            snprintf(path + o, sizeof path - o, "%s", t->loc);
          cfail(c, f->s, NULL, "schema cycle that never descends into the instance: %s", path);
          ok = 0;
        } else if (t->color == 0) {
          t->color = 1;
          stack[sp].s = t;
          stack[sp++].next = 0;
        }
      } else {
        finish_schema(f->s);
        f->s->color = 2;
        if (f->s->depth > HSCHEMA_MAX_INPLACE) {
          cfail(c, f->s, NULL,
                "more than %d nested $ref/allOf/anyOf/oneOf/not without descending into the "
                "instance",
                HSCHEMA_MAX_INPLACE);
          ok = 0;
        }
        sp--;
      }
    }
  }
  free(stack);
  return ok;
}

const hschema *hschema_compile(hschema_set *set, const char *pointer, herr *err) {
  herr local;
  if (!err)
    err = &local;
  err->msg[0] = '\0';
  if (!set || !pointer) {
    snprintf(err->msg, sizeof err->msg, "hschema_compile: no set or no pointer");
    return NULL;
  }
  cctx c = {set, err};
  hutil_amark mark = hutil_arena_mark(&set->arena);
  size_t n0 = set->n, p0 = hpattern_cache_size(set->patterns);
  const cJSON *node;
  const char *why = NULL;
  size_t plen = strlen(pointer);
  const char *frag = pointer[0] == '#' ? pointer + 1 : pointer;
  size_t flen = pointer[0] == '#' ? plen - 1 : plen;
  if (flen && frag[0] != '/') {
    char q[96];
    hutil_quote(q, sizeof q, pointer, plen, 60);
    snprintf(err->msg, sizeof err->msg, "schema pointer %s must be \"#\" or start with \"#/\"", q);
    return NULL;
  }
  node = resolve_fragment(set->root, frag, flen, &why);
  if (!node) {
    char q[160];
    hutil_quote(q, sizeof q, pointer, plen, 120);
    snprintf(err->msg, sizeof err->msg, "%s%s%s: no schema there: %s", set->name,
             set->name[0] ? " " : "", q, why);
    return NULL;
  }
  hschema *s = hschema_set_find(set, node);
  if (s)
    return s;
  const char *loc = loc_from_fragment(set, frag, flen);
  if (!loc) {
    nomem(&c);
    goto fail;
  }
  s = get_schema(&c, node, loc);
  if (!s)
    goto fail;
  set->pending = n0;
  while (set->pending < set->n) {
    hschema *t = set->list[set->pending++];
    if (!compile_one(&c, t))
      goto fail;
  }
  if (!check_cycles(&c, n0))
    goto fail;
  return s;
fail:
  set->n = n0;
  set->pending = n0;
  hschema_set_map_refill(set);
  hutil_arena_rollback(&set->arena, mark);
  hpattern_cache_truncate(set->patterns, p0);
  if (!err->msg[0])
    snprintf(err->msg, sizeof err->msg, "out of memory compiling schemas");
  return NULL;
}
