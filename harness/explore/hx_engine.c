/* hx_engine: the explore run - generate, send, judge, keep and shrink the
 * failures (their case files: hx_case.c). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "client/hsanitize.h"
#include "explore/hx_engine_int.h"
#include "explore/hx_internal.h"
#include "util/hutil.h"


static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pace(engine *e) {
  if (e->cfg->rate_per_s <= 0)
    return;
  double t = now_s();
  if (t < e->next_send) {
    double d = e->next_send - t;
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
      ;
    t = e->next_send;
  }
  e->next_send = t + 1.0 / e->cfg->rate_per_s;
}

static void tally(engine *e, const hjudge_verdict *v) {
  for (size_t i = 0; i < v->n_checks; i++) {
    const hjudge_check *k = &v->checks[i];
    if (!k->requirement[0] || k->status == HSTATUS_SKIP)
      continue;
    req_tally *t = NULL;
    for (size_t j = 0; j < e->n_reqs && !t; j++)
      if (!strcmp(e->reqs[j].id, k->requirement))
        t = &e->reqs[j];
    if (!t && e->n_reqs < MAX_REQS) {
      t = &e->reqs[e->n_reqs++];
      snprintf(t->id, sizeof t->id, "%s", k->requirement);
      t->rank = HSTATUS_SKIP;
    }
    if (!t)
      continue;
    if ((int)k->status > t->rank)
      t->rank = (int)k->status;
    t->fail += k->status == HSTATUS_FAIL;
    t->warn += k->status == HSTATUS_WARN;
  }
}

typedef enum { SENT = 0, NOT_SENT } send_result;

#define EXCERPT_MAX 2048

/* ---- secrets (see hx_engine_int.h) ---- */

void hx_xs_init(const engine *e, xsecrets *x) {
  memcpy(x->list, e->secrets, e->n_secrets * sizeof *x->list);
  x->n = e->n_secrets;
  x->nv = 0;
}

/* The values cfg->redact names in body[0..len) (when it is JSON) join x. */
void hx_xs_body(const engine *e, xsecrets *x, const char *body, size_t len) {
  if (!e->cfg->n_redact || !body || !len)
    return;
  if (len >= 3 && !memcmp(body, "\xef\xbb\xbf", 3)) { /* a mutation's BOM: the values after it */
    body += 3;
    len -= 3;
  }
  size_t before = x->nv;
  x->nv = hrun_redact_values(e->cfg->redact, e->cfg->n_redact, body, len, x->vals, XS_MAX_VALUES,
                             x->nv);
  for (size_t i = before; i < x->nv && x->n < sizeof x->list / sizeof x->list[0]; i++)
    x->list[x->n++] = x->vals[i];
}

void hx_xs_free(xsecrets *x) {
  for (size_t i = 0; i < x->nv; i++) {
    memset(x->vals[i], 0, strlen(x->vals[i]));
    free(x->vals[i]);
  }
  x->nv = 0;
}

static void add_clean(const xsecrets *x, cJSON *o, const char *name, const char *text, size_t len,
                      size_t cap, unsigned flags) {
  char *c = hsanitize(text ? text : "", text ? len : 0, x->list, x->n, cap, flags);
  cJSON_AddStringToObject(o, name, c ? c : "");
  free(c);
}

/* A message quotes at most this many bytes of a value, cut or from an offset
 * (the judge's window is 40): a longer secret can show there in part, which
 * no match of the whole value finds. */
#define QUOTE_WINDOW 32

/* Every "..." segment of msg becomes "<redacted>" (in place, cap bytes). */
static void redact_quotes(char *msg, size_t cap) {
  char out[HJUDGE_MSG_MAX];
  size_t o = 0;
  for (const char *p = msg; *p && o + 1 < sizeof out;) {
    out[o++] = *p;
    if (*p++ != '"')
      continue;
    const char *q = p;
    while (*q && *q != '"')
      q += q[0] == '\\' && q[1] ? 2 : 1;
    if (!*q)
      break; /* an unterminated quote: cut there */
    int n = snprintf(out + o, sizeof out - o, "<redacted>\"");
    o += n > 0 && (size_t)n < sizeof out - o ? (size_t)n : 0;
    p = q + 1;
  }
  out[o < sizeof out ? o : sizeof out - 1] = '\0';
  snprintf(msg, cap, "%s", out);
}

/* The messages of the failing and warning checks of v, and its detail,
 * without the exchange's --redact values (the run's secrets go at record);
 * with a value longer than a quote window, without any quoted value. */
