/* The benchmark's baseline: bytes -> cJSON_ParseWithLengthOpts -> cJSON_Delete,
 * nothing else.  Built exactly like create_dto_fuzzer (same flags, the same
 * instrumented cJSON) by fuzz/CMakeLists.txt, so bench/fuzz/run measures what
 * the strict reader and the validator cost on top of a plain parse. */
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *end = NULL;
  cJSON *tree = cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0);
  cJSON_Delete(tree);
  return 0;
}
