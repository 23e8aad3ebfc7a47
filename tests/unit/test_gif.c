/* test_gif: the GIF engine on hand-built files, broken ones and samples. */
#define _POSIX_C_SOURCE 200809L
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

#include "tacit/io.h"
#include "tacit/meta.h"

/* A growable byte buffer for building GIFs piece by piece. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_byte(struct buf *b, unsigned char c)
{
	put(b, &c, 1);
}

/* Data as a chain of sub-blocks of at most step bytes, terminated. */
static void
put_chain(struct buf *b, const void *data, size_t n, size_t step)
{
	const unsigned char *d = data;

	while (n > 0) {
		size_t k = n < step ? n : step;

		put_byte(b, (unsigned char)k);
		put(b, d, k);
		d += k;
		n -= k;
	}
	put_byte(b, 0);
}

/* GIF89a, 1x1, global colour table of two entries. */
static const unsigned char gif_head[] = { 'G', 'I', 'F', '8', '9', 'a', 1, 0, 1,
	0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff };

/* One 1x1 frame: descriptor, LZW minimum code size 2, one sub-block. */
static const unsigned char gif_frame[] = { 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2,
	2, 0x44, 0x01, 0 };

/* A 1x1 frame with its own two-colour table. */
static const unsigned char gif_frame_lct[] = { 0x2c, 0, 0, 0, 0, 1, 0, 1, 0,
	0x80, 0xff, 0, 0, 0, 0xff, 0, 2, 2, 0x44, 0x01, 0 };

static const unsigned char gif_gce[] = { 0x21, 0xf9, 4, 0x04, 10, 0, 0, 0 };

static const unsigned char gif_loop[] = { 0x21, 0xff, 11, 'N', 'E', 'T', 'S',
	'C', 'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0 };

static const unsigned char gif_animexts[] = { 0x21, 0xff, 11, 'A', 'N', 'I',
	'M', 'E', 'X', 'T', 'S', '1', '.', '0', 3, 1, 5, 0, 5, 2, 0, 0x10, 0, 0,
	0 };

/* Plain text: a 12-byte grid header, then the rendered text. */
static const unsigned char gif_text[] = { 0x21, 0x01, 12, 0, 0, 0, 0, 8, 0, 8,
	0, 8, 8, 1, 0, 2, 'h', 'i', 0 };

static void
put_comment(struct buf *b, const char *s, size_t step)
{
	put_byte(b, 0x21);
	put_byte(b, 0xfe);
	put_chain(b, s, strlen(s), step);
}

static void
put_app(struct buf *b, const char *id, const void *data, size_t n)
{
	put_byte(b, 0x21);
	put_byte(b, 0xff);
	put_byte(b, 11);
	put(b, id, 11);
	put_chain(b, data, n, 255);
}

/* XMP the way writers store it: raw, then the 258-byte magic trailer. */
static void
put_xmp(struct buf *b, const char *packet)
{
	put_byte(b, 0x21);
	put_byte(b, 0xff);
	put_byte(b, 11);
	put(b, "XMP DataXMP", 11);
	put(b, packet, strlen(packet));
	put_byte(b, 1);
	for (int i = 0xff; i >= 0; i--)
		put_byte(b, (unsigned char)i);
	put_byte(b, 0);
}

static void
put_icc(struct buf *b)
{
	unsigned char prof[300];

	for (size_t i = 0; i < sizeof(prof); i++)
		prof[i] = (unsigned char)i;
	put_app(b, "ICCRGBG1012", prof, sizeof(prof));
}

static int
do_clean(const unsigned char *p, size_t n, int keep_icc, struct buf *out,
    struct tacit_err *e)
{
	struct tacit_clean_opts opts = { 0, keep_icc };
	struct tacit_src src;
	struct tacit_sink k;
	int rc;

	tacit_src_mem(&src, p, n);
	tacit_sink_init_mem(&k);
	rc = tacit_engine_gif.clean(&src, &k, &opts, e);
	out->len = 0;
	if (rc == TACIT_OK && k.mem_len > 0)
		put(out, k.mem, k.mem_len);
	tacit_sink_free(&k);
	return rc;
}

static int
do_scan(const unsigned char *p, size_t n, struct tacit_items *it,
    struct tacit_err *e)
{
	struct tacit_src src;

	tacit_src_mem(&src, p, n);
	tacit_items_init(it, 1);
	return tacit_engine_gif.scan(&src, it, e);
}

static const struct tacit_item *
find_item(const struct tacit_items *it, const char *container,
    const char *field)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, container) == 0 &&
		    (field == NULL || strcmp(it->v[i].field, field) == 0))
			return &it->v[i];
	return NULL;
}

