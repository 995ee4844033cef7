/* hmock_created: the 201 body, built from the spec the mock was started with.
 *
 * The body follows the 201 response schema (its first JSON media type), walked
 * through the cached schema views (hmock_view_get: $ref, allOf, the first
 * anyOf / oneOf branch):
 *  - a documented member the request carries is echoed, recursively: an
 *    object through the member's own response schema, an array item by item,
 *    a string exactly as decoded (\u0000, non-BMP, 65,536 characters ...);
 *  - a documented member the request does not carry is generated
 *    (hmock_gen_scalar: formats, enums, bounds, patterns), unless the request
 *    schema documents it there too and the request left it out (nothing to
 *    echo), or it is writeOnly or deprecated, or it is optional and either
 *    stands in an array item (an echoed item carries what was asked and what
 *    is required, so an answer stays proportional to its request: 1,000
 *    modules) or would recurse (its component is already open, or the body
 *    is 8 levels deep);
 *  - where the schema allows members it does not list (additionalProperties
 *    not false; a bare {"type": "object"}), the request's other members are
 *    echoed as well, since nothing says they are not returned.
 * Three members come from the page and the judge rather than the schema, and
 * are written whether it lists them or not: "id" (a fresh name for the token:
 * from its uuid format or pattern when it has one, else TKN-dddd-dddd-dddd),
 * "revision" (1: prose.revision-one) and "token" (the secret value,
 * idt:<id>:<256 random bits>: prose.token-returned).  A 201 carries
 * Cache-Control: no-store; the token value is never logged.
 *
 * The echo faults (name-trimmed, name-truncated-255, nul-truncates,
 * non-ascii-as-question-mark, non-bmp-replaced, the modules-* faults) and the
 * 201 faults (extra-property, revision-*, no-token, duplicate-key,
 * 500-on-unicode, status-200, wrong-content-type) are applied here; the value
 * faults (bad-date-time, bad-enum, wrong-type, invalid-utf8) in hmock_gen.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_gen.h"
#include "mock/hmock_int.h"
#include "util/hutil.h"

#define GEN_OPTIONAL_DEPTH 8 /* optional members are generated above this depth */
#define GEN_MAX_DEPTH 24     /* below this, a generated container is empty */
#define GEN_MAX_ITEMS 16     /* items of a generated array */
#define MOCK_TOKEN_BYTES 32
#define NAME_PROPERTY "name"       /* the member the name faults bend */
#define MODULES_PROPERTY "modules" /* the array the modules-* faults bend (the page's) */
#define MODULES_CAP 100

typedef struct {
  const hmock *m;
  hbuf *b;
  hmock_gen g;
  char id[128];
  size_t id_len;
  int id_is_number;
  char token[256];
  int unusual;  /* an echoed string holds non-ASCII or NUL (500-on-unicode) */
  int in_items; /* inside an array item: optional members are not generated */
  const char *comps[GEN_MAX_DEPTH + 2];
  size_t n_comps;
} build;

static int comp_open(const build *t, const char *comp) {
  for (size_t i = 0; comp && i < t->n_comps; i++)
    if (!strcmp(t->comps[i], comp))
      return 1;
  return 0;
}

static int is(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && !memcmp(s, lit, n);
}

/* ------------------------------------------------------------------ echo */

/* A request string as this server stores and echoes it: exactly, unless an
 * echo fault is on (each is the way a storage layer commonly mangles text). */
