/* hmock_front: the mock's front door.  libmicrohttpd 0.9.75 has no strictness
 * option for request framing (MHD_OPTION_CLIENT_DISCIPLINE_LVL came later; its
 * MHD_OPTION_STRICT_FOR_CLIENT only covers Host and spaces), and it decides
 * some framing errors before any callback: "Content-Length: n, n" gets its
 * HTML 400 with a doubled status line, a chunk size of 2^64-1 is waited for
 * until the idle timeout, a chunk extension that fills its buffer gets an HTML
 * 500.  So the listening socket is ours: one thread accepts each client, hands
 * libmicrohttpd one end of a socketpair (MHD_add_connection) and relays the
 * bytes, reading the request framing on the way in (RFC 9112 6, 7.1):
 *
 *   Content-Length not 1*DIGIT, listed ("n, n") or sent twice -> 400, close
 *   Transfer-Encoding other than one "chunked"               -> 501, close
 *   Transfer-Encoding together with Content-Length            -> 400, close
 *   request head over FRONT_HEAD_MAX bytes                     -> 431, close
 *   chunk size not hex, over 16 digits or over 2^63            -> 400, close
 *   chunk size over max_body                                   -> 413, close
 *   chunk-size line (with its extensions) over FRONT_LINE_MAX  -> 400, close
 *   chunk data not followed by CRLF, trailers over the limit   -> 400, close
 *
 * each a ProblemDetails in the mock's media type.  Bytes of the requests before
 * the bad one are relayed first and answered by libmicrohttpd; the bad request
 * never reaches it.  Everything else (the request line, header syntax, the
 * body) is libmicrohttpd's and hmock's business, as before.
 *
 * Memory: a relay holds two FRONT_BUF buffers; live relays are bounded by
 * connection_limit (accepting pauses at the limit: the kernel backlog holds the
 * rest, as libmicrohttpd's own listener did). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>

#include "mock/hmock_int.h"

#define FRONT_BUF (16u * 1024u)    /* each direction of a relay */
#define FRONT_HEAD_MAX FRONT_BUF   /* request line + header fields */
#define FRONT_LINE_MAX 4096u       /* a chunk-size line with its extensions */
#define FRONT_CLOSE_GRACE_MS 300LL /* after a framing error: how long MHD may finish */
#define FRONT_LINGER_MS 1000LL     /* after the error answer: input drained, then close */

enum parse_state { P_HEAD, P_BODY, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_CRLF, P_TRAILER, P_BAD };

typedef struct relay relay;
typedef struct {
  relay *r;
  int side; /* 0: the client's socket, 1: our end of the socketpair */
} relay_end;

struct relay {
  relay *prev, *next;
  relay_end ends[2];
  int cfd, sfd;
  unsigned cev, sev; /* epoll interest now registered */
  /* client -> MHD: up[0, ok) is checked and may be forwarded, up[ok, up_len)
   * waits for the parser */
  char up[FRONT_BUF];
  size_t up_len, ok;
  /* MHD -> client */
  char down[FRONT_BUF];
  size_t down_len;
  enum parse_state st;
  unsigned long long left; /* bytes of body or chunk data still to pass */
  int c_eof, s_eof, s_shut;
  /* a framing error: the answer goes out once MHD is done (or the grace ends) */
  int bad_status;
  char bad_detail[160];
  long long bad_until_ms;
  int bad_sent;
  long long linger_until_ms; /* 0: not lingering */
  int dead;                  /* finished: freed after the current batch of events */
};

typedef struct hmock_front {
  hmock *m;
  int lfd, efd, wake;
  int accepting;
  unsigned live;
  unsigned next_daemon;
  relay *relays;
  pthread_t thread;
  int started;
} hmock_front;

/* ------------------------------------------------------------ the parser */

static void set_bad(relay *r, int status, const char *detail) {
  r->st = P_BAD;
  r->bad_status = status;
  snprintf(r->bad_detail, sizeof r->bad_detail, "%s", detail);
  r->bad_until_ms = hutil_mono_ms() + FRONT_CLOSE_GRACE_MS;
}

