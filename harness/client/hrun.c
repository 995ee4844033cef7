/* hrun: one catalogue case -> request(s) -> judgement -> result object.  See hrun.h. */
#include "client/hrun_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "client/hconn.h"
#include "client/hsanitize.h"
#include "rules/hrules.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* Messages are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void hrun_token_name(const hrun_config *cfg, const char *case_id, char *buf, size_t cap) {
  snprintf(buf, cap, HRUN_NAME_PREFIX "%s-%s", cfg->run_id ? cfg->run_id : "run", case_id);
}

/* ---- rate limit shared by every process using the same file ---- */

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void rate_wait(const hrun_config *cfg) {
  if (!cfg->rate_file || cfg->rate_per_s <= 0)
    return;
  int fd = open(cfg->rate_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (flock(fd, LOCK_EX) == 0) {
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long long last = n > 0 ? atoll(buf) : 0;
    long long gap = (long long)(1e9 / cfg->rate_per_s);
    long long wait = last + gap - now_ns();
    if (wait > 0 && wait <= gap) {
      struct timespec ts = {(time_t)(wait / 1000000000LL), (long)(wait % 1000000000LL)};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    }
    int len = snprintf(buf, sizeof buf, "%lld", now_ns());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)len, 0) < 0) {
      /* a lost timestamp only loosens the limit for one request */
    }
    flock(fd, LOCK_UN);
  }
  close(fd);
}

static void prep_free(prep *p) {
  free(p->body);
  auth_free(&p->auth);
  for (size_t i = 0; i < p->n_extra; i++)
    free(p->extra_own[i]);
  hjson_doc_free(p->reqdoc);
  memset(p, 0, sizeof *p);
}

static int bad_header_bytes(const char *s) { return strchr(s, '\r') || strchr(s, '\n'); }

/* The JSON the 201 must echo: "echo_body" when the case has it (with the
 * name placeholder replaced), else the body sent. */
static int echo_tree(prep *p, const char *name, herr *ce) {
  p->reqdoc = hjson_doc_new();
  if (!p->reqdoc)
    return 1;
  const cJSON *eb = cJSON_GetObjectItemCaseSensitive(p->c->json, "echo_body");
  if (!eb) {
    p->req_tree = hjson_parse(p->reqdoc, p->body, p->len, NULL, NULL);
    return 1;
  }
  cJSON *holder = cJSON_CreateObject();
  cJSON *copy = cJSON_Duplicate(eb, 1);
  if (!holder || !copy) {
    cJSON_Delete(holder);
    cJSON_Delete(copy);
    return 1;
  }
  cJSON_AddItemToObject(holder, "body", copy);
  hcases_case tmp = *p->c;
  tmp.json = holder;
  char *t = NULL;
  size_t tl = 0;
  int ok = hcases_body(&tmp, name, &t, &tl, ce) == 0;
  if (ok)
    p->req_tree = hjson_parse(p->reqdoc, t, tl, NULL, NULL);
  free(t);
  cJSON_Delete(holder);
  return ok;
}

