/* hjudge_echo: does a 201 echo what was asked?  See "Echo of a 201" in
 * hjudge.h for the rules; this file applies them member by member. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/hjudge_impl.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* Every message is cut to its fixed buffer on purpose (one line in a report). */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define ECHO_MAX_DEPTH 8  /* nested request objects followed */
#define ECHO_MAX_KEYS 16  /* member names of one array's items checked */
#define QUOTE_BYTES 40    /* bytes of a value quoted in a message */
#define PATH_MAX_ECHO 160 /* "modules[].id" */

/* ---- messages ---- */

__attribute__((format(printf, 4, 5))) static void echo_check(hjudge_verdict *v, const char *path,
                                                             hstatus st, const char *fmt, ...) {
  char name[HJUDGE_NAME_MAX], req[HREQ_ID_MAX], msg[HJUDGE_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(name, sizeof name, "echo:%s", path);
  snprintf(req, sizeof req, HREQ_ECHO_PREFIX "%s", path);
  hjudge_add(v, name, st, req, "%s", msg);
}

static const char *kind(const cJSON *x) {
  if (!x)
    return "nothing";
  if (cJSON_IsString(x))
    return "a string";
  if (cJSON_IsNumber(x))
    return "a number";
  if (cJSON_IsBool(x))
    return "a boolean";
  if (cJSON_IsNull(x))
    return "null";
  if (cJSON_IsArray(x))
    return "an array";
  return "an object";
}

/* A short rendering of a value for a message. */
static void render(char *out, size_t cap, const cJSON *x) {
  size_t len;
  const char *s = hjson_string(x, &len);
  if (s) {
    hutil_quote(out, cap, s, len, QUOTE_BYTES);
  } else if (cJSON_IsNumber(x)) {
    const char *t = hjson_number_text(x);
    if (t)
      snprintf(out, cap, "%.40s%s", t, strlen(t) > 40 ? "..." : "");
    else
      snprintf(out, cap, "%.17g", x->valuedouble);
  } else if (cJSON_IsTrue(x)) {
    snprintf(out, cap, "true");
  } else if (cJSON_IsFalse(x)) {
    snprintf(out, cap, "false");
  } else {
    snprintf(out, cap, "%s", kind(x));
  }
}

/* 1 when the member at path holds a secret (the token value): its value is
 * never shown. */
static int secret_path(const char *path) {
  const char *dot = strrchr(path, '.');
  return !strcmp(dot ? dot + 1 : path, "token");
}

static int has_bytes(const char *s, size_t len, const char *needle, size_t nl) {
  for (size_t i = 0; i + nl <= len; i++)
    if (!memcmp(s + i, needle, nl))
      return 1;
  return 0;
}

/* A string echoed with other bytes: says where and how, with both excerpts. */
static void string_differs(hjudge_verdict *v, const char *path, const char *a, size_t la,
                           const char *b, size_t lb) {
  if (secret_path(path)) {
    echo_check(v, path, HSTATUS_FAIL, "%s", "differs from the request's value (not shown: secret)");
    return;
  }
  size_t i = 0;
  while (i < la && i < lb && a[i] == b[i])
    i++;
  static const char fffd[] = "\xEF\xBF\xBD";
  const char *repl = has_bytes(b, lb, fffd, 3) && !has_bytes(a, la, fffd, 3)
                         ? "; the 201 body has U+FFFD, the replacement character"
                         : "";
  if (i == lb && lb < la) {
    echo_check(v, path, HSTATUS_FAIL,
               "truncated: the 201 body has the first %zu of the %zu bytes sent%s", lb, la, repl);
    return;
  }
  /* an excerpt from a character boundary a little before the difference (the
   * two agree up to i, so a boundary in one is a boundary in the other) */
  size_t w = hutil_utf8_cut(a, la, i > 12 ? i - 12 : 0);
  char qa[112], qb[112];
  hutil_quote(qa, sizeof qa, a + w, la - w, QUOTE_BYTES);
  hutil_quote(qb, sizeof qb, b + w, lb - w, QUOTE_BYTES);
  echo_check(v, path, HSTATUS_FAIL,
             "differs from byte %zu: sent %s%s (%zu bytes), the 201 body has %s%s (%zu bytes)%s", i,
             w ? "..." : "", qa, la, w ? "..." : "", qb, lb, repl);
}

/* ---- arrays: the exact multiset ---- */

/* 1 when a prose request rule is about `field` ("prose.modules-required" for
 * "modules"): the page names that field, so its echo is a requirement.  An
 * array the page does not mention (extensions) may legitimately be resolved,
 * filtered or dropped by the server: its echo is only a warning. */
static int prose_names(const hrules *rules, const char *field) {
  size_t fl = strlen(field);
  if (!fl)
    return 0;
  for (size_t k = 0; k < hrules_count(rules); k++) {
    const hrules_rule *r = hrules_at(rules, k);
    if (r->scope != HRULES_SCOPE_REQUEST)
      continue;
    for (const char *q = strstr(r->id, field); q; q = strstr(q + 1, field))
      if (q > r->id && (q[-1] == '.' || q[-1] == '-') && (q[fl] == '-' || q[fl] == '\0'))
        return 1;
  }
  return 0;
}

typedef struct {
  uint64_t hash;
  const cJSON *x;
  size_t index; /* position in its array */
  int used;
} ent;

static int ent_cmp(const void *p, const void *q) {
  const ent *a = p, *b = q;
  if (a->hash != b->hash)
    return a->hash < b->hash ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* The value an item contributes: its member k (k NULL: the item itself); NULL
 * when the item does not carry it (absent or null). */
static const cJSON *item_value(const cJSON *item, const char *k, size_t kl) {
  const cJSON *x = k ? (cJSON_IsObject(item) ? hjson_get(item, k, kl) : NULL) : item;
  return x && !cJSON_IsNull(x) ? x : NULL;
}

/* Collects the values of key k of array a into e (capacity: the array's size);
 * returns how many; *n_items gets the item count. */
static size_t collect(const cJSON *a, const char *k, size_t kl, ent *e, size_t *n_items) {
  size_t n = 0, idx = 0;
  for (const cJSON *item = a->child; item; item = item->next, idx++) {
    const cJSON *x = item_value(item, k, kl);
    if (x)
      e[n++] = (ent){hjson_hash(x), x, idx, 0};
  }
  *n_items = idx;
  return n;
}

/* Pairs equal values of the two sorted lists (marks them used). */
static void match(ent *r, size_t nr, ent *s, size_t ns) {
  size_t i = 0, j = 0;
  while (i < nr && j < ns) {
    if (r[i].hash < s[j].hash) {
      i++;
    } else if (r[i].hash > s[j].hash) {
      j++;
    } else {
      size_t i1 = i, j1 = j;
      while (i1 < nr && r[i1].hash == r[i].hash)
        i1++;
      while (j1 < ns && s[j1].hash == s[j].hash)
        j1++;
      for (size_t x = i; x < i1; x++)
        for (size_t y = j; y < j1 && !r[x].used; y++)
          if (!s[y].used && hjson_equal(r[x].x, s[y].x))
            r[x].used = s[y].used = 1;
      i = i1;
      j = j1;
    }
  }
}

/* The unused entry that came first in its array, or NULL. */
static const ent *first_unused(const ent *e, size_t n) {
  const ent *best = NULL;
  for (size_t i = 0; i < n; i++)
    if (!e[i].used && (!best || e[i].index < best->index))
      best = &e[i];
  return best;
}

static size_t count_equal(const ent *e, size_t n, const cJSON *x) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += (size_t)hjson_equal(e[i].x, x);
  return c;
}

static const char *times(size_t n) { return n == 1 ? "time" : "times"; }

/* One member name (k; NULL for an array of scalars) of a requested array a
 * against the 201's b.  `name` is the check's path ("modules[].id"). */
static void echo_array_key(hjudge_verdict *v, const char *name, const char *field, hstatus miss,
                           const cJSON *a, const cJSON *b, const char *k, size_t kl) {
  if (!cJSON_IsArray(b)) {
    echo_check(v, name, miss, "%s not echoed in the 201 body (it has %s there)", field, kind(b));
    return;
  }
  size_t na = (size_t)cJSON_GetArraySize(a), nb = (size_t)cJSON_GetArraySize(b);
  ent *r = malloc((na ? na : 1) * sizeof *r), *s = malloc((nb ? nb : 1) * sizeof *s);
  if (!r || !s) {
    free(r);
    free(s);
    echo_check(v, name, HSTATUS_SKIP, "%s", "not checked: out of memory");
    return;
  }
  size_t items_a, items_b;
  size_t nr = collect(a, k, kl, r, &items_a), ns = collect(b, k, kl, s, &items_b);
  size_t unspecified = items_a - nr; /* requested items without the member */
  qsort(r, nr, sizeof *r, ent_cmp);
  qsort(s, ns, sizeof *s, ent_cmp);
  match(r, nr, s, ns);
  const ent *missing = first_unused(r, nr);
  char shown[112];
  if (missing) {
    size_t cr = count_equal(r, nr, missing->x), cs = count_equal(s, ns, missing->x);
    render(shown, sizeof shown, missing->x);
    if (cs == 0)
      echo_check(v, name, miss, "requested %s missing from the 201 body%s", shown,
                 miss == HSTATUS_WARN ? " (the page does not require this array's echo)" : "");
    else
      echo_check(v, name, miss, "%s requested %zu %s, the 201 body has it %zu %s", shown, cr,
                 times(cr), cs, times(cs));
  } else if (miss == HSTATUS_FAIL && items_b != items_a) {
    const ent *extra = first_unused(s, ns);
    if (extra) {
      size_t cr = count_equal(r, nr, extra->x), cs = count_equal(s, ns, extra->x);
      render(shown, sizeof shown, extra->x);
      if (cr == 0)
        echo_check(v, name, HSTATUS_FAIL, "%s in the 201 body was never requested", shown);
      else
        echo_check(v, name, HSTATUS_FAIL, "%s requested %zu %s, the 201 body has it %zu %s", shown,
                   cr, times(cr), cs, times(cs));
    } else if (unspecified) {
      echo_check(v, name, HSTATUS_FAIL,
                 "the request has %zu items (%zu without \"%s\"), the 201 body %zu", items_a,
                 unspecified, k ? k : "", items_b);
    } else {
      echo_check(v, name, HSTATUS_FAIL, "the request has %zu items, the 201 body %zu", items_a,
                 items_b);
    }
  } else {
    echo_check(v, name, HSTATUS_PASS, "%s", "");
  }
  free(r);
  free(s);
}

static int echo_documented(const hrules *rules, const char *path);

static void echo_array(const hrules *rules, hjudge_verdict *v, const char *path, int depth,
                       const cJSON *a, const cJSON *b) {
  if (!a->child)
    return; /* [] requested: nothing to echo */
  hstatus miss = depth == 0 && prose_names(rules, path) ? HSTATUS_FAIL : HSTATUS_WARN;
  char name[PATH_MAX_ECHO];
  if (!cJSON_IsObject(a->child)) { /* an array of scalars: the items themselves */
    snprintf(name, sizeof name, "%s[]", path);
    echo_array_key(v, name, path, miss, a, b, NULL, 0);
    return;
  }
  /* every member name any requested item carries, in order of appearance */
  const cJSON *keys[ECHO_MAX_KEYS];
  size_t nk = 0;
  for (const cJSON *item = a->child; item; item = item->next) {
    for (const cJSON *m = cJSON_IsObject(item) ? item->child : NULL; m; m = m->next) {
      size_t ml, kl;
      const char *mk = hjson_key(m, &ml);
      size_t i = 0;
      for (; i < nk; i++) {
        const char *kk = hjson_key(keys[i], &kl);
        if (kl == ml && !memcmp(kk, mk, ml))
          break;
      }
      if (i == nk && nk < ECHO_MAX_KEYS)
        keys[nk++] = m;
    }
  }
  if (nk == 0) {
    /* only items without members (modules:[{}]): each stands for one item the
     * server fills in; the count is what can be checked */
    if (miss != HSTATUS_FAIL)
      return;
    size_t na = (size_t)cJSON_GetArraySize(a);
    if (!cJSON_IsArray(b))
      echo_check(v, path, HSTATUS_FAIL, "%s not echoed in the 201 body (it has %s there)", path,
                 kind(b));
    else if ((size_t)cJSON_GetArraySize(b) != na)
      echo_check(v, path, HSTATUS_FAIL, "the request has %zu items, the 201 body %d", na,
                 cJSON_GetArraySize(b));
    else
      echo_check(v, path, HSTATUS_PASS, "%s", "");
    return;
  }
  for (size_t i = 0; i < nk; i++) {
    size_t kl;
    const char *k = hjson_key(keys[i], &kl);
    snprintf(name, sizeof name, "%s[].%s", path, keys[i]->string);
    if (!echo_documented(rules, name))
      continue;
    echo_array_key(v, name, path, miss, a, b, k, kl);
  }
}

/* ---- what the 201 documents ---- */

/* The schema of property name (n bytes) of the object schema node, through
 * $ref and allOf; *listed = 1 when some part of node lists properties. */
static const cJSON *schema_prop(const hspec *spec, const cJSON *node, const char *name, size_t n,
                                int *listed, int depth) {
  if (!cJSON_IsObject(node) || depth > 16)
    return NULL;
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
  if (cJSON_IsString(ref))
    return schema_prop(spec, hspec_resolve(spec, ref->valuestring, NULL), name, n, listed,
                       depth + 1);
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
  if (cJSON_IsObject(props)) {
    *listed = 1;
    for (const cJSON *p = props->child; p; p = p->next)
      if (strlen(p->string) == n && !memcmp(p->string, name, n))
        return p;
  }
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(node, "allOf");
  for (const cJSON *a = cJSON_IsArray(all) ? all->child : NULL; a; a = a->next) {
    const cJSON *f = schema_prop(spec, a, name, n, listed, depth + 1);
    if (f)
      return f;
  }
  return NULL;
}

static const cJSON *schema_items(const hspec *spec, const cJSON *node, int depth) {
  if (!cJSON_IsObject(node) || depth > 16)
    return NULL;
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
  if (cJSON_IsString(ref))
    return schema_items(spec, hspec_resolve(spec, ref->valuestring, NULL), depth + 1);
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(node, "items");
  if (it)
    return it;
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(node, "allOf");
  for (const cJSON *a = cJSON_IsArray(all) ? all->child : NULL; a; a = a->next) {
    const cJSON *f = schema_items(spec, a, depth + 1);
    if (f)
      return f;
  }
  return NULL;
}

/* 0 when the 201 schema lists the properties of an object on the way to path
 * ("modules[].note") and that member is not among them: a request field the
 * response does not document is not required back (a spec whose request has
 * members its ApiToken lacks).  1 when documented or when nothing says. */
static int echo_documented(const hrules *rules, const char *path) {
  const hspec_operation *op = rules ? hrules_operation(rules) : NULL;
  const hspec_response *r = op ? hspec_response_for(op, 201) : NULL;
  const cJSON *node = r && r->n_media ? r->media[0].schema : NULL;
  const hspec *spec = hrules_spec(rules);
  if (!node || !spec)
    return 1;
  const char *p = path;
  while (*p && node) {
    size_t n = strcspn(p, ".[");
    int listed = 0;
    const cJSON *next = schema_prop(spec, node, p, n, &listed, 0);
    if (!next)
      return !listed;
    node = next;
    p += n;
    while (*p == '[') { /* "[]": the items */
      p += strspn(p, "[]");
      node = schema_items(spec, node, 0);
      if (!node)
        return 1;
    }
    if (*p == '.')
      p++;
  }
  return 1;
}

/* ---- objects and scalars ---- */

static void echo_value(const hrules *rules, hjudge_verdict *v, const char *path, int depth,
                       const cJSON *m, const cJSON *r);

static void echo_object(const hrules *rules, hjudge_verdict *v, const char *prefix, int depth,
                        const cJSON *req, const cJSON *resp) {
  for (const cJSON *m = req->child; m; m = m->next) {
    size_t kl;
    const char *k = hjson_key(m, &kl);
    if (!k)
      continue;
    const cJSON *r = cJSON_IsObject(resp) ? hjson_get(resp, k, kl) : NULL;
    char path[PATH_MAX_ECHO];
    snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", m->string);
    if (!echo_documented(rules, path))
      continue;
    echo_value(rules, v, path, depth, m, r);
  }
}

static void echo_value(const hrules *rules, hjudge_verdict *v, const char *path, int depth,
                       const cJSON *m, const cJSON *r) {
  char sent[112], got[112];
  if (cJSON_IsNull(m)) {
    /* null, absent or an empty array all say "none"; a value (a default
     * icon ...) is the server's choice the documents do not forbid */
    if (!r || cJSON_IsNull(r) || (cJSON_IsArray(r) && !r->child))
      echo_check(v, path, HSTATUS_PASS, "%s", "");
    else
      echo_check(v, path, HSTATUS_WARN, "the request's null came back as %s", kind(r));
    return;
  }
  if (cJSON_IsObject(m)) {
    if (depth >= ECHO_MAX_DEPTH)
      return;
    if (!r && !m->child)
      return;
    if (r && !cJSON_IsObject(r)) {
      echo_check(v, path, HSTATUS_FAIL, "sent an object, the 201 body has %s", kind(r));
      return;
    }
    echo_object(rules, v, path, depth + 1, m, r);
    return;
  }
  if (cJSON_IsArray(m)) {
    echo_array(rules, v, path, depth, m, r);
    return;
  }
  /* a scalar: exactly the same value */
  int secret = secret_path(path);
  if (!r) {
    render(sent, sizeof sent, m);
    echo_check(v, path, HSTATUS_FAIL, "not echoed in the 201 body (sent %s)",
               secret ? "a value" : sent);
    return;
  }
  size_t la, lb;
  const char *sa = hjson_string(m, &la), *sb = hjson_string(r, &lb);
  if (sa && sb) {
    if (la == lb && !memcmp(sa, sb, la))
      echo_check(v, path, HSTATUS_PASS, "%s", "");
    else
      string_differs(v, path, sa, la, sb, lb);
    return;
  }
  if ((m->type & 0xFF) == (r->type & 0xFF) && hjson_equal(m, r)) {
    echo_check(v, path, HSTATUS_PASS, "%s", "");
    return;
  }
  if (secret) {
    echo_check(v, path, HSTATUS_FAIL, "sent %s, the 201 body has %s", kind(m), kind(r));
    return;
  }
  render(sent, sizeof sent, m);
  render(got, sizeof got, r);
  echo_check(v, path, HSTATUS_FAIL, "sent %s, the 201 body has %s", sent, got);
}

void hjudge_check_echo(const hrules *rules, hjudge_verdict *v, const cJSON *req,
                       const cJSON *resp) {
  if (!cJSON_IsObject(req) || !cJSON_IsObject(resp))
    return;
  echo_object(rules, v, "", 0, req, resp);
}
