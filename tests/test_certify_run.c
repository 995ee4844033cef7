/* apiharness certify, the run itself: SIGINT/SIGTERM stop a run cleanly (an
 * interrupted report, no work directory left, reports/latest untouched),
 * partial runs say so (--filter by case id, requirement id or class,
 * --max-creates), a filter that matches nothing is a usage error, and the
 * preflight tells setup mistakes (wrong base path, missing token, refused
 * connection, a service that is not HTTP) from a broken server.
 *
 * certify runs as a child process against the embedded mock, the mock started
 * in this process, or tiny loopback servers (one behaviour each). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fnmatch.h>
#include <glob.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mock/hmock.h"
#include "report/hreport.h"
#include "run/hjournal.h"
#include "support.h"

#define SECRET "apiharness-run-SECRET-0815"

TS_LSAN_CRITERION

/* ---- helpers ---- */

static double num(const cJSON *o, const char *k) {
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static int is_true(const cJSON *o, const char *k) {
  return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts `sh -c CMD`; CMD ends with "exec env ... apiharness ..." so that the
 * pid is certify's own. */
static pid_t spawn(const char *cmd) {
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  return pid;
}

/* /proc/PID/<name>'s bytes (NUL-terminated; at most cap - 1), 0 when it cannot
 * be read (the process is gone). */
static size_t proc_file(long pid, const char *name, char *buf, size_t cap) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/%s", pid, name);
  FILE *f = fopen(path, "r"); /* /proc files have no size: read, not seek */
  if (!f)
    return 0;
  size_t n = fread(buf, 1, cap - 1, f);
  fclose(f);
  buf[n] = '\0';
  return n;
}

/* Until no signal is pending for pid (its handler took it), at most 2 s. */
static void wait_delivered(pid_t pid) {
  for (int i = 0; i < 2000; i++) {
    char st[8192];
    if (!proc_file(pid, "status", st, sizeof st))
      return;
    const char *a = strstr(st, "SigPnd:"), *b = strstr(st, "ShdPnd:");
    int pending = !a || !b || strtoull(a + 7, NULL, 16) || strtoull(b + 7, NULL, 16);
    if (!pending)
      return;
    usleep(1000);
  }
}

/* The CPU time pid has used, in clock ticks (utime + stime); -1 when gone. */
static long cpu_ticks(pid_t pid) {
  char st[2048];
  if (!proc_file(pid, "stat", st, sizeof st))
    return -1;
  const char *p = strrchr(st, ')'); /* the command name may hold anything */
  unsigned long ut = 0, sy = 0;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &sy) != 2)
    return -1;
  return (long)(ut + sy);
}

/* 1 when the environment of pid holds the variable assignment want. */
static int env_has(long pid, const char *want) {
  static char env[1 << 16];
  size_t len = proc_file(pid, "environ", env, sizeof env);
  for (size_t k = 0; k < len; k += strlen(env + k) + 1)
    if (!strcmp(env + k, want))
      return 1;
  return 0;
}

/* The embedded mock of the certify process pid: its child that is not a
 * process of the suites (those carry the plan in their environment); 0 when
 * there is none yet. */
static pid_t embedded_mock(pid_t pid, const char *work) {
  char path[64], kids[4096], want[700];
  snprintf(path, sizeof path, "task/%d/children", (int)pid);
  snprintf(want, sizeof want, "APIHARNESS_PLAN=%s/plan.json", work);
  if (!proc_file(pid, path, kids, sizeof kids))
    return 0;
  for (char *p = kids, *end; *p; p = end) {
    long kid = strtol(p, &end, 10);
    if (end == p)
      break;
    if (kid > 0 && !env_has(kid, want))
      return (pid_t)kid;
  }
  return 0;
}

