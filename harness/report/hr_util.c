/* Internals of harness/report: text sanitizers, tolerant accessors and the
 * report index (see hreport_int.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hreport.h"
#include "report/hreport_int.h"
#include "util/hutil.h"
#include "json/hjson.h"

/* ---- text ------------------------------------------------------------------ */

/* Code points that must not reach a page or a terminal as such: C1 controls,
 * bidi embeddings/overrides/isolates (Trojan Source), line/paragraph separators. */
static int hostile_cp(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x2028 ||
         cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

int hr_utf8_valid(const char *s, size_t n) { return hutil_utf8_valid(s, n); }

char *hr_utf8_fix(const char *s, size_t n, size_t *out_len) {
  hbuf b = {.limit = HREPORT_MAX_OUTPUT};
  const unsigned char *u = (const unsigned char *)s;
  size_t run = 0, i = 0;
  while (i < n) {
    uint32_t cp;
    size_t l = hutil_utf8_decode(u + i, n - i, &cp, NULL);
    if (l > 0 && u[i] != 0) {
      i += l;
      continue;
    }
    hbuf_add(&b, s + run, i - run);
    hbuf_printf(&b, "\\x%02X", u[i]);
    run = ++i;
  }
  hbuf_add(&b, s + run, n - run);
  return hbuf_finish(&b, out_len);
}

static int md_special(unsigned char c) { return c && strchr("\\`*_[]<>#!~&|()", c) != NULL; }

void hr_text(hbuf *b, const char *s, size_t n, hr_text_mode mode, size_t max) {
  if (!s)
    return;
  size_t limit = n;
  if (max && n > max)
    limit = hutil_utf8_cut(s, n, max); /* do not cut a UTF-8 sequence in two */
  const unsigned char *u = (const unsigned char *)s;
  int xml = mode == HR_TEXT_XML || mode == HR_TEXT_XML_ATTR;
  int keep_lines = mode == HR_TEXT_HTML || mode == HR_TEXT_CODE || mode == HR_TEXT_XML;
  size_t run = 0; /* start of the pending run of plain bytes */
  size_t i = 0;
  char esc[16];
  while (i < limit) {
    unsigned char c = u[i];
    const char *rep = NULL;
    size_t adv = 1;
    if (c < 0x20 || c == 0x7F) {
      if (c == '\n') {
        rep = mode == HR_TEXT_XML_ATTR ? "&#10;" : keep_lines ? NULL : " ";
      } else if (c == '\t') {
        rep = mode == HR_TEXT_XML_ATTR ? "&#9;" : keep_lines ? NULL : " ";
      } else if (c == '\r' && i + 1 < limit && u[i + 1] == '\n' && keep_lines) {
        rep = ""; /* CRLF shown as a line break */
      } else {
        snprintf(esc, sizeof esc, "\\x%02X", c);
        rep = esc;
      }
    } else if (c >= 0x80) {
      uint32_t cp = 0;
      size_t l = hutil_utf8_decode(u + i, limit - i, &cp, NULL);
      if (l == 0) {
        snprintf(esc, sizeof esc, "\\x%02X", c);
        rep = esc;
      } else if (hostile_cp(cp)) {
        snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
        rep = esc;
        adv = l;
      } else {
        i += l;
        continue;
      }
    } else if (mode == HR_TEXT_HTML || xml) {
      switch (c) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default: break;
      }
    } else if (mode == HR_TEXT_MD || mode == HR_TEXT_MD_CELL) {
      if (md_special(c)) {
        esc[0] = '\\', esc[1] = (char)c, esc[2] = '\0';
        rep = esc;
      }
    } else if (mode == HR_TEXT_CODE_CELL && c == '|') {
      rep = "\\|";
    }
    if (rep) {
      hbuf_add(b, s + run, i - run);
      hbuf_puts(b, rep);
      i += adv;
      run = i;
    } else {
      i++;
    }
  }
  hbuf_add(b, s + run, i - run);
  if (limit < n) {
    char more[64];
    snprintf(more, sizeof more, " ... (%zu bytes more)", n - limit);
    hbuf_puts(b, more);
  }
}

/* ---- accessors --------------------------------------------------------------- */

const cJSON *hr_get(const cJSON *obj, const char *name) {
  if (!cJSON_IsObject(obj))
    return NULL;
  size_t nlen = strlen(name);
  for (const cJSON *c = obj->child; c; c = c->next) {
    if (!c->string)
      continue;
    size_t klen = 0;
    const char *k = (c->type & HJSON_NODE) ? hjson_key(c, &klen) : NULL;
    if (!k) {
      k = c->string;
      klen = strlen(k);
    }
    if (klen == nlen && memcmp(k, name, nlen) == 0)
      return c;
  }
  return NULL;
}

const char *hr_str(const cJSON *obj, const char *name, size_t *len) {
  const cJSON *v = hr_get(obj, name);
  if (!cJSON_IsString(v) || !v->valuestring)
    return NULL;
  size_t l = 0;
  const char *s = hjson_string(v, &l);
  if (!s)
    return NULL;
  if (len)
    *len = l;
  return s;
}

int hr_int(const cJSON *obj, const char *name, int64_t *out) {
  const cJSON *v = hr_get(obj, name);
  if (!cJSON_IsNumber(v))
    return 0;
  double d = v->valuedouble;
  if (!(d >= -9.0e15 && d <= 9.0e15) || d != (double)(int64_t)d)
    return 0;
  *out = (int64_t)d;
  return 1;
}

const cJSON *hr_array(const cJSON *obj, const char *name) {
  const cJSON *v = hr_get(obj, name);
  return cJSON_IsArray(v) ? v : NULL;
}

