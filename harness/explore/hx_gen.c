/* hx_gen: random valid and invalid request bodies from the model, byte-level
 * mutations, and the libFuzzer custom mutator built on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_gen.h"
#include "explore/hx_internal.h"

#define MAX_PLACES 512
#define LONG_MAX_BYTES 6000
#define GEN_MAX_PRETTY ((size_t)64 << 10) /* a pretty body over this is rendered compact */

/* ---- strings from patterns ---- */

static uint64_t rng_cb(void *ctx) { return hx_next(ctx); }

/* One string matching an ECMA-262 pattern, from the harness's one generator
 * (hcgen_pattern): members drawn from r, now and then all the lowest or all
 * the highest of their class (ids at the ends of their range); each
 * quantifier repeats 0..4 times past its least count, within its bound. */
int hx_pattern_example(hx_rng *r, const char *pattern, char *out, size_t cap) {
  int mode = hx_chance(r, 100) ? 1 : hx_chance(r, 110) ? 2 : 0; /* 1: lowest, 2: highest */
  hcgen_pattern_opts o = {.pick = mode == 1   ? HCGEN_PICK_FIRST
                                  : mode == 2 ? HCGEN_PICK_LAST
                                              : HCGEN_PICK_RANDOM,
                          .spread = 4,
                          .rand = {rng_cb, r}};
  return hcgen_pattern(pattern, &o, out, cap, NULL);
}

/* ---- values of constrained scalars (formats, bounds, lengths) ---- */

/* x as the number text the view accepts (hcgen_number_text: 0.3 for a
 * multipleOf 0.1, not 0.29999999999999999). */
static hxv *number_text(const hcview *v, double x) {
  char t[40];
  hcgen_number_text(v, x, t, sizeof t);
  return hxv_num(t);
}

hxv *hx_constrained_value(hx_rng *r, const hx_model *m) {
  hcview v;
  hcview_of(m->spec, m->schema, &v);
  hcgen_pattern_opts o = {.pick = r ? HCGEN_PICK_RANDOM : HCGEN_PICK_FIRST,
                          .spread = r ? 4 : 0,
                          .rand = {r ? rng_cb : NULL, r}};
  if (v.format && !v.n_patterns && r) { /* any valid value of the format's table */
    const hcgen_fval *fv[32];
    size_t n = hcgen_format_values(v.format, 1, fv, sizeof fv / sizeof fv[0]);
    const char *s = n ? fv[hx_below(r, n)]->value : NULL;
    if (s && (v.min_len < 0 || (long)strlen(s) >= v.min_len) &&
        (v.max_len < 0 || (long)strlen(s) <= v.max_len))
      return hxv_str(s, strlen(s));
  }
  if (r && (hcview_is_type(&v, "integer") || hcview_is_type(&v, "number"))) {
    static const double wants[] = {0, 1, -1, 7, 42, 1e3, 2147483647, -2147483648.0, 0.5, 1e9};
    double x;
    size_t k = hx_below(r, sizeof wants / sizeof wants[0]);
    if (hcgen_number(&v, hcview_is_type(&v, "integer") ? (double)(long)wants[k] : wants[k], &x))
      return number_text(&v, x);
  }
  char buf[512];
  hcgen_value out;
  if (!hcgen_scalar(&v, NULL, &o, buf, sizeof buf, &out))
    return NULL;
  switch (out.kind) {
  case HCGEN_STRING: return hxv_str(out.str ? out.str : buf, out.len);
  case HCGEN_NUMBER: return number_text(&v, out.number);
  case HCGEN_BOOLEAN: return hxv_new(HXV_TRUE);
  case HCGEN_NULL: return hxv_new(HXV_NULL);
  case HCGEN_ENUM: return hxv_from_json(out.json);
  }
  return NULL;
}

/* ---- the palette of hard characters ---- */

