/* forms.h: reading request bodies: urlencoded forms (parsed here, newlines kept) and JSON (Content-Type enforced). */
#ifndef HC_FORMS_H
#define HC_FORMS_H

#include <kore/kore.h>
#include <kore/http.h>

#include <jansson.h>

#include "util/urlform.h"

/*
 * Parses an application/x-www-form-urlencoded POST body. Kore 4.1 drops
 * values containing newlines, so textareas are parsed here. Returns 1 with
 * form filled (form_free it), or 0 after answering the request itself: 415
 * for another content type, 400 for malformed escapes or UTF-8, in HTML
 * (error page) since forms come from browsers.
 */
int		 form_read(struct http_request *, struct form *);

/* form_get() and form_free() are in util/urlform.h. */

/*
 * Reads a JSON object body for the API. Returns 1 with *out (json_decref
 * it), or 0 after answering: 415 unless Content-Type is application/json
 * (a cross-site form cannot send it, so JSON writes need no CSRF token),
 * 400 for malformed JSON or a body that is not an object.
 */
int		 json_read(struct http_request *, json_t **out);

/*
 * Fetches an optional string member of a JSON body. Returns 1 with *out
 * borrowed, 0 when absent or null, or -1 when present but not a string.
 */
int		 json_member_string(json_t *, const char *name, const char **out);

#endif
