/* hcertify: the certification run.  See hcertify.h. */
/* paths and lines are cut to their fixed buffers on purpose */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include "run/hcertify.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cases/hcases.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "client/hsanitize.h"
#include "explore/hexplore.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "report/hreport.h"
#include "rules/hrules.h"
#include "run/hagg.h"
#include "run/hpreflight.h"
#include "run/hrunner.h"
#include "run/hstop.h"
#include "run/htarget.h"
#include "spec/hspec.h"
#include "util/hutil.h"

void hcertify_result_free(hcertify_result *r) {
  cJSON_Delete(r->report);
  r->report = NULL;
}

/* The watchdog of one case in the suites: the longest selected case's own
 * budget (a sequence of steps takes one client timeout per step), twice, plus
 * slack for a loaded machine: twice the client timeout, at least 0.5 s and at
 * most 2 s (the suites time it in milliseconds). */
static long case_watchdog_ms(const hcases_index *ix, const char *filter, long timeout_ms) {
  long most = timeout_ms;
  herr ce;
  for (size_t i = 0, n = hcases_index_count(ix); i < n; i++) {
    hcases_case c;
    if (hcases_index_at(ix, i, &c, &ce) == 0 && hplan_match(filter, &c)) {
      long b = hrun_case_budget_ms(&c, timeout_ms);
      if (b > most)
        most = b;
    }
  }
  long slack = timeout_ms * 2;
  slack = slack < 500 ? 500 : slack > 2000 ? 2000 : slack;
  return most * 2 + slack;
}

/* The preflight's valid create: the catalogue's pos.minimal, else its first
 * positive case that creates with one POST.  0 when there is none. */
static int preflight_case(const hcases_index *ix, hcases_case *out) {
  herr ce;
  long k = hcases_index_find(ix, "pos.minimal");
  if (k >= 0 && hcases_index_at(ix, (size_t)k, out, &ce) == 0 && !out->skip)
    return 1;
  for (size_t i = 0, n = hcases_index_count(ix); i < n; i++)
    if (hcases_index_at(ix, i, out, &ce) == 0 && out->creates && !out->skip && out->repeat <= 1 &&
        !out->sequence && out->method && !strcmp(out->method, "POST") &&
        !strcmp(out->klass, "positive"))
      return 1;
  return 0;
}

/* Against a --base-url: the setup probes (run/hpreflight.h), or with
 * --no-preflight only the reachability GET.  0: go on; -1: stop (printed). */
static int check_target(const hcertify_config *o, const hrules *rules, const hcases_index *ix,
                        const char *base_url, const char *run_id, cJSON *created,
                        int *preflight_creates, char *warn, size_t wcap) {
  hclient_options co = {o->timeout_ms, 0, o->cacert, o->insecure};
  *preflight_creates = 0;
  warn[0] = '\0';
  if (o->no_preflight) {
    char why[HTARGET_MSG_MAX];
    if (htarget_probe(base_url, HRULES_PATH, &co, why, sizeof why) != 0) {
      fprintf(stderr, "apiharness certify: %s\n", why);
      return -1;
    }
    return 0;
  }
  const char *secrets[HMODEL_MAX_TOKENS + HRUN_MAX_RUN_HEADERS];
  size_t ns = 0;
  for (size_t k = 0; k < o->n_labels; k++)
    if (o->labels[k].value)
      secrets[ns++] = o->labels[k].value;
  for (size_t k = 0; k < o->n_headers && k < HRUN_MAX_RUN_HEADERS; k++)
    if (o->headers[k].env)
      secrets[ns++] = o->headers[k].value;
  hpreflight_config pc;
  memset(&pc, 0, sizeof pc);
  pc.base_url = base_url;
  pc.path = HRULES_PATH;
  pc.bearer = o->labels[0].value;
  pc.token_env = o->labels[0].env;
  pc.label = o->labels[0].label;
  pc.rate_per_s = o->rate;
  pc.client = co;
  pc.secrets = secrets;
  pc.n_secrets = ns;
  pc.redact = o->redact;
  pc.n_redact = o->n_redact;
  pc.headers = o->headers;
  pc.n_headers = o->n_headers;
  char name[160];
  snprintf(name, sizeof name, HRUN_NAME_PREFIX "%s-preflight", run_id);
  pc.token_name = name;
  hcases_case c;
  char *body = NULL;
  size_t len = 0;
  herr ce;
  /* the creates count against --max-creates: none when it leaves no room */
  long need = o->labels[0].value ? 2 : 1;
  pc.creates = (o->max_creates < 0 || o->max_creates >= need) && preflight_case(ix, &c) &&
               (hcases_body(&c, name, &body, &len, &ce) == 0);
  if (pc.creates) {
    pc.content_type = c.content_type;
    pc.body = body;
    pc.body_len = len;
  }
  hpreflight_result pr;
  int rc = hpreflight_run(&pc, rules, created, &pr);
  free(body);
  *preflight_creates = pr.created;
  if (rc != 0 || pr.outcome == HPREFLIGHT_STOP) {
    fprintf(stderr, "apiharness certify: %s%s\n", rc != 0 ? "" : "preflight: ", pr.msg);
    if (rc == 0 && pr.diagnosis)
      fprintf(stderr, "apiharness certify: (--no-preflight skips this check)\n");
    return -1;
  }
  if (pr.warn[0]) {
    fprintf(stderr, "apiharness certify: warning: %s\n", pr.warn);
    snprintf(warn, wcap, "%s", pr.warn);
  }
  return 0;
}

