/* hmock_gen: the mock's values, drawn from the harness's one generator
 * (cases/hcases_gen.h) through the one schema view (cases/hcases_view.h, read
 * with HCVIEW_GENERATOR: $ref chain, allOf members and the first anyOf /
 * oneOf branch merged, the tightest bounds, implied types).
 * hmock_gen_scalar writes a value that the view accepts: the first enum value;
 * a date-time / date / time from the answer's clock; a uuid drawn for the
 * answer; a value of another format from the generator's table; a string
 * drawn from its pattern (the answer's random source, seeded from its
 * serial number); a string, number or integer inside its length and
 * numeric bounds (multipleOf included); true for a boolean.  The generation
 * faults (bad-date-time, bad-enum, wrong-type, invalid-utf8) bend these
 * values.  The views of the spec's schemas are merged once, into a cache
 * (hmock_views_build), so an answer merges none. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/hcases_gen.h"
#include "mock/hmock_int.h"

#define STRING_OUT 512 /* bytes a generated string takes without the heap */

/* -------------------------------------------------------- the answer's clock */

void hmock_gen_init(hmock_gen *g, const hmock *m, uint64_t serial) {
  memset(g, 0, sizeof *g);
  g->m = m;
  g->serial = serial;
  hcgen_rng_seed(&g->rng, serial ^ m->id_base);
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  int ms = (int)(ts.tv_nsec / 1000000L) % 1000;
  int y = (tm.tm_year + 1900) % 10000, mo = (tm.tm_mon + 1) % 100, d = tm.tm_mday % 100;
  int h = tm.tm_hour % 100, mi = tm.tm_min % 100, s = tm.tm_sec % 100;
  snprintf(g->today, sizeof g->today, "%04d-%02d-%02d", y, mo, d);
  snprintf(g->time, sizeof g->time, "%02d:%02d:%02d.%03dZ", h, mi, s, ms);
  snprintf(g->now, sizeof g->now, "%sT%s", g->today, g->time);
  /* the bad-date-time fault's value: a space, no offset (not RFC 3339) */
  snprintf(g->bad_now, sizeof g->bad_now, "%s %02d:%02d:%02d.%03d", g->today, h, mi, s, ms);
}

/* ---------------------------------------------------------------- scalars */

/* Writes a value of format f from the answer's clock and draws (date-time,
 * date, time, uuid) and returns 1; 0 for another format. */
static int clock_format(hmock_gen *g, hbuf *b, const char *f) {
  if (!strcmp(f, "date-time")) {
    int bad = hmock_has(g->m, HMOCK_FAULT_BAD_DATE_TIME) && !g->bad_date_done;
    g->bad_date_done |= bad;
    hmock_json_cstr(b, bad ? g->bad_now : g->now);
  } else if (!strcmp(f, "date") || !strcmp(f, "time")) {
    hmock_json_cstr(b, f[1] == 'a' ? g->today : g->time);
  } else if (!strcmp(f, "uuid")) {
    char u[37];
    uint64_t a = hcgen_rng_next(&g->rng);
    hcgen_uuid(a, hcgen_rng_next(&g->rng), u);
    hmock_json_cstr(b, u);
  } else {
    return 0;
  }
  return 1;
}

/* A number as JSON (hcgen_number_text); whole ones without printf. */
static void put_number(hbuf *b, const hcview *v, double x) {
  if (x == nearbyint(x) && fabs(x) < 1e15) {
    hmock_json_int(b, (long long)x);
    return;
  }
  char t[40];
  hcgen_number_text(v, x, t, sizeof t);
  hbuf_puts(b, t);
}

/* A string the view accepts, drawn with the answer's random source. */
static void put_string(hmock_gen *g, hbuf *b, const hcview *v) {
  char small[STRING_OUT];
  size_t cap = sizeof small;
  if (v->min_len >= 0 && (size_t)v->min_len + 64 > cap)
    cap = (size_t)v->min_len * 4 + STRING_OUT;
  char *out = cap > sizeof small ? malloc(cap) : small;
  if (!out) {
    b->nomem = 1;
    return;
  }
  hcgen_pattern_opts o = {.rand = hcgen_rand_of(&g->rng)};
  size_t len = 0;
  if (!hcgen_string(v, NULL, &o, out, cap, &len)) {
    hcview plain = *v; /* a pattern that is not generated: a plain string */
    plain.n_patterns = 0;
    plain.format = NULL;
    if (!hcgen_string(&plain, NULL, &o, out, cap, &len))
      b->nomem = 1;
  }
  if (!b->nomem)
    hmock_json_str(b, out, len);
  if (out != small)
    free(out);
}

