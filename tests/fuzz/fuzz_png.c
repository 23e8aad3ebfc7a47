/* fuzz_png: libFuzzer target for the PNG engine (probe, scan, clean). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_engine.h"

static uint32_t crc_table[256];

static void
crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t v = n;

		for (int k = 0; k < 8; k++)
			v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
		crc_table[n] = v;
	}
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Give every whole chunk its right CRC.  A mutated chunk almost never
 * has one, and the engine rightly stops at the first bad CRC: without
 * this, little of what follows the CRC check would ever be reached.
 * Returns whether anything changed.
 */
static int
fix_crcs(unsigned char *p, size_t size)
{
	size_t off = 8;
	int changed = 0;

	while (size - off >= 12) {
		size_t len = be32(p + off);
		uint32_t crc = 0xffffffffu;

		if (len > size - off - 12)
			break;
		for (size_t i = 0; i < len + 4; i++)
			crc = crc_table[(crc ^ p[off + 4 + i]) & 0xff] ^
			    (crc >> 8);
		crc ^= 0xffffffffu;
		if (be32(p + off + 8 + len) != crc) {
			p[off + 8 + len] = (unsigned char)(crc >> 24);
			p[off + 9 + len] = (unsigned char)(crc >> 16);
			p[off + 10 + len] = (unsigned char)(crc >> 8);
			p[off + 11 + len] = (unsigned char)crc;
			changed = 1;
		}
		off += len + 12;
	}
	return changed;
}

/* The input as it is, then with its CRCs repaired if they were wrong. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;

	fuzz_engine(&tacit_engine_png, data, size);
	if (size < 20)
		return 0;
	if (crc_table[1] == 0)
		crc_init();
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (fix_crcs(copy, size))
		fuzz_engine(&tacit_engine_png, copy, size);
	free(copy);
	return 0;
}
