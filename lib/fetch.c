/* fetch: libcurl behind an address guard, redirects followed by hand. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tacit/fetch.h"

#define ALLOW_MAX 128
#define LOCATION_MAX 8192

/* An IPv4 address (network order bytes) in a prefix. */
static int
in4(const uint8_t *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3, int bits)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
	uint32_t p =
	    (uint32_t)b0 << 24 | (uint32_t)b1 << 16 | (uint32_t)b2 << 8 | b3;
	uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

	return (x & mask) == (p & mask);
}

static int
v4_public(const uint8_t *a)
{
	static const struct {
		uint8_t b[4];
		int bits;
	} refused[] = {
		{ { 0, 0, 0, 0 }, 8 }, /* "this network", unspecified */
		{ { 10, 0, 0, 0 }, 8 }, /* private */
		{ { 100, 64, 0, 0 }, 10 }, /* CGNAT */
		{ { 127, 0, 0, 0 }, 8 }, /* loopback */
		{ { 169, 254, 0, 0 }, 16 }, /* link-local, cloud metadata */
		{ { 172, 16, 0, 0 }, 12 }, /* private */
		{ { 192, 0, 0, 0 }, 24 }, /* IETF protocol assignments */
		{ { 192, 0, 2, 0 }, 24 }, /* documentation */
		{ { 192, 88, 99, 0 }, 24 }, /* 6to4 relay anycast */
		{ { 192, 168, 0, 0 }, 16 }, /* private */
		{ { 198, 18, 0, 0 }, 15 }, /* benchmarking */
		{ { 198, 51, 100, 0 }, 24 }, /* documentation */
		{ { 203, 0, 113, 0 }, 24 }, /* documentation */
		{ { 224, 0, 0, 0 }, 4 }, /* multicast */
		{ { 240, 0, 0, 0 }, 4 }, /* reserved, broadcast */
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (in4(a, refused[i].b[0], refused[i].b[1], refused[i].b[2],
			refused[i].b[3], refused[i].bits))
			return 0;
	return 1;
}

/* The first n bytes of a match p. */
static int
prefix(const uint8_t *a, const uint8_t *p, size_t n)
{
	return memcmp(a, p, n) == 0;
}

int
tacit_fetch_addr_public(int family, const uint8_t *a)
{
	static const uint8_t zero12[12] = { 0 };
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };
	static const uint8_t nat64[12] = { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0,
		0, 0, 0 };
	static const uint8_t nat64_local[6] = { 0, 0x64, 0xff, 0x9b, 0, 1 };
	static const uint8_t doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t teredo[4] = { 0x20, 0x01, 0, 0 };
	static const uint8_t discard[8] = { 0x01, 0, 0, 0, 0, 0, 0, 0 };

	if (family == AF_INET)
		return v4_public(a);
	if (family != AF_INET6)
		return 0;
	/* Forms that carry an IPv4 address: judge that address. */
	if (prefix(a, mapped, 12) || prefix(a, nat64, 12))
		return v4_public(a + 12);
	if (prefix(a, zero12, 12)) /* ::, ::1, IPv4-compatible */
		return a[12] | a[13] ? v4_public(a + 12) : 0;
	/* IPv4-translated ::ffff:0:V4ADDR; the rest of ::/8 is reserved. */
	if (prefix(a, zero12, 8) && a[8] == 0xff && a[9] == 0xff &&
	    a[10] == 0 && a[11] == 0)
		return v4_public(a + 12);
	if (a[0] == 0)
		return 0;
	if (a[0] == 0x20 && a[1] == 0x02) /* 6to4: 2002:V4ADDR::/48 */
		return v4_public(a + 2);
	if (prefix(a, nat64_local, 6) || prefix(a, doc, 4) ||
	    prefix(a, teredo, 4) || prefix(a, discard, 8))
		return 0;
	if ((a[0] & 0xfe) == 0xfc) /* unique local fc00::/7 */
		return 0;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) /* link-local fe80::/10 */
		return 0;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) /* site-local fec0::/10 */
		return 0;
	if (a[0] == 0xff) /* multicast */
		return 0;
	return 1;
}

struct endpoint {
	int family;
	uint8_t addr[16];
	unsigned port;
};

struct transfer {
	const struct tacit_fetch_opts *o;
	struct endpoint allow[ALLOW_MAX];
	size_t nallow;
	char refused[INET6_ADDRSTRLEN + 8]; /* an address the guard refused */
	/* The response. */
	long status;
	char *location, *ctype, *charset;
	uint64_t declared; /* Content-Length, or UINT64_MAX */
	unsigned char *body;
	size_t len, cap;
	int truncated, unwanted, too_large, headers_done;
};

