/* Unit tests for ignore: .tacitignore patterns (gitignore(5)) and rules. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tacit/ignore.h"

static struct tacit_ignore *
new_ignore(void)
{
	struct tacit_ignore *ig = NULL;

	assert_int_equal(tacit_ignore_new(&ig), TACIT_OK);
	assert_non_null(ig);
	return ig;
}

static void
add_ok(struct tacit_ignore *ig, const char *dir, const char *text)
{
	struct tacit_err e = { "" };

	if (tacit_ignore_add(ig, dir, text, strlen(text), &e) != TACIT_OK)
		fail_msg("add to '%s' failed: %s", dir, e.msg);
}

/* A fresh matcher with text as the root's .tacitignore. */
static struct tacit_ignore *
root(const char *text)
{
	struct tacit_ignore *ig = new_ignore();

	add_ok(ig, "", text);
	return ig;
}

static void
expect(const struct tacit_ignore *ig, const char *path, int is_dir, int want)
{
	int got = tacit_ignore_path(ig, path, is_dir);

	if (got != want)
		fail_msg("'%s'%s: ignored %d, want %d", path,
		    is_dir ? " (dir)" : "", got, want);
}

#define FILE_IS(ig, path, want) expect(ig, path, 0, want)
#define DIR_IS(ig, path, want) expect(ig, path, 1, want)

static void
expect_rule(const struct tacit_ignore *ig, const char *path, const char *rule,
    int want)
{
	int got = tacit_ignore_rule(ig, path, rule);

	if (got != want)
		fail_msg("'%s' rule %s: ignored %d, want %d", path, rule, got,
		    want);
}

/* add must fail with TACIT_EFORMAT and this message, keeping nothing. */
static void
add_fails(struct tacit_ignore *ig, const char *dir, const char *text,
    size_t len, const char *msg)
{
	struct tacit_err e = { "" };
	size_t before = tacit_ignore_count(ig);

	assert_int_equal(tacit_ignore_add(ig, dir, text, len, &e),
	    TACIT_EFORMAT);
	if (strcmp(e.msg, msg) != 0)
		fail_msg("message '%s', want '%s'", e.msg, msg);
	assert_int_equal(tacit_ignore_count(ig), before);
}

#define ADD_FAILS(ig, dir, text, msg) \
	add_fails(ig, dir, text, strlen(text), msg)

static void
test_blank_and_comments(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("\n\n# a comment\n   \n#*\n\n");
	assert_int_equal(tacit_ignore_count(ig), 0);
	FILE_IS(ig, "#*", 0);
	FILE_IS(ig, "a", 0);
	tacit_ignore_free(&ig);

	/* "\#" is a literal '#'; '#' later in a line is not a comment. */
	ig = root("\\#notes\na#b\n  #x\n");
	assert_int_equal(tacit_ignore_count(ig), 3);
	FILE_IS(ig, "#notes", 1);
	FILE_IS(ig, "d/#notes", 1);
	FILE_IS(ig, "\\#notes", 0);
	FILE_IS(ig, "a#b", 1);
	FILE_IS(ig, "  #x", 1); /* leading spaces are part of the pattern */
	FILE_IS(ig, "#x", 0);
	tacit_ignore_free(&ig);
}

static void
test_trailing_spaces(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("foo   \nbar\\ \nbaz\\ \\  \nqux\t\nsp\\ ace\n");
	FILE_IS(ig, "foo", 1);
	FILE_IS(ig, "foo ", 0);
	FILE_IS(ig, "bar ", 1);
	FILE_IS(ig, "bar", 0);
	FILE_IS(ig, "baz  ", 1);
	FILE_IS(ig, "baz", 0);
	FILE_IS(ig, "qux\t", 1); /* tabs are kept, as in git */
	FILE_IS(ig, "qux", 0);
	FILE_IS(ig, "sp ace", 1);
	tacit_ignore_free(&ig);
}

static void
test_negation(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	/* gitignore(5): Documentation/.gitignore */
	ig = root("*.html\n!foo.html\n");
	FILE_IS(ig, "gitignore.html", 1);
	FILE_IS(ig, "foo.html", 0);
	FILE_IS(ig, "sub/foo.html", 0);
	FILE_IS(ig, "sub/bar.html", 1);
	tacit_ignore_free(&ig);

	/* The last match wins, both ways. */
	ig = root("!a.txt\n*.txt\n");
	FILE_IS(ig, "a.txt", 1);
	tacit_ignore_free(&ig);

	ig = root("\\!important!.txt\n!\n");
	FILE_IS(ig, "!important!.txt", 1);
	FILE_IS(ig, "important!.txt", 0);
	FILE_IS(ig, "!", 0);
	assert_int_equal(tacit_ignore_count(ig), 1); /* "!" is nothing */
	tacit_ignore_free(&ig);
}

