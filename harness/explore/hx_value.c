/* hx_value: the explore layer's JSON value tree, its renderer and its RNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/hx_internal.h"

/* ---- randomness (xorshift64*, seeded through splitmix64) ---- */

void hx_seed(hx_rng *r, uint64_t seed) {
  uint64_t z = seed + 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  z ^= z >> 31;
  r->s = z ? z : 0x2545f4914f6cdd1du;
}

uint64_t hx_next(hx_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545f4914f6cdd1du;
}

size_t hx_below(hx_rng *r, size_t n) { return n ? (size_t)(hx_next(r) % n) : 0; }

int hx_chance(hx_rng *r, unsigned per_mille) { return hx_below(r, 1000) < per_mille; }

/* ---- the tree ---- */

hxv *hxv_new(hxv_kind k) {
  hxv *v = calloc(1, sizeof *v);
  if (v)
    v->kind = k;
  return v;
}

static char *dupbytes(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p)
    return NULL;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

hxv *hxv_str(const char *s, size_t n) {
  hxv *v = hxv_new(HXV_STR);
  if (!v)
    return NULL;
  if (!(v->s = dupbytes(s, n))) {
    free(v);
    return NULL;
  }
  v->n = n;
  return v;
}

hxv *hxv_num(const char *text) {
  hxv *v = hxv_str(text, strlen(text));
  if (v)
    v->kind = HXV_NUM;
  return v;
}

void hxv_free(hxv *v) {
  if (!v)
    return;
  for (size_t i = 0; i < v->nk; i++)
    hxv_free(v->kids[i]);
  free(v->kids);
  free(v->s);
  free(v->name);
  free(v);
}

int hxv_set_name(hxv *v, const char *name, size_t n) {
  char *p = dupbytes(name, n);
  if (!p)
    return 0;
  free(v->name);
  v->name = p;
  v->name_len = n;
  return 1;
}

hxv *hxv_dup(const hxv *v) {
  if (!v)
    return NULL;
  hxv *c = hxv_new(v->kind);
  if (!c)
    return NULL;
  c->m = v->m;
  if (v->s && !(c->s = dupbytes(v->s, v->n)))
    goto fail;
  c->n = v->n;
  if (v->name && !hxv_set_name(c, v->name, v->name_len))
    goto fail;
  for (size_t i = 0; i < v->nk; i++) {
    hxv *k = hxv_dup(v->kids[i]);
    if (!k || !hxv_push(c, k))
      goto fail;
  }
  return c;
fail:
  hxv_free(c);
  return NULL;
}

int hxv_push(hxv *parent, hxv *kid) {
  if (!kid)
    return 0;
  if (parent->nk == parent->ck) {
    size_t nc = parent->ck ? parent->ck * 2 : 4;
    hxv **k = realloc(parent->kids, nc * sizeof *k);
    if (!k) {
      hxv_free(kid);
      return 0;
    }
    parent->kids = k;
    parent->ck = nc;
  }
  parent->kids[parent->nk++] = kid;
  return 1;
}

void hxv_remove(hxv *parent, size_t i) {
  if (i >= parent->nk)
    return;
  hxv_free(parent->kids[i]);
  memmove(parent->kids + i, parent->kids + i + 1, (parent->nk - i - 1) * sizeof *parent->kids);
  parent->nk--;
}

size_t hxv_count(const hxv *v) {
  size_t n = 1;
  for (size_t i = 0; i < v->nk; i++)
    n += hxv_count(v->kids[i]);
  return n;
}

