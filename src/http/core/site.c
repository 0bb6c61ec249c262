/* site.c: language negotiation, query parsing, and the response helpers of every handler. */
#include <string.h>
#include <time.h>

#include "site.h"
#include "assets.h"
#include "render/i18n.h"
#include "settings.h"
#include "visitor.h"
#include "store/db.h"
#include "util/gzip.h"
#include "util/text.h"

struct site	site;

#define LANG_COOKIE_AGE	(365 * 24 * 3600)

int
query_get(struct http_request *req, const char *name, char **out)
{
	const char	*p, *amp, *eq;
	size_t		 nlen, vlen;
	char		*v;

	*out = NULL;
	if (req->query_string == NULL)
		return (0);
	nlen = strlen(name);
	for (p = req->query_string; *p != '\0'; p = amp ? amp + 1 : "") {
		amp = strchr(p, '&');
		eq = memchr(p, '=', amp ? (size_t)(amp - p) : strlen(p));
		if (eq == NULL || (size_t)(eq - p) != nlen ||
		    strncmp(p, name, nlen))
			continue;
		vlen = amp ? (size_t)(amp - eq - 1) : strlen(eq + 1);
		v = xstrndup(eq + 1, vlen);
		if (url_decode(v, 1, NULL) != 0) {
			free(v);
			return (-1);
		}
		*out = v;
		return (1);
	}
	return (0);
}

void
set_cookie(struct http_request *req, const char *name, const char *value,
    int max_age)
{
	struct strbuf	sb;

	/* Kore 4.1's cookies have no SameSite and force Secure and Domain. */
	sb_init(&sb);
	sb_printf(&sb, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	    name, value, max_age, !strncmp(settings.base_url, "https:", 6) ?
	    "; Secure" : "");
	http_response_header(req, "set-cookie", sb.data);
	sb_free(&sb);
}

/* The language; remember sets the cookie when ?lang= chose it. */
static const char *
choose_lang(struct http_request *req, int remember)
{
	char		*q, *cookie;
	const char	*lang, *hdr;
	static char	 chosen[8];

	if (query_get(req, "lang", &q) == 1) {
		if (lang_supported(q)) {
			(void)snprintf(chosen, sizeof(chosen), "%s", q);
			free(q);
			if (remember)
				set_cookie(req, "lang", chosen,
				    LANG_COOKIE_AGE);
			return (chosen);
		}
		free(q);
	}
	http_populate_cookies(req);
	if (http_request_cookie(req, "lang", &cookie) &&
	    lang_supported(cookie)) {
		(void)snprintf(chosen, sizeof(chosen), "%s", cookie);
		return (chosen);
	}
	if (http_request_header(req, "accept-language", &hdr) &&
	    (lang = i18n_from_accept_language(hdr)) != NULL)
		return (lang);
	return (settings.default_lang);
}

const char *
request_lang(struct http_request *req)
{
	return (choose_lang(req, 1));
}

int
site_begin(struct http_request *req, int methods)
{
	static const struct {
		int		 method;
		const char	*name;
	} names[] = {
		{ HTTP_METHOD_GET, "GET" },
		{ HTTP_METHOD_HEAD, "HEAD" },
		{ HTTP_METHOD_POST, "POST" },
		{ HTTP_METHOD_PUT, "PUT" },
		{ HTTP_METHOD_PATCH, "PATCH" },
		{ HTTP_METHOD_DELETE, "DELETE" },
	};
	struct strbuf	 allow, msg;
	size_t		 i;

	site_refresh();
	/* Whoever answers GET answers HEAD: Kore sends the headers alone. */
	if (methods & HTTP_METHOD_GET)
		methods |= HTTP_METHOD_HEAD;
	if (req->method & methods)
		return (1);
	sb_init(&allow);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (methods & names[i].method)
			sb_printf(&allow, "%s%s", allow.len ? ", " : "",
			    names[i].name);
	http_response_header(req, "allow", allow.data);
	if (!strncmp(req->path, "/api/", 5)) {
		sb_init(&msg);
		sb_printf(&msg, "This address only answers %s.", allow.data);
		(void)respond_json_error(req, 405, "method_not_allowed",
		    msg.data, NULL);
		sb_free(&msg);
	} else
		(void)respond_error_page(req, 405, NULL);
	sb_free(&allow);
	return (0);
}

