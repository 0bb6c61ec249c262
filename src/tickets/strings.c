/* strings.c: the tickets pages' interface strings in zh-CN and en. */
#include <stddef.h>

#include "render/i18n.h"

const struct ui_string	ticket_strings[] = {
	{ NULL, NULL, NULL }
};
