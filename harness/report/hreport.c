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

int hreport_load(hjson_doc *doc, const char *path, const cJSON **root, char *err, size_t errlen) {
  char *data = NULL;
  int fd = -1, rc = -1;
  *root = NULL;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    goto fail;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    set_err(err, errlen, "%s: not a regular file", path);
    goto fail;
  }
  if ((uint64_t)st.st_size > HREPORT_MAX_INPUT) {
    set_err(err, errlen, "%s: %lld bytes, more than the %u-byte limit of a report", path,
            (long long)st.st_size, HREPORT_MAX_INPUT);
    goto fail;
  }
  size_t cap = (size_t)st.st_size + 1, len = 0;
  data = malloc(cap);
  if (!data) {
    set_err(err, errlen, "%s: out of memory", path);
    goto fail;
  }
  for (;;) { /* the file may grow while read: never past cap */
    ssize_t n = read(fd, data + len, cap - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_err(err, errlen, "%s: read error: %s", path, strerror(errno));
      goto fail;
    }
    if (n == 0)
      break;
    len += (size_t)n;
    if (len == cap) {
      set_err(err, errlen, "%s: file changed while being read", path);
      goto fail;
    }
  }
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
  if (!cJSON_IsObject(r)) {
    set_err(err, errlen, "%s: not a compliance report: the root is not a JSON object", path);
    goto fail;
  }
  const cJSON *fmt = hr_get(r, "format");
  if (fmt) {
    size_t flen = 0;
    const char *f = cJSON_IsString(fmt) ? hjson_string(fmt, &flen) : NULL;
    if (!f || flen != strlen(HREPORT_FORMAT) || memcmp(f, HREPORT_FORMAT, flen) != 0) {
      set_err(err, errlen, "%s: /format is not \"%s\"", path, HREPORT_FORMAT);
      goto fail;
    }
  }
  *root = r;
  rc = 0;
fail:
  if (fd >= 0)
    close(fd);
  free(data);
  return rc;
}

/* ---- atomic write ---------------------------------------------------------------- */

int hreport_write_file_atomic(const char *path, const void *data, size_t len, char *err,
                              size_t errlen) {
  char tmp[PATH_MAX];
  int fd = -1, rc = -1;
  int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    set_err(err, errlen, "%s: path too long", path);
    return -1;
  }
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
    return -1;
  }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      set_err(err, errlen, "%s: write error: %s", tmp, strerror(errno));
      goto fail;
    }
    p += w;
    left -= (size_t)w;
  }
  if (fsync(fd) != 0) {
    set_err(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
    goto fail;
  }
  int cfd = fd;
  fd = -1;
  if (close(cfd) != 0) {
    set_err(err, errlen, "%s: close: %s", tmp, strerror(errno));
    goto fail;
  }
  if (rename(tmp, path) != 0) {
    set_err(err, errlen, "%s: rename from %s: %s", path, tmp, strerror(errno));
    goto fail;
  }
  return 0;
fail:
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  return rc;
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
static void redact_into(hr_buf *b, const char *text, size_t len) {
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
          hr_put(b, text + run, j - run);
          hr_puts(b, "<redacted>");
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
            while (keep > 0 && ((unsigned char)text[v + keep] & 0xC0) == 0x80)
              keep--; /* do not cut a UTF-8 sequence */
            hr_put(b, text + run, v + keep - run);
            hr_puts(b, "...<redacted>");
            i = run = e; /* the closing quote (if any) is copied with the next run */
            continue;
          }
        }
      }
    }
    i++;
  }
  hr_put(b, text + run, len - run);
}

char *hreport_redact(const char *text, size_t len, size_t *out_len) {
  hr_buf b = {0};
  if (text)
    redact_into(&b, text, len);
  return hr_finish(&b, out_len);
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
static void header_line(hr_buf *b, const char *name, size_t nlen, const char *value, size_t vlen) {
  hr_put(b, name, nlen);
  hr_puts(b, ": ");
  if (!sensitive_header(name, nlen)) {
    redact_into(b, value, vlen);
    return;
  }
  size_t sp = 0;
  while (sp < vlen && value[sp] != ' ')
    sp++;
  if (sp < vlen) { /* "Scheme credentials" */
    size_t r = sp;
    while (r < vlen && value[r] == ' ')
      r++;
    hr_put(b, value, sp);
    if (placeholder(value + r, vlen - r) == vlen - r && r < vlen) {
      hr_puts(b, " ");
      hr_put(b, value + r, vlen - r);
    } else {
      hr_puts(b, " <redacted>");
    }
  } else if (vlen > 0 && placeholder(value, vlen) == vlen) {
    hr_put(b, value, vlen);
  } else {
    hr_puts(b, "<redacted>");
  }
}

/* ---- report facts shared by both views ------------------------------------------ */

typedef struct {
  hr_index ix;
  int verdict; /* 1 compliant, 0 non-compliant, -1 missing/unknown */
  const char *verdict_text;
  size_t verdict_len;
  size_t req_count[HR_ST_COUNT];  /* by effective state */
  size_t case_count[HR_ST_COUNT]; /* by status */
  size_t req_fail;                /* requirements whose status is "fail" */
} facts;

static int facts_build(facts *f, const cJSON *root) {
  memset(f, 0, sizeof *f);
  if (hr_index_build(&f->ix, root) != 0)
    return -1;
  f->verdict_text = hr_str(root, "verdict", &f->verdict_len);
  f->verdict = -1;
  if (f->verdict_text && f->verdict_len == 9 && !memcmp(f->verdict_text, "compliant", 9))
    f->verdict = 1;
  else if (f->verdict_text && f->verdict_len == 13 && !memcmp(f->verdict_text, "non-compliant", 13))
    f->verdict = 0;
  for (size_t r = 0; r < f->ix.nreqs; r++) {
    f->req_count[hr_index_req_state(&f->ix, r)]++;
    if (hr_status_of(f->ix.reqs[r]) == HR_ST_FAIL)
      f->req_fail++;
  }
  for (size_t c = 0; c < f->ix.ncases; c++)
    f->case_count[hr_status_of(f->ix.cases[c])]++;
  return 0;
}

/* A member as display text: string as is, number/bool/null printed, else NULL. */
static const char *scalar_text(const cJSON *v, char *tmp, size_t tmplen, size_t *len) {
  if (cJSON_IsString(v))
    return hjson_string(v, len);
  if (cJSON_IsNumber(v)) {
    const char *t = hjson_number_text(v);
    if (t) {
      *len = strlen(t);
      return t;
    }
    snprintf(tmp, tmplen, "%.17g", v->valuedouble);
  } else if (cJSON_IsBool(v)) {
    snprintf(tmp, tmplen, "%s", cJSON_IsTrue(v) ? "true" : "false");
  } else if (cJSON_IsNull(v)) {
    snprintf(tmp, tmplen, "null");
  } else {
    return NULL;
  }
  *len = strlen(tmp);
  return tmp;
}

static void duration_text(const cJSON *root, char *out, size_t outlen) {
  int64_t ms;
  if (hr_int(root, "duration_ms", &ms) && ms >= 0)
    snprintf(out, outlen, "%.1f s", (double)ms / 1000.0);
  else
    snprintf(out, outlen, "(unknown)");
}

/* One evidence block as raw (redacted, unsanitized) text in b:
 * "METHOD URL\nheaders\n\nbody" for a request, "HTTP STATUS\n..." for a response. */
static void headers_into(hr_buf *b, const cJSON *headers) {
  size_t n = 0;
  for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next) {
    if (n++ == MAX_HEADERS) {
      hr_puts(b, "... (more headers in compliance.json)\n");
      break;
    }
    size_t nl = 0, vl = 0;
    const char *name = NULL, *value = NULL;
    if (cJSON_IsArray(headers) && cJSON_IsArray(h)) { /* [["Name", "value"], ...] */
      const cJSON *a = h->child, *v = a ? a->next : NULL;
      name = cJSON_IsString(a) ? hjson_string(a, &nl) : NULL;
      value = cJSON_IsString(v) ? hjson_string(v, &vl) : NULL;
    } else if (cJSON_IsObject(headers) && cJSON_IsString(h)) { /* {"Name": "value"} */
      name = hjson_key(h, &nl);
      if (!name && h->string)
        name = h->string, nl = strlen(name);
      value = hjson_string(h, &vl);
    }
    if (!name)
      continue;
    header_line(b, name, nl, value ? value : "", value ? vl : 0);
    hr_puts(b, "\n");
  }
}

