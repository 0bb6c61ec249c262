/* mailer.c: the hc-mailer process: the outbox's rows to the SMTP relay through libcurl, each claimed durably before its transfer, retried with backoff. */
#include <curl/curl.h>
#include <gmime/gmime.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail.h"
#include "store/db.h"
#include "util/helper_status.h"
#include "util/random.h"
#include "util/text.h"

/* Rows taken per look at the outbox; the loop looks again at once if full. */
#define BATCH			20
/* An idle mailer looks at the outbox this often (ms). */
#define IDLE_MS			500
/* The relay unreachable: wait at most this long between tries (ms). */
#define RELAY_BACKOFF_MAX_MS	15000
/* A message the relay refused for now (4xx): 30 s, doubling, at most 1 h. */
#define RETRY_FIRST_S		30
#define RETRY_MAX_S		3600
/* A row still not sent after this long is failed (as MTAs give up). */
#define GIVE_UP_S		(3 * 86400)
/* One transfer's limits (s); a clean stop waits this long for its end. */
#define CONNECT_TIMEOUT_S	10
#define TRANSFER_TIMEOUT_S	60
#define STOP_GRACE_S		5
/*
 * Several nodes (PostgreSQL): a "sending" row claimed this long ago (s)
 * is from a mailer that died, since a transfer ends long before; a
 * newer one may be another node's transfer under way.
 */
#define STALE_CLAIM_S		600

static volatile sig_atomic_t	stopping;
static time_t			stop_asked;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The message being sent: curl reads it from here. */
struct upload {
	const char	*data;
	size_t		 len;
	size_t		 off;
	int		 done;		/* curl took the last byte */
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload	*u = arg;
	size_t		 n;

	n = size * nitems;
	if (n > u->len - u->off)
		n = u->len - u->off;
	if (n == 0) {
		u->done = 1;
		return (0);
	}
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	/* curl knows the size: it may never ask for the 0 that ends it. */
	if (u->off == u->len)
		u->done = 1;
	return (n);
}

/*
 * A clean stop (SIGTERM) lets a transfer finish for STOP_GRACE_S; then it
 * is cut, which is safe before the body's end (nothing was delivered) and
 * unsure after it.
 */
static int
progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	(void)arg;
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	if (!stopping)
		return (0);
	if (stop_asked == 0)
		stop_asked = time(NULL);
	return (time(NULL) - stop_asked >= STOP_GRACE_S);
}

/* What one transfer came to. */
struct try_result {
	enum outbox_outcome	outcome;
	int			relay_down;	/* no answer from the relay at all */
	char			error[HELPER_ERROR_LEN];
};

static long long
retry_delay(int attempts)
{
	long long	d;
	int		i;

	d = RETRY_FIRST_S;
	for (i = 1; i < attempts && d < RETRY_MAX_S; i++)
		d *= 2;
	return (d < RETRY_MAX_S ? d : RETRY_MAX_S);
}

/*
 * One SMTP transaction for message text: the relay's answer classified.
 * The body's end is the line between "surely not delivered" (retry) and
 * "maybe delivered" (unsure): the relay's 250 to the final dot may be lost.
 */
