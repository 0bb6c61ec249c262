/* random.h: random bytes from OpenSSL's generator, drawn 4 KB at a time. */
#ifndef HC_RANDOM_H
#define HC_RANDOM_H

#include <stddef.h>

/*
 * Fills out with n random bytes; 0, or -1 when the generator failed. Up
 * to 256 bytes come from the kept ones, handed out in order, so an id
 * costs no system call (each RAND_bytes call asks the kernel for the
 * process id); more are drawn directly.
 */
int	random_bytes(void *out, size_t n);

/* Drops the kept bytes: a forked child calls it, so it never hands out its parent's. */
void	random_forget(void);

#endif