typedef struct {
  const char *s;
  size_t n;
} piece;
#define P(x) {x, sizeof x - 1}
static const piece palette[] = {
    P("apiharness"), P("Reporting key"), P("token"), P("a"), P(" "), P("caf\xc3\xa9"),
    P("e\xcc\x81"),                                  /* e + combining acute */
    P("\xf0\x9f\x98\x80"),                           /* U+1F600, a surrogate pair */
    P("\xf0\x9d\x84\x9e"),                           /* U+1D11E */
    P("\xf4\x8f\xbf\xbf"),                           /* U+10FFFF */
    P("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"),           /* Hebrew, right to left */
    P("\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"),   /* Arabic */
    P("\xe2\x80\xae"), P("\xe2\x80\x8d"),            /* RLO, ZWJ */
    P("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),       /* CJK */
    P("\xe2\x80\xa8"), P("\xef\xbb\xbf"), P("\xef\xbf\xbd"), P("\xc2\xad"),
    P("\""), P("'"), P("\\"), P("<>&"), P("\n"), P("\r\n"), P("\t"), P("\x01"), P("\x1f"),
    P("\x7f"), P("%s%n%x"), P("{}"), P("[]"), P("null"), P("0"), P("-1"), P("/"), P("\\u0041"),
    P("</script>"), P("' OR 1=1 --"), P("\x00"), P("\x00junk"),
};
#undef P
#define N_PALETTE (sizeof palette / sizeof palette[0])

static hxv *random_string(hx_rng *r) {
  hbuf b = {0};
  if (hx_chance(r, 30))
    return hxv_str("", 0);
  if (hx_chance(r, 40)) { /* long */
    size_t target = 256 + hx_below(r, LONG_MAX_BYTES - 256);
    const piece *pc = &palette[hx_below(r, N_PALETTE)];
    if (hx_chance(r, 500))
      pc = &palette[0];
    char *rep = malloc(target + pc->n);
    if (!rep)
      return NULL;
    size_t rn = 0;
    while (rn < target) {
      memcpy(rep + rn, pc->s, pc->n);
      rn += pc->n;
    }
    hbuf_add(&b, rep, rn);
    free(rep);
  } else {
    size_t k = 1 + hx_below(r, 5);
    if (hx_chance(r, 600))
      hbuf_puts(&b, "apiharness ");
    for (size_t i = 0; i < k; i++) {
      const piece *pc = &palette[hx_below(r, N_PALETTE)];
      hbuf_add(&b, pc->s, pc->n);
    }
  }
  if (b.nomem) {
    hbuf_free(&b);
    return NULL;
  }
  hxv *v = hxv_str(b.p ? b.p : "", b.n);
  hbuf_free(&b);
  return v;
}

/* ---- valid values ---- */

static void shuffle(hx_rng *r, hxv *o) {
  for (size_t i = o->nk; i > 1; i--) {
    size_t j = hx_below(r, i);
    hxv *t = o->kids[i - 1];
    o->kids[i - 1] = o->kids[j];
    o->kids[j] = t;
  }
}

static hxv *named(hxv *v, const char *name) {
  if (v && !hxv_set_name(v, name, strlen(name))) {
    hxv_free(v);
    return NULL;
  }
  return v;
}

hxv *hx_gen_valid(hx_rng *r, const hx_model *m, size_t max_items, int depth) {
  hxv *v = NULL;
  if (!max_items)
    max_items = 8;
  if (!m || depth > HX_MAX_DEPTH) {
    v = hxv_str("x", 1);
  } else if (m->enums) {
    v = hxv_from_json(cJSON_GetArrayItem(m->enums, (int)hx_below(r, (size_t)cJSON_GetArraySize(m->enums))));
  } else if (m->constrained && (v = hx_constrained_value(r, m)) != NULL) {
    /* a format, bounds or lengths: the harness's one generator */
  } else {
    switch (m->type) {
    case HXT_OBJECT: {
      v = hxv_new(HXV_OBJ);
      for (size_t i = 0; v && i < m->n_props; i++) {
        const hx_prop *p = &m->props[i];
        /* 0 absent, 1 null, 2 value; array items keep their members mostly
         * (an item without them is an outcome the documents leave open) */
        size_t choice = p->required ? 2 : m->is_item && hx_chance(r, 900) ? 2 : hx_below(r, 3);
        if (choice == 1 && !p->m->nullable)
          choice = hx_below(r, 2) ? 0 : 2;
        if (choice == 2 && p->m->recursive && !p->required && depth >= HX_RECURSE_DEPTH)
          choice = p->m->nullable ? 1 : 0; /* a recursive member: no deeper */
        if (choice == 0)
          continue;
        hxv *k = choice == 1 ? hxv_new(HXV_NULL) : hx_gen_valid(r, p->m, max_items, depth + 1);
        k = named(k, p->name);
        if (!k || !hxv_push(v, k)) {
          hxv_free(v);
          return NULL;
        }
        k->m = p->m;
      }
      if (v && hx_chance(r, 600))
        shuffle(r, v);
      break;
    }
    case HXT_ARRAY: {
      v = hxv_new(HXV_ARR);
      size_t count = 1 + hx_below(r, max_items);
      if (hx_chance(r, 30))
        count = 16 + hx_below(r, 49);
      else if (depth <= 1 && hx_chance(r, 8)) /* past common page sizes (100) */
        count = 65 + hx_below(r, 200);
      if (m->items && m->items->recursive && depth >= HX_RECURSE_DEPTH)
        count = depth >= HX_RECURSE_DEPTH + 4 ? 0 : 1 + hx_below(r, 2); /* recursive items */
      if (m->max_items >= 0 && count > (size_t)m->max_items)
        count = (size_t)m->max_items;
      if (count < m->min_items)
        count = m->min_items;
      for (size_t i = 0; v && i < count; i++) {
        hxv *k = i && !m->unique_items && hx_chance(r, 250)
                     ? hxv_dup(v->kids[hx_below(r, i)])
                                          : hx_gen_valid(r, m->items, max_items, depth + 1);
        if (!k || !hxv_push(v, k)) {
          hxv_free(v);
          return NULL;
        }
        k->m = m->items;
      }
      break;
    }
    case HXT_INTEGER: {
      static const char *const ints[] = {"0", "1", "-1", "7", "2147483647", "-2147483648", "42"};
      v = hxv_num(ints[hx_below(r, sizeof ints / sizeof *ints)]);
      break;
    }
    case HXT_NUMBER: {
      static const char *const nums[] = {"0", "1.5", "-0.25", "1e3", "3.14159", "-7"};
      v = hxv_num(nums[hx_below(r, sizeof nums / sizeof *nums)]);
      break;
    }
    case HXT_BOOLEAN: v = hxv_new(hx_below(r, 2) ? HXV_TRUE : HXV_FALSE); break;
    default: {
      char buf[512];
      if (m->n_patterns) {
        if (hx_pattern_example(r, m->patterns[hx_below(r, m->n_patterns)], buf, sizeof buf))
          v = hxv_str(buf, strlen(buf));
        else
          v = hxv_str("x", 1);
      } else {
        v = random_string(r);
      }
      break;
    }
    }
  }
  if (v)
    v->m = m;
  return v;
}

/* ---- breaking rules ---- */

typedef struct {
  hxv *node;
  hxv *parent; /* NULL: the root */
  size_t index;
} place;

typedef struct {
  place at[MAX_PLACES];
  size_t n;
} places;

static void collect(places *ps, hxv *node, hxv *parent, size_t index, int depth) {
  if (ps->n >= MAX_PLACES || depth > 64)
    return;
  ps->at[ps->n++] = (place){node, parent, index};
  for (size_t i = 0; i < node->nk; i++)
    collect(ps, node->kids[i], node, i, depth + 1);
}

/* Puts `with` at place p (its name kept); returns the root. */
static hxv *replace(hxv *root, place *p, hxv *with) {
  if (!with)
    return root;
  if (!p->parent) {
    with->m = root->m;
    hxv_free(root);
    return with;
  }
  hxv *old = p->parent->kids[p->index];
  if (old->name)
    hxv_set_name(with, old->name, old->name_len);
  if (!with->m)
    with->m = old->m;
  p->parent->kids[p->index] = with;
  hxv_free(old);
  p->node = with;
  return root;
}

static const char *const extreme_numbers[] = {
    "0",   "-0",   "1.0",    "1e400",  "-1e400", "9007199254740993", "9223372036854775808",
    "-9223372036854775809", "1e-400", "0.5",    "123456789012345678901234567890", "-1",
    "2147483648", "1E2"};

static int type_allows(const hx_model *m, hxv_kind k) {
  if (!m || m->type == HXT_ANY)
    return 1;
  switch (k) {
  case HXV_NULL: return m->nullable;
  case HXV_TRUE:
  case HXV_FALSE: return m->type == HXT_BOOLEAN;
  case HXV_NUM: return m->type == HXT_NUMBER || m->type == HXT_INTEGER;
  case HXV_STR:
  case HXV_RAW: return m->type == HXT_STRING;
  case HXV_ARR: return m->type == HXT_ARRAY;
  case HXV_OBJ: return m->type == HXT_OBJECT;
  }
  return 1;
}

/* A value whose JSON type the model does not allow (NULL if it allows all). */
static hxv *wrong_type(hx_rng *r, const hx_model *m, size_t max_items) {
  for (int tries = 0; tries < 24; tries++) {
    hxv *v = NULL;
    switch (hx_below(r, 7)) {
    case 0: v = hxv_new(HXV_NULL); break;
    case 1: v = hxv_num(extreme_numbers[hx_below(r, sizeof extreme_numbers / sizeof *extreme_numbers)]); break;
    case 2: v = hxv_new(hx_below(r, 2) ? HXV_TRUE : HXV_FALSE); break;
    case 3: v = random_string(r); break;
    case 4:
      v = hxv_new(HXV_OBJ);
      if (v && m && m->items && hx_chance(r, 500)) { /* an item where the array belongs */
        hxv_free(v);
        v = hx_gen_valid(r, m->items, max_items, 1);
      }
      break;
    case 5:
      v = hxv_new(HXV_ARR);
      if (v && hx_chance(r, 500)) { /* the right value, wrapped in an array */
        hxv *k = hx_gen_valid(r, m, max_items, 1);
        if (k)
          hxv_push(v, k);
      }
      break;
    default: v = hxv_num(hx_below(r, 2) ? "1" : "0"); break;
    }
    if (!v)
      return NULL;
    if (!type_allows(m, v->kind)) {
      v->m = NULL;
      return v;
    }
    hxv_free(v);
  }
  return NULL;
}

/* A near miss of a value matching one of the model's patterns. */
static hxv *near_miss(hx_rng *r, const hx_model *m) {
  char buf[600];
  if (!m->n_patterns || !hx_pattern_example(r, m->patterns[hx_below(r, m->n_patterns)], buf, 512))
    snprintf(buf, sizeof buf, "x");
  size_t len = strlen(buf), pos = hx_below(r, len ? len : 1);
  switch (hx_below(r, 14)) {
  case 0: /* drop a character */
    if (len)
      memmove(buf + pos, buf + pos + 1, len - pos);
    break;
  case 1: /* one more digit */
    memmove(buf + pos + 1, buf + pos, len - pos + 1);
    buf[pos] = (char)('0' + hx_below(r, 10));
    break;
  case 2: /* a digit becomes a letter */
    for (size_t i = 0; i < len; i++)
      if (buf[(pos + i) % len] >= '0' && buf[(pos + i) % len] <= '9') {
        buf[(pos + i) % len] = (char)('a' + hx_below(r, 6));
        break;
      }
    break;
  case 3: /* lower case */
    for (size_t i = 0; i < len; i++)
      if (buf[i] >= 'A' && buf[i] <= 'Z')
        buf[i] = (char)(buf[i] - 'A' + 'a');
    break;
  case 4: /* a trailing newline ('$' before a final newline) */
    strcat(buf, "\n");
    break;
  case 5: /* surrounding space */
    memmove(buf + 1, buf, len + 1);
    buf[0] = ' ';
    break;
  case 6: { /* NUL after a valid value */
    hxv *v = hxv_str(buf, len);
    if (v) {
      char *s = realloc(v->s, len + 6);
      if (s) {
        memcpy(s + len, "\0junk", 6);
        v->s = s;
        v->n = len + 5;
      }
    }
    return v;
  }
  case 7:   /* an Arabic-Indic digit for the last digit */
  case 8: { /* a full-width digit */
    size_t d = len;
    while (d > 0 && !(buf[d - 1] >= '0' && buf[d - 1] <= '9'))
      d--;
    if (d > 0) {
      char tail[600];
      size_t tl = len - d;
      memcpy(tail, buf + d, tl);
      const char *u = hx_below(r, 2) ? "\xd9\xa1" : "\xef\xbc\x91";
      size_t ul = strlen(u);
      if (d - 1 + ul + tl < 512) {
        memcpy(buf + d - 1, u, ul);
        memcpy(buf + d - 1 + ul, tail, tl);
        buf[d - 1 + ul + tl] = '\0';
      }
    }
    break;
  }
  case 9: buf[0] = '\0'; break;
  case 10: /* a quote inside: the 400 must escape it */
    memmove(buf + pos + 1, buf + pos, len - pos + 1);
    buf[pos] = '"';
    break;
  case 11: /* a backslash inside */
    memmove(buf + pos + 1, buf + pos, len - pos + 1);
    buf[pos] = '\\';
    break;
  case 12: /* doubled */
    if (len * 2 < 512) {
      memcpy(buf + len, buf, len);
      buf[len * 2] = '\0';
    }
    break;
  default: /* a character becomes its neighbour (a digit: a letter) */
    if (len)
      buf[pos] = buf[pos] >= '0' && buf[pos] <= '9' ? 'O'
                 : (char)(buf[pos] + 1 == 0x7f ? '!' : buf[pos] + 1);
    break;
  }
  return hxv_str(buf, strlen(buf));
}

static const char *const odd_names[] = {"extra", "__proto__", "$meta", "id", "x-apiharness", "",
                                        "na\"me", "back\\slash", "\xc3\xa9", "constructor"};

static void undeclared_name(hx_rng *r, const hx_model *m, char *out, size_t cap, size_t *len) {
  const char *declared = m && m->n_props ? m->props[hx_below(r, m->n_props)].name : "name";
  switch (hx_below(r, 5)) {
  case 0: /* a case variant of a declared name */
    snprintf(out, cap, "%s", declared);
    for (char *c = out; *c; c++)
      if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
        *c = (char)(*c ^ 0x20);
        break;
      }
    break;
  case 1: snprintf(out, cap, "%s%s", declared, hx_below(r, 2) ? " " : "_"); break;
  case 2: { /* a declared name with a NUL inside */
    size_t n = strlen(declared);
    if (n + 2 < cap) {
      memcpy(out, declared, n);
      out[n] = '\0';
      out[n + 1] = 'x';
      *len = n + 2;
      return;
    }
    snprintf(out, cap, "x");
    break;
  }
  default: snprintf(out, cap, "%s", odd_names[hx_below(r, sizeof odd_names / sizeof *odd_names)]);
  }
  *len = strlen(out);
  /* an undeclared name must not be a declared one (nor a member already there) */
  if (hx_model_prop(m, out, *len)) {
    snprintf(out, cap, "undeclared");
    *len = strlen(out);
  }
}

