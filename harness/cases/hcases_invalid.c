/* hcases_invalid.c: every rule broken at every position and in combination -
 * item rules at the first, middle and last item, undeclared members of every
 * type and with names that need escaping, invalid values holding quotes,
 * backslashes and control characters, two and three errors at once, duplicate
 * member names, extreme numbers in every typed position, and a nesting sweep.
 * Each must get one 400.  See hcases_families.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "json/hjson.h"

#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define UNDECLARED "x-apiharness-undeclared"
#define ITEMS_LONG 5 /* the longer array of the item-position family */
#define WHY_ASPNET_UNDECLARED "ASP.NET Core ignores unknown JSON properties by default"

/* ---------- negatives ---------- */

/* One broken item of an array's items: kind, title, value. */
typedef struct {
  char kind[64];
  char title[160];
  cJSON *item;
  char req[160];
  char req_title[300];
  int aspnet;
} broken_item;

#define MAX_BROKEN 16

static size_t broken_items(gen *g, const loc *arr, const loc *item, const locs *L,
                           broken_item *out) {
  size_t n = 0;
  cJSON *valid = hc_at(g->full, &item->p, item->p.n);
  if (!valid)
    return 0;
  static const char *const wrong[] = {"string", "null"};
  for (size_t i = 0; i < 2 && n < MAX_BROKEN; i++) {
    if (hcview_type_allowed(&item->v, wrong[i]))
      continue;
    broken_item *b = &out[n++];
    memset(b, 0, sizeof *b);
    snprintf(b->kind, sizeof b->kind, "type-%s", wrong[i]);
    snprintf(b->title, sizeof b->title, "an item of type %s", wrong[i]);
    b->item = hcview_sample_of(wrong[i]);
    hc_type_req(item, b->req, sizeof b->req, b->req_title, sizeof b->req_title);
  }
  if (hcview_is_type(&item->v, "object") && item->v.additional_false && cJSON_IsObject(valid) &&
      n < MAX_BROKEN) {
    broken_item *b = &out[n++];
    memset(b, 0, sizeof *b);
    snprintf(b->kind, sizeof b->kind, "undeclared");
    snprintf(b->title, sizeof b->title, "an item with an undeclared property");
    b->item = cJSON_Duplicate(valid, 1);
    cJSON_AddNullToObject(b->item, UNDECLARED);
    char where[128];
    hc_human(&item->p, where, sizeof where);
    hc_req_id(b->req, sizeof b->req, item->v.comp ? item->v.comp : arr->owner, NULL, 0,
              "additionalProperties");
    snprintf(b->req_title, sizeof b->req_title, "%s has no undeclared properties", where);
    b->aspnet = 1;
  }
  /* the item's own properties: a wrong type, and a pattern near miss */
  for (size_t k = 0; k < L->n && n + 2 <= MAX_BROKEN; k++) {
    const loc *q = &L->l[k];
    if (q->p.n != item->p.n + 1 || memcmp(q->p.tok, item->p.tok, item->p.n * sizeof(char *)))
      continue;
    cJSON *qv = cJSON_IsObject(valid) ? cJSON_GetObjectItemCaseSensitive(valid, q->prop) : NULL;
    if (!qv)
      continue;
    char pn[64];
    hc_name_slug(q->prop, pn, sizeof pn);
    const char *wt = hcview_type_allowed(&q->v, "number") ? "string" : "number";
    if (!hcview_type_allowed(&q->v, wt)) {
      broken_item *b = &out[n++];
      memset(b, 0, sizeof *b);
      snprintf(b->kind, sizeof b->kind, "%s-type", pn);
      snprintf(b->title, sizeof b->title, "an item whose %s is a %s", q->prop, wt);
      b->item = cJSON_Duplicate(valid, 1);
      cJSON_ReplaceItemInObjectCaseSensitive(b->item, q->prop, hcview_sample_of(wt));
      hc_type_req(q, b->req, sizeof b->req, b->req_title, sizeof b->req_title);
    }
    if (q->v.n_patterns && cJSON_IsString(qv) && qv->valuestring[0]) {
      broken_item *b = &out[n++];
      memset(b, 0, sizeof *b);
      snprintf(b->kind, sizeof b->kind, "%s-pattern", pn);
      snprintf(b->title, sizeof b->title, "an item whose %s lacks its last character", q->prop);
      b->item = cJSON_Duplicate(valid, 1);
      char s[512];
      snprintf(s, sizeof s, "%.*s", (int)strlen(qv->valuestring) - 1, qv->valuestring);
      cJSON_ReplaceItemInObjectCaseSensitive(b->item, q->prop, cJSON_CreateString(s));
      hc_pattern_req(q, b->req, sizeof b->req, b->req_title, sizeof b->req_title);
    }
  }
  return n;
}

