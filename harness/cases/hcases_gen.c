/* hcases_gen.c: the one generator of values from schemas (public API:
 * hcases_gen.h) and the case generator's use of it: a valid value for any
 * schema (objects with every property, one array item, the first enum value,
 * numbers within their bounds, format values, strings within their lengths),
 * recursive schemas bounded through the generator's component stack.
 * See hcases_gen.h and hcases_int.h. */
#include "cases/hcases_gen.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "util/hutil.h"

#define PATTERN_GROUP_DEPTH 32 /* groups open at once */
#define PATTERN_ALTS 16        /* alternatives of one group */
#define CLASS_MAX 128          /* members of one class (printable ASCII and controls) */

/* ---------- the random source ---------- */

void hcgen_rng_seed(hcgen_rng *r, uint64_t seed) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL; /* splitmix64: any seed, 0 too */
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  r->state = z ? z : 0x2545f4914f6cdd1dULL;
}

uint64_t hcgen_rng_next(hcgen_rng *r) {
  uint64_t x = r->state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  r->state = x;
  return x;
}

static uint64_t rng_next_cb(void *ctx) { return hcgen_rng_next(ctx); }

hcgen_rand hcgen_rand_of(hcgen_rng *r) { return (hcgen_rand){rng_next_cb, r}; }

uint64_t hc_rand(gen *g) {
  hcgen_rng r = {g->rng};
  uint64_t x = hcgen_rng_next(&r);
  g->rng = r.state;
  return x;
}

static uint64_t gen_rand_cb(void *ctx) { return hc_rand(ctx); }

/* ---------- strings from patterns ---------- */

typedef struct {
  hcgen_pattern_opts *o;
  char *out;
  size_t cap, n;
  uint64_t choices; /* choices of more than one member so far (CYCLE) */
  int failed;
  int depth; /* groups open */
} pgen;

static void p_put(pgen *p, const char *s, size_t n) {
  if (p->n + n + 1 > p->cap) {
    p->failed = 1;
    return;
  }
  memcpy(p->out + p->n, s, n);
  p->n += n;
}

/* Which of size members a choice takes. */
static size_t p_choose(pgen *p, size_t size) {
  hcgen_pattern_opts *o = p->o;
  if (size > o->pick_max)
    o->pick_max = size;
  size_t k = 0;
  switch (o->pick) {
  case HCGEN_PICK_RANDOM: k = o->rand.next ? (size_t)(o->rand.next(o->rand.ctx) % size) : 0; break;
  case HCGEN_PICK_FIRST: k = 0; break;
  case HCGEN_PICK_LAST: k = size - 1; break;
  case HCGEN_PICK_CYCLE: k = (size_t)((p->choices + o->offset) % size); break;
  case HCGEN_PICK_DIGITS:
    if (size > 1) {
      k = (size_t)(o->offset % size);
      o->offset /= size;
    }
    break;
  }
  p->choices += size > 1;
  return k;
}

/* A class: its members in the order drawn, and the set they make. */
typedef struct {
  char m[CLASS_MAX];
  size_t n;
  unsigned char in[128];
} cls;

static void cls_add(cls *c, unsigned b) {
  if (b < 128 && !c->in[b] && c->n < CLASS_MAX) {
    c->in[b] = 1;
    c->m[c->n++] = (char)b;
  }
}

/* Printable ASCII, letters and digits first, then punctuation, space last, so
 * that a value drawn from a negated class reads as a value. */
