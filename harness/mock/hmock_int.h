/* Private to harness/mock: the hmock state and the helpers its files share.
 * Not a layer header: nothing outside harness/mock includes it.
 *
 *   hmock.c          options, lifetime (hmock_new / hmock_free_parts), the
 *                    worker pool, the media types taken from the spec
 *   hmock_request.c  the request logic: routing, auth, media type, strict
 *                    read, schema + prose check, the request-side faults,
 *                    hmock_precheck / hmock_handle
 *   hmock_problem.c  ProblemDetails answers (404 ... 503, the 400's errors)
 *   hmock_created.c  the 201 body, built from the spec's 201 schema: request
 *                    members echoed, other documented members generated
 *   hmock_gen.c      valid values (formats, enums, bounds, patterns) from the
 *                    one generator (cases/hcases_gen.h), and the cache of
 *                    schema views (cases/hcases_view.h)
 *   hmock_json.c     JSON text into an hbuf (strings from their true bytes)
 *   hmock_faults.c   the fault table
 *   hmock_server.c   the libmicrohttpd glue, hmock_start / hmock_stop
 *   hmock_front.c    the listening socket and the request-framing front */
#ifndef HMOCK_INT_H
#define HMOCK_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cases/hcases_gen.h"
#include "cases/hcases_view.h"
#include "mock/hmock.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* A worker keeps its parse arena between requests only after bodies up to this
 * size; after a larger one the arena is freed. */
#define HMOCK_ARENA_KEEP ((size_t)64 << 10)

/* Parse and validation state, one per concurrently running request; pooled so
 * a request allocates nothing but its response. */
typedef struct hmock_worker {
  hjson_doc *doc;
  hjson_doc *doc2; /* the duplicate-key-last-wins fault's second reading (lazily) */
  hschema_result *result;
  struct hmock_worker *next_free;
  struct hmock_worker *next_all;
} hmock_worker;

struct hmock_conn; /* per connection, hmock_server.c */

/* What the stateful faults remember (same-name-conflict, same-body-same-token):
 * a ring of 64-bit hashes of names, and a ring of (body hash, answer) pairs. */
#define HMOCK_SEEN_NAMES 4096
#define HMOCK_SEEN_BODIES 64
typedef struct {
  uint64_t hash;
  char *answer; /* the 201 body sent the first time (holds a token value) */
  size_t len;
} hmock_seen_body;

typedef struct hmock_view_slot hmock_view_slot; /* hmock_gen.c */

/* The Content-Type of a ProblemDetails per status, taken from the spec. */
#define HMOCK_MEDIA_MAX 96
typedef struct {
  int status;
  char media[HMOCK_MEDIA_MAX];
  const cJSON *schema; /* documented for the status, NULL: none */
} hmock_status_media;
#define HMOCK_PROBLEM_STATUSES 11

struct hmock {
  /* configuration, immutable once serving */
  hspec *owned_spec;
  const hspec *spec;
  hrules *rules;
  char *token;
  size_t token_len;
  uint64_t faults;
  size_t max_body, max_total_body;
  unsigned threads, connection_limit, idle_timeout_s, request_timeout_s, hang_s;
  int verbose;
  char host[256];
  char allow[64];
  char method_upper[16];
  char media_list[256];
  uint64_t id_base;
  /* from the spec: the 201's media type and schema (NULL: none documented),
   * and the media type of each ProblemDetails status */
  char created_ct[HMOCK_MEDIA_MAX];
  const cJSON *created_schema;
  hmock_status_media problem_media[HMOCK_PROBLEM_STATUSES];
  size_t n_problem_media;
  char problem_default[HMOCK_MEDIA_MAX]; /* a status the table lacks */
  hmock_view_slot *views;                /* merged schema views, by node (hmock_views_build) */
  size_t views_cap, views_n;

  /* the stateful faults (under seen_lock) */
  pthread_mutex_t seen_lock;
  uint64_t *seen_names; /* HMOCK_SEEN_NAMES slots, 0 = empty */
  size_t seen_names_next;
  hmock_seen_body seen_bodies[HMOCK_SEEN_BODIES];
  size_t seen_bodies_next;

  /* shared counters */
  _Atomic uint64_t seq;
  _Atomic size_t body_used; /* bytes of body buffers held by all connections */
  atomic_int trim_wanted;   /* large buffers were freed: the reaper calls malloc_trim */

  pthread_mutex_t pool_lock;
  hmock_worker *free_workers;
  hmock_worker *all_workers;

  /* the server */
  void *daemons[HMOCK_MAX_THREADS]; /* struct MHD_Daemon *, one per thread */
  unsigned n_daemons;
  struct hmock_front *front; /* the listening socket and the framing relay */
  int direct;                /* hmock_options.direct: no front, MHD listens */
  int port;
  pthread_mutex_t conn_lock; /* guards conns, stopping */
  struct hmock_conn *conns;
  pthread_cond_t reaper_cv;
  pthread_t reaper;
  int reaper_started;
  int stopping;
};

