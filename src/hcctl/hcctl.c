/* hcctl.c: the operator's tool (SPEC section 6): the command table, check and reindex. */
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "publish/builder.h"
#include "hcctl.h"
#include "catalog/catalog.h"
#include "search/fold.h"
#include "settings.h"
#include "store/db.h"
#include "tickets/outbox.h"
#include "util/datadir.h"

static int	cmd_check(int, char **);
static int	cmd_reindex(int, char **);
static int	check_data(const char *);

/*
 * Every command: its name, its usage lines, and its function (argv[0] is
 * the command's name). Each domain's commands live in their own file.
 */
static const struct command {
	const char	*name;
	const char	*usage;
	int		(*run)(int, char **);
} commands[] = {
	{ "check", "check [ARTICLES]\n"
	    "      validate an articles tree, and that DATA is private and\n"
	    "      that the helpcenter user can reach ARTICLES and DATA (as\n"
	    "      root); exit 1 when anything is wrong",
	    cmd_check },
	{ "reindex", "reindex [--full]\n"
	    "      rebuild the catalog snapshot and bring the search index up\n"
	    "      to date (--full: rewrite every document); a running server\n"
	    "      picks both up within a second", cmd_reindex },
	{ "token", "token add editor|agent NAME | token list | "
	    "token revoke --id ID | token revoke --name NAME\n"
	    "      staff access tokens for /admin, /agent and the agents' API;\n"
	    "      the token is printed once, only its digest is kept",
	    cmd_token },
	{ "analytics", "analytics [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]"
	    " | analytics --rollup\n"
	    "      the self-service figures of /admin (default: the last 30\n"
	    "      days); --rollup moves events past RETENTION_DAYS into daily\n"
	    "      counts now", cmd_analytics },
	{ "jobs", "jobs run\n"
	    "      the workers' timed jobs once, now: the retention roll-up\n"
	    "      (at most 7 days of events) and the SLA escalation; on\n"
	    "      several nodes each job runs on one at a time", cmd_jobs },
	{ "tickets", "tickets list [STATUS] | tickets show REF | "
	    "tickets reply REF TEXT | tickets close REF\n"
	    "      the ticket queue by SLA due time; a reply is public",
	    cmd_tickets },
	{ "export", "export\n"
	    "      every ticket, then every ticket event, as JSON lines",
	    cmd_export },
	{ "backup", "backup FILE\n"
	    "      a consistent copy of DATA/helpcenter.db while the server\n"
	    "      runs (SQLite's online backup; on PostgreSQL use pg_dump)",
	    cmd_backup },
	{ "restore", "restore FILE\n"
	    "      put a copy made by backup back (stop the server first)",
	    cmd_restore },
	{ "threads", "threads export ID\n"
	    "      a solved community thread as a draft article (Markdown)",
	    cmd_threads },
	{ "mail-in", "mail-in [RECIPIENT] < MESSAGE\n"
	    "      an emailed reply (from the MTA) becomes the requester's\n"
	    "      comment; exit 0, or 77/65/75 with the reason on stderr\n"
	    "      (docs/mail.md)", cmd_mail_in },
	{ "mail", "mail list [STATE] | mail retry ID\n"
	    "      the email outbox (JSON lines, newest first); retry queues an\n"
	    "      unsure or failed message again", cmd_mail },
};

/* --init: the one way to make a database in a DATA that holds none. */
static int	init_data;

static int
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: hcctl [--init] COMMAND ...  (settings from "
	    "the environment: DATA, ARTICLES, ...; --init creates the "
	    "database when DATA holds none)\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  hcctl %s\n", commands[i].usage);
	return (2);
}

/*
 * A mistyped DATA once got a new, empty database and a token that worked
 * nowhere: without --init, DATA must already hold the database.
 */
static int
data_ready(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == 0)
		return (1);
	if (!init_data) {
		fprintf(stderr, "hcctl: no database at %s (is DATA right? "
		    "hcctl --init ... creates one)\n", path);
		return (0);
	}
	if (mkdir(settings.data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "hcctl: cannot create %s: %s\n", settings.data,
		    strerror(errno));
		return (0);
	}
	return (1);
}

struct store *
hcctl_db(void)
{
	struct store	*db;
	char	 path[1024];

	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", settings.data);
	/* DATABASE_URL names the database itself: nothing to mistype in DATA. */
	if (settings.database_url == NULL && !data_ready(path))
		return (NULL);
	if ((db = db_open(path)) == NULL)
		return (NULL);
	if (db_migrate(db) < 0) {
		db_close(db);
		return (NULL);
	}
	return (db);
}

