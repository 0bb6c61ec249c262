/* attachments.c: attachment blobs (sniffed, content-addressed, durable) and their rows in ticket_attachments. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "attachments.h"
#include "store/db.h"
#include "util/strbuf.h"
#include "util/text.h"

static char	dir[ATTACH_PATH_MAX - 80] = "attachments";

void
attachments_set_dir(const char *d)
{
	(void)snprintf(dir, sizeof(dir), "%s", d);
}

/* fsync of a folder, so that a rename or a new entry in it survives a crash. */
static int
sync_dir(const char *path)
{
	int	fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	rc = fsync(fd);
	(void)close(fd);
	return (rc);
}

int
attachments_prepare_dir(void)
{
	char		 path[ATTACH_PATH_MAX + 300];
	DIR		*d;
	struct dirent	*de;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/tmp", dir);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return (-1);
	/* Staged files of requests a crash or a stop cut short. */
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "up.", 3))
			continue;
		(void)snprintf(path, sizeof(path), "%s/tmp/%s", dir, de->d_name);
		(void)unlink(path);
	}
	closedir(d);
	return (0);
}

/* ---- Types and names ---- */

const char *
attachment_sniff(const unsigned char *p, size_t len)
{
	/* Magic numbers at offset 0, nothing else: a polyglot is its first type. */
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return ("image/png");
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return ("image/jpeg");
	if (len >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
		return ("image/gif");
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return ("image/webp");
	if (len >= 5 && !memcmp(p, "%PDF-", 5))
		return ("application/pdf");
	return (NULL);
}

int
attachment_inline(const char *mime)
{
	return (mime != NULL && !strncmp(mime, "image/", 6));
}

static const char *
type_extension(const char *mime)
{
	if (mime == NULL)
		return ("");
	if (!strcmp(mime, "image/png"))
		return (".png");
	if (!strcmp(mime, "image/jpeg"))
		return (".jpg");
	if (!strcmp(mime, "image/gif"))
		return (".gif");
	if (!strcmp(mime, "image/webp"))
		return (".webp");
	if (!strcmp(mime, "application/pdf"))
		return (".pdf");
	return ("");
}

/*
 * The next code point of s (at most n bytes), its length in *len; -1 for
 * a malformed, overlong or surrogate sequence (then *len is 1).
 */
static long
utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	long	cp, min;
	size_t	k, i;

	*len = 1;
	if (s[0] < 0x80)
		return (s[0]);
	if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return (-1);
	if (k > n)
		return (-1);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (-1);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);
	*len = k;
	return (cp);
}

/* Characters a display name drops: controls, and those that reorder text. */
static int
name_drops(long cp)
{
	return (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
	    cp == '"' || cp == '\\' || cp == '/');
}

