/* hrun: one catalogue case -> request -> judgement -> result object.  See hrun.h. */
#include "client/hrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "rules/hrules.h"
#include "json/hjson.h"

/* Messages are cut to their fixed buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define CURL_BODY_INLINE_MAX 4096 /* larger bodies are reproduced with apiharness replay */
#define TOKEN_CAP 4096

void hrun_token_name(const hrun_config *cfg, const char *case_id, char *buf, size_t cap) {
  snprintf(buf, cap, HRUN_NAME_PREFIX "%s-%s", cfg->run_id ? cfg->run_id : "run", case_id);
}

/* ---- rate limit shared by every process using the same file ---- */

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void rate_wait(const hrun_config *cfg) {
  if (!cfg->rate_file || cfg->rate_per_s <= 0)
    return;
  int fd = open(cfg->rate_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (flock(fd, LOCK_EX) == 0) {
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long long last = n > 0 ? atoll(buf) : 0;
    long long gap = (long long)(1e9 / cfg->rate_per_s);
    long long wait = last + gap - now_ns();
    if (wait > 0 && wait <= gap) {
      struct timespec ts = {(time_t)(wait / 1000000000LL), (long)(wait % 1000000000LL)};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    }
    int len = snprintf(buf, sizeof buf, "%lld", now_ns());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)len, 0) < 0) {
      /* a lost timestamp only loosens the limit for one request */
    }
    flock(fd, LOCK_UN);
  }
  close(fd);
}

/* ---- excerpts ---- */

/* Length of a valid UTF-8 sequence at s (max n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  if (s[0] < 0x80)
    return 1;
  size_t len;
  unsigned cp;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    len = 2;
    cp = s[0] & 0x1F;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    len = 3;
    cp = s[0] & 0x0F;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    len = 4;
    cp = s[0] & 0x07;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

/* Text excerpt of data: at most max input bytes, invalid UTF-8 and control
 * bytes (except \n, \t) shown as \xNN.  malloc'd. */
static char *excerpt(const char *data, size_t len, size_t max) {
  size_t n = len < max ? len : max;
  char *o = malloc(n * 4 + 16);
  if (!o)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    const unsigned char *s = (const unsigned char *)data + i;
    size_t l = utf8_len(s, n - i);
    if (l == 1 && (s[0] >= 0x20 || s[0] == '\n' || s[0] == '\t') && s[0] != 0x7f) {
      o[k++] = (char)s[0];
    } else if (l > 1) {
      memcpy(o + k, s, l);
      k += l;
    } else {
      k += (size_t)sprintf(o + k, "\\x%02x", s[0]);
      l = 1;
    }
    i += l;
  }
  if (len > max)
    k += (size_t)sprintf(o + k, "...");
  o[k] = '\0';
  return o;
}

static void add_excerpt(cJSON *obj, const char *data, size_t len, const char *const *secrets,
                        size_t ns) {
  size_t rl = 0;
  char *red = hclient_redact(data ? data : "", data ? len : 0, secrets, ns, &rl);
  char *ex = red ? excerpt(red, rl, HRUN_EXCERPT_MAX) : NULL;
  cJSON_AddStringToObject(obj, "body_excerpt", ex ? ex : "");
  free(ex);
  free(red);
  cJSON_AddNumberToObject(obj, "body_bytes", (double)len);
}

static void add_header(cJSON *arr, const char *name, const char *value) {
  cJSON *pair = cJSON_CreateArray();
  cJSON_AddItemToArray(pair, cJSON_CreateString(name));
  cJSON_AddItemToArray(pair, cJSON_CreateString(value));
  cJSON_AddItemToArray(arr, pair);
}

