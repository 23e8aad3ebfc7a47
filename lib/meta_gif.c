/* meta_gif: list and remove the metadata of GIF87a/GIF89a files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/meta.h"
#include "tacit/xmp.h"

#define GIF_HEADER_LEN 13 /* signature and logical screen descriptor */
#define GIF_IMAGE_DESC_LEN 10 /* 0x2C, position, size, flags */
#define GIF_APP_ID_LEN 11 /* application identifier + auth code */

/* Enough for a film-length animation; a bound on hostile files. */
#define GIF_BLOCKS_MAX (1u << 20)

/* Length bytes of sub-block chains are read through this window. */
#define GIF_WINDOW (16u * 1024u)

/* Values are cut to a printable 200 characters anyway. */
#define GIF_VALUE_MAX 1024u
#define GIF_XMP_MAX (1024u * 1024u)

enum {
	GIF_TRAILER = 0x3b,
	GIF_IMAGE = 0x2c,
	GIF_EXTENSION = 0x21,
	GIF_EXT_PLAIN_TEXT = 0x01,
	GIF_EXT_GRAPHIC_CONTROL = 0xf9,
	GIF_EXT_COMMENT = 0xfe,
	GIF_EXT_APPLICATION = 0xff
};

/*
 * One pass over the file serves both scan (items set) and clean (out
 * set), so both accept and refuse exactly the same files.
 */
struct gif_walk {
	const struct tacit_src *src;
	struct tacit_items *items;
	struct tacit_sink *out;
	const struct tacit_clean_opts *opts;
	struct tacit_err *e;
	/* Kept bytes not yet copied: adjacent kept blocks become one copy. */
	uint64_t run_off, run_len;
	uint64_t win_off;
	size_t win_len;
	unsigned char win[GIF_WINDOW];
};

static int
gif_probe(const unsigned char *head, size_t len)
{
	return len >= 6 &&
	    (memcmp(head, "GIF87a", 6) == 0 || memcmp(head, "GIF89a", 6) == 0);
}

/* Read n small bytes at off; TACIT_EFORMAT past the end of the file. */
static int
gif_peek(struct gif_walk *w, uint64_t off, void *dst, size_t n)
{
	ssize_t got;

	if (off >= w->win_off && off - w->win_off <= w->win_len &&
	    n <= w->win_len - (size_t)(off - w->win_off)) {
		memcpy(dst, w->win + (off - w->win_off), n);
		return TACIT_OK;
	}
	got = tacit_src_pread(w->src, off, w->win, sizeof(w->win));
	if (got < 0) {
		w->win_len = 0;
		return (int)got;
	}
	w->win_off = off;
	w->win_len = (size_t)got;
	if (n > w->win_len)
		return TACIT_EFORMAT;
	memcpy(dst, w->win, n);
	return TACIT_OK;
}

static int
gif_peek_byte(struct gif_walk *w, uint64_t off, unsigned char *c)
{
	return gif_peek(w, off, c, 1);
}

/*
 * Walk the data sub-blocks starting at off (a length byte) up to and
 * including the zero-length terminator; *end is the offset just past it.
 * Every sub-block but the terminator takes at least two bytes, so the
 * walk ends within the file's size.
 */
static int
gif_chain_end(struct gif_walk *w, uint64_t off, uint64_t *end)
{
	unsigned char n;
	int rc;

	for (;;) {
		rc = gif_peek_byte(w, off, &n);
		if (rc != TACIT_OK)
			return rc;
		off += 1u + n;
		if (n == 0)
			break;
	}
	*end = off;
	return TACIT_OK;
}

/*
 * Join the payloads of the sub-blocks in [off, end), a walked chain, into
 * buf; stop quietly when buf is full.
 */
static int
gif_join(struct gif_walk *w, uint64_t off, uint64_t end, unsigned char *buf,
    size_t cap, size_t *len)
{
	unsigned char n;
	size_t take;
	int rc;

	*len = 0;
	while (off < end && *len < cap) {
		rc = gif_peek_byte(w, off, &n);
		if (rc != TACIT_OK)
			return rc;
		if (n == 0)
			break;
		take = cap - *len < n ? cap - *len : n;
		rc = tacit_src_read(w->src, off + 1, buf + *len, take);
		if (rc != TACIT_OK)
			return rc;
		*len += take;
		off += 1u + n;
	}
	return TACIT_OK;
}

