/* hpreflight: a few probes before the catalogue runs against a live server,
 * to tell a setup mistake from a broken server - below the CLI.
 *
 * Probes (on one keep-alive connection): the valid create (the caller's
 * minimal positive body) with the configured token, the same without any
 * Authorization header (only when a token is configured), and a GET of the
 * base URL.  The run stops (HPREFLIGHT_STOP, a one-line hint) only when the
 * evidence is unambiguous:
 *   - nothing accepts the connection (refused, unreachable, unresolvable);
 *   - TLS verification failed (the hint names --cacert / --insecure), or the
 *     TLS handshake failed;
 *   - every probe connected and got bytes that are not an HTTP response;
 *   - every POST was answered 404 (the hint shows the URL tried, and says when
 *     the base URL already ends with a leading part of the operation's path,
 *     e.g. /public/v1);
 *   - no token is configured and the create was refused with 401/403 (the
 *     hint names the token variable).
 * A configured token that the server refuses is a warning, never a stop: it
 * may be the server's bug, which the certification must report.  Silence,
 * timeouts, 5xx and anything else go on to the catalogue, which judges them.
 *
 * Every peer-derived string (ids, messages) passes hsanitize with the
 * configured secrets; URLs come from htarget_check_url (no credentials). */
#ifndef HPREFLIGHT_H
#define HPREFLIGHT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "client/hclient.h"
#include "client/hrun.h"
#include "rules/hrules.h"

#define HPREFLIGHT_MSG_MAX 768

typedef enum {
  HPREFLIGHT_GO = 0,  /* run the catalogue (a warning may be set) */
  HPREFLIGHT_STOP = 1 /* a setup mistake: exit 2 with msg */
} hpreflight_outcome;

typedef struct {
  const char *base_url;     /* checked, no trailing slash, no credentials */
  const char *path;         /* the operation's path (NULL: HRULES_PATH) */
  const char *bearer;       /* the configured token, NULL when none */
  const char *token_env;    /* the variable it comes from (named in hints) */
  const char *label;        /* token label for created_resources ("default") */
  const char *content_type; /* of the valid create */
  const char *body;         /* the valid create's body */
  size_t body_len;
  const char *token_name; /* the name the body carries (for created_resources) */
  int creates;            /* 0: no POST probe (--max-creates 0): reachability only */
  double rate_per_s;      /* 0: unlimited; else a pause between probes */
  hclient_options client;
  const char *const *secrets; /* redacted from every string kept */
  size_t n_secrets;
  const char *const *redact; /* --redact pointers: the values they name in a 2xx body are
                                redacted too (a created id: "<redacted>") */
  size_t n_redact;
  const hrun_header *headers; /* --header: sent with every probe */
  size_t n_headers;
} hpreflight_config;

typedef struct {
  hpreflight_outcome outcome;
  char msg[HPREFLIGHT_MSG_MAX];  /* STOP: the one-line hint */
  char warn[HPREFLIGHT_MSG_MAX]; /* GO: a one-line warning, or "" */
  int diagnosis;                 /* STOP by a diagnosis --no-preflight skips (404, 401,
                                    not HTTP), not by an unreachable server */
  int created;                   /* 2xx answers to the POST probes */
  int statuses[3];               /* HTTP status per probe (0: none, -1: not sent) */
} hpreflight_result;

/* Runs the probes.  created (may be NULL) receives {"id","name","label"} per
 * 2xx to a POST.  rules: for the created token's id and value (a token value
 * in a 201 is kept as a secret for the rest of the probes).  Returns 0, or -1
 * with res->msg set when the probes could not be set up (libcurl). */
int hpreflight_run(const hpreflight_config *cfg, const hrules *rules, cJSON *created,
                   hpreflight_result *res);

/* The leading part of path (whole segments, e.g. "/public/v1") that the path
 * of base_url already ends with, copied into out; 0 when none. */
int hpreflight_doubled_prefix(const char *base_url, const char *path, char *out, size_t cap);

#endif