static void body_into(hr_buf *b, const cJSON *side) {
  size_t len = 0;
  const char *body = hr_str(side, "body_excerpt", &len);
  int64_t total = -1;
  int has_total = hr_int(side, "body_bytes", &total);
  if (!body || len == 0) {
    if (has_total && total > 0)
      hr_printf(b, "(%lld bytes body, no excerpt recorded)", (long long)total);
    else
      hr_puts(b, "(empty body)");
    return;
  }
  size_t show = len;
  if (show > HREPORT_EXCERPT_MAX) {
    show = HREPORT_EXCERPT_MAX;
    while (show > 0 && ((unsigned char)body[show] & 0xC0) == 0x80)
      show--;
  }
  redact_into(b, body, show);
  if (show < len)
    hr_printf(b, "\n... (%zu more bytes of excerpt in compliance.json)", len - show);
  else if (has_total && total > (int64_t)len)
    hr_printf(b, "\n... (excerpt: %zu of %lld bytes)", len, (long long)total);
}

static void request_block(hr_buf *b, const cJSON *req) {
  size_t ml = 0, ul = 0;
  const char *m = hr_str(req, "method", &ml);
  const char *u = hr_str(req, "url", &ul);
  hr_put(b, m ? m : "(method?)", m ? ml : 9);
  hr_puts(b, " ");
  if (u)
    redact_into(b, u, ul);
  else
    hr_puts(b, "(url?)");
  hr_puts(b, "\n");
  headers_into(b, hr_get(req, "headers"));
  hr_puts(b, "\n");
  body_into(b, req);
}

static void response_block(hr_buf *b, const cJSON *resp) {
  int64_t status;
  if (hr_int(resp, "status", &status))
    hr_printf(b, "HTTP %lld\n", (long long)status);
  else
    hr_puts(b, "HTTP (no status: no response)\n");
  headers_into(b, hr_get(resp, "headers"));
  hr_puts(b, "\n");
  body_into(b, resp);
}

static int is_evidence_status(hr_status s) {
  return s == HR_ST_FAIL || s == HR_ST_ERROR || s == HR_ST_WARN;
}

/* ---- Markdown -------------------------------------------------------------------- */

static size_t longest_run(const char *s, size_t n, char ch) {
  size_t best = 0, cur = 0;
  for (size_t i = 0; i < n; i++) {
    cur = s[i] == ch ? cur + 1 : 0;
    if (cur > best)
      best = cur;
  }
  return best;
}

/* `code` with a delimiter longer than any backtick run inside. */
static void md_code(hr_buf *b, const char *s, size_t n, int in_cell) {
  if (!s) {
    hr_puts(b, "(missing)");
    return;
  }
  if (n == 0) {
    hr_puts(b, "(empty)");
    return;
  }
  size_t d = longest_run(s, n, '`') + 1;
  int pad = s[0] == '`' || s[n - 1] == '`' || s[0] == ' ';
  for (size_t i = 0; i < d; i++)
    hr_puts(b, "`");
  if (pad)
    hr_puts(b, " ");
  hr_text(b, s, n, in_cell ? HR_TEXT_CODE_CELL : HR_TEXT_TERM, 512);
  if (pad)
    hr_puts(b, " ");
  for (size_t i = 0; i < d; i++)
    hr_puts(b, "`");
}

static void md_member_code(hr_buf *b, const cJSON *obj, const char *name, int in_cell) {
  size_t n = 0;
  const char *s = hr_str(obj, name, &n);
  md_code(b, s, n, in_cell);
}

static void md_member_text(hr_buf *b, const cJSON *obj, const char *name, int in_cell, size_t max) {
  size_t n = 0;
  char tmp[64];
  const char *s = scalar_text(hr_get(obj, name), tmp, sizeof tmp, &n);
  if (!s)
    hr_puts(b, "(missing)");
  else
    hr_text(b, s, n, in_cell ? HR_TEXT_MD_CELL : HR_TEXT_MD, max);
}

