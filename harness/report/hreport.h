/* hreport: the human views of a compliance report (compliance.md, compliance.html)
 * and the comparison of two reports (the release regression gate).
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

#include <stddef.h>
#include <cjson/cJSON.h>

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

/* Reads the file at path (at most HREPORT_MAX_INPUT bytes) and parses it strictly
 * into doc.  The root must be a JSON object; if its "format" member is present it
 * must equal HREPORT_FORMAT (an absent format is accepted: older reports).
 * On success *root is the tree, owned by doc (valid until the next parse on doc
 * or hjson_doc_free) and 0 is returned; otherwise nonzero with err filled. */
int hreport_load(hjson_doc *doc, const char *path, const cJSON **root, char *err,
                 size_t errlen) __attribute__((warn_unused_result));

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
 * not fail but one of its cases has status "error" (the case could not run).
 * "regressions": pass/warn in base, fail/error now.  "improvements": fail/error
 * in base, pass/warn now.  "changed": any other change of state (e.g. pass ->
 * skip).  "added"/"removed": present in only one report.  The result is a new
 * cJSON object (free with cJSON_Delete):
 *   {"baseline_verdict": "...", "current_verdict": "...",
 *    "regressions": [{"id", "title", "class", "before", "after",
 *                     "cases": [{"id", "status", "detail"}]}],   (failing/erroring cases)
 *    "improvements": [{"id", "title", "before", "after"}],
 *    "changed": [{"id", "title", "before", "after"}],
 *    "added": [{"id", "title", "status"}], "removed": [{"id", "title", "status"}],
 *    "unchanged": N}
 * NULL when out of memory.  Requirements without a string id are ignored; an id
 * repeated in one report counts once (the first). */
cJSON *hreport_compare(const cJSON *base, const cJSON *cur) __attribute__((warn_unused_result));

#endif
