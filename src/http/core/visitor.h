/* visitor.h: who is asking: the visitor cookie, a keyed client hash for rate limits, CSRF tokens, staff sessions. */
#ifndef HC_VISITOR_H
#define HC_VISITOR_H

#include <kore/kore.h>
#include <kore/http.h>

#include "auth/tokens.h"

#define VISITOR_COOKIE		"hc_v"
#define VISITOR_ID_LEN		33	/* 32 hex digits and the NUL */
#define CSRF_FIELD		"csrf"
#define STAFF_COOKIE		"hc_staff"

/*
 * The visitor's random first-party id (cookie hc_v, HttpOnly,
 * SameSite=Lax, one year). When the request has none, a new id is made and
 * the cookie set on this response. The string is valid until the next
 * request is handled.
 */
const char	*visitor_id(struct http_request *);

/*
 * A keyed hash of the client's address: HMAC with a salt derived from the
 * installation secret and today's date (UTC), so it changes daily and the
 * address itself is stored nowhere. 32 hex digits. An IPv6 client is its
 * /64 (one subscriber's prefix), an IPv4-mapped one its IPv4 address.
 */
void		 client_key(struct http_request *, char out[33]);

/* The CSRF token for this visitor's forms (bound to the visitor id). */
void		 csrf_token(struct http_request *, char out[65]);
/*
 * The token as csrf_token, but only when this request already asked for
 * the visitor id (so an answer may hold it): 1, or 0 without touching out
 * and without making a visitor id. For keeping it out of compression.
 */
int		 csrf_token_known(struct http_request *, char out[65]);

/*
 * 1 when a form POST may proceed: presented equals this visitor's token
 * (constant-time), and an Origin header, when sent, is this site.
 */
int		 csrf_valid(struct http_request *, const char *presented);

/*
 * The staff member behind this request, if any: a bearer token
 * (Authorization: Bearer hc_...) or a live session whose id is the login
 * cookie (a token is never accepted as the cookie). role as in
 * token_check. Returns 1 and fills owner, or 0.
 */
int		 staff_auth(struct http_request *, const char *role,
		    struct token_owner *owner);

/*
 * Starts a session for owner and sets its cookie (HttpOnly,
 * SameSite=Strict, for STAFF_SESSION_MAX); 0, or -1 when it could not be
 * stored. staff_logout ends the request's session and clears the cookie.
 */
int		 staff_login(struct http_request *, const struct token_owner *);
void		 staff_logout(struct http_request *);

#endif
