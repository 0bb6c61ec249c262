/* assets.h: the CSS and JavaScript of assets/, held in memory with content-hash ETags. */
#ifndef HC_ASSETS_H
#define HC_ASSETS_H

/* Loads every file of dir (not recursive); 0, or -1 when dir is unreadable. */
int		 assets_load(const char *dir);

/* "/assets/<name>?v=<hash>": a URL that changes when the file does. */
const char	*assets_url(const char *name);

/* The Content-Type for a file name, by its extension. */
const char	*media_type(const char *name);

#endif
