/* apiharness certify: run the conformance catalogue and the explore phase
 * against a server (or the embedded mock) and write the compliance report.
 *
 * Parse -> call -> print: the command parses its options into an
 * hcertify_config (a bad --base-url is a usage error, exit 2; without a
 * configured token the embedded mock gets a random one, kept in memory and
 * in the environment of the case processes, never written), hands the run
 * to hcertify_run (run/hcertify.h: target, preflight, plan, the Criterion
 * suites, explore, report model, report files, SIGINT/SIGTERM) and prints
 * the result with hcertify_print.
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

#include "cli.h"
#include "cli_extra.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "client/hsanitize.h"
#include "explore/hexplore.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "run/hcertify.h"
#include "run/htarget.h"
#include "run/hwaivers.h"

#define MAX_LABELS HMODEL_MAX_TOKENS
#define MAX_FAULTS 64
#define DEFAULT_TOKEN_ENV "HARNESS_TOKEN"
#define HX_STR2(x) #x
#define HX_STR(x) HX_STR2(x)
#define HX_DEFAULT_STR HX_STR(HEXPLORE_DEFAULT_BUDGET)

/* The run's configuration and the storage its pointers point into. */
typedef struct {
  hcertify_config c;
  char labels[MAX_LABELS][64];
  int explicit_tokens;
  const char *faults[MAX_FAULTS];
  const char *redact[HRUN_MAX_REDACT];
  hrun_header_arg hargs[HRUN_MAX_RUN_HEADERS]; /* --header, parsed */
  hrun_header headers[HRUN_MAX_RUN_HEADERS];   /* and as the run sends them */
  hwaivers waivers;                            /* --waivers FILE (loaded) */
  char url[2048];      /* --base-url as the run uses it (credentials removed) */
  char mock_token[64]; /* a random token for the embedded mock when none is configured */
} certify_args;

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

/* The numeric options: the accepted range and how a bad value is explained. */
enum { N_TIMEOUT, N_SEED, N_RATE, N_MAX_CREATES, N_JOBS, N_EXPLORE, N_COUNT };
static const struct {
  const char *name;
  long lo, hi;
  const char *what;
} numeric[N_COUNT] = {
    [N_TIMEOUT] = {"--timeout-ms", 1, 600000, "a number of ms in 1..600000"},
    [N_SEED] = {"--seed", 0, 4294967295L, "a number in 0..4294967295"},
    [N_RATE] = {"--rate-limit", 1, 100000, "requests per second, 1..100000"},
    [N_MAX_CREATES] = {"--max-creates", 0, 1000000, "a number in 0..1000000"},
    [N_JOBS] = {"--jobs", 1, 64, "a number in 1..64"},
    [N_EXPLORE] = {"--explore", 0, 10000000, "a number of requests in 0..10000000"},
};

/* The plain string options and where they go. */
static const char **string_slot(hcertify_config *c, const char *a) {
  static const char *const names[] = {"--spec",   "--report-dir", "--cacert",
                                      "--filter", "--summary-md", "--sarif"};
  const char **slots[] = {&c->spec_path, &c->report_dir, &c->cacert,
                          &c->filter,    &c->summary_md, &c->sarif};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if (!strcmp(a, names[k]))
      return slots[k];
  return NULL;
}

static int set_number(hcertify_config *c, const char *a, const char *v) {
  for (int k = 0; k < N_COUNT; k++) {
    if (strcmp(a, numeric[k].name))
      continue;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || !*v || *end || n < numeric[k].lo || n > numeric[k].hi) {
      fprintf(stderr, "apiharness certify: %s '%s': %s\n", a, v, numeric[k].what);
      return -1;
    }
    switch (k) {
    case N_TIMEOUT: c->timeout_ms = n; break;
    case N_SEED: c->seed = (unsigned long)n; break;
    case N_RATE: c->rate = (double)n; break;
    case N_MAX_CREATES: c->max_creates = n; break;
    case N_JOBS: c->jobs = (int)n; break;
    default: c->explore = n; break;
    }
    return 0;
  }
  return 1; /* not a numeric option */
}

