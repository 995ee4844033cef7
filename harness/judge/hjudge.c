/* hjudge: (case expectation, response) -> verdict.  See hjudge.h. */
#include "judge/hjudge.h"
#include "judge/hjudge_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/hjson.h"

/* Every message is cut to its fixed buffer on purpose (one line in a report). */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

struct hjudge {
  const hrules *rules;
  hjson_doc *doc;  /* the response body */
  hjson_doc *doc2; /* the second body of hjudge_distinct */
  hschema_result *result;
};

hjudge *hjudge_new(const hrules *rules) {
  hjudge *j = calloc(1, sizeof *j);
  if (!j)
    return NULL;
  j->rules = rules;
  j->doc = hjson_doc_new();
  j->doc2 = hjson_doc_new();
  j->result = hschema_result_new(0);
  if (!j->doc || !j->doc2 || !j->result)
    goto fail;
  return j;
fail:
  hjudge_free(j);
  return NULL;
}

void hjudge_free(hjudge *j) {
  if (!j)
    return;
  hjson_doc_free(j->doc);
  hjson_doc_free(j->doc2);
  hschema_result_free(j->result);
  free(j);
}

/* ---- names ---- */

static const char *const profile_names[] = {"default", "strict", "aspnet"};
static const char *const expect_names[] = {"created",
                                           "bad-request",
                                           "created-or-bad-request",
                                           "created-bad-request-or-413",
                                           "unsupported-media-type",
                                           "method-not-allowed",
                                           "unauthorized",
                                           "not-5xx",
                                           "unauthorized-or-bad-request"};

const char *hjudge_profile_name(hjudge_profile p) {
  return (unsigned)p < 3 ? profile_names[p] : "?";
}

int hjudge_profile_parse(const char *name) {
  for (int i = 0; name && i < 3; i++)
    if (!strcmp(name, profile_names[i]))
      return i;
  return -1;
}

const char *hjudge_expect_name(hjudge_expect e) {
  return (unsigned)e < sizeof expect_names / sizeof expect_names[0] ? expect_names[e] : "?";
}

int hjudge_expect_parse(const char *name) {
  for (size_t i = 0; name && i < sizeof expect_names / sizeof expect_names[0]; i++)
    if (!strcmp(name, expect_names[i]))
      return (int)i;
  return -1;
}

/* ---- verdict building ---- */

void hjudge_verdict_init(hjudge_verdict *v) { memset(v, 0, sizeof *v); }

/* Copies src into dst as one printable line: control bytes become '?'. */
static void one_line(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < cap; i++)
    dst[i] = ((unsigned char)src[i] < 0x20 || src[i] == 0x7f) ? '?' : src[i];
  dst[i] = '\0';
}

void hjudge_add(hjudge_verdict *v, const char *name, hstatus status, const char *requirement,
                const char *fmt, ...) {
  char msg[HJUDGE_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  v->status = hstatus_worst(v->status, status);
  if ((status == HSTATUS_FAIL && (v->detail[0] == '\0' || v->detail[0] == '~')) ||
      (status == HSTATUS_WARN && v->detail[0] == '\0')) {
    /* a warning's detail is marked with a leading '~' until a failure replaces
     * it; the mark is removed at the end of hjudge_response_judge */
    char line[HJUDGE_MSG_MAX];
    one_line(line, sizeof line, msg[0] ? msg : name);
    snprintf(v->detail, sizeof v->detail, "%s%s: %s", status == HSTATUS_WARN ? "~" : "", name,
             line);
  }
  if (v->n_checks >= HJUDGE_MAX_CHECKS) {
    v->dropped++;
    return;
  }
  hjudge_check *c = &v->checks[v->n_checks++];
  one_line(c->name, sizeof c->name, name);
  c->status = status;
  one_line(c->message, sizeof c->message, status == HSTATUS_PASS ? "" : msg);
  one_line(c->requirement, sizeof c->requirement, requirement ? requirement : "");
}

static void finish_detail(hjudge_verdict *v) {
  if (v->detail[0] == '~')
    memmove(v->detail, v->detail + 1, strlen(v->detail));
}

/* ---- header helpers ---- */

/* media type of a Content-Type value without parameters, lower-cased into buf. */
static void bare_media(const char *ct, char *buf, size_t cap) {
  size_t i = 0;
  while (*ct == ' ' || *ct == '\t')
    ct++;
  for (; ct[i] && ct[i] != ';' && ct[i] != ' ' && ct[i] != '\t' && i + 1 < cap; i++)
    buf[i] = (char)tolower((unsigned char)ct[i]);
  buf[i] = '\0';
}

static int is_json_like(const char *ct) {
  if (!ct)
    return 0;
  char m[128];
  bare_media(ct, m, sizeof m);
  size_t n = strlen(m);
  return !strcmp(m, "application/json") || !strcmp(m, "text/json") ||
         (n > 5 && !strcmp(m + n - 5, "+json"));
}

/* 1 when the comma-separated list (Allow) names method exactly. */
static int list_has(const char *list, const char *method, size_t mlen) {
  const char *p = list;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    const char *s = p;
    while (*p && *p != ',' && *p != ' ' && *p != '\t')
      p++;
    if ((size_t)(p - s) == mlen && !strncmp(s, method, mlen))
      return 1;
  }
  return 0;
}

