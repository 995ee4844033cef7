/* hspec: OpenAPI 3.0.x document loader (see hspec.h for the contract).
 *
 * Loading runs in this order, each step stopping at the first problem with a
 * one-line message "NAME: <where>: <what>":
 *   1. size cap, SHA-256 of the bytes, strict parse (hjson);
 *   2. "openapi" is 3.0.x, info, paths and the components maps have their types;
 *   3. every "$ref" in the document is collected, checked (string, local, valid
 *      pointer, existing target) and its chain followed to a value, rejecting
 *      loops; this is done once with indexes on large containers so that a huge
 *      document with many refs stays linear, not quadratic;
 *   4. path items and operations are checked and indexed.
 * Nothing here recurses deeper than the parser's nesting limit. */
#include "spec/hspec.h"

#include "json/hjson.h"
#include "spec/embedded.h"
#include "util/hutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Nesting limit handed to the reader.  Real specs stay far below it; every
 * recursive walk below is bounded by it. */
#define HSPEC_PARSE_DEPTH 512u
/* Containers with more children than this get a lookup index while refs are
 * resolved at load time. */
#define HSPEC_SMALL_CONTAINER 16u
/* Bytes of document text (ref strings, keys, values) quoted in a message. */
#define HSPEC_QUOTE_MAX 120u
/* Bytes of a location pointer quoted in a message. */
#define HSPEC_WHERE_MAX 200u

static const char *const hspec_methods[] = {"get",     "put",  "post",  "delete",
                                            "options", "head", "patch", "trace"};
#define HSPEC_N_METHODS (sizeof hspec_methods / sizeof hspec_methods[0])

/* ------------------------------------------------- growable string buffer */

/* Pointers and locations are built in an hbuf (json/hjson.h); one flag says
 * whether building failed (out of memory, or past the buffer's limit). */
static int sb_bad(const hbuf *b) { return b->nomem || b->toobig; }

/* Characters RFC 3986 allows raw in a fragment (besides '/', which a pointer
 * token never contains after ~1 escaping). */
static int frag_raw(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != '\0' && strchr("-._~!$&'()*+,;=:@?", c) != NULL;
}

/* Appends "/" and one reference token, ~-escaped and percent-encoded. */
static void sb_ptr_push(hbuf *b, const char *tok, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  hbuf_add(b, "/", 1);
  for (size_t i = 0; i < n && !sb_bad(b); i++) {
    unsigned char c = (unsigned char)tok[i];
    if (c == '~')
      hbuf_add(b, "~0", 2);
    else if (c == '/')
      hbuf_add(b, "~1", 2);
    else if (frag_raw(c))
      hbuf_add(b, (const char *)&tok[i], 1);
    else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      hbuf_add(b, e, 3);
    }
  }
}

static void sb_ptr_index(hbuf *b, size_t i) {
  char num[32];
  int n = snprintf(num, sizeof num, "/%zu", i);
  if (n > 0)
    hbuf_add(b, num, (size_t)n);
}

/* ---------------------------------------------------- pointer -> size_t map */

typedef struct {
  const void **keys;
  size_t *vals;
  size_t cap, n; /* cap is 0 or a power of two */
} ptrmap;

static size_t ptr_hash(const void *p) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x;
}

static int ptrmap_get(const ptrmap *m, const void *key, size_t *val) {
  if (!m->cap)
    return 0;
  size_t mask = m->cap - 1;
  for (size_t i = ptr_hash(key) & mask;; i = (i + 1) & mask) {
    if (!m->keys[i])
      return 0;
    if (m->keys[i] == key) {
      if (val)
        *val = m->vals[i];
      return 1;
    }
  }
}

static int ptrmap_put(ptrmap *m, const void *key, size_t val) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    const void **keys = calloc(cap, sizeof *keys);
    size_t *vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
      free(keys);
      free(vals);
      return 0;
    }
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->keys[i])
        continue;
      size_t j = ptr_hash(m->keys[i]) & (cap - 1);
      while (keys[j])
        j = (j + 1) & (cap - 1);
      keys[j] = m->keys[i];
      vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
  }
  size_t mask = m->cap - 1;
  size_t i = ptr_hash(key) & mask;
  while (m->keys[i] && m->keys[i] != key)
    i = (i + 1) & mask;
  if (!m->keys[i])
    m->n++;
  m->keys[i] = key;
  m->vals[i] = val;
  return 1;
}

static void ptrmap_free(ptrmap *m) {
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------- the model */

typedef struct {
  const cJSON *obj;    /* the object holding "$ref" */
  const cJSON *target; /* what its pointer names */
  const cJSON *final;  /* the first non-$ref value along the chain */
  size_t last;         /* the ref whose target is final (its string locates final) */
  unsigned char state; /* cycle search: 0 new, 1 on the current chain, 2 done */
} refent;

typedef struct {
  const char *path;
  size_t len;
  size_t first, count; /* operations in spec->ops */
  const char *allowed;
} pathent;

typedef struct {
  const char *name;
  size_t len;
  const char *pointer;
} compent;

struct hspec {
  hjson_doc *doc;
  const cJSON *root;
  char *name;
  const char *title, *version;
  char sha[HSPEC_SHA256_HEX];
  hutil_arena mem;
  hspec_operation *ops;
  size_t n_ops;
  pathent *paths;
  size_t n_paths;
  compent *comps;
  size_t n_comps;
  refent *refs;
  size_t n_refs;
  ptrmap refmap; /* $ref-holding object -> index in refs */
};

/* Index of one large container, built on demand while refs are resolved. */
typedef struct {
  const cJSON **slots; /* arrays: children in order; objects: hash table */
  size_t n;            /* arrays: child count; objects: table size (power of two) */
} cindex;

typedef struct {
  hspec *spec;
  hspec_error *err;
  size_t cap_refs;
  ptrmap idxmap; /* container -> index in idx */
  cindex *idx;
  size_t n_idx, cap_idx;
  hutil_arena tmp; /* index tables; released at the end of the load */
} loader;

/* ---------------------------------------------------------------- errors */

typedef struct {
  char *buf;
  size_t len;
} msgbuf;

static void mb_add(msgbuf *m, const char *s, size_t n) {
  size_t room = HSPEC_MSG_MAX - 1 - m->len;
  if (n > room)
    n = room;
  memcpy(m->buf + m->len, s, n);
  m->len += n;
  m->buf[m->len] = '\0';
}

static void mb_cstr(msgbuf *m, const char *s) { mb_add(m, s, strlen(s)); }

/* Document text, made printable on one line and cut at max bytes (on a UTF-8
 * character boundary) with "...". */
static void mb_text(msgbuf *m, const char *s, size_t n, size_t max) {
  static const char hex[] = "0123456789abcdef";
  size_t shown = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (shown >= max && (c & 0xC0) != 0x80) {
      mb_cstr(m, "...");
      return;
    }
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      mb_add(m, e, 2);
    } else if (c < 0x20 || c == 0x7f) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      mb_add(m, e, 6);
    } else
      mb_add(m, (const char *)&s[i], 1);
    shown++;
  }
}