/* family and bytes of a socket address; -1 for another family. */
static int
addr_of(const struct sockaddr *sa, int *family, const uint8_t **bytes,
    unsigned *port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		*family = AF_INET;
		*bytes = (const uint8_t *)&s->sin_addr;
		*port = ntohs(s->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;

		*family = AF_INET6;
		*bytes = (const uint8_t *)&s->sin6_addr;
		*port = ntohs(s->sin6_port);
		return 0;
	}
	return -1;
}

static int
endpoint_allowed(const struct transfer *t, int family, const uint8_t *a,
    unsigned port)
{
	for (size_t i = 0; i < t->nallow; i++)
		if (t->allow[i].family == family && t->allow[i].port == port &&
		    memcmp(t->allow[i].addr, a, family == AF_INET ? 4 : 16) ==
			0)
			return 1;
	return 0;
}

/* The guard: may this address (and port, when known) be reached? */
static int
guard(struct transfer *t, int family, const uint8_t *a, unsigned port)
{
	if (t->o->allow_private || tacit_fetch_addr_public(family, a))
		return 1;
	if (endpoint_allowed(t, family, a, port))
		return 1;
	inet_ntop(family, a, t->refused, sizeof(t->refused));
	return 0;
}

/* libcurl's open-socket callback: the one place connections are made. */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *ca)
{
	struct transfer *t = arg;
	const uint8_t *a;
	unsigned port;
	int family;

	(void)purpose;
	/*
	 * Always checked: a proxy the user chose is one of the allowed
	 * endpoints, and a connection that does not go through it (no_proxy)
	 * is judged like any other.
	 */
	if (addr_of(&ca->addr, &family, &a, &port) != 0 ||
	    !guard(t, family, a, port)) {
		if (t->refused[0] == '\0')
			snprintf(t->refused, sizeof(t->refused), "(family %d)",
			    (int)ca->addr.sa_family);
		return CURL_SOCKET_BAD;
	}
	return socket(ca->family, ca->socktype, ca->protocol);
}

/* "Name: value" with name matched case-insensitively: the value. */
static const char *
header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);
	const char *v;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	v = line + k + 1;
	n -= k + 1;
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 &&
	    (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' ||
		v[n - 1] == '\t'))
		n--;
	*vlen = n;
	return v;
}

static char *
dup_lower(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		for (size_t i = 0; i < n; i++)
			d[i] = (char)tolower((unsigned char)s[i]);
		d[n] = '\0';
	}
	return d;
}

/* Content-Type: the type, lowercase, and its charset parameter. */
static void
parse_content_type(struct transfer *t, const char *v, size_t n)
{
	const char *semi = memchr(v, ';', n);
	size_t tn = semi ? (size_t)(semi - v) : n;

	while (tn > 0 && (v[tn - 1] == ' ' || v[tn - 1] == '\t'))
		tn--;
	free(t->ctype);
	free(t->charset);
	t->ctype = dup_lower(v, tn);
	t->charset = NULL;
	for (const char *p = semi; p != NULL && p < v + n;) {
		const char *q;
		size_t left;

		p++;
		while (p < v + n && (*p == ' ' || *p == '\t'))
			p++;
		left = (size_t)(v + n - p);
		q = memchr(p, ';', left);
		if (left > 8 && strncasecmp(p, "charset=", 8) == 0) {
			const char *c = p + 8;
			size_t cn = (q ? (size_t)(q - c) : (size_t)(v + n - c));

			if (cn >= 2 && c[0] == '"' && c[cn - 1] == '"') {
				c++;
				cn -= 2;
			}
			if (cn > 0 && cn < 64)
				t->charset = dup_lower(c, cn);
		}
		p = q;
	}
}