int
allow_get(struct http_request *req)
{
	return (site_begin(req, HTTP_METHOD_GET));
}

int
allow_post(struct http_request *req)
{
	return (site_begin(req, HTTP_METHOD_POST));
}

/* One list, so that answers written without a request carry them too. */
static const char	*const sec_headers[][2] = {
	{ "content-security-policy",
	    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
	    "script-src 'self'; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors 'none'" },
	{ "x-content-type-options", "nosniff" },
	{ "referrer-policy", "strict-origin-when-cross-origin" },
	{ "x-frame-options", "DENY" },
};

void
security_headers(struct http_request *req)
{
	size_t	i;

	for (i = 0; i < sizeof(sec_headers) / sizeof(sec_headers[0]); i++)
		http_response_header(req, sec_headers[i][0], sec_headers[i][1]);
}

void
security_header_lines(struct kore_buf *out)
{
	size_t	i;

	for (i = 0; i < sizeof(sec_headers) / sizeof(sec_headers[0]); i++)
		kore_buf_appendf(out, "%s: %s\r\n", sec_headers[i][0],
		    sec_headers[i][1]);
}

void
format_date(long long t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	(void)gmtime_r(&tt, &tm);
	(void)strftime(buf, len, "%Y-%m-%d", &tm);
}

void
format_rfc3339(long long t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	(void)gmtime_r(&tt, &tm);
	(void)strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *
lang_switcher(struct http_request *req, const char *lang)
{
	static const char	*langs[] = { "zh-CN", "zh-TW", "en", NULL };
	json_t			*arr, *o;
	char			 key[32];
	const char		*path, *p, *amp;
	struct strbuf		 url, keep;
	size_t			 n;
	int			 i;

	arr = json_array();
	sb_init(&url);
	sb_init(&keep);
	/* "//host/x" or "/\\host/x" would make an off-site link: use "/". */
	path = req->path;
	if (path[0] != '/' || path[1] == '/' || strchr(path, '\\') != NULL)
		path = "/";
	/* Keep the query (a search stays a search), but not lang, sid, pos. */
	for (p = req->query_string; p != NULL && *p != '\0'; p = amp ?
	    amp + 1 : "") {
		amp = strchr(p, '&');
		n = amp ? (size_t)(amp - p) : strlen(p);
		if (n == 0 || !strncmp(p, "lang=", 5) || !strncmp(p, "sid=", 4) ||
		    !strncmp(p, "pos=", 4))
			continue;
		sb_append(&keep, p, n);
		sb_putc(&keep, '&');
	}
	for (i = 0; langs[i] != NULL; i++) {
		sb_reset(&url);
		sb_printf(&url, "%s?%slang=%s", path, keep.data ? keep.data : "",
		    langs[i]);
		(void)snprintf(key, sizeof(key), "lang_%s", langs[i]);
		o = json_pack("{s:s, s:s, s:s, s:b}", "code", langs[i],
		    "name", i18n_get("zh-CN", key), "url", url.data,
		    "current", !strcmp(langs[i], lang));
		json_array_append_new(arr, o);
	}
	sb_free(&url);
	sb_free(&keep);
	return (arr);
}

json_t *
page_context(struct http_request *req, const char *lang, const char *title)
{
	const char	*ui;
	json_t		*ctx;

	ui = i18n_ui_lang(lang);
	ctx = json_object();
	/* The page's lang is its interface's; texts carry their own lang. */
	json_object_set_new(ctx, "lang", json_string(lang));
	json_object_set_new(ctx, "html_lang", json_string(ui));
	json_object_set(ctx, "t", i18n_strings(ui));
	json_object_set_new(ctx, "title", json_string(title ? title :
	    i18n_get(ui, "site_name")));
	json_object_set_new(ctx, "css", json_string(assets_url("site.css")));
	json_object_set_new(ctx, "js", json_string(assets_url("site.js")));
	json_object_set_new(ctx, "icon", json_string(assets_url("favicon.svg")));
	json_object_set_new(ctx, "langs", lang_switcher(req, lang));
	return (ctx);
}

int
respond_bytes(struct http_request *req, int status, const char *type,
    const void *data, size_t len)
{
	security_headers(req);
	http_response_header(req, "content-type", type);
	http_response(req, status, data, len);
	return (KORE_RESULT_OK);
}

int
client_accepts_gzip(struct http_request *req)
{
	const char	*ae;

	if (!http_request_header(req, "accept-encoding", &ae))
		return (0);
	return (gzip_accepted(ae));
}

/*
 * BREACH needs a secret and attacker-chosen text in one compressed answer.
 * The visitor's CSRF token goes out as stored blocks with the compressor
 * restarted around it, so no reflected input is matched against it; staff
 * answers (customers' data next to filters and search words) are never
 * compressed.
 */
int
respond_negotiated(struct http_request *req, int status, const char *type,
    const void *data, size_t len, const char *vary)
{
	struct strbuf	 gz;
	size_t		*at, nat;
	const char	*p, *hit;
	char		 token[65], *staff;
	int		 ok;

	if (vary != NULL) {
		sb_init(&gz);
		sb_printf(&gz, "%s, Accept-Encoding", vary);
		http_response_header(req, "vary", gz.data);
		sb_free(&gz);
	} else
		http_response_header(req, "vary", "Accept-Encoding");
	http_populate_cookies(req);
	if (len < GZIP_MIN_BYTES || !client_accepts_gzip(req) ||
	    http_request_cookie(req, STAFF_COOKIE, &staff) ||
	    http_request_header(req, "authorization", &p))
		return (respond_bytes(req, status, type, data, len));
	at = NULL;
	nat = 0;
	if (csrf_token_known(req, token)) {
		for (p = data; (hit = memmem(p, len - (p - (const char *)data),
		    token, 64)) != NULL; p = hit + 64) {
			at = xrealloc(at, (nat + 1) * sizeof(*at));
			at[nat++] = hit - (const char *)data;
		}
	}
	sb_init(&gz);
	ok = gzip_encode(data, len, at, nat, 64, GZIP_LEVEL, &gz) == 0;
	free(at);
	if (!ok) {
		sb_free(&gz);
		return (respond_bytes(req, status, type, data, len));
	}
	http_response_header(req, "content-encoding", "gzip");
	(void)respond_bytes(req, status, type, gz.data, gz.len);
	sb_free(&gz);
	return (KORE_RESULT_OK);
}

void
render_page(const char *name, json_t *ctx, struct strbuf *out)
{
	if (template_render(site.tpl, name, ctx, out) != 0) {
		kore_log(LOG_ERR, "template %s missing", name);
		sb_puts(out, "<!doctype html><title>Error</title>");
	}
	json_decref(ctx);
}

int
respond_html(struct http_request *req, int status, const struct strbuf *html)
{
	http_response_header(req, "cache-control", "no-cache");
	return (respond_negotiated(req, status, "text/html; charset=utf-8",
	    html->data, html->len, "Cookie, Accept-Language"));
}

int
respond_page(struct http_request *req, int status, const char *name,
    json_t *ctx)
{
	struct strbuf	out;

	sb_init(&out);
	render_page(name, ctx, &out);
	(void)respond_html(req, status, &out);
	sb_free(&out);
	return (KORE_RESULT_OK);
}

/* "/articles/refund-policy-express" -> "articles refund policy express". */
static json_t *
path_words(const char *path)
{
	char	buf[200];
	size_t	i, n;

	n = 0;
	for (i = 0; path[i] != '\0' && n + 1 < sizeof(buf); i++) {
		if (path[i] == '/' || path[i] == '-' || path[i] == '_' ||
		    path[i] == '.' || path[i] == '+' || path[i] == '%') {
			if (n > 0 && buf[n - 1] != ' ')
				buf[n++] = ' ';
		} else
			buf[n++] = path[i];
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	/* The collection names say nothing about what was sought. */
	if (!strncmp(buf, "articles ", 9) || !strncmp(buf, "categories ", 11))
		return (json_string(strchr(buf, ' ') + 1));
	return (json_stringn(buf, n));
}

int
respond_error_page(struct http_request *req, int status, const char *message)
{
	const char	*lang, *ui;
	json_t		*ctx;

	/* No cookie here: a handler may have set it already. */
	lang = choose_lang(req, 0);
	ui = i18n_ui_lang(lang);
	ctx = page_context(req, lang, status == 404 ?
	    i18n_get(ui, "not_found_title") : i18n_get(ui, "bad_request_title"));
	json_object_set_new(ctx, "status", json_integer(status));
	json_object_set_new(ctx, "hide_header_search", json_true());
	json_object_set_new(ctx, "is_404", json_boolean(status == 404));
	/* A 404's search box starts with the words of the missing address. */
	if (status == 404)
		json_object_set_new(ctx, "q404", path_words(req->path));
	if (message != NULL)
		json_object_set_new(ctx, "message", json_string(message));
	return (respond_page(req, status, "error", ctx));
}

int
respond_json(struct http_request *req, int status, json_t *value)
{
	char	*s;

	/* NULL: a json_pack() failed, a bug; answer it rather than crash. */
	if (value == NULL || (s = json_dumps(value, JSON_COMPACT)) == NULL) {
		kore_log(LOG_ERR, "%s: JSON could not be built", req->path);
		json_decref(value);
		status = 500;
		s = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":"
		    "\"The answer could not be built; this is a bug.\"}}");
	} else {
		json_decref(value);
	}
	http_response_header(req, "cache-control", "no-cache");
	(void)respond_negotiated(req, status, "application/json; charset=utf-8",
	    s, strlen(s), NULL);
	free(s);
	return (KORE_RESULT_OK);
}

int
respond_json_error(struct http_request *req, int status, const char *code,
    const char *message, const char *field)
{
	json_t	*err;

	err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (field != NULL)
		json_object_set_new(err, "field", json_string(field));
	return (respond_json(req, status, json_pack("{s:o}", "error", err)));
}

const char *
write_unavailable(struct http_request *req)
{
	const char	*msg;
	char		 secs[16];
	int		 retry;

	msg = db_error_message(db_write_error(NULL), &retry);
	(void)snprintf(secs, sizeof(secs), "%d", retry);
	http_response_header(req, "retry-after", secs);
	return (msg);
}

int
respond_write_unavailable(struct http_request *req)
{
	const char	*msg;

	msg = write_unavailable(req);
	return (respond_json_error(req, 503, "unavailable", msg, NULL));
}

int
respond_redirect(struct http_request *req, int status, const char *location)
{
	struct strbuf	sb;

	/* Keep ?lang= and the rest when moving an old address to a new one. */
	sb_init(&sb);
	sb_puts(&sb, location);
	if (req->query_string != NULL && *req->query_string != '\0' &&
	    strchr(location, '?') == NULL)
		sb_printf(&sb, "?%s", req->query_string);
	http_response_header(req, "location", sb.data);
	sb_free(&sb);
	return (respond_bytes(req, status, "text/plain; charset=utf-8", NULL,
	    0));
}

json_t *
category_ref_json(const char *slug, const char *lang)
{
	const struct category	*c;
	struct strbuf		 url;
	json_t			*o;

	if ((c = catalog_category(site.cat, slug)) == NULL)
		return (json_null());
	sb_init(&url);
	sb_printf(&url, "/categories/%s", slug);
	o = json_pack("{s:s, s:s, s:s}", "slug", slug, "title",
	    category_text_in(c, lang)->title, "url", url.data);
	sb_free(&url);
	return (o);
}

json_t *
article_summary_json(const struct article *a, const char *lang)
{
	const struct article_version	*v;
	json_t				*o, *langs, *tags;
	struct strbuf			 url;
	char				 date[32];
	size_t				 i;

	if ((v = article_version_in(a, lang)) == NULL)
		v = &a->versions[0];
	sb_init(&url);
	sb_printf(&url, "/articles/%s", a->slug);
	if (strcmp(v->lang, a->versions[0].lang))
		sb_printf(&url, "?lang=%s", v->lang);
	format_date(v->updated, date, sizeof(date));
	langs = json_array();
	for (i = 0; i < a->nversions; i++)
		json_array_append_new(langs, json_string(a->versions[i].lang));
	tags = json_array();
	for (i = 0; i < v->ntags; i++)
		json_array_append_new(tags, json_string(v->tags[i]));
	o = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:o, s:s, s:o, s:o}",
	    "slug", a->slug, "title", v->title, "summary", v->summary,
	    "lang", v->lang, "url", url.data,
	    "category", category_ref_json(a->category, lang),
	    "updated", date, "langs", langs, "tags", tags);
	sb_free(&url);
	return (o);
}
