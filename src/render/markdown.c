/* markdown.c: cmark-gfm rendering in safe mode, heading anchors, TOC, link rewriting. */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "markdown.h"
#include "util/strbuf.h"
#include "util/text.h"

static void
heading_text(cmark_node *heading, struct strbuf *sb)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*n;
	const char		*lit;

	it = cmark_iter_new(heading);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (cmark_node_get_type(n) == CMARK_NODE_TEXT ||
		    cmark_node_get_type(n) == CMARK_NODE_CODE) {
			if ((lit = cmark_node_get_literal(n)) != NULL)
				sb_puts(sb, lit);
		} else if (cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK ||
		    cmark_node_get_type(n) == CMARK_NODE_LINEBREAK) {
			sb_putc(sb, ' ');
		}
	}
	cmark_iter_free(it);
}

static int
anchor_taken(char **anchors, size_t n, const char *a)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!strcmp(anchors[i], a))
			return (1);
	return (0);
}

/* 1 when url starts with a scheme ("x:") or is absolute ("/..."). */
static int
is_absolute(const char *url)
{
	const char	*p;

	if (url[0] == '/' || url[0] == '#' || url[0] == '?')
		return (1);
	for (p = url; *p != '\0'; p++) {
		if (*p == ':')
			return (p != url);
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' ||
		    *p == '.'))
			return (0);
	}
	return (0);
}

static void
add_link(struct rendered *out, const char *slug)
{
	size_t	i;

	for (i = 0; i < out->nlinks; i++)
		if (!strcmp(out->links[i], slug))
			return;
	out->links = xrealloc(out->links, (out->nlinks + 1) * sizeof(char *));
	out->links[out->nlinks++] = xstrdup(slug);
}

/* Rewrites article and asset links; records linked slugs. */
static void
rewrite_url(cmark_node *n, struct rendered *out)
{
	const char	*url, *hash;
	char		*slug;
	struct strbuf	 sb;

	url = cmark_node_get_url(n);
	if (url == NULL || url[0] == '\0' || is_absolute(url))
		return;
	sb_init(&sb);
	hash = strchr(url, '#');
	slug = hash ? xstrndup(url, (size_t)(hash - url)) : xstrdup(url);
	if (slug_valid(slug) && cmark_node_get_type(n) == CMARK_NODE_LINK) {
		add_link(out, slug);
		sb_printf(&sb, "/articles/%s%s", slug, hash ? hash : "");
	} else if (strstr(url, ".assets/") != NULL &&
	    strstr(url, "..") == NULL) {
		sb_printf(&sb, "/articles/%s", url);
	}
	if (sb.len > 0)
		(void)cmark_node_set_url(n, sb.data);
	free(slug);
	sb_free(&sb);
}

/* Gives each <hN> the id of its anchor, in document order. */
static char *
add_heading_ids(const char *html, char **anchors, size_t nanchors)
{
	struct strbuf	 sb;
	const char	*p, *q;
	size_t		 i;

	sb_init(&sb);
	p = html;
	i = 0;
	while (i < nanchors && (q = strstr(p, "<h")) != NULL) {
		if (q[2] >= '1' && q[2] <= '6' && q[3] == '>') {
			sb_append(&sb, p, (size_t)(q - p));
			sb_printf(&sb, "<h%c id=\"", q[2]);
			html_escape(&sb, anchors[i], strlen(anchors[i]));
			sb_puts(&sb, "\">");
			i++;
			p = q + 4;
		} else {
			sb_append(&sb, p, (size_t)(q - p) + 2);
			p = q + 2;
		}
	}
	sb_puts(&sb, p);
	return (sb_detach(&sb));
}

/*
 * The words of the document without Markdown syntax (cmark's plain text
 * renderer keeps table pipes and list markers), for search and snippets.
 */
static char *
plain_text(cmark_node *doc)
{
	struct strbuf		 sb;
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*n;
	const char		*lit;

	sb_init(&sb);
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
			if ((lit = cmark_node_get_literal(n)) != NULL)
				sb_puts(&sb, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			sb_putc(&sb, ' ');
			break;
		default:
			/* A block ends: a line break; a table cell: a space. */
			if (ev != CMARK_EVENT_EXIT || sb.len == 0 ||
			    (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) ==
			    CMARK_NODE_TYPE_INLINE ||
			    sb.data[sb.len - 1] == '\n')
				break;
			sb_putc(&sb, !strcmp(cmark_node_get_type_string(n),
			    "table_cell") ? ' ' : '\n');
			break;
		}
	}
	cmark_iter_free(it);
	return (sb_detach(&sb));
}