/* The exit status of pid, waiting at most ms (-1: still running, killed). */
static int wait_exit(pid_t pid, long ms) {
  long long until = now_ms() + ms;
  int st;
  while (now_ms() < until) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    usleep(5000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  return -1;
}

/* The work directory of a run: the one whose plan.json holds needle (the
 * target's "127.0.0.1:<port>" or the path of the run's own spec copy).  The
 * runs are started with TMPDIR=<the test's directory>, where certify makes its
 * work directory; /tmp is searched too. */
static int find_work_dir_by(const char *tmpdir, const char *needle, char *out, size_t cap) {
  char pat[200];
  int found = 0;
  for (int k = 0; k < 2 && !found; k++) {
    snprintf(pat, sizeof pat, "%s/apiharness-certify-*", k ? "/tmp" : tmpdir);
    glob_t g;
    if (glob(pat, GLOB_NOSORT, NULL, &g) != 0)
      continue;
    for (size_t i = 0; i < g.gl_pathc && !found; i++) {
      char plan[1200];
      snprintf(plan, sizeof plan, "%s/plan.json", g.gl_pathv[i]);
      char *text = ts_slurp(plan, NULL);
      if (text && strstr(text, needle)) {
        snprintf(out, cap, "%s", g.gl_pathv[i]);
        found = 1;
      }
      free(text);
    }
    globfree(&g);
  }
  return found;
}

static int find_work_dir(const char *tmpdir, int port, char *out, size_t cap) {
  char needle[64];
  snprintf(needle, sizeof needle, "127.0.0.1:%d\"", port);
  return find_work_dir_by(tmpdir, needle, out, cap);
}

static void count_result(void *ctx, char kind, size_t index, const char *text, size_t len) {
  (void)index;
  (void)text;
  (void)len;
  *(int *)ctx += kind == 'R';
}

/* The entries with a result in a work directory: the result records of its
 * batch journals, <work>/b<first>.jnl (run/hjournal.h). */
static int results_in(const char *work) {
  char pat[600];
  snprintf(pat, sizeof pat, "%s/b*.jnl", work);
  glob_t g;
  int n = 0;
  if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; i++) {
      hjournal_reader r;
      hjournal_reader_init(&r, (size_t)strtoul(strrchr(g.gl_pathv[i], '/') + 2, NULL, 10));
      hjournal_poll(&r, work, count_result, &n);
      hjournal_reader_free(&r);
    }
    globfree(&g);
  }
  return n;
}

/* How many live processes run the plan of work (certify starts the suites
 * with APIHARNESS_PLAN=<work>/plan.json in their environment; zombies do not
 * count: they send nothing). */
static int run_processes(const char *work) {
  char want[700];
  snprintf(want, sizeof want, "APIHARNESS_PLAN=%s/plan.json", work);
  glob_t g;
  int n = 0;
  if (glob("/proc/[0-9]*", GLOB_NOSORT, NULL, &g) != 0)
    return 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    long pid = strtol(g.gl_pathv[i] + 6, NULL, 10);
    char st[512];
    if (!proc_file(pid, "stat", st, sizeof st))
      continue;
    const char *p = strrchr(st, ')');
    n += p && p[2] != 'Z' && p[2] != 'X' && env_has(pid, want);
  }
  globfree(&g);
  return n;
}

/* After a run ended: none of its processes is left (at most 5 s to go), and
 * the server's request count comes to rest (what the killed processes had
 * queued on its listening socket is read and dropped, then nothing more). */
static void expect_run_stopped(const char *work, ts_server *s) {
  long long until = now_ms() + 5000;
  while (now_ms() < until && run_processes(work) > 0)
    usleep(5000);
  cr_expect_eq(run_processes(work), 0, "processes of the run live on after it ended");
  if (!s)
    return;
  size_t before = ts_server_requests(s);
  long long quiet = now_ms() + 250;
  until = now_ms() + 5000;
  while (now_ms() < quiet && now_ms() < until) {
    usleep(10000);
    size_t now = ts_server_requests(s);
    if (now != before) { /* a queued request: the quiet window starts again */
      before = now;
      quiet = now_ms() + 250;
    }
  }
  cr_expect_lt(now_ms(), until, "requests went on after the run stopped");
}

static int port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons((uint16_t)port);
  int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
  close(fd);
  return ok;
}

/* ---- loopback servers with one behaviour each (tests/support.c) ---- */

#define PROBLEM_ANSWER(status, extra)                                                              \
  "HTTP/1.1 " #status " X\r\nContent-Type: application/problem+json\r\nContent-Length: 26\r\n"     \
  "Connection: close\r\n" extra "\r\n{\"title\":\"x\",\"status\":" #status "}"

/* every request: 404 */
static const ts_answer answer_404 = TS_ANSWER_CLOSE(PROBLEM_ANSWER(404, ""));
/* every request: 401 */
static const ts_answer answer_401 =
    TS_ANSWER_CLOSE(PROBLEM_ANSWER(401, "WWW-Authenticate: Bearer\r\n"));
/* every request: 400 problem, a byte a millisecond (over 100 ms an answer;
 * the server answers one connection at a time, so the catalogue would take
 * a minute: a run is always mid-catalogue when the test signals it) */
static const ts_answer answer_slow = {.bytes = PROBLEM_ANSWER(400, ""),
                                      .len = sizeof PROBLEM_ANSWER(400, "") - 1,
                                      .close_after = 1,
                                      .trickle_ms = 1};
