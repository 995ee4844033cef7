/* hspec_index: the operation index.
 *
 * At load time every path item and its operations are checked (types of the
 * members the harness reads, response codes, content maps, a $ref'd request
 * body, response or path item followed) and indexed: per operation its
 * request media types and schemas and, per status code, its response media
 * types and schemas, each with the URI fragment that locates its schema.
 * Paths are kept sorted for the lookups below. */
#include "spec/hspec_int.h"

#include <stdlib.h>

static const char *const hspec_methods[] = {"get",     "put",  "post",  "delete",
                                            "options", "head", "patch", "trace"};

#define HSPEC_N_METHODS (sizeof hspec_methods / sizeof hspec_methods[0])

/* ---- checking and indexing (load time) ---- */

/* A content map (media type -> Media Type Object).  base locates the object
 * holding "content"; its pointer strings are built from it. */
static int index_content(loader *L, const cJSON *content, hbuf *where, const hspec_media **out,
                         size_t *n_out) {
  hspec *s = L->spec;
  size_t count = 0, mark = where->n;
  *out = NULL;
  *n_out = 0;
  for (const cJSON *c = content->child; c; c = c->next)
    count++;
  hspec_media *media = hutil_arena_alloc(&s->mem, (count ? count : 1) * sizeof *media);
  if (!media) {
    hsp_nomem_err(L);
    return 0;
  }
  size_t n = 0;
  for (const cJSON *c = content->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (!hsp_push(L, where, k, kn))
      return 0;
    if (!hsp_expect_type(L, c, cJSON_Object, "a Media Type Object", where))
      return 0;
    const cJSON *schema = hsp_member(c, "schema");
    if (!hsp_push(L, where, "schema", 6))
      return 0;
    if (schema && !hsp_expect_type(L, schema, cJSON_Object, "a Schema Object", where))
      return 0;
    hspec_media m = {k, schema, NULL};
    if (schema && !(m.schema_pointer = hutil_arena_strndup(&s->mem, where->p, where->n))) {
      hsp_nomem_err(L);
      return 0;
    }
    media[n++] = m;
    hsp_pop(where, mark);
  }
  *out = media;
  *n_out = n;
  return 1;
}

/* "201" -> 201, "4XX" -> 4, "default" -> -1; 0 when not a response code. */
static int response_code(const char *k, size_t n) {
  if (n == 7 && memcmp(k, "default", 7) == 0)
    return -1;
  if (n != 3 || k[0] < '1' || k[0] > '5')
    return 0;
  if (k[1] == 'X' && k[2] == 'X')
    return k[0] - '0';
  if (k[1] < '0' || k[1] > '9' || k[2] < '0' || k[2] > '9')
    return 0;
  return (k[0] - '0') * 100 + (k[1] - '0') * 10 + (k[2] - '0');
}

/* HSPEC_E_SHAPE for a member name that is not allowed:
 * "NAME: <where>: <what>"<name>"<why>". */
static void name_err(loader *L, const char *where, size_t wn, const char *what, const char *k,
                     size_t kn, const char *why) {
  hbuf m = hsp_err_begin(L->err, HSPEC_E_SHAPE, L->spec->name);
  hsp_msg_text(&m, where, wn, HSPEC_WHERE_MAX);
  hsp_msg(&m, ": %s\"", what);
  hsp_msg_text(&m, k, kn, HSPEC_QUOTE_MAX);
  hsp_msg(&m, "\"%s", why);
}

