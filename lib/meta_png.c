/* meta_png: the PNG engine; lists and drops metadata chunks, keeps pixels. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/exif.h"
#include "tacit/meta.h"
#include "tacit/xmp.h"

#define PNG_SIG_LEN 8
#define PNG_LEN_MAX 0x7fffffffu /* the spec's limit on a chunk length */
#define PNG_CHUNKS_MAX (1ul << 20)
#define PNG_PIECE (64u * 1024u) /* CRC is checked in pieces this big */
/* iTXt (XMP) payloads read for scan; longer ones are read in part. */
#define PNG_META_MAX (1u << 20)
/* A text keyword is 1..79 bytes; enough to find the terminating NUL. */
#define PNG_KEYWORD_MAX 80
/* tEXt and zTXt are read this far: reported values are cut anyway. */
#define PNG_TEXT_MAX 4096u

static const unsigned char png_sig[PNG_SIG_LEN] = { 0x89, 'P', 'N', 'G', '\r',
	'\n', 0x1a, '\n' };

static const char xmp_keyword[] = "XML:com.adobe.xmp";

/*
 * The chunks clean keeps, with the lengths the spec allows.  A kept
 * ancillary chunk whose length is wrong is malformed, so decoders ignore
 * it; it is dropped rather than carried along as a hiding place.
 * cICP, mDCV and cLLI are colour chunks (PNG third edition): without them
 * an HDR picture renders differently, and they say nothing about anyone.
 */
struct png_kept {
	char type[5];
	uint32_t min, max;
};

static const struct png_kept png_kept[] = {
	{ "IHDR", 13, 13 },
	{ "PLTE", 3, 768 },
	{ "IDAT", 0, PNG_LEN_MAX },
	{ "IEND", 0, 0 },
	{ "tRNS", 1, 256 },
	{ "gAMA", 4, 4 },
	{ "cHRM", 32, 32 },
	{ "sRGB", 1, 1 },
	{ "sBIT", 1, 4 },
	{ "cICP", 4, 4 },
	{ "mDCV", 24, 24 },
	{ "cLLI", 8, 8 },
	{ "pHYs", 9, 9 },
	{ "acTL", 8, 8 },
	{ "fcTL", 26, 26 },
	{ "fdAT", 4, PNG_LEN_MAX },
};

/*
 * Slice-by-8 CRC-32 tables (the PNG/zlib polynomial, reflected) and the
 * buffer big chunks are read through: one allocation per scan or clean.
 */
struct png_crc {
	uint32_t t[8][256];
	unsigned char piece[PNG_PIECE];
};

struct png_chunk {
	uint64_t off; /* offset of the length field */
	uint32_t len; /* data length */
	char type[5];
};

/* Walks the chunks of one PNG, checking framing, order and CRCs. */
struct png_walk {
	const struct tacit_src *src;
	struct png_crc *crc;
	uint64_t off; /* next chunk */
	unsigned long count;
	int verify; /* check CRCs */
	int done; /* IEND seen */
};

static void
crc_init(struct png_crc *c)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t v = n;

		for (int k = 0; k < 8; k++)
			v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
		c->t[0][n] = v;
	}
	for (uint32_t n = 0; n < 256; n++)
		for (int k = 1; k < 8; k++)
			c->t[k][n] = (c->t[k - 1][n] >> 8) ^
			    c->t[0][c->t[k - 1][n] & 0xff];
}

