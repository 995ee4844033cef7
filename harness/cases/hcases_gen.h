/* hcases_gen: the harness's one generator of values from schemas.  The case
 * catalogue (harness/cases/), the mock's 201 and ProblemDetails bodies
 * (harness/mock/) and the explore phase (harness/explore/) all draw their
 * strings, numbers and format values here, so a spec that one of them can
 * satisfy, all of them can.  (fuzz/fuzz_gen.c keeps its own generator on
 * purpose: it is an independent oracle.)
 *
 * What it gives:
 *  - a seedable random source (hcgen_rng, xorshift64), and a callback form of
 *    any random source (hcgen_rand) for callers that keep their own;
 *  - a string matching an ECMA-262 pattern (hcgen_pattern), with control over
 *    which member each choice takes (random, first, last, cycling, or the
 *    digits of a number: distinct numbers give distinct strings) and over the
 *    repetitions (a fixed stretch beyond each least count, and a random one);
 *  - a valid scalar for a schema view (hcgen_scalar, hcgen_string,
 *    hcgen_number): the first enum value; a string of its format, else of its
 *    first pattern, else a plain one, within minLength / maxLength; an integer
 *    or number within minimum / maximum (exclusive ones too), multipleOf and
 *    the int32 / int64 ranges; true for a boolean;
 *  - the format tables (hcgen_format_values): valid values spread over each
 *    format's grammar, and near misses that break it in exactly one place,
 *    with a checker (hcgen_format_check) for the formats the validator leaves
 *    open.
 *
 * Patterns: literals (UTF-8 too), escapes (\d \w \s and their negations,
 * \n \t \r \f \v \0, \x with two hex digits, \u with four, an escaped
 * punctuation character), classes
 * with ranges and escapes (negated ones too: their printable ASCII
 * complement), '.', groups ((...), (?:...), (?<name>...)) with alternatives,
 * alternatives at the top level, the quantifiers ? * + {n} {n,} {n,m} (lazy
 * ones too) and the anchors ^ $ and \b \B (they match no character).  Not
 * generated: look-around, backreferences, \p{...}, \cX, classes whose members
 * are all non-ASCII.  Members drawn: \d is 0-9, \w is a-z then 0-9, \s is a
 * space, '.' is 'x'; a class's members in pattern order (duplicates dropped).
 *
 * Names: every public name carries the prefix hcgen_ / HCGEN_.  Pure: no I/O,
 * no global state; thread-safe (each call uses only what it is given). */
#ifndef HCASES_GEN_H
#define HCASES_GEN_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/hcases_view.h"

/* ---------- the random source ---------- */

/* xorshift64 (13, 7, 17).  Seed it with hcgen_rng_seed (any seed, 0 too), or
 * set .state to a non-zero value directly (the case generator's source). */
typedef struct {
  uint64_t state;
} hcgen_rng;

void hcgen_rng_seed(hcgen_rng *r, uint64_t seed);
uint64_t hcgen_rng_next(hcgen_rng *r);

/* Any random source as a callback: next(ctx) returns 64 random bits. */
typedef struct {
  uint64_t (*next)(void *ctx);
  void *ctx;
} hcgen_rand;

/* r as a callback source (r must outlive its use). */
hcgen_rand hcgen_rand_of(hcgen_rng *r);

/* ---------- strings from patterns ---------- */

typedef enum {
  HCGEN_PICK_RANDOM = 0, /* a random member: rand mod size (one draw per choice) */
  HCGEN_PICK_FIRST,      /* the first member: \d -> '0', an alternation's first branch */
  HCGEN_PICK_LAST,       /* the last member: \d -> '9' */
  HCGEN_PICK_CYCLE,      /* member (choices so far + offset) mod size: 0123-4567 */
  HCGEN_PICK_DIGITS      /* offset written in mixed radix: each choice takes
                          * offset mod size, then offset /= size (choices of one
                          * member skipped), so distinct offsets give distinct
                          * strings while the pattern has room for them */
} hcgen_pick;

typedef struct {
  hcgen_pick pick;
  uint64_t offset; /* HCGEN_PICK_CYCLE / HCGEN_PICK_DIGITS */
  long stretch;    /* each quantifier repeats its atom this many times more
                    * than its least count, within its upper bound */
  long spread;     /* then 0..spread times more at random (needs rand) */
  hcgen_rand rand; /* HCGEN_PICK_RANDOM and spread; next NULL: the first
                    * member and no spread */
  size_t pick_max; /* out: the most members a choice had (a literal: 1) */
} hcgen_pattern_opts;

/* Extra repetitions of one quantifier (stretch + spread) are capped here,
 * unless its least count is larger. */
#define HCGEN_REPEAT_MAX 64

