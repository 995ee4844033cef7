/* hcases: the catalogue generator - the schema walk, the fixed families (one
 * rule at one location, raw bytes, HTTP, semantics) and hcases_generate.  The
 * families that explore around every rule are in hcases_families.c, reading
 * and materializing in hcases_io.c.  See hcases.h. */
#include "cases/hcases.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "json/hjson.h"

/* Messages and ids are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* ---------- a view of a raw schema: $ref and allOf merged ---------- */

static void collect(const hspec *spec, const cJSON *node, sview *v, int depth) {
  if (!cJSON_IsObject(node) || depth > MAX_DEPTH)
    return;
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
  if (cJSON_IsString(ref)) {
    static const char pfx[] = "#/components/schemas/";
    if (!v->comp && !strncmp(ref->valuestring, pfx, sizeof pfx - 1))
      v->comp = ref->valuestring + sizeof pfx - 1;
    collect(spec, hspec_resolve(spec, ref->valuestring, NULL), v, depth + 1);
  }
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(node, "type");
  if (cJSON_IsString(t) && !v->type)
    v->type = t->valuestring;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "nullable")))
    v->nullable = 1;
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(node, "pattern");
  if (cJSON_IsString(p)) {
    int dup = 0;
    for (size_t i = 0; i < v->n_patterns; i++)
      dup |= !strcmp(v->patterns[i], p->valuestring);
    if (!dup && v->n_patterns < MAX_PATTERNS)
      v->patterns[v->n_patterns++] = p->valuestring;
  }
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
  for (const cJSON *m = cJSON_IsObject(props) ? props->child : NULL; m; m = m->next) {
    int dup = 0;
    for (size_t i = 0; i < v->n_props; i++)
      dup |= !strcmp(v->props[i].name, m->string);
    if (!dup && v->n_props < MAX_PROPS)
      v->props[v->n_props++] = (sprop){m->string, m};
  }
  if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(node, "additionalProperties")))
    v->additional_false = 1;
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(node, "enum");
  if (cJSON_IsArray(e) && e->child && !v->enumv)
    v->enumv = e;
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(node, "format");
  if (cJSON_IsString(f) && !v->format)
    v->format = f->valuestring;
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(node, "minimum");
  if (cJSON_IsNumber(mn) && !v->has_min) {
    v->has_min = 1;
    v->min = mn->valuedouble;
  }
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(node, "maximum");
  if (cJSON_IsNumber(mx) && !v->has_max) {
    v->has_max = 1;
    v->max = mx->valuedouble;
  }
  const cJSON *ml = cJSON_GetObjectItemCaseSensitive(node, "minLength");
  if (cJSON_IsNumber(ml) && ml->valuedouble >= 0 && ml->valuedouble < 1e6 && v->min_len < 0)
    v->min_len = (long)ml->valuedouble;
  const cJSON *xl = cJSON_GetObjectItemCaseSensitive(node, "maxLength");
  if (cJSON_IsNumber(xl) && xl->valuedouble >= 0 && xl->valuedouble < 1e6 && v->max_len < 0)
    v->max_len = (long)xl->valuedouble;
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(node, "items");
  if (items && !v->items)
    v->items = items;
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(node, "allOf");
  for (const cJSON *s = cJSON_IsArray(all) ? all->child : NULL; s; s = s->next)
    collect(spec, s, v, depth + 1);
  if (!v->type && v->n_props)
    v->type = "object";
}

void hc_view_of(const hspec *spec, const cJSON *schema, sview *v) {
  memset(v, 0, sizeof *v);
  v->min_len = v->max_len = -1;
  collect(spec, schema, v, 0);
}

/* ---------- generator state ---------- */

uint64_t hc_rand(gen *g) {
  uint64_t x = g->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  g->rng = x;
  return x;
}

void hc_fail(gen *g, const char *fmt, ...) {
  if (g->failed)
    return;
  g->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g->err->msg, sizeof g->err->msg, fmt, ap);
  va_end(ap);
}

/* ---------- strings from patterns ---------- */

typedef struct {
  char set[128]; /* ASCII members */
  size_t n;
} cset;

/* Generates one string matching an ECMA-262 pattern of the simple kind specs
 * use (anchors, literals, escapes, \d \w, classes with ranges, quantifiers,
 * '.').  Returns 0 for anything else (alternation, groups, negated classes). */
int hc_gen_pattern(gen *g, const char *pat, char *out, size_t cap) {
  size_t o = 0, picks = 0;
  const char *p = pat;
  size_t len = strlen(pat);
  if (*p == '^')
    p++;
  const char *end = pat + len;
  if (end > p && end[-1] == '$' && (end - 1 == p || end[-2] != '\\'))
    end--;
  while (p < end) {
    cset cs = {{0}, 0};
    if (*p == '\\') {
      if (p + 1 >= end)
        return 0;
      char e = p[1];
      if (e == 'd') {
        for (char c = '0'; c <= '9'; c++)
          cs.set[cs.n++] = c;
      } else if (e == 'w') {
        for (char c = 'a'; c <= 'z'; c++)
          cs.set[cs.n++] = c;
        for (char c = '0'; c <= '9'; c++)
          cs.set[cs.n++] = c;
      } else if (isalnum((unsigned char)e)) {
        return 0; /* \s, \b, \u escapes ...: not generated */
      } else {
        cs.set[cs.n++] = e;
      }
      p += 2;
    } else if (*p == '[') {
      p++;
      if (*p == '^')
        return 0;
      while (p < end && *p != ']') {
        char a = *p;
        if (a == '\\') {
          if (p + 1 >= end)
            return 0;
          if (p[1] == 'd') {
            for (char c = '0'; c <= '9' && cs.n < sizeof cs.set; c++)
              cs.set[cs.n++] = c;
            p += 2;
            continue;
          }
          a = p[1];
          p++;
        }
        if (p + 2 < end && p[1] == '-' && p[2] != ']') {
          for (int c = (unsigned char)a; c <= (unsigned char)p[2] && cs.n < sizeof cs.set; c++)
            cs.set[cs.n++] = (char)c;
          p += 3;
        } else {
          if (cs.n < sizeof cs.set)
            cs.set[cs.n++] = a;
          p++;
        }
      }
      if (p >= end || cs.n == 0)
        return 0;
      p++;
    } else if (*p == '(' || *p == ')' || *p == '|' || *p == '^' || *p == '$') {
      return 0;
    } else if (*p == '.') {
      cs.set[cs.n++] = 'x';
      p++;
    } else {
      if ((unsigned char)*p >= 0x80)
        return 0;
      cs.set[cs.n++] = *p++;
    }
    unsigned long min = 1;
    if (p < end && (*p == '?' || *p == '*')) {
      min = 0;
      p++;
    } else if (p < end && *p == '+') {
      p++;
    } else if (p < end && *p == '{') {
      char *q;
      min = strtoul(p + 1, &q, 10);
      while (q < end && *q != '}')
        q++;
      if (q >= end || min > 256)
        return 0;
      p = q + 1;
    }
    for (unsigned long i = 0; i < min; i++) {
      if (o + 1 >= cap)
        return 0;
      size_t k = g->pick == HC_PICK_FIRST   ? 0
                 : g->pick == HC_PICK_LAST  ? cs.n - 1
                 : g->pick == HC_PICK_CYCLE ? (picks + g->pick_offset) % cs.n
                                            : (size_t)(hc_rand(g) % cs.n);
      picks += cs.n > 1;
      if (cs.n > g->pick_max)
        g->pick_max = cs.n;
      out[o++] = cs.set[k];
    }
  }
  out[o] = '\0';
  return 1;
}

/* ---------- values and bodies ---------- */

int hc_comp_open(const gen *g, const char *comp) {
  for (size_t i = 0; comp && i < g->n_comp; i++)
    if (!strcmp(g->comp_stack[i], comp))
      return 1;
  return 0;
}

/* 1 when the schema is an object component already being generated. */
static int recursive_object(gen *g, const cJSON *schema) {
  sview v;
  hc_view_of(g->spec, schema, &v);
  return v.type && !strcmp(v.type, "object") && hc_comp_open(g, v.comp);
}

