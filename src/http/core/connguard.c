/* connguard.c: per-client connection cap, framing checks and pipelined requests at the connection edge (see connguard.h). */
#include <sys/socket.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "connguard.h"
#include "settings.h"
#include "site.h"
#include "uploads.h"
#include "util/framing.h"

/*
 * Kore 4.1 reads up to http_header_max bytes per recv() and hands them all
 * to http_header_recv(): whatever follows the first request's head in
 * that read (a pipelined request, or bytes past a POST's Content-Length)
 * is lost or taken as body. conn_read() therefore gives Kore no more than
 * one request head at a time and keeps the rest (the carry) for the next
 * read, and it checks the head's framing before Kore acts on it.
 */
struct guard {
	uint64_t	 client;	/* key in the count map; 0: not counted */
	char		*carry;		/* bytes read past the current head */
	size_t		 carry_len;
	uint64_t	 body_len;	/* the current request's Content-Length */
	uint64_t	 body_seen;	/* and how much of it has come */
};

/*
 * Connections per client in this worker: open addressing with linear
 * probing, at most worker_max_connections keys, so 16,384 slots stay
 * under a quarter full at the configured 4,096.
 */
#define MAP_SLOTS	16384

struct count {
	uint64_t	key;		/* 0: empty */
	uint32_t	n;
};

static struct count	counts[MAP_SLOTS];

static size_t
map_home(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return ((size_t)(key % MAP_SLOTS));
}

/* The slot holding key, which must be in the map. */
static size_t
map_find(uint64_t key)
{
	size_t	i;

	for (i = map_home(key); counts[i].key != key; i = (i + 1) % MAP_SLOTS)
		;
	return (i);
}

/* Adds one to key's count and returns the new count; 0 when the map is full. */
static uint32_t
map_inc(uint64_t key)
{
	size_t	i, k;

	for (k = 0, i = map_home(key); k < MAP_SLOTS; k++,
	    i = (i + 1) % MAP_SLOTS) {
		if (counts[i].key == key)
			return (++counts[i].n);
		if (counts[i].key == 0) {
			counts[i].key = key;
			counts[i].n = 1;
			return (1);
		}
	}
	return (0);
}

/* Takes one off key's count; at 0 the slot is freed by shifting back. */
static void
map_dec(uint64_t key)
{
	size_t	i, j, h;

	for (i = map_home(key); counts[i].key != key; i = (i + 1) % MAP_SLOTS)
		if (counts[i].key == 0)
			return;
	if (--counts[i].n > 0)
		return;
	counts[i].key = 0;
	for (j = (i + 1) % MAP_SLOTS; counts[j].key != 0;
	    j = (j + 1) % MAP_SLOTS) {
		h = map_home(counts[j].key);
		/* Move j back to the hole unless its home lies after it. */
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			counts[i] = counts[j];
			counts[j].key = 0;
			i = j;
		}
	}
}

/* The client as one 64-bit key: an IPv4 address, or an IPv6 /64. */
static uint64_t
client_of(struct connection *c)
{
	const uint8_t	*a;
	uint64_t	 k;
	int		 i;

	if (c->family == AF_INET)
		return (0x100000000ULL | c->addr.ipv4.sin_addr.s_addr);
	if (c->family != AF_INET6)
		return (0);
	a = c->addr.ipv6.sin6_addr.s6_addr;
	if (IN6_IS_ADDR_V4MAPPED(&c->addr.ipv6.sin6_addr)) {
		k = 0x100000000ULL;
		for (i = 12; i < 16; i++)
			k |= (uint64_t)a[i] << (8 * (i - 12));
		return (k);
	}
	k = 0;
	for (i = 0; i < 8; i++)
		k = (k << 8) | a[i];
	/* Keep clear of 0 and of the IPv4 keys. */
	return (k | 0x8000000000000000ULL);
}

static void
conn_gone(struct connection *c)
{
	struct guard	*g = c->hdlr_extra;

	if (g == NULL)
		return;
	if (g->client != 0)
		map_dec(g->client);
	g->client = 0;
	kore_free(g->carry);
	g->carry = NULL;
	g->carry_len = 0;
}

