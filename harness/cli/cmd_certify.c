/* apiharness certify: run the conformance catalogue against a server (or the
 * embedded mock) and write the compliance report.
 *
 * Architecture: certify generates the catalogue from --spec (seeded), writes
 * it and a plan (target, profile, timeouts, one entry per case and token
 * label; no secrets) to a private work directory, and runs the Criterion
 * conformance binary with APIHARNESS_PLAN pointing at the plan.  Every case
 * is its own Criterion test, in its own process; each writes its result file,
 * and a case without one (crash, harness timeout) is reported as "error".
 *
 * The conformance binary is found at $APIHARNESS_CONFORMANCE, else at
 * <dir of /proc/self/exe>/conformance/apiharness-conformance (the build tree
 * puts it there: build/apiharness -> build/conformance/apiharness-conformance).
 *
 * Report dir (default reports/<UTC timestamp>/, reports/latest -> newest):
 * compliance.json (the format of /tmp/compliance-format.md, "apiharness-
 * compliance/1"), junit.xml (one testcase per case), criterion.xml (the
 * suites' own JUnit output), catalogue.json (the cases used), compliance.md
 * and compliance.html (hreport_write_views). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "cli.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "report/hreport.h"
#include "rules/hrules.h"
#include "spec/hspec.h"

/* Paths and lines are cut to their fixed buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define MAX_LABELS 8
#define MAX_FAULTS 64
#define DEFAULT_TOKEN_ENV "HARNESS_TOKEN"
#define REQ_CASES_LISTED 50

typedef struct {
  char label[64];
  const char *env;
  const char *value; /* NULL: not set */
} token_label;

typedef struct {
  const char *base_url, *spec_path, *report_dir, *profile_name, *filter, *cacert;
  long timeout_ms;
  unsigned long seed;
  double rate;
  long max_creates;
  int insecure, jobs;
  int criterion; /* 1: --runner criterion */
  token_label labels[MAX_LABELS];
  size_t n_labels;
  int explicit_tokens;
  const char *faults[MAX_FAULTS];
  size_t n_faults;
} certify_opts;

static void certify_usage(FILE *out) {
  fprintf(out,
          "usage: apiharness certify [--base-url URL] [--spec FILE] [--report-dir DIR]\n"
          "         [--token-env VAR | --token-env LABEL=VAR ...] [--timeout-ms N]\n"
          "         [--profile default|strict|aspnet] [--seed N] [--filter GLOB]\n"
          "         [--rate-limit N] [--max-creates N] [--jobs N] [--runner fork|criterion]\n"
          "         [--cacert FILE] [--insecure] [--fault NAME ...]\n"
          "  Runs the spec-derived conformance catalogue against URL (without --base-url: the\n"
          "  embedded mock on an ephemeral loopback port, --fault only there) and writes\n"
          "  compliance.json/.md/.html and junit.xml to DIR (default reports/<UTC time>/,\n"
          "  reports/latest points at the newest).  The bearer token is read from the\n"
          "  environment variable VAR (default " DEFAULT_TOKEN_ENV
          "), never from the command line.\n"
          "  --rate-limit N  at most N requests per second (live servers)\n"
          "  --max-creates N at most N requests that create a token; the rest are skipped\n"
          "  --runner        fork (default): every case in its own forked process, N at a time;\n"
          "                  criterion: the Criterion suites (conformance/), one test per case\n"
          "exit: 0 compliant, 1 non-compliant, 2 could not run (usage, spec, unreachable)\n");
}

static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || !*s || *end || v < lo || v > hi)
    return 0;
  *out = v;
  return 1;
}

