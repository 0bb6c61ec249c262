/* site.h: what every HTTP handler shares: the worker's catalog, templates, response helpers. */
#ifndef HC_SITE_H
#define HC_SITE_H

#include <kore/kore.h>
#include <kore/http.h>

#include <jansson.h>

#include "catalog/catalog.h"
#include "render/template.h"
#include "search/search.h"
#include "store/db.h"
#include "util/strbuf.h"

/* Per-worker state, set up by app.c. */
struct site {
	struct catalog		*cat;		/* current snapshot; never NULL */
	struct template_set	*tpl;		/* inherited from the parent */
	struct store			*db;		/* this worker's connection */
	hc_index		*index;		/* search reader, or NULL */
	char			*synonyms;	/* folded _synonyms.txt */
	char			*stopwords;	/* folded _stopwords.txt */
	char			*polyphones;	/* folded _polyphones.txt, or NULL
					   (none: the shim's own table) */
	char			 snapshot[1024];	/* path, inside the chroot */
	char			 index_path[1024];
	unsigned char		 secret[32];	/* db_secret: CSRF, client keys */
};

extern struct site	site;

/* Sets a first-party cookie: HttpOnly, SameSite=Lax, Secure on https. */
void		 set_cookie(struct http_request *, const char *name,
		    const char *value, int max_age);

/*
 * The worker's catalog (refresh.c). site_catalog_init starts with an empty
 * catalog and reads the newest snapshot; site_refresh, cheap enough for
 * every request, swaps in a newer one when the watcher's shared count
 * moved; site_reload looks at the snapshot file itself (a timer calls it:
 * hcctl reindex writes snapshots without counting them); site_catalog_free
 * releases the catalog and the caches that hang on it.
 */
void		 site_catalog_init(void);
void		 site_refresh(void);
void		 site_reload(void);
void		 site_catalog_free(void);

/*
 * The search index reader, opened on first use; NULL until it exists.
 * Whether the writer committed or replaced the index is checked at most
 * every INDEX_CHECK_MS, so a change is seen within that time.
 */
hc_index	*search_reader(void);

/* The revision search_reader() last saw; 0: unknown (keep no results). */
unsigned long long search_revision(void);

/* Request language: ?lang=, then the lang cookie, then Accept-Language. */
const char	*request_lang(struct http_request *);

/*
 * Query parameter name, percent-decoded and checked as UTF-8. Returns 1 and
 * a malloc'd *out (free() it), 0 when absent, -1 when malformed.
 */
int		 query_get(struct http_request *, const char *name, char **out);

/*
 * Every handler starts here: brings the catalog up to date (site_refresh),
 * then checks the request's method against methods (HTTP_METHOD_* bits;
 * GET admits HEAD; HTTP_METHOD_ALL for any). Returns 1 to go on, or 0
 * after answering 405 with an Allow header (JSON under /api/). allow_get
 * and allow_post are the two usual cases.
 */
int		 site_begin(struct http_request *, int methods);
int		 allow_get(struct http_request *);
int		 allow_post(struct http_request *);

/* The base view model for a page: lang, UI strings, assets, switcher. */
json_t		*page_context(struct http_request *, const char *lang,
		    const char *title);

/* Appends template rendered with ctx (consumed) to out. */
void		 render_page(const char *template, json_t *ctx,
		    struct strbuf *out);
/* Sends a rendered page with status (not cached by browsers). */
int		 respond_html(struct http_request *, int status,
		    const struct strbuf *html);
/* Renders template with ctx (consumed) and sends it with status. */
int		 respond_page(struct http_request *, int status,
		    const char *template, json_t *ctx);
/* An HTML error page in the visitor's language, with a search box. */
int		 respond_error_page(struct http_request *, int status,
		    const char *message);
/* Sends value (consumed) as JSON. */
int		 respond_json(struct http_request *, int status, json_t *value);
/*
 * A write was refused because the database failed: sets Retry-After from
 * the failure (disk full, locked, I/O error: src/store/db.h) and returns
 * the sentence that says what happened; for a JSON body or a page's notice.
 */
const char	*write_unavailable(struct http_request *);
/* write_unavailable, answered as a JSON 503 {"error": {"code": "unavailable"}}. */
int		 respond_write_unavailable(struct http_request *);
/* {"error": {"code", "message", "field"?}}; field may be NULL. */
int		 respond_json_error(struct http_request *, int status,
		    const char *code, const char *message, const char *field);
/* Redirects to location, keeping the request's query string. */
int		 respond_redirect(struct http_request *, int status,
		    const char *location);
/* Plain bytes with a content type, and the security headers. */
int		 respond_bytes(struct http_request *, int status,
		    const char *content_type, const void *, size_t);

/*
 * Answers smaller than this go out as they are: gzip's 18 bytes of frame
 * and a round of zlib buy nothing on them. GZIP_LEVEL: zlib's level for
 * answers compressed per request (assets are compressed once, at 9).
 */
#define GZIP_MIN_BYTES	1024
#define GZIP_LEVEL	6

/* 1 when the request's Accept-Encoding allows gzip (q=0 respected). */
int		 client_accepts_gzip(struct http_request *);
/*
 * respond_bytes, gzip'd when the client allows it, the answer is at least
 * GZIP_MIN_BYTES and the request is not a staff member's (a session
 * cookie or an Authorization header). The visitor's CSRF token, when it
 * is in data, is kept out of the compressor's dictionary (BREACH). Sends
 * "Vary: <vary>, Accept-Encoding" (vary may be NULL) either way.
 */
int		 respond_negotiated(struct http_request *, int status,
		    const char *content_type, const void *, size_t,
		    const char *vary);

/* Security headers every response carries (CSP, nosniff, referrer). */
void		 security_headers(struct http_request *);
/* The same headers as raw "name: value\r\n" lines, for answers made without a request. */
void		 security_header_lines(struct kore_buf *);

/* "YYYY-MM-DD" and RFC 3339 from unix seconds (UTC). */
void		 format_date(long long, char *, size_t);
void		 format_rfc3339(long long, char *, size_t);

/* JSON for article lists: slug, title, summary, lang, url, category, updated. */
json_t		*article_summary_json(const struct article *, const char *lang);
json_t		*category_ref_json(const char *slug, const char *lang);

#endif
