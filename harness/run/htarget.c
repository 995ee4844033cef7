/* htarget: the run's target (URL check, reachability, the embedded mock
 * process).  See htarget.h. */
/* paths and messages are cut to their fixed buffers on purpose */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include "run/htarget.h"

#include "util/hutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int htarget_check_url(const char *url, char *clean, size_t cap, int *had_credentials, char *err,
                      size_t errcap) {
  *had_credentials = 0;
  CURLU *u = curl_url();
  if (!u) {
    snprintf(err, errcap, "out of memory");
    return -1;
  }
  int rc = -1;
  char *scheme = NULL, *host = NULL, *port = NULL, *query = NULL, *frag = NULL, *user = NULL,
       *pass = NULL, *out = NULL;
  CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
  if (uc != CURLUE_OK) {
    snprintf(err, errcap, "not a valid URL (%s)", curl_url_strerror(uc));
    goto done;
  }
  if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
    snprintf(err, errcap, "the scheme must be http or https");
    goto done;
  }
  if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
    snprintf(err, errcap, "the URL has no host");
    goto done;
  }
  if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    if (errno || *end || p < 1 || p > 65535) {
      snprintf(err, errcap, "the port must be in 1..65535");
      goto done;
    }
  }
  if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query && query[0]) {
    snprintf(err, errcap, "the URL must not have a query (the operation's path is appended)");
    goto done;
  }
  if (curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK && frag && frag[0]) {
    snprintf(err, errcap, "the URL must not have a fragment");
    goto done;
  }
  if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
      curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
    *had_credentials = 1;
    curl_url_set(u, CURLUPART_USER, NULL, 0);
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
  }
  if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK || strlen(out) >= cap) {
    snprintf(err, errcap, "the URL is too long");
    goto done;
  }
  snprintf(clean, cap, "%s", out);
  size_t n = strlen(clean);
  while (n > 0 && clean[n - 1] == '/')
    clean[--n] = '\0';
  rc = 0;
done:
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_free(query);
  curl_free(frag);
  curl_free(user);
  curl_free(pass);
  curl_free(out);
  curl_url_cleanup(u);
  return rc;
}

int htarget_probe(const char *base_url, const char *path, const hclient_options *co, char *err,
                  size_t errcap) {
  CURL *h = curl_easy_init();
  char msg[HCLIENT_MSG_MAX];
  if (!h || hclient_setup(h, co, msg) != 0) {
    snprintf(err, errcap, "libcurl: %s", h ? msg : "init failed");
    if (h)
      hclient_cleanup(h);
    return -1;
  }
  char url[2048];
  snprintf(url, sizeof url, "%s%s", base_url, path);
  hclient_request rq = {"GET", url, NULL, NULL, NULL, 0};
  hclient_response rs;
  hclient_response_init(&rs);
  hclient_perform(h, co, &rq, &rs);
  hclient_cleanup(h);
  int rc = 0;
  if (rs.status == 0 && !rs.connected) {
    snprintf(err, errcap, "%s is unreachable: %s", base_url,
             rs.error[0] ? rs.error : "no HTTP response");
    rc = -1;
  }
  hclient_response_free(&rs);
  return rc;
}

int htarget_random_token(char *buf, size_t cap) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char raw[43];
  if (cap < 48)
    return -1;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t k = read(fd, raw + got, sizeof raw - got);
    if (k <= 0 && errno != EINTR)
      break;
    if (k > 0)
      got += (size_t)k;
  }
  close(fd);
  if (got < sizeof raw)
    return -1;
  for (size_t i = 0; i < sizeof raw; i++)
    buf[i] = abc[raw[i] & 63];
  buf[sizeof raw] = '\0';
  return 0;
}

/* Starts the mock process; 0 and *port, or -1 with err filled. */
int htarget_mock_start(const hmock_options *mo, htarget_mock *mp, int *port, char *err,
                       size_t errlen) {
  int up[2], down[2];
  mp->pid = 0;
  mp->life_fd = -1;
  if (pipe(up) != 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe(down) != 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    close(up[0]);
    close(up[1]);
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);
    return -1;
  }
  if (pid == 0) {
    close(up[0]);
    close(down[1]);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN); /* the parent stops it, also after a Ctrl-C */
    char e[512] = "";
    hmock *m = hmock_start(mo, e, sizeof e);
    char line[600];
    int n = m ? snprintf(line, sizeof line, "P%d\n", hmock_port(m))
              : snprintf(line, sizeof line, "E%s\n", e);
    if (write(up[1], line, (size_t)n) < 0) {
      /* the parent is gone: nothing to tell */
    }
    close(up[1]);
    char c;
    while (m && (read(down[0], &c, 1) > 0 || errno == EINTR))
      ;
    hmock_stop(m);
    _exit(m ? 0 : 2);
  }
  close(up[1]);
  close(down[0]);
  char line[600];
  size_t got = 0;
  long long until = hutil_mono_ms() + 30000;
  while (got + 1 < sizeof line && hutil_mono_ms() < until) {
    struct timespec ts = {0, 5 * 1000000L};
    ssize_t k = read(up[0], line + got, sizeof line - 1 - got);
    if (k > 0) {
      got += (size_t)k;
      if (memchr(line, '\n', got))
        break;
    } else if (k == 0) {
      break;
    } else if (errno != EINTR) {
      break;
    }
    nanosleep(&ts, NULL);
  }
  close(up[0]);
  line[got] = '\0';
  char *nl = strchr(line, '\n');
  if (nl)
    *nl = '\0';
  mp->pid = pid;
  mp->life_fd = down[1];
  if (line[0] == 'P' && atoi(line + 1) > 0) {
    *port = atoi(line + 1);
    return 0;
  }
  snprintf(err, errlen, "%s", line[0] == 'E' ? line + 1 : "the mock process did not start");
  return -1;
}

/* Stops the mock process (closes its lifeline, waits up to 5 s, then kills). */
void htarget_mock_stop(htarget_mock *mp) {
  if (mp->life_fd >= 0)
    close(mp->life_fd);
  mp->life_fd = -1;
  if (mp->pid <= 0)
    return;
  int status;
  if (hutil_wait_child(mp->pid, 5000, &status) == 0) {
    kill(mp->pid, SIGKILL);
    waitpid(mp->pid, &status, 0);
  }
  mp->pid = 0;
}