cJSON *hc_gen_value(gen *g, const cJSON *schema, const char *prop, int top, int depth) {
  sview v;
  hc_view_of(g->spec, schema, &v);
  if (depth > MAX_DEPTH)
    return cJSON_CreateNull();
  const char *type = v.type ? v.type : "string";
  if (!strcmp(type, "object")) {
    cJSON *o = cJSON_CreateObject();
    int pushed = v.comp && g->n_comp < MAX_DEPTH;
    if (pushed)
      g->comp_stack[g->n_comp++] = v.comp;
    for (size_t i = 0; i < v.n_props; i++) {
      if (recursive_object(g, v.props[i].schema))
        continue; /* a recursive property: bounded by leaving it out */
      cJSON_AddItemToObject(o, v.props[i].name,
                            hc_gen_value(g, v.props[i].schema, v.props[i].name, 0, depth + 1));
    }
    if (pushed)
      g->n_comp--;
    return o;
  }
  if (!strcmp(type, "array")) {
    cJSON *a = cJSON_CreateArray();
    if (v.items && !recursive_object(g, v.items)) /* recursive items: an empty array */
      cJSON_AddItemToArray(a, hc_gen_value(g, v.items, prop, 0, depth + 1));
    return a;
  }
  if (v.enumv)
    return cJSON_Duplicate(v.enumv->child, 1); /* the first documented value */
  if (!strcmp(type, "integer") || !strcmp(type, "number")) {
    double x = 1;
    if (v.has_min && x < v.min)
      x = !strcmp(type, "integer") ? ceil(v.min) : v.min;
    if (v.has_max && x > v.max)
      x = !strcmp(type, "integer") ? floor(v.max) : v.max;
    return cJSON_CreateNumber(x);
  }
  if (!strcmp(type, "boolean"))
    return cJSON_CreateTrue();
  if (v.format && !v.n_patterns) {
    /* a value of the formats the validator checks, and the common others */
    static const struct {
      const char *format, *value;
    } fv[] = {{"date-time", "2026-01-02T03:04:05Z"},
              {"date", "2026-01-02"},
              {"time", "03:04:05Z"},
              {"uuid", "0b9e8f3c-6a1d-4c2e-9f7a-5d3b2a1c0e4f"},
              {"email", "apiharness@example.com"},
              {"uri", "https://example.com/apiharness"},
              {"hostname", "apiharness.example.com"},
              {"ipv4", "192.0.2.1"},
              {"ipv6", "2001:db8::1"}};
    for (size_t i = 0; i < sizeof fv / sizeof fv[0]; i++)
      if (!strcmp(v.format, fv[i].format))
        return cJSON_CreateString(fv[i].value);
  }
  if (v.n_patterns) {
    char buf[512];
    if (!hc_gen_pattern(g, v.patterns[0], buf, sizeof buf)) {
      hc_fail(g, "cannot generate a string for pattern '%s' (property %s)", v.patterns[0],
              prop ? prop : "?");
      return cJSON_CreateString("");
    }
    return cJSON_CreateString(buf);
  }
  if (top && prop && !strcmp(prop, NAME_PROPERTY))
    return cJSON_CreateString(HCASES_NAME_PLACEHOLDER);
  char buf[512];
  snprintf(buf, sizeof buf, "apiharness %s", prop ? prop : "value");
  /* within minLength / maxLength when the schema states them */
  size_t n = strlen(buf);
  while (v.min_len >= 0 && n < (size_t)v.min_len && n + 1 < sizeof buf)
    buf[n++] = 'x';
  buf[n] = '\0';
  if (v.max_len >= 0 && n > (size_t)v.max_len)
    buf[v.max_len] = '\0';
  return cJSON_CreateString(buf);
}

/* Validates body: 1 valid; 0 invalid with *prose the first prose rule id
 * violated (NULL if none) and *spec_bad 1 when the spec schema failed. */
int hc_classify(gen *g, const cJSON *body, const char **prose, int *spec_bad) {
  hschema_result_reset(g->res);
  int ok = hrules_check_request(g->rules, NULL, body, g->res);
  if (prose)
    *prose = NULL;
  if (spec_bad)
    *spec_bad = 0;
  for (size_t i = 0; i < hschema_result_count(g->res); i++) {
    const hschema_violation *x = hschema_result_at(g->res, i);
    if (x->warning)
      continue;
    const char *id = hrules_violation_rule(g->rules, x);
    if (id && prose && !*prose)
      *prose = id;
    if (!id && spec_bad)
      *spec_bad = 1;
  }
  return ok;
}

int hc_classify_text(gen *g, const char *text, size_t len, const char **prose, int *spec_bad) {
  const cJSON *root = hjson_parse(g->doc, text, len, NULL, NULL);
  if (!root)
    return 0;
  return hc_classify(g, root, prose, spec_bad);
}

cJSON *hc_at(cJSON *node, const bpath *p, size_t upto) {
  for (size_t i = 0; node && i < upto; i++)
    node = !strcmp(p->tok[i], "[]")
               ? (cJSON_IsArray(node) ? node->child : NULL)
               : (cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, p->tok[i]) : NULL);
  return node;
}

/* A copy of the base body (minimal when the location exists there, else full)
 * with the value at p replaced by val (taken); p->n == 0 replaces the root. */
cJSON *hc_with_value(gen *g, const bpath *p, cJSON *val) {
  cJSON *base = hc_at(g->minimal, p, p->n) ? g->minimal : g->full;
  if (p->n == 0)
    return val;
  cJSON *b = cJSON_Duplicate(base, 1);
  cJSON *parent = hc_at(b, p, p->n - 1);
  const char *last = p->tok[p->n - 1];
  if (!strcmp(last, "[]")) {
    if (!cJSON_IsArray(parent) || !parent->child) {
      cJSON_Delete(val);
      cJSON_Delete(b);
      return NULL;
    }
    cJSON_ReplaceItemInArray(parent, 0, val);
  } else if (cJSON_IsObject(parent)) {
    if (cJSON_GetObjectItemCaseSensitive(parent, last))
      cJSON_ReplaceItemInObjectCaseSensitive(parent, last, val);
    else
      cJSON_AddItemToObject(parent, last, val);
  } else {
    cJSON_Delete(val);
    cJSON_Delete(b);
    return NULL;
  }
  return b;
}

cJSON *hc_without(gen *g, const bpath *p, int from_full) {
  cJSON *b = cJSON_Duplicate(from_full ? g->full : g->minimal, 1);
  cJSON *parent = hc_at(b, p, p->n - 1);
  if (!cJSON_IsObject(parent) || !cJSON_GetObjectItemCaseSensitive(parent, p->tok[p->n - 1])) {
    cJSON_Delete(b);
    return NULL;
  }
  cJSON_DeleteItemFromObjectCaseSensitive(parent, p->tok[p->n - 1]);
  return b;
}

/* Prints body (unformatted) with the string RAW_MARK replaced by raw (JSON text). */
char *hc_print_with_raw(const cJSON *body, const char *raw) {
  char *t = cJSON_PrintUnformatted(body);
  if (!t)
    return NULL;
  char *m = strstr(t, "\"" RAW_MARK "\"");
  if (!m)
    return t;
  size_t pre = (size_t)(m - t), mk = strlen(RAW_MARK) + 2, rl = strlen(raw), tl = strlen(t);
  char *o = malloc(tl - mk + rl + 1);
  if (o) {
    memcpy(o, t, pre);
    memcpy(o + pre, raw, rl);
    memcpy(o + pre + rl, m + mk, tl - pre - mk + 1);
  }
  free(t);
  return o;
}

/* ---------- catalogue building ---------- */

void hc_add_req(gen *g, const char *id, const char *klass, const char *source, const char *fmt,
                ...) {
  for (const cJSON *r = g->reqs->child; r; r = r->next)
    if (!strcmp(cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring, id))
      return;
  char title[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(title, sizeof title, fmt, ap);
  va_end(ap);
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "id", id);
  cJSON_AddStringToObject(r, "class", klass);
  cJSON_AddStringToObject(r, "title", title);
  cJSON_AddStringToObject(r, "source", source);
  cJSON_AddItemToArray(g->reqs, r);
}

cJSON *hc_add_case(gen *g, const char *id, const char *req, const char *klass, hjudge_expect expect,
                   const char *fmt, ...) {
  char title[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(title, sizeof title, fmt, ap);
  va_end(ap);
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "id", id);
  cJSON_AddStringToObject(c, "requirement", req);
  cJSON_AddStringToObject(c, "class", klass);
  cJSON_AddStringToObject(c, "title", title);
  cJSON_AddStringToObject(c, "method", "POST");
  cJSON_AddStringToObject(c, "content_type", g->default_ct);
  cJSON_AddStringToObject(c, "auth", "token");
  cJSON_AddStringToObject(c, "expect", hjudge_expect_name(expect));
  if (expect == HJUDGE_EXPECT_CREATED) {
    cJSON_AddTrueToObject(c, "echo");
    cJSON_AddTrueToObject(c, "creates");
  } else if (expect == HJUDGE_EXPECT_CREATED_OR_BAD || expect == HJUDGE_EXPECT_CREATED_BAD_OR_413) {
    cJSON_AddTrueToObject(c, "creates");
  }
  cJSON_AddItemToArray(g->cases, c);
  return c;
}