static void
test_dir_only(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	/* gitignore(5): doc/frotz/ vs frotz/ */
	ig = root("doc/frotz/\n");
	DIR_IS(ig, "doc/frotz", 1);
	FILE_IS(ig, "doc/frotz/x.c", 1);
	DIR_IS(ig, "a/doc/frotz", 0);
	FILE_IS(ig, "doc/frotz", 0); /* a file */
	tacit_ignore_free(&ig);

	ig = root("frotz/\n");
	DIR_IS(ig, "frotz", 1);
	DIR_IS(ig, "a/frotz", 1);
	FILE_IS(ig, "a/frotz/b/c", 1);
	FILE_IS(ig, "frotz", 0);
	FILE_IS(ig, "a/frotz", 0);
	DIR_IS(ig, "frotzy", 0);
	tacit_ignore_free(&ig);
}

static void
test_anchoring(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("/*.c\n");
	FILE_IS(ig, "x.c", 1);
	FILE_IS(ig, "a/x.c", 0);
	tacit_ignore_free(&ig);

	/* doc/frotz and /doc/frotz are the same pattern. */
	ig = root("doc/frotz\n");
	FILE_IS(ig, "doc/frotz", 1);
	DIR_IS(ig, "doc/frotz", 1);
	FILE_IS(ig, "a/doc/frotz", 0);
	tacit_ignore_free(&ig);
	ig = root("/doc/frotz\n");
	FILE_IS(ig, "doc/frotz", 1);
	FILE_IS(ig, "a/doc/frotz", 0);
	tacit_ignore_free(&ig);

	/* hello.* anywhere; /hello.* only at the top. */
	ig = root("hello.*\n");
	FILE_IS(ig, "hello.txt", 1);
	FILE_IS(ig, "a/hello.java", 1);
	FILE_IS(ig, "hello", 0);
	tacit_ignore_free(&ig);
	ig = root("/hello.*\n");
	FILE_IS(ig, "hello.txt", 1);
	FILE_IS(ig, "hello.c", 1);
	FILE_IS(ig, "a/hello.java", 0);
	tacit_ignore_free(&ig);

	/* foo/ * matches foo/test.json and foo/bar, not foo/bar/hello.c. */
	ig = root("foo/*\n!foo/bar/\n");
	FILE_IS(ig, "foo/test.json", 1);
	DIR_IS(ig, "foo/bar", 0);
	FILE_IS(ig, "foo/bar/hello.c", 0);
	DIR_IS(ig, "foo", 0);
	tacit_ignore_free(&ig);
	ig = root("foo/*\n");
	DIR_IS(ig, "foo/bar", 1);
	FILE_IS(ig, "foo/bar/hello.c", 1); /* through foo/bar */
	tacit_ignore_free(&ig);

	/* A name pattern matches only whole names. */
	ig = root("foo\n");
	FILE_IS(ig, "foo", 1);
	FILE_IS(ig, "a/b/foo", 1);
	FILE_IS(ig, "foo/x", 1);
	FILE_IS(ig, "afoo", 0);
	FILE_IS(ig, "foox", 0);
	FILE_IS(ig, "a/foox/b", 0);
	tacit_ignore_free(&ig);
}

