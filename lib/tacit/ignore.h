/* ignore: .tacitignore files (gitignore syntax, plus per-rule lines). */
#ifndef TACIT_IGNORE_H
#define TACIT_IGNORE_H

#include <stddef.h>

#include "tacit/io.h"

/* The patterns of every .tacitignore of one scan (syntax in ignore.c). */
struct tacit_ignore;

TACIT_WUR int tacit_ignore_new(struct tacit_ignore **ig);
/*
 * Add the lines of one .tacitignore found in directory dir, relative to
 * the scanned root, '/'-separated, no leading or trailing '/' ("" for the
 * root).  Callers add parents before children.  On an error nothing of
 * text is kept: TACIT_EFORMAT with "line N: ..." in e, or TACIT_ENOMEM.
 */
TACIT_WUR int tacit_ignore_add(struct tacit_ignore *ig, const char *dir,
    const char *text, size_t len, struct tacit_err *e);
/*
 * 1 when path (relative to the root, '/'-separated) is ignored whole:
 * the path itself or any of its parent directories matches (a file
 * under an ignored directory cannot be re-included, as in git).
 * is_dir: path is a directory.
 */
int tacit_ignore_path(const struct tacit_ignore *ig, const char *path,
    int is_dir);
/* 1 when findings of rule id `rule` in the file `path` are ignored. */
int tacit_ignore_rule(const struct tacit_ignore *ig, const char *path,
    const char *rule);
/* Number of patterns loaded (for tests and -v). */
size_t tacit_ignore_count(const struct tacit_ignore *ig);
void tacit_ignore_free(struct tacit_ignore **ig); /* NULL-safe, sets *ig NULL */

#endif