static void clean_verdict(hjudge_verdict *v, const xsecrets *x) {
  if (!x->nv)
    return;
  int long_value = 0;
  for (size_t i = 0; i < x->nv; i++)
    long_value |= strlen(x->vals[i]) > QUOTE_WINDOW;
  char tmp[HJUDGE_MSG_MAX];
  for (size_t i = 0; i < v->n_checks; i++) {
    hjudge_check *k = &v->checks[i];
    if (!k->message[0])
      continue;
    memcpy(tmp, k->message, sizeof tmp);
    hsanitize_into(k->message, sizeof k->message, tmp, strnlen(tmp, sizeof tmp), x->list, x->n);
    if (long_value)
      redact_quotes(k->message, sizeof k->message);
  }
  memcpy(tmp, v->detail, sizeof tmp);
  hsanitize_into(v->detail, sizeof v->detail, tmp, strnlen(tmp, sizeof tmp), x->list, x->n);
  if (long_value)
    redact_quotes(v->detail, sizeof v->detail);
}

void hx_add_pair(cJSON *arr, const char *name, const char *value) {
  cJSON *pair = cJSON_CreateArray();
  cJSON_AddItemToArray(pair, cJSON_CreateString(name));
  cJSON_AddItemToArray(pair, cJSON_CreateString(value));
  cJSON_AddItemToArray(arr, pair);
}

/* {"request": {...}, "response": {...}} of one exchange, every peer string sanitized. */
static cJSON *evidence(engine *e, const xsecrets *x, const char *ct, const char *body, size_t len,
                       const hclient_response *rs) {
  cJSON *ev = cJSON_CreateObject();
  cJSON *rq = cJSON_AddObjectToObject(ev, "request");
  cJSON_AddStringToObject(rq, "method", "POST");
  add_clean(x, rq, "url", e->url, strlen(e->url), 2048, 0);
  cJSON *hd = cJSON_AddArrayToObject(rq, "headers");
  hx_add_pair(hd, "Content-Type", ct);
  if (e->cfg->bearer)
    hx_add_pair(hd, "Authorization", "Bearer <redacted>");
  for (size_t i = 0; i < e->n_lines; i++) {
    const hrun_header *h = &e->cfg->headers[i];
    char *c = h->env ? NULL : hsanitize(h->value, strlen(h->value), x->list, x->n, 512, 0);
    hx_add_pair(hd, h->name, h->env ? "<redacted>" : c ? c : "");
    free(c);
  }
  add_clean(x, rq, "body_excerpt", body, len, EXCERPT_MAX, HSANITIZE_MULTILINE);
  cJSON_AddNumberToObject(rq, "body_bytes", (double)len);
  cJSON *rp = cJSON_AddObjectToObject(ev, "response");
  cJSON_AddNumberToObject(rp, "status", rs->status);
  cJSON *rh = cJSON_AddArrayToObject(rp, "headers");
  static const struct {
    const char *name;
    size_t off, has;
  } hs[] = {{"Content-Type", offsetof(hclient_response, content_type),
             offsetof(hclient_response, has_content_type)},
            {"Date", offsetof(hclient_response, date), offsetof(hclient_response, has_date)},
            {"WWW-Authenticate", offsetof(hclient_response, www_authenticate),
             offsetof(hclient_response, has_www_authenticate)}};
  for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
    if (!*(const int *)((const char *)rs + hs[i].has))
      continue;
    const char *v = (const char *)rs + hs[i].off;
    char *c = hsanitize(v, strlen(v), x->list, x->n, 512, 0);
    hx_add_pair(rh, hs[i].name, c ? c : "");
    free(c);
  }
  add_clean(x, rp, "body_excerpt", rs->body, rs->body_len, EXCERPT_MAX, HSANITIZE_MULTILINE);
  cJSON_AddNumberToObject(rp, "body_bytes", (double)rs->body_len);
  cJSON_AddNumberToObject(rp, "time_ms", (double)rs->time_ms);
  if (rs->error[0])
    add_clean(x, rp, "error", rs->error, strlen(rs->error), HCLIENT_MSG_MAX, 0);
  return ev;
}

