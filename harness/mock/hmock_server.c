/* hmock_server: the libmicrohttpd glue of the mock.
 *
 * MHD runs an epoll loop per thread (thread pool of `threads`), so a slow client
 * holds no thread, only a connection slot; the slot is bounded by
 *  - the idle timeout (MHD_OPTION_CONNECTION_TIMEOUT: no byte for N seconds), and
 *  - the request deadline enforced here: a request (line, headers and body) must
 *    arrive within request_timeout_s of the connection opening or the previous
 *    response; a reaper thread shuts the socket of any connection past it, so a
 *    client trickling one byte a second cannot keep a slot forever.
 * Memory: headers live in MHD's per-connection pool (CONNECTION_MEMORY_LIMIT,
 * oversized headers are refused by MHD); bodies in a per-connection buffer of at
 * most max_body bytes, all of them together under max_total_body (503 past it).
 * The bound for the whole process is in hmock.h.
 *
 * The clients reach libmicrohttpd through hmock_front (the framing checks);
 * there is one libmicrohttpd daemon per thread, each with its own epoll loop. */
#include <malloc.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "mock/hmock_int.h"

#define KEEP_BUFFER (64u * 1024u)   /* body buffer kept between keep-alive requests */
#define HEADER_MEMORY (32u * 1024u) /* MHD per-connection pool: request line + headers */
#define DISCARD_FACTOR 4u           /* past max_body, discard at most 4 x max_body + 1 MiB */
#define DISCARD_EXTRA ((size_t)1 << 20)
#define REAPER_TICK_MS 100

typedef struct hmock_conn {
  struct hmock_conn *prev, *next; /* in m->conns, under conn_lock */
  hmock *m;
  struct MHD_Connection *mc;
  int fd;
  _Atomic long long deadline_ms; /* monotonic; 0: none (a response is being sent) */
  int shut;                      /* the reaper shut the socket */
  /* the hang-large-body fault (under conn_lock) */
  int hung, resumed;
  long long hang_until_ms;
  /* the current request (touched only by the connection's MHD thread) */
  int started, too_big, over_budget;
  size_t discarded;
  char *body;
  size_t len, cap; /* cap is charged to m->body_used */
  /* an answer decided from the request head alone (401, 404, 405, 415 ...):
   * sent once the body has been read and dropped, so the connection stays
   * usable; a body over max_body is not read: the answer goes out at once and
   * the connection closes */
  hmock_response pending;
  int has_pending;
  /* faults: keep-alive-misframe (the next request reads as garbage) and
   * head-with-body (bytes written after the HEAD answer) */
  int poisoned;
  char *head_extra;
  size_t head_extra_len;
} hmock_conn;

static void body_release(hmock_conn *c) {
  if (c->cap)
    atomic_fetch_sub(&c->m->body_used, c->cap);
  if (c->cap > KEEP_BUFFER)
    atomic_store(&c->m->trim_wanted, 1);
  free(c->body);
  c->body = NULL;
  c->len = c->cap = 0;
}

/* Room for n more bytes; 0 when over the per-request cap (too_big) or over the
 * total budget (over_budget), -1 when out of memory. */
static int body_reserve(hmock_conn *c, size_t n) {
  hmock *m = c->m;
  if (n > m->max_body - c->len) {
    c->too_big = 1;
    return 0;
  }
  if (c->len + n <= c->cap)
    return 1;
  size_t cap = c->cap ? c->cap : 4096;
  while (cap < c->len + n)
    cap *= 2;
  if (cap > m->max_body)
    cap = m->max_body;
  size_t extra = cap - c->cap;
  size_t used = atomic_fetch_add(&m->body_used, extra);
  if (used + extra > m->max_total_body) {
    atomic_fetch_sub(&m->body_used, extra);
    c->over_budget = 1;
    return 0;
  }
  char *nb = realloc(c->body, cap);
  if (!nb) {
    atomic_fetch_sub(&m->body_used, extra);
    return -1;
  }
  c->body = nb;
  c->cap = cap;
  return 1;
}

/* The request line as a log shows it: control bytes (MHD has already turned
 * %0a into a newline) and bytes past 200 are not written, so a client cannot
 * forge log lines or flood the log. */
