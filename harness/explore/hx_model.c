/* hx_model: the explore generator's model of the request body: the case
 * layer's view of the spec's request schema (hcases_view.h) at every place,
 * probed against the prose rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_gen.h"
#include "cases/hcases_view.h"
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

/* One node per place: the case layer's view of the schema there ($ref
 * followed, allOf merged: hcases_view.h), then the same for each property and
 * the items.  Nothing here reads a schema keyword itself.  An object component
 * met again below itself (a recursive spec) is not built again: the place
 * shares the ancestor's node, marked recursive, so the model stays finite. */
typedef struct {
  const char *comp[HX_MAX_DEPTH * 3 + 2];
  hx_model *node[HX_MAX_DEPTH * 3 + 2];
  size_t n;
} open_comps;

static hx_model *build(hx_model_set *ms, const hspec *spec, const cJSON *s, unsigned depth,
                       open_comps *oc) {
  if (ms->n >= HX_MAX_NODES || depth > HX_MAX_DEPTH * 3)
    return NULL;
  hcview v;
  hcview_of(spec, s, &v);
  int object = hcview_is_type(&v, "object");
  for (size_t i = 0; object && v.comp && i < oc->n; i++)
    if (!strcmp(oc->comp[i], v.comp)) {
      oc->node[i]->recursive = 1;
      return oc->node[i];
    }
  hx_model *m = &ms->nodes[ms->n++];
  memset(m, 0, sizeof *m);
  m->type = type_of(v.type);
  m->schema_nullable = v.nullable;
  m->closed = v.additional_false;
  m->comp = v.comp;
  for (size_t i = 0; i < v.n_patterns && m->n_patterns < HX_MAX_PATTERNS; i++)
    m->patterns[m->n_patterns++] = v.patterns[i];
  m->enums = v.enumv;
  m->int32 = v.format && !strcmp(v.format, "int32");
  m->spec = spec;
  m->schema = s;
  m->min_items = v.min_items > 0 ? (size_t)v.min_items : 0;
  m->max_items = v.max_items;
  m->unique_items = v.unique_items;
  m->constrained = !object && !hcview_is_type(&v, "array") && !v.enumv &&
                   ((v.format && !v.n_patterns && hcgen_format_value(v.format)) || v.has_min ||
                    v.has_max || v.multiple_of > 0 || v.min_len >= 0 || v.max_len >= 0);
  int pushed = object && v.comp && oc->n < sizeof oc->comp / sizeof oc->comp[0];
  if (pushed) {
    oc->comp[oc->n] = v.comp;
    oc->node[oc->n++] = m;
  }
  for (size_t i = 0; i < v.n_props && m->n_props < HX_MAX_PROPS; i++) {
    hx_model *pm = build(ms, spec, v.props[i].schema, depth + 1, oc);
    if (!pm)
      continue; /* past the node cap: left undeclared */
    hx_prop *p = &m->props[m->n_props++];
    p->name = v.props[i].name;
    p->required = v.props[i].required;
    p->m = pm;
  }
  if (v.items) {
    if (m->type == HXT_ANY) /* items say what an array holds: generate arrays here */
      m->type = HXT_ARRAY;
    m->items = build(ms, spec, v.items, depth + 1, oc);
    if (m->items)
      m->items->is_item = 1;
  }
  if (pushed)
    oc->n--;
  m->nullable = m->schema_nullable;
  return m;
}

hx_model *hx_model_build(hx_model_set *ms, const hspec *spec, const cJSON *schema) {
  ms->n = 0;
  open_comps oc;
  oc.n = 0;
  ms->root = build(ms, spec, schema, 0, &oc);
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
  if (m->constrained) {
    hxv *c = hx_constrained_value(NULL, m);
    if (c)
      return c;
  }
  switch (m->type) {
  case HXT_OBJECT: {
    hxv *o = hxv_new(HXV_OBJ);
    for (size_t i = 0; o && i < m->n_props; i++) {
      if (m->props[i].m->recursive && depth >= HX_RECURSE_DEPTH && !m->props[i].required)
        continue; /* a recursive member: the full body stops here */
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
    if (a && m->items && m->items->recursive && depth >= HX_RECURSE_DEPTH) {
      a->m = m; /* recursive items: the full body stops with an empty array */
      return a;
    }
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
        if (!valid_now(p) && km->min_items < 1)
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