hstatus hr_status_of(const cJSON *obj) {
  size_t len = 0;
  const char *s = hr_str(obj, "status", &len);
  return s ? hstatus_parse_n(s, len) : HSTATUS_UNKNOWN;
}

/* ---- index ------------------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

static const cJSON **vector_of(const cJSON *arr, size_t *n) {
  *n = 0;
  if (!arr)
    return NULL;
  size_t count = 0;
  for (const cJSON *c = arr->child; c; c = c->next)
    count++;
  if (count == 0)
    return NULL;
  const cJSON **v = malloc(count * sizeof *v);
  if (!v)
    return NULL;
  for (const cJSON *c = arr->child; c; c = c->next)
    v[(*n)++] = c;
  return v;
}

/* Builds an id -> index table over items (first occurrence wins). */
static size_t *slots_build(const cJSON **items, size_t n, size_t *nslots) {
  size_t cap = 16;
  while (cap < n * 2 + 1)
    cap *= 2;
  size_t *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *id = hr_str(items[i], "id", &len);
    if (!id)
      continue;
    size_t h = (size_t)hash_bytes(id, len) & (cap - 1);
    for (;;) {
      if (slots[h] == 0) {
        slots[h] = i + 1;
        break;
      }
      size_t olen;
      const char *other = hr_str(items[slots[h] - 1], "id", &olen);
      if (olen == len && memcmp(other, id, len) == 0)
        break;
      h = (h + 1) & (cap - 1);
    }
  }
  *nslots = cap;
  return slots;
}

static size_t slots_find(const size_t *slots, size_t nslots, const cJSON **items, const char *id,
                         size_t len) {
  if (!slots || !id)
    return SIZE_MAX;
  size_t h = (size_t)hash_bytes(id, len) & (nslots - 1);
  while (slots[h]) {
    size_t olen;
    const char *other = hr_str(items[slots[h] - 1], "id", &olen);
    if (other && olen == len && memcmp(other, id, len) == 0)
      return slots[h] - 1;
    h = (h + 1) & (nslots - 1);
  }
  return SIZE_MAX;
}

int hr_index_build(hr_index *ix, const cJSON *root) {
  memset(ix, 0, sizeof *ix);
  ix->root = root;
  const cJSON *reqs = hr_array(root, "requirements");
  const cJSON *cases = hr_array(root, "cases");
  ix->reqs = vector_of(reqs, &ix->nreqs);
  if (reqs && reqs->child && !ix->reqs)
    goto fail;
  ix->cases = vector_of(cases, &ix->ncases);
  if (cases && cases->child && !ix->cases)
    goto fail;
  ix->req_slots = slots_build(ix->reqs, ix->nreqs, &ix->nreq_slots);
  ix->case_slots = slots_build(ix->cases, ix->ncases, &ix->ncase_slots);
  ix->req_first = calloc(ix->nreqs + 1, sizeof *ix->req_first);
  ix->case_next = calloc(ix->ncases + 1, sizeof *ix->case_next);
  if (!ix->req_slots || !ix->case_slots || !ix->req_first || !ix->case_next)
    goto fail;
  /* back-links, appended in report order: walk cases from the end */
  for (size_t i = ix->ncases; i-- > 0;) {
    size_t len;
    const char *rid = hr_str(ix->cases[i], "requirement", &len);
    size_t r = hr_index_req(ix, rid, len);
    if (r == SIZE_MAX)
      continue;
    ix->case_next[i] = ix->req_first[r];
    ix->req_first[r] = i + 1;
  }
  return 0;
fail:
  hr_index_free(ix);
  return -1;
}

void hr_index_free(hr_index *ix) {
  free(ix->reqs);
  free(ix->cases);
  free(ix->case_slots);
  free(ix->req_slots);
  free(ix->req_first);
  free(ix->case_next);
  memset(ix, 0, sizeof *ix);
}

size_t hr_index_case(const hr_index *ix, const char *id, size_t len) {
  return slots_find(ix->case_slots, ix->ncase_slots, ix->cases, id, len);
}

size_t hr_index_req(const hr_index *ix, const char *id, size_t len) {
  return slots_find(ix->req_slots, ix->nreq_slots, ix->reqs, id, len);
}

size_t hr_index_req_case(const hr_index *ix, size_t r, hr_case_iter *it) {
  if (r >= ix->nreqs)
    return SIZE_MAX;
  if (ix->req_first[r]) {
    size_t next = it->started ? it->next : ix->req_first[r];
    it->started = 1;
    if (next == 0)
      return SIZE_MAX;
    it->next = ix->case_next[next - 1];
    return next - 1;
  }
  if (!it->started) {
    const cJSON *list = hr_array(ix->reqs[r], "cases");
    it->item = list ? list->child : NULL;
    it->started = 1;
  }
  while (it->item) {
    const cJSON *item = it->item;
    it->item = item->next;
    size_t len = 0;
    const char *id = cJSON_IsString(item) ? hjson_string(item, &len) : NULL;
    size_t c = hr_index_case(ix, id, len);
    if (c != SIZE_MAX)
      return c;
  }
  return SIZE_MAX;
}

hstatus hr_index_req_state(const hr_index *ix, size_t r) {
  hstatus st = hr_status_of(ix->reqs[r]);
  if (st == HSTATUS_FAIL)
    return st;
  hr_case_iter it = {0};
  for (size_t c; (c = hr_index_req_case(ix, r, &it)) != SIZE_MAX;)
    if (hr_status_of(ix->cases[c]) == HSTATUS_ERROR)
      return HSTATUS_ERROR;
  return st;
}
