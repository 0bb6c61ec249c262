/* test_markdown.c: golden tests of src/render/markdown.h (safe HTML, anchors, TOC, article links). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "render/markdown.h"

static void
render(const char *md, int flags, struct rendered *r)
{
	assert_int_equal(markdown_render(md, strlen(md), flags, r), 0);
	assert_non_null(r->html);
	assert_non_null(r->plain);
	assert_non_null(r->headings);
}

/* Renders md and compares the HTML with want. */
static void
golden(const char *md, const char *want)
{
	struct rendered	r;

	render(md, 0, &r);
	assert_string_equal(r.html, want);
	rendered_free(&r);
}

/* ---- safety ---- */

static void
test_script_block_not_passed_through(void **state)
{
	(void)state;
	golden("<script>alert(1)</script>\n\nText\n",
	    "<!-- raw HTML omitted -->\n<p>Text</p>\n");
}

static void
test_inline_img_onerror_not_passed_through(void **state)
{
	(void)state;
	golden("hi <img src=x onerror=alert(1)> there\n",
	    "<p>hi <!-- raw HTML omitted --> there</p>\n");
}

static void
test_raw_html_elements_dropped(void **state)
{
	(void)state;
	golden("<div onclick=\"x()\">hi</div>\n\n<a href=\"javascript:x\">y</a>\n",
	    "<!-- raw HTML omitted -->\n"
	    "<p><!-- raw HTML omitted -->y<!-- raw HTML omitted --></p>\n");
	golden("<iframe src=\"https://evil.example\"></iframe>\n",
	    "<!-- raw HTML omitted -->\n");
}

static void
test_javascript_link_neutralised(void **state)
{
	(void)state;
	golden("[x](javascript:alert(1))\n", "<p><a href=\"\">x</a></p>\n");
	golden("[x](JaVaScRiPt:alert(1))\n", "<p><a href=\"\">x</a></p>\n");
	/* Entity-encoded and angle-bracketed forms. */
	golden("[x](&#106;avascript:alert(1))\n",
	    "<p><a href=\"\">x</a></p>\n");
	golden("[x](<javascript:alert(1)>)\n", "<p><a href=\"\">x</a></p>\n");
	/* Reference-style and autolink. */
	golden("[x][r]\n\n[r]: javascript:alert(1)\n",
	    "<p><a href=\"\">x</a></p>\n");
	golden("<javascript:alert(1)>\n",
	    "<p><a href=\"\">javascript:alert(1)</a></p>\n");
}

static void
test_other_dangerous_schemes_neutralised(void **state)
{
	(void)state;
	golden("[v](vbscript:msgbox(1))\n", "<p><a href=\"\">v</a></p>\n");
	golden("[f](file:///etc/passwd)\n", "<p><a href=\"\">f</a></p>\n");
	golden("[d](data:text/html;base64,PHNjcmlwdD4=)\n",
	    "<p><a href=\"\">d</a></p>\n");
	golden("![j](javascript:alert(1))\n",
	    "<p><img src=\"\" alt=\"j\" /></p>\n");
	golden("![h](data:text/html,x)\n",
	    "<p><img src=\"\" alt=\"h\" /></p>\n");
}

static void
test_data_image_allowed(void **state)
{
	(void)state;
	golden("![i](data:image/png;base64,AAAA)\n",
	    "<p><img src=\"data:image/png;base64,AAAA\" alt=\"i\" /></p>\n");
}

/* ---- tables, headings, TOC ---- */

static void
test_table(void **state)
{
	(void)state;
	golden("| a | b |\n|---|---|\n| 1 | <b>2</b> |\n",
	    "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
	    "<tbody>\n<tr>\n<td>1</td>\n"
	    "<td><!-- raw HTML omitted -->2<!-- raw HTML omitted --></td>\n"
	    "</tr>\n</tbody>\n</table>\n");
}

static void
test_heading_anchors_and_duplicates(void **state)
{
	(void)state;
	golden("# Title\n## Intro\n### Sub\n## Intro\n## Intro\n",
	    "<h1 id=\"title\">Title</h1>\n"
	    "<h2 id=\"intro\">Intro</h2>\n"
	    "<h3 id=\"sub\">Sub</h3>\n"
	    "<h2 id=\"intro-2\">Intro</h2>\n"
	    "<h2 id=\"intro-3\">Intro</h2>\n");
	golden("## 第 1 步：登录\n## 退款条件\n",
	    "<h2 id=\"第-1-步-登录\">第 1 步：登录</h2>\n"
	    "<h2 id=\"退款条件\">退款条件</h2>\n");
	/* Heading-like text in code is not a heading. */
	golden("```\n<h2>no</h2>\n```\n\n## Real\n",
	    "<pre><code>&lt;h2&gt;no&lt;/h2&gt;\n</code></pre>\n"
	    "<h2 id=\"real\">Real</h2>\n");
}

