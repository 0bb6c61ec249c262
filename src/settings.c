/* settings.c: PORT, ARTICLES, DATA, BASE_URL, DEFAULT_LANG, RATE_LIMITS, EVENTS, RETENTION_DAYS, TRUST_PROXY, STAFF_SESSION_*, TIME_ZONE, SMTP_*, DATABASE_URL, NODE_NAME, SEARCH_CACHE (and the test knob HC_TEST_CATALOG_DIFF_SECS) from the environment. */
#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "settings.h"
#include "util/text.h"

struct settings	settings;

static char	articles_abs[4096];
static char	data_abs[4096];
static char	node_default[4096 + 300];

/*
 * path made absolute against the working folder: Kore changes into DATA
 * before the workers open anything, so "var/helpcenter.db" would be looked
 * for in var/var when the server runs without the chroot.
 */
static const char *
absolute(const char *path, char *buf, size_t len)
{
	char	cwd[2048];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return (path);
	if ((size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
		return (path);
	return (buf);
}

static const char *
env_or(const char *name, const char *fallback)
{
	const char	*v;

	v = getenv(name);
	return ((v != NULL && *v != '\0') ? v : fallback);
}

/*
 * TIME_ZONE: an IANA name whose file exists under /usr/share/zoneinfo.
 * The C library reads that file here, in the parent: the workers are
 * chrooted in DATA and could not open it later. They inherit the zone
 * already loaded, and TZ stays the same, so no later call reads again.
 */
static int
time_zone_set(const char *zone)
{
	char		path[256];
	struct stat	sb;
	size_t		i;

	for (i = 0; zone[i] != '\0'; i++)
		if (!isalnum((unsigned char)zone[i]) &&
		    strchr("/_+-", zone[i]) == NULL)
			break;
	(void)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (zone[i] != '\0' || i == 0 || i > 64 || zone[0] == '/' ||
	    strstr(zone, "..") != NULL || stat(path, &sb) != 0 ||
	    !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "TIME_ZONE must name a zone of "
		    "/usr/share/zoneinfo, such as Asia/Shanghai or UTC, not "
		    "'%s'\n", zone);
		return (-1);
	}
	if (setenv("TZ", zone, 1) != 0)
		return (-1);
	tzset();
	return (0);
}

/* 1 when s has a byte below space or DEL: a line break is header injection. */
static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return (1);
	return (0);
}

/*
 * SMTP_URL and SMTP_FROM: unset means no email at all (nothing is queued,
 * and the pages promise none). Set, the sender must be an address, since
 * the reply addresses take its domain.
 */
static int
smtp_load(void)
{
	const char	*at;

	settings.smtp_url = env_or("SMTP_URL", NULL);
	settings.smtp_from = env_or("SMTP_FROM", NULL);
	if (settings.smtp_url == NULL)
		return (0);
	if ((strncmp(settings.smtp_url, "smtp://", 7) &&
	    strncmp(settings.smtp_url, "smtps://", 8)) ||
	    has_control(settings.smtp_url)) {
		fprintf(stderr, "SMTP_URL must be smtp://host[:port] or "
		    "smtps://host[:port] (user:password@ before the host if "
		    "the relay wants them)\n");
		return (-1);
	}
	if (settings.smtp_from == NULL || has_control(settings.smtp_from) ||
	    (at = strrchr(settings.smtp_from, '@')) == NULL ||
	    at == settings.smtp_from || strchr(at, '.') == NULL) {
		fprintf(stderr, "SMTP_URL is set: SMTP_FROM must be the "
		    "sender, e.g. 'Help Center <help@example.com>' (replies "
		    "come back to reply+...@ its domain)\n");
		return (-1);
	}
	return (0);
}

/*
 * NODE_NAME names this node's rows in the shared database (its search
 * cursor, its event rings, its catalog). The default, host name and DATA,
 * is stable across restarts and differs for two nodes on one machine.
 */
static int
node_name_load(void)
{
	char		 host[256];
	const char	*v;
	size_t		 i;

	if (gethostname(host, sizeof(host)) != 0)
		(void)snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	(void)snprintf(node_default, sizeof(node_default), "%s:%s", host,
	    settings.data);
	v = env_or("NODE_NAME", node_default);
	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			break;
	if (v[i] != '\0' || i > 300) {
		fprintf(stderr, "NODE_NAME must be printable and at most 300 "
		    "bytes\n");
		return (-1);
	}
	settings.node_name = v;
	return (0);
}