static void
assert_same(const struct buf *got, const struct buf *want)
{
	assert_int_equal(got->len, want->len);
	assert_memory_equal(got->p, want->p, want->len);
}

static void
test_probe(void **state)
{
	(void)state;
	assert_true(tacit_engine_gif.probe((const unsigned char *)"GIF87a", 6));
	assert_true(
	    tacit_engine_gif.probe((const unsigned char *)"GIF89a\1", 7));
	assert_false(
	    tacit_engine_gif.probe((const unsigned char *)"GIF88a", 6));
	assert_false(tacit_engine_gif.probe((const unsigned char *)"GIF89", 5));
	assert_false(
	    tacit_engine_gif.probe((const unsigned char *)"\x89PNG", 4));
}

static void
test_minimal_unchanged(void **state)
{
	struct buf in = { 0 }, out = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };

	(void)state;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, gif_frame, sizeof(gif_frame));
	put_byte(&in, 0x3b);
	assert_int_equal(in.len, 35);
	assert_int_equal(do_clean(in.p, in.len, 0, &out, &e), TACIT_OK);
	assert_same(&out, &in);
	assert_int_equal(do_scan(in.p, in.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);

	/* GIF87a, no global table, a local one. */
	in.len = 0;
	put(&in, "GIF87a\1\0\1\0\0\0\0", 13);
	put(&in, gif_frame_lct, sizeof(gif_frame_lct));
	put_byte(&in, 0x3b);
	assert_int_equal(do_clean(in.p, in.len, 0, &out, &e), TACIT_OK);
	assert_same(&out, &in);
	free(in.p);
	free(out.p);
}

/* Everything a GIF can carry; want holds what clean must keep. */
static void
build_dirty(struct buf *in, struct buf *want, struct buf *want_icc)
{
	static const unsigned char unknown[] = { 0x21, 0x99, 2, 'x', 'y', 0 };
	static const unsigned char mgk[] = { '8', 'B', 'I', 'M', 4, 4 };

	put(in, gif_head, sizeof(gif_head));
	put(in, gif_loop, sizeof(gif_loop));
	put_comment(in, "secret comment", 5);
	put_xmp(in,
	    "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
	    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf="
	    "'http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
	    "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'"
	    " dc:creator='me'/></rdf:RDF></x:xmpmeta>"
	    "<?xpacket end='w'?>");
	put_app(in, "MGK8BIM0000", mgk, sizeof(mgk));
	put_app(in, "MGKIPTC0000", "\x1c\x02\x50\0\2me", 7);
	put_app(in,
	    "Custom\0\x01"
	    "1.0",
	    "hello", 5);
	put(in, unknown, sizeof(unknown));
	put(in, gif_gce, sizeof(gif_gce));
	put_icc(in);
	put(in, gif_text, sizeof(gif_text));
	put(in, gif_frame, sizeof(gif_frame));
	put_comment(in, "between frames", 255);
	put(in, gif_animexts, sizeof(gif_animexts));
	put(in, gif_gce, sizeof(gif_gce));
	put(in, gif_frame_lct, sizeof(gif_frame_lct));
	put_byte(in, 0x3b);
	put(in, "trailing junk", 13);

	for (int icc = 0; icc < 2; icc++) {
		struct buf *w = icc ? want_icc : want;

		put(w, gif_head, sizeof(gif_head));
		put(w, gif_loop, sizeof(gif_loop));
		put(w, gif_gce, sizeof(gif_gce));
		if (icc)
			put_icc(w);
		put(w, gif_text, sizeof(gif_text));
		put(w, gif_frame, sizeof(gif_frame));
		put(w, gif_animexts, sizeof(gif_animexts));
		put(w, gif_gce, sizeof(gif_gce));
		put(w, gif_frame_lct, sizeof(gif_frame_lct));
		put_byte(w, 0x3b);
	}
}

