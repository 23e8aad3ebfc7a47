/* fuzz_armor: libFuzzer target for age's ASCII armor, decoding and encoding. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_engine.h"
#include "tacit/armor.h"

/* Their buffers are 64 KiB each: static, reused. */
static struct tacit_in raw, armored;
static struct tacit_armor_in dearmor;
static uint8_t chunk[TACIT_IN_BUF];

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz armor: %s%s%s\n", what, detail[0] ? ": " : "",
	    detail);
	abort();
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
to_sink(void *arg, const void *p, size_t n)
{
	return tacit_sink_write(arg, p, n);
}

/*
 * Decode text into out, step bytes a read: TACIT_IN_BUF takes the
 * unbuffered path of tacit_in_read, smaller steps the buffered one.
 */
static int
decode(const uint8_t *text, size_t len, size_t step, struct tacit_sink *out,
    struct tacit_err *e)
{
	ssize_t n;

	tacit_in_mem(&raw, text, len);
	tacit_armor_in_init(&dearmor, &raw);
	tacit_in_fn(&armored, tacit_armor_fill, &dearmor);
	tacit_sink_init_mem(out);
	while ((n = tacit_in_read(&armored, chunk, step)) > 0)
		if (tacit_sink_write(out, chunk, (size_t)n) != TACIT_OK)
			fail("out of memory", "");
	if (n < 0) {
		*e = armored.err;
		if (n != TACIT_EFORMAT || !dearmor.failed || e->msg[0] == '\0')
			fail("armor refused without failed, message or "
			     "TACIT_EFORMAT",
			    e->msg);
		return (int)n;
	}
	if (dearmor.failed)
		fail("armor decoded though marked failed", "");
	return TACIT_OK;
}

/* Armor p in writes of sizes from a little generator seeded with seed. */
static void
encode(const uint8_t *p, size_t len, uint32_t seed, struct tacit_sink *out)
{
	struct tacit_armor_out a;
	int rc;

	tacit_sink_init_mem(out);
	rc = tacit_armor_begin(&a, to_sink, out);
	while (rc == TACIT_OK && len > 0) {
		size_t take;

		seed = seed * 1103515245u + 12345u;
		take = (seed >> 16) % 4 == 0 ? len : 1 + (seed >> 16) % 130;
		if (take > len)
			take = len;
		rc = tacit_armor_write(&a, p, take);
		p += take;
		len -= take;
	}
	if (rc == TACIT_OK)
		rc = tacit_armor_end(&a);
	if (rc != TACIT_OK)
		fail("encoding failed", "");
}

static int
same(const struct tacit_sink *a, const uint8_t *p, size_t len)
{
	return a->mem_len == len && (len == 0 || memcmp(a->mem, p, len) == 0);
}

/*
 * The armor is strict: what decodes is what the encoder writes, but for
 * whitespace around the block and CRLF line ends.  Drop those.
 */
static size_t
normalise(const uint8_t *text, size_t len, uint8_t *out)
{
	size_t i = 0, n = 0;

	while (len > 0 && is_space(text[len - 1]))
		len--;
	while (i < len && is_space(text[i]))
		i++;
	for (; i < len; i++)
		if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
			out[n++] = text[i];
	return n;
}

/* Input: armored text, decoded; also arbitrary bytes, encoded. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tacit_sink big, small, enc, again;
	struct tacit_err e1 = { "" }, e2 = { "" };
	uint32_t seed = size > 0 ? data[0] : 0;
	int rc1, rc2;

	rc1 = decode(data, size, TACIT_IN_BUF, &big, &e1);
	rc2 = decode(data, size, 1 + seed % 61, &small, &e2);
	if (rc1 != rc2 || strcmp(e1.msg, e2.msg) != 0)
		fail("large and small reads disagree", e1.msg);
	if (rc1 == TACIT_OK) {
		uint8_t *norm;
		size_t n;

		if (!same(&small, big.mem, big.mem_len))
			fail("large and small reads decode differently", "");
		tacit_in_mem(&raw, data, size);
		if (tacit_armor_detect(&raw) != 1)
			fail("armor that decodes is not detected", "");
		/* Encoding it again gives the input, normalised. */
		encode(big.mem, big.mem_len, seed, &enc);
		if ((norm = malloc(size + 1)) == NULL)
			fail("out of memory", "");
		n = normalise(data, size, norm);
		if (enc.mem_len != n + 1 || memcmp(enc.mem, norm, n) != 0)
			fail("accepted armor that is not canonical", "");
		free(norm);
		if (decode(enc.mem, enc.mem_len, TACIT_IN_BUF, &again, &e1) !=
			TACIT_OK ||
		    !same(&again, big.mem, big.mem_len))
			fail("re-encoded armor does not decode the same",
			    e1.msg);
		tacit_sink_free(&enc);
		tacit_sink_free(&again);
	}
	tacit_sink_free(&big);
	tacit_sink_free(&small);

	/* Anything armors, and decodes back, whatever the write sizes. */
	encode(data, size, seed ^ (uint32_t)size, &enc);
	tacit_in_mem(&raw, enc.mem, enc.mem_len);
	if (tacit_armor_detect(&raw) != 1)
		fail("encoded armor is not detected", "");
	if (decode(enc.mem, enc.mem_len, 1 + seed % 61, &again, &e1) !=
		TACIT_OK ||
	    !same(&again, data, size))
		fail("armor round trip failed", e1.msg);
	tacit_sink_free(&enc);
	tacit_sink_free(&again);
	return 0;
}
