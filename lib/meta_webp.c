/* meta_webp: the WebP engine; keeps image chunks, drops EXIF, XMP and more. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/exif.h"
#include "tacit/io.h"
#include "tacit/meta.h"
#include "tacit/xmp.h"

#define RIFF_HEADER_LEN 12u
#define CHUNK_HEADER_LEN 8u
#define VP8X_LEN 10u
/* ANMF frame header: offsets, size, duration, then a flags byte. */
#define ANMF_HEADER_LEN 16u
/* Of its flags byte, only blending (bit 1) and disposal (bit 0) are defined. */
#define ANMF_FLAGS_DEFINED 0x03u
/* Far more than any real animation has; a forged file cannot spin us. */
#define WEBP_CHUNKS_MAX (1u << 20)
/* Largest EXIF or XMP payload read into memory to be listed. */
#define WEBP_BLOCK_MAX (TACIT_EXIF_MAX + 6u)
/* Bytes of a dropped unknown chunk or trailing data shown as its value. */
#define WEBP_PEEK_LEN 64u

/* VP8X flags, from the WebP container specification. */
#define VP8X_ICC 0x20u
#define VP8X_ALPHA 0x10u
#define VP8X_EXIF 0x08u
#define VP8X_XMP 0x04u
#define VP8X_ANIM 0x02u
#define VP8X_DEFINED (VP8X_ICC | VP8X_ALPHA | VP8X_EXIF | VP8X_XMP | VP8X_ANIM)

enum chunk_kind {
	CHUNK_VP8X,
	CHUNK_ICCP,
	CHUNK_ANIM,
	CHUNK_ANMF,
	CHUNK_ALPH,
	CHUNK_IMAGE, /* "VP8 " or "VP8L" */
	CHUNK_EXIF,
	CHUNK_XMP,
	CHUNK_OTHER
};

static const struct {
	char id[5];
	enum chunk_kind kind;
} chunk_kinds[] = {
	{ "VP8X", CHUNK_VP8X },
	{ "ICCP", CHUNK_ICCP },
	{ "ANIM", CHUNK_ANIM },
	{ "ANMF", CHUNK_ANMF },
	{ "ALPH", CHUNK_ALPH },
	{ "VP8 ", CHUNK_IMAGE },
	{ "VP8L", CHUNK_IMAGE },
	{ "EXIF", CHUNK_EXIF },
	{ "XMP ", CHUNK_XMP },
};

struct chunk {
	unsigned char id[4];
	char name[5]; /* id made printable, for messages and items */
	enum chunk_kind kind;
	uint64_t off; /* payload */
	uint32_t size; /* payload, without the pad byte */
	uint32_t out_size; /* payload as clean writes it */
	uint32_t index;
};

/*
 * A walk over the sub-chunks of one ANMF payload (after its header):
 * an optional ALPH, one VP8 or VP8L, then unknown chunks, which tile the
 * payload exactly.
 */
struct frame {
	const struct tacit_src *src;
	unsigned char head[ANMF_HEADER_LEN];
	uint64_t next; /* the next sub-chunk header */
	uint64_t end; /* the end of the ANMF payload */
	int has_alph;
	int has_image;
};

/* A walk over the chunks of the RIFF payload, checking as it goes. */
struct walk {
	const struct tacit_src *src;
	uint64_t riff_end; /* 8 + RIFF size: where the chunks end */
	uint64_t next; /* the next chunk header */
	uint32_t count;
	int extended; /* the first chunk is VP8X */
	int has_image;
};

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xffu);
	p[1] = (unsigned char)(v >> 8 & 0xffu);
	p[2] = (unsigned char)(v >> 16 & 0xffu);
	p[3] = (unsigned char)(v >> 24 & 0xffu);
}

/* Payload plus the pad byte that keeps every chunk at an even offset. */
static uint64_t
padded(uint32_t size)
{
	return (uint64_t)size + (size & 1u);
}

