/* hspec: OpenAPI 3.0.x document loader (see hspec.h for the contract; the
 * parts are listed in hspec_int.h).
 *
 * Loading runs in this order, each step stopping at the first problem with a
 * one-line message "NAME: <where>: <what>":
 *   1. size cap, SHA-256 of the bytes, strict parse (hjson);
 *   2. "openapi" is 3.0.x, info, paths and the components maps have their types
 *      (this file);
 *   3. every "$ref" in the document is resolved and its chain followed to a
 *      value (hspec_refs.c);
 *   4. path items and operations are checked and indexed (hspec_index.c).
 * This file also reads files and the embedded document, and holds the error
 * messages and shape checks the other parts use. */
#include "spec/hspec_int.h"

#include "spec/embedded.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- errors ---- */

/* The one appender of a message: s[0..n), or what fits of it before the
 * message size, cut on a UTF-8 character boundary.  A cut is final: the
 * buffer is marked full and later appends are dropped. */
static void msg_add(hbuf *m, const char *s, size_t n) {
  if (m->toobig)
    return;
  size_t room = m->limit - m->n;
  if (n > room) {
    n = hutil_utf8_cut(s, n, room);
    hbuf_add(m, s, n);
    m->toobig = 1;
    return;
  }
  hbuf_add(m, s, n);
}

hbuf hsp_err_begin(herr *err, hspec_code code, const char *name) {
  /* limit < cap: hbuf_add never reallocates err->msg */
  hbuf m = {.p = err->msg, .cap = sizeof err->msg, .limit = sizeof err->msg - 1};
  err->code = code;
  err->msg[0] = '\0';
  hsp_msg_text(&m, name, strlen(name), HSPEC_QUOTE_MAX);
  hsp_msg(&m, ": ");
  return m;
}

void hsp_msg_v(hbuf *m, const char *fmt, va_list ap) {
  char tmp[HSPEC_MSG_MAX];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  if (n > 0)
    msg_add(m, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void hsp_msg(hbuf *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  hsp_msg_v(m, fmt, ap);
  va_end(ap);
}

void hsp_msg_text(hbuf *m, const char *s, size_t n, size_t max) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* start of the pending run of bytes written as they are */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (i >= max && (c & 0xC0) != 0x80) {
      msg_add(m, s + run, i - run);
      msg_add(m, "...", 3);
      return;
    }
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      msg_add(m, s + run, i - run);
      msg_add(m, e, 2);
      run = i + 1;
    } else if (c < 0x20 || c == 0x7f) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      msg_add(m, s + run, i - run);
      msg_add(m, e, 6);
      run = i + 1;
    }
  }
  msg_add(m, s + run, n - run);
}

/* "NAME: <where>: <what>" for a shape problem at a pointer. */
void hsp_shape_err(loader *L, const hbuf *where, const char *fmt, ...) {
  hbuf m = hsp_err_begin(L->err, HSPEC_E_SHAPE, L->spec->name);
  hsp_msg_text(&m, where->p ? where->p : "#", where->p ? where->n : 1, HSPEC_WHERE_MAX);
  hsp_msg(&m, ": ");
  va_list ap;
  va_start(ap, fmt);
  hsp_msg_v(&m, fmt, ap);
  va_end(ap);
}

void hsp_nomem_err(loader *L) {
  hbuf m = hsp_err_begin(L->err, HSPEC_E_NOMEM, L->spec->name);
  hsp_msg(&m, "out of memory while loading the spec");
}

const char *hsp_type_name(const cJSON *n) {
  switch (n ? n->type & 0xFF : 0) {
  case cJSON_False:
  case cJSON_True: return "a boolean";
  case cJSON_NULL: return "null";
  case cJSON_Number: return "a number";
  case cJSON_String: return "a string";
  case cJSON_Array: return "an array";
  case cJSON_Object: return "an object";
  default: return "an invalid value";
  }
}

const char *hspec_code_name(hspec_code code) {
  switch (code) {
  case HSPEC_OK: return "ok";
  case HSPEC_E_IO: return "io";
  case HSPEC_E_JSON: return "json";
  case HSPEC_E_VERSION: return "version";
  case HSPEC_E_SHAPE: return "shape";
  case HSPEC_E_REF: return "ref";
  case HSPEC_E_LIMIT: return "limit";
  case HSPEC_E_NOMEM: return "nomem";
  }
  return "unknown";
}

/* ---- shape ---- */

