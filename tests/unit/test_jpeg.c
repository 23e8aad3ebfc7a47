/* Unit tests for the JPEG engine: crafted segments, lying lengths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/exif.h"
#include "tacit/meta.h"

struct buf {
	unsigned char p[8192];
	size_t n;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->p));
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
seg(struct buf *b, unsigned marker, const void *payload, size_t n)
{
	unsigned char h[4] = { 0xff, (unsigned char)marker,
		(unsigned char)((n + 2) >> 8), (unsigned char)(n + 2) };

	put(b, h, 4);
	put(b, payload, n);
}

static const unsigned char jfif[14] = { 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0,
	1, 0, 0 };
static const unsigned char sof[] = { 8, 0, 1, 0, 1, 1, 1, 0x11, 0 };
static const unsigned char dqt[] = { 0, 1, 2, 3, 4 };
static const unsigned char sos[] = { 1, 1, 0, 0, 63, 0 };
/* Coded data with a stuffed 0xFF00, a restart marker and fill bytes. */
static const unsigned char ecs[] = { 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56,
	0x78 };

static void
image(struct buf *b)
{
	seg(b, 0xdb, dqt, sizeof(dqt));
	seg(b, 0xc0, sof, sizeof(sof));
	seg(b, 0xda, sos, sizeof(sos));
	put(b, ecs, sizeof(ecs));
}

static void
eoi(struct buf *b)
{
	put(b, "\xff\xd9", 2);
}

/* A minimal EXIF (TIFF) block with Orientation o and an Artist. */
static size_t
exif_block(unsigned char *p, int o)
{
	static const unsigned char t[] = { 'E', 'x', 'i', 'f', 0, 0, 'M', 'M',
		0, 42, 0, 0, 0, 8, 0, 2, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0,
		0, 0x01, 0x3b, 0, 2, 0, 0, 0, 4, 'm', 'e', '!', 0, 0, 0, 0, 0 };

	memcpy(p, t, sizeof(t));
	p[6 + 8 + 2 + 9] = (unsigned char)o;
	return sizeof(t);
}

static int
clean(const struct buf *in, struct tacit_sink *k, int orient, int icc)
{
	struct tacit_src s;
	struct tacit_clean_opts o = { orient, icc };
	struct tacit_err e;

	tacit_src_mem(&s, in->p, in->n);
	tacit_sink_init_mem(k);
	return tacit_engine_jpeg.clean(&s, k, &o, &e);
}

static int
scan(const unsigned char *p, size_t n, struct tacit_items *it)
{
	struct tacit_src s;
	struct tacit_err e;

	tacit_src_mem(&s, p, n);
	tacit_items_init(it, 1);
	return tacit_engine_jpeg.scan(&s, it, &e);
}

static int
has_item(const struct tacit_items *it, const char *c, const char *f)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, c) == 0 &&
		    strcmp(it->v[i].field, f) == 0)
			return 1;
	return 0;
}

static const char xmp[] =
    "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta "
    "xmlns:dc='d'><rdf:Description dc:creator='me'/></x:xmpmeta>";
/* One IPTC By-line dataset (7 bytes, padded to 8) in resource 0x0404. */
static const char ps[] = "Photoshop 3.0\0"
			 "8BIM\x04\x04\0\0\0\0\0\x07"
			 "\x1c\x02\x50\0\x02"
			 "me\0";

static void
dirty(struct buf *b, int o)
{
	unsigned char ex[64], icc[20] = "ICC_PROFILE";
	size_t n = exif_block(ex, o);

	memset(b, 0, sizeof(*b));
	put(b, "\xff\xd8", 2);
	seg(b, 0xe0, jfif, sizeof(jfif));
	seg(b, 0xe1, ex, n);
	seg(b, 0xe1, xmp, sizeof(xmp) - 1);
	icc[12] = 1;
	icc[13] = 1;
	seg(b, 0xe2, icc, sizeof(icc));
	seg(b, 0xed, ps, sizeof(ps) - 1);
	seg(b, 0xee, "Adobe\0\x64\0\0\0\0\x01", 12);
	seg(b, 0xfe, "a comment", 9);
	seg(b, 0xeb, "JP\0\0\0\0", 6);
	image(b);
	eoi(b);
	put(b, "SECRET", 6);
}

static void
test_clean_keeps_only_what_is_needed(void **state)
{
	struct buf in, want;
	struct tacit_sink k;
	unsigned char icc[20] = "ICC_PROFILE";

	(void)state;
	dirty(&in, 1);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	memset(&want, 0, sizeof(want));
	put(&want, "\xff\xd8", 2);
	seg(&want, 0xe0, jfif, sizeof(jfif));
	icc[12] = 1;
	icc[13] = 1;
	seg(&want, 0xe2, icc, sizeof(icc));
	seg(&want, 0xee, "Adobe\0\x64\0\0\0\0\x01", 12);
	image(&want);
	eoi(&want);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.p, want.n);
	tacit_sink_free(&k);

	/* Without ICC: the APP2 goes too. */
	assert_int_equal(clean(&in, &k, 1, 0), 0);
	assert_int_equal(k.mem_len, want.n - 4 - sizeof(icc));
	tacit_sink_free(&k);
}

