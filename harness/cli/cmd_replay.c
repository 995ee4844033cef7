/* apiharness replay: re-send one catalogue case and print its judgement. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/hcases.h"
#include "cli.h"
#include "cli_extra.h"
#include "client/hclient.h"
#include "client/hrun.h"
#include "client/hsanitize.h"
#include "judge/hjudge.h"
#include "mock/hmock.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "util/hutil.h"

static void replay_usage(FILE *out) {
  fprintf(out,
          "usage: apiharness replay (--case ID | --file CASE.json) [--base-url URL] [--spec FILE]\n"
          "         [--token-env VAR]\n"
          "         [--timeout-ms N] [--profile default|strict|aspnet] [--seed N]\n"
          "         [--cacert FILE] [--insecure] [--fault NAME ...] [--redact POINTER ...]\n"
          "         [--json]\n"
          "  Sends catalogue case ID (see 'apiharness cases --list') to URL (without\n"
          "  --base-url: the embedded mock, --fault only there) and prints the judgement;\n"
          "  --json prints the case's result object as in compliance.json.\n"
          "  --file sends the case in CASE.json instead: a catalogue case object, bare or\n"
          "  wrapped as {\"format\": \"apiharness-case/1\", \"case\": {...}} (what explore\n"
          "  writes for a shrunk failure).\n"
          "  --redact JSON-POINTER (repeatable): the value at that RFC 6901 pointer (e.g.\n"
          "  /id) in the request or any response body is \"<redacted>\" in the output.\n"
          "exit: 0 pass/warn/skip, 1 fail, 2 could not run (usage, spec, unknown case,\n"
          "      unreadable or malformed case file, unreachable server)\n");
}

/* The URL without credentials (user:pass@ is never printed). */
static void url_for_display(const char *url, char *out, size_t cap) {
  const char *s = strstr(url, "://");
  const char *a = s ? s + 3 : url;
  size_t al = strcspn(a, "/?#");
  const char *at = NULL;
  for (const char *p = a; p < a + al; p++)
    if (*p == '@')
      at = p;
  if (!at) {
    snprintf(out, cap, "%s", url);
    return;
  }
  snprintf(out, cap, "%.*s<credentials>%s", (int)(a - url), url, at);
}

#define CASE_FILE_MAX ((size_t)64 << 20)
#define CASE_FORMAT "apiharness-case/1"

static int case_file_error(const char *file, const char *ptr, const char *what) {
  fprintf(stderr, "apiharness replay: %s: %s: %s\n", file, ptr[0] ? ptr : "/", what);
  return 0;
}

static int known_str(const cJSON *o, const char *name, int required, const char *file,
                     const char *base, int (*parse)(const char *)) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  char ptr[160];
  snprintf(ptr, sizeof ptr, "%s/%s", base, name);
  if (!m)
    return required ? case_file_error(file, ptr, "missing (a string is required)") : 1;
  if (!cJSON_IsString(m))
    return case_file_error(file, ptr, "not a string");
  if (parse && parse(m->valuestring) < 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "unknown value '%.80s'", m->valuestring);
    return case_file_error(file, ptr, msg);
  }
  return 1;
}

static int parse_expect(const char *s) { return hjudge_expect_parse(s); }
static int parse_auth(const char *s) { return hcases_auth_parse(s); }

/* The request fields of a case or a step, checked with JSON pointers. */
static int check_request(const cJSON *o, const char *file, const char *base) {
  char ptr[160];
  if (!known_str(o, "method", 1, file, base, NULL) ||
      !known_str(o, "expect", 1, file, base, parse_expect) ||
      !known_str(o, "auth", 0, file, base, parse_auth))
    return 0;
  const cJSON *ct = cJSON_GetObjectItemCaseSensitive(o, "content_type");
  if (ct && !cJSON_IsString(ct) && !cJSON_IsNull(ct)) {
    snprintf(ptr, sizeof ptr, "%s/content_type", base);
    return case_file_error(file, ptr, "not a string or null");
  }
  const cJSON *bt = cJSON_GetObjectItemCaseSensitive(o, "body_text");
  if (bt && !cJSON_IsString(bt)) {
    snprintf(ptr, sizeof ptr, "%s/body_text", base);
    return case_file_error(file, ptr, "not a string");
  }
  const cJSON *bs = cJSON_GetObjectItemCaseSensitive(o, "body_segments");
  if (bs && !cJSON_IsArray(bs)) {
    snprintf(ptr, sizeof ptr, "%s/body_segments", base);
    return case_file_error(file, ptr, "not an array");
  }
  int i = 0;
  for (const cJSON *g = bs ? bs->child : NULL; g; g = g->next, i++) {
    if (!cJSON_IsObject(g) || !(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(g, "text")) ||
                                cJSON_IsString(cJSON_GetObjectItemCaseSensitive(g, "hex")) ||
                                cJSON_IsString(cJSON_GetObjectItemCaseSensitive(g, "repeat")))) {
      snprintf(ptr, sizeof ptr, "%s/body_segments/%d", base, i);
      return case_file_error(file, ptr,
                             "a segment is {\"text\"}, {\"hex\"} or {\"repeat\", \"count\"}");
    }
  }
  const cJSON *hd = cJSON_GetObjectItemCaseSensitive(o, "headers");
  if (hd && !cJSON_IsArray(hd)) {
    snprintf(ptr, sizeof ptr, "%s/headers", base);
    return case_file_error(file, ptr, "not an array of [\"Name\", \"value\"] pairs");
  }
  i = 0;
  for (const cJSON *h = hd ? hd->child : NULL; h; h = h->next, i++) {
    if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != 2 ||
        !cJSON_IsString(cJSON_GetArrayItem(h, 0)) || !cJSON_IsString(cJSON_GetArrayItem(h, 1))) {
      snprintf(ptr, sizeof ptr, "%s/headers/%d", base, i);
      return case_file_error(file, ptr, "not a [\"Name\", \"value\"] pair of strings");
    }
  }
  if (i > HCASES_MAX_HEADERS) {
    snprintf(ptr, sizeof ptr, "%s/headers", base);
    return case_file_error(file, ptr, "more than 8 headers");
  }
  return 1;
}

