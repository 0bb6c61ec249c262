/*
 * search.h: the C contract of the Xapian shim (shim.cc). Nothing else in
 * the project includes <xapian.h>; every function here catches every C++
 * exception and answers a status instead.
 */
#ifndef HC_SEARCH_H
#define HC_SEARCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	HC_SEARCH_OK = 0,
	HC_SEARCH_ERR_OPEN,	/* no index at the path, or not readable */
	HC_SEARCH_ERR_LOCKED,	/* another process writes the index */
	HC_SEARCH_ERR_CORRUPT,	/* the index is damaged: rebuild it */
	HC_SEARCH_ERR_QUERY,	/* the query cannot be understood */
	HC_SEARCH_ERR_MODIFIED,	/* changed too often while reading */
	HC_SEARCH_ERR_IO,	/* disk full, permission, ... */
	HC_SEARCH_ERR_INTERNAL	/* anything else */
} hc_search_status;

/* A static English description of a status. */
const char	*hc_search_status_to_string(hc_search_status);

/* An open index, for reading or (one process at a time) writing. */
typedef struct hc_index hc_index;

/*
 * Opens the index folder at path. writable creates it when missing.
 * On success *out is set; on failure *out is NULL or, when not NULL, a
 * handle whose hc_index_last_error() says why (close it).
 * Return value: HC_SEARCH_OK, _ERR_OPEN, _ERR_LOCKED, _ERR_CORRUPT, _ERR_IO.
 */
hc_search_status	 hc_index_open(const char *path, int writable,
			    hc_index **out);
void			 hc_index_close(hc_index *);
/* The last error's message; owned by the handle, valid until the next call. */
const char		*hc_index_last_error(const hc_index *);

/* ---- Writing (the builder process only) ---- */

/*
 * One document: an article version or a community thread. All text is
 * already folded (fold.h). Strings are borrowed for the call.
 */
struct hc_doc {
	const char	*id;		/* "article:<slug>:<lang>", "thread:<n>" */
	const char	*type;		/* "article" or "thread" */
	const char	*lang;
	const char	*category;	/* "cat" or "cat/section" */
	const char	*title;
	const char	*tags;		/* space separated */
	const char	*summary;	/* threads: the accepted answer */
	const char	*headings;
	const char	*body;		/* threads: question and other answers */
	const char	*hash;		/* content hash: unchanged -> skipped */
	long long	 updated;
};

/*
 * Adds or replaces the document with d->id. Changes become visible to
 * readers at hc_index_commit(), all at once (a transaction: nothing is
 * flushed half-way, however many documents are put).
 * Return value: HC_SEARCH_OK, _ERR_IO, _ERR_INTERNAL.
 */
hc_search_status	 hc_index_put(hc_index *, const struct hc_doc *d);

/*
 * Building a document (splitting words, n-grams, stems) is most of the cost
 * of indexing and needs no index: a builder may run in its own thread,
 * one builder per thread, and hand the prepared document to the writer.
 */
typedef struct hc_builder	hc_builder;
typedef struct hc_prepared	hc_prepared;

hc_builder		*hc_builder_new(void);
void			 hc_builder_free(hc_builder *);
/*
 * Prepares d; *out is owned by the caller until given to
 * hc_index_put_prepared() (which frees it) or hc_prepared_free().
 * Return value: HC_SEARCH_OK, _ERR_INTERNAL.
 */
hc_search_status	 hc_builder_prepare(hc_builder *, const struct hc_doc *d,
			    hc_prepared **out);
/*
 * Puts a prepared document; is_new says no document has its id yet,
 * which saves a lookup. Frees p in every case.
 * Return value: HC_SEARCH_OK, _ERR_IO, _ERR_INTERNAL.
 */
hc_search_status	 hc_index_put_prepared(hc_index *, hc_prepared *p,
			    int is_new);
void			 hc_prepared_free(hc_prepared *);
/* Removes a document; removing a missing one is not an error. */
hc_search_status	 hc_index_delete(hc_index *, const char *id);
hc_search_status	 hc_index_commit(hc_index *);

/*
 * A value kept in the index beside its documents (the community outbox's
 * cursor). hc_index_set_metadata takes effect at hc_index_commit(), in the
 * same commit as the documents put since: both are kept or neither; an
 * empty value or NULL removes the key. hc_index_get_metadata sets *out to
 * the value (malloc'd; free it) or NULL when the key has none.
 * Return value: HC_SEARCH_OK, _ERR_IO, _ERR_CORRUPT, _ERR_INTERNAL.
 */
hc_search_status	 hc_index_set_metadata(hc_index *, const char *key,
			    const char *value);
hc_search_status	 hc_index_get_metadata(hc_index *, const char *key,
			    char **out);

/*
 * Calls fn(id, hash, arg) for every document, for deciding what changed.
 * Return value: HC_SEARCH_OK, _ERR_IO, _ERR_INTERNAL.
 */
hc_search_status	 hc_index_each(hc_index *,
			    void (*fn)(const char *id, const char *hash, void *),
			    void *arg);

