/* test_tickets.c: unit tests of src/tickets/ (validation, routing config, create and idempotency, escalation, list, refs and tokens). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "testdb.h"
#include "tickets/tickets.h"

static const unsigned char	secret[32] = "0123456789abcdef0123456789abcde";

static struct store *
fresh_db(void)
{
	struct store	*db;

	db = testdb_open("/tmp/hc-test-tickets.db");
	assert_non_null(db);
	return (db);
}

static struct ticket_input
good_input(void)
{
	struct ticket_input	in;

	memset(&in, 0, sizeof(in));
	in.name = "Ann";
	in.email = "ann@example.com";
	in.subject = "Cannot pay";
	in.body = "My card fails.\nTwice.";
	in.channel = "web_form";
	return (in);
}

static void
test_validate_table(void **state)
{
	static const struct {
		const char	*field, *value, *problem;
	} rows[] = {
		{ "name", NULL, "name" },
		{ "name", "   ", "name" },
		{ "name", "Ann\r\nBcc: x@y.z", "name" },
		{ "email", "ann", "email" },
		{ "email", "ann@@example.com", "email" },
		{ "email", "ann@example", "email" },
		{ "email", "a nn@example.com", "email" },
		{ "email", "ann@exa_mple.com", "email" },
		{ "email", ".ann@example.com", "email" },
		{ "email", "ann@example..com", "email" },
		{ "subject", "Hi\nBcc: x", "subject" },
		{ "subject", "\xff\xfe", "subject" },
		{ "body", "bell\x07", "body" },
		{ "priority", "urgent", "priority" },
		{ "priority", "asap", "priority" },
		{ "idem", "short", "idempotency_key" },
		{ "idem", "has space in it", "idempotency_key" },
		{ "email", "ann.b+tag@mail.example.co", NULL },
		{ "priority", "high", NULL },
		{ "idem", "0123456789abcdef", NULL },
	};
	struct ticket_problem	p[8];
	struct ticket_input	in;
	size_t			i;
	int			n;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		in = good_input();
		if (!strcmp(rows[i].field, "name"))
			in.name = rows[i].value;
		else if (!strcmp(rows[i].field, "email"))
			in.email = rows[i].value;
		else if (!strcmp(rows[i].field, "subject"))
			in.subject = rows[i].value;
		else if (!strcmp(rows[i].field, "body"))
			in.body = rows[i].value;
		else if (!strcmp(rows[i].field, "priority"))
			in.priority = rows[i].value;
		else
			in.idem_key = rows[i].value;
		n = ticket_validate(&in, p, 8);
		if (rows[i].problem == NULL) {
			if (n != 0)
				fail_msg("row %zu: unexpected problem %s", i,
				    p[0].field);
		} else {
			if (n != 1 || strcmp(p[0].field, rows[i].problem))
				fail_msg("row %zu: wanted %s, got %d problems", i,
				    rows[i].problem, n);
		}
	}
}

static void
test_lengths(void **state)
{
	struct ticket_problem	 p[8];
	struct ticket_input	 in;
	char			*big;

	(void)state;
	big = malloc(TICKET_BODY_MAX + 2);
	memset(big, 'x', TICKET_BODY_MAX + 1);
	big[TICKET_BODY_MAX + 1] = '\0';
	in = good_input();
	in.body = big;
	assert_int_equal(ticket_validate(&in, p, 8), 1);
	assert_string_equal(p[0].code, "too_long");
	big[TICKET_BODY_MAX] = '\0';
	assert_int_equal(ticket_validate(&in, p, 8), 0);
	big[TICKET_SUBJECT_MAX + 1] = '\0';
	in = good_input();
	in.subject = big;
	assert_int_equal(ticket_validate(&in, p, 8), 1);
	free(big);
}

static void
test_config(void **state)
{
	char	 path[] = "/tmp/hc-test-support-XXXXXX";
	char	 err[256], link[64];
	FILE	*fp;
	int	 fd;

	(void)state;
	tickets_config_reset();
	assert_string_equal(tickets_route_group("billing"), "general");
	assert_int_equal(tickets_sla_hours("urgent"), 1);
	assert_int_equal(tickets_sla_hours("low"), 48);
	assert_int_equal(tickets_config_load("/nonexistent/_support.yaml", err,
	    sizeof(err)), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("default_group: desk\ngroups:\n  billing: money\n"
	    "keywords:\n  - match: [hacked]\n    priority: urgent\n"
	    "sla_hours:\n  normal: 8\n", fp);
	fclose(fp);
	assert_int_equal(tickets_config_load(path, err, sizeof(err)), 0);
	assert_string_equal(tickets_route_group("billing"), "money");
	assert_string_equal(tickets_route_group("billing/cards"), "money");
	assert_string_equal(tickets_route_group("other"), "desk");
	assert_string_equal(tickets_route_group(NULL), "desk");
	assert_int_equal(tickets_sla_hours("normal"), 8);
	assert_int_equal(tickets_sla_hours("high"), 4);
	assert_true(tickets_group_known("money"));
	assert_false(tickets_group_known("nobody"));
	/* A broken file leaves the defaults in force. */
	fp = fopen(path, "w");
	fputs("groups: [a, b\n", fp);
	fclose(fp);
	assert_int_equal(tickets_config_load(path, err, sizeof(err)), -1);
	assert_string_equal(tickets_route_group("billing"), "general");
	fp = fopen(path, "w");
	fputs("sla_hours:\n  normal: -3\n", fp);
	fclose(fp);
	assert_int_equal(tickets_config_load(path, err, sizeof(err)), -1);
	assert_int_equal(tickets_sla_hours("normal"), 24);
	/*
	 * The server reads it as root from a tree others write: a link (to
	 * a good config, even) is refused, and a FIFO does not hang it.
	 */
	fp = fopen(path, "w");
	fputs("default_group: desk\n", fp);
	fclose(fp);
	(void)snprintf(link, sizeof(link), "%s.link", path);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(tickets_config_load(link, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_string_equal(tickets_route_group("billing"), "general");
	unlink(link);
	assert_int_equal(mkfifo(link, 0600), 0);
	assert_int_equal(tickets_config_load(link, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "regular file"));
	unlink(link);
	unlink(path);
	tickets_config_reset();
}

static void
test_refs_and_tokens(void **state)
{
	char	tok[TICKET_TOKEN_LEN];

	(void)state;
	assert_true(ticket_ref_valid("HC-2026-012345"));
	assert_false(ticket_ref_valid("HC-2026-01234"));
	assert_false(ticket_ref_valid("HC-2026-0123456"));
	assert_false(ticket_ref_valid("hc-2026-012345"));
	assert_false(ticket_ref_valid("HC-2026-01234a"));
	ticket_token(secret, "HC-2026-012345", tok);
	assert_int_equal(strlen(tok), 32);
	assert_true(ticket_token_valid(secret, "HC-2026-012345", tok));
	assert_false(ticket_token_valid(secret, "HC-2026-012346", tok));
	tok[0] = tok[0] == 'a' ? 'b' : 'a';
	assert_false(ticket_token_valid(secret, "HC-2026-012345", tok));
	assert_false(ticket_token_valid(secret, "HC-2026-012345", ""));
	assert_false(ticket_token_valid(secret, "HC-2026-012345", NULL));
}

static void
test_create_and_idempotency(void **state)
{
	struct ticket_created	 a, b;
	struct ticket_input	 in;
	struct store			*db;
	json_t			*t;
	int			 missing;

	(void)state;
	tickets_config_reset();
	db = fresh_db();
	in = good_input();
	in.idem_key = "key-0001";
	in.visitor = "0123456789abcdef0123456789abcdef";
	in.article = "refund-policy";
	assert_int_equal(ticket_create(db, secret, &in, &a), TICKET_CREATED);
	assert_true(ticket_ref_valid(a.ref));
	assert_true(ticket_token_valid(secret, a.ref, a.token));
	/* The same key and content: the same ticket. */
	assert_int_equal(ticket_create(db, secret, &in, &b), TICKET_REPLAYED);
	assert_string_equal(a.ref, b.ref);
	assert_string_equal(a.token, b.token);
	/* The same key, other content: refused. */
	in.body = "something else";
	assert_int_equal(ticket_create(db, secret, &in, &b), TICKET_CONFLICT);
	assert_null(ticket_get(db, "HC-1999-000000", 0, &missing));
	assert_int_equal(missing, 1);
	t = ticket_get(db, a.ref, 0, &missing);
	assert_non_null(t);
	assert_int_equal(missing, 0);
	assert_string_equal(json_string_value(json_object_get(t, "status")),
	    "new");
	assert_string_equal(json_string_value(json_object_get(t, "priority")),
	    "normal");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    t, "context"), "article")), "refund-policy");
	assert_int_equal(json_array_size(json_object_get(t, "events")), 1);
	json_decref(t);
	/* The funnel event committed with the ticket. */
	{
		struct db_stmt	*st;

		assert_int_equal(db_prepare(db, "SELECT count(*) FROM "
		    "events WHERE type = 'ticket_submitted' AND ticket_ref = ?",
		    &st), STORE_OK);
		db_bind_text(st, 1, a.ref);
		assert_int_equal(db_step(st), STORE_ROW);
		assert_int_equal(db_col_int64(st, 0), 1);
		db_finalize(st);
	}
	db_close(db);
}

