/* Unit tests for the item list: names and values made safe to print. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#include "tacit/meta.h"

static void
test_value_cut_at_utf8_boundary(void **state)
{
	struct tacit_items it;
	char v[605];

	(void)state;
	/* 599 ASCII, a 4-byte character, then more: once overflowed. */
	memset(v, 'a', 599);
	memcpy(v + 599, "\xf0\x9f\x98\x80zz", 6);
	tacit_items_init(&it, 1);
	assert_int_equal(tacit_items_add(&it, "XMP", "dc:x", v, sizeof(v)), 0);
	assert_true(strlen(it.v[0].value) <= 603);
	assert_string_equal(it.v[0].value + strlen(it.v[0].value) - 3, "...");
	tacit_items_free(&it);
}

static void
test_controls_and_bidi_replaced(void **state)
{
	struct tacit_items it;
	const char v[] = "a\x1b[31mb\xe2\x80\xae"
			 "c\xc3\xa9\xff\0\0";

	(void)state;
	tacit_items_init(&it, 1);
	assert_int_equal(tacit_items_add(&it, "co\x07nt", "fi\neld", v,
			     sizeof(v) - 1),
	    0);
	assert_string_equal(it.v[0].value, "a.[31mb.c\xc3\xa9.");
	assert_string_equal(it.v[0].container, "co?nt");
	assert_string_equal(it.v[0].field, "fi?eld");
	tacit_items_free(&it);
}

static void
test_values_only_when_wanted(void **state)
{
	struct tacit_items it;

	(void)state;
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_items_add(&it, "EXIF", "Artist", "me", 2), 0);
	assert_null(it.v[0].value);
	tacit_items_free(&it);
	tacit_items_free(&it); /* twice is fine */
}

static void
test_item_cap(void **state)
{
	struct tacit_items it;

	(void)state;
	tacit_items_init(&it, 0);
	for (int i = 0; i < TACIT_ITEMS_MAX + 10; i++)
		assert_int_equal(tacit_items_add(&it, "c", "f", NULL, 0), 0);
	assert_int_equal(it.n, TACIT_ITEMS_MAX);
	assert_int_equal(it.dropped, 10);
	tacit_items_free(&it);
}

static void
test_detect(void **state)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n";
	static const unsigned char jpg[] = "\xff\xd8\xff\xe0";
	static const unsigned char txt[] = "hello";
	struct tacit_src s;

	(void)state;
	tacit_src_mem(&s, png, 8);
	assert_ptr_equal(tacit_meta_detect(&s), &tacit_engine_png);
	tacit_src_mem(&s, jpg, 4);
	assert_ptr_equal(tacit_meta_detect(&s), &tacit_engine_jpeg);
	tacit_src_mem(&s, txt, 5);
	assert_null(tacit_meta_detect(&s));
	tacit_src_mem(&s, txt, 0);
	assert_null(tacit_meta_detect(&s));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_cut_at_utf8_boundary),
		cmocka_unit_test(test_controls_and_bidi_replaced),
		cmocka_unit_test(test_values_only_when_wanted),
		cmocka_unit_test(test_item_cap),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