static int
webp_probe(const unsigned char *head, size_t len)
{
	return len >= RIFF_HEADER_LEN && memcmp(head, "RIFF", 4) == 0 &&
	    memcmp(head + 8, "WEBP", 4) == 0;
}

/* Read or fail with a message; a short read is a truncated file. */
static int
read_at(const struct tacit_src *src, uint64_t off, void *buf, size_t len,
    const char *what, struct tacit_err *e)
{
	int rc = tacit_src_read(src, off, buf, len);

	if (rc == TACIT_EFORMAT)
		tacit_err_set(e, "truncated WebP %s", what);
	else if (rc != TACIT_OK)
		tacit_err_set(e, "cannot read WebP %s", what);
	return rc;
}

static int
walk_open(struct walk *w, const struct tacit_src *src, struct tacit_err *e)
{
	unsigned char h[RIFF_HEADER_LEN];
	uint32_t riff_size;
	int rc;

	memset(w, 0, sizeof(*w));
	w->src = src;
	rc = read_at(src, 0, h, sizeof(h), "header", e);
	if (rc != TACIT_OK)
		return rc;
	if (!webp_probe(h, sizeof(h))) {
		tacit_err_set(e, "not a WebP file");
		return TACIT_EFORMAT;
	}
	riff_size = get_le32(h + 4);
	if (riff_size < 4 + CHUNK_HEADER_LEN) {
		tacit_err_set(e, "WebP RIFF size %lu is too small",
		    (unsigned long)riff_size);
		return TACIT_EFORMAT;
	}
	w->riff_end = (uint64_t)riff_size + 8;
	if (w->riff_end > src->size) {
		tacit_err_set(e, "truncated WebP file (RIFF size %lu)",
		    (unsigned long)riff_size);
		return TACIT_EFORMAT;
	}
	w->next = RIFF_HEADER_LEN;
	return TACIT_OK;
}

static void
chunk_classify(struct chunk *c)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		unsigned char ch = c->id[i];

		c->name[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	c->name[4] = '\0';
	c->kind = CHUNK_OTHER;
	for (i = 0; i < sizeof(chunk_kinds) / sizeof(chunk_kinds[0]); i++) {
		if (memcmp(c->id, chunk_kinds[i].id, 4) == 0) {
			c->kind = chunk_kinds[i].kind;
			break;
		}
	}
}

static int
frame_open(const struct tacit_src *src, const struct chunk *c, struct frame *f,
    struct tacit_err *e)
{
	memset(f, 0, sizeof(*f));
	f->src = src;
	if (c->size < ANMF_HEADER_LEN) {
		tacit_err_set(e, "truncated WebP ANMF header");
		return TACIT_EFORMAT;
	}
	f->next = c->off + ANMF_HEADER_LEN;
	f->end = c->off + c->size;
	return read_at(src, c->off, f->head, sizeof(f->head), "ANMF header", e);
}

/* Only the frame's own image data survives cleaning. */
static int
frame_chunk_kept(const struct chunk *sub)
{
	return sub->kind == CHUNK_ALPH || sub->kind == CHUNK_IMAGE;
}

