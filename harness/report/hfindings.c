/* Findings: the distinct problems of a report (see hreport_add_findings in
 * hreport.h), the terminal summary of them, and the sanitizer that makes any
 * report model writable as valid UTF-8 JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "json/hjson.h"

#define CAUSE_MAX 400    /* bytes of a message that take part in the key */
#define MESSAGE_MAX 2000 /* bytes of a message copied into a finding */
#define NO_SIZE ((double)UINT64_MAX)

/* ---- normalising a message into a cause ------------------------------------------- */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* A quoted value is kept when it reads as a member or keyword name (letters,
 * '_', '$', '-', '.', at most 32 bytes, no digit): `problem "status"` stays;
 * `"ACC-1234-567"` or `'apiharness-run-case'` become "…". */
static int name_like(const char *s, size_t n) {
  if (n == 0 || n > 32)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '-' ||
          c == '.'))
      return 0;
  }
  return 1;
}

static int preceded_by(const char *s, size_t i, const char *word) {
  size_t w = strlen(word);
  return i >= w && memcmp(s + i - w, word, w) == 0;
}

void hreport_normalise_message(const char *s, size_t n, char *out, size_t cap) {
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  if (n > CAUSE_MAX)
    n = CAUSE_MAX;
  size_t i = 0;
  int space = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = 1;
      i++;
      continue;
    }
    if (space && b.n)
      hbuf_puts(&b, " ");
    space = 0;
    if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < n && (unsigned char)s[j] != c)
        j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
      if (j >= n) { /* unterminated: the rest is the value */
        hbuf_puts(&b, c == '"' ? "\"...\"" : "'...'");
        break;
      }
      if (name_like(s + i + 1, j - i - 1))
        hbuf_add(&b, s + i, j + 1 - i);
      else
        hbuf_puts(&b, c == '"' ? "\"...\"" : "'...'");
      i = j + 1;
      continue;
    }
    if (is_digit(c)) {
      size_t j = i;
      while (j < n && is_digit((unsigned char)s[j]))
        j++;
      /* an HTTP status is part of the cause ("expected 400, got 201");
       * any other number (offsets, lengths, ids, seconds) is not */
      int status = j - i == 3 && s[i] >= '1' && s[i] <= '5' &&
                   !(i > 0 && (is_digit((unsigned char)s[i - 1]) || s[i - 1] == '-' ||
                               s[i - 1] == '.' || s[i - 1] == '/')) &&
                   !(j < n && (s[j] == '-' ||
                               (s[j] == '.' && j + 1 < n && is_digit((unsigned char)s[j + 1])))) &&
                   !preceded_by(s, i, "offset ");
      if (status)
        hbuf_add(&b, s + i, 3);
      else
        hbuf_puts(&b, "N");
      i = j;
      continue;
    }
    hbuf_add(&b, s + i, 1);
    i++;
  }
  char *t = hbuf_finish(&b, NULL);
  snprintf(out, cap, "%s", t ? t : "");
  free(t);
}

/* ---- sanitizing a model ------------------------------------------------------------- */

static int fix_string(char **slot, int *fixed) {
  char *s = *slot;
  if (!s)
    return 0;
  size_t n = strlen(s);
  if (hr_utf8_valid(s, n))
    return 0;
  char *t = hr_utf8_fix(s, n, NULL);
  if (!t)
    return -1;
  /* cJSON frees valuestring / string with its hooks (malloc by default) */
  cJSON_free(s);
  char *copy = cJSON_malloc(strlen(t) + 1);
  if (!copy) {
    free(t);
    *slot = NULL;
    return -1;
  }
  memcpy(copy, t, strlen(t) + 1);
  free(t);
  *slot = copy;
  (*fixed)++;
  return 0;
}

static int sanitize(cJSON *node, int *fixed, int depth) {
  if (depth > 512)
    return -1;
  for (cJSON *c = node; c; c = c->next) {
    if (c->string && !(c->type & cJSON_StringIsConst) && fix_string(&c->string, fixed) != 0)
      return -1;
    if (cJSON_IsString(c) && !(c->type & cJSON_IsReference) &&
        fix_string(&c->valuestring, fixed) != 0)
      return -1;
    if (c->child && sanitize(c->child, fixed, depth + 1) != 0)
      return -1;
  }
  return 0;
}

