/* The views' model: see hviews_int.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "report/hviews_int.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* ---- the model --------------------------------------------------------------------- */

static int push_failed(req_row *r, size_t c) {
  if (r->nfailed && r->failed[r->nfailed - 1] == c)
    return 0;
  if (r->nfailed == r->capfailed) {
    size_t nc = r->capfailed ? r->capfailed * 2 : 4;
    size_t *nv = realloc(r->failed, nc * sizeof *nv);
    if (!nv)
      return -1;
    r->failed = nv;
    r->capfailed = nc;
  }
  r->failed[r->nfailed++] = c;
  return 0;
}

static int ran(hstatus s) { return s == HSTATUS_PASS || s == HSTATUS_FAIL || s == HSTATUS_WARN; }
static int bad(hstatus s) { return s == HSTATUS_FAIL || s == HSTATUS_ERROR; }

void hv_model_free(model *m) {
  if (m->rows)
    for (size_t r = 0; r < m->ix.nreqs; r++)
      free(m->rows[r].failed);
  free(m->rows);
  free(m->case_findings);
  free(m->fvec);
  cJSON_Delete(m->own_findings);
  cJSON_Delete(m->own_coverage);
  hr_index_free(&m->ix);
}

int hv_model_build(model *m, const cJSON *root, const cJSON *catalogue) {
  memset(m, 0, sizeof *m);
  size_t *ex_stamp = NULL, *warn_stamp = NULL;
  if (hr_index_build(&m->ix, root) != 0)
    return -1;
  const hr_index *ix = &m->ix;
  m->rows = calloc(ix->nreqs + 1, sizeof *m->rows);
  ex_stamp = calloc(ix->nreqs + 1, sizeof *ex_stamp);
  warn_stamp = calloc(ix->nreqs + 1, sizeof *warn_stamp);
  if (!m->rows || !ex_stamp || !warn_stamp)
    goto fail;
  m->verdict_text = hr_str(root, "verdict", &m->verdict_len);
  m->verdict = -1;
  if (m->verdict_text && m->verdict_len == 9 && !memcmp(m->verdict_text, "compliant", 9))
    m->verdict = 1;
  else if (m->verdict_text && m->verdict_len == 13 && !memcmp(m->verdict_text, "non-compliant", 13))
    m->verdict = 0;
  else if (m->verdict_text && m->verdict_len == 10 && !memcmp(m->verdict_text, "incomplete", 10))
    m->verdict = 2; /* interrupted: a report of the cases that ran */
  m->partial = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "partial"));
  /* who judged what: a case exercises its own requirement when it ran, and
   * every requirement a check of it judged; it failed a requirement when a
   * check of that requirement failed (or, for a case without checks that
   * name requirements, when the case failed), or when it could not run */
  for (size_t c = 0; c < ix->ncases; c++) {
    const cJSON *cs = ix->cases[c];
    hstatus st = hr_status_of(cs);
    m->case_count[st]++;
    size_t len = 0;
    const char *rid = hr_str(cs, "requirement", &len);
    size_t own = hr_index_req(ix, rid, len);
    const cJSON *checks = hr_array(cs, "checks");
    int named = 0;
    for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next)
      named |= hr_str(k, "requirement", NULL) != NULL;
    for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
      const char *kr = hr_str(k, "requirement", &len);
      size_t r = kr ? hr_index_req(ix, kr, len) : own;
      if (r == SIZE_MAX)
        continue;
      hstatus ks = hr_status_of(k);
      if (ran(ks) && ex_stamp[r] != c + 1) {
        ex_stamp[r] = c + 1;
        m->rows[r].exercised++;
      }
      if (bad(ks) && push_failed(&m->rows[r], c) != 0)
        goto fail;
      if (ks == HSTATUS_WARN && warn_stamp[r] != c + 1) {
        warn_stamp[r] = c + 1;
        m->rows[r].warned++;
      }
    }
    if (own == SIZE_MAX)
      continue;
    if (ran(st) && ex_stamp[own] != c + 1) {
      ex_stamp[own] = c + 1;
      m->rows[own].exercised++;
    }
    if ((st == HSTATUS_ERROR || (st == HSTATUS_FAIL && !named)) &&
        push_failed(&m->rows[own], c) != 0)
      goto fail;
  }
  for (size_t r = 0; r < ix->nreqs; r++) {
    req_row *row = &m->rows[r];
    if (row->exercised == 0 && row->nfailed == 0) {
      /* an older report: the requirement's own "cases" list */
      hr_case_iter it = {0};
      for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;) {
        hstatus st = hr_status_of(ix->cases[c]);
        row->exercised += ran(st);
        if (bad(st) && push_failed(row, c) != 0)
          goto fail;
      }
    }
    hstatus st = hr_index_req_state(ix, r);
    if (st != HSTATUS_FAIL && st != HSTATUS_ERROR && row->exercised == 0)
      st = HSTATUS_SKIP; /* no case judged it: never "pass" */
    row->state = st;
    m->req_count[st]++;
    if (st == HSTATUS_FAIL)
      m->req_fail++;
  }
  m->findings = hr_array(root, "findings");
  if (!m->findings) {
    m->own_findings = hreport_findings(root);
    if (!m->own_findings)
      goto fail;
    m->findings = m->own_findings;
  }
  m->case_findings = calloc(ix->ncases + 1, sizeof *m->case_findings);
  if (!m->case_findings)
    goto fail;
  for (const cJSON *f = m->findings->child; f; f = f->next)
    m->nfindings++;
  m->fvec = calloc(m->nfindings + 1, sizeof *m->fvec);
  if (!m->fvec)
    goto fail;
  size_t fi = 0;
  for (const cJSON *f = m->findings->child; f; f = f->next, fi++) {
    m->fvec[fi] = f;
    const cJSON *ids = hr_array(f, "cases");
    for (const cJSON *x = ids ? ids->child : NULL; x; x = x->next) {
      size_t l = 0;
      const char *id = cJSON_IsString(x) ? hjson_string(x, &l) : NULL;
      size_t c = hr_index_case(ix, id, l);
      if (c == SIZE_MAX)
        continue;
      for (size_t k = 0; k < CASE_FINDINGS; k++) {
        if (m->case_findings[c][k] == fi + 1)
          break;
        if (!m->case_findings[c][k]) {
          m->case_findings[c][k] = fi + 1;
          break;
        }
      }
    }
  }
  m->coverage = hr_get(root, "coverage");
  if (!cJSON_IsObject(m->coverage)) {
    m->own_coverage = hreport_coverage(root, catalogue);
    if (!m->own_coverage)
      goto fail;
    m->coverage = m->own_coverage;
  }
  free(ex_stamp);
  free(warn_stamp);
  return 0;
fail:
  free(ex_stamp);
  free(warn_stamp);
  hv_model_free(m);
  return -1;
}

const char *hv_verdict_word(const model *m) {
  if (m->verdict == 1)
    return m->partial ? "COMPLIANT (PARTIAL)" : "COMPLIANT";
  if (m->verdict == 0)
    return m->partial ? "NON-COMPLIANT (PARTIAL)" : "NON-COMPLIANT";
  return m->verdict == 2 ? "INCOMPLETE (interrupted)" : "UNKNOWN";
}

hstatus hv_severity_of(const cJSON *f) {
  size_t len = 0;
  const char *s = hr_str(f, "severity", &len);
  return s ? hstatus_parse_n(s, len) : HSTATUS_UNKNOWN;
}
