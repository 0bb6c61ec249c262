/* test_mail.c: unit tests of src/mail/ and the outbox (quote stripping, signed reply addresses and Message-IDs, which changes queue which emails, claim and settle, emailed replies). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gmime/gmime.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/mail.h"
#include "store/db.h"
#include "testdb.h"
#include "tickets/attachments.h"
#include "tickets/outbox.h"
#include "tickets/tickets.h"

static const unsigned char	secret[32] = "0123456789abcdef0123456789abcde";
static const unsigned char	other[32] = "fedcba9876543210fedcba987654321";

static void
strip_is(const char *in, const char *want)
{
	char	*got;

	got = mail_strip_quotes(in);
	if (strcmp(got, want))
		fail_msg("strip of [%s]: want [%s], got [%s]", in, want, got);
	free(got);
}

static void
test_strip_quotes(void **state)
{
	(void)state;
	strip_is("Thanks, it works.", "Thanks, it works.");
	strip_is("Thanks.\n\n> old text\n> more\n", "Thanks.");
	/* Interleaved answers: the quotes go, the answers stay. */
	strip_is("> question one\nanswer one\n> question two\nanswer two",
	    "answer one\nanswer two");
	strip_is("Yes.\r\n\r\nOn Mon, 3 Dec 2026 at 10:00, Help <h@x.com> "
	    "wrote:\r\n> We have your request\r\n", "Yes.");
	/* Gmail wraps long attributions over two lines. */
	strip_is("Yes.\n\nOn Mon, 3 Dec 2026 at 10:00, A very long name\n"
	    "<help@example.com> wrote:\nnot quoted but old\n", "Yes.");
	strip_is("还是没到账。\n\n在 2026年12月3日 10:00，帮助中心 写道：\n"
	    "> 我们已收到\n", "还是没到账。");
	strip_is("好的\n在 2026年12月3日 写道:\n旧的", "好的");
	strip_is("Done.\n\n-- \nAnn\nCEO, Example Ltd\n", "Done.");
	strip_is("Done.\n--\nAnn", "Done.");
	/* A dash line that is not the delimiter stays. */
	strip_is("a -- b\n--- c", "a -- b\n--- c");
	strip_is("See below.\n-----Original Message-----\nFrom: x",
	    "See below.");
	strip_is("看下面\n-----原始邮件-----\n发件人: x", "看下面");
	/* Blank lines inside stay, around go; trailing spaces go. */
	strip_is("\n\n  \nfirst\n\n\nsecond  \n\n", "first\n\n\nsecond");
	/* Only a quote: nothing new. */
	strip_is("> all quoted\n>\n", "");
	strip_is("", "");
	/* "On" not followed by an attribution is text. */
	strip_is("On Monday I paid.\nIt failed.", "On Monday I paid.\nIt failed.");
}

