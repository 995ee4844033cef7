/* apiharness compare [--json] [--allow-coverage-loss] [--allow-spec-change]
 *                    BASELINE.json CURRENT.json
 *
 * The release gate: lists the requirements that passed (or warned) in the
 * baseline report and fail now (or have a case that could not run), with their
 * failing cases; the coverage lost (passed before, now skipped, not exercised
 * or missing); the findings new since the baseline; improvements, other
 * changes, new and vanished requirements.  Exit 1 on a regression or on lost
 * coverage (--allow-coverage-loss: only on a regression), 0 otherwise, 2 when
 * a file cannot be read, is not strict JSON, is not a well-formed compliance
 * report (the file and a JSON pointer are named), or when the two reports come
 * from different spec documents or profiles (--allow-spec-change compares
 * them anyway and lists the requirements added and removed).
 * Report strings are hostile (server output): on the terminal their control
 * characters are shown escaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_extra.h"
#include "report/hreport.h"
#include "report/hreport_int.h"
#include "json/hjson.h"

#define MAX_CASES_SHOWN 10 /* failing cases listed per regression in text output */

static void usage(FILE *out) {
  fprintf(out,
          "usage: apiharness compare [--json] [--allow-coverage-loss] [--allow-spec-change]\n"
          "                          BASELINE.json CURRENT.json\n"
          "  Compares two compliance.json reports requirement by requirement.\n"
          "  --json                 print the comparison as JSON on stdout\n"
          "  --allow-coverage-loss  a requirement that passed before and is now skipped, not\n"
          "                         exercised or missing does not fail the gate\n"
          "  --allow-spec-change    compare reports of different spec documents (sha256) or\n"
          "                         profiles, listing the requirements added and removed\n"
          "exit: 0 no regression, 1 a requirement that passed in BASELINE fails in CURRENT, or\n"
          "      (without --allow-coverage-loss) is skipped, not exercised or missing,\n"
          "      2 usage error, a file that is not a well-formed compliance report, or\n"
          "      reports of different specs or profiles without --allow-spec-change\n");
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
  char ptr[128], msg[256];
  if (hreport_validate(root, ptr, sizeof ptr, msg, sizeof msg) != 0) {
    fprintf(stderr, "apiharness compare: %s report %s: %s: %s\n", role, path, ptr[0] ? ptr : "/",
            msg);
    return NULL;
  }
  return root;
}

