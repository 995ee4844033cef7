/* ECMA-262 flavoured regular expressions on PCRE2.
 *
 * Options: PCRE2_UTF (code points, UTF-8 subjects), PCRE2_DOLLAR_ENDONLY ('$'
 * never matches before a trailing newline), PCRE2_ALT_BSUX (\uHHHH as in
 * ECMA-262), PCRE2_ALLOW_EMPTY_CLASS ('[]' matches nothing and '[^]' any
 * character, as in ECMA-262); no PCRE2_UCP, so \d \w \b stay ASCII (\d is
 * [0-9] only, not Arabic-Indic or full-width digits).
 *
 * Where PCRE2 has no option for the ECMA meaning, the pattern is rewritten
 * before it is compiled (the original text is what messages show):
 *  - '.' outside a class: ECMA excludes the four line terminators \n \r U+2028
 *    U+2029, PCRE only its newline; it becomes [^\n\r\u2028\u2029].
 *  - \s and \S: ECMA's white space is Unicode's (U+00A0, U+FEFF, the Zs
 *    spaces, U+2028, U+2029 ...), PCRE's without UCP is ASCII only; \s gains the
 *    missing code points, outside a class and inside one, \S outside a class
 *    becomes the negated class.  (\S inside a class keeps PCRE's meaning: a class
 *    cannot hold a negated set; such patterns are rare.)
 *  - '[' inside a class is a plain character (PCRE reads "[:alpha:]" there).
 *  - \v is U+000B alone (PCRE: any vertical space); escapes that only PCRE
 *    knows (\A \Z \z \G \K \Q \E \h \H \R \X \N \C \g \e \a \o \L \l \F)
 *    are ECMA identity escapes: the letter itself.  Patterns are searched (unanchored) as
 * JSON Schema says.  Each distinct pattern text is compiled once per set, with
 * JIT when available; matching state (match data, limits, JIT stack, last-match
 * cache) belongs to one hschema_result, so several threads may match the same
 * compiled pattern at once. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/hschema_impl.h"
#include "util/hutil.h"

#define HPATTERN_MATCH_LIMIT 1000000u /* backtracking steps per match */
#define HPATTERN_DEPTH_LIMIT 10000u   /* nested backtracking frames */
#define HPATTERN_HEAP_LIMIT 8192u     /* KiB of interpreter heap per match */
#define HPATTERN_JIT_STACK_MIN (32u * 1024u)
#define HPATTERN_JIT_STACK_MAX (1024u * 1024u)
#define HPATTERN_MAX_SOURCE 65536u /* bytes of one pattern's text */

struct hpattern {
  char *src; /* the pattern text (may contain NUL bytes) */
  size_t len;
  uint64_t hash;
  pcre2_code *code;
};

struct hpattern_cache {
  hpattern **items; /* in insertion order */
  size_t n, cap;
  size_t *table; /* open addressing: index + 1, 0 empty */
  size_t tcap;   /* power of two */
};

struct hpattern_matcher {
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jstack;
  /* the last match: the spec repeats one pattern in allOf five times */
  const hpattern *last_p;
  const char *last_s;
  size_t last_len;
  int last_result;
};

hpattern_cache *hpattern_cache_new(void) { return calloc(1, sizeof(hpattern_cache)); }

static void pattern_free(hpattern *p) {
  if (!p)
    return;
  pcre2_code_free(p->code);
  free(p->src);
  free(p);
}

void hpattern_cache_free(hpattern_cache *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++)
    pattern_free(c->items[i]);
  free(c->items);
  free(c->table);
  free(c);
}

size_t hpattern_cache_size(const hpattern_cache *c) { return c->n; }

static void table_insert(hpattern_cache *c, size_t index) {
  size_t mask = c->tcap - 1, i = (size_t)c->items[index]->hash & mask;
  while (c->table[i])
    i = (i + 1) & mask;
  c->table[i] = index + 1;
}

static int table_rebuild(hpattern_cache *c, size_t tcap) {
  size_t *t = calloc(tcap, sizeof *t);
  if (!t)
    return 0;
  free(c->table);
  c->table = t;
  c->tcap = tcap;
  for (size_t i = 0; i < c->n; i++)
    table_insert(c, i);
  return 1;
}

