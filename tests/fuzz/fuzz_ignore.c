/* fuzz_ignore: libFuzzer target for .tacitignore parsing and matching. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounds that keep one input fast even with hostile patterns. */
#define TEXT_MAX 16384
#define PATHS_MAX 16
#define PATH_MAX_LEN 256

static const char *const rule_ids[] = { "exif-gps", "a", "r", "x" };

static void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz ignore: %s: %.300s\n", what, detail);
	abort();
}

static int
path_is(const struct tacit_ignore *ig, const char *path, int is_dir)
{
	int r = tacit_ignore_path(ig, path, is_dir);

	if (r != 0 && r != 1)
		fuzz_fail("path answer not 0 or 1", path);
	if (tacit_ignore_path(ig, path, is_dir) != r)
		fuzz_fail("path answer changed", path);
	return r;
}

static int
rule_is(const struct tacit_ignore *ig, const char *path, const char *rule)
{
	int r = tacit_ignore_rule(ig, path, rule);

	if (r != 0 && r != 1)
		fuzz_fail("rule answer not 0 or 1", path);
	return r;
}

/* An ignored directory ignores everything below it. */
static void
check_path(const struct tacit_ignore *ig, const char *path)
{
	char prefix[PATH_MAX_LEN + 1];
	int f = path_is(ig, path, 0), d = path_is(ig, path, 1);

	for (size_t i = 1; path[i] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (path_is(ig, prefix, 1) && (!f || !d))
			fuzz_fail("not ignored below an ignored directory",
			    path);
	}
	for (size_t r = 0; r < sizeof(rule_ids) / sizeof(rule_ids[0]); r++)
		(void)rule_is(ig, path, rule_ids[r]);
}

/*
 * The path itself, every byte escaped and anchored, must match it: as a
 * whole-file line, and as a per-rule line that leaves paths alone.
 */
static void
check_literal(const char *path)
{
	struct tacit_ignore *ig = NULL;
	struct tacit_err e = { "" };
	char line[2 * PATH_MAX_LEN + 16];
	size_t n = 0, len = strlen(path);

	if (len == 0 || path[0] == '/' || path[len - 1] == '/' ||
	    strstr(path, "//") != NULL || strchr(path, '\r') != NULL)
		return;
	line[n++] = '/';
	for (size_t i = 0; i < len; i++) {
		if (path[i] != '/')
			line[n++] = '\\';
		line[n++] = path[i];
	}
	if (tacit_ignore_new(&ig) != TACIT_OK)
		abort();
	if (tacit_ignore_add(ig, "", line, n, &e) != TACIT_OK)
		fuzz_fail("escaped path refused", e.msg);
	if (!path_is(ig, path, 0) || !path_is(ig, path, 1))
		fuzz_fail("escaped path does not match itself", path);
	tacit_ignore_free(&ig);

	memcpy(line + n, " :x,r\n", 6);
	if (tacit_ignore_new(&ig) != TACIT_OK)
		abort();
	if (tacit_ignore_add(ig, "top", line, n + 6, &e) != TACIT_OK)
		fuzz_fail("escaped per-rule path refused", e.msg);
	if (tacit_ignore_count(ig) != 1)
		fuzz_fail("one line, not one pattern", path);
	snprintf(line, sizeof(line), "top/%s", path);
	if (!rule_is(ig, line, "x") || !rule_is(ig, line, "r") ||
	    rule_is(ig, line, "exif-gps") || path_is(ig, line, 0) ||
	    rule_is(ig, path, "x"))
		fuzz_fail("per-rule line misapplied", path);
	tacit_ignore_free(&ig);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char paths[PATHS_MAX][PATH_MAX_LEN + 1];
	struct tacit_ignore *ig = NULL;
	struct tacit_err e = { "" };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tlen = nul != NULL ? (size_t)(nul - data) : size;
	size_t np = 0, count;
	int rc;

	if (tlen > TEXT_MAX)
		tlen = TEXT_MAX;
	/* After the first NUL: paths, one a line. */
	if (nul != NULL) {
		const uint8_t *p = nul + 1, *end = data + size;

		while (p < end && np < PATHS_MAX) {
			size_t n = 0;

			while (p < end && *p != '\n') {
				if (*p != '\0' && n < PATH_MAX_LEN)
					paths[np][n++] = (char)*p;
				p++;
			}
			paths[np++][n] = '\0';
			p++;
		}
	}

	if (tacit_ignore_new(&ig) != TACIT_OK)
		return 0;
	rc = tacit_ignore_add(ig, "", (const char *)data, tlen, &e);
	if (rc != TACIT_OK) {
		if (rc != TACIT_EFORMAT && rc != TACIT_ENOMEM)
			fuzz_fail("odd error code", e.msg);
		if (e.msg[0] == '\0')
			fuzz_fail("error without a message", "");
		if (rc == TACIT_EFORMAT && strncmp(e.msg, "line ", 5) != 0)
			fuzz_fail("format error without a line", e.msg);
		if (tacit_ignore_count(ig) != 0)
			fuzz_fail("failed add kept patterns", e.msg);
	} else {
		/* The same lines deeper down: as many patterns again. */
		count = tacit_ignore_count(ig);
		if (tacit_ignore_add(ig, "d/e", (const char *)data, tlen, &e) !=
		    TACIT_OK)
			fuzz_fail("second add failed", e.msg);
		if (tacit_ignore_count(ig) != 2 * count)
			fuzz_fail("second add: another count", "");
	}
	for (size_t i = 0; i < np; i++) {
		char deep[PATH_MAX_LEN + 1];
		size_t n = strlen(paths[i]);

		check_path(ig, paths[i]);
		if (n > PATH_MAX_LEN - 4)
			n = PATH_MAX_LEN - 4;
		memcpy(deep, "d/e/", 4);
		memcpy(deep + 4, paths[i], n);
		deep[4 + n] = '\0';
		check_path(ig, deep);
		check_literal(paths[i]);
	}
	tacit_ignore_free(&ig);
	tacit_ignore_free(&ig); /* documented safe twice */
	return 0;
}
