/* url: drop tracking parameters and unwrap redirectors, offline (libyaml). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "tacit/url.h"

/* rules/tracking.yaml as bytes: build/lib/tracking_default.c (yaml2c). */
extern const char tacit_tracking_yaml[];
extern const size_t tacit_tracking_yaml_len;

#define URL_MAX (64u * 1024u) /* longer URLs are left alone */
#define URL_MAX_UNWRAP 5
#define RULES_MAX_BYTES (1u << 20)
#define RULES_MAX_COUNT 4096 /* params and redirects together */
#define RULES_MAX_LIST 256 /* names, hosts, paths or params in one rule */
#define RULES_MAX_STRINGS 16384 /* in all: aliases can repeat lists */
#define RULES_MAX_STRING 255
/* libyaml slows down quadratically with flow nesting (see rules.c). */
#define RULES_MAX_BRACKETS 8192

/* Returned by clean_at when a chain of redirectors is too long. */
#define TOO_DEEP 1

struct strlist {
	char **v;
	size_t n;
};

/* Drop a query parameter whose name matches, on any host or on these. */
struct param_rule {
	struct strlist names; /* globs, lowercase */
	struct strlist hosts; /* empty: every host */
};

/* On these hosts and paths, the parameter named holds the real URL. */
struct redirect_rule {
	struct strlist hosts;
	struct strlist paths; /* globs, case matters */
	struct strlist params; /* lowercase */
};

struct tacit_url_rules {
	struct param_rule *p;
	size_t np;
	struct redirect_rule *d;
	size_t nd;
};

/* Where the parts of an absolute http(s) URL are; nothing is copied. */
struct url {
	size_t host_off, host_len; /* after any userinfo, before any port */
	size_t path_off, path_len;
	int has_query;
	size_t query_off, query_len; /* after the '?' */
	size_t rest_off; /* the fragment with its '#', or the end */
	int userinfo;
};

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode once into out (room for n bytes); bad escapes stay. */
static size_t
pct_decode(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		int hi, lo;

		if (s[i] == '%' && n - i >= 3 &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			out[o++] = s[i++];
		}
	}
	return o;
}

/* Characters RFC 3986 allows in a URL: what the text filter takes. */
static int
url_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL;
}

/* "http://" or "https://" in any case: the length, else 0. */
static size_t
http_prefix(const char *s, size_t n)
{
	static const char h[] = "https://";
	size_t i;

	for (i = 0; i < 4; i++)
		if (i >= n || lower((unsigned char)s[i]) != h[i])
			return 0;
	if (i < n && lower((unsigned char)s[i]) == 's')
		i++;
	if (n - i < 3 || memcmp(s + i, "://", 3) != 0)
		return 0;
	return i + 3;
}

/*
 * '*' any run, '?' any one byte; with fold, s is compared in lowercase
 * (patterns are stored lowercase).  Greedy with one backtrack point, so
 * at worst the product of the lengths, never exponential.
 */
static int
glob_match(const char *pat, const char *s, size_t n, int fold)
{
	size_t p = 0, i = 0, star = SIZE_MAX, mark = 0;
	size_t plen = strlen(pat);

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (fold)
			c = lower(c);
		if (p < plen && pat[p] == '*') {
			if (++p == plen)
				return 1;
			star = p;
			mark = i;
		} else if (p < plen &&
		    (pat[p] == '?' || (unsigned char)pat[p] == c)) {
			p++;
			i++;
		} else if (star != SIZE_MAX) {
			p = star;
			i = ++mark;
		} else {
			return 0;
		}
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

static int
strlist_glob(const struct strlist *l, const char *s, size_t n, int fold)
{
	for (size_t i = 0; i < l->n; i++)
		if (glob_match(l->v[i], s, n, fold))
			return 1;
	return 0;
}

/* host (lowercase) is rule or one of its subdomains. */
static int
host_in(const struct strlist *l, const char *host, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = strlen(l->v[i]);

		if (k > n || memcmp(host + n - k, l->v[i], k) != 0)
			continue;
		if (k == n || host[n - k - 1] == '.')
			return 1;
	}
	return 0;
}

