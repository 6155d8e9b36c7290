/*
 * The event set is a calendar queue (Brown, CACM 31(10), 1988) whose bucket
 * width follows the event stream, as in the dynamic calendar queue of Oh and
 * Ahn (1998).  Why not the 4-ary heap it replaced: `dcisim bench` measured
 * that heap at 12.3 / 6.7 / 2.8 M events/s (1e3 / 1e5 / 1e6 pending) while a
 * bare calendar queue did 50 / 28 / 6 M on the same machine; a heap step
 * costs a cache miss per level once the queue outgrows the caches, and its
 * dispatch removed the root and then inserted the handler's new event, two
 * traversals per event.  A calendar queue dequeues and enqueues in O(1) on
 * the time distributions simulations make; its known weaknesses (a bad
 * width, runs of equal times) are handled below and tested by
 * tests/test_kernel.c (test_linear_patterns).
 *
 * Layout: node i of a pool is three array entries, so that what each step
 * touches is dense in cache: a 16-byte slot (time, bucket links) that the
 * queue walks, a 24-byte act (handler, context, generation) that dispatch
 * reads, and the 32-byte payload, touched only by events that carry one
 * (payloads are zeroed lazily: a payload-less event never touches its line).
 * Free nodes form a LIFO list, so the node a handler schedules is usually
 * the one an event before it released, still in cache.  The pool only grows.
 *
 * Calendar: nb buckets (a power of two) of width 2^shift ns; an event at time
 * t sits in bucket (t >> shift) mod nb, in a doubly linked list sorted by
 * time.  A new event goes after every queued event with a time <= its own,
 * so equal times run in scheduling order with no sequence number stored;
 * head and tail checks make the common cases O(1) (a burst at one instant
 * appends), and a middle insertion searches from both ends at once.  The
 * next event is the head of the current slot's bucket when its slot
 * matches; otherwise the scan steps to the next slot, and after a whole
 * "year" of empty slots searches the bucket heads directly.
 *
 * Resizing: nb doubles above nb queued events and halves below nb / 4.
 * Each rebuild sets the width to 3 x the mean separation of the 128
 * earliest events (Brown's rule: separations over twice the mean left out),
 * at least 3/2 x the plain mean, rounded down to a power of two so the
 * bucket index is a shift; when the earliest events all share one instant,
 * the width is the separation of the earliest distinct times, so that each
 * run of equal times gets a slot of its own.  A window of 1024 events whose
 * measured cost (slots stepped over by the scan, nodes passed by
 * insertions) averages above 8 per event counts as waste; once the waste
 * would pay for a rebuild (about the queued count), the width is
 * re-estimated (Oh and Ahn's trigger), with growing patience when that does
 * not change it.  Two bucket arrays, kept at their largest size, take turns,
 * so nothing is allocated once the queue has reached its peak.
 *
 * Cancel unlinks the node (O(1): lists are doubly linked; a head's prev link
 * is never read, so dequeuing touches no other node) and bumps the node's
 * generation: a handle is (generation, index) and matches only while its
 * event is queued (odd generation).  Dispatch finds the event that will run
 * next (unless the handler schedules an earlier one, which forgets it),
 * moves the scan to it and remembers it for the run loop, and prefetches its
 * act and, unverified, the slots and acts of the likely event after it,
 * while the current handler runs.  The handler gets a
 * pointer to the node's own payload: the node returns to the pool only when
 * the handler returns, and a pool growth during a handler keeps the old
 * payload array until then, so payloads are never copied.
 *
 * Limits: one width serves the whole queue, so a dense cluster of events at
 * "now" with sparse events far beyond it (bimodal times) costs a scan over
 * the empty slots between them per far event, up to a whole year (nb slots)
 * and a direct search; the adaptation bounds how long that lasts but cannot
 * remove it (test_random_against_reference's nanosecond phase runs at about
 * 2.5 us per event at 1e5 pending).  A ladder queue (Tang, Goh and Thng,
 * 2005) would; nothing dcisim schedules has needed it so far.
 *
 * Measured with `dcisim bench` (Release build, hold model with exponential
 * increments, 4e6 events, best of 3 by CPU time, events/s; a 2-core AMD EPYC
 * VM shared with other builds, so ratios move by about 0.05 between runs,
 * most at 1e6 where the bare queue itself varies from 6.7 to 8.9 M):
 *
 *   pending   kernel    bare binary heap   bare calendar queue   kernel/calendar
 *   1e3       41.1 M    22.3 M             51.2 M                0.80
 *   1e5       24.1 M    11.3 M             28.9 M                0.84
 *   1e6        6.8 M     5.1 M              8.1 M                0.84
 *
 * with 96 bytes per pending event (slot, act, payload, three buckets).  ns-3
 * 3.37's fastest scheduler does about 7.8 / 2.5 / 1.8 M on this kind of
 * machine (SPEC §5).  The kernel's outputs are byte-identical to the heap's
 * on every bundled scenario (same event order, same run fingerprints).
 */
