/* dto_structure_fuzzer: the create_dto pipeline (and its oracles) behind a
 * schema-aware mutator.
 *
 * Byte mutation keeps about 0.1% of inputs valid JSON DTOs, so the validator's
 * deep paths are rarely reached.  LLVMFuzzerCustomMutator here parses the input
 * as a DTO (cJSON; a valid DTO generated from the spec when it does not parse),
 * mutates one node with an operation chosen by what the spec says that node is
 * (type swaps, near-miss pattern values, delete/duplicate/add keys, boundary
 * strings, escapes and invalid UTF-8, grow/empty arrays, valid values), prints
 * it back within MaxSize, and leaves some inputs to plain byte mutation
 * (LLVMFuzzerMutate).  Everything is drawn from libFuzzer's Seed.
 *
 * The model the mutator uses (property names, types, nullable, patterns,
 * enums, item schemas) is read from the spec at start, through hspec: nothing
 * about the DTO is written here.  At exit the share of valid inputs is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed);

#define DS_NAME "dto_structure_fuzzer"
#define DS_MAX_MODEL 96    /* schema nodes in the model */
#define DS_MAX_PROPS 24    /* properties per object node */
#define DS_MAX_PATTERNS 8  /* patterns per string node (allOf of patterns) */
#define DS_MAX_DEPTH 8     /* model depth: cuts recursive schemas */
#define DS_MAX_PICK 256    /* nodes considered for one mutation */
#define DS_EXAMPLE_MAX 256 /* bytes of one generated pattern example */

/* ---- the model: what the spec says about each place in a DTO ---------------- */

typedef enum { DS_ANY = 0, DS_OBJECT, DS_ARRAY, DS_STRING, DS_NUMBER, DS_INTEGER, DS_BOOLEAN } ds_type;

typedef struct ds_model ds_model;
typedef struct {
  const char *name;
  ds_model *schema;
} ds_prop;

struct ds_model {
  ds_type type;
  int nullable;
  int closed; /* additionalProperties: false */
  const char *patterns[DS_MAX_PATTERNS];
  size_t n_patterns;
  const cJSON *enums; /* the enum array, or NULL */
  ds_prop props[DS_MAX_PROPS];
  size_t n_props;
  ds_model *items;
};

typedef struct {
  ds_model nodes[DS_MAX_MODEL];
  size_t n;
  ds_model *root;
} ds_schema_model;

static const cJSON *ds_deref(const hspec *spec, const cJSON *s) {
  for (int hops = 0; s && hops < 16; hops++) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
    if (!cJSON_IsString(ref)) return s;
    s = hspec_resolve(spec, ref->valuestring, NULL);
  }
  return s;
}

static ds_type ds_type_of(const char *t) {
  if (!t) return DS_ANY;
  if (!strcmp(t, "object")) return DS_OBJECT;
  if (!strcmp(t, "array")) return DS_ARRAY;
  if (!strcmp(t, "string")) return DS_STRING;
  if (!strcmp(t, "number")) return DS_NUMBER;
  if (!strcmp(t, "integer")) return DS_INTEGER;
  if (!strcmp(t, "boolean")) return DS_BOOLEAN;
  return DS_ANY;
}

static ds_model *ds_build(ds_schema_model *m, const hspec *spec, const cJSON *s, unsigned depth);

/* Merges one schema object (and its allOf members) into node. */
static void ds_merge(ds_schema_model *m, const hspec *spec, ds_model *node, const cJSON *s,
                     unsigned depth) {
  s = ds_deref(spec, s);
  if (!cJSON_IsObject(s) || depth > DS_MAX_DEPTH) return;
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
  if (cJSON_IsString(t) && node->type == DS_ANY) node->type = ds_type_of(t->valuestring);
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "nullable"))) node->nullable = 1;
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "pattern");
  if (cJSON_IsString(p) && node->n_patterns < DS_MAX_PATTERNS)
    node->patterns[node->n_patterns++] = p->valuestring;
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
  if (cJSON_IsArray(e) && e->child) node->enums = e;
  if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "additionalProperties")))
    node->closed = 1;
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
  if (cJSON_IsObject(props)) {
    if (node->type == DS_ANY) node->type = DS_OBJECT;
    for (const cJSON *q = props->child; q && node->n_props < DS_MAX_PROPS; q = q->next) {
      if (!q->string) continue;
      node->props[node->n_props].name = q->string;
      node->props[node->n_props].schema = ds_build(m, spec, q, depth + 1);
      node->n_props++;
    }
  }
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
  if (items && !node->items) node->items = ds_build(m, spec, items, depth + 1);
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
  if (cJSON_IsArray(all))
    for (const cJSON *a = all->child; a; a = a->next) ds_merge(m, spec, node, a, depth + 1);
}

