/* Unit tests for the web page metadata scanner and its output hygiene. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/html.h"
#include "tacit/text.h"

/* Scan a NUL-terminated page, which must succeed. */
static void
scan(const char *page, const char *charset, struct tacit_html_meta *m)
{
	struct tacit_err e;

	assert_int_equal(tacit_html_scan(page, strlen(page), charset, m, &e),
	    TACIT_OK);
	assert_non_null(m->charset);
}

/* The title of a page, or "(null)"; the caller frees nothing. */
static const char *
title_of(const char *page, const char *charset)
{
	static char buf[TACIT_HTML_FIELD_MAX + 1];
	struct tacit_html_meta m;

	scan(page, charset, &m);
	strcpy(buf, m.title != NULL ? m.title : "(null)");
	tacit_html_meta_free(&m);
	return buf;
}

/* Every byte valid UTF-8, no unsafe character, no double space. */
static void
assert_clean(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	assert_true(n <= max);
	if (n > 0) {
		assert_true(s[0] != ' ');
		assert_true(s[n - 1] != ' ');
	}
	assert_null(strstr(s, "  "));
	while (n > 0) {
		unsigned cp;
		size_t len = tacit_utf8_next(p, n, &cp);

		assert_true(len > 0);
		assert_false(tacit_unsafe_codepoint(cp));
		p += len;
		n -= len;
	}
}

static void
test_precedence(void **state)
{
	struct tacit_html_meta m;

	(void)state;
	/* og: beats twitter: beats <title>, whatever the order. */
	scan("<title>plain</title>"
	     "<meta name=\"twitter:title\" content=\"tw\">"
	     "<meta property=\"og:title\" content=\"og\">"
	     "<meta name=\"description\" content=\"d plain\">"
	     "<meta name=\"twitter:description\" content=\"d tw\">"
	     "<meta property=\"og:description\" content=\"d og\">"
	     "<meta name=\"twitter:image\" content=\"https://t/i.png\">"
	     "<meta property=\"og:image\" content=\"https://o/i.png\">"
	     "<meta property=\"og:site_name\" content=\"Site\">",
	    NULL, &m);
	assert_string_equal(m.title, "og");
	assert_string_equal(m.description, "d og");
	assert_string_equal(m.image, "https://o/i.png");
	assert_string_equal(m.site_name, "Site");
	assert_string_equal(m.charset, "utf-8");
	assert_null(m.canonical);
	tacit_html_meta_free(&m);

	scan("<meta property=\"og:title\" content=\"og\">"
	     "<meta name=\"twitter:title\" content=\"tw\">"
	     "<title>plain</title>",
	    NULL, &m);
	assert_string_equal(m.title, "og");
	assert_null(m.description);
	tacit_html_meta_free(&m);

	scan("<meta name=\"twitter:title\" content=\"tw\"><title>plain</title>"
	     "<meta name=\"twitter:description\" content=\"d tw\">"
	     "<meta name=\"description\" content=\"d plain\">"
	     "<meta name=\"twitter:image:src\" content=\"https://t/i\">",
	    NULL, &m);
	assert_string_equal(m.title, "tw");
	assert_string_equal(m.description, "d tw");
	assert_string_equal(m.image, "https://t/i");
	tacit_html_meta_free(&m);

	scan("<title>plain</title><meta name=description content=\"d\">", NULL,
	    &m);
	assert_string_equal(m.title, "plain");
	assert_string_equal(m.description, "d");
	tacit_html_meta_free(&m);

	/* Among equal tags the first wins. */
	scan("<title>first</title><title>second</title>"
	     "<meta property=og:description content=one>"
	     "<meta property=og:description content=two>"
	     "<meta property=og:image:url content=https://a/1>"
	     "<meta property=og:image content=https://a/2>"
	     "<link rel=canonical href=https://a/c1>"
	     "<link rel=canonical href=https://a/c2>",
	    NULL, &m);
	assert_string_equal(m.title, "first");
	assert_string_equal(m.description, "one");
	assert_string_equal(m.image, "https://a/1");
	assert_string_equal(m.canonical, "https://a/c1");
	tacit_html_meta_free(&m);

	/* Empty values do not count; description only from name=. */
	scan("<meta property=og:title content=\"  \">"
	     "<meta property=og:title content=\"real\">"
	     "<meta property=description content=\"not this\">"
	     "<meta property=og:image>",
	    NULL, &m);
	assert_string_equal(m.title, "real");
	assert_null(m.description);
	assert_null(m.image);
	tacit_html_meta_free(&m);

	/* Sites that put og: in name= and twitter: in property=. */
	scan("<meta name=og:title content=a><meta property=twitter:image "
	     "content=https://x/y>",
	    NULL, &m);
	assert_string_equal(m.title, "a");
	assert_string_equal(m.image, "https://x/y");
	tacit_html_meta_free(&m);
	/* Freeing twice is harmless. */
	tacit_html_meta_free(&m);
	tacit_html_meta_free(NULL);
}

