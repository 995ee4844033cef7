/* hagg: requirement aggregation of a run.  See hagg.h. */
#include "run/hagg.h"

#include <stdlib.h>
#include <string.h>

#include "rules/hreq.h"

typedef struct {
  cJSON *obj;    /* the requirement entry in the report */
  hstatus worst; /* worst judge status seen (skip pass warn fail) */
  int seen;      /* worst is set */
  int error;     /* a case of it could not run */
  const char *skip_reason;
  cJSON *cases; /* ids */
} req_acc;

struct hagg {
  req_acc *reqs;
  size_t n, cap;
};

/* A status a judge produces (skip pass warn fail); error, waived and unknown
 * words are not: a case's "error" is counted apart, anything else ignored. */
static int judged(hstatus s) { return s < HSTATUS_JUDGE_COUNT; }

static void fold(req_acc *r, hstatus s) {
  r->worst = r->seen ? hstatus_worst(r->worst, s) : s;
  r->seen = 1;
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
  for (const cJSON *r = cJSON_IsArray(catalogue_requirements) ? catalogue_requirements->child
                                                              : NULL;
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
    q->cases = cJSON_CreateArray();
    if (!q->obj || !q->cases) {
      hagg_free(a);
      return NULL;
    }
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

/* A requirement a check or explore names that the catalogue lacks: class,
 * title and source from the registry (a family member gets its family's class
 * and a generic title); an id the registry does not know is listed as
 * "unregistered" rather than guessed. */
static req_acc *add_unlisted(hagg *a, const char *id, const char *klass, const char *title) {
  char buf[300];
  const char *k = hreq_class_of(id);
  const char *src = hreq_source_of(id);
  if (!k && klass)
    k = klass;
  if (hreq_known(id) || !title)
    title = hreq_title_of(id, buf, sizeof buf);
  return add_req(a, id, k ? k : "unregistered", title, src ? src : "unregistered");
}

void hagg_case(hagg *a, const char *requirement, const cJSON *res, const char *shown_id) {
  hstatus st = hstatus_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "status")));
  req_acc *own = requirement ? find_req(a, requirement) : NULL;
  if (own) {
    list_case(own, shown_id);
    /* its status comes from the checks that carry it ("status"); a skipped
     * case counts as a skip, a case that could not run as an error */
    if (!judged(st))
      own->error = 1;
    else if (st == HSTATUS_SKIP && !own->seen)
      fold(own, HSTATUS_SKIP);
    if (st == HSTATUS_SKIP && !own->skip_reason) {
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
    hstatus kst = hstatus_parse(ks->valuestring);
    if (!judged(kst))
      continue;
    req_acc *ra = find_req(a, kr->valuestring);
    if (!ra)
      ra = add_unlisted(a, kr->valuestring, NULL, NULL);
    if (!ra)
      continue;
    fold(ra, kst);
    if (hstatus_severity(kst) >= hstatus_severity(HSTATUS_WARN))
      list_case(ra, shown_id);
  }
}

void hagg_explore(hagg *a, const cJSON *explore) {
  const cJSON *xreqs = cJSON_GetObjectItemCaseSensitive(explore, "requirements");
  for (const cJSON *x = cJSON_IsArray(xreqs) ? xreqs->child : NULL; x; x = x->next) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id"));
    if (!id)
      continue;
    hstatus xs = hstatus_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "status")));
    req_acc *ra = find_req(a, id);
    if (!ra)
      ra = add_unlisted(a, id, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "class")),
                        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "title")));
    if (!ra || !judged(xs))
      continue;
    fold(ra, xs);
    if (hstatus_severity(xs) >= hstatus_severity(HSTATUS_WARN))
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
    hstatus st = r->seen ? r->worst : HSTATUS_SKIP;
    if (r->error)
      st = HSTATUS_FAIL; /* what could not run cannot be certified */
    *any_fail |= st == HSTATUS_FAIL;
    cJSON_AddStringToObject(r->obj, "status", hstatus_name(st));
    cJSON_AddItemToObject(r->obj, "cases", r->cases);
    r->cases = NULL;
    if (st == HSTATUS_SKIP)
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
