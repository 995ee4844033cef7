/* hclient: the libcurl client of the harness (the case runner built on it is
 * client/hrun.h).
 *
 * One template CURL easy handle per process (or thread).  hclient_setup puts
 * the options that never change on it and attaches a multi handle (owned
 * through CURLOPT_PRIVATE) whose connection cache keeps the connection alive
 * between requests.  hclient_perform runs each request on a fresh
 * curl_easy_duphandle copy of the template inside that multi handle (libcurl
 * 7.88 keeps a freed header across transfers of one handle: see
 * hclient.c), with the per-request options set on the copy.  The copy keeps
 * every option of the template, socket callbacks included, so a template
 * whose socket comes from CURLOPT_OPENSOCKETFUNCTION (a harness feeding raw
 * HTTP responses) keeps that callback.  tests/test_client.c drives it that way against a loopback
 * TCP peer that answers canned bytes.  (Observed with libcurl 7.88: an AF_UNIX socketpair end
 * returned from the callback, even with CURLOPT_SOCKOPTFUNCTION answering
 * CURL_SOCKOPT_ALREADY_CONNECTED, ends in "Couldn't connect to server" for an http://127.0.0.1 URL;
 * use a connected TCP socket.)
 *
 *   CURL *h = curl_easy_init();
 *   hclient_setup(h, &opts);                       // timeouts, caps, TLS
 *   curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, my_socket_cb);
 *   hclient_response r; hclient_response_init(&r);
 *   hclient_perform(h, &opts, &req, &r);           // fills r, never hangs
 *   ... hjudge_response jr = hclient_judge_view(&r); ...
 *   hclient_response_free(&r);
 *
 * Settings (hclient_setup): CURLOPT_NOSIGNAL, CURLOPT_TIMEOUT_MS (the whole
 * request), CURLOPT_CONNECTTIMEOUT_MS, redirects are NOT followed (so an
 * Authorization header can never travel to another host;
 * CURLOPT_UNRESTRICTED_AUTH stays off), TLS peer and host verification on
 * (CURLOPT_CAINFO for --cacert; off only with insecure=1), HTTP and HTTPS only.
 * Per request: "Expect:" removed (no 100-continue), the body sent with
 * CURLOPT_POSTFIELDS + CURLOPT_POSTFIELDSIZE_LARGE (any bytes, NUL included),
 * the response body kept up to max_body bytes (past the cap: truncated = 1 and
 * the transfer is stopped), response headers kept up to HCLIENT_MAX_HEADERS
 * bytes (past it: the transfer is stopped and reported as a transport error).
 *
 * Secrets: the bearer token is only put in the Authorization header sent; it
 * is never stored in the response or the evidence.  hclient_redact_* replace
 * it, and the token values of 201 bodies, before anything is written.
 *
 * Each request runs on a fresh curl_easy_duphandle copy of h inside a multi
 * handle that hclient_setup attaches to h (through CURLOPT_PRIVATE, which is
 * therefore reserved): the multi's connection cache keeps the connection
 * alive, and no per-transfer libcurl state survives from one response to the
 * next (libcurl 7.88's header store keeps a freed header between transfers of
 * one handle: a hostile response starting with a folded header line would
 * corrupt the heap).  Free h with hclient_cleanup, not curl_easy_cleanup.
 *
 * Threads: a handle is used by one thread at a time; curl_global_init must
 * have been called (hclient_global_init does it once per process). */
#ifndef HCLIENT_H
#define HCLIENT_H

#include <curl/curl.h>
#include <stddef.h>

#include "judge/hjudge.h"

#define HCLIENT_DEFAULT_TIMEOUT_MS 5000L
#define HCLIENT_DEFAULT_MAX_BODY ((size_t)4 << 20) /* 4 MiB of response body */
#define HCLIENT_MAX_HEADERS ((size_t)64 << 10)     /* 64 KiB of response headers */
#define HCLIENT_MSG_MAX 256
#define HCLIENT_HEADER_VALUE_MAX 512 /* bytes kept of one captured header value */
#define HCLIENT_MAX_REQ_HEADERS 8

