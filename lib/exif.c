/* exif: list EXIF tags and build the minimal Orientation-only EXIF. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libexif/exif-data.h>
#include <libexif/exif-entry.h>
#include <libexif/exif-utils.h>

#include "tacit/exif.h"

static const unsigned char exif_header[6] = { 'E', 'x', 'i', 'f', 0, 0 };

/*
 * libexif's allocations, counted: when one fails, libexif goes on with
 * what it has, and a scan would list less than is there.  One libexif
 * load at a time in each thread.
 */
static _Thread_local int exif_alloc_failed;

static void *
exif_alloc(ExifLong n)
{
	void *p = calloc((size_t)n, 1);

	if (p == NULL)
		exif_alloc_failed = 1;
	return p;
}

static void *
exif_realloc(void *p, ExifLong n)
{
	void *q = realloc(p, (size_t)n);

	if (q == NULL && n > 0)
		exif_alloc_failed = 1;
	return q;
}

static void
exif_free(void *p)
{
	free(p);
}

/* libexif wants its "Exif\0\0" header; the engines hand us bare TIFF. */
static ExifData *
exif_load(const unsigned char *tiff, size_t len)
{
	ExifData *d = NULL;
	ExifMem *mem;
	unsigned char *buf;

	if (len < 8 || len > TACIT_EXIF_MAX)
		return NULL;
	buf = malloc(len + sizeof(exif_header));
	if (buf == NULL)
		return NULL;
	memcpy(buf, exif_header, sizeof(exif_header));
	memcpy(buf + sizeof(exif_header), tiff, len);
	exif_alloc_failed = 0;
	mem = exif_mem_new(exif_alloc, exif_realloc, exif_free);
	if (mem != NULL) {
		d = exif_data_new_mem(mem);
		exif_mem_unref(mem);
	}
	if (d != NULL) {
		/*
		 * Report what is there, as it is: libexif must neither drop
		 * tags it does not know nor add the ones the spec wants.
		 */
		exif_data_unset_option(d, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
		exif_data_unset_option(d,
		    EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
		exif_data_load_data(d, buf,
		    (unsigned int)(len + sizeof(exif_header)));
		if (exif_alloc_failed) {
			exif_data_unref(d);
			d = NULL;
		}
	}
	free(buf);
	return d;
}

static const char *const ifd_names[EXIF_IFD_COUNT] = { "IFD0", "IFD1",
	"ExifIFD", "GPS", "InteropIFD" };

static int
only_orientation(const struct tacit_items *it, size_t from)
{
	for (size_t i = from; i < it->n; i++)
		if (strcmp(it->v[i].field, "Orientation") != 0)
			return 0;
	return it->dropped == 0;
}

/* Byte for byte what tacit_exif_minimal makes, for Orientation 2..8. */
static int
is_minimal(const unsigned char *tiff, size_t len)
{
	int o = tacit_exif_orientation(tiff, len);
	unsigned char *m;
	size_t n;
	int same;

	if (o < 2 || tacit_exif_minimal(o, &m, &n, NULL) != TACIT_OK)
		return 0;
	same = n == len && memcmp(m, tiff, n) == 0;
	free(m);
	return same;
}

int
tacit_exif_scan(const unsigned char *tiff, size_t len, struct tacit_items *out,
    struct tacit_err *e)
{
	ExifData *d;
	size_t before = out->n + out->dropped;
	int rc = TACIT_OK;

	d = exif_load(tiff, len);
	if (d == NULL) {
		if (len > TACIT_EXIF_MAX) {
			/* Too big to parse, still metadata to report. */
			return tacit_items_add(out, "EXIF", "block", NULL, 0);
		}
		if (len < 8) {
			tacit_err_set(e, "truncated EXIF block");
			return TACIT_EFORMAT;
		}
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	for (int i = 0; i < EXIF_IFD_COUNT && rc == TACIT_OK; i++) {
		ExifContent *c = d->ifd[i];

		for (unsigned j = 0; c != NULL && j < c->count; j++) {
			ExifEntry *ent = c->entries[j];
			const char *name;
			char fallback[32], val[256];

			name = exif_tag_get_name_in_ifd(ent->tag, (ExifIfd)i);
			if (name == NULL) {
				snprintf(fallback, sizeof(fallback),
				    "%s:0x%04x", ifd_names[i],
				    (unsigned)ent->tag);
				name = fallback;
			}
			val[0] = '\0';
			if (out->want_values)
				exif_entry_get_value(ent, val, sizeof(val));
			rc = tacit_items_add(out, "EXIF", name, val,
			    strlen(val));
			if (rc != TACIT_OK)
				break;
		}
	}
	if (rc == TACIT_OK && d->data != NULL && d->size > 0)
		rc = tacit_items_add(out, "thumbnail", "IFD1 JPEG", NULL, 0);
	/* A block libexif could not read is still there: never invisible. */
	if (rc == TACIT_OK && out->n + out->dropped == before)
		rc = tacit_items_add(out, "EXIF", "block", NULL, 0);
	/*
	 * libexif lists tags, not bytes: slack no IFD points to, or tags it
	 * drops, would pass unseen.  A block listing only the Orientation
	 * must be exactly the minimal one sanitise writes.
	 */
	else if (rc == TACIT_OK && only_orientation(out, before) &&
	    !is_minimal(tiff, len))
		rc = tacit_items_add(out, "EXIF", "other data", NULL, 0);
	exif_data_unref(d);
	return rc;
}

static unsigned
rd16(const unsigned char *p, int big)
{
	return big ? (unsigned)(p[0] << 8 | p[1])
		   : (unsigned)(p[1] << 8 | p[0]);
}

static uint32_t
rd32(const unsigned char *p, int big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3]
		   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		(uint32_t)p[1] << 8 | p[0];
}

/*
 * Orientation sits in IFD0, a few bytes in: read it ourselves, bounded,
 * rather than have libexif parse the whole block (MakerNotes included)
 * for one number on the cleaning path.
 */
int
tacit_exif_orientation(const unsigned char *t, size_t len)
{
	uint32_t ifd;
	unsigned count;
	int big;

	if (len < 8)
		return 0;
	if (memcmp(t, "MM\0*", 4) == 0)
		big = 1;
	else if (memcmp(t, "II*\0", 4) == 0)
		big = 0;
	else
		return 0;
	ifd = rd32(t + 4, big);
	if (ifd > len || len - ifd < 2)
		return 0;
	count = rd16(t + ifd, big);
	if (count > (len - ifd - 2) / 12)
		return 0;
	for (unsigned i = 0; i < count; i++) {
		const unsigned char *ent = t + ifd + 2 + 12 * (size_t)i;
		unsigned v;

		if (rd16(ent, big) != 0x0112)
			continue;
		/* SHORT, one value, stored in the entry itself. */
		if (rd16(ent + 2, big) != 3 || rd32(ent + 4, big) != 1)
			return 0;
		v = rd16(ent + 8, big);
		return v >= 1 && v <= 8 ? (int)v : 0;
	}
	return 0;
}

int
tacit_exif_minimal(int orientation, unsigned char **out, size_t *len,
    struct tacit_err *e)
{
	ExifData *d;
	ExifEntry *ent;
	unsigned char *buf = NULL;
	unsigned int size = 0;

	*out = NULL;
	*len = 0;
	if (orientation < 1 || orientation > 8) {
		tacit_err_set(e, "invalid orientation %d", orientation);
		return TACIT_EUSAGE;
	}
	d = exif_data_new();
	ent = exif_entry_new();
	if (d == NULL || ent == NULL)
		goto nomem;
	exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_set_byte_order(d, EXIF_BYTE_ORDER_MOTOROLA);
	exif_content_add_entry(d->ifd[EXIF_IFD_0], ent);
	exif_entry_initialize(ent, EXIF_TAG_ORIENTATION);
	if (ent->data == NULL || ent->size < 2)
		goto nomem;
	exif_set_short(ent->data, EXIF_BYTE_ORDER_MOTOROLA,
	    (ExifShort)orientation);
	exif_data_save_data(d, &buf, &size);
	if (buf == NULL || size <= sizeof(exif_header) ||
	    memcmp(buf, exif_header, sizeof(exif_header)) != 0) {
		free(buf);
		goto nomem;
	}
	/* Engines store the TIFF block; drop libexif's "Exif\0\0". */
	memmove(buf, buf + sizeof(exif_header), size - sizeof(exif_header));
	*out = buf;
	*len = size - sizeof(exif_header);
	exif_entry_unref(ent);
	exif_data_unref(d);
	return TACIT_OK;
nomem:
	if (ent != NULL)
		exif_entry_unref(ent);
	if (d != NULL)
		exif_data_unref(d);
	tacit_err_set(e, "cannot build the orientation EXIF");
	return TACIT_ENOMEM;
}
