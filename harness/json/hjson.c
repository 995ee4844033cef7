/* hjson: strict RFC 8259 reader building cJSON nodes in an arena.  See hjson.h.
 * (JSON pointers are in hjson_pointer.c, equality and hashing in
 * hjson_equal.c, the growable buffer in hbuf.c.)
 *
 * The parser is iterative: an explicit stack of frames (one per open array or
 * object, at most max_depth <= HJSON_HARD_MAX_DEPTH) replaces recursion, so no
 * input can exhaust the C stack.  Every read is bounds-checked against the end
 * of the input; the input need not be NUL-terminated.
 *
 * Memory: nodes, strings and number texts live in the doc's arena (util/hutil.h).
 * A new parse resets it, keeping its blocks, so a loop over many documents
 * stops calling malloc once the blocks are warm.
 * Everything allocated per value is bounded by a constant times the bytes of
 * the value's text (a node is 64 bytes for a value of at least 1 byte, a string
 * copy is never longer than its lexeme), and blocks grow geometrically, so the
 * arena stays within a constant factor of the input length (plus what an
 * earlier parse left, at most ARENA_RETAIN: more is freed at the next parse). */
#include "json/hjson.h"

#include "util/hutil.h"
#include "json/hjson_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ arena */

#define ARENA_RETAIN ((size_t)16 * 1024 * 1024) /* memory kept across parses */
#define KEYSET_MIN_MEMBERS 12 /* below this, duplicate names are found by a linear scan */

typedef struct {
  cJSON *node;     /* the array or object */
  const char *key; /* object: name of the member being read (arena copy) */
  size_t index;    /* array: index of the element being read */
  uint32_t tag; /* object with many members: its names' tag in the doc's name table (0: none yet) */
  size_t members; /* object: members so far */
  unsigned char is_object;
  unsigned char in_member; /* a member/element is being read (pointer includes it) */
} frame;

typedef struct nameslot {
  uint32_t tag;  /* object the name belongs to; < first_tag: empty */
  uint32_t hash; /* high half of the name's hash */
  const char *key;
} nameslot;

struct hjson_doc {
  hutil_arena arena;
  frame *frames;
  size_t frames_cap;
  /* Member names of large objects, for duplicate detection: one open-addressing
   * table for every large object of a parse, entries told apart by tag.  Kept
   * across parses (warm); entries with a tag below first_tag are stale = empty,
   * so no clearing between parses. */
  struct nameslot *names;
  size_t names_cap; /* power of two, or 0 */
  size_t names_used;
  uint32_t next_tag, first_tag;
  uint64_t seed; /* key hash seed, varies per doc */
};

static inline void *arena_alloc(hjson_doc *d, size_t n) { return hutil_arena_alloc(&d->arena, n); }

static void arena_reset(hjson_doc *d) { hutil_arena_reset(&d->arena, ARENA_RETAIN); }

/* Starts a parse of len bytes: older entries of the name table become stale.
 * A parse opens fewer than len objects, so tags cannot wrap within it. */
static void names_reset(hjson_doc *d, size_t len) {
  if (d->names_cap * sizeof(struct nameslot) > ARENA_RETAIN) {
    free(d->names);
    d->names = NULL;
    d->names_cap = 0;
  }
  if (d->next_tag == 0 || (uint64_t)d->next_tag + len >= UINT32_MAX) {
    if (d->names)
      memset(d->names, 0, d->names_cap * sizeof(struct nameslot));
    d->next_tag = 1;
  }
  d->first_tag = d->next_tag;
  d->names_used = 0;
}

hjson_doc *hjson_doc_new(void) {
  hjson_doc *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  /* The seed only has to differ between processes (ASLR) so that colliding
   * names cannot be precomputed; it is not a secret. */
  uintptr_t here = (uintptr_t)&d;
  d->seed = hjson_mix64((uint64_t)(uintptr_t)d ^ ((uint64_t)here << 17) ^ 0x9E3779B97F4A7C15ULL);
  return d;
}