static hxv *any_value(hx_rng *r, size_t max_items) {
  switch (hx_below(r, 7)) {
  case 0: return hxv_new(HXV_NULL);
  case 1: return hxv_num(extreme_numbers[hx_below(r, sizeof extreme_numbers / sizeof *extreme_numbers)]);
  case 2: return hxv_new(HXV_TRUE);
  case 3: return random_string(r);
  case 4: return hxv_new(HXV_OBJ);
  case 5: {
    hxv *a = hxv_new(HXV_ARR);
    if (a)
      hxv_push(a, hxv_num("1"));
    return a;
  }
  default: {
    hxv *o = hxv_new(HXV_OBJ);
    hxv *k = named(hx_gen_valid(r, NULL, max_items, HX_MAX_DEPTH + 1), "id");
    if (o && k)
      hxv_push(o, k);
    else
      hxv_free(k);
    return o;
  }
  }
}

static hxv *deep(hx_rng *r) {
  size_t depth = (size_t)1 << (4 + hx_below(r, 7)); /* 16 .. 1024 */
  int obj = hx_below(r, 2) != 0;
  hxv *v = hxv_num("1");
  for (size_t i = 0; v && i < depth; i++) {
    hxv *c = hxv_new(obj ? HXV_OBJ : HXV_ARR);
    if (!c) {
      hxv_free(v);
      return NULL;
    }
    if (obj && !hxv_set_name(v, "a", 1)) {
      hxv_free(c);
      hxv_free(v);
      return NULL;
    }
    if (!hxv_push(c, v))
      return NULL;
    v = c;
  }
  return v;
}

