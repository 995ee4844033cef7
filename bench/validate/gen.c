/* gen: writes a deterministic NDJSON file of CreateApiTokenDto documents for
 * the validate benchmark.
 *
 *   gen COUNT SEED OUT.ndjson
 *
 * About 70% of the documents are valid against the spec's CreateApiTokenDto
 * schema; every other one breaks exactly one schema rule (an account or module
 * id that nearly matches its pattern, a wrong type, an undeclared property, a
 * root that is not an object).  Only the schema is meant: the page's prose
 * rules (account, name and a module required) are not applied, so documents
 * without modules are valid here.  Prints "expected: N valid, M invalid" on
 * stdout, the counts both validators must reproduce.
 *
 * Stand-alone (no project headers): the benchmark script builds it with cc. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint64_t s;
} rng;

static uint64_t next(rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static unsigned below(rng *r, unsigned n) { return (unsigned)(next(r) % n); }
static int chance(rng *r, unsigned percent) { return below(r, 100) < percent; }

/* The ways a document is made invalid; each breaks exactly one rule. */
enum {
  M_NONE,
  M_ACC_SHORT,     /* ACC-123-5678 */
  M_ACC_LONG,      /* ACC-12345-5678 */
  M_ACC_LOWER,     /* acc-1234-5678 */
  M_ACC_SEP,       /* ACC-1234_5678 */
  M_ACC_TRAIL_NL,  /* "ACC-1234-5678\n": ECMA $ does not match before a final newline */
  M_ACC_TRAIL_SP,  /* "ACC-1234-5678 " */
  M_ACC_LEAD,      /* " ACC-1234-5678" */
  M_ACC_ARABIC,    /* Arabic-Indic digits are not \d in ECMA */
  M_ACC_FULLWIDTH, /* full-width digits */
  M_ACC_ID_NUMBER, /* "id": 12345678 */
  M_ACC_NULL,      /* "account": null (not nullable) */
  M_ACC_STRING,    /* "account": "ACC-1234-5678" */
  M_ACC_EXTRA,     /* account has an undeclared "name" */
  M_MOD_SHORT,     /* MOD-123 */
  M_MOD_LONG,      /* MOD-12345 */
  M_MOD_LOWER,     /* mod-1234 */
  M_MOD_NODASH,    /* MOD1234 */
  M_MOD_TRAIL_NL,  /* "MOD-1234\n" */
  M_MOD_ID_NUMBER, /* module "id": 1234 */
  M_MOD_ITEM_STR,  /* modules item is a string */
  M_MOD_EXTRA,     /* module has an undeclared "name" */
  M_MODS_OBJECT,   /* "modules": {...} */
  M_NAME_NUMBER,   /* "name": 42 */
  M_NAME_NULL,     /* "name": null (not nullable) */
  M_DESC_NUMBER,   /* "description": 17 */
  M_ICON_BOOL,     /* "icon": true */
  M_EXT_STRING,    /* "extensions": "..." */
  M_EXT_ID_NUMBER, /* extension "id": 5 */
  M_EXT_EXTRA,     /* extension has an undeclared member */
  M_TOP_EXTRA,     /* an undeclared top-level member ("token", "Name", "account.id", ...) */
  M_ROOT_ARRAY,    /* the document is an array */
  M_ROOT_SCALAR,   /* the document is a string, number or null */
  M_COUNT
};

typedef struct {
  char *p;
  size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + n)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      fprintf(stderr, "gen: out of memory\n");
      exit(2);
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0)
    put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static const char *const words[] = {
    "CI",      "pipeline", "deploy",  "billing", "export", "sync",    "nightly", "partner",
    "catalog", "orders",   "reports", "audit",   "backup", "staging", "prod",    "integration",
    "vendor",  "client",   "service", "reader",  "writer", "Zürich",  "team",    "invoice"};
#define N_WORDS (sizeof words / sizeof words[0])