/* Queues a short answer without a request and closes after it is sent. */
static void
answer_and_close(struct connection *c, int status, const char *reason,
    const char *path, const char *code, const char *message)
{
	struct kore_buf	 head, body;
	int		 api;

	api = path != NULL && !strncmp(path, "/api/", 5);
	kore_buf_init(&body, 256);
	if (api)
		kore_buf_appendf(&body, "{\"error\":{\"code\":\"%s\","
		    "\"message\":\"%s\"}}", code, message);
	else
		kore_buf_appendf(&body, "%d %s: %s\n", status, reason, message);
	kore_buf_init(&head, 512);
	kore_buf_appendf(&head, "HTTP/1.1 %d %s\r\n", status, reason);
	kore_buf_appendf(&head, "content-type: %s\r\n", api ?
	    "application/json; charset=utf-8" : "text/plain; charset=utf-8");
	kore_buf_appendf(&head, "content-length: %zu\r\n", body.offset);
	kore_buf_appendf(&head, "connection: close\r\n");
	kore_buf_appendf(&head, "cache-control: no-store\r\n");
	security_header_lines(&head);
	kore_buf_appendf(&head, "\r\n");
	kore_buf_append(&head, body.data, body.offset);
	net_send_queue(c, head.data, head.offset);
	kore_buf_cleanup(&head);
	kore_buf_cleanup(&body);
	c->flags |= CONN_CLOSE_EMPTY;
}

/* Stops Kore reading until it sets up a new buffer (after an answer). */
static void
pause_reading(struct connection *c)
{
	kore_free(c->rnb->buf);
	c->rnb->buf = NULL;
	c->rnb->m_len = 0;
	c->rnb->s_off = 0;
}

/* 1 when a request of this connection is still waiting for its answer. */
static int
request_pending(struct connection *c)
{
	struct http_request	*req;

	TAILQ_FOREACH(req, &c->http_requests, olist)
		if (req->status == 0 && !(req->flags & HTTP_REQUEST_DELETE))
			return (1);
	return (0);
}

/* Puts len bytes at the front of the carry. */
static void
carry_push(struct guard *g, const uint8_t *p, size_t len)
{
	char	*n;

	n = kore_malloc(len + g->carry_len);
	memcpy(n, p, len);
	if (g->carry_len > 0)
		memcpy(n + len, g->carry, g->carry_len);
	kore_free(g->carry);
	g->carry = n;
	g->carry_len += len;
}

/* The path of the request line, NUL-terminated in out, for the answer's shape. */
static void
request_path(const uint8_t *buf, size_t len, char *out, size_t outlen)
{
	size_t	i, j;

	out[0] = '\0';
	for (i = 0; i < len && buf[i] != ' ' && buf[i] != '\r' &&
	    buf[i] != '\n'; i++)
		;
	if (i >= len || buf[i] != ' ')
		return;
	i++;
	for (j = 0; i < len && j + 1 < outlen && buf[i] != ' ' &&
	    buf[i] != '\r' && buf[i] != '\n'; i++, j++)
		out[j] = (char)buf[i];
	out[j] = '\0';
}

/*
 * Upload routes (POST, files up to UPLOAD_BODY_MAX) for a request line's
 * path without its query: the contact form, the status page's reply, the
 * agent's reply, the tickets API's create and comments.
 */
static int
upload_route(const char *path)
{
	static const char	*shapes[] = { "/tickets/new", "/tickets/R",
				    "/agent/tickets/R", "/api/v1/tickets",
				    "/api/v1/tickets/R/comments" };
	const char		*sh, *p;
	size_t			 i, k;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		for (sh = shapes[i], p = path; *sh != '\0'; sh++) {
			if (*sh != 'R') {
				if (*p++ != *sh)
					break;
				continue;
			}
			/* R: a ticket ref, HC-dddd-dddddd */
			if (strncmp(p, "HC-", 3))
				break;
			for (k = 3; k < 14; k++)
				if (k == 7 ? p[k] != '-' :
				    (p[k] < '0' || p[k] > '9'))
					break;
			if (k < 14)
				break;
			p += 14;
		}
		if (*sh == '\0' && (*p == '\0' || *p == '?'))
			return (1);
	}
	return (0);
}

/*
 * The body's deadline, from the start of the request: BODY_GRACE_MS
 * (kore.conf's http_body_timeout) plus a second per BODY_MIN_RATE bytes
 * received. An upload that keeps up runs as long as it needs; one that
 * trickles or stalls is answered 408 and closed by Kore's timer, and its
 * request (with whatever it staged) is dropped before any handler runs.
 */
#define BODY_GRACE_MS	10000
#define BODY_MIN_RATE	16384	/* bytes a second */

/* The largest body a route takes; others keep Kore's old 64 KB. */
#define SMALL_BODY_MAX	65536

static void
body_progress(struct connection *c, struct guard *g, size_t n)
{
	g->body_seen += n;
	if (g->body_len == 0)
		return;
	if (g->body_seen >= g->body_len) {
		/* Whole: the handler runs now, with no deadline on it. */
		c->http_timeout = 0;
		g->body_len = 0;
		return;
	}
	c->http_timeout = BODY_GRACE_MS + g->body_seen * 1000 / BODY_MIN_RATE;
}

