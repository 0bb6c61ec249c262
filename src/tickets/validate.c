/* validate.c: checks of what a customer or a program sends before a ticket is stored. */
#include <string.h>

#include "tickets.h"
#include "util/text.h"

/* A problem with one field, for the API (English) and the form (a key). */
static int
add(struct ticket_problem *p, int n, int max, const char *field,
    const char *code, const char *message, const char *key)
{
	if (n < max) {
		p[n].field = field;
		p[n].code = code;
		p[n].message = message;
		p[n].key = key;
	}
	return (n + 1);
}

/*
 * A practical address check: one '@', a local part of printable ASCII
 * without spaces or specials, a domain of letters, digits and hyphens in
 * two or more dot-separated labels.
 */
static int
email_ok(const char *s)
{
	const char	*at, *p;
	size_t		 label;

	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return (0);
	for (p = s; p < at; p++)
		if (*p <= ' ' || *p >= 127 || strchr("()<>[]:;,\\\"", *p))
			return (0);
	if (s[0] == '.' || at[-1] == '.' || strstr(s, ".."))
		return (0);
	label = 0;
	for (p = at + 1; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return (0);
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-'))
			return (0);
		label++;
	}
	return (label > 0 && strchr(at + 1, '.') != NULL);
}

static int
idem_ok(const char *s)
{
	size_t	i;

	if (strlen(s) < 8 || strlen(s) > TICKET_IDEM_MAX)
		return (0);
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.' || s[i] == ':'))
			return (0);
	return (1);
}

/* One text field: present, short enough, clean. */
static int
text(struct ticket_problem *p, int n, int max, const char *field,
    const char *v, size_t maxchars, int multiline)
{
	static const struct {
		const char	*code, *message, *key;
	} why[] = {
		[TEXT_EMPTY] = { "missing_field", "This field is required.",
		    "tk_err_required" },
		[TEXT_TOO_LONG] = { "too_long", "This field is too long.",
		    "tk_err_too_long" },
		[TEXT_BAD_UTF8] = { "bad_utf8", "This field is not valid "
		    "UTF-8 text.", "tk_err_bad_text" },
		[TEXT_CONTROL] = { "control_characters", "This field contains "
		    "control characters or a line break where none is "
		    "allowed.", "tk_err_bad_text" },
	};
	enum text_problem	 t;

	if (v == NULL)
		t = TEXT_EMPTY;
	else
		t = text_field_check(v, maxchars, multiline);
	if (t == TEXT_OK)
		return (n);
	return (add(p, n, max, field, why[t].code, why[t].message,
	    why[t].key));
}

int
ticket_validate(const struct ticket_input *in, struct ticket_problem *p,
    int max)
{
	int	n, before;

	n = 0;
	n = text(p, n, max, "name", in->name, TICKET_NAME_MAX, 0);
	before = n;
	n = text(p, n, max, "email", in->email, TICKET_EMAIL_MAX, 0);
	if (n == before && !email_ok(in->email))
		n = add(p, n, max, "email", "invalid_email", "This is not an "
		    "email address we can answer (name@example.com).",
		    "tk_err_email");
	n = text(p, n, max, "subject", in->subject, TICKET_SUBJECT_MAX, 0);
	n = text(p, n, max, "body", in->body, TICKET_BODY_MAX, 1);
	if (in->priority != NULL && strcmp(in->priority, "normal") &&
	    strcmp(in->priority, "high"))
		n = add(p, n, max, "priority", "invalid_priority", "priority "
		    "must be normal or high.", "tk_err_priority");
	if (in->channel == NULL || !ticket_channel_valid(in->channel))
		n = add(p, n, max, "channel", "invalid_channel", "Unknown "
		    "channel.", "tk_err_bad_text");
	if (in->idem_key != NULL && !idem_ok(in->idem_key))
		n = add(p, n, max, "idempotency_key", "invalid_idempotency_key",
		    "The idempotency key must be 8 to 64 letters, digits or "
		    "- _ . :", "tk_err_expired");
	return (n);
}
