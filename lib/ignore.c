/* ignore: match paths against .tacitignore files (gitignore syntax). */

/*
 * .tacitignore syntax
 *
 * (In the examples, <slash> is a "/" that a C comment cannot hold next
 * to a "*".)
 *
 * A .tacitignore file lists patterns, one a line, in the syntax of
 * gitignore(5).  It applies to the directory it is in and to everything
 * below it.
 *
 *  - Lines end with LF or CRLF; a UTF-8 byte order mark at the start of
 *    the file is skipped.  A line may be at most 4096 bytes long and may
 *    not hold a NUL byte; all the .tacitignore files of one scan hold at
 *    most 100000 patterns.
 *  - A blank line matches nothing.  A line whose first character is "#"
 *    is a comment; "\#" starts a pattern with a literal "#".
 *  - Trailing spaces are ignored unless escaped with a backslash ("\ ").
 *    Leading spaces and trailing tabs are part of the pattern, as in git.
 *  - A "!" first negates the pattern: a path it matches is included
 *    again.  "\!" starts a pattern with a literal "!".  A path below an
 *    ignored directory cannot be included again, as in git.
 *  - A "/" at the end makes the pattern match directories only (and so
 *    everything below them): "frotz/" matches the directory frotz, not a
 *    file named frotz.
 *  - A "/" at the start or in the middle anchors the pattern to the
 *    directory of its .tacitignore: "doc/frotz" and "/doc/frotz" both
 *    match doc/frotz there but not a/doc/frotz, and "<slash>*.c" matches
 *    x.c but not a/x.c.  Otherwise the pattern matches a name at any
 *    depth: "frotz" matches frotz and a/b/frotz.
 *  - "*" matches any run of characters but "/"; "?" any one character
 *    but "/"; "[...]" one character of a class, never "/": ranges
 *    ("[a-z]"), "!" or "^" first to negate ("[!0-9]"), "]" first to
 *    include it ("[]a]"), POSIX classes in ASCII ("[[:digit:]]").  A
 *    backslash makes the next character literal, inside a class too.
 *    Matching is case-sensitive.
 *  - Two asterisks as a whole path component match any number of
 *    directories:
 *        **<slash>foo     foo in any directory, like "foo"
 *        abc<slash>**     everything inside abc, at any depth
 *        a<slash>**<slash>b   a/b, a/x/b, a/x/y/b, ...
 *    Any other run of asterisks ("a**b", "foo**<slash>bar") is one "*".
 *  - The last pattern that matches a path decides.  The patterns of a
 *    deeper .tacitignore come after (so win over) those of its parents.
 *  - Like git, tacit accepts any pattern: one git could never match (an
 *    unterminated "[" class, an unknown "[:name:]", a lone backslash at
 *    the end) matches nothing here either.
 *
 * Per-rule lines.  A pattern followed by one or more spaces or tabs, a
 * ":" and a comma-separated list of rule ids (each [a-z0-9][a-z0-9-]*,
 * spaces around them allowed), for example
 *
 *        maps<slash>*.jpg  :exif-gps,xmp-gps
 *
 * does not ignore the files it matches: it drops only the findings of
 * those rules in them.  Its pattern also covers the files below a
 * directory it matches ("maps/ :exif-gps").  For each rule, the last
 * per-rule line naming it whose pattern matches the file or one of its
 * directories decides, so "!maps/keep.jpg :exif-gps" turns the rule
 * back on for one file, even below a directory where it was turned off.
 * Lines without a rule list and per-rule lines do not affect each other.
 * An unescaped space or tab followed (after more of them) by ":" always
 * starts a rule list: write "\ :" for a literal " :" in a pattern.  An
 * empty rule list, a malformed rule id, or a rule list with nothing
 * before it is an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/ignore.h"

#define IGN_LINE_MAX 4096
#define IGN_PATTERNS_MAX 100000

/* A pattern compiles to tokens, each matching a set of byte strings. */
enum tok_kind {
	TOK_LIT, /* the byte ch */
	TOK_ANY, /* ?: one byte but '/' */
	TOK_CLASS, /* [...]: one byte of the set cls (never '/') */
	TOK_STAR, /* *: any bytes but '/' */
	TOK_DSTAR, /* trailing **: any bytes */
	/* ** then a slash, "(.*<slash>)?": the next two tokens. */
	TOK_FORK, /* nothing: go on to the next token, or skip it */
	TOK_DSTAR_SLASH /* any bytes, going on after a '/' */
};

