/* ratetable.h: per-key request counters in a fixed table that may be shared between processes; never fails open when full. */
#ifndef HC_RATETABLE_H
#define HC_RATETABLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The table is an array of nslots 64-bit words that the caller owns (the
 * server maps it shared before forking; tests use a plain array), zeroed
 * before first use. Every update is a compare-and-swap, so several
 * processes may count in it at once and a process killed mid-update
 * leaves no lock behind.
 */

/* How many slots a key may land in; the coldest of them gives way. */
#define RATETABLE_PROBES	8

/*
 * Counts one hit of key (never 0) at time now (seconds) in a window of
 * window seconds opened by the key's first hit. Returns 1 when the hit is
 * within limit, else 0 with *retry_after set to the seconds until the
 * window closes (at least 1).
 *
 * A key not in the table takes a free or expired slot among its probes,
 * or else evicts the one with the lowest count (the oldest window among
 * equals): a flood of new keys pushes out one-hit keys first and a key
 * that is being limited last, so a full table still limits.
 */
int	ratetable_hit(uint64_t *table, size_t nslots, uint32_t key,
	    int limit, int window, int64_t now, int *retry_after);

#endif
