/* gittimes.c: the last commit time of every file in an articles tree, read through libgit2, which runs no program a checkout's config names. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "gittimes.h"
#include "util/strbuf.h"
#include "util/strmap.h"

struct git_times {
	struct strmap	map;	/* path relative to the tree -> unix seconds */
	char		head[GIT_OID_HEXSZ + 1];	/* read at this commit */
};

/*
 * Once per process. The owner check exists because git runs programs a
 * repository's config names (hooks, fsmonitor, pager, gpg); libgit2 runs
 * none of them for a history walk and a tree diff, and the tree is owned
 * by the deploy user while the watcher reads it as helpcenter, so the
 * check is turned off. No user or system config is read either: nothing
 * outside the checkout changes what is read.
 */
static int
git_ready(void)
{
	static int	ready;

	if (ready != 0)
		return (ready > 0 ? 0 : -1);
	ready = -1;
	if (git_libgit2_init() < 0 ||
	    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0) != 0 ||
	    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM,
	    "") != 0 ||
	    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG,
	    "") != 0 ||
	    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
	    "") != 0)
		return (-1);
	ready = 1;
	return (0);
}

/*
 * The repository holding root, and root's place in its work tree into
 * prefix ("" at the top, else "dir/"); NULL when root is in none.
 */
static git_repository *
open_repo(const char *root, char *prefix, size_t size)
{
	git_repository	*repo;
	const char	*wd;
	char		 real[PATH_MAX], top[PATH_MAX];
	size_t		 n;

	if (git_ready() != 0 || realpath(root, real) == NULL)
		return (NULL);
	if (git_repository_open_ext(&repo, real, 0, NULL) != 0)
		return (NULL);
	if ((wd = git_repository_workdir(repo)) == NULL ||
	    realpath(wd, top) == NULL) {
		git_repository_free(repo);
		return (NULL);
	}
	n = strlen(top);
	if (!strcmp(real, top)) {
		prefix[0] = '\0';
	} else if (!strncmp(real, top, n) && real[n] == '/' &&
	    (size_t)snprintf(prefix, size, "%s/", real + n + 1) < size) {
		/* prefix set */
	} else {
		git_repository_free(repo);
		return (NULL);
	}
	return (repo);
}

static int
read_head(git_repository *repo, char *out, size_t size)
{
	git_oid	oid;

	if (git_reference_name_to_id(&oid, repo, "HEAD") != 0)
		return (-1);
	(void)git_oid_tostr(out, size, &oid);
	return (0);
}

int
git_head(const char *root, char *out, size_t size)
{
	git_repository	*repo;
	char		 prefix[PATH_MAX];
	int		 rc;

	if (size > 0)
		out[0] = '\0';
	if ((repo = open_repo(root, prefix, sizeof(prefix))) == NULL)
		return (0);
	rc = read_head(repo, out, size) == 0;
	if (!rc && size > 0)
		out[0] = '\0';
	git_repository_free(repo);
	return (rc);
}

/* Notes commit c's time for every file under prefix that it changed. */
static void
note_commit(struct git_times *g, git_repository *repo, git_commit *c,
    const char *prefix, const git_diff_options *opts)
{
	git_commit		*parent;
	git_tree		*tree, *ptree;
	git_diff		*diff;
	const git_diff_delta	*d;
	const char		*path;
	size_t			 i, n, plen, t, seen;

	/* As git log without -m: a merge lists no files. */
	if (git_commit_parentcount(c) > 1)
		return;
	tree = ptree = NULL;
	if (git_commit_tree(&tree, c) != 0)
		return;
	if (git_commit_parentcount(c) == 1 &&
	    git_commit_parent(&parent, c, 0) == 0) {
		(void)git_commit_tree(&ptree, parent);
		git_commit_free(parent);
	}
	if (git_diff_tree_to_tree(&diff, repo, ptree, tree, opts) == 0) {
		plen = strlen(prefix);
		t = (size_t)git_commit_time(c);
		n = git_diff_num_deltas(diff);
		for (i = 0; i < n; i++) {
			d = git_diff_get_delta(diff, i);
			path = d->new_file.path ? d->new_file.path :
			    d->old_file.path;
			if (path == NULL || strncmp(path, prefix, plen) ||
			    path[plen] == '\0')
				continue;
			/* The newest commit wins, whatever the walk order. */
			if (!strmap_get(&g->map, path + plen, &seen) ||
			    seen < t)
				strmap_put(&g->map, path + plen, t);
		}
		git_diff_free(diff);
	}
	git_tree_free(ptree);
	git_tree_free(tree);
}

/* Walks the whole history from HEAD; NULL when it cannot be read. */
static struct git_times *
load(git_repository *repo, const char *prefix)
{
	struct git_times	*g;
	git_revwalk		*walk;
	git_commit		*c;
	git_oid			 oid;
	git_diff_options	 opts = GIT_DIFF_OPTIONS_INIT;
	char			 spec[PATH_MAX], *specs[1];

	if (git_revwalk_new(&walk, repo) != 0)
		return (NULL);
	if (git_revwalk_push_head(walk) != 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) != 0) {
		git_revwalk_free(walk);
		return (NULL);
	}
	/* Only the tree's folder is compared (prefix without its '/'). */
	if (prefix[0] != '\0') {
		(void)snprintf(spec, sizeof(spec), "%.*s",
		    (int)strlen(prefix) - 1, prefix);
		specs[0] = spec;
		opts.pathspec.strings = specs;
		opts.pathspec.count = 1;
	}
	g = xcalloc(1, sizeof(*g));
	strmap_init(&g->map);
	while (git_revwalk_next(&oid, walk) == 0) {
		if (git_commit_lookup(&c, repo, &oid) != 0)
			continue;
		note_commit(g, repo, c, prefix, &opts);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	if (read_head(repo, g->head, sizeof(g->head)) != 0)
		g->head[0] = '\0';
	return (g);
}

struct git_times *
git_times_load(const char *root)
{
	git_repository		*repo;
	struct git_times	*g;
	char			 prefix[PATH_MAX];

	if ((repo = open_repo(root, prefix, sizeof(prefix))) == NULL)
		return (NULL);
	g = load(repo, prefix);
	git_repository_free(repo);
	return (g);
}

struct git_times *
git_times_reload(struct git_times *prev, const char *root)
{
	git_repository		*repo;
	struct git_times	*g;
	char			 prefix[PATH_MAX], head[GIT_OID_HEXSZ + 1];

	if ((repo = open_repo(root, prefix, sizeof(prefix))) == NULL ||
	    read_head(repo, head, sizeof(head)) != 0) {
		git_repository_free(repo);
		git_times_free(prev);
		return (NULL);
	}
	if (prev != NULL && !strcmp(prev->head, head)) {
		git_repository_free(repo);
		return (prev);
	}
	git_times_free(prev);
	g = load(repo, prefix);
	git_repository_free(repo);
	return (g);
}

long long
git_times_lookup(const struct git_times *g, const char *rel)
{
	size_t	t;

	if (g == NULL || !strmap_get(&g->map, rel, &t))
		return (0);
	return ((long long)t);
}

void
git_times_free(struct git_times *g)
{
	if (g == NULL)
		return;
	strmap_free(&g->map);
	free(g);
}
