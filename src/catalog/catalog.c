/* catalog.c: scan the articles tree into a catalog; keep last good versions of broken files. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "frontmatter.h"
#include "macros.h"
#include "gittimes.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/text.h"

#define MAX_ARTICLE_BYTES	(1024 * 1024)
#define MAX_ASSET_BYTES		(5 * 1024 * 1024)

/* A parsed Markdown file as the cache keeps it. */
struct parsed {
	char			*slug;		/* article slug, or NULL for _index */
	char			*category;	/* folder of the file */
	char			*lang;
	int			 is_source;	/* no .<lang> in the file name */
	struct front_matter	 fm;
	char			*markdown;
	unsigned long long	 source_hash;	/* of markdown */
	struct rendered		 r;
};

struct cached_asset {
	char		*rel;		/* the file in the tree */
	struct asset	 a;
};

struct cache_entry {
	char		*path;
	long long	 mtime_ns;
	long long	 size;
	unsigned long	 ino;
	struct parsed	*good;		/* last good parse, or NULL */
	struct fm_error	 err;		/* why the current file is broken */
	int		 broken;
	int		 seen;
};

struct catalog_cache {
	struct cache_entry	*entries;
	size_t			 n;
	struct strmap		 index;		/* path -> entries[] */
	/* slug -> owner_paths[]: who had a slug in the last build. */
	struct strmap		 owners;
	char			**owner_paths;
	size_t			 nowners;
	struct git_times	*git;		/* kept while HEAD is the same */
	/*
	 * The last published build's images with the folder each came from,
	 * kept for a folder that cannot be read in the next build.
	 */
	struct cached_asset	*assets;
	size_t			 nassets;
};

/* Work list for one build. */
struct build {
	const char		*root;
	const char		*default_lang;
	struct catalog_cache	*cache;
	struct catalog		*cat;
	struct git_times	*git;
	struct parsed		**files;	/* good parses used in this build */
	char			**paths;
	size_t			 nfiles;
	char			**asset_rels;	/* beside cat->assets */
	struct parsed		**dfiles;	/* drafts' good parses */
	char			**dpaths;
	size_t			 ndfiles;
	size_t			 ncategories;	/* folders in the root */
};

static void
parsed_free(struct parsed *p)
{
	if (p == NULL)
		return;
	free(p->slug);
	free(p->category);
	free(p->lang);
	frontmatter_free(&p->fm);
	free(p->markdown);
	rendered_free(&p->r);
	free(p);
}

static void
forget_owners(struct catalog_cache *c)
{
	size_t	i;

	for (i = 0; i < c->nowners; i++)
		free(c->owner_paths[i]);
	free(c->owner_paths);
	c->owner_paths = NULL;
	c->nowners = 0;
	strmap_free(&c->owners);
}

/* Remembers which file holds each slug, for the next build. */
static void
remember_owners(struct catalog_cache *c, const struct catalog *cat)
{
	size_t	i;

	forget_owners(c);
	c->owner_paths = xcalloc(cat->narts + 1, sizeof(char *));
	for (i = 0; i < cat->narts; i++) {
		c->owner_paths[i] = xstrdup(cat->arts[i].versions[0].path);
		strmap_put(&c->owners, cat->arts[i].slug, i);
	}
	c->nowners = cat->narts;
}

/* 1 when rel held slug in the last build. */
static int
owned_before(const struct catalog_cache *c, const char *slug, const char *rel)
{
	size_t	i;

	return (strmap_get(&c->owners, slug, &i) &&
	    !strcmp(c->owner_paths[i], rel));
}

static void
forget_assets(struct catalog_cache *c)
{
	size_t	i;

	for (i = 0; i < c->nassets; i++) {
		free(c->assets[i].rel);
		free(c->assets[i].a.key);
		free(c->assets[i].a.data);
	}
	free(c->assets);
	c->assets = NULL;
	c->nassets = 0;
}

struct catalog_cache *
catalog_cache_new(void)
{
	return (xcalloc(1, sizeof(struct catalog_cache)));
}

void
catalog_cache_free(struct catalog_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->entries[i].path);
		parsed_free(c->entries[i].good);
	}
	free(c->entries);
	strmap_free(&c->index);
	forget_owners(c);
	git_times_free(c->git);
	forget_assets(c);
	free(c);
}

static void
add_problem(struct catalog *cat, const char *file, int line, const char *reason)
{
	struct problem	*p;

	cat->problems = xrealloc(cat->problems,
	    (cat->nproblems + 1) * sizeof(*cat->problems));
	p = &cat->problems[cat->nproblems++];
	p->file = xstrdup(file);
	p->line = line;
	p->reason = xstrdup(reason);
}