/* The next sub-chunk of a frame: 1, 0 at its end, or an error. */
static int
frame_next(struct frame *f, struct chunk *sub, struct tacit_err *e)
{
	unsigned char h[CHUNK_HEADER_LEN];
	int rc;

	if (f->next == f->end) {
		if (!f->has_image) {
			tacit_err_set(e, "WebP ANMF frame without image data");
			return TACIT_EFORMAT;
		}
		return 0;
	}
	if (f->end - f->next < CHUNK_HEADER_LEN) {
		tacit_err_set(e, "truncated WebP ANMF sub-chunk header");
		return TACIT_EFORMAT;
	}
	rc = read_at(f->src, f->next, h, sizeof(h), "ANMF sub-chunk header", e);
	if (rc != TACIT_OK)
		return rc;
	memcpy(sub->id, h, 4);
	chunk_classify(sub);
	sub->size = get_le32(h + 4);
	sub->out_size = sub->size;
	sub->off = f->next + CHUNK_HEADER_LEN;
	sub->index = 0;
	/* Unlike the last RIFF chunk, the pad byte is required here. */
	if (padded(sub->size) > f->end - sub->off) {
		tacit_err_set(e, "WebP ANMF sub-chunk '%s' overruns its frame",
		    sub->name);
		return TACIT_EFORMAT;
	}
	switch (sub->kind) {
	case CHUNK_ALPH:
		if (f->has_alph || f->has_image) {
			tacit_err_set(e, "WebP ANMF ALPH chunk out of place");
			return TACIT_EFORMAT;
		}
		f->has_alph = 1;
		break;
	case CHUNK_IMAGE:
		if (f->has_image) {
			tacit_err_set(e, "WebP ANMF frame with two images");
			return TACIT_EFORMAT;
		}
		/* VP8L carries its own alpha: an ALPH before it is a lie. */
		if (f->has_alph && memcmp(sub->id, "VP8L", 4) == 0) {
			tacit_err_set(e, "WebP ANMF ALPH chunk before VP8L");
			return TACIT_EFORMAT;
		}
		f->has_image = 1;
		break;
	default:
		if (!f->has_image) {
			tacit_err_set(e,
			    "WebP ANMF sub-chunk '%s' before the image",
			    sub->name);
			return TACIT_EFORMAT;
		}
		break;
	}
	f->next = sub->off + padded(sub->size);
	return 1;
}

/*
 * Check a whole frame once per pass, so that scan and clean refuse the
 * same files, and work out its size once unknown sub-chunks are gone.
 * Sub-chunks count against the same bound as chunks.
 */
static int
walk_frame(struct walk *w, struct chunk *c, struct tacit_err *e)
{
	struct frame f;
	struct chunk sub;
	uint32_t kept = ANMF_HEADER_LEN;
	int rc;

	rc = frame_open(w->src, c, &f, e);
	if (rc != TACIT_OK)
		return rc;
	while ((rc = frame_next(&f, &sub, e)) > 0) {
		if (w->count >= WEBP_CHUNKS_MAX) {
			tacit_err_set(e, "too many WebP chunks");
			return TACIT_EFORMAT;
		}
		w->count++;
		/* Cannot overflow: the kept sub-chunks fit in c->size. */
		if (frame_chunk_kept(&sub))
			kept += CHUNK_HEADER_LEN + (uint32_t)padded(sub.size);
	}
	if (rc < 0)
		return rc;
	c->out_size = kept;
	return TACIT_OK;
}

