/* admin_analytics.c: the editors' analytics: /admin (figures, SVG charts, article problems, reviews due), CSV exports, GET /api/v1/analytics/summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/core/site.h"
#include "http/core/visitor.h"
#include "deflection/figures.h"
#include "deflection/svg.h"
#include "render/i18n.h"
#include "tickets/csat.h"
#include "util/strbuf.h"
#include "util/text.h"

int	page_admin(struct http_request *);
int	admin_export(struct http_request *);
int	api_analytics_summary(struct http_request *);

/* The default range: the last 30 days, today included. */
#define DEFAULT_DAYS	30

/* A validated date range: [from, to) in unix seconds, and as typed. */
struct range {
	long long	from, to;
	char		first[11], last[11];
};

/*
 * Reads ?from= and ?to= (YYYY-MM-DD, UTC, both days included). Returns
 * NULL and fills r, or the name of the field at fault.
 */
static const char *
range_read(struct http_request *req, struct range *r)
{
	char		*from, *to;
	long long	 today;
	const char	*bad;
	int		 hf, ht;

	bad = NULL;
	from = to = NULL;
	today = (long long)time(NULL) / 86400 * 86400;
	r->to = today + 86400;
	r->from = today - (DEFAULT_DAYS - 1) * 86400LL;
	if ((hf = query_get(req, "from", &from)) == -1)
		bad = "from";
	else if ((ht = query_get(req, "to", &to)) == -1)
		bad = "to";
	else if (hf == 1 && *from != '\0' &&
	    figures_parse_day(from, &r->from) != 0)
		bad = "from";
	else if (ht == 1 && *to != '\0' && figures_parse_day(to, &r->to) != 0)
		bad = "to";
	else {
		if (ht == 1 && *to != '\0')
			r->to += 86400;
		/* Only from was given: the 30 days from it. */
		if (hf == 1 && *from != '\0' && (ht != 1 || *to == '\0'))
			r->to = r->from + DEFAULT_DAYS * 86400LL;
		if (r->from >= r->to)
			bad = "from";
		else if ((r->to - r->from) / 86400 > FIGURES_MAX_DAYS)
			bad = "to";
	}
	free(from);
	free(to);
	figures_format_day(r->from, r->first);
	figures_format_day(r->to - 1, r->last);
	return (bad);
}

/* Adds each article's title (in lang) to the summary's article rows. */
static void
add_titles(json_t *summary, const char *lang)
{
	const struct article		*a;
	const struct article_version	*v;
	json_t				*row;
	size_t				 i;

	json_array_foreach(json_object_get(summary, "articles"), i, row) {
		a = catalog_article(site.cat, json_string_value(
		    json_object_get(row, "slug")));
		if (a == NULL)
			continue;
		if ((v = article_version_in(a, lang)) == NULL)
			v = &a->versions[0];
		json_object_set_new(row, "title", json_string(v->title));
	}
}

static json_t *
summary_for(const struct range *r, const char *lang)
{
	json_t	*s;

	json_t	*cs;

	if (site.db == NULL || (s = figures_summary(site.db, r->from, r->to,
	    (long long)time(NULL))) == NULL)
		return (NULL);
	/* Satisfaction is the tickets domain's: its own tables and SQL. */
	if ((cs = csat_summary(site.db, r->from, r->to)) == NULL) {
		json_decref(s);
		return (NULL);
	}
	json_object_set_new(s, "csat", cs);
	add_titles(s, lang);
	return (s);
}

/* "12.5 %" for a rate, or the "none" text for null. */
static json_t *
percent(json_t *v, const char *none)
{
	char	buf[32];

	if (!json_is_number(v))
		return (json_string(none));
	(void)snprintf(buf, sizeof(buf), "%.1f %%", 100.0 * json_number_value(v));
	return (json_string(buf));
}

static json_t *
decimal(json_t *v, const char *none)
{
	char	buf[32];

	if (!json_is_number(v))
		return (json_string(none));
	(void)snprintf(buf, sizeof(buf), "%.2f", json_number_value(v));
	return (json_string(buf));
}

