/* Exact decimal arithmetic on JSON number text (integer-ness, int32/int64,
 * minimum/maximum, multipleOf) and RFC 3339 date/date-time checks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schema/hschema.h"
#include "schema/hschema_impl.h"
#include "json/hjson.h"

#define HDEC_EXP_CLAMP 1000000000000000LL /* |exponent| kept below 10^15 */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static char hdec_digit(const hdec *d, size_t i) {
  /* i-th significant digit; '0' past the end */
  if (i >= d->nd)
    return '0';
  size_t k = d->lo + i;
  return k < d->ni ? d->ip[k] : d->fp[k - d->ni];
}

int hdec_parse(hdec *d, const char *t, size_t len) {
  size_t i = 0;
  memset(d, 0, sizeof *d);
  if (i < len && t[i] == '-') {
    d->neg = 1;
    i++;
  }
  d->ip = t + i;
  while (i < len && is_digit(t[i]))
    i++;
  d->ni = (size_t)(t + i - d->ip);
  if (d->ni == 0)
    return 0;
  d->fp = t + i;
  if (i < len && t[i] == '.') {
    i++;
    d->fp = t + i;
    while (i < len && is_digit(t[i]))
      i++;
    d->nf = (size_t)(t + i - d->fp);
    if (d->nf == 0)
      return 0;
  }
  int64_t e = 0;
  if (i < len && (t[i] == 'e' || t[i] == 'E')) {
    int eneg = 0;
    i++;
    if (i < len && (t[i] == '+' || t[i] == '-'))
      eneg = t[i++] == '-';
    size_t start = i;
    while (i < len && is_digit(t[i])) {
      if (e < HDEC_EXP_CLAMP)
        e = e * 10 + (t[i] - '0');
      i++;
    }
    if (i == start)
      return 0;
    if (eneg)
      e = -e;
  }
  if (i != len)
    return 0;
  size_t total = d->ni + d->nf, lo = 0, hi = total;
  while (lo < total && (lo < d->ni ? d->ip[lo] : d->fp[lo - d->ni]) == '0')
    lo++;
  while (hi > lo && (hi - 1 < d->ni ? d->ip[hi - 1] : d->fp[hi - 1 - d->ni]) == '0')
    hi--;
  d->lo = lo;
  d->nd = hi - lo;
  if (d->nd == 0) {
    d->neg = 0; /* -0 is 0 */
    d->exp = 0;
    return 1;
  }
  d->exp = (int64_t)d->ni + e - (int64_t)lo;
  return 1;
}

int hdec_of_node(hdec *d, const cJSON *node, char *buf, size_t cap) {
  if (!cJSON_IsNumber(node))
    return 0;
  const char *text = hjson_number_text(node);
  if (text)
    return hdec_parse(d, text, strlen(text));
  if (!isfinite(node->valuedouble) || cap < 32)
    return 0;
  int n = snprintf(buf, cap, "%.17g", node->valuedouble);
  if (n <= 0 || (size_t)n >= cap)
    return 0;
  return hdec_parse(d, buf, (size_t)n);
}

int hdec_is_integer(const hdec *d) { return d->nd == 0 || (int64_t)d->nd <= d->exp; }

static int hdec_sign(const hdec *d) { return d->nd == 0 ? 0 : (d->neg ? -1 : 1); }

static int hdec_cmp_mag(const hdec *a, const hdec *b) {
  if (a->exp != b->exp)
    return a->exp < b->exp ? -1 : 1;
  size_t n = a->nd > b->nd ? a->nd : b->nd;
  for (size_t i = 0; i < n; i++) {
    char x = hdec_digit(a, i), y = hdec_digit(b, i);
    if (x != y)
      return x < y ? -1 : 1;
  }
  return 0;
}

int hdec_cmp(const hdec *a, const hdec *b) {
  int sa = hdec_sign(a), sb = hdec_sign(b);
  if (sa != sb)
    return sa < sb ? -1 : 1;
  if (sa == 0)
    return 0;
  int m = hdec_cmp_mag(a, b);
  return sa < 0 ? -m : m;
}