/* The next chunk: 1, 0 at the end of the RIFF payload, or an error. */
static int
walk_next(struct walk *w, struct chunk *c, struct tacit_err *e)
{
	unsigned char h[CHUNK_HEADER_LEN];
	uint64_t left, step;
	int rc;

	if (w->next == w->riff_end) {
		if (!w->has_image) {
			tacit_err_set(e, "WebP file without image data");
			return TACIT_EFORMAT;
		}
		return 0;
	}
	if (w->riff_end - w->next < CHUNK_HEADER_LEN) {
		tacit_err_set(e, "truncated WebP chunk header");
		return TACIT_EFORMAT;
	}
	if (w->count >= WEBP_CHUNKS_MAX) {
		tacit_err_set(e, "too many WebP chunks");
		return TACIT_EFORMAT;
	}
	rc = read_at(w->src, w->next, h, sizeof(h), "chunk header", e);
	if (rc != TACIT_OK)
		return rc;
	memcpy(c->id, h, 4);
	chunk_classify(c);
	c->size = get_le32(h + 4);
	c->out_size = c->size;
	c->off = w->next + CHUNK_HEADER_LEN;
	c->index = w->count++;
	left = w->riff_end - c->off;
	if (c->size > left) {
		tacit_err_set(e, "truncated WebP chunk '%s'", c->name);
		return TACIT_EFORMAT;
	}
	/*
	 * A last chunk of odd size without its pad byte is unambiguous and
	 * libwebp decodes it; the output gets the pad byte.
	 */
	step = padded(c->size) <= left ? padded(c->size) : c->size;
	if (c->index == 0) {
		if (c->kind == CHUNK_VP8X) {
			if (c->size != VP8X_LEN) {
				tacit_err_set(e, "bad WebP VP8X chunk size %lu",
				    (unsigned long)c->size);
				return TACIT_EFORMAT;
			}
			w->extended = 1;
		} else if (c->kind == CHUNK_IMAGE) {
			w->has_image = 1;
		} else {
			tacit_err_set(e, "WebP file starts with chunk '%s'",
			    c->name);
			return TACIT_EFORMAT;
		}
	} else if (c->kind == CHUNK_VP8X) {
		tacit_err_set(e, "WebP VP8X chunk out of place");
		return TACIT_EFORMAT;
	} else if (w->extended &&
	    (c->kind == CHUNK_IMAGE || c->kind == CHUNK_ANMF)) {
		w->has_image = 1;
	}
	/* Frames are kept, so looked into; a simple file drops them whole. */
	if (w->extended && c->kind == CHUNK_ANMF) {
		rc = walk_frame(w, c, e);
		if (rc != TACIT_OK)
			return rc;
	}
	w->next = c->off + step;
	return 1;
}

/*
 * Image and structure chunks that are always kept.  A simple file (no
 * VP8X) is one image chunk: decoders ignore what follows it, and it
 * could not carry EXIF or ICC without a VP8X anyway.
 */
static int
chunk_is_image(const struct walk *w, const struct chunk *c)
{
	if (!w->extended)
		return c->index == 0;
	switch (c->kind) {
	case CHUNK_VP8X:
	case CHUNK_ANIM:
	case CHUNK_ANMF:
	case CHUNK_ALPH:
	case CHUNK_IMAGE:
		return 1;
	default:
		return 0;
	}
}

static int
chunk_kept(const struct walk *w, const struct chunk *c,
    const struct tacit_clean_opts *opts)
{
	if (chunk_is_image(w, c))
		return 1;
	return w->extended && c->kind == CHUNK_ICCP && opts != NULL &&
	    opts->keep_icc;
}