static void
transfer(CURL *c, const struct mail_config *cfg, const char *from,
    const char *rcpt, const char *text, size_t len, struct try_result *r)
{
	struct curl_slist	*to;
	struct upload		 u;
	CURLcode		 res;
	long			 code;
	char			 env_from[MAIL_ADDR_MAX], env_to[MAIL_ADDR_MAX];

	memset(&u, 0, sizeof(u));
	u.data = text;
	u.len = len;
	(void)snprintf(env_from, sizeof(env_from), "<%s>", from);
	(void)snprintf(env_to, sizeof(env_to), "<%s>", rcpt);
	to = curl_slist_append(NULL, env_to);
	/* Reset, not a new handle: the relay's connection is kept. */
	curl_easy_reset(c);
	(void)curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	(void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	(void)curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
	(void)curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	(void)curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	(void)curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	(void)curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	(void)curl_easy_setopt(c, CURLOPT_READDATA, &u);
	/* STARTTLS when the relay offers it; smtps:// for TLS or nothing. */
	(void)curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
	(void)curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)TRANSFER_TIMEOUT_S);
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	(void)curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	res = curl_easy_perform(c);
	curl_slist_free_all(to);
	code = 0;
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	r->relay_down = 0;
	r->error[0] = '\0';
	if (res == CURLE_OK) {
		r->outcome = OUTBOX_SENT;
		return;
	}
	(void)snprintf(r->error, sizeof(r->error), "%s (SMTP %ld)",
	    curl_easy_strerror(res), code);
	if (u.done && (code == 0 || code == 354)) {
		/* The body went out; its answer did not come back. */
		r->outcome = OUTBOX_UNSURE;
		(void)snprintf(r->error, sizeof(r->error), "the relay took the "
		    "whole message but its answer was lost (%s): not sent "
		    "again, to send no copy; hcctl mail retry resends it",
		    curl_easy_strerror(res));
	} else if (code >= 500 && code < 600)
		r->outcome = OUTBOX_FAILED;	/* refused for good */
	else if (code >= 400 && code < 500)
		r->outcome = OUTBOX_RETRY;	/* refused for now */
	else {
		r->outcome = OUTBOX_RETRY;
		r->relay_down = 1;
	}
}

/* 1 when s can be an SMTP path: printable ASCII, no brackets, one '@'. */
static int
smtp_address_ok(const char *s)
{
	const char	*p;

	if (s == NULL || (p = strchr(s, '@')) == NULL || p == s ||
	    strchr(p + 1, '@') != NULL || strlen(s) > 254)
		return (0);
	for (p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 127 || *p == '<' || *p == '>')
			return (0);
	return (1);
}

/* Sleeps ms in short naps, so that a stop is seen within 100 ms. */
static void
nap(unsigned int ms)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };
	unsigned int	i;

	for (i = 0; i < ms / 100 && !stopping; i++)
		(void)nanosleep(&ts, NULL);
}

/*
 * Sends row id: claim, build, transfer, settle. Returns 0, 1 when the
 * relay could not be reached (the batch stops), -1 on a database error.
 */
static int
send_one(struct store *db, CURL *c, const struct mail_config *cfg, long long id)
{
	struct outbox_msg	 m;
	struct try_result	 r;
	unsigned char		 rnd[8];
	char			 attempt[17], *text, *from;
	size_t			 len;
	long long		 now, next_at;
	int			 rc;

	if (random_bytes(rnd, sizeof(rnd)) != 0)
		return (-1);
	hex_encode(rnd, sizeof(rnd), attempt);
	if ((rc = outbox_claim(db, id, attempt, &m)) != 1)
		return (rc);
	now = (long long)time(NULL);
	text = from = NULL;
	r.relay_down = 0;
	r.outcome = OUTBOX_FAILED;
	if (now - m.created_at > GIVE_UP_S)
		(void)snprintf(r.error, sizeof(r.error), "not sent within 3 "
		    "days (%d tries): given up", m.attempts - 1);
	else if (!smtp_address_ok(m.rcpt))
		(void)snprintf(r.error, sizeof(r.error), "the address '%s' "
		    "cannot be sent to", m.rcpt ? m.rcpt : "");
	else if ((text = mail_build(cfg, &m, &len, &from, r.error,
	    sizeof(r.error))) != NULL)
		transfer(c, cfg, from, m.rcpt, text, len, &r);
	next_at = r.relay_down ? now : now + retry_delay(m.attempts);
	/*
	 * The outcome is known: record it, however long the database makes
	 * us wait. Given up only on a stop; the row then stays "sending" and
	 * the next start sends it again (same Message-ID).
	 */
	while ((rc = outbox_settle(db, id, attempt, r.outcome, next_at,
	    r.outcome == OUTBOX_SENT ? NULL : r.error)) != 0 && !stopping) {
		helper_status_error(HELPER_MAILER, "row %lld: recording the "
		    "outcome failed (retrying): %s", id, db_errmsg(db));
		helper_status_beat(HELPER_MAILER);
		nap(1000);
	}
	if (rc != 0) {
		fprintf(stderr, "mail: row %lld: outcome not recorded before "
		    "the stop: %s\n", id, db_errmsg(db));
		rc = -1;
	} else if (r.relay_down) {
		helper_status_error(HELPER_MAILER, "the SMTP relay cannot be "
		    "reached (mail is queued, none is lost): %s", r.error);
		rc = 1;
	} else {
		if (r.outcome == OUTBOX_SENT)
			helper_status_ok(HELPER_MAILER);
		else
			fprintf(stderr, "mail: %s row %lld to %s: %s\n",
			    r.outcome == OUTBOX_RETRY ? "deferred" :
			    r.outcome == OUTBOX_UNSURE ? "unsure" : "failed",
			    id, m.rcpt ? m.rcpt : "", r.error);
		rc = 0;
	}
	free(text);
	free(from);
	outbox_msg_free(&m);
	return (rc);
}

