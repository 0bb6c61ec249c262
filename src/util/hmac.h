/* hmac.h: the one keyed hash: HMAC-SHA256 of a purpose label and a message, for tokens, stamps and client keys. */
#ifndef HC_HMAC_H
#define HC_HMAC_H

#include <stddef.h>

#define HMAC_KEY_LEN	32
#define HMAC_LEN	32

/*
 * HMAC-SHA256, keyed with key, of purpose followed by the len bytes of msg.
 * The purpose ("ticket:", "csrf:", "ticket-form:") keeps a value made for
 * one use from being accepted for another.
 */
void	hmac_sha256(const unsigned char key[HMAC_KEY_LEN], const char *purpose,
	    const void *msg, size_t len, unsigned char out[HMAC_LEN]);

/* The first nbytes (at most HMAC_LEN) of hmac_sha256 in lower-case hex. */
void	hmac_hex(const unsigned char key[HMAC_KEY_LEN], const char *purpose,
	    const void *msg, size_t len, size_t nbytes, char *out);

/* 1 when a and b (n bytes each) are equal, in time that does not tell where they differ. */
int	hmac_equal(const void *a, const void *b, size_t n);

#endif
