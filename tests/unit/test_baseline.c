/* Unit tests for the baseline loader: JSON reports through libyaml. */
#define _GNU_SOURCE /* open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/baseline.h"
#include "tacit/text.h"

/* The report from the brief, as tacit sanitise --check --json writes it. */
static const char sample[] =
    "{\"tool\":\"tacit-sanitise\",\"version\":1,\"files\":[\n"
    "{\"path\":\"a/photo.jpg\",\"format\":\"JPEG\",\"status\":\"scanned\","
    "\"error\":null,\"findings\":[{\"container\":\"EXIF\",\"field\":"
    "\"Make\",\"rule\":\"exif-device\",\"severity\":\"medium\",\"kept\":"
    "false},{\"container\":\"EXIF\",\"field\":\"GPSLatitude\",\"rule\":"
    "\"exif-gps\",\"severity\":\"high\",\"kept\":false,\"baseline\":true}],"
    "\"more\":0},\n"
    "{\"path\":\"b.txt\",\"format\":null,\"status\":\"skipped\",\"error\":"
    "null,\"findings\":[],\"more\":0}\n"
    "],\"summary\":{\"files\":2,\"findings\":2,\"errors\":0,"
    "\"max_severity\":\"high\",\"fail_on\":\"medium\",\"failed\":true}}\n";

/* The same through `jq .`: indented, a space after each colon. */
static const char sample_jq[] = "{\n"
				"  \"tool\": \"tacit-sanitise\",\n"
				"  \"version\": 1,\n"
				"  \"files\": [\n"
				"    {\n"
				"      \"path\": \"a/photo.jpg\",\n"
				"      \"format\": \"JPEG\",\n"
				"      \"status\": \"scanned\",\n"
				"      \"error\": null,\n"
				"      \"findings\": [\n"
				"        {\n"
				"          \"container\": \"EXIF\",\n"
				"          \"field\": \"Make\",\n"
				"          \"rule\": \"exif-device\",\n"
				"          \"severity\": \"medium\",\n"
				"          \"kept\": false\n"
				"        },\n"
				"        {\n"
				"          \"container\": \"EXIF\",\n"
				"          \"field\": \"GPSLatitude\",\n"
				"          \"rule\": \"exif-gps\",\n"
				"          \"severity\": \"high\",\n"
				"          \"kept\": false,\n"
				"          \"baseline\": true\n"
				"        }\n"
				"      ],\n"
				"      \"more\": 0\n"
				"    },\n"
				"    {\n"
				"      \"path\": \"b.txt\",\n"
				"      \"format\": null,\n"
				"      \"status\": \"skipped\",\n"
				"      \"error\": null,\n"
				"      \"findings\": [],\n"
				"      \"more\": 0\n"
				"    }\n"
				"  ],\n"
				"  \"summary\": {\n"
				"    \"files\": 2,\n"
				"    \"findings\": 2,\n"
				"    \"errors\": 0,\n"
				"    \"max_severity\": \"high\",\n"
				"    \"fail_on\": \"medium\",\n"
				"    \"failed\": true\n"
				"  }\n"
				"}\n";

static struct tacit_baseline *
load_len(const char *text, size_t len)
{
	struct tacit_baseline *b = NULL;
	struct tacit_err e = { "" };
	int rc = tacit_baseline_load(&b, text, len, &e);

	if (rc != TACIT_OK)
		fail_msg("load failed (%d): %s", rc, e.msg);
	assert_non_null(b);
	return b;
}

static struct tacit_baseline *
load(const char *text)
{
	return load_len(text, strlen(text));
}

/* Loading must fail with EFORMAT and a message holding want. */
static void
refuse_len(const char *text, size_t len, const char *want)
{
	struct tacit_baseline *b = (struct tacit_baseline *)&b;
	struct tacit_err e = { "" };
	int rc = tacit_baseline_load(&b, text, len, &e);

	if (rc != TACIT_EFORMAT || strstr(e.msg, want) == NULL)
		fail_msg("%.60s: got %d '%s', want '%s'", text, rc, e.msg,
		    want);
	assert_null(b);
}

static void
refuse(const char *text, const char *want)
{
	refuse_len(text, strlen(text), want);
}

