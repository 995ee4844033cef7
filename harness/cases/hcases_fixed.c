/* hcases_fixed.c: the families that do not follow the schema walk - media
 * type spellings (pos.media.*), the name's boundaries (pos.name.*), raw bytes
 * (raw.*: malformed JSON, BOM, invalid UTF-8, lone surrogates, deep nesting,
 * over 1 MiB), HTTP (http.content-type.*, http.method.*, http.auth.none/wrong)
 * and the page's semantics (sem.*, with the response-side requirements every
 * case's checks feed).  See hcases_int.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "json/hjson.h"

/* Messages and ids are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

typedef struct {
  const char *id, *title;
  char *text;
} raw_text;

void hc_concrete_media(const char *mt, char *buf, size_t cap) {
  const char *star = strchr(mt, '*');
  if (!star) {
    snprintf(buf, cap, "%s", mt);
    return;
  }
  if (!strcmp(mt, "*/*") || !strcmp(mt, "application/*")) {
    snprintf(buf, cap, "application/json");
    return;
  }
  /* "application/STAR+json" -> "application/vnd.acme+json" */
  snprintf(buf, cap, "%.*svnd.acme%s", (int)(star - mt), mt, star + 1);
}

void hc_media_cases(gen *g) {
  const hspec_operation *op = hrules_operation(g->rules);
  hc_add_fixed(g, HREQ_REQUEST_MEDIA_TYPES);
  for (size_t i = 0; i < op->n_request; i++) {
    char ct[128], sl[128], id[200], up[128], cs[160];
    hc_concrete_media(op->request[i].media_type, ct, sizeof ct);
    size_t k = 0;
    for (const char *s = ct; *s && k + 1 < sizeof sl; s++)
      sl[k++] = isalnum((unsigned char)*s) ? *s : '-';
    sl[k] = '\0';
    for (k = 0; ct[k]; k++)
      up[k] = (char)toupper((unsigned char)ct[k]);
    up[k] = '\0';
    char cu[160], cq[160], nsp[160], wsp[160], extra[200];
    snprintf(cs, sizeof cs, "%s; charset=utf-8", ct);
    snprintf(cu, sizeof cu, "%s; charset=UTF-8", ct);
    snprintf(cq, sizeof cq, "%s; charset=\"utf-8\"", ct);
    snprintf(nsp, sizeof nsp, "%s;charset=utf-8", ct);
    snprintf(wsp, sizeof wsp, "%s ; charset=utf-8", ct);
    snprintf(extra, sizeof extra, "%s; charset=utf-8; x-apiharness=1", ct);
    const char *variants[8][2] = {{ct, ""},
                                  {cs, ".charset"},
                                  {up, ".upper-case"},
                                  {cu, ".charset-upper-case"},
                                  {cq, ".charset-quoted"},
                                  {nsp, ".charset-no-space"},
                                  {wsp, ".space-before-semicolon"},
                                  {extra, ".extra-parameter"}};
    for (int v = 0; v < 8; v++) {
      snprintf(id, sizeof id, "pos.media.%s%s", sl, variants[v][1]);
      cJSON *c = hc_add_case(g, id, HREQ_REQUEST_MEDIA_TYPES, "positive", HJUDGE_EXPECT_CREATED,
                             "minimal body sent as %s (documented: %s)", variants[v][0],
                             op->request[i].media_type);
      cJSON_ReplaceItemInObjectCaseSensitive(c, "content_type", cJSON_CreateString(variants[v][0]));
      if (v == 2)
        hc_set_tolerated(c, "media types are case-insensitive (RFC 9110 8.3.1), but many servers "
                            "compare them case-sensitively");
      else if (v == 4)
        hc_set_tolerated(c, "a quoted charset value is the same parameter (RFC 9110 8.3.1, 5.6.6), "
                            "but several media-type parsers compare the value literally");
      else if (v == 6)
        hc_set_tolerated(c, "RFC 9110 5.6.6 allows white space before ';', but common media-type "
                            "parsers (Express type-is/media-typer) then do not recognize the "
                            "type");
      else if (v == 7)
        hc_set_tolerated(c, "RFC 9110 8.3.1 allows parameters the server does not know, but "
                            "several frameworks refuse a media type with an unknown parameter");
      hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
    }
  }
}

