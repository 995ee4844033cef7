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
#include "rules/hstatus.h"
#include "run/hstop.h"
#include "util/hutil.h"

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
  int rc = hutil_write_atomic_ex(path, text, strlen(text), HUTIL_WRITE_SCRATCH, err, sizeof err);
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

/* A journal record: a start, or a result (kept, parsed once). */
static void on_record(void *ctx, char kind, size_t index, const char *text, size_t len) {
  hrunner_results *rs = ctx;
  if (index >= rs->n || rs->state[index] == 2)
    return; /* not an entry of this plan, or a second result: the first counts */
  if (kind == 'S') {
    rs->state[index] = 1;
    return;
  }
  cJSON *r = cJSON_ParseWithLength(text, len);
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
  if (!cJSON_IsString(st) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "id"))) {
    cJSON_Delete(r); /* unreadable: the entry stays "started, no result" */
    rs->state[index] = 1;
    return;
  }
  rs->items[index] = r;
  rs->state[index] = 2;
  rs->done++;
  if (hstatus_parse(st->valuestring) == HSTATUS_FAIL)
    rs->failures++;
}

/* Reads what the journals not complete yet have gained. */
static void poll_journals(hrunner_results *rs) {
  for (size_t k = 0; k < rs->n_journals; k++) {
    hrunner_journal *j = &rs->journals[k];
    if (j->got >= j->count || j->r.corrupt)
      continue;
    size_t before = rs->done;
    if (hjournal_poll(&j->r, rs->work, on_record, rs) != 0 && j->r.corrupt)
      fprintf(stderr,
              "apiharness certify: the journal of batch %zu is unreadable or malformed: its "
              "entries without a result are errors\n",
              j->r.first);
    j->got += rs->done - before;
  }
}

/* The journal of the batch (first, count): a new one, or the one a previous
 * round gave the same first entry (a rerun appends to it).  0, or -1 when out
 * of memory. */
static int add_journal(hrunner_results *rs, size_t first, size_t count) {
  for (size_t k = 0; k < rs->n_journals; k++)
    if (rs->journals[k].r.first == first) {
      rs->journals[k].count += count;
      return 0;
    }
  if (rs->n_journals == rs->cap_journals) {
    size_t cap = rs->cap_journals ? rs->cap_journals * 2 : 16;
    hrunner_journal *j = realloc(rs->journals, cap * sizeof *j);
    if (!j)
      return -1;
    rs->journals = j;
    rs->cap_journals = cap;
  }
  hrunner_journal *j = &rs->journals[rs->n_journals++];
  hjournal_reader_init(&j->r, first);
  j->count = count;
  j->got = 0;
  return 0;
}

/* One run of the conformance binary over the given batches: 0 when it ran
 * (whatever its verdicts), 1 when interrupted, 2 when it overran the budget,
 * -1 when it could not be started. */
static int run_binary(const hrunner_config *rc, const char *batches, int with_explore, int round,
                      long long deadline) {
  hrunner_results *rs = rc->results;
  char xml[PATH_MAX + 32], log[PATH_MAX], jobs_arg[32];
  if (round == 0)
    snprintf(xml, sizeof xml, "--xml=%s/criterion.xml", rc->report_dir);
  else
    snprintf(xml, sizeof xml, "--xml=%s/criterion-%d.xml", rc->report_dir, round);
  snprintf(log, sizeof log, "%s/criterion-%d.log", rc->work, round);
  snprintf(jobs_arg, sizeof jobs_arg, "--jobs=%d", rc->jobs);
  fflush(NULL);
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
    setenv("APIHARNESS_PLAN", rc->plan_path, 1);
    setenv("APIHARNESS_BATCHES", batches, 1);
    /* certify itself may run inside a Criterion test (its BoxFort worker
     * variables would make the suites believe they are a worker too) */
    unsetenv("BXFI_MAP");
    if (with_explore)
      execl(rc->bin, "apiharness-conformance", jobs_arg, xml, "--always-succeed", (char *)NULL);
    else
      execl(rc->bin, "apiharness-conformance", jobs_arg, xml, "--always-succeed",
            "--filter=conformance/*", (char *)NULL);
    _exit(127);
  }
  setpgid(pid, pid);
  int stop_slot = hstop_child_add(-pid);
  int tty = isatty(2);
  long long last_print = 0;
  int status = 0, outcome = 0, ended = 0;
  for (;;) {
    poll_journals(rs); /* after the exit too: the last records are read */
    long long now = hutil_mono_ms();
    if (tty || now - last_print >= 2000 || ended) {
      fprintf(stderr, "%scertify: %zu/%zu cases done, %zu failing%s", tty ? "\r" : "", rs->done,
              rc->n_entries, rs->failures, tty ? "   " : "\n");
      last_print = now;
    }
    if (ended)
      break;
    if (hstop_requested() || now > deadline) {
      if (!hstop_requested())
        fprintf(stderr, "\napiharness certify: the suites ran over %ld s: stopped\n",
                rc->budget_ms / 1000);
      outcome = hstop_requested() ? 1 : 2;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      poll_journals(rs); /* what finished before the kill counts */
      break;
    }
    /* the next look at the journals in 20 ms, or at once when the suites end */
    ended = hutil_wait_child(pid, 20, &status) != 0;
  }
  hstop_child_remove(stop_slot);
  if (tty)
    fprintf(stderr, "\n");
  /* a Ctrl-C reaches the whole process group: the suites may die of it just
   * before this process's own handler runs */
  if (!outcome && (hstop_requested() || (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT ||
                                                                 WTERMSIG(status) == SIGTERM))))
    outcome = 1;
  if (!outcome && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    fprintf(stderr, "apiharness certify: could not execute %s\n", rc->bin);
    return -1;
  }
  return outcome;
}

