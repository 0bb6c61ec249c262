/* multipart.c: multipart/form-data split into parts as the body streams in, with bounded memory (see multipart.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"
#include "strbuf.h"

enum {
	S_PREAMBLE = 0,	/* before the first delimiter */
	S_AFTER,	/* just after a delimiter: "--" or CRLF follows */
	S_HEADERS,	/* a part's header block */
	S_DATA,		/* a part's bytes */
	S_END,		/* after the closing delimiter */
	S_FAILED
};

/* RFC 2046 bchars: what a boundary may hold (a space, but not last). */
static int
bchar(int c)
{
	return (isalnum(c) || strchr("'()+_,-./:=? ", c) != NULL);
}

int
mp_boundary(const char *ct, char out[MP_BOUNDARY_MAX + 1])
{
	const char	*p, *v;
	size_t		 n;
	int		 quoted;

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) ||
	    (ct[19] != ';' && ct[19] != ' ' && ct[19] != '\0'))
		return (-1);
	for (p = ct + 19; (p = strchr(p, ';')) != NULL; ) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "boundary=", 9))
			continue;
		v = p + 9;
		if ((quoted = *v == '"'))
			v++;
		for (n = 0; v[n] != '\0' && (quoted ? v[n] != '"' :
		    v[n] != ';' && v[n] != ' '); n++)
			if (n >= MP_BOUNDARY_MAX || !bchar((unsigned char)v[n]))
				return (-1);
		if (n == 0 || (quoted && v[n] != '"') || v[n - 1] == ' ')
			return (-1);
		memcpy(out, v, n);
		out[n] = '\0';
		return (0);
	}
	return (-1);
}

void
mp_init(struct multipart *m, const char *boundary,
    const struct mp_callbacks *cb, void *arg)
{
	memset(m, 0, sizeof(*m));
	m->dlen = (size_t)snprintf(m->delim, sizeof(m->delim), "\r\n--%s",
	    boundary);
	m->cb = cb;
	m->arg = arg;
	m->state = S_PREAMBLE;
	/* The body starts with the delimiter, not CRLF: pretend it came. */
	m->cap = 4096;
	m->buf = xmalloc(m->cap);
	memcpy(m->buf, "\r\n", 2);
	m->len = 2;
}

void
mp_free(struct multipart *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = m->cap = 0;
}

static void
consume(struct multipart *m, size_t n)
{
	memmove(m->buf, m->buf + n, m->len - n);
	m->len -= n;
}

/*
 * One parameter value of a header (token or quoted string) at *pp, copied
 * into out (cut at outlen - 1 bytes); *pp moves past it.
 */
static void
param_value(const char **pp, char *out, size_t outlen)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++) {
			/* A backslash quotes the next character (RFC 9110). */
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (n + 1 < outlen)
				out[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p != '\0' && *p != ';' && *p != ' ' && *p != '\t'; p++)
			if (n + 1 < outlen)
				out[n++] = *p;
	}
	out[n] = '\0';
	*pp = p;
}