static void
test_reply_address(void **state)
{
	char	addr[MAIL_ADDR_MAX], ref[TICKET_REF_LEN], bad[MAIL_ADDR_MAX + 3];
	char	*p;
	size_t	i;

	(void)state;
	mail_reply_address(secret, "HC-2026-000123", "example.com", addr,
	    sizeof(addr));
	assert_int_equal(strncmp(addr, "reply+HC-2026-000123.", 21), 0);
	assert_int_equal(strlen(addr), strlen("reply+HC-2026-000123.") +
	    MAIL_SIG_HEX + strlen("@example.com"));
	assert_int_equal(mail_reply_address_check(secret, addr, ref),
	    MAIL_SIG_OK);
	assert_string_equal(ref, "HC-2026-000123");
	/* With angle brackets, and as a mail system lower-cases it. */
	(void)snprintf(bad, sizeof(bad), " <%s>", addr);
	assert_int_equal(mail_reply_address_check(secret, bad, ref),
	    MAIL_SIG_OK);
	(void)snprintf(bad, sizeof(bad), "%s", addr);
	for (i = 0; bad[i] != '\0'; i++)
		bad[i] = (char)(bad[i] >= 'A' && bad[i] <= 'Z' ?
		    bad[i] + 32 : bad[i]);
	assert_int_equal(mail_reply_address_check(secret, bad, ref),
	    MAIL_SIG_OK);
	assert_string_equal(ref, "HC-2026-000123");
	/* Another installation's secret: a forgery here. */
	assert_int_equal(mail_reply_address_check(other, addr, ref),
	    MAIL_SIG_BAD);
	/* Another ticket under this signature. */
	(void)snprintf(bad, sizeof(bad), "%s", addr);
	bad[20] = bad[20] == '3' ? '4' : '3';
	assert_int_equal(mail_reply_address_check(secret, bad, ref),
	    MAIL_SIG_BAD);
	/* One digit of the signature changed. */
	(void)snprintf(bad, sizeof(bad), "%s", addr);
	p = strchr(bad, '@') - 1;
	*p = *p == '0' ? '1' : '0';
	assert_int_equal(mail_reply_address_check(secret, bad, ref),
	    MAIL_SIG_BAD);
	/* Unsigned, short, or not ours at all. */
	assert_int_equal(mail_reply_address_check(secret,
	    "reply+HC-2026-000123@example.com", ref), MAIL_SIG_BAD);
	assert_int_equal(mail_reply_address_check(secret,
	    "reply+HC-2026-000123.abc@example.com", ref), MAIL_SIG_BAD);
	assert_int_equal(mail_reply_address_check(secret,
	    "reply+nonsense@example.com", ref), MAIL_SIG_BAD);
	assert_int_equal(mail_reply_address_check(secret,
	    "help@example.com", ref), MAIL_SIG_NONE);
	assert_int_equal(mail_reply_address_check(secret, "", ref),
	    MAIL_SIG_NONE);
	assert_int_equal(mail_reply_address_check(secret, NULL, ref),
	    MAIL_SIG_NONE);
}

static void
test_message_id(void **state)
{
	char	id[MAIL_ADDR_MAX], id2[MAIL_ADDR_MAX + 2], ref[TICKET_REF_LEN];
	char	*p;

	(void)state;
	mail_message_id(secret, "HC-2026-000123", 42, "example.com", id,
	    sizeof(id));
	/* Stable: the same row is the same message on every try. */
	mail_message_id(secret, "HC-2026-000123", 42, "example.com", id2,
	    sizeof(id2));
	assert_string_equal(id, id2);
	mail_message_id(secret, "HC-2026-000123", 43, "example.com", id2,
	    sizeof(id2));
	assert_string_not_equal(id, id2);
	assert_int_equal(mail_message_id_check(secret, id, ref), MAIL_SIG_OK);
	assert_string_equal(ref, "HC-2026-000123");
	(void)snprintf(id2, sizeof(id2), "<%s>", id);
	assert_int_equal(mail_message_id_check(secret, id2, ref), MAIL_SIG_OK);
	assert_int_equal(mail_message_id_check(other, id, ref), MAIL_SIG_BAD);
	/* The row number changed under the signature. */
	(void)snprintf(id2, sizeof(id2), "%s", id);
	p = strstr(id2, ".42.");
	p[2] = '3';
	assert_int_equal(mail_message_id_check(secret, id2, ref),
	    MAIL_SIG_BAD);
	assert_int_equal(mail_message_id_check(secret,
	    "CAB123@mail.gmail.com", ref), MAIL_SIG_NONE);
	/* A reply address is not a Message-ID (another purpose). */
	mail_reply_address(secret, "HC-2026-000123", "example.com", id2,
	    sizeof(id2));
	assert_int_not_equal(mail_message_id_check(secret, id2 + 6, ref),
	    MAIL_SIG_OK);
}

static void
test_domain(void **state)
{
	char	d[64];

	(void)state;
	assert_int_equal(mail_domain("Help <help@Example.COM>", d, sizeof(d)),
	    0);
	assert_string_equal(d, "example.com");
	assert_int_equal(mail_domain("help@mail.example.com", d, sizeof(d)), 0);
	assert_string_equal(d, "mail.example.com");
	assert_int_equal(mail_domain("help", d, sizeof(d)), -1);
	assert_int_equal(mail_domain("help@localhost", d, sizeof(d)), -1);
	assert_int_equal(mail_domain("help@exa mple.com", d, sizeof(d)), -1);
	assert_int_equal(mail_domain("help@ex\"ample.com", d, sizeof(d)), -1);
}

