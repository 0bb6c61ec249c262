/* test_figures.c: unit tests of src/deflection/figures.h (formulas, summary over hand-made events), votes.h and retention.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deflection/events.h"
#include "deflection/figures.h"
#include "deflection/retention.h"
#include "deflection/votes.h"
#include "store/db.h"
#include "testdb.h"

#define DAY	86400LL

static char		 dir[64];
static struct store		*db;
static long long	 d0;	/* 2026-11-10 00:00 UTC */
static long long	 now;	/* ten and a half days later */

/* ---- pure formulas ---- */

static void
test_wilson(void **state)
{
	(void)state;
	/* Hand-computed: (p + z²/2n - z·sqrt((p(1-p) + z²/4n)/n)) / (1 + z²/n). */
	assert_true(figures_wilson_lower(0, 0) == 0.0);
	assert_true(fabs(figures_wilson_lower(0, 1)) < 1e-12);
	assert_true(fabs(figures_wilson_lower(1, 1) - 1.0 / 4.8416) < 1e-9);
	assert_true(fabs(figures_wilson_lower(1, 2) - 0.0945287) < 1e-6);
	assert_true(fabs(figures_wilson_lower(5, 10) - 0.2365896) < 1e-6);
	assert_true(fabs(figures_wilson_lower(9, 10) - 0.5958436) < 1e-6);
	assert_true(fabs(figures_wilson_lower(90, 100) - 0.8256327) < 1e-6);
	/* More votes at the same share: more confidence, a higher bound. */
	assert_true(figures_wilson_lower(90, 100) > figures_wilson_lower(9,
	    10));
	/* Nonsense counts are no evidence. */
	assert_true(figures_wilson_lower(3, 2) == 0.0);
	assert_true(figures_wilson_lower(-1, 2) == 0.0);
}

static void
test_ratio(void **state)
{
	double	v;

	(void)state;
	assert_int_equal(figures_ratio(1, 0, &v), 0);
	assert_true(v == 0.0);
	assert_int_equal(figures_ratio(0, 0, &v), 0);
	assert_int_equal(figures_ratio(2, 3, &v), 1);
	assert_true(v == 0.6667);
	assert_int_equal(figures_ratio(0, 5, &v), 1);
	assert_true(v == 0.0);
	assert_int_equal(figures_ratio(10, 4, &v), 1);
	assert_true(v == 2.5);
	assert_int_equal(figures_ratio(1, 3, &v), 1);
	assert_true(v == 0.3333);
}

static void
test_parse_day(void **state)
{
	long long	ts;
	char		out[11];

	(void)state;
	assert_int_equal(figures_parse_day("2024-02-29", &ts), 0);
	assert_true(ts == 1709164800LL);
	figures_format_day(ts + DAY - 1, out);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(figures_parse_day("2026-02-29", &ts), -1);
	assert_int_equal(figures_parse_day("2026-02-30", &ts), -1);
	assert_int_equal(figures_parse_day("2026-13-01", &ts), -1);
	assert_int_equal(figures_parse_day("2026-1-01", &ts), -1);
	assert_int_equal(figures_parse_day("2026-01-01x", &ts), -1);
	assert_int_equal(figures_parse_day("", &ts), -1);
	assert_int_equal(figures_parse_day(NULL, &ts), -1);
	assert_int_equal(figures_parse_day("1969-12-31", &ts), -1);
	assert_int_equal(figures_parse_day("2026+11-10", &ts), -1);
}

/* ---- the summary over hand-made events ---- */

static void
ev(const char *type, const char *visitor, long long ts, const char *slug,
    const char *q, long long results)
{
	struct event	e = EVENT_INIT;

	e.type = type;
	e.visitor = visitor;
	e.ts = ts;
	e.slug = slug;
	e.query = q;
	e.norm_query = q;
	e.result_count = results;
	assert_int_equal(events_write(db, &e), 0);
}

