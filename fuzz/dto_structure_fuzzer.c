/* dto_structure_fuzzer: the create_dto pipeline (and its oracles) behind a
 * schema-aware mutator.
 *
 * Byte mutation keeps about 0.1% of inputs valid JSON DTOs, so the validator's
 * deep paths are rarely reached.  LLVMFuzzerCustomMutator here parses the input
 * as a DTO (cJSON; a valid DTO generated from the spec when it does not parse),
 * mutates one node with an operation chosen by what the spec says that node is
 * (type swaps, near-miss pattern values, delete/duplicate/add keys, boundary
 * strings, escapes and invalid UTF-8, grow/empty arrays, valid values), prints
 * it back within MaxSize, and leaves some inputs to plain byte mutation
 * (LLVMFuzzerMutate).  When the explore phase is built (harness/explore), half
 * the mutations come from its generator instead (hexplore_fuzz_mutate:
 * prose-aware valid and invalid bodies, broken rules, hard strings).
 * Everything is drawn from libFuzzer's Seed.
 *
 * The model the mutator uses (property names, types, nullable, patterns,
 * enums, item schemas) is read from the spec at start, through hspec
 * (fuzz_gen.h): nothing about the DTO is written here.  The same model drives
 * the structure oracle, run on every input (seeded by its hash): a body
 * generated valid is accepted; a near miss of it, and of the input when it is
 * valid, is rejected.  Explore's generator is not the oracle's: it learns the
 * prose rules by probing hrules_check_request, the code under test.  At exit
 * the share of valid inputs and the oracle's counts are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_gen.h"
#if defined(__has_include)
#if __has_include("explore/hexplore.h")
#include "explore/hexplore.h"
#define DS_HAVE_EXPLORE 1 /* the explore phase's generator drives half the mutations */
#endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed);

#define DS_NAME "dto_structure_fuzzer"

/* The model, randomness and valid values come from fuzz_gen (shared with the
 * structure oracle); the request direction leaves readOnly members out. */
static cJSON *ds_valid(fg_rng *r, const fg_node *m, unsigned depth) {
  return fg_valid(r, m, HSCHEMA_DIR_REQUEST, depth, NULL);
}

/* ---- raw text: what cJSON cannot hold (NUL, lone surrogates, bad UTF-8) ------ */

/* A string node set to DS_MARK is replaced, after printing, by raw bytes:
 * cJSON prints 0x7f as is, and no generated value contains it. */
#define DS_MARK "\x7f\x7f"

typedef struct {
  char raw[FG_EXAMPLE_MAX + 64]; /* what replaces "DS_MARK" (inside the quotes) */
  size_t raw_len;
  int used;
} ds_raw;

static void ds_raw_set(ds_raw *x, const char *prefix, const char *frag, size_t frag_len) {
  size_t pl = strlen(prefix);
  if (pl + frag_len >= sizeof x->raw) pl = 0;
  if (frag_len >= sizeof x->raw) frag_len = sizeof x->raw - 1;
  memcpy(x->raw, prefix, pl);
  memcpy(x->raw + pl, frag, frag_len);
  x->raw_len = pl + frag_len;
  x->used = 1;
}

/* Escapes and byte sequences the strict reader must judge exactly. */
static const struct {
  const char *bytes;
  size_t len;
} ds_frags[] = {
    {"\\u0000", 6},           {"\\u0000junk", 10},       {"\\ud800", 6},
    {"\\udc00\\ud800", 12},   {"\\ud83d\\ude00", 12},    {"\\uDFFF", 6},
    {"\\u00e9", 6},           {"\\u0661\\u0662", 12},    {"\\uff11", 6},
    {"\xc3\x28", 2},          {"\xed\xa0\x80", 3},       {"\xc0\xaf", 2},
    {"\xf4\x90\x80\x80", 4},  {"\xe2\x82", 2},           {"\x01", 1},
    {"\x1f", 1},              {"\\x41", 4},              {"\\", 1},
    {"\\u12", 4},             {"\t", 1},                 {"\xef\xbb\xbf", 3},
    {"\\n", 2},               {"\\/", 2},                {"\xd9\xa1\xd9\xa2", 4},
};

/* ---- mutation of a tree --------------------------------------------------- */

