/* apiharness validate: JSON documents against a schema of the spec, or against
 * a standalone JSON Schema document.
 *
 *   apiharness validate [--spec FILE] (--schema NAME | --schema-file FILE)
 *                       [--ndjson] [--json] [--direction request|response]
 *                       [--max-violations N] [--max-depth N] [--max-doc-bytes N]
 *                       FILE|- ...
 *
 * Exit 0 when every document is valid, 1 when any is invalid (JSON that is not
 * strict RFC 8259 is invalid), 2 for usage, I/O or spec errors (writing the
 * results included). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_extra.h"
#include "schema/hschema.h"
#include "spec/hspec.h"
#include "json/hjson.h"
#include "util/hutil.h"

#define DEFAULT_MAX_DOC ((size_t)64 << 20) /* 64 MiB per document */
#define CHUNK ((size_t)1 << 20)
#define SCHEMA_FILE_MAX ((size_t)64 << 20) /* 64 MiB for --schema-file */

typedef struct {
  const char *spec_path;
  const char *schema_name;
  const char *schema_file;
  int ndjson;
  int json;
  hschema_direction direction;
  size_t max_violations;
  unsigned max_depth;
  size_t max_doc;
} options;

typedef struct {
  const options *opt;
  const hschema *schema;
  hjson_doc *doc;
  hschema_result *result;
  hjson_options jopt;
  unsigned long long valid, invalid;
} validator;

static void usage(FILE *out) {
  fprintf(out,
          "usage: apiharness validate [--spec FILE] (--schema NAME | --schema-file FILE)\n"
          "                           [--ndjson] [--json] [--direction request|response]\n"
          "                           [--max-violations N] [--max-depth N] [--max-doc-bytes N]\n"
          "                           FILE|- ...\n"
          "  --spec FILE          OpenAPI 3.0 document (default: the project's spec)\n"
          "  --schema NAME        a component schema of the spec (e.g. CreateApiTokenDto)\n"
          "  --schema-file FILE   a standalone JSON Schema document (draft-04 style)\n"
          "  --ndjson             each non-empty line of each FILE is one document\n"
          "  --json               machine-readable output, one JSON object per line\n"
          "  --direction D        request: readOnly properties forbidden; response: writeOnly\n"
          "exit: 0 all valid, 1 some invalid, 2 usage, I/O or spec error\n");
}

/* Writes s[0..len) as a JSON string: every byte that is not printable ASCII
 * or valid UTF-8 text is escaped, so output stays one line and valid JSON. */
static void put_json_string(FILE *out, const char *s, size_t len) {
  putc('"', out);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (c < 0x20 || c == 0x7f)
        fprintf(out, "\\u%04x", c);
      else
        putc(c, out);
    }
  }
  putc('"', out);
}

static void put_json_cstr(FILE *out, const char *s) { put_json_string(out, s, s ? strlen(s) : 0); }

/* File names and messages may hold control characters: shown escaped. */
static void put_text(FILE *out, const char *s) {
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f)
      fprintf(out, "\\x%02x", c);
    else
      putc(c, out);
  }
}

static void report_location(FILE *out, const char *file, unsigned long long line) {
  put_text(out, file);
  if (line)
    fprintf(out, ":%llu", line);
}

static void report_json_error(validator *v, const char *file, unsigned long long line,
                              const hjson_error *e) {
  v->invalid++;
  if (v->opt->json) {
    fputs("{\"file\":", stdout);
    put_json_cstr(stdout, file);
    if (line)
      printf(",\"line\":%llu", line);
    printf(",\"valid\":false,\"json_error\":{\"code\":\"%s\",\"offset\":%zu,\"pointer\":",
           hjson_code_name(e->code), e->offset);
    put_json_cstr(stdout, e->pointer);
    fputs(",\"message\":", stdout);
    put_json_cstr(stdout, e->msg);
    fputs("}}\n", stdout);
    return;
  }
  report_location(stdout, file, line);
  printf(": invalid JSON at byte %zu", e->offset);
  if (e->pointer[0]) {
    fputs(" (", stdout);
    put_text(stdout, e->pointer);
    putc(')', stdout);
  }
  fputs(": ", stdout);
  put_text(stdout, e->msg);
  putc('\n', stdout);
}

