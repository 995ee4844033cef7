/* judge_multi_fuzzer: the judge's paths that look at more than one body -
 * hjudge_distinct (two creates), hjudge_created_fields (the created-resources
 * list and redaction) and the echo checks of hjudge_response_judge (a 201
 * against the request that produced it).
 *
 * Input: up to three parts separated by JM_NEXT ("\n@@@@\n"): the first
 * create's 201 body, the second create's 201 body (absent: the first again),
 * the request body (absent: a built-in valid request).
 *
 * Oracles beyond "no crash, no leak":
 *  - no token value (of either 201 body) in any check message or the detail
 *    of any verdict: a message that shows the token's bytes counts as a leak
 *    when they go away once the token is masked in the body (so a request
 *    value that happens to equal the token is not one);
 *  - distinct-creates: skip when either body is not a JSON object or lacks a
 *    string id or token, fail exactly when the ids or the token values are
 *    equal (byte for byte), pass otherwise - worked out here from the trees;
 *  - hjudge_created_fields: 1 exactly for an object; id and token are
 *    prefixes of the body's strings ("" when absent), whole when they fit,
 *    never a byte past the capacity (guard bytes checked);
 *  - echo: for each top-level string member of the request, "echo:<name>"
 *    passes exactly when the 201 holds the same string under the same name;
 *  - the RFC 8259 walk on every body the strict reader accepts;
 *  - deterministic: the same pair judged twice gives the same verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_rfc8259.h"
#include "judge/hjudge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define JM_NAME "judge_multi_fuzzer"
#define JM_NEXT "\n@@@@\n"
#define JM_GUARD 16

static const char jm_default_request[] =
    "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"Reporting token\","
    "\"description\":\"fuzz\",\"modules\":[{\"id\":\"MOD-1234\"}]}";

typedef struct {
  hjudge *judge;
  hjson_doc *da, *db, *dr;
  hjudge_verdict v1, v2;
} jm_state;

static jm_state *jm_the_state;

static jm_state *jm_get(void) {
  if (jm_the_state) return jm_the_state;
  const fuzz_env *env = fuzz_env_get();
  jm_state *st = calloc(1, sizeof *st);
  if (!st || !(st->judge = hjudge_new(env->rules)) || !(st->da = hjson_doc_new()) ||
      !(st->db = hjson_doc_new()) || !(st->dr = hjson_doc_new()))
    fuzz_die(JM_NAME, "out of memory at start");
  jm_the_state = st;
  return st;
}

typedef struct {
  const char *p;
  size_t n;
} jm_part;

static const uint8_t *jm_find(const uint8_t *h, size_t hl, const char *needle, size_t nl) {
  for (size_t i = 0; i + nl <= hl; i++)
    if (!memcmp(h + i, needle, nl)) return h + i;
  return NULL;
}

static int jm_contains(const char *hay, const char *needle, size_t nlen) {
  size_t hl = strlen(hay);
  if (!nlen || hl < nlen) return 0;
  for (size_t i = 0; i + nlen <= hl; i++)
    if (!memcmp(hay + i, needle, nlen)) return 1;
  return 0;
}

/* The name of a check (or "detail") whose text holds tok, else NULL. */
static const char *jm_leaks(const hjudge_verdict *v, const char *tok, size_t tlen) {
  if (jm_contains(v->detail, tok, tlen)) return "detail";
  for (size_t i = 0; i < v->n_checks; i++)
    if (jm_contains(v->checks[i].message, tok, tlen)) return v->checks[i].name;
  return NULL;
}

/* A string member's bytes, or NULL (absent, not a string). */
static const char *jm_member(const cJSON *o, const char *name, size_t *len) {
  if (!cJSON_IsObject(o)) return NULL;
  return hjson_string(hjson_get(o, name, strlen(name)), len);
}

/* A copy of part with every quoted, unescaped occurrence of tok masked by 'Q's
 * (malloc'd, same length); NULL when tok is not written that way. */
static char *jm_mask(const jm_part *part, const char *tok, size_t tlen) {
  char *copy = malloc(part->n ? part->n : 1);
  if (!copy) fuzz_die(JM_NAME, "out of memory");
  memcpy(copy, part->p, part->n);
  int found = 0;
  for (size_t i = 0; i + tlen + 2 <= part->n; i++)
    if (copy[i] == '"' && copy[i + tlen + 1] == '"' && !memcmp(copy + i + 1, tok, tlen)) {
      memset(copy + i + 1, 'Q', tlen);
      found = 1;
    }
  if (!found) {
    free(copy);
    return NULL;
  }
  return copy;
}

static int jm_same_verdict(const hjudge_verdict *x, const hjudge_verdict *y) {
  if (x->status != y->status || x->n_checks != y->n_checks || strcmp(x->detail, y->detail)) return 0;
  for (size_t i = 0; i < x->n_checks; i++)
    if (x->checks[i].status != y->checks[i].status || strcmp(x->checks[i].name, y->checks[i].name) ||
        strcmp(x->checks[i].message, y->checks[i].message))
      return 0;
  return 1;
}

