/* fuzz_html: libFuzzer target for the web page metadata scanner. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/html.h"
#include "tacit/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *charset, const char *field, const char *what)
    __attribute__((noreturn));

static void
fail(const char *charset, const char *field, const char *what)
{
	fprintf(stderr, "fuzz HTML (charset %s): %s: %s\n",
	    charset != NULL ? charset : "none", field, what);
	abort();
}

/*
 * What every field must be: valid UTF-8 with nothing that could drive a
 * terminal, within its cap, never empty; text folded and trimmed, a URL
 * without any white space.
 */
static void
check_field(const char *s, int url, const char *charset, const char *field)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, max = url ? TACIT_HTML_URL_MAX : TACIT_HTML_FIELD_MAX;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n == 0)
		fail(charset, field, "empty rather than absent");
	if (n > max)
		fail(charset, field, "longer than its cap");
	if (s[0] == ' ' || s[n - 1] == ' ')
		fail(charset, field, "not trimmed");
	if (url ? strchr(s, ' ') != NULL : strstr(s, "  ") != NULL)
		fail(charset, field, "white space not folded");
	while (n > 0) {
		unsigned cp;
		size_t len = tacit_utf8_next(p, n, &cp);

		if (len == 0)
			fail(charset, field, "invalid UTF-8");
		if (tacit_unsafe_codepoint(cp))
			fail(charset, field, "a control or bidi character");
		p += len;
		n -= len;
	}
	if (!url) {
		/* Clean text cleans to itself. */
		char *again =
		    tacit_html_clean_text(s, strlen(s), TACIT_HTML_FIELD_MAX);

		if (again == NULL)
			fail(charset, field, "out of memory");
		if (strcmp(again, s) != 0)
			fail(charset, field, "cleaning it again changes it");
		free(again);
	}
}

static void
scan(const uint8_t *data, size_t size, const char *charset)
{
	struct tacit_html_meta m;
	struct tacit_err e = { "" };
	int rc;

	rc = tacit_html_scan((const char *)data, size, charset, &m, &e);
	if (rc == TACIT_ENOMEM)
		return;
	if (rc == TACIT_EUNSUPPORTED && charset == NULL) {
		/* Only a charset named in the page can be unknown. */
		if (strncmp(e.msg, "unknown charset", 15) != 0)
			fail(charset, "result", "unexpected message");
		if (m.title != NULL || m.charset != NULL)
			fail(charset, "result", "fields left after a failure");
		return;
	}
	if (rc != TACIT_OK)
		fail(charset, "result", e.msg);
	if (m.charset == NULL)
		fail(charset, "charset", "missing");
	check_field(m.title, 0, charset, "title");
	check_field(m.description, 0, charset, "description");
	check_field(m.site_name, 0, charset, "site_name");
	check_field(m.image, 1, charset, "image");
	check_field(m.canonical, 1, charset, "canonical");
	tacit_html_meta_free(&m);
	tacit_html_meta_free(&m);
}

/* The hygiene alone, on any bytes, with a cap the input picks. */
static void
clean(const uint8_t *data, size_t size)
{
	size_t max = size > 0 ? data[size - 1] : 0;
	char *s = tacit_html_clean_text((const char *)data, size, max);

	if (s == NULL)
		fail(NULL, "clean_text", "out of memory");
	if (strlen(s) > max)
		fail(NULL, "clean_text", "longer than the cap");
	if (s[0] != '\0')
		check_field(s, 0, NULL, "clean_text");
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan(data, size, NULL);
	scan(data, size, "iso-8859-1");
	scan(data, size, "utf-16be");
	clean(data, size);
	return 0;
}