static void echo_string(build *t, const char *s, size_t len, int is_name) {
  const hmock *m = t->m;
  for (size_t i = 0; i < len && !t->unusual; i++)
    t->unusual = (unsigned char)s[i] >= 0x80 || s[i] == 0;
  if (hmock_has(m, HMOCK_FAULT_NUL_TRUNCATES)) { /* a C string */
    const char *z = memchr(s, 0, len);
    if (z)
      len = (size_t)(z - s);
  }
  if (is_name && hmock_has(m, HMOCK_FAULT_NAME_TRIMMED)) { /* name.Trim() */
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
      s++;
      len--;
    }
    while (len > 0 &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
      len--;
  }
  if (is_name && hmock_has(m, HMOCK_FAULT_NAME_TRUNCATED_255)) { /* a VARCHAR(255) column */
    size_t chars = 0, i = 0;
    while (i < len && chars < 255) {
      size_t k = hutil_utf8_decode((const unsigned char *)s + i, len - i, NULL, NULL);
      i += k ? k : 1;
      chars++;
    }
    len = i < len ? i : len;
  }
  int ascii =
      hmock_has(m, HMOCK_FAULT_NON_ASCII_AS_QUESTION);  /* an ASCII encoder, '?' for the rest */
  int bmp = hmock_has(m, HMOCK_FAULT_NON_BMP_REPLACED); /* UCS-2 / utf8mb3 storage */
  if (!ascii && !bmp) {
    hmock_json_str(t->b, s, len);
    return;
  }
  char *o = malloc(len + 1);
  if (!o) {
    t->b->nomem = 1;
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    size_t k = hutil_utf8_decode((const unsigned char *)s + i, len - i, NULL, NULL);
    if (!k)
      k = 1;
    if (k > 1 && ascii) {
      o[n++] = '?';
    } else if (k == 4 && bmp) {
      memcpy(o + n, "\xEF\xBF\xBD", 3); /* U+FFFD */
      n += 3;
    } else {
      memcpy(o + n, s + i, k);
      n += k;
    }
    i += k;
  }
  hmock_json_str(t->b, o, n);
  free(o);
}

/* A request value the schema says nothing about, echoed as read. */
static void echo_any(build *t, const cJSON *v, int depth) {
  size_t len;
  const char *s = hjson_string(v, &len);
  if (s) {
    echo_string(t, s, len, 0);
  } else if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
    hmock_json_value(t->b, v, depth);
  } else {
    int obj = cJSON_IsObject(v), first = 1;
    hbuf_add(t->b, obj ? "{" : "[", 1);
    for (const cJSON *it = v->child; it && depth < (int)HJSON_HARD_MAX_DEPTH; it = it->next) {
      if (obj) {
        const char *k = hjson_key(it, &len);
        hmock_json_key(t->b, &first, k, len);
      } else if (!first) {
        hbuf_add(t->b, ",", 1);
      }
      first = 0;
      echo_any(t, it, depth + 1);
    }
    hbuf_add(t->b, obj ? "}" : "]", 1);
  }
}

/* -------------------------------------------------------------- structure */

static void put_object(build *t, const hcview *rv, const cJSON *qs, const cJSON *val, int depth);
static void put_array(build *t, const hcview *rv, const cJSON *qs, const cJSON *val, int depth,
                      int modules);

/* One value: the echo of val through the response view rv (NULL: the schema
 * says nothing here) and the request schema qs, or, without val, a generated
 * one. */
static void put_value(build *t, const hcview *rv, const cJSON *qs, const cJSON *val, int depth,
                      int modules, int is_name) {
  size_t len;
  const char *s;
  if (val) {
    if (rv && cJSON_IsObject(val) && (!rv->type || hcview_is_type(rv, "object")))
      put_object(t, rv, qs, val, depth);
    else if (cJSON_IsArray(val) && (!rv || !rv->type || hcview_is_type(rv, "array")))
      put_array(t, rv, qs, val, depth, modules);
    else if ((s = hjson_string(val, &len)))
      echo_string(t, s, len, is_name);
    else
      echo_any(t, val, depth);
  } else if (!rv->enumv && hcview_is_type(rv, "object")) {
    put_object(t, rv, NULL, NULL, depth);
  } else if (!rv->enumv && hcview_is_type(rv, "array")) {
    put_array(t, rv, NULL, NULL, depth, 0);
  } else {
    hmock_gen_scalar(&t->g, t->b, rv);
  }
}

/* The members the page and the judge name: written at their documented place
 * or, when the schema does not list them, id first and the others last. */
static int fixed_member(const char *name, size_t n) {
  return is(name, n, "id") || is(name, n, "revision") || is(name, n, "token");
}