/* Parses the raw header block into [[name, value]...], redacted. */
static cJSON *response_headers(const hclient_response *r, const char *const *secrets, size_t ns) {
  cJSON *arr = cJSON_CreateArray();
  if (!r->headers)
    return arr;
  size_t rl = 0;
  char *red = hclient_redact(r->headers, r->headers_len, secrets, ns, &rl);
  if (!red)
    return arr;
  char *save = NULL;
  for (char *line = strtok_r(red, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
    char *colon = strchr(line, ':');
    if (!colon || !strncmp(line, "HTTP/", 5))
      continue;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    char *ex = excerpt(v, strlen(v), 512);
    char *exn = excerpt(line, strlen(line), 128);
    add_header(arr, exn ? exn : "?", ex ? ex : "");
    free(ex);
    free(exn);
  }
  free(red);
  return arr;
}

/* ---- the curl reproducer ---- */



/* 'text' for a POSIX shell */
static void sb_quoted(hbuf *b, const char *s, size_t n) {
  hbuf_add(b, "'", 1);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\'')
      hbuf_puts(b, "'\\''");
    else
      hbuf_add(b, s + i, 1);
  }
  hbuf_add(b, "'", 1);
}

static int plain_text(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t l = utf8_len((const unsigned char *)s + i, n - i);
    if (!l || (l == 1 && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)))
      return 0;
    i += l;
  }
  return 1;
}

static char *curl_line(const hrun_config *cfg, const hcases_case *c, const char *url,
                       const char *body, size_t len) {
  hbuf b = {0};
  int inline_body = body && len <= CURL_BODY_INLINE_MAX;
  if (body && len > CURL_BODY_INLINE_MAX) {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "apiharness replay --case %s --base-url ", c->id);
    hbuf_puts(&b, tmp);
    sb_quoted(&b, cfg->base_url, strlen(cfg->base_url));
    snprintf(tmp, sizeof tmp, "  # body of %zu bytes, described in the catalogue", len);
    hbuf_puts(&b, tmp);
    return b.nomem ? (free(b.p), NULL) : b.p;
  }
  int binary = inline_body && !plain_text(body, len);
  if (binary) {
    /* printf rebuilds any bytes, NUL included */
    hbuf_puts(&b, "printf '");
    for (size_t i = 0; i < len; i++) {
      unsigned char ch = (unsigned char)body[i];
      char hex[8];
      if (ch == '%')
        hbuf_puts(&b, "%%");
      else if (ch == '\\')
        hbuf_puts(&b, "\\\\");
      else if (ch == '\'' || ch < 0x20 || ch >= 0x7f) {
        snprintf(hex, sizeof hex, "\\x%02x", ch);
        hbuf_puts(&b, hex);
      } else
        hbuf_add(&b, (const char *)&ch, 1);
    }
    hbuf_puts(&b, "' | ");
  }
  hbuf_puts(&b, "curl -sS -i -X ");
  hbuf_puts(&b, c->method);
  hbuf_puts(&b, " ");
  sb_quoted(&b, url, strlen(url));
  if (c->content_type) {
    hbuf_puts(&b, " -H ");
    char h[300];
    snprintf(h, sizeof h, "Content-Type: %s", c->content_type);
    sb_quoted(&b, h, strlen(h));
  } else if (body) {
    hbuf_puts(&b, " -H 'Content-Type:'");
  }
  if (c->auth == HCASES_AUTH_TOKEN && cfg->bearer) {
    char h[200];
    snprintf(h, sizeof h, " -H \"Authorization: Bearer $%s\"",
             cfg->token_env ? cfg->token_env : "HARNESS_TOKEN");
    hbuf_puts(&b, h);
  } else if (c->auth == HCASES_AUTH_WRONG) {
    hbuf_puts(&b, " -H 'Authorization: Bearer " HRUN_WRONG_TOKEN "'");
  }
  hbuf_puts(&b, " -H 'Expect:'");
  if (binary)
    hbuf_puts(&b, " --data-binary @-");
  else if (inline_body) {
    hbuf_puts(&b, " --data-binary ");
    sb_quoted(&b, body, len);
  }
  if (!strcmp(c->method, "HEAD"))
    hbuf_puts(&b, " --head");
  if (b.nomem) {
    free(b.p);
    return NULL;
  }
  return b.p;
}

