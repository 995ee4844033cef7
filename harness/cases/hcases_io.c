/* hcases_io.c: the catalogue as data - rendering, reading and checking a
 * catalogue file, decoding cases and sequence steps, and materializing a
 * case's body bytes.  The generator lives in hcases.c and
 * hcases_families.c.  See hcases.h. */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* Messages are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

char *hcases_render(const cJSON *catalogue) {
  char *t = cJSON_Print(catalogue);
  if (!t)
    return NULL;
  size_t n = strlen(t);
  char *o = realloc(t, n + 2);
  if (!o) {
    free(t);
    return NULL;
  }
  o[n] = '\n';
  o[n + 1] = '\0';
  return o;
}

static const char *str_member(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

size_t hcases_count(const cJSON *cat) {
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  return cJSON_IsArray(cases) ? (size_t)cJSON_GetArraySize(cases) : 0;
}

/* Decodes case node c (cases[i]) into *out. */
static int decode_case(const cJSON *c, size_t i, hcases_case *out, herr *err);

int hcases_at(const cJSON *cat, size_t i, hcases_case *out, herr *err) {
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  return decode_case(cJSON_IsArray(cases) ? cJSON_GetArrayItem(cases, (int)i) : NULL, i, out, err);
}

/* ---- the index: position and id -> case in O(1) ---- */

struct hcases_index {
  const cJSON **nodes; /* cases[i] */
  size_t n;
  long *slots; /* open addressing on the id's hash: a position, or -1 */
  size_t mask;
};

hcases_index *hcases_index_new(const cJSON *cat) {
  hcases_index *ix = calloc(1, sizeof *ix);
  if (!ix)
    return NULL;
  ix->n = hcases_count(cat);
  size_t cap = 16;
  while (cap < ix->n * 2)
    cap *= 2;
  ix->mask = cap - 1;
  ix->nodes = calloc(ix->n ? ix->n : 1, sizeof *ix->nodes);
  ix->slots = malloc(cap * sizeof *ix->slots);
  if (!ix->nodes || !ix->slots) {
    hcases_index_free(ix);
    return NULL;
  }
  for (size_t k = 0; k < cap; k++)
    ix->slots[k] = -1;
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  size_t i = 0;
  for (const cJSON *c = cases ? cases->child : NULL; c && i < ix->n; c = c->next, i++) {
    ix->nodes[i] = c;
    const char *id = str_member(c, "id");
    if (!id)
      continue;
    size_t k = (size_t)hutil_fnv1a(id, strlen(id), HUTIL_FNV_BASIS) & ix->mask;
    while (ix->slots[k] >= 0 && strcmp(str_member(ix->nodes[ix->slots[k]], "id"), id))
      k = (k + 1) & ix->mask;
    if (ix->slots[k] < 0) /* a repeated id keeps its first position, as hcases_find does */
      ix->slots[k] = (long)i;
  }
  return ix;
}

void hcases_index_free(hcases_index *ix) {
  if (!ix)
    return;
  free(ix->nodes);
  free(ix->slots);
  free(ix);
}

size_t hcases_index_count(const hcases_index *ix) { return ix->n; }

int hcases_index_at(const hcases_index *ix, size_t i, hcases_case *out, herr *err) {
  return decode_case(i < ix->n ? ix->nodes[i] : NULL, i, out, err);
}

long hcases_index_find(const hcases_index *ix, const char *id) {
  for (size_t k = (size_t)hutil_fnv1a(id, strlen(id), HUTIL_FNV_BASIS) & ix->mask;
       ix->slots[k] >= 0; k = (k + 1) & ix->mask)
    if (!strcmp(str_member(ix->nodes[ix->slots[k]], "id"), id))
      return ix->slots[k];
  return -1;
}

static int decode_case(const cJSON *c, size_t i, hcases_case *out, herr *err) {
  memset(out, 0, sizeof *out);
  if (!cJSON_IsObject(c)) {
    snprintf(err->msg, sizeof err->msg, "catalogue: cases[%zu] is not an object", i);
    return -1;
  }
  out->json = c;
  out->id = str_member(c, "id");
  out->requirement = str_member(c, "requirement");
  out->klass = str_member(c, "class");
  out->title = str_member(c, "title");
  out->method = str_member(c, "method");
  out->content_type = str_member(c, "content_type");
  const char *auth = str_member(c, "auth");
  const char *expect = str_member(c, "expect");
  int e = hjudge_expect_parse(expect);
  if (!out->id || !out->requirement || !out->klass || !out->method || e < 0) {
    snprintf(err->msg, sizeof err->msg,
             "catalogue: cases[%zu] (%s): needs id, requirement, class, method and a known "
             "expect",
             i, out->id ? out->id : "no id");
    return -1;
  }
  out->expect = (hjudge_expect)e;
  int a = auth ? hcases_auth_parse(auth) : (int)HCASES_AUTH_TOKEN;
  if (a < 0) {
    snprintf(err->msg, sizeof err->msg, "catalogue: cases[%zu] (%s): unknown auth '%s'", i, out->id,
             auth);
    return -1;
  }
  out->auth = (hcases_auth)a;
  out->echo = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "echo"));
  out->creates = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "creates"));
  const cJSON *rep = cJSON_GetObjectItemCaseSensitive(c, "repeat");
  out->repeat = cJSON_IsNumber(rep) && rep->valueint > 1 && rep->valueint <= 8 ? rep->valueint : 1;
  out->nonstandard_method = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "nonstandard_method"));
  out->aspnet_tolerated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "aspnet_tolerated"));
  out->aspnet_reason = str_member(c, "aspnet_reason");
  out->lenient_surrogates = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "lenient_surrogates"));
  out->tolerated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "tolerated"));
  out->tolerated_reason = str_member(c, "tolerated_reason");
  out->requires_token = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "requires_token"));
  out->skip = str_member(c, "skip");
  const cJSON *hd = cJSON_GetObjectItemCaseSensitive(c, "headers");
  out->headers = cJSON_IsArray(hd) ? hd : NULL;
  const cJSON *seq = cJSON_GetObjectItemCaseSensitive(c, "sequence");
  out->sequence = cJSON_IsArray(seq) ? seq : NULL;
  if (out->headers && cJSON_GetArraySize(out->headers) > HCASES_MAX_HEADERS) {
    snprintf(err->msg, sizeof err->msg, "catalogue: cases[%zu] (%s): more than %d headers", i,
             out->id, HCASES_MAX_HEADERS);
    return -1;
  }
  if (out->sequence && (cJSON_GetArraySize(out->sequence) < 1 ||
                        cJSON_GetArraySize(out->sequence) > HCASES_MAX_STEPS)) {
    snprintf(err->msg, sizeof err->msg, "catalogue: cases[%zu] (%s): a sequence has 1 to %d steps",
             i, out->id, HCASES_MAX_STEPS);
    return -1;
  }
  return 0;
}

