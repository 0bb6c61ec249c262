/* test_text.c: unit tests of src/util/text.h (escaping, URL decoding, UTF-8, slugs, anchors). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/random.h"
#include "util/text.h"

/* ---- html_escape ---- */

static char *
escape(const char *s, size_t len)
{
	struct strbuf	sb;

	sb_init(&sb);
	html_escape(&sb, s, len);
	return (sb_detach(&sb));
}

static void
test_html_escape_all_specials(void **state)
{
	char	*r;

	(void)state;
	r = escape("a&b<c>d\"e'f", 11);
	assert_string_equal(r, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	free(r);
	r = escape("<>&\"'", 5);
	assert_string_equal(r, "&lt;&gt;&amp;&quot;&#39;");
	free(r);
}

static void
test_html_escape_attribute_breakout(void **state)
{
	char	*r;
	const char *s = "\" onmouseover='alert(1)' x=\"";

	(void)state;
	r = escape(s, strlen(s));
	assert_string_equal(r,
	    "&quot; onmouseover=&#39;alert(1)&#39; x=&quot;");
	free(r);
}

static void
test_html_escape_plain_text_unchanged(void **state)
{
	char	*r;

	(void)state;
	r = escape("Hello, world. 1 + 1 = 2; #tag", 29);
	assert_string_equal(r, "Hello, world. 1 + 1 = 2; #tag");
	free(r);
}

static void
test_html_escape_empty(void **state)
{
	char	*r;

	(void)state;
	r = escape("", 0);
	assert_string_equal(r, "");
	free(r);
}

static void
test_html_escape_utf8_kept(void **state)
{
	char		*r;
	const char	*s = "退款 <b>“规则”</b> & é";

	(void)state;
	r = escape(s, strlen(s));
	assert_string_equal(r,
	    "退款 &lt;b&gt;“规则”&lt;/b&gt; &amp; é");
	free(r);
}

static void
test_html_escape_respects_length(void **state)
{
	char	*r;

	(void)state;
	/* Only the first 3 bytes: "a<b", not the '>' after it. */
	r = escape("a<b>c", 3);
	assert_string_equal(r, "a&lt;b");
	free(r);
}

static void
test_html_escape_appends(void **state)
{
	struct strbuf	sb;

	(void)state;
	sb_init(&sb);
	sb_puts(&sb, "<p>");
	html_escape(&sb, "x&y", 3);
	sb_puts(&sb, "</p>");
	assert_string_equal(sb.data, "<p>x&amp;y</p>");
	assert_int_equal(sb.len, 14);
	sb_free(&sb);
}

/* ---- url_decode ---- */

/* Decodes a copy of in; returns rc and the result in out (size 256). */
static int
decode(const char *in, int plus, char *out, size_t *outlen)
{
	(void)snprintf(out, 256, "%s", in);
	*outlen = (size_t)-1;
	return (url_decode(out, plus, outlen));
}

static void
test_url_decode_valid(void **state)
{
	char	buf[256];
	size_t	len;

	(void)state;
	assert_int_equal(decode("hello%20world", 0, buf, &len), 0);
	assert_string_equal(buf, "hello world");
	assert_int_equal(len, 11);

	assert_int_equal(decode("%E9%80%80%E6%AC%BE", 0, buf, &len), 0);
	assert_string_equal(buf, "退款");
	assert_int_equal(len, 6);

	/* Lower-case hex digits too. */
	assert_int_equal(decode("%e9%80%80%2f%2B", 0, buf, &len), 0);
	assert_string_equal(buf, "退/+");
	assert_int_equal(len, 5);

	assert_int_equal(decode("no-escapes", 0, buf, &len), 0);
	assert_string_equal(buf, "no-escapes");
	assert_int_equal(len, 10);

	assert_int_equal(decode("", 0, buf, &len), 0);
	assert_string_equal(buf, "");
	assert_int_equal(len, 0);

	/* Already-decoded UTF-8 passes through. */
	assert_int_equal(decode("退款 rules", 0, buf, &len), 0);
	assert_string_equal(buf, "退款 rules");
	assert_int_equal(len, 12);
}

static void
test_url_decode_plus(void **state)
{
	char	buf[256];
	size_t	len;

	(void)state;
	assert_int_equal(decode("a+b+c", 1, buf, &len), 0);
	assert_string_equal(buf, "a b c");
	assert_int_equal(len, 5);

	assert_int_equal(decode("a+b+c", 0, buf, &len), 0);
	assert_string_equal(buf, "a+b+c");
	assert_int_equal(len, 5);

	/* An encoded plus stays a plus even in a query string. */
	assert_int_equal(decode("c%2B%2B+x", 1, buf, &len), 0);
	assert_string_equal(buf, "c++ x");
	assert_int_equal(len, 5);
}

static void
test_url_decode_null_outlen(void **state)
{
	char	buf[16] = "a%41";

	(void)state;
	assert_int_equal(url_decode(buf, 0, NULL), 0);
	assert_string_equal(buf, "aA");
}

static void
test_url_decode_malformed_rejected(void **state)
{
	static const char	*bad[] = {
		"%zz", "%g1", "%1g", "abc%", "abc%4", "%%41", "%", "%-1",
		"% 1", NULL
	};
	char			 buf[256];
	size_t			 len, i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		if (decode(bad[i], 0, buf, &len) != -1)
			fail_msg("url_decode(\"%s\") accepted", bad[i]);
		if (decode(bad[i], 1, buf, &len) != -1)
			fail_msg("url_decode(\"%s\", plus) accepted", bad[i]);
	}
}