/* Sends one body and judges it; *v gets the verdict. */
static send_result send_one(engine *e, const char *ct, const char *body, size_t len,
                            hjudge_verdict *v, int *status, cJSON **ev, char **kept,
                            size_t *kept_len) {
  hexplore_expectation x;
  hexplore_oracle_expect(e->oracle, ct, body, len, &x);
  int may_create = x.expect == HJUDGE_EXPECT_CREATED || x.expect == HJUDGE_EXPECT_CREATED_OR_BAD;
  if (e->cfg->max_creates >= 0 && e->creates >= e->cfg->max_creates &&
      (may_create || e->cfg->list_created))
    return NOT_SENT;
  pace(e);
  hclient_request rq = {"POST", e->url, ct, e->cfg->bearer, body, len};
  hclient_response rs;
  hclient_response_init(&rs);
  hclient_perform_lines(e->h, &e->cfg->client, &rq, (const char *const *)e->lines, e->n_lines, &rs);
  hjudge_case c;
  memset(&c, 0, sizeof c);
  c.expect = x.expect;
  c.requirement = x.requirement;
  c.aspnet_tolerated = x.aspnet_tolerated;
  c.aspnet_reason = hx_aspnet_reason();
  c.lenient_surrogates = x.lenient_surrogates;
  c.request_body = x.echo;
  c.tolerated = x.tolerated;
  c.tolerated_reason = x.tolerated_reason;
  hjudge_response jr = hclient_judge_view(&rs);
  hjudge_response_judge(e->judge, &c, &jr, e->cfg->profile, v);
  *status = rs.status;
  int want_ev = ev && (v->status == HSTATUS_FAIL || e->want_evidence);
  int list = rs.status == 201 && e->cfg->list_created;
  xsecrets xs;
  hx_xs_init(e, &xs);
  if (want_ev || list || v->status == HSTATUS_FAIL) { /* strings will be kept */
    hx_xs_body(e, &xs, body, len);
    hx_xs_body(e, &xs, rs.body, rs.body_len);
    clean_verdict(v, &xs);
  }
  if (ev)
    *ev = want_ev ? evidence(e, &xs, ct, body, len, &rs) : NULL;
  if (rs.status == 201) {
    e->creates++;
    if (list) {
      char id[256], tok[8];
      hjudge_created_fields(e->judge, rs.body, rs.body_len, id, sizeof id, tok, sizeof tok);
      cJSON *cr = cJSON_CreateObject();
      add_clean(&xs, cr, "id", id, strlen(id), 256, 0);
      cJSON_AddStringToObject(cr, "name", "(explore)");
      cJSON_AddStringToObject(cr, "label", "explore");
      cJSON_AddItemToArray(e->created, cr);
    }
  }
  hx_xs_free(&xs);
  if (kept) {
    *kept = rs.body; /* the caller owns it now (NULL when empty) */
    *kept_len = rs.body_len;
    rs.body = NULL;
    rs.body_len = 0;
  }
  e->connections += rs.new_connections;
  if (rs.timed_out)
    e->consecutive_timeouts++;
  else
    e->consecutive_timeouts = 0;
  if (rs.status == 0 && !rs.connected)
    e->consecutive_unreachable++;
  else
    e->consecutive_unreachable = 0;
  hclient_response_free(&rs);
  return SENT;
}

static int has_failure(const hjudge_verdict *v, const char *check, const char *req) {
  for (size_t i = 0; i < v->n_checks; i++)
    if (v->checks[i].status == HSTATUS_FAIL && !strcmp(v->checks[i].name, check) &&
        !strcmp(v->checks[i].requirement, req))
      return 1;
  return 0;
}

/* The same body twice (pair): both judged alone, then the two 201 bodies
 * with hjudge_distinct (ids and token values must differ).  *v gets the
 * second request's verdict and *vd the distinct check (status SKIP when the
 * first was not a 201). */
static send_result send_pair(engine *e, const char *ct, const char *body, size_t len,
                             hjudge_verdict *v1, hjudge_verdict *v2, hjudge_verdict *vd,
                             int *status, cJSON **ev) {
  char *b1 = NULL, *b2 = NULL;
  size_t l1 = 0, l2 = 0;
  hjudge_verdict_init(v2);
  hjudge_verdict_init(vd);
  if (send_one(e, ct, body, len, v1, status, ev, &b1, &l1) != SENT)
    return NOT_SENT;
  if (*status == 201) {
    int st2 = 0;
    cJSON *ev2 = NULL;
    e->want_evidence = ev != NULL;
    send_result r2 = send_one(e, ct, body, len, v2, &st2, ev ? &ev2 : NULL, &b2, &l2);
    e->want_evidence = 0;
    if (r2 == SENT && st2 == 201) {
      hjudge_distinct(e->judge, b1, l1, b2, l2, vd);
      if (vd->status == HSTATUS_FAIL && e->cfg->n_redact) { /* it may quote either answer */
        xsecrets xs;
        hx_xs_init(e, &xs);
        hx_xs_body(e, &xs, body, len);
        hx_xs_body(e, &xs, b1, l1);
        hx_xs_body(e, &xs, b2, l2);
        clean_verdict(vd, &xs);
        hx_xs_free(&xs);
      }
      if (ev && vd->status == HSTATUS_FAIL && !*ev) { /* the second answer shows it */
        *ev = ev2;
        ev2 = NULL;
      }
    }
    cJSON_Delete(ev2);
  }
  free(b1);
  free(b2);
  return SENT;
}

