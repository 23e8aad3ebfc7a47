/* xmp, iptc: bounded readers that list the properties of XMP and IPTC. */
#ifndef TACIT_XMP_H
#define TACIT_XMP_H

#include <stddef.h>
#include "tacit/meta.h"

/*
 * List the properties of an XMP packet as container "XMP", field
 * "prefix:Name" (rdf/x/xml structure is skipped).  Never fails on odd
 * XML: at worst the whole packet is reported as one item "packet".
 */
int tacit_xmp_scan(const unsigned char *p, size_t len, struct tacit_items *out);

/*
 * List Photoshop image resources ("8BIM" blocks, as in JPEG APP13 after
 * "Photoshop 3.0\0"), and the IPTC-IIM datasets inside resource 0x0404,
 * as container "IPTC" (fields such as "By-line", "City") or "Photoshop"
 * (field "resource-0x0409" etc.).  TACIT_EFORMAT when lengths lie.
 */
int tacit_iptc_scan_photoshop(const unsigned char *p, size_t len,
    struct tacit_items *out, struct tacit_err *e);
/* List raw IPTC-IIM datasets (0x1C record dataset size value...). */
int tacit_iptc_scan_iim(const unsigned char *p, size_t len,
    struct tacit_items *out, struct tacit_err *e);

#endif
