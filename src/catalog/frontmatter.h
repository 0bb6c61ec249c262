/* frontmatter.h: YAML front matter of articles and _index.md files (SPEC section 2). */
#ifndef HC_FRONTMATTER_H
#define HC_FRONTMATTER_H

#include <stddef.h>

/* Every string is malloc'd and owned by the struct; frontmatter_free() frees. */
struct front_matter {
	char	*title;
	char	*summary;
	char	*description;	/* _index.md only */
	char	*lang;
	char	*owner;
	char	*review_by;	/* YYYY-MM-DD */
	char	*updated;	/* YYYY-MM-DD */
	char	**tags;
	size_t	 ntags;
	char	**aliases;
	size_t	 naliases;
	int	 order;
	int	 draft;
};

struct fm_error {
	int	line;		/* 1-based line in the file */
	char	reason[256];
};

/*
 * Parses the front matter at the top of text (len bytes). On success returns
 * 0, fills fm and sets *body to the first byte after the closing '---' line.
 * On failure returns -1 with err filled and fm empty. require_title is 0 for
 * _index.md files of sections that may omit it.
 */
int	frontmatter_parse(const char *text, size_t len, int require_title,
	    struct front_matter *fm, const char **body, struct fm_error *err);
void	frontmatter_free(struct front_matter *);

#endif