void
catalog_problem(struct catalog *cat, const char *file, int line,
    const char *reason)
{
	add_problem(cat, file, line, reason);
}

/* The cache entry for path, made when new; valid until the next call. */
static struct cache_entry *
cache_lookup(struct catalog_cache *c, const char *path)
{
	struct cache_entry	*e;
	size_t			 i;

	if (!strmap_get(&c->index, path, &i)) {
		c->entries = xrealloc(c->entries, (c->n + 1) * sizeof(*e));
		i = c->n++;
		e = &c->entries[i];
		memset(e, 0, sizeof(*e));
		e->path = xstrdup(path);
		e->mtime_ns = -1;
		strmap_put(&c->index, path, i);
	}
	e = &c->entries[i];
	e->seen = 1;
	return (e);
}

/*
 * Splits "name.lang.md" into slug and lang. Returns 0, or -1 with reason.
 */
static int
split_name(const char *name, char **slug, char **lang, const char **reason)
{
	const char	*dot;
	char		*base;
	size_t		 n;

	n = strlen(name) - 3;		/* without ".md" */
	base = xstrndup(name, n);
	*lang = NULL;
	if ((dot = strchr(base, '.')) != NULL) {
		*lang = xstrdup(dot + 1);
		base[dot - base] = '\0';
		if (!lang_supported(*lang)) {
			*reason = "the part after the slug must be a language: "
			    "zh-CN, zh-TW or en";
			free(base);
			free(*lang);
			return (-1);
		}
	}
	*slug = base;
	if (strcmp(base, "_index") && !slug_valid(base)) {
		*reason = "the file name must be a slug: lower-case letters, "
		    "digits, '-' and '_'";
		free(base);
		free(*lang);
		return (-1);
	}
	return (0);
}

/* Why file_read_at failed, for a person. */
static const char *
read_error(int err, const char *limit)
{
	static char	buf[128];

	switch (err) {
	case ELOOP:
		return ("it is a symbolic link, which is never followed");
	case EINVAL:
		return ("it is not a regular file");
	case EFBIG:
		(void)snprintf(buf, sizeof(buf), "it is over %s", limit);
		return (buf);
	default:
		(void)snprintf(buf, sizeof(buf), "it cannot be read: %s",
		    strerror(err));
		return (buf);
	}
}

static struct parsed *
parse_markdown_file(int dirfd, const char *name, const char *category,
    const char *slug, const char *lang, const char *default_lang,
    struct fm_error *err)
{
	struct parsed	*p;
	const char	*body;
	char		*text;
	size_t		 len;
	int		 is_index;

	if ((text = file_read_at(dirfd, name, MAX_ARTICLE_BYTES, &len)) ==
	    NULL) {
		err->line = 0;
		(void)snprintf(err->reason, sizeof(err->reason), "%s",
		    read_error(errno, "1 MiB"));
		return (NULL);
	}
	is_index = !strcmp(slug, "_index");
	p = xcalloc(1, sizeof(*p));
	if (frontmatter_parse(text, len, 1, &p->fm, &body, err) != 0) {
		free(text);
		free(p);
		return (NULL);
	}
	if (lang != NULL && p->fm.lang != NULL && strcmp(lang, p->fm.lang)) {
		err->line = 1;
		(void)snprintf(err->reason, sizeof(err->reason),
		    "the file name says %s but lang says %s", lang, p->fm.lang);
		frontmatter_free(&p->fm);
		free(text);
		free(p);
		return (NULL);
	}
	p->is_source = (lang == NULL);
	p->lang = xstrdup(lang ? lang : p->fm.lang ? p->fm.lang : default_lang);
	p->slug = is_index ? NULL : xstrdup(slug);
	p->category = xstrdup(category);
	if (!is_index &&
	    markdown_render(body, strlen(body), 0, &p->r) != 0) {
		err->line = 0;
		(void)snprintf(err->reason, sizeof(err->reason),
		    "the Markdown could not be rendered");
		parsed_free(p);
		free(text);
		return (NULL);
	}
	p->markdown = text;
	p->source_hash = mem_hash(text, len);
	return (p);
}