#include "dcisim/exitcode.h"
#include "dcisim/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/hash.h"

#define NIL             UINT32_MAX
#define MAX_NODES       (UINT32_C(1) << 31)
#define NB_MIN          16
#define SAMPLES         128
#define COST_LIMIT      8
#define ADAPT_WINDOW    1024
#define MAX_PATIENCE    6
#define MAX_RETIRED     40
#define LOOKAHEAD_SLOTS 8
/* A broken invariant: abort with file:line. */
#define DCS_FATAL(...)                                                                             \
	do {                                                                                       \
		fprintf(stderr, "%s:%d: fatal: ", __FILE__, __LINE__);                             \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		abort();                                                                           \
	} while (0)

/* Resources exhausted: a runtime failure, exit status 3 (SPEC §1). */
#define DCS_OUT_OF_MEMORY(...)                                                                     \
	do {                                                                                       \
		fprintf(stderr, "dcisim: out of memory: ");                                        \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		exit(DCS_EXIT_RUNTIME);                                                            \
	} while (0)

/* What the queue walks: 16 bytes, four to a line. */
struct slot {
	dcs_time_t t;
	uint32_t next, prev; /* bucket list; next links the free list */
};

/* What dispatch calls, and the generation that names the event: 24 bytes.
 * gen is odd while the event is queued; dirty is set while the node's
 * payload holds bytes other than zero. */
struct act {
	dcs_event_fn fn;
	void *ctx;
	uint32_t gen;
	uint32_t dirty;
};

/* The inline payload, touched only by events that carry one. */
struct payload {
	unsigned char b[DCS_PAYLOAD_BYTES];
};

struct bucket {
	uint32_t head, tail;
};

struct stream {
	uint64_t hash;
	char *name;
	gsl_rng *rng;
	bool owned; /* from gsl_rng_alloc (not in a block): see new_stream() */
};

/* A stream's generator and its state in one place: GSL's taus2 keeps three
 * unsigned longs.  Cells come in blocks that never move, so the gsl_rng
 * pointers handed out stay valid. */
#define STREAM_BLOCK 64
struct rng_cell {
	gsl_rng rng;
	unsigned long state[3];
};
struct rng_block {
	struct rng_block *next;
	size_t used;
	struct rng_cell cell[STREAM_BLOCK];
};

struct dcs_kernel {
	dcs_time_t now;
	uint64_t seed;
	uint64_t events;
	uint64_t event_limit;
	bool stop_requested;

	/* The pool, by node index. */
	struct slot *nodes;
	struct act *acts;
	struct payload *payloads;
	uint32_t nodes_len, nodes_cap; /* handed out at least once / allocated */
	uint32_t free_head;

	/* The calendar. */
	struct bucket *buckets;
	struct bucket *spare; /* the other array a rebuild moves the lists into */
	size_t buckets_cap, spare_cap;
	size_t nb, mask;
	size_t shrink_below; /* nb / 4: fewer queued events halve nb */
	unsigned shift;
	int64_t cur; /* the slot number (t >> shift) being drained; <= every queued one */
	size_t queued;
	size_t held;      /* future events modules keep behind one of their own (dcs_kernel_hold) */
	uint32_t next_up; /* what front() will return, found by dispatch; NIL: scan */

	/* Adaptation: cost since the last check (slots stepped over by the
	 * dequeue scan, nodes passed by insertions), the cost of the slow
	 * windows since the last rebuild, events left in this window. */
	uint64_t cost, waste;
	uint32_t window_left;
	unsigned patience;

	/* Body arrays replaced while a handler held a payload pointer. */
	void *retired[MAX_RETIRED];
	unsigned n_retired;
	unsigned depth; /* handlers running */

	struct stream *streams; /* open addressing, power-of-two size */
	size_t streams_cap, streams_len;
	struct rng_block *rng_blocks;

	dcs_observer_fn observer;
	void *observer_ctx;
};