/* Builds what case/step c sends.  1, or 0 with err filled (malformed case). */
static int prep_make(const hrun_config *cfg, const hcases_case *c, const char *name, prep *p,
                     const char *what, char *err) {
  memset(p, 0, sizeof *p);
  p->c = c;
  herr ce;
  if (hcases_body(c, name, &p->body, &p->len, &ce) != 0) {
    snprintf(err, HCASES_MSG_MAX, "%s", ce.msg);
    return 0;
  }
  p->has_body = cJSON_GetObjectItemCaseSensitive(c->json, "body") ||
                cJSON_GetObjectItemCaseSensitive(c->json, "body_text") ||
                cJSON_GetObjectItemCaseSensitive(c->json, "body_segments");
  if (!auth_plan_make(cfg, c->auth, &p->auth)) {
    snprintf(err, HCASES_MSG_MAX, "out of memory");
    return 0;
  }
  p->skip = p->auth.skip;
  size_t i = 0;
  for (const cJSON *h = c->headers ? c->headers->child : NULL; h; h = h->next, i++) {
    const cJSON *nm = cJSON_IsArray(h) ? cJSON_GetArrayItem(h, 0) : NULL;
    const cJSON *vl = cJSON_IsArray(h) ? cJSON_GetArrayItem(h, 1) : NULL;
    if (!cJSON_IsString(nm) || !cJSON_IsString(vl) || cJSON_GetArraySize(h) != 2) {
      snprintf(err, HCASES_MSG_MAX, "case %s%s: headers[%zu] is not a [\"Name\", \"value\"] pair",
               c->id, what, i);
      return 0;
    }
    const char *n = nm->valuestring, *v = vl->valuestring;
    if (!n[0] || strchr(n, ':') || bad_header_bytes(n) || strpbrk(n, " \t")) {
      snprintf(err, HCASES_MSG_MAX,
               "case %s%s: headers[%zu]: the name is empty or holds ':', space, CR or LF", c->id,
               what, i);
      return 0;
    }
    if (bad_header_bytes(v)) {
      snprintf(err, HCASES_MSG_MAX, "case %s%s: headers[%zu] (%s): the value holds CR or LF", c->id,
               what, i, n);
      return 0;
    }
    if (i >= HCASES_MAX_HEADERS) {
      snprintf(err, HCASES_MSG_MAX, "case %s%s: more than %d headers", c->id, what,
               HCASES_MAX_HEADERS);
      return 0;
    }
    size_t l = strlen(n) + strlen(v) + 3;
    char *line = malloc(l);
    if (!line) {
      snprintf(err, HCASES_MSG_MAX, "out of memory");
      return 0;
    }
    if (v[0])
      snprintf(line, l, "%s: %s", n, v);
    else
      snprintf(line, l, "%s:", n); /* an empty value: nothing after the colon */
    p->extra_own[p->n_extra] = line;
    p->extra[p->n_extra++] = line;
  }
  /* the run's headers (--header), unless the case sets that name itself */
  size_t n_case = p->n_extra;
  for (size_t j = 0; j < cfg->n_headers && p->n_extra < MAX_EXTRA; j++) {
    const hrun_header *rh = &cfg->headers[j];
    size_t nl = strlen(rh->name);
    int set = 0;
    for (size_t k = 0; k < n_case; k++)
      set |= !strncasecmp(p->extra[k], rh->name, nl) && p->extra[k][nl] == ':';
    if (set)
      continue;
    size_t l = nl + strlen(rh->value) + 3;
    char *line = malloc(l);
    if (!line) {
      snprintf(err, HCASES_MSG_MAX, "out of memory");
      return 0;
    }
    snprintf(line, l, rh->value[0] ? "%s: %s" : "%s:%s", rh->name, rh->value);
    p->extra_env[p->n_extra] = rh->env;
    p->extra_own[p->n_extra] = line;
    p->extra[p->n_extra++] = line;
  }
  for (size_t k = 0; k < p->auth.n; k++)
    p->lines[p->n_lines++] = p->auth.l[k].line;
  for (size_t k = 0; k < p->n_extra; k++)
    p->lines[p->n_lines++] = p->extra[k];
  if (c->echo && !echo_tree(p, name, &ce)) {
    snprintf(err, HCASES_MSG_MAX, "%s (echo_body)", ce.msg);
    return 0;
  }
  return 1;
}

static hjudge_case judge_case(const prep *p) {
  const hcases_case *c = p->c;
  hjudge_case jc = {.expect = c->expect,
                    .requirement = c->requirement,
                    .nonstandard_method = c->nonstandard_method,
                    .aspnet_tolerated = c->aspnet_tolerated,
                    .aspnet_reason = c->aspnet_reason,
                    .lenient_surrogates = c->lenient_surrogates,
                    .request_body = p->req_tree,
                    .tolerated = c->tolerated,
                    .tolerated_reason = c->tolerated_reason,
                    .method = c->method};
  return jc;
}

/* ---- evidence (every peer-derived string through hsanitize) ---- */

static void add_header(cJSON *arr, const char *name, const char *value) {
  cJSON *pair = cJSON_CreateArray();
  cJSON_AddItemToArray(pair, cJSON_CreateString(name));
  cJSON_AddItemToArray(pair, cJSON_CreateString(value));
  cJSON_AddItemToArray(arr, pair);
}

static void add_excerpt(cJSON *obj, const secrets *s, const char *data, size_t len) {
  char *ex = clean(s, data ? data : "", data ? len : 0, HRUN_EXCERPT_MAX, HSANITIZE_MULTILINE);
  cJSON_AddStringToObject(obj, "body_excerpt", ex ? ex : "");
  free(ex);
  cJSON_AddNumberToObject(obj, "body_bytes", (double)len);
}

/* The raw header block as [[name, value]...]: at most HRUN_MAX_HEADERS
 * headers and HRUN_MAX_HEADER_BYTES bytes kept, the rest counted in
 * "headers_omitted". */
static void response_headers(cJSON *rs, const hclient_response *r, const secrets *s) {
  cJSON *arr = cJSON_AddArrayToObject(rs, "headers");
  size_t kept = 0, bytes = 0, omitted = 0;
  const char *h = r->headers;
  size_t n = h ? r->headers_len : 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && h[j] != '\n')
      j++;
    size_t e = j > i && h[j - 1] == '\r' ? j - 1 : j;
    const char *ln = h + i;
    size_t ll = e - i;
    i = j + 1;
    if (!ll || (ll >= 5 && !memcmp(ln, "HTTP/", 5)))
      continue;
    const char *colon = memchr(ln, ':', ll);
    if (!colon)
      continue;
    size_t nl = (size_t)(colon - ln);
    if (kept >= HRUN_MAX_HEADERS || bytes + ll > HRUN_MAX_HEADER_BYTES) {
      omitted++;
      continue;
    }
    const char *v = colon + 1;
    size_t vl = ll - nl - 1;
    while (vl && (*v == ' ' || *v == '\t')) {
      v++;
      vl--;
    }
    char *cn = clean(s, ln, nl, 128, 0);
    char *cv = clean(s, v, vl, 512, 0);
    add_header(arr, cn ? cn : "?", cv ? cv : "");
    free(cn);
    free(cv);
    kept++;
    bytes += ll;
  }
  if (omitted)
    cJSON_AddNumberToObject(rs, "headers_omitted", (double)omitted);
}

