/* hcases_families.c: what the families that explore around every rule share -
 * the locations of the request schema (one per property and array item, with
 * its merged schema view), body builders that put a value or raw JSON text at
 * a location, and case emitters that classify every body with
 * hrules_check_request before it becomes a case (a positive body the rules
 * refuse, or a negative one they accept, is never emitted).
 *
 * The families themselves: hcases_valid.c (valid bodies in every form),
 * hcases_invalid.c (every rule broken at every position and in combination),
 * hcases_http.c (auth variants, keep-alive sequences).  Everything is derived
 * from the schema walk and the prose rules; nothing is written per field name.
 * See conformance/cases/README.md for the families, their ids and the
 * outcomes the documents leave open. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "json/hjson.h"

#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* ---------- bodies at a path ---------- */

cJSON *hc_at(cJSON *node, const bpath *p, size_t upto) {
  for (size_t i = 0; node && i < upto; i++)
    node = !strcmp(p->tok[i], "[]")
               ? (cJSON_IsArray(node) ? node->child : NULL)
               : (cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, p->tok[i]) : NULL);
  return node;
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

/* ---------- the base body of a case about one location ---------- */

/* Adds val (taken) as member name of obj, at the place the full body's
 * object ref gives it (before the first member of obj that follows it there),
 * so a body built up from the minimal one keeps the schema's member order. */
static void add_in_order(cJSON *obj, const cJSON *ref, const char *name, cJSON *val) {
  const cJSON *r = cJSON_IsObject(ref) ? cJSON_GetObjectItemCaseSensitive(ref, name) : NULL;
  cJSON *at = NULL;
  for (r = r ? r->next : NULL; r && !at; r = r->next)
    at = cJSON_GetObjectItemCaseSensitive(obj, r->string);
  char *key = at ? strdup(name) : NULL;
  if (!key) {
    cJSON_AddItemToObject(obj, name, val);
    return;
  }
  /* linked in by hand (cJSON 1.7.15's InsertItemInArray refuses object
   * members); cJSON keeps child->prev pointing at the last member */
  if (!(val->type & cJSON_StringIsConst))
    free(val->string);
  val->type &= ~cJSON_StringIsConst;
  val->string = key;
  val->next = at;
  val->prev = at->prev;
  if (at == obj->child)
    obj->child = val;
  else
    at->prev->next = val;
  at->prev = val;
}

int hc_ensure(gen *g, cJSON *body, const bpath *p, size_t upto) {
  for (size_t i = 1; i <= upto; i++) {
    if (hc_at(body, p, i))
      continue;
    const cJSON *from = hc_at(g->full, p, i);
    cJSON *parent = hc_at(body, p, i - 1);
    if (!from)
      return 0;
    cJSON *copy = cJSON_Duplicate(from, 1);
    if (!copy)
      return 0;
    if (!strcmp(p->tok[i - 1], "[]")) {
      if (!cJSON_IsArray(parent)) {
        cJSON_Delete(copy);
        return 0;
      }
      cJSON_AddItemToArray(parent, copy); /* the array was empty: element 0 */
    } else if (cJSON_IsObject(parent)) {
      add_in_order(parent, hc_at(g->full, p, i - 1), p->tok[i - 1], copy);
    } else {
      cJSON_Delete(copy);
      return 0;
    }
    /* an ancestor holds only what the rules need (the next step of the path
     * is added back from the full body when it goes) */
    if (i < upto) {
      bpath q = *p;
      q.n = i;
      hc_minimize_at(g, body, &q);
    }
  }
  return 1;
}

cJSON *hc_base(gen *g, const bpath *p) {
  cJSON *b = cJSON_Duplicate(g->minimal, 1);
  if (!b || p->n == 0)
    return b;
  if (!hc_ensure(g, b, p, p->n - 1)) {
    cJSON_Delete(b);
    return NULL;
  }
  const cJSON *v = hc_at(g->full, p, p->n);
  if (v && !hc_put_ordered(g, b, p, cJSON_Duplicate(v, 1))) {
    cJSON_Delete(b);
    return NULL;
  }
  return b;
}

const cJSON *hc_value_at(gen *g, const bpath *p) {
  return p->n ? hc_at(g->full, p, p->n) : g->minimal;
}

