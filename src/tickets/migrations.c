/* migrations.c: the tickets tables (append only: a deployed database has run every entry). */
#include <stddef.h>

#include "store/db.h"

const struct migration	ticket_migrations[] = {
	{ NULL, NULL }
};
