/* hjournal: how a conformance test process hands its entries' results back
 * to certify.
 *
 * A batch test (conformance/conformance.c) appends to one file,
 * <work>/b<first>.jnl, where first is the batch's first plan entry:
 *
 *   "S <index>\n"                         entry <index> is starting
 *   "R <index> <len>\n" <len bytes> "\n"  its result (compact JSON)
 *
 * Each record goes out in one write(2) on an O_APPEND descriptor; nothing is
 * synced (scratch: whole or absent, not durable).  An entry with an S record
 * and no complete R record ended its process (crash, or the watchdog): the
 * runner reports it as an error.  A record cut by a crash is never half-read:
 * the reader takes complete records only.
 *
 * Why one file per batch and not a file per entry: two creations and a rename
 * per case, 1,500 for the default catalogue, spent more than half of all
 * certify's CPU in the kernel on ext4 (directory lock contention and inode
 * allocation), 1.8 s of system time per run. */
#ifndef HJOURNAL_H
#define HJOURNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "json/hjson.h"

/* The largest result record the reader accepts (a bigger length is a corrupt
 * journal: the reader stops there). */
#define HJOURNAL_RECORD_MAX ((size_t)64 << 20)

/* ---- writing (the test process) ---- */

/* Opens (creating, appending) the journal of the batch starting at `first`;
 * the descriptor, or -1 with errno set. */
int hjournal_open(const char *work, size_t first);

/* Appends the start record of entry `index`; 0, or -1 with errno set. */
int hjournal_started(int fd, size_t index);

/* Appends the result record of entry `index` (text[0..len), compact JSON);
 * 0, or -1 with errno set. */
int hjournal_result(int fd, size_t index, const char *text, size_t len);

/* ---- reading (certify) ---- */

typedef struct {
  size_t first; /* the batch */
  int fd;       /* -1 until the file exists */
  int corrupt;  /* a malformed record was met: nothing further is read */
  hbuf pending; /* bytes of a record not complete yet */
} hjournal_reader;

/* What a record says: kind 'S' (text NULL) or 'R' (text[0..len), not
 * NUL-terminated, valid during the call). */
typedef void (*hjournal_fn)(void *ctx, char kind, size_t index, const char *text, size_t len);

void hjournal_reader_init(hjournal_reader *r, size_t first);
/* Reads what was appended since the last call and calls fn for each complete
 * record.  0, or -1 when the file is unreadable or a record is malformed (the
 * reader then stops for good: r->corrupt). */
int hjournal_poll(hjournal_reader *r, const char *work, hjournal_fn fn, void *ctx);
void hjournal_reader_free(hjournal_reader *r);

#endif
