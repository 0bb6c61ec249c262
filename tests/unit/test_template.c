/* test_template.c: unit tests of src/render/template.h (Mustache-style templates over jansson). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/template.h"

/* Renders tpl (named "page") with the JSON json; returns a malloc'd string. */
static char *
render(const char *tpl, const char *json)
{
	struct template_set	*set;
	struct strbuf		 out;
	json_error_t		 jerr;
	json_t			*ctx;
	char			 err[256] = "";

	ctx = json_loads(json, 0, &jerr);
	if (ctx == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	set = template_set_from_string("page", tpl, err, sizeof(err));
	if (set == NULL)
		fail_msg("template did not parse: %s", err);
	sb_init(&out);
	assert_int_equal(template_render(set, "page", ctx, &out), 0);
	template_set_free(set);
	json_decref(ctx);
	return (sb_detach(&out));
}

static void
check(const char *tpl, const char *json, const char *want)
{
	char	*got;

	got = render(tpl, json);
	if (strcmp(got, want) != 0)
		fail_msg("template \"%s\" with %s gave \"%s\", want \"%s\"",
		    tpl, json, got, want);
	free(got);
}

/* Expects tpl not to parse, with exactly the message want. */
static void
check_error(const char *tpl, const char *want)
{
	struct template_set	*set;
	char			 err[256] = "";

	set = template_set_from_string("page", tpl, err, sizeof(err));
	if (set != NULL) {
		template_set_free(set);
		fail_msg("template parsed: %s", tpl);
	}
	assert_string_equal(err, want);
}

static void
test_escaped_by_default(void **state)
{
	(void)state;
	check("<p title=\"{{x}}\">{{x}}</p>",
	    "{\"x\": \"<a href='x'>&\\\"</a>\"}",
	    "<p title=\"&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;\">"
	    "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;</p>");
	check("{{ x }}", "{\"x\": \"退款 & more\"}", "退款 &amp; more");
}

static void
test_triple_mustache_raw(void **state)
{
	(void)state;
	check("{{{html}}}|{{html}}", "{\"html\": \"<b>&amp;</b>\"}",
	    "<b>&amp;</b>|&lt;b&gt;&amp;amp;&lt;/b&gt;");
	check("{{{ html }}}", "{\"html\": \"<i>x</i>\"}", "<i>x</i>");
}

static void
test_scalars(void **state)
{
	(void)state;
	check("{{n}}|{{neg}}|{{r}}|{{t}}|{{f}}|{{z}}|{{missing}}|",
	    "{\"n\": 42, \"neg\": -7, \"r\": 1.5, \"t\": true, \"f\": false,"
	    " \"z\": null}",
	    "42|-7|1.5|true||||");
	check("plain text, no tags", "{}", "plain text, no tags");
	check("", "{}", "");
	check("a{{! a comment with {{braces }}b", "{}", "ab");
}

static void
test_dotted_names(void **state)
{
	(void)state;
	check("{{a.b.c}}|{{a.b.missing}}|{{nope.b}}|{{a.s.x}}",
	    "{\"a\": {\"b\": {\"c\": \"deep<\"}, \"s\": \"str\"}}",
	    "deep&lt;|||");
	check("{{#a.b}}[{{c}}]{{/a.b}}",
	    "{\"a\": {\"b\": {\"c\": \"in\"}}}", "[in]");
}

static void
test_section_array(void **state)
{
	(void)state;
	check("<ul>{{#items}}<li>{{name}}</li>{{/items}}</ul>",
	    "{\"items\": [{\"name\": \"a\"}, {\"name\": \"<b>\"}]}",
	    "<ul><li>a</li><li>&lt;b&gt;</li></ul>");
	check("{{#items}}({{.}}){{/items}}", "{\"items\": [\"x\", 2, \"&\"]}",
	    "(x)(2)(&amp;)");
	check("a{{#items}}x{{/items}}b", "{\"items\": []}", "ab");
	/* Nested arrays. */
	check("{{#rows}}[{{#cells}}{{.}}{{/cells}}]{{/rows}}",
	    "{\"rows\": [{\"cells\": [1, 2]}, {\"cells\": [3]}]}",
	    "[12][3]");
}

static void
test_section_boolean_and_values(void **state)
{
	(void)state;
	check("{{#ok}}yes{{/ok}}", "{\"ok\": true}", "yes");
	check("{{#ok}}yes{{/ok}}", "{\"ok\": false}", "");
	check("{{#ok}}yes{{/ok}}", "{}", "");
	check("{{#ok}}yes{{/ok}}", "{\"ok\": null}", "");
	check("{{#ok}}yes{{/ok}}", "{\"ok\": \"\"}", "");
	check("{{#ok}}yes{{/ok}}", "{\"ok\": 0}", "");
	check("{{#ok}}yes{{/ok}}", "{\"ok\": 3}", "yes");
	check("{{#s}}<{{.}}>{{/s}}", "{\"s\": \"str\"}", "<str>");
}

static void
test_section_object(void **state)
{
	(void)state;
	check("{{#user}}{{name}} ({{email}}){{/user}}",
	    "{\"user\": {\"name\": \"Li\", \"email\": \"li@example.com\"}}",
	    "Li (li@example.com)");
	/* An empty object is still an object: rendered once. */
	check("{{#o}}x{{/o}}", "{\"o\": {}}", "x");
}

static void
test_inverted_sections(void **state)
{
	(void)state;
	check("{{^items}}none{{/items}}", "{\"items\": []}", "none");
	check("{{^items}}none{{/items}}", "{\"items\": [1]}", "");
	check("{{^missing}}none{{/missing}}", "{}", "none");
	check("{{^f}}no{{/f}}", "{\"f\": false}", "no");
	check("{{^f}}no{{/f}}", "{\"f\": null}", "no");
	check("{{^f}}no{{/f}}", "{\"f\": \"\"}", "no");
	check("{{^f}}no{{/f}}", "{\"f\": true}", "");
	check("{{#f}}yes{{/f}}{{^f}}no{{/f}}", "{\"f\": true}", "yes");
	/* Inside an inverted section the context is unchanged. */
	check("{{^f}}{{name}}{{/f}}", "{\"f\": false, \"name\": \"n\"}", "n");
}

static void
test_outer_lookup(void **state)
{
	(void)state;
	check("{{#items}}{{name}}@{{site}} {{/items}}",
	    "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}],"
	    " \"site\": \"S\"}",
	    "a@S b@S ");
	/* Inner names shadow outer ones. */
	check("{{#o}}{{name}}{{/o}}|{{name}}",
	    "{\"o\": {\"name\": \"inner\"}, \"name\": \"outer\"}",
	    "inner|outer");
	/* Dotted name whose first part is only in the outer context. */
	check("{{#items}}{{site.name}}:{{.}} {{/items}}",
	    "{\"items\": [\"x\"], \"site\": {\"name\": \"S\"}}", "S:x ");
	/* Three levels. */
	check("{{#a}}{{#b}}{{top}}{{mid}}{{leaf}}{{/b}}{{/a}}",
	    "{\"top\": 1, \"a\": {\"mid\": 2, \"b\": [{\"leaf\": 3}]}}",
	    "123");
}

static void
test_unknown_template(void **state)
{
	struct template_set	*set;
	struct strbuf		 out;
	json_t			*ctx;
	char			 err[128];

	(void)state;
	set = template_set_from_string("page", "x", err, sizeof(err));
	assert_non_null(set);
	ctx = json_object();
	sb_init(&out);
	assert_int_equal(template_render(set, "other", ctx, &out), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(template_render(set, "page", ctx, &out), 0);
	assert_string_equal(out.data, "x");
	sb_free(&out);
	json_decref(ctx);
	template_set_free(set);
}

/* ---- partials, from files ---- */

static char	tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static int
setup_dir(void **state)
{
	(void)state;
	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/hc-tpl-XXXXXX");
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown_dir(void **state)
{
	char	cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return (system(cmd) == 0 ? 0 : -1);
}

static void
test_partials(void **state)
{
	struct template_set	*set;
	struct strbuf		 out;
	json_t			*ctx;
	json_error_t		 jerr;
	char			 err[256] = "";

	(void)state;
	write_file("page.html",
	    "<main>{{>header}}<ul>{{#items}}{{>item}}{{/items}}</ul>"
	    "{{>missing}}</main>");
	write_file("header.html", "<h1>{{title}}</h1>");
	write_file("item.html", "<li>{{name}} in {{title}}</li>");
	write_file("notes.txt", "{{#not a template");
	write_file(".html", "{{#hidden");

	set = template_set_load(tmpdir, err, sizeof(err));
	if (set == NULL)
		fail_msg("template_set_load: %s", err);
	ctx = json_loads("{\"title\": \"T<\", \"items\": [{\"name\": \"a\"},"
	    " {\"name\": \"b&\"}]}", 0, &jerr);
	assert_non_null(ctx);
	sb_init(&out);
	assert_int_equal(template_render(set, "page", ctx, &out), 0);
	assert_string_equal(out.data,
	    "<main><h1>T&lt;</h1><ul><li>a in T&lt;</li>"
	    "<li>b&amp; in T&lt;</li></ul></main>");
	sb_reset(&out);
	assert_int_equal(template_render(set, "header", ctx, &out), 0);
	assert_string_equal(out.data, "<h1>T&lt;</h1>");
	assert_int_equal(template_render(set, "notes", ctx, &out), -1);
	sb_free(&out);
	json_decref(ctx);
	template_set_free(set);
}

static void
test_load_error_names_file_and_line(void **state)
{
	struct template_set	*set;
	char			 err[256] = "";

	(void)state;
	write_file("good.html", "ok {{x}}\n");
	write_file("broken.html", "<div>\n{{#a}}\n{{/b}}\n</div>\n");
	set = template_set_load(tmpdir, err, sizeof(err));
	if (set != NULL) {
		template_set_free(set);
		fail_msg("a broken template was loaded");
	}
	if (strstr(err, "broken") == NULL || strstr(err, ":3:") == NULL ||
	    strstr(err, "{{/b}}") == NULL)
		fail_msg("message \"%s\" lacks the template, line 3 or the tag",
		    err);
}

static void
test_load_missing_dir(void **state)
{
	char	err[256] = "";

	(void)state;
	assert_null(template_set_load("/nonexistent/hc-templates", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/hc-templates"));
}

/* ---- parse errors ---- */

static void
test_error_mismatched_close(void **state)
{
	(void)state;
	check_error("a\n{{#a}}\n{{/b}}\n", "page:3: unexpected {{/b}}");
	check_error("{{/x}}", "page:1: unexpected {{/x}}");
	check_error("{{#a}}{{#b}}\n{{/a}}{{/b}}",
	    "page:2: unexpected {{/a}}");
}

static void
test_error_empty_tag(void **state)
{
	(void)state;
	check_error("x\n\n{{ }}", "page:3: empty tag");
}

/* Found by fuzzing: {{>page}}{{>page}} in page rendered 2^32 copies. */
static void
test_error_recursive_partial(void **state)
{
	(void)state;
	check_error("a{{#x}}{{>page}}{{/x}}{{>page}}", "template page: "
	    "includes itself through {{>page}} (a partial cannot be "
	    "recursive)");
}

/*
 * The line to report for a section that is never closed is where it opens:
 * that is what the editor has to find. The implementation reports the
 * position after the last tag it read inside the section instead (here
 * line 3, the {{name}} line).
 */
static void
test_error_unclosed_section(void **state)
{
	(void)state;
	check_error("<ul>\n{{#items}}\n<li>{{name}}</li>\n</ul>\n",
	    "page:2: {{#items}} is never closed");
	check_error("{{#a}}", "page:1: {{#a}} is never closed");
}

/*
 * An unclosed tag is reported at ps->p, the start of the text before the
 * tag, not at the tag: here line 1 although "{{name" is on line 2.
 */
static void
test_error_unclosed_tag(void **state)
{
	(void)state;
	check_error("{{name", "page:1: a tag is not closed");
	check_error("line1\nline2 {{name\n", "page:2: a tag is not closed");
	check_error("{{a}}\nb\n{{{raw}}\n", "page:3: a tag is not closed");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_escaped_by_default),
		cmocka_unit_test(test_triple_mustache_raw),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_dotted_names),
		cmocka_unit_test(test_section_array),
		cmocka_unit_test(test_section_boolean_and_values),
		cmocka_unit_test(test_section_object),
		cmocka_unit_test(test_inverted_sections),
		cmocka_unit_test(test_outer_lookup),
		cmocka_unit_test(test_unknown_template),
		cmocka_unit_test_setup_teardown(test_partials, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_load_error_names_file_and_line, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_load_missing_dir),
		cmocka_unit_test(test_error_mismatched_close),
		cmocka_unit_test(test_error_empty_tag),
		cmocka_unit_test(test_error_recursive_partial),
		cmocka_unit_test(test_error_unclosed_section),
		cmocka_unit_test(test_error_unclosed_tag),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
