/* hspec_int.h: what the files of the spec loader share.  Not a public API:
 * nothing outside harness/spec/ includes it.
 *
 *   hspec_load.c   loading (memory, file, embedded document), the top-level
 *                  shape checks, error messages, hspec_free and the getters;
 *   hspec_refs.c   $ref collection, resolution and cycle detection (with the
 *                  pointer map and the large-container index), hspec_resolve;
 *   hspec_index.c  the operation index: path items, operations, request
 *                  bodies, responses, and the lookups over it;
 *   hspec_media.c  media types: parsing a Content-Type and matching it;
 *   sha256.c       SHA-256 of the document bytes. */
#ifndef HSPEC_INT_H
#define HSPEC_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "spec/hspec.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* Nesting limit handed to the reader.  Real specs stay far below it; every
 * recursive walk below is bounded by it. */
#define HSPEC_PARSE_DEPTH 512u

/* Containers with more children than this get a lookup index while refs are
 * resolved at load time. */
#define HSPEC_SMALL_CONTAINER 16u

/* Bytes of document text (ref strings, keys, values) quoted in a message. */
#define HSPEC_QUOTE_MAX 120u

/* Bytes of a location pointer quoted in a message. */
#define HSPEC_WHERE_MAX 200u

/* ---- the model ---- */

/* A map from pointers (JSON nodes) to indexes: open addressing (hspec_refs.c). */
typedef struct {
  const void **keys;
  size_t *vals;
  size_t cap, n; /* cap is 0 or a power of two */
} ptrmap;

/* One "$ref" object of the document and where its chain ends (hspec_refs.c). */
typedef struct {
  const cJSON *obj;    /* the object holding "$ref" */
  const cJSON *target; /* what its pointer names */
  const cJSON *final;  /* the first non-$ref value along the chain */
  size_t last;         /* the ref whose target is final (its string locates final) */
  unsigned char state; /* cycle search: 0 new, 1 on the current chain, 2 done */
} refent;

/* One path of the document and its operations, sorted by path (hspec_index.c). */
typedef struct {
  const char *path;
  size_t len;
  size_t first, count; /* operations in spec->ops */
  const char *allowed;
} pathent;

/* One component schema: its name and its pointer, sorted by name (hspec_load.c). */
typedef struct {
  const char *name;
  size_t len;
  const char *pointer;
} compent;

struct hspec {
  hjson_doc *doc;
  const cJSON *root;
  char *name;
  const char *title, *version;
  char sha[HSPEC_SHA256_HEX];
  hutil_arena mem;
  hspec_operation *ops;
  size_t n_ops;
  pathent *paths;
  size_t n_paths;
  compent *comps;
  size_t n_comps;
  refent *refs;
  size_t n_refs;
  ptrmap refmap; /* $ref-holding object -> index in refs */
};

/* Index of one large container, built on demand while refs are resolved. */
typedef struct {
  const cJSON **slots; /* arrays: children in order; objects: hash table */
  size_t n;            /* arrays: child count; objects: table size (power of two) */
} cindex;

/* The state of one load: the hspec being built, where errors go, and the
 * container indexes that live only while refs are resolved. */
typedef struct {
  hspec *spec;
  herr *err;
  size_t cap_refs;
  ptrmap idxmap; /* container -> index in idx */
  cindex *idx;
  size_t n_idx, cap_idx;
  hutil_arena tmp; /* index tables; released at the end of the load */
} loader;

/* ---- small helpers ---- */

/* Pointers and locations are built in an hbuf (json/hjson.h); one flag says
 * whether building failed (out of memory, or past the buffer's limit). */
static inline int hsp_bad(const hbuf *b) { return b->nomem || b->toobig; }

/* Appends "/" and one reference token, ~-escaped and percent-encoded (a URI
 * fragment: what this module hands out, see hspec.h). */
static inline void hsp_ptr_push(hbuf *b, const char *tok, size_t n) {
  hjson_pointer_append(b, tok, n, HJSON_ESC_URI);
}

static inline int hsp_key_is(const cJSON *member, const char *name) {
  size_t n;
  const char *k = hjson_key(member, &n);
  return k && n == strlen(name) && memcmp(k, name, n) == 0;
}

static inline int hsp_key_has_prefix(const char *k, size_t n, const char *prefix) {
  size_t p = strlen(prefix);
  return n >= p && memcmp(k, prefix, p) == 0;
}

static inline const cJSON *hsp_member(const cJSON *obj, const char *name) {
  return hjson_get(obj, name, strlen(name));
}

static inline int hsp_ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static inline int hsp_caseeq(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn)
    return 0;
  for (size_t i = 0; i < an; i++)
    if (hsp_ascii_lower((unsigned char)a[i]) != hsp_ascii_lower((unsigned char)b[i]))
      return 0;
  return 1;
}

static inline int hsp_bytes_cmp(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  return c ? c : (an < bn ? -1 : an > bn);
}

/* ---- error messages (hspec_load.c) ---- */

/* A message is written straight into err->msg through an hbuf lent over it
 * (never reallocated: its limit is one less than the array; never freed).
 * Appends go through the functions below, which cut what does not fit at the
 * message size (on a UTF-8 character boundary; a cut is final) rather than
 * drop it. */

/* Starts err's message: "NAME: " (the name as by hsp_msg_text). */
hbuf hsp_err_begin(herr *err, hspec_code code, const char *name);
/* Appends printf-formatted text. */
void hsp_msg(hbuf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hsp_msg_v(hbuf *m, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends document text made printable on one line (" and \ escaped with a
 * backslash, controls as \u00XX), cut with "..." once max bytes are shown
 * (the character under way finished).  Not hutil_quote: that one adds the
 * quotes, writes \n \t \r, puts the dots after the closing quote and cuts at
 * or before max, so its messages would differ. */
void hsp_msg_text(hbuf *m, const char *s, size_t n, size_t max);
/* "NAME: <where>: <what>" for a shape problem at a pointer. */
void hsp_shape_err(loader *L, const hbuf *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hsp_nomem_err(loader *L);
/* "an object", "a string" ... for messages. */
const char *hsp_type_name(const cJSON *n);

/* ---- shape checks (hspec_load.c) ---- */

/* Type checks: "want" is a cJSON type bit, where the member's pointer; 0 (and
 * the error reported) when v is missing or of another type. */
int hsp_expect_type(loader *L, const cJSON *v, int want, const char *want_name, const hbuf *where);
/* An optional member of the given type. */
int hsp_optional_type(loader *L, const cJSON *obj, const char *name, int want,
                      const char *want_name, hbuf *where);
/* where += "/name"; returns 0 (and reports) when out of memory. */
int hsp_push(loader *L, hbuf *where, const char *name, size_t n);
void hsp_pop(hbuf *where, size_t mark);

/* ---- $refs (hspec_refs.c) ---- */

/* Collects every $ref of the document, checks it and follows its chain to a
 * value (rejecting loops).  0 with L->err filled on the first problem. */
int hsp_refs_load(loader *L);
/* node itself, or the value its $ref chain ends at.  *loc gets the fragment
 * locating the result (the last ref string of the chain, canonicalized), or
 * is left alone when node is not a ref. */
const cJSON *hsp_deref(loader *L, const cJSON *node, hbuf *loc);
/* Releases what the loader alone needed (the container indexes). */
void hsp_loader_release(loader *L);
/* Releases the refs kept in the hspec (hspec_free). */
void hsp_refs_free(hspec *s);

/* ---- the operation index (hspec_index.c) ---- */

/* Checks and indexes every path item and operation; sorts the paths. */
int hsp_index_paths(loader *L);

#endif
