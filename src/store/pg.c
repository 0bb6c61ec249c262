/* pg.c: the store layer's PostgreSQL backend: libpq, synchronous, one connection per process, statements prepared once per connection. */
#include <arpa/inet.h>

#include <libpq-fe.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/strbuf.h"
#include "util/strmap.h"

/* The type of each bind, as PostgreSQL's type oids (pg_type.h). */
#define OID_UNKNOWN	0
#define OID_BOOL	16
#define OID_BYTEA	17
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23
#define OID_TEXT	25
#define OID_FLOAT4	700
#define OID_FLOAT8	701
#define OID_NUMERIC	1700

/* Statements prepared on this connection; past this, all are dropped. */
#define PG_PREPARED_MAX	1024

struct pg_conn {
	PGconn		*conn;
	const char	**keys;		/* the connection's parameters */
	const char	**values;
	PQconninfoOption *opts;
	struct strmap	 prepared;	/* types + SQL -> statement number */
	size_t		 next;
	int		 copying;	/* a COPY FROM STDIN is open */
	int		 listening;	/* LISTEN sent (db_changed) */
	struct strbuf	 line;		/* db_copy_row's line */
};

struct pg_stmt {
	char		*sql;		/* with $N placeholders */
	int		 nparams;
	Oid		*types;
	char		**values;
	char		*bound;		/* 1 once db_bind_* named it */
	int		*lengths;
	int		*formats;
	PGresult	*res;
	int		 row;		/* the current row, -1 before the first */
	int		 nrows;
	unsigned char	*blob;		/* the last bytea read, unescaped */
};

/*
 * A SQLSTATE as the layer's status: the classes that tell the caller what
 * to do (run it again, say the database is full, unreachable...).
 */
static enum store_status
pg_status_of(const char *state)
{
	if (state == NULL)
		return (STORE_UNREACHABLE);
	if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
		return (STORE_RETRY);
	if (!strcmp(state, "23505"))
		return (STORE_DUPLICATE);
	if (!strcmp(state, "53100"))
		return (STORE_FULL);
	if (!strcmp(state, "25006") || !strcmp(state, "42501"))
		return (STORE_READONLY);
	if (!strcmp(state, "55P03"))
		return (STORE_BUSY);
	if (!strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
	    !strcmp(state, "57P02") || !strcmp(state, "57P03"))
		return (STORE_UNREACHABLE);
	if (!strncmp(state, "58", 2) || !strcmp(state, "XX001") ||
	    !strcmp(state, "XX002"))
		return (STORE_IO);
	return (STORE_ERROR);
}

/* Records why res (or the connection) failed; returns the status. */
static enum store_status
pg_fail(struct store *s, const PGresult *res)
{
	struct pg_conn		*c = s->pg;
	enum store_status	 st;
	const char		*state, *msg;
	char			*nl;

	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (PQstatus(c->conn) == CONNECTION_BAD)
		st = STORE_UNREACHABLE;
	else
		st = pg_status_of(state);
	msg = res != NULL ? PQresultErrorMessage(res) : "";
	if (msg[0] == '\0')
		msg = PQerrorMessage(c->conn);
	store_fail(s, st, "%s%s%s", state ? state : "", state ? ": " : "",
	    msg);
	/* libpq's messages end with a newline; logs add their own. */
	if ((nl = strrchr(s->errmsg, '\n')) != NULL && nl[1] == '\0')
		*nl = '\0';
	return (st);
}

