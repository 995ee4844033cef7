/* hschema: the schema compiler and validator.
 *
 * Compilation turns each Schema Object of the document into one struct hschema
 * (the same JSON node always gives the same hschema, so $ref cycles through
 * properties/items become pointer cycles).  Compilation is iterative (a
 * worklist), so a deeply nested or long-chained schema document cannot blow
 * the stack; afterwards a depth-first pass over the "in place" edges ($ref,
 * allOf, anyOf, oneOf, not: the edges that do not descend into the instance)
 * rejects cycles and chains deeper than HSCHEMA_MAX_INPLACE, which bounds the
 * validator's recursion by the instance depth times that constant.
 *
 * Validation is a recursive walk over instance and schema together.  Instance
 * locations are kept as a stack of (member name | index) frames and turned into
 * a JSON pointer only when a violation is reported, so a valid document costs
 * no string work.  anyOf/oneOf/not branches run "silently": they stop at the
 * first error and report nothing; the combinator reports one violation.  A step
 * budget (scaled by the instance size) stops a schema whose combinators would
 * make validation exponential. */
#include "schema/hschema.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/hjson.h"
#include "schema/hschema_impl.h"

#define HSCHEMA_MAX_INPLACE 64       /* longest $ref/allOf/anyOf/oneOf/not chain */
#define HSCHEMA_STEP_BUDGET 1000000u /* schema evaluations before counting nodes */
#define HSCHEMA_STEPS_PER_NODE 64u   /* ... and then per instance value */
#define HSCHEMA_STR_MAX 2048         /* bytes kept of one violation string */
#define HSCHEMA_PTR_MAX 1024         /* bytes kept of an instance pointer */
#define HSCHEMA_QUOTE_MAX 60         /* bytes of an instance string quoted in a message */
#define HSCHEMA_ENUM_DESC_MAX 200    /* bytes of the allowed values listed in a message */

/* type bits */
enum {
  T_NULL = 1 << 0,
  T_BOOLEAN = 1 << 1,
  T_OBJECT = 1 << 2,
  T_ARRAY = 1 << 3,
  T_NUMBER = 1 << 4,
  T_INTEGER = 1 << 5,
  T_STRING = 1 << 6
};

enum { FMT_NONE = 0, FMT_DATE_TIME, FMT_DATE, FMT_INT32, FMT_INT64 };
enum { ADD_ANY = 0, ADD_FALSE, ADD_SCHEMA };

/* schema flags */
enum {
  S_NULLABLE = 1 << 0,
  S_FALSE = 1 << 1, /* the boolean schema false */
  S_DEPRECATED = 1 << 2,
  S_READONLY = 1 << 3,
  S_WRITEONLY = 1 << 4,
  S_UNIQUE = 1 << 5,
  S_HAS_MIN = 1 << 6,
  S_HAS_MAX = 1 << 7,
  S_EXCL_MIN = 1 << 8,
  S_EXCL_MAX = 1 << 9,
  S_HAS_MULT = 1 << 10,
  S_HAS_ENUM = 1 << 11,
  S_HAS_OBJ = 1 << 12, /* some object keyword */
  S_HAS_ARR = 1 << 13, /* some array keyword */
  S_HAS_STR = 1 << 14, /* some string keyword */
  S_HAS_NUM = 1 << 15  /* some number keyword */
};

typedef struct {
  const char *name;
  size_t len;
  const hschema *schema;
} hprop;

typedef struct {
  const char *name;
  size_t len;
  long prop; /* index into props, -1 when not declared */
} hreq;

