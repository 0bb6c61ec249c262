/* fuzz_markdown.c: libFuzzer target for user posts: the community's size caps, then Markdown in user-content mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "community/community.h"
#include "render/markdown.h"
#include "util/text.h"

/*
 * What a post goes through before it is stored (community_thread.c,
 * community_common.c): text_field_check with CM_BODY_MAX, the Markdown
 * bounds, then the render. Raw HTML is dropped, so no tag the writer typed
 * may come out: no <script, no on...= attribute, no javascript: link.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rendered	 r;
	char		*md;

	if ((md = malloc(size + 1)) == NULL)
		return (0);
	memcpy(md, data, size);
	md[size] = '\0';
	if (strlen(md) != size ||
	    text_field_check(md, CM_BODY_MAX, 1) != TEXT_OK ||
	    cm_markdown_bounded(md) != 0)
		goto done;
	memset(&r, 0, sizeof(r));
	if (markdown_render(md, size, MD_USER_CONTENT, &r) != 0)
		goto done;
	if (r.html == NULL || r.plain == NULL ||
	    strcasestr(r.html, "<script") != NULL ||
	    strcasestr(r.html, "<iframe") != NULL ||
	    strcasestr(r.html, "href=\"javascript:") != NULL ||
	    strcasestr(r.html, "src=\"javascript:") != NULL)
		abort();
	rendered_free(&r);
done:
	free(md);
	return (0);
}
