/* Standalone replay driver: links with any <name>_fuzzer.c in place of
 * libFuzzer, so every compiler (gcc too) replays the corpus and the saved
 * crash reproducers through LLVMFuzzerTestOneInput in ctest.
 *
 *   <name>_fuzzer [-mutate=N] [-seed=S] FILE|DIR ...
 *
 * A DIR is read one level deep, in name order, skipping names that start with
 * '.' (.gitkeep).  Each file is named on stderr before it runs, so when an
 * oracle aborts the last name printed is the culprit.  Each input sits in a
 * buffer of exactly its size, so ASan sees any read past its end.
 * With -mutate=N, a target that defines LLVMFuzzerCustomMutator also gets N
 * mutations of every file (seeded from S and the file's position), each run
 * through LLVMFuzzerTestOneInput: the mutator is exercised by gcc builds too.
 * Each mutation is made twice from the same seed and must come out the same
 * (libFuzzer replays mutations by seed) and within MaxSize; with
 * LLVMFuzzerCustomCrossOver, each file is also crossed with the previous one
 * under the same checks.
 * Other -flag=value arguments (libFuzzer's) are ignored.
 *
 * Exit: 0 all inputs ran; 1 a target returned a value other than 0 or -1;
 * 2 usage, an unreadable file or directory, or nothing to replay. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX_FILE ((size_t)64 << 20) /* no corpus input is anywhere near */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
    __attribute__((weak));
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
    __attribute__((weak));

typedef struct {
  unsigned long mutations; /* per file, 0: none */
  unsigned long seed;
  size_t files;
  size_t runs;
  int failed;
  uint8_t *prev; /* the previous file, for cross-overs */
  size_t prev_size;
} replay_state;

/* libFuzzer's byte-level mutator, which custom mutators may call.  Here: one
 * random edit (flip, set, insert, erase, duplicate a byte), enough for the
 * replay's -mutate mode.  The state is per process, as in libFuzzer. */
static uint64_t replay_rng = 0x9e3779b97f4a7c15u;

static uint64_t replay_next(void) {
  replay_rng ^= replay_rng << 13;
  replay_rng ^= replay_rng >> 7;
  replay_rng ^= replay_rng << 17;
  return replay_rng;
}

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) {
  if (max_size == 0) return 0;
  if (size > max_size) size = max_size;
  size_t pos = size ? (size_t)(replay_next() % size) : 0;
  switch (replay_next() % 5) {
  case 0: /* flip a bit */
    if (size) data[pos] ^= (uint8_t)(1u << (replay_next() % 8));
    break;
  case 1: /* set a byte */
    if (size) data[pos] = (uint8_t)replay_next();
    break;
  case 2: /* insert a byte */
    if (size < max_size) {
      memmove(data + pos + 1, data + pos, size - pos);
      data[pos] = (uint8_t)replay_next();
      size++;
    }
    break;
  case 3: /* erase a byte */
    if (size) {
      memmove(data + pos, data + pos + 1, size - pos - 1);
      size--;
    }
    break;
  default: /* duplicate a byte */
    if (size && size < max_size) {
      memmove(data + pos + 1, data + pos, size - pos);
      size++;
    }
    break;
  }
  return size;
}

static int replay_run(replay_state *st, const char *name, const uint8_t *data, size_t size) {
  int rc = LLVMFuzzerTestOneInput(data, size);
  st->runs++;
  if (rc != 0 && rc != -1) {
    fprintf(stderr, "replay: %s: LLVMFuzzerTestOneInput returned %d\n", name, rc);
    st->failed = 1;
    return 1;
  }
  return 0;
}

/* One custom mutation of data, made twice from the same seed: both must fit
 * and agree.  Returns the output length in *out (malloc'd, exact size), or
 * fails. */
static int replay_mutate_once(replay_state *st, const char *name, const uint8_t *data, size_t size,
                              const uint8_t *prev, size_t prev_size, int crossover, unsigned seed,
                              uint8_t **out, size_t *out_len) {
  size_t cap = size * 2 + 4096;
  uint8_t *a = malloc(cap), *b = malloc(cap);
  if (!a || !b) {
    free(a);
    free(b);
    fprintf(stderr, "replay: %s: out of memory\n", name);
    return 2;
  }
  size_t na, nb;
  if (crossover) {
    na = LLVMFuzzerCustomCrossOver(data, size, prev, prev_size, a, cap, seed);
    nb = LLVMFuzzerCustomCrossOver(data, size, prev, prev_size, b, cap, seed);
  } else {
    memcpy(a, data, size);
    memcpy(b, data, size);
    uint64_t saved = replay_rng; /* LLVMFuzzerMutate's state: the same for both */
    na = LLVMFuzzerCustomMutator(a, size, cap, seed);
    replay_rng = saved;
    nb = LLVMFuzzerCustomMutator(b, size, cap, seed);
  }
  const char *what = crossover ? "cross-over" : "mutation";
  int rc = 0;
  if (na > cap || nb > cap) {
    fprintf(stderr, "replay: %s: %s with seed %u returned %zu bytes, more than MaxSize %zu\n",
            name, what, seed, na > nb ? na : nb, cap);
    rc = 1;
  } else if (na != nb || memcmp(a, b, na) != 0) {
    fprintf(stderr, "replay: %s: %s with seed %u is not deterministic\n", name, what, seed);
    rc = 1;
  }
  free(b);
  if (rc) {
    free(a);
    st->failed = 1;
    return rc;
  }
  /* An exact-size copy, as for files, so over-reads show. */
  *out = malloc(na ? na : 1);
  if (!*out) {
    free(a);
    return 2;
  }
  memcpy(*out, a, na);
  *out_len = na;
  free(a);
  return 0;
}

