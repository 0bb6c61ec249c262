/* test_csat.c: unit tests of src/tickets/csat.c: answers checked, recorded once, replaced, and the CSAT figures against hand-computed values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "testdb.h"
#include "tickets/csat.h"
#include "tickets/tickets.h"

static const unsigned char	secret[32] = "0123456789abcdef0123456789abcde";

/* 2026-03-01 00:00 UTC: the first day of the range. */
#define DAY0	1772323200LL

static struct store *
fresh_db(void)
{
	struct store	*db;

	db = testdb_open("/tmp/hc-test-csat.db");
	assert_non_null(db);
	return (db);
}

static void
new_ticket(struct store *db, const char *category, char ref[TICKET_REF_LEN])
{
	struct ticket_input	in;
	struct ticket_created	out;

	memset(&in, 0, sizeof(in));
	in.name = "Ann";
	in.email = "ann@example.com";
	in.subject = "Cannot pay";
	in.body = "My card fails.";
	in.channel = "web_form";
	in.category = category;
	in.now = DAY0 - 3 * 86400;
	assert_int_equal(ticket_create(db, secret, &in, &out), TICKET_CREATED);
	memcpy(ref, out.ref, TICKET_REF_LEN);
}

/* Sets the status as actor and dates that change at ts. */
static void
set_status(struct store *db, const char *ref, const char *actor,
    const char *status, long long ts)
{
	struct ticket_change	ch;
	char			sql[128];

	memset(&ch, 0, sizeof(ch));
	ch.status = status;
	assert_int_equal(ticket_update(db, ref, actor, &ch), TICKET_CHANGED);
	(void)snprintf(sql, sizeof(sql), "UPDATE ticket_events SET ts = %lld "
	    "WHERE id = (SELECT max(id) FROM ticket_events)", ts);
	assert_int_equal(db_exec(db, sql), STORE_OK);
}

static void
reply(struct store *db, const char *ref, const char *agent)
{
	assert_int_equal(ticket_comment(db, ref, agent, 1, 1, "Done."),
	    TICKET_CHANGED);
}

static enum csat_result
rate(struct store *db, const char *ref, const char *rating, const char *reason,
    const char *comment)
{
	struct csat_answer	a;

	a.rating = rating;
	a.reason = reason;
	a.comment = comment;
	return (csat_record(db, ref, &a, 0));
}

static void
test_validate(void **state)
{
	static const struct {
		const char	*rating, *reason, *comment, *field;
	} rows[] = {
		{ "good", "fast", NULL, NULL },
		{ "bad", "not_solved", "It came back\nagain", NULL },
		{ "bad", "other", "   ", NULL },
		{ NULL, "fast", NULL, "rating" },
		{ "meh", "fast", NULL, "rating" },
		{ "Good", "fast", NULL, "rating" },
		{ "good", NULL, NULL, "reason" },
		{ "good", "slow", NULL, "reason" },	/* the other list's */
		{ "bad", "friendly", NULL, "reason" },
		{ "bad", "slow", "a\001b", "comment" },
		{ "bad", "slow", "\xff\xfe", "comment" },
	};
	struct ticket_problem	p;
	struct csat_answer	a;
	char			long_comment[CSAT_COMMENT_MAX + 2];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		a.rating = rows[i].rating;
		a.reason = rows[i].reason;
		a.comment = rows[i].comment;
		memset(&p, 0, sizeof(p));
		if (rows[i].field == NULL)
			assert_int_equal(csat_validate(&a, &p), 0);
		else {
			assert_int_equal(csat_validate(&a, &p), 1);
			assert_string_equal(p.field, rows[i].field);
			assert_non_null(p.key);
		}
	}
	memset(long_comment, 'x', sizeof(long_comment) - 1);
	long_comment[sizeof(long_comment) - 1] = '\0';
	a.rating = "good";
	a.reason = "fast";
	a.comment = long_comment;
	assert_int_equal(csat_validate(&a, &p), 1);
	long_comment[CSAT_COMMENT_MAX] = '\0';
	assert_int_equal(csat_validate(&a, &p), 0);
}