int hreport_sanitize(cJSON *report) {
  int fixed = 0;
  if (!report)
    return 0;
  if (report->string && fix_string(&report->string, &fixed) != 0)
    return -1;
  if (cJSON_IsString(report) && fix_string(&report->valuestring, &fixed) != 0)
    return -1;
  if (report->child && sanitize(report->child, &fixed, 0) != 0)
    return -1;
  return fixed;
}

/* ---- collecting findings ------------------------------------------------------------ */

typedef struct {
  char *key; /* requirement \x1F check \x1F cause \x1F severity rank */
  size_t key_len;
  const cJSON *last_case; /* the case listed last (a case counts once per finding) */
  char *requirement, *check, *cause;
  hstatus severity; /* HSTATUS_FAIL, HSTATUS_ERROR or HSTATUS_WARN */
  cJSON *cases;     /* ids (strings), in report order */
  size_t count;
  const cJSON *rep_case;    /* the catalogue case with the smallest body (may be NULL) */
  const cJSON *rep_check;   /* its check (may be NULL: a case that could not run) */
  const cJSON *rep_explore; /* an explore failure (its shrunk case represents) */
  size_t explore_pos, explore_count;
  double rep_size;
  char *tolerated;
} finding;

typedef struct {
  finding *v;
  size_t n, cap;
  size_t *slots, nslots; /* open addressing over keys: index + 1, 0 empty */
} finding_vec;

static uint64_t key_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* The slot of key (holding it, or empty where it belongs). */
static size_t slot_of(const finding_vec *fv, const char *key, size_t klen) {
  size_t h = (size_t)key_hash(key, klen) & (fv->nslots - 1);
  while (fv->slots[h]) {
    const finding *f = &fv->v[fv->slots[h] - 1];
    if (f->key_len == klen && !memcmp(f->key, key, klen))
      break;
    h = (h + 1) & (fv->nslots - 1);
  }
  return h;
}

static int slots_grow(finding_vec *fv) {
  size_t nn = fv->nslots ? fv->nslots * 2 : 64;
  size_t *ns = calloc(nn, sizeof *ns);
  if (!ns)
    return -1;
  free(fv->slots);
  fv->slots = ns;
  fv->nslots = nn;
  for (size_t i = 0; i < fv->n; i++)
    fv->slots[slot_of(fv, fv->v[i].key, fv->v[i].key_len)] = i + 1;
  return 0;
}

static char *dup_n(const char *s, size_t n) {
  char *t = malloc(n + 1);
  if (t) {
    memcpy(t, s, n);
    t[n] = '\0';
  }
  return t;
}

static int severity_rank(hstatus s) {
  return s == HSTATUS_FAIL ? 0 : s == HSTATUS_ERROR ? 1 : s == HSTATUS_WARN ? 2 : 3;
}

/* The size a representative is chosen by: the request body's bytes (the
 * smallest reproduces most directly), then the excerpt's length. */
static double evidence_size(const cJSON *ev) {
  const cJSON *rq = hr_get(ev, "request");
  int64_t n;
  if (hr_int(rq, "body_bytes", &n) && n >= 0)
    return (double)n;
  size_t len = 0;
  if (hr_str(rq, "body_excerpt", &len))
    return (double)len;
  const cJSON *steps = hr_array(ev, "steps");
  if (steps) {
    double total = 0;
    for (const cJSON *s = steps->child; s; s = s->next) {
      double one = evidence_size(s);
      if (one >= NO_SIZE)
        return NO_SIZE;
      total += one;
    }
    return total;
  }
  return NO_SIZE;
}

/* The tolerated reason: a member the judge or runner set, else the text of
 * "(left open by the documents: X)" / "(tolerated: X)" in the message. */
static char *tolerated_reason(const cJSON *check, const cJSON *cs, const char *msg, size_t mlen) {
  size_t len = 0;
  const char *r = hr_str(check, "tolerated_reason", &len);
  if (r && len)
    return dup_n(r, len);
  r = hr_str(cs, "tolerated_reason", &len);
  if (r && len)
    return dup_n(r, len);
  static const char *const marks[] = {"left open by the documents: ", "tolerated: "};
  for (size_t i = 0; msg && i < 2; i++) {
    size_t ml = strlen(marks[i]);
    for (size_t k = 0; k + ml <= mlen; k++) {
      if (memcmp(msg + k, marks[i], ml) != 0)
        continue;
      size_t start = k + ml, e = mlen;
      if (k > 0 && msg[k - 1] == '(') { /* "(tolerated: X)": up to its ')' */
        while (e > start && msg[e - 1] != ')')
          e--;
        if (e > start)
          e--;
      }
      if (e > start)
        return dup_n(msg + start, e - start);
    }
  }
  return NULL;
}