void hmock_gen_scalar(hmock_gen *g, hbuf *b, const hcview *v) {
  const hmock *m = g->m;
  if (v->enumv) {
    const cJSON *e = hcgen_enum_value(v);
    size_t len;
    const char *s = hjson_string(e, &len);
    if (s && hmock_has(m, HMOCK_FAULT_BAD_ENUM) && !g->bad_enum_done) {
      /* the fault: a value the enum cannot hold, its first value with a suffix */
      g->bad_enum_done = 1;
      hbuf t = {0};
      hbuf_add(&t, s, len);
      hbuf_puts(&t, "-not-in-enum");
      if (t.nomem)
        b->nomem = 1;
      else
        hmock_json_str(b, t.p, t.n);
      hbuf_free(&t);
      return;
    }
    hmock_json_value(b, e, 0);
    return;
  }
  const char *t = v->type ? v->type : "string";
  if (!strcmp(t, "integer") || !strcmp(t, "number")) {
    double x;
    hcgen_number(v, 1, &x);
    put_number(b, v, x);
  } else if (!strcmp(t, "boolean")) {
    hbuf_puts(b, "true");
  } else if (!strcmp(t, "null")) {
    hbuf_puts(b, "null");
  } else if (!strcmp(t, "object")) {
    hbuf_puts(b, "{}");
  } else if (!strcmp(t, "array")) {
    hbuf_puts(b, "[]");
  } else if (v->format && clock_format(g, b, v->format)) {
    /* written */
  } else if ((v->format && hcgen_format_value(v->format)) || v->n_patterns) {
    put_string(g, b, v);
  } else if (hmock_has(m, HMOCK_FAULT_WRONG_TYPE) && !g->wrong_type_done) {
    g->wrong_type_done = 1; /* the fault: a string written as a number */
    hbuf_puts(b, "42");
  } else if (hmock_has(m, HMOCK_FAULT_INVALID_UTF8) && !g->invalid_utf8_done) {
    g->invalid_utf8_done = 1;
    hbuf_puts(b, "\"apiharness \xC3\x28 mock\""); /* C3 must be followed by 80..BF */
  } else {
    put_string(g, b, v);
  }
}

/* -------------------------------------------------------- the view cache */
/* Merging a view looks up some twenty keywords in every node of a $ref /
 * allOf chain; an answer echoing 1,000 modules would do it for every item.
 * hmock_views_build merges, once, every node reachable from the 201 schema,
 * the request schemas and the ProblemDetails schemas (properties, items, additionalProperties),
 * into an open-addressing table keyed by node address; it is immutable afterwards, so the serving
 * threads read it without a lock. */

#define VIEWS_MAX                                                                                  \
  ((size_t)1 << 16) /* nodes cached at most (a giant spec merges the rest per use) */
#define VIEWS_WALK_DEPTH 64

static size_t slot_of(const cJSON *node, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)node * 0x9e3779b97f4a7c15ULL;
  return (size_t)(h >> 20) & (cap - 1);
}

static int views_grow(hmock *m) {
  size_t cap = m->views_cap ? m->views_cap * 2 : 256;
  hmock_view_slot *t = calloc(cap, sizeof *t);
  if (!t)
    return 0;
  for (size_t i = 0; i < m->views_cap; i++) {
    if (!m->views[i].node)
      continue;
    size_t k = slot_of(m->views[i].node, cap);
    while (t[k].node)
      k = (k + 1) & (cap - 1);
    t[k] = m->views[i];
  }
  free(m->views);
  m->views = t;
  m->views_cap = cap;
  return 1;
}

static void views_walk(hmock *m, const cJSON *node, int depth) {
  if (!cJSON_IsObject(node) || depth > VIEWS_WALK_DEPTH || m->views_n >= VIEWS_MAX)
    return;
  if (m->views_cap) {
    for (size_t k = slot_of(node, m->views_cap); m->views[k].node; k = (k + 1) & (m->views_cap - 1))
      if (m->views[k].node == node)
        return;
  }
  if (2 * (m->views_n + 1) > m->views_cap && !views_grow(m))
    return; /* out of memory: those views are merged per use */
  size_t k = slot_of(node, m->views_cap);
  while (m->views[k].node)
    k = (k + 1) & (m->views_cap - 1);
  m->views[k].node = node;
  hcview_of_ex(m->spec, node, HCVIEW_GENERATOR, &m->views[k].view);
  m->views_n++;
  /* the table may move below: what to walk, copied out of the view */
  const hcview *v = &m->views[k].view;
  const cJSON *kids[HCVIEW_MAX_PROPS + 2];
  size_t n = 0;
  for (size_t i = 0; i < v->n_props; i++)
    kids[n++] = v->props[i].schema;
  kids[n++] = v->items;
  kids[n++] = v->additional;
  for (size_t i = 0; i < n; i++)
    views_walk(m, kids[i], depth + 1);
}

void hmock_views_build(hmock *m) {
  views_walk(m, m->created_schema, 0);
  const hspec_operation *op = hrules_operation(m->rules);
  for (size_t i = 0; i < op->n_request; i++)
    views_walk(m, op->request[i].schema, 0);
  for (size_t i = 0; i < m->n_problem_media; i++)
    views_walk(m, m->problem_media[i].schema, 0);
}

void hmock_views_free(hmock *m) {
  free(m->views);
  m->views = NULL;
  m->views_cap = m->views_n = 0;
}

const hcview *hmock_view_get(const hmock *m, const cJSON *node, hcview *scratch) {
  if (m->views_cap && node) {
    for (size_t k = slot_of(node, m->views_cap); m->views[k].node; k = (k + 1) & (m->views_cap - 1))
      if (m->views[k].node == node)
        return &m->views[k].view;
  }
  hcview_of_ex(m->spec, node, HCVIEW_GENERATOR, scratch);
  return scratch;
}
