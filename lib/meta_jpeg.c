/* meta_jpeg: the JPEG engine; drops metadata segments, copies the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/exif.h"
#include "tacit/meta.h"
#include "tacit/xmp.h"

#define M_DHT 0xc4
#define M_JPG 0xc8
#define M_DAC 0xcc
#define M_SOI 0xd8
#define M_EOI 0xd9
#define M_SOS 0xda
#define M_DQT 0xdb
#define M_DNL 0xdc
#define M_DRI 0xdd
#define M_APP0 0xe0
#define M_APP1 0xe1
#define M_APP2 0xe2
#define M_APP13 0xed
#define M_APP14 0xee
#define M_COM 0xfe
#define M_ECS 0x100 /* pseudo marker: entropy-coded data after SOS */

/* Markers before the first scan, and between scans, are bounded. */
#define MAX_SEGMENTS 100000
#define ID_LEN 40
#define ADOBE_LEN 12 /* "Adobe", version, flags0, flags1, transform */
#define JFIF_LEN 14 /* "JFIF", version, units, density, thumbnail size */

/* One piece of the file: a marker segment or a run of coded data. */
struct seg {
	unsigned marker;
	uint64_t off; /* first byte (0xFF of the marker) */
	uint64_t len; /* every byte of it, marker included */
	uint64_t payload; /* after the length field */
	size_t plen;
	unsigned char id[ID_LEN]; /* start of the payload, zero-padded */
	int later_jfif; /* a JFIF APP0 after the first one */
};

struct walker {
	const struct tacit_src *src;
	uint64_t pos;
	unsigned count;
	int in_scan; /* after SOS: coded data comes next */
	int done;
	int jfif_seen;
	int fill_seen; /* 0xFF fill bytes before some marker */
	int stray_seen; /* TEM or RSTn outside coded data */
	int sof_seen; /* a frame header */
	struct tacit_err *e;
};

static int
bad(struct walker *w, const char *what, uint64_t off)
{
	tacit_err_set(w->e, "%s at byte %llu", what, (unsigned long long)off);
	return TACIT_EFORMAT;
}

/*
 * Find the end of entropy-coded data: the first 0xFF that is not a
 * stuffed 0xFF00 or a restart marker RSTn.  Reads start small and grow,
 * so that many tiny scans do not each cost a full buffer.
 */
static int
scan_coded(struct walker *w, struct seg *s)
{
	unsigned char buf[65536];
	uint64_t pos = w->pos;
	size_t want = 512;

	for (;;) {
		ssize_t n = tacit_src_pread(w->src, pos, buf, want);
		const unsigned char *p, *end;

		if (n < 0) {
			tacit_err_set(w->e, "read error");
			return TACIT_EIO;
		}
		if (n < 2)
			return bad(w, "truncated JPEG: no end of image", pos);
		p = buf;
		end = buf + n - 1; /* leave room to look at p[1] */
		while (p < end) {
			p = memchr(p, 0xff, (size_t)(end - p));
			if (p == NULL)
				break;
			if (p[1] == 0x00 || (p[1] >= 0xd0 && p[1] <= 0xd7)) {
				p += 2;
				continue;
			}
			s->marker = M_ECS;
			s->off = w->pos;
			s->len = pos + (uint64_t)(p - buf) - w->pos;
			s->payload = s->off;
			s->plen = 0;
			w->pos += s->len;
			w->in_scan = 0;
			return 1;
		}
		/* Resume at the last byte, which may be an 0xFF. */
		pos += (uint64_t)(end - buf);
		if (p != NULL && p > end)
			pos++;
		if (want < sizeof(buf))
			want *= 2;
	}
}

/*
 * Skip a run of 0xFF fill bytes, a block at a time: w->pos ends on the
 * last 0xFF, *marker gets the byte after it.
 */