struct hschema {
  const cJSON *node;
  const char *loc; /* with the set's name prefix */
  unsigned flags;
  unsigned types; /* 0: any type */
  const hschema *ref;
  /* effective readOnly / writeOnly (through $ref and allOf): where the keyword stands */
  const hschema *ro_src, *wo_src;
  /* object */
  hprop *props;
  size_t n_props;
  uint32_t *ptab; /* open addressing, prop index + 1, 0 empty */
  size_t pmask;
  int addl;
  const hschema *addl_schema;
  hreq *req;
  size_t n_req;
  size_t min_props, max_props;
  /* combinators */
  const hschema **all, **any, **one, *not_;
  size_t n_all, n_any, n_one;
  /* enum */
  const cJSON **enums;
  size_t n_enum;
  const char *enum_desc;
  /* string */
  const hpattern *pattern;
  size_t min_len, max_len;
  int format;
  /* array */
  const hschema *items;
  const hschema **tuple;
  size_t n_tuple;
  int addl_items;
  const hschema *addl_items_schema;
  size_t min_items, max_items;
  /* number */
  hdec min, max, mult;
  double minv, maxv, multv;
  const char *min_text, *max_text, *mult_text; /* the keywords' number text */
  /* compile bookkeeping */
  int color;
  int depth;
};

/* ---- arena (the set's memory), with mark/rollback for failed compiles ---- */

typedef struct ablock {
  struct ablock *next; /* older block */
  size_t used, cap;
  _Alignas(16) unsigned char data[];
} ablock;

typedef struct {
  ablock *head;
  size_t used;
} amark;

struct hschema_set {
  const cJSON *root;
  char *name; /* "" when none */
  ablock *arena;
  hschema **list; /* every compiled schema, in creation order */
  size_t n, cap, pending;
  hschema **map; /* node -> schema, open addressing */
  size_t mcap;
  hpattern_cache *patterns;
};

static void *arena_alloc(hschema_set *set, size_t size) {
  size = (size + 15) & ~(size_t)15;
  if (size == 0)
    size = 16;
  ablock *b = set->arena;
  if (!b || b->cap - b->used < size) {
    size_t cap = size > 16384 ? size : 16384;
    ablock *nb = malloc(sizeof *nb + cap);
    if (!nb)
      return NULL;
    nb->next = b;
    nb->used = 0;
    nb->cap = cap;
    set->arena = b = nb;
  }
  void *p = b->data + b->used;
  b->used += size;
  return p;
}

static void *arena_calloc(hschema_set *set, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  void *p = arena_alloc(set, n * size);
  if (p)
    memset(p, 0, n * size);
  return p;
}

static amark arena_mark(const hschema_set *set) {
  amark m = {set->arena, set->arena ? set->arena->used : 0};
  return m;
}

static void arena_rollback(hschema_set *set, amark m) {
  while (set->arena && set->arena != m.head) {
    ablock *b = set->arena;
    set->arena = b->next;
    free(b);
  }
  if (set->arena)
    set->arena->used = m.used;
}

/* ---- the set ---- */

hschema_set *hschema_set_new(const cJSON *root, const char *name) {
  hschema_set *set = calloc(1, sizeof *set);
  if (!set)
    return NULL;
  set->root = root;
  set->name = strdup(name ? name : "");
  set->patterns = hpattern_cache_new();
  if (!set->name || !set->patterns)
    goto fail;
  return set;
fail:
  hschema_set_free(set);
  return NULL;
}

void hschema_set_free(hschema_set *set) {
  if (!set)
    return;
  arena_rollback(set, (amark){NULL, 0});
  free(set->list);
  free(set->map);
  hpattern_cache_free(set->patterns);
  free(set->name);
  free(set);
}

const char *hschema_location(const hschema *schema) { return schema ? schema->loc : NULL; }

static size_t map_slot(const void *node, size_t mask) {
  uint64_t h = (uint64_t)(uintptr_t)node;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (size_t)h & mask;
}

static hschema *map_find(const hschema_set *set, const cJSON *node) {
  if (!set->mcap)
    return NULL;
  size_t mask = set->mcap - 1;
  for (size_t i = map_slot(node, mask); set->map[i]; i = (i + 1) & mask)
    if (set->map[i]->node == node)
      return set->map[i];
  return NULL;
}