static void
check_sample(struct tacit_baseline *b)
{
	assert_int_equal(tacit_baseline_count(b), 2);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-device",
			     "EXIF", "Make"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-device",
			     "EXIF", "Make"),
	    0);
	/* Each of the four parts counts. */
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpeg", "exif-gps",
			     "EXIF", "GPSLatitude"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-gpz",
			     "EXIF", "GPSLatitude"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-gps",
			     "XMP", "GPSLatitude"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-gps",
			     "EXIF", "GPSLongitude"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "b.txt", "exif-gps", "EXIF",
			     "GPSLatitude"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-gps",
			     "EXIF", "GPSLatitude"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "a/photo.jpg", "exif-gps",
			     "EXIF", "GPSLatitude"),
	    0);
	/* Loaded stays loaded. */
	assert_int_equal(tacit_baseline_count(b), 2);
}

static void
test_sample(void **state)
{
	struct tacit_baseline *b = load(sample);

	(void)state;
	check_sample(b);
	tacit_baseline_free(&b);
	assert_null(b);
	tacit_baseline_free(&b); /* twice is fine */
	tacit_baseline_free(NULL);
	assert_int_equal(tacit_baseline_count(NULL), 0);
	assert_int_equal(tacit_baseline_take(NULL, "a", "b", "c", "d"), 0);
}

/* jq ., jq -S (keys sorted: findings before path), tabs, CRLF, a BOM. */
static void
test_reformatted(void **state)
{
	struct tacit_baseline *b;
	char *text = strdup(sample_jq), *crlf;
	size_t n = 0;

	(void)state;
	b = load(sample_jq);
	check_sample(b);
	tacit_baseline_free(&b);

	b = load("{\n\t\"files\": [\n\t\t{\n\t\t\t\"findings\": [\n"
		 "\t\t\t\t{\n\t\t\t\t\t\"container\": \"EXIF\",\n"
		 "\t\t\t\t\t\"field\": \"GPSLatitude\",\n"
		 "\t\t\t\t\t\"rule\": \"exif-gps\"\n\t\t\t\t},\n"
		 "\t\t\t\t{\n\t\t\t\t\t\"container\": \"EXIF\",\n"
		 "\t\t\t\t\t\"field\": \"Make\",\n"
		 "\t\t\t\t\t\"rule\": \"exif-device\"\n\t\t\t\t}\n"
		 "\t\t\t],\n\t\t\t\"path\": \"a/photo.jpg\"\n\t\t}\n"
		 "\t]\n}\n");
	check_sample(b);
	tacit_baseline_free(&b);

	/* Tabs and odd spacing anywhere JSON allows whitespace. */
	b = load("\t{\t\"files\"\t:\t[\t{\"path\" :\"p\" , \"findings\":[ "
		 "{ \"rule\":\"r\",\"container\":\"c\",\"field\":\"f\"}\t]}\t]"
		 "\t}\t\n");
	assert_int_equal(tacit_baseline_take(b, "p", "r", "c", "f"), 1);
	tacit_baseline_free(&b);

	crlf = malloc(2 * strlen(text) + 4);
	assert_non_null(crlf);
	memcpy(crlf, "\xef\xbb\xbf", 3);
	n = 3;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	b = load_len(crlf, n);
	check_sample(b);
	tacit_baseline_free(&b);
	free(crlf);
	free(text);
}

