/* Certification generalises: an independent implementation of the endpoint
 * (tests/peers/pyserver.py, Python standard library, written from the spec
 * and the page rather than from the harness) is certified healthy and with
 * one ordinary bug at a time.  The healthy server must be compliant (no false
 * alarm); every bug must make the run non-compliant through the requirement
 * tests/data/peers/bugs.txt names.  None of these bugs is a fault of the
 * embedded mock.
 *
 * python3 is needed (scripts/install-deps installs it); without it the test
 * is skipped, except under CI=true, where that is a failure.  Under
 * AddressSanitizer only the healthy run and a few bugs run: the verdicts do
 * not depend on the build, the default build runs them all. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/hjson.h"

#define MAX_RUNS 64

typedef struct {
  char bug[64];
  int exit_code;
  char requirement[128];
} peer_run;

static size_t load_runs(peer_run *runs, size_t cap) {
  FILE *f = fopen(TEST_DATA_DIR "/peers/bugs.txt", "r");
  cr_assert_not_null(f, "tests/data/peers/bugs.txt: %s", strerror(errno));
  char line[512];
  size_t n = 0;
  while (fgets(line, sizeof line, f) && n < cap) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    peer_run *r = &runs[n];
    cr_assert_eq(sscanf(line, "%63s %d %127s", r->bug, &r->exit_code, r->requirement), 3,
                 "bugs.txt: malformed line '%s'", line);
    n++;
  }
  fclose(f);
  return n;
}

static int have_python(void) { return system("python3 -c 'import http.server' >/dev/null 2>&1") == 0; }

/* Starts the server (token, bug or NULL); returns its pid and port. */
static pid_t start_peer(const char *token, const char *bug, int *port) {
  int out[2];
  cr_assert(pipe(out) == 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
      dup2(devnull, 2);
    if (bug)
      execlp("python3", "python3", TEST_SOURCE_DIR "/tests/peers/pyserver.py", "--token", token,
             "--bug", bug, (char *)NULL);
    else
      execlp("python3", "python3", TEST_SOURCE_DIR "/tests/peers/pyserver.py", "--token", token,
             (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  char buf[32] = "";
  size_t n = 0;
  ssize_t got;
  while (n < sizeof buf - 1 && (got = read(out[0], buf + n, sizeof buf - 1 - n)) > 0) {
    n += (size_t)got;
    if (memchr(buf, '\n', n))
      break;
  }
  close(out[0]);
  buf[n] = '\0';
  *port = atoi(buf);
  cr_assert_gt(*port, 0, "the Python peer did not start (bug %s)", bug ? bug : "none");
  return pid;
}

static void stop_peer(pid_t pid) {
  kill(pid, SIGTERM);
  int st;
  waitpid(pid, &st, 0);
}

/* Runs certify against the port; returns the exit code; the report goes to dir. */
static int certify(int port, const char *dir) {
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    execl(APIHARNESS_BIN, APIHARNESS_BIN, "certify", "--base-url", url, "--report-dir", dir,
          (char *)NULL);
    _exit(127);
  }
  int st;
  cr_assert(waitpid(pid, &st, 0) == pid);
  cr_assert(WIFEXITED(st), "certify died by a signal");
  return WEXITSTATUS(st);
}

/* The requirement ids whose status is "fail" in dir/compliance.json, joined. */
static void failing_requirements(const char *dir, char *out, size_t cap) {
  char path[512];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s: %s", path, strerror(errno));
  static char text[64 << 20];
  size_t len = fread(text, 1, sizeof text, f);
  fclose(f);
  hjson_doc *doc = hjson_doc_new();
  cr_assert_not_null(doc);
  const cJSON *root = hjson_parse(doc, text, len, NULL, NULL);
  cr_assert_not_null(root, "%s is not strict JSON", path);
  out[0] = '\0';
  size_t used = 0;
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(root, "requirements");
  for (const cJSON *r = reqs ? reqs->child : NULL; r; r = r->next) {
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "status"));
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "id"));
    if (st && id && !strcmp(st, "fail") && used + strlen(id) + 2 < cap)
      used += (size_t)snprintf(out + used, cap - used, " %s", id);
  }
  hjson_doc_free(doc);
}

static int wanted_here(const peer_run *r, size_t index) {
#if defined(__SANITIZE_ADDRESS__)
  /* the healthy server and every fourth bug: the verdict logic is the same
   * in every build, the sanitizers look for memory errors on these paths */
  return !strcmp(r->bug, "-") || index % 4 == 1;
#else
  (void)r;
  (void)index;
  return 1;
#endif
}

static peer_run all_runs[MAX_RUNS];

ParameterizedTestParameters(peers, independent_server) {
  size_t n = load_runs(all_runs, MAX_RUNS);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (wanted_here(&all_runs[i], i))
      all_runs[k++] = all_runs[i];
  return cr_make_param_array(peer_run, all_runs, k);
}

ParameterizedTest(peer_run *r, peers, independent_server, .timeout = 600) {
  if (!have_python()) {
    cr_assert(!getenv("CI") || strcmp(getenv("CI"), "true"),
              "python3 is missing under CI=true (scripts/install-deps installs it)");
    cr_skip_test("python3 not found: the independent peer cannot run");
  }
  char tmpl[] = "/tmp/apiharness-peers-XXXXXX";
  cr_assert_not_null(mkdtemp(tmpl));
  const char *token = "peer-token-7f3a9c2e41d08b65";
  cr_assert_eq(setenv("HARNESS_TOKEN", token, 1), 0);
  int healthy = !strcmp(r->bug, "-");
  int port;
  pid_t pid = start_peer(token, healthy ? NULL : r->bug, &port);
  char dir[sizeof tmpl + 16];
  snprintf(dir, sizeof dir, "%s/report", tmpl);
  int rc = certify(port, dir);
  stop_peer(pid);
  char failing[8192];
  failing_requirements(dir, failing, sizeof failing);
  if (healthy) {
    cr_assert_eq(rc, 0, "the healthy independent server is not compliant: failing%s (report %s)",
                 failing, dir);
  } else {
    char needle[160];
    snprintf(needle, sizeof needle, " %s", r->requirement);
    size_t nl = strlen(needle);
    const char *hit = strstr(failing, needle);
    int found = hit && (hit[nl] == ' ' || hit[nl] == '\0');
    cr_assert(rc == r->exit_code && found,
              "bug %s: exit %d (want %d), failing:%s; want %s to fail (report %s)", r->bug, rc,
              r->exit_code, failing[0] ? failing : " none", r->requirement, dir);
  }
  char cmd[sizeof tmpl + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
  if (system(cmd) != 0)
    cr_log_warn("could not remove %s", tmpl);
}