static void
test_canonical(void **state)
{
	struct tacit_html_meta m;

	(void)state;
	scan(
	    "<link href=\"https://a/x\" rel=\"alternate\">"
	    "<link rel=\"canonicalx\" href=\"https://a/no\">"
	    "<link rel=\"stylesheet\tCanonical \" href=\"\n https://a/b c\t\n\">",
	    NULL, &m);
	assert_string_equal(m.canonical, "https://a/b%20c");
	tacit_html_meta_free(&m);

	scan("<LINK REL=CANONICAL HREF=https://a/&amp;b>", NULL, &m);
	assert_string_equal(m.canonical, "https://a/&b");
	tacit_html_meta_free(&m);

	scan("<link rel=canonical href=\"\"><link rel=\"\" href=https://x>",
	    NULL, &m);
	assert_null(m.canonical);
	tacit_html_meta_free(&m);
}

static void
test_skipped(void **state)
{
	static const char *const contexts[][2] = {
		{ "<!--", "-->" },
		{ "<!--", "--!>" },
		{ "<script>", "</script>" },
		{ "<script type=\"text/javascript\">", "</SCRIPT >" },
		{ "<style>", "</style>" },
		{ "<textarea>", "</textarea>" },
		{ "<template>", "</template>" },
		{ "<noscript>", "</noscript>" },
		{ "<NoScript>", "</noSCRIPT>" },
		{ "<iframe>", "</iframe>" },
	};
	static const char inside[] =
	    "<title>bad</title><meta property=\"og:title\" content=\"bad\">"
	    "<meta property=og:description content=bad>"
	    "<link rel=canonical href=https://bad/>";
	char page[1024];
	struct tacit_html_meta m;

	(void)state;
	for (size_t k = 0; k < sizeof(contexts) / sizeof(contexts[0]); k++) {
		snprintf(page, sizeof(page),
		    "<head>%s%s%s<meta property=og:description content=good>"
		    "<title>good</title></head>",
		    contexts[k][0], inside, contexts[k][1]);
		scan(page, NULL, &m);
		assert_string_equal(m.title, "good");
		assert_string_equal(m.description, "good");
		assert_null(m.canonical);
		tacit_html_meta_free(&m);
	}
	/* A false end tag does not end the raw text. */
	assert_string_equal(title_of("<script></scripts><title>bad</title>"
				     "</script><title>ok</title>",
				NULL),
	    "ok");
	assert_string_equal(title_of("<script>a = '</script'; <title>x</title>"
				     "</script><title>y</title>",
				NULL),
	    "y");
	/* The first </template> ends it: no nesting. */
	assert_string_equal(title_of("<template><template></template>"
				     "<title>t</title></template>",
				NULL),
	    "t");
	/* Empty comments, bogus comments, a '<' in text. */
	assert_string_equal(title_of("<!--><title>a</title>", NULL), "a");
	assert_string_equal(title_of("<!---><title>a</title>", NULL), "a");
	assert_string_equal(title_of("<!DOCTYPE html><?xml x?>1 < 2 <3 "
				     "</ x><title>a</title>",
				NULL),
	    "a");
	/* An unterminated comment hides everything after it. */
	assert_string_equal(title_of("<!-- <title>a</title> -- >", NULL),
	    "(null)");
	/* After <plaintext> everything is text. */
	assert_string_equal(title_of("<plaintext><title>a</title>", NULL),
	    "(null)");
	/* A tag in an attribute value is not a tag. */
	assert_string_equal(title_of("<a title=\"<title>x</title>\">"
				     "<title>y</title>",
				NULL),
	    "y");
}