static void
test_record_replace(void **state)
{
	struct store		*db;
	json_t		*r;
	char		 ref[TICKET_REF_LEN];

	(void)state;
	db = fresh_db();
	new_ticket(db, NULL, ref);
	/* Not yet solved: nothing is stored. */
	assert_int_equal(rate(db, ref, "good", "fast", NULL), CSAT_NOT_SOLVED);
	assert_int_equal(rate(db, "HC-2026-000000", "good", "fast", NULL),
	    CSAT_NO_TICKET);
	set_status(db, ref, "agent:alice", "solved", DAY0);
	r = csat_get(db, ref);
	assert_true(json_is_null(r));
	json_decref(r);
	assert_int_equal(rate(db, ref, "good", "fast", "Thanks"),
	    CSAT_RECORDED);
	assert_int_equal(rate(db, ref, "bad", "not_solved", NULL),
	    CSAT_REPLACED);
	r = csat_get(db, ref);
	assert_string_equal(json_string_value(json_object_get(r, "rating")),
	    "bad");
	assert_string_equal(json_string_value(json_object_get(r, "reason")),
	    "not_solved");
	/* The later answer without a comment drops the earlier comment. */
	assert_true(json_is_null(json_object_get(r, "comment")));
	json_decref(r);
	r = ticket_get(db, ref, 0, &(int){ 0 });
	assert_non_null(r);
	json_decref(r);
	db_close(db);
}

/* Checks one row of counts against the hand-computed values. */
static void
expect(json_t *row, long long solved, long long answered, long long good,
    double csat, double rr)
{
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "solved")),
	    solved);
	assert_int_equal(json_integer_value(json_object_get(row, "answered")),
	    answered);
	assert_int_equal(json_integer_value(json_object_get(row, "good")),
	    good);
	assert_int_equal(json_integer_value(json_object_get(row, "bad")),
	    answered - good);
	if (csat < 0)
		assert_true(json_is_null(json_object_get(row, "csat")));
	else
		assert_true(fabs(json_real_value(json_object_get(row,
		    "csat")) - csat) < 1e-9);
	if (rr < 0)
		assert_true(json_is_null(json_object_get(row,
		    "response_rate")));
	else
		assert_true(fabs(json_real_value(json_object_get(row,
		    "response_rate")) - rr) < 1e-9);
}

static json_t *
find(json_t *arr, const char *key, const char *value)
{
	json_t	*row;
	size_t	 i;

	json_array_foreach(arr, i, row)
		if (!strcmp(json_string_value(json_object_get(row, key)),
		    value))
			return (row);
	return (NULL);
}

