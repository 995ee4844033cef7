/* hcases_int.h: the catalogue generator's internals, shared by the files of
 * harness/cases/:
 *   hcases.c           the schema walk, the pattern generator, the fixed
 *                      families (one rule at one location, raw bytes, HTTP,
 *                      semantics) and hcases_generate
 *   hcases_families.c  locations, body builders and classifying emitters
 *                      shared by the exploring families
 *   hcases_valid.c     valid bodies in every form (order, whitespace, escapes,
 *                      pattern spread, strings, array sizes, pairwise, [{}])
 *   hcases_invalid.c   rules broken at every position and in combination
 *   hcases_http.c      auth variants, keep-alive sequences
 *   hcases_io.c        rendering, reading, decoding, materializing bodies
 * Not a public header: nothing outside harness/cases/ includes it. */
#ifndef HCASES_INT_H
#define HCASES_INT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/hcases.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "spec/hspec.h"
#include "json/hjson.h"

#define MAX_PROPS 48
#define MAX_PATTERNS 8
#define MAX_DEPTH 16
#define RAW_MARK "@@apiharness-raw@@"
#define OVER_LIMIT_BYTES ((size_t)1 << 20) /* "a body over 1 MiB" */
#define LONG_NAME_CHARS 10000
#define DEEP_NESTING 10000

/* The top-level property that names the token: the runner puts the run id
 * there so an operator can find (and revoke) what a certification created. */
#define NAME_PROPERTY "name"

/* ---------- a view of a raw schema: $ref and allOf merged ---------- */

typedef struct {
  const char *name;
  const cJSON *schema;
} sprop;

typedef struct {
  const char *comp; /* component name of the nearest $ref ("AccountDto"), NULL if none */
  const char *type;
  int nullable;
  int additional_false;
  const cJSON *items;
  const char *patterns[MAX_PATTERNS];
  size_t n_patterns;
  sprop props[MAX_PROPS];
  size_t n_props;
  const cJSON *enumv; /* the "enum" array, NULL if none */
  const char *format; /* "date-time", ... NULL if none */
  int has_min, has_max;
  double min, max;       /* minimum / maximum (inclusive) */
  long min_len, max_len; /* minLength / maxLength, -1 when not stated */
} sview;

/* How hc_gen_pattern picks a member of a character class. */
typedef enum {
  HC_PICK_RANDOM = 0, /* seeded */
  HC_PICK_FIRST,      /* the class's first member: \d -> '0' */
  HC_PICK_LAST,       /* the class's last member: \d -> '9' */
  HC_PICK_CYCLE       /* member (position + pick_offset) mod size: 0123-4567 */
} hc_pick;

/* ---------- generator state ---------- */

typedef struct {
  const hrules *rules;
  const hspec *spec;
  hschema_result *res;
  hjson_doc *doc;
  uint64_t rng;
  hc_pick pick;
  size_t pick_offset;
  size_t pick_max; /* set by hc_gen_pattern: the largest class it drew from */
  const cJSON *root_schema;
  const char *default_ct;
  char default_ct_buf[128];
  cJSON *full;
  cJSON *minimal;
  cJSON *reqs;  /* array */
  cJSON *cases; /* array */
  hcases_error *err;
  int failed;
  /* the components being generated or walked, outermost first: a schema
   * that refers back to one of them (a recursive property) is not expanded
   * again (an optional recursive property is left out, its array empty) */
  const char *comp_stack[MAX_DEPTH + 1];
  size_t n_comp;
} gen;

/* 1 when comp (may be NULL) is on g's component stack: a recursion. */
int hc_comp_open(const gen *g, const char *comp);

/* Path into a body: property names, "[]" for element 0 of an array. */
typedef struct {
  const char *tok[MAX_DEPTH];
  size_t n;
} bpath;