/* --token-env VAR | LABEL=VAR */
static int add_token_env(certify_args *o, const char *v) {
  hcertify_config *c = &o->c;
  if (c->n_labels >= MAX_LABELS) {
    fprintf(stderr, "apiharness certify: at most %d --token-env\n", MAX_LABELS);
    return -1;
  }
  char *label = o->labels[c->n_labels];
  const char *eq = strchr(v, '='), *env = eq ? eq + 1 : v;
  if (eq)
    snprintf(label, sizeof o->labels[0], "%.*s", (int)(eq - v), v);
  else
    snprintf(label, sizeof o->labels[0], "%s", c->n_labels ? v : "default");
  if (!label[0] || !*env) {
    fprintf(stderr, "apiharness certify: --token-env '%s': expected VAR or LABEL=VAR\n", v);
    return -1;
  }
  for (size_t k = 0; k < c->n_labels; k++)
    if (!strcmp(c->labels[k].label, label)) {
      fprintf(stderr, "apiharness certify: --token-env label '%s' given twice\n", label);
      return -1;
    }
  c->labels[c->n_labels++] = (hplan_token){label, env, NULL};
  o->explicit_tokens = 1;
  return 0;
}

/* One option that takes a value; 0, or -1 after a one-line error. */
static int set_option(certify_args *o, const char *a, const char *v) {
  hcertify_config *c = &o->c;
  int num = set_number(c, a, v);
  if (num <= 0)
    return num;
  const char **slot = string_slot(c, a);
  if (slot) {
    if (!*v && !strcmp(a, "--report-dir")) {
      fprintf(stderr, "apiharness certify: --report-dir is empty (give a directory)\n");
      return -1;
    }
    *slot = v;
  } else if (!strcmp(a, "--base-url")) {
    char why[HTARGET_MSG_MAX];
    int creds = 0;
    if (htarget_check_url(v, o->url, sizeof o->url, &creds, why, sizeof why) != 0) {
      fprintf(stderr, "apiharness certify: --base-url: %s\n", why);
      return -1;
    }
    if (creds)
      fprintf(stderr, "apiharness certify: warning: the credentials in --base-url are not used "
                      "(give the bearer token with --token-env)\n");
    c->base_url = o->url;
  } else if (!strcmp(a, "--redact")) {
    const char *why = NULL;
    if (!hrun_pointer_check(v, &why)) {
      char shown[128];
      hsanitize_into(shown, sizeof shown, v, strlen(v), NULL, 0);
      fprintf(stderr, "apiharness certify: --redact '%s': not a JSON pointer: %s\n", shown, why);
      return -1;
    }
    if (c->n_redact >= HRUN_MAX_REDACT) {
      fprintf(stderr, "apiharness certify: at most %d --redact\n", HRUN_MAX_REDACT);
      return -1;
    }
    o->redact[c->n_redact++] = v;
  } else if (!strcmp(a, "--header")) {
    char msg[512];
    if (c->n_headers >= HRUN_MAX_RUN_HEADERS) {
      fprintf(stderr, "apiharness certify: at most %d --header\n", HRUN_MAX_RUN_HEADERS);
      return -1;
    }
    if (!hrun_header_resolve(v, &o->hargs[c->n_headers], &o->headers[c->n_headers], msg,
                             sizeof msg)) {
      fprintf(stderr, "apiharness certify: %s\n", msg);
      return -1;
    }
    for (size_t k = 0; k < c->n_headers; k++)
      if (!strcasecmp(o->headers[k].name, o->headers[c->n_headers].name)) {
        fprintf(stderr, "apiharness certify: --header %s given twice\n", o->headers[k].name);
        return -1;
      }
    c->n_headers++;
  } else if (!strcmp(a, "--fail-on")) {
    if (strcmp(v, "fail") && strcmp(v, "warn")) {
      fprintf(stderr, "apiharness certify: --fail-on '%s': use fail or warn\n", v);
      return -1;
    }
    c->fail_on_warn = !strcmp(v, "warn");
  } else if (!strcmp(a, "--waivers")) {
    char werr[HWAIVERS_MSG_MAX];
    if (hwaivers_load(v, &o->waivers, werr, sizeof werr) != 0) {
      fprintf(stderr, "apiharness certify: --waivers %s\n", werr);
      return -1;
    }
    c->waivers = &o->waivers;
  } else if (!strcmp(a, "--profile")) {
    if (hjudge_profile_parse(v) < 0) {
      fprintf(stderr, "apiharness certify: --profile '%s': use default, strict or aspnet\n", v);
      return -1;
    }
    c->profile_name = v;
  } else if (!strcmp(a, "--fault")) {
    if (!hmock_fault_find(v)) {
      fprintf(stderr, "apiharness certify: --fault '%s' is not a mock fault; known:", v);
      for (size_t k = 0; k < hmock_fault_count(); k++)
        fprintf(stderr, " %s", hmock_fault_at(k)->name);
      fprintf(stderr, "\n");
      return -1;
    }
    if (c->n_faults < MAX_FAULTS)
      o->faults[c->n_faults++] = v;
  } else if (!strcmp(a, "--token-env")) {
    return add_token_env(o, v);
  }
  return 0;
}

