/* The views of a report (compliance.md, compliance.html), rendered from ONE
 * model by ONE set of section writers: each section is written once against a
 * small output interface (headings, paragraphs, tables, literal blocks,
 * disclosure sections) that has a Markdown and an HTML implementation.
 *
 * Order of the views: the verdict, the findings (one representative evidence
 * each), the summary, the requirement tables (cases, and the cases that failed
 * THAT requirement; "not exercised" where no case judged it), the schema
 * coverage, skipped requirements, the run, created resources, and in the HTML
 * every case on demand (<details>).  Full evidence stays in compliance.json. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "report/hviews_int.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* ---- evidence as text ------------------------------------------------------------- */

static void headers_into(hbuf *b, const cJSON *headers) {
  size_t n = 0;
  for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next) {
    if (n++ == VIEW_HEADERS_MAX) {
      hbuf_puts(b, "... (more headers in compliance.json)\n");
      break;
    }
    size_t nl = 0, vl = 0;
    const char *name = NULL, *value = NULL;
    if (cJSON_IsArray(headers) && cJSON_IsArray(h)) { /* [["Name", "value"], ...] */
      const cJSON *a = h->child, *v = a ? a->next : NULL;
      name = cJSON_IsString(a) ? hjson_string(a, &nl) : NULL;
      value = cJSON_IsString(v) ? hjson_string(v, &vl) : NULL;
    } else if (cJSON_IsObject(headers) && cJSON_IsString(h)) { /* {"Name": "value"} */
      name = hjson_key(h, &nl);
      if (!name && h->string)
        name = h->string, nl = strlen(name);
      value = hjson_string(h, &vl);
    }
    if (!name)
      continue;
    hr_header_line(b, name, nl, value ? value : "", value ? vl : 0);
    hbuf_puts(b, "\n");
  }
}

static void body_into(hbuf *b, const cJSON *side) {
  size_t len = 0;
  const char *body = hr_str(side, "body_excerpt", &len);
  int64_t total = -1;
  int has_total = hr_int(side, "body_bytes", &total);
  if (!body || len == 0) {
    if (has_total && total > 0)
      hbuf_printf(b, "(%lld bytes body, no excerpt recorded)", (long long)total);
    else
      hbuf_puts(b, "(empty body)");
    return;
  }
  size_t show = hutil_utf8_cut(body, len, VIEW_EXCERPT_MAX);
  hr_redact_into(b, body, show);
  if (show < len)
    hbuf_printf(b, "\n... (%zu more bytes of excerpt in compliance.json)", len - show);
  else if (has_total && total > (int64_t)len)
    hbuf_printf(b, "\n... (excerpt: %zu of %lld bytes)", len, (long long)total);
}

static void request_block(hbuf *b, const cJSON *req) {
  size_t ml = 0, ul = 0;
  const char *me = hr_str(req, "method", &ml);
  const char *u = hr_str(req, "url", &ul);
  hbuf_add(b, me ? me : "(method?)", me ? ml : 9);
  hbuf_puts(b, " ");
  if (u)
    hr_redact_into(b, u, hutil_utf8_cut(u, ul, VIEW_EXCERPT_MAX));
  else
    hbuf_puts(b, "(url?)");
  hbuf_puts(b, "\n");
  headers_into(b, hr_get(req, "headers"));
  hbuf_puts(b, "\n");
  body_into(b, req);
}

static void response_block(hbuf *b, const cJSON *resp) {
  int64_t status;
  if (hr_int(resp, "status", &status))
    hbuf_printf(b, "HTTP %lld\n", (long long)status);
  else
    hbuf_puts(b, "HTTP (no status: no response)\n");
  headers_into(b, hr_get(resp, "headers"));
  hbuf_puts(b, "\n");
  body_into(b, resp);
}

/* The evidence of one exchange (or of each step of a sequence) and its
 * reproducer, as labelled literal blocks. */