static void
test_rcdata_title(void **state)
{
	(void)state;
	assert_string_equal(title_of("<title>a <b>bold</b> &amp; "
				     "<meta property=og:title content=x> "
				     "<!-- c --></title>",
				NULL),
	    "a <b>bold</b> & <meta property=og:title content=x> <!-- c -->");
	assert_string_equal(title_of("<TITLE id=t>\n  Two\n\tlines  \r\n"
				     "</TiTlE>",
				NULL),
	    "Two lines");
	assert_string_equal(title_of("<title>a</titlex>b</title >", NULL),
	    "a</titlex>b");
	assert_string_equal(title_of("<title/>self</title>", NULL), "self");
}

static void
test_attributes(void **state)
{
	struct tacit_html_meta m;

	(void)state;
	scan("<META PROPERTY='og:title' CONTENT=Hello>"
	     "<meta content=\"a>b 'c'\" property=\"OG:Description\">"
	     "<meta\nproperty = \"og:site_name\"\tcontent = 'S \"x\"'/>"
	     "<meta/property=og:image/content=https://i/x.png>",
	    NULL, &m);
	assert_string_equal(m.title, "Hello");
	assert_string_equal(m.description, "a>b 'c'");
	assert_string_equal(m.site_name, "S \"x\"");
	/* Unquoted values end at white space or '>', not at '/'. */
	assert_null(m.image);
	tacit_html_meta_free(&m);

	/* Duplicate attributes: the first is kept. */
	scan("<meta property=og:title property=og:description content=a "
	     "content=b>",
	    NULL, &m);
	assert_string_equal(m.title, "a");
	assert_null(m.description);
	tacit_html_meta_free(&m);

	/* Names by reference, and without a value. */
	scan("<meta property=\"og&#58;title\" content=\"x\">"
	     "<meta property content=\"y\" name=og:description>",
	    NULL, &m);
	assert_string_equal(m.title, "x");
	assert_string_equal(m.description, "y");
	tacit_html_meta_free(&m);
}