static void log_request(const char *method, const char *url, const char *what) {
  char line[512];
  size_t o = 0;
  const char *parts[2] = {method ? method : "?", url ? url : "?"};
  for (int k = 0; k < 2; k++) {
    const char *p = parts[k];
    size_t i = 0;
    for (; p[i] && i < 200 && o + 8 < sizeof line; i++) {
      unsigned char b = (unsigned char)p[i];
      if (b < 0x20 || b == 0x7F)
        o += (size_t)snprintf(line + o, sizeof line - o, "\\x%02x", b);
      else
        line[o++] = (char)b;
    }
    if (p[i] && o + 4 < sizeof line) {
      memcpy(line + o, "...", 3);
      o += 3;
    }
    if (k == 0 && o + 1 < sizeof line)
      line[o++] = ' ';
  }
  line[o] = '\0';
  fprintf(stderr, "%s %s\n", line, what);
}

static enum MHD_Result send_response(hmock *m, struct MHD_Connection *mc, const char *method,
                                     const char *url, hmock_response *r, int close) {
  struct MHD_Response *resp;
  if (r->body && r->body_len) {
    resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_FREE);
    if (resp)
      r->body = NULL; /* MHD frees it now */
  } else {
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  }
  if (!resp) {
    hmock_response_clear(r);
    return MHD_NO;
  }
  if (r->content_type)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
  if (r->allow)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
  if (r->www_authenticate)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, r->www_authenticate);
  if (r->retry_after)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, r->retry_after);
  if (r->no_store)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (close)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result ret = MHD_queue_response(mc, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  if (m->verbose) { /* method, path, status only: never a header or a body */
    char status[16];
    snprintf(status, sizeof status, "%d", r->status);
    log_request(method, url, status);
  }
  hmock_response_clear(r);
  return ret;
}

static void hang(hmock *m, hmock_conn *c, struct MHD_Connection *mc, const char *method,
                 const char *url) {
  if (m->verbose)
    log_request(method, url, "held without an answer (fault hang-large-body)");
  pthread_mutex_lock(&m->conn_lock);
  c->hung = 1;
  c->resumed = 0;
  c->hang_until_ms = hutil_mono_ms() + (long long)m->hang_s * 1000LL;
  MHD_suspend_connection(mc);
  pthread_mutex_unlock(&m->conn_lock);
}

/* The header fields that decide framing and authentication, counted (MHD's
 * lookup returns only the first of a repeated field). */
typedef struct {
  unsigned n_cl, n_te, n_auth;
  const char *cl, *te, *auth_last;
} head_facts;

static enum MHD_Result count_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
  (void)kind;
  head_facts *h = cls;
  if (!key)
    return MHD_YES;
  if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
    h->n_cl++;
    h->cl = value;
  } else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
    h->n_te++;
    h->te = value;
  } else if (!strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION)) {
    h->n_auth++;
    h->auth_last = value;
  }
  return MHD_YES;
}

static void request_from(struct MHD_Connection *mc, const char *url, const char *method,
                         hmock_request *req) {
  memset(req, 0, sizeof *req);
  req->method = method;
  req->path = url;
  req->content_type =
      MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  req->authorization =
      MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  head_facts h;
  memset(&h, 0, sizeof h);
  MHD_get_connection_values(mc, MHD_HEADER_KIND, count_field, &h);
  req->authorization_count = h.n_auth;
  req->authorization_last = h.auth_last;
}

/* RFC 9112 6.1 and 6.3: the message framing this server accepts.  0 when the
 * request is framed by one Content-Length, by "Transfer-Encoding: chunked"
 * alone, or by neither; else the status to answer (the connection then
 * closes: what follows cannot be delimited) with *why filled. */
static int framing_error(struct MHD_Connection *mc, const char **why) {
  head_facts h;
  memset(&h, 0, sizeof h);
  MHD_get_connection_values(mc, MHD_HEADER_KIND, count_field, &h);
  if (h.n_te) {
    const char *v = h.te;
    while (*v == ' ' || *v == '\t')
      v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
      n--;
    if (h.n_te > 1 || n != 7 || strncasecmp(v, "chunked", 7) != 0) {
      *why = "the only transfer coding this server implements is chunked, sent alone";
      return 501;
    }
    if (h.n_cl) {
      *why = "Transfer-Encoding and Content-Length together: the framing is ambiguous";
      return 400;
    }
  }
  if (h.n_cl > 1) {
    *why = "Content-Length is sent more than once";
    return 400;
  }
  return 0;
}