static int
gif_flush(struct gif_walk *w)
{
	int rc;

	if (w->out == NULL || w->run_len == 0)
		return TACIT_OK;
	rc = tacit_sink_copy(w->out, w->src, w->run_off, w->run_len);
	w->run_len = 0;
	return rc;
}

/* Keep len bytes at off in the output, verbatim. */
static int
gif_keep(struct gif_walk *w, uint64_t off, uint64_t len)
{
	int rc;

	if (w->out == NULL || len == 0)
		return TACIT_OK;
	if (w->run_len > 0 && w->run_off + w->run_len == off) {
		w->run_len += len;
		return TACIT_OK;
	}
	rc = gif_flush(w);
	if (rc != TACIT_OK)
		return rc;
	w->run_off = off;
	w->run_len = len;
	return TACIT_OK;
}

static int
gif_found(struct gif_walk *w, const char *container, const char *field,
    const void *value, size_t vlen)
{
	if (w->items == NULL)
		return TACIT_OK;
	return tacit_items_add(w->items, container, field, value, vlen);
}

/* Report a chain's joined payload as one item (scan only). */
static int
gif_found_chain(struct gif_walk *w, const char *container, const char *field,
    uint64_t off, uint64_t end)
{
	unsigned char buf[GIF_VALUE_MAX];
	size_t len = 0;
	int rc;

	if (w->items == NULL)
		return TACIT_OK;
	if (!w->items->want_values)
		return tacit_items_add(w->items, container, field, NULL, 0);
	rc = gif_join(w, off, end, buf, sizeof(buf), &len);
	if (rc != TACIT_OK)
		return rc;
	return tacit_items_add(w->items, container, field, buf, len);
}

/* Report the bytes after the trailer, showing how they start. */
static int
gif_found_trailing(struct gif_walk *w, uint64_t off)
{
	unsigned char buf[64];
	ssize_t got;

	if (w->items == NULL)
		return TACIT_OK;
	if (!w->items->want_values)
		return tacit_items_add(w->items, "trailing", "after trailer",
		    NULL, 0);
	got = tacit_src_pread(w->src, off, buf, sizeof(buf));
	if (got < 0)
		return (int)got;
	return tacit_items_add(w->items, "trailing", "after trailer", buf,
	    (size_t)got);
}

static int
gif_truncated(struct gif_walk *w, int rc, const char *what)
{
	if (rc == TACIT_EFORMAT)
		tacit_err_set(w->e, "truncated GIF %s", what);
	else
		tacit_err_set(w->e, "cannot read GIF %s", what);
	return rc;
}

static int
gif_image(struct gif_walk *w, uint64_t off, uint64_t *next)
{
	unsigned char d[GIF_IMAGE_DESC_LEN];
	uint64_t p, end;
	int rc;

	rc = gif_peek(w, off, d, sizeof(d));
	if (rc != TACIT_OK)
		return gif_truncated(w, rc, "image descriptor");
	p = off + sizeof(d);
	if (d[9] & 0x80)
		p += 3u << ((d[9] & 7) + 1);
	/* p is the LZW minimum code size; the data sub-blocks follow. */
	rc = gif_chain_end(w, p + 1, &end);
	if (rc != TACIT_OK)
		return gif_truncated(w, rc, "image data");
	*next = end;
	return gif_keep(w, off, end - off);
}

/*
 * Scan an XMP packet.  GIF stores it raw after the identifier, followed
 * by a "magic trailer" that makes decoders walking sub-blocks land on the
 * terminator, so the bytes up to the terminator are the packet.
 */
