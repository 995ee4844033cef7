/* herr: the one error struct of the harness.
 *
 * A function that can fail takes an `herr *err` and fills it on failure:
 * `code` is the layer's reason (an enum of that layer, e.g. hspec_code; 0 when
 * the layer has only one kind of failure) and `msg` one line naming what went
 * wrong and where ("spec.json: $ref '#/components/schemas/Nope' at
 * #/paths/...: no such target").  The spec loader, the schema compiler, the
 * rules and the case generator use it.
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