static int index_operation(loader *L, const cJSON *op, hbuf *where, hspec_operation *o) {
  hspec *s = L->spec;
  size_t mark = where->n;
  if (!hsp_expect_type(L, op, cJSON_Object, "an Operation Object", where))
    return 0;
  static const char *const strs[] = {"operationId", "summary", "description"};
  for (size_t i = 0; i < 3; i++)
    if (!hsp_optional_type(L, op, strs[i], cJSON_String, "a string", where))
      return 0;
  if (!hsp_optional_type(L, op, "tags", cJSON_Array, "an array", where) ||
      !hsp_optional_type(L, op, "parameters", cJSON_Array, "an array", where) ||
      !hsp_optional_type(L, op, "deprecated", cJSON_True | cJSON_False, "a boolean", where))
    return 0;
  const cJSON *v;
  if ((v = hsp_member(op, "operationId")))
    o->operation_id = v->valuestring;
  if ((v = hsp_member(op, "summary")))
    o->summary = v->valuestring;
  if ((v = hsp_member(op, "description")))
    o->description = v->valuestring;
  if (!(o->pointer = hutil_arena_strndup(&s->mem, where->p, where->n))) {
    hsp_nomem_err(L);
    return 0;
  }

  const cJSON *rb = hsp_member(op, "requestBody");
  if (rb) {
    hbuf loc = {0};
    if (!hsp_push(L, where, "requestBody", 11))
      return 0;
    if (!hsp_expect_type(L, rb, cJSON_Object, "a Request Body Object", where))
      return 0;
    const cJSON *body = hsp_deref(L, rb, &loc);
    hbuf *bw = where;
    if (body != rb) {
      bw = &loc;
      if (hsp_bad(&loc)) {
        hbuf_free(&loc);
        hsp_nomem_err(L);
        return 0;
      }
      if (!hsp_expect_type(L, body, cJSON_Object, "a Request Body Object", bw)) {
        hbuf_free(&loc);
        return 0;
      }
    }
    int ok = hsp_optional_type(L, body, "required", cJSON_True | cJSON_False, "a boolean", bw) &&
             hsp_optional_type(L, body, "description", cJSON_String, "a string", bw);
    const cJSON *content = hsp_member(body, "content");
    size_t bmark = bw->n;
    ok = ok && hsp_push(L, bw, "content", 7) &&
         hsp_expect_type(L, content, cJSON_Object, "an object (media type -> Media Type Object)",
                         bw) &&
         index_content(L, content, bw, &o->request, &o->n_request);
    hsp_pop(bw, bmark);
    hbuf_free(&loc);
    if (!ok)
      return 0;
    o->has_body = 1;
    o->body_required = cJSON_IsTrue(hsp_member(body, "required"));
    hsp_pop(where, mark);
  }

  const cJSON *resps = hsp_member(op, "responses");
  if (!hsp_push(L, where, "responses", 9))
    return 0;
  if (!hsp_expect_type(L, resps, cJSON_Object, "an object (status code -> Response Object)", where))
    return 0;
  size_t count = 0, rmark = where->n;
  for (const cJSON *c = resps->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (k && !hsp_key_has_prefix(k, kn, "x-"))
      count++;
  }
  if (count == 0) {
    hsp_shape_err(L, where, "declares no response (at least one is required)");
    return 0;
  }
  hspec_response *out = hutil_arena_alloc(&s->mem, count * sizeof *out);
  if (!out) {
    hsp_nomem_err(L);
    return 0;
  }
  size_t n = 0;
  for (const cJSON *c = resps->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (!k || hsp_key_has_prefix(k, kn, "x-"))
      continue;
    int code = response_code(k, kn);
    if (code == 0) {
      name_err(L, where->p, where->n, "", k, kn,
               " is not a response code (expected \"100\"-\"599\", \"1XX\"-\"5XX\" or "
               "\"default\")");
      return 0;
    }
    if (!hsp_push(L, where, k, kn) ||
        !hsp_expect_type(L, c, cJSON_Object, "a Response Object", where))
      return 0;
    hbuf loc = {0};
    const cJSON *r = hsp_deref(L, c, &loc);
    hbuf *bw = where;
    if (r != c) {
      bw = &loc;
      if (hsp_bad(&loc)) {
        hbuf_free(&loc);
        hsp_nomem_err(L);
        return 0;
      }
    }
    hspec_response resp = {k, code, NULL, NULL, 0};
    int ok = hsp_expect_type(L, r, cJSON_Object, "a Response Object", bw) &&
             hsp_optional_type(L, r, "description", cJSON_String, "a string", bw) &&
             hsp_optional_type(L, r, "headers", cJSON_Object, "an object", bw) &&
             hsp_optional_type(L, r, "content", cJSON_Object,
                               "an object (media type -> Media Type Object)", bw);
    const cJSON *content = ok ? hsp_member(r, "content") : NULL;
    if (content) {
      size_t bmark = bw->n;
      ok = hsp_push(L, bw, "content", 7) &&
           index_content(L, content, bw, &resp.media, &resp.n_media);
      hsp_pop(bw, bmark);
    }
    if (ok && hsp_member(r, "description"))
      resp.description = hsp_member(r, "description")->valuestring;
    hbuf_free(&loc);
    if (!ok)
      return 0;
    out[n++] = resp;
    hsp_pop(where, rmark);
  }
  o->responses = out;
  o->n_responses = n;
  hsp_pop(where, mark);
  return 1;
}

