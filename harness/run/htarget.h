/* htarget: the target of a certification run, below the CLI.
 *
 *  - htarget_check_url validates a --base-url with libcurl's URL API before
 *    anything runs: scheme http or https, a host, a port in 1..65535, no query
 *    or fragment.  Credentials in the URL (user:password@) are removed from the
 *    URL the run uses and never printed (the error messages never quote the
 *    URL).
 *  - htarget_mock_start / htarget_mock_stop run the embedded mock in its own
 *    process, forked while the caller is still single-threaded (certify forks
 *    a child per case; forking a process with server threads could leave a
 *    child blocked on an allocator lock).  The mock stops when its lifeline
 *    (a pipe) closes, so it never outlives certify. */
#ifndef HTARGET_H
#define HTARGET_H

#include <stddef.h>
#include <sys/types.h>

#include "client/hclient.h"
#include "mock/hmock.h"

#define HTARGET_MSG_MAX 256

/* 0 with the URL to use in clean (credentials removed, cap bytes; *had_credentials
 * set when some were removed), -1 with a one-line err (never quoting the URL). */
int htarget_check_url(const char *url, char *clean, size_t cap, int *had_credentials, char *err,
                      size_t errcap);

/* Reachability: one GET of base_url + path; any HTTP answer will do, and so
 * does a connection that gives none (silence, garbage: the cases judge that,
 * timeouts are failures).  0, or -1 with a one-line err ("<url> is
 * unreachable: ..." or a libcurl setup error) when nothing could be reached. */
int htarget_probe(const char *base_url, const char *path, const hclient_options *co, char *err,
                  size_t errcap);

typedef struct {
  pid_t pid;   /* 0: none */
  int life_fd; /* write end the mock process watches: closing it stops the mock */
} htarget_mock;

/* Starts the mock process; 0 and *port, or -1 with err filled. */
int htarget_mock_start(const hmock_options *mo, htarget_mock *mp, int *port, char *err,
                       size_t errlen);
/* Stops it (closes its lifeline, waits up to 5 s, then kills).  Idempotent. */
void htarget_mock_stop(htarget_mock *mp);

/* A random bearer token (URL-safe, 43 characters) from /dev/urandom into
 * buf (cap >= 48); 0, or -1 when no randomness could be read. */
int htarget_random_token(char *buf, size_t cap);

#endif
