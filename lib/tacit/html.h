/* html: a bounded, linear scanner for the metadata of a web page. */
#ifndef TACIT_HTML_H
#define TACIT_HTML_H

#include <stddef.h>

#include "tacit/io.h"

/* Longest field kept, in bytes of UTF-8 (longer ones are cut). */
#define TACIT_HTML_FIELD_MAX 1024
/* Longest URL kept (image, canonical). */
#define TACIT_HTML_URL_MAX 4096

/*
 * What a preview shows, as clean UTF-8 (NULL when absent): no C0 or C1
 * controls, no escape sequences, no bidi overrides or isolates, invalid
 * UTF-8 replaced by U+FFFD, runs of white space folded to one space,
 * trimmed, cut to TACIT_HTML_FIELD_MAX on a character boundary.  URLs are
 * as written in the page (entities decoded, white space trimmed), not
 * yet resolved against the page's address.
 */
struct tacit_html_meta {
	char *title; /* og:title, else twitter:title, else <title> */
	char *description; /* og:, else twitter:, else meta name=description */
	char *site_name; /* og:site_name */
	char *image; /* og:image (or og:image:url), else twitter:image */
	char *canonical; /* link rel=canonical */
	char *charset; /* the charset used to decode the page */
};

/*
 * Scan len bytes of HTML (the caller caps them).  The charset comes from
 * a BOM, else header_charset (from Content-Type; may be NULL), else a
 * <meta charset> or http-equiv Content-Type in the first 1024 bytes,
 * else UTF-8; other charsets are converted with iconv.  Among equal tags
 * the first wins; nothing is read from comments, <script>, <style>,
 * <textarea>, <template> or <noscript>; <title> is RCDATA; character
 * references are decoded once.  Linear time, no recursion, memory
 * bounded by len.  Fails only when out of memory or for an unknown
 * charset (TACIT_EUNSUPPORTED).
 */
TACIT_WUR int tacit_html_scan(const char *p, size_t len,
    const char *header_charset, struct tacit_html_meta *m, struct tacit_err *e);
void tacit_html_meta_free(struct tacit_html_meta *m);

/*
 * Clean untrusted text for display as described above, cut to max bytes;
 * a new string, or NULL when out of memory.  Exposed for other fields
 * (a URL shown to the user goes through it too).
 */
char *tacit_html_clean_text(const char *s, size_t len, size_t max);

#endif