static void digits(rng *r, buf *b, int n) {
  for (int i = 0; i < n; i++) {
    char c = (char)('0' + below(r, 10));
    put(b, &c, 1);
  }
}

/* pre + n1 digits [+ sep + n2 digits] + post, as a JSON string when pre starts
 * with a quote. */
static void id(rng *r, buf *b, const char *pre, int n1, const char *sep, int n2, const char *post) {
  puts_(b, pre);
  digits(r, b, n1);
  if (sep) {
    puts_(b, sep);
    digits(r, b, n2);
  }
  puts_(b, post);
}

static void text(rng *r, buf *b, unsigned min_words, unsigned max_words) {
  unsigned n = min_words + below(r, max_words - min_words + 1);
  for (unsigned i = 0; i < n; i++) {
    if (i)
      puts_(b, " ");
    puts_(b, words[below(r, N_WORDS)]);
  }
  switch (below(r, 12)) {
  case 0: puts_(b, " \\\"quoted\\\""); break;
  case 1: puts_(b, " caf\\u00e9"); break;
  case 2: putf(b, " #%u", below(r, 10000)); break;
  default: break;
  }
}

static void quoted_text(rng *r, buf *b, unsigned min_words, unsigned max_words) {
  puts_(b, "\"");
  text(r, b, min_words, max_words);
  puts_(b, "\"");
}

/* One member separator in the document's style (compact or spaced). */
typedef struct {
  const char *comma, *colon;
} style;

static void key(buf *b, const style *st, int *first, const char *k) {
  if (!*first)
    puts_(b, st->comma);
  *first = 0;
  putf(b, "\"%s\"%s", k, st->colon);
}

static void account(rng *r, buf *b, const style *st, int m) {
  if (m == M_ACC_NULL) {
    puts_(b, "null");
    return;
  }
  if (m == M_ACC_STRING) {
    puts_(b, "\"ACC-");
    digits(r, b, 4);
    puts_(b, "-");
    digits(r, b, 4);
    puts_(b, "\"");
    return;
  }
  putf(b, "{\"id\"%s", st->colon);
  switch (m) {
  case M_ACC_SHORT: id(r, b, "\"ACC-", 3, "-", 4, "\""); break;
  case M_ACC_LONG: id(r, b, "\"ACC-", 4, "-", 5, "\""); break;
  case M_ACC_LOWER: id(r, b, "\"acc-", 4, "-", 4, "\""); break;
  case M_ACC_SEP: id(r, b, "\"ACC-", 4, "_", 4, "\""); break;
  case M_ACC_TRAIL_NL: id(r, b, "\"ACC-", 4, "-", 4, "\\n\""); break;
  case M_ACC_TRAIL_SP: id(r, b, "\"ACC-", 4, "-", 4, " \""); break;
  case M_ACC_LEAD: id(r, b, "\" ACC-", 4, "-", 4, "\""); break;
  case M_ACC_ARABIC: /* U+0661..U+0669, two bytes each in UTF-8 */
    puts_(b, "\"ACC-");
    for (int i = 0; i < 4; i++) {
      char u[2] = {(char)0xD9, (char)(0xA0 + below(r, 10))};
      put(b, u, 2);
    }
    id(r, b, "-", 4, NULL, 0, "\"");
    break;
  case M_ACC_FULLWIDTH: /* U+FF10..U+FF19 */
    id(r, b, "\"ACC-", 4, NULL, 0, "-");
    for (int i = 0; i < 4; i++) {
      char u[3] = {(char)0xEF, (char)0xBC, (char)(0x90 + below(r, 10))};
      put(b, u, 3);
    }
    puts_(b, "\"");
    break;
  case M_ACC_ID_NUMBER: digits(r, b, 1 + (int)below(r, 8)); break;
  default: id(r, b, "\"ACC-", 4, "-", 4, "\"");
  }
  if (m == M_ACC_EXTRA)
    putf(b, "%s\"name\"%s\"Acme %u\"", st->comma, st->colon, below(r, 1000));
  puts_(b, "}");
}

