/* file.c: read a file whole, growing the buffer as it comes, refusing more than a limit. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "strbuf.h"

char *
file_read(const char *path, size_t max, size_t *len)
{
	struct strbuf	 sb;
	FILE		*fp;
	char		 buf[8192];
	size_t		 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return (NULL);
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (sb.len + n > max) {
			fclose(fp);
			sb_free(&sb);
			return (NULL);
		}
		sb_append(&sb, buf, n);
	}
	if (ferror(fp)) {
		fclose(fp);
		sb_free(&sb);
		return (NULL);
	}
	fclose(fp);
	*len = sb.len;
	return (sb_detach(&sb));
}

char *
file_read_at(int dirfd, const char *name, size_t max, size_t *len)
{
	struct strbuf	 sb;
	struct stat	 st;
	char		 buf[8192];
	ssize_t		 n;
	int		 fd, saved;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return (NULL);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return (NULL);
	}
	sb_init(&sb);
	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			goto fail;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max) {
			saved = EFBIG;
			goto fail;
		}
		sb_append(&sb, buf, (size_t)n);
	}
	close(fd);
	*len = sb.len;
	return (sb_detach(&sb));
fail:
	close(fd);
	sb_free(&sb);
	errno = saved;
	return (NULL);
}