static const char *const auth_names[] = {"token",        "none",           "wrong",
                                         "token-prefix", "token-suffix",   "token-length",
                                         "token-case",   "token-extended", "token-truncated",
                                         "empty",        "basic",          "scheme-lowercase",
                                         "twice"};

const char *hcases_auth_name(hcases_auth a) {
  return (unsigned)a < sizeof auth_names / sizeof *auth_names ? auth_names[a] : "?";
}

int hcases_auth_parse(const char *name) {
  for (size_t i = 0; name && i < sizeof auth_names / sizeof *auth_names; i++)
    if (!strcmp(name, auth_names[i]))
      return (int)i;
  return -1;
}

int hcases_step(const hcases_case *c, size_t k, hcases_case *out, herr *err) {
  const cJSON *st = c->sequence ? cJSON_GetArrayItem(c->sequence, (int)k) : NULL;
  if (!cJSON_IsObject(st)) {
    snprintf(err->msg, sizeof err->msg, "catalogue: %s: no step %zu", c->id ? c->id : "?", k);
    return -1;
  }
  *out = *c;
  out->sequence = NULL;
  out->json = st;
  out->method = str_member(st, "method");
  out->content_type = str_member(st, "content_type");
  const char *auth = str_member(st, "auth");
  int a = auth ? hcases_auth_parse(auth) : (int)HCASES_AUTH_TOKEN;
  int e = hjudge_expect_parse(str_member(st, "expect"));
  if (!out->method || a < 0 || e < 0) {
    snprintf(err->msg, sizeof err->msg,
             "catalogue: %s: step %zu needs a method, a known auth and a known expect",
             c->id ? c->id : "?", k);
    return -1;
  }
  out->auth = (hcases_auth)a;
  out->expect = (hjudge_expect)e;
  out->echo = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "echo"));
  out->creates = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "creates"));
  out->repeat = 1;
  out->tolerated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "tolerated"));
  out->tolerated_reason = str_member(st, "tolerated_reason");
  const cJSON *hd = cJSON_GetObjectItemCaseSensitive(st, "headers");
  out->headers = cJSON_IsArray(hd) ? hd : NULL;
  return 0;
}

