/* hconn: raw HTTP/1.1 exchanges on one connection, exact framing.  See hconn.h. */
#include "client/hconn.h"
#include "client/hresponse_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/hutil.h"

/* Messages are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define IN_CAP (HCLIENT_MAX_HEADERS + ((size_t)64 << 10))
#define CHUNK_LINE_MAX 4096

struct hconn {
  char host[256];
  char port_s[8];
  int port;
  char authority[300];
  char prefix[1024];
  int fd;
  int used;        /* exchanges completed on fd */
  long quiet_ms;   /* the wait for unasked bytes after a response (hconn_set_quiet_ms) */
  char fixed[400]; /* "Host: ...", User-Agent and Accept lines, CRLF-ended: the same every time */
  size_t fixed_len;
  hbuf head; /* the request head being sent (its memory is reused) */
  char *in;
  size_t in_len, in_off;
};

hconn *hconn_new(const char *url, char *err) {
  if (!url || strncasecmp(url, "http://", 7) != 0) {
    snprintf(err, HCONN_MSG_MAX, "the raw client speaks http:// only");
    return NULL;
  }
  const char *a = url + 7;
  size_t al = strcspn(a, "/?#");
  if (memchr(a, '@', al)) {
    snprintf(err, HCONN_MSG_MAX, "credentials in the base URL are not supported");
    return NULL;
  }
  hconn *c = calloc(1, sizeof *c);
  if (!c || !(c->in = malloc(IN_CAP))) {
    free(c);
    snprintf(err, HCONN_MSG_MAX, "out of memory");
    return NULL;
  }
  c->fd = -1;
  c->quiet_ms = HCONN_QUIET_MS;
  const char *port = NULL;
  size_t hl;
  if (al && a[0] == '[') {
    const char *rb = memchr(a, ']', al);
    if (!rb)
      goto bad;
    hl = (size_t)(rb - a - 1);
    if (hl == 0 || hl >= sizeof c->host)
      goto bad;
    memcpy(c->host, a + 1, hl);
    if ((size_t)(rb + 1 - a) < al) {
      if (rb[1] != ':')
        goto bad;
      port = rb + 2;
    }
  } else {
    const char *colon = memchr(a, ':', al);
    hl = colon ? (size_t)(colon - a) : al;
    if (hl == 0 || hl >= sizeof c->host)
      goto bad;
    memcpy(c->host, a, hl);
    port = colon ? colon + 1 : NULL;
  }
  c->port = 80;
  if (port) {
    size_t pl = (size_t)(a + al - port);
    long p = 0;
    if (pl == 0 || pl > 5)
      goto bad;
    for (size_t i = 0; i < pl; i++) {
      if (!isdigit((unsigned char)port[i]))
        goto bad;
      p = p * 10 + (port[i] - '0');
    }
    if (p < 1 || p > 65535)
      goto bad;
    c->port = (int)p;
  }
  snprintf(c->port_s, sizeof c->port_s, "%d", c->port);
  snprintf(c->authority, sizeof c->authority, "%.*s", (int)al, a);
  const char *path = a + al;
  size_t pl = strcspn(path, "?#");
  while (pl && path[pl - 1] == '/')
    pl--;
  if (pl >= sizeof c->prefix)
    goto bad;
  memcpy(c->prefix, path, pl);
  c->prefix[pl] = '\0';
  int fl = snprintf(c->fixed, sizeof c->fixed,
                    "Host: %s\r\nUser-Agent: apiharness/" APIHARNESS_VERSION "\r\nAccept: */*\r\n",
                    c->authority);
  if (fl < 0 || (size_t)fl >= sizeof c->fixed)
    goto bad;
  c->fixed_len = (size_t)fl;
  return c;
bad:
  snprintf(err, HCONN_MSG_MAX, "the base URL's host or port is not valid");
  hconn_free(c);
  return NULL;
}

void hconn_close(hconn *c) {
  if (c && c->fd >= 0) {
    close(c->fd);
    c->fd = -1;
  }
  if (c) {
    c->used = 0;
    c->in_len = c->in_off = 0;
  }
}

void hconn_free(hconn *c) {
  if (!c)
    return;
  hconn_close(c);
  free(c->in);
  hbuf_free(&c->head);
  free(c);
}