static const char *memmem_crlf2(const char *p, size_t n, size_t *end) {
  for (size_t i = 0; i + 1 < n; i++) {
    if (p[i] != '\n')
      continue;
    if (p[i + 1] == '\n') {
      *end = i + 2;
      return p;
    }
    if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n') {
      *end = i + 3;
      return p;
    }
  }
  return NULL;
}

/* The framing of one request head (its bytes are p[0, n)): 0 and the body's
 * form in r->st / r->left, or an error status with the detail set. */
static int read_head(relay *r, const char *p, size_t n) {
  unsigned n_cl = 0, n_te = 0;
  int te_chunked = 0, cl_bad = 0;
  unsigned long long cl = 0;
  const char *line = memchr(p, '\n', n);
  line = line ? line + 1 : p + n; /* past the request line */
  while (line < p + n) {
    const char *eol = memchr(line, '\n', (size_t)(p + n - line));
    size_t ll = eol ? (size_t)(eol - line) : (size_t)(p + n - line);
    if (ll && line[ll - 1] == '\r')
      ll--;
    if (ll == 0)
      break;
    const char *colon = memchr(line, ':', ll);
    if (colon) {
      size_t nl = (size_t)(colon - line);
      const char *v = colon + 1, *ve = line + ll;
      while (v < ve && (*v == ' ' || *v == '\t'))
        v++;
      while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
        ve--;
      if (nl == 14 && !strncasecmp(line, "Content-Length", 14)) {
        n_cl++;
        if (v == ve)
          cl_bad = 1;
        for (const char *d = v; d < ve; d++) {
          if (*d < '0' || *d > '9' || cl > (~0ULL >> 1) / 10) {
            cl_bad = 1;
            break;
          }
          cl = cl * 10 + (unsigned long long)(*d - '0');
        }
      } else if (nl == 17 && !strncasecmp(line, "Transfer-Encoding", 17)) {
        n_te++;
        te_chunked = ve - v == 7 && !strncasecmp(v, "chunked", 7);
      }
    }
    line = eol ? eol + 1 : p + n;
  }
  if (n_te) {
    if (n_te > 1 || !te_chunked) {
      set_bad(r, 501, "the only transfer coding this server implements is chunked, sent alone");
      return 501;
    }
    if (n_cl) {
      set_bad(r, 400, "Transfer-Encoding and Content-Length together: the framing is ambiguous");
      return 400;
    }
    r->st = P_CHUNK_SIZE;
    return 0;
  }
  if (n_cl > 1) {
    set_bad(r, 400, "Content-Length is sent more than once");
    return 400;
  }
  if (cl_bad) {
    set_bad(r, 400, "Content-Length is not one decimal number");
    return 400;
  }
  r->left = cl;
  r->st = cl ? P_BODY : P_HEAD;
  return 0;
}