static void redact_into(engine *e, const char *msg, char *out, size_t cap) {
  hsanitize_into(out, cap, msg, strlen(msg), e->secrets, e->n_secrets);
}

static void record(engine *e, const hjudge_verdict *v, long index, const char *ct,
                   const char *body, size_t len, cJSON *ev) {
  /* a 5xx, a timeout or no answer is the failure; the wrong status it also
   * makes is its consequence (still counted for its requirement by tally) */
  int broken = 0;
  for (size_t i = 0; i < v->n_checks; i++)
    broken |= v->checks[i].status == HSTATUS_FAIL &&
              (!strcmp(v->checks[i].name, "no-5xx") || !strcmp(v->checks[i].name, "timeout") ||
               !strcmp(v->checks[i].name, "transport"));
  for (size_t i = 0; i < v->n_checks; i++) {
    const hjudge_check *k = &v->checks[i];
    if (k->status != HSTATUS_FAIL || (broken && !strcmp(k->name, "status")))
      continue;
    failure *f = NULL;
    for (size_t j = 0; j < e->n_fails && !f; j++)
      if (!strcmp(e->fails[j].check, k->name) && !strcmp(e->fails[j].requirement, k->requirement))
        f = &e->fails[j];
    if (f) {
      f->count++;
      continue;
    }
    if (e->n_fails >= HEXPLORE_MAX_FAILURES)
      continue;
    f = &e->fails[e->n_fails];
    memset(f, 0, sizeof *f);
    if (!(f->body = malloc(len + 1)))
      continue;
    memcpy(f->body, body, len);
    f->body[len] = '\0';
    f->len = f->original = len;
    snprintf(f->check, sizeof f->check, "%s", k->name);
    snprintf(f->requirement, sizeof f->requirement, "%s", k->requirement);
    redact_into(e, k->message, f->message, sizeof f->message);
    snprintf(f->ct, sizeof f->ct, "%s", ct);
    f->index = index;
    f->count = 1;
    f->shrinkable = strcmp(k->name, "timeout") && strcmp(k->name, "transport");
    f->pair = !strcmp(k->requirement, HREQ_DISTINCT);
    f->evidence = cJSON_Duplicate(ev, 1);
    e->n_fails++;
  }
}

/* ---- shrinking ---- */

typedef struct {
  engine *e;
  failure *f;
  double deadline;
  long budget;
} shrinker;

static int still_fails(shrinker *s, const char *body, size_t len) {
  if (s->budget <= 0 || now_s() > s->deadline)
    return 0;
  s->budget--;
  s->f->shrink_requests++;
  s->e->shrink_sent++;
  hjudge_verdict v, v2, vd;
  int status;
  cJSON *ev = NULL;
  int same;
  if (s->f->pair) {
    s->f->shrink_requests++;
    s->e->shrink_sent++;
    if (send_pair(s->e, s->f->ct, body, len, &v, &v2, &vd, &status, &ev) != SENT)
      return 0;
    same = has_failure(&vd, s->f->check, s->f->requirement);
  } else {
    if (send_one(s->e, s->f->ct, body, len, &v, &status, &ev, NULL, NULL) != SENT)
      return 0;
    same = has_failure(&v, s->f->check, s->f->requirement);
  }
  cJSON_Delete(s->f->evidence_pending);
  s->f->evidence_pending = same ? ev : NULL;
  if (!same)
    cJSON_Delete(ev);
  return same;
}

static void adopt(failure *f, const char *body, size_t len) {
  if (f->evidence_pending) {
    cJSON_Delete(f->evidence);
    f->evidence = f->evidence_pending;
    f->evidence_pending = NULL;
  }
  char *p = malloc(len + 1);
  if (!p)
    return;
  memcpy(p, body, len);
  p[len] = '\0';
  free(f->body);
  f->body = p;
  f->len = len;
}

/* The node at preorder index j, with its parent and index in it. */
static hxv *nth(hxv *v, size_t *j, hxv **parent, size_t *idx) {
  if (*j == 0)
    return v;
  (*j)--;
  for (size_t i = 0; i < v->nk; i++) {
    hxv *p0 = *parent;
    size_t i0 = *idx;
    *parent = v;
    *idx = i;
    hxv *r = nth(v->kids[i], j, parent, idx);
    if (r)
      return r;
    *parent = p0;
    *idx = i0;
  }
  return NULL;
}

