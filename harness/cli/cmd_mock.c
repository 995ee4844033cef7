/* apiharness mock: serve the reference Create API token endpoint until SIGINT or
 * SIGTERM.  The first stdout line names the bound address; exit 0 after a clean
 * shutdown, 2 when it could not start. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_extra.h"
#include "mock/hmock.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: apiharness mock [--host H] [--port N] [--spec FILE] [--token-env VAR]\n"
          "                       [--fault NAME]... [--list-faults] [--max-body BYTES]\n"
          "                       [--threads N] [--connection-limit N] [--idle-timeout S]\n"
          "                       [--request-timeout S] [--hang S] [--problem-json]\n"
          "                       [--verbose] [--config FILE]\n"
          "\n"
          "Serves POST /public/v1/accounts/api-tokens by the spec until SIGINT/SIGTERM.\n"
          "  --host H             address to bind (default %s)\n"
          "  --port N             port, 0 for an ephemeral one (default 0); the first\n"
          "                       stdout line is 'listening on http://HOST:PORT'\n"
          "  --spec FILE          OpenAPI document (default: %s)\n"
          "  --token-env VAR      require 'Authorization: Bearer <$VAR>' (never printed)\n"
          "  --fault NAME         break one rule on purpose (repeatable; see --list-faults)\n"
          "  --list-faults        print 'NAME<TAB>REQUIREMENT<TAB>RULE' per fault, then exit\n"
          "  --max-body BYTES     largest request body, else 413 (default %zu)\n"
          "  --threads N          server threads (default %u)\n"
          "  --connection-limit N concurrent connections (default %u)\n"
          "  --idle-timeout S     close a connection silent for S seconds (default %u)\n"
          "  --request-timeout S  a whole request must arrive within S seconds of the\n"
          "                       connection or the previous response (default %u)\n"
          "  --hang S             how long the hang-large-body fault holds (default %u)\n"
          "  --problem-json       send ProblemDetails as application/problem+json (RFC 9457,\n"
          "                       ASP.NET Core) instead of the media type the spec documents\n"
          "  --verbose            log 'METHOD PATH STATUS' per request on stderr\n"
          "  --config FILE        options from a JSON object {\"port\": 8080, ...} (long\n"
          "                       option names without dashes); the command line wins\n"
          "exit codes: 0 clean shutdown, 2 could not start\n",
          HMOCK_DEFAULT_HOST, cli_default_spec(), HMOCK_DEFAULT_MAX_BODY, HMOCK_DEFAULT_THREADS,
          HMOCK_DEFAULT_CONNECTION_LIMIT, HMOCK_DEFAULT_IDLE_TIMEOUT, HMOCK_DEFAULT_REQUEST_TIMEOUT,
          HMOCK_DEFAULT_HANG);
}

/* A decimal in [min, max]; 0 with a message naming the option otherwise. */
static int parse_num(const char *opt, const char *s, unsigned long long min, unsigned long long max,
                     unsigned long long *out) {
  char *end = NULL;
  errno = 0;
  if (!s || !*s || *s == '-' || *s == '+') {
    fprintf(stderr, "apiharness mock: %s: '%s' is not a number\n", opt, s ? s : "");
    return 0;
  }
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) {
    fprintf(stderr, "apiharness mock: %s: '%s' is not a number\n", opt, s);
    return 0;
  }
  if (v < min || v > max) {
    fprintf(stderr, "apiharness mock: %s: %llu is outside %llu..%llu\n", opt, v, min, max);
    return 0;
  }
  *out = v;
  return 1;
}