hxv *hxv_from_json(const cJSON *node) {
  if (!node)
    return NULL;
  hxv *v = NULL;
  size_t len;
  const char *s;
  switch (node->type & 0xFF) {
  case cJSON_NULL: v = hxv_new(HXV_NULL); break;
  case cJSON_True: v = hxv_new(HXV_TRUE); break;
  case cJSON_False: v = hxv_new(HXV_FALSE); break;
  case cJSON_Number: {
    const char *t = hjson_number_text(node);
    char buf[64];
    if (!t) {
      snprintf(buf, sizeof buf, "%.17g", node->valuedouble);
      t = buf;
    }
    v = hxv_num(t);
    break;
  }
  case cJSON_String:
    s = hjson_string(node, &len);
    v = hxv_str(s ? s : "", s ? len : 0);
    break;
  case cJSON_Array:
  case cJSON_Object: {
    int obj = (node->type & 0xFF) == cJSON_Object;
    v = hxv_new(obj ? HXV_OBJ : HXV_ARR);
    for (const cJSON *c = node->child; v && c; c = c->next) {
      hxv *k = hxv_from_json(c);
      if (!k) {
        hxv_free(v);
        return NULL;
      }
      if (obj) {
        const char *name = hjson_key(c, &len);
        if (!hxv_set_name(k, name ? name : "", name ? len : 0)) {
          hxv_free(k);
          hxv_free(v);
          return NULL;
        }
      }
      if (!hxv_push(v, k)) {
        hxv_free(v);
        return NULL;
      }
    }
    break;
  }
  default: v = hxv_new(HXV_NULL); break;
  }
  return v;
}

void hxv_attach(hxv *v, const hx_model *m) {
  v->m = m;
  for (size_t i = 0; i < v->nk; i++) {
    const hx_model *km = NULL;
    if (m && v->kind == HXV_OBJ)
      km = hx_model_prop(m, v->kids[i]->name, v->kids[i]->name_len);
    else if (m && v->kind == HXV_ARR)
      km = m->items;
    hxv_attach(v->kids[i], km);
  }
}

/* ---- rendering ---- */

int hx_rules_accept(const hxv *v, const hrules *rules, hjson_doc *doc, hschema_result *res) {
  hbuf b = {0};
  hx_style st;
  hx_style_compact(&st);
  hx_render(v, &st, &b);
  const cJSON *j = b.p ? hjson_parse(doc, b.p, b.n, NULL, NULL) : NULL;
  int ok = 0;
  if (j) {
    hschema_result_reset(res);
    ok = hrules_check_request(rules, NULL, j, res);
  }
  hbuf_free(&b);
  return ok;
}

void hx_style_compact(hx_style *st) {
  memset(st, 0, sizeof *st);
  st->nl = "\n";
  st->indent = "";
  st->rng = 1;
}

static unsigned style_roll(hx_style *st) {
  st->rng ^= st->rng << 13;
  st->rng ^= st->rng >> 7;
  st->rng ^= st->rng << 17;
  return (unsigned)(st->rng % 1000);
}

static void put_u(hbuf *b, unsigned cp, int upper) {
  hbuf_printf(b, upper ? "\\u%04X" : "\\u%04x", cp);
}

/* Decodes one UTF-8 sequence at s (valid input assumed: the tree holds valid
 * UTF-8 except where RAW is used); returns its length, the code point in *cp,
 * or 0 for an invalid byte. */
static size_t utf8_one(const unsigned char *s, size_t n, unsigned *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (!len || len > n)
    return 0;
  unsigned v = c & (0x3F >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    v = v << 6 | (s[i] & 0x3F);
  }
  *cp = v;
  return len;
}

static void render_string(const char *s, size_t n, hx_style *st, hbuf *b) {
  hbuf_add(b, "\"", 1);
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    if (!st->escape_ascii && !st->escape_nonascii) { /* a run written as is */
      size_t j = i;
      while (j < n && p[j] >= 0x20 && p[j] != '"' && p[j] != '\\' &&
             (p[j] != '/' || !st->escape_slash) && p[j] < 0x80)
        j++;
      if (j > i) {
        hbuf_add(b, p + i, j - i);
        i = j;
        continue;
      }
    }
    unsigned c = p[i];
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        char e[2] = {'\\', (char)c};
        hbuf_add(b, e, 2);
      } else if (c < 0x20) {
        const char *sh = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
                         : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
        if (sh && style_roll(st) >= 300)
          hbuf_puts(b, sh);
        else
          put_u(b, c, st->upper_hex);
      } else if (c == '/' && st->escape_slash) {
        hbuf_puts(b, "\\/");
      } else if (st->escape_ascii && style_roll(st) < (unsigned)st->escape_ascii) {
        put_u(b, c, st->upper_hex);
      } else {
        hbuf_add(b, p + i, 1);
      }
      i++;
      continue;
    }
    unsigned cp;
    size_t len = utf8_one(p + i, n - i, &cp);
    if (!len) { /* not UTF-8: written as is (the caller wanted these bytes) */
      hbuf_add(b, p + i, 1);
      i++;
      continue;
    }
    if (st->escape_nonascii && style_roll(st) < (unsigned)st->escape_nonascii) {
      if (cp >= 0x10000) {
        unsigned v = cp - 0x10000;
        put_u(b, 0xD800 + (v >> 10), st->upper_hex);
        put_u(b, 0xDC00 + (v & 0x3FF), st->upper_hex);
      } else {
        put_u(b, cp, st->upper_hex);
      }
    } else {
      hbuf_add(b, p + i, len);
    }
    i += len;
  }
  hbuf_add(b, "\"", 1);
}

