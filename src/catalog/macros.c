/* macros.c: the canned replies of articles/_macros/: scanned without following links, checked, and filled in one pass. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "frontmatter.h"
#include "macros.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/text.h"

/* The placeholders a macro may hold, and nothing else between braces. */
static const char *const	placeholders[] = { "{{name}}", "{{ref}}", NULL };

static size_t
placeholder_at(const char *p)
{
	size_t	i;

	for (i = 0; placeholders[i] != NULL; i++)
		if (!strncmp(p, placeholders[i], strlen(placeholders[i])))
			return (strlen(placeholders[i]));
	return (0);
}

int
macro_check(const char *body, char *why, size_t whylen)
{
	const char	*p, *end;
	size_t		 n;

	for (p = body; (p = strstr(p, "{{")) != NULL; p += n) {
		if ((n = placeholder_at(p)) > 0)
			continue;
		end = strstr(p, "}}");
		(void)snprintf(why, whylen, "unknown placeholder %.*s: a macro "
		    "may use {{name}} (the customer's name) and {{ref}} (the "
		    "ticket's reference)", end != NULL && end - p < 40 ?
		    (int)(end - p + 2) : 12, p);
		return (-1);
	}
	return (0);
}

char *
macro_fill(const char *body, const char *name, const char *ref)
{
	struct strbuf	 sb;
	const char	*p;
	size_t		 n;

	sb_init(&sb);
	for (p = body; *p != '\0'; ) {
		if (p[0] == '{' && p[1] == '{' && (n = placeholder_at(p)) > 0) {
			sb_puts(&sb, p[2] == 'n' ? (name ? name : "") :
			    (ref ? ref : ""));
			p += n;
		} else
			sb_putc(&sb, *p++);
	}
	return (sb_detach(&sb));
}

/* One file into arr, or a problem; rel is its path for messages. */
static void
macro_file(struct catalog *cat, int dirfd, const char *name, const char *rel,
    json_t *arr)
{
	struct front_matter	 fm;
	struct fm_error		 err;
	const char		*body;
	char			*text, *stem, why[256];
	size_t			 len;

	if ((text = file_read_at(dirfd, name, MACRO_MAX_BYTES, &len)) == NULL) {
		catalog_problem(cat, rel, 0, errno == EFBIG ? "a macro is at "
		    "most 64 KiB" : "cannot be read");
		return;
	}
	stem = xstrdup(name);
	stem[strlen(stem) - 3] = '\0';
	memset(&fm, 0, sizeof(fm));
	if (!slug_valid(stem))
		catalog_problem(cat, rel, 0, "a macro's file name must be a "
		    "slug: lower-case letters, digits, '-' and '_', then .md");
	else if (frontmatter_parse(text, len, 1, &fm, &body, &err) != 0)
		catalog_problem(cat, rel, err.line, err.reason);
	else if (fm.lang != NULL && !lang_supported(fm.lang))
		catalog_problem(cat, rel, 0, "lang must be zh-CN, zh-TW or en");
	else if (body[strspn(body, " \t\r\n")] == '\0')
		catalog_problem(cat, rel, 0, "a macro needs a body: the reply "
		    "text after the front matter");
	else if (macro_check(body, why, sizeof(why)) != 0)
		catalog_problem(cat, rel, 0, why);
	else
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s}",
		    "name", stem, "title", fm.title, "lang", fm.lang, "body",
		    body + strspn(body, "\r\n")));
	frontmatter_free(&fm);
	free(stem);
	free(text);
}

void
macros_scan(struct catalog *cat, int dirfd, const char *rel)
{
	struct strbuf	 path;
	struct stat	 st;
	json_t		*arr;
	char		**names;
	ssize_t		 n, i;

	if ((n = folder_names(dirfd, &names)) == -1) {
		catalog_problem(cat, rel, 0, "the macros folder cannot be read");
		return;
	}
	arr = json_array();
	sb_init(&path);
	for (i = 0; i < n; i++) {
		sb_reset(&path);
		sb_printf(&path, "%s/%s", rel, names[i]);
		/* The tree is not trusted: a link is never followed. */
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
			catalog_problem(cat, path.data, 0, "cannot be read");
		else if (S_ISLNK(st.st_mode))
			catalog_problem(cat, path.data, 0, "a symbolic link: "
			    "links are never followed in the articles tree "
			    "(commit the file itself)");
		else if (!S_ISREG(st.st_mode) || strlen(names[i]) < 4 ||
		    strcmp(names[i] + strlen(names[i]) - 3, ".md"))
			catalog_problem(cat, path.data, 0, "the macros folder "
			    "holds only .md files");
		else
			macro_file(cat, dirfd, names[i], path.data, arr);
		free(names[i]);
	}
	free(names);
	sb_free(&path);
	free(cat->macros);
	cat->macros = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
}
