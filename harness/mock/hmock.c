/* hmock: options, lifetime and shared state of the mock: hmock_new reads the
 * options, loads the spec (or borrows it), compiles the rules, takes the
 * media types of the 201 and of every ProblemDetails status from the spec;
 * the worker pool (parse and validation state per request in progress);
 * small helpers the mock's files share (see hmock_int.h for the map). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "mock/hmock_int.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

int hmock_has(const hmock *m, hmock_fault_id id) { return (m->faults & HMOCK_FAULT_BIT(id)) != 0; }

void hmock_response_clear(hmock_response *r) {
  if (!r)
    return;
  free(r->body);
  memset(r, 0, sizeof *r);
}

/* getrandom() may return early only on a signal for these small sizes. */
int hmock_random(void *buf, size_t n) {
  unsigned char *p = buf;
  while (n > 0) {
    ssize_t got = getrandom(p, n, 0);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += got;
    n -= (size_t)got;
  }
  return 0;
}

/* ------------------------------------------------- media types from the spec */

static int json_media(const char *mt) {
  size_t n = strcspn(mt, ";");
  while (n > 0 && (mt[n - 1] == ' ' || mt[n - 1] == '\t'))
    n--;
  return (n == 16 && !strncasecmp(mt, "application/json", 16)) ||
         (n > 5 && !strncasecmp(mt + n - 5, "+json", 5)) || (n == 3 && !strncmp(mt, "*/*", 3));
}

/* A Content-Type for a documented media range: itself when concrete (and fit
 * for a header line);
 * "application/\*+json" -> application/problem+json for a problem (else
 * application/json); "*\/\*" or "application/\*" -> application/json. */
static void concrete_media(const char *mt, int problem, char *out, size_t cap) {
  int header_safe = strlen(mt) < cap;
  for (const char *c = mt; *c && header_safe; c++)
    header_safe = (unsigned char)*c >= 0x20 && *c != 0x7f; /* a header value: no CR LF */
  if (!header_safe)
    snprintf(out, cap, "%s", problem ? "application/problem+json" : "application/json");
  else if (!strchr(mt, '*'))
    snprintf(out, cap, "%s", mt);
  else if (strstr(mt, "+json"))
    snprintf(out, cap, "%s", problem ? "application/problem+json" : "application/json");
  else
    snprintf(out, cap, "application/json");
}

/* The documented JSON media entry of a status (exact code, then 4XX, then
 * default), or its first entry, or NULL. */
static const hspec_media *documented_media(const hmock *m, int status) {
  const hspec_response *r = hspec_response_for(hrules_operation(m->rules), status);
  if (!r || r->n_media == 0)
    return NULL;
  for (size_t i = 0; i < r->n_media; i++)
    if (json_media(r->media[i].media_type))
      return &r->media[i];
  return &r->media[0];
}

/* The 201's media type and schema, and a ProblemDetails media type per status:
 * what the spec documents for it; for a status it does not document, what it
 * documents for the 400, else RFC 9457's application/problem+json.  With
 * problem_json every ProblemDetails is application/problem+json (ASP.NET
 * Core's default, even where the spec documents application/json). */
static void take_media(hmock *m, int problem_json) {
  const hspec_media *c = documented_media(m, 201);
  concrete_media(c ? c->media_type : "application/json", 0, m->created_ct, sizeof m->created_ct);
  m->created_schema = c ? c->schema : NULL;
  /* every status the mock answers with a ProblemDetails */
  static const int statuses[HMOCK_PROBLEM_STATUSES] = {400, 401, 404, 405, 409, 413,
                                                       415, 431, 500, 501, 503};
  const hspec_media *bad = documented_media(m, 400);
  concrete_media(problem_json ? "application/problem+json"
                 : bad        ? bad->media_type
                              : "application/problem+json",
                 1, m->problem_default, sizeof m->problem_default);
  m->n_problem_media = 0;
  for (size_t i = 0; i < HMOCK_PROBLEM_STATUSES; i++) {
    hmock_status_media *e = &m->problem_media[m->n_problem_media++];
    const hspec_media *d = problem_json ? NULL : documented_media(m, statuses[i]);
    e->status = statuses[i];
    e->schema = d ? d->schema : NULL;
    if (d)
      concrete_media(d->media_type, 1, e->media, sizeof e->media);
    else
      snprintf(e->media, sizeof e->media, "%s", m->problem_default);
  }
}

