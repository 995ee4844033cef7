/* hstatus: the status vocabulary.  See hstatus.h. */
#include "rules/hstatus.h"

#include <string.h>

static const char *const names[HSTATUS_COUNT] = {"skip",  "pass",   "warn",   "fail",
                                                 "error", "waived", "unknown"};

const char *hstatus_name(hstatus s) { return (unsigned)s < HSTATUS_COUNT ? names[s] : "unknown"; }

hstatus hstatus_parse_n(const char *word, size_t len) {
  if (!word)
    return HSTATUS_UNKNOWN;
  for (int i = 0; i < HSTATUS_UNKNOWN; i++)
    if (strlen(names[i]) == len && !memcmp(names[i], word, len))
      return (hstatus)i;
  return HSTATUS_UNKNOWN;
}

hstatus hstatus_parse(const char *word) {
  return word ? hstatus_parse_n(word, strlen(word)) : HSTATUS_UNKNOWN;
}

int hstatus_severity(hstatus s) {
  switch (s) {
  case HSTATUS_SKIP: return 0;
  case HSTATUS_PASS: return 1;
  case HSTATUS_WARN: return 2;
  case HSTATUS_WAIVED: return 3;
  case HSTATUS_FAIL: return 4;
  case HSTATUS_ERROR:
  case HSTATUS_UNKNOWN:
  default: return 5;
  }
}

hstatus hstatus_worst(hstatus a, hstatus b) {
  return hstatus_severity(b) > hstatus_severity(a) ? b : a;
}
