/* test_community.c: unit tests of the community domain: anti-spam rules, Markdown bounds, the store (in-memory SQLite), draft export, the posting rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community/community.h"
#include "store/db.h"
#include "testdb.h"

static void
test_links(void **state)
{
	(void)state;
	assert_int_equal(cm_count_links("no links here"), 0);
	assert_int_equal(cm_count_links("see https://a.example and "
	    "http://b.example"), 2);
	assert_int_equal(cm_count_links("www.spam.example"), 1);
	assert_int_equal(cm_count_links("[x](relative)"), 1);
}

static void
test_markdown_bounds(void **state)
{
	char	*s;
	int	 i;

	(void)state;
	assert_int_equal(cm_markdown_bounded("> quote\n> > nested\n- list"), 0);
	assert_int_equal(cm_markdown_bounded("> > > > > > > > > > deep"), -1);
	s = malloc(2000);
	memset(s, '[', 1999);
	s[1999] = '\0';
	assert_int_equal(cm_markdown_bounded(s), -1);
	free(s);
	/* A table of honest size passes; a padded wide one does not. */
	assert_int_equal(cm_markdown_bounded("| a | b |\n| --- | :-: |\n"
	    "| 1 | 2 |\n\nafter"), 0);
	assert_int_equal(cm_markdown_bounded("- - -\ntext"), 0);
	s = malloc(4000);
	s[0] = '\0';
	for (i = 0; i < 300; i++)
		strcat(s, "|a");
	strcat(s, "|\n");
	for (i = 0; i < 300; i++)
		strcat(s, "|-");
	for (i = 0; i < 10; i++)
		strcat(s, "|\n|b");
	assert_int_equal(cm_markdown_bounded(s), -1);
	free(s);
}

