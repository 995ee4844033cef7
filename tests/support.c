/* tests/support.c: the helpers of tests/support.h (see there for the contract
 * of each), linked into every test binary. */
#define _GNU_SOURCE /* nftw, mkdtemp, popen, strcasecmp, MSG_NOSIGNAL, accept4 */
#include "support.h"

#include "mock/hmock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- processes and files ---- */

int ts_run(const char *cmd) {
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int ts_run_capture(const char *cmd, char **out) {
  size_t cl = strlen(cmd) + 8;
  char *full = malloc(cl);
  cr_assert(full);
  snprintf(full, cl, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  free(full);
  cr_assert(p, "popen %s: %s", cmd, strerror(errno));
  size_t cap = 4096, n = 0, r;
  char *buf = malloc(cap);
  cr_assert(buf);
  while ((r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
    n += r;
    if (cap - n < 1024) {
      cap *= 2;
      char *grown = realloc(buf, cap);
      cr_assert(grown);
      buf = grown;
    }
  }
  buf[n] = '\0';
  int st = pclose(p);
  if (out)
    *out = buf;
  else
    free(buf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t ts_spawn(const char *path, const char *const *argv, int *out) {
  int p[2];
  cr_assert_eq(pipe(p), 0, "pipe: %s", strerror(errno));
  pid_t pid = fork();
  cr_assert(pid >= 0, "fork: %s", strerror(errno));
  if (pid == 0) {
    int nul = open("/dev/null", O_RDWR);
    if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 2) < 0 || dup2(p[1], 1) < 0)
      _exit(127);
    close(p[0]);
    execv(path, (char *const *)argv);
    _exit(127);
  }
  close(p[1]);
  *out = p[0];
  return pid;
}

size_t ts_read_line(int fd, char *buf, size_t cap) {
  size_t n = 0;
  ssize_t got;
  while (n + 1 < cap && (got = read(fd, buf + n, cap - 1 - n)) != 0) {
    if (got < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    n += (size_t)got;
    if (memchr(buf, '\n', n))
      break;
  }
  if (cap)
    buf[n] = '\0';
  return n;
}

char *ts_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (cap - n < 4096) {
      cap = cap ? cap * 2 : 8192;
      char *grown = realloc(buf, cap);
      if (!grown) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = grown;
    }
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0)
      break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

void ts_write_bytes(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  cr_assert(f, "cannot write %s: %s", path, strerror(errno));
  size_t w = fwrite(data, 1, len, f);
  int rc = fclose(f);
  cr_assert(w == len && rc == 0, "short write to %s", path);
}

void ts_write_file(const char *path, const char *text) { ts_write_bytes(path, text, strlen(text)); }

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path) == 0 ? 0 : errno;
}

/* The directories ts_tmpdir made and ts_rmtree has not removed: removed when
 * the test's process exits, so a test that fails half-way leaves none. */
#define TS_TMPDIRS 16
static char tmpdirs[TS_TMPDIRS][128];

static void remove_tmpdirs(void) {
  if (getenv("KEEP_DIR")) /* kept for a look after a failure */
    return;
  for (size_t i = 0; i < TS_TMPDIRS; i++)
    if (tmpdirs[i][0])
      nftw(tmpdirs[i], rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void ts_tmpdir(char *buf, size_t cap, const char *tag) {
  int n = snprintf(buf, cap, "/tmp/apiharness-%s-XXXXXX", tag);
  cr_assert(n > 0 && (size_t)n < cap && (size_t)n < sizeof tmpdirs[0],
            "ts_tmpdir: %zu bytes are too few for the name", cap);
  cr_assert(mkdtemp(buf), "mkdtemp %s: %s", buf, strerror(errno));
  static int registered;
  if (!registered && atexit(remove_tmpdirs) == 0)
    registered = 1;
  for (size_t i = 0; i < TS_TMPDIRS; i++)
    if (!tmpdirs[i][0]) {
      snprintf(tmpdirs[i], sizeof tmpdirs[i], "%s", buf);
      break;
    }
}

void ts_rmtree(const char *dir) {
  int rc = nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  cr_assert(rc == 0, "cannot remove %s: %s", dir, strerror(rc > 0 ? rc : errno));
  for (size_t i = 0; i < TS_TMPDIRS; i++)
    if (!strcmp(tmpdirs[i], dir))
      tmpdirs[i][0] = '\0';
}

cJSON *ts_report_file(const char *path) {
  char *t = ts_slurp(path, NULL);
  cr_assert(t, "no %s", path);
  cJSON *r = cJSON_Parse(t);
  free(t);
  cr_assert(r, "%s is not JSON", path);
  return r;
}

cJSON *ts_report(const char *dir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  return ts_report_file(path);
}

int ts_catalogue_selects(const char *rdir, const char *filter, int *total) {
  char path[1200];
  snprintf(path, sizeof path, "%s/catalogue.json", rdir);
  cJSON *cat = ts_report_file(path);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  cr_assert(cJSON_IsArray(cases), "%s: no cases", path);
  int n = 0, all = 0;
  for (const cJSON *c = cases->child; c; c = c->next, all++)
    n += fnmatch(filter, ts_str(c, "id"), 0) == 0 ||
         fnmatch(filter, ts_str(c, "requirement"), 0) == 0 ||
         fnmatch(filter, ts_str(c, "class"), 0) == 0;
  cJSON_Delete(cat);
  if (total)
    *total = all;
  return n;
}

const char *ts_str(const cJSON *o, const char *k) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(m) ? m->valuestring : "";
}

const cJSON *ts_find(const cJSON *arr, const char *key, const char *val) {
  for (const cJSON *q = arr ? arr->child : NULL; q; q = q->next)
    if (!strcmp(ts_str(q, key), val))
      return q;
  return NULL;
}

int ts_count(const cJSON *arr, const char *key, const char *val) {
  int n = 0;
  for (const cJSON *q = arr ? arr->child : NULL; q; q = q->next)
    n += !strcmp(ts_str(q, key), val);
  return n;
}

int ts_certify_with(const char *bin, const char *rdir, const char *env, const char *fmt, ...) {
  char args[3072], cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  cr_assert(n >= 0 && (size_t)n < sizeof args, "ts_certify: the arguments are too long");
  int with_env = env && *env;
  n = snprintf(cmd, sizeof cmd, "%s%s%s%s certify %s --report-dir %s >%s.out 2>%s.err",
               with_env ? "env " : "", with_env ? env : "", with_env ? " " : "", bin, args, rdir,
               rdir, rdir);
  cr_assert(n > 0 && (size_t)n < sizeof cmd, "ts_certify: the command is too long");
  return ts_run(cmd);
}

char *ts_certify_text(const char *rdir, const char *stream) {
  if (!strcmp(stream, "all")) {
    char *out = ts_certify_text(rdir, "out"), *err = ts_certify_text(rdir, "err");
    size_t lo = strlen(out), le = strlen(err);
    char *all = realloc(out, lo + le + 1);
    cr_assert(all, "out of memory");
    memcpy(all + lo, err, le + 1);
    free(err);
    return all;
  }
  char path[1200];
  snprintf(path, sizeof path, "%s.%s", rdir, stream);
  char *t = ts_slurp(path, NULL);
  if (!t)
    t = calloc(1, 1);
  cr_assert(t, "out of memory");
  return t;
}

hmock *ts_mock_with(const char *spec, const char *token, int problem_json) {
  hmock_options mo;
  memset(&mo, 0, sizeof mo);
  mo.host = "127.0.0.1";
  mo.spec_path = spec;
  mo.token = token;
  mo.problem_json = problem_json;
  char err[256];
  hmock *m = hmock_start(&mo, err, sizeof err);
  cr_assert(m, "the mock did not start: %s", err);
  return m;
}

double ts_seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

const char *ts_tool(const char *what, const char *const *paths, const char *package) {
  static char found[4096];
  for (size_t i = 0; paths[i]; i++) {
    if (strchr(paths[i], '/')) {
      if (access(paths[i], X_OK) == 0) {
        snprintf(found, sizeof found, "%s", paths[i]);
        return found;
      }
      continue;
    }
    const char *path = getenv("PATH");
    for (const char *d = path ? path : ""; *d;) {
      size_t l = strcspn(d, ":");
      int n = snprintf(found, sizeof found, "%.*s/%s", (int)l, d, paths[i]);
      if (l && n > 0 && (size_t)n < sizeof found && access(found, X_OK) == 0)
        return found;
      d += l + (d[l] == ':');
    }
  }
  const char *ci = getenv("CI");
  if (ci && !strcmp(ci, "true"))
    cr_assert_fail("%s is not installed, and CI=true requires it (Debian package '%s')", what,
                   package);
  return NULL;
}

/* ---- the scripted loopback server ---- */

/* A request whose head sends no byte for this long is given up (the
 * connection dropped as if the client had closed it): a wedged client
 * cannot hold the server for the rest of a test. */
#define TS_IDLE_MS 5000
#define TS_HEAD_MAX (64 << 10)

typedef struct {
  char *p;
  size_t len;
} record;

struct ts_server {
  int lfd, port;
  char url[40];
  int stop_pipe[2];
  pthread_t thread;
  int running;
  ts_answer *answers;
  size_t n_answers;
  int repeat_last;
  pthread_mutex_t mu; /* guards what follows */
  record *recs;
  size_t n_recs, cap_recs;
  int accepted;
};

/* Waits until fd is ready for ev.  1: ready (or in error: the I/O call says
 * which), 0: the server is stopping, -1: timeout_ms passed (-1 waits on). */
static int wait_io(ts_server *s, int fd, short ev, int timeout_ms) {
  struct pollfd p[2] = {{.fd = s->stop_pipe[0], .events = POLLIN}, {.fd = fd, .events = ev}};
  for (;;) {
    int n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 || p[0].revents)
      return 0;
    return n == 0 ? -1 : 1;
  }
}

/* 1 once ts_server_stop has been called. */
static int stopping(ts_server *s) { return wait_io(s, -1, 0, 0) == 0; }

/* 1: all written, 0: the client is gone or the server stopping. */
static int write_all(ts_server *s, int fd, const char *p, size_t n) {
  while (n) {
    if (wait_io(s, fd, POLLOUT, -1) != 1)
      return 0;
    ssize_t w = send(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      continue;
    if (w <= 0)
      return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

typedef struct {
  char *p;
  size_t len, cap;
} rbuf;

/* The server thread never asserts (Criterion's asserts belong to the test's
 * own thread): out of memory there is an abort. */
static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q)
    abort();
  return q;
}

/* Makes room for need bytes in b. */
static void rbuf_reserve(rbuf *b, size_t need) {
  if (b->cap >= need)
    return;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < need)
    cap *= 2;
  b->p = xrealloc(b->p, cap);
  b->cap = cap;
}

/* Appends n bytes read; at most TS_REQUEST_MAX are kept, all are counted. */
static void rbuf_add(rbuf *b, const char *p, size_t n) {
  size_t stored = b->len < TS_REQUEST_MAX ? b->len : TS_REQUEST_MAX;
  size_t keep = TS_REQUEST_MAX - stored < n ? TS_REQUEST_MAX - stored : n;
  rbuf_reserve(b, stored + keep + 1);
  memcpy(b->p + stored, p, keep);
  b->len += n;
  b->p[stored + keep] = '\0';
}

/* The Content-Length of a request head, 0 when absent or unreadable. */
static size_t content_length(const char *head) {
  for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
    if (strncasecmp(p + 2, "content-length:", 15))
      continue;
    const char *v = p + 17;
    while (*v == ' ' || *v == '\t')
      v++;
    return (size_t)strtoull(v, NULL, 10);
  }
  return 0;
}

