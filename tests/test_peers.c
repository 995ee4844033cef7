/* Certification generalises: an independent implementation of the endpoint
 * (tests/peers/pyserver.py, Python standard library, written from the spec
 * and the page rather than from the harness) is certified healthy and with
 * one ordinary bug at a time.  The healthy server must be compliant (no false
 * alarm); every bug must make the run non-compliant through the requirement
 * tests/data/peers/bugs.txt names.  None of these bugs is a fault of the
 * embedded mock.
 *
 * Why one full run is enough.  A certify verdict is monotone in the cases it
 * runs:
 *   - every catalogue case is a self-contained exchange (its own request, or
 *     its own sequence on its own connection) judged from its own answers, and
 *     the server answers a request the same way whatever came before it: the
 *     only state it carries across requests (the names it has seen, the id
 *     counter) matters only inside one case (sem.same-name-twice sends both
 *     creates itself), so a case gets the same result in a subset as in the
 *     whole catalogue, whatever runs beside it;
 *   - a requirement's status aggregates the cases and checks that name it,
 *     fail dominating, and any fail makes the verdict non-compliant (exit 1).
 * So a requirement that fails in a subset fails in the full run too.  "No
 * false alarm" is a claim about every case: the healthy server gets the one
 * full run (and it must say it is not partial).  "This bug is caught" needs
 * only a subset that catches it: each bug runs with the --filter of its
 * line, the smallest natural selection that makes the named requirement fail:
 * the catalogue's cases for the very shape the bug mishandles (a case-id
 * family, a requirement's own cases, or the one case written for it; often
 * cases of other requirements, on whose answers the judge's checks catch it;
 * bugs.txt says why for each).
 * What is asserted of a bug's run is what a full run would show: the exit
 * code and the named requirement among the failing ones; plus that the run
 * says partial, and that the filter selects at least one case and at most a
 * quarter of the catalogue (counted on the report's catalogue.json, and
 * certify ran exactly those), so the data cannot drift into full runs.
 *
 * python3 is needed (scripts/install-deps installs it); without it the test
 * is skipped, except under CI=true, where that is a failure (ts_tool).
 * Debian's /usr/bin/python3 comes first: a version manager's shim found
 * first on PATH (pyenv's is a bash script) costs ten times the interpreter's
 * own start (0.3 s against 0.03 s here), and the test starts a server a run.
 * Every run, the healthy one and each bug, runs under AddressSanitizer too. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "json/hjson.h"

#define MAX_RUNS 64

typedef struct {
  char bug[64];
  int exit_code;
  char requirement[128];
  char filter[128]; /* certify --filter GLOB; "-": the whole catalogue */
} peer_run;

static size_t load_runs(peer_run *runs, size_t cap) {
  FILE *f = fopen(TEST_DATA_DIR "/peers/bugs.txt", "r");
  cr_assert_not_null(f, "tests/data/peers/bugs.txt: %s", strerror(errno));
  char line[512];
  size_t n = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    cr_assert_lt(n, cap, "bugs.txt: more than %zu runs", cap);
    peer_run *r = &runs[n];
    char extra[2];
    cr_assert_eq(sscanf(line, "%63s %d %127s %127s %1s", r->bug, &r->exit_code, r->requirement,
                        r->filter, extra),
                 4, "bugs.txt: malformed line '%s' (want BUG EXIT REQUIREMENT FILTER)", line);
    cr_assert(!strchr(r->filter, '\''), "bugs.txt: filter '%s' holds a quote", r->filter);
    int healthy = !strcmp(r->bug, "-");
    cr_assert(healthy == !strcmp(r->filter, "-"),
              "bugs.txt: %s: the healthy run takes the whole catalogue (filter -), every bug a "
              "filter",
              r->bug);
    n++;
  }
  fclose(f);
  return n;
}

/* python3's path, NULL when it is not installed (a failure under CI=true). */
static char python[4096];

static const char *find_python(void) {
  static const char *const paths[] = {"/usr/bin/python3", "python3", NULL};
  const char *p = ts_tool("python3", paths, "python3");
  if (!p)
    return NULL;
  snprintf(python, sizeof python, "%s", p);
  return python;
}

/* Starts the server (token, bug or NULL); returns its pid and port. */
static pid_t start_peer(const char *token, const char *bug, int *port) {
  const char *const argv[] = {"python3",
                              TEST_SOURCE_DIR "/tests/peers/pyserver.py",
                              "--token",
                              token,
                              bug ? "--bug" : NULL,
                              bug,
                              NULL};
  int out;
  pid_t pid = ts_spawn(python, argv, &out);
  char buf[32];
  ts_read_line(out, buf, sizeof buf);
  close(out);
  *port = atoi(buf);
  if (*port <= 0) {
    /* say why when it is the interpreter (checked only then: it costs a start) */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "'%s' -c 'import http.server' >/dev/null 2>&1", python);
    cr_assert_eq(ts_run(cmd), 0, "%s cannot import http.server", python);
  }
  cr_assert_gt(*port, 0, "the Python peer did not start (bug %s)", bug ? bug : "none");
  return pid;
}

