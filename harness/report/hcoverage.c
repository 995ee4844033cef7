/* Schema coverage: how many positive and negative cases exercised each keyword
 * of the request schema and each prose rule (see hreport_coverage in hreport.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "rules/hreq.h"
#include "json/hjson.h"

#define MAX_TOUCHED 64 /* distinct requirements one case is counted for */

static int starts(const char *s, size_t n, const char *p) {
  size_t l = strlen(p);
  return n >= l && memcmp(s, p, l) == 0;
}

/* 1 schema keyword, 2 prose rule, 0 neither: by the requirement's class in
 * the registry (rules/hreq.h), or the report's when the registry does not
 * know the id (a report of another version). */
static int kind_of(const cJSON *req) {
  size_t il = 0, cl = 0;
  const char *id = hr_str(req, "id", &il);
  if (!id)
    return 0;
  const char *cls = strlen(id) == il ? hreq_class_of(id) : NULL; /* no NUL inside */
  if (cls)
    cl = strlen(cls);
  else
    cls = hr_str(req, "class", &cl);
  if (cls && cl == strlen(HREQ_CLASS_REQUEST_SCHEMA) && !memcmp(cls, HREQ_CLASS_REQUEST_SCHEMA, cl))
    return 1;
  if (cls && cl == strlen(HREQ_CLASS_PROSE) && !memcmp(cls, HREQ_CLASS_PROSE, cl))
    return 2;
  return 0;
}

/* 1 positive (the case expects a create), 0 negative. */
static int positive_case(const cJSON *cs, const cJSON *cat_case) {
  size_t el = 0;
  const char *e = hr_str(cat_case, "expect", &el);
  if (!e)
    e = hr_str(cs, "expect", &el);
  if (e)
    return el == 7 && !memcmp(e, "created", 7);
  size_t cl = 0;
  const char *cls = hr_str(cat_case ? cat_case : cs, "class", &cl);
  return cls &&
         ((cl == 8 && !memcmp(cls, "positive", 8)) || (cl == 9 && !memcmp(cls, "semantics", 9)));
}

static int add_touched(size_t *t, size_t *n, size_t r) {
  for (size_t i = 0; i < *n; i++)
    if (t[i] == r)
      return 0;
  if (*n == MAX_TOUCHED)
    return 0;
  t[(*n)++] = r;
  return 1;
}