/* Advances the parser over up[ok, up_len): everything it approves moves ok. */
static void parse(hmock_front *f, relay *r) {
  for (;;) {
    const char *p = r->up + r->ok;
    size_t n = r->up_len - r->ok;
    if (n == 0 || r->st == P_BAD)
      return;
    switch (r->st) {
    case P_HEAD: {
      size_t end = 0;
      if (!memmem_crlf2(p, n, &end)) {
        /* a blank line between requests is allowed (RFC 9112 2.2) */
        if (n >= 2 && p[0] == '\r' && p[1] == '\n' && r->ok == 0) {
          r->ok += 2;
          continue;
        }
        if (r->ok == 0 && n >= FRONT_HEAD_MAX)
          set_bad(r, 431, "the request head is over the limit of 16384 bytes");
        return;
      }
      if (read_head(r, p, end))
        return;
      r->ok += end;
      break;
    }
    case P_BODY:
    case P_CHUNK_DATA: {
      size_t k = n < r->left ? n : (size_t)r->left;
      r->ok += k;
      r->left -= k;
      if (r->left == 0)
        r->st = r->st == P_BODY ? P_HEAD : P_CHUNK_CRLF;
      break;
    }
    case P_CHUNK_CRLF: {
      if (n < 1 || (p[0] == '\r' && n < 2))
        return;
      size_t k = p[0] == '\n' ? 1 : (p[0] == '\r' && p[1] == '\n') ? 2 : 0;
      if (!k) {
        set_bad(r, 400, "chunk data is not followed by CRLF");
        return;
      }
      r->ok += k;
      r->st = P_CHUNK_SIZE;
      break;
    }
    case P_CHUNK_SIZE: {
      const char *eol = memchr(p, '\n', n);
      if (!eol) {
        if (n > FRONT_LINE_MAX)
          set_bad(r, 400, "a chunk-size line (with its extensions) is over 4096 bytes");
        return;
      }
      size_t ll = (size_t)(eol - p) + 1;
      if (ll > FRONT_LINE_MAX + 2) {
        set_bad(r, 400, "a chunk-size line (with its extensions) is over 4096 bytes");
        return;
      }
      unsigned long long size = 0;
      size_t digits = 0, i = 0;
      for (; i < ll; i++) {
        char c = p[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
          break;
        if (size >> 59) { /* the next digit would pass 2^63 */
          set_bad(r, 400, "a chunk size is over 2^63 bytes");
          return;
        }
        size = size << 4 | (unsigned long long)v;
        digits++;
      }
      if (!digits || (p[i] != ';' && p[i] != '\r' && p[i] != '\n' && p[i] != ' ' && p[i] != '\t')) {
        set_bad(r, 400, "a chunk size is not a hexadecimal number");
        return;
      }
      if (size > f->m->max_body) {
        set_bad(r, 413, "a chunk is larger than the request body limit");
        return;
      }
      r->ok += ll;
      r->left = size;
      r->st = size ? P_CHUNK_DATA : P_TRAILER;
      break;
    }
    case P_TRAILER: {
      const char *eol = memchr(p, '\n', n);
      if (!eol) {
        if (n > FRONT_LINE_MAX)
          set_bad(r, 400, "a trailer field is over 4096 bytes");
        return;
      }
      size_t ll = (size_t)(eol - p) + 1;
      r->ok += ll;
      if (ll == 1 || (ll == 2 && p[0] == '\r'))
        r->st = P_HEAD;
      break;
    }
    case P_BAD: return;
    }
  }
}

/* ------------------------------------------------------------ relaying */

static void relay_free(hmock_front *f, relay *r) {
  if (r->prev)
    r->prev->next = r->next;
  else
    f->relays = r->next;
  if (r->next)
    r->next->prev = r->prev;
  /* leave the epoll set explicitly: a close only does when no other
   * descriptor (a forked child's copy) refers to the same open file, and an
   * event for a freed relay would be a use after free */
  if (r->cfd >= 0) {
    epoll_ctl(f->efd, EPOLL_CTL_DEL, r->cfd, NULL);
    close(r->cfd);
  }
  if (r->sfd >= 0) {
    epoll_ctl(f->efd, EPOLL_CTL_DEL, r->sfd, NULL);
    close(r->sfd);
  }
  free(r);
  f->live--;
  if (f->live == 0) /* a burst is over: let the reaper hand freed pages back */
    atomic_store(&f->m->trim_wanted, 1);
  if (!f->accepting && f->live < f->m->connection_limit) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(f->efd, EPOLL_CTL_MOD, f->lfd, &ev) == 0)
      f->accepting = 1;
  }
}

/* The framing error's answer, appended to down (room is made: it is the last
 * thing this connection sends). */
