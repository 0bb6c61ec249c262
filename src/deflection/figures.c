/* figures.c: the self-service figures: Wilson bound, rates without division by zero, and the SQL over events, votes and the daily roll-up. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "figures.h"
#include "store/db.h"
#include "util/strbuf.h"

#define WILSON_Z	1.96

double
figures_wilson_lower(long long yes, long long n)
{
	double	p, z2, centre, margin;

	if (n <= 0 || yes < 0 || yes > n)
		return (0.0);
	p = (double)yes / (double)n;
	z2 = WILSON_Z * WILSON_Z;
	centre = p + z2 / (2.0 * n);
	margin = WILSON_Z * sqrt((p * (1.0 - p) + z2 / (4.0 * n)) / n);
	return ((centre - margin) / (1.0 + z2 / n));
}

static double
round4(double x)
{
	return (round(x * 10000.0) / 10000.0);
}

int
figures_ratio(long long num, long long den, double *out)
{
	if (den == 0) {
		*out = 0.0;
		return (0);
	}
	*out = round4((double)num / (double)den);
	return (1);
}

int
figures_parse_day(const char *s, long long *ts)
{
	struct tm	tm;
	char		back[11];
	int		i;

	if (s == NULL || strlen(s) != 10)
		return (-1);
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (-1);
		} else if (s[i] < '0' || s[i] > '9')
			return (-1);
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	if (tm.tm_year < 70 || tm.tm_year > 1100)
		return (-1);
	*ts = (long long)timegm(&tm);
	/* 2026-02-30 normalises to March: not a real date. */
	figures_format_day(*ts, back);
	return (strcmp(back, s) == 0 ? 0 : -1);
}

void
figures_format_day(long long ts, char *out)
{
	struct tm	tm;
	time_t		t;

	t = (time_t)ts;
	(void)gmtime_r(&t, &tm);
	(void)strftime(out, 11, "%Y-%m-%d", &tm);
}

/*
 * The range every query binds: ?1 from, ?2 to (exclusive), ?3 now, ?4 and
 * ?5 the first and last day for the daily roll-up.
 */
struct range {
	long long	from, to, now;
	char		first[11], last[11];
};

static struct db_stmt *
prepare(struct store *db, const char *sql, const struct range *r)
{
	struct db_stmt	*st;
	int		 n;

	if (db_prepare(db, sql, &st) != 0)
		return (NULL);
	n = db_param_count(st);
	if (n >= 1)
		db_bind_int64(st, 1, r->from);
	if (n >= 2)
		db_bind_int64(st, 2, r->to);
	if (n >= 3)
		db_bind_int64(st, 3, r->now);
	if (n >= 4)
		db_bind_text(st, 4, r->first);
	if (n >= 5)
		db_bind_text(st, 5, r->last);
	return (st);
}

/* Runs sql and returns its first column (NULL as 0); -1 on error. */
static long long
one(struct store *db, const char *sql, const struct range *r)
{
	struct db_stmt	*st;
	long long	 v;

	if ((st = prepare(db, sql, r)) == NULL)
		return (-1);
	v = db_step(st) == STORE_ROW ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	return (v);
}

/* Raw events of type in the range plus their daily roll-up. */
static long long
count_type(struct store *db, const char *type, const char *raw_where,
    const char *daily_where, const struct range *r, int *err)
{
	char		sql[512];
	long long	a, b;

	(void)snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE "
	    "type = '%s' AND ts >= ?1 AND ts < ?2%s", type, raw_where);
	a = one(db, sql, r);
	(void)snprintf(sql, sizeof(sql), "SELECT coalesce(sum(n), 0) FROM "
	    "event_daily WHERE type = '%s' AND day BETWEEN ?4 AND ?5%s", type,
	    daily_where);
	b = one(db, sql, r);
	if (a < 0 || b < 0)
		*err = 1;
	return (a + b);
}

/* Appends each row of sql to arr as an object named by cols. */
static int
rows(struct store *db, const char *sql, const struct range *r, json_t *arr,
    const char *const *cols)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = prepare(db, sql, r)) == NULL)
		return (-1);
	rc = db_rows_json(st, cols, arr);
	db_finalize(st);
	return (rc);
}

