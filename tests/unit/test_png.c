/* test_png: unit tests for the PNG engine (lib/meta_png.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tacit/exif.h"
#include "tacit/io.h"
#include "tacit/meta.h"

static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10 };

/* A growable byte buffer to build test files in. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_be32(struct buf *b, uint32_t v)
{
	unsigned char q[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_add(b, q, 4);
}

/* Bitwise CRC-32, independent of the engine's table-driven one. */
static uint32_t
crc32_bits(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n-- > 0) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Append a chunk with a correct CRC. */
static void
chunk(struct buf *b, const char *type, const void *data, size_t n)
{
	uint32_t crc;

	buf_be32(b, (uint32_t)n);
	buf_add(b, type, 4);
	buf_add(b, data, n);
	crc = crc32_bits(0, (const unsigned char *)type, 4);
	crc = crc32_bits(crc, data, n);
	buf_be32(b, crc);
}

/* A chunk whose data is a string literal, NULs included. */
#define CHUNK_LIT(b, type, lit) chunk((b), (type), (lit), sizeof(lit) - 1)

/* 1x1 RGB, 8 bits. */
static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0 };
/* A real zlib stream of the one red pixel's scanline (filter 0). */
static const unsigned char idat[] = { 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
	0x00, 0x03, 0x01, 0x01, 0x00 };

static void
start(struct buf *b)
{
	memset(b, 0, sizeof(*b));
	buf_add(b, sig, sizeof(sig));
	chunk(b, "IHDR", ihdr, sizeof(ihdr));
}

static void
minimal(struct buf *b)
{
	start(b);
	chunk(b, "IDAT", idat, sizeof(idat));
	chunk(b, "IEND", NULL, 0);
}

static const char xmp[] =
    "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
    "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
    "<rdf:Description rdf:about='' "
    "xmlns:dc='http://purl.org/dc/elements/1.1/'>"
    "<dc:creator>someone</dc:creator></rdf:Description></rdf:RDF>"
    "</x:xmpmeta><?xpacket end='w'?>";

static void
add_exif(struct buf *b, int orientation)
{
	unsigned char *tiff;
	size_t len;

	assert_int_equal(tacit_exif_minimal(orientation, &tiff, &len, NULL),
	    TACIT_OK);
	chunk(b, "eXIf", tiff, len);
	free(tiff);
}

/* Every kind of chunk the engine handles, and trailing data. */
static void
dirty(struct buf *b)
{
	struct buf t = { 0 };
	static const unsigned char gama[4] = { 0, 0, 0xb1, 0x8f };
	static const unsigned char phys[9] = { 0, 0, 0x0b, 0x13, 0, 0, 0x0b,
		0x13, 1 };
	static const unsigned char time[7] = { 0x07, 0xe8, 1, 2, 3, 4, 5 };
	static const unsigned char iccp[] =
	    "myprof\0\0\x78\x9c\x03\0\0\0\0\x01";

	start(b);
	chunk(b, "gAMA", gama, sizeof(gama));
	CHUNK_LIT(b, "tEXt", "Author\0Jane Doe");
	CHUNK_LIT(b, "zTXt", "Comment\0\0\x78\x9c\x03\0\0\0\0\x01");
	CHUNK_LIT(b, "iTXt", "Title\0\0\0en\0Titel\0Holiday");
	buf_add(&t, "XML:com.adobe.xmp\0\0\0\0\0", 22);
	buf_add(&t, xmp, sizeof(xmp) - 1);
	chunk(b, "iTXt", t.p, t.len);
	free(t.p);
	chunk(b, "tIME", time, sizeof(time));
	chunk(b, "iCCP", iccp, sizeof(iccp) - 1);
	chunk(b, "pHYs", phys, sizeof(phys));
	add_exif(b, 6);
	CHUNK_LIT(b, "bKGD", "\0\0\0\0\0\0");
	CHUNK_LIT(b, "caNv", "12345678");
	CHUNK_LIT(b, "vpAg", "123456789");
	chunk(b, "IDAT", idat, 6);
	chunk(b, "IDAT", idat + 6, sizeof(idat) - 6);
	CHUNK_LIT(b, "dSIG", "\0\0\0\1");
	chunk(b, "IEND", NULL, 0);
	buf_add(b, "secret trailer", 14);
}