static void
use_file(struct build *b, const char *rel, struct parsed *p)
{
	b->files = xrealloc(b->files, (b->nfiles + 1) * sizeof(*b->files));
	b->paths = xrealloc(b->paths, (b->nfiles + 1) * sizeof(*b->paths));
	b->files[b->nfiles] = p;
	b->paths[b->nfiles] = xstrdup(rel);
	b->nfiles++;
}

/* A draft file: listed by hcctl check, and assembled apart (see below). */
static void
use_draft(struct build *b, const char *rel, struct parsed *p)
{
	b->cat->drafts = xrealloc(b->cat->drafts,
	    (b->cat->ndrafts + 1) * sizeof(char *));
	b->cat->drafts[b->cat->ndrafts++] = xstrdup(rel);
	b->dfiles = xrealloc(b->dfiles, (b->ndfiles + 1) * sizeof(*b->dfiles));
	b->dpaths = xrealloc(b->dpaths, (b->ndfiles + 1) * sizeof(char *));
	b->dfiles[b->ndfiles] = p;
	b->dpaths[b->ndfiles++] = xstrdup(rel);
}

static void
scan_markdown(struct build *b, int dirfd, const char *rel,
    const char *category, const char *name, const struct stat *st)
{
	struct cache_entry	*e;
	struct parsed		*p;
	char			*slug, *lang;
	const char		*reason;
	long long		 mtime_ns;

	if (split_name(name, &slug, &lang, &reason) != 0) {
		add_problem(b->cat, rel, 0, reason);
		return;
	}
	e = cache_lookup(b->cache, rel);
	mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL +
	    st->st_mtim.tv_nsec;
	if (e->mtime_ns != mtime_ns || e->size != (long long)st->st_size ||
	    e->ino != (unsigned long)st->st_ino) {
		e->mtime_ns = mtime_ns;
		e->size = (long long)st->st_size;
		e->ino = (unsigned long)st->st_ino;
		errno = 0;
		p = parse_markdown_file(dirfd, name, category, slug, lang,
		    b->default_lang, &e->err);
		if (p != NULL) {
			parsed_free(e->good);
			e->good = p;
			e->broken = 0;
		} else {
			e->broken = 1;
			/*
			 * Unreadable (chmod): read again next time, since
			 * making it readable does not change its mtime.
			 */
			if (errno == EACCES || errno == EPERM)
				e->mtime_ns = -1;
		}
	}
	if (e->broken) {
		char msg[400];
		(void)snprintf(msg, sizeof(msg), "%s%s", e->err.reason,
		    e->good ? " (the last good version is still served)" : "");
		add_problem(b->cat, rel, e->err.line, msg);
	}
	if (e->good != NULL) {
		if (e->good->fm.draft)
			use_draft(b, rel, e->good);
		else
			use_file(b, rel, e->good);
	}
	free(slug);
	free(lang);
}

static void
add_asset(struct build *b, const char *rel, const char *key,
    unsigned char *data, size_t len)
{
	struct asset	*a;

	b->cat->assets = xrealloc(b->cat->assets,
	    (b->cat->nassets + 1) * sizeof(*a));
	b->asset_rels = xrealloc(b->asset_rels,
	    (b->cat->nassets + 1) * sizeof(char *));
	b->asset_rels[b->cat->nassets] = xstrdup(rel);
	a = &b->cat->assets[b->cat->nassets++];
	a->key = xstrdup(key);
	a->data = data;
	a->len = len;
}

/* 1 when path is below the folder rel. */
static int
is_below(const char *path, const char *rel)
{
	size_t	n = strlen(rel);

	return (!strncmp(path, rel, n) && path[n] == '/');
}

/*
 * The folder rel cannot be read: everything the last build had below it
 * stays (an unreadable folder is an accident, not a deletion), and the
 * problem says so.
 */
static void
keep_folder(struct build *b, const char *rel, int err)
{
	struct catalog_cache	*c = b->cache;
	struct cache_entry	*e;
	struct asset		*a;
	unsigned char		*data;
	size_t			 i, kept;
	char			 msg[600];

	for (i = kept = 0; i < c->n; i++) {
		e = &c->entries[i];
		if (!is_below(e->path, rel))
			continue;
		e->seen = 1;
		if (e->good == NULL)
			continue;
		if (e->good->fm.draft) {
			use_draft(b, e->path, e->good);
			continue;
		}
		use_file(b, e->path, e->good);
		if (e->good->slug != NULL && e->good->is_source)
			kept++;
	}
	for (i = 0; i < c->nassets; i++) {
		if (!is_below(c->assets[i].rel, rel))
			continue;
		a = &c->assets[i].a;
		data = xmalloc(a->len + 1);
		memcpy(data, a->data, a->len);
		add_asset(b, c->assets[i].rel, a->key, data, a->len);
	}
	(void)snprintf(msg, sizeof(msg), "the folder cannot be read (%s); "
	    "keeping its %zu article%s as last built", strerror(err), kept,
	    kept == 1 ? "" : "s");
	add_problem(b->cat, rel, 0, msg);
	if (b->cat->tree_error == NULL) {
		(void)snprintf(msg, sizeof(msg), "articles/%s cannot be read "
		    "(%s); keeping its %zu article%s as last built", rel,
		    strerror(err), kept, kept == 1 ? "" : "s");
		b->cat->tree_error = xstrdup(msg);
	}
}

