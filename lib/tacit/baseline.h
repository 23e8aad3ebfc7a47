/* baseline: findings accepted earlier, loaded from a JSON report. */
#ifndef TACIT_BASELINE_H
#define TACIT_BASELINE_H

#include <stddef.h>
#include "tacit/io.h"

/*
 * A baseline is the JSON report of an earlier `tacit sanitise --check
 * --json` run (or a jq-reformatted copy of it).  A finding of the current
 * run is known when the baseline holds one with the same path, rule,
 * container and field, counted as a multiset: each finding in the baseline
 * excuses one finding of the run.
 */
struct tacit_baseline;

/* Limits on what a baseline may hold: a hostile one stays cheap. */
#define TACIT_BASELINE_MAX_BYTES (64u << 20)
#define TACIT_BASELINE_MAX_FINDINGS 1000000u
#define TACIT_BASELINE_MAX_DEPTH 64u
#define TACIT_BASELINE_MAX_STRING (64u << 10)

/*
 * Load a report from text (len bytes, no NUL needed).  Only JSON is
 * accepted: YAML's anchors, aliases, tags, block styles and unquoted
 * strings are refused.  TACIT_EFORMAT, with a message, on anything that
 * is not a report's shape; *b is NULL on failure.
 */
TACIT_WUR int tacit_baseline_load(struct tacit_baseline **b, const char *text,
    size_t len, struct tacit_err *e);

/*
 * 1 (and one occurrence consumed) when the baseline holds this finding;
 * 0 when not.  The strings are compared as the report writes them: each
 * byte that is not part of valid UTF-8 stands for U+FFFD.
 */
int tacit_baseline_take(struct tacit_baseline *b, const char *path,
    const char *rule, const char *container, const char *field);

/* The number of findings loaded, repeats included. */
size_t tacit_baseline_count(const struct tacit_baseline *b);

/* Free the baseline and set *b to NULL; NULL and twice are fine. */
void tacit_baseline_free(struct tacit_baseline **b);

#endif