static void report_violations(validator *v, const char *file, unsigned long long line, int ok) {
  size_t n = hschema_result_count(v->result);
  if (v->opt->json) {
    if (ok && !n)
      return;
    fputs("{\"file\":", stdout);
    put_json_cstr(stdout, file);
    if (line)
      printf(",\"line\":%llu", line);
    printf(",\"valid\":%s,\"violations\":[", ok ? "true" : "false");
    for (size_t i = 0; i < n; i++) {
      const hschema_violation *x = hschema_result_at(v->result, i);
      fputs(i ? ",{\"instance\":" : "{\"instance\":", stdout);
      put_json_cstr(stdout, x->instance);
      fputs(",\"schema\":", stdout);
      put_json_cstr(stdout, x->schema);
      fputs(",\"keyword\":", stdout);
      put_json_cstr(stdout, x->keyword);
      fputs(",\"message\":", stdout);
      put_json_cstr(stdout, x->message);
      printf(",\"severity\":\"%s\"}", x->warning ? "warning" : "error");
    }
    printf("],\"errors\":%zu,\"warnings\":%zu,\"truncated\":%s}\n",
           hschema_result_errors(v->result), hschema_result_warnings(v->result),
           hschema_result_truncated(v->result) ? "true" : "false");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const hschema_violation *x = hschema_result_at(v->result, i);
    report_location(stdout, file, line);
    fputs(x->warning ? ": warning: " : ": ", stdout);
    put_text(stdout, x->instance[0] ? x->instance : "(root)");
    fputs(": ", stdout);
    put_text(stdout, x->message);
    fputs(" [", stdout);
    put_text(stdout, x->keyword);
    fputs(" at ", stdout);
    put_text(stdout, x->schema);
    fputs("]\n", stdout);
  }
  if (hschema_result_truncated(v->result)) {
    report_location(stdout, file, line);
    printf(": ... %zu errors in all, only the first %zu shown\n", hschema_result_errors(v->result),
           n);
  }
}

static void report_too_long(validator *v, const char *file, unsigned long long line);

static void validate_one(validator *v, const char *data, size_t len, const char *file,
                         unsigned long long line) {
  if (len > v->opt->max_doc) {
    report_too_long(v, file, line);
    return;
  }
  hjson_error e;
  const cJSON *root = hjson_parse(v->doc, data, len, &v->jopt, &e);
  if (!root) {
    report_json_error(v, file, line, &e);
    return;
  }
  hschema_result_reset(v->result);
  int ok = hschema_validate(v->schema, root, v->opt->direction, v->result);
  if (ok)
    v->valid++;
  else
    v->invalid++;
  report_violations(v, file, line, ok);
}

static void report_too_long(validator *v, const char *file, unsigned long long line) {
  hjson_error e = {HJSON_E_LIMIT, "document longer than --max-doc-bytes", v->opt->max_doc, ""};
  report_json_error(v, file, line, &e);
  /* said at once, even when the rest of the line is endless (/dev/zero) */
  fflush(stdout);
}