static void
symlink_problem(struct build *b, const char *rel)
{
	add_problem(b->cat, rel, 0, "a symbolic link: links are never "
	    "followed in the articles tree (commit the file or folder itself)");
}

/* A folder below dirfd, never through a symbolic link; -1 with errno. */
static int
open_folder(int dirfd, const char *name)
{
	return (openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC));
}

static void
scan_assets(struct build *b, int parent, const char *name, const char *rel)
{
	struct stat	 st;
	struct strbuf	 kp, rp;
	char		**names, *data;
	ssize_t		 n, i;
	size_t		 len;
	int		 dirfd;

	if ((dirfd = open_folder(parent, name)) == -1 ||
	    (n = folder_names(dirfd, &names)) == -1) {
		keep_folder(b, rel, errno);
		if (dirfd != -1)
			close(dirfd);
		return;
	}
	sb_init(&kp);
	sb_init(&rp);
	for (i = 0; i < n; i++) {
		sb_reset(&kp);
		sb_printf(&kp, "%s/%s", name, names[i]);
		sb_reset(&rp);
		sb_printf(&rp, "%s/%s", rel, names[i]);
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			symlink_problem(b, rp.data);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if ((data = file_read_at(dirfd, names[i], MAX_ASSET_BYTES,
		    &len)) == NULL) {
			add_problem(b->cat, rp.data, 0, read_error(errno,
			    "5 MiB"));
			continue;
		}
		add_asset(b, rp.data, kp.data, (unsigned char *)data, len);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(dirfd);
	sb_free(&kp);
	sb_free(&rp);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	a = strlen(s), b = strlen(suffix);

	return (a >= b && !strcmp(s + a - b, suffix));
}

/*
 * Walks the open folder dirfd; depth 0 is the root, 1 a category, 2 a
 * section. Everything is opened relative to its folder's descriptor and
 * never through a symbolic link, so nothing outside the tree is read.
 * Returns -1 with errno when the folder itself cannot be listed.
 */
static int
scan_dir(struct build *b, int dirfd, const char *rel, int depth)
{
	struct stat	 st;
	struct strbuf	 cr;
	char		**names;
	ssize_t		 nnames, i;
	size_t		 len;
	int		 sub;

	if ((nnames = folder_names(dirfd, &names)) == -1)
		return (-1);
	sb_init(&cr);
	for (i = 0; i < nnames; i++) {
		sb_reset(&cr);
		sb_printf(&cr, "%s%s%s", rel, rel[0] ? "/" : "", names[i]);
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			symlink_problem(b, cr.data);
			continue;
		}
		/* Canned replies for agents, not a category (macros.c). */
		if (S_ISDIR(st.st_mode) && depth == 0 &&
		    !strcmp(names[i], "_macros")) {
			if ((sub = open_folder(dirfd, names[i])) == -1)
				add_problem(b->cat, cr.data, 0, "the macros "
				    "folder cannot be opened");
			else {
				macros_scan(b->cat, sub, cr.data);
				close(sub);
			}
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth == 0)
				b->ncategories++;
			if (ends_with(names[i], ".assets") && depth > 0) {
				scan_assets(b, dirfd, names[i], cr.data);
			} else if (depth >= 2) {
				add_problem(b->cat, cr.data, 0, "folders go two "
				    "levels deep at most: category/section");
			} else if (!slug_valid(names[i])) {
				add_problem(b->cat, cr.data, 0, "a folder name "
				    "must be a slug: lower-case letters, digits, "
				    "'-' and '_'");
			} else if ((sub = open_folder(dirfd, names[i])) == -1) {
				keep_folder(b, cr.data, errno);
			} else {
				if (scan_dir(b, sub, cr.data, depth + 1) == -1)
					keep_folder(b, cr.data, errno);
				close(sub);
			}
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			add_problem(b->cat, cr.data, 0, "not a regular file or "
			    "folder: left out");
			continue;
		}
		if (depth == 0 && !strcmp(names[i], "_synonyms.txt")) {
			free(b->cat->synonyms);
			if ((b->cat->synonyms = file_read_at(dirfd, names[i],
			    1024 * 1024, &len)) == NULL)
				add_problem(b->cat, cr.data, 0, read_error(errno,
				    "1 MiB"));
			continue;
		}
		if (depth == 0 && !strcmp(names[i], "_polyphones.txt")) {
			free(b->cat->polyphones);
			if ((b->cat->polyphones = file_read_at(dirfd, names[i],
			    1024 * 1024, &len)) == NULL)
				add_problem(b->cat, cr.data, 0, read_error(errno,
				    "1 MiB"));
			continue;
		}
		if (depth == 0 && !strcmp(names[i], "_stopwords.txt")) {
			free(b->cat->stopwords);
			if ((b->cat->stopwords = file_read_at(dirfd, names[i],
			    1024 * 1024, &len)) == NULL)
				add_problem(b->cat, cr.data, 0, read_error(errno,
				    "1 MiB"));
			continue;
		}
		if (!ends_with(names[i], ".md"))
			continue;
		if (depth == 0) {
			if (strcmp(names[i], "README.md"))
				add_problem(b->cat, cr.data, 0, "an article must "
				    "be inside a category folder");
			continue;
		}
		scan_markdown(b, dirfd, cr.data, rel, names[i], &st);
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sb_free(&cr);
	return (0);
}