/* Runs hjudge_distinct on the two parts into v (fresh). */
static void jm_distinct(jm_state *st, const jm_part *a, const jm_part *b, hjudge_verdict *v) {
  hjudge_verdict_init(v);
  hjudge_distinct(st->judge, a->p, a->n, b->p, b->n, v);
}

static void jm_check_distinct(jm_state *st, const jm_part *a, const jm_part *b, const cJSON *ra,
                              const cJSON *rb) {
  jm_distinct(st, a, b, &st->v1);
  jm_distinct(st, a, b, &st->v2);
  if (!jm_same_verdict(&st->v1, &st->v2))
    fuzz_die(JM_NAME, "hjudge_distinct on the same pair gave different verdicts");
  const hjudge_check *c = NULL;
  for (size_t i = 0; i < st->v1.n_checks; i++)
    if (!strcmp(st->v1.checks[i].name, "distinct-creates")) c = &st->v1.checks[i];
  if (!c) fuzz_die(JM_NAME, "hjudge_distinct added no \"distinct-creates\" check");
  size_t lia = 0, lib = 0, lta = 0, ltb = 0;
  const char *ia = jm_member(ra, "id", &lia), *ib = jm_member(rb, "id", &lib);
  const char *ta = jm_member(ra, "token", &lta), *tb = jm_member(rb, "token", &ltb);
  hstatus want;
  if (!cJSON_IsObject(ra) || !cJSON_IsObject(rb) || !ia || !ib || !ta || !tb) want = HSTATUS_SKIP;
  else if ((lia == lib && !memcmp(ia, ib, lia)) || (lta == ltb && !memcmp(ta, tb, lta)))
    want = HSTATUS_FAIL;
  else want = HSTATUS_PASS;
  if (c->status != want)
    fuzz_die(JM_NAME, "distinct-creates is %s, the two bodies say %s (%s)",
             hstatus_name(c->status), hstatus_name(want), c->message);
}

static void jm_check_fields(jm_state *st, const jm_part *a, const cJSON *ra, size_t cap) {
  char id[256 + JM_GUARD], tok[256 + JM_GUARD];
  memset(id, 0x5a, sizeof id);
  memset(tok, 0x5a, sizeof tok);
  int obj = hjudge_created_fields(st->judge, a->p, a->n, id, cap, tok, cap);
  for (size_t i = cap; i < cap + JM_GUARD; i++)
    if ((unsigned char)id[i] != 0x5a || (unsigned char)tok[i] != 0x5a)
      fuzz_die(JM_NAME, "hjudge_created_fields wrote past its %zu-byte buffer", cap);
  if (obj != cJSON_IsObject(ra))
    fuzz_die(JM_NAME, "hjudge_created_fields says %d for a body that is %san object", obj,
             cJSON_IsObject(ra) ? "" : "not ");
  const char *names[2] = {"id", "token"};
  const char *outs[2] = {id, tok};
  for (int k = 0; k < 2; k++) {
    size_t vl = 0;
    const char *v = jm_member(ra, names[k], &vl);
    const char *out = outs[k];
    size_t ol = strnlen(out, cap);
    if (ol == cap) fuzz_die(JM_NAME, "hjudge_created_fields left %s unterminated", names[k]);
    if (!v) {
      if (ol) fuzz_die(JM_NAME, "hjudge_created_fields filled %s from a body without one", names[k]);
      continue;
    }
    size_t upto = strnlen(v, vl); /* a C string stops at a NUL byte */
    if (ol > upto || memcmp(out, v, ol) != 0)
      fuzz_die(JM_NAME, "hjudge_created_fields' %s is not a prefix of the body's", names[k]);
    if (upto < cap && ol != upto)
      fuzz_die(JM_NAME, "hjudge_created_fields cut %s to %zu bytes though %zu fit in %zu", names[k],
               ol, upto, cap);
  }
}

/* The 201 of part a judged against the request: echo and leaks. */
static void jm_judge(jm_state *st, const jm_part *a, const cJSON *req, hjudge_verdict *v) {
  hjudge_response resp = {.status = 201,
                          .content_type = "application/json",
                          .date = "Sat, 28 Nov 2026 12:00:00 GMT",
                          .body = a->p,
                          .body_len = a->n};
  hjudge_case c = {.expect = HJUDGE_EXPECT_CREATED, .requirement = "fuzz.judge-multi",
                   .request_body = req};
  hjudge_response_judge(st->judge, &c, &resp, HJUDGE_PROFILE_DEFAULT, v);
}