/* Inserts kid into obj at a random position. */
static void insert_random(hx_rng *r, hxv *obj, hxv *kid) {
  if (!hxv_push(obj, kid))
    return;
  size_t at = hx_below(r, obj->nk);
  memmove(obj->kids + at + 1, obj->kids + at, (obj->nk - 1 - at) * sizeof *obj->kids);
  obj->kids[at] = kid;
}

hxv *hx_break(hx_rng *r, hxv *root, const hx_model *model, size_t max_items, int *ok) {
  places *pl = calloc(1, sizeof *pl);
  *ok = 0;
  if (!pl)
    return root;
  collect(pl, root, NULL, 0, 0);
  size_t start = hx_below(r, pl->n);
  unsigned kind = (unsigned)hx_below(r, 9);
  for (unsigned attempt = 0; attempt < 9 && !*ok; attempt++, kind = (kind + 1) % 9) {
    for (size_t i = 0; i < pl->n && !*ok; i++) {
      place *p = &pl->at[(start + i) % pl->n];
      const hx_model *m = p->parent ? p->node->m : model;
      switch (kind) {
      case 0: /* wrong type at a declared place */
      case 1:
        if (m) {
          hxv *w = wrong_type(r, m, max_items);
          if (w) {
            root = replace(root, p, w);
            *ok = 1;
          }
        }
        break;
      case 2: /* pattern near miss */
        if (m && m->n_patterns && p->node->kind == HXV_STR) {
          root = replace(root, p, near_miss(r, m));
          *ok = 1;
        }
        break;
      case 3: /* an undeclared member */
        if (p->node->kind == HXV_OBJ && (!m || m->closed)) {
          char name[128];
          size_t nl = 0;
          undeclared_name(r, m, name, sizeof name, &nl);
          hxv *v = hx_chance(r, 100) ? deep(r) : any_value(r, max_items);
          if (v && hxv_set_name(v, name, nl)) {
            insert_random(r, p->node, v);
            *ok = 1;
          } else {
            hxv_free(v);
          }
        }
        break;
      case 4: /* a required member missing */
        if (p->node->kind == HXV_OBJ && m) {
          for (size_t k = 0; k < p->node->nk; k++) {
            hxv *kid = p->node->kids[k];
            for (size_t q = 0; q < m->n_props; q++)
              if (m->props[q].required && strlen(m->props[q].name) == kid->name_len &&
                  !memcmp(m->props[q].name, kid->name, kid->name_len)) {
                hxv_remove(p->node, k);
                *ok = 1;
                break;
              }
            if (*ok)
              break;
          }
        }
        break;
      case 5: /* an empty array where the rules need an item */
        if (p->node->kind == HXV_ARR && m && m->min_items > 0 && p->node->nk) {
          while (p->node->nk)
            hxv_remove(p->node, p->node->nk - 1);
          *ok = 1;
        }
        break;
      case 6: /* a wrong item at a random index of a longer array */
        if (p->node->kind == HXV_ARR && m && m->items) {
          size_t want = 2 + hx_below(r, 6);
          while (p->node->nk < want) {
            hxv *k = hx_gen_valid(r, m->items, max_items, 1);
            if (!k || !hxv_push(p->node, k))
              break;
          }
          if (!p->node->nk)
            break;
          size_t at = hx_below(r, p->node->nk);
          hxv *item = p->node->kids[at];
          hxv *bad = NULL;
          if (hx_chance(r, 500)) {
            bad = wrong_type(r, m->items, max_items);
          } else {
            /* break a rule inside the item */
            int inner = 0;
            hxv *copy = hxv_dup(item);
            if (copy) {
              copy = hx_break(r, copy, m->items, max_items, &inner);
              if (inner)
                bad = copy;
              else
                hxv_free(copy);
            }
          }
          if (bad) {
            bad->m = m->items;
            place ip = {item, p->node, at};
            root = replace(root, &ip, bad);
            *ok = 1;
          }
        }
        break;
      case 7: /* a deep value where a scalar belongs */
        if (m && m->type != HXT_ARRAY && m->type != HXT_OBJECT && m->type != HXT_ANY &&
            hx_chance(r, 300)) {
          hxv *d = deep(r);
          if (d) {
            root = replace(root, p, d);
            *ok = 1;
          }
        }
        break;
      default: /* a duplicate member: one valid, one invalid, either order */
        if (p->parent && p->parent->kind == HXV_OBJ && m) {
          hxv *w = wrong_type(r, m, max_items);
          if (!w)
            break;
          if (!hxv_set_name(w, p->node->name, p->node->name_len)) {
            hxv_free(w);
            break;
          }
          if (!hxv_push(p->parent, w))
            break;
          size_t at = hx_below(r, 2) ? p->index : p->index + 1; /* before or after the valid one */
          memmove(p->parent->kids + at + 1, p->parent->kids + at,
                  (p->parent->nk - 1 - at) * sizeof *p->parent->kids);
          p->parent->kids[at] = w;
          *ok = 1;
        }
        break;
      }
    }
  }
  free(pl);
  return root;
}