/* The tokens: each --token-env must be set; the default one may be absent
 * (no Authorization header), except against the embedded mock, which then
 * gets a random token for the run. */
static int resolve_tokens(certify_args *o) {
  hcertify_config *c = &o->c;
  if (!c->n_labels)
    c->labels[c->n_labels++] = (hplan_token){"default", DEFAULT_TOKEN_ENV, NULL};
  for (size_t k = 0; k < c->n_labels; k++) {
    const char *val = getenv(c->labels[k].env);
    c->labels[k].value = val && *val ? val : NULL;
    if (o->explicit_tokens && !c->labels[k].value) {
      fprintf(stderr, "apiharness certify: --token-env %s: the variable %s is not set or empty\n",
              c->labels[k].label, c->labels[k].env);
      return -1;
    }
  }
  if (!c->base_url && !c->labels[0].value) {
    /* kept in memory and in the environment the case processes inherit,
     * never written, so the authentication cases run */
    if (htarget_random_token(o->mock_token, sizeof o->mock_token) != 0 ||
        setenv(c->labels[0].env, o->mock_token, 1) != 0) {
      fprintf(stderr, "apiharness certify: cannot make a token for the embedded mock\n");
      return -1;
    }
    c->labels[0].value = o->mock_token;
  }
  if (!c->base_url && c->n_labels > 1) {
    fprintf(stderr, "apiharness certify: several --token-env need --base-url (the embedded mock "
                    "knows one token)\n");
    return -1;
  }
  return 0;
}

/* 1: run; 0: --help printed; -1: usage error (printed). */
static int parse_args(int argc, char **argv, certify_args *o) {
  memset(o, 0, sizeof *o);
  hcertify_config *c = &o->c;
  c->spec_path = cli_default_spec();
  c->profile_name = "default";
  c->filter = "*";
  c->timeout_ms = HCLIENT_DEFAULT_TIMEOUT_MS;
  c->seed = 1;
  c->max_creates = -1;
  c->jobs = 4;
  c->explore = -1;
  c->faults = o->faults;
  c->redact = o->redact;
  c->headers = o->headers;
  if (cli_refuse_repeats("certify", argc, argv, NULL, NULL) != 0)
    return -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int takes_value;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      certify_usage(stdout);
      return 0;
    }
    if (!cli_option_info("certify", a, &takes_value, NULL)) {
      fprintf(stderr, "apiharness certify: unknown option '%s' (see --help)\n", a);
      return -1;
    }
    if (!takes_value) { /* the flags */
      if (!strcmp(a, "--insecure"))
        c->insecure = 1;
      else
        c->no_preflight = 1;
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "apiharness certify: %s needs a value\n", a);
      return -1;
    }
    if (set_option(o, a, argv[++i]) != 0)
      return -1;
  }
  if (c->base_url && c->n_faults) {
    fprintf(stderr, "apiharness certify: --fault applies to the embedded mock only (no "
                    "--base-url)\n");
    return -1;
  }
  return resolve_tokens(o) == 0 ? 1 : -1;
}

static int certify_run(int argc, char **argv) {
  certify_args o;
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
  o.c.conformance_bin = bin;
  hcertify_result r;
  int rc = hcertify_run(&o.c, &r);
  hcertify_print(stdout, &o.c, &r);
  hcertify_result_free(&r);
  hwaivers_free(&o.waivers);
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
