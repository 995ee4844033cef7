/* hwaivers: --waivers FILE and --fail-on.  See hwaivers.h. */
#include "run/hwaivers.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "client/hsanitize.h"
#include "rules/hstatus.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* Messages are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t cap, const char *fmt, ...) {
  if (err && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
  }
  return -1;
}

void hwaivers_free(hwaivers *w) {
  if (!w)
    return;
  for (size_t i = 0; i < w->n; i++) {
    free(w->v[i].key);
    free(w->v[i].reason);
  }
  free(w->v);
  free(w->path);
  memset(w, 0, sizeof *w);
}

void hwaivers_date(time_t t, char *buf) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 11, "%Y-%m-%d", &tm);
}

static int valid_date(const char *s, size_t n) {
  if (n != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || m < 1 || m > 12 || d < 1)
    return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= mdays[m - 1] + (m == 2 && leap);
}

/* A one-line printable form of a peer-free but user-given string. */
static void shown(char *dst, size_t cap, const char *s, size_t n) {
  hsanitize_into(dst, cap, s, n, NULL, 0);
}

static int has_control(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return 1;
  return 0;
}

static int finding_id(const char *s, size_t n) {
  if (n != 9 || s[0] != 'F')
    return 0;
  for (size_t i = 1; i < 9; i++)
    if (hutil_hexval((unsigned char)s[i]) < 0)
      return 0;
  return 1;
}

static const char *json_kind(const cJSON *n) {
  return cJSON_IsString(n)   ? "a string"
         : cJSON_IsNumber(n) ? "a number"
         : cJSON_IsBool(n)   ? "a boolean"
         : cJSON_IsNull(n)   ? "null"
         : cJSON_IsArray(n)  ? "an array"
                             : "an object";
}

/* One item; 0, or -1 with err. */
static int load_item(const char *path, const cJSON *it, size_t idx, hwaiver *w, char *err,
                     size_t cap) {
  snprintf(w->pointer, sizeof w->pointer, "/%zu", idx);
  if (!cJSON_IsObject(it))
    return fail(err, cap,
                "%s: %s: expected an object {\"requirement\" or \"finding\", "
                "\"reason\", \"expires\"}, got %s",
                path, w->pointer, json_kind(it));
  const cJSON *key = NULL, *reason = NULL, *expires = NULL;
  for (const cJSON *m = it->child; m; m = m->next) {
    size_t kl = 0;
    const char *k = hjson_key(m, &kl);
    char ptr[HJSON_POINTER_MAX];
    size_t pl = 0;
    ptr[0] = '\0';
    hjson_pointer_push_index(ptr, sizeof ptr, &pl, idx);
    hjson_pointer_push(ptr, sizeof ptr, &pl, k ? k : "", k ? kl : 0);
    const char *name = k && strlen(k) == kl ? k : "";
    if (!strcmp(name, "requirement") || !strcmp(name, "finding")) {
      if (key)
        return fail(err, cap, "%s: %s: a waiver names one requirement or one finding, not both",
                    path, ptr);
      key = m;
      w->by_finding = !strcmp(name, "finding");
    } else if (!strcmp(name, "reason")) {
      reason = m;
    } else if (!strcmp(name, "expires")) {
      expires = m;
    } else {
      char sh[80];
      shown(sh, sizeof sh, k ? k : "", k ? kl : 0);
      return fail(err, cap,
                  "%s: %s: unknown member \"%s\" (a waiver has \"requirement\" or \"finding\", "
                  "\"reason\" and \"expires\")",
                  path, ptr, sh);
    }
    size_t sl = 0;
    const char *s = hjson_string(m, &sl);
    if (!s)
      return fail(err, cap, "%s: %s: expected a string, got %s", path, ptr, json_kind(m));
    if (!sl || strlen(s) != sl || has_control(s, sl))
      return fail(err, cap, "%s: %s: %s", path, ptr,
                  !sl ? "empty" : "holds a control character or a NUL (one line, please)");
  }
  if (!key)
    return fail(err, cap, "%s: %s: missing \"requirement\" (or \"finding\"): what is waived", path,
                w->pointer);
  if (!reason)
    return fail(err, cap, "%s: %s: missing \"reason\": a waiver says why", path, w->pointer);
  if (!expires)
    return fail(err, cap, "%s: %s: missing \"expires\" (YYYY-MM-DD): a waiver ends", path,
                w->pointer);
  size_t kl = 0, rl = 0, el = 0;
  const char *ks = hjson_string(key, &kl), *rs = hjson_string(reason, &rl),
             *es = hjson_string(expires, &el);
  if (w->by_finding && !finding_id(ks, kl)) {
    char sh[80];
    shown(sh, sizeof sh, ks, kl);
    return fail(err, cap,
                "%s: %s/finding: \"%s\" is not a finding id (\"F\" and 8 hex digits, as "
                "compliance.json's findings[].id)",
                path, w->pointer, sh);
  }
  if (!valid_date(es, el)) {
    char sh[80];
    shown(sh, sizeof sh, es, el);
    return fail(err, cap, "%s: %s/expires: expected a date YYYY-MM-DD, got \"%s\"", path,
                w->pointer, sh);
  }
  memcpy(w->expires, es, 10);
  w->expires[10] = '\0';
  w->key = strdup(ks);
  w->reason = strdup(rs);
  if (!w->key || !w->reason)
    return fail(err, cap, "%s: out of memory", path);
  return 0;
}