/* Each finding in the baseline excuses one finding of the run. */
static void
test_multiset(void **state)
{
	struct tacit_baseline *b;

	(void)state;
	b = load(
	    "{\"files\":[{\"path\":\"x.jpg\",\"findings\":["
	    "{\"rule\":\"r\",\"container\":\"EXIF\",\"field\":\"Make\"},"
	    "{\"rule\":\"r\",\"container\":\"EXIF\",\"field\":\"Make\"},"
	    "{\"rule\":\"r\",\"container\":\"EXIF\",\"field\":\"Model\"}]},"
	    "{\"path\":\"x.jpg\",\"findings\":["
	    "{\"rule\":\"r\",\"container\":\"EXIF\",\"field\":\"Model\"}]},"
	    "{\"path\":\"y.jpg\",\"findings\":["
	    "{\"rule\":\"r\",\"container\":\"EXIF\",\"field\":\"Make\"}]}"
	    "]}");
	assert_int_equal(tacit_baseline_count(b), 5);
	assert_int_equal(tacit_baseline_take(b, "x.jpg", "r", "EXIF", "Make"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "x.jpg", "r", "EXIF", "Make"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "x.jpg", "r", "EXIF", "Make"),
	    0);
	/* Two entries for one path add up. */
	assert_int_equal(tacit_baseline_take(b, "x.jpg", "r", "EXIF", "Model"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "x.jpg", "r", "EXIF", "Model"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "x.jpg", "r", "EXIF", "Model"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "y.jpg", "r", "EXIF", "Make"),
	    1);
	assert_int_equal(tacit_baseline_take(b, "y.jpg", "r", "EXIF", "Make"),
	    0);
	tacit_baseline_free(&b);

	/* The NUL between parts: "ab"+"c" is not "a"+"bc". */
	b = load("{\"files\":[{\"path\":\"ab\",\"findings\":["
		 "{\"rule\":\"c\",\"container\":\"\",\"field\":\"\"}]}]}");
	assert_int_equal(tacit_baseline_take(b, "a", "bc", "", ""), 0);
	assert_int_equal(tacit_baseline_take(b, "ab", "", "c", ""), 0);
	assert_int_equal(tacit_baseline_take(b, "ab", "c", "", ""), 1);
	tacit_baseline_free(&b);

	/* No findings anywhere: an empty baseline, not an error. */
	b = load("{\"files\":[{\"path\":\"x\"},{\"path\":\"y\","
		 "\"findings\":[]}]}");
	assert_int_equal(tacit_baseline_count(b), 0);
	assert_int_equal(tacit_baseline_take(b, "x", "", "", ""), 0);
	tacit_baseline_free(&b);
	b = load("{\"files\":[]}");
	assert_int_equal(tacit_baseline_count(b), 0);
	tacit_baseline_free(&b);
}

static void
test_unknown_keys(void **state)
{
	struct tacit_baseline *b;

	(void)state;
	b = load(
	    "{\"new\":{\"files\":7,\"a\":[[{}],{\"b\":[null,true,-1.5e+3]}]},"
	    "\"files\":[{\"findings\":[{\"value\":null,\"x\":{\"rule\":1},"
	    "\"field\":\"f\",\"baseline\":false,\"container\":\"c\","
	    "\"rule\":\"r\",\"value2\":\"v\\u0000\",\"n\":[0,-0,1E5,"
	    "0.25]}],\"path\":\"p\",\"more\":3,\"status\":{\"k\":[]},"
	    "\"error\":\"e\",\"format\":null,\"\":\"\"}],"
	    "\"summary\":{\"files\":\"not a list\"},\"version\":99}");
	assert_int_equal(tacit_baseline_count(b), 1);
	assert_int_equal(tacit_baseline_take(b, "p", "r", "c", "f"), 1);
	tacit_baseline_free(&b);
}

static void
test_escapes(void **state)
{
	struct tacit_baseline *b;

	(void)state;
	b = load(
	    "{\"files\":["
	    "{\"path\":\"caf\\u00e9 \\ud83d\\ude00\",\"findings\":[{"
	    "\"rule\":\"r\",\"container\":\"c\",\"field\":\"f\"}]},"
	    "{\"path\":\"caf\\u00E9 \\uD83D\\uDE00 2\",\"findings\":[{"
	    "\"rule\":\"r\",\"container\":\"c\",\"field\":\"f\"}]},"
	    "{\"path\":\"\\ufffd.jpg\",\"findings\":[{"
	    "\"rule\":\"r\",\"container\":\"c\",\"field\":\"f\"}]},"
	    "{\"path\":\"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u007f\","
	    "\"findings\":[{\"rule\":\"r\\u0041\",\"container\":\"\\u00e9\","
	    "\"field\":\"\\ud800\\udc00\\udbff\\udfff\"}]}"
	    "]}");
	assert_int_equal(tacit_baseline_count(b), 4);
	assert_int_equal(tacit_baseline_take(b, "caf\xc3\xa9 \xf0\x9f\x98\x80",
			     "r", "c", "f"),
	    1);
	assert_int_equal(tacit_baseline_take(b,
			     "caf\xc3\xa9 \xf0\x9f\x98\x80 2", "r", "c", "f"),
	    1);
	/* U+FFFD in the report stands for any invalid byte. */
	assert_int_equal(tacit_baseline_take(b, "\xff.jpg", "r", "c", "f"), 1);
	assert_int_equal(tacit_baseline_take(b, "\xef\xbf\xbd.jpg", "r", "c",
			     "f"),
	    0);
	assert_int_equal(tacit_baseline_take(b, "q\"\\/\b\f\n\r\t\x01\x7f",
			     "rA", "\xc3\xa9",
			     "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"),
	    1);
	tacit_baseline_free(&b);
}

