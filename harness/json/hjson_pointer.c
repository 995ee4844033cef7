/* hjson_pointer: RFC 6901 JSON pointers (see hjson.h).
 *
 * Building: hjson_pointer_push / _push_index append one reference token to a
 * fixed buffer (the reader's error pointer, the validator's instance
 * locations), cut with "..." when full; hjson_pointer_escape / _append escape
 * a token as a plain pointer or as a URI fragment (the spec loader's and the
 * schema compiler's locations).  Reading: hjson_pointer_unescape decodes one
 * token, hjson_pointer_get resolves a whole pointer in a tree.  Every layer
 * builds and reads pointers through these functions rather than writing the
 * ~0 / ~1 escapes again. */
#include "util/hutil.h"
#include "json/hjson.h"

#include <stdint.h>
#include <string.h>

/* The length of the longest prefix of s[0..l) that does not end inside a
 * UTF-8 sequence (a cut pointer must stay text: it reaches JSON answers). */
static size_t utf8_whole_prefix(const char *s, size_t l) {
  size_t i = l, k = 0;
  while (i > 0 && k < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
    i--;
    k++;
  }
  if (i == 0)
    return l;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return k + 1 == want || (want == 1 && k == 0) ? l : i - 1;
}

int hjson_pointer_push(char *buf, size_t cap, size_t *len, const char *token, size_t token_len) {
  if (!buf || cap == 0)
    return 0;
  size_t l = *len;
  size_t need = 1;
  for (size_t i = 0; i < token_len; i++) {
    unsigned char ch = (unsigned char)token[i];
    need += ch == '~' || ch == '/' ? 2 : ch == 0 ? 6 : 1;
  }
  if (l < cap && need <= cap - 1 - l) {
    buf[l++] = '/';
    for (size_t i = 0; i < token_len; i++) {
      char ch = token[i];
      if (ch == '~') {
        buf[l++] = '~';
        buf[l++] = '0';
      } else if (ch == '/') {
        buf[l++] = '~';
        buf[l++] = '1';
      } else if (ch == 0) {
        memcpy(buf + l, "\\u0000", 6);
        l += 6;
      } else {
        buf[l++] = ch;
      }
    }
    buf[l] = 0;
    *len = l;
    return 1;
  }
  /* overflow: keep what fits of "/token" (escapes whole), then "..." */
  if (cap < 4) {
    buf[0] = 0;
    *len = 0;
    return 0;
  }
  size_t room = cap - 4;
  if (l > room)
    l = room;
  if (l < room) {
    buf[l++] = '/';
    for (size_t i = 0; i < token_len; i++) {
      char ch = token[i];
      const char *esc = ch == '~' ? "~0" : ch == '/' ? "~1" : ch == 0 ? "\\u0000" : NULL;
      size_t el = esc ? strlen(esc) : 1;
      if (el > room - l)
        break;
      if (esc)
        memcpy(buf + l, esc, el);
      else
        buf[l] = ch;
      l += el;
    }
  }
  l = utf8_whole_prefix(buf, l); /* never end in half a character */
  memcpy(buf + l, "...", 4);
  *len = l + 3;
  return 0;
}

int hjson_pointer_push_index(char *buf, size_t cap, size_t *len, size_t index) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[sizeof tmp - 1 - n] = (char)('0' + index % 10);
    index /= 10;
    n++;
  } while (index);
  return hjson_pointer_push(buf, cap, len, tmp + sizeof tmp - n, n);
}

size_t hjson_pointer_unescape(const char *tok, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = tok[i];
    if (ch == '~' && i + 1 < n && (tok[i + 1] == '0' || tok[i + 1] == '1'))
      ch = tok[++i] == '0' ? '~' : '/';
    out[o++] = ch;
  }
  return o;
}

/* Compares an escaped reference token with raw bytes (no copy: hot path). */
static int token_equals(const char *tok, size_t tlen, const char *key, size_t klen) {
  size_t i = 0, j = 0;
  while (i < tlen) {
    char ch = tok[i++];
    if (ch == '~')
      ch = tok[i++] == '0' ? '~' : '/'; /* validated by the caller */
    if (j >= klen || key[j] != ch)
      return 0;
    j++;
  }
  return j == klen;
}

