/* tokens.c: access tokens stored as SHA-256 digests; every SQL statement about them. */
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "tokens.h"
#include "util/text.h"

const struct migration	auth_migrations[] = {
	{ "auth-1", "CREATE TABLE tokens("
	    "id INTEGER PRIMARY KEY,"
	    "role TEXT NOT NULL CHECK (role IN ('editor', 'agent')),"
	    "name TEXT NOT NULL,"
	    "digest TEXT NOT NULL UNIQUE,"
	    "created_at INTEGER NOT NULL,"
	    
	    "revoked_at INTEGER);" },
	/*
	 * sessions.c: one row per staff sign-in, so that a cookie is never
	 * the token and logout or revocation ends it on every node.
	 */
	{ "auth-2", "CREATE TABLE staff_sessions("
	    "digest TEXT PRIMARY KEY,"
	    "token_id INTEGER NOT NULL REFERENCES tokens(id),"
	    "created_at INTEGER NOT NULL,"
	    "seen_at INTEGER NOT NULL);"
	    "CREATE INDEX staff_sessions_token ON staff_sessions(token_id);" },
	{ NULL, NULL }
};

static void
digest_of(const char *token, char out[SHA256_DIGEST_LENGTH * 2 + 1])
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)token, strlen(token), md);
	hex_encode(md, sizeof(md), out);
}

static int
name_valid(const char *name)
{
	size_t	n;

	n = strlen(name);
	if (n == 0 || n > 64)
		return (0);
	for (; *name != '\0'; name++)
		if ((unsigned char)*name < 0x20 || *name == 0x7f)
			return (0);
	return (1);
}

int
token_add(struct store *db, const char *role, const char *name,
    char out[TOKEN_LEN], char *err, size_t errlen)
{
	struct db_stmt	*st;
	unsigned char	 raw[20];
	char		 digest[SHA256_DIGEST_LENGTH * 2 + 1];
	int		 rc;

	if (strcmp(role, TOKEN_ROLE_EDITOR) && strcmp(role, TOKEN_ROLE_AGENT)) {
		(void)snprintf(err, errlen, "role must be editor or agent");
		return (-1);
	}
	if (!name_valid(name)) {
		(void)snprintf(err, errlen, "name must be 1 to 64 printable "
		    "characters");
		return (-1);
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		(void)snprintf(err, errlen, "no random bytes available");
		return (-1);
	}
	memcpy(out, "hc_", 3);
	hex_encode(raw, sizeof(raw), out + 3);
	digest_of(out, digest);
	rc = -1;
	if (db_prepare(db, "INSERT INTO tokens(role, name, digest, "
	    "created_at) VALUES (?, ?, ?, ?)", &st) == 0) {
		db_bind_text(st, 1, role);
		db_bind_text(st, 2, name);
		db_bind_text(st, 3, digest);
		db_bind_int64(st, 4, (long long)time(NULL));
		if (db_step(st) == STORE_DONE)
			rc = 0;
	}
	if (rc == -1)
		(void)snprintf(err, errlen, "%s", db_errmsg(db));
	db_finalize(st);
	return (rc);
}

static void
print_time(FILE *fp, struct db_stmt *st, int col)
{
	char		buf[32];
	time_t		t;
	struct tm	tm;

	if (db_col_null(st, col)) {
		fputs("-", fp);
		return;
	}
	t = (time_t)db_col_int64(st, col);
	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%MZ", &tm);
	fputs(buf, fp);
}

int
token_list(struct store *db, FILE *fp)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "SELECT id, role, name, created_at, "
	    "revoked_at FROM tokens ORDER BY id", &st) != 0)
		return (-1);
	fprintf(fp, "%-4s %-7s %-24s %-18s %s\n", "id", "role", "name",
	    "created", "revoked");
	while ((rc = db_step(st)) == STORE_ROW) {
		fprintf(fp, "%-4lld %-7s %-24s ",
		    (long long)db_col_int64(st, 0),
		    (const char *)db_col_text(st, 1),
		    (const char *)db_col_text(st, 2));
		print_time(fp, st, 3);
		fputs(" ", fp);
		print_time(fp, st, 4);
		fputs("\n", fp);
	}
	db_finalize(st);
	return (rc == STORE_DONE ? 0 : -1);
}

int
token_revoke(struct store *db, enum token_key by, const char *value)
{
	struct db_stmt	*st;
	char		*end;
	long long	 id;
	int		 n;

	id = 0;
	if (by == TOKEN_BY_ID) {
		id = strtoll(value, &end, 10);
		if (*value < '1' || *value > '9' || *end != '\0')
			return (0);
	}
	if (db_begin(db) != 0)
		return (-1);
	if (db_prepare(db, by == TOKEN_BY_ID ?
	    "UPDATE tokens SET revoked_at = ?1 WHERE revoked_at IS NULL AND "
	    "id = ?2" :
	    "UPDATE tokens SET revoked_at = ?1 WHERE revoked_at IS NULL AND "
	    "name = ?2", &st) != 0)
		goto fail;
	db_bind_int64(st, 1, (long long)time(NULL));
	if (by == TOKEN_BY_ID)
		db_bind_int64(st, 2, id);
	else
		db_bind_text(st, 2, value);
	n = db_step(st) == STORE_DONE ? db_changes(db) : -1;
	db_finalize(st);
	/* A revoked token's sign-ins end with it. */
	if (n < 0 || db_exec(db, "DELETE FROM staff_sessions WHERE "
	    "token_id IN (SELECT id FROM tokens WHERE revoked_at IS NOT NULL)") != STORE_OK)
		goto fail;
	return (db_commit(db) == 0 ? n : -1);
fail:
	db_rollback(db);
	return (-1);
}

int
token_check(struct store *db, const char *token, const char *role,
    struct token_owner *owner)
{
	struct db_stmt	*st;
	char		 digest[SHA256_DIGEST_LENGTH * 2 + 1];
	const char	*r;
	int		 ok;

	if (token == NULL || strlen(token) != TOKEN_LEN - 1 ||
	    strncmp(token, "hc_", 3))
		return (0);
	digest_of(token, digest);
	if (db_prepare(db, "SELECT id, role, name FROM tokens WHERE "
	    "digest = ? AND revoked_at IS NULL", &st) != 0)
		return (0);
	db_bind_text(st, 1, digest);
	ok = 0;
	if (db_step(st) == STORE_ROW) {
		r = (const char *)db_col_text(st, 1);
		/* Editors run the help center; they may also work tickets. */
		if (role == NULL || !strcmp(r, role) ||
		    !strcmp(r, TOKEN_ROLE_EDITOR)) {
			ok = 1;
			owner->id = db_col_int64(st, 0);
			(void)snprintf(owner->role, sizeof(owner->role), "%s",
			    r);
			(void)snprintf(owner->name, sizeof(owner->name), "%s",
			    (const char *)db_col_text(st, 2));
		}
	}
	db_finalize(st);
	return (ok);
}
