/* hcases_valid.c: valid bodies in every form a server must accept - member
 * order, whitespace, escapes, values spread across each pattern, strings of
 * every kind and length, arrays of every size, pairwise optional states, items
 * without members.  Each must get 201 with an exact echo (or a tolerated 4xx
 * where the documents state no limit).  See hcases_families.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "util/hutil.h"
#include "json/hjson.h"

#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define ITEM_VARIETY 4 /* distinct items in the array-size family */

/* Reasons for the outcomes the documents leave open, stated in their terms. */
#define WHY_MIN_LENGTH                                                                             \
  "the spec states no minLength; a server may refuse an empty string with 4xx (a 201 must "        \
  "still echo it exactly)"
#define WHY_MAX_LENGTH                                                                             \
  "the spec states no maxLength; a server may refuse a long string with 4xx (a 201 must echo "     \
  "it whole, never truncated)"
#define WHY_NUL                                                                                    \
  "the spec does not restrict control characters, but a server whose storage cannot keep "         \
  "U+0000 may refuse it with 4xx (a 201 must echo it, never cut at it)"
#define WHY_MAX_ITEMS                                                                              \
  "the spec states no maxItems; a server may refuse 1,000 items with 4xx (a 201 must echo "        \
  "every item)"

/* ---------- positives ---------- */

static void order_cases(gen *g) {
  static const char req[] = HREQ_MEMBER_ORDER;
  hc_add_fixed(g, req);
  /* attribution: the minimal body, every member the rules need, reversed */
  cJSON *b = cJSON_Duplicate(g->minimal, 1);
  hc_reverse_all(b);
  hc_pos_body(g, "pos.order.reversed", req, b, NULL, "%s",
              "the minimal body, members in reverse order at every level");
  /* each top-level property first (the first one: last), in the minimal body
   * with that property added */
  size_t n = (size_t)cJSON_GetArraySize(g->full);
  size_t i = 0;
  for (const cJSON *m = g->full->child; m && n > 1; m = m->next, i++) {
    char sl[96], id[160], title[200];
    hc_name_slug(m->string, sl, sizeof sl);
    bpath mp = {{m->string}, 1};
    b = hc_base(g, &mp);
    cJSON *it = b ? cJSON_DetachItemFromObjectCaseSensitive(b, m->string) : NULL;
    if (!it || !b->child) {
      cJSON_Delete(it);
      cJSON_Delete(b);
      continue;
    }
    if (i == 0) {
      cJSON_AddItemToObject(b, m->string, it);
      snprintf(id, sizeof id, "pos.order.%s-last", sl);
      snprintf(title, sizeof title, "%s last (the minimal body with %s)", m->string, m->string);
    } else {
      /* insert as the first member */
      it->next = b->child;
      it->prev = b->child ? b->child->prev : it;
      if (b->child)
        b->child->prev = it;
      b->child = it;
      snprintf(id, sizeof id, "pos.order.%s-first", sl);
      snprintf(title, sizeof title, "%s first (the minimal body with %s)", m->string, m->string);
    }
    hc_pos_body(g, id, req, b, NULL, "%s", title);
  }
  /* nested objects of two members or more: reversed on their own */
  locs L;
  hc_locs(g, &L);
  for (size_t k = 1; k < L.n; k++) {
    cJSON *o = hc_at(g->full, &L.l[k].p, L.l[k].p.n);
    if (!cJSON_IsObject(o) || cJSON_GetArraySize(o) < 2)
      continue;
    char sl[96], id[160], where[128];
    hc_slug(&L.l[k].p, sl, sizeof sl);
    hc_human(&L.l[k].p, where, sizeof where);
    cJSON *r = cJSON_Duplicate(o, 1);
    hc_reverse_all(r);
    snprintf(id, sizeof id, "pos.order.%s-reversed", sl);
    hc_pos_body(g, id, req, hc_with_value(g, &L.l[k].p, r), NULL, "the members of %s reversed",
                where);
  }
}