static char **
copy_list(char **l, size_t n)
{
	char	**c;
	size_t	  i;

	c = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		c[i] = xstrdup(l[i]);
	return (c);
}

static char *
opt_strdup(const char *s)
{
	return (s ? xstrdup(s) : NULL);
}

static long long
file_updated(struct build *b, const char *rel, const struct parsed *p)
{
	struct stat	 st;
	struct strbuf	 full;
	struct tm	 tm;
	long long	 t;

	if (p->fm.updated != NULL) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(p->fm.updated, "%Y-%m-%d", &tm) != NULL)
			return ((long long)timegm(&tm));
	}
	if ((t = git_times_lookup(b->git, rel)) > 0)
		return (t);
	sb_init(&full);
	sb_printf(&full, "%s/%s", b->root, rel);
	t = lstat(full.data, &st) == 0 ? (long long)st.st_mtime : 0;
	sb_free(&full);
	return (t);
}

static void
fill_version(struct build *b, struct article_version *v, const char *rel,
    const struct parsed *p)
{
	size_t	i;

	v->lang = xstrdup(p->lang);
	v->path = xstrdup(rel);
	v->title = xstrdup(p->fm.title);
	v->summary = opt_strdup(p->fm.summary);
	v->tags = copy_list(p->fm.tags, p->fm.ntags);
	v->ntags = p->fm.ntags;
	v->markdown = xstrdup(p->markdown);
	v->source_hash = p->source_hash;
	v->html = xstrdup(p->r.html);
	v->plain = xstrdup(p->r.plain);
	v->headings = xstrdup(p->r.headings);
	v->toc = xcalloc(p->r.ntoc + 1, sizeof(*v->toc));
	for (i = 0; i < p->r.ntoc; i++) {
		v->toc[i].level = p->r.toc[i].level;
		v->toc[i].anchor = xstrdup(p->r.toc[i].anchor);
		v->toc[i].text = xstrdup(p->r.toc[i].text);
	}
	v->ntoc = p->r.ntoc;
	v->links = copy_list(p->r.links, p->r.nlinks);
	v->nlinks = p->r.nlinks;
	v->updated = file_updated(b, rel, p);
	v->owner = opt_strdup(p->fm.owner);
	v->review_by = opt_strdup(p->fm.review_by);
}

static struct category *
find_or_add_category(struct catalog *cat, const char *slug)
{
	struct category	*c;
	const char	*slash;
	size_t		 i;

	for (i = 0; i < cat->ncats; i++)
		if (!strcmp(cat->cats[i].slug, slug))
			return (&cat->cats[i]);
	cat->cats = xrealloc(cat->cats, (cat->ncats + 1) * sizeof(*c));
	c = &cat->cats[cat->ncats++];
	memset(c, 0, sizeof(*c));
	c->slug = xstrdup(slug);
	if ((slash = strchr(slug, '/')) != NULL)
		c->parent = xstrndup(slug, (size_t)(slash - slug));
	c->order = 1000;
	return (c);
}

