/* hwaivers: the release gate's exceptions - --waivers FILE and --fail-on -
 * below the CLI.
 *
 * A waivers file is a JSON array (read with the strict reader: no duplicate
 * member, valid UTF-8, at most HWAIVERS_MAX_BYTES) of objects
 *   {"requirement": "schema.request.ModuleDto.id.pattern"   (or)
 *    "finding": "F1a2b3c4d",      (an id hreport_add_findings gives: "F" + 8 hex)
 *    "reason": "tracked in JIRA-123",                        (required, not empty)
 *    "expires": "2026-12-31"}                                 (required, YYYY-MM-DD)
 * with exactly one of "requirement" and "finding" and no other member; a key
 * waived twice is an error.  Errors name the file and the JSON pointer of the
 * value ("waivers.json: /2/expires: expected a date YYYY-MM-DD, got
 * \"31.12.2026\"").
 *
 * Applying them to a report (after hmodel_build, "findings" computed):
 *   - a waiver is "expired" when today (the run's UTC date) is after its
 *     expires date: it waives nothing and fails the verdict;
 *   - a requirement waiver matches a requirement whose status is "fail" or
 *     "warn": the requirement gets "status": "waived", "waived_status" (what
 *     it was) and "waiver": {"reason", "expires"};
 *   - a finding waiver matches the finding with that id (severity fail, error
 *     or warn): the finding gets "waived": true and "waiver"; a failing or
 *     warning requirement all of whose findings of that severity or worse are
 *     waived becomes "waived" as above;
 *   - a waiver that matches nothing (no such requirement or finding, or one
 *     that did not fail or warn in this run) is "stale": it fails the verdict
 *     (remove it, or the deviation came back under another key).
 * The report gets "fail_on": "fail"|"warn" and, with a waivers file,
 * "waivers": {"file", "today", "active", "expired", "stale", "items":
 * [{"requirement"|"finding", "reason", "expires", "state":
 * "active"|"expired"|"stale", "matched": [ids]}]}.  The verdict (unless
 * "incomplete") is "non-compliant" when a requirement still fails, when
 * fail_on is warn and a requirement still warns, or when a waiver is expired
 * or stale; else "compliant". */
#ifndef HWAIVERS_H
#define HWAIVERS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define HWAIVERS_MAX_BYTES ((size_t)1 << 20)
#define HWAIVERS_MAX 1000
#define HWAIVERS_MSG_MAX 768

typedef struct {
  char *key;      /* the requirement id or finding id */
  int by_finding; /* 1: "finding", 0: "requirement" */
  char *reason;
  char expires[11]; /* YYYY-MM-DD */
  char pointer[24]; /* "/3": where it is in the file */
} hwaiver;

typedef struct {
  char *path;
  hwaiver *v;
  size_t n;
} hwaivers;

/* Reads and checks the file; 0, or -1 with a one-line message in err
 * ("<path>: /1/reason: ...").  Free with hwaivers_free (also after an error). */
int hwaivers_load(const char *path, hwaivers *out, char *err, size_t cap);
void hwaivers_free(hwaivers *w);

/* The UTC date of t as YYYY-MM-DD in buf (at least 11 bytes). */
void hwaivers_date(time_t t, char *buf);

/* Applies w (may be NULL: none) and the fail-on level to report as described
 * above, today being a YYYY-MM-DD date; sets "verdict" (unless "incomplete")
 * and returns 1 when the verdict fails, 0 when it passes, -1 when out of
 * memory. */
int hwaivers_apply(const hwaivers *w, cJSON *report, const char *today, int fail_on_warn);

/* Prints the gate's lines for the terminal: "fail-on: warn (N requirements
 * warn)" and each waiver that is not plainly active ("waiver /2 (requirement
 * X) EXPIRED on 2020-01-01: ...", "... STALE: ...") plus a count of the
 * active ones.  Nothing when the report has neither. */
void hwaivers_print(FILE *out, const cJSON *report);

#endif
