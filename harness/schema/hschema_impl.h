/* Internal to harness/schema/: shared between hschema_compile.c (compiler), validate.c
 * (validator), pattern.c (PCRE2) and format.c (numbers, RFC 3339); the words
 * of the messages both use are in hschema_text.c (hschema_text.h).  Not part of
 * the public contract; nothing outside this folder includes it. */
#ifndef HSCHEMA_IMPL_H
#define HSCHEMA_IMPL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "schema/hschema.h"
#include "util/hutil.h"

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
typedef struct hpattern hpattern;                 /* one compiled pattern (immutable) */
typedef struct hpattern_cache hpattern_cache;     /* per set: pattern text -> hpattern */
typedef struct hpattern_matcher hpattern_matcher; /* per result: match data, limits */

hpattern_cache *hpattern_cache_new(void);
void hpattern_cache_free(hpattern_cache *c);
/* Number of patterns held; hpattern_cache_truncate(c, n) frees those added after
 * the cache held n (rollback of a failed compile). */
size_t hpattern_cache_size(const hpattern_cache *c);
void hpattern_cache_truncate(hpattern_cache *c, size_t n);
/* The compiled pattern for src[0..len); compiles it on first use.  NULL on a
 * compile error or out of memory, with a message in err (capacity cap). */
const hpattern *hpattern_get(hpattern_cache *c, const char *src, size_t len, char *err, size_t cap);
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

/* ---- compiled schemas (hschema_compile.c builds them, validate.c walks them) ---- */

#define HSCHEMA_QUOTE_MAX 60 /* bytes of an instance string quoted in a message */

/* type bits */
enum {
  T_NULL = 1 << 0,
  T_BOOLEAN = 1 << 1,
  T_OBJECT = 1 << 2,
  T_ARRAY = 1 << 3,
  T_NUMBER = 1 << 4,
  T_INTEGER = 1 << 5,
  T_STRING = 1 << 6
};

enum { FMT_NONE = 0, FMT_DATE_TIME, FMT_DATE, FMT_INT32, FMT_INT64 };
enum { ADD_ANY = 0, ADD_FALSE, ADD_SCHEMA };

/* schema flags */
enum {
  S_NULLABLE = 1 << 0,
  S_FALSE = 1 << 1, /* the boolean schema false */
  S_DEPRECATED = 1 << 2,
  S_READONLY = 1 << 3,
  S_WRITEONLY = 1 << 4,
  S_UNIQUE = 1 << 5,
  S_HAS_MIN = 1 << 6,
  S_HAS_MAX = 1 << 7,
  S_EXCL_MIN = 1 << 8,
  S_EXCL_MAX = 1 << 9,
  S_HAS_MULT = 1 << 10,
  S_HAS_ENUM = 1 << 11,
  S_HAS_OBJ = 1 << 12, /* some object keyword */
  S_HAS_ARR = 1 << 13, /* some array keyword */
  S_HAS_STR = 1 << 14, /* some string keyword */
  S_HAS_NUM = 1 << 15  /* some number keyword */
};

typedef struct {
  const char *name;
  size_t len;
  const hschema *schema;
} hprop;

typedef struct {
  const char *name;
  size_t len;
  long prop;         /* index into props, -1 when not declared */
  const hschema *ps; /* the property's schema, here or through $ref/allOf; NULL if none */
} hreq;

struct hschema {
  const cJSON *node;
  const char *loc; /* with the set's name prefix */
  unsigned flags;
  unsigned types; /* 0: any type */
  const hschema *ref;
  /* effective readOnly / writeOnly (through $ref and allOf): where the keyword stands */
  const hschema *ro_src, *wo_src;
  /* object */
  hprop *props;
  size_t n_props;
  uint32_t *ptab; /* open addressing, prop index + 1, 0 empty */
  size_t pmask;
  int addl;
  const hschema *addl_schema;
  hreq *req;
  size_t n_req;
  size_t min_props, max_props;
  /* combinators */
  const hschema **all, **any, **one, *not_;
  size_t n_all, n_any, n_one;
  /* enum */
  const cJSON **enums;
  size_t n_enum;
  const char *enum_desc;
  uint64_t *ehash; /* hjson_hash of each enum value (large enums only) */
  size_t *etab;    /* open addressing, enum index + 1, 0 empty; NULL: linear scan */
  size_t emask;
  /* string */
  const hpattern *pattern;
  size_t min_len, max_len;
  int format;
  /* array */
  const hschema *items;
  const hschema **tuple;
  size_t n_tuple;
  int addl_items;
  const hschema *addl_items_schema;
  size_t min_items, max_items;
  /* number */
  hdec min, max, mult;
  double minv, maxv, multv;
  const char *min_text, *max_text, *mult_text; /* the keywords' number text */
  /* compile bookkeeping */
  int color;
  int depth;
};

/* Property lookup: an open-addressing table per object schema, hashed on the
 * length and three bytes, compared by length and memcmp (exact bytes). */
static inline uint32_t hschema_prop_hash(const char *name, size_t len) {
  uint32_t h = (uint32_t)len * 2654435761u;
  if (len) {
    h ^= (uint32_t)(unsigned char)name[0] * 0x9E3779B1u;
    h ^= (uint32_t)(unsigned char)name[len - 1] * 0x85EBCA6Bu;
    h ^= (uint32_t)(unsigned char)name[len / 2] * 0xC2B2AE35u;
  }
  return h ^ (h >> 15);
}

static inline const hprop *hschema_prop_find(const hschema *s, const char *name, size_t len) {
  size_t mask = s->pmask;
  for (size_t i = hschema_prop_hash(name, len) & mask; s->ptab[i]; i = (i + 1) & mask) {
    const hprop *p = &s->props[s->ptab[i] - 1];
    if (p->len == len && (len == 0 || (p->name[0] == name[0] && !memcmp(p->name, name, len))))
      return p;
  }
  return NULL;
}

/* ---- the set (hschema_set.c) ---- */

struct hschema_set {
  const cJSON *root;
  char *name; /* "" when none */
  hutil_arena arena;
  hschema **list; /* every compiled schema, in creation order */
  size_t n, cap, pending;
  hschema **map; /* node -> schema, open addressing */
  size_t mcap;
  hpattern_cache *patterns;
};

/* The schema compiled from node, or NULL. */
hschema *hschema_set_find(const hschema_set *set, const cJSON *node);
/* Enters list[n - 1] (just appended) into the node map, growing it as needed;
 * 0 when out of memory (the map is unchanged then). */
int hschema_set_map_add(hschema_set *set);
/* Rebuilds the node map from list[0..n) (after a compile was rolled back). */
void hschema_set_map_refill(hschema_set *set);

#endif