/* ---- Reading (the workers) ---- */

/*
 * Query expansion groups from _synonyms.txt (folded text, one group per
 * line, words separated by spaces; '#' starts a comment). Replaces earlier
 * groups. Return value: HC_SEARCH_OK.
 */
hc_search_status	 hc_index_set_synonyms(hc_index *, const char *text);

/*
 * Words that carry no weight in a query (question and filler words: 怎么,
 * 请问, how, my), from _stopwords.txt: folded text, words separated by
 * spaces or lines, '#' starts a comment. A query made only of them is
 * searched as it is. Replaces the earlier list; text is borrowed.
 * Return value: HC_SEARCH_OK, _ERR_INTERNAL.
 */
hc_search_status	 hc_index_set_stopwords(hc_index *, const char *text);

/*
 * Other readings of characters with several (重 chong zhong, 地 di de),
 * from _polyphones.txt: folded text, one character and its toneless
 * readings a line, '#' starts a comment. ICU gives the index one reading
 * per character; a pinyin query or a homophone typo using another listed
 * reading still finds the character. Replaces the earlier table; text is
 * borrowed. Return value: HC_SEARCH_OK, _ERR_INTERNAL.
 */
hc_search_status	 hc_index_set_polyphones(hc_index *, const char *text);

struct hc_query {
	const char	*text;		/* folded; AND/OR/NOT kept upper case */
	const char	*category;	/* filter or NULL */
	const char	*lang;		/* filter or NULL */
	const char	*type;		/* filter or NULL */
	const char	*prefer_lang;	/* shown first among versions, or NULL */
	unsigned	 offset;
	unsigned	 limit;
	int		 prefix_last;	/* the last word may be unfinished */
	int		 titles_only;	/* search-as-you-type suggestions */
	/*
	 * Facets, and total counted exactly up to about 200 results (the
	 * HTML page's filters): a spy on every match and 200 matches looked
	 * at beyond the page, a third of a new query's time. Without it
	 * there are no facets and total is exact only when the results end
	 * on the page asked for, Xapian's estimate otherwise.
	 */
	int		 facets;
};

struct hc_facet {
	char	*value;
	size_t	 count;
};

struct hc_hit {
	char	*id;
	double	 score;		/* relevance, 0..100 */
};

/* Everything in a result is owned by it; free with hc_results_free(). */
struct hc_results {
	size_t		  total;	/* see hc_query.facets */
	struct hc_hit	 *hits;
	size_t		  nhits;
	/* Only with hc_query.facets (over the first 200 matches). */
	struct hc_facet	 *categories;	/* by top-level category */
	size_t		  ncategories;
	struct hc_facet	 *langs;
	size_t		  nlangs;
	struct hc_facet	 *types;
	size_t		  ntypes;
	/*
	 * Below the relevance floor (too little of the query found): total
	 * is 0, no hits, and the best few of what was found are here.
	 */
	struct hc_hit	 *closest;
	size_t		  nclosest;
	/*
	 * "did you mean", or NULL: a corrected English word, a CJK pair
	 * typed with the wrong homophone (退宽 -> 退款), or the characters
	 * of a word typed in pinyin (tuikuan -> 退款).
	 */
	char		 *suggestion;
	char		**highlight;	/* folded strings to mark in snippets */
	size_t		  nhighlight;
	int		  plain_fallback; /* syntax was not understood */
};

/*
 * Runs a query. Reopens the index first when the writer committed since,
 * and retries when it changes during the search. Question and filler
 * words (hc_index_set_stopwords) are left out; a result must cover enough
 * of the rest, weighted by how rare each piece is in the index, or it is
 * not a result (see closest). Spends at most about 50 ms in Xapian's
 * matcher; past that the best matches found so far are returned.
 * Return value: HC_SEARCH_OK (with *out), _ERR_MODIFIED, _ERR_IO,
 * _ERR_CORRUPT, _ERR_INTERNAL.
 */
hc_search_status	 hc_search(hc_index *, const struct hc_query *,
			    struct hc_results **out);
void			 hc_results_free(struct hc_results *);

/*
 * The Xapian query hc_search() would run for q (filters and language
 * boost in, floor, collapse and facets not), serialised
 * (Xapian::Query::serialise), in *out (malloc'd, *len bytes); for the
 * benchmark's bare Xapian reference only.
 * Return value: HC_SEARCH_OK, _ERR_IO, _ERR_CORRUPT, _ERR_INTERNAL.
 */
hc_search_status	 hc_search_final_query(hc_index *,
			    const struct hc_query *, char **out, size_t *len);

/* Number of documents, or 0 on error. */
size_t			 hc_index_doccount(hc_index *);

/*
 * The revision a reader sees after reopening: it changes with every
 * commit, so results kept under it are current while it stays the same.
 * Returns 0 when the index cannot be read (then keep nothing).
 */
unsigned long long	 hc_index_revision(hc_index *);

#ifdef __cplusplus
}
#endif

#endif
