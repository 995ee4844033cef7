/* fuzz_judge: bytes as a response body through the judgement certify uses
 * (hjudge_response_judge), with oracles:
 *  - deterministic: the same response judged twice gives the same verdict;
 *  - the strict profile is never more lenient than the default one;
 *  - "strict-json" fails exactly when the strict reader rejects the body;
 *  - "schema"/"prose:*" agree with hrules_check_response on the same body;
 *  - (400) "problem-status" fails exactly when ProblemDetails.status is a
 *    number other than the HTTP status;
 *  - no check message and no detail contains the body's token value (secrets
 *    never reach a report);
 *  - the RFC 8259 walk on the body when the strict reader accepts it
 *    (fuzz_rfc8259.h);
 *  - the structure oracle on the schema documented for the status (fuzz_gen.h),
 *    on one input in four: a generated valid body (nullable allOf members,
 *    boundary date-times) is accepted, near misses of it and of the input
 *    (when the schema accepts it) are rejected. */
#ifndef FUZZ_JUDGE_H
#define FUZZ_JUDGE_H

#include <stddef.h>
#include <stdint.h>

/* status: 201 or 400; content_type: as a server would send it. */
void fuzz_judge_body(const char *target, int status, const char *content_type,
                     const uint8_t *data, size_t size);

#endif