static void request_evidence(cJSON *ev, const prep *p, const char *url, const secrets *s) {
  cJSON *rq = cJSON_AddObjectToObject(ev, "request");
  cJSON_AddStringToObject(rq, "method", p->c->method);
  add_clean(rq, "url", s, url, 2048);
  cJSON *hd = cJSON_AddArrayToObject(rq, "headers");
  if (p->c->content_type)
    add_header(hd, "Content-Type", p->c->content_type);
  for (size_t k = 0; k < p->auth.n; k++)
    add_header(hd, "Authorization", p->auth.l[k].shown);
  for (size_t k = 0; k < p->n_extra; k++) {
    const char *colon = strchr(p->extra[k], ':');
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(colon - p->extra[k]), p->extra[k]);
    const char *v = colon[1] == ' ' ? colon + 2 : colon + 1;
    char *cv = clean(s, v, strlen(v), 512, 0);
    add_header(hd, name, cv ? cv : "");
    free(cv);
  }
  add_excerpt(rq, s, p->has_body ? p->body : "", p->has_body ? p->len : 0);
}

static void response_evidence(cJSON *ev, const hclient_response *r, const secrets *s) {
  cJSON *rs = cJSON_AddObjectToObject(ev, "response");
  cJSON_AddNumberToObject(rs, "status", r->status);
  response_headers(rs, r, s);
  add_excerpt(rs, s, r->body, r->body_len);
  cJSON_AddNumberToObject(rs, "time_ms", (double)r->time_ms);
  if (r->truncated)
    cJSON_AddTrueToObject(rs, "truncated");
  if (r->error[0])
    add_clean(rs, "error", s, r->error, HCLIENT_MSG_MAX);
}

/* ---- checks -> JSON ---- */

static void add_checks(cJSON *arr, const hjudge_verdict *v, const char *prefix, int skip_passes,
                       const secrets *s) {
  for (size_t i = 0; i < v->n_checks; i++) {
    const hjudge_check *k = &v->checks[i];
    if (skip_passes && (k->status == HSTATUS_PASS || k->status == HSTATUS_SKIP))
      continue;
    cJSON *o = cJSON_CreateObject();
    char name[HJUDGE_NAME_MAX + 16];
    snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", k->name);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "status", hstatus_name(k->status));
    add_clean(o, "message", s, k->message, MSG_CAP);
    cJSON_AddStringToObject(o, "requirement", k->requirement);
    cJSON_AddItemToArray(arr, o);
  }
}

static cJSON *base_result(const hcases_case *c, const hrun_config *cfg) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "id", c->id);
  cJSON_AddStringToObject(r, "requirement", c->requirement);
  cJSON_AddStringToObject(r, "class", c->klass);
  cJSON_AddStringToObject(r, "title", c->title ? c->title : "");
  cJSON_AddStringToObject(r, "label", cfg->label ? cfg->label : "default");
  return r;
}

static void add_created(cJSON *created, const secrets *s, const char *id, const char *name,
                        const char *label) {
  cJSON *o = cJSON_CreateObject();
  add_clean(o, "id", s, id, 128);
  char *n = clean(s, name, strlen(name), 100, 0);
  cJSON_AddStringToObject(o, "name", n ? n : "");
  free(n);
  cJSON_AddStringToObject(o, "label", label ? label : "default");
  cJSON_AddItemToArray(created, o);
}

/* The title again, through the case's secrets: a --redact value in the
 * request body may be quoted in it ("ACC-0000-0000: the lowest member"). */
static void retitle(cJSON *res, const secrets *s) {
  const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "title"));
  if (!t || !s->n_values || !hsanitize_contains_secret(t, strlen(t), s->list, s->n))
    return;
  char *c = clean(s, t, strlen(t), 0, 0);
  cJSON_ReplaceItemInObjectCaseSensitive(res, "title", cJSON_CreateString(c ? c : ""));
  free(c);
}

static cJSON *skipped(cJSON *res, const char *reason) {
  cJSON_AddStringToObject(res, "status", "skip");
  cJSON_AddStringToObject(res, "detail", reason);
  cJSON_AddItemToObject(res, "checks", cJSON_CreateArray());
  return res;
}

static void make_url(const hrun_config *cfg, char *url, size_t cap) {
  const char *base = cfg->base_url;
  size_t bl = strlen(base);
  while (bl && base[bl - 1] == '/')
    bl--;
  snprintf(url, cap, "%.*s%s", (int)bl, base, cfg->path ? cfg->path : HRULES_PATH);
}

/* A 2xx to a POST may have created a token: list it (by id when the body
 * has one, else by name) and keep its token value as a secret. */