void hc_name_cases(gen *g) {
  if (!cJSON_GetObjectItemCaseSensitive(g->minimal, NAME_PROPERTY))
    return;
  hc_add_fixed(g, HREQ_NAME_BOUNDARIES);
  bpath p = {{NAME_PROPERTY}, 1};
  cJSON *b = hc_with_value(g, &p, cJSON_CreateString(""));
  cJSON *c = hc_add_case(g, "pos.name.empty", HREQ_NAME_BOUNDARIES, "positive",
                         HJUDGE_EXPECT_CREATED, "name is the empty string (exact name)");
  hc_set_tolerated(c, "the page requires a name: an empty one may be refused as missing");
  hc_set_body(c, b);
  b = hc_with_value(g, &p,
                    cJSON_CreateString(HCASES_NAME_PLACEHOLDER
                                       " Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac "
                                       "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9 "
                                       "\xf0\x9f\x9a\x80"));
  c = hc_add_case(g, "pos.name.non-ascii", HREQ_NAME_BOUNDARIES, "positive", HJUDGE_EXPECT_CREATED,
                  "name with Latin-1, CJK, Arabic and an emoji (UTF-8)");
  hc_set_body(c, b);
  /* escapes written as escapes: only expressible as text */
  cJSON *base = hc_with_value(g, &p, cJSON_CreateString(RAW_MARK));
  char *t = hc_print_with_raw(base, "\"" HCASES_NAME_PLACEHOLDER
                                    " \\\"q\\\" \\\\ \\/ \\t \\n \\u00e9 \\ud83d\\ude80\"");
  cJSON_Delete(base);
  if (t && hc_classify_text(g, t, strlen(t), NULL, NULL)) {
    c = hc_add_case(g, "pos.name.escapes", HREQ_NAME_BOUNDARIES, "positive", HJUDGE_EXPECT_CREATED,
                    "name written with JSON escapes (\\\" \\\\ \\/ \\t \\n "
                    "\\u00e9, a surrogate pair)");
    hc_set_text(c, t);
    cJSON_AddTrueToObject(c, "echo");
  }
  free(t);
  /* 10,000 characters: described, not stored */
  base = hc_with_value(g, &p, cJSON_CreateString(RAW_MARK));
  char *s = cJSON_PrintUnformatted(base);
  cJSON_Delete(base);
  char *m = s ? strstr(s, RAW_MARK) : NULL;
  if (m) {
    c = hc_add_case(g, "pos.name.10000-chars", HREQ_NAME_BOUNDARIES, "positive",
                    HJUDGE_EXPECT_CREATED, "name of %d characters (exact name)", LONG_NAME_CHARS);
    hc_set_tolerated(c, "the schema sets no maxLength, a server may still enforce a storage limit");
    cJSON *segs = cJSON_CreateArray();
    *m = '\0';
    cJSON_AddItemToArray(segs, hc_seg_text(s));
    cJSON_AddItemToArray(segs, hc_seg_repeat("n", LONG_NAME_CHARS));
    cJSON_AddItemToArray(segs, hc_seg_text(m + strlen(RAW_MARK)));
    cJSON_AddItemToObject(c, "body_segments", segs);
  }
  free(s);
}