static json_t *
kpi(const char *label, json_t *value, const char *detail)
{
	return (json_pack("{s:s, s:o, s:s}", "label", label, "value", value,
	    "detail", detail ? detail : ""));
}

static json_t *
kpis(json_t *s, const char *ui)
{
	json_t		*arr, *d, *se, *tf, *cs;
	char		 detail[200], num[32];

	arr = json_array();
	d = json_object_get(s, "deflection");
	se = json_object_get(s, "searches");
	tf = json_object_get(s, "ticket_form");
	(void)snprintf(detail, sizeof(detail), "%lld %s ÷ %lld",
	    (long long)json_integer_value(json_object_get(s, "visitors")),
	    i18n_get(ui, "an_visitors"),
	    (long long)json_integer_value(json_object_get(s,
	    "ticket_visitors")));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_self_service"),
	    decimal(json_object_get(s, "self_service_score"),
	    i18n_get(ui, "an_no_tickets")), detail));
	/* The formula's own shape: (explicit + implicit) ÷ (… + tickets). */
	(void)snprintf(detail, sizeof(detail), "(%lld %s + %lld %s) ÷ "
	    "(%lld + %lld + %lld %s); %lld %s", (long long)json_integer_value(
	    json_object_get(d, "explicit")), i18n_get(ui, "an_explicit"),
	    (long long)json_integer_value(json_object_get(d, "implicit")),
	    i18n_get(ui, "an_implicit"),
	    (long long)json_integer_value(json_object_get(d, "explicit")),
	    (long long)json_integer_value(json_object_get(d, "implicit")),
	    (long long)json_integer_value(json_object_get(s,
	    "tickets_submitted")), i18n_get(ui, "an_tickets"),
	    (long long)json_integer_value(json_object_get(d,
	    "implicit_pending")), i18n_get(ui, "an_pending"));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_deflection"),
	    percent(json_object_get(d, "rate"), i18n_get(ui, "an_none")),
	    detail));
	(void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
	    json_object_get(se, "total")));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_searches"),
	    json_string(num), NULL));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_click_through"),
	    percent(json_object_get(se, "click_through"), i18n_get(ui,
	    "an_none")), NULL));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_zero_rate"),
	    percent(json_object_get(se, "zero_result_rate"), i18n_get(ui,
	    "an_none")), NULL));
	(void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
	    json_object_get(se, "article_views")));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_views"),
	    json_string(num), NULL));
	(void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
	    json_object_get(s, "tickets_submitted")));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_tickets"),
	    json_string(num), NULL));
	(void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
	    json_object_get(tf, "left_after_suggestion")));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_form_left"),
	    json_string(num), NULL));
	cs = json_object_get(s, "csat");
	(void)snprintf(detail, sizeof(detail), "%lld %s ÷ %lld %s",
	    (long long)json_integer_value(json_object_get(cs, "good")),
	    i18n_get(ui, "an_good"), (long long)json_integer_value(
	    json_object_get(cs, "answered")), i18n_get(ui, "an_answered"));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_csat"),
	    percent(json_object_get(cs, "csat"), i18n_get(ui, "an_none")),
	    detail));
	(void)snprintf(detail, sizeof(detail), "%lld %s ÷ %lld %s",
	    (long long)json_integer_value(json_object_get(cs, "answered")),
	    i18n_get(ui, "an_answered"), (long long)json_integer_value(
	    json_object_get(cs, "solved")), i18n_get(ui, "an_solved_tickets"));
	json_array_append_new(arr, kpi(i18n_get(ui, "an_response_rate"),
	    percent(json_object_get(cs, "response_rate"), i18n_get(ui,
	    "an_none")), detail));
	return (arr);
}

