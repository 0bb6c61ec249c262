/* migrations.c: the community tables (append only: a deployed database has run every entry). */
#include <stddef.h>

#include "store/db.h"

const struct migration	community_migrations[] = {
	{ NULL, NULL }
};
