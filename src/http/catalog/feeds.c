/* feeds.c: sitemap.xml, feed.atom, robots.txt and healthz. */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <signal.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community/community.h"
#include "http/core/site.h"
#include "render/i18n.h"
#include "settings.h"
#include "store/db.h"
#include "util/helper_status.h"
#include "util/text.h"

int	page_sitemap(struct http_request *);
int	page_feed(struct http_request *);
int	page_robots(struct http_request *);
int	page_healthz(struct http_request *);

#define FEED_LEN	20
/*
 * Threads in sitemap.xml, newest first (a sitemap holds at most 50,000
 * addresses; older threads stay reachable through the community list).
 */
#define SITEMAP_THREADS	10000

static void
xml_text(struct strbuf *sb, const char *s)
{
	html_escape(sb, s, strlen(s));
}

/* Published threads only: queued, hidden and removed ones are not public. */
static void
sitemap_threads(struct strbuf *sb)
{
	json_t		*list, *t;
	long long	 total;
	size_t		 i;
	char		 date[32];

	if (site.db == NULL || (list = cm_thread_list(site.db, "newest",
	    NULL, NULL, 1, SITEMAP_THREADS, &total)) == NULL)
		return;
	json_array_foreach(list, i, t) {
		format_date(json_integer_value(json_object_get(t, "updated")),
		    date, sizeof(date));
		sb_puts(sb, "<url><loc>");
		xml_text(sb, settings.base_url);
		xml_text(sb, json_string_value(json_object_get(t, "url")));
		sb_printf(sb, "</loc><lastmod>%s</lastmod></url>\n", date);
	}
	json_decref(list);
}

int
page_sitemap(struct http_request *req)
{
	const struct article	*a;
	struct strbuf		 sb;
	char			 date[32];
	size_t			 i, j, k;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	    "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	sb_puts(&sb, "<url><loc>");
	xml_text(&sb, settings.base_url);
	sb_puts(&sb, "/</loc></url>\n");
	for (i = 0; i < site.cat->ncats; i++) {
		sb_puts(&sb, "<url><loc>");
		xml_text(&sb, settings.base_url);
		sb_printf(&sb, "/categories/%s</loc></url>\n",
		    site.cat->cats[i].slug);
	}
	for (i = 0; i < site.cat->narts; i++) {
		a = &site.cat->arts[i];
		for (j = 0; j < a->nversions; j++) {
			format_date(a->versions[j].updated, date, sizeof(date));
			sb_puts(&sb, "<url><loc>");
			xml_text(&sb, settings.base_url);
			sb_printf(&sb, "/articles/%s", a->slug);
			if (j > 0)
				sb_printf(&sb, "?lang=%s", a->versions[j].lang);
			sb_printf(&sb, "</loc><lastmod>%s</lastmod>", date);
			for (k = 0; a->nversions > 1 && k < a->nversions; k++) {
				sb_printf(&sb, "<xhtml:link rel=\"alternate\" "
				    "hreflang=\"%s\" href=\"",
				    a->versions[k].lang);
				xml_text(&sb, settings.base_url);
				sb_printf(&sb, "/articles/%s", a->slug);
				if (k > 0)
					sb_printf(&sb, "?lang=%s",
					    a->versions[k].lang);
				sb_puts(&sb, "\"/>");
			}
			sb_puts(&sb, "</url>\n");
		}
	}
	sitemap_threads(&sb);
	sb_puts(&sb, "</urlset>\n");
	(void)respond_negotiated(req, 200, "application/xml; charset=utf-8",
	    sb.data, sb.len, NULL);
	sb_free(&sb);
	return (KORE_RESULT_OK);
}

