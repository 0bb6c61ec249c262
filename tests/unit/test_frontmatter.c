/* test_frontmatter.c: unit tests of src/catalog/frontmatter.h (YAML front matter of articles). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "catalog/frontmatter.h"

/* Parses text (NUL-terminated); err is zeroed first. */
static int
parse(const char *text, int require_title, struct front_matter *fm,
    const char **body, struct fm_error *err)
{
	memset(err, 0, sizeof(*err));
	*body = NULL;
	return (frontmatter_parse(text, strlen(text), require_title, fm, body,
	    err));
}

/* Expects text to fail at line with a reason containing needle. */
static void
expect_error(const char *text, int line, const char *needle)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;
	int			rc;

	rc = parse(text, 1, &fm, &body, &err);
	if (rc != -1)
		fail_msg("accepted:\n%s", text);
	if (err.line != line)
		fail_msg("error at line %d, want %d (%s) for:\n%s", err.line,
		    line, err.reason, text);
	if (strstr(err.reason, needle) == NULL)
		fail_msg("reason \"%s\" does not contain \"%s\"", err.reason,
		    needle);
	/* On failure fm is left empty. */
	assert_null(fm.title);
	assert_null(fm.tags);
	assert_int_equal(fm.ntags, 0);
}

static const char	full_file[] =
	"---\n"
	"title: 重置密码\n"
	"summary: \"忘记密码时: 如何重置\"\n"
	"tags: [密码, 账户, login]\n"
	"lang: zh-CN\n"
	"order: -3\n"
	"draft: false\n"
	"aliases:\n"
	"  - forgot-password\n"
	"  - password-reset\n"
	"updated: 2026-01-31\n"
	"owner: 王小明\n"
	"review_by: 2026-06-30\n"
	"---\n"
	"# Body\n"
	"\n"
	"Text.\n";

static void
test_every_key(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse(full_file, 1, &fm, &body, &err), 0);
	assert_string_equal(fm.title, "重置密码");
	assert_string_equal(fm.summary, "忘记密码时: 如何重置");
	assert_int_equal(fm.ntags, 3);
	assert_string_equal(fm.tags[0], "密码");
	assert_string_equal(fm.tags[1], "账户");
	assert_string_equal(fm.tags[2], "login");
	assert_string_equal(fm.lang, "zh-CN");
	assert_int_equal(fm.order, -3);
	assert_int_equal(fm.draft, 0);
	assert_int_equal(fm.naliases, 2);
	assert_string_equal(fm.aliases[0], "forgot-password");
	assert_string_equal(fm.aliases[1], "password-reset");
	assert_string_equal(fm.updated, "2026-01-31");
	assert_string_equal(fm.owner, "王小明");
	assert_string_equal(fm.review_by, "2026-06-30");
	assert_null(fm.description);
	assert_string_equal(body, "# Body\n\nText.\n");
	frontmatter_free(&fm);
	assert_null(fm.title);
}

static void
test_defaults_and_draft_true(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse("---\ntitle: T\ndraft: true\n---\n", 1, &fm,
	    &body, &err), 0);
	assert_string_equal(fm.title, "T");
	assert_int_equal(fm.draft, 1);
	assert_int_equal(fm.order, 0);
	assert_null(fm.summary);
	assert_null(fm.lang);
	assert_null(fm.updated);
	assert_int_equal(fm.ntags, 0);
	assert_int_equal(fm.naliases, 0);
	assert_string_equal(body, "");
	frontmatter_free(&fm);
}

/* Found by fuzzing: a list key given twice leaked the first list. */
static void
test_list_key_twice(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse("---\ntitle: T\ntags: [a, b]\naliases: [x]\n"
	    "tags: [c]\naliases: y\n---\nx", 1, &fm, &body, &err), 0);
	assert_int_equal(fm.ntags, 1);
	assert_string_equal(fm.tags[0], "c");
	assert_int_equal(fm.naliases, 1);
	assert_string_equal(fm.aliases[0], "y");
	frontmatter_free(&fm);
}