static void stop_peer(pid_t pid) {
  kill(pid, SIGTERM);
  int st;
  waitpid(pid, &st, 0);
}

/* Runs certify against the port (the cases filter selects, all for NULL);
 * returns the exit code; the report goes to dir.  --explore 0 is the default
 * with --base-url: said here so that the run stays the catalogue alone. */
static int certify(int port, const char *filter, const char *dir) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN " certify --base-url http://127.0.0.1:%d --explore 0%s%s%s"
                          " --report-dir '%s' >/dev/null 2>&1",
           port, filter ? " --filter '" : "", filter ? filter : "", filter ? "'" : "", dir);
  int rc = ts_run(cmd);
  cr_assert_geq(rc, 0, "certify died by a signal");
  return rc;
}

/* What the test reads of dir/compliance.json. */
typedef struct {
  char failing[8192]; /* the ids of the requirements whose status is "fail", each after a space */
  int partial;        /* "partial": true */
  int cases;          /* the cases reported */
} peer_report;

static void read_report(const char *dir, peer_report *out) {
  char path[512];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  size_t len;
  char *text = ts_slurp(path, &len);
  cr_assert_not_null(text, "cannot read %s", path);
  hjson_doc *doc = hjson_doc_new();
  cr_assert_not_null(doc);
  const cJSON *root = hjson_parse(doc, text, len, NULL, NULL);
  cr_assert_not_null(root, "%s is not strict JSON", path);
  out->failing[0] = '\0';
  size_t used = 0, cap = sizeof out->failing;
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(root, "requirements");
  for (const cJSON *r = reqs ? reqs->child : NULL; r; r = r->next) {
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "status"));
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "id"));
    if (st && id && !strcmp(st, "fail") && used + strlen(id) + 2 < cap)
      used += (size_t)snprintf(out->failing + used, cap - used, " %s", id);
  }
  const cJSON *partial = cJSON_GetObjectItemCaseSensitive(root, "partial");
  cr_assert(cJSON_IsBool(partial), "%s: no boolean \"partial\"", path);
  out->partial = cJSON_IsTrue(partial);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
  cr_assert(cJSON_IsArray(cases), "%s: no cases", path);
  out->cases = cJSON_GetArraySize(cases);
  hjson_doc_free(doc);
  free(text);
}

static peer_run all_runs[MAX_RUNS];

ParameterizedTestParameters(peers, independent_server) {
  size_t n = load_runs(all_runs, MAX_RUNS);
  return cr_make_param_array(peer_run, all_runs, n);
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
  int rc = certify(port, healthy ? NULL : r->filter, dir);
  stop_peer(pid);
  peer_report rep;
  read_report(dir, &rep);
  int total;
  int selected = ts_catalogue_selects(dir, healthy ? "*" : r->filter, &total);
  if (healthy) {
    cr_assert_eq(rc, 0, "the healthy independent server is not compliant: failing%s (report %s)",
                 rep.failing, dir);
    cr_assert(!rep.partial && rep.cases == total,
              "the healthy run must be the whole catalogue: %d of %d cases, partial %d (report %s)",
              rep.cases, total, rep.partial, dir);
  } else {
    cr_assert(selected >= 1 && selected * 4 <= total,
              "bug %s: filter '%s' selects %d of %d cases: at most a quarter is a bug's run",
              r->bug, r->filter, selected, total);
    cr_assert(rep.partial && rep.cases == selected,
              "bug %s: filter '%s': the run reports %d cases, partial %d; want the %d selected, "
              "partial (report %s)",
              r->bug, r->filter, rep.cases, rep.partial, selected, dir);
    char needle[160];
    snprintf(needle, sizeof needle, " %s", r->requirement);
    size_t nl = strlen(needle);
    const char *hit = strstr(rep.failing, needle);
    while (hit && hit[nl] != ' ' && hit[nl] != '\0')
      hit = strstr(hit + 1, needle);
    cr_assert(rc == r->exit_code && hit,
              "bug %s (filter '%s'): exit %d (want %d), failing:%s; want %s to fail (report %s)",
              r->bug, r->filter, rc, r->exit_code, rep.failing[0] ? rep.failing : " none",
              r->requirement, dir);
  }
  ts_rmtree(tmpl);
}
