/* mail_strings.h: the emails' words (strings.c), shared by the files of src/mail/. */
#ifndef HC_MAIL_STRINGS_H
#define HC_MAIL_STRINGS_H

#include <jansson.h>

struct mail_string {
	const char	*key;
	const char	*zh;
	const char	*en;
};

/* One string: English when ui is "en", else zh-CN; the key when unknown. */
const char	*mail_string(const char *ui, const char *key);
/* All strings of ui as {key: text}: a new reference. */
json_t		*mail_strings(const char *ui);

#endif
