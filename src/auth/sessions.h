/* sessions.h: staff sign-in sessions: a random id per login, kept as a SHA-256 digest, with idle and absolute expiry. */
#ifndef HC_SESSIONS_H
#define HC_SESSIONS_H

#include "store/db.h"
#include "tokens.h"

/* 64 hex digits (32 random bytes) and the NUL. */
#define SESSION_ID_LEN		65
/* Defaults of STAFF_SESSION_IDLE and STAFF_SESSION_MAX (seconds). */
#define SESSION_IDLE_DEFAULT	(8 * 3600)
#define SESSION_MAX_DEFAULT	(7 * 24 * 3600)

enum session_status {
	SESSION_OK,		/* valid; owner filled */
	SESSION_NONE,		/* no such session, or token revoked */
	SESSION_EXPIRED,	/* idle or absolute limit passed; ended now */
	SESSION_FORBIDDEN,	/* valid, but the token lacks the role */
	SESSION_ERROR		/* database error or no random bytes */
};

/* The limits a check applies (seconds); now is passed so tests set the clock. */
struct session_limits {
	long long	idle;
	long long	max;
};

/*
 * Starts a session for token_id at time now: a random id written to out
 * (the cookie's value; only its digest is stored). SESSION_OK or
 * SESSION_ERROR.
 */
enum session_status	session_create(struct store *, long long token_id,
			    long long now, char out[SESSION_ID_LEN]);

/*
 * Checks a presented session id at time now. SESSION_OK with owner filled
 * when it exists, its token is not revoked, neither limit has passed and
 * (role not NULL) the token has that role (editors may act as agents); the
 * last-seen time is then moved on. An expired session is deleted.
 */
enum session_status	session_check(struct store *, const char *id,
			    const char *role, long long now,
			    const struct session_limits *,
			    struct token_owner *owner);

/* Ends a session (logout); ending an unknown one is not an error. */
enum session_status	session_end(struct store *, const char *id);

/* Text for logs and messages. */
const char		*session_status_str(enum session_status);

#endif
