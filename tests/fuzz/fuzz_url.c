/* fuzz_url: libFuzzer target for tracking-free URLs and the text filter. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tacit_url_rules *rules;

static void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz url: %s: %.200s\n", what, detail);
	abort();
}

/* Does "http" occur, in any case? */
static int
has_http(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if ((p[i] | 0x20) == 'h' && (p[i + 1] | 0x20) == 't' &&
		    (p[i + 2] | 0x20) == 't' && (p[i + 3] | 0x20) == 'p')
			return 1;
	return 0;
}

/* clean must reach a fixed point at once: cleaning its output is a no-op. */
static void
check_clean(const char *s)
{
	struct tacit_err e = { "" };
	char *once = NULL, *twice = NULL;
	int ch1 = -1, ch2 = -1, rc;

	rc = tacit_url_clean(rules, s, &once, &ch1, &e);
	if (rc != TACIT_OK) {
		if (rc != TACIT_EFORMAT || once != NULL || ch1 != 0)
			fuzz_fail("a failed clean left output", s);
		return;
	}
	if (once == NULL || (ch1 != 0 && ch1 != 1))
		fuzz_fail("clean gave no output", s);
	if (!ch1 && strcmp(once, s) != 0)
		fuzz_fail("unchanged but different", s);
	/* Removing and unwrapping (decoding a part) only ever shorten. */
	if (strlen(once) > strlen(s))
		fuzz_fail("cleaned URL longer", s);
	if (tacit_url_clean(rules, once, &twice, &ch2, &e) != TACIT_OK)
		fuzz_fail("cleaned URL refused", once);
	if (ch2 || strcmp(once, twice) != 0)
		fuzz_fail("clean(clean(x)) != clean(x)", s);
	free(once);
	free(twice);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tacit_err e = { "" };
	struct tacit_sink k;
	char *s, *line;

	if (rules == NULL && tacit_url_rules_default(&rules, &e) != TACIT_OK)
		fuzz_fail("default rules", e.msg);
	/* Each of the first lines as one URL (a NUL ends it early). */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	line = s;
	for (int i = 0; i < 8 && line != NULL; i++) {
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl++ = '\0';
		check_clean(line);
		line = nl;
	}
	free(s);

	tacit_sink_init_mem(&k);
	if (tacit_url_clean_text(rules, (const char *)data, size, &k, &e) !=
	    TACIT_OK)
		fuzz_fail("clean_text failed", e.msg);
	if (k.mem_len > size)
		fuzz_fail("cleaned text longer", "");
	if (!has_http(data, size) &&
	    (k.mem_len != size || (size && memcmp(k.mem, data, size) != 0)))
		fuzz_fail("text without URLs changed", "");
	tacit_sink_free(&k);
	return 0;
}
