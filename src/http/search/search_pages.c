/* search_pages.c: /search (HTML), /api/v1/search and /api/v1/suggest on the Xapian shim. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "http/core/site.h"
#include "http/community/community_http.h"
#include "http/core/bodies.h"
#include "http/deflection/funnel.h"
#include "http/core/page_cache.h"
#include "http/core/ratelimit.h"
#include "render/i18n.h"
#include "search/fold.h"
#include "publish/indexer.h"
#include "search/result_cache.h"
#include "search/snippet.h"
#include "settings.h"
#include "util/random.h"
#include "util/text.h"

int	page_search(struct http_request *);
int	api_search(struct http_request *);
int	api_suggest(struct http_request *);

#define MAX_QUERY_CHARS		256
/*
 * The budget of one search: every word is several terms in every field
 * (n-grams, stems), and Xapian ranks everything up to the deepest result
 * asked for. 60 words joined by OR on page 1000 of 50 took 180 to 295 ms
 * at 3,000 articles; these caps keep a search to a few milliseconds, and
 * the shim's time limit bounds what is left. The messages below (and
 * search_too_many_terms, search_too_deep in i18n.c) name these numbers.
 */
#define MAX_QUERY_TERMS		16
#define MAX_RESULT_DEPTH	500	/* page * per_page */
#define MAX_PAGE		1000
#define DEFAULT_PER_PAGE	10
#define MAX_PER_PAGE		50
#define SUGGEST_LEN		8
#define SNIPPET_CHARS		120
#define SEARCH_ID_LEN		16	/* hex digits */
#define SEARCH_ANSWER_SHORT_MS	1000	/* see api_search */
#define INDEX_CHECK_MS		25	/* see search_reader */

/* A validated search request. Strings are malloc'd. */
struct search_args {
	char		*q;
	char		*category;
	char		*lang;
	char		*type;
	unsigned	 page;
	unsigned	 per_page;
	/*
	 * Facets and a total counted exactly up to 200: the HTML page's
	 * filters; the API's on facets=1 only (see hc_query.facets).
	 */
	unsigned	 facets;
};

/* The first problem found: for a 400 naming the field. */
struct arg_error {
	const char	*code;
	const char	*message;
	const char	*field;
};

static void
args_free(struct search_args *a)
{
	free(a->q);
	free(a->category);
	free(a->lang);
	free(a->type);
}

static size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

static int
get_uint(struct http_request *req, const char *name, unsigned min,
    unsigned max, unsigned def, unsigned *out)
{
	char	*v, *end;
	long	 l;
	int	 rc;

	*out = def;
	if ((rc = query_get(req, name, &v)) == 0)
		return (0);
	if (rc < 0 || v[0] == '\0')
		l = -1;
	else
		l = strtol(v, &end, 10);
	if (rc > 0 && v[0] != '\0' && *end != '\0')
		l = -1;
	free(v);
	if (l < (long)min || l > (long)max)
		return (-1);
	*out = (unsigned)l;
	return (0);
}

/*
 * Words of a query, the operators AND, OR and NOT not counted: what the
 * term cap is about, as each word is searched in every field.
 */
static size_t
query_terms(const char *q)
{
	const char	*p, *end;
	size_t		 n, len;

	n = 0;
	for (p = q; *p != '\0'; p = end) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		len = strcspn(p, " \t");
		end = p + len;
		if ((len == 3 && (!strncmp(p, "AND", 3) ||
		    !strncmp(p, "NOT", 3))) || (len == 2 && !strncmp(p, "OR", 2)))
			continue;
		n++;
	}
	return (n);
}

/* Reads and checks every parameter; 0, or -1 with err filled. */
static int
parse_args(struct http_request *req, struct search_args *a,
    struct arg_error *err, int need_q)
{
	int	rc;

