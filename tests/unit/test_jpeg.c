/* Unit tests for the JPEG engine: crafted segments, lying lengths. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
/* One 8-bit table: Pq/Tq, then 64 values (the rest are zero). */
static const unsigned char dqt[1 + 64] = { 0, 16, 11, 12, 14, 12, 10 };
/* One DC and one AC table, each a single code of length 1. */
static const unsigned char dht_dc[1 + 16 + 1] = { 0x00, 1, [17] = 0x05 };
static const unsigned char dht_ac[1 + 16 + 1] = { 0x10, 1, [17] = 0x01 };
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
	seg(&in, 0xc4, dht_dc, sizeof(dht_dc));
	seg(&in, 0xda, sos, sizeof(sos));
	put(&in, ecs, sizeof(ecs));
	put(&in, "\xff\xff", 2); /* fill bytes before a marker */
	seg(&in, 0xc4, dht_ac, sizeof(dht_ac));
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
	/* No frame header at all: clean refuses it too. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xfe, "a comment", 9);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), TACIT_EFORMAT);
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), TACIT_EFORMAT);
	tacit_sink_free(&k);
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

static int
scan_msg(const unsigned char *p, size_t n, struct tacit_items *it,
    struct tacit_err *e)
{
	struct tacit_src s;

	tacit_src_mem(&s, p, n);
	tacit_items_init(it, 1);
	memset(e, 0, sizeof(*e));
	return tacit_engine_jpeg.scan(&s, it, e);
}

/* Anything but the kept ICC profile is something cleaning removes. */
static int
removable(const struct tacit_items *it)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, "ICC") != 0)
			return 1;
	return 0;
}

/*
 * Scan and clean agree: if cleaning changes a byte, scan has said so;
 * the output scans clean and cleans to itself.
 */
static void
assert_agree(const struct buf *in)
{
	struct tacit_sink k, k2;
	struct tacit_items it;
	struct buf out;
	int changed;

	assert_int_equal(clean(in, &k, 0, 1), 0);
	changed = k.mem_len != in->n || memcmp(k.mem, in->p, in->n) != 0;
	assert_int_equal(scan(in->p, in->n, &it), 0);
	assert_int_equal(removable(&it), changed);
	tacit_items_free(&it);
	assert_int_equal(scan(k.mem, k.mem_len, &it), 0);
	assert_false(removable(&it));
	tacit_items_free(&it);
	memset(&out, 0, sizeof(out));
	put(&out, k.mem, k.mem_len);
	assert_int_equal(clean(&out, &k2, 0, 1), 0);
	assert_int_equal(k2.mem_len, out.n);
	assert_memory_equal(k2.mem, out.p, out.n);
	tacit_sink_free(&k2);
	tacit_sink_free(&k);
}

