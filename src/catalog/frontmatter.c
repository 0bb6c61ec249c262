/* frontmatter.c: parse the YAML front matter with libyaml and check each key. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "frontmatter.h"
#include "util/strbuf.h"
#include "util/text.h"

/* The YAML starts on the file's second line, after the opening '---'. */
#define YAML_FIRST_LINE	2

static void
fm_fail(struct fm_error *err, int line, const char *fmt, const char *arg)
{
	err->line = line;
	(void)snprintf(err->reason, sizeof(err->reason), fmt, arg);
}

/* 1 for a real calendar date written YYYY-MM-DD. */
static int
is_date(const char *s)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };
	int			i, y, m, d, max;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (0);
		} else if (!isdigit((unsigned char)s[i])) {
			return (0);
		}
	}
	if (s[10] != '\0')
		return (0);
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1)
		return (0);
	max = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return (d <= max);
}

/* The 1-based line of the first byte that is not valid UTF-8, or 0. */
static int
bad_utf8_line(const char *text, size_t len)
{
	const char	*p, *nl, *end;
	int		 line;

	end = text + len;
	for (p = text, line = 1; p < end; line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!utf8_valid(p, nl ? (size_t)(nl - p) : (size_t)(end - p)))
			return (line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return (0);
}

static void	free_list(char **, size_t);

static int
scalar_list(yaml_document_t *doc, yaml_node_t *val, char ***out, size_t *n,
    const char *key, struct fm_error *err)
{
	yaml_node_item_t	*it;
	yaml_node_t		*item;
	size_t			 count;

	/* A key given twice: the last one wins, as for single values. */
	free_list(*out, *n);
	*out = NULL;
	*n = 0;

	if (val->type == YAML_SCALAR_NODE) {
		/* "tags: refund" is taken as a one-element list. */
		*out = xcalloc(1, sizeof(char *));
		(*out)[0] = xstrndup((const char *)val->data.scalar.value,
		    val->data.scalar.length);
		*n = 1;
		return (0);
	}
	if (val->type != YAML_SEQUENCE_NODE) {
		fm_fail(err, (int)val->start_mark.line + YAML_FIRST_LINE,
		    "'%s' must be a list", key);
		return (-1);
	}
	count = (size_t)(val->data.sequence.items.top -
	    val->data.sequence.items.start);
	*out = xcalloc(count + 1, sizeof(char *));
	*n = 0;
	for (it = val->data.sequence.items.start;
	    it < val->data.sequence.items.top; it++) {
		item = yaml_document_get_node(doc, *it);
		if (item == NULL || item->type != YAML_SCALAR_NODE) {
			fm_fail(err, (int)val->start_mark.line +
			    YAML_FIRST_LINE, "'%s' must be a list of words", key);
			return (-1);
		}
		(*out)[(*n)++] = xstrndup((const char *)item->data.scalar.value,
		    item->data.scalar.length);
	}
	return (0);
}

static int
fm_key(yaml_document_t *doc, const char *key, yaml_node_t *val,
    struct front_matter *fm, struct fm_error *err)
{
	char	**strp, *end;
	long	  l;
	int	  line;

	line = (int)val->start_mark.line + YAML_FIRST_LINE;
	if (!strcmp(key, "tags"))
		return (scalar_list(doc, val, &fm->tags, &fm->ntags, key, err));
	if (!strcmp(key, "aliases"))
		return (scalar_list(doc, val, &fm->aliases, &fm->naliases, key,
		    err));

	if (val->type != YAML_SCALAR_NODE) {
		fm_fail(err, line, "'%s' must be a single value", key);
		return (-1);
	}

	if (!strcmp(key, "title"))
		strp = &fm->title;
	else if (!strcmp(key, "summary"))
		strp = &fm->summary;
	else if (!strcmp(key, "description"))
		strp = &fm->description;
	else if (!strcmp(key, "lang"))
		strp = &fm->lang;
	else if (!strcmp(key, "owner"))
		strp = &fm->owner;
	else if (!strcmp(key, "review_by"))
		strp = &fm->review_by;
	else if (!strcmp(key, "updated"))
		strp = &fm->updated;
	else
		strp = NULL;

	if (strp != NULL) {
		free(*strp);
		*strp = xstrndup((const char *)val->data.scalar.value,
		    val->data.scalar.length);
		if (strp == &fm->lang && !lang_supported(*strp)) {
			fm_fail(err, line, "lang must be zh-CN, zh-TW or en, "
			    "not '%s'", *strp);
			return (-1);
		}
		if ((strp == &fm->review_by || strp == &fm->updated) &&
		    !is_date(*strp)) {
			fm_fail(err, line, "'%s' must be a date like "
			    "2026-01-31", key);
			return (-1);
		}
		return (0);
	}

	if (!strcmp(key, "order")) {
		l = strtol((const char *)val->data.scalar.value, &end, 10);
		if (*end != '\0' || end == (char *)val->data.scalar.value ||
		    l < -100000 || l > 100000) {
			fm_fail(err, line, "'%s' must be a whole number", key);
			return (-1);
		}
		fm->order = (int)l;
		return (0);
	}
	if (!strcmp(key, "draft")) {
		const char *v = (const char *)val->data.scalar.value;
		if (!strcmp(v, "true") || !strcmp(v, "yes"))
			fm->draft = 1;
		else if (!strcmp(v, "false") || !strcmp(v, "no"))
			fm->draft = 0;
		else {
			fm_fail(err, line, "'%s' must be true or false", key);
			return (-1);
		}
		return (0);
	}
	fm_fail(err, (int)val->start_mark.line + YAML_FIRST_LINE,
	    "unknown front matter key '%s'", key);
	return (-1);
}

static const char *
find_closing(const char *p, const char *end)
{
	/* p is at the start of a line; find a line that is exactly "---". */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		/* "--- " with trailing blanks still closes. */
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
		    p[n - 1] == '\t'))
			n--;
		if (n == 3 && !memcmp(p, "---", 3))
			return (p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return (NULL);
}

