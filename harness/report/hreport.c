/* hreport: loading a compliance report, writing files atomically, redaction,
 * and the Markdown / HTML views (see hreport.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "util/hutil.h"
#include "json/hjson.h"

#define MAX_EVIDENCE_SECTIONS 500 /* failing cases rendered with evidence per view */
#define MAX_HEADERS 100           /* headers rendered per request/response */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || errlen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* ---- loading ------------------------------------------------------------------ */

int hr_load_json(hjson_doc *doc, const char *path, const cJSON **root, char *err, size_t errlen) {
  int rc = -1;
  size_t len = 0;
  *root = NULL;
  char *data = hutil_slurp(path, HREPORT_MAX_INPUT, HUTIL_SLURP_REGULAR, &len, NULL, err, errlen);
  if (!data)
    goto fail;
  hjson_options opts = {0};
  opts.max_bytes = HREPORT_MAX_INPUT;
  hjson_error jerr;
  memset(&jerr, 0, sizeof jerr);
  const cJSON *r = hjson_parse(doc, data, len, &opts, &jerr);
  if (!r) {
    set_err(err, errlen, "%s: invalid JSON at offset %zu (pointer \"%s\"): %s", path, jerr.offset,
            jerr.pointer, jerr.msg ? jerr.msg : hjson_code_name(jerr.code));
    goto fail;
  }
  *root = r;
  rc = 0;
fail:
  free(data);
  return rc;
}

int hreport_load(hjson_doc *doc, const char *path, const cJSON **root, char *err, size_t errlen) {
  const cJSON *r = NULL;
  *root = NULL;
  if (hr_load_json(doc, path, &r, err, errlen) != 0)
    return -1;
  if (!cJSON_IsObject(r)) {
    set_err(err, errlen, "%s: not a compliance report: the root is not a JSON object", path);
    return -1;
  }
  const cJSON *fmt = hr_get(r, "format");
  if (fmt) {
    size_t flen = 0;
    const char *f = cJSON_IsString(fmt) ? hjson_string(fmt, &flen) : NULL;
    if (!f || flen != strlen(HREPORT_FORMAT) || memcmp(f, HREPORT_FORMAT, flen) != 0) {
      set_err(err, errlen, "%s: /format is not \"%s\"", path, HREPORT_FORMAT);
      return -1;
    }
  }
  *root = r;
  return 0;
}

/* ---- atomic write ---------------------------------------------------------------- */

int hreport_write_file_atomic(const char *path, const void *data, size_t len, char *err,
                              size_t errlen) {
  return hutil_write_atomic(path, data, len, err, errlen);
}

/* ---- redaction ------------------------------------------------------------------- */

/* A byte of bearer credentials: anything printable up to a delimiter of the text
 * around it (space, quotes, backslash, comma, semicolon, angle brackets).  Not
 * only token68 characters: real tokens hold ':' and the like ("idt:TKN-..:x"),
 * and stopping there would leave the rest of the secret in the output. */
static int cred_byte(unsigned char c) { return c > 0x20 && c != 0x7F && !strchr("\"'\\,;<>`", c); }

/* Length of a placeholder at s ("<redacted>", "<anything-short>", "$VAR",
 * "${VAR}"), 0 if there is none. */
static size_t placeholder(const char *s, size_t n) {
  if (n >= 2 && s[0] == '<') {
    for (size_t i = 1; i < n && i < 40; i++) {
      if (s[i] == '>')
        return i + 1;
      if (isspace((unsigned char)s[i]))
        return 0;
    }
    return 0;
  }
  if (n >= 2 && s[0] == '$') {
    size_t i = 1;
    int brace = s[1] == '{';
    if (brace)
      i++;
    size_t start = i;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
      i++;
    if (i == start)
      return 0;
    if (brace) {
      if (i >= n || s[i] != '}')
        return 0;
      i++;
    }
    return i;
  }
  return 0;
}

static int ieq_prefix(const char *s, size_t n, const char *word) {
  size_t w = strlen(word);
  if (n < w)
    return 0;
  for (size_t i = 0; i < w; i++)
    if (tolower((unsigned char)s[i]) != word[i])
      return 0;
  return 1;
}

static int contains(const char *s, size_t n, const char *needle) {
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(s + i, needle, m) == 0)
      return 1;
  return 0;
}