static int path_item_member_ok(const char *k, size_t n) {
  static const char *const fixed[] = {"$ref", "summary", "description", "servers", "parameters"};
  if (hsp_key_has_prefix(k, n, "x-"))
    return 1;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (n == strlen(fixed[i]) && memcmp(k, fixed[i], n) == 0)
      return 1;
  for (size_t i = 0; i < HSPEC_N_METHODS; i++)
    if (n == strlen(hspec_methods[i]) && memcmp(k, hspec_methods[i], n) == 0)
      return 1;
  return 0;
}

static int pathent_cmp(const void *a, const void *b) {
  const pathent *x = a, *y = b;
  return hsp_bytes_cmp(x->path, x->len, y->path, y->len);
}

int hsp_index_paths(loader *L) {
  hspec *s = L->spec;
  const cJSON *paths = hsp_member(s->root, "paths");
  size_t cap_ops = 0, n_paths = 0;
  int ok = 0;
  hbuf w = {0}, loc = {0};
  for (const cJSON *c = paths->child; c; c = c->next)
    n_paths++;
  s->paths = hutil_arena_alloc(&s->mem, (n_paths ? n_paths : 1) * sizeof *s->paths);
  if (!s->paths)
    goto nomem;
  hbuf_puts(&w, "#/paths");
  if (hsp_bad(&w))
    goto nomem;
  for (const cJSON *c = paths->child; c; c = c->next) {
    size_t kn;
    const char *k = hjson_key(c, &kn);
    if (!k || hsp_key_has_prefix(k, kn, "x-"))
      continue;
    if (kn == 0 || k[0] != '/') {
      name_err(L, "#/paths", 7, "path ", k, kn, " must begin with \"/\"");
      goto fail;
    }
    if (!hsp_push(L, &w, k, kn) || !hsp_expect_type(L, c, cJSON_Object, "a Path Item Object", &w))
      goto fail;
    loc.n = 0;
    const cJSON *item = hsp_deref(L, c, &loc);
    hbuf *iw = &w;
    if (item != c) {
      if (hsp_bad(&loc))
        goto nomem;
      iw = &loc;
      if (!hsp_expect_type(L, item, cJSON_Object, "a Path Item Object", iw))
        goto fail;
    }
    for (const cJSON *m = item->child; m; m = m->next) {
      size_t mn;
      const char *mk = hjson_key(m, &mn);
      if (mk && !path_item_member_ok(mk, mn)) {
        name_err(L, iw->p, iw->n, "unknown member ", mk, mn,
                 " in a Path Item (methods are lower case: get, put, post, delete, options, "
                 "head, patch, trace)");
        goto fail;
      }
    }
    if (!hsp_optional_type(L, item, "summary", cJSON_String, "a string", iw) ||
        !hsp_optional_type(L, item, "description", cJSON_String, "a string", iw) ||
        !hsp_optional_type(L, item, "parameters", cJSON_Array, "an array", iw) ||
        !hsp_optional_type(L, item, "servers", cJSON_Array, "an array", iw))
      goto fail;
    pathent pe = {k, kn, s->n_ops, 0, NULL};
    char allowed[64];
    size_t alen = 0;
    size_t imark = iw->n;
    for (size_t mi = 0; mi < HSPEC_N_METHODS; mi++) {
      const cJSON *op = hsp_member(item, hspec_methods[mi]);
      if (!op)
        continue;
      if (s->n_ops == cap_ops) {
        size_t cap = cap_ops ? cap_ops * 2 : 8;
        hspec_operation *p = realloc(s->ops, cap * sizeof *p);
        if (!p)
          goto nomem;
        s->ops = p;
        cap_ops = cap;
      }
      hspec_operation *o = &s->ops[s->n_ops];
      memset(o, 0, sizeof *o);
      o->method = hspec_methods[mi];
      o->path = k;
      if (!hsp_push(L, iw, hspec_methods[mi], strlen(hspec_methods[mi])) ||
          !index_operation(L, op, iw, o))
        goto fail;
      hsp_pop(iw, imark);
      s->n_ops++;
      pe.count++;
      /* at most 8 methods of at most 7 letters plus ", ": fits in 64 */
      if (alen) {
        allowed[alen++] = ',';
        allowed[alen++] = ' ';
      }
      for (const char *mc = hspec_methods[mi]; *mc; mc++)
        allowed[alen++] = (char)(*mc - 'a' + 'A');
    }
    if (!(pe.allowed = hutil_arena_strndup(&s->mem, allowed, alen)))
      goto nomem;
    s->paths[s->n_paths++] = pe;
    hsp_pop(&w, 7);
  }
  if (s->n_paths > 1)
    qsort(s->paths, s->n_paths, sizeof *s->paths, pathent_cmp);
  ok = 1;
  goto fail;
nomem:
  hsp_nomem_err(L);
fail:
  hbuf_free(&w);
  hbuf_free(&loc);
  return ok;
}

