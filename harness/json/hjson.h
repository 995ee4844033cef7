/* hjson: a strict RFC 8259 JSON reader that builds a cJSON tree.
 *
 * cJSON's own parser is lenient (leading zeros, raw control characters, invalid
 * UTF-8, duplicate names, truncation at \u0000, a global error pointer).  This
 * reader scans the bytes itself, rejects everything RFC 8259 rejects, and builds
 * cJSON nodes in an arena owned by an hjson_doc, so callers read the tree with
 * the ordinary cJSON accessors (cJSON_IsString, ->child, ->next, ->string ...).
 *
 * Representation (differences from a tree made by cJSON_Parse):
 *  - every node and string lives in the doc's arena: NEVER call cJSON_Delete on
 *    them; hjson_doc_free / the next hjson_parse on the same doc release them.
 *  - strings (values and member names) may contain NUL bytes when the input had
 *    \u0000; they are still NUL-terminated, and hjson_string / hjson_key give the
 *    true byte length.  Code that compares strings must use those lengths.
 *  - numbers: valuedouble holds the value, valueint the clamped int as cJSON
 *    does, and valuestring the number's exact text as written (NUL-terminated),
 *    so int64 checks can be exact.  cJSON_Print ignores that field.
 *  - nodes carry the HJSON_NODE flag in ->type (above cJSON's 0xFF type mask),
 *    and cJSON_IsReference (the arena, not the node, owns its strings).  A
 *    cJSON_Duplicate copy keeps HJSON_NODE but loses cJSON_IsReference; its
 *    strings are strdup'd, so hjson_string / hjson_key give strlen lengths on
 *    it (a \u0000 truncates there, as in any cJSON tree).
 *
 * No global state; a doc is used by one thread at a time, separate docs in
 * separate threads are independent.
 *
 * Files: hjson.c is the reader and the accessors; hjson_pointer.c builds,
 * escapes and resolves JSON pointers (the harness's only ~0/~1 code);
 * hjson_equal.c holds hjson_equal and hjson_hash; hbuf.c the growable buffer. */
#ifndef HJSON_H
#define HJSON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#define HJSON_NODE (1 << 12)          /* set in ->type on every node this reader made */
#define HJSON_DEFAULT_MAX_DEPTH 128u
#define HJSON_HARD_MAX_DEPTH 4096u     /* max_depth is clamped to this */
#define HJSON_POINTER_MAX 256          /* bytes kept of an error's JSON pointer */

typedef enum {
  HJSON_OK = 0,
  HJSON_E_SYNTAX,    /* not JSON: unexpected byte, missing value, trailing data, empty input */
  HJSON_E_UTF8,      /* invalid UTF-8 (overlong, surrogate code point, truncated, > U+10FFFF) */
  HJSON_E_ESCAPE,    /* invalid escape: \x, \u with non-hex digits */
  HJSON_E_SURROGATE, /* \uD800-\uDFFF escape not forming a valid pair */
  HJSON_E_CONTROL,   /* raw control character U+0000-U+001F inside a string */
  HJSON_E_DUPLICATE, /* a member name repeated in one object */
  HJSON_E_DEPTH,     /* arrays/objects nested deeper than max_depth */
  HJSON_E_RANGE,     /* number overflows a double (e.g. 1e400) */
  HJSON_E_NUL,       /* \u0000 in a string while options.reject_nul is set */
  HJSON_E_LIMIT,     /* input longer than max_bytes, or more than max_nodes values */
  HJSON_E_NOMEM      /* allocation failed */
} hjson_code;

/* Filled on failure.  msg is static text ("expected ':' after member name"),
 * offset the byte offset where the problem was found, pointer the RFC 6901
 * pointer of the value being read ("" for the root, "/modules/0/id"); a NUL
 * byte inside a member name is shown as the six characters \u0000. */