static void
test_tags_single_word(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse("---\ntitle: T\ntags: refund\n---\nx", 1, &fm,
	    &body, &err), 0);
	assert_int_equal(fm.ntags, 1);
	assert_string_equal(fm.tags[0], "refund");
	assert_string_equal(body, "x");
	frontmatter_free(&fm);
}

static void
test_index_description_without_title(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse("---\ndescription: 关于账户\norder: 2\n---\n",
	    0, &fm, &body, &err), 0);
	assert_null(fm.title);
	assert_string_equal(fm.description, "关于账户");
	assert_int_equal(fm.order, 2);
	frontmatter_free(&fm);
}

static void
test_missing_opening(void **state)
{
	(void)state;
	expect_error("title: T\n---\nbody\n", 1, "---");
	expect_error("", 1, "---");
	expect_error("# Just Markdown\n", 1, "---");
	/* Something other than exactly "---" on the first line. */
	expect_error("----\ntitle: T\n---\n", 1, "---");
	expect_error("---title: T\n---\n", 1, "---");
}

static void
test_no_closing(void **state)
{
	(void)state;
	expect_error("---\ntitle: T\n\nbody without end\n", 1, "closing");
	expect_error("---\ntitle: T\n", 1, "closing");
	/* "----" and " ---" are not a closing line. */
	expect_error("---\ntitle: T\n----\n ---\nbody\n", 1, "closing");
}

static void
test_bad_yaml_line(void **state)
{
	(void)state;
	/* Line 1 is the opening '---'; the bad line is line 4. */
	expect_error(
	    "---\n"			/* 1 */
	    "title: T\n"		/* 2 */
	    "order: 1\n"		/* 3 */
	    "summary: a: b\n"		/* 4 */
	    "---\n"
	    "body\n", 4, "YAML");
	/* After a comment and a blank line: line 5. */
	expect_error(
	    "---\n"			/* 1 */
	    "# a comment\n"		/* 2 */
	    "title: T\n"		/* 3 */
	    "\n"			/* 4 */
	    "  indented: x\n"		/* 5 */
	    "---\n", 5, "YAML");
	/* A tab used for indentation, line 4. */
	expect_error(
	    "---\n"
	    "title: T\n"
	    "tags:\n"
	    "\t- a\n"
	    "---\n", 4, "YAML");
}

/*
 * An unterminated quoted string is the editor's mistake on the line where
 * the quote opens (line 3); libyaml reports where it gave up (the end of
 * the front matter, i.e. the closing '---' line) as problem_mark, and where
 * the string started as context_mark. The line to show is line 3.
 */
static void
test_bad_yaml_unterminated_quote_line(void **state)
{
	(void)state;
	expect_error(
	    "---\n"			/* 1 */
	    "title: T\n"		/* 2 */
	    "summary: \"unclosed\n"	/* 3 */
	    "order: 1\n"		/* 4 */
	    "---\n"			/* 5 */
	    "body\n", 3, "YAML");
}

static void
test_missing_title(void **state)
{
	(void)state;
	expect_error("---\nsummary: no title here\n---\nbody\n", 2, "title");
	expect_error("---\ntitle: \"\"\n---\nbody\n", 2, "title");
}

static void
test_empty_front_matter(void **state)
{
	(void)state;
	expect_error("---\n---\nbody\n", 2, "key: value");
	/* A list is not 'key: value' lines. */
	expect_error("---\n- a\n- b\n---\n", 2, "key: value");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	expect_error(
	    "---\n"
	    "title: T\n"
	    "\n"
	    "colour: red\n"		/* 4 */
	    "---\n", 4, "colour");
}

static void
test_bad_date(void **state)
{
	(void)state;
	expect_error("---\ntitle: T\nupdated: 31/01/2026\n---\n", 3,
	    "updated");
	expect_error("---\ntitle: T\nupdated: 2026-1-31\n---\n", 3,
	    "updated");
	expect_error("---\ntitle: T\nupdated: 2026-01-31T10:00:00Z\n---\n", 3,
	    "updated");
	expect_error("---\ntitle: T\nowner: me\nreview_by: soon\n---\n", 4,
	    "review_by");
	expect_error("---\ntitle: T\nreview_by: 2026-13-01\n---\n", 3,
	    "review_by");
	expect_error("---\ntitle: T\nreview_by: 2026-01-32\n---\n", 3,
	    "review_by");
}

