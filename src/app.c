/* app.c: Kore hooks: settings and the first build in the parent, the helpers (watcher, event writer, mailer), per-worker state. */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/hooks.h>
#include <kore/seccomp.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "publish/builder.h"
#include "catalog/gittimes.h"
#include "catalog/snapshot.h"
#include "util/datadir.h"
#include "util/helper_status.h"
#include "util/random.h"
#include "community/community.h"
#include "http/core/assets.h"
#include "deflection/event_ring.h"
#include "deflection/event_writer.h"
#include "deflection/events.h"
#include "deflection/retention.h"
#include "http/core/ratelimit.h"
#include "mail/mail.h"
#include "http/core/site.h"
#include "render/i18n.h"
#include "search/fold.h"
#include "settings.h"
#include "store/db.h"
#include "store/nodes.h"
#include "tickets/attachments.h"
#include "http/tickets/tickets_http.h"
#include "tickets/outbox.h"

/* How often an idle worker looks for a new catalog snapshot. */
#define RELOAD_CHECK_MS		1000
/* How often a worker writes its buffered funnel events. */
#define EVENTS_FLUSH_MS		100
/* deflection: how often raw events are rolled up (RETENTION_MAX_DAYS a run). */
#define RETENTION_MS		(5 * 60 * 1000)

/*
 * What SQLite (the snapshot, the database) and Xapian (the index reader)
 * need beyond Kore's default sandbox: exactly the calls that
 * "seccomp_tracing yes" reported while serving pages, searching and
 * swapping in a new snapshot and index; and mremap, which glibc's realloc
 * uses for blocks above its mmap threshold (workers died of it loading a
 * 1,000-article catalog; mmap and munmap are already allowed).
 */
#ifdef HC_ASAN
/*
 * make asan only: what AddressSanitizer's reports need in a worker, as
 * "seccomp_tracing yes" showed: pipe2 (probing whether memory is readable
 * while unwinding a stack), gettid (the thread in the report) and tgkill
 * (abort_on_error raises SIGABRT). Without them the sandbox kills the
 * worker half-way through its report.
 */
#define ASAN_SYSCALLS	KORE_SYSCALL_ALLOW(pipe2),		\
			KORE_SYSCALL_ALLOW(gettid),		\
			KORE_SYSCALL_ALLOW(tgkill),
#else
#define ASAN_SYSCALLS
#endif

KORE_SECCOMP_FILTER("helpcenter",
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(pread64),
	KORE_SYSCALL_ALLOW(pwrite64),
	KORE_SYSCALL_ALLOW(fadvise64),
	KORE_SYSCALL_ALLOW(ftruncate),
	/* Durable SQLite commits from workers (votes, tickets, posts). */
	KORE_SYSCALL_ALLOW(fdatasync),
	KORE_SYSCALL_ALLOW(fsync),
	/* /healthz: the free space of the data folder (statvfs). */
	KORE_SYSCALL_ALLOW(statfs),
	/*
	 * tickets: an attachment is staged, then renamed to its content
	 * address, in a fan-out folder made on first use (attachments.c).
	 */
	KORE_SYSCALL_ALLOW(rename),
	KORE_SYSCALL_ALLOW(mkdir),
	/*
	 * DATABASE_URL: each worker's own libpq connection, TCP to a numeric
	 * address (hostaddr: no resolver in the chroot), made again after
	 * the server comes back.
	 */
	KORE_SYSCALL_ALLOW_ARG(socket, 0, AF_INET),
	KORE_SYSCALL_ALLOW_ARG(socket, 0, AF_INET6),
	KORE_SYSCALL_ALLOW(connect),
	KORE_SYSCALL_ALLOW(getsockopt),
	KORE_SYSCALL_ALLOW(getsockname),
	/*
	 * search: Xapian's time limit per query (Enquire::set_time_limit) is
	 * a POSIX timer per search; glibc delivers it to a helper thread it
	 * starts on first use, which starts a thread when the timer fires.
	 * clone3 fails with ENOSYS so that glibc falls back to clone, which
	 * is allowed only for threads (CLONE_THREAD): a worker still cannot
	 * start a process.
	 */
	KORE_SYSCALL_ALLOW(timer_create),
	KORE_SYSCALL_ALLOW(timer_settime),
	KORE_SYSCALL_ALLOW(timer_delete),
	KORE_SYSCALL_ALLOW(rt_sigtimedwait),
	KORE_SYSCALL_ALLOW_WITH_FLAG(clone, 0, CLONE_THREAD),
	KORE_SYSCALL_DENY(clone3, ENOSYS),
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(set_robust_list),
	ASAN_SYSCALLS
);

