/* attachments.h: files on tickets and their messages: sniffed types, content-addressed blobs under DATA, their rows; the contract for the web and mail-in. */
#ifndef HC_ATTACHMENTS_H
#define HC_ATTACHMENTS_H

#include <jansson.h>
#include <openssl/evp.h>

#include "store/db.h"

/*
 * A blob is stored once per content, as DIR/ab/<the other 62 hex digits
 * of its SHA-256> (DIR is "attachments" under DATA). Its type comes from
 * its first bytes only (PNG, JPEG, GIF, WebP, PDF); the client's
 * Content-Type and filename say nothing about it. The filename is kept
 * only as a display name: no folders, no control or bidi characters,
 * ATTACH_NAME_MAX characters at most, the extension of the real type.
 *
 * A write is durable before the row that names it commits: the blob is
 * written to DIR/tmp, fsynced, renamed into place and its folder fsynced
 * (attachment_blob_commit); the row commits with the ticket or message it
 * belongs to (ticket_input.attachments, ticket_comment_files) or alone
 * (attachment_store). A crash in between leaves an unreferenced blob,
 * never a row without its file.
 */

#define ATTACH_PER_MESSAGE	5
#define ATTACH_SIZE_MAX		(10LL * 1024 * 1024)	/* bytes, each */
#define ATTACH_NAME_MAX		100			/* characters */
#define ATTACH_NAME_BYTES	(ATTACH_NAME_MAX * 4 + 1)
#define ATTACH_PATH_MAX		512
#define ATTACH_SNIFF_LEN	16

enum attachment_result {
	ATTACH_OK = 0,
	ATTACH_TOO_LARGE,	/* over ATTACH_SIZE_MAX */
	ATTACH_TYPE_REFUSED,	/* its bytes are not PNG, JPEG, GIF, WebP, PDF */
	ATTACH_EMPTY,		/* zero bytes */
	ATTACH_TOO_MANY,	/* over ATTACH_PER_MESSAGE on one message */
	ATTACH_NOT_FOUND,	/* no such ticket, message or attachment */
	ATTACH_ERROR		/* disk or database: nothing was stored */
};

/* A checked file ready to be linked to a ticket or a message. */
struct attachment_blob {
	char		 sha256[65];
	long long	 size;
	const char	*mime;			/* static: "image/png", ... */
	char		 name[ATTACH_NAME_BYTES];	/* display name, UTF-8 */
	char		 staged[ATTACH_PATH_MAX];	/* until committed, else "" */
};

/* A file being received: open, write in pieces, close. */
struct attachment_writer {
	int		 fd;
	char		 path[ATTACH_PATH_MAX];
	EVP_MD_CTX	*md;
	unsigned char	 head[ATTACH_SNIFF_LEN];
	size_t		 headlen;
	long long	 size;
};

/* A stored attachment, as attachment_find gives it. */
struct attachment_info {
	long long	 id;
	long long	 size;
	char		 sha256[65];
	char		 mime[32];
	char		 name[ATTACH_NAME_BYTES];
};

/*
 * The folder of the blobs: "attachments" (relative: the workers run in
 * DATA) unless set; the parent and hcctl give DATA/attachments. The string
 * is copied.
 */
void		 attachments_set_dir(const char *);

/*
 * Creates the folder and its tmp/ (0700) and empties tmp/ of what a crash
 * left there. Returns 0, or -1 with errno set.
 */
int		 attachments_prepare_dir(void);

/* The MIME type the first bytes say (len >= ATTACH_SNIFF_LEN best), or NULL. */
const char	*attachment_sniff(const unsigned char *, size_t len);

/* 1 for the types shown inline (images); PDF and others are downloads. */
int		 attachment_inline(const char *mime);

/* The display name of raw for a file of type mime, into out (see above). */
void		 attachment_display_name(const char *raw, const char *mime,
		    char *out, size_t outlen);

/* Opens a staged file in DIR/tmp. Returns 0, or -1. */
int		 attachment_writer_open(struct attachment_writer *);
/* ATTACH_OK, ATTACH_TOO_LARGE (nothing more is written) or ATTACH_ERROR. */
enum attachment_result attachment_writer_write(struct attachment_writer *,
		    const void *, size_t);
/*
 * Sniffs, names and fsyncs the staged file into *out. ATTACH_OK, or
 * ATTACH_EMPTY, ATTACH_TYPE_REFUSED, ATTACH_ERROR with the file removed.
 */
enum attachment_result attachment_writer_close(struct attachment_writer *,
		    const char *raw_name, struct attachment_blob *out);
/* Removes the staged file of a writer not closed (idempotent). */
void		 attachment_writer_abort(struct attachment_writer *);

/* A whole file in memory (mail-in): open, write, close in one call. */
enum attachment_result attachment_blob_from_bytes(const char *raw_name,
		    const void *, size_t, struct attachment_blob *out);

/*
 * Moves a staged blob to its content address, durably (the file was
 * fsynced at close; the folders are fsynced here). Returns 0, or -1 (the
 * staged file stays for attachment_blob_discard).
 */
int		 attachment_blob_commit(struct attachment_blob *);
/* Removes a staged blob that will not be committed. */
void		 attachment_blob_discard(struct attachment_blob *);

/* The blob's path for a SHA-256 in hex. Returns 0, or -1 for a bad digest. */
int		 attachment_blob_path(const char *sha256, char *out, size_t len);

/*
 * Inside the caller's transaction: rows for n committed blobs on a ticket
 * (event_id 0: its first message) or one of its events. Returns 0, or -1.
 */
int		 attachments_link(struct store *, long long ticket_id,
		    long long event_id, const struct attachment_blob *, int n,
		    long long now);

/*
 * A ticket's attachments, oldest first: [{"id","event_id" (null: the first
 * message),"name","mime","size","image"}]; public_only leaves out those of
 * internal notes. NULL on a database error (an unknown ref gives []).
 */
json_t		*attachments_list(struct store *, const char *ref, int public_only);

/*
 * Attachment id of ticket ref: ATTACH_OK with *out, ATTACH_NOT_FOUND (no
 * such attachment on that ticket, or on an internal note when
 * public_only), or ATTACH_ERROR.
 */
enum attachment_result attachment_find(struct store *, const char *ref,
		    long long id, int public_only, struct attachment_info *out);

/*
 * The hook for mail-in: stores bytes as an attachment of ticket ref's first
 * message (event_id 0) or of its event event_id, in its own transaction,
 * after the blob is durable. ATTACH_OK with *out (may be NULL), or
 * ATTACH_TOO_LARGE, ATTACH_EMPTY, ATTACH_TYPE_REFUSED, ATTACH_TOO_MANY,
 * ATTACH_NOT_FOUND, ATTACH_ERROR (then no row; the blob may stay).
 */
enum attachment_result attachment_store(struct store *, const char *ref,
		    long long event_id, const char *raw_name, const void *bytes,
		    size_t len, struct attachment_info *out);

/* "too_large", ... for logs and the API. */
const char	*attachment_result_string(enum attachment_result);

#endif
