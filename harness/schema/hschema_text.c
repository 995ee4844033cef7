/* hschema_text: message words shared by the compiler and the validator (see
 * hschema_text.h). */
#include "schema/hschema_text.h"

const char *hschema_json_type(const cJSON *n) {
  switch (n ? n->type & 0xFF : 0) {
  case cJSON_False:
  case cJSON_True: return "boolean";
  case cJSON_NULL: return "null";
  case cJSON_Number: return "number";
  case cJSON_String: return "string";
  case cJSON_Array: return "array";
  case cJSON_Object: return "object";
  default: return "invalid value";
  }
}
