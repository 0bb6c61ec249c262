/* mail.h: email both ways: signed reply addresses and Message-IDs, quote stripping, building and sending the outbox's messages (hc-mailer), taking in emailed replies (hcctl mail-in). */
#ifndef HC_MAIL_H
#define HC_MAIL_H

#include <stddef.h>

#include "render/template.h"
#include "tickets/outbox.h"
#include "tickets/tickets.h"

/* Hex digits of the signatures in reply addresses and Message-IDs. */
#define MAIL_SIG_HEX		16
/* Room for a reply address or a Message-ID (domains are at most 253). */
#define MAIL_ADDR_MAX		320
/* Bytes hcctl mail-in reads at most: more is refused (EX_DATAERR). */
#define MAIL_IN_MAX		(1024 * 1024)

/* ---- Signed addresses (address.c; pure, no GMime) ---- */

/* What a presented address or Message-ID turned out to be. */
enum mail_sig {
	MAIL_SIG_NONE = 0,	/* not of our shape: no claim at all */
	MAIL_SIG_OK,		/* ours, signed, ref filled */
	MAIL_SIG_BAD		/* of our shape, but the signature is wrong */
};

/*
 * The domain of an address written as "Name <local@domain>" or
 * "local@domain", copied into out (lower case). 0, or -1 when s holds no
 * usable domain.
 */
int		mail_domain(const char *s, char *out, size_t len);

/*
 * reply+<ref>.<sig>@<domain>: the Reply-To of a ticket's emails; sig is
 * the ref's HMAC with the purpose "mail-reply:".
 */
void		mail_reply_address(const unsigned char secret[32],
		    const char *ref, const char *domain, char *out, size_t len);
/*
 * <ref>.<outbox id>.<sig>@<domain> (without the angle brackets): stable
 * for an outbox row, so a resend is recognisably the same message; sig is
 * the HMAC of "<ref>.<id>" with the purpose "mail-msgid:".
 */
void		mail_message_id(const unsigned char secret[32], const char *ref,
		    long long id, const char *domain, char *out, size_t len);

/*
 * Checks an address (angle brackets allowed) or a Message-ID. Letter case
 * is ignored (some mail systems change it). ref gets the ticket's ref
 * when MAIL_SIG_OK.
 */
enum mail_sig	mail_reply_address_check(const unsigned char secret[32],
		    const char *addr, char ref[TICKET_REF_LEN]);
enum mail_sig	mail_message_id_check(const unsigned char secret[32],
		    const char *msgid, char ref[TICKET_REF_LEN]);

/* ---- Quoted text (quote.c; pure) ---- */

/*
 * The new part of a reply: text without quoted lines ("> ..."), from an
 * attribution ("On ... wrote:", "在 ... 写道：", Outlook's "-----Original
 * Message-----") or a signature delimiter ("-- ") on, without surrounding
 * blank lines. CRLF becomes LF. Returns a new string (free); "" when
 * nothing new is left.
 */
char		*mail_strip_quotes(const char *text);

/* ---- Outgoing (message.c, mailer.c) ---- */

/* What the mailer needs besides the database; borrowed, set at start. */
struct mail_config {
	const char		*smtp_url;	/* SMTP_URL */
	const char		*from;		/* SMTP_FROM, as written */
	const char		*base_url;	/* BASE_URL: the status links */
	const char		*default_lang;	/* when a ticket has none */
	const unsigned char	*secret;	/* the installation secret */
	struct template_set	*tpl;		/* templates/mail */
};

/*
 * Loads templates/mail (dir is TEMPLATES): mail_text and mail_html.
 * NULL with a message in err when missing or broken.
 */
struct template_set	*mail_templates_load(const char *dir, char *err,
			    size_t errlen);

/*
 * The message of an outbox row as RFC 5322 text with CRLF line ends
 * (multipart/alternative, plain text and HTML in the ticket's language,
 * RFC 2047 headers), from GMime. *envelope_from gets the bare sender
 * address. Both are malloc'd (free). NULL with a reason in err when the
 * row cannot become a message (a recipient GMime cannot parse).
 * g_mime_init must have run.
 */
char		*mail_build(const struct mail_config *,
		    const struct outbox_msg *, size_t *len,
		    char **envelope_from, char *err, size_t errlen);

/*
 * The hc-mailer process: sends what the outbox holds over SMTP (libcurl)
 * until SIGTERM, reporting through helper_status. Never returns.
 */
void		mailer_run(const char *db_path, const struct mail_config *);

/* ---- Incoming (mail_in.c) ---- */

enum mail_in_result {
	MAIL_IN_ADDED = 0,	/* a comment was added */
	MAIL_IN_IGNORED,	/* an automatic reply: nothing added, no bounce */
	MAIL_IN_DUPLICATE,	/* this message was added before */
	MAIL_IN_NOPERM,		/* unsigned, forged, not the requester, closed */
	MAIL_IN_DATAERR,	/* not a message, no text, too long */
	MAIL_IN_TEMPFAIL	/* the database is busy or unreachable */
};

/* The sendmail exit code (sysexits.h) for a result: 0, 77, 65 or 75. */
int		mail_in_exit_code(enum mail_in_result);

/*
 * Takes one emailed reply (raw RFC 822, len bytes): finds its ticket by
 * the signed reply address (recipient, when the MTA gave it, else the
 * To/Cc/Delivered-To headers) or a signed Message-ID in In-Reply-To or
 * References, checks the sender is the requester, takes the text
 * (text/plain, else text/html made text) without the quoted part, and
 * adds it as the requester's reply. why gets a sentence for the bounce
 * (or the log). ref gets the ticket when one was found. g_mime_init must
 * have run.
 */
enum mail_in_result	mail_in(struct store *, const unsigned char secret[32],
			    const char *raw, size_t len, const char *recipient,
			    char ref[TICKET_REF_LEN], char *why, size_t whylen);

#endif
