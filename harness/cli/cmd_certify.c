/* apiharness certify: run the conformance catalogue and the explore phase
 * against a server (or the embedded mock) and write the compliance report.
 *
 * The command parses its options (a bad --base-url is a usage error, exit 2;
 * without a configured token the embedded mock gets a random one, kept in
 * memory and in the environment of the case processes, never written), hands
 * the run to hcertify_run (run/hcertify.h: target, preflight, plan, runners,
 * explore, report model, report files, SIGINT/SIGTERM) and prints the summary
 * table, the findings and the verdict line:
 *   verdict: COMPLIANT (87 requirements, 505 cases, 2.0 s)
 *   verdict: COMPLIANT (PARTIAL: 13 of 505 cases, --filter 'http.*') - ...
 *   verdict: INCOMPLETE (interrupted: 120 of 505 cases ran; ...)
 *
 * Report dir (default reports/<UTC timestamp>/, reports/latest -> newest
 * complete report): compliance.json ("apiharness-compliance/1"), junit.xml
 * (one testcase per case), criterion.xml (the Criterion suites' own report),
 * catalogue.json (the cases used), compliance.md, compliance.html and
 * explore/ (shrunk cases). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/hcases.h"
#include "cli.h"
#include "cli_extra.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "client/hsanitize.h"
#include "explore/hexplore.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "report/hreport.h"
#include "rules/hstatus.h"
#include "run/hcertify.h"
#include "run/htarget.h"
#include "run/hwaivers.h"

/* Paths and lines are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define MAX_LABELS HMODEL_MAX_TOKENS
#define MAX_FAULTS 64
#define DEFAULT_TOKEN_ENV "HARNESS_TOKEN"
#define HX_STR2(x) #x
#define HX_STR(x) HX_STR2(x)
#define HX_DEFAULT_STR HX_STR(HEXPLORE_DEFAULT_BUDGET)

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
  int no_preflight; /* --no-preflight: only the reachability probe */
  token_label labels[MAX_LABELS];
  size_t n_labels;
  int explicit_tokens;
  const char *faults[MAX_FAULTS];
  size_t n_faults;
  long explore; /* requests of the explore phase; -1: the default for the target */
  const char *summary_md, *sarif;      /* extra CI outputs, or NULL */
  const char *redact[HRUN_MAX_REDACT]; /* --redact JSON pointers */
  size_t n_redact;
  hrun_header_arg hargs[HRUN_MAX_RUN_HEADERS]; /* --header, parsed */
  hrun_header headers[HRUN_MAX_RUN_HEADERS];   /* and as the run sends them */
  size_t n_headers;
  int fail_on_warn; /* --fail-on warn */
  hwaivers waivers; /* --waivers FILE (loaded) */
  int have_waivers;
  char url[2048];      /* --base-url as the run uses it (credentials removed) */
  char mock_token[64]; /* a random token for the embedded mock when none is configured */
} certify_opts;

