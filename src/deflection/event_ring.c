/* event_ring.c: one single-producer ring per worker in shared memory; the event writer is the only reader. */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event_ring.h"
#include "util/random.h"

/*
 * A record: its length (a multiple of 8; WRAP marks a jump to the ring's
 * start), five numbers, then ten strings as a 16-bit length (NO_STRING
 * for NULL) and the bytes. A worker publishes a record by moving tail
 * after writing it, so a worker killed mid-write publishes nothing; the
 * writer moves head once the records are committed.
 */
#define WRAP		UINT32_MAX
#define NO_STRING	UINT16_MAX
#define NSTRINGS	10
#define NNUMBERS	5
/* Longer strings are cut (a query is at most 256 characters). */
#define STRING_MAX	2048
#define RECORD_MAX	(8 + NNUMBERS * 8 + NSTRINGS * (2 + STRING_MAX))

struct ring {
	uint64_t	head;		/* bytes the writer released */
	uint64_t	read_to;	/* the writer's own: read, not released */
	char		pad[48];	/* head and tail on separate lines */
	uint64_t	tail;		/* bytes the worker published */
	uint64_t	dropped;
	uint32_t	writer_failing;	/* the writer's last commit failed */
	unsigned char	data[EVENT_RING_BYTES];
};

static struct ring	*rings;
static unsigned int	 nrings;
static struct ring	*mine;		/* this worker's, once attached */
/* This start's id, inherited by the writer: offsets restart at 0. */
static char		 run_id[17];

int
event_ring_init(unsigned int nworkers)
{
	unsigned char	id[8];
	size_t		i;

	rings = mmap(NULL, (size_t)nworkers * sizeof(*rings),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rings == MAP_FAILED) {
		rings = NULL;
		return (-1);
	}
	nrings = nworkers;
	if (random_bytes(id, sizeof(id)) != 0) {
		/* Unlikely; the time still differs from the last start's. */
		(void)snprintf(run_id, sizeof(run_id), "%016llx",
		    (unsigned long long)time(NULL));
		return (0);
	}
	for (i = 0; i < sizeof(id); i++)
		(void)snprintf(run_id + 2 * i, 3, "%02x", id[i]);
	return (0);
}

int
event_ring_attach(unsigned int id)
{
	size_t	i;

	if (rings == NULL || id >= nrings)
		return (-1);
	mine = &rings[id];
	/*
	 * Map the whole ring now: its 8 MiB are part of the worker from the
	 * start instead of growing into its RSS as the ring wraps.
	 */
	for (i = 0; i < sizeof(*mine); i += 4096)
		((volatile unsigned char *)mine)[i] =
		    ((volatile unsigned char *)mine)[i];
	return (0);
}

static struct ring *
my_ring(void)
{
	return (mine);
}

static const char *
string_of(const struct event *ev, int i)
{
	const char	*s[NSTRINGS] = { ev->type, ev->visitor, ev->search_id,
			    ev->query, ev->norm_query, ev->target, ev->slug,
			    ev->lang, ev->reason, ev->ticket_ref };

	return (s[i]);
}

/* Encodes ev into out (RECORD_MAX bytes); returns the record's length. */
static uint32_t
encode(const struct event *ev, unsigned char *out)
{
	int64_t		 nums[NNUMBERS];
	const char	*s;
	uint32_t	 len;
	uint16_t	 n;
	int		 i;

	nums[0] = ev->ts ? ev->ts : (int64_t)time(NULL);
	nums[1] = ev->result_count;
	nums[2] = ev->position;
	nums[3] = ev->helpful;
	nums[4] = ev->thread_id;
	memcpy(out + 8, nums, sizeof(nums));
	len = 8 + sizeof(nums);
	for (i = 0; i < NSTRINGS; i++) {
		s = string_of(ev, i);
		n = s == NULL ? NO_STRING : (uint16_t)(strlen(s) > STRING_MAX ?
		    STRING_MAX : strlen(s));
		memcpy(out + len, &n, 2);
		len += 2;
		if (n != NO_STRING) {
			memcpy(out + len, s, n);
			len += n;
		}
	}
	len = (len + 7) & ~7u;
	memcpy(out, &len, 4);
	return (len);
}

int
event_ring_push(const struct event *ev)
{
	struct ring	*r;
	unsigned char	 rec[RECORD_MAX + 8];
	uint64_t	 head, tail, pos, gap;
	uint32_t	 len, wrap = WRAP;

	if ((r = my_ring()) == NULL)
		return (-1);
	len = encode(ev, rec);
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	tail = r->tail;
	pos = tail % EVENT_RING_BYTES;
	/* A record never wraps: the rest of the ring is skipped instead. */
	gap = EVENT_RING_BYTES - pos < len ? EVENT_RING_BYTES - pos : 0;
	if (tail + gap + len - head > EVENT_RING_BYTES) {
		__atomic_add_fetch(&r->dropped, 1, __ATOMIC_RELAXED);
		return (0);
	}
	if (gap > 0) {
		memcpy(r->data + pos, &wrap, 4);
		pos = 0;
	}
	memcpy(r->data + pos, rec, len);
	__atomic_store_n(&r->tail, tail + gap + len, __ATOMIC_RELEASE);
	return (1);
}

