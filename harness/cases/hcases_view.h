/* hcases_view: a flat view of one raw OpenAPI 3.0 Schema Object, read from the
 * spec tree as the generators need it: "$ref" followed (into the spec's
 * document) and "allOf" merged into one record of the keywords that shape a
 * value.  The case catalogue (harness/cases/), the mock (harness/mock/) and
 * the explore generator (harness/explore/) read schemas through it, so all
 * see a spec the same way.
 *
 * Usage, from any layer above spec/:
 *     #include "cases/hcases_view.h"
 *     hcview v;
 *     hcview_of(spec, schema, &v);          // schema: a cJSON node of spec's tree
 *     for (size_t i = 0; i < v.n_props; i++) ... v.props[i].name, v.props[i].schema
 *
 * Names: every public name carries the prefix hcview_ (the type hcview, its
 * property record hcview_prop, the constants HCVIEW_*).  The API is stable:
 * later needs add fields and functions, nothing is renamed.
 *
 * Merging rules (the schema walk's reading, kept since the first catalogue):
 *  - the first value met wins for scalar keywords (type, format, enum,
 *    minimum, maximum, minLength, ...), in this order: the node's "$ref"
 *    target (followed at once, depth first), then the node's own keywords,
 *    then each "allOf" member depth first;
 *  - "nullable": true anywhere in the merge makes the view nullable (null is
 *    also allowed here: the README's reading of nullable beside allOf/$ref);
 *  - patterns and properties accumulate (duplicates dropped), up to
 *    HCVIEW_MAX_PATTERNS / HCVIEW_MAX_PROPS; "required" names anywhere in the
 *    merge mark the properties they name;
 *  - "additionalProperties": false anywhere closes the object;
 *  - a view with properties and no type is an object;
 *  - the merge stops HCVIEW_MAX_DEPTH references/allOf levels down (a
 *    self-referencing allOf cannot loop).
 * A "$ref" is resolved with hspec_resolve, which follows chains: when its
 * target is itself a "$ref" with siblings, those siblings are not seen.
 * "oneOf", "anyOf" and "not" are not merged by hcview_of (the catalogue does
 * not build values for them); hcview_of_ex with HCVIEW_FIRST_BRANCH merges
 * the first branch of an anyOf / oneOf (the mock's reading).
 *
 * Lifetime: every pointer in a view points into the spec's cJSON tree (valid
 * while the hspec lives); a view owns nothing and needs no free.  Pure: no I/O,
 * no global state, thread-safe. */
#ifndef HCASES_VIEW_H
#define HCASES_VIEW_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "spec/hspec.h"

#define HCVIEW_MAX_PROPS 64
#define HCVIEW_MAX_PATTERNS 8
#define HCVIEW_MAX_DEPTH 16

typedef struct {
  const char *name;    /* the member name, byte for byte */
  const cJSON *schema; /* its raw schema node (view it with hcview_of) */
  int required;        /* named by a "required" array of the merged object */
} hcview_prop;

typedef struct {
  const char *comp; /* component name of the nearest $ref ("AccountDto"), NULL if none */
  const char *type; /* "object", "array", "string", "integer", "number", "boolean"; NULL: any */
  int nullable;
  int additional_false; /* "additionalProperties": false */
  const cJSON *items;   /* the raw "items" schema, NULL if none */
  const char *patterns[HCVIEW_MAX_PATTERNS];
  size_t n_patterns;
  hcview_prop props[HCVIEW_MAX_PROPS];
  size_t n_props;
  const cJSON *enumv; /* the "enum" array (non-empty), NULL if none */
  const char *format; /* "date-time", "int32", ... NULL if none */
  int has_min, has_max;
  double min, max;           /* minimum / maximum */
  int excl_min, excl_max;    /* exclusiveMinimum / exclusiveMaximum: true (3.0 booleans) */
  long min_len, max_len;     /* minLength / maxLength, -1 when not stated */
  long min_items, max_items; /* minItems / maxItems, -1 when not stated */
  int unique_items;          /* "uniqueItems": true */
  double multiple_of;        /* "multipleOf" (> 0), 0 when not stated */
  int read_only, write_only; /* "readOnly" / "writeOnly": true */
  int deprecated;            /* "deprecated": true anywhere in the merge */
  const cJSON *additional;   /* "additionalProperties" as a schema (an object), NULL if none */
} hcview;

/* Fills *v with the view of schema (any cJSON node of spec's tree; NULL or a
 * non-object gives the empty view: no type, nothing stated). */
void hcview_of(const hspec *spec, const cJSON *schema, hcview *v);

/* hcview_of with a generator's reading on top, by flags (0: hcview_of):
 *  HCVIEW_FIRST_BRANCH  the first branch of an "anyOf" (else "oneOf") is
 *                       merged too, after "allOf" (the branch a generated or
 *                       echoed value takes);
 *  HCVIEW_TIGHTEST      of several minimum / maximum / minLength / maxLength /
 *                       minItems / maxItems in the merge, the tightest wins
 *                       (a value must meet them all), not the first;
 *  HCVIEW_IMPLIED_TYPE  a view without a type gets the one its keywords are
 *                       about: "object" (properties, additionalProperties as
 *                       a schema), "array" (items), "number" (minimum,
 *                       maximum, multipleOf).
 * The mock reads every schema this way (HCVIEW_GENERATOR). */
#define HCVIEW_FIRST_BRANCH 1u
#define HCVIEW_TIGHTEST 2u
#define HCVIEW_IMPLIED_TYPE 4u
#define HCVIEW_GENERATOR (HCVIEW_FIRST_BRANCH | HCVIEW_TIGHTEST | HCVIEW_IMPLIED_TYPE)
void hcview_of_ex(const hspec *spec, const cJSON *schema, unsigned flags, hcview *v);

/* 1 when the view's type is t ("object", "string", ...); 0 for a view without
 * a type. */
int hcview_is_type(const hcview *v, const char *t);

/* 1 when a JSON value of type t ("string", "number", "integer", "boolean",
 * "null", "array", "object") may stand where the view is, judged by type and
 * nullable only: "null" only when nullable; a view without a type allows every
 * other type; "integer" fits "number"; "number" does not fit "integer". */
int hcview_type_allowed(const hcview *v, const char *t);

/* The property named name (exact bytes), NULL if the view has none. */
const hcview_prop *hcview_prop_named(const hcview *v, const char *name);

/* A plain sample value of JSON type t ("string" -> "apiharness", "number" ->
 * 12345, "boolean" -> true, "null", "array" -> [], anything else -> {}),
 * meant as a value of a type a location does NOT allow.  New tree: the caller
 * frees it with cJSON_Delete (NULL when out of memory). */
cJSON *hcview_sample_of(const char *t);

#endif