static int check_version(loader *L) {
  const cJSON *v = hsp_member(L->spec->root, "openapi");
  size_t n;
  const char *s = hjson_string(v, &n);
  hbuf m;
  if (!v) {
    m = hsp_err_begin(L->err, HSPEC_E_VERSION, L->spec->name);
    const cJSON *sw = hsp_member(L->spec->root, "swagger");
    if (sw)
      hsp_msg(&m, "#/openapi: member missing (this looks like a Swagger 2.0 document; only "
                  "OpenAPI 3.0.x is supported)");
    else
      hsp_msg(&m, "#/openapi: member missing (not an OpenAPI 3.0.x document)");
    return 0;
  }
  if (!s) {
    m = hsp_err_begin(L->err, HSPEC_E_VERSION, L->spec->name);
    hsp_msg(&m, "#/openapi: must be a string like \"3.0.3\", not %s", hsp_type_name(v));
    return 0;
  }
  int ok = n >= 5 && memcmp(s, "3.0.", 4) == 0;
  for (size_t i = 4; ok && i < n; i++)
    ok = s[i] >= '0' && s[i] <= '9';
  if (!ok) {
    m = hsp_err_begin(L->err, HSPEC_E_VERSION, L->spec->name);
    hsp_msg(&m, "#/openapi: version \"");
    hsp_msg_text(&m, s, n, HSPEC_QUOTE_MAX);
    hsp_msg(&m, "\" is not supported (only OpenAPI 3.0.x)");
    return 0;
  }
  return 1;
}

/* Type checks: "want" is a cJSON type bit.  where is the member's pointer. */
int hsp_expect_type(loader *L, const cJSON *v, int want, const char *want_name, const hbuf *where) {
  if (v && (v->type & 0xFF & want))
    return 1;
  if (!v)
    hsp_shape_err(L, where, "required member missing (must be %s)", want_name);
  else
    hsp_shape_err(L, where, "must be %s, not %s", want_name, hsp_type_name(v));
  return 0;
}

/* An optional member of the given type. */
int hsp_optional_type(loader *L, const cJSON *obj, const char *name, int want,
                      const char *want_name, hbuf *where) {
  const cJSON *v = hsp_member(obj, name);
  if (!v)
    return 1;
  size_t mark = where->n;
  hsp_ptr_push(where, name, strlen(name));
  int ok = hsp_bad(where) ? 0 : hsp_expect_type(L, v, want, want_name, where);
  if (hsp_bad(where))
    hsp_nomem_err(L);
  where->n = mark;
  where->p[mark] = '\0';
  return ok;
}

/* where += "/name"; returns 0 (and reports) when out of memory. */
int hsp_push(loader *L, hbuf *where, const char *name, size_t n) {
  hsp_ptr_push(where, name, n);
  if (hsp_bad(where)) {
    hsp_nomem_err(L);
    return 0;
  }
  return 1;
}

void hsp_pop(hbuf *where, size_t mark) {
  where->n = mark;
  if (where->p)
    where->p[mark] = '\0';
}

