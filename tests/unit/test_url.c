/* Unit tests for url: tracking parameters, redirectors, the text filter. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tacit/url.h"

static struct tacit_url_rules *rules;

static int
setup(void **state)
{
	struct tacit_err e = { "" };

	(void)state;
	if (tacit_url_rules_default(&rules, &e) != TACIT_OK) {
		fprintf(stderr, "default rules: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tacit_url_rules_free(&rules);
	tacit_url_rules_free(&rules); /* safe twice */
	return 0;
}

/* clean(in) must give want, with changed as expected. */
static void
check_with(const struct tacit_url_rules *r, const char *in, const char *want)
{
	struct tacit_err e = { "" };
	char *out = NULL;
	int changed = -1;

	if (tacit_url_clean(r, in, &out, &changed, &e) != TACIT_OK)
		fail_msg("clean '%s' failed: %s", in, e.msg);
	if (strcmp(out, want) != 0)
		fail_msg("clean '%s'\n  gave '%s'\n  want '%s'", in, out, want);
	assert_int_equal(changed, strcmp(in, want) != 0);
	free(out);
}

static void
check(const char *in, const char *want)
{
	check_with(rules, in, want);
}

static void
check_bad(const char *in)
{
	struct tacit_err e = { "" };
	char *out = (char *)"x";
	int changed = -1;

	assert_int_equal(tacit_url_clean(rules, in, &out, &changed, &e),
	    TACIT_EFORMAT);
	assert_null(out);
	assert_int_equal(changed, 0);
	assert_true(e.msg[0] != '\0');
}

static void
check_text_n(const char *in, size_t n, const char *want, size_t wn)
{
	struct tacit_sink k;
	struct tacit_err e = { "" };

	tacit_sink_init_mem(&k);
	assert_int_equal(tacit_url_clean_text(rules, in, n, &k, &e), 0);
	assert_int_equal(tacit_sink_flush(&k), 0);
	if (k.mem_len != wn || (wn && memcmp(k.mem, want, wn) != 0))
		fail_msg("clean_text '%.*s'\n  gave '%.*s'\n  want '%.*s'",
		    (int)n, in, (int)k.mem_len, (const char *)k.mem, (int)wn,
		    want);
	tacit_sink_free(&k);
}

static void
check_text(const char *in, const char *want)
{
	check_text_n(in, strlen(in), want, strlen(want));
}

static void
test_params(void **state)
{
	(void)state;
	check("https://example.com/a?utm_source=x", "https://example.com/a");
	check("https://example.com/a?a=1&utm_source=x&b=%20",
	    "https://example.com/a?a=1&b=%20");
	check("https://example.com/?utm_source=a&utm_medium=b&utm_campaign=c",
	    "https://example.com/");
	check("https://example.com/?fbclid=1&gclid=2&dclid=3&gbraid=4&wbraid=5"
	      "&msclkid=6&mc_eid=7&mc_cid=8&igshid=9&_hsenc=a&_hsmi=b&__hstc=c"
	      "&__hssc=d&__hsfp=e&hsCtaTracking=f&mkt_tok=g&yclid=h&ysclid=i"
	      "&twclid=j&ttclid=k&li_fat_id=l&vero_id=m&oly_enc_id=n"
	      "&oly_anon_id=o&rb_clickid=p&wickedid=q&_openstat=r&keep=1",
	    "https://example.com/?keep=1");
	/* Names compare decoded and in any case; values do not matter. */
	check("https://example.com/?UTM_Source=x&utm%5Fmedium=y&FBCLID&k=v",
	    "https://example.com/?k=v");
	/* Lookalikes stay. */
	check("https://example.com/?utm=1&xutm_source=2&fbclid_=3&gclid2=4",
	    "https://example.com/?utm=1&xutm_source=2&fbclid_=3&gclid2=4");
	/* Order, encoding and odd bytes of what is kept are untouched. */
	check("https://example.com/p%41th/?z=%7e&utm_term=1&a=+b&%C3%A9=%E2%82",
	    "https://example.com/p%41th/?z=%7e&a=+b&%C3%A9=%E2%82");
	check("https://example.com/?b=2&a=1", "https://example.com/?b=2&a=1");
	/* ';' is not a separator: the whole pair is one odd parameter. */
	check("https://example.com/?a=1;utm_source=x",
	    "https://example.com/?a=1;utm_source=x");
	check("https://example.com/?utm_source=x;a=1", "https://example.com/");
	/* Empty pairs and a bare '?' stay unless something is removed. */
	check("https://example.com/?a=1&&b=2", "https://example.com/?a=1&&b=2");
	check("https://example.com/?", "https://example.com/?");
	check("https://example.com/?&", "https://example.com/?&");
	check("https://example.com/?&utm_source=1&", "https://example.com/");
	check("https://example.com/?a&&utm_source=1&b=",
	    "https://example.com/?a&b=");
	check("https://example.com/?=x&utm_source=1",
	    "https://example.com/?=x");
	/* Nothing to do. */
	check("https://example.com", "https://example.com");
	check("http://example.com/path", "http://example.com/path");
}