static void jm_check_echo(const hjudge_verdict *v, const cJSON *req, const cJSON *ra) {
  if (!cJSON_IsObject(req) || !cJSON_IsObject(ra) || v->dropped) return;
  for (const cJSON *m = req->child; m; m = m->next) {
    size_t kl = 0, ml = 0, rl = 0;
    const char *k = hjson_key(m, &kl);
    if (!k || strlen(k) != kl || kl + 6 >= HJUDGE_NAME_MAX || !cJSON_IsString(m)) continue;
    char name[HJUDGE_NAME_MAX];
    snprintf(name, sizeof name, "echo:%s", k);
    const hjudge_check *c = NULL;
    for (size_t i = 0; i < v->n_checks; i++)
      if (!strcmp(v->checks[i].name, name)) c = &v->checks[i];
    if (!c) continue; /* the judge may stop before echo (no JSON object): not ours to say */
    const char *ms = hjson_string(m, &ml);
    const char *rs = hjson_string(hjson_get(ra, k, kl), &rl);
    int same = rs && ms && rl == ml && !memcmp(rs, ms, ml);
    if ((c->status == HSTATUS_PASS) != same)
      fuzz_die(JM_NAME, "%s is %s but the 201 %s the request's string", name,
               hstatus_name(c->status), same ? "echoes" : "does not echo");
  }
}

/* Dies when a verdict shows a token value that masking the token removes. */
static void jm_check_leak(jm_state *st, const char *what, const hjudge_verdict *v, const char *tok,
                          size_t tlen, const jm_part *a, const jm_part *b, const cJSON *req,
                          int which) {
  if (!tok || tlen < 8 || memchr(tok, '\0', tlen) || !jm_leaks(v, tok, tlen)) return;
  const char *check = jm_leaks(v, tok, tlen);
  char *ma = jm_mask(a, tok, tlen), *mb = jm_mask(b, tok, tlen);
  if (!ma && !mb) return; /* written with escapes: not comparable byte for byte */
  jm_part pa = {ma ? ma : a->p, a->n}, pb = {mb ? mb : b->p, b->n};
  hjudge_verdict *again = &st->v2;
  if (which == 0) jm_distinct(st, &pa, &pb, again);
  else jm_judge(st, &pa, req, again);
  free(ma);
  free(mb);
  if (!jm_leaks(again, tok, tlen))
    fuzz_die(JM_NAME, "%s shows a 201's token value (check \"%s\")", what, check);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  jm_state *st = jm_get();
  jm_part parts[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
  size_t np = 0;
  const uint8_t *p = data, *end = data + size;
  while (np < 3) {
    const uint8_t *sep = np < 2 ? jm_find(p, (size_t)(end - p), JM_NEXT, sizeof JM_NEXT - 1) : NULL;
    parts[np].p = (const char *)p;
    parts[np].n = sep ? (size_t)(sep - p) : (size_t)(end - p);
    np++;
    if (!sep) break;
    p = sep + sizeof JM_NEXT - 1;
  }
  if (np < 2) parts[1] = parts[0];
  if (np < 3) {
    parts[2].p = jm_default_request;
    parts[2].n = sizeof jm_default_request - 1;
  }
  /* Each part in a buffer of exactly its size, so ASan sees over-reads. */
  char *copies[3];
  for (int i = 0; i < 3; i++) {
    copies[i] = malloc(parts[i].n ? parts[i].n : 1);
    if (!copies[i]) fuzz_die(JM_NAME, "out of memory");
    memcpy(copies[i], parts[i].p, parts[i].n);
    parts[i].p = copies[i];
  }

  const cJSON *ra = hjson_parse(st->da, parts[0].p, parts[0].n, NULL, NULL);
  const cJSON *rb = hjson_parse(st->db, parts[1].p, parts[1].n, NULL, NULL);
  const cJSON *req = hjson_parse(st->dr, parts[2].p, parts[2].n, NULL, NULL);
  fuzz_rfc8259_walk(JM_NAME, ra);
  fuzz_rfc8259_walk(JM_NAME, rb);
  fuzz_rfc8259_walk(JM_NAME, req);

  size_t lta = 0, ltb = 0;
  const char *ta = jm_member(ra, "token", &lta), *tb = jm_member(rb, "token", &ltb);

  /* distinct */
  jm_check_distinct(st, &parts[0], &parts[1], ra, rb);
  jm_check_leak(st, "hjudge_distinct", &st->v1, ta, lta, &parts[0], &parts[1], req, 0);
  jm_check_leak(st, "hjudge_distinct", &st->v1, tb, ltb, &parts[0], &parts[1], req, 0);

  /* created fields, with a capacity drawn from the input */
  static const size_t caps[] = {1, 8, 17, 64, 256};
  jm_check_fields(st, &parts[0], ra, caps[size % (sizeof caps / sizeof *caps)]);

  /* echo and the judgement of the first 201 against the request */
  jm_judge(st, &parts[0], req, &st->v1);
  jm_check_echo(&st->v1, req, ra);
  jm_check_leak(st, "the 201's verdict", &st->v1, ta, lta, &parts[0], &parts[1], req, 1);

  for (int i = 0; i < 3; i++) free(copies[i]);
  return 0;
}