static void certify_usage(FILE *out) {
  fprintf(
      out,
      "usage: apiharness certify [--base-url URL] [--spec FILE] [--report-dir DIR]\n"
      "         [--token-env VAR | --token-env LABEL=VAR ...] [--timeout-ms N]\n"
      "         [--profile default|strict|aspnet] [--seed N] [--filter GLOB]\n"
      "         [--rate-limit N] [--max-creates N] [--jobs N]\n"
      "         [--cacert FILE] [--insecure] [--fault NAME ...] [--explore N]\n"
      "         [--no-preflight] [--summary-md FILE] [--sarif FILE] [--redact POINTER ...]\n"
      "         [--fail-on fail|warn] [--waivers FILE] [--header 'Name: value' ...]\n"
      "         [--config FILE]\n"
      "  Runs the spec-derived conformance catalogue against URL (without --base-url: the\n"
      "  embedded mock on an ephemeral loopback port, --fault only there) and writes\n"
      "  compliance.json/.md/.html and junit.xml to DIR (default reports/<UTC time>/,\n"
      "  reports/latest points at the newest).  The bearer token is read from the\n"
      "  environment variable VAR (default " DEFAULT_TOKEN_ENV "), never from the command line.\n"
      "  Without a configured token the embedded mock gets a random one for the run.\n"
      "  --config FILE   options from a JSON object {\"base-url\": URL, ...} (long option\n"
      "                  names without dashes); options on the command line win\n"
      "  --rate-limit N  at most N requests per second (live servers)\n"
      "  --max-creates N at most N requests that create a token; the rest are skipped\n"
      "  --explore N     N random requests after the catalogue (seeded by --seed), each\n"
      "                  failure shrunk to a replayable case under DIR/explore/; default\n"
      "                  " HX_DEFAULT_STR " against the embedded mock, 0 (off) with --base-url\n"
      "  --filter GLOB   only the cases whose id, requirement id or class matches GLOB;\n"
      "                  the report and the verdict say PARTIAL (so does --max-creates\n"
      "                  when it skips cases); a GLOB that matches nothing is an error\n"
      "  --no-preflight  skip the setup probes against --base-url (a valid create with\n"
      "                  and without the token, a GET of the base URL) that stop on a\n"
      "                  wrong base path, a missing token or a non-HTTP service\n"
      "  --summary-md FILE  a short Markdown summary (for $GITHUB_STEP_SUMMARY)\n"
      "  --sarif FILE    SARIF 2.1.0, one result per finding\n"
      "  --redact JSON-POINTER  (repeatable) the value at that RFC 6901 pointer (e.g. /id,\n"
      "                  /account/id) in any request or response body is a secret: it is\n"
      "                  \"<redacted>\" in every report file and on the terminal (raw,\n"
      "                  JSON-escaped or percent-encoded; values under 4 bytes are kept);\n"
      "                  an object or array is redacted by its strings and numbers; with\n"
      "                  /id, created_resources lists each token as id \"<redacted>\" and\n"
      "                  the name the run gave it\n"
      "  --header 'Name: value'  (repeatable) add this header to every request of the\n"
      "                  run (catalogue, preflight, explore; a case's own header of that\n"
      "                  name wins); 'Name: $ENV{VAR}' takes the value from the\n"
      "                  environment variable VAR: a secret, redacted everywhere, never\n"
      "                  written\n"
      "  --fail-on warn  warnings fail the verdict too (exit 1); default: fail\n"
      "  --waivers FILE  accepted deviations: a JSON array of {\"requirement\": ID (or\n"
      "                  \"finding\": ID as listed, F + 8 hex digits), \"reason\": TEXT,\n"
      "                  \"expires\": \"YYYY-MM-DD\"};\n"
      "                  a waived failure is reported \"waived\" with its reason and passes;\n"
      "                  an expired waiver (after its date, UTC) or one that matches no\n"
      "                  failure (stale) fails the verdict\n"
      "  SIGINT/SIGTERM stop the run: the cases that finished are reported as\n"
      "  \"interrupted\" (verdict incomplete); a second signal stops at once.\n"
      "exit: 0 compliant, 1 non-compliant, 2 could not run (usage, spec, unreachable,\n"
      "      preflight), 130 interrupted\n");
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

static const char *const certify_with_value[] = {
    "--base-url", "--spec",   "--report-dir", "--token-env",  "--timeout-ms",
    "--profile",  "--seed",   "--filter",     "--rate-limit", "--max-creates",
    "--cacert",   "--fault",  "--jobs",       "--explore",    "--summary-md",
    "--sarif",    "--redact", "--fail-on",    "--waivers",    "--header"};

static int certify_takes_value(const char *a) {
  for (size_t k = 0; k < sizeof certify_with_value / sizeof certify_with_value[0]; k++)
    if (!strcmp(a, certify_with_value[k]))
      return 1;
  return 0;
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
  o->explore = -1;
  static const char *const repeatable[] = {"--fault", "--token-env", "--redact", "--header", NULL};
  if (cli_refuse_repeats("certify", argc, argv, repeatable, certify_takes_value) != 0)
    return -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      certify_usage(stdout);
      return 0;
    }
    if (!strcmp(a, "--insecure") || !strcmp(a, "--no-preflight")) {
      if (!strcmp(a, "--insecure"))
        o->insecure = 1;
      else
        o->no_preflight = 1;
      continue;
    }
    int known = certify_takes_value(a);
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
      char why[HTARGET_MSG_MAX];
      int creds = 0;
      if (htarget_check_url(v, o->url, sizeof o->url, &creds, why, sizeof why) != 0) {
        fprintf(stderr, "apiharness certify: --base-url: %s\n", why);
        return -1;
      }
      if (creds)
        fprintf(stderr, "apiharness certify: warning: the credentials in --base-url are not used "
                        "(give the bearer token with --token-env)\n");
      o->base_url = o->url;
    } else if (!strcmp(a, "--explore")) {
      if (!parse_long(v, 0, 10000000, &n)) {
        fprintf(stderr, "apiharness certify: --explore '%s': a number of requests in 0..10000000\n",
                v);
        return -1;
      }
      o->explore = n;
    } else if (!strcmp(a, "--redact")) {
      const char *why = NULL;
      if (!hrun_pointer_check(v, &why)) {
        char shown[128];
        hsanitize_into(shown, sizeof shown, v, strlen(v), NULL, 0);
        fprintf(stderr, "apiharness certify: --redact '%s': not a JSON pointer: %s\n", shown, why);
        return -1;
      }
      if (o->n_redact >= HRUN_MAX_REDACT) {
        fprintf(stderr, "apiharness certify: at most %d --redact\n", HRUN_MAX_REDACT);
        return -1;
      }
      o->redact[o->n_redact++] = v;
    } else if (!strcmp(a, "--header")) {
      if (o->n_headers >= HRUN_MAX_RUN_HEADERS) {
        fprintf(stderr, "apiharness certify: at most %d --header\n", HRUN_MAX_RUN_HEADERS);
        return -1;
      }
      hrun_header_arg *ha = &o->hargs[o->n_headers];
      const char *why = NULL;
      if (!hrun_header_parse(v, ha, &why)) {
        /* the name only: a literal value may be something the user did not
         * mean to show (use $ENV{VAR} for secrets) */
        char nm[HRUN_HEADER_NAME_MAX];
        size_t nl = strcspn(v, ":");
        hsanitize_into(nm, sizeof nm, v, nl < sizeof nm - 1 ? nl : sizeof nm - 1, NULL, 0);
        fprintf(stderr, "apiharness certify: --header '%s: ...': %s\n", nm, why);
        return -1;
      }
      for (size_t k = 0; k < o->n_headers; k++)
        if (!strcasecmp(o->hargs[k].name, ha->name)) {
          fprintf(stderr, "apiharness certify: --header %s given twice\n", ha->name);
          return -1;
        }
      hrun_header *h = &o->headers[o->n_headers];
      h->name = ha->name;
      h->env = ha->env[0] ? ha->env : NULL;
      h->value = ha->value;
      if (h->env) {
        const char *ev = getenv(h->env);
        if (!ev || !*ev) {
          fprintf(stderr, "apiharness certify: --header %s: the variable %s is not set or empty\n",
                  ha->name, h->env);
          return -1;
        }
        if (strpbrk(ev, "\r\n") || strlen(ev) >= sizeof ha->value) {
          fprintf(stderr,
                  "apiharness certify: --header %s: the value of %s holds CR or LF or is over "
                  "4095 bytes\n",
                  ha->name, h->env);
          return -1;
        }
        if (strlen(ev) < HSANITIZE_MIN_SECRET) {
          fprintf(stderr,
                  "apiharness certify: --header %s: the value of %s is shorter than %d bytes: "
                  "too short to be redacted reliably\n",
                  ha->name, h->env, HSANITIZE_MIN_SECRET);
          return -1;
        }
        h->value = ev;
      }
      o->n_headers++;
    } else if (!strcmp(a, "--fail-on")) {
      if (strcmp(v, "fail") && strcmp(v, "warn")) {
        fprintf(stderr, "apiharness certify: --fail-on '%s': use fail or warn\n", v);
        return -1;
      }
      o->fail_on_warn = !strcmp(v, "warn");
    } else if (!strcmp(a, "--waivers")) {
      char werr[HWAIVERS_MSG_MAX];
      if (hwaivers_load(v, &o->waivers, werr, sizeof werr) != 0) {
        hwaivers_free(&o->waivers);
        fprintf(stderr, "apiharness certify: --waivers %s\n", werr);
        return -1;
      }
      o->have_waivers = 1;
    } else if (!strcmp(a, "--summary-md")) {
      o->summary_md = v;
    } else if (!strcmp(a, "--sarif")) {
      o->sarif = v;
    } else if (!strcmp(a, "--spec")) {
      o->spec_path = v;
    } else if (!strcmp(a, "--report-dir")) {
      if (!*v) {
        fprintf(stderr, "apiharness certify: --report-dir is empty (give a directory)\n");
        return -1;
      }
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
  if (!o->base_url && !o->labels[0].value) {
    /* the embedded mock without a configured token: a random one, kept in
     * memory and in the environment the case processes inherit, never
     * written, so the authentication cases run */
    if (htarget_random_token(o->mock_token, sizeof o->mock_token) != 0 ||
        setenv(o->labels[0].env, o->mock_token, 1) != 0) {
      fprintf(stderr, "apiharness certify: cannot make a token for the embedded mock\n");
      return -1;
    }
    o->labels[0].value = o->mock_token;
  }
  if (o->base_url == NULL && o->n_labels > 1) {
    fprintf(stderr, "apiharness certify: several --token-env need --base-url (the embedded mock "
                    "knows one token)\n");
    return -1;
  }
  return 1;
}

