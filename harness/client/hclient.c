/* hclient: libcurl requests with timeouts, caps and redaction.  See hclient.h. */
#include "client/hclient.h"
#include "client/hresponse_int.h"
#include "client/hsanitize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/hjson.h"

/* Messages are cut to their fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__) /* gcc only: clang has no such group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

int hclient_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1; }

int hclient_setup(CURL *h, const hclient_options *o, char *msg) {
  long timeout = o && o->timeout_ms > 0 ? o->timeout_ms : HCLIENT_DEFAULT_TIMEOUT_MS;
  CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
  do {                                                                                             \
    if (rc == CURLE_OK)                                                                            \
      rc = curl_easy_setopt(h, opt, val);                                                          \
  } while (0)
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_TIMEOUT_MS, timeout);
  SET(CURLOPT_CONNECTTIMEOUT_MS, timeout);
  SET(CURLOPT_FOLLOWLOCATION, 0L); /* never follow: Authorization stays with its host */
  SET(CURLOPT_UNRESTRICTED_AUTH, 0L);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  SET(CURLOPT_SSL_VERIFYPEER, o && o->insecure ? 0L : 1L);
  SET(CURLOPT_SSL_VERIFYHOST, o && o->insecure ? 0L : 2L);
  if (o && o->cacert)
    SET(CURLOPT_CAINFO, o->cacert);
  SET(CURLOPT_TCP_KEEPALIVE, 1L);
  SET(CURLOPT_ACCEPT_ENCODING, NULL); /* bodies are judged as sent: no decoding */
  SET(CURLOPT_USERAGENT, "apiharness/" APIHARNESS_VERSION);
#undef SET
  /* h is the template of the requests: hclient_perform runs each one on a
   * fresh copy (see there) inside this multi handle, whose connection cache
   * keeps the connection alive between them.  h owns it through
   * CURLOPT_PRIVATE; hclient_cleanup frees it. */
  if (rc == CURLE_OK) {
    CURLM *m = NULL;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&m);
    if (!m) {
      if (!(m = curl_multi_init()))
        rc = CURLE_OUT_OF_MEMORY;
      else if ((rc = curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)m)) != CURLE_OK)
        curl_multi_cleanup(m);
    }
  }
  if (rc != CURLE_OK && msg)
    snprintf(msg, HCLIENT_MSG_MAX, "libcurl setup: %s", curl_easy_strerror(rc));
  return (int)rc;
}

void hclient_cleanup(CURL *h) {
  if (!h)
    return;
  CURLM *m = NULL;
  curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&m);
  curl_easy_cleanup(h);
  if (m)
    curl_multi_cleanup(m);
}

void hclient_response_init(hclient_response *r) { memset(r, 0, sizeof *r); }

void hclient_response_free(hclient_response *r) {
  free(r->headers);
  free(r->body);
  hclient_response_init(r);
}

typedef struct {
  hclient_response *r;
  size_t max_body;
  size_t body_cap, headers_cap;
  int header_overflow;
  int nomem;
} xfer;

int hresponse_body_add(hclient_response *r, size_t *cap, size_t max_body, int *nomem,
                       const char *p, size_t n) {
  size_t room = max_body - r->body_len;
  size_t take = n < room ? n : room;
  if (r->body_len + take + 1 > *cap) {
    size_t nc = *cap ? *cap : 4096;
    while (nc < r->body_len + take + 1)
      nc *= 2;
    if (nc > max_body + 1)
      nc = max_body + 1;
    char *q = realloc(r->body, nc);
    if (!q) {
      *nomem = 1;
      return 0;
    }
    r->body = q;
    *cap = nc;
  }
  if (take)
    memcpy(r->body + r->body_len, p, take);
  r->body_len += take;
  r->body[r->body_len] = '\0';
  if (take < n) {
    r->truncated = 1;
    return 0;
  }
  return 1;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud) {
  xfer *x = ud;
  size_t len = size * n;
  /* 0 stops the transfer: out of memory, or the rest is not wanted */
  return hresponse_body_add(x->r, &x->body_cap, x->max_body, &x->nomem, data, len) ? len : 0;
}

