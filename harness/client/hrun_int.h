/* hrun_int.h: what the parts of the case runner share (hrun.c runs a case
 * and builds its result; hrun_secret.c knows what is secret in a case and
 * parses --redact and --header; hrun_auth.c builds the Authorization lines of
 * every auth mode; hrun_repro.c writes the reproducers).  Not a public API. */
#ifndef HRUN_INT_H
#define HRUN_INT_H

#include <stddef.h>

#include "client/hconn.h"
#include "client/hrun.h"
#include "json/hjson.h"

#define CURL_BODY_INLINE_MAX 4096 /* larger bodies are reproduced with apiharness replay */
#define TOKEN_CAP 4096
#define MAX_TOKENS (HCASES_MAX_STEPS + 2)
#define MSG_CAP 640 /* bytes kept of a check message or detail */
#define REPRO_CAP ((size_t)24 << 10)
#define ARG_MARK "@@hrun-arg-" /* stands for a secret-derived value in a reproducer */
#define MAX_EXTRA (HCASES_MAX_HEADERS + HRUN_MAX_RUN_HEADERS) /* case + run headers */
#define MAX_ARGS (2 + HRUN_MAX_RUN_HEADERS) /* shell-expanded values of one request */

/* ---- the secrets of a case: bearer, derived auth values, 201 token values ---- */

typedef struct {
  const char
      *list[8 + MAX_TOKENS + 2 * HCASES_MAX_STEPS + HRUN_MAX_REDACT_VALUES + HRUN_MAX_RUN_HEADERS];
  size_t n;
  char *tokens[MAX_TOKENS]; /* 201 token values seen (owned) */
  size_t n_tokens;
  char *values[HRUN_MAX_REDACT_VALUES]; /* values named by --redact (owned) */
  size_t n_values;
} secrets;

typedef struct {
  char *line;      /* "Authorization: ..." as sent (malloc'd; may hold a secret) */
  char *value;     /* the credentials part when derived from the token (owned by line) */
  char shown[160]; /* evidence form, never a secret */
  char sh[640];    /* reproducer: the whole line as a double-quoted shell word body */
  int secret;      /* the line holds a secret */
} auth_line;

typedef struct {
  auth_line l[2];
  size_t n;
  char *derived; /* a value derived from the token (a secret), malloc'd, or NULL */
  const char *skip;
} auth_plan;

/* ---- one prepared request (a lone case or a step) ---- */

typedef struct {
  const hcases_case *c; /* the case or the decoded step */
  char *body;
  size_t len;
  int has_body;
  auth_plan auth;
  const char *extra[MAX_EXTRA];
  size_t n_extra;
  char *extra_own[MAX_EXTRA];
  const char *extra_env[MAX_EXTRA]; /* a run header's variable (its value is a secret), or NULL */
  const char *lines[2 + MAX_EXTRA]; /* auth lines, then the extra headers */
  size_t n_lines;
  hjson_doc *reqdoc;
  const cJSON *req_tree;
  const char *skip;
} prep;

/* hrun_secret.c */
void sec_add(secrets *s, const char *v);
void sec_headers(secrets *s, const hrun_config *cfg);
void sec_free(secrets *s);
void sec_redact_body(secrets *s, const hrun_config *cfg, const char *body, size_t len);
char *clean(const secrets *s, const char *t, size_t n, size_t cap, unsigned flags);
void add_clean(cJSON *obj, const char *key, const secrets *s, const char *t, size_t cap);

/* hrun_auth.c */
void auth_free(auth_plan *a);
int auth_plan_make(const hrun_config *cfg, hcases_auth m, auth_plan *a);

/* hrun_repro.c */
void replay_line(hbuf *b, const hrun_config *cfg, const char *case_id, const char *why);
/* hc non-NULL: the exact bytes of every step on one connection (sequences) */
char *reproducer(const hrun_config *cfg, const char *case_id, const prep *ps, size_t n,
                 const char *url, hconn *hc);

#endif
