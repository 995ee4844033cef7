/* hstatus: the one status vocabulary of the harness.
 *
 * A judge check, a verdict, a case result, a requirement of the report and a
 * finding all carry one of these values; the words ("pass", "fail" ...) exist
 * only where JSON is read or written (hstatus_name / hstatus_parse).
 *
 *   skip    nothing was judged (a check that does not apply; a requirement no
 *           case exercised: "not exercised" in the views)
 *   pass    judged and met
 *   warn    judged; the documents leave the outcome open (a tolerated answer)
 *   fail    judged and broken
 *   error   a case that could not run (no result, a crash, a hang); never a
 *           judge's verdict
 *   waived  a failing or warning requirement accepted by a --waivers entry
 *           (report only: it does not fail the verdict, compare still counts it
 *           as not passing)
 *   unknown a word a reader did not recognise (a hand-edited or foreign
 *           report); never written by the harness
 *
 * The judge's four come first, in severity order (skip < pass < warn < fail),
 * so a judge may fold with `>` and index arrays of HSTATUS_JUDGE_COUNT.  For
 * every value use hstatus_severity / hstatus_worst. */
#ifndef HSTATUS_H
#define HSTATUS_H

#include <stddef.h>

typedef enum {
  HSTATUS_SKIP = 0,
  HSTATUS_PASS = 1,
  HSTATUS_WARN = 2,
  HSTATUS_FAIL = 3,
  HSTATUS_ERROR = 4,
  HSTATUS_WAIVED = 5,
  HSTATUS_UNKNOWN = 6
} hstatus;

#define HSTATUS_JUDGE_COUNT 4 /* skip pass warn fail: what a judge produces */
#define HSTATUS_COUNT 7       /* every value, unknown included (array sizes) */

/* "skip", "pass", "warn", "fail", "error", "waived", "unknown" (static); any
 * value out of range is "unknown". */
const char *hstatus_name(hstatus s);

/* The value of a word above, exactly (case-sensitive, no surrounding space);
 * HSTATUS_UNKNOWN for NULL, "unknown" and any other word. */
hstatus hstatus_parse(const char *word);
/* As hstatus_parse for word[0..len) (need not be NUL-terminated). */
hstatus hstatus_parse_n(const char *word, size_t len);

/* How bad a status is, for folding: skip 0 < pass 1 < warn 2 < waived 3 <
 * fail 4 < error 5 = unknown 5 (what cannot be read cannot be certified). */
int hstatus_severity(hstatus s);
/* The worse of a and b by hstatus_severity (a on a tie). */
hstatus hstatus_worst(hstatus a, hstatus b);

#endif