static void evidence_out(out *o, const cJSON *ev, const char *curl, size_t curl_len, hbuf *tmp) {
  if (!cJSON_IsObject(ev)) {
    hv_p(o);
    hv_raw(o, "_No evidence recorded._", "<em>No evidence recorded.</em>");
    hv_p_end(o);
    return;
  }
  const cJSON *steps = hr_array(ev, "steps");
  size_t nstep = 0;
  for (const cJSON *s = steps ? steps->child : ev; s; s = steps ? s->next : NULL) {
    const cJSON *req = hr_get(s, "request"), *resp = hr_get(s, "response");
    nstep++;
    if (cJSON_IsObject(req)) {
      tmp->n = 0;
      request_block(tmp, req);
      hv_p(o);
      if (steps)
        hbuf_printf(o->b, o->html ? "<strong>Request %zu</strong>" : "**Request %zu**", nstep);
      else
        hv_raw(o, "**Request**", "<strong>Request</strong>");
      hv_p_end(o);
      hv_pre(o, "http", tmp->p ? tmp->p : "", tmp->n);
    }
    if (cJSON_IsObject(resp)) {
      int64_t ms;
      hv_p(o);
      hv_raw(o, "**Response**", "<strong>Response</strong>");
      if (hr_int(resp, "time_ms", &ms))
        hbuf_printf(o->b, " (%lld ms)", (long long)ms);
      hv_p_end(o);
      tmp->n = 0;
      response_block(tmp, resp);
      hv_pre(o, "http", tmp->p ? tmp->p : "", tmp->n);
    } else {
      hv_p(o);
      hv_raw(o, "**Response:** none recorded.", "<strong>Response:</strong> none recorded.");
      hv_p_end(o);
    }
    if (!steps)
      break;
  }
  /* the representative's reproducer (an explore phase's shrunk one) first */
  size_t cl = curl_len;
  const char *c = curl;
  if (!c)
    c = hr_str(ev, "curl", &cl);
  if (c) {
    tmp->n = 0;
    size_t show = hutil_utf8_cut(c, cl, VIEW_EXCERPT_MAX * 4);
    hr_redact_into(tmp, c, show);
    if (show < cl)
      hbuf_printf(tmp, " ... (%zu more bytes in compliance.json)", cl - show);
    hv_p(o);
    hv_raw(o, "**Reproduce**", "<strong>Reproduce</strong>");
    hv_p_end(o);
    hv_pre(o, "sh", tmp->p ? tmp->p : "", tmp->n);
  }
}

/* ---- sections ------------------------------------------------------------------------- */

static void sec_verdict(out *o, const model *m) {
  size_t nf[HSTATUS_COUNT] = {0}, total = 0;
  for (const cJSON *f = m->findings ? m->findings->child : NULL; f; f = f->next, total++)
    nf[hv_severity_of(f)]++;
  if (o->html) {
    const char *cls = m->verdict == 1 ? "v-ok" : m->verdict == 0 ? "v-fail" : "v-unknown";
    hbuf_printf(o->b, "<header class=\"verdict %s\" id=\"verdict\"><h1>Verdict: %s</h1><p>", cls,
                hv_verdict_word(m));
  } else {
    hbuf_printf(o->b, "# Verdict: %s\n\n", hv_verdict_word(m));
  }
  hbuf_printf(o->b, "%zu of %zu requirements fail", m->req_fail, m->ix.nreqs);
  if (m->req_count[HSTATUS_ERROR])
    hbuf_printf(o->b, ", %zu with cases that could not run", m->req_count[HSTATUS_ERROR]);
  if (m->req_count[HSTATUS_WAIVED])
    hbuf_printf(o->b, ", %zu waived (--waivers)", m->req_count[HSTATUS_WAIVED]);
  if (m->req_count[HSTATUS_SKIP])
    hbuf_printf(o->b, ", %zu not exercised", m->req_count[HSTATUS_SKIP]);
  hbuf_printf(o->b,
              "; %zu of %zu cases failed. %zu distinct findings (%zu fail, %zu error, %zu warn).",
              m->case_count[HSTATUS_FAIL], m->ix.ncases, total, nf[HSTATUS_FAIL], nf[HSTATUS_ERROR],
              nf[HSTATUS_WARN]);
  hv_raw(o, "\n\n", "</p></header>\n<main>\n");
  if (m->verdict < 0) {
    hv_p(o);
    hv_raw(o, "**Note:** the report has no valid verdict (", "The report has no valid verdict (");
    if (m->verdict_text)
      hv_code(o, m->verdict_text, m->verdict_len, 128);
    else
      hbuf_puts(o->b, "missing");
    hbuf_puts(o->b, "); it may come from an interrupted or older run.");
    hv_p_end(o);
  }
  if (m->partial) {
    hv_p(o);
    hv_raw(o, "**Partial run:** ", "Partial run: ");
    hbuf_puts(o->b, "not every case of the catalogue ran (see left_out in compliance.json: "
                    "--filter or --max-creates); the verdict covers only the cases that ran.");
    hv_p_end(o);
  }
  if (m->verdict == 2) {
    hv_p(o);
    hv_raw(o, "**Interrupted:** ", "Interrupted: ");
    hbuf_puts(o->b, "the run was stopped by a signal; this report holds the cases that ran.");
    hv_p_end(o);
  }
  if ((m->verdict == 1 && m->req_fail > 0) || (m->verdict == 0 && m->req_fail == 0)) {
    hv_p(o);
    hv_raw(o, "**Note:** ", "");
    hbuf_puts(o->b, "the verdict recorded in the report does not match its requirements "
                    "(non-compliant iff a requirement fails).");
    hv_p_end(o);
  }
}

static void id_list(out *o, const cJSON *ids, size_t count) {
  size_t shown = 0;
  for (const cJSON *x = ids ? ids->child : NULL; x && shown < IDS_SHOWN; x = x->next) {
    size_t l = 0;
    const char *s = cJSON_IsString(x) ? hjson_string(x, &l) : NULL;
    if (shown++)
      hbuf_puts(o->b, ", ");
    hv_code(o, s, l, 256);
  }
  if (count > shown)
    hbuf_printf(o->b, " and %zu more", count - shown);
}

