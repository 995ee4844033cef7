/* apiharness --version and the lookup of the conformance suites: what an
 * installed binary needs to know about itself without a source tree. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_extra.h"
#include "spec/hspec.h"

#ifndef APIHARNESS_BIN_TO_LIBEXEC
#define APIHARNESS_BIN_TO_LIBEXEC "../libexec/apiharness"
#endif

#define CONFORMANCE_NAME "apiharness-conformance"

int cli_print_version(FILE *out) {
  herr se;
  hspec *spec = hspec_load_default(&se);
  fprintf(out, "apiharness %s\n", APIHARNESS_VERSION);
  if (!spec) {
    fprintf(out, "spec: %s\n", se.msg);
    return -1;
  }
  const char *title = hspec_title(spec), *version = hspec_version(spec);
  fprintf(out,
          "spec: %s\n"
          "  title:   %s\n"
          "  version: %s\n"
          "  sha256:  %s\n",
          hspec_name(spec), title ? title : "(none)", version ? version : "(none)",
          hspec_sha256(spec));
  hspec_free(spec);
  return 0;
}

/* The directory of the running executable, without a trailing slash. */
static int exe_dir(char *buf, size_t cap) {
  if (cap < 2)
    return 0;
  ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
  if (n <= 0 || (size_t)n >= cap - 1)
    return 0;
  buf[n] = '\0';
  char *slash = strrchr(buf, '/');
  if (!slash)
    return 0;
  if (slash == buf)
    slash[1] = '\0';
  else
    *slash = '\0';
  return 1;
}

int cli_conformance_binary(char *buf, size_t cap) {
  if (!cap)
    return 0;
  buf[0] = '\0';
  const char *env = getenv("APIHARNESS_CONFORMANCE");
  if (env && *env) {
    snprintf(buf, cap, "%s", env);
    return access(env, X_OK) == 0;
  }
  char dir[PATH_MAX];
  errno = 0;
  if (!exe_dir(dir, sizeof dir)) {
    snprintf(buf, cap, "(the program's directory: /proc/self/exe: %s)",
             errno ? strerror(errno) : "unreadable");
    return 0;
  }
  const char *sep = strcmp(dir, "/") ? "/" : "";
  char build[PATH_MAX + 64], installed[PATH_MAX + 64];
  snprintf(build, sizeof build, "%s%sconformance/" CONFORMANCE_NAME, dir, sep);
  snprintf(installed, sizeof installed, "%s%s" APIHARNESS_BIN_TO_LIBEXEC "/" CONFORMANCE_NAME,
           dir, sep);
  if (access(build, X_OK) == 0) {
    snprintf(buf, cap, "%s", build);
    return 1;
  }
  /* the installed location, made canonical when it exists ("/usr/libexec/...") */
  char canon[PATH_MAX];
  if (access(installed, X_OK) == 0) {
    snprintf(buf, cap, "%s", realpath(installed, canon) ? canon : installed);
    return 1;
  }
  snprintf(buf, cap, "%s or %s", build, installed);
  return 0;
}