static int
wanted_type(const struct transfer *t)
{
	static const char *const html[] = { "text/html",
		"application/xhtml+xml" };
	static const char *const img[] = { "image/png", "image/jpeg",
		"image/webp", "image/gif" };
	const char *const *list = t->o->image ? img : html;
	size_t n = t->o->image ? 4 : 2;

	for (size_t i = 0; t->ctype != NULL && i < n; i++)
		if (strcmp(t->ctype, list[i]) == 0)
			return 1;
	return 0;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t n = size * nmemb, vlen;
	const char *v;

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response (after a 100 or a proxy's CONNECT). */
		const char *sp = memchr(p, ' ', n);

		t->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		t->declared = UINT64_MAX;
		free(t->location);
		t->location = NULL;
		t->headers_done = 0;
		return n;
	}
	if ((v = header_value(p, n, "Location", &vlen)) != NULL) {
		free(t->location);
		t->location = vlen < LOCATION_MAX ? strndup(v, vlen) : NULL;
	} else if ((v = header_value(p, n, "Content-Type", &vlen)) != NULL) {
		parse_content_type(t, v, vlen);
	} else if ((v = header_value(p, n, "Content-Length", &vlen)) != NULL) {
		char num[24];

		if (vlen > 0 && vlen < sizeof(num)) {
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			t->declared = strtoull(num, NULL, 10);
		}
	} else if (n <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		t->headers_done = 1;
		/* The end of the headers: decide before any body arrives. */
		if (t->status >= 200 && t->status < 300) {
			if (!wanted_type(t)) {
				t->unwanted = 1;
				return 0; /* stop: no body needed */
			}
			if (t->declared != UINT64_MAX &&
			    t->declared > t->o->max_bytes && t->declared > 0) {
				t->too_large = 1;
				return 0;
			}
		}
	}
	return n;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t n = size * nmemb, room;

	/* Bodies of redirects and errors are not read. */
	if (t->status < 200 || t->status >= 300)
		return 0;
	if (t->body == NULL) {
		t->cap = t->o->max_bytes < 65536 ? t->o->max_bytes : 65536;
		t->body = malloc(t->cap ? t->cap : 1);
		if (t->body == NULL)
			return 0;
	}
	room = t->o->max_bytes - t->len;
	if (n > room) {
		n = room;
		t->truncated = 1;
	}
	if (t->len + n > t->cap) {
		size_t cap = t->cap;
		unsigned char *b;

		while (cap < t->len + n)
			cap *= 2;
		if (cap > t->o->max_bytes)
			cap = t->o->max_bytes;
		b = realloc(t->body, cap);
		if (b == NULL)
			return 0;
		t->body = b;
		t->cap = cap;
	}
	memcpy(t->body + t->len, p, n);
	t->len += n;
	/* At the cap: stop reading; what was read is kept. */
	return t->truncated ? 0 : size * nmemb;
}

/* "HOST:PORT" (HOST a name, an IPv4 or [IPv6]) to endpoints. */
static int
parse_allow(struct transfer *t, const char *s, struct tacit_err *e)
{
	const char *colon = strrchr(s, ':');
	char host[256];
	struct addrinfo hints, *res, *ai;
	size_t hn;

	if (colon == NULL || colon == s || colon[1] == '\0') {
		tacit_err_set(e, "invalid --allow-host '%s' (HOST:PORT)", s);
		return TACIT_EUSAGE;
	}
	hn = (size_t)(colon - s);
	if (s[0] == '[' && hn >= 2 && s[hn - 1] == ']') {
		s++;
		hn -= 2;
	}
	if (hn >= sizeof(host)) {
		tacit_err_set(e, "invalid --allow-host: host too long");
		return TACIT_EUSAGE;
	}
	memcpy(host, s, hn);
	host[hn] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
		tacit_err_set(e, "invalid --allow-host '%s'", s);
		return TACIT_EUSAGE;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct endpoint *x = &t->allow[t->nallow];
		const uint8_t *a;
		unsigned port;

		if (t->nallow == ALLOW_MAX) {
			freeaddrinfo(res);
			tacit_err_set(e, "too many allowed endpoints");
			return TACIT_EUSAGE;
		}
		if (addr_of(ai->ai_addr, &x->family, &a, &port) != 0)
			continue;
		memcpy(x->addr, a, x->family == AF_INET ? 4 : 16);
		x->port = port;
		t->nallow++;
	}
	freeaddrinfo(res);
	return TACIT_OK;
}

/* Let the endpoint of a proxy URL through the guard (unresolvable: skip). */
static int
allow_proxy(struct transfer *t, const char *url, struct tacit_err *e)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, ep[300];
	int rc = TACIT_OK;

	if (u == NULL)
		return TACIT_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url,
		CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &port,
			CURLU_DEFAULT_PORT) != CURLUE_OK)
			port = NULL;
		snprintf(ep, sizeof(ep), "%s:%s", host, port ? port : "1080");
		rc = parse_allow(t, ep, e);
		if (rc == TACIT_EUSAGE && t->nallow < ALLOW_MAX)
			rc = TACIT_OK; /* a proxy name that does not resolve */
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/* The proxies a transfer may use, let through the guard. */
static int
allow_proxies(struct transfer *t, struct tacit_err *e)
{
	static const char *const vars[] = { "https_proxy", "HTTPS_PROXY",
		"http_proxy", "all_proxy", "ALL_PROXY" };
	int rc = TACIT_OK;

	if (t->o->proxy != NULL)
		rc = allow_proxy(t, t->o->proxy, e);
	for (size_t i = 0; rc == TACIT_OK && t->o->proxy_env &&
	     i < sizeof(vars) / sizeof(vars[0]);
	     i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && *v != '\0')
			rc = allow_proxy(t, v, e);
	}
	return rc;
}

