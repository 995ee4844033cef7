/* CI outputs of a report model: junit.xml, a short Markdown step summary and
 * SARIF 2.1.0 (see hreport.h).  Every string from the model is hostile: XML
 * text is escaped (control characters made visible, invalid UTF-8 as \xNN),
 * secrets are redacted, and nothing a peer sent can make a writer fail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "rules/hrules.h"
#include "util/hutil.h"
#include "json/hjson.h"

#define JUNIT_EXCERPT 1024u /* bytes of a response body excerpt in a junit failure */
#define SUMMARY_FINDINGS 15 /* findings listed in the step summary */

/* ---- shared ------------------------------------------------------------------------- */

/* The findings of the model (its "findings", else computed into *own). */
static const cJSON *findings_of(const cJSON *report, cJSON **own) {
  *own = NULL;
  const cJSON *f = hr_array(report, "findings");
  if (f)
    return f;
  *own = hreport_findings(report);
  return *own;
}

/* Per case index, the first finding (by severity order) that lists it. */
static const cJSON **finding_per_case(const hr_index *ix, const cJSON *findings) {
  const cJSON **v = calloc(ix->ncases + 1, sizeof *v);
  if (!v)
    return NULL;
  for (const cJSON *f = findings ? findings->child : NULL; f; f = f->next) {
    const cJSON *ids = hr_array(f, "cases");
    for (const cJSON *x = ids ? ids->child : NULL; x; x = x->next) {
      size_t l = 0;
      const char *id = cJSON_IsString(x) ? hjson_string(x, &l) : NULL;
      size_t c = hr_index_case(ix, id, l);
      if (c != SIZE_MAX && !v[c])
        v[c] = f;
    }
  }
  return v;
}

/* Text of a member, redacted, then written in mode. */
static void put_member(hbuf *b, const cJSON *obj, const char *name, hr_text_mode mode, size_t max) {
  size_t len = 0;
  char tmp[64];
  const cJSON *v = hr_get(obj, name);
  const char *s = NULL;
  if (cJSON_IsString(v))
    s = hjson_string(v, &len);
  else if (cJSON_IsNumber(v)) {
    snprintf(tmp, sizeof tmp, "%.17g", v->valuedouble);
    s = tmp, len = strlen(tmp);
  }
  if (!s) {
    hbuf_puts(b, "(missing)");
    return;
  }
  hbuf r = {.limit = HREPORT_MAX_OUTPUT};
  hr_redact_into(&r, s, max && len > max ? max : len);
  hr_fail_as(b, &r);
  hr_text(b, r.p ? r.p : "", r.n, mode, 0);
  if (max && len > max)
    hbuf_printf(b, " ... (%zu bytes more)", len - max);
  free(r.p);
}

static int write_buf(const char *path, hbuf *b, char *err, size_t errlen) {
  size_t len = 0;
  char *text = hbuf_finish(b, &len);
  if (!text) {
    if (err && errlen)
      snprintf(err, errlen, "%s: out of memory (or over %u bytes)", path, HREPORT_MAX_OUTPUT);
    return -1;
  }
  int rc = hreport_write_file_atomic(path, text, len, err, errlen);
  free(text);
  return rc;
}

/* ---- junit.xml --------------------------------------------------------------------------- */

static void xml_attr(hbuf *b, const char *name, const cJSON *obj, const char *member, size_t max) {
  hbuf_printf(b, " %s=\"", name);
  put_member(b, obj, member, HR_TEXT_XML_ATTR, max);
  hbuf_puts(b, "\"");
}

/* The body of a <failure>/<error>: the finding, the failing checks, the
 * reproducer and an evidence excerpt. */