static json_t *
rate_json(long long num, long long den)
{
	double	v;

	return (figures_ratio(num, den, &v) ? json_real(v) : json_null());
}

/* A suggestion click with no ticket by the visitor in the 24 h after it. */
#define NO_TICKET_AFTER	"NOT EXISTS (SELECT 1 FROM events t WHERE " \
	"t.visitor = c.visitor AND t.type = 'ticket_submitted' AND " \
	"t.ts >= c.ts AND t.ts <= c.ts + 86400)"

static const char	top_queries_sql[] =
    "SELECT q, sum(n) AS cnt, sum(z) AS zero FROM ("
    " SELECT norm_query AS q, count(*) AS n,"
    " sum(CASE WHEN result_count = 0 THEN 1 ELSE 0 END) AS z"
    " FROM events WHERE type = 'search' AND ts >= ?1 AND ts < ?2"
    " GROUP BY norm_query"
    " UNION ALL SELECT query, sum(n), sum(CASE WHEN zero <> 0 THEN n ELSE 0 END)"
    " FROM event_daily WHERE type = 'search' AND day BETWEEN ?4 AND ?5"
    " GROUP BY query) AS s"
    " WHERE q IS NOT NULL GROUP BY q %s ORDER BY %s DESC, q LIMIT 20";

static const char	articles_sql[] =
    "SELECT slug, sum(v), sum(y), sum(nn) FROM ("
    " SELECT slug, count(*) AS v, 0 AS y, 0 AS nn FROM events"
    " WHERE type = 'article_view' AND ts >= ?1 AND ts < ?2 GROUP BY slug"
    " UNION ALL SELECT slug, sum(n), 0, 0 FROM event_daily"
    " WHERE type = 'article_view' AND day BETWEEN ?4 AND ?5 GROUP BY slug"
    " UNION ALL SELECT slug, 0, sum(helpful), sum(1 - helpful) FROM votes"
    " WHERE ts >= ?1 AND ts < ?2 GROUP BY slug) AS s"
    " WHERE slug IS NOT NULL AND slug <> '' GROUP BY slug"
    " ORDER BY 2 DESC, 3 + 4 DESC, slug LIMIT 100";

static int
articles(struct store *db, const struct range *r, json_t *arr)
{
	struct db_stmt	*st;
	long long	 yes, no;
	int		 rc;

	if ((st = prepare(db, articles_sql, r)) == NULL)
		return (-1);
	while ((rc = db_step(st)) == STORE_ROW) {
		yes = db_col_int64(st, 2);
		no = db_col_int64(st, 3);
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:I, s:o}", "slug", (const char *)db_col_text(st, 0),
		    "views", (json_int_t)db_col_int64(st, 1),
		    "yes", (json_int_t)yes, "no", (json_int_t)no,
		    "votes", (json_int_t)(yes + no), "helpfulness",
		    yes + no > 0 ? json_real(round4(figures_wilson_lower(yes,
		    yes + no))) : json_null()));
	}
	db_finalize(st);
	return (rc == STORE_DONE ? 0 : -1);
}

/* Adds n to column col of day rows[(day start - from) / 86400]. */
static int
daily_add(struct store *db, const char *sql, const struct range *r,
    json_t *days, const char *col)
{
	struct db_stmt	*st;
	json_t		*d;
	long long	 i;
	int		 rc;

	if ((st = prepare(db, sql, r)) == NULL)
		return (-1);
	while ((rc = db_step(st)) == STORE_ROW) {
		i = db_col_int64(st, 0);
		if ((d = json_array_get(days, (size_t)i)) == NULL)
			continue;
		json_object_set_new(d, col, json_integer(json_integer_value(
		    json_object_get(d, col)) + db_col_int64(st, 1)));
	}
	db_finalize(st);
	return (rc == STORE_DONE ? 0 : -1);
}

#define RAW_DAY		"SELECT (ts - ?1) / 86400 AS d, count(*) FROM events " \
	"WHERE ts >= ?1 AND ts < ?2 AND type = "
