/* datadir.c: ARTICLES and DATA checked as the helpcenter user before anything forks, and DATA kept private. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"

static const char *
owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd	*pw;

	if ((pw = getpwuid(uid)) != NULL)
		return (pw->pw_name);
	(void)snprintf(buf, len, "uid %u", (unsigned int)uid);
	return (buf);
}

/*
 * The first folder on the way to path (absolute) that who cannot enter,
 * said in msg; 0 when every one can be entered.
 */
static int
blocked_on_the_way(const char *what, const char *path, const char *who,
    char *msg, size_t len)
{
	struct stat	 st;
	char		 prefix[PATH_MAX], owner[32];
	const char	*p;
	size_t		 n;

	for (p = path; (p = strchr(p + 1, '/')) != NULL; ) {
		n = (size_t)(p - path);
		if (n == 0 || n >= sizeof(prefix))
			continue;
		memcpy(prefix, path, n);
		prefix[n] = '\0';
		if (access(prefix, X_OK) == 0)
			continue;
		if (stat(prefix, &st) != 0)
			st.st_mode = 0, st.st_uid = 0;
		(void)snprintf(msg, len, "%s %s: the %s user cannot enter %s "
		    "(mode %04o, owner %s); chmod o+x %s or move the folder "
		    "elsewhere", what, path, who, prefix,
		    (unsigned int)(st.st_mode & 07777),
		    owner_name(st.st_uid, owner, sizeof(owner)), prefix);
		return (1);
	}
	return (0);
}

/* The checks themselves, in the child, as the user. */
static void
check_as_user(const char *articles, const char *data, int need_write,
    const char *who, char *msg, size_t len)
{
	struct stat	 st;
	DIR		*d;
	char		 owner[32];
	int		 why;

	msg[0] = '\0';
	if (blocked_on_the_way("ARTICLES", articles, who, msg, len) ||
	    blocked_on_the_way("DATA", data, who, msg, len))
		return;
	if ((d = opendir(articles)) == NULL) {
		why = errno;
		if (stat(articles, &st) != 0)
			st.st_mode = 0, st.st_uid = 0;
		(void)snprintf(msg, len, "ARTICLES %s: the %s user cannot read "
		    "it (%s; mode %04o, owner %s); chmod -R o+rX %s",
		    articles, who, strerror(why),
		    (unsigned int)(st.st_mode & 07777),
		    owner_name(st.st_uid, owner, sizeof(owner)), articles);
		return;
	}
	closedir(d);
	if (access(data, need_write ? R_OK | W_OK | X_OK : X_OK) != 0) {
		why = errno;
		if (stat(data, &st) != 0)
			st.st_mode = 0, st.st_uid = 0;
		(void)snprintf(msg, len, "DATA %s: the %s user cannot write "
		    "it (%s; mode %04o, owner %s); give the folder to that "
		    "user (chown) or choose another DATA", data, who,
		    strerror(why), (unsigned int)(st.st_mode & 07777),
		    owner_name(st.st_uid, owner, sizeof(owner)));
	}
}

int
datadir_check_access(const char *articles, const char *data,
    int need_write, const struct passwd *pw, char *msg, size_t len)
{
	char		 art[PATH_MAX], dat[PATH_MAX];
	/* Room for three paths: the compiler checks that nothing is cut. */
	char		 line[4 * PATH_MAX + 512];
	const char	*who;
	ssize_t		 n;
	size_t		 got;
	pid_t		 pid;
	int		 fd[2], status;

	/* Resolved as this (privileged) process: the user may not see them. */
	if (realpath(articles, art) == NULL) {
		(void)snprintf(msg, len, "ARTICLES %s: %s; set ARTICLES to the "
		    "folder of Markdown articles", articles, strerror(errno));
		return (-1);
	}
	if (realpath(data, dat) == NULL) {
		(void)snprintf(msg, len, "DATA %s: %s", data, strerror(errno));
		return (-1);
	}
	who = pw != NULL ? pw->pw_name : "server's";
	if (pipe(fd) == -1) {
		(void)snprintf(msg, len, "cannot check ARTICLES and DATA: "
		    "pipe: %s", strerror(errno));
		return (-1);
	}
	if ((pid = fork()) == -1) {
		(void)snprintf(msg, len, "cannot check ARTICLES and DATA: "
		    "fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return (-1);
	}
	if (pid == 0) {
		close(fd[0]);
		if (pw != NULL && (setgroups(1, &pw->pw_gid) != 0 ||
		    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0))
			(void)snprintf(line, sizeof(line), "cannot become the "
			    "%s user to check ARTICLES and DATA: %s", who,
			    strerror(errno));
		else
			check_as_user(art, dat, need_write, who, line,
			    sizeof(line));
		(void)write(fd[1], line, strlen(line));
		_exit(0);
	}
	close(fd[1]);
	got = 0;
	line[0] = '\0';
	while (got < sizeof(line) - 1 && (n = read(fd[0], line + got,
	    sizeof(line) - 1 - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		got += (size_t)n;
	}
	line[got] = '\0';
	close(fd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (got == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		(void)snprintf(line, sizeof(line), "the check of ARTICLES and "
		    "DATA as the %s user did not finish", who);
	if (line[0] == '\0')
		return (0);
	(void)snprintf(msg, len, "%s", line);
	return (-1);
}

/* One path: too open? Then fixed when tighten; the first one described. */
static int
private_one(const char *path, int tighten, char *msg, size_t len, int *n)
{
	struct stat	 st;
	mode_t		 want;

	if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
		return (0);
	if ((st.st_mode & 077) == 0)
		return (0);
	want = st.st_mode & 07700;
	if (*n == 0)
		(void)snprintf(msg, len, "%s is mode %04o: other users can "
		    "read it", path, (unsigned int)(st.st_mode & 07777));
	(*n)++;
	if (tighten && chmod(path, want) != 0)
		return (-1);
	return (0);
}

static int
private_walk(const char *dir, int depth, int tighten, char *msg, size_t len,
    int *n)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 path[PATH_MAX];
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (private_one(path, tighten, msg, len, n) != 0)
			rc = -1;
		if (depth > 0 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			(void)private_walk(path, depth - 1, tighten, msg, len,
			    n);
	}
	closedir(d);
	return (rc);
}

int
datadir_private(const char *data, int tighten, char *msg, size_t len)
{
	struct stat	st;
	int		n = 0, rc;

	msg[0] = '\0';
	/* A shared folder such as /tmp must not be made ours. */
	if (stat(data, &st) == 0 && (st.st_mode & S_ISVTX)) {
		(void)snprintf(msg, len, "DATA %s is a shared folder (sticky "
		    "bit): choose a folder of its own", data);
		return (-1);
	}
	rc = private_one(data, tighten, msg, len, &n);
	if (private_walk(data, 1, tighten, msg, len, &n) != 0)
		rc = -1;
	if (rc != 0) {
		(void)snprintf(msg, len, "cannot make %s private (chmod): %s",
		    data, strerror(errno));
		return (-1);
	}
	return (n);
}