static int parse_args(int argc, char **argv, certify_opts *o) {
  memset(o, 0, sizeof *o);
  o->spec_path = cli_default_spec();
  o->profile_name = "default";
  o->filter = "*";
  o->timeout_ms = HCLIENT_DEFAULT_TIMEOUT_MS;
  o->seed = 1;
  o->max_creates = -1;
  o->jobs = 4;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      certify_usage(stdout);
      return 0;
    }
    if (!strcmp(a, "--insecure")) {
      o->insecure = 1;
      continue;
    }
    static const char *const with_value[] = {
        "--base-url", "--spec",  "--report-dir", "--token-env",  "--timeout-ms",
        "--profile",  "--seed",  "--filter",     "--rate-limit", "--max-creates",
        "--cacert",   "--fault", "--jobs",       "--runner"};
    int known = 0;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
      known |= !strcmp(a, with_value[k]);
    if (!known) {
      fprintf(stderr, "apiharness certify: unknown option '%s' (see --help)\n", a);
      return -1;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "apiharness certify: %s needs a value\n", a);
      return -1;
    }
    const char *v = argv[++i];
    long n;
    if (!strcmp(a, "--base-url")) {
      if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
        fprintf(stderr, "apiharness certify: --base-url '%s' is not an http:// or https:// URL\n",
                v);
        return -1;
      }
      o->base_url = v;
    } else if (!strcmp(a, "--spec")) {
      o->spec_path = v;
    } else if (!strcmp(a, "--report-dir")) {
      o->report_dir = v;
    } else if (!strcmp(a, "--cacert")) {
      o->cacert = v;
    } else if (!strcmp(a, "--filter")) {
      o->filter = v;
    } else if (!strcmp(a, "--profile")) {
      if (hjudge_profile_parse(v) < 0) {
        fprintf(stderr, "apiharness certify: --profile '%s': use default, strict or aspnet\n", v);
        return -1;
      }
      o->profile_name = v;
    } else if (!strcmp(a, "--timeout-ms")) {
      if (!parse_long(v, 1, 600000, &n)) {
        fprintf(stderr, "apiharness certify: --timeout-ms '%s': a number of ms in 1..600000\n", v);
        return -1;
      }
      o->timeout_ms = n;
    } else if (!strcmp(a, "--seed")) {
      if (!parse_long(v, 0, 4294967295L, &n)) {
        fprintf(stderr, "apiharness certify: --seed '%s': a number in 0..4294967295\n", v);
        return -1;
      }
      o->seed = (unsigned long)n;
    } else if (!strcmp(a, "--rate-limit")) {
      if (!parse_long(v, 1, 100000, &n)) {
        fprintf(stderr, "apiharness certify: --rate-limit '%s': requests per second, 1..100000\n",
                v);
        return -1;
      }
      o->rate = (double)n;
    } else if (!strcmp(a, "--max-creates")) {
      if (!parse_long(v, 0, 1000000, &n)) {
        fprintf(stderr, "apiharness certify: --max-creates '%s': a number in 0..1000000\n", v);
        return -1;
      }
      o->max_creates = n;
    } else if (!strcmp(a, "--runner")) {
      if (strcmp(v, "fork") && strcmp(v, "criterion")) {
        fprintf(stderr, "apiharness certify: --runner '%s': use fork or criterion\n", v);
        return -1;
      }
      o->criterion = !strcmp(v, "criterion");
    } else if (!strcmp(a, "--jobs")) {
      if (!parse_long(v, 1, 64, &n)) {
        fprintf(stderr, "apiharness certify: --jobs '%s': a number in 1..64\n", v);
        return -1;
      }
      o->jobs = (int)n;
    } else if (!strcmp(a, "--fault")) {
      if (!hmock_fault_find(v)) {
        fprintf(stderr, "apiharness certify: --fault '%s' is not a mock fault; known:", v);
        for (size_t k = 0; k < hmock_fault_count(); k++)
          fprintf(stderr, " %s", hmock_fault_at(k)->name);
        fprintf(stderr, "\n");
        return -1;
      }
      if (o->n_faults < MAX_FAULTS)
        o->faults[o->n_faults++] = v;
    } else if (!strcmp(a, "--token-env")) {
      if (o->n_labels >= MAX_LABELS) {
        fprintf(stderr, "apiharness certify: at most %d --token-env\n", MAX_LABELS);
        return -1;
      }
      token_label *t = &o->labels[o->n_labels];
      const char *eq = strchr(v, '=');
      if (eq) {
        snprintf(t->label, sizeof t->label, "%.*s", (int)(eq - v), v);
        t->env = eq + 1;
      } else {
        snprintf(t->label, sizeof t->label, "%s", o->n_labels ? v : "default");
        t->env = v;
      }
      if (!t->label[0] || !*t->env) {
        fprintf(stderr, "apiharness certify: --token-env '%s': expected VAR or LABEL=VAR\n", v);
        return -1;
      }
      for (size_t k = 0; k < o->n_labels; k++)
        if (!strcmp(o->labels[k].label, t->label)) {
          fprintf(stderr, "apiharness certify: --token-env label '%s' given twice\n", t->label);
          return -1;
        }
      o->n_labels++;
      o->explicit_tokens = 1;
    }
  }
  if (o->base_url && o->n_faults) {
    fprintf(stderr, "apiharness certify: --fault applies to the embedded mock only (no "
                    "--base-url)\n");
    return -1;
  }
  if (!o->n_labels) {
    snprintf(o->labels[0].label, sizeof o->labels[0].label, "default");
    o->labels[0].env = DEFAULT_TOKEN_ENV;
    o->n_labels = 1;
  }
  for (size_t k = 0; k < o->n_labels; k++) {
    const char *val = getenv(o->labels[k].env);
    o->labels[k].value = val && *val ? val : NULL;
    if (o->explicit_tokens && !o->labels[k].value) {
      fprintf(stderr, "apiharness certify: --token-env %s: the variable %s is not set or empty\n",
              o->labels[k].label, o->labels[k].env);
      return -1;
    }
  }
  if (o->base_url == NULL && o->n_labels > 1) {
    fprintf(stderr, "apiharness certify: several --token-env need --base-url (the embedded mock "
                    "knows one token)\n");
    return -1;
  }
  return 1;
}

/* ---- small file helpers ---- */

static int mkdirs(const char *path) {
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return -1;
      *p = '/';
    }
  return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_json(const char *path, const cJSON *json, int pretty) {
  char *text = pretty ? cJSON_Print(json) : cJSON_PrintUnformatted(json);
  if (!text)
    return -1;
  char err[512];
  int rc = hreport_write_file_atomic(path, text, strlen(text), err, sizeof err);
  if (rc)
    fprintf(stderr, "apiharness certify: %s\n", err);
  free(text);
  return rc;
}

static cJSON *read_json(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 20, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (!r)
      break;
    if (n == cap) {
      if (cap >= ((size_t)64 << 20))
        break;
      char *q = realloc(buf, cap * 2);
      if (!q)
        break;
      buf = q;
      cap *= 2;
    }
  }
  fclose(f);
  cJSON *j = buf ? cJSON_ParseWithLength(buf, n) : NULL;
  free(buf);
  return j;
}

static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  char path[PATH_MAX];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

static void iso_time(time_t t, char *buf, size_t cap) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static long long mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int conformance_binary(char *buf, size_t cap) {
  const char *env = getenv("APIHARNESS_CONFORMANCE");
  if (env && *env) {
    snprintf(buf, cap, "%s", env);
    return access(buf, X_OK) == 0;
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return 0;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash)
    *slash = '\0';
  snprintf(buf, cap, "%s/conformance/apiharness-conformance", exe);
  return access(buf, X_OK) == 0;
}

/* ---- the run ---- */

typedef struct {
  size_t n;
  char **results_seen; /* status per entry, NULL until its file appears */
} progress;

static int status_rank(const char *s) {
  if (!s)
    return -1;
  if (!strcmp(s, "fail"))
    return 3;
  if (!strcmp(s, "warn"))
    return 2;
  if (!strcmp(s, "pass"))
    return 1;
  if (!strcmp(s, "skip"))
    return 0;
  return -1;
}

static const char *rank_name(int r) {
  static const char *const names[] = {"skip", "pass", "warn", "fail"};
  return r >= 0 && r <= 3 ? names[r] : "skip";
}