/* Compact text with a space before and after every structural character. */
static char *spaced(const char *t) {
  size_t n = strlen(t);
  char *o = malloc(3 * n + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  int in_str = 0;
  for (size_t i = 0; i < n; i++) {
    char c = t[i];
    if (in_str) {
      o[k++] = c;
      if (c == '\\' && i + 1 < n)
        o[k++] = t[++i];
      else if (c == '"')
        in_str = 0;
    } else if (c == '"') {
      in_str = 1;
      o[k++] = c;
    } else if (strchr("{}[]:,", c)) {
      o[k++] = ' ';
      o[k++] = c;
      o[k++] = ' ';
    } else {
      o[k++] = c;
    }
  }
  o[k] = '\0';
  return o;
}

static char *replace_all(const char *t, char from, const char *to) {
  size_t n = strlen(t), tl = strlen(to), extra = 0;
  for (size_t i = 0; i < n; i++)
    extra += t[i] == from ? tl : 0;
  char *o = malloc(n + extra + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i] == from) {
      memcpy(o + k, to, tl);
      k += tl;
    } else {
      o[k++] = t[i];
    }
  }
  o[k] = '\0';
  return o;
}

static void whitespace_cases(gen *g) {
  static const char req[] = HREQ_WHITESPACE;
  hc_add_fixed(g, req);
  char *pretty = cJSON_Print(g->minimal), *compact = cJSON_PrintUnformatted(g->minimal);
  if (!pretty || !compact) {
    free(pretty);
    free(compact);
    hc_fail(g, "out of memory");
    return;
  }
  char *lf2 = replace_all(pretty, '\t', "  ");
  char *crlf = lf2 ? replace_all(lf2, '\n', "\r\n") : NULL;
  hc_pos_text(g, "pos.format.crlf-indent", req, crlf, NULL, "%s",
              "pretty-printed with CRLF line ends and two-space indents");
  hc_pos_text(g, "pos.format.tabs", req, pretty, NULL, "%s", "pretty-printed with tabs and LF");
  size_t cl = strlen(compact);
  char *nl = malloc(cl + 2);
  if (nl)
    snprintf(nl, cl + 2, "%s\n", compact);
  hc_pos_text(g, "pos.format.trailing-newline", req, nl, NULL, "%s",
              "the compact body followed by a newline");
  char *sp = spaced(compact);
  hc_pos_text(g, "pos.format.spaced", req, sp, NULL, "%s",
              "a space before and after every structural character");
  char *around = malloc(cl + 16);
  if (around)
    snprintf(around, cl + 16, " \t\r\n%s\r\n\t ", compact);
  hc_pos_text(g, "pos.format.surrounding-whitespace", req, around, NULL, "%s",
              "space, tab, CR and LF before and after the body");
  free(pretty);
  free(compact);
  free(lf2);
  free(crlf);
  free(nl);
  free(sp);
  free(around);
}

/* Decodes one UTF-8 character of s[0..n); returns its length (1, with the
 * byte as the code point, on a byte that starts no valid sequence). */
static size_t utf8_cp(const unsigned char *s, size_t n, unsigned *cp) {
  uint32_t v = 0;
  size_t l = hutil_utf8_decode(s, n, &v, NULL);
  *cp = l ? (unsigned)v : s[0];
  return l ? l : 1;
}

/* The JSON text of s with every character written as a \u escape (surrogate pairs
 * above U+FFFF), hex digits in upper or lower case; the name placeholder is
 * kept literal so the runner can still replace it. */
static char *all_escaped(const char *s, int upper) {
  size_t n = strlen(s);
  char *o = malloc(12 * n + 3);
  if (!o)
    return NULL;
  size_t k = 0;
  o[k++] = '"';
  const size_t pl = sizeof HCASES_NAME_PLACEHOLDER - 1;
  for (size_t i = 0; i < n;) {
    if (!strncmp(s + i, HCASES_NAME_PLACEHOLDER, pl)) {
      memcpy(o + k, s + i, pl);
      k += pl;
      i += pl;
      continue;
    }
    unsigned cp;
    i += utf8_cp((const unsigned char *)s + i, n - i, &cp);
    const char *f = upper ? "\\u%04X" : "\\u%04x";
    if (cp > 0xffff) {
      cp -= 0x10000;
      k += (size_t)sprintf(o + k, f, 0xd800 + (cp >> 10));
      k += (size_t)sprintf(o + k, f, 0xdc00 + (cp & 0x3ff));
    } else {
      k += (size_t)sprintf(o + k, f, cp);
    }
  }
  o[k++] = '"';
  o[k] = '\0';
  return o;
}