void hc_set_body(cJSON *c, cJSON *body) { cJSON_AddItemToObject(c, "body", body); }

/* The documents leave the outcome to the implementation: the other outcome is
 * a warning (hjudge_case.tolerated). */
void hc_set_tolerated(cJSON *c, const char *why) {
  cJSON_AddTrueToObject(c, "tolerated");
  cJSON_AddStringToObject(c, "tolerated_reason", why);
}

void hc_set_text(cJSON *c, const char *text) {
  cJSON_DeleteItemFromObjectCaseSensitive(c, "echo");
  cJSON_AddStringToObject(c, "body_text", text);
  /* a text body is still JSON when it parses: the runner reads it for echoes */
}

cJSON *hc_seg_text(const char *t) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "text", t);
  return s;
}

cJSON *hc_seg_repeat(const char *t, size_t n) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "repeat", t);
  cJSON_AddNumberToObject(s, "count", (double)n);
  return s;
}

cJSON *hc_seg_hex(const char *hex) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "hex", hex);
  return s;
}

cJSON *hc_segs_padded(const char *min, size_t pad) {
  cJSON *segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_text("{\"x-apiharness-padding\":\""));
  cJSON_AddItemToArray(segs, hc_seg_repeat("a", pad));
  size_t ml = strlen(min);
  char *tail = malloc(ml + 8);
  if (tail) {
    snprintf(tail, ml + 8, "\",%s", min + 1);
    cJSON_AddItemToArray(segs, hc_seg_text(tail));
    free(tail);
  }
  return segs;
}

/* "account-id", "modules-id", "body" */
void hc_slug(const bpath *p, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n; i++) {
    if (!strcmp(p->tok[i], "[]"))
      continue;
    for (const char *s = p->tok[i]; *s && o + 2 < cap; s++)
      buf[o++] = isalnum((unsigned char)*s) ? (char)tolower((unsigned char)*s) : '-';
    buf[o++] = '-';
  }
  if (o == 0)
    snprintf(buf, cap, "body");
  else
    buf[o - 1] = '\0';
  if (p->n && !strcmp(p->tok[p->n - 1], "[]") && o + 5 < cap)
    snprintf(buf + o - 1, cap - (o - 1), "-item");
}

/* "account.id", "modules[0].id", "the body" */
void hc_human(const bpath *p, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n && o + 4 < cap; i++) {
    if (!strcmp(p->tok[i], "[]")) {
      o += (size_t)snprintf(buf + o, cap - o, "[0]");
      continue;
    }
    o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "." : "", p->tok[i]);
  }
  if (o == 0)
    snprintf(buf, cap, "the body");
}

int hc_type_allowed(const sview *v, const char *t) {
  if (!strcmp(t, "null"))
    return v->nullable;
  if (!v->type)
    return 1;
  if (!strcmp(t, "number") && !strcmp(v->type, "integer"))
    return 0;
  return !strcmp(v->type, t) || (!strcmp(v->type, "number") && !strcmp(t, "integer"));
}

cJSON *hc_sample_of(const char *t) {
  if (!strcmp(t, "string"))
    return cJSON_CreateString("apiharness");
  if (!strcmp(t, "number"))
    return cJSON_CreateNumber(12345);
  if (!strcmp(t, "boolean"))
    return cJSON_CreateTrue();
  if (!strcmp(t, "null"))
    return cJSON_CreateNull();
  if (!strcmp(t, "array"))
    return cJSON_CreateArray();
  return cJSON_CreateObject();
}

/* The requirement id of a keyword at a location: owner component + property. */
void hc_req_id(char *buf, size_t cap, const char *owner, const char *prop, int items,
               const char *keyword) {
  if (prop)
    snprintf(buf, cap, "schema.request.%s.%s%s.%s", owner ? owner : "body", prop,
             items ? ".items" : "", keyword);
  else
    snprintf(buf, cap, "schema.request.%s.%s", owner ? owner : "body", keyword);
}

/* A negative case, if the body is indeed rejected; the requirement is
 * `spec_req` when the spec schema rejects it, else the prose rule that does.
 * tolerated (may be NULL): why a 201 is only a warning (hjudge_case). */
void hc_neg_case_t(gen *g, const char *id, const char *spec_req, const char *spec_title,
                   cJSON *body, const char *fmt, const char *arg, int aspnet,
                   const char *aspnet_reason, const char *tolerated) {
  if (!body)
    return;
  const char *prose;
  int spec_bad;
  if (hc_classify(g, body, &prose, &spec_bad)) {
    cJSON_Delete(body); /* the spec accepts it after all: not a negative case */
    return;
  }
  const char *req = (spec_bad && spec_req[0]) ? spec_req : prose;
  if (!req) {
    cJSON_Delete(body);
    return;
  }
  if (req == spec_req)
    hc_add_req(g, spec_req, "request-schema", "spec", "%s", spec_title);
  cJSON *c = hc_add_case(g, id, req, "negative-body", HJUDGE_EXPECT_BAD_REQUEST, fmt, arg);
  if (aspnet) {
    cJSON_AddTrueToObject(c, "aspnet_tolerated");
    cJSON_AddStringToObject(c, "aspnet_reason", aspnet_reason);
  }
  if (tolerated)
    hc_set_tolerated(c, tolerated);
  hc_set_body(c, body);
}

void hc_neg_case(gen *g, const char *id, const char *spec_req, const char *spec_title, cJSON *body,
                 const char *fmt, const char *arg, int aspnet, const char *aspnet_reason) {
  hc_neg_case_t(g, id, spec_req, spec_title, body, fmt, arg, aspnet, aspnet_reason, NULL);
}

void hc_pos_case(gen *g, const char *id, const char *req, cJSON *body, const char *fmt,
                 const char *arg) {
  if (!body)
    return;
  if (!hc_classify(g, body, NULL, NULL)) {
    cJSON_Delete(body);
    return;
  }
  cJSON *c = hc_add_case(g, id, req, "positive", HJUDGE_EXPECT_CREATED, fmt, arg);
  hc_set_body(c, body);
}

typedef struct {
  const char *kind, *what;
  char s[600];
  int aspnet; /* also tolerated (a warning) in every profile but strict */
  const char *why;
} near_miss;

typedef struct {
  const char *id, *title;
  char *text;
} raw_text;

/* Near misses of a valid pattern value. */
static void pattern_cases(gen *g, const bpath *p, const sview *v, const char *owner,
                          const char *prop) {
  cJSON *cur = hc_at(g->full, p, p->n);
  if (!cJSON_IsString(cur))
    return;
  const char *val = cur->valuestring;
  size_t n = strlen(val);
  char req[160], title[300], where[128], sl[96];
  hc_req_id(req, sizeof req, owner, prop, 0, "pattern");
  hc_human(p, where, sizeof where);
  hc_slug(p, sl, sizeof sl);
  snprintf(title, sizeof title, "%s matches %s", where, v->patterns[0]);
  /* the last run of digits, for the digit-count near misses */
  size_t ds = n, de = n;
  for (size_t i = n; i-- > 0;)
    if (isdigit((unsigned char)val[i])) {
      de = i + 1;
      ds = i;
      while (ds > 0 && isdigit((unsigned char)val[ds - 1]))
        ds--;
      break;
    }
  near_miss m[8];
  size_t k = 0;
  if (de < n + 1 && ds < de) {
    m[k] = (near_miss){"short-digits", "with one digit fewer", "", 0, NULL};
    snprintf(m[k].s, sizeof m[k].s, "%.*s%s", (int)(de - 1), val, val + de);
    k++;
    m[k] = (near_miss){"long-digits", "with one digit more", "", 0, NULL};
    snprintf(m[k].s, sizeof m[k].s, "%.*s7%s", (int)de, val, val + de);
    k++;
    m[k] = (near_miss){"arabic-indic-digit", "with an Arabic-Indic digit", "", 1,
                       "in .NET regular expressions \\d matches every Unicode decimal digit"};
    snprintf(m[k].s, sizeof m[k].s, "%.*s\xd9%c%s", (int)(de - 1), val,
             (char)(0xa0 + (val[de - 1] - '0')), val + de);
    k++;
  }
  m[k] = (near_miss){"lowercase", "in lower case", "", 0, NULL};
  for (size_t i = 0; i <= n && i < sizeof m[k].s; i++)
    m[k].s[i] = (char)tolower((unsigned char)val[i]);
  if (strcmp(m[k].s, val))
    k++;
  m[k] = (near_miss){"surrounding-spaces", "with surrounding spaces", "", 0, NULL};
  snprintf(m[k].s, sizeof m[k].s, " %s ", val);
  k++;
  m[k] = (near_miss){"trailing-newline", "with a trailing newline", "", 1,
                     "in .NET regular expressions '$' also matches before a final newline"};
  snprintf(m[k].s, sizeof m[k].s, "%s\n", val);
  k++;
  m[k] = (near_miss){"empty", "empty", "", 0, NULL};
  k++;
  for (size_t i = 0; i < k; i++) {
    char id[200], t[400];
    snprintf(id, sizeof id, "neg.pattern.%s.%s", sl, m[i].kind);
    snprintf(t, sizeof t, "%s %s", where, m[i].what);
    /* the regex-dialect near misses (.NET, Python, Java: '$' before a final
     * newline, Unicode \d) are answered 201 by healthy servers built on those
     * engines: a warning outside --profile strict */
    hc_neg_case_t(g, id, req, title, hc_with_value(g, p, cJSON_CreateString(m[i].s)), "%s", t,
                  m[i].aspnet, m[i].why, m[i].aspnet ? m[i].why : NULL);
  }
  /* \u0000 after a valid value: only expressible as text */
  char raw[700];
  cJSON *esc = cJSON_CreateString(val);
  char *q = cJSON_PrintUnformatted(esc);
  cJSON_Delete(esc);
  if (!q)
    return;
  snprintf(raw, sizeof raw, "%.*s\\u0000\"", (int)strlen(q) - 1, q);
  free(q);
  cJSON *body = hc_with_value(g, p, cJSON_CreateString(RAW_MARK));
  char *text = body ? hc_print_with_raw(body, raw) : NULL;
  cJSON_Delete(body);
  if (!text)
    return;
  const char *prose;
  int spec_bad;
  if (!hc_classify_text(g, text, strlen(text), &prose, &spec_bad) && spec_bad) {
    hc_add_req(g, req, "request-schema", "spec", "%s", title);
    char id[200];
    snprintf(id, sizeof id, "neg.pattern.%s.nul-suffix", sl);
    cJSON *c = hc_add_case(g, id, req, "negative-body", HJUDGE_EXPECT_BAD_REQUEST,
                           "%s followed by \\u0000", where);
    hc_set_text(c, text);
  }
  free(text);
}