static struct store *
fresh_db(void)
{
	struct store	*db;

	db = testdb_open("/tmp/hc-test-mail.db");
	assert_non_null(db);
	return (db);
}

static int
count(struct store *db, const char *sql)
{
	struct db_stmt	*st;
	int		 n;

	assert_int_equal(db_prepare(db, sql, &st), 0);
	assert_int_equal(db_step(st), STORE_ROW);
	n = db_col_int64(st, 0);
	db_finalize(st);
	return (n);
}

static void
make_ticket(struct store *db, const char *lang, struct ticket_created *out)
{
	struct ticket_input	in;

	memset(&in, 0, sizeof(in));
	in.name = "Ann";
	in.email = "ann@example.com";
	in.subject = "Cannot pay";
	in.body = "My card fails.";
	in.channel = "web_form";
	in.lang = lang;
	assert_int_equal(ticket_create(db, secret, &in, out), TICKET_CREATED);
}

/* Which changes queue which emails; mail off queues none. */
static void
test_outbox_queueing(void **state)
{
	struct ticket_created	t;
	struct ticket_change	ch;
	struct store			*db;

	(void)state;
	db = fresh_db();
	tickets_mail_enable(0);
	make_ticket(db, "en", &t);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox"), 0);
	/* The language is kept all the same, for when mail is turned on. */
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_lang WHERE "
	    "lang = 'en'"), 1);
	assert_int_equal(ticket_comment(db, t.ref, "agent:bob", 1, 1, "Hi"),
	    TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox"), 0);

	tickets_mail_enable(1);
	make_ticket(db, "zh-CN", &t);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox WHERE "
	    "kind = 'received' AND state = 'queued'"), 1);
	/* An internal note: never emailed. */
	assert_int_equal(ticket_comment(db, t.ref, "agent:bob", 1, 0,
	    "internal"), TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox"), 1);
	/* The requester's own reply: not emailed back to them. */
	assert_int_equal(ticket_comment(db, t.ref, "requester", 0, 1,
	    "more"), TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox"), 1);
	assert_int_equal(ticket_comment(db, t.ref, "agent:bob", 1, 1,
	    "Answer"), TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox o JOIN "
	    "ticket_events e ON e.id = o.event_id WHERE o.kind = 'reply' AND "
	    "e.body = 'Answer'"), 1);
	memset(&ch, 0, sizeof(ch));
	ch.priority = "high";
	assert_int_equal(ticket_update(db, t.ref, "agent:bob", &ch),
	    TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox"), 2);
	ch.status = "solved";
	assert_int_equal(ticket_update(db, t.ref, "agent:bob", &ch),
	    TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox WHERE "
	    "kind = 'solved'"), 1);
	ch.status = "closed";
	assert_int_equal(ticket_update(db, t.ref, "agent:bob", &ch),
	    TICKET_CHANGED);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox"), 3);
	tickets_mail_enable(0);
	db_close(db);
}