static void
test_comment_update_escalate(void **state)
{
	struct ticket_change	 ch;
	struct ticket_created	 a, b;
	struct ticket_filter	 f;
	struct ticket_input	 in;
	struct store			*db;
	json_t			*t, *l;
	int			 missing;
	long long		 now;

	(void)state;
	tickets_config_reset();
	db = fresh_db();
	now = (long long)time(NULL);
	in = good_input();
	in.now = now - 30 * 3600;	/* normal: due 24 h after, so overdue */
	assert_int_equal(ticket_create(db, secret, &in, &a), TICKET_CREATED);
	in = good_input();
	in.subject = "Other";
	assert_int_equal(ticket_create(db, secret, &in, &b), TICKET_CREATED);
	memset(&f, 0, sizeof(f));
	f.overdue = 1;
	l = ticket_list(db, &f);
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
	json_decref(l);
	memset(&f, 0, sizeof(f));
	l = ticket_list(db, &f);
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 2);
	/* Ordered by due time: the overdue one first. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(l, "tickets"), 0), "ref")), a.ref);
	json_decref(l);
	/* Escalation once, however often the job runs. */
	assert_int_equal(tickets_escalate(db, now), 1);
	assert_int_equal(tickets_escalate(db, now), 0);
	t = ticket_get(db, a.ref, 0, &missing);
	assert_string_equal(json_string_value(json_object_get(t, "priority")),
	    "high");
	assert_true(json_is_true(json_object_get(t, "escalated")));
	json_decref(t);
	/* An internal note is not public; a public reply answers. */
	assert_int_equal(ticket_comment(db, a.ref, "agent:bob", 1, 0, "n"),
	    TICKET_CHANGED);
	assert_int_equal(ticket_comment(db, a.ref, "agent:bob", 1, 1, "r"),
	    TICKET_CHANGED);
	t = ticket_get(db, a.ref, 1, &missing);
	assert_string_equal(json_string_value(json_object_get(t, "status")),
	    "open");
	assert_false(json_is_null(json_object_get(t, "first_response_at")));
	json_decref(t);
	memset(&ch, 0, sizeof(ch));
	ch.status = "pending";
	assert_int_equal(ticket_update(db, a.ref, "agent:bob", &ch),
	    TICKET_CHANGED);
	assert_int_equal(ticket_update(db, "HC-2000-000000", "agent:bob", &ch),
	    TICKET_NOT_FOUND);
	assert_int_equal(ticket_comment(db, "HC-2000-000000", "agent:bob", 1,
	    1, "r"), TICKET_NOT_FOUND);
	/* The requester's reply opens it again. */
	assert_int_equal(ticket_comment(db, a.ref, "requester", 0, 1, "ok?"),
	    TICKET_CHANGED);
	t = ticket_get(db, a.ref, 1, &missing);
	assert_string_equal(json_string_value(json_object_get(t, "status")),
	    "open");
	json_decref(t);
	/* Closed is final for the requester, not for an agent. */
	ch.status = "closed";
	assert_int_equal(ticket_update(db, a.ref, "agent:bob", &ch),
	    TICKET_CHANGED);
	assert_int_equal(ticket_comment(db, a.ref, "requester", 0, 1, "and?"),
	    TICKET_CLOSED);
	assert_int_equal(ticket_comment(db, a.ref, "agent:bob", 1, 0, "n2"),
	    TICKET_CHANGED);
	assert_int_equal(tickets_export(db, fopen("/dev/null", "w")), 0);
	db_close(db);
}

