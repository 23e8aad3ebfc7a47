/* fuzz_rules: libFuzzer target for the YAML rules loader. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_engine.h"
#include "tacit/rules.h"

/* Items every real scan produces, and the two the clean options ask for. */
static const char *const probe_items[][2] = {
	{ "EXIF", "Orientation" },
	{ "ICC", "profile" },
	{ "EXIF", "Make" },
	{ "XMP", "dc:creator" },
	{ "IPTC", "By-line" },
	{ "comment", "COM" },
	{ "text", "Comment" },
	{ "trailing", "after EOI" },
	{ "", "" },
	{ "chunk", "*[?" },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tacit_rules *r = NULL;
	struct tacit_err e = { "" };
	struct tacit_clean_opts o;
	struct tacit_items items;
	const size_t n = sizeof(probe_items) / sizeof(probe_items[0]);

	if (tacit_rules_load_mem(&r, (const char *)data, size, &e) !=
	    TACIT_OK) {
		if (r != NULL) {
			fprintf(stderr, "fuzz rules: failed load left rules\n");
			abort();
		}
		return 0;
	}
	/* A loaded rule set must answer for anything: the catch-all. */
	tacit_items_init(&items, 0);
	for (size_t i = 0; i < n; i++)
		if (tacit_items_add(&items, probe_items[i][0],
			probe_items[i][1], NULL, 0) != TACIT_OK)
			abort();
	tacit_rules_apply(r, &items);
	for (size_t i = 0; i < items.n; i++) {
		const struct tacit_rule *rule = items.v[i].rule;

		if (rule == NULL || rule->id == NULL ||
		    tacit_severity_name(rule->severity) == NULL) {
			fprintf(stderr, "fuzz rules: no rule for %s/%s\n",
			    items.v[i].container, items.v[i].field);
			abort();
		}
	}
	tacit_items_free(&items);
	tacit_rules_clean_opts(r, 0, &o);
	tacit_rules_clean_opts(r, 1, &o);
	if (o.keep_orientation || o.keep_icc)
		abort(); /* strip_all keeps nothing */
	tacit_rules_free(&r);
	tacit_rules_free(&r); /* documented safe twice */
	return 0;
}
