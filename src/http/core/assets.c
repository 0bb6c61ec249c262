/* assets.c: /assets/<file> with ETag, 304, a one-year immutable cache lifetime, and a gzip copy made at load. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "site.h"
#include "assets.h"
#include "util/file.h"
#include "util/gzip.h"
#include "util/strbuf.h"

struct static_asset {
	char		*name;
	char		*data;
	size_t		 len;
	const char	*type;
	char		 etag[24];	/* "16 hex digits" with quotes */
	char		 url[160];
	char		*gz;		/* gzip copy; NULL: not worth it */
	size_t		 gzlen;
	char		 gzetag[28];	/* "16 hex digits-gz" */
};

#define MAX_ASSET_BYTES		(1024 * 1024)

static struct static_asset	*assets;
static size_t			 nassets;

int	asset_file(struct http_request *);

const char *
media_type(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/x-icon" },
	};
	const char	*dot;
	size_t		 i;

	if ((dot = strrchr(name, '.')) != NULL) {
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(dot, types[i].ext))
				return (types[i].type);
	}
	return ("application/octet-stream");
}

/*
 * Text compresses; PNG, JPEG, GIF and WebP already are. A copy that saves
 * less than a tenth is not kept: the client would inflate for nothing.
 */
static void
precompress(struct static_asset *a)
{
	struct strbuf	gz;

	a->gz = NULL;
	a->gzlen = 0;
	if (strncmp(a->type, "text/", 5) && strcmp(a->type, "image/svg+xml") &&
	    strcmp(a->type, "image/x-icon"))
		return;
	sb_init(&gz);
	if (gzip_encode(a->data, a->len, NULL, 0, 0, 9, &gz) != 0 ||
	    gz.len > a->len - a->len / 10) {
		sb_free(&gz);
		return;
	}
	a->gzlen = gz.len;
	a->gz = sb_detach(&gz);
	/* Another representation, another tag (RFC 9110 8.8.3). */
	(void)snprintf(a->gzetag, sizeof(a->gzetag), "%.17s-gz\"", a->etag);
}

int
assets_load(const char *dir)
{
	DIR			*d;
	struct dirent		*de;
	struct strbuf		 path;
	struct static_asset	*a;
	unsigned char		 md[SHA256_DIGEST_LENGTH];
	char			*data;
	size_t			 len;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	sb_init(&path);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, de->d_name);
		if ((data = file_read(path.data, MAX_ASSET_BYTES, &len)) ==
		    NULL)
			continue;
		assets = xrealloc(assets, (nassets + 1) * sizeof(*a));
		a = &assets[nassets++];
		a->name = xstrdup(de->d_name);
		a->len = len;
		a->data = data;
		a->type = media_type(a->name);
		(void)SHA256((unsigned char *)a->data, a->len, md);
		(void)snprintf(a->etag, sizeof(a->etag),
		    "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", md[0], md[1],
		    md[2], md[3], md[4], md[5], md[6], md[7]);
		(void)snprintf(a->url, sizeof(a->url), "/assets/%s?v=%.16s",
		    a->name, a->etag + 1);
		precompress(a);
	}
	closedir(d);
	sb_free(&path);
	return (0);
}

static struct static_asset *
find(const char *name)
{
	size_t	i;

	for (i = 0; i < nassets; i++)
		if (!strcmp(assets[i].name, name))
			return (&assets[i]);
	return (NULL);
}

const char *
assets_url(const char *name)
{
	struct static_asset	*a;

	return ((a = find(name)) != NULL ? a->url : "/assets/missing");
}

/* If-None-Match: "*" or a list of tags, weak ("W/") ones included. */
static int
etag_matches(const char *header, const char *etag)
{
	const char	*p;
	size_t		 n;

	n = strlen(etag);
	for (p = header; *p != '\0';) {
		p += strspn(p, " ,\t");
		if (*p == '*')
			return (1);
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, n) && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' '))
			return (1);
		p += strcspn(p, ",");
	}
	return (0);
}

int
asset_file(struct http_request *req)
{
	struct static_asset	*a;
	const char		*inm, *etag, *data;
	size_t			 len;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	/* The route only lets [A-Za-z0-9._-] through; no '/' can follow. */
	if ((a = find(req->path + strlen("/assets/"))) == NULL)
		return (respond_error_page(req, 404, NULL));
	etag = a->etag;
	data = a->data;
	len = a->len;
	if (a->gz != NULL) {
		/* Caches must keep the two representations apart. */
		http_response_header(req, "vary", "Accept-Encoding");
		if (client_accepts_gzip(req)) {
			etag = a->gzetag;
			data = a->gz;
			len = a->gzlen;
			http_response_header(req, "content-encoding", "gzip");
		}
	}
	http_response_header(req, "etag", etag);
	http_response_header(req, "cache-control",
	    "public, max-age=31536000, immutable");
	if (http_request_header(req, "if-none-match", &inm) &&
	    etag_matches(inm, etag))
		return (respond_bytes(req, 304, a->type, NULL, 0));
	return (respond_bytes(req, 200, a->type, data, len));
}