struct tok {
	unsigned char kind;
	unsigned char ch;
	uint16_t cls;
};

/* Fast paths for the common shapes: "name" and "*.ext". */
enum pat_kind {
	PAT_NEVER, /* git could never match it either */
	PAT_LITERAL, /* every token is TOK_LIT */
	PAT_SUFFIX, /* TOK_STAR then only TOK_LIT */
	PAT_GLOB
};

#define PAT_NEGATED 1u
#define PAT_DIR_ONLY 2u
#define PAT_ANCHORED 4u /* matched against the path below base, not a name */

struct pattern {
	const char *base; /* directory of its .tacitignore, "" at the root */
	size_t base_len;
	size_t depth; /* components in base */
	unsigned flags;
	enum pat_kind kind;
	struct tok *tok;
	size_t ntok;
	size_t min_len; /* bytes the tokens need at least */
	size_t head, tail; /* TOK_LIT tokens at the start, at the end */
	unsigned char (*cls)[32]; /* bit sets of bytes */
	char *rules; /* per-rule line: ids, each NUL-ended, then "" */
};

struct patlist {
	struct pattern *v;
	size_t n, cap;
};

struct tacit_ignore {
	struct patlist whole; /* lines without a rule list */
	struct patlist per_rule;
	char **dirs; /* the bases, owned here */
	size_t ndirs, capdirs;
};

static void
pattern_free(struct pattern *p)
{
	free(p->tok);
	free(p->cls);
	free(p->rules);
	p->tok = NULL;
	p->cls = NULL;
	p->rules = NULL;
}

