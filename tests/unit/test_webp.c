/* test_webp: the WebP engine on hand-made files, lying ones and real ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tacit/exif.h"
#include "tacit/io.h"
#include "tacit/meta.h"

#define ENGINE (&tacit_engine_webp)

/* A WebP being built: chunks appended, RIFF header fixed by finish(). */
struct webp {
	unsigned char *b;
	size_t n, cap;
};

static void
put(struct webp *w, const void *p, size_t len)
{
	if (w->n + len > w->cap) {
		w->cap = (w->n + len) * 2 + 64;
		w->b = realloc(w->b, w->cap);
		assert_non_null(w->b);
	}
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static uint32_t
rd32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
start(struct webp *w)
{
	memset(w, 0, sizeof(*w));
	put(w, "RIFF\0\0\0\0WEBP", 12);
}

/* A chunk with its pad byte (pad is its value, normally 0). */
static void
chunk_pad(struct webp *w, const char *id, const void *p, size_t len,
    unsigned char pad)
{
	unsigned char h[8];

	memcpy(h, id, 4);
	le32(h + 4, (uint32_t)len);
	put(w, h, 8);
	put(w, p, len);
	if (len & 1)
		put(w, &pad, 1);
}

static void
chunk(struct webp *w, const char *id, const void *p, size_t len)
{
	chunk_pad(w, id, p, len, 0);
}

static void
vp8x(struct webp *w, unsigned char flags)
{
	unsigned char v[10] = { flags, 0, 0, 0, 96, 0, 0, 60, 0, 0 };

	chunk(w, "VP8X", v, sizeof(v));
}

static void
finish(struct webp *w)
{
	le32(w->b + 4, (uint32_t)(w->n - 8));
}

/* Fake image data: engine tests never decode it. */
static const unsigned char vp8l[] = { 0x2f, 0x5f, 0xc0, 0x3b, 0x00, 0x07, 0x10,
	0x11, 0x22 }; /* odd: 9 bytes */
static const unsigned char vp8[] = { 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x60,
	0x00, 0x3c, 0x00, 0x11, 0x22 };
static const unsigned char alph[] = { 0x11, 0x07, 0x10 };
static const unsigned char anim[] = { 0xff, 0xff, 0xff, 0xff, 0, 0 };
static const unsigned char iccp[] = "fake ICC profile."; /* 18 bytes */
static const unsigned char xmp[] =
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
    "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
    "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' "
    "dc:format='image/webp'/></rdf:RDF></x:xmpmeta>";
static const unsigned char junk[] = { 'g', 'p', 's' };

/* TIFF: IFD0 with Orientation 6 and Artist "x". */
static const unsigned char tiff6[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0, 0x12,
	0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0x3b, 0x01, 2, 0, 2, 0, 0, 0, 'x',
	0, 0, 0, 0, 0, 0, 0 };
/* The same with Orientation 1. */
static const unsigned char tiff1[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0, 0x12,
	0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x3b, 0x01, 2, 0, 2, 0, 0, 0, 'x',
	0, 0, 0, 0, 0, 0, 0 };

/* tiff6 behind JPEG's "Exif\0\0", as some writers do. */
static void
exif_prefixed(struct webp *w, const unsigned char *tiff, size_t len)
{
	unsigned char buf[64];

	assert_true(len + 6 <= sizeof(buf));
	memcpy(buf, "Exif\0\0", 6);
	memcpy(buf + 6, tiff, len);
	chunk(w, "EXIF", buf, len + 6);
}

static int
run_clean(const unsigned char *in, size_t len, int keep_orientation,
    int keep_icc, struct tacit_sink *k, struct tacit_err *e)
{
	struct tacit_src s;
	struct tacit_clean_opts o = { keep_orientation, keep_icc };

	tacit_src_mem(&s, in, len);
	tacit_sink_init_mem(k);
	memset(e, 0, sizeof(*e));
	return ENGINE->clean(&s, k, &o, e);
}

static int
run_scan(const unsigned char *in, size_t len, struct tacit_items *it,
    struct tacit_err *e)
{
	struct tacit_src s;

	tacit_src_mem(&s, in, len);
	tacit_items_init(it, 1);
	memset(e, 0, sizeof(*e));
	return ENGINE->scan(&s, it, e);
}

static int
has_item(const struct tacit_items *it, const char *container, const char *field)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, container) == 0 &&
		    (field == NULL || strcmp(it->v[i].field, field) == 0))
			return 1;
	return 0;
}

/*
 * Check a file's structure independently of the engine: RIFF size equals
 * the file, chunks tile it with zero pad bytes.  Returns the chunk ids,
 * concatenated ("VP8XALPHVP8 ").
 */