static void note_created(hjudge *judge, const prep *p, const hclient_response *r, secrets *s,
                         cJSON *created, const char *name, const hrun_config *cfg) {
  if (r->status < 200 || r->status >= 300)
    return;
  char id[256] = "";
  char *tok = s->n_tokens < MAX_TOKENS ? calloc(1, TOKEN_CAP) : NULL;
  if (r->body)
    hjudge_created_fields(judge, r->body, r->body_len, id, sizeof id, tok ? tok : id,
                          tok ? TOKEN_CAP : 0);
  if (tok && tok[0]) {
    s->tokens[s->n_tokens++] = tok;
    sec_add(s, tok);
  } else {
    free(tok);
  }
  if (!strcmp(p->c->method, "POST"))
    add_created(created, s, id[0] ? id : "(no id in the response)",
                p->auth.n ? name : "(unauthenticated)", cfg->label);
}

/* Sends one prepared request: the raw client when hc (http://), else libcurl. */
static void send_one(CURL *h, hconn *hc, const hrun_config *cfg, const prep *p, const char *url,
                     hconn_result *out) {
  rate_wait(cfg);
  if (hc) {
    const char *lines[3 + MAX_EXTRA];
    size_t nl = 0;
    char ct[300];
    if (p->c->content_type) {
      snprintf(ct, sizeof ct, "Content-Type: %s", p->c->content_type);
      lines[nl++] = ct;
    }
    for (size_t k = 0; k < p->n_lines; k++)
      lines[nl++] = p->lines[k];
    hconn_request rq = {
        p->c->method, cfg->path ? cfg->path : HRULES_PATH, lines,
        nl,           p->has_body ? p->body : NULL,        p->has_body ? p->len : 0};
    hconn_exchange(hc, &rq, cfg->client.timeout_ms, cfg->client.max_body, out);
    return;
  }
  memset(out, 0, sizeof *out);
  hclient_request req = {p->c->method,
                         url,
                         p->c->content_type,
                         NULL,
                         p->has_body ? p->body : NULL,
                         p->has_body ? p->len : 0};
  hclient_perform_lines(h, &cfg->client, &req, p->lines, p->n_lines, &out->r);
  out->head = !strcmp(p->c->method, "HEAD");
}

/* The judge's view; for HEAD over the raw client, bytes after the head are
 * the body the server sent (RFC 9110 9.3.2: there must be none). */
static hjudge_response judge_view(const hconn_result *x) {
  hjudge_response jr = hclient_judge_view(&x->r);
  if (x->head && x->extra_len) {
    jr.body = x->extra;
    jr.body_len = x->extra_kept;
  }
  jr.now_unix = (long long)time(NULL);
  return jr;
}

static int has_check(const hjudge_verdict *v, const char *name) {
  for (size_t i = 0; i < v->n_checks; i++)
    if (!strcmp(v->checks[i].name, name))
      return 1;
  return 0;
}

/* The raw client's own checks of one exchange: framing, and no body after
 * HEAD (when the judge did not already check it). */
static void raw_checks(const hconn_result *x, hjudge_verdict *v, const secrets *s) {
  if (x->head && x->extra_len && !has_check(v, "head-no-body"))
    hjudge_add(v, "head-no-body", HSTATUS_FAIL, HREQ_HEAD_NO_BODY,
               "the answer to HEAD was followed by %zu body bytes", x->extra_len);
  if (x->malformed) {
    char *e = clean(s, x->r.error, strlen(x->r.error), 200, 0);
    hjudge_add(v, "framing", HSTATUS_FAIL, HREQ_KEEP_ALIVE_FRAMING,
               "the response did not parse: %s", e ? e : "");
    free(e);
  } else if (x->extra_len) {
    char *e = clean(s, x->extra, x->extra_kept, 60, 0);
    hjudge_add(v, "framing", HSTATUS_FAIL, HREQ_KEEP_ALIVE_FRAMING,
               "%zu bytes came after the complete response (%s), unasked: '%s'", x->extra_len,
               x->framing, e ? e : "");
    free(e);
  } else if (x->r.status >= 100) {
    hjudge_add(v, "framing", HSTATUS_PASS, HREQ_KEEP_ALIVE_FRAMING, "%s", "");
  }
}

static void connection_evidence(cJSON *ev, const hconn_result *x, int raw, size_t step) {
  cJSON *cn = cJSON_AddObjectToObject(ev, "connection");
  char note[400];
  if (!raw) {
    cJSON_AddStringToObject(cn, "client", "libcurl");
    snprintf(note, sizeof note, "sent with libcurl (https): framing is not observable");
  } else {
    cJSON_AddStringToObject(cn, "client", "raw");
    cJSON_AddBoolToObject(cn, "reused", x->reused);
    cJSON_AddBoolToObject(cn, "new_connection", x->new_connection);
    cJSON_AddBoolToObject(cn, "server_closed", x->server_closed);
    cJSON_AddBoolToObject(cn, "connection_close", x->connection_close);
    if (x->retried)
      cJSON_AddTrueToObject(cn, "retried");
    if (x->framing[0])
      cJSON_AddStringToObject(cn, "framing", x->framing);
    snprintf(note, sizeof note, "%s%s%s%s",
             x->reused    ? "sent on the connection of the previous step"
             : step == 0  ? "sent on a new connection"
             : x->retried ? "the kept connection was closed before this request: resent on a "
                            "new one"
                          : "the server had closed the connection after the previous step: "
                            "sent on a new one",
             x->connection_close ? "; the answer said Connection: close" : "",
             x->server_closed && !x->connection_close
                 ? "; the server closed the connection after the answer"
                 : "",
             x->extra_len ? "; unasked bytes followed the answer: connection dropped" : "");
  }
  cJSON_AddStringToObject(cn, "note", note);
}
/* ---- a lone request (repeat: several creates) ---- */

