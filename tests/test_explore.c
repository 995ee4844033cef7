/* The explore phase: a deterministic generator driven by the spec and the
 * prose rules, an exact differential oracle, failures caught and shrunk
 * against faulty mocks, and certify's --base-url / --explore handling. */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore/hexplore.h"
#include "json/hjson.h"
#include "mock/hmock.h"
#include "rules/hrules.h"
#include "spec/hspec.h"
#include "support.h"


#define SPEC TEST_SOURCE_DIR "/spec/create-api-token.openapi.json"
#define SECRET "apiharness-explore-SECRET-0815"

TS_LSAN_CRITERION

static hspec *spec;
static hrules *rules;

static void setup(void) {
  rules = ts_load_rules(SPEC, &spec);
  cr_assert_eq(hclient_global_init(), 0);
}

static void teardown(void) {
  hrules_free(rules);
  hspec_free(spec);
}

static hexplore_gen *gen(void) {
  char err[HEXPLORE_MSG_MAX];
  hexplore_gen *g = hexplore_gen_new(rules, err);
  cr_assert(g, "%s", err);
  return g;
}

static int valid_by_rules(const char *body, size_t len) {
  hjson_doc *d = hjson_doc_new();
  hschema_result *r = hschema_result_new(0);
  const cJSON *j = hjson_parse(d, body, len, NULL, NULL);
  int ok = j && hrules_check_request(rules, NULL, j, r);
  hschema_result_free(r);
  hjson_doc_free(d);
  return ok;
}

TestSuite(explore, .init = setup, .fini = teardown);

Test(explore, same_seed_same_requests) {
  hexplore_gen *a = gen(), *b = gen();
  size_t differ = 0;
  for (uint64_t s = 0; s < 300; s++) {
    for (int k = 0; k < 3; k++) {
      hbuf x = {0}, y = {0}, z = {0};
      cr_assert(hexplore_generate(a, s, (hexplore_kind)k, 8, &x));
      cr_assert(hexplore_generate(b, s, (hexplore_kind)k, 8, &y));
      cr_assert(hexplore_generate(a, s + 1000, (hexplore_kind)k, 8, &z));
      cr_assert_eq(x.n, y.n, "seed %llu kind %d: different lengths", (unsigned long long)s, k);
      cr_assert(!memcmp(x.p, y.p, x.n), "seed %llu kind %d: different bytes",
                (unsigned long long)s, k);
      differ += z.n != x.n || memcmp(x.p, z.p, x.n) != 0;
      cr_assert_str_eq(hexplore_content_type(a, s), hexplore_content_type(b, s));
      hbuf_free(&x);
      hbuf_free(&y);
      hbuf_free(&z);
    }
  }
  cr_expect_gt(differ, 850, "another seed must give other requests (%zu of 900 differ)", differ);
  hexplore_gen_free(a);
  hexplore_gen_free(b);
}

Test(explore, valid_bodies_pass_the_rules_and_vary_in_shape) {
  hexplore_gen *g = gen();
  size_t nulls = 0, escapes = 0, crlf = 0, nonbmp = 0, many_modules = 0, reordered = 0;
  for (uint64_t s = 0; s < 800; s++) {
    hbuf b = {0};
    cr_assert(hexplore_generate(g, s, HEXPLORE_VALID, 8, &b));
    cr_assert(valid_by_rules(b.p, b.n), "seed %llu: a generated valid body is refused: %.300s",
              (unsigned long long)s, b.p);
    nulls += strstr(b.p, "null") != NULL;
    escapes += strstr(b.p, "\\u") != NULL;
    crlf += strstr(b.p, "\r\n") != NULL;
    nonbmp += strstr(b.p, "\xf0\x9f\x98\x80") != NULL || strstr(b.p, "\\ud83d") != NULL ||
              strstr(b.p, "\\uD83D") != NULL;
    const char *m = strstr(b.p, "MOD-");
    many_modules += m && strstr(m + 4, "MOD-") != NULL;
    const char *acc = strstr(b.p, "\"account\""), *name = strstr(b.p, "\"name\"");
    reordered += acc && name && name < acc;
    hbuf_free(&b);
  }
  cr_expect_gt(nulls, 100, "nullable members are set to null now and then (%zu)", nulls);
  cr_expect_gt(escapes, 100, "\\u escapes (%zu)", escapes);
  cr_expect_gt(crlf, 50, "pretty printing with CRLF (%zu)", crlf);
  cr_expect_gt(nonbmp, 20, "non-BMP characters (%zu)", nonbmp);
  cr_expect_gt(many_modules, 300, "arrays of several items (%zu)", many_modules);
  cr_expect_gt(reordered, 100, "member order varies (%zu)", reordered);
  hexplore_gen_free(g);
}

Test(explore, invalid_bodies_fail_the_rules) {
  hexplore_gen *g = gen();
  hexplore_oracle *o = hexplore_oracle_new(rules);
  cr_assert(o);
  size_t created_or_bad = 0, reqs_seen = 0;
  char seen[64][HREQ_ID_MAX];
  for (uint64_t s = 0; s < 800; s++) {
    hbuf b = {0};
    cr_assert(hexplore_generate(g, s, HEXPLORE_INVALID, 8, &b));
    cr_assert(!valid_by_rules(b.p, b.n), "seed %llu: a generated invalid body passes: %.300s",
              (unsigned long long)s, b.p);
    hexplore_expectation x;
    cr_assert(hexplore_oracle_expect(o, "application/json", b.p, b.n, &x));
    cr_assert(!x.valid);
    cr_assert_neq(x.expect, HJUDGE_EXPECT_CREATED, "seed %llu", (unsigned long long)s);
    created_or_bad += x.expect == HJUDGE_EXPECT_CREATED_OR_BAD; /* duplicate names */
    int known = 0;
    for (size_t i = 0; i < reqs_seen; i++)
      known |= !strcmp(seen[i], x.requirement);
    if (!known && reqs_seen < 64)
      snprintf(seen[reqs_seen++], HREQ_ID_MAX, "%s", x.requirement);
    hbuf_free(&b);
  }
  /* the broken rules are spread over the body: types, patterns, undeclared
   * members, prose requirements, at several levels */
  cr_expect_gt(reqs_seen, 12, "only %zu distinct requirements broken", reqs_seen);
  int pattern_mod = 0, prose = 0, addl = 0;
  for (size_t i = 0; i < reqs_seen; i++) {
    pattern_mod |= !strcmp(seen[i], "schema.request.ModuleDto.id.pattern");
    prose |= !strncmp(seen[i], "prose.", 6);
    addl |= strstr(seen[i], "additionalProperties") != NULL;
  }
  cr_expect(pattern_mod && prose && addl);
  hexplore_oracle_free(o);
  hexplore_gen_free(g);
}

