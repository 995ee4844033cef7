/* hreport: the report layer.  From the compliance.json model: its findings
 * (distinct problems, hfindings.c) and schema coverage (hcoverage.c); the human
 * views compliance.md and compliance.html, rendered from one model by one set
 * of section writers (hviews.c): verdict, findings with one representative
 * evidence each, summary, requirement tables (the cases that judged each one
 * and those that failed THAT requirement; "not exercised" where none judged
 * it), schema coverage, and in the HTML every case on demand; the CI outputs
 * junit.xml, a Markdown step summary and SARIF (hci.c); and the comparison of
 * two reports, the release gate (hcompare.c).
 *
 * Input is compliance.json as written by `apiharness certify` (format
 * "apiharness-compliance/1", see the certify runner).  It is read strictly with
 * hjson (no duplicate names, valid UTF-8) but the CONTENT is treated as hostile
 * and possibly incomplete: a report from an older or broken run renders what it
 * has ("(missing)" for absent fields), never crashes, and every string taken
 * from it is escaped for the output format (HTML-escaped in the HTML view;
 * fenced with a fence longer than any backtick run in the Markdown view).
 *
 * Second line of defence against secrets (the certify runner already redacts):
 * when rendering request/response headers, body excerpts and curl reproducers,
 *  - the value of an "Authorization: Bearer X" header (and any "Bearer X" in a
 *    curl line) is replaced by "Bearer <redacted>" unless X is already a
 *    placeholder (<redacted>, $VAR or ${VAR});
 *  - the value of a JSON member "token" in a body excerpt or curl line, when
 *    longer than 8 characters and not already redacted (containing
 *    "<redacted>"), is cut to its first 8 characters followed by "...<redacted>".
 * See hreport_redact.
 *
 * No global state; all functions are reentrant. */
#ifndef HREPORT_H
#define HREPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "json/hjson.h"

#define HREPORT_FORMAT "apiharness-compliance/1"
#define HREPORT_MAX_INPUT (64u << 20)   /* compliance.json larger than this is refused */
#define HREPORT_MAX_OUTPUT (256u << 20) /* a rendered view larger than this is an error */
#define HREPORT_EXCERPT_MAX 16384u      /* bytes of one excerpt/curl line rendered */
#define HREPORT_TOKEN_PREFIX 8u         /* characters of a token value kept by redaction */

/* Reads report_dir/compliance.json and writes report_dir/compliance.md and
 * report_dir/compliance.html (each atomically: temporary file + rename).
 * Returns 0 on success; nonzero with a one-line message in err (what and where,
 * e.g. "reports/x/compliance.json: offset 12 (/verdict): expected ':'") otherwise.
 * err may be NULL. */