/* A malloc'd copy of a chunk payload; the caller bounds the size. */
static int
read_payload(const struct tacit_src *src, const struct chunk *c,
    unsigned char **out, struct tacit_err *e)
{
	unsigned char *p = malloc(c->size ? c->size : 1);
	int rc;

	*out = NULL;
	if (p == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	rc = read_at(src, c->off, p, c->size, "chunk", e);
	if (rc != TACIT_OK) {
		free(p);
		return rc;
	}
	*out = p;
	return TACIT_OK;
}

/* Some writers put JPEG's "Exif\0\0" before the TIFF header: skip it. */
static const unsigned char *
exif_tiff(const unsigned char *p, size_t *len)
{
	if (*len >= 6 && memcmp(p, "Exif\0\0", 6) == 0) {
		*len -= 6;
		return p + 6;
	}
	return p;
}

static size_t
items_seen(const struct tacit_items *out)
{
	return out->n + out->dropped;
}

static int
scan_exif(const struct tacit_src *src, const struct chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	const unsigned char *tiff;
	unsigned char *p;
	size_t before = items_seen(out), len = c->size;
	int rc;

	if (c->size > WEBP_BLOCK_MAX)
		return tacit_items_add(out, "EXIF", "block", NULL, 0);
	rc = read_payload(src, c, &p, e);
	if (rc != TACIT_OK)
		return rc;
	tiff = exif_tiff(p, &len);
	rc = tacit_exif_scan(tiff, len, out, e);
	free(p);
	if (rc == TACIT_ENOMEM)
		return rc;
	/* Listed as a whole when libexif cannot read it or finds nothing. */
	if (rc != TACIT_OK || items_seen(out) == before)
		return tacit_items_add(out, "EXIF", "block", NULL, 0);
	return TACIT_OK;
}

static int
scan_xmp(const struct tacit_src *src, const struct chunk *c,
    struct tacit_items *out, struct tacit_err *e)
{
	unsigned char *p;
	size_t before = items_seen(out);
	int rc;

	if (c->size > WEBP_BLOCK_MAX)
		return tacit_items_add(out, "XMP", "packet", NULL, 0);
	rc = read_payload(src, c, &p, e);
	if (rc != TACIT_OK)
		return rc;
	rc = tacit_xmp_scan(p, c->size, out);
	free(p);
	if (rc != TACIT_OK)
		return rc;
	if (items_seen(out) == before)
		return tacit_items_add(out, "XMP", "packet", NULL, 0);
	return TACIT_OK;
}

/* An item whose value is the first bytes at off, read only when wanted. */
static int
add_peek(const struct tacit_src *src, uint64_t off, uint64_t len,
    struct tacit_items *out, const char *container, const char *field)
{
	unsigned char buf[WEBP_PEEK_LEN];
	size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);

	if (!out->want_values || n == 0 ||
	    tacit_src_read(src, off, buf, n) != TACIT_OK)
		return tacit_items_add(out, container, field, NULL, 0);
	return tacit_items_add(out, container, field, buf, n);
}

/* What clean drops from inside a frame: reserved bits, unknown chunks. */
static int
scan_frame(const struct walk *w, const struct chunk *c, struct tacit_items *out,
    struct tacit_err *e)
{
	struct frame f;
	struct chunk sub;
	char field[16];
	int rc;

	rc = frame_open(w->src, c, &f, e);
	if (rc != TACIT_OK)
		return rc;
	if (f.head[ANMF_HEADER_LEN - 1] & ~ANMF_FLAGS_DEFINED) {
		rc = tacit_items_add(out, "chunk", "ANMF reserved bits",
		    f.head + ANMF_HEADER_LEN - 1, 1);
		if (rc != TACIT_OK)
			return rc;
	}
	while ((rc = frame_next(&f, &sub, e)) > 0) {
		if (frame_chunk_kept(&sub))
			continue;
		snprintf(field, sizeof(field), "ANMF/%s", sub.name);
		rc = add_peek(w->src, sub.off, sub.size, out, "chunk", field);
		if (rc != TACIT_OK)
			return rc;
	}
	return rc < 0 ? rc : TACIT_OK;
}

static int
scan_chunk(const struct walk *w, const struct chunk *c, struct tacit_items *out,
    struct tacit_err *e)
{
	if (w->extended && c->kind == CHUNK_ANMF)
		return scan_frame(w, c, out, e);
	if (chunk_is_image(w, c))
		return TACIT_OK;
	switch (c->kind) {
	case CHUNK_EXIF:
		return scan_exif(w->src, c, out, e);
	case CHUNK_XMP:
		return scan_xmp(w->src, c, out, e);
	case CHUNK_ICCP:
		return tacit_items_add(out, "ICC", "profile", NULL, 0);
	default:
		return add_peek(w->src, c->off, c->size, out, "chunk", c->name);
	}
}

static int
webp_scan(const struct tacit_src *src, struct tacit_items *out,
    struct tacit_err *e)
{
	struct walk w;
	struct chunk c;
	int rc;