/* A day's text as seconds: SQLite's strftime, PostgreSQL's EXTRACT. */
#define ROLLUP_DAY(secs) "SELECT (" secs " - ?1) / 86400 AS d, sum(n) " \
	"FROM event_daily WHERE day BETWEEN ?4 AND ?5 AND type = "
#define LITE_SECS	"CAST(strftime('%%s', day) AS INTEGER)"
#define PG_SECS		"CAST(EXTRACT(EPOCH FROM CAST(day AS date)) AS BIGINT)"

static json_t *
daily(struct store *db, const struct range *r, int *err)
{
	static const struct {
		const char	*col, *type;
	} kinds[] = {
		{ "searches", "'search'" },
		{ "views", "'article_view'" },
		{ "tickets", "'ticket_submitted'" },
		{ "explicit", "'deflected'" },
	};
	json_t		*days, *d;
	long long	 t, ex, im, tk;
	char		 day[11], sql[512];
	size_t		 i, k;

	days = json_array();
	for (t = r->from; t < r->to; t += 86400) {
		figures_format_day(t, day);
		json_array_append_new(days, json_pack("{s:s, s:i, s:i, s:i, "
		    "s:i, s:i}", "day", day, "searches", 0, "views", 0,
		    "tickets", 0, "explicit", 0, "implicit", 0));
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		(void)snprintf(sql, sizeof(sql), RAW_DAY "%s GROUP BY d",
		    kinds[k].type);
		*err |= daily_add(db, sql, r, days, kinds[k].col) != 0;
		(void)snprintf(sql, sizeof(sql), db_backend(db) == DB_PG ?
		    ROLLUP_DAY(PG_SECS) "%s GROUP BY d" :
		    ROLLUP_DAY(LITE_SECS) "%s GROUP BY d", kinds[k].type);
		*err |= daily_add(db, sql, r, days, kinds[k].col) != 0;
	}
	*err |= daily_add(db, "SELECT (ts - ?1) / 86400 AS d, count(*) FROM "
	    "votes WHERE ts >= ?1 AND ts < ?2 AND helpful = 1 GROUP BY d", r,
	    days, "explicit") != 0;
	*err |= daily_add(db, "SELECT (c.ts - ?1) / 86400 AS d, count(*) FROM "
	    "events c WHERE c.type = 'suggestion_clicked' AND c.ts >= ?1 AND "
	    "c.ts < ?2 AND c.ts + 86400 <= ?3 AND " NO_TICKET_AFTER
	    " GROUP BY d", r, days, "implicit") != 0;
	json_array_foreach(days, i, d) {
		ex = json_integer_value(json_object_get(d, "explicit"));
		im = json_integer_value(json_object_get(d, "implicit"));
		tk = json_integer_value(json_object_get(d, "tickets"));
		json_object_set_new(d, "deflection_rate",
		    rate_json(ex + im, ex + im + tk));
	}
	return (days);
}