static void
patlist_free(struct patlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		pattern_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Room for want entries of size sz in *v (cap counts them). */
static int
reserve(void **v, size_t *cap, size_t want, size_t sz)
{
	size_t ncap;
	void *nv;

	if (want <= *cap)
		return TACIT_OK;
	ncap = *cap ? *cap : 16;
	while (ncap < want)
		ncap *= 2; /* want <= IGN_PATTERNS_MAX + 1: no overflow */
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return TACIT_ENOMEM;
	*v = nv;
	*cap = ncap;
	return TACIT_OK;
}

static int
patlist_reserve(struct patlist *l, size_t want)
{
	void *v = l->v;
	int rc = reserve(&v, &l->cap, want, sizeof(*l->v));

	l->v = v;
	return rc;
}

static void
set_add(unsigned char *set, unsigned c)
{
	set[c >> 3] = (unsigned char)(set[c >> 3] | (1u << (c & 7)));
}

static int
set_has(const unsigned char *set, unsigned char c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

/* [:name:] as git's wildmatch has it: ASCII only; space is " \t\n\r". */
static int
named_class(unsigned char *set, const char *name, size_t len)
{
	static const char *const names[] = { "alnum", "alpha", "blank", "cntrl",
		"digit", "graph", "lower", "print", "punct", "space", "upper",
		"xdigit" };
	size_t which = sizeof(names) / sizeof(names[0]);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			which = i;
	if (which == sizeof(names) / sizeof(names[0]))
		return -1;
	for (unsigned c = 0; c < 128; c++) {
		int lower = c >= 'a' && c <= 'z';
		int upper = c >= 'A' && c <= 'Z';
		int digit = c >= '0' && c <= '9';
		int graph = c > 0x20 && c < 0x7f;
		int in = 0;

		switch (which) {
		case 0:
			in = lower || upper || digit;
			break;
		case 1:
			in = lower || upper;
			break;
		case 2:
			in = c == ' ' || c == '\t';
			break;
		case 3:
			in = c < 0x20 || c == 0x7f;
			break;
		case 4:
			in = digit;
			break;
		case 5:
			in = graph;
			break;
		case 6:
			in = lower;
			break;
		case 7:
			in = graph || c == ' ';
			break;
		case 8:
			in = graph && !lower && !upper && !digit;
			break;
		case 9:
			in = c == ' ' || c == '\t' || c == '\n' || c == '\r';
			break;
		case 10:
			in = upper;
			break;
		default:
			in = digit || (c >= 'a' && c <= 'f') ||
			    (c >= 'A' && c <= 'F');
			break;
		}
		if (in)
			set_add(set, c);
	}
	return 0;
}

/*
 * The class starting at s[i] == '[', read the way git's wildmatch reads
 * it, into set; *end is just past its ']'.  -1 when git would abort
 * (unterminated, unknown [:name:]): the pattern can never match.
 */
static int
parse_class(const char *s, size_t n, size_t i, unsigned char *set, size_t *end)
{
	size_t k = i + 1;
	unsigned prev = 0; /* 0: no byte a '-' could start a range from */
	int neg = 0;

	memset(set, 0, 32);
	if (k < n && (s[k] == '!' || s[k] == '^')) {
		neg = 1;
		k++;
	}
	/* The first byte is taken as it is, even ']'. */
	for (;;) {
		unsigned c;

		if (k >= n)
			return -1;
		c = (unsigned char)s[k];
		if (c == '\\') {
			if (++k >= n)
				return -1;
			c = (unsigned char)s[k];
			set_add(set, c);
		} else if (c == '-' && prev != 0 && k + 1 < n &&
		    s[k + 1] != ']') {
			unsigned hi = (unsigned char)s[++k];

			if (hi == '\\') {
				if (++k >= n)
					return -1;
				hi = (unsigned char)s[k];
			}
			for (unsigned x = prev; x <= hi; x++)
				set_add(set, x);
			c = 0;
		} else if (c == '[' && k + 1 < n && s[k + 1] == ':') {
			size_t st = k + 2, en = st;

			while (en < n && s[en] != ']')
				en++;
			if (en >= n)
				return -1;
			if (en == st || s[en - 1] != ':') {
				set_add(set, c); /* no ":]": a plain '[' */
			} else {
				if (named_class(set, s + st, en - 1 - st) != 0)
					return -1;
				k = en;
				c = 0;
			}
		} else {
			set_add(set, c);
		}
		prev = c;
		k++;
		if (k < n && s[k] == ']')
			break;
	}
	if (neg)
		for (size_t b = 0; b < 32; b++)
			set[b] = (unsigned char)~set[b];
	set['/' >> 3] = (unsigned char)(set['/' >> 3] & ~(1u << ('/' & 7)));
	*end = k + 1;
	return 0;
}

/* Compile the pattern body s[0..n) (n >= 1) into p's tokens. */
static int
compile(struct pattern *p, const char *s, size_t n)
{
	size_t i = 0, m = 0, nclass = 0, maxclass = 0;
	int lit_only = 1, rest_lit = 1;

	for (size_t k = 0; k < n; k++)
		if (s[k] == '[')
			maxclass++;
	if ((p->tok = malloc(n * sizeof(*p->tok))) == NULL)
		return TACIT_ENOMEM;
	if (maxclass && (p->cls = malloc(maxclass * sizeof(*p->cls))) == NULL)
		return TACIT_ENOMEM;
	while (i < n) {
		struct tok *t = &p->tok[m];
		unsigned char c = (unsigned char)s[i];

		t->ch = 0;
		t->cls = 0;
		if (c == '\\') {
			if (i + 1 == n)
				goto never; /* git: nothing to escape */
			t->kind = TOK_LIT;
			t->ch = (unsigned char)s[i + 1];
			i += 2;
		} else if (c == '?') {
			t->kind = TOK_ANY;
			i++;
		} else if (c == '*') {
			size_t j = i;

			while (j < n && s[j] == '*')
				j++;
			t->kind = TOK_STAR;
			/* Only a whole component of stars is special. */
			if (j - i >= 2 && (i == 0 || s[i - 1] == '/')) {
				if (j == n) {
					t->kind = TOK_DSTAR;
				} else if (s[j] == '/') {
					/* Two tokens from three bytes. */
					t->kind = TOK_FORK;
					t[1].kind = TOK_DSTAR_SLASH;
					t[1].ch = 0;
					t[1].cls = 0;
					m++;
					j++;
				} else if (s[j] == '\\' && j + 1 < n &&
				    s[j + 1] == '/') {
					/* git: "**\/" is any bytes, then '/' */
					t->kind = TOK_DSTAR;
				}
			}
			i = j;
		} else if (c == '[') {
			size_t end;

			if (parse_class(s, n, i, p->cls[nclass], &end) != 0)
				goto never;
			t->kind = TOK_CLASS;
			t->cls = (uint16_t)nclass++;
			i = end;
		} else {
			t->kind = TOK_LIT;
			t->ch = c;
			i++;
		}
		if (t->kind != TOK_LIT) {
			lit_only = 0;
			if (m > 0 || t->kind != TOK_STAR)
				rest_lit = 0;
		}
		if (t->kind == TOK_LIT || t->kind == TOK_ANY ||
		    t->kind == TOK_CLASS)
			p->min_len++;
		m++;
	}
	p->ntok = m;
	while (p->head < m && p->tok[p->head].kind == TOK_LIT)
		p->head++;
	while (p->tail < m && p->tok[m - 1 - p->tail].kind == TOK_LIT)
		p->tail++;
	if (lit_only)
		p->kind = PAT_LITERAL;
	else if (rest_lit)
		p->kind = PAT_SUFFIX;
	else
		p->kind = PAT_GLOB;
	return TACIT_OK;
never:
	free(p->tok);
	free(p->cls);
	p->tok = NULL;
	p->cls = NULL;
	p->ntok = 0;
	p->kind = PAT_NEVER;
	return TACIT_OK;
}

/*
 * Follow the moves that take no byte from the live states in on[lo..hi]
 * (they all go forward); returns the new hi.
 */
static size_t
closure(const struct pattern *p, unsigned char *on, size_t lo, size_t hi)
{
	for (size_t i = lo; i <= hi && i < p->ntok; i++) {
		unsigned char k = p->tok[i].kind;

		if (!on[i])
			continue;
		if (k == TOK_STAR || k == TOK_DSTAR) {
			on[i + 1] = 1; /* may match nothing */
			if (i + 1 > hi)
				hi = i + 1;
		} else if (k == TOK_FORK) {
			/* A TOK_DSTAR_SLASH always follows a TOK_FORK. */
			on[i + 1] = 1;
			on[i + 2] = 1;
			if (i + 2 > hi)
				hi = i + 2;
		}
	}
	return hi;
}

/*
 * Run the tokens as a nondeterministic automaton over s from off on:
 * state i means "the tokens before i matched".  hit[j] says whether they
 * all match s[off..ends[j]), for ascending ends[j] >= off.  O(ntok * n)
 * time for every end at once, no recursion, whatever the pattern (a
 * backtracking matcher is exponential on "a*a*a*b").
 */
static void
glob_hits(const struct pattern *p, const unsigned char *s, size_t off,
    const size_t *ends, size_t k, unsigned char *hit)
{
	unsigned char a[IGN_LINE_MAX + 2], b[IGN_LINE_MAX + 2];
	unsigned char *cur = a, *nxt = b, *tmp;
	const size_t m = p->ntok;
	size_t lo = 0, hi, j = 0;

	memset(hit, 0, k);
	if (m > IGN_LINE_MAX)
		return; /* cannot happen: a token takes a byte of a line */
	memset(a, 0, m + 1);
	memset(b, 0, m + 1);
	cur[0] = 1;
	hi = closure(p, cur, 0, 0);
	for (size_t pos = off;; pos++) {
		size_t nlo = m + 1, nhi = 0;
		unsigned char c;

		for (; j < k && ends[j] <= pos; j++)
			hit[j] = ends[j] == pos && cur[m];
		if (j == k)
			return;
		c = s[pos]; /* pos < ends[j] */
		for (size_t i = lo; i <= hi && i < m; i++) {
			const struct tok *t = &p->tok[i];
			int stay = 0, step = 0;

			if (!cur[i])
				continue;
			switch (t->kind) {
			case TOK_LIT:
				step = c == t->ch;
				break;
			case TOK_ANY:
				step = c != '/';
				break;
			case TOK_CLASS:
				step = set_has(p->cls[t->cls], c);
				break;
			case TOK_STAR:
				stay = c != '/';
				break;
			case TOK_DSTAR:
				stay = 1;
				break;
			case TOK_FORK:
				break; /* moves in closure() only */
			default: /* TOK_DSTAR_SLASH */
				stay = 1;
				step = c == '/';
				break;
			}
			if (stay) {
				nxt[i] = 1;
				if (i < nlo)
					nlo = i;
				if (i > nhi)
					nhi = i;
			}
			if (step) {
				nxt[i + 1] = 1;
				if (i + 1 < nlo)
					nlo = i + 1;
				if (i + 1 > nhi)
					nhi = i + 1;
			}
		}
		memset(cur + lo, 0, hi - lo + 1);
		if (nlo > nhi)
			return; /* no live state left: no later end matches */
		hi = closure(p, nxt, nlo, nhi);
		lo = nlo;
		tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
}

/* Could s[0..n) match p, judging by its length and literal ends? */
static int
ends_fit(const struct pattern *p, const unsigned char *s, size_t n)
{
	const struct tok *t = p->tok;

	if (n < p->min_len) /* min_len >= head + tail */
		return 0;
	for (size_t i = 0; i < p->head; i++)
		if (s[i] != t[i].ch)
			return 0;
	for (size_t i = 0; i < p->tail; i++)
		if (s[n - p->tail + i] != t[p->ntok - p->tail + i].ch)
			return 0;
	return 1;
}

/* Do p's tokens match the n bytes at str? */
static int
tok_match(const struct pattern *p, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char hit;
	size_t k;

	switch (p->kind) {
	case PAT_LITERAL:
		if (n != p->ntok)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (s[i] != p->tok[i].ch)
				return 0;
		return 1;
	case PAT_SUFFIX:
		k = p->ntok - 1;
		if (n < k)
			return 0;
		for (size_t i = k; i > 0; i--) /* the last byte differs most */
			if (s[n - k + i - 1] != p->tok[i].ch)
				return 0;
		return memchr(s, '/', n - k) == NULL;
	case PAT_GLOB:
		if (!ends_fit(p, s, n))
			return 0;
		glob_hits(p, s, 0, &n, 1, &hit);
		return hit;
	default:
		return 0;
	}
}

/*
 * Some prefixes of a path, looked at together: each pattern then runs
 * once over the path for all of them, not once per directory level.
 */
#define IGN_WINDOW 256

struct prefixes {
	size_t end[IGN_WINDOW]; /* path[0..end) is a directory or the path */
	size_t name[IGN_WINDOW]; /* where its last component starts */
	size_t k;
};

/*
 * The next window of prefixes of path[0..n) from *from on: directories
 * (ends before a '/'), then the path itself.  0 when none is left.
 */
static int
next_prefixes(const char *path, size_t n, size_t *from, struct prefixes *w)
{
	size_t i = *from, name;

	w->k = 0;
	if (i > n)
		return 0;
	name = i;
	while (name > 0 && path[name - 1] != '/')
		name--;
	for (; i < n && w->k < IGN_WINDOW; i++)
		if (path[i] == '/') {
			if (i > 0) {
				w->name[w->k] = name;
				w->end[w->k++] = i;
			}
			name = i + 1;
		}
	if (i == n && w->k < IGN_WINDOW) {
		w->name[w->k] = name;
		w->end[w->k++] = n;
		i = n + 1;
	}
	*from = i;
	return w->k > 0;
}

/* hit[j]: does p match path[0..w->end[j])? */
static void
pattern_hits(const struct pattern *p, const char *path, size_t n,
    const struct prefixes *w, int leaf_dir, unsigned char *hit)
{
	size_t off = 0;

	memset(hit, 0, w->k);
	/* Only paths strictly below the .tacitignore's directory. */
	if (p->base_len) {
		if (n <= p->base_len || path[p->base_len] != '/' ||
		    memcmp(path, p->base, p->base_len) != 0)
			return;
		off = p->base_len + 1;
	}
	if (p->kind == PAT_NEVER || w->end[w->k - 1] < off)
		return;
	if ((p->flags & PAT_ANCHORED) && p->kind == PAT_GLOB) {
		const unsigned char *u = (const unsigned char *)path;
		size_t sel[IGN_WINDOW], idx[IGN_WINDOW], ns = 0;
		unsigned char got[IGN_WINDOW];

		/* The automaton only for the ends worth it. */
		for (size_t j = 0; j < w->k; j++)
			if (w->end[j] >= off &&
			    ends_fit(p, u + off, w->end[j] - off)) {
				sel[ns] = w->end[j];
				idx[ns++] = j;
			}
		if (ns == 0)
			return;
		glob_hits(p, u, off, sel, ns, got);
		for (size_t i = 0; i < ns; i++)
			hit[idx[i]] = got[i];
	} else {
		/* A name (below base: path[base_len] is a '/'), or all. */
		const int whole = (p->flags & PAT_ANCHORED) != 0;

		for (size_t j = 0; j < w->k; j++) {
			size_t e = w->end[j], st = whole ? off : w->name[j];

			if (e >= off)
				hit[j] = (unsigned char)tok_match(p, path + st,
				    e - st);
		}
	}
	if (p->flags & PAT_DIR_ONLY)
		for (size_t j = 0; j < w->k; j++)
			if (w->end[j] == n && !leaf_dir)
				hit[j] = 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_id_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (!first && c == '-');
}

/* The rule list s[0..n) after the ':' into *out: "id\0id\0\0". */
static int
parse_rules(const char *s, size_t n, size_t lineno, char **out,
    struct tacit_err *e)
{
	size_t i = 0, o = 0;
	char *buf;

	while (n > 0 && is_blank(s[n - 1]))
		n--;
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n) {
		tacit_err_set(e, "line %zu: empty rule list", lineno);
		return TACIT_EFORMAT;
	}
	if ((buf = malloc(n + 2)) == NULL)
		return TACIT_ENOMEM;
	for (;;) {
		size_t start;

		while (i < n && is_blank(s[i]))
			i++;
		start = i;
		if (i < n && is_id_char(s[i], 1))
			for (i++; i < n && is_id_char(s[i], 0); i++)
				;
		if (i == start) {
			if (i == n || s[i] == ',')
				tacit_err_set(e, "line %zu: empty rule id",
				    lineno);
			else
				tacit_err_set(e,
				    "line %zu: bad rule id "
				    "(want [a-z0-9][a-z0-9-]*)",
				    lineno);
			free(buf);
			return TACIT_EFORMAT;
		}
		memcpy(buf + o, s + start, i - start);
		o += i - start;
		buf[o++] = '\0';
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n)
			break;
		if (s[i] != ',') {
			tacit_err_set(e,
			    "line %zu: bad rule id (want [a-z0-9][a-z0-9-]*)",
			    lineno);
			free(buf);
			return TACIT_EFORMAT;
		}
		i++;
	}
	buf[o] = '\0';
	*out = buf;
	return TACIT_OK;
}

/* Length of s[0..n) without trailing unescaped spaces, as git trims. */
static size_t
trim_spaces(const char *s, size_t n)
{
	size_t keep = n;
	int in_spaces = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ') {
			if (!in_spaces)
				keep = i;
			in_spaces = 1;
		} else if (s[i] == '\\') {
			if (++i == n)
				return n; /* git keeps a line ending in '\' */
			in_spaces = 0;
		} else {
			in_spaces = 0;
		}
	}
	return in_spaces ? keep : n;
}