/* Claim marks "sending" once; settle needs the same attempt; recover. */
static void
test_outbox_claim_settle(void **state)
{
	struct ticket_created	 t;
	struct outbox_msg	 m;
	struct store		*db;
	long long		 ids[4];

	(void)state;
	db = fresh_db();
	tickets_mail_enable(1);
	make_ticket(db, "en", &t);
	assert_int_equal(outbox_due(db, 1LL << 40, ids, 4), 1);
	assert_int_equal(outbox_claim(db, ids[0], "attempt-a", &m), 1);
	assert_string_equal(m.kind, "received");
	assert_string_equal(m.ref, t.ref);
	assert_string_equal(m.lang, "en");
	assert_string_equal(m.rcpt, "ann@example.com");
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.first_id, ids[0]);
	outbox_msg_free(&m);
	/* Claimed once: a second claim gets nothing, nothing is due. */
	assert_int_equal(outbox_claim(db, ids[0], "attempt-b", &m), 0);
	assert_int_equal(outbox_due(db, 1LL << 40, ids + 1, 3), 0);
	/* Another attempt's outcome does not touch the row. */
	assert_int_equal(outbox_settle(db, ids[0], "attempt-b", OUTBOX_SENT,
	    0, NULL), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox WHERE "
	    "state = 'sending'"), 1);
	/* A mailer that died mid-transfer: the row is queued again. */
	assert_int_equal(outbox_recover(db, 100, LLONG_MAX), 1);
	assert_int_equal(outbox_due(db, 100, ids, 4), 1);
	assert_int_equal(outbox_claim(db, ids[0], "attempt-c", &m), 1);
	assert_int_equal(m.attempts, 2);
	outbox_msg_free(&m);
	assert_int_equal(outbox_settle(db, ids[0], "attempt-c", OUTBOX_RETRY,
	    500, "421 busy"), 0);
	assert_int_equal(outbox_due(db, 499, ids, 4), 0);
	assert_int_equal(outbox_due(db, 500, ids, 4), 1);
	assert_int_equal(outbox_claim(db, ids[0], "attempt-d", &m), 1);
	outbox_msg_free(&m);
	assert_int_equal(outbox_settle(db, ids[0], "attempt-d", OUTBOX_UNSURE,
	    0, "lost"), 0);
	/* Unsure is never sent again by itself; an operator's retry does. */
	assert_int_equal(outbox_due(db, 1LL << 40, ids, 4), 0);
	assert_int_equal(outbox_requeue(db, ids[0]), 1);
	assert_int_equal(outbox_requeue(db, ids[0]), 0);
	assert_int_equal(outbox_due(db, 1LL << 40, ids, 4), 1);
	tickets_mail_enable(0);
	db_close(db);
}

/* Node i's mailer claims row *arg: 1 taken, 0 not queued, -1. */
static int
claim_node(struct store *db, int i, void *arg)
{
	struct outbox_msg	m;
	char			attempt[16];
	int			rc;

	(void)snprintf(attempt, sizeof(attempt), "node-%d", i);
	rc = outbox_claim(db, *(long long *)arg, attempt, &m);
	if (rc == 1)
		outbox_msg_free(&m);
	return (rc);
}

/*
 * Four nodes' mailers claim one row at once: one takes it, the others
 * find it taken (PostgreSQL: a serialization failure, run again); a stale
 * claim is queued again by another node, a fresh one is left to its node.
 */
static void
test_outbox_claim_race(void **state)
{
	struct ticket_created	 t;
	struct store		*db;
	long long		 ids[4], now;
	int			 res[4], i, taken;

	(void)state;
	db = fresh_db();
	tickets_mail_enable(1);
	make_ticket(db, "en", &t);
	assert_int_equal(outbox_due(db, 1LL << 40, ids, 4), 1);
	assert_int_equal(testdb_race("/tmp/hc-test-mail.db", 4, claim_node,
	    &ids[0], res), 0);
	for (taken = i = 0; i < 4; i++) {
		assert_true(res[i] == 0 || res[i] == 1);
		taken += res[i];
	}
	assert_int_equal(taken, 1);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox WHERE "
	    "state = 'sending' AND attempts = 1"), 1);
	now = (long long)time(NULL);
	/* Claimed just now: another node's transfer may be under way. */
	assert_int_equal(outbox_recover(db, now, now - 600), 0);
	assert_int_equal(outbox_recover(db, now, now + 1), 1);
	assert_int_equal(outbox_due(db, now, ids, 4), 1);
	tickets_mail_enable(0);
	db_close(db);
}

/* A reply message to ticket ref, from from, with header extra. */
static char *
reply_msg(const char *from, const char *to, const char *extra,
    const char *body)
{
	char	*s;

	if (asprintf(&s, "From: %s\r\nTo: %s\r\n%sSubject: Re: x\r\n"
	    "Message-ID: <%p.%s@client.example>\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\n\r\n%s", from, to, extra, (const void *)body,
	    from, body) == -1)
		fail();
	return (s);
}