void hconn_set_quiet_ms(hconn *c, long ms) { c->quiet_ms = ms > 0 ? ms : 0; }

const char *hconn_authority(const hconn *c) { return c->authority; }
const char *hconn_host(const hconn *c) { return c->host; }
int hconn_port(const hconn *c) { return c->port; }

void hconn_result_free(hconn_result *res) {
  hclient_response_free(&res->r);
  memset(res, 0, sizeof *res);
}

static int has_body_method(const char *m) {
  return !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
}

/* Plain appends, no formatting: this runs once per exchange (the endpoint
 * fuzzer's hot path). */
void hconn_format_head(const hconn *c, const hconn_request *req, hbuf *b) {
  hbuf_puts(b, req->method);
  hbuf_add(b, " ", 1);
  hbuf_puts(b, c->prefix);
  hbuf_puts(b, req->target);
  hbuf_add(b, " HTTP/1.1\r\n", 11);
  hbuf_add(b, c->fixed, c->fixed_len);
  for (size_t i = 0; i < req->n_header_lines; i++) {
    hbuf_puts(b, req->header_lines[i]);
    hbuf_add(b, "\r\n", 2);
  }
  if (req->body_len || has_body_method(req->method)) {
    char num[24];
    size_t k = sizeof num, v = req->body_len;
    do
      num[--k] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    hbuf_add(b, "Content-Length: ", 16);
    hbuf_add(b, num + k, sizeof num - k);
    hbuf_add(b, "\r\n", 2);
  }
  hbuf_add(b, "\r\n", 2);
}

/* ---- socket I/O under a deadline ---- */

static int connect_to(hconn *c, long long deadline, char *err) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(c->host, c->port_s, &hints, &res);
  if (gai != 0) {
    snprintf(err, HCLIENT_MSG_MAX, "could not resolve host %s: %s", c->host, gai_strerror(gai));
    return -1;
  }
  int last = ECONNREFUSED, timed_out = 0;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = errno;
      close(fd);
      continue;
    }
    struct pollfd p = {fd, POLLOUT, 0};
    long long left = deadline - hutil_mono_ms();
    int pr = left > 0 ? poll(&p, 1, (int)left) : 0;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (pr == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
      freeaddrinfo(res);
      c->fd = fd;
      c->used = 0;
      c->in_len = c->in_off = 0;
      return 0;
    }
    if (pr == 0)
      timed_out = 1;
    last = pr == 1 ? soerr : errno;
    close(fd);
    if (timed_out)
      break;
  }
  freeaddrinfo(res);
  if (timed_out) {
    snprintf(err, HCLIENT_MSG_MAX, "connect to %s timed out", c->authority);
    return -2;
  }
  snprintf(err, HCLIENT_MSG_MAX, "could not connect to %s: %s", c->authority, strerror(last));
  return -1;
}

enum { IO_EOF = 0, IO_ERR = -1, IO_TIMEOUT = -2, IO_FULL = -3 };

/* Reads what is available (waiting until deadline) into c->in.  Returns the
 * bytes read, IO_EOF, IO_ERR (errno kept), IO_TIMEOUT or IO_FULL. */
static long read_more(hconn *c, long long deadline) {
  if (c->in_off && c->in_off == c->in_len)
    c->in_off = c->in_len = 0;
  if (c->in_len == IN_CAP && c->in_off) {
    memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
    c->in_len -= c->in_off;
    c->in_off = 0;
  }
  if (c->in_len == IN_CAP)
    return IO_FULL;
  for (;;) {
    long long left = deadline - hutil_mono_ms();
    if (left <= 0)
      return IO_TIMEOUT;
    struct pollfd p = {c->fd, POLLIN, 0};
    int pr = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr < 0)
      return IO_ERR;
    if (pr == 0)
      return IO_TIMEOUT;
    ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
    if (n > 0) {
      c->in_len += (size_t)n;
      return (long)n;
    }
    if (n == 0)
      return IO_EOF;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      continue;
    return IO_ERR;
  }
}

/* Writes head[0..hlen) then body[0..blen) (one sendmsg when the socket
 * takes it all), reading whatever the server sends meanwhile (it may answer
 * before it has read the body): it polls only when the socket is full.  0,
 * IO_ERR (the server stopped reading: errno kept) or IO_TIMEOUT. */