static void
chunk_list(const unsigned char *p, size_t len, char *ids, size_t cap)
{
	size_t off = 12, o = 0;

	assert_true(len >= 12);
	assert_memory_equal(p, "RIFF", 4);
	assert_memory_equal(p + 8, "WEBP", 4);
	assert_int_equal(rd32(p + 4) + 8, len);
	while (off < len) {
		uint32_t n;

		assert_true(off + 8 <= len);
		n = rd32(p + off + 4);
		assert_true(n <= len - off - 8);
		if (n & 1) {
			assert_true(off + 8 + n < len);
			assert_int_equal(p[off + 8 + n], 0);
		}
		assert_true(o + 4 < cap);
		memcpy(ids + o, p + off, 4);
		o += 4;
		off += 8 + n + (n & 1);
	}
	assert_int_equal(off, len);
	ids[o] = '\0';
}

/* The payload of the first chunk called id, or NULL. */
static const unsigned char *
find_chunk(const unsigned char *p, size_t len, const char *id, uint32_t *size)
{
	size_t off = 12;

	while (off + 8 <= len) {
		uint32_t n = rd32(p + off + 4);

		if (memcmp(p + off, id, 4) == 0) {
			*size = n;
			return p + off + 8;
		}
		off += 8 + (size_t)n + (n & 1);
	}
	return NULL;
}

static void
test_probe(void **state)
{
	const unsigned char *webp = (const unsigned char *)"RIFF\1\2\3\4WEBP";
	const unsigned char *wave = (const unsigned char *)"RIFF\1\2\3\4WAVE";

	(void)state;
	assert_true(ENGINE->probe(webp, 12));
	assert_false(ENGINE->probe(webp, 11));
	assert_false(ENGINE->probe(wave, 12));
	assert_false(ENGINE->probe(webp, 0));
}

/* Nothing to remove: the output is the input, byte for byte. */
static void
test_simple_unchanged(void **state)
{
	struct webp w;
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	start(&w);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	finish(&w);
	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, w.n);
	assert_memory_equal(k.mem, w.b, w.n);
	assert_int_equal(w.n, 12 + 8 + 10);
	tacit_sink_free(&k);
	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	free(w.b);
}

/*
 * A simple file cannot carry EXIF (no VP8X): whatever follows its image
 * chunk is dropped, orientation too, and so is data after the RIFF.
 */
static void
test_simple_extra_chunks(void **state)
{
	struct webp w, want;
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	start(&w);
	chunk(&w, "VP8 ", vp8, sizeof(vp8));
	chunk(&w, "EXIF", tiff6, sizeof(tiff6));
	chunk(&w, "ICCP", iccp, sizeof(iccp));
	chunk(&w, "ABCD", junk, sizeof(junk));
	finish(&w);
	put(&w, "tail", 4);

	start(&want);
	chunk(&want, "VP8 ", vp8, sizeof(vp8));
	finish(&want);

	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.b, want.n);
	tacit_sink_free(&k);

	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "EXIF", "Orientation"));
	assert_true(has_item(&it, "EXIF", "Artist"));
	assert_true(has_item(&it, "ICC", "profile"));
	assert_true(has_item(&it, "chunk", "ABCD"));
	assert_true(has_item(&it, "trailing", "after RIFF"));
	assert_false(has_item(&it, "chunk", "VP8 "));
	tacit_items_free(&it);
	free(w.b);
	free(want.b);
}

/* The full extended layout, every chunk kind, odd sizes and a dirty pad. */
static void
dirty_extended(struct webp *w)
{
	start(w);
	vp8x(w, 0x20 | 0x10 | 0x08 | 0x04);
	chunk(w, "ICCP", iccp, sizeof(iccp));
	chunk_pad(w, "ALPH", alph, sizeof(alph), 0xaa);
	chunk(w, "VP8 ", vp8, sizeof(vp8));
	exif_prefixed(w, tiff6, sizeof(tiff6));
	chunk(w, "XMP ", xmp, sizeof(xmp) - 1);
	chunk_pad(w, "ABCD", junk, sizeof(junk), 0x55);
	finish(w);
}

static void
test_extended_strip_all(void **state)
{
	struct webp w, want;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	dirty_extended(&w);
	start(&want);
	vp8x(&want, 0x10);
	chunk(&want, "ALPH", alph, sizeof(alph)); /* pad byte now 0 */
	chunk(&want, "VP8 ", vp8, sizeof(vp8));
	finish(&want);

	assert_int_equal(run_clean(w.b, w.n, 0, 0, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.b, want.n);
	tacit_sink_free(&k);
	free(w.b);
	free(want.b);
}

static void
test_extended_keep(void **state)
{
	struct webp w, want;
	struct tacit_sink k;
	struct tacit_err e;
	unsigned char *min;
	size_t min_len;

	(void)state;
	assert_int_equal(tacit_exif_minimal(6, &min, &min_len, &e), TACIT_OK);
	dirty_extended(&w);
	start(&want);
	vp8x(&want, 0x20 | 0x10 | 0x08);
	chunk(&want, "ICCP", iccp, sizeof(iccp));
	chunk(&want, "ALPH", alph, sizeof(alph));
	chunk(&want, "VP8 ", vp8, sizeof(vp8));
	chunk(&want, "EXIF", min, min_len);
	finish(&want);

	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.b, want.n);
	assert_int_equal(tacit_exif_orientation(min, min_len), 6);
	tacit_sink_free(&k);
	free(w.b);
	free(want.b);
	free(min);
}