/* ---- byte-level mutation ---- */

static const piece splices[] = {
    {"\\u0000", 6}, {"\\ud800", 6}, {"\\udc00", 6}, {"\\ud83d\\ude00", 12}, {"\xef\xbb\xbf", 3},
    {"null", 4},    {",", 1},       {"\"\":1,", 5}, {"\xc3\x28", 2},        {"\\", 1},
    {"\\u00", 4},   {"1e400", 5},   {"\xed\xa0\x80", 3}, {"\xc0\xaf", 2},   {"\x00", 1},
    {"\"", 1},      {"}", 1},       {"]", 1},       {"[", 1},               {"{", 1},
    {"\t", 1},      {"\x7f", 1},    {"\xff", 1},    {"-", 1},               {"0", 1},
};

void hx_mutate_bytes(hx_rng *r, hbuf *b, size_t max_size) {
  size_t edits = 1 + (hx_chance(r, 300) ? hx_below(r, 4) : 0);
  for (size_t e = 0; e < edits && !b->nomem; e++) {
    size_t n = b->n;
    size_t pos = hx_below(r, n + 1);
    switch (hx_below(r, 8)) {
    case 0: /* flip a bit */
      if (n)
        b->p[hx_below(r, n)] ^= (char)(1u << hx_below(r, 8));
      break;
    case 1: /* overwrite a byte */
      if (n) {
        const piece *s = &splices[hx_below(r, sizeof splices / sizeof *splices)];
        b->p[hx_below(r, n)] = s->s[0];
      }
      break;
    case 2:
    case 3: { /* insert a splice */
      const piece *s = &splices[hx_below(r, sizeof splices / sizeof *splices)];
      if (n + s->n > max_size)
        break;
      hbuf_add(b, s->s, s->n); /* grows; then move into place */
      if (b->nomem)
        break;
      memmove(b->p + pos + s->n, b->p + pos, n - pos);
      memcpy(b->p + pos, s->s, s->n);
      break;
    }
    case 4: { /* delete a range */
      if (!n)
        break;
      size_t at = hx_below(r, n), len = 1 + hx_below(r, 16);
      if (at + len > n)
        len = n - at;
      memmove(b->p + at, b->p + at + len, n - at - len);
      b->n -= len;
      b->p[b->n] = '\0';
      break;
    }
    case 5: { /* duplicate a range */
      if (!n)
        break;
      size_t at = hx_below(r, n), len = 1 + hx_below(r, 24);
      if (at + len > n)
        len = n - at;
      if (n + len > max_size)
        break;
      char tmp[24];
      memcpy(tmp, b->p + at, len);
      hbuf_add(b, tmp, len);
      if (b->nomem)
        break;
      memmove(b->p + at + len, b->p + at, n - at);
      memcpy(b->p + at, tmp, len);
      break;
    }
    case 6: /* truncate */
      if (n > 1) {
        b->n = 1 + hx_below(r, n - 1);
        b->p[b->n] = '\0';
      }
      break;
    default: /* a byte order mark in front */
      if (n + 3 <= max_size && hx_chance(r, 400)) {
        static const char bom[] = "\xef\xbb\xbf";
        if (!hbuf_add(b, bom, 3)) /* room for it, then moved to the front */
          break;
        memmove(b->p + 3, b->p, n);
        memcpy(b->p, bom, 3);
      } else if (n >= 2) { /* swap two bytes */
        size_t i = hx_below(r, n), j = hx_below(r, n);
        char t = b->p[i];
        b->p[i] = b->p[j];
        b->p[j] = t;
      }
      break;
    }
  }
}