/* Reads a case file; returns a one-case catalogue (cJSON_Delete) with *c
 * decoded from it, or NULL after a one-line error naming the file and the
 * JSON pointer. */
static cJSON *read_case_file(const char *file, hcases_case *c) {
  char err[512];
  size_t len = 0;
  char *text = hutil_slurp(file, CASE_FILE_MAX, 0, &len, NULL, err, sizeof err);
  if (!text) {
    fprintf(stderr, "apiharness replay: %s\n", err);
    return NULL;
  }
  long n = (long)len;
  const char *end = NULL;
  /* the length counts the NUL: cJSON requires it inside the buffer */
  cJSON *doc = cJSON_ParseWithLengthOpts(text, (size_t)n + 1, &end, 1);
  if (!doc) {
    long at = end ? (long)(end - text) : 0;
    if (!end || at < 0 || at > n)
      at = 0;
    fprintf(stderr, "apiharness replay: %s: not valid JSON near byte %ld\n", file, at);
    free(text);
    return NULL;
  }
  free(text);
  const cJSON *cs = doc;
  const char *base = "";
  if (!cJSON_IsObject(doc)) {
    case_file_error(file, "", "not a JSON object (a case, or {\"format\", \"case\"})");
    goto bad;
  }
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
  if (fmt || cJSON_GetObjectItemCaseSensitive(doc, "case")) {
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, CASE_FORMAT)) {
      case_file_error(file, "/format", "not \"" CASE_FORMAT "\"");
      goto bad;
    }
    cs = cJSON_GetObjectItemCaseSensitive(doc, "case");
    base = "/case";
    if (!cJSON_IsObject(cs)) {
      case_file_error(file, "/case", "missing or not an object");
      goto bad;
    }
  }
  char ptr[160];
  if (!known_str(cs, "id", 1, file, base, NULL) ||
      !known_str(cs, "requirement", 1, file, base, NULL) ||
      !known_str(cs, "class", 1, file, base, NULL))
    goto bad;
  const cJSON *seq = cJSON_GetObjectItemCaseSensitive(cs, "sequence");
  if (seq) {
    snprintf(ptr, sizeof ptr, "%s/sequence", base);
    if (!cJSON_IsArray(seq) || cJSON_GetArraySize(seq) < 1 ||
        cJSON_GetArraySize(seq) > HCASES_MAX_STEPS) {
      case_file_error(file, ptr, "not an array of 1 to 8 steps");
      goto bad;
    }
    int i = 0;
    for (const cJSON *st = seq->child; st; st = st->next, i++) {
      char sp[160];
      snprintf(sp, sizeof sp, "%s/sequence/%d", base, i);
      if (!cJSON_IsObject(st)) {
        case_file_error(file, sp, "not an object");
        goto bad;
      }
      if (!check_request(st, file, sp))
        goto bad;
    }
    /* the case's own request fields are not used; the catalogue shape wants them */
  } else if (!check_request(cs, file, base)) {
    goto bad;
  }
  cJSON *cat = cJSON_CreateObject();
  cJSON *arr = cJSON_AddArrayToObject(cat, "cases");
  cJSON *copy = cJSON_Duplicate(cs, 1);
  if (!cat || !arr || !copy) {
    cJSON_Delete(cat);
    cJSON_Delete(copy);
    fprintf(stderr, "apiharness replay: out of memory\n");
    goto bad;
  }
  if (seq) {
    /* hcases_at wants the case's own request fields; a sequence ignores them */
    const cJSON *s0 = seq->child;
    if (!cJSON_GetObjectItemCaseSensitive(copy, "method"))
      cJSON_AddStringToObject(copy, "method",
                              cJSON_GetObjectItemCaseSensitive(s0, "method")->valuestring);
    if (!cJSON_GetObjectItemCaseSensitive(copy, "expect"))
      cJSON_AddStringToObject(copy, "expect",
                              cJSON_GetObjectItemCaseSensitive(s0, "expect")->valuestring);
  }
  cJSON_AddItemToArray(arr, copy);
  cJSON_Delete(doc);
  herr ce;
  if (hcases_at(cat, 0, c, &ce) != 0) {
    fprintf(stderr, "apiharness replay: %s: %s: %s\n", file, base[0] ? base : "/", ce.msg);
    cJSON_Delete(cat);
    return NULL;
  }
  return cat;