static void
test_dirty_clean(void **state)
{
	struct buf in = { 0 }, want = { 0 }, want_icc = { 0 }, out = { 0 };
	struct buf again = { 0 };
	struct tacit_err e = { "" };

	(void)state;
	build_dirty(&in, &want, &want_icc);
	assert_int_equal(do_clean(in.p, in.len, 0, &out, &e), TACIT_OK);
	assert_same(&out, &want);
	assert_int_equal(do_clean(in.p, in.len, 1, &out, &e), TACIT_OK);
	assert_same(&out, &want_icc);
	/* Cleaning a clean file changes nothing. */
	assert_int_equal(do_clean(out.p, out.len, 1, &again, &e), TACIT_OK);
	assert_same(&again, &want_icc);
	free(in.p);
	free(want.p);
	free(want_icc.p);
	free(out.p);
	free(again.p);
}

static void
test_dirty_scan(void **state)
{
	struct buf in = { 0 }, want = { 0 }, want_icc = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };
	const struct tacit_item *item;
	size_t comments = 0;

	(void)state;
	build_dirty(&in, &want, &want_icc);
	assert_int_equal(do_scan(in.p, in.len, &it, &e), TACIT_OK);
	for (size_t i = 0; i < it.n; i++)
		if (strcmp(it.v[i].container, "comment") == 0)
			comments++;
	assert_int_equal(comments, 2);
	item = find_item(&it, "comment", "comment");
	assert_non_null(item);
	/* Sub-blocks of five bytes come back joined. */
	assert_string_equal(item->value, "secret comment");
	assert_non_null(find_item(&it, "XMP", NULL));
	assert_non_null(find_item(&it, "application", "MGK8BIM0000"));
	assert_non_null(find_item(&it, "application", "MGKIPTC0000"));
	item = find_item(&it, "application", "Custom??1.0");
	assert_non_null(item);
	assert_string_equal(item->value, "hello");
	assert_non_null(find_item(&it, "chunk", "extension 0x99"));
	assert_non_null(find_item(&it, "ICC", "profile"));
	item = find_item(&it, "trailing", "after trailer");
	assert_non_null(item);
	assert_string_equal(item->value, "trailing junk");
	/* Looping, timing and plain text are kept, so not listed. */
	assert_null(find_item(&it, "application", "NETSCAPE2.0"));
	assert_null(find_item(&it, "application", "ANIMEXTS1.0"));
	assert_null(find_item(&it, "chunk", "extension 0xF9"));
	assert_null(find_item(&it, "chunk", "extension 0x01"));
	tacit_items_free(&it);

	/* A cleaned file lists only what was kept. */
	assert_int_equal(do_scan(want_icc.p, want_icc.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 1);
	assert_non_null(find_item(&it, "ICC", "profile"));
	tacit_items_free(&it);
	assert_int_equal(do_scan(want.p, want.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
	free(in.p);
	free(want.p);
	free(want_icc.p);
}

/* Extra sub-blocks in kept extensions could smuggle data: dropped. */
static void
test_smuggled_sub_blocks(void **state)
{
	static const unsigned char gce_extra[] = { 0x21, 0xf9, 4, 0x04, 10, 0,
		0, 3, 'a', 'b', 'c', 0 };
	static const unsigned char loop_extra[] = { 0x21, 0xff, 11, 'N', 'E',
		'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 4, 'l', 'e', 'a',
		'k', 3, 1, 0, 0, 3, 9, 9, 9, 0 };
	struct buf in = { 0 }, want = { 0 }, out = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };

	(void)state;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, loop_extra, sizeof(loop_extra));
	put(&in, gce_extra, sizeof(gce_extra));
	put(&in, gif_frame, sizeof(gif_frame));
	put_byte(&in, 0x3b);
	put(&want, gif_head, sizeof(gif_head));
	put(&want, gif_loop, sizeof(gif_loop));
	put(&want, gif_gce, sizeof(gif_gce));
	put(&want, gif_frame, sizeof(gif_frame));
	put_byte(&want, 0x3b);
	assert_int_equal(do_clean(in.p, in.len, 0, &out, &e), TACIT_OK);
	assert_same(&out, &want);
	assert_int_equal(do_scan(in.p, in.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 2);
	assert_non_null(
	    find_item(&it, "application", "NETSCAPE2.0 extra data"));
	assert_non_null(find_item(&it, "chunk", "graphic control extra data"));
	tacit_items_free(&it);
	free(in.p);
	free(want.p);
	free(out.p);
}

/* Every proper prefix up to the trailer is refused by scan and clean. */
static void
test_truncation(void **state)
{
	struct buf in = { 0 }, want = { 0 }, want_icc = { 0 }, out = { 0 };
	struct tacit_items it;
	struct tacit_err e;
	size_t end;

	(void)state;
	build_dirty(&in, &want, &want_icc);
	end = in.len - 13; /* just past the trailer */
	for (size_t n = 0; n < end; n++) {
		unsigned char *copy = malloc(n > 0 ? n : 1);

		/* A copy of exactly n bytes lets ASan see any overread. */
		memcpy(copy, in.p, n);
		e.msg[0] = '\0';
		assert_int_equal(do_scan(copy, n, &it, &e), TACIT_EFORMAT);
		assert_true(e.msg[0] != '\0');
		tacit_items_free(&it);
		e.msg[0] = '\0';
		assert_int_equal(do_clean(copy, n, 1, &out, &e), TACIT_EFORMAT);
		assert_true(e.msg[0] != '\0');
		free(copy);
	}
	/* From the trailer on, only the trailing junk gets shorter. */
	for (size_t n = end; n <= in.len; n++) {
		assert_int_equal(do_clean(in.p, n, 0, &out, &e), TACIT_OK);
		assert_same(&out, &want);
	}
	free(in.p);
	free(want.p);
	free(want_icc.p);
	free(out.p);
}

static void
expect_bad(const struct buf *in, const char *msg)
{
	struct buf out = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };

	assert_int_equal(do_scan(in->p, in->len, &it, &e), TACIT_EFORMAT);
	tacit_items_free(&it);
	if (msg != NULL)
		assert_string_equal(e.msg, msg);
	e.msg[0] = '\0';
	assert_int_equal(do_clean(in->p, in->len, 0, &out, &e), TACIT_EFORMAT);
	if (msg != NULL)
		assert_string_equal(e.msg, msg);
	free(out.p);
}

