/* internal.h: what the ticket store's files share and nothing outside src/tickets/ needs. */
#ifndef HC_TICKETS_INTERNAL_H
#define HC_TICKETS_INTERNAL_H

/* The highest priority rank a keyword rule gives this text, or -1. */
int	tickets_keyword_rank(const char *subject, const char *body);

#endif