int
page_feed(struct http_request *req)
{
	const struct article_version	*v;
	struct strbuf			 sb;
	const size_t			*order;
	size_t				 i, n;
	char				 date[40];

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	n = site.cat->narts;
	order = site.cat->recent;

	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    "<title>");
	/* The site's own name, in the default language's interface. */
	xml_text(&sb, i18n_get(i18n_ui_lang(settings.default_lang),
	    "site_name"));
	sb_puts(&sb, "</title>\n<id>");
	xml_text(&sb, settings.base_url);
	sb_puts(&sb, "/</id>\n<link rel=\"self\" href=\"");
	xml_text(&sb, settings.base_url);
	sb_puts(&sb, "/feed.atom\"/>\n");
	format_rfc3339(n > 0 ? site.cat->arts[order[0]].versions[0].updated :
	    site.cat->built, date, sizeof(date));
	sb_printf(&sb, "<updated>%s</updated>\n", date);
	for (i = 0; i < n && i < FEED_LEN; i++) {
		v = &site.cat->arts[order[i]].versions[0];
		format_rfc3339(v->updated, date, sizeof(date));
		sb_puts(&sb, "<entry><title>");
		xml_text(&sb, v->title);
		sb_puts(&sb, "</title><id>");
		xml_text(&sb, settings.base_url);
		sb_printf(&sb, "/articles/%s</id><link href=\"",
		    site.cat->arts[order[i]].slug);
		xml_text(&sb, settings.base_url);
		sb_printf(&sb, "/articles/%s\"/><updated>%s</updated>",
		    site.cat->arts[order[i]].slug, date);
		if (v->summary != NULL) {
			sb_puts(&sb, "<summary>");
			xml_text(&sb, v->summary);
			sb_puts(&sb, "</summary>");
		}
		sb_puts(&sb, "</entry>\n");
	}
	sb_puts(&sb, "</feed>\n");
	(void)respond_negotiated(req, 200,
	    "application/atom+xml; charset=utf-8", sb.data, sb.len, NULL);
	sb_free(&sb);
	return (KORE_RESULT_OK);
}

int
page_robots(struct http_request *req)
{
	struct strbuf	sb;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	sb_init(&sb);
	sb_printf(&sb, "User-agent: *\nDisallow: /admin\nDisallow: /agent\n"
	    "Disallow: /api/\nDisallow: /tickets/\nDisallow: /search\n"
	    "Sitemap: %s/sitemap.xml\n", settings.base_url);
	(void)respond_bytes(req, 200, "text/plain; charset=utf-8", sb.data,
	    sb.len);
	sb_free(&sb);
	return (KORE_RESULT_OK);
}

/* Below this much free space in the data folder, writes are about to fail. */
#define HEALTH_MIN_FREE		(1024 * 1024)
/* A failed write this recent still makes the database "not writable". */
#define HEALTH_ERROR_SECS	30

/*
 * The database part of /healthz: readable, writable now (the write lock
 * can be taken, the disk has room, the last write did not fail just now),
 * and a sentence saying what is wrong.
 */
static json_t *
health_database(int *ok)
{
	struct statvfs	 vfs;
	long long	 since, free_bytes;
	const char	*msg;
	char		 buf[320];
	int		 code, readable, writable;

	readable = db_usable(site.db);
	free_bytes = -1;
	/* The snapshot lives in the data folder: the same file system. */
	if (statvfs(site.snapshot, &vfs) == 0)
		free_bytes = (long long)vfs.f_bavail * (long long)vfs.f_frsize;
	msg = "ok";
	writable = 1;
	if (!readable) {
		writable = 0;
		msg = "The database cannot be read; writes are refused.";
	} else if (free_bytes >= 0 && free_bytes < HEALTH_MIN_FREE) {
		writable = 0;
		(void)snprintf(buf, sizeof(buf), "The data folder's disk is "
		    "full (%lld KB free): writes are refused until an operator "
		    "frees space.", free_bytes / 1024);
		msg = buf;
	} else if ((code = db_write_probe(site.db)) != STORE_OK) {
		writable = 0;
		msg = db_error_message(code, NULL);
	} else if ((code = db_write_error(&since)) != 0 &&
	    time(NULL) - since < HEALTH_ERROR_SECS) {
		writable = 0;
		(void)snprintf(buf, sizeof(buf), "A write failed %llds ago: %s",
		    (long long)(time(NULL) - since), db_error_message(code,
		    NULL));
		msg = buf;
	}
	*ok = readable && writable;
	return (json_pack("{s:b, s:b, s:I, s:s}", "usable", readable,
	    "writable", writable, "free_bytes", (json_int_t)free_bytes,
	    "message", msg));
}

/* The index part: open or not, and why not. */
static json_t *
health_index(int *ok)
{
	struct stat	 st;
	hc_index	*ix;
	const char	*msg;
	json_int_t	 docs;

	ix = search_reader();
	docs = ix ? (json_int_t)hc_index_doccount(ix) : 0;
	msg = "ok";
	if (ix == NULL && stat(site.index_path, &st) != 0)
		msg = "The search index folder is missing: search answers 503 "
		    "until the watcher has rebuilt it (seconds).";
	else if (ix == NULL)
		msg = "The search index cannot be opened (damaged or being "
		    "built): search answers 503 until the watcher has rebuilt "
		    "it.";
	else if (docs == 0 && site.cat->narts > 0)
		msg = "The search index is empty: the watcher is rebuilding it.";
	*ok = ix != NULL && !(docs == 0 && site.cat->narts > 0);
	return (json_pack("{s:b, s:I, s:s}", "usable", ix != NULL,
	    "documents", docs, "message", msg));
}

