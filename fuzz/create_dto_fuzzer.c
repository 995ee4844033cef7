/* create_dto_fuzzer: bytes -> strict reader -> CreateApiTokenDto validator
 * (the spec's request schema plus the prose rules, hrules_check_request).
 * Oracles beyond "no crash" are in fuzz_dto_check (fuzz_common.h):
 * determinism, strict-accepts within cJSON-accepts, print/re-read round trip. */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One pipeline per process: its arena and result lists are reused. */
static fuzz_dto *create_dto_state;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!create_dto_state) {
    fuzz_env_get();
    create_dto_state = fuzz_dto_new();
    if (!create_dto_state) fuzz_die("create_dto_fuzzer", "out of memory at start");
  }
  (void)fuzz_dto_check(create_dto_state, "create_dto_fuzzer", data, size);
  return 0;
}