static void
add_category_text(struct category *c, const struct parsed *p)
{
	struct category_text	*t;

	c->texts = xrealloc(c->texts, (c->ntexts + 1) * sizeof(*t));
	t = &c->texts[c->ntexts++];
	t->lang = xstrdup(p->lang);
	t->title = xstrdup(p->fm.title);
	t->description = opt_strdup(p->fm.description ? p->fm.description :
	    p->fm.summary);
	if (p->is_source) {
		struct category_text tmp = c->texts[0];
		/* The default-language text goes first. */
		c->texts[0] = *t;
		*t = tmp;
		c->order = p->fm.order;
	}
}

static int
is_article_slug(const struct catalog *cat, const char *slug)
{
	return (catalog_article(cat, slug) != NULL ||
	    catalog_alias(cat, slug) != NULL);
}

/* Line of the first "](slug" in a file, for problem reports. */
static int
link_line(const char *md, const char *slug)
{
	const char	*p, *q;
	size_t		 n;
	int		 line;

	n = strlen(slug);
	for (p = md; (p = strstr(p, "](")) != NULL; p += 2) {
		if (strncmp(p + 2, slug, n) || (p[2 + n] != ')' &&
		    p[2 + n] != '#'))
			continue;
		for (line = 1, q = md; q < p; q++)
			if (*q == '\n')
				line++;
		return (line);
	}
	return (0);
}

static void
check_links_and_translations(struct build *b)
{
	struct catalog		*cat = b->cat;
	struct article		*a;
	struct article_version	*v;
	size_t			 i, j, k;
	long long		 src, tr;
	char			 msg[300];

	for (i = 0; i < cat->narts; i++) {
		a = &cat->arts[i];
		for (j = 0; j < a->nversions; j++) {
			v = &a->versions[j];
			for (k = 0; k < v->nlinks; k++) {
				if (is_article_slug(cat, v->links[k]))
					continue;
				(void)snprintf(msg, sizeof(msg),
				    "broken link: no article '%s'", v->links[k]);
				add_problem(cat, v->path,
				    link_line(v->markdown, v->links[k]), msg);
			}
			if (j == 0)
				continue;
			src = git_times_lookup(b->git, a->versions[0].path);
			tr = git_times_lookup(b->git, v->path);
			if (src > 0 && tr > 0 && src > tr) {
				(void)snprintf(msg, sizeof(msg), "translation "
				    "out of date: %s has a newer commit",
				    a->versions[0].path);
				add_problem(cat, v->path, 0, msg);
			}
		}
	}
}

/* Turns the good parses of this build into articles and categories. */
static void
assemble(struct build *b)
{
	struct catalog		*cat = b->cat;
	struct parsed		*p;
	struct article		*a;
	struct article_version	*v;
	struct strmap		 byslug;
	size_t			 i, j;
	char			 msg[300];
	const char		*rel;
	int			 pass;

	strmap_init(&byslug);

	/* Category texts first, so every category exists. */
	for (i = 0; i < b->nfiles; i++) {
		if (b->files[i]->slug == NULL)
			add_category_text(find_or_add_category(cat,
			    b->files[i]->category), b->files[i]);
	}
	/*
	 * Source files that held their slug in the last build (pass 0), so
	 * that a new file copying a slug cannot take an article over; then
	 * the other source files (pass 1); then translations (pass 2).
	 */
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < b->nfiles; i++) {
			p = b->files[i];
			rel = b->paths[i];
			if (p->slug == NULL || p->is_source != (pass < 2) ||
			    (pass < 2 && owned_before(b->cache, p->slug, rel) !=
			    (pass == 0)))
				continue;
			a = strmap_get(&byslug, p->slug, &j) ?
			    &cat->arts[j] : NULL;
			if (a != NULL && (pass < 2 ||
			    strcmp(a->category, p->category))) {
				(void)snprintf(msg, sizeof(msg), "duplicate "
				    "slug '%s': %s already uses it", p->slug,
				    a->versions[0].path);
				add_problem(cat, rel, 0, msg);
				continue;
			}
			if (a != NULL && article_version_in(a, p->lang)) {
				(void)snprintf(msg, sizeof(msg), "a second "
				    "'%s' version of '%s'", p->lang, p->slug);
				add_problem(cat, rel, 0, msg);
				continue;
			}
			if (a == NULL) {
				cat->arts = xrealloc(cat->arts,
				    (cat->narts + 1) * sizeof(*a));
				strmap_put(&byslug, p->slug, cat->narts);
				a = &cat->arts[cat->narts++];
				memset(a, 0, sizeof(*a));
				a->slug = xstrdup(p->slug);
				a->category = xstrdup(p->category);
				a->order = p->fm.order;
				a->aliases = copy_list(p->fm.aliases,
				    p->fm.naliases);
				a->naliases = p->fm.naliases;
				(void)find_or_add_category(cat, p->category);
			}
			a->versions = xrealloc(a->versions,
			    (a->nversions + 1) * sizeof(*v));
			v = &a->versions[a->nversions++];
			memset(v, 0, sizeof(*v));
			fill_version(b, v, rel, p);
		}
	}
	strmap_free(&byslug);
	for (i = 0; i < cat->ncats; i++) {
		if (cat->cats[i].ntexts == 0) {
			(void)snprintf(msg, sizeof(msg), "%s/_index.md",
			    cat->cats[i].slug);
			add_problem(cat, msg, 0, "the category has no _index.md "
			    "with its title");
			p = NULL;
			cat->cats[i].texts = xcalloc(1,
			    sizeof(struct category_text));
			cat->cats[i].texts[0].lang = xstrdup(b->default_lang);
			cat->cats[i].texts[0].title = xstrdup(cat->cats[i].slug);
			cat->cats[i].ntexts = 1;
		}
	}
}

