/* Internal to harness/schema/: shared between hschema.c (compiler and
 * validator), pattern.c (PCRE2) and format.c (numbers, RFC 3339).  Not part of
 * the public contract; nothing outside this folder includes it. */
#ifndef HSCHEMA_IMPL_H
#define HSCHEMA_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* ---- decimal numbers, exact from their text (format.c) ----
 * A number written in JSON ("-0.50e3") read as sign, significant digits and a
 * decimal exponent: value = (neg ? -1 : 1) * 0.D * 10^exp, where D is the run
 * of significant digits (no leading or trailing zeros) spread over the integer
 * and fraction parts of the text.  Zero has nd == 0. */
typedef struct {
  int neg;
  const char *ip; /* integer-part digits of the text */
  size_t ni;
  const char *fp; /* fraction digits of the text */
  size_t nf;
  size_t lo;   /* first significant digit, index into ip ++ fp */
  size_t nd;   /* number of significant digits */
  int64_t exp; /* value = 0.D * 10^exp */
} hdec;

/* Parses JSON number text; 0 when the text is not a JSON number. */
int hdec_parse(hdec *d, const char *text, size_t len);
/* The number text of a cJSON number node: the reader's exact text when it made
 * the node, otherwise the double printed with 17 significant digits into buf
 * (capacity >= 32).  Parses it into *d; 0 when not a number. */
int hdec_of_node(hdec *d, const cJSON *node, char *buf, size_t cap);
int hdec_is_integer(const hdec *d);
/* -1, 0, 1 as a <, ==, > b (exact). */
int hdec_cmp(const hdec *a, const hdec *b);
/* 1 when the integer d lies in [-2^(bits-1), 2^(bits-1)-1]; bits 32 or 64.
 * d must be an integer. */
int hdec_fits_int(const hdec *d, int bits);
/* multipleOf: 1 when x is a multiple of m (m > 0), exact when both scale to
 * integers below 10^18, else within a relative tolerance of 1e-9. */
int hdec_is_multiple(const hdec *x, double xv, const hdec *m, double mv);

/* ---- patterns (pattern.c) ---- */
typedef struct hpattern hpattern;     /* one compiled pattern (immutable) */
typedef struct hpattern_cache hpattern_cache; /* per set: pattern text -> hpattern */
typedef struct hpattern_matcher hpattern_matcher; /* per result: match data, limits */

hpattern_cache *hpattern_cache_new(void);
void hpattern_cache_free(hpattern_cache *c);
/* Number of patterns held; hpattern_cache_truncate(c, n) frees those added after
 * the cache held n (rollback of a failed compile). */
size_t hpattern_cache_size(const hpattern_cache *c);
void hpattern_cache_truncate(hpattern_cache *c, size_t n);
/* The compiled pattern for src[0..len); compiles it on first use.  NULL on a
 * compile error or out of memory, with a message in err (capacity cap). */
const hpattern *hpattern_get(hpattern_cache *c, const char *src, size_t len, char *err,
                             size_t cap);
const char *hpattern_source(const hpattern *p, size_t *len);

hpattern_matcher *hpattern_matcher_new(void);
void hpattern_matcher_free(hpattern_matcher *m);
void hpattern_matcher_forget(hpattern_matcher *m); /* drops the last-match cache */

#define HPATTERN_MATCH 1
#define HPATTERN_NOMATCH 0
#define HPATTERN_LIMIT (-1) /* match or depth limit, JIT stack exhausted */
#define HPATTERN_ERROR (-2) /* invalid UTF-8 subject or another match error */
/* Searches s[0..len) (true length; NUL bytes are ordinary characters).
 * trusted_utf8: skip PCRE2's UTF-8 check (the strict reader validated it). */
int hpattern_match(hpattern_matcher *m, const hpattern *p, const char *s, size_t len,
                   int trusted_utf8);

/* ---- RFC 3339 (format.c): the public hschema_is_date_time / hschema_is_date ---- */

#endif
