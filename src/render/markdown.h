/* markdown.h: safe Markdown to HTML (cmark-gfm) with anchors, a TOC and article links. */
#ifndef HC_MARKDOWN_H
#define HC_MARKDOWN_H

#include <stddef.h>

struct toc_entry {
	int	 level;		/* 2 or 3 */
	char	*anchor;
	char	*text;
};

/* Everything is malloc'd and owned by the struct; rendered_free() frees. */
struct rendered {
	char			*html;
	char			*plain;		/* plain text, for search */
	char			*headings;	/* all heading text, for search */
	struct toc_entry	*toc;
	size_t			 ntoc;
	char			**links;	/* article slugs linked to */
	size_t			 nlinks;
};

/* User-written text (community posts): links get rel="nofollow ugc noopener". */
#define MD_USER_CONTENT		0x01

/*
 * Renders len bytes of Markdown. Raw HTML is dropped and javascript:,
 * vbscript:, file: and data: URLs (but images' data:image/) are neutralised
 * by cmark's safe mode. Links written as [text](slug) or (slug#anchor)
 * become /articles/slug links and are listed in links; relative
 * "<slug>.assets/..." paths become /articles/<slug>.assets/... Returns 0,
 * or -1 when cmark fails.
 */
int	markdown_render(const char *md, size_t len, int flags,
	    struct rendered *out);
void	rendered_free(struct rendered *);

#endif