	memset(a, 0, sizeof(*a));
	if ((rc = query_get(req, "q", &a->q)) < 0) {
		*err = (struct arg_error){ "invalid_query", "The query is not "
		    "valid UTF-8 or is badly encoded.", "q" };
		return (-1);
	}
	if (rc == 0)
		a->q = xstrdup("");
	/* Before the length: the more useful message of the two. */
	if (query_terms(a->q) > MAX_QUERY_TERMS) {
		*err = (struct arg_error){ "too_many_terms", "The query has "
		    "more than 16 words; a search takes at most 16 (AND, OR "
		    "and NOT not counted). Keep the words that matter.",
		    "q" };
		return (-1);
	}
	if (utf8_chars(a->q) > MAX_QUERY_CHARS) {
		*err = (struct arg_error){ "query_too_long", "The query is "
		    "longer than 256 characters; shorten it.", "q" };
		return (-1);
	}
	if (need_q && a->q[strspn(a->q, " \t")] == '\0') {
		*err = (struct arg_error){ "missing_query", "Give a query in "
		    "q, e.g. ?q=refund.", "q" };
		return (-1);
	}
	if ((rc = query_get(req, "category", &a->category)) != 0 &&
	    (rc < 0 || (a->category[0] != '\0' &&
	    catalog_category(site.cat, a->category) == NULL))) {
		*err = (struct arg_error){ "unknown_category", "No category "
		    "has this slug; GET /api/v1/categories lists them.",
		    "category" };
		return (-1);
	}
	if ((rc = query_get(req, "lang", &a->lang)) != 0 && (rc < 0 ||
	    (a->lang[0] != '\0' && !lang_supported(a->lang)))) {
		*err = (struct arg_error){ "invalid_lang", "lang must be zh-CN, "
		    "zh-TW or en.", "lang" };
		return (-1);
	}
	if ((rc = query_get(req, "type", &a->type)) != 0 && (rc < 0 ||
	    (a->type[0] != '\0' && strcmp(a->type, "article") &&
	    strcmp(a->type, "thread")))) {
		*err = (struct arg_error){ "invalid_type", "type must be "
		    "article or thread.", "type" };
		return (-1);
	}
	if (get_uint(req, "page", 1, MAX_PAGE, 1, &a->page) != 0) {
		*err = (struct arg_error){ "invalid_page", "page must be a "
		    "whole number from 1 to 1000.", "page" };
		return (-1);
	}
	if (get_uint(req, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE,
	    &a->per_page) != 0) {
		*err = (struct arg_error){ "invalid_per_page", "per_page must "
		    "be a whole number from 1 to 50.", "per_page" };
		return (-1);
	}
	if ((unsigned long)a->page * a->per_page > MAX_RESULT_DEPTH) {
		*err = (struct arg_error){ "too_deep", "Results are shown up "
		    "to the 500th (page times per_page at most 500); narrow "
		    "the search with more words or a filter.", "page" };
		return (-1);
	}
	if (get_uint(req, "facets", 0, 1, 0, &a->facets) != 0) {
		*err = (struct arg_error){ "invalid_facets", "facets must be "
		    "0 or 1.", "facets" };
		return (-1);
	}
	return (0);
}

static unsigned long long	index_revision;

hc_index *
search_reader(void)
{
	static ino_t		 opened;
	static uint64_t		 checked_ms;
	struct stat		 st;
	hc_index		*ix;
	uint64_t		 now;

	/*
	 * The checks cost a stat and Xapian's reopen (open, read, close) per
	 * search; every INDEX_CHECK_MS is often enough for the writer's
	 * commits, which come no more than a few times a second.
	 */
	now = kore_time_ms();
	if (site.index != NULL && now - checked_ms < INDEX_CHECK_MS)
		return (site.index);
	checked_ms = now;
	/*
	 * A damaged index is moved aside and rebuilt in a new folder, which
	 * Xapian's reopen() does not see: close and open when it changes.
	 */
	if (stat(site.index_path, &st) != 0)
		st.st_ino = 0;
	if (site.index != NULL && st.st_ino == opened) {
		index_revision = hc_index_revision(site.index);
		return (site.index);
	}
	hc_index_close(site.index);
	site.index = NULL;
	index_revision = 0;
	/* A new index may start again at the revision of the old one. */
	result_cache_clear();
	page_cache_clear();
	/* The builder may also have created the index after this worker began. */
	if (hc_index_open(site.index_path, 0, &ix) != HC_SEARCH_OK) {
		hc_index_close(ix);
		return (NULL);
	}
	site.index = ix;
	opened = st.st_ino;
	index_revision = hc_index_revision(ix);
	(void)hc_index_set_synonyms(ix, site.synonyms);
	(void)hc_index_set_stopwords(ix, site.stopwords);
	(void)hc_index_set_polyphones(ix, site.polyphones);
	return (ix);
}

unsigned long long
search_revision(void)
{
	return (index_revision);
}

static long long
now_us(void)
{
	struct timeval	tv;

	(void)gettimeofday(&tv, NULL);
	return ((long long)tv.tv_sec * 1000000 + tv.tv_usec);
}

