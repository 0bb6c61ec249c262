/* template.h: Mustache-style page templates over jansson values; HTML-escaped by default. */
#ifndef HC_TEMPLATE_H
#define HC_TEMPLATE_H

#include <jansson.h>

#include "util/strbuf.h"

/*
 * Syntax: {{name}} and {{a.b}} insert a value HTML-escaped; {{{name}}}
 * inserts trusted HTML as is; {{#name}}..{{/name}} repeats for each element
 * of an array, or renders once when the value is true, a non-empty string,
 * a non-zero number or an object (which becomes the context);
 * {{^name}}..{{/name}} renders when it is missing, false, null, "" or [];
 * {{>other}} includes another template; {{! comment }}.
 */
struct template_set;

/*
 * Loads every *.html file of dir; a template's name is its file name
 * without .html. Returns NULL and writes a message (file, line, reason)
 * into err when a template does not parse.
 */
struct template_set	*template_set_load(const char *dir, char *err,
			    size_t errlen);
/* Parses one template from text (for tests and fuzzing). */
struct template_set	*template_set_from_string(const char *name,
			    const char *text, char *err, size_t errlen);
void			 template_set_free(struct template_set *);

/* Appends the rendering of template name with ctx to out; -1 if unknown. */
int	template_render(const struct template_set *, const char *name,
	    json_t *ctx, struct strbuf *out);

#endif