/* 1 when s names an IPv4 or IPv6 address. */
static int
numeric_host(const char *s)
{
	unsigned char	buf[16];

	return (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1);
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

struct pg_conn *
pg_connect(struct store *s, const char *url)
{
	struct pg_conn		*c;
	PQconninfoOption	*o;
	char			*err;
	const char		*host;
	size_t			 n, i;
	int			 has_addr, has_timeout, has_gss;

	err = NULL;
	c = xcalloc(1, sizeof(*c));
	if ((c->opts = PQconninfoParse(url, &err)) == NULL) {
		store_fail(s, STORE_ERROR, "DATABASE_URL: %s",
		    err ? err : "cannot be parsed");
		PQfreemem(err);
		free(c);
		return (NULL);
	}
	n = 0;
	host = NULL;
	has_addr = has_timeout = has_gss = 0;
	for (o = c->opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		n++;
		if (!strcmp(o->keyword, "host"))
			host = o->val;
		has_addr |= !strcmp(o->keyword, "hostaddr");
		has_timeout |= !strcmp(o->keyword, "connect_timeout");
		has_gss |= !strcmp(o->keyword, "gssencmode");
	}
	c->keys = xcalloc(n + 4, sizeof(*c->keys));
	c->values = xcalloc(n + 4, sizeof(*c->values));
	for (i = 0, o = c->opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		c->keys[i] = o->keyword;
		c->values[i++] = o->val;
	}
	/*
	 * Workers run chrooted under seccomp: no resolver, no /etc. A
	 * numeric host is given as hostaddr so that libpq never looks a
	 * name up; a name is refused in the sandbox, so say it early.
	 */
	if (!has_addr && host != NULL && numeric_host(host)) {
		c->keys[i] = "hostaddr";
		c->values[i++] = host;
	}
	/* A stopped server must not hold a worker for long. */
	if (!has_timeout) {
		c->keys[i] = "connect_timeout";
		c->values[i++] = "3";
	}
	/* GSSAPI would look for Kerberos credentials on every connect. */
	if (!has_gss) {
		c->keys[i] = "gssencmode";
		c->values[i++] = "disable";
	}
	c->keys[i] = NULL;
	c->values[i] = NULL;
	strmap_init(&c->prepared);
	sb_init(&c->line);
	s->pg = c;
	c->conn = PQconnectdbParams(c->keys, c->values, 0);
	/* Notices ("drop cascades to ...") are not errors: no stderr. */
	(void)PQsetNoticeProcessor(c->conn, quiet, NULL);
	if (PQstatus(c->conn) != CONNECTION_OK) {
		store_fail(s, STORE_UNREACHABLE, "cannot connect to "
		    "PostgreSQL: %s", PQerrorMessage(c->conn));
		pg_close(c);
		s->pg = NULL;
		return (NULL);
	}
	return (c);
}

void
pg_close(struct pg_conn *c)
{
	if (c == NULL)
		return;
	PQfinish(c->conn);
	PQconninfoFree(c->opts);
	free(c->keys);
	free(c->values);
	strmap_free(&c->prepared);
	sb_free(&c->line);
	free(c);
}

/*
 * Outside a transaction, a broken connection is made again (the server
 * restarted, a network blip); its prepared statements went with it.
 * Inside one, the transaction is lost: the caller's statement fails.
 */
static int
pg_ready(struct store *s)
{
	struct pg_conn	*c = s->pg;

	if (PQstatus(c->conn) == CONNECTION_OK)
		return (0);
	if (s->in_tx) {
		store_fail(s, STORE_UNREACHABLE, "the connection to "
		    "PostgreSQL was lost");
		return (-1);
	}
	PQreset(c->conn);
	strmap_free(&c->prepared);
	strmap_init(&c->prepared);
	c->copying = 0;
	/* A new session: its LISTEN went with the old one. */
	c->listening = 0;
	if (PQstatus(c->conn) != CONNECTION_OK) {
		store_fail(s, STORE_UNREACHABLE, "cannot connect to "
		    "PostgreSQL: %s", PQerrorMessage(c->conn));
		return (-1);
	}
	return (0);
}

enum store_status
pg_exec(struct store *s, const char *sql)
{
	PGresult		*res;
	enum store_status	 st;
	ExecStatusType		 es;

	if (pg_ready(s) == -1)
		return (s->last);
	res = PQexec(s->pg->conn, sql);
	es = PQresultStatus(res);
	/*
	 * A connection that broke while idle (the server restarted) fails
	 * only when next used: outside a transaction nothing was lost, so
	 * connect again and run it once more (BEGIN, mostly).
	 */
	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK && !s->in_tx &&
	    PQstatus(s->pg->conn) == CONNECTION_BAD && pg_ready(s) == 0) {
		PQclear(res);
		res = PQexec(s->pg->conn, sql);
		es = PQresultStatus(res);
	}
	if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK) {
		s->changes = strtoll(PQcmdTuples(res), NULL, 10);
		st = STORE_OK;
	} else
		st = pg_fail(s, res);
	PQclear(res);
	/* A connection lost at COMMIT: try once more at the next call. */
	return (st);
}

