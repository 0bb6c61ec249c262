/* sessions.c: staff sessions in the shared database (table staff_sessions, migration auth-2 in tokens.c). */
#include <openssl/sha.h>

#include <stdio.h>
#include <string.h>

#include "sessions.h"
#include "util/random.h"
#include "util/text.h"

/* The last-seen time moves at most this often, so a page load is not a write. */
#define SESSION_TOUCH_MAX	60

static void
session_digest(const char *id, char out[SHA256_DIGEST_LENGTH * 2 + 1])
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)id, strlen(id), md);
	hex_encode(md, sizeof(md), out);
}

static int
id_valid(const char *id)
{
	size_t	i;

	if (id == NULL || strlen(id) != SESSION_ID_LEN - 1)
		return (0);
	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return (0);
	return (1);
}

enum session_status
session_create(struct store *db, long long token_id, long long now,
    char out[SESSION_ID_LEN])
{
	struct db_stmt		*st;
	unsigned char		 raw[(SESSION_ID_LEN - 1) / 2];
	char			 digest[SHA256_DIGEST_LENGTH * 2 + 1];
	enum session_status	 rc;

	if (random_bytes(raw, sizeof(raw)) != 0)
		return (SESSION_ERROR);
	hex_encode(raw, sizeof(raw), out);
	session_digest(out, digest);
	if (db_prepare(db, "INSERT INTO staff_sessions(digest, "
	    "token_id, created_at, seen_at) VALUES (?, ?, ?, ?3)", &st) != 0)
		return (SESSION_ERROR);
	db_bind_text(st, 1, digest);
	db_bind_int64(st, 2, token_id);
	db_bind_int64(st, 3, now);
	rc = db_step(st) == STORE_DONE ? SESSION_OK : SESSION_ERROR;
	db_finalize(st);
	return (rc);
}

static enum session_status
by_digest(struct store *db, const char *sql, const char *digest, long long now)
{
	struct db_stmt		*st;
	enum session_status	 rc;

	if (db_prepare(db, sql, &st) != 0)
		return (SESSION_ERROR);
	db_bind_text(st, 1, digest);
	if (db_param_count(st) >= 2)
		db_bind_int64(st, 2, now);
	rc = db_step(st) == STORE_DONE ? SESSION_OK : SESSION_ERROR;
	db_finalize(st);
	return (rc);
}

enum session_status
session_check(struct store *db, const char *id, const char *role, long long now,
    const struct session_limits *lim, struct token_owner *owner)
{
	struct db_stmt		*st;
	char			 digest[SHA256_DIGEST_LENGTH * 2 + 1];
	const char		*r;
	long long		 created, seen, touch;
	enum store_status	 step;

	if (!id_valid(id))
		return (SESSION_NONE);
	session_digest(id, digest);
	if (db_prepare(db, "SELECT s.created_at, s.seen_at, t.id, "
	    "t.role, t.name FROM staff_sessions s JOIN tokens t ON "
	    "t.id = s.token_id WHERE s.digest = ? AND t.revoked_at IS NULL",
	    &st) != 0)
		return (SESSION_ERROR);
	db_bind_text(st, 1, digest);
	if ((step = db_step(st)) != STORE_ROW) {
		db_finalize(st);
		return (step == STORE_DONE ? SESSION_NONE : SESSION_ERROR);
	}
	created = db_col_int64(st, 0);
	seen = db_col_int64(st, 1);
	r = (const char *)db_col_text(st, 3);
	owner->id = db_col_int64(st, 2);
	(void)snprintf(owner->role, sizeof(owner->role), "%s", r);
	(void)snprintf(owner->name, sizeof(owner->name), "%s",
	    (const char *)db_col_text(st, 4));
	db_finalize(st);
	if (now - seen > lim->idle || now - created > lim->max) {
		(void)by_digest(db, "DELETE FROM staff_sessions WHERE "
		    "digest = ?", digest, now);
		return (SESSION_EXPIRED);
	}
	/* Editors run the help center; they may also work tickets. */
	if (role != NULL && strcmp(owner->role, role) &&
	    strcmp(owner->role, TOKEN_ROLE_EDITOR))
		return (SESSION_FORBIDDEN);
	touch = lim->idle / 8 < SESSION_TOUCH_MAX ? lim->idle / 8 :
	    SESSION_TOUCH_MAX;
	if (now - seen >= touch &&
	    by_digest(db, "UPDATE staff_sessions SET seen_at = ?2 WHERE "
	    "digest = ?1", digest, now) != SESSION_OK)
		return (SESSION_ERROR);
	return (SESSION_OK);
}

enum session_status
session_end(struct store *db, const char *id)
{
	char	digest[SHA256_DIGEST_LENGTH * 2 + 1];

	if (!id_valid(id))
		return (SESSION_NONE);
	session_digest(id, digest);
	return (by_digest(db, "DELETE FROM staff_sessions WHERE digest = ?",
	    digest, 0));
}

const char *
session_status_str(enum session_status s)
{
	switch (s) {
	case SESSION_OK:
		return ("ok");
	case SESSION_NONE:
		return ("no such session");
	case SESSION_EXPIRED:
		return ("session expired");
	case SESSION_FORBIDDEN:
		return ("role not allowed");
	default:
		return ("database error");
	}
}
