/* hmock: the request logic (no sockets).  The libmicrohttpd glue is in
 * hmock_server.c; both share struct hmock through hmock_impl.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "mock/hmock_impl.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "json/hjson.h"

#define MOCK_IDENTITY_ID "USR-0000-0001"
#define MOCK_IDENTITY_NAME "apiharness mock"
#define MOCK_ACCOUNT_NAME "apiharness mock account"
#define MOCK_STATUS "Active"
#define MOCK_TOKEN_BYTES 32
#define SCHEMA_WALK_DEPTH 16

/* ---------------------------------------------------------------- utilities */

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
static int fill_random(void *buf, size_t n) {
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

/* Constant time in the length of the expected value: every byte of `want` is
 * visited whatever `got` holds, and the lengths are folded into the result. */
static int secret_equal(const char *got, size_t got_len, const char *want, size_t want_len) {
  unsigned diff = (unsigned)(got_len != want_len);
  for (size_t i = 0; i < want_len; i++) {
    unsigned char g = got_len ? (unsigned char)got[i % got_len] : 0;
    diff |= (unsigned)(g ^ (unsigned char)want[i]);
  }
  return diff == 0;
}

/* ------------------------------------------------------------- JSON writer */
/* A growable buffer with a hard cap; strings are written from their true bytes
 * (hjson_string lengths), so \u0000 and non-ASCII survive the echo. */

typedef struct {
  char *buf;
  size_t len, cap, max;
  int failed;
} jw;

static void jw_raw(jw *w, const char *s, size_t n) {
  if (w->failed)
    return;
  if (n > w->max - w->len) {
    w->failed = 1;
    return;
  }
  if (w->len + n > w->cap) {
    size_t cap = w->cap ? w->cap : 1024;
    while (cap < w->len + n)
      cap *= 2;
    if (cap > w->max)
      cap = w->max;
    char *nb = realloc(w->buf, cap);
    if (!nb) {
      w->failed = 1;
      return;
    }
    w->buf = nb;
    w->cap = cap;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
}

static void jw_lit(jw *w, const char *s) { jw_raw(w, s, strlen(s)); }

static void jw_str(jw *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  jw_raw(w, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    jw_raw(w, s + run, i - run);
    run = i + 1;
    char esc[6];
    switch (c) {
    case '"': jw_raw(w, "\\\"", 2); break;
    case '\\': jw_raw(w, "\\\\", 2); break;
    case '\n': jw_raw(w, "\\n", 2); break;
    case '\r': jw_raw(w, "\\r", 2); break;
    case '\t': jw_raw(w, "\\t", 2); break;
    case '\b': jw_raw(w, "\\b", 2); break;
    case '\f': jw_raw(w, "\\f", 2); break;
    default:
      memcpy(esc, "\\u00", 4);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      jw_raw(w, esc, 6);
    }
  }
  jw_raw(w, s + run, n - run);
  jw_raw(w, "\"", 1);
}

static void jw_cstr(jw *w, const char *s) { jw_str(w, s, strlen(s)); }

/* ',"key":' (or '"key":' for the first member of an object). */
static void jw_key(jw *w, int *first, const char *key) {
  if (!*first)
    jw_raw(w, ",", 1);
  *first = 0;
  jw_cstr(w, key);
  jw_raw(w, ":", 1);
}

static void jw_int(jw *w, long v) {
  char num[32];
  int n = snprintf(num, sizeof num, "%ld", v);
  jw_raw(w, num, (size_t)n);
}

/* ------------------------------------------------- values from the spec itself */

static const cJSON *schema_deref(const hspec *spec, const cJSON *s) {
  for (int i = 0; s && i < SCHEMA_WALK_DEPTH; i++) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
    if (!cJSON_IsString(ref))
      return s;
    s = hspec_resolve(spec, ref->valuestring, NULL);
  }
  return s;
}

/* The schema of property `name` in `s`, looking through $ref and allOf. */
static const cJSON *schema_property(const hspec *spec, const cJSON *s, const char *name,
                                    int depth) {
  s = schema_deref(spec, s);
  if (!s || depth > SCHEMA_WALK_DEPTH)
    return NULL;
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(props, name);
  if (p)
    return p;
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
  const cJSON *it;
  cJSON_ArrayForEach(it, all) {
    if ((p = schema_property(spec, it, name, depth + 1)))
      return p;
  }
  return NULL;
}

/* The first string of an enum reachable from `s` through $ref and allOf. */
static const char *schema_first_enum(const hspec *spec, const cJSON *s, int depth) {
  s = schema_deref(spec, s);
  if (!s || depth > SCHEMA_WALK_DEPTH)
    return NULL;
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
  const cJSON *it;
  cJSON_ArrayForEach(it, e) {
    if (cJSON_IsString(it))
      return it->valuestring;
  }
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
  cJSON_ArrayForEach(it, all) {
    const char *v = schema_first_enum(spec, it, depth + 1);
    if (v)
      return v;
  }
  return NULL;
}

/* account.type and account.status of the 201: the first value each enum of the
 * documented ApiToken schema allows (absent from the body when the spec has
 * none: both are optional there). */
static void pick_account_enums(hmock *m) {
  const hspec_response *resp = hspec_response_for(hrules_operation(m->rules), 201);
  if (!resp)
    return;
  for (size_t i = 0; i < resp->n_media; i++) {
    const cJSON *token = resp->media[i].schema;
    const cJSON *account = schema_property(m->spec, token, "account", 0);
    if (!account)
      continue;
    m->account_type = schema_first_enum(m->spec, schema_property(m->spec, account, "type", 0), 0);
    m->account_status =
        schema_first_enum(m->spec, schema_property(m->spec, account, "status", 0), 0);
    return;
  }
}

/* ------------------------------------------------------------ worker pool */

static hmock_worker *worker_get(hmock *m) {
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
static void worker_put(hmock *m, hmock_worker *w, size_t body_len) {
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

/* ------------------------------------------------------- ProblemDetails */

static const char *problem_type(int status) {
  switch (status) {
  case 400: return "https://tools.ietf.org/html/rfc9110#section-15.5.1";
  case 401: return "https://tools.ietf.org/html/rfc9110#section-15.5.2";
  case 404: return "https://tools.ietf.org/html/rfc9110#section-15.5.5";
  case 405: return "https://tools.ietf.org/html/rfc9110#section-15.5.6";
  case 409: return "https://tools.ietf.org/html/rfc9110#section-15.5.10";
  case 413: return "https://tools.ietf.org/html/rfc9110#section-15.5.14";
  case 415: return "https://tools.ietf.org/html/rfc9110#section-15.5.16";
  case 501: return "https://tools.ietf.org/html/rfc9110#section-15.6.2";
  case 503: return "https://tools.ietf.org/html/rfc9110#section-15.6.4";
  default: return "https://tools.ietf.org/html/rfc9110#section-15.6.1";
  }
}

static const char *status_title(int status) {
  switch (status) {
  case 400: return "One or more validation errors occurred.";
  case 401: return "Unauthorized";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  default: return "Internal Server Error";
  }
}

static size_t body_cap(const hmock *m) { return 4 * m->max_body + 65536; }

static void fill_plain_500(const hmock *m, hmock_response *out) {
  static const char text[] = "{\"status\":500,\"title\":\"Internal Server Error\"}";
  hmock_response_clear(out);
  out->status = 500;
  out->content_type = m->problem_ct;
  out->body = malloc(sizeof text - 1);
  if (out->body) {
    memcpy(out->body, text, sizeof text - 1);
    out->body_len = sizeof text - 1;
  }
}

/* Opens a ProblemDetails; the caller may add "errors" and must close it with
 * problem_finish. */
static void problem_begin(const hmock *m, jw *w, int status, const char *detail) {
  int first = 1;
  int body_status = status;
  if (status == 400 && hmock_has(m, HMOCK_FAULT_PROBLEM_STATUS_MISMATCH))
    body_status = 422;
  jw_raw(w, "{", 1);
  jw_key(w, &first, "type");
  jw_cstr(w, problem_type(status));
  jw_key(w, &first, "title");
  jw_cstr(w, status_title(status));
  jw_key(w, &first, "status");
  jw_int(w, body_status);
  jw_key(w, &first, "detail");
  jw_cstr(w, detail);
}

static void problem_finish(const hmock *m, jw *w, int status, hmock_response *out) {
  jw_raw(w, "}", 1);
  if (w->failed) {
    free(w->buf);
    fill_plain_500(m, out);
    return;
  }
  out->status = status;
  out->content_type = m->problem_ct;
  if (status == 400 && hmock_has(m, HMOCK_FAULT_PROBLEM_NOT_JSON)) {
    /* The fault: the same Content-Type over a body that is not JSON. */
    static const char text[] = "Bad Request: the request body is invalid";
    free(w->buf);
    w->buf = malloc(sizeof text - 1);
    if (!w->buf) {
      fill_plain_500(m, out);
      return;
    }
    memcpy(w->buf, text, sizeof text - 1);
    w->len = sizeof text - 1;
  }
  out->body = w->buf;
  out->body_len = w->len;
}

static void problem_simple(const hmock *m, int status, const char *detail, hmock_response *out) {
  jw w = {.max = body_cap(m)};
  problem_begin(m, &w, status, detail);
  problem_finish(m, &w, status, out);
}

void hmock_problem(const hmock *m, int status, const char *detail, hmock_response *out) {
  memset(out, 0, sizeof *out);
  problem_simple(m, status, detail, out);
}

/* A 400 with one error: {"errors": {pointer: [message]}}. */
static void problem_one(const hmock *m, const char *detail, const char *pointer, const char *msg,
                        hmock_response *out) {
  jw w = {.max = body_cap(m)};
  problem_begin(m, &w, 400, detail);
  int first = 1;
  jw_lit(&w, ",\"errors\":{");
  jw_key(&w, &first, pointer[0] ? pointer : "$");
  jw_raw(&w, "[", 1);
  jw_cstr(&w, msg);
  jw_raw(&w, "]}", 2);
  problem_finish(m, &w, 400, out);
}

/* ---------------------------------------------------------------- precheck */

static void problem_auth(const hmock *m, int wrong, hmock_response *out) {
  problem_simple(
      m, 401,
      wrong ? "the bearer token is not valid" : "an Authorization: Bearer token is required", out);
  out->www_authenticate = wrong ? "Bearer realm=\"apiharness\", error=\"invalid_token\""
                                : "Bearer realm=\"apiharness\"";
}

/* 1 when the Authorization value carries the configured bearer token.  The
 * scheme is case-insensitive (RFC 9110 11.1); the credentials are compared
 * whole, in constant time over the token's length.  The auth-* faults are the
 * ordinary ways this comparison goes wrong. */
static int auth_ok(const hmock *m, const char *value, int *wrong) {
  *wrong = 0;
  if (!value)
    return 0;
  *wrong = 1;
  size_t scheme = strlen("Bearer");
  const char *tok;
  if (hmock_has(m, HMOCK_FAULT_AUTH_ANY_SCHEME)) {
    /* the fault: whatever the scheme, the credentials after it */
    tok = value + strcspn(value, " \t");
  } else {
    int same = hmock_has(m, HMOCK_FAULT_AUTH_SCHEME_CASE) ? strncmp(value, "Bearer", scheme) == 0
                                                         : strncasecmp(value, "Bearer", scheme) == 0;
    if (!same)
      return 0;
    if (value[scheme] == '\0' && hmock_has(m, HMOCK_FAULT_AUTH_EMPTY_BEARER))
      return 1; /* the fault: "Bearer" alone passes */
    if (value[scheme] != ' ' && value[scheme] != '\t')
      return 0;
    tok = value + scheme;
  }
  while (*tok == ' ' || *tok == '\t')
    tok++;
  size_t len = strlen(tok);
  while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
    len--;
  if (len == 0 && hmock_has(m, HMOCK_FAULT_AUTH_EMPTY_BEARER))
    return 1;
  if (hmock_has(m, HMOCK_FAULT_AUTH_PREFIX_ONLY)) {
    size_t n = m->token_len < 8 ? m->token_len : 8;
    return len >= n && memcmp(tok, m->token, n) == 0;
  }
  if (hmock_has(m, HMOCK_FAULT_AUTH_LENGTH_ONLY))
    return len == m->token_len;
  if (hmock_has(m, HMOCK_FAULT_AUTH_CASE_INSENSITIVE))
    return len == m->token_len && strncasecmp(tok, m->token, len) == 0;
  return secret_equal(tok, len, m->token, m->token_len);
}

int hmock_precheck(hmock *m, const hmock_request *req, hmock_response *out) {
  memset(out, 0, sizeof *out);
  const hspec_operation *op = hrules_operation(m->rules);
  if (!req->path || strcmp(req->path, op->path) != 0) {
    problem_simple(m, 404, "no such resource", out);
    return 1;
  }
  if (!req->method || strcmp(req->method, m->method_upper) != 0) { /* methods are case-sensitive */
    char detail[128];
    snprintf(detail, sizeof detail, "this resource allows %s", m->allow);
    problem_simple(m, 405, detail, out);
    out->allow = m->allow;
    return 1;
  }
  if (m->token && !hmock_has(m, HMOCK_FAULT_IGNORE_AUTH)) {
    int wrong;
    const char *value = req->authorization;
    if (req->authorization_count > 1) {
      if (hmock_has(m, HMOCK_FAULT_AUTH_LAST_HEADER_WINS)) {
        value = req->authorization_last;
      } else {
        /* a singleton field sent twice: which one counts is undefined */
        char detail[128];
        snprintf(detail, sizeof detail, "the Authorization header is sent %u times; send it once",
                 req->authorization_count);
        problem_one(m, detail, "$", "Authorization must be sent once", out);
        return 1;
      }
    }
    if (!auth_ok(m, value, &wrong)) {
      problem_auth(m, wrong, out);
      return 1;
    }
  }
  if (req->body_too_large) {
    if (hmock_has(m, HMOCK_FAULT_HANG_LARGE_BODY))
      return 1; /* status 0: never answered */
    char detail[128];
    snprintf(detail, sizeof detail, "the request body is over the limit of %zu bytes", m->max_body);
    problem_simple(m, 413, detail, out);
    return 1;
  }
  const hspec_media *media = NULL;
  const hschema *schema = req->content_type && *req->content_type
                              ? hrules_request_schema(m->rules, req->content_type, &media)
                              : NULL;
  if (schema && media && hmock_has(m, HMOCK_FAULT_REJECT_TEXT_JSON) &&
      !strcasecmp(media->media_type, "text/json"))
    schema = NULL;
  if (schema && hmock_has(m, HMOCK_FAULT_CHARSET_EXACT)) {
    /* the fault: parameters compared as a string against the one spelling the
     * developer tried */
    const char *params = strchr(req->content_type, ';');
    if (params && strcmp(params, "; charset=utf-8") != 0)
      schema = NULL;
  }
  if (!schema) {
    char detail[512];
    snprintf(detail, sizeof detail, "%s; the documented request media types are %s",
             req->content_type && *req->content_type ? "unsupported Content-Type"
                                                     : "the Content-Type header is missing",
             m->media_list);
    problem_simple(m, 415, detail, out);
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- 400 */

static void problem_parse(const hmock *m, const hjson_error *e, hmock_response *out) {
  jw w = {.max = body_cap(m)};
  char msg[HJSON_POINTER_MAX + 256];
  snprintf(msg, sizeof msg, "the request body is not valid JSON: %s at byte %zu (%s)",
           e->msg ? e->msg : hjson_code_name(e->code), e->offset, e->pointer[0] ? e->pointer : "$");
  problem_begin(m, &w, 400, msg);
  int first = 1;
  jw_lit(&w, ",\"errors\":{");
  jw_key(&w, &first, e->pointer[0] ? e->pointer : "$");
  char item[256];
  snprintf(item, sizeof item, "%s (%s) at byte %zu", e->msg ? e->msg : "invalid JSON",
           hjson_code_name(e->code), e->offset);
  jw_raw(&w, "[", 1);
  jw_cstr(&w, item);
  jw_raw(&w, "]}", 2);
  problem_finish(m, &w, 400, out);
}

/* The index of an array item the pointer is in: "/modules/3/id" -> 3 for
 * "/modules/"; -1 when the pointer is not inside an item of that array. */
static long item_index(const char *at, const char *array) {
  size_t n = strlen(array);
  if (strncmp(at, array, n) != 0 || at[n] < '0' || at[n] > '9')
    return -1;
  char *end = NULL;
  long i = strtol(at + n, &end, 10);
  return *end == '\0' || *end == '/' ? i : -1;
}

/* A violation the active faults let through. */
static int excused(const hmock *m, const cJSON *root, const hschema_violation *v) {
  const char *rule = hrules_violation_rule(m->rules, v);
  const char *kw = v->keyword ? v->keyword : "";
  const char *at = v->instance ? v->instance : "";
  /* the fault: `validate(body.modules[0])`, the other items never looked at */
  if (hmock_has(m, HMOCK_FAULT_ITEM_RULES_FIRST_ONLY) && !rule &&
      (item_index(at, "/modules/") > 0 || item_index(at, "/extensions/") > 0))
    return 1;
  /* the fault: a deserializer drops null members before the unknown-member check */
  if (hmock_has(m, HMOCK_FAULT_UNDECLARED_NULL_IGNORED) && !strcmp(kw, "additionalProperties") &&
      cJSON_IsNull(hjson_pointer_get(root, at, strlen(at), NULL)))
    return 1;
  if (hmock_has(m, HMOCK_FAULT_ACCEPT_BAD_ACCOUNT_ID) && !rule && !strcmp(at, "/account/id") &&
      !strcmp(kw, "pattern"))
    return 1;
  if (hmock_has(m, HMOCK_FAULT_ACCEPT_BAD_MODULE_ID) && !rule && !strcmp(kw, "pattern") &&
      !strncmp(at, "/modules/", 9)) {
    const char *p = at + 9;
    while (*p >= '0' && *p <= '9')
      p++;
    if (p > at + 9 && !strcmp(p, "/id"))
      return 1;
  }
  if (hmock_has(m, HMOCK_FAULT_ACCEPT_EMPTY_MODULES) && rule &&
      !strcmp(rule, "prose.modules-required") && !strcmp(kw, "minItems"))
    return 1;
  if (hmock_has(m, HMOCK_FAULT_ACCEPT_MISSING_NAME) && rule && !strcmp(rule, "prose.name-required"))
    return 1;
  /* the validator reports an undeclared member at its own pointer ("/owner") */
  if (hmock_has(m, HMOCK_FAULT_ACCEPT_UNKNOWN_PROPERTY) && !rule &&
      !strcmp(kw, "additionalProperties") && (!at[0] || (at[0] == '/' && !strchr(at + 1, '/'))))
    return 1;
  return 0;
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

/* 400 with errors grouped by instance pointer, in order of first appearance. */
static void problem_violations(const hmock *m, const cJSON *root, const hschema_result *r,
                               const unsigned char *keep, size_t failures, hmock_response *out) {
  jw w = {.max = body_cap(m)};
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
  if (raw) {
    /* the fault: detail = "invalid value '" + value + "'", pasted into the
     * JSON text without escaping */
    int first = 1;
    jw_raw(&w, "{", 1);
    jw_key(&w, &first, "type");
    jw_cstr(&w, problem_type(400));
    jw_key(&w, &first, "title");
    jw_cstr(&w, status_title(400));
    jw_key(&w, &first, "status");
    jw_int(&w, 400);
    jw_key(&w, &first, "detail");
    jw_lit(&w, "\"invalid value '");
    jw_raw(&w, raw, raw_len);
    jw_lit(&w, "'\"");
  } else {
    problem_begin(m, &w, 400, detail);
  }
  jw_lit(&w, ",\"errors\":{");
  int first = 1;
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *v = hschema_result_at(r, i);
    const char *inst = v->instance ? v->instance : "";
    if (!keep[i] || instance_seen_before(r, i, inst, keep))
      continue;
    if (hmock_has(m, HMOCK_FAULT_TWO_ERRORS_INVALID_JSON) && !first)
      first = 1; /* the fault: the separator written only after the first member */
    jw_key(&w, &first, inst[0] ? inst : "$");
    jw_raw(&w, "[", 1);
    int first_msg = 1;
    for (size_t j = i; j < n; j++) {
      const hschema_violation *o = hschema_result_at(r, j);
      if (!keep[j] || strcmp(o->instance ? o->instance : "", inst) != 0)
        continue;
      if (!first_msg)
        jw_raw(&w, ",", 1);
      first_msg = 0;
      char msg[HSCHEMA_MSG_MAX + 512];
      const char *rule = hrules_violation_rule(m->rules, o);
      int mn = snprintf(msg, sizeof msg, "%s (%s%s%s at %s)", o->message ? o->message : "invalid",
                        rule ? rule : "", rule ? ": " : "", o->keyword ? o->keyword : "?",
                        o->schema ? o->schema : "?");
      if (mn >= (int)sizeof msg) {
        /* cut: schema locations keep non-ASCII member names raw, so never end
         * the JSON string in half a UTF-8 sequence */
        size_t ml = sizeof msg - 1;
        while (ml > 0 && ((unsigned char)msg[ml - 1] & 0xC0) == 0x80)
          ml--;
        if (ml > 0 && ((unsigned char)msg[ml - 1] & 0xC0) == 0xC0)
          ml--;
        msg[ml] = '\0';
      }
      jw_cstr(&w, msg);
    }
    jw_raw(&w, "]", 1);
  }
  jw_raw(&w, "}", 1);
  problem_finish(m, &w, 400, out);
}

/* ---------------------------------------------------------------- 201 */

/* Bytes of the UTF-8 sequence led by c (the reader only lets valid UTF-8 in). */
static size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* A request string as this server stores and echoes it: exactly, unless an
 * echo fault is on (each is the way a storage layer commonly mangles text). */
static void jw_echo(const hmock *m, jw *w, const char *s, size_t len, int is_name) {
  if (hmock_has(m, HMOCK_FAULT_NUL_TRUNCATES)) { /* a C string */
    const char *z = memchr(s, 0, len);
    if (z)
      len = (size_t)(z - s);
  }
  if (is_name && hmock_has(m, HMOCK_FAULT_NAME_TRIMMED)) { /* name.Trim() */
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
      s++;
      len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                       s[len - 1] == '\r'))
      len--;
  }
  if (is_name && hmock_has(m, HMOCK_FAULT_NAME_TRUNCATED_255)) { /* a VARCHAR(255) column */
    size_t chars = 0, i = 0;
    while (i < len && chars < 255) {
      i += utf8_len((unsigned char)s[i]);
      chars++;
    }
    len = i < len ? i : len;
  }
  int ascii = hmock_has(m, HMOCK_FAULT_NON_ASCII_AS_QUESTION); /* an ASCII encoder, '?' for the rest */
  int bmp = hmock_has(m, HMOCK_FAULT_NON_BMP_REPLACED);         /* UCS-2 / utf8mb3 storage */
  if (!ascii && !bmp) {
    jw_str(w, s, len);
    return;
  }
  char *t = malloc(len + 1);
  if (!t) {
    w->failed = 1;
    return;
  }
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    size_t k = utf8_len((unsigned char)s[i]);
    if (k > len - i)
      k = len - i;
    if (k > 1 && ascii) {
      t[o++] = '?';
    } else if (k == 4 && bmp) {
      memcpy(t + o, "\xEF\xBF\xBD", 3); /* U+FFFD */
      o += 3;
    } else {
      memcpy(t + o, s + i, k);
      o += k;
    }
    i += k;
  }
  jw_str(w, t, o);
  free(t);
}

static void echo_string_or_null(const hmock *m, jw *w, int *first, const cJSON *root,
                                const char *name) {
  const cJSON *v = hjson_get(root, name, strlen(name));
  size_t len;
  const char *s;
  if (!v)
    return;
  if (cJSON_IsNull(v)) {
    jw_key(w, first, name);
    jw_lit(w, "null");
  } else if ((s = hjson_string(v, &len))) {
    jw_key(w, first, name);
    jw_echo(m, w, s, len, 0);
  }
}

static uint64_t fnv1a(const void *p, size_t n, uint64_t h) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
#define FNV_BASIS 0xcbf29ce484222325ULL

/* 1 when the id was already in the set (an open-addressing table of hashes). */
static int seen_before(uint64_t *set, size_t cap, const char *id, size_t len) {
  uint64_t h = fnv1a(id, len, FNV_BASIS) | 1;
  for (size_t i = (size_t)(h % cap);; i = (i + 1) % cap) {
    if (set[i] == h)
      return 1;
    if (!set[i]) {
      set[i] = h;
      return 0;
    }
  }
}

/* [{"id": ...}, ...] from an array of objects with string ids; `modules`
 * applies the module echo faults. */
static void echo_id_refs(const hmock *m, jw *w, const cJSON *arr, int modules) {
  int dedup = modules && hmock_has(m, HMOCK_FAULT_MODULES_DEDUPLICATED); /* a set, not a list */
  size_t cap = dedup ? 2 * (size_t)cJSON_GetArraySize(arr) + 1 : 0;
  uint64_t *set = cap ? calloc(cap, sizeof *set) : NULL;
  if (cap && !set) {
    w->failed = 1;
    return;
  }
  jw_raw(w, "[", 1);
  int first_item = 1;
  size_t written = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, arr) {
    size_t len;
    const char *id = hjson_string(hjson_get(it, "id", 2), &len);
    if (modules && hmock_has(m, HMOCK_FAULT_MODULES_CAPPED) && written == 100)
      break; /* the fault: the first page of a paged lookup */
    if (set && id && seen_before(set, cap, id, len))
      continue;
    if (!first_item)
      jw_raw(w, ",", 1);
    first_item = 0;
    int first = 1;
    jw_raw(w, "{", 1);
    if (id) {
      jw_key(w, &first, "id");
      jw_echo(m, w, id, len, 0);
    }
    jw_raw(w, "}", 1);
    written++;
  }
  if (modules && hmock_has(m, HMOCK_FAULT_EXTRA_MODULE_ECHOED)) /* a default module granted */
    jw_lit(w, first_item ? "{\"id\":\"MOD-0000\"}" : ",{\"id\":\"MOD-0000\"}");
  jw_raw(w, "]", 1);
  free(set);
}

static int unusual(const cJSON *root, const char *name) {
  size_t len;
  const char *s = hjson_string(hjson_get(root, name, strlen(name)), &len);
  for (size_t i = 0; s && i < len; i++)
    if ((unsigned char)s[i] >= 0x80 || s[i] == 0)
      return 1;
  return 0;
}

static void now_rfc3339(char *buf, size_t cap) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  int ms = (int)(ts.tv_nsec / 1000000L) % 1000;
  snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
           (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
           tm.tm_sec % 100, ms);
}

