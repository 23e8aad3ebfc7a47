/* filetype: name the content of a file (libmagic on a bounded prefix). */
#ifndef TACIT_FILETYPE_H
#define TACIT_FILETYPE_H

#include <stddef.h>
#include "tacit/io.h"

/* Bytes of the file given to libmagic. */
#define TACIT_MAGIC_PREFIX 65536

/*
 * Describe the content of src in a few words ("PDF document", "ASCII
 * text", "empty") for messages about files we cannot clean.
 */
void tacit_filetype_describe(const struct tacit_src *src, char *out,
    size_t outlen);

#endif