static void mb_fmt(msgbuf *m, const char *fmt, ...) {
  char tmp[HSPEC_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0)
    mb_add(m, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static msgbuf err_begin(hspec_error *err, hspec_code code, const char *name) {
  msgbuf m = {err->msg, 0};
  err->code = code;
  err->msg[0] = '\0';
  mb_text(&m, name, strlen(name), HSPEC_QUOTE_MAX);
  mb_cstr(&m, ": ");
  return m;
}

/* Appends printf-formatted text, cut at the message size. */
static void mb_vformat(msgbuf *m, const char *fmt, va_list ap) {
  char tmp[HSPEC_MSG_MAX];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  if (n > 0)
    mb_add(m, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* "NAME: <where>: <what>" for a shape problem at a pointer. */
static void shape_err(loader *L, const hbuf *where, const char *fmt, ...) {
  msgbuf m = err_begin(L->err, HSPEC_E_SHAPE, L->spec->name);
  mb_text(&m, where->p ? where->p : "#", where->p ? where->n : 1, HSPEC_WHERE_MAX);
  mb_cstr(&m, ": ");
  va_list ap;
  va_start(ap, fmt);
  mb_vformat(&m, fmt, ap);
  va_end(ap);
}

static void nomem_err(loader *L) {
  msgbuf m = err_begin(L->err, HSPEC_E_NOMEM, L->spec->name);
  mb_cstr(&m, "out of memory while loading the spec");
}

static const char *type_name(const cJSON *n) {
  switch (n ? n->type & 0xFF : 0) {
  case cJSON_False:
  case cJSON_True: return "a boolean";
  case cJSON_NULL: return "null";
  case cJSON_Number: return "a number";
  case cJSON_String: return "a string";
  case cJSON_Array: return "an array";
  case cJSON_Object: return "an object";
  default: return "an invalid value";
  }
}

const char *hspec_code_name(hspec_code code) {
  switch (code) {
  case HSPEC_OK: return "ok";
  case HSPEC_E_IO: return "io";
  case HSPEC_E_JSON: return "json";
  case HSPEC_E_VERSION: return "version";
  case HSPEC_E_SHAPE: return "shape";
  case HSPEC_E_REF: return "ref";
  case HSPEC_E_LIMIT: return "limit";
  case HSPEC_E_NOMEM: return "nomem";
  }
  return "unknown";
}

/* ------------------------------------------------------------- utilities */

static int key_is(const cJSON *member, const char *name) {
  size_t n;
  const char *k = hjson_key(member, &n);
  return k && n == strlen(name) && memcmp(k, name, n) == 0;
}

static int key_has_prefix(const char *k, size_t n, const char *prefix) {
  size_t p = strlen(prefix);
  return n >= p && memcmp(k, prefix, p) == 0;
}

static const cJSON *member(const cJSON *obj, const char *name) {
  return hjson_get(obj, name, strlen(name));
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static int ascii_caseeq(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn)
    return 0;
  for (size_t i = 0; i < an; i++)
    if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
      return 0;
  return 1;
}

/* Turns a ref "#..." into the RFC 6901 pointer it names: percent-decoded,
 * then checked (empty or starting with '/', every '~' followed by 0 or 1).
 * Returns 0 with *why set when the ref is not a valid local pointer. */
static int ref_to_pointer(const char *ref, size_t n, hbuf *out, const char **why) {
  out->n = 0;
  if (!hbuf_reserve(out, n)) {
    *why = "out of memory";
    return 0;
  }
  out->p[0] = '\0';
  for (size_t i = 1; i < n; i++) {
    char c = ref[i];
    if (c == '%') {
      int hi = i + 2 < n ? hutil_hexval((unsigned char)ref[i + 1]) : -1;
      int lo = i + 2 < n ? hutil_hexval((unsigned char)ref[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *why = "invalid percent-escape (expected % and two hex digits)";
        return 0;
      }
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    out->p[out->n++] = c;
  }
  out->p[out->n] = '\0';
  if (out->n && out->p[0] != '/') {
    *why = "invalid JSON pointer (it must be empty or start with '/')";
    return 0;
  }
  for (size_t i = 0; i < out->n; i++)
    if (out->p[i] == '~' && (i + 1 >= out->n || (out->p[i + 1] != '0' && out->p[i + 1] != '1'))) {
      *why = "invalid JSON pointer escape ('~' must be followed by 0 or 1)";
      return 0;
    }
  return 1;
}

/* Unescapes one token p[0..n) (~1 -> '/', ~0 -> '~') into tok. */
static void token_unescape(const char *p, size_t n, hbuf *tok) {
  tok->n = 0;
  if (!hbuf_reserve(tok, n))
    return;
  tok->n = hjson_pointer_unescape(p, n, tok->p);
  tok->p[tok->n] = '\0';
}

/* A plain decimal array index ("0", "17"; no sign, no leading zero). */
static int parse_index(const char *s, size_t n, size_t *out) {
  if (n == 0 || (n > 1 && s[0] == '0'))
    return 0;
  size_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    size_t d = (size_t)(s[i] - '0');
    if (v > (SIZE_MAX - d) / 10)
      return 0;
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

/* Re-encodes a valid pointer as a canonical fragment "#/a/b". */
static void pointer_to_fragment(const char *p, size_t n, hbuf *out, hbuf *tok) {
  out->n = 0;
  hbuf_add(out, "#", 1);
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && p[j] != '/')
      j++;
    token_unescape(p + i + 1, j - i - 1, tok);
    if (sb_bad(tok)) {
      out->nomem = 1;
      return;
    }
    sb_ptr_push(out, tok->p, tok->n);
    i = j;
  }
}

/* ------------------------------------------------ load-time child lookup */

static size_t key_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return (size_t)(h ^ (h >> 29));
}

/* Builds the index of a container with more than HSPEC_SMALL_CONTAINER
 * children.  Returns its slot in L->idx, or SIZE_MAX when out of memory. */
static size_t index_build(loader *L, const cJSON *c) {
  size_t count = 0;
  for (const cJSON *k = c->child; k; k = k->next)
    count++;
  if (L->n_idx == L->cap_idx) {
    size_t cap = L->cap_idx ? L->cap_idx * 2 : 16;
    cindex *p = realloc(L->idx, cap * sizeof *p);
    if (!p)
      return SIZE_MAX;
    L->idx = p;
    L->cap_idx = cap;
  }
  cindex ix = {NULL, 0};
  if (cJSON_IsArray(c)) {
    ix.n = count;
    ix.slots = hutil_arena_alloc(&L->tmp, count * sizeof *ix.slots);
    if (!ix.slots)
      return SIZE_MAX;
    size_t i = 0;
    for (const cJSON *k = c->child; k; k = k->next)
      ix.slots[i++] = k;
  } else {
    ix.n = 64;
    while (ix.n < count * 2)
      ix.n *= 2;
    if (ix.n > SIZE_MAX / sizeof *ix.slots)
      return SIZE_MAX;
    ix.slots = hutil_arena_alloc(&L->tmp, ix.n * sizeof *ix.slots);
    if (!ix.slots)
      return SIZE_MAX;
    memset(ix.slots, 0, ix.n * sizeof *ix.slots);
    for (const cJSON *k = c->child; k; k = k->next) {
      size_t kn;
      const char *ks = hjson_key(k, &kn);
      if (!ks)
        continue;
      size_t j = key_hash(ks, kn) & (ix.n - 1);
      while (ix.slots[j])
        j = (j + 1) & (ix.n - 1);
      ix.slots[j] = k;
    }
  }
  if (!ptrmap_put(&L->idxmap, c, L->n_idx))
    return SIZE_MAX;
  L->idx[L->n_idx] = ix;
  return L->n_idx++;
}

/* The child of container c named by an unescaped token; NULL when absent.
 * *oom is set when an index could not be built. */
static const cJSON *child_lookup(loader *L, const cJSON *c, const char *tok, size_t n, int *oom) {
  int is_array = cJSON_IsArray(c);
  size_t want = 0;
  if (is_array && !parse_index(tok, n, &want))
    return NULL;
  if (!is_array && !cJSON_IsObject(c))
    return NULL;
  size_t slot;
  if (!ptrmap_get(&L->idxmap, c, &slot)) {
    size_t i = 0;
    const cJSON *k = c->child;
    for (; k && i < HSPEC_SMALL_CONTAINER; k = k->next, i++) {
      if (is_array) {
        if (i == want)
          return k;
      } else {
        size_t kn;
        const char *ks = hjson_key(k, &kn);
        if (ks && kn == n && memcmp(ks, tok, n) == 0)
          return k;
      }
    }
    if (!k)
      return NULL;
    slot = index_build(L, c);
    if (slot == SIZE_MAX) {
      *oom = 1;
      return NULL;
    }
  }
  const cindex *ix = &L->idx[slot];
  if (is_array)
    return want < ix->n ? ix->slots[want] : NULL;
  for (size_t j = key_hash(tok, n) & (ix->n - 1); ix->slots[j]; j = (j + 1) & (ix->n - 1)) {
    size_t kn;
    const char *ks = hjson_key(ix->slots[j], &kn);
    if (kn == n && memcmp(ks, tok, n) == 0)
      return ix->slots[j];
  }
  return NULL;
}

/* --------------------------------------------------------------- the refs */

/* Members whose value is a map from names to objects: inside such a map a
 * member called "$ref", "default" or "example" is a name, not a keyword. */
static int is_map_key(const char *k, size_t n) {
  static const char *const maps[] = {
      "properties",    "patternProperties", "definitions",     "$defs",
      "schemas",       "responses",         "parameters",      "examples",
      "requestBodies", "headers",           "securitySchemes", "links",
      "callbacks",     "content",           "encoding",        "paths",
      "variables",     "mapping",           "dependencies"};
  for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
    if (n == strlen(maps[i]) && memcmp(k, maps[i], n) == 0)
      return 1;
  return 0;
}

/* Members whose value is literal data, not spec structure: a "$ref" inside an
 * example (schema "example", Example Object "value"), a default or an enum
 * value is data and is neither checked nor followed.  The same goes for
 * specification extensions ("x-..."). */
static int is_literal_key(const char *k, size_t n) {
  return (n == 7 && memcmp(k, "example", 7) == 0) || (n == 7 && memcmp(k, "default", 7) == 0) ||
         (n == 4 && memcmp(k, "enum", 4) == 0) || (n == 5 && memcmp(k, "const", 5) == 0) ||
         (n == 5 && memcmp(k, "value", 5) == 0) || key_has_prefix(k, n, "x-");
}

static int ref_add(loader *L, const cJSON *obj) {
  hspec *s = L->spec;
  if (s->n_refs == L->cap_refs) {
    size_t cap = L->cap_refs ? L->cap_refs * 2 : 64;
    refent *p = realloc(s->refs, cap * sizeof *p);
    if (!p)
      return 0;
    s->refs = p;
    L->cap_refs = cap;
  }
  refent r = {obj, NULL, NULL, s->n_refs, 0};
  if (!ptrmap_put(&s->refmap, obj, s->n_refs))
    return 0;
  s->refs[s->n_refs++] = r;
  return 1;
}

/* Collects every object holding "$ref" outside literal data.  Depth is bounded
 * by the reader's nesting limit. */
static int refs_collect(loader *L, const cJSON *node, int is_map, unsigned depth) {
  if (depth > HSPEC_PARSE_DEPTH + 1)
    return 1;
  if (cJSON_IsObject(node)) {
    if (!is_map && member(node, "$ref") && !ref_add(L, node))
      return 0;
    for (const cJSON *c = node->child; c; c = c->next) {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      if (!k)
        continue;
      if (!is_map && (key_is(c, "$ref") || is_literal_key(k, kn)))
        continue;
      if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
        continue;
      if (!refs_collect(L, c, !is_map && is_map_key(k, kn), depth + 1))
        return 0;
    }
  } else if (cJSON_IsArray(node)) {
    for (const cJSON *c = node->child; c; c = c->next)
      if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !refs_collect(L, c, 0, depth + 1))
        return 0;
  }
  return 1;
}

/* The location of node in the document as a fragment, for messages. */
static int find_path(const cJSON *cur, const cJSON *target, hbuf *b, unsigned depth) {
  if (cur == target)
    return 1;
  if (depth > HSPEC_PARSE_DEPTH + 1 || (!cJSON_IsObject(cur) && !cJSON_IsArray(cur)))
    return 0;
  size_t mark = b->n, i = 0;
  for (const cJSON *c = cur->child; c; c = c->next, i++) {
    if (cJSON_IsArray(cur))
      sb_ptr_index(b, i);
    else {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      sb_ptr_push(b, k ? k : "", k ? kn : 0);
    }
    if (sb_bad(b))
      return 0;
    if (find_path(c, target, b, depth + 1))
      return 1;
    b->n = mark;
    b->p[mark] = '\0';
  }
  return 0;
}

/* HSPEC_E_REF: NAME: $ref "REF" at LOCATION: WHAT */
static void ref_err(loader *L, const refent *r, const char *fmt, ...) {
  const cJSON *rv = member(r->obj, "$ref");
  hbuf where = {0};
  hbuf_add(&where, "#", 1);
  find_path(L->spec->root, r->obj, &where, 0);
  msgbuf m = err_begin(L->err, HSPEC_E_REF, L->spec->name);
  mb_cstr(&m, "$ref ");
  size_t n;
  const char *s = hjson_string(rv, &n);
  if (s) {
    mb_cstr(&m, "\"");
    mb_text(&m, s, n, HSPEC_QUOTE_MAX);
    mb_cstr(&m, "\"");
  } else
    mb_cstr(&m, "member");
  mb_cstr(&m, " at ");
  if (sb_bad(&where))
    mb_cstr(&m, "(location unknown: out of memory)");
  else
    mb_text(&m, where.p, where.n, HSPEC_WHERE_MAX);
  mb_cstr(&m, ": ");
  va_list ap;
  va_start(ap, fmt);
  mb_vformat(&m, fmt, ap);
  va_end(ap);
  hbuf_free(&where);
}

/* Checks each ref and finds its direct target. */
static int refs_resolve(loader *L) {
  hspec *s = L->spec;
  hbuf ptr = {0}, tok = {0};
  int ok = 0;
  for (size_t i = 0; i < s->n_refs; i++) {
    refent *r = &s->refs[i];
    const cJSON *rv = member(r->obj, "$ref");
    size_t n;
    const char *str = hjson_string(rv, &n);
    if (!str) {
      ref_err(L, r, "$ref must be a string, not %s", type_name(rv));
      goto fail;
    }
    if (n == 0 || str[0] != '#') {
      ref_err(L, r,
              "remote or relative references are not supported (only local refs starting "
              "with \"#\")");
      goto fail;
    }
    const char *why = NULL;
    if (!ref_to_pointer(str, n, &ptr, &why)) {
      if (sb_bad(&ptr))
        goto nomem;
      ref_err(L, r, "%s", why);
      goto fail;
    }
    const cJSON *cur = s->root;
    size_t i0 = 0;
    while (cur && i0 < ptr.n) {
      size_t j = i0 + 1;
      while (j < ptr.n && ptr.p[j] != '/')
        j++;
      token_unescape(ptr.p + i0 + 1, j - i0 - 1, &tok);
      if (sb_bad(&tok))
        goto nomem;
      int oom = 0;
      cur = child_lookup(L, cur, tok.p, tok.n, &oom);
      if (oom)
        goto nomem;
      i0 = j;
    }
    if (!cur) {
      ref_err(L, r, "no such target");
      goto fail;
    }
    r->target = cur;
  }
  ok = 1;
  goto fail;
nomem:
  nomem_err(L);
fail:
  hbuf_free(&ptr);
  hbuf_free(&tok);
  return ok;
}

/* Follows every chain of $ref objects to its value, rejecting loops.  Each
 * ref is visited a bounded number of times: linear in the number of refs. */
static int refs_chains(loader *L) {
  hspec *s = L->spec;
  size_t *stack = s->n_refs ? malloc(s->n_refs * sizeof *stack) : NULL;
  if (s->n_refs && !stack) {
    nomem_err(L);
    return 0;
  }
  for (size_t i = 0; i < s->n_refs; i++) {
    if (s->refs[i].state == 2)
      continue;
    size_t depth = 0, cur = i, next;
    const cJSON *final = NULL;
    size_t last = 0;
    for (;;) {
      refent *r = &s->refs[cur];
      if (r->state == 2) {
        final = r->final;
        last = r->last;
        break;
      }
      if (r->state == 1) {
        /* cur is on the chain being followed: a loop. */
        size_t len = 0;
        for (size_t k = depth; k > 0; k--) {
          len++;
          if (stack[k - 1] == cur)
            break;
        }
        ref_err(L, r,
                "cyclic $ref (a chain of %zu $ref object%s leads back here without "
                "reaching a value)",
                len, len == 1 ? "" : "s");
        free(stack);
        return 0;
      }
      r->state = 1;
      stack[depth++] = cur;
      if (!ptrmap_get(&s->refmap, r->target, &next)) {
        final = r->target;
        last = cur;
        break;
      }
      cur = next;
    }
    while (depth > 0) {
      refent *r = &s->refs[stack[--depth]];
      r->state = 2;
      r->final = final;
      r->last = last;
    }
  }
  free(stack);
  return 1;
}

/* node itself, or the value its $ref chain ends at.  *loc gets the fragment
 * locating the result (the last ref string of the chain, canonicalized), or
 * is left alone when node is not a ref. */
static const cJSON *deref(loader *L, const cJSON *node, hbuf *loc) {
  size_t i;
  if (!cJSON_IsObject(node) || !ptrmap_get(&L->spec->refmap, node, &i))
    return node;
  const refent *r = &L->spec->refs[i];
  size_t n;
  const char *str = hjson_string(member(L->spec->refs[r->last].obj, "$ref"), &n);
  hbuf ptr = {0}, tok = {0};
  const char *why;
  if (str && ref_to_pointer(str, n, &ptr, &why))
    pointer_to_fragment(ptr.p, ptr.n, loc, &tok);
  if (sb_bad(&ptr) || sb_bad(&tok))
    loc->nomem = 1;
  hbuf_free(&ptr);
  hbuf_free(&tok);
  return r->final;
}

/* ------------------------------------------------------ shape and index */

static int check_version(loader *L) {
  const cJSON *v = member(L->spec->root, "openapi");
  size_t n;
  const char *s = hjson_string(v, &n);
  msgbuf m;
  if (!v) {
    m = err_begin(L->err, HSPEC_E_VERSION, L->spec->name);
    const cJSON *sw = member(L->spec->root, "swagger");
    if (sw)
      mb_cstr(&m, "#/openapi: member missing (this looks like a Swagger 2.0 document; only "
                  "OpenAPI 3.0.x is supported)");
    else
      mb_cstr(&m, "#/openapi: member missing (not an OpenAPI 3.0.x document)");
    return 0;
  }
  if (!s) {
    m = err_begin(L->err, HSPEC_E_VERSION, L->spec->name);
    mb_fmt(&m, "#/openapi: must be a string like \"3.0.3\", not %s", type_name(v));
    return 0;
  }
  int ok = n >= 5 && memcmp(s, "3.0.", 4) == 0;
  for (size_t i = 4; ok && i < n; i++)
    ok = s[i] >= '0' && s[i] <= '9';
  if (!ok) {
    m = err_begin(L->err, HSPEC_E_VERSION, L->spec->name);
    mb_cstr(&m, "#/openapi: version \"");
    mb_text(&m, s, n, HSPEC_QUOTE_MAX);
    mb_cstr(&m, "\" is not supported (only OpenAPI 3.0.x)");
    return 0;
  }
  return 1;
}

/* Type checks: "want" is a cJSON type bit.  where is the member's pointer. */
static int expect_type(loader *L, const cJSON *v, int want, const char *want_name,
                       const hbuf *where) {
  if (v && (v->type & 0xFF & want))
    return 1;
  if (!v)
    shape_err(L, where, "required member missing (must be %s)", want_name);
  else
    shape_err(L, where, "must be %s, not %s", want_name, type_name(v));
  return 0;
}

/* An optional member of the given type. */
static int optional_type(loader *L, const cJSON *obj, const char *name, int want,
                         const char *want_name, hbuf *where) {
  const cJSON *v = member(obj, name);
  if (!v)
    return 1;
  size_t mark = where->n;
  sb_ptr_push(where, name, strlen(name));
  int ok = sb_bad(where) ? 0 : expect_type(L, v, want, want_name, where);
  if (sb_bad(where))
    nomem_err(L);
  where->n = mark;
  where->p[mark] = '\0';
  return ok;
}

/* where += "/name"; returns 0 (and reports) when out of memory. */
static int push(loader *L, hbuf *where, const char *name, size_t n) {
  sb_ptr_push(where, name, n);
  if (sb_bad(where)) {
    nomem_err(L);
    return 0;
  }
  return 1;
}

static void pop(hbuf *where, size_t mark) {
  where->n = mark;
  if (where->p)
    where->p[mark] = '\0';
}

static int check_top(loader *L) {
  hspec *s = L->spec;
  hbuf w = {0};
  int ok = 0;
  hbuf_add(&w, "#", 1);
  const cJSON *info = member(s->root, "info");
  if (!push(L, &w, "info", 4) || !expect_type(L, info, cJSON_Object, "an object", &w))
    goto fail;
  const cJSON *title = member(info, "title"), *version = member(info, "version");
  size_t info_mark = w.n;
  if (!push(L, &w, "title", 5) || !expect_type(L, title, cJSON_String, "a string", &w))
    goto fail;
  pop(&w, info_mark);
  if (!push(L, &w, "version", 7) || !expect_type(L, version, cJSON_String, "a string", &w))
    goto fail;
  s->title = title->valuestring;
  s->version = version->valuestring;
  pop(&w, 1);
  if (!push(L, &w, "paths", 5) ||
      !expect_type(L, member(s->root, "paths"), cJSON_Object, "an object", &w))
    goto fail;
  pop(&w, 1);
  const cJSON *comp = member(s->root, "components");
  if (comp) {
    static const char *const maps[] = {"schemas",         "responses",     "parameters",
                                       "examples",        "requestBodies", "headers",
                                       "securitySchemes", "links",         "callbacks"};
    if (!push(L, &w, "components", 10) || !expect_type(L, comp, cJSON_Object, "an object", &w))
      goto fail;
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
      if (!optional_type(L, comp, maps[i], cJSON_Object, "an object", &w))
        goto fail;
    const cJSON *schemas = member(comp, "schemas");
    if (!push(L, &w, "schemas", 7))
      goto fail;
    size_t mark = w.n, count = 0;
    for (const cJSON *c = schemas ? schemas->child : NULL; c; c = c->next) {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      if (!push(L, &w, k, kn) || !expect_type(L, c, cJSON_Object, "a Schema Object", &w))
        goto fail;
      pop(&w, mark);
      count++;
    }
    s->comps = hutil_arena_alloc(&s->mem, (count ? count : 1) * sizeof *s->comps);
    if (!s->comps)
      goto nomem;
    hbuf p = {0};
    for (const cJSON *c = schemas ? schemas->child : NULL; c; c = c->next) {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      p.n = 0;
      hbuf_puts(&p, "#/components/schemas");
      sb_ptr_push(&p, k, kn);
      char *ptr = sb_bad(&p) ? NULL : hutil_arena_strndup(&s->mem, p.p, p.n);
      if (!ptr) {
        hbuf_free(&p);
        goto nomem;
      }
      compent ce = {k, kn, ptr};
      s->comps[s->n_comps++] = ce;
    }
    hbuf_free(&p);
  }
  ok = 1;
  goto fail;
nomem:
  nomem_err(L);
fail:
  hbuf_free(&w);
  return ok;
}

/* A content map (media type -> Media Type Object).  base locates the object
 * holding "content"; its pointer strings are built from it. */
static int index_content(loader *L, const cJSON *content, hbuf *where, const hspec_media **out,
                         size_t *n_out) {
  hspec *s = L->spec;
  size_t count = 0, mark = where->n;
  *out = NULL;
  *n_out = 0;
  for (const cJSON *c = content->child; c; c = c->next)
    count++;
  hspec_media *media = hutil_arena_alloc(&s->mem, (count ? count : 1) * sizeof *media);
  if (!media) {
    nomem_err(L);
    return 0;
  }
  size_t n = 0;
  for (const cJSON *c = content->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (!push(L, where, k, kn))
      return 0;
    if (!expect_type(L, c, cJSON_Object, "a Media Type Object", where))
      return 0;
    const cJSON *schema = member(c, "schema");
    if (!push(L, where, "schema", 6))
      return 0;
    if (schema && !expect_type(L, schema, cJSON_Object, "a Schema Object", where))
      return 0;
    hspec_media m = {k, schema, NULL};
    if (schema && !(m.schema_pointer = hutil_arena_strndup(&s->mem, where->p, where->n))) {
      nomem_err(L);
      return 0;
    }
    media[n++] = m;
    pop(where, mark);
  }
  *out = media;
  *n_out = n;
  return 1;
}

/* "201" -> 201, "4XX" -> 4, "default" -> -1; 0 when not a response code. */
static int response_code(const char *k, size_t n) {
  if (n == 7 && memcmp(k, "default", 7) == 0)
    return -1;
  if (n != 3 || k[0] < '1' || k[0] > '5')
    return 0;
  if (k[1] == 'X' && k[2] == 'X')
    return k[0] - '0';
  if (k[1] < '0' || k[1] > '9' || k[2] < '0' || k[2] > '9')
    return 0;
  return (k[0] - '0') * 100 + (k[1] - '0') * 10 + (k[2] - '0');
}

static int index_operation(loader *L, const cJSON *op, hbuf *where, hspec_operation *o) {
  hspec *s = L->spec;
  size_t mark = where->n;
  if (!expect_type(L, op, cJSON_Object, "an Operation Object", where))
    return 0;
  static const char *const strs[] = {"operationId", "summary", "description"};
  for (size_t i = 0; i < 3; i++)
    if (!optional_type(L, op, strs[i], cJSON_String, "a string", where))
      return 0;
  if (!optional_type(L, op, "tags", cJSON_Array, "an array", where) ||
      !optional_type(L, op, "parameters", cJSON_Array, "an array", where) ||
      !optional_type(L, op, "deprecated", cJSON_True | cJSON_False, "a boolean", where))
    return 0;
  const cJSON *v;
  if ((v = member(op, "operationId")))
    o->operation_id = v->valuestring;
  if ((v = member(op, "summary")))
    o->summary = v->valuestring;
  if ((v = member(op, "description")))
    o->description = v->valuestring;
  if (!(o->pointer = hutil_arena_strndup(&s->mem, where->p, where->n))) {
    nomem_err(L);
    return 0;
  }

  const cJSON *rb = member(op, "requestBody");
  if (rb) {
    hbuf loc = {0};
    if (!push(L, where, "requestBody", 11))
      return 0;
    if (!expect_type(L, rb, cJSON_Object, "a Request Body Object", where))
      return 0;
    const cJSON *body = deref(L, rb, &loc);
    hbuf *bw = where;
    if (body != rb) {
      bw = &loc;
      if (sb_bad(&loc)) {
        hbuf_free(&loc);
        nomem_err(L);
        return 0;
      }
      if (!expect_type(L, body, cJSON_Object, "a Request Body Object", bw)) {
        hbuf_free(&loc);
        return 0;
      }
    }
    int ok = optional_type(L, body, "required", cJSON_True | cJSON_False, "a boolean", bw) &&
             optional_type(L, body, "description", cJSON_String, "a string", bw);
    const cJSON *content = member(body, "content");
    size_t bmark = bw->n;
    ok = ok && push(L, bw, "content", 7) &&
         expect_type(L, content, cJSON_Object, "an object (media type -> Media Type Object)", bw) &&
         index_content(L, content, bw, &o->request, &o->n_request);
    pop(bw, bmark);
    hbuf_free(&loc);
    if (!ok)
      return 0;
    o->has_body = 1;
    o->body_required = cJSON_IsTrue(member(body, "required"));
    pop(where, mark);
  }

  const cJSON *resps = member(op, "responses");
  if (!push(L, where, "responses", 9))
    return 0;
  if (!expect_type(L, resps, cJSON_Object, "an object (status code -> Response Object)", where))
    return 0;
  size_t count = 0, rmark = where->n;
  for (const cJSON *c = resps->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (k && !key_has_prefix(k, kn, "x-"))
      count++;
  }
  if (count == 0) {
    shape_err(L, where, "declares no response (at least one is required)");
    return 0;
  }
  hspec_response *out = hutil_arena_alloc(&s->mem, count * sizeof *out);
  if (!out) {
    nomem_err(L);
    return 0;
  }
  size_t n = 0;
  for (const cJSON *c = resps->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (!k || key_has_prefix(k, kn, "x-"))
      continue;
    int code = response_code(k, kn);
    if (code == 0) {
      msgbuf m = err_begin(L->err, HSPEC_E_SHAPE, s->name);
      mb_text(&m, where->p, where->n, HSPEC_WHERE_MAX);
      mb_cstr(&m, ": \"");
      mb_text(&m, k, kn, HSPEC_QUOTE_MAX);
      mb_cstr(&m, "\" is not a response code (expected \"100\"-\"599\", \"1XX\"-\"5XX\" or "
                  "\"default\")");
      return 0;
    }
    if (!push(L, where, k, kn) || !expect_type(L, c, cJSON_Object, "a Response Object", where))
      return 0;
    hbuf loc = {0};
    const cJSON *r = deref(L, c, &loc);
    hbuf *bw = where;
    if (r != c) {
      bw = &loc;
      if (sb_bad(&loc)) {
        hbuf_free(&loc);
        nomem_err(L);
        return 0;
      }
    }
    hspec_response resp = {k, code, NULL, NULL, 0};
    int ok = expect_type(L, r, cJSON_Object, "a Response Object", bw) &&
             optional_type(L, r, "description", cJSON_String, "a string", bw) &&
             optional_type(L, r, "headers", cJSON_Object, "an object", bw) &&
             optional_type(L, r, "content", cJSON_Object,
                           "an object (media type -> Media Type Object)", bw);
    const cJSON *content = ok ? member(r, "content") : NULL;
    if (content) {
      size_t bmark = bw->n;
      ok = push(L, bw, "content", 7) && index_content(L, content, bw, &resp.media, &resp.n_media);
      pop(bw, bmark);
    }
    if (ok && member(r, "description"))
      resp.description = member(r, "description")->valuestring;
    hbuf_free(&loc);
    if (!ok)
      return 0;
    out[n++] = resp;
    pop(where, rmark);
  }
  o->responses = out;
  o->n_responses = n;
  pop(where, mark);
  return 1;
}

static int path_item_member_ok(const char *k, size_t n) {
  static const char *const fixed[] = {"$ref", "summary", "description", "servers", "parameters"};
  if (key_has_prefix(k, n, "x-"))
    return 1;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (n == strlen(fixed[i]) && memcmp(k, fixed[i], n) == 0)
      return 1;
  for (size_t i = 0; i < HSPEC_N_METHODS; i++)
    if (n == strlen(hspec_methods[i]) && memcmp(k, hspec_methods[i], n) == 0)
      return 1;
  return 0;
}

static int index_paths(loader *L) {
  hspec *s = L->spec;
  const cJSON *paths = member(s->root, "paths");
  size_t cap_ops = 0, n_paths = 0;
  int ok = 0;
  hbuf w = {0}, loc = {0};
  for (const cJSON *c = paths->child; c; c = c->next)
    n_paths++;
  s->paths = hutil_arena_alloc(&s->mem, (n_paths ? n_paths : 1) * sizeof *s->paths);
  if (!s->paths)
    goto nomem;
  hbuf_puts(&w, "#/paths");
  if (sb_bad(&w))
    goto nomem;
  for (const cJSON *c = paths->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (!k || key_has_prefix(k, kn, "x-"))
      continue;
    if (kn == 0 || k[0] != '/') {
      msgbuf m = err_begin(L->err, HSPEC_E_SHAPE, s->name);
      mb_cstr(&m, "#/paths: path \"");
      mb_text(&m, k, kn, HSPEC_QUOTE_MAX);
      mb_cstr(&m, "\" must begin with \"/\"");
      goto fail;
    }
    if (!push(L, &w, k, kn) || !expect_type(L, c, cJSON_Object, "a Path Item Object", &w))
      goto fail;
    loc.n = 0;
    const cJSON *item = deref(L, c, &loc);
    hbuf *iw = &w;
    if (item != c) {
      if (sb_bad(&loc))
        goto nomem;
      iw = &loc;
      if (!expect_type(L, item, cJSON_Object, "a Path Item Object", iw))
        goto fail;
    }
    for (const cJSON *m = item->child; m; m = m->next) {
      size_t mn;
      const char *mk = hjson_key(m, &mn);
      if (mk && !path_item_member_ok(mk, mn)) {
        msgbuf mb = err_begin(L->err, HSPEC_E_SHAPE, s->name);
        mb_text(&mb, iw->p, iw->n, HSPEC_WHERE_MAX);
        mb_cstr(&mb, ": unknown member \"");
        mb_text(&mb, mk, mn, HSPEC_QUOTE_MAX);
        mb_cstr(&mb, "\" in a Path Item (methods are lower case: get, put, post, delete, "
                     "options, head, patch, trace)");
        goto fail;
      }
    }
    if (!optional_type(L, item, "summary", cJSON_String, "a string", iw) ||
        !optional_type(L, item, "description", cJSON_String, "a string", iw) ||
        !optional_type(L, item, "parameters", cJSON_Array, "an array", iw) ||
        !optional_type(L, item, "servers", cJSON_Array, "an array", iw))
      goto fail;
    pathent pe = {k, kn, s->n_ops, 0, NULL};
    char allowed[64];
    size_t alen = 0;
    size_t imark = iw->n;
    for (size_t mi = 0; mi < HSPEC_N_METHODS; mi++) {
      const cJSON *op = member(item, hspec_methods[mi]);
      if (!op)
        continue;
      if (s->n_ops == cap_ops) {
        size_t cap = cap_ops ? cap_ops * 2 : 8;
        hspec_operation *p = realloc(s->ops, cap * sizeof *p);
        if (!p)
          goto nomem;
        s->ops = p;
        cap_ops = cap;
      }
      hspec_operation *o = &s->ops[s->n_ops];
      memset(o, 0, sizeof *o);
      o->method = hspec_methods[mi];
      o->path = k;
      if (!push(L, iw, hspec_methods[mi], strlen(hspec_methods[mi])) ||
          !index_operation(L, op, iw, o))
        goto fail;
      pop(iw, imark);
      s->n_ops++;
      pe.count++;
      /* at most 8 methods of at most 7 letters plus ", ": fits in 64 */
      if (alen) {
        allowed[alen++] = ',';
        allowed[alen++] = ' ';
      }
      for (const char *mc = hspec_methods[mi]; *mc; mc++)
        allowed[alen++] = (char)(*mc - 'a' + 'A');
    }
    if (!(pe.allowed = hutil_arena_strndup(&s->mem, allowed, alen)))
      goto nomem;
    s->paths[s->n_paths++] = pe;
    pop(&w, 7);
  }
  ok = 1;
  goto fail;
nomem:
  nomem_err(L);
fail:
  hbuf_free(&w);
  hbuf_free(&loc);
  return ok;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  return c ? c : (an < bn ? -1 : an > bn);
}

static int pathent_cmp(const void *a, const void *b) {
  const pathent *x = a, *y = b;
  return bytes_cmp(x->path, x->len, y->path, y->len);
}

static int compent_cmp(const void *a, const void *b) {
  const compent *x = a, *y = b;
  return bytes_cmp(x->name, x->len, y->name, y->len);
}

/* ------------------------------------------------------------------ load */

hspec *hspec_load(const char *data, size_t len, const char *name, hspec_error *err) {
  hspec_error local;
  if (!err)
    err = &local;
  err->code = HSPEC_OK;
  err->msg[0] = '\0';
  if (!name)
    name = "spec";
  loader L;
  memset(&L, 0, sizeof L);
  L.err = err;
  hspec *s = calloc(1, sizeof *s);
  if (!s || !(s->name = malloc(strlen(name) + 1))) {
    free(s);
    msgbuf m = err_begin(err, HSPEC_E_NOMEM, name);
    mb_cstr(&m, "out of memory while loading the spec");
    return NULL;
  }
  memcpy(s->name, name, strlen(name) + 1);
  L.spec = s;
  if (!data && len) {
    msgbuf m = err_begin(err, HSPEC_E_IO, name);
    mb_cstr(&m, "no document data");
    goto fail;
  }
  if (len > HSPEC_MAX_BYTES) {
    msgbuf m = err_begin(err, HSPEC_E_LIMIT, name);
    mb_fmt(&m, "document is %zu bytes, over the %zu-byte limit", len, HSPEC_MAX_BYTES);
    goto fail;
  }
  hspec_sha256_hex(data ? data : "", len, s->sha);

  if (!(s->doc = hjson_doc_new()))
    goto nomem;
  hjson_options opts = {HSPEC_PARSE_DEPTH, 0, 0, HSPEC_MAX_BYTES, 0};
  hjson_error jerr;
  memset(&jerr, 0, sizeof jerr);
  s->root = hjson_parse(s->doc, data ? data : "", len, &opts, &jerr);
  if (!s->root) {
    if (jerr.code == HJSON_E_NOMEM)
      goto nomem;
    msgbuf m = err_begin(err, jerr.code == HJSON_E_LIMIT ? HSPEC_E_LIMIT : HSPEC_E_JSON, name);
    mb_fmt(&m, "not strict JSON (%s) at byte %zu, pointer \"", hjson_code_name(jerr.code),
           jerr.offset);
    jerr.pointer[HJSON_POINTER_MAX - 1] = '\0';
    mb_text(&m, jerr.pointer, strlen(jerr.pointer), HSPEC_WHERE_MAX);
    mb_cstr(&m, "\": ");
    mb_cstr(&m, jerr.msg ? jerr.msg : "invalid JSON");
    goto fail;
  }
  if (!cJSON_IsObject(s->root)) {
    msgbuf m = err_begin(err, HSPEC_E_SHAPE, name);
    mb_fmt(&m, "#: the document must be an object, not %s", type_name(s->root));
    goto fail;
  }
  if (!check_version(&L) || !check_top(&L))
    goto fail;
  if (!refs_collect(&L, s->root, 0, 0))
    goto nomem;
  if (!refs_resolve(&L) || !refs_chains(&L) || !index_paths(&L))
    goto fail;
  if (s->n_paths > 1)
    qsort(s->paths, s->n_paths, sizeof *s->paths, pathent_cmp);
  if (s->n_comps > 1)
    qsort(s->comps, s->n_comps, sizeof *s->comps, compent_cmp);
  ptrmap_free(&L.idxmap);
  free(L.idx);
  hutil_arena_free(&L.tmp);
  return s;
nomem:
  nomem_err(&L);
fail:
  ptrmap_free(&L.idxmap);
  free(L.idx);
  hutil_arena_free(&L.tmp);
  hspec_free(s);
  return NULL;
}

int hspec_builtin(const char *name, const char **data, size_t *len) {
  if (!name)
    return 0;
  if (!strncmp(name, HSPEC_BUILTIN_PREFIX, sizeof HSPEC_BUILTIN_PREFIX - 1))
    name += sizeof HSPEC_BUILTIN_PREFIX - 1;
  if (strcmp(name, HSPEC_EMBEDDED_SPEC_NAME) != 0)
    return 0;
  if (data)
    *data = (const char *)hspec_embedded_spec;
  if (len)
    *len = hspec_embedded_spec_len;
  return 1;
}

hspec *hspec_load_default(hspec_error *err) {
  return hspec_load_file(HSPEC_BUILTIN_DEFAULT, err);
}

hspec *hspec_load_file(const char *path, hspec_error *err) {
  hspec_error local;
  if (!err)
    err = &local;
  err->code = HSPEC_OK;
  err->msg[0] = '\0';
  char *buf = NULL;
  int fd = -1;
  if (!path) {
    msgbuf m = err_begin(err, HSPEC_E_IO, "spec");
    mb_cstr(&m, "no file name given");
    return NULL;
  }
  if (!strncmp(path, HSPEC_BUILTIN_PREFIX, sizeof HSPEC_BUILTIN_PREFIX - 1)) {
    const char *data;
    size_t len;
    if (!hspec_builtin(path, &data, &len)) {
      msgbuf m = err_begin(err, HSPEC_E_IO, path);
      mb_cstr(&m, "no such embedded spec (this build embeds " HSPEC_BUILTIN_PREFIX
                  HSPEC_EMBEDDED_SPEC_NAME "; write ./");
      mb_text(&m, path, strlen(path), HSPEC_QUOTE_MAX);
      mb_cstr(&m, " for a file of that name)");
      return NULL;
    }
    return hspec_load(data, len, path, err);
  }
  const char *what = "cannot open";
  /* O_NONBLOCK: opening a FIFO nobody writes to must not hang; reads block
   * again below (a FIFO without a writer then reads as empty) */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    goto ioerr;
  struct stat st;
  what = "cannot read";
  if (fstat(fd, &st) != 0)
    goto ioerr;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
    goto ioerr;
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    goto ioerr;
  }
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > HSPEC_MAX_BYTES) {
    msgbuf m = err_begin(err, HSPEC_E_LIMIT, path);
    mb_fmt(&m, "file is %jd bytes, over the %zu-byte limit", (intmax_t)st.st_size, HSPEC_MAX_BYTES);
    goto fail;
  }
  size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= HSPEC_MAX_BYTES
                   ? (size_t)st.st_size + 1
                   : 65536;
  size_t len = 0;
  if (!(buf = malloc(cap)))
    goto nomem;
  for (;;) {
    if (len == cap) {
      if (cap > HSPEC_MAX_BYTES) {
        msgbuf m = err_begin(err, HSPEC_E_LIMIT, path);
        mb_fmt(&m, "file is larger than the %zu-byte limit", HSPEC_MAX_BYTES);
        goto fail;
      }
      size_t ncap = cap * 2 > HSPEC_MAX_BYTES + 1 ? HSPEC_MAX_BYTES + 1 : cap * 2;
      char *p = realloc(buf, ncap);
      if (!p)
        goto nomem;
      buf = p;
      cap = ncap;
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      goto ioerr;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  close(fd);
  fd = -1;
  hspec *s = hspec_load(buf, len, path, err);
  free(buf);
  return s;
ioerr : {
  int e = errno;
  char reason[128];
  if (strerror_r(e, reason, sizeof reason) != 0)
    snprintf(reason, sizeof reason, "error %d", e);
  msgbuf m = err_begin(err, HSPEC_E_IO, path);
  mb_cstr(&m, what);
  mb_cstr(&m, ": ");
  mb_cstr(&m, reason);
  goto fail;
}
nomem : {
  msgbuf m = err_begin(err, HSPEC_E_NOMEM, path);
  mb_cstr(&m, "out of memory while reading the file");
}
fail:
  if (fd >= 0)
    close(fd);
  free(buf);
  return NULL;
}

void hspec_free(hspec *spec) {
  if (!spec)
    return;
  hjson_doc_free(spec->doc);
  hutil_arena_free(&spec->mem);
  free(spec->ops);
  free(spec->refs);
  ptrmap_free(&spec->refmap);
  free(spec->name);
  free(spec);
}

/* -------------------------------------------------------------- queries */

const cJSON *hspec_root(const hspec *spec) { return spec ? spec->root : NULL; }
const char *hspec_title(const hspec *spec) { return spec ? spec->title : NULL; }
const char *hspec_version(const hspec *spec) { return spec ? spec->version : NULL; }
const char *hspec_sha256(const hspec *spec) { return spec ? spec->sha : NULL; }
const char *hspec_name(const hspec *spec) { return spec ? spec->name : NULL; }
size_t hspec_operation_count(const hspec *spec) { return spec ? spec->n_ops : 0; }

const hspec_operation *hspec_operation_at(const hspec *spec, size_t i) {
  return spec && i < spec->n_ops ? &spec->ops[i] : NULL;
}

static const pathent *find_path_entry(const hspec *spec, const char *path) {
  if (!spec || !path || !spec->n_paths)
    return NULL;
  pathent key = {path, strlen(path), 0, 0, NULL};
  return bsearch(&key, spec->paths, spec->n_paths, sizeof key, pathent_cmp);
}

const hspec_operation *hspec_find(const hspec *spec, const char *method, const char *path) {
  const pathent *pe = find_path_entry(spec, path);
  if (!pe || !method)
    return NULL;
  for (size_t i = pe->first; i < pe->first + pe->count; i++)
    if (ascii_caseeq(method, strlen(method), spec->ops[i].method, strlen(spec->ops[i].method)))
      return &spec->ops[i];
  return NULL;
}

const char *hspec_allowed_methods(const hspec *spec, const char *path) {
  const pathent *pe = find_path_entry(spec, path);
  return pe ? pe->allowed : NULL;
}

int hspec_status_matches(const hspec_response *r, int status) {
  if (!r)
    return 0;
  if (r->status == -1)
    return 1;
  if (r->status >= 1 && r->status <= 5)
    return status >= 100 && status <= 599 && status / 100 == r->status;
  return r->status == status;
}

const hspec_response *hspec_response_for(const hspec_operation *op, int status) {
  if (!op)
    return NULL;
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status >= 100 && op->responses[i].status == status)
      return &op->responses[i];
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status >= 1 && op->responses[i].status <= 5 &&
        hspec_status_matches(&op->responses[i], status))
      return &op->responses[i];
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status == -1)
      return &op->responses[i];
  return NULL;
}

