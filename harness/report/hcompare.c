/* hreport_compare: requirement-by-requirement difference of two reports
 * (see hreport.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "json/hjson.h"

/* cJSON strings cannot hold NUL bytes: such a string is cut at the first one.
 * Every copied string goes through hreport_redact (the second line of defence
 * the views have too): a case detail quoting a response must not carry a bearer
 * credential or a token value to the terminal or the --json output. */
static int add_str(cJSON *obj, const char *name, const cJSON *src, const char *member) {
  size_t len = 0;
  const char *s = hr_str(src, member, &len);
  char *copy = NULL;
  if (s) {
    copy = hreport_redact(s, len, NULL);
    if (!copy)
      return -1;
  }
  cJSON *v = copy ? cJSON_CreateString(copy) : cJSON_CreateNull();
  free(copy);
  if (!v)
    return -1;
  cJSON_AddItemToObject(obj, name, v);
  return 0;
}

static int add_name(cJSON *obj, const char *name, const char *value) {
  return cJSON_AddStringToObject(obj, name, value) ? 0 : -1;
}

static int ok_state(hstatus s) { return s == HSTATUS_PASS || s == HSTATUS_WARN; }
/* a waived requirement still fails: pass -> waived is a regression for the gate */
static int bad_state(hstatus s) {
  return s == HSTATUS_FAIL || s == HSTATUS_ERROR || s == HSTATUS_WAIVED;
}

/* ---- validation ---------------------------------------------------------------------- */

static void vset(char *ptr, size_t plen, char *msg, size_t mlen, const char *p, const char *m) {
  if (ptr && plen)
    snprintf(ptr, plen, "%s", p);
  if (msg && mlen)
    snprintf(msg, mlen, "%s", m);
}

static int known_status(const cJSON *obj) {
  hstatus s = hr_status_of(obj);
  return s != HSTATUS_UNKNOWN;
}

/* An array of objects with unique non-empty string ids and known statuses. */
static int check_list(const cJSON *arr, const char *name, int need_status, char *ptr, size_t plen,
                      char *msg, size_t mlen) {
  char p[96], m[512];
  size_t i = 0;
  hr_index tmp; /* only the slot table of ids is used */
  for (const cJSON *x = arr->child; x; x = x->next, i++) {
    if (!cJSON_IsObject(x)) {
      snprintf(p, sizeof p, "/%s/%zu", name, i);
      vset(ptr, plen, msg, mlen, p, "not an object");
      return -1;
    }
    size_t il = 0;
    const char *id = hr_str(x, "id", &il);
    if (!id || il == 0) {
      snprintf(p, sizeof p, "/%s/%zu/id", name, i);
      vset(ptr, plen, msg, mlen, p, hr_get(x, "id") ? "not a non-empty string" : "missing");
      return -1;
    }
    if (need_status && !known_status(x)) {
      snprintf(p, sizeof p, "/%s/%zu/status", name, i);
      size_t sl = 0;
      const char *st = hr_str(x, "status", &sl);
      if (st) {
        hbuf b = {.limit = HREPORT_MAX_OUTPUT};
        hbuf_puts(&b, "unknown status \"");
        hr_text(&b, st, sl, HR_TEXT_TERM, 40);
        hbuf_puts(&b, "\" (pass, fail, warn, skip or error)");
        char *t = hbuf_finish(&b, NULL);
        snprintf(m, sizeof m, "%s", t ? t : "unknown status");
        free(t);
      } else {
        snprintf(m, sizeof m, "%s", hr_get(x, "status") ? "status is not a string" : "missing");
      }
      vset(ptr, plen, msg, mlen, p, m);
      return -1;
    }
  }
  /* unique ids: the index keeps the first of each id; a later one is a duplicate */
  memset(&tmp, 0, sizeof tmp);
  cJSON *fake = cJSON_CreateObject();
  if (!fake) {
    vset(ptr, plen, msg, mlen, "", "out of memory");
    return -1;
  }
  /* hr_index_build reads "requirements"/"cases" of a root: a stand-in root
   * referencing the array */
  cJSON *ref = cJSON_CreateArrayReference(arr->child);
  if (!ref) {
    cJSON_Delete(fake);
    vset(ptr, plen, msg, mlen, "", "out of memory");
    return -1;
  }
  cJSON_AddItemToObject(fake, "requirements", ref);
  int rc = hr_index_build(&tmp, fake);
  if (rc != 0) {
    cJSON_Delete(fake);
    vset(ptr, plen, msg, mlen, "", "out of memory");
    return -1;
  }
  i = 0;
  for (const cJSON *x = arr->child; x; x = x->next, i++) {
    size_t il = 0;
    const char *id = hr_str(x, "id", &il);
    size_t first = hr_index_req(&tmp, id, il);
    if (first != i) {
      snprintf(p, sizeof p, "/%s/%zu/id", name, i);
      hbuf b = {.limit = HREPORT_MAX_OUTPUT};
      hbuf_puts(&b, "duplicate id \"");
      hr_text(&b, id, il, HR_TEXT_TERM, 80);
      hbuf_printf(&b, "\" (first at /%s/%zu)", name, first);
      char *t = hbuf_finish(&b, NULL);
      vset(ptr, plen, msg, mlen, p, t ? t : "duplicate id");
      free(t);
      rc = -1;
      break;
    }
  }
  hr_index_free(&tmp);
  cJSON_Delete(fake);
  return rc;
}

