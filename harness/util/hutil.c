/* hutil: hex digits, UTF-8 and whole-file I/O, written once.  See hutil.h. */
#include "util/hutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || errlen == 0)
    return;
  int saved = errno; /* vsnprintf() may change errno */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  errno = saved;
}

/* ---- hex ------------------------------------------------------------------ */

int hutil_hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

long hutil_hex4(const char *s) {
  long v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hutil_hexval((unsigned char)s[i]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

size_t hutil_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp, hutil_utf8_err *err) {
  hutil_utf8_err why = HUTIL_UTF8_OK;
  unsigned c = s[0];
  if (c < 0x80) {
    if (cp)
      *cp = c;
    return 1;
  }
  /* the allowed range of the second byte (RFC 3629 section 4): it alone
   * rules out overlong forms, surrogates and values above U+10FFFF */
  unsigned lo = 0x80, hi = 0xBF;
  size_t len;
  uint32_t v;
  if (c < 0xC0) {
    why = HUTIL_UTF8_CONTINUATION;
    goto bad;
  } else if (c < 0xC2) {
    why = HUTIL_UTF8_OVERLONG;
    goto bad;
  } else if (c < 0xE0) {
    len = 2, v = c & 0x1F;
  } else if (c < 0xF0) {
    len = 3, v = c & 0x0F;
    if (c == 0xE0)
      lo = 0xA0;
    if (c == 0xED)
      hi = 0x9F;
  } else if (c < 0xF5) {
    len = 4, v = c & 0x07;
    if (c == 0xF0)
      lo = 0x90;
    if (c == 0xF4)
      hi = 0x8F;
  } else {
    why = c < 0xF8 ? HUTIL_UTF8_TOO_BIG : HUTIL_UTF8_BAD_BYTE;
    goto bad;
  }
  if (n < 2) {
    why = HUTIL_UTF8_TRUNCATED;
    goto bad;
  }
  unsigned b = s[1];
  if (b < lo || b > hi) {
    if (b >= 0x80 && b <= 0xBF)
      why = c == 0xED ? HUTIL_UTF8_SURROGATE : c == 0xF4 ? HUTIL_UTF8_TOO_BIG : HUTIL_UTF8_OVERLONG;
    else
      why = HUTIL_UTF8_TRUNCATED;
    goto bad;
  }
  for (size_t i = 1; i < len; i++) {
    if (i >= n || (s[i] & 0xC0) != 0x80) {
      why = HUTIL_UTF8_TRUNCATED;
      goto bad;
    }
    v = v << 6 | (s[i] & 0x3Fu);
  }
  if (cp)
    *cp = v;
  return len;
bad:
  if (err)
    *err = why;
  return 0;
}

const char *hutil_utf8_msg(hutil_utf8_err err) {
  switch (err) {
  case HUTIL_UTF8_OK: return "valid UTF-8";
  case HUTIL_UTF8_CONTINUATION: return "invalid UTF-8: unexpected continuation byte";
  case HUTIL_UTF8_OVERLONG: return "invalid UTF-8: overlong encoding";
  case HUTIL_UTF8_SURROGATE: return "invalid UTF-8: encoded surrogate code point";
  case HUTIL_UTF8_TOO_BIG: return "invalid UTF-8: code point above U+10FFFF";
  case HUTIL_UTF8_BAD_BYTE: return "invalid UTF-8: byte 0xF8-0xFF";
  case HUTIL_UTF8_TRUNCATED: return "invalid UTF-8: truncated sequence";
  }
  return "invalid UTF-8";
}

size_t hutil_utf8_encode(uint32_t cp, unsigned char *o) {
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | ((cp >> 18) & 0x07));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

int hutil_utf8_valid(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t l = hutil_utf8_decode(u + i, n - i, NULL, NULL);
    if (l == 0)
      return 0;
    i += l;
  }
  return 1;
}

