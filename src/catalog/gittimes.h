/* gittimes.h: last commit time of every file in an articles tree, from one walk of its history (libgit2). */
#ifndef HC_GITTIMES_H
#define HC_GITTIMES_H

#include <stddef.h>

struct git_times;

/*
 * NULL when root is not in a git work tree. Runs no program: whatever the
 * checkout's .git/config names (gpg.program, core.fsmonitor, a pager) is
 * never executed, and the owner of the checkout does not matter.
 */
struct git_times	*git_times_load(const char *root);
/*
 * The times for root, reusing prev (which it takes) when the tree's HEAD
 * commit is the one prev was read at: one read of HEAD instead of a walk
 * of the whole history for every build.
 */
struct git_times	*git_times_reload(struct git_times *prev,
			    const char *root);
/* Unix seconds of the newest commit touching rel, or 0. NULL-safe. */
long long		 git_times_lookup(const struct git_times *, const char *rel);
void			 git_times_free(struct git_times *);

/*
 * The HEAD commit (40 hex digits) of the work tree holding root into
 * out (at least 41 bytes): 1; 0 with out "" when root is in none, or its
 * HEAD cannot be read (a new repository). For the nodes' catalog report.
 */
int			 git_head(const char *root, char *out, size_t size);

#endif