/* ---- hmock.c ---- */
int hmock_has(const hmock *m, hmock_fault_id id);
/* The Content-Type of a ProblemDetails with this status (static to m), and
 * the schema the spec documents for it (NULL: none). */
const char *hmock_problem_media(const hmock *m, int status);
const cJSON *hmock_problem_schema(const hmock *m, int status);
/* A pooled worker, NULL when out of memory; give it back with hmock_worker_put
 * (body_len: the request's size, to free a large arena). */
hmock_worker *hmock_worker_get(hmock *m);
void hmock_worker_put(hmock *m, hmock_worker *w, size_t body_len);
/* n bytes from getrandom(); 0, or -1 with errno set. */
int hmock_random(void *buf, size_t n);
/* Frees the non-server parts (workers, rules, spec, token, locks) and m. */
void hmock_free_parts(hmock *m);

/* ---- hmock_json.c: JSON text into an hbuf ---- */
void hmock_json_str(hbuf *b, const char *s, size_t n); /* "..." from the true bytes */
void hmock_json_cstr(hbuf *b, const char *s);
/* ',"key":' (or '"key":' for the first member of an object). */
void hmock_json_key(hbuf *b, int *first, const char *key, size_t n);
void hmock_json_int(hbuf *b, long long v);
/* Any value of a parsed tree as it was read: strings from their bytes, numbers
 * from their text. */
void hmock_json_value(hbuf *b, const cJSON *v, int depth);
/* The cap of an answer built for m (a request body echoed several times). */
size_t hmock_body_cap(const hmock *m);

/* ---- hmock_problem.c ---- */
/* A ProblemDetails answer (status, title, type, detail) in the spec's media type. */
void hmock_problem(const hmock *m, int status, const char *detail, hmock_response *out);
/* A 400 with one error: {"errors": {pointer or "$": [msg]}}. */
void hmock_problem_one(const hmock *m, const char *detail, const char *pointer, const char *msg,
                       hmock_response *out);
void hmock_problem_parse(const hmock *m, const hjson_error *e, hmock_response *out);
/* A 400 listing the violations of r marked in keep, grouped by instance. */
void hmock_problem_violations(const hmock *m, const cJSON *root, const hschema_result *r,
                              const unsigned char *keep, size_t failures, hmock_response *out);
/* 500 without allocation beyond its small body (out of memory paths). */
void hmock_problem_500(const hmock *m, hmock_response *out);
/* 401 with WWW-Authenticate (wrong: a token was sent and is not valid). */
void hmock_problem_auth(const hmock *m, int wrong, hmock_response *out);

/* ---- hmock_gen.c: the schema views and the values ---- */
/* The view of node (hcview_of_ex with HCVIEW_GENERATOR) from m's cache, or
 * merged into *scratch when not cached. */
const hcview *hmock_view_get(const hmock *m, const cJSON *node, hcview *scratch);
/* Fills the cache from the 201, request and ProblemDetails schemas
 * (hmock_new; out of memory leaves it partial, which only costs time);
 * hmock_views_free empties it. */
void hmock_views_build(hmock *m);
void hmock_views_free(hmock *m);
struct hmock_view_slot {
  const cJSON *node;
  hcview view;
};

/* The state of one generated answer. */
typedef struct {
  const hmock *m;
  uint64_t serial; /* the answer's number */
  hcgen_rng rng;   /* the answer's random source, seeded from serial: uuids, pattern draws */
  char now[40], bad_now[40], today[16], time[24];
  /* each value fault bends the first value it can */
  int bad_date_done, bad_enum_done, wrong_type_done, invalid_utf8_done;
} hmock_gen;

void hmock_gen_init(hmock_gen *g, const hmock *m, uint64_t serial);
/* A value the view accepts, for a scalar (or "{}" / "[]" for a container
 * type: the caller builds those itself). */
void hmock_gen_scalar(hmock_gen *g, hbuf *b, const hcview *v);

/* ---- hmock_created.c ---- */
/* The 201 for a valid request body (root, read against the request schema
 * req_schema, raw spec node, may be NULL), or a 500 ProblemDetails. */
void hmock_created(hmock *m, const cJSON *root, const cJSON *req_schema, hmock_response *out);

/* A generated value of the schema node (as a documented member the request
 * does not carry), appended to b. */
void hmock_generate(const hmock *m, const cJSON *schema, hbuf *b);

/* ---- hmock_front.c ---- */
/* The front door: binds addr, sets m->port, relays every client to one of
 * m->daemons through a socketpair, refusing bad request framing itself.  0, or
 * -1 with err filled. */
int hmock_front_start(hmock *m, const struct sockaddr *addr, socklen_t addrlen, char *err,
                      size_t errlen);
void hmock_front_stop(hmock *m);

#endif