static void
test_fragment(void **state)
{
	(void)state;
	check("https://example.com/a?utm_source=x#top",
	    "https://example.com/a#top");
	check("https://example.com/a?b=1&gclid=x#s?utm_source=y",
	    "https://example.com/a?b=1#s?utm_source=y");
	check("https://example.com/a#utm_source=y",
	    "https://example.com/a#utm_source=y");
	check("https://example.com/a?#", "https://example.com/a?#");
	check("https://example.com/a?utm_source=1#", "https://example.com/a#");
}

static void
test_host_scope(void **state)
{
	(void)state;
	check("https://youtu.be/abc?si=xyz", "https://youtu.be/abc");
	check("https://youtu.be/abc?si=xyz&t=42", "https://youtu.be/abc?t=42");
	check("https://www.youtube.com/watch?v=abc&si=x&feature=share",
	    "https://www.youtube.com/watch?v=abc");
	check("https://m.youtube.com/watch?v=abc&si=x",
	    "https://m.youtube.com/watch?v=abc");
	check("https://open.spotify.com/track/1?si=abc",
	    "https://open.spotify.com/track/1");
	/* si and feature mean something else elsewhere. */
	check("https://example.com/?si=xyz&feature=1",
	    "https://example.com/?si=xyz&feature=1");
	check("https://notyoutube.com/?si=x", "https://notyoutube.com/?si=x");
	check("https://youtube.com.example.net/?si=x",
	    "https://youtube.com.example.net/?si=x");
	check("https://spotify.com/?si=x", "https://spotify.com/?si=x");
	/* Host in any case, with a port or a trailing dot. */
	check("https://YOUTU.BE:443/abc?si=x", "https://YOUTU.BE:443/abc");
	check("https://youtu.be./abc?si=x", "https://youtu.be./abc");
	check("https://www.youtube.com:8443?si=x&v=1",
	    "https://www.youtube.com:8443?v=1");
	check("https://twitter.com/u/status/1?s=20&t=abc",
	    "https://twitter.com/u/status/1");
	check("https://x.com/u/status/1?s=20", "https://x.com/u/status/1");
	check("https://example.com/?s=20&t=abc",
	    "https://example.com/?s=20&t=abc");
	check("https://www.facebook.com/x?__cft__[0]=AZ&__tn__=%2CO&id=1",
	    "https://www.facebook.com/x?id=1");
	check("https://www.amazon.de/dp/B0?ref_=nav&pd_rd_w=1&th=1",
	    "https://www.amazon.de/dp/B0?th=1");
	check("https://www.instagram.com/p/x/?igsh=abc",
	    "https://www.instagram.com/p/x/");
	check("https://example.com/?igsh=abc&igshid=d",
	    "https://example.com/?igsh=abc");
}

