/* tickets_attachments.c: GET /tickets/<ref>/attachments/<id> (status token or staff), and attachments in a ticket's view model. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/core/site.h"
#include "tickets/attachments.h"
#include "tickets_http.h"
#include "util/strbuf.h"
#include "util/text.h"

int	ticket_attachment(struct http_request *);

/*
 * What an attachment answer carries instead of the site's headers: the
 * sniffed type, never sniffed again (nosniff); a sandbox with nothing
 * allowed, so that a file that is also HTML or script (a polyglot) runs
 * nothing even when opened on its own; the token in the address never
 * leaves in a Referer, and the answer is never stored.
 */
static const char	*const file_headers[][2] = {
	{ "content-security-policy", "default-src 'none'; img-src 'self'; "
	    "style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'" },
	{ "x-content-type-options", "nosniff" },
	{ "referrer-policy", "no-referrer" },
	{ "x-frame-options", "SAMEORIGIN" },
	{ "cross-origin-resource-policy", "same-origin" },
	{ "cache-control", "private, no-store" },
};

/* "/tickets/<ref>/attachments/<id>" into ref and id; 0 when malformed. */
static int
attachment_path(const char *path, char ref[TICKET_REF_LEN], long long *id)
{
	static const char	prefix[] = "/tickets/", mid[] = "/attachments/";
	const char		*p;
	char			*end;

	if (strncmp(path, prefix, sizeof(prefix) - 1))
		return (0);
	p = path + sizeof(prefix) - 1;
	if (strlen(p) < TICKET_REF_LEN - 1)
		return (0);
	memcpy(ref, p, TICKET_REF_LEN - 1);
	ref[TICKET_REF_LEN - 1] = '\0';
	p += TICKET_REF_LEN - 1;
	if (!ticket_ref_valid(ref) || strncmp(p, mid, sizeof(mid) - 1))
		return (0);
	p += sizeof(mid) - 1;
	if (*p < '1' || *p > '9' || strlen(p) > 15)
		return (0);
	*id = strtoll(p, &end, 10);
	return (*end == '\0');
}

static int
free_stream(struct netbuf *nb)
{
	kore_free(nb->extra);
	return (KORE_RESULT_OK);
}

/* Content-Disposition with an ASCII name and the UTF-8 one (RFC 6266). */
static void
disposition(struct strbuf *sb, const struct attachment_info *a)
{
	const char	*p;

	sb_puts(sb, attachment_inline(a->mime) ? "inline" : "attachment");
	sb_puts(sb, "; filename=\"");
	for (p = a->name; *p != '\0'; p++)
		sb_putc(sb, (unsigned char)*p < 0x20 ||
		    (unsigned char)*p >= 0x7f || *p == '"' || *p == '\\' ?
		    '_' : *p);
	sb_puts(sb, "\"; filename*=UTF-8''");
	url_encode(sb, a->name);
}