struct dcs_kernel *dcs_kernel_create(uint64_t seed)
{
	struct dcs_kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->seed = seed;
	k->free_head = NIL;
	k->next_up = NIL;
	k->nb = NB_MIN;
	k->mask = NB_MIN - 1;
	k->shift = 20; /* about a millisecond until the first rebuild measures */
	k->window_left = ADAPT_WINDOW;
	k->buckets = malloc(NB_MIN * sizeof(*k->buckets));
	k->buckets_cap = NB_MIN;
	if (!k->buckets) {
		free(k);
		return NULL;
	}
	for (size_t b = 0; b < NB_MIN; b++)
		k->buckets[b].head = k->buckets[b].tail = NIL;
	return k;
}

static void free_retired(struct dcs_kernel *k)
{
	for (unsigned i = 0; i < k->n_retired; i++)
		free(k->retired[i]);
	k->n_retired = 0;
}

void dcs_kernel_destroy(struct dcs_kernel *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->streams_cap; i++) {
		if (k->streams[i].rng) {
			if (k->streams[i].owned)
				gsl_rng_free(k->streams[i].rng);
			free(k->streams[i].name);
		}
	}
	while (k->rng_blocks) {
		struct rng_block *b = k->rng_blocks;
		k->rng_blocks = b->next;
		free(b);
	}
	free_retired(k);
	free(k->streams);
	free(k->buckets);
	free(k->spare);
	free(k->nodes);
	free(k->acts);
	free(k->payloads);
	free(k);
}

dcs_time_t dcs_now(const struct dcs_kernel *k)
{
	return k->now;
}

uint64_t dcs_kernel_seed(const struct dcs_kernel *k)
{
	return k->seed;
}

/* ---- the node pool ---- */

static void grow_pool(struct dcs_kernel *k)
{
	if (k->nodes_cap >= MAX_NODES)
		DCS_OUT_OF_MEMORY("more than %lu events pending at once", (unsigned long)MAX_NODES);
	uint32_t cap = k->nodes_cap ? 2 * k->nodes_cap : 256;
	struct slot *n = aligned_alloc(64, (size_t)cap * sizeof(*n));
	struct payload *pl = aligned_alloc(64, (size_t)cap * sizeof(*pl));
	struct act *a = realloc(k->acts, (size_t)cap * sizeof(*a));
	if (!n || !pl || !a)
		DCS_OUT_OF_MEMORY("growing the event pool to %lu events", (unsigned long)cap);
	k->acts = a;
	if (k->nodes_len) {
		memcpy(n, k->nodes, (size_t)k->nodes_len * sizeof(*n));
		memcpy(pl, k->payloads, (size_t)k->nodes_len * sizeof(*pl));
	}
	/* Payloads start zeroed: an event without one skips the zeroing. */
	memset(pl + k->nodes_len, 0, (size_t)(cap - k->nodes_len) * sizeof(*pl));
	free(k->nodes);
	if (k->depth > 0 && k->payloads) {
		/* A running handler holds a pointer to its payload in there. */
		if (k->n_retired == MAX_RETIRED)
			DCS_FATAL("event pool grew too often within one handler");
		k->retired[k->n_retired++] = k->payloads;
	} else {
		free(k->payloads);
	}
	k->nodes = n;
	k->payloads = pl;
	k->nodes_cap = cap;
}

static inline uint32_t node_alloc(struct dcs_kernel *k)
{
	uint32_t i = k->free_head;
	if (i != NIL) {
		k->free_head = k->nodes[i].next;
		return i;
	}
	if (k->nodes_len == k->nodes_cap)
		grow_pool(k);
	i = k->nodes_len++;
	k->acts[i].gen = 0;
	k->acts[i].dirty = 0;
	return i;
}

static inline void node_free(struct dcs_kernel *k, uint32_t i)
{
	k->nodes[i].next = k->free_head;
	k->free_head = i;
}

/* ---- the calendar ---- */

static inline struct bucket *bucket_of(const struct dcs_kernel *k, dcs_time_t t)
{
	return &k->buckets[(size_t)(t >> k->shift) & k->mask];
}

/* Links node i into its bucket after every node with a time <= its own.
 * The middle of a list is searched from both ends at once, so a run of
 * equal times costs nothing to the side it is not on. */