/* Applies edit op to node j of t; 0 when it does not apply. */
static int edit(hxv **t, size_t j, int op) {
  hxv *parent = NULL;
  size_t idx = 0, jj = j;
  hxv *n = nth(*t, &jj, &parent, &idx);
  if (!n)
    return 0;
  switch (op) {
  case 0: /* drop the member or item */
    if (!parent)
      return 0;
    hxv_remove(parent, idx);
    return 1;
  case 1: /* hoist the first child in place of its container */
    if (!n->nk)
      return 0;
    {
      hxv *k = n->kids[0];
      memmove(n->kids, n->kids + 1, (n->nk - 1) * sizeof *n->kids);
      n->nk--;
      if (n->name)
        hxv_set_name(k, n->name, n->name_len);
      if (parent)
        parent->kids[idx] = k;
      else
        *t = k;
      hxv_free(n);
    }
    return 1;
  case 2: /* empty a container */
    if (!n->nk)
      return 0;
    while (n->nk)
      hxv_remove(n, n->nk - 1);
    return 1;
  case 3:   /* a string: keep its first half */
  case 4: { /* a string: drop its last character */
    if (n->kind != HXV_STR || !n->n)
      return 0;
    size_t cut = hutil_utf8_cut(n->s, n->n, op == 3 ? n->n / 2 : n->n - 1);
    if (cut == n->n)
      return 0;
    n->n = cut;
    n->s[cut] = '\0';
    return 1;
  }
  case 5: /* a string: drop its first character */
    if (n->kind != HXV_STR || !n->n)
      return 0;
    {
      size_t k = 1;
      while (k < n->n && ((unsigned char)n->s[k] & 0xC0) == 0x80)
        k++;
      memmove(n->s, n->s + k, n->n - k + 1);
      n->n -= k;
    }
    return 1;
  case 6: /* a number: 0 */
    if (n->kind != HXV_NUM || (n->n == 1 && n->s[0] == '0'))
      return 0;
    free(n->s);
    n->s = NULL;
    n->n = 0;
    {
      hxv *z = hxv_num("0");
      if (!z)
        return 0;
      n->s = z->s;
      n->n = z->n;
      z->s = NULL;
      hxv_free(z);
    }
    return 1;
  default: return 0;
  }
}

#define N_EDITS 7

static void shrink_structure(shrinker *s) {
  engine *e = s->e;
  hjson_options o = {0};
  o.allow_duplicates = 1;
  const cJSON *j = hjson_parse(e->doc, s->f->body, s->f->len, &o, NULL);
  hxv *best = j ? hxv_from_json(j) : NULL;
  if (!best)
    return;
  hx_style st;
  hbuf b = {0};
  hx_style_compact(&st);
  hx_render(best, &st, &b);
  if (b.nomem || b.n > s->f->len || !still_fails(s, b.p ? b.p : "", b.n)) {
    hbuf_free(&b);
    hxv_free(best);
    return;
  }
  adopt(s->f, b.p ? b.p : "", b.n);
  hbuf_free(&b);
  int progress = 1;
  while (progress && s->budget > 0 && now_s() < s->deadline) {
    progress = 0;
    for (size_t n = 0; n < hxv_count(best) && s->budget > 0; n++) {
      for (int op = 0; op < N_EDITS; op++) {
        hxv *cand = hxv_dup(best);
        if (!cand)
          break;
        if (!edit(&cand, n, op)) {
          hxv_free(cand);
          continue;
        }
        hbuf cb = {0};
        hx_style_compact(&st);
        hx_render(cand, &st, &cb);
        if (!cb.nomem && cb.n < s->f->len && still_fails(s, cb.p ? cb.p : "", cb.n)) {
          adopt(s->f, cb.p ? cb.p : "", cb.n);
          hxv_free(best);
          best = cand;
          progress = 1;
          op = -1; /* the same node again: it may shrink further */
          if (n >= hxv_count(best))
            op = N_EDITS;
        } else {
          hxv_free(cand);
        }
        hbuf_free(&cb);
        if (s->budget <= 0 || now_s() > s->deadline)
          break;
      }
    }
  }
  hxv_free(best);
}

static void shrink_bytes(shrinker *s) {
  for (size_t chunk = s->f->len / 2; chunk >= 1 && s->budget > 0; chunk /= 2) {
    for (size_t off = 0; off < s->f->len && s->budget > 0 && now_s() < s->deadline;) {
      size_t cut = off + chunk > s->f->len ? s->f->len - off : chunk;
      size_t nl = s->f->len - cut;
      char *cand = malloc(nl + 1);
      if (!cand)
        return;
      memcpy(cand, s->f->body, off);
      memcpy(cand + off, s->f->body + off + cut, s->f->len - off - cut);
      cand[nl] = '\0';
      if (still_fails(s, cand, nl))
        adopt(s->f, cand, nl);
      else
        off += chunk;
      free(cand);
    }
    if (now_s() > s->deadline)
      break;
  }
}

