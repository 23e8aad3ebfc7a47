/* Unit tests for the fetch address guard and URL checks (no network). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tacit/fetch.h"

static int
public_addr(const char *s)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return tacit_fetch_addr_public(AF_INET, a);
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
	return tacit_fetch_addr_public(AF_INET6, a);
}

static void
test_guard(void **state)
{
	static const char *refused[] = { "0.0.0.0", "10.1.2.3", "100.64.0.1",
		"100.127.255.254", "127.0.0.1", "127.255.0.1",
		"169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.1",
		"192.0.2.1", "192.168.1.1", "198.18.0.1", "198.19.255.1",
		"198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250",
		"240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1",
		"::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
		"64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
		"fc00::1", "fd00:ec2::254", "fe80::1", "fec0::1", "ff02::1",
		"2001:db8::1", "2002:7f00:1::1", "2002:a00:1::1", "2001::1",
		"100::1", "::ffff:0:7f00:1", "::ffff:0:a00:1", "0:1::1",
		"1::1" };
	static const char *allowed[] = { "1.1.1.1", "8.8.8.8", "93.184.216.34",
		"100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
		"192.169.0.1", "169.253.255.255", "2606:4700:4700::1111",
		"::ffff:1.1.1.1", "64:ff9b::8.8.8.8", "2002:0808:0808::1",
		"::ffff:0:101:101", "2a00:1450:4001::200e" };

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (public_addr(refused[i]))
			fail_msg("%s was let through", refused[i]);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!public_addr(allowed[i]))
			fail_msg("%s was refused", allowed[i]);
	assert_int_equal(tacit_fetch_addr_public(AF_UNIX, (const uint8_t *)""),
	    0);
}

static void
test_check(void **state)
{
	struct tacit_fetch_opts o = { .max_bytes = 1024 };
	static const char *refused[] = { "http://example.com/",
		"ftp://example.com/", "file:///etc/passwd",
		"javascript:alert(1)", "https://user:pw@example.com/",
		"https://user@example.com/", "https://127.0.0.1/",
		"https://2130706433/", "https://0x7f000001/",
		"https://017700000001/", "https://127.1/", "https://[::1]/",
		"https://[::ffff:127.0.0.1]/", "https://169.254.169.254/",
		"https://10.0.0.1:8443/x", "not a url", "" };
	static const char *allowed[] = { "https://example.com/",
		"HTTPS://EXAMPLE.COM/a?b=c#d", "https://1.1.1.1/",
		"https://[2606:4700:4700::1111]/" };
	const char *allow[] = { "127.0.0.1:8443" };
	struct tacit_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (tacit_fetch_check(&o, refused[i], &e) == TACIT_OK)
			fail_msg("%s was let through", refused[i]);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (tacit_fetch_check(&o, allowed[i], &e) != TACIT_OK)
			fail_msg("%s was refused: %s", allowed[i], e.msg);
	o.allow_http = 1;
	assert_int_equal(tacit_fetch_check(&o, "http://example.com/", &e), 0);
	assert_int_not_equal(tacit_fetch_check(&o, "ftp://example.com/", &e),
	    0);
	/* One endpoint let through; its address, not others. */
	o.allow_hosts = allow;
	o.nallow = 1;
	assert_int_equal(tacit_fetch_check(&o, "https://127.0.0.1:8443/", &e),
	    0);
	assert_int_not_equal(tacit_fetch_check(&o, "https://10.0.0.1/", &e), 0);
	o.nallow = 0;
	o.allow_private = 1;
	assert_int_equal(tacit_fetch_check(&o, "https://10.0.0.1/", &e), 0);
}

static void
test_resolve(void **state)
{
	char *s;

	(void)state;
	s = tacit_fetch_resolve("https://example.com/a/b?c", "../img.png");
	assert_string_equal(s, "https://example.com/img.png");
	free(s);
	s = tacit_fetch_resolve("https://example.com/a/", "//cdn.example/x");
	assert_string_equal(s, "https://cdn.example/x");
	free(s);
	assert_null(tacit_fetch_resolve("https://example.com/", "file:///x"));
	assert_null(
	    tacit_fetch_resolve("https://example.com/", "javascript:alert(1)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
