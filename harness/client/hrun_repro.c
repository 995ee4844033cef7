/* hrun_repro: the reproducers of a case (curl lines, one-connection printf
 * scripts for sequences, apiharness replay for large bodies); secrets are
 * rebuilt from their environment variables, never written.  See hrun_int.h. */
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

/* ---- reproducers ---- */

void hrun_shell_quote(hbuf *b, const char *s, size_t n) {
  hbuf_add(b, "'", 1);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\'')
      hbuf_puts(b, "'\\''");
    else
      hbuf_add(b, s + i, 1);
  }
  hbuf_add(b, "'", 1);
}

/* "text" for a POSIX shell, where text is already a shell word body meant
 * to expand (only " and \ and ` need no care: the expressions are ours) */
static void sb_dquoted(hbuf *b, const char *s) {
  hbuf_add(b, "\"", 1);
  hbuf_puts(b, s);
  hbuf_add(b, "\"", 1);
}

static int plain_text(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t l = hutil_utf8_decode((const unsigned char *)s + i, n - i, NULL, NULL);
    if (!l || (l == 1 && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)))
      return 0;
    i += l;
  }
  return 1;
}

/* A printf(1) format of bytes (POSIX: octal escapes only). */
static void printf_bytes(hbuf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    char oct[8];
    if (ch == '%')
      hbuf_puts(b, "%%");
    else if (ch == '\\')
      hbuf_puts(b, "\\\\");
    else if (ch == '\r')
      hbuf_puts(b, "\\r");
    else if (ch == '\n')
      hbuf_puts(b, "\\n");
    else if (ch == '\'' || ch < 0x20 || ch >= 0x7f) {
      snprintf(oct, sizeof oct, "\\%03o", ch);
      hbuf_puts(b, oct);
    } else
      hbuf_add(b, (const char *)&ch, 1);
  }
}

/* The curl arguments of one request (after "curl"); 0 when the body cannot
 * be given inline (too large or not plain text when stdin is taken). */
static int curl_args(hbuf *b, const prep *p, const char *url, int allow_stdin, int *uses_stdin) {
  const hcases_case *c = p->c;
  const char *body = p->has_body ? p->body : NULL;
  size_t len = p->has_body ? p->len : 0;
  if (body && len > CURL_BODY_INLINE_MAX)
    return 0;
  int binary = body && !plain_text(body, len);
  if (binary && !allow_stdin)
    return 0;
  hbuf_puts(b, " -sS -i -X ");
  hbuf_puts(b, c->method);
  hbuf_puts(b, " ");
  hrun_shell_quote(b, url, strlen(url));
  if (c->content_type) {
    hbuf_puts(b, " -H ");
    char h[300];
    snprintf(h, sizeof h, "Content-Type: %s", c->content_type);
    hrun_shell_quote(b, h, strlen(h));
  } else if (body) {
    hbuf_puts(b, " -H 'Content-Type:'");
  }
  for (size_t k = 0; k < p->auth.n; k++) {
    hbuf_puts(b, " -H ");
    if (p->auth.l[k].secret)
      sb_dquoted(b, p->auth.l[k].sh);
    else if (!strcmp(p->auth.l[k].line, "Authorization: Bearer"))
      hbuf_puts(b, "'Authorization: Bearer'");
    else
      hrun_shell_quote(b, p->auth.l[k].line, strlen(p->auth.l[k].line));
  }
  for (size_t k = 0; k < p->n_extra; k++) {
    const char *l = p->extra[k];
    hbuf_puts(b, " -H ");
    size_t ll = strlen(l);
    if (p->extra_env[k]) { /* 'Name: '"${VAR}": the value never in the text */
      size_t nl = (size_t)(strchr(l, ':') - l);
      char tmp[HRUN_HEADER_NAME_MAX + 4], ex[HRUN_HEADER_NAME_MAX + 4];
      snprintf(tmp, sizeof tmp, "%.*s: ", (int)nl, l);
      hrun_shell_quote(b, tmp, strlen(tmp));
      snprintf(ex, sizeof ex, "${%s}", p->extra_env[k]);
      sb_dquoted(b, ex);
    } else if (ll >= 1 && l[ll - 1] == ':') {
      char tmp[256];
      snprintf(tmp, sizeof tmp, "%.*s;", (int)(ll - 1), l); /* curl: "Name;" sends it empty */
      hrun_shell_quote(b, tmp, strlen(tmp));
    } else {
      hrun_shell_quote(b, l, ll);
    }
  }
  hbuf_puts(b, " -H 'Expect:'");
  if (binary) {
    hbuf_puts(b, " --data-binary @-");
    *uses_stdin = 1;
  } else if (body) {
    hbuf_puts(b, " --data-binary ");
    hrun_shell_quote(b, body, len);
  }
  if (!strcmp(c->method, "HEAD"))
    hbuf_puts(b, " --head");
  return 1;
}