static void item_position_cases(gen *g, const locs *L) {
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (!hcview_is_type(&l->v, "array") || l->in_array || l->p.n == 0 || k + 1 >= L->n ||
        !L->l[k + 1].items)
      continue;
    const loc *item = &L->l[k + 1];
    broken_item bi[MAX_BROKEN];
    size_t nb = broken_items(g, l, item, L, bi);
    char sl[96], where[128];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    cJSON *pool = hc_distinct_items(g, &l->v, ITEMS_LONG);
    static const struct {
      int pos;
      const char *name;
    } positions[] = {{0, "first"}, {ITEMS_LONG / 2, "middle"}, {ITEMS_LONG - 1, "last"}};
    for (size_t b = 0; b < nb; b++) {
      for (size_t p = 0; p < 3; p++) {
        cJSON *a = cJSON_Duplicate(pool, 1);
        cJSON_ReplaceItemInArray(a, positions[p].pos, cJSON_Duplicate(bi[b].item, 1));
        char id[200], t[400];
        snprintf(id, sizeof id, "neg.item.%s.%s.%s", sl, bi[b].kind, positions[p].name);
        snprintf(t, sizeof t, "%s of %d items, the %s (index %d) %s", where, ITEMS_LONG,
                 positions[p].name, positions[p].pos, bi[b].title);
        hc_neg_case(g, id, bi[b].req, bi[b].req_title, hc_with_value(g, &l->p, a), "%s", t,
                    bi[b].aspnet, bi[b].aspnet ? WHY_ASPNET_UNDECLARED : NULL);
      }
      cJSON_Delete(bi[b].item);
    }
    cJSON_Delete(pool);
  }
}

static void undeclared_cases(gen *g, const locs *L) {
  static const char *const types[] = {"string", "boolean", "null", "array", "object"};
  static const struct {
    const char *kind, *name, *what;
  } odd_names[] = {{"quote", "x-\"quoted\"", "quotes"},
                   {"backslash", "x-back\\slash", "a backslash"},
                   {"control", "x-ctl\x01\x1f", "control characters U+0001 U+001F"}};
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    const cJSON *obj = hc_value_at(g, &l->p);
    if (!hcview_is_type(&l->v, "object") || !l->v.additional_false || !cJSON_IsObject(obj))
      continue;
    char sl[96], where[128], req[160], title[300], id[200], t[300];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    hc_req_id(req, sizeof req, l->v.comp ? l->v.comp : l->owner, NULL, 0, "additionalProperties");
    snprintf(title, sizeof title, "%s has no undeclared properties", where);
    /* "number" is neg.undeclared.<slug> */
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
      cJSON *o = cJSON_Duplicate(obj, 1);
      cJSON_AddItemToObject(o, UNDECLARED, hcview_sample_of(types[i]));
      snprintf(id, sizeof id, "neg.undeclared.%s.%s", sl, types[i]);
      snprintf(t, sizeof t, "%s with an undeclared property of type %s", where, types[i]);
      hc_neg_case(g, id, req, title, l->p.n ? hc_with_value(g, &l->p, o) : o, "%s", t, 1,
                  WHY_ASPNET_UNDECLARED);
    }
    /* names a server must escape when it names them in its 400 */
    for (size_t i = 0; i < sizeof odd_names / sizeof odd_names[0]; i++) {
      cJSON *o = cJSON_Duplicate(obj, 1);
      cJSON_AddNumberToObject(o, odd_names[i].name, 1);
      snprintf(id, sizeof id, "neg.undeclared-name.%s.%s", sl, odd_names[i].kind);
      snprintf(t, sizeof t, "%s with an undeclared property whose name holds %s", where,
               odd_names[i].what);
      hc_neg_case(g, id, req, title, l->p.n ? hc_with_value(g, &l->p, o) : o, "%s", t, 1,
                  WHY_ASPNET_UNDECLARED);
    }
  }
}

