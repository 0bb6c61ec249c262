/* agent_workspace.c: what the agent's ticket page offers beside the thread: suggested articles, macros filled for the ticket, the customer's other tickets. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/macros.h"
#include "publish/indexer.h"
#include "render/i18n.h"
#include "search/fold.h"
#include "settings.h"
#include "http/core/site.h"
#include "tickets/workspace.h"
#include "tickets_http.h"
#include "util/strbuf.h"

/* Articles suggested for a ticket. */
#define AGENT_SUGGESTIONS	5
/* The search budget (search_pages.c): at most 16 words a query. */
#define AGENT_QUERY_WORDS	16
/* A run of CJK text is one "word": a few characters of it are enough. */
#define AGENT_WORD_BYTES	36

/*
 * The first AGENT_QUERY_WORDS words of the subject, then of the body,
 * without ASCII punctuation (query syntax is the customer's by accident).
 */
static char *
ticket_query(const char *subject, const char *body)
{
	const char	*parts[2], *p;
	struct strbuf	 sb;
	size_t		 k, len;
	int		 words;

	parts[0] = subject;
	parts[1] = body;
	sb_init(&sb);
	words = 0;
	for (k = 0; k < 2 && words < AGENT_QUERY_WORDS; k++) {
		for (p = parts[k]; p != NULL && *p != '\0' &&
		    words < AGENT_QUERY_WORDS; ) {
			while (*p != '\0' && (unsigned char)*p < 0x80 &&
			    !isalnum((unsigned char)*p))
				p++;
			for (len = 0; p[len] != '\0' &&
			    ((unsigned char)p[len] >= 0x80 ||
			    isalnum((unsigned char)p[len])); len++)
				;
			if (len == 0)
				break;
			/* Cut long runs on a UTF-8 character boundary. */
			if (len > AGENT_WORD_BYTES) {
				len = AGENT_WORD_BYTES;
				while (len > 0 &&
				    ((unsigned char)p[len] & 0xc0) == 0x80)
					len--;
			}
			if (sb.len > 0)
				sb_putc(&sb, ' ');
			sb_printf(&sb, "%.*s", (int)len, p);
			words++;
			p += len;
			/* The rest of a cut run is not a word of its own. */
			while ((unsigned char)*p >= 0x80 || isalnum(
			    (unsigned char)*p))
				p++;
		}
	}
	return (sb_detach(&sb));
}

static void
add_article(json_t *arr, const char *id)
{
	const struct article		*art;
	const struct article_version	*v;
	struct strbuf			 md;
	char				*slug, *vlang;
	size_t				 i;

	if (json_array_size(arr) >= AGENT_SUGGESTIONS ||
	    indexer_parse_article_id(id, &slug, &vlang) != 0)
		return;
	art = catalog_article(site.cat, slug);
	v = art ? article_version_in(art, vlang) : NULL;
	for (i = 0; v != NULL && i < json_array_size(arr); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(
		    arr, i), "slug")), art->slug))
			v = NULL;
	if (v != NULL) {
		/* What the button inserts: a Markdown link the customer opens. */
		sb_init(&md);
		sb_printf(&md, "[%s](%s/articles/%s", v->title,
		    settings.base_url, art->slug);
		if (strcmp(v->lang, settings.default_lang))
			sb_printf(&md, "?lang=%s", v->lang);
		sb_putc(&md, ')');
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}",
		    "slug", art->slug, "title", v->title, "lang", v->lang,
		    "link", md.data));
		sb_free(&md);
	}
	free(slug);
	free(vlang);
}

/* Adds the articles a search for q finds, then (closest) those near it. */
static void
suggest_for(hc_index *ix, const char *q, const char *lang, int closest,
    json_t *arr)
{
	struct hc_query		 hq;
	struct hc_results	*r;
	char			*folded;
	size_t			 i;

	folded = fold_text(q, strlen(q));
	memset(&hq, 0, sizeof(hq));
	hq.text = folded;
	hq.limit = AGENT_SUGGESTIONS;
	hq.type = "article";
	hq.prefer_lang = lang;
	if (folded[0] != '\0' && hc_search(ix, &hq, &r) == HC_SEARCH_OK) {
		for (i = 0; i < r->nhits; i++)
			add_article(arr, r->hits[i].id);
		for (i = 0; closest && i < r->nclosest; i++)
			add_article(arr, r->closest[i].id);
		hc_results_free(r);
	}
	free(folded);
}

/*
 * The subject is the customer's own summary: its matches come first. The
 * whole text follows; a long body rarely covers enough of itself to pass
 * the relevance floor, so its closest articles fill the list.
 */
json_t *
agent_suggestions(const char *subject, const char *body, const char *lang)
{
	hc_index	*ix;
	json_t		*arr;
	char		*q;

	arr = json_array();
	if ((ix = search_reader()) == NULL)
		return (arr);
	q = ticket_query(subject, NULL);
	suggest_for(ix, q, lang, 0, arr);
	free(q);
	q = ticket_query(subject, body);
	suggest_for(ix, q, lang, 1, arr);
	free(q);
	return (arr);
}

json_t *
agent_macros(const char *name, const char *ref, const char *lang)
{
	json_t		*all, *out, *m;
	const char	*ml;
	char		*text;
	size_t		 i;
	int		 pass;

	out = json_array();
	if (site.cat == NULL || site.cat->macros == NULL ||
	    (all = json_loads(site.cat->macros, 0, NULL)) == NULL)
		return (out);
	/* The page's language first, then those for any language, then the rest. */
	for (pass = 0; pass < 3; pass++) {
		json_array_foreach(all, i, m) {
			ml = json_string_value(json_object_get(m, "lang"));
			if ((pass == 0 && (ml == NULL || strcmp(ml, lang))) ||
			    (pass == 1 && ml != NULL) ||
			    (pass == 2 && (ml == NULL || !strcmp(ml, lang))))
				continue;
			text = macro_fill(json_string_value(json_object_get(m,
			    "body")), name, ref);
			json_array_append_new(out, json_pack("{s:O, s:O, s:O, "
			    "s:s}", "name", json_object_get(m, "name"), "title",
			    json_object_get(m, "title"), "lang",
			    ml ? json_object_get(m, "lang") : json_null(),
			    "text", text));
			free(text);
		}
	}
	json_decref(all);
	return (out);
}