void
mailer_run(const char *db_path, const struct mail_config *cfg)
{
	struct store	*db = NULL;
	CURL		*c;
	long long	 ids[BATCH], now;
	int		 n, i, rc, recovered = 0, logged = 0;

	(void)signal(SIGTERM, on_term);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	/* Forked from the parent: its random bytes are not ours. */
	random_forget();
	g_mime_init();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (c = curl_easy_init()) == NULL) {
		helper_status_error(HELPER_MAILER, "libcurl cannot start");
		fprintf(stderr, "mail: libcurl cannot start\n");
		_exit(1);
	}
	/* Its short writes never keep a visitor's write waiting. */
	db_write_queue_opt_out();
	while (!stopping) {
		helper_status_beat(HELPER_MAILER);
		if (db == NULL)
			db = db_open(db_path);
		rc = db == NULL ? -1 : 0;
		/*
		 * A previous mailer's "sending" rows: sent again, same id.
		 * One node: all of them, at the start. Several nodes: the
		 * stale ones, each round (a node's mailer may die while the
		 * others run on).
		 */
		if (rc == 0 && (!recovered || db_backend(db) == DB_PG)) {
			now = (long long)time(NULL);
			if ((n = outbox_recover(db, now, db_backend(db) ==
			    DB_PG ? now - STALE_CLAIM_S : LLONG_MAX)) > 0)
				fprintf(stderr, "mail: %d messages were being "
				    "sent when the mailer stopped: sent again "
				    "with the same Message-ID\n", n);
			recovered = n >= 0;
			rc = n >= 0 ? 0 : -1;
		}
		n = rc == 0 ? outbox_due(db, (long long)time(NULL), ids,
		    BATCH) : -1;
		if (n == -1)
			rc = -1;
		for (i = 0; i < n && rc == 0 && !stopping; i++) {
			rc = send_one(db, c, cfg, ids[i]);
			helper_status_beat(HELPER_MAILER);
		}
		if (rc == -1) {
			helper_status_error(HELPER_MAILER, "the outbox cannot be "
			    "read or written (mail waits in it): %s",
			    db == NULL ? "cannot open the database" :
			    db_errmsg(db));
			if (!logged++)
				fprintf(stderr, "mail: outbox: %s\n", db == NULL ?
				    "cannot open the database" :
				    db_errmsg(db));
		} else if (rc == 0)
			logged = 0;
		if (rc != 0)
			helper_backoff(HELPER_MAILER, RELAY_BACKOFF_MAX_MS);
		else if (n < BATCH)
			nap(IDLE_MS);
	}
	curl_easy_cleanup(c);
	if (db != NULL)
		db_close(db);
	_exit(0);
}
