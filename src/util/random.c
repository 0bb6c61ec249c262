/* random.c: random bytes from OpenSSL's generator, drawn 4 KB at a time so that a request's id makes no system call. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "random.h"

#define KEPT		4096
#define MAX_TAKE	256

static unsigned char	kept[KEPT];
static size_t		used = KEPT;	/* nothing kept yet */

int
random_bytes(void *out, size_t n)
{
	if (n > MAX_TAKE)
		return (RAND_bytes(out, (int)n) == 1 ? 0 : -1);
	if (KEPT - used < n) {
		if (RAND_bytes(kept, KEPT) != 1)
			return (-1);
		used = 0;
	}
	memcpy(out, kept + used, n);
	/* Handed out once: wiped, so no later bug can hand it out again. */
	OPENSSL_cleanse(kept + used, n);
	used += n;
	return (0);
}

void
random_forget(void)
{
	OPENSSL_cleanse(kept, sizeof(kept));
	used = KEPT;
}