/* ---- the generator object ---- */

#define MAX_CT 16

struct hexplore_gen {
  const hrules *rules;
  hx_model_set ms;
  char ct[MAX_CT][128];
  size_t n_ct;
  char ct_buf[192];
  hschema_result *res; /* validation of generated invalid bodies */
  hjson_doc *doc; /* the fuzz mutator's parse of its input */
};

static void concrete_media(const char *mt, char *buf, size_t cap) {
  if (!strcmp(mt, "*/*") || !strcmp(mt, "application/*"))
    snprintf(buf, cap, "application/json");
  else if (!strncmp(mt, "application/*+", 14))
    snprintf(buf, cap, "application/vnd.apiharness+%s", mt + 14);
  else
    snprintf(buf, cap, "%s", mt);
}

hexplore_gen *hexplore_gen_new(const hrules *rules, char *err) {
  hexplore_gen *g = calloc(1, sizeof *g);
  if (!g || !(g->doc = hjson_doc_new()) || !(g->res = hschema_result_new(0))) {
    snprintf(err, HEXPLORE_MSG_MAX, "out of memory");
    hexplore_gen_free(g);
    return NULL;
  }
  g->rules = rules;
  const hspec_operation *op = hrules_operation(rules);
  if (!op || !op->n_request || !op->request[0].schema) {
    snprintf(err, HEXPLORE_MSG_MAX, "the spec documents no request body schema for %s %s",
             HRULES_METHOD, HRULES_PATH);
    hexplore_gen_free(g);
    return NULL;
  }
  if (!hx_model_build(&g->ms, hrules_spec(rules), op->request[0].schema) ||
      !hx_model_probe(&g->ms, rules, err)) {
    if (!g->ms.root)
      snprintf(err, HEXPLORE_MSG_MAX, "the request schema could not be modelled");
    hexplore_gen_free(g);
    return NULL;
  }
  for (size_t i = 0; i < op->n_request && g->n_ct < MAX_CT; i++) {
    char buf[128];
    concrete_media(op->request[i].media_type, buf, sizeof buf);
    if (hrules_request_schema(rules, buf, NULL))
      snprintf(g->ct[g->n_ct++], sizeof g->ct[0], "%s", buf);
  }
  if (!g->n_ct)
    snprintf(g->ct[g->n_ct++], sizeof g->ct[0], "application/json");
  return g;
}