static inline void link_node(struct dcs_kernel *k, uint32_t i)
{
	struct slot *nodes = k->nodes;
	dcs_time_t t = nodes[i].t;
	int64_t slot = t >> k->shift;
	struct bucket *b = &k->buckets[(size_t)slot & k->mask];
	if (slot <= k->cur) {
		/* It may come before the event dispatch found next. */
		if (slot < k->cur)
			k->cur = slot;
		k->next_up = NIL;
	}
	uint32_t h = b->head;
	if (h == NIL) {
		nodes[i].next = nodes[i].prev = NIL;
		b->head = b->tail = i;
		return;
	}
	if (t < nodes[h].t) {
		nodes[i].next = h;
		nodes[i].prev = NIL;
		nodes[h].prev = i;
		b->head = i;
		return;
	}
	uint32_t r = b->tail;
	if (nodes[r].t <= t) {
		nodes[i].next = NIL;
		nodes[i].prev = r;
		nodes[r].next = i;
		b->tail = i;
		return;
	}
	/* head.t <= t < tail.t: find the last node with a time <= t. */
	uint32_t f = h, steps = 0;
	for (;;) {
		uint32_t fn = nodes[f].next;
		if (nodes[fn].t > t)
			break;
		f = fn;
		uint32_t rp = nodes[r].prev;
		if (nodes[rp].t <= t) {
			f = rp;
			break;
		}
		r = rp;
		steps += 2;
	}
	uint32_t after = nodes[f].next;
	nodes[i].prev = f;
	nodes[i].next = after;
	nodes[f].next = i;
	nodes[after].prev = i;
	k->cost += steps;
}

/* A head's prev is left stale (it is never read), so taking the head off
 * its list touches no other node. */
static inline void unlink_node(struct dcs_kernel *k, uint32_t i)
{
	if (k->next_up == i)
		k->next_up = NIL;
	struct slot *n = &k->nodes[i];
	struct bucket *b = bucket_of(k, n->t);
	bool head = b->head == i;
	if (head)
		b->head = n->next;
	else
		k->nodes[n->prev].next = n->next;
	if (b->tail == i)
		b->tail = head ? NIL : n->prev;
	else
		k->nodes[n->next].prev = n->prev;
}

/* Points the scan at the slot of the earliest bucket head. */
static void direct_search(struct dcs_kernel *k)
{
	dcs_time_t best = DCS_TIME_NEVER;
	for (size_t b = 0; b < k->nb; b++)
		if (k->buckets[b].head != NIL && k->nodes[k->buckets[b].head].t < best)
			best = k->nodes[k->buckets[b].head].t;
	k->cur = best >> k->shift;
	k->cost += k->nb;
}

/* The earliest event, left queued; NIL when none is. */
static inline uint32_t front(struct dcs_kernel *k)
{
	if (k->queued == 0)
		return NIL;
	if (k->next_up != NIL)
		return k->next_up;
	size_t scanned = 0;
	for (;;) {
		uint32_t h = k->buckets[(size_t)k->cur & k->mask].head;
		if (h != NIL && (k->nodes[h].t >> k->shift) == k->cur) {
			k->cost += scanned;
			return h;
		}
		k->cur++;
		if (++scanned > k->nb) {
			direct_search(k);
			scanned = 0;
		}
	}
}

/* Keeps the `n` smallest of the values offered, sorted; with `distinct`,
 * values already kept are not kept twice. */
static void keep_smallest(dcs_time_t *s, size_t *got, size_t n, dcs_time_t t, bool distinct)
{
	if (*got == n && t >= s[n - 1])
		return;
	size_t i = *got;
	while (i > 0 && s[i - 1] > t)
		i--;
	if (distinct && i > 0 && s[i - 1] == t)
		return;
	size_t last = *got < n ? (*got)++ : n - 1;
	memmove(s + i + 1, s + i, (last - i) * sizeof(*s));
	s[i] = t;
}

/* Brown's mean separation of sorted values: the plain mean, then the mean of
 * the separations no larger than twice it. */
static double trimmed_separation(const dcs_time_t *s, size_t got)
{
	if (got < 2)
		return 0;
	double avg = (double)(s[got - 1] - s[0]) / (double)(got - 1), sum = 0;
	size_t cnt = 0;
	for (size_t i = 1; i < got; i++) {
		double d = (double)(s[i] - s[i - 1]);
		if (d <= 2 * avg) {
			sum += d;
			cnt++;
		}
	}
	return sum / (double)cnt;
}

/* The bucket width, as a shift: Brown's 3 x the mean separation of the
 * earliest events.  When many of those share an instant the trimmed mean
 * collapses, so it is at least 3/2 x the plain mean; when all of them do, it
 * is the separation of the earliest distinct times (not three of them), so
 * that each run of equal times has a slot of its own: an insertion among
 * runs would pass whole runs. */