static void
test_url_decode_nul_rejected(void **state)
{
	char	buf[256];
	size_t	len;

	(void)state;
	assert_int_equal(decode("%00", 0, buf, &len), -1);
	assert_int_equal(decode("abc%00def", 0, buf, &len), -1);
	assert_int_equal(decode("abc%00", 1, buf, &len), -1);
}

static void
test_url_decode_invalid_utf8_rejected(void **state)
{
	static const char	*bad[] = {
		"%C0%AF",		/* overlong '/' */
		"%E0%80%AF",		/* overlong '/', 3 bytes */
		"%ED%A0%80",		/* U+D800 surrogate */
		"%ED%BF%BF",		/* U+DFFF surrogate */
		"%F4%90%80%80",		/* U+110000 */
		"%FF",
		"%80",			/* lone continuation */
		"%E9%80",		/* truncated */
		"a%E9%80b",		/* truncated in the middle */
		"\xff",			/* raw invalid byte */
		NULL
	};
	char			 buf[256];
	size_t			 len, i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		if (decode(bad[i], 0, buf, &len) != -1)
			fail_msg("url_decode(\"%s\") accepted", bad[i]);
	}
}

/* ---- url_encode ---- */

static void
test_url_encode(void **state)
{
	struct strbuf	sb;

	(void)state;
	sb_init(&sb);
	url_encode(&sb, "a b/退&x=1~._-");
	assert_string_equal(sb.data, "a%20b%2F%E9%80%80%26x%3D1~._-");
	sb_free(&sb);
}

/* ---- utf8_valid ---- */

struct utf8_case {
	const char	*s;
	size_t		 len;
	int		 valid;
	const char	*what;
};

#define U(s, v, w)	{ s, sizeof(s) - 1, v, w }

