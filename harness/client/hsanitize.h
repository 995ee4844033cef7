/* hsanitize: the one gate every string derived from a peer passes before it
 * enters a result (compliance.json case entries, replay's terminal output).
 *
 * hsanitize(text, len, secrets, n, cap, flags) returns a malloc'd,
 * NUL-terminated string that is:
 *   - free of every secret in secrets[0..n) (bearer token, 201 token values,
 *     the auth-variant values derived from the token; secrets shorter than
 *     HSANITIZE_MIN_SECRET bytes are ignored, they would shred the text), in
 *     its raw form and in every escaped form a server's encoder produces: JSON
 *     escapes (\/, \", \\, \n ..., \uXXXX in either hex case, surrogate pairs
 *     for non-BMP characters), percent-encoding (%XX in either case), and any
 *     mix of them and raw bytes ("S\u0065cr%65t" is still "Secret").  Each
 *     occurrence becomes "<redacted>";
 *   - cut at the string value of every JSON member "token" to its first 4
 *     characters + "...<redacted>" (a token value nobody configured);
 *   - valid UTF-8: an invalid byte becomes the four characters \xNN;
 *   - free of control characters: \n \r \t become "\n" "\r" "\t" (two
 *     characters) unless HSANITIZE_MULTILINE keeps \n and \t; every other
 *     C0 byte and DEL become \xNN;
 *   - with HSANITIZE_FRAGMENTS, free of any HSANITIZE_FRAGMENT consecutive
 *     bytes of a longer secret too (a quoted window of it);
 *   - at most cap bytes of the (redacted) input, "..." appended when cut (cap 0:
 *     HSANITIZE_DEFAULT_CAP).  The output is at most 4 * cap + 16 bytes.
 * Redaction looks a little past the cap, so a secret straddling it is still
 * removed.  NULL text is treated as "".  Returns NULL only when out of memory.
 *
 * Pure, thread-safe, no I/O. */
#ifndef HSANITIZE_H
#define HSANITIZE_H

#include <stddef.h>

#define HSANITIZE_MIN_SECRET 4
#define HSANITIZE_DEFAULT_CAP 512
#define HSANITIZE_MULTILINE 1u /* keep \n and \t as they are (body excerpts) */
/* also redact any run of HSANITIZE_FRAGMENT or more consecutive bytes of a
 * longer secret (in any of the forms above): for short texts that may quote a
 * window of a value (a judge message quotes at most 40 bytes of a value, so a
 * long secret could show in part); costs secrets x their length per byte */
#define HSANITIZE_FRAGMENTS 2u
#define HSANITIZE_FRAGMENT 12

char *hsanitize(const char *text, size_t len, const char *const *secrets, size_t n, size_t cap,
                unsigned flags) __attribute__((warn_unused_result));

/* hsanitize into a fixed buffer (dst, cap bytes including the NUL); the input
 * is cut so the result fits.  Out of memory gives "". */
void hsanitize_into(char *dst, size_t cap, const char *text, size_t len, const char *const *secrets,
                    size_t n);

/* Only the redaction above, nothing else (no cap, no escaping): a malloc'd,
 * NUL-terminated copy of text[0..len) with the secrets and the "token" member
 * values redacted; *out_len (may be NULL) gets its length.  NULL when out of
 * memory. */
char *hsanitize_redact(const char *text, size_t len, const char *const *secrets, size_t n,
                       size_t *out_len) __attribute__((warn_unused_result));

/* hsanitize_redact applied to every string value of the tree node (any depth
 * up to 64; member names are left as they are): 0, or -1 when out of memory
 * (the tree is then partly redacted: do not show it). */
struct cJSON;
int hsanitize_json_strings(struct cJSON *node, const char *const *secrets, size_t n);

/* 1 when text[0..len) holds a secret in any of the forms above. */
int hsanitize_contains_secret(const char *text, size_t len, const char *const *secrets, size_t n);

#endif