static unsigned width_shift(const dcs_time_t *all, size_t n_all, const dcs_time_t *dist,
			    size_t n_dist, unsigned old)
{
	double w = 0;
	if (n_all >= 2) {
		double plain = (double)(all[n_all - 1] - all[0]) / (double)(n_all - 1);
		w = 3 * trimmed_separation(all, n_all);
		if (w < 1.5 * plain)
			w = 1.5 * plain;
	}
	if (!(w >= 1) && n_dist >= 2)
		w = trimmed_separation(dist, n_dist);
	if (!(w >= 1))
		return n_dist >= 2 ? 0 : old;
	unsigned shift = 0;
	while (shift < 62 && (double)(INT64_C(1) << (shift + 1)) <= w)
		shift++;
	return shift;
}

/* Rebuilds the calendar with nb buckets and a re-estimated width.  Lists
 * move bucket by bucket, in order, and events of equal time always share a
 * bucket, so their order survives. */
static void rebuild(struct dcs_kernel *k, size_t nb)
{
	dcs_time_t all[SAMPLES], dist[SAMPLES];
	size_t n_all = 0, n_dist = 0;
	struct slot *nodes = k->nodes;
	for (size_t b = 0; b < k->nb; b++) {
		for (uint32_t i = k->buckets[b].head; i != NIL; i = nodes[i].next) {
			dcs_time_t t = nodes[i].t;
			if (n_dist == SAMPLES && t >= dist[SAMPLES - 1] &&
			    (n_all == SAMPLES && t >= all[SAMPLES - 1]))
				break; /* the rest of this list is later still */
			keep_smallest(all, &n_all, SAMPLES, t, false);
			keep_smallest(dist, &n_dist, SAMPLES, t, true);
		}
	}
	/* Two arrays, kept at the largest size used, take turns: once the
	 * queue has reached its peak, rebuilding allocates nothing. */
	if (k->spare_cap < nb) {
		struct bucket *sp = realloc(k->spare, nb * sizeof(*sp));
		if (!sp)
			DCS_OUT_OF_MEMORY("%zu calendar buckets", nb);
		k->spare = sp;
		k->spare_cap = nb;
	}
	struct bucket *nbk = k->spare;
	for (size_t b = 0; b < nb; b++)
		nbk[b].head = nbk[b].tail = NIL;
	struct bucket *old = k->buckets;
	size_t onb = k->nb, ocap = k->buckets_cap;
	k->buckets = nbk;
	k->buckets_cap = k->spare_cap;
	k->nb = nb;
	k->mask = nb - 1;
	k->shrink_below = nb > NB_MIN ? nb / 4 : 0;
	k->shift = width_shift(all, n_all, dist, n_dist, k->shift);
	k->cur = k->now >> k->shift;
	k->next_up = NIL;
	for (size_t b = 0; b < onb; b++) {
		for (uint32_t i = old[b].head, next; i != NIL; i = next) {
			next = nodes[i].next;
			link_node(k, i);
		}
	}
	k->spare = old;
	k->spare_cap = ocap;
	k->cost = 0;
	k->waste = 0;
	k->window_left = ADAPT_WINDOW;
}

static size_t buckets_for(size_t n)
{
	size_t nb = NB_MIN;
	while (nb < n)
		nb *= 2;
	return nb;
}

/* Called every ADAPT_WINDOW events, or sooner when the window's cost
 * already exceeds what the whole window may cost (a width far too small can
 * make one dequeue scan a whole year and the bucket heads).  A rebuild costs
 * about one pass over the queued events, so the width is re-estimated only
 * once the windows that ran over COST_LIMIT per event have wasted that
 * much; a rebuild that gives the same width doubles the waste needed for
 * the next one (up to 64 times), until a window runs well again. */
static void adapt(struct dcs_kernel *k)
{
	uint64_t events = ADAPT_WINDOW - k->window_left + 1;
	if (k->cost > COST_LIMIT * events) {
		k->waste += k->cost;
	} else {
		k->waste = 0;
		k->patience = 0;
	}
	k->cost = 0;
	k->window_left = ADAPT_WINDOW;
	if (k->waste < ((uint64_t)k->queued + ADAPT_WINDOW) << k->patience)
		return;
	unsigned before = k->shift;
	rebuild(k, buckets_for(k->queued));
	if (k->shift != before)
		k->patience = 0;
	else if (k->patience < MAX_PATIENCE)
		k->patience++;
}

/* ---- scheduling ---- */