static void
new_search_id(char out[SEARCH_ID_LEN + 1])
{
	unsigned char	r[SEARCH_ID_LEN / 2];

	if (random_bytes(r, sizeof(r)) != 0)
		memset(r, 0, sizeof(r));
	hex_encode(r, sizeof(r), out);
}

static json_t *
facet_json(const struct hc_facet *f, size_t n, int categories,
    const char *lang)
{
	const struct category	*c;
	json_t			*arr, *o;
	size_t			 i;

	arr = json_array();
	for (i = 0; i < n; i++) {
		o = json_pack("{s:s, s:I}", categories ? "slug" : "value",
		    f[i].value, "count", (json_int_t)f[i].count);
		if (categories && (c = catalog_category(site.cat,
		    f[i].value)) != NULL)
			json_object_set_new(o, "title", json_string(
			    category_text_in(c, lang)->title));
		json_array_append_new(arr, o);
	}
	return (arr);
}

/*
 * The article version of an index hit; -1 when the catalog no longer has
 * it (the index and the snapshot are published a moment apart).
 */
static int
hit_version(const struct hc_hit *hit, const struct article **a,
    const struct article_version **v)
{
	char	*slug, *vlang;

	if (indexer_parse_article_id(hit->id, &slug, &vlang) != 0)
		return (-1);
	*a = catalog_article(site.cat, slug);
	*v = *a ? article_version_in(*a, vlang) : NULL;
	free(slug);
	free(vlang);
	return (*v != NULL ? 0 : -1);
}

/* One search result for an index hit, or NULL (see hit_version). */
static json_t *
result_json(const struct hc_hit *hit, const struct hc_results *r,
    const char *lang, const char *search_id, size_t position)
{
	const struct article		*a;
	const struct article_version	*v;
	const char			*plain;
	char				*snip;
	char				 date[32];
	struct strbuf			 url;
	json_t				*o;

	/* community: thread hits come from the database. */
	if (!strncmp(hit->id, "thread:", 7))
		return (cm_search_result(hit, r->highlight, r->nhighlight,
		    lang, search_id, position));
	if (hit_version(hit, &a, &v) != 0 ||
	    (plain = bodies_snippet_text(a, v)) == NULL)
		return (NULL);
	snip = snippet_make(plain, r->highlight, r->nhighlight, SNIPPET_CHARS);
	sb_init(&url);
	/* sid and pos let the article page count the click (deflection). */
	sb_printf(&url, "/articles/%s?lang=%s&sid=%s&pos=%zu", a->slug,
	    v->lang, search_id, position);
	format_date(v->updated, date, sizeof(date));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:f, s:s}",
	    "type", "article", "slug", a->slug, "title", v->title,
	    "url", url.data, "lang", v->lang,
	    "category", category_ref_json(a->category, lang),
	    "snippet", snip, "score", hit->score, "updated", date);
	sb_free(&url);
	free(snip);
	return (o);
}

/*
 * Runs the search and builds the SPEC's JSON object, but for took_ms,
 * with search_id in it and in the result links. Returns NULL with *status
 * set when the index is unusable (503) or the object could not be built
 * (500, a bug).
 */
