/* sanitise: scan and clean one input, with verification of the output. */
#ifndef TACIT_SANITISE_H
#define TACIT_SANITISE_H

#include "tacit/io.h"
#include "tacit/meta.h"
#include "tacit/rules.h"

/*
 * Detect src's format and list its metadata, rules applied.  *engine is
 * set (NULL for an unsupported type, with TACIT_EUNSUPPORTED and a message
 * naming the detected type).
 */
int tacit_sanitise_scan(const struct tacit_src *src,
    const struct tacit_rules *rules, const struct tacit_engine **engine,
    struct tacit_items *items, struct tacit_err *e);

/*
 * Clean src into out (flushed), then re-scan what was written, read back
 * through verify_fd (or from memory for a memory sink): anything left
 * that the rules do not keep, or output that does not parse, gives
 * TACIT_EVERIFY.  *changed tells whether the output differs from src.
 */
int tacit_sanitise_clean(const struct tacit_src *src,
    const struct tacit_rules *rules, int strip_all, struct tacit_sink *out,
    int verify_fd, int *changed, struct tacit_err *e);

#endif