void hpattern_cache_truncate(hpattern_cache *c, size_t n) {
  if (n >= c->n)
    return;
  while (c->n > n)
    pattern_free(c->items[--c->n]);
  if (c->table) {
    memset(c->table, 0, c->tcap * sizeof *c->table);
    for (size_t i = 0; i < c->n; i++)
      table_insert(c, i);
  }
}

/* Non-ASCII white space of ECMA-262 \s (WhiteSpace and LineTerminator less the
 * ASCII ones PCRE's \s already has), in PCRE2_ALT_BSUX syntax. */
static const char ecma_space_extra[] =
    "\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
static const char ecma_dot[] = "[^\\n\\r\\u2028\\u2029]";
/* Letters whose escape PCRE2 gives a meaning (\A \Z \z \G \K \Q \E \h \R \X
 * \N \C \g \e \a \o ...) but ECMA-262 does not: there they are identity
 * escapes (Annex B), the letter itself. */
static const char ecma_identity[] = "AaCEeFGgHhKLlNoQRXZz";

/* Writes the PCRE2 form of an ECMA-262 pattern into out (when out is not NULL)
 * and returns its length. */
static size_t ecma_translate(const char *src, size_t len, char *out) {
  size_t o = 0, extra = sizeof ecma_space_extra - 1;
  int in_class = 0;
#define PUT(p, n)                                                                                  \
  do {                                                                                             \
    if (out)                                                                                       \
      memcpy(out + o, (p), (n));                                                                   \
    o += (n);                                                                                      \
  } while (0)
  for (size_t i = 0; i < len; i++) {
    char ch = src[i];
    if (ch == '\\' && i + 1 < len) {
      char e = src[i + 1];
      if (e == 's' && in_class) {
        PUT("\\s", 2);
        PUT(ecma_space_extra, extra);
      } else if (e == 's') {
        PUT("[\\s", 3);
        PUT(ecma_space_extra, extra);
        PUT("]", 1);
      } else if (e == 'S' && !in_class) {
        PUT("[^\\s", 4);
        PUT(ecma_space_extra, extra);
        PUT("]", 1);
      } else if (e == 'v') {
        PUT("\\x0b", 4); /* ECMA \v is VT alone, PCRE's any vertical space */
      } else if (e && strchr(ecma_identity, e)) {
        PUT(&e, 1);
      } else {
        PUT(src + i, 2);
      }
      i++;
      continue;
    }
    if (in_class) {
      if (ch == ']')
        in_class = 0;
      if (ch == '[')
        PUT("\\[", 2); /* ECMA: a plain '['; PCRE would start "[:alpha:]" */
      else
        PUT(&ch, 1);
    } else if (ch == '[') {
      /* with PCRE2_ALLOW_EMPTY_CLASS a ']' right after '[' or '[^' closes */
      in_class = 1;
      PUT(&ch, 1);
      if (i + 1 < len && src[i + 1] == '^') {
        PUT("^", 1);
        i++;
      }
      if (i + 1 < len && src[i + 1] == ']') {
        PUT("]", 1);
        i++;
        in_class = 0;
      }
    } else if (ch == '.') {
      PUT(ecma_dot, sizeof ecma_dot - 1);
    } else {
      PUT(&ch, 1);
    }
  }
#undef PUT
  return o;
}

/* The offset in the pattern as written of an offset PCRE2 reports in the
 * rewritten text: the longest prefix whose rewrite fits (the rewrite is left
 * to right, so its length grows with the prefix). */
static size_t source_offset(const char *src, size_t len, size_t toff) {
  size_t lo = 0, hi = len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo + 1) / 2;
    if (ecma_translate(src, mid, NULL) <= toff)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