/* a line that is not HTTP, at once, then close */
static const ts_answer answer_garbage = {
    .bytes = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\nProtocol mismatch.\r\n",
    .len = sizeof "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\nProtocol mismatch.\r\n" - 1,
    .read = TS_READ_NONE,
    .close_after = 1};

/* A server giving answer a to every request. */
static ts_server *server_start(const ts_answer *a) { return ts_server_start(a, 1, 1); }

/* certify --base-url http://127.0.0.1:PORT MORE with env, its report directory
 * DIR/r in rdir (80 bytes), in the test directory dir (64 bytes; made when
 * dir is "", reused after); returns the exit code. */
static int certify_port(char *dir, char *rdir, const char *env, int port, const char *more) {
  if (!dir[0])
    ts_tmpdir(dir, 64, "crun");
  snprintf(rdir, 80, "%s/r", dir);
  return ts_certify(rdir, env, "--base-url http://127.0.0.1:%d %s", port, more);
}

/* Polls until the run against s has its work directory and at least n
 * results (at most 30 s, asserted); the directory in work. */
static void wait_results(const char *dir, ts_server *s, int n, char *work, size_t cap) {
  long long until = now_ms() + 30000;
  work[0] = '\0';
  while (now_ms() < until && !find_work_dir(dir, ts_server_port(s), work, cap))
    usleep(5000);
  cr_assert(work[0], "no work directory appeared for the run");
  while (now_ms() < until && results_in(work) < n)
    usleep(5000);
  cr_assert_geq(results_in(work), n, "fewer than %d cases finished", n);
}

/* ---- interruption ---- */

Test(certify_run, sigint_during_the_cases_writes_an_interrupted_report, .timeout = 120) {
  ts_server *s = server_start(&answer_slow);
  char dir[64], cmd[1024];
  ts_tmpdir(dir, sizeof dir, "crun");
  /* reports/latest of an earlier run, which an interrupted run leaves alone */
  snprintf(cmd, sizeof cmd, "mkdir -p %s/reports/old && ln -s old %s/reports/latest", dir, dir);
  cr_assert_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd,
           "cd %s && exec env TMPDIR=%s HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --base-url http://127.0.0.1:%d --no-preflight --jobs 2 --explore 5 "
           ">%s/out 2>%s/err",
           dir, dir, ts_server_port(s), dir, dir);
  pid_t pid = spawn(cmd);
  char work[512];
  wait_results(dir, s, 3, work, sizeof work);
  int seen = results_in(work);
  cr_assert_gt(run_processes(work), 0, "the suites are not running");
  kill(pid, SIGINT);
  int rc = wait_exit(pid, 20000);
  cr_expect_eq(rc, 130, "an interrupted run exits 130 (see %s/err)", dir);
  cr_expect_not(exists(work), "the work directory %s is left behind", work);
  /* no request after the run ended: the case processes were stopped */
  expect_run_stopped(work, s);
  /* reports/latest still points at the earlier run */
  char link[600], target[256] = "";
  snprintf(link, sizeof link, "%s/reports/latest", dir);
  ssize_t n = readlink(link, target, sizeof target - 1);
  cr_expect_gt(n, 0);
  target[n > 0 ? n : 0] = '\0';
  cr_expect_str_eq(target, "old", "reports/latest moved to %s", target);
  /* the report of the run: the cases that finished, marked interrupted */
  snprintf(cmd, sizeof cmd, "%s/reports/2*/compliance.json", dir);
  glob_t g;
  cr_assert_eq(glob(cmd, 0, NULL, &g), 0, "no report written");
  cr_assert_eq(g.gl_pathc, 1);
  char rdir[600];
  snprintf(rdir, sizeof rdir, "%.*s", (int)(strlen(g.gl_pathv[0]) - strlen("/compliance.json")),
           g.gl_pathv[0]);
  globfree(&g);
  cJSON *r = ts_report(rdir);
  cr_expect_str_eq(ts_str(r, "verdict"), "incomplete");
  cr_expect(is_true(r, "interrupted"));
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "summary");
  int ran = (int)num(sum, "cases");
  cr_expect_geq(ran, seen, "the %d cases seen finished before the signal are reported", seen);
  int total;
  ts_catalogue_selects(rdir, "*", &total);
  cr_expect_eq((int)num(r, "cases_not_run"), total - ran, "the run stopped scheduling cases");
  cr_expect_gt(total - ran, 0, "the run was interrupted before its end");
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "cases")), ran);
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "cases")->child; c; c = c->next)
    cr_expect_str_neq(ts_str(c, "status"), "error", "%s: an interrupted case is not an error",
                      ts_str(c, "id"));
  /* the explore phase never started */
  cr_expect(
      strstr(ts_str(cJSON_GetObjectItemCaseSensitive(r, "explore"), "skipped"), "interrupted"));
  snprintf(cmd, sizeof cmd, "%s/out", dir);
  char *out = ts_slurp(cmd, NULL);
  cr_expect(out && strstr(out, "verdict: INCOMPLETE (interrupted:"), "%s", out ? out : "");
  free(out);
  /* the views are written too */
  snprintf(cmd, sizeof cmd, "%s/compliance.html", rdir);
  cr_expect(exists(cmd));
  cJSON_Delete(r);
  ts_server_free(s);
  ts_rmtree(dir);
}