static const char printable[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                "-_.~!#$%&'()*+,/:;<=>?@[\\]^`{|}\" ";

static int in_escape_class(char lc, unsigned b) {
  return lc == 'd'   ? (b >= '0' && b <= '9')
         : lc == 'w' ? (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                           b == '_'
                     : (b == ' ' || (b >= '\t' && b <= '\r'));
}

/* Adds the members of a class escape (\d \w \s, \D \W \S) to c; 0 when e is
 * not one. */
static int class_escape(char e, cls *c) {
  if (e == 'd') {
    for (unsigned b = '0'; b <= '9'; b++)
      cls_add(c, b);
  } else if (e == 'w') {
    for (unsigned b = 'a'; b <= 'z'; b++)
      cls_add(c, b);
    for (unsigned b = '0'; b <= '9'; b++)
      cls_add(c, b);
  } else if (e == 's') {
    cls_add(c, ' ');
  } else if (e == 'D' || e == 'W' || e == 'S') {
    char lc = (char)(e - 'A' + 'a');
    for (const char *q = printable; *q; q++)
      if (!in_escape_class(lc, (unsigned char)*q))
        cls_add(c, (unsigned char)*q);
  } else {
    return 0;
  }
  return 1;
}

/* The character a single-character escape \e (not a class escape) stands for
 * at pat[i] (pat[i] == '\\'), its length in *adv; -1 when it is not generated
 * (backreferences, \p, \c, \k, an unknown letter), -2 for \b \B (no
 * character). */
static long escape_char(const char *pat, size_t i, size_t end, size_t *adv) {
  char e = pat[i + 1];
  *adv = 2;
  switch (e) {
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  case 'f': return '\f';
  case 'v': return '\v';
  case '0': return i + 2 < end && isdigit((unsigned char)pat[i + 2]) ? -1 : 0;
  case 'b':
  case 'B': return -2;
  case 'x':
    if (i + 4 <= end && isxdigit((unsigned char)pat[i + 2]) &&
        isxdigit((unsigned char)pat[i + 3])) {
      char h[3] = {pat[i + 2], pat[i + 3], 0};
      *adv = 4;
      return strtol(h, NULL, 16);
    }
    return -1;
  case 'u':
    if (i + 6 <= end) {
      long cp = hutil_hex4(pat + i + 2);
      *adv = 6;
      return cp >= 0xD800 && cp <= 0xDFFF ? -1 : cp; /* a lone surrogate: not generated */
    }
    return -1;
  default: return isalnum((unsigned char)e) || !e ? -1 : (unsigned char)e;
  }
}

/* The end of the atom at pat[i] (one past it). */
static size_t atom_end(const char *pat, size_t i, size_t end) {
  if (pat[i] == '\\') {
    if (i + 1 >= end)
      return end;
    size_t adv;
    if (escape_char(pat, i, end, &adv) >= 0 && i + adv <= end)
      return i + adv;
    return i + 2;
  }
  if (pat[i] == '[') {
    size_t j = i + 1;
    if (j < end && pat[j] == '^')
      j++;
    for (; j < end && pat[j] != ']'; j++)
      if (pat[j] == '\\')
        j++;
    return j < end ? j + 1 : end + 1; /* end + 1: unterminated */
  }
  if (pat[i] == '(') {
    int d = 0;
    for (size_t j = i; j < end; j++) {
      if (pat[j] == '\\') {
        j++;
      } else if (pat[j] == '[') {
        j = atom_end(pat, j, end) - 1;
      } else if (pat[j] == '(') {
        d++;
      } else if (pat[j] == ')' && --d == 0) {
        return j + 1;
      }
    }
    return end + 1;
  }
  size_t k = hutil_utf8_decode((const unsigned char *)pat + i, end - i, NULL, NULL);
  return i + (k ? k : 1);
}

static void p_alts(pgen *p, const char *pat, size_t s, size_t e);

/* A class [...] at pat[i..end). */
static void p_class(pgen *p, const char *pat, size_t i, size_t end) {
  cls c;
  memset(&c, 0, sizeof c);
  int neg = pat[i + 1] == '^';
  size_t j = i + 1 + (size_t)neg, stop = end - 1; /* the ']' */
  while (j < stop && !p->failed) {
    long lo;
    size_t adv = 1;
    if (pat[j] == '\\' && j + 1 < stop) {
      if (class_escape(pat[j + 1], &c)) {
        j += 2;
        continue;
      }
      lo = escape_char(pat, j, stop, &adv);
      if (lo == -2)
        lo = '\b'; /* [\b] is a backspace */
      if (lo < 0) {
        p->failed = 1;
        return;
      }
    } else {
      lo = (unsigned char)pat[j];
    }
    j += adv;
    long hi = lo;
    if (j + 1 < stop && pat[j] == '-') {
      size_t hadv = 1;
      hi = (unsigned char)pat[j + 1];
      if (pat[j + 1] == '\\' && j + 2 < stop) {
        hi = escape_char(pat, j + 1, stop, &hadv);
        if (hi < 0) {
          p->failed = 1;
          return;
        }
      }
      j += 1 + hadv;
    }
    for (long b = lo; b <= hi && b < 128; b++)
      cls_add(&c, (unsigned)b);
  }
  if (neg) {
    cls all;
    memset(&all, 0, sizeof all);
    for (const char *q = printable; *q; q++)
      if (!c.in[(unsigned char)*q])
        cls_add(&all, (unsigned char)*q);
    c = all;
  }
  if (c.n == 0) {
    p->failed = 1; /* empty, or only non-ASCII members: not generated */
    return;
  }
  p_put(p, &c.m[p_choose(p, c.n)], 1);
}

static void p_atom(pgen *p, const char *pat, size_t i, size_t end) {
  char c = pat[i];
  if (c == '(') {
    size_t s = i + 1, e = end - 1; /* inside the parentheses */
    if (s + 1 < e && pat[s] == '?' && pat[s + 1] == ':') {
      s += 2;
    } else if (s + 1 < e && pat[s] == '?' && pat[s + 1] == '<' && pat[s + 2] != '=' &&
               pat[s + 2] != '!') {
      const char *gt = memchr(pat + s, '>', e - s);
      if (!gt) {
        p->failed = 1;
        return;
      }
      s = (size_t)(gt - pat) + 1; /* a named group */
    } else if (s < e && pat[s] == '?') {
      p->failed = 1; /* look-around: not generated */
      return;
    }
    if (++p->depth > PATTERN_GROUP_DEPTH)
      p->failed = 1; /* the stack is the caller's (a server's) */
    else
      p_alts(p, pat, s, e);
    p->depth--;
  } else if (c == '[') {
    p_class(p, pat, i, end);
  } else if (c == '\\') {
    cls k;
    memset(&k, 0, sizeof k);
    size_t adv;
    long ch;
    if (i + 1 >= end) {
      p->failed = 1;
    } else if (class_escape(pat[i + 1], &k)) {
      p_put(p, &k.m[p_choose(p, k.n)], 1);
    } else if ((ch = escape_char(pat, i, end, &adv)) == -2) {
      /* a word boundary matches no character */
    } else if (ch < 0) {
      p->failed = 1;
    } else {
      unsigned char u[4];
      p_choose(p, 1);
      p_put(p, (const char *)u, hutil_utf8_encode((uint32_t)ch, u));
    }
  } else if (c == '.') {
    p_choose(p, 1);
    p_put(p, "x", 1);
  } else if (c == '^' || c == '$') {
    /* anchors match no character */
  } else if (c == ')' || c == '*' || c == '+' || c == '?' || c == ']') {
    p->failed = 1; /* malformed: a quantifier with nothing to repeat, a stray bracket */
  } else {
    p_choose(p, 1);
    p_put(p, pat + i, end - i);
  }
}

static uint64_t p_rand(pgen *p) { return p->o->rand.next ? p->o->rand.next(p->o->rand.ctx) : 0; }

/* A sequence of quantified atoms, pat[i..end). */
static void p_seq(pgen *p, const char *pat, size_t i, size_t end) {
  while (i < end && !p->failed) {
    size_t e = atom_end(pat, i, end);
    if (e > end) {
      p->failed = 1; /* unterminated class or group */
      return;
    }
    long lo = 1, hi = 1;
    size_t q = e;
    if (pat[i] == '^' || pat[i] == '$' ||
        (pat[i] == '\\' && (pat[i + 1] == 'b' || pat[i + 1] == 'B'))) {
      /* an assertion: not quantified */
    } else if (q < end && (pat[q] == '?' || pat[q] == '*' || pat[q] == '+')) {
      lo = pat[q] == '+';
      hi = pat[q] == '?' ? 1 : -1;
      q++;
    } else if (q + 1 < end && pat[q] == '{' && isdigit((unsigned char)pat[q + 1])) {
      char *x;
      long a = strtol(pat + q + 1, &x, 10), b = a;
      if (*x == ',') {
        b = x[1] == '}' ? -1 : isdigit((unsigned char)x[1]) ? strtol(x + 1, &x, 10) : -2;
        if (b == -1)
          x++;
      }
      if (*x == '}' && b != -2 && (b < 0 || b >= a)) {
        lo = a;
        hi = b;
        q = (size_t)(x - pat) + 1;
      } /* else a literal '{', read as the next atom */
    }
    if (q > e && q < end && pat[q] == '?')
      q++; /* lazy: the same strings */
    if ((size_t)lo > p->cap) {
      p->failed = 1; /* more than fits */
      return;
    }
    long extra = p->o->stretch > 0 ? p->o->stretch : 0;
    if (p->o->spread > 0 && p->o->rand.next && (hi < 0 || hi > lo))
      extra += (long)(p_rand(p) % (uint64_t)(p->o->spread + 1));
    if (extra > HCGEN_REPEAT_MAX)
      extra = HCGEN_REPEAT_MAX;
    long reps = lo + extra;
    if (hi >= 0 && reps > hi)
      reps = hi;
    for (long r = 0; r < reps && !p->failed; r++)
      p_atom(p, pat, i, e);
    i = q;
  }
}

/* Alternatives a|b|c at one level of pat[s..e): one is generated. */
static void p_alts(pgen *p, const char *pat, size_t s, size_t e) {
  size_t starts[PATTERN_ALTS], ends[PATTERN_ALTS], n = 0, a = s;
  for (size_t j = s; j <= e; j++) {
    if (j == e || pat[j] == '|') {
      if (n == PATTERN_ALTS) {
        p->failed = 1;
        return;
      }
      starts[n] = a;
      ends[n++] = j;
      a = j + 1;
    } else if (pat[j] == '\\' || pat[j] == '[' || pat[j] == '(') {
      size_t x = atom_end(pat, j, e);
      if (x > e) {
        p->failed = 1;
        return;
      }
      j = x - 1;
    }
  }
  size_t k = n > 1 ? p_choose(p, n) : 0;
  p_seq(p, pat, starts[k], ends[k]);
}

int hcgen_pattern(const char *pattern, hcgen_pattern_opts *o, char *out, size_t cap, size_t *len) {
  if (!pattern || !o || !out || cap == 0)
    return 0;
  pgen p = {.o = o, .out = out, .cap = cap};
  p_alts(&p, pattern, 0, strlen(pattern));
  out[p.failed ? 0 : p.n] = '\0';
  if (len)
    *len = p.failed ? 0 : p.n;
  return !p.failed;
}

int hc_gen_pattern(gen *g, const char *pat, char *out, size_t cap) {
  hcgen_pattern_opts o = {.pick = g->pick, .offset = g->pick_offset, .rand = {gen_rand_cb, g}};
  int ok = hcgen_pattern(pat, &o, out, cap, NULL);
  if (o.pick_max > g->pick_max)
    g->pick_max = o.pick_max;
  return ok;
}

/* ---------- values of a format: valid ones and near misses ---------- */

typedef struct {
  const char *format;
  int valid;
  hcgen_fval v;
} fentry;

/* Valid values spread over each format's grammar, and near misses that break
 * it in one place.  The first valid value of a format is the one generated. */
static const fentry formats[] = {
    {"date-time", 1, {"utc", "in UTC (Z)", "2026-01-02T03:04:05Z"}},
    {"date-time",
     1,
     {"leap-day-offset", "on a leap day, with a fraction and an offset",
      "2024-02-29T23:59:59.999+05:30"}},
    {"date-time", 1, {"negative-offset", "with a negative offset", "2026-12-31T23:59:59-08:00"}},
    {"date-time", 0, {"month-13", "in month 13", "2026-13-02T03:04:05Z"}},
    {"date-time", 0, {"february-30", "on February 30", "2026-02-30T03:04:05Z"}},
    {"date-time", 0, {"not-leap-year", "on February 29 of a common year", "2025-02-29T03:04:05Z"}},
    {"date-time", 0, {"hour-24", "at hour 24", "2026-01-02T24:00:00Z"}},
    {"date-time", 0, {"no-offset", "without a time zone offset", "2026-01-02T03:04:05"}},
    {"date-time", 0, {"date-only", "a date without a time", "2026-01-02"}},
    {"date-time", 0, {"one-digit-month", "with a one-digit month", "2026-1-02T03:04:05Z"}},
    {"date", 1, {"plain", "a plain date", "2026-01-02"}},
    {"date", 1, {"leap-day", "a leap day", "2024-02-29"}},
    {"date", 0, {"february-30", "February 30", "2026-02-30"}},
    {"date", 0, {"not-leap-year", "February 29 of a common year", "2025-02-29"}},
    {"date", 0, {"month-13", "month 13", "2026-13-01"}},
    {"date", 0, {"one-digit-month", "a one-digit month", "2026-1-02"}},
    {"date", 0, {"date-time", "a date-time", "2026-01-02T03:04:05Z"}},
    {"time", 1, {"utc", "in UTC (Z)", "03:04:05Z"}},
    {"time", 1, {"offset", "with a fraction and an offset", "23:59:59.5+05:30"}},
    {"uuid", 1, {"lower-case", "in lower case", "0b9e8f3c-6a1d-4c2e-9f7a-5d3b2a1c0e4f"}},
    {"uuid", 1, {"upper-case", "in upper case", "0B9E8F3C-6A1D-4C2E-9F7A-5D3B2A1C0E4F"}},
    {"uuid", 0, {"non-hex", "with a non-hex character", "0b9e8f3c-6a1d-4c2e-9f7a-5d3b2a1c0e4g"}},
    {"uuid",
     0,
     {"short-group", "with a group one digit short", "0b9e8f3c-6a1d-4c2e-9f7a-5d3b2a1c0e4"}},
    {"uuid",
     0,
     {"long-group", "with a group one digit long", "0b9e8f3c-6a1d-4c2e-9f7a-5d3b2a1c0e4f0"}},
    {"uuid", 0, {"no-hyphens", "without hyphens", "0b9e8f3c6a1d4c2e9f7a5d3b2a1c0e4f"}},
    {"uuid", 0, {"braces", "in braces", "{0b9e8f3c-6a1d-4c2e-9f7a-5d3b2a1c0e4f}"}},
    {"email", 1, {"plain", "a plain address", "apiharness@example.com"}},
    {"email", 1, {"tagged", "with dots and a +tag", "first.last+tag@example.co.uk"}},
    {"email", 0, {"no-at", "without '@'", "apiharness.example.com"}},
    {"email", 0, {"two-at", "with two '@'", "api@harness@example.com"}},
    {"email", 0, {"no-domain", "without a domain", "apiharness@"}},
    {"email", 0, {"no-local-part", "without a local part", "@example.com"}},
    {"email", 0, {"space", "with a space", "api harness@example.com"}},
    {"idn-email", 1, {"plain", "a plain address", "apiharness@example.com"}},
    {"uri", 1, {"https", "an https URI", "https://example.com/apiharness"}},
    {"uri", 1, {"query-fragment", "with a query and a fragment", "https://example.com/a?b=c#d"}},
    {"uri", 1, {"urn", "a URN", "urn:isbn:0451450523"}},
    {"uri", 0, {"no-scheme", "without a scheme", "example.com/apiharness"}},
    {"uri", 0, {"relative", "a relative reference", "/apiharness"}},
    {"uri", 0, {"space", "with a space", "https://example.com/api harness"}},
    {"uri", 0, {"digit-scheme", "with a scheme starting with a digit", "1https://example.com"}},
    {"url", 1, {"https", "an https URL", "https://example.com/apiharness"}},
    {"iri", 1, {"https", "an https IRI", "https://example.com/apiharness"}},
    {"uri-reference", 1, {"https", "an absolute URI", "https://example.com/apiharness"}},
    {"uri-reference", 1, {"relative", "a relative reference", "/apiharness"}},
    {"iri-reference", 1, {"https", "an absolute IRI", "https://example.com/apiharness"}},
    {"hostname", 1, {"plain", "a plain host name", "apiharness.example.com"}},
    {"idn-hostname", 1, {"plain", "a plain host name", "apiharness.example.com"}},
    {"ipv4", 1, {"documentation", "a documentation address", "192.0.2.1"}},
    {"ipv6", 1, {"documentation", "a documentation address", "2001:db8::1"}},
    {"byte", 1, {"base64", "base64 text", "YXBpaGFybmVzcw=="}},
};

size_t hcgen_format_values(const char *format, int valid, const hcgen_fval **out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; format && i < sizeof formats / sizeof formats[0] && n < cap; i++)
    if (formats[i].valid == valid && !strcmp(formats[i].format, format))
      out[n++] = &formats[i].v;
  return n;
}

const char *hcgen_format_value(const char *format) {
  const hcgen_fval *v;
  return hcgen_format_values(format, 1, &v, 1) ? v->value : NULL;
}

static int is_hex(char c) { return isxdigit((unsigned char)c) != 0; }

static int uuid_ok(const char *s) {
  if (strlen(s) != 36)
    return 0;
  for (size_t i = 0; i < 36; i++)
    if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !is_hex(s[i]))
      return 0;
  return 1;
}