static int
skip_fill(struct walker *w, unsigned char *marker)
{
	unsigned char buf[4096];
	uint64_t pos = w->pos + 1; /* known to be 0xFF */

	for (;;) {
		ssize_t n = tacit_src_pread(w->src, pos, buf, sizeof(buf));
		size_t i;

		if (n < 0) {
			tacit_err_set(w->e, "read error");
			return TACIT_EIO;
		}
		if (n == 0)
			return bad(w, "truncated JPEG", w->pos);
		for (i = 0; i < (size_t)n && buf[i] == 0xff; i++)
			;
		if (i < (size_t)n) {
			w->pos = pos + i - 1;
			*marker = buf[i];
			w->fill_seen = 1;
			return TACIT_OK;
		}
		pos += (uint64_t)n;
	}
}

/*
 * Markers we understand.  The rest (JPG, DHP, EXP, JPGn and JPEG-LS) are
 * extensions whose segments we could not check, so they are refused.
 */
static int
supported_marker(unsigned m)
{
	if (m == M_JPG || m == 0xde || m == 0xdf)
		return 0;
	return (m >= 0xc0 && m <= 0xdd) || (m >= M_APP0 && m <= 0xef) ||
	    m == M_COM;
}

static int
has_id(const struct seg *s, const char *id, size_t n)
{
	return s->plen >= n && memcmp(s->id, id, n) == 0;
}

#define ID(s, lit) has_id((s), (lit), sizeof(lit)) /* NUL included */
#define ID_EXIF "Exif\0"
#define ID_XMP "http://ns.adobe.com/xap/1.0/"
#define ID_XMPEXT "http://ns.adobe.com/xmp/extension/"
#define ID_ICC "ICC_PROFILE"
#define ID_PS "Photoshop 3.0"

/* Read a segment's whole payload (at most 64 KiB) into a new buffer. */
static unsigned char *
read_payload(const struct tacit_src *src, const struct seg *s)
{
	unsigned char *p = malloc(s->plen ? s->plen : 1);

	if (p != NULL &&
	    tacit_src_read(src, s->payload, p, s->plen) != TACIT_OK) {
		free(p);
		return NULL;
	}
	return p;
}

/* DQT: tables of 64 bytes (8-bit) or 128 (16-bit), filling it exactly. */
static int
dqt_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return 0;
	while (i < n) {
		unsigned pq = p[i] >> 4, tq = p[i] & 0x0fu;

		if (pq > 1 || tq > 3 || n - i < 1 + 64 * (pq + 1))
			return 0;
		i += 1 + 64 * (pq + 1);
	}
	return 1;
}

/* DHT: class and id, 16 code counts, then that many values, exactly. */
static int
dht_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, k, sum;

	if (n == 0)
		return 0;
	while (i < n) {
		if (n - i < 17 || p[i] >> 4 > 1 || (p[i] & 0x0fu) > 3)
			return 0;
		for (sum = 0, k = 1; k <= 16; k++)
			sum += p[i + k];
		if (sum > 256 || n - i - 17 < sum)
			return 0;
		i += 17 + sum;
	}
	return 1;
}

/* DAC: pairs of class/id and conditioning value, each in range. */
static int
dac_ok(const unsigned char *p, size_t n)
{
	size_t i;

	if (n == 0 || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i += 2) {
		unsigned tc = p[i] >> 4, tb = p[i] & 0x0fu, v = p[i + 1];

		if (tc > 1 || tb > 3)
			return 0;
		if (tc == 0 && (v & 0x0fu) > v >> 4) /* DC: L <= U */
			return 0;
		if (tc == 1 && (v < 1 || v > 63)) /* AC: Kx in 1..63 */
			return 0;
	}
	return 1;
}

/*
 * The segments we keep have lengths the format fixes: a byte more is
 * room for hidden data, so anything else is malformed.
 */