/*
 * Anchors are ids: they must be unique in the page. "A", "A 2", "A" gives
 * a, a-2 and then a-2 again for the second "A" (its base "a" was seen
 * once), so two headings share id="a-2" and the TOC's second link is dead.
 */
static void
test_heading_anchors_unique(void **state)
{
	struct rendered	r;

	(void)state;
	render("## A\n## A 2\n## A\n", 0, &r);
	assert_int_equal(r.ntoc, 3);
	assert_string_equal(r.toc[0].anchor, "a");
	assert_string_equal(r.toc[1].anchor, "a-2");
	assert_string_not_equal(r.toc[2].anchor, "a");
	assert_string_not_equal(r.toc[2].anchor, "a-2");
	rendered_free(&r);
}

static void
test_toc_levels_2_and_3_only(void **state)
{
	struct rendered	r;

	(void)state;
	render("# Top\n\n## Before you start\n\n### Step `one`\n\n#### Deep\n\n"
	    "##### Deeper\n\n## Before you start\n", 0, &r);
	assert_int_equal(r.ntoc, 3);
	assert_int_equal(r.toc[0].level, 2);
	assert_string_equal(r.toc[0].anchor, "before-you-start");
	assert_string_equal(r.toc[0].text, "Before you start");
	assert_int_equal(r.toc[1].level, 3);
	assert_string_equal(r.toc[1].anchor, "step-one");
	assert_string_equal(r.toc[1].text, "Step one");
	assert_int_equal(r.toc[2].level, 2);
	assert_string_equal(r.toc[2].anchor, "before-you-start-2");
	assert_string_equal(r.toc[2].text, "Before you start");
	/* Every heading's text, for search. */
	assert_string_equal(r.headings, "Top\nBefore you start\nStep one\n"
	    "Deep\nDeeper\nBefore you start\n");
	rendered_free(&r);
}

/*
 * A setext heading may span lines; the soft break between them is a space.
 * heading_text() only collects TEXT and CODE nodes, so the words on both
 * sides of the break are glued together: "Line oneline two".
 */
static void
test_multiline_heading_text(void **state)
{
	struct rendered	r;

	(void)state;
	render("Line one\nline two\n--------\n", 0, &r);
	assert_int_equal(r.ntoc, 1);
	assert_string_equal(r.toc[0].text, "Line one line two");
	assert_string_equal(r.toc[0].anchor, "line-one-line-two");
	assert_string_equal(r.headings, "Line one line two\n");
	rendered_free(&r);
}

/* ---- links ---- */

static void
test_article_link(void **state)
{
	struct rendered	r;

	(void)state;
	render("See [t](other-slug).\n", 0, &r);
	assert_string_equal(r.html,
	    "<p>See <a href=\"/articles/other-slug\">t</a>.</p>\n");
	assert_int_equal(r.nlinks, 1);
	assert_string_equal(r.links[0], "other-slug");
	rendered_free(&r);
}

static void
test_article_link_with_fragment(void **state)
{
	struct rendered	r;

	(void)state;
	render("[t](other-slug#sec) [u](other-slug) [v](third_one#第-1-步)\n",
	    0, &r);
	assert_string_equal(r.html,
	    "<p><a href=\"/articles/other-slug#sec\">t</a> "
	    "<a href=\"/articles/other-slug\">u</a> "
	    "<a href=\"/articles/third_one#%E7%AC%AC-1-%E6%AD%A5\">v</a></p>\n");
	/* Listed once each, in order. */
	assert_int_equal(r.nlinks, 2);
	assert_string_equal(r.links[0], "other-slug");
	assert_string_equal(r.links[1], "third_one");
	rendered_free(&r);
}

static void
test_asset_image(void **state)
{
	struct rendered	r;

	(void)state;
	render("![a](my-article.assets/pic.svg)\n", 0, &r);
	assert_string_equal(r.html,
	    "<p><img src=\"/articles/my-article.assets/pic.svg\" alt=\"a\" />"
	    "</p>\n");
	assert_int_equal(r.nlinks, 0);
	rendered_free(&r);
}

