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

static int ok_state(hr_status s) { return s == HR_ST_PASS || s == HR_ST_WARN; }
static int bad_state(hr_status s) { return s == HR_ST_FAIL || s == HR_ST_ERROR; }

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

cJSON *hreport_compare(const cJSON *base, const cJSON *cur) {
  hr_index b, c;
  cJSON *out = NULL;
  int have_b = 0, have_c = 0;
  if (hr_index_build(&b, base) != 0)
    goto fail;
  have_b = 1;
  if (hr_index_build(&c, cur) != 0)
    goto fail;
  have_c = 1;
  out = cJSON_CreateObject();
  if (!out || add_str(out, "baseline_verdict", base, "verdict") ||
      add_str(out, "current_verdict", cur, "verdict"))
    goto fail;
  cJSON *reg = cJSON_AddArrayToObject(out, "regressions");
  cJSON *imp = cJSON_AddArrayToObject(out, "improvements");
  cJSON *chg = cJSON_AddArrayToObject(out, "changed");
  cJSON *add = cJSON_AddArrayToObject(out, "added");
  cJSON *rem = cJSON_AddArrayToObject(out, "removed");
  if (!reg || !imp || !chg || !add || !rem)
    goto fail;
  size_t unchanged = 0;
  for (size_t r = 0; r < c.nreqs; r++) {
    size_t len = 0;
    const char *id = hr_str(c.reqs[r], "id", &len);
    if (!id || hr_index_req(&c, id, len) != r) /* no id, or a repeated one */
      continue;
    hr_status now = hr_index_req_state(&c, r);
    size_t br = hr_index_req(&b, id, len);
    if (br == SIZE_MAX) {
      cJSON *e = entry(add, &c, r);
      if (!e || add_name(e, "status", hr_status_name(now)))
        goto fail;
      continue;
    }
    hr_status before = hr_index_req_state(&b, br);
    if (before == now) {
      unchanged++;
      continue;
    }
    cJSON *target = ok_state(before) && bad_state(now)   ? reg
                    : bad_state(before) && ok_state(now) ? imp
                                                         : chg;
    cJSON *e = entry(target, &c, r);
    if (!e || (target == reg && add_str(e, "class", c.reqs[r], "class")) ||
        add_name(e, "before", hr_status_name(before)) || add_name(e, "after", hr_status_name(now)))
      goto fail;
    if (target != reg)
      continue;
    cJSON *cases = cJSON_AddArrayToObject(e, "cases");
    if (!cases)
      goto fail;
    hr_case_iter it = {0};
    for (size_t k; (k = hr_index_req_case(&c, r, &it)) != SIZE_MAX;) {
      hr_status ks = hr_status_of(c.cases[k]);
      if (!bad_state(ks))
        continue;
      cJSON *ce = cJSON_CreateObject();
      if (!ce)
        goto fail;
      cJSON_AddItemToArray(cases, ce);
      if (add_str(ce, "id", c.cases[k], "id") || add_name(ce, "status", hr_status_name(ks)) ||
          add_str(ce, "detail", c.cases[k], "detail"))
        goto fail;
    }
  }
  for (size_t r = 0; r < b.nreqs; r++) {
    size_t len = 0;
    const char *id = hr_str(b.reqs[r], "id", &len);
    if (!id || hr_index_req(&b, id, len) != r || hr_index_req(&c, id, len) != SIZE_MAX)
      continue;
    cJSON *e = entry(rem, &b, r);
    if (!e || add_name(e, "status", hr_status_name(hr_index_req_state(&b, r))))
      goto fail;
  }
  if (!cJSON_AddNumberToObject(out, "unchanged", (double)unchanged))
    goto fail;
  hr_index_free(&b);
  hr_index_free(&c);
  return out;
fail:
  cJSON_Delete(out);
  if (have_b)
    hr_index_free(&b);
  if (have_c)
    hr_index_free(&c);
  return NULL;
}
