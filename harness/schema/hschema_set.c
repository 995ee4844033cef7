/* hschema_set: a set of compiled schemas over one document - its memory (an
 * arena the compiler rolls back when a compile fails), the list of what it
 * compiled and the map from a document node to its compiled schema (the same
 * node always gives the same hschema).  The compiler is hschema_compile.c. */
#include "schema/hschema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema/hschema_impl.h"

hschema_set *hschema_set_new(const cJSON *root, const char *name) {
  hschema_set *set = calloc(1, sizeof *set);
  if (!set)
    return NULL;
  set->root = root;
  set->name = strdup(name ? name : "");
  set->patterns = hpattern_cache_new();
  if (!set->name || !set->patterns) {
    hschema_set_free(set);
    return NULL;
  }
  return set;
}

void hschema_set_free(hschema_set *set) {
  if (!set)
    return;
  hutil_arena_free(&set->arena);
  free(set->list);
  free(set->map);
  hpattern_cache_free(set->patterns);
  free(set->name);
  free(set);
}

const char *hschema_location(const hschema *schema) { return schema ? schema->loc : NULL; }

/* ---- the node map: open addressing on the node's address ---- */

static size_t map_slot(const void *node, size_t mask) {
  uint64_t h = (uint64_t)(uintptr_t)node;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (size_t)h & mask;
}

hschema *hschema_set_find(const hschema_set *set, const cJSON *node) {
  if (!set->mcap)
    return NULL;
  size_t mask = set->mcap - 1;
  for (size_t i = map_slot(node, mask); set->map[i]; i = (i + 1) & mask)
    if (set->map[i]->node == node)
      return set->map[i];
  return NULL;
}

static void map_put(hschema_set *set, hschema *s) {
  size_t mask = set->mcap - 1, i = map_slot(s->node, mask);
  while (set->map[i])
    i = (i + 1) & mask;
  set->map[i] = s;
}

void hschema_set_map_refill(hschema_set *set) {
  if (!set->mcap)
    return;
  memset(set->map, 0, set->mcap * sizeof *set->map);
  for (size_t i = 0; i < set->n; i++)
    map_put(set, set->list[i]);
}

int hschema_set_map_add(hschema_set *set) {
  if ((set->n + 1) * 2 <= set->mcap) {
    map_put(set, set->list[set->n - 1]);
    return 1;
  }
  /* at most half full: twice the slots, every schema entered again */
  size_t mcap = set->mcap ? set->mcap * 2 : 64;
  hschema **m = calloc(mcap, sizeof *m);
  if (!m)
    return 0;
  free(set->map);
  set->map = m;
  set->mcap = mcap;
  hschema_set_map_refill(set);
  return 1;
}