static cJSON *ds_other_type(fg_rng *r, const cJSON *node) {
  for (;;) {
    cJSON *v;
    switch (fg_below(r, 9)) {
    case 0: v = cJSON_CreateString(""); break;
    case 1: v = cJSON_CreateNumber(0); break;
    case 2: v = cJSON_CreateNumber(-1); break;
    case 3: v = cJSON_CreateNumber(2147483648.0); break;
    case 4: v = cJSON_CreateBool(fg_below(r, 2) ? 1 : 0); break;
    case 5: v = cJSON_CreateNull(); break;
    case 6: v = cJSON_CreateArray(); break;
    case 7: v = cJSON_CreateObject(); break;
    default: v = cJSON_CreateNumber(1.5e300); break;
    }
    if (!v || (v->type & 0xFF) != (node->type & 0xFF) || fg_below(r, 8) == 0) return v;
    cJSON_Delete(v);
  }
}

/* A near miss of a valid patterned value: one edit a sloppy validator lets through. */
static void ds_near_miss(fg_rng *r, const fg_node *m, cJSON **out, ds_raw *raw) {
  char buf[FG_EXAMPLE_MAX + 8];
  if (!m->n_patterns || !fg_example(r, m->patterns[fg_below(r, m->n_patterns)], buf, FG_EXAMPLE_MAX))
    snprintf(buf, sizeof buf, "x");
  size_t len = strlen(buf), pos = fg_below(r, len ? len : 1);
  switch (fg_below(r, 11)) {
  case 0: /* drop a character */
    if (len) memmove(buf + pos, buf + pos + 1, len - pos);
    break;
  case 1: /* one more digit */
    memmove(buf + pos + 1, buf + pos, len - pos + 1);
    buf[pos] = (char)('0' + fg_below(r, 10));
    break;
  case 2: /* a digit becomes a letter */
    for (size_t i = 0; i < len; i++)
      if (buf[(pos + i) % len] >= '0' && buf[(pos + i) % len] <= '9') {
        buf[(pos + i) % len] = 'a';
        break;
      }
    break;
  case 3: /* lower case */
    for (size_t i = 0; i < len; i++)
      if (buf[i] >= 'A' && buf[i] <= 'Z') buf[i] = (char)(buf[i] - 'A' + 'a');
    break;
  case 4: /* a trailing newline ($ before a final newline) */
    ds_raw_set(raw, buf, "\\n", 2);
    break;
  case 5: /* surrounding space */
    memmove(buf + 1, buf, len + 1);
    buf[0] = ' ';
    break;
  case 6: /* NUL after a valid value */
    ds_raw_set(raw, buf, "\\u0000junk", 10);
    break;
  case 7: /* Arabic-Indic digit for the last digit */
  case 8: { /* full-width digit */
    size_t d = len;
    while (d > 0 && !(buf[d - 1] >= '0' && buf[d - 1] <= '9')) d--;
    if (d > 0) {
      char tail[FG_EXAMPLE_MAX + 8];
      snprintf(tail, sizeof tail, "%s", buf + d);
      buf[d - 1] = '\0';
      char frag[FG_EXAMPLE_MAX + 16];
      snprintf(frag, sizeof frag, "%s%s", fg_below(r, 2) ? "\xd9\xa1" : "\xef\xbc\x91", tail);
      ds_raw_set(raw, buf, frag, strlen(frag));
    }
    break;
  }
  case 9: /* empty */
    buf[0] = '\0';
    break;
  default: /* a character becomes its neighbour */
    if (len) buf[pos] = (char)(buf[pos] + 1 == 0x7f ? '!' : buf[pos] + 1);
    break;
  }
  *out = raw->used ? cJSON_CreateString(DS_MARK) : cJSON_CreateString(buf);
}