/* The printable ASCII a URI may hold (RFC 3986 2: unreserved, reserved, '%'). */
static int uri_char(char c) {
  return isalnum((unsigned char)c) || (c && strchr("-._~:/?#[]@!$&'()*+,;=%", c));
}

static int uri_ok(const char *s) {
  /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986 3.1) */
  if (!isalpha((unsigned char)s[0]))
    return 0;
  size_t i = 1;
  while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
    i++;
  if (s[i] != ':')
    return 0;
  for (; s[i]; i++)
    if (!uri_char(s[i]))
      return 0;
  return 1;
}

static int email_ok(const char *s) {
  const char *at = strchr(s, '@');
  if (!at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
    return 0;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("()<>[]:;,\\\"", *p))
      return 0;
  return 1;
}

int hcgen_format_check(const char *format, const char *s) {
  if (!format || !s)
    return -1;
  if (!strcmp(format, "uuid"))
    return uuid_ok(s);
  if (!strcmp(format, "uri"))
    return uri_ok(s);
  if (!strcmp(format, "email"))
    return email_ok(s);
  return -1;
}

void hcgen_uuid(uint64_t hi, uint64_t lo, char out[37]) {
  snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(hi >> 32),
           (unsigned)(hi >> 16 & 0xffff), (unsigned)(hi & 0xfff),
           (unsigned)(0x8000 | (lo >> 48 & 0x3fff)), (unsigned long long)(lo & 0xffffffffffffULL));
}

