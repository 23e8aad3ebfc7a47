/* report: findings to text, JSON or SARIF, written to a caller's stream. */
#ifndef TACIT_REPORT_H
#define TACIT_REPORT_H

#include <stdio.h>

#include "tacit/meta.h"
#include "tacit/rules.h"
#include "tacit/text.h" /* tacit_json_string */

enum tacit_report_format {
	TACIT_REPORT_TEXT,
	TACIT_REPORT_JSON,
	TACIT_REPORT_SARIF
};

/* What happened to one file. */
enum tacit_file_status {
	TACIT_FILE_SCANNED, /* --check */
	TACIT_FILE_CLEANED,
	TACIT_FILE_CLEAN, /* nothing to remove, left as it was */
	TACIT_FILE_SKIPPED, /* unsupported type met while recursing */
	TACIT_FILE_ERROR
};

/* --fail-on none: no finding fails. */
#define TACIT_FAIL_NONE 4

/* One file as reported. */
struct tacit_report_entry {
	const char *path; /* as the user sees it */
	/*
	 * SARIF: the path relative to the scanned root numbered root (see
	 * tacit_report_root), or NULL when the file lies under no root.
	 */
	const char *rel;
	unsigned root;
	const char *format; /* the engine's name, or NULL */
	const struct tacit_items *items; /* NULL unless scanned */
	enum tacit_file_status status;
	const char *error;
	const char *action; /* what failed ("cannot open"), or NULL */
};

struct tacit_report {
	FILE *out;
	enum tacit_report_format format;
	const char *tool;
	const struct tacit_rules *rules; /* SARIF: the rules described */
	int show_values;
	int verbose; /* text: also say what happened when cleaning */
	int baseline; /* a baseline is in use: mark known findings */
	int fail_on; /* an enum tacit_severity, or TACIT_FAIL_NONE */
	size_t files, findings, errors, at_fail_on, skipped, known, cleaned;
	size_t by_severity[4];
	int max_severity; /* -1 when nothing was found */
	/* SARIF: the roots' absolute file: URIs, ending in '/'. */
	char **roots;
	unsigned nroots;
	size_t results; /* SARIF results written */
	/* SARIF: notifications of errors, kept for the end. */
	FILE *notes_f;
	char *notes_buf;
	size_t notes_len, notes;
};

void tacit_report_begin(struct tacit_report *r, FILE *out,
    enum tacit_report_format format, const char *tool);
/*
 * SARIF: name scanned root number n (0, 1, ...) by its directory, made
 * absolute; the first is %SRCROOT%.  Returns 0, -1 on failure.
 */
int tacit_report_root(struct tacit_report *r, unsigned n, const char *dir);
/* Report one file, counted in the summary. */
void tacit_report_add(struct tacit_report *r,
    const struct tacit_report_entry *f);
/* Close the document; returns 0, or -1 when the stream failed. */
int tacit_report_end(struct tacit_report *r);
/* Free what the report holds (after tacit_report_end, or instead). */
void tacit_report_free(struct tacit_report *r);

#endif
