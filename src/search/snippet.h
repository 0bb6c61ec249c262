/* snippet.h: a short excerpt of a text around the query's matches, with <mark>. */
#ifndef HC_SNIPPET_H
#define HC_SNIPPET_H

#include <stddef.h>

/*
 * Picks the window of at most max_chars characters of text holding the
 * most distinct highlight strings (folded, as search returns them; matched
 * against the folded text, so 帳號 in the text is marked for 账号), and
 * returns it HTML-escaped with every match inside <mark>..</mark> and "…"
 * where it was cut. Returns a malloc'd string.
 */
char	*snippet_make(const char *text, char *const *highlight, size_t n,
	    size_t max_chars);

#endif
