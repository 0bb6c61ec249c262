/* test_catalog.c: unit tests of src/catalog/catalog.h (building from a tree, cache) and snapshot.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/gittimes.h"
#include "catalog/snapshot.h"

static char	root[128];	/* the articles tree of one test */
static char	work[64];	/* holds root and the snapshot */

/* ---- fixture: a temporary articles tree ---- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
setup_tree(void **state)
{
	(void)state;
	(void)snprintf(work, sizeof(work), "/tmp/hc-cat-XXXXXX");
	if (mkdtemp(work) == NULL)
		return (-1);
	(void)snprintf(root, sizeof(root), "%s/articles", work);
	return (mkdir(root, 0755));
}

static int
teardown_tree(void **state)
{
	(void)state;
	return (nftw(work, rm_entry, 16, FTW_DEPTH | FTW_PHYS));
}

static void
full_path(const char *rel, char *out, size_t outlen)
{
	(void)snprintf(out, outlen, "%s/%s", root, rel);
}

/* Writes len bytes to root/rel, making the folders on the way. */
static void
put_bytes(const char *rel, const void *data, size_t len)
{
	char	 path[PATH_MAX], *p;
	FILE	*fp;

	full_path(rel, path, sizeof(path));
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if ((fp = fopen(path, "wb")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
put(const char *rel, const char *text)
{
	put_bytes(rel, text, strlen(text));
}

/* Moves the file's mtime secs seconds from now into the future. */
static void
bump_mtime(const char *rel, int secs)
{
	char		path[PATH_MAX];
	struct timespec	ts[2];

	full_path(rel, path, sizeof(path));
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts[0]), 0);
	ts[0].tv_sec += secs;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void
rm_file(const char *rel)
{
	char	path[PATH_MAX];

	full_path(rel, path, sizeof(path));
	assert_int_equal(unlink(path), 0);
}

static const struct problem *
find_problem(const struct catalog *cat, const char *file)
{
	size_t	i;

	for (i = 0; i < cat->nproblems; i++)
		if (!strcmp(cat->problems[i].file, file))
			return (&cat->problems[i]);
	return (NULL);
}

/* Fails listing every problem when the catalog has any. */
static void
assert_no_problems(const struct catalog *cat)
{
	size_t	i;

	for (i = 0; i < cat->nproblems; i++)
		print_error("unexpected problem %s:%d: %s\n",
		    cat->problems[i].file, cat->problems[i].line,
		    cat->problems[i].reason);
	assert_int_equal(cat->nproblems, 0);
}

static struct catalog *
build(struct catalog_cache *cache)
{
	struct catalog	*cat;

	cat = catalog_build(root, "zh-CN", cache);
	assert_non_null(cat);
	return (cat);
}

/* Builds with a throw-away cache. */
static struct catalog *
build_once(void)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;

	cache = catalog_cache_new();
	cat = build(cache);
	catalog_cache_free(cache);
	return (cat);
}

#define INDEX(title)	"---\ntitle: " title "\n---\n"

/* ---- categories and sections ---- */

static void
test_categories_and_sections(void **state)
{
	struct catalog		*cat;
	const struct category	*c;
	const struct category_text *t;

	(void)state;
	put("account/_index.md", "---\ntitle: 账户\ndescription: 账户的说明\n"
	    "order: 2\n---\n");
	put("account/_index.en.md", "---\ntitle: Account\n"
	    "description: About your account\n---\n");
	put("account/login/_index.md", "---\ntitle: 登录与安全\norder: 1\n---\n");
	put("refunds/_index.md", "---\ntitle: 退款\norder: 1\n"
	    "summary: 退款说明\n---\n");
	put("account/reset-password.md", "---\ntitle: 重置密码\n---\nx\n");
	put("account/login/two-factor.md", "---\ntitle: 两步验证\n---\nx\n");
	put("refunds/refund-rules.md", "---\ntitle: 退款规则\n---\nx\n");

	cat = build_once();
	assert_no_problems(cat);
	assert_int_equal(cat->ncats, 3);
	/* By order, then slug. */
	assert_string_equal(cat->cats[0].slug, "account/login");
	assert_string_equal(cat->cats[1].slug, "refunds");
	assert_string_equal(cat->cats[2].slug, "account");

	assert_non_null(c = catalog_category(cat, "account"));
	assert_null(c->parent);
	assert_int_equal(c->order, 2);
	assert_int_equal(c->ntexts, 2);
	assert_string_equal(c->texts[0].lang, "zh-CN");
	assert_string_equal(c->texts[0].title, "账户");
	assert_string_equal(c->texts[0].description, "账户的说明");
	assert_string_equal(c->texts[1].lang, "en");
	assert_string_equal(c->texts[1].title, "Account");
	assert_string_equal(c->texts[1].description, "About your account");
	t = category_text_in(c, "en");
	assert_string_equal(t->title, "Account");
	t = category_text_in(c, "zh-TW");
	assert_string_equal(t->title, "账户");
	assert_int_equal(c->narticles, 1);
	assert_string_equal(cat->arts[c->articles[0]].slug, "reset-password");
	assert_int_equal(c->total, 2);

	assert_non_null(c = catalog_category(cat, "account/login"));
	assert_non_null(c->parent);
	assert_string_equal(c->parent, "account");
	assert_int_equal(c->ntexts, 1);
	assert_string_equal(c->texts[0].title, "登录与安全");
	assert_null(c->texts[0].description);
	assert_int_equal(c->narticles, 1);
	assert_string_equal(cat->arts[c->articles[0]].slug, "two-factor");
	assert_int_equal(c->total, 1);

	assert_non_null(c = catalog_category(cat, "refunds"));
	/* summary stands in for a missing description. */
	assert_string_equal(c->texts[0].description, "退款说明");
	assert_null(catalog_category(cat, "login"));

	assert_int_equal(cat->narts, 3);
	assert_string_equal(catalog_article(cat, "two-factor")->category,
	    "account/login");
	catalog_free(cat);
}

static void
test_articles_ordered_in_category(void **state)
{
	struct catalog		*cat;
	const struct category	*c;

	(void)state;
	put("faq/_index.md", INDEX("FAQ"));
	put("faq/c-last.md", "---\ntitle: A title\norder: 5\n---\n");
	put("faq/b-second.md", "---\ntitle: Z title\norder: 1\n---\n");
	put("faq/a-first.md", "---\ntitle: M title\norder: 1\n---\n");
	cat = build_once();
	assert_no_problems(cat);
	assert_non_null(c = catalog_category(cat, "faq"));
	assert_int_equal(c->narticles, 3);
	/* order first, then title. */
	assert_string_equal(cat->arts[c->articles[0]].slug, "a-first");
	assert_string_equal(cat->arts[c->articles[1]].slug, "b-second");
	assert_string_equal(cat->arts[c->articles[2]].slug, "c-last");
	catalog_free(cat);
}

/* ---- translations ---- */

static void
test_translations(void **state)
{
	struct catalog			*cat;
	const struct article		*a;
	const struct article_version	*v;

	(void)state;
	put("account/_index.md", INDEX("账户"));
	put("account/reset-password.md", "---\ntitle: 重置密码\n"
	    "updated: 2026-01-31\ntags: [密码]\n---\n\n## 第一步\n");
	put("account/reset-password.en.md", "---\ntitle: Reset your password\n"
	    "---\n\n## Step 1\n");
	put("account/reset-password.zh-TW.md", "---\ntitle: 重設密碼\n"
	    "lang: zh-TW\n---\n\n## 第一步\n");

	cat = build_once();
	assert_no_problems(cat);
	assert_int_equal(cat->narts, 1);
	assert_non_null(a = catalog_article(cat, "reset-password"));
	assert_int_equal(a->nversions, 3);
	/* [0] is the source file, in the default language. */
	assert_string_equal(a->versions[0].lang, "zh-CN");
	assert_string_equal(a->versions[0].path, "account/reset-password.md");
	assert_string_equal(a->versions[0].title, "重置密码");
	assert_int_equal(a->versions[0].updated, 1769817600LL);
	assert_int_equal(a->versions[0].ntags, 1);
	assert_string_equal(a->versions[0].tags[0], "密码");

	assert_non_null(v = article_version_in(a, "en"));
	assert_string_equal(v->path, "account/reset-password.en.md");
	assert_string_equal(v->title, "Reset your password");
	assert_string_equal(v->html, "<h2 id=\"step-1\">Step 1</h2>\n");
	assert_int_equal(v->ntoc, 1);
	assert_string_equal(v->toc[0].anchor, "step-1");

	assert_non_null(v = article_version_in(a, "zh-TW"));
	assert_string_equal(v->title, "重設密碼");
	assert_null(article_version_in(a, "fr"));
	assert_null(catalog_article(cat, "reset-password.en"));
	catalog_free(cat);
}

static void
test_translation_lang_mismatch(void **state)
{
	struct catalog		*cat;
	const struct problem	*p;

	(void)state;
	put("account/_index.md", INDEX("账户"));
	put("account/faq.md", "---\ntitle: 常见问题\n---\n");
	put("account/faq.en.md", "---\ntitle: FAQ\nlang: zh-TW\n---\n");
	put("account/bad.fr.md", "---\ntitle: Bonjour\n---\n");
	cat = build_once();
	assert_non_null(p = find_problem(cat, "account/faq.en.md"));
	assert_non_null(strstr(p->reason, "en"));
	assert_non_null(strstr(p->reason, "zh-TW"));
	assert_non_null(find_problem(cat, "account/bad.fr.md"));
	assert_int_equal(catalog_article(cat, "faq")->nversions, 1);
	assert_null(catalog_article(cat, "bad"));
	catalog_free(cat);
}

/* ---- drafts ---- */

static void
test_drafts_excluded_and_listed(void **state)
{
	struct catalog	*cat;

	(void)state;
	put("refunds/_index.md", INDEX("退款"));
	put("refunds/public.md", "---\ntitle: 公开\ndraft: false\n---\n");
	put("refunds/secret.md", "---\ntitle: 草稿\ndraft: true\n---\n");
	cat = build_once();
	assert_no_problems(cat);
	assert_non_null(catalog_article(cat, "public"));
	assert_null(catalog_article(cat, "secret"));
	assert_int_equal(cat->narts, 1);
	assert_int_equal(cat->ndrafts, 1);
	assert_string_equal(cat->drafts[0], "refunds/secret.md");
	assert_int_equal(catalog_category(cat, "refunds")->narticles, 1);
	/* Kept apart for the editors' preview, in no list. */
	assert_int_equal(cat->ndraft_arts, 1);
	assert_non_null(catalog_draft(cat, "secret"));
	assert_string_equal(catalog_draft(cat, "secret")->versions[0].title,
	    "草稿");
	assert_null(catalog_draft(cat, "public"));
	assert_int_equal(cat->recent[0], 0);
	catalog_free(cat);
}

static void
test_drafts_grouped_and_shadowed(void **state)
{
	struct catalog		*cat, *back;
	const struct article	*a;
	char			 path[128];

	(void)state;
	put("refunds/_index.md", INDEX("退款"));
	put("refunds/live.md", "---\ntitle: 公开\n---\n");
	put("refunds/next.md", "---\ntitle: 下一版\ndraft: true\n"
	    "aliases: [live-old]\n---\n\n草稿正文\n");
	put("refunds/next.en.md", "---\ntitle: Next\ndraft: true\n---\n");
	/* A draft translation of a live article is not previewed. */
	put("refunds/live.en.md", "---\ntitle: Live\ndraft: true\n---\n");
	/* A draft that copies a live slug cannot be shown at its URL. */
	put("refunds/other/_index.md", INDEX("其他"));
	put("refunds/other/live.md", "---\ntitle: 冒名\ndraft: true\n---\n");
	cat = build_once();
	assert_int_equal(cat->narts, 1);
	assert_int_equal(cat->ndrafts, 4);
	assert_int_equal(cat->ndraft_arts, 1);
	assert_non_null(a = catalog_draft(cat, "next"));
	assert_int_equal(a->nversions, 2);
	assert_string_equal(a->versions[0].lang, "zh-CN");
	assert_int_equal(a->naliases, 0);
	assert_null(catalog_alias(cat, "live-old"));
	assert_null(catalog_draft(cat, "live"));
	assert_int_equal(catalog_article(cat, "live")->nversions, 1);
	assert_int_equal(cat->nproblems, 1);
	assert_non_null(strstr(cat->problems[0].reason, "cannot be previewed"));

	/* The snapshot keeps them flagged: read back apart, bodies too. */
	(void)snprintf(path, sizeof(path), "%s/catalog.db", work);
	assert_int_equal(snapshot_write(cat, path), 0);
	assert_non_null(back = snapshot_read(path, 1));
	assert_int_equal(back->narts, 1);
	assert_int_equal(back->ndraft_arts, 1);
	assert_null(catalog_article(back, "next"));
	assert_non_null(a = catalog_draft(back, "next"));
	assert_int_equal(a->nversions, 2);
	assert_string_equal(a->versions[1].title, "Next");
	assert_int_equal(catalog_category(back, "refunds")->narticles, 1);
	catalog_free(back);
	catalog_free(cat);
}

/* ---- aliases ---- */

static void
test_aliases(void **state)
{
	struct catalog		*cat;
	const struct problem	*p;

	(void)state;
	put("account/_index.md", INDEX("账户"));
	put("account/reset-password.md", "---\ntitle: 重置密码\n"
	    "aliases: [forgot-password, lost-password]\n---\n");
	put("account/login.md", "---\ntitle: 登录\naliases: [reset-password, "
	    "Sign In]\n---\n");

	cat = build_once();
	assert_non_null(catalog_alias(cat, "forgot-password"));
	assert_string_equal(catalog_alias(cat, "forgot-password"),
	    "reset-password");
	assert_string_equal(catalog_alias(cat, "lost-password"),
	    "reset-password");
	assert_null(catalog_alias(cat, "reset-password"));
	assert_null(catalog_alias(cat, "Sign In"));
	assert_null(catalog_alias(cat, "nope"));
	assert_int_equal(cat->naliases, 2);
	/* An alias that is a live slug, or not a slug, is reported. */
	assert_int_equal(cat->nproblems, 2);
	assert_non_null(p = find_problem(cat, "account/login.md"));
	assert_string_equal(cat->problems[0].file, "account/login.md");
	assert_string_equal(cat->problems[1].file, "account/login.md");
	assert_true((strstr(cat->problems[0].reason, "'reset-password'") &&
	    strstr(cat->problems[1].reason, "'Sign In'")) ||
	    (strstr(cat->problems[1].reason, "'reset-password'") &&
	    strstr(cat->problems[0].reason, "'Sign In'")));
	catalog_free(cat);
}

/*
 * Two articles claiming the same old slug: /articles/old-faq can only
 * redirect to one of them. The builder lists both aliases and bsearch
 * picks one silently; this should be reported like an alias that is a
 * live slug.
 */
static void
test_alias_claimed_twice_reported(void **state)
{
	struct catalog	*cat;
	size_t		 i;
	int		 found;

	(void)state;
	put("help/_index.md", INDEX("帮助"));
	put("help/faq-a.md", "---\ntitle: A\naliases: [old-faq]\n---\n");
	put("help/faq-b.md", "---\ntitle: B\naliases: [old-faq]\n---\n");
	cat = build_once();
	for (found = 0, i = 0; i < cat->nproblems; i++)
		if (strstr(cat->problems[i].reason, "old-faq") != NULL)
			found = 1;
	if (!found)
		fail_msg("alias 'old-faq' of two articles not reported "
		    "(resolves to %s)", catalog_alias(cat, "old-faq"));
	catalog_free(cat);
}

/* ---- problems ---- */

static void
test_duplicate_slug(void **state)
{
	struct catalog		*cat;
	const struct article	*a;
	const struct problem	*p;

	(void)state;
	put("account/_index.md", INDEX("账户"));
	put("refunds/_index.md", INDEX("退款"));
	put("account/faq.md", "---\ntitle: 账户问题\n---\n");
	put("refunds/faq.md", "---\ntitle: 退款问题\n---\n");
	cat = build_once();
	assert_int_equal(cat->narts, 1);
	assert_non_null(a = catalog_article(cat, "faq"));
	/* The first in a sorted walk of the tree keeps the slug. */
	assert_string_equal(a->versions[0].path, "account/faq.md");
	assert_int_equal(cat->nproblems, 1);
	p = &cat->problems[0];
	/* Both files are named: one as the file, one in the reason. */
	assert_string_equal(p->file, "refunds/faq.md");
	assert_non_null(strstr(p->reason, "account/faq.md"));
	assert_non_null(strstr(p->reason, "faq"));
	catalog_free(cat);
}

static void
test_broken_links(void **state)
{
	struct catalog	*cat;
	size_t		 i;
	int		 seen_nope, seen_gone;

	(void)state;
	put("help/_index.md", INDEX("帮助"));
	put("help/target.md", "---\ntitle: T\naliases: [old-target]\n---\n");
	put("help/source.md",
	    "---\n"				/* 1 */
	    "title: S\n"			/* 2 */
	    "---\n"				/* 3 */
	    "\n"				/* 4 */
	    "Good: [a](target) [b](old-target#x).\n"	/* 5 */
	    "\n"				/* 6 */
	    "Bad: [c](nope).\n"			/* 7 */
	    "\n"				/* 8 */
	    "Also [d](gone#section).\n");	/* 9 */
	cat = build_once();
	assert_int_equal(cat->nproblems, 2);
	seen_nope = seen_gone = 0;
	for (i = 0; i < cat->nproblems; i++) {
		assert_string_equal(cat->problems[i].file, "help/source.md");
		if (strstr(cat->problems[i].reason, "'nope'") != NULL) {
			assert_int_equal(cat->problems[i].line, 7);
			seen_nope = 1;
		}
		if (strstr(cat->problems[i].reason, "'gone'") != NULL) {
			assert_int_equal(cat->problems[i].line, 9);
			seen_gone = 1;
		}
	}
	assert_true(seen_nope && seen_gone);
	/* A broken link does not stop the article being served. */
	assert_non_null(catalog_article(cat, "source"));
	catalog_free(cat);
}

static void
test_broken_yaml_reported_with_line(void **state)
{
	struct catalog		*cat;
	const struct problem	*p;

	(void)state;
	put("help/_index.md", INDEX("帮助"));
	put("help/good.md", "---\ntitle: Good\n---\n");
	put("help/broken.md",
	    "---\n"			/* 1 */
	    "title: Broken\n"		/* 2 */
	    "tags: [a, b]\n"		/* 3 */
	    "summary: x: y\n"		/* 4 */
	    "---\n");
	cat = build_once();
	assert_int_equal(cat->nproblems, 1);
	assert_non_null(p = find_problem(cat, "help/broken.md"));
	assert_int_equal(p->line, 4);
	assert_non_null(strstr(p->reason, "YAML"));
	assert_null(catalog_article(cat, "broken"));
	assert_non_null(catalog_article(cat, "good"));
	catalog_free(cat);
}

/*
 * SPEC section 2: a broken file never takes the site down; the last good
 * version keeps being served and the problem is reported.
 */
static void
test_broken_file_keeps_last_good_version(void **state)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;
	const struct article	*a;
	const struct problem	*p;

	(void)state;
	cache = catalog_cache_new();
	put("help/_index.md", INDEX("帮助"));
	put("help/refund.md", "---\ntitle: 退款 v1\n---\n\n## Old heading\n");

	cat = build(cache);
	assert_no_problems(cat);
	assert_non_null(a = catalog_article(cat, "refund"));
	assert_string_equal(a->versions[0].title, "退款 v1");
	catalog_free(cat);

	/* Broken: bad YAML on line 3, a new title, a later mtime. */
	put("help/refund.md", "---\ntitle: 退款 v2\nsummary: a: b\n---\n\n"
	    "## New heading\n");
	bump_mtime("help/refund.md", 10);
	cat = build(cache);
	assert_non_null(a = catalog_article(cat, "refund"));
	assert_string_equal(a->versions[0].title, "退款 v1");
	assert_string_equal(a->versions[0].html,
	    "<h2 id=\"old-heading\">Old heading</h2>\n");
	assert_int_equal(cat->nproblems, 1);
	assert_non_null(p = find_problem(cat, "help/refund.md"));
	assert_int_equal(p->line, 3);
	assert_non_null(strstr(p->reason, "YAML"));
	assert_int_equal(catalog_category(cat, "help")->narticles, 1);
	catalog_free(cat);

	/* Unchanged and still broken: still served, still reported. */
	cat = build(cache);
	assert_string_equal(catalog_article(cat, "refund")->versions[0].title,
	    "退款 v1");
	assert_non_null(find_problem(cat, "help/refund.md"));
	catalog_free(cat);

	/* Fixed: the new version replaces it and the problem is gone. */
	put("help/refund.md", "---\ntitle: 退款 v3\n---\n");
	bump_mtime("help/refund.md", 20);
	cat = build(cache);
	assert_no_problems(cat);
	assert_string_equal(catalog_article(cat, "refund")->versions[0].title,
	    "退款 v3");
	catalog_free(cat);
	catalog_cache_free(cache);
}