/* The chunk types of a PNG, "IHDR,IDAT,IEND", for exact comparisons. */
static char *
chunk_list(const unsigned char *p, size_t n)
{
	static char out[1024];
	size_t off = 8, o = 0;

	out[0] = '\0';
	assert_true(n >= 8);
	assert_memory_equal(p, sig, 8);
	while (off + 12 <= n && o + 6 < sizeof(out)) {
		uint32_t len = (uint32_t)p[off] << 24 | p[off + 1] << 16 |
		    p[off + 2] << 8 | p[off + 3];
		uint32_t crc, want;

		assert_true(len <= n - off - 12);
		want = crc32_bits(0, p + off + 4, (size_t)len + 4);
		crc = (uint32_t)p[off + 8 + len] << 24 |
		    p[off + 9 + len] << 16 | p[off + 10 + len] << 8 |
		    p[off + 11 + len];
		assert_true(crc == want);
		if (o > 0)
			out[o++] = ',';
		memcpy(out + o, p + off + 4, 4);
		o += 4;
		out[o] = '\0';
		off += (size_t)len + 12;
	}
	assert_int_equal(off, n);
	return out;
}

static int
do_scan(const void *p, size_t n, struct tacit_items *it, struct tacit_err *e)
{
	struct tacit_src s;

	tacit_src_mem(&s, p, n);
	tacit_items_init(it, 1);
	e->msg[0] = '\0';
	return tacit_engine_png.scan(&s, it, e);
}

static int
do_clean(const void *p, size_t n, int orient, int icc, struct tacit_sink *k,
    struct tacit_err *e)
{
	struct tacit_src s;
	struct tacit_clean_opts o = { orient, icc };

	tacit_src_mem(&s, p, n);
	tacit_sink_init_mem(k);
	e->msg[0] = '\0';
	return tacit_engine_png.clean(&s, k, &o, e);
}

/* The items as "container/field" lines, for exact comparisons. */
static char *
item_list(const struct tacit_items *it)
{
	static char out[4096];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < it->n; i++) {
		int w = snprintf(out + o, sizeof(out) - o, "%s%s/%s",
		    i ? "," : "", it->v[i].container, it->v[i].field);

		assert_true(w > 0 && (size_t)w < sizeof(out) - o);
		o += (size_t)w;
	}
	return out;
}

static const char *
value_of(const struct tacit_items *it, const char *container, const char *field)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, container) == 0 &&
		    strcmp(it->v[i].field, field) == 0)
			return it->v[i].value;
	return NULL;
}

static void
test_probe(void **state)
{
	(void)state;
	assert_true(tacit_engine_png.probe(sig, 8));
	assert_false(tacit_engine_png.probe(sig, 7));
	assert_false(
	    tacit_engine_png
		.probe((const unsigned char *)"\xff\xd8\xff\xe0 JPEG", 9));
	assert_string_equal(tacit_engine_png.name, "PNG");
}