static void
test_adobe_exact(void **state)
{
	static const unsigned char adobe[] = "Adobe\0\x64\x80\0\0\0\x02";
	unsigned char big[12 + 20];
	struct buf in, want;
	struct tacit_sink k;
	struct tacit_items it;

	(void)state;
	/* Longer than 12 bytes: trimmed, and said so. */
	memcpy(big, adobe, 12);
	memset(big + 12, 'S', sizeof(big) - 12);
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xee, big, sizeof(big));
	image(&in);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_int_equal(it.n, 1);
	assert_true(has_item(&it, "APP", "APP14 Adobe extra data"));
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	memset(&want, 0, sizeof(want));
	put(&want, "\xff\xd8", 2);
	seg(&want, 0xee, adobe, 12);
	image(&want);
	eoi(&want);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.p, want.n);
	tacit_sink_free(&k);
	assert_agree(&in);

	/* Shorter: not a header a decoder can use, so dropped. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xee, adobe, 11);
	image(&in);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_true(has_item(&it, "APP", "APP14 Adobe"));
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	assert_int_equal(k.mem_len, in.n - 4 - 11);
	tacit_sink_free(&k);
	assert_agree(&in);
}

static void
test_second_jfif_dropped(void **state)
{
	unsigned char thumb[14 + 3];
	struct buf in, want;
	struct tacit_sink k;
	struct tacit_items it;

	(void)state;
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, jfif, sizeof(jfif));
	seg(&in, 0xe0, jfif, sizeof(jfif));
	image(&in);
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_int_equal(it.n, 1);
	assert_true(has_item(&it, "APP", "APP0 JFIF"));
	tacit_items_free(&it);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	memset(&want, 0, sizeof(want));
	put(&want, "\xff\xd8", 2);
	seg(&want, 0xe0, jfif, sizeof(jfif));
	image(&want);
	eoi(&want);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.p, want.n);
	tacit_sink_free(&k);
	assert_agree(&in);

	/* A later one with a thumbnail, after the first scan. */
	memcpy(thumb, jfif, sizeof(jfif));
	thumb[12] = 1;
	thumb[13] = 1;
	memset(thumb + 14, 0x55, 3);
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, jfif, sizeof(jfif));
	image(&in);
	seg(&in, 0xe0, thumb, sizeof(thumb));
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_true(has_item(&it, "thumbnail", "JFIF"));
	tacit_items_free(&it);
	assert_agree(&in);

	/* The orientation still goes after the first one. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, jfif, sizeof(jfif));
	seg(&in, 0xe0, jfif, sizeof(jfif));
	{
		unsigned char ex[64];
		size_t n = exif_block(ex, 8);

		seg(&in, 0xe1, ex, n);
	}
	image(&in);
	eoi(&in);
	assert_int_equal(clean(&in, &k, 1, 1), 0);
	assert_memory_equal(k.mem + 2 + 4 + sizeof(jfif), "\xff\xe1", 2);
	assert_int_equal(scan(k.mem, k.mem_len, &it), 0);
	assert_int_equal(it.n, 1);
	assert_true(has_item(&it, "EXIF", "Orientation"));
	tacit_items_free(&it);
	tacit_sink_free(&k);
}

/*
 * A small image with segment marker m given payload p: it replaces the
 * DQT, SOF0, DHT or SOS, or goes where a DRI, DAC or DNL would.
 */
static void
image_with(struct buf *b, unsigned m, const void *p, size_t n)
{
	memset(b, 0, sizeof(*b));
	put(b, "\xff\xd8", 2);
	if (m == 0xdb)
		seg(b, m, p, n);
	else
		seg(b, 0xdb, dqt, sizeof(dqt));
	if (m == 0xc0)
		seg(b, m, p, n);
	else
		seg(b, 0xc0, sof, sizeof(sof));
	if (m == 0xc4)
		seg(b, m, p, n);
	else
		seg(b, 0xc4, dht_dc, sizeof(dht_dc));
	if (m == 0xdd || m == 0xcc)
		seg(b, m, p, n);
	if (m == 0xda)
		seg(b, m, p, n);
	else
		seg(b, 0xda, sos, sizeof(sos));
	put(b, ecs, sizeof(ecs));
	if (m == 0xdc)
		seg(b, m, p, n);
	eoi(b);
}

