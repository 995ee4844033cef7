/* herr: the one error struct of the harness.
 *
 * A function that can fail takes an `herr *err` and fills it on failure:
 * `code` is the layer's reason (an enum of that layer, e.g. hspec_code; 0 when
 * the layer has only one kind of failure) and `msg` one line naming what went
 * wrong and where ("spec.json: $ref '#/components/schemas/Nope' at
 * #/paths/...: no such target").  The spec loader, the schema compiler, the
 * rules and the case generator use it.
 *
 * The return convention: an operation that can fail returns 0, or -1 with
 * its herr filled (a constructor returns its object, or NULL with the herr
 * filled).  Booleans return 1/0: predicates ("is valid", "holds a secret"),
 * and the appends to a buffer with a sticky failure flag (hbuf_add ...:
 * 1 while the buffer is good), whose caller checks the flag once at the end.
 *
 * The strict JSON reader keeps its own hjson_error: it is a position report
 * (a static message, the byte offset and the JSON pointer of the value being
 * read) that its callers turn into an herr message. */
#ifndef HERR_H
#define HERR_H

#define HERR_MSG_MAX 512

typedef struct {
  int code;               /* the layer's reason; 0 when it has none */
  char msg[HERR_MSG_MAX]; /* one line: what and where */
} herr;

#endif