static void escape_cases(gen *g, const locs *L) {
  static const char req[] = HREQ_STRING_ESCAPES;
  hc_add_fixed(g, req);
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    cJSON *cur = hc_at(g->full, &l->p, l->p.n);
    if (!hcview_is_type(&l->v, "string") || !cJSON_IsString(cur))
      continue;
    char sl[96], where[128], id[200], val[600];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    /* a free string also carries a solidus, a non-ASCII and a non-BMP character */
    if (l->v.n_patterns)
      snprintf(val, sizeof val, "%s", cur->valuestring);
    else
      snprintf(val, sizeof val, "%s a/b \xc3\xa9 \xf0\x9f\x9a\x80", cur->valuestring);
    for (int upper = 0; upper < 2; upper++) {
      char *raw = all_escaped(val, upper);
      char *t = raw ? hc_text_at(g, &l->p, raw) : NULL;
      snprintf(id, sizeof id, "pos.escape.%s.%s", sl, upper ? "u-upper" : "u-lower");
      hc_pos_text(g, id, req, t, NULL,
                  upper
                      ? "%s with every character written as a \\u escape (upper-case hex, \\u004A)"
                      : "%s with every character written as a \\u escape (lower-case hex, \\u004a)",
                  where);
      free(raw);
      free(t);
    }
    if (!l->v.n_patterns) {
      cJSON *s = cJSON_CreateString(val);
      char *q = s ? cJSON_PrintUnformatted(s) : NULL;
      cJSON_Delete(s);
      char *raw = q ? replace_all(q, '/', "\\/") : NULL;
      char *t = raw ? hc_text_at(g, &l->p, raw) : NULL;
      snprintf(id, sizeof id, "pos.escape.%s.solidus", sl);
      hc_pos_text(g, id, req, t, NULL, "%s with a solidus written as \\/", where);
      free(q);
      free(raw);
      free(t);
    }
  }
}

/* Values spread across each pattern: the lowest and the highest member of
 * every class, and every member in turn (two values, so all ten digits). */
static void pattern_spread_cases(gen *g, const locs *L) {
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (!l->v.n_patterns || !cJSON_IsString(hc_at(g->full, &l->p, l->p.n)))
      continue;
    char req[160], title[300], sl[96], where[128];
    hc_pattern_req(l, req, sizeof req, title, sizeof title);
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    /* the lowest and the highest member of every class, then every member
     * in turn: values at offsets 0, d, 2d ... (d classes per value) until
     * every member of the largest class has appeared */
    enum { MAX_SPREAD = 10 };
    char v[MAX_SPREAD][512];
    size_t nv = 0;
    g->pick = HC_PICK_FIRST;
    g->pick_max = 0;
    int ok = hc_gen_pattern(g, l->v.patterns[0], v[nv++], sizeof v[0]);
    g->pick = HC_PICK_LAST;
    ok = ok && hc_gen_pattern(g, l->v.patterns[0], v[nv++], sizeof v[0]);
    size_t differ = 0;
    for (size_t i = 0; ok && v[0][i] && v[1][i]; i++)
      differ += v[0][i] != v[1][i];
    g->pick = HC_PICK_CYCLE;
    for (size_t off = 0; ok && differ && off < g->pick_max && nv < MAX_SPREAD; off += differ) {
      g->pick_offset = off;
      ok = hc_gen_pattern(g, l->v.patterns[0], v[nv++], sizeof v[0]);
    }
    g->pick = HC_PICK_RANDOM;
    g->pick_offset = 0;
    if (!ok || !differ)
      continue;
    hc_add_req(g, req, "%s", title);
    for (size_t i = 0; i < nv; i++) {
      int dup = 0;
      for (size_t j = 0; j < i; j++)
        dup |= !strcmp(v[i], v[j]);
      if (dup)
        continue;
      char id[200], t[700], kind[32];
      if (i < 2)
        snprintf(kind, sizeof kind, "%s", i ? "highest" : "lowest");
      else if (i == 2)
        snprintf(kind, sizeof kind, "ascending");
      else
        snprintf(kind, sizeof kind, "ascending-%zu", i - 1);
      snprintf(id, sizeof id, "pos.pattern.%s.%s", sl, kind);
      snprintf(t, sizeof t, "%s = \"%s\": %s (pattern %s)", where, v[i],
               i == 0   ? "the lowest member of every class"
               : i == 1 ? "the highest member of every class"
                        : "the members of every class in turn",
               l->v.patterns[0]);
      hc_pos_body(g, id, req, hc_with_value(g, &l->p, cJSON_CreateString(v[i])), NULL, "%s", t);
    }
  }
}