int hreport_validate(const cJSON *report, char *ptr, size_t plen, char *msg, size_t mlen) {
  if (!cJSON_IsObject(report)) {
    vset(ptr, plen, msg, mlen, "", "the root is not a JSON object");
    return -1;
  }
  size_t fl = 0;
  const char *f = hr_str(report, "format", &fl);
  if (!f || fl != strlen(HREPORT_FORMAT) || memcmp(f, HREPORT_FORMAT, fl) != 0) {
    vset(ptr, plen, msg, mlen, "/format",
         hr_get(report, "format") ? "not \"" HREPORT_FORMAT "\""
                                  : "missing (expected \"" HREPORT_FORMAT "\")");
    return -1;
  }
  const cJSON *reqs = hr_get(report, "requirements");
  if (!cJSON_IsArray(reqs)) {
    vset(ptr, plen, msg, mlen, "/requirements", reqs ? "not an array" : "missing");
    return -1;
  }
  if (!reqs->child) {
    vset(ptr, plen, msg, mlen, "/requirements",
         "empty: a report certifies at least one requirement");
    return -1;
  }
  if (check_list(reqs, "requirements", 1, ptr, plen, msg, mlen) != 0)
    return -1;
  const cJSON *cases = hr_get(report, "cases");
  if (cases && !cJSON_IsArray(cases)) {
    vset(ptr, plen, msg, mlen, "/cases", "not an array");
    return -1;
  }
  if (cases && cases->child && check_list(cases, "cases", 1, ptr, plen, msg, mlen) != 0)
    return -1;
  const cJSON *spec = hr_get(report, "spec");
  if (spec &&
      (!cJSON_IsObject(spec) || (hr_get(spec, "sha256") && !hr_str(spec, "sha256", NULL)))) {
    vset(ptr, plen, msg, mlen, cJSON_IsObject(spec) ? "/spec/sha256" : "/spec",
         cJSON_IsObject(spec) ? "not a string" : "not an object");
    return -1;
  }
  if (hr_get(report, "profile") && !hr_str(report, "profile", NULL)) {
    vset(ptr, plen, msg, mlen, "/profile", "not a string");
    return -1;
  }
  const cJSON *fs = hr_get(report, "findings");
  if (fs && !cJSON_IsArray(fs)) {
    vset(ptr, plen, msg, mlen, "/findings", "not an array");
    return -1;
  }
  size_t i = 0;
  for (const cJSON *x = fs ? fs->child : NULL; x; x = x->next, i++) {
    if (!hr_str(x, "key", NULL)) {
      char p[64];
      snprintf(p, sizeof p, "/findings/%zu/key", i);
      vset(ptr, plen, msg, mlen, p, "missing or not a string");
      return -1;
    }
  }
  return 0;
}

/* Per requirement of ix: how many cases that ran judged it (own requirement or
 * a check naming it).  calloc'd (free()), NULL when out of memory. */
static size_t *exercised_counts(const hr_index *ix) {
  size_t *n = calloc(ix->nreqs + 1, sizeof *n);
  size_t *stamp = calloc(ix->nreqs + 1, sizeof *stamp);
  if (!n || !stamp) {
    free(n);
    free(stamp);
    return NULL;
  }
  for (size_t c = 0; c < ix->ncases; c++) {
    hstatus st = hr_status_of(ix->cases[c]);
    if (st != HSTATUS_PASS && st != HSTATUS_FAIL && st != HSTATUS_WARN)
      continue;
    size_t len = 0;
    const char *rid = hr_str(ix->cases[c], "requirement", &len);
    size_t r = hr_index_req(ix, rid, len);
    if (r != SIZE_MAX && stamp[r] != c + 1)
      stamp[r] = c + 1, n[r]++;
    const cJSON *checks = hr_array(ix->cases[c], "checks");
    for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
      hstatus ks = hr_status_of(k);
      if (ks != HSTATUS_PASS && ks != HSTATUS_FAIL && ks != HSTATUS_WARN)
        continue;
      const char *kr = hr_str(k, "requirement", &len);
      size_t q = hr_index_req(ix, kr, len);
      if (q != SIZE_MAX && stamp[q] != c + 1)
        stamp[q] = c + 1, n[q]++;
    }
  }
  /* requirements listing their cases by id (older reports) */
  for (size_t r = 0; r < ix->nreqs; r++) {
    if (n[r])
      continue;
    hr_case_iter it = {0};
    for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;) {
      hstatus st = hr_status_of(ix->cases[c]);
      n[r] += st == HSTATUS_PASS || st == HSTATUS_FAIL || st == HSTATUS_WARN;
    }
  }
  free(stamp);
  return n;
}