static cJSON *run_lone(CURL *h, hjudge *judge, const hrun_config *cfg, const hcases_case *c,
                       char *err) {
  cJSON *res = base_result(c, cfg);
  char url[2048], name[256];
  make_url(cfg, url, sizeof url);
  hrun_token_name(cfg, c->id, name, sizeof name);
  prep p;
  if (!prep_make(cfg, c, name, &p, "", err)) {
    prep_free(&p);
    cJSON_Delete(res);
    return NULL;
  }
  if (p.skip) {
    cJSON *r = skipped(res, p.skip);
    prep_free(&p);
    return r;
  }
  secrets s;
  memset(&s, 0, sizeof s);
  sec_add(&s, cfg->bearer);
  sec_add(&s, p.auth.derived);
  sec_headers(&s, cfg);
  /* a HEAD goes through the raw client: libcurl would hide a body after it */
  hconn *hc = NULL;
  if (!strcmp(c->method, "HEAD") && !strncasecmp(cfg->base_url, "http://", 7)) {
    char cerr[HCONN_MSG_MAX];
    hc = hconn_new(cfg->base_url, cerr);
  }
  hconn_result x, first;
  memset(&x, 0, sizeof x);
  memset(&first, 0, sizeof first);
  hjudge_verdict v, v2;
  hjudge_verdict_init(&v);
  hjudge_verdict_init(&v2);
  cJSON *checks = cJSON_CreateArray();
  cJSON *created = cJSON_CreateArray();
  char server[HCLIENT_HEADER_VALUE_MAX] = "";
  int have_server = 0;
  for (int round = 0; round < c->repeat; round++) {
    if (round) {
      hconn_result_free(&first);
      first = x;
      memset(&x, 0, sizeof x);
      /* the next create gets its own name: a server may legitimately refuse
       * a second token of the same name, and the point is distinct ids */
      char again[sizeof name + 16];
      snprintf(again, sizeof again, "%s-%d", name, round + 1);
      char *b2 = NULL;
      size_t l2 = 0;
      herr ce;
      if (hcases_body(c, again, &b2, &l2, &ce) == 0) {
        free(p.body);
        p.body = b2;
        p.len = l2;
        snprintf(name, sizeof name, "%s", again);
        if (c->echo) {
          hjson_doc_free(p.reqdoc);
          p.reqdoc = NULL;
          p.req_tree = NULL;
          if (!echo_tree(&p, name, &ce))
            p.req_tree = NULL;
        }
      }
    }
    sec_redact_body(&s, cfg, p.body, p.len);
    send_one(h, hc, cfg, &p, url, &x);
    sec_redact_body(&s, cfg, x.r.body, x.r.body_len);
    if (x.r.has_server && !have_server) {
      snprintf(server, sizeof server, "%s", x.r.server);
      have_server = 1;
    }
    note_created(judge, &p, &x.r, &s, created, name, cfg);
    hjudge_response jr = judge_view(&x);
    hjudge_case jc = judge_case(&p);
    hjudge_verdict *vv = round ? &v2 : &v;
    hjudge_response_judge(judge, &jc, &jr, cfg->profile, vv);
    if (hc)
      raw_checks(&x, vv, &s);
    add_checks(checks, vv, round ? "second:" : NULL, round != 0, &s);
  }
  hstatus st = v.status;
  char detail[HJUDGE_MSG_MAX + 32];
  snprintf(detail, sizeof detail, "%s", v.detail);
  if (c->repeat > 1) {
    if (v2.status > st)
      st = v2.status;
    if (!detail[0] && v2.detail[0])
      snprintf(detail, sizeof detail, "second request: %s", v2.detail);
    hjudge_verdict vd;
    hjudge_verdict_init(&vd);
    hjudge_distinct(judge, first.r.body, first.r.body_len, x.r.body, x.r.body_len, &vd);
    add_checks(checks, &vd, NULL, 0, &s);
    if (vd.status > st)
      st = vd.status;
    if (vd.status == HSTATUS_FAIL && (v.status < HSTATUS_FAIL && v2.status < HSTATUS_FAIL))
      snprintf(detail, sizeof detail, "%s", vd.detail);
  }
  cJSON_AddStringToObject(res, "status", hstatus_name(st));
  add_clean(res, "detail", &s, detail, MSG_CAP);
  cJSON_AddItemToObject(res, "checks", checks);
  if (have_server)
    add_clean(res, "server", &s, server, 256);
  if (st == HSTATUS_FAIL || st == HSTATUS_WARN) {
    cJSON *ev = cJSON_AddObjectToObject(res, "evidence");
    request_evidence(ev, &p, url, &s);
    response_evidence(ev, &x.r, &s);
    if (hc)
      connection_evidence(ev, &x, 1, 0);
    char *curl = reproducer(cfg, c->id, &p, 1, url, NULL);
    char *rc = curl ? clean(&s, curl, strlen(curl), REPRO_CAP, 0) : NULL;
    cJSON_AddStringToObject(ev, "curl", rc ? rc : "");
    free(rc);
    free(curl);
  }
  cJSON_AddItemToObject(res, "created", created);
  retitle(res, &s);
  sec_free(&s);
  hconn_result_free(&x);
  hconn_result_free(&first);
  hconn_free(hc);
  prep_free(&p);
  return res;
}