static void b64url(const unsigned char *in, size_t n, char *out) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
    out[o++] = tab[v >> 6 & 63];
    out[o++] = tab[v & 63];
  }
  if (n - i == 1) {
    unsigned v = (unsigned)in[i] << 16;
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
  } else if (n - i == 2) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
    out[o++] = tab[v >> 6 & 63];
  }
  out[o] = 0;
}

static void build_created(hmock *m, const cJSON *root, hmock_response *out) {
  jw w = {.max = body_cap(m)};
  char id[32], at[96], token[160];
  unsigned char secret[MOCK_TOKEN_BYTES];
  char secret64[MOCK_TOKEN_BYTES * 4 / 3 + 4];

  if (hmock_has(m, HMOCK_FAULT_500_ON_UNICODE) &&
      (unusual(root, "name") || unusual(root, "icon") || unusual(root, "description"))) {
    problem_simple(m, 500, "the server failed to store the token", out);
    return;
  }
  uint64_t n = (m->id_base + atomic_fetch_add(&m->seq, 1)) % 1000000000000ULL;
  snprintf(id, sizeof id, "TKN-%04u-%04u-%04u", (unsigned)(n / 100000000ULL),
           (unsigned)(n / 10000ULL % 10000ULL), (unsigned)(n % 10000ULL));
  if (fill_random(secret, sizeof secret) != 0) {
    problem_simple(m, 500, "no randomness for the token value", out);
    return;
  }
  b64url(secret, sizeof secret, secret64);
  snprintf(token, sizeof token, "idt:%s:%s", id, secret64);
  explicit_bzero(secret, sizeof secret);
  if (hmock_has(m, HMOCK_FAULT_BAD_DATE_TIME)) {
    char good[96];
    now_rfc3339(good, sizeof good);
    good[10] = ' '; /* "2026-01-02 03:04:05.678" with no offset: not RFC 3339 */
    good[23] = 0;
    snprintf(at, sizeof at, "%s", good);
  } else {
    now_rfc3339(at, sizeof at);
  }

  int first = 1;
  jw_raw(&w, "{", 1);
  jw_key(&w, &first, "id");
  jw_cstr(&w, id);
  if (hmock_has(m, HMOCK_FAULT_DUPLICATE_KEY)) {
    jw_key(&w, &first, "id");
    jw_cstr(&w, id);
  }
  jw_key(&w, &first, "audit");
  jw_lit(&w, "{\"created\":{\"at\":");
  jw_cstr(&w, at);
  jw_lit(&w, ",\"by\":{\"id\":\"" MOCK_IDENTITY_ID "\",\"name\":\"" MOCK_IDENTITY_NAME "\"}}}");
  size_t len;
  const char *name = hjson_string(hjson_get(root, "name", 4), &len);
  if (name) {
    jw_key(&w, &first, "name");
    jw_echo(m, &w, name, len, 1);
  }
  echo_string_or_null(m, &w, &first, root, "icon");
  jw_key(&w, &first, "revision");
  if (hmock_has(m, HMOCK_FAULT_REVISION_FLOAT))
    jw_lit(&w, "1.0"); /* the fault: a float serializer */
  else
    jw_int(&w, hmock_has(m, HMOCK_FAULT_REVISION_NOT_1) ? 2 : 1);
  jw_key(&w, &first, "status");
  jw_cstr(&w, MOCK_STATUS);
  echo_string_or_null(m, &w, &first, root, "description");
  jw_key(&w, &first, "lastAccessAt");
  jw_lit(&w, "null");
  if (!hmock_has(m, HMOCK_FAULT_NO_TOKEN)) {
    jw_key(&w, &first, "token");
    jw_cstr(&w, token);
  }
  explicit_bzero(token, sizeof token);

  jw_key(&w, &first, "account");
  int afirst = 1;
  jw_raw(&w, "{", 1);
  const cJSON *account = hjson_get(root, "account", 7);
  const char *acc_id = hjson_string(hjson_get(account, "id", 2), &len);
  if (acc_id) {
    jw_key(&w, &afirst, "id");
    jw_echo(m, &w, acc_id, len, 0);
  }
  jw_key(&w, &afirst, "name");
  if (hmock_has(m, HMOCK_FAULT_WRONG_TYPE))
    jw_lit(&w, "42");
  else if (hmock_has(m, HMOCK_FAULT_INVALID_UTF8))
    jw_lit(&w, "\"apiharness \xC3\x28 account\""); /* C3 must be followed by 80..BF */
  else
    jw_cstr(&w, MOCK_ACCOUNT_NAME);
  if (hmock_has(m, HMOCK_FAULT_BAD_ENUM)) {
    /* a value the spec's enum cannot hold: its first value with a suffix */
    char outside[160];
    snprintf(outside, sizeof outside, "%s-not-in-enum", m->account_type ? m->account_type : "");
    jw_key(&w, &afirst, "type");
    jw_cstr(&w, outside);
  } else if (m->account_type) {
    jw_key(&w, &afirst, "type");
    jw_cstr(&w, m->account_type);
  }
  if (m->account_status) {
    jw_key(&w, &afirst, "status");
    jw_cstr(&w, m->account_status);
  }
  jw_raw(&w, "}", 1);

  jw_key(&w, &first, "modules");
  const cJSON *modules = hjson_get(root, "modules", 7);
  if (cJSON_IsArray(modules))
    echo_id_refs(m, &w, modules, 1);
  else
    jw_lit(&w, "[]");
  const cJSON *ext = hjson_get(root, "extensions", 10);
  if (cJSON_IsArray(ext)) {
    jw_key(&w, &first, "extensions");
    echo_id_refs(m, &w, ext, 0);
  } else if (cJSON_IsNull(ext)) {
    jw_key(&w, &first, "extensions");
    jw_lit(&w, "null");
  }
  if (hmock_has(m, HMOCK_FAULT_EXTRA_PROPERTY)) {
    jw_key(&w, &first, "internalNote");
    jw_cstr(&w, "created by the apiharness mock");
  }
  jw_raw(&w, "}", 1);
  if (w.failed) {
    if (w.buf)
      explicit_bzero(w.buf, w.cap);
    free(w.buf);
    problem_simple(m, 500, "the response would be too large", out);
    return;
  }
  out->status = hmock_has(m, HMOCK_FAULT_STATUS_200) ? 200 : 201;
  out->content_type =
      hmock_has(m, HMOCK_FAULT_WRONG_CONTENT_TYPE) ? "text/plain" : "application/json";
  out->body = w.buf;
  out->body_len = w.len;
  out->no_store = 1;
}