/* 1 when case cs failed requirement id (a failing check of it; or, for its own
 * requirement, could not run, or failed without checks that name requirements). */
static int failed_requirement(const cJSON *cs, const char *id, size_t len) {
  const cJSON *checks = hr_array(cs, "checks");
  int named = 0;
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
    size_t kl = 0;
    const char *kr = hr_str(k, "requirement", &kl);
    named |= kr != NULL;
    if (kr && kl == len && !memcmp(kr, id, len) && bad_state(hr_status_of(k)))
      return 1;
  }
  size_t ol = 0;
  const char *own = hr_str(cs, "requirement", &ol);
  if (!own || ol != len || memcmp(own, id, len))
    return 0;
  hstatus st = hr_status_of(cs);
  return st == HSTATUS_ERROR || (st == HSTATUS_FAIL && !named);
}

/* A requirement's state for the gate: its effective state, "skip" when it
 * passed without any case that judged it (only in reports that list cases). */
static hstatus gate_state(const hr_index *ix, const size_t *ex, size_t r) {
  hstatus st = hr_index_req_state(ix, r);
  if (ok_state(st) && ix->ncases > 0 && ex && ex[r] == 0)
    return HSTATUS_SKIP;
  return st;
}

/* An entry {"id", "title", ...} for requirement r of ix, appended to arr. */
static cJSON *entry(cJSON *arr, const hr_index *ix, size_t r) {
  cJSON *e = cJSON_CreateObject();
  if (!e)
    return NULL;
  cJSON_AddItemToArray(arr, e);
  if (add_str(e, "id", ix->reqs[r], "id") || add_str(e, "title", ix->reqs[r], "title"))
    return NULL;
  return e;
}

/* {"baseline": s|null, "current": s|null, "same": bool} of a string member of
 * a member (spec.sha256, profile); "same" is true when either is absent. */
static int same_member(cJSON *out, const char *name, const cJSON *b, const cJSON *c,
                       const char *member, int *same) {
  size_t bl = 0, cl = 0;
  const char *bs = hr_str(b, member, &bl), *cs = hr_str(c, member, &cl);
  *same = !bs || !cs || (bl == cl && !memcmp(bs, cs, bl));
  cJSON *o = cJSON_AddObjectToObject(out, name);
  if (!o || add_str(o, "baseline", b, member) || add_str(o, "current", c, member) ||
      !cJSON_AddBoolToObject(o, "same", *same))
    return -1;
  return 0;
}

/* Findings of the current report whose key the baseline does not have. */
static int new_findings(cJSON *out, const cJSON *base, const cJSON *cur) {
  cJSON *own_b = NULL, *own_c = NULL;
  const cJSON *fb = hr_array(base, "findings"), *fc = hr_array(cur, "findings");
  int rc = -1;
  if (!fb)
    fb = own_b = hreport_findings(base);
  if (!fc)
    fc = own_c = hreport_findings(cur);
  cJSON *arr = cJSON_AddArrayToObject(out, "new_findings");
  if (!fb || !fc || !arr)
    goto done;
  for (const cJSON *f = fc->child; f; f = f->next) {
    size_t kl = 0;
    const char *key = hr_str(f, "key", &kl);
    if (!key)
      continue;
    int seen = 0;
    for (const cJSON *g = fb->child; g && !seen; g = g->next) {
      size_t gl = 0;
      const char *gk = hr_str(g, "key", &gl);
      seen = gk && gl == kl && !memcmp(gk, key, kl);
    }
    if (seen)
      continue;
    cJSON *e = cJSON_CreateObject();
    if (!e)
      goto done;
    cJSON_AddItemToArray(arr, e);
    int64_t n = 0;
    hr_int(f, "count", &n);
    if (add_str(e, "id", f, "id") || add_str(e, "key", f, "key") ||
        add_str(e, "severity", f, "severity") || add_str(e, "requirement", f, "requirement") ||
        add_str(e, "check", f, "check") || add_str(e, "message", f, "message") ||
        !cJSON_AddNumberToObject(e, "count", (double)n) ||
        add_str(e, "case", hr_get(f, "representative"), "case"))
      goto done;
  }
  rc = 0;
done:
  cJSON_Delete(own_b);
  cJSON_Delete(own_c);
  return rc;
}