size_t hutil_utf8_cut(const char *s, size_t len, size_t max) {
  if (len <= max)
    return len;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

/* ---- message text ------------------------------------------------------- */

size_t hutil_quote(char *out, size_t cap, const char *s, size_t len, size_t max) {
  size_t o = 0, i = 0;
  if (cap < 16) {
    if (cap)
      out[0] = '\0';
    return 0;
  }
  size_t lim = cap - 12; /* room for an escape, the quote, the dots and NUL */
  size_t stop = hutil_utf8_cut(s, len, max);
  out[o++] = '"';
  for (; i < stop && o < lim; i++) {
    unsigned char b = (unsigned char)s[i];
    if (b == '"' || b == '\\') {
      out[o++] = '\\';
      out[o++] = (char)b;
    } else if (b == '\n' || b == '\t' || b == '\r') {
      out[o++] = '\\';
      out[o++] = b == '\n' ? 'n' : b == '\t' ? 't' : 'r';
    } else if (b < 0x20 || b == 0x7F) {
      static const char hex[] = "0123456789abcdef";
      memcpy(out + o, "\\u00", 4);
      out[o + 4] = hex[b >> 4];
      out[o + 5] = hex[b & 15];
      o += 6;
    } else {
      out[o++] = (char)b;
    }
  }
  if (i < stop && ((unsigned char)s[i] & 0xC0) == 0x80) {
    /* out of room inside a character: drop the part of it already written
     * (its continuation bytes and its lead byte), never half a sequence */
    while (o > 1 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
      o--;
    if (o > 1 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
      o--;
  }
  out[o++] = '"';
  if (i < len) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return o;
}

/* ---- arena ---------------------------------------------------------------- */

#define ARENA_BLOCK ((size_t)16 << 10)
#define ARENA_BLOCK_MAX ((size_t)1 << 20)

void *hutil_arena_grow(hutil_arena *a, size_t n) {
  /* a spare block large enough (first fit), else a new one, each new one
   * twice the last up to ARENA_BLOCK_MAX, or the piece's own size */
  hutil_ablock **link = &a->spare;
  while (*link && (*link)->cap < n)
    link = &(*link)->next;
  hutil_ablock *b = *link;
  if (b) {
    *link = b->next;
  } else {
    size_t cap = a->head && a->head->cap < ARENA_BLOCK_MAX ? a->head->cap * 2 : ARENA_BLOCK_MAX;
    if (cap < ARENA_BLOCK)
      cap = ARENA_BLOCK;
    if (cap < n)
      cap = n;
    b = malloc(sizeof *b + cap);
    if (!b)
      return NULL;
    b->cap = cap;
    a->total += cap;
  }
  b->next = a->head;
  a->head = b;
  b->used = n;
  return b->data;
}

void *hutil_arena_calloc(hutil_arena *a, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  void *p = hutil_arena_alloc(a, n * size);
  if (p)
    memset(p, 0, n * size);
  return p;
}

char *hutil_arena_strndup(hutil_arena *a, const char *s, size_t n) {
  char *p = hutil_arena_alloc(a, n + 1);
  if (p) {
    if (n)
      memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

hutil_amark hutil_arena_mark(const hutil_arena *a) {
  hutil_amark m = {a->head, a->head ? a->head->used : 0};
  return m;
}

void hutil_arena_rollback(hutil_arena *a, hutil_amark m) {
  while (a->head && a->head != m.head) {
    hutil_ablock *b = a->head;
    a->head = b->next;
    a->total -= b->cap;
    free(b);
  }
  if (a->head)
    a->head->used = m.used;
}

static void free_blocks(hutil_ablock *b) {
  while (b) {
    hutil_ablock *next = b->next;
    free(b);
    b = next;
  }
}

void hutil_arena_free(hutil_arena *a) {
  free_blocks(a->head);
  free_blocks(a->spare);
  memset(a, 0, sizeof *a);
}

void hutil_arena_reset(hutil_arena *a, size_t retain) {
  if (a->total > retain) {
    hutil_arena_free(a);
    return;
  }
  while (a->head) {
    hutil_ablock *b = a->head;
    a->head = b->next;
    b->next = a->spare;
    b->used = 0;
    a->spare = b;
  }
}

/* ---- hashing and time ------------------------------------------------------ */

uint64_t hutil_fnv1a(const void *p, size_t n, uint64_t h) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

long long hutil_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- processes ------------------------------------------------------------ */

int hutil_wait_child(pid_t pid, long ms, int *status) {
  pid_t w;
  while ((w = waitpid(pid, status, WNOHANG)) < 0 && errno == EINTR)
    ;
  if (w != 0 || ms <= 0)
    return w == pid ? 1 : w == 0 ? 0 : -1;
#ifdef SYS_pidfd_open
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    struct pollfd p = {fd, POLLIN, 0};
    poll(&p, 1, ms > INT_MAX ? INT_MAX : (int)ms); /* EINTR: an early look */
    close(fd);
  } else
#endif
  {
    /* no pidfd (a kernel before 5.3): a short sleep instead */
    struct timespec ts = {0, (ms < 5 ? ms : 5) * 1000000L};
    nanosleep(&ts, NULL);
  }
  while ((w = waitpid(pid, status, WNOHANG)) < 0 && errno == EINTR)
    ;
  return w == pid ? 1 : w == 0 ? 0 : -1;
}

/* ---- files ---------------------------------------------------------------- */

char *hutil_slurp(const char *path, size_t cap, unsigned flags, size_t *len, int *too_big,
                  char *err, size_t errlen) {
  if (too_big)
    *too_big = 0;
  if (!path || !*path) {
    set_err(err, errlen, "no file name given");
    return NULL;
  }
  char *buf = NULL;
  /* O_NONBLOCK: a FIFO without a writer must be refused (REGULAR) or read
   * as empty (NO_WAIT), not waited for; reads block again below */
  int nonblock = (flags & (HUTIL_SLURP_REGULAR | HUTIL_SLURP_NO_WAIT)) != 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
  struct stat st;
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  int fl = nonblock ? fcntl(fd, F_GETFL) : 0;
  if (fstat(fd, &st) != 0 || fl < 0 || (nonblock && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)) {
    set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    goto fail;
  }
  if (S_ISDIR(st.st_mode)) {
    set_err(err, errlen, "%s: is a directory", path);
    goto fail;
  }
  if ((flags & HUTIL_SLURP_REGULAR) && !S_ISREG(st.st_mode)) {
    set_err(err, errlen, "%s: not a regular file", path);
    goto fail;
  }
  if (cap == 0 || cap > SIZE_MAX / 2)
    cap = SIZE_MAX / 2;
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > cap) {
    if (too_big)
      *too_big = 1;
    set_err(err, errlen, "%s: over the %zu-byte limit", path, cap);
    goto fail;
  }
  /* a regular file's size is a hint only (it may grow or shrink meanwhile) */
  size_t size = (size_t)1 << 16, n = 0;
  if (S_ISREG(st.st_mode) && st.st_size >= 0)
    size = (size_t)st.st_size + 1; /* +1: the end shows without a second read */
  if (size > cap + 1)
    size = cap + 1;
  buf = malloc(size + 1);
  if (!buf)
    goto nomem;
  for (;;) {
    if (n == size) {
      if (n > cap)
        break;
      size_t grow = size * 2 < cap + 1 ? size * 2 : cap + 1;
      char *nb = realloc(buf, grow + 1);
      if (!nb)
        goto nomem;
      buf = nb;
      size = grow;
    }
    ssize_t r = read(fd, buf + n, size - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      set_err(err, errlen, "%s: read error: %s", path, strerror(errno));
      goto fail;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  if (n > cap) {
    if (too_big)
      *too_big = 1;
    set_err(err, errlen, "%s: over the %zu-byte limit", path, cap);
    goto fail;
  }
  close(fd);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
nomem:
  set_err(err, errlen, "%s: out of memory", path);
fail:
  close(fd);
  free(buf);
  return NULL;
}

/* fsync of the directory holding path, so the rename itself is durable.
 * Filesystems that cannot sync a directory (EINVAL) are not an error. */
static int sync_dir(const char *path, char *err, size_t errlen) {
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (!slash) {
    strcpy(dir, ".");
  } else if (slash == path) {
    strcpy(dir, "/");
  } else {
    size_t dl = (size_t)(slash - path);
    if (dl >= sizeof dir) {
      set_err(err, errlen, "%s: path too long", path);
      return -1;
    }
    memcpy(dir, path, dl);
    dir[dl] = '\0';
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot open the directory to fsync it: %s", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  if (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP) {
    set_err(err, errlen, "%s: fsync of the directory: %s", dir, strerror(errno));
    rc = -1;
  }
  close(fd);
  return rc;
}

int hutil_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen) {
  return hutil_write_atomic_ex(path, data, len, 0, err, errlen);
}

int hutil_write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return -1;
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int hutil_write_atomic_ex(const char *path, const void *data, size_t len, unsigned flags, char *err,
                          size_t errlen) {
  char tmp[PATH_MAX];
  int fd = -1;
  if (!path || !*path) {
    set_err(err, errlen, "no file name given");
    return -1;
  }
  int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    set_err(err, errlen, "%s: path too long", path);
    return -1;
  }
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
    return -1;
  }
  if (hutil_write_all(fd, data, len) != 0) {
    set_err(err, errlen, "%s: write error: %s", tmp, strerror(errno));
    goto fail;
  }
  if (!(flags & HUTIL_WRITE_SCRATCH) && fsync(fd) != 0) {
    set_err(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
    goto fail;
  }
  int cfd = fd;
  fd = -1;
  if (close(cfd) != 0) {
    set_err(err, errlen, "%s: close: %s", tmp, strerror(errno));
    goto fail;
  }
  if (rename(tmp, path) != 0) {
    set_err(err, errlen, "%s: rename from %s: %s", path, tmp, strerror(errno));
    goto fail;
  }
  /* the new file is in place; a failed directory sync only means the rename
   * may not survive a crash, which is still worth reporting */
  return flags & HUTIL_WRITE_SCRATCH ? 0 : sync_dir(path, err, errlen);
fail:
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  return -1;
}