static void
test_keyword_priority(void **state)
{
	char	 path[] = "/tmp/hc-test-support-XXXXXX";
	char	 err[256];
	struct ticket_created	 a;
	struct ticket_input	 in;
	struct store	*db;
	json_t	*t;
	int	 missing;
	FILE	*fp;

	(void)state;
	fp = fdopen(mkstemp(path), "w");
	fputs("keywords:\n  - match: [hacked, 被盗]\n    priority: urgent\n",
	    fp);
	fclose(fp);
	assert_int_equal(tickets_config_load(path, err, sizeof(err)), 0);
	db = fresh_db();
	in = good_input();
	in.body = "My account was HACKED";
	assert_int_equal(ticket_create(db, secret, &in, &a), TICKET_CREATED);
	t = ticket_get(db, a.ref, 0, &missing);
	assert_string_equal(json_string_value(json_object_get(t, "priority")),
	    "urgent");
	json_decref(t);
	db_close(db);
	unlink(path);
	tickets_config_reset();
}

#define RACE_DB	"/tmp/hc-test-tickets.db"

/* One node's SLA job. */
static int
escalate_node(struct store *s, int i, void *arg)
{
	(void)i;
	return (tickets_escalate(s, *(long long *)arg));
}

/* One request with the shared Idempotency-Key, on node i. */
static int
create_node(struct store *s, int i, void *arg)
{
	struct ticket_input	in;
	struct ticket_created	out;

	(void)i;
	in = good_input();
	in.idem_key = arg;
	return ((int)ticket_create(s, secret, &in, &out));
}