/* ---- dates ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

int hjudge_parse_rfc3339(const char *s, size_t len, long long *out) {
  if (!s || !hschema_is_date_time(s, len))
    return 0;
  int y, mo, d, h, mi, se;
  if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
      !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
    return 0;
  size_t i = 19;
  if (i < len && s[i] == '.')
    for (i++; i < len && isdigit((unsigned char)s[i]); i++)
      ;
  long long off = 0;
  if (i < len && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (i + 6 > len || !digits(s + i + 1, 2, &oh) || !digits(s + i + 4, 2, &om))
      return 0;
    off = (long long)(oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
  }
  *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
  return 1;
}

static int month_index(const char *m) {
  static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int i = 0; i < 12; i++)
    if (!strncmp(m, names + i * 3, 3))
      return i + 1;
  return 0;
}

int hjudge_parse_http_date(const char *s, long long *out) {
  if (!s)
    return 0;
  int d, y, h, mi, se;
  char mon[4] = {0};
  const char *comma = strchr(s, ',');
  if (comma) {
    const char *p = comma + 1;
    while (*p == ' ')
      p++;
    char sep;
    if (strlen(p) >= 20 && p[2] == ' ') { /* IMF-fixdate: 06 Nov 1994 08:49:37 GMT */
      if (!digits(p, 2, &d))
        return 0;
      memcpy(mon, p + 3, 3);
      if (!digits(p + 7, 4, &y) || !digits(p + 12, 2, &h) || !digits(p + 15, 2, &mi) ||
          !digits(p + 18, 2, &se) || strncmp(p + 20, " GMT", 4))
        return 0;
    } else if (strlen(p) >= 18 && p[2] == '-') { /* RFC 850: 06-Nov-94 08:49:37 GMT */
      sep = p[6];
      if (sep != '-' || !digits(p, 2, &d) || !digits(p + 7, 2, &y) || !digits(p + 10, 2, &h) ||
          !digits(p + 13, 2, &mi) || !digits(p + 16, 2, &se))
        return 0;
      memcpy(mon, p + 3, 3);
      y += y < 70 ? 2000 : 1900;
    } else {
      return 0;
    }
  } else { /* asctime: Sun Nov  6 08:49:37 1994 */
    if (strlen(s) < 24)
      return 0;
    memcpy(mon, s + 4, 3);
    char dd[2] = {s[8] == ' ' ? '0' : s[8], s[9]};
    if (!digits(dd, 2, &d) || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
        !digits(s + 17, 2, &se) || !digits(s + 20, 4, &y))
      return 0;
  }
  int mo = month_index(mon);
  if (!mo || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return 0;
  *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
  return 1;
}

/* ---- the checks ---- */

static hstatus profile_fail_or_warn(hjudge_profile p) {
  return p == HJUDGE_PROFILE_STRICT ? HSTATUS_FAIL : HSTATUS_WARN;
}

/* The reason a tolerated outcome carries: the case's own (what the documents
 * leave open), else a neutral one.  Never a platform's name. */
static const char *open_reason(const hjudge_case *c) {
  return c->tolerated_reason && *c->tolerated_reason
             ? c->tolerated_reason
             : "the documents leave this outcome to the implementation";
}

