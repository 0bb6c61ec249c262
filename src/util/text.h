/* text.h: small pure text helpers: HTML/XML escaping, URL coding, UTF-8, slugs. */
#ifndef HC_TEXT_H
#define HC_TEXT_H

#include <stddef.h>

#include "strbuf.h"

/* Appends s escaped for HTML text and attribute values (& < > " '). */
void	html_escape(struct strbuf *, const char *, size_t);

/*
 * Decodes %xx and (when plus_is_space) '+' in place. Returns 0 and the new
 * length in *outlen, or -1 on a malformed escape, an encoded NUL or
 * invalid UTF-8 in the result.
 */
int	url_decode(char *, int plus_is_space, size_t *outlen);

/* Appends s percent-encoded for use in a query string value. */
void	url_encode(struct strbuf *, const char *);

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int	utf8_valid(const char *, size_t);

/* 1 when s is a valid article or category slug: [a-z0-9][a-z0-9_-]*, <= 100. */
int	slug_valid(const char *);

/* 1 when s is a supported language tag: zh-CN, zh-TW or en. */
int	lang_supported(const char *);

/*
 * Heading anchor for text: lower-cased ASCII letters and digits, CJK and
 * other non-ASCII letters kept, runs of anything else become one '-'.
 * Returns a malloc'd string, never empty ("section" when nothing is left).
 */
char	*anchor_from_text(const char *);

/* Why a user-written text field was refused (text_field_check). */
enum text_problem {
	TEXT_OK = 0,
	TEXT_EMPTY,		/* nothing but white space */
	TEXT_TOO_LONG,		/* more than max_chars characters */
	TEXT_BAD_UTF8,
	TEXT_CONTROL,		/* a control character (or a line break where
				   multiline is 0: header injection) */
};

/*
 * Checks a user-written field: well-formed UTF-8, not blank, at most
 * max_chars characters (code points), no control characters except, when
 * multiline is set, CR, LF and tab.
 */
enum text_problem	text_field_check(const char *, size_t max_chars,
			    int multiline);

/* Number of code points in well-formed UTF-8 s. */
size_t	utf8_length(const char *);

/* Writes n bytes as 2n lowercase hex digits and a NUL to out. */
void	hex_encode(const unsigned char *, size_t n, char *out);

/* FNV-1a of a string: for hash tables, not for secrets. */
unsigned int	str_hash(const char *);
/* FNV-1a (64 bits) of len bytes: to notice a change, not for secrets. */
unsigned long long mem_hash(const void *, size_t len);

#endif