Test(certify_run, sigterm_during_explore_stops_explore_and_the_mock, .timeout = 180) {
  char dir[64], cmd[1024];
  ts_tmpdir(dir, sizeof dir, "crun");
  snprintf(cmd, sizeof cmd,
           "cp " TEST_SOURCE_DIR "/spec/create-api-token.openapi.json %s/spec.json", dir);
  cr_assert_eq(ts_run(cmd), 0);
  /* one case, then an explore phase that would never end by itself */
  snprintf(
      cmd, sizeof cmd,
      "exec env TMPDIR=%s HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
      " certify --spec %s/spec.json --filter 'pos.minimal' --explore 10000000 --report-dir %s/r "
      ">%s/out 2>%s/err",
      dir, dir, dir, dir, dir);
  pid_t pid = spawn(cmd);
  /* our work dir: the plan names our own copy of the spec */
  char work[512] = "", spec[128];
  snprintf(spec, sizeof spec, "%s/spec.json", dir);
  long long until = now_ms() + 60000;
  while (now_ms() < until && !find_work_dir_by(dir, spec, work, sizeof work))
    usleep(5000);
  cr_assert(work[0], "no work directory");
  snprintf(cmd, sizeof cmd, "%s/plan.json", work);
  char *plan_text = ts_slurp(cmd, NULL);
  cr_assert(plan_text, "no plan in %s", work);
  cJSON *pj = cJSON_Parse(plan_text);
  int entries = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(pj, "entries"));
  cJSON_Delete(pj);
  const char *u = strstr(plan_text, "\"base_url\"");
  const char *colon = u ? strstr(u, "127.0.0.1:") : NULL;
  int port = colon ? atoi(colon + 10) : 0;
  free(plan_text);
  /* the catalogue done (every result in): explore is what remains */
  while (now_ms() < until && results_in(work) < entries)
    usleep(5000);
  cr_assert_eq(results_in(work), entries, "the catalogue did not finish");
  /* explore is in flight: with the catalogue done, the embedded mock (a
   * child of certify) keeps working, a tenth of a second of CPU and more */
  pid_t mock = 0;
  while (now_ms() < until && !(mock = embedded_mock(pid, work)))
    usleep(5000);
  cr_assert_gt(mock, 0, "no embedded mock process");
  long base = cpu_ticks(mock), ticks = base;
  while (now_ms() < until && (ticks = cpu_ticks(mock)) >= 0 && ticks < base + 10)
    usleep(5000);
  cr_assert_geq(ticks, base + 10, "the embedded mock is not serving the explore phase");
  cr_assert(port_open(port), "the embedded mock is not serving on %d", port);
  long long t0 = now_ms();
  kill(pid, SIGTERM);
  int rc = wait_exit(pid, 30000);
  cr_expect_eq(rc, 130, "see %s/err", dir);
  cr_expect_lt(now_ms() - t0, 10000, "the explore phase did not stop promptly");
  cr_expect_not(exists(work), "the work directory is left behind");
  expect_run_stopped(work, NULL);
  cr_expect_not(port_open(port), "the embedded mock still serves after the run");
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = ts_report(cmd);
  cr_expect_str_eq(ts_str(r, "verdict"), "incomplete");
  cr_expect(is_true(r, "interrupted"));
  cr_expect_eq((int)num(cJSON_GetObjectItemCaseSensitive(r, "summary"), "cases"), entries);
  cr_expect_eq((int)num(r, "cases_not_run"), 0);
  cr_expect(
      strstr(ts_str(cJSON_GetObjectItemCaseSensitive(r, "explore"), "skipped"), "interrupted"));
  cJSON_Delete(r);
  ts_rmtree(dir);
}

