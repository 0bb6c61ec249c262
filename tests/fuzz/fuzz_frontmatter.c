/* fuzz_frontmatter.c: libFuzzer target for the YAML front matter parser of articles. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/frontmatter.h"

/*
 * The first byte picks require_title; the rest is the file. On success the
 * body must point into the text, on failure the struct must be empty.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct front_matter	 fm;
	struct fm_error		 err;
	const char		*body = NULL;
	char			*text;
	int			 require_title;

	if (size < 1)
		return (0);
	require_title = data[0] & 1;
	/* An exact-size copy: ASan sees any read past the end. */
	if ((text = malloc(size - 1 ? size - 1 : 1)) == NULL)
		return (0);
	memcpy(text, data + 1, size - 1);
	memset(&fm, 0, sizeof(fm));
	if (frontmatter_parse(text, size - 1, require_title, &fm, &body,
	    &err) == 0) {
		if (body < text || body > text + (size - 1))
			abort();
		if (require_title && fm.title == NULL)
			abort();
	} else {
		if (fm.title != NULL || fm.ntags != 0 || err.line < 0 ||
		    memchr(err.reason, '\0', sizeof(err.reason)) == NULL)
			abort();
	}
	frontmatter_free(&fm);
	free(text);
	return (0);
}