static void
test_other_links_untouched(void **state)
{
	struct rendered	r;

	(void)state;
	render("[e](https://example.com/a?b=1&c=2) [m](mailto:help@example.com) "
	    "[r](/search?q=x) [s](#local) [p](../x.assets/y.png) "
	    "[c](Other-Slug)\n", 0, &r);
	assert_string_equal(r.html,
	    "<p><a href=\"https://example.com/a?b=1&amp;c=2\">e</a> "
	    "<a href=\"mailto:help@example.com\">m</a> "
	    "<a href=\"/search?q=x\">r</a> "
	    "<a href=\"#local\">s</a> "
	    "<a href=\"../x.assets/y.png\">p</a> "
	    "<a href=\"Other-Slug\">c</a></p>\n");
	assert_int_equal(r.nlinks, 0);
	rendered_free(&r);
}

static void
test_no_rel_without_user_flag(void **state)
{
	struct rendered	r;

	(void)state;
	render("[e](https://example.com)\n", 0, &r);
	assert_null(strstr(r.html, "rel="));
	rendered_free(&r);
}

/*
 * add_user_rel() replaces "<a href=" with "<a rel=\"...\"" and resumes
 * at "href=", dropping the space: <a rel="nofollow ugc noopener"href=...>,
 * which HTML parsers report as missing-whitespace-between-attributes.
 */
static void
test_user_content_rel(void **state)
{
	struct rendered	r;

	(void)state;
	render("[e](https://example.com/x) <https://a.example>\n",
	    MD_USER_CONTENT, &r);
	assert_string_equal(r.html,
	    "<p><a rel=\"nofollow ugc noopener\" href=\"https://example.com/x\">"
	    "e</a> <a rel=\"nofollow ugc noopener\" href=\"https://a.example\">"
	    "https://a.example</a></p>\n");
	rendered_free(&r);
}

static void
test_user_content_rel_count(void **state)
{
	struct rendered	 r;
	const char	*p;
	int		 n;

	(void)state;
	render("[a](https://a.example) [b](https://b.example) text\n",
	    MD_USER_CONTENT, &r);
	for (n = 0, p = r.html; (p = strstr(p, "rel=\"nofollow ugc noopener\""))
	    != NULL; p++)
		n++;
	assert_int_equal(n, 2);
	rendered_free(&r);
}

/* ---- plain text ---- */

static void
test_plain_text(void **state)
{
	struct rendered	r;

	(void)state;
	render("# 退款\n\nRefunds take **five** days. See [rules](refund-rules)."
	    "\n\n- one\n- two\n\n<script>evil()</script>\n", 0, &r);
	assert_non_null(strstr(r.plain, "退款"));
	assert_non_null(strstr(r.plain, "Refunds take five days."));
	assert_non_null(strstr(r.plain, "rules"));
	assert_non_null(strstr(r.plain, "one"));
	assert_non_null(strstr(r.plain, "two"));
	assert_null(strstr(r.plain, "**"));
	assert_null(strstr(r.plain, "evil"));
	assert_null(strstr(r.plain, "<"));
	rendered_free(&r);
}

static void
test_empty_input(void **state)
{
	struct rendered	r;

	(void)state;
	render("", 0, &r);
	assert_string_equal(r.html, "");
	assert_int_equal(r.ntoc, 0);
	assert_int_equal(r.nlinks, 0);
	assert_string_equal(r.headings, "");
	rendered_free(&r);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_script_block_not_passed_through),
		cmocka_unit_test(test_inline_img_onerror_not_passed_through),
		cmocka_unit_test(test_raw_html_elements_dropped),
		cmocka_unit_test(test_javascript_link_neutralised),
		cmocka_unit_test(test_other_dangerous_schemes_neutralised),
		cmocka_unit_test(test_data_image_allowed),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_heading_anchors_and_duplicates),
		cmocka_unit_test(test_heading_anchors_unique),
		cmocka_unit_test(test_toc_levels_2_and_3_only),
		cmocka_unit_test(test_multiline_heading_text),
		cmocka_unit_test(test_article_link),
		cmocka_unit_test(test_article_link_with_fragment),
		cmocka_unit_test(test_asset_image),
		cmocka_unit_test(test_other_links_untouched),
		cmocka_unit_test(test_no_rel_without_user_flag),
		cmocka_unit_test(test_user_content_rel),
		cmocka_unit_test(test_user_content_rel_count),
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_empty_input),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
