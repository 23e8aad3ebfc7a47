/* armor: encode and decode age's strict PEM armor. */
#include <string.h>

#include <sodium.h>

#include "tacit/armor.h"

#define BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define END "-----END AGE ENCRYPTED FILE-----"
#define COLUMNS 64
#define LINE_BYTES 48

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_b64_or_pad(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* Consume whitespace; 1 at the end of the input, 0 before it, or <0. */
static int
skip_space(struct tacit_in *in)
{
	for (;;) {
		const unsigned char *p;
		ssize_t n = tacit_in_peek(in, TACIT_IN_BUF, &p), i = 0;

		if (n <= 0)
			return n < 0 ? (int)n : 1;
		while (i < n && is_space(p[i]))
			i++;
		in->pos += (size_t)i;
		if (i < n)
			return 0;
	}
}

int
tacit_armor_detect(struct tacit_in *in)
{
	const unsigned char *p;
	ssize_t n = tacit_in_peek(in, TACIT_IN_BUF, &p), i = 0;

	if (n < 0)
		return (int)n;
	while (i < n && is_space(p[i]))
		i++;
	return n - i >= 5 && memcmp(p + i, "-----", 5) == 0;
}

void
tacit_armor_in_init(struct tacit_armor_in *a, struct tacit_in *raw)
{
	memset(a, 0, sizeof(*a));
	a->raw = raw;
}

/* The line is exactly the marker: a NUL inside does not end it early. */
static int
is_marker(const char *line, size_t n, const char *marker)
{
	return n == strlen(marker) && memcmp(line, marker, n) == 0;
}

static ssize_t
refuse(struct tacit_armor_in *a, struct tacit_err *e, const char *why)
{
	a->failed = 1;
	tacit_err_set(e, "malformed armor: %s", why);
	return TACIT_EFORMAT;
}

/*
 * The next line without its end of line (LF or CRLF): its length, or <0.
 * *eol says whether it had one.
 */
static ssize_t
next_line(struct tacit_armor_in *a, char *buf, size_t cap, int *eol,
    struct tacit_err *e)
{
	ssize_t n = tacit_in_line(a->raw, buf, cap);

	if (n < 0) {
		*e = a->raw->err;
		return n;
	}
	*eol = n > 0 && buf[n - 1] == '\n';
	if (!*eol && (size_t)n == cap)
		return refuse(a, e, "line too long");
	if (*eol)
		n--;
	if (*eol && n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return n;
}

/* Decode the next line into a->out; 0 at the end line. */
static ssize_t
decode_line(struct tacit_armor_in *a, struct tacit_err *e)
{
	char line[COLUMNS + 8];
	ssize_t n;
	size_t len;
	int eol, rc;

	if (a->state == 0) {
		rc = skip_space(a->raw);
		if (rc != 0)
			return rc < 0 ? rc : refuse(a, e, "empty input");
		n = next_line(a, line, sizeof(line), &eol, e);
		if (n < 0)
			return n;
		if (!eol || !is_marker(line, (size_t)n, BEGIN))
			return refuse(a, e, "no BEGIN line");
		a->state = 1;
	}
	if (a->state == 2)
		return 0;
	n = next_line(a, line, sizeof(line), &eol, e);
	if (n < 0)
		return n;
	if (is_marker(line, (size_t)n, END)) {
		a->state = 2;
		rc = skip_space(a->raw);
		if (rc < 0)
			return rc;
		return rc ? 0 : refuse(a, e, "data after the END line");
	}
	if (!eol)
		return refuse(a, e, "no END line");
	if (a->need_end)
		return refuse(a, e, "a short line before the end");
	len = (size_t)n;
	if (len == 0 || len > COLUMNS)
		return refuse(a, e, "bad line length");
	/* Padding or a short line can only be the last line. */
	if (len < COLUMNS || line[len - 1] == '=')
		a->need_end = 1;
	/* libsodium 1.0.18 reads bytes 0x80-0xff as '/': refuse them first. */
	for (size_t i = 0; i < len; i++)
		if (!is_b64_or_pad((unsigned char)line[i]))
			return refuse(a, e, "invalid character");
	if (sodium_base642bin(a->out, sizeof(a->out), line, len, NULL, &a->len,
		NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return refuse(a, e, "invalid or non-canonical base64");
	a->pos = 0;
	return (ssize_t)a->len;
}

ssize_t
tacit_armor_fill(void *arg, void *buf, size_t n, struct tacit_err *e)
{
	struct tacit_armor_in *a = arg;
	size_t done = 0;

	while (done < n) {
		size_t take;

		if (a->pos == a->len) {
			ssize_t got = decode_line(a, e);

			if (got < 0)
				return got;
			if (got == 0)
				break;
		}
		take = a->len - a->pos < n - done ? a->len - a->pos : n - done;
		memcpy((uint8_t *)buf + done, a->out + a->pos, take);
		a->pos += take;
		done += take;
	}
	return (ssize_t)done;
}

static int
flush_lines(struct tacit_armor_out *a)
{
	int rc = a->len ? a->write(a->arg, a->line, a->len) : TACIT_OK;

	a->len = 0;
	return rc;
}

/* Encode one line (LINE_BYTES or fewer at the end) into the buffer. */
static int
put_line(struct tacit_armor_out *a, const uint8_t *p, size_t n)
{
	if (sizeof(a->line) - a->len < COLUMNS + 2) {
		int rc = flush_lines(a);

		if (rc != TACIT_OK)
			return rc;
	}
	sodium_bin2base64(a->line + a->len, COLUMNS + 1, p, n,
	    sodium_base64_VARIANT_ORIGINAL);
	a->len += strlen(a->line + a->len);
	a->line[a->len++] = '\n';
	return TACIT_OK;
}

int
tacit_armor_begin(struct tacit_armor_out *a, tacit_write_fn write, void *arg)
{
	a->write = write;
	a->arg = arg;
	a->n = 0;
	a->len = 0;
	return write(arg, BEGIN "\n", sizeof(BEGIN));
}

int
tacit_armor_write(void *arg, const void *p, size_t n)
{
	struct tacit_armor_out *a = arg;
	const uint8_t *in = p;
	int rc = TACIT_OK;

	while (n > 0 && rc == TACIT_OK) {
		size_t take;

		if (a->n == 0 && n >= LINE_BYTES) {
			rc = put_line(a, in, LINE_BYTES);
			in += LINE_BYTES;
			n -= LINE_BYTES;
			continue;
		}
		take = LINE_BYTES - a->n < n ? LINE_BYTES - a->n : n;
		memcpy(a->part + a->n, in, take);
		a->n += take;
		in += take;
		n -= take;
		if (a->n == LINE_BYTES) {
			rc = put_line(a, a->part, LINE_BYTES);
			a->n = 0;
		}
	}
	return rc;
}

int
tacit_armor_end(struct tacit_armor_out *a)
{
	int rc = TACIT_OK;

	if (a->n > 0)
		rc = put_line(a, a->part, a->n);
	a->n = 0;
	if (rc == TACIT_OK)
		rc = flush_lines(a);
	if (rc == TACIT_OK)
		rc = a->write(a->arg, END "\n", sizeof(END));
	return rc;
}