static int write_all(hconn *c, const char *head, size_t hlen, const char *body, size_t blen,
                     long long deadline) {
  size_t off = 0, len = hlen + blen;
  while (off < len) {
    struct iovec iov[2];
    size_t n_iov = 0;
    if (off < hlen)
      iov[n_iov++] = (struct iovec){(char *)head + off, hlen - off};
    if (blen) {
      size_t bo = off > hlen ? off - hlen : 0;
      iov[n_iov++] = (struct iovec){(char *)body + bo, blen - bo};
    }
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = n_iov};
    ssize_t n = sendmsg(c->fd, &m, MSG_NOSIGNAL);
    if (n > 0) {
      off += (size_t)n;
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      return IO_ERR;
    /* the socket is full: wait for room, reading what the server sends */
    for (;;) {
      long long left = deadline - hutil_mono_ms();
      if (left <= 0)
        return IO_TIMEOUT;
      struct pollfd p = {c->fd, POLLOUT, 0};
      if (c->in_len < IN_CAP)
        p.events |= POLLIN;
      int pr = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
      if (pr < 0 && errno == EINTR)
        continue;
      if (pr <= 0)
        return pr == 0 ? IO_TIMEOUT : IO_ERR;
      if ((p.revents & POLLIN) && c->in_len < IN_CAP) {
        ssize_t r = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
        if (r > 0)
          c->in_len += (size_t)r;
        else if (r == 0) {
          errno = EPIPE;
          return IO_ERR;
        }
      }
      if (p.revents & (POLLOUT | POLLERR | POLLHUP))
        break;
    }
  }
  return 0;
}

/* ---- response parsing ---- */

typedef struct {
  hconn_result *res;
  size_t max_body;
  size_t body_cap;
  int nomem;
} rd;

/* Appends body bytes, up to the cap; 0 when the cap was hit (truncated). */
static int body_add(rd *x, const char *p, size_t n) {
  return hresponse_body_add(&x->res->r, &x->body_cap, x->max_body, &x->nomem, p, n);
}

/* Trimmed, comma-separated list members of v[0..n) checked as decimal
 * lengths; all must agree.  1 and *out, 0 invalid, -1 conflicting. */
static int content_length(const char *v, size_t n, long long *out, int *seen) {
  size_t i = 0;
  while (i <= n) {
    size_t j = i;
    while (j < n && v[j] != ',')
      j++;
    size_t a = i, b = j;
    while (a < b && (v[a] == ' ' || v[a] == '\t'))
      a++;
    while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
      b--;
    if (a == b || b - a > 18)
      return 0;
    long long x = 0;
    for (size_t k = a; k < b; k++) {
      if (!isdigit((unsigned char)v[k]))
        return 0;
      x = x * 10 + (v[k] - '0');
    }
    if (*seen && x != *out)
      return -1;
    *out = x;
    *seen = 1;
    i = j + 1;
  }
  return 1;
}

static int token_in_list(const char *v, size_t n, const char *tok) {
  size_t tl = strlen(tok);
  for (size_t i = 0; i < n;) {
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
      i++;
    size_t j = i;
    while (j < n && v[j] != ',')
      j++;
    size_t b = j;
    while (b > i && (v[b - 1] == ' ' || v[b - 1] == '\t'))
      b--;
    if (b - i == tl && !strncasecmp(v + i, tok, tl))
      return 1;
    i = j;
  }
  return 0;
}

typedef struct {
  int status;
  int chunked, has_te;
  int has_cl;
  long long cl;
  int close;
} head_info;

#define MALFORMED(...)                                                                             \
  do {                                                                                             \
    snprintf(res->r.error, sizeof res->r.error, __VA_ARGS__);                                      \
    res->malformed = 1;                                                                            \
    return -1;                                                                                     \
  } while (0)

/* Parses the head h[0..n) (status line and header lines, without the final
 * empty line) into *hi and the captured values of res. */