static void failure_text(hbuf *b, const cJSON *cs, const cJSON *f) {
  hbuf t = {.limit = HREPORT_MAX_OUTPUT};
  if (f) {
    hbuf_puts(&t, "finding ");
    put_member(&t, f, "id", HR_TEXT_CODE, 32);
    hbuf_puts(&t, " (");
    put_member(&t, f, "severity", HR_TEXT_CODE, 16);
    hbuf_puts(&t, "): ");
    put_member(&t, f, "requirement", HR_TEXT_CODE, 256);
    hbuf_puts(&t, " [");
    put_member(&t, f, "check", HR_TEXT_CODE, 128);
    int64_t n = 0;
    hr_int(f, "count", &n);
    hbuf_printf(&t, "], %lld case%s\n", (long long)n, n == 1 ? "" : "s");
  }
  const cJSON *checks = hr_array(cs, "checks");
  int any = 0;
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
    hstatus ks = hr_status_of(k);
    if (ks == HSTATUS_PASS || ks == HSTATUS_SKIP)
      continue;
    any = 1;
    hbuf_printf(&t, "- %s ", hstatus_name(ks));
    put_member(&t, k, "name", HR_TEXT_CODE, 128);
    hbuf_puts(&t, " (");
    put_member(&t, k, "requirement", HR_TEXT_CODE, 256);
    hbuf_puts(&t, "): ");
    put_member(&t, k, "message", HR_TEXT_CODE, 1000);
    hbuf_puts(&t, "\n");
  }
  if (!any && hr_get(cs, "detail")) {
    put_member(&t, cs, "detail", HR_TEXT_CODE, 1000);
    hbuf_puts(&t, "\n");
  }
  const cJSON *ev = hr_get(cs, "evidence");
  if (hr_get(ev, "curl")) {
    hbuf_puts(&t, "\nreproduce:\n");
    put_member(&t, ev, "curl", HR_TEXT_CODE, 8192);
    hbuf_puts(&t, "\n");
  }
  const cJSON *rq = hr_get(ev, "request"), *rs = hr_get(ev, "response");
  if (cJSON_IsObject(rq) || cJSON_IsObject(rs)) {
    hbuf_puts(&t, "\nevidence:\n");
    if (cJSON_IsObject(rq)) {
      put_member(&t, rq, "method", HR_TEXT_CODE, 32);
      hbuf_puts(&t, " ");
      put_member(&t, rq, "url", HR_TEXT_CODE, 1024);
      hbuf_puts(&t, "\n");
      if (hr_get(rq, "body_excerpt")) {
        put_member(&t, rq, "body_excerpt", HR_TEXT_CODE, JUNIT_EXCERPT);
        hbuf_puts(&t, "\n");
      }
    }
    int64_t st;
    if (cJSON_IsObject(rs) && hr_int(rs, "status", &st))
      hbuf_printf(&t, "-> HTTP %lld\n", (long long)st);
    else
      hbuf_puts(&t, "-> no response\n");
    if (cJSON_IsObject(rs) && hr_get(rs, "body_excerpt")) {
      put_member(&t, rs, "body_excerpt", HR_TEXT_CODE, JUNIT_EXCERPT);
      hbuf_puts(&t, "\n");
    }
  }
  hr_fail_as(b, &t);
  if (t.p)
    hr_text(b, t.p, t.n, HR_TEXT_XML, 0);
  free(t.p);
}

static void failure_message(hbuf *b, const cJSON *cs, const cJSON *f) {
  hbuf_puts(b, " message=\"");
  if (f) {
    hbuf_puts(b, "[");
    put_member(b, f, "id", HR_TEXT_XML_ATTR, 32);
    hbuf_puts(b, "] ");
    put_member(b, f, "requirement", HR_TEXT_XML_ATTR, 256);
    hbuf_puts(b, ": ");
    put_member(b, f, "message", HR_TEXT_XML_ATTR, 500);
  } else {
    put_member(b, cs, "detail", HR_TEXT_XML_ATTR, 500);
  }
  hbuf_puts(b, "\"");
}