static int
setup_db(void **state)
{
	char	path[128], sql[512];

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hc-figures.XXXXXX");
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", dir);
	assert_non_null(db = testdb_open(path));
	assert_int_equal(figures_parse_day("2026-11-10", &d0), 0);
	now = d0 + 10 * DAY + DAY / 2;

	/* v1: searched, clicked, read refund, voted yes. */
	ev(EV_SEARCH, "v1", d0 + 100, NULL, "退款", 3);
	ev(EV_SEARCH_CLICK, "v1", d0 + 200, "refund", NULL, -1);
	ev(EV_ARTICLE_VIEW, "v1", d0 + 210, "refund", NULL, -1);
	/* v2 (day 2): a search with nothing, read invoice, voted no, ticket. */
	ev(EV_SEARCH, "v2", d0 + DAY + 10, NULL, "xyz", 0);
	ev(EV_ARTICLE_VIEW, "v2", d0 + DAY + 20, "invoice", NULL, -1);
	ev(EV_TICKET_SUBMITTED, "v2", d0 + DAY + 30, NULL, NULL, -1);
	/* v3: clicked a suggestion, no ticket: implicit. */
	ev(EV_SUGGESTION_CLICKED, "v3", d0 + 1000, NULL, NULL, -1);
	/* v4: read refund, clicked a suggestion, ticket an hour later. */
	ev(EV_ARTICLE_VIEW, "v4", d0 + 1900, "refund", NULL, -1);
	ev(EV_SUGGESTION_CLICKED, "v4", d0 + 2000, NULL, NULL, -1);
	ev(EV_TICKET_SUBMITTED, "v4", d0 + 5600, NULL, NULL, -1);
	/* v5: said an article solved it. */
	ev(EV_DEFLECTED, "v5", d0 + 3000, NULL, NULL, -1);
	/* v6: a suggestion click an hour ago: still pending. */
	ev(EV_SUGGESTION_CLICKED, "v6", now - 3600, NULL, NULL, -1);
	/* Votes: the table rows (vote_cast would stamp them with today). */
	(void)snprintf(sql, sizeof(sql), "INSERT INTO votes VALUES "
	    "('v1', 'refund', 1, NULL, NULL, %lld),"
	    "('v2', 'invoice', 0, 'outdated', 'old, \"wrong\"', %lld)",
	    d0 + 300, d0 + DAY + 25);
	assert_int_equal(db_exec(db, sql), STORE_OK);
	return (0);
}

static int
teardown_db(void **state)
{
	char	cmd[128];

	(void)state;
	db_close(db);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return (0);
}

static long long
iget(json_t *o, const char *path)
{
	char	 buf[128], *p, *dot;
	json_t	*v;

	(void)snprintf(buf, sizeof(buf), "%s", path);
	v = o;
	for (p = buf; p != NULL; p = dot ? dot + 1 : NULL) {
		if ((dot = strchr(p, '.')) != NULL)
			*dot = '\0';
		v = json_object_get(v, p);
	}
	assert_true(json_is_integer(v));
	return ((long long)json_integer_value(v));
}

static double
rget(json_t *o, const char *a, const char *b)
{
	json_t	*v;

	v = json_object_get(b ? json_object_get(o, a) : o, b ? b : a);
	assert_true(json_is_number(v));
	return (json_number_value(v));
}

