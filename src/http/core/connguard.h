/* connguard.h: the connection edge: a per-client connection cap, request framing checks and pipelining, before Kore parses a request. */
#ifndef HC_CONNGUARD_H
#define HC_CONNGUARD_H

#include <kore/kore.h>

/*
 * Open connections one client (an IPv4 address, an IPv6 /64) may hold in
 * one worker; the next is answered 429 and closed. Not applied with
 * TRUST_PROXY=on, where every connection comes from the proxy.
 */
#define CONN_PER_CLIENT	32

/*
 * The listener's connect callback (kore.conf: bind ... hc_connect): counts
 * the client's connections, then sets the connection up for HTTP as Kore
 * would, reading through connguard's own read function.
 */
void	hc_connect(struct connection *);

#endif
