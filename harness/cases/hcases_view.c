/* hcases_view: a raw schema seen through $ref and allOf.  See hcases_view.h. */
#include "cases/hcases_view.h"

#include <string.h>

/* "required" names met before the properties they name (allOf order). */
typedef struct {
  const char *names[HCVIEW_MAX_PROPS];
  size_t n;
} pending;

static void mark_required(hcview *v, pending *pd, const char *name) {
  for (size_t i = 0; i < v->n_props; i++)
    if (!strcmp(v->props[i].name, name)) {
      v->props[i].required = 1;
      return;
    }
  if (pd->n < HCVIEW_MAX_PROPS)
    pd->names[pd->n++] = name;
}

static long length_of(const cJSON *n) {
  return cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble < 1e6 ? (long)n->valuedouble
                                                                          : -1;
}

/* A length bound: the first one stated, or with tight the tightest. */
static void tighten(long *f, const cJSON *n, int tight, int is_min) {
  long x = length_of(n);
  if (x >= 0 && (*f < 0 || (tight && (is_min ? x > *f : x < *f))))
    *f = x;
}

static void collect(const hspec *spec, const cJSON *node, hcview *v, pending *pd, int depth,
                    unsigned flags) {
  if (!cJSON_IsObject(node) || depth > HCVIEW_MAX_DEPTH)
    return;
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
  if (cJSON_IsString(ref)) {
    static const char pfx[] = "#/components/schemas/";
    if (!v->comp && !strncmp(ref->valuestring, pfx, sizeof pfx - 1))
      v->comp = ref->valuestring + sizeof pfx - 1;
    collect(spec, hspec_resolve(spec, ref->valuestring, NULL), v, pd, depth + 1, flags);
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
    if (!dup && v->n_patterns < HCVIEW_MAX_PATTERNS)
      v->patterns[v->n_patterns++] = p->valuestring;
  }
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
  for (const cJSON *m = cJSON_IsObject(props) ? props->child : NULL; m; m = m->next) {
    int dup = 0;
    for (size_t i = 0; i < v->n_props; i++)
      dup |= !strcmp(v->props[i].name, m->string);
    if (dup || v->n_props >= HCVIEW_MAX_PROPS)
      continue;
    int req = 0;
    for (size_t i = 0; i < pd->n && !req; i++)
      req = !strcmp(pd->names[i], m->string);
    v->props[v->n_props++] = (hcview_prop){m->string, m, req};
  }
  const cJSON *required = cJSON_GetObjectItemCaseSensitive(node, "required");
  for (const cJSON *r = cJSON_IsArray(required) ? required->child : NULL; r; r = r->next)
    if (cJSON_IsString(r))
      mark_required(v, pd, r->valuestring);
  const cJSON *ap = cJSON_GetObjectItemCaseSensitive(node, "additionalProperties");
  if (cJSON_IsFalse(ap))
    v->additional_false = 1;
  else if (cJSON_IsObject(ap) && !v->additional)
    v->additional = ap;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "deprecated")))
    v->deprecated = 1;
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(node, "enum");
  if (cJSON_IsArray(e) && e->child && !v->enumv)
    v->enumv = e;
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(node, "format");
  if (cJSON_IsString(f) && !v->format)
    v->format = f->valuestring;
  int tight = (flags & HCVIEW_TIGHTEST) != 0;
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(node, "minimum");
  if (cJSON_IsNumber(mn) && (!v->has_min || (tight && mn->valuedouble > v->min))) {
    v->has_min = 1;
    v->min = mn->valuedouble;
    v->excl_min = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "exclusiveMinimum"));
  }
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(node, "maximum");
  if (cJSON_IsNumber(mx) && (!v->has_max || (tight && mx->valuedouble < v->max))) {
    v->has_max = 1;
    v->max = mx->valuedouble;
    v->excl_max = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "exclusiveMaximum"));
  }
  tighten(&v->min_len, cJSON_GetObjectItemCaseSensitive(node, "minLength"), tight, 1);
  tighten(&v->max_len, cJSON_GetObjectItemCaseSensitive(node, "maxLength"), tight, 0);
  tighten(&v->min_items, cJSON_GetObjectItemCaseSensitive(node, "minItems"), tight, 1);
  tighten(&v->max_items, cJSON_GetObjectItemCaseSensitive(node, "maxItems"), tight, 0);
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "uniqueItems")))
    v->unique_items = 1;
  const cJSON *mo = cJSON_GetObjectItemCaseSensitive(node, "multipleOf");
  if (cJSON_IsNumber(mo) && mo->valuedouble > 0 && v->multiple_of == 0)
    v->multiple_of = mo->valuedouble;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "readOnly")))
    v->read_only = 1;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "writeOnly")))
    v->write_only = 1;
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(node, "items");
  if (items && !v->items)
    v->items = items;
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(node, "allOf");
  for (const cJSON *s = cJSON_IsArray(all) ? all->child : NULL; s; s = s->next)
    collect(spec, s, v, pd, depth + 1, flags);
  if (flags & HCVIEW_FIRST_BRANCH) { /* the first branch of an anyOf / oneOf */
    const cJSON *any = cJSON_GetObjectItemCaseSensitive(node, "anyOf");
    if (!cJSON_IsArray(any))
      any = cJSON_GetObjectItemCaseSensitive(node, "oneOf");
    if (cJSON_IsArray(any) && any->child)
      collect(spec, any->child, v, pd, depth + 1, flags);
  }
  if (!v->type && v->n_props)
    v->type = "object";
}

void hcview_of_ex(const hspec *spec, const cJSON *schema, unsigned flags, hcview *v) {
  memset(v, 0, sizeof *v);
  v->min_len = v->max_len = -1;
  v->min_items = v->max_items = -1;
  pending pd = {{0}, 0};
  collect(spec, schema, v, &pd, 0, flags);
  if ((flags & HCVIEW_IMPLIED_TYPE) && !v->type) { /* what the other keywords are about */
    if (v->n_props || v->additional)
      v->type = "object";
    else if (v->items)
      v->type = "array";
    else if (v->has_min || v->has_max || v->multiple_of > 0)
      v->type = "number";
  }
}

void hcview_of(const hspec *spec, const cJSON *schema, hcview *v) {
  hcview_of_ex(spec, schema, 0, v);
}

int hcview_is_type(const hcview *v, const char *t) { return v->type && !strcmp(v->type, t); }

int hcview_type_allowed(const hcview *v, const char *t) {
  if (!strcmp(t, "null"))
    return v->nullable;
  if (!v->type)
    return 1;
  if (!strcmp(t, "number") && !strcmp(v->type, "integer"))
    return 0;
  return !strcmp(v->type, t) || (!strcmp(v->type, "number") && !strcmp(t, "integer"));
}

const hcview_prop *hcview_prop_named(const hcview *v, const char *name) {
  for (size_t i = 0; name && i < v->n_props; i++)
    if (!strcmp(v->props[i].name, name))
      return &v->props[i];
  return NULL;
}

cJSON *hcview_sample_of(const char *t) {
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
