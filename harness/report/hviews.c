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
#include "util/hutil.h"
#include "json/hjson.h"

#define VIEW_EXCERPT_MAX 512u     /* bytes of a body excerpt or reproducer shown in a view */
#define VIEW_HEADERS_MAX 40       /* headers shown per request/response */
#define FINDINGS_SHOWN 25         /* findings rendered (the rest: compliance.json) */
#define FINDINGS_WITH_EVIDENCE 10 /* findings rendered with their recorded exchange */
#define IDS_SHOWN 6               /* case ids listed per finding / requirement row */
#define RESOURCES_SHOWN_MD 10     /* created resources listed in the Markdown view */
#define CASES_TABLE_MAX 5000      /* rows of the HTML table of every case */
#define CASE_FINDINGS 6           /* findings linked per case in that table */

/* ---- the output interface --------------------------------------------------------- */

typedef struct {
  hr_buf *b;
  int html;
  int cell; /* inside a table cell (Markdown escapes | and keeps one line) */
} out;

static size_t longest_run(const char *s, size_t n, char ch) {
  size_t best = 0, cur = 0;
  for (size_t i = 0; i < n; i++) {
    cur = s[i] == ch ? cur + 1 : 0;
    if (cur > best)
      best = cur;
  }
  return best;
}

/* Literal markup, different per format (trusted constants only). */
static void o_raw(out *o, const char *md, const char *html) { hr_puts(o->b, o->html ? html : md); }

/* Untrusted text, escaped for the format. */
static void o_text(out *o, const char *s, size_t n, size_t max) {
  if (!s)
    return;
  hr_text(o->b, s, n, o->html ? HR_TEXT_HTML : o->cell ? HR_TEXT_MD_CELL : HR_TEXT_MD, max);
}

/* Untrusted text as inline code. */
static void o_code(out *o, const char *s, size_t n, size_t max) {
  if (!s) {
    o_raw(o, "(missing)", "<em>(missing)</em>");
    return;
  }
  if (o->html) {
    hr_puts(o->b, "<code>");
    hr_text(o->b, s, n, HR_TEXT_HTML, max);
    hr_puts(o->b, "</code>");
    return;
  }
  if (n == 0) {
    hr_puts(o->b, "(empty)");
    return;
  }
  size_t d = longest_run(s, n, '`') + 1;
  int pad = s[0] == '`' || s[n - 1] == '`' || s[0] == ' ';
  for (size_t i = 0; i < d; i++)
    hr_puts(o->b, "`");
  if (pad)
    hr_puts(o->b, " ");
  hr_text(o->b, s, n, o->cell ? HR_TEXT_CODE_CELL : HR_TEXT_TERM, max ? max : 512);
  if (pad)
    hr_puts(o->b, " ");
  for (size_t i = 0; i < d; i++)
    hr_puts(o->b, "`");
}

/* A member's scalar value as display text (numbers, booleans, null printed). */
static const char *scalar_text(const cJSON *v, char *tmp, size_t tmplen, size_t *len) {
  if (cJSON_IsString(v))
    return hjson_string(v, len);
  if (cJSON_IsNumber(v)) {
    const char *t = hjson_number_text(v);
    if (t) {
      *len = strlen(t);
      return t;
    }
    snprintf(tmp, tmplen, "%.17g", v->valuedouble);
  } else if (cJSON_IsBool(v)) {
    snprintf(tmp, tmplen, "%s", cJSON_IsTrue(v) ? "true" : "false");
  } else if (cJSON_IsNull(v)) {
    snprintf(tmp, tmplen, "null");
  } else {
    return NULL;
  }
  *len = strlen(tmp);
  return tmp;
}

static void o_member(out *o, const cJSON *obj, const char *name, size_t max, int code) {
  size_t n = 0;
  char tmp[64];
  const char *s = scalar_text(hr_get(obj, name), tmp, sizeof tmp, &n);
  if (!s)
    o_raw(o, "(missing)", "<em>(missing)</em>");
  else if (code)
    o_code(o, s, n, max);
  else
    o_text(o, s, n, max);
}

static void o_h(out *o, int level, const char *anchor, const char *title) {
  if (o->html) {
    hr_printf(o->b, "<h%d", level);
    if (anchor)
      hr_printf(o->b, " id=\"%s\"", anchor);
    hr_printf(o->b, ">%s</h%d>\n", title, level);
  } else {
    for (int i = 0; i < level; i++)
      hr_puts(o->b, "#");
    hr_printf(o->b, " %s\n\n", title);
  }
}

static void o_p(out *o) { o_raw(o, "", "<p>"); }
static void o_p_end(out *o) { o_raw(o, "\n\n", "</p>\n"); }
static void o_br(out *o) { o_raw(o, "  \n", "<br>"); }

static void o_table(out *o, const char *const *cols, size_t n) {
  if (o->html) {
    hr_puts(o->b, "<table>\n<tr>");
    for (size_t i = 0; i < n; i++)
      hr_printf(o->b, "<th>%s</th>", cols[i]);
    hr_puts(o->b, "</tr>\n");
  } else {
    hr_puts(o->b, "|");
    for (size_t i = 0; i < n; i++)
      hr_printf(o->b, " %s |", cols[i]);
    hr_puts(o->b, "\n|");
    for (size_t i = 0; i < n; i++)
      hr_puts(o->b, "---|");
    hr_puts(o->b, "\n");
  }
}