/* Content-Disposition: form-data; name="..."; filename="..." into part. */
static int
disposition(const char *v, struct mp_part *part)
{
	char	key[32], skip[8];
	size_t	n;

	v += strspn(v, " \t");
	if (strncasecmp(v, "form-data", 9))
		return (-1);
	v += 9;
	while (*v != '\0') {
		v += strspn(v, " \t;");
		for (n = 0; *v != '\0' && *v != '=' && *v != ';' &&
		    *v != ' '; v++)
			if (n + 1 < sizeof(key))
				key[n++] = (char)tolower((unsigned char)*v);
		key[n] = '\0';
		v += strspn(v, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t");
		if (!strcmp(key, "name")) {
			/* Longer than any field of ours: refused, not cut. */
			param_value(&v, part->name, MP_NAME_MAX + 2);
			if (strlen(part->name) > MP_NAME_MAX)
				return (-1);
		} else if (!strcmp(key, "filename")) {
			param_value(&v, part->filename, sizeof(part->filename));
			part->has_filename = 1;
		} else {
			/* filename* and others: read past, not used. */
			param_value(&v, skip, sizeof(skip));
		}
	}
	return (0);
}

/* The header block (CRLF-separated lines, no final blank line). */
static int
parse_headers(struct multipart *m, char *block)
{
	char	*line, *next, *colon;

	memset(&m->part, 0, sizeof(m->part));
	for (line = block; line != NULL && *line != '\0'; line = next) {
		if ((next = strstr(line, "\r\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if ((colon = strchr(line, ':')) == NULL)
			return (-1);
		*colon = '\0';
		if (!strcasecmp(line, "content-disposition") &&
		    disposition(colon + 1, &m->part) != 0)
			return (-1);
	}
	return (0);
}

static enum mp_status
fail(struct multipart *m, enum mp_status st)
{
	m->state = S_FAILED;
	return (st);
}

/* Runs the state machine over what the buffer holds. */
static enum mp_status
run(struct multipart *m)
{
	unsigned char	*hit;
	size_t		 keep, n;

	for (;;) {
		switch (m->state) {
		case S_PREAMBLE:
		case S_DATA:
			hit = memmem(m->buf, m->len, m->delim, m->dlen);
			n = hit ? (size_t)(hit - m->buf) : (m->len >= m->dlen ?
			    m->len - (m->dlen - 1) : 0);
			if (m->state == S_DATA && n > 0 &&
			    m->cb->data(m->arg, m->buf, n) != 0)
				return (fail(m, MP_STOPPED));
			if (hit == NULL) {
				/* Keep what may be the start of a delimiter. */
				consume(m, n);
				return (MP_MORE);
			}
			consume(m, n + m->dlen);
			if (m->state == S_DATA) {
				m->in_part = 0;
				if (m->cb->end(m->arg) != 0)
					return (fail(m, MP_STOPPED));
			}
			m->state = S_AFTER;
			break;
		case S_AFTER:
			/* Transport padding (RFC 2046) may precede the CRLF. */
			for (keep = 0; keep < m->len && (m->buf[keep] == ' ' ||
			    m->buf[keep] == '\t'); keep++)
				;
			consume(m, keep);
			if (m->len < 2)
				return (MP_MORE);
			if (!memcmp(m->buf, "--", 2)) {
				m->state = S_END;
				m->len = 0;
				return (MP_DONE);
			}
			if (memcmp(m->buf, "\r\n", 2))
				return (fail(m, MP_BAD));
			consume(m, 2);
			m->state = S_HEADERS;
			break;
		case S_HEADERS:
			if (m->len >= 2 && !memcmp(m->buf, "\r\n", 2)) {
				/* No header at all: a part without a name. */
				memset(&m->part, 0, sizeof(m->part));
				consume(m, 2);
			} else {
				hit = memmem(m->buf, m->len, "\r\n\r\n", 4);
				if (hit == NULL)
					return (m->len > MP_HEADERS_MAX ?
					    fail(m, MP_BAD) : MP_MORE);
				n = (size_t)(hit - m->buf);
				if (n > MP_HEADERS_MAX ||
				    memchr(m->buf, '\0', n) != NULL)
					return (fail(m, MP_BAD));
				*hit = '\0';
				if (parse_headers(m, (char *)m->buf) != 0)
					return (fail(m, MP_BAD));
				consume(m, n + 4);
			}
			/* A delimiter right away is an empty part: the search finds it. */
			m->in_part = 1;
			if (m->cb->begin(m->arg, &m->part) != 0)
				return (fail(m, MP_STOPPED));
			m->state = S_DATA;
			break;
		case S_END:
			m->len = 0;
			return (MP_DONE);
		default:
			return (MP_BAD);
		}
	}
}

enum mp_status
mp_feed(struct multipart *m, const void *data, size_t len)
{
	if (m->state == S_FAILED)
		return (MP_BAD);
	if (m->state == S_END)
		return (MP_DONE);
	if (m->len + len > m->cap) {
		while (m->len + len > m->cap)
			m->cap *= 2;
		m->buf = xrealloc(m->buf, m->cap);
	}
	memcpy(m->buf + m->len, data, len);
	m->len += len;
	return (run(m));
}

enum mp_status
mp_finish(struct multipart *m)
{
	return (m->state == S_END ? MP_DONE : MP_BAD);
}
