/* test_i18n.c: unit tests of src/render/i18n.h (Accept-Language, UI language, UI strings). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "render/i18n.h"

struct al_case {
	const char	*header;
	const char	*want;		/* NULL: nothing fits */
};

static const struct al_case	al_cases[] = {
	{ "en-US,en;q=0.9", "en" },
	{ "zh-TW", "zh-TW" },
	{ "zh-Hant-HK", "zh-TW" },
	{ "zh-Hant", "zh-TW" },
	{ "zh-HK", "zh-TW" },
	{ "zh-MO", "zh-TW" },
	{ "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN" },
	{ "zh", "zh-CN" },
	{ "zh-SG", "zh-CN" },
	{ "zh-Hans-TW", "zh-CN" },
	{ "ZH-tw", "zh-TW" },
	{ "EN-gb", "en" },
	{ "fr-FR, en;q=0.5", "en" },
	{ "fr", NULL },
	{ "", NULL },
	{ "*", NULL },
	{ "english", NULL },
	{ "zhx", NULL },
	{ "en;q=0.4, zh;q=0.8", "zh-CN" },
	{ "en;q=0.4,zh-TW;q=0.8,zh-CN;q=0.6", "zh-TW" },
	/* q=0 means "not acceptable". */
	{ "en;q=0", NULL },
	{ "en;q=0, zh;q=0.1", "zh-CN" },
	/* Equal q: the first listed wins. */
	{ "en, zh", "en" },
	{ "zh;q=0.5, en;q=0.5", "zh-CN" },
	{ "en-GB ; q=0.3 , zh-TW ; q=0.7", "zh-TW" },
	{ "de-DE,de;q=0.9,fr;q=0.8", NULL },
};

static void
test_accept_language_table(void **state)
{
	const char	*got;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(al_cases) / sizeof(al_cases[0]); i++) {
		got = i18n_from_accept_language(al_cases[i].header);
		if ((got == NULL) != (al_cases[i].want == NULL) ||
		    (got != NULL && strcmp(got, al_cases[i].want) != 0))
			fail_msg("Accept-Language \"%s\" gave %s, want %s",
			    al_cases[i].header, got ? got : "NULL",
			    al_cases[i].want ? al_cases[i].want : "NULL");
	}
}

static void
test_accept_language_null(void **state)
{
	(void)state;
	assert_null(i18n_from_accept_language(NULL));
}

/*
 * RFC 9110 list separators are OWS = *( SP / HTAB ): a tab after the comma
 * is as good as a space. The parser only skips ' ', so "\tzh" is not seen
 * as zh and the lower-q en wins.
 */
static void
test_accept_language_tab_is_whitespace(void **state)
{
	const char	*got;

	(void)state;
	got = i18n_from_accept_language("en-GB;q=0.5,\tzh;q=0.6");
	assert_non_null(got);
	assert_string_equal(got, "zh-CN");
}

static void
test_ui_lang(void **state)
{
	(void)state;
	assert_string_equal(i18n_ui_lang("en"), "en");
	assert_string_equal(i18n_ui_lang("zh-CN"), "zh-CN");
	assert_string_equal(i18n_ui_lang("zh-TW"), "zh-TW");
	assert_string_equal(i18n_ui_lang(NULL), "zh-CN");
	assert_string_equal(i18n_ui_lang("fr"), "zh-CN");
}

static void
test_get(void **state)
{
	(void)state;
	assert_string_equal(i18n_get("en", "home"), "Home");
	assert_string_equal(i18n_get("zh-CN", "home"), "首页");
	assert_string_equal(i18n_get("en", "was_helpful"),
	    "Was this article helpful?");
	assert_string_equal(i18n_get("zh-CN", "was_helpful"),
	    "这篇文章有帮助吗？");
	/* zh-TW has its own strings (OpenCC s2twp, checked by hand). */
	assert_string_equal(i18n_get("zh-TW", "contact_us"), "聯絡我們");
	assert_string_equal(i18n_get("zh-TW", "home"), "首頁");
	/* Other languages get the zh-CN interface. */
	assert_string_equal(i18n_get("fr", "contact_us"), "联系我们");
}

static void
test_get_missing_key_falls_back_to_key(void **state)
{
	const char	*key = "no_such_key";

	(void)state;
	assert_string_equal(i18n_get("en", key), "no_such_key");
	assert_string_equal(i18n_get("zh-CN", key), "no_such_key");
	assert_ptr_equal(i18n_get("en", key), key);
	assert_string_equal(i18n_get("en", ""), "");
}

static void
test_strings_object(void **state)
{
	json_t	*en, *zh;

	(void)state;
	en = i18n_strings("en");
	zh = i18n_strings("zh-CN");
	assert_non_null(en);
	assert_non_null(zh);
	assert_true(json_is_object(en));
	assert_string_equal(json_string_value(json_object_get(en, "search")),
	    "Search");
	assert_string_equal(json_string_value(json_object_get(zh, "search")),
	    "搜索");
	/* Same keys in both languages. */
	assert_int_equal(json_object_size(en), json_object_size(zh));
	/* Borrowed and cached: the same object each time. */
	assert_ptr_equal(i18n_strings("en"), en);
	i18n_free();
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_accept_language_table),
		cmocka_unit_test(test_accept_language_null),
		cmocka_unit_test(test_accept_language_tab_is_whitespace),
		cmocka_unit_test(test_ui_lang),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_missing_key_falls_back_to_key),
		cmocka_unit_test(test_strings_object),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