Test(certify_run, a_second_signal_stops_at_once, .timeout = 120) {
  ts_server *s = server_start(&answer_slow);
  char dir[64], cmd[1024];
  ts_tmpdir(dir, sizeof dir, "crun");
  snprintf(cmd, sizeof cmd,
           "exec env TMPDIR=%s HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " certify --base-url http://127.0.0.1:%d --no-preflight --jobs 4 --report-dir %s/r "
           ">%s/out 2>%s/err",
           dir, ts_server_port(s), dir, dir, dir);
  pid_t pid = spawn(cmd);
  char work[512];
  wait_results(dir, s, 2, work, sizeof work);
  kill(pid, SIGINT);
  /* two pending SIGINTs would be one: the second after the first was taken */
  wait_delivered(pid);
  kill(pid, SIGINT);
  long long t0 = now_ms();
  int rc = wait_exit(pid, 20000);
  cr_expect_eq(rc, 130);
  cr_expect_lt(now_ms() - t0, 3000);
  cr_expect_not(exists(work), "the work directory is left behind");
  snprintf(cmd, sizeof cmd, "%s/err", dir);
  char *err = ts_slurp(cmd, NULL);
  cr_expect(err && strstr(err, "interrupted twice"), "%s", err ? err : "");
  free(err);
  /* the case processes were killed: no request comes after a short while */
  expect_run_stopped(work, s);
  ts_server_free(s);
  ts_rmtree(dir);
}

/* ---- partial runs ---- */

static const cJSON *left_out(const cJSON *r) {
  return cJSON_GetObjectItemCaseSensitive(r, "left_out");
}

Test(certify_run, a_filtered_run_is_partial_in_the_verdict_and_the_report, .timeout = 120) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "crun");
  cr_assert_eq(ts_certify(rdir, "HARNESS_TOKEN=" SECRET, "--filter 'http.method.*' --explore 0"), 0,
               "see %s.err", rdir);
  cJSON *r = ts_report(rdir);
  cr_expect(is_true(r, "partial"));
  cr_expect_not(is_true(r, "interrupted"));
  cr_expect_str_eq(ts_str(r, "verdict"), "compliant");
  const cJSON *lo = left_out(r);
  cr_assert(lo);
  cr_expect_str_eq(ts_str(lo, "filter"), "http.method.*");
  int ran = (int)num(cJSON_GetObjectItemCaseSensitive(r, "summary"), "cases");
  int left = (int)num(lo, "cases_left_out");
  int total, selected = ts_catalogue_selects(rdir, "http.method.*", &total);
  cr_expect_gt(selected, 0);
  cr_expect_eq(ran, selected, "%d cases ran, the filter selects %d", ran, selected);
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "cases")), selected);
  cr_expect_eq(left, total - selected);
  cr_expect_eq((int)num(lo, "skipped_by_max_creates"), 0);
  char want[200];
  snprintf(want, sizeof want,
           "verdict: COMPLIANT (PARTIAL: %d of %d cases, --filter 'http.method.*')", ran,
           ran + left);
  char *out = ts_certify_text(rdir, "out");
  cr_expect(strstr(out, want), "want \"%s\" in:\n%s", want, out);
  free(out);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* Every case of the report matches the filter by id, requirement or class,
 * and at least one matches only by requirement or class. */
static void check_selected(const char *filter, int *by_other) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "crun");
  cr_assert_eq(ts_certify(rdir, "HARNESS_TOKEN=" SECRET, "--filter '%s' --explore 0", filter), 0,
               "--filter %s: see %s.err", filter, rdir);
  cJSON *r = ts_report(rdir);
  cr_expect(is_true(r, "partial"));
  int n = 0;
  *by_other = 0;
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "cases")->child; c; c = c->next, n++) {
    int by_id = fnmatch(filter, ts_str(c, "id"), 0) == 0;
    int other = fnmatch(filter, ts_str(c, "requirement"), 0) == 0 ||
                fnmatch(filter, ts_str(c, "class"), 0) == 0;
    cr_expect(by_id || other, "%s does not match %s", ts_str(c, "id"), filter);
    *by_other += !by_id && other;
  }
  int total, selected = ts_catalogue_selects(rdir, filter, &total);
  cr_expect_gt(selected, 0, "--filter %s selects nothing", filter);
  cr_expect_eq(n, selected, "--filter %s: %d cases ran, %d selected", filter, n, selected);
  cr_expect_eq((int)num(left_out(r), "cases_left_out"), total - selected);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

/* A requirement glob (the module id's type rule: ten cases, none of whose ids
 * says so) and a class (the seven semantics cases, ids sem.*). */