typedef struct {
  const char *kind;
  const char *value; /* inserted after the name placeholder for the name property */
  const char *raw;   /* JSON text instead (escapes), NULL: value */
  const char *title;
  const char *tolerated;
} string_kind;

static void string_cases(gen *g, const locs *L) {
  static const string_kind kinds[] = {
      {"empty", "", NULL, "the empty string", WHY_MIN_LENGTH},
      {"non-bmp", "\xf0\x9f\x98\x80 \xf0\x9d\x84\x9e \xf0\xa0\x80\x8b", NULL,
       "characters outside the BMP (UTF-8, 4 bytes each)", NULL},
      {"surrogate-escapes", NULL, "\\ud83d\\ude00 \\uD834\\uDD1E",
       "characters outside the BMP written as surrogate pair escapes", NULL},
      {"combining", "e\xcc\x81 n\xcc\x83 A\xcc\x8a\xcc\x81", NULL,
       "combining marks (decomposed, never to be normalized)", NULL},
      {"rtl", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xe2\x80\x8f abc",
       NULL, "right-to-left text (Hebrew, Arabic, a right-to-left mark)", NULL},
      {"markup", "<>&\"'\\ <b>&amp;</b>", NULL, "the characters <>&\"'\\ (never HTML-escaped)",
       NULL},
      {"surrounding-spaces", "padded", NULL, "leading and trailing spaces (never trimmed)", NULL},
      {"nul", NULL, "a\\u0000b", "a \\u0000 inside", WHY_NUL},
      {"format-strings", "%s %n %x {0} ${x} #{x} {{7*7}} ' OR 1=1 -- ; DROP TABLE t", NULL,
       "format, template and SQL metacharacters", NULL}};
  static const size_t lengths[] = {255, 256, 1023, 1024, 4095, 4096, 65535, 65536};
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (!hcview_is_type(&l->v, "string") || l->v.n_patterns || l->v.enumv || l->v.format ||
        !cJSON_IsString(hc_at(g->full, &l->p, l->p.n)))
      continue;
    /* a stated limit is judged exactly (values beyond it are never emitted:
     * the rules refuse them); only an unstated one is left open */
    const char *why_min = l->v.min_len >= 0 ? NULL : WHY_MIN_LENGTH;
    const char *why_max = l->v.max_len >= 0 ? NULL : WHY_MAX_LENGTH;
    int is_name = l->p.n == 1 && !strcmp(l->p.tok[0], NAME_PROPERTY);
    char sl[96], where[128], req[160], id[200];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    hc_req_id(req, sizeof req, l->owner, l->prop, 0, "any-string");
    hc_add_req(g, req,
               "%s accepts any string (the spec states no pattern, format or length limit) and "
               "a 201 echoes it exactly",
               where);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
      const string_kind *s = &kinds[i];
      if (is_name && !strcmp(s->kind, "empty"))
        continue; /* pos.name.empty */
      snprintf(id, sizeof id, "pos.string.%s.%s", sl, s->kind);
      char t[400];
      snprintf(t, sizeof t, "%s: %s", where, s->title);
      const char *lead = is_name && strcmp(s->kind, "empty") ? HCASES_NAME_PLACEHOLDER " " : "";
      if (!s->raw) {
        char v[300];
        if (!strcmp(s->kind, "surrounding-spaces"))
          snprintf(v, sizeof v, "  %s%s  ", lead, s->value);
        else
          snprintf(v, sizeof v, "%s%s", lead, s->value);
        const char *tol = !strcmp(s->kind, "empty") ? why_min : s->tolerated;
        hc_pos_body(g, id, req, hc_with_value(g, &l->p, cJSON_CreateString(v)), tol, "%s", t);
      } else {
        char raw[300];
        snprintf(raw, sizeof raw, "\"%s%s\"", lead, s->raw);
        char *text = hc_text_at(g, &l->p, raw);
        hc_pos_text(g, id, req, text, s->tolerated, "%s", t);
        free(text);
      }
    }
    /* lengths around common limits: exact values, built from segments */
    char *pre, *post;
    if (!hc_split(g, &l->p, &pre, &post)) {
      free(pre);
      free(post);
      continue;
    }
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
      char *text;
      size_t len;
      cJSON *segs = hc_segments(pre, "\"", "x", lengths[i], "\"", post, &text, &len);
      snprintf(id, sizeof id, "pos.string.%s.length-%zu", sl, lengths[i]);
      char t[300];
      snprintf(t, sizeof t, "%s of exactly %zu characters", where, lengths[i]);
      hc_pos_segments(g, id, req, segs, text, len, why_max, "%s", t);
    }
    free(pre);
    free(post);
  }
}