int
frontmatter_parse(const char *text, size_t len, int require_title,
    struct front_matter *fm, const char **body, struct fm_error *err)
{
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	yaml_node_t		*root, *k, *v;
	yaml_node_pair_t	*pair;
	const char		*end, *ystart, *yend, *nl;
	char			 key[64];
	int			 rc, line;

	memset(fm, 0, sizeof(*fm));
	end = text + len;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3;
	if (end - text < 4 || memcmp(text, "---", 3) ||
	    (text[3] != '\n' && text[3] != '\r')) {
		fm_fail(err, 1, "%s", "the file must start with a '---' line "
		    "and YAML front matter");
		return (-1);
	}
	if ((line = bad_utf8_line(text, (size_t)(end - text))) > 0) {
		fm_fail(err, line, "%s", "the file is not valid UTF-8 here");
		return (-1);
	}
	if ((nl = memchr(text, '\n', (size_t)(end - text))) == NULL) {
		fm_fail(err, 1, "%s", "lines must end with a newline (\\n); "
		    "the front matter has no closing '---' line");
		return (-1);
	}
	ystart = nl + 1;
	if ((yend = find_closing(ystart, end)) == NULL) {
		fm_fail(err, 1, "%s", "the front matter has no closing '---' "
		    "line");
		return (-1);
	}
	nl = memchr(yend, '\n', (size_t)(end - yend));
	*body = nl ? nl + 1 : end;

	if (!yaml_parser_initialize(&parser)) {
		fm_fail(err, 1, "%s", "cannot start the YAML parser");
		return (-1);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)ystart,
	    (size_t)(yend - ystart));
	if (!yaml_parser_load(&parser, &doc)) {
		/* Where the broken construct began, when libyaml knows it. */
		line = (int)(parser.context ? parser.context_mark.line :
		    parser.problem_mark.line) + YAML_FIRST_LINE;
		fm_fail(err, line, "bad YAML: %s", parser.problem ?
		    parser.problem : "syntax");
		yaml_parser_delete(&parser);
		return (-1);
	}
	rc = 0;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		fm_fail(err, YAML_FIRST_LINE, "%s",
		    "the front matter must be 'key: value' lines");
		rc = -1;
		goto done;
	}
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&doc, pair->key);
		v = yaml_document_get_node(&doc, pair->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE) {
			fm_fail(err, YAML_FIRST_LINE, "%s", "bad key");
			rc = -1;
			goto done;
		}
		(void)snprintf(key, sizeof(key), "%.*s",
		    (int)k->data.scalar.length, k->data.scalar.value);
		if ((rc = fm_key(&doc, key, v, fm, err)) != 0)
			goto done;
	}
	if (require_title && (fm->title == NULL || fm->title[0] == '\0')) {
		fm_fail(err, YAML_FIRST_LINE, "%s", "'title' is required");
		rc = -1;
	}

done:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc != 0)
		frontmatter_free(fm);
	return (rc);
}

static void
free_list(char **l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void
frontmatter_free(struct front_matter *fm)
{
	free(fm->title);
	free(fm->summary);
	free(fm->description);
	free(fm->lang);
	free(fm->owner);
	free(fm->review_by);
	free(fm->updated);
	free_list(fm->tags, fm->ntags);
	free_list(fm->aliases, fm->naliases);
	memset(fm, 0, sizeof(*fm));
}
