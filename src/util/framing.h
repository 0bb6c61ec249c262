/* framing.h: where an HTTP/1.1 request head ends and whether its body framing is unambiguous (RFC 9112 section 6.3); Kore-free. */
#ifndef HC_FRAMING_H
#define HC_FRAMING_H

#include <stddef.h>
#include <stdint.h>

enum framing {
	FRAMING_OK = 0,
	FRAMING_CL_AND_TE,	/* Content-Length and Transfer-Encoding */
	FRAMING_CL_DIFFERENT,	/* several Content-Length values differ */
	FRAMING_CL_NOT_DIGITS,	/* a Content-Length that is not 1*DIGIT */
	FRAMING_TE,		/* Transfer-Encoding (chunked) alone */
	FRAMING_BODY_NOT_ALLOWED, /* a body on GET, HEAD, DELETE, OPTIONS */
	FRAMING_BAD_FIELD_NAME,	/* whitespace in or before a field name */
	FRAMING_FOLDED		/* an obsolete folded header line */
};

/*
 * The length of the request head in buf (request line, fields and the
 * blank line), found as Kore 4.1 finds it: the first "\r\n\r\n", else
 * the first "\n\n". 0 when the head is not complete.
 */
size_t		framing_head_len(const char *buf, size_t len);

/*
 * Checks the head (head_len bytes from framing_head_len). Lines are split
 * at any CR or LF, as Kore splits them. On FRAMING_OK, *body_len is the
 * Content-Length of a POST, PUT or PATCH (0 when absent; UINT64_MAX when
 * it does not fit, which Kore then refuses), 0 for other methods.
 */
enum framing	framing_check(const char *head, size_t head_len,
		    uint64_t *body_len);

/* The status to answer a verdict with (400 or 411) and a message for a person. */
int		framing_status(enum framing);
const char	*framing_message(enum framing);

#endif