/* Raw UTF-8 that YAML mangles or refuses, as jq writes it. */
static void
test_raw_characters(void **state)
{
	struct tacit_baseline *b;

	(void)state;
	/* U+0085 NEL, U+2028, U+2029, U+0080, U+FFFE, U+FFFF, DEL raw. */
	b = load("{\"files\":[{\"path\":\"a\xc2\x85 b \xe2\x80\xa8 c"
		 "\xe2\x80\xa9\xc2\x80\xef\xbf\xbe\xef\xbf\xbf\x7f\","
		 "\"findings\":[{\"rule\":\"r\",\"container\":\"c\","
		 "\"field\":\"f\"}]}]}");
	assert_int_equal(tacit_baseline_take(b,
			     "a\xc2\x85 b \xe2\x80\xa8 c\xe2\x80\xa9\xc2\x80"
			     "\xef\xbf\xbe\xef\xbf\xbf\x7f",
			     "r", "c", "f"),
	    1);
	tacit_baseline_free(&b);
}

/* Write a report of one file, one finding, as tacit_json_string does. */
static char *
report_of(const char *path, const char *rule, const char *container,
    const char *field, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	fputs("{\"files\":[{\"path\":", f);
	tacit_json_string(f, path);
	fputs(",\"findings\":[{\"container\":", f);
	tacit_json_string(f, container);
	fputs(",\"field\":", f);
	tacit_json_string(f, field);
	fputs(",\"rule\":", f);
	tacit_json_string(f, rule);
	fputs("}]}]}", f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* A name that is not UTF-8 still matches its own report. */
static void
test_not_utf8(void **state)
{
	static const char *const paths[] = {
		"\xff\xfe.jpg",
		"a\xc3",
		"\xc3\x28",
		"\xed\xa0\x80 surrogate",
		"\xc0\xaf overlong",
		"\xf4\x90\x80\x80 too big",
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\x80\x80\x80",
		"ok \xc3\xa9",
		"tab\there\nnewline \"q\" \\b",
		"\x01\x1f\x7f\xc2\x85\xc2\x9f\xe2\x80\xa8",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		size_t len;
		char *text =
		    report_of(paths[i], "r\xfe", "c\x80", "f\xc3", &len);
		struct tacit_baseline *b = load_len(text, len);

		if (tacit_baseline_take(b, paths[i], "r\xfe", "c\x80",
			"f\xc3") != 1)
			fail_msg("path %zu did not match: %s", i, text);
		assert_int_equal(tacit_baseline_take(b, paths[i], "r\xfe",
				     "c\x80", "f\xc3"),
		    0);
		tacit_baseline_free(&b);
		free(text);
	}
}

static void
test_bad_shapes(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "", "not a tacit report: empty" },
		{ "  \n", "not a tacit report: empty" },
		{ "[]", "not a tacit report: not a mapping" },
		{ "\"files\"", "not a tacit report: not a mapping" },
		{ "null", "not a tacit report: not a mapping" },
		{ "{}", "not a tacit report: no files" },
		{ "{\"tool\":\"tacit-sanitise\"}",
		    "not a tacit report: no files" },
		{ "{\"files\":{}}", "not a tacit report: files is not a list" },
		{ "{\"files\":null}",
		    "not a tacit report: files is not a list" },
		{ "{\"files\":\"a\"}",
		    "not a tacit report: files is not a list" },
		{ "{\"files\":[],\"files\":[]}",
		    "not a tacit report: files given twice" },
		{ "{1: 2,\"files\":[]}",
		    "not a tacit report: a key is not a string" },
		{ "{\"files\":[1]}", "file 1 is not a mapping" },
		{ "{\"files\":[{\"path\":\"a\"},[]]}",
		    "file 2 is not a mapping" },
		{ "{\"files\":[{}]}", "file 1: no path" },
		{ "{\"files\":[{\"findings\":[]}]}", "file 1: no path" },
		{ "{\"files\":[{\"path\":null}]}",
		    "file 1: path is not a string" },
		{ "{\"files\":[{\"path\":1}]}",
		    "file 1: path is not a string" },
		{ "{\"files\":[{\"path\":[]}]}",
		    "file 1: path is not a string" },
		{ "{\"files\":[{\"path\":{}}]}",
		    "file 1: path is not a string" },
		{ "{\"files\":[{\"path\":true}]}",
		    "file 1: path is not a string" },
		{ "{\"files\":[{\"path\":\"a\",\"path\":\"a\"}]}",
		    "file 1: path given twice" },
		{ "{\"files\":[{\"path\":\"a\\u0000b\"}]}",
		    "file 1: path holds a NUL" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":{}}]}",
		    "file 1: findings is not a list" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":null}]}",
		    "file 1: findings is not a list" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[],\"findings\":[]}]}",
		    "file 1: findings given twice" },
		{ "{\"files\":[{\"path\":\"a\"},{\"path\":\"b\",\"findings\":[1]}]}",
		    "file 2: finding 1 is not a mapping" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"container\":\"c\",\"field\":\"f\"},[]]}]}",
		    "file 1: finding 2 is not a mapping" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"container\":\"c\","
		  "\"field\":\"f\"}]}]}",
		    "file 1: finding 1: no rule" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"field\":\"f\"}]}]}",
		    "file 1: finding 1: no container" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"container\":\"c\"}]}]}",
		    "file 1: finding 1: no field" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":null,"
		  "\"container\":\"c\",\"field\":\"f\"}]}]}",
		    "file 1: finding 1: rule is not a string" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"container\":7,\"field\":\"f\"}]}]}",
		    "file 1: finding 1: container is not a string" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"container\":\"c\",\"field\":[\"f\"]}]}]}",
		    "file 1: finding 1: field is not a string" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"container\":\"c\",\"field\":{}}]}]}",
		    "file 1: finding 1: field is not a string" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"rule\":\"r\",\"container\":\"c\",\"field\":\"f\"}]}]}",
		    "file 1: finding 1: rule given twice" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\\u0000\","
		  "\"container\":\"c\",\"field\":\"f\"}]}]}",
		    "file 1: finding 1: rule holds a NUL" },
		{ "{\"files\":[{\"path\":\"a\",\"findings\":[{\"rule\":\"r\","
		  "\"container\":\"c\",\"field\":\"f\",7: 1}]}]}",
		    "file 1: finding 1: a key is not a string" },
		/* Not JSON, or not only JSON. */
		{ "{\"files\":[}", "line 1: " },
		{ "{\"files\":[]", "did not find expected" },
		{ "{\"files\":[]}}", "line 1: " },
		{ "{\"files\":[]} {\"files\":[]}", "line 1: " },
		{ "{\"files\":[]}\n---\n{\"files\":[]}",
		    "line 2: YAML document marker refused" },
		{ "---\n{\"files\":[]}",
		    "line 1: YAML document marker refused" },
		{ "{\"files\":[]}\n...\n",
		    "line 2: YAML document marker refused" },
		{ "%YAML 1.1\n---\n{\"files\":[]}", "line 1: not JSON" },
		{ "\"files\": []", "line 1: YAML block style refused" },
		{ "{\"files\":\n- 1}", "line 2: " },
		{ "{'files':[]}", "line 1: string not in double quotes" },
		{ "{\"files\":[],\"a\":'x'}",
		    "line 1: string not in double quotes" },
		{ "{\"files\":[],\"a\":|\n x\n}", "line 1: not JSON" },
		{ "{files: []}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{files:[]}", "line 1: " },
		{ "{\"files\":[],\"a\":yes}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\":True}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\":01}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\":1.}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\":-}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\":1e}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\"}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[],\"a\":a\"b\"}",
		    "line 1: unquoted text that is not a JSON value" },
		{ "{\"files\":[] # comment\n}",
		    "line 1: YAML comment refused" },
		{ "{\"files\":[],\"a\":!!str \"x\"}",
		    "line 1: YAML tag refused" },
		{ "{\"files\":[],\"a\":? x}", "line 1: not JSON" },
		{ "{\"files\":[],\"a\":\"\xff\"}", "line 1: not UTF-8" },
		{ "{\"files\":[],\"a\":\xff}", "line 1: not JSON" },
		{ "{\"files\":[],\"a\":\"\xc3\xa9\"}\xc2\xa0",
		    "line 1: not JSON" },
		/* Strings as JSON has them. */
		{ "{\"files\":[],\n\"a\":\"x\ty\"}",
		    "line 2: control character in a string" },
		{ "{\"files\":[],\"a\":\"x\ny\"}",
		    "line 1: control character in a string" },
		{ "{\"files\":[],\"a\":\"x\\\ny\"}",
		    "line 1: bad escape in a string" },
		{ "{\"files\":[],\"a\":\"\\x41\"}",
		    "line 1: bad escape in a string" },
		{ "{\"files\":[],\"a\":\"\\N\"}",
		    "line 1: bad escape in a string" },
		{ "{\"files\":[],\"a\":\"\\ \"}",
		    "line 1: bad escape in a string" },
		{ "{\"files\":[],\"a\":\"\\U00000041\"}",
		    "line 1: bad escape in a string" },
		{ "{\"files\":[],\"a\":\"\\u12\"}", "line 1: bad \\u escape" },
		{ "{\"files\":[],\"a\":\"\\u12g4\"}",
		    "line 1: bad \\u escape" },
		{ "{\"files\":[],\"a\":\"\\ud800\"}",
		    "line 1: unpaired surrogate in a \\u escape" },
		{ "{\"files\":[],\"a\":\"\\ud800\\u0041\"}",
		    "line 1: unpaired surrogate in a \\u escape" },
		{ "{\"files\":[],\"a\":\"\\ud800\\ud800\"}",
		    "line 1: unpaired surrogate in a \\u escape" },
		{ "{\"files\":[],\"a\":\"\\udc00\\ud800\"}",
		    "line 1: unpaired surrogate in a \\u escape" },
		{ "{\"files\":[],\"a\":\"\\ud83d\"}",
		    "line 1: unpaired surrogate in a \\u escape" },
		{ "{\"files\":[],\"a\":\"\\", "line 1: unterminated string" },
		{ "{\"files\":[],\"a\":\"abc", "line 1: " },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refuse(bad[i].text, bad[i].want);
	/* A NUL byte in the text is not JSON either. */
	refuse_len("{\"files\":[]}\0", 13, "line 1: not JSON");
	refuse_len("{\"files\":[],\"a\":\"\0\"}", 20,
	    "line 1: control character in a string");
}

/* YAML's anchors and aliases would let a small file expand hugely. */
static void
test_anchors_refused(void **state)
{
	(void)state;
	refuse("{\"files\":&a []}", "line 1: YAML anchor refused");
	refuse("{\"files\":[],\"x\":&a \"v\",\"y\":*a}",
	    "line 1: YAML anchor refused");
	refuse("{\"files\":[],\"y\":*a}", "line 1: YAML alias refused");
	refuse("{\"files\":[{\"path\":\"p\",\"findings\":[&f {\"rule\":\"r\","
	       "\"container\":\"c\",\"field\":\"f\"},*f,*f,*f]}]}",
	    "line 1: YAML anchor refused");
	refuse("{\"a\": &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"],\n"
	       "\"b\": &b [*a,*a,*a,*a,*a,*a,*a,*a,*a],\n"
	       "\"c\": &c [*b,*b,*b,*b,*b,*b,*b,*b,*b],\n"
	       "\"d\": &d [*c,*c,*c,*c,*c,*c,*c,*c,*c],\n"
	       "\"files\": [*d,*d,*d,*d,*d,*d,*d,*d,*d]}",
	    "line 1: YAML anchor refused");
	/* Inside a string, & and * are just characters. */
	struct tacit_baseline *b =
	    load("{\"files\":[{\"path\":\"&a *a !b #c 'd' %e\",\"findings\":["
		 "{\"rule\":\"r\",\"container\":\"c\",\"field\":\"f\"}]}]}");

	assert_int_equal(tacit_baseline_take(b, "&a *a !b #c 'd' %e", "r", "c",
			     "f"),
	    1);
	tacit_baseline_free(&b);
}

