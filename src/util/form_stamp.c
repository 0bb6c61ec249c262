/* form_stamp.c: sign and check the time a form was served (see form_stamp.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form_stamp.h"

#define STAMP_MAC_HEX	32
#define STAMP_SKEW	60

static void
stamp_mac(const unsigned char key[HMAC_KEY_LEN], const char *form,
    long long t, char out[STAMP_MAC_HEX + 1])
{
	char	purpose[64], msg[32];

	(void)snprintf(purpose, sizeof(purpose), "%s-form:", form);
	(void)snprintf(msg, sizeof(msg), "%lld", t);
	hmac_hex(key, purpose, msg, strlen(msg), STAMP_MAC_HEX / 2, out);
}

void
form_stamp_make(const unsigned char key[HMAC_KEY_LEN], const char *form,
    long long now, char out[FORM_STAMP_LEN])
{
	char	mac[STAMP_MAC_HEX + 1];

	stamp_mac(key, form, now, mac);
	(void)snprintf(out, FORM_STAMP_LEN, "%lld.%s", now, mac);
}

long long
form_stamp_age(const unsigned char key[HMAC_KEY_LEN], const char *form,
    const char *stamp, long long now)
{
	char		 mac[STAMP_MAC_HEX + 1], *end;
	long long	 t;

	if (stamp == NULL || stamp[0] < '1' || stamp[0] > '9')
		return (-1);
	errno = 0;
	t = strtoll(stamp, &end, 10);
	if (errno != 0 || *end != '.' || strlen(end + 1) != STAMP_MAC_HEX)
		return (-1);
	stamp_mac(key, form, t, mac);
	if (!hmac_equal(mac, end + 1, STAMP_MAC_HEX))
		return (-1);
	if (t > now + STAMP_SKEW)
		return (-1);
	return (t > now ? 0 : now - t);
}
