/* Internal to the views (report/hviews*.c): the output interface both formats
 * are written through (hviews_out.c: headings, paragraphs, tables, literal
 * blocks, disclosure sections, each with a Markdown and an HTML form), the
 * model the sections read (hviews_model.c: requirement rows, the cases that
 * failed each, the findings by case) and the limits of what a view shows.
 * The sections and the page are in hviews.c. */
#ifndef HVIEWS_INT_H
#define HVIEWS_INT_H

#include <stddef.h>

#include "report/hreport_int.h"
#include "rules/hstatus.h"

#define VIEW_EXCERPT_MAX 512u     /* bytes of a body excerpt or reproducer shown in a view */
#define VIEW_HEADERS_MAX 40       /* headers shown per request/response */
#define FINDINGS_SHOWN 25         /* findings rendered (the rest: compliance.json) */
#define FINDINGS_WITH_EVIDENCE 10 /* findings rendered with their recorded exchange */
#define IDS_SHOWN 6               /* case ids listed per finding / requirement row */
#define RESOURCES_SHOWN_MD 10     /* created resources listed in the Markdown view */
#define CASES_TABLE_MAX 5000      /* rows of the HTML table of every case */
#define CASE_FINDINGS 6           /* findings linked per case in that table */

/* ---- the output interface (hviews_out.c) ---- */

typedef struct {
  hbuf *b;
  int html;
  int cell; /* inside a table cell (Markdown escapes | and keeps one line) */
} out;

void hv_raw(out *o, const char *md, const char *html);
void hv_text(out *o, const char *s, size_t n, size_t max);
void hv_code(out *o, const char *s, size_t n, size_t max);
void hv_member(out *o, const cJSON *obj, const char *name, size_t max, int code);
void hv_h(out *o, int level, const char *anchor, const char *title);
void hv_p(out *o);
void hv_p_end(out *o);
void hv_br(out *o);
void hv_table(out *o, const char *const *cols, size_t n);
void hv_tr(out *o, const char *status);
void hv_td(out *o);
void hv_td_end(out *o);
/* A cell holding hv_member(o, obj, name, max, code). */
void hv_td_member(out *o, const cJSON *obj, const char *name, size_t max, int code);
void hv_tr_end(out *o);
void hv_table_end(out *o);
void hv_pre(out *o, const char *info, const char *s, size_t n);
void hv_details(out *o, int level, int open);
void hv_summary_end(out *o);
void hv_details_end(out *o);
/* The order statuses are listed in (filters, per-class counts). */
extern const hstatus hv_shown_order[HSTATUS_COUNT];
const char *hv_state_word(hstatus s);
void hv_badge(out *o, hstatus st);
void hv_case_link(out *o, const cJSON *cs, size_t c);

/* ---- the model (hviews_model.c) ---- */

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

void hv_model_free(model *m);
int hv_model_build(model *m, const cJSON *root, const cJSON *catalogue);
const char *hv_verdict_word(const model *m);
hstatus hv_severity_of(const cJSON *f);

#endif