static int same_member_text(const cJSON *a, const cJSON *b, const char *name) {
  size_t al = 0, bl = 0;
  const char *as = hr_str(a, name, &al), *bs = hr_str(b, name, &bl);
  return as && bs && al == bl && !memcmp(as, bs, al);
}

/* Index of an earlier finding (< i, rendered with evidence) with the same
 * check and cause, or SIZE_MAX. */
static size_t same_cause_before(const cJSON *arr, const cJSON *f, size_t i) {
  size_t j = 0;
  for (const cJSON *g = arr->child; g && j < i && j < FINDINGS_WITH_EVIDENCE; g = g->next, j++)
    if (same_member_text(f, g, "check") && same_member_text(f, g, "cause") &&
        same_cause_before(arr, g, j) == SIZE_MAX)
      return j;
  return SIZE_MAX;
}

static void sec_findings(out *o, const model *m, hbuf *tmp) {
  hv_h(o, 2, "findings", "Findings");
  const cJSON *arr = m->findings;
  if (!arr || !arr->child) {
    hv_p(o);
    hbuf_puts(o->b, "No case failed, errored or warned: nothing to report.");
    hv_p_end(o);
    return;
  }
  hv_p(o);
  hbuf_puts(o->b,
            "Each finding is one distinct problem (requirement, check and cause), most severe "
            "first, with the cases that show it and one representative case with its evidence "
            "and reproducer. The evidence of every case is in compliance.json.");
  hv_p_end(o);
  size_t i = 0, total = 0;
  for (const cJSON *f = arr->child; f; f = f->next)
    total++;
  for (const cJSON *f = arr->child; f && i < FINDINGS_SHOWN; f = f->next, i++) {
    hstatus sev = hv_severity_of(f);
    const cJSON *rep = hr_get(f, "representative");
    if (o->html) {
      hbuf_printf(o->b, "<section class=\"finding f-%s\" id=\"finding-%zu\"><h3>",
                  hstatus_name(sev), i);
      hv_badge(o, sev);
      hbuf_puts(o->b, " ");
    } else {
      const char *w = sev == HSTATUS_FAIL    ? "FAIL"
                      : sev == HSTATUS_ERROR ? "ERROR"
                      : sev == HSTATUS_WARN  ? "WARN"
                                             : "?";
      hbuf_printf(o->b, "### %zu. %s ", i + 1, w);
    }
    hv_member(o, f, "requirement", 256, 1);
    hbuf_puts(o->b, " check ");
    hv_member(o, f, "check", 128, 1);
    hv_raw(o, "\n\n", "</h3>\n");
    hv_p(o);
    hv_member(o, f, "message", 1000, 0);
    hv_p_end(o);
    if (hr_get(f, "tolerated_reason")) {
      hv_p(o);
      hv_raw(o, "**Left open by the documents:** ",
             "<strong>Left open by the documents:</strong> ");
      hv_member(o, f, "tolerated_reason", 1000, 0);
      hv_p_end(o);
    }
    int64_t count = 0;
    hr_int(f, "count", &count);
    hv_p(o);
    hbuf_printf(o->b, "%lld case%s", (long long)count, count == 1 ? "" : "s");
    if (count > 0)
      hbuf_puts(o->b, ": ");
    id_list(o, hr_array(f, "cases"), count > 0 ? (size_t)count : 0);
    int64_t xc = 0;
    if (hr_int(f, "explore_count", &xc))
      hbuf_printf(o->b, "%s%lld request%s of the explore phase", count > 0 ? "; " : ", ",
                  (long long)xc, xc == 1 ? "" : "s");
    hv_br(o);
    hbuf_puts(o->b, "Representative: ");
    hv_member(o, rep, "case", 256, 1);
    size_t sl = 0;
    const char *src = hr_str(rep, "source", &sl);
    if (src && sl == 7 && !memcmp(src, "explore", 7)) {
      int64_t sz = 0, osz = 0;
      hbuf_puts(o->b, ", shrunk by the explore phase");
      if (hr_int(rep, "shrunk_size", &sz) && hr_int(rep, "original_size", &osz))
        hbuf_printf(o->b, " (body %lld bytes, from %lld)", (long long)sz, (long long)osz);
      if (hr_get(rep, "body_file")) {
        hbuf_puts(o->b, ", body in ");
        hv_member(o, rep, "body_file", 512, 1);
      }
      if (hr_get(rep, "evidence_case")) {
        hbuf_puts(o->b, "; evidence below from case ");
        hv_member(o, rep, "evidence_case", 256, 1);
      }
    } else if (hr_get(rep, "title")) {
      hbuf_puts(o->b, " (");
      hv_member(o, rep, "title", 300, 0);
      hbuf_puts(o->b, ")");
    }
    hbuf_puts(o->b, "; finding ");
    hv_member(o, f, "id", 32, 1);
    hv_p_end(o);
    size_t cl = 0;
    const char *curl = hr_str(rep, "curl", &cl);
    /* the same check failing for the same cause under another requirement
     * (a server that answers 200 for every create): its evidence is shown
     * once, at the first such finding, and only the reproducer here */
    size_t same = same_cause_before(arr, f, i);
    if (same != SIZE_MAX || i >= FINDINGS_WITH_EVIDENCE) {
      hv_p(o);
      if (same != SIZE_MAX) {
        hbuf_puts(o->b, "Same check and cause as ");
        if (o->html)
          hbuf_printf(o->b, "<a href=\"#finding-%zu\">finding %zu</a>", same, same + 1);
        else
          hbuf_printf(o->b, "finding %zu", same + 1);
        hbuf_puts(o->b, ", where the evidence is shown; ");
      }
      hbuf_puts(o->b, "the recorded exchange is in compliance.json.");
      hv_p_end(o);
      if (curl) {
        tmp->n = 0;
        size_t show = hutil_utf8_cut(curl, cl, VIEW_EXCERPT_MAX);
        hr_redact_into(tmp, curl, show);
        if (show < cl)
          hbuf_printf(tmp, " ... (%zu more bytes in compliance.json)", cl - show);
        hv_pre(o, "sh", tmp->p ? tmp->p : "", tmp->n);
      }
      hv_raw(o, "", "</section>\n");
      continue;
    }
    if (o->html)
      hbuf_printf(o->b, "<details%s><summary>Evidence</summary>\n",
                  sev == HSTATUS_WARN ? "" : " open");
    evidence_out(o, hr_get(rep, "evidence"), curl, cl, tmp);
    hv_raw(o, "", "</details></section>\n");
  }
  if (total > i) {
    hv_p(o);
    hbuf_printf(o->b, "%zu more findings are listed in compliance.json.", total - i);
    hv_p_end(o);
  }
}

