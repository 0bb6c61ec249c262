/* form_stamp.h: the signed time a form was served, for the minimum and maximum fill times of every public form. */
#ifndef HC_FORM_STAMP_H
#define HC_FORM_STAMP_H

#include "hmac.h"

/* "<unix seconds>.<32 hex digits>" and its NUL. */
#define FORM_STAMP_LEN	64

/* Writes a stamp for form ("ticket", "community") made now. */
void		form_stamp_make(const unsigned char key[HMAC_KEY_LEN],
		    const char *form, long long now, char out[FORM_STAMP_LEN]);

/*
 * Return value: the seconds between the stamp and now (0 for a stamp up to
 * a minute ahead: clocks of two machines differ); -1 when stamp is NULL,
 * malformed, made for another form or key, or further ahead.
 */
long long	form_stamp_age(const unsigned char key[HMAC_KEY_LEN],
		    const char *form, const char *stamp, long long now);

#endif