void
attachment_display_name(const char *raw, const char *mime, char *out,
    size_t outlen)
{
	const unsigned char	*s, *base;
	const char		*ext, *stem, *have;
	struct strbuf		 sb;
	size_t			 n, len, chars, dot, i, stemlen;
	long			 cp;

	sb_init(&sb);
	sb_append(&sb, "", 0);
	if (raw == NULL)
		raw = "";
	/* No folders, Unix or Windows: the last element only. */
	base = (const unsigned char *)raw;
	for (s = base; *s != '\0'; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	n = strlen((const char *)base);
	chars = 0;
	for (i = 0; i < n && chars < ATTACH_NAME_MAX; i += len) {
		cp = utf8_next(base + i, n - i, &len);
		if (cp < 0 || name_drops(cp))
			continue;
		sb_append(&sb, (const char *)base + i, len);
		chars++;
	}
	/* No hidden files, no trailing dots or spaces (Windows drops them). */
	stem = sb.data + strspn(sb.data, ". ");
	len = strlen(stem);
	while (len > 0 && (stem[len - 1] == '.' || stem[len - 1] == ' '))
		len--;
	/* A short extension is replaced by that of what the bytes are. */
	ext = type_extension(mime);
	stemlen = len;
	have = NULL;
	for (dot = len; dot > 0 && stem[dot - 1] != '.'; dot--)
		;
	if (dot > 1 && len - dot >= 1 && len - dot <= 5)
		have = stem + dot;
	if (ext[0] == '\0')
		;
	else if (have != NULL && ((strlen(ext + 1) == len - dot &&
	    !strncasecmp(have, ext + 1, len - dot)) ||
	    (!strcmp(mime, "image/jpeg") && len - dot == 4 &&
	    !strncasecmp(have, "jpeg", 4))))
		ext = "";	/* already right: kept as written */
	else if (have != NULL)
		stemlen = dot - 1;
	if (stemlen == 0)
		(void)snprintf(out, outlen, "attachment%s", ext);
	else
		(void)snprintf(out, outlen, "%.*s%s", (int)stemlen, stem, ext);
	sb_free(&sb);
}

/* ---- Writing blobs ---- */

int
attachment_writer_open(struct attachment_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	(void)snprintf(w->path, sizeof(w->path), "%s/tmp/up.XXXXXX", dir);
	if ((w->fd = mkstemp(w->path)) == -1) {
		w->path[0] = '\0';
		return (-1);
	}
	if ((w->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
		attachment_writer_abort(w);
		return (-1);
	}
	return (0);
}

enum attachment_result
attachment_writer_write(struct attachment_writer *w, const void *data,
    size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;
	size_t			 k, off;

	if (w->fd == -1)
		return (ATTACH_ERROR);
	if (w->size + (long long)len > ATTACH_SIZE_MAX)
		return (ATTACH_TOO_LARGE);
	if (w->headlen < sizeof(w->head)) {
		k = sizeof(w->head) - w->headlen;
		if (k > len)
			k = len;
		memcpy(w->head + w->headlen, p, k);
		w->headlen += k;
	}
	if (EVP_DigestUpdate(w->md, p, len) != 1)
		return (ATTACH_ERROR);
	for (off = 0; off < len; off += (size_t)n) {
		if ((n = write(w->fd, p + off, len - off)) <= 0) {
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			return (ATTACH_ERROR);
		}
	}
	w->size += (long long)len;
	return (ATTACH_OK);
}

void
attachment_writer_abort(struct attachment_writer *w)
{
	if (w->fd >= 0) {
		(void)close(w->fd);
		w->fd = -1;
	}
	if (w->path[0] != '\0') {
		(void)unlink(w->path);
		w->path[0] = '\0';
	}
	EVP_MD_CTX_free(w->md);
	w->md = NULL;
}

enum attachment_result
attachment_writer_close(struct attachment_writer *w, const char *raw_name,
    struct attachment_blob *out)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen;
	const char	*mime;

	memset(out, 0, sizeof(*out));
	if (w->size == 0) {
		attachment_writer_abort(w);
		return (ATTACH_EMPTY);
	}
	if ((mime = attachment_sniff(w->head, w->headlen)) == NULL) {
		attachment_writer_abort(w);
		return (ATTACH_TYPE_REFUSED);
	}
	/* Durable now: commit only renames it. */
	if (EVP_DigestFinal_ex(w->md, md, &mdlen) != 1 || mdlen != 32 ||
	    fsync(w->fd) != 0) {
		attachment_writer_abort(w);
		return (ATTACH_ERROR);
	}
	(void)close(w->fd);
	w->fd = -1;
	EVP_MD_CTX_free(w->md);
	w->md = NULL;
	hex_encode(md, 32, out->sha256);
	out->size = w->size;
	out->mime = mime;
	attachment_display_name(raw_name, mime, out->name, sizeof(out->name));
	(void)snprintf(out->staged, sizeof(out->staged), "%s", w->path);
	w->path[0] = '\0';
	return (ATTACH_OK);
}

enum attachment_result
attachment_blob_from_bytes(const char *raw_name, const void *bytes,
    size_t len, struct attachment_blob *out)
{
	struct attachment_writer	w;
	enum attachment_result		r;

	memset(out, 0, sizeof(*out));
	if ((long long)len > ATTACH_SIZE_MAX)
		return (ATTACH_TOO_LARGE);
	if (len == 0)
		return (ATTACH_EMPTY);
	if (attachment_writer_open(&w) != 0)
		return (ATTACH_ERROR);
	if ((r = attachment_writer_write(&w, bytes, len)) != ATTACH_OK) {
		attachment_writer_abort(&w);
		return (r);
	}
	return (attachment_writer_close(&w, raw_name, out));
}

int
attachment_blob_path(const char *sha, char *out, size_t len)
{
	size_t	i;

	if (sha == NULL || strlen(sha) != 64)
		return (-1);
	for (i = 0; i < 64; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') ||
		    (sha[i] >= 'a' && sha[i] <= 'f')))
			return (-1);
	(void)snprintf(out, len, "%s/%.2s/%s", dir, sha, sha + 2);
	return (0);
}

