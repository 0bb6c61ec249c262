/* hmac.c: HMAC-SHA256 through OpenSSL, with a purpose label; hex and constant-time comparison. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>
#include <string.h>

#include "hmac.h"
#include "text.h"

void
hmac_sha256(const unsigned char key[HMAC_KEY_LEN], const char *purpose,
    const void *msg, size_t len, unsigned char out[HMAC_LEN])
{
	unsigned char	 stack[512], *buf;
	unsigned int	 outlen = 0;
	size_t		 plen;

	/* The one-shot HMAC() takes one buffer: purpose and msg joined. */
	plen = strlen(purpose);
	memset(out, 0, HMAC_LEN);
	if (plen + len <= sizeof(stack))
		buf = stack;
	else if ((buf = malloc(plen + len)) == NULL)
		return;		/* a zero MAC then matches nothing */
	memcpy(buf, purpose, plen);
	if (len > 0)
		memcpy(buf + plen, msg, len);
	(void)HMAC(EVP_sha256(), key, HMAC_KEY_LEN, buf, plen + len, out,
	    &outlen);
	if (buf != stack)
		free(buf);
}

void
hmac_hex(const unsigned char key[HMAC_KEY_LEN], const char *purpose,
    const void *msg, size_t len, size_t nbytes, char *out)
{
	unsigned char	mac[HMAC_LEN];

	hmac_sha256(key, purpose, msg, len, mac);
	hex_encode(mac, nbytes < HMAC_LEN ? nbytes : HMAC_LEN, out);
}

int
hmac_equal(const void *a, const void *b, size_t n)
{
	return (CRYPTO_memcmp(a, b, n) == 0);
}