/* Invalid pattern values that carry '"', '\' and control characters: the
 * 400 that names them must still be strict JSON. */
static void quoted_invalid_cases(gen *g, const locs *L) {
  static const struct {
    const char *kind, *suffix, *what;
  } kinds[] = {{"quote", "\"", "followed by a quote"},
               {"backslash", "\\", "followed by a backslash"},
               {"control", "\x01\x1f", "followed by control characters U+0001 U+001F"},
               {"mixed", "\"\\\t\x7f</script>",
                "followed by a quote, a backslash, a tab, DEL "
                "and markup"}};
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    cJSON *cur = hc_at(g->full, &l->p, l->p.n);
    if (!l->v.n_patterns || !cJSON_IsString(cur))
      continue;
    char req[160], title[300], sl[96], where[128];
    hc_pattern_req(l, req, sizeof req, title, sizeof title);
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
      char v[700], id[200], t[300];
      snprintf(v, sizeof v, "%s%s", cur->valuestring, kinds[i].suffix);
      snprintf(id, sizeof id, "neg.pattern.%s.%s", sl, kinds[i].kind);
      snprintf(t, sizeof t, "%s %s", where, kinds[i].what);
      hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, cJSON_CreateString(v)), "%s", t, 0,
                  NULL);
    }
  }
}

/* Type errors at leaves, combined two and three at a time. */
/* The single error multi_error_cases puts at a leaf: a pattern near miss
 * where there is a pattern, else a value of a type the leaf refuses.  NULL
 * when the leaf takes every type. */
static cJSON *leaf_error(const loc *l, const cJSON *cur, char *what, size_t cap) {
  if (l->v.n_patterns && cJSON_IsString(cur) && cur->valuestring[0]) {
    char v[512];
    snprintf(v, sizeof v, "%.*s", (int)strlen(cur->valuestring) - 1, cur->valuestring);
    snprintf(what, cap, "without its last character");
    return cJSON_CreateString(v);
  }
  static const char *const types[] = {"number", "boolean", "string", "object"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if (hcview_type_allowed(&l->v, types[i]) ||
        (!strcmp(types[i], "number") && hcview_is_type(&l->v, "integer")))
      continue;
    snprintf(what, cap, "as %s", types[i]);
    return hcview_sample_of(types[i]);
  }
  return NULL;
}

/* Single errors at leaves, combined two and three at a time. */
static void multi_error_cases(gen *g, const locs *L) {
  const loc *leaf[MAX_LOCS];
  size_t nl = 0;
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    const cJSON *cur = l->p.n ? hc_at(g->full, &l->p, l->p.n) : NULL;
    if (!cur || hcview_is_type(&l->v, "object") || hcview_is_type(&l->v, "array"))
      continue;
    /* only a leaf whose error alone is refused */
    char what[160];
    cJSON *e = leaf_error(l, cur, what, sizeof what);
    cJSON *b = e ? hc_with_value(g, &l->p, e) : NULL;
    if (b && !hc_classify(g, b, NULL, NULL))
      leaf[nl++] = l;
    cJSON_Delete(b);
  }
  if (nl < 2)
    return;
  static const char req[] = HREQ_MULTIPLE_ERRORS;
  hc_add_fixed(g, req);
  for (size_t size = 2; size <= 3 && size <= nl; size++) {
    /* every leaf with the next one(s), cyclically; three triples */
    size_t rows = size == 2 ? (nl == 2 ? 1 : nl) : (nl < 3 ? nl : 3);
    for (size_t s = 0; s < rows; s++) {
      /* attribution: the minimal body with the leaves added (while it is
       * still valid), then their errors */
      cJSON *b = cJSON_Duplicate(g->minimal, 1);
      for (size_t j = 0; b && j < size; j++)
        hc_ensure(g, b, &leaf[(s + j) % nl]->p, leaf[(s + j) % nl]->p.n);
      char id[300] = "neg.multi", t[400] = "";
      size_t il = strlen(id), tl = 0;
      for (size_t j = 0; b && j < size; j++) {
        const loc *l = leaf[(s + j) % nl];
        char what[160] = "", sl[96], where[128];
        cJSON *e = leaf_error(l, hc_at(g->full, &l->p, l->p.n), what, sizeof what);
        hc_put(b, &l->p, e);
        hc_slug(&l->p, sl, sizeof sl);
        hc_human(&l->p, where, sizeof where);
        il += (size_t)snprintf(id + il, sizeof id - il, ".%s", sl);
        tl += (size_t)snprintf(t + tl, sizeof t - tl, "%s%s %s",
                               j ? (j + 1 == size ? " and " : ", ") : "", where, what);
        if (il >= sizeof id)
          il = sizeof id - 1;
        if (tl >= sizeof t)
          tl = sizeof t - 1;
      }
      if (!b || hc_classify(g, b, NULL, NULL) || hc_has_case(g->cases, id)) {
        cJSON_Delete(b);
        continue;
      }
      cJSON *c = hc_add_case(g, id, req, "negative-body", HJUDGE_EXPECT_BAD_REQUEST,
                             "%zu errors at once: %s", size, t);
      hc_set_body(c, b);
    }
  }
}

