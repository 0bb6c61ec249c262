/* settings.c: PORT, ARTICLES, DATA, BASE_URL, DEFAULT_LANG, RATE_LIMITS, EVENTS, SEARCH_CACHE, RETENTION_DAYS, TRUST_PROXY, STAFF_SESSION_* from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings.h"
#include "util/text.h"

struct settings	settings;

static char	articles_abs[4096];
static char	data_abs[4096];

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

int
settings_load(void)
{
	const char	*rl, *ev, *rd, *tp, *si, *sm, *sc;
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
	sm = env_or("STAFF_SESSION_MAX", "604800");

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
	settings.session_max = strtoll(sm, &end, 10);
	if (*end != '\0' || settings.session_max < 1 ||
	    settings.session_max > 31 * 86400) {
		fprintf(stderr, "STAFF_SESSION_MAX must be seconds from 1 to "
		    "2678400, not '%s'\n", sm);
		return (-1);
	}
	return (0);
}
