/* settings.c: PORT, ARTICLES, DATA, BASE_URL, DEFAULT_LANG, RATE_LIMITS from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "util/text.h"

struct settings	settings;

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
	const char	*rl;

	settings.articles = env_or("ARTICLES", "articles");
	settings.data = env_or("DATA", "var");
	settings.base_url = env_or("BASE_URL", "http://127.0.0.1:8888");
	settings.default_lang = env_or("DEFAULT_LANG", "zh-CN");
	settings.templates = env_or("TEMPLATES", "templates");
	settings.assets = env_or("ASSETS", "assets");
	rl = env_or("RATE_LIMITS", "on");

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
	return (0);
}
