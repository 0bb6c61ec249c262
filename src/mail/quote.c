/* quote.c: the new part of an emailed reply: quoted lines, attributions and signatures dropped. */
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "util/strbuf.h"

/* One line: [s, s + len), without its line end. */
struct line {
	const char	*s;
	size_t		 len;
};

static int
starts(const struct line *l, const char *prefix)
{
	size_t	n = strlen(prefix);

	return (l->len >= n && !memcmp(l->s, prefix, n));
}

/* Ends with suffix, white space after it ignored. */
static int
ends(const struct line *l, const char *suffix)
{
	size_t	n = strlen(suffix), len = l->len;

	while (len > 0 && (l->s[len - 1] == ' ' || l->s[len - 1] == '\t'))
		len--;
	return (len >= n && !memcmp(l->s + len - n, suffix, n));
}

/* An attribution's end: "wrote:", "写道：" (or with an ASCII colon), "寫道：". */
static int
ends_wrote(const struct line *l)
{
	return (ends(l, "wrote:") || ends(l, "写道：") || ends(l, "写道:") ||
	    ends(l, "寫道：") || ends(l, "寫道:"));
}

static int
opens_attribution(const struct line *l)
{
	return (starts(l, "On ") || starts(l, "在"));
}

static int
blank(const struct line *l)
{
	size_t	i;

	for (i = 0; i < l->len; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return (0);
	return (1);
}

/*
 * Where the rest is not new: a signature delimiter ("-- ", also without
 * its space, as some clients send it), an attribution on one line or
 * wrapped over two, a forwarded or Outlook original.
 */
static int
cut_here(const struct line *l, const struct line *next)
{
	if ((l->len == 3 && !memcmp(l->s, "-- ", 3)) ||
	    (l->len == 2 && !memcmp(l->s, "--", 2)))
		return (1);
	if (opens_attribution(l) && (ends_wrote(l) ||
	    (next != NULL && ends_wrote(next))))
		return (1);
	if (starts(l, "-----Original Message-----") ||
	    starts(l, "-----原始邮件-----") || starts(l, "-----原始郵件-----") ||
	    starts(l, "---------- Forwarded message"))
		return (1);
	return (0);
}

static int
quoted(const struct line *l)
{
	size_t	i;

	for (i = 0; i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'); i++)
		;
	return (i < l->len && l->s[i] == '>');
}

char *
mail_strip_quotes(const char *text)
{
	struct strbuf	 out;
	struct line	*lines, *next;
	const char	*p, *nl;
	size_t		 n, cap, i, keep_end, pending;

	/* Split into lines; CR before LF (and a lone CR at the end) dropped. */
	cap = 16;
	lines = xcalloc(cap, sizeof(*lines));
	n = 0;
	for (p = text; *p != '\0'; p = nl + 1) {
		if (n == cap) {
			cap *= 2;
			lines = xrealloc(lines, cap * sizeof(*lines));
		}
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		lines[n].s = p;
		lines[n].len = (size_t)(nl - p);
		if (lines[n].len > 0 && p[lines[n].len - 1] == '\r')
			lines[n].len--;
		n++;
		if (*nl == '\0')
			break;
	}

	sb_init(&out);
	sb_puts(&out, "");
	keep_end = 0;		/* out's length after the last kept text */
	pending = 0;		/* blank lines not yet written */
	for (i = 0; i < n; i++) {
		next = i + 1 < n ? &lines[i + 1] : NULL;
		if (cut_here(&lines[i], next))
			break;
		if (quoted(&lines[i]))
			continue;
		if (blank(&lines[i])) {
			pending++;
			continue;
		}
		/* Blank lines between kept text stay; leading ones do not. */
		if (out.len > 0)
			for (; pending > 0; pending--)
				sb_putc(&out, '\n');
		pending = 0;
		if (out.len > 0)
			sb_putc(&out, '\n');
		sb_append(&out, lines[i].s, lines[i].len);
		keep_end = out.len;
	}
	free(lines);
	/* No trailing white space at the end of the text. */
	while (keep_end > 0 && (out.data[keep_end - 1] == ' ' ||
	    out.data[keep_end - 1] == '\t'))
		keep_end--;
	out.data[keep_end] = '\0';
	out.len = keep_end;
	return (sb_detach(&out));
}