/* A fenced block of raw text, the fence longer than any backtick run inside. */
static void md_fence(hr_buf *b, const char *info, const char *s, size_t n) {
  size_t d = longest_run(s, n, '`') + 1;
  if (d < 3)
    d = 3;
  for (size_t i = 0; i < d; i++)
    hr_puts(b, "`");
  hr_puts(b, info);
  hr_puts(b, "\n");
  hr_text(b, s, n, HR_TEXT_CODE, 0);
  if (n == 0 || s[n - 1] != '\n')
    hr_puts(b, "\n");
  for (size_t i = 0; i < d; i++)
    hr_puts(b, "`");
  hr_puts(b, "\n\n");
}

static const char *verdict_word(const facts *f) {
  return f->verdict == 1 ? "COMPLIANT" : f->verdict == 0 ? "NON-COMPLIANT" : "UNKNOWN";
}

static void md_header(hr_buf *b, const facts *f) {
  const cJSON *root = f->ix.root;
  hr_printf(b, "# Verdict: %s\n\n", verdict_word(f));
  if (f->verdict < 0) {
    hr_puts(b, "The report has no valid verdict (");
    if (f->verdict_text)
      md_code(b, f->verdict_text, f->verdict_len, 0);
    else
      hr_puts(b, "missing");
    hr_puts(b, "); it may come from an interrupted or older run.\n\n");
  }
  hr_printf(b, "%zu of %zu requirements fail", f->req_fail, f->ix.nreqs);
  if (f->req_count[HR_ST_ERROR])
    hr_printf(b, ", %zu with cases that could not run", f->req_count[HR_ST_ERROR]);
  hr_printf(b, "; %zu of %zu cases failed.\n\n", f->case_count[HR_ST_FAIL], f->ix.ncases);
  if ((f->verdict == 1 && f->req_fail > 0) || (f->verdict == 0 && f->req_fail == 0))
    hr_puts(b, "**Note:** the verdict recorded in the report does not match its requirements "
               "(non-compliant iff a requirement fails).\n\n");

  const cJSON *target = hr_get(root, "target"), *spec = hr_get(root, "spec");
  const cJSON *tool = hr_get(root, "tool");
  hr_puts(b, "| | |\n|---|---|\n| Target | ");
  md_member_code(b, target, "url", 1);
  size_t sl = 0;
  const char *server = hr_str(target, "server", &sl);
  if (server) {
    hr_puts(b, " (server ");
    md_code(b, server, sl, 1);
    hr_puts(b, ")");
  }
  if (cJSON_IsTrue(hr_get(target, "embedded_mock"))) {
    hr_puts(b, " embedded mock");
    const cJSON *faults = hr_array(target, "faults");
    if (faults && faults->child) {
      hr_puts(b, ", faults:");
      for (const cJSON *x = faults->child; x; x = x->next) {
        size_t xl = 0;
        const char *xs = cJSON_IsString(x) ? hjson_string(x, &xl) : NULL;
        hr_puts(b, " ");
        md_code(b, xs, xl, 1);
      }
    }
  }
  hr_puts(b, " |\n| Spec | ");
  md_member_text(b, spec, "title", 1, 256);
  hr_puts(b, " ");
  md_member_text(b, spec, "version", 1, 128);
  hr_puts(b, ", sha256 ");
  md_member_code(b, spec, "sha256", 1);
  hr_puts(b, ", ");
  md_member_code(b, spec, "path", 1);
  hr_puts(b, " |\n| Profile | ");
  md_member_text(b, root, "profile", 1, 64);
  hr_puts(b, " |\n| Seed | ");
  md_member_text(b, root, "seed", 1, 64);
  hr_puts(b, " |\n| Filter | ");
  md_member_code(b, root, "filter", 1);
  hr_puts(b, " |\n| Run id | ");
  md_member_code(b, root, "run_id", 1);
  hr_puts(b, " |\n| Started | ");
  md_member_text(b, root, "started_at", 1, 64);
  hr_puts(b, " |\n| Finished | ");
  md_member_text(b, root, "finished_at", 1, 64);
  char dur[64];
  duration_text(root, dur, sizeof dur);
  hr_printf(b, " |\n| Duration | %s |\n| Tool | ", dur);
  md_member_text(b, tool, "name", 1, 64);
  hr_puts(b, " ");
  md_member_text(b, tool, "version", 1, 64);
  hr_puts(b, " |\n\n");
}

static void md_summary(hr_buf *b, const facts *f) {
  hr_puts(b, "## Summary\n\n| | total | pass | fail | warn | skip | error |\n"
             "|---|---|---|---|---|---|---|\n");
  hr_printf(b, "| requirements | %zu | %zu | %zu | %zu | %zu | %zu |\n", f->ix.nreqs,
            f->req_count[HR_ST_PASS], f->req_count[HR_ST_FAIL], f->req_count[HR_ST_WARN],
            f->req_count[HR_ST_SKIP], f->req_count[HR_ST_ERROR]);
  hr_printf(b, "| cases | %zu | %zu | %zu | %zu | %zu | %zu |\n\n", f->ix.ncases,
            f->case_count[HR_ST_PASS], f->case_count[HR_ST_FAIL], f->case_count[HR_ST_WARN],
            f->case_count[HR_ST_SKIP], f->case_count[HR_ST_ERROR]);
  if (f->req_count[HR_ST_UNKNOWN] || f->case_count[HR_ST_UNKNOWN])
    hr_printf(b, "%zu requirements and %zu cases have a missing or unknown status.\n\n",
              f->req_count[HR_ST_UNKNOWN], f->case_count[HR_ST_UNKNOWN]);
  /* the runner's own counts, when they disagree with the lists */
  const cJSON *s = hr_get(f->ix.root, "summary");
  int64_t v;
  if (s && ((hr_int(s, "requirements", &v) && (size_t)v != f->ix.nreqs) ||
            (hr_int(s, "cases", &v) && (size_t)v != f->ix.ncases)))
    hr_puts(b, "**Note:** the report's own summary counts differ from its lists; the counts "
               "above are computed from the lists.\n\n");
}

/* Class names in order of first appearance (pointers into the tree). */
typedef struct {
  const char *name;
  size_t len;
} class_name;

