/* hx_oracle: what a compliant server answers to a request body, from the bytes
 * alone (the differential oracle of the explore phase and the fuzzers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/hx_internal.h"
#include "util/hutil.h"

#define MANY_ITEMS 64 /* the catalogue's largest array that must be created; more is tolerated */
#define LONG_STRING_CHARS 255
#define LARGE_BODY ((size_t)1 << 20) /* "a body over 1 MiB" (the catalogue's http.large-body) */ /* common storage limits start here (VARCHAR(255)) */

static const char R_BOM[] =
    "RFC 8259 8.1: a parser may ignore a UTF-8 byte order mark or refuse the body";
static const char R_DUP[] = "RFC 8259 4: with duplicate member names a parser may keep the first "
                            "or the last member, or refuse the body";
static const char R_SURROGATE[] = "RFC 8259 8.2 leaves the handling of a lone surrogate "
                                  "unpredictable (JavaScript and Python accept it)";
static const char R_UTF8[] = "common JSON libraries (Go encoding/json, WHATWG decoders) replace "
                             "invalid UTF-8 with U+FFFD instead of refusing it";
static const char R_NUL[] = "U+0000 is a valid JSON string character, but servers storing C "
                            "strings or in databases often refuse it";
static const char R_EMPTY_REQUIRED[] = "the page requires this member: an empty string may be "
                                       "refused as missing";
static const char R_EMPTY[] = "the spec states no minLength; a server may refuse an empty string "
                              "with 4xx (a 201 must still echo it exactly)";
static const char R_ITEM[] = "an array item without its declared members (modules: [{}]): the page "
                             "asks for an item, not for its members; either answer, a 201 echoes it";
static const char R_MANY[] = "the spec states no maxItems; a server may refuse this many items "
                             "with 4xx (a 201 must echo every item)";
static const char R_LONG[] = "the schema sets no maxLength, a server may still enforce a storage "
                             "limit";
static const char R_DIALECT[] = "in .NET regular expressions '$' also matches before a final "
                                "newline and \\d matches every Unicode decimal digit";
static const char R_ASPNET[] = "ASP.NET Core ignores undeclared members (and matches names "
                               "case-insensitively) by default";

struct hexplore_oracle {
  const hrules *rules;
  hx_model_set ms;
  hjson_doc *main, *alt, *alt2, *scratch;
  hschema_result *res;
};

hexplore_oracle *hexplore_oracle_new(const hrules *rules) {
  hexplore_oracle *o = calloc(1, sizeof *o);
  if (!o)
    return NULL;
  o->rules = rules;
  o->main = hjson_doc_new();
  o->alt = hjson_doc_new();
  o->alt2 = hjson_doc_new();
  o->scratch = hjson_doc_new();
  o->res = hschema_result_new(0);
  const hspec_operation *op = hrules_operation(rules);
  char err[HEXPLORE_MSG_MAX];
  if (!o->main || !o->alt || !o->alt2 || !o->scratch || !o->res || !op || !op->n_request ||
      !hx_model_build(&o->ms, hrules_spec(rules), op->request[0].schema) ||
      !hx_model_probe(&o->ms, rules, err)) {
    hexplore_oracle_free(o);
    return NULL;
  }
  return o;
}

void hexplore_oracle_free(hexplore_oracle *o) {
  if (!o)
    return;
  hjson_doc_free(o->main);
  hjson_doc_free(o->alt);
  hjson_doc_free(o->alt2);
  hjson_doc_free(o->scratch);
  hschema_result_free(o->res);
  free(o);
}

/* Validates a parsed body; on failure req gets the first violation's requirement
 * and *pattern is set when a pattern violation is among them, *only_addl when
 * every violation is an undeclared member. */
static int check_tree(hexplore_oracle *o, const hschema *schema, const cJSON *root, char *req,
                      size_t cap, int *pattern, int *only_addl) {
  hschema_result_reset(o->res);
  if (hrules_check_request(o->rules, schema, root, o->res))
    return 1;
  int first = 1;
  if (pattern)
    *pattern = 0;
  if (only_addl)
    *only_addl = 1;
  for (size_t i = 0; i < hschema_result_count(o->res); i++) {
    const hschema_violation *v = hschema_result_at(o->res, i);
    if (v->warning)
      continue;
    if (first && req)
      hx_requirement_of(o->ms.root, o->rules, v, req, cap);
    first = 0;
    if (pattern && v->keyword && !strcmp(v->keyword, "pattern"))
      *pattern = 1;
    if (only_addl && (!v->keyword || strcmp(v->keyword, "additionalProperties")))
      *only_addl = 0;
  }
  if (first && req)
    snprintf(req, cap, "schema.request.body");
  return 0;
}