static void
test_scheme_and_hosts(void **state)
{
	(void)state;
	check("HTTPS://EXAMPLE.COM/?UTM_SOURCE=X", "HTTPS://EXAMPLE.COM/");
	check("HtTp://example.com/?utm_source=x", "HtTp://example.com/");
	check("http://example.com:8080/a?utm_source=x&a=b",
	    "http://example.com:8080/a?a=b");
	check("http://example.com:/?utm_source=x", "http://example.com:/");
	check("http://[::1]/?utm_source=x", "http://[::1]/");
	check("http://[2001:db8::1]:8080/p?fbclid=1&q=2",
	    "http://[2001:db8::1]:8080/p?q=2");
	check("http://192.0.2.1/?gclid=1", "http://192.0.2.1/");
	check("https://example.com?utm_source=x", "https://example.com");
	/* A backslash ends the host, as in browsers. */
	check("https://example.com\\a?utm_source=1", "https://example.com\\a");
	/* Userinfo: kept exactly as written (preview refuses it). */
	check("https://user:pass@example.com/?utm_source=x",
	    "https://user:pass@example.com/?utm_source=x");
	check("https://www.google.com@evil.example/url?q=https://x.org/",
	    "https://www.google.com@evil.example/url?q=https://x.org/");
	check("https://@example.com/?utm_source=x",
	    "https://@example.com/?utm_source=x");
	/* Non-ASCII bytes are not refused, only passed on. */
	check("https://b\xc3\xbc"
	      "cher.example/?utm_source=1&q=\xff",
	    "https://b\xc3\xbc"
	    "cher.example/?q=\xff");
}

static void
test_malformed(void **state)
{
	char *big;
	size_t n = 70000;

	(void)state;
	check_bad("");
	check_bad("example.com/?utm_source=x");
	check_bad("ftp://example.com/?utm_source=x");
	check_bad("javascript:alert(1)");
	check_bad("http://");
	check_bad("https://");
	check_bad("http:/example.com/");
	check_bad("http:example.com/");
	check_bad("http:///path");
	check_bad("https://?utm_source=1");
	check_bad("https://:80/");
	check_bad("https://example.com:port/");
	check_bad("https://example.com:65536/");
	check_bad("https://[::1/");
	check_bad("https://[::1]x/");
	check_bad("https://exa[mple.com/");
	check_bad("https://example.com/a b?utm_source=1");
	check_bad(" https://example.com/");
	check_bad("https://example.com/\n");
	check_bad("https://example.com/\x7f");
	check_bad("https://example.com/\t?utm_source=1");
	check("https://example.com:65535/?utm_source=1",
	    "https://example.com:65535/");

	/* Longer than 64 KiB: left alone. */
	big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, "https://example.com/?utm_source=1&a=", 36);
	memset(big + 36, 'a', n - 36);
	big[n] = '\0';
	check(big, big);
	/* Just under: cleaned. */
	big[65536] = '\0';
	{
		struct tacit_err e = { "" };
		char *out;
		int ch;

		assert_int_equal(tacit_url_clean(rules, big, &out, &ch, &e), 0);
		assert_true(ch);
		assert_int_equal(strlen(out), 65536 - 13);
		assert_memory_equal(out, "https://example.com/?a=aaa", 26);
		free(out);
	}
	free(big);
}