void replay_line(hbuf *b, const hrun_config *cfg, const char *case_id, const char *why) {
  hbuf_printf(b, "apiharness replay --case %s --base-url ", case_id);
  hrun_shell_quote(b, cfg->base_url, strlen(cfg->base_url));
  hbuf_printf(b, "  # %s", why);
}

/* The reproducer of one or more requests (steps), on one connection. */
char *reproducer(const hrun_config *cfg, const char *case_id, const prep *ps, size_t n,
                 const char *url, hconn *hc) {
  hbuf b = {0};
  b.limit = REPRO_CAP;
  if (hc) {
    /* the exact bytes, step by step, on one connection */
    for (size_t k = 0; k < n; k++)
      if (ps[k].has_body && ps[k].len > CURL_BODY_INLINE_MAX) {
        replay_line(&b, cfg, case_id, "a body over 4096 bytes, described in the catalogue");
        goto done;
      }
    hbuf_puts(&b, "{ ");
    for (size_t k = 0; k < n; k++) {
      const prep *p = &ps[k];
      const char *lines[3 + MAX_EXTRA];
      char marks[MAX_ARGS][HRUN_HEADER_NAME_MAX + 40];
      char exprs[MAX_ARGS][HRUN_HEADER_NAME_MAX + 4];
      size_t nl = 0, nargs = 0;
      char ct[300];
      if (p->c->content_type) {
        snprintf(ct, sizeof ct, "Content-Type: %s", p->c->content_type);
        lines[nl++] = ct;
      }
      const char *args[MAX_ARGS];
      for (size_t a = 0; a < p->auth.n; a++) {
        if (p->auth.l[a].secret) {
          /* the part after the scheme comes from the shell expression */
          size_t pre = (size_t)(p->auth.l[a].value - p->auth.l[a].line);
          snprintf(marks[nargs], sizeof marks[nargs], "%.*s" ARG_MARK "%zu@@", (int)pre,
                   p->auth.l[a].line, nargs);
          args[nargs] = p->auth.l[a].sh + pre;
          lines[nl++] = marks[nargs++];
        } else {
          lines[nl++] = p->auth.l[a].line;
        }
      }
      for (size_t a = 0; a < p->n_extra; a++) {
        if (p->extra_env[a] && nargs < MAX_ARGS) {
          size_t nlen = (size_t)(strchr(p->extra[a], ':') - p->extra[a]);
          snprintf(marks[nargs], sizeof marks[nargs], "%.*s: " ARG_MARK "%zu@@", (int)nlen,
                   p->extra[a], nargs);
          snprintf(exprs[nargs], sizeof exprs[nargs], "${%s}", p->extra_env[a]);
          args[nargs] = exprs[nargs];
          lines[nl++] = marks[nargs++];
        } else {
          lines[nl++] = p->extra[a];
        }
      }
      hconn_request rq = {
          p->c->method, cfg->path ? cfg->path : HRULES_PATH, lines,
          nl,           p->has_body ? p->body : NULL,        p->has_body ? p->len : 0};
      hbuf head = {0};
      hconn_format_head(hc, &rq, &head);
      hbuf_puts(&b, "printf '");
      const char *h = head.p ? head.p : "";
      size_t done = 0;
      for (;;) {
        const char *m = strstr(h + done, ARG_MARK);
        size_t upto = m ? (size_t)(m - h) : head.n;
        printf_bytes(&b, h + done, upto - done);
        if (!m)
          break;
        hbuf_puts(&b, "%s");
        const char *end = strstr(m + strlen(ARG_MARK), "@@");
        done = (size_t)(end + 2 - h);
      }
      if (p->has_body)
        printf_bytes(&b, p->body, p->len);
      hbuf_puts(&b, "'");
      for (size_t a = 0; a < nargs; a++) {
        hbuf_puts(&b, " ");
        sb_dquoted(&b, args[a]);
      }
      hbuf_puts(&b, "; sleep 1; ");
      hbuf_free(&head);
    }
    hbuf_printf(&b, "} | nc %s %d", hconn_host(hc), hconn_port(hc));
    goto done;
  }
  int uses_stdin = 0;
  hbuf args = {0};
  args.limit = REPRO_CAP;
  int ok = 1;
  for (size_t k = 0; k < n && ok; k++) {
    if (k)
      hbuf_puts(&args, " --next");
    ok = curl_args(&args, &ps[k], url, n == 1, &uses_stdin);
  }
  if (!ok) {
    replay_line(&b, cfg, case_id,
                n == 1 ? "a body over 4096 bytes, described in the catalogue"
                       : "bodies a curl command line cannot carry");
  } else {
    if (uses_stdin) {
      hbuf_puts(&b, "printf '");
      printf_bytes(&b, ps[0].body, ps[0].len);
      hbuf_puts(&b, "' | ");
    }
    hbuf_puts(&b, "curl");
    hbuf_add(&b, args.p ? args.p : "", args.n);
  }
  hbuf_free(&args);
done:
  if (b.nomem || b.toobig) {
    hbuf_free(&b);
    hbuf c2 = {0};
    replay_line(&c2, cfg, case_id, "the request is too large to show here");
    return c2.p;
  }
  return b.p;
}