static void module(rng *r, buf *b, const style *st, int m) {
  if (m == M_MOD_ITEM_STR) {
    id(r, b, "\"MOD-", 4, NULL, 0, "\"");
    return;
  }
  putf(b, "{\"id\"%s", st->colon);
  switch (m) {
  case M_MOD_SHORT: id(r, b, "\"MOD-", 3, NULL, 0, "\""); break;
  case M_MOD_LONG: id(r, b, "\"MOD-", 5, NULL, 0, "\""); break;
  case M_MOD_LOWER: id(r, b, "\"mod-", 4, NULL, 0, "\""); break;
  case M_MOD_NODASH: id(r, b, "\"MOD", 4, NULL, 0, "\""); break;
  case M_MOD_TRAIL_NL: id(r, b, "\"MOD-", 4, NULL, 0, "\\n\""); break;
  case M_MOD_ID_NUMBER: digits(r, b, 4); break;
  default: id(r, b, "\"MOD-", 4, NULL, 0, "\"");
  }
  if (m == M_MOD_EXTRA)
    putf(b, "%s\"name\"%s\"%s\"", st->comma, st->colon, words[below(r, N_WORDS)]);
  puts_(b, "}");
}

static int is_module_mutation(int m) { return m >= M_MOD_SHORT && m <= M_MOD_EXTRA; }

static void modules(rng *r, buf *b, const style *st, int m) {
  if (m == M_MODS_OBJECT) {
    module(r, b, st, M_NONE);
    return;
  }
  unsigned n = 1 + below(r, 3);
  unsigned bad = is_module_mutation(m) ? below(r, n) : n;
  puts_(b, "[");
  for (unsigned i = 0; i < n; i++) {
    if (i)
      puts_(b, st->comma);
    module(r, b, st, i == bad ? m : M_NONE);
  }
  puts_(b, "]");
}

static void extensions(rng *r, buf *b, const style *st, int m) {
  if (m == M_EXT_STRING) {
    id(r, b, "\"EXT-", 4, NULL, 0, "\"");
    return;
  }
  unsigned n = (m == M_EXT_ID_NUMBER || m == M_EXT_EXTRA) ? 1 + below(r, 2) : below(r, 3);
  unsigned bad = (m == M_EXT_ID_NUMBER || m == M_EXT_EXTRA) ? below(r, n) : n;
  puts_(b, "[");
  for (unsigned i = 0; i < n; i++) {
    if (i)
      puts_(b, st->comma);
    putf(b, "{\"id\"%s", st->colon);
    if (i == bad && m == M_EXT_ID_NUMBER)
      digits(r, b, 1);
    else
      id(r, b, "\"EXT-", 4, NULL, 0, "\"");
    if (i == bad && m == M_EXT_EXTRA)
      putf(b, "%s\"enabled\"%strue", st->comma, st->colon);
    puts_(b, "}");
  }
  puts_(b, "]");
}