/* RFC 9110 token characters. */
static int is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Splits "type/subtype; params" into its two tokens (whitespace around
 * trimmed).  Returns 0 when malformed. */
static int split_media(const char *v, const char **type, size_t *tn, const char **sub, size_t *sn) {
  size_t n = strcspn(v, ";");
  size_t b = 0;
  while (b < n && (v[b] == ' ' || v[b] == '\t'))
    b++;
  while (n > b && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  size_t slash = b;
  while (slash < n && v[slash] != '/')
    slash++;
  if (slash == b || slash >= n - 1 || slash == n)
    return 0;
  for (size_t i = b; i < n; i++)
    if (i != slash && !is_tchar((unsigned char)v[i]))
      return 0;
  *type = v + b;
  *tn = slash - b;
  *sub = v + slash + 1;
  *sn = n - slash - 1;
  return 1;
}

const hspec_media *hspec_match_media(const hspec_media *list, size_t n, const char *content_type) {
  if (!list || !content_type || !*content_type)
    return NULL;
  const char *t, *st;
  size_t tn, sn;
  if (!split_media(content_type, &t, &tn, &st, &sn))
    return NULL;
  const hspec_media *best = NULL;
  int best_score = 0;
  for (size_t i = 0; i < n; i++) {
    const char *et, *es;
    size_t etn, esn;
    if (!list[i].media_type || !split_media(list[i].media_type, &et, &etn, &es, &esn))
      continue;
    int score = 0;
    int same_type = ascii_caseeq(t, tn, et, etn);
    if (same_type && ascii_caseeq(st, sn, es, esn))
      score = 4;
    else if (same_type && esn >= 2 && es[0] == '*' && es[1] == '+') {
      /* "*+json": the subtype ends in "+json" with at least one byte before it */
      size_t suf = esn - 1;
      if (sn > suf && ascii_caseeq(st + sn - suf, suf, es + 1, suf))
        score = 3;
    } else if (same_type && esn == 1 && es[0] == '*')
      score = 2;
    else if (etn == 1 && et[0] == '*' && esn == 1 && es[0] == '*')
      score = 1;
    if (score > best_score) {
      best = &list[i];
      best_score = score;
    }
  }
  return best;
}

const cJSON *hspec_resolve(const hspec *spec, const char *ref, const char **why) {
  const char *dummy;
  if (!why)
    why = &dummy;
  *why = NULL;
  if (!spec || !ref) {
    *why = "no spec or no ref";
    return NULL;
  }
  size_t n = strlen(ref);
  if (n == 0 || ref[0] != '#') {
    *why = "not a local ref (it must start with \"#\")";
    return NULL;
  }
  hbuf ptr = {0};
  const cJSON *node = NULL;
  if (!ref_to_pointer(ref, n, &ptr, why))
    goto fail;
  node = hjson_pointer_get(spec->root, ptr.p ? ptr.p : "", ptr.n, why);
  if (!node) {
    if (!*why)
      *why = "no such target";
    goto fail;
  }
  size_t i;
  if (cJSON_IsObject(node) && ptrmap_get(&spec->refmap, node, &i))
    node = spec->refs[i].final;
fail:
  hbuf_free(&ptr);
  return node;
}

const char *hspec_component_schema_pointer(const hspec *spec, const char *name) {
  if (!spec || !name || !spec->n_comps)
    return NULL;
  compent key = {name, strlen(name), NULL};
  const compent *c = bsearch(&key, spec->comps, spec->n_comps, sizeof key, compent_cmp);
  return c ? c->pointer : NULL;
}
