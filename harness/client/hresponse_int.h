/* Internals shared by the two HTTP clients (hclient.c over libcurl, hconn.c
 * over a raw socket): how both fill an hclient_response, so that a response
 * reads the same whichever client fetched it. */
#ifndef HRESPONSE_INT_H
#define HRESPONSE_INT_H

#include <stddef.h>

#include "client/hclient.h"

/* Keeps the value v[0..vl) of header name[0..nl) when it is one the response
 * records (Content-Type, Allow, WWW-Authenticate, Date, Server; names compared
 * without case): trimmed of blanks (and a trailing CR/LF), NUL bytes as '?',
 * a repeated header joined with ", ", cut at HCLIENT_HEADER_VALUE_MAX.
 * Returns 1 when kept, 0 for any other header. */
int hresponse_keep_header(hclient_response *r, const char *name, size_t nl, const char *v,
                          size_t vl);

/* Appends p[0..n) to r->body (NUL-terminated, capacity *cap, grown as needed)
 * up to max_body bytes in all.  Returns 1 when all of it was taken; 0 when
 * the cap cut it (r->truncated set) or memory ran out (*nomem set). */
int hresponse_body_add(hclient_response *r, size_t *cap, size_t max_body, int *nomem,
                       const char *p, size_t n);

#endif
