/* bare.c: the framework's ceiling for make bench: one Kore handler sending a saved article page from memory. */

#include <sys/types.h>
#include <sys/stat.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

void	kore_parent_configure(int, char **);
int	page(struct http_request *);

static u_int8_t		*body;
static size_t		 body_len;

/*
 * The parent reads BARE_PAGE once, before the chroot; the workers it forks
 * inherit the bytes, so a request costs no system call beyond the socket.
 */
void
kore_parent_configure(int argc, char **argv)
{
	struct stat	 st;
	const char	*path;
	ssize_t		 n;
	size_t		 off;
	int		 fd;

	(void)argc;
	(void)argv;
	if ((path = getenv("BARE_PAGE")) == NULL)
		fatal("BARE_PAGE: the page to serve is not set");
	if ((fd = open(path, O_RDONLY)) == -1)
		fatal("open %s: %s", path, errno_s);
	if (fstat(fd, &st) == -1 || st.st_size <= 0)
		fatal("%s: empty or unreadable", path);
	body_len = (size_t)st.st_size;
	body = kore_malloc(body_len);
	off = 0;
	while (off < body_len) {
		n = read(fd, body + off, body_len - off);
		if (n <= 0)
			fatal("read %s: %s", path, n == 0 ? "short" : errno_s);
		off += (size_t)n;
	}
	(void)close(fd);
}

int
page(struct http_request *req)
{
	http_response_header(req, "content-type", "text/html; charset=utf-8");
	http_response(req, HTTP_STATUS_OK, body, body_len);
	return (KORE_RESULT_OK);
}