/* Content-Length over max_body (or not a number MHD let through). */
static int declared_too_big(struct MHD_Connection *mc, size_t max) {
  const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (!cl)
    return 0;
  unsigned long long v = 0;
  for (const char *p = cl; *p; p++) {
    if (*p < '0' || *p > '9')
      return 0; /* MHD itself refuses a malformed length */
    if (v > (unsigned long long)max)
      return 1;
    v = v * 10 + (unsigned long long)(*p - '0');
  }
  return v > (unsigned long long)max;
}

/* The keep-alive-misframe fault, second half: the previous body, never read by
 * this server's parser, is taken for the start of this request. */
static enum MHD_Result answer_garbage(hmock *m, struct MHD_Connection *mc, const char *method,
                                      const char *url) {
  static const char text[] = "Bad Request: malformed request line\n";
  hmock_response r;
  memset(&r, 0, sizeof r);
  r.status = 400;
  r.content_type = "text/plain";
  r.body = malloc(sizeof text - 1);
  if (r.body) {
    memcpy(r.body, text, sizeof text - 1);
    r.body_len = sizeof text - 1;
  }
  return send_response(m, mc, method, url, &r, 1);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *mc, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **req_cls) {
  (void)version;
  hmock *m = cls;
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  hmock_conn *c = ci ? ci->socket_context : NULL;
  if (!c)
    return MHD_NO; /* no memory for the connection at accept: drop it */
  hmock_request req;
  hmock_response r;

  if (!*req_cls) { /* request line and headers are in */
    *req_cls = c;
    c->started = 1;
    c->too_big = c->over_budget = 0;
    c->discarded = 0;
    c->len = 0;
    if (c->poisoned) {
      c->poisoned = 0;
      atomic_store(&c->deadline_ms, 0);
      return answer_garbage(m, mc, method, url);
    }
    const char *why = NULL;
    int bad = framing_error(mc, &why);
    if (bad) {
      /* answered before the body, which cannot be delimited: MHD closes the
       * connection after an answer queued this early */
      atomic_store(&c->deadline_ms, 0);
      hmock_problem(m, bad, why, &r);
      return send_response(m, mc, method, url, &r, 1);
    }
    request_from(mc, url, method, &req);
    req.body_too_large = declared_too_big(mc, m->max_body);
    if (!hmock_precheck(m, &req, &r))
      return MHD_YES; /* now the body */
    if (r.status == 0) {
      hang(m, c, mc, method, url);
      return MHD_YES;
    }
    if (req.body_too_large) {
      /* not worth reading: answer now and close */
      atomic_store(&c->deadline_ms, 0);
      return send_response(m, mc, method, url, &r, 1);
    }
    c->pending = r; /* sent when the body has been read (and dropped) */
    c->has_pending = 1;
    return MHD_YES;
  }
  pthread_mutex_lock(&m->conn_lock);
  int hung = c->hung;
  pthread_mutex_unlock(&m->conn_lock);
  if (hung)
    return MHD_NO; /* resumed after the hang: close without an answer */

  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (c->has_pending) {
      c->discarded += n;
      if (c->discarded <= m->max_body)
        return MHD_YES;
      /* too much to drop: answer now, the connection closes */
      c->has_pending = 0;
      atomic_store(&c->deadline_ms, 0);
      r = c->pending;
      memset(&c->pending, 0, sizeof c->pending);
      return send_response(m, mc, method, url, &r, 1);
    }
    if (!c->too_big && !c->over_budget) {
      int ok = body_reserve(c, n);
      if (ok < 0)
        return MHD_NO;
      if (ok) {
        memcpy(c->body + c->len, upload, n);
        c->len += n;
        return MHD_YES;
      }
    }
    /* over a cap: keep nothing, discard a bounded amount, then give up */
    c->discarded += n;
    if (c->discarded > (size_t)DISCARD_FACTOR * m->max_body + DISCARD_EXTRA)
      return MHD_NO;
    return MHD_YES;
  }

  /* the whole request is in */
  atomic_store(&c->deadline_ms, 0);
  if (c->has_pending) {
    c->has_pending = 0;
    r = c->pending;
    memset(&c->pending, 0, sizeof c->pending);
    if (c->discarded && hmock_has(m, HMOCK_FAULT_KEEP_ALIVE_MISFRAME))
      c->poisoned = 1;
    if (r.body && r.body_len && !strcmp(method, "HEAD") &&
        hmock_has(m, HMOCK_FAULT_HEAD_WITH_BODY) && (c->head_extra = malloc(r.body_len))) {
      memcpy(c->head_extra, r.body, r.body_len);
      c->head_extra_len = r.body_len;
    }
    return send_response(m, mc, method, url, &r, 0);
  }
  if (c->over_budget) {
    hmock_problem(m, 503, "the server is holding too many request bodies; retry later", &r);
    r.retry_after = "1";
    return send_response(m, mc, method, url, &r, 1);
  }
  request_from(mc, url, method, &req);
  req.body = c->body;
  req.body_len = c->len;
  req.body_too_large = c->too_big;
  hmock_handle(m, &req, &r);
  if (r.status == 0) {
    hang(m, c, mc, method, url);
    return MHD_YES;
  }
  return send_response(m, mc, method, url, &r, c->too_big);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)mc;
  hmock *m = cls;
  hmock_conn *c = *req_cls;
  if (!c)
    return;
  *req_cls = NULL;
  c->started = 0;
  c->len = 0;
  if (c->has_pending) {
    hmock_response_clear(&c->pending);
    c->has_pending = 0;
  }
  if (c->head_extra) {
    /* the head-with-body fault: the body MHD rightly left out, written after
     * the answer as a careless server would */
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && c->fd >= 0 &&
        send(c->fd, c->head_extra, c->head_extra_len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
      /* the peer is gone or its window is full: nothing to add */
    }
    free(c->head_extra);
    c->head_extra = NULL;
    c->head_extra_len = 0;
  }
  if (c->cap > KEEP_BUFFER)
    body_release(c);
  atomic_store(&c->deadline_ms, hutil_mono_ms() + (long long)m->request_timeout_s * 1000LL);
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
  hmock *m = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    hmock_conn *c = calloc(1, sizeof *c);
    *socket_context = c;
    if (!c)
      return;
    c->m = m;
    c->mc = mc;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
    c->fd = ci ? ci->connect_fd : -1;
    atomic_init(&c->deadline_ms, hutil_mono_ms() + (long long)m->request_timeout_s * 1000LL);
    pthread_mutex_lock(&m->conn_lock);
    c->next = m->conns;
    if (m->conns)
      m->conns->prev = c;
    m->conns = c;
    pthread_mutex_unlock(&m->conn_lock);
    return;
  }
  hmock_conn *c = *socket_context;
  if (!c)
    return;
  /* MHD calls this before it closes the socket, so the reaper (which holds
   * conn_lock while it calls shutdown) never touches a reused descriptor. */
  pthread_mutex_lock(&m->conn_lock);
  if (c->prev)
    c->prev->next = c->next;
  else
    m->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  pthread_mutex_unlock(&m->conn_lock);
  body_release(c);
  hmock_response_clear(&c->pending);
  free(c->head_extra);
  free(c);
  *socket_context = NULL;
}

