/* cmd_mail.c: hcctl mail-in (an MTA pipes each emailed reply to it) and hcctl mail list|retry (the outbox). */
#include <gmime/gmime.h>

#include <sys/stat.h>

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "hcctl.h"
#include "mail/mail.h"
#include "settings.h"
#include "store/db.h"
#include "tickets/attachments.h"
#include "tickets/outbox.h"
#include "util/strbuf.h"

/* stdin, at most MAIL_IN_MAX + 1 bytes (one more tells "too large"). */
static char *
read_stdin(size_t *len)
{
	char	*buf;
	size_t	 n;
	ssize_t	 r;

	buf = xmalloc(MAIL_IN_MAX + 2);
	n = 0;
	while (n < MAIL_IN_MAX + 1) {
		if ((r = read(STDIN_FILENO, buf + n, MAIL_IN_MAX + 1 - n)) == 0)
			break;
		if (r < 0) {
			free(buf);
			return (NULL);
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return (buf);
}

/*
 * Exit codes as sendmail's delivery programs: 0 taken (or an automatic
 * reply dropped), 77 refused (EX_NOPERM), 65 unreadable (EX_DATAERR), 75
 * try later (EX_TEMPFAIL). The reason goes to stderr, which the MTA puts
 * into its bounce.
 */
int
cmd_mail_in(int argc, char **argv)
{
	enum mail_in_result	 r;
	struct passwd		*pw;
	unsigned char		 secret[DB_SECRET_LEN];
	struct store		*db;
	const char		*rcpt;
	char			*raw, ref[TICKET_REF_LEN], why[1200];
	char			 dir[1024];
	size_t			 len;
	int			 code;

	/* Postfix's local(8) and pipe(8) can give it; the headers else. */
	rcpt = argc > 1 ? argv[1] : getenv("ORIGINAL_RECIPIENT");
	if ((raw = read_stdin(&len)) == NULL) {
		fprintf(stderr, "mail-in: cannot read the message\n");
		return (EX_TEMPFAIL);
	}
	if (len > MAIL_IN_MAX) {
		fprintf(stderr, "mail-in: refused: the message is larger than "
		    "%d KB: send the text alone\n", MAIL_IN_MAX / 1024);
		free(raw);
		return (EX_DATAERR);
	}
	/*
	 * The MTA runs it as helpcenter; run as root (by hand, the tests), it
	 * becomes helpcenter too, or the files it writes would be root's and
	 * unreadable by the workers.
	 */
	if (getuid() == 0 && (pw = getpwnam("helpcenter")) != NULL &&
	    (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)) {
		fprintf(stderr, "mail-in: cannot become the helpcenter user\n");
		free(raw);
		return (EX_TEMPFAIL);
	}
	if ((db = hcctl_db()) == NULL || db_secret(db, secret) != 0) {
		fprintf(stderr, "mail-in: the help center's database cannot "
		    "be opened: try again later\n");
		if (db != NULL)
			db_close(db);
		free(raw);
		return (EX_TEMPFAIL);
	}
	/* The email's files go where the workers read them (DATA/attachments). */
	(void)snprintf(dir, sizeof(dir), "%s/attachments", settings.data);
	attachments_set_dir(dir);
	(void)mkdir(dir, 0700);
	(void)snprintf(dir, sizeof(dir), "%s/attachments/tmp", settings.data);
	(void)mkdir(dir, 0700);
	g_mime_init();
	r = mail_in(db, secret, raw, len, rcpt, ref, why, sizeof(why));
	code = mail_in_exit_code(r);
	fprintf(stderr, "mail-in: %s%s\n", code == 0 ? "" : code == EX_TEMPFAIL ?
	    "deferred: " : "refused: ", why);
	g_mime_shutdown();
	db_close(db);
	free(raw);
	return (code);
}

static int
mail_usage(void)
{
	fprintf(stderr, "usage: hcctl mail list [queued|sending|sent|unsure|"
	    "failed] | hcctl mail retry ID\n");
	return (2);
}

int
cmd_mail(int argc, char **argv)
{
	struct store		*db;
	json_t		*rows, *row;
	const char	*state;
	char		*end;
	long long	 id;
	size_t		 i;
	int		 rc;

	if (argc < 2)
		return (mail_usage());
	if ((db = hcctl_db()) == NULL)
		return (1);
	rc = 0;
	if (!strcmp(argv[1], "list") && argc <= 3) {
		state = argc == 3 ? argv[2] : NULL;
		if ((rows = outbox_list(db, state, 1000)) == NULL) {
			fprintf(stderr, "hcctl mail list: %s\n",
			    db_errmsg(db));
			rc = 1;
		} else {
			json_array_foreach(rows, i, row) {
				(void)json_dumpf(row, stdout, JSON_COMPACT);
				putchar('\n');
			}
			json_decref(rows);
		}
	} else if (!strcmp(argv[1], "retry") && argc == 3) {
		id = strtoll(argv[2], &end, 10);
		if (*end != '\0' || id <= 0)
			rc = mail_usage();
		else if ((rc = outbox_requeue(db, id)) == 1) {
			printf("message %lld queued again (same Message-ID)\n",
			    id);
			rc = 0;
		} else {
			fprintf(stderr, "hcctl mail retry: %s\n", rc == 0 ?
			    "no unsure or failed message has this id" :
			    db_errmsg(db));
			rc = 1;
		}
	} else
		rc = mail_usage();
	db_close(db);
	return (rc);
}