static void
test_double_star(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("**/foo\n");
	FILE_IS(ig, "foo", 1);
	FILE_IS(ig, "a/foo", 1);
	FILE_IS(ig, "a/b/foo", 1);
	FILE_IS(ig, "afoo", 0);
	tacit_ignore_free(&ig);

	ig = root("**/foo/bar\n");
	FILE_IS(ig, "foo/bar", 1);
	FILE_IS(ig, "x/y/foo/bar", 1);
	FILE_IS(ig, "foo/x/bar", 0);
	FILE_IS(ig, "xfoo/bar", 0);
	tacit_ignore_free(&ig);

	ig = root("abc/**\n");
	FILE_IS(ig, "abc/x", 1);
	FILE_IS(ig, "abc/x/y/z", 1);
	DIR_IS(ig, "abc/x", 1);
	DIR_IS(ig, "abc", 0); /* everything inside, not abc itself */
	FILE_IS(ig, "x/abc/y", 0);
	tacit_ignore_free(&ig);

	ig = root("a/**/b\n");
	FILE_IS(ig, "a/b", 1);
	FILE_IS(ig, "a/x/b", 1);
	FILE_IS(ig, "a/x/y/b", 1);
	FILE_IS(ig, "a/xb", 0);
	FILE_IS(ig, "a/x/yb", 0);
	FILE_IS(ig, "b", 0);
	FILE_IS(ig, "x/a/b", 0);
	tacit_ignore_free(&ig);

	/* Not a whole component: the same as "*". */
	ig = root("a**b\n/x/**y\nfoo**/bar\n");
	FILE_IS(ig, "ab", 1);
	FILE_IS(ig, "axyb", 1);
	FILE_IS(ig, "a/b", 0);
	FILE_IS(ig, "x/ay", 1);
	FILE_IS(ig, "x/a/y", 0);
	FILE_IS(ig, "fooy/bar", 1);
	/* git 2.39 matches this one; gitignore(5) says it should not. */
	FILE_IS(ig, "foo/x/bar", 0);
	tacit_ignore_free(&ig);

	/* Runs of three or more; "**" alone; ** at both ends. */
	ig = root("***/x.o\n");
	FILE_IS(ig, "a/b/x.o", 1);
	tacit_ignore_free(&ig);
	ig = root("**\n");
	FILE_IS(ig, "anything", 1);
	FILE_IS(ig, "a/b", 1);
	tacit_ignore_free(&ig);
	ig = root("**/m/**\n");
	FILE_IS(ig, "m/x", 1);
	FILE_IS(ig, "a/m/b/c", 1);
	DIR_IS(ig, "a/m", 0);
	tacit_ignore_free(&ig);

	/* "**" then an escaped slash: any bytes, then a '/' (git). */
	ig = root("a/**\\/b\n");
	FILE_IS(ig, "a/x/b", 1);
	FILE_IS(ig, "a/b", 0);
	tacit_ignore_free(&ig);
}

static void
test_wildcards(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("x/a?c\nx/*b\n");
	FILE_IS(ig, "x/abc", 1);
	FILE_IS(ig, "x/ac", 0);
	FILE_IS(ig, "x/a/c", 0); /* ? never matches '/' */
	FILE_IS(ig, "x/b", 1);
	FILE_IS(ig, "x/aab", 1);
	FILE_IS(ig, "x/a/b", 0); /* nor does * */
	tacit_ignore_free(&ig);

	ig = root("*\n!*.keep\n");
	FILE_IS(ig, "a", 1);
	FILE_IS(ig, "b.keep", 0);
	FILE_IS(ig, "d/b.keep", 1); /* d itself is ignored */
	tacit_ignore_free(&ig);

	ig = root("\\*\n\\?x\n\\[y]\na\\\\b\n\\a\\b\n");
	FILE_IS(ig, "*", 1);
	FILE_IS(ig, "z", 0);
	FILE_IS(ig, "?x", 1);
	FILE_IS(ig, "ax", 0);
	FILE_IS(ig, "[y]", 1);
	FILE_IS(ig, "y", 0);
	FILE_IS(ig, "a\\b", 1);
	FILE_IS(ig, "ab", 1);
	tacit_ignore_free(&ig);

	/* A lone backslash at the end: matches nothing, as in git. */
	ig = root("foo\\\n");
	assert_int_equal(tacit_ignore_count(ig), 1);
	FILE_IS(ig, "foo\\", 0);
	FILE_IS(ig, "foo", 0);
	tacit_ignore_free(&ig);

	/* Case matters. */
	ig = root("*.JPG\n");
	FILE_IS(ig, "a.JPG", 1);
	FILE_IS(ig, "a.jpg", 0);
	tacit_ignore_free(&ig);
}

