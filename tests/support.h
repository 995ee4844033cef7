/* tests/support.h: what the test files share, written once (tests/support.c,
 * linked into every tests/test_*.c binary by tests/CMakeLists.txt).
 *
 * Processes and files.  The helpers that can fail in a way the test cannot
 * go on from assert (Criterion) and say what failed; the others return NULL
 * or -1 as documented.
 *   ts_run(cmd)               system(cmd)'s exit code, -1 when it did not exit
 *   ts_run_capture(cmd, &out) popen(cmd 2>&1)'s exit code; *out (when out is not
 *                             NULL) the whole output, malloc'd
 *   ts_spawn(path, argv, &fd) starts path with argv (NULL-terminated), stdin and
 *                             stderr on /dev/null, stdout on a pipe whose read
 *                             end is *fd (close it); returns the pid (asserts)
 *   ts_read_line(fd, buf, cap) reads until a newline is in, the end, or buf is
 *                             full; buf NUL-terminated; returns its length
 *   ts_slurp(path, &len)      a whole file, NUL-terminated, malloc'd; NULL if
 *                             unreadable (len may be NULL)
 *   ts_write_file(path, text) writes text (asserts)
 *   ts_write_bytes(path, p, n)
 *   ts_tmpdir(buf, cap, tag)  mkdtemp /tmp/apiharness-TAG-XXXXXX into buf (asserts);
 *                             removed at the process's exit if the test did not
 *                             (a failed assertion leaves no directory behind; a
 *                             child forked by the test leaves with _exit);
 *                             KEEP_DIR in the environment keeps them
 *   TS_RUNDIR(dir, rdir, tag) ts_tmpdir into the array dir, and its report
 *                             directory for a certify run, DIR/r, into the array
 *                             rdir (ts_certify writes DIR/r.out and DIR/r.err)
 *   ts_rmtree(dir)            removes dir and everything below it (asserts)
 *   ts_report(dir)            DIR/compliance.json parsed (asserts it exists and is JSON)
 *   ts_report_file(path)      the same for any JSON file
 *   ts_str(obj, key)          a string member, "" when absent
 *   ts_load_rules(path, &spec) the spec at path and its rules (asserts)
 *   ts_catalogue_selects(dir, filter, &total)
 *                             how many cases of DIR/catalogue.json (a report's
 *                             copy of the whole catalogue) certify --filter
 *                             selects (by id, requirement or class); *total (when
 *                             not NULL) the catalogue's size (asserts it is there)
 *   ts_seconds_since(&t0)     CLOCK_MONOTONIC seconds since t0
 *   ts_find(arr, key, val)    the first item of a JSON array whose string member
 *                             key is val, NULL when none (arr may be NULL)
 *   ts_count(arr, key, val)   how many items of arr have key == val
 *
 * Certify runs (those of test_certify, test_certify_run and test_options):
 *   ts_certify(rdir, env, fmt, ...)
 *                             runs `env ENV apiharness certify ARGS --report-dir
 *                             RDIR` (ENV: arguments of env(1), "VAR=value" or
 *                             "-u VAR", NULL or "" for none; ARGS the printf
 *                             format), stdout into RDIR.out, stderr
 *                             into RDIR.err (beside the report directory, so a
 *                             test that scans its directory sees the terminal
 *                             too); returns the exit code, -1 when it did not exit
 *   ts_mock(token, problem_json)
 *                             the mock of spec/create-api-token.openapi.json,
 *                             started in this process on a loopback port
 *                             (hmock_start; token NULL: no authentication;
 *                             problem_json: ASP.NET Core's problem+json 400s);
 *                             asserts; stop it with hmock_stop
 *   ts_certify_text(rdir, s)  RDIR.out (s "out"), RDIR.err (s "err") or both, out
 *                             first (s "all"), malloc'd, "" when there is none
 *   ts_tool(what, paths, pkg) the first executable of paths (NULL-terminated), or
 *                             NULL; under CI=true a missing tool fails the test
 *   TS_LSAN_CRITERION         the one LeakSanitizer suppression for Criterion's own
 *                             runner (a 48-byte leak inside libcriterion under
 *                             --jobs=2, no frame of ours); the apiharness processes
 *                             a test starts keep their own, unsuppressed checking
 *
 * The scripted loopback server (ts_server_*): a thread on 127.0.0.1, port 0,
 * that plays a list of answers, one per request, in order, over as many
 * connections as the client opens; see the declarations below. */