static void put_fixed(build *t, const char *name, size_t n, int *first) {
  const hmock *m = t->m;
  hbuf *b = t->b;
  if (is(name, n, "id")) {
    for (int k = 0; k < (hmock_has(m, HMOCK_FAULT_DUPLICATE_KEY) ? 2 : 1); k++) {
      hmock_json_key(b, first, "id", 2);
      if (t->id_is_number)
        hbuf_add(b, t->id, t->id_len);
      else
        hmock_json_str(b, t->id, t->id_len);
    }
  } else if (is(name, n, "revision")) {
    hmock_json_key(b, first, "revision", 8);
    if (hmock_has(m, HMOCK_FAULT_REVISION_FLOAT))
      hbuf_puts(b, "1.0"); /* the fault: a float serializer */
    else
      hmock_json_int(b, hmock_has(m, HMOCK_FAULT_REVISION_NOT_1) ? 2 : 1);
  } else if (!hmock_has(m, HMOCK_FAULT_NO_TOKEN)) {
    hmock_json_key(b, first, "token", 5);
    hmock_json_cstr(b, t->token);
  }
}

static const cJSON *prop_in(const hcview *v, const char *name, size_t n) {
  for (size_t i = 0; v && i < v->n_props; i++)
    if (is(name, n, v->props[i].name))
      return v->props[i].schema;
  return NULL;
}

static void put_object(build *t, const hcview *rv, const cJSON *qs, const cJSON *val, int depth) {
  int top = depth == 0, first = 1;
  hcview qv;
  const hcview *q = val && qs ? hmock_view_get(t->m, qs, &qv) : NULL;
  int pushed = t->n_comps < sizeof t->comps / sizeof t->comps[0];
  if (pushed)
    t->comps[t->n_comps++] = rv->comp ? rv->comp : "";
  hbuf_add(t->b, "{", 1);
  if (top && !prop_in(rv, "id", 2))
    put_fixed(t, "id", 2, &first);
  for (size_t i = 0; i < rv->n_props && depth < GEN_MAX_DEPTH; i++) {
    const char *name = rv->props[i].name;
    size_t n = strlen(name);
    if (top && fixed_member(name, n)) {
      put_fixed(t, name, n, &first);
      continue;
    }
    const cJSON *member = val ? hjson_get(val, name, n) : NULL;
    int required = rv->props[i].required;
    if (!member && !required && t->in_items)
      continue; /* the common case of a long echoed array: decided without a view */
    hcview pvs;
    const hcview *pv = hmock_view_get(t->m, rv->props[i].schema, &pvs);
    if ((pv->write_only || pv->deprecated) && !required)
      continue;
    const cJSON *qp = prop_in(q, name, n);
    if (!member) {
      if (qp && !required)
        continue; /* a request field the request left out: nothing to return */
      if (!required && (depth + 1 >= GEN_OPTIONAL_DEPTH || comp_open(t, pv->comp)))
        continue;
    }
    hmock_json_key(t->b, &first, name, n);
    put_value(t, pv, qp, member, depth + 1, top && member && is(name, n, MODULES_PROPERTY),
              top && is(name, n, NAME_PROPERTY));
  }
  if (val && !rv->additional_false) {
    hcview avs;
    const hcview *av = rv->additional ? hmock_view_get(t->m, rv->additional, &avs) : NULL;
    for (const cJSON *it = val->child; it; it = it->next) {
      size_t n;
      const char *name = hjson_key(it, &n);
      if (prop_in(rv, name, n) || (top && fixed_member(name, n)))
        continue; /* written above */
      hmock_json_key(t->b, &first, name, n);
      put_value(t, av, NULL, it, depth + 1, top && is(name, n, MODULES_PROPERTY),
                top && is(name, n, NAME_PROPERTY));
    }
  }
  if (top) {
    if (!prop_in(rv, "revision", 8))
      put_fixed(t, "revision", 8, &first);
    if (!prop_in(rv, "token", 5))
      put_fixed(t, "token", 5, &first);
    if (hmock_has(t->m, HMOCK_FAULT_EXTRA_PROPERTY)) {
      hmock_json_key(t->b, &first, "internalNote", 12);
      hmock_json_cstr(t->b, "created by the apiharness mock");
    }
  }
  hbuf_add(t->b, "}", 1);
  t->n_comps -= (size_t)pushed;
}

