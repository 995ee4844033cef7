/* problem_details_fuzzer: bytes as the body of a 400
 * (application/problem+json) through the judgement certify uses; oracles in
 * fuzz_judge.h (with the RFC 9457 status agreement). */
#include "fuzz_judge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_judge_body("problem_details_fuzzer", 400, "application/problem+json", data, size);
  return 0;
}
