/* snapshot.c: serialise a catalog to SQLite and back (lists as newline-joined text). */
#include <sys/mman.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "snapshot.h"
#include "util/strbuf.h"

/* Snapshots written, shared by the server's processes (see snapshot.h). */
static unsigned long long	*written;

#define SNAPSHOT_FORMAT		"4"

static const char	*schema =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE categories(pos INTEGER, slug TEXT, parent TEXT, ord INT);"
	"CREATE TABLE category_texts(slug TEXT, pos INT, lang TEXT, title TEXT,"
	" description TEXT);"
	"CREATE TABLE articles(pos INTEGER, slug TEXT, category TEXT, ord INT,"
	" aliases TEXT, draft INT);"
	"CREATE TABLE versions(slug TEXT, pos INT, lang TEXT, path TEXT,"
	" title TEXT, summary TEXT, tags TEXT, markdown TEXT, html TEXT,"
	" plain TEXT, headings TEXT, toc TEXT, links TEXT, updated INT,"
	" owner TEXT, review_by TEXT);"
	"CREATE TABLE aliases(alias TEXT, slug TEXT);"
	"CREATE TABLE assets(key TEXT, data BLOB);"
	"CREATE TABLE problems(pos INTEGER, file TEXT, line INT, reason TEXT);"
	"CREATE TABLE drafts(path TEXT);";

static char *
join(char **l, size_t n)
{
	struct strbuf	sb;
	size_t		i;

	sb_init(&sb);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_putc(&sb, '\n');
		sb_puts(&sb, l[i]);
	}
	return (sb_detach(&sb));
}

static char **
split(const char *s, size_t *n)
{
	char		**l;
	const char	*p, *nl;

	*n = 0;
	l = xcalloc(1, sizeof(char *));
	if (s == NULL || *s == '\0')
		return (l);
	for (p = s;; p = nl + 1) {
		nl = strchr(p, '\n');
		l = xrealloc(l, (*n + 2) * sizeof(char *));
		l[(*n)++] = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		l[*n] = NULL;
		if (nl == NULL)
			break;
	}
	return (l);
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char	*err;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "snapshot: %s\n", err);
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int
step_reset(sqlite3_stmt *st)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

static char *
toc_text(const struct article_version *v)
{
	struct strbuf	sb;
	size_t		i;

	sb_init(&sb);
	for (i = 0; i < v->ntoc; i++)
		sb_printf(&sb, "%s%d\t%s\t%s", i ? "\n" : "", v->toc[i].level,
		    v->toc[i].anchor, v->toc[i].text);
	return (sb_detach(&sb));
}