static void queue_bad_answer(hmock_front *f, relay *r) {
  hmock_response pr;
  hmock_problem(f->m, r->bad_status, r->bad_detail, &pr);
  char head[512];
  char date[64] = "";
  if (!hmock_has(f->m, HMOCK_FAULT_NO_DATE)) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
  }
  const char *reason = MHD_get_reason_phrase_for((unsigned)r->bad_status);
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 %d %s\r\n%sConnection: close\r\nContent-Type: %s\r\n"
                    "Content-Length: %zu\r\n\r\n",
                    r->bad_status, reason, date, pr.content_type ? pr.content_type : "text/plain",
                    pr.body_len);
  size_t need = (size_t)hl + pr.body_len;
  if (need <= FRONT_BUF - r->down_len) {
    memcpy(r->down + r->down_len, head, (size_t)hl);
    memcpy(r->down + r->down_len + (size_t)hl, pr.body, pr.body_len);
    r->down_len += need;
  }
  hmock_response_clear(&pr);
  r->bad_sent = 1;
}

static void update_interest(hmock_front *f, relay *r) {
  unsigned cev = 0, sev = 0;
  if (!r->c_eof && r->st != P_BAD && r->up_len < FRONT_BUF)
    cev |= EPOLLIN;
  if (r->down_len)
    cev |= EPOLLOUT;
  if (r->sfd >= 0 && !r->s_eof && r->down_len < FRONT_BUF && !r->bad_sent)
    sev |= EPOLLIN;
  if (r->sfd >= 0 && r->ok && !r->s_shut)
    sev |= EPOLLOUT;
  if (cev != r->cev) {
    struct epoll_event ev = {.events = cev, .data.ptr = &r->ends[0]};
    epoll_ctl(f->efd, EPOLL_CTL_MOD, r->cfd, &ev);
    r->cev = cev;
  }
  if (r->sfd >= 0 && sev != r->sev) {
    struct epoll_event ev = {.events = sev, .data.ptr = &r->ends[1]};
    epoll_ctl(f->efd, EPOLL_CTL_MOD, r->sfd, &ev);
    r->sev = sev;
  }
}

/* Moves what can move; 0 to keep the relay, -1 when it is finished. */
static int pump(hmock_front *f, relay *r) {
  for (int progress = 1; progress;) {
    progress = 0;
    /* client -> us */
    if (!r->c_eof && r->st != P_BAD && r->up_len < FRONT_BUF) {
      ssize_t k = recv(r->cfd, r->up + r->up_len, FRONT_BUF - r->up_len, MSG_DONTWAIT);
      if (k > 0) {
        r->up_len += (size_t)k;
        progress = 1;
        parse(f, r);
      } else if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        r->c_eof = 1;
        progress = 1;
      }
    }
    /* us -> MHD: the approved bytes */
    if (r->ok && r->sfd >= 0 && !r->s_shut) {
      ssize_t k = send(r->sfd, r->up, r->ok, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (k > 0) {
        memmove(r->up, r->up + k, r->up_len - (size_t)k);
        r->up_len -= (size_t)k;
        r->ok -= (size_t)k;
        progress = 1;
      } else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        r->s_shut = 1; /* MHD closed its end */
        r->ok = 0;
      }
    }
    /* nothing more will reach MHD: tell it */
    if (!r->s_shut && r->sfd >= 0 && r->ok == 0 && (r->c_eof || r->st == P_BAD)) {
      shutdown(r->sfd, SHUT_WR);
      r->s_shut = 1;
      progress = 1;
    }
    /* MHD -> us */
    if (r->sfd >= 0 && !r->s_eof && r->down_len < FRONT_BUF && !r->bad_sent) {
      ssize_t k = recv(r->sfd, r->down + r->down_len, FRONT_BUF - r->down_len, MSG_DONTWAIT);
      if (k > 0) {
        r->down_len += (size_t)k;
        progress = 1;
      } else if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        r->s_eof = 1;
        progress = 1;
      }
    }
    /* a framing error: answered once MHD has finished (or the grace is over) */
    if (r->st == P_BAD && !r->bad_sent && (r->s_eof || hutil_mono_ms() >= r->bad_until_ms)) {
      if (r->sfd >= 0) {
        close(r->sfd);
        r->sfd = -1;
      }
      queue_bad_answer(f, r);
      progress = 1;
    }
    /* us -> client */
    if (r->down_len) {
      ssize_t k = send(r->cfd, r->down, r->down_len, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (k > 0) {
        memmove(r->down, r->down + k, r->down_len - (size_t)k);
        r->down_len -= (size_t)k;
        progress = 1;
      } else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return -1; /* the client is gone */
      }
    }
  }
  /* the last answer went out (the front's own error answer, or everything
   * MHD sent before it closed, e.g. a 413 to a body it would not read) while
   * the client may still be sending: half-close and drain what it sends, so
   * the close does not turn into a reset that could destroy the answer in
   * flight (a "lingering close", RFC 9112 9.6) */
  int answered = r->down_len == 0 && (r->bad_sent || (r->s_eof && r->st != P_BAD));
  if (answered && r->c_eof && !r->bad_sent)
    return -1; /* finished: MHD closed, its bytes are delivered, the client is done */
  if (answered) {
    if (!r->linger_until_ms) {
      shutdown(r->cfd, SHUT_WR);
      r->linger_until_ms = hutil_mono_ms() + FRONT_LINGER_MS;
    }
    char sink[4096];
    ssize_t k;
    while ((k = recv(r->cfd, sink, sizeof sink, MSG_DONTWAIT)) > 0)
      ;
    if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
        hutil_mono_ms() >= r->linger_until_ms)
      return -1;
    if (r->cev != EPOLLIN) {
      struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &r->ends[0]};
      epoll_ctl(f->efd, EPOLL_CTL_MOD, r->cfd, &ev);
      r->cev = EPOLLIN;
    }
    return 0;
  }
  if (r->c_eof && r->s_eof && r->down_len == 0)
    return -1;
  update_interest(f, r);
  return 0;
}

