/* hspec_refs: $ref resolution at load time, and hspec_resolve afterwards.
 *
 * Every "$ref" of the document outside literal data (examples, defaults, enum
 * values, extensions) is collected, checked (a string, local, a valid pointer,
 * an existing target) and its chain followed to a value, rejecting loops.
 * This is done once, with a lookup index on every large container and a
 * pointer map from $ref objects to their entries, so that a huge document
 * with many refs loads in linear time, not quadratic.  Nothing here recurses
 * deeper than the parser's nesting limit. */
#include "spec/hspec_int.h"

#include <stdint.h>
#include <stdlib.h>

/* ---- pointer -> size_t map ---- */

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

/* ---- pointers and fragments ---- */

/* Turns a ref "#..." into the RFC 6901 pointer it names
 * (hjson_fragment_pointer).  Returns 0 with *why set when the ref is not a
 * valid local pointer. */
static int ref_to_pointer(const char *ref, size_t n, hbuf *out, const char **why) {
  return hjson_fragment_pointer(ref + 1, n - 1, out, why);
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
    if (hsp_bad(tok)) {
      out->nomem = 1;
      return;
    }
    hsp_ptr_push(out, tok->p, tok->n);
    i = j;
  }
}

/* ---- load-time child lookup ---- */

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

/* ---- the refs ---- */

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
         (n == 5 && memcmp(k, "value", 5) == 0) || hsp_key_has_prefix(k, n, "x-");
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
    if (!is_map && hsp_member(node, "$ref") && !ref_add(L, node))
      return 0;
    for (const cJSON *c = node->child; c; c = c->next) {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      if (!k)
        continue;
      if (!is_map && (hsp_key_is(c, "$ref") || is_literal_key(k, kn)))
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
      hbuf_printf(b, "/%zu", i);
    else {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      hsp_ptr_push(b, k ? k : "", k ? kn : 0);
    }
    if (hsp_bad(b))
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
  const cJSON *rv = hsp_member(r->obj, "$ref");
  hbuf where = {0};
  hbuf_add(&where, "#", 1);
  find_path(L->spec->root, r->obj, &where, 0);
  hbuf m = hsp_err_begin(L->err, HSPEC_E_REF, L->spec->name);
  hsp_msg(&m, "$ref ");
  size_t n;
  const char *s = hjson_string(rv, &n);
  if (s) {
    hsp_msg(&m, "\"");
    hsp_msg_text(&m, s, n, HSPEC_QUOTE_MAX);
    hsp_msg(&m, "\"");
  } else
    hsp_msg(&m, "member");
  hsp_msg(&m, " at ");
  if (hsp_bad(&where))
    hsp_msg(&m, "(location unknown: out of memory)");
  else
    hsp_msg_text(&m, where.p, where.n, HSPEC_WHERE_MAX);
  hsp_msg(&m, ": ");
  va_list ap;
  va_start(ap, fmt);
  hsp_msg_v(&m, fmt, ap);
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
    const cJSON *rv = hsp_member(r->obj, "$ref");
    size_t n;
    const char *str = hjson_string(rv, &n);
    if (!str) {
      ref_err(L, r, "$ref must be a string, not %s", hsp_type_name(rv));
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
      if (hsp_bad(&ptr))
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
      if (hsp_bad(&tok))
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
  hsp_nomem_err(L);
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
    hsp_nomem_err(L);
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

int hsp_refs_load(loader *L) {
  if (!refs_collect(L, L->spec->root, 0, 0)) {
    hsp_nomem_err(L);
    return 0;
  }
  return refs_resolve(L) && refs_chains(L);
}

/* node itself, or the value its $ref chain ends at.  *loc gets the fragment
 * locating the result (the last ref string of the chain, canonicalized), or
 * is left alone when node is not a ref. */
const cJSON *hsp_deref(loader *L, const cJSON *node, hbuf *loc) {
  size_t i;
  if (!cJSON_IsObject(node) || !ptrmap_get(&L->spec->refmap, node, &i))
    return node;
  const refent *r = &L->spec->refs[i];
  size_t n;
  const char *str = hjson_string(hsp_member(L->spec->refs[r->last].obj, "$ref"), &n);
  hbuf ptr = {0}, tok = {0};
  const char *why;
  if (str && ref_to_pointer(str, n, &ptr, &why))
    pointer_to_fragment(ptr.p, ptr.n, loc, &tok);
  if (hsp_bad(&ptr) || hsp_bad(&tok))
    loc->nomem = 1;
  hbuf_free(&ptr);
  hbuf_free(&tok);
  return r->final;
}

void hsp_loader_release(loader *L) {
  ptrmap_free(&L->idxmap);
  free(L->idx);
  L->idx = NULL;
  hutil_arena_free(&L->tmp);
}

void hsp_refs_free(hspec *s) {
  free(s->refs);
  s->refs = NULL;
  ptrmap_free(&s->refmap);
}

/* ---- after the load ---- */

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
