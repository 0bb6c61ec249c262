/* strbuf.h: a growable byte buffer for code shared by the server and hcctl. */
#ifndef HC_STRBUF_H
#define HC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A strbuf owns its data (malloc family). data is always NUL-terminated
 * after any append, so it can be used as a C string. Allocation failure
 * aborts: the server cannot do anything useful without memory.
 */
struct strbuf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 sb_init(struct strbuf *);
void	 sb_free(struct strbuf *);
void	 sb_reset(struct strbuf *);
void	 sb_append(struct strbuf *, const void *, size_t);
void	 sb_puts(struct strbuf *, const char *);
void	 sb_putc(struct strbuf *, char);
void	 sb_printf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Gives the caller the buffer (free() it) and leaves sb empty. */
char	*sb_detach(struct strbuf *);

/* Small allocation helpers that abort on failure. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