static cJSON *ds_boundary_string(fg_rng *r, size_t max_size, ds_raw *raw) {
  switch (fg_below(r, 6)) {
  case 0: return cJSON_CreateString("");
  case 1: { /* long, within the size budget */
    size_t n = 1 + fg_below(r, max_size > 64 ? max_size / 2 : 32);
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memset(s, "aZ9 "[fg_below(r, 4)], n);
    s[n] = '\0';
    cJSON *v = cJSON_CreateString(s);
    free(s);
    return v;
  }
  case 2: return cJSON_CreateString("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
  case 3: return cJSON_CreateString("\"\\/\b\f\n\r\t");
  default: {
    size_t k = fg_below(r, sizeof ds_frags / sizeof *ds_frags);
    ds_raw_set(raw, fg_below(r, 2) ? "x" : "", ds_frags[k].bytes, ds_frags[k].len);
    return cJSON_CreateString(DS_MARK);
  }
  }
}

/* Member names to add: declared ones (missing here), near misses of them, others. */
static void ds_add_key(fg_rng *r, cJSON *obj, const fg_node *m, ds_raw *raw) {
  char name[96];
  const char *declared = m && m->n_props ? m->props[fg_below(r, m->n_props)].name : NULL;
  const fg_node *pm = declared ? fg_prop_model(m, declared) : NULL;
  switch (fg_below(r, 6)) {
  case 0:
  case 1:
    if (declared && !cJSON_GetObjectItemCaseSensitive(obj, declared)) {
      cJSON_AddItemToObject(obj, declared, ds_valid(r, pm, 1));
      return;
    }
    snprintf(name, sizeof name, "extra");
    break;
  case 2: /* case variant of a declared name */
    snprintf(name, sizeof name, "%s", declared ? declared : "Name");
    if (name[0] >= 'a' && name[0] <= 'z') name[0] = (char)(name[0] - 'a' + 'A');
    else if (name[0] >= 'A' && name[0] <= 'Z') name[0] = (char)(name[0] - 'A' + 'a');
    break;
  case 3: /* a declared name with a suffix or a NUL inside */
    if (declared && fg_below(r, 2)) {
      ds_raw_set(raw, declared, "\\u0000", 6);
      snprintf(name, sizeof name, DS_MARK);
    } else {
      snprintf(name, sizeof name, "%s.x", declared ? declared : "group");
    }
    break;
  case 4: snprintf(name, sizeof name, "%s", fg_below(r, 2) ? "" : "__proto__"); break;
  default: snprintf(name, sizeof name, "$meta"); break;
  }
  cJSON_AddItemToObject(obj, name, ds_valid(r, pm, 1));
}

/* One schema-typed mutation of the tree; returns the (possibly new) root. */
static cJSON *ds_mutate_tree(fg_rng *r, cJSON *root, const fg_node *model, size_t max_size,
                             ds_raw *raw) {
  fg_places ps = {.n = 0};
  fg_collect(&ps, root, model);
  fg_place *p = &ps.at[fg_below(r, ps.n)];
  const fg_node *m = p->model;
  switch (fg_below(r, 16)) {
  case 0: /* type swap */
    return fg_replace(root, p, ds_other_type(r, p->node));
  case 1: /* another valid value for this place: new ids, boundary strings */
  case 2:
  case 3:
  case 4:
  case 15:
    if (m && m->type == FG_STRING && !m->n_patterns && !m->enums && fg_below(r, 2)) {
      ds_raw none = {.used = 0};
      cJSON *v = ds_boundary_string(r, max_size, &none);
      if (!none.used) return fg_replace(root, p, v);
      cJSON_Delete(v);
    }
    if (m) return fg_replace(root, p, ds_valid(r, m, 0));
    return fg_replace(root, p, ds_valid(r, model, 0));
  case 5: /* near miss of a pattern */
    for (size_t i = 0; i < ps.n; i++) {
      fg_place *q = &ps.at[(fg_below(r, ps.n) + i) % ps.n];
      if (q->model && q->model->n_patterns) {
        cJSON *v = NULL;
        ds_near_miss(r, q->model, &v, raw);
        return fg_replace(root, q, v);
      }
    }
    return fg_replace(root, p, ds_boundary_string(r, max_size, raw));
  case 6: /* delete a key */
    if (p->parent && cJSON_IsObject(p->parent)) {
      cJSON_Delete(cJSON_DetachItemViaPointer(p->parent, p->node));
      return root;
    }
    /* fall through */
  case 7: /* duplicate a key (the strict reader rejects, others keep the last) */
    if (p->parent && cJSON_IsObject(p->parent) && p->node->string) {
      /* the same value twice, or a different valid one under the same name */
      cJSON *copy = fg_below(r, 2) ? cJSON_Duplicate(p->node, 1) : ds_valid(r, m, 1);
      if (copy) cJSON_AddItemToObject(p->parent, p->node->string, copy);
      return root;
    }
    /* fall through */
  case 8: /* add a key */
    for (size_t i = 0; i < ps.n; i++) {
      fg_place *q = &ps.at[(fg_below(r, ps.n) + i) % ps.n];
      if (cJSON_IsObject(q->node)) {
        ds_add_key(r, q->node, q->model, raw);
        return root;
      }
    }
    return root;
  case 9: /* boundary strings, escapes, invalid UTF-8 */
  case 10:
    if (m && m->type != FG_STRING && m->type != FG_ANY && fg_below(r, 2)) {
      for (size_t i = 0; i < ps.n; i++) {
        fg_place *q = &ps.at[(fg_below(r, ps.n) + i) % ps.n];
        if (cJSON_IsString(q->node)) return fg_replace(root, q, ds_boundary_string(r, max_size, raw));
      }
    }
    return fg_replace(root, p, ds_boundary_string(r, max_size, raw));
  case 11: /* arrays: grow, empty, many */
  case 12:
    for (size_t i = 0; i < ps.n; i++) {
      fg_place *q = &ps.at[(fg_below(r, ps.n) + i) % ps.n];
      if (!cJSON_IsArray(q->node)) continue;
      switch (fg_below(r, 4)) {
      case 0:
        while (q->node->child) cJSON_Delete(cJSON_DetachItemViaPointer(q->node, q->node->child));
        break;
      case 1:
        cJSON_AddItemToArray(q->node, q->node->child && fg_below(r, 2)
                                          ? cJSON_Duplicate(q->node->child, 1)
                                          : ds_valid(r, q->model ? q->model->items : NULL, 1));
        break;
      default: {
        size_t many = 2 + fg_below(r, 30);
        for (size_t k = 0; k < many; k++)
          cJSON_AddItemToArray(q->node, ds_valid(r, q->model ? q->model->items : NULL, 1));
        break;
      }
      }
      return root;
    }
    return root;
  case 13: /* null, mostly where the spec says nullable */
    for (size_t i = 0; fg_below(r, 4) && i < ps.n; i++) {
      fg_place *q = &ps.at[(fg_below(r, ps.n) + i) % ps.n];
      if (q->model && q->model->nullable) return fg_replace(root, q, cJSON_CreateNull());
    }
    return fg_replace(root, p, cJSON_CreateNull());
  default: { /* numbers at their edges */
    static const double edges[] = {0, -0.0, 1, -1, 2147483647.0, 2147483648.0, -2147483649.0,
                                   9007199254740993.0, 1e-300, 1.7976931348623157e308, 0.1};
    return fg_replace(root, p, cJSON_CreateNumber(edges[fg_below(r, sizeof edges / sizeof *edges)]));
  }
  }
}

/* ---- process state --------------------------------------------------------- */

typedef struct {
  const fg_node *root;    /* the model of the request schema (the oracle's) */
  fuzz_gen_oracle *gen;   /* generated valid accepted, near misses rejected */
  fuzz_dto *dto;
#ifdef DS_HAVE_EXPLORE
  hexplore_gen *explore; /* NULL when it cannot model the spec: the own mutator alone */
#endif
  hschema_result *repair; /* the mutator's own validation, to find what to repair */
  size_t runs, valid, json;
} ds_state;

/* Repairs one place the validator (spec + prose rules) complains about: an
 * undeclared member goes, a declared place gets a valid value, an object gets
 * the declared members it lacks.  Returns the (possibly new) root; *done is
 * set when something was changed. */
static cJSON *ds_repair(fg_rng *r, ds_state *st, cJSON *root, int *done) {
  const fuzz_env *env = fuzz_env_get();
  *done = 0;
  hschema_result_reset(st->repair);
  if (hrules_check_request(env->rules, env->dto, root, st->repair)) return root;
  size_t nv = hschema_result_count(st->repair);
  if (!nv) return root;
  const hschema_violation *v = hschema_result_at(st->repair, fg_below(r, nv));
  if (!v || !v->instance) return root;
  const cJSON *target = hjson_pointer_get(root, v->instance, strlen(v->instance), NULL);
  if (!target) return root;
  fg_places ps = {.n = 0};
  fg_collect(&ps, root, st->root);
  for (size_t i = 0; i < ps.n; i++) {
    fg_place *p = &ps.at[i];
    if (p->node != target) continue;
    *done = 1;
    if (!p->model && p->parent && cJSON_IsObject(p->parent)) {
      cJSON_Delete(cJSON_DetachItemViaPointer(p->parent, p->node));
      return root;
    }
    if (p->model && p->model->type == FG_OBJECT && cJSON_IsObject(p->node)) {
      for (size_t k = 0; k < p->model->n_props; k++) {
        const char *name = p->model->props[k].name;
        if (!cJSON_GetObjectItemCaseSensitive(p->node, name))
          cJSON_AddItemToObject(p->node, name, ds_valid(r, p->model->props[k].schema, 1));
      }
      if (fg_below(r, 2)) return root;
    }
    if (p->model && p->model->type == FG_ARRAY && cJSON_IsArray(p->node) && !p->node->child) {
      cJSON_AddItemToArray(p->node, ds_valid(r, p->model->items, 1));
      return root;
    }
    return fg_replace(root, p, ds_valid(r, p->model ? p->model : st->root, 0));
  }
  return root;
}

static ds_state *ds_the_state;

/* At exit: the share of valid inputs on stderr, and appended as one line
 * "valid V runs N json J" to the file APIHARNESS_FUZZ_STATS names (set by
 * scripts/nightly-fuzz: -fork children's stderr is not kept). */
static void ds_report(void) {
  ds_state *st = ds_the_state;
  if (!st || !st->runs) return;
  size_t gv = 0, ge = 0;
  fuzz_gen_counts(st->gen, &gv, &ge);
  fprintf(stderr, DS_NAME ": %zu of %zu inputs valid (%.1f%%), %zu strict JSON (%.1f%%); "
          "structure oracle: %zu generated bodies accepted, %zu near misses rejected\n",
          st->valid, st->runs, 100.0 * (double)st->valid / (double)st->runs, st->json,
          100.0 * (double)st->json / (double)st->runs, gv, ge);
  const char *path = getenv("APIHARNESS_FUZZ_STATS");
  if (path && *path) {
    FILE *f = fopen(path, "a");
    if (f) {
      fprintf(f, "valid %zu runs %zu json %zu\n", st->valid, st->runs, st->json);
      fclose(f);
    }
  }
}

static ds_state *ds_get(void) {
  if (ds_the_state) return ds_the_state;
  const fuzz_env *env = fuzz_env_get();
  ds_state *st = calloc(1, sizeof *st);
  if (!st || !(st->dto = fuzz_dto_new()) || !(st->repair = hschema_result_new(0)))
    fuzz_die(DS_NAME, "out of memory at start");
  const hspec_operation *op = hrules_operation(env->rules);
  if (!op || !op->n_request || !op->request[0].schema)
    fuzz_die(DS_NAME, "the spec documents no request schema to build the mutator's model from");
  st->gen = fuzz_gen_oracle_new(DS_NAME, env->spec, op->request[0].schema, env->dto,
                                HSCHEMA_DIR_REQUEST);
  st->root = fuzz_gen_oracle_model(st->gen);
  if (!st->root || st->root->type != FG_OBJECT)
    fuzz_die(DS_NAME, "the request schema is not an object schema");
#ifdef DS_HAVE_EXPLORE
  char err[HEXPLORE_MSG_MAX];
  st->explore = hexplore_gen_new(env->rules, err);
#endif
  ds_the_state = st;
  atexit(ds_report);
  return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ds_state *st = ds_get();
  int v = fuzz_dto_check(st->dto, DS_NAME, data, size);
  /* The structure oracle, seeded by the input: a generated valid body is
   * accepted, near misses of it and of this input (when valid) rejected. */
  const cJSON *root = v == 1 ? fuzz_dto_root(st->dto) : NULL;
  cJSON *accepted = root && !fuzz_tree_has_nul(root) ? cJSON_Duplicate(root, 1) : NULL;
  fuzz_gen_check(st->gen, fg_hash(data, size), accepted);
  cJSON_Delete(accepted);
  st->runs++;
  if (v >= 0) st->json++;
  if (v == 1) st->valid++;
  return 0;
}

/* Prints tree into out (cap bytes), the raw replacement applied.  0 when it
 * does not fit. */
static size_t ds_emit(cJSON *tree, const ds_raw *raw, uint8_t *out, size_t cap) {
  char *text = cJSON_PrintUnformatted(tree);
  if (!text) return 0;
  size_t len = strlen(text), n = 0;
  const char *mark = raw->used ? strstr(text, DS_MARK) : NULL;
  if (mark) {
    size_t before = (size_t)(mark - text), after = len - before - 2;
    n = before + raw->raw_len + after;
    if (n <= cap && n > 0) {
      memcpy(out, text, before);
      memcpy(out + before, raw->raw, raw->raw_len);
      memcpy(out + before + raw->raw_len, mark + 2, after);
    } else {
      n = 0;
    }
  } else if (len <= cap) {
    memcpy(out, text, len);
    n = len;
  }
  cJSON_free(text);
  return n;
}

static cJSON *ds_parse_or_valid(fg_rng *r, const ds_state *st, const uint8_t *data, size_t size) {
  const char *end = NULL;
  cJSON *tree = size ? cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0) : NULL;
  if (!tree) tree = ds_valid(r, st->root, 0);
  return tree;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  ds_state *st = ds_get();
  fg_rng r;
  fg_seed(&r, seed);
  /* Some plain byte mutation: the reader's edge cases live between tokens. */
  if (fg_below(&r, 8) == 0) return LLVMFuzzerMutate(data, size, max_size);
#ifdef DS_HAVE_EXPLORE
  /* Half the time, the explore phase's generator (prose-aware valid and
   * invalid bodies, broken rules, hard strings); the rest below: this
   * mutator's spec-model edits and raw splices of escapes and bad UTF-8. */
  if (st->explore && fg_below(&r, 2) == 0) {
    size_t n = hexplore_fuzz_mutate(st->explore, data, size, max_size, (unsigned)fg_next(&r));
    if (n) return n;
  }
#endif
  cJSON *tree = ds_parse_or_valid(&r, st, data, size);
  if (!tree) return LLVMFuzzerMutate(data, size, max_size);
  ds_raw raw = {.used = 0};
  /* Mostly, first repair what the validator finds wrong (up to three
   * places): mutations then start from valid or nearly valid DTOs. */
  int repaired = 0;
  if (fg_below(&r, 4) != 0) {
    for (int i = 0, done = 1; i < 3 && done; i++) {
      tree = ds_repair(&r, st, tree, &done);
      repaired |= done;
    }
  }
  size_t rounds = repaired && fg_below(&r, 2) == 0 ? 0 : 1 + (fg_below(&r, 4) == 0 ? fg_below(&r, 3) : 0);
  for (size_t i = 0; i < rounds; i++) {
    ds_raw one = {.used = 0};
    tree = ds_mutate_tree(&r, tree, st->root, max_size, raw.used ? &one : &raw);
    if (one.used) { /* only one raw splice per input: drop the second marker */
      cJSON_Delete(tree);
      tree = ds_valid(&r, st->root, 0);
      raw.used = 0;
    }
  }
  size_t n = ds_emit(tree, &raw, data, max_size);
  cJSON_Delete(tree);
  return n ? n : LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed) {
  ds_state *st = ds_get();
  fg_rng r;
  fg_seed(&r, seed);
  cJSON *a = ds_parse_or_valid(&r, st, data1, size1);
  cJSON *b = ds_parse_or_valid(&r, st, data2, size2);
  size_t n = 0;
  if (a && b) {
    fg_places pa = {.n = 0}, pb = {.n = 0};
    fg_collect(&pa, a, st->root);
    fg_collect(&pb, b, st->root);
    /* Prefer a place of b with the same model as a place of a (same property). */
    fg_place *to = &pa.at[fg_below(&r, pa.n)];
    const fg_place *from = &pb.at[fg_below(&r, pb.n)];
    for (size_t i = 0; i < pb.n; i++) {
      const fg_place *c = &pb.at[(fg_below(&r, pb.n) + i) % pb.n];
      if (c->model && c->model == to->model && c->node != b) {
        from = c;
        break;
      }
    }
    a = fg_replace(a, to, cJSON_Duplicate(from->node, 1));
    ds_raw none = {.used = 0};
    n = ds_emit(a, &none, out, max_out_size);
  }
  cJSON_Delete(a);
  cJSON_Delete(b);
  if (!n) { /* does not fit: the head of data1 */
    n = size1 < max_out_size ? size1 : max_out_size;
    memcpy(out, data1, n);
  }
  return n;
}
