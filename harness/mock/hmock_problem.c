/* hmock_problem: the mock's ProblemDetails answers (RFC 9457): type, title,
 * status and detail, and for a 400 the errors grouped by instance pointer
 * ({"<pointer, "$" for the root>": [message, ...]}).  The Content-Type is the
 * one the spec documents for the status (hmock_problem_media), and the body
 * follows the schema it documents: a member it does not allow (in a closed
 * object) is left out, a required member the mock does not know is generated.  The faults
 * that break a 400's body live here: problem-status-mismatch,
 * problem-not-json, two-errors-invalid-json, unescaped-detail. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock/hmock_int.h"
#include "util/hutil.h"

static const char *problem_type(int status) {
  switch (status) {
  case 400: return "https://tools.ietf.org/html/rfc9110#section-15.5.1";
  case 401: return "https://tools.ietf.org/html/rfc9110#section-15.5.2";
  case 404: return "https://tools.ietf.org/html/rfc9110#section-15.5.5";
  case 405: return "https://tools.ietf.org/html/rfc9110#section-15.5.6";
  case 409: return "https://tools.ietf.org/html/rfc9110#section-15.5.10";
  case 413: return "https://tools.ietf.org/html/rfc9110#section-15.5.14";
  case 415: return "https://tools.ietf.org/html/rfc9110#section-15.5.16";
  case 431: return "https://www.rfc-editor.org/rfc/rfc6585#section-5";
  case 501: return "https://tools.ietf.org/html/rfc9110#section-15.6.2";
  case 503: return "https://tools.ietf.org/html/rfc9110#section-15.6.4";
  default: return "https://tools.ietf.org/html/rfc9110#section-15.6.1";
  }
}

void hmock_problem_500(const hmock *m, hmock_response *out) {
  static const char text[] = "{\"status\":500,\"title\":\"Internal Server Error\"}";
  hmock_response_clear(out);
  out->status = 500;
  out->content_type = hmock_problem_media(m, 500);
  out->body = malloc(sizeof text - 1);
  if (out->body) {
    memcpy(out->body, text, sizeof text - 1);
    out->body_len = sizeof text - 1;
  }
}

/* A ProblemDetails being written: the members the spec's schema for the
 * status allows (all of them when it documents none or leaves the object
 * open), then its required members the mock does not know, generated. */
typedef struct {
  const hmock *m;
  hbuf b;
  int status, first;
  const hcview *v; /* the documented schema's view, NULL: none */
  hcview scratch;
} pd;

static int allowed(const pd *p, const char *name) {
  if (!p->v || !p->v->additional_false)
    return 1;
  for (size_t i = 0; i < p->v->n_props; i++)
    if (!strcmp(p->v->props[i].name, name))
      return 1;
  return 0;
}

/* Writes the key of a member when the schema allows it; 0 when it does not. */
static int key(pd *p, const char *name) {
  if (!allowed(p, name))
    return 0;
  hmock_json_key(&p->b, &p->first, name, strlen(name));
  return 1;
}

/* Opens a ProblemDetails (detail NULL: the caller writes it); the caller may
 * add "errors" (key(p, "errors")) and must close it with finish. */
static void begin(pd *p, const hmock *m, int status, const char *detail) {
  memset(p, 0, sizeof *p);
  p->m = m;
  p->b.limit = hmock_body_cap(m);
  p->status = status;
  p->first = 1;
  const cJSON *schema = hmock_problem_schema(m, status);
  p->v = schema ? hmock_view_get(m, schema, &p->scratch) : NULL;
  int body_status = status;
  if (status == 400 && hmock_has(m, HMOCK_FAULT_PROBLEM_STATUS_MISMATCH))
    body_status = 422;
  hbuf_add(&p->b, "{", 1);
  if (key(p, "type"))
    hmock_json_cstr(&p->b, problem_type(status));
  if (key(p, "title"))
    /* ASP.NET Core's title for its validation problems; else the reason */
    hmock_json_cstr(&p->b, status == 400 ? "One or more validation errors occurred."
                                         : MHD_get_reason_phrase_for((unsigned)status));
  if (key(p, "status"))
    hmock_json_int(&p->b, body_status);
  if (detail && key(p, "detail"))
    hmock_json_cstr(&p->b, detail);
}

static void finish(pd *p, hmock_response *out) {
  static const char *const written[] = {"type", "title", "status", "detail", "errors"};
  for (size_t i = 0; p->v && i < p->v->n_props; i++) {
    const char *name = p->v->props[i].name;
    size_t k = 0;
    while (k < sizeof written / sizeof written[0] && strcmp(written[k], name) != 0)
      k++;
    if (k < sizeof written / sizeof written[0] || !p->v->props[i].required)
      continue;
    hmock_json_key(&p->b, &p->first, name, strlen(name));
    hmock_generate(p->m, p->v->props[i].schema, &p->b);
  }
  hbuf *b = &p->b;
  const hmock *m = p->m;
  int status = p->status;
  hbuf_add(b, "}", 1);
  if (b->toobig || b->nomem) {
    hbuf_free(b);
    hmock_problem_500(m, out);
    return;
  }
  out->status = status;
  out->content_type = hmock_problem_media(m, status);
  if (status == 400 && hmock_has(m, HMOCK_FAULT_PROBLEM_NOT_JSON)) {
    /* the fault: the same Content-Type over a body that is not JSON */
    b->n = 0;
    hbuf_puts(b, "Bad Request: the request body is invalid");
    if (b->nomem) {
      hbuf_free(b);
      hmock_problem_500(m, out);
      return;
    }
  }
  out->body = b->p;
  out->body_len = b->n;
}

void hmock_problem(const hmock *m, int status, const char *detail, hmock_response *out) {
  memset(out, 0, sizeof *out);
  pd p;
  begin(&p, m, status, detail);
  finish(&p, out);
}