static inline dcs_handle_t schedule(struct dcs_kernel *k, dcs_time_t at, dcs_event_fn fn, void *ctx,
				    const void *payload, size_t payload_len)
{
	if (at < k->now)
		DCS_FATAL("event scheduled in the past (at %lld ns, now %lld ns)", (long long)at,
			  (long long)k->now);
	if (payload_len > DCS_PAYLOAD_BYTES)
		DCS_FATAL("event payload of %zu bytes exceeds %d", payload_len, DCS_PAYLOAD_BYTES);
	if (!fn)
		DCS_FATAL("event scheduled without a handler");
	uint32_t i = node_alloc(k);
	struct slot *n = &k->nodes[i];
	n->t = at;
	struct act *a = &k->acts[i];
	a->fn = fn;
	a->ctx = ctx;
	if (payload_len) {
		unsigned char *p = k->payloads[i].b;
		/* Zeroed whole (a few fixed stores), then the bytes given. */
		memset(p, 0, DCS_PAYLOAD_BYTES);
		memcpy(p, payload, payload_len);
		a->dirty = 1;
	} else if (a->dirty) {
		/* Zeroed only when it held bytes, so an event without a
		 * payload never touches its payload's cache line. */
		memset(k->payloads[i].b, 0, DCS_PAYLOAD_BYTES);
		a->dirty = 0;
	}
	uint32_t gen = ++a->gen; /* odd: queued */
	link_node(k, i);
	if (++k->queued > k->nb)
		rebuild(k, 2 * k->nb);
	return ((uint64_t)gen << 32) | (i + 1);
}

dcs_handle_t dcs_schedule(struct dcs_kernel *k, dcs_time_t at, dcs_event_fn fn, void *ctx,
			  const void *payload, size_t payload_len)
{
	return schedule(k, at, fn, ctx, payload, payload_len);
}

dcs_handle_t dcs_schedule_in(struct dcs_kernel *k, dcs_time_t delay, dcs_event_fn fn, void *ctx,
			     const void *payload, size_t payload_len)
{
	return schedule(k, k->now + delay, fn, ctx, payload, payload_len);
}

/* The node a handle names while its event is queued, or NIL.  Only a queued
 * node has an odd generation, and it matches only its own handle. */
static uint32_t handle_node(const struct dcs_kernel *k, dcs_handle_t h)
{
	uint64_t idx1 = h & 0xffffffffu;
	if (idx1 == 0 || idx1 > k->nodes_len)
		return NIL;
	uint32_t gen = k->acts[idx1 - 1].gen;
	if (gen != (uint32_t)(h >> 32) || !(gen & 1u))
		return NIL;
	return (uint32_t)(idx1 - 1);
}

bool dcs_pending(const struct dcs_kernel *k, dcs_handle_t h)
{
	return handle_node(k, h) != NIL;
}

bool dcs_cancel(struct dcs_kernel *k, dcs_handle_t h)
{
	uint32_t i = handle_node(k, h);
	if (i == NIL)
		return false;
	unlink_node(k, i);
	k->acts[i].gen++;
	node_free(k, i);
	k->queued--;
	return true;
}

/* ---- running ---- */

static void dispatch(struct dcs_kernel *k, uint32_t i)
{
	struct slot *n = &k->nodes[i];
	struct bucket *b = &k->buckets[(size_t)k->cur & k->mask];
	uint32_t next = n->next;
	k->next_up = NIL;
	b->head = next;
	if (next == NIL)
		b->tail = NIL;
	/* Find the event that will run next (unless the handler schedules an
	 * earlier one) as front() would, and move the scan to its slot: every
	 * slot before it is empty, and link_node() moves the scan back for an
	 * earlier event.  Fetch what it needs while this handler runs, and,
	 * unverified, the likely event after it (the next node of its bucket,
	 * the first of the next bucket): otherwise each is a cache miss once
	 * the queue outgrows the caches. */
	int64_t c = k->cur;
	uint32_t h = next;
	size_t j = 0;
	for (; j < LOOKAHEAD_SLOTS; j++, c++) {
		if (j)
			h = k->buckets[(size_t)c & k->mask].head;
		if (h != NIL && (k->nodes[h].t >> k->shift) == c) {
			k->next_up = h;
			__builtin_prefetch(&k->acts[h]);
			uint32_t x = k->nodes[h].next;
			if (x != NIL) {
				__builtin_prefetch(&k->nodes[x]);
				__builtin_prefetch(&k->acts[x]);
			}
			x = k->buckets[(size_t)(c + 1) & k->mask].head;
			if (x != NIL) {
				__builtin_prefetch(&k->nodes[x]);
				__builtin_prefetch(&k->acts[x]);
			}
			break;
		}
	}
	k->cur = c;
	k->cost += j;
	k->queued--;
	dcs_time_t t = n->t;
	struct act *a = &k->acts[i];
	dcs_event_fn fn = a->fn;
	void *ctx = a->ctx;
	a->gen++;
	k->now = t;
	k->events++;
	k->depth++;
	fn(k, ctx, k->payloads[i].b);
	k->depth--;
	node_free(k, i);
	if (k->n_retired && k->depth == 0)
		free_retired(k);
	if (k->observer)
		k->observer(k->observer_ctx, t, fn);
	if (k->queued < k->shrink_below)
		rebuild(k, k->nb / 2);
	else if (--k->window_left == 0 || k->cost > COST_LIMIT * ADAPT_WINDOW)
		adapt(k);
}