static int render_parse(hjson_doc *doc, const hxv *v, const cJSON **out) {
  hbuf b = {0};
  hx_style st;
  hx_style_compact(&st);
  int ok = hx_render(v, &st, &b);
  *out = ok ? hjson_parse(doc, b.p ? b.p : "", b.n, NULL, NULL) : NULL;
  hbuf_free(&b);
  return *out != NULL;
}

/* 1 when some object of the body repeats a member name: read with cJSON's
 * lenient parser, which keeps every member and reads numbers out of the
 * double range (the strict reader stops at the first of those errors). */
static int dup_walk(const cJSON *n, unsigned depth) {
  if (!n || depth > HJSON_HARD_MAX_DEPTH)
    return 0;
  for (const cJSON *a = n->child; a; a = a->next) {
    if (cJSON_IsObject(n))
      for (const cJSON *b = a->next; b; b = b->next)
        if (a->string && b->string && !strcmp(a->string, b->string))
          return 1;
    if (dup_walk(a, depth + 1))
      return 1;
  }
  return 0;
}

static int has_duplicate_names(const char *body, size_t len) {
  cJSON *t = cJSON_ParseWithLength(body, len);
  int d = dup_walk(t, 0);
  cJSON_Delete(t);
  return d;
}

/* \uD800-\uDBFF not followed by \uDC00-\uDFFF, or a low one alone. */
static int surrogate_at(const char *b, size_t len, size_t i, int *low) {
  if (i + 6 > len || b[i] != '\\' || b[i + 1] != 'u' || (b[i + 2] != 'd' && b[i + 2] != 'D'))
    return 0;
  char c = b[i + 3];
  int hi = (c >= '8' && c <= '9') || (c >= 'a' && c <= 'b') || (c >= 'A' && c <= 'B');
  int lo = (c >= 'c' && c <= 'f') || (c >= 'C' && c <= 'F');
  *low = lo;
  return hi || lo;
}

static int has_lone_surrogate_escape(const char *b, size_t len) {
  for (size_t i = 0; i + 6 <= len; i++) {
    if (b[i] == '\\' && i + 1 < len && b[i + 1] != 'u') {
      i++; /* an escaped character: \\uD800 is not an escape */
      continue;
    }
    int low = 0;
    if (!surrogate_at(b, len, i, &low))
      continue;
    int low2 = 0;
    if (low || !surrogate_at(b, len, i + 6, &low2) || !low2)
      return 1;
    i += 11; /* a well-formed pair */
  }
  return 0;
}

/* ---- duplicate names: keep the first or the last of each ---- */

static void dedupe(hxv *v, int keep_last) {
  if (v->kind == HXV_OBJ) {
    for (size_t i = 0; i < v->nk; i++)
      for (size_t j = i + 1; j < v->nk;) {
        if (v->kids[i]->name_len == v->kids[j]->name_len &&
            !memcmp(v->kids[i]->name, v->kids[j]->name, v->kids[i]->name_len)) {
          if (keep_last) {
            hxv *t = v->kids[i];
            v->kids[i] = v->kids[j];
            v->kids[j] = t;
          }
          hxv_remove(v, j);
        } else {
          j++;
        }
      }
  }
  for (size_t i = 0; i < v->nk; i++)
    dedupe(v->kids[i], keep_last);
}

/* ---- the lenient regex dialect: '$' before a final newline, Unicode \d ---- */

static int unicode_digit(const unsigned char *s, size_t n, size_t *len) {
  static const unsigned zeros[] = {0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10};
  unsigned cp;
  if (n >= 2 && (s[0] & 0xE0) == 0xC0) {
    cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    *len = 2;
  } else if (n >= 3 && (s[0] & 0xF0) == 0xE0) {
    cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    *len = 3;
  } else {
    return -1;
  }
  for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++)
    if (cp >= zeros[i] && cp <= zeros[i] + 9)
      return (int)(cp - zeros[i]);
  return -1;
}