static void o_tr(out *o, const char *status) {
  if (o->html)
    hr_printf(o->b, status ? "<tr data-status=\"%s\">" : "<tr>", status);
  else
    hr_puts(o->b, "|");
}
static void o_td(out *o) {
  o->cell = 1;
  o_raw(o, " ", "<td>");
}
static void o_td_end(out *o) {
  o->cell = 0;
  o_raw(o, " |", "</td>");
}
static void o_tr_end(out *o) { o_raw(o, "\n", "</tr>\n"); }
static void o_table_end(out *o) { o_raw(o, "\n", "</table>\n"); }

/* A literal block (already redacted text): a fence longer than any backtick run
 * inside, or <pre>. */
static void o_pre(out *o, const char *info, const char *s, size_t n) {
  if (o->html) {
    hr_printf(o->b, "<pre class=\"%s\">", info);
    hr_text(o->b, s, n, HR_TEXT_HTML, 0);
    hr_puts(o->b, "</pre>\n");
    return;
  }
  size_t d = longest_run(s, n, '`') + 1;
  if (d < 3)
    d = 3;
  for (size_t i = 0; i < d; i++)
    hr_puts(o->b, "`");
  hr_printf(o->b, "%s\n", info);
  hr_text(o->b, s, n, HR_TEXT_CODE, 0);
  if (n == 0 || s[n - 1] != '\n')
    hr_puts(o->b, "\n");
  for (size_t i = 0; i < d; i++)
    hr_puts(o->b, "`");
  hr_puts(o->b, "\n\n");
}

/* A disclosure section: Markdown shows it as a heading of `level`. */
static void o_details(out *o, int level, int open) {
  if (o->html) {
    hr_printf(o->b, "<details%s><summary>", open ? " open" : "");
  } else {
    for (int i = 0; i < level; i++)
      hr_puts(o->b, "#");
    hr_puts(o->b, " ");
  }
}
static void o_summary_end(out *o) { o_raw(o, "\n\n", "</summary>\n"); }
static void o_details_end(out *o) { o_raw(o, "", "</details>\n"); }

/* The order statuses are listed in (filters, per-class counts). */
static const hstatus shown_order[HSTATUS_COUNT] = {HSTATUS_PASS,   HSTATUS_FAIL,  HSTATUS_WARN,
                                                   HSTATUS_SKIP,   HSTATUS_ERROR, HSTATUS_WAIVED,
                                                   HSTATUS_UNKNOWN};

static const char *state_word(hstatus s) {
  return s == HSTATUS_SKIP ? "not exercised" : hstatus_name(s);
}

static void o_badge(out *o, hstatus st) {
  if (o->html)
    hr_printf(o->b, "<span class=\"st st-%s\">%s</span>", hstatus_name(st), state_word(st));
  else
    hr_puts(o->b, st == HSTATUS_UNKNOWN ? "?" : state_word(st));
}

static void o_case_link(out *o, const cJSON *cs, size_t c) {
  if (o->html)
    hr_printf(o->b, "<a href=\"#case-%zu\">", c);
  o_member(o, cs, "id", 256, 1);
  if (o->html)
    hr_puts(o->b, "</a>");
}

/* ---- the model --------------------------------------------------------------------- */

typedef struct {
  hstatus state; /* SKIP: not exercised */
  size_t exercised;
  size_t *failed; /* case indices that failed or errored THIS requirement */
  size_t nfailed, capfailed;
  size_t warned;
} req_row;

typedef struct {
  hr_index ix;
  int verdict; /* 1 compliant, 0 non-compliant, 2 incomplete (interrupted), -1 missing/unknown */
  int partial; /* "partial": true (--filter, --max-creates left cases out) */
  const char *verdict_text;
  size_t verdict_len;
  size_t req_count[HSTATUS_COUNT];  /* by row state */
  size_t case_count[HSTATUS_COUNT]; /* by status */
  size_t req_fail;                  /* requirements whose row state is fail */
  req_row *rows;
  const cJSON *findings;
  cJSON *own_findings;
  const cJSON *coverage;
  cJSON *own_coverage;
  size_t (*case_findings)[CASE_FINDINGS]; /* per case: finding index + 1, 0 unused */
  const cJSON **fvec;                     /* the findings by index */
  size_t nfindings;
} model;

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

