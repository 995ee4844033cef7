/* fuzz_gen: see fuzz_gen.h. */
#include "fuzz_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_rfc8259.h"
#include "json/hjson.h"

/* ---- the model -------------------------------------------------------------- */

static const cJSON *fg_deref(const hspec *spec, const cJSON *s) {
  for (int hops = 0; s && hops < 16; hops++) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
    if (!cJSON_IsString(ref)) return s;
    s = hspec_resolve(spec, ref->valuestring, NULL);
  }
  return s;
}

static fg_type fg_type_of(const char *t) {
  if (!t) return FG_ANY;
  if (!strcmp(t, "object")) return FG_OBJECT;
  if (!strcmp(t, "array")) return FG_ARRAY;
  if (!strcmp(t, "string")) return FG_STRING;
  if (!strcmp(t, "number")) return FG_NUMBER;
  if (!strcmp(t, "integer")) return FG_INTEGER;
  if (!strcmp(t, "boolean")) return FG_BOOLEAN;
  return FG_ANY;
}

/* Keywords whose constraints the generator does not follow. */
static const char *const fg_unmodelled[] = {
    "minLength", "maxLength", "minimum",   "maximum",       "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minItems", "maxItems",  "uniqueItems",   "minProperties",    "maxProperties",
    "oneOf",     "anyOf",     "not",       "patternProperties", "dependencies", "const"};

/* 1 when the pattern ends in a '$' that is not escaped. */
static int fg_ends_anchored(const char *p) {
  size_t n = strlen(p);
  if (!n || p[n - 1] != '$') return 0;
  size_t bs = 0;
  while (bs + 1 < n && p[n - 2 - bs] == '\\') bs++;
  return bs % 2 == 0;
}

typedef struct {
  int contributors; /* schema objects declaring properties or additionalProperties: false */
  int closed_any;
  const cJSON *required[8];
  size_t n_required;
} fg_ctx;

static fg_node *fg_build(fg_model *m, const hspec *spec, const cJSON *s, unsigned depth);

static void fg_merge(fg_model *m, const hspec *spec, fg_node *node, const cJSON *s, unsigned depth,
                     int own, fg_ctx *ctx) {
  if (cJSON_IsObject(s) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "$ref"))) {
    /* siblings of $ref: the validator reads nullable there (README); others unsure */
    for (const cJSON *k = s->child; k; k = k->next) {
      if (!strcmp(k->string, "$ref") || !strcmp(k->string, "description")) continue;
      if (!strcmp(k->string, "nullable")) {
        if (cJSON_IsTrue(k)) {
          if (own) node->nullable = 1;
          else node->null_unsure = 1;
        }
        continue;
      }
      node->unsure = 1;
    }
    s = fg_deref(spec, s);
  }
  if (!cJSON_IsObject(s) || depth > FG_MAX_DEPTH) {
    node->unsure = 1;
    return;
  }
  for (size_t i = 0; i < sizeof fg_unmodelled / sizeof *fg_unmodelled; i++)
    if (cJSON_GetObjectItemCaseSensitive(s, fg_unmodelled[i])) node->unsure = 1;
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
  if (t) {
    fg_type ty = cJSON_IsString(t) ? fg_type_of(t->valuestring) : FG_ANY;
    if (ty == FG_ANY) node->unsure = 1; /* a list of types, or an unknown one */
    else if (node->type == FG_ANY) node->type = ty;
    else if (node->type != ty) node->unsure = 1;
  }
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "nullable"))) {
    if (own) node->nullable = 1;
    else node->null_unsure = 1;
  }
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "readOnly"))) node->read_only = 1;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "writeOnly"))) node->write_only = 1;
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(s, "format");
  if (cJSON_IsString(f)) {
    fg_format fm = !strcmp(f->valuestring, "date-time") ? FG_FMT_DATE_TIME
                   : !strcmp(f->valuestring, "date")    ? FG_FMT_DATE
                   : !strcmp(f->valuestring, "int32")   ? FG_FMT_INT32
                   : !strcmp(f->valuestring, "int64")   ? FG_FMT_INT64
                                                        : FG_FMT_NONE;
    if (fm != FG_FMT_NONE) {
      if (node->format != FG_FMT_NONE && node->format != fm) node->unsure = 1;
      node->format = fm;
    }
  }
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "pattern");
  if (cJSON_IsString(p)) {
    if (node->n_patterns < FG_MAX_PATTERNS) {
      for (size_t i = 0; i < node->n_patterns; i++)
        if (strcmp(node->patterns[i], p->valuestring)) node->patterns_differ = 1;
      node->patterns[node->n_patterns++] = p->valuestring;
      if (fg_ends_anchored(p->valuestring)) node->anchored_end = 1;
    } else {
      node->unsure = 1;
    }
  }
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
  if (e) {
    if (!cJSON_IsArray(e) || !e->child || (node->enums && node->enums != e)) node->unsure = 1;
    else node->enums = e;
  }
  const cJSON *ap = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
  if (cJSON_IsObject(props) || cJSON_IsFalse(ap)) ctx->contributors++;
  if (cJSON_IsFalse(ap)) {
    node->closed = 1;
    ctx->closed_any = 1;
  }
  if (cJSON_IsObject(props)) {
    if (node->type == FG_ANY) node->type = FG_OBJECT;
    for (const cJSON *q = props->child; q; q = q->next) {
      if (!q->string) continue;
      if (node->n_props >= FG_MAX_PROPS || fg_prop_model(node, q->string)) {
        node->unsure = 1;
        continue;
      }
      node->props[node->n_props].name = q->string;
      node->props[node->n_props].schema = fg_build(m, spec, q, depth + 1);
      node->n_props++;
    }
  }
  const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
  if (req) {
    if (cJSON_IsArray(req) && ctx->n_required < sizeof ctx->required / sizeof *ctx->required)
      ctx->required[ctx->n_required++] = req;
    else
      node->unsure = 1;
  }
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
  if (items) {
    if (node->items || !cJSON_IsObject(items)) node->unsure = 1;
    else node->items = fg_build(m, spec, items, depth + 1);
  }
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
  if (all) {
    if (!cJSON_IsArray(all)) node->unsure = 1;
    else
      for (const cJSON *a = all->child; a; a = a->next) fg_merge(m, spec, node, a, depth + 1, 0, ctx);
  }
}