static void lenient(hxv *v) {
  if (v->kind == HXV_STR) {
    size_t o = 0;
    for (size_t i = 0; i < v->n;) {
      size_t len;
      int d = (unsigned char)v->s[i] >= 0x80
                  ? unicode_digit((const unsigned char *)v->s + i, v->n - i, &len)
                  : -1;
      if (d >= 0) {
        v->s[o++] = (char)('0' + d);
        i += len;
      } else {
        v->s[o++] = v->s[i++];
      }
    }
    if (o && v->s[o - 1] == '\n')
      o--;
    v->n = o;
    v->s[o] = '\0';
  }
  for (size_t i = 0; i < v->nk; i++)
    lenient(v->kids[i]);
}

/* ---- mending: what a lenient decoder would have read ---- */

static void mend_utf8(const char *s, size_t n, hbuf *out) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t len = hutil_utf8_decode(p + i, n - i, NULL, NULL);
    if (len) {
      hbuf_add(out, p + i, len);
      i += len;
    } else {
      hbuf_add(out, "\xef\xbf\xbd", 3);
      i++;
    }
  }
}

static int hex4(const char *s, size_t n, unsigned *v) {
  long h = n < 4 ? -1 : hutil_hex4(s);
  if (h < 0)
    return 0;
  *v = (unsigned)h;
  return 1;
}

static void mend_surrogates(const char *s, size_t n, hbuf *out) {
  for (size_t i = 0; i < n;) {
    if (s[i] != '\\' || i + 1 >= n) {
      hbuf_add(out, s + i, 1);
      i++;
      continue;
    }
    unsigned a, b;
    if (s[i + 1] == 'u' && hex4(s + i + 2, n - i - 2, &a) && a >= 0xD800 && a <= 0xDFFF) {
      if (a <= 0xDBFF && i + 12 <= n && s[i + 6] == '\\' && s[i + 7] == 'u' &&
          hex4(s + i + 8, n - i - 8, &b) && b >= 0xDC00 && b <= 0xDFFF) {
        hbuf_add(out, s + i, 12);
        i += 12;
      } else {
        hbuf_puts(out, "\\uFFFD");
        i += 6;
      }
      continue;
    }
    hbuf_add(out, s + i, 2);
    i += 2;
  }
}

/* ---- tolerances of a valid body ---- */

static size_t code_points(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

static const char *valid_tolerance(const cJSON *node, const hx_model *m, int required, int depth) {
  size_t len;
  const char *s = hjson_string(node, &len);
  if (s) {
    if (memchr(s, '\0', len))
      return R_NUL;
    if (!len)
      return required ? R_EMPTY_REQUIRED : R_EMPTY;
    if (code_points(s, len) >= LONG_STRING_CHARS && (!m || !m->n_patterns))
      return R_LONG;
    return NULL;
  }
  if (depth > 64)
    return NULL;
  if (cJSON_IsArray(node) && cJSON_GetArraySize(node) > MANY_ITEMS)
    return R_MANY;
  for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
    const hx_model *cm = NULL;
    int creq = 0;
    if (cJSON_IsObject(node) && m) {
      size_t kl;
      const char *k = hjson_key(c, &kl);
      if (k && memchr(k, '\0', kl))
        return R_NUL;
      cm = hx_model_prop(m, k, kl);
      for (size_t i = 0; cm && i < m->n_props; i++)
        if (m->props[i].m == cm)
          creq = m->props[i].required;
    } else if (cJSON_IsArray(node) && m) {
      cm = m->items;
    }
    const char *t = valid_tolerance(c, cm, creq, depth + 1);
    if (t)
      return t;
  }
  return NULL;
}

/* 1 when an object inside an array lacks one of its declared members. */
static int item_lacks_member(const cJSON *node, const hx_model *m, int in_array, int depth) {
  if (!node || !m || depth > 64)
    return 0;
  if (cJSON_IsObject(node)) {
    if (in_array)
      for (size_t i = 0; i < m->n_props; i++)
        if (!hjson_get(node, m->props[i].name, strlen(m->props[i].name)))
          return 1;
    for (const cJSON *c = node->child; c; c = c->next) {
      size_t kl;
      const char *k = hjson_key(c, &kl);
      if (item_lacks_member(c, hx_model_prop(m, k, kl), 0, depth + 1))
        return 1;
    }
  } else if (cJSON_IsArray(node)) {
    for (const cJSON *c = node->child; c; c = c->next)
      if (item_lacks_member(c, m->items, 1, depth + 1))
        return 1;
  }
  return 0;
}

