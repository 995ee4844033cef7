/* fuzz_rfc8259: see fuzz_rfc8259.h.  Nothing here calls into harness/json
 * except the accessors that give a node's bytes and lengths. */
#include "fuzz_rfc8259.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "json/hjson.h"

/* Unicode 15.0, Table 3-7 "Well-Formed UTF-8 Byte Sequences": for each range
 * of first bytes, the range of the second byte and how many bytes follow
 * (the third and fourth are always 80..BF). */
static const struct {
  unsigned char lo, hi;         /* first byte */
  unsigned char lo2, hi2;       /* second byte */
  unsigned char continuations;  /* bytes after the first */
} fuzz_utf8_table[] = {
    {0x00, 0x7F, 0, 0, 0},       {0xC2, 0xDF, 0x80, 0xBF, 1}, {0xE0, 0xE0, 0xA0, 0xBF, 2},
    {0xE1, 0xEC, 0x80, 0xBF, 2}, {0xED, 0xED, 0x80, 0x9F, 2}, {0xEE, 0xEF, 0x80, 0xBF, 2},
    {0xF0, 0xF0, 0x90, 0xBF, 3}, {0xF1, 0xF3, 0x80, 0xBF, 3}, {0xF4, 0xF4, 0x80, 0x8F, 3},
};

int fuzz_utf8_valid(const char *s, size_t len, size_t *bad) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned char c = p[i];
    if (c < 0x80) { /* the common case, without the table */
      i++;
      continue;
    }
    size_t row = 0, rows = sizeof fuzz_utf8_table / sizeof *fuzz_utf8_table;
    while (row < rows && !(c >= fuzz_utf8_table[row].lo && c <= fuzz_utf8_table[row].hi)) row++;
    int ok = row < rows;
    if (ok) {
      size_t n = fuzz_utf8_table[row].continuations;
      if (len - i <= n) ok = 0; /* truncated */
      else if (p[i + 1] < fuzz_utf8_table[row].lo2 || p[i + 1] > fuzz_utf8_table[row].hi2) ok = 0;
      else
        for (size_t k = 2; k <= n; k++)
          if (p[i + k] < 0x80 || p[i + k] > 0xBF) ok = 0;
      if (ok) {
        i += n + 1;
        continue;
      }
    }
    if (bad) *bad = i;
    return 0;
  }
  return 1;
}

/* The grammar of RFC 8259 section 6 as a regular expression, compiled once
 * with PCRE2 (JIT when available): the walk runs on every accepted input, and
 * glibc's regexec cost more than the rest of the walk together.  The
 * expression is this file's own; nothing of harness/schema's pattern code. */
static pcre2_code *fuzz_number_re;
static pcre2_match_data *fuzz_number_md;