static class_name *classes_of(const hr_index *ix, size_t *n) {
  *n = 0;
  class_name *v = calloc(ix->nreqs + 1, sizeof *v);
  if (!v)
    return NULL;
  for (size_t r = 0; r < ix->nreqs; r++) {
    size_t len = 0;
    const char *c = hr_str(ix->reqs[r], "class", &len);
    if (!c)
      c = "", len = 0;
    size_t k = 0;
    while (k < *n && !(v[k].len == len && memcmp(v[k].name, c, len) == 0))
      k++;
    if (k == *n) {
      v[k].name = c;
      v[k].len = len;
      (*n)++;
    }
  }
  return v;
}

static int req_in_class(const cJSON *req, const class_name *cl) {
  size_t len = 0;
  const char *c = hr_str(req, "class", &len);
  if (!c)
    c = "", len = 0;
  return len == cl->len && memcmp(c, cl->name, len) == 0;
}

static void md_requirements(hr_buf *b, const facts *f) {
  const hr_index *ix = &f->ix;
  hr_puts(b, "## Requirements by class\n\n");
  if (ix->nreqs == 0) {
    hr_puts(b, "The report lists no requirements.\n\n");
    return;
  }
  size_t ncl = 0;
  class_name *cl = classes_of(ix, &ncl);
  if (!cl) {
    b->bad = 1;
    return;
  }
  for (size_t k = 0; k < ncl; k++) {
    hr_puts(b, "### ");
    if (cl[k].len)
      hr_text(b, cl[k].name, cl[k].len, HR_TEXT_MD, 128);
    else
      hr_puts(b, "(no class)");
    hr_puts(b, "\n\n| status | requirement | title | source | cases | failing cases |\n"
               "|---|---|---|---|---|---|\n");
    for (size_t r = 0; r < ix->nreqs; r++) {
      if (!req_in_class(ix->reqs[r], &cl[k]))
        continue;
      hr_status st = hr_index_req_state(ix, r);
      hr_printf(b, "| %s | ", st == HR_ST_UNKNOWN ? "?" : hr_status_name(st));
      md_member_code(b, ix->reqs[r], "id", 1);
      hr_puts(b, " | ");
      md_member_text(b, ix->reqs[r], "title", 1, 300);
      hr_puts(b, " | ");
      md_member_text(b, ix->reqs[r], "source", 1, 32);
      size_t total = 0, shown = 0;
      hr_case_iter it = {0};
      for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;)
        total++;
      hr_printf(b, " | %zu | ", total);
      it = (hr_case_iter){0};
      for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;) {
        if (!is_evidence_status(hr_status_of(ix->cases[c])))
          continue;
        if (shown++ == 10) {
          hr_puts(b, " ...");
          break;
        }
        if (shown > 1)
          hr_puts(b, " ");
        md_member_code(b, ix->cases[c], "id", 1);
      }
      hr_puts(b, " |\n");
    }
    hr_puts(b, "\n");
  }
  free(cl);
}

static void md_case(hr_buf *b, const hr_index *ix, size_t c, hr_buf *tmp) {
  const cJSON *cs = ix->cases[c];
  hr_status st = hr_status_of(cs);
  hr_printf(b, "### %s ", st == HR_ST_ERROR ? "ERROR" : st == HR_ST_WARN ? "WARN" : "FAIL");
  md_member_code(b, cs, "id", 0);
  hr_puts(b, "\n\n");
  hr_puts(b, "- Title: ");
  md_member_text(b, cs, "title", 0, 300);
  hr_puts(b, "\n- Requirement: ");
  md_member_code(b, cs, "requirement", 0);
  hr_puts(b, "\n- Class: ");
  md_member_text(b, cs, "class", 0, 64);
  hr_puts(b, "\n- Detail: ");
  md_member_text(b, cs, "detail", 0, 1000);
  hr_puts(b, "\n");
  const cJSON *checks = hr_array(cs, "checks");
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
    hr_status ks = hr_status_of(k);
    if (ks == HR_ST_PASS)
      continue;
    hr_printf(b, "- Check %s ", hr_status_name(ks));
    md_member_code(b, k, "name", 0);
    hr_puts(b, ": ");
    md_member_text(b, k, "message", 0, 1000);
    hr_puts(b, "\n");
  }
  hr_puts(b, "\n");
  const cJSON *ev = hr_get(cs, "evidence");
  if (!cJSON_IsObject(ev)) {
    hr_puts(b, "_No evidence recorded._\n\n");
    return;
  }
  const cJSON *req = hr_get(ev, "request"), *resp = hr_get(ev, "response");
  if (cJSON_IsObject(req)) {
    hr_puts(b, "**Request**\n\n");
    tmp->len = 0;
    request_block(tmp, req);
    md_fence(b, "http", tmp->p ? tmp->p : "", tmp->len);
  }
  if (cJSON_IsObject(resp)) {
    int64_t ms;
    hr_puts(b, "**Response**");
    if (hr_int(resp, "time_ms", &ms))
      hr_printf(b, " (%lld ms)", (long long)ms);
    hr_puts(b, "\n\n");
    tmp->len = 0;
    response_block(tmp, resp);
    md_fence(b, "http", tmp->p ? tmp->p : "", tmp->len);
  } else {
    hr_puts(b, "**Response:** none recorded.\n\n");
  }
  size_t cl = 0;
  const char *curl = hr_str(ev, "curl", &cl);
  if (curl) {
    hr_puts(b, "**Reproduce**\n\n");
    tmp->len = 0;
    redact_into(tmp, curl, cl > HREPORT_EXCERPT_MAX ? HREPORT_EXCERPT_MAX : cl);
    md_fence(b, "sh", tmp->p ? tmp->p : "", tmp->len);
  }
}

/* The evidence sections of both views: failures and errors first, then warnings,
 * at most MAX_EVIDENCE_SECTIONS rendered by `one`; returns how many cases had
 * evidence (shown or not). */
typedef void (*case_view)(hr_buf *b, const hr_index *ix, size_t c, hr_buf *tmp);
static size_t evidence_cases(hr_buf *b, const hr_index *ix, case_view one) {
  hr_buf tmp = {0};
  size_t shown = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t c = 0; c < ix->ncases; c++) {
      hr_status st = hr_status_of(ix->cases[c]);
      if (pass == 0 ? !(st == HR_ST_FAIL || st == HR_ST_ERROR) : st != HR_ST_WARN)
        continue;
      if (shown++ >= MAX_EVIDENCE_SECTIONS)
        continue;
      one(b, ix, c, &tmp);
    }
  }
  if (tmp.bad)
    b->bad = 1;
  free(tmp.p);
  return shown;
}