/* Answers 413 before Kore reads the body, and closes. */
static int
refuse_body(struct connection *c, struct guard *g, const char *path,
    const char *message)
{
	char	drain[4096];

	answer_and_close(c, 413, "Content Too Large", path, "too_large",
	    message);
	kore_free(g->carry);
	g->carry = NULL;
	g->carry_len = 0;
	while (recv(c->fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	pause_reading(c);
	c->http_timeout = 0;
	return (KORE_RESULT_OK);
}

static int
conn_read(struct connection *c, size_t *bytes)
{
	struct guard	*g = c->hdlr_extra;
	struct netbuf	*nb = c->rnb;
	enum framing	 f;
	uint64_t	 body;
	size_t		 room, n, total, head;
	char		 path[64], drain[4096];
	int		 header_phase;

	*bytes = 0;
	header_phase = nb->cb == http_header_recv;
	/* After a body, Kore would read the next head at once: wait instead. */
	if (header_phase && nb->s_off == 0 && request_pending(c)) {
		pause_reading(c);
		return (KORE_RESULT_OK);
	}
	room = nb->b_len - nb->s_off;
	if (g->carry_len > 0 && room > 0) {
		n = g->carry_len < room ? g->carry_len : room;
		memcpy(nb->buf + nb->s_off, g->carry, n);
		memmove(g->carry, g->carry + n, g->carry_len - n);
		g->carry_len -= n;
		/* Kore reads on only while it thinks the socket has more. */
		c->evt.flags |= KORE_EVENT_READ;
	} else {
		if (!net_read(c, &n))
			return (KORE_RESULT_ERROR);
		if (!(c->evt.flags & KORE_EVENT_READ) || n == 0) {
			*bytes = n;
			return (KORE_RESULT_OK);
		}
	}
	if (!header_phase) {
		body_progress(c, g, n);
		*bytes = n;
		return (KORE_RESULT_OK);
	}

	total = nb->s_off + n;
	if ((head = framing_head_len((const char *)nb->buf, total)) == 0) {
		*bytes = n;
		return (KORE_RESULT_OK);
	}
	if (total > head) {
		carry_push(g, nb->buf + head, total - head);
		n -= total - head;
		c->evt.flags |= KORE_EVENT_READ;
	}
	f = framing_check((const char *)nb->buf, head, &body);
	if (f == FRAMING_OK && body > SMALL_BODY_MAX) {
		request_path(nb->buf, head, path, sizeof(path));
		if (!upload_route(path) || strncmp((const char *)nb->buf,
		    "POST ", 5))
			return (refuse_body(c, g, path, "This address takes "
			    "at most 64 KB; files can be attached on the "
			    "contact form, the status page and the tickets "
			    "API only."));
		if (body > UPLOAD_BODY_MAX)
			return (refuse_body(c, g, path, "A message may carry "
			    "5 files of at most 10 MB each; this body is "
			    "larger than all of them together."));
	}
	if (f == FRAMING_OK) {
		g->body_len = body;
		g->body_seen = 0;
		*bytes = n;
		return (KORE_RESULT_OK);
	}

	/*
	 * Ambiguous framing: the rest of the stream cannot be cut into
	 * requests safely, so answer and close. Read what has arrived, so
	 * that closing does not reset the connection under the answer.
	 */
	request_path(nb->buf, head, path, sizeof(path));
	answer_and_close(c, framing_status(f), framing_status(f) == 411 ?
	    "Length Required" : "Bad Request", path, "bad_framing",
	    framing_message(f));
	kore_free(g->carry);
	g->carry = NULL;
	g->carry_len = 0;
	while (recv(c->fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	pause_reading(c);
	c->http_timeout = 0;
	return (KORE_RESULT_OK);
}

void
hc_connect(struct connection *c)
{
	struct guard	*g;
	uint64_t	 client;

	g = kore_calloc(1, sizeof(*g));
	c->hdlr_extra = g;
	c->disconnect = conn_gone;
	c->proto = CONN_PROTO_HTTP;
	client = settings.trust_proxy ? 0 : client_of(c);
	/* A full map (more keys than connections: a bug) counts nobody. */
	if (client != 0 && map_inc(client) == 0)
		client = 0;
	if (client != 0) {
		if (counts[map_find(client)].n > CONN_PER_CLIENT) {
			/* Counted all the same: conn_gone takes it off. */
			g->client = client;
			answer_and_close(c, 429, "Too Many Requests", NULL,
			    "too_many_connections", "Too many open connections "
			    "from this address; close some and try again.");
			return;
		}
		g->client = client;
	}
	/* What Kore does for a connection without a callback. */
	if (http_keepalive_time != 0)
		c->idle_timer.length = http_keepalive_time * 1000;
	c->read = conn_read;
	net_recv_queue(c, http_header_max, NETBUF_CALL_CB_ALWAYS,
	    http_header_recv);
}