void hjson_doc_free(hjson_doc *doc) {
  if (!doc)
    return;
  hutil_arena_free(&doc->arena);
  free(doc->frames);
  free(doc->names);
  free(doc);
}

/* ------------------------------------------------------- strings in arena */

/* Every node also carries cJSON_IsReference ("valuestring and children are not
 * owned by this node": true, the arena owns them).  cJSON_Duplicate clears that
 * bit but copies HJSON_NODE, and its copies hold strdup'd strings without our
 * length header: only a node with both bits has the header. */
#define NODE_FLAGS (HJSON_NODE | cJSON_IsReference)
static inline int arena_node(const cJSON *n) { return (n->type & NODE_FLAGS) == NODE_FLAGS; }

/* A string is stored as [size_t length][bytes][NUL]; the node points at bytes. */
static inline size_t stored_len(const char *s) {
  size_t n;
  memcpy(&n, s - sizeof(size_t), sizeof n);
  return n;
}

static inline char *arena_string(hjson_doc *d, size_t len) {
  if (len > SIZE_MAX / 2)
    return NULL;
  unsigned char *m = arena_alloc(d, sizeof(size_t) + len + 1);
  if (!m)
    return NULL;
  memcpy(m, &len, sizeof len);
  m[sizeof(size_t) + len] = 0;
  return (char *)m + sizeof(size_t);
}

/* ------------------------------------------------------------------ parser */

typedef struct {
  hjson_doc *doc;
  const unsigned char *start, *end;
  hjson_error *err;
  size_t depth; /* open containers = frames in use */
  unsigned max_depth;
  int reject_nul;
  int allow_dup;
  size_t max_nodes;
  size_t nodes;
} pctx;

static void build_pointer(const pctx *c, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < c->depth; i++) {
    const frame *f = &c->doc->frames[i];
    if (!f->in_member)
      break;
    int ok;
    if (f->is_object)
      ok = hjson_pointer_push(buf, cap, &len, f->key, stored_len(f->key));
    else
      ok = hjson_pointer_push_index(buf, cap, &len, f->index);
    if (!ok)
      break;
  }
}

static void fail(pctx *c, hjson_code code, const char *msg, const unsigned char *at) {
  if (!c->err)
    return;
  c->err->code = code;
  c->err->msg = msg;
  c->err->offset = (size_t)(at - c->start);
  build_pointer(c, c->err->pointer, sizeof c->err->pointer);
}