static finding *find_or_add(finding_vec *fv, const char *req, size_t rlen, const char *check,
                            size_t clen, const char *msg, size_t mlen, hstatus sev) {
  char cause[CAUSE_MAX * 2 + 64];
  hreport_normalise_message(msg ? msg : "", msg ? mlen : 0, cause, sizeof cause);
  hbuf kb = {.limit = HREPORT_MAX_OUTPUT};
  hbuf_add(&kb, req, rlen);
  hbuf_puts(&kb, "\x1F");
  hbuf_add(&kb, check, clen);
  hbuf_puts(&kb, "\x1F");
  hbuf_puts(&kb, cause);
  hbuf_printf(&kb, "\x1F%d", severity_rank(sev));
  size_t klen = 0;
  char *key = hbuf_finish(&kb, &klen);
  if (!key)
    return NULL;
  if ((fv->n + 1) * 2 > fv->nslots && slots_grow(fv) != 0) {
    free(key);
    return NULL;
  }
  size_t slot = slot_of(fv, key, klen);
  if (fv->slots[slot]) {
    free(key);
    return &fv->v[fv->slots[slot] - 1];
  }
  if (fv->n == fv->cap) {
    size_t nc = fv->cap ? fv->cap * 2 : 16;
    finding *nv = realloc(fv->v, nc * sizeof *nv);
    if (!nv) {
      free(key);
      return NULL;
    }
    fv->v = nv;
    fv->cap = nc;
  }
  finding *f = &fv->v[fv->n];
  memset(f, 0, sizeof *f);
  f->key = key;
  f->key_len = klen;
  f->requirement = dup_n(req, rlen);
  f->check = dup_n(check, clen);
  f->cause = dup_n(cause, strlen(cause));
  f->cases = cJSON_CreateArray();
  f->severity = sev;
  f->rep_size = NO_SIZE * 2;
  if (!f->requirement || !f->check || !f->cause || !f->cases) {
    free(f->key);
    free(f->requirement);
    free(f->check);
    free(f->cause);
    cJSON_Delete(f->cases);
    return NULL;
  }
  fv->slots[slot] = ++fv->n;
  return f;
}

static void finding_free(finding *f) {
  free(f->key);
  free(f->requirement);
  free(f->check);
  free(f->cause);
  free(f->tolerated);
  cJSON_Delete(f->cases);
}

/* A copy of a string member, UTF-8 fixed and redacted (the report's second
 * line of defence); NULL (JSON null) when absent. */
static cJSON *clean_string(const char *s, size_t len, size_t max) {
  if (!s)
    return cJSON_CreateNull();
  if (max && len > max)
    len = max;
  char *fixed = hr_utf8_fix(s, len, &len);
  if (!fixed)
    return NULL;
  char *red = hreport_redact(fixed, len, NULL);
  free(fixed);
  if (!red)
    return NULL;
  cJSON *v = cJSON_CreateString(red);
  free(red);
  return v;
}

static int add_clean(cJSON *obj, const char *name, const char *s, size_t len, size_t max) {
  cJSON *v = clean_string(s, len, max);
  if (!v)
    return -1;
  cJSON_AddItemToObject(obj, name, v);
  return 0;
}

static int list_case(finding *f, const cJSON *cs) {
  if (f->last_case == cs)
    return 0; /* two steps of one sequence with the same problem */
  f->last_case = cs;
  size_t len = 0;
  const char *id = hr_str(cs, "id", &len);
  cJSON *v = clean_string(id ? id : "(no id)", id ? len : 7, 512);
  if (!v)
    return -1;
  cJSON_AddItemToArray(f->cases, v);
  f->count++;
  return 0;
}

