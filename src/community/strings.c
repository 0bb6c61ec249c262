/* strings.c: the community pages' interface strings in zh-CN and en. */
#include <stddef.h>

#include "render/i18n.h"

const struct ui_string	community_strings[] = {
	{ NULL, NULL, NULL }
};