static json_t *
run_search(struct http_request *req, const struct search_args *a,
    const char *lang, const char *search_id, int *status)
{
	struct hc_query		 q;
	struct hc_results	*r;
	hc_search_status	 s;
	hc_index		*ix;
	json_t			*results, *closest, *o, *res;
	char			*folded;
	size_t			 i;

	if ((ix = search_reader()) == NULL) {
		*status = 503;
		return (NULL);
	}
	folded = fold_query(a->q);
	memset(&q, 0, sizeof(q));
	q.text = folded;
	q.category = a->category;
	q.lang = a->lang;
	q.type = a->type;
	q.prefer_lang = lang;
	q.offset = (a->page - 1) * a->per_page;
	q.limit = a->per_page;
	q.facets = a->facets != 0;
	s = search_cached(ix, settings.search_cache ?
	    search_revision() : 0, &q, &r);
	free(folded);
	if (s != HC_SEARCH_OK) {
		kore_log(LOG_WARNING, "search: %s: %s",
		    hc_search_status_to_string(s), hc_index_last_error(ix));
		*status = 503;
		return (NULL);
	}
	results = json_array();
	for (i = 0; i < r->nhits; i++) {
		res = result_json(&r->hits[i], r, lang, search_id,
		    q.offset + i + 1);
		if (res != NULL)
			json_array_append_new(results, res);
	}
	/*
	 * Below the relevance floor the answer is zero results (and counts
	 * as a zero-result search); the closest articles go apart, never in
	 * results or total.
	 */
	closest = json_array();
	for (i = 0; i < r->nclosest; i++) {
		res = result_json(&r->closest[i], r, lang, search_id, i + 1);
		if (res != NULL)
			json_array_append_new(closest, res);
	}
	o = json_pack("{s:s, s:I, s:i, s:i, s:s?, s:o, s:o, s:s}",
	    "query", a->q, "total", (json_int_t)r->total,
	    "page", (int)a->page, "per_page", (int)a->per_page,
	    "suggestion", r->suggestion,
	    "results", results, "closest", closest, "search_id", search_id);
	if (o != NULL && a->facets)
		json_object_set_new(o, "facets", json_pack("{s:o, s:o, s:o}",
		    "categories", facet_json(r->categories, r->ncategories,
		    1, lang), "types", facet_json(r->types, r->ntypes, 0,
		    lang), "langs", facet_json(r->langs, r->nlangs, 0, lang)));
	if (o == NULL) {
		kore_log(LOG_ERR, "search: the answer could not be built");
		*status = 500;
	}
	return (o);
}

/* A thread hit in the answer: its fields are read from the database. */
static int
has_thread_result(json_t *answer)
{
	json_t		*r;
	const char	*type;
	size_t		 i;

	json_array_foreach(json_object_get(answer, "results"), i, r) {
		type = json_string_value(json_object_get(r, "type"));
		if (type != NULL && !strcmp(type, "thread"))
			return (1);
	}
	return (0);
}

/*
 * The whole answer, but for the search id and took_ms, depends only on
 * the query string and the index: a repeated query is sent from the page
 * cache while the index revision is the same, with a new search id written
 * in, and still counts as a search (the total is kept with it for the
 * event). An answer with community threads is kept one second only, as
 * their title and state come from the database, which a moderator may
 * change before the index hears of it.
 */
int
api_search(struct http_request *req)
{
	struct search_args	 a;
	struct arg_error	 err;
	struct strbuf		 out, key;
	json_t			*o;
	char			*s, search_id[SEARCH_ID_LEN + 1];
	char			 stand_in[SEARCH_ID_LEN + 1];
	long long		 start, total, max_age_ms;
	unsigned long long	 revision;
	int			 status;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!ratelimit_check_search(req))
		return (KORE_RESULT_OK);
	if (parse_args(req, &a, &err, 1) != 0) {
		args_free(&a);
		return (respond_json_error(req, 400, err.code, err.message,
		    err.field));
	}
	start = now_us();
	new_search_id(search_id);
	sb_init(&out);
	sb_init(&key);
	revision = search_reader() != NULL ? search_revision() : 0;
	sb_printf(&key, "api-search\x1f%s", req->query_string ?
	    req->query_string : "");
	if (!settings.search_cache || !page_cache_get(key.data, revision,
	    search_id, &out, &total)) {
		(void)snprintf(stand_in, sizeof(stand_in), "%s",
		    page_cache_placeholder());
		o = run_search(req, &a, a.lang && *a.lang ? a.lang :
		    settings.default_lang, stand_in, &status);
		if (o == NULL && status == 503) {
			args_free(&a);
			sb_free(&key);
			return (respond_json_error(req, status,
			    "search_unavailable", "Search is starting or "
			    "unavailable for a moment; try again in a few "
			    "seconds.", NULL));
		}
		total = json_integer_value(json_object_get(o, "total"));
		/* NULL (a bug): respond_json says so with a 500. */
		if ((s = json_dumps(o, JSON_COMPACT)) == NULL) {
			args_free(&a);
			sb_free(&key);
			return (respond_json(req, 500, o));
		}
		/* Revision 0: unknown, kept one second only. */
		max_age_ms = revision == 0 || has_thread_result(o) ?
		    SEARCH_ANSWER_SHORT_MS : 0;
		json_decref(o);
		page_cache_put(key.data, revision, s, strlen(s), SEARCH_ID_LEN,
		    max_age_ms, total);
		free(s);
		(void)page_cache_get(key.data, revision, search_id, &out, NULL);
	}
	/* Deflection: one search event per search, not per page turned. */
	if (a.page == 1)
		funnel_search(req, a.q, total, search_id);
	args_free(&a);
	sb_free(&key);
	/* The object's last member: took_ms, this request's own. */
	if (out.len > 0 && out.data[out.len - 1] == '}')
		out.len--;
	sb_printf(&out, ",\"took_ms\":%lld}", (now_us() - start) / 1000);
	http_response_header(req, "cache-control", "no-cache");
	(void)respond_negotiated(req, 200, "application/json; charset=utf-8",
	    out.data, out.len, NULL);
	sb_free(&out);
	return (KORE_RESULT_OK);
}