Test(certify_run, filter_by_requirement_id_and_by_class, .timeout = 120) {
  int other = 0;
  check_selected("schema.request.ModuleDto.id.t*", &other);
  cr_expect_gt(other, 0, "no case was selected by its requirement id");
  check_selected("semantics", &other);
  cr_expect_gt(other, 0, "no case was selected by its class");
}

Test(certify_run, max_creates_that_skips_cases_is_partial, .timeout = 120) {
  char dir[64], rdir[80];
  TS_RUNDIR(dir, rdir, "crun");
  /* thirteen creating cases, five tokens allowed */
  cr_assert_eq(
      ts_certify(rdir, "HARNESS_TOKEN=" SECRET, "--filter 'pos.o*' --max-creates 5 --explore 0"), 0,
      "see %s.err", rdir);
  cJSON *r = ts_report(rdir);
  cr_expect(is_true(r, "partial"));
  const cJSON *lo = left_out(r);
  int skipped = (int)num(lo, "skipped_by_max_creates");
  /* five tokens created, every other creating case skipped (and counted) */
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "created_resources")), 5);
  int skips = 0;
  for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "cases")->child; c; c = c->next)
    skips += !strcmp(ts_str(c, "status"), "skip") && strstr(ts_str(c, "detail"), "--max-creates");
  cr_expect_gt(skips, 0);
  cr_expect_eq(skipped, skips);
  char want[100];
  snprintf(want, sizeof want, "%d skipped by --max-creates 5)", skipped);
  char *out = ts_certify_text(rdir, "out");
  cr_expect(strstr(out, "verdict: COMPLIANT (PARTIAL: "), "%s", out);
  cr_expect(strstr(out, want), "want \"%s\" in:\n%s", want, out);
  free(out);
  cJSON_Delete(r);
  ts_rmtree(dir);
}

Test(certify_run, a_filter_that_matches_nothing_is_a_usage_error, .timeout = 60) {
  ts_server *s = server_start(&answer_404);
  char dir[64], cmd[1024];
  ts_tmpdir(dir, sizeof dir, "crun");
  snprintf(cmd, sizeof cmd, "mkdir -p %s/reports/old && ln -s old %s/reports/latest", dir, dir);
  cr_assert_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, "cd %s && " APIHARNESS_BIN " certify --filter 'typo*' >%s/out 2>%s/err",
           dir, dir, dir);
  cr_expect_eq(ts_run(cmd), 2);
  snprintf(cmd, sizeof cmd,
           "cd %s && " APIHARNESS_BIN
           " certify --base-url http://127.0.0.1:%d --filter 'typo*' --report-dir %s/r "
           ">>%s/out 2>>%s/err",
           dir, ts_server_port(s), dir, dir, dir);
  cr_expect_eq(ts_run(cmd), 2);
  cr_expect_eq(ts_server_requests(s), 0, "a usage error sends no request");
  cr_expect_eq(ts_server_accepted(s), 0, "a usage error opens no connection");
  snprintf(cmd, sizeof cmd, "%s/err", dir);
  char *err = ts_slurp(cmd, NULL);
  cr_expect(err && strstr(err, "--filter 'typo*' matches no case"), "%s", err ? err : "");
  free(err);
  /* no report: reports/ holds only the old run, latest untouched */
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cr_expect_not(exists(cmd));
  snprintf(cmd, sizeof cmd, "%s/reports/2*", dir);
  glob_t g;
  cr_expect_neq(glob(cmd, 0, NULL, &g), 0, "a report directory was made");
  globfree(&g);
  char link[600], target[64] = "";
  snprintf(link, sizeof link, "%s/reports/latest", dir);
  cr_expect_eq(readlink(link, target, sizeof target - 1), 3);
  ts_server_free(s);
  ts_rmtree(dir);
}

/* ---- preflight ---- */