/* 1 when the id was already in the set (an open-addressing table of hashes). */
static int seen_before(uint64_t *set, size_t cap, const char *id, size_t len) {
  uint64_t h = hutil_fnv1a(id, len, HUTIL_FNV_BASIS) | 1;
  for (size_t i = (size_t)(h % cap);; i = (i + 1) % cap) {
    if (set[i] == h)
      return 1;
    if (!set[i]) {
      set[i] = h;
      return 0;
    }
  }
}

static void put_array(build *t, const hcview *rv, const cJSON *qs, const cJSON *val, int depth,
                      int modules) {
  const hmock *m = t->m;
  hcview ivs, qvs;
  const hcview *items = rv && rv->items ? hmock_view_get(m, rv->items, &ivs) : NULL;
  const cJSON *qitems = val && qs ? hmock_view_get(m, qs, &qvs)->items : NULL;
  hbuf_add(t->b, "[", 1);
  if (!val) { /* generated: between minItems and maxItems, one item when free */
    long long n = rv->min_items > 0 ? rv->min_items : 1;
    if (depth >= GEN_OPTIONAL_DEPTH || !items || comp_open(t, items->comp) ||
        (rv->unique_items && rv->min_items < 2))
      n = rv->min_items > 0 ? rv->min_items
                            : (items && !comp_open(t, items->comp) && depth < GEN_OPTIONAL_DEPTH);
    if (rv->max_items >= 0 && n > rv->max_items)
      n = rv->max_items;
    if (n > GEN_MAX_ITEMS)
      n = GEN_MAX_ITEMS;
    for (long long i = 0; i < n && depth < GEN_MAX_DEPTH; i++) {
      if (i)
        hbuf_add(t->b, ",", 1);
      t->in_items++;
      if (items)
        put_value(t, items, NULL, NULL, depth + 1, 0, 0);
      else
        hbuf_puts(t->b, "null");
      t->in_items--;
    }
    hbuf_add(t->b, "]", 1);
    return;
  }
  int dedup = modules && hmock_has(m, HMOCK_FAULT_MODULES_DEDUPLICATED); /* a set, not a list */
  size_t cap = dedup ? 2 * (size_t)cJSON_GetArraySize(val) + 1 : 0;
  uint64_t *set = cap ? calloc(cap, sizeof *set) : NULL;
  if (cap && !set) {
    t->b->nomem = 1;
    return;
  }
  size_t written = 0;
  for (const cJSON *it = val->child; it; it = it->next) {
    if (modules && hmock_has(m, HMOCK_FAULT_MODULES_CAPPED) && written == MODULES_CAP)
      break; /* the fault: the first page of a paged lookup */
    size_t len;
    const char *id = hjson_string(hjson_get(it, "id", 2), &len);
    if (set && id && seen_before(set, cap, id, len))
      continue;
    if (written++)
      hbuf_add(t->b, ",", 1);
    t->in_items++;
    put_value(t, items, qitems, it, depth + 1, 0, 0);
    t->in_items--;
  }
  if (modules && hmock_has(m, HMOCK_FAULT_EXTRA_MODULE_ECHOED)) { /* a default module granted */
    if (written)
      hbuf_add(t->b, ",", 1);
    /* a whole generated item, its id with it */
    if (items)
      put_value(t, items, NULL, NULL, depth + 1, 0, 0);
    else
      hbuf_puts(t->b, "{\"id\":\"MOD-0000\"}");
  }
  hbuf_add(t->b, "]", 1);
  free(set);
}

/* ----------------------------------------------------------- the 201 itself */

static void b64url(const unsigned char *in, size_t n, char *out) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
    out[o++] = tab[v >> 6 & 63];
    out[o++] = tab[v & 63];
  }
  if (n - i == 1) {
    unsigned v = (unsigned)in[i] << 16;
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
  } else if (n - i == 2) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
    out[o++] = tab[v >> 6 & 63];
  }
  out[o] = 0;
}