static void check_status(hjudge_verdict *v, const hjudge_case *c, const hjudge_response *r,
                         hjudge_profile p) {
  const char *req = c->requirement ? c->requirement : "";
  int s = r->status;
  hstatus tol = profile_fail_or_warn(p);
  switch (c->expect) {
  case HJUDGE_EXPECT_CREATED:
    if (s == 201)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else if (c->tolerated && s >= 400 && s < 500 && s != 401 && s != 403)
      hjudge_add(v, "status", tol, req, "expected 201, this server answered %d; tolerated%s: %s", s,
                 tol == HSTATUS_FAIL ? " outside --profile strict" : "", open_reason(c));
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 201, got %d", s);
    return;
  case HJUDGE_EXPECT_BAD_REQUEST:
    if (s == 400)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else if (s == 201 && c->aspnet_tolerated && p == HJUDGE_PROFILE_ASPNET)
      hjudge_add(v, "status", HSTATUS_WARN, req,
                 "expected 400, this server answered 201; tolerated by --profile aspnet: %s",
                 c->aspnet_reason ? c->aspnet_reason : "an ASP.NET Core default");
    else if (s == 201 && c->tolerated)
      hjudge_add(v, "status", tol, req, "expected 400, this server answered 201; tolerated%s: %s",
                 tol == HSTATUS_FAIL ? " outside --profile strict" : "", open_reason(c));
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 400, got %d", s);
    return;
  case HJUDGE_EXPECT_CREATED_OR_BAD:
    if (s == 201 || s == 400)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 201 or 400, got %d", s);
    return;
  case HJUDGE_EXPECT_UNAUTHORIZED_OR_BAD:
    if (s == 401 || s == 400)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 401 or 400, got %d", s);
    return;
  case HJUDGE_EXPECT_CREATED_BAD_OR_413:
    if (s == 201 || s == 400 || s == 413)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 201, 400 or 413, got %d", s);
    return;
  case HJUDGE_EXPECT_UNSUPPORTED_MEDIA:
    if (s == 415)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else if (s >= 400 && s < 500 && s != 401 && s != 403)
      hjudge_add(v, "status", tol, req,
                 "expected 415, this server answered %d; tolerated%s: the spec documents no "
                 "415, and a %d still refuses the undocumented media type (RFC 9110 15.5.16 "
                 "names 415 for it)",
                 s, tol == HSTATUS_FAIL ? " outside --profile strict" : "", s);
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 415, got %d", s);
    return;
  case HJUDGE_EXPECT_METHOD_NOT_ALLOWED:
    if (s == 405 || (s == 501 && c->nonstandard_method))
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else if (s == 404 || s == 501 || (s == 400 && c->nonstandard_method))
      /* the spec documents POST only and says nothing of other methods: a
       * router's 404, or 501 for a method the server does not implement at
       * all, is legitimate HTTP, only less precise than RFC 9110's 405; so is
       * a 400 for a method name the server's HTTP parser does not know */
      hjudge_add(v, "status", tol, req,
                 "expected 405%s, this server answered %d; tolerated%s: the spec documents "
                 "only POST on this path and says nothing of other methods",
                 c->nonstandard_method ? " or 501" : "", s,
                 tol == HSTATUS_FAIL ? " outside --profile strict" : "");
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 405%s, got %d",
                 c->nonstandard_method ? " or 501" : "", s);
    return;
  case HJUDGE_EXPECT_UNAUTHORIZED:
    if (s == 401)
      hjudge_add(v, "status", HSTATUS_PASS, req, "%s", "");
    else
      hjudge_add(v, "status", HSTATUS_FAIL, req, "expected 401, got %d", s);
    return;
  case HJUDGE_EXPECT_NOT_5XX: return; /* "no-5xx" says it all */
  }
}

static void check_headers(hjudge *j, hjudge_verdict *v, const hjudge_response *r,
                          hjudge_profile p) {
  if (r->status == 405) {
    const char *allowed = hspec_allowed_methods(hrules_spec(j->rules), HRULES_PATH);
    if (!r->allow) {
      hjudge_add(v, "allow", HSTATUS_FAIL, HREQ_ALLOW,
                 "405 without an Allow header (RFC 9110 15.5.6)");
    } else if (allowed) {
      /* every documented method must be named */
      const char *q = allowed;
      int ok = 1;
      while (*q) {
        const char *e = strchr(q, ',');
        size_t n = e ? (size_t)(e - q) : strlen(q);
        if (n && !list_has(r->allow, q, n))
          ok = 0;
        q += n + (e ? 1 : 0);
      }
      char shown[96];
      one_line(shown, sizeof shown, r->allow);
      if (ok)
        hjudge_add(v, "allow", HSTATUS_PASS, HREQ_ALLOW, "%s", "");
      else
        hjudge_add(v, "allow", HSTATUS_FAIL, HREQ_ALLOW,
                   "Allow: %s does not name the documented method(s) %s", shown, allowed);
    }
  }
  if (r->status == 401) {
    if (r->www_authenticate && *r->www_authenticate)
      hjudge_add(v, "www-authenticate", HSTATUS_PASS, HREQ_WWW_AUTHENTICATE, "%s", "");
    else
      hjudge_add(v, "www-authenticate", profile_fail_or_warn(p), HREQ_WWW_AUTHENTICATE,
                 "401 without a WWW-Authenticate header (RFC 9110 11.6.1)");
  }
}