/* ---- checks -> JSON ---- */

static void add_checks(cJSON *arr, const hjudge_verdict *v, const char *prefix) {
  for (size_t i = 0; i < v->n_checks; i++) {
    const hjudge_check *k = &v->checks[i];
    if (prefix && (k->status == HJUDGE_PASS || k->status == HJUDGE_SKIP))
      continue;
    cJSON *o = cJSON_CreateObject();
    char name[HJUDGE_NAME_MAX + 16];
    snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", k->name);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "status", hjudge_status_name(k->status));
    cJSON_AddStringToObject(o, "message", k->message);
    cJSON_AddStringToObject(o, "requirement", k->requirement);
    cJSON_AddItemToArray(arr, o);
  }
}

static cJSON *base_result(const hcases_case *c, const hrun_config *cfg) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "id", c->id);
  cJSON_AddStringToObject(r, "requirement", c->requirement);
  cJSON_AddStringToObject(r, "class", c->klass);
  cJSON_AddStringToObject(r, "title", c->title ? c->title : "");
  cJSON_AddStringToObject(r, "label", cfg->label ? cfg->label : "default");
  return r;
}

static void add_created(cJSON *created, const char *id, const char *name, const char *label) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", id);
  char cut[128];
  snprintf(cut, sizeof cut, "%s%s", name, strlen(name) > 100 ? "..." : "");
  if (strlen(name) > 100)
    memcpy(cut + 100, "...", 4);
  char *ex = excerpt(cut, strlen(cut), sizeof cut);
  cJSON_AddStringToObject(o, "name", ex ? ex : "");
  free(ex);
  cJSON_AddStringToObject(o, "label", label ? label : "default");
  cJSON_AddItemToArray(created, o);
}

