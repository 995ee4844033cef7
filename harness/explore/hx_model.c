/* hx_model: the explore generator's model of the request body, read from the
 * spec's request schema and probed against the prose rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/hx_internal.h"

static hxt type_of(const char *t) {
  if (!t)
    return HXT_ANY;
  if (!strcmp(t, "object"))
    return HXT_OBJECT;
  if (!strcmp(t, "array"))
    return HXT_ARRAY;
  if (!strcmp(t, "string"))
    return HXT_STRING;
  if (!strcmp(t, "integer"))
    return HXT_INTEGER;
  if (!strcmp(t, "number"))
    return HXT_NUMBER;
  if (!strcmp(t, "boolean"))
    return HXT_BOOLEAN;
  return HXT_ANY;
}

static hx_model *build(hx_model_set *ms, const hspec *spec, const cJSON *s, unsigned depth);

static void merge(hx_model_set *ms, const hspec *spec, hx_model *node, const cJSON *s,
                  unsigned depth) {
  if (!cJSON_IsObject(s) || depth > HX_MAX_DEPTH * 3)
    return;
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
  if (cJSON_IsString(ref)) {
    static const char pfx[] = "#/components/schemas/";
    if (!node->comp && !strncmp(ref->valuestring, pfx, sizeof pfx - 1))
      node->comp = ref->valuestring + sizeof pfx - 1;
    merge(ms, spec, node, hspec_resolve(spec, ref->valuestring, NULL), depth + 1);
  }
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
  if (cJSON_IsString(t) && node->type == HXT_ANY)
    node->type = type_of(t->valuestring);
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "nullable")))
    node->schema_nullable = 1;
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "pattern");
  if (cJSON_IsString(p)) {
    int dup = 0;
    for (size_t i = 0; i < node->n_patterns; i++)
      dup |= !strcmp(node->patterns[i], p->valuestring);
    if (!dup && node->n_patterns < HX_MAX_PATTERNS)
      node->patterns[node->n_patterns++] = p->valuestring;
  }
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
  if (cJSON_IsArray(e) && e->child && !node->enums)
    node->enums = e;
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(s, "format");
  if (cJSON_IsString(f) && !strcmp(f->valuestring, "int32"))
    node->int32 = 1;
  if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "additionalProperties")))
    node->closed = 1;
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
  if (cJSON_IsObject(props)) {
    if (node->type == HXT_ANY)
      node->type = HXT_OBJECT;
    for (const cJSON *q = props->child; q; q = q->next) {
      int dup = 0;
      for (size_t i = 0; i < node->n_props; i++)
        dup |= !strcmp(node->props[i].name, q->string);
      if (dup || node->n_props >= HX_MAX_PROPS)
        continue;
      node->props[node->n_props].name = q->string;
      node->props[node->n_props].m = build(ms, spec, q, depth + 1);
      node->n_props++;
    }
  }
  const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
  for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next)
    for (size_t i = 0; cJSON_IsString(r) && i < node->n_props; i++)
      if (!strcmp(node->props[i].name, r->valuestring))
        node->props[i].required = 1;
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
  if (items && !node->items) {
    if (node->type == HXT_ANY)
      node->type = HXT_ARRAY;
    node->items = build(ms, spec, items, depth + 1);
    if (node->items)
      node->items->is_item = 1;
  }
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
  for (const cJSON *a = cJSON_IsArray(all) ? all->child : NULL; a; a = a->next)
    merge(ms, spec, node, a, depth + 1);
}

static hx_model *build(hx_model_set *ms, const hspec *spec, const cJSON *s, unsigned depth) {
  if (ms->n >= HX_MAX_NODES || depth > HX_MAX_DEPTH * 3)
    return NULL;
  hx_model *m = &ms->nodes[ms->n++];
  memset(m, 0, sizeof *m);
  merge(ms, spec, m, s, depth);
  m->nullable = m->schema_nullable;
  return m;
}

hx_model *hx_model_build(hx_model_set *ms, const hspec *spec, const cJSON *schema) {
  ms->n = 0;
  ms->root = build(ms, spec, schema, 0);
  return ms->root;
}

const hx_model *hx_model_prop(const hx_model *obj, const char *name, size_t len) {
  if (!obj || !name)
    return NULL;
  for (size_t i = 0; i < obj->n_props; i++)
    if (strlen(obj->props[i].name) == len && !memcmp(obj->props[i].name, name, len))
      return obj->props[i].m;
  return NULL;
}

/* ---- probing the prose rules with a full valid body ---- */