/* The cache re-parses a file only when mtime, size or inode change. */
static void
test_unchanged_file_taken_from_cache(void **state)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;
	char			 path[PATH_MAX];
	struct stat		 st;
	struct timespec		 ts[2];

	(void)state;
	cache = catalog_cache_new();
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: AAAA\n---\n");
	full_path("help/page.md", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	cat = build(cache);
	catalog_free(cat);

	/* Same size, same inode, same mtime: not looked at again. */
	put("help/page.md", "---\ntitle: BBBB\n---\n");
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	cat = build(cache);
	assert_string_equal(catalog_article(cat, "page")->versions[0].title,
	    "AAAA");
	catalog_free(cat);

	/* Without the cache the new text is read. */
	cat = build_once();
	assert_string_equal(catalog_article(cat, "page")->versions[0].title,
	    "BBBB");
	catalog_free(cat);
	catalog_cache_free(cache);
}

static void
test_deleted_file_removed(void **state)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;

	(void)state;
	cache = catalog_cache_new();
	put("help/_index.md", INDEX("帮助"));
	put("help/keep.md", "---\ntitle: Keep\n---\n");
	put("help/gone.md", "---\ntitle: Gone\n---\n");
	put("help/gone.en.md", "---\ntitle: Gone (en)\n---\n");
	cat = build(cache);
	assert_int_equal(cat->narts, 2);
	assert_non_null(catalog_article(cat, "gone"));
	catalog_free(cat);

	rm_file("help/gone.md");
	rm_file("help/gone.en.md");
	cat = build(cache);
	assert_no_problems(cat);
	assert_int_equal(cat->narts, 1);
	assert_null(catalog_article(cat, "gone"));
	assert_non_null(catalog_article(cat, "keep"));
	assert_int_equal(catalog_category(cat, "help")->narticles, 1);
	catalog_free(cat);

	/* A broken file that is deleted takes its last good version along. */
	put("help/keep.md", "---\ntitle: [\n---\n");
	bump_mtime("help/keep.md", 10);
	cat = build(cache);
	assert_non_null(catalog_article(cat, "keep"));
	catalog_free(cat);
	rm_file("help/keep.md");
	cat = build(cache);
	assert_int_equal(cat->narts, 0);
	assert_no_problems(cat);
	catalog_free(cat);
	catalog_cache_free(cache);
}

