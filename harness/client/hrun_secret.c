/* hrun_secret: what is secret in a case (bearer, derived auth values, 201
 * token values, --redact values, env-derived --header values) and the
 * parsing of --redact and --header.  See hrun_int.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/hrun_int.h"
#include "client/hsanitize.h"
#include "util/hutil.h"

/* Messages are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void sec_add(secrets *s, const char *v) {
  if (!v || strlen(v) < HSANITIZE_MIN_SECRET)
    return;
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->list[i], v))
      return;
  if (s->n < sizeof s->list / sizeof s->list[0])
    s->list[s->n++] = v;
}

/* The values of the run's headers that came from the environment. */
void sec_headers(secrets *s, const hrun_config *cfg) {
  for (size_t j = 0; j < cfg->n_headers; j++)
    if (cfg->headers[j].env)
      sec_add(s, cfg->headers[j].value);
}

void sec_free(secrets *s) {
  for (size_t i = 0; i < s->n_tokens; i++) {
    memset(s->tokens[i], 0, strlen(s->tokens[i]));
    free(s->tokens[i]);
  }
  s->n_tokens = 0;
  for (size_t i = 0; i < s->n_values; i++) {
    memset(s->values[i], 0, strlen(s->values[i]));
    free(s->values[i]);
  }
  s->n_values = 0;
}

/* ---- --redact: the values the pointers name are secrets of the case ---- */

int hrun_pointer_check(const char *pointer, const char **why) {
  static const char *w;
  if (!pointer || !*pointer)
    w = "empty (it would name the whole body; name a member, e.g. /id)";
  else if (pointer[0] != '/')
    w = "a JSON pointer starts with '/' (RFC 6901), e.g. /id or /account/id";
  else if (strlen(pointer) > HRUN_POINTER_MAX)
    w = "longer than 1024 bytes";
  else {
    w = NULL;
    for (const char *q = pointer; *q && !w; q++) {
      if (*q == '~' && q[1] != '0' && q[1] != '1')
        w = "'~' must be followed by 0 or 1 (~0 is '~', ~1 is '/')";
      else if ((unsigned char)*q < 0x20 || *q == 0x7f)
        w = "holds a control character";
    }
  }
  if (why)
    *why = w;
  return w == NULL;
}

/* ---- --header ---- */

static int tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

int hrun_header_parse(const char *arg, hrun_header_arg *out, const char **why) {
  static const char *const reserved[] = {
      "authorization", "content-type", "content-length", "transfer-encoding",
      "host",          "connection",   "expect"};
  memset(out, 0, sizeof *out);
  const char *w = NULL;
  const char *colon = arg ? strchr(arg, ':') : NULL;
  size_t nl = colon ? (size_t)(colon - arg) : 0;
  if (!colon)
    w = "expected 'Name: value'";
  else if (!nl)
    w = "the header name is empty";
  else if (nl >= sizeof out->name)
    w = "the header name is longer than 127 bytes";
  for (size_t i = 0; !w && i < nl; i++)
    if (!tchar((unsigned char)arg[i]))
      w = "the header name holds a character a field name cannot have (RFC 9110: letters, "
          "digits and !#$%&'*+-.^_`|~; no space)";
  if (!w) {
    memcpy(out->name, arg, nl);
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
      if (!strcasecmp(out->name, reserved[k]))
        w = "the harness sets this header itself per case (the token: --token-env)";
  }
  const char *v = colon ? colon + 1 : "";
  while (*v == ' ' || *v == '\t')
    v++;
  size_t vl = strlen(v);
  while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
    vl--;
  for (size_t i = 0; !w && i < vl; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c == '\r' || c == '\n')
      w = "the value holds CR or LF";
    else if ((c < 0x20 && c != '\t') || c == 0x7f)
      w = "the value holds a control character";
  }
  if (!w && vl >= sizeof out->value)
    w = "the value is longer than 4095 bytes";
  if (!w && vl >= 5 && !strncmp(v, "$ENV{", 5)) {
    size_t el = vl - 5;
    if (!el || v[vl - 1] != '}' || el - 1 == 0 || el - 1 >= sizeof out->env)
      w = "$ENV{VAR}: expected the whole value to be $ENV{VAR}";
    else {
      for (size_t i = 5; !w && i < vl - 1; i++) {
        char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 5 && c >= '0' && c <= '9')))
          w = "$ENV{VAR}: VAR is letters, digits and '_', not starting with a digit";
      }
      if (!w)
        memcpy(out->env, v + 5, vl - 6);
    }
  } else if (!w) {
    memcpy(out->value, v, vl);
  }
  if (why)
    *why = w;
  return w == NULL;
}