size_t hrunner_batch_size(size_t n_entries, int jobs) {
  const char *env = getenv("APIHARNESS_BATCH");
  if (env && *env) {
    char *end;
    unsigned long v = strtoul(env, &end, 10);
    if (!*end && v > 0)
      return v;
  }
  /* a few batches per job keeps the jobs busy to the end; each batch pays
   * one process start and one load of the spec, rules and catalogue */
  size_t batches = (size_t)(jobs > 0 ? jobs : 1) * 3;
  size_t size = (n_entries + batches - 1) / (batches ? batches : 1);
  return size ? size : 1;
}

/* "first:count[:stride],..." for the batches of the entries run[0..n)
 * (ascending), each batch's journal registered in rs; NULL when out of
 * memory.  Entries that follow each other (the first round) are dealt out:
 * batch b of B takes entries b, b + B, b + 2B ..., so the slow cases that
 * sit together in the catalogue (the sequences, each waiting out quiet
 * windows) spread over the batches instead of making one of them the run's
 * long pole.  Otherwise (the reruns) runs of consecutive entries. */
static char *batches_of(hrunner_results *rs, const size_t *run, size_t n, size_t size) {
  char *out = malloc(n * 66 + 1);
  if (!out)
    return NULL;
  size_t len = 0;
  out[0] = '\0';
  if (n > 1 && size > 1 && run[n - 1] - run[0] == n - 1) {
    size_t nb = (n + size - 1) / size;
    for (size_t b = 0; b < nb; b++) {
      size_t count = (n - b + nb - 1) / nb;
      len += (size_t)sprintf(out + len, "%s%zu:%zu:%zu", len ? "," : "", run[0] + b, count, nb);
      if (add_journal(rs, run[0] + b, count) != 0) {
        free(out);
        return NULL;
      }
    }
    return out;
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && j - i < size && run[j] == run[j - 1] + 1)
      j++;
    len += (size_t)sprintf(out + len, "%s%zu:%zu", len ? "," : "", run[i], j - i);
    if (add_journal(rs, run[i], j - i) != 0) {
      free(out);
      return NULL;
    }
    i = j;
  }
  return out;
}

int hrunner_suites(const hrunner_config *rc) {
  size_t *pending = malloc((rc->n_entries ? rc->n_entries : 1) * sizeof *pending);
  if (!pending || rc->results->n < rc->n_entries) {
    free(pending);
    fprintf(stderr, "apiharness certify: out of memory\n");
    return -1;
  }
  size_t n_left = rc->n_entries;
  for (size_t i = 0; i < n_left; i++)
    pending[i] = i;
  size_t size = hrunner_batch_size(rc->n_entries, rc->jobs);
  long long deadline = hutil_mono_ms() + rc->budget_ms;
  int outcome = 0;
  /* round 0: every entry in batches (and the explore phase); then the
   * entries a crashing batch never started, each alone, until none is left
   * or a round starts none of them */
  for (int round = 0; (n_left > 0 || (round == 0 && rc->explore)); round++) {
    char *batches = batches_of(rc->results, pending, n_left, round == 0 ? size : 1);
    if (!batches) {
      fprintf(stderr, "apiharness certify: out of memory\n");
      outcome = -1;
      break;
    }
    outcome = run_binary(rc, batches, round == 0 && rc->explore, round, deadline);
    free(batches);
    if (outcome != 0)
      break;
    size_t before = n_left;
    n_left = 0;
    for (size_t k = 0; k < before; k++)
      if (rc->results->state[pending[k]] == 0)
        pending[n_left++] = pending[k];
    if (n_left == before) /* none of them started: the binary cannot run them */
      break;
    if (n_left)
      fprintf(stderr,
              "apiharness certify: %zu cases did not start (a case crashed their test "
              "process): running them again, one per test\n",
              n_left);
  }
  free(pending);
  return outcome == 2 ? 0 : outcome;
}

int hrunner_results_init(hrunner_results *r, const char *work, size_t n) {
  memset(r, 0, sizeof *r);
  r->work = work;
  r->n = n;
  r->items = calloc(n ? n : 1, sizeof *r->items);
  r->state = calloc(n ? n : 1, 1);
  if (!r->items || !r->state) {
    hrunner_results_free(r);
    return -1;
  }
  return 0;
}

void hrunner_results_free(hrunner_results *r) {
  for (size_t i = 0; r->items && i < r->n; i++)
    cJSON_Delete(r->items[i]);
  for (size_t k = 0; k < r->n_journals; k++)
    hjournal_reader_free(&r->journals[k].r);
  free(r->journals);
  free(r->items);
  free(r->state);
  memset(r, 0, sizeof *r);
}

cJSON *hrunner_result(hrunner_results *rs, size_t index, const hcases_case *c, const char *case_id,
                      const char *label, int relabel) {
  cJSON *res = NULL;
  if (index < rs->n && rs->items[index]) {
    res = rs->items[index];
    rs->items[index] = NULL;
  }
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
    cJSON_AddStringToObject(res, "status", hstatus_name(HSTATUS_ERROR));
    cJSON_AddStringToObject(
        res, "detail",
        index < rs->n && rs->state[index] == 1
            ? "the case started but its test process ended before it wrote a result: it "
              "crashed, or overran its deadline (see criterion.xml in the report)"
            : "the case never started: the run stopped before it (interrupted, or over its "
              "time budget), or its Criterion test failed before any case (see criterion.xml "
              "in the report)");
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

int hrunner_has_result(const hrunner_results *rs, size_t index) {
  return index < rs->n && rs->state[index] == 2;
}