enum store_status
pg_probe(struct store *s)
{
	PGresult		*res;
	enum store_status	 st;

	if (s->in_tx)
		return (STORE_OK);
	if (pg_ready(s) == -1)
		return (s->last);
	/* A standby answers, but refuses writes. */
	res = PQexec(s->pg->conn, "SELECT pg_is_in_recovery()");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		st = pg_fail(s, res);
	else
		st = PQgetvalue(res, 0, 0)[0] == 't' ? STORE_READONLY :
		    STORE_OK;
	PQclear(res);
	return (st);
}

int
pg_notified(struct store *s, const char *channel)
{
	struct pg_conn	*c = s->pg;
	PGnotify	*n;
	char		 sql[128];
	size_t		 i;
	int		 got;

	if (pg_ready(s) == -1)
		return (-1);
	if (!c->listening) {
		/* An identifier: it is not quoted. */
		for (i = 0; channel[i] != '\0'; i++)
			if (!(channel[i] == '_' || (channel[i] >= 'a' &&
			    channel[i] <= 'z') || (i > 0 && channel[i] >= '0' &&
			    channel[i] <= '9')))
				break;
		if (i == 0 || channel[i] != '\0' || i > 63) {
			store_fail(s, STORE_ERROR, "db_changed: %s is not a "
			    "channel name", channel);
			return (-1);
		}
		(void)snprintf(sql, sizeof(sql), "LISTEN %s", channel);
		if (pg_exec(s, sql) != STORE_OK)
			return (-1);
		/* What committed before the LISTEN was not notified. */
		c->listening = 1;
		return (1);
	}
	/* A broken connection: the caller's next statement makes it again. */
	if (!PQconsumeInput(c->conn))
		return (1);
	/* Also those that arrived during other statements. */
	got = 0;
	while ((n = PQnotifies(c->conn)) != NULL) {
		got = 1;
		PQfreemem(n);
	}
	return (got);
}

/*
 * The layer's `?` and `?N` placeholders as PostgreSQL's `$N`, outside
 * quoted strings and names; *max gets the largest parameter number.
 */
