/* file.c: read a file whole, growing the buffer as it comes, refusing more than a limit. */
#include <stdio.h>
#include <stdlib.h>

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
