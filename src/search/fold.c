/* fold.c: a 64K-entry table, built once from ICU NFKC_Casefold and OpenCC's character dictionary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "fold.h"
#include "util/strbuf.h"

#define BMP		0x10000
#define CJK_FIRST	0x3400		/* CJK Extension A */
#define CJK_LAST	0x9fff		/* end of CJK Unified Ideographs */

/*
 * single[cp]: what cp folds to when it is one code point; 0 when it folds
 * to several (then multi[cp] holds them, 0-terminated) or to nothing.
 */
static unsigned int	 single[BMP];
static unsigned int	(*multi)[5];
static int		 ready;

size_t
utf8_decode(const char *str, unsigned int *cp)
{
	const unsigned char	*s = (const unsigned char *)str;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if ((s[0] & 0xe0) == 0xc0 && s[1]) {
		*cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		return (2);
	}
	if ((s[0] & 0xf0) == 0xe0 && s[1] && s[2]) {
		*cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) |
		    (s[2] & 0x3fu);
		return (3);
	}
	if ((s[0] & 0xf8) == 0xf0 && s[1] && s[2] && s[3]) {
		*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) |
		    ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
		return (4);
	}
	*cp = 0xfffd;
	return (1);
}

size_t
utf8_encode(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* NFKC_Casefold of every BMP code point. */
static void
build_nfkc(void)
{
	const UNormalizer2	*n2;
	UErrorCode		 err;
	UChar			 in[2], out[16];
	UChar32			 c;
	int32_t			 len, i, k;
	unsigned int		 cp;

	err = U_ZERO_ERROR;
	n2 = unorm2_getNFKCCasefoldInstance(&err);
	for (cp = 0; cp < BMP; cp++) {
		single[cp] = cp;
		if (cp < 0x80) {
			if (cp >= 'A' && cp <= 'Z')
				single[cp] = cp + 32;
			continue;
		}
		if ((cp >= 0xd800 && cp <= 0xdfff) || U_FAILURE(err))
			continue;
		in[0] = (UChar)cp;
		len = unorm2_normalize(n2, in, 1, out, 16, &err);
		if (U_FAILURE(err)) {
			err = U_ZERO_ERROR;
			continue;
		}
		if (len == 1) {
			single[cp] = out[0];
			continue;
		}
		/* Several code points (or none): keep up to four. */
		single[cp] = 0;
		for (i = 0, k = 0; i < len && k < 4;) {
			U16_NEXT(out, i, len, c);
			multi[cp][k++] = (unsigned int)c;
		}
		multi[cp][k] = 0;
	}
}

/* OpenCC t2s, one character at a time, over the CJK blocks. */
static int
build_t2s(void)
{
	opencc_t	 cc;
	struct strbuf	 all;
	char		*conv, *p, buf[4];
	unsigned int	 cp, to;
	size_t		 n;

	cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
	if (cc == (opencc_t)-1) {
		fprintf(stderr, "fold: cannot open OpenCC t2s\n");
		return (-1);
	}
	/* One call: characters separated by newlines, so no phrase matches. */
	sb_init(&all);
	for (cp = CJK_FIRST; cp <= CJK_LAST; cp++) {
		n = utf8_encode(cp, buf);
		sb_append(&all, buf, n);
		sb_putc(&all, '\n');
	}
	conv = opencc_convert_utf8(cc, all.data, all.len);
	sb_free(&all);
	if (conv == NULL) {
		opencc_close(cc);
		return (-1);
	}
	p = conv;
	for (cp = CJK_FIRST; cp <= CJK_LAST && *p != '\0'; cp++) {
		p += utf8_decode(p, &to);
		if (*p != '\n') {
			/* Folded to several characters: leave it as is. */
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (single[cp] == cp) {
			single[cp] = to;
		}
		if (*p == '\n')
			p++;
	}
	opencc_convert_utf8_free(conv);
	opencc_close(cc);
	return (0);
}

int
fold_init(void)
{
	if (ready)
		return (0);
	multi = xcalloc(BMP, sizeof(*multi));
	build_nfkc();
	ready = 1;
	return (build_t2s());
}

size_t
fold_codepoint(unsigned int cp, unsigned int out[4])
{
	size_t	k;

	if (!ready)
		(void)fold_init();
	if (cp >= BMP) {
		out[0] = cp;
		return (1);
	}
	if (single[cp] != 0) {
		out[0] = single[cp];
		return (1);
	}
	for (k = 0; k < 4 && multi[cp][k] != 0; k++)
		out[k] = multi[cp][k];
	return (k);
}

char *
fold_text(const char *s, size_t len)
{
	struct strbuf	 sb;
	const char	*end;
	unsigned int	 cp, out[4];
	size_t		 n, k;
	char		 buf[4];

	sb_init(&sb);
	end = s + len;
	while (s < end) {
		s += utf8_decode(s, &cp);
		n = fold_codepoint(cp, out);
		for (k = 0; k < n; k++)
			sb_append(&sb, buf, utf8_encode(out[k], buf));
	}
	return (sb_detach(&sb));
}

/* Folds the query but keeps the operators AND, OR, NOT upper case. */
char *
fold_query(const char *q)
{
	struct strbuf	 sb;
	const char	*p, *end;
	char		*f;
	size_t		 n;

	sb_init(&sb);
	for (p = q; *p != '\0'; p = end) {
		end = p + strcspn(p, " ");
		n = (size_t)(end - p);
		if ((n == 3 && (!strncmp(p, "AND", 3) || !strncmp(p, "NOT", 3))) ||
		    (n == 2 && !strncmp(p, "OR", 2))) {
			sb_append(&sb, p, n);
		} else {
			f = fold_text(p, n);
			sb_puts(&sb, f);
			free(f);
		}
		while (*end == ' ') {
			sb_putc(&sb, ' ');
			end++;
		}
	}
	return (sb_detach(&sb));
}