/* A growing text, built with stdio. */
struct text {
	FILE *f;
	char *buf;
	size_t len;
};

static void
text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	assert_non_null(t->f);
}

static void
text_close(struct text *t)
{
	assert_int_equal(fclose(t->f), 0);
	t->f = NULL;
}

static void
test_limit_bytes(void **state)
{
	size_t max = TACIT_BASELINE_MAX_BYTES;
	char *text = malloc(max + 1);
	struct tacit_baseline *b;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', max + 1);
	memcpy(text, "{\"files\":[]}", 12);
	b = load_len(text, max);
	assert_int_equal(tacit_baseline_count(b), 0);
	tacit_baseline_free(&b);
	refuse_len(text, max + 1, "larger than 64 MiB");
	free(text);
}

static void
test_limit_depth(void **state)
{
	unsigned max = TACIT_BASELINE_MAX_DEPTH;
	struct tacit_baseline *b;
	struct text t;
	char *deep;

	(void)state;
	/* The report itself is depth 1; 63 more lists make 64. */
	text_open(&t);
	fputs("{\"files\":[],\"x\":", t.f);
	for (unsigned i = 1; i < max; i++)
		fputc('[', t.f);
	for (unsigned i = 1; i < max; i++)
		fputc(']', t.f);
	fputs("}", t.f);
	text_close(&t);
	b = load(t.buf);
	tacit_baseline_free(&b);
	free(t.buf);

	text_open(&t);
	fputs("{\"files\":[],\"x\":", t.f);
	for (unsigned i = 0; i < max; i++)
		fputs("{\"a\":", t.f);
	fputs("1", t.f);
	for (unsigned i = 0; i < max; i++)
		fputc('}', t.f);
	fputs("}", t.f);
	text_close(&t);
	refuse(t.buf, "line 1: nested more than 64 deep");
	free(t.buf);

	/* A million brackets: refused fast, not parsed. */
	deep = malloc(1000001);
	assert_non_null(deep);
	memset(deep, '[', 1000000);
	deep[1000000] = '\0';
	memcpy(deep, "{\"x\":", 5);
	refuse(deep, "line 1: nested more than 64 deep");
	memset(deep + 1, '\n', 1000);
	memcpy(deep + 1001, "\"x\":{\"y\":", 9);
	refuse(deep, "line 1001: nested more than 64 deep");
	free(deep);
}