/* The two daily charts and the funnel, as SVG strings. */
static void
charts(json_t *ctx, json_t *s, const char *ui)
{
	struct svg_series	 lines[3], rate;
	json_t			*days, *d, *f;
	const char		**labels;
	double			*vals;
	long long		*counts;
	char			*svg, key[64];
	size_t			 i, n;

	days = json_object_get(s, "daily");
	n = json_array_size(days);
	labels = xcalloc(n + 1, sizeof(*labels));
	vals = xcalloc(4 * (n + 1), sizeof(*vals));
	json_array_foreach(days, i, d) {
		labels[i] = json_string_value(json_object_get(d, "day"));
		vals[i] = (double)json_integer_value(json_object_get(d,
		    "searches"));
		vals[n + i] = (double)json_integer_value(json_object_get(d,
		    "views"));
		vals[2 * n + i] = (double)json_integer_value(json_object_get(d,
		    "tickets"));
		f = json_object_get(d, "deflection_rate");
		vals[3 * n + i] = json_is_number(f) ? json_number_value(f) :
		    NAN;
	}
	lines[0] = (struct svg_series){ i18n_get(ui, "an_searches"), vals,
	    "#2563eb" };
	lines[1] = (struct svg_series){ i18n_get(ui, "an_views"), vals + n,
	    "#16a34a" };
	lines[2] = (struct svg_series){ i18n_get(ui, "an_tickets"),
	    vals + 2 * n, "#dc2626" };
	rate = (struct svg_series){ i18n_get(ui, "an_deflection"),
	    vals + 3 * n, "#7c3aed" };
	svg = svg_lines(i18n_get(ui, "an_trends"), labels, lines, 3, n, 0);
	json_object_set_new(ctx, "chart_trends", json_string(svg));
	free(svg);
	svg = svg_lines(i18n_get(ui, "an_rate_chart"), labels, &rate, 1, n, 1);
	json_object_set_new(ctx, "chart_rate", json_string(svg));
	free(svg);

	f = json_object_get(s, "funnel");
	n = json_array_size(f);
	free(labels);
	labels = xcalloc(n + 1, sizeof(*labels));
	counts = xcalloc(n + 1, sizeof(*counts));
	json_array_foreach(f, i, d) {
		(void)snprintf(key, sizeof(key), "an_stage_%s",
		    json_string_value(json_object_get(d, "stage")));
		labels[i] = i18n_get(ui, key);
		counts[i] = (long long)json_integer_value(json_object_get(d,
		    "visitors"));
	}
	svg = svg_bars(i18n_get(ui, "an_funnel"), labels, counts, n);
	json_object_set_new(ctx, "chart_funnel", json_string(svg));
	free(svg);
	free(counts);
	free(vals);
	free(labels);
}

/* The catalog's problems and the article versions whose review_by has passed. */
static void
upkeep(json_t *ctx, const char *today)
{
	const struct article_version	*v;
	json_t				*probs, *due;
	char				 url[256];
	size_t				 i, j;

	probs = json_array();
	for (i = 0; i < site.cat->nproblems; i++)
		json_array_append_new(probs, json_pack("{s:s, s:i, s:s}",
		    "file", site.cat->problems[i].file, "line",
		    site.cat->problems[i].line, "reason",
		    site.cat->problems[i].reason));
	due = json_array();
	for (i = 0; i < site.cat->narts; i++) {
		for (j = 0; j < site.cat->arts[i].nversions; j++) {
			v = &site.cat->arts[i].versions[j];
			if (v->review_by == NULL || strcmp(v->review_by,
			    today) > 0)
				continue;
			(void)snprintf(url, sizeof(url), "/articles/%s?lang=%s",
			    site.cat->arts[i].slug, v->lang);
			json_array_append_new(due, json_pack("{s:s, s:s, s:s, "
			    "s:s, s:s}", "title", v->title, "url", url, "lang",
			    v->lang, "owner", v->owner ? v->owner : "",
			    "review_by", v->review_by));
		}
	}
	json_object_set_new(ctx, "has_problems",
	    json_boolean(json_array_size(probs) > 0));
	json_object_set_new(ctx, "problems", probs);
	json_object_set_new(ctx, "has_reviews",
	    json_boolean(json_array_size(due) > 0));
	json_object_set_new(ctx, "reviews", due);
}