/*
 * Split an absolute http(s) URL the way browsers do (WHATWG: a backslash
 * ends the authority too, and the last '@' starts the host), so that a
 * URL is never matched against a host it does not lead to.
 */
static int
url_split(const char *s, size_t len, struct url *u)
{
	size_t i, a, h, end, p;

	memset(u, 0, sizeof(*u));
	if ((i = http_prefix(s, len)) == 0)
		return TACIT_EFORMAT;
	for (size_t k = 0; k < len; k++)
		if ((unsigned char)s[k] <= 0x20 || s[k] == 0x7f)
			return TACIT_EFORMAT;
	for (a = i; a < len && !strchr("/\\?#", s[a]); a++)
		if (s[a] == '@')
			u->userinfo = 1;
	h = i;
	for (size_t k = i; k < a; k++)
		if (s[k] == '@')
			h = k + 1;
	end = a;
	if (h < a && s[h] == '[') {
		const char *close = memchr(s + h, ']', a - h);

		if (close == NULL)
			return TACIT_EFORMAT;
		end = (size_t)(close - s) + 1;
		if (end < a && s[end] != ':')
			return TACIT_EFORMAT;
	} else {
		for (end = h; end < a && s[end] != ':'; end++)
			if (s[end] == '[' || s[end] == ']')
				return TACIT_EFORMAT;
	}
	if (end == h)
		return TACIT_EFORMAT;
	if (end < a) { /* a port: digits, at most 65535, maybe none */
		unsigned long port = 0;

		for (size_t k = end + 1; k < a; k++) {
			if (s[k] < '0' || s[k] > '9')
				return TACIT_EFORMAT;
			port = port * 10 + (unsigned long)(s[k] - '0');
			if (port > 65535)
				return TACIT_EFORMAT;
		}
	}
	u->host_off = h;
	u->host_len = end - h;
	for (p = a; p < len && s[p] != '?' && s[p] != '#'; p++)
		;
	u->path_off = a;
	u->path_len = p - a;
	u->rest_off = p;
	if (p < len && s[p] == '?') {
		const char *hash = memchr(s + p, '#', len - p);

		u->has_query = 1;
		u->query_off = p + 1;
		u->rest_off = hash ? (size_t)(hash - s) : len;
		u->query_len = u->rest_off - u->query_off;
	}
	return TACIT_OK;
}

/* The host as rules see it: decoded, lowercase, no trailing dot. */
static size_t
host_key(const char *s, const struct url *u, char *out)
{
	size_t n = pct_decode(s + u->host_off, u->host_len, out);

	for (size_t k = 0; k < n; k++)
		out[k] = (char)lower((unsigned char)out[k]);
	if (n > 1 && out[n - 1] == '.')
		n--;
	return n;
}

/* The next parameter of the query: [*off, *off + *n), '&' separated. */
static int
next_param(const char *q, size_t qlen, size_t *pos, size_t *off, size_t *n)
{
	const char *amp;

	if (*pos > qlen)
		return 0;
	*off = *pos;
	amp = memchr(q + *pos, '&', qlen - *pos);
	*n = amp ? (size_t)(amp - q) - *off : qlen - *off;
	*pos = *off + *n + 1;
	return 1;
}

static int
is_tracking(const struct tacit_url_rules *r, const char *scope,
    const char *name, size_t n)
{
	for (size_t i = 0; i < r->np; i++)
		if (scope[i] && strlist_glob(&r->p[i].names, name, n, 1))
			return 1;
	return 0;
}

static size_t
name_len(const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);

	return eq ? (size_t)(eq - p) : n;
}

/*
 * The target of a redirector, decoded once, if it is an absolute http(s)
 * URL made only of characters URLs allow: decoding must not turn inert
 * %0A or %3C into a line break or markup in the output.
 */
