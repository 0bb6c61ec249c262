/* cmd_threads.c: the community's part of hcctl reindex, and hcctl threads export ID (a solved thread as a draft article). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community/community.h"
#include "hcctl.h"
#include "settings.h"

int
cmd_reindex_threads(const char *index, int full)
{
	struct store	*db;
	int	 n;

	if ((db = hcctl_db()) == NULL)
		return (1);
	n = cm_index_reconcile(db, index, full);
	if (n < 0)
		fprintf(stderr, "index: threads could not be brought up to "
		    "date (is the index locked by a running server?)\n");
	else
		fprintf(stderr, "index: %d thread documents added, changed or "
		    "deleted\n", n);
	db_close(db);
	return (n < 0 ? 1 : 0);
}

int
cmd_threads(int argc, char **argv)
{
	struct store		*db;
	char		*md, *slug, *end;
	long long	 id;

	if (argc != 3 || strcmp(argv[1], "export") != 0) {
		fprintf(stderr, "usage: hcctl threads export ID\n");
		return (2);
	}
	id = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || id <= 0) {
		fprintf(stderr, "hcctl: %s is not a thread id\n", argv[2]);
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	md = cm_export_draft(db, id, &slug);
	db_close(db);
	if (md == NULL) {
		fprintf(stderr, "hcctl: thread %lld is not a published thread "
		    "with an accepted answer\n", id);
		return (1);
	}
	fputs(md, stdout);
	free(md);
	free(slug);
	return (0);
}
