/* The shared helpers (harness/util/hutil.h): hex digits, the one strict UTF-8
 * decoder and its encoder, the whole-file read with a cap and the atomic
 * write.  Every UTF-8 input is copied into a malloc'd buffer of exactly its
 * length, so a read past the end shows up under ASan. */
#include "util/hutil.h"
#include "json/hjson.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

/* ---- hex ------------------------------------------------------------------ */

Test(util, hexval_accepts_exactly_the_22_hex_digits) {
  int seen = 0;
  for (int c = -200; c < 400; c++) {
    int v = hutil_hexval(c);
    int want = c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
    cr_assert_eq(v, want, "hutil_hexval(%d) = %d, want %d", c, v, want);
    seen += v >= 0;
  }
  cr_assert_eq(seen, 22);
  /* a negative char (a byte >= 0x80 through a signed char) is not a digit */
  cr_assert_eq(hutil_hexval((char)0xC1), -1);
}

Test(util, hex4_reads_four_digits_or_fails) {
  cr_assert_eq(hutil_hex4("00e9"), 0xE9);
  cr_assert_eq(hutil_hex4("D83D"), 0xD83D);
  cr_assert_eq(hutil_hex4("ffFF"), 0xFFFF);
  cr_assert_eq(hutil_hex4("12345"), 0x1234, "reads exactly 4 bytes");
  cr_assert_eq(hutil_hex4("12g4"), -1);
  cr_assert_eq(hutil_hex4("-123"), -1);
  cr_assert_eq(hutil_hex4("\xff" "123"), -1);
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Decodes bytes s[0..n) from an exact-size copy. */
static size_t dec(const char *s, size_t n, uint32_t *cp, hutil_utf8_err *err) {
  unsigned char *copy = malloc(n);
  cr_assert_not_null(copy);
  memcpy(copy, s, n);
  *cp = 0xDEADBEEF;
  *err = HUTIL_UTF8_OK;
  size_t l = hutil_utf8_decode(copy, n, cp, err);
  free(copy);
  return l;
}

#define VALID(bytes, want_cp)                                                                  \
  do {                                                                                         \
    uint32_t cp_;                                                                              \
    hutil_utf8_err e_;                                                                         \
    size_t l_ = dec(bytes, sizeof bytes - 1, &cp_, &e_);                                       \
    cr_assert_eq(l_, sizeof bytes - 1, "%s: length %zu", #bytes, l_);                          \
    cr_assert_eq(cp_, (uint32_t)(want_cp), "%s: U+%04X", #bytes, (unsigned)cp_);               \
  } while (0)

#define INVALID(bytes, want_err)                                                               \
  do {                                                                                         \
    uint32_t cp_;                                                                              \
    hutil_utf8_err e_;                                                                         \
    size_t l_ = dec(bytes, sizeof bytes - 1, &cp_, &e_);                                       \
    cr_assert_eq(l_, 0, "%s: accepted as %zu bytes", #bytes, l_);                              \
    cr_assert_eq(e_, want_err, "%s: reason %d (%s)", #bytes, (int)e_, hutil_utf8_msg(e_));     \
    cr_assert_eq(cp_, 0xDEADBEEF, "%s: *cp written on failure", #bytes);                       \
  } while (0)

Test(util, utf8_decodes_every_length_at_its_bounds) {
  VALID("\x00", 0);
  VALID("A", 'A');
  VALID("\x7F", 0x7F);
  VALID("\xC2\x80", 0x80);
  VALID("\xDF\xBF", 0x7FF);
  VALID("\xE0\xA0\x80", 0x800);
  VALID("\xED\x9F\xBF", 0xD7FF);
  VALID("\xEE\x80\x80", 0xE000);
  VALID("\xEF\xBF\xBF", 0xFFFF);
  VALID("\xF0\x90\x80\x80", 0x10000);
  VALID("\xF0\x9F\x98\x80", 0x1F600);
  VALID("\xF4\x8F\xBF\xBF", 0x10FFFF);
}

Test(util, utf8_rejects_overlong_forms) {
  INVALID("\xC0\x80", HUTIL_UTF8_OVERLONG); /* U+0000 in 2 bytes */
  INVALID("\xC1\xBF", HUTIL_UTF8_OVERLONG);
  INVALID("\xE0\x80\x80", HUTIL_UTF8_OVERLONG);
  INVALID("\xE0\x9F\xBF", HUTIL_UTF8_OVERLONG); /* U+07FF in 3 bytes */
  INVALID("\xF0\x80\x80\x80", HUTIL_UTF8_OVERLONG);
  INVALID("\xF0\x8F\xBF\xBF", HUTIL_UTF8_OVERLONG); /* U+FFFF in 4 bytes */
}

Test(util, utf8_rejects_surrogates_and_values_above_10ffff) {
  INVALID("\xED\xA0\x80", HUTIL_UTF8_SURROGATE); /* U+D800 */
  INVALID("\xED\xBF\xBF", HUTIL_UTF8_SURROGATE); /* U+DFFF */
  INVALID("\xF4\x90\x80\x80", HUTIL_UTF8_TOO_BIG); /* U+110000 */
  INVALID("\xF5\x80\x80\x80", HUTIL_UTF8_TOO_BIG);
  INVALID("\xF7\xBF\xBF\xBF", HUTIL_UTF8_TOO_BIG);
  INVALID("\xF8\x88\x80\x80\x80", HUTIL_UTF8_BAD_BYTE);
  INVALID("\xFF", HUTIL_UTF8_BAD_BYTE);
  INVALID("\x80", HUTIL_UTF8_CONTINUATION);
  INVALID("\xBF\xBF", HUTIL_UTF8_CONTINUATION);
}

Test(util, utf8_rejects_truncated_sequences_without_reading_past_the_end) {
  INVALID("\xC3", HUTIL_UTF8_TRUNCATED);
  INVALID("\xE2\x82", HUTIL_UTF8_TRUNCATED);
  INVALID("\xF0\x9F\x98", HUTIL_UTF8_TRUNCATED);
  INVALID("\xE2" "A" "\xAC", HUTIL_UTF8_TRUNCATED); /* a missing continuation byte */
  INVALID("\xE2\x82" "A", HUTIL_UTF8_TRUNCATED);
  INVALID("\xF0\x9F\x98" "A", HUTIL_UTF8_TRUNCATED);
  /* a sequence is judged on its own: what follows it does not matter */
  uint32_t cp;
  hutil_utf8_err e;
  cr_assert_eq(dec("\xC3\xA9\xFF", 3, &cp, &e), 2);
  cr_assert_eq(cp, 0xE9);
}

Test(util, utf8_messages_are_distinct_and_name_the_reason) {
  const hutil_utf8_err all[] = {HUTIL_UTF8_CONTINUATION, HUTIL_UTF8_OVERLONG, HUTIL_UTF8_SURROGATE,
                                HUTIL_UTF8_TOO_BIG,      HUTIL_UTF8_BAD_BYTE, HUTIL_UTF8_TRUNCATED};
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n; i++) {
    const char *m = hutil_utf8_msg(all[i]);
    cr_assert(strncmp(m, "invalid UTF-8: ", 15) == 0, "%s", m);
    for (size_t j = 0; j < i; j++)
      cr_assert_str_neq(m, hutil_utf8_msg(all[j]));
  }
  cr_assert_str_eq(hutil_utf8_msg(HUTIL_UTF8_SURROGATE),
                   "invalid UTF-8: encoded surrogate code point");
}

Test(util, utf8_encode_round_trips_every_scalar_value) {
  unsigned char b[4];
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue;
    size_t n = hutil_utf8_encode(cp, b);
    size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    cr_assert_eq(n, want, "U+%04X: %zu bytes", (unsigned)cp, n);
    uint32_t back = 0;
    hutil_utf8_err e = HUTIL_UTF8_OK;
    cr_assert_eq(hutil_utf8_decode(b, n, &back, &e), n, "U+%04X: %s", (unsigned)cp,
                 hutil_utf8_msg(e));
    cr_assert_eq(back, cp);
  }
  /* a lone surrogate (from "\ud800") is written as a lenient decoder would
   * read it, and the strict decoder refuses those bytes */
  cr_assert_eq(hutil_utf8_encode(0xD800, b), 3);
  cr_assert(memcmp(b, "\xED\xA0\x80", 3) == 0);
  cr_assert_eq(hutil_utf8_decode(b, 3, NULL, NULL), 0);
}

Test(util, utf8_valid_checks_whole_strings) {
  cr_assert(hutil_utf8_valid("", 0));
  cr_assert(hutil_utf8_valid("a\0b", 3), "NUL is a valid character");
  cr_assert(hutil_utf8_valid("caf\xC3\xA9 \xF0\x9F\x98\x80", 10));
  cr_assert_not(hutil_utf8_valid("caf\xC3", 4), "a cut at the end");
  cr_assert_not(hutil_utf8_valid("\xED\xA0\x80\xED\xB0\x80", 6), "CESU-8 pair");
  cr_assert_not(hutil_utf8_valid("a\xC0\xAF", 3), "overlong '/'");
}

Test(util, utf8_cut_never_splits_a_sequence) {
  const char *s = "ab\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"; /* a b é € 😀 z: 12 bytes */
  size_t n = strlen(s);
  cr_assert_eq(hutil_utf8_cut(s, n, 100), n);
  cr_assert_eq(hutil_utf8_cut(s, n, n), n);
  const size_t want[] = {0, 1, 2, 2, 4, 4, 4, 7, 7, 7, 7, 11};
  for (size_t max = 0; max < n; max++)
    cr_assert_eq(hutil_utf8_cut(s, n, max), want[max], "max %zu: %zu", max,
                 hutil_utf8_cut(s, n, max));
}

/* ---- message text --------------------------------------------------------- */

Test(util, quote_escapes_and_keeps_one_line) {
  char out[128];
  size_t n = hutil_quote(out, sizeof out, "a\"b\\c\nd\te\rf\x01\x7f", 13, 100);
  cr_assert_str_eq(out, "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001\\u007f\"");
  cr_assert_eq(n, strlen(out));
  n = hutil_quote(out, sizeof out, "x\0y", 3, 100);
  cr_assert_str_eq(out, "\"x\\u0000y\"");
  n = hutil_quote(out, sizeof out, "", 0, 100);
  cr_assert_str_eq(out, "\"\"");
  cr_assert_eq(n, 2);
}

Test(util, quote_cuts_at_max_on_a_character_boundary) {
  char out[128];
  hutil_quote(out, sizeof out, "abcdef", 6, 3);
  cr_assert_str_eq(out, "\"abc\"...");
  /* "é" is 2 bytes: a cut at 2 would split it, so only "a" is kept */
  hutil_quote(out, sizeof out, "a\xC3\xA9z", 4, 2);
  cr_assert_str_eq(out, "\"a\"...");
}

Test(util, quote_respects_the_buffer_and_never_splits_a_character) {
  char s[64];
  for (size_t i = 0; i < sizeof s; i += 2)
    memcpy(s + i, "\xC3\xA9", 2);
  for (size_t cap = 16; cap < 40; cap++) {
    char out[64];
    memset(out, 'X', sizeof out);
    size_t n = hutil_quote(out, cap, s, sizeof s, 1000);
    cr_assert_lt(n, cap, "cap %zu: wrote %zu", cap, n);
    cr_assert_eq(out[n], '\0');
    cr_assert_eq(out[cap], 'X', "cap %zu: wrote past the buffer", cap);
    cr_assert(n >= 5 && !strcmp(out + n - 4, "\"..."), "cap %zu: %s", cap, out);
    cr_assert(hutil_utf8_valid(out, n), "cap %zu: half a character in %s", cap, out);
  }
  char tiny[8] = "junk";
  cr_assert_eq(hutil_quote(tiny, sizeof tiny, "abc", 3, 10), 0);
  cr_assert_str_eq(tiny, "");
}

/* ---- arena ---------------------------------------------------------------- */

Test(util, arena_aligns_and_keeps_allocations_apart) {
  hutil_arena a = {0};
  char *prev = NULL;
  for (size_t n = 0; n < 300; n++) {
    char *p = hutil_arena_alloc(&a, n);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % 16, 0, "size %zu: misaligned", n);
    memset(p, (int)(n & 0xFF), n);
    if (prev)
      cr_assert_neq(p, prev);
    prev = p;
  }
  char *big = hutil_arena_alloc(&a, 100000); /* larger than a block */
  cr_assert_not_null(big);
  memset(big, 1, 100000);
  cr_assert_null(hutil_arena_alloc(&a, SIZE_MAX / 2));
  cr_assert_null(hutil_arena_calloc(&a, SIZE_MAX / 8, 16), "n * size overflows");
  int *z = hutil_arena_calloc(&a, 100, sizeof *z);
  cr_assert_not_null(z);
  for (int i = 0; i < 100; i++)
    cr_assert_eq(z[i], 0);
  char *s = hutil_arena_strndup(&a, "hello world", 5);
  cr_assert_str_eq(s, "hello");
  hutil_arena_free(&a);
  cr_assert_null(a.head);
  hutil_arena_free(&a); /* twice: harmless */
}

Test(util, arena_rollback_frees_what_came_after_the_mark) {
  hutil_arena a = {0};
  char *keep = hutil_arena_strndup(&a, "kept", 4);
  hutil_amark m = hutil_arena_mark(&a);
  char *first = hutil_arena_alloc(&a, 32);
  for (int i = 0; i < 10; i++) /* across several new blocks */
    cr_assert_not_null(hutil_arena_alloc(&a, 20000));
  hutil_arena_rollback(&a, m);
  cr_assert_str_eq(keep, "kept");
  cr_assert_eq(hutil_arena_alloc(&a, 32), first, "the space after the mark is reused");
  /* a mark of the empty arena rolls back to empty */
  hutil_arena b = {0};
  hutil_amark empty = hutil_arena_mark(&b);
  cr_assert_not_null(hutil_arena_alloc(&b, 10));
  hutil_arena_rollback(&b, empty);
  cr_assert_null(b.head);
  hutil_arena_free(&a);
}

/* ---- shared pieces that live in json/: hbuf and JSON-pointer tokens -------- */

Test(util, pointer_unescape_decodes_tokens) {
  char out[32];
  size_t n = hjson_pointer_unescape("a~1b~0c", 7, out);
  cr_assert_eq(n, 5);
  cr_assert(memcmp(out, "a/b~c", 5) == 0);
  n = hjson_pointer_unescape("~01", 3, out); /* "~0" then "1", not "~" "01" */
  cr_assert(n == 2 && memcmp(out, "~1", 2) == 0);
  n = hjson_pointer_unescape("x~2~", 4, out); /* other '~' kept */
  cr_assert(n == 4 && memcmp(out, "x~2~", 4) == 0);
  cr_assert_eq(hjson_pointer_unescape("", 0, out), 0);
}

static int fmt(hbuf *b, const char *f, ...) __attribute__((format(printf, 2, 3)));
static int fmt(hbuf *b, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int ok = hbuf_vprintf(b, f, ap);
  va_end(ap);
  return ok;
}

Test(util, hbuf_vprintf_and_reserve) {
  hbuf b = {0};
  cr_assert(fmt(&b, "%s-%d", "x", 42));
  char big[1000];
  memset(big, 'w', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  cr_assert(fmt(&b, "[%s]", big), "longer than the small stack buffer");
  cr_assert_eq(b.n, 4 + 1 + 999 + 1);
  cr_assert(!strncmp(b.p, "x-42[www", 8) && b.p[b.n - 1] == ']' && b.p[b.n] == '\0');
  cr_assert(hbuf_reserve(&b, 5000));
  cr_assert_geq(b.cap, b.n + 5001);
  size_t n0 = b.n;
  memcpy(b.p + b.n, "tail", 4);
  b.n += 4;
  b.p[b.n] = '\0';
  cr_assert_str_eq(b.p + n0, "tail");
  hbuf_free(&b);
  hbuf c = {0};
  c.limit = 10;
  cr_assert_not(hbuf_reserve(&c, 11));
  cr_assert(c.toobig);
  cr_assert_not(hbuf_add(&c, "a", 1), "a failed buffer stays failed");
  hbuf_free(&c);
}

/* The report writers hand their text over with hbuf_finish: "" for nothing
 * written, NULL for a failed buffer (over its limit, out of memory, or a
 * format that cannot be encoded), never a half-written text. */
Test(util, hbuf_finish_hands_over_whole_text_or_nothing) {
  hbuf b = {.limit = 16};
  size_t len = 99;
  char *t = hbuf_finish(&b, &len);
  cr_assert_not_null(t);
  cr_assert_str_eq(t, "");
  cr_assert_eq(len, 0);
  free(t);
  cr_assert(hbuf_puts(&b, "report"));
  t = hbuf_finish(&b, &len);
  cr_assert_str_eq(t, "report");
  cr_assert_eq(len, 6);
  cr_assert_null(b.p, "the buffer is empty after the hand-over");
  free(t);
  cr_assert_not(hbuf_puts(&b, "more than sixteen bytes"));
  cr_assert(b.toobig);
  cr_assert_null(hbuf_finish(&b, &len), "a failed buffer hands over nothing");
  cr_assert_null(b.p);
  /* a wide string the C locale cannot encode: an encoding error fails it */
  hbuf w = {0};
  cr_assert_not(fmt(&w, "%ls", L"\u00e9"));
  cr_assert(w.nomem || w.toobig);
  cr_assert_null(hbuf_finish(&w, NULL));
}

/* ---- processes ------------------------------------------------------------ */

/* certify waits for its suites and its mock with it: an exit wakes it at
 * once (a pidfd), and a child still running is not reaped. */
Test(util, wait_child_wakes_at_the_exit) {
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    usleep(100 * 1000);
    _exit(7);
  }
  int status = 0;
  cr_assert_eq(hutil_wait_child(pid, 0, &status), 0, "still running: not reaped");
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int r = 0;
  while ((r = hutil_wait_child(pid, 5000, &status)) == 0)
    ;
  cr_assert_eq(r, 1);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
  cr_assert_lt(ts_seconds_since(&t0), 4.0, "woken by the exit, not by the 5 s limit");
  cr_assert_eq(hutil_wait_child(pid, 10, &status), -1, "already reaped");
  cr_assert_eq(errno, ECHILD);
}

/* ---- files ---------------------------------------------------------------- */

static char dir[64];

static void mkdir_setup(void) { ts_tmpdir(dir, sizeof dir, "util"); }

static void mkdir_teardown(void) { ts_rmtree(dir); }

TestSuite(util_file, .init = mkdir_setup, .fini = mkdir_teardown);

static const char *at(const char *name) {
  static char buf[4][PATH_MAX];
  static int k;
  char *p = buf[k++ % 4];
  snprintf(p, PATH_MAX, "%s/%s", dir, name);
  return p;
}

/* Asserts that the file at path holds exactly want[0..n). */
static void holds(const char *path, const char *want, size_t n) {
  char err[256] = "";
  size_t len = 0;
  char *p = hutil_slurp(path, 0, 0, &len, NULL, err, sizeof err);
  cr_assert_not_null(p, "%s", err);
  cr_assert(len == n && memcmp(p, want, n) == 0, "%s: %zu bytes, not the %zu expected", path, len,
            n);
  free(p);
}

/* The names in dir other than . and .., joined by ' '. */
static void listing(char *out, size_t cap) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  out[0] = '\0';
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    strncat(out, e->d_name, cap - strlen(out) - 2);
    strcat(out, " ");
  }
  closedir(d);
}

Test(util_file, slurp_reads_bytes_exactly_with_a_nul_after) {
  ts_write_bytes(at("a"), "x\0y\xFF", 4);
  size_t len = 99;
  char err[256] = "";
  char *p = hutil_slurp(at("a"), 0, 0, &len, NULL, err, sizeof err);
  cr_assert_not_null(p, "%s", err);
  cr_assert_eq(len, 4);
  cr_assert(memcmp(p, "x\0y\xFF", 5) == 0);
  free(p);
  ts_write_bytes(at("empty"), "", 0);
  p = hutil_slurp(at("empty"), 10, HUTIL_SLURP_REGULAR, &len, NULL, err, sizeof err);
  cr_assert_not_null(p, "%s", err);
  cr_assert_eq(len, 0);
  cr_assert_eq(p[0], '\0');
  free(p);
}

Test(util_file, slurp_cap_is_inclusive_and_over_it_fails) {
  char data[1000];
  memset(data, 'q', sizeof data);
  ts_write_bytes(at("f"), data, sizeof data);
  size_t len = 0;
  int big = -1;
  char err[256] = "";
  char *p = hutil_slurp(at("f"), 1000, 0, &len, &big, err, sizeof err);
  cr_assert_not_null(p, "%s", err);
  cr_assert_eq(len, 1000);
  cr_assert_eq(big, 0);
  free(p);
  p = hutil_slurp(at("f"), 999, 0, &len, &big, err, sizeof err);
  cr_assert_null(p);
  cr_assert_eq(big, 1);
  cr_assert_not_null(strstr(err, "over the 999-byte limit"), "%s", err);
  cr_assert_not_null(strstr(err, at("f")), "%s", err);
}

Test(util_file, slurp_cap_holds_for_files_without_a_size) {
  /* a FIFO has no size to check first: the cap is enforced while reading */
  cr_assert_eq(mkfifo(at("fifo"), 0600), 0);
  pid_t pid = fork();
  cr_assert_neq(pid, -1);
  if (pid == 0) {
    int fd = open(at("fifo"), O_WRONLY);
    char buf[4096];
    memset(buf, 'z', sizeof buf);
    for (int i = 0; i < 64; i++)
      if (write(fd, buf, sizeof buf) < 0)
        break;
    _exit(0);
  }
  size_t len = 0;
  int big = 0;
  char err[256] = "";
  char *p = hutil_slurp(at("fifo"), 10000, 0, &len, &big, err, sizeof err);
  cr_assert_null(p);
  cr_assert_eq(big, 1, "%s", err);
  kill(pid, SIGKILL);
}

Test(util_file, slurp_errors_are_one_line_and_name_the_file) {
  size_t len;
  char err[256] = "";
  int big = -1;
  cr_assert_null(hutil_slurp(at("missing"), 0, 0, &len, &big, err, sizeof err));
  cr_assert_eq(big, 0);
  cr_assert_not_null(strstr(err, "missing: cannot open: No such file or directory"), "%s", err);
  cr_assert_null(hutil_slurp(dir, 0, 0, &len, NULL, err, sizeof err));
  cr_assert_not_null(strstr(err, ": is a directory"), "%s", err);
  cr_assert_null(strchr(err, '\n'));
  /* a FIFO without a writer is refused at once, not waited for */
  cr_assert_eq(mkfifo(at("fifo"), 0600), 0);
  cr_assert_null(hutil_slurp(at("fifo"), 0, HUTIL_SLURP_REGULAR, &len, NULL, err, sizeof err));
  cr_assert_not_null(strstr(err, "fifo: not a regular file"), "%s", err);
  cr_assert_null(hutil_slurp("/dev/null", 0, HUTIL_SLURP_REGULAR, &len, NULL, err, sizeof err));
  /* with NO_WAIT it reads as empty at once (the spec loader: then "not JSON") */
  char *e = hutil_slurp(at("fifo"), 0, HUTIL_SLURP_NO_WAIT, &len, NULL, err, sizeof err);
  cr_assert_not_null(e, "%s", err);
  cr_assert_eq(len, 0);
  free(e);
  /* without the flag, a device reads to its end */
  char *p = hutil_slurp("/dev/null", 0, 0, &len, NULL, err, sizeof err);
  cr_assert_not_null(p, "%s", err);
  cr_assert_eq(len, 0);
  free(p);
  cr_assert_null(hutil_slurp("", 0, 0, &len, NULL, err, sizeof err));
  cr_assert_null(hutil_slurp(NULL, 0, 0, &len, NULL, NULL, 0), "no err buffer: no crash");
}

Test(util_file, write_atomic_replaces_the_file_and_leaves_no_temp) {
  char err[256] = "";
  cr_assert_eq(hutil_write_atomic(at("out.json"), "first", 5, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hutil_write_atomic(at("out.json"), "second\0!", 8, err, sizeof err), 0, "%s", err);
  holds(at("out.json"), "second\0!", 8);
  char names[512];
  listing(names, sizeof names);
  cr_assert_str_eq(names, "out.json ");
  struct stat st;
  cr_assert_eq(stat(at("out.json"), &st), 0);
  mode_t um = umask(0);
  umask(um);
  cr_assert_eq(st.st_mode & 0777, 0644 & ~um);
  /* a bare name is written in the working directory */
  cr_assert_eq(chdir(dir), 0);
  cr_assert_eq(hutil_write_atomic("bare", "b", 1, err, sizeof err), 0, "%s", err);
  cr_assert_eq(stat(at("bare"), &st), 0);
  cr_assert_eq(st.st_size, 1);
}

Test(util_file, write_atomic_failure_keeps_the_old_file_and_removes_the_temp) {
  char err[256] = "";
  ts_write_bytes(at("keep"), "old", 3);
  /* the write itself fails (EFBIG past RLIMIT_FSIZE) after the temp exists */
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit rl = {.rlim_cur = 100, .rlim_max = RLIM_INFINITY};
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
  char big[1000];
  memset(big, 'n', sizeof big);
  cr_assert_eq(hutil_write_atomic(at("keep"), big, sizeof big, err, sizeof err), -1);
  cr_assert_not_null(strstr(err, "write error"), "%s", err);
  cr_assert_null(strchr(err, '\n'));
  char names[512];
  listing(names, sizeof names);
  cr_assert_str_eq(names, "keep ", "left behind: %s", names);
  holds(at("keep"), "old", 3);
}

Test(util_file, write_atomic_refuses_a_planted_link_and_a_missing_dir) {
  char err[256] = "";
  ts_write_bytes(at("keep"), "old", 3);
  ts_write_bytes(at("victim"), "victim", 6);
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", at("keep"), (long)getpid());
  cr_assert_eq(symlink(at("victim"), tmp), 0);
  cr_assert_eq(hutil_write_atomic(at("keep"), "new", 3, err, sizeof err), -1);
  cr_assert_not_null(strstr(err, "cannot create"), "%s", err);
  holds(at("victim"), "victim", 6); /* the link's target is not written */
  holds(at("keep"), "old", 3);
  cr_assert_eq(hutil_write_atomic(at("no/such/dir/f"), "x", 1, err, sizeof err), -1);
  cr_assert_not_null(strstr(err, "cannot create"), "%s", err);
  /* renaming over a non-empty directory fails: the temp goes, the dir stays */
  cr_assert_eq(mkdir(at("d"), 0755), 0);
  ts_write_bytes(at("d/inside"), "i", 1);
  cr_assert_eq(hutil_write_atomic(at("d"), "x", 1, err, sizeof err), -1);
  cr_assert_not_null(strstr(err, "rename"), "%s", err);
  cr_assert_eq(unlink(tmp), 0);
  char names[512];
  listing(names, sizeof names);
  cr_assert_null(strstr(names, ".tmp."), "left behind: %s", names);
}