static const struct utf8_case	utf8_cases[] = {
	U("", 1, "empty"),
	U("plain ascii", 1, "ascii"),
	U("\x00", 1, "NUL byte is valid UTF-8"),
	U("\xc2\x80", 1, "U+0080, smallest 2-byte"),
	U("\xdf\xbf", 1, "U+07FF, largest 2-byte"),
	U("\xe0\xa0\x80", 1, "U+0800, smallest 3-byte"),
	U("\xed\x9f\xbf", 1, "U+D7FF, just below surrogates"),
	U("\xee\x80\x80", 1, "U+E000, just above surrogates"),
	U("\xef\xbf\xbf", 1, "U+FFFF"),
	U("\xf0\x90\x80\x80", 1, "U+10000, smallest 4-byte"),
	U("\xf4\x8f\xbf\xbf", 1, "U+10FFFF, largest code point"),
	U("退款条件", 1, "CJK"),
	U("\xf0\x9f\x98\x80", 1, "emoji"),
	U("é and 退 and \xf0\x9f\x98\x80", 1, "mixed"),

	U("\x80", 0, "lone continuation byte"),
	U("\xbf", 0, "lone continuation byte BF"),
	U("\xc0\x80", 0, "overlong NUL (C0 80)"),
	U("\xc0\xaf", 0, "overlong '/' (C0 AF)"),
	U("\xc1\xbf", 0, "overlong 2-byte (C1 BF)"),
	U("\xe0\x80\xaf", 0, "overlong '/' 3-byte"),
	U("\xe0\x9f\xbf", 0, "overlong U+07FF 3-byte"),
	U("\xf0\x80\x80\xaf", 0, "overlong '/' 4-byte"),
	U("\xf0\x8f\xbf\xbf", 0, "overlong U+FFFF 4-byte"),
	U("\xed\xa0\x80", 0, "U+D800 high surrogate"),
	U("\xed\xaf\xbf", 0, "U+DBFF"),
	U("\xed\xb0\x80", 0, "U+DC00 low surrogate"),
	U("\xed\xbf\xbf", 0, "U+DFFF"),
	U("\xed\xa0\xbd\xed\xb8\x80", 0, "CESU-8 surrogate pair"),
	U("\xf4\x90\x80\x80", 0, "U+110000, above the maximum"),
	U("\xf5\x80\x80\x80", 0, "F5 lead byte"),
	U("\xf7\xbf\xbf\xbf", 0, "U+1FFFFF"),
	U("\xf8\x88\x80\x80\x80", 0, "5-byte form"),
	U("\xfc\x84\x80\x80\x80\x80", 0, "6-byte form"),
	U("\xfe", 0, "FE"),
	U("\xff", 0, "FF"),
	U("\xc3", 0, "truncated 2-byte at end"),
	U("\xe9\x80", 0, "truncated 3-byte at end"),
	U("\xf0\x9f\x98", 0, "truncated 4-byte at end"),
	U("a\xe9\x80" "b", 0, "truncated 3-byte before ASCII"),
	U("\xc3\x28", 0, "bad continuation byte"),
	U("\xe9\x80\xc0", 0, "lead byte in place of continuation"),
	U("ok\xff" "ok", 0, "invalid byte in the middle"),
};

static void
test_utf8_valid_table(void **state)
{
	size_t	i;
	int	got;

	(void)state;
	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		got = utf8_valid(utf8_cases[i].s, utf8_cases[i].len);
		if (got != utf8_cases[i].valid)
			fail_msg("utf8_valid(%s) = %d, want %d",
			    utf8_cases[i].what, got, utf8_cases[i].valid);
	}
}

static void
test_utf8_valid_respects_length(void **state)
{
	(void)state;
	/* The bad byte lies beyond len. */
	assert_int_equal(utf8_valid("abc\xff", 3), 1);
	/* A sequence cut by len is truncated even if the bytes follow. */
	assert_int_equal(utf8_valid("\xe9\x80\x80", 2), 0);
	assert_int_equal(utf8_valid("\xe9\x80\x80", 3), 1);
}

/* ---- slug_valid ---- */

static void
test_slug_valid_good(void **state)
{
	static const char	*good[] = {
		"reset-password", "a", "0", "9lives", "refund_rules",
		"a-b_c-1", "x--y", "ends-with-dash-", NULL
	};
	char			 s100[101];
	size_t			 i;

	(void)state;
	for (i = 0; good[i] != NULL; i++)
		if (!slug_valid(good[i]))
			fail_msg("slug_valid(\"%s\") rejected", good[i]);
	memset(s100, 'a', 100);
	s100[100] = '\0';
	assert_int_equal(slug_valid(s100), 1);
}