#ifndef TESTS_SUPPORT_H
#define TESTS_SUPPORT_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h> /* the files that include this one use WIFEXITED */
#include <time.h>

#include "rules/hrules.h"
#include "spec/hspec.h"

#define TS_LSAN_CRITERION                                                                          \
  const char *__lsan_default_suppressions(void);                                                   \
  const char *__lsan_default_suppressions(void) { return "leak:libcriterion.so\n"; }

/* ---- processes and files ---- */

int ts_run(const char *cmd);
int ts_run_capture(const char *cmd, char **out);
pid_t ts_spawn(const char *path, const char *const *argv, int *out);
size_t ts_read_line(int fd, char *buf, size_t cap);
char *ts_slurp(const char *path, size_t *len);
void ts_write_file(const char *path, const char *text);
void ts_write_bytes(const char *path, const void *data, size_t len);
void ts_tmpdir(char *buf, size_t cap, const char *tag);
#define TS_RUNDIR(dir, rdir, tag)                                                                  \
  (ts_tmpdir(dir, sizeof dir, tag), (void)snprintf(rdir, sizeof rdir, "%s/r", dir))
/* The names of the files in dir ending in suffix (".json"), sorted, at most
 * cap, each malloc'd (free() them); asserts that dir opens.  Data-driven tests
 * read their cases with it. */
size_t ts_list_files(const char *dir, const char *suffix, char **names, size_t cap);
void ts_rmtree(const char *dir);
cJSON *ts_report(const char *dir);
cJSON *ts_report_file(const char *path);
const char *ts_str(const cJSON *obj, const char *key);
int ts_catalogue_selects(const char *rdir, const char *filter, int *total);
/* The spec at path and its rules (asserts both load); free the rules, then
 * the spec. */
hrules *ts_load_rules(const char *spec_path, hspec **spec);
double ts_seconds_since(const struct timespec *t0);
const cJSON *ts_find(const cJSON *arr, const char *key, const char *val);
int ts_count(const cJSON *arr, const char *key, const char *val);
/* bin: the apiharness to run; APIHARNESS_BIN is defined for the test files
 * only (tests/CMakeLists.txt), hence the macro */
