/* sanitise: detect, scan, clean and verify one input. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tacit/filetype.h"
#include "tacit/sanitise.h"

static int
scan(const struct tacit_src *src, const struct tacit_rules *rules,
    const struct tacit_engine **engine, struct tacit_items *items,
    struct tacit_err *e)
{
	struct tacit_err sub = { "" };
	int rc;

	*engine = tacit_meta_detect(src);
	if (*engine == NULL) {
		char type[128];

		tacit_filetype_describe(src, type, sizeof(type));
		tacit_err_set(e, "unsupported file type: %s", type);
		return TACIT_EUNSUPPORTED;
	}
	rc = (*engine)->scan(src, items, &sub);
	if (rc == TACIT_EFORMAT)
		tacit_err_set(e, "malformed %s: %s", (*engine)->name,
		    sub.msg[0] ? sub.msg : "cannot parse");
	else if (rc != TACIT_OK)
		tacit_err_set(e, "%s", sub.msg[0] ? sub.msg : "cannot read");
	if (rc == TACIT_OK)
		tacit_rules_apply(rules, items);
	return rc;
}

/* 1 when a and b hold the same bytes, 0 when not, <0 on a read error. */
static int
same_bytes(const struct tacit_src *a, const struct tacit_src *b)
{
	unsigned char x[16384], y[16384];
	uint64_t off = 0;

	if (a->size != b->size)
		return 0;
	if (a->fd < 0 && b->fd < 0)
		return memcmp(a->mem, b->mem, (size_t)a->size) == 0;
	while (off < a->size) {
		size_t n = a->size - off < sizeof(x) ? (size_t)(a->size - off)
						     : sizeof(x);

		if (tacit_src_read(a, off, x, n) != TACIT_OK ||
		    tacit_src_read(b, off, y, n) != TACIT_OK)
			return TACIT_EIO;
		if (memcmp(x, y, n) != 0)
			return 0;
		off += n;
	}
	return 1;
}

/*
 * What the output must not hold: every item whose rule is not kept.  The
 * index of the first one; it->n when only items past the cap remain
 * (unknown, so not kept); SIZE_MAX when there is none.
 */
static size_t
removable(const struct tacit_items *it, int strip_all)
{
	for (size_t i = 0; i < it->n; i++)
		if (strip_all || !it->v[i].rule->keep)
			return i;
	return it->dropped > 0 ? it->n : SIZE_MAX;
}

static int
clean(const struct tacit_src *src, const struct tacit_rules *rules,
    int strip_all, struct tacit_sink *out, int verify_fd, int *changed,
    struct tacit_err *e)
{
	const struct tacit_engine *engine, *again;
	struct tacit_clean_opts opts;
	struct tacit_items items;
	struct tacit_src check;
	struct tacit_err sub = { "" };
	size_t i;
	int rc;

	*changed = 0;
	tacit_items_init(&items, 0);
	engine = tacit_meta_detect(src);
	if (engine == NULL) {
		char type[128];

		tacit_filetype_describe(src, type, sizeof(type));
		tacit_err_set(e, "unsupported file type: %s", type);
		return TACIT_EUNSUPPORTED;
	}
	/*
	 * No scan of the input first: the cleaner validates the whole file
	 * anyway, and "already clean" is decided below by comparing bytes,
	 * which also catches what a scan might not list.
	 */
	tacit_rules_clean_opts(rules, strip_all, &opts);
	rc = engine->clean(src, out, &opts, &sub);
	if (rc == TACIT_OK)
		rc = tacit_sink_flush(out);
	if (rc != TACIT_OK) {
		if (out->err == TACIT_EIO)
			tacit_err_set(e, "write error: %s",
			    strerror(out->saved_errno));
		else if (rc == TACIT_EIO)
			tacit_err_set(e, "read error: %s",
			    sub.msg[0] ? sub.msg : strerror(errno));
		else if (rc == TACIT_EFORMAT)
			tacit_err_set(e, "malformed %s: %s", engine->name,
			    sub.msg[0] ? sub.msg : "cannot parse");
		else
			tacit_err_set(e, "cannot clean %s: %s", engine->name,
			    sub.msg[0]		     ? sub.msg
				: rc == TACIT_ENOMEM ? "out of memory"
						     : "unsupported");
		goto out;
	}
	/* Verify before anything replaces the original. */
	if (out->fd < 0)
		tacit_src_mem(&check, out->mem, out->mem_len);
	else if (tacit_src_fd(&check, verify_fd) != TACIT_OK) {
		tacit_err_set(e, "cannot read back the output");
		rc = TACIT_EIO;
		goto out;
	}
	tacit_items_init(&items, 0);
	rc = scan(&check, rules, &again, &items, &sub);
	if (rc != TACIT_OK || again != engine) {
		tacit_err_set(e,
		    "verification failed: the output does not "
		    "parse (%s)",
		    sub.msg);
		rc = TACIT_EVERIFY;
	} else if ((i = removable(&items, strip_all)) != SIZE_MAX) {
		tacit_err_set(e, "verification failed: %s %s still present",
		    i < items.n ? items.v[i].container : "metadata",
		    i < items.n ? items.v[i].field : "");
		rc = TACIT_EVERIFY;
	}
	/* Verified; nothing changed if the output is the input. */
	if (rc == TACIT_OK) {
		rc = same_bytes(src, &check);
		if (rc >= 0) {
			*changed = !rc;
			rc = TACIT_OK;
		} else {
			tacit_err_set(e, "read error: %s", strerror(errno));
		}
	}
out:
	tacit_items_free(&items);
	return rc;
}

/*
 * A failure always comes with a reason: a message left empty by a path
 * deep inside (an allocation failing in libexif, say) gets one from the
 * error code.
 */
static int
with_reason(int rc, struct tacit_err *e)
{
	if (rc != TACIT_OK && e != NULL && e->msg[0] == '\0')
		tacit_err_set(e, "%s",
		    rc == TACIT_ENOMEM		   ? "out of memory"
			: rc == TACIT_EIO	   ? "read or write error"
			: rc == TACIT_EVERIFY	   ? "verification failed"
			: rc == TACIT_EUNSUPPORTED ? "unsupported file"
						   : "malformed file");
	return rc;
}

int
tacit_sanitise_scan(const struct tacit_src *src,
    const struct tacit_rules *rules, const struct tacit_engine **engine,
    struct tacit_items *items, struct tacit_err *e)
{
	if (e != NULL)
		e->msg[0] = '\0';
	return with_reason(scan(src, rules, engine, items, e), e);
}

int
tacit_sanitise_clean(const struct tacit_src *src,
    const struct tacit_rules *rules, int strip_all, struct tacit_sink *out,
    int verify_fd, int *changed, struct tacit_err *e)
{
	if (e != NULL)
		e->msg[0] = '\0';
	return with_reason(clean(src, rules, strip_all, out, verify_fd, changed,
			       e),
	    e);
}