void hmock_problem_auth(const hmock *m, int wrong, hmock_response *out) {
  hmock_problem(
      m, 401,
      wrong ? "the bearer token is not valid" : "an Authorization: Bearer token is required", out);
  out->www_authenticate = wrong ? "Bearer realm=\"apiharness\", error=\"invalid_token\""
                                : "Bearer realm=\"apiharness\"";
}

/* "errors":{"<pointer>":[msg]}, when the schema allows errors */
static void one_error(pd *p, const char *pointer, const char *msg) {
  if (!key(p, "errors"))
    return;
  int first = 1;
  hbuf_add(&p->b, "{", 1);
  hmock_json_key(&p->b, &first, pointer[0] ? pointer : "$", pointer[0] ? strlen(pointer) : 1);
  hbuf_add(&p->b, "[", 1);
  hmock_json_cstr(&p->b, msg);
  hbuf_add(&p->b, "]}", 2);
}

void hmock_problem_one(const hmock *m, const char *detail, const char *pointer, const char *msg,
                       hmock_response *out) {
  memset(out, 0, sizeof *out);
  pd p;
  begin(&p, m, 400, detail);
  one_error(&p, pointer, msg);
  finish(&p, out);
}

void hmock_problem_parse(const hmock *m, const hjson_error *e, hmock_response *out) {
  memset(out, 0, sizeof *out);
  char msg[HJSON_POINTER_MAX + 256];
  snprintf(msg, sizeof msg, "the request body is not valid JSON: %s at byte %zu (%s)",
           e->msg ? e->msg : hjson_code_name(e->code), e->offset, e->pointer[0] ? e->pointer : "$");
  pd p;
  begin(&p, m, 400, msg);
  char item[256];
  snprintf(item, sizeof item, "%s (%s) at byte %zu", e->msg ? e->msg : "invalid JSON",
           hjson_code_name(e->code), e->offset);
  one_error(&p, e->pointer, item);
  finish(&p, out);
}

static int instance_seen_before(const hschema_result *r, size_t upto, const char *inst,
                                const unsigned char *keep) {
  for (size_t j = 0; j < upto; j++) {
    const hschema_violation *o = hschema_result_at(r, j);
    if (keep[j] && !strcmp(o->instance ? o->instance : "", inst))
      return 1;
  }
  return 0;
}

/* The string value a violation is about, NULL when it is not a string. */
static const char *violated_string(const cJSON *root, const hschema_violation *v, size_t *len) {
  const char *at = v->instance ? v->instance : "";
  return hjson_string(hjson_pointer_get(root, at, strlen(at), NULL), len);
}

void hmock_problem_violations(const hmock *m, const cJSON *root, const hschema_result *r,
                              const unsigned char *keep, size_t failures, hmock_response *out) {
  memset(out, 0, sizeof *out);
  size_t n = hschema_result_count(r);
  char detail[160];
  size_t total = failures + (hschema_result_errors(r) - hschema_result_count(r));
  snprintf(detail, sizeof detail, "the request body breaks %zu rule%s of the spec", total,
           total == 1 ? "" : "s");
  const char *raw = NULL;
  size_t raw_len = 0;
  for (size_t i = 0; i < n && hmock_has(m, HMOCK_FAULT_UNESCAPED_DETAIL) && !raw; i++)
    if (keep[i])
      raw = violated_string(root, hschema_result_at(r, i), &raw_len);
  pd p;
  begin(&p, m, 400, raw ? NULL : detail);
  hbuf *b = &p.b;
  if (raw && key(&p, "detail")) {
    /* the fault: detail = "invalid value '" + value + "'", pasted into the
     * JSON text without escaping */
    hbuf_puts(b, "\"invalid value '");
    hbuf_add(b, raw, raw_len);
    hbuf_puts(b, "'\"");
  }
  if (!key(&p, "errors")) {
    finish(&p, out);
    return;
  }
  hbuf_add(b, "{", 1);
  int first = 1;
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *v = hschema_result_at(r, i);
    const char *inst = v->instance ? v->instance : "";
    if (!keep[i] || instance_seen_before(r, i, inst, keep))
      continue;
    if (hmock_has(m, HMOCK_FAULT_TWO_ERRORS_INVALID_JSON) && !first)
      first = 1; /* the fault: the separator written only after the first member */
    hmock_json_key(b, &first, inst[0] ? inst : "$", inst[0] ? strlen(inst) : 1);
    hbuf_add(b, "[", 1);
    int first_msg = 1;
    for (size_t j = i; j < n; j++) {
      const hschema_violation *o = hschema_result_at(r, j);
      if (!keep[j] || strcmp(o->instance ? o->instance : "", inst) != 0)
        continue;
      if (!first_msg)
        hbuf_add(b, ",", 1);
      first_msg = 0;
      char msg[HSCHEMA_MSG_MAX + 512];
      const char *rule = hrules_violation_rule(m->rules, o);
      int mn = snprintf(msg, sizeof msg, "%s (%s%s%s at %s)", o->message ? o->message : "invalid",
                        rule ? rule : "", rule ? ": " : "", o->keyword ? o->keyword : "?",
                        o->schema ? o->schema : "?");
      /* schema locations keep non-ASCII member names raw: a cut message never
       * ends inside a UTF-8 sequence */
      size_t ml = mn < 0 ? 0 : (size_t)mn;
      if (ml >= sizeof msg) /* cut by snprintf: keep whole characters before its end */
        ml = hutil_utf8_cut(msg, sizeof msg - 1, sizeof msg - 5);
      hmock_json_str(b, msg, ml);
    }
    hbuf_add(b, "]", 1);
  }
  hbuf_add(b, "}", 1);
  finish(&p, out);
}