static void *reaper_main(void *arg) {
  hmock *m = arg;
  pthread_mutex_lock(&m->conn_lock);
  while (!m->stopping) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += REAPER_TICK_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&m->reaper_cv, &m->conn_lock, &ts);
    if (m->stopping)
      break;
    if (atomic_exchange(&m->trim_wanted, 0)) {
      /* large body buffers or parse arenas were freed: hand the pages back,
       * so RSS returns near its baseline once a burst is over */
      pthread_mutex_unlock(&m->conn_lock);
      malloc_trim(0);
      pthread_mutex_lock(&m->conn_lock);
      if (m->stopping)
        break;
    }
    long long now = hutil_mono_ms();
    for (hmock_conn *c = m->conns; c; c = c->next) {
      if (c->hung) {
        if (!c->resumed && now >= c->hang_until_ms) {
          c->resumed = 1;
          MHD_resume_connection(c->mc);
        }
        continue;
      }
      long long dl = atomic_load(&c->deadline_ms);
      if (!c->shut && dl && now >= dl && c->fd >= 0) {
        c->shut = 1;
        shutdown(c->fd, SHUT_RDWR); /* MHD sees the end of the stream and closes */
      }
    }
  }
  pthread_mutex_unlock(&m->conn_lock);
  return NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap) {
  hmock *m = cls;
  if (!m->verbose)
    return;
  fputs("mhd: ", stderr);
  vfprintf(stderr, fmt, ap);
}