static void sec_summary(out *o, const model *m) {
  hv_h(o, 2, "summary", "Summary");
  static const char *const cols[] = {
      "", "total", "pass", "fail", "warn", "not exercised / skip", "error"};
  hv_table(o, cols, 7);
  static const hstatus order[] = {HSTATUS_PASS, HSTATUS_FAIL, HSTATUS_WARN, HSTATUS_SKIP,
                                  HSTATUS_ERROR};
  for (int row = 0; row < 2; row++) {
    const size_t *cnt = row == 0 ? m->req_count : m->case_count;
    hv_tr(o, NULL);
    hv_td(o);
    hbuf_puts(o->b, row == 0 ? "requirements" : "cases");
    hv_td_end(o);
    hv_td(o);
    hbuf_printf(o->b, "%zu", row == 0 ? m->ix.nreqs : m->ix.ncases);
    hv_td_end(o);
    for (size_t k = 0; k < 5; k++) {
      hv_td(o);
      hbuf_printf(o->b, "%zu", cnt[order[k]]);
      hv_td_end(o);
    }
    hv_tr_end(o);
  }
  hv_table_end(o);
  if (m->req_count[HSTATUS_UNKNOWN] || m->case_count[HSTATUS_UNKNOWN]) {
    hv_p(o);
    hbuf_printf(o->b, "%zu requirements and %zu cases have a missing or unknown status.",
                m->req_count[HSTATUS_UNKNOWN], m->case_count[HSTATUS_UNKNOWN]);
    hv_p_end(o);
  }
  const cJSON *s = hr_get(m->ix.root, "summary");
  int64_t v;
  if (s && ((hr_int(s, "requirements", &v) && (size_t)v != m->ix.nreqs) ||
            (hr_int(s, "cases", &v) && (size_t)v != m->ix.ncases))) {
    hv_p(o);
    hbuf_puts(o->b, "Note: the report's own summary counts differ from its lists; the counts above "
                    "are computed from the lists.");
    hv_p_end(o);
  }
}

typedef struct {
  const char *name;
  size_t len;
} class_name;

static class_name *classes_of(const hr_index *ix, size_t *n) {
  *n = 0;
  class_name *v = calloc(ix->nreqs + 1, sizeof *v);
  if (!v)
    return NULL;
  for (size_t r = 0; r < ix->nreqs; r++) {
    size_t len = 0;
    const char *c = hr_str(ix->reqs[r], "class", &len);
    if (!c)
      c = "", len = 0;
    size_t k = 0;
    while (k < *n && !(v[k].len == len && memcmp(v[k].name, c, len) == 0))
      k++;
    if (k == *n) {
      v[k].name = c;
      v[k].len = len;
      (*n)++;
    }
  }
  return v;
}

static int req_in_class(const cJSON *req, const class_name *cl) {
  size_t len = 0;
  const char *c = hr_str(req, "class", &len);
  if (!c)
    c = "", len = 0;
  return len == cl->len && memcmp(c, cl->name, len) == 0;
}

