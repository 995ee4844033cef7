/* fuzz_common: what every fuzz target shares.
 *
 * The spec document is compiled into each target (fuzz_spec_blob.c, generated
 * by CMake from spec/create-api-token.openapi.json), so a target copied
 * anywhere (ClusterFuzzLite's $OUT) needs no file beside it;
 * APIHARNESS_FUZZ_SPEC=FILE loads another document instead.
 *
 * Fuzz targets are processes with one job: the loaded spec lives for the whole
 * process (fuzz_env_get loads it once and never frees it).  An oracle failure
 * is fuzz_die: one line on stderr naming the target and the broken property,
 * then abort(), which libFuzzer reports as a crash with the input saved. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "json/hjson.h"
#include "rules/hrules.h"
#include "schema/hschema.h"
#include "spec/hspec.h"

extern const unsigned char fuzz_spec_data[]; /* the default spec, generated */
extern const size_t fuzz_spec_data_len;

typedef struct {
  hspec *spec;
  hrules *rules;
  const hschema *dto;     /* the request schema (first documented request media type) */
  const hschema *created; /* the 201 body schema (ApiToken), NULL if undocumented */
  const hschema *problem; /* the 400 body schema (ProblemDetails), NULL if undocumented */
} fuzz_env;

/* Loads the spec and compiles the rules on first use; dies when they do not
 * load (a broken build, not a finding).  Owned by the process. */
const fuzz_env *fuzz_env_get(void);

/* The spec's schema node (possibly a {"$ref"}) of the first JSON media type
 * documented for a response status (as hrules_response_schema picks it), or of
 * the first request media type when status is 0; NULL when none. */
const cJSON *fuzz_spec_schema(const fuzz_env *env, int status);

/* 1 unless APIHARNESS_FUZZ_ORACLES_OFF (a comma-separated list) names the
 * oracle: "walk" (fuzz_rfc8259.h), "gen" (fuzz_gen.h).  For bench/fuzz/run,
 * which measures each oracle's cost as a ratio to the target without it. */
int fuzz_oracle_enabled(const char *name);

/* Prints "<target>: oracle failed: <message>" and aborts. */
void fuzz_die(const char *target, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* 1 when both results hold the same violations in the same order (instance,
 * schema, keyword, message, warning) and the same counts. */
int fuzz_results_equal(const hschema_result *a, const hschema_result *b);

/* The request-body pipeline of create_dto_fuzzer and dto_structure_fuzzer,
 * with its oracles:
 *  - whatever the strict reader accepts, cJSON accepts (except cJSON's own
 *    documented limit: number literals longer than 63 characters);
 *  - the RFC 8259 invariant walk holds on every accepted tree (fuzz_rfc8259.h);
 *  - the verdict and the violation list are deterministic (checked twice);
 *  - hrules_check_request's verdict agrees with its error count;
 *  - a body that validates, printed by cJSON and read again, validates again
 *    and (when no string holds a NUL byte, which cJSON_Print truncates) equals
 *    the original.
 * Returns 1 valid, 0 invalid, -1 not strict JSON.  State reused across calls:
 * one per thread. */
typedef struct fuzz_dto fuzz_dto;
fuzz_dto *fuzz_dto_new(void); /* NULL when out of memory; free with fuzz_dto_free */
void fuzz_dto_free(fuzz_dto *d);
int fuzz_dto_check(fuzz_dto *d, const char *target, const uint8_t *data, size_t size);
/* The tree the last fuzz_dto_check read (NULL when it was not strict JSON),
 * valid until the next call. */
const cJSON *fuzz_dto_root(const fuzz_dto *d);

/* Writes an escaped, one-line excerpt of data into out (cap bytes, always
 * NUL-terminated): printable ASCII as is, \n \r \t \\ escaped, other
 * bytes as \xNN; "...(N bytes)" appended when cut.  For oracle messages. */
void fuzz_escape(char *out, size_t cap, const uint8_t *data, size_t size);

/* 1 when some string or member name under node holds a NUL byte. */
int fuzz_tree_has_nul(const cJSON *node);

#endif