/* ---- assets ---- */

static const unsigned char	png[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, 'I', 'H',
	'D', 'R', 0xff, 0x00
};

static void
test_asset(void **state)
{
	struct catalog		*cat;
	const struct asset	*as;
	const struct article	*a;

	(void)state;
	put("account/_index.md", INDEX("账户"));
	put("account/reset-password.md", "---\ntitle: 重置密码\n---\n\n"
	    "![截图](reset-password.assets/step1.png)\n");
	put_bytes("account/reset-password.assets/step1.png", png, sizeof(png));
	put("account/reset-password.assets/.hidden.png", "x");

	cat = build_once();
	assert_no_problems(cat);
	assert_int_equal(cat->nassets, 1);
	assert_non_null(as = catalog_asset(cat,
	    "reset-password.assets/step1.png"));
	assert_string_equal(as->key, "reset-password.assets/step1.png");
	assert_int_equal(as->len, sizeof(png));
	assert_memory_equal(as->data, png, sizeof(png));
	assert_null(catalog_asset(cat, "reset-password.assets/.hidden.png"));
	assert_null(catalog_asset(cat,
	    "account/reset-password.assets/step1.png"));
	/* The asset folder is not a section. */
	assert_null(catalog_category(cat, "account/reset-password.assets"));
	assert_non_null(a = catalog_article(cat, "reset-password"));
	assert_string_equal(a->versions[0].html,
	    "<p><img src=\"/articles/reset-password.assets/step1.png\" "
	    "alt=\"截图\" /></p>\n");
	catalog_free(cat);
}