static void shrink(engine *e, failure *f) {
  if (!f->shrinkable)
    return;
  shrinker s = {e, f, now_s() + (double)(e->cfg->shrink_ms > 0 ? e->cfg->shrink_ms : 5000) / 1000.0,
                e->cfg->shrink_requests > 0 ? e->cfg->shrink_requests : 600};
  /* the failure must reproduce first (a flaky one is kept as found) */
  if (!still_fails(&s, f->body, f->len))
    return;
  shrink_structure(&s);
  shrink_bytes(&s);
}

/* ---- the run ---- */

/* The run's header lines (cfg->headers, checked as certify checks --header)
 * and its secrets; 0 with err filled. */
static int setup_headers(engine *e, char *err) {
  const hexplore_config *cfg = e->cfg;
  if (cfg->bearer && strlen(cfg->bearer) >= HSANITIZE_MIN_SECRET)
    e->secrets[e->n_secrets++] = cfg->bearer;
  if (cfg->n_headers && !cfg->headers) {
    snprintf(err, HEXPLORE_MSG_MAX, "%zu run headers announced, none given", cfg->n_headers);
    return 0;
  }
  if (cfg->n_headers > HRUN_MAX_RUN_HEADERS) {
    snprintf(err, HEXPLORE_MSG_MAX, "%zu run headers (--header): at most %d", cfg->n_headers,
             HRUN_MAX_RUN_HEADERS);
    return 0;
  }
  for (size_t i = 0; i < cfg->n_headers; i++) {
    const hrun_header *h = &cfg->headers[i];
    if (!h->name || !h->value) {
      snprintf(err, HEXPLORE_MSG_MAX, "run header %zu: no name or no value", i + 1);
      return 0;
    }
    size_t l = strlen(h->name) + strlen(h->value) + 3;
    char *line = malloc(l);
    if (!line) {
      snprintf(err, HEXPLORE_MSG_MAX, "out of memory");
      return 0;
    }
    snprintf(line, l, "%s: %s", h->name, h->value);
    hrun_header_arg a;
    const char *why = NULL;
    int ok = hrun_header_parse(line, &a, &why);
    memset(&a, 0, sizeof a);
    if (ok && h->env && strlen(h->value) < HSANITIZE_MIN_SECRET)
      ok = 0, why = "a value from the environment shorter than 4 bytes cannot be kept secret";
    if (!ok) {
      memset(line, 0, l);
      free(line);
      char name[96]; /* printable, cut; never the value */
      hsanitize_into(name, sizeof name, h->name, strlen(h->name), NULL, 0);
      snprintf(err, HEXPLORE_MSG_MAX, "run header %zu (%s): %s", i + 1, name, why);
      return 0;
    }
    if (!h->value[0]) /* an empty value: "Name:" (hclient sends it empty) */
      snprintf(line, l, "%s:", h->name);
    e->lines[e->n_lines++] = line;
    if (h->env)
      e->secrets[e->n_secrets++] = h->value;
  }
  return 1;
}

static hexplore_kind kind_of(uint64_t seed) {
  hx_rng r;
  hx_seed(&r, seed ^ 0x6b696e64u);
  size_t k = hx_below(&r, 100);
  return k < 45 ? HEXPLORE_VALID : k < 80 ? HEXPLORE_INVALID : HEXPLORE_MUTATED;
}

/* About one valid body in 40 is sent twice (two creates must differ). */
static int pair_of(uint64_t seed) {
  hx_rng r;
  hx_seed(&r, seed ^ 0x70616972u);
  return hx_chance(&r, 25);
}

static void outcome(engine *e, int status, const hjudge_verdict *v) {
  int timeout = 0, transport = 0;
  for (size_t i = 0; i < v->n_checks; i++) {
    timeout |= !strcmp(v->checks[i].name, "timeout") && v->checks[i].status == HSTATUS_FAIL;
    transport |= !strcmp(v->checks[i].name, "transport") && v->checks[i].status == HSTATUS_FAIL;
  }
  if (timeout)
    e->out_timeout++;
  else if (status == 0 || transport)
    e->out_transport++;
  else if (status == 201)
    e->out_201++;
  else if (status == 400)
    e->out_400++;
  else if (status >= 500)
    e->out_5xx++;
  else if (status >= 400)
    e->out_4xx++;
  else
    e->out_other++;
  e->verdicts[v->status]++;
}