static char *
translate(const char *sql, int *max)
{
	struct strbuf	 sb;
	const char	*p;
	char		 quote, *end;
	int		 next, n;

	sb_init(&sb);
	quote = '\0';
	next = 0;
	*max = 0;
	for (p = sql; *p != '\0'; p++) {
		if (quote != '\0') {
			if (*p == quote)
				quote = '\0';
			sb_putc(&sb, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			sb_putc(&sb, *p);
		} else if (*p == '?') {
			if (isdigit((unsigned char)p[1])) {
				n = (int)strtol(p + 1, &end, 10);
				p = end - 1;
			} else
				n = ++next;
			if (n > next)
				next = n;
			if (n > *max)
				*max = n;
			sb_printf(&sb, "$%d", n);
		} else
			sb_putc(&sb, *p);
	}
	if (sb.data == NULL)
		sb_puts(&sb, "");
	return (sb_detach(&sb));
}

int
pg_prepare(struct store *s, const char *sql, struct db_stmt *st)
{
	struct pg_stmt	*p;

	(void)s;
	p = xcalloc(1, sizeof(*p));
	p->sql = translate(sql, &p->nparams);
	if (p->nparams > 0) {
		p->types = xcalloc((size_t)p->nparams, sizeof(*p->types));
		p->values = xcalloc((size_t)p->nparams, sizeof(*p->values));
		p->bound = xcalloc((size_t)p->nparams, sizeof(*p->bound));
		p->lengths = xcalloc((size_t)p->nparams, sizeof(*p->lengths));
		p->formats = xcalloc((size_t)p->nparams, sizeof(*p->formats));
	}
	p->row = -1;
	st->pg = p;
	return (0);
}

int
pg_param_count(struct db_stmt *st)
{
	return (st->pg->nparams);
}

void
pg_bind(struct db_stmt *st, int i, int type, const void *v, size_t len)
{
	struct pg_stmt	*p = st->pg;
	char		 num[32];

	if (i < 1 || i > p->nparams)
		return;
	i--;
	p->bound[i] = 1;
	free(p->values[i]);
	p->values[i] = NULL;
	p->lengths[i] = 0;
	p->formats[i] = 0;
	switch (type) {
	case DB_T_TEXT:
		p->types[i] = OID_TEXT;
		p->values[i] = xstrndup(v, len);
		break;
	case DB_T_INT:
		p->types[i] = OID_INT8;
		(void)snprintf(num, sizeof(num), "%lld", *(const long long *)v);
		p->values[i] = xstrdup(num);
		break;
	case DB_T_DOUBLE:
		p->types[i] = OID_FLOAT8;
		(void)snprintf(num, sizeof(num), "%.17g", *(const double *)v);
		p->values[i] = xstrdup(num);
		break;
	case DB_T_BLOB:
		/* Bytes as they are: a binary-format parameter. */
		p->types[i] = OID_BYTEA;
		p->values[i] = xmalloc(len > 0 ? len : 1);
		memcpy(p->values[i], v, len);
		p->lengths[i] = (int)len;
		p->formats[i] = 1;
		break;
	default:
		/* A null's type comes from where it goes (INSERT, =). */
		p->types[i] = OID_UNKNOWN;
	}
}

/* Prepares p on this connection for its bound types, once; its name. */
static int
pg_prepared_name(struct store *s, struct pg_stmt *p, char *name, size_t len)
{
	struct pg_conn	*c = s->pg;
	struct strbuf	 key;
	PGresult	*res;
	size_t		 n;
	int		 i, rc;

	sb_init(&key);
	for (i = 0; i < p->nparams; i++) {
		/*
		 * A number the SQL skips (?1 and ?3 only: a filter left
		 * out) must still have a type, or PostgreSQL refuses the
		 * statement; it is never read.
		 */
		if (!p->bound[i])
			p->types[i] = OID_TEXT;
		sb_printf(&key, "%u,", (unsigned)p->types[i]);
	}
	sb_putc(&key, '\n');
	sb_puts(&key, p->sql);
	rc = 0;
	if (strmap_get(&c->prepared, key.data, &n)) {
		(void)snprintf(name, len, "hc%zu", n);
		goto done;
	}
	if (c->prepared.n >= PG_PREPARED_MAX) {
		res = PQexec(c->conn, "DEALLOCATE ALL");
		PQclear(res);
		strmap_free(&c->prepared);
		strmap_init(&c->prepared);
	}
	n = ++c->next;
	(void)snprintf(name, len, "hc%zu", n);
	res = PQprepare(c->conn, name, p->sql, p->nparams, p->types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		(void)pg_fail(s, res);
		rc = -1;
	} else
		strmap_put(&c->prepared, key.data, n);
	PQclear(res);
done:
	sb_free(&key);
	return (rc);
}

/*
 * Prepares p on this connection when needed and runs it; the result's
 * status (PGRES_FATAL_ERROR with p->res NULL when the prepare failed).
 */
static ExecStatusType
pg_run(struct store *s, struct pg_stmt *p)
{
	char	name[32];

	if (pg_prepared_name(s, p, name, sizeof(name)) == -1)
		return (PGRES_FATAL_ERROR);
	p->res = PQexecPrepared(s->pg->conn, name, p->nparams,
	    (const char *const *)p->values, p->lengths, p->formats, 0);
	return (PQresultStatus(p->res));
}

enum store_status
pg_step(struct db_stmt *st)
{
	struct store	*s = st->store;
	struct pg_stmt	*p = st->pg;
	ExecStatusType	 es;

	if (p->res == NULL) {
		if (pg_ready(s) == -1)
			return (s->last);
		es = pg_run(s, p);
		/*
		 * As in pg_exec: a statement outside a transaction that met
		 * a connection broken while idle (the prepare or the run)
		 * is run again on a new one.
		 */
		if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK &&
		    !s->in_tx && PQstatus(s->pg->conn) == CONNECTION_BAD &&
		    pg_ready(s) == 0) {
			PQclear(p->res);
			p->res = NULL;
			es = pg_run(s, p);
		}
		if (p->res == NULL)	/* the prepare failed: s->last says */
			return (s->last);
		if (es == PGRES_TUPLES_OK) {
			p->nrows = PQntuples(p->res);
			s->changes = strtoll(PQcmdTuples(p->res), NULL, 10);
		} else if (es == PGRES_COMMAND_OK) {
			p->nrows = 0;
			s->changes = strtoll(PQcmdTuples(p->res), NULL, 10);
		} else {
			enum store_status	rc;

			rc = pg_fail(s, p->res);
			PQclear(p->res);
			p->res = NULL;
			return (rc);
		}
		p->row = -1;
	}
	free(p->blob);
	p->blob = NULL;
	if (p->row + 1 < p->nrows) {
		p->row++;
		return (STORE_ROW);
	}
	p->row = p->nrows;
	return (STORE_DONE);
}

