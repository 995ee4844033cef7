/* Internal to harness/judge/: what hjudge.c (the response checks) and
 * hjudge_echo.c (the echo checks of a 201) share.  Not part of the public
 * contract; nothing outside this folder includes it. */
#ifndef HJUDGE_IMPL_H
#define HJUDGE_IMPL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "judge/hjudge.h"
#include "rules/hrules.h"

/* The echo checks of a 201: request `req` against response `resp` (both JSON
 * objects; anything else: nothing to check).  See "Echo of a 201" in hjudge.h. */
void hjudge_check_echo(const hrules *rules, hjudge_verdict *v, const cJSON *req,
                       const cJSON *resp);

#endif