/* Validates the tree: front matter, slugs, links, translations. */
static int
cmd_check(int argc, char **argv)
{
	const char		*root = argc > 1 ? argv[1] : settings.articles;
	struct catalog_cache	*cache;
	struct catalog		*cat;
	size_t			 i, nversions;
	int			 rc;

	cache = catalog_cache_new();
	cat = catalog_build(root, settings.default_lang, cache);
	for (i = 0; i < cat->nproblems; i++)
		printf("%s:%d: %s\n", cat->problems[i].file,
		    cat->problems[i].line, cat->problems[i].reason);
	for (i = 0; i < cat->ndrafts; i++)
		printf("%s: draft (not served)\n", cat->drafts[i]);
	for (nversions = 0, i = 0; i < cat->narts; i++)
		nversions += cat->arts[i].nversions;
	printf("%s: %zu articles (%zu language versions), %zu categories, "
	    "%zu drafts, %zu problems\n", root, cat->narts, nversions,
	    cat->ncats, cat->ndrafts, cat->nproblems);
	rc = cat->nproblems > 0 ? 1 : 0;
	catalog_free(cat);
	catalog_cache_free(cache);
	if (check_data(root) != 0)
		rc = 1;
	return (rc);
}

/*
 * What the server would refuse or fix at start: DATA open to other users
 * (it tightens it), ARTICLES or DATA out of the helpcenter user's reach
 * (it refuses to start). Said here too, before a restart finds out.
 */
static int
check_data(const char *articles)
{
	struct stat	 st;
	struct passwd	*pw;
	char		 msg[1024];
	int		 n, rc = 0;

	if (stat(settings.data, &st) != 0)
		return (0);
	if ((n = datadir_private(settings.data, 0, msg, sizeof(msg))) != 0) {
		if (n > 0)
			printf("DATA %s: %d paths open to other users (%s); "
			    "the server makes them private at start, or: "
			    "chmod -R go-rwx %s\n", settings.data, n, msg,
			    settings.data);
		else
			printf("DATA %s: %s\n", settings.data, msg);
		rc = 1;
	}
	/* The server's workers and helpers run as helpcenter when root. */
	pw = getuid() == 0 ? getpwnam("helpcenter") : NULL;
	if (datadir_check_access(articles, settings.data, 0, pw, msg,
	    sizeof(msg)) != 0) {
		printf("%s\n", msg);
		rc = 1;
	}
	return (rc);
}

/* The builder's work, once, outside the server. */
static int
cmd_reindex(int argc, char **argv)
{
	int			 full = argc > 1 && !strcmp(argv[1], "--full");
	struct builder		 b;
	enum builder_status	 s;
	char			 snapshot[1024], index[1024], dbpath[1024];

	(void)snprintf(snapshot, sizeof(snapshot), "%s/catalog.db",
	    settings.data);
	(void)snprintf(index, sizeof(index), "%s/index", settings.data);
	(void)snprintf(dbpath, sizeof(dbpath), "%s/helpcenter.db",
	    settings.data);
	if (!data_ready(dbpath))
		return (1);
	(void)fold_init();
	memset(&b, 0, sizeof(b));
	b.articles = settings.articles;
	b.snapshot = snapshot;
	b.index = index;
	b.default_lang = settings.default_lang;
	b.force_index = full;
	b.cache = catalog_cache_new();
	s = builder_run(&b, NULL);
	catalog_cache_free(b.cache);
	if (s != BUILDER_PUBLISHED)
		return (1);
	/* community: thread documents kept in line (all rewritten with --full). */
	return (cmd_reindex_threads(index, full));
}

int
main(int argc, char **argv)
{
	size_t	i;

	/* DATA holds the secret: nothing hcctl creates there is shared. */
	(void)umask(077);
	if (argc > 1 && !strcmp(argv[1], "--init")) {
		init_data = 1;
		argc--;
		argv++;
	}
	if (argc < 2)
		return (usage());
	if (settings_load() != 0)
		return (2);
	/* Replies and closes from here email as the server's would. */
	tickets_mail_enable(settings.smtp_url != NULL);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return (commands[i].run(argc - 1, argv + 1));
	return (usage());
}
