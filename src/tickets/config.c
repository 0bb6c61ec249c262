/* config.c: ticket routing and SLA settings from articles/_support.yaml (category -> group, keyword -> priority, SLA hours). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "internal.h"
#include "tickets.h"
#include "util/strbuf.h"

#define DEFAULT_GROUP	"general"
#define MAX_ROUTES	128
#define MAX_RULES	128
#define MAX_NAME	64

static const char	*priority_names[TICKET_PRIORITIES] = {
	"low", "normal", "high", "urgent"
};
static const int	 default_hours[TICKET_PRIORITIES] = { 48, 24, 4, 1 };

struct route {
	char	category[MAX_NAME + 40];
	char	group[MAX_NAME + 1];
};

struct rule {
	char	word[MAX_NAME + 1];	/* lower-cased for ASCII */
	int	rank;
};

/* The config in force; the parent loads it before the workers fork. */
static struct {
	char		default_group[MAX_NAME + 1];
	struct route	routes[MAX_ROUTES];
	size_t		nroutes;
	struct rule	rules[MAX_RULES];
	size_t		nrules;
	int		hours[TICKET_PRIORITIES];
} cfg = { DEFAULT_GROUP, { { "", "" } }, 0, { { "", 0 } }, 0,
    { 48, 24, 4, 1 } };

void
tickets_config_reset(void)
{
	memset(&cfg, 0, sizeof(cfg));
	(void)snprintf(cfg.default_group, sizeof(cfg.default_group), "%s",
	    DEFAULT_GROUP);
	memcpy(cfg.hours, default_hours, sizeof(cfg.hours));
}

int
ticket_priority_rank(const char *p)
{
	int	i;

	for (i = 0; p != NULL && i < TICKET_PRIORITIES; i++)
		if (!strcmp(p, priority_names[i]))
			return (i);
	return (-1);
}

int
ticket_status_valid(const char *s)
{
	return (s != NULL && (!strcmp(s, "new") || !strcmp(s, "open") ||
	    !strcmp(s, "pending") || !strcmp(s, "solved") ||
	    !strcmp(s, "closed")));
}

int
ticket_channel_valid(const char *s)
{
	return (s != NULL && (!strcmp(s, "web_form") ||
	    !strcmp(s, "article_feedback") || !strcmp(s, "community") ||
	    !strcmp(s, "api")));
}

/* Group names: short, [a-z0-9_-], so they are safe anywhere. */
static int
name_ok(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || strlen(s) > MAX_NAME)
		return (0);
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return (0);
	return (1);
}

const char *
tickets_route_group(const char *category)
{
	size_t	i, n;

	if (category == NULL || category[0] == '\0')
		return (cfg.default_group);
	/* An exact entry first, then the top-level category's. */
	for (i = 0; i < cfg.nroutes; i++)
		if (!strcmp(cfg.routes[i].category, category))
			return (cfg.routes[i].group);
	n = strcspn(category, "/");
	for (i = 0; i < cfg.nroutes; i++)
		if (strlen(cfg.routes[i].category) == n &&
		    !strncmp(cfg.routes[i].category, category, n))
			return (cfg.routes[i].group);
	return (cfg.default_group);
}

int
tickets_group_known(const char *name)
{
	size_t	i;

	if (name == NULL)
		return (0);
	if (!strcmp(name, cfg.default_group))
		return (1);
	for (i = 0; i < cfg.nroutes; i++)
		if (!strcmp(cfg.routes[i].group, name))
			return (1);
	return (0);
}

json_t *
tickets_groups(void)
{
	json_t	*arr;
	size_t	 i, j;

	arr = json_array();
	json_array_append_new(arr, json_string(cfg.default_group));
	for (i = 0; i < cfg.nroutes; i++) {
		for (j = 0; j < json_array_size(arr); j++)
			if (!strcmp(json_string_value(json_array_get(arr, j)),
			    cfg.routes[i].group))
				break;
		if (j == json_array_size(arr))
			json_array_append_new(arr,
			    json_string(cfg.routes[i].group));
	}
	return (arr);
}

int
tickets_sla_hours(const char *priority)
{
	int	r;

	if ((r = ticket_priority_rank(priority)) < 0)
		return (-1);
	return (cfg.hours[r]);
}

int
tickets_keyword_rank(const char *subject, const char *body)
{
	size_t	i;
	int	best;

	best = -1;
	for (i = 0; i < cfg.nrules; i++) {
		if (cfg.rules[i].rank <= best)
			continue;
		/* strcasestr folds ASCII only; CJK words match exactly. */
		if ((subject && strcasestr(subject, cfg.rules[i].word)) ||
		    (body && strcasestr(body, cfg.rules[i].word)))
			best = cfg.rules[i].rank;
	}
	return (best);
}

/* ---- Parsing ---- */

static const char *
scalar(yaml_document_t *doc, yaml_node_t *n)
{
	(void)doc;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return (NULL);
	return ((const char *)n->data.scalar.value);
}

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t	*p;
	const char		*k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return (NULL);
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		k = scalar(doc, yaml_document_get_node(doc, p->key));
		if (k != NULL && !strcmp(k, key))
			return (yaml_document_get_node(doc, p->value));
	}
	return (NULL);
}