/* ---- snapshot round trip ---- */

static void
assert_str_or_null(const char *a, const char *b, const char *what)
{
	if (a == NULL && b == NULL)
		return;
	if (a == NULL || b == NULL || strcmp(a, b) != 0)
		fail_msg("%s differs: \"%s\" vs \"%s\"", what, a ? a : "(null)",
		    b ? b : "(null)");
}

static void
assert_list_equal(char **a, size_t na, char **b, size_t nb, const char *what)
{
	size_t	i;

	if (na != nb)
		fail_msg("%s: %zu vs %zu entries", what, na, nb);
	for (i = 0; i < na; i++)
		assert_str_or_null(a[i], b[i], what);
}

static void
assert_versions_equal(const struct article_version *x,
    const struct article_version *y)
{
	size_t	i;

	assert_str_or_null(x->lang, y->lang, "lang");
	assert_str_or_null(x->path, y->path, "path");
	assert_str_or_null(x->title, y->title, "title");
	assert_str_or_null(x->summary, y->summary, "summary");
	assert_list_equal(x->tags, x->ntags, y->tags, y->ntags, "tags");
	assert_str_or_null(x->markdown, y->markdown, "markdown");
	assert_str_or_null(x->html, y->html, "html");
	assert_str_or_null(x->plain, y->plain, "plain");
	assert_str_or_null(x->headings, y->headings, "headings");
	assert_int_equal(x->ntoc, y->ntoc);
	for (i = 0; i < x->ntoc; i++) {
		assert_int_equal(x->toc[i].level, y->toc[i].level);
		assert_str_or_null(x->toc[i].anchor, y->toc[i].anchor, "anchor");
		assert_str_or_null(x->toc[i].text, y->toc[i].text, "toc text");
	}
	assert_list_equal(x->links, x->nlinks, y->links, y->nlinks, "links");
	assert_int_equal(x->updated, y->updated);
	assert_str_or_null(x->owner, y->owner, "owner");
	assert_str_or_null(x->review_by, y->review_by, "review_by");
}