static void
test_redirectors(void **state)
{
	(void)state;
	check("https://www.google.com/url?q=https://example.org/a%3Fb%3D1&sa=D",
	    "https://example.org/a?b=1");
	check("https://www.google.com/url?sa=t&url=https%3A%2F%2Fexample.org%2F"
	      "&ved=2ah",
	    "https://example.org/");
	check("https://google.co.uk/url?q=http://example.org/",
	    "http://example.org/");
	check("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2F%3F"
	      "fbclid%3Dabc&h=AT0",
	    "https://example.org/");
	check("https://lm.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2F",
	    "https://example.org/");
	check("https://l.instagram.com/?u=https%3A%2F%2Fexample.org%2F&e=AT",
	    "https://example.org/");
	check("https://l.instagram.com?u=https%3A%2F%2Fexample.org%2F",
	    "https://example.org/");
	check("https://t.umblr.com/redirect?z=https%3A%2F%2Fexample.org%2F&t=1",
	    "https://example.org/");
	check("https://www.youtube.com/redirect?event=x&q=https%3A%2F%2F"
	      "example.org%2F&redir_token=y",
	    "https://example.org/");
	check("https://slack-redir.net/link?url=https%3A%2F%2Fexample.org%2F",
	    "https://example.org/");
	check("https://steamcommunity.com/linkfilter/?url=https://example.org/",
	    "https://example.org/");
	check("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F"
	      "%2Fexample.org%2Fp&data=05%7C01&sdata=x&reserved=0",
	    "https://example.org/p");
	/* The target keeps its own encoding beyond the one decode. */
	check("https://www.google.com/url?q=https://example.org/%2520%253F",
	    "https://example.org/%20%3F");
	/* Uppercase host, scheme and parameter name. */
	check("HTTPS://WWW.GOOGLE.COM/url?Q=https://example.org/",
	    "https://example.org/");
	/* Nested: google -> facebook -> the target, tracking dropped. */
	check(
	    "https://www.google.com/url?q=https%3A%2F%2Fl.facebook.com%2Fl.php"
	    "%3Fu%3Dhttps%253A%252F%252Fexample.org%252F%253Futm_source%253Dx"
	    "%2526id%253D7%26h%3Dx&sa=D",
	    "https://example.org/?id=7");
}

static void
test_redirectors_refused(void **state)
{
	(void)state;
	/* Not http(s): not unwrapped, tracking still removed. */
	check("https://www.google.com/url?q=javascript:alert(1)&utm_source=x",
	    "https://www.google.com/url?q=javascript:alert(1)");
	check("https://www.google.com/url?q=javascript%3Aalert(1)",
	    "https://www.google.com/url?q=javascript%3Aalert(1)");
	check("https://l.facebook.com/l.php?u=file%3A%2F%2F%2Fetc%2Fpasswd",
	    "https://l.facebook.com/l.php?u=file%3A%2F%2F%2Fetc%2Fpasswd");
	check("https://l.facebook.com/l.php?u=data:text/html,x&fbclid=1",
	    "https://l.facebook.com/l.php?u=data:text/html,x");
	/* Not a URL once decoded (no host, spaces, controls, markup). */
	check("https://www.google.com/url?q=https%3A%2F%2F",
	    "https://www.google.com/url?q=https%3A%2F%2F");
	check("https://www.google.com/url?q=https://x.org/%0Aevil",
	    "https://www.google.com/url?q=https://x.org/%0Aevil");
	check("https://www.google.com/url?q=https://x.org/%20a",
	    "https://www.google.com/url?q=https://x.org/%20a");
	check("https://www.google.com/url?q=https://x.org/%22%3E%3Cscript%3E",
	    "https://www.google.com/url?q=https://x.org/%22%3E%3Cscript%3E");
	check("https://www.google.com/url?q=https://x.org/%C3%A9",
	    "https://www.google.com/url?q=https://x.org/%C3%A9");
	/* The first named parameter decides; one without '=' too. */
	check("https://www.google.com/url?q=mailto:a@b&url=https://x.org/",
	    "https://www.google.com/url?q=mailto:a@b&url=https://x.org/");
	check("https://www.google.com/url?q&url=https://x.org/",
	    "https://www.google.com/url?q&url=https://x.org/");
	/* Wrong path, wrong host, lookalike host. */
	check("https://www.google.com/search?q=https://x.org/&ved=1",
	    "https://www.google.com/search?q=https://x.org/");
	check("https://www.google.com/url/x?q=https://x.org/",
	    "https://www.google.com/url/x?q=https://x.org/");
	check("https://google.example/url?q=https://x.org/",
	    "https://google.example/url?q=https://x.org/");
	check("https://evilfacebook.com/l.php?u=https://x.org/",
	    "https://evilfacebook.com/l.php?u=https://x.org/");
	check("https://example.com/url?q=https://x.org/",
	    "https://example.com/url?q=https://x.org/");
	/* A backslash: browsers go to evil.example, so no unwrapping. */
	check("https://evil.example\\@www.google.com/url?q=https://x.org/",
	    "https://evil.example\\@www.google.com/url?q=https://x.org/");
}