Test(explore, fuzz_mutator_stays_within_bounds_and_is_deterministic) {
  hexplore_gen *g = gen();
  uint8_t a[4096], b[4096];
  size_t size = 2;
  memcpy(a, "{}", 2);
  size_t valid = 0;
  for (unsigned seed = 0; seed < 3000; seed++) {
    size_t max = seed % 7 == 0 ? 64 : sizeof a;
    if (size > max)
      size = max;
    memcpy(b, a, size);
    size_t n1 = hexplore_fuzz_mutate(g, a, size, max, seed);
    size_t n2 = hexplore_fuzz_mutate(g, b, size, max, seed);
    cr_assert_leq(n1, max);
    cr_assert_eq(n1, n2, "seed %u: the same input and seed give the same output", seed);
    cr_assert(!memcmp(a, b, n1));
    valid += valid_by_rules((const char *)a, n1);
    size = n1 ? n1 : 2;
    if (!n1)
      memcpy(a, "{}", 2);
  }
  /* the mutator keeps a useful share of inputs valid (byte mutation alone: ~0.1%) */
  cr_expect_gt(valid, 300, "only %zu of 3000 mutated inputs valid", valid);
  hexplore_gen_free(g);
}

static void expect_of(hexplore_oracle *o, const char *body, hexplore_expectation *x) {
  cr_assert(hexplore_oracle_expect(o, "application/json", body, strlen(body), x));
}

Test(explore, oracle_names_open_outcomes_and_requirements) {
  hexplore_oracle *o = hexplore_oracle_new(rules);
  cr_assert(o);
  hexplore_expectation x;
#define OK_BODY(acc, mod) "{\"account\":{\"id\":\"" acc "\"},\"name\":\"n\",\"modules\":[{\"id\":\"" mod "\"}]}"
  expect_of(o, OK_BODY("ACC-1234-5678", "MOD-1234"), &x);
  cr_expect(x.valid && x.expect == HJUDGE_EXPECT_CREATED && !x.tolerated && x.echo);
  expect_of(o, OK_BODY("ACC-1234-5678", "MOD-12345"), &x);
  cr_expect_eq(x.expect, HJUDGE_EXPECT_BAD_REQUEST);
  cr_expect_str_eq(x.requirement, "schema.request.ModuleDto.id.pattern");
  cr_expect(!x.tolerated);
  expect_of(o, OK_BODY("ACC-1234-5678\\n", "MOD-1234"), &x); /* '$' before a final newline */
  cr_expect_eq(x.expect, HJUDGE_EXPECT_BAD_REQUEST);
  cr_expect(x.tolerated);
  expect_of(o, "\xef\xbb\xbf" OK_BODY("ACC-1234-5678", "MOD-1234"), &x);
  cr_expect_eq(x.expect, HJUDGE_EXPECT_CREATED_OR_BAD);
  cr_expect_str_eq(x.requirement, "rfc8259.bom-either");
  cr_expect(x.echo != NULL);
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"name\":5,\"modules\":[{\"id\":\"MOD-1234\"}]}", &x);
  cr_expect_eq(x.expect, HJUDGE_EXPECT_CREATED_OR_BAD, "the first name is valid");
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":5,\"name\":[],\"modules\":[{\"id\":\"MOD-1234\"}]}", &x);
  cr_expect_eq(x.expect, HJUDGE_EXPECT_BAD_REQUEST, "invalid whichever name is kept");
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"\\ud800\",\"modules\":[{\"id\":\"MOD-1234\"}]}", &x);
  cr_expect_eq(x.expect, HJUDGE_EXPECT_BAD_REQUEST);
  cr_expect(x.tolerated && x.lenient_surrogates);
  cr_expect_str_eq(x.requirement, "rfc8259.lone-surrogate-rejected");
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":1e400,\"modules\":[{\"id\":\"MOD-1234\"}]}", &x);
  cr_expect_str_eq(x.requirement, "schema.request.CreateApiTokenDto.name.type");
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"a\\u0000b\",\"modules\":[{\"id\":\"MOD-1234\"}]}", &x);
  cr_expect(x.valid && x.tolerated);
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\"},\"name\":\"n\",\"modules\":[]}", &x);
  cr_expect_str_eq(x.requirement, "prose.modules-required");
  expect_of(o, "{\"account\":{\"id\":\"ACC-1234-5678\",\"x\":null},\"name\":\"n\",\"modules\":[{\"id\":\"MOD-1234\"}]}", &x);
  cr_expect_str_eq(x.requirement, "schema.request.AccountDto.additionalProperties");
  cr_expect(x.aspnet_tolerated);
  hexplore_oracle_free(o);
}

/* How deep modules nest through "children" below the array mods. */
static int children_depth(const cJSON *mods, int depth) {
  int best = depth;
  for (const cJSON *m = cJSON_IsArray(mods) ? mods->child : NULL; m; m = m->next) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "children");
    if (cJSON_IsArray(c) && c->child) {
      int d = children_depth(c, depth + 1);
      best = d > best ? d : best;
    }
  }
  return best;
}