static void md_evidence(hr_buf *b, const facts *f) {
  size_t n = f->case_count[HR_ST_FAIL] + f->case_count[HR_ST_ERROR] + f->case_count[HR_ST_WARN];
  hr_puts(b, "## Evidence for failures, errors and warnings\n\n");
  if (n == 0) {
    hr_puts(b, "No case failed, errored or warned.\n\n");
    return;
  }
  size_t shown = evidence_cases(b, &f->ix, md_case);
  if (shown > MAX_EVIDENCE_SECTIONS)
    hr_printf(b, "%zu more cases are not shown here; see compliance.json.\n\n",
              shown - MAX_EVIDENCE_SECTIONS);
}

static void md_skipped(hr_buf *b, const facts *f) {
  const hr_index *ix = &f->ix;
  hr_puts(b, "## Skipped requirements\n\n");
  size_t n = 0;
  for (size_t r = 0; r < ix->nreqs; r++) {
    if (hr_status_of(ix->reqs[r]) != HR_ST_SKIP)
      continue;
    n++;
    hr_puts(b, "- ");
    md_member_code(b, ix->reqs[r], "id", 0);
    hr_puts(b, " ");
    md_member_text(b, ix->reqs[r], "title", 0, 300);
    hr_puts(b, ": ");
    md_member_text(b, ix->reqs[r], "reason", 0, 1000);
    hr_puts(b, "\n");
  }
  hr_puts(b, n ? "\n" : "None.\n\n");
}

static void md_resources(hr_buf *b, const cJSON *root) {
  const cJSON *res = hr_array(root, "created_resources");
  hr_puts(b, "## Created resources\n\n");
  if (!res || !res->child) {
    hr_puts(b, "None recorded.\n\n");
    return;
  }
  hr_puts(b, "Tokens created on the target by this run (the spec has no delete operation: "
             "revoke them by id). Token values are never recorded.\n\n"
             "| id | name | label |\n|---|---|---|\n");
  for (const cJSON *x = res->child; x; x = x->next) {
    hr_puts(b, "| ");
    md_member_code(b, x, "id", 1);
    hr_puts(b, " | ");
    md_member_code(b, x, "name", 1);
    hr_puts(b, " | ");
    md_member_text(b, x, "label", 1, 64);
    hr_puts(b, " |\n");
  }
  hr_puts(b, "\n");
}

static void md_matrix(hr_buf *b, const cJSON *root) {
  const cJSON *m = hr_array(root, "token_matrix");
  if (!m || !m->child)
    return;
  hr_puts(b, "## Token matrix\n\n| label | status | cases | fail |\n|---|---|---|---|\n");
  for (const cJSON *x = m->child; x; x = x->next) {
    hr_puts(b, "| ");
    md_member_text(b, x, "label", 1, 64);
    hr_printf(b, " | %s | ", hr_status_name(hr_status_of(x)));
    md_member_text(b, x, "cases", 1, 32);
    hr_puts(b, " | ");
    md_member_text(b, x, "fail", 1, 32);
    hr_puts(b, " |\n");
  }
  hr_puts(b, "\n");
}

char *hreport_render_md(const cJSON *report, size_t *len) {
  facts f;
  if (facts_build(&f, report) != 0)
    return NULL;
  hr_buf b = {0};
  md_header(&b, &f);
  md_summary(&b, &f);
  md_requirements(&b, &f);
  md_evidence(&b, &f);
  md_skipped(&b, &f);
  md_resources(&b, report);
  md_matrix(&b, report);
  hr_puts(&b, "---\nGenerated by apiharness from compliance.json. Secrets are redacted "
              "(bearer credentials; token values beyond an 8-character prefix).\n");
  hr_index_free(&f.ix);
  return hr_finish(&b, len);
}

/* ---- HTML ------------------------------------------------------------------------ */

static const char html_css[] =
    "*{box-sizing:border-box}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
    "color:#1b1f24;background:#f6f8fa}"
    "main{max-width:1100px;margin:0 auto;padding:0 16px 48px}"
    ".verdict{padding:20px 16px;color:#fff}"
    ".verdict h1{margin:0 auto;max-width:1100px;font-size:28px}"
    ".verdict p{margin:6px auto 0;max-width:1100px}"
    ".v-ok{background:#1a7f37}.v-fail{background:#cf222e}.v-unknown{background:#6e7781}"
    "h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}"
    "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f4}"
    "code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
    "pre{background:#fff;border:1px solid #d0d7de;padding:8px;overflow:auto;"
    "white-space:pre-wrap;word-break:break-all;max-height:480px}"
    "details{background:#fff;border:1px solid #d0d7de;margin:8px 0;padding:4px 8px}"
    "summary{cursor:pointer;font-weight:600}"
    ".st{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;"
    "padding:0 4px;font-size:12px;font-weight:700;color:#fff}"
    ".st-pass{background:#1a7f37}.st-fail{background:#cf222e}.st-warn{background:#9a6700}"
    ".st-skip{background:#6e7781}.st-error{background:#8250df}.st-unknown{background:#424a53}"
    "article{background:#fff;border:1px solid #d0d7de;border-left:4px solid #cf222e;"
    "margin:12px 0;padding:8px 12px}"
    "article.c-warn{border-left-color:#9a6700}article.c-error{border-left-color:#8250df}"
    ".note{background:#fff8c5;border:1px solid #d4a72c;padding:8px}"
    "#filters label{margin-right:12px}";

/* Progressive enhancement only: the page is complete without it. */
static const char html_js[] =
    "(function(){var f=document.getElementById('filters');if(!f)return;f.hidden=false;"
    "function upd(){var on={};var bs=f.querySelectorAll('input');"
    "for(var i=0;i<bs.length;i++)on[bs[i].value]=bs[i].checked;"
    "var rs=document.querySelectorAll('tr[data-status]');"
    "for(var j=0;j<rs.length;j++)rs[j].hidden=!on[rs[j].getAttribute('data-status')];}"
    "f.addEventListener('change',upd);upd();})();";

static void html_text(hr_buf *b, const char *s, size_t n, size_t max) {
  hr_text(b, s, n, HR_TEXT_HTML, max);
}

