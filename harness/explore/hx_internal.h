/* Internals of the explore layer shared by its files (not a public header). */
#ifndef HX_INTERNAL_H
#define HX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "explore/hexplore.h"
#include "json/hjson.h"
#include "rules/hrules.h"
#include "schema/hschema.h"

#define HX_MAX_NODES 128
#define HX_MAX_PROPS 32
#define HX_MAX_PATTERNS 8
#define HX_MAX_DEPTH 10
/* A recursive place (hx_model.recursive) below this depth: the probe's full
 * body leaves it out (or empty); generated arrays of it get 1 or 2 items, none
 * from HX_RECURSE_DEPTH + 4 on (two levels of nesting at most). */
#define HX_RECURSE_DEPTH 3

/* ---- the model: what the spec and the rules say about a place ---- */

typedef enum { HXT_ANY = 0, HXT_OBJECT, HXT_ARRAY, HXT_STRING, HXT_INTEGER, HXT_NUMBER, HXT_BOOLEAN } hxt;

typedef struct hx_model hx_model;
typedef struct {
  const char *name;
  hx_model *m;
  int required; /* by the schema's required or by the prose (probed) */
} hx_prop;

struct hx_model {
  hxt type;
  int schema_nullable; /* nullable: true in the schema */
  int nullable;        /* null accepted here by schema and rules (probed) */
  int closed;          /* additionalProperties: false */
  const char *comp;    /* component name of the nearest $ref, NULL if none */
  const char *patterns[HX_MAX_PATTERNS];
  size_t n_patterns;
  const cJSON *enums;
  int int32;
  /* a scalar with a format the generator knows, numeric bounds, multipleOf or
   * a length bound: its valid values come from hcgen (hcases_gen.h) through
   * the view of schema (spec's tree) */
  int constrained;
  const hspec *spec;
  const cJSON *schema;
  hx_prop props[HX_MAX_PROPS];
  size_t n_props;
  hx_model *items;
  size_t min_items; /* minItems, or 1 when the rules refuse an empty array (probed) */
  long max_items;   /* maxItems, -1 when not stated */
  int unique_items; /* uniqueItems: no repeated items in valid bodies */
  int is_item;      /* the items schema of an array */
  int recursive;    /* reached again below itself (a $ref cycle: the place shares this node);
                       the generators stop descending into it past HX_RECURSE_DEPTH */
};

/* ---- values: a JSON tree that holds what cJSON cannot (NUL bytes, duplicate
 * names, exact number text, raw escapes) ---- */

typedef enum { HXV_NULL = 0, HXV_TRUE, HXV_FALSE, HXV_NUM, HXV_STR, HXV_RAW, HXV_ARR, HXV_OBJ } hxv_kind;

typedef struct hxv hxv;
struct hxv {
  hxv_kind kind;
  char *s; /* STR: UTF-8 bytes; NUM: number text; RAW: the escaped text written between quotes */
  size_t n;
  char *name; /* member name bytes (object members), NULL otherwise */
  size_t name_len;
  const hx_model *m; /* the model of this place, NULL when undeclared */
  hxv **kids;
  size_t nk, ck;
};

hxv *hxv_new(hxv_kind k);
hxv *hxv_str(const char *s, size_t n);
hxv *hxv_num(const char *text);
void hxv_free(hxv *v);
hxv *hxv_dup(const hxv *v);
int hxv_push(hxv *parent, hxv *kid);                          /* 0 when out of memory (kid freed) */
int hxv_set_name(hxv *v, const char *name, size_t n);
void hxv_remove(hxv *parent, size_t i);                       /* frees kid i */
size_t hxv_count(const hxv *v);                               /* nodes in the tree */
hxv *hxv_from_json(const cJSON *node);                        /* from an hjson tree (NUL-exact) */
void hxv_attach(hxv *v, const hx_model *m);                   /* sets ->m over the tree */

/* Rendering style of a body. */
typedef struct {
  int pretty;          /* newlines and indentation */
  const char *nl;      /* "\n" or "\r\n" */
  const char *indent;  /* "  ", "\t", "    " */
  int space_colon;     /* " : " or ": " */
  int escape_ascii;    /* per mille of ordinary characters written as \uXXXX */
  int escape_nonascii; /* per mille of non-ASCII characters written as \u escapes */
  int escape_slash;    /* '/' as "\/" */
  int upper_hex;
  int trailing_nl;
  uint64_t rng;        /* drives the per-character choices */
} hx_style;

void hx_style_compact(hx_style *st);
int hx_render(const hxv *v, hx_style *st, hbuf *out);
/* 1 when the rules accept v rendered compactly (strict JSON + schema + prose);
 * parses into doc and resets res. */
int hx_rules_accept(const hxv *v, const hrules *rules, hjson_doc *doc, hschema_result *res);

/* ---- randomness ---- */

typedef struct {
  uint64_t s;
} hx_rng;
void hx_seed(hx_rng *r, uint64_t seed);
uint64_t hx_next(hx_rng *r);
size_t hx_below(hx_rng *r, size_t n);
int hx_chance(hx_rng *r, unsigned per_mille);

/* ---- model (hx_model.c) ---- */

typedef struct {
  hx_model nodes[HX_MAX_NODES];
  size_t n;
  hx_model *root;
} hx_model_set;

/* Builds the model of `schema` (a Schema Object of the spec). */
hx_model *hx_model_build(hx_model_set *ms, const hspec *spec, const cJSON *schema);
const hx_model *hx_model_prop(const hx_model *obj, const char *name, size_t len);
/* Probes the prose rules (required members, null, empty arrays) with a full
 * valid body; 0 with err filled when no valid body could be built. */
int hx_model_probe(hx_model_set *ms, const hrules *rules, char *err);
/* The requirement id of a violation, derived from the model along its
 * instance pointer: "schema.request.<Owner>.<prop>[.items].<keyword>". */
void hx_requirement_of(const hx_model *root, const hrules *rules, const hschema_violation *v,
                       char *out, size_t cap);
/* Same for a JSON pointer and a keyword. */
void hx_requirement_at(const hx_model *root, const char *pointer, const char *keyword, char *out,
                       size_t cap);

/* ---- generation (hx_gen.c) ---- */

hxv *hx_gen_valid(hx_rng *r, const hx_model *m, size_t max_items, int depth);
/* Breaks one rule somewhere in the tree; returns the (possibly new) root. 1 in *ok when done. */
hxv *hx_break(hx_rng *r, hxv *root, const hx_model *model, size_t max_items, int *ok);
/* Byte-level mutations of buf (1..4 edits). */
void hx_mutate_bytes(hx_rng *r, hbuf *buf, size_t max_size);
void hx_style_random(hx_rng *r, hx_style *st);
const hx_model *hx_gen_root(const hexplore_gen *g);
const char *hx_aspnet_reason(void);
int hx_pattern_example(hx_rng *r, const char *pattern, char *out, size_t cap);
/* A valid value for a constrained scalar (hx_model.constrained) drawn from r;
 * r NULL: the generator's first choice (the probe).  NULL when out of memory
 * or when hcgen finds no value (the view admits none it knows). */
hxv *hx_constrained_value(hx_rng *r, const hx_model *m);

#endif
