/* cmd_tickets.c: hcctl tickets list|show|reply|close and hcctl export (tickets and events as JSON lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hcctl.h"
#include "settings.h"
#include "store/db.h"
#include "tickets/tickets.h"
#include "util/text.h"

static int
tickets_usage(void)
{
	fprintf(stderr, "usage: hcctl tickets list [STATUS] | tickets show REF |"
	    " tickets reply REF TEXT | tickets close REF\n");
	return (2);
}

static void
print_time(const char *label, json_t *v)
{
	char		buf[64];
	struct tm	tm;
	time_t		t;

	if (!json_is_integer(v))
		return;
	t = (time_t)json_integer_value(v);
	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	printf("%-10s %s\n", label, buf);
}

static int
list(struct store *db, const char *status)
{
	struct ticket_filter	 f;
	json_t			*o, *t;
	size_t			 i;
	int			 page;

	memset(&f, 0, sizeof(f));
	if (status != NULL && !ticket_status_valid(status)) {
		fprintf(stderr, "hcctl tickets list: status must be new, open, "
		    "pending, solved or closed\n");
		return (2);
	}
	f.status = status;
	f.per_page = 500;
	for (page = 1;; page++) {
		f.page = page;
		if ((o = ticket_list(db, &f)) == NULL) {
			fprintf(stderr, "hcctl tickets list: %s\n",
			    db_errmsg(db));
			return (1);
		}
		json_array_foreach(json_object_get(o, "tickets"), i, t)
			printf("%s\t%s\t%s\t%s\t%s%s\t%s\n",
			    json_string_value(json_object_get(t, "ref")),
			    json_string_value(json_object_get(t, "status")),
			    json_string_value(json_object_get(t, "priority")),
			    json_string_value(json_object_get(t, "group")),
			    json_is_true(json_object_get(t, "overdue")) ?
			    "OVERDUE " : "", "",
			    json_string_value(json_object_get(t, "subject")));
		i = json_array_size(json_object_get(o, "tickets"));
		json_decref(o);
		if (i < (size_t)f.per_page)
			break;
	}
	return (0);
}

static int
show(struct store *db, const char *ref)
{
	unsigned char	 secret[DB_SECRET_LEN];
	char		 token[TICKET_TOKEN_LEN];
	json_t		*t, *ev, *ctx;
	size_t		 i;
	int		 missing;

	if ((t = ticket_get(db, ref, 0, &missing)) == NULL) {
		fprintf(stderr, "hcctl tickets show: %s %s\n", missing ?
		    "no ticket" : "cannot read the database for", ref);
		return (1);
	}
	printf("%-10s %s\n", "ref", ref);
	printf("%-10s %s\n", "subject",
	    json_string_value(json_object_get(t, "subject")));
	printf("%-10s %s <%s>\n", "from",
	    json_string_value(json_object_get(t, "name")),
	    json_string_value(json_object_get(t, "email")));
	printf("%-10s %s / %s / %s / %s\n", "state",
	    json_string_value(json_object_get(t, "status")),
	    json_string_value(json_object_get(t, "priority")),
	    json_string_value(json_object_get(t, "group")),
	    json_string_value(json_object_get(t, "channel")));
	print_time("created", json_object_get(t, "created_at"));
	print_time("due", json_object_get(t, "due_at"));
	if (db_secret(db, secret) == 0) {
		ticket_token(secret, ref, token);
		printf("%-10s %s/tickets/%s?t=%s\n", "status", settings.base_url,
		    ref, token);
	}
	ctx = json_object_get(t, "context");
	printf("%-10s ", "context");
	(void)json_dumpf(ctx, stdout, JSON_COMPACT);
	printf("\n\n%s\n", json_string_value(json_object_get(t, "body")));
	json_array_foreach(json_object_get(t, "events"), i, ev) {
		printf("\n-- %s by %s%s",
		    json_string_value(json_object_get(ev, "kind")),
		    json_string_value(json_object_get(ev, "actor")),
		    json_is_true(json_object_get(ev, "public")) ? "" :
		    " (internal)");
		if (json_is_string(json_object_get(ev, "old")))
			printf(": %s -> %s",
			    json_string_value(json_object_get(ev, "old")),
			    json_string_value(json_object_get(ev, "new")));
		printf("\n");
		if (json_is_string(json_object_get(ev, "body")))
			printf("%s\n", json_string_value(json_object_get(ev,
			    "body")));
	}
	json_decref(t);
	return (0);
}

int
cmd_tickets(int argc, char **argv)
{
	struct ticket_change		 ch;
	enum ticket_change_result	 r;
	struct store			*db;
	int				 rc;

	if (argc < 2)
		return (tickets_usage());
	if ((!strcmp(argv[1], "list") && argc > 3) ||
	    (!strcmp(argv[1], "show") && argc != 3) ||
	    (!strcmp(argv[1], "reply") && argc != 4) ||
	    (!strcmp(argv[1], "close") && argc != 3))
		return (tickets_usage());
	if (strcmp(argv[1], "list") && !ticket_ref_valid(argv[2])) {
		fprintf(stderr, "hcctl tickets: %s is not a reference like "
		    "HC-2026-012345\n", argv[2]);
		return (2);
	}
	if (!strcmp(argv[1], "reply") && text_field_check(argv[3],
	    TICKET_BODY_MAX, 1) != TEXT_OK) {
		fprintf(stderr, "hcctl tickets reply: the text must be 1 to "
		    "10000 characters of UTF-8\n");
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	if (!strcmp(argv[1], "list"))
		rc = list(db, argc == 3 ? argv[2] : NULL);
	else if (!strcmp(argv[1], "show"))
		rc = show(db, argv[2]);
	else if (!strcmp(argv[1], "reply") || !strcmp(argv[1], "close")) {
		memset(&ch, 0, sizeof(ch));
		ch.status = "closed";
		r = !strcmp(argv[1], "reply") ? ticket_comment(db, argv[2],
		    "agent:hcctl", 1, 1, argv[3]) : ticket_update(db, argv[2],
		    "agent:hcctl", &ch);
		if (r == TICKET_NOT_FOUND)
			fprintf(stderr, "hcctl tickets: no ticket %s\n", argv[2]);
		else if (r != TICKET_CHANGED)
			fprintf(stderr, "hcctl tickets: %s\n",
			    db_errmsg(db));
		rc = r == TICKET_CHANGED ? 0 : 1;
	} else
		rc = tickets_usage();
	db_close(db);
	return (rc);
}

/* backup FILE / restore FILE: both through the store's copy. */
static int
copy_cmd(int argc, char **argv, int (*copy)(struct store *, const char *))
{
	struct store	*db;
	int		 rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hcctl %s FILE\n", argv[0]);
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	rc = copy(db, argv[1]) == 0 ? 0 : 1;
	if (rc != 0)
		fprintf(stderr, "hcctl %s: %s\n", argv[0], db_errmsg(db));
	db_close(db);
	return (rc);
}

int
cmd_backup(int argc, char **argv)
{
	return (copy_cmd(argc, argv, db_backup));
}

int
cmd_restore(int argc, char **argv)
{
	return (copy_cmd(argc, argv, db_restore));
}

int
cmd_export(int argc, char **argv)
{
	struct store	*db;
	int	 rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: hcctl export\n");
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	rc = tickets_export(db, stdout) == 0 && fflush(stdout) == 0 ? 0 : 1;
	if (rc != 0)
		fprintf(stderr, "hcctl export: %s\n", db_errmsg(db));
	db_close(db);
	return (rc);
}