static void
test_exact_lengths(void **state)
{
	static const struct {
		unsigned marker;
		const char *p;
		size_t n;
		int rc;
		const char *msg;
	} v[] = {
		/* Valid ones first: the builder itself is sound. */
		{ 0xc0, "\x08\0\x01\0\x01\x01\x01\x11\0", 9, 0, NULL },
		{ 0xc0,
		    "\x08\0\x01\0\x01\x03\x01\x22\0\x02\x11\x01\x03\x11\x01",
		    15, 0, NULL },
		{ 0xda, "\x01\x01\0\0\x3f\0", 6, 0, NULL },
		{ 0xda, "\x02\x01\0\x02\x11\0\x3f\0", 8, 0, NULL },
		{ 0xdd, "\0\x04", 2, 0, NULL },
		{ 0xdc, "\0\x01", 2, 0, NULL },
		{ 0xcc, "\x00\x10\x10\x05", 4, 0, NULL },
		/* SOF: 6 + 3 * Nf, Nf at least 1. */
		{ 0xc0, "\x08\0\x01\0\x01\x01\x01\x11\0S", 10, TACIT_EFORMAT,
		    "bad JPEG SOF length" },
		{ 0xc0, "\x08\0\x01\0\x01\x01\x01\x11", 8, TACIT_EFORMAT,
		    "bad JPEG SOF length" },
		{ 0xc0, "\x08\0\x01\0\x01\0", 6, TACIT_EFORMAT,
		    "bad JPEG SOF length" },
		{ 0xc0, "\x08\0\x01\0\x01", 5, TACIT_EFORMAT,
		    "bad JPEG SOF length" },
		/* SOS: 1 + 2 * Ns + 3, Ns in 1..4. */
		{ 0xda, "\x01\x01\0\0\x3f\0S", 7, TACIT_EFORMAT,
		    "bad JPEG SOS length" },
		{ 0xda, "\x01\x01\0\0\x3f", 5, TACIT_EFORMAT,
		    "bad JPEG SOS length" },
		{ 0xda, "\0\0\x3f\0", 4, TACIT_EFORMAT, "bad JPEG SOS length" },
		{ 0xda, "\x05\x01\0\x02\0\x03\0\x04\0\x05\0\0\x3f\0", 14,
		    TACIT_EFORMAT, "bad JPEG SOS length" },
		{ 0xda, "", 0, TACIT_EFORMAT, "bad JPEG SOS length" },
		/* DRI and DNL: exactly 2. */
		{ 0xdd, "\0\x04S", 3, TACIT_EFORMAT, "bad JPEG DRI length" },
		{ 0xdd, "\x04", 1, TACIT_EFORMAT, "bad JPEG DRI length" },
		{ 0xdc, "\0\x01SECRET", 8, TACIT_EFORMAT,
		    "bad JPEG DNL length" },
		{ 0xdc, "", 0, TACIT_EFORMAT, "bad JPEG DNL length" },
		/* DAC: pairs, each value in range. */
		{ 0xcc, "\x00\x10\x10", 3, TACIT_EFORMAT,
		    "bad JPEG DAC segment" },
		{ 0xcc, "\x20\x10", 2, TACIT_EFORMAT, "bad JPEG DAC segment" },
		{ 0xcc, "\x00\x01", 2, TACIT_EFORMAT, "bad JPEG DAC segment" },
		{ 0xcc, "\x10\x40", 2, TACIT_EFORMAT, "bad JPEG DAC segment" },
		{ 0xcc, "", 0, TACIT_EFORMAT, "bad JPEG DAC segment" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf in;
		struct tacit_items it;
		struct tacit_sink k;
		struct tacit_err e;

		image_with(&in, v[i].marker, v[i].p, v[i].n);
		assert_int_equal(scan_msg(in.p, in.n, &it, &e), v[i].rc);
		if (v[i].msg != NULL)
			assert_non_null(strstr(e.msg, v[i].msg));
		tacit_items_free(&it);
		assert_int_equal(clean(&in, &k, 1, 1), v[i].rc);
		tacit_sink_free(&k);
		if (v[i].rc == 0)
			assert_agree(&in);
	}
}

static void
test_tables_exact(void **state)
{
	unsigned char p[2 * (1 + 128) + 8];
	struct buf in;
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_err e;
	size_t n;

	(void)state;
	/* DQT: two tables, one 8-bit and one 16-bit, are fine. */
	memset(p, 7, sizeof(p));
	p[0] = 0x00;
	p[65] = 0x11;
	image_with(&in, 0xdb, p, 65 + 129);
	assert_int_equal(scan_msg(in.p, in.n, &it, &e), 0);
	tacit_items_free(&it);
	assert_agree(&in);
	/* ... with junk after them, or cut short, are not. */
	for (n = 0; n < 65 + 129 + 8; n++) {
		if (n == 65 || n == 65 + 129)
			continue;
		image_with(&in, 0xdb, p, n);
		assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
		assert_non_null(strstr(e.msg, "bad JPEG DQT segment"));
		tacit_items_free(&it);
		assert_int_equal(clean(&in, &k, 1, 1), TACIT_EFORMAT);
		tacit_sink_free(&k);
	}
	/* Precision 2, or table 4. */
	p[0] = 0x20;
	image_with(&in, 0xdb, p, 65 + 64);
	assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
	tacit_items_free(&it);
	p[0] = 0x04;
	image_with(&in, 0xdb, p, 65);
	assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
	tacit_items_free(&it);

	/* DHT: two tables back to back are fine. */
	memcpy(p, dht_dc, sizeof(dht_dc));
	memcpy(p + sizeof(dht_dc), dht_ac, sizeof(dht_ac));
	image_with(&in, 0xc4, p, 2 * sizeof(dht_dc));
	assert_int_equal(scan_msg(in.p, in.n, &it, &e), 0);
	tacit_items_free(&it);
	assert_agree(&in);
	/* Trailing junk, or values missing. */
	for (n = 0; n < 2 * sizeof(dht_dc) + 4; n++) {
		if (n == sizeof(dht_dc) || n == 2 * sizeof(dht_dc))
			continue;
		image_with(&in, 0xc4, p, n);
		assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
		assert_non_null(strstr(e.msg, "bad JPEG DHT segment"));
		tacit_items_free(&it);
		assert_int_equal(clean(&in, &k, 1, 1), TACIT_EFORMAT);
		tacit_sink_free(&k);
	}
	/* Class 2, table 4, and more than 256 codes. */
	p[0] = 0x20;
	image_with(&in, 0xc4, p, sizeof(dht_dc));
	assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
	tacit_items_free(&it);
	p[0] = 0x04;
	image_with(&in, 0xc4, p, sizeof(dht_dc));
	assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
	tacit_items_free(&it);
	{
		static unsigned char big[1 + 16 + 257];

		memset(big, 0, sizeof(big));
		big[16] = 255; /* 255 codes of 16 bits, 2 of 15 */
		big[15] = 2;
		image_with(&in, 0xc4, big, sizeof(big));
		/* Too big for the test buffer's image?  It fits in 8 KiB. */
		assert_int_equal(scan_msg(in.p, in.n, &it, &e), TACIT_EFORMAT);
		assert_non_null(strstr(e.msg, "bad JPEG DHT segment"));
		tacit_items_free(&it);
		big[15] = 1; /* 256 exactly: allowed */
		image_with(&in, 0xc4, big, sizeof(big) - 1);
		assert_int_equal(scan_msg(in.p, in.n, &it, &e), 0);
		tacit_items_free(&it);
	}
}

static void
test_unsupported_markers(void **state)
{
	static const unsigned markers[] = { 0xc8, 0xde, 0xdf, 0xf0, 0xf7, 0xf8,
		0xfd };

	(void)state;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		struct buf in;
		struct tacit_items it;
		struct tacit_sink k;
		struct tacit_err e;
		char want[40];

		memset(&in, 0, sizeof(in));
		put(&in, "\xff\xd8", 2);
		seg(&in, markers[i], "\x08\0\x01\0\x01\x01\x01\x11\0", 9);
		image(&in);
		eoi(&in);
		assert_int_equal(scan_msg(in.p, in.n, &it, &e),
		    TACIT_EUNSUPPORTED);
		snprintf(want, sizeof(want), "unsupported JPEG marker 0x%02X",
		    markers[i]);
		assert_string_equal(e.msg, want);
		tacit_items_free(&it);
		assert_int_equal(clean(&in, &k, 1, 1), TACIT_EUNSUPPORTED);
		tacit_sink_free(&k);
	}
}