static void
test_figures(void **state)
{
	struct store		*db;
	json_t		*s, *days;
	char		 t1[TICKET_REF_LEN], t2[TICKET_REF_LEN];
	char		 t3[TICKET_REF_LEN], t4[TICKET_REF_LEN];
	char		 t5[TICKET_REF_LEN], t6[TICKET_REF_LEN];
	char		 t7[TICKET_REF_LEN];

	(void)state;
	tickets_config_reset();
	db = fresh_db();
	/* _support.yaml is absent: every ticket is in group "general". */
	new_ticket(db, NULL, t1);
	new_ticket(db, NULL, t2);
	new_ticket(db, NULL, t3);
	new_ticket(db, NULL, t4);
	new_ticket(db, NULL, t5);
	new_ticket(db, NULL, t6);
	new_ticket(db, NULL, t7);
	assert_int_equal(db_exec(db, "UPDATE tickets SET grp = 'billing' "
	    "WHERE id = 1"), STORE_OK);

	/* T1, billing, day 0: alice answered, bob solved: alice's; good, then bad. */
	reply(db, t1, "agent:alice");
	set_status(db, t1, "agent:bob", "solved", DAY0 + 100);
	assert_int_equal(rate(db, t1, "good", "fast", NULL), CSAT_RECORDED);
	assert_int_equal(rate(db, t1, "bad", "slow", "later"), CSAT_REPLACED);
	/* T2, day 0: alice answered and solved; good. */
	reply(db, t2, "agent:alice");
	set_status(db, t2, "agent:alice", "solved", DAY0 + 3600);
	assert_int_equal(rate(db, t2, "good", "solved", NULL), CSAT_RECORDED);
	/* T3, day 1: bob; no answer. */
	reply(db, t3, "agent:bob");
	set_status(db, t3, "agent:bob", "solved", DAY0 + 86400 + 5);
	/* T4, day 1: solved from hcctl, nobody replied: agent ""; good. */
	set_status(db, t4, "hcctl", "solved", DAY0 + 86400 + 60);
	assert_int_equal(rate(db, t4, "good", "other", NULL), CSAT_RECORDED);
	/*
	 * T5: alice solved it on day 0, the customer reopened it, bob
	 * answered and solved it on day 1: counted once, day 1, bob's.
	 */
	reply(db, t5, "agent:alice");
	set_status(db, t5, "agent:alice", "solved", DAY0 + 200);
	assert_int_equal(ticket_comment(db, t5, "requester", 0, 1, "Again"),
	    TICKET_CHANGED);
	reply(db, t5, "agent:bob");
	assert_int_equal(ticket_comment(db, t5, "agent:carol", 1, 0,
	    "a note is not a reply"), TICKET_CHANGED);
	set_status(db, t5, "agent:bob", "solved", DAY0 + 86400 + 7200);
	assert_int_equal(rate(db, t5, "good", "friendly", NULL), CSAT_RECORDED);
	/* T6: solved the day before the range; rated: not counted. */
	set_status(db, t6, "agent:alice", "solved", DAY0 - 10);
	assert_int_equal(rate(db, t6, "good", "fast", NULL), CSAT_RECORDED);
	/* T7: still open; its answer is refused. */
	assert_int_equal(rate(db, t7, "bad", "slow", NULL), CSAT_NOT_SOLVED);

	s = csat_summary(db, DAY0, DAY0 + 2 * 86400);
	assert_non_null(s);
	/* 5 solved, 4 answered, 3 good: CSAT 3/4, response rate 4/5. */
	expect(s, 5, 4, 3, 0.75, 0.8);
	days = json_object_get(s, "daily");
	assert_int_equal(json_array_size(days), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    days, 0), "day")), "2026-03-01");
	expect(json_array_get(days, 0), 2, 2, 1, 0.5, 1.0);
	expect(json_array_get(days, 1), 3, 2, 2, 1.0, 0.6667);
	expect(find(json_object_get(s, "groups"), "group", "billing"), 1, 1,
	    0, 0.0, 1.0);
	expect(find(json_object_get(s, "groups"), "group", "general"), 4, 3,
	    3, 1.0, 0.75);
	assert_int_equal(json_array_size(json_object_get(s, "agents")), 3);
	expect(find(json_object_get(s, "agents"), "agent", "alice"), 2, 2, 1,
	    0.5, 1.0);
	expect(find(json_object_get(s, "agents"), "agent", "bob"), 2, 1, 1,
	    1.0, 0.5);
	expect(find(json_object_get(s, "agents"), "agent", ""), 1, 1, 1, 1.0,
	    1.0);
	json_decref(s);

	/* A range without solved tickets: counts 0, rates null. */
	s = csat_summary(db, DAY0 + 5 * 86400, DAY0 + 6 * 86400);
	expect(s, 0, 0, 0, -1, -1);
	expect(json_array_get(json_object_get(s, "daily"), 0), 0, 0, 0, -1,
	    -1);
	json_decref(s);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_record_replace),
		cmocka_unit_test(test_figures),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
