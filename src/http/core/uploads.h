/* uploads.h: form POSTs that may carry files: urlencoded, or multipart/form-data with its files streamed into staged attachments. */
#ifndef HC_UPLOADS_H
#define HC_UPLOADS_H

#include <kore/kore.h>
#include <kore/http.h>

#include "tickets/attachments.h"
#include "util/urlform.h"

/* The file input's name; other file fields are ignored. */
#define UPLOAD_FIELD		"attachments"
/* The text fields of one multipart body together, in bytes. */
#define UPLOAD_TEXT_MAX		65536
/*
 * The largest body an upload route takes: the files at their limit plus
 * the text and multipart's framing (connguard.c refuses larger ones, and
 * every other route above 64 KB, before Kore reads them).
 */
#define UPLOAD_BODY_MAX		(ATTACH_PER_MESSAGE * ATTACH_SIZE_MAX + \
				    UPLOAD_TEXT_MAX + 65536)

struct upload_form {
	struct form		 fields;
	struct attachment_blob	 files[ATTACH_PER_MESSAGE];
	int			 nfiles;
	/* Set when the answer is -1: what was wrong with a file. */
	enum attachment_result	 problem;
	int			 status;	/* 400, 413, 415 or 503 */
	char			 file[ATTACH_NAME_BYTES];	/* its display name */
};

/*
 * Reads the body. Returns 1 with u filled; -1 when a file was refused
 * (u->problem, u->status, u->file; the fields read before it are in
 * u->fields, so that a form can be shown again with what was typed); or 0
 * after answering itself: 415 for another content type, 400 for a
 * malformed body, 413 for text fields over UPLOAD_TEXT_MAX (a JSON error
 * when api, else the error page). In every case upload_form_free(u) after.
 */
int		 upload_form_read(struct http_request *, struct upload_form *,
		    int api);

/* Makes every staged file durable at its address. Returns 0, or -1. */
int		 upload_form_commit(struct upload_form *);

/* Frees the fields and removes staged files that were not committed. */
void		 upload_form_free(struct upload_form *);

/* The problem as an English message for the API (naming the limit). */
void		 upload_problem_message(const struct upload_form *, char *,
		    size_t);
/* The problem as an interface string key (tickets' strings). */
const char	*upload_problem_key(const struct upload_form *);

#endif