/* hcases.c */
void hc_view_of(const hspec *spec, const cJSON *schema, sview *v);
uint64_t hc_rand(gen *g);
void hc_fail(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hc_gen_pattern(gen *g, const char *pat, char *out, size_t cap);
cJSON *hc_gen_value(gen *g, const cJSON *schema, const char *prop, int top, int depth);
int hc_classify(gen *g, const cJSON *body, const char **prose, int *spec_bad);
int hc_classify_text(gen *g, const char *text, size_t len, const char **prose, int *spec_bad);
cJSON *hc_at(cJSON *node, const bpath *p, size_t upto);
cJSON *hc_with_value(gen *g, const bpath *p, cJSON *val);
cJSON *hc_without(gen *g, const bpath *p, int from_full);
char *hc_print_with_raw(const cJSON *body, const char *raw);
void hc_add_req(gen *g, const char *id, const char *klass, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
cJSON *hc_add_case(gen *g, const char *id, const char *req, const char *klass, hjudge_expect expect,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void hc_set_body(cJSON *c, cJSON *body);
void hc_set_tolerated(cJSON *c, const char *why);
void hc_set_text(cJSON *c, const char *text);
cJSON *hc_seg_text(const char *t);
cJSON *hc_seg_repeat(const char *t, size_t n);
cJSON *hc_seg_hex(const char *hex);
/* The segments of min (a printed JSON object, "{...}") with a first member
 * "x-apiharness-padding" holding pad bytes of 'a'. */
cJSON *hc_segs_padded(const char *min, size_t pad);
void hc_slug(const bpath *p, char *buf, size_t cap);
void hc_human(const bpath *p, char *buf, size_t cap);
int hc_type_allowed(const sview *v, const char *t);
cJSON *hc_sample_of(const char *t);
void hc_req_id(char *buf, size_t cap, const char *owner, const char *prop, int items,
               const char *keyword);
void hc_neg_case_t(gen *g, const char *id, const char *spec_req, const char *spec_title,
                   cJSON *body, const char *fmt, const char *arg, int aspnet,
                   const char *aspnet_reason, const char *tolerated);
void hc_neg_case(gen *g, const char *id, const char *spec_req, const char *spec_title, cJSON *body,
                 const char *fmt, const char *arg, int aspnet, const char *aspnet_reason);
void hc_pos_case(gen *g, const char *id, const char *req, cJSON *body, const char *fmt,
                 const char *arg);
void hc_concrete_media(const char *mt, char *buf, size_t cap);

/* ---------- hcases_families.c: what the exploring families share ---------- */

#define MAX_LOCS 64

/* A location of the request schema: the root, every property, every array
 * item (element 0 in the bodies). */
typedef struct {
  bpath p;
  sview v;
  const char *owner; /* component owning the property (for requirement ids) */
  const char *prop;  /* property name, NULL for the root */
  int items;         /* the location is an array's item */
  int in_array;      /* somewhere below an array (element 0 in the bodies) */
} loc;

typedef struct {
  loc l[MAX_LOCS];
  size_t n;
} locs;

/* Every location of the request schema, in schema order (depth first). */
void hc_locs(gen *g, locs *L);
int hc_has_case(const cJSON *cases, const char *id);
int hc_is_type(const sview *v, const char *t);
/* The requirement id and title of a location's type / pattern, as the schema
 * walk names them. */
void hc_type_req(const loc *l, char *req, size_t rcap, char *title, size_t tcap);
void hc_pattern_req(const loc *l, char *req, size_t rcap, char *title, size_t tcap);
/* Sets the value at p inside body (element 0 for "[]", a missing member is
 * added); takes val.  0 when the location does not exist. */
int hc_put(cJSON *body, const bpath *p, cJSON *val);
/* A copy of base with val at p (p empty: val itself); NULL when impossible. */
cJSON *hc_copy_with(const cJSON *base, const bpath *p, cJSON *val);
/* base printed compactly with the value at p written as the JSON text raw. */
char *hc_text_with(const cJSON *base, const bpath *p, const char *raw);
/* base printed compactly and cut around the value at p (*pre, *post malloc'd). */
int hc_split_at(const cJSON *base, const bpath *p, char **pre, char **post);
/* Segments pre+open, rep x count, close+post; *text (malloc'd) and *len get the
 * materialized bytes, for classification. */
cJSON *hc_segments(const char *pre, const char *open, const char *rep, size_t count,
                   const char *close, const char *post, char **text, size_t *len);
/* Every object's members in reverse order, at every level. */
void hc_reverse_all(cJSON *node);
/* "account-id" style slug of a member name. */
void hc_name_slug(const char *s, char *buf, size_t cap);
/* Emitters: each classifies the body first and emits nothing when the rules
 * disagree with the case's class.  tolerated (may be NULL): the reason the
 * other outcome is only a warning.  The title is fmt with one string arg. */
cJSON *hc_pos_text(gen *g, const char *id, const char *req, const char *text, const char *tolerated,
                   const char *fmt, const char *arg);
cJSON *hc_pos_segments(gen *g, const char *id, const char *req, cJSON *segs, char *text, size_t len,
                       const char *tolerated, const char *fmt, const char *arg);
cJSON *hc_pos_body(gen *g, const char *id, const char *req, cJSON *body, const char *tolerated,
                   const char *fmt, const char *arg);
cJSON *hc_neg_text(gen *g, const char *id, const char *req, const char *req_title, const char *text,
                   size_t len, cJSON *segs, const char *fmt, const char *arg);
/* n distinct valid items for an array location (numbered when the schema
 * gives no variety). */
cJSON *hc_distinct_items(gen *g, const sview *arr, size_t n);

/* The families (hcases_valid.c, hcases_invalid.c, hcases_http.c).  Each
 * appends to g->reqs / g->cases. */
void hc_positive_families(gen *g);
void hc_negative_families(gen *g);
void hc_auth_cases(gen *g);
void hc_sequence_cases(gen *g);

#endif