static void
test_lying_colour_tables(void **state)
{
	struct buf in = { 0 };
	unsigned char head[sizeof(gif_head)];
	unsigned char frame[sizeof(gif_frame_lct)];

	(void)state;
	/* The global table claims 256 entries and has 2. */
	memcpy(head, gif_head, sizeof(head));
	head[10] = 0x87;
	put(&in, head, sizeof(head));
	put(&in, gif_frame, sizeof(gif_frame));
	put_byte(&in, 0x3b);
	expect_bad(&in, "truncated GIF colour table");

	/* A local table of 256 entries swallows the rest of the file. */
	memcpy(frame, gif_frame_lct, sizeof(frame));
	frame[9] = 0x87;
	in.len = 0;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, frame, sizeof(frame));
	put_byte(&in, 0x3b);
	expect_bad(&in, "truncated GIF image data");
	free(in.p);
}

static void
test_chains_off_the_end(void **state)
{
	static const unsigned char long_comment[] = { 0x21, 0xfe, 0xff, 'a',
		'b', 'c' };
	static const unsigned char long_image[] = { 0x2c, 0, 0, 0, 0, 1, 0, 1,
		0, 0, 2, 2, 0x44, 0x01, 200, 1 };
	static const unsigned char no_terminator[] = { 0x21, 0xff, 11, 'X', 'M',
		'P', ' ', 'D', 'a', 't', 'a', 'X', 'M', 'P', '<', 'x', '>' };
	struct buf in = { 0 };

	(void)state;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, long_comment, sizeof(long_comment));
	put_byte(&in, 0x3b);
	expect_bad(&in, "truncated GIF extension 0xFE");

	in.len = 0;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, long_image, sizeof(long_image));
	put_byte(&in, 0x3b);
	expect_bad(&in, "truncated GIF image data");

	in.len = 0;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, no_terminator, sizeof(no_terminator));
	expect_bad(&in, NULL);
	free(in.p);
}