/* One string member for the terminal (control characters escaped). */
static void term(FILE *out, const cJSON *obj, const char *name, size_t max) {
  size_t len = 0;
  const char *s = hr_str(obj, name, &len);
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  if (s)
    hr_text(&b, s, len, HR_TEXT_TERM, max);
  else
    hbuf_puts(&b, cJSON_IsNull(hr_get(obj, name)) ? "(none)" : "(missing)");
  char *t = hbuf_finish(&b, NULL);
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
    if (hr_str(e, "reason", NULL)) {
      fputs(" (", out);
      term(out, e, "reason", 200);
      fputc(')', out);
    }
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

static void print_findings(FILE *out, const cJSON *diff) {
  const cJSON *arr = hr_array(diff, "new_findings");
  size_t n = count(arr);
  if (n == 0)
    return;
  fprintf(out, "\nNew findings since the baseline (%zu):\n", n);
  for (const cJSON *f = arr->child; f; f = f->next) {
    fputs("  ", out);
    term(out, f, "severity", 8);
    fputs("  ", out);
    term(out, f, "requirement", 200);
    fputs(" [", out);
    term(out, f, "check", 100);
    int64_t c = 0;
    hr_int(f, "count", &c);
    fprintf(out, "] %lld case%s, e.g. ", (long long)c, c == 1 ? "" : "s");
    term(out, f, "case", 200);
    fputs("\n      ", out);
    term(out, f, "message", 300);
    fputc('\n', out);
  }
}

int cmd_compare(int argc, char **argv) {
  if (cli_refuse_repeats("compare", argc, argv, NULL, NULL) != 0)
    return CLI_EXIT_ERROR;
  int as_json = 0, allow_loss = 0, allow_spec = 0;
  const char *files[2] = {NULL, NULL};
  int nfiles = 0, only_files = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!only_files && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
      usage(stdout);
      return CLI_EXIT_OK;
    } else if (!only_files && !strcmp(a, "--json")) {
      as_json = 1;
    } else if (!only_files && !strcmp(a, "--allow-coverage-loss")) {
      allow_loss = 1;
    } else if (!only_files && !strcmp(a, "--allow-spec-change")) {
      allow_spec = 1;
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
  size_t nloss = count(hr_array(diff, "coverage_loss"));
  int same_spec = cJSON_IsTrue(hr_get(hr_get(diff, "spec"), "same"));
  int same_profile = cJSON_IsTrue(hr_get(hr_get(diff, "profile"), "same"));
  if ((!same_spec || !same_profile) && !allow_spec) {
    const cJSON *w = hr_get(diff, same_spec ? "profile" : "spec");
    fprintf(stderr, "apiharness compare: %s and %s come from different %s (", files[0], files[1],
            same_spec ? "profiles" : "spec documents");
    term(stderr, w, "baseline", 80);
    fputs(" vs ", stderr);
    term(stderr, w, "current", 80);
    fputs("); their requirements are not comparable (--allow-spec-change compares them "
          "anyway)\n",
          stderr);
    goto fail;
  }
  int gate_fail = nreg > 0 || (nloss > 0 && !allow_loss);
  if (as_json) {
    if (!cJSON_AddStringToObject(diff, "baseline", files[0]) ||
        !cJSON_AddStringToObject(diff, "current", files[1]) ||
        !cJSON_AddBoolToObject(diff, "regression", nreg > 0) ||
        !cJSON_AddBoolToObject(diff, "coverage_lost", nloss > 0) ||
        !cJSON_AddBoolToObject(diff, "gate_failed", gate_fail)) {
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
    if (!same_spec || !same_profile)
      printf("note: the reports come from different %s%s%s (--allow-spec-change): requirements "
             "added and removed are listed below\n",
             same_spec ? "" : "spec documents", !same_spec && !same_profile ? " and " : "",
             same_profile ? "" : "profiles");
    print_section(stdout, diff, "regressions", "REGRESSIONS: passed in the baseline, fail now");
    print_section(stdout, diff, "coverage_loss",
                  allow_loss ? "Coverage lost (allowed by --allow-coverage-loss)"
                             : "COVERAGE LOST: passed in the baseline, now skipped, not "
                               "exercised or missing");
    print_section(stdout, diff, "improvements", "Improvements: failed in the baseline, pass now");
    print_section(stdout, diff, "changed", "Other changes");
    print_section(stdout, diff, "added", "New requirements");
    print_section(stdout, diff, "removed", "Requirements no longer in the current report");
    print_findings(stdout, diff);
    int64_t unchanged = 0;
    hr_int(diff, "unchanged", &unchanged);
    printf("\n%zu regressions, %zu coverage lost, %zu improvements, %zu other changes, %zu new, "
           "%zu removed, %lld unchanged, %zu new findings\n",
           nreg, nloss, count(hr_array(diff, "improvements")), count(hr_array(diff, "changed")),
           count(hr_array(diff, "added")), count(hr_array(diff, "removed")), (long long)unchanged,
           count(hr_array(diff, "new_findings")));
  }
  if (fflush(stdout) != 0) {
    fprintf(stderr, "apiharness compare: cannot write the output\n");
    goto fail;
  }
  rc = gate_fail ? CLI_EXIT_FAIL : CLI_EXIT_OK;
fail:
  free(text);
  cJSON_Delete(diff);
  hjson_doc_free(db);
  hjson_doc_free(dc);
  return rc;
}
