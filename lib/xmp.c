/* xmp, iptc: bounded readers of XMP packets, Photoshop resources and IIM. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/xmp.h"

/*
 * Elements deeper than this are not remembered (their properties are still
 * reported, without values): real XMP nests a handful of levels.
 */
#define XMP_DEPTH_MAX 64
/* Decoded bytes kept of a value: more than tacit_items_add shows. */
#define XMP_VALUE_MAX 1024
/* Longest numeric character reference we look at: "&#x10FFFF;". */
#define XMP_ENTITY_MAX 10
#define XMP_FIELD_MAX 64

/* IIM values longer than this are cut before conversion. */
#define IIM_VALUE_MAX 512

struct xmp_elem {
	const unsigned char *name;
	size_t nlen;
	int prop; /* a property, not rdf/x/xml structure */
	int reported;
};

struct xmp_scan {
	const unsigned char *p;
	size_t len, pos;
	struct tacit_items *out;
	struct xmp_elem stack[XMP_DEPTH_MAX];
	size_t depth; /* true depth; may exceed XMP_DEPTH_MAX */
	size_t found; /* properties reported */
	int err; /* first error of tacit_items_add */
	int full; /* the item list is full: stop */
	unsigned char val[XMP_VALUE_MAX];
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Lenient: any byte of a UTF-8 sequence may be part of an XML name. */
static int
is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == ':' || c >= 0x80;
}

/* Offset of needle in p[from..len), or len when absent. */
static size_t
find(const unsigned char *p, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	while (from < len && len - from >= n) {
		const unsigned char *c =
		    memchr(p + from, needle[0], len - from - n + 1);

		if (c == NULL)
			break;
		from = (size_t)(c - p);
		if (memcmp(p + from, needle, n) == 0)
			return from;
		from++;
	}
	return len;
}

static int
starts(const struct xmp_scan *s, const char *lit)
{
	size_t n = strlen(lit);

	return s->len - s->pos >= n && memcmp(s->p + s->pos, lit, n) == 0;
}

/*
 * The rdf, x, xml and xmlns prefixes are the syntax of the packet, not
 * metadata; names without a prefix are not XMP properties either.
 */
static int
is_structural(const unsigned char *name, size_t nlen)
{
	static const char *const prefixes[] = { "rdf", "x", "xml", "xmlns" };
	const unsigned char *colon = memchr(name, ':', nlen);
	size_t plen;

	if (colon == NULL || colon == name || colon + 1 == name + nlen)
		return 1;
	plen = (size_t)(colon - name);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strlen(prefixes[i]) == plen &&
		    memcmp(prefixes[i], name, plen) == 0)
			return 1;
	return 0;
}

static int
name_is(const unsigned char *name, size_t nlen, const char *lit)
{
	return strlen(lit) == nlen && memcmp(name, lit, nlen) == 0;
}