static void
test_limit_string(void **state)
{
	size_t max = TACIT_BASELINE_MAX_STRING;
	struct tacit_baseline *b;
	char *path = malloc(max + 2);
	struct text t;

	(void)state;
	assert_non_null(path);
	memset(path, 'a', max + 1);
	path[max] = '\0';
	text_open(&t);
	fprintf(t.f,
	    "{\"files\":[{\"path\":\"%s\",\"findings\":[{\"rule\":\"%s\","
	    "\"container\":\"%s\",\"field\":\"%s\"}]}]}",
	    path, path, path, path);
	text_close(&t);
	b = load(t.buf);
	assert_int_equal(tacit_baseline_take(b, path, path, path, path), 1);
	free(t.buf);
	/* Longer than anything loaded: cannot be there. */
	path[max] = 'a';
	path[max + 1] = '\0';
	assert_int_equal(tacit_baseline_take(b, path, "", "", ""), 0);
	/* A byte that is not UTF-8 becomes three: still looked up right. */
	memset(path, '\xff', max / 3);
	path[max / 3] = '\0';
	assert_int_equal(tacit_baseline_take(b, path, path, path, path), 0);
	tacit_baseline_free(&b);

	memset(path, 'a', max + 1);
	path[max + 1] = '\0';
	text_open(&t);
	fprintf(t.f, "{\"files\":[{\"path\":\"%s\"}]}", path);
	text_close(&t);
	refuse(t.buf, "line 1: string longer than 65536 bytes");
	free(t.buf);

	/* Ignored values and escapes count too. */
	text_open(&t);
	fputs("{\"files\":[],\"x\":\"", t.f);
	for (size_t i = 0; i <= max; i++)
		fputs("\\u0061", t.f);
	fputs("\"}", t.f);
	text_close(&t);
	refuse(t.buf, "line 1: string longer than 65536 bytes");
	free(t.buf);

	text_open(&t);
	fputs("{\"files\":[],\"x\":1", t.f);
	for (size_t i = 0; i <= max; i++)
		fputc('0', t.f);
	fputs("}", t.f);
	text_close(&t);
	refuse(t.buf, "line 1: string longer than 65536 bytes");
	free(t.buf);
	free(path);
}

