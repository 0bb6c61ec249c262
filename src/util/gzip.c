/* gzip.c: gzip members from raw deflate segments and stored blocks; Accept-Encoding q-values. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "util/gzip.h"

/* The q-value after a coding's name ("; q=0.5"); 1 when absent. */
static double
qvalue(const char *p, const char *end)
{
	const char	*q;

	while ((q = memchr(p, ';', end - p)) != NULL) {
		p = q + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=')
			return (strtod(p + 2, NULL));
	}
	return (1.0);
}

int
gzip_accepted(const char *hdr)
{
	const char	*p, *end, *name;
	size_t		 n;
	double		 gzip_q, star_q;

	if (hdr == NULL)
		return (0);
	gzip_q = star_q = -1;
	for (p = hdr; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		name = p;
		n = strcspn(p, ";, \t");
		if (n > (size_t)(end - p))
			n = end - p;
		if ((n == 4 && !strncasecmp(name, "gzip", 4)) ||
		    (n == 6 && !strncasecmp(name, "x-gzip", 6)))
			gzip_q = qvalue(name + n, end);
		else if (n == 1 && *name == '*')
			star_q = qvalue(name + n, end);
	}
	/* A named gzip wins over "*" (RFC 9110 12.5.3). */
	if (gzip_q >= 0)
		return (gzip_q > 0);
	return (star_q > 0);
}

/*
 * Raw deflate of one segment with a fresh compressor, ended by a sync
 * flush: byte-aligned, not final, referring to nothing before it.
 */
static int
deflate_segment(const unsigned char *data, size_t len, int level,
    struct strbuf *out)
{
	z_stream	z;
	unsigned char	buf[16384];
	int		rc;

	if (len == 0)
		return (0);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return (-1);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = deflate(&z, Z_SYNC_FLUSH);
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			(void)deflateEnd(&z);
			return (-1);
		}
		sb_append(out, buf, sizeof(buf) - z.avail_out);
	} while (z.avail_out == 0 || z.avail_in > 0);
	(void)deflateEnd(&z);
	return (0);
}

/* Stored blocks (RFC 1951 3.2.4), at most 65535 bytes each, not final. */
static void
stored(const unsigned char *data, size_t len, struct strbuf *out)
{
	unsigned char	hdr[5];
	size_t		n;

	while (len > 0) {
		n = len > 65535 ? 65535 : len;
		hdr[0] = 0x00;	/* BFINAL 0, BTYPE 00, padding to the byte */
		hdr[1] = n & 0xff;
		hdr[2] = n >> 8;
		hdr[3] = ~n & 0xff;
		hdr[4] = (~n >> 8) & 0xff;
		sb_append(out, hdr, sizeof(hdr));
		sb_append(out, data, n);
		data += n;
		len -= n;
	}
}

static void
put_le32(unsigned long v, struct strbuf *out)
{
	unsigned char	b[4];

	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
	b[2] = (v >> 16) & 0xff;
	b[3] = (v >> 24) & 0xff;
	sb_append(out, b, sizeof(b));
}

int
gzip_encode(const void *data, size_t len, const size_t *secret_at,
    size_t nsecrets, size_t secret_len, int level, struct strbuf *out)
{
	/* Magic, deflate, no flags, no time, no extra flags, OS unknown. */
	static const unsigned char	 header[10] = { 0x1f, 0x8b, 8, 0, 0, 0,
					    0, 0, 0, 255 };
	/* An empty final stored block ends the deflate stream. */
	static const unsigned char	 last[5] = { 0x01, 0, 0, 0xff, 0xff };
	const unsigned char		*p = data;
	size_t				 start, from, i;

	start = out->len;
	sb_append(out, header, sizeof(header));
	from = 0;
	for (i = 0; i <= nsecrets; i++) {
		size_t to = i < nsecrets ? secret_at[i] : len;

		if (to < from || to > len || (i < nsecrets &&
		    to + secret_len > len))
			goto fail;
		if (deflate_segment(p + from, to - from, level, out) != 0)
			goto fail;
		if (i < nsecrets) {
			stored(p + to, secret_len, out);
			from = to + secret_len;
		}
	}
	sb_append(out, last, sizeof(last));
	put_le32(crc32(crc32(0, Z_NULL, 0), p, len), out);
	put_le32(len & 0xffffffffUL, out);
	return (0);
fail:
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return (-1);
}