static void html_member(hr_buf *b, const cJSON *obj, const char *name, size_t max, int code) {
  size_t n = 0;
  char tmp[64];
  const char *s = scalar_text(hr_get(obj, name), tmp, sizeof tmp, &n);
  if (!s) {
    hr_puts(b, "<em>(missing)</em>");
    return;
  }
  if (code)
    hr_puts(b, "<code>");
  html_text(b, s, n, max);
  if (code)
    hr_puts(b, "</code>");
}

static void html_badge(hr_buf *b, hr_status st) {
  hr_printf(b, "<span class=\"st st-%s\">%s</span>", hr_status_name(st), hr_status_name(st));
}

static void html_header(hr_buf *b, const facts *f) {
  const cJSON *root = f->ix.root;
  const char *cls = f->verdict == 1 ? "v-ok" : f->verdict == 0 ? "v-fail" : "v-unknown";
  hr_printf(b, "<header class=\"verdict %s\" id=\"verdict\"><h1>Verdict: %s</h1><p>", cls,
            verdict_word(f));
  hr_printf(b, "%zu of %zu requirements fail", f->req_fail, f->ix.nreqs);
  if (f->req_count[HR_ST_ERROR])
    hr_printf(b, ", %zu with cases that could not run", f->req_count[HR_ST_ERROR]);
  hr_printf(b, "; %zu of %zu cases failed. Target ", f->case_count[HR_ST_FAIL], f->ix.ncases);
  html_member(b, hr_get(root, "target"), "url", 512, 1);
  hr_puts(b, "</p></header>\n<main>\n");
  if (f->verdict < 0) {
    hr_puts(b, "<p class=\"note\">The report has no valid verdict (");
    if (f->verdict_text) {
      hr_puts(b, "<code>");
      html_text(b, f->verdict_text, f->verdict_len, 128);
      hr_puts(b, "</code>");
    } else {
      hr_puts(b, "missing");
    }
    hr_puts(b, "); it may come from an interrupted or older run.</p>\n");
  }
  if ((f->verdict == 1 && f->req_fail > 0) || (f->verdict == 0 && f->req_fail == 0))
    hr_puts(b, "<p class=\"note\">The verdict recorded in the report does not match its "
               "requirements (non-compliant iff a requirement fails).</p>\n");

  const cJSON *target = hr_get(root, "target"), *spec = hr_get(root, "spec");
  const cJSON *tool = hr_get(root, "tool");
  hr_puts(b, "<h2 id=\"run\">Run</h2><table>\n<tr><th>Target</th><td>");
  html_member(b, target, "url", 512, 1);
  if (hr_str(target, "server", NULL)) { /* null: the server sent no Server header */
    hr_puts(b, " (server ");
    html_member(b, target, "server", 256, 1);
    hr_puts(b, ")");
  }
  if (cJSON_IsTrue(hr_get(target, "embedded_mock"))) {
    hr_puts(b, " embedded mock");
    const cJSON *faults = hr_array(target, "faults");
    if (faults && faults->child) {
      hr_puts(b, ", faults:");
      for (const cJSON *x = faults->child; x; x = x->next) {
        size_t xl = 0;
        const char *xs = cJSON_IsString(x) ? hjson_string(x, &xl) : NULL;
        hr_puts(b, " <code>");
        if (xs)
          html_text(b, xs, xl, 128);
        hr_puts(b, "</code>");
      }
    }
  }
  hr_puts(b, "</td></tr>\n<tr><th>Spec</th><td>");
  html_member(b, spec, "title", 256, 0);
  hr_puts(b, " ");
  html_member(b, spec, "version", 128, 0);
  hr_puts(b, "<br>sha256 ");
  html_member(b, spec, "sha256", 128, 1);
  hr_puts(b, "<br>");
  html_member(b, spec, "path", 512, 1);
  hr_puts(b, "</td></tr>\n<tr><th>Profile</th><td>");
  html_member(b, root, "profile", 64, 0);
  hr_puts(b, "</td></tr>\n<tr><th>Seed</th><td>");
  html_member(b, root, "seed", 64, 0);
  hr_puts(b, "</td></tr>\n<tr><th>Filter</th><td>");
  html_member(b, root, "filter", 256, 1);
  hr_puts(b, "</td></tr>\n<tr><th>Run id</th><td>");
  html_member(b, root, "run_id", 128, 1);
  hr_puts(b, "</td></tr>\n<tr><th>Started</th><td>");
  html_member(b, root, "started_at", 64, 0);
  hr_puts(b, "</td></tr>\n<tr><th>Finished</th><td>");
  html_member(b, root, "finished_at", 64, 0);
  char dur[64];
  duration_text(root, dur, sizeof dur);
  hr_printf(b, "</td></tr>\n<tr><th>Duration</th><td>%s</td></tr>\n<tr><th>Tool</th><td>", dur);
  html_member(b, tool, "name", 64, 0);
  hr_puts(b, " ");
  html_member(b, tool, "version", 64, 0);
  hr_puts(b, "</td></tr>\n</table>\n");

  hr_puts(b, "<h2 id=\"summary\">Summary</h2><table>\n<tr><th></th><th>total</th>"
             "<th>pass</th><th>fail</th><th>warn</th><th>skip</th><th>error</th></tr>\n");
  hr_printf(b,
            "<tr><th>requirements</th><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>"
            "<td>%zu</td><td>%zu</td></tr>\n",
            f->ix.nreqs, f->req_count[HR_ST_PASS], f->req_count[HR_ST_FAIL],
            f->req_count[HR_ST_WARN], f->req_count[HR_ST_SKIP], f->req_count[HR_ST_ERROR]);
  hr_printf(b,
            "<tr><th>cases</th><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>"
            "<td>%zu</td><td>%zu</td></tr>\n</table>\n",
            f->ix.ncases, f->case_count[HR_ST_PASS], f->case_count[HR_ST_FAIL],
            f->case_count[HR_ST_WARN], f->case_count[HR_ST_SKIP], f->case_count[HR_ST_ERROR]);
  if (f->req_count[HR_ST_UNKNOWN] || f->case_count[HR_ST_UNKNOWN])
    hr_printf(b,
              "<p class=\"note\">%zu requirements and %zu cases have a missing or unknown "
              "status.</p>\n",
              f->req_count[HR_ST_UNKNOWN], f->case_count[HR_ST_UNKNOWN]);
}

