/* The batch journals through which the conformance suites hand results back
 * to certify (run/hjournal.h): records are read whole or not at all, a record
 * still being written waits for its end, a malformed journal stops its reader
 * with the entries left as errors, and a rerun appends to the same file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/hjournal.h"
#include "support.h"

TS_LSAN_CRITERION

typedef struct {
  char kinds[64];
  size_t index[64];
  char text[64][128];
  size_t n;
} seen;

static void collect(void *ctx, char kind, size_t index, const char *text, size_t len) {
  seen *sn = ctx;
  cr_assert_lt(sn->n, 64);
  sn->kinds[sn->n] = kind;
  sn->index[sn->n] = index;
  snprintf(sn->text[sn->n], sizeof sn->text[0], "%.*s", (int)(len < 127 ? len : 127),
           text ? text : "");
  sn->n++;
}

/* Each test: a fresh directory and a reader of the journal of batch FIRST. */
#define FIRST 4
static char dir[64];
static hjournal_reader r;
static seen s;

static void setup(void) {
  ts_tmpdir(dir, sizeof dir, "journal");
  hjournal_reader_init(&r, FIRST);
  memset(&s, 0, sizeof s);
}

static void teardown(void) {}

TestSuite(journal, .init = setup, .fini = teardown);

static void append_raw(const char *bytes, size_t n) {
  char path[256];
  snprintf(path, sizeof path, "%s/b%d.jnl", dir, FIRST);
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
  cr_assert_eq(write(fd, bytes, n), (ssize_t)n);
  close(fd);
}

Test(journal, records_round_trip_in_order) {
  int fd = hjournal_open(dir, FIRST);
  cr_assert(fd >= 0);
  const char *r7 = "{\"id\":\"a\",\"status\":\"pass\"}";
  /* a body with a newline inside still reads back whole: the length frames it */
  const char *r8 = "{\"id\":\"b\",\n\"status\":\"fail\"}";
  cr_assert_eq(hjournal_started(fd, 7), 0);
  cr_assert_eq(hjournal_result(fd, 7, r7, strlen(r7)), 0);
  cr_assert_eq(hjournal_started(fd, 8), 0);
  cr_assert_eq(hjournal_result(fd, 8, r8, strlen(r8)), 0);
  close(fd);
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0);
  cr_assert_eq(s.n, 4);
  cr_assert(s.kinds[0] == 'S' && s.index[0] == 7);
  cr_assert(s.kinds[1] == 'R' && s.index[1] == 7);
  cr_assert_str_eq(s.text[1], r7);
  cr_assert(s.kinds[2] == 'S' && s.index[2] == 8);
  cr_assert_str_eq(s.text[3], r8);
  /* nothing new: nothing more */
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0);
  cr_assert_eq(s.n, 4);
}

Test(journal, a_journal_not_written_yet_is_empty_not_an_error) {
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0);
  cr_assert_eq(s.n, 0);
  cr_assert_not(r.corrupt);
}

/* The reader polls while the test process writes: a record cut anywhere
 * (in its head or its body) is not delivered until the rest arrives. */
Test(journal, a_record_being_written_waits_for_its_end) {
  const char *rec = "S 4\nR 4 26\n{\"id\":\"x\",\"status\":\"pass\"}\n";
  size_t len = strlen(rec);
  for (size_t k = 0; k < len; k++) {
    append_raw(rec + k, 1);
    cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0, "after byte %zu", k);
    size_t want = k >= 3 ? (k == len - 1 ? 2 : 1) : 0;
    cr_assert_eq(s.n, want, "after byte %zu: %zu records, want %zu", k, s.n, want);
  }
  cr_assert_str_eq(s.text[1], "{\"id\":\"x\",\"status\":\"pass\"}");
}

/* A crash leaves a start without a result: the start is seen, the cut result
 * never is. */
Test(journal, a_crash_mid_record_leaves_only_the_start) {
  const char *rec = "S 9\nR 9 400\n{\"id\":\"x\",\"sta";
  append_raw(rec, strlen(rec));
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0);
  cr_assert_eq(s.n, 1);
  cr_assert_eq(s.kinds[0], 'S');
  cr_assert_not(r.corrupt);
}

Test(journal, malformed_records_stop_the_reader) {
  static const char *const bad[] = {
      "X 1\n",                         /* unknown kind */
      "S one\n",                       /* not a number */
      "S 1 2\n",                       /* trailing field */
      "R 1\n{}\n",                     /* no length */
      "R 1 2\n{}}",                    /* the body is not followed by a newline */
      "R 1 99999999999999999999999\n", /* a length that overflows */
      "R 1 999999999999\n",            /* a length over the record cap */
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    teardown(); /* a fresh journal for each */
    setup();
    append_raw(bad[k], strlen(bad[k]));
    cr_assert_eq(hjournal_poll(&r, dir, collect, &s), -1, "accepted %s", bad[k]);
    cr_assert(r.corrupt);
    cr_assert_eq(s.n, 0, "delivered a record of %s", bad[k]);
    /* and stays stopped */
    cr_assert_eq(hjournal_poll(&r, dir, collect, &s), -1);
  }
}

/* A head without its newline long past any real head is garbage, not a
 * record still coming: the reader does not buffer it without end. */
Test(journal, endless_garbage_is_malformed_not_pending) {
  char junk[200];
  memset(junk, 'S', sizeof junk);
  append_raw(junk, sizeof junk);
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), -1);
  cr_assert(r.corrupt);
}

/* certify reruns the entries a crashed batch never started, one per test;
 * a rerun whose first entry is the crashed batch's first appends to the same
 * journal, and the reader goes on from where it was. */
Test(journal, a_rerun_appends_and_the_reader_goes_on) {
  int fd = hjournal_open(dir, FIRST);
  cr_assert(fd >= 0);
  cr_assert_eq(hjournal_started(fd, 5), 0); /* ... and the process died */
  close(fd);
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0);
  cr_assert_eq(s.n, 1);
  fd = hjournal_open(dir, FIRST);
  cr_assert(fd >= 0);
  cr_assert_eq(hjournal_started(fd, 5), 0);
  cr_assert_eq(hjournal_result(fd, 5, "{}", 2), 0);
  close(fd);
  cr_assert_eq(hjournal_poll(&r, dir, collect, &s), 0);
  cr_assert_eq(s.n, 3);
  cr_assert(s.kinds[2] == 'R' && s.index[2] == 5);
}
