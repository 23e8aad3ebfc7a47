/* report: findings as text (one line each, grep-friendly), JSON or SARIF. */
#define _GNU_SOURCE /* open_memstream, vasprintf */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/report.h"
#include "tacit/text.h"

static const char *const status_names[] = { "scanned", "cleaned", "clean",
	"skipped", "error" };

/* SARIF levels, and GitHub's security-severity scores, by severity. */
static const char *const sarif_levels[] = { "note", "note", "warning",
	"error" };
static const char *const sarif_scores[] = { "0.0", "2.0", "5.0", "7.5" };

static const char sarif_head[] =
    "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
    "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
    "\"name\":\"tacit\",\"fullName\":\"tacit sanitise --check\","
    "\"version\":\"" TACIT_VERSION "\",\"semanticVersion\":\"" TACIT_VERSION
    "\",\"rules\":[";

static void sarif_rule(FILE *f, const struct tacit_rule *rule);

static const char *
fail_on_name(int fail_on)
{
	return fail_on == TACIT_FAIL_NONE
	    ? "none"
	    : tacit_severity_name((enum tacit_severity)fail_on);
}

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

/* The header waits for the rules, which the caller sets after begin. */
static void
sarif_begin(struct tacit_report *r)
{
	size_t n = r->rules ? tacit_rules_count(r->rules) : 0;

	fputs(sarif_head, r->out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", r->out);
		sarif_rule(r->out, tacit_rules_get(r->rules, i));
	}
	if (r->rules != NULL) {
		fputs(n ? ",\n" : "\n", r->out);
		sarif_rule(r->out, tacit_rules_fallback(r->rules));
	}
	fputs("]}},\n\"results\":[", r->out);
}