static char *
redirect_target(const char *v, size_t n, size_t *tlen)
{
	char *t = malloc(n + 1);
	size_t k;

	if (t == NULL)
		return NULL;
	*tlen = pct_decode(v, n, t);
	t[*tlen] = '\0';
	for (k = 0; k < *tlen && url_char((unsigned char)t[k]); k++)
		;
	if (k < *tlen || http_prefix(t, *tlen) == 0)
		*tlen = 0;
	return t;
}

static int clean_at(const struct tacit_url_rules *r, const char *s, size_t len,
    int depth, int unwrap, char **out, int *changed);

/*
 * If s is a known redirector holding an http(s) URL, clean that URL
 * instead: TACIT_OK with *out set, or 0 with *out NULL when it is not one.
 */
static int
try_unwrap(const struct tacit_url_rules *r, const char *s, const struct url *u,
    const struct redirect_rule *d, const char *scope, char *scratch, int depth,
    char **out, int *changed)
{
	const char *q = s + u->query_off, *path = s + u->path_off;
	size_t pos = 0, off, n, plen = u->path_len;

	*out = NULL;
	if (plen == 0) { /* browsers ask for "/" */
		path = "/";
		plen = 1;
	}
	if (!strlist_glob(&d->paths, path, plen, 0))
		return TACIT_OK;
	/* The first parameter named, among those not dropped as tracking. */
	while (next_param(q, u->query_len, &pos, &off, &n)) {
		size_t nl = name_len(q + off, n), dl, tlen;
		char *t;
		int rc;

		dl = pct_decode(q + off, nl, scratch);
		if (is_tracking(r, scope, scratch, dl))
			continue;
		if (!strlist_glob(&d->params, scratch, dl, 1))
			continue;
		if (nl == n)
			return TACIT_OK;
		if ((t = redirect_target(q + off + nl + 1, n - nl - 1,
			 &tlen)) == NULL)
			return TACIT_ENOMEM;
		if (tlen == 0) {
			free(t);
			return TACIT_OK;
		}
		if (depth >= URL_MAX_UNWRAP) {
			free(t);
			return TOO_DEEP;
		}
		rc = clean_at(r, t, tlen, depth + 1, 1, out, changed);
		free(t);
		if (rc == TACIT_EFORMAT) /* not a URL after all: keep s */
			return TACIT_OK;
		if (rc == TACIT_OK)
			*changed = 1;
		return rc;
	}
	return TACIT_OK;
}

/* s without its tracking parameters (a '?' left with none goes too). */
static int
strip_params(const struct tacit_url_rules *r, const char *s, size_t len,
    const struct url *u, const char *scope, char *scratch, char **out,
    int *changed)
{
	const char *q = s + u->query_off;
	size_t pos = 0, off, n, o, kept = 0, removed = 0;
	char *w;

	if ((w = malloc(len + 1)) == NULL)
		return TACIT_ENOMEM;
	o = u->has_query ? u->query_off - 1 : u->rest_off;
	memcpy(w, s, o);
	while (u->has_query && next_param(q, u->query_len, &pos, &off, &n)) {
		size_t dl = pct_decode(q + off, name_len(q + off, n), scratch);

		if (is_tracking(r, scope, scratch, dl)) {
			removed++;
			continue;
		}
		if (n == 0) /* "a&&b": empty, dropped only with a neighbour */
			continue;
		w[o++] = kept++ ? '&' : '?';
		memcpy(w + o, q + off, n);
		o += n;
	}
	if (removed == 0) { /* untouched, "a&&b" and a bare '?' included */
		memcpy(w, s, len);
		o = len;
	} else {
		memcpy(w + o, s + u->rest_off, len - u->rest_off);
		o += len - u->rest_off;
		*changed = 1;
	}
	w[o] = '\0';
	*out = w;
	return TACIT_OK;
}

static int
copy_out(const char *s, size_t len, char **out)
{
	if ((*out = malloc(len + 1)) == NULL)
		return TACIT_ENOMEM;
	memcpy(*out, s, len);
	(*out)[len] = '\0';
	return TACIT_OK;
}