static int
write_versions(sqlite3 *db, const struct catalog *cat)
{
	sqlite3_stmt			*st;
	const struct article		*a;
	const struct article_version	*v;
	size_t				 i, j;
	char				*tags, *toc, *links;
	int				 rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO versions VALUES(?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	/* Published articles, then drafts: one slug space (catalog.c). */
	for (i = 0; i < cat->narts + cat->ndraft_arts && rc == 0; i++) {
		a = i < cat->narts ? &cat->arts[i] :
		    &cat->draft_arts[i - cat->narts];
		for (j = 0; j < a->nversions && rc == 0; j++) {
			v = &a->versions[j];
			tags = join(v->tags, v->ntags);
			toc = toc_text(v);
			links = join(v->links, v->nlinks);
			bind_text(st, 1, a->slug);
			sqlite3_bind_int(st, 2, (int)j);
			bind_text(st, 3, v->lang);
			bind_text(st, 4, v->path);
			bind_text(st, 5, v->title);
			bind_text(st, 6, v->summary);
			bind_text(st, 7, tags);
			bind_text(st, 8, v->markdown);
			bind_text(st, 9, v->html);
			bind_text(st, 10, v->plain);
			bind_text(st, 11, v->headings);
			bind_text(st, 12, toc);
			bind_text(st, 13, links);
			sqlite3_bind_int64(st, 14, v->updated);
			bind_text(st, 15, v->owner);
			bind_text(st, 16, v->review_by);
			rc = step_reset(st);
			free(tags);
			free(toc);
			free(links);
		}
	}
	sqlite3_finalize(st);
	return (rc);
}

static int
write_rest(sqlite3 *db, const struct catalog *cat)
{
	const struct article	*a;
	sqlite3_stmt	*st;
	char		*l, buf[32];
	size_t		 i, j;
	int		 rc = 0;

	sqlite3_prepare_v2(db, "INSERT INTO meta VALUES(?,?)", -1, &st, NULL);
	bind_text(st, 1, "format");
	bind_text(st, 2, SNAPSHOT_FORMAT);
	rc |= step_reset(st);
	(void)snprintf(buf, sizeof(buf), "%lld", cat->built);
	bind_text(st, 1, "built");
	bind_text(st, 2, buf);
	rc |= step_reset(st);
	bind_text(st, 1, "synonyms");
	bind_text(st, 2, cat->synonyms);
	rc |= step_reset(st);
	bind_text(st, 1, "stopwords");
	bind_text(st, 2, cat->stopwords);
	rc |= step_reset(st);
	bind_text(st, 1, "macros");
	bind_text(st, 2, cat->macros);
	rc |= step_reset(st);
	bind_text(st, 1, "polyphones");
	bind_text(st, 2, cat->polyphones);
	rc |= step_reset(st);
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "INSERT INTO categories VALUES(?,?,?,?)", -1,
	    &st, NULL);
	for (i = 0; i < cat->ncats; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		bind_text(st, 2, cat->cats[i].slug);
		bind_text(st, 3, cat->cats[i].parent);
		sqlite3_bind_int(st, 4, cat->cats[i].order);
		rc |= step_reset(st);
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "INSERT INTO category_texts VALUES(?,?,?,?,?)",
	    -1, &st, NULL);
	for (i = 0; i < cat->ncats; i++) {
		for (j = 0; j < cat->cats[i].ntexts; j++) {
			bind_text(st, 1, cat->cats[i].slug);
			sqlite3_bind_int(st, 2, (int)j);
			bind_text(st, 3, cat->cats[i].texts[j].lang);
			bind_text(st, 4, cat->cats[i].texts[j].title);
			bind_text(st, 5, cat->cats[i].texts[j].description);
			rc |= step_reset(st);
		}
	}
	sqlite3_finalize(st);

	/* Drafts after the published articles, flagged (draft = 1). */
	sqlite3_prepare_v2(db, "INSERT INTO articles VALUES(?,?,?,?,?,?)", -1,
	    &st, NULL);
	for (i = 0; i < cat->narts + cat->ndraft_arts; i++) {
		a = i < cat->narts ? &cat->arts[i] :
		    &cat->draft_arts[i - cat->narts];
		l = join(a->aliases, a->naliases);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		bind_text(st, 2, a->slug);
		bind_text(st, 3, a->category);
		sqlite3_bind_int(st, 4, a->order);
		bind_text(st, 5, l);
		sqlite3_bind_int(st, 6, i >= cat->narts);
		rc |= step_reset(st);
		free(l);
	}
	sqlite3_finalize(st);

	/* The aliases the builder accepted, not every one written. */
	sqlite3_prepare_v2(db, "INSERT INTO aliases VALUES(?,?)", -1, &st,
	    NULL);
	for (i = 0; i < cat->naliases; i++) {
		bind_text(st, 1, cat->aliases[i].alias);
		bind_text(st, 2, cat->aliases[i].slug);
		rc |= step_reset(st);
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "INSERT INTO assets VALUES(?,?)", -1, &st, NULL);
	for (i = 0; i < cat->nassets; i++) {
		bind_text(st, 1, cat->assets[i].key);
		sqlite3_bind_blob(st, 2, cat->assets[i].data,
		    (int)cat->assets[i].len, SQLITE_STATIC);
		rc |= step_reset(st);
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "INSERT INTO problems VALUES(?,?,?,?)", -1, &st,
	    NULL);
	for (i = 0; i < cat->nproblems; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		bind_text(st, 2, cat->problems[i].file);
		sqlite3_bind_int(st, 3, cat->problems[i].line);
		bind_text(st, 4, cat->problems[i].reason);
		rc |= step_reset(st);
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "INSERT INTO drafts VALUES(?)", -1, &st, NULL);
	for (i = 0; i < cat->ndrafts; i++) {
		bind_text(st, 1, cat->drafts[i]);
		rc |= step_reset(st);
	}
	sqlite3_finalize(st);
	return (rc);
}

