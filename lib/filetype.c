/* filetype: name unsupported content with libmagic, on a bounded prefix. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <magic.h>

#include "tacit/filetype.h"

void
tacit_filetype_describe(const struct tacit_src *src, char *out, size_t outlen)
{
	unsigned char *buf;
	const char *desc = NULL;
	magic_t m;
	ssize_t n;

	if (outlen == 0)
		return;
	snprintf(out, outlen, "unknown data");
	if (src->size == 0) {
		snprintf(out, outlen, "empty");
		return;
	}
	buf = malloc(TACIT_MAGIC_PREFIX);
	if (buf == NULL)
		return;
	n = tacit_src_pread(src, 0, buf, TACIT_MAGIC_PREFIX);
	/* libmagic sees a bounded prefix only, never the file itself. */
	m = magic_open(
	    MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_ERROR);
	if (m != NULL && n > 0 && magic_load(m, NULL) == 0)
		desc = magic_buffer(m, buf, (size_t)n);
	if (desc != NULL) {
		size_t i;

		snprintf(out, outlen, "%s", desc);
		/* The first clause is enough for a one-line message. */
		for (i = 0; out[i] != '\0'; i++) {
			unsigned char c = (unsigned char)out[i];

			if (c == ',' || c < 0x20 || c >= 0x7f) {
				out[i] = '\0';
				break;
			}
		}
	}
	if (m != NULL)
		magic_close(m);
	free(buf);
}
