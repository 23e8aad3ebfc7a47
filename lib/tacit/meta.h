/* meta: the format engines behind one interface, and sanitise's pipeline. */
#ifndef TACIT_META_H
#define TACIT_META_H

#include <stddef.h>
#include "tacit/io.h"

struct tacit_rules;
struct tacit_rule;

/* One piece of metadata found in a file. */
struct tacit_item {
	char container[16]; /* EXIF, XMP, IPTC, ICC, comment, text, ... */
	char field[64]; /* tag, keyword or chunk name */
	char *value; /* printable UTF-8, NULL unless values wanted */
	const struct tacit_rule *rule; /* filled by tacit_rules_apply */
	int known; /* in the baseline: reported, but does not fail a check */
};

#define TACIT_ITEMS_MAX 4096

struct tacit_items {
	struct tacit_item *v;
	size_t n, cap;
	size_t dropped; /* items past TACIT_ITEMS_MAX, counted only */
	int want_values;
};

void tacit_items_init(struct tacit_items *it, int want_values);
/*
 * Add an item.  value/vlen may be NULL/0; the value is kept only when
 * want_values is set, made printable and cut to a sane length.
 */
int tacit_items_add(struct tacit_items *it, const char *container,
    const char *field, const void *value, size_t vlen);
void tacit_items_free(struct tacit_items *it);

struct tacit_clean_opts {
	int keep_orientation; /* keep EXIF Orientation 2..8 as a minimal EXIF */
	int keep_icc; /* keep ICC profiles */
};

/* The interface every container format implements. */
struct tacit_engine {
	const char *name; /* "JPEG" */
	/* Return 1 when the first bytes are this format's signature. */
	int (*probe)(const unsigned char *head, size_t len);
	/* List the metadata found; TACIT_EFORMAT on a malformed file. */
	int (*scan)(const struct tacit_src *src, struct tacit_items *out,
	    struct tacit_err *e);
	/* Write the file without its metadata; image data copied verbatim. */
	int (*clean)(const struct tacit_src *src, struct tacit_sink *out,
	    const struct tacit_clean_opts *opts, struct tacit_err *e);
};

extern const struct tacit_engine tacit_engine_jpeg;
extern const struct tacit_engine tacit_engine_png;
extern const struct tacit_engine tacit_engine_webp;
extern const struct tacit_engine tacit_engine_gif;

#define TACIT_PROBE_LEN 64

/* The engine whose signature matches, or NULL. */
const struct tacit_engine *tacit_meta_detect(const struct tacit_src *src);

/* Every engine, NULL-terminated, in probe order. */
extern const struct tacit_engine *const tacit_engines[];

#endif
