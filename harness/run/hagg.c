/* hagg: requirement aggregation of a run.  See hagg.h. */
#include "run/hagg.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  cJSON *obj; /* the requirement entry in the report */
  int rank;   /* worst status seen, -1: none */
  int error;  /* a case of it could not run */
  const char *skip_reason;
  cJSON *cases; /* ids */
} req_acc;

struct hagg {
  req_acc *reqs;
  size_t n, cap;
};

int hagg_status_rank(const char *s) {
  if (!s)
    return -1;
  if (!strcmp(s, "fail"))
    return 3;
  if (!strcmp(s, "warn"))
    return 2;
  if (!strcmp(s, "pass"))
    return 1;
  if (!strcmp(s, "skip"))
    return 0;
  return -1;
}

const char *hagg_rank_name(int r) {
  static const char *const names[] = {"skip", "pass", "warn", "fail"};
  return r >= 0 && r <= 3 ? names[r] : "skip";
}

static const char *req_class_guess(const char *id) {
  if (!strncmp(id, "schema.response.", 16) || !strncmp(id, "response.", 9) ||
      !strncmp(id, "rfc9457.", 8))
    return "response";
  if (!strncmp(id, "semantics.", 10))
    return "semantics";
  if (!strncmp(id, "prose.", 6))
    return "prose";
  if (!strncmp(id, "rfc8259.", 8))
    return "rfc8259";
  return "http";
}

static req_acc *find_req(hagg *a, const char *id) {
  for (size_t i = 0; i < a->n; i++) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(a->reqs[i].obj, "id");
    if (cJSON_IsString(x) && !strcmp(x->valuestring, id))
      return &a->reqs[i];
  }
  return NULL;
}

static req_acc *add_req(hagg *a, const char *id, const char *klass, const char *title,
                        const char *source) {
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 64;
    req_acc *r = realloc(a->reqs, nc * sizeof *r);
    if (!r)
      return NULL;
    a->reqs = r;
    a->cap = nc;
  }
  req_acc *r = &a->reqs[a->n];
  memset(r, 0, sizeof *r);
  r->obj = cJSON_CreateObject();
  r->cases = cJSON_CreateArray();
  if (!r->obj || !r->cases) {
    cJSON_Delete(r->obj);
    cJSON_Delete(r->cases);
    return NULL;
  }
  cJSON_AddStringToObject(r->obj, "id", id);
  cJSON_AddStringToObject(r->obj, "class", klass);
  cJSON_AddStringToObject(r->obj, "title", title);
  cJSON_AddStringToObject(r->obj, "source", source);
  r->rank = -1;
  a->n++;
  return r;
}

static void list_case(req_acc *r, const char *case_id) {
  if (cJSON_GetArraySize(r->cases) >= HAGG_CASES_LISTED)
    return;
  for (const cJSON *c = r->cases->child; c; c = c->next)
    if (!strcmp(c->valuestring, case_id))
      return;
  cJSON_AddItemToArray(r->cases, cJSON_CreateString(case_id));
}

hagg *hagg_new(const cJSON *catalogue_requirements) {
  hagg *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  for (const cJSON *r = cJSON_IsArray(catalogue_requirements) ? catalogue_requirements->child : NULL;
       r; r = r->next) {
    if (a->n == a->cap) {
      size_t nc = a->cap ? a->cap * 2 : 128;
      req_acc *x = realloc(a->reqs, nc * sizeof *x);
      if (!x) {
        hagg_free(a);
        return NULL;
      }
      a->reqs = x;
      a->cap = nc;
    }
    req_acc *q = &a->reqs[a->n++];
    memset(q, 0, sizeof *q);
    q->obj = cJSON_Duplicate(r, 1);
    q->rank = -1;
    q->cases = cJSON_CreateArray();
  }
  return a;
}

void hagg_free(hagg *a) {
  if (!a)
    return;
  for (size_t i = 0; i < a->n; i++) {
    cJSON_Delete(a->reqs[i].obj);
    cJSON_Delete(a->reqs[i].cases);
  }
  free(a->reqs);
  free(a);
}

size_t hagg_count(const hagg *a) { return a->n; }

void hagg_case(hagg *a, const char *requirement, const cJSON *res, const char *shown_id) {
  int rank = hagg_status_rank(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "status")));
  req_acc *own = requirement ? find_req(a, requirement) : NULL;
  if (own) {
    list_case(own, shown_id);
    /* its status comes from the checks that carry it ("status"); a skipped
     * case counts as a skip, a case that could not run as an error */
    if (rank < 0)
      own->error = 1;
    else if (rank == 0 && own->rank < 0)
      own->rank = 0;
    if (rank == 0 && !own->skip_reason) {
      const cJSON *d = cJSON_GetObjectItemCaseSensitive(res, "detail");
      own->skip_reason = cJSON_IsString(d) ? d->valuestring : NULL;
    }
  }
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(res, "checks");
  for (const cJSON *k = cJSON_IsArray(checks) ? checks->child : NULL; k; k = k->next) {
    const cJSON *kr = cJSON_GetObjectItemCaseSensitive(k, "requirement");
    const cJSON *ks = cJSON_GetObjectItemCaseSensitive(k, "status");
    if (!cJSON_IsString(kr) || !kr->valuestring[0] || !cJSON_IsString(ks))
      continue;
    req_acc *ra = find_req(a, kr->valuestring);
    if (!ra)
      ra = add_req(a, kr->valuestring, req_class_guess(kr->valuestring), kr->valuestring, "http");
    if (!ra)
      continue;
    int kr_rank = hagg_status_rank(ks->valuestring);
    if (kr_rank > ra->rank)
      ra->rank = kr_rank;
    if (kr_rank >= 2)
      list_case(ra, shown_id);
  }
}

void hagg_explore(hagg *a, const cJSON *explore) {
  const cJSON *xreqs = cJSON_GetObjectItemCaseSensitive(explore, "requirements");
  for (const cJSON *x = cJSON_IsArray(xreqs) ? xreqs->child : NULL; x; x = x->next) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id"));
    if (!id)
      continue;
    int xr = hagg_status_rank(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "status")));
    req_acc *ra = find_req(a, id);
    if (!ra) {
      const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "class"));
      const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "title"));
      ra = add_req(a, id, k ? k : req_class_guess(id), t ? t : id, "explore");
    }
    if (!ra)
      continue;
    if (xr > ra->rank)
      ra->rank = xr;
    if (xr >= 2)
      list_case(ra, "explore");
  }
}

cJSON *hagg_finish(hagg *a, int *any_fail) {
  cJSON *arr = cJSON_CreateArray();
  *any_fail = 0;
  if (!arr)
    return NULL;
  for (size_t i = 0; i < a->n; i++) {
    req_acc *r = &a->reqs[i];
    int rank = r->rank;
    if (r->error)
      rank = 3; /* what could not run cannot be certified */
    const char *st = rank < 0 ? "skip" : hagg_rank_name(rank);
    *any_fail |= rank == 3;
    cJSON_AddStringToObject(r->obj, "status", st);
    cJSON_AddItemToObject(r->obj, "cases", r->cases);
    r->cases = NULL;
    if (!strcmp(st, "skip"))
      cJSON_AddStringToObject(r->obj, "reason",
                              r->skip_reason ? r->skip_reason
                                             : "no case of it ran (filter, max-creates or no "
                                               "applicable response)");
    if (r->error)
      cJSON_AddStringToObject(r->obj, "reason", "a case of it could not run (error)");
    cJSON_AddItemToArray(arr, r->obj);
    r->obj = NULL;
  }
  return arr;
}
