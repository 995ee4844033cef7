/* hcases: the catalogue generator - hcases_generate (the full and the
 * minimal valid body, then every family in a fixed order) and the catalogue's
 * entries: requirements, cases and the emitters that classify a body with the
 * rules before it becomes a case.  The other files of harness/cases/:
 * hcases_gen.c (values and pattern strings), hcases_walk.c (the schema walk),
 * hcases_fixed.c (media types, raw bytes, HTTP, semantics), hcases_families.c
 * and the valid / invalid / http families, hcases_io.c (reading and
 * materializing), hcases_view.c (the schema view).  See hcases.h. */
#include "cases/hcases.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/hcases_int.h"
#include "json/hjson.h"

/* Messages and ids are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void hc_fail(gen *g, const char *fmt, ...) {
  if (g->failed)
    return;
  g->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g->err->msg, sizeof g->err->msg, fmt, ap);
  va_end(ap);
}

/* Validates body: 1 valid; 0 invalid with *prose the first prose rule id
 * violated (NULL if none) and *spec_bad 1 when the spec schema failed. */
int hc_classify(gen *g, const cJSON *body, const char **prose, int *spec_bad) {
  hschema_result_reset(g->res);
  int ok = hrules_check_request(g->rules, NULL, body, g->res);
  if (prose)
    *prose = NULL;
  if (spec_bad)
    *spec_bad = 0;
  for (size_t i = 0; i < hschema_result_count(g->res); i++) {
    const hschema_violation *x = hschema_result_at(g->res, i);
    if (x->warning)
      continue;
    const char *id = hrules_violation_rule(g->rules, x);
    if (id && prose && !*prose)
      *prose = id;
    if (!id && spec_bad)
      *spec_bad = 1;
  }
  return ok;
}

int hc_classify_text(gen *g, const char *text, size_t len, const char **prose, int *spec_bad) {
  const cJSON *root = hjson_parse(g->doc, text, len, NULL, NULL);
  if (!root)
    return 0;
  return hc_classify(g, root, prose, spec_bad);
}

/* ---------- catalogue building ---------- */

static int has_req(const gen *g, const char *id) {
  for (const cJSON *r = g->reqs->child; r; r = r->next)
    if (!strcmp(cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring, id))
      return 1;
  return 0;
}

static void add_req(gen *g, const char *id, const char *klass, const char *source,
                    const char *title) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "id", id);
  cJSON_AddStringToObject(r, "class", klass);
  cJSON_AddStringToObject(r, "title", title);
  cJSON_AddStringToObject(r, "source", source);
  cJSON_AddItemToArray(g->reqs, r);
}

void hc_add_fixed(gen *g, const char *id) {
  if (has_req(g, id))
    return;
  const hreq *r = hreq_find(id);
  if (!r) {
    hc_fail(g, "internal: requirement %s is not in the registry (harness/rules/hreq.c)", id);
    return;
  }
  add_req(g, r->id, r->klass, r->source, r->title);
}

void hc_add_req(gen *g, const char *id, const char *fmt, ...) {
  if (has_req(g, id))
    return;
  if (hreq_find(id)) { /* a fixed entry wins over a family it also matches */
    hc_add_fixed(g, id);
    return;
  }
  const hreq_family *f = hreq_family_of(id);
  if (!f) {
    hc_fail(g, "internal: requirement %s is neither in the registry nor of a family (hreq.h)", id);
    return;
  }
  char title[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(title, sizeof title, fmt, ap);
  va_end(ap);
  add_req(g, id, f->klass, f->source, title);
}

cJSON *hc_add_case(gen *g, const char *id, const char *req, const char *klass, hjudge_expect expect,
                   const char *fmt, ...) {
  char title[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(title, sizeof title, fmt, ap);
  va_end(ap);
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "id", id);
  cJSON_AddStringToObject(c, "requirement", req);
  cJSON_AddStringToObject(c, "class", klass);
  cJSON_AddStringToObject(c, "title", title);
  cJSON_AddStringToObject(c, "method", "POST");
  cJSON_AddStringToObject(c, "content_type", g->default_ct);
  cJSON_AddStringToObject(c, "auth", "token");
  cJSON_AddStringToObject(c, "expect", hjudge_expect_name(expect));
  if (expect == HJUDGE_EXPECT_CREATED) {
    cJSON_AddTrueToObject(c, "echo");
    cJSON_AddTrueToObject(c, "creates");
  } else if (expect == HJUDGE_EXPECT_CREATED_OR_BAD || expect == HJUDGE_EXPECT_CREATED_BAD_OR_413) {
    cJSON_AddTrueToObject(c, "creates");
  }
  cJSON_AddItemToArray(g->cases, c);
  return c;
}

void hc_set_body(cJSON *c, cJSON *body) { cJSON_AddItemToObject(c, "body", body); }

/* The documents leave the outcome to the implementation: the other outcome is
 * a warning (hjudge_case.tolerated). */
void hc_set_tolerated(cJSON *c, const char *why) {
  cJSON_AddTrueToObject(c, "tolerated");
  cJSON_AddStringToObject(c, "tolerated_reason", why);
}

void hc_set_text(cJSON *c, const char *text) {
  cJSON_DeleteItemFromObjectCaseSensitive(c, "echo");
  cJSON_AddStringToObject(c, "body_text", text);
  /* a text body is still JSON when it parses: the runner reads it for echoes */
}

cJSON *hc_seg_text(const char *t) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "text", t);
  return s;
}