static void accept_some(hmock_front *f) {
  for (int i = 0; i < 64 && f->live < f->m->connection_limit; i++) {
    /* close-on-exec from the start: a process that forks while the mock
     * serves (certify's case runners) must not inherit client sockets */
    int cfd = accept4(f->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
      return;
    int sp[2];
    relay *r = calloc(1, sizeof *r);
    if (!r || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
      free(r);
      close(cfd);
      continue;
    }
    /* both ends non-blocking: MHD reads its end from an epoll loop (a
     * blocking read there would stall every connection of that thread) */
    fcntl(sp[0], F_SETFL, fcntl(sp[0], F_GETFL) | O_NONBLOCK);
    fcntl(sp[1], F_SETFL, fcntl(sp[1], F_GETFL) | O_NONBLOCK);
    struct sockaddr_un un;
    memset(&un, 0, sizeof un);
    un.sun_family = AF_UNIX;
    /* round robin over the daemons; one at its limit (a closed connection
     * not yet cleaned up) passes the client to the next */
    int added = 0;
    for (unsigned k = 0; k < f->m->n_daemons && !added; k++) {
      int fd = k + 1 < f->m->n_daemons ? fcntl(sp[1], F_DUPFD_CLOEXEC, 0) : sp[1];
      if (fd < 0)
        continue;
      struct MHD_Daemon *d = f->m->daemons[f->next_daemon++ % f->m->n_daemons];
      added = MHD_add_connection(d, fd, (const struct sockaddr *)&un,
                                 (socklen_t)sizeof(sa_family_t)) == MHD_YES;
      if (added && fd != sp[1])
        close(sp[1]); /* MHD serves the duplicate */
    }
    if (!added) {
      close(sp[0]); /* MHD closed what it was given */
      close(cfd);
      free(r);
      continue;
    }
    r->cfd = cfd;
    r->sfd = sp[0];
    r->ends[0] = (relay_end){r, 0};
    r->ends[1] = (relay_end){r, 1};
    r->st = P_HEAD;
    r->cev = EPOLLIN;
    r->sev = EPOLLIN;
    struct epoll_event ce = {.events = r->cev, .data.ptr = &r->ends[0]};
    struct epoll_event se = {.events = r->sev, .data.ptr = &r->ends[1]};
    r->next = f->relays;
    if (f->relays)
      f->relays->prev = r;
    f->relays = r;
    f->live++;
    if (epoll_ctl(f->efd, EPOLL_CTL_ADD, cfd, &ce) != 0 ||
        epoll_ctl(f->efd, EPOLL_CTL_ADD, r->sfd, &se) != 0)
      relay_free(f, r);
  }
  if (f->live >= f->m->connection_limit && f->accepting) {
    struct epoll_event ev = {.events = 0, .data.ptr = NULL};
    if (epoll_ctl(f->efd, EPOLL_CTL_MOD, f->lfd, &ev) == 0)
      f->accepting = 0;
  }
}

static void *front_main(void *arg) {
  hmock_front *f = arg;
  struct epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(f->efd, evs, 64, 100);
    if (n < 0 && errno != EINTR)
      break;
    int stop = 0;
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == NULL) {
        accept_some(f);
      } else if (evs[i].data.ptr == (void *)&f->wake) {
        stop = 1;
      } else {
        relay_end *e = evs[i].data.ptr;
        if (!e->r->dead && pump(f, e->r) != 0)
          e->r->dead = 1;
      }
    }
    if (stop)
      break;
    /* framing errors waiting on their grace period; then the finished relays
     * (never inside a batch: a later event may name the same relay) */
    for (relay *r = f->relays, *next; r; r = next) {
      next = r->next;
      if (!r->dead && r->st == P_BAD && pump(f, r) != 0)
        r->dead = 1;
      if (r->dead)
        relay_free(f, r);
    }
  }
  while (f->relays)
    relay_free(f, f->relays);
  return NULL;
}

