/* The views' output interface: see hviews_int.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "report/hviews_int.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* ---- the output interface --------------------------------------------------------- */

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
void hv_raw(out *o, const char *md, const char *html) { hbuf_puts(o->b, o->html ? html : md); }

/* Untrusted text, escaped for the format. */
void hv_text(out *o, const char *s, size_t n, size_t max) {
  if (!s)
    return;
  hr_text(o->b, s, n, o->html ? HR_TEXT_HTML : o->cell ? HR_TEXT_MD_CELL : HR_TEXT_MD, max);
}

/* Untrusted text as inline code. */
void hv_code(out *o, const char *s, size_t n, size_t max) {
  if (!s) {
    hv_raw(o, "(missing)", "<em>(missing)</em>");
    return;
  }
  if (o->html) {
    hbuf_puts(o->b, "<code>");
    hr_text(o->b, s, n, HR_TEXT_HTML, max);
    hbuf_puts(o->b, "</code>");
    return;
  }
  if (n == 0) {
    hbuf_puts(o->b, "(empty)");
    return;
  }
  size_t d = longest_run(s, n, '`') + 1;
  int pad = s[0] == '`' || s[n - 1] == '`' || s[0] == ' ';
  for (size_t i = 0; i < d; i++)
    hbuf_puts(o->b, "`");
  if (pad)
    hbuf_puts(o->b, " ");
  hr_text(o->b, s, n, o->cell ? HR_TEXT_CODE_CELL : HR_TEXT_TERM, max ? max : 512);
  if (pad)
    hbuf_puts(o->b, " ");
  for (size_t i = 0; i < d; i++)
    hbuf_puts(o->b, "`");
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

void hv_member(out *o, const cJSON *obj, const char *name, size_t max, int code) {
  size_t n = 0;
  char tmp[64];
  const char *s = scalar_text(hr_get(obj, name), tmp, sizeof tmp, &n);
  if (!s)
    hv_raw(o, "(missing)", "<em>(missing)</em>");
  else if (code)
    hv_code(o, s, n, max);
  else
    hv_text(o, s, n, max);
}

void hv_h(out *o, int level, const char *anchor, const char *title) {
  if (o->html) {
    hbuf_printf(o->b, "<h%d", level);
    if (anchor)
      hbuf_printf(o->b, " id=\"%s\"", anchor);
    hbuf_printf(o->b, ">%s</h%d>\n", title, level);
  } else {
    for (int i = 0; i < level; i++)
      hbuf_puts(o->b, "#");
    hbuf_printf(o->b, " %s\n\n", title);
  }
}

void hv_p(out *o) { hv_raw(o, "", "<p>"); }
void hv_p_end(out *o) { hv_raw(o, "\n\n", "</p>\n"); }
void hv_br(out *o) { hv_raw(o, "  \n", "<br>"); }

void hv_table(out *o, const char *const *cols, size_t n) {
  if (o->html) {
    hbuf_puts(o->b, "<table>\n<tr>");
    for (size_t i = 0; i < n; i++)
      hbuf_printf(o->b, "<th>%s</th>", cols[i]);
    hbuf_puts(o->b, "</tr>\n");
  } else {
    hbuf_puts(o->b, "|");
    for (size_t i = 0; i < n; i++)
      hbuf_printf(o->b, " %s |", cols[i]);
    hbuf_puts(o->b, "\n|");
    for (size_t i = 0; i < n; i++)
      hbuf_puts(o->b, "---|");
    hbuf_puts(o->b, "\n");
  }
}

void hv_tr(out *o, const char *status) {
  if (o->html)
    hbuf_printf(o->b, status ? "<tr data-status=\"%s\">" : "<tr>", status);
  else
    hbuf_puts(o->b, "|");
}
void hv_td(out *o) {
  o->cell = 1;
  hv_raw(o, " ", "<td>");
}
void hv_td_end(out *o) {
  o->cell = 0;
  hv_raw(o, " |", "</td>");
}
void hv_td_member(out *o, const cJSON *obj, const char *name, size_t max, int code) {
  hv_td(o);
  hv_member(o, obj, name, max, code);
  hv_td_end(o);
}
void hv_tr_end(out *o) { hv_raw(o, "\n", "</tr>\n"); }
void hv_table_end(out *o) { hv_raw(o, "\n", "</table>\n"); }

/* A literal block (already redacted text): a fence longer than any backtick run
 * inside, or <pre>. */
void hv_pre(out *o, const char *info, const char *s, size_t n) {
  if (o->html) {
    hbuf_printf(o->b, "<pre class=\"%s\">", info);
    hr_text(o->b, s, n, HR_TEXT_HTML, 0);
    hbuf_puts(o->b, "</pre>\n");
    return;
  }
  size_t d = longest_run(s, n, '`') + 1;
  if (d < 3)
    d = 3;
  for (size_t i = 0; i < d; i++)
    hbuf_puts(o->b, "`");
  hbuf_printf(o->b, "%s\n", info);
  hr_text(o->b, s, n, HR_TEXT_CODE, 0);
  if (n == 0 || s[n - 1] != '\n')
    hbuf_puts(o->b, "\n");
  for (size_t i = 0; i < d; i++)
    hbuf_puts(o->b, "`");
  hbuf_puts(o->b, "\n\n");
}

/* A disclosure section: Markdown shows it as a heading of `level`. */
void hv_details(out *o, int level, int open) {
  if (o->html) {
    hbuf_printf(o->b, "<details%s><summary>", open ? " open" : "");
  } else {
    for (int i = 0; i < level; i++)
      hbuf_puts(o->b, "#");
    hbuf_puts(o->b, " ");
  }
}
void hv_summary_end(out *o) { hv_raw(o, "\n\n", "</summary>\n"); }
void hv_details_end(out *o) { hv_raw(o, "", "</details>\n"); }

const hstatus hv_shown_order[HSTATUS_COUNT] = {HSTATUS_PASS,   HSTATUS_FAIL,  HSTATUS_WARN,
                                               HSTATUS_SKIP,   HSTATUS_ERROR, HSTATUS_WAIVED,
                                               HSTATUS_UNKNOWN};

const char *hv_state_word(hstatus s) {
  return s == HSTATUS_SKIP ? "not exercised" : hstatus_name(s);
}

void hv_badge(out *o, hstatus st) {
  if (o->html)
    hbuf_printf(o->b, "<span class=\"st st-%s\">%s</span>", hstatus_name(st), hv_state_word(st));
  else
    hbuf_puts(o->b, st == HSTATUS_UNKNOWN ? "?" : hv_state_word(st));
}

void hv_case_link(out *o, const cJSON *cs, size_t c) {
  if (o->html)
    hbuf_printf(o->b, "<a href=\"#case-%zu\">", c);
  hv_member(o, cs, "id", 256, 1);
  if (o->html)
    hbuf_puts(o->b, "</a>");
}