/* Length of the valid UTF-8 sequence at p (RFC 3629), or 0 with *msg set. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end, const char **msg) {
  hutil_utf8_err why = HUTIL_UTF8_OK;
  size_t n = hutil_utf8_decode(p, (size_t)(end - p), NULL, &why);
  if (!n)
    *msg = hutil_utf8_msg(why);
  return n;
}

/* 0: plain byte inside a string; 1: '"'; 2: '\\'; 3: control; 4: non-ASCII */
static const unsigned char str_class[256] = {
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

/* Reads 4 hex digits of a \u escape at p (p points after "\u"); -1 if invalid. */
static long hex4(const unsigned char *p, const unsigned char *end) {
  return end - p < 4 ? -1 : hutil_hex4((const char *)p);
}

/* Reads the string whose opening quote is at *pp.  On success *out is an arena
 * copy (length header, NUL-terminated) and *pp points after the closing quote. */
static int parse_string(pctx *c, const unsigned char **pp, char **out) {
  const unsigned char *quote = *pp, *p = quote + 1, *end = c->end;
  int escapes = 0;
  for (;;) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* 8 bytes at a time: stop at the first '"', '\\', byte < 0x20 or >= 0x80.
     * The borrow tricks can flag bytes above a true hit, never below one, so
     * the lowest flagged byte is exact. */
    while (end - p >= 8) {
      uint64_t w;
      memcpy(&w, p, 8);
      const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
      uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
      uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | (w - ones * 0x20) | w;
      hit &= high;
      if (hit) {
        p += __builtin_ctzll(hit) >> 3;
        break;
      }
      p += 8;
    }
#endif
    while (p < end && str_class[*p] == 0)
      p++;
    if (p >= end) {
      fail(c, HJSON_E_SYNTAX, "unterminated string", quote);
      return -1;
    }
    unsigned ch = *p;
    if (ch == '"')
      break;
    if (ch == '\\') {
      if (end - p < 2) {
        fail(c, HJSON_E_SYNTAX, "unterminated string", quote);
        return -1;
      }
      switch (p[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't': p += 2; break;
      case 'u': {
        long cp = hex4(p + 2, end);
        if (cp < 0) {
          fail(c, HJSON_E_ESCAPE, "invalid \\u escape: expected 4 hex digits", p);
          return -1;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          fail(c, HJSON_E_SURROGATE,
               "lone low surrogate escape (\\uDC00-\\uDFFF without a high surrogate before it)", p);
          return -1;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          long lo = -1;
          if (end - p >= 12 && p[6] == '\\' && p[7] == 'u')
            lo = hex4(p + 8, end);
          if (lo < 0xDC00 || lo > 0xDFFF) {
            fail(c, HJSON_E_SURROGATE,
                 "lone high surrogate escape (\\uD800-\\uDBFF not followed by a low surrogate "
                 "escape)",
                 p);
            return -1;
          }
          p += 12;
          break;
        }
        if (cp == 0 && c->reject_nul) {
          fail(c, HJSON_E_NUL, "\\u0000 in string", p);
          return -1;
        }
        p += 6;
        break;
      }
      default: fail(c, HJSON_E_ESCAPE, "invalid escape sequence", p); return -1;
      }
      escapes = 1;
      continue;
    }
    if (ch < 0x20) {
      fail(c, HJSON_E_CONTROL, "raw control character in string", p);
      return -1;
    }
    const char *msg = NULL;
    size_t n = utf8_seq(p, end, &msg);
    if (!n) {
      fail(c, HJSON_E_UTF8, msg, p);
      return -1;
    }
    p += n;
  }
  const unsigned char *s = quote + 1;
  size_t raw = (size_t)(p - s);
  if (!escapes) {
    char *o = arena_string(c->doc, raw);
    if (!o)
      goto nomem;
    memcpy(o, s, raw);
    *out = o;
  } else {
    /* escapes only shrink: the raw length bounds the decoded one */
    char *o = arena_string(c->doc, raw);
    if (!o)
      goto nomem;
    unsigned char *w = (unsigned char *)o;
    const unsigned char *r = s;
    while (r < p) {
      const unsigned char *bs = memchr(r, '\\', (size_t)(p - r));
      if (!bs)
        bs = p;
      memcpy(w, r, (size_t)(bs - r));
      w += bs - r;
      r = bs;
      if (r >= p)
        break;
      unsigned e = r[1];
      r += 2;
      switch (e) {
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'n': *w++ = '\n'; break;
      case 'r': *w++ = '\r'; break;
      case 't': *w++ = '\t'; break;
      case 'u': {
        unsigned long cp = (unsigned long)hex4(r, p);
        r += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned long lo = (unsigned long)hex4(r + 2, p);
          r += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        w += hutil_utf8_encode((uint32_t)cp, w);
        break;
      }
      default: *w++ = (unsigned char)e; break; /* '"', '\\', '/' */
      }
    }
    size_t len = (size_t)(w - (unsigned char *)o);
    *w = 0;
    memcpy(o - sizeof(size_t), &len, sizeof len);
    *out = o;
  }
  *pp = p + 1;
  return 0;
nomem:
  fail(c, HJSON_E_NOMEM, "out of memory", quote);
  return -1;
}

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline int is_digit(unsigned c) { return c - '0' < 10u; }

/* Reads the number at *pp into node n (valuedouble, valueint, valuestring). */
static int parse_number(pctx *c, const unsigned char **pp, cJSON *n) {
  const unsigned char *start = *pp, *p = start, *end = c->end;
  int neg = 0;
  uint64_t mant = 0;
  int sig = 0;     /* significant digits accumulated in mant */
  int dropped = 0; /* nonzero digits beyond what mant can hold */
  long exp10 = 0;  /* decimal exponent applied to mant */
  if (*p == '-') {
    neg = 1;
    p++;
    if (p >= end || !is_digit(*p)) {
      if (end - p >= 8 && memcmp(p, "Infinity", 8) == 0)
        fail(c, HJSON_E_SYNTAX, "NaN and Infinity are not JSON numbers", start);
      else
        fail(c, HJSON_E_SYNTAX, "expected digit after '-'", p);
      return -1;
    }
  }
  if (*p == '0') {
    p++;
    if (p < end && is_digit(*p)) {
      fail(c, HJSON_E_SYNTAX, "leading zero in number", p - 1);
      return -1;
    }
    if (p < end && (*p == 'x' || *p == 'X')) {
      fail(c, HJSON_E_SYNTAX, "hexadecimal numbers are not JSON", p - 1);
      return -1;
    }
  } else {
    while (p < end && is_digit(*p)) {
      if (sig < 19) {
        mant = mant * 10 + (uint64_t)(*p - '0');
        sig++;
      } else {
        exp10++;
        dropped = 1;
      }
      p++;
    }
  }
  if (p < end && *p == '.') {
    p++;
    if (p >= end || !is_digit(*p)) {
      fail(c, HJSON_E_SYNTAX, "expected digit after decimal point", p);
      return -1;
    }
    while (p < end && is_digit(*p)) {
      if (sig < 19) {
        mant = mant * 10 + (uint64_t)(*p - '0');
        if (mant)
          sig++;
        exp10--;
      } else {
        dropped = 1;
      }
      p++;
    }
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    int eneg = 0;
    if (p < end && (*p == '+' || *p == '-')) {
      eneg = *p == '-';
      p++;
    }
    if (p >= end || !is_digit(*p)) {
      fail(c, HJSON_E_SYNTAX, "expected digit in exponent", p);
      return -1;
    }
    long e = 0;
    while (p < end && is_digit(*p)) {
      if (e < 100000000L)
        e = e * 10 + (*p - '0');
      p++;
    }
    exp10 += eneg ? -e : e;
  }
  size_t tlen = (size_t)(p - start);
  char *text = arena_alloc(c->doc, tlen + 1);
  if (!text) {
    fail(c, HJSON_E_NOMEM, "out of memory", start);
    return -1;
  }
  memcpy(text, start, tlen);
  text[tlen] = 0;
  double v;
  if (!dropped && mant <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
    /* exact: mant and 10^|exp10| are both doubles, one IEEE operation rounds once */
    v = (double)mant;
    if (exp10 < 0)
      v /= pow10_exact[-exp10];
    else
      v *= pow10_exact[exp10];
    if (neg)
      v = -v;
  } else if (mant == 0 && !dropped) {
    v = neg ? -0.0 : 0.0;
  } else {
    /* strtod reads '.' as the decimal point only in the "C" LC_NUMERIC locale,
     * which is the locale every program of this project runs in (none calls
     * setlocale).  glibc's strtod rounds correctly. */
    v = strtod(text, NULL);
    if (isinf(v)) {
      fail(c, HJSON_E_RANGE, "number out of double range", start);
      return -1;
    }
  }
  n->type = cJSON_Number | NODE_FLAGS;
  n->valuedouble = v;
  if (v >= (double)INT_MAX)
    n->valueint = INT_MAX;
  else if (v <= (double)INT_MIN)
    n->valueint = INT_MIN;
  else
    n->valueint = (int)v;
  n->valuestring = text;
  *pp = p;
  return 0;
}

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

/* Is p at a Unicode space character (valid UTF-8) that JSON does not allow as
 * whitespace?  Returns its length or 0. */
static size_t unicode_space(const unsigned char *p, const unsigned char *end) {
  size_t left = (size_t)(end - p);
  if (left >= 2 && p[0] == 0xC2 && (p[1] == 0xA0 || p[1] == 0x85))
    return 2;
  if (left >= 3) {
    unsigned a = p[0], b = p[1], c = p[2];
    if (a == 0xE1 && b == 0x9A && c == 0x80)
      return 3; /* U+1680 */
    if (a == 0xE2 && b == 0x80 && (c <= 0x8A || c == 0xA8 || c == 0xA9 || c == 0xAF))
      return 3; /* U+2000-200A, 2028, 2029, 202F */
    if (a == 0xE2 && b == 0x81 && c == 0x9F)
      return 3; /* U+205F */
    if (a == 0xE3 && b == 0x80 && c == 0x80)
      return 3; /* U+3000 */
    if (a == 0xEF && b == 0xBB && c == 0xBF)
      return 3; /* U+FEFF */
  }
  return 0;
}

/* Reports an unexpected byte (or the end of input) at p with the most specific
 * message; `what` is the generic one ("expected a value"). */
static void fail_unexpected(pctx *c, const unsigned char *p, const char *what, const char *at_end) {
  if (p >= c->end) {
    fail(c, HJSON_E_SYNTAX, at_end, p);
    return;
  }
  unsigned ch = *p;
  if (ch == '\f' || ch == '\v') {
    fail(c, HJSON_E_SYNTAX, "whitespace other than space, tab, LF, CR", p);
  } else if (ch == 0) {
    fail(c, HJSON_E_SYNTAX, "unexpected NUL byte", p);
  } else if (ch >= 0x80) {
    const char *msg = NULL;
    if (!utf8_seq(p, c->end, &msg))
      fail(c, HJSON_E_UTF8, msg, p);
    else if (p == c->start && c->end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
      fail(c, HJSON_E_SYNTAX, "byte order mark", p);
    else if (unicode_space(p, c->end))
      fail(c, HJSON_E_SYNTAX, "whitespace other than space, tab, LF, CR", p);
    else
      fail(c, HJSON_E_SYNTAX, what, p);
  } else if (ch == '\'') {
    fail(c, HJSON_E_SYNTAX, "single-quoted string (JSON strings use double quotes)", p);
  } else if (ch == '/') {
    fail(c, HJSON_E_SYNTAX, "comments are not allowed", p);
  } else {
    fail(c, HJSON_E_SYNTAX, what, p);
  }
}

static inline cJSON *new_node(pctx *c, const unsigned char *at) {
  if (c->max_nodes && ++c->nodes > c->max_nodes) {
    fail(c, HJSON_E_LIMIT, "more values than max_nodes", at);
    return NULL;
  }
  cJSON *n = arena_alloc(c->doc, sizeof *n);
  if (!n) {
    fail(c, HJSON_E_NOMEM, "out of memory", at);
    return NULL;
  }
  n->next = n->prev = n->child = NULL;
  n->type = 0;
  n->valuestring = NULL;
  n->valueint = 0;
  n->valuedouble = 0;
  n->string = NULL;
  return n;
}

/* Doubles the name table, keeping this parse's entries. */
static int names_grow(hjson_doc *d) {
  size_t ncap = d->names_cap ? d->names_cap * 2 : 1024;
  nameslot *ns = calloc(ncap, sizeof *ns); /* tag 0: empty */
  if (!ns)
    return -1;
  for (size_t i = 0; i < d->names_cap; i++) {
    nameslot *o = &d->names[i];
    if (o->tag < d->first_tag)
      continue;
    size_t j = ((size_t)o->hash * 0x9E3779B1u ^ o->tag) & (ncap - 1);
    while (ns[j].tag)
      j = (j + 1) & (ncap - 1);
    ns[j] = *o;
  }
  free(d->names);
  d->names = ns;
  d->names_cap = ncap;
  return 0;
}

/* Adds key to the names of object `tag`: 0 new, 1 already there, -1 no memory. */
static int names_insert(hjson_doc *d, uint32_t tag, const char *key) {
  if ((d->names_used + 1) * 2 > d->names_cap && names_grow(d))
    return -1;
  size_t len = stored_len(key);
  uint64_t h64 = hjson_hash_bytes((const unsigned char *)key, len, d->seed);
  uint32_t h = (uint32_t)(h64 >> 32);
  size_t mask = d->names_cap - 1;
  size_t j = ((size_t)h * 0x9E3779B1u ^ tag) & mask;
  for (;;) {
    nameslot *sl = &d->names[j];
    if (sl->tag < d->first_tag)
      break;
    if (sl->tag == tag && sl->hash == h && stored_len(sl->key) == len &&
        memcmp(sl->key, key, len) == 0)
      return 1;
    j = (j + 1) & mask;
  }
  d->names[j].tag = tag;
  d->names[j].hash = h;
  d->names[j].key = key;
  d->names_used++;
  return 0;
}

/* Checks that key is new in the object of frame f and records it.
 * Returns 0 ok, 1 duplicate, -1 out of memory. */
static int check_member(pctx *c, frame *f, const char *key) {
  hjson_doc *d = c->doc;
  if (!f->tag) {
    size_t len = stored_len(key);
    if (f->members < KEYSET_MIN_MEMBERS) {
      for (const cJSON *m = f->node->child; m; m = m->next) {
        if (stored_len(m->string) == len && memcmp(m->string, key, len) == 0)
          return 1;
      }
      return 0;
    }
    /* switch this object to the hash table: enter the names so far */
    f->tag = d->next_tag++;
    for (const cJSON *m = f->node->child; m; m = m->next) {
      int r = names_insert(d, f->tag, m->string);
      if (r)
        return r < 0 ? -1 : 1;
    }
  }
  return names_insert(d, f->tag, key);
}

static int push_frame(pctx *c, cJSON *node, int is_object) {
  hjson_doc *d = c->doc;
  if (c->depth == d->frames_cap) {
    size_t ncap = d->frames_cap ? d->frames_cap * 2 : 16;
    frame *nf = realloc(d->frames, ncap * sizeof *nf);
    if (!nf)
      return -1;
    d->frames = nf;
    d->frames_cap = ncap;
  }
  frame *f = &d->frames[c->depth++];
  f->node = node;
  f->key = NULL;
  f->index = 0;
  f->tag = 0;
  f->members = 0;
  f->is_object = (unsigned char)is_object;
  f->in_member = 0;
  return 0;
}

static inline void attach(pctx *c, cJSON *n, cJSON **root) {
  if (c->depth == 0) {
    *root = n;
    return;
  }
  frame *f = &c->doc->frames[c->depth - 1];
  cJSON *parent = f->node;
  if (f->is_object)
    n->string = (char *)f->key;
  cJSON *first = parent->child;
  if (!first) {
    parent->child = n;
    n->prev = n;
  } else {
    cJSON *last = first->prev;
    last->next = n;
    n->prev = last;
    first->prev = n;
  }
}

const cJSON *hjson_parse(hjson_doc *doc, const char *data, size_t len, const hjson_options *opts,
                         hjson_error *err) {
  pctx c;
  int no_input = !data && len;
  if (!data) { /* no pointer arithmetic on NULL */
    data = "";
    len = 0;
  }
  c.doc = doc;
  c.start = (const unsigned char *)data;
  c.end = c.start + len;
  c.err = err;
  c.depth = 0;
  c.max_depth = opts && opts->max_depth ? opts->max_depth : HJSON_DEFAULT_MAX_DEPTH;
  if (c.max_depth > HJSON_HARD_MAX_DEPTH)
    c.max_depth = HJSON_HARD_MAX_DEPTH;
  c.reject_nul = opts ? opts->reject_nul : 0;
  c.allow_dup = opts ? opts->allow_duplicates : 0;
  c.max_nodes = opts ? opts->max_nodes : 0;
  c.nodes = 0;
  if (err) {
    err->code = HJSON_OK;
    err->msg = NULL;
    err->offset = 0;
    err->pointer[0] = 0;
  }
  if (!doc) {
    if (err) {
      err->code = HJSON_E_NOMEM;
      err->msg = "no document (hjson_doc_new failed)";
    }
    return NULL;
  }
  arena_reset(doc);
  names_reset(doc, len);
  if (no_input) {
    fail(&c, HJSON_E_SYNTAX, "no input (NULL data with a nonzero length)", c.start);
    return NULL;
  }
  if (opts && opts->max_bytes && len > opts->max_bytes) {
    fail(&c, HJSON_E_LIMIT, "input longer than max_bytes", c.start + opts->max_bytes);
    return NULL;
  }
  if (len == 0) {
    fail(&c, HJSON_E_SYNTAX, "empty input", c.start);
    return NULL;
  }

  cJSON *root = NULL, *n;
  const unsigned char *p = c.start, *end = c.end, *kstart;
  frame *f;
  char *key;

value:
  p = skip_ws(p, end);
  if (p >= end) {
    if (p == c.start || skip_ws(c.start, end) == end)
      fail(&c, HJSON_E_SYNTAX, c.start == end ? "empty input" : "no value (only whitespace)", p);
    else
      fail(&c, HJSON_E_SYNTAX, "unexpected end of input, expected a value", p);
    return NULL;
  }
  if (!(n = new_node(&c, p)))
    return NULL;
  switch (*p) {
  case '"':
    n->type = cJSON_String | NODE_FLAGS;
    if (parse_string(&c, &p, &n->valuestring))
      return NULL;
    attach(&c, n, &root);
    goto after_value;
  case '-':
  case '0':
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
  case '7':
  case '8':
  case '9':
    if (parse_number(&c, &p, n))
      return NULL;
    attach(&c, n, &root);
    goto after_value;
  case '{':
  case '[': {
    int is_obj = *p == '{';
    if (c.depth >= c.max_depth) {
      fail(&c, HJSON_E_DEPTH, "nesting deeper than max_depth", p);
      return NULL;
    }
    n->type = (is_obj ? cJSON_Object : cJSON_Array) | NODE_FLAGS;
    attach(&c, n, &root);
    if (push_frame(&c, n, is_obj)) {
      fail(&c, HJSON_E_NOMEM, "out of memory", p);
      return NULL;
    }
    p = skip_ws(p + 1, end);
    if (p < end && *p == (is_obj ? '}' : ']')) {
      p++;
      c.depth--;
      goto after_value;
    }
    if (is_obj)
      goto member;
    doc->frames[c.depth - 1].in_member = 1;
    goto value;
  }
  case 't':
    if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
      n->type = cJSON_True | NODE_FLAGS;
      n->valueint = 1;
      n->valuedouble = 1;
      p += 4;
      attach(&c, n, &root);
      goto after_value;
    }
    goto bad_literal;
  case 'f':
    if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
      n->type = cJSON_False | NODE_FLAGS;
      p += 5;
      attach(&c, n, &root);
      goto after_value;
    }
    goto bad_literal;
  case 'n':
    if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
      n->type = cJSON_NULL | NODE_FLAGS;
      p += 4;
      attach(&c, n, &root);
      goto after_value;
    }
    goto bad_literal;
  case ']':
    fail(&c, HJSON_E_SYNTAX,
         c.depth && !doc->frames[c.depth - 1].is_object ? "trailing comma in array"
                                                        : "unexpected ']', expected a value",
         p);
    return NULL;
  case '.': fail(&c, HJSON_E_SYNTAX, "number must start with a digit or '-'", p); return NULL;
  case '+': fail(&c, HJSON_E_SYNTAX, "number must not start with '+'", p); return NULL;
  default:
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
      goto bad_literal;
    fail_unexpected(&c, p, "unexpected character, expected a value",
                    "unexpected end of input, expected a value");
    return NULL;
  }
