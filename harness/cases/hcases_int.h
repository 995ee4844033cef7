/* hcases_int.h: the catalogue generator's internals, shared by the files of
 * harness/cases/:
 *   hcases.c           hcases_generate and the catalogue's entries
 *                      (requirements, cases, classifying emitters)
 *   hcases_gen.c       the harness's one value generator (public:
 *                      hcases_gen.h: random source, strings from patterns,
 *                      scalars for a view, format tables) and a valid value
 *                      for any schema (hc_gen_value)
 *   hcases_walk.c      the schema walk (one rule at one location) and the
 *                      minimizer of the full body
 *   hcases_fixed.c     media types, the name's boundaries, raw bytes, HTTP,
 *                      the page's semantics
 *   hcases_families.c  bodies at a path, locations, body builders and
 *                      classifying emitters shared by the exploring families
 *   hcases_valid.c     valid bodies in every form (order, whitespace, escapes,
 *                      pattern spread, strings, array sizes, pairwise, [{}])
 *   hcases_invalid.c   rules broken at every position and in combination
 *   hcases_http.c      auth variants, keep-alive sequences
 *   hcases_io.c        rendering, reading, decoding, materializing bodies
 *   hcases_view.c      the schema view (public: hcases_view.h)
 * Not a public header: nothing outside harness/cases/ includes it (the mock
 * and explore use hcases_view.h and hcases_gen.h). */
#ifndef HCASES_INT_H
#define HCASES_INT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/hcases.h"
#include "cases/hcases_gen.h"
#include "cases/hcases_view.h"
#include "rules/hreq.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "spec/hspec.h"
#include "json/hjson.h"

#define MAX_PROPS HCVIEW_MAX_PROPS
#define MAX_DEPTH HCVIEW_MAX_DEPTH
#define RAW_MARK "@@apiharness-raw@@"
#define OVER_LIMIT_BYTES ((size_t)1 << 20) /* "a body over 1 MiB" */
#define LONG_NAME_CHARS 10000
#define DEEP_NESTING 10000

/* The top-level property that names the token: the runner puts the run id
 * there so an operator can find (and revoke) what a certification created. */
#define NAME_PROPERTY "name"

/* How hc_gen_pattern picks a member of a character class (hcases_gen.h). */
typedef hcgen_pick hc_pick;
#define HC_PICK_RANDOM HCGEN_PICK_RANDOM /* seeded */
#define HC_PICK_FIRST HCGEN_PICK_FIRST   /* the class's first member: \d -> '0' */
#define HC_PICK_LAST HCGEN_PICK_LAST     /* the class's last member: \d -> '9' */
#define HC_PICK_CYCLE HCGEN_PICK_CYCLE   /* member (position + pick_offset) mod size: 0123-4567 */

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
  herr *err;
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

/* hcases.c: the driver and the catalogue's entries; hcases_gen.c: values (the
 * public generator, hcases_gen.h, drawn through g's random source and pick
 * mode); hcases_families.c: bodies at a path */
