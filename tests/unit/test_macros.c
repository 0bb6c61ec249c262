/* test_macros.c: unit tests of src/catalog/macros.c: placeholders checked, filled in one pass, and a hostile _macros/ folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/macros.h"

static void
test_check(void **state)
{
	char	why[256];

	(void)state;
	assert_int_equal(macro_check("Hi {{name}}, ref {{ref}}.", why,
	    sizeof(why)), 0);
	assert_int_equal(macro_check("no placeholder", why, sizeof(why)), 0);
	assert_int_equal(macro_check("Hi {{nmae}}", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "{{nmae}}"));
	assert_int_equal(macro_check("Hi {{ name }}", why, sizeof(why)), -1);
	assert_int_equal(macro_check("Hi {{", why, sizeof(why)), -1);
}

static void
test_fill(void **state)
{
	char	*s;

	(void)state;
	s = macro_fill("Hi {{name}} ({{ref}}){{name}}", "Ann", "HC-2026-000001");
	assert_string_equal(s, "Hi Ann (HC-2026-000001)Ann");
	free(s);
	/* A value is never scanned again. */
	s = macro_fill("{{name}}", "{{ref}}", "HC-2026-000001");
	assert_string_equal(s, "{{ref}}");
	free(s);
	s = macro_fill("{{name}}/{{ref}}", NULL, NULL);
	assert_string_equal(s, "/");
	free(s);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_tree(void **state)
{
	struct catalog_cache	*cache;
	struct catalog	*cat;
	char		 root[] = "/tmp/hc-macros-XXXXXX", dir[512];
	char		 cmd[600];
	size_t		 i;
	int		 link_seen, body_seen;

	(void)state;
	assert_non_null(mkdtemp(root));
	(void)snprintf(dir, sizeof(dir), "%s/_macros", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	put(dir, "good.md", "---\ntitle: Good\nlang: en\n---\nHi {{name}}\n");
	put(dir, "bad-lang.md", "---\ntitle: X\nlang: fr\n---\nHi\n");
	put(dir, "empty.md", "---\ntitle: Empty\n---\n\n");
	put(dir, "notes.txt", "not a macro");
	(void)snprintf(cmd, sizeof(cmd), "%s/link.md", dir);
	assert_int_equal(symlink("/etc/passwd", cmd), 0);
	cache = catalog_cache_new();
	cat = catalog_build(root, "zh-CN", cache);
	assert_non_null(cat);
	assert_non_null(cat->macros);
	assert_non_null(strstr(cat->macros, "\"name\":\"good\""));
	assert_null(strstr(cat->macros, "root:"));
	assert_null(strstr(cat->macros, "bad-lang"));
	/* Not a category. */
	assert_int_equal(cat->ncats, 0);
	link_seen = body_seen = 0;
	for (i = 0; i < cat->nproblems; i++) {
		if (strstr(cat->problems[i].file, "_macros/link.md"))
			link_seen = 1;
		if (strstr(cat->problems[i].file, "_macros/empty.md"))
			body_seen = 1;
	}
	assert_true(link_seen && body_seen);
	assert_int_equal(cat->nproblems, 4);
	catalog_free(cat);
	catalog_cache_free(cache);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_tree),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
