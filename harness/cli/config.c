/* --config FILE: long option sets from a JSON object, read with the strict
 * reader.  See cli_extra.h for the format and the rules. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_extra.h"
#include "json/hjson.h"

#define CONFIG_MAX_BYTES ((size_t)1 << 20)
#define CONFIG_MAX_DEPTH 4u

typedef enum {
  OPT_FLAG, /* true: --name; false: nothing */
  OPT_STR,  /* a string */
  OPT_INT,  /* an integer, passed as written */
  OPT_NUM,  /* any number, passed as written */
} opt_type;

typedef struct {
  const char *name; /* without the dashes */
  opt_type type;
  int repeat; /* may be given several times: a string or an array of strings */
} opt_def;

/* Each table is the command's --help, minus --help and --config
 * (tests/test_ship.c compares them). */
static const opt_def certify_opts[] = {
    {"base-url", OPT_STR, 0},      {"spec", OPT_STR, 0},       {"report-dir", OPT_STR, 0},
    {"token-env", OPT_STR, 1},     {"timeout-ms", OPT_INT, 0}, {"profile", OPT_STR, 0},
    {"seed", OPT_INT, 0},          {"filter", OPT_STR, 0},     {"rate-limit", OPT_NUM, 0},
    {"max-creates", OPT_INT, 0},   {"jobs", OPT_INT, 0},       {"cacert", OPT_STR, 0},
    {"insecure", OPT_FLAG, 0},     {"fault", OPT_STR, 1},      {"explore", OPT_INT, 0},
    {"no-preflight", OPT_FLAG, 0}, {"summary-md", OPT_STR, 0}, {"sarif", OPT_STR, 0},
    {"redact", OPT_STR, 1},        {"fail-on", OPT_STR, 0},    {"waivers", OPT_STR, 0},
    {"header", OPT_STR, 1},        {NULL, OPT_FLAG, 0},
};

static const opt_def mock_opts[] = {
    {"host", OPT_STR, 0},
    {"port", OPT_INT, 0},
    {"spec", OPT_STR, 0},
    {"token-env", OPT_STR, 0},
    {"fault", OPT_STR, 1},
    {"list-faults", OPT_FLAG, 0},
    {"max-body", OPT_INT, 0},
    {"threads", OPT_INT, 0},
    {"connection-limit", OPT_INT, 0},
    {"idle-timeout", OPT_INT, 0},
    {"request-timeout", OPT_INT, 0},
    {"hang", OPT_INT, 0},
    {"verbose", OPT_FLAG, 0},
    {"problem-json", OPT_FLAG, 0},
    {NULL, OPT_FLAG, 0},
};

static const opt_def *table_for(const char *cmd) {
  if (!cmd)
    return NULL;
  if (!strcmp(cmd, "certify"))
    return certify_opts;
  if (!strcmp(cmd, "mock"))
    return mock_opts;
  return NULL;
}

const char *cli_config_option(const char *cmd, size_t i) {
  const opt_def *t = table_for(cmd);
  if (!t)
    return NULL;
  for (size_t k = 0; k <= i; k++)
    if (!t[k].name)
      return NULL;
  return t[i].name;
}

static const opt_def *find_opt(const opt_def *t, const char *name, size_t len) {
  for (; t->name; t++)
    if (strlen(t->name) == len && !memcmp(t->name, name, len))
      return t;
  return NULL;
}

int cli_option_info(const char *cmd, const char *opt, int *takes_value, int *repeats) {
  const opt_def *t = table_for(cmd);
  const opt_def *d =
      t && opt && !strncmp(opt, "--", 2) ? find_opt(t, opt + 2, strlen(opt + 2)) : NULL;
  if (takes_value)
    *takes_value = d && d->type != OPT_FLAG;
  if (repeats)
    *repeats = d && d->repeat;
  return d != NULL;
}

/* ---- small helpers ---- */

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t cap, const char *fmt,
                                                          ...) {
  if (!err || !cap)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, cap, fmt, ap);
  va_end(ap);
}

typedef struct {
  char **v;
  int n, cap;
  int nomem;
} argvec;