/*
 * Dates of the right shape that are not days of the calendar. The
 * implementation's is_date() compares the 5-byte "MM-DD" with "00", which
 * never matches, so month 00 and day 00 pass; it also accepts 31 days in
 * every month.
 */
static void
test_impossible_calendar_dates(void **state)
{
	static const char	*bad[] = {
		"2026-00-10", "2026-01-00", "2026-00-00", "2026-02-30",
		"2025-02-29", "2026-04-31", NULL
	};
	char			 text[128], failures[512];
	struct front_matter	 fm;
	struct fm_error		 err;
	const char		*body;
	size_t			 i;

	(void)state;
	failures[0] = '\0';
	for (i = 0; bad[i] != NULL; i++) {
		(void)snprintf(text, sizeof(text),
		    "---\ntitle: T\nupdated: %s\n---\n", bad[i]);
		if (parse(text, 1, &fm, &body, &err) == 0) {
			frontmatter_free(&fm);
			(void)strncat(failures, bad[i],
			    sizeof(failures) - strlen(failures) - 2);
			(void)strcat(failures, " ");
		}
	}
	if (failures[0] != '\0')
		fail_msg("impossible dates accepted: %s", failures);

	/* A real leap day is fine. */
	assert_int_equal(parse("---\ntitle: T\nupdated: 2024-02-29\n---\n", 1,
	    &fm, &body, &err), 0);
	frontmatter_free(&fm);
}

static void
test_bad_order(void **state)
{
	(void)state;
	expect_error("---\ntitle: T\norder: 1.5\n---\n", 3, "order");
	expect_error("---\ntitle: T\norder: ten\n---\n", 3, "order");
	expect_error("---\ntitle: T\norder: 3x\n---\n", 3, "order");
	expect_error("---\ntitle: T\norder: 99999999999\n---\n", 3, "order");
	expect_error("---\ntitle: T\norder: [1]\n---\n", 3, "order");
}

static void
test_draft_not_boolean(void **state)
{
	(void)state;
	expect_error("---\ntitle: T\ndraft: maybe\n---\n", 3, "draft");
	expect_error("---\ntitle: T\ndraft: 2\n---\n", 3, "draft");
	expect_error("---\ntitle: T\ndraft: \n---\n", 3, "draft");
}

static void
test_tags_as_mapping(void **state)
{
	(void)state;
	expect_error("---\ntitle: T\ntags: {a: b}\n---\n", 3, "tags");
	/* Block mapping: the offending value starts on line 4. */
	expect_error("---\ntitle: T\ntags:\n  a: b\n---\n", 4, "tags");
	/* A list of lists is not a list of words either. */
	expect_error("---\ntitle: T\ntags: [a, [b]]\n---\n", 3, "tags");
	expect_error("---\ntitle: T\naliases: {old: new}\n---\n", 3,
	    "aliases");
}

static void
test_bad_lang(void **state)
{
	(void)state;
	expect_error("---\ntitle: T\nlang: fr\n---\n", 3, "lang");
	expect_error("---\ntitle: T\nlang: zh-cn\n---\n", 3, "lang");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	/* Reported on the line of the bad byte. */
	expect_error("---\ntitle: caf\xc3\n---\n", 2, "UTF-8");
	expect_error("---\ntitle: \xc0\xaf\n---\n", 2, "UTF-8");
	/* In the body too: the whole file must be UTF-8. */
	expect_error("---\ntitle: T\n---\nbody \xed\xa0\x80\n", 4, "UTF-8");
}

/*
 * The SPEC wants problems reported with file and line; an invisible bad
 * byte is exactly where the line matters. Here it sits on line 6.
 */
static void
test_invalid_utf8_line(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse("---\ntitle: T\n---\n\nok\nbad \xff byte\n", 1,
	    &fm, &body, &err), -1);
	assert_int_equal(err.line, 6);
}