int hwaivers_load(const char *path, hwaivers *out, char *err, size_t cap) {
  memset(out, 0, sizeof *out);
  char serr[512];
  size_t len = 0;
  int too_big = 0;
  char *data =
      hutil_slurp(path, HWAIVERS_MAX_BYTES, HUTIL_SLURP_REGULAR, &len, &too_big, serr, sizeof serr);
  if (!data)
    return fail(err, cap, "%s", serr);
  hjson_doc *doc = hjson_doc_new();
  out->path = strdup(path);
  if (!doc || !out->path) {
    free(data);
    hjson_doc_free(doc);
    return fail(err, cap, "%s: out of memory", path);
  }
  hjson_options jo = {8, 1, 0, HWAIVERS_MAX_BYTES, 0};
  hjson_error je;
  memset(&je, 0, sizeof je);
  const cJSON *root = hjson_parse(doc, data, len, &jo, &je);
  int rc = 0;
  if (!root) {
    je.pointer[HJSON_POINTER_MAX - 1] = '\0';
    rc = fail(err, cap, "%s: %s: not strict JSON (%s) at byte %zu: %s", path,
              je.pointer[0] ? je.pointer : "(root)", hjson_code_name(je.code), je.offset,
              je.msg ? je.msg : "invalid JSON");
  } else if (!cJSON_IsArray(root)) {
    rc = fail(err, cap, "%s: (root): expected an array of waivers, got %s", path, json_kind(root));
  } else {
    size_t n = (size_t)cJSON_GetArraySize(root);
    if (n > HWAIVERS_MAX)
      rc = fail(err, cap, "%s: (root): %zu waivers, over the limit of %d", path, n, HWAIVERS_MAX);
    else if (n && !(out->v = calloc(n, sizeof *out->v)))
      rc = fail(err, cap, "%s: out of memory", path);
    size_t i = 0;
    for (const cJSON *it = root->child; it && rc == 0; it = it->next, i++) {
      rc = load_item(path, it, i, &out->v[i], err, cap);
      out->n = i + 1;
      for (size_t k = 0; rc == 0 && k < i; k++)
        if (out->v[k].by_finding == out->v[i].by_finding && !strcmp(out->v[k].key, out->v[i].key)) {
          char sh[120];
          shown(sh, sizeof sh, out->v[i].key, strlen(out->v[i].key));
          rc = fail(err, cap, "%s: %s: %s \"%s\" is waived twice (also at %s)", path,
                    out->v[i].pointer, out->v[i].by_finding ? "finding" : "requirement", sh,
                    out->v[k].pointer);
        }
    }
  }
  hjson_doc_free(doc);
  free(data);
  return rc;
}

/* ---- applying ---- */

