/* feeds.c: sitemap.xml, feed.atom, robots.txt and healthz. */
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "settings.h"
#include "store/db.h"
#include "util/text.h"

int	page_sitemap(struct http_request *);
int	page_feed(struct http_request *);
int	page_robots(struct http_request *);
int	page_healthz(struct http_request *);

#define FEED_LEN	20

static void
xml_text(struct strbuf *sb, const char *s)
{
	html_escape(sb, s, strlen(s));
}

int
page_sitemap(struct http_request *req)
{
	const struct article	*a;
	struct strbuf		 sb;
	char			 date[32];
	size_t			 i, j, k;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	    "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	sb_puts(&sb, "<url><loc>");
	xml_text(&sb, settings.base_url);
	sb_puts(&sb, "/</loc></url>\n");
	for (i = 0; i < site.cat->ncats; i++) {
		sb_puts(&sb, "<url><loc>");
		xml_text(&sb, settings.base_url);
		sb_printf(&sb, "/categories/%s</loc></url>\n",
		    site.cat->cats[i].slug);
	}
	for (i = 0; i < site.cat->narts; i++) {
		a = &site.cat->arts[i];
		for (j = 0; j < a->nversions; j++) {
			format_date(a->versions[j].updated, date, sizeof(date));
			sb_puts(&sb, "<url><loc>");
			xml_text(&sb, settings.base_url);
			sb_printf(&sb, "/articles/%s", a->slug);
			if (j > 0)
				sb_printf(&sb, "?lang=%s", a->versions[j].lang);
			sb_printf(&sb, "</loc><lastmod>%s</lastmod>", date);
			for (k = 0; a->nversions > 1 && k < a->nversions; k++) {
				sb_printf(&sb, "<xhtml:link rel=\"alternate\" "
				    "hreflang=\"%s\" href=\"",
				    a->versions[k].lang);
				xml_text(&sb, settings.base_url);
				sb_printf(&sb, "/articles/%s", a->slug);
				if (k > 0)
					sb_printf(&sb, "?lang=%s",
					    a->versions[k].lang);
				sb_puts(&sb, "\"/>");
			}
			sb_puts(&sb, "</url>\n");
		}
	}
	sb_puts(&sb, "</urlset>\n");
	(void)respond_bytes(req, 200, "application/xml; charset=utf-8",
	    sb.data, sb.len);
	sb_free(&sb);
	return (KORE_RESULT_OK);
}

int
page_feed(struct http_request *req)
{
	const struct article_version	*v;
	struct strbuf			 sb;
	const size_t			*order;
	size_t				 i, n;
	char				 date[40];

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	n = site.cat->narts;
	order = site.cat->recent;

	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    "<title>Help Center</title>\n<id>");
	xml_text(&sb, settings.base_url);
	sb_puts(&sb, "/</id>\n<link rel=\"self\" href=\"");
	xml_text(&sb, settings.base_url);
	sb_puts(&sb, "/feed.atom\"/>\n");
	format_rfc3339(n > 0 ? site.cat->arts[order[0]].versions[0].updated :
	    site.cat->built, date, sizeof(date));
	sb_printf(&sb, "<updated>%s</updated>\n", date);
	for (i = 0; i < n && i < FEED_LEN; i++) {
		v = &site.cat->arts[order[i]].versions[0];
		format_rfc3339(v->updated, date, sizeof(date));
		sb_puts(&sb, "<entry><title>");
		xml_text(&sb, v->title);
		sb_puts(&sb, "</title><id>");
		xml_text(&sb, settings.base_url);
		sb_printf(&sb, "/articles/%s</id><link href=\"",
		    site.cat->arts[order[i]].slug);
		xml_text(&sb, settings.base_url);
		sb_printf(&sb, "/articles/%s\"/><updated>%s</updated>",
		    site.cat->arts[order[i]].slug, date);
		if (v->summary != NULL) {
			sb_puts(&sb, "<summary>");
			xml_text(&sb, v->summary);
			sb_puts(&sb, "</summary>");
		}
		sb_puts(&sb, "</entry>\n");
	}
	sb_puts(&sb, "</feed>\n");
	(void)respond_bytes(req, 200, "application/atom+xml; charset=utf-8",
	    sb.data, sb.len);
	sb_free(&sb);
	return (KORE_RESULT_OK);
}

int
page_robots(struct http_request *req)
{
	struct strbuf	sb;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	sb_init(&sb);
	sb_printf(&sb, "User-agent: *\nDisallow: /admin\nDisallow: /agent\n"
	    "Disallow: /api/\nDisallow: /tickets/\nDisallow: /search\n"
	    "Sitemap: %s/sitemap.xml\n", settings.base_url);
	(void)respond_bytes(req, 200, "text/plain; charset=utf-8", sb.data,
	    sb.len);
	sb_free(&sb);
	return (KORE_RESULT_OK);
}

int
page_healthz(struct http_request *req)
{
	hc_index	*ix;
	json_t		*o;
	char		 built[40];
	int		 db_ok, ok;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	db_ok = db_usable(site.db);
	ix = search_reader();
	ok = db_ok && site.cat->built > 0 && ix != NULL;
	format_rfc3339(site.cat->built, built, sizeof(built));
	o = json_pack("{s:s, s:{s:b, s:I, s:I, s:I, s:s}, s:{s:b, s:s}, "
	    "s:{s:b, s:I, s:s}}",
	    "status", ok ? "ok" : "degraded",
	    "catalog", "usable", site.cat->built > 0,
	    "articles", (json_int_t)site.cat->narts,
	    "categories", (json_int_t)site.cat->ncats,
	    "problems", (json_int_t)site.cat->nproblems,
	    "built", built,
	    "database", "usable", db_ok, "message", db_ok ? "ok" :
	    "the database cannot be read; writes are refused",
	    "index", "usable", ix != NULL, "documents",
	    (json_int_t)(ix ? hc_index_doccount(ix) : 0), "message",
	    ix ? "ok" : "the search index is being built or cannot be read");
	return (respond_json(req, ok ? 200 : 503, o));
}
