/* i18n.h: the interface's strings in zh-CN, zh-TW and en, and choosing the visitor's language. */
#ifndef HC_I18N_H
#define HC_I18N_H

#include <jansson.h>

/* One interface string in both UI languages. Tables end with a NULL key. */
struct ui_string {
	const char	*key;
	const char	*zh;
	const char	*en;
};

/*
 * A zh-TW string, by key: i18n_zh_tw.c, generated from the zh-CN strings
 * with OpenCC s2twp (src/render/zh_tw_gen.py) and checked by hand. A key
 * missing there (a string added since) shows its zh-CN text.
 */
struct ui_string_tw {
	const char	*key;
	const char	*tw;
};
extern const struct ui_string_tw	zh_tw_strings[];

/* The domains' tables (src/<domain>/strings.c); keys are unique overall. */
extern const struct ui_string	deflection_strings[];
extern const struct ui_string	ticket_strings[];
extern const struct ui_string	community_strings[];
extern const struct ui_string	workspace_strings[];

/* The UI language for a content language: en, zh-TW, or zh-CN otherwise. */
const char	*i18n_ui_lang(const char *lang);

/* All strings of a UI language as a JSON object {key: text}; borrowed. */
json_t		*i18n_strings(const char *ui_lang);

/* One string; the key itself when missing. */
const char	*i18n_get(const char *ui_lang, const char *key);

/*
 * Picks the language from an Accept-Language header: the first supported
 * tag by q order (zh-Hant, zh-TW, zh-HK -> zh-TW; zh* -> zh-CN; en* -> en).
 * NULL when nothing fits.
 */
const char	*i18n_from_accept_language(const char *header);

void		 i18n_free(void);

#endif