bad_literal:
  if ((end - p >= 3 && memcmp(p, "NaN", 3) == 0) ||
      (end - p >= 8 && memcmp(p, "Infinity", 8) == 0)) {
    fail(&c, HJSON_E_SYNTAX, "NaN and Infinity are not JSON numbers", p);
    return NULL;
  }
  fail(&c, HJSON_E_SYNTAX,
       "invalid literal (expected true, false, null, a number, a string, an array or an object)",
       p);
  return NULL;

after_value:
  if (c.depth == 0)
    goto done;
  f = &doc->frames[c.depth - 1];
  f->in_member = 0;
  p = skip_ws(p, end);
  if (f->is_object) {
    f->members++;
    if (p < end && *p == ',') {
      p = skip_ws(p + 1, end);
      if (p < end && *p == '}') {
        fail(&c, HJSON_E_SYNTAX, "trailing comma in object", p);
        return NULL;
      }
      goto member;
    }
    if (p < end && *p == '}') {
      p++;
      c.depth--;
      goto after_value;
    }
    fail_unexpected(&c, p, "expected ',' or '}' after member value",
                    "unexpected end of input in object");
    return NULL;
  }
  f->index++;
  if (p < end && *p == ',') {
    p++;
    f->in_member = 1;
    goto value;
  }
  if (p < end && *p == ']') {
    p++;
    c.depth--;
    goto after_value;
  }
  fail_unexpected(&c, p, "expected ',' or ']' after array element",
                  "unexpected end of input in array");
  return NULL;

