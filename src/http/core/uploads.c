/* uploads.c: urlencoded or multipart/form-data POST bodies; files go to staged attachments as the body is read, never whole into memory. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "forms.h"
#include "site.h"
#include "uploads.h"
#include "util/multipart.h"
#include "util/strbuf.h"
#include "util/text.h"

#define READ_CHUNK	65536

/* Where the parse is, for the callbacks. */
struct upload_state {
	struct upload_form		*u;
	struct attachment_writer	 w;
	int				 writing;	/* w is open */
	int				 skipping;	/* part ignored */
	struct strbuf			 value;
	char				 name[MP_NAME_MAX + 1];
	char				 raw[MP_FILENAME_MAX + 1];
	size_t				 text;		/* text bytes so far */
	int				 bad_text;	/* 1: over the cap, 2: bad UTF-8 */
};

static void
refuse(struct upload_state *s, enum attachment_result r, const char *raw)
{
	struct upload_form	*u = s->u;

	u->problem = r;
	switch (r) {
	case ATTACH_TOO_LARGE:
		u->status = 413;
		break;
	case ATTACH_TYPE_REFUSED:
		u->status = 415;
		break;
	case ATTACH_ERROR:
		u->status = 503;
		break;
	default:
		u->status = 400;
		break;
	}
	attachment_display_name(raw, NULL, u->file, sizeof(u->file));
}

static int
part_begin(void *arg, const struct mp_part *p)
{
	struct upload_state	*s = arg;

	s->skipping = 0;
	sb_reset(&s->value);
	(void)snprintf(s->name, sizeof(s->name), "%s", p->name);
	if (p->has_filename) {
		/* A file input left empty sends an empty part: nothing. */
		if (strcmp(p->name, UPLOAD_FIELD) || p->filename[0] == '\0') {
			s->skipping = 1;
			return (0);
		}
		(void)snprintf(s->raw, sizeof(s->raw), "%s", p->filename);
		if (s->u->nfiles == ATTACH_PER_MESSAGE) {
			refuse(s, ATTACH_TOO_MANY, p->filename);
			return (-1);
		}
		if (attachment_writer_open(&s->w) != 0) {
			refuse(s, ATTACH_ERROR, p->filename);
			return (-1);
		}
		s->writing = 1;
	}
	return (0);
}

static int
part_data(void *arg, const unsigned char *data, size_t len)
{
	struct upload_state	*s = arg;
	enum attachment_result	 r;

	if (s->skipping)
		return (0);
	if (s->writing) {
		if ((r = attachment_writer_write(&s->w, data, len)) !=
		    ATTACH_OK) {
			refuse(s, r, s->raw);
			return (-1);
		}
		return (0);
	}
	if ((s->text += len) > UPLOAD_TEXT_MAX) {
		s->bad_text = 1;
		return (-1);
	}
	sb_append(&s->value, (const char *)data, len);
	return (0);
}

static int
part_end(void *arg)
{
	struct upload_state	*s = arg;
	struct upload_form	*u = s->u;
	enum attachment_result	 r;

	if (s->skipping)
		return (0);
	if (s->writing) {
		s->writing = 0;
		r = attachment_writer_close(&s->w, s->raw,
		    &u->files[u->nfiles]);
		if (r != ATTACH_OK) {
			refuse(s, r, s->raw);
			return (-1);
		}
		u->nfiles++;
		return (0);
	}
	sb_append(&s->value, "", 0);
	if (!utf8_valid(s->value.data, s->value.len) ||
	    strlen(s->value.data) != s->value.len) {
		s->bad_text = 2;
		return (-1);
	}
	form_append(&u->fields, s->name, s->value.data);
	return (0);
}

static const struct mp_callbacks	upload_callbacks = {
	part_begin, part_data, part_end
};

/* The request's Content-Type starts with type. */
static int
is_type(struct http_request *req, const char *type, const char **ct)
{
	size_t	n;

	*ct = NULL;
	if (!http_request_header(req, "content-type", ct))
		return (0);
	n = strlen(type);
	return (!strncasecmp(*ct, type, n) && ((*ct)[n] == '\0' ||
	    (*ct)[n] == ';' || (*ct)[n] == ' '));
}