/* Reads one request from fd into b: the head (never a byte past it: the
 * socket is peeked first), then, unless head_only, its Content-Length body.
 * 1: read, 0: the client closed or went idle first, -1: stopping. */
static int read_request(ts_server *s, int fd, int head_only, rbuf *b) {
  char tmp[4096];
  size_t head_len = 0, matched = 0;
  for (;;) {
    int w = wait_io(s, fd, POLLIN, TS_IDLE_MS);
    if (w <= 0)
      return w == 0 ? -1 : 0;
    ssize_t n = recv(fd, tmp, sizeof tmp, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      continue;
    if (n <= 0)
      return 0;
    /* where the head ends, if in reach: matched counts the bytes of
     * "\r\n\r\n" seen last, across reads */
    size_t take = (size_t)n;
    int done = 0;
    for (size_t i = 0; i < (size_t)n && !done; i++) {
      matched = tmp[i] == "\r\n\r\n"[matched] ? matched + 1 : (size_t)(tmp[i] == '\r');
      if (matched == 4) {
        take = i + 1;
        done = 1;
      }
    }
    n = recv(fd, tmp, take, MSG_DONTWAIT);
    if (n != (ssize_t)take)
      return 0;
    rbuf_add(b, tmp, take);
    head_len += take;
    if (done || head_len >= TS_HEAD_MAX)
      break;
  }
  if (head_only)
    return 1;
  size_t want = content_length(b->p), have = 0;
  while (have < want) {
    int w = wait_io(s, fd, POLLIN, TS_IDLE_MS);
    if (w <= 0)
      return w == 0 ? -1 : 0;
    size_t ask = want - have < sizeof tmp ? want - have : sizeof tmp;
    ssize_t n = recv(fd, tmp, ask, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      continue;
    if (n <= 0)
      return 0;
    rbuf_add(b, tmp, (size_t)n);
    have += (size_t)n;
  }
  return 1;
}

struct ts_reply {
  rbuf b;
};

void ts_reply_add(ts_reply *reply, const char *bytes, size_t len) {
  rbuf *b = &reply->b;
  rbuf_reserve(b, b->len + len + 1);
  memcpy(b->p + b->len, bytes, len);
  b->len += len;
  b->p[b->len] = '\0';
}

/* Writes answer a (bytes[0..len) in place of a->bytes) to fd.  1: done,
 * 0: the client is gone, -1: stopping. */
static int play_bytes(ts_server *s, int fd, const ts_answer *a, const char *bytes, size_t len) {
  if (a->trickle_ms > 0) {
    for (size_t k = 0; k < len; k++) {
      if (!write_all(s, fd, bytes + k, 1))
        return stopping(s) ? -1 : 0;
      if (wait_io(s, -1, 0, a->trickle_ms) == 0)
        return -1;
    }
  } else if (!write_all(s, fd, bytes, len)) {
    return stopping(s) ? -1 : 0;
  }
  if (a->flood_len) {
    char block[1 << 16];
    memset(block, a->flood, sizeof block);
    for (size_t left = a->flood_len; left;) {
      size_t n = left < sizeof block ? left : sizeof block;
      if (!write_all(s, fd, block, n))
        return stopping(s) ? -1 : 0;
      left -= n;
    }
  }
  return 1;
}

/* Writes answer a, computed by a->respond from the request when set. */
static int play(ts_server *s, int fd, const ts_answer *a, const record *request) {
  if (!a->respond)
    return play_bytes(s, fd, a, a->bytes, a->len);
  ts_reply reply = {{0}};
  a->respond(a->ud, request->p, request->len, &reply);
  int r = play_bytes(s, fd, a, reply.b.p ? reply.b.p : "", reply.b.len);
  free(reply.b.p);
  return r;
}

/* Accepts the next connection; -1 when stopping. */
static int accept_one(ts_server *s) {
  for (;;) {
    if (wait_io(s, s->lfd, POLLIN, -1) != 1)
      return -1;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd >= 0) {
      pthread_mutex_lock(&s->mu);
      s->accepted++;
      pthread_mutex_unlock(&s->mu);
      return fd;
    }
    if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
      return -1;
  }
}

/* Keeps b as the record of the next answer; returns a copy of the record
 * (its bytes stay with the server). */
static record keep_record(ts_server *s, rbuf *b) {
  pthread_mutex_lock(&s->mu);
  if (s->n_recs == s->cap_recs) {
    size_t cap = s->cap_recs ? s->cap_recs * 2 : 16;
    s->recs = xrealloc(s->recs, cap * sizeof *s->recs);
    s->cap_recs = cap;
  }
  if (!b->p) {
    b->p = xrealloc(NULL, 1);
    b->p[0] = '\0';
  }
  record kept = {b->p, b->len};
  s->recs[s->n_recs++] = kept;
  pthread_mutex_unlock(&s->mu);
  memset(b, 0, sizeof *b);
  return kept;
}

static void *serve(void *arg) {
  ts_server *s = arg;
  int fd = -1;
  for (size_t k = 0; k < s->n_answers || s->repeat_last; k++) {
    const ts_answer *a = &s->answers[k < s->n_answers ? k : s->n_answers - 1];
    rbuf b = {0};
    for (;;) {
      if (fd < 0 && (fd = accept_one(s)) < 0)
        goto out;
      if (a->read == TS_READ_NONE)
        break;
      int r = read_request(s, fd, a->read == TS_READ_HEAD, &b);
      if (r == 1)
        break;
      close(fd); /* the client left this connection: the answer waits for the next */
      fd = -1;
      free(b.p);
      memset(&b, 0, sizeof b);
      if (r < 0)
        goto out;
    }
    record request = keep_record(s, &b);
    if (a->stall) {
      wait_io(s, -1, 0, -1);
      goto out;
    }
    int r = play(s, fd, a, &request);
    if (r < 0)
      goto out;
    if (r == 0 || a->close_after) {
      close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) {
    /* the script is played: say so, and wait for the client to close */
    shutdown(fd, SHUT_WR);
    char sink[4096];
    while (wait_io(s, fd, POLLIN, -1) == 1) {
      ssize_t r = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        break;
    }
  }
out:
  if (fd >= 0)
    close(fd);
  return NULL;
}

/* Writes the byte that tells a stop pipe's reader to stop. */
static void wake(int fd) {
  ssize_t w;
  do
    w = write(fd, "x", 1);
  while (w < 0 && errno == EINTR);
}

/* Closes a listening socket and its stop pipe. */
static void close_listening(int lfd, const int stop_pipe[2]) {
  close(lfd);
  close(stop_pipe[0]);
  close(stop_pipe[1]);
}

/* A listening socket on 127.0.0.1, port 0 (asserts); its port in *port. */
static int listen_loopback(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert(fd >= 0, "socket: %s", strerror(errno));
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0, "bind: %s", strerror(errno));
  cr_assert_eq(listen(fd, 64), 0, "listen: %s", strerror(errno));
  socklen_t sl = sizeof sa;
  cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
  *port = ntohs(sa.sin_port);
  return fd;
}

int ts_listen_loopback(int *port) { return listen_loopback(port); }

ts_server *ts_server_start(const ts_answer *answers, size_t n, int repeat_last) {
  cr_assert(n > 0 || !repeat_last, "ts_server_start: repeat_last needs an answer");
  ts_server *s = calloc(1, sizeof *s);
  cr_assert(s);
  s->answers = calloc(n ? n : 1, sizeof *s->answers);
  cr_assert(s->answers);
  if (n)
    memcpy(s->answers, answers, n * sizeof *answers);
  s->n_answers = n;
  s->repeat_last = repeat_last;
  pthread_mutex_init(&s->mu, NULL);
  cr_assert_eq(pipe(s->stop_pipe), 0, "pipe: %s", strerror(errno));
  s->lfd = listen_loopback(&s->port);
  snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
  cr_assert_eq(pthread_create(&s->thread, NULL, serve, s), 0);
  s->running = 1;
  return s;
}

int ts_server_port(const ts_server *s) { return s->port; }

const char *ts_server_url(const ts_server *s) { return s->url; }

size_t ts_server_requests(ts_server *s) {
  pthread_mutex_lock(&s->mu);
  size_t n = s->n_recs;
  pthread_mutex_unlock(&s->mu);
  return n;
}

/* *p, read under mu. */
static int locked_int(pthread_mutex_t *mu, const int *p) {
  pthread_mutex_lock(mu);
  int v = *p;
  pthread_mutex_unlock(mu);
  return v;
}

int ts_server_accepted(ts_server *s) { return locked_int(&s->mu, &s->accepted); }

const char *ts_server_request(ts_server *s, size_t k, size_t *len) {
  pthread_mutex_lock(&s->mu);
  const char *p = k < s->n_recs ? s->recs[k].p : "";
  size_t l = k < s->n_recs ? s->recs[k].len : 0;
  pthread_mutex_unlock(&s->mu);
  if (len)
    *len = l;
  return p;
}

void ts_server_stop(ts_server *s) {
  if (!s->running)
    return;
  wake(s->stop_pipe[1]);
  pthread_join(s->thread, NULL);
  s->running = 0;
  close_listening(s->lfd, s->stop_pipe);
}

void ts_server_free(ts_server *s) {
  if (!s)
    return;
  ts_server_stop(s);
  for (size_t i = 0; i < s->n_recs; i++)
    free(s->recs[i].p);
  free(s->recs);
  free(s->answers);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

/* ---- the concurrent listener ---- */

typedef struct ts_conn {
  ts_listener *l;
  int fd; /* -1 once closed (under the listener's mutex) */
  int done;
  pthread_t thread;
  struct ts_conn *next;
} ts_conn;

struct ts_listener {
  int lfd, port;
  int stop_pipe[2];
  pthread_t thread;
  int running;
  ts_handler handler;
  void *ud;
  pthread_mutex_t mu; /* guards what follows */
  int stopping, accepted;
  ts_conn *conns; /* the connections whose thread is not joined yet */
};

static void *conn_main(void *arg) {
  ts_conn *c = arg;
  ts_listener *l = c->l;
  l->handler(l->ud, c->fd, l);
  pthread_mutex_lock(&l->mu);
  close(c->fd);
  c->fd = -1;
  c->done = 1;
  pthread_mutex_unlock(&l->mu);
  return NULL;
}

/* Joins the connection threads that are done (all of them with all set). */
static void reap(ts_listener *l, int all) {
  for (;;) {
    pthread_mutex_lock(&l->mu);
    ts_conn **pp = &l->conns;
    while (*pp && !(*pp)->done && !all)
      pp = &(*pp)->next;
    ts_conn *c = *pp;
    if (c)
      *pp = c->next;
    pthread_mutex_unlock(&l->mu);
    if (!c)
      return;
    pthread_join(c->thread, NULL);
    free(c);
  }
}

static void *listen_main(void *arg) {
  ts_listener *l = arg;
  struct pollfd p[2] = {{.fd = l->stop_pipe[0], .events = POLLIN},
                        {.fd = l->lfd, .events = POLLIN}};
  for (;;) {
    reap(l, 0);
    int n = poll(p, 2, 200);
    if (n < 0 && errno != EINTR)
      break;
    if (p[0].revents)
      break;
    if (n <= 0 || !p[1].revents)
      continue;
    int fd = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    ts_conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      continue;
    }
    c->l = l;
    c->fd = fd;
    pthread_mutex_lock(&l->mu);
    l->accepted++;
    if (pthread_create(&c->thread, NULL, conn_main, c) != 0) {
      pthread_mutex_unlock(&l->mu);
      close(fd);
      free(c);
      continue;
    }
    c->next = l->conns;
    l->conns = c;
    pthread_mutex_unlock(&l->mu);
  }
  return NULL;
}

ts_listener *ts_listener_start(ts_handler handler, void *ud) {
  ts_listener *l = calloc(1, sizeof *l);
  cr_assert(l);
  l->handler = handler;
  l->ud = ud;
  pthread_mutex_init(&l->mu, NULL);
  cr_assert_eq(pipe(l->stop_pipe), 0, "pipe: %s", strerror(errno));
  l->lfd = listen_loopback(&l->port);
  cr_assert_eq(pthread_create(&l->thread, NULL, listen_main, l), 0);
  l->running = 1;
  return l;
}

int ts_listener_port(const ts_listener *l) { return l->port; }

int ts_listener_stopping(ts_listener *l) { return locked_int(&l->mu, &l->stopping); }

int ts_listener_accepted(ts_listener *l) { return locked_int(&l->mu, &l->accepted); }

void ts_listener_stop(ts_listener *l) {
  if (!l->running)
    return;
  wake(l->stop_pipe[1]);
  pthread_join(l->thread, NULL); /* no connection is accepted after this */
  pthread_mutex_lock(&l->mu);
  l->stopping = 1;
  for (ts_conn *c = l->conns; c; c = c->next)
    if (c->fd >= 0)
      shutdown(c->fd, SHUT_RDWR);
  pthread_mutex_unlock(&l->mu);
  reap(l, 1);
  l->running = 0;
  close_listening(l->lfd, l->stop_pipe);
}

void ts_listener_free(ts_listener *l) {
  if (!l)
    return;
  ts_listener_stop(l);
  pthread_mutex_destroy(&l->mu);
  free(l);
}

char *ts_header_flood(const char *status_line, size_t n, const char *tail, size_t *len) {
  size_t sl = strlen(status_line), tl = strlen(tail);
  size_t cap = sl + tl + n * 32 + 1;
  char *p = malloc(cap);
  cr_assert(p);
  memcpy(p, status_line, sl);
  size_t k = sl;
  for (size_t i = 0; i < n; i++)
    k += (size_t)snprintf(p + k, cap - k, "X-%zu: a\r\n", i);
  memcpy(p + k, tail, tl + 1);
  *len = k + tl;
  return p;
}

static int ts_name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ts_list_files(const char *dir, const char *suffix, char **names, size_t cap) {
  DIR *d = opendir(dir);
  cr_assert(d, "cannot open %s", dir);
  size_t nn = 0, sl = strlen(suffix);
  struct dirent *de;
  while ((de = readdir(d)) && nn < cap) {
    size_t l = strlen(de->d_name);
    if (l > sl && !strcmp(de->d_name + l - sl, suffix)) {
      names[nn] = strdup(de->d_name);
      cr_assert(names[nn], "out of memory");
      nn++;
    }
  }
  closedir(d);
  qsort(names, nn, sizeof names[0], ts_name_cmp);
  return nn;
}

hrules *ts_load_rules(const char *spec_path, hspec **spec) {
  herr e;
  *spec = hspec_load_file(spec_path, &e);
  cr_assert_not_null(*spec, "%s: %s", spec_path, e.msg);
  hrules *rules = hrules_new(*spec, &e);
  cr_assert_not_null(rules, "rules of %s: %s", spec_path, e.msg);
  return rules;
}
