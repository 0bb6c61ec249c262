/* hcctl.h: what the operator tool's command files share. */
#ifndef HC_HCCTL_H
#define HC_HCCTL_H

#include "store/db.h"

/*
 * The help center's database in DATA, migrated when needed; created only
 * under hcctl --init. NULL (after a message on stderr) when DATA holds
 * none or it cannot be opened.
 */
struct store	*hcctl_db(void);

/* Commands: argv[0] is the command's name; return the exit status. */
int	 cmd_token(int, char **);
int	 cmd_analytics(int, char **);
int	 cmd_tickets(int, char **);
int	 cmd_export(int, char **);
int	 cmd_backup(int, char **);
int	 cmd_restore(int, char **);
/* cmd_threads.c: hcctl reindex's thread documents; 0 or 1. */
int	 cmd_reindex_threads(const char *index, int full);
int	 cmd_threads(int, char **);
/* cmd_mail.c: hcctl mail-in (exit codes of sysexits.h), hcctl mail. */
int	 cmd_mail_in(int, char **);
int	 cmd_mail(int, char **);
/* cmd_jobs.c: hcctl jobs run. */
int	 cmd_jobs(int, char **);

#endif