/* The new token's id, as its documented schema wants it. */
static void make_id(build *t, const hcview *top, uint64_t serial) {
  const cJSON *p = prop_in(top, "id", 2);
  hcview ivs;
  const hcview *iv = p ? hmock_view_get(t->m, p, &ivs) : NULL;
  uint64_t n = serial % 1000000000000ULL;
  if (p && (hcview_is_type(iv, "integer") || hcview_is_type(iv, "number"))) {
    t->id_is_number = 1;
    t->id_len = (size_t)snprintf(t->id, sizeof t->id, "%llu", (unsigned long long)(n + 1));
    return;
  }
  if (p && iv->format && !strcmp(iv->format, "uuid")) {
    hbuf b = {.limit = sizeof t->id};
    hmock_gen_scalar(&t->g, &b, iv);
    if (b.p && b.n > 2 && b.n - 2 < sizeof t->id) {
      memcpy(t->id, b.p + 1, b.n - 2); /* without the quotes */
      t->id_len = b.n - 2;
      t->id[t->id_len] = 0;
      hbuf_free(&b);
      return;
    }
    hbuf_free(&b);
  }
  hcgen_pattern_opts po = {.pick = HCGEN_PICK_DIGITS, .offset = serial};
  if (p && iv->n_patterns && hcgen_pattern(iv->patterns[0], &po, t->id, sizeof t->id, &t->id_len))
    return;
  t->id_len =
      (size_t)snprintf(t->id, sizeof t->id, "TKN-%04u-%04u-%04u", (unsigned)(n / 100000000ULL),
                       (unsigned)(n / 10000ULL % 10000ULL), (unsigned)(n % 10000ULL));
}

void hmock_created(hmock *m, const cJSON *root, const cJSON *req_schema, hmock_response *out) {
  memset(out, 0, sizeof *out);
  hbuf b = {.limit = hmock_body_cap(m)};
  build t;
  memset(&t, 0, sizeof t);
  t.m = m;
  t.b = &b;
  uint64_t serial = m->id_base + atomic_fetch_add(&m->seq, 1);
  hmock_gen_init(&t.g, m, serial);
  hcview tops;
  const hcview *top = hmock_view_get(m, m->created_schema, &tops);
  make_id(&t, top, serial);
  unsigned char secret[MOCK_TOKEN_BYTES];
  char secret64[MOCK_TOKEN_BYTES * 4 / 3 + 4];
  if (hmock_random(secret, sizeof secret) != 0) {
    hmock_problem(m, 500, "no randomness for the token value", out);
    return;
  }
  b64url(secret, sizeof secret, secret64);
  snprintf(t.token, sizeof t.token, "idt:%.*s:%s", (int)t.id_len, t.id, secret64);
  explicit_bzero(secret, sizeof secret);
  explicit_bzero(secret64, sizeof secret64);

  put_object(&t, top, req_schema, cJSON_IsObject(root) ? root : NULL, 0);
  explicit_bzero(t.token, sizeof t.token);
  int failed = b.toobig || b.nomem;
  if (failed || (t.unusual && hmock_has(m, HMOCK_FAULT_500_ON_UNICODE))) {
    if (b.p)
      explicit_bzero(b.p, b.cap);
    hbuf_free(&b);
    /* the fault: the storage layer fails on what is not ASCII */
    hmock_problem(
        m, 500, failed ? "the response would be too large" : "the server failed to store the token",
        out);
    return;
  }
  out->status = hmock_has(m, HMOCK_FAULT_STATUS_200) ? 200 : 201;
  out->content_type = hmock_has(m, HMOCK_FAULT_WRONG_CONTENT_TYPE) ? "text/plain" : m->created_ct;
  out->body = b.p;
  out->body_len = b.n;
  out->no_store = 1;
}

void hmock_generate(const hmock *m, const cJSON *schema, hbuf *b) {
  build t;
  memset(&t, 0, sizeof t);
  t.m = m;
  t.b = b;
  hmock_gen_init(&t.g, m, m->id_base + atomic_load(&m->seq));
  hcview vs;
  put_value(&t, hmock_view_get(m, schema, &vs), NULL, NULL, 1, 0, 0);
}