static int check_top(loader *L) {
  hspec *s = L->spec;
  hbuf w = {0};
  int ok = 0;
  hbuf_add(&w, "#", 1);
  const cJSON *info = hsp_member(s->root, "info");
  if (!hsp_push(L, &w, "info", 4) || !hsp_expect_type(L, info, cJSON_Object, "an object", &w))
    goto fail;
  const cJSON *title = hsp_member(info, "title"), *version = hsp_member(info, "version");
  size_t info_mark = w.n;
  if (!hsp_push(L, &w, "title", 5) || !hsp_expect_type(L, title, cJSON_String, "a string", &w))
    goto fail;
  hsp_pop(&w, info_mark);
  if (!hsp_push(L, &w, "version", 7) || !hsp_expect_type(L, version, cJSON_String, "a string", &w))
    goto fail;
  s->title = title->valuestring;
  s->version = version->valuestring;
  hsp_pop(&w, 1);
  if (!hsp_push(L, &w, "paths", 5) ||
      !hsp_expect_type(L, hsp_member(s->root, "paths"), cJSON_Object, "an object", &w))
    goto fail;
  hsp_pop(&w, 1);
  const cJSON *comp = hsp_member(s->root, "components");
  if (comp) {
    static const char *const maps[] = {"schemas",         "responses",     "parameters",
                                       "examples",        "requestBodies", "headers",
                                       "securitySchemes", "links",         "callbacks"};
    if (!hsp_push(L, &w, "components", 10) ||
        !hsp_expect_type(L, comp, cJSON_Object, "an object", &w))
      goto fail;
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
      if (!hsp_optional_type(L, comp, maps[i], cJSON_Object, "an object", &w))
        goto fail;
    const cJSON *schemas = hsp_member(comp, "schemas");
    if (!hsp_push(L, &w, "schemas", 7))
      goto fail;
    size_t mark = w.n, count = 0;
    for (const cJSON *c = schemas ? schemas->child : NULL; c; c = c->next) {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      if (!hsp_push(L, &w, k, kn) || !hsp_expect_type(L, c, cJSON_Object, "a Schema Object", &w))
        goto fail;
      hsp_pop(&w, mark);
      count++;
    }
    s->comps = hutil_arena_alloc(&s->mem, (count ? count : 1) * sizeof *s->comps);
    if (!s->comps)
      goto nomem;
    hbuf p = {0};
    for (const cJSON *c = schemas ? schemas->child : NULL; c; c = c->next) {
      size_t kn;
      const char *k = hjson_key(c, &kn);
      p.n = 0;
      hbuf_puts(&p, "#/components/schemas");
      hsp_ptr_push(&p, k, kn);
      char *ptr = hsp_bad(&p) ? NULL : hutil_arena_strndup(&s->mem, p.p, p.n);
      if (!ptr) {
        hbuf_free(&p);
        goto nomem;
      }
      compent ce = {k, kn, ptr};
      s->comps[s->n_comps++] = ce;
    }
    hbuf_free(&p);
  }
  ok = 1;
  goto fail;
nomem:
  hsp_nomem_err(L);
fail:
  hbuf_free(&w);
  return ok;
}

static int compent_cmp(const void *a, const void *b) {
  const compent *x = a, *y = b;
  return hsp_bytes_cmp(x->name, x->len, y->name, y->len);
}

/* ---- load ---- */

hspec *hspec_load(const char *data, size_t len, const char *name, herr *err) {
  herr local;
  if (!err)
    err = &local;
  err->code = HSPEC_OK;
  err->msg[0] = '\0';
  if (!name)
    name = "spec";
  loader L;
  memset(&L, 0, sizeof L);
  L.err = err;
  hspec *s = calloc(1, sizeof *s);
  if (!s || !(s->name = malloc(strlen(name) + 1))) {
    free(s);
    hbuf m = hsp_err_begin(err, HSPEC_E_NOMEM, name);
    hsp_msg(&m, "out of memory while loading the spec");
    return NULL;
  }
  memcpy(s->name, name, strlen(name) + 1);
  L.spec = s;
  if (!data && len) {
    hbuf m = hsp_err_begin(err, HSPEC_E_IO, name);
    hsp_msg(&m, "no document data");
    goto fail;
  }
  if (len > HSPEC_MAX_BYTES) {
    hbuf m = hsp_err_begin(err, HSPEC_E_LIMIT, name);
    hsp_msg(&m, "document is %zu bytes, over the %zu-byte limit", len, HSPEC_MAX_BYTES);
    goto fail;
  }
  hspec_sha256_hex(data ? data : "", len, s->sha);

  if (!(s->doc = hjson_doc_new()))
    goto nomem;
  hjson_options opts = {HSPEC_PARSE_DEPTH, 0, 0, HSPEC_MAX_BYTES, 0};
  hjson_error jerr;
  memset(&jerr, 0, sizeof jerr);
  s->root = hjson_parse(s->doc, data ? data : "", len, &opts, &jerr);
  if (!s->root) {
    if (jerr.code == HJSON_E_NOMEM)
      goto nomem;
    hbuf m = hsp_err_begin(err, jerr.code == HJSON_E_LIMIT ? HSPEC_E_LIMIT : HSPEC_E_JSON, name);
    hsp_msg(&m, "not strict JSON (%s) at byte %zu, pointer \"", hjson_code_name(jerr.code),
            jerr.offset);
    jerr.pointer[HJSON_POINTER_MAX - 1] = '\0';
    hsp_msg_text(&m, jerr.pointer, strlen(jerr.pointer), HSPEC_WHERE_MAX);
    hsp_msg(&m, "\": ");
    hsp_msg(&m, "%s", jerr.msg ? jerr.msg : "invalid JSON");
    goto fail;
  }
  if (!cJSON_IsObject(s->root)) {
    hbuf m = hsp_err_begin(err, HSPEC_E_SHAPE, name);
    hsp_msg(&m, "#: the document must be an object, not %s", hsp_type_name(s->root));
    goto fail;
  }
  if (!check_version(&L) || !check_top(&L))
    goto fail;
  if (!hsp_refs_load(&L) || !hsp_index_paths(&L))
    goto fail;
  if (s->n_comps > 1)
    qsort(s->comps, s->n_comps, sizeof *s->comps, compent_cmp);
  hsp_loader_release(&L);
  return s;
nomem:
  hsp_nomem_err(&L);
fail:
  hsp_loader_release(&L);
  hspec_free(s);
  return NULL;
}

