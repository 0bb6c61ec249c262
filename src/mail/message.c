/* message.c: an outbox row as an RFC 5322 message built by GMime: multipart/alternative, the ticket's language, signed Reply-To and Message-ID. */
#include <gmime/gmime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "mail_strings.h"
#include "render/i18n.h"
#include "util/strbuf.h"

struct template_set *
mail_templates_load(const char *dir, char *err, size_t errlen)
{
	char	path[2048];

	(void)snprintf(path, sizeof(path), "%s/mail", dir);
	return (template_set_load(path, err, errlen));
}

/* The ticket's status page, and (solved) its rating anchor. */
static void
status_url(const struct mail_config *cfg, const char *ref, const char *anchor,
    char *out, size_t len)
{
	char	token[TICKET_TOKEN_LEN];

	ticket_token(cfg->secret, ref, token);
	(void)snprintf(out, len, "%s/tickets/%s?t=%s%s", cfg->base_url, ref,
	    token, anchor);
}

/* A text part of the alternative: UTF-8, base64 (CJK text, long lines). */
static GMimeObject *
text_part(const char *subtype, const char *text)
{
	GMimeTextPart	*p;

	p = g_mime_text_part_new_with_subtype(subtype);
	g_mime_text_part_set_text(p, text);
	g_mime_text_part_set_charset(p, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(p),
	    GMIME_CONTENT_ENCODING_BASE64);
	return (GMIME_OBJECT(p));
}

/* Renders both parts; 0, or -1 with err. */
static int
render(const struct mail_config *cfg, const struct outbox_msg *m,
    const char *ui, struct strbuf *txt, struct strbuf *html, char *err,
    size_t errlen)
{
	json_t	*ctx;
	char	 url[1024], rate[1024];
	int	 rc;

	status_url(cfg, m->ref, "", url, sizeof(url));
	/* The rating itself is the CSAT page's; the email only links it. */
	status_url(cfg, m->ref, "#rate", rate, sizeof(rate));
	ctx = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
	    "t", mail_strings(ui), "lang", ui, "ref", m->ref,
	    "name", m->name ? m->name : "", "subject",
	    m->subject ? m->subject : "", "status_url", url,
	    "rate_url", rate, m->kind, 1);
	if (ctx == NULL) {
		(void)snprintf(err, errlen, "row %lld: a field is not UTF-8",
		    m->id);
		return (-1);
	}
	json_object_set_new(ctx, "body", json_string(m->body ? m->body : ""));
	rc = 0;
	if (template_render(cfg->tpl, "mail_text", ctx, txt) != 0 ||
	    template_render(cfg->tpl, "mail_html", ctx, html) != 0) {
		(void)snprintf(err, errlen, "templates/mail: mail_text or "
		    "mail_html missing");
		rc = -1;
	}
	json_decref(ctx);
	return (rc);
}

/* The one mailbox of SMTP_FROM, parsed by GMime. NULL when it is not one. */
static InternetAddressMailbox *
from_mailbox(const char *from, InternetAddressList **list)
{
	InternetAddress	*a;

	*list = internet_address_list_parse(NULL, from);
	if (*list == NULL || internet_address_list_length(*list) != 1)
		return (NULL);
	a = internet_address_list_get_address(*list, 0);
	return (INTERNET_ADDRESS_IS_MAILBOX(a) ?
	    INTERNET_ADDRESS_MAILBOX(a) : NULL);
}

char *
mail_build(const struct mail_config *cfg, const struct outbox_msg *m,
    size_t *len, char **envelope_from, char *err, size_t errlen)
{
	InternetAddressList	*fl;
	InternetAddressMailbox	*fm;
	GMimeFormatOptions	*fo;
	GMimeMessage		*msg;
	GMimeMultipart		*alt;
	GDateTime		*date;
	struct strbuf		 txt, html, subj;
	const char		*ui, *kind_key;
	char			 domain[256], addr[MAIL_ADDR_MAX];
	char			 first[MAIL_ADDR_MAX + 2];
	char			*s, *out;

	out = NULL;
	*envelope_from = NULL;
	sb_init(&txt);
	sb_init(&html);
	sb_init(&subj);
	msg = NULL;
	if ((fm = from_mailbox(cfg->from, &fl)) == NULL ||
	    mail_domain(internet_address_mailbox_get_addr(fm), domain,
	    sizeof(domain)) != 0) {
		(void)snprintf(err, errlen, "SMTP_FROM '%s' is not one address",
		    cfg->from);
		goto done;
	}
	ui = i18n_ui_lang(m->lang[0] != '\0' ? m->lang : cfg->default_lang);
	if (strcmp(ui, "en"))
		ui = "zh-CN";
	if (render(cfg, m, ui, &txt, &html, err, errlen) != 0)
		goto done;

	msg = g_mime_message_new(TRUE);
	internet_address_list_append(g_mime_message_get_from(msg), fl);
	/* GMime quotes or RFC 2047-encodes the customer's name as needed. */
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO,
	    m->name ? m->name : "", m->rcpt);
	mail_reply_address(cfg->secret, m->ref, domain, addr, sizeof(addr));
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO,
	    internet_address_get_name(INTERNET_ADDRESS(fm)), addr);
	kind_key = !strcmp(m->kind, "reply") ? "subj_reply" :
	    !strcmp(m->kind, "solved") ? "subj_solved" : "subj_received";
	sb_printf(&subj, "[%s] %s: %s", m->ref, mail_string(ui, kind_key),
	    m->subject ? m->subject : "");
	g_mime_message_set_subject(msg, subj.data, "utf-8");
	/* The row's time: every try of a row is the same message. */
	date = g_date_time_new_from_unix_utc(m->created_at);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	mail_message_id(cfg->secret, m->ref, m->id, domain, addr,
	    sizeof(addr));
	g_mime_message_set_message_id(msg, addr);
	/* The ticket's later emails thread under its first one. */
	if (m->first_id > 0 && m->first_id != m->id) {
		mail_message_id(cfg->secret, m->ref, m->first_id, domain,
		    addr, sizeof(addr));
		(void)snprintf(first, sizeof(first), "<%s>", addr);
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To",
		    first, NULL);
		g_mime_object_set_header(GMIME_OBJECT(msg), "References",
		    first, NULL);
	}
	/* RFC 3834: out-of-office robots do not answer these. */
	if (strcmp(m->kind, "reply"))
		g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
		    "auto-generated", NULL);
	alt = g_mime_multipart_new_with_subtype("alternative");
	g_mime_multipart_add(alt, text_part("plain", txt.data));
	g_mime_multipart_add(alt, text_part("html", html.data));
	/* The parts are the multipart's now. */
	g_object_unref(g_mime_multipart_get_part(alt, 0));
	g_object_unref(g_mime_multipart_get_part(alt, 1));
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(alt));
	g_object_unref(alt);

	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	s = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	*len = strlen(s);
	out = xstrdup(s);
	g_free(s);
	*envelope_from = xstrdup(internet_address_mailbox_get_addr(fm));
done:
	if (msg != NULL)
		g_object_unref(msg);
	if (fl != NULL)
		g_object_unref(fl);
	sb_free(&txt);
	sb_free(&html);
	sb_free(&subj);
	return (out);
}