static ds_model *ds_build(ds_schema_model *m, const hspec *spec, const cJSON *s, unsigned depth) {
  if (m->n >= DS_MAX_MODEL || depth > DS_MAX_DEPTH) return NULL;
  ds_model *node = &m->nodes[m->n++];
  memset(node, 0, sizeof *node);
  ds_merge(m, spec, node, s, depth);
  return node;
}

static const ds_model *ds_prop_model(const ds_model *obj, const char *name) {
  if (!obj || !name) return NULL;
  for (size_t i = 0; i < obj->n_props; i++)
    if (!strcmp(obj->props[i].name, name)) return obj->props[i].schema;
  return NULL;
}

/* ---- randomness: everything from libFuzzer's seed ---------------------------- */

typedef struct {
  uint64_t s;
} ds_rng;

static uint64_t ds_next(ds_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545f4914f6cdd1du;
}
static size_t ds_below(ds_rng *r, size_t n) { return n ? (size_t)(ds_next(r) % n) : 0; }
static void ds_seed(ds_rng *r, unsigned seed) { r->s = ((uint64_t)seed << 1 | 1u) * 0x9e3779b97f4a7c15u; }

/* ---- values from patterns ------------------------------------------------- */

/* Writes one string matching `pattern` into out (cap bytes) for the simple
 * regular expressions specs use: literals, escapes, \d \w \s, '.', classes
 * [a-z0-9_], and the quantifiers ? * + {n} {n,} {n,m}.  Anchors are dropped.
 * Returns 0 (out undefined) for anything else (groups, alternation). */
static int ds_example(ds_rng *r, const char *pattern, char *out, size_t cap) {
  size_t n = 0;
  const char *p = pattern;
  if (*p == '^') p++;
  while (*p) {
    char choices[128];
    size_t nc = 0;
    if (*p == '$' && p[1] == '\0') break;
    if (*p == '(' || *p == ')' || *p == '|') return 0;
    if (*p == '\\') {
      p++;
      if (*p == 'd') {
        memcpy(choices, "0123456789", 10);
        nc = 10;
      } else if (*p == 'w') {
        memcpy(choices, "azAZ09_", 7);
        nc = 7;
      } else if (*p == 's') {
        choices[nc++] = ' ';
      } else if (*p && strchr("bBDWSpPkgu0123456789", *p)) {
        return 0;
      } else if (*p) {
        choices[nc++] = *p;
      } else {
        return 0;
      }
      p++;
    } else if (*p == '[') {
      p++;
      if (*p == '^') return 0;
      while (*p && *p != ']' && nc < sizeof choices - 1) {
        char lo = *p == '\\' && p[1] ? *++p : *p;
        p++;
        if (*p == '-' && p[1] && p[1] != ']') {
          char hi = p[1];
          p += 2;
          for (int c = (unsigned char)lo; c <= (unsigned char)hi && nc < sizeof choices - 1; c++)
            choices[nc++] = (char)c;
        } else {
          choices[nc++] = lo;
        }
      }
      if (*p != ']' || !nc) return 0;
      p++;
    } else if (*p == '.') {
      choices[nc++] = 'a';
      p++;
    } else if (strchr("?*+{", *p)) {
      return 0; /* a quantifier with nothing before it */
    } else {
      choices[nc++] = *p++;
    }
    size_t lo = 1, hi = 1;
    if (*p == '?') {
      lo = 0, p++;
    } else if (*p == '*') {
      lo = 0, hi = 3, p++;
    } else if (*p == '+') {
      hi = 3, p++;
    } else if (*p == '{') {
      char *end = NULL;
      lo = hi = strtoul(p + 1, &end, 10);
      if (!end || end == p + 1) return 0;
      if (*end == ',') {
        const char *m = end + 1;
        hi = *m == '}' ? lo + 3 : strtoul(m, &end, 10);
        if (hi < lo) return 0;
      }
      if (*end != '}') return 0;
      p = end + 1;
      if (hi > lo + 3) hi = lo + 3;
    }
    size_t times = lo + ds_below(r, hi - lo + 1);
    for (size_t i = 0; i < times; i++) {
      if (n + 1 >= cap) return 0;
      out[n++] = choices[ds_below(r, nc)];
    }
  }
  out[n] = '\0';
  return 1;
}