Test(explore, a_recursive_spec_gives_finite_valid_bodies_that_recurse) {
  /* ModuleDto.children is an array of ModuleDto */
  herr se;
  hspec *rs = hspec_load_file(TEST_DATA_DIR "/cases/recursive.openapi.json", &se);
  cr_assert(rs, "%s", se.msg);
  herr he;
  hrules *rr = hrules_new(rs, &he);
  cr_assert(rr, "%s", he.msg);
  char err[HEXPLORE_MSG_MAX];
  hexplore_gen *g = hexplore_gen_new(rr, err);
  cr_assert(g, "a recursive spec must not stop explore: %s", err);
  size_t nested = 0, invalid_refused = 0;
  for (uint64_t s = 0; s < 300; s++) {
    hbuf b = {0};
    cr_assert(hexplore_generate(g, s, HEXPLORE_VALID, 8, &b));
    cr_assert_lt(b.n, (size_t)1 << 20, "seed %llu: a %zu-byte body", (unsigned long long)s, b.n);
    hjson_doc *d = hjson_doc_new();
    hschema_result *r = hschema_result_new(0);
    const cJSON *j = hjson_parse(d, b.p, b.n, NULL, NULL);
    cr_assert(j && hrules_check_request(rr, NULL, j, r), "seed %llu: refused: %.300s",
              (unsigned long long)s, b.p);
    /* a module inside a module's children */
    nested += children_depth(cJSON_GetObjectItemCaseSensitive(j, "modules"), 0) >= 2;
    hschema_result_free(r);
    hjson_doc_free(d);
    hbuf_free(&b);
    hbuf x = {0};
    cr_assert(hexplore_generate(g, s, HEXPLORE_INVALID, 8, &x));
    d = hjson_doc_new();
    r = hschema_result_new(0);
    j = hjson_parse(d, x.p, x.n, NULL, NULL);
    invalid_refused += !j || !hrules_check_request(rr, NULL, j, r);
    hschema_result_free(r);
    hjson_doc_free(d);
    hbuf_free(&x);
  }
  cr_expect_gt(nested, 10, "modules nest two levels through children now and then (%zu of 300)",
               nested);
  cr_expect_eq(invalid_refused, 300, "every invalid body is refused (%zu of 300)", invalid_refused);
  hexplore_gen_free(g);
  hrules_free(rr);
  hspec_free(rs);
}

/* Specs whose request has formats, numeric bounds and length bounds: the
 * valid bodies take those values from the harness's one generator (hcgen). */
Test(explore, formats_and_bounds_give_valid_bodies) {
  static const char *const specs[] = {TEST_DATA_DIR "/cases/formats.openapi.json",
                                      TEST_DATA_DIR "/cases/variant.openapi.json"};
  for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
    herr se;
    hspec *fs = hspec_load_file(specs[k], &se);
    cr_assert(fs, "%s", se.msg);
    herr he;
    hrules *fr = hrules_new(fs, &he);
    cr_assert(fr, "%s", he.msg);
    char err[HEXPLORE_MSG_MAX];
    hexplore_gen *g = hexplore_gen_new(fr, err);
    cr_assert(g, "%s: explore must model it: %s", specs[k], err);
    size_t valid = 0;
    for (uint64_t s = 0; s < 300; s++) {
      hbuf b = {0};
      cr_assert(hexplore_generate(g, s, HEXPLORE_VALID, 8, &b));
      hjson_doc *d = hjson_doc_new();
      hschema_result *r = hschema_result_new(0);
      const cJSON *j = hjson_parse(d, b.p, b.n, NULL, NULL);
      int ok = j && hrules_check_request(fr, NULL, j, r);
      cr_expect(ok, "%s seed %llu: a valid body is refused (%s: %s): %.300s", specs[k],
                (unsigned long long)s,
                hschema_result_count(r) ? hschema_result_at(r, 0)->instance : "",
                hschema_result_count(r) ? hschema_result_at(r, 0)->message : "", b.p);
      valid += ok;
      hschema_result_free(r);
      hjson_doc_free(d);
      hbuf_free(&b);
      if (!ok)
        break;
    }
    cr_expect_eq(valid, 300);
    hexplore_gen_free(g);
    hrules_free(fr);
    hspec_free(fs);
  }
}

/* ---- the engine against the mock (in this process: no fork involved) ---- */

static hmock *mock_with(const char *fault, char *url, size_t cap) {
  hmock_options mo;
  memset(&mo, 0, sizeof mo);
  mo.spec = spec;
  mo.token = SECRET;
  mo.threads = 2;
  if (fault) {
    const hmock_fault *f = hmock_fault_find(fault);
    cr_assert(f, "no fault %s", fault);
    mo.faults = HMOCK_FAULT_BIT(f->id);
  }
  char err[256];
  hmock *m = hmock_start(&mo, err, sizeof err);
  cr_assert(m, "%s", err);
  snprintf(url, cap, "http://127.0.0.1:%d", hmock_port(m));
  return m;
}

static cJSON *explore(const char *url, long budget, uint64_t seed, const char *dir) {
  hexplore_config c;
  memset(&c, 0, sizeof c);
  c.base_url = url;
  c.bearer = SECRET;
  c.token_env = "HARNESS_TOKEN";
  c.budget = budget;
  c.seed = seed;
  c.max_creates = -1;
  c.report_dir = dir;
  char err[HEXPLORE_MSG_MAX];
  cJSON *x = hexplore_run(rules, &c, err);
  cr_assert(x, "%s", err);
  return x;
}

static double num(const cJSON *o, const char *k) {
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const char *str(const cJSON *o, const char *k) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
  return s ? s : "";
}

/* 500 requests, twice: every kind and both outcomes well represented (seed 7
 * gives about 230 valid, 160 invalid, 110 mutated; 5 repeats).  The default
 * budget of 3000 against the healthy mock runs in explore_cli's
 * default_certify_explores_the_mock_with_a_generated_token. */
