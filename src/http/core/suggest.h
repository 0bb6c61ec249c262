/* suggest.h: search as you type: the index's best matches for a few typed words, resolved to articles and threads. */
#ifndef HC_SUGGEST_H
#define HC_SUGGEST_H

#include <kore/kore.h>
#include <kore/http.h>

#include <stddef.h>

/* What to look for; strings borrowed. */
struct suggest_query {
	const char	*text;		/* as typed; the last word a prefix */
	unsigned	 limit;		/* hits asked of the index */
	int		 titles_only;	/* match titles, not texts */
	int		 articles_only;	/* no community threads */
	const char	*exclude;	/* an article slug left out, or NULL */
};

/* One match: an article in one language, or a published thread. */
struct suggestion {
	const char	*type;		/* "article" or "thread" */
	char		*title;
	char		*slug;		/* articles only, or NULL */
	char		*lang;		/* articles: the version's language */
	long long	 thread_id;	/* threads: the id; 0 for articles */
};

/*
 * Searches the index for q in the visitor's language first (folded as
 * the index is), and resolves each hit against this worker's catalog and
 * the community's threads, dropping what no longer exists. Returns the
 * number of suggestions in *out (free it with suggestions_free), or -1
 * when nothing was searched: blank text or no index yet.
 */
int	suggest_find(struct http_request *, const struct suggest_query *,
	    struct suggestion **out);
void	suggestions_free(struct suggestion *, int n);

#endif
