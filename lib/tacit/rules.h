/* rules: which metadata matters and how much, loaded from YAML (libyaml). */
#ifndef TACIT_RULES_H
#define TACIT_RULES_H

#include <stddef.h>
#include "tacit/io.h"
#include "tacit/meta.h"

enum tacit_severity {
	TACIT_SEV_INFO = 0,
	TACIT_SEV_LOW,
	TACIT_SEV_MEDIUM,
	TACIT_SEV_HIGH
};

struct tacit_rule {
	char *id;
	char *summary;
	char *container; /* glob over tacit_item.container */
	char **fields; /* globs over tacit_item.field, NULL-ended */
	enum tacit_severity severity;
	int keep; /* sanitise keeps it unless --strip-all */
};

struct tacit_rules;

/* Largest rules file accepted. */
#define TACIT_RULES_MAX_BYTES (1u << 20)
#define TACIT_RULES_MAX_COUNT 1024
#define TACIT_RULES_MAX_BRACKETS 8192

/*
 * The rules compiled in from rules/metadata.yaml: a table generated at
 * build time by rules/rules2c, so no YAML is parsed at start-up.
 */
TACIT_WUR int tacit_rules_default(struct tacit_rules **r, struct tacit_err *e);
TACIT_WUR int tacit_rules_load_file(struct tacit_rules **r, const char *path,
    struct tacit_err *e);
TACIT_WUR int tacit_rules_load_mem(struct tacit_rules **r, const char *yaml,
    size_t len, struct tacit_err *e);
void tacit_rules_free(struct tacit_rules **r);
/* Rules over a static table, as rules2c generates (nothing copied). */
TACIT_WUR int tacit_rules_from_table(struct tacit_rules **r,
    struct tacit_rule *v, size_t n);

/* The rules in order, for tools that print or convert them. */
size_t tacit_rules_count(const struct tacit_rules *r);
const struct tacit_rule *tacit_rules_get(const struct tacit_rules *r, size_t i);

/* The catch-all rule, "unlisted", for what no rule names. */
const struct tacit_rule *tacit_rules_fallback(const struct tacit_rules *r);
/* The first rule matching container and field; the catch-all at worst. */
const struct tacit_rule *tacit_rules_match(const struct tacit_rules *r,
    const char *container, const char *field);
/* Fill item->rule for every item. */
void tacit_rules_apply(const struct tacit_rules *r, struct tacit_items *it);
/* What sanitise keeps by default, from the rules' keep flags. */
void tacit_rules_clean_opts(const struct tacit_rules *r, int strip_all,
    struct tacit_clean_opts *o);

const char *tacit_severity_name(enum tacit_severity s);
/* Parse "info", "low", "medium", "high"; -1 if none. */
int tacit_severity_parse(const char *s);

#endif