void
pg_reset(struct db_stmt *st)
{
	struct pg_stmt	*p = st->pg;

	PQclear(p->res);
	p->res = NULL;
	free(p->blob);
	p->blob = NULL;
	p->row = -1;
	p->nrows = 0;
}

void
pg_finalize(struct db_stmt *st)
{
	struct pg_stmt	*p = st->pg;
	int		 i;

	pg_reset(st);
	for (i = 0; i < p->nparams; i++)
		free(p->values[i]);
	free(p->values);
	free(p->bound);
	free(p->lengths);
	free(p->formats);
	free(p->types);
	free(p->sql);
	free(p);
	st->pg = NULL;
}

/* 1 when the statement is on a row and it has column i. */
static int
on_row(struct pg_stmt *p, int i)
{
	return (p->res != NULL && p->row >= 0 && p->row < p->nrows &&
	    i >= 0 && i < PQnfields(p->res));
}

int
pg_col_null(struct db_stmt *st, int i)
{
	struct pg_stmt	*p = st->pg;

	return (!on_row(p, i) || PQgetisnull(p->res, p->row, i));
}

const char *
pg_col_text(struct db_stmt *st, int i)
{
	struct pg_stmt	*p = st->pg;

	if (pg_col_null(st, i))
		return (NULL);
	return (PQgetvalue(p->res, p->row, i));
}

const void *
pg_col_blob(struct db_stmt *st, int i, size_t *len)
{
	struct pg_stmt	*p = st->pg;
	const char	*v;

	*len = 0;
	if ((v = pg_col_text(st, i)) == NULL)
		return (NULL);
	if (PQftype(p->res, i) != OID_BYTEA) {
		*len = strlen(v);
		return (v);
	}
	free(p->blob);
	/* Text results carry bytea as \x and hex digits. */
	p->blob = PQunescapeBytea((const unsigned char *)v, len);
	return (p->blob);
}

json_t *
pg_col_json(struct db_stmt *st, int i)
{
	struct pg_stmt	*p = st->pg;
	const char	*v;

	if ((v = pg_col_text(st, i)) == NULL)
		return (json_null());
	switch (PQftype(p->res, i)) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return (json_integer(strtoll(v, NULL, 10)));
	case OID_BOOL:
		/* As SQLite answers: 0 or 1. */
		return (json_integer(v[0] == 't'));
	case OID_FLOAT4:
	case OID_FLOAT8:
		return (json_real(strtod(v, NULL)));
	case OID_NUMERIC:
		/* sum() of integers is numeric: whole numbers stay integers. */
		if (strchr(v, '.') == NULL)
			return (json_integer(strtoll(v, NULL, 10)));
		return (json_real(strtod(v, NULL)));
	default:
		return (json_string(v));
	}
}

