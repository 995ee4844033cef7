/* fuzz_judge: see fuzz_judge.h. */
#include "fuzz_judge.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_gen.h"
#include "fuzz_rfc8259.h"
#include "judge/hjudge.h"

/* A request body the 201's echo checks compare with: test data, valid for the
 * default spec (when it is not, the echo checks simply fail: still judged). */
static const char fuzz_judge_request[] =
    "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"Reporting token\","
    "\"description\":\"fuzz\",\"modules\":[{\"id\":\"MOD-1234\"}]}";

typedef struct {
  hjudge *judge;
  hjson_doc *request_doc, *body_doc;
  const cJSON *request;
  hschema_result *result;
  hjudge_verdict a, b, strict;
  fuzz_gen_oracle *gen; /* the response-side structure oracle, NULL: no schema documented */
  int gen_tried;
} fuzz_judge_state;

static fuzz_judge_state *fuzz_judge_the_state;

static fuzz_judge_state *fuzz_judge_get(const char *target) {
  if (fuzz_judge_the_state) return fuzz_judge_the_state;
  const fuzz_env *env = fuzz_env_get();
  fuzz_judge_state *st = calloc(1, sizeof *st);
  if (!st || !(st->judge = hjudge_new(env->rules)) || !(st->request_doc = hjson_doc_new()) ||
      !(st->body_doc = hjson_doc_new()) || !(st->result = hschema_result_new(0)))
    fuzz_die(target, "out of memory at start");
  hjson_error err;
  st->request = hjson_parse(st->request_doc, fuzz_judge_request, sizeof fuzz_judge_request - 1,
                            NULL, &err);
  if (!st->request) fuzz_die(target, "the built-in request body does not parse: %s", err.msg);
  fuzz_judge_the_state = st;
  return st;
}

static int fuzz_judge_same(const hjudge_verdict *x, const hjudge_verdict *y) {
  if (x->status != y->status || x->n_checks != y->n_checks || x->dropped != y->dropped ||
      strcmp(x->detail, y->detail) != 0)
    return 0;
  for (size_t i = 0; i < x->n_checks; i++) {
    const hjudge_check *p = &x->checks[i], *q = &y->checks[i];
    if (p->status != q->status || strcmp(p->name, q->name) || strcmp(p->message, q->message) ||
        strcmp(p->requirement, q->requirement))
      return 0;
  }
  return 1;
}

static const hjudge_check *fuzz_judge_find(const hjudge_verdict *v, const char *name) {
  for (size_t i = 0; i < v->n_checks; i++)
    if (!strcmp(v->checks[i].name, name)) return &v->checks[i];
  return NULL;
}

/* 1 when some check whose name starts with prefix failed. */
static int fuzz_judge_failed(const hjudge_verdict *v, const char *prefix, int exact) {
  size_t len = strlen(prefix);
  for (size_t i = 0; i < v->n_checks; i++) {
    const hjudge_check *c = &v->checks[i];
    if (strncmp(c->name, prefix, len) != 0 || (exact && c->name[len] != '\0')) continue;
    if (c->status == HSTATUS_FAIL) return 1;
  }
  return 0;
}

static int fuzz_judge_contains(const char *hay, const char *needle, size_t nlen) {
  size_t hl = strlen(hay);
  if (nlen == 0 || hl < nlen) return 0;
  for (size_t i = 0; i + nlen <= hl; i++)
    if (!memcmp(hay + i, needle, nlen)) return 1;
  return 0;
}

/* The name of the first check (or "detail") whose text holds the token, else NULL. */
static const char *fuzz_judge_leaks(const hjudge_verdict *v, const char *tok, size_t tlen) {
  if (fuzz_judge_contains(v->detail, tok, tlen)) return "detail";
  for (size_t i = 0; i < v->n_checks; i++)
    if (fuzz_judge_contains(v->checks[i].message, tok, tlen)) return v->checks[i].name;
  return NULL;
}