static int
check_segment(struct walker *w, const struct seg *s)
{
	unsigned char *p;
	const char *what;
	int ok;
	unsigned n;

	switch (s->marker) {
	case M_SOS:
		n = s->id[0];
		if (n < 1 || n > 4 || s->plen != 1 + 2 * (size_t)n + 3)
			return bad(w, "bad JPEG SOS length", s->off);
		return TACIT_OK;
	case M_DRI:
		if (s->plen != 2)
			return bad(w, "bad JPEG DRI length", s->off);
		return TACIT_OK;
	case M_DNL:
		if (s->plen != 2)
			return bad(w, "bad JPEG DNL length", s->off);
		return TACIT_OK;
	case M_DQT:
	case M_DHT:
	case M_DAC:
		if ((p = read_payload(w->src, s)) == NULL) {
			tacit_err_set(w->e, "cannot read JPEG segment");
			return TACIT_EIO;
		}
		if (s->marker == M_DQT) {
			ok = dqt_ok(p, s->plen);
			what = "bad JPEG DQT segment";
		} else if (s->marker == M_DHT) {
			ok = dht_ok(p, s->plen);
			what = "bad JPEG DHT segment";
		} else {
			ok = dac_ok(p, s->plen);
			what = "bad JPEG DAC segment";
		}
		free(p);
		return ok ? TACIT_OK : bad(w, what, s->off);
	default:
		/* SOFn: DHT, JPG and DAC are out of the way by now. */
		if (s->marker >= 0xc0 && s->marker <= 0xcf) {
			n = s->id[5];
			if (s->plen < 6 || n < 1 ||
			    s->plen != 6 + 3 * (size_t)n)
				return bad(w, "bad JPEG SOF length", s->off);
			w->sof_seen = 1;
		}
		return TACIT_OK;
	}
}

/* The next segment; 0 after EOI, <0 on error. */
static int
jpeg_next(struct walker *w, struct seg *s)
{
	unsigned char hdr[4];
	unsigned seglen;
	int rc;

	if (w->done)
		return 0;
	if (++w->count > MAX_SEGMENTS)
		return bad(w, "too many JPEG segments", w->pos);
	memset(s, 0, sizeof(*s));
	if (w->in_scan)
		return scan_coded(w, s);
	if (tacit_src_read(w->src, w->pos, hdr, 2) != TACIT_OK)
		return bad(w, "truncated JPEG", w->pos);
	if (hdr[0] != 0xff)
		return bad(w, "expected a JPEG marker", w->pos);
	/* Fill bytes: any number of 0xFF may precede a marker. */
	if (hdr[1] == 0xff && (rc = skip_fill(w, &hdr[1])) != TACIT_OK)
		return rc;
	s->marker = hdr[1];
	s->off = w->pos;
	if (s->marker == M_EOI) {
		s->len = 2;
		w->pos += 2;
		w->done = 1;
		return 1;
	}
	if (s->marker == 0x01 || (s->marker >= 0xd0 && s->marker <= 0xd7)) {
		s->len = 2; /* TEM, or a stray restart marker */
		w->pos += 2;
		w->stray_seen = 1;
		return 1;
	}
	if (s->marker == M_SOI || s->marker < 0xc0)
		return bad(w, "unexpected JPEG marker", w->pos);
	if (!supported_marker(s->marker)) {
		tacit_err_set(w->e, "unsupported JPEG marker 0x%02X",
		    s->marker);
		return TACIT_EUNSUPPORTED;
	}
	if (tacit_src_read(w->src, w->pos + 2, hdr + 2, 2) != TACIT_OK)
		return bad(w, "truncated JPEG segment", w->pos);
	seglen = (unsigned)(hdr[2] << 8 | hdr[3]);
	if (seglen < 2)
		return bad(w, "bad JPEG segment length", w->pos);
	if (w->pos + 2 + seglen > w->src->size)
		return bad(w, "truncated JPEG segment", w->pos);
	s->len = 2 + (uint64_t)seglen;
	s->payload = w->pos + 4;
	s->plen = seglen - 2u;
	if (tacit_src_read(w->src, s->payload, s->id,
		s->plen < ID_LEN ? s->plen : ID_LEN) != TACIT_OK)
		return bad(w, "truncated JPEG segment", w->pos);
	if ((rc = check_segment(w, s)) != TACIT_OK)
		return rc;
	if (s->marker == M_APP0 && ID(s, "JFIF")) {
		s->later_jfif = w->jfif_seen;
		w->jfif_seen = 1;
	}
	w->pos += s->len;
	if (s->marker == M_SOS)
		w->in_scan = 1;
	return 1;
}