static int
gif_xmp(struct gif_walk *w, uint64_t off, uint64_t end)
{
	unsigned char *buf;
	uint64_t avail = end - 1 - off;
	size_t len = avail < GIF_XMP_MAX ? (size_t)avail : GIF_XMP_MAX;
	size_t before = w->items->n + w->items->dropped;
	int rc;

	buf = malloc(len > 0 ? len : 1);
	if (buf == NULL)
		return TACIT_ENOMEM;
	rc = tacit_src_read(w->src, off, buf, len);
	if (rc != TACIT_OK) {
		free(buf);
		return rc;
	}
	/* Cut the magic trailer: the packet ends with '>'. */
	while (len > 0 && buf[len - 1] != '>')
		len--;
	rc = tacit_xmp_scan(buf, len, w->items);
	free(buf);
	if (rc != TACIT_OK)
		return rc;
	/* Whatever is removed must be listed, even an empty packet. */
	if (w->items->n + w->items->dropped == before)
		rc = tacit_items_add(w->items, "XMP", "packet", NULL, 0);
	return rc;
}

/*
 * NETSCAPE2.0 and ANIMEXTS1.0 carry a loop count (sub-block id 1) and a
 * buffer size (id 2).  Any other sub-block could smuggle data through a
 * kept extension, so only those two are kept.
 */
static int
gif_looping(struct gif_walk *w, uint64_t off, uint64_t data, uint64_t end,
    const char *name)
{
	uint64_t q = data + 1 + GIF_APP_ID_LEN;
	unsigned char n, id;
	int extra = 0, rc;

	rc = gif_keep(w, off, q - off);
	if (rc != TACIT_OK)
		return rc;
	while (q < end - 1) {
		rc = gif_peek_byte(w, q, &n);
		if (rc == TACIT_OK)
			rc = gif_peek_byte(w, q + 1, &id);
		if (rc != TACIT_OK)
			return rc;
		if ((n == 3 && id == 1) || (n == 5 && id == 2))
			rc = gif_keep(w, q, 1u + n);
		else
			extra = 1;
		if (rc != TACIT_OK)
			return rc;
		q += 1u + n;
	}
	rc = gif_keep(w, end - 1, 1);
	if (rc == TACIT_OK && extra) {
		char field[32];

		snprintf(field, sizeof(field), "%s extra data", name);
		rc = gif_found(w, "application", field, NULL, 0);
	}
	return rc;
}

/* An application extension; data is its first sub-block's length byte. */
static int
gif_application(struct gif_walk *w, uint64_t off, uint64_t data, uint64_t end)
{
	unsigned char n, id[GIF_APP_ID_LEN];
	char name[GIF_APP_ID_LEN + 1];
	int rc;

	rc = gif_peek_byte(w, data, &n);
	if (rc != TACIT_OK)
		return rc;
	if (n != GIF_APP_ID_LEN)
		return gif_found(w, "application", "malformed identifier", NULL,
		    0);
	rc = gif_peek(w, data + 1, id, sizeof(id));
	if (rc != TACIT_OK)
		return rc;
	for (size_t i = 0; i < sizeof(id); i++)
		name[i] = (id[i] >= 0x20 && id[i] < 0x7f) ? (char)id[i] : '?';
	name[sizeof(id)] = '\0';
	if (memcmp(id, "NETSCAPE2.0", sizeof(id)) == 0 ||
	    memcmp(id, "ANIMEXTS1.0", sizeof(id)) == 0)
		return gif_looping(w, off, data, end, name);
	if (memcmp(id, "ICCRGBG1012", sizeof(id)) == 0) {
		rc = gif_found(w, "ICC", "profile", NULL, 0);
		if (rc == TACIT_OK && w->opts != NULL && w->opts->keep_icc)
			rc = gif_keep(w, off, end - off);
		return rc;
	}
	if (memcmp(id, "XMP DataXMP", sizeof(id)) == 0) {
		if (w->items == NULL)
			return TACIT_OK;
		return gif_xmp(w, data + 1 + sizeof(id), end);
	}
	return gif_found_chain(w, "application", name, data + 1 + sizeof(id),
	    end);
}