long hcases_find(const cJSON *cat, const char *id) {
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  long i = 0;
  for (const cJSON *c = cJSON_IsArray(cases) ? cases->child : NULL; c; c = c->next, i++) {
    const char *cid = str_member(c, "id");
    if (cid && !strcmp(cid, id))
      return i;
  }
  return -1;
}

const cJSON *hcases_requirement(const cJSON *cat, const char *id) {
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(cat, "requirements");
  for (const cJSON *r = cJSON_IsArray(reqs) ? reqs->child : NULL; r; r = r->next) {
    const char *rid = str_member(r, "id");
    if (rid && !strcmp(rid, id))
      return r;
  }
  return NULL;
}

/* A growable buffer with a hard limit. */

/* Appends s with every placeholder replaced by name. */
static const char *find_bytes(const char *s, size_t n, const char *pat, size_t pl) {
  for (size_t i = 0; i + pl <= n; i++)
    if (!memcmp(s + i, pat, pl))
      return s + i;
  return NULL;
}

static void gb_add_named(hbuf *b, const char *s, size_t n, const char *name) {
  const size_t pl = sizeof HCASES_NAME_PLACEHOLDER - 1;
  while (n) {
    const char *m = name ? find_bytes(s, n, HCASES_NAME_PLACEHOLDER, pl) : NULL;
    if (!m) {
      hbuf_add(b, s, n);
      return;
    }
    hbuf_add(b, s, (size_t)(m - s));
    hbuf_add(b, name, strlen(name));
    n -= (size_t)(m - s) + pl;
    s = m + pl;
  }
}