/* ---- lookups ---- */

size_t hspec_operation_count(const hspec *spec) { return spec ? spec->n_ops : 0; }

const hspec_operation *hspec_operation_at(const hspec *spec, size_t i) {
  return spec && i < spec->n_ops ? &spec->ops[i] : NULL;
}

static const pathent *find_path_entry(const hspec *spec, const char *path) {
  if (!spec || !path || !spec->n_paths)
    return NULL;
  pathent key = {path, strlen(path), 0, 0, NULL};
  return bsearch(&key, spec->paths, spec->n_paths, sizeof key, pathent_cmp);
}

const hspec_operation *hspec_find(const hspec *spec, const char *method, const char *path) {
  const pathent *pe = find_path_entry(spec, path);
  if (!pe || !method)
    return NULL;
  for (size_t i = pe->first; i < pe->first + pe->count; i++)
    if (hsp_caseeq(method, strlen(method), spec->ops[i].method, strlen(spec->ops[i].method)))
      return &spec->ops[i];
  return NULL;
}

const char *hspec_allowed_methods(const hspec *spec, const char *path) {
  const pathent *pe = find_path_entry(spec, path);
  return pe ? pe->allowed : NULL;
}

int hspec_status_matches(const hspec_response *r, int status) {
  if (!r)
    return 0;
  if (r->status == -1)
    return 1;
  if (r->status >= 1 && r->status <= 5)
    return status >= 100 && status <= 599 && status / 100 == r->status;
  return r->status == status;
}

const hspec_response *hspec_response_for(const hspec_operation *op, int status) {
  if (!op)
    return NULL;
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status >= 100 && op->responses[i].status == status)
      return &op->responses[i];
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status >= 1 && op->responses[i].status <= 5 &&
        hspec_status_matches(&op->responses[i], status))
      return &op->responses[i];
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status == -1)
      return &op->responses[i];
  return NULL;
}