const cJSON *hmock_problem_schema(const hmock *m, int status) {
  for (size_t i = 0; i < m->n_problem_media; i++)
    if (m->problem_media[i].status == status)
      return m->problem_media[i].schema;
  return NULL;
}

const char *hmock_problem_media(const hmock *m, int status) {
  for (size_t i = 0; i < m->n_problem_media; i++)
    if (m->problem_media[i].status == status)
      return m->problem_media[i].media;
  return m->problem_default;
}

/* ------------------------------------------------------------ worker pool */

hmock_worker *hmock_worker_get(hmock *m) {
  pthread_mutex_lock(&m->pool_lock);
  hmock_worker *w = m->free_workers;
  if (w)
    m->free_workers = w->next_free;
  pthread_mutex_unlock(&m->pool_lock);
  if (w)
    return w;
  w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->doc = hjson_doc_new();
  w->result = hschema_result_new(0);
  if (!w->doc || !w->result)
    goto fail;
  pthread_mutex_lock(&m->pool_lock);
  w->next_all = m->all_workers;
  m->all_workers = w;
  pthread_mutex_unlock(&m->pool_lock);
  return w;
fail:
  hjson_doc_free(w->doc);
  hschema_result_free(w->result);
  free(w);
  return NULL;
}

/* A worker that read a large body gives its arena back (the next parse would
 * keep it until then); the freed memory is returned to the system by the
 * server's reaper (malloc_trim), so RSS falls back after a burst. */
void hmock_worker_put(hmock *m, hmock_worker *w, size_t body_len) {
  if (body_len > HMOCK_ARENA_KEEP) {
    hjson_doc *fresh = hjson_doc_new();
    if (fresh) {
      hjson_doc_free(w->doc);
      w->doc = fresh;
      hjson_doc_free(w->doc2);
      w->doc2 = NULL;
      atomic_store(&m->trim_wanted, 1);
    }
  }
  pthread_mutex_lock(&m->pool_lock);
  w->next_free = m->free_workers;
  m->free_workers = w;
  pthread_mutex_unlock(&m->pool_lock);
}

/* ---------------------------------------------------------------- lifetime */

