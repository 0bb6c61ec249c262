/* macros.h: canned replies kept in git as the .md files of articles/_macros/: read with the catalog, checked, filled for a ticket. */
#ifndef HC_MACROS_H
#define HC_MACROS_H

#include <jansson.h>

struct catalog;

/* A macro file's size limit, in bytes. */
#define MACRO_MAX_BYTES		(64 * 1024)

/*
 * Reads every .md file of the folder dirfd (the tree's _macros/, rel its path
 * for messages) into cat->macros as a JSON array text of {"name","title",
 * "lang","body"}, sorted by name. A symbolic link, another kind of file,
 * bad front matter (a title is required; lang, when given, is zh-CN,
 * zh-TW or en), an empty body or an unknown placeholder is listed in
 * cat->problems and the macro left out.
 */
void	 macros_scan(struct catalog *cat, int dirfd, const char *rel);

/*
 * Checks a macro body: placeholders are exactly {{name}} (the customer's
 * name) and {{ref}} (the ticket's reference). Returns 0, or -1 with the
 * reason in why.
 */
int	 macro_check(const char *body, char *why, size_t whylen);

/*
 * The body with each placeholder replaced by its value, in one pass: a
 * value is never scanned again, so a name written "{{ref}}" stays as
 * typed. NULL values fill as "". Returns a malloc'd string.
 */
char	*macro_fill(const char *body, const char *name, const char *ref);

#endif