/* Append code point cp as UTF-8; 0 when it does not fit. */
static size_t
put_utf8(unsigned char *o, size_t room, uint32_t cp)
{
	if (cp < 0x80 && room >= 1) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800 && room >= 2) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000 && room >= 3) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp >= 0x10000 && room >= 4) {
		o[0] = (unsigned char)(0xf0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

/*
 * Decode the reference at src[0] == '&' (n bytes available) into o.
 * Returns the bytes consumed, 0 when it is not a reference we know (the
 * '&' is then copied as is).  *olen gets the bytes written.
 */
static size_t
decode_entity(const unsigned char *src, size_t n, unsigned char *o, size_t room,
    size_t *olen)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
		{ "&lt;", '<' },
		{ "&gt;", '>' },
		{ "&amp;", '&' },
		{ "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t i, end, lim = n < XMP_ENTITY_MAX ? n : XMP_ENTITY_MAX;
	uint32_t cp = 0;
	int hex;

	*olen = 0;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t k = strlen(named[i].name);

		if (n >= k && memcmp(src, named[i].name, k) == 0) {
			if (room < 1)
				return 0;
			o[0] = (unsigned char)named[i].c;
			*olen = 1;
			return k;
		}
	}
	if (lim < 4 || src[1] != '#')
		return 0;
	hex = src[2] == 'x' || src[2] == 'X';
	for (end = hex ? 3 : 2; end < lim && src[end] != ';'; end++) {
		unsigned char c = src[end];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (hex && c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (hex && c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return 0;
		cp = cp * (hex ? 16u : 10u) + d;
		if (cp > 0x10ffff)
			return 0;
	}
	if (end >= lim || end == (hex ? 3u : 2u) || cp == 0 ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*olen = put_utf8(o, room, cp);
	return *olen > 0 ? end + 1 : 0;
}

/* Decode n bytes of text into s->val (entities unless raw); its length. */
static size_t
decode(struct xmp_scan *s, const unsigned char *src, size_t n, int raw)
{
	size_t i = 0, o = 0;

	if (!s->out->want_values)
		return 0; /* the list keeps names only */
	while (i < n && o < sizeof(s->val)) {
		size_t used, w;

		if (!raw && src[i] == '&') {
			used = decode_entity(src + i, n - i, s->val + o,
			    sizeof(s->val) - o, &w);
			if (used > 0) {
				i += used;
				o += w;
				continue;
			}
		}
		s->val[o++] = src[i++];
	}
	return o;
}

static void
report(struct xmp_scan *s, const unsigned char *name, size_t nlen,
    const void *val, size_t vlen)
{
	char field[XMP_FIELD_MAX];
	int rc;

	if (s->full || s->err)
		return;
	if (nlen >= sizeof(field))
		nlen = sizeof(field) - 1;
	memcpy(field, name, nlen);
	field[nlen] = '\0';
	/* A full list only counts what it drops; one drop says enough. */
	if (s->out->n >= TACIT_ITEMS_MAX)
		s->full = 1;
	rc = tacit_items_add(s->out, "XMP", field, val, vlen);
	if (rc != TACIT_OK)
		s->err = rc;
	s->found++;
}

/* Report, value-less, the open properties among the first k elements. */
static void
flush_upto(struct xmp_scan *s, size_t k)
{
	for (size_t i = 0; i < k && i < XMP_DEPTH_MAX; i++) {
		struct xmp_elem *el = &s->stack[i];

		if (el->prop && !el->reported) {
			el->reported = 1;
			report(s, el->name, el->nlen, NULL, 0);
		}
	}
}

/* Index of the innermost remembered element, or -1. */
static long
top(const struct xmp_scan *s)
{
	if (s->depth == 0 || s->depth > XMP_DEPTH_MAX)
		return -1;
	return (long)s->depth - 1;
}

/* Report element i of the stack with a value. */
static void
report_elem(struct xmp_scan *s, size_t i, const unsigned char *v, size_t n,
    int raw)
{
	struct xmp_elem *el = &s->stack[i];
	size_t vlen;

	flush_upto(s, i);
	el->reported = 1;
	vlen = decode(s, v, n, raw);
	report(s, el->name, el->nlen, s->val, vlen);
}

/*
 * Text belongs to the innermost open property: its first non-blank run
 * is the value (the first rdf:li of an array, the rdf:value of a
 * qualified property).
 */
static void
text(struct xmp_scan *s, const unsigned char *t, size_t n, int raw)
{
	size_t i;

	for (i = 0; i < n && is_space(t[i]); i++)
		;
	if (i == n || s->depth > XMP_DEPTH_MAX)
		return;
	for (i = s->depth; i > 0; i--) {
		if (s->stack[i - 1].prop) {
			if (!s->stack[i - 1].reported)
				report_elem(s, i - 1, t, n, raw);
			return;
		}
	}
}

static void
attribute(struct xmp_scan *s, const unsigned char *name, size_t nlen,
    const unsigned char *v, size_t n)
{
	size_t vlen;

	if (name_is(name, nlen, "rdf:resource")) {
		/* <ns:Prop rdf:resource="uri"/>: the URI is the value. */
		text(s, v, n, 0);
		return;
	}
	if (is_structural(name, nlen))
		return;
	/* A property of a struct: the enclosing properties come first. */
	flush_upto(s, s->depth);
	vlen = decode(s, v, n, 0);
	report(s, name, nlen, s->val, vlen);
}

static void
end_element(struct xmp_scan *s)
{
	long t = top(s);

	if (s->depth == 0)
		return;
	if (t >= 0 && s->stack[t].prop && !s->stack[t].reported)
		report_elem(s, (size_t)t, NULL, 0, 1); /* empty value */
	s->depth--;
}

static void
skip_space(struct xmp_scan *s)
{
	while (s->pos < s->len && is_space(s->p[s->pos]))
		s->pos++;
}

/* name="value" in a start tag; s->pos is on the name. */
static void
parse_attribute(struct xmp_scan *s)
{
	const unsigned char *p = s->p, *q;
	size_t an = s->pos, alen, v, end;
	unsigned char quote;

	while (s->pos < s->len && is_name_char(p[s->pos]))
		s->pos++;
	alen = s->pos - an;
	skip_space(s);
	if (s->pos >= s->len || p[s->pos] != '=')
		return; /* a name without a value */
	s->pos++;
	skip_space(s);
	if (s->pos >= s->len)
		return;
	quote = p[s->pos];
	if (quote == '"' || quote == '\'') {
		v = ++s->pos;
		q = memchr(p + v, quote, s->len - v);
		/* An unclosed quote runs to the end. */
		end = q ? (size_t)(q - p) : s->len;
		s->pos = q ? end + 1 : end;
	} else {
		/* Unquoted (not XML, but seen): up to a blank or '>'. */
		v = s->pos;
		while (
		    s->pos < s->len && !is_space(p[s->pos]) && p[s->pos] != '>')
			s->pos++;
		end = s->pos;
	}
	attribute(s, p + an, alen, p + v, end - v);
}

static void
start_tag(struct xmp_scan *s)
{
	const unsigned char *p = s->p;
	size_t start = ++s->pos, nlen;
	int prop;

	while (s->pos < s->len && is_name_char(p[s->pos]))
		s->pos++;
	nlen = s->pos - start;
	prop = !is_structural(p + start, nlen);
	if (s->depth < XMP_DEPTH_MAX) {
		struct xmp_elem *el = &s->stack[s->depth];

		el->name = p + start;
		el->nlen = nlen;
		el->prop = prop;
		el->reported = 0;
	} else if (prop) {
		flush_upto(s, s->depth);
		report(s, p + start, nlen, NULL, 0);
	}
	s->depth++;

	while (s->pos < s->len && !s->full && !s->err) {
		unsigned char c = p[s->pos];

		if (c == '>') {
			s->pos++;
			return;
		}
		if (c == '/' && s->pos + 1 < s->len && p[s->pos + 1] == '>') {
			s->pos += 2;
			end_element(s);
			return;
		}
		if (is_name_char(c))
			parse_attribute(s);
		else
			s->pos++; /* blanks, stray bytes */
	}
}

static void
close_tag(struct xmp_scan *s)
{
	const unsigned char *p = s->p;
	size_t start, nlen, i;
	const unsigned char *gt;

	s->pos += 2;
	start = s->pos;
	while (s->pos < s->len && is_name_char(p[s->pos]))
		s->pos++;
	nlen = s->pos - start;
	gt = memchr(p + s->pos, '>', s->len - s->pos);
	s->pos = gt ? (size_t)(gt - p) + 1 : s->len;
	if (s->depth > XMP_DEPTH_MAX) {
		s->depth--;
		return;
	}
	/* Close up to the matching element; ignore a close of nothing. */
	for (i = s->depth; i > 0; i--) {
		const struct xmp_elem *el = &s->stack[i - 1];

		if (el->nlen == nlen && memcmp(el->name, p + start, nlen) == 0)
			break;
	}
	if (i == 0)
		return;
	while (s->depth >= i && s->depth > 0)
		end_element(s);
}

/* <!DOCTYPE ...[ ... ]>: skip to the '>' outside the brackets. */
static void
skip_declaration(struct xmp_scan *s)
{
	size_t nest = 0;

	for (s->pos += 2; s->pos < s->len; s->pos++) {
		unsigned char c = s->p[s->pos];

		if (c == '[')
			nest++;
		else if (c == ']' && nest > 0)
			nest--;
		else if (c == '>' && nest == 0) {
			s->pos++;
			return;
		}
	}
}

static void
scan_markup(struct xmp_scan *s)
{
	size_t end;

	while (s->pos < s->len && !s->full && !s->err) {
		const unsigned char *lt;

		if (s->p[s->pos] != '<') {
			lt = memchr(s->p + s->pos, '<', s->len - s->pos);
			end = lt ? (size_t)(lt - s->p) : s->len;
			text(s, s->p + s->pos, end - s->pos, 0);
			s->pos = end;
		} else if (starts(s, "<!--")) {
			end = find(s->p, s->len, s->pos + 4, "-->");
			s->pos = end < s->len ? end + 3 : s->len;
		} else if (starts(s, "<![CDATA[")) {
			s->pos += 9;
			end = find(s->p, s->len, s->pos, "]]>");
			text(s, s->p + s->pos, end - s->pos, 1);
			s->pos = end < s->len ? end + 3 : s->len;
		} else if (starts(s, "<!")) {
			skip_declaration(s);
		} else if (starts(s, "<?")) {
			/* <?xpacket ...?> and other processing instructions */
			end = find(s->p, s->len, s->pos + 2, "?>");
			s->pos = end < s->len ? end + 2 : s->len;
		} else if (starts(s, "</")) {
			close_tag(s);
		} else if (s->pos + 1 < s->len &&
		    is_name_char(s->p[s->pos + 1])) {
			start_tag(s);
		} else {
			s->pos++; /* a lone '<' */
		}
	}
	/* A packet cut short still lists the properties it opened. */
	flush_upto(s, s->depth);
}

enum xmp_encoding {
	ENC_UTF8,
	ENC_UTF16BE,
	ENC_UTF16LE,
	ENC_UTF32BE,
	ENC_UTF32LE
};

/*
 * XMP may be UTF-16 or UTF-32 (the packet wrapper allows it, and some
 * writers use it): tell by the byte order mark or by where the NULs sit
 * around the first '<'.
 */
static enum xmp_encoding
detect_encoding(const unsigned char *p, size_t len, size_t *skip)
{
	*skip = 0;
	if (len >= 4 && memcmp(p, "\0\0\xfe\xff", 4) == 0) {
		*skip = 4;
		return ENC_UTF32BE;
	}
	if (len >= 4 && memcmp(p, "\xff\xfe\0\0", 4) == 0) {
		*skip = 4;
		return ENC_UTF32LE;
	}
	if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*skip = 2;
		return ENC_UTF16BE;
	}
	if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*skip = 2;
		return ENC_UTF16LE;
	}
	if (len >= 4 && memcmp(p, "\0\0\0<", 4) == 0)
		return ENC_UTF32BE;
	if (len >= 4 && memcmp(p, "<\0\0\0", 4) == 0)
		return ENC_UTF32LE;
	if (len >= 2 && p[0] == 0 && p[1] == '<')
		return ENC_UTF16BE;
	if (len >= 2 && p[0] == '<' && p[1] == 0)
		return ENC_UTF16LE;
	return ENC_UTF8;
}

/* Transcode UTF-16/32 to UTF-8 (at most 3 bytes out per 2 in). */
static unsigned char *
to_utf8(const unsigned char *p, size_t len, enum xmp_encoding enc, size_t *olen)
{
	size_t unit = (enc == ENC_UTF16BE || enc == ENC_UTF16LE) ? 2 : 4;
	int be = enc == ENC_UTF16BE || enc == ENC_UTF32BE;
	size_t i, o = 0, cap;
	unsigned char *out;

	if (len > SIZE_MAX / 2 - 4)
		return NULL;
	cap = len / 2 * 3 + 4;
	out = malloc(cap);
	if (out == NULL)
		return NULL;
	for (i = 0; len - i >= unit; i += unit) {
		uint32_t cp;

		if (unit == 2) {
			cp = be ? (uint32_t)p[i] << 8 | p[i + 1]
				: (uint32_t)p[i + 1] << 8 | p[i];
			if (cp >= 0xd800 && cp <= 0xdbff && len - i >= 4) {
				uint32_t lo = be
				    ? (uint32_t)p[i + 2] << 8 | p[i + 3]
				    : (uint32_t)p[i + 3] << 8 | p[i + 2];

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 2;
				}
			}
		} else {
			cp = be
			    ? (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
				(uint32_t)p[i + 2] << 8 | p[i + 3]
			    : (uint32_t)p[i + 3] << 24 |
				(uint32_t)p[i + 2] << 16 |
				(uint32_t)p[i + 1] << 8 | p[i];
		}
		if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			cp = '?';
		o += put_utf8(out + o, cap - o, cp);
	}
	*olen = o;
	return out;
}

int
tacit_xmp_scan(const unsigned char *p, size_t len, struct tacit_items *out)
{
	struct xmp_scan *s;
	unsigned char *conv = NULL;
	size_t skip;
	enum xmp_encoding enc;
	int rc;

	if (len == 0)
		return TACIT_OK;
	/* The state holds a value buffer: keep it off the stack. */
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return TACIT_ENOMEM;
	s->p = p;
	s->len = len;
	s->out = out;
	enc = detect_encoding(p, len, &skip);
	if (enc != ENC_UTF8) {
		conv = to_utf8(p + skip, len - skip, enc, &s->len);
		if (conv == NULL) {
			free(s);
			return TACIT_ENOMEM;
		}
		s->p = conv;
	}
	scan_markup(s);
	rc = s->err;
	/* Never let a non-empty packet go unlisted. */
	if (rc == TACIT_OK && s->found == 0)
		rc = tacit_items_add(out, "XMP", "packet", NULL, 0);
	free(conv);
	free(s);
	return rc;
}

static uint32_t
be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static const char *
iim_name(unsigned rec, unsigned ds)
{
	static const struct {
		unsigned char ds;
		const char *name;
	} app[] = {
		{ 0, "ApplicationRecordVersion" },
		{ 3, "ObjectTypeReference" },
		{ 4, "ObjectAttributeReference" },
		{ 5, "ObjectName" },
		{ 7, "EditStatus" },
		{ 10, "Urgency" },
		{ 12, "SubjectReference" },
		{ 15, "Category" },
		{ 20, "SupplementalCategories" },
		{ 22, "FixtureIdentifier" },
		{ 25, "Keywords" },
		{ 26, "ContentLocationCode" },
		{ 27, "ContentLocationName" },
		{ 30, "ReleaseDate" },
		{ 35, "ReleaseTime" },
		{ 37, "ExpirationDate" },
		{ 38, "ExpirationTime" },
		{ 40, "SpecialInstructions" },
		{ 45, "ReferenceService" },
		{ 47, "ReferenceDate" },
		{ 50, "ReferenceNumber" },
		{ 55, "DateCreated" },
		{ 60, "TimeCreated" },
		{ 62, "DigitalCreationDate" },
		{ 63, "DigitalCreationTime" },
		{ 65, "OriginatingProgram" },
		{ 70, "ProgramVersion" },
		{ 75, "ObjectCycle" },
		{ 80, "By-line" },
		{ 85, "By-lineTitle" },
		{ 90, "City" },
		{ 92, "Sub-location" },
		{ 95, "Province-State" },
		{ 100, "Country-PrimaryLocationCode" },
		{ 101, "Country-PrimaryLocationName" },
		{ 103, "OriginalTransmissionReference" },
		{ 105, "Headline" },
		{ 110, "Credit" },
		{ 115, "Source" },
		{ 116, "CopyrightNotice" },
		{ 118, "Contact" },
		{ 120, "Caption-Abstract" },
		{ 122, "Writer-Editor" },
		{ 130, "ImageType" },
		{ 131, "ImageOrientation" },
		{ 135, "LanguageIdentifier" },
	};

	if (rec != 2)
		return NULL;
	for (size_t i = 0; i < sizeof(app) / sizeof(app[0]); i++)
		if (app[i].ds == ds)
			return app[i].name;
	return NULL;
}

static int
valid_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t k, more;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			more = 1;
		else if ((c & 0xf0) == 0xe0)
			more = 2;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			more = 3;
		else
			return 0;
		if (n - i <= more)
			return 0;
		for (k = 1; k <= more; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += more + 1;
	}
	return 1;
}

/* Add one dataset; text that is not UTF-8 is taken as ISO 8859-1. */
static int
iim_add(struct tacit_items *out, const char *field, unsigned rec, unsigned ds,
    const unsigned char *v, size_t n, int utf8)
{
	unsigned char buf[IIM_VALUE_MAX * 2 + 3];
	char num[16];
	size_t i, o = 0;

	/* The record versions are 2-byte binary numbers. */
	if ((rec == 1 || rec == 2) && ds == 0 && n == 2) {
		snprintf(num, sizeof(num), "%u", (unsigned)be16(v));
		return tacit_items_add(out, "IPTC", field, num, strlen(num));
	}
	if (utf8 || valid_utf8(v, n))
		return tacit_items_add(out, "IPTC", field, v, n);
	for (i = 0; i < n && i < IIM_VALUE_MAX; i++)
		o += put_utf8(buf + o, sizeof(buf) - o, v[i]);
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	return tacit_items_add(out, "IPTC", field, buf, o);
}

int
tacit_iptc_scan_iim(const unsigned char *p, size_t len, struct tacit_items *out,
    struct tacit_err *e)
{
	size_t pos = 0;
	int utf8 = 0;

	while (pos < len) {
		unsigned rec, ds, sz;
		size_t off, size;
		char num[24];
		const char *name;
		int rc;

		/* Writers pad the block with zeros. */
		if (p[pos] == 0 && all_zero(p + pos, len - pos))
			break;
		if (p[pos] != 0x1c) {
			tacit_err_set(e, "bad iptc tag marker at offset %zu",
			    pos);
			return TACIT_EFORMAT;
		}
		if (len - pos < 5) {
			tacit_err_set(e, "truncated iptc dataset header");
			return TACIT_EFORMAT;
		}
		rec = p[pos + 1];
		ds = p[pos + 2];
		sz = (unsigned)be16(p + pos + 3);
		off = pos + 5;
		if (sz & 0x8000) {
			/* Extended: the low bits count the size's bytes. */
			size_t nb = sz & 0x7fff;

			if (nb == 0 || nb > 4) {
				tacit_err_set(e,
				    "iptc dataset %u:%02u: "
				    "bad extended size length %zu",
				    rec, ds, nb);
				return TACIT_EFORMAT;
			}
			if (nb > len - off) {
				tacit_err_set(e,
				    "truncated iptc dataset "
				    "%u:%02u",
				    rec, ds);
				return TACIT_EFORMAT;
			}
			size = 0;
			for (size_t k = 0; k < nb; k++)
				size = size << 8 | p[off + k];
			off += nb;
		} else {
			size = sz;
		}
		if (size > len - off) {
			tacit_err_set(e,
			    "iptc dataset %u:%02u: size %zu "
			    "past the end",
			    rec, ds, size);
			return TACIT_EFORMAT;
		}
		/* 1:90 CodedCharacterSet: ESC % G declares UTF-8. */
		if (rec == 1 && ds == 90)
			utf8 = size >= 3 && memcmp(p + off, "\x1b%G", 3) == 0;
		name = iim_name(rec, ds);
		if (name == NULL) {
			if (rec == 1)
				snprintf(num, sizeof(num), "Envelope 1:%02u",
				    ds);
			else
				snprintf(num, sizeof(num), "%u:%02u", rec, ds);
			name = num;
		}
		rc = iim_add(out, name, rec, ds, p + off, size, utf8);
		if (rc != TACIT_OK)
			return rc;
		pos = off + size;
	}
	return TACIT_OK;
}

static const char *
resource_name(uint32_t id)
{
	static const struct {
		uint16_t id;
		const char *name;
	} names[] = {
		{ 0x03ed, "ResolutionInfo" },
		{ 0x03f3, "PrintFlags" },
		{ 0x03f5, "ColorHalftoneInfo" },
		{ 0x03f8, "ColorTransferFuncs" },
		{ 0x0406, "JPEG_Quality" },
		{ 0x0408, "GridGuidesInfo" },
		{ 0x0409, "Thumbnail" },
		{ 0x040a, "CopyrightFlag" },
		{ 0x040b, "URL" },
		{ 0x040c, "Thumbnail" },
		{ 0x040d, "GlobalAngle" },
		{ 0x040f, "ICC" },
		{ 0x0414, "DocumentSpecificIDs" },
		{ 0x0419, "GlobalAltitude" },
		{ 0x041a, "Slices" },
		{ 0x041e, "URL_List" },
		{ 0x0421, "VersionInfo" },
		{ 0x0422, "EXIF" },
		{ 0x0423, "EXIF" },
		{ 0x0424, "XMP" },
		{ 0x0425, "IPTCDigest" },
		{ 0x0426, "PrintScale" },
		{ 0x0428, "PixelInfo" },
		{ 0x043a, "PrintInfo" },
		{ 0x043b, "PrintStyle" },
		{ 0x0bb7, "ClippingPathName" },
		{ 0x2710, "PrintFlagsInfo" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].id == id)
			return names[i].name;
	return NULL;
}

/* 8BIM is Photoshop's; the others come from older or foreign writers. */
static int
resource_signature(const unsigned char *p)
{
	static const char *const sigs[] = { "8BIM", "PHUT", "AgHg", "DCSR",
		"MeSa" };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (memcmp(p, sigs[i], 4) == 0)
			return 1;
	return 0;
}

static int
photoshop_resource(uint32_t id, const unsigned char *d, size_t size,
    struct tacit_items *out, struct tacit_err *e)
{
	size_t before = out->n + out->dropped;
	const char *name = resource_name(id);
	char field[24];
	int rc;

	if (id == 0x0404) {
		rc = tacit_iptc_scan_iim(d, size, out, e);
		if (rc == TACIT_OK && out->n + out->dropped == before)
			rc = tacit_items_add(out, "Photoshop", "IPTC", NULL, 0);
		return rc;
	}
	if (name != NULL)
		snprintf(field, sizeof(field), "%s", name);
	else
		snprintf(field, sizeof(field), "resource-0x%04X", (unsigned)id);
	/* Text resources show their text; binary ones only their name. */
	if (id == 0x040b)
		return tacit_items_add(out, "Photoshop", field, d, size);
	rc = tacit_items_add(out, "Photoshop", field, NULL, 0);
	if (rc == TACIT_OK && id == 0x0424)
		rc = tacit_xmp_scan(d, size, out);
	return rc;
}

int
tacit_iptc_scan_photoshop(const unsigned char *p, size_t len,
    struct tacit_items *out, struct tacit_err *e)
{
	size_t pos = 0;

	while (pos < len) {
		size_t rest = len - pos, namelen, off, size;
		uint32_t id;
		int rc;

		if (all_zero(p + pos, rest))
			break;
		/* signature, id, name (at least 2 bytes), size */
		if (rest < 12) {
			tacit_err_set(e, "truncated photoshop resource");
			return TACIT_EFORMAT;
		}
		if (!resource_signature(p + pos)) {
			tacit_err_set(e,
			    "bad photoshop resource signature "
			    "at offset %zu",
			    pos);
			return TACIT_EFORMAT;
		}
		id = be16(p + pos + 4);
		/* A Pascal string, padded to an even length. */
		namelen = ((size_t)p[pos + 6] + 2) & ~(size_t)1;
		if (namelen > rest - 6 || rest - 6 - namelen < 4) {
			tacit_err_set(e, "truncated photoshop resource 0x%04X",
			    (unsigned)id);
			return TACIT_EFORMAT;
		}
		off = pos + 6 + namelen;
		size = be32(p + off);
		off += 4;
		if (size > len - off) {
			tacit_err_set(e,
			    "photoshop resource 0x%04X: size %zu "
			    "past the end",
			    (unsigned)id, size);
			return TACIT_EFORMAT;
		}
		rc = photoshop_resource(id, p + off, size, out, e);
		if (rc != TACIT_OK)
			return rc;
		pos = off + size;
		/* Data is padded to even; tolerate a missing last pad. */
		if ((size & 1) && pos < len)
			pos++;
	}
	return TACIT_OK;
}