static int
gif_extension(struct gif_walk *w, uint64_t off, uint64_t *next)
{
	unsigned char label, n;
	uint64_t data = off + 2, end;
	char what[32];
	int rc;

	rc = gif_peek_byte(w, off + 1, &label);
	if (rc != TACIT_OK)
		return gif_truncated(w, rc, "extension");
	snprintf(what, sizeof(what), "extension 0x%02X", label);
	rc = gif_chain_end(w, data, &end);
	if (rc != TACIT_OK)
		return gif_truncated(w, rc, what);
	*next = end;
	switch (label) {
	case GIF_EXT_GRAPHIC_CONTROL:
		/* Decoders read one 4-byte sub-block; nothing else is kept. */
		rc = gif_peek_byte(w, data, &n);
		if (rc != TACIT_OK)
			return gif_truncated(w, rc, what);
		if (n != 4) {
			tacit_err_set(w->e,
			    "malformed GIF graphic control "
			    "extension");
			return TACIT_EFORMAT;
		}
		if (end == data + 6)
			return gif_keep(w, off, end - off);
		rc = gif_keep(w, off, data + 5 - off);
		if (rc == TACIT_OK)
			rc = gif_keep(w, end - 1, 1);
		if (rc == TACIT_OK)
			rc = gif_found(w, "chunk", "graphic control extra data",
			    NULL, 0);
		break;
	case GIF_EXT_PLAIN_TEXT:
		/* Rendered text is image content, not metadata. */
		rc = gif_keep(w, off, end - off);
		break;
	case GIF_EXT_COMMENT:
		rc = gif_found_chain(w, "comment", "comment", data, end);
		break;
	case GIF_EXT_APPLICATION:
		rc = gif_application(w, off, data, end);
		break;
	default:
		rc = gif_found(w, "chunk", what, NULL, 0);
		break;
	}
	if (rc == TACIT_EFORMAT)
		return gif_truncated(w, rc, what);
	return rc;
}

static int
gif_walk(struct gif_walk *w)
{
	unsigned char h[GIF_HEADER_LEN], c;
	uint64_t off, next = 0;
	int rc;

	rc = gif_peek(w, 0, h, sizeof(h));
	if (rc != TACIT_OK)
		return gif_truncated(w, rc, "header");
	if (!gif_probe(h, sizeof(h))) {
		tacit_err_set(w->e, "not a GIF file");
		return TACIT_EFORMAT;
	}
	off = sizeof(h);
	if (h[10] & 0x80)
		off += 3u << ((h[10] & 7) + 1);
	if (off > w->src->size)
		return gif_truncated(w, TACIT_EFORMAT, "colour table");
	rc = gif_keep(w, 0, off);
	if (rc != TACIT_OK)
		return rc;
	for (uint32_t blocks = 0;; blocks++) {
		if (blocks >= GIF_BLOCKS_MAX) {
			tacit_err_set(w->e, "too many GIF blocks");
			return TACIT_EFORMAT;
		}
		rc = gif_peek_byte(w, off, &c);
		if (rc == TACIT_EFORMAT) {
			tacit_err_set(w->e, "truncated GIF: no trailer");
			return rc;
		}
		if (rc != TACIT_OK)
			return gif_truncated(w, rc, "block");
		switch (c) {
		case GIF_IMAGE:
			rc = gif_image(w, off, &next);
			break;
		case GIF_EXTENSION:
			rc = gif_extension(w, off, &next);
			break;
		case GIF_TRAILER:
			rc = gif_keep(w, off, 1);
			if (rc == TACIT_OK && off + 1 < w->src->size)
				rc = gif_found_trailing(w, off + 1);
			return rc == TACIT_OK ? gif_flush(w) : rc;
		default:
			tacit_err_set(w->e, "unknown GIF block 0x%02X", c);
			return TACIT_EFORMAT;
		}
		if (rc != TACIT_OK)
			return rc;
		off = next;
	}
}

static int
gif_scan(const struct tacit_src *src, struct tacit_items *out,
    struct tacit_err *e)
{
	struct gif_walk *w;
	int rc;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return TACIT_ENOMEM;
	w->src = src;
	w->items = out;
	w->e = e;
	rc = gif_walk(w);
	free(w);
	return rc;
}

static int
gif_clean(const struct tacit_src *src, struct tacit_sink *out,
    const struct tacit_clean_opts *opts, struct tacit_err *e)
{
	struct gif_walk *w;
	int rc;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return TACIT_ENOMEM;
	w->src = src;
	w->out = out;
	w->opts = opts;
	w->e = e;
	rc = gif_walk(w);
	free(w);
	return rc;
}

const struct tacit_engine tacit_engine_gif = { "GIF", gif_probe, gif_scan,
	gif_clean };