static void
assert_catalogs_equal(const struct catalog *x, const struct catalog *y)
{
	size_t	i, j;

	assert_int_equal(x->built, y->built);
	assert_str_or_null(x->synonyms, y->synonyms, "synonyms");

	assert_int_equal(x->ncats, y->ncats);
	for (i = 0; i < x->ncats; i++) {
		assert_str_or_null(x->cats[i].slug, y->cats[i].slug, "cat slug");
		assert_str_or_null(x->cats[i].parent, y->cats[i].parent,
		    "cat parent");
		assert_int_equal(x->cats[i].order, y->cats[i].order);
		assert_int_equal(x->cats[i].ntexts, y->cats[i].ntexts);
		for (j = 0; j < x->cats[i].ntexts; j++) {
			assert_str_or_null(x->cats[i].texts[j].lang,
			    y->cats[i].texts[j].lang, "cat text lang");
			assert_str_or_null(x->cats[i].texts[j].title,
			    y->cats[i].texts[j].title, "cat title");
			assert_str_or_null(x->cats[i].texts[j].description,
			    y->cats[i].texts[j].description, "cat description");
		}
		assert_int_equal(x->cats[i].narticles, y->cats[i].narticles);
		for (j = 0; j < x->cats[i].narticles; j++)
			assert_int_equal(x->cats[i].articles[j],
			    y->cats[i].articles[j]);
		assert_int_equal(x->cats[i].total, y->cats[i].total);
	}

	assert_int_equal(x->narts, y->narts);
	for (i = 0; i < x->narts; i++) {
		assert_str_or_null(x->arts[i].slug, y->arts[i].slug, "slug");
		assert_str_or_null(x->arts[i].category, y->arts[i].category,
		    "category");
		assert_int_equal(x->arts[i].order, y->arts[i].order);
		assert_list_equal(x->arts[i].aliases, x->arts[i].naliases,
		    y->arts[i].aliases, y->arts[i].naliases, "article aliases");
		assert_int_equal(x->arts[i].nversions, y->arts[i].nversions);
		for (j = 0; j < x->arts[i].nversions; j++)
			assert_versions_equal(&x->arts[i].versions[j],
			    &y->arts[i].versions[j]);
	}

	if (x->naliases != y->naliases)
		fail_msg("%zu aliases built, %zu read back", x->naliases,
		    y->naliases);
	for (i = 0; i < x->naliases; i++) {
		assert_str_or_null(x->aliases[i].alias, y->aliases[i].alias,
		    "alias");
		assert_str_or_null(x->aliases[i].slug, y->aliases[i].slug,
		    "alias target");
	}

	assert_int_equal(x->nassets, y->nassets);
	for (i = 0; i < x->nassets; i++) {
		assert_str_or_null(x->assets[i].key, y->assets[i].key,
		    "asset key");
		assert_int_equal(x->assets[i].len, y->assets[i].len);
		assert_memory_equal(x->assets[i].data, y->assets[i].data,
		    x->assets[i].len);
	}

	assert_int_equal(x->nproblems, y->nproblems);
	for (i = 0; i < x->nproblems; i++) {
		assert_str_or_null(x->problems[i].file, y->problems[i].file,
		    "problem file");
		assert_int_equal(x->problems[i].line, y->problems[i].line);
		assert_str_or_null(x->problems[i].reason, y->problems[i].reason,
		    "problem reason");
	}

	assert_list_equal(x->drafts, x->ndrafts, y->drafts, y->ndrafts,
	    "drafts");
}