/* ---------- numbers ---------- */

/* The range a format implies (int32, int64), on top of minimum / maximum. */
static void format_range(const hcview *v, double *lo, double *hi) {
  *lo = -INFINITY;
  *hi = INFINITY;
  if (v->format && !strcmp(v->format, "int32")) {
    *lo = -2147483648.0;
    *hi = 2147483647.0;
  } else if (v->format && !strcmp(v->format, "int64")) {
    *lo = -9223372036854775808.0;
    *hi = 9223372036854774784.0; /* the largest double below 2^63 */
  }
}

int hcgen_number_ok(const hcview *v, double x) {
  if (!isfinite(x))
    return 0;
  if (hcview_is_type(v, "integer") && x != floor(x))
    return 0;
  if (v->has_min && (v->excl_min ? x <= v->min : x < v->min))
    return 0;
  if (v->has_max && (v->excl_max ? x >= v->max : x > v->max))
    return 0;
  double flo, fhi;
  format_range(v, &flo, &fhi);
  if (x < flo || x > fhi)
    return 0;
  if (v->multiple_of > 0) {
    double q = x / v->multiple_of;
    if (fabs(q - nearbyint(q)) > 1e-9 * (fabs(q) > 1 ? fabs(q) : 1))
      return 0;
  }
  return 1;
}