json_t *
figures_summary(struct store *db, long long from, long long to, long long now)
{
	static const char *const	q_cols[] = { "query", "count", "zero",
					    NULL };
	/* Columns q, cnt, zero: "count" is the zero-result searches. */
	static const char *const	z_cols[] = { "query", "searches",
					    "count", NULL };
	static const char *const	r_cols[] = { "reason", "count", NULL };
	static const char *const	c_cols[] = { "slug", "reason",
					    "comment", "at", NULL };
	static const char *const	b_cols[] = { "slug", "tickets", NULL };
	static const char *const	f_cols[] = { "stage", "visitors",
					    NULL };
	struct range	 r;
	json_t		*o, *arr;
	long long	 visitors, tvisitors, searches, zero, clicks, views;
	long long	 tickets, deflected, yes, implicit, pending, left;
	long long	 shown, sclicks;
	char		 sql[1024], fday[11], tday[11];
	int		 err;

	/* What other workers still hold is at most a second old. */
	(void)events_flush(db);
	r.from = from;
	r.to = to;
	r.now = now;
	figures_format_day(from, r.first);
	figures_format_day(to - 1, r.last);
	err = 0;

	visitors = one(db, "SELECT count(DISTINCT visitor) FROM events WHERE "
	    "ts >= ?1 AND ts < ?2 AND visitor <> ''", &r);
	tvisitors = one(db, "SELECT count(DISTINCT visitor) FROM events WHERE "
	    "type = 'ticket_submitted' AND ts >= ?1 AND ts < ?2 AND "
	    "visitor <> ''", &r);
	searches = count_type(db, EV_SEARCH, "", "", &r, &err);
	zero = count_type(db, EV_SEARCH, " AND result_count = 0",
	    " AND zero = 1", &r, &err);
	clicks = count_type(db, EV_SEARCH_CLICK, "", "", &r, &err);
	views = count_type(db, EV_ARTICLE_VIEW, "", "", &r, &err);
	tickets = count_type(db, EV_TICKET_SUBMITTED, "", "", &r, &err);
	deflected = count_type(db, EV_DEFLECTED, "", "", &r, &err);
	shown = count_type(db, EV_TICKET_FORM_SHOWN, "", "", &r, &err);
	sclicks = count_type(db, EV_SUGGESTION_CLICKED, "", "", &r, &err);
	yes = one(db, "SELECT count(*) FROM votes WHERE helpful = 1 AND "
	    "ts >= ?1 AND ts < ?2", &r);
	implicit = one(db, "SELECT count(*) FROM events c WHERE "
	    "c.type = 'suggestion_clicked' AND c.ts >= ?1 AND c.ts < ?2 AND "
	    "c.ts + 86400 <= ?3 AND " NO_TICKET_AFTER, &r);
	pending = one(db, "SELECT count(*) FROM events c WHERE "
	    "c.type = 'suggestion_clicked' AND c.ts >= ?1 AND c.ts < ?2 AND "
	    "c.ts + 86400 > ?3 AND " NO_TICKET_AFTER, &r);
	left = one(db, "SELECT count(DISTINCT c.visitor) FROM events c WHERE "
	    "c.type = 'suggestion_clicked' AND c.ts >= ?1 AND c.ts < ?2 AND "
	    "c.ts + 86400 <= ?3 AND " NO_TICKET_AFTER, &r);
	if (visitors < 0 || tvisitors < 0 || yes < 0 || implicit < 0 ||
	    pending < 0 || left < 0 || err)
		return (NULL);

	figures_format_day(from, fday);
	figures_format_day(to - 1, tday);
	o = json_pack("{s:s, s:s, s:I, s:I, s:o, s:I}", "from", fday, "to",
	    tday, "visitors", (json_int_t)visitors, "ticket_visitors",
	    (json_int_t)tvisitors, "self_service_score",
	    rate_json(visitors, tvisitors), "tickets_submitted",
	    (json_int_t)tickets);
	json_object_set_new(o, "deflection", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:I, s:o}", "explicit", (json_int_t)(deflected + yes),
	    "deflected_events", (json_int_t)deflected, "yes_votes",
	    (json_int_t)yes, "implicit", (json_int_t)implicit,
	    "implicit_pending", (json_int_t)pending, "rate",
	    rate_json(deflected + yes + implicit,
	    deflected + yes + implicit + tickets)));
	json_object_set_new(o, "ticket_form", json_pack("{s:I, s:I, s:I}",
	    "shown", (json_int_t)shown, "suggestion_clicks",
	    (json_int_t)sclicks, "left_after_suggestion", (json_int_t)left));
	json_object_set_new(o, "searches", json_pack("{s:I, s:I, s:o, s:I, "
	    "s:o, s:I}", "total", (json_int_t)searches, "zero_result",
	    (json_int_t)zero, "zero_result_rate", rate_json(zero, searches),
	    "clicks", (json_int_t)clicks, "click_through",
	    rate_json(clicks, searches), "article_views", (json_int_t)views));

	arr = json_array();
	(void)snprintf(sql, sizeof(sql), top_queries_sql, "", "cnt");
	err |= rows(db, sql, &r, arr, q_cols) != 0;
	json_object_set_new(o, "top_queries", arr);
	/* The "articles wanted" list: counts of zero-result searches only. */
	arr = json_array();
	(void)snprintf(sql, sizeof(sql), top_queries_sql, "HAVING sum(z) > 0",
	    "zero");
	err |= rows(db, sql, &r, arr, z_cols) != 0;
	json_object_set_new(o, "zero_result_queries", arr);

	arr = json_array();
	err |= articles(db, &r, arr) != 0;
	json_object_set_new(o, "articles", arr);

	arr = json_array();
	err |= rows(db, "SELECT coalesce(reason, 'none') AS rs, count(*) FROM "
	    "votes WHERE helpful = 0 AND ts >= ?1 AND ts < ?2 GROUP BY rs "
	    "ORDER BY 2 DESC, rs", &r, arr, r_cols) != 0;
	json_object_set_new(o, "reasons", arr);

	arr = json_array();
	err |= rows(db, "SELECT slug, coalesce(reason, 'none'), comment, ts "
	    "FROM votes WHERE helpful = 0 AND comment IS NOT NULL AND "
	    "ts >= ?1 AND ts < ?2 ORDER BY ts DESC, slug LIMIT 20", &r, arr,
	    c_cols) != 0;
	json_object_set_new(o, "comments", arr);

	arr = json_array();
	err |= rows(db, "SELECT slug, count(*) FROM (SELECT (SELECT v.slug "
	    "FROM events v WHERE v.visitor = t.visitor AND "
	    "v.type = 'article_view' AND v.ts <= t.ts AND "
	    "v.ts >= t.ts - 86400 ORDER BY v.ts DESC, v.id DESC LIMIT 1) AS "
	    "slug FROM events t WHERE t.type = 'ticket_submitted' AND "
	    "t.ts >= ?1 AND t.ts < ?2) AS s WHERE slug IS NOT NULL GROUP BY slug "
	    "ORDER BY 2 DESC, slug LIMIT 20", &r, arr, b_cols) != 0;
	json_object_set_new(o, "before_ticket", arr);

	arr = json_array();
	err |= rows(db, "SELECT 'visited', count(DISTINCT visitor) FROM events "
	    "WHERE ts >= ?1 AND ts < ?2 AND visitor <> '' "
	    "UNION ALL SELECT 'searched', count(DISTINCT visitor) FROM events "
	    "WHERE type = 'search' AND ts >= ?1 AND ts < ?2 "
	    "UNION ALL SELECT 'clicked_result', count(DISTINCT visitor) FROM "
	    "events WHERE type = 'search_click' AND ts >= ?1 AND ts < ?2 "
	    "UNION ALL SELECT 'read_article', count(DISTINCT visitor) FROM "
	    "events WHERE type = 'article_view' AND ts >= ?1 AND ts < ?2 "
	    "UNION ALL SELECT 'opened_ticket_form', count(DISTINCT visitor) "
	    "FROM events WHERE type = 'ticket_form_shown' AND ts >= ?1 AND "
	    "ts < ?2 "
	    "UNION ALL SELECT 'submitted_ticket', count(DISTINCT visitor) FROM "
	    "events WHERE type = 'ticket_submitted' AND ts >= ?1 AND ts < ?2",
	    &r, arr, f_cols) != 0;
	json_object_set_new(o, "funnel", arr);

	json_object_set_new(o, "daily", daily(db, &r, &err));
	if (err) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

