/* api_token_response_fuzzer: bytes as the body of a 201 (application/json)
 * through the judgement certify uses; oracles in fuzz_judge.h. */
#include "fuzz_judge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_judge_body("api_token_response_fuzzer", 201, "application/json", data, size);
  return 0;
}