char *
pg_ddl(const char *sql)
{
	static const char *const rules[][2] = {
		{ "INTEGER PRIMARY KEY AUTOINCREMENT",
		  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
		{ "INTEGER PRIMARY KEY",
		  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
		{ "INTEGER", "BIGINT" },
		{ " WITHOUT ROWID", "" },
		{ "BLOB", "BYTEA" },
	};
	struct strbuf	 sb;
	const char	*p;
	size_t		 i, len;

	sb_init(&sb);
	for (p = sql; *p != '\0'; ) {
		for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
			len = strlen(rules[i][0]);
			/* Whole words only: "INTEGERS" is not a type. */
			if (!strncmp(p, rules[i][0], len) &&
			    !isalnum((unsigned char)p[len]) && p[len] != '_' &&
			    (p == sql || (!isalnum((unsigned char)p[-1]) &&
			    p[-1] != '_')))
				break;
		}
		if (i < sizeof(rules) / sizeof(rules[0])) {
			sb_puts(&sb, rules[i][1]);
			p += strlen(rules[i][0]);
		} else
			sb_putc(&sb, *p++);
	}
	if (sb.data == NULL)
		sb_puts(&sb, "");
	return (sb_detach(&sb));
}

int
pg_copy_begin(struct store *s, const char *table, const char *const *cols,
    int ncols)
{
	struct strbuf	 sb;
	PGresult	*res;
	int		 i, rc;

	if (pg_ready(s) == -1)
		return (-1);
	sb_init(&sb);
	sb_printf(&sb, "COPY %s(", table);
	for (i = 0; i < ncols; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", cols[i]);
	sb_puts(&sb, ") FROM STDIN");
	res = PQexec(s->pg->conn, sb.data);
	sb_free(&sb);
	rc = 0;
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		(void)pg_fail(s, res);
		rc = -1;
	} else {
		s->pg->copying = 1;
		s->copy_cols = ncols;
	}
	PQclear(res);
	return (rc);
}

int
pg_copy_row(struct store *s, const char *const *values, int unused)
{
	struct pg_conn	*c = s->pg;
	const char	*v;
	int		 i;

	(void)unused;
	if (!c->copying)
		return (-1);
	sb_reset(&c->line);
	for (i = 0; i < s->copy_cols; i++) {
		if (i > 0)
			sb_putc(&c->line, '\t');
		if ((v = values[i]) == NULL) {
			sb_puts(&c->line, "\\N");
			continue;
		}
		/* COPY's text format: these four are escaped. */
		for (; *v != '\0'; v++) {
			switch (*v) {
			case '\\':
				sb_puts(&c->line, "\\\\");
				break;
			case '\t':
				sb_puts(&c->line, "\\t");
				break;
			case '\n':
				sb_puts(&c->line, "\\n");
				break;
			case '\r':
				sb_puts(&c->line, "\\r");
				break;
			default:
				sb_putc(&c->line, *v);
			}
		}
	}
	sb_putc(&c->line, '\n');
	if (PQputCopyData(c->conn, c->line.data, (int)c->line.len) != 1) {
		(void)pg_fail(s, NULL);
		return (-1);
	}
	return (0);
}

/* Ends the COPY: with errmsg NULL it is kept, otherwise abandoned. */
static int
copy_finish(struct store *s, const char *errmsg)
{
	struct pg_conn	*c = s->pg;
	PGresult	*res;
	int		 rc;

	if (!c->copying)
		return (-1);
	c->copying = 0;
	rc = PQputCopyEnd(c->conn, errmsg) == 1 ? 0 : -1;
	while ((res = PQgetResult(c->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (errmsg == NULL)
				(void)pg_fail(s, res);
			rc = -1;
		}
		PQclear(res);
	}
	return (rc);
}

int
pg_copy_end(struct store *s)
{
	return (copy_finish(s, NULL));
}

void
pg_copy_abort(struct store *s)
{
	if (s->pg != NULL && s->pg->copying)
		(void)copy_finish(s, "abandoned");
}