/* ---- the run (run/hcertify.h) and its summary ---- */

/* "13 of 505 cases, --filter 'http.*', 6 skipped by --max-creates 10" */
static void partial_text(const certify_opts *o, const hplan_counts *pc, char *buf, size_t cap) {
  char f[300];
  hsanitize_into(f, sizeof f, o->filter, strlen(o->filter), NULL, 0);
  size_t n =
      (size_t)snprintf(buf, cap, "%zu of %zu cases", pc->entries - pc->skipped_creates, pc->total);
  if (pc->entries < pc->total && n < cap)
    n += (size_t)snprintf(buf + n, cap - n, ", --filter '%s'", f);
  if (pc->skipped_creates && n < cap)
    snprintf(buf + n, cap - n, ", %zu skipped by --max-creates %ld", pc->skipped_creates,
             o->max_creates);
}

static void print_summary(const certify_opts *o, const cJSON *report, const char *report_dir) {
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(report, "cases");
  static const char *const classes[] = {"positive", "negative-body", "raw-bytes", "http",
                                        "semantics"};
  /* the columns; a case status outside them (never written) counts as error */
  static const hstatus cols[] = {HSTATUS_PASS, HSTATUS_FAIL, HSTATUS_WARN, HSTATUS_SKIP,
                                 HSTATUS_ERROR};
  size_t total[5] = {0};
  printf("%-15s %6s %6s %6s %6s %6s\n", "class", "pass", "fail", "warn", "skip", "error");
  for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++) {
    size_t cnt[5] = {0};
    for (const cJSON *c = cases ? cases->child : NULL; c; c = c->next) {
      if (strcmp(cJSON_GetObjectItemCaseSensitive(c, "class")->valuestring, classes[k]))
        continue;
      hstatus st =
          hstatus_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "status")));
      size_t col = 4;
      for (size_t j = 0; j < 5; j++)
        if (cols[j] == st)
          col = j;
      cnt[col]++;
    }
    printf("%-15s %6zu %6zu %6zu %6zu %6zu\n", classes[k], cnt[0], cnt[1], cnt[2], cnt[3], cnt[4]);
  }
  const cJSON *sum = cJSON_GetObjectItemCaseSensitive(report, "summary");
  for (size_t k = 0; k < 5; k++)
    total[k] =
        (size_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sum, hstatus_name(cols[k])));
  printf("%-15s %6zu %6zu %6zu %6zu %6zu\n", "total", total[0], total[1], total[2], total[3],
         total[4]);
  /* the distinct problems, most severe first, each naming a case that
   * really failed that check (warnings too, on a compliant run) */
  hreport_print_findings(stdout, report, 15);
  const cJSON *xs = cJSON_GetObjectItemCaseSensitive(report, "explore");
  const char *xskip = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(xs, "skipped"));
  if (xskip)
    printf("\nexplore: skipped (%s)\n", xskip);
  else if (xs) {
    const cJSON *xf = cJSON_GetObjectItemCaseSensitive(xs, "failures");
    printf("\nexplore: %.0f requests (%.0f/s, seed %lu), %d distinct failure(s)%s%s\n",
           cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(xs, "sent")),
           cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(xs, "rate_per_s")), o->seed,
           cJSON_GetArraySize(xf), cJSON_GetArraySize(xf) ? ", shrunk cases in " : "",
           cJSON_GetArraySize(xf) ? report_dir : "");
    const char *xstop = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(xs, "stopped"));
    if (xstop)
      printf("  (%s)\n", xstop);
    for (const cJSON *f = xf ? xf->child : NULL; f; f = f->next)
      printf("  %-48s %s (%.0f -> %.0f bytes)\n",
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "requirement")),
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "check")),
             cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "original_size")),
             cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "shrunk_size")));
  }
  hwaivers_print(stdout, report);
  int ncreated = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report, "created_resources"));
  if (ncreated)
    printf("\n%d token(s) created on the target: ids listed under created_resources\n", ncreated);
}