/* ---------------------------------------------------------------- handle */

/* What a hand-written tokenizer sees of the raw body: the deepest nesting and
 * whether a tab or CR stands between tokens (outside strings). */
static void raw_scan(const char *b, size_t n, size_t *depth, int *tab_or_cr) {
  size_t d = 0;
  int in_str = 0;
  *depth = 0;
  *tab_or_cr = 0;
  for (size_t i = 0; i < n; i++) {
    char c = b[i];
    if (in_str) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '[' || c == '{') {
      if (++d > *depth)
        *depth = d;
    } else if (c == ']' || c == '}') {
      d -= d > 0;
    } else if (c == '\t' || c == '\r') {
      *tab_or_cr = 1;
    }
  }
}

/* Detaches the members of every object that another member of the same name
 * follows (keep_last) or precedes (!keep_last): one value per name remains.
 * The nodes live in the doc's arena: detaching frees nothing. */
static void keep_one_of_each(cJSON *node, int keep_last, int depth) {
  if (!node || depth > (int)HJSON_HARD_MAX_DEPTH)
    return;
  if (cJSON_IsObject(node) && cJSON_GetArraySize(node) <= 1024) { /* quadratic: bounded */
    cJSON *it = node->child;
    while (it) {
      cJSON *next = it->next;
      size_t kl;
      const char *k = hjson_key(it, &kl);
      int drop = 0;
      if (keep_last) {
        for (cJSON *o = it->next; o && !drop; o = o->next) {
          size_t ol;
          const char *ok = hjson_key(o, &ol);
          drop = ol == kl && !memcmp(ok, k, kl);
        }
      } else {
        for (cJSON *o = node->child; o != it && !drop; o = o->next) {
          size_t ol;
          const char *ok = hjson_key(o, &ol);
          drop = ol == kl && !memcmp(ok, k, kl);
        }
      }
      if (drop)
        cJSON_DetachItemViaPointer(node, it);
      it = next;
    }
  }
  for (cJSON *it = node->child; it; it = it->next)
    keep_one_of_each(it, keep_last, depth + 1);
}

