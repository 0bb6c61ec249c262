/* gittimes.h: last commit time of every file in an articles tree, from one git log. */
#ifndef HC_GITTIMES_H
#define HC_GITTIMES_H

struct git_times;

/* NULL when root is not in a git work tree or git is missing. */
struct git_times	*git_times_load(const char *root);
/* Unix seconds of the newest commit touching rel, or 0. NULL-safe. */
long long		 git_times_lookup(const struct git_times *, const char *rel);
void			 git_times_free(struct git_times *);

#endif
