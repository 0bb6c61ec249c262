/* template.c: compile templates to node trees once, render them against a context stack. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "util/file.h"
#include "util/text.h"

enum tnode_type {
	T_TEXT,		/* literal text */
	T_VAR,		/* {{x}}: escaped */
	T_RAW,		/* {{{x}}}: as is */
	T_SECTION,	/* {{#x}} */
	T_INVERTED,	/* {{^x}} */
	T_PARTIAL	/* {{>x}} */
};

struct tnode {
	enum tnode_type	 type;
	char		*text;		/* literal, or the name */
	size_t		 len;
	struct tnode	*children;	/* sections */
	size_t		 nchildren;
};

struct template {
	char		*name;
	struct tnode	 root;
};

struct template_set {
	struct template	*t;
	size_t		 n;
};

#define MAX_DEPTH	32
#define MAX_TEMPLATE_BYTES	(256 * 1024)

static int	check_partials(const struct template_set *, char *, size_t);

struct parse {
	const char	*src;
	const char	*p;
	const char	*name;
	char		*err;
	size_t		 errlen;
};

static int
line_of(const struct parse *ps, const char *at)
{
	const char	*q;
	int		 line = 1;

	for (q = ps->src; q < at; q++)
		if (*q == '\n')
			line++;
	return (line);
}

static struct tnode *
add_child(struct tnode *parent, enum tnode_type type, const char *text,
    size_t len)
{
	struct tnode	*n;

	parent->children = xrealloc(parent->children,
	    (parent->nchildren + 1) * sizeof(*n));
	n = &parent->children[parent->nchildren++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->text = xstrndup(text, len);
	n->len = len;
	return (n);
}

/*
 * Parses until {{/close}} (or the end when close is NULL); opened_at is
 * where that section's tag is, for the error when it is never closed.
 */
static int
parse_nodes(struct parse *ps, struct tnode *parent, const char *close,
    const char *opened_at, int depth)
{
	const char	*open, *end, *name, *tag;
	size_t		 nlen;
	enum tnode_type	 type;
	struct tnode	*child;
	char		 c;

	if (depth > MAX_DEPTH) {
		(void)snprintf(ps->err, ps->errlen, "%s:%d: sections nested too "
		    "deep", ps->name, line_of(ps, ps->p));
		return (-1);
	}
	for (;;) {
		open = strstr(ps->p, "{{");
		if (open == NULL) {
			if (close != NULL) {
				(void)snprintf(ps->err, ps->errlen, "%s:%d: "
				    "{{#%s}} is never closed", ps->name,
				    line_of(ps, opened_at), close);
				return (-1);
			}
			if (*ps->p != '\0')
				add_child(parent, T_TEXT, ps->p, strlen(ps->p));
			ps->p += strlen(ps->p);
			return (0);
		}
		if (open > ps->p)
			add_child(parent, T_TEXT, ps->p, (size_t)(open - ps->p));
		tag = open;
		if (open[2] == '{') {
			if ((end = strstr(open + 3, "}}}")) == NULL)
				goto unclosed;
			name = open + 3;
			type = T_RAW;
			ps->p = end + 3;
		} else {
			if ((end = strstr(open + 2, "}}")) == NULL)
				goto unclosed;
			name = open + 2;
			ps->p = end + 2;
			c = *name;
			if (c == '!')
				continue;
			type = T_VAR;
			if (c == '#' || c == '^' || c == '/' || c == '>') {
				name++;
				type = c == '#' ? T_SECTION : c == '^' ?
				    T_INVERTED : c == '>' ? T_PARTIAL : T_TEXT;
			}
			if (c == '/') {
				while (*name == ' ')
					name++;
				nlen = (size_t)(end - name);
				while (nlen > 0 && name[nlen - 1] == ' ')
					nlen--;
				if (close == NULL || strlen(close) != nlen ||
				    strncmp(close, name, nlen)) {
					(void)snprintf(ps->err, ps->errlen,
					    "%s:%d: unexpected {{/%.*s}}",
					    ps->name, line_of(ps, tag),
					    (int)nlen, name);
					return (-1);
				}
				return (0);
			}
		}
		while (*name == ' ')
			name++;
		nlen = (size_t)(end - name);
		while (nlen > 0 && name[nlen - 1] == ' ')
			nlen--;
		if (nlen == 0) {
			(void)snprintf(ps->err, ps->errlen, "%s:%d: empty tag",
			    ps->name, line_of(ps, tag));
			return (-1);
		}
		child = add_child(parent, type, name, nlen);
		if (type == T_SECTION || type == T_INVERTED) {
			if (parse_nodes(ps, child, child->text, tag,
			    depth + 1) != 0)
				return (-1);
		}
	}

unclosed:
	(void)snprintf(ps->err, ps->errlen, "%s:%d: a tag is not closed",
	    ps->name, line_of(ps, tag));
	return (-1);
}

static void
node_free(struct tnode *n)
{
	size_t	i;

	for (i = 0; i < n->nchildren; i++)
		node_free(&n->children[i]);
	free(n->children);
	free(n->text);
}

void
template_set_free(struct template_set *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->t[i].name);
		node_free(&set->t[i].root);
	}
	free(set->t);
	free(set);
}