static void walk(gen *g, const cJSON *schema, bpath *p, const char *owner, const char *prop,
                 int items, int depth);

static void location_cases(gen *g, const sview *v, bpath *p, const char *owner, const char *prop,
                           int items) {
  char where[128], sl[96], req[160], title[300];
  hc_human(p, where, sizeof where);
  hc_slug(p, sl, sizeof sl);
  /* every JSON type that the location does not allow */
  static const char *const types[] = {"string", "number", "boolean", "null", "array", "object"};
  hc_req_id(req, sizeof req, prop ? owner : v->comp, prop, items, "type");
  snprintf(title, sizeof title, "%s is of type %s%s", where, v->type ? v->type : "any",
           v->nullable ? " or null" : "");
  for (size_t i = 0; i < sizeof types / sizeof types[0] && v->type; i++) {
    if (hc_type_allowed(v, types[i]))
      continue;
    char id[200], t[300];
    snprintf(id, sizeof id, "neg.type.%s.%s", sl, types[i]);
    snprintf(t, sizeof t, "%s%s as %s", where, "", types[i]);
    hc_neg_case(g, id, req, title, hc_with_value(g, p, hc_sample_of(types[i])), "%s", t, 0, NULL);
  }
  /* undeclared properties at every object level */
  if (v->type && !strcmp(v->type, "object") && v->additional_false && hc_at(g->full, p, p->n)) {
    char r2[160], t2[300], id[200];
    hc_req_id(r2, sizeof r2, v->comp ? v->comp : owner, NULL, 0, "additionalProperties");
    snprintf(t2, sizeof t2, "%s has no undeclared properties", where);
    cJSON *obj = cJSON_Duplicate(hc_at(g->full, p, p->n), 1);
    cJSON_AddNumberToObject(obj, "x-apiharness-undeclared", 1);
    snprintf(id, sizeof id, "neg.undeclared.%s", sl);
    hc_neg_case(g, id, r2, t2, hc_with_value(g, p, obj), "%s with an undeclared property", where, 1,
                "ASP.NET Core ignores unknown JSON properties by default");
    if (v->n_props) {
      /* a case variant of the first declared name, in place of it */
      const char *pn = v->props[0].name;
      for (size_t i = 0; i < v->n_props; i++)
        if (p->n == 0 && !strcmp(v->props[i].name, NAME_PROPERTY))
          pn = v->props[i].name;
      char variant[128];
      snprintf(variant, sizeof variant, "%s", pn);
      variant[0] = (char)toupper((unsigned char)variant[0]);
      if (strcmp(variant, pn)) {
        cJSON *o2 = cJSON_Duplicate(hc_at(g->full, p, p->n), 1);
        cJSON *val = cJSON_DetachItemFromObjectCaseSensitive(o2, pn);
        if (val)
          cJSON_AddItemToObject(o2, variant, val);
        snprintf(id, sizeof id, "neg.case-variant.%s", sl);
        char t3[300];
        snprintf(t3, sizeof t3, "%s with \"%s\" in place of \"%s\"", where, variant, pn);
        hc_neg_case(g, id, r2, t2, hc_with_value(g, p, o2), "%s", t3, 1,
                    "ASP.NET Core matches property names case-insensitively by default");
      }
    }
  }
  if (v->n_patterns)
    pattern_cases(g, p, v, owner, prop);
}

/* absent / null / empty-array variants of a property (outside arrays) */
static void property_variants(gen *g, bpath *p, const sview *pv, const char *owner,
                              const char *prop) {
  char where[128], sl[96], id[200], req[160];
  hc_human(p, where, sizeof where);
  hc_slug(p, sl, sizeof sl);
  /* absent */
  cJSON *b = hc_without(g, p, 1);
  if (b) {
    const char *prose;
    int spec_bad;
    if (hc_classify(g, b, &prose, &spec_bad)) {
      hc_req_id(req, sizeof req, owner, prop, 0, "optional");
      hc_add_req(g, req, "request-schema", "spec", "%s may be absent", where);
      snprintf(id, sizeof id, "pos.optional.%s.absent", sl);
      hc_pos_case(g, id, req, b, "%s absent", where);
    } else if (prose) {
      /* required by the prose: absent from the minimal body */
      cJSON_Delete(b);
      b = hc_without(g, p, 0);
      snprintf(id, sizeof id, "neg.missing.%s", sl);
      char dummy[8] = "";
      hc_neg_case(g, id, dummy, "", b, "%s missing", where, 0, NULL);
    } else {
      cJSON_Delete(b);
    }
  }
  /* null */
  if (pv->nullable) {
    cJSON *nb = hc_with_value(g, p, cJSON_CreateNull());
    if (nb && hc_classify(g, nb, NULL, NULL)) {
      hc_req_id(req, sizeof req, owner, prop, 0, "nullable");
      hc_add_req(g, req, "request-schema", "spec", "%s may be null", where);
      snprintf(id, sizeof id, "pos.optional.%s.null", sl);
      hc_pos_case(g, id, req, nb, "%s null", where);
    } else {
      snprintf(id, sizeof id, "neg.null.%s", sl);
      char dummy[8] = "";
      hc_neg_case(g, id, dummy, "", nb, "%s null (nullable in the schema, required by the page)",
                  where, 0, NULL);
    }
  }
  /* arrays: empty, and several items */
  if (pv->type && !strcmp(pv->type, "array") && pv->items) {
    cJSON *eb = hc_with_value(g, p, cJSON_CreateArray());
    if (eb && hc_classify(g, eb, NULL, NULL)) {
      hc_req_id(req, sizeof req, owner, prop, 0, "type");
      hc_add_req(g, req, "request-schema", "spec", "%s is an array%s", where,
                 pv->nullable ? " or null" : "");
      snprintf(id, sizeof id, "pos.array.%s.empty", sl);
      hc_pos_case(g, id, req, eb, "%s empty", where);
    } else {
      snprintf(id, sizeof id, "neg.array.%s.empty", sl);
      char dummy[8] = "";
      hc_neg_case(g, id, dummy, "", eb, "%s empty", where, 0, NULL);
    }
    cJSON *arr = cJSON_CreateArray();
    char seen[3][512];
    for (int i = 0; i < 3; i++) {
      cJSON *item = NULL;
      for (int tries = 0; tries < 16; tries++) {
        cJSON_Delete(item);
        item = hc_gen_value(g, pv->items, prop, 0, 1);
        char *t = cJSON_PrintUnformatted(item);
        int dup = 0;
        for (int j = 0; t && j < i; j++)
          dup |= !strcmp(seen[j], t);
        snprintf(seen[i], sizeof seen[i], "%s", t ? t : "");
        free(t);
        if (!dup)
          break;
      }
      /* values not drawn from a pattern come out the same: number them */
      cJSON *first = cJSON_IsObject(item) ? item->child : item;
      if (i > 0 && cJSON_IsString(first)) {
        int dup = 0;
        for (int j = 0; j < i; j++) {
          char *t = cJSON_PrintUnformatted(item);
          dup |= t && !strcmp(seen[j], t);
          free(t);
        }
        if (dup) {
          char num[600];
          snprintf(num, sizeof num, "%s %d", first->valuestring, i + 1);
          cJSON_SetValuestring(first, num);
          char *t = cJSON_PrintUnformatted(item);
          snprintf(seen[i], sizeof seen[i], "%s", t ? t : "");
          free(t);
        }
      }
      cJSON_AddItemToArray(arr, item);
    }
    hc_req_id(req, sizeof req, owner, prop, 0, "items");
    hc_add_req(g, req, "request-schema", "spec", "%s accepts several items", where);
    snprintf(id, sizeof id, "pos.array.%s.several", sl);
    hc_pos_case(g, id, req, hc_with_value(g, p, arr), "%s with three items", where);
  }
}

