/* gzip.h: gzip bodies for HTTP answers (zlib), secrets kept out of the compressor's dictionary, and Accept-Encoding. */
#ifndef HC_GZIP_H
#define HC_GZIP_H

#include <stddef.h>

#include "util/strbuf.h"

/*
 * Whether an Accept-Encoding header value allows gzip: "gzip" (or
 * "x-gzip", or "*" when gzip is not named) with a q-value above 0.
 * NULL (no header) returns 0: a client that says nothing gets identity.
 */
int	gzip_accepted(const char *accept_encoding);

/*
 * Appends data[0..len) to out as one gzip member (RFC 1952), compressed at
 * level (1-9). The nsecrets ranges [secret_at[i], secret_at[i] +
 * secret_len), sorted and not overlapping, go out as stored (uncompressed)
 * blocks and the compressor starts afresh after each: no other text is
 * matched against a secret, so the answer's length does not depend on how
 * much of the secret a reflected input guessed (BREACH). Returns 0, or -1
 * when zlib failed (out is then as it was).
 */
int	gzip_encode(const void *data, size_t len, const size_t *secret_at,
	    size_t nsecrets, size_t secret_len, int level, struct strbuf *out);

#endif
