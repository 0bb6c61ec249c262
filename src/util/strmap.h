/* strmap.h: a string-keyed hash map of size_t values (open addressing). */
#ifndef HC_STRMAP_H
#define HC_STRMAP_H

#include <stddef.h>

/* Keys are copied; the map owns them. */
struct strmap {
	char	**keys;
	size_t	 *vals;
	size_t	  cap;
	size_t	  n;
};

void	strmap_init(struct strmap *);
void	strmap_free(struct strmap *);
void	strmap_put(struct strmap *, const char *, size_t);
/* 1 and *val when key is present, else 0. */
int	strmap_get(const struct strmap *, const char *, size_t *val);

#endif
