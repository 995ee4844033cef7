/* hrun_auth: the Authorization line(s) of every auth mode, derived from the
 * configured token, with their evidence and reproducer forms.  See hrun_int.h. */
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

/* ---- authentication: the header lines of each mode ---- */

/* One character changed within its class (letters and digits rotate; any
 * other byte becomes 'x'): the same rule as ROT_SH, so reproducers rebuild it. */
static char rot(char ch) {
  if (ch >= 'A' && ch <= 'Z')
    return ch == 'Z' ? 'A' : (char)(ch + 1);
  if (ch >= 'a' && ch <= 'z')
    return ch == 'z' ? 'a' : (char)(ch + 1);
  if (ch >= '0' && ch <= '9')
    return ch == '9' ? '0' : (char)(ch + 1);
  return 'x';
}
#define ROT_SH "tr 'A-Za-z0-9' 'B-ZAb-za1-90' | tr -c 'A-Za-z0-9' x"


void auth_free(auth_plan *a) {
  for (size_t i = 0; i < a->n; i++) {
    if (a->l[i].line) {
      memset(a->l[i].line, 0, strlen(a->l[i].line));
      free(a->l[i].line);
    }
  }
  if (a->derived) {
    memset(a->derived, 0, strlen(a->derived));
    free(a->derived);
  }
  memset(a, 0, sizeof *a);
}