/* The same-name-conflict fault: 1 when the name was used before (then 409). */
static int name_taken(hmock *m, const cJSON *root) {
  size_t len;
  const char *name = hjson_string(hjson_get(root, "name", 4), &len);
  if (!name || !m->seen_names)
    return 0;
  uint64_t h = fnv1a(name, len, FNV_BASIS) | 1;
  int taken = 0;
  pthread_mutex_lock(&m->seen_lock);
  for (size_t i = 0; i < HMOCK_SEEN_NAMES && !taken; i++)
    taken = m->seen_names[i] == h;
  if (!taken) {
    m->seen_names[m->seen_names_next] = h;
    m->seen_names_next = (m->seen_names_next + 1) % HMOCK_SEEN_NAMES;
  }
  pthread_mutex_unlock(&m->seen_lock);
  return taken;
}

/* The same-body-same-token fault: an "idempotency" cache keyed by the body
 * bytes.  Fills *out with the first answer and returns 1 on a hit. */
static int body_replayed(hmock *m, uint64_t h, hmock_response *out) {
  int hit = 0;
  pthread_mutex_lock(&m->seen_lock);
  for (size_t i = 0; i < HMOCK_SEEN_BODIES && !hit; i++) {
    hmock_seen_body *sb = &m->seen_bodies[i];
    if (sb->answer && sb->hash == h && (out->body = malloc(sb->len))) {
      memcpy(out->body, sb->answer, sb->len);
      out->body_len = sb->len;
      hit = 1;
    }
  }
  pthread_mutex_unlock(&m->seen_lock);
  if (hit) {
    out->status = 201;
    out->content_type = "application/json";
    out->no_store = 1;
  }
  return hit;
}

