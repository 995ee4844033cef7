/* Private to harness/mock: the hmock state shared by the request logic
 * (hmock.c) and the libmicrohttpd glue (hmock_server.c).  Not a layer header:
 * nothing outside harness/mock includes it. */
#ifndef HMOCK_IMPL_H
#define HMOCK_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "mock/hmock.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "json/hjson.h"

/* Parse and validation state, one per concurrently running request; pooled so
 * a request allocates nothing but its response. */
typedef struct hmock_worker {
  hjson_doc *doc;
  hschema_result *result;
  struct hmock_worker *next_free;
  struct hmock_worker *next_all;
} hmock_worker;

struct hmock_conn; /* per connection, hmock_server.c */

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

  /* shared counters */
  _Atomic uint64_t seq;
  _Atomic size_t body_used; /* bytes of body buffers held by all connections */

  pthread_mutex_t pool_lock;
  hmock_worker *free_workers;
  hmock_worker *all_workers;

  /* the server */
  void *daemon; /* struct MHD_Daemon * */
  int port;
  pthread_mutex_t conn_lock; /* guards conns, stopping */
  struct hmock_conn *conns;
  pthread_cond_t reaper_cv;
  pthread_t reaper;
  int reaper_started;
  int stopping;
};

int hmock_has(const hmock *m, hmock_fault_id id);
/* Frees the non-server parts (workers, rules, spec, token, locks) and m. */
void hmock_free_parts(hmock *m);

#endif
