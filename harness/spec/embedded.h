/* The spec documents compiled into the library (generated at build time by
 * fuzz/embed.cmake from spec/create-api-token.openapi.json into the build
 * tree's generated/hspec_embedded_spec.c; see the top-level CMakeLists.txt).
 * Only hspec_load.c reads these: everyone else goes through hspec_builtin or
 * hspec_load_file("builtin:..."). */
#ifndef HSPEC_EMBEDDED_H
#define HSPEC_EMBEDDED_H

#include <stddef.h>

/* The file's bytes followed by a NUL; _len excludes the NUL. */
extern const unsigned char hspec_embedded_spec[];
extern const size_t hspec_embedded_spec_len;

/* The embedded document's name after "builtin:". */
#define HSPEC_EMBEDDED_SPEC_NAME "create-api-token.openapi.json"

#endif