/* The step values move by: multipleOf (for an integer, its least multiple
 * that is whole), 1 for an integer, 0 for a number without multipleOf. */
static double number_step(const hcview *v) {
  int integer = hcview_is_type(v, "integer");
  double m = v->multiple_of;
  if (m <= 0)
    return integer ? 1 : 0;
  if (!integer || m == floor(m))
    return m;
  for (int k = 2; k <= 1000; k++)
    if (fabs(k * m - nearbyint(k * m)) < 1e-9)
      return nearbyint(k * m);
  return 0;
}

int hcgen_number_text(const hcview *v, double x, char *buf, size_t cap) {
  char t[40];
  if (x == nearbyint(x) && fabs(x) < 1e15) {
    snprintf(t, sizeof t, "%.0f", x);
  } else {
    double tol = 1e-12 * (fabs(x) > 1 ? fabs(x) : 1);
    for (int prec = 1; prec <= 17; prec++) {
      snprintf(t, sizeof t, "%.*g", prec, x);
      double y = strtod(t, NULL);
      if (y == x || (fabs(y - x) <= tol && hcgen_number_ok(v, y)))
        break;
    }
  }
  size_t n = strlen(t);
  if (n + 1 > cap)
    return 0;
  memcpy(buf, t, n + 1);
  return 1;
}