static hxv *full_value(const hx_model *m, int depth) {
  if (!m || depth > HX_MAX_DEPTH)
    return hxv_str("x", 1);
  if (m->enums)
    return hxv_from_json(m->enums->child);
  switch (m->type) {
  case HXT_OBJECT: {
    hxv *o = hxv_new(HXV_OBJ);
    for (size_t i = 0; o && i < m->n_props; i++) {
      hxv *k = full_value(m->props[i].m, depth + 1);
      if (!k || !hxv_set_name(k, m->props[i].name, strlen(m->props[i].name)) || !hxv_push(o, k)) {
        hxv_free(o);
        return NULL;
      }
      k->m = m->props[i].m;
    }
    if (o)
      o->m = m;
    return o;
  }
  case HXT_ARRAY: {
    hxv *a = hxv_new(HXV_ARR);
    hxv *k = full_value(m->items, depth + 1);
    if (!a || !hxv_push(a, k)) {
      hxv_free(a);
      return NULL;
    }
    a->m = m;
    return a;
  }
  case HXT_INTEGER:
  case HXT_NUMBER: return hxv_num("1");
  case HXT_BOOLEAN: return hxv_new(HXV_TRUE);
  default: {
    char buf[256];
    hx_rng r;
    hx_seed(&r, 1);
    if (m->n_patterns && hx_pattern_example(&r, m->patterns[0], buf, sizeof buf))
      return hxv_str(buf, strlen(buf));
    return hxv_str("apiharness", 10);
  }
  }
}

typedef struct {
  const hrules *rules;
  hjson_doc *doc;
  hschema_result *res;
  hxv *root;
} prober;

static int valid_now(prober *p) {
  return hx_rules_accept(p->root, p->rules, p->doc, p->res);
}

static void probe(prober *p, hxv *v, hx_model *m, int depth) {
  if (!m || depth > HX_MAX_DEPTH)
    return;
  if (v->kind == HXV_OBJ && m->type == HXT_OBJECT) {
    for (size_t i = 0; i < v->nk; i++) {
      hxv *k = v->kids[i];
      hx_model *km = (hx_model *)hx_model_prop(m, k->name, k->name_len);
      hx_prop *pr = NULL;
      for (size_t j = 0; j < m->n_props; j++)
        if (m->props[j].m == km)
          pr = &m->props[j];
      if (!km || !pr)
        continue;
      /* absent? */
      memmove(v->kids + i, v->kids + i + 1, (v->nk - i - 1) * sizeof *v->kids);
      v->nk--;
      if (!valid_now(p))
        pr->required = 1;
      memmove(v->kids + i + 1, v->kids + i, (v->nk - i) * sizeof *v->kids);
      v->kids[i] = k;
      v->nk++;
      /* null? */
      hxv *nul = hxv_new(HXV_NULL);
      if (nul && hxv_set_name(nul, k->name, k->name_len)) {
        v->kids[i] = nul;
        km->nullable = valid_now(p);
        v->kids[i] = k;
      }
      hxv_free(nul);
      /* an empty array? */
      if (k->kind == HXV_ARR && km->type == HXT_ARRAY) {
        size_t saved = k->nk;
        k->nk = 0;
        if (!valid_now(p))
          km->min_items = 1;
        k->nk = saved;
      }
      probe(p, k, km, depth + 1);
    }
  } else if (v->kind == HXV_ARR && m->items) {
    for (size_t i = 0; i < v->nk; i++)
      probe(p, v->kids[i], m->items, depth + 1);
  }
}