/* Runs the conformance binary; returns 0 when it ran (whatever its verdicts),
 * -1 when it could not be started. */
static int run_suites(const char *bin, const char *plan_path, const char *work,
                      const char *report_dir, size_t n_entries, int jobs, long budget_ms) {
  char xml[PATH_MAX + 16], log[PATH_MAX], jobs_arg[32];
  snprintf(xml, sizeof xml, "--xml=%s/criterion.xml", report_dir);
  snprintf(log, sizeof log, "%s/criterion.log", work);
  snprintf(jobs_arg, sizeof jobs_arg, "--jobs=%d", jobs);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "apiharness certify: fork: %s\n", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    setenv("APIHARNESS_PLAN", plan_path, 1);
    /* certify itself may run inside a Criterion test (its BoxFort worker
     * variables would make the suites believe they are a worker too) */
    unsetenv("BXFI_MAP");
    execl(bin, "apiharness-conformance", jobs_arg, xml, "--always-succeed", (char *)NULL);
    _exit(127);
  }
  setpgid(pid, pid);
  int tty = isatty(2);
  long long start = mono_ms(), last_print = 0;
  size_t done = 0, failures = 0;
  char *seen = calloc(n_entries ? n_entries : 1, 1);
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    /* count results */
    for (size_t i = 0; seen && i < n_entries; i++) {
      if (seen[i])
        continue;
      char path[PATH_MAX];
      snprintf(path, sizeof path, "%s/%zu.json", work, i);
      if (access(path, R_OK) != 0)
        continue;
      cJSON *r = read_json(path);
      const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
      if (r) {
        seen[i] = 1;
        done++;
        if (cJSON_IsString(st) && !strcmp(st->valuestring, "fail"))
          failures++;
      }
      cJSON_Delete(r);
    }
    long long now = mono_ms();
    if (tty || now - last_print >= 2000 || w == pid) {
      fprintf(stderr, "%scertify: %zu/%zu cases done, %zu failing%s", tty ? "\r" : "", done,
              n_entries, failures, tty ? "   " : "\n");
      last_print = now;
    }
    if (w == pid || w < 0)
      break;
    if (now - start > budget_ms) {
      fprintf(stderr, "\napiharness certify: the suites ran over %ld s: stopped\n",
              budget_ms / 1000);
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (tty)
    fprintf(stderr, "\n");
  free(seen);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    fprintf(stderr, "apiharness certify: could not execute %s\n", bin);
    return -1;
  }
  return 0;
}

/* ---- the embedded mock, in its own process ----
 *
 * The runners fork one child per case.  Forking a process that has other
 * threads (the mock's server threads) is only safe for async-signal-safe
 * code in the child: a mock thread holding an allocator lock (ASan's, a
 * libc's) at fork time leaves the child blocked forever, and the case ends
 * as a spurious "error".  So the mock is served by a child process forked
 * while certify is still single-threaded; certify itself never runs a
 * thread. */

typedef struct {
  pid_t pid;   /* 0: none */
  int life_fd; /* write end the mock process watches: closing it stops the mock */
} mock_proc;

/* Starts the mock process; 0 and *port, or -1 with err filled. */
static int mock_proc_start(const hmock_options *mo, mock_proc *mp, int *port, char *err,
                           size_t errlen) {
  int up[2], down[2];
  mp->pid = 0;
  mp->life_fd = -1;
  if (pipe(up) != 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe(down) != 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    close(up[0]);
    close(up[1]);
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);
    return -1;
  }
  if (pid == 0) {
    close(up[0]);
    close(down[1]);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN); /* the parent stops it, also after a Ctrl-C */
    char e[512] = "";
    hmock *m = hmock_start(mo, e, sizeof e);
    char line[600];
    int n = m ? snprintf(line, sizeof line, "P%d\n", hmock_port(m))
              : snprintf(line, sizeof line, "E%s\n", e);
    if (write(up[1], line, (size_t)n) < 0) {
      /* the parent is gone: nothing to tell */
    }
    close(up[1]);
    char c;
    while (m && (read(down[0], &c, 1) > 0 || errno == EINTR))
      ;
    hmock_stop(m);
    _exit(m ? 0 : 2);
  }
  close(up[1]);
  close(down[0]);
  char line[600];
  size_t got = 0;
  long long until = mono_ms() + 30000;
  while (got + 1 < sizeof line && mono_ms() < until) {
    struct timespec ts = {0, 5 * 1000000L};
    ssize_t k = read(up[0], line + got, sizeof line - 1 - got);
    if (k > 0) {
      got += (size_t)k;
      if (memchr(line, '\n', got))
        break;
    } else if (k == 0) {
      break;
    } else if (errno != EINTR) {
      break;
    }
    nanosleep(&ts, NULL);
  }
  close(up[0]);
  line[got] = '\0';
  char *nl = strchr(line, '\n');
  if (nl)
    *nl = '\0';
  mp->pid = pid;
  mp->life_fd = down[1];
  if (line[0] == 'P' && atoi(line + 1) > 0) {
    *port = atoi(line + 1);
    return 0;
  }
  snprintf(err, errlen, "%s", line[0] == 'E' ? line + 1 : "the mock process did not start");
  return -1;
}