/* Update a running CRC (pre- and post-conditioning left to the caller). */
static uint32_t
crc_update(const struct png_crc *c, uint32_t crc, const unsigned char *p,
    size_t n)
{
	while (n >= 8) {
		uint32_t a = crc ^
		    ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			(uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		crc = c->t[7][a & 0xff] ^ c->t[6][(a >> 8) & 0xff] ^
		    c->t[5][(a >> 16) & 0xff] ^ c->t[4][a >> 24] ^
		    c->t[3][p[4]] ^ c->t[2][p[5]] ^ c->t[1][p[6]] ^
		    c->t[0][p[7]];
		p += 8;
		n -= 8;
	}
	while (n-- > 0)
		crc = c->t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint32_t
get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static int
is_type(const struct png_chunk *c, const char *type)
{
	return memcmp(c->type, type, 4) == 0;
}

static int
is_critical(const struct png_chunk *c)
{
	return c->type[0] >= 'A' && c->type[0] <= 'Z';
}

static int
png_probe(const unsigned char *head, size_t len)
{
	return len >= PNG_SIG_LEN && memcmp(head, png_sig, PNG_SIG_LEN) == 0;
}

/* Check the stored CRC of c, reading its type and data in pieces. */
static int
verify_crc(const struct png_walk *w, const struct png_chunk *c,
    struct tacit_err *e)
{
	unsigned char stored[4];
	uint64_t off = c->off + 4, left = (uint64_t)c->len + 4;
	uint32_t crc = 0xffffffffu;
	int rc;

	/* Big chunks are read in pieces: memory stays flat. */
	while (left > 0) {
		size_t n = left < PNG_PIECE ? (size_t)left : PNG_PIECE;

		rc = tacit_src_read(w->src, off, w->crc->piece, n);
		if (rc != TACIT_OK)
			goto fail;
		crc = crc_update(w->crc, crc, w->crc->piece, n);
		off += n;
		left -= n;
	}
	rc = tacit_src_read(w->src, off, stored, sizeof(stored));
	if (rc != TACIT_OK)
		goto fail;
	if ((crc ^ 0xffffffffu) != get_be32(stored)) {
		tacit_err_set(e, "bad CRC in PNG chunk '%s'", c->type);
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
fail:
	/* The length was checked against the size: the file changed. */
	tacit_err_set(e,
	    rc == TACIT_EFORMAT ? "truncated PNG chunk '%s'"
				: "cannot read PNG chunk '%s'",
	    c->type);
	return rc;
}

static int
walk_start(struct png_walk *w, const struct tacit_src *src, struct png_crc *crc,
    int verify, struct tacit_err *e)
{
	unsigned char sig[PNG_SIG_LEN];

	memset(w, 0, sizeof(*w));
	w->src = src;
	w->crc = crc;
	w->verify = verify;
	w->off = PNG_SIG_LEN;
	if (tacit_src_read(src, 0, sig, sizeof(sig)) != TACIT_OK ||
	    memcmp(sig, png_sig, sizeof(sig)) != 0) {
		tacit_err_set(e, "not a PNG file");
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

/*
 * The next chunk, framing and CRC checked: 1 with *c filled, 0 after IEND,
 * or an error.  Order rules that make a file unsafe to rewrite are
 * enforced here, so scan and clean refuse the same files.
 */
static int
walk_next(struct png_walk *w, struct png_chunk *c, struct tacit_err *e)
{
	const struct tacit_src *src = w->src;
	unsigned char head[8];
	int rc;

	if (w->done)
		return 0;
	if (w->off >= src->size) {
		tacit_err_set(e, "missing PNG IEND chunk");
		return TACIT_EFORMAT;
	}
	if (w->count >= PNG_CHUNKS_MAX) {
		tacit_err_set(e, "too many PNG chunks");
		return TACIT_EFORMAT;
	}
	rc = tacit_src_read(src, w->off, head, sizeof(head));
	if (rc != TACIT_OK) {
		tacit_err_set(e,
		    rc == TACIT_EFORMAT ? "truncated PNG chunk header"
					: "cannot read PNG chunk");
		return rc;
	}
	c->off = w->off;
	c->len = get_be32(head);
	for (int i = 0; i < 4; i++) {
		unsigned char t = head[4 + i];

		if (!((t >= 'A' && t <= 'Z') || (t >= 'a' && t <= 'z'))) {
			tacit_err_set(e, "bad PNG chunk type at offset %llu",
			    (unsigned long long)w->off);
			return TACIT_EFORMAT;
		}
		c->type[i] = (char)t;
	}
	c->type[4] = '\0';
	if (c->len > PNG_LEN_MAX) {
		tacit_err_set(e, "bad length in PNG chunk '%s'", c->type);
		return TACIT_EFORMAT;
	}
	if ((uint64_t)c->len + 12 > src->size - w->off) {
		tacit_err_set(e, "truncated PNG chunk '%s'", c->type);
		return TACIT_EFORMAT;
	}
	if (w->count == 0 && !is_type(c, "IHDR")) {
		tacit_err_set(e, "PNG does not start with IHDR");
		return TACIT_EFORMAT;
	}
	if (is_type(c, "IHDR") && (w->count != 0 || c->len != 13)) {
		tacit_err_set(e, "bad PNG IHDR chunk");
		return TACIT_EFORMAT;
	}
	if (is_type(c, "PLTE") &&
	    (c->len == 0 || c->len > 768 || c->len % 3 != 0)) {
		tacit_err_set(e, "bad PNG PLTE chunk");
		return TACIT_EFORMAT;
	}
	if (is_type(c, "IEND") && c->len != 0) {
		tacit_err_set(e, "bad PNG IEND chunk");
		return TACIT_EFORMAT;
	}
	/* A decoder must understand a critical chunk: we cannot drop it. */
	if (is_critical(c) && !is_type(c, "IHDR") && !is_type(c, "PLTE") &&
	    !is_type(c, "IDAT") && !is_type(c, "IEND")) {
		tacit_err_set(e, "unsupported critical PNG chunk '%s'",
		    c->type);
		return TACIT_EUNSUPPORTED;
	}
	if (w->verify) {
		rc = verify_crc(w, c, e);
		if (rc != TACIT_OK)
			return rc;
	}
	w->count++;
	w->off += (uint64_t)c->len + 12;
	if (is_type(c, "IEND"))
		w->done = 1;
	return 1;
}

/* Whether clean keeps c (iCCP is decided by the caller's keep_icc). */
static int
chunk_kept(const struct png_chunk *c)
{
	for (size_t i = 0; i < sizeof(png_kept) / sizeof(png_kept[0]); i++)
		if (is_type(c, png_kept[i].type))
			return c->len >= png_kept[i].min &&
			    c->len <= png_kept[i].max;
	return 0;
}

/*
 * Read up to max bytes of c's data into a malloc'd buffer with a NUL
 * after it, so text can be searched safely.  *n is what was read.
 */
static int
read_data(const struct tacit_src *src, const struct png_chunk *c, size_t max,
    unsigned char **out, size_t *n, struct tacit_err *e)
{
	size_t len = c->len < max ? c->len : max;
	unsigned char *p;
	int rc;

	*out = NULL;
	*n = 0;
	p = malloc(len + 1);
	if (p == NULL)
		return TACIT_ENOMEM;
	rc = tacit_src_read(src, c->off + 8, p, len);
	if (rc != TACIT_OK) {
		tacit_err_set(e, "cannot read PNG chunk '%s'", c->type);
		free(p);
		return rc;
	}
	p[len] = '\0';
	*out = p;
	*n = len;
	return TACIT_OK;
}

/* The TIFF block inside an eXIf payload; some writers add "Exif\0\0". */
static const unsigned char *
exif_tiff(const unsigned char *p, size_t n, size_t *tlen)
{
	if (n >= 6 && memcmp(p, "Exif\0\0", 6) == 0) {
		*tlen = n - 6;
		return p + 6;
	}
	*tlen = n;
	return p;
}

/*
 * The keyword before the first NUL (1..79 bytes, cut to the field size),
 * copied into field; returns the NUL's index, or n when there is none.
 */
static size_t
keyword(const unsigned char *p, size_t n, char *field, size_t cap)
{
	const unsigned char *nul = memchr(p, '\0', n);
	size_t k = nul != NULL ? (size_t)(nul - p) : n;
	size_t copy = k < cap - 1 ? k : cap - 1;

	memcpy(field, p, copy);
	field[copy] = '\0';
	if (copy == 0)
		snprintf(field, cap, "%s", "(no keyword)");
	return k;
}

static int
scan_text(const struct tacit_src *src, const struct png_chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	char field[PNG_KEYWORD_MAX];
	unsigned char *p;
	size_t n, k;
	int rc;

	rc = read_data(src, c, PNG_TEXT_MAX, &p, &n, e);
	if (rc != TACIT_OK)
		return rc;
	k = keyword(p, n, field, sizeof(field));
	if (is_type(c, "tEXt") && k < n)
		rc = tacit_items_add(out, "text", field, p + k + 1, n - k - 1);
	else
		rc = tacit_items_add(out, "text", field, NULL, 0);
	free(p);
	return rc;
}

/*
 * iTXt: keyword NUL, compression flag, method, language NUL, translated
 * keyword NUL, text.  XMP lives here under "XML:com.adobe.xmp".
 */
static int
scan_itxt(const struct tacit_src *src, const struct png_chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	char field[PNG_KEYWORD_MAX];
	const unsigned char *text = NULL, *q, *end;
	unsigned char *p;
	size_t n, k, before;
	int rc, compressed = 1, is_xmp;

	rc = read_data(src, c, PNG_META_MAX, &p, &n, e);
	if (rc != TACIT_OK)
		return rc;
	k = keyword(p, n, field, sizeof(field));
	is_xmp = k < n && strcmp(field, xmp_keyword) == 0;
	end = p + n;
	if (k + 3 <= n) {
		compressed = p[k + 1] != 0;
		q = p + k + 3;
		q = memchr(q, '\0', (size_t)(end - q)); /* language */
		if (q != NULL)
			q = memchr(q + 1, '\0', (size_t)(end - q - 1));
		if (q != NULL)
			text = q + 1; /* after translated */
	}
	if (is_xmp) {
		/* A cut-short packet would be half read: report it whole. */
		if (text == NULL || compressed || n < c->len) {
			rc = tacit_items_add(out, "XMP", "packet", NULL, 0);
		} else {
			before = out->n + out->dropped;
			rc = tacit_xmp_scan(text, (size_t)(end - text), out);
			if (rc == TACIT_OK && out->n + out->dropped == before)
				rc = tacit_items_add(out, "XMP", "packet", NULL,
				    0);
		}
	} else if (text != NULL && !compressed) {
		rc = tacit_items_add(out, "text", field, text,
		    (size_t)(end - text));
	} else {
		rc = tacit_items_add(out, "text", field, NULL, 0);
	}
	free(p);
	return rc;
}

static int
scan_exif(const struct tacit_src *src, const struct png_chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	struct tacit_err ignored = { "" };
	const unsigned char *tiff;
	unsigned char *p;
	size_t n, tlen, before;
	int rc;

	if (c->len > TACIT_EXIF_MAX)
		return tacit_items_add(out, "EXIF", "block", NULL, 0);
	rc = read_data(src, c, TACIT_EXIF_MAX, &p, &n, e);
	if (rc != TACIT_OK)
		return rc;
	tiff = exif_tiff(p, n, &tlen);
	before = out->n + out->dropped;
	rc = tacit_exif_scan(tiff, tlen, out, &ignored);
	/* What libexif cannot read is still reported, as one block. */
	if ((rc != TACIT_OK && rc != TACIT_ENOMEM) ||
	    (rc == TACIT_OK && out->n + out->dropped == before))
		rc = tacit_items_add(out, "EXIF", "block", NULL, 0);
	free(p);
	return rc;
}

static int
scan_time(const struct tacit_src *src, const struct png_chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	unsigned char t[7];
	char when[32];
	int rc;

	if (c->len != sizeof(t))
		return tacit_items_add(out, "timestamp", "tIME", NULL, 0);
	rc = tacit_src_read(src, c->off + 8, t, sizeof(t));
	if (rc != TACIT_OK) {
		tacit_err_set(e, "cannot read PNG chunk 'tIME'");
		return rc;
	}
	snprintf(when, sizeof(when), "%04u-%02u-%02u %02u:%02u:%02u",
	    (unsigned)t[0] << 8 | t[1], (unsigned)t[2], (unsigned)t[3],
	    (unsigned)t[4], (unsigned)t[5], (unsigned)t[6]);
	return tacit_items_add(out, "timestamp", "tIME", when, strlen(when));
}

static int
scan_iccp(const struct tacit_src *src, const struct png_chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	unsigned char name[PNG_KEYWORD_MAX];
	size_t n = c->len < sizeof(name) ? c->len : sizeof(name);
	const unsigned char *nul;
	int rc;

	rc = tacit_src_read(src, c->off + 8, name, n);
	if (rc != TACIT_OK) {
		tacit_err_set(e, "cannot read PNG chunk 'iCCP'");
		return rc;
	}
	/* The profile name is the value: a user-chosen string at times. */
	nul = memchr(name, '\0', n);
	return tacit_items_add(out, "ICC", "profile", name,
	    nul != NULL ? (size_t)(nul - name) : n);
}

static int
scan_chunk(const struct tacit_src *src, const struct png_chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	if (is_type(c, "tEXt") || is_type(c, "zTXt"))
		return scan_text(src, c, out, e);
	if (is_type(c, "iTXt"))
		return scan_itxt(src, c, out, e);
	if (is_type(c, "eXIf"))
		return scan_exif(src, c, out, e);
	if (is_type(c, "tIME"))
		return scan_time(src, c, out, e);
	if (is_type(c, "iCCP"))
		return scan_iccp(src, c, out, e);
	if (chunk_kept(c))
		return TACIT_OK;
	return tacit_items_add(out, "chunk", c->type, NULL, 0);
}

static int
png_scan(const struct tacit_src *src, struct tacit_items *out,
    struct tacit_err *e)
{
	struct png_crc *crc;
	struct png_walk w;
	struct png_chunk c;
	int rc;

	crc = malloc(sizeof(*crc));
	if (crc == NULL)
		return TACIT_ENOMEM;
	crc_init(crc);
	rc = walk_start(&w, src, crc, 1, e);
	while (rc == TACIT_OK && (rc = walk_next(&w, &c, e)) == 1)
		rc = scan_chunk(src, &c, out, e);
	if (rc == 0 && w.off < src->size) {
		char size[32];

		snprintf(size, sizeof(size), "%llu bytes",
		    (unsigned long long)(src->size - w.off));
		rc = tacit_items_add(out, "trailing", "after IEND", size,
		    strlen(size));
	}
	free(crc);
	return rc;
}

/* The Orientation of an eXIf chunk, 0 when absent or unreadable. */
static int
chunk_orientation(const struct tacit_src *src, const struct png_chunk *c)
{
	struct tacit_err ignored;
	const unsigned char *tiff;
	unsigned char *p;
	size_t n, tlen;
	int o;

	if (c->len > TACIT_EXIF_MAX)
		return 0;
	if (read_data(src, c, TACIT_EXIF_MAX, &p, &n, &ignored) != TACIT_OK)
		return 0;
	tiff = exif_tiff(p, n, &tlen);
	o = tacit_exif_orientation(tiff, tlen);
	free(p);
	return o;
}

/* Write a fresh eXIf chunk holding only the Orientation. */
static int
write_exif(struct tacit_sink *out, const struct png_crc *crc, int orientation,
    struct tacit_err *e)
{
	unsigned char head[8], tail[4], *tiff = NULL;
	size_t len = 0;
	uint32_t sum;
	int rc;

	rc = tacit_exif_minimal(orientation, &tiff, &len, e);
	if (rc != TACIT_OK)
		return rc;
	if (len > PNG_LEN_MAX) {
		free(tiff);
		tacit_err_set(e, "cannot build the PNG eXIf chunk");
		return TACIT_EFORMAT;
	}
	put_be32(head, (uint32_t)len);
	memcpy(head + 4, "eXIf", 4);
	sum = crc_update(crc, 0xffffffffu, head + 4, 4);
	sum = crc_update(crc, sum, tiff, len) ^ 0xffffffffu;
	put_be32(tail, sum);
	tacit_sink_write(out, head, sizeof(head));
	tacit_sink_write(out, tiff, len);
	tacit_sink_write(out, tail, sizeof(tail));
	free(tiff);
	return TACIT_OK; /* a write error sticks in out */
}

static int
png_clean(const struct tacit_src *src, struct tacit_sink *out,
    const struct tacit_clean_opts *opts, struct tacit_err *e)
{
	struct png_crc *crc;
	struct png_walk w;
	struct png_chunk c;
	int rc, orientation = 0, seen_exif = 0, exif_written = 0;

	crc = malloc(sizeof(*crc));
	if (crc == NULL)
		return TACIT_ENOMEM;
	crc_init(crc);
	/*
	 * First pass: check every chunk and CRC before writing a byte, and
	 * find the Orientation, whose eXIf may come after the first IDAT.
	 */
	rc = walk_start(&w, src, crc, 1, e);
	while (rc == TACIT_OK && (rc = walk_next(&w, &c, e)) == 1) {
		rc = TACIT_OK;
		if (is_type(&c, "eXIf") && !seen_exif &&
		    opts->keep_orientation) {
			seen_exif = 1;
			orientation = chunk_orientation(src, &c);
		}
	}
	if (rc != 0)
		goto out;
	if (orientation < 2 || orientation > 8)
		orientation = 0;
	/* Second pass: copy what is kept, byte for byte, CRCs included. */
	rc = walk_start(&w, src, crc, 0, e);
	if (rc == TACIT_OK)
		tacit_sink_write(out, png_sig, sizeof(png_sig));
	while (rc == TACIT_OK && out->err == TACIT_OK &&
	    (rc = walk_next(&w, &c, e)) == 1) {
		rc = TACIT_OK;
		/* The spec wants eXIf before the image data. */
		if (orientation != 0 && !exif_written &&
		    (is_type(&c, "IDAT") || is_type(&c, "IEND"))) {
			exif_written = 1;
			rc = write_exif(out, crc, orientation, e);
		}
		if (chunk_kept(&c) || (is_type(&c, "iCCP") && opts->keep_icc))
			tacit_sink_copy(out, src, c.off, (uint64_t)c.len + 12);
	}
	/* Data after IEND is not copied. */
	if (rc == TACIT_OK && out->err != TACIT_OK) {
		rc = out->err;
		/* A copy fails on the input side only if the file shrank. */
		tacit_err_set(e, "%s",
		    rc == TACIT_EFORMAT ? "the PNG changed while it was read"
					: "cannot write the cleaned PNG");
	}
out:
	free(crc);
	return rc;
}

const struct tacit_engine tacit_engine_png = { "PNG", png_probe, png_scan,
	png_clean };
