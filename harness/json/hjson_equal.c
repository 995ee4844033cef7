/* hjson_equal: structural equality of JSON values and a hash consistent with
 * it (see hjson.h), for enum, uniqueItems and the judge's echo checks.
 * Numbers compare by value, strings by their true bytes (NUL included),
 * objects regardless of member order: large objects through sorted member
 * lists, so the comparison stays O(n log n). */
#include "json/hjson.h"

#include "json/hjson_int.h"

#include <stdlib.h>
#include <string.h>

static size_t child_count(const cJSON *n) {
  size_t k = 0;
  for (const cJSON *c = n->child; c; c = c->next)
    k++;
  return k;
}

typedef struct {
  const cJSON *node;
  size_t index; /* position in the object: keeps duplicate names in order */
} member_ref;

static int name_cmp(const cJSON *x, const cJSON *y) {
  size_t xl = 0, yl = 0;
  const char *xk = hjson_key(x, &xl), *yk = hjson_key(y, &yl);
  if (!xk)
    xk = "", xl = 0;
  if (!yk)
    yk = "", yl = 0;
  size_t m = xl < yl ? xl : yl;
  int r = memcmp(xk, yk, m);
  if (r)
    return r;
  return xl < yl ? -1 : xl > yl;
}

static int member_cmp(const void *a, const void *b) {
  const member_ref *x = a, *y = b;
  int r = name_cmp(x->node, y->node);
  if (r)
    return r;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* The k-th member (0-based) of obj named like m, or NULL. */
static const cJSON *nth_named(const cJSON *obj, const cJSON *m, size_t k) {
  for (const cJSON *c = obj->child; c; c = c->next)
    if (name_cmp(c, m) == 0 && k-- == 0)
      return c;
  return NULL;
}

#define EQUAL_SORT_MIN 16 /* objects this large are compared by sorted names */

/* Equal when both have the same names with equal values; when a name repeats
 * (allow_duplicates), its k-th occurrences are compared with each other. */
static int objects_equal(const cJSON *a, const cJSON *b) {
  size_t na = child_count(a), nb = child_count(b);
  if (na != nb)
    return 0;
  if (na >= EQUAL_SORT_MIN) {
    member_ref *sa = malloc(na * sizeof *sa), *sb = malloc(nb * sizeof *sb);
    if (sa && sb) {
      size_t i = 0;
      for (const cJSON *m = a->child; m; m = m->next, i++)
        sa[i] = (member_ref){m, i};
      i = 0;
      for (const cJSON *m = b->child; m; m = m->next, i++)
        sb[i] = (member_ref){m, i};
      qsort(sa, na, sizeof *sa, member_cmp);
      qsort(sb, nb, sizeof *sb, member_cmp);
      int eq = 1;
      for (i = 0; i < na && eq; i++)
        eq = name_cmp(sa[i].node, sb[i].node) == 0 && hjson_equal(sa[i].node, sb[i].node);
      free(sa);
      free(sb);
      return eq;
    }
    free(sa);
    free(sb);
    /* out of memory: fall back to the quadratic comparison below */
  }
  for (const cJSON *m = a->child; m; m = m->next) {
    size_t k = 0;
    for (const cJSON *p = a->child; p != m; p = p->next)
      if (name_cmp(p, m) == 0)
        k++;
    const cJSON *o = nth_named(b, m, k);
    if (!o || !hjson_equal(m, o))
      return 0;
  }
  return 1;
}

int hjson_equal(const cJSON *a, const cJSON *b) {
  if (a == b)
    return 1;
  if (!a || !b)
    return 0;
  int t = a->type & 0xFF;
  if (t != (b->type & 0xFF))
    return 0;
  switch (t) {
  case cJSON_False:
  case cJSON_True:
  case cJSON_NULL: return 1;
  case cJSON_Number: return a->valuedouble == b->valuedouble;
  case cJSON_String: {
    size_t la, lb;
    const char *sa = hjson_string(a, &la), *sb = hjson_string(b, &lb);
    if (!sa || !sb)
      return sa == sb;
    return la == lb && memcmp(sa, sb, la) == 0;
  }
  case cJSON_Array: {
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
      if (!hjson_equal(x, y))
        return 0;
    return !x && !y;
  }
  case cJSON_Object: return objects_equal(a, b);
  default: return 0;
  }
}

uint64_t hjson_hash(const cJSON *node) {
  if (!node)
    return 0;
  int t = node->type & 0xFF;
  uint64_t h = hjson_mix64((uint64_t)t + 0x51ED2701ULL);
  switch (t) {
  case cJSON_Number: {
    double v = node->valuedouble;
    if (v == 0)
      v = 0; /* -0 == 0 */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return hjson_mix64(h ^ bits);
  }
  case cJSON_String: {
    size_t l = 0;
    const char *s = hjson_string(node, &l);
    return s ? hjson_hash_bytes((const unsigned char *)s, l, h) : h;
  }
  case cJSON_Array:
    for (const cJSON *c = node->child; c; c = c->next)
      h = hjson_mix64(h * 31 + hjson_hash(c));
    return h;
  case cJSON_Object: {
    uint64_t sum = 0;
    for (const cJSON *c = node->child; c; c = c->next) {
      size_t kl = 0;
      const char *k = hjson_key(c, &kl);
      uint64_t kh = k ? hjson_hash_bytes((const unsigned char *)k, kl, 0x6B6579) : 0;
      sum += hjson_mix64(kh ^ (hjson_hash(c) * 0x9E3779B97F4A7C15ULL));
    }
    return hjson_mix64(h ^ sum);
  }
  default: return h;
  }
}