static void sec_requirements(out *o, const model *m) {
  const hr_index *ix = &m->ix;
  hv_h(o, 2, "requirements", "Requirements by class");
  if (ix->nreqs == 0) {
    hv_p(o);
    hbuf_puts(o->b, "The report lists no requirements.");
    hv_p_end(o);
    return;
  }
  hv_p(o);
  hbuf_puts(o->b,
            "\"cases\" counts the cases that judged a requirement; \"failed this requirement\" "
            "lists only the cases whose check of THIS requirement failed (or that could not "
            "run). A requirement no case judged is \"not exercised\", never \"pass\".");
  hv_p_end(o);
  if (o->html) {
    hbuf_puts(o->b, "<p id=\"filters\" hidden>Show: ");
    for (size_t s = 0; s < HSTATUS_COUNT; s++)
      hbuf_printf(o->b, "<label><input type=\"checkbox\" value=\"%s\" checked> %s</label>",
                  hstatus_name(hv_shown_order[s]), hv_state_word(hv_shown_order[s]));
    hbuf_puts(o->b, "</p>\n");
  }
  size_t ncl = 0;
  class_name *cl = classes_of(ix, &ncl);
  if (!cl) {
    o->b->nomem = 1;
    return;
  }
  static const char *const cols[] = {"status", "requirement", "title",
                                     "source", "cases",       "failed this requirement"};
  for (size_t k = 0; k < ncl; k++) {
    size_t cnt[HSTATUS_COUNT] = {0}, total = 0;
    for (size_t r = 0; r < ix->nreqs; r++)
      if (req_in_class(ix->reqs[r], &cl[k]))
        cnt[m->rows[r].state]++, total++;
    hv_details(o, 3, cnt[HSTATUS_FAIL] || cnt[HSTATUS_ERROR] || cnt[HSTATUS_WARN]);
    if (cl[k].len)
      hv_text(o, cl[k].name, cl[k].len, 128);
    else
      hbuf_puts(o->b, "(no class)");
    hbuf_printf(o->b, " (%zu requirement%s", total, total == 1 ? "" : "s");
    for (size_t s = 0; s < HSTATUS_COUNT; s++)
      if (cnt[hv_shown_order[s]] && hv_shown_order[s] != HSTATUS_PASS)
        hbuf_printf(o->b, ", %zu %s", cnt[hv_shown_order[s]], hv_state_word(hv_shown_order[s]));
    hbuf_puts(o->b, ")");
    hv_summary_end(o);
    hv_table(o, cols, 6);
    for (size_t r = 0; r < ix->nreqs; r++) {
      if (!req_in_class(ix->reqs[r], &cl[k]))
        continue;
      const req_row *row = &m->rows[r];
      hv_tr(o, hstatus_name(row->state));
      hv_td(o);
      hv_badge(o, row->state);
      hv_td_end(o);
      hv_td_member(o, ix->reqs[r], "id", 256, 1);
      hv_td(o);
      hv_member(o, ix->reqs[r], "title", 300, 0);
      if ((row->state == HSTATUS_SKIP || row->state == HSTATUS_ERROR) &&
          hr_get(ix->reqs[r], "reason")) {
        hv_raw(o, " (", "<br><em>");
        hv_member(o, ix->reqs[r], "reason", 300, 0);
        hv_raw(o, ")", "</em>");
      }
      hv_td_end(o);
      hv_td_member(o, ix->reqs[r], "source", 32, 0);
      hv_td(o);
      hbuf_printf(o->b, "%zu", row->exercised);
      if (row->warned)
        hbuf_printf(o->b, " (%zu warned)", row->warned);
      hv_td_end(o);
      hv_td(o);
      for (size_t i = 0; i < row->nfailed && i < IDS_SHOWN; i++) {
        if (i)
          hbuf_puts(o->b, " ");
        hv_case_link(o, ix->cases[row->failed[i]], row->failed[i]);
      }
      if (row->nfailed > IDS_SHOWN)
        hbuf_printf(o->b, " and %zu more", row->nfailed - IDS_SHOWN);
      hv_td_end(o);
      hv_tr_end(o);
    }
    hv_table_end(o);
    hv_details_end(o);
  }
  free(cl);
}