Test(explore, healthy_mock_passes_a_budget, .timeout = 120) {
  char url[64];
  hmock *m = mock_with(NULL, url, sizeof url);
  cJSON *x = explore(url, 500, 7, NULL);
  cJSON *x2 = explore(url, 500, 7, NULL);
  hmock_stop(m);
  cr_expect_eq(num(x, "sent"), 500 + num(x, "repeated"), "every request sent (and the repeats)");
  cr_expect_geq(num(x, "repeated"), 2, "some valid bodies are sent twice (distinct creates)");
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x, "failures")), 0,
               "the healthy mock must not fail explore: %s",
               str(cJSON_GetObjectItemCaseSensitive(x, "failures")->child, "message"));
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(x, "by_outcome");
  cr_expect_gt(num(o, "201"), 100);
  cr_expect_gt(num(o, "400"), 100);
  cr_expect_eq(num(o, "5xx"), 0);
  const cJSON *k = cJSON_GetObjectItemCaseSensitive(x, "by_kind");
  cr_expect(num(k, "valid") > 50 && num(k, "invalid") > 50 && num(k, "mutated") > 50,
            "every kind of request is sent");
  /* the same seed: the same requests, so the same outcomes */
  cr_expect(cJSON_Compare(o, cJSON_GetObjectItemCaseSensitive(x2, "by_outcome"), 1));
  cr_expect(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x, "by_kind"),
                          cJSON_GetObjectItemCaseSensitive(x2, "by_kind"), 1));
  cJSON_Delete(x);
  cJSON_Delete(x2);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  if (buf)
    buf[got] = '\0';
  *len = got;
  return buf;
}

/* Re-sends a shrunk case's body and returns the HTTP status. */
static int resend(const char *url, const char *ct, const char *body, size_t len) {
  CURL *h = curl_easy_init();
  hclient_options co = {5000, 0, NULL, 0};
  char msg[HCLIENT_MSG_MAX];
  cr_assert_eq(hclient_setup(h, &co, msg), 0);
  char full[256];
  snprintf(full, sizeof full, "%s%s", url, HRULES_PATH);
  hclient_request rq = {"POST", full, ct, SECRET, body, len};
  hclient_response rs;
  hclient_response_init(&rs);
  hclient_perform(h, &co, &rq, &rs);
  int st = rs.status;
  hclient_response_free(&rs);
  hclient_cleanup(h);
  return st;
}

/* `apiharness mock --port 0 --fault F` in a child process; its URL in url. */
static pid_t spawn_mock(const char *fault, char *url, size_t cap) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    setenv("HARNESS_TOKEN", SECRET, 1);
    execl(APIHARNESS_BIN, "apiharness", "mock", "--port", "0", "--fault", fault, "--token-env",
          "HARNESS_TOKEN", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  FILE *f = fdopen(fds[0], "r");
  char line[256] = "";
  url[0] = '\0';
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "listening on %63s", url) == 1)
      break;
  fclose(f);
  cr_assert(url[0], "the mock process did not start");
  (void)cap;
  return pid;
}

static void fault_is_caught(const char *fault, const char *requirement, const char *check,
                            int bad_status) {
  char url[64], dir[64];
  snprintf(dir, sizeof dir, "/tmp/test_explore_XXXXXX");
  cr_assert(mkdtemp(dir));
  hmock *m = mock_with(fault, url, sizeof url);
  /* seed 1 meets each of these faults within its first 100 requests */
  cJSON *x = explore(url, 200, 1, dir);
  const cJSON *hit = NULL;
  for (const cJSON *f = cJSON_GetObjectItemCaseSensitive(x, "failures")->child; f; f = f->next)
    if (!strcmp(str(f, "requirement"), requirement) && !strcmp(str(f, "check"), check))
      hit = f;
  cr_assert(hit, "--fault %s: no %s failure of %s", fault, check, requirement);
  cr_expect_lt(num(hit, "shrunk_size"), num(hit, "original_size"), "the case is shrunk");
  cr_expect_lt(num(hit, "shrunk_size"), 200, "shrunk to a small body (%g bytes)",
               num(hit, "shrunk_size"));
  /* the case file: format, requirement, and a body that still fails */
  size_t len;
  char *text = slurp(str(hit, "case_file"), &len);
  cr_assert(text, "no case file %s", str(hit, "case_file"));
  cr_expect(strstr(text, SECRET) == NULL, "the token leaked into the case file");
  cJSON *doc = cJSON_Parse(text);
  cr_assert(doc);
  cr_expect_str_eq(str(doc, "format"), "apiharness-case/1");
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "case");
  cr_expect_str_eq(str(c, "class"), "explore");
  cr_expect_str_eq(str(c, "method"), "POST");
  cr_expect(strstr(str(hit, "curl"), "$HARNESS_TOKEN") != NULL);
  cr_expect(strstr(str(hit, "curl"), SECRET) == NULL);
  char *body = slurp(str(hit, "body_file"), &len);
  cr_assert(body);
  cr_expect_eq(len, (size_t)num(hit, "shrunk_size"));
  const cJSON *bt = cJSON_GetObjectItemCaseSensitive(c, "body_text");
  if (cJSON_IsString(bt))
    cr_expect(strlen(bt->valuestring) == len && !memcmp(bt->valuestring, body, len));
  cr_expect_eq(resend(url, str(c, "content_type"), body, len), bad_status,
               "the shrunk body still fails when replayed");
  hmock_stop(m);
  /* and through `apiharness replay --file` against the faulty mock in its own
   * process (no fork while this process serves a mock: its sockets would
   * live on in the child) */
  char cmd[1024], purl[64];
  pid_t mp = spawn_mock(fault, purl, sizeof purl);
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN
           " replay --file '%s' --base-url %s >/dev/null 2>&1",
           str(hit, "case_file"), purl);
  int st = system(cmd);
  kill(mp, SIGTERM);
  waitpid(mp, NULL, 0);
  cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "replay --file of the shrunk case must fail");
  /* and a healthy server answers it as the case expects */
  m = mock_with(NULL, url, sizeof url);
  int healthy = resend(url, str(c, "content_type"), body, len);
  hmock_stop(m);
  cr_expect(healthy == 400 || healthy == 201);
  if (healthy == 400)
    cr_expect_str_eq(str(c, "expect"), "bad-request");
  else
    cr_expect(!strcmp(str(c, "expect"), "created") ||
                  !strcmp(str(c, "expect"), "created-or-bad-request"),
              "a body the healthy mock creates is expected to be created (%s)", str(c, "expect"));
  free(body);
  free(text);
  cJSON_Delete(doc);
  cJSON_Delete(x);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
}

