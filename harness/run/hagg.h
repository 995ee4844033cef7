/* hagg: aggregation of a run's results into the report's requirement list -
 * below the CLI.
 *
 * A requirement's status is the worst status of every check that carries it
 * (the "status" check carries the case's own requirement), over the catalogue
 * cases and the explore phase: a requirement failed by explore is failed.  A
 * case that could not run ("error") makes its own requirement fail (what could
 * not run cannot be certified); a requirement no case judged is "skip" with
 * the reason.  Requirements that checks name but the catalogue lacks are added
 * with class, title and source from the registry (rules/hreq.h); an id it does
 * not know is added as class and source "unregistered", never guessed.
 * Statuses are hstatus values (rules/hstatus.h); words only where the case
 * results and the report are JSON. */
#ifndef HAGG_H
#define HAGG_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define HAGG_CASES_LISTED 50 /* case ids listed per requirement */

typedef struct hagg hagg;

/* catalogue_requirements: the catalogue's "requirements" array (copied). */
hagg *hagg_new(const cJSON *catalogue_requirements) __attribute__((warn_unused_result));
void hagg_free(hagg *a);

/* Folds one case result ({"status", "detail", "checks": [...]}) whose own
 * requirement is `requirement`, listed under the id shown_id. */
void hagg_case(hagg *a, const char *requirement, const cJSON *result, const char *shown_id);

/* Folds the explore section's "requirements" ([{"id","class","title","status"}]). */
void hagg_explore(hagg *a, const cJSON *explore);

/* The requirement array of the report (cJSON_Delete; the hagg is spent);
 * *any_fail is set when one of them failed.  NULL when out of memory. */
cJSON *hagg_finish(hagg *a, int *any_fail) __attribute__((warn_unused_result));
size_t hagg_count(const hagg *a);

#endif
