/* hjson_int.h: what the files of harness/json/ share (hjson.c, the strict
 * reader; hjson_equal.c, equality and hashing).  Not a public API: nothing
 * outside this folder includes it. */
#ifndef HJSON_INT_H
#define HJSON_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A 64-bit finaliser (MurmurHash3's fmix64). */
static inline uint64_t hjson_mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/* A seeded hash of s[0..n), eight bytes at a time: the reader's duplicate-name
 * table (seeded per doc) and hjson_hash. */
static inline uint64_t hjson_hash_bytes(const unsigned char *s, size_t n, uint64_t seed) {
  uint64_t h = seed ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    s += 8;
    n -= 8;
  }
  uint64_t w = 0;
  memcpy(&w, s, n);
  h = (h ^ w ^ ((uint64_t)n << 59)) * 0x94d049bb133111ebULL;
  return hjson_mix64(h);
}

#endif