static void sec_coverage(out *o, const model *m) {
  hv_h(o, 2, "coverage", "Schema coverage");
  const cJSON *rows = hr_array(m->coverage, "rows");
  if (!rows || !rows->child) {
    hv_p(o);
    hbuf_puts(o->b,
              "No request schema keyword or prose rule is known for this report (no catalogue "
              "beside it).");
    hv_p_end(o);
    return;
  }
  hv_p(o);
  hbuf_puts(o->b, "Each keyword of the request schema and each prose rule, with the cases that ran "
                  "and exercised it: positive cases expect a create, negative ones a rejection.");
  hv_p_end(o);
  static const char *const cols[] = {"where", "keyword", "requirement", "positive", "negative"};
  hv_table(o, cols, 5);
  for (const cJSON *x = rows->child; x; x = x->next) {
    int64_t p = 0, n = 0;
    hr_int(x, "positive", &p);
    hr_int(x, "negative", &n);
    hv_tr(o, p + n ? NULL : "skip");
    hv_td_member(o, x, "location", 200, 1);
    hv_td_member(o, x, "keyword", 64, 0);
    hv_td_member(o, x, "requirement", 256, 1);
    hv_td(o);
    hbuf_printf(o->b, "%lld", (long long)p);
    hv_td_end(o);
    hv_td(o);
    hbuf_printf(o->b, "%lld", (long long)n);
    hv_td_end(o);
    hv_tr_end(o);
  }
  hv_table_end(o);
  const cJSON *missed = hr_array(m->coverage, "not_reached");
  hv_p(o);
  if (!missed || !missed->child) {
    hbuf_puts(o->b, "Every keyword and prose rule was reached by at least one case.");
  } else {
    hv_raw(o, "**Not reached by any case:** ", "<strong>Not reached by any case:</strong> ");
    size_t i = 0;
    for (const cJSON *x = missed->child; x; x = x->next, i++) {
      size_t l = 0;
      const char *s = cJSON_IsString(x) ? hjson_string(x, &l) : NULL;
      if (i)
        hbuf_puts(o->b, ", ");
      hv_code(o, s, l, 256);
    }
  }
  hv_p_end(o);
}

static void sec_skipped(out *o, const model *m) {
  const hr_index *ix = &m->ix;
  hv_h(o, 2, "skipped", "Requirements not exercised");
  size_t n = 0;
  for (size_t r = 0; r < ix->nreqs; r++) {
    if (m->rows[r].state != HSTATUS_SKIP)
      continue;
    hv_raw(o, "- ", n++ ? "<li>" : "<ul><li>");
    hv_member(o, ix->reqs[r], "id", 256, 1);
    hbuf_puts(o->b, " ");
    hv_member(o, ix->reqs[r], "title", 300, 0);
    hbuf_puts(o->b, ": ");
    if (hr_get(ix->reqs[r], "reason"))
      hv_member(o, ix->reqs[r], "reason", 1000, 0);
    else
      hbuf_puts(o->b, "no case judged it");
    hv_raw(o, "\n", "</li>\n");
  }
  if (n)
    hv_raw(o, "\n", "</ul>\n");
  else {
    hv_p(o);
    hbuf_puts(o->b, "None.");
    hv_p_end(o);
  }
}

static void kv_row(out *o, const char *key) {
  hv_tr(o, NULL);
  hv_td(o);
  hbuf_puts(o->b, key);
  hv_td_end(o);
  hv_td(o);
}
static void kv_end(out *o) {
  hv_td_end(o);
  hv_tr_end(o);
}

static void sec_run(out *o, const model *m) {
  const cJSON *root = m->ix.root;
  const cJSON *target = hr_get(root, "target"), *spec = hr_get(root, "spec");
  const cJSON *tool = hr_get(root, "tool");
  hv_h(o, 2, "run", "Run");
  static const char *const cols[] = {"", ""};
  hv_table(o, cols, 2);
  kv_row(o, "Target");
  hv_member(o, target, "url", 512, 1);
  size_t sl = 0;
  const char *server = hr_str(target, "server", &sl);
  if (server) {
    hbuf_puts(o->b, " (server ");
    hv_code(o, server, sl, 256);
    hbuf_puts(o->b, ")");
  }
  if (cJSON_IsTrue(hr_get(target, "embedded_mock"))) {
    hbuf_puts(o->b, " embedded mock");
    const cJSON *faults = hr_array(target, "faults");
    if (faults && faults->child) {
      hbuf_puts(o->b, ", faults:");
      for (const cJSON *x = faults->child; x; x = x->next) {
        size_t xl = 0;
        const char *xs = cJSON_IsString(x) ? hjson_string(x, &xl) : NULL;
        hbuf_puts(o->b, " ");
        hv_code(o, xs, xl, 128);
      }
    }
  }
  kv_end(o);
  kv_row(o, "Spec");
  hv_member(o, spec, "title", 256, 0);
  hbuf_puts(o->b, " ");
  hv_member(o, spec, "version", 128, 0);
  hbuf_puts(o->b, ", sha256 ");
  hv_member(o, spec, "sha256", 128, 1);
  hbuf_puts(o->b, ", ");
  hv_member(o, spec, "path", 512, 1);
  kv_end(o);
  static const struct {
    const char *label, *member;
    int code;
  } plain[] = {{"Profile", "profile", 0},    {"Seed", "seed", 0},
               {"Filter", "filter", 1},      {"Run id", "run_id", 1},
               {"Started", "started_at", 0}, {"Finished", "finished_at", 0}};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
    kv_row(o, plain[i].label);
    hv_member(o, root, plain[i].member, 256, plain[i].code);
    kv_end(o);
  }
  kv_row(o, "Duration");
  int64_t ms;
  if (hr_int(root, "duration_ms", &ms) && ms >= 0)
    hbuf_printf(o->b, "%.1f s", (double)ms / 1000.0);
  else
    hbuf_puts(o->b, "(unknown)");
  kv_end(o);
  kv_row(o, "Tool");
  hv_member(o, tool, "name", 64, 0);
  hbuf_puts(o->b, " ");
  hv_member(o, tool, "version", 64, 0);
  kv_end(o);
  hv_table_end(o);
}

