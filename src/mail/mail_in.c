/* mail_in.c: an emailed reply (raw RFC 822, hostile until checked) to a requester's comment: GMime parses it, the signed address finds the ticket. */
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "mail.h"
#include "tickets/attachments.h"
#include "util/strbuf.h"
#include "util/text.h"

int
mail_in_exit_code(enum mail_in_result r)
{
	switch (r) {
	case MAIL_IN_ADDED:
	case MAIL_IN_IGNORED:
	case MAIL_IN_DUPLICATE:
		return (0);
	case MAIL_IN_NOPERM:
		return (EX_NOPERM);
	case MAIL_IN_DATAERR:
		return (EX_DATAERR);
	case MAIL_IN_TEMPFAIL:
		break;
	}
	return (EX_TEMPFAIL);
}

/* What the walk over the headers found. */
struct found {
	enum mail_sig	sig;		/* the best claim seen */
	char		ref[TICKET_REF_LEN];
	char		bad[MAIL_ADDR_MAX];	/* a forged claim, for the bounce */
};

static void
consider(struct found *f, enum mail_sig s, const char *ref, const char *what)
{
	if (s == MAIL_SIG_OK && f->sig != MAIL_SIG_OK) {
		f->sig = MAIL_SIG_OK;
		memcpy(f->ref, ref, TICKET_REF_LEN);
	} else if (s == MAIL_SIG_BAD && f->sig == MAIL_SIG_NONE) {
		f->sig = MAIL_SIG_BAD;
		(void)snprintf(f->bad, sizeof(f->bad), "%s", what);
	}
}

/* Each mailbox of an address header (To, Cc, Delivered-To, ...). */
static void
scan_addresses(GMimeMessage *msg, const unsigned char secret[32],
    const char *header, struct found *f)
{
	InternetAddressList	*l;
	InternetAddress		*a;
	const char		*v, *addr;
	char			 ref[TICKET_REF_LEN];
	int			 i, n;

	if ((v = g_mime_object_get_header(GMIME_OBJECT(msg), header)) == NULL)
		return;
	if ((l = internet_address_list_parse(NULL, v)) == NULL)
		return;
	n = internet_address_list_length(l);
	for (i = 0; i < n; i++) {
		a = internet_address_list_get_address(l, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a));
		consider(f, mail_reply_address_check(secret, addr, ref), ref,
		    addr);
	}
	g_object_unref(l);
}

/* Each Message-ID of In-Reply-To or References. */
static void
scan_ids(GMimeMessage *msg, const unsigned char secret[32],
    const char *header, struct found *f)
{
	GMimeReferences	*refs;
	const char	*v, *id;
	char		 ref[TICKET_REF_LEN];
	int		 i, n;

	if ((v = g_mime_object_get_header(GMIME_OBJECT(msg), header)) == NULL)
		return;
	if ((refs = g_mime_references_parse(NULL, v)) == NULL)
		return;
	n = g_mime_references_length(refs);
	for (i = 0; i < n; i++) {
		id = g_mime_references_get_message_id(refs, i);
		consider(f, mail_message_id_check(secret, id, ref), ref, id);
	}
	g_mime_references_free(refs);
}

/*
 * Parts looked at as files: more than the ATTACH_PER_MESSAGE kept, so that
 * those over the limit are named when dropped; past this, only counted.
 */
#define MAIL_IN_PARTS_MAX	16

/* The first text/plain and text/html parts that are not attachments. */
struct bodies {
	GMimeTextPart	*plain;
	GMimeTextPart	*html;
	GMimePart	*files[MAIL_IN_PARTS_MAX];
	int		 nfiles;
	int		 attachments;	/* every file part, listed or not */
};

/*
 * A file part, kept by reference to the message: take_files checks and
 * stores it once the sender and the text have passed.
 */
static void
attachment_hook(GMimeObject *o, struct bodies *b)
{
	if (b->nfiles < MAIL_IN_PARTS_MAX)
		b->files[b->nfiles++] = GMIME_PART(o);
	b->attachments++;
}