static void
test_hash_folds_case_and_space(void **state)
{
	char	a[17], b[17], c[17];

	(void)state;
	cm_body_hash("Title", "Some   body\ntext", a);
	cm_body_hash("title", "some body text", b);
	cm_body_hash("title", "other text", c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
}

static void
test_tags(void **state)
{
	const char	*why;
	char		*t;

	(void)state;
	t = cm_tags_normalise("Refund, card  refund", &why);
	assert_non_null(t);
	assert_string_equal(t, " refund card ");
	free(t);
	t = cm_tags_normalise("", &why);
	assert_string_equal(t, "");
	free(t);
	assert_null(cm_tags_normalise("a b c d e f", &why));
	assert_null(cm_tags_normalise("<b>", &why));
	assert_non_null(why);
}

static struct store *
memdb(void)
{
	struct store	*db;

	db = testdb_open("/tmp/hc-test-community.db");
	assert_non_null(db);
	return (db);
}

static void
test_store_flow(void **state)
{
	struct cm_audit	 by = { "mod-a", "hide" };
	struct cm_new	 n;
	struct cm_thread t;
	struct store		*db;
	long long	 tid, aid, score, total;
	char		*md, *slug;
	json_t		*list, *log;

	(void)state;
	db = memdb();
	memset(&n, 0, sizeof(n));
	n.visitor = "v1";
	n.author = "Alice";
	n.title = "How to pair the remote?";
	n.body_md = "It *blinks*.";
	n.body_html = "<p>It <em>blinks</em>.</p>";
	n.body_plain = "It blinks.";
	n.lang = "en";
	n.status = CM_PUBLISHED;
	n.body_hash = "0000000000000001";
	assert_int_equal(cm_thread_create(db, &n, &tid), 0);
	assert_int_equal(cm_duplicate(db, "0000000000000001", "v1", 0), 1);
	n.visitor = "v2";
	n.author = "Bob";
	n.body_md = n.body_plain = n.body_html = "Hold the button.";
	n.body_hash = "0000000000000002";
	assert_int_equal(cm_answer_create(db, tid, &n, &aid), 0);
	assert_int_equal(cm_vote(db, 'a', aid, "v1", "c1", 1, &score),
	    CM_VOTE_OK);
	assert_int_equal(score, 1);
	/* Another cookie from the same address: refused, score unchanged. */
	assert_int_equal(cm_vote(db, 'a', aid, "v9", "c1", 1, &score),
	    CM_VOTE_CLIENT_TAKEN);
	assert_int_equal(cm_vote(db, 'a', aid, "v8", "c1", -1, &score),
	    CM_VOTE_CLIENT_TAKEN);
	/* The voter may change or withdraw it, from anywhere. */
	assert_int_equal(cm_vote(db, 'a', aid, "v1", "c1", -1, &score),
	    CM_VOTE_OK);
	assert_int_equal(score, -1);
	assert_int_equal(cm_vote(db, 'a', aid, "v1", "c1", 0, &score),
	    CM_VOTE_OK);
	assert_int_equal(score, 0);
	/* Withdrawn: the address may vote again. */
	assert_int_equal(cm_vote(db, 'a', aid, "v9", "c1", 1, &score),
	    CM_VOTE_OK);
	assert_int_equal(cm_vote(db, 'a', aid, "v9", "c1", 0, &score),
	    CM_VOTE_OK);
	assert_null(cm_export_draft(db, tid, &slug));
	assert_int_equal(cm_accept(db, tid, aid), 0);
	assert_int_equal(cm_thread_get(db, tid, &t), 1);
	assert_int_equal(t.accepted, aid);
	assert_int_equal(t.answers, 1);
	cm_thread_free(&t);
	md = cm_export_draft(db, tid, &slug);
	assert_non_null(md);
	assert_non_null(strstr(md, "draft: true"));
	assert_non_null(strstr(md, "Hold the button."));
	free(md);
	free(slug);
	list = cm_thread_list(db, "solved", NULL, NULL, 1, 20, &total);
	assert_int_equal(total, 1);
	json_decref(list);
	/* Hiding the accepted answer un-solves the thread. */
	assert_int_equal(cm_set_status(db, 'a', aid, CM_HIDDEN, &by), 0);
	/* The moderation log has the action, written with it. */
	log = cm_log_recent(db, 5);
	assert_int_equal(json_array_size(log), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(log, 0), "action")), "hide");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(log, 0), "staff")), "mod-a");
	json_decref(log);
	assert_int_equal(cm_thread_get(db, tid, &t), 1);
	assert_int_equal(t.accepted, 0);
	assert_int_equal(t.answers, 0);
	cm_thread_free(&t);
	assert_int_equal(cm_report(db, 't', tid, "v3"), CM_REPORTED);
	assert_int_equal(cm_report(db, 't', tid, "v3"), CM_REPORTED_BEFORE);
	assert_int_equal(cm_posts_by(db, "v1"), 1);
	db_close(db);
}