static struct builder		 builder;
/* The watcher's community tick: the data folder and this node's name. */
static struct cm_watch		 watch;
static char			 snapshot_path[1024];
static char			 index_path[1024];
/* deflection: the workers' events go to the event writer (event_ring.c). */
static int			 event_rings;

/* Kore's runas user when the server starts as root and drops to it. */
static struct passwd *
runas_user(void)
{
	struct passwd	*pw;

	if (getuid() != 0 || skip_runas || kore_runas_user == NULL)
		return (NULL);
	if ((pw = getpwnam(kore_runas_user)) == NULL)
		fatal("no user %s (make run creates it)", kore_runas_user);
	return (pw);
}

/* The watcher runs as the workers' user, not as root. */
static void
drop_to_runas(void)
{
	struct passwd	*pw;

	if ((pw = runas_user()) == NULL)
		return;
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		fatal("watcher: cannot drop to %s", kore_runas_user);
}

/*
 * tickets: DATA/attachments (blobs, and tmp/ for files being received)
 * and DATA/uploads (kore.conf's http_body_disk_path: bodies over 64 KB
 * are written there, not kept in a worker's memory), the workers' own;
 * what a crash left in tmp/ or uploads/ is removed.
 */
static void	chown_tree(const char *, uid_t, gid_t);

static void
prepare_upload_dirs(struct passwd *pw)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1024], file[1400];

	(void)snprintf(path, sizeof(path), "%s/attachments", settings.data);
	attachments_set_dir(path);
	if (attachments_prepare_dir() != 0)
		fatal("cannot prepare %s: %s", path, errno_s);
	if (pw != NULL) {
		chown_tree(path, pw->pw_uid, pw->pw_gid);
		(void)snprintf(file, sizeof(file), "%s/tmp", path);
		(void)chown(file, pw->pw_uid, pw->pw_gid);
	}
	(void)snprintf(path, sizeof(path), "%s/uploads", settings.data);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		fatal("cannot create %s: %s", path, errno_s);
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) != 0)
		fatal("cannot chown %s: %s", path, errno_s);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "http_body.", 10))
				continue;
			(void)snprintf(file, sizeof(file), "%s/%s", path,
			    de->d_name);
			(void)unlink(file);
		}
		closedir(d);
	}
}

static void
prepare_data_dir(void)
{
	struct passwd	*pw;
	struct store		*db;
	char		 path[1024], msg[1024];
	const char	*ext[] = { "", "-wal", "-shm" };
	size_t		 i;
	int		 n;

	if (mkdir(settings.data, 0700) == -1 && errno != EEXIST)
		fatal("cannot create DATA folder %s: %s", settings.data,
		    errno_s);
	if ((pw = runas_user()) != NULL) {
		/* Workers run as this user: the data folder is theirs. */
		if (chown(settings.data, pw->pw_uid, pw->pw_gid) != 0)
			fatal("cannot chown %s: %s", settings.data, errno_s);
	}
	/* It holds the secret and private tickets: no one else reads it. */
	if ((n = datadir_private(settings.data, 1, msg, sizeof(msg))) == -1)
		fatal("%s", msg);
	if (n > 0)
		kore_log(LOG_NOTICE, "DATA %s was open to other users (%s): "
		    "%d paths made private (folders 0700, files 0600)",
		    settings.data, msg, n);
	/*
	 * The watcher and the event writer run as the workers' user outside
	 * the chroot: a folder that user cannot reach would leave them
	 * opening nothing while /healthz said ok. Refuse to start instead.
	 */
	if (datadir_check_access(settings.articles, settings.data, 1, pw, msg,
	    sizeof(msg)) != 0)
		fatal("%s", msg);
	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", settings.data);
	if ((db = db_open(path)) == NULL || db_migrate(db) < 0 ||
	    db_secret(db, site.secret) == -1)
		fatal("cannot prepare the database %s", path);
	db_close(db);
	/* Before the workers fork, so that they all share these. */
	ratelimit_init();
	db_write_queue_init();
	event_rings = event_ring_init(worker_count + KORE_WORKER_BASE) == 0;
	if (snapshot_counter_init() != 0)
		kore_log(LOG_WARNING, "snapshot: no shared counter; workers "
		    "look at the file for every request");
	if (!event_rings)
		kore_log(LOG_WARNING, "events: no shared rings; each worker "
		    "writes its own");
	if (helper_status_init() != 0)
		kore_log(LOG_WARNING, "helpers: no shared status; /healthz "
		    "cannot report the watcher and the event writer");
	for (i = 0; pw != NULL && i < sizeof(ext) / sizeof(ext[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/helpcenter.db%s",
		    settings.data, ext[i]);
		(void)chown(path, pw->pw_uid, pw->pw_gid);
	}
	prepare_upload_dirs(pw);
}

/* The index folder and its files (the watcher writes them after this). */
static void
chown_tree(const char *dir, uid_t uid, gid_t gid)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1400];

	(void)chown(dir, uid, gid);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)chown(path, uid, gid);
	}
	closedir(d);
}