hmock *hmock_start(const hmock_options *opts, char *err, size_t errlen) {
  struct addrinfo *ai = NULL;
  hmock *m = hmock_new(opts, err, errlen);
  if (!m)
    return NULL;
  int port = opts ? opts->port : 0;
  if (port < 0 || port > 65535) {
    snprintf(err, errlen, "port %d is out of range 0..65535", port);
    goto fail;
  }
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  int gai = getaddrinfo(m->host, service, &hints, &ai);
  if (gai != 0 || !ai) {
    snprintf(err, errlen, "cannot resolve host '%s': %s", m->host, gai_strerror(gai));
    goto fail;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET;
  if (hmock_has(m, HMOCK_FAULT_NO_DATE))
    flags |= MHD_USE_SUPPRESS_DATE_NO_CLOCK; /* the fault: a server without a clock */
  /* no listening socket of their own: hmock_front accepts and hands each
   * client over (MHD_add_connection) after checking the request framing.  One
   * daemon per thread, each with its own polling thread, instead of MHD's
   * thread pool, whose workers each refuse past a share of the limit (the
   * refusal path below). */
  /* The connection limit is the front's (it stops accepting there).  Each
   * daemon's own limit is set out of reach: 0.9.75 can deadlock its thread on
   * the path that refuses a connection added over its limit (seen: a daemon
   * thread blocked on its own mutex when closed connections were not yet
   * cleaned up). */
  unsigned share = m->connection_limit + 64u;
  if (m->direct) {
    /* one daemon on its own listening socket, its thread pool serving */
    flags &= ~(unsigned)MHD_USE_NO_LISTEN_SOCKET;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_access, m, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, m->threads > 1 ? m->threads : 0u, MHD_OPTION_EXTERNAL_LOGGER,
        log_mhd, m, MHD_OPTION_CONNECTION_LIMIT, m->connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        m->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, m, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        m, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    const union MHD_DaemonInfo *di = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!d || !di) {
      if (d)
        MHD_stop_daemon(d);
      snprintf(err, errlen, "cannot listen on %s port %d", m->host, port);
      goto fail;
    }
    m->daemons[m->n_daemons++] = d;
    m->port = di->port;
    freeaddrinfo(ai);
    ai = NULL;
    goto serving;
  }
  for (unsigned i = 0; i < m->threads; i++) {
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, m, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, m,
        MHD_OPTION_CONNECTION_LIMIT, share, MHD_OPTION_CONNECTION_TIMEOUT, m->idle_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, m, MHD_OPTION_NOTIFY_CONNECTION, on_connection, m,
        MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    if (!d) {
      snprintf(err, errlen, "cannot start the HTTP server");
      goto fail;
    }
    m->daemons[m->n_daemons++] = d;
  }
  m->port = port;
  if (hmock_front_start(m, ai->ai_addr, ai->ai_addrlen, err, errlen) != 0) {
    m->port = -1;
    goto fail;
  }
  freeaddrinfo(ai);
  ai = NULL;
serving:
  if (pthread_create(&m->reaper, NULL, reaper_main, m) != 0) {
    snprintf(err, errlen, "cannot start the reaper thread");
    goto fail;
  }
  m->reaper_started = 1;
  return m;
fail:
  if (ai)
    freeaddrinfo(ai);
  hmock_stop(m);
  return NULL;
}

void hmock_stop(hmock *m) {
  if (!m)
    return;
  if (m->reaper_started) {
    pthread_mutex_lock(&m->conn_lock);
    m->stopping = 1;
    pthread_cond_signal(&m->reaper_cv);
    pthread_mutex_unlock(&m->conn_lock);
    pthread_join(m->reaper, NULL);
    m->reaper_started = 0;
  }
  if (m->n_daemons) {
    /* MHD must not be stopped with suspended connections: resume every hung one
     * (its handler then closes it without an answer). */
    pthread_mutex_lock(&m->conn_lock);
    for (hmock_conn *c = m->conns; c; c = c->next) {
      if (c->hung && !c->resumed) {
        c->resumed = 1;
        MHD_resume_connection(c->mc);
      }
    }
    pthread_mutex_unlock(&m->conn_lock);
    hmock_front_stop(m); /* every client closes; MHD's ends see the end of stream */
    for (unsigned i = 0; i < m->n_daemons; i++)
      MHD_stop_daemon(m->daemons[i]);
    m->n_daemons = 0;
  }
  hmock_free_parts(m);
}