static void walk(gen *g, const cJSON *schema, bpath *p, const char *owner, const char *prop,
                 int items, int depth) {
  if (depth > MAX_DEPTH || g->failed)
    return;
  sview v;
  hc_view_of(g->spec, schema, &v);
  int is_object = v.type && !strcmp(v.type, "object");
  location_cases(g, &v, p, owner, prop, items);
  if (is_object && hc_comp_open(g, v.comp))
    return; /* a recursive property: the object's own rules were walked at its first level */
  if (is_object) {
    int pushed = v.comp && g->n_comp < MAX_DEPTH;
    if (pushed)
      g->comp_stack[g->n_comp++] = v.comp;
    int in_array = 0;
    for (size_t i = 0; i < p->n; i++)
      in_array |= !strcmp(p->tok[i], "[]");
    for (size_t i = 0; i < v.n_props && p->n + 1 < MAX_DEPTH; i++) {
      p->tok[p->n++] = v.props[i].name;
      if (!in_array) {
        sview pv;
        hc_view_of(g->spec, v.props[i].schema, &pv);
        property_variants(g, p, &pv, v.comp ? v.comp : owner, v.props[i].name);
      }
      walk(g, v.props[i].schema, p, v.comp ? v.comp : owner, v.props[i].name, 0, depth + 1);
      p->n--;
    }
    if (pushed)
      g->n_comp--;
  } else if (v.type && !strcmp(v.type, "array") && v.items && p->n + 1 < MAX_DEPTH) {
    p->tok[p->n++] = "[]";
    walk(g, v.items, p, owner, prop, 1, depth + 1);
    p->n--;
  }
}

/* Removes, greedily, every property (outside arrays) the rules do not need:
 * each removal is tried on a copy first. */
static void minimize(gen *g, cJSON *body, bpath *p) {
  cJSON *node = hc_at(body, p, p->n);
  if (!cJSON_IsObject(node) || p->n + 1 >= MAX_DEPTH)
    return;
  char names[MAX_PROPS][128];
  size_t n = 0;
  for (cJSON *m = node->child; m && n < MAX_PROPS; m = m->next)
    snprintf(names[n++], sizeof names[0], "%s", m->string);
  for (size_t i = 0; i < n; i++) {
    p->tok[p->n++] = names[i];
    cJSON *copy = cJSON_Duplicate(body, 1);
    cJSON *parent = hc_at(copy, p, p->n - 1);
    cJSON_DeleteItemFromObjectCaseSensitive(parent, names[i]);
    if (hc_classify(g, copy, NULL, NULL))
      cJSON_DeleteItemFromObjectCaseSensitive(hc_at(body, p, p->n - 1), names[i]);
    else
      minimize(g, body, p);
    cJSON_Delete(copy);
    p->n--;
  }
}

/* ---------- the fixed families (media types, raw bytes, HTTP, semantics) ---------- */

void hc_concrete_media(const char *mt, char *buf, size_t cap) {
  const char *star = strchr(mt, '*');
  if (!star) {
    snprintf(buf, cap, "%s", mt);
    return;
  }
  if (!strcmp(mt, "*/*") || !strcmp(mt, "application/*")) {
    snprintf(buf, cap, "application/json");
    return;
  }
  /* "application/STAR+json" -> "application/vnd.acme+json" */
  snprintf(buf, cap, "%.*svnd.acme%s", (int)(star - mt), mt, star + 1);
}

static void media_cases(gen *g) {
  const hspec_operation *op = hrules_operation(g->rules);
  hc_add_req(g, "http.request-media-types", "http", "spec",
             "every documented request media type is accepted, with parameters as RFC 9110 8.3 "
             "allows (charset in either case, quoted, without or with spaces around ';', extra "
             "parameters) and in upper case");
  for (size_t i = 0; i < op->n_request; i++) {
    char ct[128], sl[128], id[200], up[128], cs[160];
    hc_concrete_media(op->request[i].media_type, ct, sizeof ct);
    size_t k = 0;
    for (const char *s = ct; *s && k + 1 < sizeof sl; s++)
      sl[k++] = isalnum((unsigned char)*s) ? *s : '-';
    sl[k] = '\0';
    for (k = 0; ct[k]; k++)
      up[k] = (char)toupper((unsigned char)ct[k]);
    up[k] = '\0';
    char cu[160], cq[160], nsp[160], wsp[160], extra[200];
    snprintf(cs, sizeof cs, "%s; charset=utf-8", ct);
    snprintf(cu, sizeof cu, "%s; charset=UTF-8", ct);
    snprintf(cq, sizeof cq, "%s; charset=\"utf-8\"", ct);
    snprintf(nsp, sizeof nsp, "%s;charset=utf-8", ct);
    snprintf(wsp, sizeof wsp, "%s ; charset=utf-8", ct);
    snprintf(extra, sizeof extra, "%s; charset=utf-8; x-apiharness=1", ct);
    const char *variants[8][2] = {{ct, ""},
                                  {cs, ".charset"},
                                  {up, ".upper-case"},
                                  {cu, ".charset-upper-case"},
                                  {cq, ".charset-quoted"},
                                  {nsp, ".charset-no-space"},
                                  {wsp, ".space-before-semicolon"},
                                  {extra, ".extra-parameter"}};
    for (int v = 0; v < 8; v++) {
      snprintf(id, sizeof id, "pos.media.%s%s", sl, variants[v][1]);
      cJSON *c = hc_add_case(g, id, "http.request-media-types", "positive", HJUDGE_EXPECT_CREATED,
                             "minimal body sent as %s (documented: %s)", variants[v][0],
                             op->request[i].media_type);
      cJSON_ReplaceItemInObjectCaseSensitive(c, "content_type", cJSON_CreateString(variants[v][0]));
      if (v == 2)
        hc_set_tolerated(c, "media types are case-insensitive (RFC 9110 8.3.1), but many servers "
                            "compare them case-sensitively");
      else if (v == 4)
        hc_set_tolerated(c, "a quoted charset value is the same parameter (RFC 9110 8.3.1, 5.6.6), "
                            "but several media-type parsers compare the value literally");
      else if (v == 6)
        hc_set_tolerated(c, "RFC 9110 5.6.6 allows white space before ';', but common media-type "
                            "parsers (Express type-is/media-typer) then do not recognize the "
                            "type");
      else if (v == 7)
        hc_set_tolerated(c, "RFC 9110 8.3.1 allows parameters the server does not know, but "
                            "several frameworks refuse a media type with an unknown parameter");
      hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
    }
  }
}