static void body_remember(hmock *m, uint64_t h, const hmock_response *r) {
  char *copy = malloc(r->body_len ? r->body_len : 1);
  if (!copy)
    return;
  memcpy(copy, r->body, r->body_len);
  pthread_mutex_lock(&m->seen_lock);
  hmock_seen_body *sb = &m->seen_bodies[m->seen_bodies_next];
  m->seen_bodies_next = (m->seen_bodies_next + 1) % HMOCK_SEEN_BODIES;
  if (sb->answer) {
    explicit_bzero(sb->answer, sb->len);
    free(sb->answer);
  }
  sb->hash = h;
  sb->answer = copy;
  sb->len = r->body_len;
  pthread_mutex_unlock(&m->seen_lock);
}

int hmock_handle(hmock *m, const hmock_request *req, hmock_response *out) {
  unsigned char keep_small[HSCHEMA_DEFAULT_MAX_VIOLATIONS + 28]; /* no malloc in the usual case */
  unsigned char *keep = NULL;
  if (hmock_precheck(m, req, out))
    return out->status;
  const hschema *schema = hrules_request_schema(m->rules, req->content_type, NULL);
  const char *body = req->body ? req->body : "";
  if (hmock_has(m, HMOCK_FAULT_PRETTY_REFUSED) || hmock_has(m, HMOCK_FAULT_500_ON_DEEP_NESTING)) {
    size_t depth;
    int tab_or_cr;
    raw_scan(body, req->body_len, &depth, &tab_or_cr);
    if (hmock_has(m, HMOCK_FAULT_500_ON_DEEP_NESTING) && depth >= 1000) {
      /* the fault: a recursive reader runs out of stack; the error is unhandled */
      problem_simple(m, 500, "maximum recursion depth exceeded", out);
      return out->status;
    }
    if (hmock_has(m, HMOCK_FAULT_PRETTY_REFUSED) && tab_or_cr) {
      /* the fault: a tokenizer that skips only spaces and line feeds */
      problem_one(m, "the request body is not valid JSON", "$", "unexpected character", out);
      return out->status;
    }
  }
  uint64_t body_hash = 0;
  if (hmock_has(m, HMOCK_FAULT_SAME_BODY_SAME_TOKEN)) {
    body_hash = fnv1a(body, req->body_len, FNV_BASIS);
    if (body_replayed(m, body_hash, out))
      return out->status;
  }
  hmock_worker *wk = worker_get(m);
  if (!wk) {
    fill_plain_500(m, out);
    return out->status;
  }
  int last_wins = hmock_has(m, HMOCK_FAULT_DUPLICATE_LAST_WINS);
  hjson_error e;
  memset(&e, 0, sizeof e);
  hjson_options jo = {.max_bytes = m->max_body, .max_nodes = HMOCK_MAX_NODES,
                      .allow_duplicates = last_wins};
  const cJSON *root = hjson_parse(wk->doc, body, req->body_len, &jo, &e);
  if (!root) {
    if (e.code == HJSON_E_NOMEM)
      fill_plain_500(m, out);
    else if (e.code == HJSON_E_RANGE && hmock_has(m, HMOCK_FAULT_500_ON_HUGE_NUMBER))
      problem_simple(m, 500, "Value was either too large or too small for a Double.", out);
    else
      problem_parse(m, &e, out);
    goto done;
  }
  if (last_wins) /* the fault: the validator reads the first of two members... */
    keep_one_of_each((cJSON *)root, 0, 0);
  if (hmock_has(m, HMOCK_FAULT_MEMBER_ORDER) && cJSON_IsObject(root) && root->child) {
    size_t kl;
    const char *k = hjson_key(root->child, &kl);
    if (kl != 7 || memcmp(k, "account", 7) != 0) {
      /* the fault: a streaming reader that expects the account first */
      problem_one(m, "the request body breaks 1 rule of the spec", "/account",
                  "account is required", out);
      goto done;
    }
  }
  hschema_result_reset(wk->result);
  hrules_check_request(m->rules, schema, root, wk->result);
  if (hmock_has(m, HMOCK_FAULT_REJECT_NULL)) {
    const cJSON *it;
    cJSON_ArrayForEach(it, root) {
      size_t klen;
      const char *key = hjson_key(it, &klen);
      if (!cJSON_IsNull(it) || !key || memchr(key, 0, klen))
        continue;
      char inst[HJSON_POINTER_MAX];
      size_t ilen = 0;
      inst[0] = 0;
      hjson_pointer_push(inst, sizeof inst, &ilen, key, klen);
      hschema_result_add(wk->result, inst, "#", "type", "null is not allowed here", 0);
    }
  }
  size_t n = hschema_result_count(wk->result);
  size_t failures = 0;
  keep = n <= sizeof keep_small ? keep_small : calloc(n, 1);
  if (!keep) {
    fill_plain_500(m, out);
    goto done;
  }
  memset(keep, 0, n);
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *v = hschema_result_at(wk->result, i);
    if (v->warning || excused(m, root, v))
      continue;
    keep[i] = 1;
    failures++;
  }
  if (failures || hschema_result_errors(wk->result) > n) {
    problem_violations(m, root, wk->result, keep, failures, out);
    goto done;
  }
  if (last_wins) { /* ...and the handler stores the last one, never validated */
    if (!wk->doc2)
      wk->doc2 = hjson_doc_new();
    const cJSON *again = wk->doc2 ? hjson_parse(wk->doc2, body, req->body_len, &jo, &e) : NULL;
    if (!again) {
      fill_plain_500(m, out);
      goto done;
    }
    keep_one_of_each((cJSON *)again, 1, 0);
    root = again;
  }
  if (hmock_has(m, HMOCK_FAULT_SAME_NAME_CONFLICT) && name_taken(m, root)) {
    /* the fault: a unique index on the name column */
    problem_simple(m, 409, "a token with this name already exists", out);
    goto done;
  }
  build_created(m, root, out);
  if (body_hash && out->status == 201)
    body_remember(m, body_hash, out);
done:
  if (keep && keep != keep_small)
    free(keep);
  worker_put(m, wk, req->body_len);
  return out->status;
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
  m->problem_ct = opts->problem_json ? "application/problem+json" : "application/json";
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
    hspec_error se;
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
  hschema_error he;
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
  pick_account_enums(m);
  if (fill_random(&m->id_base, sizeof m->id_base) != 0) {
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