static void
test_display_names(void **state)
{
	static const char *refused[] = {
		"\xe2\x80\xae" "evil.exe",		/* U+202E RLO */
		"Bob\xe2\x80\x8e",			/* U+200E LRM */
		"Ali\xe2\x80\x8b" "ce",		/* U+200B ZWSP */
		"\xe2\x80\x8d\xe2\x80\x8d",		/* ZWJ only */
		"\xef\xbb\xbf" "Eve",			/* BOM */
		"\xe2\x81\xa6" "x\xe2\x81\xa9",	/* isolates */
		"Al\xe3\x85\xa4",			/* Hangul filler */
	};
	static const char *invisible[] = {
		" ", "\xe3\x80\x80",			/* ideographic space */
		"\xcc\x81\xcc\x81",			/* marks only */
		"\xe2\xa0\x80",			/* braille blank */
	};
	struct cm_new	 n;
	struct store		*db;
	char		*k1, *k2;
	long long	 tid;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(cm_name_check(refused[i], &k1),
		    CM_NAME_INVISIBLE_CHARS);
		assert_null(k1);
	}
	for (i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++)
		assert_int_equal(cm_name_check(invisible[i], &k1),
		    CM_NAME_NOTHING_VISIBLE);
	assert_int_equal(cm_name_check("", &k1), CM_NAME_EMPTY);
	assert_int_equal(cm_name_check("\xff", &k1), CM_NAME_BAD_UTF8);
	/* Full-width, case, math bold and spacing fold to one key. */
	assert_int_equal(cm_name_check("Alice  Smith", &k1), CM_NAME_OK);
	assert_string_equal(k1, "alice smith");
	assert_int_equal(cm_name_check("\xef\xbc\xa1LICE smith", &k2),
	    CM_NAME_OK);
	assert_string_equal(k1, k2);
	free(k2);
	assert_int_equal(cm_name_check("\xf0\x9d\x90\x80lice Smith ", &k2),
	    CM_NAME_OK);
	assert_string_equal(k1, k2);
	free(k2);
	/* Emoji with a variation selector is fine; Chinese too. */
	assert_int_equal(cm_name_check("\xe2\x9d\xa4\xef\xb8\x8f", &k2),
	    CM_NAME_OK);
	free(k2);
	assert_int_equal(cm_name_check("\xe5\xb0\x8f\xe6\x98\x8e", &k2),
	    CM_NAME_OK);
	free(k2);

	/* The store refuses a second visitor with the same key. */
	db = memdb();
	memset(&n, 0, sizeof(n));
	n.visitor = "v1";
	n.author = "Alice  Smith";
	n.name_key = k1;
	n.title = "A first question here";
	n.body_md = n.body_html = n.body_plain = "Body.";
	n.lang = "en";
	n.status = CM_PUBLISHED;
	n.body_hash = "0000000000000009";
	assert_int_equal(cm_thread_create(db, &n, &tid), CM_WRITE_OK);
	assert_int_equal(cm_name_taken(db, k1, "v1"), 0);
	assert_int_equal(cm_name_taken(db, k1, "v2"), 1);
	n.visitor = "v2";
	n.author = "ALICE SMITH";
	assert_int_equal(cm_thread_create(db, &n, &tid), CM_WRITE_NAME_TAKEN);
	/* A name stored before the key existed is keyed on first use. */
	assert_int_equal(db_exec(db, "INSERT INTO community_names("
	    "visitor, name, created) VALUES ('old', 'Carol', 0)"), STORE_OK);
	free(k1);
	assert_int_equal(cm_name_check("carol", &k1), CM_NAME_OK);
	assert_int_equal(cm_name_taken(db, k1, "v3"), 1);
	free(k1);
	db_close(db);
}

/* Visitor i votes the thread up from node i (its own address). */
static int
vote_node(struct store *s, int i, void *arg)
{
	char		 visitor[16], client[16];
	long long	 score;

	(void)snprintf(visitor, sizeof(visitor), "rv%d", i);
	(void)snprintf(client, sizeof(client), "rc%d", i);
	return ((int)cm_vote(s, 't', *(long long *)arg, visitor, client, 1,
	    &score));
}