int
settings_load(void)
{
	const char	*rl, *ev, *rd, *tp, *si, *sm, *du, *sc;
	char		*end;
	long		 days;

	settings.articles = absolute(env_or("ARTICLES", "articles"),
	    articles_abs, sizeof(articles_abs));
	settings.data = absolute(env_or("DATA", "var"), data_abs,
	    sizeof(data_abs));
	settings.base_url = env_or("BASE_URL", "http://127.0.0.1:8888");
	settings.default_lang = env_or("DEFAULT_LANG", "zh-CN");
	settings.templates = env_or("TEMPLATES", "templates");
	settings.assets = env_or("ASSETS", "assets");
	rl = env_or("RATE_LIMITS", "on");
	ev = env_or("EVENTS", "on");
	sc = env_or("SEARCH_CACHE", "on");
	rd = env_or("RETENTION_DAYS", "180");
	tp = env_or("TRUST_PROXY", "off");
	si = env_or("STAFF_SESSION_IDLE", "28800");
	settings.time_zone = env_or("TIME_ZONE", "Asia/Shanghai");
	sm = env_or("STAFF_SESSION_MAX", "604800");
	du = env_or("DATABASE_URL", "");

	/* Unset or empty: SQLite in DATA, as on one machine. */
	settings.database_url = NULL;
	if (du[0] != '\0') {
		if (strncmp(du, "postgresql://", 13) &&
		    strncmp(du, "postgres://", 11)) {
			fprintf(stderr, "DATABASE_URL must start with "
			    "postgresql:// (or be unset for SQLite in DATA)\n");
			return (-1);
		}
		settings.database_url = du;
	}
	if (node_name_load() != 0)
		return (-1);
	/*
	 * Only tests shorten it (make multinode); 60 s lets a rolling deploy
	 * reach every node before anyone is told.
	 */
	settings.catalog_diff_secs = strtol(env_or("HC_TEST_CATALOG_DIFF_SECS",
	    "60"), &end, 10);
	if (*end != '\0' || settings.catalog_diff_secs < 1 ||
	    settings.catalog_diff_secs > 86400) {
		fprintf(stderr, "HC_TEST_CATALOG_DIFF_SECS must be 1 to 86400 "
		    "seconds\n");
		return (-1);
	}
	if (!lang_supported(settings.default_lang)) {
		fprintf(stderr, "DEFAULT_LANG must be zh-CN, zh-TW or en, "
		    "not '%s'\n", settings.default_lang);
		return (-1);
	}
	if (strcmp(rl, "on") && strcmp(rl, "off")) {
		fprintf(stderr, "RATE_LIMITS must be on or off\n");
		return (-1);
	}
	settings.rate_limits = !strcmp(rl, "on");
	/* Off only to measure what recording costs (tests/bench/deflection.sh). */
	if (strcmp(ev, "on") && strcmp(ev, "off")) {
		fprintf(stderr, "EVENTS must be on or off\n");
		return (-1);
	}
	settings.events = !strcmp(ev, "on");
	/* Off only to measure every search as a new one (make bench). */
	if (strcmp(sc, "on") && strcmp(sc, "off")) {
		fprintf(stderr, "SEARCH_CACHE must be on or off\n");
		return (-1);
	}
	settings.search_cache = !strcmp(sc, "on");
	days = strtol(rd, &end, 10);
	if (*end != '\0' || days < 1 || days > 3650) {
		fprintf(stderr, "RETENTION_DAYS must be a number of days from 1 "
		    "to 3650, not '%s'\n", rd);
		return (-1);
	}
	settings.retention_days = (int)days;
	/* On only behind a reverse proxy that sets X-Forwarded-For. */
	if (strcmp(tp, "on") && strcmp(tp, "off")) {
		fprintf(stderr, "TRUST_PROXY must be on or off\n");
		return (-1);
	}
	settings.trust_proxy = !strcmp(tp, "on");
	/* Short limits exist for tests; a day's idle or a month's sign-in at most. */
	settings.session_idle = strtoll(si, &end, 10);
	if (*end != '\0' || settings.session_idle < 1 ||
	    settings.session_idle > 86400) {
		fprintf(stderr, "STAFF_SESSION_IDLE must be seconds from 1 to "
		    "86400, not '%s'\n", si);
		return (-1);
	}
	if (time_zone_set(settings.time_zone) != 0)
		return (-1);
	settings.session_max = strtoll(sm, &end, 10);
	if (*end != '\0' || settings.session_max < 1 ||
	    settings.session_max > 31 * 86400) {
		fprintf(stderr, "STAFF_SESSION_MAX must be seconds from 1 to "
		    "2678400, not '%s'\n", sm);
		return (-1);
	}
	return (smtp_load());
}
