/* hbuf: the growable byte buffer with a hard limit (see hjson.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/hjson.h"

int hbuf_reserve(hbuf *b, size_t n) {
  if (b->toobig || b->nomem)
    return 0;
  size_t limit = b->limit ? b->limit : HBUF_MAX;
  if (n > limit || b->n > limit - n) {
    b->toobig = 1;
    return 0;
  }
  if (b->n + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->n + n + 1)
      nc *= 2;
    char *q = realloc(b->p, nc);
    if (!q) {
      b->nomem = 1;
      return 0;
    }
    b->p = q;
    b->cap = nc;
  }
  return 1;
}

int hbuf_add(hbuf *b, const void *s, size_t n) {
  if (!hbuf_reserve(b, n))
    return 0;
  if (n)
    memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
  return 1;
}

int hbuf_puts(hbuf *b, const char *s) { return hbuf_add(b, s, strlen(s)); }

int hbuf_vprintf(hbuf *b, const char *fmt, va_list ap) {
  if (b->toobig || b->nomem)
    return 0;
  char small[256];
  va_list again;
  va_copy(again, ap);
  int k = vsnprintf(small, sizeof small, fmt, ap);
  if (k < 0) { /* an encoding error: the text cannot be had, the buffer fails */
    va_end(again);
    b->nomem = 1;
    return 0;
  }
  if ((size_t)k < sizeof small) {
    va_end(again);
    return hbuf_add(b, small, (size_t)k);
  }
  char *big = malloc((size_t)k + 1);
  if (!big) {
    va_end(again);
    b->nomem = 1;
    return 0;
  }
  vsnprintf(big, (size_t)k + 1, fmt, again);
  va_end(again);
  int ok = hbuf_add(b, big, (size_t)k);
  free(big);
  return ok;
}

int hbuf_printf(hbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int ok = hbuf_vprintf(b, fmt, ap);
  va_end(ap);
  return ok;
}

char *hbuf_finish(hbuf *b, size_t *len) {
  char *p = b->p;
  if (!b->toobig && !b->nomem && !p && !(p = calloc(1, 1)))
    b->nomem = 1;
  if (b->toobig || b->nomem) {
    free(p);
    p = NULL;
  } else if (len) {
    *len = b->n;
  }
  b->p = NULL;
  b->n = b->cap = 0;
  return p;
}

void hbuf_free(hbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}