char *
tacit_fetch_resolve(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *out = NULL, *scheme = NULL, *s;

	if (u == NULL)
		return NULL;
	if ((base == NULL ||
		curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK) &&
	    curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
		out = strdup(s);
		curl_free(s);
	}
	curl_free(scheme);
	curl_url_cleanup(u);
	return out;
}

/*
 * Check a URL before any connection: its scheme, no user:password, and
 * a numeric host (any of the forms inet_aton takes, or an IPv6 literal)
 * through the guard.  *https tells the scheme.
 */
static int
check_url(struct transfer *t, const char *url, int *https, struct tacit_err *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *user = NULL, *pass = NULL, *host = NULL;
	char *port = NULL;
	int rc = TACIT_EUSAGE;

	if (u == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
		CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		tacit_err_set(e, "not a valid URL");
		goto out;
	}
	if (strcmp(scheme, "https") != 0 &&
	    (strcmp(scheme, "http") != 0 || !t->o->allow_http)) {
		tacit_err_set(e, "scheme '%.16s' refused%s", scheme,
		    strcmp(scheme, "http") == 0 ? " (use --allow-http)" : "");
		goto out;
	}
	*https = strcmp(scheme, "https") == 0;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		tacit_err_set(e, "URLs with a user name or password refused");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		CURLUE_OK) {
		tacit_err_set(e, "no host");
		goto out;
	}
	{
		struct in_addr a4;
		struct in6_addr a6;
		size_t n = strlen(host);
		unsigned p = (unsigned)strtoul(port, NULL, 10);

		/* Checked with the port: --allow-host names one endpoint. */
		if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
			host[n - 1] = '\0';
			if (inet_pton(AF_INET6, host + 1, &a6) == 1 &&
			    !guard(t, AF_INET6, (const uint8_t *)&a6, p)) {
				tacit_err_set(e,
				    "address %s refused (private "
				    "or reserved; --allow-private)",
				    t->refused);
				goto out;
			}
		} else if (inet_aton(host, &a4) == 1 &&
		    !guard(t, AF_INET, (const uint8_t *)&a4, p)) {
			tacit_err_set(e,
			    "address %s refused (private or reserved; "
			    "--allow-private)",
			    t->refused);
			goto out;
		}
	}
	rc = TACIT_OK;
out:
	curl_free(scheme);
	curl_free(user);
	curl_free(pass);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One request, no redirect followed; the response in t. */
static int
request(struct transfer *t, CURL *c, const char *url, long left_ms,
    struct tacit_err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	t->status = 0;
	t->refused[0] = '\0';
	t->headers_done = t->unwanted = t->too_large = t->truncated = 0;
	free(t->body);
	t->body = NULL;
	t->len = t->cap = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left_ms);
	rc = curl_easy_perform(c);
	if (t->refused[0] != '\0') {
		tacit_err_set(e,
		    "address %s refused (private or reserved; "
		    "--allow-private)",
		    t->refused);
		return TACIT_EUSAGE;
	}
	if (t->too_large) {
		tacit_err_set(e, "too large: %llu bytes declared, at most %zu",
		    (unsigned long long)t->declared, t->o->max_bytes);
		return TACIT_EFORMAT;
	}
	if (rc == CURLE_OK || t->unwanted || t->truncated ||
	    (rc == CURLE_WRITE_ERROR && (t->status < 200 || t->status >= 300)))
		return TACIT_OK;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		tacit_err_set(e, "timed out");
		return TACIT_EIO;
	}
	tacit_err_set(e, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return TACIT_EIO;
}