Test(certify_run, preflight_stops_on_a_wrong_base_path, .timeout = 60) {
  ts_server *s = server_start(&answer_404);
  char dir[64] = "", rdir[80];
  cr_expect_eq(certify_port(dir, rdir, "HARNESS_TOKEN=" SECRET, ts_server_port(s), ""), 2);
  char *err = ts_certify_text(rdir, "err");
  char want[200];
  snprintf(want, sizeof want,
           "every POST to http://127.0.0.1:%d/public/v1/accounts/api-tokens was answered 404",
           ts_server_port(s));
  cr_expect(strstr(err, want), "%s", err);
  cr_expect_eq(strchr(err, '\n') ? (int)(strchr(err, '\n') - err) > 0 : 0, 1);
  free(err);
  cr_expect_not(exists(rdir), "a preflight stop writes no report");
  /* the preflight's three probes (the create, the create without
   * Authorization, the GET of the base URL), and nothing else */
  cr_expect_eq(ts_server_requests(s), 3, "the preflight is three probes");
  ts_server_free(s);

  /* the real mock, with a base URL that already carries the path prefix */
  hmock *m = ts_mock(SECRET, 0);
  cr_expect_eq(ts_certify(rdir, "HARNESS_TOKEN=" SECRET,
                          "--base-url http://user:pw@127.0.0.1:%d/public/v1/", hmock_port(m)),
               2);
  err = ts_certify_text(rdir, "err");
  snprintf(want, sizeof want, "http://127.0.0.1:%d/public/v1/public/v1/accounts/api-tokens",
           hmock_port(m));
  cr_expect(strstr(err, want), "%s", err);
  cr_expect(strstr(err, "already ends with /public/v1"), "%s", err);
  cr_expect_null(strstr(err, "pw@"), "credentials printed: %s", err);
  cr_expect_null(strstr(err, SECRET), "the token printed: %s", err);
  free(err);
  hmock_stop(m);
  ts_rmtree(dir);
}

Test(certify_run, preflight_stops_when_no_token_is_configured_and_the_server_wants_one,
     .timeout = 60) {
  ts_server *s = server_start(&answer_401);
  char dir[64] = "", rdir[80];
  cr_expect_eq(certify_port(dir, rdir, "-u HARNESS_TOKEN", ts_server_port(s), ""), 2);
  char *err = ts_certify_text(rdir, "err");
  cr_expect(strstr(err, "refused with 401 and no token is configured: set HARNESS_TOKEN"), "%s",
            err);
  cr_expect(strstr(err, "--token-env"), "%s", err);
  free(err);
  cr_expect_not(exists(rdir));
  ts_server_free(s);
  ts_rmtree(dir);
}

Test(certify_run, a_refused_token_is_a_warning_and_the_run_goes_on, .timeout = 120) {
  ts_server *s = server_start(&answer_401);
  char dir[64] = "", rdir[80];
  cr_expect_eq(
      certify_port(dir, rdir, "HARNESS_TOKEN=" SECRET, ts_server_port(s), "--filter 'pos.minimal'"),
      1, "a server refusing the token is non-compliant (see %s.err)", rdir);
  char *err = ts_certify_text(rdir, "err");
  cr_expect(strstr(err, "warning: every request with the token was refused with 401: check the "
                        "token"),
            "%s", err);
  cr_expect_null(strstr(err, SECRET));
  free(err);
  cJSON *r = ts_report(rdir);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant");
  cr_expect_gt(num(cJSON_GetObjectItemCaseSensitive(r, "summary"), "fail"), 0.0);
  cJSON_Delete(r);
  ts_server_free(s);
  ts_rmtree(dir);
}

Test(certify_run, preflight_stops_on_a_refused_connection_and_a_non_http_service, .timeout = 60) {
  /* a port nobody listens on: bound, then closed */
  int dead;
  close(ts_listen_loopback(&dead));
  char dir[64] = "", rdir[80];
  cr_expect_eq(certify_port(dir, rdir, "HARNESS_TOKEN=" SECRET, dead, ""), 2);
  char *err = ts_certify_text(rdir, "err");
  cr_expect(strstr(err, "unreachable"), "%s", err);
  free(err);
  cr_expect_not(exists(rdir));

  ts_server *s = server_start(&answer_garbage);
  cr_expect_eq(certify_port(dir, rdir, "HARNESS_TOKEN=" SECRET, ts_server_port(s), ""), 2);
  err = ts_certify_text(rdir, "err");
  cr_expect(strstr(err, "does not answer HTTP"), "%s", err);
  free(err);
  cr_expect_not(exists(rdir));
  ts_server_free(s);
  ts_rmtree(dir);
}

Test(certify_run, no_preflight_certifies_what_the_preflight_would_stop, .timeout = 120) {
  ts_server *s = server_start(&answer_404);
  char dir[64] = "", rdir[80];
  cr_expect_eq(certify_port(dir, rdir, "HARNESS_TOKEN=" SECRET, ts_server_port(s),
                            "--no-preflight --filter 'pos.minimal'"),
               1, "see %s.err", rdir);
  char *err = ts_certify_text(rdir, "err");
  cr_expect_null(strstr(err, "preflight"), "%s", err);
  free(err);
  cJSON *r = ts_report(rdir);
  cr_expect_str_eq(ts_str(r, "verdict"), "non-compliant");
  cJSON_Delete(r);
  ts_server_free(s);
  ts_rmtree(dir);
}