static int parse_head(const char *h, size_t n, head_info *hi, hconn_result *res) {
  hclient_response *r = &res->r;
  memset(hi, 0, sizeof *hi);
  r->has_content_type = r->has_allow = r->has_www_authenticate = r->has_date = r->has_server = 0;
  r->content_type[0] = r->allow[0] = r->www_authenticate[0] = r->date[0] = r->server[0] = '\0';
  /* memchr, not byte loops: this runs on every response (and the fuzz build
   * instruments every comparison of the library) */
  const char *nl0 = memchr(h, '\n', n);
  size_t e = nl0 ? (size_t)(nl0 - h) : n;
  size_t sl = e && h[e - 1] == '\r' ? e - 1 : e;
  if (sl < 12 || memcmp(h, "HTTP/", 5) || !isdigit((unsigned char)h[5]) || h[6] != '.' ||
      !isdigit((unsigned char)h[7]) || h[8] != ' ' || !isdigit((unsigned char)h[9]) ||
      !isdigit((unsigned char)h[10]) || !isdigit((unsigned char)h[11]) || (sl > 12 && h[12] != ' '))
    MALFORMED("no valid HTTP status line (got %zu bytes starting '%.24s')", sl, h);
  if (h[5] != '1')
    MALFORMED("not an HTTP/1.x response: '%.12s'", h);
  hi->status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
  if (hi->status < 100)
    MALFORMED("status %d out of range", hi->status);
  size_t lines = 0;
  int last_framing = 0;
  for (size_t i = e + 1; i < n;) {
    const char *nlj = memchr(h + i, '\n', n - i);
    size_t j = nlj ? (size_t)(nlj - h) : n;
    size_t le = j && j > i && h[j - 1] == '\r' ? j - 1 : j;
    const char *ln = h + i;
    size_t ll = le - i;
    i = j + 1;
    if (ll == 0)
      break; /* the empty line that ends the head */
    if (++lines > HCONN_MAX_HEADER_LINES)
      MALFORMED("more than %d header lines", HCONN_MAX_HEADER_LINES);
    if (ll && (ln[0] == ' ' || ln[0] == '\t')) {
      /* obs-fold: content continues the previous line (RFC 9112 5.2) */
      if (lines == 1)
        MALFORMED("a folded header line with no header before it");
      if (last_framing)
        MALFORMED("a folded Content-Length or Transfer-Encoding header");
      continue;
    }
    const char *colon = memchr(ln, ':', ll);
    if (!colon || colon == ln)
      MALFORMED("a header line without a name and colon: '%.40s'", ln);
    size_t nl = (size_t)(colon - ln);
    for (size_t k = 0; k < nl; k++)
      if (ln[k] == ' ' || ln[k] == '\t' || (unsigned char)ln[k] < 0x21 || ln[k] == 0x7f)
        MALFORMED("a header name with whitespace or control bytes: '%.40s'", ln);
    const char *v = colon + 1;
    size_t vl = ll - nl - 1;
    last_framing = 0;
#define IS(name) (nl == sizeof name - 1 && !strncasecmp(ln, name, nl))
    if (hresponse_keep_header(r, ln, nl, v, vl)) {
      /* a value the response records: nothing more to do */
    } else if (IS("Content-Length")) {
      last_framing = 1;
      int ok = content_length(v, vl, &hi->cl, &hi->has_cl);
      if (ok == 0)
        MALFORMED("an invalid Content-Length: '%.40s'", v);
      if (ok < 0)
        MALFORMED("conflicting Content-Length values");
    } else if (IS("Transfer-Encoding")) {
      last_framing = 1;
      hi->has_te = 1;
      /* the last coding decides: chunked or read to the close */
      size_t a = vl;
      while (a && v[a - 1] != ',')
        a--;
      size_t b = vl;
      while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
        b--;
      while (a < b && (v[a] == ' ' || v[a] == '\t'))
        a++;
      hi->chunked = b - a == 7 && !strncasecmp(v + a, "chunked", 7);
    } else if (IS("Connection")) {
      if (token_in_list(v, vl, "close"))
        hi->close = 1;
    }
#undef IS
  }
  return 0;
}

/* Position just after the end of the head in c->in from c->in_off (the
 * byte after the empty line), or 0 when not complete yet. */
