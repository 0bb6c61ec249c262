/* internal.h: the store layer's own structures, shared by db.c (SQLite and the common part) and pg.c (PostgreSQL). */
#ifndef HC_STORE_INTERNAL_H
#define HC_STORE_INTERNAL_H

#include <sqlite3.h>

#include "db.h"

struct pg_conn;
struct pg_stmt;

struct store {
	enum db_backend		 kind;
	sqlite3			*lite;		/* DB_SQLITE */
	struct pg_conn		*pg;		/* DB_PG */
	enum store_status	 last;		/* the last failure's status */
	char			 errmsg[512];
	long long		 changes;	/* of the last statement */
	int			 in_tx;
	/*
	 * db_changed: SQLite's last data_version (-1 before the first
	 * call); when it last answered 1 (monotonic ms).
	 */
	long long		 data_version;
	long long		 changed_ms;
	/* db_copy_* on SQLite: the INSERT prepared by db_copy_begin. */
	struct db_stmt		*copy;
	int			 copy_cols;
};

struct db_stmt {
	struct store		*store;
	sqlite3_stmt		*lite;
	struct pg_stmt		*pg;
};

/* Records a failure on the store: its status and message. */
void	store_fail(struct store *, enum store_status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The PostgreSQL backend (pg.c): the same calls as db.h's. */
struct pg_conn		*pg_connect(struct store *, const char *url);
void			 pg_close(struct pg_conn *);
enum store_status	 pg_exec(struct store *, const char *sql);
int			 pg_prepare(struct store *, const char *sql,
			    struct db_stmt *);
void			 pg_bind(struct db_stmt *, int i, int type,
			    const void *v, size_t len);
int			 pg_param_count(struct db_stmt *);
enum store_status	 pg_step(struct db_stmt *);
void			 pg_reset(struct db_stmt *);
void			 pg_finalize(struct db_stmt *);
int			 pg_col_null(struct db_stmt *, int);
const char		*pg_col_text(struct db_stmt *, int);
const void		*pg_col_blob(struct db_stmt *, int, size_t *);
json_t			*pg_col_json(struct db_stmt *, int);
int			 pg_copy_begin(struct store *, const char *table,
			    const char *const *cols, int ncols);
int			 pg_copy_row(struct store *, const char *const *values,
			    int ncols);
int			 pg_copy_end(struct store *);
void			 pg_copy_abort(struct store *);
enum store_status	 pg_probe(struct store *);
/* LISTENs on channel once per connection; 1 when notified, 0, -1. */
int			 pg_notified(struct store *, const char *channel);
/*
 * SQLite's DDL as PostgreSQL's, for migrations without a `pg` text:
 * INTEGER PRIMARY KEY [AUTOINCREMENT] becomes a BIGINT identity, INTEGER
 * BIGINT, BLOB BYTEA, WITHOUT ROWID goes. The caller frees the result.
 */
char			*pg_ddl(const char *);

/* The bind types pg_bind is given. */
#define DB_T_NULL	0
#define DB_T_TEXT	1
#define DB_T_INT	2
#define DB_T_DOUBLE	3
#define DB_T_BLOB	4

#endif
