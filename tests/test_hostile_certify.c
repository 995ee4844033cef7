/* certify against hostile servers, measured as a user would: the whole run's
 * peak memory (getrusage of the certify process tree) and the report it
 * leaves.  Each server mode is one behaviour, served from a thread on a
 * loopback port:
 *   FLOOD   every answer is a 201 status line followed by 100,000 tiny
 *           headers (the client keeps at most 64 KiB of them; the report at
 *           most 100 headers and 16 KiB per case)
 *   BADBYTE every answer carries a non-UTF-8 byte in Content-Type, Allow and
 *           Server: the report must still be written whole, valid JSON and
 *           well-formed XML, and the run must say non-compliant (exit 1). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/hjson.h"

typedef enum { MODE_FLOOD, MODE_BADBYTE } server_mode;

typedef struct {
  int fd;
  int port;
  server_mode mode;
  volatile int stop;
  pthread_t thread;
} hostile;

static void send_all(int c, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(c, p, n, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    p += w;
    n -= (size_t)w;
  }
}

/* Reads until the end of the request head (the body, if any, is left: every
 * answer closes the connection). */
static void read_head(int c) {
  char buf[4096];
  size_t have = 0;
  struct timeval tv = {2, 0};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (;;) {
    ssize_t r = recv(c, buf + have, sizeof buf - 1 - have, 0);
    if (r <= 0)
      return;
    have += (size_t)r;
    buf[have] = '\0';
    if (strstr(buf, "\r\n\r\n") || have >= sizeof buf - 1)
      return;
  }
}

static void serve_one(int c, server_mode mode) {
  read_head(c);
  if (mode == MODE_FLOOD) {
    static char block[1 << 16];
    size_t n = 0;
    n += (size_t)snprintf(block, sizeof block, "HTTP/1.1 201 Created\r\n");
    send_all(c, block, n);
    for (int i = 0; i < 100000;) {
      n = 0;
      for (; i < 100000 && n + 32 < sizeof block; i++)
        n += (size_t)snprintf(block + n, sizeof block - n, "X-%d: a\r\n", i);
      send_all(c, block, n);
    }
    send_all(c, "Content-Length: 2\r\nConnection: close\r\n\r\n{}", 43);
  } else {
    static const char resp[] = "HTTP/1.1 400 Bad Request\r\n"
                               "Content-Type: application/json; x=\xff\xfe\r\n"
                               "Allow: POST\xc3\r\n"
                               "Server: hostile\x80server\r\n"
                               "Connection: close\r\n"
                               "Content-Length: 2\r\n\r\n{}";
    send_all(c, resp, sizeof resp - 1);
  }
  shutdown(c, SHUT_WR);
  close(c);
}

static void *serve(void *arg) {
  hostile *h = arg;
  while (!h->stop) {
    int c = accept(h->fd, NULL, NULL);
    if (c < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    serve_one(c, h->mode);
  }
  return NULL;
}

static void hostile_start(hostile *h, server_mode mode) {
  memset(h, 0, sizeof *h);
  h->mode = mode;
  h->fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert(h->fd >= 0);
  int one = 1;
  setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(h->fd, (struct sockaddr *)&a, sizeof a), 0);
  cr_assert_eq(listen(h->fd, 64), 0);
  socklen_t l = sizeof a;
  cr_assert_eq(getsockname(h->fd, (struct sockaddr *)&a, &l), 0);
  h->port = ntohs(a.sin_port);
  cr_assert_eq(pthread_create(&h->thread, NULL, serve, h), 0);
}

static void hostile_stop(hostile *h) {
  h->stop = 1;
  shutdown(h->fd, SHUT_RDWR);
  close(h->fd);
  pthread_join(h->thread, NULL);
}

/* Runs certify against the port with extra args; returns the exit code. */
static int certify(int port, const char *dir, const char *filter) {
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    setenv("HARNESS_TOKEN", "hostile-token-0123456789abcdef", 1);
    execl(APIHARNESS_BIN, APIHARNESS_BIN, "certify", "--base-url", url, "--report-dir", dir,
          "--no-preflight", "--explore", "0", "--timeout-ms", "3000", "--filter", filter,
          (char *)NULL);
    _exit(127);
  }
  int st;
  cr_assert(waitpid(pid, &st, 0) == pid);
  cr_assert(WIFEXITED(st), "certify died by a signal");
  return WEXITSTATUS(st);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s: %s", path, strerror(errno));
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  cr_assert_not_null(b);
  cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void rm_rf(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    cr_log_warn("could not remove %s", dir);
}

/* The header flood: memory stays bounded over a run of 100 cases. */
Test(hostile_certify, header_flood_stays_under_64_mb, .timeout = 300) {
  hostile h;
  hostile_start(&h, MODE_FLOOD);
  char dir[] = "/tmp/apiharness-flood-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  int rc = certify(h.port, dir, "neg.*");
  hostile_stop(&h);
  struct rusage ru;
  cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
  cr_expect_eq(rc, 1, "a server answering floods is not compliant (exit %d)", rc);
  char path[256];
  snprintf(path, sizeof path, "%s/compliance.json", dir);
  size_t len;
  char *json = slurp(path, &len);
  /* every case's evidence is capped: far from the 26 MB of the issue */
  cr_expect_lt(len, 8u << 20, "compliance.json is %zu bytes", len);
  free(json);
#if !defined(__SANITIZE_ADDRESS__)
  /* ru_maxrss: the largest resident set of any waited-for descendant, KiB
   * (ASan's shadow memory and quarantine make the figure meaningless there) */
  cr_expect_lt(ru.ru_maxrss, 64L * 1024, "peak RSS %ld KiB", ru.ru_maxrss);
  cr_log_info("header flood: peak RSS %ld KiB, compliance.json %zu bytes", ru.ru_maxrss, len);
#endif
  rm_rf(dir);
}

/* One bad byte in the headers: all report files, valid JSON, well-formed XML. */
Test(hostile_certify, non_utf8_header_bytes_keep_the_whole_report, .timeout = 300) {
  hostile h;
  hostile_start(&h, MODE_BADBYTE);
  char dir[] = "/tmp/apiharness-badbyte-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  int rc = certify(h.port, dir, "pos.order.*");
  hostile_stop(&h);
  cr_expect_eq(rc, 1, "exit %d", rc);
  static const char *const files[] = {"compliance.json", "compliance.md", "compliance.html",
                                      "junit.xml"};
  for (size_t i = 0; i < 4; i++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    size_t len;
    char *text = slurp(path, &len);
    cr_expect_gt(len, 0, "%s is empty", files[i]);
    /* no raw bad byte: written as \xNN */
    cr_expect_null(memchr(text, 0xff, len), "%s holds a raw 0xFF", files[i]);
    cr_expect_null(memchr(text, 0x80, len), "%s holds a raw 0x80", files[i]);
    if (i == 0) {
      hjson_doc *doc = hjson_doc_new();
      cr_expect_not_null(hjson_parse(doc, text, len, NULL, NULL), "compliance.json not strict");
      hjson_doc_free(doc);
    }
    free(text);
  }
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "python3 -c 'import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])' "
           "'%s/junit.xml' 2>/dev/null",
           dir);
  int x = system(cmd);
  if (x != 0 && system("python3 -c 1 >/dev/null 2>&1") == 0)
    cr_expect(0, "junit.xml is not well-formed XML");
  rm_rf(dir);
}