member:
  /* p is past whitespace, at the expected member name */
  f = &doc->frames[c.depth - 1];
  if (p >= end || *p != '"') {
    fail_unexpected(&c, p, "expected member name (a string)", "unexpected end of input in object");
    return NULL;
  }
  kstart = p;
  if (parse_string(&c, &p, &key))
    return NULL;
  f->key = key;
  f->in_member = 1;
  if (!c.allow_dup) {
    int r = check_member(&c, f, key);
    if (r) {
      if (r < 0)
        fail(&c, HJSON_E_NOMEM, "out of memory", p);
      else
        fail(&c, HJSON_E_DUPLICATE, "duplicate member name", kstart);
      return NULL;
    }
  }
  p = skip_ws(p, end);
  if (p >= end || *p != ':') {
    fail_unexpected(&c, p, "expected ':' after member name",
                    "unexpected end of input, expected ':'");
    return NULL;
  }
  p++;
  goto value;

done:
  p = skip_ws(p, end);
  if (p != end) {
    fail_unexpected(&c, p, "trailing data after the value", "");
    return NULL;
  }
  return root;
}

/* --------------------------------------------------------------- accessors */

const char *hjson_string(const cJSON *node, size_t *len) {
  if (!node || (node->type & 0xFF) != cJSON_String || !node->valuestring)
    return NULL;
  if (len)
    *len = arena_node(node) ? stored_len(node->valuestring) : strlen(node->valuestring);
  return node->valuestring;
}

