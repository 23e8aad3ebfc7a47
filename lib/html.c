/* html: a bounded, linear scanner for the metadata of a web page. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/html.h"
#include "tacit/text.h"

#define REPLACEMENT 0xfffdu
/* The prescan looks for <meta charset> this far, as browsers do. */
#define PRESCAN_MAX 1024
/* Longer charset labels are no charset anyone registered. */
#define LABEL_MAX 40
/* Longer names cannot be a property we look for. */
#define KEY_MAX 32

/*
 * Named character references: HTML 4's set (HTML 5 keeps every one), plus
 * &apos;.  Sorted by byte value for bsearch.  legacy: HTML also reads it
 * without the ';' ("&copy 2024"), as old pages wrote it.
 */
struct entity {
	char name[9];
	unsigned short cp;
	unsigned char legacy;
};

static const struct entity entities[] = {
	{ "AElig", 0x00c6, 1 },
	{ "AMP", 0x0026, 1 },
	{ "Aacute", 0x00c1, 1 },
	{ "Acirc", 0x00c2, 1 },
	{ "Agrave", 0x00c0, 1 },
	{ "Alpha", 0x0391, 0 },
	{ "Aring", 0x00c5, 1 },
	{ "Atilde", 0x00c3, 1 },
	{ "Auml", 0x00c4, 1 },
	{ "Beta", 0x0392, 0 },
	{ "COPY", 0x00a9, 1 },
	{ "Ccedil", 0x00c7, 1 },
	{ "Chi", 0x03a7, 0 },
	{ "Dagger", 0x2021, 0 },
	{ "Delta", 0x0394, 0 },
	{ "ETH", 0x00d0, 1 },
	{ "Eacute", 0x00c9, 1 },
	{ "Ecirc", 0x00ca, 1 },
	{ "Egrave", 0x00c8, 1 },
	{ "Epsilon", 0x0395, 0 },
	{ "Eta", 0x0397, 0 },
	{ "Euml", 0x00cb, 1 },
	{ "GT", 0x003e, 1 },
	{ "Gamma", 0x0393, 0 },
	{ "Iacute", 0x00cd, 1 },
	{ "Icirc", 0x00ce, 1 },
	{ "Igrave", 0x00cc, 1 },
	{ "Iota", 0x0399, 0 },
	{ "Iuml", 0x00cf, 1 },
	{ "Kappa", 0x039a, 0 },
	{ "LT", 0x003c, 1 },
	{ "Lambda", 0x039b, 0 },
	{ "Mu", 0x039c, 0 },
	{ "Ntilde", 0x00d1, 1 },
	{ "Nu", 0x039d, 0 },
	{ "OElig", 0x0152, 0 },
	{ "Oacute", 0x00d3, 1 },
	{ "Ocirc", 0x00d4, 1 },
	{ "Ograve", 0x00d2, 1 },
	{ "Omega", 0x03a9, 0 },
	{ "Omicron", 0x039f, 0 },
	{ "Oslash", 0x00d8, 1 },
	{ "Otilde", 0x00d5, 1 },
	{ "Ouml", 0x00d6, 1 },
	{ "Phi", 0x03a6, 0 },
	{ "Pi", 0x03a0, 0 },
	{ "Prime", 0x2033, 0 },
	{ "Psi", 0x03a8, 0 },
	{ "QUOT", 0x0022, 1 },
	{ "REG", 0x00ae, 1 },
	{ "Rho", 0x03a1, 0 },
	{ "Scaron", 0x0160, 0 },
	{ "Sigma", 0x03a3, 0 },
	{ "THORN", 0x00de, 1 },
	{ "Tau", 0x03a4, 0 },
	{ "Theta", 0x0398, 0 },
	{ "Uacute", 0x00da, 1 },
	{ "Ucirc", 0x00db, 1 },
	{ "Ugrave", 0x00d9, 1 },
	{ "Upsilon", 0x03a5, 0 },
	{ "Uuml", 0x00dc, 1 },
	{ "Xi", 0x039e, 0 },
	{ "Yacute", 0x00dd, 1 },
	{ "Yuml", 0x0178, 0 },
	{ "Zeta", 0x0396, 0 },
	{ "aacute", 0x00e1, 1 },
	{ "acirc", 0x00e2, 1 },
	{ "acute", 0x00b4, 1 },
	{ "aelig", 0x00e6, 1 },
	{ "agrave", 0x00e0, 1 },
	{ "alefsym", 0x2135, 0 },
	{ "alpha", 0x03b1, 0 },
	{ "amp", 0x0026, 1 },
	{ "and", 0x2227, 0 },
	{ "ang", 0x2220, 0 },
	{ "apos", 0x0027, 0 },
	{ "aring", 0x00e5, 1 },
	{ "asymp", 0x2248, 0 },
	{ "atilde", 0x00e3, 1 },
	{ "auml", 0x00e4, 1 },
	{ "bdquo", 0x201e, 0 },
	{ "beta", 0x03b2, 0 },
	{ "brvbar", 0x00a6, 1 },
	{ "bull", 0x2022, 0 },
	{ "cap", 0x2229, 0 },
	{ "ccedil", 0x00e7, 1 },
	{ "cedil", 0x00b8, 1 },
	{ "cent", 0x00a2, 1 },
	{ "chi", 0x03c7, 0 },
	{ "circ", 0x02c6, 0 },
	{ "clubs", 0x2663, 0 },
	{ "cong", 0x2245, 0 },
	{ "copy", 0x00a9, 1 },
	{ "crarr", 0x21b5, 0 },
	{ "cup", 0x222a, 0 },
	{ "curren", 0x00a4, 1 },
	{ "dArr", 0x21d3, 0 },
	{ "dagger", 0x2020, 0 },
	{ "darr", 0x2193, 0 },
	{ "deg", 0x00b0, 1 },
	{ "delta", 0x03b4, 0 },
	{ "diams", 0x2666, 0 },
	{ "divide", 0x00f7, 1 },
	{ "eacute", 0x00e9, 1 },
	{ "ecirc", 0x00ea, 1 },
	{ "egrave", 0x00e8, 1 },
	{ "empty", 0x2205, 0 },
	{ "emsp", 0x2003, 0 },
	{ "ensp", 0x2002, 0 },
	{ "epsilon", 0x03b5, 0 },
	{ "equiv", 0x2261, 0 },
	{ "eta", 0x03b7, 0 },
	{ "eth", 0x00f0, 1 },
	{ "euml", 0x00eb, 1 },
	{ "euro", 0x20ac, 0 },
	{ "exist", 0x2203, 0 },
	{ "fnof", 0x0192, 0 },
	{ "forall", 0x2200, 0 },
	{ "frac12", 0x00bd, 1 },
	{ "frac14", 0x00bc, 1 },
	{ "frac34", 0x00be, 1 },
	{ "frasl", 0x2044, 0 },
	{ "gamma", 0x03b3, 0 },
	{ "ge", 0x2265, 0 },
	{ "gt", 0x003e, 1 },
	{ "hArr", 0x21d4, 0 },
	{ "harr", 0x2194, 0 },
	{ "hearts", 0x2665, 0 },
	{ "hellip", 0x2026, 0 },
	{ "iacute", 0x00ed, 1 },
	{ "icirc", 0x00ee, 1 },
	{ "iexcl", 0x00a1, 1 },
	{ "igrave", 0x00ec, 1 },
	{ "image", 0x2111, 0 },
	{ "infin", 0x221e, 0 },
	{ "int", 0x222b, 0 },
	{ "iota", 0x03b9, 0 },
	{ "iquest", 0x00bf, 1 },
	{ "isin", 0x2208, 0 },
	{ "iuml", 0x00ef, 1 },
	{ "kappa", 0x03ba, 0 },
	{ "lArr", 0x21d0, 0 },
	{ "lambda", 0x03bb, 0 },
	{ "lang", 0x27e8, 0 },
	{ "laquo", 0x00ab, 1 },
	{ "larr", 0x2190, 0 },
	{ "lceil", 0x2308, 0 },
	{ "ldquo", 0x201c, 0 },
	{ "le", 0x2264, 0 },
	{ "lfloor", 0x230a, 0 },
	{ "lowast", 0x2217, 0 },
	{ "loz", 0x25ca, 0 },
	{ "lrm", 0x200e, 0 },
	{ "lsaquo", 0x2039, 0 },
	{ "lsquo", 0x2018, 0 },
	{ "lt", 0x003c, 1 },
	{ "macr", 0x00af, 1 },
	{ "mdash", 0x2014, 0 },
	{ "micro", 0x00b5, 1 },
	{ "middot", 0x00b7, 1 },
	{ "minus", 0x2212, 0 },
	{ "mu", 0x03bc, 0 },
	{ "nabla", 0x2207, 0 },
	{ "nbsp", 0x00a0, 1 },
	{ "ndash", 0x2013, 0 },
	{ "ne", 0x2260, 0 },
	{ "ni", 0x220b, 0 },
	{ "not", 0x00ac, 1 },
	{ "notin", 0x2209, 0 },
	{ "nsub", 0x2284, 0 },
	{ "ntilde", 0x00f1, 1 },
	{ "nu", 0x03bd, 0 },
	{ "oacute", 0x00f3, 1 },
	{ "ocirc", 0x00f4, 1 },
	{ "oelig", 0x0153, 0 },
	{ "ograve", 0x00f2, 1 },
	{ "oline", 0x203e, 0 },
	{ "omega", 0x03c9, 0 },
	{ "omicron", 0x03bf, 0 },
	{ "oplus", 0x2295, 0 },
	{ "or", 0x2228, 0 },
	{ "ordf", 0x00aa, 1 },
	{ "ordm", 0x00ba, 1 },
	{ "oslash", 0x00f8, 1 },
	{ "otilde", 0x00f5, 1 },
	{ "otimes", 0x2297, 0 },
	{ "ouml", 0x00f6, 1 },
	{ "para", 0x00b6, 1 },
	{ "part", 0x2202, 0 },
	{ "permil", 0x2030, 0 },
	{ "perp", 0x22a5, 0 },
	{ "phi", 0x03c6, 0 },
	{ "pi", 0x03c0, 0 },
	{ "piv", 0x03d6, 0 },
	{ "plusmn", 0x00b1, 1 },
	{ "pound", 0x00a3, 1 },
	{ "prime", 0x2032, 0 },
	{ "prod", 0x220f, 0 },
	{ "prop", 0x221d, 0 },
	{ "psi", 0x03c8, 0 },
	{ "quot", 0x0022, 1 },
	{ "rArr", 0x21d2, 0 },
	{ "radic", 0x221a, 0 },
	{ "rang", 0x27e9, 0 },
	{ "raquo", 0x00bb, 1 },
	{ "rarr", 0x2192, 0 },
	{ "rceil", 0x2309, 0 },
	{ "rdquo", 0x201d, 0 },
	{ "real", 0x211c, 0 },
	{ "reg", 0x00ae, 1 },
	{ "rfloor", 0x230b, 0 },
	{ "rho", 0x03c1, 0 },
	{ "rlm", 0x200f, 0 },
	{ "rsaquo", 0x203a, 0 },
	{ "rsquo", 0x2019, 0 },
	{ "sbquo", 0x201a, 0 },
	{ "scaron", 0x0161, 0 },
	{ "sdot", 0x22c5, 0 },
	{ "sect", 0x00a7, 1 },
	{ "shy", 0x00ad, 1 },
	{ "sigma", 0x03c3, 0 },
	{ "sigmaf", 0x03c2, 0 },
	{ "sim", 0x223c, 0 },
	{ "spades", 0x2660, 0 },
	{ "sub", 0x2282, 0 },
	{ "sube", 0x2286, 0 },
	{ "sum", 0x2211, 0 },
	{ "sup", 0x2283, 0 },
	{ "sup1", 0x00b9, 1 },
	{ "sup2", 0x00b2, 1 },
	{ "sup3", 0x00b3, 1 },
	{ "supe", 0x2287, 0 },
	{ "szlig", 0x00df, 1 },
	{ "tau", 0x03c4, 0 },
	{ "there4", 0x2234, 0 },
	{ "theta", 0x03b8, 0 },
	{ "thetasym", 0x03d1, 0 },
	{ "thinsp", 0x2009, 0 },
	{ "thorn", 0x00fe, 1 },
	{ "tilde", 0x02dc, 0 },
	{ "times", 0x00d7, 1 },
	{ "trade", 0x2122, 0 },
	{ "uArr", 0x21d1, 0 },
	{ "uacute", 0x00fa, 1 },
	{ "uarr", 0x2191, 0 },
	{ "ucirc", 0x00fb, 1 },
	{ "ugrave", 0x00f9, 1 },
	{ "uml", 0x00a8, 1 },
	{ "upsih", 0x03d2, 0 },
	{ "upsilon", 0x03c5, 0 },
	{ "uuml", 0x00fc, 1 },
	{ "weierp", 0x2118, 0 },
	{ "xi", 0x03be, 0 },
	{ "yacute", 0x00fd, 1 },
	{ "yen", 0x00a5, 1 },
	{ "yuml", 0x00ff, 1 },
	{ "zeta", 0x03b6, 0 },
	{ "zwj", 0x200d, 0 },
	{ "zwnj", 0x200c, 0 },
};