static void
set_options(CURL *c, struct transfer *t)
{
	const struct tacit_fetch_opts *o = t->o;

	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    o->allow_http ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	/* Decoded inside libcurl: on_body counts decoded bytes. */
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, TACIT_FETCH_USER_AGENT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	/* A slow drip is abandoned: under 64 bytes/s for 5 s. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 64L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	/* No proxy from the environment unless asked: "" turns it off. */
	if (o->proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY, o->proxy);
	else if (!o->proxy_env)
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	if (o->cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
}

static void
transfer_free(struct transfer *t)
{
	free(t->location);
	free(t->ctype);
	free(t->charset);
	free(t->body);
}

int
tacit_fetch(const struct tacit_fetch_opts *o, const char *url,
    struct tacit_fetch_result *r, struct tacit_err *e)
{
	struct transfer t;
	char *visited[TACIT_FETCH_MAX_HOPS + 1], *cur;
	size_t nvisited = 0;
	long deadline = now_ms() + o->timeout_ms;
	int https = 0, was_https = 0, rc = TACIT_OK;
	CURL *c;

	memset(r, 0, sizeof(*r));
	memset(&t, 0, sizeof(t));
	t.o = o;
	for (size_t i = 0; i < o->nallow; i++) {
		rc = parse_allow(&t, o->allow_hosts[i], e);
		if (rc != TACIT_OK)
			return rc;
	}
	rc = allow_proxies(&t, e);
	if (rc != TACIT_OK)
		return rc;
	cur = tacit_fetch_resolve(NULL, url);
	if (cur == NULL) {
		tacit_err_set(e, "not a valid http or https URL");
		return TACIT_EUSAGE;
	}
	c = curl_easy_init();
	if (c == NULL) {
		free(cur);
		tacit_err_set(e, "cannot start libcurl");
		return TACIT_ENOMEM;
	}
	set_options(c, &t);
	for (;;) {
		char *next;
		long left = deadline - now_ms();

		rc = check_url(&t, cur, &https, e);
		if (rc != TACIT_OK)
			break;
		if (was_https && !https) {
			tacit_err_set(e, "redirect from https to http refused");
			rc = TACIT_EUSAGE;
			break;
		}
		for (size_t i = 0; i < nvisited; i++)
			if (strcmp(visited[i], cur) == 0) {
				tacit_err_set(e, "redirect loop");
				rc = TACIT_EFORMAT;
			}
		if (rc != TACIT_OK)
			break;
		if (left <= 0) {
			tacit_err_set(e, "timed out");
			rc = TACIT_EIO;
			break;
		}
		visited[nvisited++] = cur;
		rc = request(&t, c, cur, left, e);
		if (rc != TACIT_OK)
			break;
		if (t.status < 300 || t.status >= 400 || t.location == NULL)
			break;
		if (nvisited > TACIT_FETCH_MAX_HOPS) {
			tacit_err_set(e, "more than %d redirects",
			    TACIT_FETCH_MAX_HOPS);
			rc = TACIT_EFORMAT;
			break;
		}
		next = tacit_fetch_resolve(cur, t.location);
		if (next == NULL) {
			tacit_err_set(e,
			    "redirect to a refused or invalid URL");
			rc = TACIT_EUSAGE;
			break;
		}
		was_https = https;
		cur = next;
	}
	if (rc == TACIT_OK && (t.status < 200 || t.status >= 300)) {
		tacit_err_set(e, "HTTP status %ld", t.status);
		rc = TACIT_EFORMAT;
	}
	if (rc == TACIT_OK) {
		r->status = t.status;
		r->final_url = strdup(cur);
		r->content_type = t.ctype;
		r->charset = t.charset;
		t.ctype = t.charset = NULL;
		if (!t.unwanted) {
			r->body = t.body;
			r->len = t.len;
			t.body = NULL;
		}
		r->truncated = t.truncated;
	}
	/* cur is either the last visited URL or a refused next one. */
	if (nvisited == 0 || visited[nvisited - 1] != cur)
		free(cur);
	for (size_t i = 0; i < nvisited; i++)
		free(visited[i]);
	curl_easy_cleanup(c);
	transfer_free(&t);
	return rc;
}

int
tacit_fetch_check(const struct tacit_fetch_opts *o, const char *url,
    struct tacit_err *e)
{
	struct transfer t;
	int https, rc = TACIT_OK;

	memset(&t, 0, sizeof(t));
	t.o = o;
	for (size_t i = 0; rc == TACIT_OK && i < o->nallow; i++)
		rc = parse_allow(&t, o->allow_hosts[i], e);
	if (rc == TACIT_OK)
		rc = check_url(&t, url, &https, e);
	return rc;
}

void
tacit_fetch_result_free(struct tacit_fetch_result *r)
{
	free(r->final_url);
	free(r->content_type);
	free(r->charset);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int
tacit_fetch_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
tacit_fetch_cleanup(void)
{
	curl_global_cleanup();
}