static void array_cases(gen *g, const locs *L) {
  static const size_t sizes[] = {1, 2, 4, 8, 64, 1000};
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (!hcview_is_type(&l->v, "array") || !l->v.items || l->in_array || l->p.n == 0)
      continue;
    char sl[96], where[128], req[160], id[200], t[300];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    hc_req_id(req, sizeof req, l->owner, l->prop, 0, "items");
    hc_add_req(g, req, "%s accepts several items", where);
    cJSON *pool = hc_distinct_items(g, &l->v, ITEM_VARIETY);
    char *pre, *post;
    int split = hc_split(g, &l->p, &pre, &post);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      size_t n = sizes[i], d = n / 2 ? (n / 2 < ITEM_VARIETY ? n / 2 : ITEM_VARIETY) : 1;
      snprintf(id, sizeof id, "pos.array.%s.%zu", sl, n);
      snprintf(t, sizeof t, "%s with %zu item%s%s", where, n, n > 1 ? "s" : "",
               n > 1 ? " (repeated items: the spec sets no uniqueItems)" : "");
      if (n <= 8) {
        cJSON *a = cJSON_CreateArray();
        for (size_t j = 0; j < n; j++)
          cJSON_AddItemToArray(a, cJSON_Duplicate(cJSON_GetArrayItem(pool, (int)(j % d)), 1));
        hc_pos_body(g, id, req, hc_with_value(g, &l->p, a), NULL, "%s", t);
        continue;
      }
      if (!split)
        continue;
      /* a block of d items repeated: the catalogue stays small */
      char *block = NULL, *lastb = NULL;
      cJSON *a = cJSON_CreateArray();
      for (size_t j = 0; j < d; j++)
        cJSON_AddItemToArray(a, cJSON_Duplicate(cJSON_GetArrayItem(pool, (int)j), 1));
      char *at = cJSON_PrintUnformatted(a); /* "[a,b,c,d]" */
      cJSON_Delete(a);
      if (at) {
        size_t al = strlen(at);
        block = malloc(al + 1);
        lastb = malloc(al + 2);
        if (block && lastb) {
          snprintf(block, al + 1, "%.*s,", (int)(al - 2), at + 1); /* "a,b,c,d," */
          snprintf(lastb, al + 2, "%.*s]", (int)(al - 2), at + 1); /* "a,b,c,d]" */
        }
      }
      free(at);
      if (block && lastb) {
        char *text;
        size_t len;
        cJSON *segs = hc_segments(pre, "[", block, n / d - 1, lastb, post, &text, &len);
        hc_pos_segments(g, id, req, segs, text, len, n >= 1000 ? WHY_MAX_ITEMS : NULL, "%s", t);
      }
      free(block);
      free(lastb);
    }
    free(pre);
    free(post);
    cJSON_Delete(pool);
    /* an item whose optional members are all absent */
    hcview iv;
    hcview_of(g->spec, l->v.items, &iv);
    if (hcview_is_type(&iv, "object") && iv.n_props) {
      cJSON *a = cJSON_CreateArray();
      cJSON_AddItemToArray(a, cJSON_CreateObject());
      cJSON *b = hc_with_value(g, &l->p, a);
      if (b && hc_classify(g, b, NULL, NULL)) {
        char r2[160];
        hc_req_id(r2, sizeof r2, l->owner, l->prop, 1, "optional-members");
        hc_add_req(g, r2,
                   "an item of %s whose optional members are all absent: the schema requires "
                   "none, the page does not say; 201 or 400, never a 5xx",
                   where);
        snprintf(id, sizeof id, "pos.item-empty.%s", sl);
        cJSON *c = hc_add_case(g, id, r2, "positive", HJUDGE_EXPECT_CREATED_OR_BAD,
                               "%s = [{}]: one item without any member", where);
        cJSON_AddTrueToObject(c, "echo");
        hc_set_body(c, b);
      } else {
        cJSON_Delete(b);
      }
    }
  }
}

/* Every pair of optional/nullable properties (outside arrays), each absent,
 * null or given, in a greedy pairwise covering set (deterministic: the first
 * uncovered pair seeds each row, the other properties take the state that
 * covers most).  At most PW_MAX properties, in schema order. */