/* The CSAT rows for the page: rates as percentages, groups and agents named. */
static void
csat_rows(json_t *ctx, json_t *cs, const char *ui)
{
	static const char *const	lists[][2] = {
		{ "daily", "csat_daily" },
		{ "groups", "csat_groups" },
		{ "agents", "csat_agents" },
	};
	json_t		*row, *arr;
	const char	*g, *w;
	char		 key[96];
	size_t		 i, k;

	for (k = 0; k < 3; k++) {
		arr = json_object_get(cs, lists[k][0]);
		json_array_foreach(arr, i, row) {
			json_object_set_new(row, "csat_text", percent(
			    json_object_get(row, "csat"), i18n_get(ui,
			    "an_none")));
			json_object_set_new(row, "response_text", percent(
			    json_object_get(row, "response_rate"),
			    i18n_get(ui, "an_none")));
			if ((g = json_string_value(json_object_get(row,
			    "group"))) != NULL) {
				(void)snprintf(key, sizeof(key), "tk_group_%s",
				    g);
				w = i18n_get(ui, key);
				json_object_set_new(row, "label",
				    json_string(w == key ? g : w));
			}
			if ((g = json_string_value(json_object_get(row,
			    "agent"))) != NULL)
				json_object_set_new(row, "label", json_string(
				    g[0] != '\0' ? g : i18n_get(ui,
				    "an_no_agent")));
		}
		json_object_set(ctx, lists[k][1], arr);
	}
	/* Days with a solved ticket only: a month of zeros says nothing. */
	arr = json_array();
	json_array_foreach(json_object_get(cs, "daily"), i, row)
		if (json_integer_value(json_object_get(row, "solved")) > 0)
			json_array_append(arr, row);
	json_object_set_new(ctx, "csat_days", arr);
	json_object_set_new(ctx, "has_csat", json_boolean(json_integer_value(
	    json_object_get(cs, "solved")) > 0));
}

/* Formats the summary's tables for the page (numbers as text, empty flags). */
static void
tables(json_t *ctx, json_t *s, const struct range *r, const char *ui)
{
	static const char *const	names[][2] = {
		{ "top_queries", "queries" },
		{ "zero_result_queries", "zero_results" },
		{ "articles", "articles" },
		{ "reasons", "reasons" },
		{ "comments", "comments" },
		{ "before_ticket", "before_ticket" },
		{ "daily", "daily" },
	};
	json_t		*row, *arr;
	char		 key[64], url[160], day[11];
	size_t		 i, k;

	json_array_foreach(json_object_get(s, "articles"), i, row) {
		json_object_set_new(row, "helpfulness_text",
		    decimal(json_object_get(row, "helpfulness"),
		    i18n_get(ui, "an_none")));
		if (json_object_get(row, "title") == NULL)
			json_object_set(row, "title", json_object_get(row,
			    "slug"));
	}
	json_array_foreach(json_object_get(s, "reasons"), i, row) {
		(void)snprintf(key, sizeof(key), "fb_reason_%s",
		    json_string_value(json_object_get(row, "reason")));
		json_object_set_new(row, "label", json_string(
		    !strcmp(json_string_value(json_object_get(row, "reason")),
		    "none") ? i18n_get(ui, "an_none") : i18n_get(ui, key)));
	}
	json_array_foreach(json_object_get(s, "comments"), i, row) {
		figures_format_day(json_integer_value(json_object_get(row,
		    "at")), day);
		json_object_set_new(row, "day", json_string(day));
	}
	csat_rows(ctx, json_object_get(s, "csat"), ui);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		arr = json_object_get(s, names[k][0]);
		json_object_set(ctx, names[k][0], arr);
		(void)snprintf(key, sizeof(key), "has_%s", names[k][0]);
		json_object_set_new(ctx, key,
		    json_boolean(json_array_size(arr) > 0));
		(void)snprintf(key, sizeof(key), "csv_%s", names[k][1]);
		(void)snprintf(url, sizeof(url), "/admin/export/%s.csv?from=%s&"
		    "to=%s", names[k][1], r->first, r->last);
		json_object_set_new(ctx, key, json_string(url));
	}
}

