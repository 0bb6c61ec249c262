/* multipart.h: a streaming multipart/form-data parser (RFC 7578) fed in chunks of any size; no Kore, so it can be fuzzed. */
#ifndef HC_MULTIPART_H
#define HC_MULTIPART_H

#include <stddef.h>

#define MP_BOUNDARY_MAX		70	/* RFC 2046 */
#define MP_HEADERS_MAX		8192	/* one part's header block */
#define MP_NAME_MAX		128	/* a field name, bytes */
#define MP_FILENAME_MAX		1024	/* a raw filename, bytes (longer: cut) */

/* One part's Content-Disposition, as sent (not yet checked or cleaned). */
struct mp_part {
	char	name[MP_NAME_MAX + 1];
	char	filename[MP_FILENAME_MAX + 1];
	int	has_filename;	/* a filename parameter, even empty */
};

/*
 * Called in order for each part: begin once, data zero or more times with
 * the part's bytes, end once. Each returns 0 to go on or -1 to stop the
 * parse (mp_feed then returns MP_STOPPED and calls nothing more).
 */
struct mp_callbacks {
	int	(*begin)(void *arg, const struct mp_part *);
	int	(*data)(void *arg, const unsigned char *, size_t);
	int	(*end)(void *arg);
};

enum mp_status {
	MP_MORE = 0,	/* fed: send more */
	MP_DONE,	/* the closing delimiter was seen; the rest is ignored */
	MP_BAD,		/* malformed: a header block too long, a bad line */
	MP_STOPPED	/* a callback said stop */
};

struct multipart {
	int				 state;
	char				 delim[4 + MP_BOUNDARY_MAX + 1];
	size_t				 dlen;
	unsigned char			*buf;
	size_t				 len, cap;
	int				 in_part;
	const struct mp_callbacks	*cb;
	void				*arg;
	struct mp_part			 part;
};

/*
 * The boundary parameter of a Content-Type value that is
 * multipart/form-data, into out. Returns 0, or -1 when the type is another
 * or the boundary is missing, empty, longer than 70 or not RFC 2046 bchars.
 */
int		 mp_boundary(const char *content_type,
		    char out[MP_BOUNDARY_MAX + 1]);

/* Starts a parse; cb and arg are borrowed until mp_free. */
void		 mp_init(struct multipart *, const char *boundary,
		    const struct mp_callbacks *cb, void *arg);

/* Feeds the next len bytes of the body. */
enum mp_status	 mp_feed(struct multipart *, const void *data, size_t len);

/* At the end of the body: MP_DONE when the closing delimiter came, else MP_BAD. */
enum mp_status	 mp_finish(struct multipart *);

void		 mp_free(struct multipart *);

#endif