json_t *
figures_most_viewed(struct store *db, long long since, int max)
{
	struct range	 r;
	struct db_stmt	*st;
	json_t		*arr;
	int		 rc;

	r.from = since;
	r.to = (long long)time(NULL) + 86400;
	r.now = max;
	figures_format_day(since, r.first);
	figures_format_day(r.to, r.last);
	/*
	 * Distinct visitors per day, not raw views: 1,500 reloads by one
	 * visitor count once. (Rolled-up days keep only counts.)
	 */
	if ((st = prepare(db, "SELECT slug, sum(n) AS v FROM ("
	    "SELECT slug, count(*) AS n FROM (SELECT DISTINCT slug, visitor, "
	    "ts / 86400 FROM events WHERE type = 'article_view' AND "
	    "ts >= ?1 AND ts < ?2) AS s GROUP BY slug "
	    "UNION ALL SELECT slug, sum(n) FROM event_daily WHERE "
	    "type = 'article_view' AND day BETWEEN ?4 AND ?5 GROUP BY slug) "
	    "AS u WHERE slug <> '' GROUP BY slug ORDER BY v DESC, slug "
	    "LIMIT ?3",
	    &r)) == NULL)
		return (NULL);
	arr = json_array();
	while ((rc = db_step(st)) == STORE_ROW)
		json_array_append_new(arr, json_string((const char *)
		    db_col_text(st, 0)));
	db_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}