/* prefix followed by url, percent-encoded (into a static buffer). */
static const char *
wrap(const char *prefix, const char *url)
{
	static char buf[8192];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", prefix);

	for (const char *p = url; *p != '\0'; p++) {
		if (strchr(":/?=&%", *p))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "%%%02X", (unsigned char)*p);
		else
			buf[n++] = *p;
		assert_true(n < sizeof(buf) - 4);
	}
	buf[n] = '\0';
	return buf;
}

static void
test_redirector_depth(void **state)
{
	char url[8192], outer[8192];

	(void)state;
	/* 5 unwraps: fine. */
	snprintf(url, sizeof(url), "https://example.org/end?utm_source=1");
	for (int i = 0; i < 5; i++)
		snprintf(url, sizeof(url), "%s",
		    wrap("https://www.google.com/url?q=", url));
	check(url, "https://example.org/end");
	/* 6: the chain is left as it is, tracking removed from the outside. */
	snprintf(outer, sizeof(outer), "%s",
	    wrap("https://l.facebook.com/l.php?fbclid=1&u=", url));
	check(outer, wrap("https://l.facebook.com/l.php?u=", url));
	check(wrap("https://l.facebook.com/l.php?u=", url),
	    wrap("https://l.facebook.com/l.php?u=", url));
}

static void
test_text(void **state)
{
	static const char bad[] = "a\xff\xfe https://x.com/?fbclid=1 \xc3(\0z";
	static const char bad_want[] = "a\xff\xfe https://x.com/ \xc3(\0z";

	(void)state;
	check_text("", "");
	check_text("no links here", "no links here");
	check_text("https://x.com/?utm_source=a", "https://x.com/");
	check_text("see https://x.com/a?utm_source=y.", "see https://x.com/a.");
	check_text("(see https://x.com/a?utm_source=y).",
	    "(see https://x.com/a).");
	check_text("[https://x.com/a?utm_source=y]", "[https://x.com/a]");
	check_text("https://en.wikipedia.org/wiki/Foo_(bar)?utm_source=1 ok",
	    "https://en.wikipedia.org/wiki/Foo_(bar) ok");
	check_text("(https://en.wikipedia.org/wiki/Foo_(bar)?utm_source=1)",
	    "(https://en.wikipedia.org/wiki/Foo_(bar))");
	check_text("Really? https://x.com/?gclid=1! Yes: https://y.com/?a=1&"
		   "fbclid=2, and \"https://z.com/?igshid=3\"; done...\n",
	    "Really? https://x.com/! Yes: https://y.com/?a=1, and "
	    "\"https://z.com/\"; done...\n");
	check_text("<https://x.com/?utm_source=1>", "<https://x.com/>");
	check_text("<a href=\"https://x.com/?utm_source=1\">",
	    "<a href=\"https://x.com/\">");
	check_text("`https://x.com/?utm_source=1`", "`https://x.com/`");
	check_text("'https://x.com/?utm_source=1'", "'https://x.com/'");
	check_text("**https://x.com/?utm_source=1**", "**https://x.com/**");
	check_text("line1 https://x.com/?utm_source=1\r\nline2\thttps://y.com/"
		   "?fbclid=2\n",
	    "line1 https://x.com/\r\nline2\thttps://y.com/\n");
	check_text("HTTPS://X.COM/?UTM_SOURCE=1", "HTTPS://X.COM/");
	check_text("link:https://x.com/?utm_source=1", "link:https://x.com/");
	/* Other schemes and words that merely contain http. */
	check_text("git+https://x.com/?utm_source=1",
	    "git+https://x.com/?utm_source=1");
	check_text("xhttps://x.com/?utm_source=1",
	    "xhttps://x.com/?utm_source=1");
	check_text("http https: http:/ http:// https://",
	    "http https: http:/ http:// https://");
	check_text("ftp://x.com/?utm_source=1", "ftp://x.com/?utm_source=1");
	/* Non-ASCII ends a URL: text after it is never swallowed. */
	check_text("https://x.com/?utm_source=1\xe3\x80\x82\xe6\x9b\xb4",
	    "https://x.com/\xe3\x80\x82\xe6\x9b\xb4");
	check_text("https://x.com/?a=\xc3\xa9&utm_source=1",
	    "https://x.com/?a=\xc3\xa9&utm_source=1");
	/* A redirector inside text. */
	check_text("go: https://www.google.com/url?q=https%3A%2F%2Fexample.org"
		   "%2F&sa=D.",
	    "go: https://example.org/.");
	/* Invalid UTF-8 and NUL bytes pass through untouched. */
	check_text_n(bad, sizeof(bad) - 1, bad_want, sizeof(bad_want) - 1);
	/* A URL inside a URL is part of it. */
	check_text("https://a.com/?next=https://b.com/?utm_source=1",
	    "https://a.com/?next=https://b.com/?utm_source=1");
	/* Userinfo and bad URLs: as they were. */
	check_text("https://u:p@x.com/?utm_source=1 https://x.com:99999/?a",
	    "https://u:p@x.com/?utm_source=1 https://x.com:99999/?a");
}

