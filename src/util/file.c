/* file.c: read a file whole, growing the buffer as it comes, refusing more than a limit; list a folder sorted. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int
namecmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

ssize_t
folder_names(int dirfd, char ***names)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n, i;
	int		 fd, saved;

	*names = NULL;
	if ((fd = dup(dirfd)) == -1)
		return (-1);
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return (-1);
	}
	rewinddir(d);
	n = 0;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (de->d_name[0] == '.')
			continue;
		*names = xrealloc(*names, (n + 1) * sizeof(char *));
		(*names)[n++] = xstrdup(de->d_name);
	}
	saved = errno;
	closedir(d);
	if (saved != 0) {
		for (i = 0; i < n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		errno = saved;
		return (-1);
	}
	if (n > 1)	/* qsort may not be given a NULL array */
		qsort(*names, n, sizeof(char *), namecmp);
	return ((ssize_t)n);
}