static int shell_name(const char *v) {
  if (!v || !(isalpha((unsigned char)v[0]) || v[0] == '_'))
    return 0;
  for (const char *p = v; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_')
      return 0;
  return 1;
}

/* Adds a line "Authorization: <scheme><value>"; value NULL: the scheme alone. */
static int auth_push(auth_plan *a, const char *scheme, const char *value, int secret,
                     const char *shown, const char *sh_value) {
  auth_line *l = &a->l[a->n];
  size_t n = strlen("Authorization: ") + strlen(scheme) + (value ? strlen(value) : 0) + 1;
  l->line = malloc(n);
  if (!l->line)
    return 0;
  snprintf(l->line, n, "Authorization: %s%s", scheme, value ? value : "");
  l->secret = secret;
  snprintf(l->shown, sizeof l->shown, "%s%s", scheme, shown ? shown : (value ? value : ""));
  snprintf(l->sh, sizeof l->sh, "Authorization: %s%s", scheme, sh_value ? sh_value : "");
  a->n++;
  return 1;
}

/* The plan of mode m for cfg: 1, or 0 when out of memory.  a->skip is set
 * when the mode cannot be sent (no token configured, a token without letters
 * for token-case ...). */
int auth_plan_make(const hrun_config *cfg, hcases_auth m, auth_plan *a) {
  memset(a, 0, sizeof *a);
  const char *t = cfg->bearer;
  const char *env = cfg->token_env ? cfg->token_env : "HARNESS_TOKEN";
  int sh = shell_name(env);
  char v[96]; /* $VAR */
  snprintf(v, sizeof v, "%s", env);
  char e[700] = ""; /* the shell expression of the value */
  const char *shown = "<redacted>";
  if (m == HCASES_AUTH_NONE)
    return 1;
  if (m == HCASES_AUTH_WRONG)
    return auth_push(a, "Bearer ", HRUN_WRONG_TOKEN, 0, NULL, HRUN_WRONG_TOKEN);
  if (m == HCASES_AUTH_EMPTY)
    return auth_push(a, "Bearer", NULL, 0, NULL, NULL);
  if (!t) {
    if (m != HCASES_AUTH_TOKEN)
      a->skip = "no bearer token configured (--token-env): this authentication variant is "
                "derived from the token";
    return 1; /* "token" without a token: no Authorization header */
  }
  size_t tl = strlen(t);
  char *d = NULL;
  switch (m) {
  case HCASES_AUTH_TOKEN:
  case HCASES_AUTH_BASIC:
  case HCASES_AUTH_SCHEME_LOWERCASE:
  case HCASES_AUTH_TWICE: snprintf(e, sizeof e, "${%s}", v); break;
  case HCASES_AUTH_TOKEN_PREFIX:
    if (!(d = strdup(t)))
      return 0;
    d[tl - 1] = rot(d[tl - 1]);
    snprintf(e, sizeof e, "${%s%%?}$(printf %%s \"${%s#\"${%s%%?}\"}\" | " ROT_SH ")", v, v, v);
    shown = "<token with its last character changed>";
    break;
  case HCASES_AUTH_TOKEN_SUFFIX:
    if (!(d = strdup(t)))
      return 0;
    d[0] = rot(d[0]);
    snprintf(e, sizeof e, "$(printf %%s \"${%s%%\"${%s#?}\"}\" | " ROT_SH ")${%s#?}", v, v, v);
    shown = "<token with its first character changed>";
    break;
  case HCASES_AUTH_TOKEN_LENGTH:
    if (!(d = strdup(t)))
      return 0;
    for (size_t i = 0; i < tl; i++)
      d[i] = rot(d[i]);
    snprintf(e, sizeof e, "$(printf %%s \"${%s}\" | " ROT_SH ")", v);
    shown = "<as many characters as the token, each one changed>";
    break;
  case HCASES_AUTH_TOKEN_CASE: {
    int letters = 0;
    for (size_t i = 0; i < tl; i++)
      letters |= isalpha((unsigned char)t[i]) != 0;
    if (!letters) {
      a->skip = "the configured token has no letters: a letter-case variant cannot differ from it";
      return 1;
    }
    if (!(d = strdup(t)))
      return 0;
    for (size_t i = 0; i < tl; i++) {
      unsigned char ch = (unsigned char)d[i];
      if (ch < 0x80 && isupper(ch))
        d[i] = (char)tolower(ch);
      else if (ch < 0x80 && islower(ch))
        d[i] = (char)toupper(ch);
    }
    snprintf(e, sizeof e, "$(printf %%s \"${%s}\" | tr 'A-Za-z' 'a-zA-Z')", v);
    shown = "<token with the letter case of every letter flipped>";
    break;
  }
  case HCASES_AUTH_TOKEN_EXTENDED:
    if (!(d = malloc(tl + 2)))
      return 0;
    snprintf(d, tl + 2, "%sx", t);
    snprintf(e, sizeof e, "${%s}x", v);
    shown = "<token followed by x>";
    break;
  case HCASES_AUTH_TOKEN_TRUNCATED:
    if (tl < 2) {
      a->skip = "the configured token has one character: a truncated variant would be empty";
      return 1;
    }
    if (!(d = strdup(t)))
      return 0;
    d[tl - 1] = '\0';
    snprintf(e, sizeof e, "${%s%%?}", v);
    shown = "<token without its last character>";
    break;
  default: break;
  }
  a->derived = d;
  const char *val = d ? d : t;
  char shown_full[160];
  snprintf(shown_full, sizeof shown_full, "%s", shown);
  if (!sh)
    snprintf(e, sizeof e, "%s", shown); /* not a shell name: describe instead */
  int ok = 1;
  if (m == HCASES_AUTH_TWICE) {
    ok = auth_push(a, "Bearer ", HRUN_WRONG_TOKEN, 0, NULL, HRUN_WRONG_TOKEN) &&
         auth_push(a, "Bearer ", val, 1, shown_full, e);
  } else {
    const char *scheme = m == HCASES_AUTH_BASIC              ? "Basic "
                         : m == HCASES_AUTH_SCHEME_LOWERCASE ? "bearer "
                                                             : "Bearer ";
    ok = auth_push(a, scheme, val, 1, shown_full, e);
  }
  for (size_t i = 0; i < a->n; i++)
    if (a->l[i].secret)
      a->l[i].value = a->l[i].line + strlen(a->l[i].line) - strlen(val);
  return ok;
}

