/* hmock_json: JSON text into an hbuf for the mock's answers.  Strings are
 * written from their true bytes (hjson_string lengths), so \u0000 and
 * non-ASCII survive an echo; numbers from the text they were read with. */
#include <stdio.h>
#include <string.h>

#include "mock/hmock_int.h"

size_t hmock_body_cap(const hmock *m) { return 4 * m->max_body + 65536; }

void hmock_json_str(hbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  hbuf_add(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    hbuf_add(b, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"': hbuf_add(b, "\\\"", 2); break;
    case '\\': hbuf_add(b, "\\\\", 2); break;
    case '\n': hbuf_add(b, "\\n", 2); break;
    case '\r': hbuf_add(b, "\\r", 2); break;
    case '\t': hbuf_add(b, "\\t", 2); break;
    case '\b': hbuf_add(b, "\\b", 2); break;
    case '\f': hbuf_add(b, "\\f", 2); break;
    default: {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      hbuf_add(b, esc, 6);
    }
    }
  }
  hbuf_add(b, s + run, n - run);
  hbuf_add(b, "\"", 1);
}

void hmock_json_cstr(hbuf *b, const char *s) { hmock_json_str(b, s, strlen(s)); }

void hmock_json_key(hbuf *b, int *first, const char *key, size_t n) {
  if (!*first)
    hbuf_add(b, ",", 1);
  *first = 0;
  hmock_json_str(b, key, n);
  hbuf_add(b, ":", 1);
}

void hmock_json_int(hbuf *b, long long v) {
  char t[24], *e = t + sizeof t, *p = e; /* digits from the end, no printf */
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0)
    *--p = '-';
  hbuf_add(b, p, (size_t)(e - p));
}

void hmock_json_value(hbuf *b, const cJSON *v, int depth) {
  size_t len;
  const char *s;
  if (!v || depth > (int)HJSON_HARD_MAX_DEPTH || cJSON_IsNull(v)) {
    hbuf_puts(b, "null");
  } else if ((s = hjson_string(v, &len))) {
    hmock_json_str(b, s, len);
  } else if (cJSON_IsNumber(v)) {
    const char *t = hjson_number_text(v);
    if (t)
      hbuf_puts(b, t);
    else
      hbuf_printf(b, "%.17g", v->valuedouble);
  } else if (cJSON_IsBool(v)) {
    hbuf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
  } else {
    int obj = cJSON_IsObject(v), first = 1;
    hbuf_add(b, obj ? "{" : "[", 1);
    for (const cJSON *it = v->child; it; it = it->next) {
      if (obj) {
        const char *k = hjson_key(it, &len);
        hmock_json_key(b, &first, k, len);
      } else if (!first) {
        hbuf_add(b, ",", 1);
      }
      first = 0;
      hmock_json_value(b, it, depth + 1);
    }
    hbuf_add(b, obj ? "}" : "]", 1);
  }
}
