/* strings.c: the deflection pages' interface strings in zh-CN and en. */
#include <stddef.h>

#include "render/i18n.h"

const struct ui_string	deflection_strings[] = {
	{ NULL, NULL, NULL }
};
