/* visitor.c: the visitor cookie, daily-salted client hashes, CSRF tokens bound to the visitor, staff sessions. */
#include <arpa/inet.h>

#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <time.h>

#include "settings.h"
#include "site.h"
#include "visitor.h"
#include "auth/sessions.h"
#include "util/hmac.h"
#include "util/random.h"
#include "util/text.h"

#define VISITOR_COOKIE_AGE	(365 * 24 * 3600)

/* What the app keeps per request (Kore frees it with the request). */
struct request_state {
	char	visitor[VISITOR_ID_LEN];
};

static int
is_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (0);
	return (s[n] == '\0');
}

/* hmac_sha256 keyed with key, the site secret when NULL. */
static void
hmac(const unsigned char *key, const char *purpose, const void *msg,
    size_t len, unsigned char out[HMAC_LEN])
{
	hmac_sha256(key ? key : site.secret, purpose, msg, len, out);
}

const char *
visitor_id(struct http_request *req)
{
	struct request_state	*rs;
	unsigned char		 raw[16];
	char			*cookie;

	/* Asked twice in one request, a new visitor gets one id. */
	if ((rs = http_state_get(req)) != NULL)
		return (rs->visitor);
	rs = http_state_create(req, sizeof(*rs), NULL);
	http_populate_cookies(req);
	if (http_request_cookie(req, VISITOR_COOKIE, &cookie) &&
	    strlen(cookie) == VISITOR_ID_LEN - 1 &&
	    is_hex(cookie, VISITOR_ID_LEN - 1)) {
		(void)snprintf(rs->visitor, sizeof(rs->visitor), "%s", cookie);
		return (rs->visitor);
	}
	if (random_bytes(raw, sizeof(raw)) != 0)
		fatal("no random bytes for a visitor id");
	hex_encode(raw, sizeof(raw), rs->visitor);
	set_cookie(req, VISITOR_COOKIE, rs->visitor, VISITOR_COOKIE_AGE);
	return (rs->visitor);
}

void
client_key(struct http_request *req, char out[33])
{
	struct connection	*c;
	unsigned char		 salt[32], mac[32];
	char			 day[16];
	time_t			 now;
	struct tm		 tm;
	const void		*addr;
	const char		*fwd, *last;
	struct in6_addr		 in6;
	struct in_addr		 in4;
	char			 ip[INET6_ADDRSTRLEN];
	size_t			 len;

	now = time(NULL);
	(void)gmtime_r(&now, &tm);
	(void)strftime(day, sizeof(day), "salt:%Y-%m-%d", &tm);
	hmac(NULL, day, "", 0, salt);
	/*
	 * Behind a reverse proxy every connection comes from the proxy: the
	 * client is the last address it appended to X-Forwarded-For (earlier
	 * ones are whatever the client sent, so they are not trusted).
	 */
	if (settings.trust_proxy &&
	    http_request_header(req, "x-forwarded-for", &fwd)) {
		if ((last = strrchr(fwd, ',')) != NULL)
			fwd = last + 1;
		fwd += strspn(fwd, " ");
		ip[0] = '\0';
		if ((len = strcspn(fwd, " ")) < sizeof(ip)) {
			memcpy(ip, fwd, len);
			ip[len] = '\0';
		}
		/* The same /64 rule as for direct clients below. */
		if (inet_pton(AF_INET6, ip, &in6) == 1 &&
		    IN6_IS_ADDR_V4MAPPED(&in6))
			hmac(salt, "client:", &in6.s6_addr[12], 4, mac);
		else if (inet_pton(AF_INET6, ip, &in6) == 1)
			hmac(salt, "client:", &in6, 8, mac);
		else if (inet_pton(AF_INET, ip, &in4) == 1)
			hmac(salt, "client:", &in4, 4, mac);
		else
			hmac(salt, "client:", fwd, strlen(fwd), mac);
		hex_encode(mac, 16, out);
		return;
	}
	c = req->owner;
	if (c->family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&c->addr.ipv6.sin6_addr)) {
		addr = &c->addr.ipv6.sin6_addr.s6_addr[12];
		len = 4;
	} else if (c->family == AF_INET6) {
		/* One subscriber gets a whole /64: count it as one client. */
		addr = &c->addr.ipv6.sin6_addr;
		len = 8;
	} else {
		addr = &c->addr.ipv4.sin_addr;
		len = sizeof(c->addr.ipv4.sin_addr);
	}
	hmac(salt, "client:", addr, len, mac);
	hex_encode(mac, 16, out);
}