static void
test_malformed(void **state)
{
	static const unsigned char bad_gce[] = { 0x21, 0xf9, 3, 0, 0, 0, 0 };
	struct buf in = { 0 };

	(void)state;
	/* No trailer. */
	put(&in, gif_head, sizeof(gif_head));
	put(&in, gif_frame, sizeof(gif_frame));
	expect_bad(&in, "truncated GIF: no trailer");

	/* A block that is neither image, extension nor trailer. */
	put_byte(&in, 0x00);
	put_byte(&in, 0x3b);
	expect_bad(&in, "unknown GIF block 0x00");

	in.len = 0;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, bad_gce, sizeof(bad_gce));
	put(&in, gif_frame, sizeof(gif_frame));
	put_byte(&in, 0x3b);
	expect_bad(&in, "malformed GIF graphic control extension");

	in.len = 0;
	put(&in, "GIF89a", 6);
	expect_bad(&in, "truncated GIF header");

	in.len = 0;
	put(&in, "GIF90a\1\0\1\0\0\0\0\x3b", 14);
	expect_bad(&in, "not a GIF file");
	free(in.p);
}

/* A malformed application identifier is dropped and listed. */
static void
test_odd_application(void **state)
{
	static const unsigned char short_id[] = { 0x21, 0xff, 3, 'a', 'b', 'c',
		0 };
	static const unsigned char empty[] = { 0x21, 0xff, 0 };
	struct buf in = { 0 }, want = { 0 }, out = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };

	(void)state;
	put(&in, gif_head, sizeof(gif_head));
	put(&in, short_id, sizeof(short_id));
	put(&in, empty, sizeof(empty));
	put(&in, gif_frame, sizeof(gif_frame));
	put_byte(&in, 0x3b);
	put(&want, gif_head, sizeof(gif_head));
	put(&want, gif_frame, sizeof(gif_frame));
	put_byte(&want, 0x3b);
	assert_int_equal(do_clean(in.p, in.len, 1, &out, &e), TACIT_OK);
	assert_same(&out, &want);
	assert_int_equal(do_scan(in.p, in.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 2);
	assert_non_null(find_item(&it, "application", "malformed identifier"));
	tacit_items_free(&it);
	free(in.p);
	free(want.p);
	free(out.p);
}

static void
test_too_many_blocks(void **state)
{
	static const unsigned char empty_ext[] = { 0x21, 0x99, 0 };
	struct buf in = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };

	(void)state;
	put(&in, gif_head, sizeof(gif_head));
	for (size_t i = 0; i < (1u << 20); i++)
		put(&in, empty_ext, sizeof(empty_ext));
	put_byte(&in, 0x3b);
	e.msg[0] = '\0';
	assert_int_equal(do_scan(in.p, in.len, &it, &e), TACIT_EFORMAT);
	assert_string_equal(e.msg, "too many GIF blocks");
	/* Items stop at the list's own bound. */
	assert_int_equal(it.n, TACIT_ITEMS_MAX);
	tacit_items_free(&it);
	free(in.p);
}