/* Keep ICC but not orientation, and orientation but not ICC. */
static void
test_extended_flags(void **state)
{
	struct webp w;
	struct tacit_sink k;
	struct tacit_err e;
	char ids[64];

	(void)state;
	dirty_extended(&w);
	assert_int_equal(run_clean(w.b, w.n, 0, 1, &k, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	assert_string_equal(ids, "VP8XICCPALPHVP8 ");
	assert_int_equal(k.mem[20], 0x20 | 0x10);
	tacit_sink_free(&k);

	assert_int_equal(run_clean(w.b, w.n, 1, 0, &k, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	assert_string_equal(ids, "VP8XALPHVP8 EXIF");
	assert_int_equal(k.mem[20], 0x10 | 0x08);
	tacit_sink_free(&k);
	free(w.b);
}

/* Reserved VP8X bits and bytes could carry data: they come out zero. */
static void
test_vp8x_reserved(void **state)
{
	struct webp w;
	struct tacit_sink k;
	struct tacit_err e;
	unsigned char v[10] = { 0xff, 0x12, 0x34, 0x56, 96, 0, 0, 60, 0, 0 };

	(void)state;
	start(&w);
	chunk(&w, "VP8X", v, sizeof(v));
	chunk(&w, "ICCP", iccp, sizeof(iccp));
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	finish(&w);
	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(k.mem[20], 0x20 | 0x10 | 0x02);
	assert_int_equal(k.mem[21], 0);
	assert_int_equal(k.mem[22], 0);
	assert_int_equal(k.mem[23], 0);
	assert_memory_equal(k.mem + 24, v + 4, 6);
	tacit_sink_free(&k);
	free(w.b);
}

static void
test_extended_scan(void **state)
{
	struct webp w;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	dirty_extended(&w);
	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "ICC", "profile"));
	assert_true(has_item(&it, "EXIF", "Orientation"));
	assert_true(has_item(&it, "EXIF", "Artist"));
	assert_true(has_item(&it, "XMP", NULL));
	assert_true(has_item(&it, "chunk", "ABCD"));
	assert_false(has_item(&it, "chunk", "VP8X"));
	assert_false(has_item(&it, "chunk", "ALPH"));
	assert_false(has_item(&it, "chunk", "VP8 "));
	assert_false(has_item(&it, "trailing", NULL));
	tacit_items_free(&it);
	free(w.b);
}

/* What clean writes, scan finds nothing removable in. */
static void
test_rescan_clean(void **state)
{
	struct webp w;
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	dirty_extended(&w);
	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	assert_int_equal(run_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	for (size_t i = 0; i < it.n; i++) {
		if (strcmp(it.v[i].container, "ICC") == 0)
			continue;
		/* Only the minimal EXIF's own tags, Orientation among them. */
		assert_string_equal(it.v[i].container, "EXIF");
		assert_string_not_equal(it.v[i].field, "Artist");
	}
	assert_true(has_item(&it, "EXIF", "Orientation"));
	tacit_items_free(&it);
	tacit_sink_free(&k);

	assert_int_equal(run_clean(w.b, w.n, 0, 0, &k, &e), TACIT_OK);
	assert_int_equal(run_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	tacit_sink_free(&k);
	free(w.b);
}

/* Orientation 1 needs no EXIF at all; nor does an unreadable EXIF. */
static void
test_orientation_normal(void **state)
{
	struct webp w;
	struct tacit_sink k;
	struct tacit_err e;
	char ids[64];

	(void)state;
	start(&w);
	vp8x(&w, 0x08);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	chunk(&w, "EXIF", tiff1, sizeof(tiff1));
	chunk(&w, "EXIF", tiff6, sizeof(tiff6)); /* the first one counts */
	finish(&w);
	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	assert_string_equal(ids, "VP8XVP8L");
	assert_int_equal(k.mem[20], 0);
	tacit_sink_free(&k);
	free(w.b);

	start(&w);
	vp8x(&w, 0x08);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	chunk(&w, "EXIF", "garbage", 7);
	finish(&w);
	assert_int_equal(run_clean(w.b, w.n, 1, 1, &k, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	assert_string_equal(ids, "VP8XVP8L");
	tacit_sink_free(&k);
	free(w.b);
}

/* An EXIF chunk libexif cannot read is still listed, as a block. */
static void
test_exif_unreadable(void **state)
{
	struct webp w;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	start(&w);
	vp8x(&w, 0x08);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	chunk(&w, "EXIF", "garbage", 7);
	chunk(&w, "XMP ", "", 0);
	finish(&w);
	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "EXIF", "block"));
	assert_true(has_item(&it, "XMP", NULL));
	tacit_items_free(&it);
	free(w.b);
}

/* Both scan and clean refuse; clean writes nothing it half understood. */
static void
assert_malformed(const unsigned char *p, size_t len)
{
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e;

	assert_int_equal(run_scan(p, len, &it, &e), TACIT_EFORMAT);
	assert_true(e.msg[0] != '\0');
	tacit_items_free(&it);
	assert_int_equal(run_clean(p, len, 1, 1, &k, &e), TACIT_EFORMAT);
	assert_true(e.msg[0] != '\0');
	assert_int_equal(k.mem_len, 0);
	tacit_sink_free(&k);
}

/* An ANMF payload being built: the 16-byte frame header, then chunks. */
static void
frame_start(struct webp *f, unsigned char flags)
{
	/* At (2, 4), 40 x 30, 100 ms. */
	unsigned char head[16] = { 1, 0, 0, 2, 0, 0, 39, 0, 0, 29, 0, 0, 100, 0,
		0, flags };

	memset(f, 0, sizeof(*f));
	put(f, head, sizeof(head));
}

/* An animation around frames, with EXIF and XMP to drop as well. */
static void
animation(struct webp *w, const struct webp *frames, size_t n, int meta)
{
	start(w);
	vp8x(w, 0x02 | 0x10 | (meta ? 0x08 | 0x04 : 0));
	chunk(w, "ANIM", anim, sizeof(anim));
	for (size_t i = 0; i < n; i++)
		chunk(w, "ANMF", frames[i].b, frames[i].n);
	if (meta) {
		exif_prefixed(w, tiff6, sizeof(tiff6));
		chunk(w, "XMP ", xmp, sizeof(xmp) - 1);
	}
	finish(w);
}

static void
free_frames(struct webp *frames, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(frames[i].b);
}

/* Clean gives want exactly; scan of the result finds nothing. */
static void
assert_cleans_to(const struct webp *w, const struct webp *want)
{
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e;
	char ids[256];

	assert_int_equal(run_clean(w->b, w->n, 0, 0, &k, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	assert_int_equal(k.mem_len, want->n);
	assert_memory_equal(k.mem, want->b, want->n);
	assert_int_equal(run_scan(k.mem, k.mem_len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	tacit_sink_free(&k);
}

/* Frames keep their image data; unknown chunks inside them go. */
static void
test_animation(void **state)
{
	struct webp w, want, in[2], out[2];
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	frame_start(&in[0], 0x02);
	chunk(&in[0], "VP8L", vp8l, sizeof(vp8l));
	chunk_pad(&in[0], "ZZZZ", junk, sizeof(junk), 0x77);
	frame_start(&in[1], 0x01);
	chunk(&in[1], "VP8 ", vp8, sizeof(vp8));
	chunk(&in[1], "EXIF", tiff6, sizeof(tiff6));
	chunk(&in[1], "ZZZZ", "", 0);
	animation(&w, in, 2, 1);

	frame_start(&out[0], 0x02);
	chunk(&out[0], "VP8L", vp8l, sizeof(vp8l));
	frame_start(&out[1], 0x01);
	chunk(&out[1], "VP8 ", vp8, sizeof(vp8));
	animation(&want, out, 2, 0);
	assert_cleans_to(&w, &want);

	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "chunk", "ANMF/ZZZZ"));
	assert_true(has_item(&it, "chunk", "ANMF/EXIF"));
	assert_true(has_item(&it, "EXIF", "Artist"));
	assert_false(has_item(&it, "chunk", "ANMF/VP8L"));
	assert_false(has_item(&it, "chunk", "ANMF/VP8 "));
	assert_false(has_item(&it, "chunk", "ANMF reserved bits"));
	assert_false(has_item(&it, "chunk", "ANMF"));
	tacit_items_free(&it);
	free(w.b);
	free(want.b);
	free_frames(in, 2);
	free_frames(out, 2);
}

/* Odd sub-chunks keep their pad bytes, written as zero. */
static void
test_animation_padding(void **state)
{
	struct webp w, want, in, out;
	struct tacit_items it;
	struct tacit_err e;
	static const unsigned char vp8odd[] = { 0x30, 0x01, 0x00, 0x9d, 0x01,
		0x2a, 0x60, 0x00, 0x3c, 0x00, 0x11, 0x22, 0x33 };

	(void)state;
	frame_start(&in, 0);
	chunk_pad(&in, "ALPH", alph, sizeof(alph), 0xaa);
	chunk_pad(&in, "VP8 ", vp8odd, sizeof(vp8odd), 0xbb);
	chunk_pad(&in, "abc\x01", junk, sizeof(junk), 0xcc);
	animation(&w, &in, 1, 0);

	frame_start(&out, 0);
	chunk(&out, "ALPH", alph, sizeof(alph));
	chunk(&out, "VP8 ", vp8odd, sizeof(vp8odd));
	animation(&want, &out, 1, 0);
	assert_cleans_to(&w, &want);

	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "chunk", "ANMF/abc?"));
	assert_int_equal(it.n, 1);
	tacit_items_free(&it);
	free(w.b);
	free(want.b);
	free(in.b);
	free(out.b);
}

/* Nothing to remove in an animation: the output is the input. */
static void
test_animation_unchanged(void **state)
{
	struct webp w, f[3];
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	frame_start(&f[0], 0x03);
	chunk(&f[0], "ALPH", alph, sizeof(alph));
	chunk(&f[0], "VP8 ", vp8, sizeof(vp8));
	frame_start(&f[1], 0x00);
	chunk(&f[1], "VP8L", vp8l, sizeof(vp8l));
	frame_start(&f[2], 0x02);
	chunk(&f[2], "VP8 ", vp8, sizeof(vp8));
	animation(&w, f, 3, 0);
	assert_cleans_to(&w, &w);
	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	free(w.b);
	free_frames(f, 3);
}

/* The flags byte's reserved bits could carry data: zeroed, reported. */
static void
test_animation_reserved(void **state)
{
	struct webp w, want, in, out;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	frame_start(&in, 0xff);
	chunk(&in, "VP8L", vp8l, sizeof(vp8l));
	animation(&w, &in, 1, 0);
	frame_start(&out, 0x03);
	chunk(&out, "VP8L", vp8l, sizeof(vp8l));
	animation(&want, &out, 1, 0);
	assert_cleans_to(&w, &want);

	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "chunk", "ANMF reserved bits"));
	assert_int_equal(it.n, 1);
	tacit_items_free(&it);
	free(w.b);
	free(want.b);
	free(in.b);
	free(out.b);
}

/* A simple file cannot hold frames: an ANMF after its image is dropped. */
static void
test_animation_simple(void **state)
{
	struct webp w, want, f;
	struct tacit_items it;
	struct tacit_err e;

	(void)state;
	memset(&f, 0, sizeof(f));
	put(&f, "not a frame", 11);
	start(&w);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	chunk(&w, "ANMF", f.b, f.n);
	finish(&w);
	start(&want);
	chunk(&want, "VP8L", vp8l, sizeof(vp8l));
	finish(&want);
	assert_cleans_to(&w, &want);
	assert_int_equal(run_scan(w.b, w.n, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "chunk", "ANMF"));
	tacit_items_free(&it);
	free(w.b);
	free(want.b);
	free(f.b);
}

/* One frame in an animation, refused by scan and clean alike. */
static void
assert_bad_frame(const struct webp *f)
{
	struct webp w;

	animation(&w, f, 1, 0);
	assert_malformed(w.b, w.n);
	free(w.b);
}

static void
test_animation_malformed(void **state)
{
	struct webp f;
	size_t at;

	(void)state;
	/* A sub-chunk overrunning its ANMF, and a huge one. */
	frame_start(&f, 0);
	at = f.n + 4;
	chunk(&f, "VP8 ", vp8, sizeof(vp8));
	le32(f.b + at, sizeof(vp8) + 2);
	assert_bad_frame(&f);
	le32(f.b + at, 0xffffffffu);
	assert_bad_frame(&f);
	le32(f.b + at, 0xfffffff8u);
	assert_bad_frame(&f);
	/* Shorter than it is: the rest is not a sub-chunk header. */
	le32(f.b + at, sizeof(vp8) - 4);
	assert_bad_frame(&f);
	free(f.b);
	/* Fits only without its pad byte. */
	frame_start(&f, 0);
	chunk(&f, "VP8L", vp8l, sizeof(vp8l));
	f.n--;
	assert_bad_frame(&f);
	free(f.b);
	/* Bytes left over after the last sub-chunk. */
	frame_start(&f, 0);
	chunk(&f, "VP8L", vp8l, sizeof(vp8l));
	put(&f, "abcd", 4);
	assert_bad_frame(&f);
	free(f.b);
	/* No image chunk: nothing, ALPH only, unknown only. */
	frame_start(&f, 0);
	assert_bad_frame(&f);
	chunk(&f, "ALPH", alph, sizeof(alph));
	assert_bad_frame(&f);
	free(f.b);
	frame_start(&f, 0);
	chunk(&f, "ZZZZ", junk, sizeof(junk));
	assert_bad_frame(&f);
	free(f.b);
	/* Two image chunks. */
	frame_start(&f, 0);
	chunk(&f, "VP8 ", vp8, sizeof(vp8));
	chunk(&f, "VP8L", vp8l, sizeof(vp8l));
	assert_bad_frame(&f);
	free(f.b);
	/* ALPH with VP8L, two ALPH, ALPH after the image. */
	frame_start(&f, 0);
	chunk(&f, "ALPH", alph, sizeof(alph));
	chunk(&f, "VP8L", vp8l, sizeof(vp8l));
	assert_bad_frame(&f);
	free(f.b);
	frame_start(&f, 0);
	chunk(&f, "ALPH", alph, sizeof(alph));
	chunk(&f, "ALPH", alph, sizeof(alph));
	chunk(&f, "VP8 ", vp8, sizeof(vp8));
	assert_bad_frame(&f);
	free(f.b);
	frame_start(&f, 0);
	chunk(&f, "VP8 ", vp8, sizeof(vp8));
	chunk(&f, "ALPH", alph, sizeof(alph));
	assert_bad_frame(&f);
	free(f.b);
	/* An unknown chunk before the image. */
	frame_start(&f, 0);
	chunk(&f, "ZZZZ", junk, sizeof(junk));
	chunk(&f, "VP8 ", vp8, sizeof(vp8));
	assert_bad_frame(&f);
	free(f.b);
	/* A truncated frame header: every size below 16. */
	frame_start(&f, 0);
	for (size_t n = 0; n < 16; n++) {
		f.n = n;
		assert_bad_frame(&f);
	}
	free(f.b);
}

/*
 * Every prefix of an animation: with its RIFF size lying, refused; made
 * to fit, refused or cleaned into a well-formed file, by scan and clean
 * alike.
 */
static void
test_animation_truncation(void **state)
{
	struct webp w, f[2];
	unsigned char *p;

	(void)state;
	frame_start(&f[0], 0x02);
	chunk(&f[0], "ALPH", alph, sizeof(alph));
	chunk(&f[0], "VP8 ", vp8, sizeof(vp8));
	chunk(&f[0], "ZZZZ", junk, sizeof(junk));
	frame_start(&f[1], 0xfc);
	chunk(&f[1], "VP8L", vp8l, sizeof(vp8l));
	chunk(&f[1], "ZZZZ", junk, sizeof(junk));
	animation(&w, f, 2, 1);
	p = malloc(w.n);
	assert_non_null(p);
	for (size_t n = 0; n < w.n; n++) {
		assert_malformed(w.b, n);
		struct tacit_sink k;
		struct tacit_items it;
		struct tacit_err e;
		char ids[256];
		int rs, rc;

		if (n < 12)
			continue;
		memcpy(p, w.b, n);
		le32(p + 4, (uint32_t)(n - 8));
		rs = run_scan(p, n, &it, &e);
		tacit_items_free(&it);
		rc = run_clean(p, n, 1, 1, &k, &e);
		assert_int_equal(rs, rc);
		if (rc == TACIT_OK)
			chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
		else
			assert_int_equal(rc, TACIT_EFORMAT);
		tacit_sink_free(&k);
	}
	free(p);
	free(w.b);
	free_frames(f, 2);
}

/* A last odd chunk without its pad byte is accepted and gets one. */
static void
test_missing_last_pad(void **state)
{
	struct webp w, want;
	struct tacit_sink k;
	struct tacit_err e;

	(void)state;
	start(&w);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	w.n--; /* drop the pad */
	finish(&w);
	start(&want);
	chunk(&want, "VP8L", vp8l, sizeof(vp8l));
	finish(&want);
	assert_int_equal(run_clean(w.b, w.n, 0, 0, &k, &e), TACIT_OK);
	assert_int_equal(k.mem_len, want.n);
	assert_memory_equal(k.mem, want.b, want.n);
	tacit_sink_free(&k);
	free(w.b);
	free(want.b);
}

static void
test_lying_lengths(void **state)
{
	struct webp w;
	size_t exif_size_at;

	(void)state;
	/* RIFF size past the end of the file. */
	start(&w);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	finish(&w);
	le32(w.b + 4, (uint32_t)w.n);
	assert_malformed(w.b, w.n);
	le32(w.b + 4, 0xffffffffu);
	assert_malformed(w.b, w.n);
	/* RIFF size too small to hold a chunk. */
	le32(w.b + 4, 4);
	assert_malformed(w.b, w.n);
	le32(w.b + 4, 0);
	assert_malformed(w.b, w.n);
	/* RIFF size ending inside a chunk header. */
	put(&w, "VP8L\0\0\0\0", 8);
	le32(w.b + 4, (uint32_t)(w.n - 8 - 4));
	assert_malformed(w.b, w.n);
	free(w.b);

	/* A chunk size past the RIFF end, and a huge one. */
	start(&w);
	vp8x(&w, 0);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	exif_size_at = w.n + 4;
	chunk(&w, "EXIF", tiff6, sizeof(tiff6));
	finish(&w);
	le32(w.b + exif_size_at, sizeof(tiff6) + 1);
	assert_malformed(w.b, w.n);
	le32(w.b + exif_size_at, 0xffffffffu);
	assert_malformed(w.b, w.n);
	le32(w.b + exif_size_at, 0xfffffff8u);
	assert_malformed(w.b, w.n);
	/* A chunk shorter than it is: the rest reads as a bad header. */
	le32(w.b + exif_size_at, sizeof(tiff6) - 6);
	assert_malformed(w.b, w.n);
	free(w.b);
}

static void
test_bad_structure(void **state)
{
	struct webp w;
	unsigned char v[12] = { 0 };

	(void)state;
	/* VP8X of the wrong size. */
	start(&w);
	chunk(&w, "VP8X", v, 12);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	finish(&w);
	assert_malformed(w.b, w.n);
	free(w.b);
	/* VP8X not first. */
	start(&w);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	vp8x(&w, 0);
	finish(&w);
	assert_malformed(w.b, w.n);
	free(w.b);
	/* Two VP8X. */
	start(&w);
	vp8x(&w, 0);
	vp8x(&w, 0);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	finish(&w);
	assert_malformed(w.b, w.n);
	free(w.b);
	/* The first chunk is neither VP8X nor image data. */
	start(&w);
	chunk(&w, "EXIF", tiff6, sizeof(tiff6));
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	finish(&w);
	assert_malformed(w.b, w.n);
	free(w.b);
	/* Extended, without image data. */
	start(&w);
	vp8x(&w, 0x08);
	chunk(&w, "ALPH", alph, sizeof(alph));
	chunk(&w, "EXIF", tiff6, sizeof(tiff6));
	finish(&w);
	assert_malformed(w.b, w.n);
	free(w.b);
	/* A RIFF with no chunks, and a bare header. */
	assert_malformed((const unsigned char *)"RIFF\4\0\0\0WEBP", 12);
	assert_malformed((const unsigned char *)"RIFF\4\0\0\0WEB", 11);
	assert_malformed((const unsigned char *)"RIFF\4\0\0\0WAVE", 12);
	assert_malformed((const unsigned char *)"", 0);
}

/* Every prefix of a file fails cleanly: its RIFF size passes the end. */
static void
test_truncation(void **state)
{
	struct webp w;

	(void)state;
	dirty_extended(&w);
	for (size_t n = 0; n < w.n; n++)
		assert_malformed(w.b, n);
	free(w.b);
}

/*
 * Every prefix again, its RIFF size made to fit: the lie is now inside.
 * Some prefixes end on a chunk boundary and are valid files; the rest
 * must fail, and whatever clean writes must be well formed.
 */
static void
test_truncation_consistent(void **state)
{
	struct webp w;
	unsigned char *p;

	(void)state;
	dirty_extended(&w);
	p = malloc(w.n);
	assert_non_null(p);
	for (size_t n = 12; n < w.n; n++) {
		struct tacit_sink k;
		struct tacit_items it;
		struct tacit_err e;
		char ids[64];
		int rs, rc;

		memcpy(p, w.b, n);
		le32(p + 4, (uint32_t)(n - 8));
		rs = run_scan(p, n, &it, &e);
		tacit_items_free(&it);
		rc = run_clean(p, n, 1, 1, &k, &e);
		assert_int_equal(rs, rc);
		if (rc == TACIT_OK)
			chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
		else
			assert_int_equal(rc, TACIT_EFORMAT);
		tacit_sink_free(&k);
	}
	free(p);
	free(w.b);
}

/* A flood of empty chunks is refused, not walked forever. */
static void
test_too_many_chunks(void **state)
{
	struct webp w;
	size_t i, n = (1u << 20) + 1;

	(void)state;
	start(&w);
	chunk(&w, "VP8L", vp8l, sizeof(vp8l));
	w.cap = w.n + n * 8;
	w.b = realloc(w.b, w.cap);
	assert_non_null(w.b);
	for (i = 0; i < n; i++) {
		memcpy(w.b + w.n, "JUNK\0\0\0\0", 8);
		w.n += 8;
	}
	finish(&w);
	assert_malformed(w.b, w.n);
	free(w.b);
}

/* A failing output is reported, not hidden. */
static void
test_write_error(void **state)
{
	struct webp w;
	struct tacit_src s;
	struct tacit_sink k;
	struct tacit_err e = { { 0 } };
	struct tacit_clean_opts o = { 1, 1 };
	unsigned char *big = calloc(1, 300000);
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	if (fd < 0) {
		free(big);
		skip();
	}
	assert_non_null(big);
	start(&w);
	chunk(&w, "VP8L", big, 300000);
	finish(&w);
	tacit_src_mem(&s, w.b, w.n);
	assert_int_equal(tacit_sink_init_fd(&k, fd), TACIT_OK);
	assert_int_equal(ENGINE->clean(&s, &k, &o, &e), TACIT_EIO);
	tacit_sink_free(&k);
	close(fd);
	free(big);
	free(w.b);
}

/* Real files, from the shared test data beside the repository. */
static int
open_testdata(const char *rel, struct tacit_src *s)
{
	const char *dir = getenv("TACIT_SHARED");
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/testdata/images/%s",
	    dir ? dir : "../shared", rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (tacit_src_fd(s, fd) != TACIT_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
check_real(const char *rel, int want_xmp)
{
	struct tacit_src s, c;
	struct tacit_sink k;
	struct tacit_items it;
	struct tacit_err e = { { 0 } };
	struct tacit_clean_opts o = { 1, 1 };
	uint32_t size;
	char ids[256];
	int fd = open_testdata(rel, &s);

	if (fd < 0)
		skip();
	tacit_items_init(&it, 0);
	assert_int_equal(ENGINE->scan(&s, &it, &e), TACIT_OK);
	assert_true(has_item(&it, "EXIF", NULL));
	assert_int_equal(has_item(&it, "XMP", NULL), want_xmp);
	tacit_items_free(&it);

	tacit_sink_init_mem(&k);
	assert_int_equal(ENGINE->clean(&s, &k, &o, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	assert_null(strstr(ids, "XMP "));
	/* Both files have Orientation 1 or none: no EXIF comes back. */
	assert_null(find_chunk(k.mem, k.mem_len, "EXIF", &size));
	assert_int_equal(k.mem[20] & 0x0c, 0);
	tacit_src_mem(&c, k.mem, k.mem_len);
	tacit_items_init(&it, 0);
	assert_int_equal(ENGINE->scan(&c, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	tacit_sink_free(&k);
	close(fd);
}

static void
test_real_mat2(void **state)
{
	(void)state;
	check_real("mat2/dirty.webp", 0);
}

static void
test_real_exiftool(void **state)
{
	(void)state;
	check_real("exiftool/RIFF.webp", 1);
}

/* The ANMF chunks of p in order: the one at or after *off, or NULL. */
static const unsigned char *
next_anmf(const unsigned char *p, size_t len, size_t *off, uint32_t *size)
{
	while (*off + 8 <= len) {
		const unsigned char *c = p + *off;
		uint32_t n = rd32(c + 4);

		*off += 8 + (size_t)n + (n & 1);
		if (memcmp(c, "ANMF", 4) == 0) {
			*size = n;
			return c + 8;
		}
	}
	return NULL;
}

/* A real animation (from libwebp): its frames come out byte for byte. */
static void
test_real_animation(void **state)
{
	struct tacit_src s;
	struct tacit_sink k;
	struct tacit_err e = { { 0 } };
	struct tacit_clean_opts o = { 1, 1 };
	const unsigned char *a, *b;
	unsigned char *in;
	size_t ia = 12, ib = 12, frames = 0;
	uint32_t na, nb;
	char ids[256];
	FILE *fp = fopen("tests/data/fixtures/webp-anim.webp", "rb");
	long len;

	(void)state;
	if (fp == NULL)
		skip();
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 12);
	rewind(fp);
	in = malloc((size_t)len);
	assert_non_null(in);
	assert_int_equal(fread(in, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	tacit_src_mem(&s, in, (size_t)len);
	tacit_sink_init_mem(&k);
	assert_int_equal(ENGINE->clean(&s, &k, &o, &e), TACIT_OK);
	chunk_list(k.mem, k.mem_len, ids, sizeof(ids));
	while ((a = next_anmf(in, (size_t)len, &ia, &na)) != NULL) {
		b = next_anmf(k.mem, k.mem_len, &ib, &nb);
		assert_non_null(b);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na);
		frames++;
	}
	assert_null(next_anmf(k.mem, k.mem_len, &ib, &nb));
	assert_true(frames > 1);
	tacit_sink_free(&k);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_simple_unchanged),
		cmocka_unit_test(test_simple_extra_chunks),
		cmocka_unit_test(test_extended_strip_all),
		cmocka_unit_test(test_extended_keep),
		cmocka_unit_test(test_extended_flags),
		cmocka_unit_test(test_vp8x_reserved),
		cmocka_unit_test(test_extended_scan),
		cmocka_unit_test(test_rescan_clean),
		cmocka_unit_test(test_orientation_normal),
		cmocka_unit_test(test_exif_unreadable),
		cmocka_unit_test(test_animation),
		cmocka_unit_test(test_animation_padding),
		cmocka_unit_test(test_animation_unchanged),
		cmocka_unit_test(test_animation_reserved),
		cmocka_unit_test(test_animation_simple),
		cmocka_unit_test(test_animation_malformed),
		cmocka_unit_test(test_animation_truncation),
		cmocka_unit_test(test_real_animation),
		cmocka_unit_test(test_missing_last_pad),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_consistent),
		cmocka_unit_test(test_too_many_chunks),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_real_mat2),
		cmocka_unit_test(test_real_exiftool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