int
snapshot_write(const struct catalog *cat, const char *path)
{
	sqlite3		*db;
	struct strbuf	 tmp;
	int		 rc, fd;

	sb_init(&tmp);
	sb_printf(&tmp, "%s.tmp.%d", path, (int)getpid());
	(void)unlink(tmp.data);
	if (sqlite3_open(tmp.data, &db) != SQLITE_OK) {
		fprintf(stderr, "snapshot: cannot create %s: %s\n", tmp.data,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		sb_free(&tmp);
		return (-1);
	}
	rc = exec_sql(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
	rc |= exec_sql(db, "BEGIN");
	rc |= exec_sql(db, schema);
	rc |= write_rest(db, cat);
	rc |= write_versions(db, cat);
	/* Workers look texts up one version at a time. */
	rc |= exec_sql(db, "CREATE UNIQUE INDEX versions_key ON "
	    "versions(slug, lang)");
	rc |= exec_sql(db, "COMMIT");
	sqlite3_close(db);

	/* The data must be on disk before the rename makes it current. */
	if (rc == 0 && (fd = open(tmp.data, O_RDONLY)) >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	if (rc == 0 && rename(tmp.data, path) != 0) {
		fprintf(stderr, "snapshot: cannot rename to %s\n", path);
		rc = -1;
	}
	if (rc != 0)
		(void)unlink(tmp.data);
	else if (written != NULL)
		(void)__atomic_add_fetch(written, 1, __ATOMIC_RELEASE);
	sb_free(&tmp);
	return (rc == 0 ? 0 : -1);
}

int
snapshot_counter_init(void)
{
	void	*p;

	p = mmap(NULL, sizeof(*written), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	written = p;
	return (0);
}

int
snapshot_counter_get(unsigned long long *out)
{
	if (written == NULL)
		return (-1);
	*out = __atomic_load_n(written, __ATOMIC_ACQUIRE);
	return (0);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*s;

	s = sqlite3_column_text(st, i);
	return (s ? xstrdup((const char *)s) : NULL);
}

static void
parse_toc(struct article_version *v, const char *s)
{
	char	**lines, *t1, *t2;
	size_t	  n, i;

	lines = split(s, &n);
	v->toc = xcalloc(n + 1, sizeof(*v->toc));
	v->ntoc = 0;
	for (i = 0; i < n; i++) {
		if ((t1 = strchr(lines[i], '\t')) == NULL ||
		    (t2 = strchr(t1 + 1, '\t')) == NULL)
			continue;
		v->toc[v->ntoc].level = atoi(lines[i]);
		v->toc[v->ntoc].anchor = xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
		v->toc[v->ntoc].text = xstrdup(t2 + 1);
		v->ntoc++;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static int
read_articles(sqlite3 *db, struct catalog *cat, int light)
{
	sqlite3_stmt		*st;
	struct article		*a;
	struct article_version	*v;
	size_t			 i;

	if (sqlite3_prepare_v2(db, "SELECT slug, category, ord, aliases, draft "
	    "FROM articles ORDER BY pos", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		/* Drafts come last (write_rest): pos - narts is theirs. */
		if (sqlite3_column_int(st, 4)) {
			cat->draft_arts = xrealloc(cat->draft_arts,
			    (cat->ndraft_arts + 1) * sizeof(*a));
			a = &cat->draft_arts[cat->ndraft_arts++];
		} else {
			cat->arts = xrealloc(cat->arts,
			    (cat->narts + 1) * sizeof(*a));
			a = &cat->arts[cat->narts++];
		}
		memset(a, 0, sizeof(*a));
		a->slug = col_text(st, 0);
		a->category = col_text(st, 1);
		a->order = sqlite3_column_int(st, 2);
		a->aliases = split((const char *)sqlite3_column_text(st, 3),
		    &a->naliases);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, light ?
	    "SELECT a.pos, v.lang, v.path, v.title, v.summary, v.tags, NULL, "
	    "NULL, NULL, NULL, v.toc, v.links, v.updated, v.owner, v.review_by "
	    "FROM versions v JOIN articles a ON a.slug = v.slug "
	    "ORDER BY a.pos, v.pos" :
	    "SELECT a.pos, v.lang, v.path, v.title, v.summary, v.tags, "
	    "v.markdown, v.html, v.plain, v.headings, v.toc, v.links, "
	    "v.updated, v.owner, v.review_by FROM versions v JOIN articles a "
	    "ON a.slug = v.slug ORDER BY a.pos, v.pos", -1, &st, NULL) !=
	    SQLITE_OK)
		return (-1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		i = (size_t)sqlite3_column_int64(st, 0);
		if (i < cat->narts)
			a = &cat->arts[i];
		else if (i - cat->narts < cat->ndraft_arts)
			a = &cat->draft_arts[i - cat->narts];
		else
			continue;
		a->versions = xrealloc(a->versions,
		    (a->nversions + 1) * sizeof(*v));
		v = &a->versions[a->nversions++];
		memset(v, 0, sizeof(*v));
		v->lang = col_text(st, 1);
		v->path = col_text(st, 2);
		v->title = col_text(st, 3);
		v->summary = col_text(st, 4);
		v->tags = split((const char *)sqlite3_column_text(st, 5),
		    &v->ntags);
		v->markdown = col_text(st, 6);
		v->html = col_text(st, 7);
		v->plain = col_text(st, 8);
		v->headings = col_text(st, 9);
		parse_toc(v, (const char *)sqlite3_column_text(st, 10));
		v->links = split((const char *)sqlite3_column_text(st, 11),
		    &v->nlinks);
		v->updated = sqlite3_column_int64(st, 12);
		v->owner = col_text(st, 13);
		v->review_by = col_text(st, 14);
	}
	sqlite3_finalize(st);
	return (0);
}

static int
read_rest(sqlite3 *db, struct catalog *cat)
{
	sqlite3_stmt	*st;
	struct category	*c;
	size_t		 i;
	const void	*blob;

	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st,
	    NULL) != SQLITE_OK)
		return (-1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		if (!strcmp(k, "built"))
			cat->built = sqlite3_column_int64(st, 1);
		else if (!strcmp(k, "synonyms"))
			cat->synonyms = col_text(st, 1);
		else if (!strcmp(k, "stopwords"))
			cat->stopwords = col_text(st, 1);
		else if (!strcmp(k, "macros"))
			cat->macros = col_text(st, 1);
		else if (!strcmp(k, "polyphones"))
			cat->polyphones = col_text(st, 1);
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT slug, parent, ord FROM categories "
	    "ORDER BY pos", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cat->cats = xrealloc(cat->cats, (cat->ncats + 1) * sizeof(*c));
		c = &cat->cats[cat->ncats++];
		memset(c, 0, sizeof(*c));
		c->slug = col_text(st, 0);
		c->parent = col_text(st, 1);
		c->order = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT c.pos, t.lang, t.title, t.description "
	    "FROM category_texts t JOIN categories c ON c.slug = t.slug "
	    "ORDER BY c.pos, t.pos", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		i = (size_t)sqlite3_column_int64(st, 0);
		if (i >= cat->ncats)
			continue;
		c = &cat->cats[i];
		c->texts = xrealloc(c->texts, (c->ntexts + 1) *
		    sizeof(*c->texts));
		c->texts[c->ntexts].lang = col_text(st, 1);
		c->texts[c->ntexts].title = col_text(st, 2);
		c->texts[c->ntexts].description = col_text(st, 3);
		c->ntexts++;
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT alias, slug FROM aliases", -1, &st,
	    NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cat->aliases = xrealloc(cat->aliases, (cat->naliases + 1) *
		    sizeof(*cat->aliases));
		cat->aliases[cat->naliases].alias = col_text(st, 0);
		cat->aliases[cat->naliases].slug = col_text(st, 1);
		cat->naliases++;
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT key, data FROM assets", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cat->assets = xrealloc(cat->assets, (cat->nassets + 1) *
		    sizeof(*cat->assets));
		cat->assets[cat->nassets].key = col_text(st, 0);
		cat->assets[cat->nassets].len =
		    (size_t)sqlite3_column_bytes(st, 1);
		blob = sqlite3_column_blob(st, 1);
		cat->assets[cat->nassets].data =
		    xmalloc(cat->assets[cat->nassets].len);
		if (blob != NULL)
			memcpy(cat->assets[cat->nassets].data, blob,
			    cat->assets[cat->nassets].len);
		cat->nassets++;
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT file, line, reason FROM problems "
	    "ORDER BY pos", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cat->problems = xrealloc(cat->problems, (cat->nproblems + 1) *
		    sizeof(*cat->problems));
		cat->problems[cat->nproblems].file = col_text(st, 0);
		cat->problems[cat->nproblems].line = sqlite3_column_int(st, 1);
		cat->problems[cat->nproblems].reason = col_text(st, 2);
		cat->nproblems++;
	}
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT path FROM drafts", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cat->drafts = xrealloc(cat->drafts, (cat->ndrafts + 1) *
		    sizeof(char *));
		cat->drafts[cat->ndrafts++] = col_text(st, 0);
	}
	sqlite3_finalize(st);
	return (0);
}

struct catalog *
snapshot_read(const char *path, int light)
{
	sqlite3		*db;
	struct catalog	*cat;
	int		 rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return (NULL);
	}
	cat = xcalloc(1, sizeof(*cat));
	rc = read_rest(db, cat);
	if (rc == 0)
		rc = read_articles(db, cat, light);
	sqlite3_close(db);
	if (rc != 0) {
		catalog_free(cat);
		return (NULL);
	}
	catalog_index(cat);
	return (cat);
}