static struct catalog *
round_trip(const struct catalog *cat)
{
	char		path[128];
	struct catalog	*back;

	(void)snprintf(path, sizeof(path), "%s/catalog.db", work);
	assert_int_equal(snapshot_write(cat, path), 0);
	assert_non_null(back = snapshot_read(path, 0));
	return (back);
}

static void
test_snapshot_round_trip(void **state)
{
	struct catalog	*cat, *back;
	char		 path[128];

	(void)state;
	put("_synonyms.txt", "退款 退钱 refund\n");
	put("account/_index.md", "---\ntitle: 账户\ndescription: 说明\n"
	    "order: 2\n---\n");
	put("account/_index.en.md", "---\ntitle: Account\n---\n");
	put("account/login/_index.md", INDEX("登录"));
	put("refunds/_index.md", "---\ntitle: 退款\norder: 1\n---\n");
	put("account/reset-password.md",
	    "---\n"
	    "title: 重置密码\n"
	    "summary: 忘记密码怎么办\n"
	    "tags: [密码, 账户]\n"
	    "order: 3\n"
	    "aliases: [forgot-password]\n"
	    "updated: 2026-01-31\n"
	    "owner: 王小明\n"
	    "review_by: 2025-06-30\n"
	    "---\n"
	    "\n## 第 1 步：登录\n\n### 细节\n\n见 [退款](refund-rules#when)。\n\n"
	    "![图](reset-password.assets/pic.png)\n");
	put("account/reset-password.en.md", "---\ntitle: Reset your password\n"
	    "---\n\n## Step 1\n\n[bad](no-such-article)\n");
	put("account/login/two-factor.md", "---\ntitle: 两步验证\n---\nx\n");
	put("refunds/refund-rules.md", "---\ntitle: 退款规则\n---\n\n## When\n");
	put("refunds/draft.md", "---\ntitle: 草稿\ndraft: true\n---\n");
	put("refunds/broken.md", "---\ntitle: x\nsummary: a: b\n---\n");
	put_bytes("account/reset-password.assets/pic.png", png, sizeof(png));

	cat = build_once();
	/* The tree exercises every part of a catalog. */
	assert_int_equal(cat->ncats, 3);
	assert_int_equal(cat->narts, 3);
	assert_int_equal(cat->naliases, 1);
	assert_int_equal(cat->nassets, 1);
	assert_int_equal(cat->nproblems, 2);
	assert_int_equal(cat->ndrafts, 1);
	assert_non_null(cat->synonyms);
	assert_int_equal(catalog_article(cat, "reset-password")->versions[0]
	    .ntoc, 2);

	back = round_trip(cat);
	assert_catalogs_equal(cat, back);
	assert_string_equal(catalog_alias(back, "forgot-password"),
	    "reset-password");
	assert_non_null(catalog_asset(back, "reset-password.assets/pic.png"));
	catalog_free(back);
	catalog_free(cat);

	(void)snprintf(path, sizeof(path), "%s/missing.db", work);
	assert_null(snapshot_read(path, 0));
}

/*
 * The builder drops aliases that are not valid slugs (and reports them);
 * snapshot_read() rebuilds the alias table from the articles' alias lists
 * checking only that no article has that slug, so "Old Name" comes back
 * as a live alias in every worker that reads the snapshot.
 */
static void
test_snapshot_keeps_rejected_aliases_out(void **state)
{
	struct catalog	*cat, *back;

	(void)state;
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: P\naliases: [old-page, Old Name, "
	    "other]\n---\n");
	put("help/other.md", "---\ntitle: O\n---\n");
	cat = build_once();
	assert_int_equal(cat->naliases, 1);
	assert_null(catalog_alias(cat, "Old Name"));
	back = round_trip(cat);
	assert_null(catalog_alias(back, "Old Name"));
	assert_null(catalog_alias(back, "other"));
	assert_int_equal(back->naliases, 1);
	catalog_free(back);
	catalog_free(cat);
}

/*
 * Workers read snapshots light: no texts in memory, each read on demand,
 * and the texts read must be those that were written.
 */
static void
test_snapshot_light_and_bodies(void **state)
{
	struct catalog		*cat, *light;
	struct snapshot_bodies	*b;
	struct version_body	 body;
	const struct article	*a, *la;
	char			 path[128];

	(void)state;
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: 页面\n---\n\n## 标题\n\n正文 **粗体**\n");
	put("help/page.en.md", "---\ntitle: Page\n---\n\nBody text\n");
	cat = build_once();
	(void)snprintf(path, sizeof(path), "%s/catalog.db", work);
	assert_int_equal(snapshot_write(cat, path), 0);
	assert_non_null(light = snapshot_read(path, 1));
	assert_non_null(la = catalog_article(light, "page"));
	assert_int_equal(la->nversions, 2);
	assert_string_equal(la->versions[0].title, "页面");
	assert_int_equal(la->versions[0].ntoc, 1);
	assert_null(la->versions[0].html);
	assert_null(la->versions[0].markdown);
	assert_null(la->versions[0].plain);

	assert_non_null(b = snapshot_bodies_open(path));
	a = catalog_article(cat, "page");
	assert_int_equal(snapshot_bodies_get(b, "page", "en", &body), 0);
	assert_string_equal(body.html, article_version_in(a, "en")->html);
	assert_string_equal(body.markdown,
	    article_version_in(a, "en")->markdown);
	assert_string_equal(body.plain, article_version_in(a, "en")->plain);
	body_free(&body);
	assert_int_equal(snapshot_bodies_get(b, "page", "zh-TW", &body), -1);
	assert_int_equal(snapshot_bodies_get(b, "nope", "en", &body), -1);
	snapshot_bodies_close(b);
	catalog_free(light);
	catalog_free(cat);
}