static void av_push(argvec *a, const char *s, size_t len) {
  if (a->nomem)
    return;
  if (a->n + 2 > a->cap) {
    int ncap = a->cap ? a->cap * 2 : 16;
    char **p = realloc(a->v, (size_t)ncap * sizeof *p);
    if (!p) {
      a->nomem = 1;
      return;
    }
    a->v = p;
    a->cap = ncap;
  }
  char *c = malloc(len + 1);
  if (!c) {
    a->nomem = 1;
    return;
  }
  memcpy(c, s, len);
  c[len] = '\0';
  a->v[a->n++] = c;
  a->v[a->n] = NULL;
}

static void av_pushs(argvec *a, const char *s) { av_push(a, s, strlen(s)); }

void cli_config_free(char **argv) {
  if (!argv)
    return;
  for (char **p = argv; *p; p++)
    free(*p);
  free(argv);
}

static const char *json_type(const cJSON *n) {
  if (cJSON_IsString(n))
    return "a string";
  if (cJSON_IsNumber(n))
    return "a number";
  if (cJSON_IsBool(n))
    return "a boolean";
  if (cJSON_IsNull(n))
    return "null";
  if (cJSON_IsArray(n))
    return "an array";
  if (cJSON_IsObject(n))
    return "an object";
  return "an unknown value";
}

/* A name that could carry a secret: "token", "secret" or "password" in it
 * (any case), unless it is the name of an environment variable ("...-env"). */
static int secret_name(const char *name, size_t len) {
  if (len >= 4 && !memcmp(name + len - 4, "-env", 4))
    return 0;
  static const char *const words[] = {"token", "secret", "password", "passwd", "bearer"};
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
    size_t wl = strlen(words[w]);
    for (size_t i = 0; i + wl <= len; i++) {
      size_t k = 0;
      while (k < wl && tolower((unsigned char)name[i + k]) == words[w][k])
        k++;
      if (k == wl)
        return 1;
    }
  }
  return 0;
}

/* Reads path whole (at most CONFIG_MAX_BYTES); NULL with err set. */
static char *slurp(const char *path, size_t *len, char *err, size_t cap, const char *who) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  char *buf = NULL;
  if (fd < 0 || fstat(fd, &st) != 0)
    goto ioerr;
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    goto ioerr;
  }
  if (!S_ISREG(st.st_mode)) {
    set_err(err, cap, "%s: --config %s: not a regular file", who, path);
    goto fail;
  }
  if ((size_t)st.st_size > CONFIG_MAX_BYTES) {
    set_err(err, cap, "%s: --config %s: %lld bytes, over the %zu-byte limit", who, path,
            (long long)st.st_size, CONFIG_MAX_BYTES);
    goto fail;
  }
  buf = malloc((size_t)st.st_size + 1);
  if (!buf) {
    set_err(err, cap, "%s: --config %s: out of memory", who, path);
    goto fail;
  }
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      goto ioerr;
    if (r == 0)
      break;
    n += (size_t)r;
    if (n > (size_t)st.st_size) {
      set_err(err, cap, "%s: --config %s: the file grew while being read", who, path);
      goto fail;
    }
  }
  close(fd);
  *len = n;
  return buf;
ioerr:
  set_err(err, cap, "%s: --config %s: %s", who, path, strerror(errno));
fail:
  if (fd >= 0)
    close(fd);
  free(buf);
  return NULL;
}

/* The member's JSON pointer ("/base-url", "/fault/1"). */
static void member_pointer(char *buf, size_t cap, const cJSON *member, long index) {
  size_t n = 0, klen = 0;
  const char *key = hjson_key(member, &klen);
  buf[0] = '\0';
  hjson_pointer_push(buf, cap, &n, key ? key : "", key ? klen : 0);
  if (index >= 0)
    hjson_pointer_push_index(buf, cap, &n, (size_t)index);
}

/* Does the command line give option `name` (as --name or --name=...)? */
static int on_command_line(int argc, char **argv, const char *name) {
  size_t len = strlen(name);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] == '-' && !strncmp(a + 2, name, len) &&
        (a[2 + len] == '\0' || a[2 + len] == '='))
      return 1;
  }
  return 0;
}