static void
test_entities(void **state)
{
	struct tacit_html_meta m;

	(void)state;
	assert_string_equal(title_of("<title>&amp; &lt; &gt; &quot; &apos; "
				     "&eacute;&Eacute; &copy;&reg; &hellip; "
				     "&mdash;&ndash; &lsquo;&rsquo; "
				     "&ldquo;&rdquo;</title>",
				NULL),
	    "& < > \" ' \xc3\xa9\xc3\x89 \xc2\xa9\xc2\xae \xe2\x80\xa6 "
	    "\xe2\x80\x94\xe2\x80\x93 \xe2\x80\x98\xe2\x80\x99 "
	    "\xe2\x80\x9c\xe2\x80\x9d");
	/* nbsp is not white space to fold. */
	assert_string_equal(title_of("<title>a&nbsp;&nbsp;b</title>", NULL),
	    "a\xc2\xa0\xc2\xa0"
	    "b");
	/* Numeric, hex, the windows-1252 range, without ';'. */
	assert_string_equal(title_of("<title>&#233;&#xE9;&#XE9;&#x1F600; "
				     "&#150;&#x80; &#65&#x42 x</title>",
				NULL),
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xf0\x9f\x98\x80 \xe2\x80\x93\xe2\x82\xac "
	    "AB x");
	/* Zero, surrogates, past U+10FFFF, absurdly long: U+FFFD. */
	assert_string_equal(title_of("<title>&#0;&#xD800;&#xdfff;&#x110000;"
				     "&#99999999999999999999;</title>",
				NULL),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* Decoded once. */
	assert_string_equal(title_of("<title>&amp;lt; &amp;amp; &#38;#60;"
				     "</title>",
				NULL),
	    "&lt; &amp; &#60;");
	/* Not references. */
	assert_string_equal(title_of("<title>& &; &# &#x; &foo; &#xg "
				     "&hellip &zz</title>",
				NULL),
	    "& &; &# &#x; &foo; &#xg &hellip &zz");
	/* Legacy names without ';': in text, and in attributes. */
	assert_string_equal(title_of("<title>&copy 2024 &notit; &ampx</title>",
				NULL),
	    "\xc2\xa9 2024 \xc2\xacit; &x");
	scan("<meta property=og:image content=\"https://a/?x=1&copy=2&amp;"
	     "y=&lt&quot\">",
	    NULL, &m);
	assert_string_equal(m.image, "https://a/?x=1&copy=2&y=<\"");
	tacit_html_meta_free(&m);
	/* Controls by reference are removed like any other. */
	assert_string_equal(title_of("<title>a&#1;&#x7f;&#x81;&#x202e;b"
				     "</title>",
				NULL),
	    "ab");
}

/* page as UTF-16: ASCII widened, with a BOM when bom is set. */
static char *
utf16(const char *page, int big, int bom, size_t *len)
{
	size_t n = strlen(page), o = 0;
	char *p = malloc(2 * n + 2);

	assert_non_null(p);
	if (bom) {
		p[o++] = big ? '\xfe' : '\xff';
		p[o++] = big ? '\xff' : '\xfe';
	}
	for (size_t k = 0; k < n; k++) {
		p[o + (big ? 1 : 0)] = page[k];
		p[o + (big ? 0 : 1)] = 0;
		o += 2;
	}
	*len = o;
	return p;
}

static void
test_charsets(void **state)
{
	struct tacit_html_meta m;
	struct tacit_err e;
	char *p;
	size_t n;

	(void)state;
	/* A UTF-8 BOM is not part of the text, and beats the header. */
	scan("\xef\xbb\xbf<title>caf\xc3\xa9</title>", "iso-8859-1", &m);
	assert_string_equal(m.title, "caf\xc3\xa9");
	assert_string_equal(m.charset, "utf-8");
	tacit_html_meta_free(&m);

	/* UTF-16 with a BOM, either way round, an odd byte at the end. */
	for (int big = 0; big <= 1; big++) {
		p = utf16("<meta charset=koi8-r><title>caf&eacute;</title>",
		    big, 1, &n);
		assert_int_equal(tacit_html_scan(p, n, "koi8-r", &m, &e),
		    TACIT_OK);
		assert_string_equal(m.title, "caf\xc3\xa9");
		assert_string_equal(m.charset, big ? "utf-16be" : "utf-16le");
		tacit_html_meta_free(&m);
		assert_int_equal(tacit_html_scan(p, n - 1, NULL, &m, &e),
		    TACIT_OK);
		tacit_html_meta_free(&m);
		free(p);
	}
	/* UTF-16 from the header, no BOM. */
	p = utf16("<title>x</title>", 1, 0, &n);
	assert_int_equal(tacit_html_scan(p, n, "UTF-16BE", &m, &e), TACIT_OK);
	assert_string_equal(m.title, "x");
	tacit_html_meta_free(&m);
	free(p);

	/* ISO-8859-1 reads as windows-1252, as browsers read it. */
	scan("<title>caf\xe9 \x93quoted\x94</title>", "ISO-8859-1", &m);
	assert_string_equal(m.title,
	    "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d");
	assert_string_equal(m.charset, "windows-1252");
	tacit_html_meta_free(&m);
	scan("<title>\x80 \x85 \x81x</title>", " \"windows-1252\" ", &m);
	assert_string_equal(m.title, "\xe2\x82\xac \xe2\x80\xa6 \xef\xbf\xbdx");
	tacit_html_meta_free(&m);

	/* The header beats the page's own <meta charset>. */
	scan("<meta charset=koi8-r><title>caf\xe9</title>", "latin1", &m);
	assert_string_equal(m.title, "caf\xc3\xa9");
	tacit_html_meta_free(&m);

	/* The prescan: <meta charset>, then http-equiv Content-Type. */
	scan("<!-- <meta charset=utf-8> --><meta charset=\"KOI8-R\">"
	     "<title>\xf0\xd2\xc9\xd7\xc5\xd4</title>",
	    NULL, &m);
	assert_string_equal(m.title,
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
	assert_string_equal(m.charset, "koi8-r");
	tacit_html_meta_free(&m);
	scan("<meta http-equiv=\"Content-Type\" "
	     "content=\"text/html; CHARSET = 'Shift_JIS'\">"
	     "<title>\x93\xfa\x96\x7b\x8c\xea</title>",
	    "", &m);
	assert_string_equal(m.title, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	assert_string_equal(m.charset, "shift_jis");
	tacit_html_meta_free(&m);
	scan("<meta http-equiv=refresh content=\"0; charset=koi8-r\">"
	     "<meta content=\"text/html;charset=windows-1251\" "
	     "http-equiv=content-type><title>\xcf\xf0\xe8</title>",
	    NULL, &m);
	assert_string_equal(m.title, "\xd0\x9f\xd1\x80\xd0\xb8");
	assert_string_equal(m.charset, "windows-1251");
	tacit_html_meta_free(&m);

	/* A UTF-16 label inside the page cannot be right: UTF-8. */
	scan("<meta charset=utf-16><title>caf\xc3\xa9</title>", NULL, &m);
	assert_string_equal(m.title, "caf\xc3\xa9");
	assert_string_equal(m.charset, "utf-8");
	tacit_html_meta_free(&m);

	/* Only the first 1024 bytes are prescanned. */
	p = malloc(2048);
	assert_non_null(p);
	memset(p, ' ', 1100);
	strcpy(p + 1100, "<meta charset=koi8-r><title>caf\xc3\xa9</title>");
	scan(p, NULL, &m);
	assert_string_equal(m.title, "caf\xc3\xa9");
	assert_string_equal(m.charset, "utf-8");
	tacit_html_meta_free(&m);
	free(p);

	/* Unknown charsets. */
	assert_int_equal(tacit_html_scan("<title>x</title>", 16, "x-nonsense",
			     &m, &e),
	    TACIT_EUNSUPPORTED);
	assert_string_equal(e.msg, "unknown charset 'x-nonsense'");
	assert_null(m.title);
	assert_null(m.charset);
	assert_int_equal(tacit_html_scan("<meta charset=\"bogus-1\">", 24, NULL,
			     &m, &e),
	    TACIT_EUNSUPPORTED);
	assert_int_equal(tacit_html_scan("x", 1, "utf-8//TRANSLIT", &m, &e),
	    TACIT_EUNSUPPORTED);
	assert_string_equal(e.msg, "unknown charset");
	assert_int_equal(tacit_html_scan("x", 1, "\x1b[31m", &m, &e),
	    TACIT_EUNSUPPORTED);
	assert_string_equal(e.msg, "unknown charset");
}

static void
test_hygiene(void **state)
{
	struct tacit_html_meta m;

	(void)state;
	/* Escape sequences (7- and 8-bit), bidi controls, C0, C1, DEL. */
	assert_string_equal(title_of("<title>A\x1b[31mred\x1b[0m "
				     "\x1b]0;pwned\x07"
				     "B\xc2\x9b"
				     "2J \xe2\x80\xae"
				     "evil\xe2\x80\xac &#x202E;x &#27;[1m"
				     "\x1b]8;;https://e/\x1b\\link"
				     "\x1b]8;;\x1b\\ \xc2\x9d"
				     "osc\xc2\x9c"
				     "\x01\x7f\xc2\x80"
				     "\xe2\x81\xa6"
				     "i\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c"
				     "\x1b"
				     "c.\xc2\x9f"
				     "gone</title>",
				NULL),
	    "Ared B2J evil x link osci.gone");
	/* Mojibake with C1 characters loses them and nothing else. */
	assert_string_equal(title_of("<title>Stra\xc3\x83\xc2\x9f"
				     "e 1</title>",
				NULL),
	    "Stra\xc3\x83"
	    "e 1");
	/* A title of nothing but controls is absent. */
	assert_string_equal(title_of("<title>\x1b[2J\x07 \xe2\x80\xae</title>",
				NULL),
	    "(null)");
	/* Invalid UTF-8. */
	assert_string_equal(title_of("<title>a\xff"
				     "b\xc3(\xed\xa0\x80!\xc3</title>",
				NULL),
	    "a\xef\xbf\xbd"
	    "b\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!"
	    "\xef\xbf\xbd");
	/*
	 * A URL loses tabs and line breaks, as in a browser; with an escape
	 * sequence or a bidi override it would not be the URL it shows, so
	 * it is dropped.
	 */
	scan("<meta property=og:image content=\"https://a/"
	     "b\tc\r\nd?q=\xc3\xa9#f\">",
	    NULL, &m);
	assert_string_equal(m.image, "https://a/bcd?q=\xc3\xa9#f");
	assert_clean(m.image, TACIT_HTML_URL_MAX);
	tacit_html_meta_free(&m);
	scan("<meta property=og:image content=\"\x1b[1mhttps://a/\xe2\x80\xae"
	     "b\">",
	    NULL, &m);
	assert_null(m.image);
	tacit_html_meta_free(&m);
}

static void
test_clean_text(void **state)
{
	char *s;

	(void)state;
	s = tacit_html_clean_text("  a \t\n b\r\n", 10, 100);
	assert_string_equal(s, "a b");
	free(s);
	/* Cut on a character boundary, never after a space. */
	s = tacit_html_clean_text("ab \xc3\xa9\xc3\xa9", 7, 5);
	assert_string_equal(s, "ab \xc3\xa9");
	free(s);
	s = tacit_html_clean_text("ab \xc3\xa9\xc3\xa9", 7, 4);
	assert_string_equal(s, "ab");
	free(s);
	s = tacit_html_clean_text("ab \xc3\xa9", 5, 3);
	assert_string_equal(s, "ab");
	free(s);
	s = tacit_html_clean_text("abc", 3, 0);
	assert_string_equal(s, "");
	free(s);
	s = tacit_html_clean_text(NULL, 0, 10);
	assert_string_equal(s, "");
	free(s);
	/* References are not decoded here: it takes any text. */
	s = tacit_html_clean_text("&amp;\x00x\xc2\x85y\xff", 11, 64);
	assert_string_equal(s, "&amp;xy\xef\xbf\xbd");
	free(s);
	/* Line and paragraph separators are white space. */
	s = tacit_html_clean_text("a\xe2\x80\xa8\xe2\x80\xa9"
				  "b",
	    8, 64);
	assert_string_equal(s, "a b");
	free(s);
	/* Growth: every byte invalid still fits. */
	s = tacit_html_clean_text("\xff\xfe", 2, SIZE_MAX - 1);
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}

static void
test_huge_title(void **state)
{
	size_t n = 10u * 1024 * 1024, k;
	struct tacit_html_meta m;
	char *p = malloc(n + 32);

	(void)state;
	assert_non_null(p);
	/* One ASCII byte then two-byte characters: the cut must back off. */
	memcpy(p, "<title>x", 8);
	for (k = 8; k + 2 <= n; k += 2)
		memcpy(p + k, "\xc3\xa9", 2);
	strcpy(p + k, "</title>");
	scan(p, NULL, &m);
	assert_int_equal(strlen(m.title), TACIT_HTML_FIELD_MAX - 1);
	assert_clean(m.title, TACIT_HTML_FIELD_MAX);
	tacit_html_meta_free(&m);

	/* Unterminated, and all white space but the end. */
	memcpy(p, "<title>", 7);
	memset(p + 7, ' ', n - 7);
	memcpy(p + n - 2, "ok", 2);
	p[n] = '\0';
	scan(p, NULL, &m);
	assert_string_equal(m.title, "ok");
	tacit_html_meta_free(&m);

	/* A URL longer than the cap is dropped, not cut. */
	memset(p, 'a', n);
	memcpy(p, "<meta property=og:image content=https://x/", 42);
	strcpy(p + TACIT_HTML_URL_MAX + 33,
	    "><meta name=twitter:image content=https://y/>"
	    "<link rel=canonical href=\"https://z/\">");
	scan(p, NULL, &m);
	assert_string_equal(m.image, "https://y/");
	assert_string_equal(m.canonical, "https://z/");
	tacit_html_meta_free(&m);
	/* Exactly the cap is kept. */
	strcpy(p + TACIT_HTML_URL_MAX + 32, ">");
	scan(p, NULL, &m);
	assert_int_equal(strlen(m.image), TACIT_HTML_URL_MAX);
	tacit_html_meta_free(&m);

	/* A 10 MB description of references. */
	for (k = 0; k + 8 <= n; k += 8)
		memcpy(p + k, "&hellip;", 8);
	memcpy(p, "<meta name=description content=\"", 32);
	strcpy(p + k, "\">");
	scan(p, NULL, &m);
	assert_int_equal(strlen(m.description), TACIT_HTML_FIELD_MAX - 1);
	tacit_html_meta_free(&m);
	free(p);
}

static void
test_nested(void **state)
{
	size_t depth = 100000, k, o = 0;
	struct tacit_html_meta m;
	char *p = malloc(depth * 11 + 64);

	(void)state;
	assert_non_null(p);
	for (k = 0; k < depth; k++) {
		memcpy(p + o, "<div>", 5);
		o += 5;
	}
	strcpy(p + o, "<title>deep</title>");
	o += strlen(p + o);
	for (k = 0; k < depth; k++) {
		memcpy(p + o, "</div>", 6);
		o += 6;
	}
	p[o] = '\0';
	scan(p, NULL, &m);
	assert_string_equal(m.title, "deep");
	tacit_html_meta_free(&m);

	/* A million '<' and '&': still one pass. */
	memset(p, '<', depth * 11);
	for (k = 1; k < depth * 11; k += 2)
		p[k] = (char)(k % 4 == 1 ? '&' : '/');
	p[depth * 11] = '\0';
	scan(p, NULL, &m);
	assert_null(m.title);
	tacit_html_meta_free(&m);
	free(p);
}

static void
test_unterminated(void **state)
{
	static const char *const pages[] = {
		"<meta property=\"og:title\" content=\"x\"",
		"<meta property=\"og:title\" content=\"x",
		"<meta property=\"og:title\" content='x",
		"<meta property=\"og:title\" content=",
		"<meta property=\"og:title\" content",
		"<meta property=\"og:title",
		"<meta",
		"<",
		"</",
		"</title",
		"<!-",
		"<!--",
		"<!-- <title>x</title>",
		"<!",
		"<?",
		"<title",
		"<script><title>x</title>",
		"&",
		"&#",
		"&#x",
		"&amp",
		"",
	};
	struct tacit_html_meta m;
	struct tacit_err e;

	(void)state;
	for (size_t k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
		scan(pages[k], NULL, &m);
		assert_null(m.title);
		assert_null(m.description);
		assert_null(m.image);
		assert_string_equal(m.charset, "utf-8");
		tacit_html_meta_free(&m);
	}
	/* An unterminated title runs to the end. */
	assert_string_equal(title_of("<title>abc &amp", NULL), "abc &");
	assert_string_equal(title_of("<title>abc</title", NULL), "abc");
	/* Empty input, and none at all. */
	assert_int_equal(tacit_html_scan(NULL, 0, NULL, &m, &e), TACIT_OK);
	assert_null(m.title);
	assert_null(m.canonical);
	assert_string_equal(m.charset, "utf-8");
	tacit_html_meta_free(&m);
	assert_int_equal(tacit_html_scan("", 0, "koi8-r", &m, &e), TACIT_OK);
	assert_string_equal(m.charset, "koi8-r");
	tacit_html_meta_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_rcdata_title),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_hygiene),
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_huge_title),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_unterminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
