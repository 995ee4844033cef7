/* hutil: the small helpers every layer needs, written once.
 *
 * - hex digit values;
 * - UTF-8: one strict decoder (RFC 3629: no overlong forms, no surrogates,
 *   nothing above U+10FFFF), one encoder, a validator and a cut that never
 *   splits a sequence;
 * - a one-line quoted excerpt of text for messages;
 * - an arena (bump allocator) with mark and rollback, and a reset that keeps
 *   its blocks warm for the next use (the JSON reader's per-parse memory);
 * - files: a whole-file read with a size cap, and an atomic write (temp file
 *   in the same directory, fsync, rename, fsync of the directory).
 *
 * The growable buffer (hbuf) stays in json/hjson.h, which every layer already
 * includes. */
#ifndef HUTIL_H
#define HUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- hex ---------------------------------------------------------------- */

/* The value of the hex digit c ('0'-'9', 'a'-'f', 'A'-'F'), or -1 for any
 * other value (including negative chars and values above 0xFF). */
int hutil_hexval(int c);

/* The value of the 4 hex digits at s (a JSON \u escape body), or -1 when one
 * of them is not a hex digit.  Reads exactly 4 bytes: the caller checks the
 * length. */
long hutil_hex4(const char *s);

/* ---- UTF-8 -------------------------------------------------------------- */

/* Why a sequence is not valid UTF-8. */
typedef enum {
  HUTIL_UTF8_OK = 0,
  HUTIL_UTF8_CONTINUATION, /* a lead byte 0x80-0xBF */
  HUTIL_UTF8_OVERLONG,     /* C0, C1, E0 80-9F, F0 80-8F */
  HUTIL_UTF8_SURROGATE,    /* ED A0-BF: U+D800-U+DFFF */
  HUTIL_UTF8_TOO_BIG,      /* F4 90-BF, F5-F7: above U+10FFFF */
  HUTIL_UTF8_BAD_BYTE,     /* a lead byte 0xF8-0xFF */
  HUTIL_UTF8_TRUNCATED,    /* the input ends, or a continuation byte is missing */
} hutil_utf8_err;

/* Decodes the UTF-8 sequence at s[0..n) (n >= 1).  Returns its length (1-4)
 * and, when cp is not NULL, its code point in *cp; or 0 when it is not valid
 * UTF-8, with the reason in *err when err is not NULL. */
size_t hutil_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp, hutil_utf8_err *err);

/* A constant English message for err ("invalid UTF-8: overlong encoding"). */
const char *hutil_utf8_msg(hutil_utf8_err err);

/* Writes cp as UTF-8 to out (room for 4 bytes) and returns the byte count.
 * No check: a surrogate (from a lone \uD800 escape) is written as the 3 bytes
 * a lenient decoder would produce, values above U+10FFFF as 4 bytes. */
size_t hutil_utf8_encode(uint32_t cp, unsigned char *out);

/* 1 when s[0..n) is valid UTF-8 (NUL bytes included), 0 otherwise. */
int hutil_utf8_valid(const char *s, size_t n);

/* Where to cut s[0..len) to keep at most max bytes without splitting a
 * sequence: len when len <= max, else max moved back while s[max] is a
 * continuation byte (10xxxxxx), so the kept part never ends inside one. */
size_t hutil_utf8_cut(const char *s, size_t len, size_t max);

/* ---- message text ------------------------------------------------------- */

/* Writes s[0..len) to out (capacity cap) as a one-line quoted string for a
 * message: '"', the bytes with '"' '\\' \n \t \r escaped and other
 * controls as \u00XX, '"', then "..." when not all of s fit.  At most max
 * source bytes are quoted, cut at a character boundary; a character that does
 * not fit whole is dropped whole.  Returns the length written (out is always
 * NUL-terminated); with cap < 16, out is "" (when cap > 0) and 0 is returned. */
size_t hutil_quote(char *out, size_t cap, const char *s, size_t len, size_t max);

/* ---- arena -------------------------------------------------------------- */

/* Memory handed out in 16-byte aligned pieces from blocks of 16 KiB growing
 * geometrically to 1 MiB (or one block of the piece's size when larger), all
 * freed at once.  Initialise with `hutil_arena a = {0}`; free with
 * hutil_arena_free.  hutil_arena_reset keeps the blocks for reuse: a loop
 * that fills and resets an arena (a parser) stops calling malloc once they
 * are warm. */
typedef struct hutil_ablock {
  struct hutil_ablock *next; /* older block (or the next spare one) */
  size_t used, cap;
  _Alignas(16) unsigned char data[];
} hutil_ablock;
typedef struct {
  hutil_ablock *head;  /* the block being filled; older ones after it */
  hutil_ablock *spare; /* blocks a reset freed for reuse */
  size_t total;        /* bytes in all blocks, spare ones included */
} hutil_arena;

/* A point to roll the arena back to (everything allocated after it goes). */
typedef struct {
  hutil_ablock *head;
  size_t used;
} hutil_amark;

