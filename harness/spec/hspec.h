/* hspec: OpenAPI 3.0.x document loader.
 *
 * Reads the document with the strict reader, checks its shape (openapi 3.0.x,
 * info, paths, operations, requestBody, responses, content, components), resolves
 * every local $ref ("#/..." JSON pointers with ~0/~1 escapes and %-escapes),
 * detects $ref chains that loop without reaching a value, and indexes operations
 * by method and path, each with its request media types and schemas and, per
 * status code, its response media types and schemas.  Remote refs
 * ("other.json#/x") are rejected with an error naming the ref and its location.
 *
 * Everything returned points into the hspec and lives until hspec_free.  An
 * hspec is immutable once loaded: several threads may read it at once.
 *
 * Files: hspec_load.c loads (memory, file, embedded document) and checks the
 * top level; hspec_refs.c resolves $refs (and hspec_resolve); hspec_index.c
 * builds and answers the operation index (hspec_find, hspec_response_for ...);
 * hspec_media.c matches media types; sha256.c hashes; hspec_int.h is what they
 * share. */
#ifndef HSPEC_H
#define HSPEC_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/herr.h"

#define HSPEC_MSG_MAX HERR_MSG_MAX

typedef enum {
  HSPEC_OK = 0,
  HSPEC_E_IO,      /* the file could not be read */
  HSPEC_E_JSON,    /* not strict JSON (message has the reader's offset and pointer) */
  HSPEC_E_VERSION, /* "openapi" missing or not 3.0.x */
  HSPEC_E_SHAPE,   /* a member has the wrong JSON type, or a required one is missing */
  HSPEC_E_REF,     /* $ref to a missing target, a bad pointer, a remote ref, or a cycle */
  HSPEC_E_LIMIT,   /* the document is over the size limit */
  HSPEC_E_NOMEM
} hspec_code;

/* Errors are an herr (util/herr.h): code is an hspec_code, msg one line
 * naming what and where, e.g.
 * "spec.json: $ref '#/components/schemas/Nope' at
 *  #/paths/~1x/post/requestBody/content/application~1json/schema: no such target". */

typedef struct {
  const char *media_type;     /* as written in the spec: "application/\*+json" */
  const cJSON *schema;        /* the Schema Object (possibly a {"$ref":...}), NULL if none */
  const char *schema_pointer; /* "#/paths/~1public~1v1~1accounts~1api-tokens/post/requestBody/content/application~1json/schema" */
} hspec_media;

typedef struct {
  const char *code;        /* as written: "201", "4XX", "default" */
  int status;              /* 201; for "4XX" 400..499 use hspec_status_matches; -1 for default */
  const char *description; /* may be NULL */
  const hspec_media *media;
  size_t n_media;
} hspec_response;

typedef struct {
  const char *method;       /* lower case, as in the document: "post" */
  const char *path;         /* "/public/v1/accounts/api-tokens" */
  const char *operation_id; /* may be NULL */
  const char *summary;      /* may be NULL */
  const char *description;  /* may be NULL */
  const char *pointer;      /* "#/paths/~1public~1v1~1accounts~1api-tokens/post" */
  int body_required;        /* requestBody.required */
  int has_body;             /* a requestBody is declared */
  const hspec_media *request;
  size_t n_request;
  const hspec_response *responses;
  size_t n_responses;
} hspec_operation;

typedef struct hspec hspec;

/* Loads from memory; name is used in messages (e.g. the file name).  Returns
 * NULL with *err filled on any problem.  Free with hspec_free. */
hspec *hspec_load(const char *data, size_t len, const char *name, herr *err)
    __attribute__((warn_unused_result));
/* Loads a file (at most 64 MiB). */
hspec *hspec_load_file(const char *path, herr *err) __attribute__((warn_unused_result));
void hspec_free(hspec *spec);

/* The whole document (the root object), for schema compilation and $ref. */
const cJSON *hspec_root(const hspec *spec);
const char *hspec_title(const hspec *spec);   /* info.title */
const char *hspec_version(const hspec *spec); /* info.version */
const char *hspec_sha256(const hspec *spec);  /* hex SHA-256 of the document bytes */
const char *hspec_name(const hspec *spec);    /* the name given at load */

