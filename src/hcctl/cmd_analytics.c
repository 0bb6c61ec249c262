/* cmd_analytics.c: hcctl analytics: the editors' self-service figures in the terminal (or as JSON), and the retention roll-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "hcctl.h"
#include "deflection/figures.h"
#include "deflection/retention.h"
#include "tickets/csat.h"
#include "settings.h"

#define DEFAULT_DAYS	30

static void
rate(const char *label, json_t *v, const char *none)
{
	if (json_is_number(v))
		printf("  %-28s %.1f %%\n", label, 100.0 * json_number_value(v));
	else
		printf("  %-28s %s\n", label, none);
}

static long long
num(json_t *o, const char *key)
{
	return ((long long)json_integer_value(json_object_get(o, key)));
}

static void
table(json_t *s, const char *member, const char *title, const char *a,
    const char *b, const char *c)
{
	json_t	*row;
	size_t	 i;

	printf("\n%s\n", title);
	if (json_array_size(json_object_get(s, member)) == 0) {
		printf("  (none)\n");
		return;
	}
	json_array_foreach(json_object_get(s, member), i, row) {
		printf("  %-40s %8lld", json_string_value(json_object_get(row,
		    a)), num(row, b));
		if (c != NULL) {
			json_t *v = json_object_get(row, c);
			if (json_is_real(v))
				printf(" %8.3f", json_real_value(v));
			else if (json_is_integer(v))
				printf(" %8lld", (long long)json_integer_value(v));
			else
				printf(" %8s", "-");
		}
		printf("\n");
	}
}

static void
print_summary(json_t *s)
{
	json_t	*d, *se, *tf, *v, *row;
	size_t	 i;

	d = json_object_get(s, "deflection");
	se = json_object_get(s, "searches");
	tf = json_object_get(s, "ticket_form");
	printf("Self-service figures %s to %s (UTC days, both included)\n\n",
	    json_string_value(json_object_get(s, "from")),
	    json_string_value(json_object_get(s, "to")));
	v = json_object_get(s, "self_service_score");
	if (json_is_number(v))
		printf("  %-28s %.2f (%lld visitors / %lld with a ticket)\n",
		    "self-service score", json_number_value(v),
		    num(s, "visitors"), num(s, "ticket_visitors"));
	else
		printf("  %-28s no tickets (%lld visitors)\n",
		    "self-service score", num(s, "visitors"));
	rate("deflection rate", json_object_get(d, "rate"), "-");
	printf("  %-28s %lld (%lld said solved + %lld yes votes)\n",
	    "  explicit", num(d, "explicit"), num(d, "deflected_events"),
	    num(d, "yes_votes"));
	printf("  %-28s %lld (+%lld pending, 24 h not over)\n", "  implicit",
	    num(d, "implicit"), num(d, "implicit_pending"));
	printf("  %-28s %lld\n", "tickets submitted", num(s,
	    "tickets_submitted"));
	printf("  %-28s %lld shown, %lld suggestion clicks, %lld left after "
	    "one\n", "ticket form", num(tf, "shown"), num(tf,
	    "suggestion_clicks"), num(tf, "left_after_suggestion"));
	printf("  %-28s %lld (%lld with no result)\n", "searches", num(se,
	    "total"), num(se, "zero_result"));
	rate("search click-through", json_object_get(se, "click_through"), "-");
	rate("zero-result rate", json_object_get(se, "zero_result_rate"), "-");
	printf("  %-28s %lld\n", "article views", num(se, "article_views"));
	table(s, "top_queries", "Top queries (query, searches, zero results)",
	    "query", "count", "zero");
	table(s, "zero_result_queries", "Zero-result queries (articles wanted)",
	    "query", "count", NULL);
	table(s, "articles", "Articles (slug, views, helpfulness: Wilson lower "
	    "bound)", "slug", "views", "helpfulness");
	printf("  votes:");
	json_array_foreach(json_object_get(s, "articles"), i, row)
		if (num(row, "votes") > 0)
			printf(" %s %lld/%lld", json_string_value(
			    json_object_get(row, "slug")), num(row, "yes"),
			    num(row, "votes"));
	printf("\n");
	table(s, "reasons", "Reasons given for \"no\"", "reason", "count",
	    NULL);
	table(s, "before_ticket", "Articles read just before a ticket", "slug",
	    "tickets", NULL);
	table(s, "funnel", "Funnel (distinct visitors)", "stage", "visitors",
	    NULL);
}

int
cmd_analytics(int argc, char **argv)
{
	struct store	*db;
	json_t		*s, *cs;
	const char	*from, *to;
	long long	 f, t, today, n;
	int		 i, json, rollup, rc;

	from = to = NULL;
	json = rollup = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = argv[++i];
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			to = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--rollup"))
			rollup = 1;
		else {
			fprintf(stderr, "usage: hcctl analytics [--from "
			    "YYYY-MM-DD] [--to YYYY-MM-DD] [--json] | "
			    "hcctl analytics --rollup\n");
			return (2);
		}
	}
	today = (long long)time(NULL) / 86400 * 86400;
	t = today + 86400;
	f = today - (DEFAULT_DAYS - 1) * 86400LL;
	if (to != NULL) {
		if (figures_parse_day(to, &t) != 0) {
			fprintf(stderr, "hcctl: --to must be a date YYYY-MM-DD, "
			    "not '%s'\n", to);
			return (2);
		}
		t += 86400;
		if (from == NULL)
			f = t - DEFAULT_DAYS * 86400LL;
	}
	if (from != NULL && figures_parse_day(from, &f) != 0) {
		fprintf(stderr, "hcctl: --from must be a date YYYY-MM-DD, not "
		    "'%s'\n", from);
		return (2);
	}
	if (f >= t || (t - f) / 86400 > FIGURES_MAX_DAYS) {
		fprintf(stderr, "hcctl: --from must be before --to, at most "
		    "%d days apart\n", FIGURES_MAX_DAYS);
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	rc = 0;
	if (rollup) {
		/* Everything due, not a worker's small batch. */
		n = retention_rollup(db, settings.retention_days,
		    (long long)time(NULL), 100000);
		if (n < 0) {
			fprintf(stderr, "hcctl: roll-up failed: %s\n",
			    db_errmsg(db));
			rc = 1;
		} else
			printf("%lld raw events older than %d days rolled up "
			    "into daily counts\n", n, settings.retention_days);
		db_close(db);
		return (rc);
	}
	if ((s = figures_summary(db, f, t, (long long)time(NULL))) == NULL) {
		fprintf(stderr, "hcctl: cannot read the figures: %s\n",
		    db_errmsg(db));
		db_close(db);
		return (1);
	}
	/* The same satisfaction figures as /admin and the summary API. */
	if ((cs = csat_summary(db, f, t)) == NULL) {
		fprintf(stderr, "hcctl: cannot read the CSAT figures: %s\n",
		    db_errmsg(db));
		json_decref(s);
		db_close(db);
		return (1);
	}
	json_object_set_new(s, "csat", cs);
	if (json) {
		char *out = json_dumps(s, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", out);
		free(out);
	} else
		print_summary(s);
	json_decref(s);
	db_close(db);
	return (rc);
}