static long long
tickets_count(struct store *s)
{
	struct db_stmt	*st;
	long long	 n;

	assert_int_equal(db_prepare(s, "SELECT count(*) FROM tickets", &st), 0);
	assert_int_equal(db_step(st), STORE_ROW);
	n = db_col_int64(st, 0);
	db_finalize(st);
	return (n);
}

/* Two nodes run the SLA job at once: each overdue ticket escalates once. */
static void
test_sla_two_nodes(void **state)
{
	struct ticket_created	 out;
	struct ticket_input	 in;
	struct store		*db;
	long long		 now;
	int			 i, res[2];

	(void)state;
	tickets_config_reset();
	db = fresh_db();
	now = (long long)time(NULL);
	for (i = 0; i < 5; i++) {
		in = good_input();
		in.now = now - 30 * 3600;
		assert_int_equal(ticket_create(db, secret, &in, &out),
		    TICKET_CREATED);
	}
	assert_int_equal(testdb_race(RACE_DB, 2, escalate_node, &now, res), 0);
	/* Neither fails; together they escalated the five, once each. */
	assert_true(res[0] >= 0 && res[1] >= 0);
	assert_int_equal(res[0] + res[1], 5);
	assert_int_equal(tickets_escalate(db, now), 0);
	db_close(db);
}

/*
 * The same Idempotency-Key sent to four nodes at once, ten times: one
 * ticket each time, the others replayed, never an error (a 503).
 */
static void
test_idempotency_race(void **state)
{
	struct store	*db;
	char		 key[32];
	int		 round, i, res[4], created;

	(void)state;
	tickets_config_reset();
	db = fresh_db();
	for (round = 0; round < 10; round++) {
		(void)snprintf(key, sizeof(key), "race-%04d", round);
		assert_int_equal(testdb_race(RACE_DB, 4, create_node, key,
		    res), 0);
		created = 0;
		for (i = 0; i < 4; i++) {
			assert_true(res[i] == TICKET_CREATED ||
			    res[i] == TICKET_REPLAYED);
			created += res[i] == TICKET_CREATED;
		}
		assert_int_equal(created, 1);
	}
	assert_int_equal(tickets_count(db), 10);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_validate_table),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_refs_and_tokens),
		cmocka_unit_test(test_create_and_idempotency),
		cmocka_unit_test(test_comment_update_escalate),
		cmocka_unit_test(test_keyword_priority),
		cmocka_unit_test(test_sla_two_nodes),
		cmocka_unit_test(test_idempotency_race),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