static int
load_groups(yaml_document_t *doc, yaml_node_t *groups, char *err,
    size_t errlen)
{
	yaml_node_pair_t	*p;
	const char		*k, *v;

	if (groups == NULL)
		return (0);
	if (groups->type != YAML_MAPPING_NODE) {
		(void)snprintf(err, errlen, "groups: must map category slugs "
		    "to group names");
		return (-1);
	}
	for (p = groups->data.mapping.pairs.start;
	    p < groups->data.mapping.pairs.top; p++) {
		k = scalar(doc, yaml_document_get_node(doc, p->key));
		v = scalar(doc, yaml_document_get_node(doc, p->value));
		if (k == NULL || v == NULL || !name_ok(v) ||
		    strlen(k) >= sizeof(cfg.routes[0].category) ||
		    cfg.nroutes == MAX_ROUTES) {
			(void)snprintf(err, errlen, "groups: bad entry %s (group "
			    "names are a-z, 0-9, - and _)", k ? k : "?");
			return (-1);
		}
		(void)snprintf(cfg.routes[cfg.nroutes].category,
		    sizeof(cfg.routes[0].category), "%s", k);
		(void)snprintf(cfg.routes[cfg.nroutes].group,
		    sizeof(cfg.routes[0].group), "%s", v);
		cfg.nroutes++;
	}
	return (0);
}

static int
load_rules(yaml_document_t *doc, yaml_node_t *rules, char *err,
    size_t errlen)
{
	yaml_node_item_t	*it, *w;
	yaml_node_t		*rule, *words;
	const char		*prio, *word;
	int			 rank;

	if (rules == NULL)
		return (0);
	if (rules->type != YAML_SEQUENCE_NODE) {
		(void)snprintf(err, errlen, "keywords: must be a list of "
		    "{match: [...], priority: ...}");
		return (-1);
	}
	for (it = rules->data.sequence.items.start;
	    it < rules->data.sequence.items.top; it++) {
		rule = yaml_document_get_node(doc, *it);
		prio = scalar(doc, map_get(doc, rule, "priority"));
		words = map_get(doc, rule, "match");
		if ((rank = ticket_priority_rank(prio)) < 0 || words == NULL ||
		    words->type != YAML_SEQUENCE_NODE) {
			(void)snprintf(err, errlen, "keywords: each rule needs "
			    "match (a list) and priority (low, normal, high or "
			    "urgent)");
			return (-1);
		}
		for (w = words->data.sequence.items.start;
		    w < words->data.sequence.items.top; w++) {
			word = scalar(doc, yaml_document_get_node(doc, *w));
			if (word == NULL || word[0] == '\0' ||
			    strlen(word) > MAX_NAME || cfg.nrules == MAX_RULES) {
				(void)snprintf(err, errlen, "keywords: a word is "
				    "empty or longer than %d bytes", MAX_NAME);
				return (-1);
			}
			(void)snprintf(cfg.rules[cfg.nrules].word,
			    sizeof(cfg.rules[0].word), "%s", word);
			cfg.rules[cfg.nrules].rank = rank;
			cfg.nrules++;
		}
	}
	return (0);
}

static int
load_hours(yaml_document_t *doc, yaml_node_t *sla, char *err, size_t errlen)
{
	const char	*v;
	char		*end;
	long		 h;
	int		 i;

	for (i = 0; sla != NULL && i < TICKET_PRIORITIES; i++) {
		if ((v = scalar(doc, map_get(doc, sla, priority_names[i]))) ==
		    NULL)
			continue;
		h = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || h < 1 || h > 24 * 365) {
			(void)snprintf(err, errlen, "sla_hours: %s must be a "
			    "whole number of hours from 1 to 8760",
			    priority_names[i]);
			return (-1);
		}
		cfg.hours[i] = (int)h;
	}
	return (0);
}

int
tickets_config_load(const char *path, char *err, size_t errlen)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	yaml_node_t	*root;
	struct stat	 st;
	const char	*dg;
	FILE		*fp;
	int		 fd, rc;

	tickets_config_reset();
	/*
	 * The file sits in the articles tree, which others write, and the
	 * server reads it as root: never through a symbolic link, never a
	 * FIFO (O_NONBLOCK: opening one must not hang the start).
	 */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (0);	/* no file: the defaults */
		(void)snprintf(err, errlen, "%s: %s", path, errno == ELOOP ?
		    "a symbolic link, which is never followed" :
		    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (fp = fdopen(fd, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return (-1);
	}
	rc = -1;
	(void)yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		(void)snprintf(err, errlen, "%s:%zu: %s", path,
		    parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		fclose(fp);
		return (-1);
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		rc = 0;		/* an empty file */
		goto done;
	}
	if (root->type != YAML_MAPPING_NODE) {
		(void)snprintf(err, errlen, "%s: must be a mapping", path);
		goto done;
	}
	if ((dg = scalar(&doc, map_get(&doc, root, "default_group"))) != NULL) {
		if (!name_ok(dg)) {
			(void)snprintf(err, errlen, "%s: default_group: a-z, "
			    "0-9, - and _ only", path);
			goto done;
		}
		(void)snprintf(cfg.default_group, sizeof(cfg.default_group),
		    "%s", dg);
	}
	if (load_groups(&doc, map_get(&doc, root, "groups"), err, errlen) ||
	    load_rules(&doc, map_get(&doc, root, "keywords"), err, errlen) ||
	    load_hours(&doc, map_get(&doc, root, "sla_hours"), err, errlen))
		goto done;
	rc = 0;
done:
	if (rc != 0)
		tickets_config_reset();
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(fp);
	return (rc);
}