int hcases_body(const hcases_case *c, const char *name, char **body, size_t *len, herr *err) {
  hbuf b = {0};
  b.limit = HCASES_MAX_BODY;
  const cJSON *j = c->json;
  const cJSON *jb = cJSON_GetObjectItemCaseSensitive(j, "body");
  const cJSON *jt = cJSON_GetObjectItemCaseSensitive(j, "body_text");
  const cJSON *js = cJSON_GetObjectItemCaseSensitive(j, "body_segments");
  if (jb) {
    char *t = cJSON_PrintUnformatted(jb);
    if (!t)
      goto nomem;
    gb_add_named(&b, t, strlen(t), name);
    free(t);
  } else if (cJSON_IsString(jt)) {
    gb_add_named(&b, jt->valuestring, strlen(jt->valuestring), name);
  } else if (cJSON_IsArray(js)) {
    for (const cJSON *s = js->child; s; s = s->next) {
      const char *text = str_member(s, "text"), *hex = str_member(s, "hex"),
                 *rep = str_member(s, "repeat");
      const cJSON *count = cJSON_GetObjectItemCaseSensitive(s, "count");
      if (text) {
        gb_add_named(&b, text, strlen(text), name);
      } else if (hex) {
        size_t hl = strlen(hex);
        for (size_t i = 0; i + 1 < hl + 1 && i < hl; i += 2) {
          int hi = hutil_hexval(hex[i]), lo = i + 1 < hl ? hutil_hexval(hex[i + 1]) : -1;
          if (hi < 0 || lo < 0) {
            snprintf(err->msg, sizeof err->msg, "case %s: bad hex segment '%s'", c->id, hex);
            goto fail;
          }
          char byte = (char)(hi * 16 + lo);
          hbuf_add(&b, &byte, 1);
        }
      } else if (rep && cJSON_IsNumber(count) && count->valuedouble >= 0 &&
                 count->valuedouble <= (double)HCASES_MAX_BODY) {
        size_t rl = strlen(rep);
        for (size_t i = 0; i < (size_t)count->valuedouble && !b.toobig && !b.nomem; i++)
          hbuf_add(&b, rep, rl);
      } else {
        snprintf(err->msg, sizeof err->msg,
                 "case %s: a body segment needs text, hex, or repeat with a count", c->id);
        goto fail;
      }
    }
  }
  if (b.toobig) {
    snprintf(err->msg, sizeof err->msg, "case %s: body over %zu bytes", c->id, HCASES_MAX_BODY);
    goto fail;
  }
  if (b.nomem)
    goto nomem;
  if (!b.p) {
    b.p = malloc(1);
    if (!b.p)
      goto nomem;
    b.p[0] = '\0';
  }
  *body = b.p;
  *len = b.n;
  return 0;
nomem:
  snprintf(err->msg, sizeof err->msg, "case %s: out of memory building the body",
           c->id ? c->id : "?");
fail:
  free(b.p);
  *body = NULL;
  *len = 0;
  return -1;
}

int hcases_match(const char *glob, const char *id) {
  return !glob || !*glob || fnmatch(glob, id, 0) == 0;
}

cJSON *hcases_read_file(const char *path, herr *err) {
  cJSON *cat = NULL;
  hjson_doc *doc = NULL;
  size_t n = 0;
  char *data = hutil_slurp(path, HCASES_MAX_BODY, 0, &n, NULL, err->msg, sizeof err->msg);
  if (!data)
    return NULL;
  doc = hjson_doc_new();
  hjson_error je;
  const cJSON *strict = doc ? hjson_parse(doc, data, n, NULL, &je) : NULL;
  if (!strict) {
    snprintf(err->msg, sizeof err->msg, "%s: offset %zu (%s): %s", path, doc ? je.offset : 0,
             doc && je.pointer[0] ? je.pointer : "root", doc ? je.msg : "out of memory");
    goto fail;
  }
  const char *fmt = str_member(strict, "format");
  if (!fmt || strcmp(fmt, HCASES_FORMAT)) {
    snprintf(err->msg, sizeof err->msg, "%s: \"format\" is not \"%s\"", path, HCASES_FORMAT);
    goto fail;
  }
  cat = cJSON_ParseWithLength(data, n);
  if (!cat) {
    snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
    goto fail;
  }
  for (size_t i = 0; i < hcases_count(cat); i++) {
    hcases_case c;
    if (hcases_at(cat, i, &c, err) != 0) {
      cJSON_Delete(cat);
      cat = NULL;
      goto fail;
    }
  }
fail:
  free(data);
  hjson_doc_free(doc);
  return cat;
}

int hcases_write_file(const cJSON *catalogue, const char *path, herr *err) {
  char *text = hcases_render(catalogue);
  if (!text) {
    snprintf(err->msg, sizeof err->msg, "out of memory rendering the catalogue");
    return -1;
  }
  int rc = hutil_write_atomic(path, text, strlen(text), err->msg, sizeof err->msg);
  free(text);
  return rc;
}