static fg_node *fg_build(fg_model *m, const hspec *spec, const cJSON *s, unsigned depth) {
  if (m->n >= FG_MAX_MODEL || depth > FG_MAX_DEPTH) return NULL;
  fg_node *node = &m->nodes[m->n++];
  memset(node, 0, sizeof *node);
  fg_ctx ctx = {.contributors = 0};
  fg_merge(m, spec, node, s, depth, 1, &ctx);
  /* additionalProperties: false in one object and properties in another: the
   * closed one admits only its own members, which the model does not follow */
  if (ctx.closed_any && ctx.contributors > 1) {
    node->unsure = 1;
    node->closed = 0;
  }
  for (size_t i = 0; i < ctx.n_required; i++)
    for (const cJSON *n = ctx.required[i]->child; n; n = n->next) {
      int found = 0;
      for (size_t k = 0; cJSON_IsString(n) && k < node->n_props; k++)
        if (!strcmp(node->props[k].name, n->valuestring)) {
          node->props[k].required = 1;
          found = 1;
        }
      if (!found) node->unsure = 1;
    }
  return node;
}

fg_node *fg_model_build(fg_model *m, const hspec *spec, const cJSON *schema) {
  m->n = 0;
  m->root = fg_build(m, spec, schema, 0);
  return m->root;
}

const fg_node *fg_prop_model(const fg_node *obj, const char *name) {
  if (!obj || !name) return NULL;
  for (size_t i = 0; i < obj->n_props; i++)
    if (!strcmp(obj->props[i].name, name)) return obj->props[i].schema;
  return NULL;
}

/* ---- randomness ---------------------------------------------------------------- */

uint64_t fg_next(fg_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545f4914f6cdd1du;
}
size_t fg_below(fg_rng *r, size_t n) { return n ? (size_t)(fg_next(r) % n) : 0; }
void fg_seed(fg_rng *r, uint64_t seed) { r->s = (seed << 1 | 1u) * 0x9e3779b97f4a7c15u; }
uint64_t fg_hash(const uint8_t *data, size_t size) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3u;
  return h;
}

/* ---- values from patterns --------------------------------------------------------- */

