/* tests/support.h: helpers the test files share (header only: every
 * tests/test_*.c is its own Criterion binary, see tests/CMakeLists.txt).
 *   ts_run(cmd)          system(cmd)'s exit code, -1 when it did not exit
 *   ts_slurp(path, &len) a whole file, NUL-terminated, malloc'd; NULL if unreadable
 *   ts_report(dir)       DIR/compliance.json parsed (asserts it exists and is JSON)
 *   ts_str(obj, key)     a string member, "" when absent
 *   TS_LSAN_CRITERION    the one LeakSanitizer suppression for Criterion's own
 *                        runner (a 48-byte leak inside libcriterion under
 *                        --jobs=2, no frame of ours); the apiharness processes
 *                        a test starts keep their own, unsuppressed checking */
#ifndef TESTS_SUPPORT_H
#define TESTS_SUPPORT_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#define TS_LSAN_CRITERION                                                                          \
  const char *__lsan_default_suppressions(void);                                                   \
  const char *__lsan_default_suppressions(void) { return "leak:libcriterion.so\n"; }

static inline __attribute__((unused)) int ts_run(const char *cmd) {
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline __attribute__((unused)) char *ts_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  if (buf)
    buf[got] = '\0';
  if (len)
    *len = got;
  return buf;
}

static inline __attribute__((unused)) cJSON *ts_report(const char *dir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  char *t = ts_slurp(path, NULL);
  cr_assert(t, "no %s", path);
  cJSON *r = cJSON_Parse(t);
  free(t);
  cr_assert(r, "%s is not JSON", path);
  return r;
}

static inline __attribute__((unused)) const char *ts_str(const cJSON *o, const char *k) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(m) ? m->valuestring : "";
}

#endif
