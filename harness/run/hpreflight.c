/* hpreflight: setup probes before the catalogue.  See hpreflight.h. */
/* messages are cut to their fixed buffers on purpose */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include "run/hpreflight.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/hrun.h"
#include "client/hsanitize.h"
#include "judge/hjudge.h"
#include "run/hstop.h"

#define MAX_REDACTED 16
#define MAX_SECRETS (16 + MAX_REDACTED)

typedef enum {
  K_HTTP,       /* an HTTP status came back */
  K_UNREACHED,  /* no connection: refused, unreachable, unresolvable */
  K_TLS_VERIFY, /* the peer's certificate was refused */
  K_TLS_OTHER,  /* the TLS handshake failed */
  K_NOT_HTTP,   /* connected, bytes that are no HTTP response */
  K_OTHER       /* timeouts, resets, empty replies: the cases judge them */
} kind;

typedef struct {
  kind k;
  int status;
  char error[HCLIENT_MSG_MAX];
} probe;

static kind classify(int rc, const hclient_response *rs) {
  if (rs->status >= 100)
    return K_HTTP;
  switch (rc) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY: return K_UNREACHED;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CRL_BADFILE: return K_TLS_VERIFY;
  case CURLE_SSL_CONNECT_ERROR: return K_TLS_OTHER;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_UNSUPPORTED_PROTOCOL: /* "HTTP/0.9": bytes without a status line */
    return rs->connected ? K_NOT_HTTP : K_OTHER;
  default: break;
  }
  if (!rs->connected)
    return K_UNREACHED; /* e.g. a connect timeout: nothing answered the SYN */
  return K_OTHER;
}