static void
test_slug_valid_bad(void **state)
{
	static const char	*bad[] = {
		"", "Reset-password", "RESET", "-leading", "_leading",
		"a/b", "..", "../etc", "a.b", "a b", "a\tb", "café", "退款",
		"slug.md", "a%2Fb", "_index", "a\\b", NULL
	};
	char			 s101[102];
	size_t			 i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		if (slug_valid(bad[i]))
			fail_msg("slug_valid(\"%s\") accepted", bad[i]);
	memset(s101, 'a', 101);
	s101[101] = '\0';
	assert_int_equal(slug_valid(s101), 0);
}

/* ---- lang_supported ---- */

static void
test_lang_supported(void **state)
{
	(void)state;
	assert_int_equal(lang_supported("zh-CN"), 1);
	assert_int_equal(lang_supported("zh-TW"), 1);
	assert_int_equal(lang_supported("en"), 1);

	assert_int_equal(lang_supported(""), 0);
	assert_int_equal(lang_supported("zh"), 0);
	assert_int_equal(lang_supported("zh-cn"), 0);
	assert_int_equal(lang_supported("EN"), 0);
	assert_int_equal(lang_supported("en-US"), 0);
	assert_int_equal(lang_supported("fr"), 0);
	assert_int_equal(lang_supported("zh-CN "), 0);
	assert_int_equal(lang_supported("zh-HK"), 0);
}

/* ---- anchor_from_text ---- */

struct anchor_case {
	const char	*text;
	const char	*want;
};

static const struct anchor_case	anchor_cases[] = {
	{ "Reset your password", "reset-your-password" },
	{ "退款条件", "退款条件" },
	/* Full-width colon is punctuation: it separates like a space. */
	{ "第 1 步：登录", "第-1-步-登录" },
	{ "退款（部分）说明", "退款-部分-说明" },
	{ "步骤一、登录", "步骤一-登录" },
	{ "FAQ：常见问题", "faq-常见问题" },
	{ "常见问题。", "常见问题" },
	{ "Step 2: Log in", "step-2-log-in" },
	{ "  Leading and trailing  ", "leading-and-trailing" },
	{ "Many   spaces\there", "many-spaces-here" },
	{ "--Hello__World--", "hello-world" },
	{ "What's new?", "whats-new" },
	{ "C++ & C#", "c-c" },
	{ "Café au lait", "café-au-lait" },
	{ "ABC 123", "abc-123" },
	{ "", "section" },
	{ "!!!", "section" },
	{ "？！", "section" },
};

static void
test_anchor_from_text_table(void **state)
{
	size_t	 i;
	char	*got;

	(void)state;
	for (i = 0; i < sizeof(anchor_cases) / sizeof(anchor_cases[0]); i++) {
		got = anchor_from_text(anchor_cases[i].text);
		if (strcmp(got, anchor_cases[i].want) != 0)
			fail_msg("anchor_from_text(\"%s\") = \"%s\", want "
			    "\"%s\"", anchor_cases[i].text, got,
			    anchor_cases[i].want);
		free(got);
	}
}

static void
test_anchor_from_text_is_valid_utf8(void **state)
{
	static const char	*texts[] = {
		"第 1 步：登录", "退款（部分）", "x\xe3\x80", "\xef\xbc",
		"a\xe3", NULL
	};
	size_t			 i;
	char			*got;

	(void)state;
	/* Truncated input must not read past the end or emit half of a
	 * punctuation mark; what comes out is at least NUL-terminated. */
	for (i = 0; texts[i] != NULL; i++) {
		got = anchor_from_text(texts[i]);
		assert_non_null(got);
		assert_true(strlen(got) > 0);
		free(got);
	}
	got = anchor_from_text("第 1 步：登录");
	assert_int_equal(utf8_valid(got, strlen(got)), 1);
	free(got);
}

/*
 * The header promises "non-ASCII letters kept": general punctuation such
 * as curly quotes, the em dash and the ellipsis are not letters and should
 * separate words like ASCII punctuation does, not end up in the fragment.
 */
static void
test_anchor_from_text_general_punctuation(void **state)
{
	char	*got;

	(void)state;
	got = anchor_from_text("“引号”");
	assert_string_equal(got, "引号");
	free(got);
	got = anchor_from_text("退款—说明");
	assert_string_equal(got, "退款-说明");
	free(got);
}

