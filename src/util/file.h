/* file.h: reading a whole file into memory, with a size limit. */
#ifndef HC_FILE_H
#define HC_FILE_H

#include <stddef.h>

/*
 * Reads path whole into a malloc'd, NUL-terminated buffer of its size and
 * sets *len. Returns NULL when the file cannot be read or is larger than
 * max bytes.
 */
char	*file_read(const char *path, size_t max, size_t *len);

#endif