static void name_cases(gen *g) {
  if (!cJSON_GetObjectItemCaseSensitive(g->minimal, NAME_PROPERTY))
    return;
  hc_add_req(g, "schema.request.name.boundaries", "request-schema", "spec",
             "name accepts any string: empty, 10,000 characters, non-ASCII, escapes");
  bpath p = {{NAME_PROPERTY}, 1};
  cJSON *b = hc_with_value(g, &p, cJSON_CreateString(""));
  cJSON *c = hc_add_case(g, "pos.name.empty", "schema.request.name.boundaries", "positive",
                         HJUDGE_EXPECT_CREATED, "name is the empty string (exact name)");
  hc_set_tolerated(c, "the page requires a name: an empty one may be refused as missing");
  hc_set_body(c, b);
  b = hc_with_value(g, &p,
                    cJSON_CreateString(HCASES_NAME_PLACEHOLDER
                                       " Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac "
                                       "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9 "
                                       "\xf0\x9f\x9a\x80"));
  c = hc_add_case(g, "pos.name.non-ascii", "schema.request.name.boundaries", "positive",
                  HJUDGE_EXPECT_CREATED, "name with Latin-1, CJK, Arabic and an emoji (UTF-8)");
  hc_set_body(c, b);
  /* escapes written as escapes: only expressible as text */
  cJSON *base = hc_with_value(g, &p, cJSON_CreateString(RAW_MARK));
  char *t = hc_print_with_raw(base, "\"" HCASES_NAME_PLACEHOLDER
                                    " \\\"q\\\" \\\\ \\/ \\t \\n \\u00e9 \\ud83d\\ude80\"");
  cJSON_Delete(base);
  if (t && hc_classify_text(g, t, strlen(t), NULL, NULL)) {
    c = hc_add_case(g, "pos.name.escapes", "schema.request.name.boundaries", "positive",
                    HJUDGE_EXPECT_CREATED,
                    "name written with JSON escapes (\\\" \\\\ \\/ \\t \\n "
                    "\\u00e9, a surrogate pair)");
    hc_set_text(c, t);
    cJSON_AddTrueToObject(c, "echo");
  }
  free(t);
  /* 10,000 characters: described, not stored */
  base = hc_with_value(g, &p, cJSON_CreateString(RAW_MARK));
  char *s = cJSON_PrintUnformatted(base);
  cJSON_Delete(base);
  char *m = s ? strstr(s, RAW_MARK) : NULL;
  if (m) {
    c = hc_add_case(g, "pos.name.10000-chars", "schema.request.name.boundaries", "positive",
                    HJUDGE_EXPECT_CREATED, "name of %d characters (exact name)", LONG_NAME_CHARS);
    hc_set_tolerated(c, "the schema sets no maxLength, a server may still enforce a storage limit");
    cJSON *segs = cJSON_CreateArray();
    *m = '\0';
    cJSON_AddItemToArray(segs, hc_seg_text(s));
    cJSON_AddItemToArray(segs, hc_seg_repeat("n", LONG_NAME_CHARS));
    cJSON_AddItemToArray(segs, hc_seg_text(m + strlen(RAW_MARK)));
    cJSON_AddItemToObject(c, "body_segments", segs);
  }
  free(s);
}

static void raw_cases(gen *g) {
  char *min = cJSON_PrintUnformatted(g->minimal);
  if (!min) {
    hc_fail(g, "out of memory");
    return;
  }
  size_t ml = strlen(min);
  hc_add_req(g, "rfc8259.malformed-rejected", "rfc8259", "rfc8259",
             "a body that is not JSON gets 400");
  raw_text bad[4];
  bad[0] = (raw_text){"raw.malformed.truncated", "the minimal body cut in half", NULL};
  bad[0].text = strndup(min, ml / 2);
  bad[1] = (raw_text){"raw.malformed.single-quotes", "single-quoted member names", NULL};
  bad[1].text = strdup(min);
  for (char *q = bad[1].text; q && *q; q++)
    if (*q == '"')
      *q = '\'';
  bad[2] = (raw_text){"raw.malformed.trailing-comma", "a comma before the closing brace", NULL};
  bad[2].text = malloc(ml + 2);
  if (bad[2].text)
    snprintf(bad[2].text, ml + 2, "%.*s,}", (int)ml - 1, min);
  bad[3] = (raw_text){"raw.malformed.not-json", "plain text", NULL};
  bad[3].text = strdup("account=ACC&name=x");
  for (int i = 0; i < 4; i++) {
    if (!bad[i].text)
      continue;
    cJSON *c = hc_add_case(g, bad[i].id, "rfc8259.malformed-rejected", "raw-bytes",
                           HJUDGE_EXPECT_BAD_REQUEST, "%s", bad[i].title);
    hc_set_text(c, bad[i].text);
    free(bad[i].text);
  }
  hc_add_req(g, "rfc8259.trailing-data-rejected", "rfc8259", "rfc8259",
             "data after the JSON value gets 400");
  cJSON *c = hc_add_case(g, "raw.trailing-garbage", "rfc8259.trailing-data-rejected", "raw-bytes",
                         HJUDGE_EXPECT_BAD_REQUEST, "the minimal body followed by garbage");
  cJSON *segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToArray(segs, hc_seg_text(" garbage"));
  cJSON_AddItemToObject(c, "body_segments", segs);
  c = hc_add_case(g, "raw.trailing-second-value", "rfc8259.trailing-data-rejected", "raw-bytes",
                  HJUDGE_EXPECT_BAD_REQUEST, "the minimal body twice");
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToObject(c, "body_segments", segs);

  hc_add_req(g, "http.empty-body-rejected", "http", "spec",
             "the request body is required: an empty body gets 400");
  c = hc_add_case(g, "raw.empty-body", "http.empty-body-rejected", "raw-bytes",
                  HJUDGE_EXPECT_BAD_REQUEST, "an empty body with a JSON Content-Type");
  hc_set_text(c, "");

  hc_add_req(g, "rfc8259.bom-either", "rfc8259", "rfc8259",
             "a UTF-8 byte order mark may be accepted or rejected (RFC 8259 8.1), never a 5xx");
  c = hc_add_case(g, "raw.utf8-bom", "rfc8259.bom-either", "raw-bytes",
                  HJUDGE_EXPECT_CREATED_OR_BAD, "the minimal body after a UTF-8 BOM");
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_hex("efbbbf"));
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToObject(c, "body_segments", segs);

  hc_add_req(g, "rfc8259.invalid-utf8-rejected", "rfc8259", "rfc8259",
             "a body that is not valid UTF-8 gets 400 (RFC 8259 8.1)");
  /* the bytes go inside the name's string */
  char *at_name = strstr(min, HCASES_NAME_PLACEHOLDER);
  static const struct {
    const char *id, *hex, *title;
  } utf8[] = {{"raw.invalid-utf8.ff", "ff", "a 0xFF byte in the name"},
              {"raw.invalid-utf8.overlong", "c0af", "an overlong encoding of '/' in the name"},
              {"raw.invalid-utf8.truncated", "e282", "a truncated 3-byte sequence in the name"},
              {"raw.invalid-utf8.surrogate", "eda080", "an encoded surrogate U+D800 in the name"}};
  for (size_t i = 0; at_name && i < sizeof utf8 / sizeof utf8[0]; i++) {
    c = hc_add_case(g, utf8[i].id, "rfc8259.invalid-utf8-rejected", "raw-bytes",
                    HJUDGE_EXPECT_BAD_REQUEST, "%s", utf8[i].title);
    segs = cJSON_CreateArray();
    size_t pre = (size_t)(at_name - min) + strlen(HCASES_NAME_PLACEHOLDER);
    char *head = strndup(min, pre);
    cJSON_AddItemToArray(segs, hc_seg_text(head ? head : ""));
    free(head);
    cJSON_AddItemToArray(segs, hc_seg_hex(utf8[i].hex));
    cJSON_AddItemToArray(segs, hc_seg_text(min + pre));
    cJSON_AddItemToObject(c, "body_segments", segs);
    hc_set_tolerated(c, "common JSON libraries (Go encoding/json, WHATWG decoders) replace invalid "
                        "UTF-8 with U+FFFD instead of refusing it");
  }

  hc_add_req(g, "rfc8259.lone-surrogate-rejected", "rfc8259", "rfc8259",
             "a lone surrogate escape (no Unicode character, RFC 8259 8.2) gets 400");
  if (at_name) {
    bpath p = {{NAME_PROPERTY}, 1};
    cJSON *base = hc_with_value(g, &p, cJSON_CreateString(RAW_MARK));
    char *t = hc_print_with_raw(base, "\"" HCASES_NAME_PLACEHOLDER " \\ud800\"");
    cJSON_Delete(base);
    if (t) {
      c = hc_add_case(g, "raw.lone-surrogate", "rfc8259.lone-surrogate-rejected", "raw-bytes",
                      HJUDGE_EXPECT_BAD_REQUEST,
                      "a lone high surrogate escape \\ud800 in the name");
      hc_set_text(c, t);
      cJSON_AddTrueToObject(c, "lenient_surrogates");
      hc_set_tolerated(c, "RFC 8259 8.2 leaves the handling of a lone surrogate unpredictable "
                          "(JavaScript and Python accept it)");
      free(t);
    }
  }

  hc_add_req(g, "rfc8259.duplicate-names-either", "rfc8259", "rfc8259",
             "duplicate member names may be accepted or rejected (RFC 8259 4), never a 5xx");
  if (at_name) {
    c = hc_add_case(g, "raw.duplicate-keys", "rfc8259.duplicate-names-either", "raw-bytes",
                    HJUDGE_EXPECT_CREATED_OR_BAD, "the member \"%s\" twice", NAME_PROPERTY);
    char *t = malloc(ml + 64);
    if (t) {
      snprintf(t, ml + 64, "{\"%s\":\"%s\",%s", NAME_PROPERTY, HCASES_NAME_PLACEHOLDER, min + 1);
      hc_set_text(c, t);
      free(t);
    }
  }

  hc_add_req(g, "rfc8259.deep-nesting-rejected", "rfc8259", "http",
             "a body nested deep (16 to 16,384 levels, or 10,000) gets 400, not a crash, a hang "
             "or a 5xx");
  c = hc_add_case(g, "raw.deep-nesting", "rfc8259.deep-nesting-rejected", "raw-bytes",
                  HJUDGE_EXPECT_BAD_REQUEST, "arrays nested %d deep", DEEP_NESTING);
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_repeat("[", DEEP_NESTING));
  cJSON_AddItemToArray(segs, hc_seg_repeat("]", DEEP_NESTING));
  cJSON_AddItemToObject(c, "body_segments", segs);
  c = hc_add_case(g, "raw.deep-nesting-objects", "rfc8259.deep-nesting-rejected", "raw-bytes",
                  HJUDGE_EXPECT_BAD_REQUEST, "objects nested %d deep", DEEP_NESTING);
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_repeat("{\"a\":", DEEP_NESTING));
  cJSON_AddItemToArray(segs, hc_seg_text("1"));
  cJSON_AddItemToArray(segs, hc_seg_repeat("}", DEEP_NESTING));
  cJSON_AddItemToObject(c, "body_segments", segs);

  hc_add_req(g, "http.large-body", "http", "http",
             "a body over 1 MiB gets 201, 400 or 413 in time, never a 5xx or a hang");
  /* the minimal body with a string of 1 MiB in the first declared string
   * property the minimal body does not carry (else the name) */
  c = hc_add_case(g, "raw.over-1mib", "http.large-body", "raw-bytes",
                  HJUDGE_EXPECT_CREATED_BAD_OR_413, "the minimal body padded to over 1 MiB");
  cJSON_AddItemToObject(c, "body_segments", hc_segs_padded(min, OVER_LIMIT_BYTES));
  free(min);
}

