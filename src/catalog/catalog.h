/* catalog.h: the help center's articles and categories, as one immutable in-memory value. */
#ifndef HC_CATALOG_H
#define HC_CATALOG_H

#include <stddef.h>

#include "render/markdown.h"

/* One language version of an article: <slug>.md or <slug>.<lang>.md. */
struct article_version {
	char			*lang;
	char			*path;		/* relative to the articles tree */
	char			*title;
	char			*summary;
	char			**tags;
	size_t			 ntags;
	char			*markdown;	/* the whole file */
	/* mem_hash of markdown, set by catalog_build; 0 when read back. */
	unsigned long long	 source_hash;
	char			*html;		/* rendered once, served as is */
	char			*plain;		/* body as plain text */
	char			*headings;
	struct toc_entry	*toc;
	size_t			 ntoc;
	char			**links;	/* slugs this version links to */
	size_t			 nlinks;
	long long		 updated;	/* unix seconds */
	char			*owner;
	char			*review_by;	/* YYYY-MM-DD or NULL */
};

struct article {
	char			*slug;
	char			*category;	/* "cat" or "cat/section" */
	int			 order;
	char			**aliases;
	size_t			 naliases;
	struct article_version	*versions;	/* [0] is the source file */
	size_t			 nversions;
};

struct category_text {
	char	*lang;
	char	*title;
	char	*description;
};

struct category {
	char			*slug;		/* "cat" or "cat/section" */
	char			*parent;	/* NULL at the top level */
	int			 order;
	struct category_text	*texts;		/* [0] in the default language */
	size_t			 ntexts;
	/* Filled by catalog_index(): */
	size_t			*articles;	/* indexes into arts, in order */
	size_t			 narticles;
	size_t			 total;		/* with its sections' articles */
};

struct alias {
	char	*alias;
	char	*slug;
};

/* An image from a <slug>.assets/ folder, served at /articles/<key>. */
struct asset {
	char		*key;		/* "<slug>.assets/<file>" */
	unsigned char	*data;
	size_t		 len;
};

struct problem {
	char	*file;
	int	 line;
	char	*reason;
};

struct catalog {
	struct category	*cats;		/* by order, then slug */
	size_t		 ncats;
	struct article	*arts;		/* by slug */
	size_t		 narts;
	struct alias	*aliases;	/* by alias */
	size_t		 naliases;
	struct asset	*assets;	/* by key */
	size_t		 nassets;
	struct problem	*problems;
	size_t		 nproblems;
	char		**drafts;	/* paths of draft files */
	size_t		 ndrafts;
	/*
	 * The draft articles (draft: true), by slug: shown to editors only,
	 * at their URL. Kept apart from arts so that nothing that lists,
	 * indexes or links articles can reach them by mistake.
	 */
	struct article	*draft_arts;
	size_t		 ndraft_arts;
	char		*synonyms;	/* _synonyms.txt, or NULL */
	char		*stopwords;	/* _stopwords.txt, or NULL */
	char		*macros;	/* _macros/ as JSON text (macros.h), or NULL */
	char		*polyphones;	/* _polyphones.txt, or NULL */
	long long	 built;		/* unix seconds */
	/*
	 * Not in the snapshot: why part of the tree could not be read (the
	 * first such folder, or the root), or NULL. With unpublishable set
	 * the whole tree was missing, unreadable or emptied, and the builder
	 * keeps the last published catalog instead of this one.
	 */
	char		*tree_error;
	int		 unpublishable;
	/* Filled by catalog_index(): */
	size_t		*recent;	/* indexes into arts, newest first */
};

/* The builder keeps parsed files between builds; opaque. */
struct catalog_cache;

struct catalog_cache	*catalog_cache_new(void);
void			 catalog_cache_free(struct catalog_cache *);

/*
 * Scans root and returns a new catalog (caller frees with catalog_free).
 * Unchanged files are taken from cache without re-parsing; a file that
 * became broken or unreadable keeps its last good version from cache, and
 * the problem is listed; so does everything in a folder that cannot be
 * read. A symbolic link anywhere below root is never followed: it is
 * listed as a problem and left out. default_lang is the language of files
 * without .<lang>.
 */
struct catalog	*catalog_build(const char *root, const char *default_lang,
		    struct catalog_cache *cache);

/* Sorts, links categories to their articles, counts. Needed after loading. */
void		 catalog_index(struct catalog *);
void		 catalog_free(struct catalog *);
/*
 * SHA-256 of what cat publishes (every file's path and bytes, the
 * categories, images, synonyms, stop words, macros, polyphones) as 64 hex
 * digits into out (at least 65 bytes), independent of the order the
 * files were read in and of their times: two nodes that built the same
 * files have the same hash (catalog_hash.c). 0, or -1.
 */
int		 catalog_hash(const struct catalog *, char *out, size_t size);
/* Lists a problem of file (line, or 0) in cat->problems. */
void		 catalog_problem(struct catalog *, const char *file, int line,
		    const char *reason);

const struct article	*catalog_article(const struct catalog *, const char *);
/* A draft article by slug (for an editor's preview), or NULL. */
const struct article	*catalog_draft(const struct catalog *, const char *);
const struct category	*catalog_category(const struct catalog *, const char *);
const char		*catalog_alias(const struct catalog *, const char *);
const struct asset	*catalog_asset(const struct catalog *, const char *);

/* The version in lang, or NULL. */
const struct article_version	*article_version_in(const struct article *,
				    const char *lang);
/* The text in lang, else the first one. */
const struct category_text	*category_text_in(const struct category *,
				    const char *lang);

#endif
