/* hspec_media: media types.  hspec_match_media picks, for a Content-Type
 * header value, the entry of a content map it falls under (see hspec.h). */
#include "spec/hspec_int.h"

/* RFC 9110 token characters. */
static int is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Splits "type/subtype; params" into its two tokens (whitespace around
 * trimmed).  Returns 0 when malformed. */
static int split_media(const char *v, const char **type, size_t *tn, const char **sub, size_t *sn) {
  size_t n = strcspn(v, ";");
  size_t b = 0;
  while (b < n && (v[b] == ' ' || v[b] == '\t'))
    b++;
  while (n > b && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  size_t slash = b;
  while (slash < n && v[slash] != '/')
    slash++;
  if (slash == b || slash >= n - 1 || slash == n)
    return 0;
  for (size_t i = b; i < n; i++)
    if (i != slash && !is_tchar((unsigned char)v[i]))
      return 0;
  *type = v + b;
  *tn = slash - b;
  *sub = v + slash + 1;
  *sn = n - slash - 1;
  return 1;
}

const hspec_media *hspec_match_media(const hspec_media *list, size_t n, const char *content_type) {
  if (!list || !content_type || !*content_type)
    return NULL;
  const char *t, *st;
  size_t tn, sn;
  if (!split_media(content_type, &t, &tn, &st, &sn))
    return NULL;
  const hspec_media *best = NULL;
  int best_score = 0;
  for (size_t i = 0; i < n; i++) {
    const char *et, *es;
    size_t etn, esn;
    if (!list[i].media_type || !split_media(list[i].media_type, &et, &etn, &es, &esn))
      continue;
    int score = 0;
    int same_type = hsp_caseeq(t, tn, et, etn);
    if (same_type && hsp_caseeq(st, sn, es, esn))
      score = 4;
    else if (same_type && esn >= 2 && es[0] == '*' && es[1] == '+') {
      /* "*+json": the subtype ends in "+json" with at least one byte before it */
      size_t suf = esn - 1;
      if (sn > suf && hsp_caseeq(st + sn - suf, suf, es + 1, suf))
        score = 3;
    } else if (same_type && esn == 1 && es[0] == '*')
      score = 2;
    else if (etn == 1 && et[0] == '*' && esn == 1 && es[0] == '*')
      score = 1;
    if (score > best_score) {
      best = &list[i];
      best_score = score;
    }
  }
  return best;
}