/* The values --redact names in the catalogue's bodies ("body", and
 * "body_text" that parses as JSON, at any depth of a case: steps too). */
#define CAT_REDACT_MAX 512
static void catalogue_values(const cJSON *n, const hcertify_config *o, char **vals, size_t *nv,
                             int depth) {
  if (!n || depth > 8)
    return;
  for (const cJSON *m = n->child; m; m = m->next) {
    if (m->string && !strcmp(m->string, "body")) {
      char *t = cJSON_PrintUnformatted(m);
      if (t)
        *nv = hrun_redact_values(o->redact, o->n_redact, t, strlen(t), vals, CAT_REDACT_MAX, *nv);
      free(t);
    } else if (m->string && !strcmp(m->string, "body_text") && cJSON_IsString(m)) {
      *nv = hrun_redact_values(o->redact, o->n_redact, m->valuestring, strlen(m->valuestring), vals,
                               CAT_REDACT_MAX, *nv);
    } else if (cJSON_IsObject(m) || cJSON_IsArray(m)) {
      catalogue_values(m, o, vals, nv, depth + 1);
    }
  }
}

/* The catalogue as catalogue.json shows it: without the values --redact
 * names in the request bodies it describes (a copy; the caller frees it), or
 * NULL when out of memory. */
static cJSON *redacted_catalogue(const cJSON *cat, const hcertify_config *o) {
  char *vals[CAT_REDACT_MAX];
  size_t nv = 0;
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(cat, "cases");
  for (const cJSON *c = cJSON_IsArray(cases) ? cases->child : NULL; c; c = c->next)
    catalogue_values(c, o, vals, &nv, 0);
  cJSON *copy = cJSON_Duplicate(cat, 1);
  if (copy && hsanitize_json_strings(copy, (const char *const *)vals, nv) != 0) {
    cJSON_Delete(copy);
    copy = NULL;
  }
  for (size_t i = 0; i < nv; i++)
    free(vals[i]);
  return copy;
}

static cJSON *explore_skipped(unsigned long seed, long budget, const char *why) {
  cJSON *x = cJSON_CreateObject();
  cJSON_AddNumberToObject(x, "seed", (double)seed);
  cJSON_AddNumberToObject(x, "budget", (double)budget);
  cJSON_AddNumberToObject(x, "sent", 0);
  cJSON_AddStringToObject(x, "skipped", why);
  cJSON_AddItemToObject(x, "failures", cJSON_CreateArray());
  return x;
}