	rc = walk_open(&w, src, e);
	if (rc != TACIT_OK)
		return rc;
	while ((rc = walk_next(&w, &c, e)) > 0) {
		rc = scan_chunk(&w, &c, out, e);
		if (rc != TACIT_OK)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (src->size > w.riff_end)
		return add_peek(src, w.riff_end, src->size - w.riff_end, out,
		    "trailing", "after RIFF");
	return TACIT_OK;
}

/* What the first pass learns, so that the RIFF size is known up front. */
struct plan {
	uint64_t out_size; /* the whole output file */
	unsigned char vp8x[VP8X_LEN]; /* the VP8X payload, flags fixed */
	unsigned char *exif; /* minimal EXIF to append, or NULL */
	size_t exif_len;
	int icc_kept;
	int exif_seen;
};

/* The Orientation of the first EXIF chunk, 0 when absent or unreadable. */
static int
chunk_orientation(const struct tacit_src *src, const struct chunk *c,
    int *orientation, struct tacit_err *e)
{
	const unsigned char *tiff;
	unsigned char *p;
	size_t len = c->size;
	int rc;

	*orientation = 0;
	if (c->size > WEBP_BLOCK_MAX)
		return TACIT_OK;
	rc = read_payload(src, c, &p, e);
	if (rc != TACIT_OK)
		return rc;
	tiff = exif_tiff(p, &len);
	*orientation = tacit_exif_orientation(tiff, len);
	free(p);
	return TACIT_OK;
}

static int
plan_chunk(const struct walk *w, const struct chunk *c,
    const struct tacit_clean_opts *opts, struct plan *pl, struct tacit_err *e)
{
	int rc, orientation;

	if (c->kind == CHUNK_EXIF && w->extended && !pl->exif_seen &&
	    opts != NULL && opts->keep_orientation) {
		pl->exif_seen = 1;
		rc = chunk_orientation(w->src, c, &orientation, e);
		if (rc != TACIT_OK)
			return rc;
		if (orientation >= 2 && orientation <= 8) {
			rc = tacit_exif_minimal(orientation, &pl->exif,
			    &pl->exif_len, e);
			if (rc != TACIT_OK)
				return rc;
		}
	}
	if (!chunk_kept(w, c, opts))
		return TACIT_OK;
	if (c->kind == CHUNK_VP8X) {
		rc = read_at(w->src, c->off, pl->vp8x, VP8X_LEN, "chunk", e);
		if (rc != TACIT_OK)
			return rc;
	}
	if (c->kind == CHUNK_ICCP)
		pl->icc_kept = 1;
	pl->out_size += CHUNK_HEADER_LEN + padded(c->out_size);
	return TACIT_OK;
}

static int
plan_clean(const struct tacit_src *src, const struct tacit_clean_opts *opts,
    struct plan *pl, struct tacit_err *e)
{
	struct walk w;
	struct chunk c;
	unsigned flags;
	int rc;