static void sec_resources(out *o, const model *m) {
  const cJSON *root = m->ix.root;
  const cJSON *res = hr_array(root, "created_resources");
  hv_h(o, 2, "resources", "Created resources");
  if (!res || !res->child) {
    hv_p(o);
    hbuf_puts(o->b, "None recorded.");
    hv_p_end(o);
  } else {
    hv_p(o);
    hbuf_puts(o->b, "Tokens created on the target by this run (the spec has no delete operation: "
                    "revoke them by id). Token values are never recorded.");
    hv_p_end(o);
    size_t total = 0, shown = 0;
    for (const cJSON *x = res->child; x; x = x->next)
      total++;
    if (o->html)
      hbuf_printf(o->b, "<details%s><summary>%zu created</summary>\n",
                  total <= RESOURCES_SHOWN_MD ? " open" : "", total);
    static const char *const cols[] = {"id", "name", "label"};
    hv_table(o, cols, 3);
    for (const cJSON *x = res->child; x; x = x->next) {
      if (!o->html && shown++ == RESOURCES_SHOWN_MD) {
        hv_table_end(o);
        hv_p(o);
        hbuf_printf(o->b, "%zu more in compliance.json (and compliance.html).",
                    total - RESOURCES_SHOWN_MD);
        hv_p_end(o);
        break;
      }
      hv_tr(o, NULL);
      hv_td_member(o, x, "id", 256, 1);
      hv_td_member(o, x, "name", 512, 1);
      hv_td_member(o, x, "label", 64, 0);
      hv_tr_end(o);
    }
    if (o->html || total <= RESOURCES_SHOWN_MD)
      hv_table_end(o);
    hv_raw(o, "", "</details>\n");
  }
  const cJSON *mx = hr_array(root, "token_matrix");
  if (!mx || !mx->child)
    return;
  hv_h(o, 2, "matrix", "Token matrix");
  static const char *const cols[] = {"label", "status", "cases", "fail"};
  hv_table(o, cols, 4);
  for (const cJSON *x = mx->child; x; x = x->next) {
    hv_tr(o, NULL);
    hv_td_member(o, x, "label", 64, 0);
    hv_td(o);
    hv_badge(o, hr_status_of(x));
    hv_td_end(o);
    hv_td_member(o, x, "cases", 32, 0);
    hv_td_member(o, x, "fail", 32, 0);
    hv_tr_end(o);
  }
  hv_table_end(o);
}

/* Every case, on demand (HTML only: the Markdown view points at compliance.json). */
static void sec_cases(out *o, const model *m) {
  const hr_index *ix = &m->ix;
  hv_h(o, 2, "cases", "All cases");
  if (!o->html) {
    hv_p(o);
    hbuf_printf(o->b,
                "%zu cases ran; compliance.json holds every case with its checks and full "
                "evidence, compliance.html lists them.",
                ix->ncases);
    hv_p_end(o);
    return;
  }
  hbuf_printf(o->b, "<details><summary>%zu cases (%zu fail, %zu warn, %zu error)</summary>\n",
              ix->ncases, m->case_count[HSTATUS_FAIL], m->case_count[HSTATUS_WARN],
              m->case_count[HSTATUS_ERROR]);
  static const char *const cols[] = {"status", "case", "requirement", "findings"};
  hv_table(o, cols, 4);
  for (size_t c = 0; c < ix->ncases && c < CASES_TABLE_MAX; c++) {
    const cJSON *cs = ix->cases[c];
    hstatus st = hr_status_of(cs);
    hbuf_printf(o->b, "<tr id=\"case-%zu\" data-status=\"%s\">", c, hstatus_name(st));
    hbuf_printf(o->b, "<td>%s</td>", hstatus_name(st)); /* plain: 500 rows add up */
    hv_td_member(o, cs, "id", 256, 1);
    hv_td_member(o, cs, "requirement", 256, 0);
    hv_td(o);
    /* the problems as links to their findings (the messages are there) */
    int any = 0;
    for (size_t k = 0; k < CASE_FINDINGS && m->case_findings[c][k]; k++) {
      size_t fi = m->case_findings[c][k] - 1;
      const cJSON *f = m->fvec[fi];
      if (any++)
        hbuf_puts(o->b, " ");
      if (fi < FINDINGS_SHOWN) /* the later ones are only in compliance.json */
        hbuf_printf(o->b, "<a href=\"#finding-%zu\">#%zu</a> ", fi, fi + 1);
      else
        hbuf_printf(o->b, "#%zu ", fi + 1);
      hv_member(o, f, "check", 64, 0);
    }
    if (!any && st != HSTATUS_PASS && hr_str(cs, "detail", NULL))
      hv_member(o, cs, "detail", 300, 0);
    hv_td_end(o);
    hv_tr_end(o);
  }
  hv_table_end(o);
  if (ix->ncases > CASES_TABLE_MAX)
    hbuf_printf(o->b, "<p>%zu more cases in compliance.json.</p>\n", ix->ncases - CASES_TABLE_MAX);
  hbuf_puts(o->b, "</details>\n");
}

