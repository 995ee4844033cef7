/* hcases_http.c: authentication variants derived from the real token, and
 * keep-alive sequences (a valid create right after a 400, 405, 413, 415 or
 * HEAD answer on the same connection).  See hcases_families.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "json/hjson.h"

#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define SEQ_BIG_BODY ((size_t)2 << 20) /* over every common body limit (1 MiB, 100 kB) */

/* ---------- auth ---------- */

void hc_auth_cases(gen *g) {
  static const struct {
    hcases_auth auth;
    hjudge_expect expect;
    const char *title;
  } modes[] = {
      {HCASES_AUTH_TOKEN_PREFIX, HJUDGE_EXPECT_UNAUTHORIZED,
       "a bearer token sharing the real token's prefix (its last character changed)"},
      {HCASES_AUTH_TOKEN_SUFFIX, HJUDGE_EXPECT_UNAUTHORIZED,
       "a bearer token sharing the real token's suffix (its first character changed)"},
      {HCASES_AUTH_TOKEN_LENGTH, HJUDGE_EXPECT_UNAUTHORIZED,
       "a bearer token of the real token's length, no character equal"},
      {HCASES_AUTH_TOKEN_CASE, HJUDGE_EXPECT_UNAUTHORIZED,
       "the real token with the letter case of every letter flipped"},
      {HCASES_AUTH_TOKEN_EXTENDED, HJUDGE_EXPECT_UNAUTHORIZED,
       "the real token with one character appended"},
      {HCASES_AUTH_TOKEN_TRUNCATED, HJUDGE_EXPECT_UNAUTHORIZED,
       "the real token without its last character"},
      {HCASES_AUTH_EMPTY, HJUDGE_EXPECT_UNAUTHORIZED, "\"Authorization: Bearer\" with no token"},
      {HCASES_AUTH_BASIC, HJUDGE_EXPECT_UNAUTHORIZED,
       "the real token under another scheme (Basic)"},
      {HCASES_AUTH_TWICE, HJUDGE_EXPECT_UNAUTHORIZED_OR_BAD,
       "two Authorization headers, a wrong token then the real one (a singleton field sent "
       "twice: 401 or 400)"},
      {HCASES_AUTH_SCHEME_LOWERCASE, HJUDGE_EXPECT_CREATED,
       "the real token under the scheme written \"bearer\" (RFC 9110 11.1: case-insensitive)"}};
  hc_add_fixed(g, HREQ_AUTH_REQUIRED);
  hc_add_fixed(g, HREQ_AUTH_SCHEME_CASE);
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    char id[64];
    snprintf(id, sizeof id, "http.auth.%s", hcases_auth_name(modes[i].auth));
    int ok = modes[i].expect == HJUDGE_EXPECT_CREATED;
    cJSON *c = hc_add_case(
        g, id, ok ? "http.auth-scheme-case-insensitive" : "http.authentication-required", "http",
        modes[i].expect, "%s", modes[i].title);
    cJSON_ReplaceItemInObjectCaseSensitive(c, "auth",
                                           cJSON_CreateString(hcases_auth_name(modes[i].auth)));
    cJSON_AddTrueToObject(c, "requires_token");
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
}

/* ---------- sequences ---------- */

static cJSON *step(const char *method, const char *ct, hjudge_expect expect) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "method", method);
  if (ct)
    cJSON_AddStringToObject(s, "content_type", ct);
  else
    cJSON_AddNullToObject(s, "content_type");
  cJSON_AddStringToObject(s, "auth", "token");
  cJSON_AddStringToObject(s, "expect", hjudge_expect_name(expect));
  return s;
}

static int method_documented(gen *g, const char *m) {
  const char *allowed = hspec_allowed_methods(hrules_spec(g->rules), HRULES_PATH);
  size_t n = strlen(m);
  for (const char *f = allowed ? strstr(allowed, m) : NULL; f; f = strstr(f + 1, m))
    if ((f == allowed || f[-1] == ',' || f[-1] == ' ') && (f[n] == ',' || f[n] == '\0'))
      return 1;
  return 0;
}