	memset(pl, 0, sizeof(*pl));
	rc = walk_open(&w, src, e);
	if (rc != TACIT_OK)
		return rc;
	pl->out_size = RIFF_HEADER_LEN;
	while ((rc = walk_next(&w, &c, e)) > 0) {
		rc = plan_chunk(&w, &c, opts, pl, e);
		if (rc != TACIT_OK)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (pl->exif != NULL) {
		if (pl->exif_len > UINT32_MAX) {
			tacit_err_set(e, "minimal EXIF too large");
			return TACIT_EFORMAT;
		}
		pl->out_size +=
		    CHUNK_HEADER_LEN + padded((uint32_t)pl->exif_len);
	}
	if (pl->out_size - 8 > UINT32_MAX) {
		tacit_err_set(e, "cleaned WebP too large for RIFF");
		return TACIT_EUNSUPPORTED;
	}
	if (w.extended) {
		/*
		 * The flags say what the file holds.  Reserved bits and bytes
		 * must be zero and are ignored by readers: zero them, so they
		 * carry nothing either.
		 */
		flags = pl->vp8x[0] & (VP8X_DEFINED & ~(VP8X_EXIF | VP8X_XMP));
		if (!pl->icc_kept)
			flags &= ~VP8X_ICC;
		if (pl->exif != NULL)
			flags |= VP8X_EXIF;
		pl->vp8x[0] = (unsigned char)flags;
		memset(pl->vp8x + 1, 0, 3);
	}
	return TACIT_OK;
}

static void
chunk_header(struct tacit_sink *out, const void *id, uint32_t size)
{
	unsigned char h[CHUNK_HEADER_LEN];

	memcpy(h, id, 4);
	put_le32(h + 4, size);
	tacit_sink_write(out, h, sizeof(h));
}

/* A frame: its header with reserved bits zeroed, then its image data. */
static int
write_frame(const struct tacit_src *src, struct tacit_sink *out,
    const struct chunk *c, struct tacit_err *e)
{
	struct frame f;
	struct chunk sub;
	int rc;

	rc = frame_open(src, c, &f, e);
	if (rc != TACIT_OK)
		return rc;
	f.head[ANMF_HEADER_LEN - 1] &= ANMF_FLAGS_DEFINED;
	tacit_sink_write(out, f.head, sizeof(f.head));
	while ((rc = frame_next(&f, &sub, e)) > 0 && out->err == 0) {
		if (!frame_chunk_kept(&sub))
			continue;
		chunk_header(out, sub.id, sub.size);
		tacit_sink_copy(out, src, sub.off, sub.size);
		if (sub.size & 1u)
			tacit_sink_byte(out, 0);
	}
	return rc < 0 ? rc : TACIT_OK;
}

static int
write_clean(const struct tacit_src *src, struct tacit_sink *out,
    const struct tacit_clean_opts *opts, const struct plan *pl,
    struct tacit_err *e)
{
	struct walk w;
	struct chunk c;
	uint64_t start = out->written;
	int rc;

	rc = walk_open(&w, src, e);
	if (rc != TACIT_OK)
		return rc;
	chunk_header(out, "RIFF", (uint32_t)(pl->out_size - 8));
	tacit_sink_write(out, "WEBP", 4);
	while ((rc = walk_next(&w, &c, e)) > 0 && out->err == 0) {
		if (!chunk_kept(&w, &c, opts))
			continue;
		chunk_header(out, c.id, c.out_size);
		if (c.kind == CHUNK_VP8X) {
			tacit_sink_write(out, pl->vp8x, VP8X_LEN);
		} else if (c.kind == CHUNK_ANMF) {
			rc = write_frame(src, out, &c, e);
			if (rc != TACIT_OK)
				return rc;
		} else {
			tacit_sink_copy(out, src, c.off, c.size);
		}
		/* A fresh zero pad: the old byte could carry something. */
		if (c.out_size & 1u)
			tacit_sink_byte(out, 0);
	}
	if (rc < 0)
		return rc;
	if (pl->exif != NULL) {
		chunk_header(out, "EXIF", (uint32_t)pl->exif_len);
		tacit_sink_write(out, pl->exif, pl->exif_len);
		if (pl->exif_len & 1u)
			tacit_sink_byte(out, 0);
	}
	if (out->err != 0) {
		tacit_err_set(e, "cannot write the cleaned WebP");
		return out->err;
	}
	if (out->written - start != pl->out_size) {
		/* Only a file changing under us gets here. */
		tacit_err_set(e, "WebP file changed while being cleaned");
		return TACIT_EIO;
	}
	return TACIT_OK;
}

static int
webp_clean(const struct tacit_src *src, struct tacit_sink *out,
    const struct tacit_clean_opts *opts, struct tacit_err *e)
{
	struct plan pl;
	int rc;

	rc = plan_clean(src, opts, &pl, e);
	if (rc == TACIT_OK)
		rc = write_clean(src, out, opts, &pl, e);
	free(pl.exif);
	return rc;
}

const struct tacit_engine tacit_engine_webp = {
	"WebP",
	webp_probe,
	webp_scan,
	webp_clean,
};
