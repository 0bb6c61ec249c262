/* fold.h: one written form for search: NFKC case folding (ICU) and traditional to simplified (OpenCC). */
#ifndef HC_FOLD_H
#define HC_FOLD_H

#include <stddef.h>

/*
 * Builds the per-character folding table. Needs OpenCC's data files
 * (/usr/share/opencc), so it runs before the workers chroot; the table is
 * then inherited. Returns 0, or -1 with a message on stderr (folding then
 * only does NFKC and case).
 */
int	fold_init(void);

/*
 * Folds valid UTF-8: full-width to half-width, upper to lower case,
 * compatibility forms to canonical (NFKC_Casefold), traditional Chinese
 * characters to simplified. Character by character, so 帳號 and 账号 fold
 * to the same text at index and query time. Returns a malloc'd string.
 */
char	*fold_text(const char *, size_t);

/*
 * A search query folded word by word (fold_text), with the operators AND,
 * OR and NOT kept upper case for the query parser. Returns a malloc'd
 * string.
 */
char	*fold_query(const char *);

/* Folds one code point; writes up to 4 code points to out, returns count. */
size_t	 fold_codepoint(unsigned int cp, unsigned int out[4]);

/* Decodes one UTF-8 code point at s (valid UTF-8 assumed); returns bytes. */
size_t	 utf8_decode(const char *s, unsigned int *cp);
/* Encodes cp; returns bytes written to out (at most 4). */
size_t	 utf8_encode(unsigned int cp, char *out);

#endif