int hdec_fits_int(const hdec *d, int bits) {
  static const char max64[] = "9223372036854775807", min64[] = "-9223372036854775808";
  static const char max32[] = "2147483647", min32[] = "-2147483648";
  hdec lo, hi;
  if (bits == 64) {
    hdec_parse(&lo, min64, sizeof min64 - 1);
    hdec_parse(&hi, max64, sizeof max64 - 1);
  } else {
    hdec_parse(&lo, min32, sizeof min32 - 1);
    hdec_parse(&hi, max32, sizeof max32 - 1);
  }
  return hdec_cmp(d, &lo) >= 0 && hdec_cmp(d, &hi) <= 0;
}

static int64_t hdec_frac_digits(const hdec *d) {
  int64_t f = (int64_t)d->nd - d->exp;
  return f > 0 ? f : 0;
}

int hdec_is_multiple(const hdec *x, double xv, const hdec *m, double mv) {
  if (x->nd == 0)
    return 1;
  if (m->nd == 0)
    return 0;
  int64_t k = hdec_frac_digits(x);
  if (hdec_frac_digits(m) > k)
    k = hdec_frac_digits(m);
  /* exact: scale both by 10^k so they are integers; the divisor must stay below
   * 10^18 so that r * 10 + 9 fits in 64 bits, the dividend at most 400 digits */
  if (k <= 18 && m->exp + k <= 18 && x->exp + k <= 400) {
    uint64_t mi = 0;
    for (int64_t i = 0; i < m->exp + k; i++)
      mi = mi * 10 + (uint64_t)(hdec_digit(m, (size_t)i) - '0');
    if (mi == 0)
      return 0;
    uint64_t r = 0;
    for (int64_t i = 0; i < x->exp + k; i++)
      r = (r * 10 + (uint64_t)(hdec_digit(x, (size_t)i) - '0')) % mi;
    return r == 0;
  }
  if (!(mv > 0) || !isfinite(xv))
    return 0;
  double q = xv / mv;
  if (!isfinite(q))
    return 0;
  if (fabs(q) >= 9007199254740992.0)
    return 1; /* every double this large is an integer */
  return fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
}

/* ---- RFC 3339 ---- */

static int num2(const char *s, int *out) {
  if (!is_digit(s[0]) || !is_digit(s[1]))
    return 0;
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  return 1;
}

static int days_in_month(int y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return d[m - 1];
}

int hschema_is_date(const char *s, size_t len) {
  int yh, yl, mo, da;
  if (!s || len != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  if (!num2(s, &yh) || !num2(s + 2, &yl) || !num2(s + 5, &mo) || !num2(s + 8, &da))
    return 0;
  if (mo < 1 || mo > 12 || da < 1)
    return 0;
  return da <= days_in_month(yh * 100 + yl, mo);
}

int hschema_is_date_time(const char *s, size_t len) {
  /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 'T' and 'Z' in either case
   * (RFC 3339 section 5.6, NOTE) */
  int hh, mm, ss, oh = 0, om = 0, sign = 0;
  if (!s || len < 20 || !hschema_is_date(s, 10))
    return 0;
  if (s[10] != 'T' && s[10] != 't')
    return 0;
  const char *t = s + 11;
  if (!num2(t, &hh) || t[2] != ':' || !num2(t + 3, &mm) || t[5] != ':' || !num2(t + 6, &ss))
    return 0;
  if (hh > 23 || mm > 59 || ss > 60)
    return 0;
  size_t i = 19;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < len && is_digit(s[i]))
      i++;
    if (i == start)
      return 0;
  }
  if (i >= len)
    return 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    i++;
  } else if (s[i] == '+' || s[i] == '-') {
    sign = s[i] == '+' ? 1 : -1;
    if (len - i != 6 || !num2(s + i + 1, &oh) || s[i + 3] != ':' || !num2(s + i + 4, &om))
      return 0;
    if (oh > 23 || om > 59)
      return 0;
    i += 6;
  } else {
    return 0;
  }
  if (i != len)
    return 0;
  if (ss == 60) {
    /* a leap second happens at 23:59:60 UTC only */
    int utc = hh * 60 + mm - sign * (oh * 60 + om);
    utc = ((utc % 1440) + 1440) % 1440;
    if (utc != 23 * 60 + 59)
      return 0;
  }
  return 1;
}