static int
clean_at(const struct tacit_url_rules *r, const char *s, size_t len, int depth,
    int unwrap, char **out, int *changed)
{
	struct url u;
	char *scratch, *scope;
	size_t hl;
	int rc;

	*out = NULL;
	if ((rc = url_split(s, len, &u)) != TACIT_OK)
		return rc;
	/* userinfo: left for the caller to see (preview refuses it). */
	if (len > URL_MAX || u.userinfo)
		return copy_out(s, len, out);
	scratch = malloc(len + 1);
	scope = malloc(r->np + 1);
	if (scratch == NULL || scope == NULL) {
		free(scratch);
		free(scope);
		return TACIT_ENOMEM;
	}
	hl = host_key(s, &u, scratch);
	for (size_t i = 0; i < r->np; i++)
		scope[i] = (char)(r->p[i].hosts.n == 0 ||
		    host_in(&r->p[i].hosts, scratch, hl));
	rc = TACIT_OK;
	for (size_t i = 0; unwrap && u.has_query && i < r->nd; i++) {
		if (!host_in(&r->d[i].hosts, scratch, hl))
			continue;
		/* The first rule whose host, path and parameter match. */
		rc = try_unwrap(r, s, &u, &r->d[i], scope, scratch, depth, out,
		    changed);
		if (rc != TACIT_OK || *out != NULL)
			goto done;
		hl = host_key(s, &u, scratch); /* scratch was reused */
	}
	rc = strip_params(r, s, len, &u, scope, scratch, out, changed);
done:
	free(scratch);
	free(scope);
	return rc;
}

int
tacit_url_clean(const struct tacit_url_rules *r, const char *s, char **out,
    int *changed, struct tacit_err *e)
{
	size_t len;
	int rc, ch = 0;

	*out = NULL;
	if (changed != NULL)
		*changed = 0;
	if (r == NULL || s == NULL) {
		tacit_err_set(e, "url: no rules or no URL");
		return TACIT_EUSAGE;
	}
	len = strlen(s);
	rc = clean_at(r, s, len, 0, 1, out, &ch);
	if (rc == TOO_DEEP) {
		/*
		 * Unwrapping part of the way would give a URL that cleans
		 * differently again: stay with this one, tracking removed.
		 */
		ch = 0;
		rc = clean_at(r, s, len, 0, 0, out, &ch);
	}
	if (rc == TACIT_EFORMAT)
		tacit_err_set(e, "not an http or https URL");
	else if (rc == TACIT_ENOMEM)
		tacit_err_set(e, "out of memory");
	if (rc == TACIT_OK && changed != NULL)
		*changed = ch;
	return rc;
}

/* Sentence punctuation and quotes after a URL are not part of it. */
static size_t
url_trim(const char *s, size_t n)
{
	size_t po = 0, pc = 0, bo = 0, bc = 0;

	for (size_t k = 0; k < n; k++) {
		po += s[k] == '(';
		pc += s[k] == ')';
		bo += s[k] == '[';
		bc += s[k] == ']';
	}
	/* A closing ')' or ']' is the URL's only if it has a partner. */
	while (n > 0) {
		char c = s[n - 1];

		if (c == ')' && pc > po)
			pc--;
		else if (c == ']' && bc > bo)
			bc--;
		else if (c == '\0' || strchr(".,;:!?'*", c) == NULL)
			break;
		n--;
	}
	return n;
}

/* A letter, digit, '+', '-' or '.' before "http" makes another scheme. */
static int
scheme_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