#define PW_MAX 12
static void pairwise_cases(gen *g, const locs *L) {
  const loc *par[PW_MAX];
  int states[PW_MAX][3]; /* 0 absent, 1 null, 2 value: valid alone */
  size_t np = 0;
  for (size_t k = 0; k < L->n && np < PW_MAX; k++) {
    const loc *l = &L->l[k];
    if (l->in_array || l->p.n == 0 || !hc_at(g->full, &l->p, l->p.n))
      continue;
    /* below an optional parent its states are not independent: skip it */
    int below = 0;
    for (size_t i = 0; i < np; i++)
      below |=
          par[i]->p.n < l->p.n && !memcmp(par[i]->p.tok, l->p.tok, par[i]->p.n * sizeof(char *));
    if (below)
      continue;
    int s[3] = {0, 0, 1};
    cJSON *b = cJSON_Duplicate(g->full, 1);
    cJSON *parent = hc_at(b, &l->p, l->p.n - 1);
    cJSON_DeleteItemFromObjectCaseSensitive(parent, l->p.tok[l->p.n - 1]);
    s[0] = hc_classify(g, b, NULL, NULL);
    cJSON_Delete(b);
    b = hc_with_value(g, &l->p, cJSON_CreateNull());
    s[1] = b && hc_classify(g, b, NULL, NULL);
    cJSON_Delete(b);
    if (s[0] + s[1] == 0)
      continue;
    memcpy(states[np], s, sizeof s);
    par[np++] = l;
  }
  if (np < 2)
    return;
  static const char req[] = HREQ_POSITIVE_OPTIONAL_COMBINATIONS;
  hc_add_fixed(g, req);
  unsigned char cov[PW_MAX][3][PW_MAX][3];
  memset(cov, 0, sizeof cov);
  for (size_t i = 0; i < np; i++)
    for (int a = 0; a < 3; a++)
      for (size_t j = i + 1; j < np; j++)
        for (int b = 0; b < 3; b++)
          cov[i][a][j][b] = !(states[i][a] && states[j][b]); /* 1: nothing to cover */
  static const char *const names[] = {"absent", "null", "given"};
  for (int row = 1; row < 100; row++) {
    size_t fi = 0, fj = 0;
    int fa = -1, fb = -1;
    for (size_t i = 0; i < np && fa < 0; i++)
      for (int a = 0; a < 3 && fa < 0; a++)
        for (size_t j = i + 1; j < np && fa < 0; j++)
          for (int b = 0; b < 3 && fa < 0; b++)
            if (!cov[i][a][j][b]) {
              fi = i, fj = j, fa = a, fb = b;
            }
    if (fa < 0)
      break;
    int r[PW_MAX];
    for (size_t i = 0; i < np; i++)
      r[i] = -1;
    r[fi] = fa;
    r[fj] = fb;
    for (size_t k = 0; k < np; k++) {
      if (r[k] >= 0)
        continue;
      int best = 2, best_n = -1;
      for (int s = 0; s < 3; s++) {
        if (!states[k][s])
          continue;
        int n = 0;
        for (size_t o = 0; o < np; o++) {
          if (r[o] < 0 || o == k)
            continue;
          size_t i = o < k ? o : k, j = o < k ? k : o;
          int a = o < k ? r[o] : s, b = o < k ? s : r[o];
          n += !cov[i][a][j][b];
        }
        if (n > best_n) {
          best_n = n;
          best = s;
        }
      }
      r[k] = best;
    }
    for (size_t i = 0; i < np; i++)
      for (size_t j = i + 1; j < np; j++)
        cov[i][r[i]][j][r[j]] = 1;
    cJSON *b = cJSON_Duplicate(g->full, 1);
    char title[400] = "";
    size_t tl = 0;
    for (size_t i = 0; i < np; i++) {
      char where[128];
      hc_human(&par[i]->p, where, sizeof where);
      tl += (size_t)snprintf(title + tl, sizeof title - tl, "%s%s %s", i ? ", " : "", where,
                             names[r[i]]);
      if (tl >= sizeof title)
        tl = sizeof title - 1;
      if (r[i] == 0) {
        cJSON *parent = hc_at(b, &par[i]->p, par[i]->p.n - 1);
        cJSON_DeleteItemFromObjectCaseSensitive(parent, par[i]->p.tok[par[i]->p.n - 1]);
      } else if (r[i] == 1) {
        hc_put(b, &par[i]->p, cJSON_CreateNull());
      }
    }
    char id[64];
    snprintf(id, sizeof id, "pos.pairwise.%02d", row);
    hc_pos_body(g, id, req, b, NULL, "%s", title);
  }
}