Test(explore, accept_bad_module_id_is_caught_and_shrunk, .timeout = 120) {
  fault_is_caught("accept-bad-module-id", "schema.request.ModuleDto.id.pattern", "status", 201);
}

Test(explore, server_error_on_unicode_is_caught_and_shrunk, .timeout = 120) {
  fault_is_caught("500-on-unicode", "http.no-server-error", "no-5xx", 500);
}

Test(explore, reject_null_is_caught, .timeout = 120) {
  fault_is_caught("reject-null", HEXPLORE_REQ_VALID, "status", 400);
}

/* ---- run headers (--header) and --redact ---- */

TestSuite(explore_secrets, .init = setup, .fini = teardown);

#define TRACE_VALUE "trace-secret-Zq81x-explore"
#define SERVER_ID "TKN-7777-8888-9999"

/* A loopback server that counts the requests carrying the run's headers and
 * answers each with a 201 that reflects the X-Trace value and carries an id:
 * secrets the explore output must never show. */
typedef struct {
  int fd, port;
  pthread_mutex_t mu;
  size_t requests, tenant, trace;
} reflector;

static void *reflector_main(void *arg) {
  reflector *r = arg;
  for (;;) {
    int c = accept(r->fd, NULL, NULL);
    if (c < 0)
      return NULL;
    static char buf[1 << 16];
    size_t n = 0;
    char *end = NULL;
    while (n < sizeof buf - 1 && !end) {
      ssize_t got = recv(c, buf + n, sizeof buf - 1 - n, 0);
      if (got <= 0)
        break;
      n += (size_t)got;
      buf[n] = '\0';
      end = strstr(buf, "\r\n\r\n");
    }
    if (end) {
      end[2] = '\0'; /* the head, each line with its CRLF */
      const char *cl = strcasestr(buf, "\r\nContent-Length:");
      size_t want = cl ? (size_t)atol(cl + 17) : 0, have = n - (size_t)(end + 4 - buf);
      while (have < want) {
        char sink[4096];
        ssize_t got = recv(c, sink, sizeof sink, 0);
        if (got <= 0)
          break;
        have += (size_t)got;
      }
      const char *tv = strstr(buf, "\r\nX-Trace: ");
      char seen[128] = "";
      if (tv)
        snprintf(seen, sizeof seen, "%.*s", (int)strcspn(tv + 11, "\r"), tv + 11);
      pthread_mutex_lock(&r->mu);
      r->requests++;
      r->tenant += strstr(buf, "\r\nX-Tenant: acme\r\n") != NULL;
      r->trace += strstr(buf, "\r\nX-Trace: " TRACE_VALUE "\r\n") != NULL;
      pthread_mutex_unlock(&r->mu);
      char body[256], ans[512];
      snprintf(body, sizeof body, "{\"id\":\"" SERVER_ID "\",\"trace\":\"%s\",\"revision\":1}",
               seen);
      int l = snprintf(ans, sizeof ans,
                       "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                       "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                       strlen(body), body);
      ssize_t w = send(c, ans, (size_t)l, MSG_NOSIGNAL);
      (void)w;
    }
    close(c);
  }
}

static reflector *reflector_start(pthread_t *t) {
  reflector *r = calloc(1, sizeof *r);
  cr_assert(r);
  pthread_mutex_init(&r->mu, NULL);
  r->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  cr_assert_eq(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
  cr_assert_eq(listen(r->fd, 64), 0);
  socklen_t al = sizeof a;
  getsockname(r->fd, (struct sockaddr *)&a, &al);
  r->port = ntohs(a.sin_port);
  cr_assert_eq(pthread_create(t, NULL, reflector_main, r), 0);
  return r;
}

static void reflector_stop(reflector *r, pthread_t t) {
  shutdown(r->fd, SHUT_RDWR);
  close(r->fd);
  pthread_join(t, NULL);
  pthread_mutex_destroy(&r->mu);
}

/* The first needle found in any file under dir (NULL: none); at most 64
 * files read; *files counts them. */
static const char *dir_holds(const char *dir, const char *const *needles, size_t n, size_t *files) {
  DIR *d = opendir(dir);
  cr_assert(d, "no directory %s", dir);
  const char *hit = NULL;
  struct dirent *de;
  while (!hit && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    size_t len;
    char *t = slurp(p, &len);
    cr_assert(t, "unreadable %s", p);
    (*files)++;
    for (size_t i = 0; i < n && !hit; i++)
      if (memmem(t, len, needles[i], strlen(needles[i])))
        hit = needles[i];
    free(t);
  }
  closedir(d);
  return hit;
}

static const cJSON *pair_named(const cJSON *headers, const char *name) {
  for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next)
    if (cJSON_IsString(cJSON_GetArrayItem(h, 0)) &&
        !strcmp(cJSON_GetArrayItem(h, 0)->valuestring, name))
      return h;
  return NULL;
}

