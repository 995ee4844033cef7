/* hmock_request: the request logic of the mock (no sockets).
 *
 * hmock_precheck judges the request line and headers (path 404, method 405 +
 * Allow, bearer token 401, body size 413, Content-Type 415 against the
 * request media types the spec documents); hmock_handle then reads the body
 * strictly (hjson_parse), checks it against the spec's request schema for that
 * media type and the page's prose rules (hrules_check_request), answers 400
 * with every violation (hmock_problem.c) or 201 (hmock_created.c).  The
 * request-side faults are here: auth-*, ignore-auth, hang-large-body,
 * reject-text-json, charset-exact, accept-*, item-rules-first-only,
 * undeclared-null-ignored, reject-null, duplicate-key-last-wins,
 * member-order, pretty-refused, 500-on-huge-number, 500-on-deep-nesting,
 * same-name-conflict, same-body-same-token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock/hmock_int.h"

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
    int same = hmock_has(m, HMOCK_FAULT_AUTH_SCHEME_CASE)
                   ? strncmp(value, "Bearer", scheme) == 0
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
    hmock_problem(m, 404, "no such resource", out);
    return 1;
  }
  if (!req->method || strcmp(req->method, m->method_upper) != 0) { /* methods are case-sensitive */
    char detail[128];
    snprintf(detail, sizeof detail, "this resource allows %s", m->allow);
    hmock_problem(m, 405, detail, out);
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
        hmock_problem_one(m, detail, "$", "Authorization must be sent once", out);
        return 1;
      }
    }
    if (!auth_ok(m, value, &wrong)) {
      hmock_problem_auth(m, wrong, out);
      return 1;
    }
  }
  if (req->body_too_large) {
    if (hmock_has(m, HMOCK_FAULT_HANG_LARGE_BODY))
      return 1; /* status 0: never answered */
    char detail[128];
    snprintf(detail, sizeof detail, "the request body is over the limit of %zu bytes", m->max_body);
    hmock_problem(m, 413, detail, out);
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
    hmock_problem(m, 415, detail, out);
    return 1;
  }
  return 0;
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
  uint64_t h = hutil_fnv1a(name, len, HUTIL_FNV_BASIS) | 1;
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
    out->content_type = m->created_ct;
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
  const hspec_media *media = NULL;
  const hschema *schema = hrules_request_schema(m->rules, req->content_type, &media);
  const char *body = req->body ? req->body : "";
  if (hmock_has(m, HMOCK_FAULT_PRETTY_REFUSED) || hmock_has(m, HMOCK_FAULT_500_ON_DEEP_NESTING)) {
    size_t depth;
    int tab_or_cr;
    raw_scan(body, req->body_len, &depth, &tab_or_cr);
    if (hmock_has(m, HMOCK_FAULT_500_ON_DEEP_NESTING) && depth >= 1000) {
      /* the fault: a recursive reader runs out of stack; the error is unhandled */
      hmock_problem(m, 500, "maximum recursion depth exceeded", out);
      return out->status;
    }
    if (hmock_has(m, HMOCK_FAULT_PRETTY_REFUSED) && tab_or_cr) {
      /* the fault: a tokenizer that skips only spaces and line feeds */
      hmock_problem_one(m, "the request body is not valid JSON", "$", "unexpected character", out);
      return out->status;
    }
  }
  uint64_t body_hash = 0;
  if (hmock_has(m, HMOCK_FAULT_SAME_BODY_SAME_TOKEN)) {
    body_hash = hutil_fnv1a(body, req->body_len, HUTIL_FNV_BASIS);
    if (body_replayed(m, body_hash, out))
      return out->status;
  }
  hmock_worker *wk = hmock_worker_get(m);
  if (!wk) {
    hmock_problem_500(m, out);
    return out->status;
  }
  int last_wins = hmock_has(m, HMOCK_FAULT_DUPLICATE_LAST_WINS);
  hjson_error e;
  memset(&e, 0, sizeof e);
  hjson_options jo = {
      .max_bytes = m->max_body, .max_nodes = HMOCK_MAX_NODES, .allow_duplicates = last_wins};
  const cJSON *root = hjson_parse(wk->doc, body, req->body_len, &jo, &e);
  if (!root) {
    if (e.code == HJSON_E_NOMEM)
      hmock_problem_500(m, out);
    else if (e.code == HJSON_E_RANGE && hmock_has(m, HMOCK_FAULT_500_ON_HUGE_NUMBER))
      hmock_problem(m, 500, "Value was either too large or too small for a Double.", out);
    else
      hmock_problem_parse(m, &e, out);
    goto done;
  }
  if (last_wins) /* the fault: the validator reads the first of two members... */
    keep_one_of_each((cJSON *)root, 0, 0);
  if (hmock_has(m, HMOCK_FAULT_MEMBER_ORDER) && cJSON_IsObject(root) && root->child) {
    size_t kl;
    const char *k = hjson_key(root->child, &kl);
    if (kl != 7 || memcmp(k, "account", 7) != 0) {
      /* the fault: a streaming reader that expects the account first */
      hmock_problem_one(m, "the request body breaks 1 rule of the spec", "/account",
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
    hmock_problem_500(m, out);
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
    hmock_problem_violations(m, root, wk->result, keep, failures, out);
    goto done;
  }
  if (last_wins) { /* ...and the handler stores the last one, never validated */
    if (!wk->doc2)
      wk->doc2 = hjson_doc_new();
    const cJSON *again = wk->doc2 ? hjson_parse(wk->doc2, body, req->body_len, &jo, &e) : NULL;
    if (!again) {
      hmock_problem_500(m, out);
      goto done;
    }
    keep_one_of_each((cJSON *)again, 1, 0);
    root = again;
  }
  if (hmock_has(m, HMOCK_FAULT_SAME_NAME_CONFLICT) && name_taken(m, root)) {
    /* the fault: a unique index on the name column */
    hmock_problem(m, 409, "a token with this name already exists", out);
    goto done;
  }
  hmock_created(m, root, media ? media->schema : NULL, out);
  if (body_hash && out->status == 201)
    body_remember(m, body_hash, out);
done:
  if (keep && keep != keep_small)
    free(keep);
  hmock_worker_put(m, wk, req->body_len);
  return out->status;
}