/* A string of n 'x' (NULL over 65,536). */
static cJSON *x_string(long n) {
  if (n < 0 || n > 65536)
    return NULL;
  char *b = malloc((size_t)n + 1);
  if (!b)
    return NULL;
  memset(b, 'x', (size_t)n);
  b[n] = '\0';
  cJSON *s = cJSON_CreateString(b);
  free(b);
  return s;
}

/* The limits a spec states (minLength, maxLength, minimum, maximum, enum):
 * values exactly at them are valid.  The default spec states none; another
 * spec gets them (their near misses are in hcases_invalid.c). */
static void limit_cases(gen *g, const locs *L) {
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (l->p.n == 0 || !hc_at(g->full, &l->p, l->p.n))
      continue;
    char sl[96], where[128], req[160], id[200], t[300];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    if (hcview_is_type(&l->v, "string") && !l->v.n_patterns && !l->v.enumv) {
      static const char *const kw[] = {"minLength", "maxLength"};
      for (int i = 0; i < 2; i++) {
        long n = i ? l->v.max_len : l->v.min_len;
        cJSON *v = n >= 0 ? x_string(n) : NULL;
        if (!v)
          continue;
        hc_req_id(req, sizeof req, l->owner, l->prop, 0, kw[i]);
        hc_add_req(g, req, "%s has %s %ld characters", where, i ? "at most" : "at least", n);
        snprintf(id, sizeof id, "pos.limit.%s.%s", sl, i ? "max-length" : "min-length");
        snprintf(t, sizeof t, "%s of exactly %ld characters (its %s)", where, n, kw[i]);
        hc_pos_body(g, id, req, hc_with_value(g, &l->p, v), NULL, "%s", t);
      }
    }
    if ((hcview_is_type(&l->v, "integer") || hcview_is_type(&l->v, "number")) && !l->v.enumv) {
      static const char *const kw[] = {"minimum", "maximum"};
      for (int i = 0; i < 2; i++) {
        if (!(i ? l->v.has_max : l->v.has_min))
          continue;
        double lim = i ? l->v.max : l->v.min;
        int excl = i ? l->v.excl_max : l->v.excl_min;
        /* the valid value nearest the limit (exclusive limits, multipleOf) */
        double x;
        hcgen_number(&l->v, lim, &x);
        hc_req_id(req, sizeof req, l->owner, l->prop, l->items, kw[i]);
        hc_add_req(g, req, "%s is %s %g", where,
                   i ? (excl ? "below" : "at most") : (excl ? "above" : "at least"), lim);
        snprintf(id, sizeof id, "pos.limit.%s.%s", sl, kw[i]);
        if (x == lim)
          snprintf(t, sizeof t, "%s = %g (its %s)", where, x, kw[i]);
        else
          snprintf(t, sizeof t, "%s = %g (the valid value nearest its %s%s %g)", where, x,
                   excl ? "exclusive " : "", kw[i], lim);
        hc_pos_body(g, id, req, hc_with_value(g, &l->p, cJSON_CreateNumber(x)), NULL, "%s", t);
      }
    }
    if (l->v.enumv) {
      hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "enum");
      hc_add_req(g, req, "%s is one of its enum values", where);
      int i = 0;
      for (const cJSON *e = l->v.enumv->child; e && i < 32; e = e->next, i++) {
        snprintf(id, sizeof id, "pos.enum.%s.%d", sl, i + 1);
        char *shown = cJSON_PrintUnformatted(e);
        snprintf(t, sizeof t, "%s = %s", where, shown ? shown : "?");
        free(shown);
        hc_pos_body(g, id, req, hc_with_value(g, &l->p, cJSON_Duplicate(e, 1)), NULL, "%s", t);
      }
    }
  }
}

/* Valid values of what a spec states beyond types: each format's values
 * spread over its grammar (pos.format-value.*), an integer format's range
 * ends, a multiple of multipleOf, arrays of exactly minItems / maxItems
 * items.  The default spec states none of them. */