void hc_raw_cases(gen *g) {
  char *min = cJSON_PrintUnformatted(g->minimal);
  if (!min) {
    hc_fail(g, "out of memory");
    return;
  }
  size_t ml = strlen(min);
  hc_add_fixed(g, HREQ_MALFORMED);
  raw_text bad[4];
  bad[0] = (raw_text){"raw.malformed.truncated", "the minimal body cut in half", NULL};
  bad[0].text = strndup(min, ml / 2);
  bad[1] = (raw_text){"raw.malformed.single-quotes", "single-quoted member names", NULL};
  bad[1].text = strdup(min);
  for (char *q = bad[1].text; q && *q; q++)
    if (*q == '"')
      *q = '\'';
  bad[2] = (raw_text){"raw.malformed.trailing-comma", "a comma before the closing brace", NULL};
  bad[2].text = malloc(ml + 2);
  if (bad[2].text)
    snprintf(bad[2].text, ml + 2, "%.*s,}", (int)ml - 1, min);
  bad[3] = (raw_text){"raw.malformed.not-json", "plain text", NULL};
  bad[3].text = strdup("account=ACC&name=x");
  for (int i = 0; i < 4; i++) {
    if (!bad[i].text)
      continue;
    cJSON *c = hc_add_case(g, bad[i].id, HREQ_MALFORMED, "raw-bytes", HJUDGE_EXPECT_BAD_REQUEST,
                           "%s", bad[i].title);
    hc_set_text(c, bad[i].text);
    free(bad[i].text);
  }
  hc_add_fixed(g, HREQ_TRAILING_DATA);
  cJSON *c = hc_add_case(g, "raw.trailing-garbage", HREQ_TRAILING_DATA, "raw-bytes",
                         HJUDGE_EXPECT_BAD_REQUEST, "the minimal body followed by garbage");
  cJSON *segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToArray(segs, hc_seg_text(" garbage"));
  cJSON_AddItemToObject(c, "body_segments", segs);
  c = hc_add_case(g, "raw.trailing-second-value", HREQ_TRAILING_DATA, "raw-bytes",
                  HJUDGE_EXPECT_BAD_REQUEST, "the minimal body twice");
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToObject(c, "body_segments", segs);

  hc_add_fixed(g, HREQ_EMPTY_BODY);
  c = hc_add_case(g, "raw.empty-body", HREQ_EMPTY_BODY, "raw-bytes", HJUDGE_EXPECT_BAD_REQUEST,
                  "an empty body with a JSON Content-Type");
  hc_set_text(c, "");

  hc_add_fixed(g, HREQ_BOM_EITHER);
  c = hc_add_case(g, "raw.utf8-bom", HREQ_BOM_EITHER, "raw-bytes", HJUDGE_EXPECT_CREATED_OR_BAD,
                  "the minimal body after a UTF-8 BOM");
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_hex("efbbbf"));
  cJSON_AddItemToArray(segs, hc_seg_text(min));
  cJSON_AddItemToObject(c, "body_segments", segs);

  hc_add_fixed(g, HREQ_INVALID_UTF8);
  /* the bytes go inside the name's string */
  char *at_name = strstr(min, HCASES_NAME_PLACEHOLDER);
  static const struct {
    const char *id, *hex, *title;
  } utf8[] = {{"raw.invalid-utf8.ff", "ff", "a 0xFF byte in the name"},
              {"raw.invalid-utf8.overlong", "c0af", "an overlong encoding of '/' in the name"},
              {"raw.invalid-utf8.truncated", "e282", "a truncated 3-byte sequence in the name"},
              {"raw.invalid-utf8.surrogate", "eda080", "an encoded surrogate U+D800 in the name"}};
  for (size_t i = 0; at_name && i < sizeof utf8 / sizeof utf8[0]; i++) {
    c = hc_add_case(g, utf8[i].id, HREQ_INVALID_UTF8, "raw-bytes", HJUDGE_EXPECT_BAD_REQUEST, "%s",
                    utf8[i].title);
    segs = cJSON_CreateArray();
    size_t pre = (size_t)(at_name - min) + strlen(HCASES_NAME_PLACEHOLDER);
    char *head = strndup(min, pre);
    cJSON_AddItemToArray(segs, hc_seg_text(head ? head : ""));
    free(head);
    cJSON_AddItemToArray(segs, hc_seg_hex(utf8[i].hex));
    cJSON_AddItemToArray(segs, hc_seg_text(min + pre));
    cJSON_AddItemToObject(c, "body_segments", segs);
    hc_set_tolerated(c, "common JSON libraries (Go encoding/json, WHATWG decoders) replace invalid "
                        "UTF-8 with U+FFFD instead of refusing it");
  }

  hc_add_fixed(g, HREQ_LONE_SURROGATE);
  if (at_name) {
    bpath p = {{NAME_PROPERTY}, 1};
    cJSON *base = hc_with_value(g, &p, cJSON_CreateString(RAW_MARK));
    char *t = hc_print_with_raw(base, "\"" HCASES_NAME_PLACEHOLDER " \\ud800\"");
    cJSON_Delete(base);
    if (t) {
      c = hc_add_case(g, "raw.lone-surrogate", HREQ_LONE_SURROGATE, "raw-bytes",
                      HJUDGE_EXPECT_BAD_REQUEST,
                      "a lone high surrogate escape \\ud800 in the name");
      hc_set_text(c, t);
      cJSON_AddTrueToObject(c, "lenient_surrogates");
      hc_set_tolerated(c, "RFC 8259 8.2 leaves the handling of a lone surrogate unpredictable "
                          "(JavaScript and Python accept it)");
      free(t);
    }
  }

  hc_add_fixed(g, HREQ_DUPLICATE_NAMES);
  if (at_name) {
    c = hc_add_case(g, "raw.duplicate-keys", HREQ_DUPLICATE_NAMES, "raw-bytes",
                    HJUDGE_EXPECT_CREATED_OR_BAD, "the member \"%s\" twice", NAME_PROPERTY);
    char *t = malloc(ml + 64);
    if (t) {
      snprintf(t, ml + 64, "{\"%s\":\"%s\",%s", NAME_PROPERTY, HCASES_NAME_PLACEHOLDER, min + 1);
      hc_set_text(c, t);
      free(t);
    }
  }

  hc_add_fixed(g, HREQ_DEEP_NESTING);
  c = hc_add_case(g, "raw.deep-nesting", HREQ_DEEP_NESTING, "raw-bytes", HJUDGE_EXPECT_BAD_REQUEST,
                  "arrays nested %d deep", DEEP_NESTING);
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_repeat("[", DEEP_NESTING));
  cJSON_AddItemToArray(segs, hc_seg_repeat("]", DEEP_NESTING));
  cJSON_AddItemToObject(c, "body_segments", segs);
  c = hc_add_case(g, "raw.deep-nesting-objects", HREQ_DEEP_NESTING, "raw-bytes",
                  HJUDGE_EXPECT_BAD_REQUEST, "objects nested %d deep", DEEP_NESTING);
  segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_repeat("{\"a\":", DEEP_NESTING));
  cJSON_AddItemToArray(segs, hc_seg_text("1"));
  cJSON_AddItemToArray(segs, hc_seg_repeat("}", DEEP_NESTING));
  cJSON_AddItemToObject(c, "body_segments", segs);

  hc_add_fixed(g, HREQ_LARGE_BODY);
  /* the minimal body with a string of 1 MiB in the first declared string
   * property the minimal body does not carry (else the name) */
  c = hc_add_case(g, "raw.over-1mib", HREQ_LARGE_BODY, "raw-bytes",
                  HJUDGE_EXPECT_CREATED_BAD_OR_413, "the minimal body padded to over 1 MiB");
  cJSON_AddItemToObject(c, "body_segments", hc_segs_padded(min, OVER_LIMIT_BYTES));
  free(min);
}