static void
test_bom(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf---\ntitle: 标题\n---\nbody\n", 1,
	    &fm, &body, &err), 0);
	assert_string_equal(fm.title, "标题");
	assert_string_equal(body, "body\n");
	frontmatter_free(&fm);

	/* Lines still count from the line holding the BOM. */
	expect_error("\xef\xbb\xbf---\ntitle: T\nx: a: b\n---\n", 3, "YAML");
	/* A BOM elsewhere than the very start does not help. */
	expect_error("\n\xef\xbb\xbf---\ntitle: T\n---\n", 1, "---");
}

static void
test_crlf(void **state)
{
	const char		*text =
	    "---\r\ntitle: 标题\r\ntags:\r\n  - a\r\n  - b\r\norder: 7\r\n"
	    "---\r\n# Body\r\nline\r\n";
	struct front_matter	 fm;
	struct fm_error		 err;
	const char		*body;

	(void)state;
	assert_int_equal(parse(text, 1, &fm, &body, &err), 0);
	assert_string_equal(fm.title, "标题");
	assert_int_equal(fm.ntags, 2);
	assert_string_equal(fm.tags[0], "a");
	assert_string_equal(fm.tags[1], "b");
	assert_int_equal(fm.order, 7);
	assert_ptr_equal(body, strstr(text, "# Body"));
	frontmatter_free(&fm);

	expect_error("---\r\ntitle: T\r\nsummary: a: b\r\n---\r\n", 3, "YAML");
	expect_error("---\r\ntitle: T\r\n\r\norder: x\r\n---\r\n", 4, "order");
}

/*
 * Old Mac line endings (CR only): find the first '\n' after "---\r" finds
 * none, and the code goes on with NULL + 1. It must answer (either parse or
 * report an error at line 1), not crash.
 */
static void
test_cr_only_line_endings_no_crash(void **state)
{
	struct front_matter	fm;
	struct fm_error		err;
	const char		*body;
	int			rc;

	(void)state;
	rc = parse("---\rtitle: T\r---\rbody", 1, &fm, &body, &err);
	if (rc == 0) {
		assert_string_equal(fm.title, "T");
		assert_string_equal(body, "body");
		frontmatter_free(&fm);
	} else {
		assert_int_equal(rc, -1);
		assert_int_equal(err.line, 1);
	}
}

static void
test_body_pointer(void **state)
{
	const char		*text = "---\ntitle: T\n---\nFirst line\n---\n";
	const char		*noeol = "---\ntitle: T\n---";
	struct front_matter	 fm;
	struct fm_error		 err;
	const char		*body;

	(void)state;
	assert_int_equal(parse(text, 1, &fm, &body, &err), 0);
	/* Right after "---\n": offset 17, inside text, not a copy. */
	assert_ptr_equal(body, text + 17);
	assert_string_equal(body, "First line\n---\n");
	frontmatter_free(&fm);

	/* Closing line at the very end without newline: body is empty. */
	assert_int_equal(parse(noeol, 1, &fm, &body, &err), 0);
	assert_ptr_equal(body, noeol + strlen(noeol));
	frontmatter_free(&fm);

	/* Only len bytes are looked at. */
	assert_int_equal(frontmatter_parse(text, 16, 1, &fm, &body, &err), 0);
	assert_ptr_equal(body, text + 16);
	frontmatter_free(&fm);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_defaults_and_draft_true),
		cmocka_unit_test(test_tags_single_word),
		cmocka_unit_test(test_list_key_twice),
		cmocka_unit_test(test_index_description_without_title),
		cmocka_unit_test(test_missing_opening),
		cmocka_unit_test(test_no_closing),
		cmocka_unit_test(test_bad_yaml_line),
		cmocka_unit_test(test_bad_yaml_unterminated_quote_line),
		cmocka_unit_test(test_missing_title),
		cmocka_unit_test(test_empty_front_matter),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_date),
		cmocka_unit_test(test_impossible_calendar_dates),
		cmocka_unit_test(test_bad_order),
		cmocka_unit_test(test_draft_not_boolean),
		cmocka_unit_test(test_tags_as_mapping),
		cmocka_unit_test(test_bad_lang),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_invalid_utf8_line),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_cr_only_line_endings_no_crash),
		cmocka_unit_test(test_body_pointer),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
