/* Unit tests for the libexif wrapper and the Orientation reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/exif.h"

static void
test_minimal_roundtrip(void **state)
{
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	for (int o = 2; o <= 8; o++) {
		unsigned char *t;
		size_t n;

		assert_int_equal(tacit_exif_minimal(o, &t, &n, &e), 0);
		assert_true(n < 64);
		assert_int_equal(tacit_exif_orientation(t, n), o);
		tacit_items_init(&it, 1);
		assert_int_equal(tacit_exif_scan(t, n, &it, &e), 0);
		/* Only the Orientation: nothing libexif added. */
		assert_int_equal(it.n, 1);
		assert_string_equal(it.v[0].container, "EXIF");
		assert_string_equal(it.v[0].field, "Orientation");
		tacit_items_free(&it);
		free(t);
	}
	assert_int_not_equal(tacit_exif_minimal(0, &(unsigned char *){ NULL },
				 &(size_t){ 0 }, &e),
	    0);
	assert_int_not_equal(tacit_exif_minimal(9, &(unsigned char *){ NULL },
				 &(size_t){ 0 }, &e),
	    0);
}

static void
test_orientation_reader_bounds(void **state)
{
	unsigned char t[26] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01,
		3, 0, 1, 0, 0, 0, 6, 0, 0, 0 };

	(void)state;
	assert_int_equal(tacit_exif_orientation(t, sizeof(t)), 6);
	/* Every shorter block: no read past its end, no value. */
	for (size_t n = 0; n < 20; n++)
		assert_int_equal(tacit_exif_orientation(t, n), 0);
	t[4] = 0xf0; /* IFD offset past the end */
	assert_int_equal(tacit_exif_orientation(t, sizeof(t)), 0);
	t[4] = 8;
	t[8] = 0xff; /* an entry count that does not fit */
	assert_int_equal(tacit_exif_orientation(t, sizeof(t)), 0);
	t[8] = 1;
	t[18] = 9; /* out of range */
	assert_int_equal(tacit_exif_orientation(t, sizeof(t)), 0);
	t[18] = 6;
	t[12] = 4; /* LONG, not SHORT */
	assert_int_equal(tacit_exif_orientation(t, sizeof(t)), 0);
	memcpy(t, "XX", 2);
	assert_int_equal(tacit_exif_orientation(t, sizeof(t)), 0);
}

static void
test_unreadable_block_still_reported(void **state)
{
	unsigned char junk[32];
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	memset(junk, 0x5a, sizeof(junk));
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_exif_scan(junk, sizeof(junk), &it, &e), 0);
	assert_int_equal(it.n, 1);
	assert_string_equal(it.v[0].field, "block");
	tacit_items_free(&it);
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_exif_scan(junk, 4, &it, &e), TACIT_EFORMAT);
	tacit_items_free(&it);
}

static void
test_slack_and_orientation_one_reported(void **state)
{
	unsigned char *t, big[256];
	struct tacit_items it;
	struct tacit_err e;
	size_t n;

	(void)state;
	assert_int_equal(tacit_exif_minimal(6, &t, &n, &e), 0);
	/* The minimal block with secret bytes after it. */
	memcpy(big, t, n);
	memset(big + n, 'S', sizeof(big) - n);
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_exif_scan(big, sizeof(big), &it, &e), 0);
	assert_int_equal(it.n, 2);
	assert_string_equal(it.v[1].field, "other data");
	tacit_items_free(&it);
	free(t);
	/* Orientation 1 is not what sanitise keeps. */
	assert_int_equal(tacit_exif_minimal(1, &t, &n, &e), 0);
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_exif_scan(t, n, &it, &e), 0);
	assert_int_equal(it.n, 2);
	tacit_items_free(&it);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_roundtrip),
		cmocka_unit_test(test_orientation_reader_bounds),
		cmocka_unit_test(test_unreadable_block_still_reported),
		cmocka_unit_test(test_slack_and_orientation_one_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