/* One document; m selects the rule it breaks (M_NONE: valid). */
static void document(rng *r, buf *b, int m) {
  static const style compact = {",", ":"}, spaced = {", ", ": "};
  const style *st = chance(r, 20) ? &spaced : &compact;
  if (m == M_ROOT_SCALAR) {
    switch (below(r, 3)) {
    case 0: id(r, b, "\"ACC-", 4, "-", 4, "\""); break;
    case 1: digits(r, b, 3); break;
    default: puts_(b, "null");
    }
    return;
  }
  if (m == M_ROOT_ARRAY)
    puts_(b, "[");
  puts_(b, "{");
  int first = 1;
  /* Members in one of a few orders, as different clients send them. */
  int order = (int)below(r, 3);
  for (int slot = 0; slot < 6; slot++) {
    static const int orders[3][6] = {{0, 1, 2, 3, 4, 5}, {1, 3, 0, 4, 5, 2}, {4, 0, 1, 2, 3, 5}};
    switch (orders[order][slot]) {
    case 0: /* account: always present (prose-required, and most pattern cases live here) */
      key(b, st, &first, "account");
      account(r, b, st, m);
      break;
    case 1:
      key(b, st, &first, "name");
      if (m == M_NAME_NUMBER)
        digits(r, b, 2);
      else if (m == M_NAME_NULL)
        puts_(b, "null");
      else
        quoted_text(r, b, 2, 4);
      break;
    case 2:
      if (m == M_ICON_BOOL) {
        key(b, st, &first, "icon");
        puts_(b, "true");
      } else if (chance(r, 12)) {
        key(b, st, &first, "icon");
        putf(b, "\"https://cdn.example.com/i/%u.png\"", below(r, 100000));
      } else if (chance(r, 4)) {
        key(b, st, &first, "icon");
        puts_(b, "null");
      }
      break;
    case 3:
      if (m == M_DESC_NUMBER) {
        key(b, st, &first, "description");
        digits(r, b, 2);
      } else if (chance(r, 70)) {
        key(b, st, &first, "description");
        quoted_text(r, b, 2, 5);
      } else if (chance(r, 15)) {
        key(b, st, &first, "description");
        puts_(b, "null");
      }
      break;
    case 4:
      if (is_module_mutation(m) || m == M_MODS_OBJECT || chance(r, 93)) {
        key(b, st, &first, "modules");
        modules(r, b, st, m);
      } else if (chance(r, 50)) {
        key(b, st, &first, "modules");
        puts_(b, "null");
      }
      break;
    case 5:
      if (m == M_EXT_STRING || m == M_EXT_ID_NUMBER || m == M_EXT_EXTRA || chance(r, 12)) {
        key(b, st, &first, "extensions");
        extensions(r, b, st, m);
      } else if (chance(r, 3)) {
        key(b, st, &first, "extensions");
        puts_(b, "null");
      }
      break;
    }
  }
  if (m == M_TOP_EXTRA) {
    static const char *const extra[] = {"token",    "Name",      "account.id",
                                        "revision", "moduleIds", "$meta"};
    const char *k = extra[below(r, sizeof extra / sizeof extra[0])];
    key(b, st, &first, k);
    if (!strcmp(k, "revision"))
      puts_(b, "1");
    else if (!strcmp(k, "moduleIds"))
      puts_(b, "[\"MOD-1234\"]");
    else if (!strcmp(k, "$meta"))
      puts_(b, "{}");
    else
      puts_(b, "\"ACC-1234-5678\"");
  }
  puts_(b, "}");
  if (m == M_ROOT_ARRAY)
    puts_(b, "]");
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: gen COUNT SEED OUT.ndjson\n");
    return 2;
  }
  char *end;
  unsigned long long count = strtoull(argv[1], &end, 10);
  if (*end || count == 0) {
    fprintf(stderr, "gen: COUNT must be a positive number\n");
    return 2;
  }
  rng r = {strtoull(argv[2], &end, 10)};
  FILE *out = fopen(argv[3], "wb");
  if (!out) {
    perror(argv[3]);
    return 2;
  }
  buf b = {0};
  unsigned long long valid = 0, invalid = 0, per[M_COUNT] = {0};
  for (unsigned long long i = 0; i < count; i++) {
    int m = chance(&r, 70) ? M_NONE : 1 + (int)below(&r, M_COUNT - 1);
    document(&r, &b, m);
    puts_(&b, "\n");
    per[m]++;
    if (m == M_NONE)
      valid++;
    else
      invalid++;
    if (b.len > (1u << 20)) {
      if (fwrite(b.p, 1, b.len, out) != b.len)
        goto werr;
      b.len = 0;
    }
  }
  if (fwrite(b.p, 1, b.len, out) != b.len || fclose(out) != 0)
    goto werr;
  free(b.p);
  printf("expected: %llu valid, %llu invalid\n", valid, invalid);
  return 0;
werr:
  perror(argv[3]);
  return 2;
}