/* Writes text[0..len) to b with bearer credentials and "token" JSON values redacted. */
void hr_redact_into(hbuf *b, const char *text, size_t len) {
  size_t i = 0, run = 0;
  while (i < len) {
    unsigned char c = (unsigned char)text[i];
    /* "Bearer <credentials>" anywhere (headers, curl lines, bodies) */
    if ((c == 'B' || c == 'b') && ieq_prefix(text + i, len - i, "bearer") &&
        (i == 0 || !isalnum((unsigned char)text[i - 1]))) {
      size_t j = i + 6;
      while (j < len && (text[j] == ' ' || text[j] == '\t'))
        j++;
      if (j > i + 6 && j < len && !placeholder(text + j, len - j)) {
        size_t k = j;
        while (k < len && cred_byte((unsigned char)text[k]))
          k++;
        if (k > j) {
          hbuf_add(b, text + run, j - run);
          hbuf_puts(b, "<redacted>");
          i = run = k;
          continue;
        }
      }
    }
    /* "token": "<value>" in JSON text: keep a short prefix */
    if (c == '"' && ieq_prefix(text + i + 1, len - i - 1, "token\"")) {
      size_t j = i + 7;
      while (j < len && isspace((unsigned char)text[j]))
        j++;
      if (j < len && text[j] == ':') {
        j++;
        while (j < len && isspace((unsigned char)text[j]))
          j++;
        if (j < len && text[j] == '"') {
          size_t v = j + 1, e = v;
          while (e < len && text[e] != '"')
            e += (text[e] == '\\' && e + 1 < len) ? 2 : 1;
          if (e > len)
            e = len;
          size_t vlen = e - v;
          if (vlen > HREPORT_TOKEN_PREFIX && !placeholder(text + v, vlen) &&
              !contains(text + v, vlen, "<redacted>")) {
            size_t keep = 0;
            while (keep < HREPORT_TOKEN_PREFIX && text[v + keep] != '\\')
              keep++;
            keep = hutil_utf8_cut(text + v, vlen, keep); /* do not cut a UTF-8 sequence */
            hbuf_add(b, text + run, v + keep - run);
            hbuf_puts(b, "...<redacted>");
            i = run = e; /* the closing quote (if any) is copied with the next run */
            continue;
          }
        }
      }
    }
    i++;
  }
  hbuf_add(b, text + run, len - run);
}

char *hreport_redact(const char *text, size_t len, size_t *out_len) {
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  if (text)
    hr_redact_into(&b, text, len);
  return hbuf_finish(&b, out_len);
}

static int sensitive_header(const char *name, size_t n) {
  static const char *const names[] = {"authorization", "proxy-authorization", "cookie",
                                      "set-cookie",    "x-api-key",           "x-auth-token"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == n && ieq_prefix(name, n, names[i]))
      return 1;
  return 0;
}

/* "Name: value" with the value redacted when the header carries credentials. */
void hr_header_line(hbuf *b, const char *name, size_t nlen, const char *value, size_t vlen) {
  hbuf_add(b, name, nlen);
  hbuf_puts(b, ": ");
  if (!sensitive_header(name, nlen)) {
    hr_redact_into(b, value, vlen);
    return;
  }
  size_t sp = 0;
  while (sp < vlen && value[sp] != ' ')
    sp++;
  if (sp < vlen) { /* "Scheme credentials" */
    size_t r = sp;
    while (r < vlen && value[r] == ' ')
      r++;
    hbuf_add(b, value, sp);
    if (placeholder(value + r, vlen - r) == vlen - r && r < vlen) {
      hbuf_puts(b, " ");
      hbuf_add(b, value + r, vlen - r);
    } else {
      hbuf_puts(b, " <redacted>");
    }
  } else if (vlen > 0 && placeholder(value, vlen) == vlen) {
    hbuf_add(b, value, vlen);
  } else {
    hbuf_puts(b, "<redacted>");
  }
}

/* ---- the views on disk ------------------------------------------------------------ */