/* x moved onto the value its shortest accepted text reads as (0.30000000000000004
 * becomes 0.3), so that any printer writes that text. */
static double snap(const hcview *v, double x) {
  char t[40];
  hcgen_number_text(v, x, t, sizeof t);
  double y = strtod(t, NULL);
  return hcgen_number_ok(v, y) ? y : x;
}

int hcgen_number(const hcview *v, double want, double *out) {
  int integer = hcview_is_type(v, "integer");
  /* the first reading (the catalogue's since its first version): kept
   * whenever it gives an accepted value */
  double x = want;
  if (v->has_min && (x < v->min || (v->excl_min && x <= v->min)))
    x = integer ? (v->excl_min ? floor(v->min) + 1 : ceil(v->min))
                : (v->excl_min ? v->min + 0.5 : v->min);
  if (v->has_max && (x > v->max || (v->excl_max && x >= v->max)))
    x = integer ? (v->excl_max ? ceil(v->max) - 1 : floor(v->max))
                : (v->excl_max ? v->max - 0.5 : v->max);
  if (v->multiple_of > 0) {
    double m = v->multiple_of, k = ceil(x / m);
    if (v->has_max && (k * m > v->max || (v->excl_max && k * m >= v->max)))
      k = ceil(v->max / m) - 1;
    x = k * m;
  }
  *out = x;
  if (hcgen_number_ok(v, x)) {
    *out = snap(v, x);
    return 1;
  }
  /* every bound at once: the range [lo, hi], walked in steps */
  double lo, hi;
  format_range(v, &lo, &hi);
  int lo_ex = 0, hi_ex = 0;
  if (v->has_min && v->min >= lo) {
    lo = v->min;
    lo_ex = v->excl_min;
  }
  if (v->has_max && v->max <= hi) {
    hi = v->max;
    hi_ex = v->excl_max;
  }
  double step = number_step(v);
  x = isfinite(want) ? want : 0;
  if (step > 0) {
    double k = ceil(x / step);
    if (k * step < lo || (lo_ex && k * step <= lo))
      k = ceil(lo / step) + (lo_ex && ceil(lo / step) * step <= lo);
    if (k * step > hi || (hi_ex && k * step >= hi))
      k = floor(hi / step) - (hi_ex && floor(hi / step) * step >= hi);
    x = k * step;
  } else if (!integer || v->multiple_of <= 0) {
    double room = isfinite(lo) && isfinite(hi) ? (hi - lo) / 2 : 1;
    double in = room < 0.5 ? room : 0.5;
    if (x < lo || (lo_ex && x <= lo))
      x = lo_ex ? lo + in : lo;
    if (x > hi || (hi_ex && x >= hi))
      x = hi_ex ? hi - in : hi;
  }
  if (hcgen_number_ok(v, x)) {
    *out = snap(v, x);
    return 1;
  }
  return 0;
}