int cli_config_expand(const char *cmd, int argc, char **argv, int *out_argc, char ***out_argv,
                      char *err, size_t errcap) {
  char who[64];
  snprintf(who, sizeof who, "apiharness %s", cmd ? cmd : "?");
  if (err && errcap)
    err[0] = '\0';
  *out_argc = 0;
  *out_argv = NULL;
  const opt_def *table = table_for(cmd);

  /* find --config FILE / --config=FILE (once) */
  const char *path = NULL;
  int cfg_at = -1, cfg_words = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *file = NULL;
    int words = 1;
    if (!strcmp(a, "--")) /* the end of the options */
      break;
    if (!strcmp(a, "--config")) {
      if (i + 1 >= argc || !argv[i + 1][0]) {
        set_err(err, errcap, "%s: --config needs a FILE", who);
        return -1;
      }
      file = argv[i + 1];
      words = 2;
    } else if (!strncmp(a, "--config=", 9)) {
      file = a + 9;
      if (!*file) {
        set_err(err, errcap, "%s: --config needs a FILE", who);
        return -1;
      }
    } else {
      const opt_def *d = table && a[0] == '-' && a[1] == '-' && !strchr(a, '=')
                             ? find_opt(table, a + 2, strlen(a + 2))
                             : NULL;
      if (d && d->type != OPT_FLAG)
        i++; /* its value, even one that reads "--config" */
      continue;
    }
    if (path) {
      set_err(err, errcap, "%s: --config given twice (%s and %s)", who, path, file);
      return -1;
    }
    path = file;
    cfg_at = i;
    cfg_words = words;
    i += words - 1;
  }

  argvec av = {0};
  av_pushs(&av, argc > 0 ? argv[0] : (cmd ? cmd : "apiharness"));
  hjson_doc *doc = NULL;
  char *data = NULL;
  if (path) {
    if (!table) {
      set_err(err, errcap, "%s: --config is not an option of this command", who);
      goto fail;
    }
    size_t len = 0;
    if (!(data = slurp(path, &len, err, errcap, who)))
      goto fail;
    if (!(doc = hjson_doc_new()))
      goto nomem;
    hjson_options jo = {CONFIG_MAX_DEPTH, 1, 0, CONFIG_MAX_BYTES, 0};
    hjson_error je;
    memset(&je, 0, sizeof je);
    const cJSON *root = hjson_parse(doc, data, len, &jo, &je);
    if (!root) {
      if (je.code == HJSON_E_NOMEM)
        goto nomem;
      je.pointer[HJSON_POINTER_MAX - 1] = '\0';
      set_err(err, errcap, "%s: %s: %s: not strict JSON (%s) at byte %zu: %s", who, path,
              je.pointer[0] ? je.pointer : "(root)", hjson_code_name(je.code), je.offset,
              je.msg ? je.msg : "invalid JSON");
      goto fail;
    }
    if (!cJSON_IsObject(root)) {
      set_err(err, errcap, "%s: %s: (root): expected an object of option names, got %s", who, path,
              json_type(root));
      goto fail;
    }
    for (const cJSON *m = root->child; m; m = m->next) {
      size_t klen = 0;
      const char *key = hjson_key(m, &klen);
      char ptr[HJSON_POINTER_MAX];
      member_pointer(ptr, sizeof ptr, m, -1);
      if (klen == 6 && !memcmp(key, "config", 6)) {
        set_err(err, errcap, "%s: %s: %s: a config file cannot name another one", who, path, ptr);
        goto fail;
      }
      if (secret_name(key, klen)) {
        set_err(err, errcap,
                "%s: %s: %s: refused: a config file never holds a secret; put it in an "
                "environment variable and give that variable's name (token-env)",
                who, path, ptr);
        goto fail;
      }
      const opt_def *d = strlen(key) == klen ? find_opt(table, key, klen) : NULL;
      if (!d) {
        set_err(err, errcap,
                "%s: %s: %s: unknown option (see '%s --help'; names are long "
                "options without the dashes)",
                who, path, ptr, who);
        goto fail;
      }
      /* type check first, so a wrong value is reported even when overridden */
      const cJSON *single = NULL;
      if (d->type == OPT_FLAG) {
        if (!cJSON_IsBool(m)) {
          set_err(err, errcap, "%s: %s: %s: expected true or false, got %s", who, path, ptr,
                  json_type(m));
          goto fail;
        }
      } else if (d->repeat && cJSON_IsArray(m)) {
        long k = 0;
        for (const cJSON *e = m->child; e; e = e->next, k++) {
          size_t sl = 0;
          const char *s = hjson_string(e, &sl);
          if (!s || strlen(s) != sl || !sl) {
            member_pointer(ptr, sizeof ptr, m, k);
            set_err(err, errcap, "%s: %s: %s: expected a non-empty string, got %s", who, path, ptr,
                    s ? "a string with a NUL byte or an empty one" : json_type(e));
            goto fail;
          }
        }
      } else if (d->type == OPT_STR) {
        size_t sl = 0;
        const char *s = hjson_string(m, &sl);
        if (!s || strlen(s) != sl || !sl) {
          set_err(err, errcap, "%s: %s: %s: expected a non-empty string%s, got %s", who, path, ptr,
                  d->repeat ? " or an array of strings" : "",
                  s ? "a string with a NUL byte or an empty one" : json_type(m));
          goto fail;
        }
        single = m;
      } else {
        const char *txt = cJSON_IsNumber(m) ? hjson_number_text(m) : NULL;
        if (!txt || (d->type == OPT_INT && strpbrk(txt, ".eE"))) {
          set_err(err, errcap, "%s: %s: %s: expected %s, got %s", who, path, ptr,
                  d->type == OPT_INT ? "an integer" : "a number",
                  cJSON_IsNumber(m) ? "a number with a fraction or an exponent" : json_type(m));
          goto fail;
        }
        single = m;
      }
      if (on_command_line(argc, argv, d->name))
        continue; /* the command line wins */
      char opt[80];
      snprintf(opt, sizeof opt, "--%s", d->name);
      if (d->type == OPT_FLAG) {
        if (cJSON_IsTrue(m))
          av_pushs(&av, opt);
      } else if (single) {
        av_pushs(&av, opt);
        av_pushs(&av, cJSON_IsNumber(single) ? hjson_number_text(single) : single->valuestring);
      } else {
        for (const cJSON *e = m->child; e; e = e->next) {
          av_pushs(&av, opt);
          av_pushs(&av, e->valuestring);
        }
      }
    }
  }
  for (int i = 1; i < argc; i++) {
    if (i == cfg_at) {
      i += cfg_words - 1;
      continue;
    }
    av_pushs(&av, argv[i]);
  }
  if (av.nomem)
    goto nomem;
  hjson_doc_free(doc);
  free(data);
  *out_argc = av.n;
  *out_argv = av.v;
  return 0;