Test(explore_secrets, run_headers_reach_every_request_and_their_secrets_stay_out,
     .timeout = 120) {
  pthread_t t;
  reflector *srv = reflector_start(&t);
  char url[64], dir[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", srv->port);
  snprintf(dir, sizeof dir, "/tmp/test_explore_XXXXXX");
  cr_assert(mkdtemp(dir));
  const hrun_header hs[] = {{"X-Tenant", "acme", NULL}, {"X-Trace", TRACE_VALUE, "TRACE_V"}};
  const char *const redact[] = {"/id"};
  hexplore_config c;
  memset(&c, 0, sizeof c);
  c.base_url = url;
  c.bearer = SECRET;
  c.token_env = "HARNESS_TOKEN";
  c.budget = 150;
  c.seed = 5;
  c.max_creates = -1;
  c.list_created = 1;
  c.report_dir = dir;
  c.shrink_requests = 40;
  c.headers = hs;
  c.n_headers = 2;
  c.redact = redact;
  c.n_redact = 1;
  char err[HEXPLORE_MSG_MAX];
  cJSON *x = hexplore_run(rules, &c, err);
  cr_assert(x, "%s", err);
  reflector_stop(srv, t); /* joined: its counters are final */
  /* every request, shrinking's too, carried both headers */
  size_t requests = srv->requests, tenant = srv->tenant, trace = srv->trace;
  free(srv);
  cr_assert_geq(requests, 150 + (size_t)num(x, "shrink_requests"));
  cr_expect_gt(num(x, "shrink_requests"), 0, "failures were shrunk with the headers too");
  cr_expect_eq(tenant, requests, "X-Tenant on %zu of %zu requests", tenant, requests);
  cr_expect_eq(trace, requests, "X-Trace on %zu of %zu requests", trace, requests);
  /* the section: the env value (reflected by the server), the server's id
   * (--redact /id) and the token appear nowhere */
  char *text = cJSON_PrintUnformatted(x);
  cr_assert(text);
  cr_expect_null(strstr(text, TRACE_VALUE), "the env header value leaked: %.400s",
                 strstr(text, TRACE_VALUE) ? strstr(text, TRACE_VALUE) - 80 : "");
  cr_expect_null(strstr(text, SERVER_ID), "a --redact value leaked");
  cr_expect_null(strstr(text, SECRET), "the token leaked");
  free(text);
  const cJSON *made = cJSON_GetObjectItemCaseSensitive(x, "created");
  cr_assert_gt(cJSON_GetArraySize(made), 10);
  for (const cJSON *m = made->child; m; m = m->next)
    cr_expect_str_eq(str(m, "id"), "<redacted>");
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(x, "failures")->child;
  cr_assert(f, "a 201 to everything fails explore");
  const cJSON *ev = cJSON_GetObjectItemCaseSensitive(f, "evidence");
  const cJSON *rq = cJSON_GetObjectItemCaseSensitive(ev, "request");
  const cJSON *rh = cJSON_GetObjectItemCaseSensitive(rq, "headers");
  cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(pair_named(rh, "X-Trace"), 1)),
                   "<redacted>");
  cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(pair_named(rh, "X-Tenant"), 1)), "acme");
  const char *rb = str(cJSON_GetObjectItemCaseSensitive(ev, "response"), "body_excerpt");
  cr_expect(strstr(rb, "\"id\":\"<redacted>\",\"trace\":\"<redacted>\""), "response: %s", rb);
  cr_expect(strstr(str(f, "curl"), "-H 'X-Tenant: acme' -H 'X-Trace: '\"${TRACE_V}\""),
            "the curl line reads the variable: %s", str(f, "curl"));
  /* the case file: the literal header travels with the case, the other is named */
  size_t len;
  char *ct = slurp(str(f, "case_file"), &len);
  cr_assert(ct, "no case file");
  cJSON *doc = cJSON_Parse(ct);
  free(ct);
  cr_assert(doc);
  const cJSON *ch = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "case"),
                                                     "headers");
  cr_expect_eq(cJSON_GetArraySize(ch), 1);
  cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(pair_named(ch, "X-Tenant"), 1)), "acme");
  const cJSON *eh = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(doc, "explore"), "env_headers");
  cr_expect_str_eq(str(cJSON_GetArrayItem(eh, 0), "name"), "X-Trace");
  cr_expect_str_eq(str(cJSON_GetArrayItem(eh, 0), "env"), "TRACE_V");
  cJSON_Delete(doc);
  /* and no file under DIR/explore holds a secret */
  char xd[128];
  snprintf(xd, sizeof xd, "%s/explore", dir);
  const char *const needles[] = {TRACE_VALUE, SERVER_ID, SECRET};
  size_t files = 0;
  const char *hit = dir_holds(xd, needles, 3, &files);
  cr_expect_null(hit, "%s is in a file under %s", hit, xd);
  cr_expect_geq(files, 2, "case files were written");
  cJSON_Delete(x);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
}

/* 1 when text holds an account id ("ACC-" and a digit). */
static int holds_account_id(const char *text, size_t len) {
  for (const char *a = text; (a = memmem(a, len - (size_t)(a - text), "ACC-", 4)) != NULL; a++)
    if ((size_t)(a - text) + 4 < len && a[4] >= '0' && a[4] <= '9')
      return 1;
  return 0;
}

