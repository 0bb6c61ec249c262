/* fuzz_text.c: libFuzzer target for the pure text helpers: HTML escaping, URL decoding and encoding, UTF-8, slugs, anchors. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"

/* Escaped text must hold none of the five characters raw. */
static void
check_escape(const char *s, size_t len)
{
	struct strbuf	sb;
	size_t		i;

	sb_init(&sb);
	html_escape(&sb, s, len);
	for (i = 0; i < sb.len; i++)
		if (strchr("<>\"'", sb.data[i]) != NULL && sb.data[i] != '\0')
			abort();
	/* Every '&' starts an entity of ours. */
	for (i = 0; i < sb.len; i++) {
		if (sb.data[i] == '&' && strncmp(sb.data + i, "&amp;", 5) &&
		    strncmp(sb.data + i, "&lt;", 4) &&
		    strncmp(sb.data + i, "&gt;", 4) &&
		    strncmp(sb.data + i, "&quot;", 6) &&
		    strncmp(sb.data + i, "&#39;", 5) &&
		    strncmp(sb.data + i, "&#x27;", 6))
			abort();
	}
	sb_free(&sb);
}

/*
 * Decoding either refuses or gives valid UTF-8 without NUL; encoding what
 * was decoded and decoding again gives it back.
 */
static void
check_decode(const char *s, size_t len, int plus)
{
	struct strbuf	 sb;
	char		*copy, *again;
	size_t		 out, out2;

	copy = xstrdup(s);
	if (url_decode(copy, plus, &out) == 0) {
		if (out > len || strlen(copy) != out ||
		    !utf8_valid(copy, out))
			abort();
		sb_init(&sb);
		url_encode(&sb, copy);
		again = sb_detach(&sb);
		if (url_decode(again, plus, &out2) != 0 || out2 != out ||
		    memcmp(again, copy, out) != 0)
			abort();
		free(again);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *a;
	size_t	 len;

	if ((s = malloc(size + 1)) == NULL)
		return (0);
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	check_escape(s, len);
	check_decode(s, len, 0);
	check_decode(s, len, 1);
	(void)slug_valid(s);
	(void)lang_supported(s);
	if (utf8_valid(s, len)) {
		if (utf8_length(s) > len)
			abort();
		(void)text_field_check(s, 100, 0);
		(void)text_field_check(s, 10000, 1);
		a = anchor_from_text(s);
		if (a == NULL || *a == '\0' || strpbrk(a, "<>\"'& ") != NULL)
			abort();
		free(a);
	}
	free(s);
	return (0);
}
