/* Unit tests for the rules loader and matcher. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/rules.h"

static struct tacit_rules *
load(const char *y, int want)
{
	struct tacit_rules *r = NULL;
	struct tacit_err e = { "" };

	assert_int_equal(tacit_rules_load_mem(&r, y, strlen(y), &e), want);
	if (want != 0)
		assert_true(e.msg[0] != '\0');
	return r;
}

static void
test_default_rules(void **state)
{
	struct tacit_rules *r;
	struct tacit_err e;
	struct tacit_clean_opts o;

	(void)state;
	assert_int_equal(tacit_rules_default(&r, &e), 0);
	assert_string_equal(tacit_rules_match(r, "EXIF", "GPSLatitude")->id,
	    "exif-gps");
	assert_int_equal(tacit_rules_match(r, "EXIF", "GPSLatitude")->severity,
	    TACIT_SEV_HIGH);
	assert_string_equal(tacit_rules_match(r, "EXIF", "BodySerialNumber")
				->id,
	    "exif-serial");
	assert_string_equal(tacit_rules_match(r, "EXIF", "Artist")->id,
	    "exif-owner");
	assert_string_equal(tacit_rules_match(r, "EXIF", "ColorSpace")->id,
	    "exif-other");
	assert_string_equal(tacit_rules_match(r, "XMP", "dc:creator")->id,
	    "xmp-person");
	assert_string_equal(tacit_rules_match(r, "IPTC", "City")->id,
	    "iptc-location");
	assert_true(tacit_rules_match(r, "EXIF", "Orientation")->keep);
	assert_true(tacit_rules_match(r, "ICC", "profile")->keep);
	assert_false(tacit_rules_match(r, "comment", "COM")->keep);
	assert_string_equal(tacit_rules_match(r, "nowhere", "x")->id,
	    "unlisted");
	tacit_rules_clean_opts(r, 0, &o);
	assert_true(o.keep_orientation && o.keep_icc);
	tacit_rules_clean_opts(r, 1, &o);
	assert_false(o.keep_orientation || o.keep_icc);
	tacit_rules_free(&r);
	tacit_rules_free(&r);
}

static void
test_first_match_and_lists(void **state)
{
	struct tacit_rules *r;
	struct tacit_clean_opts o;

	(void)state;
	r = load(
	    "version: 1\nrules:\n"
	    "  - {id: a, severity: low, container: EXIF, field: [Make, Model]}\n"
	    "  - {id: b, severity: high, container: 'E*'}\n",
	    0);
	assert_string_equal(tacit_rules_match(r, "EXIF", "Model")->id, "a");
	assert_string_equal(tacit_rules_match(r, "EXIF", "Orientation")->id,
	    "b");
	assert_string_equal(tacit_rules_match(r, "XMP", "x")->id, "unlisted");
	tacit_rules_clean_opts(r, 0, &o);
	assert_false(o.keep_orientation || o.keep_icc);
	tacit_rules_free(&r);
}

static void
test_bad_rules(void **state)
{
	char *big;

	(void)state;
	load("rules: []\n", TACIT_EFORMAT);
	load("version: 2\nrules: []\n", TACIT_EFORMAT);
	load("version: 1\nrules: {}\n", TACIT_EFORMAT);
	load("version: 1\nrules: [x]\n", TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {severity: low, container: a}\n",
	    TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {id: a, severity: dire, container: a}\n",
	    TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {id: a, severity: low}\n", TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {id: a, severity: low, container: a, "
	     "kepe: true}\n",
	    TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {id: a, severity: low, container: a, "
	     "keep: maybe}\n",
	    TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {id: a, severity: low, container: a, "
	     "field: [[x]]}\n",
	    TACIT_EFORMAT);
	load("version: 1\nrules:\n  - {id: a, severity: low, container: a, "
	     "field: []}\n",
	    TACIT_EFORMAT);
	load("version: 1\nrules: [\n", TACIT_EFORMAT);
	load("", TACIT_EFORMAT);
	big = malloc(TACIT_RULES_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, '[', 20000);
	big[20000] = '\0';
	load(big, TACIT_EFORMAT); /* deep nesting refused, and at once */
	free(big);
	big = malloc(TACIT_RULES_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, '#', TACIT_RULES_MAX_BYTES + 1);
	big[TACIT_RULES_MAX_BYTES + 1] = '\0';
	load(big, TACIT_EFORMAT);
	free(big);
}

/* The table compiled in is rules/metadata.yaml, rule for rule. */
static void
test_builtin_table_matches_yaml(void **state)
{
	struct tacit_rules *a, *b;
	struct tacit_err e;

	(void)state;
	if (tacit_rules_load_file(&b, "rules/metadata.yaml", &e) != 0)
		skip(); /* run from elsewhere than the top of the tree */
	assert_int_equal(tacit_rules_default(&a, &e), 0);
	assert_int_equal(tacit_rules_count(a), tacit_rules_count(b));
	assert_true(tacit_rules_count(a) > 20);
	for (size_t i = 0; i < tacit_rules_count(a); i++) {
		const struct tacit_rule *x = tacit_rules_get(a, i);
		const struct tacit_rule *y = tacit_rules_get(b, i);
		size_t k;

		assert_string_equal(x->id, y->id);
		assert_string_equal(x->summary, y->summary);
		assert_string_equal(x->container, y->container);
		assert_int_equal(x->severity, y->severity);
		assert_int_equal(x->keep, y->keep);
		for (k = 0; x->fields[k] != NULL; k++)
			assert_string_equal(x->fields[k], y->fields[k]);
		assert_null(y->fields[k]);
	}
	assert_null(tacit_rules_get(a, tacit_rules_count(a)));
	tacit_rules_free(&a);
	tacit_rules_free(&b);
}

static void
test_severity_names(void **state)
{
	(void)state;
	assert_int_equal(tacit_severity_parse("info"), TACIT_SEV_INFO);
	assert_int_equal(tacit_severity_parse("high"), TACIT_SEV_HIGH);
	assert_int_equal(tacit_severity_parse("HIGH"), -1);
	assert_string_equal(tacit_severity_name(TACIT_SEV_MEDIUM), "medium");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rules),
		cmocka_unit_test(test_first_match_and_lists),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_builtin_table_matches_yaml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