static void
test_valid_variants_untouched(void **state)
{
	/* CMYK: four components, an Adobe header, restart interval. */
	static const unsigned char sof4[6 + 12] = { 8, 0, 2, 0, 2, 4, 1, 0x11,
		0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0 };
	static const unsigned char sos4[1 + 8 + 3] = { 4, 1, 0, 2, 0, 3, 0, 4,
		0, 0, 63, 0 };
	struct buf in;
	struct tacit_items it;

	(void)state;
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xee, "Adobe\0\x64\0\0\0\0\x02", 12);
	seg(&in, 0xdb, dqt, sizeof(dqt));
	seg(&in, 0xc0, sof4, sizeof(sof4));
	seg(&in, 0xc4, dht_dc, sizeof(dht_dc));
	seg(&in, 0xc4, dht_ac, sizeof(dht_ac));
	seg(&in, 0xdd, "\0\x01", 2);
	seg(&in, 0xda, sos4, sizeof(sos4));
	put(&in, ecs, sizeof(ecs));
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	assert_agree(&in);

	/* Progressive: a second table between two scans. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, jfif, sizeof(jfif));
	seg(&in, 0xdb, dqt, sizeof(dqt));
	seg(&in, 0xc2, sof, sizeof(sof));
	seg(&in, 0xc4, dht_dc, sizeof(dht_dc));
	seg(&in, 0xda, sos, sizeof(sos));
	put(&in, ecs, sizeof(ecs));
	seg(&in, 0xc4, dht_ac, sizeof(dht_ac));
	seg(&in, 0xda, sos, sizeof(sos));
	put(&in, ecs, sizeof(ecs));
	eoi(&in);
	assert_int_equal(scan(in.p, in.n, &it), 0);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	assert_agree(&in);
}

static void
test_agree(void **state)
{
	struct buf in;
	unsigned char j[14 + 6];

	(void)state;
	dirty(&in, 1);
	assert_agree(&in);
	dirty(&in, 6);
	assert_agree(&in);
	memcpy(j, jfif, sizeof(jfif));
	memset(j + 14, 0, 6); /* zero thumbnail size, data after it */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, j, sizeof(j));
	image(&in);
	eoi(&in);
	assert_agree(&in);
	/* Fill bytes alone: dropped, so reported. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8\xff", 3);
	image(&in);
	put(&in, "\xff\xff\xff", 3);
	eoi(&in);
	assert_agree(&in);
	/* TEM and restart markers outside coded data: dropped. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8\xff\x01\xff\xd5", 6);
	seg(&in, 0xdb, dqt, sizeof(dqt));
	put(&in, "\xff\xd3\xff\xd3", 4);
	image(&in);
	/* After coded data, a restart marker is part of it: kept. */
	put(&in, "\xff\xd4", 2);
	eoi(&in);
	{
		struct tacit_items it;
		struct tacit_sink k;

		assert_int_equal(scan(in.p, in.n, &it), 0);
		assert_int_equal(it.n, 1);
		assert_true(has_item(&it, "chunk", "stray markers"));
		tacit_items_free(&it);
		assert_int_equal(clean(&in, &k, 1, 1), 0);
		assert_int_equal(k.mem_len, in.n - 8);
		tacit_sink_free(&k);
	}
	assert_agree(&in);
	/* An APP0 that is neither JFIF nor JFXX. */
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	seg(&in, 0xe0, "AVI1\0\0\0\0", 8);
	image(&in);
	eoi(&in);
	assert_agree(&in);
}