/* Evidence anchors: generated from the case's position, never from report text. */
static void html_requirements(hr_buf *b, const facts *f) {
  const hr_index *ix = &f->ix;
  hr_puts(b, "<h2 id=\"requirements\">Requirements by class</h2>\n");
  if (ix->nreqs == 0) {
    hr_puts(b, "<p>The report lists no requirements.</p>\n");
    return;
  }
  hr_puts(b, "<p id=\"filters\" hidden>Show: ");
  for (int s = 0; s < HR_ST_COUNT; s++)
    hr_printf(b, "<label><input type=\"checkbox\" value=\"%s\" checked> %s</label>",
              hr_status_name((hr_status)s), hr_status_name((hr_status)s));
  hr_puts(b, "</p>\n");
  size_t ncl = 0;
  class_name *cl = classes_of(ix, &ncl);
  if (!cl) {
    b->bad = 1;
    return;
  }
  for (size_t k = 0; k < ncl; k++) {
    size_t cnt[HR_ST_COUNT] = {0}, total = 0;
    for (size_t r = 0; r < ix->nreqs; r++)
      if (req_in_class(ix->reqs[r], &cl[k]))
        cnt[hr_index_req_state(ix, r)]++, total++;
    int open = cnt[HR_ST_FAIL] || cnt[HR_ST_ERROR] || cnt[HR_ST_WARN];
    hr_printf(b, "<details%s><summary>", open ? " open" : "");
    if (cl[k].len)
      html_text(b, cl[k].name, cl[k].len, 128);
    else
      hr_puts(b, "(no class)");
    hr_printf(b, " &mdash; %zu requirement%s", total, total == 1 ? "" : "s");
    for (int s = 0; s < HR_ST_COUNT; s++)
      if (cnt[s] && s != HR_ST_PASS)
        hr_printf(b, ", %zu %s", cnt[s], hr_status_name((hr_status)s));
    hr_puts(b, "</summary>\n<table>\n<tr><th>status</th><th>requirement</th><th>title</th>"
               "<th>source</th><th>cases</th><th>failing cases</th></tr>\n");
    for (size_t r = 0; r < ix->nreqs; r++) {
      if (!req_in_class(ix->reqs[r], &cl[k]))
        continue;
      hr_status st = hr_index_req_state(ix, r);
      hr_printf(b, "<tr data-status=\"%s\"><td>", hr_status_name(st));
      html_badge(b, st);
      hr_puts(b, "</td><td>");
      html_member(b, ix->reqs[r], "id", 512, 1);
      hr_puts(b, "</td><td>");
      html_member(b, ix->reqs[r], "title", 512, 0);
      if (st == HR_ST_SKIP && hr_get(ix->reqs[r], "reason")) {
        hr_puts(b, "<br><em>skipped: ");
        html_member(b, ix->reqs[r], "reason", 1000, 0);
        hr_puts(b, "</em>");
      }
      hr_puts(b, "</td><td>");
      html_member(b, ix->reqs[r], "source", 32, 0);
      size_t total_cases = 0, shown = 0;
      hr_case_iter it = {0};
      for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;)
        total_cases++;
      hr_printf(b, "</td><td>%zu</td><td>", total_cases);
      it = (hr_case_iter){0};
      for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;) {
        if (!is_evidence_status(hr_status_of(ix->cases[c])))
          continue;
        if (shown++ == 10) {
          hr_puts(b, " &hellip;");
          break;
        }
        hr_printf(b, "%s<a href=\"#case-%zu\">", shown > 1 ? "<br>" : "", c);
        html_member(b, ix->cases[c], "id", 256, 1);
        hr_puts(b, "</a>");
      }
      hr_puts(b, "</td></tr>\n");
    }
    hr_puts(b, "</table>\n</details>\n");
  }
  free(cl);
}

static void html_case(hr_buf *b, const hr_index *ix, size_t c, hr_buf *tmp) {
  const cJSON *cs = ix->cases[c];
  hr_status st = hr_status_of(cs);
  hr_printf(b, "<article id=\"case-%zu\" class=\"c-%s\"><h3>", c, hr_status_name(st));
  html_badge(b, st);
  hr_puts(b, " ");
  html_member(b, cs, "id", 512, 1);
  hr_puts(b, "</h3>\n<p>");
  html_member(b, cs, "title", 512, 0);
  hr_puts(b, "<br>requirement ");
  html_member(b, cs, "requirement", 512, 1);
  hr_puts(b, ", class ");
  html_member(b, cs, "class", 64, 0);
  hr_puts(b, "<br><strong>");
  html_member(b, cs, "detail", 1000, 0);
  hr_puts(b, "</strong></p>\n");
  const cJSON *checks = hr_array(cs, "checks");
  int any = 0;
  for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
    hr_status ks = hr_status_of(k);
    if (ks == HR_ST_PASS)
      continue;
    if (!any++)
      hr_puts(b, "<ul>");
    hr_puts(b, "<li>");
    html_badge(b, ks);
    hr_puts(b, " ");
    html_member(b, k, "name", 128, 1);
    hr_puts(b, ": ");
    html_member(b, k, "message", 1000, 0);
    hr_puts(b, "</li>");
  }
  if (any)
    hr_puts(b, "</ul>\n");
  const cJSON *ev = hr_get(cs, "evidence");
  if (!cJSON_IsObject(ev)) {
    hr_puts(b, "<p><em>No evidence recorded.</em></p></article>\n");
    return;
  }
  const cJSON *req = hr_get(ev, "request"), *resp = hr_get(ev, "response");
  if (cJSON_IsObject(req)) {
    tmp->len = 0;
    request_block(tmp, req);
    hr_puts(b, "<h4>Request</h4><pre>");
    html_text(b, tmp->p ? tmp->p : "", tmp->len, 0);
    hr_puts(b, "</pre>\n");
  }
  if (cJSON_IsObject(resp)) {
    int64_t ms;
    hr_puts(b, "<h4>Response");
    if (hr_int(resp, "time_ms", &ms))
      hr_printf(b, " (%lld ms)", (long long)ms);
    hr_puts(b, "</h4><pre>");
    tmp->len = 0;
    response_block(tmp, resp);
    html_text(b, tmp->p ? tmp->p : "", tmp->len, 0);
    hr_puts(b, "</pre>\n");
  } else {
    hr_puts(b, "<h4>Response</h4><p>None recorded.</p>\n");
  }
  size_t cl = 0;
  const char *curl = hr_str(ev, "curl", &cl);
  if (curl) {
    tmp->len = 0;
    redact_into(tmp, curl, cl > HREPORT_EXCERPT_MAX ? HREPORT_EXCERPT_MAX : cl);
    hr_puts(b, "<h4>Reproduce</h4><pre class=\"curl\">");
    html_text(b, tmp->p ? tmp->p : "", tmp->len, 0);
    hr_puts(b, "</pre>\n");
  }
  hr_puts(b, "</article>\n");
}