/* A valid value for the model node (a small word for an unconstrained string). */
static cJSON *ds_valid(ds_rng *r, const ds_model *m, unsigned depth) {
  if (!m || depth > DS_MAX_DEPTH) return cJSON_CreateString("x");
  if (m->enums) {
    size_t k = ds_below(r, (size_t)cJSON_GetArraySize(m->enums));
    return cJSON_Duplicate(cJSON_GetArrayItem(m->enums, (int)k), 1);
  }
  switch (m->type) {
  case DS_OBJECT: {
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < m->n_props; i++)
      cJSON_AddItemToObject(o, m->props[i].name, ds_valid(r, m->props[i].schema, depth + 1));
    return o;
  }
  case DS_ARRAY: {
    cJSON *a = cJSON_CreateArray();
    size_t count = 1 + ds_below(r, 2);
    for (size_t i = 0; a && i < count; i++) cJSON_AddItemToArray(a, ds_valid(r, m->items, depth + 1));
    return a;
  }
  case DS_STRING: {
    char buf[DS_EXAMPLE_MAX];
    if (m->n_patterns && ds_example(r, m->patterns[0], buf, sizeof buf))
      return cJSON_CreateString(buf);
    static const char *const words[] = {"token", "Reporting", "x", "caf\xc3\xa9", "a b"};
    return cJSON_CreateString(words[ds_below(r, sizeof words / sizeof *words)]);
  }
  case DS_INTEGER: return cJSON_CreateNumber((double)ds_below(r, 100));
  case DS_NUMBER: return cJSON_CreateNumber(0.5 + (double)ds_below(r, 100));
  case DS_BOOLEAN: return cJSON_CreateBool(ds_below(r, 2) ? 1 : 0);
  default: return cJSON_CreateString("x");
  }
}

/* ---- raw text: what cJSON cannot hold (NUL, lone surrogates, bad UTF-8) ------ */

/* A string node set to DS_MARK is replaced, after printing, by raw bytes:
 * cJSON prints 0x7f as is, and no generated value contains it. */
#define DS_MARK "\x7f\x7f"

typedef struct {
  char raw[DS_EXAMPLE_MAX + 64]; /* what replaces "DS_MARK" (inside the quotes) */
  size_t raw_len;
  int used;
} ds_raw;

static void ds_raw_set(ds_raw *x, const char *prefix, const char *frag, size_t frag_len) {
  size_t pl = strlen(prefix);
  if (pl + frag_len >= sizeof x->raw) pl = 0;
  if (frag_len >= sizeof x->raw) frag_len = sizeof x->raw - 1;
  memcpy(x->raw, prefix, pl);
  memcpy(x->raw + pl, frag, frag_len);
  x->raw_len = pl + frag_len;
  x->used = 1;
}

/* Escapes and byte sequences the strict reader must judge exactly. */
static const struct {
  const char *bytes;
  size_t len;
} ds_frags[] = {
    {"\\u0000", 6},           {"\\u0000junk", 10},       {"\\ud800", 6},
    {"\\udc00\\ud800", 12},   {"\\ud83d\\ude00", 12},    {"\\uDFFF", 6},
    {"\\u00e9", 6},           {"\\u0661\\u0662", 12},    {"\\uff11", 6},
    {"\xc3\x28", 2},          {"\xed\xa0\x80", 3},       {"\xc0\xaf", 2},
    {"\xf4\x90\x80\x80", 4},  {"\xe2\x82", 2},           {"\x01", 1},
    {"\x1f", 1},              {"\\x41", 4},              {"\\", 1},
    {"\\u12", 4},             {"\t", 1},                 {"\xef\xbb\xbf", 3},
    {"\\n", 2},               {"\\/", 2},                {"\xd9\xa1\xd9\xa2", 4},
};