/* Copies a header value (trimmed) into dst; a repeated header is joined with ", ". */
static void keep(char *dst, int *has, const char *v, size_t n) {
  while (n && (*v == ' ' || *v == '\t')) {
    v++;
    n--;
  }
  while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  size_t cur = *has ? strlen(dst) : 0;
  if (*has && cur + 2 < HCLIENT_HEADER_VALUE_MAX) {
    memcpy(dst + cur, ", ", 2);
    cur += 2;
  }
  size_t take = n < HCLIENT_HEADER_VALUE_MAX - 1 - cur ? n : HCLIENT_HEADER_VALUE_MAX - 1 - cur;
  for (size_t i = 0; i < take; i++)
    dst[cur + i] = (v[i] == '\0') ? '?' : v[i];
  dst[cur + take] = '\0';
  *has = 1;
}

int hresponse_keep_header(hclient_response *r, const char *name, size_t nl, const char *v,
                          size_t vl) {
#define IS(lit) (nl == sizeof lit - 1 && !strncasecmp(name, lit, nl))
  if (IS("Content-Type"))
    keep(r->content_type, &r->has_content_type, v, vl);
  else if (IS("Allow"))
    keep(r->allow, &r->has_allow, v, vl);
  else if (IS("WWW-Authenticate"))
    keep(r->www_authenticate, &r->has_www_authenticate, v, vl);
  else if (IS("Date"))
    keep(r->date, &r->has_date, v, vl);
  else if (IS("Server"))
    keep(r->server, &r->has_server, v, vl);
  else
    return 0;
#undef IS
  return 1;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud) {
  xfer *x = ud;
  size_t len = size * n;
  hclient_response *r = x->r;
  if (r->headers_len + len > HCLIENT_MAX_HEADERS) {
    x->header_overflow = 1;
    return 0;
  }
  if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
    /* a new status line (after an interim 1xx): forget the earlier headers */
    char *keep_block = r->headers;
    size_t keep_cap = x->headers_cap;
    int s = 0;
    const char *sp = memchr(data, ' ', len);
    if (sp && (size_t)(sp - data) + 4 <= len && isdigit((unsigned char)sp[1]) &&
        isdigit((unsigned char)sp[2]) && isdigit((unsigned char)sp[3]))
      s = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
    memset(r->content_type, 0, sizeof r->content_type);
    r->has_content_type = r->has_allow = r->has_www_authenticate = r->has_date = r->has_server = 0;
    r->allow[0] = r->www_authenticate[0] = r->date[0] = r->server[0] = '\0';
    r->headers = keep_block;
    x->headers_cap = keep_cap;
    r->headers_len = 0;
    r->status = s;
  }
  /* the block is an hbuf lent for one append (its cap was checked above) */
  hbuf hb = {.p = r->headers, .n = r->headers_len, .cap = x->headers_cap};
  int ok = hbuf_add(&hb, data, len);
  r->headers = hb.p;
  r->headers_len = hb.n;
  x->headers_cap = hb.cap;
  if (!ok) {
    x->nomem = 1;
    return 0;
  }
  const char *colon = memchr(data, ':', len);
  if (!colon)
    return len;
  size_t nl = (size_t)(colon - data);
  const char *v = colon + 1;
  size_t vl = len - nl - 1;
  hresponse_keep_header(r, data, nl, v, vl);
  return len;
}

int hclient_perform(CURL *h, const hclient_options *o, const hclient_request *req,
                    hclient_response *resp) {
  return hclient_perform_lines(h, o, req, NULL, 0, resp);
}