/* Returns 1 when the body should be read as JSON. */
static int check_media(hjudge *j, hjudge_verdict *v, const hjudge_response *r, hjudge_profile p) {
  const hspec_response *doc = hspec_response_for(hrules_operation(j->rules), r->status);
  char ct[128] = "";
  if (r->content_type)
    one_line(ct, sizeof ct, r->content_type);
  if (!doc || doc->n_media == 0) {
    /* nothing documented for this status: no media-type rule; a body that
     * claims JSON must still be JSON */
    return r->body_len > 0 && is_json_like(r->content_type);
  }
  if (!r->content_type || !*r->content_type) {
    hjudge_add(v, "media-type", HSTATUS_FAIL, HREQ_MEDIA_TYPE,
               "%d without a Content-Type (documented: %s)", r->status, doc->media[0].media_type);
    return 1;
  }
  if (hspec_match_media(doc->media, doc->n_media, r->content_type)) {
    hjudge_add(v, "media-type", HSTATUS_PASS, HREQ_MEDIA_TYPE, "%s", "");
    return 1;
  }
  char bare[128];
  bare_media(r->content_type, bare, sizeof bare);
  size_t n = strlen(bare);
  int plus_json = n > 5 && !strcmp(bare + n - 5, "+json") && !strncmp(bare, "application/", 12);
  int json_documented = hspec_match_media(doc->media, doc->n_media, "application/json") != NULL;
  if (plus_json && json_documented) {
    if (p == HJUDGE_PROFILE_ASPNET && r->status >= 400 && !strcmp(bare, "application/problem+json"))
      hjudge_add(v, "media-type", HSTATUS_PASS, HREQ_MEDIA_TYPE, "%s", "");
    else
      hjudge_add(v, "media-type", profile_fail_or_warn(p), HREQ_MEDIA_TYPE,
                 "Content-Type %s where %s is documented for %d%s", ct, doc->media[0].media_type,
                 r->status,
                 p == HJUDGE_PROFILE_STRICT ? ""
                                            : " (tolerated: a +json media type is JSON as well)");
    return 1;
  }
  hjudge_add(v, "media-type", HSTATUS_FAIL, HREQ_MEDIA_TYPE,
             "Content-Type %s is not documented for %d (documented: %s)", ct, r->status,
             doc->media[0].media_type);
  return is_json_like(r->content_type) || r->body_len > 0;
}

/* A copy of body where every \uD800-\uDFFF escape that is not part of a valid
 * pair is replaced by \uFFFD (same length).  Caller frees. */
static char *mend_surrogates(const char *body, size_t len) {
  char *c = malloc(len + 1);
  if (!c)
    return NULL;
  memcpy(c, body, len);
  c[len] = '\0';
  for (size_t i = 0; i + 6 <= len; i++) {
    if (c[i] == '\\') {
      if (c[i + 1] != 'u') {
        i++;
        continue;
      }
      unsigned v =
          (unsigned)strtoul((char[5]){c[i + 2], c[i + 3], c[i + 4], c[i + 5], 0}, NULL, 16);
      if (v >= 0xD800 && v <= 0xDBFF && i + 12 <= len && c[i + 6] == '\\' && c[i + 7] == 'u') {
        unsigned w =
            (unsigned)strtoul((char[5]){c[i + 8], c[i + 9], c[i + 10], c[i + 11], 0}, NULL, 16);
        if (w >= 0xDC00 && w <= 0xDFFF) {
          i += 11;
          continue;
        }
      }
      if (v >= 0xD800 && v <= 0xDFFF)
        memcpy(c + i + 2, "FFFD", 4);
      i += 5;
    }
  }
  return c;
}