/* Runs a git command in root with a fixed commit date; fails the test on error. */
static void
git_at(const char *args, long long when)
{
	char	cmd[1024];

	(void)snprintf(cmd, sizeof(cmd), "cd %s && GIT_AUTHOR_DATE='@%lld +0000' "
	    "GIT_COMMITTER_DATE='@%lld +0000' git -c user.name=t "
	    "-c user.email=t@example.com -c init.defaultBranch=main %s "
	    ">/dev/null 2>&1", root, when, when, args);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
}

/*
 * Dates come from the last commit touching the file. The times are kept
 * in the cache while HEAD stays the same, and read again after a commit.
 */
static void
test_git_commit_times(void **state)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;

	(void)state;
	if (access("/usr/bin/git", X_OK) != 0)
		fail_msg("git is needed (make test-deps installs it)");
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: A\n---\n");
	git_at("init -q .", 0);
	git_at("add -A", 0);
	git_at("commit -qm one", 1700000000);
	cache = catalog_cache_new();
	cat = build(cache);
	assert_int_equal(catalog_article(cat, "page")->versions[0].updated,
	    1700000000);
	assert_int_not_equal(catalog_article(cat, "page")->versions[0].
	    source_hash, 0);
	catalog_free(cat);

	/* An edit not yet committed keeps the commit's date. */
	put("help/page.md", "---\ntitle: B\n---\n");
	bump_mtime("help/page.md", 10);
	cat = build(cache);
	assert_string_equal(catalog_article(cat, "page")->versions[0].title, "B");
	assert_int_equal(catalog_article(cat, "page")->versions[0].updated,
	    1700000000);
	catalog_free(cat);

	/* A new commit: the cached times are read again. */
	git_at("commit -qam two", 1710000000);
	cat = build(cache);
	assert_int_equal(catalog_article(cat, "page")->versions[0].updated,
	    1710000000);
	catalog_free(cat);
	catalog_cache_free(cache);
}

/* ---- a hostile tree: links, FIFOs, a hostile .git/config ---- */

static void
link_at(const char *target, const char *rel)
{
	char	path[PATH_MAX];

	full_path(rel, path, sizeof(path));
	if (symlink(target, path) != 0)
		fail_msg("symlink %s: %s", path, strerror(errno));
}

static int
problem_says(const struct catalog *cat, const char *file, const char *word)
{
	const struct problem	*p;

	return ((p = find_problem(cat, file)) != NULL &&
	    strstr(p->reason, word) != NULL);
}

/*
 * No symbolic link below the root is followed: an image, an article, a
 * category folder, _synonyms.txt, an .assets folder; each is a problem.
 */
static void
test_symlinks_not_followed(void **state)
{
	struct catalog	*cat;
	char		 secret[PATH_MAX], outside[PATH_MAX];

	(void)state;
	(void)snprintf(secret, sizeof(secret), "%s/secret.db", work);
	(void)snprintf(outside, sizeof(outside), "%s/outside", work);
	put_bytes("../secret.db", "SECRET-BYTES", 12);
	put("../outside/_index.md", INDEX("Outside"));
	put("../outside/leak.md", "---\ntitle: Leak\n---\nSECRET\n");
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: Page\n---\n");
	put("help/page.assets/ok.png", "png");
	link_at(secret, "help/page.assets/db.png");
	link_at(secret, "help/linked.md");
	link_at(outside, "outside");
	link_at(outside, "help/other.assets");
	link_at(secret, "_synonyms.txt");

	cat = build_once();
	assert_non_null(catalog_asset(cat, "page.assets/ok.png"));
	assert_null(catalog_asset(cat, "page.assets/db.png"));
	assert_null(catalog_article(cat, "linked"));
	assert_null(catalog_article(cat, "leak"));
	assert_null(catalog_category(cat, "outside"));
	assert_null(cat->synonyms);
	assert_int_equal(cat->narts, 1);
	assert_true(problem_says(cat, "help/page.assets/db.png", "symbolic"));
	assert_true(problem_says(cat, "help/linked.md", "symbolic"));
	assert_true(problem_says(cat, "outside", "symbolic"));
	assert_true(problem_says(cat, "help/other.assets", "symbolic"));
	assert_true(problem_says(cat, "_synonyms.txt", "symbolic"));
	catalog_free(cat);
}