/* ---- the page ------------------------------------------------------------------------ */

static const char html_css[] =
    "*{box-sizing:border-box}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
    "color:#1b1f24;background:#f6f8fa}"
    "main{max-width:1100px;margin:0 auto;padding:0 16px 48px}"
    ".verdict{padding:20px 16px;color:#fff}"
    ".verdict h1{margin:0 auto;max-width:1100px;font-size:28px}"
    ".verdict p{margin:6px auto 0;max-width:1100px}"
    ".v-ok{background:#1a7f37}.v-fail{background:#cf222e}.v-unknown{background:#6e7781}"
    "h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}"
    "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f4}"
    "code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
    "pre{background:#fff;border:1px solid #d0d7de;padding:8px;overflow:auto;"
    "white-space:pre-wrap;word-break:break-all;max-height:480px}"
    "details{background:#fff;border:1px solid #d0d7de;margin:8px 0;padding:4px 8px}"
    "summary{cursor:pointer;font-weight:600}"
    ".st{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;"
    "padding:0 4px;font-size:12px;font-weight:700;color:#fff}"
    ".st-pass{background:#1a7f37}.st-fail{background:#cf222e}.st-warn{background:#9a6700}"
    ".st-skip{background:#6e7781}.st-error{background:#8250df}.st-unknown{background:#424a53}"
    "section.finding{background:#fff;border:1px solid #d0d7de;border-left:4px solid #cf222e;"
    "margin:12px 0;padding:4px 12px}"
    "section.f-warn{border-left-color:#9a6700}section.f-error{border-left-color:#8250df}"
    ".note{background:#fff8c5;border:1px solid #d4a72c;padding:8px}"
    "#filters label{margin-right:12px}";

/* Progressive enhancement only: the page is complete without it. */
static const char html_js[] =
    "(function(){var f=document.getElementById('filters');if(!f)return;f.hidden=false;"
    "function upd(){var on={};var bs=f.querySelectorAll('input');"
    "for(var i=0;i<bs.length;i++)on[bs[i].value]=bs[i].checked;"
    "var rs=document.querySelectorAll('#requirements ~ details tr[data-status]');"
    "for(var j=0;j<rs.length;j++)rs[j].hidden=!on[rs[j].getAttribute('data-status')];}"
    "f.addEventListener('change',upd);upd();})();"
    /* a link to a case row opens the closed sections around it */
    "(function(){function op(){var t=location.hash&&"
    "document.getElementById(decodeURIComponent(location.hash.slice(1)));"
    "for(var e=t;e;e=e.parentElement)if(e.tagName==='DETAILS')e.open=true;"
    "if(t)t.scrollIntoView();}window.addEventListener('hashchange',op);op();})();";

char *hr_render_view(const cJSON *report, const cJSON *catalogue, int html, size_t *len) {
  model m;
  if (hv_model_build(&m, report, catalogue) != 0)
    return NULL;
  hbuf b = {.limit = HREPORT_MAX_OUTPUT}, tmp = {.limit = HREPORT_MAX_OUTPUT};
  out o = {&b, html, 0};
  if (html) {
    /* The CSP forbids every fetch: the page is self-contained by construction. */
    hbuf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; "
                  "form-action 'none'\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    hbuf_printf(&b, "<title>API compliance: %s</title>\n<style>", hv_verdict_word(&m));
    hbuf_puts(&b, html_css);
    hbuf_puts(&b, "</style></head><body>\n");
  }
  sec_verdict(&o, &m);
  sec_findings(&o, &m, &tmp);
  sec_summary(&o, &m);
  sec_requirements(&o, &m);
  sec_coverage(&o, &m);
  sec_skipped(&o, &m);
  sec_run(&o, &m);
  sec_resources(&o, &m);
  sec_cases(&o, &m);
  hv_p(&o);
  hv_raw(&o, "---\n", "<small>");
  hbuf_puts(&b, "Generated by apiharness from compliance.json. Secrets are redacted (bearer "
                "credentials; token values beyond an 8-character prefix).");
  hv_raw(&o, "", "</small>");
  hv_p_end(&o);
  if (html) {
    hbuf_puts(&b, "</main>\n<script>");
    hbuf_puts(&b, html_js);
    hbuf_puts(&b, "</script>\n</body></html>\n");
  }
  hr_fail_as(&b, &tmp);
  free(tmp.p);
  hv_model_free(&m);
  return hbuf_finish(&b, len);
}

char *hreport_render_md(const cJSON *report, size_t *len) {
  return hr_render_view(report, NULL, 0, len);
}

char *hreport_render_html(const cJSON *report, size_t *len) {
  return hr_render_view(report, NULL, 1, len);
}
