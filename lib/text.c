/* text: UTF-8 checks and making untrusted text safe to show. */
#include <string.h>

#include "tacit/text.h"

size_t
tacit_utf8_next(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c, min;
	size_t len;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
tacit_unsafe_codepoint(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0x2028 ||
	    cp == 0x2029;
}

void
tacit_text_print(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n > 0) {
		unsigned cp;
		size_t len = tacit_utf8_next(p, n, &cp);

		if (len == 0 || tacit_unsafe_codepoint(cp)) {
			putc('?', f);
			len = len ? len : 1;
		} else {
			fwrite(p, 1, len, f);
		}
		p += len;
		n -= len;
	}
}

void
tacit_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	putc('"', f);
	while (n > 0) {
		unsigned cp;
		size_t len = tacit_utf8_next(p, n, &cp);

		if (len == 0) {
			fputs("\\ufffd", f); /* not UTF-8: say so */
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			fprintf(f, "\\%c", (char)cp);
		} else if (cp < 0x20 || cp == 0x7f) {
			fprintf(f, "\\u%04x", cp);
		} else {
			fwrite(p, 1, len, f);
		}
		p += len;
		n -= len;
	}
	putc('"', f);
}