enum dcs_stop_reason dcs_kernel_run(struct dcs_kernel *k, dcs_time_t until)
{
	k->stop_requested = false;
	for (;;) {
		if (k->stop_requested)
			return DCS_STOP_REQUEST;
		uint32_t i = front(k);
		if (i == NIL)
			return DCS_STOP_EMPTY;
		if (k->nodes[i].t > until) {
			if (until > k->now)
				k->now = until;
			return DCS_STOP_HORIZON;
		}
		if (k->event_limit && k->events >= k->event_limit)
			return DCS_STOP_LIMIT;
		dispatch(k, i);
	}
}

bool dcs_kernel_step(struct dcs_kernel *k, dcs_time_t until)
{
	uint32_t i = front(k);
	if (i == NIL || k->nodes[i].t > until)
		return false;
	dispatch(k, i);
	return true;
}

void dcs_kernel_stop(struct dcs_kernel *k)
{
	k->stop_requested = true;
}

void dcs_kernel_set_event_limit(struct dcs_kernel *k, uint64_t max_events)
{
	k->event_limit = max_events;
}

void dcs_kernel_set_observer(struct dcs_kernel *k, dcs_observer_fn fn, void *ctx)
{
	k->observer = fn;
	k->observer_ctx = ctx;
}

uint64_t dcs_kernel_events(const struct dcs_kernel *k)
{
	return k->events;
}

size_t dcs_kernel_pending(const struct dcs_kernel *k)
{
	return k->queued + k->held;
}

void dcs_kernel_hold(struct dcs_kernel *k, size_t held_before, size_t held_now)
{
	k->held = k->held - held_before + held_now;
}

dcs_time_t dcs_kernel_next_time(const struct dcs_kernel *k)
{
	/* Read-only, so no scan state moves: the earliest bucket head. */
	dcs_time_t best = DCS_TIME_NEVER;
	if (k->queued == 0)
		return best;
	for (size_t b = 0; b < k->nb; b++)
		if (k->buckets[b].head != NIL && k->nodes[k->buckets[b].head].t < best)
			best = k->nodes[k->buckets[b].head].t;
	return best;
}

size_t dcs_kernel_bytes_per_pending(void)
{
	/* A slot, an act and a payload per node, and buckets: the calendar
	 * has one to four per queued event, two just after it grew (the steady
	 * case counted here), and the spare array half as many again. */
	return sizeof(struct slot) + sizeof(struct act) + sizeof(struct payload) +
	       3 * sizeof(struct bucket);
}

/* ---- random streams ----
 *
 * Each named stream is GSL's taus2 (L'Ecuyer's maximally equidistributed
 * combined Tausworthe generator, Math. Comp. 65 (1996) 203-213, with the
 * seeding fix of 1999; period 2^88, 24 bytes of state, about 2.5 times
 * faster per draw than MT19937 here), created on first use.  It replaced a
 * Mersenne Twister per entity (5 KB of state and a 624-step seeding each:
 * 9 KB per VM in a large evacuation).  Its whole state (three 32-bit
 * components) is set from the stream seed through splitmix64 rather than by
 * gsl_rng_set(), whose LCG takes 32 bits of seed: with 88 bits two streams of
 * a run never share a starting point (with 32 bits, 100,000 streams would
 * likely hold one identical pair).  Then, as gsl_rng_set() does, six draws
 * are discarded.  The state layout (three unsigned longs) is taus2's since
 * GSL 1.0; a GSL whose taus2 state differs gets gsl_rng_set() instead. */