static enum mail_in_result
take(struct store *db, const char *raw, char *why, size_t len)
{
	char	ref[TICKET_REF_LEN];

	return (mail_in(db, secret, raw, strlen(raw), NULL, ref, why, len));
}

static void
test_mail_in(void **state)
{
	struct ticket_created	 t;
	struct store			*db;
	char			 addr[MAIL_ADDR_MAX], id[MAIL_ADDR_MAX];
	char			 hdr[MAIL_ADDR_MAX + 40], why[600], *m;

	(void)state;
	db = fresh_db();
	make_ticket(db, "en", &t);
	mail_reply_address(secret, t.ref, "example.com", addr, sizeof(addr));

	m = reply_msg("Ann <ann@example.com>", addr, "", "It works now.\n\n"
	    "On Mon, Help wrote:\n> old\n");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_ADDED);
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_events WHERE "
	    "kind = 'reply' AND body = 'It works now.'"), 1);
	/* The MTA delivers it again: nothing more. */
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_DUPLICATE);
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_events WHERE "
	    "kind = 'reply'"), 1);
	free(m);

	/* Found by In-Reply-To alone. */
	mail_message_id(secret, t.ref, 1, "example.com", id, sizeof(id));
	(void)snprintf(hdr, sizeof(hdr), "In-Reply-To: <%s>\r\n", id);
	m = reply_msg("ann@EXAMPLE.com", "help@example.com", hdr, "Second.");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_ADDED);
	free(m);

	/* Someone else, with the right address: refused. */
	m = reply_msg("eve@example.net", addr, "", "Let me in.");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_NOPERM);
	assert_non_null(strstr(why, "eve@example.net"));
	free(m);
	/* Unsigned. */
	m = reply_msg("ann@example.com", "help@example.com", "", "Hi.");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_NOPERM);
	free(m);
	/* Forged signature. */
	m = reply_msg("ann@example.com", "reply+HC-2026-000001."
	    "0123456789abcdef@example.com", "", "Hi.");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_NOPERM);
	free(m);
	/* Only quoted text. */
	m = reply_msg("ann@example.com", addr, "", "> all old\n");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_DATAERR);
	free(m);
	/* An out-of-office robot: taken silently, nothing added. */
	m = reply_msg("ann@example.com", addr, "Auto-Submitted: auto-replied"
	    "\r\n", "I am away.");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_IGNORED);
	free(m);
	/* Not a message at all. */
	assert_int_equal(take(db, "\x01\x02garbage", why, sizeof(why)),
	    MAIL_IN_DATAERR);
	/* HTML only: made text, its blockquote left out. */
	if (asprintf(&m, "From: ann@example.com\r\nTo: %s\r\nMessage-ID: "
	    "<h1@client.example>\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "\r\n<html><body><p>From <b>HTML</b> &amp; more</p><blockquote>"
	    "old words</blockquote><script>x()</script></body></html>",
	    addr) == -1)
		fail();
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_ADDED);
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_events WHERE "
	    "body = 'From HTML & more'"), 1);
	free(m);
	/* A text/plain part preferred to the HTML beside it; GB2312 read. */
	if (asprintf(&m, "From: ann@example.com\r\nTo: %s\r\nMessage-ID: "
	    "<a1@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: "
	    "multipart/alternative; boundary=XX\r\n\r\n--XX\r\nContent-Type: "
	    "text/plain; charset=gb2312\r\n\r\n\xc4\xe3\xba\xc3\r\n--XX\r\n"
	    "Content-Type: text/html\r\n\r\n<p>html</p>\r\n--XX--\r\n",
	    addr) == -1)
		fail();
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_ADDED);
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_events WHERE "
	    "body = '你好'"), 1);
	free(m);
	/* A closed ticket takes no more: refused, nothing added. */
	{
		struct ticket_change	ch;

		memset(&ch, 0, sizeof(ch));
		ch.status = "closed";
		assert_int_equal(ticket_update(db, t.ref, "agent:bob", &ch),
		    TICKET_CHANGED);
	}
	m = reply_msg("ann@example.com", addr, "", "Reopen please.");
	assert_int_equal(take(db, m, why, sizeof(why)), MAIL_IN_NOPERM);
	assert_non_null(strstr(why, "closed"));
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_events WHERE "
	    "body = 'Reopen please.'"), 0);
	free(m);
	db_close(db);
}