/*
 * The draft articles, grouped by slug as published ones are (sources
 * first), into cat->draft_arts. Needs the published articles sorted: a
 * draft whose slug a published article or alias holds is not previewable
 * (the URL shows the published page) and is reported. A draft has no
 * aliases: an old slug must not lead to an unpublished page.
 */
static void
assemble_drafts(struct build *b)
{
	struct catalog		*cat = b->cat;
	struct parsed		*p;
	struct article		*a;
	struct article_version	*v;
	size_t			 i, j;
	int			 pass;
	char			 msg[300];

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < b->ndfiles; i++) {
			p = b->dfiles[i];
			if (p->slug == NULL || p->is_source != (pass == 0))
				continue;
			if (is_article_slug(cat, p->slug)) {
				/* A draft translation of a live article. */
				if (!p->is_source)
					continue;
				(void)snprintf(msg, sizeof(msg), "draft '%s': "
				    "a published article or alias has this "
				    "slug, so it cannot be previewed",
				    p->slug);
				add_problem(cat, b->dpaths[i], 0, msg);
				continue;
			}
			for (a = NULL, j = 0; j < cat->ndraft_arts; j++)
				if (!strcmp(cat->draft_arts[j].slug, p->slug))
					a = &cat->draft_arts[j];
			if (a != NULL && (pass == 0 ||
			    article_version_in(a, p->lang) != NULL))
				continue;
			if (a == NULL) {
				cat->draft_arts = xrealloc(cat->draft_arts,
				    (cat->ndraft_arts + 1) * sizeof(*a));
				a = &cat->draft_arts[cat->ndraft_arts++];
				memset(a, 0, sizeof(*a));
				a->slug = xstrdup(p->slug);
				a->category = xstrdup(p->category);
				a->order = p->fm.order;
				a->aliases = xcalloc(1, sizeof(char *));
			}
			a->versions = xrealloc(a->versions,
			    (a->nversions + 1) * sizeof(*v));
			v = &a->versions[a->nversions++];
			memset(v, 0, sizeof(*v));
			fill_version(b, v, b->dpaths[i], p);
		}
	}
}

/* Lists every alias that is a free slug; needs the articles sorted. */
static void
add_aliases(struct catalog *cat)
{
	struct article	*a;
	struct strmap	 taken;		/* aliases already given out */
	size_t		 i, j, k;
	char		 msg[300];

	strmap_init(&taken);
	for (i = 0; i < cat->narts; i++) {
		a = &cat->arts[i];
		for (j = 0; j < a->naliases; j++) {
			if (catalog_article(cat, a->aliases[j]) != NULL ||
			    !slug_valid(a->aliases[j]) ||
			    strmap_get(&taken, a->aliases[j], &k)) {
				(void)snprintf(msg, sizeof(msg), "alias '%s' "
				    "is not a free slug (another article or "
				    "alias has it, or it is not a slug)",
				    a->aliases[j]);
				add_problem(cat, a->versions[0].path, 0, msg);
				continue;
			}
			cat->aliases = xrealloc(cat->aliases,
			    (cat->naliases + 1) * sizeof(*cat->aliases));
			cat->aliases[cat->naliases].alias =
			    xstrdup(a->aliases[j]);
			cat->aliases[cat->naliases].slug = xstrdup(a->slug);
			cat->naliases++;
			strmap_put(&taken, a->aliases[j], i);
		}
	}
	strmap_free(&taken);
}

