/* export.c: a solved thread as a draft article (SPEC section 2 front matter), for an editor to commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community.h"
#include "util/strbuf.h"

/* A YAML double-quoted scalar: backslash, quote and controls escaped. */
static void
yaml_quoted(struct strbuf *sb, const char *s)
{
	const unsigned char	*p;

	sb_putc(sb, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)*p);
		} else if (*p < 0x20)
			sb_putc(sb, ' ');
		else
			sb_putc(sb, (char)*p);
	}
	sb_putc(sb, '"');
}

/* The first line of the question, at most 120 bytes on a character boundary. */
static char *
summary_of(const char *plain)
{
	size_t	n;

	n = strcspn(plain, "\n");
	if (n > 120) {
		n = 120;
		while (n > 0 && ((unsigned char)plain[n] & 0xC0) == 0x80)
			n--;
	}
	return (xstrndup(plain, n));
}

char *
cm_export_draft(struct store *db, long long id, char **slug)
{
	struct cm_thread	 t;
	struct cm_answer	 a;
	struct strbuf		 sb;
	const char		*p, *e;
	char			*summary;
	int			 first;

	*slug = NULL;
	if (cm_thread_get(db, id, &t) != 1)
		return (NULL);
	if (t.accepted == 0 || strcmp(t.status, CM_PUBLISHED) != 0 ||
	    cm_answer_get(db, t.accepted, &a) != 1) {
		cm_thread_free(&t);
		return (NULL);
	}
	sb_init(&sb);
	sb_puts(&sb, "---\ntitle: ");
	yaml_quoted(&sb, t.title);
	summary = summary_of(t.body_plain);
	sb_puts(&sb, "\nsummary: ");
	yaml_quoted(&sb, summary);
	free(summary);
	sb_puts(&sb, "\ntags: [");
	first = 1;
	for (p = t.tags; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, " ");
		if (e == p)
			continue;
		if (!first)
			sb_puts(&sb, ", ");
		sb_putc(&sb, '"');
		sb_append(&sb, p, (size_t)(e - p));
		sb_putc(&sb, '"');
		first = 0;
	}
	sb_printf(&sb, "]\nlang: %s\ndraft: true\n", t.lang);
	sb_printf(&sb, "# From community thread /community/questions/%lld; "
	    "move into a category folder, edit, set draft: false.\n---\n\n",
	    t.id);
	sb_puts(&sb, t.body_md);
	sb_printf(&sb, "\n\n## %s\n\n", !strcmp(t.lang, "en") ? "Answer" :
	    "解答");
	sb_puts(&sb, a.body_md);
	sb_putc(&sb, '\n');
	*slug = xmalloc(48);
	(void)snprintf(*slug, 48, "community-%lld", t.id);
	cm_thread_free(&t);
	cm_answer_free(&a);
	return (sb_detach(&sb));
}