/* Duplicate member names, valid value first and last. */
static void duplicate_cases(gen *g, const locs *L) {
  static const char req[] = HREQ_DUPLICATE_NAMES;
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    cJSON *cur = hc_at(g->full, &l->p, l->p.n);
    if (l->p.n == 0 || !cur || !strcmp(l->p.tok[l->p.n - 1], "[]"))
      continue;
    /* strings, and members holding an object or an array (their duplicate
     * is a string) */
    if (!cJSON_IsString(cur) && !cJSON_IsObject(cur) && !cJSON_IsArray(cur))
      continue;
    cJSON *valid = cJSON_Duplicate(cur, 1);
    cJSON *invalid;
    if (!cJSON_IsString(cur)) {
      invalid = cJSON_CreateString("apiharness");
    } else if (l->v.n_patterns && cur->valuestring[0]) {
      char s[512];
      snprintf(s, sizeof s, "%.*s", (int)strlen(cur->valuestring) - 1, cur->valuestring);
      invalid = cJSON_CreateString(s);
    } else {
      invalid = cJSON_CreateNumber(12345);
    }
    /* the invalid value must indeed be invalid there */
    cJSON *check = hc_with_value(g, &l->p, cJSON_Duplicate(invalid, 1));
    int refused = check && !hc_classify(g, check, NULL, NULL);
    cJSON_Delete(check);
    char *vt = cJSON_PrintUnformatted(valid), *it = cJSON_PrintUnformatted(invalid);
    cJSON *key = cJSON_CreateString(l->p.tok[l->p.n - 1]);
    char *kt = key ? cJSON_PrintUnformatted(key) : NULL;
    cJSON_Delete(key);
    cJSON_Delete(valid);
    cJSON_Delete(invalid);
    if (refused && vt && it && kt) {
      char sl[96], where[128];
      hc_slug(&l->p, sl, sizeof sl);
      hc_human(&l->p, where, sizeof where);
      for (int order = 0; order < 2; order++) {
        size_t n = strlen(vt) + strlen(it) + strlen(kt) + 4;
        char *raw = malloc(n);
        if (!raw)
          break;
        snprintf(raw, n, "%s,%s:%s", order ? it : vt, kt, order ? vt : it);
        char *t = hc_text_at(g, &l->p, raw);
        free(raw);
        if (t && hc_classify_text(g, t, strlen(t), NULL, NULL) == 0) {
          char id[200];
          snprintf(id, sizeof id, "raw.duplicate.%s.%s", sl,
                   order ? "invalid-first" : "valid-first");
          cJSON *c = hc_add_case(g, id, req, "raw-bytes", HJUDGE_EXPECT_CREATED_OR_BAD,
                                 order ? "%s twice: an invalid value, then a valid one"
                                       : "%s twice: a valid value, then an invalid one",
                                 where);
          hc_set_text(c, t);
          cJSON_AddTrueToObject(c, "echo");
          cJSON_AddItemToObject(c, "echo_body", hc_base(g, &l->p));
        }
        free(t);
      }
    }
    free(vt);
    free(it);
    free(kt);
  }
}