/* Stops the mock process (closes its lifeline, waits up to 5 s, then kills). */
static void mock_proc_stop(mock_proc *mp) {
  if (mp->life_fd >= 0)
    close(mp->life_fd);
  mp->life_fd = -1;
  if (mp->pid <= 0)
    return;
  int status;
  long long until = mono_ms() + 5000;
  while (waitpid(mp->pid, &status, WNOHANG) == 0) {
    if (mono_ms() > until) {
      kill(mp->pid, SIGKILL);
      waitpid(mp->pid, &status, 0);
      break;
    }
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  mp->pid = 0;
}

/* The forked runner: every entry in its own child process (forked from this
 * one: spec, rules and catalogue are already loaded), `jobs` at a time, each
 * killed when it overruns its deadline (no result file -> "error"). */
static int run_forked(const cJSON *plan, const hrules *rules, const cJSON *cat, const char *work,
                      size_t n_entries, int jobs, long per_case_ms) {
  typedef struct {
    pid_t pid;
    size_t index;
    long long deadline;
  } slot;
  slot *run = calloc((size_t)jobs, sizeof *run);
  if (!run)
    return -1;
  int tty = isatty(2);
  size_t next = 0, done = 0, failures = 0;
  int nrun = 0;
  long long last_print = 0;
  fflush(NULL);
  while (next < n_entries || nrun > 0) {
    while (nrun < jobs && next < n_entries) {
      pid_t pid = fork();
      if (pid < 0) {
        if (nrun == 0) {
          fprintf(stderr, "apiharness certify: fork: %s\n", strerror(errno));
          free(run);
          return -1;
        }
        break;
      }
      if (pid == 0) {
        char err[HCASES_MSG_MAX];
        alarm((unsigned)(per_case_ms / 1000 + 2));
        int rc = hrun_entry(plan, next, rules, cat, err);
        if (rc != 0)
          fprintf(stderr, "apiharness certify: %s\n", err);
        fflush(NULL);
        _exit(rc == 0 ? 0 : 3);
      }
      for (int k = 0; k < jobs; k++)
        if (!run[k].pid) {
          run[k] = (slot){pid, next, mono_ms() + per_case_ms};
          break;
        }
      nrun++;
      next++;
    }
    int status;
    pid_t w = waitpid(-1, &status, WNOHANG);
    long long now = mono_ms();
    int progressed = 0;
    for (int k = 0; k < jobs; k++) {
      if (!run[k].pid)
        continue;
      if (w == run[k].pid) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%zu.json", work, run[k].index);
        cJSON *r = read_json(path);
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
        if (!r || (cJSON_IsString(st) && !strcmp(st->valuestring, "fail")))
          failures++;
        cJSON_Delete(r);
        run[k].pid = 0;
        nrun--;
        done++;
        progressed = 1;
      } else if (now > run[k].deadline) {
        kill(run[k].pid, SIGKILL); /* reaped by a later waitpid */
        run[k].deadline = now + 60000;
      }
    }
    if (tty ? progressed : (now - last_print >= 2000 || (next == n_entries && nrun == 0))) {
      fprintf(stderr, "%scertify: %zu/%zu cases done, %zu failing%s", tty ? "\r" : "", done,
              n_entries, failures, tty ? "   " : "\n");
      last_print = now;
    }
    if (w <= 0 && !progressed) {
      struct timespec ts = {0, 2 * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  if (tty)
    fprintf(stderr, "\n");
  free(run);
  return 0;
}

/* ---- aggregation ---- */

typedef struct {
  cJSON *obj; /* the requirement entry in the report */
  int rank;   /* worst status seen, -1: none */
  int error;  /* a case of it could not run */
  const char *skip_reason;
  cJSON *cases; /* ids */
} req_acc;

static req_acc *find_req(req_acc *reqs, size_t n, const char *id) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(cJSON_GetObjectItemCaseSensitive(reqs[i].obj, "id")->valuestring, id))
      return &reqs[i];
  return NULL;
}

static void list_case(req_acc *r, const char *case_id) {
  int n = cJSON_GetArraySize(r->cases);
  if (n >= REQ_CASES_LISTED)
    return;
  for (const cJSON *c = r->cases->child; c; c = c->next)
    if (!strcmp(c->valuestring, case_id))
      return;
  cJSON_AddItemToArray(r->cases, cJSON_CreateString(case_id));
}

static void xml_escape(FILE *f, const char *s) {
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '<')
      fputs("&lt;", f);
    else if (c == '>')
      fputs("&gt;", f);
    else if (c == '&')
      fputs("&amp;", f);
    else if (c == '"')
      fputs("&quot;", f);
    else if (c < 0x20 && c != '\t')
      fputc(' ', f);
    else
      fputc(c, f);
  }
}

static int write_junit(const char *path, const cJSON *cases, double seconds) {
  char tmp[PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  int total = 0, fails = 0, errors = 0, skips = 0;
  for (const cJSON *c = cases->child; c; c = c->next) {
    const char *st = cJSON_GetObjectItemCaseSensitive(c, "status")->valuestring;
    total++;
    fails += !strcmp(st, "fail");
    errors += !strcmp(st, "error");
    skips += !strcmp(st, "skip");
  }
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(f,
          "<testsuites name=\"apiharness certify\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
          "skipped=\"%d\" time=\"%.3f\">\n",
          total, fails, errors, skips, seconds);
  fprintf(f,
          "  <testsuite name=\"conformance\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
          "skipped=\"%d\" time=\"%.3f\">\n",
          total, fails, errors, skips, seconds);
  for (const cJSON *c = cases->child; c; c = c->next) {
    const char *id = cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring;
    const char *cls = cJSON_GetObjectItemCaseSensitive(c, "class")->valuestring;
    const char *st = cJSON_GetObjectItemCaseSensitive(c, "status")->valuestring;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(c, "detail");
    const char *detail = cJSON_IsString(d) ? d->valuestring : "";
    fprintf(f, "    <testcase classname=\"conformance.");
    xml_escape(f, cls);
    fprintf(f, "\" name=\"");
    xml_escape(f, id);
    fprintf(f, "\"");
    if (!strcmp(st, "pass") || !strcmp(st, "warn")) {
      if (!strcmp(st, "warn")) {
        fprintf(f, "><system-out>warning: ");
        xml_escape(f, detail);
        fprintf(f, "</system-out></testcase>\n");
      } else {
        fprintf(f, "/>\n");
      }
      continue;
    }
    const char *tag = !strcmp(st, "fail") ? "failure" : !strcmp(st, "error") ? "error" : "skipped";
    fprintf(f, "><%s message=\"", tag);
    xml_escape(f, detail);
    fprintf(f, "\"/></testcase>\n");
  }
  fprintf(f, "  </testsuite>\n</testsuites>\n");
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    remove(tmp);
    return -1;
  }
  return 0;
}

