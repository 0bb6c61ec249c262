/* figures.h: the self-service figures of SPEC section 5 over a date range: pure formulas and the summary built from the events. */
#ifndef HC_FIGURES_H
#define HC_FIGURES_H

#include <jansson.h>

#include "store/db.h"

/* A ticket within this many seconds after a suggestion click undoes the deflection. */
#define FIGURES_IMPLICIT_WINDOW	86400
/* The article read before a ticket: the last view within this window. */
#define FIGURES_BEFORE_TICKET	86400
/* Longest range the figures accept, in days (the daily chart's size). */
#define FIGURES_MAX_DAYS	731
#define FIGURES_TOP		20

/*
 * Lower bound of the 95 % Wilson score interval (z = 1.96) for yes
 * successes out of n votes. 0 when n is 0 (no votes, no evidence); callers
 * show raw counts beside it.
 */
double	figures_wilson_lower(long long yes, long long n);

/*
 * num / den rounded to 4 decimals in *out. Returns 1, or 0 when den is 0
 * (the figure does not exist: shown as "-" / JSON null, never a division).
 */
int	figures_ratio(long long num, long long den, double *out);

/*
 * Parses a strict YYYY-MM-DD day (UTC) into the unix time of its start.
 * Returns 0, or -1 when malformed or not a real date.
 */
int	figures_parse_day(const char *, long long *ts);

/* "YYYY-MM-DD" (UTC) of unix time ts; out must hold 11 bytes. */
void	figures_format_day(long long ts, char *out);

/*
 * The summary over [from, to) (unix seconds, whole UTC days), with now as
 * the present (implicit deflections count once their 24 h have passed).
 * Returns a new JSON object (see README "Deflection" for every member),
 * or NULL on a database error.
 */
json_t	*figures_summary(struct store *, long long from, long long to,
	    long long now);

/*
 * One of the summary's tables as CSV (RFC 4180, header line first):
 * "queries", "zero_results", "articles", "reasons", "comments",
 * "before_ticket", "daily". Returns a malloc'd string, or NULL for an
 * unknown table.
 */
char	*figures_csv(json_t *summary, const char *table);

/*
 * The most read article slugs since since, most first, at most max:
 * distinct visitors per day in the raw events, plus the daily roll-up's
 * counts. Returns a new JSON array of strings, or NULL on error.
 */
json_t	*figures_most_viewed(struct store *, long long since, int max);

/*
 * The popular list: the ranked slugs (those still published), then the
 * slugs of order (the editors' order) not already in it, up to max.
 * Returns a new JSON array of strings.
 */
json_t	*figures_popular_fill(json_t *ranked, const char **order,
	    size_t norder, size_t max);

#endif