static void
test_classes(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("*.[oa]\n");
	FILE_IS(ig, "x.o", 1);
	FILE_IS(ig, "lib.a", 1);
	FILE_IS(ig, "x.c", 0);
	tacit_ignore_free(&ig);

	ig = root("n[!0-9]\nc[^a-y]\nr[a-cx]\n");
	FILE_IS(ig, "na", 1);
	FILE_IS(ig, "n5", 0);
	FILE_IS(ig, "cz", 1);
	FILE_IS(ig, "cb", 0);
	FILE_IS(ig, "rb", 1);
	FILE_IS(ig, "rx", 1);
	FILE_IS(ig, "rd", 0);
	tacit_ignore_free(&ig);

	/* ']' first is literal; '-' first or last is literal. */
	ig = root("a[]]\nb[!]]\nc[a-]\nd[-z]\ne[\\]x]\n");
	FILE_IS(ig, "a]", 1);
	FILE_IS(ig, "b]", 0);
	FILE_IS(ig, "bq", 1);
	FILE_IS(ig, "c-", 1);
	FILE_IS(ig, "ca", 1);
	FILE_IS(ig, "cb", 0);
	FILE_IS(ig, "d-", 1);
	FILE_IS(ig, "dy", 0);
	FILE_IS(ig, "e]", 1);
	FILE_IS(ig, "ex", 1);
	tacit_ignore_free(&ig);

	ig = root("[[:digit:]]*\nx[[:space:]]\nu[[:upper:][:punct:]]\n");
	FILE_IS(ig, "2024.log", 1);
	FILE_IS(ig, "log", 0);
	FILE_IS(ig, "x ", 1);
	FILE_IS(ig, "x\t", 1);
	FILE_IS(ig, "x\v", 0); /* git's [:space:] is " \t\n\r" */
	FILE_IS(ig, "uQ", 1);
	FILE_IS(ig, "u!", 1);
	FILE_IS(ig, "uq", 0);
	tacit_ignore_free(&ig);

	/* A class never matches '/', negated or not. */
	ig = root("a[/]b\nc[!x]d\n");
	FILE_IS(ig, "a/b", 0);
	FILE_IS(ig, "c/d", 0);
	FILE_IS(ig, "cyd", 1);
	tacit_ignore_free(&ig);

	/* Unterminated or unknown classes match nothing, as in git. */
	ig = root("[abc\nx[[:bogus:]]\ny[[:al]\n");
	assert_int_equal(tacit_ignore_count(ig), 3);
	FILE_IS(ig, "[abc", 0);
	FILE_IS(ig, "a", 0);
	FILE_IS(ig, "x[[:bogus:]]", 0);
	FILE_IS(ig, "xb", 0);
	/* "[[:al]" has no ":]": the set '[', ':', 'a', 'l'. */
	FILE_IS(ig, "y:", 1);
	FILE_IS(ig, "yl", 1);
	FILE_IS(ig, "yb", 0);
	tacit_ignore_free(&ig);
}

static void
test_line_ends(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("\xef\xbb\xbf*.o\r\n!keep.o\r\n\r\nlast");
	assert_int_equal(tacit_ignore_count(ig), 3);
	FILE_IS(ig, "x.o", 1);
	FILE_IS(ig, "keep.o", 0);
	FILE_IS(ig, "last", 1);
	tacit_ignore_free(&ig);

	/* A BOM anywhere else is part of a pattern. */
	ig = root("a\n\xef\xbb\xbf"
		  "b\n");
	FILE_IS(ig, "b", 0);
	FILE_IS(ig,
	    "\xef\xbb\xbf"
	    "b",
	    1);
	tacit_ignore_free(&ig);

	/* CR-only is no line end; a lone CR before LF goes. */
	ig = root("a\rb\n");
	FILE_IS(ig, "a\rb", 1);
	tacit_ignore_free(&ig);
}