typedef struct {
  long timeout_ms;    /* 0: HCLIENT_DEFAULT_TIMEOUT_MS */
  size_t max_body;    /* 0: HCLIENT_DEFAULT_MAX_BODY */
  const char *cacert; /* PEM file of a private CA, or NULL */
  int insecure;       /* 1: no TLS verification (only when asked) */
} hclient_options;

typedef struct {
  const char *method;       /* "POST", "GET", "HEAD", "BREW" ... */
  const char *url;          /* full URL */
  const char *content_type; /* NULL: no Content-Type header at all */
  const char *bearer;       /* NULL: no Authorization header */
  const char *body;         /* may hold any bytes; NULL with body_len 0: no body */
  size_t body_len;
} hclient_request;

/* One response.  Header values are NUL-terminated copies (cut to
 * HCLIENT_HEADER_VALUE_MAX), "" when absent (see the has_ flags). */
typedef struct {
  int status; /* 0: no HTTP response */
  int timed_out;
  int transport_error;
  char error[HCLIENT_MSG_MAX]; /* one line when timed_out / transport_error */
  char content_type[HCLIENT_HEADER_VALUE_MAX];
  char allow[HCLIENT_HEADER_VALUE_MAX];
  char www_authenticate[HCLIENT_HEADER_VALUE_MAX];
  char date[HCLIENT_HEADER_VALUE_MAX];
  char server[HCLIENT_HEADER_VALUE_MAX];
  int has_content_type, has_allow, has_www_authenticate, has_date, has_server;
  char *headers; /* the raw response header block (malloc'd, capped), may be NULL */
  size_t headers_len;
  char *body; /* malloc'd, NUL-terminated after body_len; may be NULL when empty */
  size_t body_len;
  int truncated;        /* the body was longer than max_body */
  long time_ms;         /* total time of the transfer */
  long new_connections; /* connections opened for it (0: an existing one was reused) */
  int connected;        /* a connection to the server existed (new or reused) */
  int upload_aborted;   /* transport error while the request body was not fully sent */
} hclient_response;

/* curl_global_init once per process (idempotent, not thread-safe: call it from
 * main before starting threads).  0 on success. */
int hclient_global_init(void);

/* Options that do not change between requests.  0 on success, otherwise a
 * CURLcode with msg (HCLIENT_MSG_MAX) filled. */
int hclient_setup(CURL *h, const hclient_options *opts, char *msg);

/* Frees h and the multi handle hclient_setup attached to it; use it
 * instead of curl_easy_cleanup on a handle given to hclient_setup. */
void hclient_cleanup(CURL *h);

void hclient_response_init(hclient_response *r);
/* Frees the buffers and re-initialises r. */
void hclient_response_free(hclient_response *r);

/* Performs one request on h (set up with hclient_setup) and fills *resp
 * (hclient_response_init'ed or freed before).  Never blocks longer than the
 * timeout.  Returns the CURLcode (CURLE_OK when an HTTP response came back,
 * whatever its status; a truncated body is CURLE_OK with truncated = 1). */
int hclient_perform(CURL *h, const hclient_options *opts, const hclient_request *req,
                    hclient_response *resp);

/* hclient_perform with more header lines ("Name: value", no CR/LF), sent as
 * given after Content-Type and the bearer (a line with an empty value is sent
 * as "Name:" with nothing after it; the Authorization lines of the auth
 * variants travel here). */
int hclient_perform_lines(CURL *h, const hclient_options *opts, const hclient_request *req,
                          const char *const *lines, size_t n_lines, hclient_response *resp);

/* The judge's view of a response: pointers into r (valid while r lives). */
hjudge_response hclient_judge_view(const hclient_response *r);

/* A malloc'd copy of text[0..len) (NUL-terminated) with every occurrence of
 * each secret in secrets[0..n) (non-NULL, at least 4 bytes long; also when
 * written with JSON or percent escapes) replaced by "<redacted>", and the
 * string value of every JSON member "token" cut to its first 4 characters
 * followed by "...<redacted>".  *out_len gets the length.  NULL when out of
 * memory.  The same policy as hsanitize (hsanitize_redact). */
char *hclient_redact(const char *text, size_t len, const char *const *secrets, size_t n,
                     size_t *out_len);

#endif