static void map_put(hschema_set *set, hschema *s) {
  size_t mask = set->mcap - 1, i = map_slot(s->node, mask);
  while (set->map[i])
    i = (i + 1) & mask;
  set->map[i] = s;
}

static int map_rebuild(hschema_set *set, size_t mcap) {
  hschema **m = calloc(mcap, sizeof *m);
  if (!m)
    return 0;
  free(set->map);
  set->map = m;
  set->mcap = mcap;
  for (size_t i = 0; i < set->n; i++)
    map_put(set, set->list[i]);
  return 1;
}

/* ---- compile errors ---- */

typedef struct {
  hschema_set *set;
  hschema_error *err;
} cctx;

static const char *json_type_name(const cJSON *n) {
  switch (n ? n->type & 0xFF : 0) {
  case cJSON_False:
  case cJSON_True:
    return "boolean";
  case cJSON_NULL:
    return "null";
  case cJSON_Number:
    return "number";
  case cJSON_String:
    return "string";
  case cJSON_Array:
    return "array";
  case cJSON_Object:
    return "object";
  default:
    return "invalid value";
  }
}

__attribute__((format(printf, 4, 5))) static int cfail(cctx *c, const hschema *s,
                                                        const char *keyword, const char *fmt,
                                                        ...) {
  char msg[HSCHEMA_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* "<location>[/<keyword>]: <message>", cut to the buffer */
  const char *parts[5] = {s ? s->loc : "#", keyword ? "/" : "", keyword ? keyword : "", ": ",
                          msg};
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

static int loc_plain(unsigned char b) {
  /* bytes kept as they are in a location; others are %-encoded so that the
   * location stays one line and reads back as a $ref fragment */
  return b > 0x20 && b != 0x7F && b != '"' && b != '%' && b != '#' && b != '\\';
}

/* parent + "/" + token (escaped: ~0 ~1 and %XX) [+ "/" + token2] */
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
    for (size_t i = 0; i < len; i++) {
      unsigned char b = (unsigned char)t[i];
      if (b == '~') {
        out[o++] = '~';
        out[o++] = '0';
      } else if (b == '/') {
        out[o++] = '~';
        out[o++] = '1';
      } else if (loc_plain(b) || b >= 0x80) {
        out[o++] = (char)b;
      } else {
        o += (size_t)snprintf(out + o, 4, "%%%02X", b);
      }
    }
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

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Resolves a URI fragment (after '#') in root: %-decoding, then RFC 6901. */
static const cJSON *resolve_fragment(const cJSON *root, const char *frag, size_t len,
                                     const char **why) {
  char small[256];
  char *buf = len < sizeof small ? small : malloc(len + 1);
  if (!buf) {
    *why = "out of memory";
    return NULL;
  }
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int h, l;
    if (frag[i] == '%' && i + 2 < len && (h = hexval(frag[i + 1])) >= 0 &&
        (l = hexval(frag[i + 2])) >= 0) {
      buf[o++] = (char)(h * 16 + l);
      i += 2;
    } else {
      buf[o++] = frag[i];
    }
  }
  buf[o] = '\0';
  const cJSON *n = NULL;
  if (o > 0 && buf[0] != '/')
    *why = "not a JSON pointer (a fragment must be empty or start with '/')";
  else
    n = hjson_pointer_get(root, buf, o, why);
  if (!n && !*why)
    *why = "no such location";
  if (buf != small)
    free(buf);
  return n;
}

/* ---- compiling ---- */

static hschema *get_schema(cctx *c, const cJSON *node, const char *loc) {
  hschema_set *set = c->set;
  hschema *s = map_find(set, node);
  if (s)
    return s;
  if (!cJSON_IsObject(node) && !cJSON_IsBool(node)) {
    snprintf(c->err->msg, sizeof c->err->msg,
             "%s: a schema must be a JSON object (or a boolean), got %s", loc,
             json_type_name(node));
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
  if ((set->n + 1) * 2 > set->mcap) {
    if (!map_rebuild(set, set->mcap ? set->mcap * 2 : 64)) {
      set->n--;
      goto oom;
    }
  } else {
    map_put(set, s);
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
    return cfail(c, s, kw, "\"%s\" must be a boolean, got %s", kw, json_type_name(v));
  *out = cJSON_IsTrue(v);
  return 1;
}

static int want_count(cctx *c, hschema *s, const char *kw, const cJSON *v, size_t *out) {
  hdec d;
  char buf[40];
  if (!hdec_of_node(&d, v, buf, sizeof buf) || !hdec_is_integer(&d) || d.neg)
    return cfail(c, s, kw, "\"%s\" must be a non-negative integer, got %s", kw,
                 cJSON_IsNumber(v) ? "a negative or fractional number" : json_type_name(v));
  double x = v->valuedouble;
  *out = x >= (double)SIZE_MAX ? SIZE_MAX : (size_t)x;
  return 1;
}

static int want_number(cctx *c, hschema *s, const char *kw, const cJSON *v, hdec *d,
                       double *dv, const char **text_out) {
  char buf[40];
  if (!cJSON_IsNumber(v))
    return cfail(c, s, kw, "\"%s\" must be a number, got %s", kw, json_type_name(v));
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

static int schema_array(cctx *c, hschema *s, const char *kw, const cJSON *v,
                        const hschema ***out, size_t *n) {
  if (!cJSON_IsArray(v) || !v->child)
    return cfail(c, s, kw, "\"%s\" must be a non-empty array of schemas, got %s", kw,
                 cJSON_IsArray(v) ? "an empty array" : json_type_name(v));
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

static uint32_t prop_hash(const char *name, size_t len) {
  uint32_t h = (uint32_t)len * 2654435761u;
  if (len) {
    h ^= (uint32_t)(unsigned char)name[0] * 0x9E3779B1u;
    h ^= (uint32_t)(unsigned char)name[len - 1] * 0x85EBCA6Bu;
    h ^= (uint32_t)(unsigned char)name[len / 2] * 0xC2B2AE35u;
  }
  return h ^ (h >> 15);
}

static const hprop *prop_find(const hschema *s, const char *name, size_t len) {
  size_t mask = s->pmask;
  for (size_t i = prop_hash(name, len) & mask; s->ptab[i]; i = (i + 1) & mask) {
    const hprop *p = &s->props[s->ptab[i] - 1];
    if (p->len == len && (len == 0 || (p->name[0] == name[0] && !memcmp(p->name, name, len))))
      return p;
  }
  return NULL;
}

static int compile_properties(cctx *c, hschema *s, const cJSON *v) {
  if (!cJSON_IsObject(v))
    return cfail(c, s, "properties", "\"properties\" must be an object, got %s",
                 json_type_name(v));
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
    if (prop_find(s, k, klen))
      continue; /* duplicate names (allowed only by a lenient reader): the first wins */
    hprop *p = &s->props[s->n_props];
    p->name = k;
    p->len = klen;
    p->schema = sub_schema(c, m, loc_child(c->set, s->loc, "properties", 10, k, klen));
    if (!p->schema)
      return 0;
    size_t i = prop_hash(k, klen) & s->pmask;
    while (s->ptab[i])
      i = (i + 1) & s->pmask;
    s->ptab[i] = (uint32_t)(++s->n_props);
  }
  return 1;
}

static int compile_required(cctx *c, hschema *s, const cJSON *v) {
  if (!cJSON_IsArray(v))
    return cfail(c, s, "required", "\"required\" must be an array of strings, got %s",
                 json_type_name(v));
  size_t count = 0;
  for (const cJSON *e = v->child; e; e = e->next) {
    if (!cJSON_IsString(e))
      return cfail(c, s, "required", "\"required\" must be an array of strings, item %zu is %s",
                   count, json_type_name(e));
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

/* "Client", "Vendor", "Operations" — for messages */
static size_t quote_bytes(char *out, size_t cap, const char *s, size_t len, size_t max);

static int compile_enum(cctx *c, hschema *s, const cJSON *v) {
  if (!cJSON_IsArray(v) || !v->child)
    return cfail(c, s, "enum", "\"enum\" must be a non-empty array, got %s",
                 cJSON_IsArray(v) ? "an empty array" : json_type_name(v));
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
      n = quote_bytes(item, sizeof item, str, len, 40);
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
                                              : json_type_name(e));
    }
    if (n >= sizeof item)
      n = sizeof item - 1;
    if (o + n + 2 > HSCHEMA_ENUM_DESC_MAX) {
      memcpy(desc + o, i ? ", ..." : "...", i ? 5 : 3);
      o += i ? 5 : 3;
      o = HSCHEMA_ENUM_DESC_MAX; /* stop listing */
      desc[o] = '\0';
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
  s->flags |= S_HAS_ENUM;
  return 1;
}

static int type_bit(const char *t, size_t len) {
  static const struct {
    const char *name;
    int bit;
  } names[] = {{"null", T_NULL},     {"boolean", T_BOOLEAN}, {"object", T_OBJECT},
               {"array", T_ARRAY},   {"number", T_NUMBER},   {"integer", T_INTEGER},
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
      quote_bytes(q, sizeof q, t, len, 40);
      return cfail(c, s, "type", "unknown type %s", q);
    }
    s->types = (unsigned)bit;
    return 1;
  }
  if (!cJSON_IsArray(v) || !v->child)
    return cfail(c, s, "type", "\"type\" must be a type name or a non-empty array of them, got %s",
                 cJSON_IsArray(v) ? "an empty array" : json_type_name(v));
  for (const cJSON *e = v->child; e; e = e->next) {
    size_t len;
    const char *t = hjson_string(e, &len);
    int bit = t ? type_bit(t, len) : 0;
    if (!bit) {
      char q[96];
      if (t)
        quote_bytes(q, sizeof q, t, len, 40);
      else
        snprintf(q, sizeof q, "(a %s)", json_type_name(e));
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
    return cfail(c, s, "$ref", "\"$ref\" must be a string, got %s", json_type_name(v));
  char q[96];
  quote_bytes(q, sizeof q, ref, len, 80);
  if (len == 0 || ref[0] != '#')
    return cfail(c, s, "$ref", "$ref %s is not a local reference (\"#/...\"); remote references "
                               "are not supported",
                 q);
  const char *why = NULL;
  const cJSON *target = resolve_fragment(c->set->root, ref + 1, len - 1, &why);
  if (!target)
    return cfail(c, s, "$ref", "$ref %s has no target: %s", q, why);
  hschema *t = map_find(c->set, target);
  if (!t) {
    const char *loc = loc_from_fragment(c->set, ref + 1, len - 1);
    if (!loc)
      return nomem(c);
    if (!cJSON_IsObject(target) && !cJSON_IsBool(target))
      return cfail(c, s, "$ref", "$ref %s points to a %s, not a schema", q,
                   json_type_name(target));
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
    return cfail(c, s, "format", "\"format\" must be a string, got %s", json_type_name(v));
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
                 json_type_name(v));
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
                 json_type_name(v));
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
        return cfail(c, s, "pattern", "\"pattern\" must be a string, got %s", json_type_name(m));
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
      const hprop *p = s->n_props ? prop_find(s, s->req[i].name, s->req[i].len) : NULL;
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

static void finish_schema(hschema *s) {
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

const hschema *hschema_compile(hschema_set *set, const char *pointer, hschema_error *err) {
  hschema_error local;
  if (!err)
    err = &local;
  err->msg[0] = '\0';
  if (!set || !pointer) {
    snprintf(err->msg, sizeof err->msg, "hschema_compile: no set or no pointer");
    return NULL;
  }
  cctx c = {set, err};
  amark mark = arena_mark(set);
  size_t n0 = set->n, p0 = hpattern_cache_size(set->patterns);
  const cJSON *node;
  const char *why = NULL;
  size_t plen = strlen(pointer);
  const char *frag = pointer[0] == '#' ? pointer + 1 : pointer;
  size_t flen = pointer[0] == '#' ? plen - 1 : plen;
  if (flen && frag[0] != '/') {
    snprintf(err->msg, sizeof err->msg,
             "schema pointer \"%.200s\" must be \"#\" or start with \"#/\"", pointer);
    return NULL;
  }
  node = resolve_fragment(set->root, frag, flen, &why);
  if (!node) {
    snprintf(err->msg, sizeof err->msg, "%s#%.300s: no schema there: %s", set->name, frag, why);
    return NULL;
  }
  hschema *s = map_find(set, node);
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
  if (set->mcap) {
    memset(set->map, 0, set->mcap * sizeof *set->map);
    for (size_t i = 0; i < set->n; i++)
      map_put(set, set->list[i]);
  }
  arena_rollback(set, mark);
  hpattern_cache_truncate(set->patterns, p0);
  if (!err->msg[0])
    snprintf(err->msg, sizeof err->msg, "out of memory compiling schemas");
  return NULL;
}

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

/* "text" with quotes and escapes, at most max source bytes ("..." after the
 * closing quote when cut), always one line; returns the length written. */
static size_t quote_bytes(char *out, size_t cap, const char *s, size_t len, size_t max) {
  size_t o = 0, i = 0;
  if (cap < 16)
    return 0;
  size_t lim = cap - 12; /* room for an escape, the quote, the dots and NUL */
  out[o++] = '"';
  size_t stop = len < max ? len : max;
  if (stop < len) /* cut at a character boundary */
    while (stop > 0 && ((unsigned char)s[stop] & 0xC0) == 0x80)
      stop--;
  for (i = 0; i < stop && o < lim; i++) {
    unsigned char b = (unsigned char)s[i];
    if (b == '"' || b == '\\') {
      out[o++] = '\\';
      out[o++] = (char)b;
    } else if (b == '\n') {
      out[o++] = '\\';
      out[o++] = 'n';
    } else if (b == '\t') {
      out[o++] = '\\';
      out[o++] = 't';
    } else if (b == '\r') {
      out[o++] = '\\';
      out[o++] = 'r';
    } else if (b < 0x20 || b == 0x7F) {
      o += (size_t)snprintf(out + o, cap - o, "\\u%04x", b);
    } else {
      out[o++] = (char)b;
    }
  }
  if (i < stop) /* out of room: back off to a character boundary */
    while (o > 1 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
      o--;
  out[o++] = '"';
  if (i < len) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return o;
}

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
  static const char *names[] = {"null", "boolean", "object", "array", "number", "integer",
                                "string"};
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
  const cJSON *root;
} vctx;

static int v_schema(vctx *c, const hschema *s, const cJSON *x);

static void instance_pointer(const vctx *c, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < c->r->nframes; i++) {
    const iframe *f = &c->r->frames[i];
    if (f->key ? !hjson_pointer_push(buf, cap, &len, f->key, f->len)
               : !hjson_pointer_push_index(buf, cap, &len, f->len))
      break;
  }
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

static size_t count_nodes(const cJSON *x) {
  size_t n = 1;
  for (const cJSON *e = x->child; e; e = e->next)
    n += count_nodes(e);
  return n;
}

/* The last frame's member name, quoted, for "property ..." messages. */
static void last_key(const vctx *c, char *out, size_t cap) {
  const iframe *f = c->r->nframes ? &c->r->frames[c->r->nframes - 1] : NULL;
  if (f && f->key)
    quote_bytes(out, cap, f->key, f->len, HSCHEMA_QUOTE_MAX);
  else
    snprintf(out, cap, "value");
}

static int is_integral(const cJSON *x) {
  const char *t = hjson_number_text(x);
  if (t) {
    if (!strpbrk(t, ".eE"))
      return 1;
    hdec d;
    return hdec_parse(&d, t, strlen(t)) && hdec_is_integer(&d);
  }
  double v = x->valuedouble;
  return isfinite(v) && floor(v) == v;
}

static unsigned type_of(const cJSON *x) {
  switch (x->type & 0xFF) {
  case cJSON_False:
  case cJSON_True:
    return T_BOOLEAN;
  case cJSON_NULL:
    return T_NULL;
  case cJSON_Number:
    return T_NUMBER;
  case cJSON_String:
    return T_STRING;
  case cJSON_Array:
    return T_ARRAY;
  case cJSON_Object:
    return T_OBJECT;
  default:
    return 0;
  }
}

#define FAIL_OR_CONTINUE()                                                                      \
  do {                                                                                          \
    ok = 0;                                                                                     \
    if (c->silent || c->aborted)                                                                \
      return 0;                                                                                 \
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
    const hprop *p = s->n_props ? prop_find(s, k, klen) : NULL;
    if (!push_frame(c, k, klen))
      return 0;
    if (p) {
      size_t idx = (size_t)(p - s->props);
      if (idx < 64)
        seen |= (uint64_t)1 << idx;
      if (c->dir == HSCHEMA_DIR_REQUEST && p->schema->ro_src) {
        if (!c->silent) {
          char q[96];
          quote_bytes(q, sizeof q, k, klen, HSCHEMA_QUOTE_MAX);
          emit(c, p->schema->ro_src, "readOnly", "readOnly", 0,
               "property %s is read-only and must not appear in a request", q);
        }
        ok = 0;
      } else if (c->dir == HSCHEMA_DIR_RESPONSE && p->schema->wo_src) {
        if (!c->silent) {
          char q[96];
          quote_bytes(q, sizeof q, k, klen, HSCHEMA_QUOTE_MAX);
          emit(c, p->schema->wo_src, "writeOnly", "writeOnly", 0,
               "property %s is write-only and must not appear in a response", q);
        }
        ok = 0;
      }
      if (ok || !c->silent)
        if (!v_schema(c, p->schema, m))
          ok = 0;
    } else if (s->addl == ADD_FALSE) {
      if (!c->silent) {
        char q[96];
        quote_bytes(q, sizeof q, k, klen, HSCHEMA_QUOTE_MAX);
        emit(c, s, "additionalProperties", "additionalProperties", 0,
             "property %s is not allowed (additionalProperties is false)", q);
      }
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
    if (q->prop >= 0) {
      const hschema *ps = s->props[q->prop].schema;
      if ((c->dir == HSCHEMA_DIR_REQUEST && ps->ro_src) ||
          (c->dir == HSCHEMA_DIR_RESPONSE && ps->wo_src))
        continue; /* required does not apply to a property of the other direction */
    }
    if (!c->silent) {
      char qn[96];
      quote_bytes(qn, sizeof qn, q->name, q->len, HSCHEMA_QUOTE_MAX);
      emit(c, s, "required", "required", 0, "required property %s is missing", qn);
    }
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
        if (hjson_equal(r->uniq[p].node, r->uniq[q].node)) {
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
             "item %zu is not allowed (only %zu items are described, additionalItems is false)",
             i, s->n_tuple);
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
      emit(c, s, "minItems", "minItems", 0, "array has %zu items, fewer than minItems %zu",
           count, s->min_items);
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
        quote_bytes(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
        pattern_text(pat, sizeof pat, s->pattern);
        if (m == HPATTERN_NOMATCH)
          emit(c, s, "pattern", "pattern", 0, "%s does not match pattern %s", q, pat);
        else if (m == HPATTERN_LIMIT)
          emit(c, s, "pattern", "pattern", 0,
               "pattern match limit exceeded matching %s against %s", q, pat);
        else
          emit(c, s, "pattern", "pattern", 0, "%s cannot be matched (not valid UTF-8)", q);
      }
      FAIL_OR_CONTINUE();
    }
  }
  if (s->format == FMT_DATE_TIME || s->format == FMT_DATE) {
    int good = s->format == FMT_DATE_TIME ? hschema_is_date_time(str, len)
                                          : hschema_is_date(str, len);
    if (!good) {
      if (!c->silent) {
        char q[96];
        quote_bytes(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
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
             excl ? "greater than or equal to the exclusive maximum" : "greater than maximum",
             mt);
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
    int integer = hdec_is_integer(&d);
    if (!integer || !hdec_fits_int(&d, bits)) {
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

static int v_enum(vctx *c, const hschema *s, const cJSON *x) {
  unsigned t = type_of(x);
  for (size_t i = 0; i < s->n_enum; i++) {
    const cJSON *e = s->enums[i];
    if (type_of(e) != t)
      continue;
    if (t == T_STRING) { /* the common case, without a call */
      size_t la, lb;
      const char *a = hjson_string(x, &la), *b = hjson_string(e, &lb);
      if (la == lb && !memcmp(a, b, la))
        return 1;
    } else if (hjson_equal(x, e)) {
      return 1;
    }
  }
  if (!c->silent) {
    char q[96];
    if (t == T_STRING) {
      size_t len;
      const char *str = hjson_string(x, &len);
      quote_bytes(q, sizeof q, str, len, HSCHEMA_QUOTE_MAX);
    } else if (t == T_NUMBER) {
      number_text(q, sizeof q, x);
    } else {
      snprintf(q, sizeof q, "%s", cJSON_IsNull(x)    ? "null"
                                  : cJSON_IsTrue(x)  ? "true"
                                  : cJSON_IsFalse(x) ? "false"
                                  : t == T_ARRAY     ? "the array"
                                                     : "the object");
    }
    emit(c, s, "enum", "enum", 0, "%s is not one of the allowed values (%s)", q, s->enum_desc);
  }
  return 0;
}

static int v_silent(vctx *c, const hschema *s, const cJSON *x) {
  size_t frames = c->r->nframes;
  c->silent++;
  int ok = v_schema(c, s, x);
  c->silent--;
  c->r->nframes = frames;
  return ok;
}

static int v_schema(vctx *c, const hschema *s, const cJSON *x) {
  if (c->aborted)
    return 0;
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
    char q[96];
    last_key(c, q, sizeof q);
    if (c->r->nframes && c->r->frames[c->r->nframes - 1].key)
      emit(c, s, "deprecated", "deprecated", 1, "property %s is deprecated", q);
    else
      emit(c, s, "deprecated", "deprecated", 1, "the value uses a deprecated schema");
  }
  if (s->types) {
    int match = (s->types & t) != 0;
    if (!match && t == T_NUMBER && (s->types & T_INTEGER) && is_integral(x))
      match = 1;
    if (!match) {
      if (!c->silent) {
        char want[80];
        types_text(s->types, want, sizeof want);
        if (t == T_NUMBER && (s->types & T_INTEGER)) {
          char nt[64];
          number_text(nt, sizeof nt, x);
          emit(c, s, "type", "type", 0, "expected %s, got number %s", want, nt);
        } else {
          emit(c, s, "type", "type", 0, "expected %s, got %s", want,
               t ? json_type_name(x) : "an unknown value");
        }
      }
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
  default:
    break;
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
    record(r, "", schema ? schema->loc : "", NULL, "", "no schema or no instance to validate",
           0);
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
    else
      record(r, "", schema->loc, NULL, "limit", "validation stopped: out of memory", 0);
  }
  r->nframes = 0;
  return r->errors == errors;
}