static const char	*const extensions[] = {
	"table", "strikethrough", "autolink", "tasklist", NULL
};

/* Adds rel="nofollow ugc noopener" to every <a href in user content. */
static char *
add_user_rel(const char *html)
{
	struct strbuf	 sb;
	const char	*p, *q;

	sb_init(&sb);
	for (p = html; (q = strstr(p, "<a href=")) != NULL; p = q + 2) {
		sb_append(&sb, p, (size_t)(q - p));
		sb_puts(&sb, "<a rel=\"nofollow ugc noopener\"");
	}
	sb_puts(&sb, p);
	return (sb_detach(&sb));
}

int
markdown_render(const char *md, size_t len, int flags, struct rendered *out)
{
	cmark_parser		 *parser;
	cmark_node		 *doc, *n;
	cmark_iter		 *it;
	cmark_event_type	  ev;
	cmark_syntax_extension	 *ext;
	struct strbuf		  text, all_headings;
	char			**anchors, *html, *a, *tmp, *bases_text;
	size_t			  nanchors, i;
	int			  level, dup;

	memset(out, 0, sizeof(*out));
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; extensions[i] != NULL; i++) {
		if ((ext = cmark_find_syntax_extension(extensions[i])) != NULL)
			(void)cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, md, len);
	if ((doc = cmark_parser_finish(parser)) == NULL) {
		cmark_parser_free(parser);
		return (-1);
	}

	anchors = NULL;
	bases_text = NULL;
	nanchors = 0;
	sb_init(&text);
	sb_init(&all_headings);
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			rewrite_url(n, out);
			break;
		case CMARK_NODE_HEADING:
			sb_reset(&text);
			heading_text(n, &text);
			free(bases_text);
			bases_text = anchor_from_text(text.data ? text.data : "");
			a = xstrdup(bases_text);
			/* Same text twice: -2, -3 ... until no anchor has it. */
			for (dup = 1; anchor_taken(anchors, nanchors, a); dup++) {
				struct strbuf u;
				sb_init(&u);
				sb_printf(&u, "%s-%d", bases_text, dup + 1);
				free(a);
				a = sb_detach(&u);
			}
			anchors = xrealloc(anchors,
			    (nanchors + 1) * sizeof(char *));
			anchors[nanchors++] = a;
			sb_puts(&all_headings, text.data ? text.data : "");
			sb_putc(&all_headings, '\n');
			level = cmark_node_get_heading_level(n);
			if (level == 2 || level == 3) {
				out->toc = xrealloc(out->toc,
				    (out->ntoc + 1) * sizeof(*out->toc));
				out->toc[out->ntoc].level = level;
				out->toc[out->ntoc].anchor = xstrdup(a);
				out->toc[out->ntoc].text =
				    xstrdup(text.data ? text.data : "");
				out->ntoc++;
			}
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);

	html = cmark_render_html(doc, CMARK_OPT_DEFAULT,
	    cmark_parser_get_syntax_extensions(parser));
	out->html = add_heading_ids(html, anchors, nanchors);
	free(html);
	if (flags & MD_USER_CONTENT) {
		tmp = add_user_rel(out->html);
		free(out->html);
		out->html = tmp;
	}
	out->plain = plain_text(doc);
	out->headings = sb_detach(&all_headings);

	for (i = 0; i < nanchors; i++)
		free(anchors[i]);
	free(anchors);
	free(bases_text);
	sb_free(&text);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return (0);
}

void
rendered_free(struct rendered *r)
{
	size_t	i;

	free(r->html);
	free(r->plain);
	free(r->headings);
	for (i = 0; i < r->ntoc; i++) {
		free(r->toc[i].anchor);
		free(r->toc[i].text);
	}
	free(r->toc);
	for (i = 0; i < r->nlinks; i++)
		free(r->links[i]);
	free(r->links);
	memset(r, 0, sizeof(*r));
}