static const cJSON *parse_body(hjudge *j, hjudge_verdict *v, const hjudge_case *c,
                               const hjudge_response *r) {
  if (r->truncated) {
    hjudge_add(v, "truncated", HSTATUS_FAIL, HREQ_STRICT_JSON,
               "body longer than the client's cap (%zu bytes kept)", r->body_len);
    return NULL;
  }
  hjson_error e;
  const cJSON *root = hjson_parse(j->doc, r->body ? r->body : "", r->body_len, NULL, &e);
  if (!root && e.code == HJSON_E_SURROGATE && c->lenient_surrogates && r->body) {
    char *m = mend_surrogates(r->body, r->body_len);
    if (m) {
      root = hjson_parse(j->doc, m, r->body_len, NULL, &e);
      free(m);
      if (root) {
        hjudge_add(v, "strict-json", HSTATUS_WARN, HREQ_STRICT_JSON,
                   "the body echoes the request's lone surrogate escape (RFC 8259 8.2)");
        return root;
      }
    }
  }
  if (!root) {
    /* the pointer of a deeply nested body would fill the line: keep its start */
    char where[72];
    size_t pl = strlen(e.pointer);
    if (pl >= sizeof where)
      snprintf(where, sizeof where, "%.*s...", (int)sizeof where - 4, e.pointer);
    else
      snprintf(where, sizeof where, "%s", pl ? e.pointer : "/");
    hjudge_add(v, "strict-json", HSTATUS_FAIL, HREQ_STRICT_JSON,
               "body is not strict JSON: %s, at offset %zu (%s)", e.msg ? e.msg : "error", e.offset,
               where);
    return NULL;
  }
  hjudge_add(v, "strict-json", HSTATUS_PASS, HREQ_STRICT_JSON, "%s", "");
  return root;
}

static void check_schema(hjudge *j, hjudge_verdict *v, int status, const cJSON *root) {
  hschema_result_reset(j->result);
  char req[48];
  snprintf(req, sizeof req, HREQ_SCHEMA_RESPONSE_PREFIX "%d", status);
  int has_schema = hrules_response_schema(j->rules, status) != NULL;
  if (!has_schema && status != 201)
    return;
  hrules_check_response(j->rules, status, root, j->result);
  size_t n = hschema_result_count(j->result);
  /* spec-schema violations: one "schema" check */
  size_t spec_errors = 0;
  const hschema_violation *first = NULL;
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *x = hschema_result_at(j->result, i);
    if (x->warning || hrules_violation_rule(j->rules, x))
      continue;
    if (!first)
      first = x;
    spec_errors++;
  }
  if (has_schema) {
    if (!first)
      hjudge_add(v, "schema", HSTATUS_PASS, req, "%s", "");
    else
      hjudge_add(v, "schema", HSTATUS_FAIL, req, "%s, at %s (schema %s)%s", first->message,
                 first->instance[0] ? first->instance : "/", first->schema,
                 spec_errors > 1 ? "; and more" : "");
  }
  if (status != 201)
    return;
  /* prose response rules: one check per rule */
  for (size_t k = 0; k < hrules_count(j->rules); k++) {
    const hrules_rule *rule = hrules_at(j->rules, k);
    if (rule->scope != HRULES_SCOPE_RESPONSE_201)
      continue;
    const hschema_violation *bad = NULL;
    for (size_t i = 0; i < n && !bad; i++) {
      const hschema_violation *x = hschema_result_at(j->result, i);
      const char *id = hrules_violation_rule(j->rules, x);
      if (!x->warning && id && !strcmp(id, rule->id))
        bad = x;
    }
    char name[HJUDGE_NAME_MAX];
    snprintf(name, sizeof name, "prose:%s", rule->id);
    if (bad)
      hjudge_add(v, name, HSTATUS_FAIL, rule->id, "%s: %s, at %s", rule->title, bad->message,
                 bad->instance[0] ? bad->instance : "/");
    else
      hjudge_add(v, name, HSTATUS_PASS, rule->id, "%s", "");
  }
}

static void check_problem_status(hjudge_verdict *v, int status, const cJSON *root) {
  if (status < 400 || !cJSON_IsObject(root))
    return;
  const cJSON *s = hjson_get(root, "status", 6);
  if (!s || cJSON_IsNull(s))
    return;
  if (!cJSON_IsNumber(s)) {
    hjudge_add(v, "problem-status", HSTATUS_FAIL, HREQ_PROBLEM_STATUS,
               "problem \"status\" is not a number (RFC 9457 3.1.2)");
    return;
  }
  if (s->valuedouble == (double)status)
    hjudge_add(v, "problem-status", HSTATUS_PASS, HREQ_PROBLEM_STATUS, "%s", "");
  else
    hjudge_add(v, "problem-status", HSTATUS_FAIL, HREQ_PROBLEM_STATUS,
               "problem \"status\" is %g, the HTTP status is %d (RFC 9457 3.1.2)", s->valuedouble,
               status);
}

