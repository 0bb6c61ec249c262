/* cmd_token.c: hcctl token add|list|revoke: staff access tokens. */
#include <stdio.h>
#include <string.h>

#include "auth/tokens.h"
#include "hcctl.h"

int
cmd_token(int argc, char **argv)
{
	struct store	*db;
	char	 token[TOKEN_LEN], err[200];
	int	 rc, n;

	/*
	 * revoke names its key: "revoke 2" once revoked token 2 and also a
	 * token named "2".
	 */
	if (argc < 2 || (!strcmp(argv[1], "add") && argc != 4) ||
	    (!strcmp(argv[1], "revoke") && (argc != 4 ||
	    (strcmp(argv[2], "--id") && strcmp(argv[2], "--name"))))) {
		fprintf(stderr, "usage: hcctl token add editor|agent NAME | "
		    "token list | token revoke --id ID | "
		    "token revoke --name NAME\n");
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	rc = 0;
	if (!strcmp(argv[1], "add")) {
		if (token_add(db, argv[2], argv[3], token, err,
		    sizeof(err)) == 0)
			printf("%s\n", token);
		else {
			fprintf(stderr, "hcctl token add: %s\n", err);
			rc = 1;
		}
	} else if (!strcmp(argv[1], "list")) {
		rc = token_list(db, stdout) == 0 ? 0 : 1;
	} else if (!strcmp(argv[1], "revoke")) {
		n = token_revoke(db, !strcmp(argv[2], "--id") ?
		    TOKEN_BY_ID : TOKEN_BY_NAME, argv[3]);
		if (n > 0)
			printf("revoked %d token%s\n", n, n == 1 ? "" : "s");
		else if (n == 0) {
			fprintf(stderr, "hcctl token revoke: no active token "
			    "with %s %s\n", argv[2] + 2, argv[3]);
			rc = 1;
		} else {
			fprintf(stderr, "hcctl token revoke: %s\n",
			    db_errmsg(db));
			rc = 1;
		}
	} else {
		fprintf(stderr, "hcctl token: unknown action %s\n", argv[1]);
		rc = 2;
	}
	db_close(db);
	return (rc);
}
