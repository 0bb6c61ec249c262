/* gittimes.c: runs "git log --name-only" once per build instead of once per file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gittimes.h"
#include "util/strbuf.h"
#include "util/strmap.h"

struct git_times {
	struct strmap	map;	/* path relative to the tree -> unix seconds */
	char		head[128];	/* the commit they were read at */
};

static int
quote_ok(const char *s)
{
	/* The path goes into a shell command: refuse quotes and escapes. */
	return (strpbrk(s, "'\\\n") == NULL);
}

/* A pipe from "git args" run in root (args hold no shell syntax), or NULL. */
static FILE *
git_output(const char *root, const char *args)
{
	struct strbuf	 cmd;
	FILE		*fp;

	if (!quote_ok(root) || access("/usr/bin/git", X_OK) != 0)
		return (NULL);
	sb_init(&cmd);
	sb_printf(&cmd, "git -c safe.directory='*' -C '%s' %s 2>/dev/null",
	    root, args);
	fp = popen(cmd.data, "r");
	sb_free(&cmd);
	return (fp);
}

struct git_times *
git_times_load(const char *root)
{
	struct git_times	*g;
	FILE			*fp;
	char			 line[4096];
	long long		 t;
	size_t			 n, dummy;

	/* --relative: paths relative to root; newest commit first. */
	if ((fp = git_output(root, "log --format=@%ct --name-only "
	    "--relative --no-renames -- .")) == NULL)
		return (NULL);
	g = xcalloc(1, sizeof(*g));
	strmap_init(&g->map);
	t = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strcspn(line, "\n");
		line[n] = '\0';
		if (line[0] == '@')
			t = strtoll(line + 1, NULL, 10);
		else if (line[0] != '\0' && !strmap_get(&g->map, line, &dummy))
			strmap_put(&g->map, line, (size_t)t);
	}
	if (pclose(fp) != 0 && g->map.n == 0) {
		git_times_free(g);
		return (NULL);
	}
	return (g);
}

/* The HEAD commit of the tree at root into out; -1 when there is none. */
static int
read_head(const char *root, char *out, size_t size)
{
	FILE	*fp;
	int	 ok;

	if ((fp = git_output(root, "rev-parse HEAD")) == NULL)
		return (-1);
	ok = fgets(out, (int)size, fp) != NULL;
	if (pclose(fp) != 0 || !ok)
		return (-1);
	out[strcspn(out, "\n")] = '\0';
	return (0);
}

struct git_times *
git_times_reload(struct git_times *prev, const char *root)
{
	struct git_times	*g;
	char			 head[128];

	if (read_head(root, head, sizeof(head)) != 0) {
		git_times_free(prev);
		return (NULL);
	}
	if (prev != NULL && !strcmp(prev->head, head))
		return (prev);
	git_times_free(prev);
	/* A commit between rev-parse and log: the next build reads again. */
	if ((g = git_times_load(root)) != NULL)
		(void)snprintf(g->head, sizeof(g->head), "%s", head);
	return (g);
}

long long
git_times_lookup(const struct git_times *g, const char *rel)
{
	size_t	t;

	if (g == NULL || !strmap_get(&g->map, rel, &t))
		return (0);
	return ((long long)t);
}

void
git_times_free(struct git_times *g)
{
	if (g == NULL)
		return;
	strmap_free(&g->map);
	free(g);
}