static cJSON *section(engine *e, double secs) {
  const hexplore_config *cfg = e->cfg;
  cJSON *x = cJSON_CreateObject();
  cJSON_AddNumberToObject(x, "seed", (double)cfg->seed);
  cJSON_AddNumberToObject(x, "budget", (double)cfg->budget);
  cJSON_AddNumberToObject(x, "sent", (double)e->sent);
  cJSON_AddNumberToObject(x, "shrink_requests", (double)e->shrink_sent);
  cJSON_AddNumberToObject(x, "connections", (double)e->connections);
  cJSON_AddNumberToObject(x, "repeated", (double)e->pairs);
  cJSON_AddNumberToObject(x, "duration_ms", secs * 1000.0);
  cJSON_AddNumberToObject(x, "rate_per_s", secs > 0 ? (double)(long)((double)e->sent / secs) : 0);
  cJSON *k = cJSON_AddObjectToObject(x, "by_kind");
  cJSON_AddNumberToObject(k, "valid", (double)e->by_kind[0]);
  cJSON_AddNumberToObject(k, "invalid", (double)e->by_kind[1]);
  cJSON_AddNumberToObject(k, "mutated", (double)e->by_kind[2]);
  cJSON *o = cJSON_AddObjectToObject(x, "by_outcome");
  cJSON_AddNumberToObject(o, "201", (double)e->out_201);
  cJSON_AddNumberToObject(o, "400", (double)e->out_400);
  cJSON_AddNumberToObject(o, "other-4xx", (double)e->out_4xx);
  cJSON_AddNumberToObject(o, "5xx", (double)e->out_5xx);
  cJSON_AddNumberToObject(o, "timeout", (double)e->out_timeout);
  cJSON_AddNumberToObject(o, "transport", (double)e->out_transport);
  cJSON_AddNumberToObject(o, "other", (double)e->out_other);
  cJSON_AddNumberToObject(o, "not-sent", (double)e->not_sent);
  cJSON *vd = cJSON_AddObjectToObject(x, "verdicts");
  cJSON_AddNumberToObject(vd, "pass", (double)(e->verdicts[HSTATUS_PASS] + e->verdicts[HSTATUS_SKIP]));
  cJSON_AddNumberToObject(vd, "warn", (double)e->verdicts[HSTATUS_WARN]);
  cJSON_AddNumberToObject(vd, "fail", (double)e->verdicts[HSTATUS_FAIL]);
  if (e->stopped)
    cJSON_AddStringToObject(x, "stopped", e->stopped);
  cJSON *rq = cJSON_AddArrayToObject(x, "requirements");
  for (size_t i = 0; i < e->n_reqs; i++) {
    cJSON *r = cJSON_CreateObject();
    const char *klass;
    char title[256];
    hexplore_requirement_info(e->reqs[i].id, &klass, title, sizeof title);
    cJSON_AddStringToObject(r, "id", e->reqs[i].id);
    cJSON_AddStringToObject(r, "class", klass);
    cJSON_AddStringToObject(r, "title", title);
    cJSON_AddStringToObject(r, "status", hstatus_name((hstatus)e->reqs[i].rank));
    cJSON_AddNumberToObject(r, "fail", (double)e->reqs[i].fail);
    cJSON_AddNumberToObject(r, "warn", (double)e->reqs[i].warn);
    cJSON_AddItemToArray(rq, r);
  }
  if (cfg->list_created)
    cJSON_AddItemToObject(x, "created", e->created);
  else
    cJSON_Delete(e->created);
  e->created = NULL;
  cJSON *fl = cJSON_AddArrayToObject(x, "failures");
  for (size_t i = 0; i < e->n_fails; i++) {
    failure *f = &e->fails[i];
    cJSON *j = cJSON_CreateObject();
    char id[64];
    snprintf(id, sizeof id, "explore.%zu", i + 1);
    cJSON_AddStringToObject(j, "case", id);
    cJSON_AddStringToObject(j, "status", "fail");
    cJSON_AddStringToObject(j, "requirement", f->requirement);
    cJSON_AddStringToObject(j, "check", f->check);
    cJSON_AddStringToObject(j, "message", f->message);
    cJSON_AddNumberToObject(j, "count", (double)f->count);
    cJSON_AddNumberToObject(j, "request", (double)f->index);
    cJSON_AddNumberToObject(j, "original_size", (double)f->original);
    cJSON_AddNumberToObject(j, "shrunk_size", (double)f->len);
    cJSON_AddNumberToObject(j, "shrink_requests", (double)f->shrink_requests);
    if (cfg->report_dir)
      hx_write_case(e, f, i + 1, j);
    if (f->evidence) {
      cJSON *ev = cJSON_Duplicate(f->evidence, 1);
      const cJSON *curl = cJSON_GetObjectItemCaseSensitive(j, "curl");
      if (ev && cJSON_IsString(curl))
        cJSON_AddStringToObject(ev, "curl", curl->valuestring);
      cJSON_AddItemToObject(j, "evidence", ev);
    }
    cJSON_AddItemToArray(fl, j);
  }
  return x;
}

