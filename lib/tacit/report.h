/* report: findings to text or JSON, written to a caller's stream. */
#ifndef TACIT_REPORT_H
#define TACIT_REPORT_H

#include <stdio.h>

#include "tacit/meta.h"
#include "tacit/rules.h"
#include "tacit/text.h" /* tacit_json_string */

enum tacit_report_format { TACIT_REPORT_TEXT, TACIT_REPORT_JSON };

/* What happened to one file. */
enum tacit_file_status {
	TACIT_FILE_SCANNED, /* --check */
	TACIT_FILE_CLEANED,
	TACIT_FILE_CLEAN, /* nothing to remove, left as it was */
	TACIT_FILE_SKIPPED, /* unsupported type met while recursing */
	TACIT_FILE_ERROR
};

struct tacit_report {
	FILE *out;
	enum tacit_report_format format;
	const char *tool;
	int show_values;
	int verbose; /* text: also say what happened when cleaning */
	enum tacit_severity fail_on;
	size_t files, findings, errors, at_fail_on;
	int max_severity; /* -1 when nothing was found */
};

void tacit_report_begin(struct tacit_report *r, FILE *out,
    enum tacit_report_format format, const char *tool);
/* items may be NULL (error, skipped); format is the engine name or NULL. */
void tacit_report_file(struct tacit_report *r, const char *path,
    const char *format, const struct tacit_items *items,
    enum tacit_file_status status, const char *error);
/* Close the document; returns 0, or -1 when the stream failed. */
int tacit_report_end(struct tacit_report *r);

#endif
