/* hcctl.c: the operator's tool (SPEC section 6): check, and more as issues land. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "catalog/builder.h"
#include "catalog/catalog.h"
#include "search/fold.h"
#include "settings.h"

static int
usage(void)
{
	fprintf(stderr, "usage: hcctl check [ARTICLES]\n"
	    "       hcctl reindex [--full]\n"
	    "  check    validate an articles tree; exit 1 when anything is "
	    "wrong\n"
	    "  reindex  rebuild the catalog snapshot and bring the search "
	    "index\n"
	    "           up to date (--full: rewrite every document); a running "
	    "server\n"
	    "           picks both up within a second\n");
	return (2);
}

/* Validates the tree: front matter, slugs, links, translations. */
static int
cmd_check(const char *root)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;
	size_t			 i, nversions;
	int			 rc;

	cache = catalog_cache_new();
	cat = catalog_build(root, settings.default_lang, cache);
	for (i = 0; i < cat->nproblems; i++)
		printf("%s:%d: %s\n", cat->problems[i].file,
		    cat->problems[i].line, cat->problems[i].reason);
	for (i = 0; i < cat->ndrafts; i++)
		printf("%s: draft (not served)\n", cat->drafts[i]);
	for (nversions = 0, i = 0; i < cat->narts; i++)
		nversions += cat->arts[i].nversions;
	printf("%s: %zu articles (%zu language versions), %zu categories, "
	    "%zu drafts, %zu problems\n", root, cat->narts, nversions,
	    cat->ncats, cat->ndrafts, cat->nproblems);
	rc = cat->nproblems > 0 ? 1 : 0;
	catalog_free(cat);
	catalog_cache_free(cache);
	return (rc);
}

/* The builder's work, once, outside the server. */
static int
cmd_reindex(int full)
{
	struct builder	 b;
	struct catalog	*cat;
	char		 snapshot[1024], index[1024];

	(void)snprintf(snapshot, sizeof(snapshot), "%s/catalog.db",
	    settings.data);
	(void)snprintf(index, sizeof(index), "%s/index", settings.data);
	if (mkdir(settings.data, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "cannot create %s: %s\n", settings.data,
		    strerror(errno));
		return (1);
	}
	(void)fold_init();
	b.articles = settings.articles;
	b.snapshot = snapshot;
	b.index = index;
	b.default_lang = settings.default_lang;
	b.force_index = full;
	b.cache = catalog_cache_new();
	cat = builder_run(&b);
	catalog_cache_free(b.cache);
	if (cat == NULL)
		return (1);
	catalog_free(cat);
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return (usage());
	if (settings_load() != 0)
		return (2);
	if (!strcmp(argv[1], "check"))
		return (cmd_check(argc > 2 ? argv[2] : settings.articles));
	if (!strcmp(argv[1], "reindex"))
		return (cmd_reindex(argc > 2 && !strcmp(argv[2], "--full")));
	return (usage());
}