hmock *hmock_new(const hmock_options *opts, char *err, size_t errlen) {
  hmock_options none;
  if (!opts) {
    memset(&none, 0, sizeof none);
    opts = &none;
  }
  hmock *m = calloc(1, sizeof *m);
  if (!m) {
    set_err(err, errlen, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&m->pool_lock, NULL);
  pthread_mutex_init(&m->conn_lock, NULL);
  pthread_mutex_init(&m->seen_lock, NULL);
  pthread_cond_init(&m->reaper_cv, NULL);
  m->port = -1;
  m->faults = opts->faults;
  if (m->faults >> HMOCK_FAULT_COUNT_) {
    set_err(err, errlen, "unknown fault bit in options (0x%llx)", (unsigned long long)m->faults);
    goto fail;
  }
  m->max_body = opts->max_body ? opts->max_body : HMOCK_DEFAULT_MAX_BODY;
  m->max_total_body = opts->max_total_body ? opts->max_total_body : HMOCK_DEFAULT_MAX_TOTAL_BODY;
  if (m->max_total_body < m->max_body)
    m->max_total_body = m->max_body;
  m->threads = opts->threads ? opts->threads : HMOCK_DEFAULT_THREADS;
  if (m->threads > HMOCK_MAX_THREADS) {
    set_err(err, errlen, "threads %u is over the limit of %u", m->threads, HMOCK_MAX_THREADS);
    goto fail;
  }
  m->connection_limit =
      opts->connection_limit ? opts->connection_limit : HMOCK_DEFAULT_CONNECTION_LIMIT;
  m->idle_timeout_s = opts->idle_timeout_s ? opts->idle_timeout_s : HMOCK_DEFAULT_IDLE_TIMEOUT;
  m->request_timeout_s =
      opts->request_timeout_s ? opts->request_timeout_s : HMOCK_DEFAULT_REQUEST_TIMEOUT;
  m->hang_s = opts->hang_s ? opts->hang_s : HMOCK_DEFAULT_HANG;
  m->verbose = opts->verbose;
  m->direct = opts->direct;
  if (hmock_has(m, HMOCK_FAULT_SAME_NAME_CONFLICT)) {
    m->seen_names = calloc(HMOCK_SEEN_NAMES, sizeof *m->seen_names);
    if (!m->seen_names) {
      set_err(err, errlen, "out of memory");
      goto fail;
    }
  }
  snprintf(m->host, sizeof m->host, "%s", opts->host ? opts->host : HMOCK_DEFAULT_HOST);
  if (opts->host && strlen(opts->host) >= sizeof m->host) {
    set_err(err, errlen, "host name too long");
    goto fail;
  }
  if (opts->token) {
    m->token_len = strlen(opts->token);
    if (m->token_len == 0) {
      set_err(err, errlen, "the bearer token is empty");
      goto fail;
    }
    m->token = malloc(m->token_len + 1);
    if (!m->token) {
      set_err(err, errlen, "out of memory");
      goto fail;
    }
    memcpy(m->token, opts->token, m->token_len + 1);
  }
  if (opts->spec) {
    m->spec = opts->spec;
  } else if (opts->spec_path) {
    herr se;
    m->owned_spec = hspec_load_file(opts->spec_path, &se);
    if (!m->owned_spec) {
      set_err(err, errlen, "%s", se.msg);
      goto fail;
    }
    m->spec = m->owned_spec;
  } else {
    set_err(err, errlen, "no spec given (hmock_options.spec or spec_path)");
    goto fail;
  }
  herr he;
  m->rules = hrules_new(m->spec, &he);
  if (!m->rules) {
    set_err(err, errlen, "%s", he.msg);
    goto fail;
  }
  const hspec_operation *op = hrules_operation(m->rules);
  const char *allow = hspec_allowed_methods(m->spec, op->path);
  snprintf(m->allow, sizeof m->allow, "%s", allow ? allow : "POST");
  size_t i = 0;
  for (; op->method[i] && i + 1 < sizeof m->method_upper; i++)
    m->method_upper[i] =
        (char)(op->method[i] >= 'a' && op->method[i] <= 'z' ? op->method[i] - 'a' + 'A'
                                                            : op->method[i]);
  m->method_upper[i] = 0;
  size_t ml = 0;
  m->media_list[0] = 0;
  for (size_t k = 0; k < op->n_request && ml + 4 < sizeof m->media_list; k++) {
    int w = snprintf(m->media_list + ml, sizeof m->media_list - ml, "%s%s", k ? ", " : "",
                     op->request[k].media_type);
    if (w < 0 || (size_t)w >= sizeof m->media_list - ml)
      break;
    ml += (size_t)w;
  }
  take_media(m, opts->problem_json);
  hmock_views_build(m);
  if (hmock_random(&m->id_base, sizeof m->id_base) != 0) {
    set_err(err, errlen, "getrandom failed: %s", strerror(errno));
    goto fail;
  }
  atomic_init(&m->seq, 0);
  atomic_init(&m->body_used, 0);
  atomic_init(&m->trim_wanted, 0);
  return m;
fail:
  hmock_free_parts(m);
  return NULL;
}

void hmock_free_parts(hmock *m) {
  if (!m)
    return;
  hmock_worker *w = m->all_workers;
  while (w) {
    hmock_worker *next = w->next_all;
    hjson_doc_free(w->doc);
    hjson_doc_free(w->doc2);
    hschema_result_free(w->result);
    free(w);
    w = next;
  }
  hmock_views_free(m);
  hrules_free(m->rules);
  hspec_free(m->owned_spec);
  if (m->token) {
    explicit_bzero(m->token, m->token_len);
    free(m->token);
  }
  for (size_t i = 0; i < HMOCK_SEEN_BODIES; i++) {
    if (m->seen_bodies[i].answer) {
      explicit_bzero(m->seen_bodies[i].answer, m->seen_bodies[i].len);
      free(m->seen_bodies[i].answer);
    }
  }
  free(m->seen_names);
  pthread_mutex_destroy(&m->seen_lock);
  pthread_mutex_destroy(&m->pool_lock);
  pthread_mutex_destroy(&m->conn_lock);
  pthread_cond_destroy(&m->reaper_cv);
  free(m);
}

int hmock_port(const hmock *m) { return m ? m->port : -1; }
const char *hmock_host(const hmock *m) { return m ? m->host : NULL; }