int hclient_perform_lines(CURL *tmpl, const hclient_options *o, const hclient_request *req,
                          const char *const *header_lines, size_t n_header_lines,
                          hclient_response *resp) {
  xfer x = {resp, o && o->max_body ? o->max_body : HCLIENT_DEFAULT_MAX_BODY, 0, 0, 0, 0};
  struct curl_slist *hdrs = NULL, *tmp;
  char line[HCLIENT_HEADER_VALUE_MAX + 64];
  CURLcode rc;
  const char *method = req->method ? req->method : "POST";
  hclient_response_init(resp);
  /* Every request runs on a fresh copy of the template handle.  libcurl 7.88
   * keeps a pointer to the last stored response header of the previous
   * transfer after freeing it (state.prevhead, lib/headers.c; fixed upstream
   * in 8.1.0, curl PR 11103): a response whose first header line is a folded
   * continuation (starts with SP or HT) makes a reused handle read and
   * realloc() that freed block.  A new handle starts with no previous header;
   * the connection stays in the cache of the multi handle hclient_setup
   * attached (curl_easy_duphandle copies every option, socket callbacks
   * included).  curl_easy_reset does not clear that pointer. */
  CURLM *m = NULL;
  curl_easy_getinfo(tmpl, CURLINFO_PRIVATE, (char **)&m);
  if (!m) {
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error, "client handle not set up by hclient_setup");
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  CURL *h = curl_easy_duphandle(tmpl);
  if (!h) {
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error, "out of memory");
    return CURLE_OUT_OF_MEMORY;
  }
  hdrs = curl_slist_append(NULL, "Expect:");
  if (req->content_type) {
    snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
  } else {
    snprintf(line, sizeof line, "Content-Type:"); /* removes curl's form default */
  }
  if (hdrs && (tmp = curl_slist_append(hdrs, line)))
    hdrs = tmp;
  if (req->bearer && hdrs) {
    size_t bl = strlen(req->bearer) + 32;
    char *auth = malloc(bl);
    if (auth) {
      snprintf(auth, bl, "Authorization: Bearer %s", req->bearer);
      if ((tmp = curl_slist_append(hdrs, auth)))
        hdrs = tmp;
      memset(auth, 0, bl);
      free(auth);
    }
  }
  for (size_t i = 0; hdrs && i < n_header_lines; i++) {
    const char *l = header_lines[i];
    size_t ll = strlen(l);
    /* libcurl drops "Name:" with nothing after it; "Name;" sends it empty */
    const char *colon = strchr(l, ':');
    int empty = colon && colon[1 + strspn(colon + 1, " \t")] == '\0';
    char *line_copy = malloc(ll + 2);
    if (!line_copy) {
      curl_slist_free_all(hdrs);
      hdrs = NULL;
      break;
    }
    if (empty)
      snprintf(line_copy, ll + 2, "%.*s;", (int)(colon - l), l);
    else
      memcpy(line_copy, l, ll + 1);
    if ((tmp = curl_slist_append(hdrs, line_copy)))
      hdrs = tmp;
    memset(line_copy, 0, ll + 1);
    free(line_copy);
  }
  if (!hdrs) {
    curl_easy_cleanup(h);
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error, "out of memory");
    return CURLE_OUT_OF_MEMORY;
  }
  curl_easy_setopt(h, CURLOPT_URL, req->url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
  if (!strcmp(method, "HEAD")) {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (req->body || !strcmp(method, "POST")) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    if (strcmp(method, "POST"))
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  } else if (strcmp(method, "GET")) {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  }
  /* the multi handle owns the connection cache: the connection outlives h */
  if (curl_multi_add_handle(m, h) != CURLM_OK) {
    rc = CURLE_OUT_OF_MEMORY;
  } else {
    int running = 1;
    CURLMcode mc = CURLM_OK;
    rc = CURLE_OK;
    while (mc == CURLM_OK && running) {
      mc = curl_multi_perform(m, &running);
      if (mc == CURLM_OK && running)
        mc = curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    if (mc != CURLM_OK)
      rc = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_RECV_ERROR;
    CURLMsg *done;
    int left;
    while ((done = curl_multi_info_read(m, &left)))
      if (done->msg == CURLMSG_DONE && done->easy_handle == h)
        rc = done->data.result;
    curl_multi_remove_handle(m, h);
  }
  curl_off_t total_us = 0;
  curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
  resp->time_ms = (long)(total_us / 1000);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  if (code)
    resp->status = (int)code;
  long connects = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
  resp->new_connections = connects;
  curl_off_t connect_us = 0;
  curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
  resp->connected = connect_us > 0 || code >= 100 ||
                    (connects == 0 && rc != CURLE_COULDNT_CONNECT &&
                     rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_COULDNT_RESOLVE_PROXY &&
                     rc != CURLE_OPERATION_TIMEDOUT && rc != CURLE_OUT_OF_MEMORY);
  if (rc == CURLE_WRITE_ERROR && resp->truncated && !x.header_overflow)
    rc = CURLE_OK;
  /* a server may answer (413, 400) before it has read the whole body and close
   * the connection: the answer counts, the failed upload does not */
  if (rc == CURLE_SEND_ERROR && resp->status >= 100 && !x.header_overflow)
    rc = CURLE_OK;
  /* libcurl may finish "successfully" on bytes that carry no status line at
   * all ("HTTP/20\n"): that is no HTTP response */
  int no_status = rc == CURLE_OK && (resp->status < 100 || resp->status > 999);
  if (no_status)
    rc = CURLE_WEIRD_SERVER_REPLY;
  if (rc != CURLE_OK && rc != CURLE_OPERATION_TIMEDOUT && resp->status < 100 && req->body_len > 0) {
    curl_off_t sent = 0;
    curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &sent);
    resp->upload_aborted = (size_t)sent < req->body_len;
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    resp->timed_out = 1;
    snprintf(resp->error, sizeof resp->error, "no complete response within %ld ms",
             o && o->timeout_ms > 0 ? o->timeout_ms : HCLIENT_DEFAULT_TIMEOUT_MS);
  } else if (x.header_overflow) {
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error, "response headers over %zu bytes",
             HCLIENT_MAX_HEADERS);
  } else if (x.nomem) {
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error, "out of memory reading the response");
  } else if (no_status) {
    resp->transport_error = 1;
    resp->status = 0;
    snprintf(resp->error, sizeof resp->error, "no valid HTTP status line in the response");
  } else if (rc == CURLE_BAD_FUNCTION_ARGUMENT) {
    /* every option is ours: libcurl's header store rejected a header line */
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error,
             "malformed response header: a folded line with no header before it");
  } else if (rc != CURLE_OK) {
    resp->transport_error = 1;
    snprintf(resp->error, sizeof resp->error, "%s", curl_easy_strerror(rc));
  }
  /* the copy holds pointers to the list and the body: free it first */
  curl_easy_cleanup(h);
  curl_slist_free_all(hdrs);
  return (int)rc;
}

hjudge_response hclient_judge_view(const hclient_response *r) {
  hjudge_response j;
  memset(&j, 0, sizeof j);
  j.status = r->status;
  j.timed_out = r->timed_out;
  j.transport_error = r->transport_error;
  j.transport_msg = r->error[0] ? r->error : NULL;
  j.content_type = r->has_content_type ? r->content_type : NULL;
  j.allow = r->has_allow ? r->allow : NULL;
  j.www_authenticate = r->has_www_authenticate ? r->www_authenticate : NULL;
  j.date = r->has_date ? r->date : NULL;
  j.server = r->has_server ? r->server : NULL;
  j.body = r->body;
  j.body_len = r->body_len;
  j.truncated = r->truncated;
  j.upload_aborted = r->upload_aborted;
  return j;
}

/* ---- redaction ---- */

char *hclient_redact(const char *text, size_t len, const char *const *secrets, size_t n,
                     size_t *out_len) {
  return hsanitize_redact(text, len, secrets, n, out_len); /* one policy: hsanitize.h */
}