/* One attachment part of a multipart/mixed message (base64 body). */
static void
add_part(char **msg, const char *type, const char *name, const char *b64)
{
	char	*s;

	if (asprintf(&s, "%s--XX\r\nContent-Type: %s\r\nContent-Disposition: "
	    "attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: "
	    "base64\r\n\r\n%s\r\n", *msg, type, name, b64) == -1)
		fail();
	free(*msg);
	*msg = s;
}

static void
test_mail_in_files(void **state)
{
	static const char	*png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf"
				    "FcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";
	struct ticket_created	 t;
	struct store		*db;
	char			 addr[MAIL_ADDR_MAX], why[1200], dir[64];
	char			 name[32], cmd[96], *m, *full;
	int			 i;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hc-mailfiles.XXXXXX");
	assert_non_null(mkdtemp(dir));
	attachments_set_dir(dir);
	assert_int_equal(attachments_prepare_dir(), 0);
	db = fresh_db();
	make_ticket(db, "en", &t);
	mail_reply_address(secret, t.ref, "example.com", addr, sizeof(addr));
	if (asprintf(&m, "From: ann@example.com\r\nTo: %s\r\nMessage-ID: "
	    "<f1@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: "
	    "multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\n\r\nThe files.\r\n", addr) == -1)
		fail();
	/* SVG and HTML by their bytes, whatever they are called. */
	add_part(&m, "image/svg+xml", "logo.svg", "PHN2ZyB4bWxucz0iaHR0cDovL3d3"
	    "dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L3N2Zz4=");
	add_part(&m, "image/png", "page.png", "PGh0bWw+PHNjcmlwdD54KCk8L3Njcmlw"
	    "dD48L2h0bWw+");
	for (i = 1; i <= 6; i++) {
		(void)snprintf(name, sizeof(name), "shot%d.png", i);
		add_part(&m, "application/octet-stream", name, png);
	}
	if (asprintf(&full, "%s--XX--\r\n", m) == -1)
		fail();
	free(m);
	/* Refused files never refuse the reply: the text and 5 PNGs in. */
	assert_int_equal(take(db, full, why, sizeof(why)), MAIL_IN_ADDED);
	assert_non_null(strstr(why, "5 of 8 attachments"));
	assert_non_null(strstr(why, "logo.svg (its bytes are not"));
	assert_non_null(strstr(why, "page.png (its bytes are not"));
	assert_non_null(strstr(why, "shot6.png (more than 5"));
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_events WHERE "
	    "kind = 'reply' AND body = 'The files.'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_attachments a "
	    "JOIN ticket_events e ON e.id = a.event_id WHERE e.body = "
	    "'The files.' AND a.mime = 'image/png'"), 5);
	/* Redelivered: no second comment, no second set of rows. */
	assert_int_equal(take(db, full, why, sizeof(why)), MAIL_IN_DUPLICATE);
	assert_int_equal(count(db, "SELECT count(*) FROM ticket_attachments"),
	    5);
	free(full);
	db_close(db);
	attachments_set_dir("attachments");
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

int
main(void)
{
	int	rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strip_quotes),
		cmocka_unit_test(test_reply_address),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_outbox_queueing),
		cmocka_unit_test(test_outbox_claim_settle),
		cmocka_unit_test(test_outbox_claim_race),
		cmocka_unit_test(test_mail_in),
		cmocka_unit_test(test_mail_in_files),
	};

	/* Once: GMime 3.2 cannot be initialised again after a shutdown. */
	g_mime_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return (rc);
}
