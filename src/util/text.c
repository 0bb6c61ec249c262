/* text.c: HTML escaping, URL decoding, UTF-8 validation, slugs and anchors. */
#include <ctype.h>
#include <string.h>

#include "text.h"

void
html_escape(struct strbuf *sb, const char *s, size_t len)
{
	size_t		i, start;
	const char	*rep;

	start = 0;
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		sb_append(sb, s + start, i - start);
		sb_puts(sb, rep);
		start = i + 1;
	}
	sb_append(sb, s + start, len - start);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
url_decode(char *s, int plus_is_space, size_t *outlen)
{
	char	*r, *w;
	int	 hi, lo;

	for (r = w = s; *r != '\0'; r++) {
		if (*r == '%') {
			if ((hi = hexval((unsigned char)r[1])) < 0 ||
			    (lo = hexval((unsigned char)r[2])) < 0)
				return (-1);
			if (hi == 0 && lo == 0)
				return (-1);
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else if (*r == '+' && plus_is_space) {
			*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	if (outlen != NULL)
		*outlen = (size_t)(w - s);
	return (utf8_valid(s, (size_t)(w - s)) ? 0 : -1);
}

void
url_encode(struct strbuf *sb, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' ||
		    *p == '~') {
			sb_putc(sb, (char)*p);
		} else {
			sb_putc(sb, '%');
			sb_putc(sb, hex[*p >> 4]);
			sb_putc(sb, hex[*p & 15]);
		}
	}
}

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, n, k;
	unsigned int		 cp;

	for (i = 0; i < len; i += n) {
		if (s[i] < 0x80) {
			n = 1;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4;
			cp = s[i] & 0x07;
		} else {
			return (0);
		}
		if (i + n > len)
			return (0);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
	}
	return (1);
}

int
slug_valid(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || !(islower((unsigned char)s[0]) ||
	    isdigit((unsigned char)s[0])))
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 100)
			return (0);
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return (0);
	}
	return (1);
}

int
lang_supported(const char *s)
{
	return (!strcmp(s, "zh-CN") || !strcmp(s, "zh-TW") || !strcmp(s, "en"));
}

char *
anchor_from_text(const char *text)
{
	struct strbuf		 sb;
	const unsigned char	*p;
	int			 dash;

	sb_init(&sb);
	dash = 0;
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p >= 0x80) {
			/* Keep non-ASCII letters (CJK) but drop CJK punctuation. */
			if ((p[0] == 0xe3 && p[1] == 0x80) ||	/* U+3000..303F */
			    (p[0] == 0xe2 && (p[1] == 0x80 ||	/* U+2000..206F */
			    p[1] == 0x81))) {
				dash = sb.len > 0;
				p += (p[2] != '\0') ? 2 : 1;
				continue;
			}
			if (p[0] == 0xef && (p[1] == 0xbc || p[1] == 0xbd) &&
			    p[2] != '\0' && !((p[1] == 0xbc && p[2] >= 0x90 &&
			    p[2] <= 0x99) || (p[1] == 0xbc && p[2] >= 0xa1) ||
			    (p[1] == 0xbd && p[2] >= 0x81 && p[2] <= 0x9a))) {
				/* Full-width punctuation. */
				dash = sb.len > 0;
				p += 2;
				continue;
			}
			if (dash)
				sb_putc(&sb, '-');
			dash = 0;
			sb_putc(&sb, (char)*p);
		} else if (isalnum(*p)) {
			if (dash)
				sb_putc(&sb, '-');
			dash = 0;
			sb_putc(&sb, (char)tolower(*p));
		} else if (*p == '-' || *p == '_' || isspace(*p)) {
			dash = sb.len > 0;
		}
	}
	if (sb.len == 0)
		sb_puts(&sb, "section");
	return (sb_detach(&sb));
}

size_t
utf8_length(const char *s)
{
	size_t	n;

	for (n = 0; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

enum text_problem
text_field_check(const char *s, size_t max_chars, int multiline)
{
	const unsigned char	*p;
	int			 blank;

	if (!utf8_valid(s, strlen(s)))
		return (TEXT_BAD_UTF8);
	blank = 1;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t') {
			if (!multiline)
				return (TEXT_CONTROL);
			continue;
		}
		/* C0 controls, DEL, and the C1 controls U+0080-U+009F. */
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 &&
		    p[1] <= 0x9f))
			return (TEXT_CONTROL);
		if (*p != ' ')
			blank = 0;
	}
	if (blank)
		return (TEXT_EMPTY);
	if (utf8_length(s) > max_chars)
		return (TEXT_TOO_LONG);
	return (TEXT_OK);
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[i * 2] = digits[in[i] >> 4];
		out[i * 2 + 1] = digits[in[i] & 15];
	}
	out[n * 2] = '\0';
}

unsigned long long
mem_hash(const void *data, size_t len)
{
	const unsigned char	*p = data;
	unsigned long long	 h;
	size_t			 i;

	/* FNV-1a, 64 bits. */
	for (h = 1469598103934665603ULL, i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return (h);
}

unsigned int
str_hash(const char *s)
{
	unsigned int	h;

	for (h = 2166136261u; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h);
}
