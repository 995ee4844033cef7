/* The explore engine's case files: see hx_engine_int.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/hsanitize.h"
#include "explore/hx_engine_int.h"
#include "util/hutil.h"

/* A case file's body is written as text when it is UTF-8 without NUL. */
static int valid_text(const char *s, size_t n) {
  return !memchr(s, 0, n) && hutil_utf8_valid(s, n);
}

/* Case files go next to the report: whole or absent (util's atomic write). */
static int write_all(const char *path, const char *data, size_t n) {
  char err[256];
  return hutil_write_atomic(path, data, n, err, sizeof err);
}

/* Every string of the tree without the secrets (in place). */
void hx_write_case(engine *e, failure *f, size_t n, cJSON *entry) {
  const hexplore_config *cfg = e->cfg;
  /* the values --redact names in the body are secrets here too: the case
   * shows the body with them redacted (and says so: a replay sends others) */
  xsecrets xs;
  hx_xs_init(e, &xs);
  hx_xs_body(e, &xs, f->body, f->len);
  const char *body = f->body;
  size_t blen = f->len;
  char *shown = NULL;
  if (xs.nv && (shown = hsanitize_redact(f->body, f->len, xs.list, xs.n, &blen)) != NULL)
    body = shown;
  else
    blen = f->len;
  int body_redacted = body != f->body && (blen != f->len || memcmp(body, f->body, blen) != 0);
  char slug[HREQ_ID_MAX], dir[4096], base[4200], path[4300];
  snprintf(slug, sizeof slug, "%s", f->requirement);
  for (char *c = slug; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          *c == '.' || *c == '-' || *c == '_'))
      *c = '_';
  snprintf(dir, sizeof dir, "%s/explore", cfg->report_dir);
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return;
  snprintf(base, sizeof base, "%s/%zu-%s", dir, n, slug);
  hexplore_expectation x;
  hexplore_oracle_expect(e->oracle, f->ct, f->body, f->len, &x);
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "format", HEXPLORE_CASE_FORMAT);
  cJSON *c = cJSON_AddObjectToObject(doc, "case");
  char id[160], title[HJUDGE_MSG_MAX + HJUDGE_NAME_MAX + 48];
  snprintf(id, sizeof id, "explore.%zu", n);
  cJSON_AddStringToObject(c, "id", id);
  cJSON_AddStringToObject(c, "requirement", x.requirement);
  cJSON_AddStringToObject(c, "class", "explore");
  snprintf(title, sizeof title, "explore failure %zu (%s): %s", n, f->check, f->message);
  cJSON_AddStringToObject(c, "title", title);
  cJSON_AddStringToObject(c, "method", "POST");
  cJSON_AddStringToObject(c, "content_type", f->ct);
  cJSON_AddStringToObject(c, "auth", cfg->bearer ? "token" : "none");
  cJSON_AddStringToObject(c, "expect", hjudge_expect_name(x.expect));
  cJSON_AddBoolToObject(c, "echo", x.echo != NULL);
  if (x.echo && !x.echo_is_body)
    cJSON_AddItemToObject(c, "echo_body", cJSON_Duplicate(x.echo, 1));
  if (x.expect == HJUDGE_EXPECT_CREATED || x.expect == HJUDGE_EXPECT_CREATED_OR_BAD)
    cJSON_AddTrueToObject(c, "creates");
  if (f->pair)
    cJSON_AddNumberToObject(c, "repeat", 2);
  if (x.tolerated) {
    cJSON_AddTrueToObject(c, "tolerated");
    cJSON_AddStringToObject(c, "tolerated_reason", x.tolerated_reason ? x.tolerated_reason : "");
  }
  if (x.aspnet_tolerated) {
    cJSON_AddTrueToObject(c, "aspnet_tolerated");
    cJSON_AddStringToObject(c, "aspnet_reason", hx_aspnet_reason());
  }
  if (x.lenient_surrogates)
    cJSON_AddTrueToObject(c, "lenient_surrogates");
  /* the run's headers: literal ones travel with the case (replay sends
   * them); one from the environment is named, never written */
  cJSON *hd = NULL, *envh = NULL;
  for (size_t i = 0; i < e->n_lines; i++) {
    const hrun_header *h = &cfg->headers[i];
    if (h->env) {
      if (!envh)
        envh = cJSON_CreateArray();
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "name", h->name);
      cJSON_AddStringToObject(o, "env", h->env);
      cJSON_AddItemToArray(envh, o);
    } else if (!hd || cJSON_GetArraySize(hd) < HCASES_MAX_HEADERS) {
      if (!hd)
        hd = cJSON_AddArrayToObject(c, "headers");
      hx_add_pair(hd, h->name, h->value);
    }
  }
  if (valid_text(body, blen)) {
    cJSON_AddStringToObject(c, "body_text", body);
  } else {
    cJSON *segs = cJSON_AddArrayToObject(c, "body_segments");
    cJSON *seg = cJSON_CreateObject();
    char *hex = malloc(blen * 2 + 1);
    for (size_t i = 0; hex && i < blen; i++)
      snprintf(hex + 2 * i, 3, "%02x", (unsigned char)body[i]);
    if (hex)
      hex[blen * 2] = '\0';
    cJSON_AddStringToObject(seg, "hex", hex ? hex : "");
    free(hex);
    cJSON_AddItemToArray(segs, seg);
  }
  cJSON *ex = cJSON_AddObjectToObject(doc, "explore");
  cJSON_AddStringToObject(ex, "check", f->check);
  cJSON_AddStringToObject(ex, "failed_requirement", f->requirement);
  cJSON_AddStringToObject(ex, "message", f->message);
  cJSON_AddNumberToObject(ex, "seed", (double)cfg->seed);
  cJSON_AddNumberToObject(ex, "request", (double)f->index);
  cJSON_AddNumberToObject(ex, "original_size", (double)f->original);
  cJSON_AddNumberToObject(ex, "shrunk_size", (double)f->len);
  if (envh)
    cJSON_AddItemToObject(ex, "env_headers", envh);
  if (body_redacted) {
    cJSON_AddTrueToObject(ex, "body_redacted");
    cJSON_AddStringToObject(ex, "note", "values --redact names are \"<redacted>\" in this body: "
                                        "a replay sends them as written here");
    cJSON_AddTrueToObject(entry, "body_redacted");
  }
  /* the raw body and the curl line */
  snprintf(path, sizeof path, "%s.body", base);
  write_all(path, body, blen);
  cJSON_AddStringToObject(entry, "body_file", path);
  hbuf cl = {0};
  hbuf_puts(&cl, "curl -sS -i -X POST ");
  hrun_shell_quote(&cl, e->url, strlen(e->url));
  hbuf_puts(&cl, " -H ");
  char hdr[300];
  snprintf(hdr, sizeof hdr, "Content-Type: %s", f->ct);
  hrun_shell_quote(&cl, hdr, strlen(hdr));
  if (cfg->bearer)
    hbuf_printf(&cl, " -H \"Authorization: Bearer $%s\"",
                cfg->token_env ? cfg->token_env : "HARNESS_TOKEN");
  for (size_t i = 0; i < e->n_lines; i++) {
    const hrun_header *h = &cfg->headers[i];
    hbuf_puts(&cl, " -H ");
    if (h->env) { /* the variable, never its value: 'Name: '"${VAR}" */
      char nm[HRUN_HEADER_NAME_MAX + 4];
      snprintf(nm, sizeof nm, "%s: ", h->name);
      hrun_shell_quote(&cl, nm, strlen(nm));
      hbuf_printf(&cl, "\"${%s}\"", h->env);
    } else if (h->value[0]) {
      hrun_shell_quote(&cl, e->lines[i], strlen(e->lines[i]));
    } else { /* curl removes "Name:"; "Name;" sends it empty */
      char nm[HRUN_HEADER_NAME_MAX + 4];
      snprintf(nm, sizeof nm, "%s;", h->name);
      hrun_shell_quote(&cl, nm, strlen(nm));
    }
  }
  hbuf_puts(&cl, " --data-binary @");
  hrun_shell_quote(&cl, path, strlen(path));
  cJSON_AddStringToObject(ex, "curl", cl.p ? cl.p : "");
  cJSON_AddStringToObject(entry, "curl", cl.p ? cl.p : "");
  hbuf_free(&cl);
  /* echo_body, the title: whatever else quotes the body (out of memory: the
   * partly redacted case is not written) */
  int unredacted = xs.nv && hsanitize_json_strings(doc, xs.list, xs.n) != 0;
  hx_xs_free(&xs);
  free(shown);
  char *text = unredacted ? NULL : cJSON_Print(doc);
  snprintf(path, sizeof path, "%s.json", base);
  if (text && write_all(path, text, strlen(text)) == 0)
    cJSON_AddStringToObject(entry, "case_file", path);
  free(text);
  cJSON_Delete(doc);
}