static int
answer(struct http_request *req, int api, int status, const char *code,
    const char *message)
{
	if (api)
		(void)respond_json_error(req, status, code, message, NULL);
	else
		(void)respond_error_page(req, status, message);
	return (0);
}

int
upload_form_read(struct http_request *req, struct upload_form *u, int api)
{
	struct upload_state	 s;
	struct multipart	 mp;
	enum mp_status		 st;
	const char		*ct;
	char			 boundary[MP_BOUNDARY_MAX + 1], *chunk;
	ssize_t			 n;
	int			 rc;

	memset(u, 0, sizeof(*u));
	if (is_type(req, "application/x-www-form-urlencoded", &ct))
		return (form_read(req, &u->fields));
	if (!is_type(req, "multipart/form-data", &ct))
		return (answer(req, api, 415, "unsupported_media_type",
		    "Send this form as multipart/form-data (with files) or "
		    "application/x-www-form-urlencoded."));
	if (mp_boundary(ct, boundary) != 0)
		return (answer(req, api, 400, "bad_multipart", "The "
		    "multipart/form-data body needs a boundary parameter of 1 "
		    "to 70 characters."));
	memset(&s, 0, sizeof(s));
	s.u = u;
	sb_init(&s.value);
	mp_init(&mp, boundary, &upload_callbacks, &s);
	chunk = kore_malloc(READ_CHUNK);
	st = MP_MORE;
	while (st == MP_MORE &&
	    (n = http_body_read(req, chunk, READ_CHUNK)) > 0)
		st = mp_feed(&mp, chunk, (size_t)n);
	if (st == MP_MORE)
		st = mp_finish(&mp);
	kore_free(chunk);
	mp_free(&mp);
	sb_free(&s.value);
	if (s.writing)
		attachment_writer_abort(&s.w);
	if (st == MP_DONE)
		return (1);
	rc = 0;
	if (st == MP_STOPPED && u->problem != ATTACH_OK)
		rc = -1;
	else if (s.bad_text == 1)
		(void)answer(req, api, 413, "fields_too_large", "The text "
		    "fields of this form may hold 64 KB together.");
	else if (s.bad_text == 2)
		(void)answer(req, api, 400, "bad_utf8", "A field is not valid "
		    "UTF-8 text.");
	else
		(void)answer(req, api, 400, "bad_multipart", "The "
		    "multipart/form-data body is malformed or cut short.");
	return (rc);
}

int
upload_form_commit(struct upload_form *u)
{
	int	i;

	for (i = 0; i < u->nfiles; i++)
		if (attachment_blob_commit(&u->files[i]) != 0)
			return (-1);
	return (0);
}

void
upload_form_free(struct upload_form *u)
{
	int	i;

	for (i = 0; i < u->nfiles; i++)
		attachment_blob_discard(&u->files[i]);
	u->nfiles = 0;
	form_free(&u->fields);
}

void
upload_problem_message(const struct upload_form *u, char *buf, size_t len)
{
	switch (u->problem) {
	case ATTACH_TOO_LARGE:
		(void)snprintf(buf, len, "%s is larger than 10 MB, the limit "
		    "for each file.", u->file);
		break;
	case ATTACH_TYPE_REFUSED:
		(void)snprintf(buf, len, "%s is not a PNG, JPEG, GIF or WebP "
		    "image or a PDF (judged by its content, not its name); "
		    "other types are refused.", u->file);
		break;
	case ATTACH_TOO_MANY:
		(void)snprintf(buf, len, "At most %d files can be attached to "
		    "one message.", ATTACH_PER_MESSAGE);
		break;
	case ATTACH_EMPTY:
		(void)snprintf(buf, len, "%s is empty.", u->file);
		break;
	default:
		(void)snprintf(buf, len, "The file could not be stored; try "
		    "again in a moment.");
		break;
	}
}

const char *
upload_problem_key(const struct upload_form *u)
{
	switch (u->problem) {
	case ATTACH_TOO_LARGE:
		return ("tk_err_att_too_large");
	case ATTACH_TYPE_REFUSED:
		return ("tk_err_att_type");
	case ATTACH_TOO_MANY:
		return ("tk_err_att_too_many");
	case ATTACH_EMPTY:
		return ("tk_err_att_empty");
	default:
		return ("tk_err_unavailable");
	}
}
