/* JSONTestSuite (tests/data/JSONTestSuite/test_parsing) against the strict reader:
 * every y_ file accepted, every n_ file rejected, every i_ file either way
 * without a crash (this process would die, failing the test).
 *
 * RFC 8259 only says member names SHOULD be unique, so the suite counts
 * {"a":1,"a":2} as valid JSON (y_object_duplicated_key*.json).  hjson rejects
 * duplicates by default (a strict harness must not pick one of two values), so
 * the y_ rule is checked with allow_duplicates = 1 (plain RFC 8259), and with
 * the default options a y_ file may only be rejected as HJSON_E_DUPLICATE.
 *
 * Each file is read into a buffer of exactly its size (no NUL terminator), so
 * an ASan build catches any read past the end. */
#include "json/hjson.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define SUITE_DIR TEST_DATA_DIR "/JSONTestSuite/test_parsing"

/* The file in a buffer of exactly its size (see above). */
static char *read_file(const char *path, size_t *len) {
  char *text = ts_slurp(path, len);
  cr_assert(text != NULL, "cannot read %s", path);
  char *buf = malloc(*len ? *len : 1);
  cr_assert(buf != NULL);
  memcpy(buf, text, *len);
  free(text);
  return buf;
}

static int has_nul_string(const cJSON *n) {
  for (; n; n = n->next) {
    size_t l;
    const char *k = hjson_key(n, &l);
    if (k && strlen(k) != l)
      return 1;
    const char *s = hjson_string(n, &l);
    if (s && strlen(s) != l)
      return 1;
    if (has_nul_string(n->child))
      return 1;
  }
  return 0;
}

/* The tree must be a well-formed cJSON tree: cJSON_PrintUnformatted walks it,
 * and reading the printed text back gives an equal value (skipped for strings
 * holding NUL bytes, which cJSON's printer truncates). */
static void check_round_trip(const char *name, const cJSON *root) {
  if (has_nul_string(root))
    return;
  char *text = cJSON_PrintUnformatted(root);
  cr_assert(text != NULL, "%s: cJSON_PrintUnformatted failed on the tree", name);
  hjson_doc *d2 = hjson_doc_new();
  cr_assert(d2 != NULL);
  hjson_options o = {.allow_duplicates = 1};
  hjson_error e;
  const cJSON *again = hjson_parse(d2, text, strlen(text), &o, &e);
  cr_expect(again != NULL, "%s: re-reading the printed tree failed: %s at %zu", name,
            again ? "" : e.msg, e.offset);
  if (again) {
    cr_expect(hjson_equal(root, again), "%s: printed tree reads back different: %s", name, text);
    cr_expect_eq(hjson_hash(root), hjson_hash(again), "%s: hash differs after round trip", name);
  }
  hjson_doc_free(d2);
  cJSON_free(text);
}

Test(jsontestsuite, all_files) {
  DIR *dir = opendir(SUITE_DIR);
  cr_assert(dir != NULL, "cannot open %s", SUITE_DIR);
  hjson_doc *doc = hjson_doc_new();
  cr_assert(doc != NULL);
  hjson_options rfc = {.allow_duplicates = 1};
  size_t ny = 0, nn = 0, ni = 0, dup_only = 0;
  struct dirent *ent;
  while ((ent = readdir(dir)) != NULL) {
    const char *name = ent->d_name;
    size_t nl = strlen(name);
    if (nl < 7 || strcmp(name + nl - 5, ".json") != 0)
      continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", SUITE_DIR, name);
    size_t len;
    char *buf = read_file(path, &len);
    hjson_error err, err2;
    memset(&err, 0, sizeof err);
    const cJSON *strict = hjson_parse(doc, buf, len, NULL, &err);
    if (!strict) {
      cr_expect(err.msg != NULL && err.offset <= len, "%s: error without message or offset", name);
    }
    int strict_ok = strict != NULL;
    hjson_code strict_code = err.code;
    const cJSON *plain = hjson_parse(doc, buf, len, &rfc, &err2);
    switch (name[0]) {
    case 'y':
      ny++;
      cr_expect(plain != NULL, "%s must be accepted: %s error '%s' at byte %zu, pointer '%s'", name,
                hjson_code_name(err2.code), plain ? "" : err2.msg, err2.offset, err2.pointer);
      if (!strict_ok) {
        cr_expect_eq(strict_code, HJSON_E_DUPLICATE,
                     "%s: rejected by default options for %s (only duplicates may be)", name,
                     hjson_code_name(strict_code));
        dup_only++;
      }
      if (plain)
        check_round_trip(name, plain);
      break;
    case 'n':
      nn++;
      cr_expect(!strict_ok, "%s must be rejected (default options)", name);
      cr_expect(plain == NULL, "%s must be rejected (allow_duplicates)", name);
      break;
    case 'i':
      ni++;
      if (plain)
        check_round_trip(name, plain);
      break;
    default: cr_expect(0, "unexpected file name %s", name);
    }
    free(buf);
  }
  closedir(dir);
  hjson_doc_free(doc);
  cr_expect_eq(ny, 95, "expected 95 y_ files, found %zu", ny);
  cr_expect_eq(nn, 188, "expected 188 n_ files, found %zu", nn);
  cr_expect_eq(ni, 35, "expected 35 i_ files, found %zu", ni);
  /* y_object_duplicated_key.json and y_object_duplicated_key_and_value.json */
  cr_expect_eq(dup_only, 2, "expected 2 y_ files rejected only for duplicate names, got %zu",
               dup_only);
}

/* The same files, each fed through a doc that already held a large tree, and
 * truncated at every length: no prefix may crash or read past its end. */
Test(jsontestsuite, every_prefix_of_every_file) {
  DIR *dir = opendir(SUITE_DIR);
  cr_assert(dir != NULL, "cannot open %s", SUITE_DIR);
  hjson_doc *doc = hjson_doc_new();
  cr_assert(doc != NULL);
  struct dirent *ent;
  size_t files = 0;
  while ((ent = readdir(dir)) != NULL) {
    const char *name = ent->d_name;
    size_t nl = strlen(name);
    if (nl < 7 || strcmp(name + nl - 5, ".json") != 0)
      continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", SUITE_DIR, name);
    size_t len;
    char *buf = read_file(path, &len);
    if (len > 4096)
      len = 4096; /* the few big files: their first 4 KiB is enough */
    for (size_t k = 0; k < len; k++) {
      char *cut = malloc(k ? k : 1);
      cr_assert(cut != NULL);
      memcpy(cut, buf, k);
      hjson_error err;
      const cJSON *r = hjson_parse(doc, cut, k, NULL, &err);
      if (!r)
        cr_expect(err.offset <= k, "%s cut at %zu: offset %zu beyond the input", name, k,
                  err.offset);
      free(cut);
    }
    free(buf);
    files++;
  }
  closedir(dir);
  hjson_doc_free(doc);
  cr_expect_eq(files, 318);
}
