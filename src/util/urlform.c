/* urlform.c: urlencoded form bodies into names and values; the HTTP side is in src/http/forms.c. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text.h"
#include "urlform.h"

static void
form_add(struct form *f, char *name, char *value)
{
	/* Doubling: a 64 KiB body of "a&a&..." stays linear. */
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->names = xrealloc(f->names, f->cap * sizeof(char *));
		f->values = xrealloc(f->values, f->cap * sizeof(char *));
	}
	f->names[f->n] = name;
	f->values[f->n] = value;
	f->n++;
}

void
form_append(struct form *f, const char *name, const char *value)
{
	form_add(f, xstrdup(name), xstrdup(value));
}

int
form_parse(char *body, struct form *f)
{
	char	*pair, *next, *eq, *name, *value;
	size_t	 nlen, vlen;

	memset(f, 0, sizeof(*f));
	for (pair = body; pair != NULL && *pair != '\0'; pair = next) {
		if ((next = strchr(pair, '&')) != NULL)
			*next++ = '\0';
		if (*pair == '\0')
			continue;
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		name = xstrdup(pair);
		value = xstrdup(eq ? eq : "");
		form_add(f, name, value);
		if (url_decode(name, 1, &nlen) == -1 ||
		    url_decode(value, 1, &vlen) == -1 ||
		    strlen(name) != nlen || strlen(value) != vlen) {
			form_free(f);
			return (-1);
		}
	}
	return (0);
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->names[i], name))
			return (f->values[i]);
	return (NULL);
}

void
form_free(struct form *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		free(f->names[i]);
		free(f->values[i]);
	}
	free(f->names);
	free(f->values);
	memset(f, 0, sizeof(*f));
}