static void
walk(GMimeObject *o, struct bodies *b, int depth)
{
	GMimeContentType	*ct;
	GMimeMultipart		*mp;
	int			 i, n;

	/* A message nests parts as deep as it likes: not we. */
	if (depth > 16)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		mp = GMIME_MULTIPART(o);
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++)
			walk(g_mime_multipart_get_part(mp, i), b, depth + 1);
		return;
	}
	/* A forwarded message is not the customer's words. */
	if (GMIME_IS_MESSAGE_PART(o) || !GMIME_IS_PART(o))
		return;
	if (g_mime_part_is_attachment(GMIME_PART(o))) {
		attachment_hook(o, b);
		return;
	}
	ct = g_mime_object_get_content_type(o);
	if (!GMIME_IS_TEXT_PART(o))
		attachment_hook(o, b);
	else if (g_mime_content_type_is_type(ct, "text", "plain")) {
		if (b->plain == NULL)
			b->plain = GMIME_TEXT_PART(o);
	} else if (g_mime_content_type_is_type(ct, "text", "html")) {
		if (b->html == NULL)
			b->html = GMIME_TEXT_PART(o);
	}
}

/* Elements whose end is a line break in the text. */
static int
block_element(const char *name)
{
	static const char	*blocks[] = { "p", "div", "br", "li", "tr",
				    "h1", "h2", "h3", "h4", "h5", "h6", "pre",
				    "table", "ul", "ol", "hr", NULL };
	size_t			 i;

	for (i = 0; blocks[i] != NULL; i++)
		if (!strcasecmp(name, blocks[i]))
			return (1);
	return (0);
}

/* Quoted HTML: a blockquote, or the containers mail clients quote in. */
static int
quote_element(xmlNode *n)
{
	xmlChar	*cls;
	int	 q;

	if (!strcasecmp((const char *)n->name, "blockquote") ||
	    !strcasecmp((const char *)n->name, "script") ||
	    !strcasecmp((const char *)n->name, "style") ||
	    !strcasecmp((const char *)n->name, "head"))
		return (1);
	if ((cls = xmlGetProp(n, (const xmlChar *)"class")) == NULL)
		return (0);
	q = strstr((const char *)cls, "gmail_quote") != NULL ||
	    strstr((const char *)cls, "moz-cite-prefix") != NULL;
	xmlFree(cls);
	return (q);
}

static void
html_text(xmlNode *n, struct strbuf *out, int depth)
{
	for (; n != NULL && depth < 64; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL)
			sb_puts(out, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE && !quote_element(n)) {
			html_text(n->children, out, depth + 1);
			if (block_element((const char *)n->name))
				sb_putc(out, '\n');
		}
	}
}

/* text/html made text by libxml2's HTML parser (never by hand). */
static char *
html_to_text(const char *html)
{
	struct strbuf	 out;
	htmlDocPtr	 doc;

	sb_init(&out);
	sb_puts(&out, "");
	doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET);
	if (doc != NULL) {
		html_text(xmlDocGetRootElement(doc), &out, 0);
		xmlFreeDoc(doc);
	}
	return (sb_detach(&out));
}

/* Control characters but line breaks and tabs out: mail carries odd bytes. */
static void
drop_controls(char *s)
{
	char	*w;

	for (w = s; *s != '\0'; s++)
		if ((unsigned char)*s >= ' ' || *s == '\n' || *s == '\t')
			*w++ = *s;
	*w = '\0';
}

/* A robot's mail (RFC 3834, list and bulk mail): taken, never answered. */
static int
automatic(GMimeMessage *msg)
{
	const char	*v;

	if ((v = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "Auto-Submitted")) != NULL && strncasecmp(v, "no", 2))
		return (1);
	if ((v = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "Precedence")) != NULL && (!strncasecmp(v, "bulk", 4) ||
	    !strncasecmp(v, "junk", 4) || !strncasecmp(v, "list", 4)))
		return (1);
	return (0);
}