int
tacit_url_clean_text(const struct tacit_url_rules *r, const char *text,
    size_t len, struct tacit_sink *out, struct tacit_err *e)
{
	size_t i = 0, done = 0;

	if (r == NULL || (text == NULL && len > 0)) {
		tacit_err_set(e, "url: no rules or no text");
		return TACIT_EUSAGE;
	}
	while (i < len) {
		size_t p, end;
		char *clean = NULL;
		int ch = 0, rc;
		unsigned char prev = i ? (unsigned char)text[i - 1] : ' ';

		if ((text[i] != 'h' && text[i] != 'H') || scheme_char(prev) ||
		    (p = http_prefix(text + i, len - i)) == 0) {
			i++;
			continue;
		}
		for (end = i + p;
		     end < len && url_char((unsigned char)text[end]); end++)
			;
		end = i + url_trim(text + i, end - i);
		if (end - i > URL_MAX) {
			i = end;
			continue;
		}
		rc = clean_at(r, text + i, end - i, 0, 1, &clean, &ch);
		if (rc == TOO_DEEP) {
			ch = 0;
			rc = clean_at(r, text + i, end - i, 0, 0, &clean, &ch);
		}
		if (rc == TACIT_ENOMEM) {
			tacit_err_set(e, "out of memory");
			return rc;
		}
		if (rc == TACIT_OK && ch) {
			tacit_sink_write(out, text + done, i - done);
			tacit_sink_write(out, clean, strlen(clean));
			done = end;
		}
		free(clean);
		i = end > i ? end : i + 1;
	}
	tacit_sink_write(out, text + done, len - done);
	if (out->err != TACIT_OK) {
		tacit_err_set(e, "cannot write the cleaned text");
		return out->err;
	}
	return TACIT_OK;
}

/* ---- Loading rules ---- */

static void
strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
tacit_url_rules_free(struct tacit_url_rules **rp)
{
	struct tacit_url_rules *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	for (size_t i = 0; i < r->np; i++) {
		strlist_free(&r->p[i].names);
		strlist_free(&r->p[i].hosts);
	}
	for (size_t i = 0; i < r->nd; i++) {
		strlist_free(&r->d[i].hosts);
		strlist_free(&r->d[i].paths);
		strlist_free(&r->d[i].params);
	}
	free(r->p);
	free(r->d);
	free(r);
	*rp = NULL;
}

enum str_kind { STR_TEXT, STR_NAME, STR_PARAM, STR_HOST, STR_PATH };

struct loader {
	yaml_document_t *doc;
	size_t strings; /* all list entries so far, against aliases */
	struct tacit_err *e;
};

static size_t
line_of(const yaml_node_t *n)
{
	return n->start_mark.line + 1;
}

/* A scalar's value, NULL if n is not a scalar or holds a NUL. */
static const char *
scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE ||
	    strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/*
 * Check that a mapping has only known keys, each once, and find them:
 * found[i] is the value of known[i] or NULL.
 */
static int
map_keys(struct loader *L, yaml_node_t *map, const char *what,
    const char *const *known, yaml_node_t **found)
{
	size_t nk = 0;

	while (known[nk] != NULL)
		found[nk++] = NULL;
	if (map == NULL || map->type != YAML_MAPPING_NODE) {
		tacit_err_set(L->e, "line %zu: %s must be a mapping",
		    map ? line_of(map) : 1, what);
		return TACIT_EFORMAT;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(L->doc, p->key);
		const char *k = scalar(kn);
		size_t i;

		for (i = 0; k != NULL && i < nk; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (k == NULL || i == nk) {
			char keys[128] = "";

			for (i = 0; i < nk; i++) {
				strcat(keys, i ? ", " : "");
				strcat(keys, known[i]);
			}
			tacit_err_set(L->e,
			    "line %zu: unknown key '%.40s' in %s (expected %s)",
			    kn ? line_of(kn) : 1, k ? k : "?", what, keys);
			return TACIT_EFORMAT;
		}
		if (found[i] != NULL) {
			tacit_err_set(L->e, "line %zu: key '%s' twice in %s",
			    line_of(kn), k, what);
			return TACIT_EFORMAT;
		}
		found[i] = yaml_document_get_node(L->doc, p->value);
	}
	return TACIT_OK;
}

/* Validate one string of a rule and store it normalised, or say why not. */
static const char *
check_string(const char *s, enum str_kind kind, char *norm)
{
	size_t n = strlen(s);

	if (n == 0)
		return "is empty";
	if (n > RULES_MAX_STRING)
		return "is too long";
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c <= 0x20 || c >= 0x7f)
			return "must be printable ASCII without spaces";
		norm[k] = kind == STR_PATH ? s[k] : (char)lower(c);
		if (kind == STR_HOST &&
		    !((c >= '0' && c <= '9') ||
			(norm[k] >= 'a' && norm[k] <= 'z') || c == '-' ||
			c == '.' || c == '_'))
			return "must be a host name (letters, digits, "
			       "'-', '.'; IDN as xn--)";
		if (kind == STR_PARAM && (c == '*' || c == '?'))
			return "must be a plain name, not a pattern";
	}
	norm[n] = '\0';
	if (kind == STR_HOST) {
		if (n > 1 && norm[n - 1] == '.')
			norm[--n] = '\0';
		if (norm[0] == '.' || strstr(norm, "..") != NULL)
			return "must be a host name without empty labels";
	}
	if (kind == STR_PATH && s[0] != '/')
		return "must start with '/'";
	return NULL;
}

