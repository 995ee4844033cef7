/* hjournal: the batch journals of the conformance suites.  See hjournal.h. */
#include "run/hjournal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hutil.h"

static void journal_path(char *out, size_t cap, const char *work, size_t first) {
  snprintf(out, cap, "%s/b%zu.jnl", work, first);
}

int hjournal_open(const char *work, size_t first) {
  char path[PATH_MAX];
  journal_path(path, sizeof path, work, first);
  return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

int hjournal_started(int fd, size_t index) {
  char rec[32];
  int n = snprintf(rec, sizeof rec, "S %zu\n", index);
  return hutil_write_all(fd, rec, (size_t)n);
}

int hjournal_result(int fd, size_t index, const char *text, size_t len) {
  if (len > HJOURNAL_RECORD_MAX) {
    errno = EFBIG;
    return -1;
  }
  char head[64];
  int hn = snprintf(head, sizeof head, "R %zu %zu\n", index, len);
  char *rec = malloc((size_t)hn + len + 1);
  if (!rec)
    return -1;
  memcpy(rec, head, (size_t)hn);
  memcpy(rec + hn, text, len);
  rec[(size_t)hn + len] = '\n';
  /* one record, one write(2): a short write on a regular file only happens
   * when the disk is full (the rest follows; the reader waits for it) */
  int rc = hutil_write_all(fd, rec, (size_t)hn + len + 1);
  int e = errno;
  free(rec);
  errno = e;
  return rc;
}

void hjournal_reader_init(hjournal_reader *r, size_t first) {
  memset(r, 0, sizeof *r);
  r->first = first;
  r->fd = -1;
  r->pending.limit = HJOURNAL_RECORD_MAX + 64;
}

void hjournal_reader_free(hjournal_reader *r) {
  if (r->fd >= 0)
    close(r->fd);
  r->fd = -1;
  hbuf_free(&r->pending);
}

/* A decimal size_t at *p ending at `stop`; advances *p past it. */
static int parse_size(const char **p, const char *end, char stop, size_t *out) {
  const char *s = *p;
  size_t v = 0;
  if (s >= end || *s < '0' || *s > '9')
    return -1;
  while (s < end && *s >= '0' && *s <= '9') {
    if (v > (SIZE_MAX - 9) / 10)
      return -1;
    v = v * 10 + (size_t)(*s - '0');
    s++;
  }
  if (s >= end || *s != stop)
    return -1;
  *p = s + 1;
  *out = v;
  return 0;
}

/* Calls fn for each complete record of buf[0..n); returns the bytes used, or
 * (size_t)-1 when a record is malformed. */
static size_t parse_records(const char *buf, size_t n, hjournal_fn fn, void *ctx) {
  size_t used = 0;
  for (;;) {
    const char *p = buf + used, *end = buf + n;
    if (p == end)
      return used;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
      return (size_t)(end - p) > 64 ? (size_t)-1 : used; /* a head is short */
    if (end - p < 3 || (p[0] != 'S' && p[0] != 'R') || p[1] != ' ')
      return (size_t)-1;
    char kind = p[0];
    const char *q = p + 2;
    size_t index, len = 0;
    if (kind == 'S') {
      if (parse_size(&q, nl + 1, '\n', &index) != 0)
        return (size_t)-1;
      fn(ctx, 'S', index, NULL, 0);
      used = (size_t)(q - buf);
      continue;
    }
    if (parse_size(&q, nl + 1, ' ', &index) != 0 || parse_size(&q, nl + 1, '\n', &len) != 0 ||
        len > HJOURNAL_RECORD_MAX)
      return (size_t)-1;
    if ((size_t)(end - q) < len + 1)
      return used; /* the rest of the record is still coming */
    if (q[len] != '\n')
      return (size_t)-1;
    fn(ctx, 'R', index, q, len);
    used = (size_t)(q + len + 1 - buf);
  }
}

int hjournal_poll(hjournal_reader *r, const char *work, hjournal_fn fn, void *ctx) {
  if (r->corrupt)
    return -1;
  if (r->fd < 0) {
    char path[PATH_MAX];
    journal_path(path, sizeof path, work, r->first);
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
      return errno == ENOENT ? 0 : -1;
  }
  for (;;) {
    if (!hbuf_reserve(&r->pending, 64 << 10)) {
      r->corrupt = 1;
      return -1;
    }
    ssize_t got = read(r->fd, r->pending.p + r->pending.n, 64 << 10);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      r->corrupt = 1;
      return -1;
    }
    if (got == 0)
      break;
    r->pending.n += (size_t)got;
  }
  size_t used = parse_records(r->pending.p ? r->pending.p : "", r->pending.n, fn, ctx);
  if (used == (size_t)-1) {
    r->corrupt = 1;
    return -1;
  }
  if (used) {
    memmove(r->pending.p, r->pending.p + used, r->pending.n - used);
    r->pending.n -= used;
    r->pending.p[r->pending.n] = '\0';
  }
  return 0;
}
