/* baseline: load an earlier JSON report with libyaml; answer "known?". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <yaml.h>

#include "tacit/baseline.h"
#include "tacit/text.h"

/* One distinct finding, and how many of it the baseline still excuses. */
struct entry {
	uint64_t hash;
	const char *path; /* shared by a file's findings (in the arena) */
	const char *rest; /* rule NUL container NUL field (in the arena) */
	uint32_t path_len, rest_len;
	uint32_t count;
};

/* Strings live in big blocks: a million findings, not a million mallocs. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

#define ARENA_BLOCK (1u << 20)

struct tacit_baseline {
	struct entry *v;
	size_t n, cap;
	uint32_t *slots; /* entry index + 1; 0 is an empty slot */
	size_t nslots; /* a power of two, more than twice n */
	size_t findings; /* loaded, repeats included */
	uint64_t key[2]; /* the hash key: random, so no one can aim at it */
	struct arena_block *arena;
	/* The joined key being looked up: as long as the longest loaded. */
	char *scratch;
	size_t scratch_cap;
};

/*
 * SipHash-2-4: a keyed hash, so that a hostile baseline cannot pile a
 * million findings into one chain and stall a CI job.
 */
static uint64_t
rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static void
sip_block(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

static uint64_t
siphash(const uint64_t k[2], const unsigned char *p, size_t n)
{
	uint64_t v[4] = { 0x736f6d6570736575u ^ k[0],
		0x646f72616e646f6du ^ k[1], 0x6c7967656e657261u ^ k[0],
		0x7465646279746573u ^ k[1] };
	uint64_t last = (uint64_t)n << 56;
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t m = 0;

		for (unsigned j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		sip_block(v, m);
	}
	for (unsigned j = 0; i + j < n; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	sip_block(v, last);
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void
random_key(uint64_t k[2])
{
	/* Without randomness the table still works, just less guarded. */
	if (getrandom(k, 2 * sizeof(*k), GRND_NONBLOCK) !=
	    (ssize_t)(2 * sizeof(*k))) {
		k[0] = (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15u;
		k[1] = (uint64_t)(uintptr_t)k ^ ((uint64_t)clock() << 32);
	}
}

static char *
arena_alloc(struct tacit_baseline *b, size_t n)
{
	struct arena_block *a = b->arena;

	if (a == NULL || a->cap - a->used < n) {
		/* Small baselines stay small; big ones get big blocks. */
		size_t cap = 4096;

		if (a != NULL)
			cap =
			    a->cap < ARENA_BLOCK / 2 ? 2 * a->cap : ARENA_BLOCK;
		if (cap < n)
			cap = n;
		if ((a = malloc(sizeof(*a) + cap)) == NULL)
			return NULL;
		a->next = b->arena;
		a->used = 0;
		a->cap = cap;
		b->arena = a;
	}
	a->used += n;
	return a->data + a->used - n;
}

void
tacit_baseline_free(struct tacit_baseline **bp)
{
	struct tacit_baseline *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	while (b->arena != NULL) {
		struct arena_block *next = b->arena->next;

		free(b->arena);
		b->arena = next;
	}
	free(b->v);
	free(b->slots);
	free(b->scratch);
	free(b);
	*bp = NULL;
}

size_t
tacit_baseline_count(const struct tacit_baseline *b)
{
	return b != NULL ? b->findings : 0;
}

/* The entry whose joined key is key[0..len), or NULL. */
static struct entry *
find(const struct tacit_baseline *b, const char *key, size_t len, uint64_t h)
{
	size_t mask;

	if (b->nslots == 0)
		return NULL;
	mask = b->nslots - 1;
	for (size_t i = (size_t)h & mask; b->slots[i] != 0;
	     i = (i + 1) & mask) {
		struct entry *e = &b->v[b->slots[i] - 1];

		if (e->hash == h &&
		    (size_t)e->path_len + 1 + e->rest_len == len &&
		    memcmp(e->path, key, e->path_len) == 0 &&
		    key[e->path_len] == '\0' &&
		    memcmp(e->rest, key + e->path_len + 1, e->rest_len) == 0)
			return e;
	}
	return NULL;
}

/* Put entry k in the first free slot from its hash on (linear probing). */
static void
place(uint32_t *slots, size_t nslots, uint64_t h, size_t k)
{
	size_t i = (size_t)h & (nslots - 1);

	while (slots[i] != 0)
		i = (i + 1) & (nslots - 1);
	slots[i] = (uint32_t)(k + 1);
}

static int
grow_slots(struct tacit_baseline *b)
{
	size_t n = b->nslots ? 2 * b->nslots : 1024;
	uint32_t *s = calloc(n, sizeof(*s));

	if (s == NULL)
		return TACIT_ENOMEM;
	for (size_t k = 0; k < b->n; k++)
		place(s, n, b->v[k].hash, k);
	free(b->slots);
	b->slots = s;
	b->nslots = n;
	return TACIT_OK;
}

/* Add one occurrence of path + rest (both already in the arena). */
static int
insert(struct tacit_baseline *b, const char *path, uint32_t path_len,
    const char *rest, uint32_t rest_len)
{
	size_t len = (size_t)path_len + 1 + rest_len;
	struct entry *e;
	uint64_t h;

	if (len + 1 > b->scratch_cap) {
		char *s = realloc(b->scratch, len + 1);

		if (s == NULL)
			return TACIT_ENOMEM;
		b->scratch = s;
		b->scratch_cap = len + 1;
	}
	memcpy(b->scratch, path, path_len);
	b->scratch[path_len] = '\0';
	memcpy(b->scratch + path_len + 1, rest, rest_len);
	h = siphash(b->key, (const unsigned char *)b->scratch, len);
	if ((e = find(b, b->scratch, len, h)) != NULL) {
		e->count++;
		return TACIT_OK;
	}
	if (2 * (b->n + 1) > b->nslots && grow_slots(b) != TACIT_OK)
		return TACIT_ENOMEM;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		struct entry *v = realloc(b->v, cap * sizeof(*v));

		if (v == NULL)
			return TACIT_ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	e = &b->v[b->n];
	e->hash = h;
	e->path = path;
	e->rest = rest;
	e->path_len = path_len;
	e->rest_len = rest_len;
	e->count = 1;
	place(b->slots, b->nslots, h, b->n++);
	return TACIT_OK;
}

/*
 * Append s to the key as the report writes it: each byte that does not
 * start valid UTF-8 becomes U+FFFD, as in tacit_json_string.  0 when the
 * key would outgrow every key loaded (so it cannot be there).
 */
static int
append_normalised(struct tacit_baseline *b, size_t *k, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n > 0) {
		unsigned cp;
		size_t len = tacit_utf8_next(p, n, &cp);
		const unsigned char *from =
		    len ? p : (const unsigned char *)"\xef\xbf\xbd";
		size_t out = len ? len : 3;

		if (out > b->scratch_cap - *k)
			return 0;
		memcpy(b->scratch + *k, from, out);
		*k += out;
		len = len ? len : 1;
		p += len;
		n -= len;
	}
	return 1;
}

int
tacit_baseline_take(struct tacit_baseline *b, const char *path,
    const char *rule, const char *container, const char *field)
{
	const char *parts[4] = { path, rule, container, field };
	struct entry *e;
	size_t k = 0;

	if (b == NULL || b->n == 0)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (parts[i] == NULL)
			return 0;
		if (i > 0) {
			if (k >= b->scratch_cap)
				return 0;
			b->scratch[k++] = '\0';
		}
		if (!append_normalised(b, &k, parts[i]))
			return 0;
	}
	e = find(b, b->scratch, k,
	    siphash(b->key, (const unsigned char *)b->scratch, k));
	if (e == NULL || e->count == 0)
		return 0;
	e->count--;
	return 1;
}

/*
 * The loader.  libyaml reads the text through a filter that turns JSON
 * into YAML meaning the same: libyaml refuses surrogate pair escapes and,
 * raw in a string, DEL, C1 controls and U+FFFE/F; it folds raw NEL, U+2028
 * and U+2029 like line breaks; it allows tabs in fewer places than JSON.
 * The filter also refuses what JSON does not have (raw control characters
 * and YAML's escapes in strings, anything but JSON's tokens outside them)
 * and over-long strings, before libyaml spends memory on them.  Filter and
 * libyaml agree where strings are: outside strings only JSON's bytes pass,
 * and an unquoted scalar holding a '"' is refused when its event comes.
 * Then the events are checked against the shape of a report.
 */
enum filter_state { OUTSIDE, IN_STRING };

struct pending {
	const char *rest;
	uint32_t len;
};

/* The strings a file entry needs: its path and a finding's three. */
enum { S_PATH, S_RULE, S_CONTAINER, S_FIELD, S_COUNT };

static const char *const string_names[S_COUNT] = { "path", "rule", "container",
	"field" };

struct loader {
	struct tacit_baseline *b;
	struct tacit_err *e;
	yaml_parser_t parser;
	yaml_event_t ev;
	int have_ev;
	unsigned depth;
	size_t total; /* findings read, repeats included */
	/* The filter's state. */
	const unsigned char *src;
	size_t len, pos;
	unsigned char out[8]; /* what the last input unit became */
	size_t out_len, out_pos;
	enum filter_state state;
	size_t string_len; /* decoded bytes so far */
	size_t line;
	int filter_failed;
	/* The file entry being read: its findings wait for its path. */
	char *str[S_COUNT];
	size_t str_len[S_COUNT], str_cap[S_COUNT];
	struct pending *pend;
	size_t npend, cappend;
};

static int
hex4(const unsigned char *p, size_t n, unsigned *v)
{
	*v = 0;
	if (n < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return 0;
		*v = *v << 4 | d;
	}
	return 1;
}

/* Write cp as a YAML escape: \xHH below 256, else \uHHHH. */
static size_t
put_escape(unsigned char *o, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";
	size_t digits = cp < 0x100 ? 2 : 4, n = 0;

	o[n++] = '\\';
	o[n++] = digits == 2 ? 'x' : 'u';
	while (digits-- > 0)
		o[n++] = (unsigned char)hex[(cp >> (4 * digits)) & 15];
	return n;
}

static size_t
put_utf8(unsigned char *o, unsigned cp)
{
	/* Only supplementary-plane code points come here (4 bytes). */
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
filter_fail(struct loader *l, const char *what)
{
	tacit_err_set(l->e, "line %zu: %s", l->line, what);
	l->filter_failed = 1;
	return TACIT_EFORMAT;
}

/* One unit inside a JSON string: a character or an escape. */
static int
filter_string(struct loader *l, const unsigned char *p, size_t left,
    size_t *used)
{
	unsigned char *o = l->out;
	unsigned char c = p[0];
	size_t decoded = 1;
	unsigned cp, lo;

	*used = 1;
	l->out_len = 0;
	if (c == '"') {
		l->state = OUTSIDE;
		o[l->out_len++] = c;
		return TACIT_OK;
	}
	if (c < 0x20)
		return filter_fail(l, "control character in a string");
	if (c == '\\') {
		if (left < 2)
			return filter_fail(l, "unterminated string");
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			o[l->out_len++] = c;
			o[l->out_len++] = p[1];
			*used = 2;
			break;
		case 'u':
			if (!hex4(p + 2, left - 2, &cp))
				return filter_fail(l, "bad \\u escape");
			if (cp >= 0xd800 && cp <= 0xdbff && left >= 12 &&
			    p[6] == '\\' && p[7] == 'u' &&
			    hex4(p + 8, left - 8, &lo) && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				/* libyaml refuses surrogate escapes. */
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				l->out_len = put_utf8(o, cp);
				*used = 12;
				decoded = 4;
				break;
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				return filter_fail(l,
				    "unpaired surrogate in a \\u escape");
			memcpy(o, p, 6);
			l->out_len = 6;
			*used = 6;
			decoded = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
			break;
		default:
			return filter_fail(l, "bad escape in a string");
		}
	} else if (c < 0x7f) {
		o[l->out_len++] = c;
	} else if (c == 0x7f) {
		l->out_len = put_escape(o, c); /* YAML refuses it raw */
	} else {
		size_t n = tacit_utf8_next(p, left, &cp);

		if (n == 0)
			return filter_fail(l, "not UTF-8");
		/* YAML refuses C1 controls, U+FFFE/F, folds NEL, LS, PS. */
		if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029 ||
		    cp == 0xfffe || cp == 0xffff) {
			l->out_len = put_escape(o, cp);
		} else {
			memcpy(o, p, n);
			l->out_len = n;
		}
		*used = n;
		decoded = n;
	}
	l->string_len += decoded;
	if (l->string_len > TACIT_BASELINE_MAX_STRING)
		return filter_fail(l, "string longer than 65536 bytes");
	return TACIT_OK;
}

/* Outside strings JSON has only these, and whitespace. */
static int
json_token_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '{' || c == '}' || c == '[' ||
	    c == ']' || c == ',' || c == ':' || c == '-' || c == '+' ||
	    c == '.';
}

/*
 * Turn the next unit of input into what libyaml reads, in l->out.
 * Outside strings only JSON's bytes pass, so YAML's anchors, aliases,
 * tags, comments, directives and other quotes never reach libyaml.
 */
static int
filter_unit(struct loader *l)
{
	const unsigned char *p = l->src + l->pos;
	size_t left = l->len - l->pos, used = 1;
	unsigned char c = p[0];

	l->out_pos = 0;
	l->out_len = 1;
	l->out[0] = c;
	if (l->state == IN_STRING) {
		if (filter_string(l, p, left, &used) != TACIT_OK)
			return TACIT_EFORMAT;
		l->pos += used;
		return TACIT_OK;
	}
	if (c == '"') {
		l->state = IN_STRING;
		l->string_len = 0;
	} else if (c == '\t') {
		/* JSON whitespace; YAML allows tabs in fewer places. */
		l->out[0] = ' ';
	} else if (c == '\n' || c == '\r') {
		if (c == '\n' || left < 2 || p[1] != '\n')
			l->line++;
	} else if (c != ' ' && !json_token_byte(c)) {
		switch (c) {
		case '&':
			return filter_fail(l, "YAML anchor refused");
		case '*':
			return filter_fail(l, "YAML alias refused");
		case '!':
			return filter_fail(l, "YAML tag refused");
		case '#':
			return filter_fail(l, "YAML comment refused");
		case '\'':
			return filter_fail(l, "string not in double quotes");
		default:
			return filter_fail(l, "not JSON");
		}
	}
	l->pos++;
	return TACIT_OK;
}

/* How many bytes from l->pos on (at most max) pass through unchanged. */
static size_t
plain_run(struct loader *l, size_t max)
{
	const unsigned char *p = l->src + l->pos;
	size_t k = 0;

	if (max > l->len - l->pos)
		max = l->len - l->pos;
	if (l->state == OUTSIDE) {
		while (k < max && (p[k] == ' ' || json_token_byte(p[k])))
			k++;
		return k;
	}
	if (max > TACIT_BASELINE_MAX_STRING - l->string_len)
		max = TACIT_BASELINE_MAX_STRING - l->string_len;
	while (k < max && p[k] >= 0x20 && p[k] < 0x7f && p[k] != '"' &&
	    p[k] != '\\')
		k++;
	l->string_len += k;
	return k;
}

static int
filter_read(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
	struct loader *l = data;
	size_t n = 0;

	while (n < size) {
		size_t k;

		if (l->out_pos == l->out_len) {
			if (l->pos >= l->len)
				break;
			if ((k = plain_run(l, size - n)) > 0) {
				memcpy(buf + n, l->src + l->pos, k);
				l->pos += k;
				n += k;
				continue;
			}
			if (filter_unit(l) != TACIT_OK)
				return 0;
		}
		k = l->out_len - l->out_pos;
		if (k > size - n)
			k = size - n;
		memcpy(buf + n, l->out + l->out_pos, k);
		l->out_pos += k;
		n += k;
	}
	*size_read = n;
	return 1;
}

/* null, true, false or a number: what JSON writes without quotes. */
static int
json_literal(const unsigned char *s, size_t n)
{
	size_t i = 0;

	if ((n == 4 &&
		(memcmp(s, "null", 4) == 0 || memcmp(s, "true", 4) == 0)) ||
	    (n == 5 && memcmp(s, "false", 5) == 0))
		return 1;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < n && s[i] == '.') {
		if (++i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static int
oom(struct loader *l)
{
	tacit_err_set(l->e, "out of memory");
	return TACIT_ENOMEM;
}

static int
event_fail(struct loader *l, const char *what)
{
	tacit_err_set(l->e, "line %zu: %s", l->ev.start_mark.line + 1, what);
	return TACIT_EFORMAT;
}

/* A sequence or mapping starts: JSON's [ or {, not too deep. */
static int
check_collection(struct loader *l, const yaml_char_t *anchor,
    const yaml_char_t *tag, int flow)
{
	if (anchor != NULL)
		return event_fail(l, "YAML anchor refused");
	if (tag != NULL)
		return event_fail(l, "YAML tag refused");
	if (!flow)
		return event_fail(l, "YAML block style refused");
	if (++l->depth > TACIT_BASELINE_MAX_DEPTH)
		return event_fail(l, "nested more than 64 deep");
	return TACIT_OK;
}

/* Read the next event into l->ev, refusing what JSON does not have. */
static int
next_event(struct loader *l)
{
	yaml_event_t *ev = &l->ev;

	if (l->have_ev)
		yaml_event_delete(ev);
	l->have_ev = 0;
	if (!yaml_parser_parse(&l->parser, ev)) {
		if (l->filter_failed)
			return TACIT_EFORMAT;
		if (l->parser.error == YAML_MEMORY_ERROR)
			return oom(l);
		tacit_err_set(l->e, "line %zu: %s",
		    l->parser.problem_mark.line + 1,
		    l->parser.problem ? l->parser.problem : "not JSON");
		return TACIT_EFORMAT;
	}
	l->have_ev = 1;
	/* The filter stops most of these; what libyaml parsed has the say. */
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return event_fail(l, "YAML alias refused");
	case YAML_DOCUMENT_START_EVENT:
		if (!ev->data.document_start.implicit ||
		    ev->data.document_start.version_directive != NULL ||
		    ev->data.document_start.tag_directives.start !=
			ev->data.document_start.tag_directives.end)
			return event_fail(l, "YAML document marker refused");
		break;
	case YAML_DOCUMENT_END_EVENT:
		if (!ev->data.document_end.implicit)
			return event_fail(l, "YAML document marker refused");
		break;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor != NULL)
			return event_fail(l, "YAML anchor refused");
		if (ev->data.scalar.tag != NULL)
			return event_fail(l, "YAML tag refused");
		if (ev->data.scalar.length > TACIT_BASELINE_MAX_STRING)
			return event_fail(l, "string longer than 65536 bytes");
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			if (!json_literal(ev->data.scalar.value,
				ev->data.scalar.length))
				return event_fail(l,
				    "unquoted text that is not a JSON value");
		} else if (ev->data.scalar.style !=
		    YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
			return event_fail(l, "string not in double quotes");
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
		return check_collection(l, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag,
		    ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
	case YAML_MAPPING_START_EVENT:
		return check_collection(l, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag,
		    ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		l->depth--;
		break;
	default:
		break;
	}
	return TACIT_OK;
}

static int
is_string(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT &&
	    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
}

/*
 * Read a mapping's next key: *key is its text (NUL-terminated by
 * libyaml), or NULL at the end of the mapping.
 */
static int
next_key(struct loader *l, const char *where, const char **key)
{
	int rc = next_event(l);

	*key = NULL;
	if (rc != TACIT_OK || l->ev.type == YAML_MAPPING_END_EVENT)
		return rc;
	if (!is_string(&l->ev)) {
		tacit_err_set(l->e, "%s: a key is not a string", where);
		return TACIT_EFORMAT;
	}
	*key = (const char *)l->ev.data.scalar.value;
	/* A key holding NUL names nothing we know: ignore it. */
	if (strlen(*key) != l->ev.data.scalar.length)
		*key = "";
	return TACIT_OK;
}

/* Skip the value that starts with l->ev, however deep. */
static int
skip_value(struct loader *l)
{
	unsigned level = 0;
	int rc;

	for (;;) {
		switch (l->ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			level++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			level--;
			break;
		default:
			break;
		}
		if (level == 0)
			return TACIT_OK;
		if ((rc = next_event(l)) != TACIT_OK)
			return rc;
	}
}

/* Read the value of key string_names[s] into l->str[s]. */
static int
read_string(struct loader *l, const char *where, int s, int *seen)
{
	const yaml_event_t *ev = &l->ev;
	size_t n;
	int rc;

	if (seen[s]) {
		tacit_err_set(l->e, "%s: %s given twice", where,
		    string_names[s]);
		return TACIT_EFORMAT;
	}
	seen[s] = 1;
	if ((rc = next_event(l)) != TACIT_OK)
		return rc;
	if (!is_string(ev)) {
		tacit_err_set(l->e, "%s: %s is not a string", where,
		    string_names[s]);
		return TACIT_EFORMAT;
	}
	n = ev->data.scalar.length;
	if (memchr(ev->data.scalar.value, '\0', n) != NULL) {
		tacit_err_set(l->e, "%s: %s holds a NUL", where,
		    string_names[s]);
		return TACIT_EFORMAT;
	}
	/* next_event bounds n by TACIT_BASELINE_MAX_STRING. */
	if (n >= l->str_cap[s]) {
		size_t cap = 2 * l->str_cap[s] > n ? 2 * l->str_cap[s] : n + 64;
		char *p = realloc(l->str[s], cap);

		if (p == NULL)
			return oom(l);
		l->str[s] = p;
		l->str_cap[s] = cap;
	}
	memcpy(l->str[s], ev->data.scalar.value, n);
	l->str_len[s] = n;
	return TACIT_OK;
}

static int
read_finding(struct loader *l, size_t file, size_t finding)
{
	char where[64];
	int seen[S_COUNT] = { 0 };
	const char *key;
	size_t len;
	char *rest;
	int rc;

	snprintf(where, sizeof(where), "file %zu: finding %zu", file, finding);
	if (l->ev.type != YAML_MAPPING_START_EVENT) {
		tacit_err_set(l->e, "%s is not a mapping", where);
		return TACIT_EFORMAT;
	}
	while ((rc = next_key(l, where, &key)) == TACIT_OK && key != NULL) {
		if (strcmp(key, "rule") == 0)
			rc = read_string(l, where, S_RULE, seen);
		else if (strcmp(key, "container") == 0)
			rc = read_string(l, where, S_CONTAINER, seen);
		else if (strcmp(key, "field") == 0)
			rc = read_string(l, where, S_FIELD, seen);
		else if ((rc = next_event(l)) == TACIT_OK)
			rc = skip_value(l);
		if (rc != TACIT_OK)
			return rc;
	}
	if (rc != TACIT_OK)
		return rc;
	for (int s = S_RULE; s <= S_FIELD; s++) {
		if (!seen[s]) {
			tacit_err_set(l->e, "%s: no %s", where,
			    string_names[s]);
			return TACIT_EFORMAT;
		}
	}
	if (++l->total > TACIT_BASELINE_MAX_FINDINGS) {
		tacit_err_set(l->e, "more than %u findings",
		    TACIT_BASELINE_MAX_FINDINGS);
		return TACIT_EFORMAT;
	}
	len = l->str_len[S_RULE] + l->str_len[S_CONTAINER] +
	    l->str_len[S_FIELD] + 2;
	if (l->npend == l->cappend) {
		size_t cap = l->cappend ? 2 * l->cappend : 64;
		struct pending *p = realloc(l->pend, cap * sizeof(*p));

		if (p == NULL)
			return oom(l);
		l->pend = p;
		l->cappend = cap;
	}
	if ((rest = arena_alloc(l->b, len)) == NULL)
		return oom(l);
	l->pend[l->npend].rest = rest;
	l->pend[l->npend++].len = (uint32_t)len;
	for (int s = S_RULE; s <= S_FIELD; s++) {
		memcpy(rest, l->str[s], l->str_len[s]);
		rest += l->str_len[s];
		if (s != S_FIELD)
			*rest++ = '\0';
	}
	return TACIT_OK;
}

static int
read_findings(struct loader *l, const char *where, size_t file)
{
	size_t n = 0;
	int rc;

	if ((rc = next_event(l)) != TACIT_OK)
		return rc;
	if (l->ev.type != YAML_SEQUENCE_START_EVENT) {
		tacit_err_set(l->e, "%s: findings is not a list", where);
		return TACIT_EFORMAT;
	}
	while ((rc = next_event(l)) == TACIT_OK &&
	    l->ev.type != YAML_SEQUENCE_END_EVENT)
		if ((rc = read_finding(l, file, ++n)) != TACIT_OK)
			return rc;
	return rc;
}

static int
read_file(struct loader *l, size_t file)
{
	char where[32];
	int seen[S_COUNT] = { 0 }, have_findings = 0;
	const char *key;
	char *path;
	int rc;

	snprintf(where, sizeof(where), "file %zu", file);
	if (l->ev.type != YAML_MAPPING_START_EVENT) {
		tacit_err_set(l->e, "%s is not a mapping", where);
		return TACIT_EFORMAT;
	}
	l->npend = 0;
	while ((rc = next_key(l, where, &key)) == TACIT_OK && key != NULL) {
		if (strcmp(key, "path") == 0) {
			rc = read_string(l, where, S_PATH, seen);
		} else if (strcmp(key, "findings") == 0) {
			if (have_findings++) {
				tacit_err_set(l->e, "%s: findings given twice",
				    where);
				return TACIT_EFORMAT;
			}
			rc = read_findings(l, where, file);
		} else if ((rc = next_event(l)) == TACIT_OK) {
			rc = skip_value(l);
		}
		if (rc != TACIT_OK)
			return rc;
	}
	if (rc != TACIT_OK)
		return rc;
	if (!seen[S_PATH]) {
		tacit_err_set(l->e, "%s: no path", where);
		return TACIT_EFORMAT;
	}
	if (l->npend == 0)
		return TACIT_OK;
	/* One copy of the path for all its findings. */
	if ((path = arena_alloc(l->b, l->str_len[S_PATH])) == NULL)
		return oom(l);
	memcpy(path, l->str[S_PATH], l->str_len[S_PATH]);
	for (size_t i = 0; i < l->npend; i++)
		if (insert(l->b, path, (uint32_t)l->str_len[S_PATH],
			l->pend[i].rest, l->pend[i].len) != TACIT_OK)
			return oom(l);
	return TACIT_OK;
}

static int
read_report(struct loader *l)
{
	const char *key;
	size_t files = 0;
	int have_files = 0, rc;

	if ((rc = next_event(l)) != TACIT_OK) /* stream start */
		return rc;
	if ((rc = next_event(l)) != TACIT_OK)
		return rc;
	if (l->ev.type == YAML_STREAM_END_EVENT) {
		tacit_err_set(l->e, "not a tacit report: empty");
		return TACIT_EFORMAT;
	}
	if ((rc = next_event(l)) != TACIT_OK)
		return rc;
	if (l->ev.type != YAML_MAPPING_START_EVENT) {
		tacit_err_set(l->e, "not a tacit report: not a mapping");
		return TACIT_EFORMAT;
	}
	while ((rc = next_key(l, "not a tacit report", &key)) == TACIT_OK &&
	    key != NULL) {
		int is_files = strcmp(key, "files") == 0;

		/* key points into the event that next_event replaces. */
		if ((rc = next_event(l)) != TACIT_OK)
			return rc;
		if (!is_files) {
			if ((rc = skip_value(l)) != TACIT_OK)
				return rc;
			continue;
		}
		if (have_files++) {
			tacit_err_set(l->e,
			    "not a tacit report: files given twice");
			return TACIT_EFORMAT;
		}
		if (l->ev.type != YAML_SEQUENCE_START_EVENT) {
			tacit_err_set(l->e,
			    "not a tacit report: files is not a list");
			return TACIT_EFORMAT;
		}
		while ((rc = next_event(l)) == TACIT_OK &&
		    l->ev.type != YAML_SEQUENCE_END_EVENT)
			if ((rc = read_file(l, ++files)) != TACIT_OK)
				return rc;
		if (rc != TACIT_OK)
			return rc;
	}
	if (rc != TACIT_OK)
		return rc;
	if (!have_files) {
		tacit_err_set(l->e, "not a tacit report: no files");
		return TACIT_EFORMAT;
	}
	if ((rc = next_event(l)) != TACIT_OK) /* document end */
		return rc;
	if ((rc = next_event(l)) != TACIT_OK)
		return rc;
	if (l->ev.type != YAML_STREAM_END_EVENT) {
		tacit_err_set(l->e,
		    "not a tacit report: more than one document");
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

int
tacit_baseline_load(struct tacit_baseline **bp, const char *text, size_t len,
    struct tacit_err *e)
{
	struct loader l;
	int rc = TACIT_OK;

	*bp = NULL;
	if (len > TACIT_BASELINE_MAX_BYTES) {
		tacit_err_set(e, "larger than %u MiB",
		    TACIT_BASELINE_MAX_BYTES >> 20);
		return TACIT_EFORMAT;
	}
	memset(&l, 0, sizeof(l));
	l.e = e;
	l.src = (const unsigned char *)text;
	l.len = text != NULL ? len : 0;
	l.state = OUTSIDE;
	/* A byte order mark: JSON has none, but some editors add one. */
	if (l.len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		l.pos = 3;
	l.line = 1;
	if ((l.b = calloc(1, sizeof(*l.b))) == NULL)
		return oom(&l);
	random_key(l.b->key);
	if (!yaml_parser_initialize(&l.parser))
		rc = oom(&l);
	if (rc == TACIT_OK) {
		yaml_parser_set_encoding(&l.parser, YAML_UTF8_ENCODING);
		yaml_parser_set_input(&l.parser, filter_read, &l);
		rc = read_report(&l);
		if (l.have_ev)
			yaml_event_delete(&l.ev);
		yaml_parser_delete(&l.parser);
	}
	for (int s = 0; s < S_COUNT; s++)
		free(l.str[s]);
	free(l.pend);
	l.b->findings = l.total;
	if (rc != TACIT_OK)
		tacit_baseline_free(&l.b);
	*bp = l.b;
	return rc;
}