int hx_model_probe(hx_model_set *ms, const hrules *rules, char *err) {
  prober p = {rules, hjson_doc_new(), hschema_result_new(0), full_value(ms->root, 0)};
  int ok = 0;
  if (!p.doc || !p.res || !p.root) {
    snprintf(err, HEXPLORE_MSG_MAX, "out of memory");
    goto out;
  }
  if (!valid_now(&p)) {
    const hschema_violation *v = hschema_result_count(p.res) ? hschema_result_at(p.res, 0) : NULL;
    snprintf(err, HEXPLORE_MSG_MAX,
             "cannot build a valid request body from the spec's request schema (%s%s%s)",
             v ? v->instance : "", v ? ": " : "", v ? v->message : "not JSON");
    goto out;
  }
  probe(&p, p.root, ms->root, 0);
  ok = 1;
out:
  hxv_free(p.root);
  hschema_result_free(p.res);
  hjson_doc_free(p.doc);
  return ok;
}

/* ---- requirement ids ---- */

/* Next token of a JSON pointer into tok (unescaped); returns the rest or NULL. */
static const char *next_token(const char *p, char *tok, size_t cap, size_t *len) {
  if (*p != '/')
    return NULL;
  p++;
  size_t raw = strcspn(p, "/");
  /* a token longer than tok is cut (it then names nothing) */
  size_t n = hjson_pointer_unescape(p, raw < cap ? raw : cap - 1, tok);
  tok[n] = '\0';
  *len = n;
  return p + raw;
}

void hx_requirement_at(const hx_model *root, const char *pointer, const char *keyword, char *out,
                       size_t cap) {
  const hx_model *cur = root;
  const char *owner = root && root->comp ? root->comp : "request";
  const char *prop = NULL;
  int items = 0;
  const char *p = pointer ? pointer : "";
  char tok[256];
  size_t tl;
  int addl = keyword && !strcmp(keyword, "additionalProperties");
  while (cur && *p) {
    const char *rest = next_token(p, tok, sizeof tok, &tl);
    if (!rest)
      break;
    if (cur->type == HXT_OBJECT || cur->n_props) {
      const hx_model *pm = hx_model_prop(cur, tok, tl);
      const char *pname = NULL;
      for (size_t i = 0; pm && i < cur->n_props; i++)
        if (cur->props[i].m == pm)
          pname = cur->props[i].name;
      if (!pm || (addl && !*rest)) {
        snprintf(out, cap, "schema.request.%s.additionalProperties",
                 cur->comp ? cur->comp : owner);
        return;
      }
      owner = cur->comp ? cur->comp : owner;
      prop = pname;
      items = 0;
      cur = pm;
    } else if (cur->type == HXT_ARRAY) {
      items = 1;
      cur = cur->items;
    } else {
      break; /* inside a value the model does not describe further */
    }
    p = rest;
  }
  const char *kw = keyword && *keyword ? keyword : "type";
  if (!strcmp(kw, "nullable"))
    kw = "type";
  if (addl)
    snprintf(out, cap, "schema.request.%s.additionalProperties",
             cur && cur->comp ? cur->comp : owner);
  else if (!prop)
    snprintf(out, cap, "schema.request.%s.%s", owner, kw);
  else
    snprintf(out, cap, "schema.request.%s.%s%s.%s", owner, prop, items ? ".items" : "", kw);
}

void hx_requirement_of(const hx_model *root, const hrules *rules, const hschema_violation *v,
                       char *out, size_t cap) {
  const char *id = hrules_violation_rule(rules, v);
  if (id) {
    snprintf(out, cap, "%s", id);
    return;
  }
  hx_requirement_at(root, v->instance, v->keyword, out, cap);
}
