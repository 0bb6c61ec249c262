/* address.c: the signed reply addresses and Message-IDs that lead an emailed reply back to its ticket. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "util/hmac.h"

#define REPLY_PURPOSE	"mail-reply:"
#define MSGID_PURPOSE	"mail-msgid:"

int
mail_domain(const char *s, char *out, size_t len)
{
	const char	*at, *end;
	size_t		 n, i;

	if ((at = strrchr(s, '@')) == NULL)
		return (-1);
	at++;
	for (end = at; *end != '\0' && *end != '>' && *end != ' ' &&
	    *end != '\t'; end++)
		;
	n = (size_t)(end - at);
	if (n == 0 || n >= len || memchr(at, '.', n) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)at[i]) && at[i] != '-' &&
		    at[i] != '.')
			return (-1);
		out[i] = (char)tolower((unsigned char)at[i]);
	}
	out[n] = '\0';
	return (0);
}

static void
reply_sig(const unsigned char secret[32], const char *ref,
    char out[MAIL_SIG_HEX + 1])
{
	hmac_hex(secret, REPLY_PURPOSE, ref, strlen(ref), MAIL_SIG_HEX / 2,
	    out);
}

static void
msgid_sig(const unsigned char secret[32], const char *ref, long long id,
    char out[MAIL_SIG_HEX + 1])
{
	char	msg[64];
	int	n;

	n = snprintf(msg, sizeof(msg), "%s.%lld", ref, id);
	hmac_hex(secret, MSGID_PURPOSE, msg, (size_t)n, MAIL_SIG_HEX / 2, out);
}

void
mail_reply_address(const unsigned char secret[32], const char *ref,
    const char *domain, char *out, size_t len)
{
	char	sig[MAIL_SIG_HEX + 1];

	reply_sig(secret, ref, sig);
	(void)snprintf(out, len, "reply+%s.%s@%s", ref, sig, domain);
}

void
mail_message_id(const unsigned char secret[32], const char *ref,
    long long id, const char *domain, char *out, size_t len)
{
	char	sig[MAIL_SIG_HEX + 1];

	msgid_sig(secret, ref, id, sig);
	(void)snprintf(out, len, "%s.%lld.%s@%s", ref, id, sig, domain);
}

/*
 * The local part of addr (angle brackets and white space around it
 * dropped) into buf: ref letters upper case, the rest lower case, as we
 * write them. -1 when it is empty or too long.
 */
static int
local_part(const char *addr, char *buf, size_t len)
{
	const char	*p, *end;
	size_t		 n, i;

	while (*addr == ' ' || *addr == '\t' || *addr == '<')
		addr++;
	if ((end = strrchr(addr, '@')) == NULL)
		for (end = addr; *end != '\0' && *end != '>'; end++)
			;
	n = (size_t)(end - addr);
	if (n == 0 || n >= len)
		return (-1);
	for (i = 0, p = addr; i < n; i++, p++)
		buf[i] = (char)tolower((unsigned char)*p);
	buf[n] = '\0';
	return (0);
}

/* "hc-2026-000123" at s (lower case) into ref; 1 when it is one. */
static int
take_ref(const char *s, char ref[TICKET_REF_LEN])
{
	size_t	i;

	if (strlen(s) < TICKET_REF_LEN - 1)
		return (0);
	for (i = 0; i < TICKET_REF_LEN - 1; i++)
		ref[i] = (char)toupper((unsigned char)s[i]);
	ref[TICKET_REF_LEN - 1] = '\0';
	return (ticket_ref_valid(ref));
}

enum mail_sig
mail_reply_address_check(const unsigned char secret[32], const char *addr,
    char ref[TICKET_REF_LEN])
{
	char	local[MAIL_ADDR_MAX], sig[MAIL_SIG_HEX + 1];
	char	*p;

	if (addr == NULL || local_part(addr, local, sizeof(local)) != 0 ||
	    strncmp(local, "reply+", 6))
		return (MAIL_SIG_NONE);
	/* From here on it claims to be ours: anything off is a forgery. */
	p = local + 6;
	if (!take_ref(p, ref) || p[TICKET_REF_LEN - 1] != '.' ||
	    strlen(p + TICKET_REF_LEN) != MAIL_SIG_HEX)
		return (MAIL_SIG_BAD);
	reply_sig(secret, ref, sig);
	if (!hmac_equal(sig, p + TICKET_REF_LEN, MAIL_SIG_HEX))
		return (MAIL_SIG_BAD);
	return (MAIL_SIG_OK);
}

enum mail_sig
mail_message_id_check(const unsigned char secret[32], const char *msgid,
    char ref[TICKET_REF_LEN])
{
	char		 local[MAIL_ADDR_MAX], sig[MAIL_SIG_HEX + 1];
	char		*p, *dot, *end;
	long long	 id;

	if (msgid == NULL || local_part(msgid, local, sizeof(local)) != 0 ||
	    strncmp(local, "hc-", 3) || !take_ref(local, ref) ||
	    local[TICKET_REF_LEN - 1] != '.')
		return (MAIL_SIG_NONE);
	p = local + TICKET_REF_LEN;
	if ((dot = strchr(p, '.')) == NULL || dot == p)
		return (MAIL_SIG_BAD);
	*dot = '\0';
	id = strtoll(p, &end, 10);
	if (*end != '\0' || id <= 0 || strlen(dot + 1) != MAIL_SIG_HEX)
		return (MAIL_SIG_BAD);
	msgid_sig(secret, ref, id, sig);
	if (!hmac_equal(sig, dot + 1, MAIL_SIG_HEX))
		return (MAIL_SIG_BAD);
	return (MAIL_SIG_OK);
}
