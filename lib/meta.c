/* meta: the list of metadata items and the table of format engines. */
#include <stdlib.h>
#include <string.h>

#include "tacit/meta.h"
#include "tacit/text.h"

/* A value longer than this is cut: enough to recognise, not to dump. */
#define VALUE_MAX 200

const struct tacit_engine *const tacit_engines[] = { &tacit_engine_jpeg,
	&tacit_engine_png, &tacit_engine_webp, &tacit_engine_gif, NULL };

void
tacit_items_init(struct tacit_items *it, int want_values)
{
	memset(it, 0, sizeof(*it));
	it->want_values = want_values;
}

static void
copy_name(char *dst, size_t cap, const char *src)
{
	size_t i;

	/* Names come from files too: keep them printable ASCII. */
	for (i = 0; src[i] != '\0' && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
}

/*
 * Make a value safe to print in a terminal or a CI log: valid UTF-8 kept,
 * control characters and bidi overrides replaced, trailing NULs dropped.
 */
static char *
printable_value(const unsigned char *p, size_t n)
{
	char *out;
	size_t o = 0, i = 0;

	while (n > 0 && p[n - 1] == '\0')
		n--;
	out = malloc(VALUE_MAX * 3 + 4);
	if (out == NULL)
		return NULL;
	/* Room for the longest UTF-8 sequence, then "..." and the NUL. */
	while (i < n && o + 4 <= VALUE_MAX * 3) {
		unsigned cp;
		size_t len = tacit_utf8_next(p + i, n - i, &cp);

		if (len == 0 || tacit_unsafe_codepoint(cp)) {
			out[o++] = '.'; /* not UTF-8, or could disguise text */
			i += len ? len : 1;
			continue;
		}
		memcpy(out + o, p + i, len);
		o += len;
		i += len;
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

int
tacit_items_add(struct tacit_items *it, const char *container,
    const char *field, const void *value, size_t vlen)
{
	struct tacit_item *item;

	if (it->n >= TACIT_ITEMS_MAX) {
		it->dropped++;
		return TACIT_OK;
	}
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 16;
		struct tacit_item *v = realloc(it->v, cap * sizeof(*v));

		if (v == NULL)
			return TACIT_ENOMEM;
		it->v = v;
		it->cap = cap;
	}
	item = &it->v[it->n];
	memset(item, 0, sizeof(*item));
	copy_name(item->container, sizeof(item->container), container);
	copy_name(item->field, sizeof(item->field), field);
	if (it->want_values && value != NULL) {
		item->value = printable_value(value, vlen);
		if (item->value == NULL)
			return TACIT_ENOMEM;
	}
	it->n++;
	return TACIT_OK;
}

void
tacit_items_free(struct tacit_items *it)
{
	if (it == NULL)
		return;
	for (size_t i = 0; i < it->n; i++)
		free(it->v[i].value);
	free(it->v);
	it->v = NULL;
	it->n = it->cap = it->dropped = 0;
}

const struct tacit_engine *
tacit_meta_detect(const struct tacit_src *src)
{
	unsigned char head[TACIT_PROBE_LEN];
	ssize_t n = tacit_src_pread(src, 0, head, sizeof(head));

	if (n <= 0)
		return NULL;
	for (size_t i = 0; tacit_engines[i] != NULL; i++)
		if (tacit_engines[i]->probe(head, (size_t)n))
			return tacit_engines[i];
	return NULL;
}