static size_t head_end(const hconn *c) {
  const char *b = c->in + c->in_off;
  size_t n = c->in_len - c->in_off;
  for (const char *p = memchr(b, '\n', n); p; p = memchr(p + 1, '\n', n - (size_t)(p + 1 - b))) {
    size_t i = (size_t)(p - b);
    if (i + 1 < n && b[i + 1] == '\n')
      return i + 2;
    if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n')
      return i + 3;
  }
  return 0;
}

static int io_fail(hconn_result *res, long r, long timeout_ms, const char *what) {
  if (r == IO_TIMEOUT) {
    res->r.timed_out = 1;
    snprintf(res->r.error, sizeof res->r.error, "no complete response within %ld ms", timeout_ms);
  } else if (r == IO_FULL) {
    res->r.transport_error = 1;
    snprintf(res->r.error, sizeof res->r.error, "response headers over %zu bytes",
             HCLIENT_MAX_HEADERS);
  } else if (r == IO_EOF) {
    res->r.transport_error = 1;
    res->malformed = 1;
    snprintf(res->r.error, sizeof res->r.error, "the connection closed %s", what);
  } else {
    res->r.transport_error = 1;
    snprintf(res->r.error, sizeof res->r.error, "receive failed %s: %s", what, strerror(errno));
  }
  return -1;
}

/* Reads one line of a chunked body (without its line end) into line; 1, or
 * -1 with the error set. */
static int chunk_line(hconn *c, long long deadline, long timeout_ms, hconn_result *res, char *line,
                      size_t cap, size_t *len) {
  for (;;) {
    const char *b = c->in + c->in_off;
    size_t n = c->in_len - c->in_off;
    const char *nl = memchr(b, '\n', n);
    if (nl) {
      size_t l = (size_t)(nl - b);
      size_t keep_l = l && b[l - 1] == '\r' ? l - 1 : l;
      if (keep_l >= cap)
        MALFORMED("a chunk line over %zu bytes", cap);
      memcpy(line, b, keep_l);
      line[keep_l] = '\0';
      *len = keep_l;
      c->in_off += l + 1;
      return 1;
    }
    if (n >= cap + 2)
      MALFORMED("a chunk line over %zu bytes", cap);
    long rr = read_more(c, deadline);
    if (rr <= 0)
      return io_fail(res, rr, timeout_ms, "inside a chunked body");
  }
}

/* Moves up to want bytes of body from the input (reading more as needed). */
static int body_bytes(hconn *c, rd *x, unsigned long long want, long long deadline, long timeout_ms,
                      int *cut) {
  hconn_result *res = x->res;
  while (want > 0) {
    size_t avail = c->in_len - c->in_off;
    if (!avail) {
      long rr = read_more(c, deadline);
      if (rr <= 0)
        return io_fail(res, rr, timeout_ms, "inside the body");
      continue;
    }
    size_t take = avail < want ? avail : (size_t)want;
    int ok = body_add(x, c->in + c->in_off, take);
    c->in_off += take;
    want -= take;
    if (!ok) {
      if (x->nomem) {
        res->r.transport_error = 1;
        snprintf(res->r.error, sizeof res->r.error, "out of memory reading the response");
        return -1;
      }
      *cut = 1;
      return 0;
    }
  }
  return 0;
}

/* Reads one response.  Returns 0 (complete or cut at the cap: *cut), 1 when
 * the connection closed (or was reset) before any byte, -1 on error (res
 * filled). */