/*
 * A big frame read through a file descriptor: the walk refills its
 * window many times and the output matches the in-memory path.
 */
static void
test_big_frame_fd(void **state)
{
	struct buf in = { 0 }, want = { 0 };
	struct tacit_clean_opts opts = { 0, 0 };
	struct tacit_src src;
	struct tacit_sink k;
	struct tacit_err e = { "" };
	unsigned char *data;
	char path[] = "/tmp/test_gif_XXXXXX";
	size_t n = 300000;
	int fd;

	(void)state;
	data = malloc(n);
	assert_non_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 7);
	put(&in, gif_head, sizeof(gif_head));
	put(&in, gif_frame, 11);
	put_chain(&in, data, n, 255);
	put_comment(&in, "x", 255);
	put(&in, gif_frame, 11);
	put_chain(&in, data, n, 254);
	put_byte(&in, 0x3b);
	assert_int_equal(do_clean(in.p, in.len, 0, &want, &e), TACIT_OK);
	assert_int_equal(want.len, in.len - 5);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(tacit_write_all(fd, in.p, in.len), TACIT_OK);
	assert_int_equal(tacit_src_fd(&src, fd), TACIT_OK);
	tacit_sink_init_mem(&k);
	assert_int_equal(tacit_engine_gif.clean(&src, &k, &opts, &e), TACIT_OK);
	assert_int_equal(k.mem_len, want.len);
	assert_memory_equal(k.mem, want.p, want.len);
	tacit_sink_free(&k);
	close(fd);
	free(data);
	free(in.p);
	free(want.p);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	p = malloc((size_t)n + 1);
	if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Sample files: clean, then the cleaned file lists only what was kept. */
static void
check_sample(const char *path, const char *expect_container, int has_icc)
{
	struct buf out = { 0 }, again = { 0 };
	struct tacit_items it;
	struct tacit_err e = { "" };
	unsigned char *p;
	size_t n;

	p = slurp(path, &n);
	if (p == NULL) {
		print_message("skipping %s: not found\n", path);
		return;
	}
	assert_int_equal(do_scan(p, n, &it, &e), TACIT_OK);
	assert_non_null(find_item(&it, expect_container, NULL));
	assert_int_equal(find_item(&it, "ICC", NULL) != NULL, has_icc);
	tacit_items_free(&it);

	assert_int_equal(do_clean(p, n, 0, &out, &e), TACIT_OK);
	assert_true(out.len < n);
	assert_int_equal(do_scan(out.p, out.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);

	assert_int_equal(do_clean(p, n, 1, &out, &e), TACIT_OK);
	assert_int_equal(do_scan(out.p, out.len, &it, &e), TACIT_OK);
	assert_int_equal(it.n, (size_t)has_icc);
	tacit_items_free(&it);
	assert_int_equal(do_clean(out.p, out.len, 1, &again, &e), TACIT_OK);
	assert_same(&again, &out);
	free(p);
	free(out.p);
	free(again.p);
}

static void
test_samples(void **state)
{
	(void)state;
	check_sample("/work/shared/testdata/images/mat2/dirty.gif", "comment",
	    0);
	check_sample("/work/shared/testdata/images/exiftool/GIF.gif", "XMP", 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_minimal_unchanged),
		cmocka_unit_test(test_dirty_clean),
		cmocka_unit_test(test_dirty_scan),
		cmocka_unit_test(test_smuggled_sub_blocks),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_lying_colour_tables),
		cmocka_unit_test(test_chains_off_the_end),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_odd_application),
		cmocka_unit_test(test_too_many_blocks),
		cmocka_unit_test(test_big_frame_fd),
		cmocka_unit_test(test_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