int
api_suggest(struct http_request *req)
{
	struct search_args	 a;
	struct arg_error	 err;
	struct hc_query		 q;
	struct hc_results	*r;
	hc_index		*ix;
	const struct article		*art;
	const struct article_version	*v;
	json_t			*arr, *o;
	char			*folded, url[256];
	size_t			 i;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!ratelimit_check_search(req))
		return (KORE_RESULT_OK);
	if (parse_args(req, &a, &err, 0) != 0) {
		args_free(&a);
		return (respond_json_error(req, 400, err.code, err.message,
		    err.field));
	}
	arr = json_array();
	if (a.q[0] != '\0' && (ix = search_reader()) != NULL) {
		folded = fold_query(a.q);
		memset(&q, 0, sizeof(q));
		q.text = folded;
		q.limit = SUGGEST_LEN;
		q.prefix_last = 1;
		q.lang = a.lang;
		q.prefer_lang = request_lang(req);
		if (search_cached(ix, settings.search_cache ?
		    search_revision() : 0, &q, &r) == HC_SEARCH_OK) {
			/* Titles only: no snippets while typing. */
			for (i = 0; i < r->nhits; i++) {
				/* community: threads by title too. */
				if (!strncmp(r->hits[i].id, "thread:", 7)) {
					if ((o = cm_suggest_result(
					    &r->hits[i])) != NULL)
						json_array_append_new(arr, o);
					continue;
				}
				if (hit_version(&r->hits[i], &art, &v) != 0)
					continue;
				(void)snprintf(url, sizeof(url),
				    "/articles/%s?lang=%s", art->slug, v->lang);
				json_array_append_new(arr, json_pack(
				    "{s:s, s:s, s:s}", "title", v->title,
				    "url", url, "type", "article"));
			}
		}
		free(folded);
	}
	args_free(&a);
	return (respond_json(req, 200, json_pack("{s:o}", "suggestions", arr)));
}

/* Links for the filter facets and pages, keeping the other parameters. */
static char *
search_url(const char *q, const char *category, const char *lang,
    const char *type, unsigned page)
{
	struct strbuf	sb;

	sb_init(&sb);
	sb_puts(&sb, "/search?q=");
	url_encode(&sb, q);
	if (category && *category) {
		sb_puts(&sb, "&category=");
		url_encode(&sb, category);
	}
	if (lang && *lang) {
		sb_puts(&sb, "&lang=");
		url_encode(&sb, lang);
	}
	if (type && *type) {
		sb_puts(&sb, "&type=");
		url_encode(&sb, type);
	}
	if (page > 1)
		sb_printf(&sb, "&page=%u", page);
	return (sb_detach(&sb));
}

/*
 * One group of filter links for the page: its heading and, for each value,
 * a label, the count and a link that keeps the other filters.
 */
static json_t *
facet_group(const char *key, const char *heading, const struct search_args *a,
    json_t *facets, const char *lang)
{
	const char	*v, *ui, *current;
	json_t		*f, *items;
	char		*u, name[32];
	size_t		 i;
	int		 cat;

	ui = i18n_ui_lang(lang);
	cat = !strcmp(key, "categories");
	current = cat ? a->category : !strcmp(key, "langs") ? a->lang : a->type;
	items = json_array();
	json_array_foreach(json_object_get(facets, key), i, f) {
		v = json_string_value(json_object_get(f, cat ? "slug" : "value"));
		u = search_url(a->q, cat ? v : a->category,
		    !strcmp(key, "langs") ? v : a->lang,
		    !strcmp(key, "types") ? v : a->type, 1);
		(void)snprintf(name, sizeof(name), "%s_%s",
		    !strcmp(key, "langs") ? "lang" : "type", v);
		json_array_append_new(items, json_pack("{s:s, s:s, s:O, s:b}",
		    "label", cat ? json_string_value(json_object_get(f,
		    "title")) : i18n_get(ui, name), "url", u,
		    "count", json_object_get(f, "count"),
		    "current", current != NULL && !strcmp(current, v)));
		free(u);
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		return (NULL);
	}
	return (json_pack("{s:s, s:o}", "heading", i18n_get(ui, heading),
	    "items", items));
}