/* A helper failing for this long (or silent for twice it) is degraded. */
#define HELPER_FAILING_SECS	3
/* The event writer may wait 5 s for another program's lock: not stuck. */
#define EVENTS_SILENT_SECS	10
/* The watcher may spend this long on one large build. */
#define WATCHER_SILENT_SECS	60
/* The mailer may wait out a relay's timeouts (connect 10 s, transfer 60 s). */
#define MAILER_SILENT_SECS	90

static json_t *
json_time(long long t)
{
	char	buf[40];

	if (t <= 0)
		return (json_null());
	format_rfc3339(t, buf, sizeof(buf));
	return (json_string(buf));
}

/*
 * One helper's part: what it last did, from its shared record, and
 * whether it is alive (kill 0: both run as the same user). Adds a reason
 * to reasons and clears *ok when it is dead, silent or failing.
 */
static json_t *
health_helper(enum helper_id id, const char *name, const char *job,
    long long silent_max, json_t *reasons, int *ok)
{
	struct helper_state	 h;
	json_t			*o, *err;
	long long		 now, failing;
	char			 msg[512];
	int			 running;

	if (helper_status_read(id, &h) != 0)
		return (json_pack("{s:b, s:s}", "running", 0, "message",
		    "no shared status: cannot tell"));
	now = (long long)time(NULL);
	running = h.pid > 0 && (kill(h.pid, 0) == 0 || errno != ESRCH);
	failing = h.failing_since > 0 ? now - h.failing_since : 0;
	(void)snprintf(msg, sizeof(msg), "ok");
	if (h.pid == 0)
		(void)snprintf(msg, sizeof(msg), "%s is starting", name);
	else if (!running)
		(void)snprintf(msg, sizeof(msg), "%s (pid %d) is not running: "
		    "%s until the server is restarted", name, (int)h.pid, job);
	else if (now - h.beat > silent_max)
		(void)snprintf(msg, sizeof(msg), "%s (pid %d) has not turned "
		    "its loop for %llds: stuck?", name, (int)h.pid,
		    now - h.beat);
	else if (h.failing_since > 0 && failing >= HELPER_FAILING_SECS)
		(void)snprintf(msg, sizeof(msg), "%s has been failing for "
		    "%llds: %s", name, failing, h.error);
	if (strcmp(msg, "ok") && h.pid != 0) {
		*ok = 0;
		json_array_append_new(reasons, json_string(msg));
	}
	err = h.last_error > 0 ? json_pack("{s:o, s:s}", "time",
	    json_time(h.last_error), "message", h.error) : json_null();
	o = json_pack("{s:b, s:i, s:o, s:o, s:o, s:I, s:s}",
	    "running", running, "pid", (int)h.pid,
	    "started", json_time(h.started),
	    "last_success", json_time(h.last_ok), "last_error", err,
	    "failing_for", (json_int_t)failing, "message", msg);
	return (o);
}

/*
 * catalog pinning: the nodes on this database and the catalog each one
 * serves, as the watcher last reported them (no query here). Degraded
 * when this node's snapshot has differed from another live node's for
 * longer than settings.catalog_diff_secs: visitors would see other
 * articles depending on the node the balancer picks.
 */
static json_t *
health_nodes(json_t *reasons, int *ok)
{
	struct helper_state	 w;
	struct strbuf		 names;
	json_t			*o, *list;
	const char		*msg;
	char			 buf[640];
	long long		 now, differs;
	int			 i;

	*ok = 1;
	if (helper_status_read(HELPER_WATCHER, &w) != 0 ||
	    w.nodes_reported == 0 || w.nnodes < 1)
		return (json_pack("{s:s, s:[], s:n, s:s}", "this",
		    settings.node_name, "nodes", "differs_since", "message",
		    "the watcher has not reported this node's catalog yet"));
	now = (long long)time(NULL);
	list = json_array();
	sb_init(&names);
	for (i = 0; i < w.nnodes && i < HELPER_NODES_MAX; i++) {
		w.nodes[i].name[sizeof(w.nodes[i].name) - 1] = '\0';
		w.nodes[i].git_commit[sizeof(w.nodes[i].git_commit) - 1] = '\0';
		w.nodes[i].snapshot_hash[sizeof(w.nodes[i].snapshot_hash) - 1] =
		    '\0';
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o, "
		    "s:b, s:b}", "name", w.nodes[i].name,
		    "git_commit", w.nodes[i].git_commit,
		    "snapshot_hash", w.nodes[i].snapshot_hash,
		    "reported", json_time(w.nodes[i].reported),
		    "this", i == 0, "same", i == 0 || !w.nodes[i].differs));
		if (i > 0 && w.nodes[i].differs)
			sb_printf(&names, "%s%s", names.len ? ", " : "",
			    w.nodes[i].name);
	}
	differs = w.differs_since > 0 ? now - w.differs_since : 0;
	msg = "ok: the same snapshot as every live node";
	if (w.differs_since > 0) {
		(void)snprintf(buf, sizeof(buf), "catalog: this node's "
		    "snapshot (%.12s, articles commit %.12s) has differed from "
		    "that of %s for %llds: visitors see other articles "
		    "depending on the node; publish the same articles on every "
		    "node", w.nodes[0].snapshot_hash, w.nodes[0].git_commit[0] ?
		    w.nodes[0].git_commit : "none", names.len ? names.data :
		    "another node", differs);
		msg = buf;
		if (differs > settings.catalog_diff_secs) {
			*ok = 0;
			json_array_append_new(reasons, json_string(buf));
		}
	}
	o = json_pack("{s:s, s:o, s:o, s:I, s:s}", "this", settings.node_name,
	    "nodes", list, "differs_since", json_time(w.differs_since),
	    "degraded_after", (json_int_t)settings.catalog_diff_secs,
	    "message", msg);
	sb_free(&names);
	return (o);
}