/*
 * The whole tree cannot be used: publishing this build would take every
 * article off the site, so it is marked unpublishable and the cache keeps
 * the last good build for when the tree is back.
 */
static void
tree_unusable(struct build *b, const char *fmt, ...)
{
	va_list	ap;
	char	msg[600];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->cat->unpublishable = 1;
	free(b->cat->tree_error);
	b->cat->tree_error = xstrdup(msg);
	add_problem(b->cat, ".", 0, msg);
}

/* Keeps this build's images and their folders for keep_folder. */
static void
remember_assets(struct build *b)
{
	struct catalog_cache	*c = b->cache;
	struct asset		*a;
	size_t			 i;

	forget_assets(c);
	c->assets = xcalloc(b->cat->nassets + 1, sizeof(*c->assets));
	for (i = 0; i < b->cat->nassets; i++) {
		a = &b->cat->assets[i];
		c->assets[i].rel = xstrdup(b->asset_rels[i]);
		c->assets[i].a.key = xstrdup(a->key);
		c->assets[i].a.data = xmalloc(a->len + 1);
		memcpy(c->assets[i].a.data, a->data, a->len);
		c->assets[i].a.len = a->len;
	}
	c->nassets = b->cat->nassets;
}

struct catalog *
catalog_build(const char *root, const char *default_lang,
    struct catalog_cache *cache)
{
	struct build	 b;
	size_t		 i, keep, before;
	int		 fd;

	memset(&b, 0, sizeof(b));
	b.root = root;
	b.default_lang = default_lang;
	b.cache = cache;
	b.cat = xcalloc(1, sizeof(struct catalog));
	b.cat->built = (long long)time(NULL);
	b.git = cache->git = git_times_reload(cache->git, root);

	for (i = 0; i < cache->n; i++)
		cache->entries[i].seen = 0;
	/* The root itself may be a link the operator made: followed. */
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    scan_dir(&b, fd, "", 0) == -1) {
		tree_unusable(&b, "the articles folder %s %s (%s); keeping the "
		    "last published articles", root, errno == ENOENT ?
		    "is missing" : "cannot be read", strerror(errno));
	}
	if (fd != -1)
		close(fd);
	assemble(&b);
	/*
	 * A root without a single category folder any more, after a build
	 * with articles, is taken for a mistake (everything moved out); an
	 * article deleted from its folder is not.
	 */
	before = cache->nowners;
	if (!b.cat->unpublishable && b.ncategories == 0 && before > 0)
		tree_unusable(&b, "the articles folder %s has no articles any "
		    "more (the last build had %zu); keeping the last published "
		    "articles (to publish an empty help center on purpose, run "
		    "hcctl reindex)", root, before);
	/* Before catalog_index sorts the images away from asset_rels. */
	if (!b.cat->unpublishable)
		remember_assets(&b);
	catalog_index(b.cat);
	add_aliases(b.cat);
	catalog_index(b.cat);
	check_links_and_translations(&b);
	assemble_drafts(&b);
	catalog_index(b.cat);
	if (b.cat->unpublishable) {
		/* Nothing is forgotten: the next readable tree is compared. */
		for (i = 0; i < cache->n; i++)
			cache->entries[i].seen = 1;
	} else {
		remember_owners(cache, b.cat);
	}

	/* Forget files that are gone. */
	for (i = keep = 0; i < cache->n; i++) {
		if (cache->entries[i].seen) {
			cache->entries[keep++] = cache->entries[i];
		} else {
			free(cache->entries[i].path);
			parsed_free(cache->entries[i].good);
		}
	}
	cache->n = keep;
	strmap_free(&cache->index);
	for (i = 0; i < cache->n; i++)
		strmap_put(&cache->index, cache->entries[i].path, i);

	for (i = 0; i < b.nfiles; i++)
		free(b.paths[i]);
	free(b.paths);
	free(b.files);
	for (i = 0; i < b.cat->nassets; i++)
		free(b.asset_rels[i]);
	free(b.asset_rels);
	for (i = 0; i < b.ndfiles; i++)
		free(b.dpaths[i]);
	free(b.dpaths);
	free(b.dfiles);
	return (b.cat);
}
