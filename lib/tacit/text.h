/* text: UTF-8 checks and making untrusted text safe to show. */
#ifndef TACIT_TEXT_H
#define TACIT_TEXT_H

#include <stddef.h>
#include <stdio.h>

/*
 * The length (1..4) of the valid UTF-8 sequence at p (n bytes available),
 * with its code point in *cp; 0 if it is not valid UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included).
 */
size_t tacit_utf8_next(const unsigned char *p, size_t n, unsigned *cp);

/*
 * Could this code point change how text around it is shown?  Controls
 * (C0, DEL, C1) and the bidi and line-separator controls.
 */
int tacit_unsafe_codepoint(unsigned cp);

/* Write s with unsafe characters and invalid bytes shown as '?'. */
void tacit_text_print(FILE *f, const char *s);

/* Write s as a JSON string; invalid UTF-8 becomes U+FFFD. */
void tacit_json_string(FILE *f, const char *s);

#endif
