/* builder.c: rebuild-and-publish, and the inotify watcher process that drives it. */
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "catalog/snapshot.h"
#include "indexer.h"
#include "search/search.h"
#include "util/helper_status.h"
#include "util/strbuf.h"

#define QUIET_MS	50	/* a burst of events ends after this */
#define MAX_LOGGED	20	/* problems printed per build */
/* The index is checked every 10 ticks of BUILDER_TICK_MS: 2 s. */
#define INDEX_CHECK_TICKS	10
/* A tree that could not be used is tried again every 5 ticks: 1 s. */
#define ROOT_RETRY_TICKS	5

static long long
now_ms(void)
{
	struct timeval	tv;

	(void)gettimeofday(&tv, NULL);
	return ((long long)tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

/* Logs why the tree could not be read once, when that changes. */
static void
note_tree_error(struct builder *b, const char *err)
{
	if (err == NULL)
		err = "";
	if (!strcmp(err, b->last_error))
		return;
	if (err[0] != '\0')
		fprintf(stderr, "catalog: %s\n", err);
	else
		fprintf(stderr, "catalog: the articles tree can be read again\n");
	(void)snprintf(b->last_error, sizeof(b->last_error), "%s", err);
}

enum builder_status
builder_run(struct builder *b, struct catalog **out)
{
	struct catalog		*cat;
	struct index_stats	 st;
	long long		 start;
	size_t			 i;
	int			 failed = 0;

	if (out != NULL)
		*out = NULL;
	start = now_ms();
	cat = catalog_build(b->articles, b->default_lang, b->cache);
	note_tree_error(b, cat->tree_error);
	/* /healthz: a tree the watcher cannot read in full is its failure. */
	if (cat->tree_error != NULL && cat->tree_error[0] != '\0') {
		failed = 1;
		helper_status_error(HELPER_WATCHER, "%s", cat->tree_error);
	}
	if (cat->unpublishable) {
		helper_status_build(cat->narts, cat->nproblems, 0);
		if (out != NULL)
			*out = cat;
		else
			catalog_free(cat);
		return (BUILDER_KEPT);
	}
	fprintf(stderr, "catalog: %zu articles, %zu categories, %zu problems, "
	    "built in %lld ms\n", cat->narts, cat->ncats, cat->nproblems,
	    now_ms() - start);
	/* The index first: an edit is searchable before the pages reload. */
	if (b->index != NULL) {
		start = now_ms();
		if (indexer_sync(b->index, cat, b->force_index, &st) == 0)
			fprintf(stderr, "index: %zu added or changed, %zu "
			    "deleted, %zu unchanged, in %lld ms\n", st.put,
			    st.deleted, st.unchanged, now_ms() - start);
		else {
			failed = 1;
			helper_status_error(HELPER_WATCHER, "the search index "
			    "%s could not be updated (the log says why)",
			    b->index);
		}
	}
	if (snapshot_write(cat, b->snapshot) != 0) {
		helper_status_error(HELPER_WATCHER, "the catalog snapshot %s "
		    "could not be written (the log says why)", b->snapshot);
		helper_status_build(cat->narts, cat->nproblems, 0);
		catalog_free(cat);
		return (BUILDER_FAILED);
	}
	if (catalog_hash(cat, b->snapshot_hash, sizeof(b->snapshot_hash)) != 0)
		b->snapshot_hash[0] = '\0';
	helper_status_build(cat->narts, cat->nproblems, !failed);
	if (!failed)
		helper_status_ok(HELPER_WATCHER);
	for (i = 0; i < cat->nproblems && i < MAX_LOGGED; i++)
		fprintf(stderr, "catalog: %s:%d: %s\n", cat->problems[i].file,
		    cat->problems[i].line, cat->problems[i].reason);
	if (cat->nproblems > MAX_LOGGED)
		fprintf(stderr, "catalog: ... and %zu more (hcctl check lists "
		    "all)\n", cat->nproblems - MAX_LOGGED);
	if (out != NULL)
		*out = cat;
	else
		catalog_free(cat);
	return (BUILDER_PUBLISHED);
}

/* Adds a watch on dir and every folder below it. */
static void
watch_tree(int fd, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct strbuf	 path;

	(void)inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE | IN_MODIFY |
	    IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB |
	    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW);
	if ((d = opendir(dir)) == NULL)
		return;
	sb_init(&path);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, de->d_name);
		/* A linked folder is not part of the tree: not followed. */
		if (lstat(path.data, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(fd, path.data);
	}
	closedir(d);
	sb_free(&path);
}

static int
open_watches(const char *root)
{
	int	fd;

	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		fprintf(stderr, "watcher: inotify: %s\n", strerror(errno));
		helper_status_error(HELPER_WATCHER, "inotify: %s; the "
		    "watcher stopped", strerror(errno));
		return (-1);
	}
	watch_tree(fd, root);
	return (fd);
}