/* A string or a list of strings, each checked as kind. */
static int
parse_list(struct loader *L, yaml_node_t *n, const char *key, const char *id,
    enum str_kind kind, struct strlist *l)
{
	yaml_node_item_t *start = NULL;
	size_t count = 1;

	if (n != NULL && n->type == YAML_SEQUENCE_NODE) {
		start = n->data.sequence.items.start;
		count = (size_t)(n->data.sequence.items.top - start);
	} else if (scalar(n) == NULL) {
		tacit_err_set(L->e,
		    "line %zu: rule '%.40s': %s must be a string or a list "
		    "of strings",
		    line_of(n), id, key);
		return TACIT_EFORMAT;
	}
	if (count == 0 || count > RULES_MAX_LIST ||
	    count > RULES_MAX_STRINGS - L->strings) {
		tacit_err_set(L->e,
		    "line %zu: rule '%.40s': %s needs 1 to %u entries "
		    "(%u in all rules)",
		    line_of(n), id, key, RULES_MAX_LIST, RULES_MAX_STRINGS);
		return TACIT_EFORMAT;
	}
	L->strings += count;
	if ((l->v = calloc(count, sizeof(*l->v))) == NULL)
		return TACIT_ENOMEM;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *it =
		    start ? yaml_document_get_node(L->doc, start[i]) : n;
		const char *s = scalar(it), *why;
		char norm[RULES_MAX_STRING + 1];

		if (s == NULL) {
			tacit_err_set(L->e,
			    "line %zu: rule '%.40s': each %s must be a string",
			    it ? line_of(it) : line_of(n), id, key);
			return TACIT_EFORMAT;
		}
		if ((why = check_string(s, kind, norm)) != NULL) {
			tacit_err_set(L->e,
			    "line %zu: rule '%.40s': %s '%.40s' %s",
			    line_of(it), id, key, s, why);
			return TACIT_EFORMAT;
		}
		if ((l->v[i] = malloc(strlen(norm) + 1)) == NULL)
			return TACIT_ENOMEM;
		strcpy(l->v[i], norm);
		l->n = i + 1;
	}
	return TACIT_OK;
}