nomem:
  set_err(err, errcap, "%s: out of memory while reading --config", who);
fail:
  hjson_doc_free(doc);
  free(data);
  if (av.v) {
    av.v[av.n] = NULL;
    cli_config_free(av.v);
  }
  return -1;
}

/* Whether opt takes a value: from the command's table (table mode) or the
 * caller's predicate. */
static int value_follows(const char *cmd, int table, int (*takes_value)(const char *),
                         const char *opt) {
  int v = 0;
  if (table)
    return cli_option_info(cmd, opt, &v, NULL) && v;
  return takes_value && takes_value(opt);
}

int cli_refuse_repeats(const char *cmd, int argc, char **argv, const char *const *repeatable,
                       int (*takes_value)(const char *opt)) {
  int table = !repeatable && !takes_value && table_for(cmd);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--"))
      return 0;
    if (strncmp(a, "--", 2) != 0)
      continue;
    int rep = 0;
    if (table)
      cli_option_info(cmd, a, NULL, &rep);
    for (size_t k = 0; repeatable && repeatable[k]; k++)
      rep |= !strcmp(a, repeatable[k]);
    if (!rep)
      for (int k = 1; k < i; k++)
        if (!strcmp(argv[k], a) &&
            (k == 1 || !value_follows(cmd, table, takes_value, argv[k - 1]))) {
          fprintf(stderr, "apiharness %s: %s given twice\n", cmd, a);
          return -1;
        }
    if (value_follows(cmd, table, takes_value, a))
      i++; /* its value */
  }
  return 0;
}
