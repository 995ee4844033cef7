/* fuzz_gen: a structure generator for the fuzz targets, and the oracle built
 * on it ("generated valid must be accepted, targeted near misses must be
 * rejected").
 *
 * The model of a schema (type, nullable, additionalProperties: false,
 * patterns, format, enum, properties, required, items, readOnly/writeOnly) is
 * read from the spec document through hspec only (hspec_resolve for $ref),
 * never from the compiled validator, so the oracle does not share the
 * validator's reading.  Where the spec uses a keyword the model does not
 * follow (minLength, oneOf, a differing second pattern ...), the node is
 * "unsure": bodies touching it are still generated, but no verdict is
 * asserted for them.  nullable follows the project's documented reading
 * (README "How the spec is read"): nullable: true on a place's own schema
 * object admits null whatever stands beside it (allOf: [{$ref}] included).
 *
 * fuzz_gen_check, per call (one seed; each body gets one edit, of a kind
 * drawn from the seed among those that apply to it):
 *  - a body generated valid (every place sure) is accepted by the schema
 *    (hschema_validate, after printing and strict re-reading);
 *  - a targeted edit of it is rejected: a trailing "\n" on a value whose
 *    pattern ends in '$'; an undeclared member in a closed object at some
 *    level; null where the place is not nullable; a value of another JSON
 *    type; a date-time / date near miss (hour 24, minute 60, a leap second
 *    not at 23:59 UTC, February 30, month 13, offset +24:00, no offset, an
 *    empty fraction); a value outside the enum;
 *  - the same edits applied to a caller-supplied body the validator accepted.
 * Valid date-times include RFC 3339's boundaries: leap seconds at 23:59:60
 * UTC (with offsets that put local time elsewhere), "t"/"z" in lower case,
 * fractions, offsets up to +23:59, 29 February of leap years. */
#ifndef FUZZ_GEN_H
#define FUZZ_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "schema/hschema.h"
#include "spec/hspec.h"

#define FG_MAX_MODEL 192   /* schema nodes in a model */
#define FG_MAX_PROPS 32    /* properties per object node */
#define FG_MAX_PATTERNS 8  /* patterns per string node (allOf of patterns) */
#define FG_MAX_DEPTH 10    /* model depth: cuts recursive schemas */
#define FG_MAX_PICK 256    /* places considered in one tree */
#define FG_EXAMPLE_MAX 256 /* bytes of one generated pattern example */

typedef enum { FG_ANY = 0, FG_OBJECT, FG_ARRAY, FG_STRING, FG_NUMBER, FG_INTEGER, FG_BOOLEAN } fg_type;
typedef enum { FG_FMT_NONE = 0, FG_FMT_DATE_TIME, FG_FMT_DATE, FG_FMT_INT32, FG_FMT_INT64 } fg_format;

typedef struct fg_node fg_node;
typedef struct {
  const char *name;
  fg_node *schema;
  int required;
} fg_prop;

struct fg_node {
  fg_type type;
  int nullable;      /* nullable: true on the place's own schema object */
  int null_unsure;   /* nullable only inside an allOf member: no assertion about null */
  int closed;        /* additionalProperties: false, from the one object that declares the properties */
  int unsure;        /* keywords the model does not follow: no verdict asserted for values here */
  int read_only, write_only;
  fg_format format;
  const char *patterns[FG_MAX_PATTERNS];
  size_t n_patterns;
  int patterns_differ;
  int anchored_end;  /* some pattern ends in an unescaped '$' */
  const cJSON *enums; /* the enum array, or NULL */
  fg_prop props[FG_MAX_PROPS];
  size_t n_props;
  fg_node *items;
};

typedef struct {
  fg_node nodes[FG_MAX_MODEL];
  size_t n;
  fg_node *root;
} fg_model;

/* Builds the model of schema (a spec node, $ref resolved through spec) into m.
 * Returns the root, NULL when the schema is not an object. */
fg_node *fg_model_build(fg_model *m, const hspec *spec, const cJSON *schema);