static void
test_nested(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	/* gitignore(5): vmlinux* at the top, !/vmlinux* deeper. */
	ig = new_ignore();
	add_ok(ig, "", "vmlinux*\n");
	add_ok(ig, "arch/foo/kernel", "!/vmlinux*\n");
	FILE_IS(ig, "vmlinux", 1);
	FILE_IS(ig, "arch/foo/kernel/vmlinux.lds.S", 0);
	FILE_IS(ig, "arch/foo/kernel/sub/vmlinux.x", 1); /* "/" anchors */
	FILE_IS(ig, "arch/vmlinux.x", 1);
	tacit_ignore_free(&ig);

	/* Deeper files win, whatever order they are added in. */
	for (int order = 0; order < 2; order++) {
		ig = new_ignore();
		if (order == 0)
			add_ok(ig, "", "*.jpg\n");
		add_ok(ig, "photos", "!*.jpg\n");
		add_ok(ig, "photos/raw", "*.jpg\n");
		add_ok(ig, "other", "x\n");
		if (order == 1)
			add_ok(ig, "", "*.jpg\n");
		FILE_IS(ig, "a.jpg", 1);
		FILE_IS(ig, "photos/a.jpg", 0);
		FILE_IS(ig, "photos/sub/a.jpg", 0);
		FILE_IS(ig, "photos/raw/a.jpg", 1);
		FILE_IS(ig, "other/a.jpg", 1);
		FILE_IS(ig, "photosx/a.jpg", 1);
		tacit_ignore_free(&ig);
	}

	/*
	 * A .tacitignore applies below its directory only: not to the
	 * directory itself, not to a sibling sharing a prefix.
	 */
	ig = new_ignore();
	add_ok(ig, "a", "a\n*.o\n/top\n");
	DIR_IS(ig, "a", 0);
	DIR_IS(ig, "a/a", 1);
	FILE_IS(ig, "a/x.o", 1);
	FILE_IS(ig, "a/b/x.o", 1);
	FILE_IS(ig, "ab/x.o", 0);
	FILE_IS(ig, "x.o", 0);
	FILE_IS(ig, "a/top", 1);
	FILE_IS(ig, "a/b/top", 0);
	FILE_IS(ig, "top", 0);
	tacit_ignore_free(&ig);

	/* The same directory twice: the later lines come last. */
	ig = new_ignore();
	add_ok(ig, "d", "*.txt\n");
	add_ok(ig, "d", "!a.txt\n");
	FILE_IS(ig, "d/a.txt", 0);
	FILE_IS(ig, "d/b.txt", 1);
	tacit_ignore_free(&ig);
}

static void
test_parent_excluded(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	/* gitignore(5): exclude everything except directory foo/bar. */
	ig = root("/*\n!/foo\n/foo/*\n!/foo/bar\n");
	FILE_IS(ig, "top.txt", 1);
	DIR_IS(ig, "foo", 0);
	FILE_IS(ig, "foo/x", 1);
	DIR_IS(ig, "foo/bar", 0);
	FILE_IS(ig, "foo/bar/x", 0);
	FILE_IS(ig, "foo/bar/y/z", 0);
	FILE_IS(ig, "other/foo/bar/x", 1);
	tacit_ignore_free(&ig);

	/* A file below an ignored directory cannot come back. */
	ig = root("build/\n!build/keep.txt\n!keep2.txt\n");
	FILE_IS(ig, "build/keep.txt", 1);
	FILE_IS(ig, "build/keep2.txt", 1);
	FILE_IS(ig, "keep2.txt", 0);
	tacit_ignore_free(&ig);
	ig = new_ignore();
	add_ok(ig, "", "build/\n");
	add_ok(ig, "build", "!*\n");
	FILE_IS(ig, "build/x", 1);
	tacit_ignore_free(&ig);

	/* But a directory re-included before its file is looked at is. */
	ig = root("logs/\n!logs/\n*.log\n!keep.log\n");
	FILE_IS(ig, "logs/a.log", 1);
	FILE_IS(ig, "logs/keep.log", 0);
	FILE_IS(ig, "logs/a.txt", 0);
	tacit_ignore_free(&ig);
}

static void
test_deep_paths(void **state)
{
	struct tacit_ignore *ig;
	char path[1024], *p = path;

	(void)state;
	/* 400 components: more than one window of prefixes. */
	for (int i = 0; i < 400; i++) {
		p += sprintf(p, "%s%c", i == 300 ? "stop" : "d", '/');
	}
	strcpy(p, "f.txt");
	ig = root("stop/\n");
	FILE_IS(ig, path, 1);
	DIR_IS(ig, "d/d/d", 0);
	tacit_ignore_free(&ig);
	ig = root("*.txt\n!d/\n");
	FILE_IS(ig, path, 1);
	tacit_ignore_free(&ig);
	ig = root("d/\n!d/\n");
	FILE_IS(ig, path, 0);
	tacit_ignore_free(&ig);
	ig = root("/d/**/stop/d\n");
	FILE_IS(ig, path, 1);
	strstr(path, "stop/")[5] = 'x';
	FILE_IS(ig, path, 0);
	tacit_ignore_free(&ig);
	ig = root("/d/**/stop/x\n");
	FILE_IS(ig, path, 1);
	tacit_ignore_free(&ig);
}