/* ---- the oracle ---- */

static void set(hexplore_expectation *e, hjudge_expect x, const char *req) {
  e->expect = x;
  snprintf(e->requirement, sizeof e->requirement, "%s", req);
}

/* Judges an already strict-parsed body. */
static void judge_tree(hexplore_oracle *o, const hschema *schema, const cJSON *root,
                       const char *bytes, size_t len, hexplore_expectation *e) {
  int pattern = 0, only_addl = 0;
  if (check_tree(o, schema, root, e->requirement, sizeof e->requirement, &pattern, &only_addl)) {
    e->valid = 1;
    set(e, HJUDGE_EXPECT_CREATED, HEXPLORE_REQ_VALID);
    e->echo = root;
    e->echo_is_body = 1;
    if (item_lacks_member(root, o->ms.root, 0, 0)) {
      e->expect = HJUDGE_EXPECT_CREATED_OR_BAD;
      e->tolerated_reason = R_ITEM;
      return;
    }
    const char *t = valid_tolerance(root, o->ms.root, 0, 0);
    if (t) {
      e->tolerated = 1;
      e->tolerated_reason = t;
    }
    return;
  }
  e->expect = HJUDGE_EXPECT_BAD_REQUEST;
  if (only_addl) {
    e->aspnet_tolerated = 1;
    e->tolerated_reason = NULL;
  }
  if (pattern) { /* would a lenient regex dialect accept it? */
    hjson_options opt = {0};
    const cJSON *again = hjson_parse(o->scratch, bytes, len, &opt, NULL);
    hxv *t = again ? hxv_from_json(again) : NULL;
    const cJSON *l = NULL;
    if (t) {
      lenient(t);
      if (render_parse(o->alt2, t, &l) && check_tree(o, schema, l, NULL, 0, NULL, NULL)) {
        e->tolerated = 1;
        e->tolerated_reason = R_DIALECT;
      }
      hxv_free(t);
    }
  }
}