/* The slow path of hutil_arena_alloc: n (rounded) bytes from a spare or a
 * new block. */
void *hutil_arena_grow(hutil_arena *a, size_t n);

/* n bytes (0 counts as 16), uninitialised; NULL when out of memory or n is
 * absurd (> SIZE_MAX / 4).  Inline: the JSON reader allocates every node and
 * string here. */
static inline void *hutil_arena_alloc(hutil_arena *a, size_t n) {
  if (n > SIZE_MAX / 4)
    return NULL; /* the rounding and the block header must not wrap */
  n = n ? (n + 15u) & ~(size_t)15u : 16u;
  hutil_ablock *b = a->head;
  if (b && b->cap - b->used >= n) {
    void *p = b->data + b->used;
    b->used += n;
    return p;
  }
  return hutil_arena_grow(a, n);
}
/* n * size zeroed bytes; NULL on overflow or out of memory. */
void *hutil_arena_calloc(hutil_arena *a, size_t n, size_t size);
/* A NUL-terminated copy of s[0..n). */
char *hutil_arena_strndup(hutil_arena *a, const char *s, size_t n);
hutil_amark hutil_arena_mark(const hutil_arena *a);
/* Frees what was allocated after m (m from this arena, not rolled back past). */
void hutil_arena_rollback(hutil_arena *a, hutil_amark m);
/* Frees everything; the arena is then empty and reusable. */
void hutil_arena_free(hutil_arena *a);
/* Everything allocated goes, the blocks stay for reuse; when they hold more
 * than retain bytes they are freed instead (a huge input gives its memory
 * back). */
void hutil_arena_reset(hutil_arena *a, size_t retain);

/* ---- hashing and time ---------------------------------------------------- */

/* FNV-1a over p[0..n), continuing from h (start with HUTIL_FNV_BASIS): the
 * hash of the hash tables (catalogue ids, compiled patterns, the mock's
 * names and bodies). */
#define HUTIL_FNV_BASIS 0xcbf29ce484222325ULL
uint64_t hutil_fnv1a(const void *p, size_t n, uint64_t h);

/* Milliseconds on the monotonic clock (deadlines, durations). */
long long hutil_mono_ms(void);

/* ---- processes ---------------------------------------------------------- */

/* Waits up to ms milliseconds for the child pid to end, and reaps it (its
 * wait status in *status).  Returns 1 when it ended, 0 when it still runs
 * after ms, -1 when it cannot be waited for (errno: ECHILD ...).  Woken by
 * the exit itself (a pidfd), not by a polling interval. */
int hutil_wait_child(pid_t pid, long ms, int *status);

/* ---- files -------------------------------------------------------------- */

/* hutil_slurp flags */
#define HUTIL_SLURP_REGULAR 1u /* refuse anything but a regular file (no FIFO, no device) */
#define HUTIL_SLURP_NO_WAIT 2u /* a FIFO nobody writes to reads as empty: the open never waits */

/* Reads the file at path whole, at most cap bytes (0: no cap beyond memory);
 * a FIFO or a device is read to its end unless flags has HUTIL_SLURP_REGULAR.
 * Returns a malloc'd buffer (free() it) holding the bytes plus a NUL after
 * them, the byte count in *len; or NULL with a one-line message in err
 * ("<path>: cannot open: No such file or directory", "<path>: over the
 * 1048576-byte limit", "<path>: is a directory", "<path>: not a regular
 * file").  *too_big, when not NULL, is set to 1 exactly when the file was
 * over the cap. */
char *hutil_slurp(const char *path, size_t cap, unsigned flags, size_t *len, int *too_big,
                  char *err, size_t errlen) __attribute__((warn_unused_result));

/* Replaces the file at path with data[0..len), atomically: writes
 * "<path>.tmp.<pid>" in the same directory (mode 0644 less the umask; a
 * symbolic link there is refused), fsyncs it, renames it over path and
 * fsyncs the directory.  On a failure before the rename the temp file is
 * removed and the old file is left as it was.  Returns 0, or -1 with a
 * one-line message in err (also when only the directory fsync failed: the new
 * file is then in place but the rename may not survive a crash). */
int hutil_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Writes data[0..len) to fd whole (a short write goes on, EINTR is retried);
 * 0, or -1 with errno set. */
int hutil_write_all(int fd, const void *data, size_t len);

/* hutil_write_atomic_ex flags */
#define HUTIL_WRITE_SCRATCH                                                                        \
  1u /* no fsync: a file of the run's own scratch directory (a case's                              \
        result), which only has to appear whole, never half-written;                               \
        a synced write costs ~3 ms here, more than the case */
/* hutil_write_atomic with flags (0: the same). */
int hutil_write_atomic_ex(const char *path, const void *data, size_t len, unsigned flags, char *err,
                          size_t errlen) __attribute__((warn_unused_result));

#endif