/* Percent-encode a path for a URI: unreserved characters and '/' kept. */
static void
uri_path(FILE *f, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			putc(*p, f);
		else
			fprintf(f, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

int
tacit_report_root(struct tacit_report *r, unsigned n, const char *dir)
{
	char *abs, *uri = NULL;
	size_t len = 0;
	FILE *f;

	if (n < r->nroots && r->roots[n] != NULL)
		return 0;
	if (n >= r->nroots) {
		char **v = realloc(r->roots, (n + 1) * sizeof(*v));

		if (v == NULL)
			return -1;
		for (unsigned i = r->nroots; i <= n; i++)
			v[i] = NULL;
		r->roots = v;
		r->nroots = n + 1;
	}
	abs = realpath(dir, NULL);
	if (abs == NULL)
		return -1;
	f = open_memstream(&uri, &len);
	if (f == NULL) {
		free(abs);
		return -1;
	}
	fputs("file://", f);
	uri_path(f, abs);
	if (strcmp(abs, "/") != 0)
		putc('/', f);
	free(abs);
	if (fclose(f) != 0) {
		free(uri);
		return -1;
	}
	r->roots[n] = uri;
	return 0;
}

static void
root_id(FILE *f, unsigned n)
{
	if (n == 0)
		fputs("\"%SRCROOT%\"", f);
	else
		fprintf(f, "\"ROOT%u\"", n + 1);
}

/* The artifactLocation of a file: relative to its root when it has one. */
static void
sarif_artifact(FILE *f, const struct tacit_report *r,
    const struct tacit_report_entry *e)
{
	fputs("{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"", f);
	if (e->rel != NULL && e->root < r->nroots &&
	    r->roots[e->root] != NULL) {
		uri_path(f, e->rel);
		fputs("\",\"uriBaseId\":", f);
		root_id(f, e->root);
	} else {
		/* Under no root: absolute, or relative to where we ran. */
		if (e->path[0] == '/')
			fputs("file://", f);
		uri_path(f, e->path);
		putc('"', f);
	}
	putc('}', f);
}

/* A JSON string holding printf-formatted text. */
static void __attribute__((format(printf, 2, 3)))
json_fmt(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	tacit_json_string(f, s != NULL ? s : "");
	free(s);
}

static void
sarif_rule(FILE *f, const struct tacit_rule *rule)
{
	unsigned s = (unsigned)rule->severity & 3u;

	fputs("{\"id\":", f);
	tacit_json_string(f, rule->id);
	fputs(",\"shortDescription\":{\"text\":", f);
	tacit_json_string(f, rule->summary);
	fputs("},\"fullDescription\":{\"text\":", f);
	json_fmt(f, "%s-severity metadata: %s. %s",
	    tacit_severity_name(rule->severity), rule->summary,
	    rule->keep ? "tacit sanitise keeps it unless --strip-all, since "
			 "the picture needs it."
		       : "tacit sanitise removes it without re-encoding the "
			 "image.");
	fputs("},\"help\":{\"text\":", f);
	json_fmt(f,
	    "Remove it with `tacit sanitise FILE` (lossless: the image data "
	    "is copied byte for byte). To accept it, add the file to a "
	    ".tacitignore with ' :%s' after the pattern, or record it in a "
	    "baseline (--write-baseline).",
	    rule->id);
	fprintf(f,
	    "},\"defaultConfiguration\":{\"level\":\"%s\"},"
	    "\"properties\":{\"tags\":[\"privacy\",\"metadata\"],"
	    "\"precision\":\"very-high\",\"security-severity\":\"%s\"}}",
	    sarif_levels[s], sarif_scores[s]);
}

/* A stable name for a finding: FNV-1a over where and what, as hex. */
static uint64_t
fingerprint(unsigned root, const char *path, const struct tacit_item *it)
{
	const char *parts[4] = { path, it->rule->id, it->container, it->field };
	uint64_t h = 0xcbf29ce484222325u;

	/* Two roots may hold the same relative path. */
	for (; root > 0; root >>= 8) {
		h ^= root & 0xffu;
		h *= 0x100000001b3u;
	}
	for (int i = 0; i < 4; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i];
		     *p; p++) {
			h ^= *p;
			h *= 0x100000001b3u;
		}
		h *= 0x100000001b3u; /* the NUL between parts */
	}
	return h;
}

static size_t
rule_index(const struct tacit_report *r, const struct tacit_rule *rule)
{
	size_t n = tacit_rules_count(r->rules);

	for (size_t i = 0; i < n; i++)
		if (tacit_rules_get(r->rules, i) == rule)
			return i;
	return n; /* the fallback, listed last */
}

static void
sarif_file(struct tacit_report *r, const struct tacit_report_entry *e)
{
	FILE *f = r->out;
	const struct tacit_items *items = e->items;

	if (e->status == TACIT_FILE_ERROR) {
		/* Kept for the invocation, written at the end. */
		if (r->notes_f == NULL &&
		    (r->notes_f = open_memstream(&r->notes_buf,
			 &r->notes_len)) == NULL)
			return;
		fputs(r->notes++ ? ",\n{" : "\n{", r->notes_f);
		fputs("\"level\":\"error\",\"message\":{\"text\":", r->notes_f);
		json_fmt(r->notes_f, "%s: %s",
		    e->action ? e->action : "cannot check",
		    e->error ? e->error : "error");
		fputs("},\"locations\":[", r->notes_f);
		sarif_artifact(r->notes_f, r, e);
		fputs("}}]}", r->notes_f); /* location, and notification */
		return;
	}
	for (size_t i = 0; items != NULL && i < items->n; i++) {
		const struct tacit_item *it = &items->v[i];
		unsigned s = (unsigned)it->rule->severity & 3u;
		unsigned occ = 1;

		/* Information only (what the picture needs): not a result. */
		if (it->rule->severity == TACIT_SEV_INFO)
			continue;
		for (size_t j = 0; j < i; j++)
			if (items->v[j].rule == it->rule &&
			    strcmp(items->v[j].container, it->container) == 0 &&
			    strcmp(items->v[j].field, it->field) == 0)
				occ++;
		fputs(r->results++ ? ",\n{" : "\n{", f);
		fputs("\"ruleId\":", f);
		tacit_json_string(f, it->rule->id);
		fprintf(f, ",\"ruleIndex\":%zu,\"level\":\"%s\",",
		    rule_index(r, it->rule), sarif_levels[s]);
		fputs("\"message\":{\"text\":", f);
		json_fmt(f, "%s: %s %s", it->rule->summary, it->container,
		    it->field);
		fputs("},\"locations\":[", f);
		sarif_artifact(f, r, e);
		fputs(",\"region\":{\"startLine\":1}}}],", f);
		{
			uint64_t h = fingerprint(e->rel ? e->root : 0,
			    e->rel ? e->rel : e->path, it);

			fprintf(f,
			    "\"partialFingerprints\":{"
			    "\"primaryLocationLineHash\":\"%016llx:%u\","
			    "\"tacitFinding/v1\":\"%016llx:%u\"}",
			    (unsigned long long)h, occ, (unsigned long long)h,
			    occ);
		}
		if (r->baseline)
			fprintf(f, ",\"baselineState\":\"%s\"",
			    it->known ? "unchanged" : "new");
		putc('}', f);
	}
}

static void
sarif_end(struct tacit_report *r)
{
	FILE *f = r->out;

	fprintf(f, "\n],\n\"invocations\":[{\"executionSuccessful\":%s",
	    r->errors == 0 ? "true" : "false");
	if (r->notes_f != NULL && fclose(r->notes_f) == 0) {
		fputs(",\"toolExecutionNotifications\":[", f);
		fwrite(r->notes_buf, 1, r->notes_len, f);
		putc(']', f);
	}
	r->notes_f = NULL;
	fputs("}],\n\"originalUriBaseIds\":{", f);
	for (unsigned i = 0, n = 0; i < r->nroots; i++) {
		if (r->roots[i] == NULL)
			continue;
		if (n++)
			putc(',', f);
		root_id(f, i);
		fputs(":{\"uri\":", f);
		tacit_json_string(f, r->roots[i]);
		putc('}', f);
	}
	fputs("},\"columnKind\":\"unicodeCodePoints\"}]}\n", f);
}

static void
count(struct tacit_report *r, const struct tacit_items *items)
{
	for (size_t i = 0; items != NULL && i < items->n; i++) {
		const struct tacit_rule *rule = items->v[i].rule;

		r->findings++;
		r->by_severity[(unsigned)rule->severity & 3u]++;
		if ((int)rule->severity > r->max_severity)
			r->max_severity = (int)rule->severity;
		if (items->v[i].known)
			r->known++;
		else if ((int)rule->severity >= r->fail_on)
			r->at_fail_on++;
	}
	/* Items past the cap are unknown: count them at the bar. */
	if (items != NULL && items->dropped > 0) {
		r->findings += items->dropped;
		if (r->fail_on != TACIT_FAIL_NONE)
			r->at_fail_on += items->dropped;
	}
}

static void
json_file(struct tacit_report *r, const struct tacit_report_entry *e)
{
	const struct tacit_items *items = e->items;
	FILE *f = r->out;

	fputs(r->files > 1 ? ",\n{" : "\n{", f);
	fputs("\"path\":", f);
	tacit_json_string(f, e->path);
	fputs(",\"format\":", f);
	if (e->format != NULL)
		tacit_json_string(f, e->format);
	else
		fputs("null", f);
	fprintf(f, ",\"status\":\"%s\",\"error\":", status_names[e->status]);
	if (e->error != NULL)
		tacit_json_string(f, e->error);
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
		if (r->baseline)
			fprintf(f, ",\"baseline\":%s",
			    it->known ? "true" : "false");
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
text_file(struct tacit_report *r, const struct tacit_report_entry *e)
{
	const struct tacit_items *items = e->items;
	const char *path = e->path;
	FILE *f = r->out;

	if (e->status == TACIT_FILE_ERROR)
		return; /* the tool says it on stderr */
	if (e->status == TACIT_FILE_CLEANED || e->status == TACIT_FILE_CLEAN ||
	    e->status == TACIT_FILE_SKIPPED) {
		if (r->verbose) {
			tacit_text_print(f, path);
			fprintf(f, ": %s\n", status_names[e->status]);
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
		fprintf(f, ": %-6s %-20s %s %s%s%s",
		    tacit_severity_name(it->rule->severity), it->rule->id,
		    it->container, it->field, it->rule->keep ? " (kept)" : "",
		    it->known ? " (baseline)" : "");
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
tacit_report_add(struct tacit_report *r, const struct tacit_report_entry *e)
{
	if (r->format == TACIT_REPORT_SARIF && r->files == 0)
		sarif_begin(r);
	r->files++;
	if (e->status == TACIT_FILE_ERROR)
		r->errors++;
	if (e->status == TACIT_FILE_SKIPPED)
		r->skipped++;
	if (e->status == TACIT_FILE_CLEANED)
		r->cleaned++;
	if (e->status == TACIT_FILE_SCANNED)
		count(r, e->items);
	if (r->format == TACIT_REPORT_JSON)
		json_file(r, e);
	else if (r->format == TACIT_REPORT_SARIF)
		sarif_file(r, e);
	else
		text_file(r, e);
}

int
tacit_report_end(struct tacit_report *r)
{
	if (r->format == TACIT_REPORT_SARIF) {
		if (r->files == 0)
			sarif_begin(r);
		sarif_end(r);
	} else if (r->format == TACIT_REPORT_JSON) {
		fprintf(r->out,
		    "\n],\"summary\":{\"files\":%zu,"
		    "\"findings\":%zu,\"errors\":%zu,\"skipped\":%zu,"
		    "\"by_severity\":{\"high\":%zu,\"medium\":%zu,\"low\":%zu,"
		    "\"info\":%zu},\"max_severity\":",
		    r->files, r->findings, r->errors, r->skipped,
		    r->by_severity[TACIT_SEV_HIGH],
		    r->by_severity[TACIT_SEV_MEDIUM],
		    r->by_severity[TACIT_SEV_LOW],
		    r->by_severity[TACIT_SEV_INFO]);
		if (r->max_severity >= 0)
			fprintf(r->out, "\"%s\"",
			    tacit_severity_name(
				(enum tacit_severity)r->max_severity));
		else
			fputs("null", r->out);
		if (r->baseline)
			fprintf(r->out, ",\"known\":%zu", r->known);
		fprintf(r->out, ",\"fail_on\":\"%s\",\"failed\":%s}}\n",
		    fail_on_name(r->fail_on),
		    r->at_fail_on > 0 ? "true" : "false");
	}
	return fflush(r->out) == 0 && !ferror(r->out) ? 0 : -1;
}

void
tacit_report_free(struct tacit_report *r)
{
	for (unsigned i = 0; i < r->nroots; i++)
		free(r->roots[i]);
	free(r->roots);
	r->roots = NULL;
	r->nroots = 0;
	if (r->notes_f != NULL)
		fclose(r->notes_f);
	r->notes_f = NULL;
	free(r->notes_buf);
	r->notes_buf = NULL;
}
