/* hcases_walk.c: the schema walk - one rule at one location.  Walks the
 * request schema depth first and, at every location, emits the cases of the
 * rules stated there: every JSON type the location refuses (neg.type.*), an
 * undeclared member and a case variant of a declared name at every closed
 * object (neg.undeclared.*, neg.case-variant.*), near misses of every pattern
 * (neg.pattern.*), and for every property outside arrays its absent / null /
 * empty-array / several-items variants (pos.optional.*, pos.array.*,
 * neg.missing.*, neg.null.*, neg.array.*).  Also the minimizer that turns the
 * full valid body into the minimal one.  See hcases_int.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"

/* Messages and ids are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

typedef struct {
  const char *kind, *what;
  char s[600];
  int aspnet; /* also tolerated (a warning) in every profile but strict */
  const char *why;
} near_miss;

/* Near misses of a valid pattern value. */
static void pattern_cases(gen *g, const bpath *p, const hcview *v, const char *owner,
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
    hc_add_req(g, req, "%s", title);
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

static void location_cases(gen *g, const hcview *v, bpath *p, const char *owner, const char *prop,
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
    if (hcview_type_allowed(v, types[i]))
      continue;
    char id[200], t[300];
    snprintf(id, sizeof id, "neg.type.%s.%s", sl, types[i]);
    snprintf(t, sizeof t, "%s%s as %s", where, "", types[i]);
    hc_neg_case(g, id, req, title, hc_with_value(g, p, hcview_sample_of(types[i])), "%s", t, 0,
                NULL);
  }
  /* undeclared properties at every object level */
  if (v->type && !strcmp(v->type, "object") && v->additional_false && hc_at(g->full, p, p->n)) {
    char r2[160], t2[300], id[200];
    hc_req_id(r2, sizeof r2, v->comp ? v->comp : owner, NULL, 0, "additionalProperties");
    snprintf(t2, sizeof t2, "%s has no undeclared properties", where);
    cJSON *obj = cJSON_Duplicate(hc_value_at(g, p), 1);
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
        cJSON *o2 = cJSON_Duplicate(hc_value_at(g, p), 1);
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
static void property_variants(gen *g, bpath *p, const hcview *pv, const char *owner,
                              const char *prop) {
  char where[128], sl[96], id[200], req[160];
  hc_human(p, where, sizeof where);
  hc_slug(p, sl, sizeof sl);
  /* absent */
  cJSON *b = hc_without(g, p);
  if (b) {
    const char *prose;
    int spec_bad;
    if (hc_classify(g, b, &prose, &spec_bad)) {
      hc_req_id(req, sizeof req, owner, prop, 0, "optional");
      hc_add_req(g, req, "%s may be absent", where);
      snprintf(id, sizeof id, "pos.optional.%s.absent", sl);
      hc_pos_case(g, id, req, b, "%s absent", where);
    } else if (prose) {
      /* required by the prose: absent from the minimal body */
      cJSON_Delete(b);
      b = hc_without(g, p);
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
      hc_add_req(g, req, "%s may be null", where);
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
      hc_add_req(g, req, "%s is an array%s", where, pv->nullable ? " or null" : "");
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
    hc_add_req(g, req, "%s accepts several items", where);
    snprintf(id, sizeof id, "pos.array.%s.several", sl);
    hc_pos_case(g, id, req, hc_with_value(g, p, arr), "%s with three items", where);
  }
}

static void walk(gen *g, const cJSON *schema, bpath *p, const char *owner, const char *prop,
                 int items, int depth) {
  if (depth > MAX_DEPTH || g->failed)
    return;
  hcview v;
  hcview_of(g->spec, schema, &v);
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
        hcview pv;
        hcview_of(g->spec, v.props[i].schema, &pv);
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

void hc_walk(gen *g) {
  bpath p = {{0}, 0};
  walk(g, g->root_schema, &p, NULL, NULL, 0, 0);
}

void hc_minimize(gen *g, cJSON *body) {
  bpath p = {{0}, 0};
  minimize(g, body, &p);
}

void hc_minimize_at(gen *g, cJSON *body, const bpath *at) {
  bpath p = *at;
  minimize(g, body, &p);
}