/* ---- text_field_check ---- */

static void
test_text_field_check_table(void **state)
{
	static const struct {
		const char		*in;
		size_t			 max;
		int			 multiline;
		enum text_problem	 want;
	} rows[] = {
		{ "退款多久到账", 6, 0, TEXT_OK },
		{ "退款多久到账?", 6, 0, TEXT_TOO_LONG },	/* counts characters */
		{ "   ", 10, 0, TEXT_EMPTY },
		{ "", 10, 1, TEXT_EMPTY },
		{ "a\r\nBcc: x@y", 100, 0, TEXT_CONTROL },	/* header injection */
		{ "line 1\nline 2\tend", 100, 1, TEXT_OK },
		{ "bell\a", 100, 1, TEXT_CONTROL },
		{ "del\x7f", 100, 1, TEXT_CONTROL },
		{ "c1\xc2\x85", 100, 1, TEXT_CONTROL },	/* NEL */
		{ "\xc3\xa9t\xc3\xa9", 3, 0, TEXT_OK },	/* été */
		{ "\xc0\xaf", 100, 0, TEXT_BAD_UTF8 },	/* overlong '/' */
		{ "\xff", 100, 0, TEXT_BAD_UTF8 },
		{ "<script>alert(1)</script>", 100, 0, TEXT_OK }, /* escaped later */
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (text_field_check(rows[i].in, rows[i].max,
		    rows[i].multiline) != rows[i].want)
			fail_msg("row %zu (%s): got %d, want %d", i, rows[i].in,
			    text_field_check(rows[i].in, rows[i].max,
			    rows[i].multiline), rows[i].want);
	}
	assert_int_equal(utf8_length("帐号abc"), 5);
}

/* Ids from the kept random bytes: never the same twice, across refills. */
static void
test_random_bytes_distinct(void **state)
{
	static unsigned char	ids[2000][16];
	unsigned char		big[300], zero[300];
	size_t			i, j;

	(void)state;
	/* 2,000 ids of 16 bytes: several 4 KB refills. */
	for (i = 0; i < 2000; i++) {
		assert_int_equal(random_bytes(ids[i], 16), 0);
		if (i == 1000)
			random_forget();
	}
	for (i = 0; i < 2000; i++)
		for (j = i + 1; j < 2000; j++)
			assert_memory_not_equal(ids[i], ids[j], 16);
	/* More than is handed out from the kept bytes: drawn directly. */
	memset(zero, 0, sizeof(zero));
	assert_int_equal(random_bytes(big, sizeof(big)), 0);
	assert_memory_not_equal(big, zero, sizeof(big));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_html_escape_all_specials),
		cmocka_unit_test(test_html_escape_attribute_breakout),
		cmocka_unit_test(test_html_escape_plain_text_unchanged),
		cmocka_unit_test(test_html_escape_empty),
		cmocka_unit_test(test_html_escape_utf8_kept),
		cmocka_unit_test(test_html_escape_respects_length),
		cmocka_unit_test(test_html_escape_appends),
		cmocka_unit_test(test_url_decode_valid),
		cmocka_unit_test(test_url_decode_plus),
		cmocka_unit_test(test_url_decode_null_outlen),
		cmocka_unit_test(test_url_decode_malformed_rejected),
		cmocka_unit_test(test_url_decode_nul_rejected),
		cmocka_unit_test(test_url_decode_invalid_utf8_rejected),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_utf8_valid_table),
		cmocka_unit_test(test_utf8_valid_respects_length),
		cmocka_unit_test(test_slug_valid_good),
		cmocka_unit_test(test_slug_valid_bad),
		cmocka_unit_test(test_lang_supported),
		cmocka_unit_test(test_anchor_from_text_table),
		cmocka_unit_test(test_anchor_from_text_is_valid_utf8),
		cmocka_unit_test(test_anchor_from_text_general_punctuation),
		cmocka_unit_test(test_text_field_check_table),
		cmocka_unit_test(test_random_bytes_distinct),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