static void pause_for_rate(double rate) {
  if (rate <= 0)
    return;
  double s = 1.0 / rate;
  struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

int hpreflight_doubled_prefix(const char *base_url, const char *path, char *out, size_t cap) {
  /* the path of base_url: after "scheme://host[:port]" */
  const char *p = strstr(base_url, "://");
  p = p ? strchr(p + 3, '/') : NULL;
  if (!p || !path)
    return 0;
  size_t bl = strlen(p);
  while (bl > 0 && p[bl - 1] == '/')
    bl--;
  size_t best = 0;
  /* every leading part of path that ends at a segment boundary */
  for (size_t k = 1; path[k - 1]; k++) {
    if (path[k] != '/' && path[k] != '\0')
      continue;
    if (k <= bl && !memcmp(p + bl - k, path, k))
      best = k;
    if (!path[k])
      break;
  }
  if (!best || best + 1 > cap)
    return 0;
  memcpy(out, path, best);
  out[best] = '\0';
  return 1;
}

int hpreflight_run(const hpreflight_config *cfg, const hrules *rules, cJSON *created,
                   hpreflight_result *res) {
  memset(res, 0, sizeof *res);
  res->statuses[0] = res->statuses[1] = res->statuses[2] = -1;
  const char *secrets[MAX_SECRETS];
  size_t ns = 0;
  for (size_t i = 0; i < cfg->n_secrets && ns < MAX_SECRETS - 4; i++)
    secrets[ns++] = cfg->secrets[i];
  if (cfg->bearer && ns < MAX_SECRETS - 4)
    secrets[ns++] = cfg->bearer;
  char *tokens[2] = {NULL, NULL}; /* token values the probes' 201s carried */
  char *red[MAX_REDACTED];        /* values named by --redact in their bodies */
  size_t n_red = 0;
  const char *path = cfg->path ? cfg->path : HRULES_PATH;
  char url[2300], clean_base[1024];
  snprintf(url, sizeof url, "%s%s", cfg->base_url, path);
  hsanitize_into(clean_base, sizeof clean_base, cfg->base_url, strlen(cfg->base_url), secrets, ns);
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  if (!h || hclient_setup(h, &cfg->client, msg) != 0) {
    snprintf(res->msg, sizeof res->msg, "preflight: libcurl: %s", h ? msg : "init failed");
    hclient_cleanup(h);
    return -1;
  }
  hjudge *judge = rules ? hjudge_new(rules) : NULL;
  /* the run's headers (--header) go with every probe */
  char *line_own[HRUN_MAX_RUN_HEADERS];
  const char *lines[HRUN_MAX_RUN_HEADERS];
  size_t n_lines = 0;
  for (size_t k = 0; k < cfg->n_headers && k < HRUN_MAX_RUN_HEADERS; k++) {
    size_t l = strlen(cfg->headers[k].name) + strlen(cfg->headers[k].value) + 3;
    if (!(line_own[n_lines] = malloc(l)))
      break;
    snprintf(line_own[n_lines], l, cfg->headers[k].value[0] ? "%s: %s" : "%s:%s",
             cfg->headers[k].name, cfg->headers[k].value);
    lines[n_lines] = line_own[n_lines];
    n_lines++;
  }
  probe pr[3];
  memset(pr, 0, sizeof pr);
  int n_post = 0;
  for (int i = 0; i < 3; i++) {
    int post = cfg->creates && i < 2;
    if (i == 1 && (!cfg->bearer || !cfg->creates))
      continue; /* without a token the create is already unauthenticated */
    if (i == 2 && !cfg->creates && res->statuses[0] != -1)
      continue; /* reachability only: the first GET did it */
    if (hstop_requested())
      break;
    if (i > 0 && res->statuses[0] != -1)
      pause_for_rate(cfg->rate_per_s);
    hclient_request rq = {"GET", i == 2 ? cfg->base_url : url, NULL, NULL, NULL, 0};
    if (post) {
      rq.method = "POST";
      rq.content_type = cfg->content_type;
      rq.bearer = i == 0 ? cfg->bearer : NULL;
      rq.body = cfg->body;
      rq.body_len = cfg->body_len;
    } else if (i == 0) {
      rq.url = url; /* --max-creates 0: one GET of the operation's URL */
    }
    hclient_response rs;
    hclient_response_init(&rs);
    int rc = hclient_perform_lines(h, &cfg->client, &rq, lines, n_lines, &rs);
    pr[i].k = classify(rc, &rs);
    pr[i].status = rs.status;
    res->statuses[i] = rs.status;
    hsanitize_into(pr[i].error, sizeof pr[i].error, rs.error, strlen(rs.error), secrets, ns);
    if (post) {
      n_post++;
      if (rs.status >= 200 && rs.status < 300) {
        res->created++;
        char id[256] = "", tok[1024] = "";
        if (judge && rs.body)
          hjudge_created_fields(judge, rs.body, rs.body_len, id, sizeof id, tok, sizeof tok);
        if (tok[0] && !tokens[i] && (tokens[i] = strdup(tok)) != NULL)
          secrets[ns++] = tokens[i];
        size_t before = n_red;
        n_red = hrun_redact_values(cfg->redact, cfg->n_redact, rs.body, rs.body_len, red,
                                   MAX_REDACTED, n_red);
        for (size_t k = before; k < n_red && ns < MAX_SECRETS; k++)
          secrets[ns++] = red[k];
        if (created) {
          cJSON *o = cJSON_CreateObject();
          char cid[256];
          hsanitize_into(cid, sizeof cid, id[0] ? id : "(no id in the response)",
                         strlen(id[0] ? id : "(no id in the response)"), secrets, ns);
          cJSON_AddStringToObject(o, "id", cid);
          cJSON_AddStringToObject(o, "name",
                                  i == 0 || cfg->bearer == NULL
                                      ? (cfg->token_name ? cfg->token_name : "")
                                      : "(unauthenticated)");
          cJSON_AddStringToObject(o, "label", cfg->label ? cfg->label : "default");
          cJSON_AddStringToObject(o, "source", "preflight");
          cJSON_AddItemToArray(created, o);
        }
        memset(tok, 0, sizeof tok);
      }
    }
    hclient_response_free(&rs);
    /* no connection at all, or TLS refused: nothing else can be learnt */
    if (i == 0 && pr[0].k != K_HTTP && pr[0].k != K_NOT_HTTP && pr[0].k != K_OTHER)
      break;
  }
  hclient_cleanup(h);
  hjudge_free(judge);
  res->outcome = HPREFLIGHT_GO;
  int sent = 0, not_http = 0, post_404 = 0;
  for (int i = 0; i < 3; i++)
    if (res->statuses[i] != -1) {
      sent++;
      not_http += pr[i].k == K_NOT_HTTP;
    }
  for (int i = 0; i < 2; i++)
    if (res->statuses[i] != -1 && cfg->creates)
      post_404 += pr[i].status == 404;
  const char *tokvar = cfg->token_env ? cfg->token_env : "HARNESS_TOKEN";
  if (sent == 0) {
    /* interrupted before the first probe */
  } else if (pr[0].k == K_UNREACHED) {
    res->outcome = HPREFLIGHT_STOP;
    snprintf(res->msg, sizeof res->msg,
             "%s is unreachable: %s (is the server running? check --base-url)", clean_base,
             pr[0].error[0] ? pr[0].error : "no connection");
  } else if (pr[0].k == K_TLS_VERIFY) {
    res->outcome = HPREFLIGHT_STOP;
    snprintf(res->msg, sizeof res->msg,
             "TLS verification of %s failed (%s): give its CA with --cacert FILE, or skip "
             "verification with --insecure",
             clean_base, pr[0].error);
  } else if (pr[0].k == K_TLS_OTHER) {
    res->outcome = HPREFLIGHT_STOP;
    snprintf(res->msg, sizeof res->msg,
             "the TLS handshake with %s failed (%s): does the server speak https on that port?",
             clean_base, pr[0].error);
  } else if (not_http == sent) {
    res->outcome = HPREFLIGHT_STOP;
    res->diagnosis = 1;
    snprintf(res->msg, sizeof res->msg,
             "%s does not answer HTTP (%s): is it an https server, or another service on that "
             "port?",
             clean_base, pr[0].error);
  } else if (n_post > 0 && post_404 == n_post) {
    res->outcome = HPREFLIGHT_STOP;
    res->diagnosis = 1;
    char clean_url[2400], prefix[512];
    hsanitize_into(clean_url, sizeof clean_url, url, strlen(url), secrets, ns);
    if (hpreflight_doubled_prefix(cfg->base_url, path, prefix, sizeof prefix))
      snprintf(res->msg, sizeof res->msg,
               "every POST to %s was answered 404: wrong base path? --base-url already ends "
               "with %s, which the operation's path %s repeats: leave it out of --base-url",
               clean_url, prefix, path);
    else
      snprintf(res->msg, sizeof res->msg,
               "every POST to %s was answered 404: wrong base path? (--base-url is the server's "
               "root; the operation's path %s is appended)",
               clean_url, path);
  } else if (cfg->creates && (pr[0].status == 401 || pr[0].status == 403)) {
    if (!cfg->bearer) {
      res->outcome = HPREFLIGHT_STOP;
      res->diagnosis = 1;
      snprintf(res->msg, sizeof res->msg,
               "the create was refused with %d and no token is configured: set %s (or name the "
               "variable with --token-env VAR)",
               pr[0].status, tokvar);
    } else {
      snprintf(res->warn, sizeof res->warn,
               "every request with the token was refused with %d: check the token (%s)",
               pr[0].status, tokvar);
    }
  }
  for (size_t k = 0; k < n_red; k++) {
    memset(red[k], 0, strlen(red[k]));
    free(red[k]);
  }
  for (size_t k = 0; k < n_lines; k++) {
    memset(line_own[k], 0, strlen(line_own[k]));
    free(line_own[k]);
  }
  for (int i = 0; i < 2; i++)
    if (tokens[i]) {
      memset(tokens[i], 0, strlen(tokens[i]));
      free(tokens[i]);
    }
  return 0;
}