bad:
  cJSON_Delete(doc);
  return NULL;
}

static int replay_takes_value(const char *o) {
  static const char *const with_value[] = {"--case",       "--file",    "--base-url", "--spec",
                                           "--token-env",  "--timeout-ms", "--profile", "--seed",
                                           "--cacert",     "--fault",   "--redact",   NULL};
  for (size_t k = 0; with_value[k]; k++)
    if (!strcmp(o, with_value[k]))
      return 1;
  return 0;
}

int cmd_replay(int argc, char **argv) {
  static const char *const repeatable[] = {"--fault", "--redact", NULL};
  if (cli_refuse_repeats("replay", argc, argv, repeatable, replay_takes_value) != 0)
    return CLI_EXIT_ERROR;
  const char *case_id = NULL, *case_file = NULL, *base = NULL, *spec_path = cli_default_spec(),
             *token_env = "HARNESS_TOKEN", *profile = "default", *cacert = NULL;
  long timeout_ms = HCLIENT_DEFAULT_TIMEOUT_MS, seed = 1;
  int insecure = 0, as_json = 0;
  uint64_t faults = 0;
  const char *redact[HRUN_MAX_REDACT];
  size_t n_redact = 0;
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
    static const char *const opts[] = {"--case",      "--file",       "--base-url", "--spec",
                                       "--token-env", "--timeout-ms", "--profile",  "--seed",
                                       "--cacert",    "--fault",      "--redact"};
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
    if ((!strcmp(a, "--case") && case_id) || (!strcmp(a, "--file") && case_file)) {
      fprintf(stderr, "apiharness replay: %s given twice\n", a);
      return CLI_EXIT_ERROR;
    }
    if (!strcmp(a, "--case"))
      case_id = v;
    else if (!strcmp(a, "--file"))
      case_file = v;
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
    } else if (!strcmp(a, "--redact")) {
      const char *why = NULL;
      if (!hrun_pointer_check(v, &why)) {
        char shown[128];
        hsanitize_into(shown, sizeof shown, v, strlen(v), NULL, 0);
        fprintf(stderr, "apiharness replay: --redact '%s': not a JSON pointer: %s\n", shown, why);
        return CLI_EXIT_ERROR;
      }
      if (n_redact >= HRUN_MAX_REDACT) {
        fprintf(stderr, "apiharness replay: at most %d --redact\n", HRUN_MAX_REDACT);
        return CLI_EXIT_ERROR;
      }
      redact[n_redact++] = v;
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
  if (case_id && case_file) {
    fprintf(stderr, "apiharness replay: --case and --file exclude each other\n");
    return CLI_EXIT_ERROR;
  }
  if (!case_id && !case_file) {
    fprintf(stderr, "apiharness replay: --case ID or --file CASE.json is required\n");
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
  herr se;
  herr he;
  herr ce;
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
  hcases_case c;
  if (case_file) {
    cat = read_case_file(case_file, &c);
    if (!cat)
      goto out;
  } else {
    cat = hcases_generate(rules, (unsigned)seed, &ce);
    if (!cat) {
      fprintf(stderr, "apiharness replay: %s\n", ce.msg);
      goto out;
    }
    long idx = hcases_find(cat, case_id);
    if (idx < 0 || hcases_at(cat, (size_t)idx, &c, &ce) != 0) {
      fprintf(stderr,
              "apiharness replay: no case '%s' in the catalogue ('apiharness cases --list')\n",
              case_id);
      goto out;
    }
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
  cfg.redact = redact;
  cfg.n_redact = n_redact;
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
      char shown[600];
      url_for_display(url, shown, sizeof shown);
      fprintf(stderr, "apiharness replay: %s is unreachable: %s\n", shown, m->valuestring);
      goto out;
    }
  }
  if (as_json) {
    char *text = cJSON_Print(result);
    if (text)
      printf("%s\n", text);
    free(text);
  } else {
    char shown[600];
    url_for_display(url, shown, sizeof shown);
    printf("case %s (%s) against %s%s\n", c.id, c.title ? c.title : "", shown,
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
