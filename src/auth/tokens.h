/* tokens.h: editors' and agents' access tokens (hcctl token ..., bearer and login checks). */
#ifndef HC_TOKENS_H
#define HC_TOKENS_H

#include <stdio.h>

#include "store/db.h"

#define TOKEN_ROLE_EDITOR	"editor"
#define TOKEN_ROLE_AGENT	"agent"
/* "hc_" and 40 hex digits, and the NUL. */
#define TOKEN_LEN		44

/* Who a valid token belongs to. */
struct token_owner {
	long long	id;
	char		role[8];	/* "editor" or "agent" */
	char		name[65];
};

/*
 * Creates a token for role ("editor" or "agent") and name (1-64 printable
 * characters). Only its SHA-256 is stored; the token itself is written to
 * out and must be shown to the operator now. Returns 0, or -1 with a
 * message in err (errlen bytes).
 */
int	token_add(struct store *, const char *role, const char *name,
	    char out[TOKEN_LEN], char *err, size_t errlen);

/* Prints id, role, name, created, revoked to fp; 0 or -1. */
int	token_list(struct store *, FILE *fp);

/* How token_revoke names its token: never guessed from the value. */
enum token_key {
	TOKEN_BY_ID,
	TOKEN_BY_NAME
};

/*
 * Revokes the active token with this id (decimal) or name, and ends its
 * sessions, in one transaction. Returns the number revoked (0: none such,
 * or an id that is not a number), or -1 on error.
 */
int	token_revoke(struct store *, enum token_key by, const char *value);

/*
 * Checks a presented token. Returns 1 and fills owner when it is valid, not
 * revoked and (when role is not NULL) of that role; editors may act as
 * agents. Returns 0 otherwise. Comparison is of SHA-256 digests by an
 * indexed lookup, so timing reveals nothing about the token.
 */
int	token_check(struct store *, const char *token, const char *role,
	    struct token_owner *owner);

#endif