static void expect_bytes(hexplore_oracle *o, const hschema *schema, const char *body, size_t len,
                         hexplore_expectation *e, int depth) {
  if (len == 0) {
    set(e, HJUDGE_EXPECT_BAD_REQUEST, "http.empty-body-rejected");
    return;
  }
  if (depth == 0 && len >= 3 && !memcmp(body, "\xef\xbb\xbf", 3)) {
    expect_bytes(o, schema, body + 3, len - 3, e, depth + 1);
    if (e->valid || e->expect == HJUDGE_EXPECT_CREATED_OR_BAD) {
      e->expect = HJUDGE_EXPECT_CREATED_OR_BAD;
      snprintf(e->requirement, sizeof e->requirement, "rfc8259.bom-either");
      e->tolerated = 0;
      e->tolerated_reason = R_BOM;
      e->echo_is_body = 0;
      e->valid = 0;
    }
    return;
  }
  hjson_error err;
  const cJSON *root = hjson_parse(o->main, body, len, NULL, &err);
  if (root) {
    judge_tree(o, schema, root, body, len, e);
    return;
  }
  e->expect = HJUDGE_EXPECT_BAD_REQUEST;
  switch (err.code) {
  case HJSON_E_DUPLICATE: {
    hjson_options opt = {0};
    opt.allow_duplicates = 1;
    const cJSON *all = hjson_parse(o->scratch, body, len, &opt, NULL);
    hxv *first = all ? hxv_from_json(all) : NULL;
    hxv *last = first ? hxv_dup(first) : NULL;
    if (!last) {
      hxv_free(first);
      set(e, HJUDGE_EXPECT_BAD_REQUEST, "rfc8259.malformed-rejected");
      return;
    }
    dedupe(first, 0);
    dedupe(last, 1);
    const cJSON *tf = NULL, *tl = NULL;
    char req[HREQ_ID_MAX] = "rfc8259.duplicate-names-either";
    int vf = render_parse(o->alt, first, &tf) && check_tree(o, schema, tf, NULL, 0, NULL, NULL);
    int vl = render_parse(o->alt2, last, &tl) &&
             check_tree(o, schema, tl, req, sizeof req, NULL, NULL);
    hxv_free(first);
    hxv_free(last);
    if (!vf && !vl) { /* invalid whichever member a parser keeps */
      set(e, HJUDGE_EXPECT_BAD_REQUEST, req);
      return;
    }
    set(e, HJUDGE_EXPECT_CREATED_OR_BAD, "rfc8259.duplicate-names-either");
    e->tolerated_reason = R_DUP;
    if (vf && vl)
      e->echo = hjson_equal(tf, tl) ? tl : NULL;
    else
      e->echo = vf ? tf : tl;
    return;
  }
  case HJSON_E_SURROGATE:
  case HJSON_E_UTF8: {
    int surrogate = err.code == HJSON_E_SURROGATE;
    hbuf m = {0};
    if (surrogate)
      mend_surrogates(body, len, &m);
    else
      mend_utf8(body, len, &m);
    set(e, HJUDGE_EXPECT_BAD_REQUEST,
        surrogate ? "rfc8259.lone-surrogate-rejected" : "rfc8259.invalid-utf8-rejected");
    const cJSON *t = m.p ? hjson_parse(o->alt, m.p, m.n, NULL, NULL) : NULL;
    if (t && check_tree(o, schema, t, NULL, 0, NULL, NULL)) {
      e->tolerated = 1;
      e->tolerated_reason = surrogate ? R_SURROGATE : R_UTF8;
      e->lenient_surrogates = surrogate;
    }
    hbuf_free(&m);
    return;
  }
  case HJSON_E_RANGE:
    if (has_duplicate_names(body, len)) {
      /* a number out of range AND a repeated member name: which member a
       * parser keeps decides the answer (RFC 8259 4), and a parser that
       * keeps the in-range one may accept the body */
      set(e, HJUDGE_EXPECT_CREATED_OR_BAD, "rfc8259.duplicate-names-either");
      e->tolerated_reason = R_DUP;
      e->echo = NULL;
      return;
    }
    hx_requirement_at(o->ms.root, err.pointer, "type", e->requirement, sizeof e->requirement);
    return;
  case HJSON_E_DEPTH: set(e, HJUDGE_EXPECT_BAD_REQUEST, "rfc8259.deep-nesting-rejected"); return;
  default: set(e, HJUDGE_EXPECT_BAD_REQUEST, "rfc8259.malformed-rejected"); return;
  }
}

int hexplore_oracle_expect(hexplore_oracle *o, const char *content_type, const char *body,
                           size_t len, hexplore_expectation *out) {
  memset(out, 0, sizeof *out);
  const hschema *schema = hrules_request_schema(o->rules, content_type, NULL);
  if (!schema) {
    set(out, HJUDGE_EXPECT_UNSUPPORTED_MEDIA, "http.unsupported-media-type");
    return 1;
  }
  expect_bytes(o, schema, body, len, out, 0);
  /* a body with a lone surrogate escape anywhere (a key too): a server whose
   * decoder keeps it may echo it back escaped, in a 201 or in a 400 detail;
   * RFC 8259 8.2 leaves that open (the catalogue's raw.lone-surrogate) */
  if (has_lone_surrogate_escape(body, len))
    out->lenient_surrogates = 1;
  if (len > LARGE_BODY) { /* a server may refuse a body this large before reading it */
    out->expect = HJUDGE_EXPECT_CREATED_BAD_OR_413;
    snprintf(out->requirement, sizeof out->requirement, "http.large-body");
  }
  if (out->aspnet_tolerated && out->expect == HJUDGE_EXPECT_BAD_REQUEST && !out->tolerated)
    out->tolerated_reason = NULL;
  return 1;
}

const char *hx_aspnet_reason(void) { return R_ASPNET; }

void hexplore_requirement_info(const char *id, const char **klass, char *title, size_t cap) {
  /* the registry's class and title (rules/hreq.h); a schema rule's generic
   * title names the rule */
  const char *k = hreq_class_of(id);
  *klass = k ? k : "unregistered";
  if (!strncmp(id, HREQ_SCHEMA_REQUEST_PREFIX, sizeof HREQ_SCHEMA_REQUEST_PREFIX - 1))
    snprintf(title, cap, "request rule %s is enforced (explore)",
             id + sizeof HREQ_SCHEMA_REQUEST_PREFIX - 1);
  else
    hreq_title_of(id, title, cap);
}