static void
test_summary(void **state)
{
	json_t	*s, *row, *day;
	char	*csv;

	(void)state;
	/* 2026-11-10 .. 2026-11-20, eleven days. */
	assert_non_null(s = figures_summary(db, d0, d0 + 11 * DAY, now));
	assert_int_equal(iget(s, "visitors"), 6);
	assert_int_equal(iget(s, "ticket_visitors"), 2);
	assert_true(rget(s, "self_service_score", NULL) == 3.0);
	assert_int_equal(iget(s, "tickets_submitted"), 2);
	assert_int_equal(iget(s, "deflection.explicit"), 2);
	assert_int_equal(iget(s, "deflection.deflected_events"), 1);
	assert_int_equal(iget(s, "deflection.yes_votes"), 1);
	assert_int_equal(iget(s, "deflection.implicit"), 1);
	assert_int_equal(iget(s, "deflection.implicit_pending"), 1);
	/* (2 + 1) / (2 + 1 + 2) */
	assert_true(rget(s, "deflection", "rate") == 0.6);
	assert_int_equal(iget(s, "ticket_form.suggestion_clicks"), 3);
	assert_int_equal(iget(s, "ticket_form.left_after_suggestion"), 1);
	assert_int_equal(iget(s, "searches.total"), 2);
	assert_int_equal(iget(s, "searches.zero_result"), 1);
	assert_true(rget(s, "searches", "zero_result_rate") == 0.5);
	assert_int_equal(iget(s, "searches.clicks"), 1);
	assert_true(rget(s, "searches", "click_through") == 0.5);
	assert_int_equal(iget(s, "searches.article_views"), 3);

	assert_int_equal(json_array_size(json_object_get(s, "top_queries")), 2);
	row = json_array_get(json_object_get(s, "zero_result_queries"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "query")),
	    "xyz");
	assert_int_equal(json_array_size(json_object_get(s,
	    "zero_result_queries")), 1);

	/* refund: 2 views, 1 yes of 1; invoice: 1 view, 1 no. */
	row = json_array_get(json_object_get(s, "articles"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "slug")),
	    "refund");
	assert_int_equal(iget(row, "views"), 2);
	assert_int_equal(iget(row, "yes"), 1);
	assert_true(fabs(rget(row, "helpfulness", NULL) - 0.2065) < 1e-9);
	row = json_array_get(json_object_get(s, "articles"), 1);
	assert_int_equal(iget(row, "no"), 1);
	assert_true(rget(row, "helpfulness", NULL) == 0.0);

	row = json_array_get(json_object_get(s, "reasons"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "reason")),
	    "outdated");
	/* The last article each ticket's visitor read in the 24 h before. */
	assert_int_equal(json_array_size(json_object_get(s, "before_ticket")),
	    2);
	row = json_array_get(json_object_get(s, "before_ticket"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "slug")),
	    "invoice");

	/* Day 1: explicit 2 (v5, v1's yes), implicit 1 (v3), ticket 1 (v4). */
	assert_int_equal(json_array_size(json_object_get(s, "daily")), 11);
	day = json_array_get(json_object_get(s, "daily"), 0);
	assert_int_equal(iget(day, "searches"), 1);
	assert_int_equal(iget(day, "views"), 2);
	assert_int_equal(iget(day, "tickets"), 1);
	assert_int_equal(iget(day, "explicit"), 2);
	assert_int_equal(iget(day, "implicit"), 1);
	assert_true(rget(day, "deflection_rate", NULL) == 0.75);
	day = json_array_get(json_object_get(s, "daily"), 1);
	assert_true(rget(day, "deflection_rate", NULL) == 0.0);
	day = json_array_get(json_object_get(s, "daily"), 2);
	assert_true(json_is_null(json_object_get(day, "deflection_rate")));

	assert_non_null(csv = figures_csv(s, "comments"));
	assert_non_null(strstr(csv, "\"old, \"\"wrong\"\"\""));
	free(csv);
	assert_non_null(csv = figures_csv(s, "reasons"));
	assert_string_equal(csv, "reason,count\r\noutdated,1\r\n");
	free(csv);
	assert_null(figures_csv(s, "passwords"));
	json_decref(s);
}

static void
test_empty_range(void **state)
{
	json_t	*s;

	(void)state;
	/* A day in 2025: nothing happened; no division by zero anywhere. */
	assert_non_null(s = figures_summary(db, d0 - 300 * DAY,
	    d0 - 299 * DAY, now));
	assert_int_equal(iget(s, "visitors"), 0);
	assert_true(json_is_null(json_object_get(s, "self_service_score")));
	assert_true(json_is_null(json_object_get(json_object_get(s,
	    "deflection"), "rate")));
	assert_true(json_is_null(json_object_get(json_object_get(s,
	    "searches"), "click_through")));
	assert_true(json_is_null(json_object_get(json_object_get(s,
	    "searches"), "zero_result_rate")));
	assert_int_equal(json_array_size(json_object_get(s, "articles")), 0);
	assert_int_equal(json_array_size(json_object_get(s, "daily")), 1);
	json_decref(s);
}

