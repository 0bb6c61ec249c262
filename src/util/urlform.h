/* urlform.h: application/x-www-form-urlencoded bodies parsed into names and values (no Kore, so it can be fuzzed). */
#ifndef HC_URLFORM_H
#define HC_URLFORM_H

#include <stddef.h>

/* A parsed form: names and values, percent-decoded, valid UTF-8. */
struct form {
	size_t	  n;
	size_t	  cap;
	char	**names;
	char	**values;
};

/*
 * Parses body (NUL-terminated, modified in place) into f: pairs split at
 * '&', name and value at the first '=', '+' is a space, %xx decoded.
 * Returns 0 with f filled (form_free it), or -1 with f empty on a
 * malformed escape, an encoded NUL or invalid UTF-8.
 */
int		 form_parse(char *body, struct form *f);

/* Adds a copy of name and value (a multipart form's fields). */
void		 form_append(struct form *, const char *name, const char *value);

/* The value of the first field called name, or NULL. */
const char	*form_get(const struct form *, const char *name);

void		 form_free(struct form *);

#endif