const cJSON *hjson_pointer_get(const cJSON *root, const char *pointer, size_t len,
                               const char **why) {
  const char *dummy;
  if (!why)
    why = &dummy;
  if (!root) {
    *why = "no document";
    return NULL;
  }
  if (len == 0)
    return root;
  if (pointer[0] != '/') {
    *why = "a JSON pointer must be empty or start with '/'";
    return NULL;
  }
  const cJSON *cur = root;
  size_t i = 1;
  for (;;) {
    size_t s = i;
    while (i < len && pointer[i] != '/')
      i++;
    const char *tok = pointer + s;
    size_t tlen = i - s;
    for (size_t k = 0; k < tlen; k++) {
      if (tok[k] == '~' && (k + 1 >= tlen || (tok[k + 1] != '0' && tok[k + 1] != '1'))) {
        *why = "invalid escape in JSON pointer ('~' must be followed by 0 or 1)";
        return NULL;
      }
    }
    int t = cur->type & 0xFF;
    if (t == cJSON_Object) {
      const cJSON *m = cur->child;
      for (; m; m = m->next) {
        size_t kl;
        const char *k = hjson_key(m, &kl);
        if (k && token_equals(tok, tlen, k, kl))
          break;
      }
      if (!m) {
        *why = "no such member";
        return NULL;
      }
      cur = m;
    } else if (t == cJSON_Array) {
      if (tlen == 1 && tok[0] == '-') {
        *why = "'-' refers past the last array element";
        return NULL;
      }
      if (tlen == 0 || (tok[0] == '0' && tlen > 1)) {
        *why = "array index must be a decimal number without leading zeros";
        return NULL;
      }
      size_t idx = 0;
      for (size_t k = 0; k < tlen; k++) {
        if (tok[k] < '0' || tok[k] > '9') {
          *why = "array index must be a decimal number without leading zeros";
          return NULL;
        }
        if (idx > (SIZE_MAX - 9) / 10) {
          *why = "array index out of range";
          return NULL;
        }
        idx = idx * 10 + (size_t)(tok[k] - '0');
      }
      const cJSON *e = cur->child;
      while (e && idx) {
        e = e->next;
        idx--;
      }
      if (!e) {
        *why = "array index out of range";
        return NULL;
      }
      cur = e;
    } else {
      *why = "pointer goes through a value that is neither an object nor an array";
      return NULL;
    }
    if (i >= len)
      return cur;
    i++; /* skip '/' */
  }
}

/* ---------------------------------------------------- escaping for fragments */

/* Bytes a URI fragment may hold raw (RFC 3986 unreserved, sub-delims, ':', '@'
 * and '?'; '/' never reaches here: a token's '/' is ~1). */
static int uri_raw(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != '\0' && strchr("-._~!$&'()*+,;=:@?", c) != NULL;
}

/* Bytes a readable fragment keeps raw: printable ASCII but for the few that
 * would end a line or a quoted string or change how the fragment reads back
 * ('%', '#'), and every byte of a UTF-8 sequence. */
static int readable_raw(unsigned char c) {
  return c >= 0x80 || (c > 0x20 && c != 0x7F && c != '"' && c != '%' && c != '#' && c != '\\');
}

size_t hjson_pointer_escape(const char *tok, size_t n, hjson_escape style, char *out) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)tok[i];
    const char *esc = c == '~' ? "~0" : c == '/' ? "~1" : NULL;
    if (esc) {
      if (out)
        memcpy(out + o, esc, 2);
      o += 2;
    } else if (style == HJSON_ESC_POINTER || (style == HJSON_ESC_URI && uri_raw(c)) ||
               (style == HJSON_ESC_READABLE && readable_raw(c))) {
      if (out)
        out[o] = (char)c;
      o++;
    } else {
      if (out) {
        out[o] = '%';
        out[o + 1] = hex[c >> 4];
        out[o + 2] = hex[c & 15];
      }
      o += 3;
    }
  }
  return o;
}

int hjson_pointer_append(hbuf *b, const char *tok, size_t n, hjson_escape style) {
  size_t len = hjson_pointer_escape(tok, n, style, NULL);
  if (!hbuf_reserve(b, 1 + len))
    return 0;
  b->p[b->n++] = '/';
  b->n += hjson_pointer_escape(tok, n, style, b->p + b->n);
  b->p[b->n] = '\0';
  return 1;
}

int hjson_fragment_pointer(const char *frag, size_t n, hbuf *out, const char **why) {
  out->n = 0;
  if (!hbuf_reserve(out, n)) {
    *why = "out of memory";
    return 0;
  }
  out->p[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    char c = frag[i];
    if (c == '%') {
      int hi = i + 2 < n ? hutil_hexval((unsigned char)frag[i + 1]) : -1;
      int lo = i + 2 < n ? hutil_hexval((unsigned char)frag[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *why = "invalid percent-escape (expected % and two hex digits)";
        return 0;
      }
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    out->p[out->n++] = c;
  }
  out->p[out->n] = '\0';
  if (out->n && out->p[0] != '/') {
    *why = "not a JSON pointer (a fragment must be empty or start with '/')";
    return 0;
  }
  for (size_t i = 0; i < out->n; i++)
    if (out->p[i] == '~' && (i + 1 >= out->n || (out->p[i + 1] != '0' && out->p[i + 1] != '1'))) {
      *why = "invalid JSON pointer escape ('~' must be followed by 0 or 1)";
      return 0;
    }
  return 1;
}
