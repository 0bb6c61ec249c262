/* tickets_common.c: helpers shared by the tickets pages, API and agent pages; the routing config and SLA timer hooks. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/core/assets.h"
#include "render/i18n.h"
#include "settings.h"
#include "http/core/site.h"
#include "tickets/outbox.h"
#include "tickets_http.h"

/* How often each worker runs the SLA job (idempotent: both run it). */
#define SLA_CHECK_MS	30000

void
tickets_http_parent_configure(void)
{
	char	path[1024], err[512];

	(void)snprintf(path, sizeof(path), "%s/_support.yaml",
	    settings.articles);
	if (tickets_config_load(path, err, sizeof(err)) != 0)
		kore_log(LOG_WARNING, "tickets: %s; using the default routing "
		    "(group general, SLA 1/4/24/48 h)", err);
}

static void
sla_timer(void *arg, u_int64_t now)
{
	int	n;

	(void)arg;
	(void)now;
	if (site.db == NULL)
		return;
	if ((n = tickets_escalate(site.db, (long long)time(NULL))) < 0)
		kore_log(LOG_ERR, "tickets: SLA job failed: %s",
		    db_errmsg(site.db));
	else if (n > 0)
		kore_log(LOG_NOTICE, "tickets: %d overdue ticket%s escalated",
		    n, n == 1 ? "" : "s");
}

void
tickets_http_worker_configure(void)
{
	kore_timer_add(sla_timer, SLA_CHECK_MS, NULL, 0);
}

int
tickets_redirect(struct http_request *req, int status, const char *location)
{
	http_response_header(req, "location", location);
	return (respond_bytes(req, status, "text/plain; charset=utf-8", NULL,
	    0));
}

const char *
tickets_path_ref(struct http_request *req, const char *prefix,
    const char *suffix, char out[TICKET_REF_LEN])
{
	size_t	plen, len, slen;

	plen = strlen(prefix);
	slen = suffix ? strlen(suffix) : 0;
	len = strlen(req->path);
	if (len != plen + TICKET_REF_LEN - 1 + slen ||
	    strncmp(req->path, prefix, plen) ||
	    (slen && strcmp(req->path + len - slen, suffix)))
		return (NULL);
	memcpy(out, req->path + plen, TICKET_REF_LEN - 1);
	out[TICKET_REF_LEN - 1] = '\0';
	return (ticket_ref_valid(out) ? out : NULL);
}

json_t *
tickets_page_context(struct http_request *req, const char *lang,
    const char *title)
{
	json_t	*ctx;

	ctx = page_context(req, lang, title);
	json_object_set_new(ctx, "tickets_css",
	    json_string(assets_url("tickets.css")));
	json_object_set_new(ctx, "tickets_js",
	    json_string(assets_url("tickets.js")));
	json_object_set_new(ctx, "noindex", json_true());
	/* The pages promise email only when it is sent (SMTP_URL). */
	json_object_set_new(ctx, "mail_on", json_boolean(tickets_mail_enabled()));
	return (ctx);
}

int
tickets_category_known(const char *slug)
{
	return (slug == NULL || slug[0] == '\0' ||
	    catalog_category(site.cat, slug) != NULL);
}

void
tickets_format_time(long long t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt;
	char		day[32];

	/* TIME_ZONE was loaded in the parent (settings.c), before the chroot. */
	tt = (time_t)t;
	(void)localtime_r(&tt, &tm);
	(void)strftime(day, sizeof(day), "%Y-%m-%d %H:%M", &tm);
	(void)snprintf(buf, len, "%s (%s)", day, settings.time_zone);
}

static void
set_time(json_t *o, const char *key, const char *as)
{
	json_t	*v;
	char	 buf[64];

	if ((v = json_object_get(o, key)) == NULL || !json_is_integer(v))
		return;
	tickets_format_time(json_integer_value(v), buf, sizeof(buf));
	json_object_set_new(o, as, json_string(buf));
}

static void
set_label(json_t *o, const char *key, const char *ui)
{
	const char	*v;
	char		 k[64], as[64];

	if ((v = json_string_value(json_object_get(o, key))) == NULL)
		return;
	(void)snprintf(k, sizeof(k), "tk_%s_%s", key, v);
	(void)snprintf(as, sizeof(as), "%s_label", key);
	json_object_set_new(o, as, json_string(i18n_get(ui, k)));
}

void
tickets_decorate(json_t *t, const char *ui)
{
	static const char	*lists[] = { "searches", "articles", "votes",
				    "threads" };
	json_t		*ev, *ctx;
	const char	*kind, *actor;
	char		 key[32];
	size_t		 i;

	set_time(t, "created_at", "created");
	set_time(t, "due_at", "due");
	set_time(t, "updated_at", "updated");
	set_label(t, "status", ui);
	set_label(t, "priority", ui);
	if ((ctx = json_object_get(t, "context")) != NULL) {
		for (i = 0; i < 4; i++) {
			(void)snprintf(key, sizeof(key), "has_%s", lists[i]);
			json_object_set_new(ctx, key, json_boolean(
			    json_array_size(json_object_get(ctx, lists[i])) > 0));
		}
	}
	json_array_foreach(json_object_get(t, "events"), i, ev) {
		set_time(ev, "ts", "when");
		kind = json_string_value(json_object_get(ev, "kind"));
		actor = json_string_value(json_object_get(ev, "actor"));
		if (kind == NULL || actor == NULL)
			continue;
		json_object_set_new(ev, "is_agent",
		    json_boolean(!strncmp(actor, "agent:", 6)));
		json_object_set_new(ev, "agent_name", json_string(
		    !strncmp(actor, "agent:", 6) ? actor + 6 : actor));
		json_object_set_new(ev, "is_note",
		    json_boolean(!strcmp(kind, "note")));
		json_object_set_new(ev, "is_text", json_boolean(
		    !strcmp(kind, "note") || !strcmp(kind, "reply")));
		json_object_set_new(ev, "is_change", json_boolean(
		    strcmp(kind, "note") && strcmp(kind, "reply")));
	}
}

int
tickets_agent(struct http_request *req, struct token_owner *owner)
{
	const char	*auth;

	/* Pages take the login cookie only, never a header of a script. */
	if (http_request_header(req, "authorization", &auth))
		return (0);
	return (staff_auth(req, TOKEN_ROLE_AGENT, owner));
}