static int certify_run(int argc, char **argv) {
  certify_opts o;
  int pa = parse_args(argc, argv, &o);
  if (pa <= 0) {
    hwaivers_free(&o.waivers);
    return pa == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
  }
  char bin[PATH_MAX];
  if (!cli_conformance_binary(bin, sizeof bin)) {
    fprintf(stderr,
            "apiharness certify: the conformance suites are not at %s (build the "
            "apiharness-conformance target, or set APIHARNESS_CONFORMANCE)\n",
            bin);
    hwaivers_free(&o.waivers);
    return CLI_EXIT_ERROR;
  }
  hcertify_config c;
  memset(&c, 0, sizeof c);
  c.conformance_bin = bin;
  c.base_url = o.base_url;
  c.spec_path = o.spec_path;
  c.report_dir = o.report_dir;
  c.profile_name = o.profile_name;
  c.filter = o.filter;
  c.cacert = o.cacert;
  c.timeout_ms = o.timeout_ms;
  c.seed = o.seed;
  c.rate = o.rate;
  c.max_creates = o.max_creates;
  c.insecure = o.insecure;
  c.jobs = o.jobs;
  c.no_preflight = o.no_preflight;
  c.explore = o.explore;
  c.summary_md = o.summary_md;
  c.sarif = o.sarif;
  c.faults = o.faults;
  c.n_faults = o.n_faults;
  for (size_t k = 0; k < o.n_labels; k++)
    c.labels[k] = (hplan_token){o.labels[k].label, o.labels[k].env, o.labels[k].value};
  c.n_labels = o.n_labels;
  c.redact = o.redact;
  c.n_redact = o.n_redact;
  c.fail_on_warn = o.fail_on_warn;
  c.headers = o.headers;
  c.n_headers = o.n_headers;
  c.waivers = o.have_waivers ? &o.waivers : NULL;
  hcertify_result r;
  int rc = hcertify_run(&c, &r);
  hwaivers_free(&o.waivers);
  if (r.report) {
    print_summary(&o, r.report, r.report_dir);
    double secs = (double)r.duration_ms / 1000.0;
    if (r.interrupted) {
      printf(
          "\nverdict: INCOMPLETE (interrupted: %zu of %zu cases ran; %zu requirements, %.1f s)\n",
          r.n_cases, r.n_cases + r.not_run, r.n_reqs, secs);
    } else {
      const char *word = r.any_fail ? "NON-COMPLIANT" : "COMPLIANT";
      if (hmodel_is_partial(&r.counts)) {
        char pt[512];
        partial_text(&o, &r.counts, pt, sizeof pt);
        printf("\nverdict: %s (PARTIAL: %s) - %zu requirements, %.1f s\n", word, pt, r.n_reqs,
               secs);
      } else {
        printf("\nverdict: %s (%zu requirements, %zu cases, %.1f s)\n", word, r.n_reqs, r.n_entries,
               secs);
      }
    }
    printf("report: %s/compliance.html\n", r.report_dir);
  }
  hcertify_result_free(&r);
  return rc;
}

/* --config FILE first (cli_extra.h): its options, then the command line's. */
int cmd_certify(int argc, char **argv) {
  int cargc;
  char **cargv, err[1024];
  if (cli_config_expand("certify", argc, argv, &cargc, &cargv, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return CLI_EXIT_ERROR;
  }
  int rc = certify_run(cargc, cargv);
  cli_config_free(cargv);
  return rc;
}