/*
 * One line (no line end, no NUL) into *p; *have 0 when the line holds no
 * pattern (blank, comment, or one git could never match anyway).
 */
static int
parse_line(const char *s, size_t n, size_t lineno, struct pattern *p, int *have,
    struct tacit_err *e)
{
	size_t sep = n, list = n, i = 0;
	int rc;

	*have = 0;
	if (n == 0 || s[0] == '#')
		return TACIT_OK;
	/* The first unescaped run of blanks followed by ':'. */
	while (i < n) {
		if (s[i] == '\\') {
			i += 2;
		} else if (is_blank(s[i])) {
			size_t j = i;

			while (j < n && is_blank(s[j]))
				j++;
			if (j < n && s[j] == ':') {
				sep = i;
				list = j + 1;
				break;
			}
			i = j;
		} else {
			i++;
		}
	}
	if (sep < n) {
		if (sep == 0) {
			tacit_err_set(e,
			    "line %zu: no pattern before the rule list",
			    lineno);
			return TACIT_EFORMAT;
		}
		if ((rc = parse_rules(s + list, n - list, lineno, &p->rules,
			 e)) != TACIT_OK)
			return rc;
		n = sep;
	} else {
		n = trim_spaces(s, n);
	}
	if (n > 0 && s[0] == '!') {
		p->flags |= PAT_NEGATED;
		s++;
		n--;
	}
	if (n > 0 && s[n - 1] == '/') {
		p->flags |= PAT_DIR_ONLY;
		n--;
	}
	if (memchr(s, '/', n) != NULL)
		p->flags |= PAT_ANCHORED;
	if (n > 0 && s[0] == '/') {
		s++;
		n--;
	}
	if (n == 0) {
		/* "!", "/" and the like: git never matches them. */
		pattern_free(p);
		return TACIT_OK;
	}
	if ((rc = compile(p, s, n)) != TACIT_OK) {
		pattern_free(p);
		return rc;
	}
	*have = 1;
	return TACIT_OK;
}