typedef struct {
  hjson_code code;
  const char *msg;
  size_t offset;
  char pointer[HJSON_POINTER_MAX];
} hjson_error;

typedef struct {
  unsigned max_depth;   /* 0: HJSON_DEFAULT_MAX_DEPTH; the root array/object is depth 1 */
  int reject_nul;       /* 0 (default): \u0000 kept faithfully; 1: HJSON_E_NUL */
  int allow_duplicates; /* 0 (default): HJSON_E_DUPLICATE; 1: both members kept, in order */
  size_t max_bytes;     /* 0: no limit on the input length */
  size_t max_nodes;     /* 0: no limit on the number of values */
} hjson_options;

typedef struct hjson_doc hjson_doc;

/* A reusable document: parse into it many times, its arena memory is reused.
 * Returns NULL when out of memory.  Free with hjson_doc_free. */
hjson_doc *hjson_doc_new(void);
void hjson_doc_free(hjson_doc *doc);

/* Reads exactly RFC 8259 JSON from data[0..len) (no NUL terminator needed; a NUL
 * byte in the input is an error like any other stray byte).  opts may be NULL
 * for the defaults.  Returns the root node, owned by doc and valid until the
 * next hjson_parse on doc or hjson_doc_free; NULL on error with *err filled
 * (err may be NULL).  Any tree the doc held before is released first. */
const cJSON *hjson_parse(hjson_doc *doc, const char *data, size_t len,
                         const hjson_options *opts, hjson_error *err)
    __attribute__((warn_unused_result));

/* The bytes of a string node (cJSON_String): *len gets the true length (NUL bytes
 * included).  Works on nodes from cJSON itself too (then strlen).  NULL if the
 * node is not a string. */
const char *hjson_string(const cJSON *node, size_t *len);

/* The member name of node (an object member) and its true length; NULL when the
 * node is not an object member. */
const char *hjson_key(const cJSON *node, size_t *len);

/* The number's text as written ("-0.50e3"), or NULL for nodes not made by the
 * reader or not numbers. */
const char *hjson_number_text(const cJSON *node);

/* Member lookup by exact bytes (no case folding, NUL bytes significant).
 * Returns NULL when absent. */
const cJSON *hjson_get(const cJSON *object, const char *name, size_t name_len);

/* Human name of an error code ("syntax", "utf8", ...), static. */
const char *hjson_code_name(hjson_code code);

/* ---- JSON pointers (hjson_pointer.c) ---- */

/* Appends one reference token to a JSON pointer held in buf (capacity cap,
 * current length *len), escaping '~' as "~0" and '/' as "~1" (RFC 6901) and a
 * NUL byte as "\u0000".  On overflow the pointer ends in "..." and 0 is
 * returned; otherwise 1. */
int hjson_pointer_push(char *buf, size_t cap, size_t *len, const char *token, size_t token_len);
/* The same for an array index. */
int hjson_pointer_push_index(char *buf, size_t cap, size_t *len, size_t index);

/* Decodes one reference token tok[0..n) (the text between two '/') into out,
 * which has room for n bytes: "~1" becomes '/', "~0" '~'; any other '~' is
 * kept as it is.  Returns the decoded length (<= n); out is not terminated. */
size_t hjson_pointer_unescape(const char *tok, size_t n, char *out);

/* Resolves an RFC 6901 pointer ("" or "/a/0/b~1c") in the tree under root.  The
 * pointer is NOT a URI fragment: strip a leading '#' and percent-decoding is the
 * caller's business.  Returns NULL when a token is missing, an index is not a
 * plain decimal or out of range, or an escape is invalid ('~' not followed by 0
 * or 1); *why (may be NULL) then gets a static reason. */
const cJSON *hjson_pointer_get(const cJSON *root, const char *pointer, size_t len,
                               const char **why);

/* ---- equality (hjson_equal.c) ---- */

/* Structural equality of two JSON values (numbers by value, strings by bytes,
 * objects regardless of member order).  Used by enum and uniqueItems. */