static void
test_per_rule(void **state)
{
	struct tacit_ignore *ig;

	(void)state;
	ig = root("maps/*.jpg  :exif-gps,xmp-gps\n"
		  "!maps/keep.jpg :exif-gps\n");
	assert_int_equal(tacit_ignore_count(ig), 2);
	/* A per-rule line never ignores the file. */
	FILE_IS(ig, "maps/a.jpg", 0);
	expect_rule(ig, "maps/a.jpg", "exif-gps", 1);
	expect_rule(ig, "maps/a.jpg", "xmp-gps", 1);
	expect_rule(ig, "maps/a.jpg", "exif-serial", 0);
	expect_rule(ig, "maps/keep.jpg", "exif-gps", 0);
	expect_rule(ig, "maps/keep.jpg", "xmp-gps", 1);
	expect_rule(ig, "a.jpg", "exif-gps", 0);
	expect_rule(ig, "maps/sub/a.jpg", "exif-gps", 0);
	tacit_ignore_free(&ig);

	/* Through a directory, and back for one file below it. */
	ig = root("maps/ :exif-gps\n!maps/x/y.png :exif-gps\n");
	expect_rule(ig, "maps/x/z.png", "exif-gps", 1);
	expect_rule(ig, "a/maps/z.png", "exif-gps", 1);
	expect_rule(ig, "maps/x/y.png", "exif-gps", 0);
	expect_rule(ig, "maps", "exif-gps", 0); /* a file named maps */
	tacit_ignore_free(&ig);

	/* Spacing: tabs, blanks around ids, trailing blanks, CRLF. */
	ig = root("a.png\t:exif-gps\r\n"
		  "b.png :  exif-gps ,\txmp-gps  \r\n"
		  "c.png:exif-gps\n"
		  "d\\ :e :a1-b2\n"
		  "e\\ :exif-gps\n");
	expect_rule(ig, "a.png", "exif-gps", 1);
	expect_rule(ig, "b.png", "exif-gps", 1);
	expect_rule(ig, "b.png", "xmp-gps", 1);
	/* No blank before ':': a plain pattern named "c.png:exif-gps". */
	expect_rule(ig, "c.png", "exif-gps", 0);
	FILE_IS(ig, "c.png:exif-gps", 1);
	/* "\ :" is a literal " :". */
	expect_rule(ig, "d :e", "a1-b2", 1);
	FILE_IS(ig, "e :exif-gps", 1);
	expect_rule(ig, "e", "exif-gps", 0);
	tacit_ignore_free(&ig);

	/* Whole-file lines and per-rule lines are separate. */
	ig = root("*.jpg\n*.png :exif-gps\n!a.png\n");
	expect_rule(ig, "a.jpg", "exif-gps", 0);
	expect_rule(ig, "a.png", "exif-gps", 1);
	FILE_IS(ig, "a.png", 0);
	FILE_IS(ig, "b.png", 0);
	tacit_ignore_free(&ig);

	/* Nested: the deeper file wins, per rule. */
	ig = new_ignore();
	add_ok(ig, "", "*.jpg :exif-gps,exif-serial\n");
	add_ok(ig, "pub", "!*.jpg :exif-gps\n");
	expect_rule(ig, "x.jpg", "exif-gps", 1);
	expect_rule(ig, "pub/x.jpg", "exif-gps", 0);
	expect_rule(ig, "pub/x.jpg", "exif-serial", 1);
	expect_rule(ig, "pub/deep/x.jpg", "exif-gps", 0);
	tacit_ignore_free(&ig);

	/* Dir-only, anchored, ** and classes work in per-rule lines too. */
	ig = root("/a/**/[0-9]*.jpg :exif-gps\nlogs/ :comment\n");
	expect_rule(ig, "a/1.jpg", "exif-gps", 1);
	expect_rule(ig, "a/b/c/2x.jpg", "exif-gps", 1);
	expect_rule(ig, "b/a/1.jpg", "exif-gps", 0);
	expect_rule(ig, "a/x.jpg", "exif-gps", 0);
	expect_rule(ig, "logs/x/y.txt", "comment", 1);
	expect_rule(ig, "logs", "comment", 0);
	tacit_ignore_free(&ig);
}