Test(explore_secrets, redacted_request_and_response_values_never_appear, .timeout = 120) {
  char url[64], dir[64];
  snprintf(dir, sizeof dir, "/tmp/test_explore_XXXXXX");
  cr_assert(mkdtemp(dir));
  /* every 201 fails (revision 2), so 201 bodies and the bodies that made
   * them are in the evidence and the case files */
  hmock *m = mock_with("revision-not-1", url, sizeof url);
  const char *const redact[] = {"/account/id", "/id"};
  hexplore_config c;
  memset(&c, 0, sizeof c);
  c.base_url = url;
  c.bearer = SECRET;
  c.token_env = "HARNESS_TOKEN";
  c.budget = 300;
  c.seed = 11;
  c.max_creates = -1;
  c.list_created = 1;
  c.report_dir = dir;
  c.shrink_requests = 80;
  c.redact = redact;
  c.n_redact = 2;
  char err[HEXPLORE_MSG_MAX];
  cJSON *x = hexplore_run(rules, &c, err);
  hmock_stop(m);
  cr_assert(x, "%s", err);
  const cJSON *fails = cJSON_GetObjectItemCaseSensitive(x, "failures");
  cr_assert_gt(cJSON_GetArraySize(fails), 0, "revision-not-1 fails explore");
  size_t redacted_bodies = 0, ids_shown = 0;
  for (const cJSON *f = fails->child; f; f = f->next) {
    char *t = cJSON_PrintUnformatted(f);
    cr_assert(t);
    cr_expect(!holds_account_id(t, strlen(t)), "an account id in a failure: %s", t);
    free(t);
    redacted_bodies += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "body_redacted"));
    const char *rb = str(cJSON_GetObjectItemCaseSensitive(
                             cJSON_GetObjectItemCaseSensitive(f, "evidence"), "response"),
                         "body_excerpt");
    ids_shown += strstr(rb, "\"id\":\"<redacted>\"") != NULL;
    /* the case file says its body is redacted, and shows it so */
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "body_redacted"))) {
      size_t len;
      char *ct = slurp(str(f, "case_file"), &len);
      cr_assert(ct);
      cJSON *doc = cJSON_Parse(ct);
      free(ct);
      cr_assert(doc);
      const cJSON *cs = cJSON_GetObjectItemCaseSensitive(doc, "case");
      cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
          cJSON_GetObjectItemCaseSensitive(doc, "explore"), "body_redacted")));
      cr_expect(strstr(str(cs, "body_text"), "\"<redacted>\""), "%s", str(cs, "body_text"));
      cJSON_Delete(doc);
    }
  }
  cr_expect_gt(redacted_bodies, 0, "a shrunk valid body keeps its account id: redacted");
  cr_expect_gt(ids_shown, 0, "the evidence shows the 201's id redacted");
  const cJSON *made = cJSON_GetObjectItemCaseSensitive(x, "created");
  cr_assert_gt(cJSON_GetArraySize(made), 10);
  for (const cJSON *mm = made->child; mm; mm = mm->next)
    cr_expect_str_eq(str(mm, "id"), "<redacted>");
  /* no file under DIR/explore holds an account id */
  char xd[128];
  snprintf(xd, sizeof xd, "%s/explore", dir);
  DIR *d = opendir(xd);
  cr_assert(d);
  size_t files = 0;
  for (struct dirent *de; (de = readdir(d)) != NULL;) {
    if (de->d_name[0] == '.')
      continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", xd, de->d_name);
    size_t len;
    char *t = slurp(p, &len);
    cr_assert(t);
    files++;
    cr_expect(!holds_account_id(t, len), "%s holds an account id", p);
    free(t);
  }
  closedir(d);
  cr_expect_geq(files, 2);
  cJSON_Delete(x);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
}

Test(explore_secrets, a_check_message_quoting_a_redacted_value_is_redacted, .timeout = 120) {
  char url[64];
  /* the echo check quotes the name sent and the name echoed when they differ
   * inside (a trimmed name), not when one is a prefix of the other */
  hmock *m = mock_with("name-trimmed", url, sizeof url);
  const char *const redact[] = {"/name"};
  size_t quoting = 0;
  for (uint64_t seed = 1; seed <= 6 && !quoting; seed++) {
    hexplore_config c;
    memset(&c, 0, sizeof c);
    c.base_url = url;
    c.bearer = SECRET;
    c.budget = 300;
    c.seed = seed;
    c.max_creates = -1;
    c.shrink_requests = 20;
    c.redact = redact;
    c.n_redact = 1;
    char err[HEXPLORE_MSG_MAX];
    cJSON *x = hexplore_run(rules, &c, err);
    cr_assert(x, "%s", err);
    const cJSON *hit = NULL;
    for (const cJSON *f = cJSON_GetObjectItemCaseSensitive(x, "failures")->child; f; f = f->next)
      if (!strcmp(str(f, "requirement"), "semantics.echo.name"))
        hit = f;
    cr_assert(hit, "seed %llu: name-trimmed fails the name echo", (unsigned long long)seed);
    const char *msg = str(hit, "message");
    if (strstr(msg, "sent \"")) {
      quoting++;
      cr_expect(strstr(msg, "sent \"<redacted>\"") && strstr(msg, "has \"<redacted>\""),
                "both names are redacted: %s", msg);
    }
    cJSON_Delete(x);
  }
  hmock_stop(m);
  cr_expect_gt(quoting, 0, "a message quoted the names");
}

Test(explore_secrets, malformed_run_headers_stop_before_any_request) {
  static const struct {
    hrun_header h;
    const char *why;
  } bad[] = {
      {{"Content-Type", "text/plain", NULL}, "sets this header itself"},
      {{"Authorization", "Basic eA==", NULL}, "sets this header itself"},
      {{"X Bad", "v", NULL}, "a character a field name cannot have"},
      {{"X-Inject", "a\r\nInjected: 1", NULL}, "CR or LF"},
      {{"X-Short", "abc", "SHORT_V"}, "shorter than 4 bytes"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    hexplore_config c;
    memset(&c, 0, sizeof c);
    c.base_url = "http://127.0.0.1:9"; /* never reached: the run does not start */
    c.budget = 10;
    c.max_creates = -1;
    c.headers = &bad[i].h;
    c.n_headers = 1;
    char err[HEXPLORE_MSG_MAX] = "";
    cJSON *x = hexplore_run(rules, &c, err);
    cr_expect_null(x, "header %s was accepted", bad[i].h.name);
    cJSON_Delete(x);
    cr_expect(strstr(err, bad[i].why), "header %zu: '%s' not in: %s", i, bad[i].why, err);
    cr_expect(strstr(err, "run header 1"), "%s", err);
    cr_expect_null(strstr(err, "Injected"), "the value is not echoed: %s", err);
    cr_expect_null(strchr(err, '\n'), "one line: %s", err);
  }
}

/* ---- certify's command line ---- */

Test(explore_cli, bad_base_url_is_a_usage_error_before_any_request, .timeout = 60) {
  /* a listener that counts connections: none may arrive */
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  cr_assert_eq(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
  cr_assert_eq(listen(ls, 8), 0);
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  int port = ntohs(a.sin_port);
  char bad[6][160];
  snprintf(bad[0], sizeof bad[0], "ftp://127.0.0.1:%d", port);
  snprintf(bad[1], sizeof bad[1], "http://[::1");
  snprintf(bad[2], sizeof bad[2], "http://127.0.0.1:99999");
  snprintf(bad[3], sizeof bad[3], "http://exa mple.com");
  snprintf(bad[4], sizeof bad[4], "http://user:hunter2pw@127.0.0.1:%d/?q=1", port);
  snprintf(bad[5], sizeof bad[5], "http://127.0.0.1:%d/#frag", port);
  for (int i = 0; i < 6; i++) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             APIHARNESS_BIN " certify --base-url '%s' --explore 10 --report-dir /tmp/test_explore_never"
                            " >/tmp/test_explore_cli.out 2>/tmp/test_explore_cli.err",
             bad[i]);
    cr_expect_eq(ts_run(cmd), 2, "%s must be a usage error", bad[i]);
    size_t n;
    char *err = slurp("/tmp/test_explore_cli.err", &n);
    cr_assert(err);
    size_t lines = 0;
    for (size_t k = 0; k < n; k++)
      lines += err[k] == '\n';
    cr_expect_eq(lines, 1, "one line: %s", err);
    cr_expect(strstr(err, "hunter2pw") == NULL, "the URL's password was printed: %s", err);
    free(err);
  }
  struct pollfd p = {ls, POLLIN, 0};
  cr_expect_eq(poll(&p, 1, 200), 0, "a request reached the server");
  struct stat st;
  cr_expect(stat("/tmp/test_explore_never", &st) != 0, "no report directory for a usage error");
  close(ls);
}