void hexplore_gen_free(hexplore_gen *g) {
  if (!g)
    return;
  hjson_doc_free(g->doc);
  hschema_result_free(g->res);
  free(g);
}

const hx_model *hx_gen_root(const hexplore_gen *g) { return g->ms.root; }

const char *hexplore_content_type(hexplore_gen *g, uint64_t seed) {
  hx_rng r;
  hx_seed(&r, seed ^ 0x6374u);
  const char *base = g->ct[hx_chance(&r, 500) ? 0 : hx_below(&r, g->n_ct)];
  /* parameter forms every media-type parser reads alike (quoted values, white
   * space before ';' and unknown parameters are tolerated variants the
   * catalogue covers) */
  static const char *const params[] = {"; charset=utf-8", "; charset=UTF-8", ";charset=utf-8"};
  if (hx_chance(&r, 250)) {
    snprintf(g->ct_buf, sizeof g->ct_buf, "%s%s", base, params[hx_below(&r, 3)]);
    return g->ct_buf;
  }
  return base;
}

/* 1 when the rules accept the tree (strict JSON + schema + prose). */
static int tree_valid(hexplore_gen *g, const hxv *v) {
  return hx_rules_accept(v, g->rules, g->doc, g->res);
}

/* A valid body with one to three rules broken; breaks more until the rules
 * refuse it (an edit can land on a value that happens to be valid). */
