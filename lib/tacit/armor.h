/* armor: age's ASCII armor, strict PEM "AGE ENCRYPTED FILE" (RFC 7468). */
#ifndef TACIT_ARMOR_H
#define TACIT_ARMOR_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/io.h"
#include "tacit/stream.h"

/* 1 when in starts (after whitespace) like armor, 0 if not, or <0. */
TACIT_WUR int tacit_armor_detect(struct tacit_in *in);

/*
 * Decoding: a function for tacit_in_fn that yields the binary file from
 * the armored text in raw.  Whitespace is allowed before and after the
 * block and lines may end with CRLF; anything else is strict: 64-column
 * lines, a shorter last line, canonical padded base64, nothing after the
 * end line.  failed is set when the armor itself was refused.
 */
struct tacit_armor_in {
	struct tacit_in *raw;
	int state, need_end, failed;
	uint8_t out[48];
	size_t pos, len;
};

void tacit_armor_in_init(struct tacit_armor_in *a, struct tacit_in *raw);
ssize_t tacit_armor_fill(void *arg, void *buf, size_t n, struct tacit_err *e);

/* Encoding: a tacit_write_fn; begin and end write the marker lines. */
struct tacit_armor_out {
	tacit_write_fn write;
	void *arg;
	uint8_t part[48];
	size_t n;
	char line[86 * 65]; /* lines encoded, not yet written */
	size_t len;
};

TACIT_WUR int tacit_armor_begin(struct tacit_armor_out *a, tacit_write_fn write,
    void *arg);
TACIT_WUR int tacit_armor_write(void *arg, const void *p, size_t n);
TACIT_WUR int tacit_armor_end(struct tacit_armor_out *a);

#endif