json_t *
figures_popular_fill(json_t *ranked, const char **order, size_t norder,
    size_t max)
{
	json_t		*out, *s;
	size_t		 i, j;
	int		 dup;

	out = json_array();
	/* Ranked first, then the editors' order: the list is always full. */
	for (i = 0; ranked != NULL && i < json_array_size(ranked); i++) {
		if (json_array_size(out) == max)
			return (out);
		s = json_array_get(ranked, i);
		if (json_is_string(s))
			json_array_append(out, s);
	}
	for (i = 0; i < norder && json_array_size(out) < max; i++) {
		dup = 0;
		for (j = 0; j < json_array_size(out) && !dup; j++)
			dup = !strcmp(json_string_value(json_array_get(out, j)),
			    order[i]);
		if (!dup)
			json_array_append_new(out, json_string(order[i]));
	}
	return (out);
}

/* Appends one CSV field, quoted when it holds a comma, quote or line break. */
static void
csv_field(struct strbuf *sb, json_t *v)
{
	const char	*s, *p;
	char		 num[64];
	int		 formula;

	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v)) {
		(void)snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		(void)snprintf(num, sizeof(num), "%.4f", json_real_value(v));
		s = num;
	} else
		s = "";
	/*
	 * A leading = + - @ (or tab, CR) would be a formula in a spreadsheet:
	 * such a value is quoted with a ' inside the quotes.
	 */
	formula = json_is_string(v) && s[0] != '\0' &&
	    strchr("=+-@\t\r", s[0]) != NULL;
	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		sb_puts(sb, s);
		return;
	}
	sb_putc(sb, '"');
	if (formula)
		sb_putc(sb, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			sb_putc(sb, '"');
		sb_putc(sb, *p);
	}
	sb_putc(sb, '"');
}

char *
figures_csv(json_t *summary, const char *table)
{
	static const struct {
		const char	*name, *member, *cols;
	} tables[] = {
		{ "queries", "top_queries", "query,count,zero" },
		{ "zero_results", "zero_result_queries",
		    "query,count,searches" },
		{ "articles", "articles",
		    "slug,title,views,yes,no,votes,helpfulness" },
		{ "reasons", "reasons", "reason,count" },
		{ "comments", "comments", "slug,reason,comment,at" },
		{ "before_ticket", "before_ticket", "slug,tickets" },
		{ "daily", "daily", "day,searches,views,tickets,explicit,"
		    "implicit,deflection_rate" },
	};
	struct strbuf	 sb;
	json_t		*row;
	const char	*c, *e;
	char		 col[64];
	size_t		 i, k, n;

	for (k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		if (!strcmp(tables[k].name, table))
			break;
	if (k == sizeof(tables) / sizeof(tables[0]))
		return (NULL);
	sb_init(&sb);
	sb_puts(&sb, tables[k].cols);
	sb_puts(&sb, "\r\n");
	json_array_foreach(json_object_get(summary, tables[k].member), i,
	    row) {
		for (c = tables[k].cols; *c != '\0'; c = *e ? e + 1 : e) {
			e = c + strcspn(c, ",");
			n = (size_t)(e - c) < sizeof(col) ? (size_t)(e - c) :
			    sizeof(col) - 1;
			memcpy(col, c, n);
			col[n] = '\0';
			if (c != tables[k].cols)
				sb_putc(&sb, ',');
			csv_field(&sb, json_object_get(row, col));
		}
		sb_puts(&sb, "\r\n");
	}
	return (sb_detach(&sb));
}