/* ---- mutation of a tree --------------------------------------------------- */

typedef struct {
  cJSON *node;
  cJSON *parent;
  const ds_model *model; /* what the spec says this place is; NULL: undeclared */
} ds_place;

typedef struct {
  ds_place at[DS_MAX_PICK];
  size_t n;
} ds_places;

static void ds_collect(ds_places *ps, cJSON *node, cJSON *parent, const ds_model *model,
                       unsigned depth) {
  if (ps->n >= DS_MAX_PICK || depth > 64) return;
  ps->at[ps->n++] = (ds_place){node, parent, model};
  for (cJSON *c = node->child; c; c = c->next) {
    const ds_model *cm = NULL;
    if (model && cJSON_IsObject(node)) cm = ds_prop_model(model, c->string);
    if (model && cJSON_IsArray(node)) cm = model->items;
    ds_collect(ps, c, node, cm, depth + 1);
  }
}

/* Replaces place->node by `with` in its parent (or returns `with` as the new root). */
static cJSON *ds_replace(cJSON *root, ds_place *place, cJSON *with) {
  if (!with) return root;
  if (!place->parent) {
    cJSON_Delete(root);
    return with;
  }
  cJSON_ReplaceItemViaPointer(place->parent, place->node, with);
  place->node = with;
  return root;
}

static cJSON *ds_other_type(ds_rng *r, const cJSON *node) {
  for (;;) {
    cJSON *v;
    switch (ds_below(r, 9)) {
    case 0: v = cJSON_CreateString(""); break;
    case 1: v = cJSON_CreateNumber(0); break;
    case 2: v = cJSON_CreateNumber(-1); break;
    case 3: v = cJSON_CreateNumber(2147483648.0); break;
    case 4: v = cJSON_CreateBool(ds_below(r, 2) ? 1 : 0); break;
    case 5: v = cJSON_CreateNull(); break;
    case 6: v = cJSON_CreateArray(); break;
    case 7: v = cJSON_CreateObject(); break;
    default: v = cJSON_CreateNumber(1.5e300); break;
    }
    if (!v || (v->type & 0xFF) != (node->type & 0xFF) || ds_below(r, 8) == 0) return v;
    cJSON_Delete(v);
  }
}

/* A near miss of a valid patterned value: one edit a sloppy validator lets through. */
static void ds_near_miss(ds_rng *r, const ds_model *m, cJSON **out, ds_raw *raw) {
  char buf[DS_EXAMPLE_MAX + 8];
  if (!m->n_patterns || !ds_example(r, m->patterns[ds_below(r, m->n_patterns)], buf, DS_EXAMPLE_MAX))
    snprintf(buf, sizeof buf, "x");
  size_t len = strlen(buf), pos = ds_below(r, len ? len : 1);
  switch (ds_below(r, 11)) {
  case 0: /* drop a character */
    if (len) memmove(buf + pos, buf + pos + 1, len - pos);
    break;
  case 1: /* one more digit */
    memmove(buf + pos + 1, buf + pos, len - pos + 1);
    buf[pos] = (char)('0' + ds_below(r, 10));
    break;
  case 2: /* a digit becomes a letter */
    for (size_t i = 0; i < len; i++)
      if (buf[(pos + i) % len] >= '0' && buf[(pos + i) % len] <= '9') {
        buf[(pos + i) % len] = 'a';
        break;
      }
    break;
  case 3: /* lower case */
    for (size_t i = 0; i < len; i++)
      if (buf[i] >= 'A' && buf[i] <= 'Z') buf[i] = (char)(buf[i] - 'A' + 'a');
    break;
  case 4: /* a trailing newline ($ before a final newline) */
    ds_raw_set(raw, buf, "\\n", 2);
    break;
  case 5: /* surrounding space */
    memmove(buf + 1, buf, len + 1);
    buf[0] = ' ';
    break;
  case 6: /* NUL after a valid value */
    ds_raw_set(raw, buf, "\\u0000junk", 10);
    break;
  case 7: /* Arabic-Indic digit for the last digit */
  case 8: { /* full-width digit */
    size_t d = len;
    while (d > 0 && !(buf[d - 1] >= '0' && buf[d - 1] <= '9')) d--;
    if (d > 0) {
      char tail[DS_EXAMPLE_MAX + 8];
      snprintf(tail, sizeof tail, "%s", buf + d);
      buf[d - 1] = '\0';
      char frag[DS_EXAMPLE_MAX + 16];
      snprintf(frag, sizeof frag, "%s%s", ds_below(r, 2) ? "\xd9\xa1" : "\xef\xbc\x91", tail);
      ds_raw_set(raw, buf, frag, strlen(frag));
    }
    break;
  }
  case 9: /* empty */
    buf[0] = '\0';
    break;
  default: /* a character becomes its neighbour */
    if (len) buf[pos] = (char)(buf[pos] + 1 == 0x7f ? '!' : buf[pos] + 1);
    break;
  }
  *out = raw->used ? cJSON_CreateString(DS_MARK) : cJSON_CreateString(buf);
}

