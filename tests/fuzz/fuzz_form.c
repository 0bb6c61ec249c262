/* fuzz_form.c: libFuzzer target for the urlencoded form parser (src/util/urlform.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/urlform.h"

/*
 * The body as form_read() hands it over: NUL-terminated (Kore's body may
 * hold a NUL; everything after it is not seen). Every parsed name and value
 * must be valid UTF-8 without a NUL inside.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f;
	char		*body;
	size_t		 i;

	if ((body = malloc(size + 1)) == NULL)
		return (0);
	memcpy(body, data, size);
	body[size] = '\0';
	if (form_parse(body, &f) == 0) {
		for (i = 0; i < f.n; i++) {
			if (!utf8_valid(f.names[i], strlen(f.names[i])) ||
			    !utf8_valid(f.values[i], strlen(f.values[i])))
				abort();
		}
		if (f.n > 0 && form_get(&f, f.names[0]) != f.values[0])
			abort();
	} else if (f.n != 0 || f.names != NULL) {
		abort();
	}
	form_free(&f);
	free(body);
	return (0);
}