/* id (required) and summary (optional): for people and error messages. */
static int
parse_id(struct loader *L, yaml_node_t *map, yaml_node_t *id,
    yaml_node_t *summary, const char *what, const char **out)
{
	char norm[RULES_MAX_STRING + 1];

	if (id == NULL) {
		tacit_err_set(L->e, "line %zu: %s without an id", line_of(map),
		    what);
		return TACIT_EFORMAT;
	}
	if ((*out = scalar(id)) == NULL ||
	    check_string(*out, STR_TEXT, norm) != NULL) {
		tacit_err_set(L->e,
		    "line %zu: an id must be a short string without spaces",
		    line_of(id));
		return TACIT_EFORMAT;
	}
	if (summary != NULL && scalar(summary) == NULL) {
		tacit_err_set(L->e,
		    "line %zu: rule '%.40s': summary must be "
		    "a string",
		    line_of(summary), *out);
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

static int
parse_param_rule(struct loader *L, yaml_node_t *n, struct param_rule *p)
{
	static const char *const known[] = { "id", "summary", "name", "host",
		NULL };
	yaml_node_t *f[4];
	const char *id;
	int rc;

	if ((rc = map_keys(L, n, "a params rule", known, f)) != TACIT_OK ||
	    (rc = parse_id(L, n, f[0], f[1], "a params rule", &id)) != TACIT_OK)
		return rc;
	if (f[2] == NULL) {
		tacit_err_set(L->e, "line %zu: rule '%.40s' has no name",
		    line_of(n), id);
		return TACIT_EFORMAT;
	}
	if ((rc = parse_list(L, f[2], "name", id, STR_NAME, &p->names)) !=
	    TACIT_OK)
		return rc;
	if (f[3] == NULL)
		return TACIT_OK;
	return parse_list(L, f[3], "host", id, STR_HOST, &p->hosts);
}

static int
parse_redirect_rule(struct loader *L, yaml_node_t *n, struct redirect_rule *d)
{
	static const char *const known[] = { "id", "summary", "host", "path",
		"param", NULL };
	static const char *const keys[] = { "host", "path", "param" };
	static const enum str_kind kinds[] = { STR_HOST, STR_PATH, STR_PARAM };
	struct strlist *lists[] = { &d->hosts, &d->paths, &d->params };
	yaml_node_t *f[5];
	const char *id;
	int rc;

	if ((rc = map_keys(L, n, "a redirects rule", known, f)) != TACIT_OK ||
	    (rc = parse_id(L, n, f[0], f[1], "a redirects rule", &id)) !=
		TACIT_OK)
		return rc;
	for (size_t i = 0; i < 3; i++) {
		if (f[2 + i] == NULL) {
			tacit_err_set(L->e, "line %zu: rule '%.40s' has no %s",
			    line_of(n), id, keys[i]);
			return TACIT_EFORMAT;
		}
		rc = parse_list(L, f[2 + i], keys[i], id, kinds[i], lists[i]);
		if (rc != TACIT_OK)
			return rc;
	}
	return TACIT_OK;
}

/* A list of rules: how many, checked against what is left of the cap. */
static int
rule_count(struct loader *L, yaml_node_t *n, const char *key, size_t used,
    size_t *count)
{
	*count = 0;
	if (n == NULL)
		return TACIT_OK;
	if (n->type != YAML_SEQUENCE_NODE) {
		tacit_err_set(L->e, "line %zu: '%s' must be a list of rules",
		    line_of(n), key);
		return TACIT_EFORMAT;
	}
	*count =
	    (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (*count > RULES_MAX_COUNT - used) {
		tacit_err_set(L->e, "line %zu: more than %u rules", line_of(n),
		    RULES_MAX_COUNT);
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

static int
parse_rules(struct loader *L, yaml_node_t *root, struct tacit_url_rules *r)
{
	static const char *const known[] = { "version", "params", "redirects",
		NULL };
	yaml_node_t *f[3];
	const char *v;
	size_t np, nd;
	int rc;

	if ((rc = map_keys(L, root, "the rules file", known, f)) != TACIT_OK)
		return rc;
	if ((v = scalar(f[0])) == NULL || strcmp(v, "1") != 0) {
		tacit_err_set(L->e, "line %zu: 'version: 1' expected",
		    f[0] ? line_of(f[0]) : 1);
		return TACIT_EFORMAT;
	}
	if ((rc = rule_count(L, f[1], "params", 0, &np)) != TACIT_OK ||
	    (rc = rule_count(L, f[2], "redirects", np, &nd)) != TACIT_OK)
		return rc;
	if ((np && !(r->p = calloc(np, sizeof(*r->p)))) ||
	    (nd && !(r->d = calloc(nd, sizeof(*r->d)))))
		return TACIT_ENOMEM;
	for (size_t i = 0; i < np; i++) {
		r->np = i + 1;
		rc = parse_param_rule(L,
		    yaml_document_get_node(L->doc,
			f[1]->data.sequence.items.start[i]),
		    &r->p[i]);
		if (rc != TACIT_OK)
			return rc;
	}
	for (size_t i = 0; i < nd; i++) {
		r->nd = i + 1;
		rc = parse_redirect_rule(L,
		    yaml_document_get_node(L->doc,
			f[2]->data.sequence.items.start[i]),
		    &r->d[i]);
		if (rc != TACIT_OK)
			return rc;
	}
	return TACIT_OK;
}

static int
rules_load_mem(struct tacit_url_rules **rp, const char *yaml, size_t len,
    struct tacit_err *e)
{
	struct loader L = { NULL, 0, e };
	struct tacit_url_rules *r;
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	int rc;

	*rp = NULL;
	if (len > RULES_MAX_BYTES) {
		tacit_err_set(e, "rules larger than %u bytes", RULES_MAX_BYTES);
		return TACIT_EFORMAT;
	}
	for (size_t i = 0, open = 0; i < len; i++) {
		if ((yaml[i] == '[' || yaml[i] == '{') &&
		    ++open > RULES_MAX_BRACKETS) {
			tacit_err_set(e, "rules: more than %u '[' or '{'",
			    RULES_MAX_BRACKETS);
			return TACIT_EFORMAT;
		}
	}
	if (!yaml_parser_initialize(&parser))
		return TACIT_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = parser.error == YAML_MEMORY_ERROR ? TACIT_ENOMEM
						       : TACIT_EFORMAT;
		tacit_err_set(e, "line %zu: %s", parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return rc;
	}
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		tacit_err_set(e, "rules: empty file");
		rc = TACIT_EFORMAT;
		goto out;
	}
	/* A second document would be silently ignored: refuse it. */
	if (!yaml_parser_load(&parser, &extra)) {
		tacit_err_set(e, "line %zu: %s", parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "YAML error");
		rc = TACIT_EFORMAT;
		goto out;
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		tacit_err_set(e, "line %zu: only one YAML document expected",
		    extra.start_mark.line + 1);
		yaml_document_delete(&extra);
		rc = TACIT_EFORMAT;
		goto out;
	}
	yaml_document_delete(&extra);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		rc = TACIT_ENOMEM;
		goto out;
	}
	L.doc = &doc;
	rc = parse_rules(&L, root, r);
	if (rc == TACIT_OK)
		*rp = r;
	else
		tacit_url_rules_free(&r);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int
tacit_url_rules_default(struct tacit_url_rules **r, struct tacit_err *e)
{
	int rc;

	e->msg[0] = '\0';
	rc = rules_load_mem(r, tacit_tracking_yaml, tacit_tracking_yaml_len, e);
	if (rc == TACIT_ENOMEM && e->msg[0] == '\0')
		tacit_err_set(e, "out of memory");

	if (rc == TACIT_EFORMAT) { /* a build bug: say where */
		char msg[sizeof(e->msg)];

		memcpy(msg, e->msg, sizeof(msg));
		tacit_err_set(e, "built-in tracking rules: %s", msg);
	}
	return rc;
}

int
tacit_url_rules_load(struct tacit_url_rules **r, const char *path,
    struct tacit_err *e)
{
	char *buf;
	size_t n;
	int rc;

	*r = NULL;
	rc = tacit_read_small_file(path, RULES_MAX_BYTES, &buf, &n, e);
	if (rc != TACIT_OK)
		return rc;
	e->msg[0] = '\0';
	rc = rules_load_mem(r, buf, n, e);
	if (rc == TACIT_ENOMEM && e->msg[0] == '\0')
		tacit_err_set(e, "out of memory");
	free(buf);
	return rc;
}
