/* apiharness cases: regenerate (or check) the checked-in case catalogue. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "cli.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "util/hutil.h"

static void cases_usage(FILE *out) {
  fprintf(out, "usage: apiharness cases [--spec FILE] [--out DIR] [--seed N] [--check] [--list]\n"
               "  Generates the conformance case catalogue from the spec and the page's prose\n"
               "  rules into DIR/" HCASES_FILE " (default: conformance/cases of the source tree,\n"
               "  when run from its build tree; an installed program needs --out).\n"
               "  --check  compare with the file instead of writing it: exit 1 when it is stale\n"
               "  --list   print one line per case (id, expectation, title) to stdout\n"
               "exit: 0 written/up to date, 1 stale (--check), 2 could not run\n");
}

#ifndef APIHARNESS_SOURCE_DIR
#define APIHARNESS_SOURCE_DIR ""
#endif
#ifndef APIHARNESS_BUILD_DIR
#define APIHARNESS_BUILD_DIR ""
#endif

/* The source tree's conformance/cases, but only when this program runs from
 * the build tree it was built in (build/apiharness): an installed or copied
 * binary never reaches into a checkout.  0 otherwise. */
static int default_out(char *buf, size_t cap) {
  char exe[PATH_MAX], build[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0 || !*APIHARNESS_BUILD_DIR || !*APIHARNESS_SOURCE_DIR)
    return 0;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return 0;
  *slash = '\0';
  if (!realpath(APIHARNESS_BUILD_DIR, build) || strcmp(build, exe) != 0)
    return 0;
  snprintf(buf, cap, "%s/conformance/cases", APIHARNESS_SOURCE_DIR);
  return 1;
}

int cmd_cases(int argc, char **argv) {
  const char *spec_path = cli_default_spec(), *out = NULL;
  unsigned seed = 1;
  int check = 0, list = 0;
  char outbuf[4096];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      cases_usage(stdout);
      return CLI_EXIT_OK;
    } else if (!strcmp(a, "--check")) {
      check = 1;
    } else if (!strcmp(a, "--list")) {
      list = 1;
    } else if ((!strcmp(a, "--spec") || !strcmp(a, "--out") || !strcmp(a, "--seed")) &&
               i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(a, "--spec"))
        spec_path = v;
      else if (!strcmp(a, "--out"))
        out = v;
      else {
        char *end;
        errno = 0;
        unsigned long s = strtoul(v, &end, 10);
        if (errno || *end || !*v || s > 0xffffffffu) {
          fprintf(stderr, "apiharness cases: --seed '%s' is not a number in 0..4294967295\n", v);
          return CLI_EXIT_ERROR;
        }
        seed = (unsigned)s;
      }
    } else {
      fprintf(stderr, "apiharness cases: unknown or incomplete option '%s'\n", a);
      cases_usage(stderr);
      return CLI_EXIT_ERROR;
    }
  }
  if (!out && !list) {
    if (!default_out(outbuf, sizeof outbuf)) {
      fprintf(stderr, "apiharness cases: no source tree: this program does not run from its "
                      "build tree, so give --out DIR\n");
      return CLI_EXIT_ERROR;
    }
    out = outbuf;
  }
  int rc = CLI_EXIT_ERROR;
  herr se;
  herr he;
  herr ce;
  hrules *rules = NULL;
  cJSON *cat = NULL;
  char *text = NULL, *old = NULL;
  hspec *spec = hspec_load_file(spec_path, &se);
  if (!spec) {
    fprintf(stderr, "apiharness cases: %s\n", se.msg);
    goto fail;
  }
  rules = hrules_new(spec, &he);
  if (!rules) {
    fprintf(stderr, "apiharness cases: %s\n", he.msg);
    goto fail;
  }
  cat = hcases_generate(rules, seed, &ce);
  if (!cat) {
    fprintf(stderr, "apiharness cases: %s\n", ce.msg);
    goto fail;
  }
  if (list) {
    for (size_t i = 0; i < hcases_count(cat); i++) {
      hcases_case c;
      if (hcases_at(cat, i, &c, &ce) == 0)
        printf("%-48s %-26s %s\n", c.id, hjudge_expect_name(c.expect), c.title ? c.title : "");
    }
    rc = CLI_EXIT_OK;
    goto fail;
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", out, HCASES_FILE);
  if (check) {
    text = hcases_render(cat);
    if (!text) {
      fprintf(stderr, "apiharness cases: out of memory\n");
      goto fail;
    }
    size_t want = strlen(text), got = 0;
    char err[512];
    int big = 0;
    /* a file longer than the rendering is stale: no need to read it all */
    old = hutil_slurp(path, want, 0, &got, &big, err, sizeof err);
    if (!old && big) {
      fprintf(stderr, "apiharness cases: %s is stale (longer than %zu bytes); regenerate it with "
              "'apiharness cases'\n", path, want);
      rc = CLI_EXIT_FAIL;
      goto fail;
    }
    if (!old) {
      fprintf(stderr, "apiharness cases: %s (run 'apiharness cases' to generate it)\n", err);
      rc = CLI_EXIT_FAIL;
      goto fail;
    }
    if (got != want || memcmp(old, text, want)) {
      size_t k = 0;
      while (k < got && k < want && old[k] == text[k])
        k++;
      fprintf(stderr,
              "apiharness cases: %s is stale (first difference at byte %zu); regenerate it with "
              "'apiharness cases'\n",
              path, k);
      rc = CLI_EXIT_FAIL;
      goto fail;
    }
    printf("%s: up to date (%zu cases)\n", path, hcases_count(cat));
    rc = CLI_EXIT_OK;
    goto fail;
  }
  struct stat st;
  if (stat(out, &st) != 0 && mkdir(out, 0777) != 0) {
    fprintf(stderr, "apiharness cases: %s: %s\n", out, strerror(errno));
    goto fail;
  }
  if (hcases_write_file(cat, path, &ce) != 0) {
    fprintf(stderr, "apiharness cases: %s\n", ce.msg);
    goto fail;
  }
  printf("%s: %zu cases, %d requirements\n", path, hcases_count(cat),
         cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cat, "requirements")));
  rc = CLI_EXIT_OK;
fail:
  free(text);
  free(old);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
  return rc;
}