static const char *req_class_guess(const char *id) {
  if (!strncmp(id, "schema.response.", 16) || !strncmp(id, "response.", 9) ||
      !strncmp(id, "rfc9457.", 8))
    return "response";
  if (!strncmp(id, "semantics.", 10))
    return "semantics";
  if (!strncmp(id, "prose.", 6))
    return "prose";
  if (!strncmp(id, "rfc8259.", 8))
    return "rfc8259";
  return "http";
}

int cmd_certify(int argc, char **argv) {
  certify_opts o;
  int pa = parse_args(argc, argv, &o);
  if (pa <= 0)
    return pa == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
  int rc = CLI_EXIT_ERROR;
  hspec *spec = NULL;
  hrules *rules = NULL;
  cJSON *cat = NULL, *plan = NULL, *report = NULL;
  mock_proc mproc = {0, -1};
  int mock = 0; /* the embedded mock serves the run */
  req_acc *reqs = NULL;
  size_t n_reqs = 0;
  char work[PATH_MAX] = "";
  char report_dir[PATH_MAX], base_url[512], bin[PATH_MAX], path[PATH_MAX + 64];
  time_t started = time(NULL);
  long long t0 = mono_ms();

  hspec_error se;
  spec = hspec_load_file(o.spec_path, &se);
  if (!spec) {
    fprintf(stderr, "apiharness certify: %s\n", se.msg);
    goto out;
  }
  hschema_error he;
  rules = hrules_new(spec, &he);
  if (!rules) {
    fprintf(stderr, "apiharness certify: %s\n", he.msg);
    goto out;
  }
  hcases_error ce;
  cat = hcases_generate(rules, (unsigned)o.seed, &ce);
  if (!cat) {
    fprintf(stderr, "apiharness certify: %s\n", ce.msg);
    goto out;
  }
  if (o.criterion && !conformance_binary(bin, sizeof bin)) {
    fprintf(stderr,
            "apiharness certify: the conformance suites are not at %s (build the "
            "apiharness-conformance target, or set APIHARNESS_CONFORMANCE)\n",
            bin);
    goto out;
  }
  if (hclient_global_init() != 0) {
    fprintf(stderr, "apiharness certify: curl_global_init failed\n");
    goto out;
  }

  /* the target */
  if (!o.base_url) {
    hmock_options mo;
    memset(&mo, 0, sizeof mo);
    mo.spec = spec;
    mo.port = 0;
    mo.token = o.labels[0].value;
    for (size_t i = 0; i < o.n_faults; i++)
      mo.faults |= HMOCK_FAULT_BIT(hmock_fault_find(o.faults[i])->id);
    mo.hang_s = (unsigned)(o.timeout_ms / 1000 + 1);
    mo.threads = 4;
    char err[512];
    int port = 0;
    if (mock_proc_start(&mo, &mproc, &port, err, sizeof err) != 0) {
      fprintf(stderr, "apiharness certify: embedded mock: %s\n", err);
      goto out;
    }
    mock = 1;
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", port);
  } else {
    snprintf(base_url, sizeof base_url, "%s", o.base_url);
    size_t bl = strlen(base_url);
    while (bl > 8 && base_url[bl - 1] == '/')
      base_url[--bl] = '\0';
    /* reachability: one request, any HTTP answer will do */
    CURL *h = curl_easy_init();
    hclient_options co = {o.timeout_ms, 0, o.cacert, o.insecure};
    char msg[HCLIENT_MSG_MAX];
    if (!h || hclient_setup(h, &co, msg) != 0) {
      fprintf(stderr, "apiharness certify: libcurl: %s\n", h ? msg : "init failed");
      if (h)
        hclient_cleanup(h);
      goto out;
    }
    char url[1024];
    snprintf(url, sizeof url, "%s%s", base_url, HRULES_PATH);
    hclient_request rq = {"GET", url, NULL, NULL, NULL, 0};
    hclient_response rs;
    hclient_response_init(&rs);
    hclient_perform(h, &co, &rq, &rs);
    /* connected but no answer (silence, garbage): the server is reachable and
     * the cases judge it (timeouts are failures); only a server that cannot
     * be reached at all stops the run */
    hclient_cleanup(h);
    if (rs.status == 0 && !rs.connected) {
      fprintf(stderr, "apiharness certify: %s is unreachable: %s\n", base_url,
              rs.error[0] ? rs.error : "no HTTP response");
      hclient_response_free(&rs);
      goto out;
    }
    hclient_response_free(&rs);
  }

  /* the report dir */
  char stamp[32];
  struct tm tm;
  gmtime_r(&started, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  char run_id[64];
  snprintf(run_id, sizeof run_id, "%s-%04x", stamp,
           (unsigned)((getpid() ^ (unsigned long)mono_ms()) & 0xffff));
  if (o.report_dir) {
    snprintf(report_dir, sizeof report_dir, "%s", o.report_dir);
  } else {
    snprintf(report_dir, sizeof report_dir, "reports/%s", stamp);
    for (int k = 2; access(report_dir, F_OK) == 0 && k < 100; k++)
      snprintf(report_dir, sizeof report_dir, "reports/%s-%d", stamp, k);
  }
  if (mkdirs(report_dir) != 0) {
    fprintf(stderr, "apiharness certify: %s: %s\n", report_dir, strerror(errno));
    goto out;
  }
  if (!o.report_dir) {
    char tmp_link[PATH_MAX];
    snprintf(tmp_link, sizeof tmp_link, "reports/.latest.%ld", (long)getpid());
    unlink(tmp_link);
    if (symlink(report_dir + strlen("reports/"), tmp_link) != 0 ||
        rename(tmp_link, "reports/latest") != 0) {
      unlink(tmp_link);
      fprintf(stderr, "apiharness certify: warning: could not update reports/latest\n");
    }
  }
  snprintf(work, sizeof work, "/tmp/apiharness-certify-XXXXXX");
  if (!mkdtemp(work)) {
    fprintf(stderr, "apiharness certify: mkdtemp: %s\n", strerror(errno));
    work[0] = '\0';
    goto out;
  }
  snprintf(path, sizeof path, "%s/catalogue.json", report_dir);
  if (hcases_write_file(cat, path, &ce) != 0) {
    fprintf(stderr, "apiharness certify: %s\n", ce.msg);
    goto out;
  }

  /* the plan */
  plan = cJSON_CreateObject();
  cJSON_AddStringToObject(plan, "catalogue", path);
  char spec_abs[PATH_MAX];
  if (!realpath(o.spec_path, spec_abs))
    snprintf(spec_abs, sizeof spec_abs, "%s", o.spec_path);
  cJSON_AddStringToObject(plan, "spec", spec_abs);
  cJSON_AddStringToObject(plan, "base_url", base_url);
  cJSON_AddStringToObject(plan, "profile", o.profile_name);
  cJSON_AddNumberToObject(plan, "timeout_ms", (double)o.timeout_ms);
  cJSON_AddStringToObject(plan, "run_id", run_id);
  cJSON_AddStringToObject(plan, "results_dir", work);
  if (o.rate > 0) {
    char rf[PATH_MAX];
    snprintf(rf, sizeof rf, "%s/rate", work);
    cJSON_AddStringToObject(plan, "rate_file", rf);
    cJSON_AddNumberToObject(plan, "rate_per_s", o.rate);
  }
  if (o.cacert) {
    char ca[PATH_MAX];
    if (!realpath(o.cacert, ca)) {
      fprintf(stderr, "apiharness certify: --cacert %s: %s\n", o.cacert, strerror(errno));
      goto out;
    }
    cJSON_AddStringToObject(plan, "cacert", ca);
  }
  if (o.insecure)
    cJSON_AddTrueToObject(plan, "insecure");
  cJSON *entries = cJSON_AddArrayToObject(plan, "entries");
  long creates = 0;
  size_t n_entries = 0;
  for (size_t li = 0; li < o.n_labels; li++) {
    for (size_t i = 0; i < hcases_count(cat); i++) {
      hcases_case c;
      if (!hcases_at(cat, i, &c, &ce) || !hcases_match(o.filter, c.id))
        continue;
      if (li > 0 && !c.creates)
        continue; /* further labels: the positive cases only */
      cJSON *e = cJSON_CreateObject();
      cJSON_AddStringToObject(e, "case", c.id);
      cJSON_AddStringToObject(e, "label", o.labels[li].label);
      if (o.labels[li].value)
        cJSON_AddStringToObject(e, "token_env", o.labels[li].env);
      if (c.creates && !c.skip && o.max_creates >= 0) {
        if (creates + c.repeat > o.max_creates)
          cJSON_AddStringToObject(e, "skip", "--max-creates reached: not sent");
        else
          creates += c.repeat;
      }
      cJSON_AddItemToArray(entries, e);
      n_entries++;
    }
  }
  if (n_entries == 0) {
    fprintf(stderr, "apiharness certify: --filter '%s' matches no case\n", o.filter);
    goto out;
  }
  char plan_path[PATH_MAX];
  snprintf(plan_path, sizeof plan_path, "%s/plan.json", work);
  if (write_json(plan_path, plan, 0) != 0)
    goto out;
  fprintf(stderr, "certify: %zu cases against %s%s (profile %s), report in %s\n", n_entries,
          base_url, mock ? " (embedded mock)" : "", o.profile_name, report_dir);
  long budget = (long)((double)n_entries * (double)(o.timeout_ms * 3 + 10000) / o.jobs) + 60000;
  if (o.rate > 0)
    budget += (long)((double)n_entries * 2 * 1000.0 / o.rate);
  int jobs = o.rate > 0 ? 1 : o.jobs;
  if (o.criterion) {
    if (run_suites(bin, plan_path, work, report_dir, n_entries, jobs, budget) != 0)
      goto out;
  } else if (run_forked(plan, rules, cat, work, n_entries, jobs,
                        o.timeout_ms * 2 + 5000 + (o.rate > 0 ? (long)(2000.0 / o.rate) : 0)) !=
             0) {
    goto out;
  }

  /* collect the results */
  report = cJSON_CreateObject();
  cJSON *cases = cJSON_CreateArray();
  cJSON *created = cJSON_CreateArray();
  const cJSON *cat_reqs = cJSON_GetObjectItemCaseSensitive(cat, "requirements");
  size_t cap_reqs = (size_t)cJSON_GetArraySize(cat_reqs) + 64;
  reqs = calloc(cap_reqs, sizeof *reqs);
  if (!reqs)
    goto out;
  for (const cJSON *r = cat_reqs->child; r; r = r->next) {
    reqs[n_reqs].obj = cJSON_Duplicate(r, 1);
    reqs[n_reqs].rank = -1;
    reqs[n_reqs].cases = cJSON_CreateArray();
    n_reqs++;
  }
  char server[256] = "";
  size_t counts[5] = {0}; /* pass fail warn skip error */
  struct {
    size_t cases, fails;
    int rank;
  } label_stats[MAX_LABELS];
  memset(label_stats, 0, sizeof label_stats);
  size_t ei = 0;
  for (const cJSON *e = entries->child; e; e = e->next, ei++) {
    const char *case_id = cJSON_GetObjectItemCaseSensitive(e, "case")->valuestring;
    const char *label = cJSON_GetObjectItemCaseSensitive(e, "label")->valuestring;
    size_t li = 0;
    while (li + 1 < o.n_labels && strcmp(o.labels[li].label, label))
      li++;
    hcases_case c;
    hcases_at(cat, (size_t)hcases_find(cat, case_id), &c, &ce);
    snprintf(path, sizeof path, "%s/%zu.json", work, ei);
    cJSON *res = read_json(path);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(res, "status");
    if (!res || !cJSON_IsString(st)) {
      cJSON_Delete(res);
      res = cJSON_CreateObject();
      cJSON_AddStringToObject(res, "id", case_id);
      cJSON_AddStringToObject(res, "requirement", c.requirement);
      cJSON_AddStringToObject(res, "class", c.klass);
      cJSON_AddStringToObject(res, "title", c.title ? c.title : "");
      cJSON_AddStringToObject(res, "label", label);
      cJSON_AddStringToObject(res, "status", "error");
      cJSON_AddStringToObject(res, "detail",
                              "the case's test process crashed or was killed before it wrote a "
                              "result (see criterion.xml)");
      cJSON_AddItemToObject(res, "checks", cJSON_CreateArray());
    }
    if (li > 0) {
      char id2[256];
      snprintf(id2, sizeof id2, "%s@%s", case_id, label);
      cJSON_ReplaceItemInObjectCaseSensitive(res, "id", cJSON_CreateString(id2));
    }
    const char *status = cJSON_GetObjectItemCaseSensitive(res, "status")->valuestring;
    const char *shown_id = cJSON_GetObjectItemCaseSensitive(res, "id")->valuestring;
    int rank = status_rank(status);
    counts[rank == 1 ? 0 : rank == 3 ? 1 : rank == 2 ? 2 : rank == 0 ? 3 : 4]++;
    label_stats[li].cases++;
    if (rank == 3 || rank < 0)
      label_stats[li].fails++;
    if ((rank < 0 ? 3 : rank) > label_stats[li].rank)
      label_stats[li].rank = rank < 0 ? 3 : rank;
    const cJSON *srv = cJSON_GetObjectItemCaseSensitive(res, "server");
    if (!server[0] && cJSON_IsString(srv))
      snprintf(server, sizeof server, "%s", srv->valuestring);
    cJSON_DeleteItemFromObjectCaseSensitive(res, "server");
    /* created resources */
    cJSON *cr = cJSON_DetachItemFromObjectCaseSensitive(res, "created");
    for (cJSON *x = cr ? cr->child : NULL; x; x = x->next)
      cJSON_AddItemToArray(created, cJSON_Duplicate(x, 1));
    cJSON_Delete(cr);
    /* fold into requirements: the case's own, and every check's */
    req_acc *own = find_req(reqs, n_reqs, c.requirement);
    if (own) {
      list_case(own, shown_id);
      /* its status comes from the checks that carry it ("status"); a skipped
       * case counts as a skip, a case that could not run as an error */
      if (rank < 0)
        own->error = 1;
      else if (rank == 0 && own->rank < 0)
        own->rank = 0;
      if (rank == 0 && !own->skip_reason) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(res, "detail");
        own->skip_reason = cJSON_IsString(d) ? d->valuestring : NULL;
      }
    }
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(res, "checks");
    for (const cJSON *k = cJSON_IsArray(checks) ? checks->child : NULL; k; k = k->next) {
      const cJSON *kr = cJSON_GetObjectItemCaseSensitive(k, "requirement");
      const cJSON *ks = cJSON_GetObjectItemCaseSensitive(k, "status");
      if (!cJSON_IsString(kr) || !kr->valuestring[0] || !cJSON_IsString(ks))
        continue;
      req_acc *ra = find_req(reqs, n_reqs, kr->valuestring);
      if (!ra && n_reqs < cap_reqs) {
        ra = &reqs[n_reqs++];
        ra->obj = cJSON_CreateObject();
        cJSON_AddStringToObject(ra->obj, "id", kr->valuestring);
        cJSON_AddStringToObject(ra->obj, "class", req_class_guess(kr->valuestring));
        cJSON_AddStringToObject(ra->obj, "title", kr->valuestring);
        cJSON_AddStringToObject(ra->obj, "source", "http");
        ra->rank = -1;
        ra->cases = cJSON_CreateArray();
      }
      if (!ra)
        continue;
      int kr_rank = status_rank(ks->valuestring);
      if (kr_rank > ra->rank)
        ra->rank = kr_rank;
      if (kr_rank >= 2)
        list_case(ra, shown_id);
    }
    cJSON_AddItemToArray(cases, res);
  }
  /* the requirements' final status */
  cJSON *req_arr = cJSON_CreateArray();
  int any_fail = 0;
  for (size_t i = 0; i < n_reqs; i++) {
    req_acc *r = &reqs[i];
    int rank = r->rank;
    if (r->error)
      rank = 3; /* what could not run cannot be certified */
    const char *st = rank < 0 ? "skip" : rank_name(rank);
    any_fail |= rank == 3;
    cJSON_AddStringToObject(r->obj, "status", st);
    cJSON_AddItemToObject(r->obj, "cases", r->cases);
    r->cases = NULL;
    if (!strcmp(st, "skip"))
      cJSON_AddStringToObject(r->obj, "reason",
                              r->skip_reason ? r->skip_reason
                                             : "no case of it ran (filter, max-creates or no "
                                               "applicable response)");
    if (r->error)
      cJSON_AddStringToObject(r->obj, "reason", "a case of it could not run (error)");
    cJSON_AddItemToArray(req_arr, r->obj);
    r->obj = NULL;
  }
  time_t finished = time(NULL);
  long long dur = mono_ms() - t0;
  char ts[32];
  cJSON_AddStringToObject(report, "format", HREPORT_FORMAT);
  cJSON_AddStringToObject(report, "verdict", any_fail ? "non-compliant" : "compliant");
  cJSON *tool = cJSON_AddObjectToObject(report, "tool");
  cJSON_AddStringToObject(tool, "name", "apiharness");
  cJSON_AddStringToObject(tool, "version", APIHARNESS_VERSION);
  cJSON_AddStringToObject(report, "run_id", run_id);
  iso_time(started, ts, sizeof ts);
  cJSON_AddStringToObject(report, "started_at", ts);
  iso_time(finished, ts, sizeof ts);
  cJSON_AddStringToObject(report, "finished_at", ts);
  cJSON_AddNumberToObject(report, "duration_ms", (double)dur);
  cJSON *js = cJSON_AddObjectToObject(report, "spec");
  cJSON_AddStringToObject(js, "title", hspec_title(spec) ? hspec_title(spec) : "");
  cJSON_AddStringToObject(js, "version", hspec_version(spec) ? hspec_version(spec) : "");
  cJSON_AddStringToObject(js, "sha256", hspec_sha256(spec));
  cJSON_AddStringToObject(js, "path", o.spec_path);
  cJSON *jt = cJSON_AddObjectToObject(report, "target");
  cJSON_AddStringToObject(jt, "url", base_url);
  if (server[0])
    cJSON_AddStringToObject(jt, "server", server);
  else
    cJSON_AddNullToObject(jt, "server");
  cJSON_AddBoolToObject(jt, "embedded_mock", mock);
  if (mock) {
    cJSON *f = cJSON_AddArrayToObject(jt, "faults");
    for (size_t i = 0; i < o.n_faults; i++)
      cJSON_AddItemToArray(f, cJSON_CreateString(o.faults[i]));
  }
  cJSON_AddStringToObject(report, "profile", o.profile_name);
  cJSON_AddNumberToObject(report, "seed", (double)o.seed);
  cJSON_AddStringToObject(report, "filter", o.filter);
  cJSON *sum = cJSON_AddObjectToObject(report, "summary");
  cJSON_AddNumberToObject(sum, "requirements", (double)n_reqs);
  cJSON_AddNumberToObject(sum, "cases", (double)n_entries);
  cJSON_AddNumberToObject(sum, "pass", (double)counts[0]);
  cJSON_AddNumberToObject(sum, "fail", (double)counts[1]);
  cJSON_AddNumberToObject(sum, "warn", (double)counts[2]);
  cJSON_AddNumberToObject(sum, "skip", (double)counts[3]);
  cJSON_AddNumberToObject(sum, "error", (double)counts[4]);
  cJSON_AddItemToObject(report, "requirements", req_arr);
  cJSON_AddItemToObject(report, "cases", cases);
  cJSON_AddItemToObject(report, "created_resources", created);
  if (o.n_labels > 1) {
    cJSON *m = cJSON_AddArrayToObject(report, "token_matrix");
    for (size_t li = 0; li < o.n_labels; li++) {
      cJSON *x = cJSON_CreateObject();
      cJSON_AddStringToObject(x, "label", o.labels[li].label);
      cJSON_AddStringToObject(x, "status", rank_name(label_stats[li].rank));
      cJSON_AddNumberToObject(x, "cases", (double)label_stats[li].cases);
      cJSON_AddNumberToObject(x, "fail", (double)label_stats[li].fails);
      cJSON_AddItemToArray(m, x);
    }
  }
  snprintf(path, sizeof path, "%s/compliance.json", report_dir);
  if (write_json(path, report, 1) != 0)
    goto out;
  snprintf(path, sizeof path, "%s/junit.xml", report_dir);
  if (write_junit(path, cases, (double)dur / 1000.0) != 0) {
    fprintf(stderr, "apiharness certify: %s: cannot write\n", path);
    goto out;
  }
  char verr[512];
  if (hreport_write_views(report_dir, verr, sizeof verr) != 0) {
    fprintf(stderr, "apiharness certify: report views: %s\n", verr);
    goto out;
  }

  /* the summary table */
  static const char *const classes[] = {"positive", "negative-body", "raw-bytes", "http",
                                        "semantics"};
  printf("%-15s %6s %6s %6s %6s %6s\n", "class", "pass", "fail", "warn", "skip", "error");
  for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++) {
    size_t cnt[5] = {0};
    for (const cJSON *c = cases->child; c; c = c->next) {
      if (strcmp(cJSON_GetObjectItemCaseSensitive(c, "class")->valuestring, classes[k]))
        continue;
      int r = status_rank(cJSON_GetObjectItemCaseSensitive(c, "status")->valuestring);
      cnt[r == 1 ? 0 : r == 3 ? 1 : r == 2 ? 2 : r == 0 ? 3 : 4]++;
    }
    printf("%-15s %6zu %6zu %6zu %6zu %6zu\n", classes[k], cnt[0], cnt[1], cnt[2], cnt[3], cnt[4]);
  }
  printf("%-15s %6zu %6zu %6zu %6zu %6zu\n", "total", counts[0], counts[1], counts[2], counts[3],
         counts[4]);
  int shown = 0;
  for (const cJSON *r = req_arr->child; r; r = r->next) {
    if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "status")->valuestring, "fail"))
      continue;
    if (!shown++)
      printf("\nfailing requirements:\n");
    const cJSON *rc2 = cJSON_GetObjectItemCaseSensitive(r, "cases");
    printf("  %-48s %s\n", cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring,
           cJSON_IsArray(rc2) && rc2->child ? rc2->child->valuestring : "");
  }
  if (cJSON_GetArraySize(created))
    printf("\n%d token(s) created on the target: ids listed under created_resources\n",
           cJSON_GetArraySize(created));
  printf("\nverdict: %s (%zu requirements, %zu cases, %.1f s)\nreport: %s/compliance.html\n",
         any_fail ? "NON-COMPLIANT" : "COMPLIANT", n_reqs, n_entries, (double)dur / 1000.0,
         report_dir);
  rc = any_fail ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
  if (reqs) {
    for (size_t i = 0; i < n_reqs; i++) {
      cJSON_Delete(reqs[i].obj);
      cJSON_Delete(reqs[i].cases);
    }
    free(reqs);
  }
  if (work[0])
    remove_tree(work);
  cJSON_Delete(report);
  cJSON_Delete(plan);
  mock_proc_stop(&mproc);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
  return rc;
}