/* Folds one problem of case cs (check k, or the case itself when k is NULL). */
static int fold(finding_vec *fv, const cJSON *cs, const cJSON *k, hstatus sev) {
  size_t rlen = 0, clen = 0, mlen = 0;
  const char *req = k ? hr_str(k, "requirement", &rlen) : NULL;
  if (!req || !rlen)
    req = hr_str(cs, "requirement", &rlen);
  if (!req)
    req = "(no requirement)", rlen = strlen(req);
  const char *check = k ? hr_str(k, "name", &clen) : NULL;
  if (!check)
    check = k ? "(unnamed check)" : sev == HSTATUS_ERROR ? "run" : "case", clen = strlen(check);
  /* "step2:status", "step1+2:status" (a sequence's steps) and "second:status"
   * (a repeated create) are the same check as "status" */
  if (clen > 7 && !memcmp(check, "second:", 7)) {
    check += 7, clen -= 7;
  } else if (clen > 5 && !memcmp(check, "step", 4) && is_digit((unsigned char)check[4])) {
    size_t j = 4;
    while (j < clen && (is_digit((unsigned char)check[j]) || check[j] == '+'))
      j++;
    if (j < clen && check[j] == ':')
      check += j + 1, clen -= j + 1;
  }
  const char *msg = k ? hr_str(k, "message", &mlen) : NULL;
  if (!msg || !mlen)
    msg = hr_str(cs, "detail", &mlen);
  finding *f = find_or_add(fv, req, rlen, check, clen, msg, mlen, sev);
  if (!f || list_case(f, cs) != 0)
    return -1;
  double size = evidence_size(hr_get(cs, "evidence"));
  if (size < f->rep_size) {
    f->rep_size = size;
    f->rep_case = cs;
    f->rep_check = k;
    free(f->tolerated);
    f->tolerated = sev == HSTATUS_WARN ? tolerated_reason(k, cs, msg, msg ? mlen : 0) : NULL;
  }
  return 0;
}

static hstatus explore_severity(const cJSON *x) {
  size_t len = 0;
  const char *s = hr_str(x, "status", &len);
  if (!s)
    s = hr_str(x, "severity", &len);
  hstatus st = s ? hstatus_parse_n(s, len) : HSTATUS_UNKNOWN;
  return st == HSTATUS_WARN || st == HSTATUS_ERROR ? st : HSTATUS_FAIL;
}

/* The id of an explore failure's shrunk case: its "case"/"case_id"/"id", else
 * "explore.N" from the leading number of its case file (".../1-rfc9457...json"),
 * else "explore.<position>". */
static const char *explore_case_id(const cJSON *x, size_t pos, char *tmp, size_t cap, size_t *len) {
  static const char *const names[] = {"case", "case_id", "id"};
  for (size_t i = 0; i < 3; i++) {
    const char *s = hr_str(x, names[i], len);
    if (s)
      return s;
  }
  size_t fl = 0;
  const char *file = hr_str(x, "case_file", &fl);
  unsigned long n = 0;
  if (file) {
    const char *base = file + fl;
    while (base > file && base[-1] != '/')
      base--;
    int digits = 0;
    for (; base < file + fl && *base >= '0' && *base <= '9' && digits < 9; base++, digits++)
      n = n * 10 + (unsigned long)(*base - '0');
    if (!digits)
      n = 0;
  }
  snprintf(tmp, cap, "explore.%lu", n ? n : (unsigned long)pos);
  *len = strlen(tmp);
  return tmp;
}

/* An explore failure: its shrunk case becomes the representative, with its
 * own recorded evidence (the smallest catalogue case of the same finding
 * gives the evidence only when the explore failure recorded none). */
static int fold_explore(finding_vec *fv, const cJSON *x, size_t pos) {
  size_t rlen = 0, clen = 0, mlen = 0;
  const char *req = hr_str(x, "requirement", &rlen);
  const char *check = hr_str(x, "check", &clen);
  if (!check)
    check = hr_str(x, "name", &clen);
  const char *msg = hr_str(x, "message", &mlen);
  if (!req || !check)
    return 0; /* not enough to key it: left to compliance.json */
  finding *f = find_or_add(fv, req, rlen, check, clen, msg, mlen, explore_severity(x));
  if (!f)
    return -1;
  int64_t n = 0;
  f->explore_count += hr_int(x, "count", &n) && n > 0 ? (size_t)n : 1;
  if (!f->rep_explore) {
    f->rep_explore = x;
    f->explore_pos = pos;
  }
  return 0;
}

static int finding_cmp(const void *a, const void *b) {
  const finding *x = a, *y = b;
  int rx = severity_rank(x->severity), ry = severity_rank(y->severity);
  if (rx != ry)
    return rx - ry;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp(x->key, y->key);
}