static int replay_mutations(replay_state *st, const char *name, const uint8_t *data, size_t size,
                            const uint8_t *prev, size_t prev_size) {
  if (!st->mutations || !LLVMFuzzerCustomMutator) return 0;
  for (unsigned long i = 0; i < st->mutations; i++) {
    int crossover = LLVMFuzzerCustomCrossOver && prev && i % 4 == 3;
    unsigned seed = (unsigned)(st->seed * 1000003u + st->files * 7919u + i);
    uint8_t *m = NULL;
    size_t n = 0;
    int rc = replay_mutate_once(st, name, data, size, prev, prev_size, crossover, seed, &m, &n);
    if (!rc) rc = replay_run(st, name, m, n);
    free(m);
    if (rc) return rc;
  }
  return 0;
}

static int replay_file(replay_state *st, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 2;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || (size_t)sb.st_size > REPLAY_MAX_FILE) {
    fprintf(stderr, "replay: %s: unreadable or larger than %zu bytes\n", path, REPLAY_MAX_FILE);
    fclose(f);
    return 2;
  }
  size_t size = (size_t)sb.st_size;
  uint8_t *data = malloc(size ? size : 1);
  if (!data || fread(data, 1, size, f) != size) {
    fprintf(stderr, "replay: %s: read failed\n", path);
    free(data);
    fclose(f);
    return 2;
  }
  fclose(f);
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
  int rc = replay_run(st, path, data, size);
  if (!rc) rc = replay_mutations(st, path, data, size, st->prev, st->prev_size);
  st->files++;
  free(st->prev); /* kept for the next file's cross-overs */
  st->prev = data;
  st->prev_size = size;
  return rc;
}

static int replay_name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(replay_state *st, const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 2;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) {
        rc = 2;
        goto fail;
      }
      names = grown;
    }
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(len);
    if (!names[n]) {
      rc = 2;
      goto fail;
    }
    snprintf(names[n], len, "%s/%s", path, e->d_name);
    n++;
  }
  if (n) qsort(names, n, sizeof *names, replay_name_cmp);
  for (size_t i = 0; i < n && !rc; i++) {
    struct stat sb;
    if (stat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode)) continue; /* one level deep */
    rc = replay_file(st, names[i]);
  }
fail:
  if (rc == 2 && !n) fprintf(stderr, "replay: %s: out of memory\n", path);
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  closedir(d);
  return rc;
}

static int replay_flag(const char *arg, const char *name, unsigned long *out) {
  size_t len = strlen(name);
  if (strncmp(arg, name, len) != 0 || arg[len] != '=') return 0;
  char *end = NULL;
  errno = 0;
  *out = strtoul(arg + len + 1, &end, 10);
  if (errno || !end || *end || end == arg + len + 1) {
    fprintf(stderr, "replay: bad value in '%s' (want a decimal number)\n", arg);
    exit(2);
  }
  return 1;
}

int main(int argc, char **argv) {
  replay_state st = {0};
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  int paths = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') {
      if (replay_flag(argv[i], "-mutate", &st.mutations)) continue;
      if (replay_flag(argv[i], "-seed", &st.seed)) continue;
      continue; /* a libFuzzer flag: meaningless here */
    }
    paths++;
  }
  if (!paths) {
    fprintf(stderr, "usage: %s [-mutate=N] [-seed=S] FILE|DIR ...\n", argv[0]);
    return 2;
  }
  replay_rng ^= st.seed * 0x2545f4914f6cdd1du;
  int rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    if (argv[i][0] == '-') continue;
    struct stat sb;
    if (stat(argv[i], &sb) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 2;
      break;
    }
    rc = S_ISDIR(sb.st_mode) ? replay_dir(&st, argv[i]) : replay_file(&st, argv[i]);
  }
  free(st.prev);
  if (rc) return rc;
  if (!st.files) {
    fprintf(stderr, "replay: no input files found\n");
    return 2;
  }
  fprintf(stderr, "replay: %zu files, %zu runs, %s\n", st.files, st.runs,
          st.failed ? "FAILED" : "all passed");
  return st.failed ? 1 : 0;
}