static int
add_template(struct template_set *set, const char *name, const char *text,
    char *err, size_t errlen)
{
	struct template	*t;
	struct parse	 ps;

	set->t = xrealloc(set->t, (set->n + 1) * sizeof(*t));
	t = &set->t[set->n++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	ps.src = ps.p = text;
	ps.name = name;
	ps.err = err;
	ps.errlen = errlen;
	return (parse_nodes(&ps, &t->root, NULL, NULL, 0));
}

struct template_set *
template_set_from_string(const char *name, const char *text, char *err,
    size_t errlen)
{
	struct template_set	*set;

	set = xcalloc(1, sizeof(*set));
	if (add_template(set, name, text, err, errlen) != 0 ||
	    check_partials(set, err, errlen) != 0) {
		template_set_free(set);
		return (NULL);
	}
	return (set);
}

struct template_set *
template_set_load(const char *dir, char *err, size_t errlen)
{
	struct template_set	*set;
	DIR			*d;
	struct dirent		*de;
	struct strbuf		 path;
	char			*text, *name;
	size_t			 n, len;
	int			 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		(void)snprintf(err, errlen, "cannot open templates folder %s",
		    dir);
		return (NULL);
	}
	set = xcalloc(1, sizeof(*set));
	sb_init(&path);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".html"))
			continue;
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, de->d_name);
		if ((text = file_read(path.data, MAX_TEMPLATE_BYTES, &n)) ==
		    NULL)
			continue;
		name = xstrndup(de->d_name, len - 5);
		rc = add_template(set, name, text, err, errlen);
		free(name);
		free(text);
	}
	closedir(d);
	sb_free(&path);
	if (rc == 0)
		rc = check_partials(set, err, errlen);
	if (rc != 0) {
		template_set_free(set);
		return (NULL);
	}
	return (set);
}

/* Looks name ("a.b.c" or ".") up the context stack, innermost first. */
static json_t *
lookup(json_t **stack, int depth, const char *name)
{
	json_t		*v;
	const char	*dot;
	char		 first[128];
	int		 i;

	if (!strcmp(name, "."))
		return (stack[depth - 1]);
	dot = strchr(name, '.');
	(void)snprintf(first, sizeof(first), "%.*s",
	    (int)(dot ? (size_t)(dot - name) : strlen(name)), name);
	v = NULL;
	for (i = depth - 1; i >= 0 && v == NULL; i--) {
		if (json_is_object(stack[i]))
			v = json_object_get(stack[i], first);
	}
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = strchr(name, '.');
		(void)snprintf(first, sizeof(first), "%.*s",
		    (int)(dot ? (size_t)(dot - name) : strlen(name)), name);
		v = json_is_object(v) ? json_object_get(v, first) : NULL;
	}
	return (v);
}

static int
truthy(json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return (0);
	if (json_is_string(v))
		return (json_string_length(v) > 0);
	if (json_is_array(v))
		return (json_array_size(v) > 0);
	if (json_is_integer(v))
		return (json_integer_value(v) != 0);
	if (json_is_real(v))
		return (json_real_value(v) != 0.0);
	return (1);
}