/* Longest name HTML accepts without a ';' ("frac12", "curren"). */
#define LEGACY_NAME_MAX 6
/* Longest name in the table. */
#define ENTITY_NAME_MAX 8

/* What &#128; to &#159; mean: HTML reads them as windows-1252. */
static const unsigned short c1_as_1252[32] = { 0x20ac, 0x0081, 0x201a, 0x0192,
	0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
	0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e,
	0x0178 };

/* ASCII only: the locale must not change how markup is read. */
static int
is_ws(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
is_alpha(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned c)
{
	return is_alpha(c) || is_digit(c);
}

static unsigned
lower(unsigned c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does p[0..len) equal the lowercase word w, ignoring ASCII case? */
static int
same_word(const unsigned char *p, size_t len, const char *w)
{
	size_t k;

	for (k = 0; k < len; k++)
		if (w[k] == '\0' || lower(p[k]) != (unsigned char)w[k])
			return 0;
	return w[k] == '\0';
}

static int
entity_cmp(const void *key, const void *elt)
{
	const struct entity *k = key, *x = elt;
	size_t kn = strlen(k->name), xn = strlen(x->name);
	int c = memcmp(k->name, x->name, kn < xn ? kn : xn);

	if (c != 0)
		return c;
	return kn < xn ? -1 : kn > xn;
}

static const struct entity *
entity_find(const unsigned char *p, size_t len)
{
	struct entity key;

	if (len == 0 || len > ENTITY_NAME_MAX)
		return NULL;
	memset(&key, 0, sizeof(key));
	memcpy(key.name, p, len);
	return bsearch(&key, entities, sizeof(entities) / sizeof(entities[0]),
	    sizeof(entities[0]), entity_cmp);
}

/*
 * The character reference at p[0] == '&' (n bytes available): its code
 * point in *cp and the bytes it takes; a lone '&' takes one byte.  In an
 * attribute, a legacy name without ';' followed by '=' or a letter or
 * digit is left alone ("?a=1&copy=2"), as HTML does.  At most
 * ENTITY_NAME_MAX + 2 bytes are looked at past the digits, so decoding
 * stays linear.
 */
static size_t
charref(const unsigned char *p, size_t n, int attr, unsigned *cp)
{
	size_t i = 1, start, run;
	const struct entity *e;

	*cp = '&';
	if (i < n && p[i] == '#') {
		unsigned long v = 0;
		int hex = 0;

		i++;
		if (i < n && (p[i] == 'x' || p[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (start = i; i < n; i++) {
			unsigned d;

			if (is_digit(p[i]))
				d = p[i] - '0';
			else if (hex && lower(p[i]) >= 'a' &&
			    lower(p[i]) <= 'f')
				d = lower(p[i]) - 'a' + 10;
			else
				break;
			/* Saturate: any longer number is out of range. */
			if (v <= 0x10ffff)
				v = v * (hex ? 16 : 10) + d;
		}
		if (i == start)
			return 1; /* "&#" or "&#x" and no digits: text */
		if (i < n && p[i] == ';')
			i++;
		if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			*cp = REPLACEMENT;
		else if (v >= 0x80 && v <= 0x9f)
			*cp = c1_as_1252[v - 0x80];
		else
			*cp = (unsigned)v;
		return i;
	}
	for (run = 0; i + run < n && run <= ENTITY_NAME_MAX; run++)
		if (!is_alnum(p[i + run]))
			break;
	if (i + run < n && p[i + run] == ';') {
		e = entity_find(p + i, run);
		if (e != NULL) {
			*cp = e->cp;
			return i + run + 1;
		}
	}
	/* Without ';': the longest legacy name that starts the run. */
	for (size_t k = run < LEGACY_NAME_MAX ? run : LEGACY_NAME_MAX; k >= 2;
	     k--) {
		e = entity_find(p + i, k);
		if (e == NULL || !e->legacy)
			continue;
		if (attr && i + k < n &&
		    (is_alnum(p[i + k]) || p[i + k] == '='))
			return 1;
		*cp = e->cp;
		return i + k;
	}
	return 1;
}

/* Code points from UTF-8 text, optionally decoding character references. */
struct decoder {
	const unsigned char *p;
	size_t n, i;
	int refs; /* decode character references */
	int attr; /* in an attribute value (see charref) */
};

static void
decoder_init(struct decoder *d, const void *p, size_t n, int refs, int attr)
{
	d->p = p;
	d->n = n;
	d->i = 0;
	d->refs = refs;
	d->attr = attr;
}

/* The next code point (invalid UTF-8 as U+FFFD, a byte at a time). */
static int
decoder_next(struct decoder *d, unsigned *cp)
{
	size_t len;

	if (d->i >= d->n)
		return 0;
	if (d->refs && d->p[d->i] == '&') {
		d->i += charref(d->p + d->i, d->n - d->i, d->attr, cp);
		return 1;
	}
	len = tacit_utf8_next(d->p + d->i, d->n - d->i, cp);
	if (len == 0) {
		*cp = REPLACEMENT;
		len = 1;
	}
	d->i += len;
	return 1;
}

/*
 * Output hygiene.  Escape sequences are followed as a terminal would read
 * them (ESC, CSI, and the string controls OSC, DCS, SOS, PM, APC) and
 * dropped whole; any other control or bidi character is dropped alone.
 * The 8-bit forms of CSI and OSC are dropped alone too: U+009B to U+009F
 * turn up in ordinary mojibake ("\u00c3\u009f" for a UTF-8 "\u00df" read
 * as Latin-1), and the rest of such a title is worth keeping.  Text folds runs of white space to one
 * space; a URL loses tabs and newlines, as URL parsers drop them, and
 * keeps inner spaces as %20.  Leading and trailing white space never
 * reaches the output.
 */
enum { ESC_NONE, ESC_ESC, ESC_CSI, ESC_STRING, ESC_STRING_ESC };

struct cleaner {
	char *out;
	size_t len, max; /* out holds max + 1 bytes */
	int url;
	int esc;
	size_t spaces; /* white space waiting for something to follow it */
	int full; /* something did not fit: the output is cut */
	int tainted; /* a URL held a control or bidi character */
};

static void
cleaner_init(struct cleaner *c, char *out, size_t max, int url)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->max = max;
	c->url = url;
}

static size_t
utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Is cp consumed by an escape sequence in progress? */
static int
cleaner_escape(struct cleaner *c, unsigned cp)
{
	switch (c->esc) {
	case ESC_STRING:
		if (cp == 0x07 || cp == 0x9c)
			c->esc = ESC_NONE;
		else if (cp == 0x1b)
			c->esc = ESC_STRING_ESC;
		return 1;
	case ESC_STRING_ESC:
		if (cp == '\\') {
			c->esc = ESC_NONE;
			return 1;
		}
		c->esc = ESC_ESC; /* a new sequence starts */
		/* FALLTHROUGH */
	case ESC_ESC:
		if (cp == '[') {
			c->esc = ESC_CSI;
			return 1;
		}
		if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' ||
		    cp == '_') {
			c->esc = ESC_STRING;
			return 1;
		}
		if (cp >= 0x20 && cp <= 0x2f)
			return 1; /* intermediate bytes */
		c->esc = ESC_NONE;
		if (cp >= 0x30 && cp <= 0x7e)
			return 1; /* the final byte */
		break;
	case ESC_CSI:
		if (cp >= 0x20 && cp <= 0x3f)
			return 1; /* parameters and intermediates */
		c->esc = ESC_NONE;
		if (cp >= 0x40 && cp <= 0x7e)
			return 1;
		break;
	default:
		break;
	}
	/* Not part of a sequence (or ends a broken one): starts one? */
	if (cp == 0x1b) {
		c->esc = ESC_ESC;
		return 1;
	}
	return 0;
}

/* Add one code point; 1 once the output is full (stop feeding). */
static int
cleaner_put(struct cleaner *c, unsigned cp)
{
	char buf[4];
	size_t n, room;

	if (c->full)
		return 1;
	/*
	 * In a URL, tab and line breaks are dropped (as browsers do); any
	 * other control, escape or bidi character makes it a different URL
	 * from the one shown: it is dropped whole.
	 */
	if (c->url && (cp == '\t' || cp == '\n' || cp == '\r'))
		return 0;
	if (c->url && (cp == 0x1b || tacit_unsafe_codepoint(cp))) {
		c->tainted = 1;
		return 0;
	}
	if (cleaner_escape(c, cp))
		return 0;
	if (c->url) {
		if (cp == ' ') {
			c->spaces++;
			return 0;
		}
	} else if (is_ws(cp) || cp == 0x2028 || cp == 0x2029) {
		c->spaces = 1;
		return 0;
	}
	if (tacit_unsafe_codepoint(cp))
		return 0;
	n = utf8_put(buf, cp);
	room = c->max - c->len;
	if (c->len == 0)
		c->spaces = 0; /* trimmed */
	for (; c->spaces > 0; c->spaces--) {
		const char *sp = c->url ? "%20" : " ";
		size_t sn = c->url ? 3 : 1;

		if (room < sn + n) {
			c->full = 1;
			return 1;
		}
		memcpy(c->out + c->len, sp, sn);
		c->len += sn;
		room -= sn;
	}
	if (room < n) {
		c->full = 1;
		return 1;
	}
	memcpy(c->out + c->len, buf, n);
	c->len += n;
	return 0;
}

/*
 * A field from [p, p + n): decoded, cleaned, at most max bytes.  *out is
 * NULL when nothing is left, or for a URL that does not fit (a cut URL
 * is a wrong URL).  Fails only when out of memory.
 */
static int
make_field(const void *p, size_t n, int refs, int attr, int url, size_t max,
    char **out)
{
	struct decoder d;
	struct cleaner c;
	unsigned cp;
	char *buf;

	*out = NULL;
	if ((buf = malloc(max + 1)) == NULL)
		return TACIT_ENOMEM;
	decoder_init(&d, p, n, refs, attr);
	cleaner_init(&c, buf, max, url);
	while (decoder_next(&d, &cp))
		if (cleaner_put(&c, cp))
			break;
	if (c.len == 0 || (url && (c.full || c.tainted))) {
		free(buf);
		return TACIT_OK;
	}
	buf[c.len] = '\0';
	*out = buf;
	return TACIT_OK;
}

char *
tacit_html_clean_text(const char *s, size_t len, size_t max)
{
	struct decoder d;
	struct cleaner c;
	unsigned cp;
	char *buf;

	if (s == NULL)
		len = 0;
	/* Each input byte gives at most 3 (U+FFFD): no need for more. */
	if (len < SIZE_MAX / 3 && 3 * len < max)
		max = 3 * len;
	if (max == SIZE_MAX || (buf = malloc(max + 1)) == NULL)
		return NULL;
	decoder_init(&d, s, len, 0, 0);
	cleaner_init(&c, buf, max, 0);
	while (decoder_next(&d, &cp))
		if (cleaner_put(&c, cp))
			break;
	buf[c.len] = '\0';
	return buf;
}

/*
 * The tokenizer: just enough of HTML's to find where tags, comments and
 * raw text start and end, so that nothing inside a comment, a script or
 * an attribute value is taken for a tag.  Every byte is looked at a
 * bounded number of times.
 */
enum {
	A_PROPERTY,
	A_NAME,
	A_CONTENT,
	A_REL,
	A_HREF,
	A_CHARSET,
	A_HTTP_EQUIV,
	A_COUNT
};

static const char *const attr_names[A_COUNT] = { "property", "name", "content",
	"rel", "href", "charset", "http-equiv" };

struct span {
	size_t off, len;
	int set;
};

struct attrs {
	struct span a[A_COUNT];
};

/* HTML keeps the first of two attributes with the same name. */
static void
attr_record(struct attrs *a, const unsigned char *p, size_t name,
    size_t name_len, size_t val, size_t val_len)
{
	for (int k = 0; k < A_COUNT; k++) {
		if (!same_word(p + name, name_len, attr_names[k]))
			continue;
		if (!a->a[k].set) {
			a->a[k].off = val;
			a->a[k].len = val_len;
			a->a[k].set = 1;
		}
		return;
	}
}

static size_t
skip_ws(const unsigned char *p, size_t n, size_t i)
{
	while (i < n && is_ws(p[i]))
		i++;
	return i;
}

/* The end of a tag name starting at i. */
static size_t
tag_name_end(const unsigned char *p, size_t n, size_t i)
{
	while (i < n && !is_ws(p[i]) && p[i] != '/' && p[i] != '>')
		i++;
	return i;
}

/*
 * A tag's attributes, from just after its name to its '>': the offset
 * after the '>', or 0 when the input ends inside the tag (HTML then drops
 * the tag).  a may be NULL.
 */
static size_t
read_attrs(const unsigned char *p, size_t n, size_t i, struct attrs *a)
{
	for (;;) {
		size_t name, name_len, val = 0, val_len = 0;

		while (i < n && (is_ws(p[i]) || p[i] == '/'))
			i++;
		if (i >= n)
			return 0;
		if (p[i] == '>')
			return i + 1;
		/* A name may start with '=' (a parse error HTML forgives). */
		name = i++;
		while (i < n && !is_ws(p[i]) && p[i] != '/' && p[i] != '>' &&
		    p[i] != '=')
			i++;
		name_len = i - name;
		i = skip_ws(p, n, i);
		if (i < n && p[i] == '=') {
			i = skip_ws(p, n, i + 1);
			if (i >= n)
				return 0;
			if (p[i] == '"' || p[i] == '\'') {
				const unsigned char *q =
				    memchr(p + i + 1, p[i], n - i - 1);

				if (q == NULL)
					return 0;
				val = i + 1;
				val_len = (size_t)(q - p) - val;
				i = (size_t)(q - p) + 1;
			} else {
				val = i;
				while (i < n && !is_ws(p[i]) && p[i] != '>')
					i++;
				val_len = i - val;
			}
		}
		if (a != NULL)
			attr_record(a, p, name, name_len, val, val_len);
	}
}

/* After "<!--" at i: the offset after the comment's end, or n. */
static size_t
comment_end(const unsigned char *p, size_t n, size_t i)
{
	/* "<!-->" and "<!--->" are whole (empty) comments. */
	if (i < n && p[i] == '>')
		return i + 1;
	if (i + 1 < n && p[i] == '-' && p[i + 1] == '>')
		return i + 2;
	while (i < n) {
		const unsigned char *d = memchr(p + i, '-', n - i);

		if (d == NULL)
			return n;
		i = (size_t)(d - p);
		if (n - i >= 3 && p[i + 1] == '-' && p[i + 2] == '>')
			return i + 3;
		if (n - i >= 4 && p[i + 1] == '-' && p[i + 2] == '!' &&
		    p[i + 3] == '>')
			return i + 4;
		i++;
	}
	return n;
}

/* A bogus comment ("<!DOCTYPE", "<?xml", "</ x>") ends at the first '>'. */
static size_t
bogus_end(const unsigned char *p, size_t n, size_t i)
{
	const unsigned char *q = memchr(p + i, '>', n - i);

	return q == NULL ? n : (size_t)(q - p) + 1;
}

/*
 * Raw text (script, style) and RCDATA (title, textarea) run to the first
 * end tag of the same name: the offset of its '<', or n.
 */
static size_t
raw_text_end(const unsigned char *p, size_t n, size_t i, const char *name)
{
	size_t nl = strlen(name);

	while (i < n) {
		const unsigned char *lt = memchr(p + i, '<', n - i);
		size_t j, k;

		if (lt == NULL)
			return n;
		j = (size_t)(lt - p);
		k = j + 2 + nl;
		if (n - j >= 2 + nl && p[j + 1] == '/' &&
		    same_word(p + j + 2, nl, name) &&
		    (k == n || is_ws(p[k]) || p[k] == '/' || p[k] == '>'))
			return j;
		i = j + 1;
	}
	return n;
}

/* Elements whose content is never markup we read. */
static const char *const skipped[] = { "script", "style", "textarea",
	"template", "noscript", "xmp", "iframe", "noembed", "noframes" };

enum { TAG_OTHER, TAG_META, TAG_LINK, TAG_TITLE, TAG_SKIP, TAG_PLAINTEXT };

static int
tag_kind(const unsigned char *p, size_t len, const char **skip)
{
	if (same_word(p, len, "meta"))
		return TAG_META;
	if (same_word(p, len, "link"))
		return TAG_LINK;
	if (same_word(p, len, "title"))
		return TAG_TITLE;
	if (same_word(p, len, "plaintext"))
		return TAG_PLAINTEXT;
	for (size_t k = 0; k < sizeof(skipped) / sizeof(skipped[0]); k++) {
		if (same_word(p, len, skipped[k])) {
			*skip = skipped[k];
			return TAG_SKIP;
		}
	}
	return TAG_OTHER;
}

/* What the scan found so far; prio says which kind of tag gave it. */
struct slot {
	char *v;
	int prio;
};

enum { PRIO_PLAIN = 1, PRIO_TWITTER = 2, PRIO_OG = 3 };
enum { F_TITLE, F_DESCRIPTION, F_SITE_NAME, F_IMAGE, F_CANONICAL, F_COUNT };

struct scan {
	const unsigned char *p;
	size_t n;
	int prescan; /* only looking for a charset */
	struct slot f[F_COUNT];
	struct span charset; /* prescan: the label found */
	int rc;
};

/* Offer a value for a field: the first of the best kind wins. */
static void
offer(struct scan *s, int field, int prio, struct span v, int attr)
{
	struct slot *sl = &s->f[field];
	int url = field == F_IMAGE || field == F_CANONICAL;
	char *str;

	if (s->rc != TACIT_OK || prio <= sl->prio || !v.set)
		return;
	s->rc = make_field(s->p + v.off, v.len, 1, attr, url,
	    url ? TACIT_HTML_URL_MAX : TACIT_HTML_FIELD_MAX, &str);
	if (str == NULL)
		return; /* empty, or a URL too long: as if absent */
	free(sl->v);
	sl->v = str;
	sl->prio = prio;
}

/*
 * An attribute value that names something (property="og:title"):
 * decoded, trimmed, lowercased into buf; 0 when it cannot be a name we
 * know (too long, not ASCII).
 */
static int
read_key(struct scan *s, struct span v, char *buf)
{
	struct decoder d;
	unsigned cp;
	size_t len = 0;

	if (!v.set)
		return 0;
	decoder_init(&d, s->p + v.off, v.len, 1, 1);
	while (decoder_next(&d, &cp)) {
		if (cp >= 0x80 || len >= KEY_MAX - 1)
			return 0;
		if (len == 0 && is_ws(cp))
			continue;
		buf[len++] = (char)lower(cp);
	}
	while (len > 0 && is_ws((unsigned char)buf[len - 1]))
		len--;
	buf[len] = '\0';
	return len > 0;
}

static const struct {
	const char *key;
	int field, prio;
	int by_name_only; /* name="description", never property= */
} meta_keys[] = {
	{ "og:title", F_TITLE, PRIO_OG, 0 },
	{ "twitter:title", F_TITLE, PRIO_TWITTER, 0 },
	{ "og:description", F_DESCRIPTION, PRIO_OG, 0 },
	{ "twitter:description", F_DESCRIPTION, PRIO_TWITTER, 0 },
	{ "description", F_DESCRIPTION, PRIO_PLAIN, 1 },
	{ "og:site_name", F_SITE_NAME, PRIO_OG, 0 },
	{ "og:image", F_IMAGE, PRIO_OG, 0 },
	{ "og:image:url", F_IMAGE, PRIO_OG, 0 },
	{ "twitter:image", F_IMAGE, PRIO_TWITTER, 0 },
	{ "twitter:image:src", F_IMAGE, PRIO_TWITTER, 0 },
};

/*
 * The charset in a Content-Type value ("text/html; charset=koi8-r"), as
 * HTML's "extracting a character encoding from a meta element" reads it.
 */
static struct span
content_charset(const unsigned char *p, struct span v)
{
	struct span r = { 0, 0, 0 };
	size_t i = v.off, end = v.off + v.len;

	while (end - i >= 7) {
		if (!same_word(p + i, 7, "charset")) {
			i++;
			continue;
		}
		i = skip_ws(p, end, i + 7);
		if (i >= end || p[i] != '=')
			continue;
		i = skip_ws(p, end, i + 1);
		if (i >= end)
			return r;
		if (p[i] == '"' || p[i] == '\'') {
			const unsigned char *q =
			    memchr(p + i + 1, p[i], end - i - 1);

			if (q == NULL)
				return r;
			r.off = i + 1;
			r.len = (size_t)(q - p) - r.off;
		} else {
			r.off = i;
			while (i < end && !is_ws(p[i]) && p[i] != ';')
				i++;
			r.len = i - r.off;
		}
		r.set = r.len > 0;
		return r;
	}
	return r;
}

static void
on_meta(struct scan *s, const struct attrs *a)
{
	char key[KEY_MAX];

	if (s->prescan) {
		struct span cs = a->a[A_CHARSET];

		if (!cs.set && a->a[A_HTTP_EQUIV].set && a->a[A_CONTENT].set &&
		    read_key(s, a->a[A_HTTP_EQUIV], key) &&
		    strcmp(key, "content-type") == 0)
			cs = content_charset(s->p, a->a[A_CONTENT]);
		if (cs.set)
			s->charset = cs;
		return;
	}
	if (!a->a[A_CONTENT].set)
		return;
	for (int which = A_PROPERTY; which <= A_NAME; which++) {
		if (!read_key(s, a->a[which], key))
			continue;
		for (size_t k = 0; k < sizeof(meta_keys) / sizeof(meta_keys[0]);
		     k++) {
			if (strcmp(key, meta_keys[k].key) != 0 ||
			    (meta_keys[k].by_name_only && which != A_NAME))
				continue;
			offer(s, meta_keys[k].field, meta_keys[k].prio,
			    a->a[A_CONTENT], 1);
		}
	}
}

/* Is "canonical" one of the space-separated tokens of rel? */
static int
rel_is_canonical(struct scan *s, struct span rel)
{
	static const char word[] = "canonical";
	struct decoder d;
	size_t pos = 0;
	int ok = 1;
	unsigned cp;

	if (!rel.set)
		return 0;
	decoder_init(&d, s->p + rel.off, rel.len, 1, 1);
	while (decoder_next(&d, &cp)) {
		if (is_ws(cp)) {
			if (ok && pos == sizeof(word) - 1)
				return 1;
			pos = 0;
			ok = 1;
		} else if (ok && pos < sizeof(word) - 1 &&
		    lower(cp) == (unsigned char)word[pos]) {
			pos++;
		} else {
			ok = 0;
		}
	}
	return ok && pos == sizeof(word) - 1;
}

static void
scan_tags(struct scan *s)
{
	const unsigned char *p = s->p;
	size_t n = s->n, i = 0;

	while (i < n && s->rc == TACIT_OK && !s->charset.set) {
		const unsigned char *lt = memchr(p + i, '<', n - i);
		const char *skip = NULL;
		struct attrs a;
		size_t name, end;
		int kind;

		if (lt == NULL)
			return;
		i = (size_t)(lt - p);
		if (n - i < 2)
			return;
		if (p[i + 1] == '!') {
			if (n - i >= 4 && p[i + 2] == '-' && p[i + 3] == '-')
				i = comment_end(p, n, i + 4);
			else
				i = bogus_end(p, n, i + 2);
			continue;
		}
		if (p[i + 1] == '?') {
			i = bogus_end(p, n, i + 2);
			continue;
		}
		if (p[i + 1] == '/') {
			if (n - i < 3)
				return;
			if (is_alpha(p[i + 2])) {
				end = read_attrs(p, n,
				    tag_name_end(p, n, i + 2), NULL);
				if (end == 0)
					return;
				i = end;
			} else {
				i = bogus_end(p, n, i + 2);
			}
			continue;
		}
		if (!is_alpha(p[i + 1])) {
			i++; /* a '<' in text */
			continue;
		}
		name = i + 1;
		i = tag_name_end(p, n, name);
		kind = tag_kind(p + name, i - name, &skip);
		memset(&a, 0, sizeof(a));
		end = read_attrs(p, n, i,
		    kind == TAG_META || kind == TAG_LINK ? &a : NULL);
		if (end == 0)
			return; /* the input ends inside the tag */
		i = end;
		if (kind == TAG_META) {
			on_meta(s, &a);
		} else if (s->prescan) {
			/* A prescan reads no raw text, as browsers' does. */
		} else if (kind == TAG_LINK) {
			if (rel_is_canonical(s, a.a[A_REL]))
				offer(s, F_CANONICAL, PRIO_PLAIN, a.a[A_HREF],
				    1);
		} else if (kind == TAG_TITLE) {
			struct span t;

			end = raw_text_end(p, n, i, "title");
			t.off = i;
			t.len = end - i;
			t.set = 1;
			offer(s, F_TITLE, PRIO_PLAIN, t, 0);
			i = end;
		} else if (kind == TAG_SKIP) {
			i = raw_text_end(p, n, i, skip);
		} else if (kind == TAG_PLAINTEXT) {
			return; /* the rest is text */
		}
	}
}

/*
 * Charsets.  Labels are read as browsers read them (the WHATWG Encoding
 * standard): "iso-8859-1" and "us-ascii" mean windows-1252, "shift_jis"
 * means Microsoft's code page 932, and so on.  Other labels go to iconv
 * as they are.
 */
static const struct {
	const char *label;
	const char *iconv; /* NULL: UTF-8, no conversion */
	const char *name;
} charsets[] = {
	{ "utf-8", NULL, "utf-8" },
	{ "utf8", NULL, "utf-8" },
	{ "unicode-1-1-utf-8", NULL, "utf-8" },
	{ "unicode11utf8", NULL, "utf-8" },
	{ "unicode20utf8", NULL, "utf-8" },
	{ "x-unicode20utf8", NULL, "utf-8" },
	{ "windows-1252", "WINDOWS-1252", "windows-1252" },
	{ "iso-8859-1", "WINDOWS-1252", "windows-1252" },
	{ "iso8859-1", "WINDOWS-1252", "windows-1252" },
	{ "iso88591", "WINDOWS-1252", "windows-1252" },
	{ "iso_8859-1", "WINDOWS-1252", "windows-1252" },
	{ "iso_8859-1:1987", "WINDOWS-1252", "windows-1252" },
	{ "iso-ir-100", "WINDOWS-1252", "windows-1252" },
	{ "latin1", "WINDOWS-1252", "windows-1252" },
	{ "l1", "WINDOWS-1252", "windows-1252" },
	{ "csisolatin1", "WINDOWS-1252", "windows-1252" },
	{ "cp1252", "WINDOWS-1252", "windows-1252" },
	{ "x-cp1252", "WINDOWS-1252", "windows-1252" },
	{ "cp819", "WINDOWS-1252", "windows-1252" },
	{ "ibm819", "WINDOWS-1252", "windows-1252" },
	{ "us-ascii", "WINDOWS-1252", "windows-1252" },
	{ "ascii", "WINDOWS-1252", "windows-1252" },
	{ "ansi_x3.4-1968", "WINDOWS-1252", "windows-1252" },
	{ "iso-8859-9", "WINDOWS-1254", "windows-1254" },
	{ "iso8859-9", "WINDOWS-1254", "windows-1254" },
	{ "iso88599", "WINDOWS-1254", "windows-1254" },
	{ "iso_8859-9", "WINDOWS-1254", "windows-1254" },
	{ "latin5", "WINDOWS-1254", "windows-1254" },
	{ "l5", "WINDOWS-1254", "windows-1254" },
	{ "tis-620", "WINDOWS-874", "windows-874" },
	{ "iso-8859-11", "WINDOWS-874", "windows-874" },
	{ "dos-874", "WINDOWS-874", "windows-874" },
	{ "utf-16", "UTF-16LE", "utf-16le" },
	{ "utf-16le", "UTF-16LE", "utf-16le" },
	{ "unicode", "UTF-16LE", "utf-16le" },
	{ "ucs-2", "UTF-16LE", "utf-16le" },
	{ "csunicode", "UTF-16LE", "utf-16le" },
	{ "iso-10646-ucs-2", "UTF-16LE", "utf-16le" },
	{ "unicodefeff", "UTF-16LE", "utf-16le" },
	{ "utf-16be", "UTF-16BE", "utf-16be" },
	{ "unicodefffe", "UTF-16BE", "utf-16be" },
	{ "shift_jis", "CP932", "shift_jis" },
	{ "shift-jis", "CP932", "shift_jis" },
	{ "sjis", "CP932", "shift_jis" },
	{ "ms_kanji", "CP932", "shift_jis" },
	{ "x-sjis", "CP932", "shift_jis" },
	{ "csshiftjis", "CP932", "shift_jis" },
	{ "windows-31j", "CP932", "shift_jis" },
	{ "ms932", "CP932", "shift_jis" },
	{ "euc-kr", "CP949", "euc-kr" },
	{ "cseuckr", "CP949", "euc-kr" },
	{ "ks_c_5601-1987", "CP949", "euc-kr" },
	{ "ks_c_5601-1989", "CP949", "euc-kr" },
	{ "ksc5601", "CP949", "euc-kr" },
	{ "ksc_5601", "CP949", "euc-kr" },
	{ "korean", "CP949", "euc-kr" },
	{ "windows-949", "CP949", "euc-kr" },
	{ "gb2312", "GB18030", "gbk" },
	{ "gbk", "GB18030", "gbk" },
	{ "x-gbk", "GB18030", "gbk" },
	{ "chinese", "GB18030", "gbk" },
	{ "csgb2312", "GB18030", "gbk" },
	{ "gb_2312", "GB18030", "gbk" },
	{ "gb_2312-80", "GB18030", "gbk" },
	{ "iso-ir-58", "GB18030", "gbk" },
	{ "gb18030", "GB18030", "gb18030" },
	{ "big5", "BIG5-HKSCS", "big5" },
	{ "big5-hkscs", "BIG5-HKSCS", "big5" },
	{ "cn-big5", "BIG5-HKSCS", "big5" },
	{ "csbig5", "BIG5-HKSCS", "big5" },
	{ "x-x-big5", "BIG5-HKSCS", "big5" },
	{ "macintosh", "MACINTOSH", "macintosh" },
	{ "mac", "MACINTOSH", "macintosh" },
	{ "x-mac-roman", "MACINTOSH", "macintosh" },
	{ "csmacintosh", "MACINTOSH", "macintosh" },
	{ "koi8-ru", "KOI8-U", "koi8-u" },
};

struct charset {
	char label[LABEL_MAX + 1]; /* lowercase */
	const char *iconv; /* NULL: UTF-8 */
	const char *name;
};

/*
 * Resolve a label (surrounding white space and quotes dropped): 1 when
 * it is one, 0 when it is empty, -1 when it cannot be a charset (then
 * cs->label holds what can be shown of it, maybe nothing).
 */
static int
charset_resolve(const unsigned char *p, size_t n, struct charset *cs)
{
	size_t len = 0;

	memset(cs, 0, sizeof(*cs));
	while (n > 0 && (is_ws(p[0]) || p[0] == '"' || p[0] == '\'')) {
		p++;
		n--;
	}
	while (
	    n > 0 && (is_ws(p[n - 1]) || p[n - 1] == '"' || p[n - 1] == '\''))
		n--;
	if (n == 0)
		return 0;
	if (n > LABEL_MAX)
		return -1;
	for (size_t k = 0; k < n; k++) {
		unsigned c = lower(p[k]);

		/* No '/': "UTF-8//TRANSLIT" is an iconv option. */
		if (!is_alnum(c) && c != '-' && c != '_' && c != '.' &&
		    c != ':') {
			cs->label[0] = '\0'; /* not even safe to show */
			return -1;
		}
		cs->label[len++] = (char)c;
	}
	cs->label[len] = '\0';
	cs->iconv = cs->label;
	cs->name = cs->label;
	for (size_t k = 0; k < sizeof(charsets) / sizeof(charsets[0]); k++) {
		if (strcmp(cs->label, charsets[k].label) == 0) {
			cs->iconv = charsets[k].iconv;
			cs->name = charsets[k].name;
			break;
		}
	}
	return 1;
}

/*
 * Does this charset read ASCII markup as ASCII?  A charset named inside
 * the page can only be one that does (HTML reads a UTF-16 label there as
 * UTF-8, for the same reason).
 */
static int
ascii_compatible(iconv_t cd)
{
	static const char probe[] = "<meta charset=\"x'y\">/-_:;&#\t\n\r ";
	char in[sizeof(probe)], out[2 * sizeof(probe)];
	char *ip = in, *op = out;
	size_t il = sizeof(probe) - 1, ol = sizeof(out);
	size_t r;

	memcpy(in, probe, sizeof(probe));
	r = iconv(cd, &ip, &il, &op, &ol);
	(void)iconv(cd, NULL, NULL, NULL, NULL);
	return r != (size_t)-1 && il == 0 &&
	    (size_t)(op - out) == sizeof(probe) - 1 &&
	    memcmp(out, probe, sizeof(probe) - 1) == 0;
}

/*
 * Convert to UTF-8.  An invalid or incomplete sequence becomes U+FFFD and
 * the conversion goes on after one code unit.
 */
static int
convert(iconv_t cd, size_t unit, const unsigned char *p, size_t n, char **out,
    size_t *out_len)
{
	size_t cap, used = 0, il = n;
	char *buf, *ip = (char *)(uintptr_t)p;

	*out = NULL;
	if (n > SIZE_MAX / 4 - 64)
		return TACIT_ENOMEM;
	cap = n + n / 2 + 64;
	if ((buf = malloc(cap)) == NULL)
		return TACIT_ENOMEM;
	while (il > 0) {
		char *op = buf + used;
		size_t ol = cap - used, r;
		int err;

		r = iconv(cd, &ip, &il, &op, &ol);
		err = errno;
		used = (size_t)(op - buf);
		if (r != (size_t)-1)
			break;
		if (err == E2BIG || cap - used < 3) {
			char *nb;

			if (cap > SIZE_MAX / 2 ||
			    (nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return TACIT_ENOMEM;
			}
			buf = nb;
			cap *= 2;
			continue;
		}
		/* EILSEQ, EINVAL (cut short at the end), anything else. */
		memcpy(buf + used, "\xef\xbf\xbd", 3);
		used += 3;
		ip += unit < il ? unit : il;
		il -= unit < il ? unit : il;
	}
	*out = buf;
	*out_len = used;
	return TACIT_OK;
}

void
tacit_html_meta_free(struct tacit_html_meta *m)
{
	if (m == NULL)
		return;
	free(m->title);
	free(m->description);
	free(m->site_name);
	free(m->image);
	free(m->canonical);
	free(m->charset);
	memset(m, 0, sizeof(*m));
}

/* Which charset: BOM, then the header, then the prescan, then UTF-8. */
static int
pick_charset(const unsigned char **p, size_t *len, const char *header,
    struct charset *cs, int *from_page, struct tacit_err *e)
{
	const unsigned char *q = *p;
	int r = 0;

	*from_page = 0;
	if (*len >= 3 && q[0] == 0xef && q[1] == 0xbb && q[2] == 0xbf) {
		*p += 3;
		*len -= 3;
		return charset_resolve((const unsigned char *)"utf-8", 5, cs);
	}
	if (*len >= 2 && q[0] == 0xff && q[1] == 0xfe) {
		*p += 2;
		*len -= 2;
		return charset_resolve((const unsigned char *)"utf-16le", 8,
		    cs);
	}
	if (*len >= 2 && q[0] == 0xfe && q[1] == 0xff) {
		*p += 2;
		*len -= 2;
		return charset_resolve((const unsigned char *)"utf-16be", 8,
		    cs);
	}
	if (header != NULL)
		r = charset_resolve((const unsigned char *)header,
		    strlen(header), cs);
	if (r == 0) {
		struct scan s;

		memset(&s, 0, sizeof(s));
		s.p = q;
		s.n = *len < PRESCAN_MAX ? *len : PRESCAN_MAX;
		s.prescan = 1;
		scan_tags(&s);
		if (s.charset.set) {
			r = charset_resolve(q + s.charset.off, s.charset.len,
			    cs);
			*from_page = 1;
		}
	}
	if (r == 0)
		return charset_resolve((const unsigned char *)"utf-8", 5, cs);
	if (r < 0) {
		if (cs->label[0] != '\0')
			tacit_err_set(e, "unknown charset '%s'", cs->label);
		else
			tacit_err_set(e, "unknown charset");
		return TACIT_EUNSUPPORTED;
	}
	return r;
}

int
tacit_html_scan(const char *p, size_t len, const char *header_charset,
    struct tacit_html_meta *m, struct tacit_err *e)
{
	const unsigned char *text = (const unsigned char *)p;
	struct charset cs;
	struct scan s;
	char *conv = NULL;
	int rc, from_page;

	memset(m, 0, sizeof(*m));
	if (p == NULL)
		len = 0;
	rc = pick_charset(&text, &len, header_charset, &cs, &from_page, e);
	if (rc < 0)
		return rc;
	if (cs.iconv != NULL) {
		iconv_t cd = iconv_open("UTF-8", cs.iconv);
		size_t unit = strncmp(cs.iconv, "UTF-16", 6) == 0 ? 2 : 1;

		if (cd == (iconv_t)-1) {
			if (errno != EINVAL) {
				tacit_err_set(e, "out of memory");
				return TACIT_ENOMEM;
			}
			tacit_err_set(e, "unknown charset '%s'", cs.label);
			return TACIT_EUNSUPPORTED;
		}
		if (from_page && !ascii_compatible(cd)) {
			iconv_close(cd);
			rc = charset_resolve((const unsigned char *)"utf-8", 5,
			    &cs);
		} else {
			rc = convert(cd, unit, text, len, &conv, &len);
			iconv_close(cd);
			if (rc != TACIT_OK) {
				tacit_err_set(e, "out of memory");
				return rc;
			}
			text = (const unsigned char *)conv;
		}
	}
	memset(&s, 0, sizeof(s));
	s.p = text;
	s.n = len;
	scan_tags(&s);
	free(conv);
	m->title = s.f[F_TITLE].v;
	m->description = s.f[F_DESCRIPTION].v;
	m->site_name = s.f[F_SITE_NAME].v;
	m->image = s.f[F_IMAGE].v;
	m->canonical = s.f[F_CANONICAL].v;
	m->charset = strdup(cs.name);
	if (s.rc != TACIT_OK || m->charset == NULL) {
		tacit_html_meta_free(m);
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	return TACIT_OK;
}