static void stated_value_cases(gen *g, const locs *L) {
  for (size_t k = 0; k < L->n; k++) {
    const loc *l = &L->l[k];
    if (l->p.n == 0 || !hc_at(g->full, &l->p, l->p.n) || l->v.enumv)
      continue;
    char sl[96], where[128], req[160], id[200], t[300];
    hc_slug(&l->p, sl, sizeof sl);
    hc_human(&l->p, where, sizeof where);
    const hcgen_fval *fv[16];
    size_t nf = hcview_is_type(&l->v, "string") && !l->v.n_patterns
                    ? hcgen_format_values(l->v.format, 1, fv, 16)
                    : 0;
    if (nf) {
      hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "format");
      hc_add_req(g, req, "%s is a valid %s (format)", where, l->v.format);
    }
    for (size_t i = 0; i < nf; i++) {
      if (hcgen_format_check(l->v.format, fv[i]->value) == 0)
        continue;
      snprintf(id, sizeof id, "pos.format-value.%s.%s", sl, fv[i]->kind);
      snprintf(t, sizeof t, "%s = \"%s\" (%s: %s)", where, fv[i]->value, l->v.format, fv[i]->title);
      hc_pos_body(g, id, req, hc_with_value(g, &l->p, cJSON_CreateString(fv[i]->value)), NULL, "%s",
                  t);
    }
    int integer = hcview_is_type(&l->v, "integer");
    if (integer && l->v.format &&
        (!strcmp(l->v.format, "int32") || !strcmp(l->v.format, "int64"))) {
      static const char *const ends[2][2] = {{"-2147483648", "2147483647"},
                                             {"-9223372036854775808", "9223372036854775807"}};
      int i64 = !strcmp(l->v.format, "int64");
      hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "format");
      hc_add_req(g, req, "%s is a valid %s (format)", where, l->v.format);
      for (int e = 0; e < 2; e++) {
        snprintf(id, sizeof id, "pos.format-value.%s.%s", sl, e ? "largest" : "smallest");
        snprintf(t, sizeof t, "%s = %s, the %s %s", where, ends[i64][e], e ? "largest" : "smallest",
                 l->v.format);
        char *text = hc_text_at(g, &l->p, ends[i64][e]);
        hc_pos_text(g, id, req, text, NULL, "%s", t);
        free(text);
      }
    }
    if ((integer || hcview_is_type(&l->v, "number")) && l->v.multiple_of > 0) {
      const cJSON *cur = hc_at(g->full, &l->p, l->p.n);
      double x = cJSON_IsNumber(cur) ? cur->valuedouble + l->v.multiple_of : l->v.multiple_of;
      if (l->v.has_max && x > l->v.max)
        x -= 2 * l->v.multiple_of;
      hc_req_id(req, sizeof req, l->owner, l->prop, l->items, "multipleOf");
      hc_add_req(g, req, "%s is a multiple of %g", where, l->v.multiple_of);
      snprintf(id, sizeof id, "pos.limit.%s.multiple-of", sl);
      snprintf(t, sizeof t, "%s = %g (a multiple of %g)", where, x, l->v.multiple_of);
      hc_pos_body(g, id, req, hc_with_value(g, &l->p, cJSON_CreateNumber(x)), NULL, "%s", t);
    }
    if (hcview_is_type(&l->v, "array") && l->v.items && !l->in_array) {
      static const char *const kw[] = {"minItems", "maxItems"};
      for (int i = 0; i < 2; i++) {
        long n = i ? l->v.max_items : l->v.min_items;
        if (n < 0 || n > 64)
          continue;
        hc_req_id(req, sizeof req, l->owner, l->prop, 0, kw[i]);
        hc_add_req(g, req, "%s has %s %ld items", where, i ? "at most" : "at least", n);
        snprintf(id, sizeof id, "pos.limit.%s.%s", sl, i ? "max-items" : "min-items");
        snprintf(t, sizeof t, "%s with exactly %ld distinct item%s (its %s)", where, n,
                 n == 1 ? "" : "s", kw[i]);
        hc_pos_body(g, id, req, hc_with_value(g, &l->p, hc_distinct_items(g, &l->v, (size_t)n)),
                    NULL, "%s", t);
      }
    }
  }
}

void hc_positive_families(gen *g) {
  if (g->failed || !cJSON_IsObject(g->full))
    return;
  locs *L = malloc(sizeof *L);
  if (!L) {
    hc_fail(g, "out of memory");
    return;
  }
  hc_locs(g, L);
  order_cases(g);
  whitespace_cases(g);
  escape_cases(g, L);
  pattern_spread_cases(g, L);
  string_cases(g, L);
  array_cases(g, L);
  pairwise_cases(g, L);
  limit_cases(g, L);
  stated_value_cases(g, L);
  free(L);
}
