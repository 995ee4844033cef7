/* hcertify_print: what `apiharness certify` prints after a run - the case
 * table by class, the findings, the explore phase, the waivers, the created
 * tokens and the verdict line.  See hcertify.h. */
#include <stdio.h>
#include <string.h>

#include "client/hsanitize.h"
#include "report/hreport.h"
#include "rules/hstatus.h"
#include "run/hcertify.h"
#include "run/hwaivers.h"

/* "13 of 505 cases, --filter 'http.*', 6 skipped by --max-creates 10" */
static void partial_text(const hcertify_config *c, const hplan_counts *pc, char *buf, size_t cap) {
  char f[300];
  const char *filter = c->filter ? c->filter : "*";
  hsanitize_into(f, sizeof f, filter, strlen(filter), NULL, 0);
  int n = snprintf(buf, cap, "%zu of %zu cases", pc->entries - pc->skipped_creates, pc->total);
  if (pc->entries < pc->total && n > 0 && (size_t)n < cap)
    n += snprintf(buf + n, cap - (size_t)n, ", --filter '%s'", f);
  if (pc->skipped_creates && n > 0 && (size_t)n < cap)
    snprintf(buf + n, cap - (size_t)n, ", %zu skipped by --max-creates %ld", pc->skipped_creates,
             c->max_creates);
}

static const char *str(const cJSON *o, const char *k) {
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static double num(const cJSON *o, const char *k) {
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The cases by class and status, and the totals of the summary. */
static void print_table(FILE *out, const cJSON *report) {
  static const char *const classes[] = {"positive", "negative-body", "raw-bytes", "http",
                                        "semantics"};
  /* the columns; a case status outside them (never written) counts as error */
  static const hstatus cols[] = {HSTATUS_PASS, HSTATUS_FAIL, HSTATUS_WARN, HSTATUS_SKIP,
                                 HSTATUS_ERROR};
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(report, "cases");
  fprintf(out, "%-15s %6s %6s %6s %6s %6s\n", "class", "pass", "fail", "warn", "skip", "error");
  for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++) {
    size_t cnt[5] = {0};
    for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next) {
      const char *klass = str(c, "class");
      if (!klass || strcmp(klass, classes[k]))
        continue;
      hstatus st = hstatus_parse(str(c, "status"));
      size_t col = 4;
      for (size_t j = 0; j < 5; j++)
        if (cols[j] == st)
          col = j;
      cnt[col]++;
    }
    fprintf(out, "%-15s %6zu %6zu %6zu %6zu %6zu\n", classes[k], cnt[0], cnt[1], cnt[2], cnt[3],
            cnt[4]);
  }
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(report, "summary");
  fprintf(out, "%-15s", "total");
  for (size_t k = 0; k < 5; k++)
    fprintf(out, " %6zu", (size_t)num(sum, hstatus_name(cols[k])));
  fprintf(out, "\n");
}

static void print_explore(FILE *out, const cJSON *report, unsigned long seed,
                          const char *report_dir) {
  const cJSON *xs = cJSON_GetObjectItemCaseSensitive(report, "explore");
  const char *xskip = str(xs, "skipped");
  if (xskip) {
    fprintf(out, "\nexplore: skipped (%s)\n", xskip);
    return;
  }
  if (!xs)
    return;
  const cJSON *xf = cJSON_GetObjectItemCaseSensitive(xs, "failures");
  int nf = cJSON_GetArraySize(xf);
  fprintf(out, "\nexplore: %.0f requests (%.0f/s, seed %lu), %d distinct failure(s)%s%s\n",
          num(xs, "sent"), num(xs, "rate_per_s"), seed, nf, nf ? ", shrunk cases in " : "",
          nf ? report_dir : "");
  const char *xstop = str(xs, "stopped");
  if (xstop)
    fprintf(out, "  (%s)\n", xstop);
  for (const cJSON *f = xf ? xf->child : NULL; f; f = f->next)
    fprintf(out, "  %-48s %s (%.0f -> %.0f bytes)\n", str(f, "requirement"), str(f, "check"),
            num(f, "original_size"), num(f, "shrunk_size"));
}

void hcertify_print(FILE *out, const hcertify_config *c, const hcertify_result *r) {
  const cJSON *report = r->report;
  if (!report)
    return;
  print_table(out, report);
  /* the distinct problems, most severe first, each naming a case that
   * really failed that check (warnings too, on a compliant run) */
  hreport_print_findings(out, report, 15);
  print_explore(out, report, c->seed, r->report_dir);
  hwaivers_print(out, report);
  int ncreated = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report, "created_resources"));
  if (ncreated)
    fprintf(out, "\n%d token(s) created on the target: ids listed under created_resources\n",
            ncreated);
  double secs = (double)r->duration_ms / 1000.0;
  if (r->interrupted) {
    fprintf(out,
            "\nverdict: INCOMPLETE (interrupted: %zu of %zu cases ran; %zu requirements, %.1f s)\n",
            r->n_cases, r->n_cases + r->not_run, r->n_reqs, secs);
  } else {
    const char *word = r->any_fail ? "NON-COMPLIANT" : "COMPLIANT";
    if (hmodel_is_partial(&r->counts)) {
      char pt[512];
      partial_text(c, &r->counts, pt, sizeof pt);
      fprintf(out, "\nverdict: %s (PARTIAL: %s) - %zu requirements, %.1f s\n", word, pt, r->n_reqs,
              secs);
    } else {
      fprintf(out, "\nverdict: %s (%zu requirements, %zu cases, %.1f s)\n", word, r->n_reqs,
              r->n_entries, secs);
    }
  }
  fprintf(out, "report: %s/compliance.html\n", r->report_dir);
}