cJSON *hreport_coverage(const cJSON *report, const cJSON *catalogue) {
  hr_index rix, cix;
  int have_r = 0, have_c = 0;
  size_t *pos = NULL, *neg = NULL;
  cJSON *out = NULL;
  if (hr_index_build(&rix, report) != 0)
    goto fail;
  have_r = 1;
  if (catalogue) {
    if (hr_index_build(&cix, catalogue) != 0)
      goto fail;
    have_c = 1;
  }
  /* the requirement list: the catalogue's when there is one, else the report's */
  const hr_index *lx = have_c && cix.nreqs ? &cix : &rix;
  pos = calloc(lx->nreqs + 1, sizeof *pos);
  neg = calloc(lx->nreqs + 1, sizeof *neg);
  if (!pos || !neg)
    goto fail;
  for (size_t c = 0; c < rix.ncases; c++) {
    const cJSON *cs = rix.cases[c];
    hstatus st = hr_status_of(cs);
    if (st != HSTATUS_PASS && st != HSTATUS_FAIL && st != HSTATUS_WARN)
      continue; /* not sent, or could not run: exercised nothing */
    size_t il = 0;
    const char *id = hr_str(cs, "id", &il);
    const cJSON *cat_case = NULL;
    if (id && have_c) {
      size_t base = 0;
      while (base < il && id[base] != '@') /* "case@label" of a further token */
        base++;
      size_t k = hr_index_case(&cix, id, base);
      cat_case = k == SIZE_MAX ? NULL : cix.cases[k];
    }
    int positive = positive_case(cs, cat_case);
    size_t touched[MAX_TOUCHED], nt = 0, rl = 0;
    const char *rid = hr_str(cat_case ? cat_case : cs, "requirement", &rl);
    size_t r = hr_index_req(lx, rid, rl);
    if (r != SIZE_MAX)
      add_touched(touched, &nt, r);
    const cJSON *checks = hr_array(cs, "checks");
    for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
      hstatus ks = hr_status_of(k);
      if (ks == HSTATUS_SKIP || ks == HSTATUS_UNKNOWN)
        continue;
      const char *kr = hr_str(k, "requirement", &rl);
      size_t q = hr_index_req(lx, kr, rl);
      if (q != SIZE_MAX)
        add_touched(touched, &nt, q);
    }
    for (size_t i = 0; i < nt; i++)
      (positive ? pos : neg)[touched[i]]++;
  }
  out = cJSON_CreateObject();
  if (!out || !cJSON_AddStringToObject(out, "source", have_c ? "catalogue" : "report"))
    goto fail;
  cJSON *rows = cJSON_AddArrayToObject(out, "rows");
  cJSON *missed = cJSON_AddArrayToObject(out, "not_reached");
  if (!rows || !missed)
    goto fail;
  for (size_t r = 0; r < lx->nreqs; r++) {
    const cJSON *req = lx->reqs[r];
    int kind = kind_of(req);
    if (!kind)
      continue;
    size_t il = 0, tl = 0;
    const char *id = hr_str(req, "id", &il);
    const char *title = hr_str(req, "title", &tl);
    /* schema.request.<Schema>.<path>.<keyword>: the keyword is the last part */
    size_t dot = il;
    while (dot > 0 && id[dot - 1] != '.')
      dot--;
    size_t loc_start = kind == 1 && starts(id, il, HREQ_SCHEMA_REQUEST_PREFIX)
                           ? strlen(HREQ_SCHEMA_REQUEST_PREFIX)
                       : kind == 2 && starts(id, il, "prose.") ? 6
                                                               : 0;
    char *idc = hr_utf8_fix(id, il, NULL);
    char *kw =
        kind == 1 ? hr_utf8_fix(id + dot, il - dot, NULL) : hr_utf8_fix("prose rule", 10, NULL);
    char *loc = kind == 1
                    ? hr_utf8_fix(id + loc_start, dot > loc_start ? dot - 1 - loc_start : 0, NULL)
                    : hr_utf8_fix(id + loc_start, il - loc_start, NULL);
    char *tc = title ? hr_utf8_fix(title, tl, NULL) : NULL;
    cJSON *row = cJSON_CreateObject();
    int bad = !idc || !kw || !loc || (title && !tc) || !row;
    if (!bad) {
      cJSON_AddItemToArray(rows, row);
      row = NULL;
      cJSON *last = rows->child ? rows->child->prev : NULL;
      bad = !last || !cJSON_AddStringToObject(last, "requirement", idc) ||
            !cJSON_AddStringToObject(last, "kind", kind == 1 ? "schema" : "prose") ||
            !cJSON_AddStringToObject(last, "location", loc) ||
            !cJSON_AddStringToObject(last, "keyword", kw) ||
            !cJSON_AddStringToObject(last, "title", tc ? tc : "") ||
            !cJSON_AddNumberToObject(last, "positive", (double)pos[r]) ||
            !cJSON_AddNumberToObject(last, "negative", (double)neg[r]);
      if (!bad && pos[r] + neg[r] == 0) {
        cJSON *s = cJSON_CreateString(idc);
        if (s)
          cJSON_AddItemToArray(missed, s);
        bad = !s;
      }
    }
    cJSON_Delete(row);
    free(idc);
    free(kw);
    free(loc);
    free(tc);
    if (bad)
      goto fail;
  }
  free(pos);
  free(neg);
  hr_index_free(&rix);
  if (have_c)
    hr_index_free(&cix);
  return out;
fail:
  cJSON_Delete(out);
  free(pos);
  free(neg);
  if (have_r)
    hr_index_free(&rix);
  if (have_c)
    hr_index_free(&cix);
  return NULL;
}

int hreport_add_coverage(cJSON *report, const cJSON *catalogue) {
  if (!cJSON_IsObject(report))
    return -1;
  cJSON *cov = hreport_coverage(report, catalogue);
  if (!cov)
    return -1;
  cJSON_DeleteItemFromObjectCaseSensitive(report, "coverage");
  cJSON_AddItemToObject(report, "coverage", cov);
  return 0;
}