static void
test_minimal_unchanged(void **state)
{
	struct buf b;
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	minimal(&b);
	assert_int_equal(do_scan(b.p, b.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	assert_int_equal(do_clean(b.p, b.len, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, b.len);
	assert_memory_equal(k.mem, b.p, b.len);
	tacit_sink_free(&k);
	free(b.p);
}

static void
test_scan_dirty(void **state)
{
	struct buf b;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	dirty(&b);
	assert_int_equal(do_scan(b.p, b.len, &it, &e), TACIT_OK);
	assert_string_equal(item_list(&it),
	    "text/Author,text/Comment,text/Title,XMP/dc:creator,"
	    "timestamp/tIME,ICC/profile,EXIF/Orientation,chunk/bKGD,"
	    "chunk/caNv,chunk/vpAg,chunk/dSIG,trailing/after IEND");
	assert_string_equal(value_of(&it, "text", "Author"), "Jane Doe");
	assert_null(value_of(&it, "text", "Comment"));
	assert_string_equal(value_of(&it, "text", "Title"), "Holiday");
	assert_string_equal(value_of(&it, "timestamp", "tIME"),
	    "2024-01-02 03:04:05");
	assert_string_equal(value_of(&it, "ICC", "profile"), "myprof");
	assert_string_equal(value_of(&it, "trailing", "after IEND"),
	    "14 bytes");
	tacit_items_free(&it);
	free(b.p);
}

static void
test_clean_dirty(void **state)
{
	struct buf b;
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	dirty(&b);
	assert_int_equal(do_clean(b.p, b.len, 0, 0, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len),
	    "IHDR,gAMA,pHYs,IDAT,IDAT,IEND");
	assert_int_equal(do_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	tacit_sink_free(&k);

	assert_int_equal(do_clean(b.p, b.len, 0, 1, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len),
	    "IHDR,gAMA,iCCP,pHYs,IDAT,IDAT,IEND");
	assert_int_equal(do_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	assert_string_equal(item_list(&it), "ICC/profile");
	tacit_items_free(&it);
	tacit_sink_free(&k);

	assert_int_equal(do_clean(b.p, b.len, 1, 1, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len),
	    "IHDR,gAMA,iCCP,pHYs,eXIf,IDAT,IDAT,IEND");
	assert_int_equal(do_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	assert_string_equal(item_list(&it), "ICC/profile,EXIF/Orientation");
	tacit_items_free(&it);

	/* Cleaning is idempotent: a cleaned file comes out unchanged. */
	{
		struct tacit_sink k2;

		assert_int_equal(do_clean(k.mem, k.mem_len, 1, 1, &k2, &e),
		    TACIT_OK);
		assert_int_equal(k2.mem_len, k.mem_len);
		assert_memory_equal(k2.mem, k.mem, k.mem_len);
		tacit_sink_free(&k2);
	}
	tacit_sink_free(&k);
	free(b.p);
}

/* Chunks are copied byte for byte: the kept ones appear verbatim. */
static void
test_clean_verbatim(void **state)
{
	struct buf b, want = { 0 };
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	start(&b);
	CHUNK_LIT(&b, "tEXt", "a\0b");
	chunk(&b, "IDAT", idat, sizeof(idat));
	chunk(&b, "IEND", NULL, 0);
	buf_add(&want, b.p, 33); /* signature and IHDR */
	buf_add(&want, b.p + 33 + 15, b.len - 33 - 15);
	assert_int_equal(do_clean(b.p, b.len, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, want.len);
	assert_memory_equal(k.mem, want.p, want.len);
	tacit_sink_free(&k);
	free(want.p);
	free(b.p);
}

static int
orientation_of(const unsigned char *p, size_t n)
{
	size_t off = 8;

	while (off + 12 <= n) {
		uint32_t len = (uint32_t)p[off] << 24 | p[off + 1] << 16 |
		    p[off + 2] << 8 | p[off + 3];

		if (memcmp(p + off + 4, "eXIf", 4) == 0)
			return tacit_exif_orientation(p + off + 8, len);
		off += (size_t)len + 12;
	}
	return -1;
}

static void
test_orientation(void **state)
{
	struct buf b;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	/* eXIf after the image data (old writers): moved before IDAT. */
	start(&b);
	chunk(&b, "IDAT", idat, sizeof(idat));
	add_exif(&b, 8);
	chunk(&b, "IEND", NULL, 0);
	assert_int_equal(do_clean(b.p, b.len, 1, 0, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len),
	    "IHDR,eXIf,IDAT,IEND");
	assert_int_equal(orientation_of(k.mem, k.mem_len), 8);
	tacit_sink_free(&k);
	assert_int_equal(do_clean(b.p, b.len, 0, 0, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len), "IHDR,IDAT,IEND");
	tacit_sink_free(&k);
	free(b.p);

	/* Orientation 1 is the default: no EXIF at all. */
	start(&b);
	add_exif(&b, 1);
	chunk(&b, "IDAT", idat, sizeof(idat));
	chunk(&b, "IEND", NULL, 0);
	assert_int_equal(do_clean(b.p, b.len, 1, 0, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len), "IHDR,IDAT,IEND");
	tacit_sink_free(&k);
	free(b.p);

	/* An eXIf libexif cannot read: reported, dropped, no orientation. */
	start(&b);
	CHUNK_LIT(&b, "eXIf", "garbage!");
	chunk(&b, "IDAT", idat, sizeof(idat));
	chunk(&b, "IEND", NULL, 0);
	{
		struct tacit_items it;

		assert_int_equal(do_scan(b.p, b.len, &it, &e), TACIT_OK);
		assert_string_equal(item_list(&it), "EXIF/block");
		tacit_items_free(&it);
	}
	assert_int_equal(do_clean(b.p, b.len, 1, 0, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len), "IHDR,IDAT,IEND");
	tacit_sink_free(&k);
	free(b.p);

	/* "Exif\0\0" before the TIFF header is tolerated. */
	{
		unsigned char *tiff;
		size_t len;
		struct buf t = { 0 };

		assert_int_equal(tacit_exif_minimal(3, &tiff, &len, NULL),
		    TACIT_OK);
		buf_add(&t, "Exif\0\0", 6);
		buf_add(&t, tiff, len);
		free(tiff);
		start(&b);
		chunk(&b, "eXIf", t.p, t.len);
		chunk(&b, "IDAT", idat, sizeof(idat));
		chunk(&b, "IEND", NULL, 0);
		free(t.p);
	}
	assert_int_equal(do_clean(b.p, b.len, 1, 0, &k, &e), TACIT_OK);
	assert_int_equal(orientation_of(k.mem, k.mem_len), 3);
	tacit_sink_free(&k);
	free(b.p);
}

static void
expect_fail(const struct buf *b, int want, const char *msg)
{
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_err e;

	assert_int_equal(do_scan(b->p, b->len, &it, &e), want);
	if (msg != NULL)
		assert_string_equal(e.msg, msg);
	tacit_items_free(&it);
	assert_int_equal(do_clean(b->p, b->len, 1, 1, &k, &e), want);
	if (msg != NULL)
		assert_string_equal(e.msg, msg);
	tacit_sink_free(&k);
}

static void
test_bad_crc(void **state)
{
	struct buf b;

	(void)state;
	start(&b);
	CHUNK_LIT(&b, "tEXt", "a\0b");
	chunk(&b, "IDAT", idat, sizeof(idat));
	chunk(&b, "IEND", NULL, 0);
	b.p[33 + 8] ^= 1; /* tEXt data */
	expect_fail(&b, TACIT_EFORMAT, "bad CRC in PNG chunk 'tEXt'");
	b.p[33 + 8] ^= 1;
	b.p[b.len - 1] ^= 0x80; /* IEND's CRC */
	expect_fail(&b, TACIT_EFORMAT, "bad CRC in PNG chunk 'IEND'");
	free(b.p);
}

static void
test_structure(void **state)
{
	struct buf b;

	(void)state;
	/* No IEND. */
	start(&b);
	chunk(&b, "IDAT", idat, sizeof(idat));
	expect_fail(&b, TACIT_EFORMAT, "missing PNG IEND chunk");
	free(b.p);

	/* Signature only, and not even that. */
	memset(&b, 0, sizeof(b));
	buf_add(&b, sig, sizeof(sig));
	expect_fail(&b, TACIT_EFORMAT, "missing PNG IEND chunk");
	b.p[1] = 'J';
	expect_fail(&b, TACIT_EFORMAT, "not a PNG file");
	free(b.p);

	/* IHDR must come first, once, 13 bytes long. */
	memset(&b, 0, sizeof(b));
	buf_add(&b, sig, sizeof(sig));
	CHUNK_LIT(&b, "tEXt", "a\0b");
	chunk(&b, "IHDR", ihdr, sizeof(ihdr));
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EFORMAT, "PNG does not start with IHDR");
	free(b.p);
	start(&b);
	chunk(&b, "IHDR", ihdr, sizeof(ihdr));
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EFORMAT, "bad PNG IHDR chunk");
	free(b.p);
	memset(&b, 0, sizeof(b));
	buf_add(&b, sig, sizeof(sig));
	chunk(&b, "IHDR", ihdr, 12);
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EFORMAT, "bad PNG IHDR chunk");
	free(b.p);

	/* IEND with data would carry it through. */
	start(&b);
	chunk(&b, "IEND", "x", 1);
	expect_fail(&b, TACIT_EFORMAT, "bad PNG IEND chunk");
	free(b.p);

	/* A critical chunk we do not know cannot be dropped. */
	start(&b);
	chunk(&b, "CgBI", "\0\0\0\0", 4);
	chunk(&b, "IDAT", idat, sizeof(idat));
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EUNSUPPORTED,
	    "unsupported critical PNG chunk 'CgBI'");
	free(b.p);

	/* Chunk types are letters. */
	start(&b);
	chunk(&b, "te1t", "\0\0\0\0", 4);
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EFORMAT, "bad PNG chunk type at offset 33");
	free(b.p);

	/* A bad PLTE. */
	start(&b);
	chunk(&b, "PLTE", "\0\0\0\0", 4);
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EFORMAT, "bad PNG PLTE chunk");
	free(b.p);
}

static void
test_lying_lengths(void **state)
{
	static const uint32_t lies[] = { 0x80000000u, 0xffffffffu, 0x7fffffffu,
		0, 3, 5, 1000 };
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		start(&b);
		CHUNK_LIT(&b, "tEXt", "a\0bc");
		chunk(&b, "IEND", NULL, 0);
		b.p[33] = (unsigned char)(lies[i] >> 24);
		b.p[34] = (unsigned char)(lies[i] >> 16);
		b.p[35] = (unsigned char)(lies[i] >> 8);
		b.p[36] = (unsigned char)lies[i];
		expect_fail(&b, TACIT_EFORMAT, NULL);
		free(b.p);
	}
}

