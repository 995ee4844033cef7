/* Private to harness/mock: the hmock state shared by the request logic
 * (hmock.c) and the libmicrohttpd glue (hmock_server.c).  Not a layer header:
 * nothing outside harness/mock includes it. */
#ifndef HMOCK_IMPL_H
#define HMOCK_IMPL_H

#include <pthread.h>
#include <sys/socket.h>
#include <stdatomic.h>
#include <stdint.h>

#include "mock/hmock.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
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
  const char *account_type;   /* points into the spec, may be NULL */
  const char *account_status; /* idem */
  uint64_t id_base;
  const char *problem_ct; /* "application/json" or "application/problem+json" */

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
  int direct;                 /* hmock_options.direct: no front, MHD listens */
  int port;
  pthread_mutex_t conn_lock; /* guards conns, stopping */
  struct hmock_conn *conns;
  pthread_cond_t reaper_cv;
  pthread_t reaper;
  int reaper_started;
  int stopping;
};

int hmock_has(const hmock *m, hmock_fault_id id);
/* A ProblemDetails answer (status, title, type, detail) in m's media type. */
void hmock_problem(const hmock *m, int status, const char *detail, hmock_response *out);
/* The front door (hmock_front.c): binds addr, sets m->port, relays every
 * client to one of m->daemons through a socketpair, refusing bad request framing
 * itself.  0, or -1 with err filled. */
int hmock_front_start(hmock *m, const struct sockaddr *addr, socklen_t addrlen, char *err,
                      size_t errlen);
void hmock_front_stop(hmock *m);

/* Frees the non-server parts (workers, rules, spec, token, locks) and m. */
void hmock_free_parts(hmock *m);

#endif
