/* Internals shared by the files of harness/report (not a public header):
 * how output buffers are used, tolerant accessors for a report tree, the text
 * sanitizers, and an index of a report's requirements and cases. */
#ifndef HREPORT_INT_H
#define HREPORT_INT_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "report/hreport.h"
#include "rules/hstatus.h"
#include "json/hjson.h"

/* Output is assembled in hbufs (json/hjson.h) capped at the report's limit:
 * `hbuf b = {.limit = HREPORT_MAX_OUTPUT}`, appended to with hbuf_add,
 * hbuf_puts and hbuf_printf, handed over with hbuf_finish.  Once an allocation
 * fails or the cap is hit, appends are ignored; the owner checks at the end
 * (hbuf_finish returns NULL then). */

/* Makes b fail as the scratch buffer `from` did (a no-op when it did not). */
static inline void hr_fail_as(hbuf *b, const hbuf *from) {
  b->toobig |= from->toobig;
  b->nomem |= from->nomem;
}

/* How untrusted text is written. */
typedef enum {
  HR_TEXT_HTML,      /* & < > " ' escaped; newlines kept (for <pre> and text) */
  HR_TEXT_MD,        /* Markdown inline: punctuation backslash-escaped, newline -> space */
  HR_TEXT_MD_CELL,   /* as HR_TEXT_MD (a table cell: | escaped too) */
  HR_TEXT_CODE,      /* literal (fenced block): only control characters made visible */
  HR_TEXT_CODE_CELL, /* literal in an inline code span inside a table: | -> \|, newline -> space */
  HR_TEXT_TERM,      /* terminal line: control characters made visible, newline -> space */
  HR_TEXT_XML,       /* XML element text: & < > " ' escaped, newlines kept; every character
                        XML 1.0 forbids (controls, U+FFFE/U+FFFF) made visible as text */
  HR_TEXT_XML_ATTR   /* as HR_TEXT_XML inside an attribute value: newline -> &#10;, tab -> &#9; */
} hr_text_mode;

/* Writes s[0..n) in mode; in every mode control characters (but \n and \t
 * where lines are kept), C1 controls, bidi overrides and invalid UTF-8 are shown
 * as \xNN / \uNNNN, and at most `max` bytes of input are written (then
 * "... (N bytes more)"); max 0 means no limit. */
void hr_text(hbuf *b, const char *s, size_t n, hr_text_mode mode, size_t max);

/* 1 when s[0..n) is valid UTF-8 (no surrogates, no overlong forms). */
int hr_utf8_valid(const char *s, size_t n);
/* A copy of s[0..n) where every byte that is not part of valid UTF-8, and every
 * NUL, is written as the four characters \xNN; other bytes unchanged.
 * malloc'd, NUL-terminated (free()); NULL when out of memory. */
char *hr_utf8_fix(const char *s, size_t n, size_t *out_len);

/* Tolerant accessors: NULL / fallback when the member is absent or of another type. */
const cJSON *hr_get(const cJSON *obj, const char *name);
const char *hr_str(const cJSON *obj, const char *name, size_t *len);
/* A number member as a 64-bit integer in *out; 0 when absent/not integral. */
int hr_int(const cJSON *obj, const char *name, int64_t *out);
const cJSON *hr_array(const cJSON *obj, const char *name);

/* The "status" member of obj as an hstatus (rules/hstatus.h): the report's
 * words are hstatus_name's, anything else (or none) is HSTATUS_UNKNOWN.
 * HSTATUS_WAIVED: a failing or warning requirement accepted by a --waivers
 * entry (it does not fail the verdict; compare still counts it as not
 * passing). */
hstatus hr_status_of(const cJSON *obj);

/* Index of a report: the arrays as vectors, case ids and requirement ids
 * hashed (first occurrence wins), and for each requirement its cases (those
 * whose "requirement" names it; when none does, the ids in its "cases" list). */
typedef struct {
  const cJSON *root;
  const cJSON **reqs;
  size_t nreqs;
  const cJSON **cases;
  size_t ncases;
  size_t *case_slots, ncase_slots; /* open addressing: index + 1, 0 empty */
  size_t *req_slots, nreq_slots;
  size_t *req_first; /* per requirement: first back-linked case index + 1 */
  size_t *case_next; /* per case: next case index + 1 of the same requirement */
} hr_index;

int hr_index_build(hr_index *ix, const cJSON *root); /* 0 ok, -1 out of memory */
void hr_index_free(hr_index *ix);
/* Index of the case / requirement with this id, or SIZE_MAX. */
size_t hr_index_case(const hr_index *ix, const char *id, size_t len);
size_t hr_index_req(const hr_index *ix, const char *id, size_t len);

/* Iterates the cases of requirement r: start with a zeroed iterator; returns
 * the next case index or SIZE_MAX at the end (ids of its "cases" list that
 * name no case are skipped). */
typedef struct {
  int started;
  size_t next;       /* back-linked mode: next case index + 1 */
  const cJSON *item; /* list mode: next member of the "cases" array */
} hr_case_iter;
size_t hr_index_req_case(const hr_index *ix, size_t r, hr_case_iter *it);

/* The effective state of requirement r: its status, but HSTATUS_ERROR when it is
 * not "fail" and one of its cases has status "error". */
hstatus hr_index_req_state(const hr_index *ix, size_t r);

/* Redaction (see hreport.h) of text[0..len) appended to b. */
void hr_redact_into(hbuf *b, const char *text, size_t len);
/* "Name: value" appended to b, the value redacted (credentials headers entirely). */
void hr_header_line(hbuf *b, const char *name, size_t nlen, const char *value, size_t vlen);

/* A view of a report, rendered from one model: html 0 Markdown, 1 HTML.
 * catalogue (may be NULL) is the run's catalogue.json, for schema coverage
 * when the report carries no "coverage".  malloc'd text or NULL (out of
 * memory, or over HREPORT_MAX_OUTPUT). */
char *hr_render_view(const cJSON *report, const cJSON *catalogue, int html, size_t *len);

/* Reads and strictly parses any JSON file (at most HREPORT_MAX_INPUT bytes). */
int hr_load_json(hjson_doc *doc, const char *path, const cJSON **root, char *err, size_t errlen);

#endif