static char *
many_findings(size_t n)
{
	struct text t;

	text_open(&t);
	fputs("{\"files\":[{\"path\":\"p\",\"findings\":[", t.f);
	for (size_t i = 0; i < n; i++)
		fputs(i ? ",{\"rule\":\"\",\"container\":\"\",\"field\":\"\"}"
			: "{\"rule\":\"\",\"container\":\"\",\"field\":\"\"}",
		    t.f);
	fputs("]}]}", t.f);
	text_close(&t);
	return t.buf;
}

static void
test_limit_findings(void **state)
{
	size_t max = TACIT_BASELINE_MAX_FINDINGS;
	struct tacit_baseline *b;
	char *text;

	(void)state;
	text = many_findings(max);
	b = load(text);
	assert_int_equal(tacit_baseline_count(b), max);
	for (size_t i = 0; i < max; i++)
		if (tacit_baseline_take(b, "p", "", "", "") != 1)
			fail_msg("take %zu failed", i);
	assert_int_equal(tacit_baseline_take(b, "p", "", "", ""), 0);
	tacit_baseline_free(&b);
	free(text);

	text = many_findings(max + 1);
	refuse(text, "more than 1000000 findings");
	free(text);
}

/* Many distinct findings: each found once, then no more. */
static void
test_many_distinct(void **state)
{
	enum { FILES = 1000, PER_FILE = 100 };
	struct tacit_baseline *b;
	char path[32], field[32];
	struct text t;

	(void)state;
	text_open(&t);
	fputs("{\"files\":[", t.f);
	for (int i = 0; i < FILES; i++) {
		fprintf(t.f, "%s{\"path\":\"dir/%d.jpg\",\"findings\":[",
		    i ? "," : "", i);
		for (int j = 0; j < PER_FILE; j++)
			fprintf(t.f,
			    "%s{\"rule\":\"exif-other\",\"container\":\"EXIF\","
			    "\"field\":\"Tag%d\"}",
			    j ? "," : "", j);
		fputs("]}", t.f);
	}
	fputs("]}", t.f);
	text_close(&t);
	b = load(t.buf);
	free(t.buf);
	assert_int_equal(tacit_baseline_count(b), FILES * PER_FILE);
	for (int round = 1; round >= 0; round--) {
		for (int i = 0; i < FILES; i++) {
			snprintf(path, sizeof(path), "dir/%d.jpg", i);
			for (int j = 0; j < PER_FILE; j++) {
				snprintf(field, sizeof(field), "Tag%d", j);
				if (tacit_baseline_take(b, path, "exif-other",
					"EXIF", field) != round)
					fail_msg("%s %s: not %d", path, field,
					    round);
			}
		}
	}
	assert_int_equal(tacit_baseline_take(b, "dir/0.jpg", "exif-other",
			     "EXIF", "Tag100"),
	    0);
	tacit_baseline_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_reformatted),
		cmocka_unit_test(test_multiset),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_raw_characters),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_bad_shapes),
		cmocka_unit_test(test_anchors_refused),
		cmocka_unit_test(test_limit_bytes),
		cmocka_unit_test(test_limit_depth),
		cmocka_unit_test(test_limit_string),
		cmocka_unit_test(test_limit_findings),
		cmocka_unit_test(test_many_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