cJSON *hrun_case(CURL *h, hjudge *judge, const hrun_config *cfg, const hcases_case *c,
                 const char *skip_reason, char *err) {
  cJSON *res = base_result(c, cfg);
  char *body = NULL, *first_body = NULL, *curl = NULL;
  size_t len = 0, first_len = 0;
  hjson_doc *reqdoc = NULL;
  hclient_response r;
  hclient_response_init(&r);
  char url[2048], name[256];
  char tokens[3][TOKEN_CAP]; /* 201 token values seen: redacted from the evidence */
  size_t n_tokens = 0;
  if (!skip_reason && c->skip)
    skip_reason = c->skip;
  if (!skip_reason && c->requires_token && !cfg->bearer)
    skip_reason = "no bearer token configured (--token-env): authentication cannot be checked";
  if (skip_reason) {
    cJSON_AddStringToObject(res, "status", "skip");
    cJSON_AddStringToObject(res, "detail", skip_reason);
    cJSON_AddItemToObject(res, "checks", cJSON_CreateArray());
    return res;
  }
  hrun_token_name(cfg, c->id, name, sizeof name);
  hcases_error ce;
  if (!hcases_body(c, name, &body, &len, &ce)) {
    snprintf(err, HCASES_MSG_MAX, "%s", ce.msg);
    cJSON_Delete(res);
    return NULL;
  }
  const char *base = cfg->base_url;
  size_t bl = strlen(base);
  while (bl && base[bl - 1] == '/')
    bl--;
  snprintf(url, sizeof url, "%.*s%s", (int)bl, base, cfg->path ? cfg->path : HRULES_PATH);
  const char *bearer = c->auth == HCASES_AUTH_TOKEN   ? cfg->bearer
                       : c->auth == HCASES_AUTH_WRONG ? HRUN_WRONG_TOKEN
                                                      : NULL;
  int has_body = cJSON_GetObjectItemCaseSensitive(c->json, "body") ||
                 cJSON_GetObjectItemCaseSensitive(c->json, "body_text") ||
                 cJSON_GetObjectItemCaseSensitive(c->json, "body_segments");
  hclient_request req = {c->method,         url, c->content_type, bearer, has_body ? body : NULL,
                         has_body ? len : 0};
  const cJSON *req_tree = NULL;
  if (c->echo) {
    reqdoc = hjson_doc_new();
    req_tree = reqdoc ? hjson_parse(reqdoc, body, len, NULL, NULL) : NULL;
  }
  hjudge_case jc = {.expect = c->expect,
                    .requirement = c->requirement,
                    .nonstandard_method = c->nonstandard_method,
                    .aspnet_tolerated = c->aspnet_tolerated,
                    .aspnet_reason = c->aspnet_reason,
                    .lenient_surrogates = c->lenient_surrogates,
                    .request_body = req_tree,
                    .tolerated = c->tolerated,
                    .tolerated_reason = c->tolerated_reason};
  hjudge_verdict v, v2;
  cJSON *checks = cJSON_CreateArray();
  cJSON *created = cJSON_CreateArray();
  char server[HCLIENT_HEADER_VALUE_MAX] = "";
  for (int round = 0; round < c->repeat; round++) {
    if (round) {
      first_body = r.body;
      first_len = r.body_len;
      r.body = NULL;
      hclient_response_free(&r);
      /* the next create gets its own name: a server may legitimately refuse
       * a second token of the same name, and the point is distinct ids */
      char again[sizeof name + 16];
      snprintf(again, sizeof again, "%s-%d", name, round + 1);
      char *b2 = NULL;
      size_t l2 = 0;
      if (hcases_body(c, again, &b2, &l2, &ce)) {
        free(body);
        body = b2;
        len = l2;
        req.body = has_body ? body : NULL;
        req.body_len = has_body ? len : 0;
        snprintf(name, sizeof name, "%s", again);
        if (reqdoc)
          jc.request_body = hjson_parse(reqdoc, body, len, NULL, NULL);
      }
    }
    rate_wait(cfg);
    hclient_perform(h, &cfg->client, &req, &r);
    if (r.has_server && !server[0])
      snprintf(server, sizeof server, "%s", r.server);
    hjudge_response jr = hclient_judge_view(&r);
    hjudge_response_judge(judge, &jc, &jr, cfg->profile, round ? &v2 : &v);
    if (round)
      add_checks(checks, &v2, "second:");
    else
      add_checks(checks, &v, NULL);
    if (r.status >= 200 && r.status < 300) {
      /* any 2xx to a POST may have created a token (a server answering 200
       * instead of 201 still did): list it, by id when the body has one,
       * else by the name it was given, so an operator can revoke it */
      char id[256] = "";
      char *tok = n_tokens < 3 ? tokens[n_tokens] : NULL;
      if (r.body)
        hjudge_created_fields(judge, r.body, r.body_len, id, sizeof id, tok ? tok : id,
                              tok ? TOKEN_CAP : 0);
      if (!strcmp(c->method, "POST"))
        add_created(created, id[0] ? id : "(no id in the response)",
                    c->auth == HCASES_AUTH_TOKEN ? name : "(unauthenticated)", cfg->label);
      if (tok && tok[0])
        n_tokens++;
    }
  }
  hjudge_status st = v.status;
  char detail[HJUDGE_MSG_MAX];
  snprintf(detail, sizeof detail, "%s", v.detail);
  if (c->repeat > 1) {
    if (v2.status > st)
      st = v2.status;
    if (!detail[0] && v2.detail[0])
      snprintf(detail, sizeof detail, "second request: %s", v2.detail);
    hjudge_verdict vd;
    hjudge_verdict_init(&vd);
    hjudge_distinct(judge, first_body, first_len, r.body, r.body_len, &vd);
    add_checks(checks, &vd, NULL);
    if (vd.status > st)
      st = vd.status;
    if (vd.status == HJUDGE_FAIL && (v.status < HJUDGE_FAIL && v2.status < HJUDGE_FAIL))
      snprintf(detail, sizeof detail, "%s", vd.detail);
  }
  const char *secrets[5];
  size_t ns = 0;
  for (size_t i = 0; i < n_tokens; i++)
    secrets[ns++] = tokens[i];
  if (cfg->bearer && strlen(cfg->bearer) >= 4)
    secrets[ns++] = cfg->bearer;
  /* the detail and messages come from the judge, which never copies token
   * values; redact anyway in case a server echoes a secret into a message */
  size_t dl;
  char *rd = hclient_redact(detail, strlen(detail), secrets, ns, &dl);
  cJSON_AddStringToObject(res, "status", hjudge_status_name(st));
  cJSON_AddStringToObject(res, "detail", rd ? rd : "");
  free(rd);
  cJSON_AddItemToObject(res, "checks", checks);
  if (server[0])
    cJSON_AddStringToObject(res, "server", server);
  if (st == HJUDGE_FAIL || st == HJUDGE_WARN) {
    cJSON *ev = cJSON_AddObjectToObject(res, "evidence");
    cJSON *rq = cJSON_AddObjectToObject(ev, "request");
    cJSON_AddStringToObject(rq, "method", c->method);
    cJSON_AddStringToObject(rq, "url", url);
    cJSON *hd = cJSON_AddArrayToObject(rq, "headers");
    if (c->content_type)
      add_header(hd, "Content-Type", c->content_type);
    if (c->auth == HCASES_AUTH_TOKEN && cfg->bearer)
      add_header(hd, "Authorization", "Bearer <redacted>");
    else if (c->auth == HCASES_AUTH_WRONG)
      add_header(hd, "Authorization", "Bearer " HRUN_WRONG_TOKEN);
    add_excerpt(rq, has_body ? body : "", has_body ? len : 0, secrets, ns);
    cJSON *rs = cJSON_AddObjectToObject(ev, "response");
    cJSON_AddNumberToObject(rs, "status", r.status);
    cJSON_AddItemToObject(rs, "headers", response_headers(&r, secrets, ns));
    add_excerpt(rs, r.body, r.body_len, secrets, ns);
    cJSON_AddNumberToObject(rs, "time_ms", (double)r.time_ms);
    if (r.truncated)
      cJSON_AddTrueToObject(rs, "truncated");
    if (r.error[0])
      cJSON_AddStringToObject(rs, "error", r.error);
    curl = curl_line(cfg, c, url, has_body ? body : NULL, has_body ? len : 0);
    size_t cl;
    char *rc = curl ? hclient_redact(curl, strlen(curl), secrets, ns, &cl) : NULL;
    cJSON_AddStringToObject(ev, "curl", rc ? rc : "");
    free(rc);
  }
  cJSON_AddItemToObject(res, "created", created);
  for (size_t i = 0; i < n_tokens; i++)
    memset(tokens[i], 0, TOKEN_CAP);
  free(body);
  free(first_body);
  free(curl);
  hclient_response_free(&r);
  hjson_doc_free(reqdoc);
  return res;
}