int hjson_equal(const cJSON *a, const cJSON *b);

/* A hash consistent with hjson_equal (equal values hash equal). */
uint64_t hjson_hash(const cJSON *node);

/* ---- hbuf: a growable byte buffer with a hard limit ----------------------
 * Every layer that assembles text from peer data (reports, reproducers,
 * redacted excerpts, generated bodies) uses it.  Appending past `limit` sets
 * toobig, a failed allocation sets nomem; after either, appends are ignored, so
 * callers check once at the end.  The content is always NUL-terminated when
 * p != NULL.  Initialise with `hbuf b = {0}` (limit 0: HBUF_MAX) and set
 * b.limit to cap it; free b.p with free() or hbuf_free. */
#define HBUF_MAX ((size_t)1 << 30)
typedef struct {
  char *p;
  size_t n, cap;
  size_t limit; /* 0: HBUF_MAX */
  int toobig, nomem;
} hbuf;

/* Appends s[0..n); returns 1, or 0 once the buffer has failed. */
int hbuf_add(hbuf *b, const void *s, size_t n);
int hbuf_puts(hbuf *b, const char *s);
/* printf-style appends; an encoding error (vsnprintf < 0) fails the buffer
 * as nomem does. */
int hbuf_printf(hbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hbuf_vprintf(hbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Makes room for extra more bytes (and the NUL) without adding any: the
 * caller may then write up to p[n + extra] directly and move n itself.
 * Returns 1, or 0 (toobig or nomem set) when that room cannot be had. */
int hbuf_reserve(hbuf *b, size_t extra);
/* Hands the text over: returns it (malloc'd, NUL-terminated, "" when nothing
 * was added; free() it) with its length in *len (len may be NULL), or NULL
 * when the buffer has failed (the text is freed then).  Either way b is left
 * empty, its flags and limit kept. */
char *hbuf_finish(hbuf *b, size_t *len) __attribute__((warn_unused_result));
void hbuf_free(hbuf *b);

/* Turns a URI fragment frag[0..n) (the text after '#' of "#/a%20b/c~1d") into
 * the RFC 6901 pointer it names, in out (NUL-terminated): percent-decoded,
 * then checked (empty or starting with '/', every '~' followed by 0 or 1).
 * Returns 1, or 0 with a static reason in *why.  The spec's $refs and the
 * schema compiler's references go through it. */
int hjson_fragment_pointer(const char *frag, size_t n, hbuf *out, const char **why);

/* ---- escaping one pointer token (hjson_pointer.c) ---- */

/* How a reference token is escaped.  Every style writes '~' as "~0" and '/'
 * as "~1" (RFC 6901); they differ in the other bytes:
 *   HJSON_ESC_POINTER   all kept as they are (NUL too): a plain JSON pointer;
 *   HJSON_ESC_URI       a URI fragment (RFC 3986): all but letters, digits and
 *                       -._~!$&'()*+,;=:@? as %XX (upper case), non-ASCII too;
 *   HJSON_ESC_READABLE  a fragment that stays readable: only bytes 0x00-0x20,
 *                       0x7F, '"', '%', '#' and '\' as %XX, UTF-8 kept.
 * Percent-decoding either fragment style gives back the plain pointer. */
typedef enum { HJSON_ESC_POINTER = 0, HJSON_ESC_URI, HJSON_ESC_READABLE } hjson_escape;

/* Escapes token tok[0..n) into out, which has room for 3 * n bytes; out may be
 * NULL to measure.  Returns the escaped length (out is not terminated). */
size_t hjson_pointer_escape(const char *tok, size_t n, hjson_escape style, char *out);
/* Appends "/" and the escaped token to b; returns 1, or 0 once b has failed
 * (then nothing of the token is added). */
int hjson_pointer_append(hbuf *b, const char *tok, size_t n, hjson_escape style);

#endif