/* ---- a sequence: steps in order on one connection ---- */

static cJSON *run_sequence(CURL *h, hjudge *judge, const hrun_config *cfg, const hcases_case *c,
                           char *err) {
  cJSON *res = base_result(c, cfg);
  char url[2048], name[256];
  make_url(cfg, url, sizeof url);
  hrun_token_name(cfg, c->id, name, sizeof name);
  size_t n = (size_t)cJSON_GetArraySize(c->sequence);
  if (n > HCASES_MAX_STEPS)
    n = HCASES_MAX_STEPS;
  hcases_case st[HCASES_MAX_STEPS];
  prep ps[HCASES_MAX_STEPS];
  hconn_result xs[HCASES_MAX_STEPS];
  memset(ps, 0, sizeof ps);
  memset(xs, 0, sizeof xs);
  secrets s;
  memset(&s, 0, sizeof s);
  hconn *hc = NULL;
  cJSON *out = NULL;
  const char *skip = NULL;
  char skipbuf[HCASES_MSG_MAX];
  size_t made = 0;
  for (size_t k = 0; k < n; k++) {
    herr ce;
    char what[32];
    snprintf(what, sizeof what, " step %zu", k + 1);
    if (hcases_step(c, k, &st[k], &ce) != 0) {
      snprintf(err, HCASES_MSG_MAX, "%s", ce.msg);
      goto fail;
    }
    made = k + 1;
    if (!prep_make(cfg, &st[k], name, &ps[k], what, err))
      goto fail;
    if (ps[k].skip && !skip) {
      snprintf(skipbuf, sizeof skipbuf, "step %zu: %s", k + 1, ps[k].skip);
      skip = skipbuf;
    }
  }
  if (skip) {
    out = skipped(res, skip);
    res = NULL;
    goto fail;
  }
  sec_add(&s, cfg->bearer);
  for (size_t k = 0; k < n; k++)
    sec_add(&s, ps[k].auth.derived);
  sec_headers(&s, cfg);
  const char *note = NULL;
  if (!strncasecmp(cfg->base_url, "http://", 7)) {
    char cerr[HCONN_MSG_MAX];
    hc = hconn_new(cfg->base_url, cerr);
    if (!hc)
      note = "the raw client could not use the base URL: the steps were sent with libcurl; "
             "framing after HEAD and error answers is not observable";
  } else {
    note = "https: the steps were sent with libcurl on one kept connection; framing after HEAD "
           "and error answers is not observable";
  }
  cJSON *checks = cJSON_CreateArray();
  cJSON *steps = cJSON_CreateArray();
  cJSON *created = cJSON_CreateArray();
  hstatus worst = HSTATUS_SKIP;
  char detail[HJUDGE_MSG_MAX + 32] = "";
  long bad_step = -1;
  hstatus bad_status = HSTATUS_PASS;
  char server[HCLIENT_HEADER_VALUE_MAX] = "";
  int have_server = 0;
  for (size_t k = 0; k < n; k++) {
    sec_redact_body(&s, cfg, ps[k].body, ps[k].len);
    send_one(h, hc, cfg, &ps[k], url, &xs[k]);
    sec_redact_body(&s, cfg, xs[k].r.body, xs[k].r.body_len);
    if (xs[k].r.has_server && !have_server) {
      snprintf(server, sizeof server, "%s", xs[k].r.server);
      have_server = 1;
    }
    note_created(judge, &ps[k], &xs[k].r, &s, created, name, cfg);
    hjudge_verdict v;
    hjudge_response jr = judge_view(&xs[k]);
    hjudge_case jc = judge_case(&ps[k]);
    hjudge_response_judge(judge, &jc, &jr, cfg->profile, &v);
    if (hc)
      raw_checks(&xs[k], &v, &s);
    char prefix[24];
    snprintf(prefix, sizeof prefix, "step%zu:", k + 1);
    add_checks(checks, &v, prefix, 0, &s);
    cJSON *so = cJSON_CreateObject();
    cJSON_AddStringToObject(so, "status", hstatus_name(v.status));
    add_clean(so, "detail", &s, v.detail, MSG_CAP);
    cJSON *sc = cJSON_AddArrayToObject(so, "checks");
    add_checks(sc, &v, NULL, 0, &s);
    cJSON *ev = cJSON_AddObjectToObject(so, "evidence");
    connection_evidence(ev, &xs[k], hc != NULL, k);
    if (v.status == HSTATUS_FAIL || v.status == HSTATUS_WARN) {
      request_evidence(ev, &ps[k], url, &s);
      response_evidence(ev, &xs[k].r, &s);
    }
    cJSON_AddItemToArray(steps, so);
    if (v.status > worst)
      worst = v.status;
    if ((v.status == HSTATUS_FAIL && bad_status != HSTATUS_FAIL) ||
        (v.status == HSTATUS_WARN && bad_step < 0)) {
      bad_step = (long)k;
      bad_status = v.status;
      snprintf(detail, sizeof detail, "step %zu: %s", k + 1, v.detail);
    }
  }
  /* every create of the sequence is a distinct token */
  long prev = -1;
  for (size_t k = 0; k < n; k++) {
    if (!ps[k].c->creates || xs[k].r.status < 200 || xs[k].r.status >= 300)
      continue;
    if (prev >= 0) {
      hjudge_verdict vd;
      hjudge_verdict_init(&vd);
      hjudge_distinct(judge, xs[prev].r.body, xs[prev].r.body_len, xs[k].r.body, xs[k].r.body_len,
                      &vd);
      char prefix[40];
      snprintf(prefix, sizeof prefix, "step%ld+%zu:", prev + 1, k + 1);
      add_checks(checks, &vd, prefix, 0, &s);
      if (vd.status > worst)
        worst = vd.status;
      if (vd.status == HSTATUS_FAIL && bad_status != HSTATUS_FAIL) {
        bad_status = HSTATUS_FAIL;
        bad_step = (long)k;
        snprintf(detail, sizeof detail, "steps %ld and %zu: %s", prev + 1, k + 1, vd.detail);
      }
    }
    prev = (long)k;
  }
  cJSON_AddStringToObject(res, "status", hstatus_name(worst));
  add_clean(res, "detail", &s, detail, MSG_CAP);
  cJSON_AddItemToObject(res, "checks", checks);
  if (have_server)
    add_clean(res, "server", &s, server, 256);
  if (note)
    cJSON_AddStringToObject(res, "note", note);
  if ((worst == HSTATUS_FAIL || worst == HSTATUS_WARN) && bad_step >= 0) {
    cJSON *ev = cJSON_AddObjectToObject(res, "evidence");
    cJSON_AddNumberToObject(ev, "step", (double)(bad_step + 1));
    request_evidence(ev, &ps[bad_step], url, &s);
    response_evidence(ev, &xs[bad_step].r, &s);
    char *curl = reproducer(cfg, c->id, ps, n, url, hc);
    char *rc = curl ? clean(&s, curl, strlen(curl), REPRO_CAP, 0) : NULL;
    cJSON_AddStringToObject(ev, "curl", rc ? rc : "");
    free(rc);
    free(curl);
  }
  cJSON_AddItemToObject(res, "created", created);
  retitle(res, &s);
  cJSON_AddItemToObject(res, "steps", steps);
  out = res;
  res = NULL;
fail:
  cJSON_Delete(res);
  for (size_t k = 0; k < made && k < n; k++) {
    prep_free(&ps[k]);
    hconn_result_free(&xs[k]);
  }
  sec_free(&s);
  hconn_free(hc);
  return out;
}