void hc_http_cases(gen *g) {
  hc_add_fixed(g, HREQ_UNSUPPORTED_MEDIA_TYPE);
  static const struct {
    const char *id, *ct;
  } bad_ct[] = {{"http.content-type.missing", NULL},
                {"http.content-type.text-plain", "text/plain"},
                {"http.content-type.xml", "application/xml"},
                {"http.content-type.form", "application/x-www-form-urlencoded"},
                {"http.content-type.jsonx", "application/jsonx"}};
  for (size_t i = 0; i < sizeof bad_ct / sizeof bad_ct[0]; i++) {
    const hspec_operation *op = hrules_operation(g->rules);
    if (bad_ct[i].ct && hspec_match_media(op->request, op->n_request, bad_ct[i].ct))
      continue; /* documented after all */
    cJSON *c = hc_add_case(g, bad_ct[i].id, HREQ_UNSUPPORTED_MEDIA_TYPE, "http",
                           HJUDGE_EXPECT_UNSUPPORTED_MEDIA, "a valid body %s%s",
                           bad_ct[i].ct ? "sent as " : "without a Content-Type",
                           bad_ct[i].ct ? bad_ct[i].ct : "");
    cJSON_ReplaceItemInObjectCaseSensitive(
        c, "content_type", bad_ct[i].ct ? cJSON_CreateString(bad_ct[i].ct) : cJSON_CreateNull());
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
  hc_add_fixed(g, HREQ_METHOD_NOT_ALLOWED);
  const char *allowed = hspec_allowed_methods(hrules_spec(g->rules), HRULES_PATH);
  static const char *const methods[] = {"GET", "PUT", "PATCH", "DELETE", "HEAD", "BREW"};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    size_t n = strlen(methods[i]);
    const char *f = allowed ? strstr(allowed, methods[i]) : NULL;
    if (f && (f[n] == ',' || f[n] == '\0'))
      continue;
    char id[64], lower[16];
    for (size_t k = 0; k <= n; k++)
      lower[k] = (char)tolower((unsigned char)methods[i][k]);
    snprintf(id, sizeof id, "http.method.%s", lower);
    int nonstandard = i == sizeof methods / sizeof methods[0] - 1;
    cJSON *c =
        hc_add_case(g, id, HREQ_METHOD_NOT_ALLOWED, "http", HJUDGE_EXPECT_METHOD_NOT_ALLOWED,
                    "%s on the path%s", methods[i], nonstandard ? " (a non-standard method)" : "");
    cJSON_ReplaceItemInObjectCaseSensitive(c, "method", cJSON_CreateString(methods[i]));
    if (nonstandard)
      cJSON_AddTrueToObject(c, "nonstandard_method");
    if (!strcmp(methods[i], "PUT") || !strcmp(methods[i], "PATCH"))
      hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
    else
      cJSON_ReplaceItemInObjectCaseSensitive(c, "content_type", cJSON_CreateNull());
  }
  hc_add_fixed(g, HREQ_AUTH_REQUIRED);
  static const struct {
    const char *id, *auth, *title;
  } auth[] = {{"http.auth.none", "none", "a valid body without Authorization"},
              {"http.auth.wrong", "wrong", "a valid body with a wrong bearer token"}};
  for (size_t i = 0; i < 2; i++) {
    cJSON *c = hc_add_case(g, auth[i].id, HREQ_AUTH_REQUIRED, "http", HJUDGE_EXPECT_UNAUTHORIZED,
                           "%s", auth[i].title);
    cJSON_ReplaceItemInObjectCaseSensitive(c, "auth", cJSON_CreateString(auth[i].auth));
    cJSON_AddTrueToObject(c, "requires_token");
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
}

void hc_semantic_cases(gen *g) {
  for (size_t i = 0; i < hrules_count(g->rules); i++) {
    const hrules_rule *r = hrules_at(g->rules, i);
    hc_add_fixed(g, r->id);
    if (r->scope != HRULES_SCOPE_RESPONSE_201)
      continue;
    char id[160];
    snprintf(id, sizeof id, "sem.%s", strncmp(r->id, "prose.", 6) ? r->id : r->id + 6);
    cJSON *c = hc_add_case(g, id, r->id, "semantics", HJUDGE_EXPECT_CREATED, "a create answers: %s",
                           r->title);
    hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  }
  hc_add_fixed(g, HREQ_DISTINCT);
  cJSON *c = hc_add_case(g, "sem.distinct-creates", HREQ_DISTINCT, "semantics",
                         HJUDGE_EXPECT_CREATED, "the same valid body sent twice");
  cJSON_AddNumberToObject(c, "repeat", 2);
  hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  hc_add_fixed(g, HREQ_AUDIT_CREATED);
  c = hc_add_case(g, "sem.audit-created-at", HREQ_AUDIT_CREATED, "semantics", HJUDGE_EXPECT_CREATED,
                  "a create's audit.created.at against its Date header");
  hc_set_body(c, cJSON_Duplicate(g->minimal, 1));
  /* the echo requirements, one per echoed field of the full body */
  for (const cJSON *m = g->full->child; m; m = m->next) {
    char rid[160];
    if (cJSON_IsString(m) || cJSON_IsNull(m)) {
      snprintf(rid, sizeof rid, HREQ_ECHO_PREFIX "%s", m->string);
      hc_add_req(g, rid, "the 201 echoes the request's %s", m->string);
    } else if (cJSON_IsObject(m)) {
      for (const cJSON *s = m->child; s; s = s->next) {
        snprintf(rid, sizeof rid, HREQ_ECHO_PREFIX "%s.%s", m->string, s->string);
        hc_add_req(g, rid, "the 201 echoes the request's %s.%s", m->string, s->string);
      }
    } else if (cJSON_IsArray(m) && cJSON_IsObject(m->child)) {
      /* a null in place of the array is echoed as null (or left out) */
      snprintf(rid, sizeof rid, HREQ_ECHO_PREFIX "%s", m->string);
      hc_add_req(g, rid, "the 201 echoes the request's %s when it is null", m->string);
      for (const cJSON *s = m->child->child; s; s = s->next) {
        snprintf(rid, sizeof rid, HREQ_ECHO_PREFIX "%s[].%s", m->string, s->string);
        hc_add_req(g, rid, "the 201 echoes the request's %s[].%s", m->string, s->string);
      }
    }
  }
  c = hc_add_case(g, "sem.echo-full", HREQ_ECHO_PREFIX NAME_PROPERTY, "semantics",
                  HJUDGE_EXPECT_CREATED, "a create with every property echoes them");
  hc_set_body(c, cJSON_Duplicate(g->full, 1));
  hc_add_fixed(g, HREQ_TOKEN_ONLY_ON_CREATE);
  c = hc_add_case(g, "sem.token-only-on-create", HREQ_TOKEN_ONLY_ON_CREATE, "semantics",
                  HJUDGE_EXPECT_CREATED, "the token value is not returned by a later read");
  cJSON_AddStringToObject(c, "skip",
                          "the spec has no read operation for API tokens: cannot be checked");
  /* response-side requirements every case's checks feed */
  hc_add_fixed(g, HREQ_TRANSPORT);
  hc_add_fixed(g, HREQ_NO_TIMEOUT);
  hc_add_fixed(g, HREQ_NO_5XX);
  hc_add_fixed(g, HREQ_ALLOW);
  hc_add_fixed(g, HREQ_WWW_AUTHENTICATE);
  hc_add_fixed(g, HREQ_MEDIA_TYPE);
  hc_add_fixed(g, HREQ_STRICT_JSON);
  const hspec_operation *op = hrules_operation(g->rules);
  for (size_t i = 0; i < op->n_responses; i++) {
    if (op->responses[i].status < 100 || !hrules_response_schema(g->rules, op->responses[i].status))
      continue;
    char rid[64];
    snprintf(rid, sizeof rid, HREQ_SCHEMA_RESPONSE_PREFIX "%d", op->responses[i].status);
    hc_add_req(g, rid, "a %d body is valid against its documented schema", op->responses[i].status);
  }
  hc_add_fixed(g, HREQ_PROBLEM_STATUS);
  hc_add_fixed(g, HREQ_DATE);
  hc_add_fixed(g, HREQ_HEAD_NO_BODY);
  hc_add_fixed(g, HREQ_CREATED_ID);
  /* the runner's framing check (HREQ_KEEP_ALIVE_FRAMING in client/hrun.h) */
  hc_add_fixed(g, HREQ_KEEP_ALIVE_FRAMING);
}