/* Four visitors vote on one thread through four nodes at once: all count. */
static void
test_votes_two_nodes(void **state)
{
	struct cm_new	 n;
	struct cm_thread t;
	struct store	*db;
	long long	 tid;
	int		 i, res[4];

	(void)state;
	db = memdb();
	memset(&n, 0, sizeof(n));
	n.visitor = "v1";
	n.author = "Alice";
	n.title = "Racing votes";
	n.body_md = n.body_html = n.body_plain = "Count us all.";
	n.lang = "en";
	n.status = CM_PUBLISHED;
	n.body_hash = "00000000000000aa";
	assert_int_equal(cm_thread_create(db, &n, &tid), 0);
	assert_int_equal(testdb_race("/tmp/hc-test-community.db", 4,
	    vote_node, &tid, res), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(res[i], CM_VOTE_OK);
	assert_int_equal(cm_thread_get(db, tid, &t), 1);
	assert_int_equal(t.score, 4);
	cm_thread_free(&t);
	db_close(db);
}

/* A question from visitor v, with the fields a valid one needs. */
static void
question(struct cm_post_input *in, const char *v)
{
	memset(in, 0, sizeof(*in));
	in->visitor = v;
	in->title = "How do I pair the remote?";
	in->body = "It blinks twice and stops.";
	in->tags = "remote";
	in->display_name = "Dana";
	in->lang = "en";
}

static void
test_post_rules(void **state)
{
	struct cm_post_input	 in;
	struct cm_post_output	 out;
	struct store		*db;

	(void)state;
	question(&in, "v1");
	assert_int_equal(cm_post(NULL, &in, &out), CM_POST_UNAVAILABLE);
	assert_non_null(out.message);
	db = memdb();
	/* Each field's rule names the field. */
	question(&in, "v1");
	in.title = "short";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.field, "title");
	assert_string_equal(out.code, "too_short");
	question(&in, "v1");
	in.body = "   ";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.field, "body");
	assert_string_equal(out.code, "empty");
	question(&in, "v1");
	in.display_name = NULL;
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.code, "missing");
	question(&in, "v1");
	in.display_name = "\xe2\x80\xae";	/* a bidi override alone */
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.field, "display_name");
	question(&in, "v1");
	in.category_unknown = 1;
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.code, "unknown_category");
	question(&in, "v1");
	in.tags = "a b c d e f";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.code, "bad_tags");
	question(&in, "v1");
	in.body = "> > > > > > > > > > > > > deep";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.code, "too_complex");
	/* Nothing refused was stored, not even the name. */
	assert_int_equal(cm_posts_by(db, "v1"), 0);

	question(&in, "v1");
	assert_int_equal(cm_post(db, &in, &out), CM_POST_PUBLISHED);
	assert_true(out.id > 0);
	assert_null(out.reason);
	/* The same text again, from anyone, within minutes: held. */
	question(&in, "v2");
	in.display_name = "Eve";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_QUEUED);
	assert_string_equal(out.reason, "duplicate");
	/* Another visitor cannot take a name already chosen. */
	question(&in, "v3");
	in.title = "Another question entirely";
	in.display_name = "DANA";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_NAME_TAKEN);
	assert_string_equal(out.field, "display_name");
	/* The moderation rules, in order. */
	question(&in, "v4");
	in.display_name = "Finn";
	in.title = "A question with a honeypot";
	in.honeypot = 1;
	in.too_fast = 1;
	assert_int_equal(cm_post(db, &in, &out), CM_POST_QUEUED);
	assert_string_equal(out.reason, "honeypot");
	question(&in, "v4");
	in.title = "A question sent too fast";
	in.too_fast = 1;
	assert_int_equal(cm_post(db, &in, &out), CM_POST_QUEUED);
	assert_string_equal(out.reason, "too_fast");
	question(&in, "v5");
	in.display_name = "Gus";
	in.title = "A question with links";
	in.body = "see https://a.example and https://b.example";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_QUEUED);
	assert_string_equal(out.reason, "links");
	db_close(db);
}

static void
test_post_answers(void **state)
{
	struct cm_audit		 by = { "mod-a", "lock" };
	struct cm_post_input	 in;
	struct cm_post_output	 out;
	struct cm_thread	 t;
	struct store		*db;
	long long		 tid;

	(void)state;
	db = memdb();
	question(&in, "v1");
	in.lang = "zh-CN";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_PUBLISHED);
	tid = out.id;
	memset(&in, 0, sizeof(in));
	in.visitor = "v2";
	in.display_name = "Hana";
	in.body = "x";
	in.lang = "en";
	in.thread_id = tid + 1;
	assert_int_equal(cm_post(db, &in, &out), CM_POST_NOT_FOUND);
	in.thread_id = tid;
	/* An answer is shorter than a question, but not one character. */
	assert_int_equal(cm_post(db, &in, &out), CM_POST_INVALID);
	assert_string_equal(out.code, "too_short");
	in.body = "Hold the button for five seconds.";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_PUBLISHED);
	assert_true(out.id > 0);
	assert_int_equal(cm_thread_get(db, tid, &t), 1);
	assert_int_equal(t.answers, 1);
	cm_thread_free(&t);
	assert_int_equal(cm_thread_flag(db, tid, "locked", 1, &by), 0);
	in.body = "One more thing to try.";
	assert_int_equal(cm_post(db, &in, &out), CM_POST_LOCKED);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_markdown_bounds),
		cmocka_unit_test(test_hash_folds_case_and_space),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_store_flow),
		cmocka_unit_test(test_display_names),
		cmocka_unit_test(test_post_rules),
		cmocka_unit_test(test_post_answers),
		cmocka_unit_test(test_votes_two_nodes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