/* The first From mailbox's address, or NULL. */
static const char *
sender(GMimeMessage *msg)
{
	InternetAddressList	*l;
	InternetAddress		*a;

	if ((l = g_mime_message_get_from(msg)) == NULL ||
	    internet_address_list_length(l) < 1)
		return (NULL);
	a = internet_address_list_get_address(l, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(a))
		return (NULL);
	return (internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
}

/* The message's own id, or a digest of its bytes: what "the same" means. */
static void
dedupe_key(GMimeMessage *msg, const char *raw, size_t len, char *out,
    size_t outlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	const char	*id;
	char		 hex[65];

	if ((id = g_mime_message_get_message_id(msg)) != NULL &&
	    strlen(id) < 400) {
		(void)snprintf(out, outlen, "%s", id);
		return;
	}
	(void)EVP_Digest(raw, len, md, &mdlen, EVP_sha256(), NULL);
	hex_encode(md, 32, hex);
	(void)snprintf(out, outlen, "sha256:%s", hex);
}

/* Finds the ticket the message answers; MAIL_IN_ADDED when found. */
static enum mail_in_result
identify(GMimeMessage *msg, const unsigned char secret[32],
    const char *recipient, char ref[TICKET_REF_LEN], char *why,
    size_t whylen)
{
	static const char	*addr_headers[] = { "Delivered-To",
				    "X-Original-To", "To", "Cc", NULL };
	struct found		 f;
	char			 r[TICKET_REF_LEN];
	size_t			 i;

	memset(&f, 0, sizeof(f));
	/* The MTA's envelope recipient is the surest: taken alone. */
	if (recipient != NULL && recipient[0] != '\0')
		consider(&f, mail_reply_address_check(secret, recipient, r),
		    r, recipient);
	if (f.sig == MAIL_SIG_NONE) {
		for (i = 0; addr_headers[i] != NULL; i++)
			scan_addresses(msg, secret, addr_headers[i], &f);
		scan_ids(msg, secret, "In-Reply-To", &f);
		scan_ids(msg, secret, "References", &f);
	}
	if (f.sig == MAIL_SIG_OK) {
		memcpy(ref, f.ref, TICKET_REF_LEN);
		return (MAIL_IN_ADDED);
	}
	if (f.sig == MAIL_SIG_BAD)
		(void)snprintf(why, whylen, "the reply address or reference "
		    "'%s' is not one we signed: reply to the email we sent, "
		    "or use the link in it", f.bad);
	else
		(void)snprintf(why, whylen, "this message answers none of our "
		    "emails (no signed reply+ address, no In-Reply-To or "
		    "References of ours): reply to the email we sent, or "
		    "write a new request on the help center");
	return (MAIL_IN_NOPERM);
}

/* The customer's new words: plain text preferred, quotes stripped. */
static enum mail_in_result
body_text(GMimeMessage *msg, struct bodies *bp, char **text, char *why,
    size_t whylen)
{
	struct bodies	 b;
	GMimeObject	*top;
	char		*raw, *plain;

	memset(&b, 0, sizeof(b));
	*text = NULL;
	if ((top = g_mime_message_get_mime_part(msg)) != NULL)
		walk(top, &b, 0);
	*bp = b;
	if (b.plain == NULL && b.html == NULL) {
		(void)snprintf(why, whylen, "the message has no text (no "
		    "text/plain or text/html part): write the reply as text");
		return (MAIL_IN_DATAERR);
	}
	/* Converted from the part's charset to UTF-8 by GMime. */
	raw = g_mime_text_part_get_text(b.plain != NULL ? b.plain : b.html);
	if (raw == NULL || !utf8_valid(raw, strlen(raw))) {
		g_free(raw);
		(void)snprintf(why, whylen, "the text is not in a character "
		    "set we can read: send it as UTF-8 text");
		return (MAIL_IN_DATAERR);
	}
	if (b.plain == NULL) {
		plain = html_to_text(raw);
		g_free(raw);
	} else {
		plain = xstrdup(raw);
		g_free(raw);
	}
	drop_controls(plain);
	*text = mail_strip_quotes(plain);
	free(plain);
	if ((*text)[0] == '\0') {
		(void)snprintf(why, whylen, "nothing is left once the quoted "
		    "text is taken out: write the reply above the quote");
		return (MAIL_IN_DATAERR);
	}
	if (text_field_check(*text, TICKET_BODY_MAX, 1) == TEXT_TOO_LONG) {
		(void)snprintf(why, whylen, "the reply is longer than %d "
		    "characters: shorten it, or use the link in our email",
		    TICKET_BODY_MAX);
		return (MAIL_IN_DATAERR);
	}
	return (MAIL_IN_ADDED);
}

/*
 * The database's failure as a result: always for later (EX_TEMPFAIL). The
 * store's status says which: busy (locked by another program), retry (a
 * conflict with another node), unreachable (PostgreSQL down or far), or
 * worse; the MTA tries again either way and nothing was added.
 */
static enum mail_in_result
db_failure(struct store *db, char *why, size_t whylen)
{
	(void)snprintf(why, whylen, "the help center's database cannot take "
	    "it now (%s: %s): try again later",
	    store_status_string(db_last(db)), db_errmsg(db));
	return (MAIL_IN_TEMPFAIL);
}

/* A sender's file name for the log: short, no control characters. */
static const char *
shown_name(const char *name, char *out, size_t outlen)
{
	size_t	i;

	if (name == NULL || name[0] == '\0')
		return ("(no name)");
	for (i = 0; name[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (unsigned char)name[i] < ' ' ? '?' : name[i];
	out[i] = '\0';
	return (out);
}

/* Why a file was left out, in the words of the bounce and the log. */
static const char *
dropped_reason(enum attachment_result r)
{
	switch (r) {
	case ATTACH_TYPE_REFUSED:
		return ("its bytes are not a PNG, JPEG, GIF, WebP or PDF file "
		    "(SVG and HTML are never kept)");
	case ATTACH_TOO_LARGE:
		return ("larger than 10 MB");
	case ATTACH_EMPTY:
		return ("empty");
	case ATTACH_TOO_MANY:
		return ("more than 5 files on one reply");
	default:
		return ("not stored");
	}
}

/*
 * The email's files under the rules of an upload (attachments.h): each is
 * sniffed and staged, then the kept ones are made durable before the
 * comment's transaction names them. A refused file does not refuse the
 * reply: it is named in dropped. MAIL_IN_ADDED with *n blobs, or
 * MAIL_IN_TEMPFAIL when the disk failed (nothing kept; the MTA retries).
 */
static enum mail_in_result
take_files(struct bodies *b, struct attachment_blob *blobs, int *n,
    struct strbuf *dropped, char *why, size_t whylen)
{
	enum attachment_result	 ar;
	GMimeDataWrapper	*dw;
	GMimeStream		*mem;
	GByteArray		*bytes;
	const char		*name;
	char			 shown[64];
	int			 i, j;

	*n = 0;
	for (i = 0; i < b->attachments; i++) {
		name = i < b->nfiles ?
		    g_mime_part_get_filename(b->files[i]) : NULL;
		if (*n == ATTACH_PER_MESSAGE || i >= b->nfiles)
			ar = ATTACH_TOO_MANY;
		else if ((dw = g_mime_part_get_content(b->files[i])) == NULL)
			ar = ATTACH_EMPTY;
		else {
			/* Decoded from base64 or quoted-printable here. */
			mem = g_mime_stream_mem_new();
			(void)g_mime_data_wrapper_write_to_stream(dw, mem);
			bytes = g_mime_stream_mem_get_byte_array(
			    GMIME_STREAM_MEM(mem));
			ar = attachment_blob_from_bytes(name ? name : "",
			    bytes->data, bytes->len, &blobs[*n]);
			g_object_unref(mem);
		}
		if (ar == ATTACH_OK) {
			(*n)++;
			continue;
		}
		if (ar == ATTACH_ERROR)
			goto fail;
		sb_printf(dropped, "%s%s (%s)", dropped->len ? "; " : "",
		    shown_name(name, shown, sizeof(shown)), dropped_reason(ar));
	}
	for (i = 0; i < *n; i++)
		if (attachment_blob_commit(&blobs[i]) != 0)
			goto fail;
	return (MAIL_IN_ADDED);
fail:
	for (j = 0; j < *n; j++)
		attachment_blob_discard(&blobs[j]);
	*n = 0;
	(void)snprintf(why, whylen, "an attachment cannot be stored now "
	    "(disk): try again later");
	return (MAIL_IN_TEMPFAIL);
}

enum mail_in_result
mail_in(struct store *db, const unsigned char secret[32], const char *raw,
    size_t len, const char *recipient, char ref[TICKET_REF_LEN], char *why,
    size_t whylen)
{
	enum mail_in_result	 r;
	struct bodies		 b;
	struct attachment_blob	 blobs[ATTACH_PER_MESSAGE];
	struct strbuf		 dropped;
	GMimeStream		*stream;
	GMimeParser		*parser;
	GMimeMessage		*msg;
	json_t			*t;
	const char		*from, *email;
	char			*text, key[450];
	int			 missing, nblobs;

	ref[0] = '\0';
	nblobs = 0;
	sb_init(&dropped);
	sb_puts(&dropped, "");
	text = NULL;
	t = NULL;
	msg = NULL;
	if (len > MAIL_IN_MAX) {
		(void)snprintf(why, whylen, "the message is larger than %d KB: "
		    "send the text alone", MAIL_IN_MAX / 1024);
		return (MAIL_IN_DATAERR);
	}
	/* GMime's memory stream copies; raw stays the caller's. */
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	r = MAIL_IN_DATAERR;
	if (msg == NULL || g_mime_message_get_mime_part(msg) == NULL) {
		(void)snprintf(why, whylen, "this is not an email message "
		    "(RFC 5322) we can read");
		goto done;
	}
	if (automatic(msg)) {
		(void)snprintf(why, whylen, "an automatic message "
		    "(Auto-Submitted or Precedence): not added, not bounced");
		r = MAIL_IN_IGNORED;
		goto done;
	}
	if ((r = identify(msg, secret, recipient, ref, why, whylen)) !=
	    MAIL_IN_ADDED)
		goto done;
	if ((t = ticket_get(db, ref, 1, &missing)) == NULL) {
		if (missing) {
			(void)snprintf(why, whylen, "there is no request %s "
			    "(any more)", ref);
			r = MAIL_IN_NOPERM;
		} else
			r = db_failure(db, why, whylen);
		goto done;
	}
	/* A reply address that leaked (a forward) does not let others in. */
	email = json_string_value(json_object_get(t, "email"));
	if ((from = sender(msg)) == NULL || email == NULL ||
	    strcasecmp(from, email)) {
		(void)snprintf(why, whylen, "the sender %s is not the one who "
		    "wrote request %s: reply from the address you wrote "
		    "from", from ? from : "(none)", ref);
		r = MAIL_IN_NOPERM;
		goto done;
	}
	if ((r = body_text(msg, &b, &text, why, whylen)) != MAIL_IN_ADDED)
		goto done;
	if ((r = take_files(&b, blobs, &nblobs, &dropped, why, whylen)) !=
	    MAIL_IN_ADDED)
		goto done;
	dedupe_key(msg, raw, len, key, sizeof(key));
	switch (ticket_comment_mail(db, ref, text, key, blobs, nblobs)) {
	case TICKET_CHANGED:
		(void)snprintf(why, whylen, "added to %s with %d of %d "
		    "attachments%s%s", ref, nblobs, b.attachments,
		    dropped.len ? "; dropped: " : "", dropped.data);
		r = MAIL_IN_ADDED;
		break;
	case TICKET_ALREADY_ADDED:
		(void)snprintf(why, whylen, "already added to %s (the same "
		    "message again)", ref);
		r = MAIL_IN_DUPLICATE;
		break;
	case TICKET_CLOSED:
		(void)snprintf(why, whylen, "request %s is closed and takes no "
		    "more replies: write a new request on the help center",
		    ref);
		r = MAIL_IN_NOPERM;
		break;
	case TICKET_NOT_FOUND:
		(void)snprintf(why, whylen, "there is no request %s (any "
		    "more)", ref);
		r = MAIL_IN_NOPERM;
		break;
	case TICKET_CHANGE_FAILED:
		r = db_failure(db, why, whylen);
		break;
	}
done:
	sb_free(&dropped);
	free(text);
	json_decref(t);
	if (msg != NULL)
		g_object_unref(msg);
	return (r);
}