static hxv *invalid_tree(hexplore_gen *g, hx_rng *r, size_t max_items) {
  hxv *v = hx_gen_valid(r, g->ms.root, max_items, 0);
  size_t k = 1 + (hx_chance(r, 300) ? 1 + hx_below(r, 2) : 0);
  for (size_t i = 0; v && (i < k || (i < k + 8 && tree_valid(g, v))); i++) {
    int ok = 0;
    v = hx_break(r, v, g->ms.root, max_items, &ok);
  }
  return v;
}

int hexplore_generate(hexplore_gen *g, uint64_t seed, hexplore_kind kind, size_t max_items,
                      hbuf *out) {
  hx_rng r;
  hx_seed(&r, seed);
  hx_style st;
  hx_style_random(&r, &st);
  hxv *v;
  if (kind == HEXPLORE_VALID)
    v = hx_gen_valid(&r, g->ms.root, max_items, 0);
  else if (kind == HEXPLORE_INVALID)
    v = invalid_tree(g, &r, max_items);
  else
    v = hx_chance(&r, 550) ? hx_gen_valid(&r, g->ms.root, max_items, 0)
                           : invalid_tree(g, &r, max_items);
  if (!v)
    return 0;
  size_t at = out->n;
  int ok = hx_render(v, &st, out);
  if (ok && out->n - at > GEN_MAX_PRETTY && st.pretty) { /* indentation of a deep body: compact */
    out->n = at;
    hx_style_compact(&st);
    ok = hx_render(v, &st, out);
  }
  hxv_free(v);
  if (ok && kind == HEXPLORE_MUTATED)
    hx_mutate_bytes(&r, out, out->n + 64);
  return ok && !out->nomem;
}

size_t hexplore_fuzz_mutate(hexplore_gen *g, uint8_t *data, size_t size, size_t max_size,
                            unsigned seed) {
  hx_rng r;
  hx_seed(&r, seed);
  hbuf b = {0};
  b.limit = max_size;
  size_t what = hx_below(&r, 100);
  hxv *tree = NULL;
  if (what < 45) {
    hjson_options o = {0};
    o.allow_duplicates = 1;
    const cJSON *j = size ? hjson_parse(g->doc, (const char *)data, size, &o, NULL) : NULL;
    tree = j ? hxv_from_json(j) : NULL;
  }
  hx_style st;
  hx_style_random(&r, &st);
  if (tree) {
    hxv_attach(tree, g->ms.root);
    if (what < 30) { /* break a rule */
      int ok = 0;
      tree = hx_break(&r, tree, g->ms.root, 8, &ok);
    } else { /* regenerate a declared place with a valid value */
      places *pl = calloc(1, sizeof *pl);
      if (pl) {
        collect(pl, tree, NULL, 0, 0);
        place *p = &pl->at[hx_below(&r, pl->n)];
        if (p->node->m || !p->parent)
          tree = replace(tree, p, hx_gen_valid(&r, p->parent ? p->node->m : g->ms.root, 8, 1));
        free(pl);
      }
    }
    hx_render(tree, &st, &b);
    hxv_free(tree);
  } else if (what < 80) {
    hexplore_generate(g, hx_next(&r), what < 65 ? HEXPLORE_VALID : HEXPLORE_INVALID, 8, &b);
  } else {
    hbuf_add(&b, data, size);
    hx_mutate_bytes(&r, &b, max_size);
  }
  size_t n = 0;
  if (!b.nomem && !b.toobig && b.n <= max_size) {
    memcpy(data, b.p ? b.p : "", b.n);
    n = b.n;
  } else if (size <= max_size) { /* did not fit: a byte edit of the input */
    hbuf c = {0};
    hbuf_add(&c, data, size);
    hx_mutate_bytes(&r, &c, max_size);
    if (!c.nomem && c.n <= max_size) {
      memcpy(data, c.p ? c.p : "", c.n);
      n = c.n;
    }
    hbuf_free(&c);
  }
  hbuf_free(&b);
  return n;
}