void hrun_print(FILE *out, const cJSON *result) {
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(result, "id");
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(result, "status");
  const cJSON *detail = cJSON_GetObjectItemCaseSensitive(result, "detail");
  fprintf(out, "%s: %s%s%s\n", cJSON_IsString(id) ? id->valuestring : "?",
          cJSON_IsString(st) ? st->valuestring : "?",
          cJSON_IsString(detail) && detail->valuestring[0] ? " - " : "",
          cJSON_IsString(detail) ? detail->valuestring : "");
  const cJSON *checks = cJSON_GetObjectItemCaseSensitive(result, "checks");
  for (const cJSON *k = cJSON_IsArray(checks) ? checks->child : NULL; k; k = k->next) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(k, "name");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(k, "status");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(k, "message");
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(k, "requirement");
    fprintf(out, "  %-5s %-28s %-40s %s\n", cJSON_IsString(s) ? s->valuestring : "?",
            cJSON_IsString(n) ? n->valuestring : "?", cJSON_IsString(q) ? q->valuestring : "",
            cJSON_IsString(m) ? m->valuestring : "");
  }
  const cJSON *ev = cJSON_GetObjectItemCaseSensitive(result, "evidence");
  const cJSON *curl = cJSON_IsObject(ev) ? cJSON_GetObjectItemCaseSensitive(ev, "curl") : NULL;
  if (cJSON_IsString(curl))
    fprintf(out, "reproduce: %s\n", curl->valuestring);
}

