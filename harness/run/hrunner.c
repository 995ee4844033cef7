/* hrunner: the catalogue runners below the CLI.  See hrunner.h. */
#include "run/hrunner.h"

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
#include "client/hrun.h"
#include "report/hreport.h"
#include "run/hstop.h"

/* paths and messages are cut to their fixed buffers on purpose */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

int hrunner_mkdirs(const char *path) {
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

int hrunner_write_json(const char *path, const cJSON *json, int pretty) {
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

cJSON *hrunner_read_json(const char *path) {
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

void hrunner_remove_tree(const char *dir) {
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

long long hrunner_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hrunner_conformance_binary(char *buf, size_t cap) {
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

/* Runs the conformance binary; returns 0 when it ran (whatever its verdicts),
 * -1 when it could not be started. */
int hrunner_suites(const char *bin, const char *plan_path, const char *work, const char *report_dir,
                   size_t n_entries, int jobs, long budget_ms) {
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
    hstop_child_reset();
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
  int stop_slot = hstop_child_add(-pid);
  int tty = isatty(2);
  long long start = hrunner_mono_ms(), last_print = 0;
  size_t done = 0, failures = 0;
  char *seen = calloc(n_entries ? n_entries : 1, 1);
  int status = 0, interrupted = 0;
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
      cJSON *r = hrunner_read_json(path);
      const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
      if (r) {
        seen[i] = 1;
        done++;
        if (cJSON_IsString(st) && !strcmp(st->valuestring, "fail"))
          failures++;
      }
      cJSON_Delete(r);
    }
    long long now = hrunner_mono_ms();
    if (tty || now - last_print >= 2000 || w == pid) {
      fprintf(stderr, "%scertify: %zu/%zu cases done, %zu failing%s", tty ? "\r" : "", done,
              n_entries, failures, tty ? "   " : "\n");
      last_print = now;
    }
    if (w == pid || w < 0)
      break;
    if (hstop_requested()) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      interrupted = 1;
      break;
    }
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
  hstop_child_remove(stop_slot);
  if (tty)
    fprintf(stderr, "\n");
  free(seen);
  if (interrupted)
    return 1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    fprintf(stderr, "apiharness certify: could not execute %s\n", bin);
    return -1;
  }
  return 0;
}

/* The forked runner: every entry in its own child process (forked from this
 * one: spec, rules and catalogue are already loaded), `jobs` at a time, each
 * killed when it overruns its deadline (no result file -> "error"). */
int hrunner_forked(const cJSON *plan, const hrules *rules, const cJSON *cat, const char *work,
                   size_t n_entries, int jobs, long per_case_ms) {
  typedef struct {
    pid_t pid;
    size_t index;
    long long deadline;
    int stop_slot;
  } slot;
  slot *run = calloc((size_t)jobs, sizeof *run);
  if (!run)
    return -1;
  int tty = isatty(2);
  size_t next = 0, done = 0, failures = 0;
  int nrun = 0;
  long long last_print = 0;
  fflush(NULL);
  int interrupted = 0;
  while (next < n_entries || nrun > 0) {
    if (hstop_requested() && !interrupted) {
      /* stop scheduling; the running cases are killed (no result: not run) */
      interrupted = 1;
      next = n_entries;
      for (int k = 0; k < jobs; k++)
        if (run[k].pid)
          kill(run[k].pid, SIGKILL);
    }
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
        hstop_child_reset();
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
          run[k] = (slot){pid, next, hrunner_mono_ms() + per_case_ms, hstop_child_add(pid)};
          break;
        }
      nrun++;
      next++;
    }
    int status;
    pid_t w = waitpid(-1, &status, WNOHANG);
    long long now = hrunner_mono_ms();
    int progressed = 0;
    for (int k = 0; k < jobs; k++) {
      if (!run[k].pid)
        continue;
      if (w == run[k].pid) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%zu.json", work, run[k].index);
        cJSON *r = hrunner_read_json(path);
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
        if (!r || (cJSON_IsString(st) && !strcmp(st->valuestring, "fail")))
          failures++;
        cJSON_Delete(r);
        hstop_child_remove(run[k].stop_slot);
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
  return interrupted ? 1 : 0;
}

cJSON *hrunner_result(const char *work, size_t index, const hcases_case *c, const char *case_id,
                      const char *label, int relabel) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%zu.json", work, index);
  cJSON *res = hrunner_read_json(path);
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(res, "status");
  if (!res || !cJSON_IsString(st)) {
    cJSON_Delete(res);
    res = cJSON_CreateObject();
    if (!res)
      return NULL;
    cJSON_AddStringToObject(res, "id", case_id);
    cJSON_AddStringToObject(res, "requirement", c->requirement);
    cJSON_AddStringToObject(res, "class", c->klass);
    cJSON_AddStringToObject(res, "title", c->title ? c->title : "");
    cJSON_AddStringToObject(res, "label", label);
    cJSON_AddStringToObject(res, "status", "error");
    cJSON_AddStringToObject(res, "detail",
                            "the case's test process crashed or was killed before it wrote a "
                            "result (see criterion.xml)");
    cJSON_AddItemToObject(res, "checks", cJSON_CreateArray());
  }
  if (relabel) {
    char id2[256];
    snprintf(id2, sizeof id2, "%s@%s", case_id, label);
    cJSON_ReplaceItemInObjectCaseSensitive(res, "id", cJSON_CreateString(id2));
  }
  if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(res, "id")) ||
      !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(res, "status"))) {
    cJSON_Delete(res);
    return NULL;
  }
  return res;
}

int hrunner_has_result(const char *work, size_t index) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%zu.json", work, index);
  return access(path, R_OK) == 0;
}

cJSON *hrunner_explore(const hrules *rules, const hexplore_config *cfg, const char *work,
                       int *interrupted, char *err) {
  *interrupted = 0;
  err[0] = '\0';
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/explore.json", work);
  unlink(path);
  if (hstop_requested()) {
    *interrupted = 1;
    return NULL;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, HEXPLORE_MSG_MAX, "fork: %s", strerror(errno));
    return NULL;
  }
  if (pid == 0) {
    hstop_child_reset();
    char xerr[HEXPLORE_MSG_MAX];
    cJSON *x = hexplore_run(rules, cfg, xerr);
    if (!x) {
      x = cJSON_CreateObject();
      if (x)
        cJSON_AddStringToObject(x, "hrunner_error", xerr);
    }
    int rc = x && hrunner_write_json(path, x, 0) == 0 ? 0 : 3;
    cJSON_Delete(x);
    fflush(NULL);
    _exit(rc);
  }
  int slot = hstop_child_add(pid);
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR))
      break;
    if (hstop_requested()) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
      *interrupted = 1;
      break;
    }
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  hstop_child_remove(slot);
  /* a Ctrl-C reaches the whole process group: the child may die of it just
   * before this process's own handler runs */
  if (!*interrupted && WIFSIGNALED(status) &&
      (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM))
    *interrupted = 1;
  if (*interrupted) {
    unlink(path);
    return NULL;
  }
  cJSON *x = hrunner_read_json(path);
  unlink(path);
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(x, "hrunner_error");
  if (!x || cJSON_IsString(e)) {
    snprintf(err, HEXPLORE_MSG_MAX, "%s",
             cJSON_IsString(e)     ? e->valuestring
             : WIFSIGNALED(status) ? "the explore process was killed"
                                   : "the explore process wrote no result");
    cJSON_Delete(x);
    return NULL;
  }
  return x;
}