long hrun_case_budget_ms(const hcases_case *c, long timeout_ms) {
  if (timeout_ms <= 0)
    timeout_ms = HCLIENT_DEFAULT_TIMEOUT_MS;
  long n =
      c->sequence ? (long)cJSON_GetArraySize(c->sequence) : (long)(c->repeat > 1 ? c->repeat : 1);
  if (n < 1)
    n = 1;
  /* one deadline covers an exchange, its connect and a resend on a kept
   * connection found closed; the quiet window follows it */
  return n * (timeout_ms + HCONN_QUIET_MS + 100);
}

cJSON *hrun_case(CURL *h, hjudge *judge, const hrun_config *cfg, const hcases_case *c,
                 const char *skip_reason, char *err) {
  if (!skip_reason && c->skip)
    skip_reason = c->skip;
  if (!skip_reason && c->requires_token && !cfg->bearer)
    skip_reason = "no bearer token configured (--token-env): authentication cannot be checked";
  if (skip_reason)
    return skipped(base_result(c, cfg), skip_reason);
  return c->sequence ? run_sequence(h, judge, cfg, c, err) : run_lone(h, judge, cfg, c, err);
}

void hrun_print(FILE *out, const cJSON *result) {
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(result, "id");
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(result, "status");
  const cJSON *detail = cJSON_GetObjectItemCaseSensitive(result, "detail");
  fprintf(out, "%s: %s%s%s\n", cJSON_IsString(id) ? id->valuestring : "?",
          cJSON_IsString(st) ? st->valuestring : "?",
          cJSON_IsString(detail) && detail->valuestring[0] ? " - " : "",
          cJSON_IsString(detail) ? detail->valuestring : "");
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(result, "checks");
  for (const cJSON *k = cJSON_IsArray(checks) ? checks->child : NULL; k; k = k->next) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(k, "name");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(k, "status");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(k, "message");
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(k, "requirement");
    fprintf(out, "  %-5s %-28s %-40s %s\n", cJSON_IsString(s) ? s->valuestring : "?",
            cJSON_IsString(n) ? n->valuestring : "?", cJSON_IsString(q) ? q->valuestring : "",
            cJSON_IsString(m) ? m->valuestring : "");
  }
  const cJSON *ev = cJSON_GetObjectItemCaseSensitive(result, "evidence");
  const cJSON *curl = cJSON_IsObject(ev) ? cJSON_GetObjectItemCaseSensitive(ev, "curl") : NULL;
  if (cJSON_IsString(curl))
    fprintf(out, "reproduce: %s\n", curl->valuestring);
}