/* ---- randomness: everything from a libFuzzer seed or an input's hash ---- */
typedef struct {
  uint64_t s;
} fg_rng;
uint64_t fg_next(fg_rng *r);
size_t fg_below(fg_rng *r, size_t n);
void fg_seed(fg_rng *r, uint64_t seed);
uint64_t fg_hash(const uint8_t *data, size_t size); /* FNV-1a */

/* One string matching `pattern` (simple specs' regular expressions: literals,
 * escapes, \d \w \s, '.', classes, ? * + {n,m}); 0 when it cannot. */
int fg_example(fg_rng *r, const char *pattern, char *out, size_t cap);

/* A value for the model node.  dir leaves out readOnly (request) or writeOnly
 * (response) members.  *sure (may be NULL) is cleared when the value touches
 * a place the model cannot vouch for. */
cJSON *fg_valid(fg_rng *r, const fg_node *m, hschema_direction dir, unsigned depth, int *sure);

/* A valid RFC 3339 date-time with boundary cases, into out (cap >= 40). */
void fg_date_time(fg_rng *r, char *out, size_t cap);

/* ---- places of a tree and what the model says about each ---- */
typedef struct {
  cJSON *node;
  cJSON *parent;
  const fg_node *model; /* NULL: undeclared or unknown */
  int up;               /* index of the parent place, -1 for the root */
} fg_place;

typedef struct {
  fg_place at[FG_MAX_PICK];
  size_t n;
} fg_places;

void fg_collect(fg_places *ps, cJSON *root, const fg_node *model);
const fg_node *fg_prop_model(const fg_node *obj, const char *name);
/* Replaces place->node by `with` in its parent (or returns `with` as the new
 * root, the old one deleted). */
cJSON *fg_replace(cJSON *root, fg_place *place, cJSON *with);
/* The JSON pointer of place i (for messages), into out. */
void fg_place_pointer(const fg_places *ps, size_t i, char *out, size_t cap);

/* ---- the oracle ---- */
typedef enum {
  FG_EDIT_NEWLINE = 0, /* trailing "\n" on a value whose pattern ends in '$' */
  FG_EDIT_UNDECLARED,  /* an undeclared member in a closed object */
  FG_EDIT_NULL,        /* null where the place is not nullable */
  FG_EDIT_TYPE,        /* a value of another JSON type */
  FG_EDIT_FORMAT,      /* a date-time / date near miss */
  FG_EDIT_ENUM,        /* a value outside the enum */
  FG_EDIT_KINDS
} fg_edit;

const char *fg_edit_name(fg_edit e);

/* Applies one edit of kind `e` at a place drawn from r among the eligible
 * ones; *applied is 0 when the tree has none.  what gets "trailing \n at
 * /account/id".  Returns the (possibly new) root. */
cJSON *fg_near_miss(fg_rng *r, cJSON *root, const fg_node *model, fg_edit e, int *applied,
                    char *what, size_t cap);

typedef struct fuzz_gen_oracle fuzz_gen_oracle;

/* An oracle over `schema` (compiled by the rules) and the spec node it came
 * from; dir as the validator checks it.  Dies when out of memory. */
fuzz_gen_oracle *fuzz_gen_oracle_new(const char *target, const hspec *spec, const cJSON *spec_schema,
                                     const hschema *schema, hschema_direction dir);
const fg_node *fuzz_gen_oracle_model(const fuzz_gen_oracle *o);
/* Checks only one input in `every` (chosen by its hash, so a replay of the
 * same input checks the same way): for targets whose documents are large. */
void fuzz_gen_oracle_sample(fuzz_gen_oracle *o, unsigned every);

/* Runs the checks above for one seed; accepted_input (may be NULL) is a body
 * the validator accepted (a cJSON tree, left unchanged), whose near misses
 * must be rejected too.  Dies on a broken property. */
void fuzz_gen_check(fuzz_gen_oracle *o, uint64_t seed, const cJSON *accepted_input);

/* Counters, for the targets' exit line: bodies asserted valid, edits asserted
 * rejected. */
void fuzz_gen_counts(const fuzz_gen_oracle *o, size_t *valid, size_t *edits);

#endif