int hrun_header_resolve(const char *arg, hrun_header_arg *store, hrun_header *out, char *msg,
                        size_t cap) {
  const char *why = NULL;
  if (!hrun_header_parse(arg, store, &why)) {
    /* the name only: a literal value may be something the user did not mean
     * to show ($ENV{VAR} is for secrets) */
    char nm[HRUN_HEADER_NAME_MAX];
    size_t nl = strcspn(arg, ":");
    hsanitize_into(nm, sizeof nm, arg, nl < sizeof nm - 1 ? nl : sizeof nm - 1, NULL, 0);
    snprintf(msg, cap, "--header '%s: ...': %s", nm, why);
    return 0;
  }
  out->name = store->name;
  out->env = store->env[0] ? store->env : NULL;
  out->value = store->value;
  if (!out->env)
    return 1;
  const char *ev = getenv(out->env);
  if (!ev || !*ev) {
    snprintf(msg, cap, "--header %s: the variable %s is not set or empty", store->name, out->env);
    return 0;
  }
  if (strpbrk(ev, "\r\n") || strlen(ev) >= sizeof store->value) {
    snprintf(msg, cap, "--header %s: the value of %s holds CR or LF or is over 4095 bytes",
             store->name, out->env);
    return 0;
  }
  if (strlen(ev) < HSANITIZE_MIN_SECRET) {
    snprintf(msg, cap,
             "--header %s: the value of %s is shorter than %d bytes: too short to be redacted "
             "reliably",
             store->name, out->env, HSANITIZE_MIN_SECRET);
    return 0;
  }
  out->value = ev;
  return 1;
}

/* Appends a copy of v[0..len) to out unless it is too short, holds a NUL or is
 * there already. */
static void keep_value(char **out, size_t cap, size_t *n, const char *v, size_t len) {
  if (len < HSANITIZE_MIN_SECRET || memchr(v, '\0', len) || *n >= cap)
    return;
  for (size_t i = 0; i < *n; i++)
    if (strlen(out[i]) == len && !memcmp(out[i], v, len))
      return;
  char *c = malloc(len + 1);
  if (!c)
    return;
  memcpy(c, v, len);
  c[len] = '\0';
  out[(*n)++] = c;
}

/* Every string and number leaf under node. */
static void leaves(char **out, size_t cap, size_t *n, const cJSON *node, int depth) {
  if (!node || depth > 64)
    return;
  size_t len = 0;
  const char *str = hjson_string(node, &len);
  if (str) {
    keep_value(out, cap, n, str, len);
  } else if (cJSON_IsNumber(node)) {
    const char *t = hjson_number_text(node);
    char buf[64];
    if (!t) {
      snprintf(buf, sizeof buf, "%.17g", node->valuedouble);
      t = buf;
    }
    keep_value(out, cap, n, t, strlen(t));
  } else if (cJSON_IsArray(node) || cJSON_IsObject(node)) {
    for (const cJSON *e = node->child; e; e = e->next)
      leaves(out, cap, n, e, depth + 1);
  }
}

size_t hrun_redact_values(const char *const *pointers, size_t n_pointers, const char *body,
                          size_t len, char **out, size_t cap, size_t n) {
  if (!n_pointers || !body || !len || n >= cap)
    return n;
  hjson_doc *doc = hjson_doc_new();
  if (!doc)
    return n;
  hjson_options jo = {64, 0, 1, 0, 0};
  hjson_error je;
  memset(&je, 0, sizeof je);
  const cJSON *root = hjson_parse(doc, body, len, &jo, &je);
  for (size_t i = 0; root && i < n_pointers; i++)
    leaves(out, cap, &n, hjson_pointer_get(root, pointers[i], strlen(pointers[i]), NULL), 0);
  hjson_doc_free(doc);
  return n;
}

/* The values cfg->redact names in body[0..len) (when it is JSON) become secrets. */
void sec_redact_body(secrets *s, const hrun_config *cfg, const char *body, size_t len) {
  size_t before = s->n_values;
  s->n_values = hrun_redact_values(cfg->redact, cfg->n_redact, body, len, s->values,
                                   HRUN_MAX_REDACT_VALUES, s->n_values);
  for (size_t i = before; i < s->n_values; i++)
    sec_add(s, s->values[i]);
}

/* A sanitized copy for a result (never NULL: "" when out of memory). */
char *clean(const secrets *s, const char *t, size_t n, size_t cap, unsigned flags) {
  char *o = hsanitize(t, n, s->list, s->n, cap, flags);
  return o ? o : calloc(1, 1);
}

/* The short fields (messages, details, ids) may quote a window of a value:
 * fragments of a secret go too. */
void add_clean(cJSON *obj, const char *key, const secrets *s, const char *t, size_t cap) {
  char *o = clean(s, t ? t : "", t ? strlen(t) : 0, cap, HSANITIZE_FRAGMENTS);
  cJSON_AddStringToObject(obj, key, o ? o : "");
  free(o);
}
