/* settings.h: the settings shared by the server and hcctl (SPEC section 1). */
#ifndef HC_SETTINGS_H
#define HC_SETTINGS_H

struct settings {
	const char	*articles;	/* ARTICLES: the articles tree */
	const char	*data;		/* DATA: SQLite files, search index */
	const char	*base_url;	/* BASE_URL: absolute links in feeds */
	const char	*default_lang;	/* DEFAULT_LANG: zh-CN */
	const char	*templates;	/* TEMPLATES: page templates (templates/) */
	const char	*assets;	/* ASSETS: CSS and JavaScript (assets/) */
	int		 rate_limits;	/* RATE_LIMITS: on (1) or off (0) */
	int		 events;	/* EVENTS: funnel recording on (1) or off */
	int		 search_cache;	/* SEARCH_CACHE: answers kept per query
					   and index revision (on), or every
					   search run afresh (off: make bench) */
	int		 retention_days;	/* RETENTION_DAYS: raw events kept (180) */
	int		 trust_proxy;	/* TRUST_PROXY: client address from the
					   proxy's X-Forwarded-For (off) */
	const char	*time_zone;	/* TIME_ZONE: times on ticket pages
					   (Asia/Shanghai) */
	long long	 session_idle;	/* STAFF_SESSION_IDLE: seconds (8 h) */
	long long	 session_max;	/* STAFF_SESSION_MAX: seconds (7 days) */
	const char	*smtp_url;	/* SMTP_URL: the relay; NULL: no email */
	const char	*smtp_from;	/* SMTP_FROM: the sender of the emails */
	const char	*database_url;	/* DATABASE_URL: PostgreSQL, or NULL
					   for SQLite in DATA */
	const char	*node_name;	/* NODE_NAME: this node among those on
					   one database (host:DATA) */
	long long	 catalog_diff_secs;	/* HC_TEST_CATALOG_DIFF_SECS: a
					   test knob: how long a node's
					   snapshot may differ from another
					   live node's before /healthz says
					   degraded (60) */
};

extern struct settings	settings;

/* Reads the environment; returns -1 and prints why when a value is bad. */
int	settings_load(void);

#endif