static void
test_long_fill_run_is_fast(void **state)
{
	char path[] = "/tmp/test_jpeg_XXXXXX";
	unsigned char *ff;
	size_t run = 4u << 20;
	struct buf in;
	struct tacit_src s;
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_clean_opts o = { 1, 1 };
	struct tacit_err e;
	struct timespec t0, t1;
	double secs;
	int fd;

	(void)state;
	memset(&in, 0, sizeof(in));
	put(&in, "\xff\xd8", 2);
	image(&in);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	ff = malloc(run);
	assert_non_null(ff);
	memset(ff, 0xff, run);
	assert_int_equal(tacit_write_all(fd, in.p, in.n), 0);
	assert_int_equal(tacit_write_all(fd, ff, run), 0);
	assert_int_equal(tacit_write_all(fd, "\xff\xd9", 2), 0);
	free(ff);
	assert_int_equal(tacit_src_fd(&s, fd), 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	tacit_items_init(&it, 1);
	assert_int_equal(tacit_engine_jpeg.scan(&s, &it, &e), 0);
	assert_true(has_item(&it, "chunk", "fill bytes"));
	tacit_items_free(&it);
	tacit_sink_init_mem(&k);
	assert_int_equal(tacit_engine_jpeg.clean(&s, &k, &o, &e), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* The run goes; the image and the EOI stay. */
	assert_int_equal(k.mem_len, in.n + 2);
	assert_memory_equal(k.mem + in.n, "\xff\xd9", 2);
	tacit_sink_free(&k);
	close(fd);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* One read per byte took seconds; blocks take milliseconds. */
	assert_true(secs < 0.5);
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
		cmocka_unit_test(test_adobe_exact),
		cmocka_unit_test(test_second_jfif_dropped),
		cmocka_unit_test(test_exact_lengths),
		cmocka_unit_test(test_tables_exact),
		cmocka_unit_test(test_unsupported_markers),
		cmocka_unit_test(test_valid_variants_untouched),
		cmocka_unit_test(test_agree),
		cmocka_unit_test(test_long_fill_run_is_fast),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