const char *hjson_key(const cJSON *node, size_t *len) {
  if (!node || !node->string)
    return NULL;
  if (len)
    *len = arena_node(node) ? stored_len(node->string) : strlen(node->string);
  return node->string;
}

const char *hjson_number_text(const cJSON *node) {
  if (!node || !(node->type & HJSON_NODE) || (node->type & 0xFF) != cJSON_Number)
    return NULL;
  return node->valuestring;
}

const cJSON *hjson_get(const cJSON *object, const char *name, size_t name_len) {
  if (!object || (object->type & 0xFF) != cJSON_Object)
    return NULL;
  for (const cJSON *m = object->child; m; m = m->next) {
    size_t kl;
    const char *k = hjson_key(m, &kl);
    if (k && kl == name_len && memcmp(k, name, name_len) == 0)
      return m;
  }
  return NULL;
}

/* ------------------------------------------------------------ code names */

const char *hjson_code_name(hjson_code code) {
  switch (code) {
  case HJSON_OK: return "ok";
  case HJSON_E_SYNTAX: return "syntax";
  case HJSON_E_UTF8: return "utf8";
  case HJSON_E_ESCAPE: return "escape";
  case HJSON_E_SURROGATE: return "surrogate";
  case HJSON_E_CONTROL: return "control";
  case HJSON_E_DUPLICATE: return "duplicate";
  case HJSON_E_DEPTH: return "depth";
  case HJSON_E_RANGE: return "range";
  case HJSON_E_NUL: return "nul";
  case HJSON_E_LIMIT: return "limit";
  case HJSON_E_NOMEM: return "nomem";
  }
  return "unknown";
}