/* A directory as the API has it: "" or components joined by single '/'. */
static int
dir_ok(const char *dir, size_t *depth)
{
	size_t n = strlen(dir);

	*depth = 0;
	if (n == 0)
		return 1;
	if (dir[0] == '/' || dir[n - 1] == '/' || strstr(dir, "//") != NULL)
		return 0;
	*depth = 1;
	for (size_t i = 0; i < n; i++)
		if (dir[i] == '/')
			(*depth)++;
	return 1;
}

/* Insert l's patterns into dst after every pattern no deeper than depth. */
static void
insert_by_depth(struct patlist *dst, struct patlist *l, size_t depth)
{
	size_t at = dst->n;

	if (l->n == 0)
		return;
	while (at > 0 && dst->v[at - 1].depth > depth)
		at--;
	memmove(dst->v + at + l->n, dst->v + at,
	    (dst->n - at) * sizeof(*dst->v));
	memcpy(dst->v + at, l->v, l->n * sizeof(*l->v));
	dst->n += l->n;
	l->n = 0; /* moved */
}

int
tacit_ignore_new(struct tacit_ignore **ig)
{
	if ((*ig = calloc(1, sizeof(**ig))) == NULL)
		return TACIT_ENOMEM;
	return TACIT_OK;
}

int
tacit_ignore_add(struct tacit_ignore *ig, const char *dir, const char *text,
    size_t len, struct tacit_err *e)
{
	struct patlist whole = { NULL, 0, 0 }, per_rule = { NULL, 0, 0 };
	size_t off = 0, lineno = 0, depth, had, base_len;
	char *base;
	int rc = TACIT_OK;

	if (dir == NULL)
		dir = "";
	if (text == NULL)
		len = 0;
	if (!dir_ok(dir, &depth)) {
		tacit_err_set(e,
		    "bad .tacitignore directory "
		    "(a leading, trailing or double '/')");
		return TACIT_EFORMAT;
	}
	base_len = strlen(dir);
	if ((base = malloc(base_len + 1)) == NULL)
		return TACIT_ENOMEM;
	memcpy(base, dir, base_len + 1);
	had = ig->whole.n + ig->per_rule.n;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (off < len) {
		const char *s = text + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - off;
		struct pattern p;
		struct patlist *to;
		int have;

		off += n + (nl != NULL);
		lineno++;
		if (memchr(s, '\0', n) != NULL) {
			tacit_err_set(e, "line %zu: NUL byte", lineno);
			rc = TACIT_EFORMAT;
			break;
		}
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > IGN_LINE_MAX) {
			tacit_err_set(e, "line %zu: longer than %u bytes",
			    lineno, IGN_LINE_MAX);
			rc = TACIT_EFORMAT;
			break;
		}
		memset(&p, 0, sizeof(p));
		p.base = base;
		p.base_len = base_len;
		p.depth = depth;
		if ((rc = parse_line(s, n, lineno, &p, &have, e)) != TACIT_OK)
			break;
		if (!have)
			continue;
		if (had + whole.n + per_rule.n >= IGN_PATTERNS_MAX) {
			tacit_err_set(e, "line %zu: more than %u patterns",
			    lineno, IGN_PATTERNS_MAX);
			pattern_free(&p);
			rc = TACIT_EFORMAT;
			break;
		}
		to = p.rules != NULL ? &per_rule : &whole;
		if ((rc = patlist_reserve(to, to->n + 1)) != TACIT_OK) {
			pattern_free(&p);
			break;
		}
		to->v[to->n++] = p;
	}
	/* Room everywhere first, so that nothing is half added. */
	if (rc == TACIT_OK && whole.n + per_rule.n > 0) {
		void *v = ig->dirs;

		rc = reserve(&v, &ig->capdirs, ig->ndirs + 1, sizeof(char *));
		ig->dirs = v;
		if (rc == TACIT_OK)
			rc = patlist_reserve(&ig->whole, ig->whole.n + whole.n);
		if (rc == TACIT_OK)
			rc = patlist_reserve(&ig->per_rule,
			    ig->per_rule.n + per_rule.n);
		if (rc == TACIT_OK) {
			ig->dirs[ig->ndirs++] = base;
			base = NULL;
			insert_by_depth(&ig->whole, &whole, depth);
			insert_by_depth(&ig->per_rule, &per_rule, depth);
		}
	}
	if (rc == TACIT_ENOMEM)
		tacit_err_set(e, "out of memory");
	patlist_free(&whole);
	patlist_free(&per_rule);
	free(base);
	return rc;
}