/* The page's message for a refused search (the API's is in err). */
static const char *
search_error_key(const struct arg_error *err)
{
	if (!strcmp(err->code, "too_many_terms"))
		return ("search_too_many_terms");
	if (!strcmp(err->code, "too_deep"))
		return ("search_too_deep");
	return (!strcmp(err->field, "q") ? "bad_search_query" :
	    "bad_search_filter");
}

int
page_search(struct http_request *req)
{
	struct search_args	 a;
	struct arg_error	 err;
	struct strbuf		 enc;
	const char		*lang;
	json_t			*ctx, *o, *facets, *groups;
	char			*u, search_id[SEARCH_ID_LEN + 1];
	int			 status, total, pages;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!ratelimit_check_search(req))
		return (KORE_RESULT_OK);
	lang = request_lang(req);
	if (parse_args(req, &a, &err, 0) != 0) {
		args_free(&a);
		return (respond_error_page(req, 400,
		    i18n_get(i18n_ui_lang(lang), search_error_key(&err))));
	}
	ctx = page_context(req, lang, i18n_get(i18n_ui_lang(lang), "search"));
	json_object_set_new(ctx, "q", json_string(a.q));
	json_object_set_new(ctx, "noindex", json_true());
	json_object_set_new(ctx, "hide_header_search", json_true());
	if (a.q[0] != '\0') {
		/* The filters beside the results. */
		a.facets = 1;
		new_search_id(search_id);
		if ((o = run_search(req, &a, lang, search_id, &status)) ==
		    NULL) {
			args_free(&a);
			json_decref(ctx);
			return (respond_error_page(req, status,
			    i18n_get(i18n_ui_lang(lang), "search_unavailable")));
		}
		facets = json_object_get(o, "facets");
		groups = json_array();
		json_array_append_new(groups, facet_group("categories",
		    "filter_category", &a, facets, lang));
		json_array_append_new(groups, facet_group("langs",
		    "filter_lang", &a, facets, lang));
		json_array_append_new(groups, facet_group("types",
		    "filter_type", &a, facets, lang));
		json_object_set_new(ctx, "facet_groups", groups);
		total = (int)json_integer_value(json_object_get(o, "total"));
		/* Deflection: one search event per search, not per page. */
		if (a.page == 1)
			funnel_search(req, a.q, total, search_id);
		pages = (total + (int)a.per_page - 1) / (int)a.per_page;
		if (a.page > 1) {
			u = search_url(a.q, a.category, a.lang, a.type,
			    a.page - 1);
			json_object_set_new(ctx, "prev_url", json_string(u));
			free(u);
		}
		if ((int)a.page < pages &&
		    (a.page + 1) * a.per_page <= MAX_RESULT_DEPTH) {
			u = search_url(a.q, a.category, a.lang, a.type,
			    a.page + 1);
			json_object_set_new(ctx, "next_url", json_string(u));
			free(u);
		}
		if (json_is_string(json_object_get(o, "suggestion"))) {
			u = search_url(json_string_value(json_object_get(o,
			    "suggestion")), a.category, a.lang, a.type, 1);
			json_object_set_new(ctx, "suggestion_url",
			    json_string(u));
			free(u);
		}
		if (a.category || a.lang || a.type) {
			u = search_url(a.q, NULL, NULL, NULL, 1);
			json_object_set_new(ctx, "clear_url", json_string(u));
			free(u);
		}
		json_object_set_new(ctx, "searched", json_true());
		json_object_set_new(ctx, "no_results", json_boolean(total == 0));
		json_object_set_new(ctx, "has_closest", json_boolean(
		    json_array_size(json_object_get(o, "closest")) > 0));
		json_object_set_new(ctx, "pages", json_integer(pages));
		json_object_set_new(ctx, "search", o);
	}
	sb_init(&enc);
	url_encode(&enc, a.q);
	json_object_set_new(ctx, "q_encoded", json_string(enc.data ? enc.data :
	    ""));
	sb_free(&enc);
	args_free(&a);
	return (respond_page(req, 200, "search", ctx));
}