struct snapshot_bodies {
	sqlite3		*db;
	sqlite3_stmt	*get;
	sqlite3_stmt	*plain;
};

struct snapshot_bodies *
snapshot_bodies_open(const char *path)
{
	struct snapshot_bodies	*b;

	b = xcalloc(1, sizeof(*b));
	if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(b->db, "SELECT html, markdown, "
	    "plain FROM versions WHERE slug = ? AND lang = ?", -1, &b->get,
	    NULL) != SQLITE_OK || sqlite3_prepare_v2(b->db, "SELECT "
	    "substr(plain, 1, ?) FROM versions WHERE slug = ? AND lang = ?",
	    -1, &b->plain, NULL) != SQLITE_OK) {
		snapshot_bodies_close(b);
		return (NULL);
	}
	return (b);
}

int
snapshot_bodies_get(struct snapshot_bodies *b, const char *slug,
    const char *lang, struct version_body *out)
{
	int	rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_text(b->get, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->get, 2, lang, -1, SQLITE_STATIC);
	rc = -1;
	if (sqlite3_step(b->get) == SQLITE_ROW) {
		out->html = col_text(b->get, 0);
		out->markdown = col_text(b->get, 1);
		out->plain = col_text(b->get, 2);
		rc = 0;
	}
	sqlite3_reset(b->get);
	sqlite3_clear_bindings(b->get);
	if (rc == 0 && (out->html == NULL || out->markdown == NULL ||
	    out->plain == NULL)) {
		body_free(out);
		rc = -1;
	}
	return (rc);
}

char *
snapshot_bodies_plain(struct snapshot_bodies *b, const char *slug,
    const char *lang, int max)
{
	char	*text;

	sqlite3_bind_int(b->plain, 1, max);
	sqlite3_bind_text(b->plain, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->plain, 3, lang, -1, SQLITE_STATIC);
	text = sqlite3_step(b->plain) == SQLITE_ROW ? col_text(b->plain, 0) :
	    NULL;
	sqlite3_reset(b->plain);
	sqlite3_clear_bindings(b->plain);
	return (text);
}

void
snapshot_bodies_close(struct snapshot_bodies *b)
{
	if (b == NULL)
		return;
	sqlite3_finalize(b->plain);
	sqlite3_finalize(b->get);
	sqlite3_close(b->db);
	free(b);
}

void
body_free(struct version_body *body)
{
	free(body->html);
	free(body->markdown);
	free(body->plain);
	memset(body, 0, sizeof(*body));
}
