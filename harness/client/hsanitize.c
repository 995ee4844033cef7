/* hsanitize: redaction (escape-aware), UTF-8 repair, control escapes, caps.
 * See hsanitize.h. */
#include "client/hsanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json/hjson.h"
#include "util/hutil.h"

#define TOKEN_KEEP 4

/* Decodes one unit of text at t[0..n): a raw byte, a JSON escape or a
 * percent-escape.  Writes its bytes to o (up to 4), returns the input bytes
 * consumed (>= 1) and *on the output bytes. */
static size_t unit(const char *t, size_t n, unsigned char *o, size_t *on) {
  if (t[0] == '\\' && n >= 2) {
    switch (t[1]) {
    case '/':
    case '\\':
    case '"':
    case '\'':
      o[0] = (unsigned char)t[1];
      *on = 1;
      return 2;
    case 'b':
      o[0] = '\b';
      *on = 1;
      return 2;
    case 'f':
      o[0] = '\f';
      *on = 1;
      return 2;
    case 'n':
      o[0] = '\n';
      *on = 1;
      return 2;
    case 'r':
      o[0] = '\r';
      *on = 1;
      return 2;
    case 't':
      o[0] = '\t';
      *on = 1;
      return 2;
    case 'u':
      if (n >= 6) {
        long cp = hutil_hex4(t + 2);
        if (cp >= 0) {
          if (cp >= 0xD800 && cp <= 0xDBFF && n >= 12 && t[6] == '\\' && t[7] == 'u') {
            long lo = hutil_hex4(t + 8);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              unsigned long full =
                  0x10000 + (((unsigned long)cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
              *on = hutil_utf8_encode((uint32_t)full, o);
              return 12;
            }
          }
          *on = hutil_utf8_encode((uint32_t)cp, o);
          return 6;
        }
      }
      break;
    default: break;
    }
  } else if (t[0] == '%' && n >= 3) {
    int hi = hutil_hexval(t[1]), lo = hutil_hexval(t[2]);
    if (hi >= 0 && lo >= 0) {
      o[0] = (unsigned char)(hi * 16 + lo);
      *on = 1;
      return 3;
    }
  }
  o[0] = (unsigned char)t[0];
  *on = 1;
  return 1;
}

/* Input bytes of t[0..n) that spell secret s (any mix of forms) from the
 * start, or 0. */
static size_t match_at(const char *t, size_t n, const char *s, size_t sl) {
  size_t i = 0, k = 0;
  while (k < sl) {
    if (i >= n)
      return 0;
    unsigned char o[4];
    size_t on = 0;
    size_t used = unit(t + i, n - i, o, &on);
    if (k + on > sl || memcmp(o, s + k, on) != 0) {
      /* an escape that does not match may still be the raw byte itself
       * ("%41" when the secret holds "%41") */
      if (used > 1 && (unsigned char)t[i] == (unsigned char)s[k]) {
        i++;
        k++;
        continue;
      }
      return 0;
    }
    i += used;
    k += on;
  }
  return i;
}

/* Input bytes of t[0..n) that spell the longest prefix of s (any mix of
 * forms); *matched gets that prefix's length in bytes of s. */
static size_t match_prefix(const char *t, size_t n, const char *s, size_t sl, size_t *matched) {
  size_t i = 0, k = 0;
  while (k < sl && i < n) {
    unsigned char o[4];
    size_t on = 0;
    size_t used = unit(t + i, n - i, o, &on);
    if (k + on <= sl && memcmp(o, s + k, on) == 0) {
      i += used;
      k += on;
    } else if (used > 1 && (unsigned char)t[i] == (unsigned char)s[k]) {
      i++;
      k++;
    } else {
      break;
    }
  }
  *matched = k;
  return i;
}

typedef struct {
  const char *p;
  size_t len;
} secret;

static size_t collect(const char *const *secrets, size_t n, secret *out, size_t cap,
                      size_t *longest) {
  size_t m = 0;
  *longest = 0;
  for (size_t i = 0; i < n && m < cap; i++) {
    size_t l = secrets && secrets[i] ? strlen(secrets[i]) : 0;
    if (l < HSANITIZE_MIN_SECRET)
      continue;
    out[m].p = secrets[i];
    out[m].len = l;
    if (l > *longest)
      *longest = l;
    m++;
  }
  /* longest first: a secret that contains another is removed whole */
  for (size_t i = 1; i < m; i++)
    for (size_t j = i; j > 0 && out[j].len > out[j - 1].len; j--) {
      secret t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  return m;
}

#define MAX_SECRETS 64

/* With HSANITIZE_FRAGMENTS: input bytes at t[0..n) spelling at least
 * HSANITIZE_FRAGMENT consecutive bytes of a longer secret (its longest such
 * run from this position), or 0. */
static size_t fragment_at(const char *t, size_t n, const secret *sec, size_t ns) {
  size_t best = 0;
  unsigned char first[4];
  size_t fn = 0;
  size_t fused = unit(t, n, first, &fn);
  for (size_t k = 0; k < ns; k++) {
    if (sec[k].len <= HSANITIZE_FRAGMENT)
      continue;
    for (size_t j = 0; j + HSANITIZE_FRAGMENT <= sec[k].len; j++) {
      unsigned char c = (unsigned char)sec[k].p[j];
      if (c != first[0] && !(fused > 1 && c == (unsigned char)t[0]))
        continue; /* cannot start here */
      size_t matched = 0;
      size_t used = match_prefix(t, n, sec[k].p + j, sec[k].len - j, &matched);
      if (matched >= HSANITIZE_FRAGMENT && used > best)
        best = used;
    }
  }
  return best;
}

/* Redacts secrets (and, with fragments, runs of their bytes) and "token"
 * member values of t[0..n) into b. */
static void redact(hbuf *b, const char *t, size_t n, const secret *sec, size_t ns, int fragments) {
  static const char key[] = "\"token\"";
  size_t i = 0;
  while (i < n) {
    size_t used = 0;
    for (size_t k = 0; k < ns && !used; k++)
      used = match_at(t + i, n - i, sec[k].p, sec[k].len);
    if (!used && fragments)
      used = fragment_at(t + i, n - i, sec, ns);
    if (used) {
      hbuf_add(b, "<redacted>", 10);
      i += used;
      continue;
    }
    if (i + sizeof key - 1 <= n && !memcmp(t + i, key, sizeof key - 1)) {
      size_t j = i + sizeof key - 1;
      while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
        j++;
      if (j < n && t[j] == ':') {
        j++;
        while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
          j++;
        if (j < n && t[j] == '"') {
          hbuf_add(b, t + i, j + 1 - i);
          size_t v = j + 1, kept = 0;
          while (v < n && t[v] != '"' && t[v] != '\\' && kept < TOKEN_KEEP &&
                 (unsigned char)t[v] >= 0x20 && (unsigned char)t[v] < 0x80) {
            hbuf_add(b, t + v, 1);
            v++;
            kept++;
          }
          hbuf_add(b, "...<redacted>", 13);
          while (v < n && t[v] != '"') {
            if (t[v] == '\\' && v + 1 < n)
              v++;
            v++;
          }
          i = v; /* the closing quote is copied next */
          continue;
        }
      }
    }
    hbuf_add(b, t + i, 1);
    i++;
  }
}

char *hsanitize_redact(const char *text, size_t len, const char *const *secrets, size_t n,
                       size_t *out_len) {
  secret sec[MAX_SECRETS];
  size_t longest = 0;
  size_t ns = collect(secrets, n, sec, MAX_SECRETS, &longest);
  hbuf b = {0};
  redact(&b, text ? text : "", text ? len : 0, sec, ns, 0);
  if (!b.p)
    hbuf_add(&b, "", 0);
  if (b.nomem || b.toobig) {
    free(b.p);
    return NULL;
  }
  if (out_len)
    *out_len = b.n;
  return b.p;
}

char *hsanitize(const char *text, size_t len, const char *const *secrets, size_t n, size_t cap,
                unsigned flags) {
  if (!text)
    len = 0;
  if (!cap)
    cap = HSANITIZE_DEFAULT_CAP;
  secret sec[MAX_SECRETS];
  size_t longest = 0;
  size_t ns = collect(secrets, n, sec, MAX_SECRETS, &longest);
  /* the widest escaped form of a byte is \uXXXX (6) or half a surrogate
   * pair: look that far past the cap */
  size_t window = len;
  size_t margin = longest * 12 + 16;
  if (cap < SIZE_MAX - margin && window > cap + margin)
    window = cap + margin;
  hbuf r = {0};
  redact(&r, text ? text : "", window, sec, ns, (flags & HSANITIZE_FRAGMENTS) != 0);
  if (r.nomem) {
    free(r.p);
    return NULL;
  }
  const unsigned char *s = (const unsigned char *)(r.p ? r.p : "");
  size_t rn = r.p ? r.n : 0;
  int cut = rn > cap || window < len;
  size_t m = rn < cap ? rn : cap;
  char *o = malloc(m * 4 + 16);
  if (!o) {
    free(r.p);
    return NULL;
  }
  size_t k = 0;
  for (size_t i = 0; i < m;) {
    size_t l = hutil_utf8_decode(s + i, m - i, NULL, NULL);
    if (l > 1) {
      memcpy(o + k, s + i, l);
      k += l;
      i += l;
      continue;
    }
    unsigned char ch = s[i++];
    if (l == 1 && ch >= 0x20 && ch != 0x7f) {
      o[k++] = (char)ch;
    } else if (l == 1 && (ch == '\n' || ch == '\t') && (flags & HSANITIZE_MULTILINE)) {
      o[k++] = (char)ch;
    } else if (l == 1 && (ch == '\n' || ch == '\r' || ch == '\t')) {
      o[k++] = '\\';
      o[k++] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
    } else {
      k += (size_t)snprintf(o + k, 5, "\\x%02x", ch);
    }
  }
  if (cut) {
    memcpy(o + k, "...", 3);
    k += 3;
  }
  o[k] = '\0';
  free(r.p);
  return o;
}

void hsanitize_into(char *dst, size_t cap, const char *text, size_t len, const char *const *secrets,
                    size_t n) {
  if (!cap)
    return;
  char *s = hsanitize(text, len, secrets, n, cap, 0);
  size_t sl = s ? strlen(s) : 0;
  if (sl >= cap) {
    /* escapes made it longer: cut on a character boundary, mark the cut */
    size_t keep = hutil_utf8_cut(s, sl, cap > 4 ? cap - 4 : 0);
    memcpy(s + keep, "...", cap > 4 ? 4 : 1);
    if (cap <= 4)
      s[keep] = '\0';
  }
  snprintf(dst, cap, "%s", s ? s : "");
  free(s);
}

int hsanitize_contains_secret(const char *text, size_t len, const char *const *secrets, size_t n) {
  secret sec[MAX_SECRETS];
  size_t longest = 0;
  size_t ns = collect(secrets, n, sec, MAX_SECRETS, &longest);
  for (size_t i = 0; text && i < len; i++)
    for (size_t k = 0; k < ns; k++)
      if (match_at(text + i, len - i, sec[k].p, sec[k].len))
        return 1;
  return 0;
}

static int json_strings(cJSON *node, const char *const *secrets, size_t n, int depth) {
  for (cJSON *m = node ? node->child : NULL; m && depth < 64; m = m->next) {
    if (cJSON_IsString(m) && m->valuestring) {
      if (!hsanitize_contains_secret(m->valuestring, strlen(m->valuestring), secrets, n) &&
          !strstr(m->valuestring, "\"token\""))
        continue;
      char *r = hsanitize_redact(m->valuestring, strlen(m->valuestring), secrets, n, NULL);
      if (!r || !cJSON_SetValuestring(m, r)) {
        free(r);
        return -1;
      }
      free(r);
    } else if ((cJSON_IsObject(m) || cJSON_IsArray(m)) &&
               json_strings(m, secrets, n, depth + 1) != 0) {
      return -1;
    }
  }
  return 0;
}

int hsanitize_json_strings(cJSON *node, const char *const *secrets, size_t n) {
  return json_strings(node, secrets, n, 0);
}