static int read_response(hconn *c, rd *x, const char *method, long long deadline, long timeout_ms,
                         int *cut) {
  hconn_result *res = x->res;
  head_info hi;
  int interim = 0;
  int any = c->in_len > c->in_off;
  for (;;) {
    size_t he;
    while (!(he = head_end(c))) {
      if (c->in_len - c->in_off > HCLIENT_MAX_HEADERS)
        return io_fail(res, IO_FULL, timeout_ms, "");
      long rr = read_more(c, deadline);
      if (!any && (rr == IO_EOF || (rr == IO_ERR && (errno == ECONNRESET || errno == EPIPE))))
        return 1;
      if (rr <= 0)
        return io_fail(res, rr, timeout_ms, "inside the response head");
      any = 1;
    }
    if (he - 1 > HCLIENT_MAX_HEADERS)
      return io_fail(res, IO_FULL, timeout_ms, "");
    const char *h = c->in + c->in_off;
    if (parse_head(h, he, &hi, res) != 0)
      return -1;
    c->in_off += he;
    if (hi.status >= 100 && hi.status < 200 && hi.status != 101) {
      if (++interim > HCONN_MAX_INTERIM)
        MALFORMED("more than %d interim 1xx answers", HCONN_MAX_INTERIM);
      continue;
    }
    free(res->r.headers);
    res->r.headers = malloc(he + 1);
    if (res->r.headers) {
      memcpy(res->r.headers, h, he);
      res->r.headers[he] = '\0';
      res->r.headers_len = he;
    }
    break;
  }
  res->r.status = hi.status;
  res->connection_close = hi.close;
  if (!strcmp(method, "HEAD") || hi.status == 204 || hi.status == 304 || hi.status < 200) {
    snprintf(res->framing, sizeof res->framing, "no body (%s)",
             !strcmp(method, "HEAD") ? "answer to HEAD" : "status without a body");
    if (hi.status == 101)
      res->connection_close = 1; /* the connection is no longer HTTP */
    return 0;
  }
  if (hi.has_te && hi.chunked) {
    snprintf(res->framing, sizeof res->framing, "chunked");
    char line[CHUNK_LINE_MAX + 1];
    size_t ll;
    for (;;) {
      if (chunk_line(c, deadline, timeout_ms, res, line, sizeof line, &ll) < 0)
        return -1;
      size_t k = 0;
      unsigned long long size = 0;
      while (k < ll && isxdigit((unsigned char)line[k])) {
        if (k >= 15)
          MALFORMED("a chunk size over 15 hex digits");
        int d = isdigit((unsigned char)line[k]) ? line[k] - '0'
                                                : (tolower((unsigned char)line[k]) - 'a' + 10);
        size = size * 16 + (unsigned long long)d;
        k++;
      }
      if (k == 0)
        MALFORMED("an invalid chunk size line: '%.24s'", line);
      while (k < ll && (line[k] == ' ' || line[k] == '\t'))
        k++;
      if (k < ll && line[k] != ';')
        MALFORMED("an invalid chunk size line: '%.24s'", line);
      if (size == 0)
        break;
      if (body_bytes(c, x, size, deadline, timeout_ms, cut) < 0)
        return -1;
      if (*cut)
        return 0;
      if (chunk_line(c, deadline, timeout_ms, res, line, sizeof line, &ll) < 0)
        return -1;
      if (ll != 0)
        MALFORMED("chunk data not followed by CRLF");
    }
    size_t trailer = 0;
    for (;;) {
      if (chunk_line(c, deadline, timeout_ms, res, line, sizeof line, &ll) < 0)
        return -1;
      if (ll == 0)
        break;
      trailer += ll;
      if (trailer > HCLIENT_MAX_HEADERS)
        MALFORMED("trailer fields over %zu bytes", HCLIENT_MAX_HEADERS);
    }
    return 0;
  }
  if (!hi.has_te && hi.has_cl) {
    snprintf(res->framing, sizeof res->framing, "Content-Length: %lld", hi.cl);
    if (body_bytes(c, x, (unsigned long long)hi.cl, deadline, timeout_ms, cut) < 0)
      return -1;
    return 0;
  }
  /* no length: the body ends with the connection */
  snprintf(res->framing, sizeof res->framing, "ended by the connection close (no length)");
  for (;;) {
    size_t avail = c->in_len - c->in_off;
    if (avail) {
      int ok = body_add(x, c->in + c->in_off, avail);
      c->in_off += avail;
      if (!ok) {
        if (x->nomem) {
          res->r.transport_error = 1;
          snprintf(res->r.error, sizeof res->r.error, "out of memory reading the response");
          return -1;
        }
        *cut = 1;
        return 0;
      }
    }
    long rr = read_more(c, deadline);
    if (rr == IO_EOF) {
      res->server_closed = 1;
      return 0;
    }
    if (rr < 0)
      return io_fail(res, rr, timeout_ms, "inside the body");
  }
}

/* After a complete response: what the server sends unasked within the quiet
 * window (and what was already buffered) is extra; a close is recorded.
 * With a quiet time of 0 only what was already read counts (no wait, no
 * system call). */