static uint64_t splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

uint64_t dcs_stream_seed(uint64_t seed, const char *entity)
{
	return splitmix64(seed ^ splitmix64(dcs_hash64(entity, strlen(entity), 0)));
}

static struct stream *stream_slot(struct stream *tab, size_t cap, uint64_t hash, const char *name)
{
	size_t i = hash & (cap - 1);
	while (tab[i].rng && (tab[i].hash != hash || strcmp(tab[i].name, name) != 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* taus2's state from a 64-bit stream seed: each component 32 bits, at least
 * 2, 8 and 16 (the generator's condition for full period). */
static void taus2_seed(unsigned long *st, uint64_t seed)
{
	static const unsigned long least[3] = {2, 8, 16};
	for (int i = 0; i < 3; i++) {
		unsigned long v = (unsigned long)(splitmix64(seed + (uint64_t)i) & 0xffffffffu);
		st[i] = v < least[i] ? v + least[i] : v;
	}
}

static gsl_rng *new_stream(struct dcs_kernel *k, struct stream *s, uint64_t seed)
{
	if (gsl_rng_taus2->size != sizeof(((struct rng_cell *)0)->state)) {
		s->owned = true;
		gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
		if (r)
			gsl_rng_set(r, (unsigned long)(seed & 0xffffffffu));
		return r;
	}
	struct rng_block *b = k->rng_blocks;
	if (!b || b->used == STREAM_BLOCK) {
		b = malloc(sizeof(*b));
		if (!b)
			return NULL;
		b->next = k->rng_blocks;
		b->used = 0;
		k->rng_blocks = b;
	}
	struct rng_cell *c = &b->cell[b->used++];
	c->rng.type = gsl_rng_taus2;
	c->rng.state = c->state;
	taus2_seed(c->state, seed);
	for (int i = 0; i < 6; i++)
		gsl_rng_get(&c->rng);
	return &c->rng;
}

gsl_rng *dcs_rng(struct dcs_kernel *k, const char *entity)
{
	uint64_t hash = dcs_hash64(entity, strlen(entity), 0);
	if (k->streams_cap) {
		struct stream *s = stream_slot(k->streams, k->streams_cap, hash, entity);
		if (s->rng)
			return s->rng;
	}
	if (2 * (k->streams_len + 1) > k->streams_cap) {
		size_t cap = k->streams_cap ? 2 * k->streams_cap : 16;
		struct stream *tab = calloc(cap, sizeof(*tab));
		if (!tab)
			DCS_OUT_OF_MEMORY("random streams");
		for (size_t i = 0; i < k->streams_cap; i++)
			if (k->streams[i].rng)
				*stream_slot(tab, cap, k->streams[i].hash, k->streams[i].name) =
				    k->streams[i];
		free(k->streams);
		k->streams = tab;
		k->streams_cap = cap;
	}
	struct stream *s = stream_slot(k->streams, k->streams_cap, hash, entity);
	s->name = strdup(entity);
	if (!s->name)
		DCS_OUT_OF_MEMORY("random stream '%s'", entity);
	s->rng = new_stream(k, s, dcs_stream_seed(k->seed, entity));
	if (!s->rng)
		DCS_OUT_OF_MEMORY("random stream '%s'", entity);
	s->hash = hash;
	k->streams_len++;
	return s->rng;
}

/* The ziggurat's slow path (Marsaglia and Tsang's efix(), J. Stat. Softw.
 * 5(8), 2000), for the 1.1 % of outputs u that fell outside their layer's
 * rectangle: in the base layer (0) the variate is r plus a fresh exponential
 * (the tail is memoryless; -ln(1 - U) never takes log(0)); in layer i it is x
 * when a uniform height in the layer's wedge lies under exp(-x); otherwise
 * a new output is drawn. */
double dcs_ran_exp1_wedge(gsl_rng *r, unsigned long u)
{
	for (;;) {
		uint32_t i = (uint32_t)(u & 0xFF), j = (uint32_t)(u >> 8) & 0xFFFFFF;
		double x = j * dcs_zig_exp_w[i];
		if (j < dcs_zig_exp_k[i])
			return x;
		if (i == 0)
			return dcs_zig_exp_r - log(1.0 - gsl_rng_uniform(r));
		double y = dcs_zig_exp_f[i] +
			   gsl_rng_uniform(r) * (dcs_zig_exp_f[i - 1] - dcs_zig_exp_f[i]);
		if (y < exp(-x))
			return x;
		u = gsl_rng_get(r);
	}
}