static void model_free(model *m) {
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

static int model_build(model *m, const cJSON *root, const cJSON *catalogue) {
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
  model_free(m);
  return -1;
}

static const char *verdict_word(const model *m) {
  if (m->verdict == 1)
    return m->partial ? "COMPLIANT (PARTIAL)" : "COMPLIANT";
  if (m->verdict == 0)
    return m->partial ? "NON-COMPLIANT (PARTIAL)" : "NON-COMPLIANT";
  return m->verdict == 2 ? "INCOMPLETE (interrupted)" : "UNKNOWN";
}

static hstatus severity_of(const cJSON *f) {
  size_t len = 0;
  const char *s = hr_str(f, "severity", &len);
  return s ? hstatus_parse_n(s, len) : HSTATUS_UNKNOWN;
}

/* ---- evidence as text ------------------------------------------------------------- */

static void headers_into(hr_buf *b, const cJSON *headers) {
  size_t n = 0;
  for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next) {
    if (n++ == VIEW_HEADERS_MAX) {
      hr_puts(b, "... (more headers in compliance.json)\n");
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
    hr_puts(b, "\n");
  }
}

static void body_into(hr_buf *b, const cJSON *side) {
  size_t len = 0;
  const char *body = hr_str(side, "body_excerpt", &len);
  int64_t total = -1;
  int has_total = hr_int(side, "body_bytes", &total);
  if (!body || len == 0) {
    if (has_total && total > 0)
      hr_printf(b, "(%lld bytes body, no excerpt recorded)", (long long)total);
    else
      hr_puts(b, "(empty body)");
    return;
  }
  size_t show = hutil_utf8_cut(body, len, VIEW_EXCERPT_MAX);
  hr_redact_into(b, body, show);
  if (show < len)
    hr_printf(b, "\n... (%zu more bytes of excerpt in compliance.json)", len - show);
  else if (has_total && total > (int64_t)len)
    hr_printf(b, "\n... (excerpt: %zu of %lld bytes)", len, (long long)total);
}

static void request_block(hr_buf *b, const cJSON *req) {
  size_t ml = 0, ul = 0;
  const char *me = hr_str(req, "method", &ml);
  const char *u = hr_str(req, "url", &ul);
  hr_put(b, me ? me : "(method?)", me ? ml : 9);
  hr_puts(b, " ");
  if (u)
    hr_redact_into(b, u, hutil_utf8_cut(u, ul, VIEW_EXCERPT_MAX));
  else
    hr_puts(b, "(url?)");
  hr_puts(b, "\n");
  headers_into(b, hr_get(req, "headers"));
  hr_puts(b, "\n");
  body_into(b, req);
}

static void response_block(hr_buf *b, const cJSON *resp) {
  int64_t status;
  if (hr_int(resp, "status", &status))
    hr_printf(b, "HTTP %lld\n", (long long)status);
  else
    hr_puts(b, "HTTP (no status: no response)\n");
  headers_into(b, hr_get(resp, "headers"));
  hr_puts(b, "\n");
  body_into(b, resp);
}

/* The evidence of one exchange (or of each step of a sequence) and its
 * reproducer, as labelled literal blocks. */
static void evidence_out(out *o, const cJSON *ev, const char *curl, size_t curl_len, hr_buf *tmp) {
  if (!cJSON_IsObject(ev)) {
    o_p(o);
    o_raw(o, "_No evidence recorded._", "<em>No evidence recorded.</em>");
    o_p_end(o);
    return;
  }
  const cJSON *steps = hr_array(ev, "steps");
  size_t nstep = 0;
  for (const cJSON *s = steps ? steps->child : ev; s; s = steps ? s->next : NULL) {
    const cJSON *req = hr_get(s, "request"), *resp = hr_get(s, "response");
    nstep++;
    if (cJSON_IsObject(req)) {
      tmp->len = 0;
      request_block(tmp, req);
      o_p(o);
      if (steps)
        hr_printf(o->b, o->html ? "<strong>Request %zu</strong>" : "**Request %zu**", nstep);
      else
        o_raw(o, "**Request**", "<strong>Request</strong>");
      o_p_end(o);
      o_pre(o, "http", tmp->p ? tmp->p : "", tmp->len);
    }
    if (cJSON_IsObject(resp)) {
      int64_t ms;
      o_p(o);
      o_raw(o, "**Response**", "<strong>Response</strong>");
      if (hr_int(resp, "time_ms", &ms))
        hr_printf(o->b, " (%lld ms)", (long long)ms);
      o_p_end(o);
      tmp->len = 0;
      response_block(tmp, resp);
      o_pre(o, "http", tmp->p ? tmp->p : "", tmp->len);
    } else {
      o_p(o);
      o_raw(o, "**Response:** none recorded.", "<strong>Response:</strong> none recorded.");
      o_p_end(o);
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
    tmp->len = 0;
    size_t show = hutil_utf8_cut(c, cl, VIEW_EXCERPT_MAX * 4);
    hr_redact_into(tmp, c, show);
    if (show < cl)
      hr_printf(tmp, " ... (%zu more bytes in compliance.json)", cl - show);
    o_p(o);
    o_raw(o, "**Reproduce**", "<strong>Reproduce</strong>");
    o_p_end(o);
    o_pre(o, "sh", tmp->p ? tmp->p : "", tmp->len);
  }
}

/* ---- sections ------------------------------------------------------------------------- */

static void sec_verdict(out *o, const model *m) {
  size_t nf[HSTATUS_COUNT] = {0}, total = 0;
  for (const cJSON *f = m->findings ? m->findings->child : NULL; f; f = f->next, total++)
    nf[severity_of(f)]++;
  if (o->html) {
    const char *cls = m->verdict == 1 ? "v-ok" : m->verdict == 0 ? "v-fail" : "v-unknown";
    hr_printf(o->b, "<header class=\"verdict %s\" id=\"verdict\"><h1>Verdict: %s</h1><p>", cls,
              verdict_word(m));
  } else {
    hr_printf(o->b, "# Verdict: %s\n\n", verdict_word(m));
  }
  hr_printf(o->b, "%zu of %zu requirements fail", m->req_fail, m->ix.nreqs);
  if (m->req_count[HSTATUS_ERROR])
    hr_printf(o->b, ", %zu with cases that could not run", m->req_count[HSTATUS_ERROR]);
  if (m->req_count[HSTATUS_WAIVED])
    hr_printf(o->b, ", %zu waived (--waivers)", m->req_count[HSTATUS_WAIVED]);
  if (m->req_count[HSTATUS_SKIP])
    hr_printf(o->b, ", %zu not exercised", m->req_count[HSTATUS_SKIP]);
  hr_printf(o->b,
            "; %zu of %zu cases failed. %zu distinct findings (%zu fail, %zu error, %zu warn).",
            m->case_count[HSTATUS_FAIL], m->ix.ncases, total, nf[HSTATUS_FAIL], nf[HSTATUS_ERROR],
            nf[HSTATUS_WARN]);
  o_raw(o, "\n\n", "</p></header>\n<main>\n");
  if (m->verdict < 0) {
    o_p(o);
    o_raw(o, "**Note:** the report has no valid verdict (", "The report has no valid verdict (");
    if (m->verdict_text)
      o_code(o, m->verdict_text, m->verdict_len, 128);
    else
      hr_puts(o->b, "missing");
    hr_puts(o->b, "); it may come from an interrupted or older run.");
    o_p_end(o);
  }
  if (m->partial) {
    o_p(o);
    o_raw(o, "**Partial run:** ", "Partial run: ");
    hr_puts(o->b, "not every case of the catalogue ran (see left_out in compliance.json: "
                  "--filter or --max-creates); the verdict covers only the cases that ran.");
    o_p_end(o);
  }
  if (m->verdict == 2) {
    o_p(o);
    o_raw(o, "**Interrupted:** ", "Interrupted: ");
    hr_puts(o->b, "the run was stopped by a signal; this report holds the cases that ran.");
    o_p_end(o);
  }
  if ((m->verdict == 1 && m->req_fail > 0) || (m->verdict == 0 && m->req_fail == 0)) {
    o_p(o);
    o_raw(o, "**Note:** ", "");
    hr_puts(o->b, "the verdict recorded in the report does not match its requirements "
                  "(non-compliant iff a requirement fails).");
    o_p_end(o);
  }
}

static void id_list(out *o, const cJSON *ids, size_t count) {
  size_t shown = 0;
  for (const cJSON *x = ids ? ids->child : NULL; x && shown < IDS_SHOWN; x = x->next) {
    size_t l = 0;
    const char *s = cJSON_IsString(x) ? hjson_string(x, &l) : NULL;
    if (shown++)
      hr_puts(o->b, ", ");
    o_code(o, s, l, 256);
  }
  if (count > shown)
    hr_printf(o->b, " and %zu more", count - shown);
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

static void sec_findings(out *o, const model *m, hr_buf *tmp) {
  o_h(o, 2, "findings", "Findings");
  const cJSON *arr = m->findings;
  if (!arr || !arr->child) {
    o_p(o);
    hr_puts(o->b, "No case failed, errored or warned: nothing to report.");
    o_p_end(o);
    return;
  }
  o_p(o);
  hr_puts(o->b, "Each finding is one distinct problem (requirement, check and cause), most severe "
                "first, with the cases that show it and one representative case with its evidence "
                "and reproducer. The evidence of every case is in compliance.json.");
  o_p_end(o);
  size_t i = 0, total = 0;
  for (const cJSON *f = arr->child; f; f = f->next)
    total++;
  for (const cJSON *f = arr->child; f && i < FINDINGS_SHOWN; f = f->next, i++) {
    hstatus sev = severity_of(f);
    const cJSON *rep = hr_get(f, "representative");
    if (o->html) {
      hr_printf(o->b, "<section class=\"finding f-%s\" id=\"finding-%zu\"><h3>", hstatus_name(sev),
                i);
      o_badge(o, sev);
      hr_puts(o->b, " ");
    } else {
      const char *w = sev == HSTATUS_FAIL    ? "FAIL"
                      : sev == HSTATUS_ERROR ? "ERROR"
                      : sev == HSTATUS_WARN  ? "WARN"
                                             : "?";
      hr_printf(o->b, "### %zu. %s ", i + 1, w);
    }
    o_member(o, f, "requirement", 256, 1);
    hr_puts(o->b, " check ");
    o_member(o, f, "check", 128, 1);
    o_raw(o, "\n\n", "</h3>\n");
    o_p(o);
    o_member(o, f, "message", 1000, 0);
    o_p_end(o);
    if (hr_get(f, "tolerated_reason")) {
      o_p(o);
      o_raw(o, "**Left open by the documents:** ", "<strong>Left open by the documents:</strong> ");
      o_member(o, f, "tolerated_reason", 1000, 0);
      o_p_end(o);
    }
    int64_t count = 0;
    hr_int(f, "count", &count);
    o_p(o);
    hr_printf(o->b, "%lld case%s", (long long)count, count == 1 ? "" : "s");
    if (count > 0)
      hr_puts(o->b, ": ");
    id_list(o, hr_array(f, "cases"), count > 0 ? (size_t)count : 0);
    int64_t xc = 0;
    if (hr_int(f, "explore_count", &xc))
      hr_printf(o->b, "%s%lld request%s of the explore phase", count > 0 ? "; " : ", ",
                (long long)xc, xc == 1 ? "" : "s");
    o_br(o);
    hr_puts(o->b, "Representative: ");
    o_member(o, rep, "case", 256, 1);
    size_t sl = 0;
    const char *src = hr_str(rep, "source", &sl);
    if (src && sl == 7 && !memcmp(src, "explore", 7)) {
      int64_t sz = 0, osz = 0;
      hr_puts(o->b, ", shrunk by the explore phase");
      if (hr_int(rep, "shrunk_size", &sz) && hr_int(rep, "original_size", &osz))
        hr_printf(o->b, " (body %lld bytes, from %lld)", (long long)sz, (long long)osz);
      if (hr_get(rep, "body_file")) {
        hr_puts(o->b, ", body in ");
        o_member(o, rep, "body_file", 512, 1);
      }
      if (hr_get(rep, "evidence_case")) {
        hr_puts(o->b, "; evidence below from case ");
        o_member(o, rep, "evidence_case", 256, 1);
      }
    } else if (hr_get(rep, "title")) {
      hr_puts(o->b, " (");
      o_member(o, rep, "title", 300, 0);
      hr_puts(o->b, ")");
    }
    hr_puts(o->b, "; finding ");
    o_member(o, f, "id", 32, 1);
    o_p_end(o);
    size_t cl = 0;
    const char *curl = hr_str(rep, "curl", &cl);
    /* the same check failing for the same cause under another requirement
     * (a server that answers 200 for every create): its evidence is shown
     * once, at the first such finding, and only the reproducer here */
    size_t same = same_cause_before(arr, f, i);
    if (same != SIZE_MAX || i >= FINDINGS_WITH_EVIDENCE) {
      o_p(o);
      if (same != SIZE_MAX) {
        hr_puts(o->b, "Same check and cause as ");
        if (o->html)
          hr_printf(o->b, "<a href=\"#finding-%zu\">finding %zu</a>", same, same + 1);
        else
          hr_printf(o->b, "finding %zu", same + 1);
        hr_puts(o->b, ", where the evidence is shown; ");
      }
      hr_puts(o->b, "the recorded exchange is in compliance.json.");
      o_p_end(o);
      if (curl) {
        tmp->len = 0;
        size_t show = hutil_utf8_cut(curl, cl, VIEW_EXCERPT_MAX);
        hr_redact_into(tmp, curl, show);
        if (show < cl)
          hr_printf(tmp, " ... (%zu more bytes in compliance.json)", cl - show);
        o_pre(o, "sh", tmp->p ? tmp->p : "", tmp->len);
      }
      o_raw(o, "", "</section>\n");
      continue;
    }
    if (o->html)
      hr_printf(o->b, "<details%s><summary>Evidence</summary>\n",
                sev == HSTATUS_WARN ? "" : " open");
    evidence_out(o, hr_get(rep, "evidence"), curl, cl, tmp);
    o_raw(o, "", "</details></section>\n");
  }
  if (total > i) {
    o_p(o);
    hr_printf(o->b, "%zu more findings are listed in compliance.json.", total - i);
    o_p_end(o);
  }
}

static void sec_summary(out *o, const model *m) {
  o_h(o, 2, "summary", "Summary");
  static const char *const cols[] = {
      "", "total", "pass", "fail", "warn", "not exercised / skip", "error"};
  o_table(o, cols, 7);
  static const hstatus order[] = {HSTATUS_PASS, HSTATUS_FAIL, HSTATUS_WARN, HSTATUS_SKIP,
                                  HSTATUS_ERROR};
  for (int row = 0; row < 2; row++) {
    const size_t *cnt = row == 0 ? m->req_count : m->case_count;
    o_tr(o, NULL);
    o_td(o);
    hr_puts(o->b, row == 0 ? "requirements" : "cases");
    o_td_end(o);
    o_td(o);
    hr_printf(o->b, "%zu", row == 0 ? m->ix.nreqs : m->ix.ncases);
    o_td_end(o);
    for (size_t k = 0; k < 5; k++) {
      o_td(o);
      hr_printf(o->b, "%zu", cnt[order[k]]);
      o_td_end(o);
    }
    o_tr_end(o);
  }
  o_table_end(o);
  if (m->req_count[HSTATUS_UNKNOWN] || m->case_count[HSTATUS_UNKNOWN]) {
    o_p(o);
    hr_printf(o->b, "%zu requirements and %zu cases have a missing or unknown status.",
              m->req_count[HSTATUS_UNKNOWN], m->case_count[HSTATUS_UNKNOWN]);
    o_p_end(o);
  }
  const cJSON *s = hr_get(m->ix.root, "summary");
  int64_t v;
  if (s && ((hr_int(s, "requirements", &v) && (size_t)v != m->ix.nreqs) ||
            (hr_int(s, "cases", &v) && (size_t)v != m->ix.ncases))) {
    o_p(o);
    hr_puts(o->b, "Note: the report's own summary counts differ from its lists; the counts above "
                  "are computed from the lists.");
    o_p_end(o);
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
  o_h(o, 2, "requirements", "Requirements by class");
  if (ix->nreqs == 0) {
    o_p(o);
    hr_puts(o->b, "The report lists no requirements.");
    o_p_end(o);
    return;
  }
  o_p(o);
  hr_puts(o->b, "\"cases\" counts the cases that judged a requirement; \"failed this requirement\" "
                "lists only the cases whose check of THIS requirement failed (or that could not "
                "run). A requirement no case judged is \"not exercised\", never \"pass\".");
  o_p_end(o);
  if (o->html) {
    hr_puts(o->b, "<p id=\"filters\" hidden>Show: ");
    for (size_t s = 0; s < HSTATUS_COUNT; s++)
      hr_printf(o->b, "<label><input type=\"checkbox\" value=\"%s\" checked> %s</label>",
                hstatus_name(shown_order[s]), state_word(shown_order[s]));
    hr_puts(o->b, "</p>\n");
  }
  size_t ncl = 0;
  class_name *cl = classes_of(ix, &ncl);
  if (!cl) {
    o->b->bad = 1;
    return;
  }
  static const char *const cols[] = {"status", "requirement", "title",
                                     "source", "cases",       "failed this requirement"};
  for (size_t k = 0; k < ncl; k++) {
    size_t cnt[HSTATUS_COUNT] = {0}, total = 0;
    for (size_t r = 0; r < ix->nreqs; r++)
      if (req_in_class(ix->reqs[r], &cl[k]))
        cnt[m->rows[r].state]++, total++;
    o_details(o, 3, cnt[HSTATUS_FAIL] || cnt[HSTATUS_ERROR] || cnt[HSTATUS_WARN]);
    if (cl[k].len)
      o_text(o, cl[k].name, cl[k].len, 128);
    else
      hr_puts(o->b, "(no class)");
    hr_printf(o->b, " (%zu requirement%s", total, total == 1 ? "" : "s");
    for (size_t s = 0; s < HSTATUS_COUNT; s++)
      if (cnt[shown_order[s]] && shown_order[s] != HSTATUS_PASS)
        hr_printf(o->b, ", %zu %s", cnt[shown_order[s]], state_word(shown_order[s]));
    hr_puts(o->b, ")");
    o_summary_end(o);
    o_table(o, cols, 6);
    for (size_t r = 0; r < ix->nreqs; r++) {
      if (!req_in_class(ix->reqs[r], &cl[k]))
        continue;
      const req_row *row = &m->rows[r];
      o_tr(o, hstatus_name(row->state));
      o_td(o);
      o_badge(o, row->state);
      o_td_end(o);
      o_td(o);
      o_member(o, ix->reqs[r], "id", 256, 1);
      o_td_end(o);
      o_td(o);
      o_member(o, ix->reqs[r], "title", 300, 0);
      if ((row->state == HSTATUS_SKIP || row->state == HSTATUS_ERROR) &&
          hr_get(ix->reqs[r], "reason")) {
        o_raw(o, " (", "<br><em>");
        o_member(o, ix->reqs[r], "reason", 300, 0);
        o_raw(o, ")", "</em>");
      }
      o_td_end(o);
      o_td(o);
      o_member(o, ix->reqs[r], "source", 32, 0);
      o_td_end(o);
      o_td(o);
      hr_printf(o->b, "%zu", row->exercised);
      if (row->warned)
        hr_printf(o->b, " (%zu warned)", row->warned);
      o_td_end(o);
      o_td(o);
      for (size_t i = 0; i < row->nfailed && i < IDS_SHOWN; i++) {
        if (i)
          hr_puts(o->b, " ");
        o_case_link(o, ix->cases[row->failed[i]], row->failed[i]);
      }
      if (row->nfailed > IDS_SHOWN)
        hr_printf(o->b, " and %zu more", row->nfailed - IDS_SHOWN);
      o_td_end(o);
      o_tr_end(o);
    }
    o_table_end(o);
    o_details_end(o);
  }
  free(cl);
}

static void sec_coverage(out *o, const model *m) {
  o_h(o, 2, "coverage", "Schema coverage");
  const cJSON *rows = hr_array(m->coverage, "rows");
  if (!rows || !rows->child) {
    o_p(o);
    hr_puts(o->b, "No request schema keyword or prose rule is known for this report (no catalogue "
                  "beside it).");
    o_p_end(o);
    return;
  }
  o_p(o);
  hr_puts(o->b, "Each keyword of the request schema and each prose rule, with the cases that ran "
                "and exercised it: positive cases expect a create, negative ones a rejection.");
  o_p_end(o);
  static const char *const cols[] = {"where", "keyword", "requirement", "positive", "negative"};
  o_table(o, cols, 5);
  for (const cJSON *x = rows->child; x; x = x->next) {
    int64_t p = 0, n = 0;
    hr_int(x, "positive", &p);
    hr_int(x, "negative", &n);
    o_tr(o, p + n ? NULL : "skip");
    o_td(o);
    o_member(o, x, "location", 200, 1);
    o_td_end(o);
    o_td(o);
    o_member(o, x, "keyword", 64, 0);
    o_td_end(o);
    o_td(o);
    o_member(o, x, "requirement", 256, 1);
    o_td_end(o);
    o_td(o);
    hr_printf(o->b, "%lld", (long long)p);
    o_td_end(o);
    o_td(o);
    hr_printf(o->b, "%lld", (long long)n);
    o_td_end(o);
    o_tr_end(o);
  }
  o_table_end(o);
  const cJSON *missed = hr_array(m->coverage, "not_reached");
  o_p(o);
  if (!missed || !missed->child) {
    hr_puts(o->b, "Every keyword and prose rule was reached by at least one case.");
  } else {
    o_raw(o, "**Not reached by any case:** ", "<strong>Not reached by any case:</strong> ");
    size_t i = 0;
    for (const cJSON *x = missed->child; x; x = x->next, i++) {
      size_t l = 0;
      const char *s = cJSON_IsString(x) ? hjson_string(x, &l) : NULL;
      if (i)
        hr_puts(o->b, ", ");
      o_code(o, s, l, 256);
    }
  }
  o_p_end(o);
}

static void sec_skipped(out *o, const model *m) {
  const hr_index *ix = &m->ix;
  o_h(o, 2, "skipped", "Requirements not exercised");
  size_t n = 0;
  for (size_t r = 0; r < ix->nreqs; r++) {
    if (m->rows[r].state != HSTATUS_SKIP)
      continue;
    o_raw(o, "- ", n++ ? "<li>" : "<ul><li>");
    o_member(o, ix->reqs[r], "id", 256, 1);
    hr_puts(o->b, " ");
    o_member(o, ix->reqs[r], "title", 300, 0);
    hr_puts(o->b, ": ");
    if (hr_get(ix->reqs[r], "reason"))
      o_member(o, ix->reqs[r], "reason", 1000, 0);
    else
      hr_puts(o->b, "no case judged it");
    o_raw(o, "\n", "</li>\n");
  }
  if (n)
    o_raw(o, "\n", "</ul>\n");
  else {
    o_p(o);
    hr_puts(o->b, "None.");
    o_p_end(o);
  }
}

static void kv_row(out *o, const char *key) {
  o_tr(o, NULL);
  o_td(o);
  hr_puts(o->b, key);
  o_td_end(o);
  o_td(o);
}
static void kv_end(out *o) {
  o_td_end(o);
  o_tr_end(o);
}

static void sec_run(out *o, const model *m) {
  const cJSON *root = m->ix.root;
  const cJSON *target = hr_get(root, "target"), *spec = hr_get(root, "spec");
  const cJSON *tool = hr_get(root, "tool");
  o_h(o, 2, "run", "Run");
  static const char *const cols[] = {"", ""};
  o_table(o, cols, 2);
  kv_row(o, "Target");
  o_member(o, target, "url", 512, 1);
  size_t sl = 0;
  const char *server = hr_str(target, "server", &sl);
  if (server) {
    hr_puts(o->b, " (server ");
    o_code(o, server, sl, 256);
    hr_puts(o->b, ")");
  }
  if (cJSON_IsTrue(hr_get(target, "embedded_mock"))) {
    hr_puts(o->b, " embedded mock");
    const cJSON *faults = hr_array(target, "faults");
    if (faults && faults->child) {
      hr_puts(o->b, ", faults:");
      for (const cJSON *x = faults->child; x; x = x->next) {
        size_t xl = 0;
        const char *xs = cJSON_IsString(x) ? hjson_string(x, &xl) : NULL;
        hr_puts(o->b, " ");
        o_code(o, xs, xl, 128);
      }
    }
  }
  kv_end(o);
  kv_row(o, "Spec");
  o_member(o, spec, "title", 256, 0);
  hr_puts(o->b, " ");
  o_member(o, spec, "version", 128, 0);
  hr_puts(o->b, ", sha256 ");
  o_member(o, spec, "sha256", 128, 1);
  hr_puts(o->b, ", ");
  o_member(o, spec, "path", 512, 1);
  kv_end(o);
  static const struct {
    const char *label, *member;
    int code;
  } plain[] = {{"Profile", "profile", 0},    {"Seed", "seed", 0},
               {"Filter", "filter", 1},      {"Run id", "run_id", 1},
               {"Started", "started_at", 0}, {"Finished", "finished_at", 0}};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
    kv_row(o, plain[i].label);
    o_member(o, root, plain[i].member, 256, plain[i].code);
    kv_end(o);
  }
  kv_row(o, "Duration");
  int64_t ms;
  if (hr_int(root, "duration_ms", &ms) && ms >= 0)
    hr_printf(o->b, "%.1f s", (double)ms / 1000.0);
  else
    hr_puts(o->b, "(unknown)");
  kv_end(o);
  kv_row(o, "Tool");
  o_member(o, tool, "name", 64, 0);
  hr_puts(o->b, " ");
  o_member(o, tool, "version", 64, 0);
  kv_end(o);
  o_table_end(o);
}

static void sec_resources(out *o, const model *m) {
  const cJSON *root = m->ix.root;
  const cJSON *res = hr_array(root, "created_resources");
  o_h(o, 2, "resources", "Created resources");
  if (!res || !res->child) {
    o_p(o);
    hr_puts(o->b, "None recorded.");
    o_p_end(o);
  } else {
    o_p(o);
    hr_puts(o->b, "Tokens created on the target by this run (the spec has no delete operation: "
                  "revoke them by id). Token values are never recorded.");
    o_p_end(o);
    size_t total = 0, shown = 0;
    for (const cJSON *x = res->child; x; x = x->next)
      total++;
    if (o->html)
      hr_printf(o->b, "<details%s><summary>%zu created</summary>\n",
                total <= RESOURCES_SHOWN_MD ? " open" : "", total);
    static const char *const cols[] = {"id", "name", "label"};
    o_table(o, cols, 3);
    for (const cJSON *x = res->child; x; x = x->next) {
      if (!o->html && shown++ == RESOURCES_SHOWN_MD) {
        o_table_end(o);
        o_p(o);
        hr_printf(o->b, "%zu more in compliance.json (and compliance.html).",
                  total - RESOURCES_SHOWN_MD);
        o_p_end(o);
        break;
      }
      o_tr(o, NULL);
      o_td(o);
      o_member(o, x, "id", 256, 1);
      o_td_end(o);
      o_td(o);
      o_member(o, x, "name", 512, 1);
      o_td_end(o);
      o_td(o);
      o_member(o, x, "label", 64, 0);
      o_td_end(o);
      o_tr_end(o);
    }
    if (o->html || total <= RESOURCES_SHOWN_MD)
      o_table_end(o);
    o_raw(o, "", "</details>\n");
  }
  const cJSON *mx = hr_array(root, "token_matrix");
  if (!mx || !mx->child)
    return;
  o_h(o, 2, "matrix", "Token matrix");
  static const char *const cols[] = {"label", "status", "cases", "fail"};
  o_table(o, cols, 4);
  for (const cJSON *x = mx->child; x; x = x->next) {
    o_tr(o, NULL);
    o_td(o);
    o_member(o, x, "label", 64, 0);
    o_td_end(o);
    o_td(o);
    o_badge(o, hr_status_of(x));
    o_td_end(o);
    o_td(o);
    o_member(o, x, "cases", 32, 0);
    o_td_end(o);
    o_td(o);
    o_member(o, x, "fail", 32, 0);
    o_td_end(o);
    o_tr_end(o);
  }
  o_table_end(o);
}

/* Every case, on demand (HTML only: the Markdown view points at compliance.json). */
static void sec_cases(out *o, const model *m) {
  const hr_index *ix = &m->ix;
  o_h(o, 2, "cases", "All cases");
  if (!o->html) {
    o_p(o);
    hr_printf(o->b,
              "%zu cases ran; compliance.json holds every case with its checks and full "
              "evidence, compliance.html lists them.",
              ix->ncases);
    o_p_end(o);
    return;
  }
  hr_printf(o->b, "<details><summary>%zu cases (%zu fail, %zu warn, %zu error)</summary>\n",
            ix->ncases, m->case_count[HSTATUS_FAIL], m->case_count[HSTATUS_WARN],
            m->case_count[HSTATUS_ERROR]);
  static const char *const cols[] = {"status", "case", "requirement", "findings"};
  o_table(o, cols, 4);
  for (size_t c = 0; c < ix->ncases && c < CASES_TABLE_MAX; c++) {
    const cJSON *cs = ix->cases[c];
    hstatus st = hr_status_of(cs);
    hr_printf(o->b, "<tr id=\"case-%zu\" data-status=\"%s\">", c, hstatus_name(st));
    hr_printf(o->b, "<td>%s</td>", hstatus_name(st)); /* plain: 500 rows add up */
    o_td(o);
    o_member(o, cs, "id", 256, 1);
    o_td_end(o);
    o_td(o);
    o_member(o, cs, "requirement", 256, 0);
    o_td_end(o);
    o_td(o);
    /* the problems as links to their findings (the messages are there) */
    int any = 0;
    for (size_t k = 0; k < CASE_FINDINGS && m->case_findings[c][k]; k++) {
      size_t fi = m->case_findings[c][k] - 1;
      const cJSON *f = m->fvec[fi];
      if (any++)
        hr_puts(o->b, " ");
      if (fi < FINDINGS_SHOWN) /* the later ones are only in compliance.json */
        hr_printf(o->b, "<a href=\"#finding-%zu\">#%zu</a> ", fi, fi + 1);
      else
        hr_printf(o->b, "#%zu ", fi + 1);
      o_member(o, f, "check", 64, 0);
    }
    if (!any && st != HSTATUS_PASS && hr_str(cs, "detail", NULL))
      o_member(o, cs, "detail", 300, 0);
    o_td_end(o);
    o_tr_end(o);
  }
  o_table_end(o);
  if (ix->ncases > CASES_TABLE_MAX)
    hr_printf(o->b, "<p>%zu more cases in compliance.json.</p>\n", ix->ncases - CASES_TABLE_MAX);
  hr_puts(o->b, "</details>\n");
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
  if (model_build(&m, report, catalogue) != 0)
    return NULL;
  hr_buf b = {0}, tmp = {0};
  out o = {&b, html, 0};
  if (html) {
    /* The CSP forbids every fetch: the page is self-contained by construction. */
    hr_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; "
                "form-action 'none'\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    hr_printf(&b, "<title>API compliance: %s</title>\n<style>", verdict_word(&m));
    hr_puts(&b, html_css);
    hr_puts(&b, "</style></head><body>\n");
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
  o_p(&o);
  o_raw(&o, "---\n", "<small>");
  hr_puts(&b, "Generated by apiharness from compliance.json. Secrets are redacted (bearer "
              "credentials; token values beyond an 8-character prefix).");
  o_raw(&o, "", "</small>");
  o_p_end(&o);
  if (html) {
    hr_puts(&b, "</main>\n<script>");
    hr_puts(&b, html_js);
    hr_puts(&b, "</script>\n</body></html>\n");
  }
  if (tmp.bad)
    b.bad = 1;
  free(tmp.p);
  model_free(&m);
  return hr_finish(&b, len);
}

char *hreport_render_md(const cJSON *report, size_t *len) {
  return hr_render_view(report, NULL, 0, len);
}

char *hreport_render_html(const cJSON *report, size_t *len) {
  return hr_render_view(report, NULL, 1, len);
}