int
tacit_ignore_path(const struct tacit_ignore *ig, const char *path, int is_dir)
{
	unsigned char hit[IGN_WINDOW], decided[IGN_WINDOW];
	struct prefixes w;
	size_t n, from = 0;

	if (ig == NULL || path == NULL || ig->whole.n == 0)
		return 0;
	n = strlen(path);
	if (n == 0)
		return 0;
	/*
	 * Ignored when the path or one of its directories is: for each of
	 * them the last pattern that matches it decides (git never looks
	 * inside an ignored directory).
	 */
	while (next_prefixes(path, n, &from, &w)) {
		size_t left = w.k;

		memset(decided, 0, sizeof(decided));
		for (size_t i = ig->whole.n; i-- > 0 && left > 0;) {
			const struct pattern *p = &ig->whole.v[i];

			pattern_hits(p, path, n, &w, is_dir != 0, hit);
			for (size_t j = 0; j < w.k; j++) {
				if (!hit[j] || decided[j])
					continue;
				if (!(p->flags & PAT_NEGATED))
					return 1;
				decided[j] = 1;
				left--;
			}
		}
	}
	return 0;
}

static int
names_rule(const char *list, const char *rule)
{
	for (const char *q = list; *q != '\0'; q += strlen(q) + 1)
		if (strcmp(q, rule) == 0)
			return 1;
	return 0;
}

