/* cmd_token.c: hcctl token add|list|revoke: staff access tokens. */
#include <stdio.h>
#include <string.h>

#include "auth/tokens.h"
#include "hcctl.h"

int
cmd_token(int argc, char **argv)
{
	sqlite3	*db;
	char	 token[TOKEN_LEN], err[200];
	int	 rc, n;

	if (argc < 2 || (!strcmp(argv[1], "add") && argc != 4) ||
	    (!strcmp(argv[1], "revoke") && argc != 3)) {
		fprintf(stderr, "usage: hcctl token add editor|agent NAME | "
		    "token list | token revoke ID|NAME\n");
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
		n = token_revoke(db, argv[2]);
		if (n > 0)
			printf("revoked %d token%s\n", n, n == 1 ? "" : "s");
		else {
			fprintf(stderr, "hcctl token revoke: no active token "
			    "%s\n", argv[2]);
			rc = 1;
		}
	} else {
		fprintf(stderr, "hcctl token: unknown action %s\n", argv[1]);
		rc = 2;
	}
	sqlite3_close(db);
	return (rc);
}