/* hc_put, with a missing member added at its place in the full body's order. */
int hc_put_ordered(gen *g, cJSON *body, const bpath *p, cJSON *val) {
  if (p->n == 0 || !val) {
    cJSON_Delete(val);
    return 0;
  }
  cJSON *parent = hc_at(body, p, p->n - 1);
  const char *last = p->tok[p->n - 1];
  if (cJSON_IsObject(parent) && strcmp(last, "[]") &&
      !cJSON_GetObjectItemCaseSensitive(parent, last)) {
    add_in_order(parent, hc_at(g->full, p, p->n - 1), last, val);
    return 1;
  }
  return hc_put(body, p, val);
}

cJSON *hc_with_value(gen *g, const bpath *p, cJSON *val) {
  if (p->n == 0)
    return val;
  cJSON *b = hc_base(g, p);
  if (!b || !hc_put_ordered(g, b, p, val)) {
    if (!b)
      cJSON_Delete(val);
    cJSON_Delete(b);
    return NULL;
  }
  return b;
}

cJSON *hc_without(gen *g, const bpath *p) {
  if (p->n == 0)
    return NULL;
  cJSON *b = cJSON_Duplicate(g->minimal, 1);
  if (!b || !hc_ensure(g, b, p, p->n - 1)) {
    cJSON_Delete(b);
    return NULL;
  }
  cJSON *parent = hc_at(b, p, p->n - 1);
  if (!cJSON_IsObject(parent)) {
    cJSON_Delete(b);
    return NULL;
  }
  cJSON_DeleteItemFromObjectCaseSensitive(parent, p->tok[p->n - 1]);
  return b;
}

char *hc_text_at(gen *g, const bpath *p, const char *raw) {
  if (p->n == 0)
    return strdup(raw);
  cJSON *b = hc_base(g, p);
  char *t = b ? hc_text_with(b, p, raw) : NULL;
  cJSON_Delete(b);
  return t;
}

int hc_split(gen *g, const bpath *p, char **pre, char **post) {
  cJSON *b = hc_base(g, p);
  if (!b) {
    *pre = *post = NULL;
    return 0;
  }
  int ok = hc_split_at(b, p, pre, post);
  cJSON_Delete(b);
  return ok;
}

/* ---------- locations of the request schema ---------- */

static void collect_locs(gen *g, const cJSON *schema, bpath *p, const char *owner, const char *prop,
                         int items, int in_array, int depth, locs *L) {
  if (depth > MAX_DEPTH || L->n >= MAX_LOCS)
    return;
  loc *l = &L->l[L->n++];
  l->p = *p;
  hcview_of(g->spec, schema, &l->v);
  l->owner = owner;
  l->prop = prop;
  l->items = items;
  l->in_array = in_array;
  hcview v = l->v; /* L may move on: keep a copy */
  if (v.type && !strcmp(v.type, "object")) {
    for (size_t i = 0; i < v.n_props && p->n + 1 < MAX_DEPTH; i++) {
      p->tok[p->n++] = v.props[i].name;
      collect_locs(g, v.props[i].schema, p, v.comp ? v.comp : owner, v.props[i].name, 0, in_array,
                   depth + 1, L);
      p->n--;
    }
  } else if (v.type && !strcmp(v.type, "array") && v.items && p->n + 1 < MAX_DEPTH) {
    p->tok[p->n++] = "[]";
    collect_locs(g, v.items, p, owner, prop, 1, 1, depth + 1, L);
    p->n--;
  }
}

void hc_locs(gen *g, locs *L) {
  bpath p = {{0}, 0};
  L->n = 0;
  collect_locs(g, g->root_schema, &p, NULL, NULL, 0, 0, 0, L);
}

int hc_has_case(const cJSON *cases, const char *id) {
  for (const cJSON *c = cases->child; c; c = c->next) {
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(c, "id");
    if (cJSON_IsString(i) && !strcmp(i->valuestring, id))
      return 1;
  }
  return 0;
}

/* The requirement of a location's type, as location_cases names it. */
void hc_type_req(const loc *l, char *req, size_t rcap, char *title, size_t tcap) {
  char where[128];
  hc_human(&l->p, where, sizeof where);
  hc_req_id(req, rcap, l->prop ? l->owner : l->v.comp, l->prop, l->items, "type");
  snprintf(title, tcap, "%s is of type %s%s", where, l->v.type ? l->v.type : "any",
           l->v.nullable ? " or null" : "");
}

void hc_pattern_req(const loc *l, char *req, size_t rcap, char *title, size_t tcap) {
  char where[128];
  hc_human(&l->p, where, sizeof where);
  hc_req_id(req, rcap, l->owner, l->prop, 0, "pattern");
  snprintf(title, tcap, "%s matches %s", where, l->v.n_patterns ? l->v.patterns[0] : "");
}