/* ---- plan entries ---- */

static const char *pstr(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

static double pnum(const cJSON *o, const char *name, double dflt) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsNumber(m) ? m->valuedouble : dflt;
}

int hrun_plan_config_read(const cJSON *plan, hrun_plan_config *out, char *err) {
  memset(out, 0, sizeof *out);
  hrun_config *cfg = &out->cfg;
  if (!pstr(plan, "base_url")) {
    snprintf(err, HCASES_MSG_MAX, "plan: no base_url");
    return -1;
  }
  int prof = hjudge_profile_parse(pstr(plan, "profile"));
  if (prof < 0) { /* certify wrote a profile it parsed: anything else is a broken plan */
    snprintf(err, HCASES_MSG_MAX, "plan: profile: not default, strict or aspnet");
    return -1;
  }
  cfg->base_url = pstr(plan, "base_url");
  cfg->run_id = pstr(plan, "run_id");
  cfg->profile = (hjudge_profile)prof;
  cfg->client.timeout_ms = (long)pnum(plan, "timeout_ms", HCLIENT_DEFAULT_TIMEOUT_MS);
  cfg->client.max_body = (size_t)pnum(plan, "max_body", 0);
  cfg->client.cacert = pstr(plan, "cacert");
  cfg->client.insecure = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(plan, "insecure"));
  cfg->rate_file = pstr(plan, "rate_file");
  cfg->rate_per_s = pnum(plan, "rate_per_s", 0);
  const cJSON *rd = cJSON_GetObjectItemCaseSensitive(plan, "redact");
  for (const cJSON *e = cJSON_IsArray(rd) ? rd->child : NULL; e; e = e->next) {
    const char *why = NULL;
    if (!cJSON_IsString(e) || !hrun_pointer_check(e->valuestring, &why) ||
        cfg->n_redact >= HRUN_MAX_REDACT) {
      snprintf(err, HCASES_MSG_MAX, "plan: redact: a bad pointer (%s)",
               why ? why : "not a string, or too many");
      return -1;
    }
    out->redact[cfg->n_redact++] = e->valuestring;
  }
  cfg->redact = out->redact;
  const cJSON *hd = cJSON_GetObjectItemCaseSensitive(plan, "headers");
  for (const cJSON *e = cJSON_IsArray(hd) ? hd->child : NULL; e; e = e->next) {
    const char *hn = pstr(e, "name"), *hv = pstr(e, "value"), *he = pstr(e, "env");
    if (!hn || (!hv && !he) || cfg->n_headers >= HRUN_MAX_RUN_HEADERS) {
      snprintf(err, HCASES_MSG_MAX, "plan: headers: expected {\"name\", \"value\"|\"env\"}");
      return -1;
    }
    if (he) {
      hv = getenv(he);
      if (!hv || !*hv || strpbrk(hv, "\r\n")) {
        snprintf(err, HCASES_MSG_MAX,
                 "--header %s: the variable %s is not set, empty or holds "
                 "CR/LF",
                 hn, he);
        return -1;
      }
    }
    out->headers[cfg->n_headers++] = (hrun_header){hn, hv, he};
  }
  cfg->headers = out->headers;
  return 0;
}

cJSON *hrun_entry(const hrun_plan_config *pc, const cJSON *entry, size_t index, const hrules *rules,
                  const hcases_index *ix, char *err) {
  const char *case_id = pstr(entry, "case");
  herr ce;
  if (!case_id) {
    snprintf(err, HCASES_MSG_MAX, "plan entry %zu: no case", index);
    return NULL;
  }
  long idx = hcases_index_find(ix, case_id);
  hcases_case c;
  if (idx < 0 || hcases_index_at(ix, (size_t)idx, &c, &ce) != 0) {
    snprintf(err, HCASES_MSG_MAX, "plan entry %zu: case %s not in the catalogue", index, case_id);
    return NULL;
  }
  hrun_config cfg = pc->cfg;
  const char *token_env = pstr(entry, "token_env");
  const char *bearer = token_env ? getenv(token_env) : NULL;
  cfg.bearer = bearer && *bearer ? bearer : NULL;
  cfg.token_env = token_env;
  cfg.label = pstr(entry, "label");
  char msg[HCLIENT_MSG_MAX];
  CURL *h = curl_easy_init();
  hjudge *judge = hjudge_new(rules);
  cJSON *result = NULL;
  if (!h || !judge) {
    snprintf(err, HCASES_MSG_MAX, "out of memory");
    goto fail;
  }
  if (hclient_setup(h, &cfg.client, msg) != 0) {
    snprintf(err, HCASES_MSG_MAX, "%s", msg);
    goto fail;
  }
  result = hrun_case(h, judge, &cfg, &c, pstr(entry, "skip"), err);
fail:
  hjudge_free(judge);
  if (h)
    hclient_cleanup(h);
  return result;
}
