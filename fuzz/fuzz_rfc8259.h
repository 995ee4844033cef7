/* fuzz_rfc8259: an invariant walk over a tree the strict reader accepted,
 * written apart from harness/json so that it does not share its mistakes.
 *
 * After every strict accept, each of these must hold (RFC 8259):
 *  - every member name and every string value is well-formed UTF-8, by the
 *    table of well-formed byte sequences in Unicode 15, Table 3-7 (no
 *    overlong forms, no encoded surrogates D800-DFFF, nothing above U+10FFFF,
 *    no truncated sequence), decoded here byte by byte;
 *  - every number's text (hjson_number_text) matches the grammar of RFC 8259
 *    section 6 by the regular expression
 *    ^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\z (PCRE2, JIT),
 *    and its value is what strtod makes of that text;
 *  - member names are unique, byte for byte, in every object at every depth.
 * A broken invariant is fuzz_die with the JSON pointer of the place. */
#ifndef FUZZ_RFC8259_H
#define FUZZ_RFC8259_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* 1 when s[0..len) is well-formed UTF-8 (Table 3-7); else 0 and *bad (may be
 * NULL) gets the offset of the first byte of the ill-formed sequence. */
int fuzz_utf8_valid(const char *s, size_t len, size_t *bad);

/* 1 when text is an RFC 8259 number. */
int fuzz_number_text_valid(const char *text);

/* Walks root (a tree from hjson_parse) and dies naming target and the place
 * when an invariant above does not hold. */
void fuzz_rfc8259_walk(const char *target, const cJSON *root);

#endif