int fg_example(fg_rng *r, const char *pattern, char *out, size_t cap) {
  size_t n = 0;
  const char *p = pattern;
  if (*p == '^') p++;
  while (*p) {
    char choices[128];
    size_t nc = 0;
    if (*p == '$' && p[1] == '\0') break;
    if (*p == '(' || *p == ')' || *p == '|' || *p == '^' || *p == '$') return 0;
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
      } else if (*p && strchr(".-+*?()[]{}|^$\\/", *p)) {
        choices[nc++] = *p;
      } else {
        return 0; /* \b \D \p{..} \1 \x41 \n ...: not followed here */
      }
      p++;
    } else if (*p == '[') {
      p++;
      if (*p == '^' || *p == ']') return 0;
      while (*p && *p != ']' && nc < sizeof choices - 12) {
        if (*p == '\\') {
          p++;
          if (*p == 'd') {
            memcpy(choices + nc, "0123456789", 10);
            nc += 10;
            p++;
            continue;
          }
          if (!*p || !strchr(".-+*?()[]{}|^$\\/", *p)) return 0;
        }
        char lo = *p++;
        if (*p == '-' && p[1] && p[1] != ']') {
          char hi = p[1];
          if (hi == '\\') return 0;
          p += 2;
          for (int c = (unsigned char)lo; c <= (unsigned char)hi && nc < sizeof choices - 12; c++)
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
    if (*p == '?' || *p == '+') p++; /* lazy / possessive: same strings */
    size_t times = lo + fg_below(r, hi - lo + 1);
    for (size_t i = 0; i < times; i++) {
      if (n + 1 >= cap) return 0;
      out[n++] = choices[fg_below(r, nc)];
    }
  }
  out[n] = '\0';
  return 1;
}

/* ---- dates -------------------------------------------------------------------- */

static int fg_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int fg_days(int y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && fg_leap(y) ? 29 : d[m - 1];
}

static void fg_date(fg_rng *r, char *out, size_t cap) {
  static const int years[] = {1970, 2024, 2000, 1900, 2026, 9999, 1, 1600};
  int y = years[fg_below(r, sizeof years / sizeof *years)];
  int m = 1 + (int)fg_below(r, 12);
  if (fg_below(r, 4) == 0 && fg_leap(y)) m = 2;
  int d = fg_below(r, 3) == 0 ? fg_days(y, m) : 1 + (int)fg_below(r, (size_t)fg_days(y, m));
  snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

void fg_date_time(fg_rng *r, char *out, size_t cap) {
  char date[16];
  fg_date(r, date, sizeof date);
  int hh = (int)fg_below(r, 24), mm = (int)fg_below(r, 60), ss = (int)fg_below(r, 60);
  switch (fg_below(r, 6)) {
  case 0: hh = 23, mm = 59, ss = 59; break;
  case 1: hh = 0, mm = 0, ss = 0; break;
  default: break;
  }
  int sign = 0, oh = 0, om = 0; /* sign 0: Z */
  if (fg_below(r, 2)) {
    sign = fg_below(r, 2) ? 1 : -1;
    oh = fg_below(r, 3) == 0 ? 23 : (int)fg_below(r, 24);
    om = fg_below(r, 3) == 0 ? 59 : (int)(fg_below(r, 4) * 15);
  }
  if (fg_below(r, 5) == 0) { /* a leap second: 23:59:60 UTC, in local time */
    int local = (23 * 60 + 59 + sign * (oh * 60 + om)) % 1440;
    local = (local + 1440) % 1440;
    hh = local / 60, mm = local % 60, ss = 60;
  }
  char frac[16] = "";
  if (fg_below(r, 3) == 0) {
    size_t digits = 1 + fg_below(r, 9);
    frac[0] = '.';
    for (size_t i = 0; i < digits; i++) frac[1 + i] = (char)('0' + fg_below(r, 10));
    frac[1 + digits] = '\0';
  }
  char zone[8];
  if (sign == 0) snprintf(zone, sizeof zone, "%s", fg_below(r, 4) ? "Z" : "z");
  else snprintf(zone, sizeof zone, "%c%02d:%02d", sign > 0 ? '+' : '-', oh, om);
  snprintf(out, cap, "%s%c%02d:%02d:%02d%s%s", date, fg_below(r, 4) ? 'T' : 't', hh, mm, ss, frac,
           zone);
}

/* A date-time (or date) every RFC 3339 reading rejects. */
static void fg_bad_date_time(fg_rng *r, int date_only, char *out, size_t cap) {
  static const char *const dt[] = {
      "2026-11-28T24:00:00Z",      "2026-11-28T24:00:00+01:00", "2026-11-28T23:60:00Z",
      "2026-11-28T12:00:60Z",      "2026-11-28T23:59:60+01:00", "2026-02-29T12:00:00Z",
      "2026-02-30T00:00:00Z",      "2026-13-01T00:00:00Z",      "2026-04-31T00:00:00Z",
      "2026-00-10T00:00:00Z",      "2026-11-00T00:00:00Z",      "2026-11-28T12:00:00",
      "2026-11-28T12:00:00+24:00", "2026-11-28T12:00:00+01:60", "2026-11-28T12:00:00.Z",
      "2026-11-28T12:00Z",         "2026-1-28T12:00:00Z",       "2026-11-28T12:00:00Z\n",
      "2026-11-28",                "2026-11-28T12:00:00ZZ",     "1900-02-29T00:00:00Z"};
  static const char *const d[] = {"2026-02-29", "2026-02-30", "2026-13-01", "2026-04-31",
                                  "2026-00-01", "2026-1-1",   "1900-02-29", "2026-11-28T00:00:00Z",
                                  "2026-11-28\n"};
  if (date_only) snprintf(out, cap, "%s", d[fg_below(r, sizeof d / sizeof *d)]);
  else snprintf(out, cap, "%s", dt[fg_below(r, sizeof dt / sizeof *dt)]);
}

/* ---- valid values ------------------------------------------------------------- */

static int fg_kind_allowed(fg_type t, const cJSON *v) {
  switch (t) {
  case FG_ANY: return 1;
  case FG_OBJECT: return cJSON_IsObject(v);
  case FG_ARRAY: return cJSON_IsArray(v);
  case FG_STRING: return cJSON_IsString(v);
  case FG_BOOLEAN: return cJSON_IsBool(v);
  case FG_NUMBER: return cJSON_IsNumber(v);
  case FG_INTEGER: return cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble;
  }
  return 0;
}

cJSON *fg_valid(fg_rng *r, const fg_node *m, hschema_direction dir, unsigned depth, int *sure) {
  int dummy = 1;
  if (!sure) sure = &dummy;
  if (!m || depth > FG_MAX_DEPTH) {
    *sure = 0;
    return cJSON_CreateString("x");
  }
  if (m->unsure) *sure = 0;
  if (m->nullable && fg_below(r, 5) == 0) return cJSON_CreateNull();
  if (m->enums) {
    const cJSON *pick = cJSON_GetArrayItem(m->enums, (int)fg_below(r, (size_t)cJSON_GetArraySize(m->enums)));
    if (!pick || !fg_kind_allowed(m->type, pick) || (cJSON_IsNull(pick) && !m->nullable)) *sure = 0;
    if (m->n_patterns || m->format != FG_FMT_NONE) *sure = 0;
    return pick ? cJSON_Duplicate(pick, 1) : cJSON_CreateNull();
  }
  switch (m->type) {
  case FG_OBJECT: {
    cJSON *o = cJSON_CreateObject();
    size_t start = fg_below(r, m->n_props ? m->n_props : 1);
    for (size_t k = 0; o && k < m->n_props; k++) {
      const fg_prop *p = &m->props[(start + k) % m->n_props];
      const fg_node *pm = p->schema;
      if (pm && ((dir == HSCHEMA_DIR_REQUEST && pm->read_only) ||
                 (dir == HSCHEMA_DIR_RESPONSE && pm->write_only))) {
        if (p->required) *sure = 0;
        continue;
      }
      if (!p->required && fg_below(r, 4) == 0) continue;
      cJSON_AddItemToObject(o, p->name, fg_valid(r, pm, dir, depth + 1, sure));
    }
    return o;
  }
  case FG_ARRAY: {
    cJSON *a = cJSON_CreateArray();
    size_t count = fg_below(r, depth < 2 ? 4 : 3);
    if (!m->items) *sure = 0;
    for (size_t i = 0; a && i < count; i++) cJSON_AddItemToArray(a, fg_valid(r, m->items, dir, depth + 1, sure));
    return a;
  }
  case FG_STRING:
  case FG_ANY: {
    if (m->type == FG_ANY && !m->n_patterns && m->format == FG_FMT_NONE) {
      switch (fg_below(r, 4)) { /* no type: anything goes */
      case 0: return cJSON_CreateNumber(3);
      case 1: return cJSON_CreateBool(1);
      case 2: return cJSON_CreateNull();
      default: break;
      }
    }
    char buf[FG_EXAMPLE_MAX];
    if (m->n_patterns) {
      if (m->patterns_differ || m->format != FG_FMT_NONE) *sure = 0;
      if (fg_example(r, m->patterns[0], buf, sizeof buf)) return cJSON_CreateString(buf);
      *sure = 0;
      return cJSON_CreateString("x");
    }
    if (m->format == FG_FMT_DATE_TIME) {
      fg_date_time(r, buf, sizeof buf);
      return cJSON_CreateString(buf);
    }
    if (m->format == FG_FMT_DATE) {
      fg_date(r, buf, sizeof buf);
      return cJSON_CreateString(buf);
    }
    static const char *const words[] = {"token", "Reporting token", "", "x", "caf\xc3\xa9",
                                        "\xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac", "a\nb",
                                        "\"quoted\" \\ /", "\xe2\x80\xa8", "\x01\x1f", "%s%n",
                                        "ACC-1234-5678", "2026-11-28T12:00:00Z"};
    return cJSON_CreateString(words[fg_below(r, sizeof words / sizeof *words)]);
  }
  case FG_INTEGER:
  case FG_NUMBER: {
    static const double i32[] = {0, 1, -1, 2147483647.0, -2147483648.0, 42, 1000};
    static const double i64[] = {0, 1, -1, 9007199254740991.0, -9007199254740991.0, 4294967296.0};
    static const double nums[] = {0.5, -1.25e10, 3, 1e-7, 123456.789};
    if (m->format == FG_FMT_INT32) return cJSON_CreateNumber(i32[fg_below(r, sizeof i32 / sizeof *i32)]);
    if (m->format == FG_FMT_INT64) return cJSON_CreateNumber(i64[fg_below(r, sizeof i64 / sizeof *i64)]);
    if (m->type == FG_NUMBER && fg_below(r, 2)) return cJSON_CreateNumber(nums[fg_below(r, sizeof nums / sizeof *nums)]);
    return cJSON_CreateNumber((double)fg_below(r, 1000) - 10);
  }
  case FG_BOOLEAN: return cJSON_CreateBool(fg_below(r, 2) ? 1 : 0);
  }
  return cJSON_CreateNull();
}

/* ---- places ------------------------------------------------------------------- */

static void fg_collect_at(fg_places *ps, cJSON *node, cJSON *parent, const fg_node *model, int up,
                          unsigned depth) {
  if (ps->n >= FG_MAX_PICK || depth > 64) return;
  int me = (int)ps->n;
  ps->at[ps->n++] = (fg_place){node, parent, model, up};
  for (cJSON *c = node->child; c; c = c->next) {
    const fg_node *cm = NULL;
    if (model && cJSON_IsObject(node)) cm = fg_prop_model(model, c->string);
    if (model && cJSON_IsArray(node)) cm = model->items;
    fg_collect_at(ps, c, node, cm, me, depth + 1);
  }
}

void fg_collect(fg_places *ps, cJSON *root, const fg_node *model) {
  ps->n = 0;
  if (root) fg_collect_at(ps, root, NULL, model, -1, 0);
}

cJSON *fg_replace(cJSON *root, fg_place *place, cJSON *with) {
  if (!with) return root;
  if (!place->parent) {
    cJSON_Delete(root);
    place->node = with;
    return with;
  }
  if (cJSON_IsObject(place->parent) && place->node->string && !with->string) {
    /* ReplaceItemViaPointer keeps no member name: carry it over */
    with->string = strdup(place->node->string);
    if (!with->string) {
      cJSON_Delete(with);
      return root;
    }
    with->type &= ~cJSON_StringIsConst;
  }
  cJSON_ReplaceItemViaPointer(place->parent, place->node, with);
  place->node = with;
  return root;
}

void fg_place_pointer(const fg_places *ps, size_t i, char *out, size_t cap) {
  int chain[64];
  size_t n = 0;
  for (int k = (int)i; k > 0 && n < 64; k = ps->at[k].up) chain[n++] = k;
  size_t len = 0;
  out[0] = '\0';
  while (n-- > 0) {
    const fg_place *p = &ps->at[chain[n]];
    int w;
    if (cJSON_IsObject(p->parent)) {
      w = snprintf(out + len, cap - len, "/%s", p->node->string ? p->node->string : "?");
    } else {
      size_t idx = 0;
      for (const cJSON *c = p->parent ? p->parent->child : NULL; c && c != p->node; c = c->next) idx++;
      w = snprintf(out + len, cap - len, "/%zu", idx);
    }
    if (w < 0 || (size_t)w >= cap - len) return;
    len += (size_t)w;
  }
}

/* ---- near misses --------------------------------------------------------------- */

const char *fg_edit_name(fg_edit e) {
  static const char *const names[] = {"trailing newline on a '$'-anchored patterned value",
                                      "undeclared member in a closed object",
                                      "null where the schema does not allow it",
                                      "value of another JSON type",
                                      "date-time/date near miss",
                                      "value outside the enum"};
  return (unsigned)e < FG_EDIT_KINDS ? names[e] : "?";
}

static int fg_enum_has(const cJSON *enums, const cJSON *v) {
  for (const cJSON *e = enums ? enums->child : NULL; e; e = e->next)
    if (hjson_equal(e, v)) return 1;
  return 0;
}

static int fg_enum_has_null(const cJSON *enums) {
  for (const cJSON *e = enums ? enums->child : NULL; e; e = e->next)
    if (cJSON_IsNull(e)) return 1;
  return 0;
}

static int fg_eligible(const fg_place *p, fg_edit e) {
  const fg_node *m = p->model;
  if (!m) return 0;
  switch (e) {
  case FG_EDIT_NEWLINE: return cJSON_IsString(p->node) && m->n_patterns && m->anchored_end;
  case FG_EDIT_UNDECLARED: return cJSON_IsObject(p->node) && m->closed;
  case FG_EDIT_NULL:
    return !cJSON_IsNull(p->node) && !m->nullable && !m->null_unsure &&
           (m->type != FG_ANY || (m->enums && !fg_enum_has_null(m->enums)));
  case FG_EDIT_TYPE: return m->type != FG_ANY;
  case FG_EDIT_FORMAT:
    return cJSON_IsString(p->node) && (m->format == FG_FMT_DATE_TIME || m->format == FG_FMT_DATE);
  case FG_EDIT_ENUM: return m->enums && (m->type == FG_STRING || m->type == FG_ANY);
  default: return 0;
  }
}

/* A member name no declared property has and the object does not hold. */
static int fg_undeclared_name(fg_rng *r, const cJSON *obj, const fg_node *m, char *out, size_t cap) {
  for (int tries = 0; tries < 8; tries++) {
    const char *declared = m->n_props ? m->props[fg_below(r, m->n_props)].name : "name";
    switch (fg_below(r, 5)) {
    case 0: snprintf(out, cap, "%s", "undeclared"); break;
    case 1: /* a case variant of a declared name */
      snprintf(out, cap, "%s", declared);
      for (char *c = out; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
          *c = (char)(*c ^ 0x20);
          break;
        }
      break;
    case 2: snprintf(out, cap, "%s ", declared); break;
    case 3: snprintf(out, cap, "%s", fg_below(r, 2) ? "$meta" : "__proto__"); break;
    default: snprintf(out, cap, "%s", fg_below(r, 2) ? "" : "x.y"); break;
    }
    if (!fg_prop_model(m, out) && !cJSON_GetObjectItemCaseSensitive(obj, out)) return 1;
  }
  return 0;
}

cJSON *fg_near_miss(fg_rng *r, cJSON *root, const fg_node *model, fg_edit e, int *applied,
                    char *what, size_t cap) {
  static fg_places ps; /* big: one per process (fuzz targets are single-threaded) */
  *applied = 0;
  fg_collect(&ps, root, model);
  size_t eligible = 0;
  for (size_t i = 0; i < ps.n; i++) eligible += (size_t)fg_eligible(&ps.at[i], e);
  if (!eligible) return root;
  size_t pick = fg_below(r, eligible), i = 0;
  for (;; i++)
    if (fg_eligible(&ps.at[i], e) && pick-- == 0) break;
  fg_place *p = &ps.at[i];
  const fg_node *m = p->model;
  char at[160];
  fg_place_pointer(&ps, i, at, sizeof at);
  char detail[96] = "";
  switch (e) {
  case FG_EDIT_NEWLINE: {
    size_t len = strlen(p->node->valuestring);
    char *s = malloc(len + 2);
    if (!s) return root;
    memcpy(s, p->node->valuestring, len);
    s[len] = '\n';
    s[len + 1] = '\0';
    root = fg_replace(root, p, cJSON_CreateString(s));
    free(s);
    break;
  }
  case FG_EDIT_UNDECLARED: {
    char name[64];
    if (!fg_undeclared_name(r, p->node, m, name, sizeof name)) return root;
    cJSON_AddItemToObject(p->node, name, fg_below(r, 2) ? cJSON_CreateString("x") : cJSON_CreateNull());
    snprintf(detail, sizeof detail, " (\"%s\")", name);
    break;
  }
  case FG_EDIT_NULL: root = fg_replace(root, p, cJSON_CreateNull()); break;
  case FG_EDIT_TYPE: {
    cJSON *v = NULL;
    size_t start = fg_below(r, 6);
    for (size_t k = 0; k < 6 && !v; k++) {
      cJSON *c;
      switch ((start + k) % 6) {
      case 0: c = cJSON_CreateString("1"); break;
      case 1: c = cJSON_CreateNumber(7); break;
      case 2: c = cJSON_CreateNumber(1.5); break;
      case 3: c = cJSON_CreateBool(1); break;
      case 4: c = cJSON_CreateArray(); break;
      default: c = cJSON_CreateObject(); break;
      }
      if (c && !fg_kind_allowed(m->type, c)) v = c;
      else cJSON_Delete(c);
    }
    if (!v) return root;
    root = fg_replace(root, p, v);
    break;
  }
  case FG_EDIT_FORMAT: {
    char bad[48];
    fg_bad_date_time(r, m->format == FG_FMT_DATE, bad, sizeof bad);
    snprintf(detail, sizeof detail, " (\"%.40s\")", bad);
    root = fg_replace(root, p, cJSON_CreateString(bad));
    break;
  }
  case FG_EDIT_ENUM: {
    const cJSON *base = cJSON_GetArrayItem(m->enums, (int)fg_below(r, (size_t)cJSON_GetArraySize(m->enums)));
    char buf[128];
    snprintf(buf, sizeof buf, "%s", cJSON_IsString(base) ? base->valuestring : "value");
    if (fg_below(r, 2)) {
      for (char *c = buf; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) *c = (char)(*c ^ 0x20);
    } else {
      size_t l = strlen(buf);
      if (l + 2 < sizeof buf) buf[l] = 'x', buf[l + 1] = '\0';
    }
    cJSON *v = cJSON_CreateString(buf);
    if (!v || fg_enum_has(m->enums, v)) {
      cJSON_Delete(v);
      return root;
    }
    snprintf(detail, sizeof detail, " (\"%.40s\")", buf);
    root = fg_replace(root, p, v);
    break;
  }
  default: return root;
  }
  *applied = 1;
  snprintf(what, cap, "%s at %s%s", fg_edit_name(e), at[0] ? at : "(root)", detail);
  return root;
}

/* ---- the oracle ------------------------------------------------------------------ */

struct fuzz_gen_oracle {
  const char *target;
  fg_model model;
  const hschema *schema;
  hschema_direction dir;
  hjson_doc *doc;
  hschema_result *result;
  unsigned every; /* check one seed in `every` (1: all) */
  size_t n_valid, n_edits;
};

fuzz_gen_oracle *fuzz_gen_oracle_new(const char *target, const hspec *spec, const cJSON *spec_schema,
                                     const hschema *schema, hschema_direction dir) {
  fuzz_gen_oracle *o = calloc(1, sizeof *o);
  if (!o || !(o->doc = hjson_doc_new()) || !(o->result = hschema_result_new(0)))
    fuzz_die(target, "out of memory at start");
  o->target = target;
  o->every = 1;
  o->schema = schema;
  o->dir = dir;
  if (!fg_model_build(&o->model, spec, spec_schema))
    fuzz_die(target, "the schema the structure generator models is not a schema object");
  return o;
}

const fg_node *fuzz_gen_oracle_model(const fuzz_gen_oracle *o) { return o->model.root; }

void fuzz_gen_oracle_sample(fuzz_gen_oracle *o, unsigned every) { o->every = every ? every : 1; }

void fuzz_gen_counts(const fuzz_gen_oracle *o, size_t *valid, size_t *edits) {
  *valid = o ? o->n_valid : 0;
  *edits = o ? o->n_edits : 0;
}

/* Prints tree, reads it strictly, validates: 1 valid, 0 invalid.  text gets
 * the printed body (cJSON_free it). */
static int fg_judge(fuzz_gen_oracle *o, const cJSON *tree, char **text, const char *what) {
  *text = cJSON_PrintUnformatted(tree);
  if (!*text) fuzz_die(o->target, "out of memory printing a generated body");
  hjson_error err;
  const cJSON *root = hjson_parse(o->doc, *text, strlen(*text), NULL, &err);
  if (!root) {
    char ex[400];
    fuzz_escape(ex, sizeof ex, (const uint8_t *)*text, strlen(*text));
    fuzz_die(o->target, "%s: cJSON's printing is not strict JSON (%s at %zu): %s", what,
             err.msg ? err.msg : "?", err.offset, ex);
  }
  fuzz_rfc8259_walk(o->target, root);
  hschema_result_reset(o->result);
  return hschema_validate(o->schema, root, o->dir, o->result);
}

/* One near miss of base, of the first kind (from a drawn start) that applies
 * to it: one extra validation per body keeps the oracle cheap; over many
 * inputs every kind and place comes up. */
static void fg_edits(fuzz_gen_oracle *o, fg_rng *r, const cJSON *base, const char *origin) {
  size_t start = fg_below(r, FG_EDIT_KINDS);
  for (size_t k = 0; k < FG_EDIT_KINDS; k++) {
    fg_edit e = (fg_edit)((start + k) % FG_EDIT_KINDS);
    cJSON *copy = cJSON_Duplicate(base, 1);
    if (!copy) fuzz_die(o->target, "out of memory");
    int applied = 0;
    char what[256];
    copy = fg_near_miss(r, copy, o->model.root, e, &applied, what, sizeof what);
    if (applied) {
      char *text = NULL;
      if (fg_judge(o, copy, &text, what)) {
        char ex[400];
        fuzz_escape(ex, sizeof ex, (const uint8_t *)text, strlen(text));
        fuzz_die(o->target, "near miss accepted: %s, of %s: %s", what, origin, ex);
      }
      o->n_edits++;
      cJSON_free(text);
    }
    cJSON_Delete(copy);
    if (applied) return;
  }
}

void fuzz_gen_check(fuzz_gen_oracle *o, uint64_t seed, const cJSON *accepted_input) {
  static int enabled = -1;
  if (enabled < 0) enabled = fuzz_oracle_enabled("gen");
  if (!enabled || (o->every > 1 && (seed >> 7) % o->every != 0)) return;
  fg_rng r;
  fg_seed(&r, seed);
  int sure = 1;
  cJSON *tree = fg_valid(&r, o->model.root, o->dir, 0, &sure);
  if (!tree) fuzz_die(o->target, "out of memory generating a body");
  char *text = NULL;
  int ok = fg_judge(o, tree, &text, "generated body");
  if (sure && !ok) {
    const hschema_violation *v = NULL; /* the first error, not a warning */
    for (size_t i = 0; i < hschema_result_count(o->result) && !v; i++)
      if (!hschema_result_at(o->result, i)->warning) v = hschema_result_at(o->result, i);
    char ex[400];
    fuzz_escape(ex, sizeof ex, (const uint8_t *)text, strlen(text));
    fuzz_die(o->target, "a body generated valid from the spec is rejected: %s: %s [%s]: %s",
             v && v->instance && *v->instance ? v->instance : "(root)", v ? v->message : "?",
             v ? v->keyword : "?", ex);
  }
  if (sure) o->n_valid++;
  cJSON_free(text);
  fg_edits(o, &r, tree, "a generated body");
  cJSON_Delete(tree);
  if (accepted_input) fg_edits(o, &r, accepted_input, "the accepted input");
}
