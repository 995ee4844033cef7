/* hconn: a small raw HTTP/1.1 client for requests sent in order on one
 * connection (the "sequence" cases, and the endpoint fuzzer's requests to the
 * in-process mock), plain TCP (http:// only).
 *
 * Why not libcurl: libcurl hides exactly what these cases look for.  It
 * discards bytes a server sends after a HEAD answer or after an error
 * answer whose body it did not want, and it silently opens a new connection
 * when the old one misbehaves.  hconn writes each request's exact bytes and
 * reads each response with exact framing, so a server that answers before
 * reading the body and then parses that body as the next request, or sends a
 * body after HEAD, is seen doing it.
 *
 * Framing (RFC 9112 6.3): the status line and header lines (CRLF, or a bare
 * LF, as recipients may accept; obs-fold lines are unfolded), interim 1xx
 * answers skipped (at most HCONN_MAX_INTERIM), no body for HEAD, 1xx, 204
 * and 304; otherwise Transfer-Encoding ending in chunked (chunk sizes of at
 * most 15 hex digits, extensions and trailers capped), else Content-Length
 * (several values must agree), else the body ends with the connection.
 * Caps: HCLIENT_MAX_HEADERS bytes and HCONN_MAX_HEADER_LINES lines of header,
 * max_body bytes of body (past it: truncated, connection closed), one deadline
 * per exchange (connect + write + read).  Never hangs, memory is bounded.
 *
 * After a complete response hconn waits HCONN_QUIET_MS for more bytes (none
 * should come: the client has not sent another request): bytes that arrive
 * are "extra" (a mis-framed answer, or a body after HEAD); a clean close is
 * recorded (the next exchange opens a new connection and says so).
 * hconn_set_quiet_ms changes that wait; 0 skips it (only bytes that came
 * with the response's last read count as extra): for a peer known to frame
 * well where the rate matters (the endpoint fuzzer against the in-process
 * mock).  Unasked bytes that arrive later are then read as the start of the
 * next answer, which fails to parse or mismatches, and so are still seen.
 *
 * Threads: an hconn is used by one thread at a time. */
#ifndef HCONN_H
#define HCONN_H

#include <stddef.h>

#include "client/hclient.h"
#include "json/hjson.h"

#define HCONN_MAX_HEADER_LINES 1000
#define HCONN_MAX_INTERIM 16
#define HCONN_QUIET_MS 60
#define HCONN_EXTRA_KEEP 512 /* bytes kept of what came after a complete response */
#define HCONN_MSG_MAX 256

typedef struct hconn hconn;

typedef struct {
  const char *method;              /* "POST", "HEAD" ... */
  const char *target;              /* request target ("/public/v1/...") */
  const char *const *header_lines; /* "Name: value" lines (no CRLF), sent in order */
  size_t n_header_lines;
  const char *body; /* any bytes; NULL with body_len 0: none */
  size_t body_len;
} hconn_request;

typedef struct {
  hclient_response r;           /* status, headers, body, captured values, timed_out, error ... */
  int new_connection;           /* a connection was opened for this exchange */
  int reused;                   /* sent on a connection that carried an earlier exchange */
  int retried;                  /* the kept connection was closed before any answer: resent once */
  int server_closed;            /* the server closed the connection after the response */
  int connection_close;         /* the response carried Connection: close */
  int malformed;                /* the response did not parse (r.error says why) */
  int head;                     /* the request was HEAD */
  size_t extra_len;             /* bytes received after the complete response (capped count) */
  char extra[HCONN_EXTRA_KEEP]; /* the first of them, raw (extra_len may exceed it) */
  size_t extra_kept;
  char framing[HCONN_MSG_MAX]; /* one line: how the body was delimited */
} hconn_result;

/* A client for base_url (http://host[:port][/prefix]); NULL with err
 * (HCONN_MSG_MAX) when the URL is not a plain http:// URL.  Free with
 * hconn_free.  No connection is opened yet. */
hconn *hconn_new(const char *base_url, char *err) __attribute__((warn_unused_result));
void hconn_free(hconn *c);

/* host[:port] as the Host header carries it (static within c). */
const char *hconn_authority(const hconn *c);
/* host and port for a reproducer (nc HOST PORT). */
const char *hconn_host(const hconn *c);
int hconn_port(const hconn *c);

/* The wait for unasked bytes after each complete response, in ms (default
 * HCONN_QUIET_MS; 0: no wait, negative values count as 0). */
void hconn_set_quiet_ms(hconn *c, long ms);

/* Closes the current connection (the next exchange opens a new one). */
void hconn_close(hconn *c);

/* The exact bytes of the request head (request line, Host, User-Agent,
 * Accept, the given lines, Content-Length when there is a body or the method
 * is POST/PUT/PATCH, the empty line), appended to b.  The body follows it. */
void hconn_format_head(const hconn *c, const hconn_request *req, hbuf *b);

/* Sends req and reads its response into *out (overwritten; free with
 * hconn_result_free).  timeout_ms bounds the whole exchange, max_body the
 * body kept (0: HCLIENT_DEFAULT_MAX_BODY).  Returns 0 when a complete
 * response was read (it may still carry extra bytes), -1 otherwise
 * (out->r.transport_error / timed_out / malformed say why). */
int hconn_exchange(hconn *c, const hconn_request *req, long timeout_ms, size_t max_body,
                   hconn_result *out);

void hconn_result_free(hconn_result *res);

#endif