static void html_evidence(hr_buf *b, const facts *f) {
  hr_puts(b, "<h2 id=\"evidence\">Evidence for failures, errors and warnings</h2>\n");
  size_t n = f->case_count[HR_ST_FAIL] + f->case_count[HR_ST_ERROR] + f->case_count[HR_ST_WARN];
  if (n == 0) {
    hr_puts(b, "<p>No case failed, errored or warned.</p>\n");
    return;
  }
  size_t shown = evidence_cases(b, &f->ix, html_case);
  if (shown > MAX_EVIDENCE_SECTIONS)
    hr_printf(b,
              "<p class=\"note\">%zu more cases are not shown here; see "
              "compliance.json.</p>\n",
              shown - MAX_EVIDENCE_SECTIONS);
}

static void html_tail(hr_buf *b, const facts *f) {
  const hr_index *ix = &f->ix;
  const cJSON *root = ix->root;
  hr_puts(b, "<h2 id=\"skipped\">Skipped requirements</h2>\n");
  size_t n = 0;
  for (size_t r = 0; r < ix->nreqs; r++) {
    if (hr_status_of(ix->reqs[r]) != HR_ST_SKIP)
      continue;
    hr_puts(b, n++ ? "<li>" : "<ul><li>");
    html_member(b, ix->reqs[r], "id", 512, 1);
    hr_puts(b, " ");
    html_member(b, ix->reqs[r], "title", 512, 0);
    hr_puts(b, ": ");
    html_member(b, ix->reqs[r], "reason", 1000, 0);
    hr_puts(b, "</li>\n");
  }
  hr_puts(b, n ? "</ul>\n" : "<p>None.</p>\n");

  hr_puts(b, "<h2 id=\"resources\">Created resources</h2>\n");
  const cJSON *res = hr_array(root, "created_resources");
  if (!res || !res->child) {
    hr_puts(b, "<p>None recorded.</p>\n");
  } else {
    hr_puts(b, "<p>Tokens created on the target by this run (the spec has no delete "
               "operation: revoke them by id). Token values are never recorded.</p>\n"
               "<table><tr><th>id</th><th>name</th><th>label</th></tr>\n");
    for (const cJSON *x = res->child; x; x = x->next) {
      hr_puts(b, "<tr><td>");
      html_member(b, x, "id", 256, 1);
      hr_puts(b, "</td><td>");
      html_member(b, x, "name", 512, 1);
      hr_puts(b, "</td><td>");
      html_member(b, x, "label", 64, 0);
      hr_puts(b, "</td></tr>\n");
    }
    hr_puts(b, "</table>\n");
  }
  const cJSON *m = hr_array(root, "token_matrix");
  if (m && m->child) {
    hr_puts(b, "<h2 id=\"matrix\">Token matrix</h2>\n<table><tr><th>label</th><th>status</th>"
               "<th>cases</th><th>fail</th></tr>\n");
    for (const cJSON *x = m->child; x; x = x->next) {
      hr_puts(b, "<tr><td>");
      html_member(b, x, "label", 64, 0);
      hr_puts(b, "</td><td>");
      html_badge(b, hr_status_of(x));
      hr_puts(b, "</td><td>");
      html_member(b, x, "cases", 32, 0);
      hr_puts(b, "</td><td>");
      html_member(b, x, "fail", 32, 0);
      hr_puts(b, "</td></tr>\n");
    }
    hr_puts(b, "</table>\n");
  }
}

char *hreport_render_html(const cJSON *report, size_t *len) {
  facts f;
  if (facts_build(&f, report) != 0)
    return NULL;
  hr_buf b = {0};
  /* The CSP forbids every fetch: the page is self-contained by construction. */
  hr_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  hr_printf(&b, "<title>API compliance: %s</title>\n<style>", verdict_word(&f));
  hr_puts(&b, html_css);
  hr_puts(&b, "</style></head><body>\n");
  html_header(&b, &f);
  html_requirements(&b, &f);
  html_evidence(&b, &f);
  html_tail(&b, &f);
  hr_puts(&b, "<p><small>Generated by apiharness from compliance.json. Secrets are redacted "
              "(bearer credentials; token values beyond an 8-character prefix).</small></p>\n"
              "</main>\n<script>");
  hr_puts(&b, html_js);
  hr_puts(&b, "</script>\n</body></html>\n");
  hr_index_free(&f.ix);
  return hr_finish(&b, len);
}

/* ---- the views on disk ------------------------------------------------------------ */

int hreport_write_views(const char *report_dir, char *err, size_t errlen) {
  char in[PATH_MAX], md_path[PATH_MAX], html_path[PATH_MAX];
  hjson_doc *doc = NULL;
  char *md = NULL, *html = NULL;
  int rc = -1;
  if (!report_dir || !*report_dir) {
    set_err(err, errlen, "report directory: empty path");
    return -1;
  }
  int n1 = snprintf(in, sizeof in, "%s/compliance.json", report_dir);
  int n2 = snprintf(md_path, sizeof md_path, "%s/compliance.md", report_dir);
  int n3 = snprintf(html_path, sizeof html_path, "%s/compliance.html", report_dir);
  if (n1 < 0 || n2 < 0 || n3 < 0 || (size_t)n3 >= sizeof html_path) {
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
  size_t md_len = 0, html_len = 0;
  md = hreport_render_md(root, &md_len);
  html = md ? hreport_render_html(root, &html_len) : NULL;
  if (!md || !html) {
    set_err(err, errlen, "%s: out of memory rendering the views", in);
    goto fail;
  }
  if (hreport_write_file_atomic(md_path, md, md_len, err, errlen) != 0 ||
      hreport_write_file_atomic(html_path, html, html_len, err, errlen) != 0)
    goto fail;
  rc = 0;
fail:
  free(md);
  free(html);
  hjson_doc_free(doc);
  return rc;
}