static int same_string(const cJSON *a, const cJSON *b) {
  size_t la, lb;
  const char *sa = hjson_string(a, &la), *sb = hjson_string(b, &lb);
  return sa && sb && la == lb && !memcmp(sa, sb, la);
}

/* 1 when the request was the documented operation: its method (NULL: POST)
 * is the operation's, and the case expects neither 405 (another method) nor
 * 415 (an undocumented request media type), and the caller did not flag it
 * not_operation.  See "Judging by what was asked" in hjudge.h. */
static int asks_operation(const hjudge_case *c) {
  if (c->not_operation || c->expect == HJUDGE_EXPECT_METHOD_NOT_ALLOWED ||
      c->expect == HJUDGE_EXPECT_UNSUPPORTED_MEDIA)
    return 0;
  if (!c->method)
    return 1;
  /* HTTP methods are case-sensitive (RFC 9110 9.1): "post" is another method */
  const char *m = HRULES_METHOD;
  size_t i = 0;
  for (; m[i] && c->method[i]; i++)
    if (c->method[i] != toupper((unsigned char)m[i]))
      return 0;
  return !m[i] && !c->method[i];
}

static int is_head(const hjudge_case *c) { return c->method && !strcmp(c->method, "HEAD"); }

/* RFC 9110 9.3.2: the server MUST NOT send content in a response to HEAD. */
static void check_head(hjudge_verdict *v, const hjudge_case *c, const hjudge_response *r) {
  if (!is_head(c))
    return;
  if (r->body_len == 0 && !r->truncated)
    hjudge_add(v, "head-no-body", HSTATUS_PASS, HREQ_HEAD_NO_BODY, "%s", "");
  else
    hjudge_add(v, "head-no-body", HSTATUS_FAIL, HREQ_HEAD_NO_BODY,
               "the %d answer to HEAD carries %zu%s body bytes (RFC 9110 9.3.2: no content)",
               r->status, r->body_len, r->truncated ? "+" : "");
}

/* RFC 9110 6.6.1: an origin server with a clock MUST send Date in 2xx, 3xx and
 * 4xx responses (MAY in 1xx and 5xx).  Returns 1 and *t when it is a valid
 * HTTP-date. */
static int check_date(hjudge_verdict *v, const hjudge_response *r, long long *t) {
  int applies = r->status >= 200 && r->status < 500;
  if (!r->date || !*r->date) {
    if (applies)
      hjudge_add(v, "date-header", HSTATUS_FAIL, HREQ_DATE,
                 "%d without a Date header (RFC 9110 6.6.1: an origin server with a clock MUST "
                 "send it)",
                 r->status);
    return 0;
  }
  if (!hjudge_parse_http_date(r->date, t)) {
    if (applies) {
      char shown[64];
      one_line(shown, sizeof shown, r->date);
      hjudge_add(v, "date-header", HSTATUS_FAIL, HREQ_DATE,
                 "Date: %s is not an HTTP-date (RFC 9110 5.6.7)", shown);
    }
    return 0;
  }
  if (applies)
    hjudge_add(v, "date-header", HSTATUS_PASS, HREQ_DATE, "%s", "");
  return 1;
}

/* The 201 names the created token: a non-empty string id. */
static void check_created_id(hjudge_verdict *v, const cJSON *root) {
  if (!cJSON_IsObject(root))
    return;
  const cJSON *id = hjson_get(root, "id", 2);
  size_t len = 0;
  if (!id)
    hjudge_add(v, "created-id", HSTATUS_FAIL, HREQ_CREATED_ID,
               "the 201 body has no \"id\": the created token cannot be named");
  else if (!hjson_string(id, &len))
    hjudge_add(v, "created-id", HSTATUS_FAIL, HREQ_CREATED_ID,
               "the 201 body's \"id\" is not a string");
  else if (len == 0)
    hjudge_add(v, "created-id", HSTATUS_FAIL, HREQ_CREATED_ID,
               "the 201 body's \"id\" is empty: the created token cannot be named");
  else
    hjudge_add(v, "created-id", HSTATUS_PASS, HREQ_CREATED_ID, "%s", "");
}

