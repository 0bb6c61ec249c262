/* fuzz_template.c: libFuzzer target for the template filler (parse, then render over a JSON context). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/template.h"
#include "util/strbuf.h"

/* A context where every kind of value appears, v being the fuzzed string. */
static json_t *
context(json_t *v)
{
	return (json_pack("{s:O, s:O, s:[O, {s:O, s:b}, [], {}], s:{s:O, "
	    "s:{s:O}, s:b}, s:b, s:b, s:i, s:s, s:n, s:[]}",
	    "x", v, "y", v, "list", v, "x", v, "t", 1,
	    "obj", "x", v, "deep", "x", v, "t", 1,
	    "t", 1, "f", 0, "n", 0, "e", "", "null", "empty"));
}

/*
 * Input: template text, a NUL, then the value. The fuzzed template is
 * parsed and rendered; a fixed template must escape the value everywhere
 * it is inserted with {{ }}.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template_set	*set;
	struct strbuf		 out;
	const uint8_t		*nul;
	json_t			*v, *ctx;
	char			*tpl, *p, err[256];
	size_t			 tlen, i;

	nul = memchr(data, '\0', size);
	tlen = nul ? (size_t)(nul - data) : size;
	tpl = malloc(tlen + 1);
	memcpy(tpl, data, tlen);
	tpl[tlen] = '\0';
	/*
	 * Sections nested over a 4-element list repeat 4^depth times: that
	 * is what the template asks for (templates are ours, not input), so
	 * more than 6 sections are not worth rendering.
	 */
	for (i = 0, p = tpl; (p = strstr(p, "{{#")) != NULL; p += 3)
		if (++i > 6)
			goto skip;
	/* Values come from valid UTF-8 (jansson refuses the rest). */
	if (nul == NULL || (v = json_stringn((const char *)nul + 1,
	    size - tlen - 1)) == NULL)
		v = json_string("v");
	ctx = context(v);
	json_decref(v);
	if (ctx == NULL)
		abort();

	err[0] = '\0';
	if ((set = template_set_from_string("page", tpl, err,
	    sizeof(err))) != NULL) {
		sb_init(&out);
		if (template_render(set, "page", ctx, &out) != 0)
			abort();
		sb_free(&out);
		template_set_free(set);
	} else if (err[0] == '\0') {
		abort();	/* a refusal says why */
	}

	set = template_set_from_string("page", "{{x}}{{obj.x}}{{#list}}{{x}}"
	    "{{/list}}{{#obj}}{{deep.x}}{{>page2}}{{/obj}}", err, sizeof(err));
	if (set == NULL)
		abort();
	sb_init(&out);
	(void)template_render(set, "page", ctx, &out);
	for (i = 0; i < out.len; i++)
		if (strchr("<>\"'", out.data[i]) != NULL && out.data[i] != '\0')
			abort();
	sb_free(&out);
	template_set_free(set);
	json_decref(ctx);
skip:
	free(tpl);
	return (0);
}
