/* file.h: reading a whole file into memory, with a size limit, and listing a folder. */
#ifndef HC_FILE_H
#define HC_FILE_H

#include <sys/types.h>

#include <stddef.h>

/*
 * Reads path whole into a malloc'd, NUL-terminated buffer of its size and
 * sets *len. Returns NULL when the file cannot be read or is larger than
 * max bytes.
 */
char	*file_read(const char *path, size_t max, size_t *len);

/*
 * Reads name in the folder dirfd like file_read, but never through a
 * symbolic link (O_NOFOLLOW) and only a regular file: the articles tree is
 * written by others. Returns NULL with errno set: ELOOP for a symbolic
 * link, EINVAL for anything but a regular file (a FIFO would block), EFBIG
 * when it is larger than max, or the error of open or read.
 */
char	*file_read_at(int dirfd, const char *name, size_t max, size_t *len);

/*
 * The names in the folder dirfd but those starting with '.', sorted (so
 * that the first of two duplicates is stable), into *names (each and the
 * array malloc'd). Returns the count, or -1 with errno and *names NULL.
 */
ssize_t	 folder_names(int dirfd, char ***names);

#endif
