/* spam.c: the community's anti-spam and input rules as pure functions (links, Markdown bounds, duplicate hash, tags, names). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "community.h"
#include "util/strbuf.h"
#include "util/text.h"

/*
 * cmark 0.30.2 is quadratic on long runs of nested block quotes and list
 * markers and on many unclosed link openers (CVE-2023-22486,
 * CVE-2023-24824). Posts are short; these bounds are far above any honest
 * question and far below the sizes where rendering gets slow.
 */
#define MD_MAX_QUOTE_DEPTH	8
#define MD_MAX_INDENT		32
#define MD_MAX_BRACKETS		300
#define MD_MAX_EMPHASIS		1000
#define MD_MAX_LINES		800
/*
 * A GFM table pads every row to the header's width: a 2 KB post of 300
 * one-character columns and 300 rows rendered to 1 MB of HTML. Cells
 * (columns times rows, all tables) are bounded instead.
 */
#define MD_MAX_TABLE_CELLS	2000

/* The columns of a table delimiter row ("| --- | :-: |"), else 0. */
static int
table_delimiter_columns(const char *line, size_t len)
{
	size_t	i;
	int	cols = 0, dash = 0, pipe = 0;

	for (i = 0; i < len; i++) {
		if (line[i] == '-') {
			if (!dash)
				cols++;
			dash = 1;
			continue;
		}
		if (line[i] == '|')
			pipe = 1;
		else if (line[i] != ':' && line[i] != ' ' && line[i] != '\t')
			return (0);
		dash = 0;
	}
	return (pipe || cols > 1 ? cols : 0);
}

/* Cells of every table: from a delimiter row to the next blank line. */
static int
table_cells_bounded(const char *md)
{
	const char	*line, *end;
	size_t		 len;
	long		 cells = 0;
	int		 cols = 0;

	for (line = md; *line != '\0'; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		len = (size_t)(end - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (strspn(line, " \t") >= len)
			cols = 0;	/* a blank line ends a table */
		else if (cols == 0) {
			/* The header row above counts as a row too. */
			if ((cols = table_delimiter_columns(line, len)) > 0)
				cells += 2L * cols;
		} else
			cells += cols;
		if (cells > MD_MAX_TABLE_CELLS)
			return (-1);
	}
	return (0);
}

int
cm_count_links(const char *md)
{
	const char	*p;
	int		 n = 0;

	for (p = md; *p != '\0'; p++) {
		if (!strncasecmp(p, "http://", 7) ||
		    !strncasecmp(p, "https://", 8) ||
		    (!strncasecmp(p, "www.", 4) && (p == md ||
		    !isalnum((unsigned char)p[-1]))))
			n++;
		else if (p[0] == ']' && p[1] == '(' &&
		    strncasecmp(p + 2, "http", 4) != 0 &&
		    strncasecmp(p + 2, "www.", 4) != 0)
			n++;	/* a relative or odd link: counted once here */
	}
	return (n);
}

int
cm_markdown_bounded(const char *md)
{
	const char	*p;
	int		 depth, indent, brackets = 0, emph = 0, lines = 1;
	int		 bol = 1;

	depth = indent = 0;
	for (p = md; *p != '\0'; p++) {
		if (*p == '\n') {
			bol = 1;
			depth = indent = 0;
			if (++lines > MD_MAX_LINES)
				return (-1);
			continue;
		}
		if (*p == '[' || *p == '<')
			brackets++;
		if (*p == '*' || *p == '_' || *p == '`' || *p == '~')
			emph++;
		if (bol) {
			/* Block markers at the start of a line nest. */
			if (*p == '>') {
				if (++depth > MD_MAX_QUOTE_DEPTH)
					return (-1);
				continue;
			}
			if (*p == ' ' || *p == '\t' || *p == '-' ||
			    *p == '+' || *p == '*' || isdigit((unsigned char)*p) ||
			    *p == '.' || *p == ')') {
				if (++indent > MD_MAX_INDENT)
					return (-1);
				continue;
			}
			bol = 0;
		}
	}
	if (brackets > MD_MAX_BRACKETS || emph > MD_MAX_EMPHASIS)
		return (-1);
	return (table_cells_bounded(md));
}

void
cm_body_hash(const char *title, const char *body, char out[17])
{
	unsigned long long	 h = 1469598103934665603ULL;
	const char		*parts[2] = { title, body };
	const unsigned char	*p;
	int			 i, space;

	/* FNV-1a over the text with case and runs of white space folded. */
	for (i = 0; i < 2; i++) {
		space = 1;
		for (p = (const unsigned char *)(parts[i] ? parts[i] : "");
		    *p != '\0'; p++) {
			if (isspace(*p)) {
				if (space)
					continue;
				space = 1;
				h = (h ^ ' ') * 1099511628211ULL;
				continue;
			}
			space = 0;
			h = (h ^ (unsigned char)tolower(*p)) * 1099511628211ULL;
		}
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	(void)snprintf(out, 17, "%016llx", h);
}

static int
tag_char_ok(unsigned char c)
{
	return (c >= 0x80 || isalnum(c) || c == '-' || c == '_' || c == '.' ||
	    c == '+' || c == '#');
}

char *
cm_tags_normalise(const char *in, const char **why)
{
	struct strbuf	 sb, key;
	const char	*p, *e;
	char		*tag;
	size_t		 i, n, count = 0;

	*why = NULL;
	sb_init(&sb);
	sb_init(&key);
	sb_putc(&sb, ' ');
	for (p = in ? in : ""; *p != '\0'; p = e) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		e = p + strcspn(p, " ,\t");
		n = (size_t)(e - p);
		if (n == 0)
			continue;
		tag = xstrndup(p, n);
		for (i = 0; i < n; i++) {
			if (!tag_char_ok((unsigned char)tag[i]))
				*why = "A tag may hold letters, digits and - _ . + # "
				    "only.";
			tag[i] = (char)tolower((unsigned char)tag[i]);
		}
		if (!utf8_valid(tag, n) || utf8_length(tag) > CM_TAG_MAX)
			*why = "A tag is at most 30 characters.";
		if (*why == NULL) {
			/* Same tag twice counts once. */
			sb_reset(&key);
			sb_printf(&key, " %s ", tag);
			if (strstr(sb.data, key.data) == NULL) {
				if (++count > CM_TAGS_MAX)
					*why = "At most 5 tags.";
				sb_puts(&sb, tag);
				sb_putc(&sb, ' ');
			}
		}
		free(tag);
		if (*why != NULL) {
			sb_free(&sb);
			sb_free(&key);
			return (NULL);
		}
	}
	sb_free(&key);
	if (sb.len == 1) {
		sb_free(&sb);
		return (xstrdup(""));
	}
	return (sb_detach(&sb));
}