/* Decodes the record at data into ev, its strings copied into strs. */
static void
decode(const unsigned char *data, struct event *ev,
    char strs[NSTRINGS][STRING_MAX + 1])
{
	const char	*s[NSTRINGS];
	int64_t		 nums[NNUMBERS];
	size_t		 at;
	uint16_t	 n;
	int		 i;

	memcpy(nums, data + 8, sizeof(nums));
	at = 8 + sizeof(nums);
	for (i = 0; i < NSTRINGS; i++) {
		memcpy(&n, data + at, 2);
		at += 2;
		s[i] = NULL;
		if (n != NO_STRING) {
			memcpy(strs[i], data + at, n);
			strs[i][n] = '\0';
			s[i] = strs[i];
			at += n;
		}
	}
	memset(ev, 0, sizeof(*ev));
	ev->ts = nums[0];
	ev->result_count = nums[1];
	ev->position = nums[2];
	ev->helpful = nums[3];
	ev->thread_id = nums[4];
	ev->type = s[0];
	ev->visitor = s[1];
	ev->search_id = s[2];
	ev->query = s[3];
	ev->norm_query = s[4];
	ev->target = s[5];
	ev->slug = s[6];
	ev->lang = s[7];
	ev->reason = s[8];
	ev->ticket_ref = s[9];
}

int
event_ring_read(int (*each)(const struct event *, void *), void *arg)
{
	static char	 strs[NSTRINGS][STRING_MAX + 1];
	struct ring	*r;
	struct event	 ev;
	uint64_t	 at, tail, pos;
	uint32_t	 len;
	unsigned int	 i;
	int		 n;

	n = 0;
	for (i = 0; i < nrings; i++) {
		r = &rings[i];
		tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
		for (at = r->head; at < tail && n < EVENT_RING_READ_MAX;
		    at += len) {
			pos = at % EVENT_RING_BYTES;
			memcpy(&len, r->data + pos, 4);
			if (len == WRAP) {
				len = EVENT_RING_BYTES - pos;
				continue;
			}
			decode(r->data + pos, &ev, strs);
			if (each(&ev, arg) == -1)
				return (-1);
			n++;
		}
		r->read_to = at;
	}
	return (n);
}

void
event_ring_release(void)
{
	unsigned int	i;

	for (i = 0; i < nrings; i++) {
		if (rings[i].read_to > rings[i].head)
			__atomic_store_n(&rings[i].head, rings[i].read_to,
			    __ATOMIC_RELEASE);
		__atomic_store_n(&rings[i].writer_failing, 0,
		    __ATOMIC_RELEASE);
	}
}

void
event_ring_unread(void)
{
	unsigned int	i;

	for (i = 0; i < nrings; i++) {
		rings[i].read_to = rings[i].head;
		__atomic_store_n(&rings[i].writer_failing, 1,
		    __ATOMIC_RELEASE);
	}
}

const char *
event_ring_run(void)
{
	return (run_id);
}

unsigned int
event_ring_count(void)
{
	return (nrings);
}

int
event_ring_read_offset(unsigned int i, unsigned long long *to)
{
	if (i >= nrings)
		return (0);
	*to = rings[i].read_to;
	return (rings[i].read_to > rings[i].head);
}

int
event_ring_skip_to(unsigned int i, unsigned long long offset)
{
	struct ring	*r;

	if (i >= nrings)
		return (0);
	r = &rings[i];
	if (offset <= r->head ||
	    offset > __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE))
		return (0);
	r->read_to = offset;
	__atomic_store_n(&r->head, offset, __ATOMIC_RELEASE);
	return (1);
}

int
event_ring_wait(int max_ms)
{
	struct ring	*r;
	struct timespec	 nap = { 0, 2 * 1000 * 1000 };
	uint64_t	 tail;
	int		 waited;

	if ((r = my_ring()) == NULL)
		return (-1);
	tail = r->tail;
	for (waited = 0; __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) < tail;
	    waited += 2) {
		/* A locked or full disk: the caller's own write will say so. */
		if (waited >= max_ms ||
		    __atomic_load_n(&r->writer_failing, __ATOMIC_ACQUIRE))
			return (-1);
		(void)nanosleep(&nap, NULL);
	}
	return (0);
}

unsigned long
event_ring_dropped(void)
{
	unsigned long	n;
	unsigned int	i;

	for (n = 0, i = 0; i < nrings; i++)
		n += __atomic_load_n(&rings[i].dropped, __ATOMIC_RELAXED);
	return (n);
}
