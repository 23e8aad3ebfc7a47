/* url: tracking parameters removed and redirectors unwrapped, offline. */
#ifndef TACIT_URL_H
#define TACIT_URL_H

#include <stddef.h>

#include "tacit/io.h"

/* Rules: which query parameters track, which URLs wrap another URL. */
struct tacit_url_rules;

/* The built-in rules (rules/tracking.yaml, compiled in). */
TACIT_WUR int tacit_url_rules_default(struct tacit_url_rules **r,
    struct tacit_err *e);
/* Rules from a YAML file (schema in docs/RULES.md). */
TACIT_WUR int tacit_url_rules_load(struct tacit_url_rules **r, const char *path,
    struct tacit_err *e);
void tacit_url_rules_free(struct tacit_url_rules **r);

/*
 * Clean one absolute http(s) URL: unwrap known redirectors (repeatedly,
 * at most a few times) and drop tracking parameters, keeping everything
 * else byte for byte (order, encoding, fragment).  *out is a new string.
 * *changed says whether anything was removed.  TACIT_EFORMAT when s is
 * not an http or https URL.
 */
TACIT_WUR int tacit_url_clean(const struct tacit_url_rules *r, const char *s,
    char **out, int *changed, struct tacit_err *e);

/*
 * Filter running text: every http:// or https:// URL found in it is
 * cleaned, everything else is passed through unchanged, to out.
 */
TACIT_WUR int tacit_url_clean_text(const struct tacit_url_rules *r,
    const char *text, size_t len, struct tacit_sink *out, struct tacit_err *e);

#endif