static cJSON *ds_boundary_string(ds_rng *r, size_t max_size, ds_raw *raw) {
  switch (ds_below(r, 6)) {
  case 0: return cJSON_CreateString("");
  case 1: { /* long, within the size budget */
    size_t n = 1 + ds_below(r, max_size > 64 ? max_size / 2 : 32);
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memset(s, "aZ9 "[ds_below(r, 4)], n);
    s[n] = '\0';
    cJSON *v = cJSON_CreateString(s);
    free(s);
    return v;
  }
  case 2: return cJSON_CreateString("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
  case 3: return cJSON_CreateString("\"\\/\b\f\n\r\t");
  default: {
    size_t k = ds_below(r, sizeof ds_frags / sizeof *ds_frags);
    ds_raw_set(raw, ds_below(r, 2) ? "x" : "", ds_frags[k].bytes, ds_frags[k].len);
    return cJSON_CreateString(DS_MARK);
  }
  }
}

/* Member names to add: declared ones (missing here), near misses of them, others. */
static void ds_add_key(ds_rng *r, cJSON *obj, const ds_model *m, ds_raw *raw) {
  char name[96];
  const char *declared = m && m->n_props ? m->props[ds_below(r, m->n_props)].name : NULL;
  const ds_model *pm = declared ? ds_prop_model(m, declared) : NULL;
  switch (ds_below(r, 6)) {
  case 0:
  case 1:
    if (declared && !cJSON_GetObjectItemCaseSensitive(obj, declared)) {
      cJSON_AddItemToObject(obj, declared, ds_valid(r, pm, 1));
      return;
    }
    snprintf(name, sizeof name, "extra");
    break;
  case 2: /* case variant of a declared name */
    snprintf(name, sizeof name, "%s", declared ? declared : "Name");
    if (name[0] >= 'a' && name[0] <= 'z') name[0] = (char)(name[0] - 'a' + 'A');
    else if (name[0] >= 'A' && name[0] <= 'Z') name[0] = (char)(name[0] - 'A' + 'a');
    break;
  case 3: /* a declared name with a suffix or a NUL inside */
    if (declared && ds_below(r, 2)) {
      ds_raw_set(raw, declared, "\\u0000", 6);
      snprintf(name, sizeof name, DS_MARK);
    } else {
      snprintf(name, sizeof name, "%s.x", declared ? declared : "group");
    }
    break;
  case 4: snprintf(name, sizeof name, "%s", ds_below(r, 2) ? "" : "__proto__"); break;
  default: snprintf(name, sizeof name, "$meta"); break;
  }
  cJSON_AddItemToObject(obj, name, ds_valid(r, pm, 1));
}

/* One schema-typed mutation of the tree; returns the (possibly new) root. */
static cJSON *ds_mutate_tree(ds_rng *r, cJSON *root, const ds_model *model, size_t max_size,
                             ds_raw *raw) {
  ds_places ps = {.n = 0};
  ds_collect(&ps, root, NULL, model, 0);
  ds_place *p = &ps.at[ds_below(r, ps.n)];
  const ds_model *m = p->model;
  switch (ds_below(r, 16)) {
  case 0: /* type swap */
    return ds_replace(root, p, ds_other_type(r, p->node));
  case 1: /* another valid value for this place: new ids, boundary strings */
  case 2:
  case 3:
  case 4:
  case 15:
    if (m && m->type == DS_STRING && !m->n_patterns && !m->enums && ds_below(r, 2)) {
      ds_raw none = {.used = 0};
      cJSON *v = ds_boundary_string(r, max_size, &none);
      if (!none.used) return ds_replace(root, p, v);
      cJSON_Delete(v);
    }
    if (m) return ds_replace(root, p, ds_valid(r, m, 0));
    return ds_replace(root, p, ds_valid(r, model, 0));
  case 5: /* near miss of a pattern */
    for (size_t i = 0; i < ps.n; i++) {
      ds_place *q = &ps.at[(ds_below(r, ps.n) + i) % ps.n];
      if (q->model && q->model->n_patterns) {
        cJSON *v = NULL;
        ds_near_miss(r, q->model, &v, raw);
        return ds_replace(root, q, v);
      }
    }
    return ds_replace(root, p, ds_boundary_string(r, max_size, raw));
  case 6: /* delete a key */
    if (p->parent && cJSON_IsObject(p->parent)) {
      cJSON_Delete(cJSON_DetachItemViaPointer(p->parent, p->node));
      return root;
    }
    /* fall through */
  case 7: /* duplicate a key (the strict reader rejects, others keep the last) */
    if (p->parent && cJSON_IsObject(p->parent) && p->node->string) {
      /* the same value twice, or a different valid one under the same name */
      cJSON *copy = ds_below(r, 2) ? cJSON_Duplicate(p->node, 1) : ds_valid(r, m, 1);
      if (copy) cJSON_AddItemToObject(p->parent, p->node->string, copy);
      return root;
    }
    /* fall through */
  case 8: /* add a key */
    for (size_t i = 0; i < ps.n; i++) {
      ds_place *q = &ps.at[(ds_below(r, ps.n) + i) % ps.n];
      if (cJSON_IsObject(q->node)) {
        ds_add_key(r, q->node, q->model, raw);
        return root;
      }
    }
    return root;
  case 9: /* boundary strings, escapes, invalid UTF-8 */
  case 10:
    if (m && m->type != DS_STRING && m->type != DS_ANY && ds_below(r, 2)) {
      for (size_t i = 0; i < ps.n; i++) {
        ds_place *q = &ps.at[(ds_below(r, ps.n) + i) % ps.n];
        if (cJSON_IsString(q->node)) return ds_replace(root, q, ds_boundary_string(r, max_size, raw));
      }
    }
    return ds_replace(root, p, ds_boundary_string(r, max_size, raw));
  case 11: /* arrays: grow, empty, many */
  case 12:
    for (size_t i = 0; i < ps.n; i++) {
      ds_place *q = &ps.at[(ds_below(r, ps.n) + i) % ps.n];
      if (!cJSON_IsArray(q->node)) continue;
      switch (ds_below(r, 4)) {
      case 0:
        while (q->node->child) cJSON_Delete(cJSON_DetachItemViaPointer(q->node, q->node->child));
        break;
      case 1:
        cJSON_AddItemToArray(q->node, q->node->child && ds_below(r, 2)
                                          ? cJSON_Duplicate(q->node->child, 1)
                                          : ds_valid(r, q->model ? q->model->items : NULL, 1));
        break;
      default: {
        size_t many = 2 + ds_below(r, 30);
        for (size_t k = 0; k < many; k++)
          cJSON_AddItemToArray(q->node, ds_valid(r, q->model ? q->model->items : NULL, 1));
        break;
      }
      }
      return root;
    }
    return root;
  case 13: /* null, mostly where the spec says nullable */
    for (size_t i = 0; ds_below(r, 4) && i < ps.n; i++) {
      ds_place *q = &ps.at[(ds_below(r, ps.n) + i) % ps.n];
      if (q->model && q->model->nullable) return ds_replace(root, q, cJSON_CreateNull());
    }
    return ds_replace(root, p, cJSON_CreateNull());
  default: { /* numbers at their edges */
    static const double edges[] = {0, -0.0, 1, -1, 2147483647.0, 2147483648.0, -2147483649.0,
                                   9007199254740993.0, 1e-300, 1.7976931348623157e308, 0.1};
    return ds_replace(root, p, cJSON_CreateNumber(edges[ds_below(r, sizeof edges / sizeof *edges)]));
  }
  }
}

/* ---- process state --------------------------------------------------------- */

typedef struct {
  ds_schema_model model;
  fuzz_dto *dto;
  hschema_result *repair; /* the mutator's own validation, to find what to repair */
  size_t runs, valid, json;
} ds_state;

/* Repairs one place the validator (spec + prose rules) complains about: an
 * undeclared member goes, a declared place gets a valid value, an object gets
 * the declared members it lacks.  Returns the (possibly new) root; *done is
 * set when something was changed. */
static cJSON *ds_repair(ds_rng *r, ds_state *st, cJSON *root, int *done) {
  const fuzz_env *env = fuzz_env_get();
  *done = 0;
  hschema_result_reset(st->repair);
  if (hrules_check_request(env->rules, env->dto, root, st->repair)) return root;
  size_t nv = hschema_result_count(st->repair);
  if (!nv) return root;
  const hschema_violation *v = hschema_result_at(st->repair, ds_below(r, nv));
  if (!v || !v->instance) return root;
  const cJSON *target = hjson_pointer_get(root, v->instance, strlen(v->instance), NULL);
  if (!target) return root;
  ds_places ps = {.n = 0};
  ds_collect(&ps, root, NULL, st->model.root, 0);
  for (size_t i = 0; i < ps.n; i++) {
    ds_place *p = &ps.at[i];
    if (p->node != target) continue;
    *done = 1;
    if (!p->model && p->parent && cJSON_IsObject(p->parent)) {
      cJSON_Delete(cJSON_DetachItemViaPointer(p->parent, p->node));
      return root;
    }
    if (p->model && p->model->type == DS_OBJECT && cJSON_IsObject(p->node)) {
      for (size_t k = 0; k < p->model->n_props; k++) {
        const char *name = p->model->props[k].name;
        if (!cJSON_GetObjectItemCaseSensitive(p->node, name))
          cJSON_AddItemToObject(p->node, name, ds_valid(r, p->model->props[k].schema, 1));
      }
      if (ds_below(r, 2)) return root;
    }
    if (p->model && p->model->type == DS_ARRAY && cJSON_IsArray(p->node) && !p->node->child) {
      cJSON_AddItemToArray(p->node, ds_valid(r, p->model->items, 1));
      return root;
    }
    return ds_replace(root, p, ds_valid(r, p->model ? p->model : st->model.root, 0));
  }
  return root;
}

static ds_state *ds_the_state;

/* At exit: the share of valid inputs on stderr, and appended as one line
 * "valid V runs N json J" to the file APIHARNESS_FUZZ_STATS names (set by
 * scripts/nightly-fuzz: -fork children's stderr is not kept). */
static void ds_report(void) {
  ds_state *st = ds_the_state;
  if (!st || !st->runs) return;
  fprintf(stderr, DS_NAME ": %zu of %zu inputs valid (%.1f%%), %zu strict JSON (%.1f%%)\n",
          st->valid, st->runs, 100.0 * (double)st->valid / (double)st->runs, st->json,
          100.0 * (double)st->json / (double)st->runs);
  const char *path = getenv("APIHARNESS_FUZZ_STATS");
  if (path && *path) {
    FILE *f = fopen(path, "a");
    if (f) {
      fprintf(f, "valid %zu runs %zu json %zu\n", st->valid, st->runs, st->json);
      fclose(f);
    }
  }
}

static ds_state *ds_get(void) {
  if (ds_the_state) return ds_the_state;
  const fuzz_env *env = fuzz_env_get();
  ds_state *st = calloc(1, sizeof *st);
  if (!st || !(st->dto = fuzz_dto_new()) || !(st->repair = hschema_result_new(0)))
    fuzz_die(DS_NAME, "out of memory at start");
  const hspec_operation *op = hrules_operation(env->rules);
  if (!op || !op->n_request || !op->request[0].schema)
    fuzz_die(DS_NAME, "the spec documents no request schema to build the mutator's model from");
  st->model.root = ds_build(&st->model, env->spec, op->request[0].schema, 0);
  if (!st->model.root || st->model.root->type != DS_OBJECT)
    fuzz_die(DS_NAME, "the request schema is not an object schema");
  ds_the_state = st;
  atexit(ds_report);
  return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ds_state *st = ds_get();
  int v = fuzz_dto_check(st->dto, DS_NAME, data, size);
  st->runs++;
  if (v >= 0) st->json++;
  if (v == 1) st->valid++;
  return 0;
}

/* Prints tree into out (cap bytes), the raw replacement applied.  0 when it
 * does not fit. */
static size_t ds_emit(cJSON *tree, const ds_raw *raw, uint8_t *out, size_t cap) {
  char *text = cJSON_PrintUnformatted(tree);
  if (!text) return 0;
  size_t len = strlen(text), n = 0;
  const char *mark = raw->used ? strstr(text, DS_MARK) : NULL;
  if (mark) {
    size_t before = (size_t)(mark - text), after = len - before - 2;
    n = before + raw->raw_len + after;
    if (n <= cap && n > 0) {
      memcpy(out, text, before);
      memcpy(out + before, raw->raw, raw->raw_len);
      memcpy(out + before + raw->raw_len, mark + 2, after);
    } else {
      n = 0;
    }
  } else if (len <= cap) {
    memcpy(out, text, len);
    n = len;
  }
  cJSON_free(text);
  return n;
}

static cJSON *ds_parse_or_valid(ds_rng *r, const ds_state *st, const uint8_t *data, size_t size) {
  const char *end = NULL;
  cJSON *tree = size ? cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0) : NULL;
  if (!tree) tree = ds_valid(r, st->model.root, 0);
  return tree;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  ds_state *st = ds_get();
  ds_rng r;
  ds_seed(&r, seed);
  /* Some plain byte mutation: the reader's edge cases live between tokens. */
  if (ds_below(&r, 8) == 0) return LLVMFuzzerMutate(data, size, max_size);
  cJSON *tree = ds_parse_or_valid(&r, st, data, size);
  if (!tree) return LLVMFuzzerMutate(data, size, max_size);
  ds_raw raw = {.used = 0};
  /* Mostly, first repair what the validator finds wrong (up to three
   * places): mutations then start from valid or nearly valid DTOs. */
  int repaired = 0;
  if (ds_below(&r, 4) != 0) {
    for (int i = 0, done = 1; i < 3 && done; i++) {
      tree = ds_repair(&r, st, tree, &done);
      repaired |= done;
    }
  }
  size_t rounds = repaired && ds_below(&r, 2) == 0 ? 0 : 1 + (ds_below(&r, 4) == 0 ? ds_below(&r, 3) : 0);
  for (size_t i = 0; i < rounds; i++) {
    ds_raw one = {.used = 0};
    tree = ds_mutate_tree(&r, tree, st->model.root, max_size, raw.used ? &one : &raw);
    if (one.used) { /* only one raw splice per input: drop the second marker */
      cJSON_Delete(tree);
      tree = ds_valid(&r, st->model.root, 0);
      raw.used = 0;
    }
  }
  size_t n = ds_emit(tree, &raw, data, max_size);
  cJSON_Delete(tree);
  return n ? n : LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed) {
  ds_state *st = ds_get();
  ds_rng r;
  ds_seed(&r, seed);
  cJSON *a = ds_parse_or_valid(&r, st, data1, size1);
  cJSON *b = ds_parse_or_valid(&r, st, data2, size2);
  size_t n = 0;
  if (a && b) {
    ds_places pa = {.n = 0}, pb = {.n = 0};
    ds_collect(&pa, a, NULL, st->model.root, 0);
    ds_collect(&pb, b, NULL, st->model.root, 0);
    /* Prefer a place of b with the same model as a place of a (same property). */
    ds_place *to = &pa.at[ds_below(&r, pa.n)];
    const ds_place *from = &pb.at[ds_below(&r, pb.n)];
    for (size_t i = 0; i < pb.n; i++) {
      const ds_place *c = &pb.at[(ds_below(&r, pb.n) + i) % pb.n];
      if (c->model && c->model == to->model && c->node != b) {
        from = c;
        break;
      }
    }
    a = ds_replace(a, to, cJSON_Duplicate(from->node, 1));
    ds_raw none = {.used = 0};
    n = ds_emit(a, &none, out, max_out_size);
  }
  cJSON_Delete(a);
  cJSON_Delete(b);
  if (!n) { /* does not fit: the head of data1 */
    n = size1 < max_out_size ? size1 : max_out_size;
    memcpy(out, data1, n);
  }
  return n;
}