static void
test_text_huge(void **state)
{
	size_t n = 200000;
	char *in = malloc(n), *want = malloc(n);

	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	/* A URL longer than 64 KiB passes through, the next one is cleaned. */
	memcpy(in, "https://x.com/?utm_source=", 26);
	memset(in + 26, 'a', 100000 - 26);
	memcpy(in + 100000, " https://y.com/?utm_source=2 ", 29);
	memcpy(want, in, 100000);
	memcpy(want + 100000, " https://y.com/ ", 16);
	check_text_n(in, 100029, want, 100016);
	/* Many closing brackets: linear, and all left outside. */
	memcpy(in, "http://x.com/?a", 15);
	memset(in + 15, ')', n - 15);
	check_text_n(in, n, in, n);
	/* Many URLs. */
	for (size_t i = 0; i + 20 <= n; i += 20)
		memcpy(in + i, "https://x.com/?si=1 ", 20);
	check_text_n(in, n - n % 20, in, n - n % 20);
	free(in);
	free(want);
}

static void
test_text_write_error(void **state)
{
	struct tacit_sink k;
	struct tacit_err e = { "" };

	(void)state;
	/* A sink that failed before: its error comes back. */
	tacit_sink_init_mem(&k);
	k.err = TACIT_EIO;
	assert_int_equal(tacit_url_clean_text(rules, "x https://x.com/?gclid=1",
			     24, &k, &e),
	    TACIT_EIO);
	assert_true(e.msg[0] != '\0');
	tacit_sink_free(&k);
}

/* ---- rules files ---- */