static int
walker_start(struct walker *w, const struct tacit_src *src, struct tacit_err *e)
{
	unsigned char soi[2];

	memset(w, 0, sizeof(*w));
	w->src = src;
	w->e = e;
	if (tacit_src_read(src, 0, soi, 2) != TACIT_OK || soi[0] != 0xff ||
	    soi[1] != M_SOI) {
		tacit_err_set(e, "not a JPEG file");
		return TACIT_EFORMAT;
	}
	w->pos = 2;
	return TACIT_OK;
}

/* After EOI: a file without a frame is no image, whatever it holds. */
static int
walker_finish(const struct walker *w)
{
	if (!w->sof_seen) {
		tacit_err_set(w->e, "JPEG without a frame header");
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

enum action { KEEP, DROP, JFIF_TRIM, ADOBE_TRIM };

/* What the cleaner does with a segment: the whole policy, in one place. */
static enum action
decide(const struct seg *s, int keep_icc)
{
	switch (s->marker) {
	case M_APP0:
		if (ID(s, "JFIF") && !s->later_jfif) {
			/* Drop an embedded thumbnail, keep the header. */
			if (s->plen > JFIF_LEN || s->id[12] != 0 ||
			    s->id[13] != 0)
				return JFIF_TRIM;
			return KEEP;
		}
		return DROP; /* JFXX thumbnails, other APP0, extra JFIF */
	case M_APP2:
		return ID(s, ID_ICC) && keep_icc ? KEEP : DROP;
	case M_APP14:
		/* Adobe's colour transform flag: decoding needs it. */
		if (!has_id(s, "Adobe", 5) || s->plen < ADOBE_LEN)
			return DROP;
		return s->plen > ADOBE_LEN ? ADOBE_TRIM : KEEP;
	case M_COM:
	case 0x01: /* TEM */
		return DROP;
	default:
		if (s->marker >= M_APP0 && s->marker <= 0xef)
			return DROP;
		/*
		 * Decoders skip a restart marker outside coded data; which
		 * ones, and how many, could carry a message.
		 */
		if (s->marker >= 0xd0 && s->marker <= 0xd7)
			return DROP;
		return KEEP; /* SOFn DHT DQT DRI DNL SOS, coded data ... */
	}
}

static void
app_name(const struct seg *s, char *out, size_t cap)
{
	char ident[17];
	size_t i;

	for (i = 0;
	     i < 16 && i < s->plen && s->id[i] >= 0x20 && s->id[i] < 0x7f; i++)
		ident[i] = (char)s->id[i];
	ident[i] = '\0';
	if (s->marker == M_COM)
		snprintf(out, cap, "COM");
	else if (i > 0)
		snprintf(out, cap, "APP%u %s", s->marker - M_APP0, ident);
	else
		snprintf(out, cap, "APP%u", s->marker - M_APP0);
}

/* Report what one dropped or kept segment holds. */
static int
scan_segment(const struct tacit_src *src, const struct seg *s,
    struct tacit_items *out, int *icc_seen)
{
	unsigned char *p;
	char name[40];
	struct tacit_err ignored;
	int rc = TACIT_OK;

	switch (decide(s, 1)) {
	case KEEP:
		if (s->marker == M_APP2 && !*icc_seen) {
			*icc_seen = 1;
			return tacit_items_add(out, "ICC", "profile", NULL, 0);
		}
		return TACIT_OK;
	case JFIF_TRIM:
		return tacit_items_add(out, "thumbnail", "JFIF", NULL, 0);
	case ADOBE_TRIM:
		return tacit_items_add(out, "APP", "APP14 Adobe extra data",
		    NULL, 0);
	case DROP:
		if (s->len == 2)
			return TACIT_OK; /* TEM or RSTn: reported once, later */
		break;
	}
	if (s->marker == M_COM || ID(s, ID_EXIF) || ID(s, ID_XMP) ||
	    ID(s, ID_XMPEXT) || ID(s, ID_PS)) {
		p = read_payload(src, s);
		if (p == NULL)
			return TACIT_EIO;
		if (s->marker == M_COM)
			rc = tacit_items_add(out, "comment", "COM", p, s->plen);
		else if (ID(s, ID_EXIF))
			rc = tacit_exif_scan(p + 6, s->plen - 6, out, &ignored);
		else if (ID(s, ID_XMP))
			rc = tacit_xmp_scan(p + sizeof(ID_XMP),
			    s->plen - sizeof(ID_XMP), out);
		else if (ID(s, ID_XMPEXT)) {
			/* GUID, full length and offset precede the data. */
			size_t skip = sizeof(ID_XMPEXT) + 40;

			rc = tacit_items_add(out, "XMP", "extended", NULL, 0);
			if (rc == TACIT_OK && s->plen > skip)
				rc = tacit_xmp_scan(p + skip, s->plen - skip,
				    out);
		} else {
			size_t before = out->n;

			rc = tacit_iptc_scan_photoshop(p + sizeof(ID_PS),
			    s->plen - sizeof(ID_PS), out, &ignored);
			/* The block goes either way; report it at least. */
			if (rc == TACIT_EFORMAT ||
			    (rc == TACIT_OK && out->n == before))
				rc = tacit_items_add(out, "Photoshop", "block",
				    NULL, 0);
		}
		free(p);
		if (rc == TACIT_EFORMAT) /* libexif refused it */
			rc = tacit_items_add(out, "EXIF", "block", NULL, 0);
		return rc;
	}
	if (ID(s, "MPF"))
		return tacit_items_add(out, "MPF", "MPF", NULL, 0);
	if (s->marker == M_APP0 && ID(s, "JFIF") &&
	    (s->plen > JFIF_LEN || s->id[12] != 0 || s->id[13] != 0))
		return tacit_items_add(out, "thumbnail", "JFIF", NULL, 0);
	if (s->marker == M_APP0 && !ID(s, "JFIF")) /* JFXX, or unknown */
		return tacit_items_add(out, "thumbnail", "JFXX", NULL, 0);
	if (s->marker == M_APP14 && has_id(s, "Adobe", 5))
		return tacit_items_add(out, "APP", "APP14 Adobe", NULL, 0);
	if (s->marker == M_APP2 && ID(s, ID_ICC))
		return TACIT_OK; /* counted once above */
	app_name(s, name, sizeof(name));
	return tacit_items_add(out, "APP", name, NULL, 0);
}

static int
jpeg_probe(const unsigned char *h, size_t n)
{
	return n >= 3 && h[0] == 0xff && h[1] == M_SOI && h[2] == 0xff;
}

static int
jpeg_scan(const struct tacit_src *src, struct tacit_items *out,
    struct tacit_err *e)
{
	struct walker w;
	struct seg s;
	int rc, icc_seen = 0;

	if ((rc = walker_start(&w, src, e)) != TACIT_OK)
		return rc;
	while ((rc = jpeg_next(&w, &s)) > 0) {
		rc = scan_segment(src, &s, out, &icc_seen);
		if (rc != TACIT_OK)
			return rc;
	}
	if (rc < 0 || (rc = walker_finish(&w)) != TACIT_OK)
		return rc;
	/* Cleaning drops them, and how many there are can carry bits. */
	if (w.fill_seen &&
	    (rc = tacit_items_add(out, "chunk", "fill bytes", NULL, 0)) !=
		TACIT_OK)
		return rc;
	if (w.stray_seen &&
	    (rc = tacit_items_add(out, "chunk", "stray markers", NULL, 0)) !=
		TACIT_OK)
		return rc;
	if (w.pos < src->size)
		return tacit_items_add(out, "trailing", "after EOI", NULL, 0);
	return TACIT_OK;
}

/*
 * The orientation of the first EXIF segment before the first scan, or -1
 * when its segment cannot be read into memory.
 */
static int
find_orientation(const struct tacit_src *src, struct tacit_err *e)
{
	struct walker w;
	struct seg s;
	int o = 0;

	if (walker_start(&w, src, e) != TACIT_OK)
		return 0;
	while (jpeg_next(&w, &s) > 0 && s.marker != M_SOS) {
		unsigned char *p;

		if (s.marker != M_APP1 || !ID(&s, ID_EXIF))
			continue;
		p = read_payload(src, &s);
		if (p == NULL) {
			/* Not knowing it would drop it: the picture turns. */
			tacit_err_set(e, "out of memory");
			return -1;
		}
		if (s.plen > 6)
			o = tacit_exif_orientation(p + 6, s.plen - 6);
		free(p);
		break;
	}
	return o;
}

static int
write_orientation(struct tacit_sink *out, int orientation, struct tacit_err *e)
{
	unsigned char *tiff,
	    hdr[10] = { 0xff, M_APP1, 0, 0, 'E', 'x', 'i', 'f', 0, 0 };
	size_t len;
	int rc;

	rc = tacit_exif_minimal(orientation, &tiff, &len, e);
	if (rc != TACIT_OK)
		return rc;
	hdr[2] = (unsigned char)((len + 8) >> 8);
	hdr[3] = (unsigned char)(len + 8);
	tacit_sink_write(out, hdr, sizeof(hdr));
	rc = tacit_sink_write(out, tiff, len);
	free(tiff);
	return rc;
}

static int
jpeg_clean(const struct tacit_src *src, struct tacit_sink *out,
    const struct tacit_clean_opts *opts, struct tacit_err *e)
{
	static const unsigned char soi[2] = { 0xff, M_SOI };
	struct walker w;
	struct seg s;
	int rc, orientation = 0, first = 1;

	if (opts->keep_orientation) {
		orientation = find_orientation(src, e);
		if (orientation < 0)
			return TACIT_ENOMEM;
		if (orientation == 1)
			orientation = 0; /* the default: say nothing */
	}
	if ((rc = walker_start(&w, src, e)) != TACIT_OK)
		return rc;
	tacit_sink_write(out, soi, sizeof(soi));
	while ((rc = jpeg_next(&w, &s)) > 0) {
		enum action a = decide(&s, opts->keep_icc);

		/* EXIF goes first, after a JFIF header if there is one. */
		if (orientation &&
		    !(first && s.marker == M_APP0 && a != DROP)) {
			rc = write_orientation(out, orientation, e);
			if (rc != TACIT_OK)
				return rc;
			orientation = 0;
		}
		first = 0;
		if (a == KEEP) {
			tacit_sink_copy(out, src, s.off, s.len);
		} else if (a == JFIF_TRIM) {
			unsigned char jfif[4 + JFIF_LEN] = { 0xff, M_APP0, 0,
				2 + JFIF_LEN };

			memcpy(jfif + 4, s.id, JFIF_LEN - 2);
			jfif[16] = jfif[17] = 0; /* no thumbnail */
			tacit_sink_write(out, jfif, sizeof(jfif));
		} else if (a == ADOBE_TRIM) {
			unsigned char adobe[4 + ADOBE_LEN] = { 0xff, M_APP14, 0,
				2 + ADOBE_LEN };

			memcpy(adobe + 4, s.id, ADOBE_LEN);
			tacit_sink_write(out, adobe, sizeof(adobe));
		}
		if (out->err)
			break;
	}
	if (rc < 0)
		return rc;
	if (out->err)
		return out->err;
	return walker_finish(&w);
}

const struct tacit_engine tacit_engine_jpeg = { "JPEG", jpeg_probe, jpeg_scan,
	jpeg_clean };