/* Streams NDJSON: memory stays at one chunk plus the longest line (capped). */
static int validate_ndjson(validator *v, FILE *in, const char *file) {
  size_t cap = CHUNK, len = 0;
  char *buf = malloc(cap);
  unsigned long long line = 0;
  int skipping = 0, rc = 0;
  if (!buf) {
    fprintf(stderr, "apiharness validate: out of memory reading %s\n", file);
    return -1;
  }
  for (;;) {
    if (len == cap) {
      /* a line fills the buffer: grow up to the document cap, then skip it */
      if (cap >= v->opt->max_doc + 1) {
        if (!skipping)
          report_too_long(v, file, line + 1);
        skipping = 1;
        len = 0;
      } else {
        size_t ncap = cap * 2 > v->opt->max_doc + 1 ? v->opt->max_doc + 1 : cap * 2;
        char *nb = realloc(buf, ncap);
        if (!nb) {
          fprintf(stderr, "apiharness validate: out of memory reading %s\n", file);
          rc = -1;
          break;
        }
        buf = nb;
        cap = ncap;
      }
    }
    size_t got = fread(buf + len, 1, cap - len, in);
    if (got == 0) {
      if (ferror(in)) {
        fprintf(stderr, "apiharness validate: %s: read error: %s\n", file, strerror(errno));
        rc = -1;
      } else if (len && !skipping) {
        line++;
        /* last line without a newline */
        size_t n = len;
        while (n && (buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
          n--;
        if (n)
          validate_one(v, buf, n, file, line);
      }
      break;
    }
    size_t end = len + got, start = 0;
    for (size_t i = len; i < end; i++) {
      const char *nl = memchr(buf + i, '\n', end - i);
      if (!nl)
        break;
      i = (size_t)(nl - buf);
      line++;
      if (skipping) {
        skipping = 0;
      } else {
        size_t n = i - start;
        if (n && buf[start + n - 1] == '\r')
          n--;
        size_t k = 0;
        while (k < n && (buf[start + k] == ' ' || buf[start + k] == '\t'))
          k++;
        if (k < n)
          validate_one(v, buf + start, n, file, line);
      }
      start = i + 1;
    }
    if (skipping)
      start = end; /* drop the rest of an over-long line */
    memmove(buf, buf + start, end - start);
    len = end - start;
  }
  free(buf);
  return rc;
}

/* Reads a whole file (capped) and validates it as one document. */
static int validate_whole(validator *v, FILE *in, const char *file) {
  size_t cap = 64 << 10, len = 0;
  char *buf = malloc(cap);
  int rc = 0;
  if (!buf)
    goto nomem;
  for (;;) {
    if (len == cap) {
      if (cap > v->opt->max_doc) {
        report_too_long(v, file, 0);
        goto done;
      }
      char *nb = realloc(buf, cap * 2);
      if (!nb)
        goto nomem;
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, in);
    len += got;
    if (got == 0)
      break;
  }
  if (ferror(in)) {
    fprintf(stderr, "apiharness validate: %s: read error: %s\n", file, strerror(errno));
    rc = -1;
    goto done;
  }
  if (len > v->opt->max_doc) {
    report_too_long(v, file, 0);
    goto done;
  }
  validate_one(v, buf, len, file, 0);
done:
  free(buf);
  return rc;
nomem:
  free(buf);
  fprintf(stderr, "apiharness validate: out of memory reading %s\n", file);
  return -1;
}

static int parse_size(const char *arg, const char *flag, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long x = strtoull(arg, &end, 10);
  if (errno || end == arg || *end || arg[0] == '-' || x == 0 || x > SIZE_MAX / 2) {
    fprintf(stderr, "apiharness validate: %s takes a positive whole number, got '%s'\n", flag, arg);
    return 0;
  }
  *out = (size_t)x;
  return 1;
}

/* Loads a file fully for the --schema-file document; NULL with a message. */
static char *read_file(const char *path, size_t *len) {
  char err[512];
  char *buf = hutil_slurp(path, SCHEMA_FILE_MAX, 0, len, NULL, err, sizeof err);
  if (!buf)
    fprintf(stderr, "apiharness validate: schema file %s\n", err);
  return buf;
}

static int validate_takes_value(const char *a) {
  return !strcmp(a, "--spec") || !strcmp(a, "--schema") || !strcmp(a, "--schema-file") ||
         !strcmp(a, "--direction") || !strcmp(a, "--max-violations") ||
         !strcmp(a, "--max-depth") || !strcmp(a, "--max-doc-bytes");
}

int cmd_validate(int argc, char **argv) {
  options opt = {0};
  opt.max_doc = DEFAULT_MAX_DOC;
  int first_file = argc;
  /* every option of validate is single-valued: given twice is a mistake */
  if (cli_refuse_repeats("validate", argc, argv, NULL, validate_takes_value) != 0)
    return CLI_EXIT_ERROR;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
    int takes = validate_takes_value(a);
    if (takes && !val) {
      fprintf(stderr, "apiharness validate: %s needs a value\n", a);
      return CLI_EXIT_ERROR;
    }

    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return CLI_EXIT_OK;
    } else if (!strcmp(a, "--spec")) {
      opt.spec_path = val;
    } else if (!strcmp(a, "--schema")) {
      opt.schema_name = val;
    } else if (!strcmp(a, "--schema-file")) {
      opt.schema_file = val;
    } else if (!strcmp(a, "--ndjson")) {
      opt.ndjson = 1;
    } else if (!strcmp(a, "--json")) {
      opt.json = 1;
    } else if (!strcmp(a, "--direction")) {
      if (!strcmp(val, "request"))
        opt.direction = HSCHEMA_DIR_REQUEST;
      else if (!strcmp(val, "response"))
        opt.direction = HSCHEMA_DIR_RESPONSE;
      else if (!strcmp(val, "none"))
        opt.direction = HSCHEMA_DIR_NONE;
      else {
        fprintf(stderr, "apiharness validate: --direction takes request, response or none\n");
        return CLI_EXIT_ERROR;
      }
    } else if (!strcmp(a, "--max-violations")) {
      if (!parse_size(val, a, &opt.max_violations))
        return CLI_EXIT_ERROR;
    } else if (!strcmp(a, "--max-depth")) {
      size_t d;
      if (!parse_size(val, a, &d))
        return CLI_EXIT_ERROR;
      opt.max_depth = d > HJSON_HARD_MAX_DEPTH ? HJSON_HARD_MAX_DEPTH : (unsigned)d;
    } else if (!strcmp(a, "--max-doc-bytes")) {
      if (!parse_size(val, a, &opt.max_doc))
        return CLI_EXIT_ERROR;
    } else if (!strcmp(a, "--")) {
      first_file = i + 1;
      break;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "apiharness validate: unknown option '%s' (see --help)\n", a);
      return CLI_EXIT_ERROR;
    } else {
      first_file = i;
      break;
    }
    if (takes)
      i++;
  }
  if (!!opt.schema_name == !!opt.schema_file) {
    fprintf(stderr,
            "apiharness validate: give exactly one of --schema NAME or --schema-file FILE\n");
    return CLI_EXIT_ERROR;
  }
  if (first_file >= argc) {
    fprintf(stderr, "apiharness validate: no input files (use - for standard input)\n");
    return CLI_EXIT_ERROR;
  }

  int rc = CLI_EXIT_ERROR;
  hspec *spec = NULL;
  hjson_doc *schema_doc = NULL;
  char *schema_text = NULL;
  hschema_set *set = NULL;
  validator v = {0};
  v.opt = &opt;
  v.jopt.max_depth = opt.max_depth;
  v.jopt.max_bytes = opt.max_doc;
  herr serr;

  if (opt.schema_name) {
    herr err;
    const char *path = opt.spec_path ? opt.spec_path : cli_default_spec();
    spec = hspec_load_file(path, &err);
    if (!spec) {
      fprintf(stderr, "apiharness validate: %s\n", err.msg);
      goto fail;
    }
    const char *ptr = hspec_component_schema_pointer(spec, opt.schema_name);
    if (!ptr) {
      fprintf(stderr, "apiharness validate: %s has no schema '%s' in #/components/schemas\n", path,
              opt.schema_name);
      goto fail;
    }
    set = hschema_set_new(hspec_root(spec), NULL);
    if (!set)
      goto nomem;
    v.schema = hschema_compile(set, ptr, &serr);
  } else {
    size_t len;
    schema_text = read_file(opt.schema_file, &len);
    if (!schema_text)
      goto fail;
    schema_doc = hjson_doc_new();
    if (!schema_doc)
      goto nomem;
    hjson_error jerr;
    const cJSON *root = hjson_parse(schema_doc, schema_text, len, NULL, &jerr);
    if (!root) {
      fprintf(stderr, "apiharness validate: schema file %s: invalid JSON at byte %zu%s%s: %s\n",
              opt.schema_file, jerr.offset, jerr.pointer[0] ? " " : "", jerr.pointer, jerr.msg);
      goto fail;
    }
    set = hschema_set_new(root, NULL);
    if (!set)
      goto nomem;
    v.schema = hschema_compile(set, "#", &serr);
  }
  if (!v.schema) {
    fprintf(stderr, "apiharness validate: %s: %s\n",
            opt.schema_file ? opt.schema_file
                            : (opt.spec_path ? opt.spec_path : cli_default_spec()),
            serr.msg);
    goto fail;
  }
  v.doc = hjson_doc_new();
  v.result = hschema_result_new(opt.max_violations);
  if (!v.doc || !v.result)
    goto nomem;

  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  int io_error = 0;
  for (int i = first_file; i < argc; i++) {
    const char *file = argv[i];
    int is_stdin = !strcmp(file, "-");
    FILE *in = is_stdin ? stdin : fopen(file, "rb");
    if (!in) {
      fprintf(stderr, "apiharness validate: cannot open %s: %s\n", file, strerror(errno));
      io_error = 1;
      continue;
    }
    const char *name = is_stdin ? "(stdin)" : file;
    unsigned long long before_invalid = v.invalid, before_valid = v.valid;
    int r = opt.ndjson ? validate_ndjson(&v, in, name) : validate_whole(&v, in, name);
    if (r < 0)
      io_error = 1;
    if (!opt.ndjson && !opt.json && r == 0 && v.valid > before_valid &&
        v.invalid == before_invalid) {
      put_text(stdout, name);
      fputs(": valid\n", stdout);
    }
    if (!is_stdin)
      fclose(in);
  }
  if (opt.json)
    printf("{\"summary\":{\"valid\":%llu,\"invalid\":%llu}}\n", v.valid, v.invalid);
  else
    printf("%llu valid, %llu invalid\n", v.valid, v.invalid);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    /* a verdict nobody could read (full disk, closed pipe) is not a verdict */
    fprintf(stderr, "apiharness validate: cannot write the results to standard output: %s\n",
            strerror(errno));
    io_error = 1;
  }
  rc = io_error ? CLI_EXIT_ERROR : (v.invalid ? CLI_EXIT_FAIL : CLI_EXIT_OK);
  goto fail;
nomem:
  fprintf(stderr, "apiharness validate: out of memory\n");
fail:
  hschema_result_free(v.result);
  hjson_doc_free(v.doc);
  hschema_set_free(set);
  hjson_doc_free(schema_doc);
  free(schema_text);
  hspec_free(spec);
  return rc;
}
