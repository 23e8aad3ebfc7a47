/* fetch: one web resource over libcurl, behind an address guard. */
#ifndef TACIT_FETCH_H
#define TACIT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/io.h"

#define TACIT_FETCH_MAX_HOPS 5
#define TACIT_FETCH_USER_AGENT "Mozilla/5.0 (compatible; tacit-preview)"

struct tacit_fetch_opts {
	int allow_http; /* http as well as https */
	int allow_private; /* no address guard */
	const char *const *allow_hosts; /* "HOST:PORT" endpoints let through */
	size_t nallow;
	const char *proxy; /* a proxy URL, or NULL */
	int proxy_env; /* honour http_proxy and friends */
	const char *cacert; /* a CA bundle, or NULL for the system's */
	long connect_timeout_ms, timeout_ms; /* timeout: all hops together */
	size_t max_bytes; /* decoded body bytes kept */
	int image; /* want an image: image/png, jpeg, webp, gif only */
};

struct tacit_fetch_result {
	long status; /* of the last response */
	char *final_url; /* after redirects */
	char *content_type; /* lowercase, no parameters; NULL if none */
	char *charset; /* from Content-Type, or NULL */
	unsigned char *body; /* HTML or image bytes; NULL when not wanted */
	size_t len;
	int truncated; /* the body went past max_bytes and was cut */
};

/*
 * Fetch url (http or https; no user:password), following at most
 * TACIT_FETCH_MAX_HOPS redirects by hand, each checked again: no other
 * scheme, no https to http, no loop.  Every connection's address is
 * checked when the socket is opened (loopback, private, link-local,
 * CGNAT, multicast, reserved and the IPv6 forms that embed them are
 * refused unless allow_private, or the endpoint is in allow_hosts); a
 * numeric host is checked before that.  No cookies, no Referer, no
 * Accept-Language, a fixed User-Agent, TLS verified.  Only HTML (or an
 * image) bodies are read, up to max_bytes after decoding.  An error
 * status (4xx, 5xx) is an error.  Returns TACIT_OK, or an error with a
 * one-line reason in e.
 */
TACIT_WUR int tacit_fetch(const struct tacit_fetch_opts *o, const char *url,
    struct tacit_fetch_result *r, struct tacit_err *e);
void tacit_fetch_result_free(struct tacit_fetch_result *r);

/*
 * The address guard: 1 if a connection to this address may be made
 * (family AF_INET with 4 bytes, or AF_INET6 with 16), 0 if it is
 * loopback, private, link-local, CGNAT, unspecified, multicast, reserved,
 * documentation, or an IPv6 form that embeds such an IPv4 address.
 */
int tacit_fetch_addr_public(int family, const uint8_t *addr);

/*
 * Would tacit_fetch start on url?  Its scheme, no user:password, and a
 * numeric host through the guard (a host name is only checked when its
 * address is known, on connect).  TACIT_OK or an error and a reason.
 */
TACIT_WUR int tacit_fetch_check(const struct tacit_fetch_opts *o,
    const char *url, struct tacit_err *e);

/*
 * Resolve ref against base with curl's URL API; a new string, or NULL
 * when either is malformed or the result is not http(s).
 */
char *tacit_fetch_resolve(const char *base, const char *ref);

/* Global set-up and tear-down (curl_global_init); 0 on success. */
TACIT_WUR int tacit_fetch_init(void);
void tacit_fetch_cleanup(void);

#endif