static void
test_orientation_after_jfif(void **state)
{
	struct buf in;
	struct tacit_sink k;
	struct tacit_items it;

	(void)state;
	dirty(&in, 6);
	assert_int_equal(clean(&in, &k, 1, 0), 0);
	/* SOI, JFIF APP0, then the minimal EXIF. */
	assert_memory_equal(k.mem + 2 + 4 + sizeof(jfif), "\xff\xe1", 2);
	assert_memory_equal(k.mem + 2 + 4 + sizeof(jfif) + 4, "Exif\0\0", 6);
	assert_int_equal(tacit_exif_orientation(k.mem + 2 + 4 + sizeof(jfif) +
				 10,
			     k.mem_len - 30),
	    6);
	assert_int_equal(scan(k.mem, k.mem_len, &it), 0);
	assert_int_equal(it.n, 1);
	assert_true(has_item(&it, "EXIF", "Orientation"));
	tacit_items_free(&it);
	tacit_sink_free(&k);

	/* Not kept when not asked. */
	assert_int_equal(clean(&in, &k, 0, 0), 0);
	assert_int_equal(scan(k.mem, k.mem_len, &it), 0);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	tacit_sink_free(&k);
}

static void
test_scan_lists_everything(void **state)
{
	struct buf in;
	struct tacit_items it;

	(void)state;
	dirty(&in, 6);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_true(has_item(&it, "EXIF", "Orientation"));
	assert_true(has_item(&it, "EXIF", "Artist"));
	assert_true(has_item(&it, "XMP", "dc:creator"));
	assert_true(has_item(&it, "IPTC", "By-line"));
	assert_true(has_item(&it, "ICC", "profile"));
	assert_true(has_item(&it, "comment", "COM"));
	assert_true(has_item(&it, "APP", "APP11 JP"));
	assert_true(has_item(&it, "trailing", "after EOI"));
	tacit_items_free(&it);
}

static void
test_jfif_thumbnail_trimmed(void **state)
{
	struct buf in;
	struct tacit_sink k;
	struct tacit_items it;
	unsigned char j[14 + 12];

	(void)state;
	memcpy(j, jfif, sizeof(jfif));
	j[12] = 2; /* a 2x2 RGB thumbnail */
	j[13] = 2;
	memset(j + 14, 0xaa, 12);
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, j, sizeof(j));
	image(&in);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_true(has_item(&it, "thumbnail", "JFIF"));
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	assert_int_equal(k.mem_len, in.n - 12);
	assert_memory_equal(k.mem + 6, jfif, sizeof(jfif));
	tacit_sink_free(&k);
}

static void
test_progressive_and_fill_bytes(void **state)
{
	struct buf in;
	struct tacit_sink k;

	(void)state;
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xc2, sof, sizeof(sof));
	seg(&in, 0xc4, "\0\0", 2);
	seg(&in, 0xda, sos, sizeof(sos));
	put(&in, ecs, sizeof(ecs));
	put(&in, "\xff\xff", 2); /* fill bytes before a marker */
	seg(&in, 0xc4, "\1\1", 2);
	seg(&in, 0xda, sos, sizeof(sos));
	put(&in, ecs, sizeof(ecs));
	seg(&in, 0xdc, "\0\1", 2); /* DNL */
	eoi(&in);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	/* Everything kept; the fill bytes are padding and may go. */
	assert_int_equal(k.mem_len, in.n - 2);
	tacit_sink_free(&k);
}

static void
test_truncated_everywhere(void **state)
{
	struct buf in;

	(void)state;
	dirty(&in, 6);
	in.n -= 6; /* no trailer: every shorter prefix lacks EOI */
	for (size_t n = 0; n < in.n; n++) {
		unsigned char *p = malloc(n ? n : 1);
		struct tacit_items it;
		struct tacit_sink k;
		struct buf cut;
		struct tacit_src s;
		struct tacit_clean_opts o = { 1, 1 };
		struct tacit_err e;

		memcpy(p, in.p, n);
		assert_int_not_equal(scan(p, n, &it), 0);
		tacit_items_free(&it);
		tacit_src_mem(&s, p, n);
		tacit_sink_init_mem(&k);
		assert_int_not_equal(tacit_engine_jpeg.clean(&s, &k, &o, &e),
		    0);
		tacit_sink_free(&k);
		(void)cut;
		free(p);
	}
}

static void
test_lying_lengths(void **state)
{
	struct buf in;
	struct tacit_items it;
	struct tacit_sink k;

	(void)state;
	/* A segment length running past the end of the file. */
	memset(&in, 0, sizeof(in));
	put(&in,
	    "\xff\xd8\xff\xe1\xff\xf0"
	    "Exif",
	    10);
	assert_int_equal(scan(in.p, in.n, &it), TACIT_EFORMAT);
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), TACIT_EFORMAT);
	tacit_sink_free(&k);
	/* A length below its own two bytes. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8\xff\xfe\x00\x01", 6);
	image(&in);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), TACIT_EFORMAT);
	tacit_items_free(&it);
	/* No frame header at all. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), TACIT_EFORMAT);
	tacit_items_free(&it);
	/* Garbage where a marker should be. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8\x00\x00", 4);
	assert_int_equal(scan(in.p, in.n, &it), TACIT_EFORMAT);
	tacit_items_free(&it);
	/* An EXIF whose IFD offset lies: still reported, never read. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe1,
	    "Exif\0\0MM\0\x2a"
	    "\xff\xff\xff\xf0",
	    14);
	image(&in);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_true(it.n >= 1);
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	tacit_sink_free(&k);
}

static void
test_probe(void **state)
{
	(void)state;
	assert_true(
	    tacit_engine_jpeg.probe((const unsigned char *)"\xff\xd8\xff\xe0",
		4));
	assert_false(
	    tacit_engine_jpeg.probe((const unsigned char *)"\xff\xd8", 2));
	assert_false(
	    tacit_engine_jpeg.probe((const unsigned char *)"\x89PNG", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_keeps_only_what_is_needed),
		cmocka_unit_test(test_orientation_after_jfif),
		cmocka_unit_test(test_scan_lists_everything),
		cmocka_unit_test(test_jfif_thumbnail_trimmed),
		cmocka_unit_test(test_progressive_and_fill_bytes),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