int fuzz_number_text_valid(const char *text) {
  if (!fuzz_number_re) {
    int code = 0;
    PCRE2_SIZE off = 0;
    fuzz_number_re = pcre2_compile(
        (PCRE2_SPTR) "^-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\\z",
        PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (!fuzz_number_re || !(fuzz_number_md = pcre2_match_data_create(1, NULL))) {
      fprintf(stderr, "fuzz: the RFC 8259 number expression does not compile (%d)\n", code);
      exit(2);
    }
    (void)pcre2_jit_compile(fuzz_number_re, PCRE2_JIT_COMPLETE);
  }
  return text && pcre2_match(fuzz_number_re, (PCRE2_SPTR)text, strlen(text), 0, 0, fuzz_number_md,
                             NULL) >= 0;
}

/* The place in the tree, as a JSON pointer (for the message only). */
typedef struct {
  char path[512];
  size_t len;
} fuzz_walk_path;

static void fuzz_walk_push(fuzz_walk_path *p, const cJSON *node, size_t index, int in_object,
                           size_t *saved) {
  *saved = p->len;
  if (p->len + 16 >= sizeof p->path) return; /* deep: the pointer stays cut */
  if (in_object) {
    size_t kl = 0;
    const char *k = hjson_key(node, &kl);
    int n = snprintf(p->path + p->len, sizeof p->path - p->len, "/%.*s", (int)(kl > 40 ? 40 : kl),
                     k ? k : "?");
    if (n > 0) p->len += (size_t)n < sizeof p->path - p->len ? (size_t)n : sizeof p->path - p->len - 1;
  } else {
    int n = snprintf(p->path + p->len, sizeof p->path - p->len, "/%zu", index);
    if (n > 0) p->len += (size_t)n < sizeof p->path - p->len ? (size_t)n : sizeof p->path - p->len - 1;
  }
}

static const char *fuzz_walk_where(fuzz_walk_path *p) {
  p->path[p->len < sizeof p->path ? p->len : sizeof p->path - 1] = '\0';
  return p->len ? p->path : "(root)";
}

static void fuzz_walk(const char *target, const cJSON *node, fuzz_walk_path *p, unsigned depth) {
  if (depth > HJSON_HARD_MAX_DEPTH + 1)
    fuzz_die(target, "RFC 8259 walk: the accepted tree is deeper than %u at %s",
             HJSON_HARD_MAX_DEPTH, fuzz_walk_where(p));
  size_t len = 0, bad = 0;
  if (cJSON_IsString(node)) {
    const char *s = hjson_string(node, &len);
    if (!s) fuzz_die(target, "RFC 8259 walk: a string node without bytes at %s", fuzz_walk_where(p));
    if (!fuzz_utf8_valid(s, len, &bad))
      fuzz_die(target, "RFC 8259 walk: accepted string is not well-formed UTF-8 at byte %zu of %zu (0x%02x) at %s",
               bad, len, (unsigned char)s[bad], fuzz_walk_where(p));
  } else if (cJSON_IsNumber(node)) {
    const char *text = hjson_number_text(node);
    if (!text) fuzz_die(target, "RFC 8259 walk: a number without its text at %s", fuzz_walk_where(p));
    if (!fuzz_number_text_valid(text))
      fuzz_die(target, "RFC 8259 walk: accepted number \"%.40s\" is not RFC 8259 grammar at %s", text,
               fuzz_walk_where(p));
    double v = strtod(text, NULL);
    if (!(v == node->valuedouble))
      fuzz_die(target, "RFC 8259 walk: number \"%.40s\" read as %.17g, strtod says %.17g at %s", text,
               node->valuedouble, v, fuzz_walk_where(p));
  } else if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
    int obj = cJSON_IsObject(node);
    size_t index = 0;
    for (const cJSON *c = node->child; c; c = c->next, index++) {
      size_t saved;
      fuzz_walk_push(p, c, index, obj, &saved);
      if (obj) {
        size_t kl = 0;
        const char *k = hjson_key(c, &kl);
        if (!k) fuzz_die(target, "RFC 8259 walk: an object member without a name at %s", fuzz_walk_where(p));
        if (!fuzz_utf8_valid(k, kl, &bad))
          fuzz_die(target, "RFC 8259 walk: accepted member name is not well-formed UTF-8 at byte %zu (0x%02x) at %s",
                   bad, (unsigned char)k[bad], fuzz_walk_where(p));
        /* Unique names: every earlier sibling, byte for byte with lengths. */
        for (const cJSON *e = node->child; e != c; e = e->next) {
          size_t el = 0;
          const char *ek = hjson_key(e, &el);
          if (ek && el == kl && (kl == 0 || (ek[0] == k[0] && !memcmp(ek, k, kl))))
            fuzz_die(target, "RFC 8259 walk: accepted object has the member name \"%.40s\" twice at %s (depth %u)",
                     k, fuzz_walk_where(p), depth + 1);
        }
      }
      fuzz_walk(target, c, p, depth + 1);
      p->len = saved;
    }
  } else if (!cJSON_IsNull(node) && !cJSON_IsBool(node)) {
    fuzz_die(target, "RFC 8259 walk: a node of unknown type 0x%x at %s", (unsigned)node->type,
             fuzz_walk_where(p));
  }
}

void fuzz_rfc8259_walk(const char *target, const cJSON *root) {
  fuzz_walk_path p = {.len = 0};
  static int enabled = -1;
  if (enabled < 0) enabled = fuzz_oracle_enabled("walk");
  if (!root || !enabled) return;
  fuzz_walk(target, root, &p, 0);
}