#define MAX_INDENT 16 /* deeper levels keep this indentation (deep bodies stay linear) */

static void render_nl(hx_style *st, hbuf *b, int depth) {
  if (!st->pretty)
    return;
  size_t nl = strlen(st->nl), il = strlen(st->indent);
  hbuf_add(b, st->nl, nl);
  for (int i = 0; i < depth && i < MAX_INDENT; i++)
    hbuf_add(b, st->indent, il);
}

static void render(const hxv *v, hx_style *st, hbuf *b, int depth) {
  switch (v->kind) {
  case HXV_NULL: hbuf_puts(b, "null"); return;
  case HXV_TRUE: hbuf_puts(b, "true"); return;
  case HXV_FALSE: hbuf_puts(b, "false"); return;
  case HXV_NUM: hbuf_add(b, v->s, v->n); return;
  case HXV_STR: render_string(v->s, v->n, st, b); return;
  case HXV_RAW:
    hbuf_add(b, "\"", 1);
    hbuf_add(b, v->s, v->n);
    hbuf_add(b, "\"", 1);
    return;
  case HXV_ARR:
  case HXV_OBJ: {
    int obj = v->kind == HXV_OBJ;
    hbuf_add(b, obj ? "{" : "[", 1);
    for (size_t i = 0; i < v->nk; i++) {
      if (i)
        hbuf_add(b, ",", 1);
      render_nl(st, b, depth + 1);
      const hxv *k = v->kids[i];
      if (obj) {
        render_string(k->name ? k->name : "", k->name_len, st, b);
        hbuf_puts(b, st->pretty ? (st->space_colon ? " : " : ": ") : ":");
      }
      render(k, st, b, depth + 1);
    }
    if (v->nk)
      render_nl(st, b, depth);
    hbuf_add(b, obj ? "}" : "]", 1);
    return;
  }
  }
}

int hx_render(const hxv *v, hx_style *st, hbuf *out) {
  if (st->pretty && st->trailing_nl == 2)
    hbuf_puts(out, st->nl); /* leading white space */
  render(v, st, out, 0);
  if (st->trailing_nl)
    hbuf_puts(out, st->nl);
  return !out->nomem && !out->toobig;
}

void hx_style_random(hx_rng *r, hx_style *st) {
  hx_style_compact(st);
  st->rng = hx_next(r) | 1;
  st->pretty = hx_chance(r, 350);
  st->nl = hx_chance(r, 500) ? "\r\n" : "\n";
  static const char *const indents[] = {"  ", "\t", "    ", " "};
  st->indent = indents[hx_below(r, 4)];
  st->space_colon = hx_chance(r, 300);
  st->escape_ascii = hx_chance(r, 250) ? (int)(20 + hx_below(r, 200)) : 0;
  st->escape_nonascii = hx_chance(r, 400) ? (int)(200 + hx_below(r, 800)) : 0;
  st->escape_slash = hx_chance(r, 200);
  st->upper_hex = hx_chance(r, 500);
  st->trailing_nl = hx_chance(r, 250) ? (int)(1 + hx_below(r, 2)) : 0;
}