int
attachment_blob_commit(struct attachment_blob *b)
{
	struct stat	st;
	char		path[ATTACH_PATH_MAX], fan[ATTACH_PATH_MAX];

	if (b->staged[0] == '\0')
		return (0);
	if (attachment_blob_path(b->sha256, path, sizeof(path)) != 0)
		return (-1);
	(void)snprintf(fan, sizeof(fan), "%s/%.2s", dir, b->sha256);
	if (mkdir(fan, 0700) == 0) {
		/* A new fan-out folder is an entry of the top one. */
		if (sync_dir(dir) != 0)
			return (-1);
	} else if (errno != EEXIST)
		return (-1);
	if (stat(path, &st) == 0 && st.st_size == b->size) {
		/* The same bytes are stored already (and were synced then). */
		(void)unlink(b->staged);
		b->staged[0] = '\0';
		return (0);
	}
	if (rename(b->staged, path) != 0 || sync_dir(fan) != 0)
		return (-1);
	b->staged[0] = '\0';
	return (0);
}

void
attachment_blob_discard(struct attachment_blob *b)
{
	if (b->staged[0] != '\0') {
		(void)unlink(b->staged);
		b->staged[0] = '\0';
	}
}

/* ---- Rows ---- */

/* attachments_link; *last_id (may be NULL) gets the last row's id. */
static int
link_rows(struct store *db, long long ticket_id, long long event_id,
    const struct attachment_blob *b, int n, long long now, long long *last_id)
{
	struct db_stmt	*st;
	int		 i, rc;

	if (n <= 0)
		return (0);
	if (db_prepare(db, "INSERT INTO ticket_attachments(ticket_id, "
	    "event_id, sha256, size, mime, name, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?) RETURNING id", &st) != 0)
		return (-1);
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		db_reset(st);
		db_bind_int64(st, 1, ticket_id);
		if (event_id > 0)
			db_bind_int64(st, 2, event_id);
		else
			db_bind_null(st, 2);
		db_bind_text(st, 3, b[i].sha256);
		db_bind_int64(st, 4, b[i].size);
		db_bind_text(st, 5, b[i].mime);
		db_bind_text(st, 6, b[i].name);
		db_bind_int64(st, 7, now);
		if (db_step(st) != STORE_ROW)
			rc = -1;
		else if (last_id != NULL)
			*last_id = db_col_int64(st, 0);
	}
	db_finalize(st);
	return (rc);
}

int
attachments_link(struct store *db, long long ticket_id, long long event_id,
    const struct attachment_blob *b, int n, long long now)
{
	return (link_rows(db, ticket_id, event_id, b, n, now, NULL));
}

/* Visible to the requester: on the first message or on a public event. */
#define PUBLIC_SQL	"(a.event_id IS NULL OR e.public = 1)"

json_t *
attachments_list(struct store *db, const char *ref, int public_only)
{
	struct db_stmt	*st;
	json_t		*arr;
	const char	*mime;
	int		 rc;

	if (db_prepare(db, "SELECT a.id, a.event_id, a.name, a.mime, "
	    "a.size FROM ticket_attachments a JOIN tickets t ON t.id = "
	    "a.ticket_id LEFT JOIN ticket_events e ON e.id = a.event_id "
	    "WHERE t.ref = ? AND (? = 0 OR " PUBLIC_SQL ") ORDER BY a.id",
	    &st) != 0)
		return (NULL);
	db_bind_text(st, 1, ref);
	db_bind_int64(st, 2, public_only);
	arr = json_array();
	while ((rc = db_step(st)) == STORE_ROW) {
		mime = db_col_text(st, 3);
		json_array_append_new(arr, json_pack("{s:I, s:o, s:s, s:s, "
		    "s:I, s:b}", "id", (json_int_t)db_col_int64(st, 0),
		    "event_id", db_col_null(st, 1) ?
		    json_null() : json_integer(db_col_int64(st, 1)),
		    "name", db_col_text(st, 2), "mime",
		    mime, "size", (json_int_t)db_col_int64(st, 4),
		    "image", attachment_inline(mime)));
	}
	db_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}