cJSON *hc_seg_repeat(const char *t, size_t n) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "repeat", t);
  cJSON_AddNumberToObject(s, "count", (double)n);
  return s;
}

cJSON *hc_seg_hex(const char *hex) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "hex", hex);
  return s;
}

cJSON *hc_segs_padded(const char *min, size_t pad) {
  cJSON *segs = cJSON_CreateArray();
  cJSON_AddItemToArray(segs, hc_seg_text("{\"x-apiharness-padding\":\""));
  cJSON_AddItemToArray(segs, hc_seg_repeat("a", pad));
  size_t ml = strlen(min);
  char *tail = malloc(ml + 8);
  if (tail) {
    snprintf(tail, ml + 8, "\",%s", min + 1);
    cJSON_AddItemToArray(segs, hc_seg_text(tail));
    free(tail);
  }
  return segs;
}

/* "account-id", "modules-id", "body" */
void hc_slug(const bpath *p, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n; i++) {
    if (!strcmp(p->tok[i], "[]"))
      continue;
    for (const char *s = p->tok[i]; *s && o + 2 < cap; s++)
      buf[o++] = isalnum((unsigned char)*s) ? (char)tolower((unsigned char)*s) : '-';
    buf[o++] = '-';
  }
  if (o == 0)
    snprintf(buf, cap, "body");
  else
    buf[o - 1] = '\0';
  if (p->n && !strcmp(p->tok[p->n - 1], "[]") && o + 5 < cap)
    snprintf(buf + o - 1, cap - (o - 1), "-item");
}

/* "account.id", "modules[0].id", "the body" */
void hc_human(const bpath *p, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n && o + 4 < cap; i++) {
    if (!strcmp(p->tok[i], "[]")) {
      o += (size_t)snprintf(buf + o, cap - o, "[0]");
      continue;
    }
    o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "." : "", p->tok[i]);
  }
  if (o == 0)
    snprintf(buf, cap, "the body");
}

/* The requirement id of a keyword at a location: owner component + property. */
void hc_req_id(char *buf, size_t cap, const char *owner, const char *prop, int items,
               const char *keyword) {
  if (prop)
    snprintf(buf, cap, "schema.request.%s.%s%s.%s", owner ? owner : "body", prop,
             items ? ".items" : "", keyword);
  else
    snprintf(buf, cap, "schema.request.%s.%s", owner ? owner : "body", keyword);
}

/* A negative case, if the body is indeed rejected; the requirement is
 * `spec_req` when the spec schema rejects it, else the prose rule that does.
 * tolerated (may be NULL): why a 201 is only a warning (hjudge_case). */
void hc_neg_case_t(gen *g, const char *id, const char *spec_req, const char *spec_title,
                   cJSON *body, const char *fmt, const char *arg, int aspnet,
                   const char *aspnet_reason, const char *tolerated) {
  if (!body)
    return;
  const char *prose;
  int spec_bad;
  if (hc_classify(g, body, &prose, &spec_bad)) {
    cJSON_Delete(body); /* the spec accepts it after all: not a negative case */
    return;
  }
  const char *req = (spec_bad && spec_req[0]) ? spec_req : prose;
  if (!req) {
    cJSON_Delete(body);
    return;
  }
  if (req == spec_req)
    hc_add_req(g, spec_req, "%s", spec_title);
  cJSON *c = hc_add_case(g, id, req, "negative-body", HJUDGE_EXPECT_BAD_REQUEST, fmt, arg);
  if (aspnet) {
    cJSON_AddTrueToObject(c, "aspnet_tolerated");
    cJSON_AddStringToObject(c, "aspnet_reason", aspnet_reason);
  }
  if (tolerated)
    hc_set_tolerated(c, tolerated);
  hc_set_body(c, body);
}

void hc_neg_case(gen *g, const char *id, const char *spec_req, const char *spec_title, cJSON *body,
                 const char *fmt, const char *arg, int aspnet, const char *aspnet_reason) {
  hc_neg_case_t(g, id, spec_req, spec_title, body, fmt, arg, aspnet, aspnet_reason, NULL);
}

void hc_pos_case(gen *g, const char *id, const char *req, cJSON *body, const char *fmt,
                 const char *arg) {
  if (!body)
    return;
  if (!hc_classify(g, body, NULL, NULL)) {
    cJSON_Delete(body);
    return;
  }
  cJSON *c = hc_add_case(g, id, req, "positive", HJUDGE_EXPECT_CREATED, fmt, arg);
  hc_set_body(c, body);
}