/* audit.created.at against the Date header (have_date: *date valid), else
 * against the harness's clock (now_unix), else skipped. */
static void check_audit(hjudge_verdict *v, const hjudge_response *r, const cJSON *root,
                        int have_date, long long date) {
  const cJSON *audit = hjson_get(root, "audit", 5);
  const cJSON *created = cJSON_IsObject(audit) ? hjson_get(audit, "created", 7) : NULL;
  const cJSON *at = cJSON_IsObject(created) ? hjson_get(created, "at", 2) : NULL;
  size_t len;
  const char *s = hjson_string(at, &len);
  if (!s) {
    hjudge_add(v, "audit-created-at", HSTATUS_SKIP, HREQ_AUDIT_CREATED,
               "no audit.created.at in the 201 body");
    return;
  }
  long long t;
  if (!hjudge_parse_rfc3339(s, len, &t)) {
    hjudge_add(v, "audit-created-at", HSTATUS_FAIL, HREQ_AUDIT_CREATED,
               "audit.created.at is not an RFC 3339 date-time");
    return;
  }
  long long ref;
  int skew;
  const char *against;
  if (have_date) {
    ref = date;
    skew = HJUDGE_CLOCK_SKEW_S;
    against = "the Date header";
  } else if (r->now_unix > 0) {
    ref = r->now_unix;
    skew = HJUDGE_LOCAL_CLOCK_SKEW_S;
    against = "the harness's clock (no valid Date header)";
  } else {
    hjudge_add(v, "audit-created-at", HSTATUS_SKIP, HREQ_AUDIT_CREATED,
               "no valid Date header and no harness clock to compare audit.created.at with");
    return;
  }
  long long diff = t > ref ? t - ref : ref - t;
  if (diff <= skew)
    hjudge_add(v, "audit-created-at", HSTATUS_PASS, HREQ_AUDIT_CREATED, "%s", "");
  else
    hjudge_add(v, "audit-created-at", HSTATUS_FAIL, HREQ_AUDIT_CREATED,
               "audit.created.at is %lld s %s %s (more than %d s)", diff,
               t > ref ? "after" : "before", against, skew);
}

hstatus hjudge_response_judge(hjudge *j, const hjudge_case *c, const hjudge_response *r,
                              hjudge_profile p, hjudge_verdict *v) {
  hjudge_verdict_init(v);
  if (r->timed_out) {
    hjudge_add(v, "timeout", HSTATUS_FAIL, HREQ_NO_TIMEOUT, "%s",
               r->transport_msg ? r->transport_msg : "no complete response: timed out");
    finish_detail(v);
    return v->status;
  }
  if (r->transport_error && r->upload_aborted && r->status < 100 &&
      c->expect == HJUDGE_EXPECT_CREATED_BAD_OR_413) {
    hjudge_add(v, "transport", profile_fail_or_warn(p), HREQ_TRANSPORT,
               "the connection was closed before the whole body was sent, without a 413 "
               "answer (%s)",
               r->transport_msg ? r->transport_msg : "transport error");
    finish_detail(v);
    return v->status;
  }
  if (r->transport_error || r->status < 100 || r->status > 999) {
    hjudge_add(v, "transport", HSTATUS_FAIL, HREQ_TRANSPORT, "no valid HTTP response: %s",
               r->transport_msg ? r->transport_msg : "transport error");
    finish_detail(v);
    return v->status;
  }
  hjudge_add(v, "transport", HSTATUS_PASS, HREQ_TRANSPORT, "%s", "");
  hjudge_add(v, "timeout", HSTATUS_PASS, HREQ_NO_TIMEOUT, "%s", "");
  if (r->status == 501 && c->expect == HJUDGE_EXPECT_METHOD_NOT_ALLOWED)
    /* "not implemented" for a method is an answer, not a server error: the
     * status check judges it */
    hjudge_add(v, "no-5xx", HSTATUS_PASS, HREQ_NO_5XX, "%s", "");
  else if (r->status >= 500)
    hjudge_add(v, "no-5xx", HSTATUS_FAIL, HREQ_NO_5XX, "server error %d", r->status);
  else
    hjudge_add(v, "no-5xx", HSTATUS_PASS, HREQ_NO_5XX, "%s", "");
  check_status(v, c, r, p);
  check_headers(j, v, r, p);
  check_head(v, c, r);
  int op = asks_operation(c);
  long long date = 0;
  int have_date = 0;
  if (op)
    have_date = check_date(v, r, &date);
  /* the operation's documents bind only an answer to the operation */
  int want_json = op ? check_media(j, v, r, p) : r->body_len > 0 && is_json_like(r->content_type);
  const cJSON *root = NULL;
  int documented = op && hrules_response_schema(j->rules, r->status) != NULL;
  int created = op && r->status == 201;
  if (is_head(c) && r->body_len > 0) {
    /* judged by "head-no-body": there is no JSON to read in an answer to HEAD */
  } else if (want_json || documented || created) {
    if (r->body_len == 0 && !documented && !created) {
      /* an empty body that claims JSON: nothing to parse */
    } else if (r->body_len == 0 && r->status == 400 && p != HJUDGE_PROFILE_STRICT) {
      hjudge_add(v, "strict-json", HSTATUS_WARN, HREQ_STRICT_JSON,
                 "400 with an empty body (a ProblemDetails body is documented)");
    } else {
      root = parse_body(j, v, c, r);
    }
  }
  if (root) {
    if (op)
      check_schema(j, v, r->status, root);
    /* RFC 9457 binds the "status" of a problem document: a body documented
     * as ProblemDetails, or one that says it is one (application/problem+json).
     * Another error body (an auth proxy's {"status":"Unauthorized"}) is not. */
    char bare[128] = "";
    if (r->content_type)
      bare_media(r->content_type, bare, sizeof bare);
    if (documented || !strcmp(bare, "application/problem+json"))
      check_problem_status(v, r->status, root);
    if (created) {
      check_created_id(v, root);
      if (c->request_body)
        hjudge_check_echo(j->rules, v, c->request_body, root);
      check_audit(v, r, root, have_date, date);
    }
  }
  finish_detail(v);
  return v->status;
}