/* Every prefix of a valid file is an error, never a crash or a success. */
static void
test_truncation(void **state)
{
	struct buf b;

	(void)state;
	dirty(&b);
	b.len -= 14; /* drop the trailer: the file ends at IEND */
	for (size_t n = 0; n < b.len; n++) {
		unsigned char *copy = malloc(n ? n : 1);
		struct buf t = { copy, n, n };

		/* A copy of exactly n bytes, so ASan sees any over-read. */
		memcpy(copy, b.p, n);
		expect_fail(&t, TACIT_EFORMAT, NULL);
		free(copy);
	}
	free(b.p);
}

/* Wrong-sized ancillary chunks of kept types are dropped and reported. */
static void
test_bad_kept_size(void **state)
{
	struct buf b;
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	start(&b);
	chunk(&b, "gAMA", "\0\0\0\0\0", 5);
	chunk(&b, "sRGB", "\0", 1);
	chunk(&b, "IDAT", idat, sizeof(idat));
	chunk(&b, "IEND", NULL, 0);
	assert_int_equal(do_scan(b.p, b.len, &it, &e), TACIT_OK);
	assert_string_equal(item_list(&it), "chunk/gAMA");
	tacit_items_free(&it);
	assert_int_equal(do_clean(b.p, b.len, 0, 0, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len),
	    "IHDR,sRGB,IDAT,IEND");
	tacit_sink_free(&k);
	free(b.p);
}