void fuzz_judge_body(const char *target, int status, const char *content_type,
                     const uint8_t *data, size_t size) {
  fuzz_judge_state *st = fuzz_judge_get(target);
  const fuzz_env *env = fuzz_env_get();
  hjudge_response resp = {.status = status,
                          .content_type = content_type,
                          .date = "Sat, 28 Nov 2026 12:00:00 GMT",
                          .server = "fuzz",
                          .body = (const char *)data,
                          .body_len = size};
  hjudge_case c = {.expect = status == 201 ? HJUDGE_EXPECT_CREATED : HJUDGE_EXPECT_BAD_REQUEST,
                   .requirement = "fuzz.response",
                   .request_body = status == 201 ? st->request : NULL};

  hjudge_response_judge(st->judge, &c, &resp, HJUDGE_PROFILE_DEFAULT, &st->a);
  hjudge_response_judge(st->judge, &c, &resp, HJUDGE_PROFILE_DEFAULT, &st->b);
  if (!fuzz_judge_same(&st->a, &st->b))
    fuzz_die(target, "the same response judged twice gave different verdicts (%s / %s)",
             hstatus_name(st->a.status), hstatus_name(st->b.status));
  hjudge_response_judge(st->judge, &c, &resp, HJUDGE_PROFILE_STRICT, &st->strict);
  if (st->strict.status < st->a.status)
    fuzz_die(target, "the strict profile is more lenient than the default one (%s < %s)",
             hstatus_name(st->strict.status), hstatus_name(st->a.status));
  hjudge_response_judge(st->judge, &c, &resp, HJUDGE_PROFILE_ASPNET, &st->b);

  /* The body, read and validated here directly. */
  hjson_error err;
  const cJSON *root = hjson_parse(st->body_doc, (const char *)data, size, NULL, &err);
  if (root) fuzz_rfc8259_walk(target, root);

  /* The response-side structure oracle: a body generated valid from the
   * documented schema is accepted, its near misses (and those of this input,
   * when the schema accepts it) are rejected. */
  if (!st->gen_tried) {
    st->gen_tried = 1;
    const cJSON *ss = fuzz_spec_schema(env, status);
    const hschema *sc = hrules_response_schema(env->rules, status);
    if (ss && sc) st->gen = fuzz_gen_oracle_new(target, env->spec, ss, sc, HSCHEMA_DIR_RESPONSE);
    /* a generated 201 body is large next to most fuzz inputs: one input in 4 */
    if (st->gen) fuzz_gen_oracle_sample(st->gen, 4);
  }
  uint64_t h = fg_hash(data, size);
  if (st->gen && (h >> 7) % 4 == 0) {
    cJSON *accepted = NULL;
    hschema_result_reset(st->result);
    if (root && !fuzz_tree_has_nul(root) &&
        hschema_validate(hrules_response_schema(env->rules, status), root, HSCHEMA_DIR_RESPONSE,
                         st->result))
      accepted = cJSON_Duplicate(root, 1);
    fuzz_gen_check(st->gen, h, accepted);
    cJSON_Delete(accepted);
  }
  /* Rejected: the check fails (or warns, for the empty 400 body the default
   * profile tolerates).  Accepted: it does not fail. */
  const hjudge_check *sj = fuzz_judge_find(&st->a, "strict-json");
  if (!root && (!sj || sj->status == HSTATUS_PASS))
    fuzz_die(target, "the strict reader rejects the body (%s) but strict-json is %s", err.msg,
             sj ? hstatus_name(sj->status) : "missing");
  if (root && sj && sj->status == HSTATUS_FAIL)
    fuzz_die(target, "the strict reader accepts the body but strict-json fails: %s", sj->message);
  if (!root) return;

  hschema_result_reset(st->result);
  int ok = hrules_check_response(env->rules, status, root, st->result);
  int judged_bad = fuzz_judge_failed(&st->a, "schema", 1) || fuzz_judge_failed(&st->a, "prose:", 0);
  if (ok == judged_bad)
    fuzz_die(target, "hrules_check_response says %s but the judge's schema/prose checks %s",
             ok ? "valid" : "invalid", judged_bad ? "fail" : "pass");

  if (status >= 400 && cJSON_IsObject(root)) {
    const cJSON *s = hjson_get(root, "status", 6);
    if (s && !cJSON_IsNull(s)) {
      int mismatch = !cJSON_IsNumber(s) || s->valuedouble != (double)status;
      const hjudge_check *pc = fuzz_judge_find(&st->a, "problem-status");
      if (!pc || (pc->status == HSTATUS_FAIL) != mismatch)
        fuzz_die(target, "problem-status is %s but ProblemDetails.status %s the HTTP status",
                 pc ? hstatus_name(pc->status) : "missing",
                 mismatch ? "differs from" : "equals");
    }
  }

  /* The token value never appears in what a report would show.  A message
   * may hold the same characters by chance (a token "value 'MOD-1234'"), so
   * it counts as a leak only when it goes away with the token: the body is
   * judged again with the token's bytes replaced. */
  if (cJSON_IsObject(root)) {
    size_t tlen = 0;
    const char *tok = hjson_string(hjson_get(root, "token", 5), &tlen);
    if (tok && tlen >= 8 && !memchr(tok, '\0', tlen) && fuzz_judge_leaks(&st->a, tok, tlen)) {
      /* The token as written in the body, between quotes (no escapes in it). */
      const char *at = NULL;
      for (size_t i = 0; i + tlen + 2 <= size; i++)
        if (data[i] == '"' && data[i + tlen + 1] == '"' && !memcmp(data + i + 1, tok, tlen)) {
          at = (const char *)data + i + 1;
          break;
        }
      if (!at) return; /* written with escapes: not comparable byte for byte */
      char *copy = malloc(size);
      if (!copy) fuzz_die(target, "out of memory");
      memcpy(copy, data, size);
      memset(copy + (at - (const char *)data), 'Q', tlen);
      resp.body = copy;
      hjudge_response_judge(st->judge, &c, &resp, HJUDGE_PROFILE_DEFAULT, &st->b);
      free(copy);
      if (!fuzz_judge_leaks(&st->b, tok, tlen))
        fuzz_die(target, "the verdict shows the 201's token value (check \"%s\")",
                 fuzz_judge_leaks(&st->a, tok, tlen));
    }
  }
}