static void http_cases(gen *g) {
  hc_add_req(g, "http.unsupported-media-type", "http", "http",
             "a missing or undocumented Content-Type gets 415");
  static const struct {
    const char *id, *ct;
  } bad_ct[] = {{"http.content-type.missing", NULL},
                {"http.content-type.text-plain", "text/plain"},
                {"http.content-type.xml", "application/xml"},
                {"http.content-type.form", "application/x-www-form-urlencoded"},
                {"http.content-type.jsonx", "application/jsonx"}};
  for (size_t i = 0; i < sizeof bad_ct / sizeof bad_ct[0]; i++) {
    const hspec_operation *op = hrules_operation(g->rules);
    if (bad_ct[i].ct && hspec_match_media(op->request, op->n_request, bad_ct[i].ct))
      continue; /* documented after all */
    cJSON *c = hc_add_case(g, bad_ct[i].id, "http.unsupported-media-type", "http",
                           HJUDGE_EXPECT_UNSUPPORTED_MEDIA, "a valid body %s%s",
                           bad_ct[i].ct ? "sent as " : "without a Content-Type",
                           bad_ct[i].ct ? bad_ct[i].ct : "");
    cJSON_ReplaceItemInObjectCaseSensitive(
        c, "content_type", bad_ct[i].ct ? cJSON_CreateString(bad_ct[i].ct) : cJSON_CreateNull());
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
  hc_add_req(g, "http.method-not-allowed", "http", "http",
             "another method on the path gets 405 with an Allow header naming the documented "
             "methods (501 accepted for a non-standard method)");
  const char *allowed = hspec_allowed_methods(hrules_spec(g->rules), HRULES_PATH);
  static const char *const methods[] = {"GET", "PUT", "PATCH", "DELETE", "HEAD", "BREW"};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    size_t n = strlen(methods[i]);
    const char *f = allowed ? strstr(allowed, methods[i]) : NULL;
    if (f && (f[n] == ',' || f[n] == '\0'))
      continue;
    char id[64], lower[16];
    for (size_t k = 0; k <= n; k++)
      lower[k] = (char)tolower((unsigned char)methods[i][k]);
    snprintf(id, sizeof id, "http.method.%s", lower);
    int nonstandard = i == sizeof methods / sizeof methods[0] - 1;
    cJSON *c =
        hc_add_case(g, id, "http.method-not-allowed", "http", HJUDGE_EXPECT_METHOD_NOT_ALLOWED,
                    "%s on the path%s", methods[i], nonstandard ? " (a non-standard method)" : "");
    cJSON_ReplaceItemInObjectCaseSensitive(c, "method", cJSON_CreateString(methods[i]));
    if (nonstandard)
      cJSON_AddTrueToObject(c, "nonstandard_method");
    if (!strcmp(methods[i], "PUT") || !strcmp(methods[i], "PATCH"))
      hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
    else
      cJSON_ReplaceItemInObjectCaseSensitive(c, "content_type", cJSON_CreateNull());
  }
  hc_add_req(g, "http.authentication-required", "http", "http",
             "with a token configured, a request without a valid bearer token gets 401");
  static const struct {
    const char *id, *auth, *title;
  } auth[] = {{"http.auth.none", "none", "a valid body without Authorization"},
              {"http.auth.wrong", "wrong", "a valid body with a wrong bearer token"}};
  for (size_t i = 0; i < 2; i++) {
    cJSON *c = hc_add_case(g, auth[i].id, "http.authentication-required", "http",
                           HJUDGE_EXPECT_UNAUTHORIZED, "%s", auth[i].title);
    cJSON_ReplaceItemInObjectCaseSensitive(c, "auth", cJSON_CreateString(auth[i].auth));
    cJSON_AddTrueToObject(c, "requires_token");
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
}

static void semantic_cases(gen *g) {
  for (size_t i = 0; i < hrules_count(g->rules); i++) {
    const hrules_rule *r = hrules_at(g->rules, i);
    hc_add_req(g, r->id, "prose", "prose", "%s", r->title);
    if (r->scope != HRULES_SCOPE_RESPONSE_201)
      continue;
    char id[160];
    snprintf(id, sizeof id, "sem.%s", strncmp(r->id, "prose.", 6) ? r->id : r->id + 6);
    cJSON *c = hc_add_case(g, id, r->id, "semantics", HJUDGE_EXPECT_CREATED, "a create answers: %s",
                           r->title);
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
  hc_add_req(g, HJUDGE_REQ_DISTINCT, "semantics", "prose",
             "two creates give distinct ids and distinct token values");
  cJSON *c = hc_add_case(g, "sem.distinct-creates", HJUDGE_REQ_DISTINCT, "semantics",
                         HJUDGE_EXPECT_CREATED, "the same valid body sent twice");
  cJSON_AddNumberToObject(c, "repeat", 2);
  hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  hc_add_req(g, HJUDGE_REQ_AUDIT_CREATED, "semantics", "prose",
             "audit.created.at is RFC 3339 and within 300 s of the Date header");
  c = hc_add_case(g, "sem.audit-created-at", HJUDGE_REQ_AUDIT_CREATED, "semantics",
                  HJUDGE_EXPECT_CREATED, "a create's audit.created.at against its Date header");
  hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  /* the echo requirements, one per echoed field of the full body */
  for (const cJSON *m = g->full->child; m; m = m->next) {
    char rid[160];
    if (cJSON_IsString(m) || cJSON_IsNull(m)) {
      snprintf(rid, sizeof rid, HJUDGE_REQ_ECHO_PREFIX "%s", m->string);
      hc_add_req(g, rid, "semantics", "prose", "the 201 echoes the request's %s", m->string);
    } else if (cJSON_IsObject(m)) {
      for (const cJSON *s = m->child; s; s = s->next) {
        snprintf(rid, sizeof rid, HJUDGE_REQ_ECHO_PREFIX "%s.%s", m->string, s->string);
        hc_add_req(g, rid, "semantics", "prose", "the 201 echoes the request's %s.%s", m->string,
                   s->string);
      }
    } else if (cJSON_IsArray(m) && cJSON_IsObject(m->child)) {
      /* a null in place of the array is echoed as null (or left out) */
      snprintf(rid, sizeof rid, HJUDGE_REQ_ECHO_PREFIX "%s", m->string);
      hc_add_req(g, rid, "semantics", "prose", "the 201 echoes the request's %s when it is null",
                 m->string);
      for (const cJSON *s = m->child->child; s; s = s->next) {
        snprintf(rid, sizeof rid, HJUDGE_REQ_ECHO_PREFIX "%s[].%s", m->string, s->string);
        hc_add_req(g, rid, "semantics", "prose", "the 201 echoes the request's %s[].%s", m->string,
                   s->string);
      }
    }
  }
  c = hc_add_case(g, "sem.echo-full", HJUDGE_REQ_ECHO_PREFIX NAME_PROPERTY, "semantics",
                  HJUDGE_EXPECT_CREATED, "a create with every property echoes them");
  hc_set_body(c, cJSON_Duplicate(g->full, 1));
  hc_add_req(g, HJUDGE_REQ_TOKEN_ONLY_ON_CREATE, "semantics", "prose",
             "the token value is returned only on create");
  c = hc_add_case(g, "sem.token-only-on-create", HJUDGE_REQ_TOKEN_ONLY_ON_CREATE, "semantics",
                  HJUDGE_EXPECT_CREATED, "the token value is not returned by a later read");
  cJSON_AddStringToObject(c, "skip",
                          "the spec has no read operation for API tokens: cannot be checked");
  /* response-side requirements every case's checks feed */
  hc_add_req(g, HJUDGE_REQ_TRANSPORT, "http", "http", "every request gets an HTTP response");
  hc_add_req(g, HJUDGE_REQ_NO_TIMEOUT, "http", "http",
             "every request is answered within the timeout");
  hc_add_req(g, HJUDGE_REQ_NO_5XX, "http", "http", "no request gets a 5xx");
  hc_add_req(g, HJUDGE_REQ_ALLOW, "http", "http", "a 405 names the allowed methods in Allow");
  hc_add_req(g, HJUDGE_REQ_WWW_AUTHENTICATE, "http", "http", "a 401 carries WWW-Authenticate");
  hc_add_req(g, HJUDGE_REQ_MEDIA_TYPE, "response", "spec",
             "the response Content-Type is documented for its status");
  hc_add_req(g, HJUDGE_REQ_STRICT_JSON, "response", "rfc8259",
             "response bodies are strict JSON (valid UTF-8, no duplicate names)");
  const hspec_operation *op = hrules_operation(g->rules);
  for (size_t i = 0; i < op->n_responses; i++) {
    if (op->responses[i].status < 100 || !hrules_response_schema(g->rules, op->responses[i].status))
      continue;
    char rid[64];
    snprintf(rid, sizeof rid, HJUDGE_REQ_SCHEMA_PREFIX "%d", op->responses[i].status);
    hc_add_req(g, rid, "response", "spec", "a %d body is valid against its documented schema",
               op->responses[i].status);
  }
  hc_add_req(g, HJUDGE_REQ_PROBLEM_STATUS, "response", "rfc9457",
             "a problem's \"status\" equals the HTTP status (RFC 9457)");
  hc_add_req(g, HJUDGE_REQ_DATE, "http", "rfc9110",
             "every 2xx and 4xx answer carries a valid Date header (RFC 9110 6.6.1: an origin "
             "server with a clock MUST send it)");
  hc_add_req(g, HJUDGE_REQ_HEAD_NO_BODY, "http", "rfc9110",
             "an answer to HEAD carries no body (RFC 9110 9.3.2)");
  hc_add_req(g, HJUDGE_REQ_CREATED_ID, "semantics", "spec", "a 201 names the created token's id");
  /* the runner's framing check (HRUN_REQ_FRAMING in client/hrun.h) */
  hc_add_req(g, "http.keep-alive-framing", "http", "rfc9112",
             "every answer on a kept-alive connection is framed exactly: no bytes before or "
             "after it (RFC 9112 6.3)");
}

cJSON *hcases_generate(const hrules *rules, unsigned seed, hcases_error *err) {
  hcases_error local;
  if (!err)
    err = &local;
  err->msg[0] = '\0';
  gen g;
  memset(&g, 0, sizeof g);
  g.rules = rules;
  g.spec = hrules_spec(rules);
  g.err = err;
  g.rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed * 0x100000001B3ull + 1);
  cJSON *cat = NULL;
  const hspec_operation *op = hrules_operation(rules);
  if (!op || op->n_request == 0 || !op->request[0].schema) {
    snprintf(err->msg, sizeof err->msg, "%s: the operation declares no request body schema",
             hspec_name(g.spec));
    return NULL;
  }
  g.root_schema = op->request[0].schema;
  hc_concrete_media(op->request[0].media_type, g.default_ct_buf, sizeof g.default_ct_buf);
  g.default_ct = g.default_ct_buf;
  g.res = hschema_result_new(0);
  g.doc = hjson_doc_new();
  g.reqs = cJSON_CreateArray();
  g.cases = cJSON_CreateArray();
  if (!g.res || !g.doc || !g.reqs || !g.cases) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
    goto fail;
  }
  g.full = hc_gen_value(&g, g.root_schema, NULL, 1, 0);
  /* top-level values first, so NAME_PROPERTY gets the placeholder */
  if (cJSON_IsObject(g.full)) {
    sview v;
    hc_view_of(g.spec, g.root_schema, &v);
    cJSON_Delete(g.full);
    g.full = cJSON_CreateObject();
    for (size_t i = 0; i < v.n_props; i++)
      cJSON_AddItemToObject(g.full, v.props[i].name,
                            hc_gen_value(&g, v.props[i].schema, v.props[i].name, 1, 1));
  }
  if (g.failed)
    goto fail;
  if (!hc_classify(&g, g.full, NULL, NULL)) {
    const hschema_violation *x = hschema_result_count(g.res) ? hschema_result_at(g.res, 0) : NULL;
    snprintf(err->msg, sizeof err->msg,
             "cannot build a valid request body from the spec: %s at %s (%s)", x ? x->message : "?",
             x ? x->instance : "?", x ? x->schema : "?");
    goto fail;
  }
  g.minimal = cJSON_Duplicate(g.full, 1);
  bpath mp = {{0}, 0};
  minimize(&g, g.minimal, &mp);
  if (!hc_classify(&g, g.minimal, NULL, NULL)) {
    snprintf(err->msg, sizeof err->msg, "internal: the minimal body is not valid");
    goto fail;
  }
  hc_add_req(&g, "positive.minimal", "positive", "spec",
             "the smallest body the spec and the page accept is created");
  hc_add_req(&g, "positive.full", "positive", "spec",
             "a body with every declared property is created");
  cJSON *c = hc_add_case(&g, "pos.minimal", "positive.minimal", "positive", HJUDGE_EXPECT_CREATED,
                         "the minimal valid body");
  hc_set_body(c, cJSON_Duplicate(g.minimal, 1));
  c = hc_add_case(&g, "pos.full", "positive.full", "positive", HJUDGE_EXPECT_CREATED,
                  "every declared property present");
  hc_set_body(c, cJSON_Duplicate(g.full, 1));
  bpath p = {{0}, 0};
  walk(&g, g.root_schema, &p, NULL, NULL, 0, 0);
  name_cases(&g);
  hc_positive_families(&g);
  media_cases(&g);
  hc_negative_families(&g);
  raw_cases(&g);
  http_cases(&g);
  hc_auth_cases(&g);
  semantic_cases(&g);
  hc_sequence_cases(&g);
  if (g.failed)
    goto fail;
  /* ids must be unique */
  for (const cJSON *a = g.cases->child; a; a = a->next)
    for (const cJSON *b = a->next; b; b = b->next)
      if (!strcmp(cJSON_GetObjectItemCaseSensitive(a, "id")->valuestring,
                  cJSON_GetObjectItemCaseSensitive(b, "id")->valuestring)) {
        snprintf(err->msg, sizeof err->msg, "internal: duplicate case id %s",
                 cJSON_GetObjectItemCaseSensitive(a, "id")->valuestring);
        goto fail;
      }
  cat = cJSON_CreateObject();
  cJSON_AddStringToObject(cat, "format", HCASES_FORMAT);
  cJSON_AddStringToObject(cat, "generator", "apiharness cases");
  cJSON_AddNumberToObject(cat, "seed", seed);
  cJSON *spec = cJSON_AddObjectToObject(cat, "spec");
  cJSON_AddStringToObject(spec, "title", hspec_title(g.spec) ? hspec_title(g.spec) : "");
  cJSON_AddStringToObject(spec, "version", hspec_version(g.spec) ? hspec_version(g.spec) : "");
  cJSON_AddStringToObject(spec, "sha256", hspec_sha256(g.spec));
  cJSON_AddItemToObject(cat, "requirements", g.reqs);
  cJSON_AddItemToObject(cat, "cases", g.cases);
  g.reqs = g.cases = NULL;
fail:
  cJSON_Delete(g.full);
  cJSON_Delete(g.minimal);
  cJSON_Delete(g.reqs);
  cJSON_Delete(g.cases);
  hschema_result_free(g.res);
  hjson_doc_free(g.doc);
  return cat;
}