int hspec_builtin(const char *name, const char **data, size_t *len) {
  if (!name)
    return 0;
  if (!strncmp(name, HSPEC_BUILTIN_PREFIX, sizeof HSPEC_BUILTIN_PREFIX - 1))
    name += sizeof HSPEC_BUILTIN_PREFIX - 1;
  if (strcmp(name, HSPEC_EMBEDDED_SPEC_NAME) != 0)
    return 0;
  if (data)
    *data = (const char *)hspec_embedded_spec;
  if (len)
    *len = hspec_embedded_spec_len;
  return 1;
}

hspec *hspec_load_default(herr *err) { return hspec_load_file(HSPEC_BUILTIN_DEFAULT, err); }

hspec *hspec_load_file(const char *path, herr *err) {
  herr local;
  if (!err)
    err = &local;
  err->code = HSPEC_OK;
  err->msg[0] = '\0';
  if (!path) {
    hbuf m = hsp_err_begin(err, HSPEC_E_IO, "spec");
    hsp_msg(&m, "no file name given");
    return NULL;
  }
  if (!strncmp(path, HSPEC_BUILTIN_PREFIX, sizeof HSPEC_BUILTIN_PREFIX - 1)) {
    const char *data;
    size_t len;
    if (!hspec_builtin(path, &data, &len)) {
      hbuf m = hsp_err_begin(err, HSPEC_E_IO, path);
      hsp_msg(
          &m,
          "no such embedded spec (this build embeds " HSPEC_BUILTIN_PREFIX HSPEC_EMBEDDED_SPEC_NAME
          "; write ./");
      hsp_msg_text(&m, path, strlen(path), HSPEC_QUOTE_MAX);
      hsp_msg(&m, " for a file of that name)");
      return NULL;
    }
    return hspec_load(data, len, path, err);
  }
  /* a FIFO without a writer reads as empty (then: not JSON), never hangs */
  char why[PATH_MAX + HSPEC_MSG_MAX]; /* room for the path it repeats */
  size_t len;
  int too_big = 0;
  char *buf =
      hutil_slurp(path, HSPEC_MAX_BYTES, HUTIL_SLURP_NO_WAIT, &len, &too_big, why, sizeof why);
  if (!buf) {
    /* why is "<path>: reason": the path is written printable by
     * hsp_err_begin, and so is the reason (whatever a cut left of it) */
    size_t pl = strlen(path);
    const char *reason =
        !strncmp(why, path, pl) && !strncmp(why + pl, ": ", 2) ? why + pl + 2 : why;
    hbuf m = hsp_err_begin(err, too_big ? HSPEC_E_LIMIT : HSPEC_E_IO, path);
    hsp_msg_text(&m, reason, strlen(reason), HSPEC_MSG_MAX);
    return NULL;
  }
  hspec *s = hspec_load(buf, len, path, err);
  free(buf);
  return s;
}

void hspec_free(hspec *spec) {
  if (!spec)
    return;
  hjson_doc_free(spec->doc);
  hutil_arena_free(&spec->mem);
  free(spec->ops);
  hsp_refs_free(spec);
  free(spec->name);
  free(spec);
}

/* ---- queries ---- */

const cJSON *hspec_root(const hspec *spec) { return spec ? spec->root : NULL; }

const char *hspec_title(const hspec *spec) { return spec ? spec->title : NULL; }

const char *hspec_version(const hspec *spec) { return spec ? spec->version : NULL; }

const char *hspec_sha256(const hspec *spec) { return spec ? spec->sha : NULL; }

const char *hspec_name(const hspec *spec) { return spec ? spec->name : NULL; }

const char *hspec_component_schema_pointer(const hspec *spec, const char *name) {
  if (!spec || !name || !spec->n_comps)
    return NULL;
  compent key = {name, strlen(name), NULL};
  const compent *c = bsearch(&key, spec->comps, spec->n_comps, sizeof key, compent_cmp);
  return c ? c->pointer : NULL;
}