int hmock_front_start(hmock *m, const struct sockaddr *addr, socklen_t addrlen, char *err,
                      size_t errlen) {
  hmock_front *f = calloc(1, sizeof *f);
  if (!f) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  f->m = m;
  f->lfd = f->efd = f->wake = -1;
  f->lfd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (f->lfd < 0 || setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(f->lfd, addr, addrlen) != 0 || listen(f->lfd, 1024) != 0) {
    snprintf(err, errlen, "cannot listen on %s port %d: %s", m->host, m->port, strerror(errno));
    goto fail;
  }
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(f->lfd, (struct sockaddr *)&ss, &sl) == 0)
    m->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  f->efd = epoll_create1(EPOLL_CLOEXEC);
  f->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct epoll_event le = {.events = EPOLLIN, .data.ptr = NULL};
  struct epoll_event we = {.events = EPOLLIN, .data.ptr = &f->wake};
  if (f->efd < 0 || f->wake < 0 || epoll_ctl(f->efd, EPOLL_CTL_ADD, f->lfd, &le) != 0 ||
      epoll_ctl(f->efd, EPOLL_CTL_ADD, f->wake, &we) != 0) {
    snprintf(err, errlen, "epoll: %s", strerror(errno));
    goto fail;
  }
  f->accepting = 1;
  if (pthread_create(&f->thread, NULL, front_main, f) != 0) {
    snprintf(err, errlen, "cannot start the front thread");
    goto fail;
  }
  f->started = 1;
  m->front = f;
  return 0;
fail:
  if (f->lfd >= 0)
    close(f->lfd);
  if (f->efd >= 0)
    close(f->efd);
  if (f->wake >= 0)
    close(f->wake);
  free(f);
  return -1;
}

void hmock_front_stop(hmock *m) {
  hmock_front *f = m->front;
  if (!f)
    return;
  if (f->started) {
    unsigned long long one = 1;
    if (write(f->wake, &one, sizeof one) < 0) {
      /* the counter is full: the thread is being woken anyway */
    }
    pthread_join(f->thread, NULL);
  }
  close(f->lfd);
  close(f->efd);
  close(f->wake);
  free(f);
  m->front = NULL;
}
