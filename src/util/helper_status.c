/* helper_status.c: the helpers' status records in anonymous shared memory, one writer each, read by the workers. */
#include <sys/mman.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "helper_status.h"

/*
 * A sequence lock: the one writer of a record makes seq odd while it
 * changes the record, so that a reader retries instead of copying half
 * of an error message.
 */
struct slot {
	unsigned int		seq;
	struct helper_state	st;
};

static struct slot	*slots;

int
helper_status_init(void)
{
	void	*p;

	p = mmap(NULL, HELPER_COUNT * sizeof(*slots), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	slots = p;
	memset(slots, 0, HELPER_COUNT * sizeof(*slots));
	return (0);
}

static struct helper_state *
write_begin(enum helper_id id)
{
	if (slots == NULL || id >= HELPER_COUNT)
		return (NULL);
	__atomic_add_fetch(&slots[id].seq, 1, __ATOMIC_ACQ_REL);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return (&slots[id].st);
}

static void
write_end(enum helper_id id)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_add_fetch(&slots[id].seq, 1, __ATOMIC_RELEASE);
}

void
helper_status_started(enum helper_id id, pid_t pid)
{
	struct helper_state	*s;

	if ((s = write_begin(id)) == NULL)
		return;
	s->pid = pid;
	s->started = s->beat = (long long)time(NULL);
	write_end(id);
}

void
helper_status_beat(enum helper_id id)
{
	struct helper_state	*s;

	if ((s = write_begin(id)) == NULL)
		return;
	s->beat = (long long)time(NULL);
	write_end(id);
}

void
helper_status_ok(enum helper_id id)
{
	struct helper_state	*s;

	if ((s = write_begin(id)) == NULL)
		return;
	s->beat = s->last_ok = (long long)time(NULL);
	s->failing_since = 0;
	s->failures = 0;
	write_end(id);
}

void
helper_status_error(enum helper_id id, const char *fmt, ...)
{
	struct helper_state	*s;
	va_list			 ap;

	if ((s = write_begin(id)) == NULL)
		return;
	s->beat = s->last_error = (long long)time(NULL);
	if (s->failing_since == 0)
		s->failing_since = s->last_error;
	if (s->failures < 1000000)
		s->failures++;
	va_start(ap, fmt);
	(void)vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	write_end(id);
}

void
helper_status_build(size_t articles, size_t problems, int succeeded)
{
	struct helper_state	*s;

	if ((s = write_begin(HELPER_WATCHER)) == NULL)
		return;
	s->articles = (long long)articles;
	s->problems = (long long)problems;
	if (succeeded)
		s->good_articles = (long long)articles;
	write_end(HELPER_WATCHER);
}

void
helper_status_nodes(const struct helper_node *nodes, int n,
    long long differs_since)
{
	struct helper_state	*s;

	if ((s = write_begin(HELPER_WATCHER)) == NULL)
		return;
	if (n > HELPER_NODES_MAX)
		n = HELPER_NODES_MAX;
	if (n < 0)
		n = 0;
	memcpy(s->nodes, nodes, sizeof(*nodes) * (size_t)n);
	s->nnodes = n;
	s->differs_since = differs_since;
	s->nodes_reported = (long long)time(NULL);
	write_end(HELPER_WATCHER);
}

void
helper_backoff(enum helper_id id, unsigned int max_ms)
{
	struct timespec	ts;
	unsigned int	n, ms;

	if (slots == NULL || id >= HELPER_COUNT)
		return;
	if ((n = helper_status_failing(id)) == 0)
		return;
	for (ms = 200; n > 1 && ms < max_ms; n--)
		ms *= 2;
	if (ms > max_ms)
		ms = max_ms;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	(void)nanosleep(&ts, NULL);
}

unsigned int
helper_status_failing(enum helper_id id)
{
	if (slots == NULL || id >= HELPER_COUNT)
		return (0);
	return (__atomic_load_n(&slots[id].st.failures, __ATOMIC_RELAXED));
}

int
helper_status_read(enum helper_id id, struct helper_state *out)
{
	unsigned int	s1, s2;
	int		tries;

	if (slots == NULL || id >= HELPER_COUNT)
		return (-1);
	/* A writer holds a record for microseconds: a few tries suffice. */
	for (tries = 0; tries < 1000; tries++) {
		s1 = __atomic_load_n(&slots[id].seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		memcpy(out, &slots[id].st, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&slots[id].seq, __ATOMIC_ACQUIRE);
		if (s1 == s2) {
			out->error[sizeof(out->error) - 1] = '\0';
			return (0);
		}
	}
	return (-1);
}