/* Numbers at the extremes in every position whose type is not a number. */
static void extreme_number_cases(gen *g, const locs *L) {
  static const struct {
    const char *kind, *text, *what;
  } nums[] = {{"1e400", "1e400", "1e400 (beyond double range)"},
              {"minus-zero", "-0", "-0"},
              {"one-point-zero", "1.0", "1.0"},
              {"2p53-plus-1", "9007199254740993", "2^53+1 (not exact in a double)"},
              {"2p63", "9223372036854775808", "2^63 (beyond int64)"}};
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (!l->v.type || hcview_is_type(&l->v, "number") || (l->p.n && !hc_at(g->full, &l->p, l->p.n)))
      continue;
    char req[160], title[300], sl[96], where[128];
    hc_type_req(l, req, sizeof req, title, sizeof title);
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    /* an integer position takes numbers: only those no integer reading
     * accepts (a fraction, beyond double range; 2^63 where a format or a
     * maximum bounds it) - the rules drop the ones that are valid */
    int integer = hcview_is_type(&l->v, "integer");
    for (size_t i = 0; i < sizeof nums / sizeof nums[0] + 1; i++) {
      if (i == sizeof nums / sizeof nums[0]) {
        if (!integer)
          break;
        char id[200], t[300];
        snprintf(id, sizeof id, "neg.number.%s.fraction", sl);
        snprintf(t, sizeof t, "%s as the number 1.5 (not an integer)", where);
        char *text = hc_text_at(g, &l->p, "1.5");
        hc_neg_text(g, id, req, title, text, text ? strlen(text) : 0, NULL, "%s", t);
        free(text);
        break;
      }
      if (integer && strcmp(nums[i].kind, "1e400") && strcmp(nums[i].kind, "2p63"))
        continue;
      char id[200], t[300];
      snprintf(id, sizeof id, "neg.number.%s.%s", sl, nums[i].kind);
      snprintf(t, sizeof t, "%s as the number %s", where, nums[i].what);
      char *text = hc_text_at(g, &l->p, nums[i].text);
      hc_neg_text(g, id, req, title, text, text ? strlen(text) : 0, NULL, "%s", t);
      free(text);
    }
  }
}

/* Nesting at 2^k levels (k = 4..14) at the top and inside every container
 * property outside arrays: a value of the wrong shape, 400, never a 5xx. */
static void nesting_cases(gen *g, const locs *L) {
  static const char req[] = HREQ_DEEP_NESTING;
  hc_add_fixed(g, req);
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    int arr = hcview_is_type(&l->v, "array"), obj = hcview_is_type(&l->v, "object");
    if ((!arr && !obj) || l->in_array || (l->p.n && !hc_at(g->full, &l->p, l->p.n)))
      continue;
    char sl[96], where[128];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    char *pre, *post;
    if (!hc_split(g, &l->p, &pre, &post)) {
      free(pre);
      free(post);
      continue;
    }
    /* arrays in arrays at the top and in array properties; objects (one
     * member "a") in object properties */
    int use_arrays = arr || l->p.n == 0;
    for (unsigned e = 4; e <= 14; e++) {
      size_t n = (size_t)1 << e;
      char *text = NULL;
      size_t len = 0;
      cJSON *segs;
      if (use_arrays) {
        /* "[" x n then "]" x n: two repeat segments */
        size_t pl = strlen(pre), ql = strlen(post);
        text = malloc(pl + 2 * n + ql + 1);
        segs = cJSON_CreateArray();
        char *head = strdup(pre), *tail = strdup(post);
        if (text && segs && head && tail) {
          memcpy(text, pre, pl);
          memset(text + pl, '[', n);
          memset(text + pl + n, ']', n);
          memcpy(text + pl + 2 * n, post, ql + 1);
          len = pl + 2 * n + ql;
          if (pl)
            cJSON_AddItemToArray(segs, hc_seg_text(head));
          cJSON_AddItemToArray(segs, hc_seg_repeat("[", n));
          cJSON_AddItemToArray(segs, hc_seg_repeat("]", n));
          if (ql)
            cJSON_AddItemToArray(segs, hc_seg_text(tail));
        }
        free(head);
        free(tail);
      } else {
        /* {"a": x (n-1), {}, "}" x (n-1) */
        size_t pl = strlen(pre), ql = strlen(post);
        len = pl + 5 * (n - 1) + 2 + (n - 1) + ql;
        text = malloc(len + 1);
        segs = cJSON_CreateArray();
        char *head = strdup(pre);
        if (text && segs && head) {
          size_t o = 0;
          memcpy(text, pre, pl);
          o = pl;
          for (size_t i = 0; i + 1 < n; i++, o += 5)
            memcpy(text + o, "{\"a\":", 5);
          memcpy(text + o, "{}", 2);
          o += 2;
          memset(text + o, '}', n - 1);
          o += n - 1;
          memcpy(text + o, post, ql + 1);
          if (pl)
            cJSON_AddItemToArray(segs, hc_seg_text(head));
          cJSON_AddItemToArray(segs, hc_seg_repeat("{\"a\":", n - 1));
          cJSON_AddItemToArray(segs, hc_seg_text("{}"));
          cJSON_AddItemToArray(segs, hc_seg_repeat("}", n - 1));
          if (ql)
            cJSON_AddItemToArray(segs, hc_seg_text(post));
        }
        free(head);
      }
      char id[200], t[300];
      snprintf(id, sizeof id, "neg.nesting.%s.%zu", sl, n);
      snprintf(t, sizeof t, "%s nested %zu levels deep (%s)", where, n,
               use_arrays ? "arrays in arrays" : "objects in objects");
      hc_neg_text(g, id, req, "", text, len, segs, "%s", t);
      free(text);
    }
    free(pre);
    free(post);
  }
}