static void
test_errors(void **state)
{
	struct tacit_ignore *ig;
	struct tacit_err e = { "" };

	(void)state;
	ig = root("keep\n");
	ADD_FAILS(ig, "", "ok\nfoo :\n", "line 2: empty rule list");
	ADD_FAILS(ig, "", "foo :  \t\n", "line 1: empty rule list");
	ADD_FAILS(ig, "", "foo :Exif",
	    "line 1: bad rule id (want [a-z0-9][a-z0-9-]*)");
	ADD_FAILS(ig, "", "foo :-a",
	    "line 1: bad rule id (want [a-z0-9][a-z0-9-]*)");
	ADD_FAILS(ig, "", "foo :a_b",
	    "line 1: bad rule id (want [a-z0-9][a-z0-9-]*)");
	ADD_FAILS(ig, "", "foo :a b",
	    "line 1: bad rule id (want [a-z0-9][a-z0-9-]*)");
	ADD_FAILS(ig, "", "foo :a :b",
	    "line 1: bad rule id (want [a-z0-9][a-z0-9-]*)");
	ADD_FAILS(ig, "", "foo :a,", "line 1: empty rule id");
	ADD_FAILS(ig, "", "foo :a,,b", "line 1: empty rule id");
	ADD_FAILS(ig, "", "foo :,a", "line 1: empty rule id");
	ADD_FAILS(ig, "", "# c\n\n :exif-gps\n",
	    "line 3: no pattern before the rule list");
	add_fails(ig, "", "a\nb\nc\0d\n", 8, "line 3: NUL byte");
	add_fails(ig, "", "#\0", 2, "line 1: NUL byte");
	ADD_FAILS(ig, "/a", "x",
	    "bad .tacitignore directory (a leading, trailing or double '/')");
	ADD_FAILS(ig, "a/", "x",
	    "bad .tacitignore directory (a leading, trailing or double '/')");
	ADD_FAILS(ig, "a//b", "x",
	    "bad .tacitignore directory (a leading, trailing or double '/')");
	/* What was there before still works. */
	assert_int_equal(tacit_ignore_count(ig), 1);
	FILE_IS(ig, "keep", 1);
	FILE_IS(ig, "ok", 0);
	/* Empty text, NULL text, NULL dir: nothing to add, no error. */
	assert_int_equal(tacit_ignore_add(ig, "", "", 0, &e), TACIT_OK);
	assert_int_equal(tacit_ignore_add(ig, "x", NULL, 0, &e), TACIT_OK);
	assert_int_equal(tacit_ignore_add(ig, NULL, "n\n", 2, &e), TACIT_OK);
	FILE_IS(ig, "n", 1);
	tacit_ignore_free(&ig);
}

static void
test_line_limit(void **state)
{
	struct tacit_ignore *ig = new_ignore();
	char *buf = malloc(4100);

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', 4097);
	add_fails(ig, "", buf, 4097, "line 1: longer than 4096 bytes");
	/* 4096 bytes is fine, with LF or CRLF after it. */
	memcpy(buf + 4096, "\r\n", 2);
	assert_int_equal(tacit_ignore_add(ig, "", buf, 4098, NULL), TACIT_OK);
	buf[4096] = '\0';
	FILE_IS(ig, buf, 1);
	/* A 4096-byte pattern of wildcards. */
	for (size_t i = 0; i < 4096; i++)
		buf[i] = "*?"[i % 2];
	assert_int_equal(tacit_ignore_add(ig, "", buf, 4096, NULL), TACIT_OK);
	FILE_IS(ig, "short", 0);
	assert_int_equal(tacit_ignore_count(ig), 2);
	free(buf);
	tacit_ignore_free(&ig);
}

static void
test_pattern_limit(void **state)
{
	struct tacit_ignore *ig = new_ignore();
	const size_t max = 100000;
	char *text = malloc(2 * max + 2);
	struct tacit_err e = { "" };

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < max + 1; i++)
		memcpy(text + 2 * i, "x\n", 2);
	add_fails(ig, "", text, 2 * (max + 1),
	    "line 100001: more than 100000 patterns");
	assert_int_equal(tacit_ignore_count(ig), 0);
	/* Exactly the limit is fine; comments do not count. */
	assert_int_equal(tacit_ignore_add(ig, "", text, 2 * (max - 1), &e),
	    TACIT_OK);
	assert_int_equal(tacit_ignore_add(ig, "d", "#\n\ny :a\n", 8, &e),
	    TACIT_OK);
	assert_int_equal(tacit_ignore_count(ig), max);
	ADD_FAILS(ig, "", "#\nz\n", "line 2: more than 100000 patterns");
	assert_int_equal(tacit_ignore_count(ig), max);
	FILE_IS(ig, "x", 1);
	FILE_IS(ig, "z", 0);
	expect_rule(ig, "d/y", "a", 1);
	free(text);
	tacit_ignore_free(&ig);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Patterns that make a backtracking matcher exponential finish fast. */