/* ---- plan entries ---- */

static const char *pstr(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

static double pnum(const cJSON *o, const char *name, double dflt) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsNumber(m) ? m->valuedouble : dflt;
}

static int write_atomic(const char *path, const char *text, char *err) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    snprintf(err, HCASES_MSG_MAX, "%s: %s", tmp, strerror(errno));
    return -1;
  }
  size_t n = strlen(text);
  if (fwrite(text, 1, n, f) != n || fclose(f) != 0 || rename(tmp, path) != 0) {
    snprintf(err, HCASES_MSG_MAX, "%s: write failed", path);
    remove(tmp);
    return -1;
  }
  return 0;
}

int hrun_entry(const cJSON *plan, size_t index, const hrules *rules, const cJSON *cat, char *err) {
  const cJSON *entries = cJSON_GetObjectItemCaseSensitive(plan, "entries");
  const cJSON *entry = cJSON_IsArray(entries) ? cJSON_GetArrayItem(entries, (int)index) : NULL;
  const char *results = pstr(plan, "results_dir");
  const char *case_id = pstr(entry, "case");
  hcases_error ce;
  if (!entry || !results || !case_id || !pstr(plan, "base_url")) {
    snprintf(err, HCASES_MSG_MAX, "plan entry %zu: missing case, results_dir or base_url", index);
    return -1;
  }
  long idx = hcases_find(cat, case_id);
  hcases_case c;
  if (idx < 0 || !hcases_at(cat, (size_t)idx, &c, &ce)) {
    snprintf(err, HCASES_MSG_MAX, "plan entry %zu: case %s not in the catalogue", index, case_id);
    return -1;
  }
  const char *token_env = pstr(entry, "token_env");
  const char *bearer = token_env ? getenv(token_env) : NULL;
  int prof = hjudge_profile_parse(pstr(plan, "profile"));
  hrun_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.base_url = pstr(plan, "base_url");
  cfg.bearer = bearer && *bearer ? bearer : NULL;
  cfg.token_env = token_env;
  cfg.label = pstr(entry, "label");
  cfg.run_id = pstr(plan, "run_id");
  cfg.profile = prof < 0 ? HJUDGE_PROFILE_DEFAULT : (hjudge_profile)prof;
  cfg.client.timeout_ms = (long)pnum(plan, "timeout_ms", HCLIENT_DEFAULT_TIMEOUT_MS);
  cfg.client.max_body = (size_t)pnum(plan, "max_body", 0);
  cfg.client.cacert = pstr(plan, "cacert");
  cfg.client.insecure = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(plan, "insecure"));
  cfg.rate_file = pstr(plan, "rate_file");
  cfg.rate_per_s = pnum(plan, "rate_per_s", 0);
  int rc = -1;
  char msg[HCLIENT_MSG_MAX];
  CURL *h = curl_easy_init();
  hjudge *judge = hjudge_new(rules);
  cJSON *result = NULL;
  char *text = NULL;
  if (!h || !judge) {
    snprintf(err, HCASES_MSG_MAX, "out of memory");
    goto fail;
  }
  if (hclient_setup(h, &cfg.client, msg) != 0) {
    snprintf(err, HCASES_MSG_MAX, "%s", msg);
    goto fail;
  }
  result = hrun_case(h, judge, &cfg, &c, pstr(entry, "skip"), err);
  if (!result)
    goto fail;
  text = cJSON_PrintUnformatted(result);
  if (!text) {
    snprintf(err, HCASES_MSG_MAX, "out of memory");
    goto fail;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%zu.json", results, index);
  rc = write_atomic(path, text, err);
fail:
  free(text);
  cJSON_Delete(result);
  hjudge_free(judge);
  if (h)
    hclient_cleanup(h);
  return rc;
}