int hreport_write_views(const char *report_dir, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Writes report_dir/compliance.md and compliance.html from a report model in
 * memory (cJSON or hjson tree; catalogue, may be NULL, gives the schema
 * coverage when the model has no "coverage").  Never fails on the model's
 * content (invalid UTF-8, control characters): only on I/O or memory.
 * 0, or nonzero with a one-line message in err. */
int hreport_write_views_from(const char *report_dir, const cJSON *report, const cJSON *catalogue,
                             char *err, size_t errlen) __attribute__((warn_unused_result));

/* The whole report of a certify run, in one call: sanitizes the model
 * (hreport_sanitize), adds "findings" and "coverage" (from catalogue, may be
 * NULL), then writes compliance.md, compliance.html, junit.xml and last
 * compliance.json, each atomically.  0, or nonzero with err filled. */
int hreport_write_report(const char *report_dir, cJSON *report, const cJSON *catalogue, char *err,
                         size_t errlen) __attribute__((warn_unused_result));

/* Reads the file at path (at most HREPORT_MAX_INPUT bytes) and parses it strictly
 * into doc.  The root must be a JSON object; if its "format" member is present it
 * must equal HREPORT_FORMAT (an absent format is accepted: older reports).
 * On success *root is the tree, owned by doc (valid until the next parse on doc
 * or hjson_doc_free) and 0 is returned; otherwise nonzero with err filled. */
int hreport_load(hjson_doc *doc, const char *path, const cJSON **root, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Renders a parsed report (a cJSON object, from hjson or cJSON) as Markdown / as
 * one self-contained HTML page.  Returns a NUL-terminated malloc'd string (free
 * with free()), *len (may be NULL) its length; NULL when out of memory or the
 * output would exceed HREPORT_MAX_OUTPUT.  Never fails on odd content. */
char *hreport_render_md(const cJSON *report, size_t *len) __attribute__((warn_unused_result));
char *hreport_render_html(const cJSON *report, size_t *len) __attribute__((warn_unused_result));

/* Writes data[0..len) to path atomically: path.tmp.<pid> is written, flushed
 * (fsync) and renamed over path; on failure the temporary file is removed.
 * Returns 0, or nonzero with "path: reason" in err (err may be NULL). */
int hreport_write_file_atomic(const char *path, const void *data, size_t len, char *err,
                              size_t errlen) __attribute__((warn_unused_result));

/* The redaction described above, applied to text[0..len): returns a malloc'd
 * NUL-terminated copy (free with free()), *out_len (may be NULL) its length;
 * NULL when out of memory.  Bytes other than the redacted values are unchanged. */
char *hreport_redact(const char *text, size_t len, size_t *out_len)
    __attribute__((warn_unused_result));

/* Comparison of two parsed reports, requirement by requirement (matched by id).
 * A requirement's state is its "status", except that it is "error" when it does
 * not fail but one of its cases has status "error" (the case could not run),
 * and "skip" (shown "not exercised") when it passed or warned although no case
 * that ran judged it (in a report that lists cases).
 * "regressions": pass/warn in base, fail/error now.  "coverage_loss": pass/warn
 * in base, and now skipped / not exercised / unknown, or missing from the
 * current report ("after": "missing").  "improvements": fail/error in base,
 * pass/warn now.  "changed": any other change of state.  "added"/"removed":
 * present in only one report.  "spec"/"profile": whether both reports come
 * from the same spec document (sha256) and profile ("same" is true when one
 * of them does not say).  "new_findings": findings of the current report whose
 * key the baseline lacks (findings computed when a report has none).
 * The result is a new cJSON object (free with cJSON_Delete):
 *   {"baseline_verdict": "...", "current_verdict": "...",
 *    "spec": {"baseline", "current", "same"}, "profile": {"baseline", "current", "same"},
 *    "regressions": [{"id", "title", "class", "before", "after",
 *                     "cases": [{"id", "status", "detail"}]}],   (failing/erroring cases)
 *    "coverage_loss": [{"id", "title", "before", "after", "reason"}],
 *    "improvements": [{"id", "title", "before", "after"}],
 *    "changed": [{"id", "title", "before", "after"}],
 *    "added": [{"id", "title", "status"}], "removed": [{"id", "title", "status"}],
 *    "unchanged": N,
 *    "new_findings": [{"id", "key", "severity", "requirement", "check", "message",
 *                      "count", "case"}]}
 * NULL when out of memory.  Requirements without a string id are ignored; an id
 * repeated in one report counts once (the first): hreport_validate refuses both. */
cJSON *hreport_compare(const cJSON *base, const cJSON *cur) __attribute__((warn_unused_result));

/* ---- findings ----------------------------------------------------------------------
 * A finding is one distinct problem: every failing, erroring or warning check of
 * every case (a case that failed or could not run without such a check counts
 * by its "detail", check name "run" for errors), keyed by
 *   (requirement of the check, else of the case; check name; cause; severity)
 * where the cause is the message normalised by hreport_normalise_message.
 * An explore phase's failures ({"explore": {"failures": [{"requirement",
 * "check" (or "name"), "message", "status" "fail"|"warn"|"error" (default
 * fail), "case" (or "case_id"/"id": the shrunk case's id), "evidence":
 * {"request", "response", "curl"} (or "curl" beside it), "original_case"}]}})
 * join the finding with the same key, or make their own, and their shrunk
 * case is then the representative.  Each finding (most severe first: fail,
 * error, warn; then by count, descending; then by key) is
 *   {"id": "F" + 8 hex digits (FNV-1a of the key: stable across runs),
 *    "key": "requirement | check | cause", "severity": "fail"|"error"|"warn",
 *    "requirement", "check", "cause", "message" (the representative's own),
 *    "count", "cases": [case ids, report order, explore ids last],
 *    "representative": {"case", "source": "catalogue"|"explore", "title" |
 *                       "original_case", "evidence" (a copy), "curl"},
 *    "tolerated_reason" (warnings whose outcome the documents leave open)}
 * The representative is the case with the smallest request body, or the explore
 * phase's shrunk case.  Every copied string is valid UTF-8 (\xNN escapes) and
 * passed through hreport_redact. */

/* The findings of a report model (hjson or cJSON tree) as a new array
 * (cJSON_Delete); NULL when out of memory. */
cJSON *hreport_findings(const cJSON *report) __attribute__((warn_unused_result));

/* Computes the findings of report and stores them as its "findings" member
 * (replacing one already there).  0, or -1 when out of memory / not an object.
 * Call it after "cases" (and "explore") are complete, before writing the file. */
int hreport_add_findings(cJSON *report) __attribute__((warn_unused_result));

/* Prints the findings (report's "findings", computed when absent) to out:
 * a count line, then per finding "SEV requirement [check] N cases, e.g. CASE"
 * and its message (and the tolerated reason), CASE being a case that showed
 * this very problem.  At most max findings (max < 0: all), then "... N more".
 * Strings are redacted and their control characters escaped. */
void hreport_print_findings(FILE *out, const cJSON *report, int max);

/* The cause of a message, in out (NUL-terminated, cut to cap): white space
 * collapsed; numbers replaced by N, except three-digit HTTP statuses 1xx-5xx
 * (not after "offset "); quoted values ("..." or '...') replaced by "..."
 * unless they read as a name (letters, _ $ - ., no digit, <= 32 bytes). */
void hreport_normalise_message(const char *s, size_t n, char *out, size_t cap);

/* Makes every string and member name of a cJSON tree valid UTF-8 in place:
 * invalid bytes become the text \xNN.  Returns how many strings were changed,
 * -1 when out of memory.  Call it on the model before writing compliance.json:
 * one bad byte from a peer then never costs the report. */
int hreport_sanitize(cJSON *report) __attribute__((warn_unused_result));

/* ---- schema coverage -----------------------------------------------------------------
 * For each keyword of the request schema (requirements "schema.request.*" or of
 * class "request-schema") and each prose rule ("prose.*" or class "prose"), the
 * number of cases that ran (pass, fail or warn) and exercised it: a case
 * exercises its own requirement and every requirement one of its checks judged.
 * Positive cases expect a create ("expect": "created" in the catalogue, by the
 * case id without its "@label"); every other case is negative.  Without a
 * catalogue the case's own "expect", else its class (positive, semantics:
 * positive) decides.  The requirement list is the catalogue's (else the
 * report's).  Result (cJSON_Delete): {"source": "catalogue"|"report",
 *   "rows": [{"requirement", "kind": "schema"|"prose", "location" (e.g.
 *             "AccountDto.id"), "keyword" (e.g. "pattern"; "prose rule"),
 *             "title", "positive", "negative"}],
 *   "not_reached": [requirement ids no case exercised]}
 * NULL when out of memory. */
cJSON *hreport_coverage(const cJSON *report, const cJSON *catalogue)
    __attribute__((warn_unused_result));
/* Stores hreport_coverage(report, catalogue) as report's "coverage". 0 or -1. */
int hreport_add_coverage(cJSON *report, const cJSON *catalogue) __attribute__((warn_unused_result));

/* Checks that a parsed report can be compared: "format" is HREPORT_FORMAT;
 * "requirements" a non-empty array of objects, each with a non-empty string
 * "id" (unique) and a known "status" (an hstatus word: pass, fail, warn, skip,
 * error, waived); "cases", when present, an array of such objects too; "spec"
 * an object whose "sha256" is a string; "profile" a string; "findings" an
 * array of objects with a string "key".  0 when it can; otherwise -1 with the JSON pointer of the
 * first problem in ptr and a one-line reason in msg (either may be NULL). */
int hreport_validate(const cJSON *report, char *ptr, size_t plen, char *msg, size_t mlen)
    __attribute__((warn_unused_result));

/* ---- CI outputs (from the model; the writers never fail on peer data) -----------------
 * Each writes its file atomically and returns 0, or -1 with "path: reason" in
 * err (err may be NULL).  Findings are the report's "findings", computed when
 * absent.  Strings are redacted; XML escapes & < > " ' and shows characters
 * XML 1.0 forbids (controls, invalid UTF-8) as \xNN text. */

/* junit.xml: one <testcase> per case (classname "conformance.<class>", name
 * the case id, time from the response).  A failing case has <failure
 * message="[finding id] requirement: message" type="check"> whose text names
 * the finding, lists the failing checks, and gives the reproducer and an
 * evidence excerpt; an erroring case the same as <error>; a warning is
 * <skipped message="warning: ..."> (shown by GitHub, GitLab and Jenkins) with a
 * "warning" property; a skipped case <skipped message=reason>.  The suite's
 * properties carry verdict, profile, run_id, filter, spec.sha256, findings. */
int hreport_write_junit(const char *path, const cJSON *report, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* A short Markdown summary fit for $GITHUB_STEP_SUMMARY: the verdict, the
 * counts, a table of the first findings (severity, message, requirement,
 * count, example case) and, when report_dir is given, where the full report is. */
int hreport_write_summary_md(const char *path, const cJSON *report, const char *report_dir,
                             char *err, size_t errlen) __attribute__((warn_unused_result));

/* SARIF 2.1.0: one run (tool apiharness), one rule per requirement with a
 * finding, one result per finding (level error for fail/error, warning for
 * warn) located in the spec file (report's spec.path; the region's startLine
 * found by following the pointer's member names in the file, 1 when it cannot
 * be read) with the JSON pointer of the requirement's schema or operation as
 * the logical location ("#/components/schemas/AccountDto/properties/id",
 * "#/paths/~1public~1v1~1accounts~1api-tokens/post[/responses/201]");
 * partialFingerprints carry the finding id, properties the key, count,
 * representative case and reproducer. */
int hreport_write_sarif(const char *path, const cJSON *report, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
