/* apiharness compare [--json] BASELINE.json CURRENT.json
 *
 * The release regression gate: lists the requirements that passed (or warned)
 * in the baseline report and fail now (or have a case that could not run),
 * with their failing cases; also improvements, other changes, new and vanished
 * requirements.  Exit 1 when there is a regression, 0 otherwise, 2 when a file
 * cannot be read, is not strict JSON or is not a compliance report.
 * Report strings are hostile (server output): on the terminal their control
 * characters are shown escaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report/hreport.h"
#include "report/hreport_int.h"
#include "json/hjson.h"

#define MAX_CASES_SHOWN 10 /* failing cases listed per regression in text output */

static void usage(FILE *out) {
  fprintf(out, "usage: apiharness compare [--json] BASELINE.json CURRENT.json\n"
               "  Compares two compliance.json reports requirement by requirement.\n"
               "  --json   print the comparison as JSON on stdout\n"
               "exit: 0 no regression, 1 a requirement that passed in BASELINE fails in CURRENT,\n"
               "      2 usage error or a file that is not a readable compliance report\n");
}

/* Loads a report for comparison: strict JSON, "format" present and right, a
 * "requirements" array. */
static const cJSON *load(hjson_doc *doc, const char *path, const char *role) {
  char err[512];
  const cJSON *root = NULL;
  if (hreport_load(doc, path, &root, err, sizeof err) != 0) {
    fprintf(stderr, "apiharness compare: %s report %s\n", role, err);
    return NULL;
  }
  if (!hr_get(root, "format")) {
    fprintf(stderr, "apiharness compare: %s report %s: no /format member (expected \"%s\")\n", role,
            path, HREPORT_FORMAT);
    return NULL;
  }
  if (!hr_array(root, "requirements")) {
    fprintf(stderr, "apiharness compare: %s report %s: /requirements is missing or not an array\n",
            role, path);
    return NULL;
  }
  return root;
}

/* One string member for the terminal (control characters escaped). */
static void term(FILE *out, const cJSON *obj, const char *name, size_t max) {
  size_t len = 0;
  const char *s = hr_str(obj, name, &len);
  hr_buf b = {0};
  if (s)
    hr_text(&b, s, len, HR_TEXT_TERM, max);
  else
    hr_puts(&b, cJSON_IsNull(hr_get(obj, name)) ? "(none)" : "(missing)");
  char *t = hr_finish(&b, NULL);
  fputs(t ? t : "(out of memory)", out);
  free(t);
}

static size_t count(const cJSON *arr) {
  size_t n = 0;
  for (const cJSON *x = arr ? arr->child : NULL; x; x = x->next)
    n++;
  return n;
}

static void print_section(FILE *out, const cJSON *diff, const char *key, const char *heading) {
  const cJSON *arr = hr_array(diff, key);
  size_t n = count(arr);
  if (n == 0)
    return;
  fprintf(out, "\n%s (%zu):\n", heading, n);
  for (const cJSON *e = arr->child; e; e = e->next) {
    fputs("  ", out);
    term(out, e, "id", 300);
    if (hr_get(e, "before"))
      fprintf(out, "  %s -> %s", hr_str(e, "before", NULL), hr_str(e, "after", NULL));
    else
      fprintf(out, "  %s", hr_str(e, "status", NULL));
    fputs("  ", out);
    term(out, e, "title", 200);
    fputc('\n', out);
    const cJSON *cases = hr_array(e, "cases");
    size_t shown = 0, ncases = count(cases);
    for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next) {
      if (shown++ == MAX_CASES_SHOWN) {
        fprintf(out, "      ... %zu more cases (--json lists them all)\n",
                ncases - MAX_CASES_SHOWN);
        break;
      }
      fputs("      case ", out);
      term(out, c, "id", 300);
      fprintf(out, " %s: ", hr_str(c, "status", NULL));
      term(out, c, "detail", 300);
      fputc('\n', out);
    }
  }
}

int cmd_compare(int argc, char **argv) {
  int as_json = 0;
  const char *files[2] = {NULL, NULL};
  int nfiles = 0, only_files = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!only_files && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
      usage(stdout);
      return CLI_EXIT_OK;
    } else if (!only_files && !strcmp(a, "--json")) {
      as_json = 1;
    } else if (!only_files && !strcmp(a, "--")) {
      only_files = 1;
    } else if (!only_files && a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "apiharness compare: unknown option '%s' (see --help)\n", a);
      return CLI_EXIT_ERROR;
    } else if (nfiles < 2) {
      files[nfiles++] = a;
    } else {
      fprintf(stderr, "apiharness compare: unexpected argument '%s': exactly two reports\n", a);
      return CLI_EXIT_ERROR;
    }
  }
  if (nfiles != 2) {
    fprintf(stderr, "apiharness compare: need BASELINE.json and CURRENT.json (see --help)\n");
    return CLI_EXIT_ERROR;
  }
  int rc = CLI_EXIT_ERROR;
  hjson_doc *db = hjson_doc_new(), *dc = hjson_doc_new();
  cJSON *diff = NULL;
  char *text = NULL;
  if (!db || !dc) {
    fprintf(stderr, "apiharness compare: out of memory\n");
    goto fail;
  }
  const cJSON *base = load(db, files[0], "baseline");
  if (!base)
    goto fail;
  const cJSON *cur = load(dc, files[1], "current");
  if (!cur)
    goto fail;
  diff = hreport_compare(base, cur);
  if (!diff) {
    fprintf(stderr, "apiharness compare: out of memory comparing the reports\n");
    goto fail;
  }
  size_t nreg = count(hr_array(diff, "regressions"));
  if (as_json) {
    if (!cJSON_AddStringToObject(diff, "baseline", files[0]) ||
        !cJSON_AddStringToObject(diff, "current", files[1]) ||
        !cJSON_AddBoolToObject(diff, "regression", nreg > 0)) {
      fprintf(stderr, "apiharness compare: out of memory printing JSON\n");
      goto fail;
    }
    text = cJSON_Print(diff);
    if (!text) {
      fprintf(stderr, "apiharness compare: out of memory printing JSON\n");
      goto fail;
    }
    printf("%s\n", text);
  } else {
    printf("baseline: %s (", files[0]);
    term(stdout, base, "verdict", 32);
    printf(")\ncurrent:  %s (", files[1]);
    term(stdout, cur, "verdict", 32);
    printf(")\n");
    print_section(stdout, diff, "regressions", "REGRESSIONS: passed in the baseline, fail now");
    print_section(stdout, diff, "improvements", "Improvements: failed in the baseline, pass now");
    print_section(stdout, diff, "changed", "Other changes");
    print_section(stdout, diff, "added", "New requirements");
    print_section(stdout, diff, "removed", "Requirements no longer in the current report");
    int64_t unchanged = 0;
    hr_int(diff, "unchanged", &unchanged);
    printf("\n%zu regressions, %zu improvements, %zu other changes, %zu new, %zu removed, "
           "%lld unchanged\n",
           nreg, count(hr_array(diff, "improvements")), count(hr_array(diff, "changed")),
           count(hr_array(diff, "added")), count(hr_array(diff, "removed")), (long long)unchanged);
  }
  if (fflush(stdout) != 0) {
    fprintf(stderr, "apiharness compare: cannot write the output\n");
    goto fail;
  }
  rc = nreg > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
fail:
  free(text);
  cJSON_Delete(diff);
  hjson_doc_free(db);
  hjson_doc_free(dc);
  return rc;
}