static int mock_run(int argc, char **argv) {
  if (cli_refuse_repeats("mock", argc, argv, NULL, NULL) != 0)
    return CLI_EXIT_ERROR;
  enum {
    O_HOST = 1,
    O_PORT,
    O_SPEC,
    O_TOKEN_ENV,
    O_FAULT,
    O_LIST,
    O_MAX_BODY,
    O_THREADS,
    O_CONNS,
    O_IDLE,
    O_REQ_TIMEOUT,
    O_HANG,
    O_PROBLEM_JSON,
    O_VERBOSE,
    O_HELP
  };
  static const struct option longopts[] = {
      {"host", required_argument, NULL, O_HOST},
      {"port", required_argument, NULL, O_PORT},
      {"spec", required_argument, NULL, O_SPEC},
      {"token-env", required_argument, NULL, O_TOKEN_ENV},
      {"fault", required_argument, NULL, O_FAULT},
      {"list-faults", no_argument, NULL, O_LIST},
      {"max-body", required_argument, NULL, O_MAX_BODY},
      {"threads", required_argument, NULL, O_THREADS},
      {"connection-limit", required_argument, NULL, O_CONNS},
      {"idle-timeout", required_argument, NULL, O_IDLE},
      {"request-timeout", required_argument, NULL, O_REQ_TIMEOUT},
      {"hang", required_argument, NULL, O_HANG},
      {"problem-json", no_argument, NULL, O_PROBLEM_JSON},
      {"verbose", no_argument, NULL, O_VERBOSE},
      {"help", no_argument, NULL, O_HELP},
      {NULL, 0, NULL, 0},
  };
  hmock_options o;
  memset(&o, 0, sizeof o);
  const char *token_env = NULL;
  int list = 0;
  unsigned long long v;
  optind = 1;
  opterr = 0;
  for (;;) {
    int c = getopt_long(argc, argv, "", longopts, NULL);
    if (c == -1)
      break;
    switch (c) {
    case O_HOST: o.host = optarg; break;
    case O_PORT:
      if (!parse_num("--port", optarg, 0, 65535, &v))
        return CLI_EXIT_ERROR;
      o.port = (int)v;
      break;
    case O_SPEC: o.spec_path = optarg; break;
    case O_TOKEN_ENV: token_env = optarg; break;
    case O_FAULT: {
      const hmock_fault *f = hmock_fault_find(optarg);
      if (!f) {
        fprintf(stderr, "apiharness mock: --fault: unknown fault '%s' (see --list-faults)\n",
                optarg);
        return CLI_EXIT_ERROR;
      }
      o.faults |= HMOCK_FAULT_BIT(f->id);
      break;
    }
    case O_LIST: list = 1; break;
    case O_MAX_BODY:
      if (!parse_num("--max-body", optarg, 1, (unsigned long long)1 << 30, &v))
        return CLI_EXIT_ERROR;
      o.max_body = (size_t)v;
      break;
    case O_THREADS:
      if (!parse_num("--threads", optarg, 1, HMOCK_MAX_THREADS, &v))
        return CLI_EXIT_ERROR;
      o.threads = (unsigned)v;
      break;
    case O_CONNS:
      if (!parse_num("--connection-limit", optarg, 1, 65536, &v))
        return CLI_EXIT_ERROR;
      o.connection_limit = (unsigned)v;
      break;
    case O_IDLE:
      if (!parse_num("--idle-timeout", optarg, 1, 86400, &v))
        return CLI_EXIT_ERROR;
      o.idle_timeout_s = (unsigned)v;
      break;
    case O_REQ_TIMEOUT:
      if (!parse_num("--request-timeout", optarg, 1, 86400, &v))
        return CLI_EXIT_ERROR;
      o.request_timeout_s = (unsigned)v;
      break;
    case O_HANG:
      if (!parse_num("--hang", optarg, 1, 86400, &v))
        return CLI_EXIT_ERROR;
      o.hang_s = (unsigned)v;
      break;
    case O_PROBLEM_JSON: o.problem_json = 1; break;
    case O_VERBOSE: o.verbose = 1; break;
    case O_HELP: usage(stdout); return CLI_EXIT_OK;
    default:
      if (optopt && optopt < O_HOST + 100 && optopt >= O_HOST)
        fprintf(stderr, "apiharness mock: %s needs a value\n", argv[optind - 1]);
      else
        fprintf(stderr, "apiharness mock: unknown option '%s' (see --help)\n", argv[optind - 1]);
      return CLI_EXIT_ERROR;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "apiharness mock: unexpected argument '%s' (see --help)\n", argv[optind]);
    return CLI_EXIT_ERROR;
  }
  if (list) {
    for (size_t i = 0; i < hmock_fault_count(); i++) {
      const hmock_fault *f = hmock_fault_at(i);
      printf("%s\t%s\t%s\n", f->name, f->requirement, f->rule);
    }
    return CLI_EXIT_OK;
  }
  if (token_env) {
    const char *t = getenv(token_env);
    if (!t || !*t) {
      fprintf(stderr, "apiharness mock: --token-env: variable '%s' is unset or empty\n", token_env);
      return CLI_EXIT_ERROR;
    }
    o.token = t;
  }
  if (!o.spec_path)
    o.spec_path = cli_default_spec();

  /* Block the signals before any server thread starts, so only sigwait sees them. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) {
    fprintf(stderr, "apiharness mock: cannot block signals\n");
    return CLI_EXIT_ERROR;
  }
  char err[600];
  hmock *m = hmock_start(&o, err, sizeof err);
  if (!m) {
    fprintf(stderr, "apiharness mock: %s\n", err);
    return CLI_EXIT_ERROR;
  }
  const char *host = hmock_host(m);
  int v6 = strchr(host, ':') != NULL;
  printf("listening on http://%s%s%s:%d\n", v6 ? "[" : "", host, v6 ? "]" : "", hmock_port(m));
  fflush(stdout);
  int sig = 0;
  while (sigwait(&set, &sig) != 0)
    ;
  fprintf(stderr, "apiharness mock: %s, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  hmock_stop(m);
  return CLI_EXIT_OK;
}

/* --config FILE first (cli_extra.h): its options, then the command line's. */
int cmd_mock(int argc, char **argv) {
  int cargc;
  char **cargv, err[1024];
  if (cli_config_expand("mock", argc, argv, &cargc, &cargv, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return CLI_EXIT_ERROR;
  }
  int rc = mock_run(cargc, cargv);
  cli_config_free(cargv);
  return rc;
}
