/* ratetable.c: lock-free per-key counters with eviction of the coldest entry (see ratetable.h). */
#include "util/ratetable.h"

/*
 * A slot: the key (32 bits), the second its window closes (low 16 bits)
 * and the count (16 bits). Windows are short (seconds to a minute), so 16
 * bits of seconds (18 hours) tell a live window from a past one; a slot
 * idle for a multiple of 18 hours can at worst look live for one window.
 */
#define SLOT_KEY(s)	((uint32_t)((s) >> 32))
#define SLOT_END(s)	((uint16_t)((s) >> 16))
#define SLOT_COUNT(s)	((uint16_t)(s))
#define SLOT(k, e, c)	(((uint64_t)(k) << 32) | ((uint64_t)(uint16_t)(e) << 16) | \
			    (uint16_t)(c))

/* Seconds left in the slot's window; 0 or less when it is over. */
static int
slot_left(uint64_t s, int64_t now)
{
	return ((int16_t)(uint16_t)(SLOT_END(s) - (uint16_t)now));
}

int
ratetable_hit(uint64_t *table, size_t nslots, uint32_t key, int limit,
    int window, int64_t now, int *retry_after)
{
	uint64_t	*slot, *victim, old, vold, new;
	uint32_t	 vcount, count;
	int		 i, left, vleft;

	*retry_after = 0;
	if (key == 0)
		key = 1;
	if (limit > 0xffff)
		limit = 0xffff;
	/* Each pass either succeeds or saw another process's update. */
	for (;;) {
		victim = NULL;
		vold = 0;
		vcount = UINT32_MAX;
		vleft = 0;
		for (i = 0; i < RATETABLE_PROBES; i++) {
			slot = &table[(key + (uint32_t)i) % nslots];
			old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
			left = slot_left(old, now);
			if (SLOT_KEY(old) == key && left > 0) {
				if (SLOT_COUNT(old) >= limit) {
					*retry_after = left;
					return (0);
				}
				new = old + 1;
				if (__atomic_compare_exchange_n(slot, &old, new,
				    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
					return (1);
				goto again;
			}
			/* A free or expired slot beats any live one. */
			count = (SLOT_KEY(old) == 0 || left <= 0) ? 0 :
			    SLOT_COUNT(old);
			if (count == 0)
				left = 0;
			if (victim == NULL || count < vcount ||
			    (count == vcount && left < vleft)) {
				victim = slot;
				vold = old;
				vcount = count;
				vleft = left;
			}
		}
		new = SLOT(key, now + window, 1);
		if (__atomic_compare_exchange_n(victim, &vold, new, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return (1);
again:
		;
	}
}