int hreport_write_junit(const char *path, const cJSON *report, char *err, size_t errlen) {
  hr_index ix;
  cJSON *own = NULL;
  const cJSON **per = NULL;
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  if (hr_index_build(&ix, report) != 0) {
    if (err && errlen)
      snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  const cJSON *findings = findings_of(report, &own);
  per = findings ? finding_per_case(&ix, findings) : NULL;
  if (!findings || !per) {
    hr_index_free(&ix);
    cJSON_Delete(own);
    if (err && errlen)
      snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  size_t n[HSTATUS_COUNT] = {0};
  for (size_t c = 0; c < ix.ncases; c++)
    n[hr_status_of(ix.cases[c])]++;
  /* warnings are reported as skipped-with-message (GitHub, GitLab and Jenkins
   * all show those) and as a property; unknown statuses count as errors */
  size_t failures = n[HSTATUS_FAIL], errors = n[HSTATUS_ERROR] + n[HSTATUS_UNKNOWN],
         skipped = n[HSTATUS_SKIP] + n[HSTATUS_WARN];
  int64_t ms = 0;
  hr_int(report, "duration_ms", &ms);
  hbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  hbuf_printf(
      &b,
      "<testsuites name=\"apiharness certify\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
      "skipped=\"%zu\" time=\"%.3f\">\n",
      ix.ncases, failures, errors, skipped, (double)ms / 1000.0);
  hbuf_printf(&b,
              "  <testsuite name=\"conformance\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
              "skipped=\"%zu\" time=\"%.3f\">\n    <properties>\n",
              ix.ncases, failures, errors, skipped, (double)ms / 1000.0);
  static const char *const props[] = {"verdict", "profile", "run_id", "filter"};
  for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
    if (!hr_get(report, props[i]))
      continue;
    hbuf_printf(&b, "      <property name=\"%s\"", props[i]);
    xml_attr(&b, "value", report, props[i], 512);
    hbuf_puts(&b, "/>\n");
  }
  if (hr_get(hr_get(report, "spec"), "sha256")) {
    hbuf_puts(&b, "      <property name=\"spec.sha256\"");
    xml_attr(&b, "value", hr_get(report, "spec"), "sha256", 128);
    hbuf_puts(&b, "/>\n");
  }
  size_t nf = 0;
  for (const cJSON *f = findings->child; f; f = f->next)
    nf++;
  hbuf_printf(&b, "      <property name=\"findings\" value=\"%zu\"/>\n    </properties>\n", nf);
  for (size_t c = 0; c < ix.ncases; c++) {
    const cJSON *cs = ix.cases[c];
    hstatus st = hr_status_of(cs);
    hbuf_puts(&b, "    <testcase");
    hbuf_puts(&b, " classname=\"conformance.");
    put_member(&b, cs, "class", HR_TEXT_XML_ATTR, 64);
    hbuf_puts(&b, "\"");
    xml_attr(&b, "name", cs, "id", 256);
    int64_t t = 0;
    const cJSON *rs = hr_get(hr_get(cs, "evidence"), "response");
    if (hr_int(rs, "time_ms", &t) && t >= 0)
      hbuf_printf(&b, " time=\"%.3f\"", (double)t / 1000.0);
    if (st == HSTATUS_PASS) {
      hbuf_puts(&b, "/>\n");
      continue;
    }
    hbuf_puts(&b, ">\n");
    const cJSON *f = per[c];
    if (st == HSTATUS_WARN) {
      hbuf_puts(&b, "      <properties><property name=\"warning\"");
      if (f) {
        hbuf_puts(&b, " value=\"[");
        put_member(&b, f, "id", HR_TEXT_XML_ATTR, 32);
        hbuf_puts(&b, "] ");
        put_member(&b, f, "message", HR_TEXT_XML_ATTR, 500);
        hbuf_puts(&b, "\"");
      } else {
        xml_attr(&b, "value", cs, "detail", 500);
      }
      hbuf_puts(&b, "/></properties>\n      <skipped");
      hbuf_puts(&b, " message=\"warning: ");
      if (f)
        put_member(&b, f, "message", HR_TEXT_XML_ATTR, 500);
      else
        put_member(&b, cs, "detail", HR_TEXT_XML_ATTR, 500);
      hbuf_puts(&b, "\">");
      failure_text(&b, cs, f);
      hbuf_puts(&b, "</skipped>\n");
    } else if (st == HSTATUS_SKIP) {
      hbuf_puts(&b, "      <skipped");
      xml_attr(&b, "message", cs, "detail", 500);
      hbuf_puts(&b, "/>\n");
    } else {
      const char *tag = st == HSTATUS_FAIL ? "failure" : "error";
      hbuf_printf(&b, "      <%s", tag);
      failure_message(&b, cs, f);
      if (f)
        xml_attr(&b, "type", f, "check", 128);
      hbuf_puts(&b, ">");
      failure_text(&b, cs, f);
      hbuf_printf(&b, "</%s>\n", tag);
    }
    hbuf_puts(&b, "    </testcase>\n");
  }
  hbuf_puts(&b, "  </testsuite>\n</testsuites>\n");
  free(per);
  cJSON_Delete(own);
  hr_index_free(&ix);
  return write_buf(path, &b, err, errlen);
}

/* ---- the Markdown step summary --------------------------------------------------------- */

static void md_cell(hbuf *b, const cJSON *obj, const char *name, size_t max) {
  put_member(b, obj, name, HR_TEXT_MD_CELL, max);
}

int hreport_write_summary_md(const char *path, const cJSON *report, const char *report_dir,
                             char *err, size_t errlen) {
  hr_index ix;
  cJSON *own = NULL;
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  if (hr_index_build(&ix, report) != 0) {
    if (err && errlen)
      snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  const cJSON *findings = findings_of(report, &own);
  size_t vl = 0;
  const char *v = hr_str(report, "verdict", &vl);
  int partial = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "partial"));
  const char *word = v && vl == 9 && !memcmp(v, "compliant", 9)
                         ? (partial ? "COMPLIANT (PARTIAL)" : "COMPLIANT")
                     : v && vl == 13 && !memcmp(v, "non-compliant", 13)
                         ? (partial ? "NON-COMPLIANT (PARTIAL)" : "NON-COMPLIANT")
                     : v && vl == 10 && !memcmp(v, "incomplete", 10) ? "INCOMPLETE (interrupted)"
                                                                     : "UNKNOWN";
  size_t rq[HSTATUS_COUNT] = {0}, cs[HSTATUS_COUNT] = {0};
  for (size_t r = 0; r < ix.nreqs; r++)
    rq[hr_index_req_state(&ix, r)]++;
  for (size_t c = 0; c < ix.ncases; c++)
    cs[hr_status_of(ix.cases[c])]++;
  hbuf_printf(&b, "### apiharness certify: %s\n\n", word);
  hbuf_printf(&b,
              "%zu of %zu requirements fail (%zu not exercised); %zu of %zu cases failed, %zu "
              "warned. Profile ",
              rq[HSTATUS_FAIL], ix.nreqs, rq[HSTATUS_SKIP], cs[HSTATUS_FAIL], ix.ncases,
              cs[HSTATUS_WARN]);
  put_member(&b, report, "profile", HR_TEXT_MD, 64);
  hbuf_puts(&b, ", spec sha256 `");
  put_member(&b, hr_get(report, "spec"), "sha256", HR_TEXT_CODE_CELL, 16);
  hbuf_puts(&b, "`.\n\n");
  size_t total = 0;
  for (const cJSON *f = findings ? findings->child : NULL; f; f = f->next)
    total++;
  if (total == 0) {
    hbuf_puts(&b, "No findings: no case failed or warned.\n");
  } else {
    hbuf_printf(&b, "| | finding | requirement | cases | e.g. |\n|---|---|---|---|---|\n");
    size_t i = 0;
    for (const cJSON *f = findings->child; f && i < SUMMARY_FINDINGS; f = f->next, i++) {
      size_t sl = 0;
      const char *sev = hr_str(f, "severity", &sl);
      hstatus st = sev ? hstatus_parse_n(sev, sl) : HSTATUS_UNKNOWN;
      hbuf_printf(&b, "| %s | ",
                  st == HSTATUS_FAIL    ? "FAIL"
                  : st == HSTATUS_ERROR ? "ERROR"
                                        : "WARN");
      md_cell(&b, f, "message", 200);
      hbuf_puts(&b, " | `");
      put_member(&b, f, "requirement", HR_TEXT_CODE_CELL, 120);
      hbuf_puts(&b, "` | ");
      md_cell(&b, f, "count", 16);
      hbuf_puts(&b, " | `");
      put_member(&b, hr_get(f, "representative"), "case", HR_TEXT_CODE_CELL, 120);
      hbuf_puts(&b, "` |\n");
    }
    if (total > i)
      hbuf_printf(&b, "\n%zu more findings in compliance.json.\n", total - i);
  }
  if (report_dir) {
    hbuf_puts(&b, "\nFull report: `");
    hr_text(&b, report_dir, strlen(report_dir), HR_TEXT_CODE_CELL, 512);
    hbuf_puts(&b, "/compliance.html` (evidence and reproducers per finding).\n");
  }
  cJSON_Delete(own);
  hr_index_free(&ix);
  if (!findings) {
    free(b.p);
    if (err && errlen)
      snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  return write_buf(path, &b, err, errlen);
}

/* ---- SARIF 2.1.0 ----------------------------------------------------------------------- */

/* The JSON pointer (in the spec) of the schema or operation a requirement comes
 * from (tokens escaped by the json layer, RFC 6901):
 * "schema.request.<Schema>.<p>[.items].<keyword>" -> the property's schema under
 * #/components/schemas/<Schema>; "schema.response.<status>" -> the operation's response; anything
 * else -> the operation. */
static void requirement_pointer(hbuf *b, const char *id, size_t n) {
  static const char op[] = "/paths";
  static const char pre_req[] = "schema.request.", pre_resp[] = "schema.response.";
  if (n > sizeof pre_req - 1 && !memcmp(id, pre_req, sizeof pre_req - 1)) {
    const char *s = id + sizeof pre_req - 1, *e = id + n;
    const char *last = e;
    while (last > s && last[-1] != '.')
      last--;
    const char *dot = memchr(s, '.', (size_t)(e - s));
    hbuf_puts(b, "/components/schemas");
    if (!dot || dot >= last - 1) { /* <Schema>.<keyword> */
      hjson_pointer_append(b, s, (size_t)((dot ? dot : e) - s), HJSON_ESC_POINTER);
      return;
    }
    hjson_pointer_append(b, s, (size_t)(dot - s), HJSON_ESC_POINTER);
    const char *p = dot + 1;
    while (p < last - 1) {
      const char *q = memchr(p, '.', (size_t)(last - 1 - p));
      if (!q)
        q = last - 1;
      if ((size_t)(q - p) == 5 && !memcmp(p, "items", 5)) {
        hbuf_puts(b, "/items");
      } else {
        hbuf_puts(b, "/properties");
        hjson_pointer_append(b, p, (size_t)(q - p), HJSON_ESC_POINTER);
      }
      p = q + 1;
    }
    return;
  }
  hbuf_puts(b, op);
  hjson_pointer_append(b, HRULES_PATH, strlen(HRULES_PATH), HJSON_ESC_POINTER);
  hbuf_puts(b, "/" HRULES_METHOD);
  if (n > sizeof pre_resp - 1 && !memcmp(id, pre_resp, sizeof pre_resp - 1)) {
    hbuf_puts(b, "/responses");
    hjson_pointer_append(b, id + sizeof pre_resp - 1, n - (sizeof pre_resp - 1), HJSON_ESC_POINTER);
  }
}

/* The 1-based line where the pointer's members appear in order in the spec
 * text (each segment searched as a "key" after the previous one); 1 when the
 * text is not available or a segment is not found. */
static long pointer_line(const char *text, size_t len, const char *ptr) {
  if (!text)
    return 1;
  size_t pos = 0;
  const char *p = ptr;
  while (*p == '/') {
    p++;
    size_t sl = strcspn(p, "/");
    char key[260];
    if (sl + 3 > sizeof key)
      return 1;
    size_t k = 0;
    key[k++] = '"';
    k += hjson_pointer_unescape(p, sl, key + k);
    key[k++] = '"';
    key[k] = '\0';
    const char *hit = NULL;
    for (size_t i = pos; i + k <= len; i++)
      if (text[i] == '"' && !memcmp(text + i, key, k)) {
        hit = text + i;
        break;
      }
    if (!hit)
      return 1;
    pos = (size_t)(hit - text) + k;
    p += sl;
  }
  long line = 1;
  for (size_t i = 0; i < pos && i < len; i++)
    line += text[i] == '\n';
  return line;
}

static cJSON *str_item(const char *s, size_t n) {
  char *fixed = hr_utf8_fix(s, n, NULL);
  if (!fixed)
    return NULL;
  char *red = hreport_redact(fixed, strlen(fixed), NULL);
  free(fixed);
  if (!red)
    return NULL;
  cJSON *v = cJSON_CreateString(red);
  free(red);
  return v;
}

static int add_s(cJSON *o, const char *name, const char *s, size_t n) {
  cJSON *v = str_item(s ? s : "", s ? n : 0);
  if (!v)
    return -1;
  cJSON_AddItemToObject(o, name, v);
  return 0;
}

static int add_m(cJSON *o, const char *name, const cJSON *src, const char *member) {
  size_t l = 0;
  const char *s = hr_str(src, member, &l);
  return add_s(o, name, s, l);
}

int hreport_write_sarif(const char *path, const cJSON *report, char *err, size_t errlen) {
  cJSON *own = NULL, *doc = NULL;
  char *spec_text = NULL;
  int rc = -1;
  const cJSON *findings = findings_of(report, &own);
  const cJSON *spec = hr_get(report, "spec");
  size_t spl = 0;
  const char *spec_path = hr_str(spec, "path", &spl);
  char *spec_path_z = spec_path ? hr_utf8_fix(spec_path, spl, NULL) : NULL;
  size_t spec_len = 0;
  /* the spec's text only adds line numbers: without it, findings still go out */
  spec_text =
      spec_path_z ? hutil_slurp(spec_path_z, HREPORT_MAX_INPUT, 0, &spec_len, NULL, NULL, 0) : NULL;
  doc = cJSON_CreateObject();
  if (!findings || !doc || (spec_path && !spec_path_z))
    goto oom;
  if (!cJSON_AddStringToObject(doc, "$schema", "https://json.schemastore.org/sarif-2.1.0.json") ||
      !cJSON_AddStringToObject(doc, "version", "2.1.0"))
    goto oom;
  cJSON *runs = cJSON_AddArrayToObject(doc, "runs");
  cJSON *run = cJSON_CreateObject();
  if (!runs || !run)
    goto oom;
  cJSON_AddItemToArray(runs, run);
  cJSON *tool = cJSON_AddObjectToObject(run, "tool");
  cJSON *driver = tool ? cJSON_AddObjectToObject(tool, "driver") : NULL;
  if (!driver || !cJSON_AddStringToObject(driver, "name", "apiharness") ||
      add_m(driver, "version", hr_get(report, "tool"), "version") ||
      !cJSON_AddStringToObject(driver, "informationUri",
                               "https://github.com/softwareone/apiharness"))
    goto oom;
  cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
  cJSON *results = cJSON_AddArrayToObject(run, "results");
  if (!rules || !results)
    goto oom;
  /* one rule per requirement that has a finding, in first-seen order */
  hr_index ix;
  if (hr_index_build(&ix, report) != 0)
    goto oom;
  for (const cJSON *f = findings->child; f; f = f->next) {
    size_t rl = 0;
    const char *rid = hr_str(f, "requirement", &rl);
    if (!rid)
      continue;
    int index = 0, found = 0;
    for (const cJSON *r = rules->child; r; r = r->next, index++) {
      const char *x = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "id"));
      char *fixed = hr_utf8_fix(rid, rl, NULL);
      found = fixed && x && !strcmp(x, fixed);
      free(fixed);
      if (found)
        break;
    }
    if (!found) {
      cJSON *rule = cJSON_CreateObject();
      if (!rule) {
        hr_index_free(&ix);
        goto oom;
      }
      cJSON_AddItemToArray(rules, rule);
      size_t r = hr_index_req(&ix, rid, rl);
      const cJSON *req = r == SIZE_MAX ? NULL : ix.reqs[r];
      cJSON *sd = cJSON_CreateObject();
      if (add_s(rule, "id", rid, rl) || !sd) {
        cJSON_Delete(sd);
        hr_index_free(&ix);
        goto oom;
      }
      cJSON_AddItemToObject(rule, "shortDescription", sd);
      size_t tl = 0;
      const char *title = hr_str(req, "title", &tl);
      if (add_s(sd, "text", title ? title : rid, title ? tl : rl)) {
        hr_index_free(&ix);
        goto oom;
      }
    }
    size_t sl = 0;
    const char *sev = hr_str(f, "severity", &sl);
    int warn = sev && hstatus_parse_n(sev, sl) == HSTATUS_WARN;
    cJSON *res = cJSON_CreateObject();
    if (!res) {
      hr_index_free(&ix);
      goto oom;
    }
    cJSON_AddItemToArray(results, res);
    hbuf ptr = {.limit = HREPORT_MAX_OUTPUT};
    requirement_pointer(&ptr, rid, rl);
    char *pointer = hbuf_finish(&ptr, NULL);
    hbuf mb = {.limit = HREPORT_MAX_OUTPUT};
    put_member(&mb, f, "message", HR_TEXT_CODE, 1000);
    int64_t cnt = 0;
    hr_int(f, "count", &cnt);
    hbuf_printf(&mb, " (%lld case%s, e.g. ", (long long)cnt, cnt == 1 ? "" : "s");
    put_member(&mb, hr_get(f, "representative"), "case", HR_TEXT_CODE, 256);
    hbuf_puts(&mb, ")");
    char *msg = hbuf_finish(&mb, NULL);
    cJSON *m = cJSON_AddObjectToObject(res, "message");
    cJSON *locs = cJSON_AddArrayToObject(res, "locations");
    cJSON *loc = cJSON_CreateObject();
    int bad = !pointer || !msg || !m || !locs || !loc || add_s(res, "ruleId", rid, rl) ||
              !cJSON_AddNumberToObject(res, "ruleIndex", index) ||
              !cJSON_AddStringToObject(res, "level", warn ? "warning" : "error") ||
              !cJSON_AddStringToObject(m, "text", msg);
    if (loc)
      cJSON_AddItemToArray(locs ? locs : res, loc);
    if (!bad) {
      cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
      cJSON *art = phys ? cJSON_AddObjectToObject(phys, "artifactLocation") : NULL;
      cJSON *reg = phys ? cJSON_AddObjectToObject(phys, "region") : NULL;
      cJSON *logs = cJSON_AddArrayToObject(loc, "logicalLocations");
      cJSON *lg = cJSON_CreateObject();
      bad = !art || !reg || !logs || !lg ||
            !cJSON_AddStringToObject(art, "uri", spec_path_z ? spec_path_z : "openapi.json") ||
            !cJSON_AddNumberToObject(reg, "startLine",
                                     (double)pointer_line(spec_text, spec_len, pointer));
      if (lg)
        cJSON_AddItemToArray(logs ? logs : loc, lg);
      if (!bad) {
        hbuf fq = {.limit = HREPORT_MAX_OUTPUT};
        hbuf_puts(&fq, "#");
        hbuf_puts(&fq, pointer);
        char *fqn = hbuf_finish(&fq, NULL);
        bad = !fqn || !cJSON_AddStringToObject(lg, "fullyQualifiedName", fqn) ||
              !cJSON_AddStringToObject(lg, "kind", "member");
        free(fqn);
      }
    }
    cJSON *fp = bad ? NULL : cJSON_AddObjectToObject(res, "partialFingerprints");
    cJSON *props = bad ? NULL : cJSON_AddObjectToObject(res, "properties");
    if (!bad)
      bad = !fp || !props || add_m(fp, "apiharnessFinding/v1", f, "id") ||
            add_m(props, "findingKey", f, "key") || add_m(props, "check", f, "check") ||
            !cJSON_AddNumberToObject(props, "count", (double)cnt) ||
            add_m(props, "representativeCase", hr_get(f, "representative"), "case") ||
            (hr_get(hr_get(f, "representative"), "curl") &&
             add_m(props, "reproducer", hr_get(f, "representative"), "curl"));
    free(pointer);
    free(msg);
    if (bad) {
      hr_index_free(&ix);
      goto oom;
    }
  }
  hr_index_free(&ix);
  char *text = cJSON_Print(doc);
  if (!text)
    goto oom;
  rc = hreport_write_file_atomic(path, text, strlen(text), err, errlen);
  free(text);
  goto done;
oom:
  if (err && errlen)
    snprintf(err, errlen, "%s: out of memory", path);
done:
  free(spec_text);
  free(spec_path_z);
  cJSON_Delete(doc);
  cJSON_Delete(own);
  return rc;
}