uint64_t hc_rand(gen *g);
void hc_fail(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* hcgen_pattern with g's pick mode, offset and random source; raises
 * g->pick_max. */
int hc_gen_pattern(gen *g, const char *pat, char *out, size_t cap);
cJSON *hc_gen_value(gen *g, const cJSON *schema, const char *prop, int top, int depth);
int hc_classify(gen *g, const cJSON *body, const char **prose, int *spec_bad);
int hc_classify_text(gen *g, const char *text, size_t len, const char **prose, int *spec_bad);
cJSON *hc_at(cJSON *node, const bpath *p, size_t upto);
/* Attribution: a case about one location varies only that location; every
 * other property stays as in the minimal body.  The base body of a case about
 * p is the minimal body with p's ancestors added when it lacks them (each
 * from the full body, minimized: only what the rules need) and the full
 * body's value at p (p empty: the minimal body).  New tree, NULL when p
 * cannot be reached.  Only pos.full, the pairwise family and sem.echo-full
 * start from the full body. */
cJSON *hc_base(gen *g, const bpath *p);
/* The value a case about p starts from: the full body's value at p, the
 * minimal body for the root.  Borrowed. */
const cJSON *hc_value_at(gen *g, const bpath *p);
/* Adds to body, in place, whatever p[0..upto) lacks, as hc_base does.  0 when
 * the full body has no such location. */
int hc_ensure(gen *g, cJSON *body, const bpath *p, size_t upto);
/* hc_put, with a member that is missing added at its place in the full
 * body's member order (takes val). */
int hc_put_ordered(gen *g, cJSON *body, const bpath *p, cJSON *val);
/* hc_base(p) with the value at p replaced by val (taken); p empty: val. */
cJSON *hc_with_value(gen *g, const bpath *p, cJSON *val);
/* The minimal body (with p's ancestors) without the member at p. */
cJSON *hc_without(gen *g, const bpath *p);
/* hc_text_with / hc_split_at on hc_base(p). */
char *hc_text_at(gen *g, const bpath *p, const char *raw);
int hc_split(gen *g, const bpath *p, char **pre, char **post);
char *hc_print_with_raw(const cJSON *body, const char *raw);
/* Requirements; the registry (harness/rules/hreq.h) is their one definition.
 * hc_add_fixed: a fixed requirement, with the registry's class, title and
 * source (the generation fails on an id the registry lacks).  hc_add_req: a
 * spec-derived one (schema.request.*, schema.response.*, semantics.echo.*)
 * with the title fmt gives and its family's class and source (the generation
 * fails on an id of no family; a fixed id gets the registry's entry).  Both
 * add an id once. */
void hc_add_fixed(gen *g, const char *id);
void hc_add_req(gen *g, const char *id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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
void hc_req_id(char *buf, size_t cap, const char *owner, const char *prop, int items,
               const char *keyword);
void hc_neg_case_t(gen *g, const char *id, const char *spec_req, const char *spec_title,
                   cJSON *body, const char *fmt, const char *arg, int aspnet,
                   const char *aspnet_reason, const char *tolerated);
void hc_neg_case(gen *g, const char *id, const char *spec_req, const char *spec_title, cJSON *body,
                 const char *fmt, const char *arg, int aspnet, const char *aspnet_reason);
void hc_pos_case(gen *g, const char *id, const char *req, cJSON *body, const char *fmt,
                 const char *arg);
/* A concrete media type to send for a documented one: "application/json" for
 * "application/STAR" or "STAR/STAR"; "application/STAR+json" gives
 * "application/vnd.acme+json". */
void hc_concrete_media(const char *mt, char *buf, size_t cap);

/* hcases_walk.c: the schema walk's cases, from g->root_schema; the minimizer
 * (removes, greedily, every member outside arrays the rules do not need). */
void hc_walk(gen *g);
void hc_minimize(gen *g, cJSON *body);
/* The same below the location at (a path into body). */
void hc_minimize_at(gen *g, cJSON *body, const bpath *at);

/* hcases_fixed.c: the families that do not follow the schema walk. */
void hc_name_cases(gen *g);
void hc_media_cases(gen *g);
void hc_raw_cases(gen *g);
void hc_http_cases(gen *g);
void hc_semantic_cases(gen *g);

/* ---------- hcases_families.c: what the exploring families share ---------- */

#define MAX_LOCS 64

/* A location of the request schema: the root, every property, every array
 * item (element 0 in the bodies). */
typedef struct {
  bpath p;
  hcview v;
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
cJSON *hc_distinct_items(gen *g, const hcview *arr, size_t n);

/* The families (hcases_valid.c, hcases_invalid.c, hcases_http.c).  Each
 * appends to g->reqs / g->cases. */
void hc_positive_families(gen *g);
void hc_negative_families(gen *g);
void hc_auth_cases(gen *g);
void hc_sequence_cases(gen *g);

#endif