void hc_sequence_cases(gen *g) {
  if (g->failed)
    return;
  /* the same name twice: names are not documented as unique */
  if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(g->minimal, NAME_PROPERTY))) {
    cJSON *b = cJSON_Duplicate(g->minimal, 1);
    cJSON_ReplaceItemInObjectCaseSensitive(b, NAME_PROPERTY,
                                           cJSON_CreateString("apiharness same name"));
    if (hc_classify(g, b, NULL, NULL)) {
      cJSON *c =
          hc_add_case(g, "sem.same-name-twice", HREQ_DISTINCT, "semantics", HJUDGE_EXPECT_CREATED,
                      "two creates with the same literal name (names are not documented "
                      "as unique): two tokens, each with its value");
      cJSON_AddNumberToObject(c, "repeat", 2);
      hc_set_body(c, b);
    } else {
      cJSON_Delete(b);
    }
  }
  static const char req[] = HREQ_KEEP_ALIVE_AFTER_ERROR;
  hc_add_fixed(g, req);
  /* a body with a type error (not an undeclared member: ASP.NET ignores those) */
  cJSON *bad = NULL;
  for (const cJSON *m = g->minimal->child; m && !bad; m = m->next) {
    if (!cJSON_IsString(m))
      continue;
    bad = cJSON_Duplicate(g->minimal, 1);
    cJSON_ReplaceItemInObjectCaseSensitive(bad, m->string, cJSON_CreateNumber(12345));
    if (hc_classify(g, bad, NULL, NULL)) {
      cJSON_Delete(bad);
      bad = NULL;
    }
  }
  char *min = cJSON_PrintUnformatted(g->minimal);
  if (!min) {
    cJSON_Delete(bad);
    hc_fail(g, "out of memory");
    return;
  }
  static const struct {
    const char *id, *what, *method;
    int kind; /* 0 bad body, 1 body on another method, 2 big, 3 text/plain, 4 HEAD, 5 wrong token */
    hjudge_expect expect;
  } firsts[] = {
      {"seq.after-400", "an invalid body (400)", "POST", 0, HJUDGE_EXPECT_BAD_REQUEST},
      {"seq.after-405-get", "GET with a body (405)", "GET", 1, HJUDGE_EXPECT_METHOD_NOT_ALLOWED},
      {"seq.after-405-put", "PUT with a body (405)", "PUT", 1, HJUDGE_EXPECT_METHOD_NOT_ALLOWED},
      {"seq.after-413", "a body of 2 MiB (413, or 400/201)", "POST", 2,
       HJUDGE_EXPECT_CREATED_BAD_OR_413},
      {"seq.after-415", "a body sent as text/plain (415)", "POST", 3,
       HJUDGE_EXPECT_UNSUPPORTED_MEDIA},
      {"seq.after-head", "HEAD (405, no body)", "HEAD", 4, HJUDGE_EXPECT_METHOD_NOT_ALLOWED},
      {"seq.after-401", "a valid body with a wrong bearer token (401)", "POST", 5,
       HJUDGE_EXPECT_UNAUTHORIZED}};
  for (size_t i = 0; i < sizeof firsts / sizeof firsts[0]; i++) {
    if (firsts[i].kind == 0 && !bad)
      continue;
    if ((firsts[i].kind == 1 || firsts[i].kind == 4) && method_documented(g, firsts[i].method))
      continue;
    if (firsts[i].kind == 3 &&
        hspec_match_media(hrules_operation(g->rules)->request,
                          hrules_operation(g->rules)->n_request, "text/plain"))
      continue;
    cJSON *c = hc_add_case(g, firsts[i].id, req, "http", HJUDGE_EXPECT_CREATED,
                           "on one connection: %s, then a valid create", firsts[i].what);
    cJSON_DeleteItemFromObjectCaseSensitive(c, "echo");
    cJSON *seq = cJSON_AddArrayToObject(c, "sequence");
    cJSON *s1 = step(firsts[i].method,
                     firsts[i].kind == 4   ? NULL
                     : firsts[i].kind == 3 ? "text/plain"
                                           : g->default_ct,
                     firsts[i].expect);
    switch (firsts[i].kind) {
    case 0: cJSON_AddItemToObject(s1, "body", cJSON_Duplicate(bad, 1)); break;
    case 1:
    case 3: cJSON_AddItemToObject(s1, "body", cJSON_Duplicate(g->minimal, 1)); break;
    case 5:
      /* refused before the body is read by many servers: the body must still
       * be consumed (or the connection closed) */
      cJSON_ReplaceItemInObjectCaseSensitive(s1, "auth", cJSON_CreateString("wrong"));
      cJSON_AddItemToObject(s1, "body", cJSON_Duplicate(g->minimal, 1));
      cJSON_AddTrueToObject(c, "requires_token");
      break;
    case 2: {
      cJSON_AddItemToObject(s1, "body_segments", hc_segs_padded(min, SEQ_BIG_BODY));
      cJSON_AddTrueToObject(s1, "creates");
      break;
    }
    default: break;
    }
    cJSON_AddItemToArray(seq, s1);
    cJSON *s2 = step("POST", g->default_ct, HJUDGE_EXPECT_CREATED);
    cJSON_AddItemToObject(s2, "body", cJSON_Duplicate(g->minimal, 1));
    cJSON_AddTrueToObject(s2, "echo");
    cJSON_AddTrueToObject(s2, "creates");
    cJSON_AddItemToArray(seq, s2);
  }
  free(min);
  cJSON_Delete(bad);
}
