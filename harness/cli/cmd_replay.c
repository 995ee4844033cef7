/* apiharness replay: re-send one catalogue case and print its judgement. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/hcases.h"
#include "cli.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "rules/hrules.h"
#include "spec/hspec.h"

static void replay_usage(FILE *out) {
  fprintf(out,
          "usage: apiharness replay --case ID [--base-url URL] [--spec FILE] [--token-env VAR]\n"
          "         [--timeout-ms N] [--profile default|strict|aspnet] [--seed N]\n"
          "         [--cacert FILE] [--insecure] [--fault NAME ...] [--json]\n"
          "  Sends catalogue case ID (see 'apiharness cases --list') to URL (without\n"
          "  --base-url: the embedded mock, --fault only there) and prints the judgement;\n"
          "  --json prints the case's result object as in compliance.json.\n"
          "exit: 0 pass/warn/skip, 1 fail, 2 could not run (usage, spec, unknown case,\n"
          "      unreachable server)\n");
}

int cmd_replay(int argc, char **argv) {
  const char *case_id = NULL, *base = NULL, *spec_path = cli_default_spec(),
             *token_env = "HARNESS_TOKEN", *profile = "default", *cacert = NULL;
  long timeout_ms = HCLIENT_DEFAULT_TIMEOUT_MS, seed = 1;
  int insecure = 0, as_json = 0;
  uint64_t faults = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      replay_usage(stdout);
      return CLI_EXIT_OK;
    }
    if (!strcmp(a, "--insecure")) {
      insecure = 1;
      continue;
    }
    if (!strcmp(a, "--json")) {
      as_json = 1;
      continue;
    }
    static const char *const opts[] = {"--case",      "--base-url",   "--spec",
                                       "--token-env", "--timeout-ms", "--profile",
                                       "--seed",      "--cacert",     "--fault"};
    int known = 0;
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
      known |= !strcmp(a, opts[k]);
    if (!known || i + 1 >= argc) {
      fprintf(stderr, "apiharness replay: %s '%s' (see --help)\n",
              known ? "missing value for" : "unknown option", a);
      return CLI_EXIT_ERROR;
    }
    const char *v = argv[++i];
    char *end;
    if (!strcmp(a, "--case"))
      case_id = v;
    else if (!strcmp(a, "--base-url"))
      base = v;
    else if (!strcmp(a, "--spec"))
      spec_path = v;
    else if (!strcmp(a, "--token-env"))
      token_env = v;
    else if (!strcmp(a, "--cacert"))
      cacert = v;
    else if (!strcmp(a, "--profile")) {
      if (hjudge_profile_parse(v) < 0) {
        fprintf(stderr, "apiharness replay: --profile '%s': use default, strict or aspnet\n", v);
        return CLI_EXIT_ERROR;
      }
      profile = v;
    } else if (!strcmp(a, "--fault")) {
      const hmock_fault *f = hmock_fault_find(v);
      if (!f) {
        fprintf(stderr, "apiharness replay: --fault '%s' is not a mock fault\n", v);
        return CLI_EXIT_ERROR;
      }
      faults |= HMOCK_FAULT_BIT(f->id);
    } else {
      errno = 0;
      long n = strtol(v, &end, 10);
      long hi = !strcmp(a, "--seed") ? 4294967295L : 600000L;
      long lo = !strcmp(a, "--seed") ? 0 : 1;
      if (errno || *end || !*v || n < lo || n > hi) {
        fprintf(stderr, "apiharness replay: %s '%s': a number in %ld..%ld\n", a, v, lo, hi);
        return CLI_EXIT_ERROR;
      }
      if (!strcmp(a, "--seed"))
        seed = n;
      else
        timeout_ms = n;
    }
  }
  if (!case_id) {
    fprintf(stderr, "apiharness replay: --case ID is required\n");
    replay_usage(stderr);
    return CLI_EXIT_ERROR;
  }
  if (base && faults) {
    fprintf(stderr, "apiharness replay: --fault applies to the embedded mock only\n");
    return CLI_EXIT_ERROR;
  }
  if (base && strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) {
    fprintf(stderr, "apiharness replay: --base-url '%s' is not an http:// or https:// URL\n", base);
    return CLI_EXIT_ERROR;
  }
  int rc = CLI_EXIT_ERROR;
  hspec_error se;
  hschema_error he;
  hcases_error ce;
  hrules *rules = NULL;
  cJSON *cat = NULL, *result = NULL;
  hmock *mock = NULL;
  hjudge *judge = NULL;
  CURL *h = NULL;
  char url[600], err[HCASES_MSG_MAX], msg[HCLIENT_MSG_MAX];
  hspec *spec = hspec_load_file(spec_path, &se);
  if (!spec) {
    fprintf(stderr, "apiharness replay: %s\n", se.msg);
    goto out;
  }
  rules = hrules_new(spec, &he);
  if (!rules) {
    fprintf(stderr, "apiharness replay: %s\n", he.msg);
    goto out;
  }
  cat = hcases_generate(rules, (unsigned)seed, &ce);
  if (!cat) {
    fprintf(stderr, "apiharness replay: %s\n", ce.msg);
    goto out;
  }
  long idx = hcases_find(cat, case_id);
  hcases_case c;
  if (idx < 0 || !hcases_at(cat, (size_t)idx, &c, &ce)) {
    fprintf(stderr,
            "apiharness replay: no case '%s' in the catalogue ('apiharness cases --list')\n",
            case_id);
    goto out;
  }
  const char *bearer = getenv(token_env);
  if (bearer && !*bearer)
    bearer = NULL;
  if (hclient_global_init() != 0) {
    fprintf(stderr, "apiharness replay: curl_global_init failed\n");
    goto out;
  }
  if (!base) {
    hmock_options mo;
    memset(&mo, 0, sizeof mo);
    mo.spec = spec;
    mo.token = bearer;
    mo.faults = faults;
    mo.hang_s = (unsigned)(timeout_ms / 1000 + 1);
    char merr[512];
    mock = hmock_start(&mo, merr, sizeof merr);
    if (!mock) {
      fprintf(stderr, "apiharness replay: embedded mock: %s\n", merr);
      goto out;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", hmock_port(mock));
  } else {
    snprintf(url, sizeof url, "%s", base);
  }
  char run_id[40];
  snprintf(run_id, sizeof run_id, "replay-%lld", (long long)time(NULL));
  int prof = hjudge_profile_parse(profile);
  hrun_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.base_url = url;
  cfg.bearer = bearer;
  cfg.token_env = token_env;
  cfg.label = "default";
  cfg.run_id = run_id;
  cfg.profile = (hjudge_profile)prof;
  cfg.client.timeout_ms = timeout_ms;
  cfg.client.cacert = cacert;
  cfg.client.insecure = insecure;
  h = curl_easy_init();
  judge = hjudge_new(rules);
  if (!h || !judge || hclient_setup(h, &cfg.client, msg) != 0) {
    fprintf(stderr, "apiharness replay: %s\n", h && judge ? msg : "out of memory");
    goto out;
  }
  result = hrun_case(h, judge, &cfg, &c, NULL, err);
  if (!result) {
    fprintf(stderr, "apiharness replay: %s\n", err);
    goto out;
  }
  /* a target that never answered is "could not run", not a verdict */
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(result, "checks");
  for (const cJSON *k = cJSON_IsArray(checks) ? checks->child : NULL; k; k = k->next) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(k, "name");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(k, "status");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(k, "message");
    if (cJSON_IsString(n) && !strcmp(n->valuestring, "transport") && cJSON_IsString(s) &&
        !strcmp(s->valuestring, "fail") && cJSON_IsString(m) &&
        (strstr(m->valuestring, "connect") || strstr(m->valuestring, "resolve"))) {
      fprintf(stderr, "apiharness replay: %s is unreachable: %s\n", url, m->valuestring);
      goto out;
    }
  }
  if (as_json) {
    char *text = cJSON_Print(result);
    if (text)
      printf("%s\n", text);
    free(text);
  } else {
    printf("case %s (%s) against %s%s\n", c.id, c.title ? c.title : "", url,
           mock ? " (embedded mock)" : "");
    hrun_print(stdout, result);
  }
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(result, "status");
  rc = cJSON_IsString(st) && !strcmp(st->valuestring, "fail") ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
  cJSON_Delete(result);
  hjudge_free(judge);
  if (h)
    hclient_cleanup(h);
  hmock_stop(mock);
  cJSON_Delete(cat);
  hrules_free(rules);
  hspec_free(spec);
  return rc;
}