static void quiet_window(hconn *c, hconn_result *res) {
  long long until = c->quiet_ms ? hutil_mono_ms() + c->quiet_ms : 0;
  for (;;) {
    size_t avail = c->in_len - c->in_off;
    if (avail) {
      size_t room = HCONN_EXTRA_KEEP - res->extra_kept;
      size_t take = avail < room ? avail : room;
      memcpy(res->extra + res->extra_kept, c->in + c->in_off, take);
      res->extra_kept += take;
      res->extra_len += avail;
      c->in_off += avail;
    }
    if (res->server_closed || res->extra_len > ((size_t)1 << 20) || !c->quiet_ms)
      return;
    long rr = read_more(c, until);
    if (rr == IO_EOF || rr == IO_ERR) {
      res->server_closed = 1;
      return;
    }
    if (rr == IO_TIMEOUT || rr == IO_FULL)
      return;
  }
}

int hconn_exchange(hconn *c, const hconn_request *req, long timeout_ms, size_t max_body,
                   hconn_result *out) {
  memset(out, 0, sizeof *out);
  hclient_response_init(&out->r);
  if (timeout_ms <= 0)
    timeout_ms = HCLIENT_DEFAULT_TIMEOUT_MS;
  rd x = {out, max_body ? max_body : HCLIENT_DEFAULT_MAX_BODY, 0, 0};
  out->head = !strcmp(req->method, "HEAD");
  long long start = hutil_mono_ms(), deadline = start + timeout_ms;
  hbuf *b = &c->head;
  b->n = 0;
  b->toobig = b->nomem = 0;
  hconn_format_head(c, req, b);
  if (b->nomem || b->toobig) {
    hbuf_free(b);
    out->r.transport_error = 1;
    snprintf(out->r.error, sizeof out->r.error, "out of memory building the request");
    return -1;
  }
  int rc = -1;
  for (int attempt = 0; attempt < 2; attempt++) {
    hclient_response_free(&out->r);
    x.body_cap = 0;
    if (c->fd < 0) {
      int cr = connect_to(c, deadline, out->r.error);
      if (cr != 0) {
        if (cr == -2)
          out->r.timed_out = 1;
        else
          out->r.transport_error = 1;
        break;
      }
      out->new_connection = 1;
    } else {
      out->reused = c->used > 0;
    }
    out->r.connected = 1;
    out->r.new_connections = out->new_connection;
    c->in_len = c->in_off = 0;
    int wr = write_all(c, b->p, b->n, req->body, req->body_len, deadline);
    int wr_errno = errno;
    if (wr == IO_TIMEOUT) {
      io_fail(out, IO_TIMEOUT, timeout_ms, "");
      hconn_close(c);
      break;
    }
    int cut = 0;
    int rr = read_response(c, &x, req->method, deadline, timeout_ms, &cut);
    if (rr == 1) {
      if (out->reused && attempt == 0) {
        /* the kept connection was closed before it carried this request */
        hconn_close(c);
        out->retried = 1;
        continue;
      }
      out->r.transport_error = 1;
      out->r.upload_aborted = wr != 0 && req->body_len > 0;
      snprintf(out->r.error, sizeof out->r.error,
               "the server closed the connection without answering%s%s",
               wr ? " (sending failed: " : "", wr ? strerror(wr_errno) : "");
      if (wr)
        strncat(out->r.error, ")", sizeof out->r.error - strlen(out->r.error) - 1);
      hconn_close(c);
      break;
    }
    if (rr < 0) {
      if (wr != 0 && out->r.status == 0 && req->body_len > 0)
        out->r.upload_aborted = 1;
      hconn_close(c);
      break;
    }
    rc = 0;
    if (cut) {
      snprintf(out->framing + strlen(out->framing), sizeof out->framing - strlen(out->framing),
               "; body over %zu bytes: the rest was not read, connection closed", x.max_body);
      hconn_close(c);
      break;
    }
    if (!out->server_closed)
      quiet_window(c, out);
    c->used++;
    if (out->server_closed || out->connection_close || out->extra_len || wr != 0)
      hconn_close(c);
    break;
  }
  out->r.time_ms = (long)(hutil_mono_ms() - start);
  if (b->cap > ((size_t)64 << 10))
    hbuf_free(b); /* keep small heads' memory only */
  return rc;
}