/* A string matching pattern into out (NUL-terminated; *len, when len is not
 * NULL, gets its bytes).  1, or 0 when the pattern uses what is not generated
 * (see above), is malformed, or the string does not fit in cap bytes. */
int hcgen_pattern(const char *pattern, hcgen_pattern_opts *o, char *out, size_t cap, size_t *len);

/* ---------- values of a format: valid ones and near misses ---------- */

typedef struct {
  const char *kind;  /* an id part: "leap-day-offset", "month-13" */
  const char *title; /* "on a leap day, with a fraction and an offset" */
  const char *value;
} hcgen_fval;

/* The valid values (valid 1) or near misses (valid 0) of a format, at most
 * cap pointers into a static table.  Valid values: date-time, date, time,
 * uuid, email, idn-email, uri, url, iri, uri-reference, iri-reference,
 * hostname, idn-hostname, ipv4, ipv6, byte.  Near misses (each breaks the
 * format in one place): date-time, date, uuid, email, uri.  0 for another
 * format (or NULL). */
size_t hcgen_format_values(const char *format, int valid, const hcgen_fval **out, size_t cap);

/* The first valid value of a format (the one generated), NULL when the table
 * has none. */
const char *hcgen_format_value(const char *format);

/* The generator's own reading of the formats the validator leaves open:
 * uuid (8-4-4-4-12 hex digits), email (local@domain, one '@', no space),
 * uri (RFC 3986: a scheme, then URI characters).  1 valid, 0 invalid, -1 a
 * format it does not read (or NULL). */
int hcgen_format_check(const char *format, const char *s);

/* A version-4 uuid from 128 bits (hi, lo) into out (37 bytes: 36 + NUL),
 * lower case. */
void hcgen_uuid(uint64_t hi, uint64_t lo, char out[37]);

/* ---------- valid scalars for a view ---------- */

/* 1 when x satisfies the view's numeric keywords: minimum, maximum (exclusive
 * too), multipleOf, an integer type, the int32 / int64 format ranges. */
int hcgen_number_ok(const hcview *v, double x);

/* A number the view accepts, as close to want as its bounds allow: want
 * itself when it is accepted; else want moved inside minimum / maximum
 * (past an exclusive bound by 1 for an integer, by 0.5, or half the room,
 * for a number), then onto multipleOf; a fraction is snapped to the double
 * its shortest accepted decimal text reads as (see hcgen_number_text), so
 * any printer writes "0.3", not "0.30000000000000004".  1 with *out set, or
 * 0 (*out = the nearest try) when the bounds admit no value the generator
 * finds. */
int hcgen_number(const hcview *v, double want, double *out);

/* x as JSON number text into buf (NUL-terminated; 32 bytes always suffice):
 * a whole number below 1e15 without a fraction, else the fewest significant
 * digits (up to 17) whose value is x, or is within 1e-12 (relative) of x and
 * accepted by the view (multipleOf 0.1: "0.3", not "0.30000000000000004",
 * which is not a multiple of 0.1 when read exactly).  1, or 0 when cap is too
 * small. */
int hcgen_number_text(const hcview *v, double x, char *buf, size_t cap);

/* The enum value generated: the first one that is not null (null when it is
 * the only one); NULL when the view has no enum. */
const cJSON *hcgen_enum_value(const hcview *v);

/* A valid string for the view into out (NUL-terminated, *len bytes when len
 * is not NULL): its format's first valid value when it has a format the
 * table knows and no pattern; else a string of its first pattern (drawn with
 * o; drawn again with the stretch minLength when shorter than minLength);
 * else base ("apiharness" when NULL) padded with 'x' to minLength and cut to
 * maxLength (code points).  1, or 0 when the value does not fit in cap or the
 * pattern is not generated. */
int hcgen_string(const hcview *v, const char *base, hcgen_pattern_opts *o, char *out, size_t cap,
                 size_t *len);

typedef enum {
  HCGEN_STRING = 1,
  HCGEN_NUMBER,  /* number; integer 1 when the view's type is integer */
  HCGEN_BOOLEAN, /* true */
  HCGEN_NULL,
  HCGEN_ENUM /* json: the enum value (a node of the spec) */
} hcgen_kind;

typedef struct {
  hcgen_kind kind;
  const cJSON *json;
  double number;
  int integer;
  char *str; /* HCGEN_STRING: the caller's buffer (see hcgen_scalar) */
  size_t len;
} hcgen_value;

/* A valid value for a scalar view (type string, integer, number, boolean,
 * "null", or none: a string), the string (if any) written into buf (cap
 * bytes) as hcgen_string does with base.  1, or 0 (out->kind set all the
 * same, a best try) when the view admits no value the generator finds. */
int hcgen_scalar(const hcview *v, const char *base, hcgen_pattern_opts *o, char *buf, size_t cap,
                 hcgen_value *out);

#endif