int hcertify_run(const hcertify_config *o, hcertify_result *out) {
  memset(out, 0, sizeof *out);
  out->exit_code = HCERTIFY_EXIT_ERROR;
  int rc = HCERTIFY_EXIT_ERROR;
  hspec *spec = NULL;
  hrules *rules = NULL;
  cJSON *cat = NULL, *plan = NULL, *report = NULL, *explore = NULL;
  hcases_index *ix = NULL;
  cJSON *pf_created = cJSON_CreateArray();
  htarget_mock mproc = {0, -1};
  int mock = 0;            /* the embedded mock serves the run */
  int stop_installed = 0;  /* SIGINT/SIGTERM are ours (run/hstop.h) */
  int report_dir_made = 0; /* this run created the report directory */
  int interrupted = 0;
  hmodel_results res;
  memset(&res, 0, sizeof res);
  hrunner_results results;
  memset(&results, 0, sizeof results);
  char work[PATH_MAX] = "";
  char report_dir[PATH_MAX], base_url[512], bin[PATH_MAX], path[PATH_MAX + 64];
  char pf_warn[HPREFLIGHT_MSG_MAX] = "";
  time_t started = time(NULL);
  long long t0 = hutil_mono_ms();

  herr se;
  spec = hspec_load_file(o->spec_path, &se);
  if (!spec) {
    fprintf(stderr, "apiharness certify: %s\n", se.msg);
    goto out;
  }
  herr he;
  rules = hrules_new(spec, &he);
  if (!rules) {
    fprintf(stderr, "apiharness certify: %s\n", he.msg);
    goto out;
  }
  herr ce;
  cat = hcases_generate(rules, (unsigned)o->seed, &ce);
  ix = cat ? hcases_index_new(cat) : NULL;
  if (!cat || !ix || !pf_created) {
    fprintf(stderr, "apiharness certify: %s\n", cat ? "out of memory" : ce.msg);
    goto out;
  }

  /* what the run selects: a filter that selects nothing is a usage error,
   * before any request and before any report directory exists */
  const hplan_token *toks = o->labels;
  hplan_config pc;
  memset(&pc, 0, sizeof pc);
  pc.cat = cat;
  pc.ix = ix;
  pc.filter = o->filter;
  pc.tokens = toks;
  pc.n_tokens = o->n_labels;
  pc.max_creates = o->max_creates;
  hplan_counts counts;
  hplan_count(&pc, &counts);
  if (counts.entries == 0) {
    char f[300];
    hsanitize_into(f, sizeof f, o->filter, strlen(o->filter), NULL, 0);
    fprintf(stderr,
            "apiharness certify: --filter '%s' matches no case id, requirement id or class "
            "(`apiharness cases` lists them)\n",
            f);
    goto out;
  }
  if (!o->conformance_bin || !o->conformance_bin[0]) {
    fprintf(stderr, "apiharness certify: no conformance suites binary given\n");
    goto out;
  }
  snprintf(bin, sizeof bin, "%s", o->conformance_bin);
  if (hclient_global_init() != 0) {
    fprintf(stderr, "apiharness certify: curl_global_init failed\n");
    goto out;
  }
  char stamp[32];
  struct tm tm;
  gmtime_r(&started, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  char run_id[64];
  snprintf(run_id, sizeof run_id, "%s-%04x", stamp,
           (unsigned)((getpid() ^ (unsigned long)hutil_mono_ms()) & 0xffff));

  /* the target */
  int pf_creates = 0;
  if (!o->base_url) {
    hmock_options mo;
    memset(&mo, 0, sizeof mo);
    mo.spec = spec;
    mo.port = 0;
    mo.token = o->labels[0].value;
    for (size_t i = 0; i < o->n_faults; i++)
      mo.faults |= HMOCK_FAULT_BIT(hmock_fault_find(o->faults[i])->id);
    mo.hang_s = (unsigned)(o->timeout_ms / 1000 + 1);
    mo.threads = 4;
    char err[512];
    int port = 0;
    if (htarget_mock_start(&mo, &mproc, &port, err, sizeof err) != 0) {
      fprintf(stderr, "apiharness certify: embedded mock: %s\n", err);
      goto out;
    }
    mock = 1;
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", port);
  } else {
    snprintf(base_url, sizeof base_url, "%s", o->base_url);
    size_t bl = strlen(base_url);
    while (bl > 8 && base_url[bl - 1] == '/')
      base_url[--bl] = '\0';
    if (check_target(o, rules, ix, base_url, run_id, pf_created, &pf_creates, pf_warn,
                     sizeof pf_warn) != 0)
      goto out;
  }

  /* the report dir (made when the cases start) and the work dir; from here
   * on SIGINT/SIGTERM stop the run with an interrupted report */
  if (o->report_dir) {
    snprintf(report_dir, sizeof report_dir, "%s", o->report_dir);
  } else {
    snprintf(report_dir, sizeof report_dir, "reports/%s", stamp);
    for (int k = 2; access(report_dir, F_OK) == 0 && k < 100; k++)
      snprintf(report_dir, sizeof report_dir, "reports/%s-%d", stamp, k);
  }
  const char *tmp = getenv("TMPDIR");
  if (!tmp || tmp[0] != '/' || strlen(tmp) > sizeof work - 40)
    tmp = "/tmp";
  snprintf(work, sizeof work, "%s/apiharness-certify-XXXXXX", tmp);
  if (!mkdtemp(work)) {
    fprintf(stderr, "apiharness certify: mkdtemp: %s\n", strerror(errno));
    work[0] = '\0';
    goto out;
  }
  if (hstop_install(work) != 0) {
    fprintf(stderr, "apiharness certify: sigaction: %s\n", strerror(errno));
    goto out;
  }
  stop_installed = 1;
  snprintf(path, sizeof path, "%s/catalogue.json", work);
  if (hcases_write_file(cat, path, &ce) != 0) {
    fprintf(stderr, "apiharness certify: %s\n", ce.msg);
    goto out;
  }

  /* the plan (the preflight's creates count against --max-creates) */
  pc.catalogue_path = path;
  pc.spec_path = o->spec_path;
  pc.base_url = base_url;
  pc.profile = o->profile_name;
  pc.timeout_ms = o->timeout_ms;
  pc.run_id = run_id;
  pc.work = work;
  pc.rate_per_s = o->rate;
  pc.cacert = o->cacert;
  pc.insecure = o->insecure;
  pc.redact = o->redact;
  pc.n_redact = o->n_redact;
  pc.headers = o->headers;
  pc.n_headers = o->n_headers;
  pc.watchdog_ms = case_watchdog_ms(ix, o->filter, o->timeout_ms) +
                   (o->rate > 0 ? (long)(2000.0 * HCASES_MAX_STEPS / o->rate) : 0);
  if (o->max_creates >= 0)
    pc.max_creates = o->max_creates > pf_creates ? o->max_creates - pf_creates : 0;
  /* the explore phase: a test of the suites, beside the cases */
  long budget_x = o->explore >= 0 ? o->explore : (mock ? HEXPLORE_DEFAULT_BUDGET : 0);
  hplan_explore px;
  memset(&px, 0, sizeof px);
  if (budget_x > 0) {
    hplan_counts pre;
    hplan_count(&pc, &pre);
    px.budget = budget_x;
    px.seed = o->seed;
    px.max_ms = o->explore >= 0 ? 0 : 60000; /* the default budget never holds a run up */
    px.max_creates = pc.max_creates >= 0
                         ? (pc.max_creates > pre.creates ? pc.max_creates - pre.creates : 0)
                         : -1;
    px.list_created = !mock;
    px.report_dir = report_dir;
    px.token_env = o->labels[0].value ? o->labels[0].env : NULL;
    pc.explore = &px;
  }
  char perr[HPLAN_MSG_MAX];
  plan = hplan_new(&pc, &counts, perr);
  if (!plan) {
    fprintf(stderr, "apiharness certify: %s\n", perr);
    goto out;
  }
  size_t n_entries = counts.entries;
  char plan_path[PATH_MAX];
  snprintf(plan_path, sizeof plan_path, "%s/plan.json", work);
  if (hrunner_write_json(plan_path, plan, 0) != 0)
    goto out;
  report_dir_made = access(report_dir, F_OK) != 0;
  if (report_dir_made)
    hstop_set_empty_dir(report_dir);
  if (hrunner_mkdirs(report_dir) != 0) {
    fprintf(stderr, "apiharness certify: %s: %s\n", report_dir, strerror(errno));
    goto out;
  }
  fprintf(stderr, "certify: %zu cases against %s%s (profile %s), report in %s\n", n_entries,
          base_url, mock ? " (embedded mock)" : "", o->profile_name, report_dir);
  int jobs = o->rate > 0 ? 1 : o->jobs;
  long budget = (long)((double)n_entries * (double)pc.watchdog_ms / jobs) + 60000;
  if (budget_x > 0) /* explore: its own limit, else one client timeout per request */
    budget +=
        px.max_ms
            ? px.max_ms * 2
            : (long)((double)budget_x * (double)(o->timeout_ms + 50) / (o->rate > 0 ? 1 : 4)) +
                  (o->rate > 0 ? (long)((double)budget_x * 2000.0 / o->rate) : 0);
  if (hrunner_results_init(&results, work, n_entries) != 0) {
    fprintf(stderr, "apiharness certify: out of memory\n");
    goto out;
  }
  hrunner_config rcfg = {bin,  plan_path, work,         report_dir, n_entries,
                         jobs, budget,    budget_x > 0, &results};
  int rr = hrunner_suites(&rcfg);
  if (rr < 0)
    goto out;
  interrupted = rr == 1;
  if (budget_x > 0 && !interrupted) {
    char xpath[PATH_MAX + 16];
    snprintf(xpath, sizeof xpath, "%s/explore.json", work);
    explore = hrunner_read_json(xpath);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(explore, "hrunner_error");
    if (!explore || cJSON_IsString(e)) { /* the catalogue still certifies; the report says why */
      char xerr[HEXPLORE_MSG_MAX];
      snprintf(xerr, sizeof xerr, "%s",
               cJSON_IsString(e) ? e->valuestring
                                 : "the explore test ended without a result (crashed, or over "
                                   "the run's time budget; see criterion.xml)");
      cJSON_Delete(explore);
      fprintf(stderr, "apiharness certify: warning: explore skipped: %s\n", xerr);
      explore = explore_skipped(o->seed, budget_x, xerr);
    }
  }
  if (hstop_requested())
    interrupted = 1;
  if (interrupted && budget_x > 0 && !explore)
    explore = explore_skipped(o->seed, budget_x, "the run was interrupted");

  /* collect the results (an interrupted run: those that finished) */
  if (hmodel_collect(cat, ix, plan, &results, toks, o->n_labels, interrupted, explore, pf_created,
                     &res) != 0) {
    fprintf(stderr, "apiharness certify: out of memory collecting the results\n");
    goto out;
  }
  if (interrupted && res.n_cases == 0) {
    fprintf(stderr, "apiharness certify: interrupted before any case finished: no report "
                    "written\n");
    if (report_dir_made)
      hrunner_remove_tree(report_dir);
    rc = HCERTIFY_EXIT_INTERRUPTED;
    goto out;
  }
  snprintf(path, sizeof path, "%s/catalogue.json", report_dir);
  cJSON *shown_cat = o->n_redact ? redacted_catalogue(cat, o) : NULL;
  if (o->n_redact && !shown_cat) {
    fprintf(stderr, "apiharness certify: out of memory writing catalogue.json\n");
    goto out;
  }
  int cw = hcases_write_file(shown_cat ? shown_cat : cat, path, &ce);
  cJSON_Delete(shown_cat);
  if (cw != 0) {
    fprintf(stderr, "apiharness certify: %s\n", ce.msg);
    goto out;
  }
  hmodel_meta meta;
  memset(&meta, 0, sizeof meta);
  meta.run_id = run_id;
  meta.started = started;
  meta.finished = time(NULL);
  meta.duration_ms = hutil_mono_ms() - t0;
  meta.spec = spec;
  meta.spec_path = o->spec_path;
  meta.base_url = base_url;
  meta.embedded_mock = mock;
  meta.faults = o->faults;
  meta.n_faults = o->n_faults;
  meta.profile = o->profile_name;
  meta.seed = o->seed;
  meta.filter = o->filter;
  meta.tokens = toks;
  meta.n_tokens = o->n_labels;
  meta.counts = &counts;
  meta.interrupted = interrupted;
  meta.preflight_warning = pf_warn[0] ? pf_warn : NULL;
  int any_fail = res.any_fail;
  size_t n_reqs = res.n_reqs, n_cases = res.n_cases, not_run = res.not_run;
  report = hmodel_build(&meta, &res, explore);
  explore = NULL;
  if (!report) {
    fprintf(stderr, "apiharness certify: out of memory building the report\n");
    goto out;
  }
  /* the gate: waivers (by requirement, or by finding id) and --fail-on */
  char today[16];
  hwaivers_date(started, today);
  int gate = hreport_add_findings(report) == 0
                 ? hwaivers_apply(o->waivers, report, today, o->fail_on_warn)
                 : -1;
  if (gate < 0) {
    fprintf(stderr, "apiharness certify: out of memory building the report\n");
    goto out;
  }
  any_fail = gate;
  /* the whole report from the model: peer strings made valid UTF-8, the
   * distinct problems as findings, schema coverage, then md, html, junit.xml
   * and compliance.json last, each written atomically */
  char verr[512];
  if (hreport_write_report(report_dir, report, cat, verr, sizeof verr) != 0) {
    fprintf(stderr, "apiharness certify: report: %s\n", verr);
    goto out;
  }
  if (o->summary_md &&
      hreport_write_summary_md(o->summary_md, report, report_dir, verr, sizeof verr) != 0) {
    fprintf(stderr, "apiharness certify: --summary-md: %s\n", verr);
    goto out;
  }
  if (o->sarif && hreport_write_sarif(o->sarif, report, verr, sizeof verr) != 0) {
    fprintf(stderr, "apiharness certify: --sarif: %s\n", verr);
    goto out;
  }
  /* reports/latest moves only once a complete report exists */
  if (!o->report_dir && !interrupted) {
    char tmp_link[PATH_MAX];
    snprintf(tmp_link, sizeof tmp_link, "reports/.latest.%ld", (long)getpid());
    unlink(tmp_link);
    if (symlink(report_dir + strlen("reports/"), tmp_link) != 0 ||
        rename(tmp_link, "reports/latest") != 0) {
      unlink(tmp_link);
      fprintf(stderr, "apiharness certify: warning: could not update reports/latest\n");
    }
  }
  out->any_fail = any_fail;
  out->n_reqs = n_reqs;
  out->n_cases = n_cases;
  out->not_run = not_run;
  out->n_entries = n_entries;
  out->counts = counts;
  out->interrupted = interrupted;
  out->duration_ms = hutil_mono_ms() - t0;
  snprintf(out->report_dir, sizeof out->report_dir, "%s", report_dir);
  out->report = report;
  report = NULL;
  rc = interrupted ? HCERTIFY_EXIT_INTERRUPTED : any_fail ? HCERTIFY_EXIT_FAIL : HCERTIFY_EXIT_OK;
out:
  hrunner_results_free(&results);
  hmodel_results_free(&res);
  hcases_index_free(ix);
  if (work[0])
    hrunner_remove_tree(work);
  if (stop_installed) /* a signal after the results were collected: the report is complete */
    hstop_uninstall();
  cJSON_Delete(report);
  cJSON_Delete(explore);
  cJSON_Delete(plan);
  cJSON_Delete(pf_created);
  htarget_mock_stop(&mproc);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
  out->exit_code = rc;
  return rc;
}
