/* fuzz_exif: libFuzzer target for the EXIF lister and Orientation reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_engine.h"
#include "tacit/exif.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * The minimal EXIF the engines write must read back as what was asked
 * for, or keep_orientation would silently lose or change a rotation.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tacit_err e = { "" };

	(void)argc;
	(void)argv;
	for (int o = 1; o <= 8; o++) {
		unsigned char *tiff;
		size_t len;

		if (tacit_exif_minimal(o, &tiff, &len, &e) != TACIT_OK ||
		    tacit_exif_orientation(tiff, len) != o) {
			fprintf(stderr, "fuzz EXIF: bad minimal EXIF %d\n", o);
			abort();
		}
		free(tiff);
	}
	return 0;
}

/* Input: a TIFF block, as the engines hand it over ("Exif\0\0" cut). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tacit_items items;
	struct tacit_err e = { "" };
	int o;

	o = tacit_exif_orientation(data, size);
	if (o < 0 || o > 8) {
		fprintf(stderr, "fuzz EXIF: orientation %d\n", o);
		abort();
	}
	for (int values = 0; values < 2; values++) {
		tacit_items_init(&items, values);
		(void)tacit_exif_scan(data, size, &items, &e);
		fuzz_check_items(&items, "EXIF");
		tacit_items_free(&items);
	}
	return 0;
}