/* ---------- strings and scalars ---------- */

const cJSON *hcgen_enum_value(const hcview *v) {
  if (!v->enumv)
    return NULL;
  const cJSON *e = v->enumv->child;
  while (e && cJSON_IsNull(e) && e->next)
    e = e->next;
  return e;
}

static size_t code_points(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* The pattern's string, drawn again with more repetitions while shorter than
 * min (the least stretch that reaches it, so a maxLength is not overshot). */
static int pattern_string(const hcview *v, hcgen_pattern_opts *o, char *out, size_t cap,
                          size_t *len) {
  hcgen_pattern_opts first = *o;
  int ok = hcgen_pattern(v->patterns[0], o, out, cap, len);
  size_t have = ok ? code_points(out, *len) : 0;
  if (!ok || v->min_len < 0 || have >= (size_t)v->min_len)
    return ok;
  long deficit = v->min_len - (long)have;
  for (long s = 1; s <= deficit && s <= HCGEN_REPEAT_MAX;
       s = s < deficit && 2 * s > deficit ? deficit : 2 * s) {
    hcgen_pattern_opts t = first;
    t.stretch = first.stretch + s;
    t.pick_max = o->pick_max;
    if (!hcgen_pattern(v->patterns[0], &t, out, cap, len))
      return 0;
    o->pick_max = t.pick_max;
    if (code_points(out, *len) >= (size_t)v->min_len)
      return 1;
  }
  return 1; /* the pattern cannot grow that far: its longest try */
}

int hcgen_string(const hcview *v, const char *base, hcgen_pattern_opts *o, char *out, size_t cap,
                 size_t *len) {
  size_t n = 0, dummy;
  if (!len)
    len = &dummy;
  const char *f = v->format && !v->n_patterns ? hcgen_format_value(v->format) : NULL;
  if (!cap)
    return 0;
  if (f) {
    n = strlen(f);
    if (n + 1 > cap)
      return 0;
    memcpy(out, f, n + 1);
    *len = n;
    return 1;
  }
  if (v->n_patterns) {
    hcgen_pattern_opts none = {0};
    return pattern_string(v, o ? o : &none, out, cap, len);
  }
  if (!base)
    base = "apiharness";
  n = strlen(base);
  if (n + 1 > cap)
    return 0;
  memcpy(out, base, n);
  while (v->min_len >= 0 && code_points(out, n) < (size_t)v->min_len) {
    if (n + 2 > cap)
      return 0;
    out[n++] = 'x';
  }
  if (v->max_len >= 0 && code_points(out, n) > (size_t)v->max_len) {
    size_t i = 0, cps = 0;
    while (i < n && cps < (size_t)v->max_len) {
      i++;
      while (i < n && ((unsigned char)out[i] & 0xC0) == 0x80)
        i++;
      cps++;
    }
    n = i;
  }
  out[n] = '\0';
  *len = n;
  return 1;
}

int hcgen_scalar(const hcview *v, const char *base, hcgen_pattern_opts *o, char *buf, size_t cap,
                 hcgen_value *out) {
  memset(out, 0, sizeof *out);
  if (v->enumv) {
    out->kind = HCGEN_ENUM;
    out->json = hcgen_enum_value(v);
    return out->json != NULL;
  }
  const char *t = v->type ? v->type : "string";
  if (!strcmp(t, "integer") || !strcmp(t, "number")) {
    out->kind = HCGEN_NUMBER;
    out->integer = t[0] == 'i';
    return hcgen_number(v, 1, &out->number);
  }
  if (!strcmp(t, "boolean")) {
    out->kind = HCGEN_BOOLEAN;
    return 1;
  }
  if (strcmp(t, "string") != 0) {
    out->kind = HCGEN_NULL; /* "null", or a container: not a scalar */
    return !strcmp(t, "null");
  }
  out->kind = HCGEN_STRING;
  out->str = buf;
  return hcgen_string(v, base, o, buf, cap, &out->len);
}

/* ---------- a valid value for a schema (the case generator) ---------- */

int hc_comp_open(const gen *g, const char *comp) {
  for (size_t i = 0; comp && i < g->n_comp; i++)
    if (!strcmp(g->comp_stack[i], comp))
      return 1;
  return 0;
}

/* 1 when the schema is an object component already being generated. */
static int recursive_object(gen *g, const cJSON *schema) {
  hcview v;
  hcview_of(g->spec, schema, &v);
  return v.type && !strcmp(v.type, "object") && hc_comp_open(g, v.comp);
}

cJSON *hc_gen_value(gen *g, const cJSON *schema, const char *prop, int top, int depth) {
  hcview v;
  hcview_of(g->spec, schema, &v);
  if (depth > MAX_DEPTH)
    return cJSON_CreateNull();
  const char *type = v.type ? v.type : "string";
  if (!strcmp(type, "object")) {
    cJSON *o = cJSON_CreateObject();
    int pushed = v.comp && g->n_comp < MAX_DEPTH;
    if (pushed)
      g->comp_stack[g->n_comp++] = v.comp;
    for (size_t i = 0; i < v.n_props; i++) {
      if (recursive_object(g, v.props[i].schema))
        continue; /* a recursive property: bounded by leaving it out */
      cJSON_AddItemToObject(o, v.props[i].name,
                            hc_gen_value(g, v.props[i].schema, v.props[i].name, 0, depth + 1));
    }
    if (pushed)
      g->n_comp--;
    return o;
  }
  if (!strcmp(type, "array")) {
    if (v.items && v.min_items > 1 && !recursive_object(g, v.items))
      return hc_distinct_items(g, &v, (size_t)(v.min_items < 64 ? v.min_items : 64));
    cJSON *a = cJSON_CreateArray();
    if (v.items && !recursive_object(g, v.items)) /* recursive items: an empty array */
      cJSON_AddItemToArray(a, hc_gen_value(g, v.items, prop, 0, depth + 1));
    return a;
  }
  char base[512], small[512];
  if (top && prop && !strcmp(prop, NAME_PROPERTY))
    snprintf(base, sizeof base, "%s", HCASES_NAME_PLACEHOLDER);
  else
    snprintf(base, sizeof base, "apiharness %s", prop ? prop : "value");
  /* a minLength past the stack buffer: a heap one (padding is ASCII) */
  size_t cap = v.min_len >= 0 && (size_t)v.min_len + 64 > sizeof small ? (size_t)v.min_len * 4 + 512
                                                                       : sizeof small;
  char *buf = cap > sizeof small ? malloc(cap) : small;
  if (!buf)
    return cJSON_CreateNull();
  hcgen_pattern_opts po = {.pick = g->pick, .offset = g->pick_offset, .rand = {gen_rand_cb, g}};
  hcgen_value val;
  int ok = hcgen_scalar(&v, base, &po, buf, cap, &val);
  if (po.pick_max > g->pick_max)
    g->pick_max = po.pick_max;
  cJSON *out = NULL;
  switch (val.kind) {
  case HCGEN_ENUM: out = cJSON_Duplicate(val.json, 1); break;
  case HCGEN_NUMBER: out = cJSON_CreateNumber(val.number); break;
  case HCGEN_BOOLEAN: out = cJSON_CreateTrue(); break;
  case HCGEN_NULL: out = cJSON_CreateNull(); break;
  case HCGEN_STRING:
    if (!ok && v.n_patterns)
      hc_fail(g, "cannot generate a string for pattern '%s' (property %s)", v.patterns[0],
              prop ? prop : "?");
    out = cJSON_CreateString(ok ? buf : "");
    break;
  }
  if (buf != small)
    free(buf);
  return out;
}
