/* framing.c: request head end and body framing checks (see framing.h). */
#include <string.h>
#include <strings.h>

#include "util/framing.h"

static const char *
find(const char *buf, size_t len, const char *needle, size_t nlen)
{
	size_t	i;

	for (i = 0; i + nlen <= len; i++)
		if (buf[i] == needle[0] && !memcmp(buf + i, needle, nlen))
			return (buf + i);
	return (NULL);
}

size_t
framing_head_len(const char *buf, size_t len)
{
	const char	*p;

	if ((p = find(buf, len, "\r\n\r\n", 4)) != NULL)
		return ((size_t)(p - buf) + 4);
	if ((p = find(buf, len, "\n\n", 2)) != NULL)
		return ((size_t)(p - buf) + 2);
	return (0);
}

static int
is_ws(char c)
{
	return (c == ' ' || c == '\t');
}

/* Parses 1*DIGIT; -1 when it is not that. Saturates at UINT64_MAX. */
static int
parse_length(const char *v, size_t len, uint64_t *out)
{
	uint64_t	n;
	size_t		i;

	if (len == 0)
		return (-1);
	n = 0;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (-1);
		if (n > (UINT64_MAX - 9) / 10)
			n = UINT64_MAX;
		else
			n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*out = n;
	return (0);
}

enum framing
framing_check(const char *head, size_t head_len, uint64_t *body_len)
{
	const char	*p, *end, *eol, *colon, *v, *ve;
	uint64_t	 cl, n;
	size_t		 mlen;
	int		 first, has_cl, has_te, body_method;

	*body_len = 0;
	p = head;
	end = head + head_len;
	first = 1;
	has_cl = has_te = 0;
	body_method = 0;
	cl = 0;
	while (p < end) {
		for (eol = p; eol < end && *eol != '\r' && *eol != '\n'; eol++)
			;
		if (eol == p) {
			p++;
			continue;
		}
		if (first) {
			/* The method: Kore expects a body for these three. */
			for (mlen = 0; p + mlen < eol && p[mlen] != ' '; mlen++)
				;
			body_method = (mlen == 4 && !strncasecmp(p, "post", 4)) ||
			    (mlen == 3 && !strncasecmp(p, "put", 3)) ||
			    (mlen == 5 && !strncasecmp(p, "patch", 5));
			first = 0;
			p = eol;
			continue;
		}
		if (is_ws(*p))
			return (FRAMING_FOLDED);
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL) {
			/* Kore refuses a line without a colon itself. */
			p = eol;
			continue;
		}
		for (v = p; v < colon; v++)
			if (is_ws(*v))
				return (FRAMING_BAD_FIELD_NAME);
		for (v = colon + 1; v < eol && is_ws(*v); v++)
			;
		for (ve = eol; ve > v && is_ws(ve[-1]); ve--)
			;
		if (colon - p == 14 && !strncasecmp(p, "content-length", 14)) {
			if (parse_length(v, (size_t)(ve - v), &n) == -1)
				return (FRAMING_CL_NOT_DIGITS);
			if (has_cl && n != cl)
				return (FRAMING_CL_DIFFERENT);
			has_cl = 1;
			cl = n;
		} else if (colon - p == 17 &&
		    !strncasecmp(p, "transfer-encoding", 17))
			has_te = 1;
		p = eol;
	}
	if (has_te && has_cl)
		return (FRAMING_CL_AND_TE);
	if (has_te)
		return (FRAMING_TE);
	if (!body_method && cl > 0)
		return (FRAMING_BODY_NOT_ALLOWED);
	if (body_method)
		*body_len = cl;
	return (FRAMING_OK);
}

int
framing_status(enum framing f)
{
	return (f == FRAMING_TE ? 411 : 400);
}

const char *
framing_message(enum framing f)
{
	switch (f) {
	case FRAMING_OK:
		return ("");
	case FRAMING_CL_AND_TE:
		return ("The request has both Content-Length and "
		    "Transfer-Encoding, so its length is ambiguous; send "
		    "Content-Length only.");
	case FRAMING_CL_DIFFERENT:
		return ("The request has several different Content-Length "
		    "values; send exactly one.");
	case FRAMING_CL_NOT_DIGITS:
		return ("Content-Length must be a plain decimal number of "
		    "bytes (digits only, no sign).");
	case FRAMING_TE:
		return ("Bodies sent with Transfer-Encoding (chunked) are not "
		    "accepted; send the body with a Content-Length.");
	case FRAMING_BODY_NOT_ALLOWED:
		return ("This method takes no body; send it without "
		    "Content-Length, or use POST.");
	case FRAMING_BAD_FIELD_NAME:
		return ("A header name contains whitespace (none is allowed "
		    "before the colon).");
	case FRAMING_FOLDED:
		return ("A header line starts with whitespace (folded "
		    "headers are not accepted); put each header on one "
		    "line.");
	}
	return ("The request's framing is not valid.");
}