size_t hspec_operation_count(const hspec *spec);
const hspec_operation *hspec_operation_at(const hspec *spec, size_t i);
/* Method in any case ("POST"), path exactly as in the document (no templating
 * match yet: this spec has no path parameters).  NULL if absent. */
const hspec_operation *hspec_find(const hspec *spec, const char *method, const char *path);
/* Methods declared on a path, upper case, comma-separated ("POST"), for Allow
 * headers; NULL if the path is not in the document.  Static to the hspec. */
const char *hspec_allowed_methods(const hspec *spec, const char *path);

/* The response declared for an HTTP status: the exact code first, then "4XX",
 * then "default".  NULL if none. */
const hspec_response *hspec_response_for(const hspec_operation *op, int status);

/* Media-range matching for a Content-Type header value: type/subtype compared
 * case-insensitively, parameters (charset=...) ignored, "application/\*+json"
 * matching any application subtype ending in "+json", "\*\/\*" and
 * "application/\*" as usual (a backslash here only keeps the comment open).  Exact entries win over wildcard ones.  NULL when
 * nothing matches or content_type is NULL/empty/malformed. */
const hspec_media *hspec_match_media(const hspec_media *list, size_t n, const char *content_type);

/* Resolves a local ref "#/components/schemas/X" in the document; follows
 * $ref chains.  NULL when missing, *why (may be NULL) gets a static reason. */
const cJSON *hspec_resolve(const hspec *spec, const char *ref, const char **why);

/* "#/components/schemas/NAME" if that component schema exists, else NULL.
 * The string is owned by the hspec. */
const char *hspec_component_schema_pointer(const hspec *spec, const char *name);

/* ---- Additions (spec loader owner) ---- */

/* Pointers this module hands out (operation, media and schema pointers) are
 * URI fragments: "#" + an RFC 6901 pointer with '~' as "~0", '/' as "~1", and
 * every byte outside the URI fragment set ('%', space, '"', non-ASCII ...)
 * percent-encoded, so hspec_resolve reads back exactly the node they name.
 * For this spec's keys ("application/\*+json") that is just the ~1 escaping. */

/* True when response r applies to HTTP status: its exact code, its class for
 * "4XX"-style ranges (then r->status holds the class digit, 4), or always for
 * "default" (r->status -1).  Precedence is hspec_response_for's business. */
int hspec_status_matches(const hspec_response *r, int status);

/* Human name of an error code ("io", "json", "version", "shape", "ref",
 * "limit", "nomem"), static. */
const char *hspec_code_name(hspec_code code);

/* The largest document hspec_load / hspec_load_file accept (64 MiB). */
#define HSPEC_MAX_BYTES ((size_t)64 * 1024 * 1024)

/* SHA-256 (FIPS 180-4) of data[0..len) as 64 lower-case hex digits and a NUL. */
#define HSPEC_SHA256_HEX 65
void hspec_sha256_hex(const void *data, size_t len, char out[HSPEC_SHA256_HEX]);

/* ---- The embedded spec (ship) ---- */

/* A name that starts with HSPEC_BUILTIN_PREFIX names a document compiled into
 * the library rather than a file: hspec_load_file accepts it (so does anything
 * that hands a spec path on, such as a certify plan), and the hspec carries the
 * name as given ("builtin:create-api-token.openapi.json") and the document's
 * SHA-256, exactly as if the file had been read.  HSPEC_BUILTIN_DEFAULT is
 * spec/create-api-token.openapi.json of the tree the library was built from,
 * embedded at build time.  To read a file whose name starts with "builtin:",
 * write "./builtin:...". */
#define HSPEC_BUILTIN_PREFIX "builtin:"
#define HSPEC_BUILTIN_DEFAULT "builtin:create-api-token.openapi.json"

/* hspec_load_file(HSPEC_BUILTIN_DEFAULT, err). */
hspec *hspec_load_default(herr *err) __attribute__((warn_unused_result));

/* The bytes of embedded document name ("builtin:x.json" or just "x.json"):
 * returns 1 with *data (NUL-terminated) and *len set, 0 when there is no such
 * document. */
int hspec_builtin(const char *name, const char **data, size_t *len);

#endif