int hreport_write_views(const char *report_dir, char *err, size_t errlen) {
  char in[PATH_MAX];
  hjson_doc *doc = NULL, *cat_doc = NULL;
  int rc = -1;
  if (!report_dir || !*report_dir) {
    set_err(err, errlen, "report directory: empty path");
    return -1;
  }
  /* "compliance.html" is the longest name written: the views check it */
  int n1 = snprintf(in, sizeof in, "%s/compliance.json", report_dir);
  if (n1 < 0 || (size_t)n1 >= sizeof in) {
    set_err(err, errlen, "%s: path too long", report_dir);
    return -1;
  }
  doc = hjson_doc_new();
  if (!doc) {
    set_err(err, errlen, "%s: out of memory", in);
    goto fail;
  }
  const cJSON *root = NULL;
  if (hreport_load(doc, in, &root, err, errlen) != 0)
    goto fail;
  /* the catalogue beside the report gives the schema coverage of older
   * reports (a report with "coverage" carries its own); unreadable: none */
  char cat_path[PATH_MAX];
  const cJSON *cat = NULL;
  if (!hr_get(root, "coverage") &&
      snprintf(cat_path, sizeof cat_path, "%s/catalogue.json", report_dir) < (int)sizeof cat_path) {
    cat_doc = hjson_doc_new();
    if (cat_doc && access(cat_path, F_OK) == 0 &&
        hr_load_json(cat_doc, cat_path, &cat, NULL, 0) != 0)
      cat = NULL;
  }
  rc = hreport_write_views_from(report_dir, root, cat, err, errlen);
fail:
  hjson_doc_free(doc);
  hjson_doc_free(cat_doc);
  return rc;
}

int hreport_write_views_from(const char *report_dir, const cJSON *report, const cJSON *catalogue,
                             char *err, size_t errlen) {
  char md_path[PATH_MAX], html_path[PATH_MAX];
  char *md = NULL, *html = NULL;
  int rc = -1;
  if (!report_dir || !*report_dir) {
    set_err(err, errlen, "report directory: empty path");
    return -1;
  }
  int n2 = snprintf(md_path, sizeof md_path, "%s/compliance.md", report_dir);
  int n3 = snprintf(html_path, sizeof html_path, "%s/compliance.html", report_dir);
  if (n2 < 0 || n3 < 0 || (size_t)n3 >= sizeof html_path) {
    set_err(err, errlen, "%s: path too long", report_dir);
    return -1;
  }
  size_t md_len = 0, html_len = 0;
  md = hr_render_view(report, catalogue, 0, &md_len);
  html = md ? hr_render_view(report, catalogue, 1, &html_len) : NULL;
  if (!md || !html) {
    set_err(err, errlen, "%s: out of memory rendering the views", report_dir);
    goto fail;
  }
  if (hreport_write_file_atomic(md_path, md, md_len, err, errlen) != 0 ||
      hreport_write_file_atomic(html_path, html, html_len, err, errlen) != 0)
    goto fail;
  rc = 0;
fail:
  free(md);
  free(html);
  return rc;
}

int hreport_write_report(const char *report_dir, cJSON *report, const cJSON *catalogue, char *err,
                         size_t errlen) {
  char path[PATH_MAX];
  if (!report_dir || !*report_dir) {
    set_err(err, errlen, "report directory: empty path");
    return -1;
  }
  if (hreport_sanitize(report) < 0 || hreport_add_findings(report) != 0 ||
      hreport_add_coverage(report, catalogue) != 0) {
    set_err(err, errlen, "%s: out of memory building the report", report_dir);
    return -1;
  }
  /* the views first: a compliance.json never stands next to stale views
   * of an earlier run in a reused directory */
  if (hreport_write_views_from(report_dir, report, catalogue, err, errlen) != 0)
    return -1;
  if (snprintf(path, sizeof path, "%s/junit.xml", report_dir) >= (int)sizeof path) {
    set_err(err, errlen, "%s: path too long", report_dir);
    return -1;
  }
  if (hreport_write_junit(path, report, err, errlen) != 0)
    return -1;
  char *text = cJSON_Print(report);
  if (!text) {
    set_err(err, errlen, "%s: out of memory printing compliance.json", report_dir);
    return -1;
  }
  snprintf(path, sizeof path, "%s/compliance.json", report_dir);
  int rc = hreport_write_file_atomic(path, text, strlen(text), err, errlen);
  free(text);
  return rc;
}