int ts_certify_with(const char *bin, const char *rdir, const char *env, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define ts_certify(rdir, env, ...) ts_certify_with(APIHARNESS_BIN, rdir, env, __VA_ARGS__)
char *ts_certify_text(const char *rdir, const char *stream);
struct hmock;
struct hmock *ts_mock_with(const char *spec, const char *token, int problem_json);
#define ts_mock(token, problem_json)                                                               \
  ts_mock_with(TEST_SOURCE_DIR "/spec/create-api-token.openapi.json", token, problem_json)
const char *ts_tool(const char *what, const char *const *paths, const char *package);

/* ---- the scripted loopback server ---- */

/* A listening socket on 127.0.0.1, port 0 (asserts); its port in *port.  A
 * server that never accepts (connections complete in the kernel, no byte
 * comes back), or, closed at once, a port nobody listens on. */
int ts_listen_loopback(int *port);

/* What the server reads before it answers. */
typedef enum {
  TS_READ_REQUEST = 0, /* the head and its Content-Length body (the default) */
  TS_READ_HEAD,        /* the head only: the body stays unread on the connection */
  TS_READ_NONE,        /* nothing: answer at once (as soon as the connection is there) */
} ts_read;

/* The bytes of an answer computed from the request (see ts_answer.respond). */
typedef struct ts_reply ts_reply;
void ts_reply_add(ts_reply *reply, const char *bytes, size_t len);

/* Called on the server's thread with the bytes read for the answer (the
 * request, NUL-terminated, up to TS_REQUEST_MAX); writes the answer with
 * ts_reply_add.  It must not use Criterion's asserts (they belong to the
 * test's thread): the test checks what the server recorded instead. */
typedef void (*ts_respond)(void *ud, const char *request, size_t len, ts_reply *reply);

/* One answer.  The head is peeked before it is read, so nothing past the
 * request is consumed: what the client sends next (a pipelined request, an
 * unread body) is there for the next answer. */
typedef struct {
  const char *bytes; /* written verbatim (may be NULL when len is 0) */
  size_t len;
  ts_respond respond; /* when set: its reply is written instead of bytes */
  void *ud;           /* respond's first argument */
  ts_read read;
  int close_after;  /* close the connection after this answer */
  int stall;        /* read, then answer nothing and hold the connection until stop */
  int trickle_ms;   /* > 0: the bytes one at a time, trickle_ms apart */
  char flood;       /* after bytes: flood_len copies of this byte, written as */
  size_t flood_len; /* fast as the client reads (a body without end) */
} ts_answer;

/* An answer of a string literal, read a whole request first (and close the
 * connection after it). */
#define TS_ANSWER(text)                                                                            \
  { .bytes = (text), .len = sizeof(text) - 1 }
#define TS_ANSWER_CLOSE(text)                                                                      \
  { .bytes = (text), .len = sizeof(text) - 1, .close_after = 1 }

typedef struct ts_server ts_server;

/* Starts the server on a loopback port with a copy of answers[0..n) (the
 * bytes they point to must outlive the server).  A connection the client
 * closes before a whole request is dropped and the next one accepted, the
 * answer kept.  With repeat_last, the last answer serves every later request;
 * without, once the list is played the server shuts its side of the
 * connection (the client reads an end of file), reads until the client
 * closes, and accepts nothing more.  Asserts on failure; free with
 * ts_server_free. */
ts_server *ts_server_start(const ts_answer *answers, size_t n, int repeat_last);

/* The port, and "http://127.0.0.1:PORT" (no trailing slash). */
int ts_server_port(const ts_server *s);
const char *ts_server_url(const ts_server *s);

/* How many answers have been given (requests read, TS_READ_NONE counted),
 * and how many connections accepted; safe while the server runs. */
size_t ts_server_requests(ts_server *s);
int ts_server_accepted(ts_server *s);

/* The bytes read for answer k (the request, or its head), NUL-terminated,
 * kept up to TS_REQUEST_MAX bytes (the rest is read and counted in *len);
 * "" for TS_READ_NONE or when k is out of range.  len may be NULL. */
#define TS_REQUEST_MAX 16384
const char *ts_server_request(ts_server *s, size_t k, size_t *len);

/* Stops the server: wakes it wherever it waits (accept, read, write, stall),
 * closes its connection and joins the thread.  Idempotent; what was recorded
 * stays readable until ts_server_free. */
void ts_server_stop(ts_server *s);

/* Stops (when still running) and frees the server.  NULL is allowed. */
void ts_server_free(ts_server *s);

/* ---- a listener for servers that need concurrent connections ----
 *
 * ts_server plays one connection at a time.  A test whose server must hold
 * several connections at once (keep-alive clients in parallel, a peer that
 * stalls one connection while others go on) writes the connection's side as
 * a handler, and ts_listener accepts on 127.0.0.1, port 0, and runs each
 * connection's handler on a thread of its own.  The handler owns nothing: the
 * listener closes the socket when the handler returns.  Like a ts_respond,
 * it must not use Criterion's asserts; it ends when the peer leaves, or soon
 * after ts_listener_stopping says so (stop also shuts the sockets down, so a
 * blocked recv or send returns at once). */
typedef struct ts_listener ts_listener;
typedef void (*ts_handler)(void *ud, int fd, ts_listener *l);

/* Starts accepting (asserts on failure); free with ts_listener_free. */
ts_listener *ts_listener_start(ts_handler handler, void *ud);
int ts_listener_port(const ts_listener *l);
/* 1 once ts_listener_stop has been called. */
int ts_listener_stopping(ts_listener *l);
/* Connections accepted so far. */
int ts_listener_accepted(ts_listener *l);
/* Stops accepting, wakes every handler and joins them all: after it no
 * handler runs (what they share can be freed).  Idempotent. */
void ts_listener_stop(ts_listener *l);
/* Stops (when still running) and frees.  NULL is allowed. */
void ts_listener_free(ts_listener *l);

/* Builds a header flood: status_line (with its CRLF), n lines "X-<i>: a\r\n"
 * (i from 0), then tail.  Returns the bytes (malloc'd, free them), *len their
 * count. */
char *ts_header_flood(const char *status_line, size_t n, const char *tail, size_t *len);

#endif