/* APNG control chunks stay, in order. */
static void
test_apng(void **state)
{
	unsigned char fctl[26] = { 0 };
	struct buf b;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	start(&b);
	chunk(&b, "acTL", "\0\0\0\1\0\0\0\0", 8);
	chunk(&b, "fcTL", fctl, sizeof(fctl));
	chunk(&b, "IDAT", idat, sizeof(idat));
	CHUNK_LIT(&b, "tEXt", "Software\0x");
	fctl[3] = 1;
	chunk(&b, "fcTL", fctl, sizeof(fctl));
	chunk(&b, "fdAT", "\0\0\0\2abc", 7);
	chunk(&b, "IEND", NULL, 0);
	assert_int_equal(do_clean(b.p, b.len, 1, 1, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len),
	    "IHDR,acTL,fcTL,IDAT,fcTL,fdAT,IEND");
	tacit_sink_free(&k);
	free(b.p);
}

/* iTXt variants: compressed XMP, compressed text, malformed. */
static void
test_itxt(void **state)
{
	struct buf b;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	start(&b);
	CHUNK_LIT(&b, "iTXt", "XML:com.adobe.xmp\0\1\0\0\0\x78\x9c");
	CHUNK_LIT(&b, "iTXt", "Note\0\1\0\0\0\x78\x9c");
	CHUNK_LIT(&b, "iTXt", "Broken\0");
	CHUNK_LIT(&b, "tEXt", "NoValue");
	CHUNK_LIT(&b, "tEXt", "\0value");
	chunk(&b, "IEND", NULL, 0);
	assert_int_equal(do_scan(b.p, b.len, &it, &e), TACIT_OK);
	assert_string_equal(item_list(&it),
	    "XMP/packet,text/Note,text/Broken,text/NoValue,"
	    "text/(no keyword)");
	assert_null(value_of(&it, "text", "Note"));
	assert_null(value_of(&it, "text", "NoValue"));
	tacit_items_free(&it);
	free(b.p);
}