/* ---- two creates ---- */

static const cJSON *member_string(const cJSON *o, const char *name, size_t *len) {
  return hjson_string(cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, name) : NULL, len)
             ? cJSON_GetObjectItemCaseSensitive(o, name)
             : NULL;
}

void hjudge_distinct(hjudge *j, const char *a, size_t la, const char *b, size_t lb,
                     hjudge_verdict *v) {
  const cJSON *ra = hjson_parse(j->doc, a ? a : "", la, NULL, NULL);
  const cJSON *rb = hjson_parse(j->doc2, b ? b : "", lb, NULL, NULL);
  if (!cJSON_IsObject(ra) || !cJSON_IsObject(rb)) {
    hjudge_add(v, "distinct-creates", HSTATUS_SKIP, HREQ_DISTINCT,
               "one of the two creates gave no JSON object");
    finish_detail(v);
    return;
  }
  size_t n;
  const cJSON *ia = member_string(ra, "id", &n), *ib = member_string(rb, "id", &n);
  const cJSON *ta = member_string(ra, "token", &n), *tb = member_string(rb, "token", &n);
  if (!ia || !ib || !ta || !tb)
    hjudge_add(v, "distinct-creates", HSTATUS_SKIP, HREQ_DISTINCT,
               "id or token missing from a 201 body (judged by the schema and prose checks)");
  else if (same_string(ia, ib))
    hjudge_add(v, "distinct-creates", HSTATUS_FAIL, HREQ_DISTINCT,
               "two creates returned the same id");
  else if (same_string(ta, tb))
    hjudge_add(v, "distinct-creates", HSTATUS_FAIL, HREQ_DISTINCT,
               "two creates returned the same token value");
  else
    hjudge_add(v, "distinct-creates", HSTATUS_PASS, HREQ_DISTINCT, "%s", "");
  finish_detail(v);
}

int hjudge_created_fields(hjudge *j, const char *body, size_t len, char *id, size_t id_cap,
                          char *token, size_t token_cap) {
  if (id_cap)
    id[0] = '\0';
  if (token_cap)
    token[0] = '\0';
  const cJSON *root = hjson_parse(j->doc, body ? body : "", len, NULL, NULL);
  if (!cJSON_IsObject(root))
    return 0;
  size_t n;
  const cJSON *i = member_string(root, "id", &n);
  if (i && id_cap)
    snprintf(id, id_cap, "%s", i->valuestring);
  const cJSON *t = member_string(root, "token", &n);
  if (t && token_cap)
    snprintf(token, token_cap, "%s", t->valuestring);
  return 1;
}