Test(certify_run, the_preflight_create_is_listed_and_counts_against_max_creates, .timeout = 120) {
  hmock *m = ts_mock(SECRET, 0);
  char dir[64] = "", rdir[80];
  /* thirteen creating cases: the limit is reached */
  cr_expect_eq(certify_port(dir, rdir, "HARNESS_TOKEN=" SECRET, hmock_port(m),
                            "--filter 'pos.o*' --max-creates 4"),
               0, "see %s.err", rdir);
  cJSON *r = ts_report(rdir);
  const cJSON *created = cJSON_GetObjectItemCaseSensitive(r, "created_resources");
  int pf = 0;
  for (const cJSON *c = created ? created->child : NULL; c; c = c->next)
    if (!strcmp(ts_str(c, "source"), "preflight")) {
      pf++;
      cr_expect(strstr(ts_str(c, "name"), "preflight"), "%s", ts_str(c, "name"));
      cr_expect(strlen(ts_str(c, "id")) > 0);
    }
  cr_expect_eq(pf, 1, "the preflight's create is listed once");
  cr_expect_eq(cJSON_GetArraySize(created), 4, "--max-creates 4 counts the preflight's create");
  char path[120];
  snprintf(path, sizeof path, "%s/compliance.json", rdir);
  char *all = ts_slurp(path, NULL);
  cr_expect(all && !strstr(all, SECRET));
  free(all);
  cJSON_Delete(r);
  hmock_stop(m);
  ts_rmtree(dir);
}

/* ---- findings: an explore representative shows its own evidence ---- */

Test(certify_run, an_explore_representative_shows_the_explore_evidence) {
  static const char report_json[] =
      "{\"format\":\"apiharness-compliance/1\",\"verdict\":\"non-compliant\","
      "\"requirements\":[{\"id\":\"prose.name\",\"status\":\"fail\"}],"
      "\"cases\":[{\"id\":\"neg.name.long\",\"requirement\":\"prose.name\","
      "\"class\":\"negative-body\",\"status\":\"fail\",\"checks\":[{\"name\":\"status\","
      "\"requirement\":\"prose.name\",\"status\":\"fail\",\"message\":\"expected 400, got "
      "201\"}],\"evidence\":{\"request\":{\"body\":\"CATALOGUE-BODY\"},"
      "\"response\":{\"status\":201},\"curl\":\"curl catalogue\"}}],"
      "\"explore\":{\"failures\":[{\"requirement\":\"prose.name\",\"check\":\"status\","
      "\"message\":\"expected 400, got 201\",\"count\":3,\"case_file\":\"explore/1.json\","
      "\"body_file\":\"explore/1.body\",\"curl\":\"curl explore\",\"original_size\":90,"
      "\"shrunk_size\":12,\"evidence\":{\"request\":{\"body\":\"EXPLORE-BODY\"},"
      "\"response\":{\"status\":201},\"curl\":\"curl explore\"}}]}}";
  cJSON *r = cJSON_Parse(report_json);
  cr_assert(r);
  cJSON *f = hreport_findings(r);
  cr_assert(f);
  cr_assert_eq(cJSON_GetArraySize(f), 1);
  const cJSON *rep = cJSON_GetObjectItemCaseSensitive(f->child, "representative");
  cr_expect_str_eq(ts_str(rep, "source"), "explore");
  char *ev = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(rep, "evidence"));
  cr_assert(ev);
  cr_expect(strstr(ev, "EXPLORE-BODY"), "%s", ev);
  cr_expect_null(strstr(ev, "CATALOGUE-BODY"), "%s", ev);
  free(ev);
  cr_expect_null(cJSON_GetObjectItemCaseSensitive(rep, "evidence_case"));
  cr_expect_str_eq(ts_str(rep, "curl"), "curl explore");
  cJSON_Delete(f);
  /* an explore failure without evidence (an older report) falls back on the
   * catalogue case's, and names it */
  cJSON *x = cJSON_GetObjectItemCaseSensitive(r, "explore");
  cJSON_DeleteItemFromObjectCaseSensitive(
      cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "failures"), 0), "evidence");
  f = hreport_findings(r);
  cr_assert(f);
  rep = cJSON_GetObjectItemCaseSensitive(f->child, "representative");
  ev = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(rep, "evidence"));
  cr_expect(ev && strstr(ev, "CATALOGUE-BODY"), "%s", ev ? ev : "");
  free(ev);
  cr_expect_str_eq(ts_str(rep, "evidence_case"), "neg.name.long");
  cJSON_Delete(f);
  cJSON_Delete(r);
}
