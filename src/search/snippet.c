/* snippet.c: match folded highlight strings against the folded text, print the original. */
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "snippet.h"
#include "util/strbuf.h"
#include "util/text.h"

#define CONTEXT_BEFORE	16	/* characters shown before the first match */
#define SCAN_BYTES	4096	/* the excerpt comes from the text's start */
#define HL_BUCKETS	256	/* highlights by their first character */

/*
 * At most SCAN_BYTES characters are scanned, so the work arrays have a
 * fixed size and live in static storage: a results page makes ten
 * snippets, and allocating these each time cost more than the matching.
 * Not reentrant (one request at a time per worker).
 */
struct chars {
	unsigned int	 folded[SCAN_BYTES + 4];	/* first code point of each fold */
	size_t		 offset[SCAN_BYTES + 5];	/* byte offset of each character */
	size_t		 n;
	int		 truncated;	/* text goes on after SCAN_BYTES */
};

/* A highlight found in the text. */
struct match {
	size_t	start, len, which;
};

static struct chars	scan;
static struct match	matches[SCAN_BYTES + 1];
/*
 * The highlights starting with a character of each bucket (its code
 * point's low byte), in their order, chained through next[] and ended by
 * n: a position tries the one or two that may start there, not all of
 * them (a question gives 20 to 40, and trying each at every character
 * was a tenth of a new search's time in the server).
 */
static size_t		first_hl[HL_BUCKETS];

static void
decode(const char *text, struct chars *c)
{
	size_t		len, i;
	unsigned int	cp, out[4];

	len = strlen(text);
	c->truncated = len > SCAN_BYTES;
	if (c->truncated)
		len = SCAN_BYTES;
	c->n = 0;
	for (i = 0; i < len;) {
		c->offset[c->n] = i;
		i += utf8_decode(text + i, &cp);
		c->folded[c->n] = fold_codepoint(cp, out) > 0 ? out[0] : cp;
		c->n++;
	}
	c->offset[c->n] = i;	/* may pass len by a partial character */
}

static int
is_alnum(unsigned int cp)
{
	return ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'));
}

/* Length in characters of the longest highlight matching at i, or 0. */
static size_t
match_at(const struct chars *c, size_t i, unsigned int **hl, size_t *hlen,
    const size_t *next, size_t n, size_t *which)
{
	size_t	k, j, best;

	best = 0;
	for (k = first_hl[c->folded[i] % HL_BUCKETS]; k != n; k = next[k]) {
		if (hlen[k] <= best || i + hlen[k] > c->n)
			continue;
		/* Words match at a word start (refund: refunds, refunded). */
		if (is_alnum(hl[k][0]) && i > 0 && is_alnum(c->folded[i - 1]))
			continue;
		for (j = 0; j < hlen[k] && c->folded[i + j] == hl[k][j]; j++)
			;
		if (j == hlen[k]) {
			best = hlen[k];
			*which = k;
		}
	}
	return (best);
}

static void
put_range(struct strbuf *sb, const char *text, const struct chars *c,
    size_t from, size_t to)
{
	size_t	i, a, b;

	for (i = from; i < to; i++) {
		a = c->offset[i];
		b = c->offset[i + 1];
		/*
		 * A block's end (a heading, a paragraph, a table row) is a
		 * " · ": a space alone runs Chinese blocks together.
		 */
		if (text[a] == '\n') {
			while (sb->len > 0 && sb->data[sb->len - 1] == ' ')
				sb->data[--sb->len] = '\0';
			if (sb->len > 0 && (sb->len < 4 || memcmp(sb->data +
			    sb->len - 4, " · ", 4) != 0))
				sb_puts(sb, " · ");
		} else if (text[a] == '\t' || text[a] == '\r')
			sb_putc(sb, ' ');
		else
			html_escape(sb, text + a, b - a);
	}
}

char *
snippet_make(const char *text, char *const *highlight, size_t n,
    size_t max_chars)
{
	struct chars	 *c = &scan;
	struct strbuf	  sb;
	unsigned int	**hl;
	size_t		 *hlen, *next, nm, i, k, len, which;
	size_t		  start, end, best_start, best_score, score;
	unsigned char	 *seen;
	unsigned int	  cp;

	decode(text, c);
	hl = xcalloc(n + 1, sizeof(*hl));
	hlen = xcalloc(n + 1, sizeof(size_t));
	for (k = 0; k < n; k++) {
		hl[k] = xcalloc(strlen(highlight[k]) + 1, sizeof(unsigned int));
		for (i = 0; highlight[k][i] != '\0';) {
			i += utf8_decode(highlight[k] + i, &cp);
			hl[k][hlen[k]++] = cp;
		}
	}
	next = xcalloc(n + 1, sizeof(size_t));
	for (i = 0; i < HL_BUCKETS; i++)
		first_hl[i] = n;
	/* Backwards, so that each chain is in the highlights' order. */
	for (k = n; k-- > 0;) {
		if (hlen[k] == 0)
			continue;
		next[k] = first_hl[hl[k][0] % HL_BUCKETS];
		first_hl[hl[k][0] % HL_BUCKETS] = k;
	}
	/* All matches, left to right, not overlapping. */
	nm = 0;
	for (i = 0; i < c->n;) {
		if ((len = match_at(c, i, hl, hlen, next, n, &which)) > 0) {
			matches[nm].start = i;
			matches[nm].len = len;
			matches[nm++].which = which;
			i += len;
		} else {
			i++;
		}
	}
	/* The window holding the most distinct highlights wins. */
	seen = xcalloc(n + 1, 1);
	best_start = 0;
	best_score = 0;
	for (i = 0; i < nm; i++) {
		start = matches[i].start > CONTEXT_BEFORE ?
		    matches[i].start - CONTEXT_BEFORE : 0;
		memset(seen, 0, n + 1);
		score = 0;
		for (k = i; k < nm && matches[k].start + matches[k].len <=
		    start + max_chars; k++) {
			if (!seen[matches[k].which]) {
				seen[matches[k].which] = 1;
				score += 2 * hlen[matches[k].which];
			}
		}
		if (score > best_score) {
			best_score = score;
			best_start = start;
		}
	}
	start = best_start;
	end = start + max_chars < c->n ? start + max_chars : c->n;

	sb_init(&sb);
	if (start > 0)
		sb_puts(&sb, "…");
	i = start;
	for (k = 0; k < nm; k++) {
		if (matches[k].start < start ||
		    matches[k].start + matches[k].len > end)
			continue;
		put_range(&sb, text, c, i, matches[k].start);
		sb_puts(&sb, "<mark>");
		put_range(&sb, text, c, matches[k].start,
		    matches[k].start + matches[k].len);
		sb_puts(&sb, "</mark>");
		i = matches[k].start + matches[k].len;
	}
	put_range(&sb, text, c, i, end);
	if (end < c->n || c->truncated)
		sb_puts(&sb, "…");

	for (k = 0; k < n; k++)
		free(hl[k]);
	free(hl);
	free(hlen);
	free(next);
	free(seen);
	return (sb_detach(&sb));
}
