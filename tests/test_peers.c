/* Certification generalises: an independent implementation of the endpoint
 * (tests/peers/pyserver.py, Python standard library, written from the spec
 * and the page rather than from the harness) is certified healthy and with
 * one ordinary bug at a time.  The healthy server must be compliant (no false
 * alarm); every bug must make the run non-compliant through the requirement
 * tests/data/peers/bugs.txt names.  None of these bugs is a fault of the
 * embedded mock.
 *
 * python3 is needed (scripts/install-deps installs it); without it the test
 * is skipped, except under CI=true, where that is a failure (ts_tool).  Under
 * AddressSanitizer only the healthy run and a few bugs run: the verdicts do
 * not depend on the build, the default build runs them all. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/hjson.h"
#include "support.h"

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

/* python3's path, NULL when it is not installed (a failure under CI=true). */
static char python[4096];

static const char *find_python(void) {
  static const char *const paths[] = {"python3", NULL};
  const char *p = ts_tool("python3", paths, "python3");
  if (!p)
    return NULL;
  snprintf(python, sizeof python, "%s", p);
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "'%s' -c 'import http.server' >/dev/null 2>&1", python);
  cr_assert_eq(ts_run(cmd), 0, "%s cannot import http.server", python);
  return python;
}

/* Starts the server (token, bug or NULL); returns its pid and port. */
static pid_t start_peer(const char *token, const char *bug, int *port) {
  const char *const argv[] = {"python3", TEST_SOURCE_DIR "/tests/peers/pyserver.py", "--token",
                              token, bug ? "--bug" : NULL, bug, NULL};
  int out;
  pid_t pid = ts_spawn(python, argv, &out);
  char buf[32];
  ts_read_line(out, buf, sizeof buf);
  close(out);
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
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:%d --report-dir '%s' >/dev/null 2>&1",
           port, dir);
  int rc = ts_run(cmd);
  cr_assert_geq(rc, 0, "certify died by a signal");
  return rc;
}

/* The requirement ids whose status is "fail" in dir/compliance.json, joined. */
static void failing_requirements(const char *dir, char *out, size_t cap) {
  char path[512];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  size_t len;
  char *text = ts_slurp(path, &len);
  cr_assert_not_null(text, "cannot read %s", path);
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
  free(text);
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
  if (!find_python())
    cr_skip_test("python3 not found: the independent peer cannot run");
  char tmpl[64];
  ts_tmpdir(tmpl, sizeof tmpl, "peers");
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
  ts_rmtree(tmpl);
}