static void
put_value(struct strbuf *out, json_t *v, int escape)
{
	char	num[64];

	if (json_is_string(v)) {
		if (escape)
			html_escape(out, json_string_value(v),
			    json_string_length(v));
		else
			sb_append(out, json_string_value(v),
			    json_string_length(v));
	} else if (json_is_integer(v)) {
		(void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		sb_puts(out, num);
	} else if (json_is_real(v)) {
		(void)snprintf(num, sizeof(num), "%g", json_real_value(v));
		sb_puts(out, num);
	} else if (json_is_true(v)) {
		sb_puts(out, "true");
	}
}

static const struct template *
find_template(const struct template_set *set, const char *name)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->t[i].name, name))
			return (&set->t[i]);
	return (NULL);
}

/*
 * The template on path[depth - 1] includes, through the partials under n,
 * one already on path: returns it, or NULL.
 */
static const struct template *
partial_cycle(const struct template_set *set, const struct tnode *n,
    const struct template **path, size_t depth)
{
	const struct template	*t, *c;
	size_t			 i, k;

	for (i = 0; i < n->nchildren; i++) {
		if (n->children[i].type != T_PARTIAL) {
			if ((c = partial_cycle(set, &n->children[i], path,
			    depth)) != NULL)
				return (c);
			continue;
		}
		if ((t = find_template(set, n->children[i].text)) == NULL)
			continue;
		for (k = 0; k < depth; k++)
			if (path[k] == t)
				return (t);
		path[depth] = t;
		if ((c = partial_cycle(set, &t->root, path, depth + 1)) != NULL)
			return (c);
	}
	return (NULL);
}

/*
 * A template that includes itself, directly or through other partials,
 * would render 2^32 copies for two such includes (the fuzzer found it):
 * refused when the set is loaded, so the mistake stops the start.
 */
static int
check_partials(const struct template_set *set, char *err, size_t errlen)
{
	const struct template	**path, *c;
	size_t			  i;

	path = xcalloc(set->n + 1, sizeof(*path));
	for (i = 0; i < set->n; i++) {
		path[0] = &set->t[i];
		if ((c = partial_cycle(set, &set->t[i].root, path, 1)) != NULL) {
			(void)snprintf(err, errlen, "template %s: includes "
			    "itself through {{>%s}} (a partial cannot be "
			    "recursive)", set->t[i].name, c->name);
			free(path);
			return (-1);
		}
	}
	free(path);
	return (0);
}

static void
render_nodes(const struct template_set *set, const struct tnode *parent,
    json_t **stack, int depth, struct strbuf *out)
{
	const struct tnode	*n;
	const struct template	*partial;
	json_t			*v, *el;
	size_t			 i, k;

	for (i = 0; i < parent->nchildren; i++) {
		n = &parent->children[i];
		switch (n->type) {
		case T_TEXT:
			sb_append(out, n->text, n->len);
			break;
		case T_VAR:
		case T_RAW:
			if ((v = lookup(stack, depth, n->text)) != NULL)
				put_value(out, v, n->type == T_VAR);
			break;
		case T_SECTION:
			v = lookup(stack, depth, n->text);
			if (!truthy(v) || depth >= MAX_DEPTH)
				break;
			if (json_is_array(v)) {
				json_array_foreach(v, k, el) {
					stack[depth] = el;
					render_nodes(set, n, stack, depth + 1,
					    out);
				}
			} else {
				stack[depth] = v;
				render_nodes(set, n, stack, depth + 1, out);
			}
			break;
		case T_INVERTED:
			if (!truthy(lookup(stack, depth, n->text)))
				render_nodes(set, n, stack, depth, out);
			break;
		case T_PARTIAL:
			if ((partial = find_template(set, n->text)) != NULL &&
			    depth < MAX_DEPTH) {
				stack[depth] = stack[depth - 1];
				render_nodes(set, &partial->root, stack,
				    depth + 1, out);
			}
			break;
		}
	}
}

int
template_render(const struct template_set *set, const char *name, json_t *ctx,
    struct strbuf *out)
{
	const struct template	*t;
	json_t			*stack[MAX_DEPTH + 1];

	if ((t = find_template(set, name)) == NULL)
		return (-1);
	stack[0] = ctx;
	render_nodes(set, &t->root, stack, 1, out);
	return (0);
}