/* Near misses of the limits a spec states: one character over maxLength or
 * under minLength, one under minimum or over maximum, an enum value in
 * another letter case, extended or empty.  The default spec states none. */
static void limit_violation_cases(gen *g, const locs *L) {
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (l->p.n == 0 || !hc_at(g->full, &l->p, l->p.n))
      continue;
    char sl[96], where[128], req[160], title[300], id[200], t[300];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    if (hcview_is_type(&l->v, "string") && !l->v.enumv) {
      static const char *const kw[] = {"minLength", "maxLength"};
      for (int i = 0; i < 2; i++) {
        long n = i ? l->v.max_len + 1 : l->v.min_len - 1;
        if ((i ? l->v.max_len : l->v.min_len) < 0 || n < 0 || n > 65536)
          continue;
        char *b = malloc((size_t)n + 1);
        if (!b)
          continue;
        memset(b, 'x', (size_t)n);
        b[n] = '\0';
        hc_req_id(req, sizeof req, l->owner, l->prop, 0, kw[i]);
        snprintf(title, sizeof title, "%s has %s %ld characters", where, i ? "at most" : "at least",
                 i ? l->v.max_len : l->v.min_len);
        snprintf(id, sizeof id, "neg.limit.%s.%s", sl, i ? "over-max-length" : "under-min-length");
        snprintf(t, sizeof t, "%s of %ld character%s (%s %ld)", where, n, n == 1 ? "" : "s", kw[i],
                 i ? l->v.max_len : l->v.min_len);
        hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, cJSON_CreateString(b)), "%s", t, 0,
                    NULL);
        free(b);
      }
    }
    if ((hcview_is_type(&l->v, "integer") || hcview_is_type(&l->v, "number")) && !l->v.enumv) {
      static const char *const kw[] = {"minimum", "maximum"};
      for (int i = 0; i < 2; i++) {
        if (!(i ? l->v.has_max : l->v.has_min))
          continue;
        double lim = i ? l->v.max : l->v.min, x = i ? lim + 1 : lim - 1;
        hc_req_id(req, sizeof req, l->owner, l->prop, l->items, kw[i]);
        snprintf(title, sizeof title, "%s is %s %g", where, i ? "at most" : "at least", lim);
        snprintf(id, sizeof id, "neg.limit.%s.%s", sl, i ? "over-maximum" : "under-minimum");
        snprintf(t, sizeof t, "%s = %g (%s %g)", where, x, kw[i], lim);
        hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, cJSON_CreateNumber(x)), "%s", t, 0,
                    NULL);
      }
    }
    if (l->v.enumv && cJSON_IsString(l->v.enumv->child)) {
      const char *e = l->v.enumv->child->valuestring;
      hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "enum");
      snprintf(title, sizeof title, "%s is one of its enum values", where);
      char v[3][300];
      size_t n = strlen(e) < 250 ? strlen(e) : 250;
      for (size_t i = 0; i < n; i++) /* every letter's case flipped */
        v[0][i] = isupper((unsigned char)e[i])   ? (char)tolower((unsigned char)e[i])
                  : islower((unsigned char)e[i]) ? (char)toupper((unsigned char)e[i])
                                                 : e[i];
      v[0][n] = '\0';
      snprintf(v[1], sizeof v[1], "%.*s-x", (int)n, e);
      v[2][0] = '\0';
      static const char *const kinds[] = {"case-flipped", "extended", "empty"};
      for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "neg.enum.%s.%s", sl, kinds[i]);
        snprintf(t, sizeof t, "%s = \"%s\" (near the enum value \"%s\")", where, v[i], e);
        hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, cJSON_CreateString(v[i])), "%s", t,
                    0, NULL);
      }
    }
  }
}

