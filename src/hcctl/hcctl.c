/* hcctl.c: the operator's tool (SPEC section 6): check, and more as issues land. */
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "settings.h"

static int
usage(void)
{
	fprintf(stderr, "usage: hcctl check [ARTICLES]\n"
	    "  check    validate an articles tree; exit 1 when anything is "
	    "wrong\n");
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

int
main(int argc, char **argv)
{
	if (argc < 2)
		return (usage());
	if (settings_load() != 0)
		return (2);
	if (!strcmp(argv[1], "check"))
		return (cmd_check(argc > 2 ? argv[2] : settings.articles));
	return (usage());
}