const hpattern *hpattern_get(hpattern_cache *c, const char *src, size_t len, char *err,
                             size_t cap) {
  uint64_t h = hutil_fnv1a(src, len, HUTIL_FNV_BASIS);
  hpattern *p = NULL;
  if (c->tcap) {
    size_t mask = c->tcap - 1;
    for (size_t i = (size_t)h & mask; c->table[i]; i = (i + 1) & mask) {
      hpattern *q = c->items[c->table[i] - 1];
      if (q->hash == h && q->len == len && !memcmp(q->src, src, len))
        return q;
    }
  }
  if (len > HPATTERN_MAX_SOURCE) {
    snprintf(err, cap, "pattern is %zu bytes long, over the limit of %u", len,
             (unsigned)HPATTERN_MAX_SOURCE);
    return NULL;
  }
  int code = 0;
  PCRE2_SIZE offset = 0;
  size_t tlen = ecma_translate(src, len, NULL);
  char *tsrc = malloc(tlen ? tlen : 1);
  if (!tsrc) {
    snprintf(err, cap, "out of memory compiling a pattern");
    return NULL;
  }
  ecma_translate(src, len, tsrc);
  pcre2_code *re =
      pcre2_compile((PCRE2_SPTR)tsrc, tlen,
                    PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS,
                    &code, &offset, NULL);
  free(tsrc);
  if (!re) {
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
      snprintf((char *)msg, sizeof msg, "error %d", code);
    snprintf(err, cap, "%s at offset %zu", (const char *)msg,
             source_offset(src, len, (size_t)offset));
    return NULL;
  }
  /* JIT is an optimisation: when it is unavailable the interpreter matches */
  (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  p = calloc(1, sizeof *p);
  if (!p)
    goto nomem;
  p->src = malloc(len + 1);
  if (!p->src)
    goto nomem;
  memcpy(p->src, src, len);
  p->src[len] = '\0';
  p->len = len;
  p->hash = h;
  p->code = re;
  re = NULL;
  if (c->n == c->cap) {
    size_t ncap = c->cap ? c->cap * 2 : 8;
    hpattern **items = realloc(c->items, ncap * sizeof *items);
    if (!items)
      goto nomem;
    c->items = items;
    c->cap = ncap;
  }
  c->items[c->n++] = p;
  if ((c->n + 1) * 2 > c->tcap) {
    if (!table_rebuild(c, c->tcap ? c->tcap * 2 : 16)) {
      c->n--;
      goto nomem;
    }
  } else {
    table_insert(c, c->n - 1);
  }
  return p;
nomem:
  pcre2_code_free(re);
  pattern_free(p);
  snprintf(err, cap, "out of memory compiling a pattern");
  return NULL;
}

const char *hpattern_source(const hpattern *p, size_t *len) {
  *len = p->len;
  return p->src;
}

hpattern_matcher *hpattern_matcher_new(void) {
  hpattern_matcher *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->md = pcre2_match_data_create(1, NULL);
  m->mctx = pcre2_match_context_create(NULL);
  if (!m->md || !m->mctx)
    goto fail;
  pcre2_set_match_limit(m->mctx, HPATTERN_MATCH_LIMIT);
  pcre2_set_depth_limit(m->mctx, HPATTERN_DEPTH_LIMIT);
  pcre2_set_heap_limit(m->mctx, HPATTERN_HEAP_LIMIT);
  /* without a JIT stack of its own JIT uses 32 KiB of the machine stack */
  m->jstack = pcre2_jit_stack_create(HPATTERN_JIT_STACK_MIN, HPATTERN_JIT_STACK_MAX, NULL);
  if (m->jstack)
    pcre2_jit_stack_assign(m->mctx, NULL, m->jstack);
  return m;
fail:
  hpattern_matcher_free(m);
  return NULL;
}

void hpattern_matcher_free(hpattern_matcher *m) {
  if (!m)
    return;
  pcre2_match_data_free(m->md);
  pcre2_match_context_free(m->mctx);
  pcre2_jit_stack_free(m->jstack);
  free(m);
}

void hpattern_matcher_forget(hpattern_matcher *m) {
  m->last_p = NULL;
  m->last_s = NULL;
  m->last_len = 0;
}

int hpattern_match(hpattern_matcher *m, const hpattern *p, const char *s, size_t len,
                   int trusted_utf8) {
  if (m->last_p == p && m->last_s == s && m->last_len == len)
    return m->last_result;
  int rc = pcre2_match(p->code, (PCRE2_SPTR)s, len, 0, trusted_utf8 ? PCRE2_NO_UTF_CHECK : 0, m->md,
                       m->mctx);
  int res;
  if (rc >= 0)
    res = HPATTERN_MATCH;
  else if (rc == PCRE2_ERROR_NOMATCH)
    res = HPATTERN_NOMATCH;
  else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
           rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
           rc == PCRE2_ERROR_NOMEMORY)
    res = HPATTERN_LIMIT;
  else
    res = HPATTERN_ERROR;
  m->last_p = p;
  m->last_s = s;
  m->last_len = len;
  m->last_result = res;
  return res;
}
