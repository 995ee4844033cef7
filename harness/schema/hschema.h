/* hschema: compile OpenAPI 3.0 Schema Objects (and draft-04 style JSON Schema
 * documents) once, validate many instances.
 *
 * Keywords: type, nullable, properties, additionalProperties (false, {}, schema),
 * required, allOf, anyOf, oneOf, not, $ref (local, "#/..."), enum, pattern,
 * format, items, minItems, maxItems, uniqueItems, minLength, maxLength (code
 * points), minimum, maximum, exclusiveMinimum/exclusiveMaximum (boolean, 3.0 /
 * draft-04), multipleOf, minProperties, maxProperties, readOnly/writeOnly by
 * direction, deprecated (a warning).  Unknown keywords are ignored, as JSON
 * Schema says.  Property names compare byte for byte ("group.buyers" is one
 * name).
 *
 * nullable: null is accepted wherever "nullable": true stands, whatever else the
 * same schema object says (type, allOf, $ref siblings, enum): "null is also
 * allowed here", the reading the spec's generator means.
 *
 * pattern has ECMA-262 meaning (PCRE2 with UTF, JIT, without UCP):
 * \d is [0-9] only, $ matches only at the very end, an unanchored pattern
 * searches, '.' excludes the four ECMA line terminators (\n \r U+2028 U+2029),
 * \s is ECMA's Unicode white space, [] and [^] are the empty and the full class,
 * escapes only PCRE knows (\Q \A \Z \h ...) are the letters themselves;
 * patterns over 64 KiB do not compile (see pattern.c).  A pattern that does not compile is a
 * compile error naming its location; a match that hits the match/depth limit is a violation.
 *
 * format: date-time and date per RFC 3339 (real calendar: leap years, 60 only as
 * a leap second); int32 and int64 ranges, exact from the number's text; other
 * formats accepted.
 *
 * Threads: a compiled hschema_set is immutable; many threads may validate with
 * it at once, each with its own hschema_result.
 *
 * Files: hschema_compile.c compiles (hschema_set_*, hschema_compile); validate.c
 * validates and keeps the results (hschema_validate, hschema_result_*);
 * pattern.c translates and runs ECMA patterns; format.c checks formats and
 * compares numbers exactly; hschema_text.c holds the message words the
 * compiler and the validator share; hschema_impl.h is the compiled form. */
#ifndef HSCHEMA_H
#define HSCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/herr.h"

#define HSCHEMA_MSG_MAX HERR_MSG_MAX
#define HSCHEMA_DEFAULT_MAX_VIOLATIONS 100

/* Errors are an herr (util/herr.h): msg is one line, what and where (the
 * schema pointer); code is 0. */

typedef enum {
  HSCHEMA_DIR_NONE = 0, /* readOnly / writeOnly not checked */
  HSCHEMA_DIR_REQUEST,  /* readOnly properties must be absent; required ignores them */
  HSCHEMA_DIR_RESPONSE  /* writeOnly properties must be absent; required ignores them */
} hschema_direction;

typedef struct hschema_set hschema_set; /* compiled schemas over one document */
typedef struct hschema hschema;         /* one compiled schema inside a set */

/* A set compiles schemas that live in document `root` (the spec, or a
 * standalone schema document); $ref is resolved inside root.  `name` prefixes
 * schema locations in violations when non-NULL and not "" (e.g. "rules" gives
 * "rules#/..."); otherwise locations start with "#".  root must outlive the set.
 * NULL when out of memory. */
hschema_set *hschema_set_new(const cJSON *root, const char *name);
void hschema_set_free(hschema_set *set);

/* Compiles the schema at `pointer` in the set's document ("#/components/schemas/X",
 * "#" for the root, "#/definitions/Y").  Compiling the same location twice gives
 * the same hschema.  Cycles through properties/items are fine; a cycle that
 * never descends into the instance (A = allOf[$ref A]) is an error.  Returns
 * NULL with *err filled.  The result lives as long as the set. */
const hschema *hschema_compile(hschema_set *set, const char *pointer, herr *err)
    __attribute__((warn_unused_result));

/* The location the schema was compiled from ("#/components/schemas/X"), with
 * the set's name prefix when it has one ("rules#/x/schema").  Locations are
 * URI fragments: bytes such as space, '"', '%' or control characters in member
 * names are %-encoded ("#/definitions/a%20b"); '~' and '/' are ~0 and ~1.
 *
 * Compile errors read "<schema location>/<keyword>: <what is wrong>", e.g.
 * "#/components/schemas/X/properties/a/minLength: "minLength" must be a
 * non-negative integer, got string". */
const char *hschema_location(const hschema *schema);

typedef struct {
  const char *instance; /* JSON pointer into the instance: "" root, "/account/id" */
  const char *schema;   /* "#/components/schemas/AccountDto/properties/id/allOf/0/pattern" */
  const char *keyword;  /* "pattern" */
  const char *message;  /* one line a person understands */
  int warning;          /* 1: not a failure (deprecated) */
} hschema_violation;
/* Notes on violations:
 *  - additionalProperties, readOnly, writeOnly and deprecated point at the
 *    member ("/Name"); required, minProperties and the like at the object.
 *  - keyword "false": the boolean schema false; keyword "limit": validation
 *    stopped (combinators that would take exponential time on this instance,
 *    or nesting deeper than the validator follows) - an error.
 *  - anyOf / oneOf / not report one violation for the combinator; the branches'
 *    own failures are not listed. */

/* Per-thread validation state and the violations found: reuse it for many
 * validations (it keeps its memory).  max_violations 0 means the default; past
 * the cap further violations are counted but not kept. */
typedef struct hschema_result hschema_result;
hschema_result *hschema_result_new(size_t max_violations);
void hschema_result_free(hschema_result *r);
/* Forgets the violations (keeps the memory). */
void hschema_result_reset(hschema_result *r);

/* Validates instance (a tree from hjson_parse; cJSON-made trees work too) and
 * APPENDS what it finds to r (call hschema_result_reset first for a fresh list).
 * Returns 1 when
 * this call found no error (warnings allowed), 0 otherwise. */
int hschema_validate(const hschema *schema, const cJSON *instance, hschema_direction dir,
                     hschema_result *r);

size_t hschema_result_count(const hschema_result *r);    /* kept violations */
size_t hschema_result_errors(const hschema_result *r);   /* errors found, kept or not */
size_t hschema_result_warnings(const hschema_result *r); /* warnings found */
int hschema_result_truncated(const hschema_result *r);   /* 1 when the cap dropped some */
const hschema_violation *hschema_result_at(const hschema_result *r, size_t i);

/* Appends a violation made elsewhere (the prose rules, the judge) so that one
 * list carries everything; the strings are copied. */
void hschema_result_add(hschema_result *r, const char *instance, const char *schema,
                        const char *keyword, const char *message, int warning);

/* Format checks, exposed for the judge and the mock (lengths in bytes). */
int hschema_is_date_time(const char *s, size_t len); /* RFC 3339 date-time */
int hschema_is_date(const char *s, size_t len);      /* RFC 3339 full-date */

#endif