cJSON *hcases_generate(const hrules *rules, unsigned seed, herr *err) {
  herr local;
  if (!err)
    err = &local;
  err->msg[0] = '\0';
  gen g;
  memset(&g, 0, sizeof g);
  g.rules = rules;
  g.spec = hrules_spec(rules);
  g.err = err;
  g.rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed * 0x100000001B3ull + 1);
  cJSON *cat = NULL;
  const hspec_operation *op = hrules_operation(rules);
  if (!op || op->n_request == 0 || !op->request[0].schema) {
    snprintf(err->msg, sizeof err->msg, "%s: the operation declares no request body schema",
             hspec_name(g.spec));
    return NULL;
  }
  g.root_schema = op->request[0].schema;
  hc_concrete_media(op->request[0].media_type, g.default_ct_buf, sizeof g.default_ct_buf);
  g.default_ct = g.default_ct_buf;
  g.res = hschema_result_new(0);
  g.doc = hjson_doc_new();
  g.reqs = cJSON_CreateArray();
  g.cases = cJSON_CreateArray();
  if (!g.res || !g.doc || !g.reqs || !g.cases) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
    goto fail;
  }
  g.full = hc_gen_value(&g, g.root_schema, NULL, 1, 0);
  /* top-level values first, so NAME_PROPERTY gets the placeholder */
  if (cJSON_IsObject(g.full)) {
    hcview v;
    hcview_of(g.spec, g.root_schema, &v);
    cJSON_Delete(g.full);
    g.full = cJSON_CreateObject();
    for (size_t i = 0; i < v.n_props; i++)
      cJSON_AddItemToObject(g.full, v.props[i].name,
                            hc_gen_value(&g, v.props[i].schema, v.props[i].name, 1, 1));
  }
  if (g.failed)
    goto fail;
  if (!hc_classify(&g, g.full, NULL, NULL)) {
    const hschema_violation *x = hschema_result_count(g.res) ? hschema_result_at(g.res, 0) : NULL;
    snprintf(err->msg, sizeof err->msg,
             "cannot build a valid request body from the spec: %s at %s (%s)", x ? x->message : "?",
             x ? x->instance : "?", x ? x->schema : "?");
    goto fail;
  }
  g.minimal = cJSON_Duplicate(g.full, 1);
  hc_minimize(&g, g.minimal);
  if (!hc_classify(&g, g.minimal, NULL, NULL)) {
    snprintf(err->msg, sizeof err->msg, "internal: the minimal body is not valid");
    goto fail;
  }
  hc_add_fixed(&g, HREQ_POSITIVE_MINIMAL);
  hc_add_fixed(&g, HREQ_POSITIVE_FULL);
  cJSON *c = hc_add_case(&g, "pos.minimal", HREQ_POSITIVE_MINIMAL, "positive",
                         HJUDGE_EXPECT_CREATED, "the minimal valid body");
  hc_set_body(c, cJSON_Duplicate(g.minimal, 1));
  c = hc_add_case(&g, "pos.full", HREQ_POSITIVE_FULL, "positive", HJUDGE_EXPECT_CREATED,
                  "every declared property present");
  hc_set_body(c, cJSON_Duplicate(g.full, 1));
  hc_walk(&g);
  hc_name_cases(&g);
  hc_positive_families(&g);
  hc_media_cases(&g);
  hc_negative_families(&g);
  hc_raw_cases(&g);
  hc_http_cases(&g);
  hc_auth_cases(&g);
  hc_semantic_cases(&g);
  hc_sequence_cases(&g);
  if (g.failed)
    goto fail;
  /* ids must be unique */
  for (const cJSON *a = g.cases->child; a; a = a->next)
    for (const cJSON *b = a->next; b; b = b->next)
      if (!strcmp(cJSON_GetObjectItemCaseSensitive(a, "id")->valuestring,
                  cJSON_GetObjectItemCaseSensitive(b, "id")->valuestring)) {
        snprintf(err->msg, sizeof err->msg, "internal: duplicate case id %s",
                 cJSON_GetObjectItemCaseSensitive(a, "id")->valuestring);
        goto fail;
      }
  cat = cJSON_CreateObject();
  cJSON_AddStringToObject(cat, "format", HCASES_FORMAT);
  cJSON_AddStringToObject(cat, "generator", "apiharness cases");
  cJSON_AddNumberToObject(cat, "seed", seed);
  cJSON *spec = cJSON_AddObjectToObject(cat, "spec");
  cJSON_AddStringToObject(spec, "title", hspec_title(g.spec) ? hspec_title(g.spec) : "");
  cJSON_AddStringToObject(spec, "version", hspec_version(g.spec) ? hspec_version(g.spec) : "");
  cJSON_AddStringToObject(spec, "sha256", hspec_sha256(g.spec));
  cJSON_AddItemToObject(cat, "requirements", g.reqs);
  cJSON_AddItemToObject(cat, "cases", g.cases);
  g.reqs = g.cases = NULL;
fail:
  cJSON_Delete(g.full);
  cJSON_Delete(g.minimal);
  cJSON_Delete(g.reqs);
  cJSON_Delete(g.cases);
  hschema_result_free(g.res);
  hjson_doc_free(g.doc);
  return cat;
}