/* ---------- bodies ---------- */

/* Sets the value at p inside body (element 0 for "[]"; a missing member is
 * added).  Takes val; 0 when the location does not exist. */
int hc_put(cJSON *body, const bpath *p, cJSON *val) {
  if (p->n == 0) {
    cJSON_Delete(val);
    return 0;
  }
  cJSON *parent = hc_at(body, p, p->n - 1);
  const char *last = p->tok[p->n - 1];
  if (!strcmp(last, "[]")) {
    if (cJSON_IsArray(parent) && parent->child) {
      cJSON_ReplaceItemInArray(parent, 0, val);
      return 1;
    }
  } else if (cJSON_IsObject(parent)) {
    if (cJSON_GetObjectItemCaseSensitive(parent, last))
      cJSON_ReplaceItemInObjectCaseSensitive(parent, last, val);
    else
      cJSON_AddItemToObject(parent, last, val);
    return 1;
  }
  cJSON_Delete(val);
  return 0;
}

cJSON *hc_copy_with(const cJSON *base, const bpath *p, cJSON *val) {
  if (p->n == 0)
    return val;
  cJSON *b = cJSON_Duplicate(base, 1);
  if (!b || !hc_put(b, p, val)) {
    cJSON_Delete(b);
    return NULL;
  }
  return b;
}

/* base printed compactly with the value at p written as the JSON text raw. */
char *hc_text_with(const cJSON *base, const bpath *p, const char *raw) {
  if (p->n == 0)
    return strdup(raw);
  cJSON *b = hc_copy_with(base, p, cJSON_CreateString(RAW_MARK));
  char *t = b ? hc_print_with_raw(b, raw) : NULL;
  cJSON_Delete(b);
  return t;
}

/* base printed compactly, cut around the value at p: *pre and *post (malloc'd). */
int hc_split_at(const cJSON *base, const bpath *p, char **pre, char **post) {
  *pre = *post = NULL;
  if (p->n == 0) {
    *pre = strdup("");
    *post = strdup("");
    return *pre && *post;
  }
  cJSON *b = hc_copy_with(base, p, cJSON_CreateString(RAW_MARK));
  char *t = b ? cJSON_PrintUnformatted(b) : NULL;
  cJSON_Delete(b);
  char *m = t ? strstr(t, "\"" RAW_MARK "\"") : NULL;
  if (m) {
    *pre = strndup(t, (size_t)(m - t));
    *post = strdup(m + strlen(RAW_MARK) + 2);
  }
  free(t);
  return *pre && *post;
}

/* The segments pre+open, repeat x count, close+post; *text gets the
 * materialized bytes (malloc'd) for classification. */
cJSON *hc_segments(const char *pre, const char *open, const char *rep, size_t count,
                   const char *close, const char *post, char **text, size_t *len) {
  size_t pl = strlen(pre), ol = strlen(open), rl = strlen(rep), cl = strlen(close),
         ql = strlen(post);
  size_t n = pl + ol + rl * count + cl + ql;
  char *t = malloc(n + 1), *head = malloc(pl + ol + 1), *tail = malloc(cl + ql + 1);
  cJSON *s = cJSON_CreateArray();
  if (!t || !head || !tail || !s) {
    free(t);
    free(head);
    free(tail);
    cJSON_Delete(s);
    return NULL;
  }
  snprintf(head, pl + ol + 1, "%s%s", pre, open);
  snprintf(tail, cl + ql + 1, "%s%s", close, post);
  size_t o = 0;
  memcpy(t + o, head, pl + ol);
  o += pl + ol;
  for (size_t i = 0; i < count; i++, o += rl)
    memcpy(t + o, rep, rl);
  memcpy(t + o, tail, cl + ql + 1);
  cJSON_AddItemToArray(s, hc_seg_text(head));
  if (count)
    cJSON_AddItemToArray(s, hc_seg_repeat(rep, count));
  cJSON_AddItemToArray(s, hc_seg_text(tail));
  free(head);
  free(tail);
  *text = t;
  *len = n;
  return s;
}