static void
drain(int fd)
{
	char	buf[16384];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * 1 when the index can no longer be opened for reading (its folder was
 * removed or a file damaged while serving): the workers' searches fail
 * until the next build, so the watcher builds at once instead of waiting
 * for an article to change (indexer_sync moves a damaged index aside).
 */
static int
index_broken(const char *path, ino_t built, int deep)
{
	struct stat		 st;
	hc_index		*ix;
	hc_search_status	 s;

	if (path == NULL)
		return (0);
	/*
	 * Removed, or replaced by another folder: the community's outbox
	 * (the tick) opens the index for writing and would create an empty
	 * one with only the threads in it, so the folder's identity counts.
	 */
	if (stat(path, &st) != 0 || st.st_ino != built) {
		fprintf(stderr, "index: %s was removed or replaced: rebuilding "
		    "it\n", path);
		return (1);
	}
	if (!deep)
		return (0);
	s = hc_index_open(path, 0, &ix);
	hc_index_close(ix);
	if (s != HC_SEARCH_OK)
		fprintf(stderr, "index: %s cannot be opened (%s): rebuilding "
		    "it\n", path, hc_search_status_to_string(s));
	return (s != HC_SEARCH_OK);
}

/* The root's identity, or zeros when it is gone. */
static void
root_identity(const char *root, dev_t *dev, ino_t *ino)
{
	struct stat	st;

	if (stat(root, &st) == 0 && S_ISDIR(st.st_mode)) {
		*dev = st.st_dev;
		*ino = st.st_ino;
	} else {
		*dev = 0;
		*ino = 0;
	}
}

void
builder_watch(struct builder *b)
{
	struct pollfd		 pfd;
	struct stat		 st;
	enum builder_status	 s;
	ino_t			 built, root_ino, ino;
	dev_t			 root_dev, dev;
	int			 fd, n, ticks, retry, rebuild;

	(void)signal(SIGTERM, SIG_DFL);
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGCHLD, SIG_DFL);
	(void)signal(SIGPIPE, SIG_IGN);

	root_identity(b->articles, &root_dev, &root_ino);
	if ((fd = open_watches(b->articles)) == -1)
		exit(1);
	/* The first pass: the index (the catalog comes from the cache). */
	s = builder_run(b, NULL);
	built = b->index != NULL && stat(b->index, &st) == 0 ? st.st_ino : 0;
	ticks = retry = 0;
	for (;;) {
		/*
		 * Failing builds are retried less and less often, but at
		 * least every 2 s: the same loop drains the community outbox.
		 */
		helper_backoff(HELPER_WATCHER, 2000);
		helper_status_beat(HELPER_WATCHER);
		/* Still there? Every INDEX_CHECK_TICKS: still readable? */
		if (++ticks >= INDEX_CHECK_TICKS)
			ticks = 0;
		/* A tree that cannot be used cannot rebuild the index. */
		if (s != BUILDER_KEPT &&
		    index_broken(b->index, built, ticks == 0)) {
			s = builder_run(b, NULL);
			built = stat(b->index, &st) == 0 ? st.st_ino : 0;
		}
		if (b->tick != NULL)
			b->tick(b->tick_arg);
		/*
		 * inotify follows the folder it watches, not the name: a
		 * root renamed away and another renamed in must be watched
		 * anew. A tree that could not be used, or read in full (a
		 * folder made unreadable holds no watch), is tried again
		 * every second.
		 */
		root_identity(b->articles, &dev, &ino);
		rebuild = dev != root_dev || ino != root_ino;
		if ((s != BUILDER_PUBLISHED ||
		    helper_status_failing(HELPER_WATCHER)) &&
		    ++retry >= ROOT_RETRY_TICKS)
			rebuild = 1;
		n = 0;
		if (!rebuild) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			n = poll(&pfd, 1, BUILDER_TICK_MS);
			if (n < 0 && errno != EINTR)
				exit(1);
			if (n <= 0)
				continue;
		}
		/* Wait for a quiet moment: an editor's save is many events. */
		while (n > 0) {
			drain(fd);
			pfd.events = POLLIN;
			n = poll(&pfd, 1, QUIET_MS);
		}
		/*
		 * Watch anew before building: folders may have come or gone,
		 * and a change made during the build must start another one.
		 */
		close(fd);
		root_identity(b->articles, &root_dev, &root_ino);
		if ((fd = open_watches(b->articles)) == -1)
			exit(1);
		retry = 0;
		s = builder_run(b, NULL);
		built = b->index != NULL && stat(b->index, &st) == 0 ?
		    st.st_ino : built;
	}
}