Test(explore_cli, explore_option_is_checked) {
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --explore -1 >/dev/null 2>&1"), 2);
  cr_expect_eq(ts_run(APIHARNESS_BIN " certify --explore lots >/dev/null 2>&1"), 2);
}

static cJSON *read_report(const char *dir) {
  char path[512];
  size_t n;
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  char *t = slurp(path, &n);
  cr_assert(t, "no %s", path);
  cJSON *r = cJSON_Parse(t);
  free(t);
  cr_assert(r, "%s is not JSON", path);
  return r;
}

static const cJSON *req_of(const cJSON *r, const char *id) {
  for (const cJSON *q = cJSON_GetObjectItemCaseSensitive(r, "requirements")->child; q; q = q->next)
    if (!strcmp(str(q, "id"), id))
      return q;
  return NULL;
}

Test(explore_cli, default_certify_explores_the_mock_with_a_generated_token, .timeout = 180) {
  char dir[64], cmd[1024];
  snprintf(dir, sizeof dir, "/tmp/test_explore_XXXXXX");
  cr_assert(mkdtemp(dir));
  /* no token configured: certify makes one for the mock, so auth cases run.
   * The default explore phase is the point; the catalogue, which test_certify
   * runs whole, is filtered to the auth cases the generated token enables. */
  snprintf(cmd, sizeof cmd,
           "env -u HARNESS_TOKEN " APIHARNESS_BIN
           " certify --filter http.authentication-required --report-dir %s/r >%s/out 2>%s/err",
           dir, dir, dir);
  cr_assert_eq(ts_run(cmd), 0, "the healthy mock is compliant with the default explore (see %s)", dir);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = read_report(cmd);
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(r, "explore");
  cr_assert(x, "the default run has an explore section");
  cr_expect_eq(num(x, "sent"), HEXPLORE_DEFAULT_BUDGET + num(x, "repeated"));
  cr_expect_eq(num(x, "seed"), 1);
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x, "failures")), 0);
  const cJSON *auth = req_of(r, "http.authentication-required");
  cr_assert(auth);
  cr_expect_str_eq(str(auth, "status"), "pass", "a generated token makes the auth cases run");
  const cJSON *gen = req_of(r, HEXPLORE_REQ_VALID);
  cr_assert(gen, "explore's own requirement is listed");
  cr_expect_str_eq(str(gen, "status"), "pass");
  cJSON_Delete(r);
  /* --explore 0: no explore section */
  snprintf(cmd, sizeof cmd,
           APIHARNESS_BIN
           " certify --explore 0 --filter pos.minimal --report-dir %s/r0 >/dev/null 2>&1",
           dir);
  cr_assert_eq(ts_run(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s/r0", dir);
  r = read_report(cmd);
  cr_expect(cJSON_GetObjectItemCaseSensitive(r, "explore") == NULL);
  cJSON_Delete(r);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
}

Test(explore_cli, explore_failure_fails_the_verdict_without_leaking_the_token, .timeout = 180) {
  char dir[64], cmd[1024];
  snprintf(dir, sizeof dir, "/tmp/test_explore_XXXXXX");
  cr_assert(mkdtemp(dir));
  /* the catalogue filtered to cases the fault does not touch (the auth cases,
   * which send the token and near misses of it): only explore can fail it;
   * seed 3 meets the fault within its first 60 requests */
  snprintf(cmd, sizeof cmd,
           "HARNESS_TOKEN=" SECRET " " APIHARNESS_BIN " certify --fault reject-null --filter "
           "'http.auth.*' --explore 150 --seed 3 --report-dir %s/r >%s/out 2>%s/err",
           dir, dir, dir);
  cr_assert_eq(ts_run(cmd), 1, "an explore failure makes the run non-compliant (see %s)", dir);
  snprintf(cmd, sizeof cmd, "%s/r", dir);
  cJSON *r = read_report(cmd);
  cr_expect_str_eq(str(r, "verdict"), "non-compliant");
  const cJSON *gen = req_of(r, HEXPLORE_REQ_VALID);
  cr_assert(gen);
  cr_expect_str_eq(str(gen, "status"), "fail", "the requirement explore failed is failed");
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "explore"),
                                                    "failures")->child;
  cr_assert(f);
  cr_expect(cJSON_GetObjectItemCaseSensitive(f, "evidence") != NULL);
  struct stat st;
  cr_expect(stat(str(f, "case_file"), &st) == 0);
  cJSON_Delete(r);
  /* the token is nowhere: report files, case files, terminal */
  snprintf(cmd, sizeof cmd, "grep -rqF '" SECRET "' %s", dir);
  cr_expect_neq(ts_run(cmd), 0, "the bearer token leaked under %s", dir);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
}