int
page_admin(struct http_request *req)
{
	struct token_owner	 owner;
	struct range		 r;
	struct strbuf		 msg;
	const char		*lang, *ui, *bad;
	json_t			*ctx, *s;
	char			 today[11];
	int			 rc;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!staff_auth(req, TOKEN_ROLE_EDITOR, &owner))
		return (respond_redirect(req, 303, "/login?next=/admin"));
	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	if ((bad = range_read(req, &r)) != NULL) {
		sb_init(&msg);
		sb_printf(&msg, "%s%s", i18n_get(ui, "an_bad_date"), bad);
		rc = respond_error_page(req, 400, msg.data);
		sb_free(&msg);
		return (rc);
	}
	if ((s = summary_for(&r, lang)) == NULL)
		return (respond_error_page(req, 503, NULL));
	ctx = page_context(req, lang, i18n_get(ui, "an_title"));
	json_object_set_new(ctx, "noindex", json_true());
	json_object_set_new(ctx, "staff", json_string(owner.name));
	json_object_set_new(ctx, "from", json_string(r.first));
	json_object_set_new(ctx, "to", json_string(r.last));
	json_object_set_new(ctx, "kpis", kpis(s, ui));
	charts(ctx, s, ui);
	tables(ctx, s, &r, ui);
	figures_format_day((long long)time(NULL), today);
	upkeep(ctx, today);
	json_decref(s);
	/* Figures of real visitors: never cached by a shared cache. */
	http_response_header(req, "cache-control", "private, no-store");
	return (respond_page(req, 200, "admin_analytics", ctx));
}

int
admin_export(struct http_request *req)
{
	struct token_owner	 owner;
	struct range		 r;
	const char		*bad;
	char			 table[32], disp[128], *csv;
	json_t			*s;
	size_t			 n;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!staff_auth(req, TOKEN_ROLE_EDITOR, &owner))
		return (respond_redirect(req, 303, "/login?next=/admin"));
	/* /admin/export/<table>.csv; kore.conf allows [a-z_]+ only. */
	n = strlen(req->path) - strlen("/admin/export/") - strlen(".csv");
	if (n == 0 || n >= sizeof(table))
		return (respond_error_page(req, 404, NULL));
	memcpy(table, req->path + strlen("/admin/export/"), n);
	table[n] = '\0';
	if ((bad = range_read(req, &r)) != NULL)
		return (respond_error_page(req, 400, i18n_get(i18n_ui_lang(
		    request_lang(req)), "an_bad_date")));
	if ((s = summary_for(&r, request_lang(req))) == NULL)
		return (respond_error_page(req, 503, NULL));
	csv = figures_csv(s, table);
	json_decref(s);
	if (csv == NULL)
		return (respond_error_page(req, 404, NULL));
	(void)snprintf(disp, sizeof(disp), "attachment; filename=\"%s-%s-%s"
	    ".csv\"", table, r.first, r.last);
	http_response_header(req, "content-disposition", disp);
	http_response_header(req, "cache-control", "private, no-store");
	(void)respond_bytes(req, 200, "text/csv; charset=utf-8", csv,
	    strlen(csv));
	free(csv);
	return (KORE_RESULT_OK);
}

int
api_analytics_summary(struct http_request *req)
{
	struct token_owner	 owner;
	struct range		 r;
	const char		*bad;
	json_t			*s;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!staff_auth(req, TOKEN_ROLE_EDITOR, &owner)) {
		http_response_header(req, "www-authenticate", "Bearer");
		return (respond_json_error(req, 401, "unauthorized", "Send an "
		    "editor's token: Authorization: Bearer <token> (hcctl token "
		    "add editor NAME).", NULL));
	}
	if ((bad = range_read(req, &r)) != NULL)
		return (respond_json_error(req, 400, "invalid_date", "Dates are "
		    "YYYY-MM-DD (UTC), from no later than to, at most 731 days.",
		    bad));
	if ((s = summary_for(&r, request_lang(req))) == NULL)
		return (respond_json_error(req, 503, "unavailable", "The "
		    "figures cannot be read just now; try again.", NULL));
	http_response_header(req, "cache-control", "private, no-store");
	return (respond_json(req, 200, s));
}