static void
test_votes(void **state)
{
	(void)state;
	assert_true(vote_reason_valid("not_my_issue"));
	assert_false(vote_reason_valid("boring"));
	assert_false(vote_reason_valid(NULL));
	assert_int_equal(vote_cast(db, "v9", "faq", 0, "unclear", "hm"), 1);
	assert_int_equal(vote_cast(db, "v9", "faq", 1, NULL, NULL), 0);
	assert_int_equal(vote_count(db, "faq"), 1);
}

static void
test_retention(void **state)
{
	json_t	*s;

	(void)state;
	/* Keep one day: everything but v6's click (an hour old) goes. */
	assert_true(retention_rollup(db, 1, now, 1000) > 0);
	assert_int_equal(retention_rollup(db, 1, now, 1000), 0);
	assert_non_null(s = figures_summary(db, d0, d0 + 11 * DAY, now));
	/* Counts survive in the roll-up ... */
	assert_int_equal(iget(s, "searches.total"), 2);
	assert_int_equal(iget(s, "searches.zero_result"), 1);
	assert_int_equal(iget(s, "searches.article_views"), 3);
	assert_int_equal(iget(s, "tickets_submitted"), 2);
	assert_int_equal(iget(s, "deflection.deflected_events"), 1);
	assert_int_equal(json_array_size(json_object_get(s,
	    "zero_result_queries")), 1);
	/* ... visitors and implicit deflections do not (README says so). */
	assert_int_equal(iget(s, "visitors"), 1);
	assert_int_equal(iget(s, "deflection.implicit"), 0);
	json_decref(s);
}

/* A comment that a spreadsheet would run as a formula stays text. */
static void
test_csv_formula_stays_text(void **state)
{
	json_t	*s;
	char	*csv;

	(void)state;
	s = json_pack("{s:[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]}",
	    "comments", "slug", "a", "reason", "other", "comment",
	    "=a,=cmd|' /C calc'!A0,x", "at", "2026-11-20",
	    "slug", "b", "reason", "other", "comment", "@SUM(1)", "at",
	    "2026-11-20");
	assert_non_null(csv = figures_csv(s, "comments"));
	assert_non_null(strstr(csv, "a,other,\"'=a,=cmd|' /C calc'!A0,x\","));
	assert_non_null(strstr(csv, "b,other,\"'@SUM(1)\","));
	free(csv);
	json_decref(s);
}

/* One visitor's 1,500 reloads do not outrank two readers. */
static void
test_popular_counts_readers(void **state)
{
	static const char	*order[] = { "pop-c", "pop-flood", "pop-d",
				    "pop-e" };
	json_t			*top, *full;
	char			 v[16];
	int			 i;

	(void)state;
	assert_int_equal(db_begin(db), 0);
	for (i = 0; i < 1500; i++)
		ev(EV_ARTICLE_VIEW, "flooder", now - 60 + i % 50, "pop-flood",
		    NULL, -1);
	db_commit(db);
	for (i = 0; i < 2; i++) {
		(void)snprintf(v, sizeof(v), "reader%d", i);
		ev(EV_ARTICLE_VIEW, v, now - 30, "pop-read", NULL, -1);
	}
	/* A visitor counts once a day: two days, two. */
	ev(EV_ARTICLE_VIEW, "daily", now - DAY - 100, "pop-days", NULL, -1);
	ev(EV_ARTICLE_VIEW, "daily", now - 10, "pop-days", NULL, -1);
	ev(EV_ARTICLE_VIEW, "daily", now - 9, "pop-days", NULL, -1);
	top = figures_most_viewed(db, now - 2 * DAY, 3);
	assert_non_null(top);
	assert_int_equal(json_array_size(top), 3);
	assert_string_equal(json_string_value(json_array_get(top, 0)),
	    "pop-days");
	assert_string_equal(json_string_value(json_array_get(top, 1)),
	    "pop-read");
	assert_string_equal(json_string_value(json_array_get(top, 2)),
	    "pop-flood");
	/* Filled up to its length from the editors' order, no repeats. */
	full = figures_popular_fill(top, order, 4, 6);
	assert_int_equal(json_array_size(full), 6);
	assert_string_equal(json_string_value(json_array_get(full, 3)),
	    "pop-c");
	assert_string_equal(json_string_value(json_array_get(full, 4)),
	    "pop-d");
	assert_string_equal(json_string_value(json_array_get(full, 5)),
	    "pop-e");
	json_decref(full);
	full = figures_popular_fill(NULL, order, 4, 2);
	assert_int_equal(json_array_size(full), 2);
	json_decref(full);
	full = figures_popular_fill(top, order, 4, 2);
	assert_int_equal(json_array_size(full), 2);
	json_decref(full);
	json_decref(top);
}

