/* cmd_jobs.c: hcctl jobs run: the workers' timed jobs (retention roll-up, SLA escalation) run once, now. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hcctl.h"
#include "deflection/retention.h"
#include "settings.h"
#include "store/db.h"
#include "tickets/tickets.h"

/*
 * The same calls as the workers' timers, with the same arguments, so that
 * an operator (or make multinode, on several nodes at once) runs exactly
 * the code that runs unattended, its job locks included. A node that finds
 * another holding a job's lock skips that job and says 0.
 */
int
cmd_jobs(int argc, char **argv)
{
	struct store	*db;
	long long	 n;
	int		 m, rc;

	if (argc != 2 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "usage: hcctl jobs run\n");
		return (2);
	}
	if ((db = hcctl_db()) == NULL)
		return (1);
	rc = 0;
	if ((n = retention_rollup(db, settings.retention_days,
	    (long long)time(NULL), RETENTION_MAX_DAYS)) < 0) {
		fprintf(stderr, "hcctl: roll-up failed: %s\n", db_errmsg(db));
		rc = 1;
	} else
		printf("roll-up: %lld raw events rolled up\n", n);
	if ((m = tickets_escalate(db, (long long)time(NULL))) < 0) {
		fprintf(stderr, "hcctl: SLA job failed: %s\n", db_errmsg(db));
		rc = 1;
	} else
		printf("sla: %d overdue tickets escalated\n", m);
	db_close(db);
	return (rc);
}