static const char *sget(const cJSON *o, const char *k) {
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static void set_str(cJSON *o, const char *k, const char *v) {
  if (cJSON_GetObjectItemCaseSensitive(o, k))
    cJSON_ReplaceItemInObjectCaseSensitive(o, k, cJSON_CreateString(v));
  else
    cJSON_AddStringToObject(o, k, v);
}

static void add_waiver_ref(cJSON *o, const hwaiver *w) {
  cJSON_DeleteItemFromObjectCaseSensitive(o, "waiver");
  cJSON *x = cJSON_AddObjectToObject(o, "waiver");
  if (x) {
    cJSON_AddStringToObject(x, "reason", w->reason);
    cJSON_AddStringToObject(x, "expires", w->expires);
    cJSON_AddStringToObject(x, w->by_finding ? "finding" : "requirement", w->key);
  }
}

static void waive_requirement(cJSON *req, const hwaiver *w) {
  const char *st = sget(req, "status");
  cJSON_DeleteItemFromObjectCaseSensitive(req, "waived_status");
  cJSON_AddStringToObject(req, "waived_status", st ? st : hstatus_name(HSTATUS_FAIL));
  set_str(req, "status", hstatus_name(HSTATUS_WAIVED));
  add_waiver_ref(req, w);
}

/* a finding's severity for ordering: failing (fail, error) 2, warn 1, else 0 */
static int sev_rank(const char *s) {
  hstatus st = hstatus_parse(s);
  return st == HSTATUS_FAIL || st == HSTATUS_ERROR ? 2 : st == HSTATUS_WARN ? 1 : 0;
}
static int status_is(const char *word, hstatus st) { return hstatus_parse(word) == st; }

int hwaivers_apply(const hwaivers *w, cJSON *report, const char *today, int fail_on_warn) {
  cJSON *reqs = cJSON_GetObjectItemCaseSensitive(report, "requirements");
  cJSON *findings = cJSON_GetObjectItemCaseSensitive(report, "findings");
  cJSON_DeleteItemFromObjectCaseSensitive(report, "fail_on");
  if (!cJSON_AddStringToObject(report, "fail_on", fail_on_warn ? "warn" : "fail"))
    return -1;
  size_t n_bad = 0; /* expired or stale waivers */
  if (w) {
    cJSON_DeleteItemFromObjectCaseSensitive(report, "waivers");
    cJSON *sec = cJSON_AddObjectToObject(report, "waivers");
    cJSON *items = sec ? cJSON_CreateArray() : NULL;
    cJSON **slot = items && w->n ? calloc(w->n, sizeof *slot) : NULL;
    if (!items || (w->n && !slot)) {
      cJSON_Delete(items);
      return -1;
    }
    cJSON_AddStringToObject(sec, "file", w->path);
    cJSON_AddStringToObject(sec, "today", today);
    size_t active = 0, expired = 0, stale = 0;
    /* finding waivers first: they mark findings, then requirements follow */
    for (int pass = 0; pass < 2; pass++) {
      for (size_t i = 0; i < w->n; i++) {
        const hwaiver *v = &w->v[i];
        if (v->by_finding != (pass == 0))
          continue;
        cJSON *o = cJSON_CreateObject();
        if (!o) {
          for (size_t k = 0; k < w->n; k++)
            cJSON_Delete(slot[k]);
          free(slot);
          cJSON_Delete(items);
          return -1;
        }
        cJSON_AddStringToObject(o, v->by_finding ? "finding" : "requirement", v->key);
        cJSON_AddStringToObject(o, "reason", v->reason);
        cJSON_AddStringToObject(o, "expires", v->expires);
        cJSON_AddStringToObject(o, "pointer", v->pointer);
        cJSON *matched = cJSON_CreateArray();
        const char *state;
        if (strcmp(today, v->expires) > 0) {
          state = "expired";
          expired++;
        } else if (v->by_finding) {
          for (cJSON *f = findings ? findings->child : NULL; f; f = f->next) {
            const char *fid = sget(f, "id");
            if (!fid || strcmp(fid, v->key) || !sev_rank(sget(f, "severity")))
              continue;
            cJSON_DeleteItemFromObjectCaseSensitive(f, "waived");
            cJSON_AddTrueToObject(f, "waived");
            add_waiver_ref(f, v);
            cJSON_AddItemToArray(matched, cJSON_CreateString(fid));
          }
          state = cJSON_GetArraySize(matched) ? "active" : "stale";
        } else {
          for (cJSON *q = reqs ? reqs->child : NULL; q; q = q->next) {
            const char *id = sget(q, "id"), *st = sget(q, "status");
            if (!id || strcmp(id, v->key) ||
                (!status_is(st, HSTATUS_FAIL) && !status_is(st, HSTATUS_WARN)))
              continue;
            waive_requirement(q, v);
            cJSON_AddItemToArray(matched, cJSON_CreateString(id));
          }
          state = cJSON_GetArraySize(matched) ? "active" : "stale";
        }
        if (!strcmp(state, "active"))
          active++;
        else if (!strcmp(state, "stale"))
          stale++;
        cJSON_AddStringToObject(o, "state", state);
        if (!strcmp(state, "stale")) {
          int known = 0;
          if (v->by_finding) {
            for (const cJSON *f = findings ? findings->child : NULL; f; f = f->next)
              known |= sget(f, "id") && !strcmp(sget(f, "id"), v->key);
          } else {
            for (const cJSON *q = reqs ? reqs->child : NULL; q; q = q->next)
              known |= sget(q, "id") && !strcmp(sget(q, "id"), v->key);
          }
          cJSON_AddStringToObject(o, "note",
                                  known ? "it neither failed nor warned in this run: remove the "
                                          "waiver"
                                  : v->by_finding ? "no finding has this id in this run"
                                                  : "no requirement has this id");
        }
        cJSON_AddItemToObject(o, "matched", matched);
        slot[i] = o;
      }
      /* after the finding waivers: a requirement whose findings are all waived */
      if (pass == 0) {
        for (cJSON *q = reqs ? reqs->child : NULL; q; q = q->next) {
          const char *id = sget(q, "id");
          int rank = sev_rank(sget(q, "status"));
          if (!id || !rank)
            continue;
          size_t hits = 0, waived = 0;
          const cJSON *last = NULL;
          for (const cJSON *f = findings ? findings->child : NULL; f; f = f->next) {
            const char *fr = sget(f, "requirement");
            if (!fr || strcmp(fr, id) || sev_rank(sget(f, "severity")) < rank)
              continue;
            hits++;
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "waived"))) {
              waived++;
              last = f;
            }
          }
          if (hits && waived == hits) {
            const cJSON *wr = cJSON_GetObjectItemCaseSensitive(last, "waiver");
            for (size_t i = 0; i < w->n; i++)
              if (w->v[i].by_finding &&
                  !strcmp(w->v[i].key, sget(wr, "finding") ? sget(wr, "finding") : ""))
                waive_requirement(q, &w->v[i]);
          }
        }
      }
    }
    for (size_t i = 0; i < w->n; i++) /* in the file's order */
      if (slot[i])
        cJSON_AddItemToArray(items, slot[i]);
    free(slot);
    cJSON_AddNumberToObject(sec, "active", (double)active);
    cJSON_AddNumberToObject(sec, "expired", (double)expired);
    cJSON_AddNumberToObject(sec, "stale", (double)stale);
    cJSON_AddItemToObject(sec, "items", items);
    n_bad = expired + stale;
  }
  int failing = n_bad > 0;
  size_t n_warn = 0;
  for (const cJSON *q = reqs ? reqs->child : NULL; q; q = q->next) {
    const char *st = sget(q, "status");
    failing |= status_is(st, HSTATUS_FAIL);
    n_warn += status_is(st, HSTATUS_WARN);
  }
  if (fail_on_warn && n_warn)
    failing = 1;
  const char *verdict = sget(report, "verdict");
  if (!verdict || strcmp(verdict, "incomplete"))
    set_str(report, "verdict", failing ? "non-compliant" : "compliant");
  return failing;
}

