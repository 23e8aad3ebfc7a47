/* fuzz_xmp: libFuzzer target for the XMP, Photoshop and IPTC-IIM readers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_engine.h"
#include "tacit/xmp.h"

/*
 * The first byte picks the reader (low two bits: XMP, Photoshop, IIM, or
 * all three) and, with its top bit, whether values are kept; the rest is
 * the block.  One target keeps the three small readers' corpora together,
 * and the XMP inside Photoshop resource 0x0424 gets fed either way.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tacit_items items;
	struct tacit_err e = { "" };
	const unsigned char *p;
	unsigned sel;
	size_t len;
	int rc;

	if (size == 0)
		return 0;
	sel = data[0] & 3u;
	p = data + 1;
	len = size - 1;
	tacit_items_init(&items, !(data[0] & 0x80));
	if (sel == 0 || sel == 3) {
		rc = tacit_xmp_scan(p, len, &items);
		/* Documented: never fails on odd XML, never lists nothing. */
		if (rc != TACIT_OK && rc != TACIT_ENOMEM) {
			fprintf(stderr, "fuzz XMP: tacit_xmp_scan gave %d\n",
			    rc);
			abort();
		}
		if (rc == TACIT_OK && len > 0 && items.n + items.dropped == 0) {
			fprintf(stderr, "fuzz XMP: a packet listed nothing\n");
			abort();
		}
	}
	if (sel == 1 || sel == 3)
		(void)tacit_iptc_scan_photoshop(p, len, &items, &e);
	if (sel == 2 || sel == 3)
		(void)tacit_iptc_scan_iim(p, len, &items, &e);
	fuzz_check_items(&items, "XMP/IPTC");
	tacit_items_free(&items);
	return 0;
}