cJSON *hexplore_run(const hrules *rules, const hexplore_config *cfg, char *err) {
  engine *e = calloc(1, sizeof *e);
  cJSON *out = NULL;
  if (!e) {
    snprintf(err, HEXPLORE_MSG_MAX, "out of memory");
    return NULL;
  }
  e->cfg = cfg;
  e->rules = rules;
  e->created = cJSON_CreateArray();
  if (!setup_headers(e, err) || !(e->gen = hexplore_gen_new(rules, err)))
    goto done;
  e->oracle = hexplore_oracle_new(rules);
  e->judge = hjudge_new(rules);
  e->doc = hjson_doc_new();
  e->h = curl_easy_init();
  if (!e->oracle || !e->judge || !e->doc || !e->h || !e->created) {
    snprintf(err, HEXPLORE_MSG_MAX, "out of memory");
    goto done;
  }
  char msg[HCLIENT_MSG_MAX];
  if (hclient_setup(e->h, &cfg->client, msg) != 0) {
    snprintf(err, HEXPLORE_MSG_MAX, "libcurl: %s", msg);
    goto done;
  }
  snprintf(e->url, sizeof e->url, "%s%s", cfg->base_url, cfg->path ? cfg->path : HRULES_PATH);
  double t0 = now_s();
  hbuf body = {0};
  for (long i = 0; i < cfg->budget; i++) {
    uint64_t seed = cfg->seed * 0x9e3779b97f4a7c15u + (uint64_t)i;
    hexplore_kind kind = kind_of(seed);
    body.n = 0;
    body.nomem = body.toobig = 0;
    if (!hexplore_generate(e->gen, seed, kind, cfg->max_items, &body)) {
      snprintf(err, HEXPLORE_MSG_MAX, "out of memory generating request %ld", i);
      hbuf_free(&body);
      goto done;
    }
    const char *ct = hexplore_content_type(e->gen, seed);
    hjudge_verdict v, v2, vd;
    int status = 0;
    cJSON *ev = NULL;
    int pair = kind == HEXPLORE_VALID && pair_of(seed);
    send_result sr = pair ? send_pair(e, ct, body.p ? body.p : "", body.n, &v, &v2, &vd, &status, &ev)
                          : send_one(e, ct, body.p ? body.p : "", body.n, &v, &status, &ev, NULL, NULL);
    if (sr != SENT) {
      e->not_sent++;
      continue;
    }
    e->sent++;
    e->by_kind[kind]++;
    outcome(e, status, &v);
    tally(e, &v);
    record(e, &v, i, ct, body.p ? body.p : "", body.n, ev);
    if (pair && v2.n_checks) { /* the second create and the distinct check */
      e->sent++;
      e->pairs++;
      outcome(e, 201, &v2);
      tally(e, &v2);
      tally(e, &vd);
      record(e, &v2, i, ct, body.p ? body.p : "", body.n, ev);
      record(e, &vd, i, ct, body.p ? body.p : "", body.n, ev);
    }
    cJSON_Delete(ev);
    if (cfg->progress && (i + 1) % 500 == 0)
      fprintf(stderr, "\rexplore: %ld/%ld requests, %zu distinct failures   ", i + 1, cfg->budget,
              e->n_fails);
    if (cfg->max_ms > 0 && (now_s() - t0) * 1000.0 > (double)cfg->max_ms) {
      snprintf(e->stop_buf, sizeof e->stop_buf, "stopped: the time limit of %ld ms was reached",
               cfg->max_ms);
      e->stopped = e->stop_buf;
      break;
    }
    if (e->consecutive_timeouts >= STOP_TIMEOUTS) {
      e->stopped = "stopped: 3 requests in a row timed out";
      break;
    }
    if (e->consecutive_unreachable >= STOP_UNREACHABLE) {
      e->stopped = "stopped: the target could no longer be reached";
      break;
    }
  }
  hbuf_free(&body);
  if (cfg->progress && cfg->budget >= 500)
    fprintf(stderr, "\n");
  double t1 = now_s();
  for (size_t i = 0; i < e->n_fails; i++)
    shrink(e, &e->fails[i]);
  out = section(e, t1 - t0);
  cJSON_AddNumberToObject(out, "shrink_ms", (now_s() - t1) * 1000.0);
done:
  for (size_t i = 0; i < e->n_fails; i++) {
    free(e->fails[i].body);
    cJSON_Delete(e->fails[i].evidence);
    cJSON_Delete(e->fails[i].evidence_pending);
  }
  cJSON_Delete(e->created);
  for (size_t i = 0; i < e->n_lines; i++) {
    memset(e->lines[i], 0, strlen(e->lines[i]));
    free(e->lines[i]);
  }
  if (e->h)
    hclient_cleanup(e->h);
  hjson_doc_free(e->doc);
  hjudge_free(e->judge);
  hexplore_oracle_free(e->oracle);
  hexplore_gen_free(e->gen);
  free(e);
  return out;
}