void hwaivers_print(FILE *out, const cJSON *report) {
  const char *fo = sget(report, "fail_on");
  const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(report, "requirements");
  if (fo && !strcmp(fo, "warn")) {
    size_t n_warn = 0;
    for (const cJSON *q = reqs ? reqs->child : NULL; q; q = q->next)
      n_warn += status_is(sget(q, "status"), HSTATUS_WARN);
    fprintf(out, "\nfail-on: warn - %zu requirement(s) warn%s\n", n_warn,
            n_warn ? ": the verdict fails" : "");
    for (const cJSON *q = reqs ? reqs->child : NULL; q; q = q->next)
      if (status_is(sget(q, "status"), HSTATUS_WARN) && sget(q, "id"))
        fprintf(out, "  warn  %s\n", sget(q, "id"));
  }
  const cJSON *sec = cJSON_GetObjectItemCaseSensitive(report, "waivers");
  if (!sec)
    return;
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(sec, "items");
  fprintf(out, "\nwaivers: %.0f active, %.0f expired, %.0f stale (%s)\n",
          cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sec, "active")),
          cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sec, "expired")),
          cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sec, "stale")),
          sget(sec, "file") ? sget(sec, "file") : "");
  for (const cJSON *it = items ? items->child : NULL; it; it = it->next) {
    const char *st = sget(it, "state");
    const char *kind = sget(it, "requirement") ? "requirement" : "finding";
    const char *key = sget(it, kind);
    char reason[200], k[200];
    shown(reason, sizeof reason, sget(it, "reason"), strlen(sget(it, "reason")));
    shown(k, sizeof k, key ? key : "", key ? strlen(key) : 0);
    if (st && !strcmp(st, "expired"))
      fprintf(out, "  EXPIRED %s %s (%s): expired %s, waives nothing - fails the verdict\n", kind,
              k, sget(it, "pointer"), sget(it, "expires"));
    else if (st && !strcmp(st, "stale"))
      fprintf(out, "  STALE   %s %s (%s): %s - fails the verdict\n", kind, k, sget(it, "pointer"),
              sget(it, "note") ? sget(it, "note") : "matches nothing");
    else
      fprintf(out, "  waived  %s %s until %s: %s\n", kind, k, sget(it, "expires"), reason);
  }
}
