/* refresh.c: the worker's catalog: the watcher's newest snapshot swapped in, with the caches that hang on it. */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "bodies.h"
#include "page_cache.h"
#include "catalog/snapshot.h"
#include "search/fold.h"
#include "search/result_cache.h"

/* Until the first snapshot is read: a catalog with no article. */
static struct catalog	empty_catalog;
static struct stat	snapshot_seen;

void
site_catalog_init(void)
{
	site.cat = &empty_catalog;
	site_reload();
}

void
site_catalog_free(void)
{
	if (site.cat != &empty_catalog)
		catalog_free(site.cat);
	site.cat = &empty_catalog;
	free(site.synonyms);
	site.synonyms = NULL;
	free(site.stopwords);
	site.stopwords = NULL;
	free(site.polyphones);
	site.polyphones = NULL;
	bodies_reset(NULL);
	result_cache_clear();
	page_cache_clear();
}

/*
 * Looked for at every request, so that all workers switch at once. The
 * watcher's snapshots are counted in shared memory: a request looks at the
 * file only when the count moved.
 */
void
site_refresh(void)
{
	static unsigned long long	seen = ~0ULL;
	unsigned long long		written;

	if (snapshot_counter_get(&written) == 0) {
		if (written == seen)
			return;
		seen = written;
	}
	site_reload();
}

void
site_reload(void)
{
	struct catalog	*cat;
	struct stat	 st;

	if (stat(site.snapshot, &st) != 0)
		return;
	if (st.st_ino == snapshot_seen.st_ino &&
	    st.st_mtim.tv_sec == snapshot_seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == snapshot_seen.st_mtim.tv_nsec)
		return;
	/* Titles and lists in memory; texts on demand (bodies.c). */
	if ((cat = snapshot_read(site.snapshot, 1)) == NULL) {
		kore_log(LOG_WARNING, "snapshot %s unreadable, keeping the "
		    "current catalog", site.snapshot);
		return;
	}
	snapshot_seen = st;
	if (site.cat != &empty_catalog)
		catalog_free(site.cat);
	site.cat = cat;
	bodies_reset(site.snapshot);
	result_cache_clear();
	page_cache_clear();
	free(site.synonyms);
	site.synonyms = fold_text(cat->synonyms ? cat->synonyms : "",
	    cat->synonyms ? strlen(cat->synonyms) : 0);
	free(site.stopwords);
	site.stopwords = fold_text(cat->stopwords ? cat->stopwords : "",
	    cat->stopwords ? strlen(cat->stopwords) : 0);
	free(site.polyphones);
	/* No _polyphones.txt: NULL, the shim's own table. */
	site.polyphones = cat->polyphones == NULL ? NULL :
	    fold_text(cat->polyphones, strlen(cat->polyphones));
	if (site.index != NULL) {
		(void)hc_index_set_synonyms(site.index, site.synonyms);
		(void)hc_index_set_stopwords(site.index, site.stopwords);
		(void)hc_index_set_polyphones(site.index, site.polyphones);
	}
}