/* The chunk count is bounded. */
static void
test_too_many_chunks(void **state)
{
	struct buf b;
	unsigned char empty[12];
	uint32_t crc = crc32_bits(0, (const unsigned char *)"IDAT", 4);

	(void)state;
	memcpy(empty, "\0\0\0\0IDAT", 8);
	empty[8] = (unsigned char)(crc >> 24);
	empty[9] = (unsigned char)(crc >> 16);
	empty[10] = (unsigned char)(crc >> 8);
	empty[11] = (unsigned char)crc;
	start(&b);
	for (unsigned long i = 0; i < (1ul << 20); i++)
		buf_add(&b, empty, sizeof(empty));
	chunk(&b, "IEND", NULL, 0);
	expect_fail(&b, TACIT_EFORMAT, "too many PNG chunks");
	free(b.p);
}

/* A file source, with an IDAT bigger than one read piece. */
static void
test_fd_big_idat(void **state)
{
	char path[] = "/tmp/test_png_XXXXXX";
	struct buf b, big = { 0 };
	struct tacit_src s;
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e;
	struct tacit_clean_opts o = { 1, 1 };
	unsigned char block[4096];
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (unsigned char)(i * 7 + 3);
	for (int i = 0; i < 50; i++)
		buf_add(&big, block, sizeof(block));
	start(&b);
	CHUNK_LIT(&b, "tEXt", "a\0b");
	chunk(&b, "IDAT", big.p, big.len);
	chunk(&b, "IEND", NULL, 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(tacit_write_all(fd, b.p, b.len), TACIT_OK);
	assert_int_equal(tacit_src_fd(&s, fd), TACIT_OK);
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_engine_png.scan(&s, &it, &e), TACIT_OK);
	assert_string_equal(item_list(&it), "text/a");
	tacit_items_free(&it);
	tacit_sink_init_mem(&k);
	assert_int_equal(tacit_engine_png.clean(&s, &k, &o, &e), TACIT_OK);
	assert_int_equal(k.mem_len, b.len - 15);
	assert_string_equal(chunk_list(k.mem, k.mem_len), "IHDR,IDAT,IEND");
	tacit_sink_free(&k);

	/* A flipped byte deep in the big chunk is caught. */
	assert_int_equal(pwrite(fd, "\xff", 1, 33 + 15 + 8 + 150000), 1);
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_engine_png.scan(&s, &it, &e), TACIT_EFORMAT);
	assert_string_equal(e.msg, "bad CRC in PNG chunk 'IDAT'");
	tacit_items_free(&it);
	close(fd);
	free(big.p);
	free(b.p);
}

/* Real files, when the shared test data is there. */
static void
check_real(const char *path, const char *want_clean)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	unsigned char tmp[65536];
	struct tacit_items it;
	struct tacit_sink k;
	struct tacit_err e;
	size_t n;

	if (f == NULL) {
		print_message("skipped: %s not found\n", path);
		return;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	assert_int_equal(do_scan(b.p, b.len, &it, &e), TACIT_OK);
	assert_true(it.n > 0);
	tacit_items_free(&it);
	assert_int_equal(do_clean(b.p, b.len, 1, 1, &k, &e), TACIT_OK);
	assert_string_equal(chunk_list(k.mem, k.mem_len), want_clean);
	assert_int_equal(do_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	tacit_sink_free(&k);
	free(b.p);
}

static void
test_real_files(void **state)
{
	char want[1024] = "IHDR,pHYs";

	(void)state;
	/* mat2's dirty.png stores its image in 73 IDAT chunks. */
	for (int i = 0; i < 73; i++)
		strcat(want, ",IDAT");
	strcat(want, ",IEND");
	check_real("/work/shared/testdata/images/mat2/dirty.png", want);
	check_real("/work/shared/testdata/images/exiftool/PNG.png",
	    "IHDR,IDAT,IEND");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_minimal_unchanged),
		cmocka_unit_test(test_scan_dirty),
		cmocka_unit_test(test_clean_dirty),
		cmocka_unit_test(test_clean_verbatim),
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_bad_crc),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bad_kept_size),
		cmocka_unit_test(test_apng),
		cmocka_unit_test(test_itxt),
		cmocka_unit_test(test_too_many_chunks),
		cmocka_unit_test(test_fd_big_idat),
		cmocka_unit_test(test_real_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