static void
test_pathological(void **state)
{
	struct tacit_ignore *ig = new_ignore();
	char *pat = malloc(4200), *path = malloc(8200);
	double t0 = now();
	size_t n = 0;

	(void)state;
	assert_non_null(pat);
	assert_non_null(path);
	/* a*a*...a*b against aaa...a */
	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(pat + n, "a*");
	strcpy(pat + n, "b\n");
	add_ok(ig, "", pat);
	memset(path, 'a', 4000);
	path[4000] = '\0';
	FILE_IS(ig, path, 0);

	/* Many "**" components against a deep path. */
	n = 0;
	for (int i = 0; i < 1300; i++)
		n += (size_t)sprintf(pat + n, "**/");
	strcpy(pat + n, "x\n");
	add_ok(ig, "", pat);
	for (int i = 0; i < 2000; i++)
		memcpy(path + 2 * i, "a/", 2);
	strcpy(path + 4000, "b");
	FILE_IS(ig, path, 0);
	strcpy(path + 4000, "x");
	FILE_IS(ig, path, 1);
	/* No literal end to rule prefixes out: the automaton for each. */
	tacit_ignore_free(&ig);
	ig = new_ignore();
	strcpy(pat + n, "[b]\n");
	add_ok(ig, "", pat);
	strcpy(path + 4000, "a");
	FILE_IS(ig, path, 0);
	expect_rule(ig, path, "r", 0);
	strcpy(pat + n, "[b] :r\n");
	add_ok(ig, "", pat);
	FILE_IS(ig, path, 0);
	expect_rule(ig, path, "r", 0);
	strcpy(path + 4000, "b");
	expect_rule(ig, path, "r", 1);
	FILE_IS(ig, path, 1);

	/* *?*?*?... and [a]*[a]*... against a long name. */
	tacit_ignore_free(&ig);
	ig = new_ignore();
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(pat + n, "*?");
	strcpy(pat + n, "z\n");
	add_ok(ig, "", pat);
	n = 0;
	for (int i = 0; i < 500; i++)
		n += (size_t)sprintf(pat + n, "[a]*");
	strcpy(pat + n, "z\n");
	add_ok(ig, "", pat);
	memset(path, 'a', 4000);
	path[4000] = '\0';
	FILE_IS(ig, path, 0);
	expect_rule(ig, path, "x", 0);
	if (now() - t0 > 5.0)
		fail_msg("pathological patterns took %.1f s", now() - t0);
	free(pat);
	free(path);
	tacit_ignore_free(&ig);
}

static void
test_api_edges(void **state)
{
	struct tacit_ignore *ig = NULL;

	(void)state;
	tacit_ignore_free(NULL);
	tacit_ignore_free(&ig);
	assert_int_equal(tacit_ignore_count(NULL), 0);
	assert_int_equal(tacit_ignore_path(NULL, "a", 0), 0);
	assert_int_equal(tacit_ignore_rule(NULL, "a", "r"), 0);
	ig = root("*\n* :r\n");
	assert_int_equal(tacit_ignore_path(ig, "", 0), 0);
	assert_int_equal(tacit_ignore_path(ig, NULL, 0), 0);
	assert_int_equal(tacit_ignore_rule(ig, "", "r"), 0);
	assert_int_equal(tacit_ignore_rule(ig, "a", NULL), 0);
	assert_int_equal(tacit_ignore_rule(ig, "a", "r"), 1);
	tacit_ignore_free(&ig);
	assert_null(ig);
	tacit_ignore_free(&ig); /* safe twice */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank_and_comments),
		cmocka_unit_test(test_trailing_spaces),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_dir_only),
		cmocka_unit_test(test_anchoring),
		cmocka_unit_test(test_double_star),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_parent_excluded),
		cmocka_unit_test(test_deep_paths),
		cmocka_unit_test(test_per_rule),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_pattern_limit),
		cmocka_unit_test(test_pathological),
		cmocka_unit_test(test_api_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
