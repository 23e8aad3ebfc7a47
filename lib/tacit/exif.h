/* exif: libexif behind a small interface, fed one bounded EXIF block. */
#ifndef TACIT_EXIF_H
#define TACIT_EXIF_H

#include <stddef.h>
#include "tacit/meta.h"

/* Largest EXIF block we hand to libexif. */
#define TACIT_EXIF_MAX (1u << 20)

/*
 * List the tags of an EXIF block (TIFF header first, no "Exif\0\0"):
 * every IFD, GPS and MakerNote included; an IFD1 thumbnail is reported
 * as container "thumbnail".  TACIT_EFORMAT if libexif cannot read it.
 */
int tacit_exif_scan(const unsigned char *tiff, size_t len,
    struct tacit_items *out, struct tacit_err *e);

/* The Orientation of IFD0 (1..8), or 0 when absent or invalid. */
int tacit_exif_orientation(const unsigned char *tiff, size_t len);

/*
 * Build a minimal EXIF block (TIFF header first) holding only IFD0
 * Orientation.  *out is malloc'd; the caller frees it.
 */
int tacit_exif_minimal(int orientation, unsigned char **out, size_t *len,
    struct tacit_err *e);

#endif