int
ticket_attachment(struct http_request *req)
{
	struct attachment_info	 a;
	struct token_owner	 owner;
	struct strbuf		 sb;
	struct stat		 st;
	char			 ref[TICKET_REF_LEN], path[ATTACH_PATH_MAX];
	char			*token, *buf;
	long long		 id;
	size_t			 i, off;
	ssize_t			 n;
	int			 fd, public_only;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (site.db == NULL)
		return (respond_error_page(req, 503, NULL));
	if (!attachment_path(req->path, ref, &id))
		return (respond_error_page(req, 404, NULL));
	/* Staff (session or bearer) see every file; the requester, public ones. */
	token = NULL;
	if (staff_auth(req, TOKEN_ROLE_AGENT, &owner))
		public_only = 0;
	else if (query_get(req, "t", &token) == 1 &&
	    ticket_token_valid(site.secret, ref, token))
		public_only = 1;
	else {
		free(token);
		/* A wrong or missing token looks exactly like no file. */
		return (respond_error_page(req, 404, NULL));
	}
	free(token);
	switch (attachment_find(site.db, ref, id, public_only, &a)) {
	case ATTACH_OK:
		break;
	case ATTACH_NOT_FOUND:
		return (respond_error_page(req, 404, NULL));
	default:
		return (respond_error_page(req, 503, NULL));
	}
	if (attachment_blob_path(a.sha256, path, sizeof(path)) != 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		kore_log(LOG_ERR, "attachment %lld of %s: blob %s missing: %s",
		    id, ref, a.sha256, errno_s);
		return (respond_error_page(req, 503, NULL));
	}
	if (fstat(fd, &st) != 0 || st.st_size != a.size ||
	    a.size > ATTACH_SIZE_MAX) {
		(void)close(fd);
		kore_log(LOG_ERR, "attachment %lld of %s: blob %s has the "
		    "wrong size", id, ref, a.sha256);
		return (respond_error_page(req, 503, NULL));
	}
	buf = kore_malloc((size_t)a.size);
	for (off = 0; off < (size_t)a.size; off += (size_t)n) {
		if ((n = read(fd, buf + off, (size_t)a.size - off)) <= 0) {
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			break;
		}
	}
	(void)close(fd);
	if (off != (size_t)a.size) {
		kore_free(buf);
		return (respond_error_page(req, 503, NULL));
	}
	for (i = 0; i < sizeof(file_headers) / sizeof(file_headers[0]); i++)
		http_response_header(req, file_headers[i][0],
		    file_headers[i][1]);
	http_response_header(req, "content-type", a.mime);
	sb_init(&sb);
	disposition(&sb, &a);
	http_response_header(req, "content-disposition", sb.data);
	sb_free(&sb);
	if (req->method == HTTP_METHOD_HEAD) {
		kore_free(buf);
		http_response(req, 200, NULL, 0);
		return (KORE_RESULT_OK);
	}
	/* Sent from buf as it is, without a copy; free_stream frees it. */
	http_response_stream(req, 200, buf, (size_t)a.size, free_stream, buf);
	return (KORE_RESULT_OK);
}

/* "840 KB", "2.4 MB" */
static void
size_label(long long n, char *buf, size_t len)
{
	if (n < 1024 * 1024)
		(void)snprintf(buf, len, "%lld KB", (n + 1023) / 1024);
	else
		(void)snprintf(buf, len, "%.1f MB", (double)n / (1024 * 1024));
}

void
tickets_add_attachments(json_t *t, const char *ref, int public_only,
    const char *token)
{
	json_t		*all, *a, *ev, *list, *first;
	struct strbuf	 url;
	json_int_t	 evid;
	size_t		 i, k;
	char		 label[32];

	if ((all = attachments_list(site.db, ref, public_only)) == NULL)
		return;
	/* Every event says it, or a section would find the ticket's own. */
	json_array_foreach(json_object_get(t, "events"), k, ev) {
		json_object_set_new(ev, "attachments", json_array());
		json_object_set_new(ev, "has_attachments", json_false());
	}
	sb_init(&url);
	first = json_array();
	json_array_foreach(all, i, a) {
		sb_reset(&url);
		sb_printf(&url, "/tickets/%s/attachments/%lld", ref,
		    (long long)json_integer_value(json_object_get(a, "id")));
		if (token != NULL)
			sb_printf(&url, "?t=%s", token);
		json_object_set_new(a, "url", json_string(url.data));
		size_label(json_integer_value(json_object_get(a, "size")),
		    label, sizeof(label));
		json_object_set_new(a, "size_label", json_string(label));
		if (json_is_null(json_object_get(a, "event_id"))) {
			json_array_append(first, a);
			continue;
		}
		evid = json_integer_value(json_object_get(a, "event_id"));
		json_array_foreach(json_object_get(t, "events"), k, ev) {
			if (json_integer_value(json_object_get(ev, "id")) !=
			    evid)
				continue;
			list = json_object_get(ev, "attachments");
			json_array_append(list, a);
			json_object_set_new(ev, "has_attachments",
			    json_true());
		}
	}
	json_object_set_new(t, "has_attachments",
	    json_boolean(json_array_size(first) > 0));
	json_object_set_new(t, "attachments", first);
	json_decref(all);
	sb_free(&url);
}