static char *
write_tmp(const char *text)
{
	char *path = strdup("/tmp/tacit-url.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static struct tacit_url_rules *
load(const char *text, int want, const char *msg)
{
	struct tacit_url_rules *r = (struct tacit_url_rules *)&r;
	struct tacit_err e = { "" };
	char *path = write_tmp(text);
	int rc = tacit_url_rules_load(&r, path, &e);

	unlink(path);
	free(path);
	if (rc != want)
		fail_msg("load gave %d (%s), want %d", rc, e.msg, want);
	if (want != 0) {
		assert_null(r);
		if (strstr(e.msg, msg) == NULL)
			fail_msg("error '%s' does not say '%s'", e.msg, msg);
	}
	return r;
}

static void
test_rules_load(void **state)
{
	struct tacit_url_rules *r;

	(void)state;
	r = load("version: 1\n"
		 "params:\n"
		 "  - id: a\n"
		 "    name: [\"x_*\", \"?id\"]\n"
		 "  - id: b\n"
		 "    summary: only on example.com\n"
		 "    name: ref\n"
		 "    host: [Example.COM.]\n"
		 "redirects:\n"
		 "  - id: go\n"
		 "    host: go.example\n"
		 "    path: [\"/out/*\", /o]\n"
		 "    param: [to, Target]\n",
	    0, NULL);
	check_with(r, "https://a.b/?x_y=1&x=2&aid=3&id=4&ref=5",
	    "https://a.b/?x=2&id=4&ref=5");
	check_with(r, "https://w.example.com/?ref=5&X_Z",
	    "https://w.example.com/");
	check_with(r, "https://go.example/out/1/2?target=https://a.b/?x_1=2",
	    "https://a.b/");
	check_with(r, "https://go.example/o?TO=http%3A%2F%2Fa.b", "http://a.b");
	check_with(r, "https://go.example/out?to=https://a.b/",
	    "https://go.example/out?to=https://a.b/");
	/* Tracking parameters are not followed as targets. */
	tacit_url_rules_free(&r);
	r = load("version: 1\n"
		 "params: [{id: t, name: u}]\n"
		 "redirects: [{id: r, host: a.b, path: /, param: [u, v]}]\n",
	    0, NULL);
	check_with(r, "https://a.b/?u=https://c.d/&v=https://e.f/",
	    "https://e.f/");
	tacit_url_rules_free(&r);
	/* Empty sets are fine; aliases are followed. */
	r = load("version: 1\n", 0, NULL);
	check_with(r, "https://a.b/?utm_source=1", "https://a.b/?utm_source=1");
	tacit_url_rules_free(&r);
	r = load("version: '1'\nparams:\n"
		 "  - {id: a, name: x, host: &h [a.b, c.d]}\n"
		 "  - {id: b, name: y, host: *h}\n",
	    0, NULL);
	check_with(r, "https://c.d/?x=1&y=2&z=3", "https://c.d/?z=3");
	tacit_url_rules_free(&r);
}

static void
test_rules_errors(void **state)
{
	struct tacit_url_rules *r = NULL;
	struct tacit_err e = { "" };
	char *big;

	(void)state;
	load("version: 1\nparams:\n  - id: a\n    nmae: x\n", TACIT_EFORMAT,
	    "line 4: unknown key 'nmae'");
	load("version: 1\nparams:\n  - id: a\n    name: {x: 1}\n",
	    TACIT_EFORMAT, "line 4: rule 'a': name must be a string or a list");
	load("version: 1\nparams:\n  - id: a\n    name: [x, [y]]\n",
	    TACIT_EFORMAT, "line 4: rule 'a': each name must be a string");
	load("version: 1\nparams:\n  - id: a\n    name: []\n", TACIT_EFORMAT,
	    "line 4: rule 'a': name needs 1 to");
	load("version: 1\nparams:\n  - id: a\n", TACIT_EFORMAT,
	    "line 3: rule 'a' has no name");
	load("version: 1\nparams:\n  - name: a\n", TACIT_EFORMAT,
	    "line 3: a params rule without an id");
	load("version: 1\nparams:\n  - x\n", TACIT_EFORMAT,
	    "line 3: a params rule must be a mapping");
	load("version: 1\nparams: {a: b}\n", TACIT_EFORMAT,
	    "line 2: 'params' must be a list of rules");
	load("version: 1\nparams:\n  - id: a\n    name: 'a b'\n", TACIT_EFORMAT,
	    "line 4: rule 'a': name 'a b' must be printable ASCII");
	load("version: 1\nparams:\n  - id: a\n    name: \"a\\0b\"\n",
	    TACIT_EFORMAT, "line 4: rule 'a': name must be a string");
	load("version: 1\nparams:\n  - id: a\n    name: [x, \"a\\0b\"]\n",
	    TACIT_EFORMAT, "line 4: rule 'a': each name must be a string");
	load("version: 1\nparams:\n  - id: a\n    name: ''\n", TACIT_EFORMAT,
	    "name '' is empty");
	load("version: 1\nparams:\n  - id: a\n    name: x\n    host: '*.x'\n",
	    TACIT_EFORMAT, "line 5: rule 'a': host '*.x' must be a host name");
	load("version: 1\nparams:\n  - id: a\n    name: x\n    host: a..b\n",
	    TACIT_EFORMAT, "host 'a..b' must be a host name without empty");
	load("version: 1\nparams:\n  - id: a\n    name: x\n    id: b\n",
	    TACIT_EFORMAT, "line 5: key 'id' twice");
	load("version: 1\nparams:\n  - id: a b\n    name: x\n", TACIT_EFORMAT,
	    "line 3: an id must be");
	load("version: 1\nparams:\n  - id: a\n    summary: [x]\n    name: x\n",
	    TACIT_EFORMAT, "line 4: rule 'a': summary must be a string");
	load("version: 1\nredirects:\n  - id: r\n    host: a.b\n    path: x\n"
	     "    param: u\n",
	    TACIT_EFORMAT, "line 5: rule 'r': path 'x' must start with '/'");
	load("version: 1\nredirects:\n  - id: r\n    host: a.b\n    path: /\n"
	     "    param: 'u*'\n",
	    TACIT_EFORMAT, "line 6: rule 'r': param 'u*' must be a plain name");
	load("version: 1\nredirects:\n  - id: r\n    host: a.b\n    param: u\n",
	    TACIT_EFORMAT, "line 3: rule 'r' has no path");
	load("version: 2\n", TACIT_EFORMAT, "line 1: 'version: 1' expected");
	load("params: []\n", TACIT_EFORMAT, "'version: 1' expected");
	load("version: 1\nrules: []\n", TACIT_EFORMAT,
	    "line 2: unknown key 'rules' in the rules file");
	load("- a\n", TACIT_EFORMAT,
	    "line 1: the rules file must be a mapping");
	load("", TACIT_EFORMAT, "empty");
	load("version: 1\nparams: [\n", TACIT_EFORMAT, "line ");
	load("version: 1\n---\nversion: 1\n", TACIT_EFORMAT,
	    "only one YAML document");
	load("version: 1\nparams: *nope\n", TACIT_EFORMAT, "line 2");
	/* Aliases cannot multiply the work past the cap. */
	{
		char *y = malloc(200000);
		size_t o = 0;

		assert_non_null(y);
		o += (size_t)sprintf(y + o,
		    "version: 1\nparams:\n  - id: a\n"
		    "    name: &n [");
		for (int i = 0; i < 200; i++)
			o += (size_t)sprintf(y + o, "n%d, ", i);
		o += (size_t)sprintf(y + o, "z]\n");
		for (int i = 0; i < 200; i++)
			o += (size_t)sprintf(y + o, "  - {id: b%d, name: *n}\n",
			    i);
		load(y, TACIT_EFORMAT, "in all rules");
		free(y);
	}
	/* Too big, too nested, not a file. */
	big = malloc((1u << 20) + 2);
	assert_non_null(big);
	memset(big, '#', (1u << 20) + 1);
	big[(1u << 20) + 1] = '\0';
	load(big, TACIT_EFORMAT, "larger than");
	memset(big, '[', 9000);
	big[9000] = '\0';
	load(big, TACIT_EFORMAT, "more than 8192");
	free(big);
	assert_int_equal(tacit_url_rules_load(&r, "/nonexistent/x.yaml", &e),
	    TACIT_EIO);
	assert_null(r);
	assert_int_equal(tacit_url_rules_load(&r, "/tmp", &e), TACIT_EIO);
	assert_null(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_fragment),
		cmocka_unit_test(test_host_scope),
		cmocka_unit_test(test_scheme_and_hosts),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_redirectors),
		cmocka_unit_test(test_redirectors_refused),
		cmocka_unit_test(test_redirector_depth),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_huge),
		cmocka_unit_test(test_text_write_error),
		cmocka_unit_test(test_rules_load),
		cmocka_unit_test(test_rules_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