/* Does p match the file path[0..n) or one of its directories? */
static int
pattern_hits_any(const struct pattern *p, const char *path, size_t n)
{
	unsigned char hit[IGN_WINDOW];
	struct prefixes w;
	size_t from = 0;

	while (next_prefixes(path, n, &from, &w)) {
		pattern_hits(p, path, n, &w, 0, hit);
		for (size_t j = 0; j < w.k; j++)
			if (hit[j])
				return 1;
	}
	return 0;
}

int
tacit_ignore_rule(const struct tacit_ignore *ig, const char *path,
    const char *rule)
{
	size_t n;

	if (ig == NULL || path == NULL || rule == NULL)
		return 0;
	n = strlen(path);
	if (n == 0)
		return 0;
	for (size_t i = ig->per_rule.n; i-- > 0;) {
		const struct pattern *p = &ig->per_rule.v[i];

		if (names_rule(p->rules, rule) && pattern_hits_any(p, path, n))
			return !(p->flags & PAT_NEGATED);
	}
	return 0;
}

size_t
tacit_ignore_count(const struct tacit_ignore *ig)
{
	return ig == NULL ? 0 : ig->whole.n + ig->per_rule.n;
}

void
tacit_ignore_free(struct tacit_ignore **ig)
{
	if (ig == NULL || *ig == NULL)
		return;
	patlist_free(&(*ig)->whole);
	patlist_free(&(*ig)->per_rule);
	for (size_t i = 0; i < (*ig)->ndirs; i++)
		free((*ig)->dirs[i]);
	free((*ig)->dirs);
	free(*ig);
	*ig = NULL;
}
