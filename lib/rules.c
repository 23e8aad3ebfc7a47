/* rules: load rules/metadata.yaml with libyaml and match items to rules. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "tacit/rules.h"

struct tacit_rules {
	struct tacit_rule *v;
	size_t n;
	int builtin; /* v is the static table: nothing to free */
	struct tacit_rule fallback;
};

static const char *const fallback_fields[] = { "*", NULL };
static const char *const sev_names[] = { "info", "low", "medium", "high" };

const char *
tacit_severity_name(enum tacit_severity s)
{
	return (unsigned)s < 4 ? sev_names[s] : "unknown";
}

int
tacit_severity_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, sev_names[i]) == 0)
			return i;
	return -1;
}

static void
rule_free(struct tacit_rule *r)
{
	free(r->id);
	free(r->summary);
	free(r->container);
	for (size_t i = 0; r->fields != NULL && r->fields[i] != NULL; i++)
		free(r->fields[i]);
	free(r->fields);
}

void
tacit_rules_free(struct tacit_rules **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	for (size_t i = 0; i < (*rp)->n && !(*rp)->builtin; i++)
		rule_free(&(*rp)->v[i]);
	if (!(*rp)->builtin)
		free((*rp)->v);
	free(*rp);
	*rp = NULL;
}

static const char *
scalar(yaml_document_t *doc, yaml_node_t *n)
{
	(void)doc;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k =
		    scalar(doc, yaml_document_get_node(doc, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* field: one glob, or a list of globs; absent means "*". */
static int
parse_fields(yaml_document_t *doc, yaml_node_t *field, struct tacit_rule *r,
    struct tacit_err *e)
{
	yaml_node_item_t *it;
	size_t n = 1, i = 0;

	if (field != NULL && field->type == YAML_SEQUENCE_NODE)
		n = (size_t)(field->data.sequence.items.top -
		    field->data.sequence.items.start);
	if (n == 0 || n > TACIT_RULES_MAX_COUNT) {
		tacit_err_set(e, "rule '%s': 1 to %u field patterns", r->id,
		    TACIT_RULES_MAX_COUNT);
		return TACIT_EFORMAT;
	}
	r->fields = calloc(n + 1, sizeof(*r->fields));
	if (r->fields == NULL)
		return TACIT_ENOMEM;
	if (field == NULL || field->type != YAML_SEQUENCE_NODE) {
		const char *f = field ? scalar(doc, field) : "*";

		if (f == NULL) {
			tacit_err_set(e,
			    "rule '%s': field must be a pattern "
			    "or a list of patterns",
			    r->id);
			return TACIT_EFORMAT;
		}
		r->fields[0] = strdup(f);
		return r->fields[0] ? TACIT_OK : TACIT_ENOMEM;
	}
	for (it = field->data.sequence.items.start;
	     it < field->data.sequence.items.top; it++, i++) {
		const char *f = scalar(doc, yaml_document_get_node(doc, *it));

		if (f == NULL) {
			tacit_err_set(e,
			    "rule '%s': field patterns must be "
			    "strings",
			    r->id);
			return TACIT_EFORMAT;
		}
		if ((r->fields[i] = strdup(f)) == NULL)
			return TACIT_ENOMEM;
	}
	return TACIT_OK;
}

/* Whatever no rule names still counts: medium, removed. */
static void
set_fallback(struct tacit_rules *r)
{
	r->fallback.id = (char *)"unlisted";
	r->fallback.summary = (char *)"metadata no rule names";
	r->fallback.container = (char *)"*";
	r->fallback.fields = (char **)fallback_fields;
	r->fallback.severity = TACIT_SEV_MEDIUM;
}

static int
parse_rule(yaml_document_t *doc, yaml_node_t *node, struct tacit_rule *r,
    size_t index, struct tacit_err *e)
{
	static const char *const known[] = { "id", "severity", "summary",
		"container", "field", "keep", NULL };
	const char *id, *sev, *summary, *container, *keep;
	yaml_node_t *field;
	yaml_node_pair_t *p;
	int s;

	if (node == NULL || node->type != YAML_MAPPING_NODE) {
		tacit_err_set(e, "rule %zu is not a mapping", index + 1);
		return TACIT_EFORMAT;
	}
	/* A misspelt key would silently change a rule: refuse it. */
	for (p = node->data.mapping.pairs.start;
	     p < node->data.mapping.pairs.top; p++) {
		const char *k =
		    scalar(doc, yaml_document_get_node(doc, p->key));
		int ok = 0;

		for (size_t i = 0; k != NULL && known[i] != NULL; i++)
			ok |= strcmp(k, known[i]) == 0;
		if (!ok) {
			tacit_err_set(e, "rule %zu: unknown key '%s'",
			    index + 1, k ? k : "?");
			return TACIT_EFORMAT;
		}
	}
	id = scalar(doc, map_get(doc, node, "id"));
	sev = scalar(doc, map_get(doc, node, "severity"));
	summary = scalar(doc, map_get(doc, node, "summary"));
	container = scalar(doc, map_get(doc, node, "container"));
	field = map_get(doc, node, "field");
	keep = scalar(doc, map_get(doc, node, "keep"));
	if (id == NULL || *id == '\0') {
		tacit_err_set(e, "rule %zu has no id", index + 1);
		return TACIT_EFORMAT;
	}
	if (sev == NULL || (s = tacit_severity_parse(sev)) < 0) {
		tacit_err_set(e,
		    "rule '%s': severity must be info, low, "
		    "medium or high",
		    id);
		return TACIT_EFORMAT;
	}
	if (container == NULL) {
		tacit_err_set(e, "rule '%s' has no container", id);
		return TACIT_EFORMAT;
	}
	if (keep != NULL && strcmp(keep, "true") != 0 &&
	    strcmp(keep, "false") != 0) {
		tacit_err_set(e, "rule '%s': keep must be true or false", id);
		return TACIT_EFORMAT;
	}
	r->id = strdup(id);
	r->summary = strdup(summary ? summary : "");
	r->container = strdup(container);
	r->severity = (enum tacit_severity)s;
	r->keep = keep != NULL && strcmp(keep, "true") == 0;
	if (!r->id || !r->summary || !r->container)
		return TACIT_ENOMEM;
	return parse_fields(doc, field, r, e);
}

int
tacit_rules_load_mem(struct tacit_rules **rp, const char *yaml, size_t len,
    struct tacit_err *e)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *list, *version;
	struct tacit_rules *r;
	size_t count;
	int rc = TACIT_OK;

	*rp = NULL;
	if (len > TACIT_RULES_MAX_BYTES) {
		tacit_err_set(e, "rules file larger than %u bytes",
		    TACIT_RULES_MAX_BYTES);
		return TACIT_EFORMAT;
	}
	/*
	 * libyaml slows down quadratically with flow nesting: a hostile rules
	 * file in a repository could stall a CI job.  Real rules nest little.
	 */
	for (size_t i = 0, open = 0; i < len; i++) {
		if (yaml[i] != '[' && yaml[i] != '{')
			continue;
		if (++open > TACIT_RULES_MAX_BRACKETS) {
			tacit_err_set(e, "rules: more than %u '[' or '{'",
			    TACIT_RULES_MAX_BRACKETS);
			return TACIT_EFORMAT;
		}
	}
	if (!yaml_parser_initialize(&parser))
		return TACIT_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		tacit_err_set(e, "rules: %s at line %zu",
		    parser.problem ? parser.problem : "YAML error",
		    parser.problem_mark.line + 1);
		yaml_parser_delete(&parser);
		return TACIT_EFORMAT;
	}
	root = yaml_document_get_root_node(&doc);
	version = map_get(&doc, root, "version");
	list = map_get(&doc, root, "rules");
	if (version == NULL || scalar(&doc, version) == NULL ||
	    strcmp(scalar(&doc, version), "1") != 0) {
		tacit_err_set(e, "rules: 'version: 1' expected");
		rc = TACIT_EFORMAT;
		goto out;
	}
	if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
		tacit_err_set(e, "rules: a 'rules' list expected");
		rc = TACIT_EFORMAT;
		goto out;
	}
	count = (size_t)(list->data.sequence.items.top -
	    list->data.sequence.items.start);
	if (count > TACIT_RULES_MAX_COUNT) {
		tacit_err_set(e, "rules: more than %u rules",
		    TACIT_RULES_MAX_COUNT);
		rc = TACIT_EFORMAT;
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL || (count && !(r->v = calloc(count, sizeof(*r->v))))) {
		free(r);
		rc = TACIT_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < count && rc == TACIT_OK; i++) {
		yaml_node_t *n = yaml_document_get_node(&doc,
		    list->data.sequence.items.start[i]);

		rc = parse_rule(&doc, n, &r->v[i], i, e);
		r->n = i + 1;
	}
	set_fallback(r);
	if (rc == TACIT_OK)
		*rp = r;
	else
		tacit_rules_free(&r);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int
tacit_rules_from_table(struct tacit_rules **rp, struct tacit_rule *v, size_t n)
{
	struct tacit_rules *r = calloc(1, sizeof(*r));

	*rp = NULL;
	if (r == NULL)
		return TACIT_ENOMEM;
	r->v = v;
	r->n = n;
	r->builtin = 1;
	set_fallback(r);
	*rp = r;
	return TACIT_OK;
}

size_t
tacit_rules_count(const struct tacit_rules *r)
{
	return r->n;
}

const struct tacit_rule *
tacit_rules_get(const struct tacit_rules *r, size_t i)
{
	return i < r->n ? &r->v[i] : NULL;
}

int
tacit_rules_load_file(struct tacit_rules **r, const char *path,
    struct tacit_err *e)
{
	char *buf;
	size_t n;
	int rc;

	*r = NULL;
	rc = tacit_read_small_file(path, TACIT_RULES_MAX_BYTES, &buf, &n, e);
	if (rc != TACIT_OK)
		return rc;
	rc = tacit_rules_load_mem(r, buf, n, e);
	free(buf);
	return rc;
}

/* Most patterns are plain names: strcmp is far cheaper than fnmatch. */
static int
pattern_match(const char *pat, const char *s)
{
	if (strpbrk(pat, "*?[\\") == NULL)
		return strcmp(pat, s) == 0;
	return fnmatch(pat, s, 0) == 0;
}

const struct tacit_rule *
tacit_rules_fallback(const struct tacit_rules *r)
{
	return &r->fallback;
}

const struct tacit_rule *
tacit_rules_match(const struct tacit_rules *r, const char *container,
    const char *field)
{
	for (size_t i = 0; i < r->n; i++) {
		if (!pattern_match(r->v[i].container, container))
			continue;
		for (char **f = r->v[i].fields; *f != NULL; f++)
			if (pattern_match(*f, field))
				return &r->v[i];
	}
	return &r->fallback;
}

void
tacit_rules_apply(const struct tacit_rules *r, struct tacit_items *it)
{
	for (size_t i = 0; i < it->n; i++)
		it->v[i].rule =
		    tacit_rules_match(r, it->v[i].container, it->v[i].field);
}

void
tacit_rules_clean_opts(const struct tacit_rules *r, int strip_all,
    struct tacit_clean_opts *o)
{
	o->keep_orientation =
	    !strip_all && tacit_rules_match(r, "EXIF", "Orientation")->keep;
	o->keep_icc =
	    !strip_all && tacit_rules_match(r, "ICC", "profile")->keep;
}