/* One node's roll-up, as the 5-minute timer runs it on every node. */
static int
rollup_node(struct store *s, int i, void *arg)
{
	(void)i;
	return (retention_rollup(s, 1, *(long long *)arg, 1000) < 0 ? -1 : 0);
}

/* The same visitor's vote on one article from two nodes at once. */
static int
vote_node(struct store *s, int i, void *arg)
{
	(void)arg;
	return (vote_cast(s, "racer", "refund", i % 2, "outdated", NULL));
}

static long long
scalar(struct store *s, const char *sql)
{
	struct db_stmt	*st;
	long long	 v;

	assert_int_equal(db_prepare(s, sql, &st), 0);
	assert_int_equal(db_step(st), STORE_ROW);
	v = db_col_int64(st, 0);
	db_finalize(st);
	return (v);
}

/*
 * Two nodes roll up at once, five times over: each raw event is counted
 * once in event_daily and neither fails (the job lock: on PostgreSQL the
 * loser of the race would otherwise fail to serialize).
 */
static void
test_retention_two_nodes(void **state)
{
	struct event	 e = EVENT_INIT;
	struct store	*s;
	char		 path[128];
	long long	 t;
	int		 round, i, res[2];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/race.db", dir);
	assert_non_null(s = testdb_open(path));
	t = now;
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 40; i++) {
			e.type = EV_ARTICLE_VIEW;
			e.visitor = "r";
			e.slug = "refund";
			e.ts = t - 3 * DAY + i;
			assert_int_equal(events_write(s, &e), 0);
		}
		assert_int_equal(testdb_race(path, 2, rollup_node, &t, res),
		    0);
		assert_int_equal(res[0], 0);
		assert_int_equal(res[1], 0);
		assert_int_equal(scalar(s, "SELECT coalesce(sum(n), 0) FROM "
		    "event_daily"), 40 * (round + 1));
		assert_int_equal(scalar(s, "SELECT count(*) FROM events"), 0);
		t += DAY;
	}
	db_close(s);
}

/*
 * The same visitor votes from two nodes at once, ten times: every vote
 * is saved, one row stays, and only the first is "new" (201 once).
 */
static void
test_vote_two_nodes(void **state)
{
	struct store	*s;
	char		 path[128];
	int		 round, res[2], fresh;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/race.db", dir);
	assert_non_null(s = testdb_open(path));
	fresh = 0;
	for (round = 0; round < 10; round++) {
		assert_int_equal(testdb_race(path, 2, vote_node, NULL, res), 0);
		assert_true(res[0] == 0 || res[0] == 1);
		assert_true(res[1] == 0 || res[1] == 1);
		fresh += res[0] + res[1];
	}
	assert_int_equal(fresh, 1);
	assert_int_equal(vote_count(s, "refund"), 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM events WHERE "
	    "type = 'vote'"), 20);
	db_close(s);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_parse_day),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_csv_formula_stays_text),
		cmocka_unit_test(test_empty_range),
		cmocka_unit_test(test_votes),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_popular_counts_readers),
		/* Last: they make the database again. */
		cmocka_unit_test(test_retention_two_nodes),
		cmocka_unit_test(test_vote_two_nodes),
	};

	return (cmocka_run_group_tests(tests, setup_db, teardown_db));
}
