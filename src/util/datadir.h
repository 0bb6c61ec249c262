/* datadir.h: startup checks of ARTICLES and DATA: what the helpcenter user can reach, and that DATA is private. */
#ifndef HC_DATADIR_H
#define HC_DATADIR_H

#include <sys/types.h>

#include <pwd.h>
#include <stddef.h>

/*
 * Checks, as the user pw (NULL: as this process, unchanged), that the
 * folder articles can be entered and read and the folder data entered,
 * read and written: in a child process that drops to the user, so that
 * the answer is the kernel's, not a guess from modes. need_write 0 skips
 * writing DATA (hcctl: the server gives DATA to the user at start).
 * Returns 0, or -1 with msg set to one line that names the path, why, and the fix, e.g.
 * "ARTICLES /root/kb/articles: the helpcenter user cannot enter /root/kb
 * (mode 0700, owner root); chmod o+x /root/kb or move the folder".
 */
int	datadir_check_access(const char *articles, const char *data,
	    int need_write, const struct passwd *pw, char *msg, size_t len);

/*
 * Nothing in data may be readable by other users: it holds the database
 * with the installation secret and private tickets. Looks at data, the
 * files in it and one level of folders below (the index). With tighten
 * set, removes the group's and others' permissions from each, so the
 * folder ends 0700 and files 0600. Returns how many were too open (-1
 * when data cannot be read); msg describes the first one.
 */
int	datadir_private(const char *data, int tighten, char *msg, size_t len);

#endif
