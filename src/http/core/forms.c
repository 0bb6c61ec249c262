/* forms.c: urlencoded and JSON request bodies, read and checked before any handler uses them. */
#include <string.h>
#include <strings.h>

#include "forms.h"
#include "site.h"
#include "util/strbuf.h"
#include "util/text.h"

/* The whole body as a NUL-terminated string; http_body_max caps its size. */
static char *
body_string(struct http_request *req, size_t *len)
{
	struct strbuf	sb;
	char		chunk[4096];
	ssize_t		n;

	sb_init(&sb);
	sb_append(&sb, "", 0);
	while ((n = http_body_read(req, chunk, sizeof(chunk))) > 0)
		sb_append(&sb, chunk, (size_t)n);
	if (n == -1) {
		sb_free(&sb);
		return (NULL);
	}
	*len = sb.len;
	return (sb.data);
}

/*
 * Text bodies (urlencoded forms, JSON) stay within 64 KB: http_body_max
 * is raised for files (uploads.h), which come as multipart/form-data only.
 */
#define TEXT_BODY_MAX	65536

static int
text_body_too_large(struct http_request *req)
{
	return (req->http_body_length > TEXT_BODY_MAX);
}

/* 1 when the Content-Type header is type, parameters (charset) allowed. */
static int
content_type_is(struct http_request *req, const char *type)
{
	const char	*ct;
	size_t		 n;

	if (!http_request_header(req, "content-type", &ct))
		return (0);
	n = strlen(type);
	return (!strncasecmp(ct, type, n) && (ct[n] == '\0' || ct[n] == ';' ||
	    ct[n] == ' '));
}

int
form_read(struct http_request *req, struct form *f)
{
	char	*body;
	size_t	 len;
	int	 rc;

	memset(f, 0, sizeof(*f));
	if (!content_type_is(req, "application/x-www-form-urlencoded")) {
		(void)respond_error_page(req, 415, "This form must be sent as "
		    "application/x-www-form-urlencoded.");
		return (0);
	}
	if (text_body_too_large(req)) {
		(void)respond_error_page(req, 413, "This form may hold 64 KB of "
		    "text at most; files go in its file field.");
		return (0);
	}
	if ((body = body_string(req, &len)) == NULL) {
		(void)respond_error_page(req, 400, NULL);
		return (0);
	}
	rc = form_parse(body, f);
	free(body);
	if (rc == -1) {
		(void)respond_error_page(req, 400, NULL);
		return (0);
	}
	return (1);
}

int
json_read(struct http_request *req, json_t **out)
{
	json_error_t	 err;
	char		*body;
	size_t		 len;

	*out = NULL;
	if (!content_type_is(req, "application/json")) {
		(void)respond_json_error(req, 415, "unsupported_media_type",
		    "Send the body as JSON with Content-Type: application/json.",
		    NULL);
		return (0);
	}
	if (text_body_too_large(req)) {
		(void)respond_json_error(req, 413, "too_large", "A JSON body may "
		    "be 64 KB at most; send files as multipart/form-data.",
		    NULL);
		return (0);
	}
	if ((body = body_string(req, &len)) == NULL) {
		(void)respond_json_error(req, 400, "bad_body",
		    "The request body could not be read.", NULL);
		return (0);
	}
	if (!utf8_valid(body, len)) {
		free(body);
		(void)respond_json_error(req, 400, "bad_utf8",
		    "The body is not valid UTF-8.", NULL);
		return (0);
	}
	*out = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	free(body);
	if (*out == NULL || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		(void)respond_json_error(req, 400, "bad_json",
		    "The body must be one JSON object.", NULL);
		return (0);
	}
	return (1);
}

int
json_member_string(json_t *obj, const char *name, const char **out)
{
	json_t	*v;

	*out = NULL;
	if ((v = json_object_get(obj, name)) == NULL || json_is_null(v))
		return (0);
	if (!json_is_string(v))
		return (-1);
	*out = json_string_value(v);
	return (1);
}