/* A FIFO in the tree is reported, and does not hang the build. */
static void
test_fifo_does_not_block(void **state)
{
	struct catalog	*cat;
	char		 path[PATH_MAX];

	(void)state;
	put("help/_index.md", INDEX("帮助"));
	full_path("help/pipe.md", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	full_path("_synonyms.txt", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	cat = build_once();
	assert_true(problem_says(cat, "help/pipe.md", "regular"));
	assert_true(problem_says(cat, "_synonyms.txt", "regular"));
	catalog_free(cat);
}

/*
 * A root that is missing, or emptied of every folder, after a build with
 * articles: the build says it must not be published, and keeps the cache
 * so that the tree coming back is compared with the last good one.
 */
static void
test_missing_or_emptied_root_unpublishable(void **state)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;
	char			 moved[PATH_MAX];

	(void)state;
	cache = catalog_cache_new();
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: Page\n---\n");
	cat = build(cache);
	assert_false(cat->unpublishable);
	assert_null(cat->tree_error);
	catalog_free(cat);

	(void)snprintf(moved, sizeof(moved), "%s/moved", work);
	assert_int_equal(rename(root, moved), 0);
	cat = build(cache);
	assert_true(cat->unpublishable);
	assert_non_null(strstr(cat->tree_error, "missing"));
	assert_true(problem_says(cat, ".", "missing"));
	catalog_free(cat);

	/* Back, but empty: everything moved out. */
	assert_int_equal(mkdir(root, 0755), 0);
	cat = build(cache);
	assert_true(cat->unpublishable);
	assert_non_null(strstr(cat->tree_error, "no articles"));
	catalog_free(cat);

	/* The old tree renamed back in: served from the kept cache. */
	assert_int_equal(rmdir(root), 0);
	assert_int_equal(rename(moved, root), 0);
	cat = build(cache);
	assert_false(cat->unpublishable);
	assert_non_null(catalog_article(cat, "page"));
	catalog_free(cat);

	/* Removing the last article of a folder on purpose still removes. */
	rm_file("help/page.md");
	cat = build(cache);
	assert_false(cat->unpublishable);
	assert_int_equal(cat->narts, 0);
	catalog_free(cat);
	catalog_cache_free(cache);
}

/*
 * A checkout's .git/config can name programs (gpg.program with
 * log.showSignature, core.fsmonitor, core.pager, diff.external): reading
 * commit times must run none of them, for a tree owned by anyone.
 */
static void
test_hostile_git_config_runs_nothing(void **state)
{
	struct catalog_cache	*cache;
	struct catalog		*cat;
	char			 cmd[8192], marker[256], script[256];
	FILE			*fp;

	(void)state;
	if (access("/usr/bin/git", X_OK) != 0)
		fail_msg("git is needed (make test-deps installs it)");
	(void)snprintf(marker, sizeof(marker), "%s/ran", work);
	(void)snprintf(script, sizeof(script), "%s/evil.sh", work);
	assert_non_null(fp = fopen(script, "w"));
	fprintf(fp, "#!/bin/sh\necho \"$0 $*\" >> %s\ncat >/dev/null\n"
	    "exit 0\n", marker);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(script, 0755), 0);
	put("help/_index.md", INDEX("帮助"));
	put("help/page.md", "---\ntitle: A\n---\n");
	git_at("init -q .", 0);
	git_at("add -A", 0);
	git_at("commit -qm one", 1700000000);
	/* A signed commit on top (the signature need not be valid). */
	(void)snprintf(cmd, sizeof(cmd), "cd %s && git cat-file commit HEAD | "
	    "sed '/^committer /a gpgsig -----BEGIN PGP SIGNATURE-----\\n "
	    "AAAA\\n -----END PGP SIGNATURE-----' | "
	    "git hash-object -t commit -w --stdin > ../signed && "
	    "git update-ref HEAD $(cat ../signed)", root);
	assert_int_equal(system(cmd), 0);
	(void)snprintf(cmd, sizeof(cmd), "cd %s && printf '[log]\\n"
	    "\\tshowSignature = true\\n[gpg]\\n\\tprogram = %s\\n[core]\\n"
	    "\\tfsmonitor = %s\\n\\tpager = %s\\n[diff]\\n\\texternal = %s\\n' "
	    ">> .git/config", root, script, script, script, script);
	assert_int_equal(system(cmd), 0);
	/* As the deploy user would: another owner than the reader. */
	(void)snprintf(cmd, sizeof(cmd), "chown -R 12345:12345 %s/.git", root);
	(void)system(cmd);

	cache = catalog_cache_new();
	cat = build(cache);
	assert_int_equal(catalog_article(cat, "page")->versions[0].updated,
	    1700000000);
	catalog_free(cat);
	catalog_cache_free(cache);
	if (access(marker, F_OK) == 0) {
		(void)snprintf(cmd, sizeof(cmd), "cat %s >&2", marker);
		(void)system(cmd);
		fail_msg("a program named in .git/config ran");
	}
}

/* ---- catalog pinning: the snapshot hash ---- */

/* The same files give the same hash whatever their times; a byte changes it. */
static void
test_catalog_hash(void **state)
{
	struct catalog	*cat;
	char		 h1[65], h2[65], h3[65], head[41];

	(void)state;
	put("billing/_index.md", INDEX("账单"));
	put("billing/invoice.md", "---\ntitle: 发票\n---\n开发票。\n");
	put("billing/invoice.en.md", "---\ntitle: Invoices\n---\nGet one.\n");
	cat = build_once();
	assert_int_equal(catalog_hash(cat, h1, sizeof(h1)), 0);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(catalog_hash(cat, h2, 64), -1);
	catalog_free(cat);

	/* A copy elsewhere has other mtimes: the same hash. */
	bump_mtime("billing/invoice.md", 3600);
	cat = build_once();
	assert_int_equal(catalog_hash(cat, h2, sizeof(h2)), 0);
	assert_string_equal(h1, h2);
	catalog_free(cat);

	put("billing/invoice.en.md", "---\ntitle: Invoices\n---\nGet one!\n");
	cat = build_once();
	assert_int_equal(catalog_hash(cat, h3, sizeof(h3)), 0);
	assert_string_not_equal(h1, h3);
	catalog_free(cat);

	put("billing/invoice.en.md", "---\ntitle: Invoices\n---\nGet one.\n");
	cat = build_once();
	assert_int_equal(catalog_hash(cat, h3, sizeof(h3)), 0);
	assert_string_equal(h1, h3);
	catalog_free(cat);

	/* Outside a git work tree: no commit. */
	assert_int_equal(git_head(root, head, sizeof(head)), 0);
	assert_string_equal(head, "");
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup_tree, teardown_tree)
	const struct CMUnitTest	tests[] = {
		T(test_categories_and_sections),
		T(test_catalog_hash),
		T(test_snapshot_light_and_bodies),
		T(test_articles_ordered_in_category),
		T(test_translations),
		T(test_translation_lang_mismatch),
		T(test_drafts_excluded_and_listed),
		T(test_drafts_grouped_and_shadowed),
		T(test_aliases),
		T(test_alias_claimed_twice_reported),
		T(test_duplicate_slug),
		T(test_broken_links),
		T(test_broken_yaml_reported_with_line),
		T(test_broken_file_keeps_last_good_version),
		T(test_unchanged_file_taken_from_cache),
		T(test_deleted_file_removed),
		T(test_git_commit_times),
		T(test_symlinks_not_followed),
		T(test_fifo_does_not_block),
		T(test_missing_or_emptied_root_unpublishable),
		T(test_hostile_git_config_runs_nothing),
		T(test_asset),
		T(test_snapshot_round_trip),
		T(test_snapshot_keeps_rejected_aliases_out),
	};
#undef T

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