/* A format near miss the validator accepts: the validator checks date-time,
 * date and the integer formats only (hschema.h); for the others the
 * generator's own reading says the value is invalid, and the documents leave
 * the outcome open (JSON Schema lets an implementation treat "format" as an
 * annotation).  Emitted as a negative whose 201 is a warning. */
static void format_near_miss(gen *g, const loc *l, const char *id, const char *req,
                             const char *title, const char *value, const char *t) {
  cJSON *b = hc_with_value(g, &l->p, cJSON_CreateString(value));
  if (!b)
    return;
  if (!hc_classify(g, b, NULL, NULL)) {
    hc_neg_case(g, id, req, title, b, "%s", t, 0, NULL);
    return;
  }
  if (hcgen_format_check(l->v.format, value) != 0) {
    cJSON_Delete(b); /* valid after all */
    return;
  }
  char why[300];
  snprintf(why, sizeof why,
           "the spec states format \"%s\", which JSON Schema lets an implementation treat as an "
           "annotation: a server may accept a value outside the format (a 201 must still echo it)",
           l->v.format);
  hc_add_req(g, req, "%s", title);
  cJSON *c = hc_add_case(g, id, req, "negative-body", HJUDGE_EXPECT_BAD_REQUEST, "%s", t);
  hc_set_tolerated(c, why);
  hc_set_body(c, b);
}

/* Near misses of what a spec states beyond types: each format broken in one
 * place (neg.format.*), an integer format's range left by one, a value off
 * multipleOf, a value at an exclusive limit, arrays one item short of
 * minItems or over maxItems, repeated items under uniqueItems.  The default
 * spec states none of them. */
