/* report: findings to text (one line each, grep-friendly) or one JSON doc. */
#include <stdio.h>
#include <string.h>

#include "tacit/report.h"
#include "tacit/text.h"

static const char *const status_names[] = { "scanned", "cleaned", "clean",
	"skipped", "error" };

void
tacit_report_begin(struct tacit_report *r, FILE *out,
    enum tacit_report_format format, const char *tool)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->format = format;
	r->tool = tool;
	r->fail_on = TACIT_SEV_MEDIUM;
	r->max_severity = -1;
	if (format == TACIT_REPORT_JSON)
		fprintf(out, "{\"tool\":\"%s\",\"version\":1,\"files\":[",
		    tool);
}

static void
count(struct tacit_report *r, const struct tacit_items *items)
{
	for (size_t i = 0; items != NULL && i < items->n; i++) {
		const struct tacit_rule *rule = items->v[i].rule;

		r->findings++;
		if ((int)rule->severity > r->max_severity)
			r->max_severity = (int)rule->severity;
		if (rule->severity >= r->fail_on)
			r->at_fail_on++;
	}
	/* Items past the cap are unknown: count them at the bar. */
	if (items != NULL && items->dropped > 0) {
		r->findings += items->dropped;
		r->at_fail_on += items->dropped;
	}
}

static void
json_file(struct tacit_report *r, const char *path, const char *format,
    const struct tacit_items *items, enum tacit_file_status status,
    const char *error)
{
	FILE *f = r->out;

	fputs(r->files > 1 ? ",\n{" : "\n{", f);
	fputs("\"path\":", f);
	tacit_json_string(f, path);
	fputs(",\"format\":", f);
	if (format != NULL)
		tacit_json_string(f, format);
	else
		fputs("null", f);
	fprintf(f, ",\"status\":\"%s\",\"error\":", status_names[status]);
	if (error != NULL)
		tacit_json_string(f, error);
	else
		fputs("null", f);
	fputs(",\"findings\":[", f);
	for (size_t i = 0; items != NULL && i < items->n; i++) {
		const struct tacit_item *it = &items->v[i];

		fputs(i ? ",{\"container\":" : "{\"container\":", f);
		tacit_json_string(f, it->container);
		fputs(",\"field\":", f);
		tacit_json_string(f, it->field);
		fputs(",\"rule\":", f);
		tacit_json_string(f, it->rule->id);
		fprintf(f, ",\"severity\":\"%s\",\"kept\":%s",
		    tacit_severity_name(it->rule->severity),
		    it->rule->keep ? "true" : "false");
		if (r->show_values) {
			fputs(",\"value\":", f);
			if (it->value != NULL)
				tacit_json_string(f, it->value);
			else
				fputs("null", f);
		}
		putc('}', f);
	}
	fprintf(f, "],\"more\":%zu}", items != NULL ? items->dropped : 0);
}

static void
text_file(struct tacit_report *r, const char *path,
    const struct tacit_items *items, enum tacit_file_status status)
{
	FILE *f = r->out;

	if (status == TACIT_FILE_ERROR)
		return; /* the tool says it on stderr */
	if (status == TACIT_FILE_CLEANED || status == TACIT_FILE_CLEAN ||
	    status == TACIT_FILE_SKIPPED) {
		if (r->verbose) {
			tacit_text_print(f, path);
			fprintf(f, ": %s\n", status_names[status]);
		}
		return;
	}
	if (items->n == 0 && items->dropped == 0) {
		tacit_text_print(f, path);
		fputs(": clean\n", f);
		return;
	}
	for (size_t i = 0; i < items->n; i++) {
		const struct tacit_item *it = &items->v[i];

		tacit_text_print(f, path);
		fprintf(f, ": %-6s %-20s %s %s%s",
		    tacit_severity_name(it->rule->severity), it->rule->id,
		    it->container, it->field, it->rule->keep ? " (kept)" : "");
		if (r->show_values && it->value != NULL)
			fprintf(f, " = %s", it->value);
		putc('\n', f);
	}
	if (items->dropped > 0) {
		tacit_text_print(f, path);
		fprintf(f, ": %zu more items not listed\n", items->dropped);
	}
}

void
tacit_report_file(struct tacit_report *r, const char *path, const char *format,
    const struct tacit_items *items, enum tacit_file_status status,
    const char *error)
{
	r->files++;
	if (status == TACIT_FILE_ERROR)
		r->errors++;
	if (status == TACIT_FILE_SCANNED)
		count(r, items);
	if (r->format == TACIT_REPORT_JSON)
		json_file(r, path, format, items, status, error);
	else
		text_file(r, path, items, status);
}

int
tacit_report_end(struct tacit_report *r)
{
	if (r->format == TACIT_REPORT_JSON) {
		fprintf(r->out,
		    "\n],\"summary\":{\"files\":%zu,"
		    "\"findings\":%zu,\"errors\":%zu,\"max_severity\":",
		    r->files, r->findings, r->errors);
		if (r->max_severity >= 0)
			fprintf(r->out, "\"%s\"",
			    tacit_severity_name(
				(enum tacit_severity)r->max_severity));
		else
			fputs("null", r->out);
		fprintf(r->out, ",\"fail_on\":\"%s\",\"failed\":%s}}\n",
		    tacit_severity_name(r->fail_on),
		    r->at_fail_on > 0 ? "true" : "false");
	}
	return fflush(r->out) == 0 && !ferror(r->out) ? 0 : -1;
}
