/* fuzz_engine: libFuzzer harness shared by the targets, engines above all. */
#ifndef TACIT_FUZZ_ENGINE_H
#define TACIT_FUZZ_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/io.h"
#include "tacit/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant broke: say which on stderr, so that the crash report names
 * it, then abort() so that libFuzzer saves the input.
 */
static inline void
fuzz_fail(const struct tacit_engine *eng, const struct tacit_clean_opts *o,
    const char *what, const char *detail)
{
	fprintf(stderr, "fuzz %s (keep_orientation=%d keep_icc=%d): %s%s%s\n",
	    eng->name, o->keep_orientation, o->keep_icc, what,
	    detail[0] ? ": " : "", detail);
	abort();
}

/* No control characters; with ascii set, nothing beyond ASCII either. */
static inline int
fuzz_printable(const char *str, int ascii)
{
	for (const unsigned char *c = (const unsigned char *)str; *c; c++)
		if (*c < 0x20 || *c == 0x7f || (ascii && *c > 0x7f))
			return 0;
	return 1;
}

/* The names are printable ASCII, the values free of control characters. */
static inline void
fuzz_check_items(const struct tacit_items *items, const char *who)
{
	for (size_t i = 0; i < items->n; i++) {
		const struct tacit_item *it = &items->v[i];

		if (fuzz_printable(it->container, 1) &&
		    fuzz_printable(it->field, 1) &&
		    (it->value == NULL || fuzz_printable(it->value, 0)))
			continue;
		fprintf(stderr, "fuzz %s: item %zu (%s/%s) is not printable\n",
		    who, i, it->container, it->field);
		abort();
	}
}

/* Whether a cleaned file may still hold item it under options o. */
static inline int
fuzz_item_allowed(const struct tacit_item *it, const struct tacit_clean_opts *o)
{
	if (o->keep_icc && strcmp(it->container, "ICC") == 0 &&
	    strcmp(it->field, "profile") == 0)
		return 1;
	return o->keep_orientation && strcmp(it->container, "EXIF") == 0 &&
	    strcmp(it->field, "Orientation") == 0;
}

/*
 * What must hold for any output clean accepted to write: it is a file of
 * the same format that scans (the pipeline's verification), it holds
 * nothing but what the options keep, and cleaning it again changes
 * nothing.
 */
static inline void
fuzz_check_output(const struct tacit_engine *eng,
    const struct tacit_clean_opts *o, const unsigned char *out, size_t len)
{
	struct tacit_items items;
	struct tacit_err e = { "" };
	struct tacit_sink again;
	struct tacit_src src;
	char what[128];
	int rc;

	if (!eng->probe(out, len < TACIT_PROBE_LEN ? len : TACIT_PROBE_LEN))
		fuzz_fail(eng, o, "output is not recognised as the format", "");
	tacit_src_mem(&src, out, len);
	tacit_items_init(&items, 0);
	rc = eng->scan(&src, &items, &e);
	if (rc != TACIT_OK) {
		snprintf(what, sizeof(what), "scanning the output failed (%d)",
		    rc);
		fuzz_fail(eng, o, what, e.msg);
	}
	if (items.dropped > 0)
		fuzz_fail(eng, o, "output holds more items than counted", "");
	for (size_t i = 0; i < items.n; i++) {
		if (fuzz_item_allowed(&items.v[i], o))
			continue;
		snprintf(what, sizeof(what), "output still holds %s/%s",
		    items.v[i].container, items.v[i].field);
		fuzz_fail(eng, o, what, "");
	}
	tacit_items_free(&items);

	tacit_sink_init_mem(&again);
	rc = eng->clean(&src, &again, o, &e);
	if (rc == TACIT_OK)
		rc = tacit_sink_flush(&again);
	if (rc != TACIT_OK) {
		snprintf(what, sizeof(what), "cleaning the output failed (%d)",
		    rc);
		fuzz_fail(eng, o, what, e.msg);
	}
	if (again.mem_len != len ||
	    (len > 0 && memcmp(again.mem, out, len) != 0)) {
		snprintf(what, sizeof(what), "%zu bytes, then %zu", len,
		    again.mem_len);
		fuzz_fail(eng, o, "clean is not idempotent", what);
	}
	tacit_sink_free(&again);
}

/*
 * Probe, scan with values, then clean with every combination of the
 * options; whenever clean succeeds, check its output.
 */
static inline int
fuzz_engine(const struct tacit_engine *eng, const uint8_t *data, size_t size)
{
	struct tacit_items items;
	struct tacit_err e = { "" };
	struct tacit_src src;
	int rc, check = 1;

	(void)eng->probe(data, size < TACIT_PROBE_LEN ? size : TACIT_PROBE_LEN);
	tacit_src_mem(&src, data, size);
	(void)tacit_meta_detect(&src);

	tacit_items_init(&items, 1);
	rc = eng->scan(&src, &items, &e);
	fuzz_check_items(&items, eng->name);
	tacit_items_free(&items);
	/*
	 * The pipeline cleans only what scanned.  Build with
	 * -DFUZZ_ONLY_SCANNABLE to fuzz past a known bug where clean accepts
	 * what scan refuses: clean still runs, its output goes unchecked.
	 */
#ifdef FUZZ_ONLY_SCANNABLE
	check = rc == TACIT_OK;
#endif

	for (int k = 0; k < 4; k++) {
		struct tacit_clean_opts o = { k & 1, k >> 1 };
		struct tacit_sink out;

		tacit_sink_init_mem(&out);
		e.msg[0] = '\0';
		rc = eng->clean(&src, &out, &o, &e);
		if (rc == TACIT_OK)
			rc = tacit_sink_flush(&out);
		if (rc == TACIT_OK && check)
			fuzz_check_output(eng, &o, out.mem, out.mem_len);
		tacit_sink_free(&out);
	}
	return 0;
}

#endif
