/* names.c: display-name rules: no bidi, zero-width or invisible-only names; an NFKC case-folded key for telling names apart (ICU). */
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <stdlib.h>
#include <string.h>

#include "community.h"

/*
 * Visible: drawn with ink. Spaces, controls, format characters, marks on
 * their own, default-ignorable fillers (U+3164 Hangul filler) and the
 * braille blank all look like nothing.
 */
static int
visible(UChar32 c)
{
	int8_t	t;

	t = u_charType(c);
	if (!u_isgraph(c) || t == U_NON_SPACING_MARK ||
	    t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK)
		return (0);
	if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
		return (0);
	return (c != 0x2800);
}

/*
 * Refused anywhere in a name: bidi controls (U+202E turns "evil.exe" into
 * "exe.live"), format characters (zero-width space and joiners, BOM), and
 * default-ignorable fillers, which pad a copy of someone's name. Emoji
 * variation selectors are ignorable too, but harmless and common.
 */
static int
refused(UChar32 c)
{
	if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL) ||
	    u_charType(c) == U_FORMAT_CHAR || u_charType(c) == U_CONTROL_CHAR)
		return (1);
	if ((c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
		return (0);
	return (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT));
}

enum cm_name_status
cm_name_check(const char *name, char **key)
{
	const UNormalizer2	*nfkc;
	UErrorCode		 err = U_ZERO_ERROR;
	UChar			 u[CM_NAME_MAX * 2 + 8], f[CM_NAME_MAX * 8 + 8];
	UChar			 c2[CM_NAME_MAX * 8 + 8];
	char			 out[CM_NAME_MAX * 32 + 8];
	int32_t			 ulen, flen, i, n, nchars, o;
	UChar32			 c;
	int			 seen, space;

	*key = NULL;
	if (name == NULL || *name == '\0')
		return (CM_NAME_EMPTY);
	if (strlen(name) > CM_NAME_MAX * 4)
		return (CM_NAME_TOO_LONG);
	u_strFromUTF8(u, (int32_t)(sizeof(u) / sizeof(u[0])), &ulen, name, -1,
	    &err);
	if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING)
		return (CM_NAME_TOO_LONG);
	if (U_FAILURE(err))
		return (CM_NAME_BAD_UTF8);
	seen = 0;
	nchars = 0;
	for (i = 0; i < ulen; nchars++) {
		U16_NEXT(u, i, ulen, c);
		if (refused(c))
			return (CM_NAME_INVISIBLE_CHARS);
		seen |= visible(c);
	}
	if (nchars > CM_NAME_MAX)
		return (CM_NAME_TOO_LONG);
	if (!seen)
		return (CM_NAME_NOTHING_VISIBLE);
	/* One key for "Ａｌｉｃｅ", "ALICE" and "alice". */
	if ((nfkc = unorm2_getNFKCCasefoldInstance(&err)) == NULL ||
	    U_FAILURE(err))
		return (CM_NAME_ERROR);
	flen = unorm2_normalize(nfkc, u, ulen, f,
	    (int32_t)(sizeof(f) / sizeof(f[0])), &err);
	if (U_FAILURE(err))
		return (CM_NAME_ERROR);
	/* White space runs count as one space; none at the ends. */
	for (i = 0, n = 0, space = 0; i < flen; ) {
		U16_NEXT(f, i, flen, c);
		if (u_isUWhiteSpace(c)) {
			space = n > 0;
			continue;
		}
		if (space)
			c2[n++] = ' ';
		space = 0;
		U16_APPEND_UNSAFE(c2, n, c);
	}
	u_strToUTF8(out, (int32_t)sizeof(out), &o, c2, n, &err);
	if (U_FAILURE(err) || o >= (int32_t)sizeof(out))
		return (CM_NAME_ERROR);
	out[o] = '\0';
	*key = strdup(out);
	return (*key == NULL ? CM_NAME_ERROR : CM_NAME_OK);
}

const char *
cm_name_message(enum cm_name_status s)
{
	switch (s) {
	case CM_NAME_OK:
		return ("ok");
	case CM_NAME_EMPTY:
		return ("Choose a display name for your first post.");
	case CM_NAME_TOO_LONG:
		return ("The display name is too long: at most 40 characters.");
	case CM_NAME_BAD_UTF8:
		return ("The display name holds characters that cannot be "
		    "posted (bad UTF-8).");
	case CM_NAME_INVISIBLE_CHARS:
		return ("The display name holds invisible or direction-changing "
		    "characters (such as zero-width spaces or right-to-left "
		    "overrides); type it again without them.");
	case CM_NAME_NOTHING_VISIBLE:
		return ("The display name shows nothing: use at least one "
		    "letter, digit or sign.");
	case CM_NAME_TAKEN:
		return ("Someone already uses that display name (or one that "
		    "looks the same); choose another.");
	default:
		return ("The display name could not be checked; try again.");
	}
}
