/* fuzz_baseline: libFuzzer target for the JSON baseline loader. */
#define _GNU_SOURCE /* open_memstream */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/baseline.h"
#include "tacit/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz baseline: %s: %.200s\n", what, detail);
	abort();
}

/* Messages are ours and libyaml's: short printable ASCII, no input. */
static void
check_message(const struct tacit_err *e)
{
	if (e->msg[0] == '\0')
		fuzz_fail("a failure without a message", "");
	for (const char *p = e->msg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			fuzz_fail("unprintable message", e->msg);
}

/* Findings every real report has, and odd ones. */
static const char *const probes[][4] = {
	{ "a/photo.jpg", "exif-gps", "EXIF", "GPSLatitude" },
	{ "p", "r", "c", "f" },
	{ "", "", "", "" },
	{ "\xff", "\xef\xbf\xbd", "", "" },
	{ "x.png", "unlisted", "chunk", "tEXt" },
};

/* The input as a baseline: any result, but a consistent one. */
static void
load_input(const uint8_t *data, size_t size)
{
	struct tacit_baseline *b = NULL, *again = NULL;
	struct tacit_err e = { "" }, e2 = { "" };
	const size_t np = sizeof(probes) / sizeof(probes[0]);
	size_t taken = 0;
	int rc, rc2;

	rc = tacit_baseline_load(&b, (const char *)data, size, &e);
	rc2 = tacit_baseline_load(&again, (const char *)data, size, &e2);
	if (rc != rc2 || strcmp(e.msg, e2.msg) != 0)
		fuzz_fail("two loads disagree", e.msg);
	if (rc != TACIT_OK) {
		if (b != NULL || again != NULL)
			fuzz_fail("a failed load left a baseline", e.msg);
		if (rc != TACIT_EFORMAT)
			fuzz_fail("not EFORMAT", e.msg);
		check_message(&e);
		return;
	}
	if (b == NULL ||
	    tacit_baseline_count(b) != tacit_baseline_count(again) ||
	    tacit_baseline_count(b) > TACIT_BASELINE_MAX_FINDINGS)
		fuzz_fail("odd count", "");
	/* Each probe is taken as often from both, at most count times. */
	for (size_t i = 0; i < np; i++) {
		size_t n1 = 0, n2 = 0;

		while (n1 <= tacit_baseline_count(b) &&
		    tacit_baseline_take(b, probes[i][0], probes[i][1],
			probes[i][2], probes[i][3]))
			n1++;
		while (n2 <= tacit_baseline_count(b) &&
		    tacit_baseline_take(again, probes[i][0], probes[i][1],
			probes[i][2], probes[i][3]))
			n2++;
		if (n1 != n2)
			fuzz_fail("the two loads hold different findings",
			    probes[i][0]);
		taken += n1;
	}
	if (taken > tacit_baseline_count(b))
		fuzz_fail("took more than was loaded", "");
	tacit_baseline_free(&b);
	tacit_baseline_free(&b);
	tacit_baseline_free(&again);
}

/* The length of s as the report decodes: invalid bytes become U+FFFD. */
static size_t
report_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), out = 0;

	while (n > 0) {
		unsigned cp;
		size_t len = tacit_utf8_next(p, n, &cp);

		out += len ? len : 3;
		len = len ? len : 1;
		p += len;
		n -= len;
	}
	return out;
}

/*
 * The input as four strings (split at NUL bytes), written into a report
 * as tacit sanitise writes it: the baseline must find that finding once.
 */
static void
round_trip(const uint8_t *data, size_t size)
{
	const char *part[4] = { "", "", "", "" };
	struct tacit_baseline *b = NULL;
	struct tacit_err e = { "" };
	char *s, *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((s = malloc(size + 1)) == NULL)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t i = 0, k = 0; k < 4 && i <= size; k++) {
		part[k] = s + i;
		i += strlen(s + i) + 1;
	}
	for (int k = 0; k < 4; k++) {
		if (report_len(part[k]) > TACIT_BASELINE_MAX_STRING) {
			free(s);
			return;
		}
	}
	if ((f = open_memstream(&text, &len)) == NULL) {
		free(s);
		return;
	}
	fputs("{\"tool\":\"tacit-sanitise\",\"version\":1,\"files\":[\n"
	      "{\"path\":",
	    f);
	tacit_json_string(f, part[0]);
	fputs(",\"format\":null,\"status\":\"scanned\",\"error\":null,"
	      "\"findings\":[{\"container\":",
	    f);
	tacit_json_string(f, part[2]);
	fputs(",\"field\":", f);
	tacit_json_string(f, part[3]);
	fputs(",\"rule\":", f);
	tacit_json_string(f, part[1]);
	fputs(",\"severity\":\"high\",\"kept\":false,\"value\":", f);
	tacit_json_string(f, part[0]); /* ignored, but parsed */
	fputs("}],\"more\":0}\n]}\n", f);
	if (fclose(f) != 0) {
		free(s);
		free(text);
		return;
	}
	if (tacit_baseline_load(&b, text, len, &e) != TACIT_OK)
		fuzz_fail("refused a report tacit writes", e.msg);
	if (tacit_baseline_count(b) != 1)
		fuzz_fail("not one finding", text);
	if (tacit_baseline_take(b, part[0], part[1], part[2], part[3]) != 1)
		fuzz_fail("a finding did not match its own report", text);
	if (tacit_baseline_take(b, part[0], part[1], part[2], part[3]) != 0)
		fuzz_fail("a finding matched twice", text);
	tacit_baseline_free(&b);
	free(text);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load_input(data, size);
	round_trip(data, size);
	return 0;
}