enum attachment_result
attachment_find(struct store *db, const char *ref, long long id,
    int public_only,
    struct attachment_info *out)
{
	struct db_stmt		*st;
	enum attachment_result	 r;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (db_prepare(db, "SELECT a.id, a.size, a.sha256, a.mime, "
	    "a.name FROM ticket_attachments a JOIN tickets t ON t.id = "
	    "a.ticket_id LEFT JOIN ticket_events e ON e.id = a.event_id "
	    "WHERE a.id = ? AND t.ref = ? AND (? = 0 OR " PUBLIC_SQL ")",
	    &st) != 0)
		return (ATTACH_ERROR);
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, ref);
	db_bind_int64(st, 3, public_only);
	if ((rc = db_step(st)) == STORE_ROW) {
		out->id = db_col_int64(st, 0);
		out->size = db_col_int64(st, 1);
		(void)snprintf(out->sha256, sizeof(out->sha256), "%s",
		    db_col_text(st, 2));
		(void)snprintf(out->mime, sizeof(out->mime), "%s",
		    db_col_text(st, 3));
		(void)snprintf(out->name, sizeof(out->name), "%s",
		    db_col_text(st, 4));
		r = ATTACH_OK;
	} else
		r = rc == STORE_DONE ? ATTACH_NOT_FOUND : ATTACH_ERROR;
	db_finalize(st);
	return (r);
}

/* Inside a transaction: the ticket's id and the count on one message. */
static enum attachment_result
store_target(struct store *db, const char *ref, long long event_id,
    long long *ticket_id)
{
	struct db_stmt	*st;
	int		 rc, n;

	/* Both databases: no "IS ?" (SQLite only), no boolean column. */
	if (db_prepare(db, "SELECT t.id, (SELECT count(*) FROM "
	    "ticket_attachments a WHERE a.ticket_id = t.id AND (a.event_id = "
	    "?2 OR (a.event_id IS NULL AND ?2 IS NULL))), CASE WHEN ?2 IS "
	    "NULL OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.id = ?2 "
	    "AND e.ticket_id = t.id) THEN 1 ELSE 0 END FROM tickets t WHERE "
	    "t.ref = ?1", &st) != 0)
		return (ATTACH_ERROR);
	db_bind_text(st, 1, ref);
	if (event_id > 0)
		db_bind_int64(st, 2, event_id);
	else
		db_bind_null(st, 2);
	if ((rc = db_step(st)) != STORE_ROW) {
		db_finalize(st);
		return (rc == STORE_DONE ? ATTACH_NOT_FOUND : ATTACH_ERROR);
	}
	*ticket_id = db_col_int64(st, 0);
	n = db_col_int64(st, 1);
	rc = db_col_int64(st, 2);
	db_finalize(st);
	if (!rc)
		return (ATTACH_NOT_FOUND);
	return (n >= ATTACH_PER_MESSAGE ? ATTACH_TOO_MANY : ATTACH_OK);
}

enum attachment_result
attachment_store(struct store *db, const char *ref, long long event_id,
    const char *raw_name, const void *bytes, size_t len,
    struct attachment_info *out)
{
	struct attachment_blob	 b;
	enum attachment_result	 r;
	long long		 tid;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((r = attachment_blob_from_bytes(raw_name, bytes, len, &b)) !=
	    ATTACH_OK)
		return (r);
	if (attachment_blob_commit(&b) != 0) {
		attachment_blob_discard(&b);
		return (ATTACH_ERROR);
	}
	if (db_begin(db) != 0)
		return (ATTACH_ERROR);
	if ((r = store_target(db, ref, event_id, &tid)) != ATTACH_OK) {
		db_rollback(db);
		return (r);
	}
	if (link_rows(db, tid, event_id, &b, 1, (long long)time(NULL),
	    out != NULL ? &out->id : NULL) != 0) {
		db_rollback(db);
		return (ATTACH_ERROR);
	}
	if (out != NULL) {
		out->size = b.size;
		(void)snprintf(out->sha256, sizeof(out->sha256), "%s",
		    b.sha256);
		(void)snprintf(out->mime, sizeof(out->mime), "%s", b.mime);
		(void)snprintf(out->name, sizeof(out->name), "%s", b.name);
	}
	return (db_commit(db) == 0 ? ATTACH_OK : ATTACH_ERROR);
}

const char *
attachment_result_string(enum attachment_result r)
{
	switch (r) {
	case ATTACH_OK:
		return ("ok");
	case ATTACH_TOO_LARGE:
		return ("too_large");
	case ATTACH_TYPE_REFUSED:
		return ("type_refused");
	case ATTACH_EMPTY:
		return ("empty");
	case ATTACH_TOO_MANY:
		return ("too_many");
	case ATTACH_NOT_FOUND:
		return ("not_found");
	default:
		return ("error");
	}
}