cJSON *hreport_compare(const cJSON *base, const cJSON *cur) {
  hr_index b, c;
  cJSON *out = NULL;
  size_t *bex = NULL, *cex = NULL;
  int have_b = 0, have_c = 0;
  if (hr_index_build(&b, base) != 0)
    goto fail;
  have_b = 1;
  if (hr_index_build(&c, cur) != 0)
    goto fail;
  have_c = 1;
  bex = exercised_counts(&b);
  cex = exercised_counts(&c);
  out = cJSON_CreateObject();
  if (!bex || !cex || !out || add_str(out, "baseline_verdict", base, "verdict") ||
      add_str(out, "current_verdict", cur, "verdict"))
    goto fail;
  int same_spec = 1, same_profile = 1;
  if (same_member(out, "spec", hr_get(base, "spec"), hr_get(cur, "spec"), "sha256", &same_spec) ||
      same_member(out, "profile", base, cur, "profile", &same_profile))
    goto fail;
  cJSON *reg = cJSON_AddArrayToObject(out, "regressions");
  cJSON *loss = cJSON_AddArrayToObject(out, "coverage_loss");
  cJSON *imp = cJSON_AddArrayToObject(out, "improvements");
  cJSON *chg = cJSON_AddArrayToObject(out, "changed");
  cJSON *add = cJSON_AddArrayToObject(out, "added");
  cJSON *rem = cJSON_AddArrayToObject(out, "removed");
  if (!reg || !loss || !imp || !chg || !add || !rem)
    goto fail;
  size_t unchanged = 0;
  for (size_t r = 0; r < c.nreqs; r++) {
    size_t len = 0;
    const char *id = hr_str(c.reqs[r], "id", &len);
    if (!id || hr_index_req(&c, id, len) != r) /* no id, or a repeated one */
      continue;
    hstatus now = gate_state(&c, cex, r);
    size_t br = hr_index_req(&b, id, len);
    if (br == SIZE_MAX) {
      cJSON *e = entry(add, &c, r);
      if (!e || add_name(e, "status", hstatus_name(now)))
        goto fail;
      continue;
    }
    hstatus before = gate_state(&b, bex, br);
    if (before == now) {
      unchanged++;
      continue;
    }
    cJSON *target = ok_state(before) && bad_state(now)   ? reg
                    : ok_state(before) && !ok_state(now) ? loss
                    : bad_state(before) && ok_state(now) ? imp
                                                         : chg;
    cJSON *e = entry(target, &c, r);
    if (!e || (target == reg && add_str(e, "class", c.reqs[r], "class")) ||
        add_name(e, "before", hstatus_name(before)) ||
        add_name(e, "after",
                 target == loss && now == HSTATUS_SKIP ? "not exercised" : hstatus_name(now)))
      goto fail;
    if (target == loss && add_str(e, "reason", c.reqs[r], "reason"))
      goto fail;
    if (target != reg)
      continue;
    cJSON *cases = cJSON_AddArrayToObject(e, "cases");
    if (!cases)
      goto fail;
    for (size_t k = 0; k < c.ncases; k++) {
      hstatus ks = hr_status_of(c.cases[k]);
      if (!bad_state(ks) || !failed_requirement(c.cases[k], id, len))
        continue;
      cJSON *ce = cJSON_CreateObject();
      if (!ce)
        goto fail;
      cJSON_AddItemToArray(cases, ce);
      if (add_str(ce, "id", c.cases[k], "id") || add_name(ce, "status", hstatus_name(ks)) ||
          add_str(ce, "detail", c.cases[k], "detail"))
        goto fail;
    }
  }
  for (size_t r = 0; r < b.nreqs; r++) {
    size_t len = 0;
    const char *id = hr_str(b.reqs[r], "id", &len);
    if (!id || hr_index_req(&b, id, len) != r || hr_index_req(&c, id, len) != SIZE_MAX)
      continue;
    hstatus before = gate_state(&b, bex, r);
    cJSON *e = entry(rem, &b, r);
    if (!e || add_name(e, "status", hstatus_name(before)))
      goto fail;
    if (ok_state(before)) { /* a requirement that passed and is gone: coverage lost */
      cJSON *l = entry(loss, &b, r);
      if (!l || add_name(l, "before", hstatus_name(before)) || add_name(l, "after", "missing"))
        goto fail;
    }
  }
  if (!cJSON_AddNumberToObject(out, "unchanged", (double)unchanged) || new_findings(out, base, cur))
    goto fail;
  free(bex);
  free(cex);
  hr_index_free(&b);
  hr_index_free(&c);
  return out;
fail:
  cJSON_Delete(out);
  free(bex);
  free(cex);
  if (have_b)
    hr_index_free(&b);
  if (have_c)
    hr_index_free(&c);
  return NULL;
}