static uint32_t fnv32(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* Redacts every string value of a cJSON tree in place (bearer credentials,
 * token values): the finding's copy of evidence is a second line of defence. */
static int redact_tree(cJSON *node) {
  for (cJSON *c = node; c; c = c->next) {
    if (cJSON_IsString(c) && c->valuestring && !(c->type & cJSON_IsReference)) {
      size_t n = strlen(c->valuestring), rl = 0;
      char *r = hreport_redact(c->valuestring, n, &rl);
      if (!r)
        return -1;
      if (rl != n || memcmp(r, c->valuestring, n)) {
        char *copy = cJSON_malloc(rl + 1);
        if (!copy) {
          free(r);
          return -1;
        }
        memcpy(copy, r, rl + 1);
        cJSON_free(c->valuestring);
        c->valuestring = copy;
      }
      free(r);
    }
    if (c->child && redact_tree(c->child) != 0)
      return -1;
  }
  return 0;
}

/* A copy of an evidence object with its strings UTF-8 fixed and redacted. */
static cJSON *copy_evidence(const cJSON *ev) {
  if (!cJSON_IsObject(ev))
    return cJSON_CreateNull();
  char *text = cJSON_PrintUnformatted(ev);
  if (!text)
    return NULL;
  cJSON *copy = cJSON_Parse(text);
  free(text);
  if (!copy)
    return NULL;
  if (hreport_sanitize(copy) < 0 || (copy->child && redact_tree(copy->child) != 0)) {
    cJSON_Delete(copy);
    return NULL;
  }
  return copy;
}

static cJSON *finding_json(const finding *f) {
  cJSON *o = cJSON_CreateObject();
  if (!o)
    return NULL;
  char id[16];
  snprintf(id, sizeof id, "F%08x", (unsigned)fnv32(f->key));
  /* the key, printable: requirement | check | cause */
  hbuf kb = {.limit = HREPORT_MAX_OUTPUT};
  hbuf_puts(&kb, f->requirement);
  hbuf_puts(&kb, " | ");
  hbuf_puts(&kb, f->check);
  hbuf_puts(&kb, " | ");
  hbuf_puts(&kb, f->cause);
  char *key = hbuf_finish(&kb, NULL);
  const cJSON *rc = f->rep_case, *rk = f->rep_check, *rx = f->rep_explore;
  size_t mlen = 0, ilen = 0;
  const char *msg = rk ? hr_str(rk, "message", &mlen) : NULL;
  if ((!msg || !mlen) && rc)
    msg = hr_str(rc, "detail", &mlen);
  if ((!msg || !mlen) && rx)
    msg = hr_str(rx, "message", &mlen);
  char xid[40];
  const char *cid =
      rx ? explore_case_id(rx, f->explore_pos, xid, sizeof xid, &ilen) : hr_str(rc, "id", &ilen);
  if (!key || !cJSON_AddStringToObject(o, "id", id) || add_clean(o, "key", key, strlen(key), 0) ||
      !cJSON_AddStringToObject(o, "severity", hstatus_name(f->severity)) ||
      add_clean(o, "requirement", f->requirement, strlen(f->requirement), 512) ||
      add_clean(o, "check", f->check, strlen(f->check), 256) ||
      add_clean(o, "cause", f->cause, strlen(f->cause), 0) ||
      add_clean(o, "message", msg ? msg : "", msg ? mlen : 0, MESSAGE_MAX) ||
      !cJSON_AddNumberToObject(o, "count", (double)f->count))
    goto fail;
  free(key);
  key = NULL;
  if (rx && !cJSON_AddNumberToObject(o, "explore_count", (double)f->explore_count))
    goto fail;
  cJSON *cases = cJSON_Duplicate(f->cases, 1);
  if (!cases)
    goto fail;
  cJSON_AddItemToObject(o, "cases", cases);
  cJSON *rep = cJSON_AddObjectToObject(o, "representative");
  if (!rep || add_clean(rep, "case", cid ? cid : "(no id)", cid ? ilen : 7, 512) ||
      !cJSON_AddStringToObject(rep, "source", rx ? "explore" : "catalogue"))
    goto fail;
  size_t tl = 0;
  const char *t = rc && !rx ? hr_str(rc, "title", &tl) : NULL;
  if (t && add_clean(rep, "title", t, tl, 512))
    goto fail;
  if (rx) {
    static const char *const files[] = {"body_file", "case_file"};
    for (size_t i = 0; i < 2; i++) {
      size_t fl = 0;
      const char *fs = hr_str(rx, files[i], &fl);
      if (fs && add_clean(rep, files[i], fs, fl, 1024))
        goto fail;
    }
    int64_t n;
    if (hr_int(rx, "shrunk_size", &n) && !cJSON_AddNumberToObject(rep, "shrunk_size", (double)n))
      goto fail;
    if (hr_int(rx, "original_size", &n) &&
        !cJSON_AddNumberToObject(rep, "original_size", (double)n))
      goto fail;
  }
  /* the recorded exchange: an explore representative's own (the shrunk
   * request and its answer); else the smallest catalogue case's, named as
   * evidence_case when the representative is an explore failure that
   * recorded none (an older report) */
  const cJSON *xev = rx ? hr_get(rx, "evidence") : NULL;
  if (!cJSON_IsObject(xev))
    xev = NULL;
  const cJSON *ev = xev ? xev : rc ? hr_get(rc, "evidence") : NULL;
  if (ev) {
    cJSON *evc = copy_evidence(ev);
    if (!evc)
      goto fail;
    cJSON_AddItemToObject(rep, "evidence", evc);
    if (rx && !xev) {
      size_t el = 0;
      const char *eid = hr_str(rc, "id", &el);
      if (eid && add_clean(rep, "evidence_case", eid, el, 512))
        goto fail;
    }
  }
  size_t cl = 0;
  const char *curl = rx ? hr_str(rx, "curl", &cl) : NULL;
  if (!curl && ev)
    curl = hr_str(ev, "curl", &cl);
  if (curl && add_clean(rep, "curl", curl, cl, 0))
    goto fail;
  if (f->tolerated && add_clean(o, "tolerated_reason", f->tolerated, strlen(f->tolerated), 1000))
    goto fail;
  return o;
fail:
  free(key);
  cJSON_Delete(o);
  return NULL;
}

cJSON *hreport_findings(const cJSON *report) {
  finding_vec fv = {0};
  cJSON *out = NULL;
  const cJSON *cases = hr_array(report, "cases");
  for (const cJSON *cs = cases ? cases->child : NULL; cs; cs = cs->next) {
    hstatus st = hr_status_of(cs);
    if (st == HSTATUS_PASS || st == HSTATUS_SKIP)
      continue;
    int any = 0;
    const cJSON *checks = hr_array(cs, "checks");
    for (const cJSON *k = checks ? checks->child : NULL; k; k = k->next) {
      hstatus ks = hr_status_of(k);
      if (ks != HSTATUS_FAIL && ks != HSTATUS_WARN && ks != HSTATUS_ERROR)
        continue;
      any = 1;
      if (fold(&fv, cs, k, ks) != 0)
        goto fail;
    }
    /* a case that failed or could not run without a failing check says why in
     * its detail */
    if (!any && (st == HSTATUS_FAIL || st == HSTATUS_ERROR || st == HSTATUS_WARN) &&
        fold(&fv, cs, NULL, st) != 0)
      goto fail;
  }
  const cJSON *xf = hr_array(hr_get(report, "explore"), "failures");
  size_t xpos = 0;
  for (const cJSON *x = xf ? xf->child : NULL; x; x = x->next)
    if (cJSON_IsObject(x) && fold_explore(&fv, x, ++xpos) != 0)
      goto fail;
  if (fv.n)
    qsort(fv.v, fv.n, sizeof *fv.v, finding_cmp);
  out = cJSON_CreateArray();
  if (!out)
    goto fail;
  for (size_t i = 0; i < fv.n; i++) {
    cJSON *o = finding_json(&fv.v[i]);
    if (!o)
      goto fail;
    cJSON_AddItemToArray(out, o);
  }
  for (size_t i = 0; i < fv.n; i++)
    finding_free(&fv.v[i]);
  free(fv.v);
  free(fv.slots);
  return out;
fail:
  for (size_t i = 0; i < fv.n; i++)
    finding_free(&fv.v[i]);
  free(fv.v);
  free(fv.slots);
  cJSON_Delete(out);
  return NULL;
}

int hreport_add_findings(cJSON *report) {
  if (!cJSON_IsObject(report))
    return -1;
  cJSON *f = hreport_findings(report);
  if (!f)
    return -1;
  cJSON_DeleteItemFromObjectCaseSensitive(report, "findings");
  cJSON_AddItemToObject(report, "findings", f);
  return 0;
}

/* ---- the terminal summary ------------------------------------------------------------ */

static void term_str(hbuf *b, const cJSON *obj, const char *name, size_t max) {
  size_t len = 0;
  const char *s = hr_str(obj, name, &len);
  if (!s) {
    hbuf_puts(b, "(missing)");
    return;
  }
  char *red = hreport_redact(s, len, &len);
  if (!red) {
    b->nomem = 1;
    return;
  }
  hr_text(b, red, len, HR_TEXT_TERM, max);
  free(red);
}

void hreport_print_findings(FILE *out, const cJSON *report, int max) {
  const cJSON *arr = hr_array(report, "findings");
  cJSON *computed = NULL;
  if (!arr) {
    computed = hreport_findings(report);
    arr = computed;
  }
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  size_t n[HSTATUS_COUNT] = {0}, total = 0;
  for (const cJSON *f = arr ? arr->child : NULL; f; f = f->next) {
    size_t len = 0;
    const char *sev = hr_str(f, "severity", &len);
    n[sev ? hstatus_parse_n(sev, len) : HSTATUS_UNKNOWN]++;
    total++;
  }
  if (total == 0) {
    hbuf_puts(&b, "findings: none (no case failed or warned)\n");
  } else {
    hbuf_printf(&b, "findings (%zu distinct: %zu fail, %zu error, %zu warn; most severe first):\n",
                total, n[HSTATUS_FAIL], n[HSTATUS_ERROR], n[HSTATUS_WARN]);
    int shown = 0;
    for (const cJSON *f = arr->child; f; f = f->next) {
      if (max >= 0 && shown == max) {
        hbuf_printf(&b, "  ... %zu more findings in compliance.json\n", total - (size_t)shown);
        break;
      }
      shown++;
      size_t sl = 0;
      const char *sev = hr_str(f, "severity", &sl);
      char up[8] = "?";
      if (sev && sl < sizeof up) {
        for (size_t i = 0; i < sl; i++)
          up[i] = (char)(sev[i] >= 'a' && sev[i] <= 'z' ? sev[i] - 32 : sev[i]);
        up[sl] = '\0';
      }
      int64_t count = 0;
      hr_int(f, "count", &count);
      const cJSON *rep = hr_get(f, "representative");
      hbuf_printf(&b, "  %-5s ", up);
      term_str(&b, f, "requirement", 200);
      hbuf_puts(&b, " [");
      term_str(&b, f, "check", 100);
      hbuf_printf(&b, "] %lld case%s", (long long)count, count == 1 ? "" : "s");
      int64_t xc = 0;
      if (hr_int(f, "explore_count", &xc))
        hbuf_printf(&b, " + %lld explore request%s", (long long)xc, xc == 1 ? "" : "s");
      hbuf_puts(&b, ", e.g. ");
      term_str(&b, rep, "case", 200);
      size_t src = 0;
      const char *s = hr_str(rep, "source", &src);
      if (s && src == 7 && !memcmp(s, "explore", 7)) {
        hbuf_puts(&b, " (shrunk");
        if (hr_get(rep, "body_file")) {
          hbuf_puts(&b, ", body ");
          term_str(&b, rep, "body_file", 300);
        }
        hbuf_puts(&b, ")");
        if (hr_get(rep, "evidence_case")) { /* a catalogue case for `replay --case` */
          hbuf_puts(&b, " and ");
          term_str(&b, rep, "evidence_case", 200);
        }
      }
      hbuf_puts(&b, "\n        ");
      term_str(&b, f, "message", 300);
      hbuf_puts(&b, "\n");
      size_t tl = 0, ml = 0;
      const char *tr = hr_str(f, "tolerated_reason", &tl), *fm = hr_str(f, "message", &ml);
      int in_message = 0;
      for (size_t i = 0; tr && fm && tl && i + tl <= ml && !in_message; i++)
        in_message = !memcmp(fm + i, tr, tl);
      if (tr && !in_message) {
        hbuf_puts(&b, "        left open by the documents: ");
        term_str(&b, f, "tolerated_reason", 300);
        hbuf_puts(&b, "\n");
      }
    }
  }
  char *text = hbuf_finish(&b, NULL);
  fputs(text ? text : "findings: (out of memory)\n", out);
  free(text);
  cJSON_Delete(computed);
}