/*
 * The first build reads the articles tree, which others write: never as
 * root. A child with the workers' user builds and publishes; the parent
 * waits for it. (The watcher then parses the tree again into its own
 * cache, as the same user.)
 */
static void
first_build(void)
{
	struct passwd		*pw;
	enum builder_status	 s;
	pid_t			 pid;
	int			 status;

	pw = runas_user();
	if ((pid = fork()) == -1)
		fatal("cannot fork the first build: %s", errno_s);
	if (pid == 0) {
		(void)prctl(PR_SET_NAME, "hc-build");
		if (pw != NULL && (setgroups(1, &pw->pw_gid) != 0 ||
		    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)) {
			fprintf(stderr, "catalog: cannot drop to %s for the "
			    "first build: %s\n", kore_runas_user, errno_s);
			_exit(BUILDER_FAILED);
		}
		s = builder_run(&builder, NULL);
		(void)fflush(stderr);
		_exit((int)s);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			fatal("first build: waitpid: %s", errno_s);
	if (!WIFEXITED(status))
		fatal("the first build of the catalog died (signal %d)",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	switch (WEXITSTATUS(status)) {
	case BUILDER_PUBLISHED:
		break;
	case BUILDER_KEPT:
		kore_log(LOG_WARNING, "catalog: the articles tree %s cannot be "
		    "used; serving the last published catalog, if any",
		    settings.articles);
		break;
	default:
		fatal("cannot write the catalog snapshot %s", snapshot_path);
	}
}

static pid_t			 watcher_pid = -1;
static pid_t			 event_writer_pid = -1;
static pid_t			 mailer_pid = -1;
/* tickets: what hc-mailer sends with (SMTP_URL set only). */
static struct mail_config	 mail_cfg;

/* Forks a helper process, named name, running as the workers' user. */
static pid_t
start_helper(const char *name, void (*run)(void))
{
	pid_t	pid, parent;

	parent = getpid();
	if ((pid = fork()) == -1)
		fatal("cannot fork %s: %s", name, errno_s);
	if (pid > 0) {
		kore_log(LOG_NOTICE, "%s started (pid %d)", name, (int)pid);
		return (pid);
	}
	(void)prctl(PR_SET_NAME, name);
	/* Do not hold the server's listening sockets. */
	(void)close_range(3, ~0U, 0);
	drop_to_runas();
	/* After the user change, which clears it: die with the parent. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	run();
	_exit(0);
}

/* How often the watcher reports this node's catalog (catalog pinning). */
#define NODES_REPORT_SECS	2

/* report_catalog copies one into the other field by field. */
_Static_assert(sizeof(((struct helper_node *)0)->name) ==
    sizeof(((struct node_catalog *)0)->name) &&
    sizeof(((struct helper_node *)0)->git_commit) ==
    sizeof(((struct node_catalog *)0)->git_commit) &&
    sizeof(((struct helper_node *)0)->snapshot_hash) ==
    sizeof(((struct node_catalog *)0)->snapshot_hash),
    "struct helper_node and struct node_catalog differ");

/*
 * catalog pinning: this node's articles commit and snapshot hash into
 * node_catalogs, compared with the other live nodes', the outcome into
 * the watcher's shared status for /healthz (which so queries nothing).
 * On SQLite the node is alone: only its own line. A failed report keeps
 * the last one: /healthz's database part says why.
 */
static void
report_catalog(void)
{
	static struct store	*db;
	static time_t		 last;
	struct node_catalog	 nodes[HELPER_NODES_MAX];
	struct helper_node	 h[HELPER_NODES_MAX];
	char			 commit[41], path[1100];
	int			 i, n;

	if (time(NULL) - last < NODES_REPORT_SECS)
		return;
	last = time(NULL);
	(void)git_head(settings.articles, commit, sizeof(commit));
	memset(nodes, 0, sizeof(nodes));
	(void)snprintf(nodes[0].name, sizeof(nodes[0].name), "%s",
	    settings.node_name);
	(void)snprintf(nodes[0].git_commit, sizeof(nodes[0].git_commit), "%s",
	    commit);
	(void)snprintf(nodes[0].snapshot_hash, sizeof(nodes[0].snapshot_hash),
	    "%s", builder.snapshot_hash);
	nodes[0].reported = last;
	n = 1;
	if (settings.database_url != NULL) {
		(void)snprintf(path, sizeof(path), "%s/helpcenter.db",
		    settings.data);
		if (db == NULL && (db = db_open(path)) == NULL)
			return;
		if (node_catalog_report(db, settings.node_name, commit,
		    builder.snapshot_hash, (long long)last, nodes,
		    HELPER_NODES_MAX, &n) != 0)
			return;
	}
	memset(h, 0, sizeof(h));
	for (i = 0; i < n; i++) {
		/* The same sizes, each NUL-terminated. */
		memcpy(h[i].name, nodes[i].name, sizeof(h[i].name));
		memcpy(h[i].git_commit, nodes[i].git_commit,
		    sizeof(h[i].git_commit));
		memcpy(h[i].snapshot_hash, nodes[i].snapshot_hash,
		    sizeof(h[i].snapshot_hash));
		h[i].reported = nodes[i].reported;
		h[i].differs = nodes[i].differs;
	}
	helper_status_nodes(h, n, nodes[0].differs_since);
}

/* The watcher's tick: the community's search outbox, the catalog report. */
static void
watcher_tick(const void *arg)
{
	cm_watch_tick(arg);
	report_catalog();
}

static void
run_watcher(void)
{
	helper_status_started(HELPER_WATCHER, getpid());
	builder_watch(&builder);
}

static void
run_event_writer(void)
{
	char	path[1100];

	helper_status_started(HELPER_EVENTS, getpid());
	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", settings.data);
	event_writer_run(path, settings.node_name);
}

static void
run_mailer(void)
{
	char	path[1100];

	helper_status_started(HELPER_MAILER, getpid());
	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", settings.data);
	mailer_run(path, &mail_cfg);
}

/*
 * tickets: email, when SMTP_URL is set. The workers queue it (with the
 * change that causes it, tickets/outbox.h); hc-mailer sends it, outside
 * the chroot and the sandbox, so no request waits for a relay.
 */
static void
start_mailer(void)
{
	char	err[512];

	tickets_mail_enable(settings.smtp_url != NULL);
	if (settings.smtp_url == NULL)
		return;
	if ((mail_cfg.tpl = mail_templates_load(settings.templates, err,
	    sizeof(err))) == NULL)
		fatal("mail templates: %s", err);
	mail_cfg.smtp_url = settings.smtp_url;
	mail_cfg.from = settings.smtp_from;
	mail_cfg.base_url = settings.base_url;
	mail_cfg.default_lang = settings.default_lang;
	mail_cfg.secret = site.secret;
	mailer_pid = start_helper("hc-mailer", run_mailer);
}

static void
stop_helper(pid_t *pid)
{
	if (*pid > 0) {
		(void)kill(*pid, SIGTERM);
		(void)waitpid(*pid, NULL, 0);
		*pid = -1;
	}
}

/*
 * Stops the helpers and reaps them, so that no zombie outlives the server;
 * the event writer writes what the workers left in their rings first.
 */
void
kore_parent_teardown(void)
{
	stop_helper(&watcher_pid);
	stop_helper(&event_writer_pid);
	stop_helper(&mailer_pid);
}

void
kore_parent_configure(int argc, char **argv)
{
	struct passwd	*pw;
	char		 err[512];

	(void)argc;
	(void)argv;
	/* Forked children must not inherit (and repeat) buffered output. */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	/* Whatever the server creates in DATA is its own (0600, 0700). */
	(void)umask(077);
	if (settings_load() != 0)
		fatal("bad settings");
	prepare_data_dir();

	/* Workers see only the data folder (chroot). */
	kore_free(kore_root_path);
	kore_root_path = kore_strdup(settings.data);

	(void)snprintf(snapshot_path, sizeof(snapshot_path), "%s/catalog.db",
	    settings.data);
	(void)snprintf(index_path, sizeof(index_path), "%s/index",
	    settings.data);
	/* Needs OpenCC's files: before the chroot; workers inherit the table. */
	if (fold_init() != 0)
		kore_log(LOG_WARNING, "traditional Chinese will not fold to "
		    "simplified in search");
	builder.articles = settings.articles;
	builder.snapshot = snapshot_path;
	builder.index = index_path;
	builder.force_index = 0;
	builder.default_lang = settings.default_lang;
	builder.cache = catalog_cache_new();
	/* Files the builders write must be the workers' (runas) to read. */
	if ((pw = runas_user()) != NULL) {
		(void)chown(snapshot_path, pw->pw_uid, pw->pw_gid);
		chown_tree(index_path, pw->pw_uid, pw->pw_gid);
	}
	first_build();
	builder.index = index_path;
	/*
	 * community: the watcher also reads the threads' search outbox;
	 * and reports this node's catalog (catalog pinning).
	 */
	watch.data = settings.data;
	watch.node = settings.node_name;
	builder.tick = watcher_tick;
	builder.tick_arg = &watch;
	watcher_pid = start_helper("hc-watcher", run_watcher);
	/* deflection: the workers' page views reach the disk through it. */
	if (event_rings)
		event_writer_pid = start_helper("hc-events", run_event_writer);
	start_mailer();

	/* Read before the fork: workers cannot see these files later. */
	if ((site.tpl = template_set_load(settings.templates, err,
	    sizeof(err))) == NULL)
		fatal("templates: %s", err);
	if (assets_load(settings.assets) != 0)
		fatal("cannot read the assets folder %s", settings.assets);
	/* tickets: routing config from ARTICLES, before the chroot. */
	tickets_http_parent_configure();
}

static void
refresh_timer(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	site_reload();
}

/* Writes the buffered events; a crash loses at most this interval. */
static void
events_timer(void *arg, u_int64_t now)
{
	static time_t		logged;
	static unsigned long	dropped;

	(void)arg;
	(void)now;
	/* The buffer was full (the disk too slow or refusing): say so. */
	if (events_dropped() != dropped) {
		kore_log(LOG_WARNING, "events: %lu page-view events dropped "
		    "(buffer full)", events_dropped() - dropped);
		dropped = events_dropped();
	}
	/* Every 100 ms while the disk is full: log once every 10 s. */
	if (site.db != NULL && events_flush(site.db) == -1 &&
	    time(NULL) - logged >= 10) {
		logged = time(NULL);
		kore_log(LOG_ERR, "events: flush failed (kept for the next "
		    "try; logged at most every 10 s): %s", db_error_message(
		    db_write_error(NULL), NULL));
	}
}

/*
 * deflection: raw events past RETENTION_DAYS become daily counts. Both
 * workers may run it: it is one transaction, and the second finds nothing.
 */
static void
retention_timer(void *arg, u_int64_t now)
{
	long long	n;

	(void)arg;
	(void)now;
	if (site.db == NULL)
		return;
	if ((n = retention_rollup(site.db, settings.retention_days,
	    (long long)time(NULL), RETENTION_MAX_DAYS)) == -1)
		kore_log(LOG_ERR, "events: roll-up failed: %s",
		    db_errmsg(site.db));
	else if (n > 0)
		kore_log(LOG_NOTICE, "events: %lld raw events rolled up", n);
}

void
kore_worker_configure(void)
{
	const char	*base;
	char		 path[1024];

	/* Bytes the parent drew before the fork are not this worker's. */
	random_forget();
	/* Inside the chroot the data folder is "/". */
	base = skip_chroot ? settings.data : "";
	(void)snprintf(site.snapshot, sizeof(site.snapshot), "%s/catalog.db",
	    base);
	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", base);
	(void)snprintf(site.index_path, sizeof(site.index_path), "%s/index",
	    base);
	/* The search index is opened on first use (search_reader). */
	site_catalog_init();
	if ((site.db = db_open(path)) == NULL ||
	    db_secret(site.db, site.secret) == -1)
		kore_log(LOG_ERR, "database %s unavailable", path);
	(void)snprintf(path, sizeof(path), "%s/attachments", base);
	attachments_set_dir(path);
	kore_timer_add(refresh_timer, RELOAD_CHECK_MS, NULL, 0);
	/* Without a ring (none could be mapped) the worker writes. */
	if (!event_rings || event_ring_attach(worker->id) != 0)
		kore_timer_add(events_timer, EVENTS_FLUSH_MS, NULL, 0);
	kore_timer_add(retention_timer, RETENTION_MS, NULL, 0);
	/* tickets: the SLA escalation job. */
	tickets_http_worker_configure();
}

void
kore_worker_teardown(void)
{
	if (site.db != NULL) {
		/* A clean stop loses no event. */
		if (events_flush(site.db) == -1)
			kore_log(LOG_ERR, "events: final flush failed: %s",
			    db_errmsg(site.db));
		db_close(site.db);
	}
	hc_index_close(site.index);
	site_catalog_free();
	template_set_free(site.tpl);
	i18n_free();
}
