/* hschema_text.h: the words the schema compiler (hschema_compile.c) and the validator
 * (validate.c) both put in their messages, so that neither calls into the
 * other.  Internal to harness/schema/; not part of the public contract. */
#ifndef HSCHEMA_TEXT_H
#define HSCHEMA_TEXT_H

#include <cjson/cJSON.h>

/* The JSON type of a node as messages name it: "string", "number" (integers
 * too), "object", "array", "boolean", "null"; "invalid value" for NULL or a
 * node of no JSON type.  Static. */
const char *hschema_json_type(const cJSON *n);

#endif