/* Every object's members in reverse order, at every level. */
void hc_reverse_all(cJSON *node) {
  if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
    return;
  for (cJSON *c = node->child; c; c = c->next)
    hc_reverse_all(c);
  if (!cJSON_IsObject(node))
    return;
  cJSON *rev = NULL;
  while (node->child) {
    cJSON *c = cJSON_DetachItemViaPointer(node, node->child);
    c->next = rev;
    c->prev = NULL;
    if (rev)
      rev->prev = c;
    rev = c;
  }
  /* relink: cJSON keeps child->prev pointing at the last element */
  node->child = rev;
  if (rev) {
    cJSON *last = rev;
    while (last->next)
      last = last->next;
    rev->prev = last;
  }
}

/* "account-id" style slug of a member name */
void hc_name_slug(const char *s, char *buf, size_t cap) {
  size_t o = 0;
  for (; *s && o + 1 < cap; s++)
    buf[o++] = isalnum((unsigned char)*s) ? (char)tolower((unsigned char)*s) : '-';
  buf[o] = '\0';
}

/* ---------- case emitters that classify first ---------- */

/* A positive text body: emitted only when the rules accept it. */
cJSON *hc_pos_text(gen *g, const char *id, const char *req, const char *text, const char *tolerated,
                   const char *fmt, const char *arg) {
  if (!text || hc_classify_text(g, text, strlen(text), NULL, NULL) != 1)
    return NULL;
  cJSON *c = hc_add_case(g, id, req, "positive", HJUDGE_EXPECT_CREATED, fmt, arg);
  hc_set_text(c, text);
  cJSON_AddTrueToObject(c, "echo");
  if (tolerated)
    hc_set_tolerated(c, tolerated);
  return c;
}

cJSON *hc_pos_segments(gen *g, const char *id, const char *req, cJSON *segs, char *text, size_t len,
                       const char *tolerated, const char *fmt, const char *arg) {
  cJSON *c = NULL;
  if (segs && text && hc_classify_text(g, text, len, NULL, NULL) == 1) {
    c = hc_add_case(g, id, req, "positive", HJUDGE_EXPECT_CREATED, fmt, arg);
    cJSON_AddItemToObject(c, "body_segments", segs);
    segs = NULL;
    if (tolerated)
      hc_set_tolerated(c, tolerated);
  }
  cJSON_Delete(segs);
  free(text);
  return c;
}

cJSON *hc_pos_body(gen *g, const char *id, const char *req, cJSON *body, const char *tolerated,
                   const char *fmt, const char *arg) {
  if (!body || !hc_classify(g, body, NULL, NULL)) {
    cJSON_Delete(body);
    return NULL;
  }
  cJSON *c = hc_add_case(g, id, req, "positive", HJUDGE_EXPECT_CREATED, fmt, arg);
  hc_set_body(c, body);
  if (tolerated)
    hc_set_tolerated(c, tolerated);
  return c;
}

/* A negative text (or segmented) body: emitted only when the rules refuse it
 * (a body the strict reader refuses counts as refused). */
cJSON *hc_neg_text(gen *g, const char *id, const char *req, const char *req_title, const char *text,
                   size_t len, cJSON *segs, const char *fmt, const char *arg) {
  if (!text || hc_classify_text(g, text, len, NULL, NULL) != 0) {
    cJSON_Delete(segs);
    return NULL;
  }
  hc_add_req(g, req, "%s", req_title);
  cJSON *c = hc_add_case(g, id, req, "negative-body", HJUDGE_EXPECT_BAD_REQUEST, fmt, arg);
  if (segs)
    cJSON_AddItemToObject(c, "body_segments", segs);
  else
    hc_set_text(c, text);
  return c;
}

/* n distinct valid items of an array location (numbered when the schema
 * gives no variety). */
cJSON *hc_distinct_items(gen *g, const hcview *arr, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) {
    cJSON *item = NULL;
    for (int tries = 0; tries < 16; tries++) {
      cJSON_Delete(item);
      item = hc_gen_value(g, arr->items, NULL, 0, 1);
      int dup = 0;
      for (cJSON *e = a->child; e && !dup; e = e->next)
        dup = cJSON_Compare(e, item, 1);
      if (!dup)
        break;
    }
    cJSON *first = cJSON_IsObject(item) ? item->child : item;
    int dup = 0;
    for (cJSON *e = a->child; e && !dup; e = e->next)
      dup = cJSON_Compare(e, item, 1);
    if (dup && cJSON_IsString(first)) {
      char num[600];
      snprintf(num, sizeof num, "%s %zu", first->valuestring, i + 1);
      cJSON_SetValuestring(first, num);
    }
    cJSON_AddItemToArray(a, item);
  }
  return a;
}