void
csrf_token(struct http_request *req, char out[65])
{
	unsigned char	mac[32];
	const char	*id;

	id = visitor_id(req);
	hmac(NULL, "csrf:", id, strlen(id), mac);
	hex_encode(mac, sizeof(mac), out);
}

int
csrf_token_known(struct http_request *req, char out[65])
{
	/* No visitor id asked for: no form of this answer holds a token. */
	if (http_state_get(req) == NULL)
		return (0);
	csrf_token(req, out);
	return (1);
}

/* An Origin header, when present, must be this site (BASE_URL or Host). */
static int
origin_ok(struct http_request *req)
{
	const char	*origin;
	char		 own[300];

	if (!http_request_header(req, "origin", &origin))
		return (1);
	if (!strcmp(origin, settings.base_url))
		return (1);
	(void)snprintf(own, sizeof(own), "http://%s", req->host);
	if (!strcmp(origin, own))
		return (1);
	(void)snprintf(own, sizeof(own), "https://%s", req->host);
	return (!strcmp(origin, own));
}

int
csrf_valid(struct http_request *req, const char *presented)
{
	char	expected[65];

	if (presented == NULL || strlen(presented) != 64 || !origin_ok(req))
		return (0);
	csrf_token(req, expected);
	return (hmac_equal(expected, presented, 64));
}

int
staff_auth(struct http_request *req, const char *role,
    struct token_owner *owner)
{
	struct session_limits	 lim;
	enum session_status	 st;
	const char		*auth;
	char			*cookie;

	if (site.db == NULL)
		return (0);
	if (http_request_header(req, "authorization", &auth) &&
	    !strncasecmp(auth, "Bearer ", 7))
		return (token_check(site.db, auth + 7, role, owner));
	/* The cookie is a session id, never a token: logout can end it. */
	http_populate_cookies(req);
	if (!http_request_cookie(req, STAFF_COOKIE, &cookie))
		return (0);
	lim.idle = settings.session_idle;
	lim.max = settings.session_max;
	st = session_check(site.db, cookie, role, (long long)time(NULL), &lim,
	    owner);
	if (st == SESSION_ERROR)
		kore_log(LOG_ERR, "staff session: %s: %s",
		    session_status_str(st), db_errmsg(site.db));
	return (st == SESSION_OK);
}

int
staff_login(struct http_request *req, const struct token_owner *owner)
{
	char	value[200], id[SESSION_ID_LEN];

	if (session_create(site.db, owner->id, (long long)time(NULL), id) !=
	    SESSION_OK) {
		kore_log(LOG_ERR, "staff session not stored: %s",
		    db_errmsg(site.db));
		return (-1);
	}
	/* Strict: the session never rides along on a cross-site request. */
	(void)snprintf(value, sizeof(value), "%s=%s; Path=/; Max-Age=%lld; "
	    "HttpOnly; SameSite=Strict%s", STAFF_COOKIE, id,
	    settings.session_max, !strncmp(settings.base_url, "https:", 6) ?
	    "; Secure" : "");
	http_response_header(req, "set-cookie", value);
	return (0);
}

void
staff_logout(struct http_request *req)
{
	char	*cookie;

	http_populate_cookies(req);
	if (site.db != NULL && http_request_cookie(req, STAFF_COOKIE,
	    &cookie) && session_end(site.db, cookie) == SESSION_ERROR)
		kore_log(LOG_ERR, "staff session not ended: %s",
		    db_errmsg(site.db));
	http_response_header(req, "set-cookie", STAFF_COOKIE "=; Path=/; "
	    "Max-Age=0; HttpOnly; SameSite=Strict");
}