static void stated_violation_cases(gen *g, const locs *L) {
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    const cJSON *cur = l->p.n ? hc_at(g->full, &l->p, l->p.n) : NULL;
    if (!cur || l->v.enumv)
      continue;
    char sl[96], where[128], req[160], title[300], id[200], t[400];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    const hcgen_fval *fv[16];
    size_t nf = hcview_is_type(&l->v, "string") && !l->v.n_patterns
                    ? hcgen_format_values(l->v.format, 0, fv, 16)
                    : 0;
    if (nf || (l->v.format && hcview_is_type(&l->v, "integer"))) {
      hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "format");
      snprintf(title, sizeof title, "%s is a valid %s (format)", where, l->v.format);
    }
    for (size_t i = 0; i < nf; i++) {
      snprintf(id, sizeof id, "neg.format.%s.%s", sl, fv[i]->kind);
      snprintf(t, sizeof t, "%s = \"%s\" (%s: %s)", where, fv[i]->value, l->v.format, fv[i]->title);
      format_near_miss(g, l, id, req, title, fv[i]->value, t);
    }
    int integer = hcview_is_type(&l->v, "integer");
    if (integer && l->v.format &&
        (!strcmp(l->v.format, "int32") || !strcmp(l->v.format, "int64"))) {
      static const char *const past[2][2] = {{"-2147483649", "2147483648"},
                                             {"-9223372036854775809", "9223372036854775808"}};
      int i64 = !strcmp(l->v.format, "int64");
      for (int e = 0; e < 2; e++) {
        snprintf(id, sizeof id, "neg.format.%s.%s", sl, e ? "over-range" : "under-range");
        snprintf(t, sizeof t, "%s = %s, one %s the %s range", where, past[i64][e],
                 e ? "above" : "below", l->v.format);
        char *text = hc_text_at(g, &l->p, past[i64][e]);
        hc_neg_text(g, id, req, title, text, text ? strlen(text) : 0, NULL, "%s", t);
        free(text);
      }
    }
    if ((integer || hcview_is_type(&l->v, "number")) && cJSON_IsNumber(cur)) {
      double m = l->v.multiple_of;
      if (m > 0 && (!integer || m > 1)) {
        double step = integer ? 1 : m / 2, x = cur->valuedouble + step;
        if (l->v.has_max && x > l->v.max)
          x = cur->valuedouble - step;
        hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "multipleOf");
        snprintf(title, sizeof title, "%s is a multiple of %g", where, m);
        snprintf(id, sizeof id, "neg.limit.%s.not-multiple-of", sl);
        snprintf(t, sizeof t, "%s = %g (not a multiple of %g)", where, x, m);
        if (!l->v.has_min || x >= l->v.min)
          hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, cJSON_CreateNumber(x)), "%s", t, 0,
                      NULL);
      }
      static const char *const kw[] = {"minimum", "maximum"};
      for (int i = 0; i < 2; i++) {
        if (!(i ? l->v.has_max && l->v.excl_max : l->v.has_min && l->v.excl_min))
          continue;
        double lim = i ? l->v.max : l->v.min;
        hc_req_id(req, sizeof req, l->owner, l->prop, l->items, kw[i]);
        snprintf(title, sizeof title, "%s is %s %g", where, i ? "below" : "above", lim);
        snprintf(id, sizeof id, "neg.limit.%s.at-exclusive-%s", sl, kw[i]);
        snprintf(t, sizeof t, "%s = %g (its exclusive %s)", where, lim, kw[i]);
        hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, cJSON_CreateNumber(lim)), "%s", t, 0,
                    NULL);
      }
    }
    if (hcview_is_type(&l->v, "array") && l->v.items && !l->in_array) {
      static const char *const kw[] = {"minItems", "maxItems"};
      for (int i = 0; i < 2; i++) {
        long lim = i ? l->v.max_items : l->v.min_items, n = i ? lim + 1 : lim - 1;
        if (lim < 0 || n < 0 || n > 65)
          continue;
        hc_req_id(req, sizeof req, l->owner, l->prop, 0, kw[i]);
        snprintf(title, sizeof title, "%s has %s %ld items", where, i ? "at most" : "at least",
                 lim);
        snprintf(id, sizeof id, "neg.limit.%s.%s", sl, i ? "over-max-items" : "under-min-items");
        snprintf(t, sizeof t, "%s with %ld distinct item%s (%s %ld)", where, n, n == 1 ? "" : "s",
                 kw[i], lim);
        hc_neg_case(g, id, req, title,
                    hc_with_value(g, &l->p, hc_distinct_items(g, &l->v, (size_t)n)), "%s", t, 0,
                    NULL);
      }
      if (l->v.unique_items && l->v.max_items != 0 && l->v.max_items != 1 && l->v.min_items <= 2 &&
          cJSON_IsArray(cur) && cur->child) {
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(a, cJSON_Duplicate(cur->child, 1));
        cJSON_AddItemToArray(a, cJSON_Duplicate(cur->child, 1));
        hc_req_id(req, sizeof req, l->owner, l->prop, 0, "uniqueItems");
        snprintf(title, sizeof title, "%s holds no item twice (uniqueItems)", where);
        snprintf(id, sizeof id, "neg.limit.%s.repeated-item", sl);
        snprintf(t, sizeof t, "%s with the same item twice (uniqueItems)", where);
        hc_neg_case(g, id, req, title, hc_with_value(g, &l->p, a), "%s", t, 0, NULL);
      }
    }
  }
}

void hc_negative_families(gen *g) {
  if (g->failed || !cJSON_IsObject(g->full))
    return;
  locs *L = malloc(sizeof *L);
  if (!L) {
    hc_fail(g, "out of memory");
    return;
  }
  hc_locs(g, L);
  item_position_cases(g, L);
  undeclared_cases(g, L);
  quoted_invalid_cases(g, L);
  multi_error_cases(g, L);
  duplicate_cases(g, L);
  extreme_number_cases(g, L);
  nesting_cases(g, L);
  limit_violation_cases(g, L);
  stated_violation_cases(g, L);
  free(L);
}