int
page_healthz(struct http_request *req)
{
	struct helper_state	 w;
	json_t		*o, *db, *ix, *helpers, *reasons, *m, *nodes;
	char		 built[40], problems[160];
	int		 db_ok, ix_ok, ok, helpers_ok, mail_ok, nodes_ok;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	db = health_database(&db_ok);
	ix = health_index(&ix_ok);
	reasons = json_array();
	helpers_ok = mail_ok = 1;
	helpers = json_pack("{s:o, s:o}",
	    "watcher", health_helper(HELPER_WATCHER, "hc-watcher",
	    "article edits do not go live", WATCHER_SILENT_SECS, reasons,
	    &helpers_ok),
	    "events", health_helper(HELPER_EVENTS, "hc-events",
	    "page views and searches are not recorded", EVENTS_SILENT_SECS,
	    reasons, &helpers_ok));
	/*
	 * tickets: only when email is on (SMTP_URL). Its trouble is listed
	 * in reasons but does not make the server 503: pages and tickets
	 * work, and mail waits in the outbox (a relay outage must not take
	 * the help center out of a load balancer).
	 */
	if (settings.smtp_url != NULL)
		json_object_set_new(helpers, "mailer", health_helper(
		    HELPER_MAILER, "hc-mailer", "emails wait in the outbox",
		    MAILER_SILENT_SECS, reasons, &mail_ok));
	if (!db_ok && (m = json_object_get(db, "message")) != NULL)
		json_array_append_new(reasons, json_sprintf("database: %s",
		    json_string_value(m)));
	if (!ix_ok && (m = json_object_get(ix, "message")) != NULL)
		json_array_append_new(reasons, json_sprintf("index: %s",
		    json_string_value(m)));
	if (site.cat->built <= 0)
		json_array_append_new(reasons, json_string("catalog: no "
		    "snapshot loaded yet"));
	nodes = health_nodes(reasons, &nodes_ok);
	ok = db_ok && ix_ok && site.cat->built > 0 && helpers_ok && nodes_ok;
	if (helper_status_read(HELPER_WATCHER, &w) != 0)
		w.articles = w.good_articles = -1;
	format_rfc3339(site.cat->built, built, sizeof(built));
	if (site.cat->nproblems > 0)
		(void)snprintf(problems, sizeof(problems), "%zu files have "
		    "problems and are not served (their last good version "
		    "is): hcctl check or /admin lists them.",
		    site.cat->nproblems);
	else
		(void)snprintf(problems, sizeof(problems), "ok");
	o = json_pack("{s:s, s:{s:b, s:I, s:I, s:I, s:s, s:s, s:I, s:I}, "
	    "s:o, s:o, s:o, s:o}",
	    "status", ok ? "ok" : "degraded",
	    "catalog", "usable", site.cat->built > 0,
	    "articles", (json_int_t)site.cat->narts,
	    "categories", (json_int_t)site.cat->ncats,
	    "problems", (json_int_t)site.cat->nproblems,
	    "built", built, "message", problems,
	    "last_build_articles", (json_int_t)w.articles,
	    "last_good_articles", (json_int_t)w.good_articles,
	    "database", db, "index", ix, "helpers", helpers,
	    "reasons", reasons);
	json_object_set_new(o, "nodes", nodes);
	return (respond_json(req, ok ? 200 : 503, o));
}
