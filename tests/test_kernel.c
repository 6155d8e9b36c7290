/*
 * Tests of the event kernel (sim/core/kernel.c): ordering with ties, cancel and
 * stale handles, a long random run against a reference queue, two kernels in
 * one process, payload lifetime, run/step/horizon/limit semantics, named
 * random streams, and teardown with work still queued (run under ASan and
 * valgrind, so a leak or a use after free fails the suite).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <gsl/gsl_rng.h>

#include "dcisim/kernel.h"

/* A log of the events that ran: their ids, in order. */
struct log {
	uint64_t *ids;
	size_t n, cap;
};

static void log_push(struct log *l, uint64_t id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->ids = realloc(l->ids, l->cap * sizeof(*l->ids));
		assert_non_null(l->ids);
	}
	l->ids[l->n++] = id;
}

struct rec {
	uint64_t id;
	dcs_time_t t;
};

static void record(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct rec r;
	memcpy(&r, payload, sizeof(r));
	assert_int_equal(dcs_now(k), r.t);
	log_push(ctx, r.id);
}

static dcs_handle_t sched_rec(struct dcs_kernel *k, struct log *l, dcs_time_t t, uint64_t id)
{
	struct rec r = {id, t};
	return dcs_schedule(k, t, record, l, &r, sizeof(r));
}

/* Fisher-Yates with a fixed GSL stream. */
static void shuffle(size_t *a, size_t n, gsl_rng *r)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = gsl_rng_uniform_int(r, i);
		size_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* Events at 8 distinct times, 5000 of them, scheduled in a scrambled order:
 * they run by time, and events of equal time in scheduling order. */
static void test_ties_in_scrambled_order(void **state)
{
	(void)state;
	enum { N = 5000 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 7);
	size_t order[N];
	for (size_t i = 0; i < N; i++)
		order[i] = i;
	shuffle(order, N, r);
	const dcs_time_t times[8] = {5, 0, 1000000, 3, 5, 999, 1, 1000000000000LL};
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct log l = {0};
	dcs_time_t t_of[N];
	size_t seq_of[N]; /* scheduling position of id i */
	for (size_t s = 0; s < N; s++) {
		size_t id = order[s];
		t_of[id] = times[gsl_rng_uniform_int(r, 8)];
		seq_of[id] = s;
		sched_rec(k, &l, t_of[id], id);
	}
	assert_int_equal(dcs_kernel_pending(k), N);
	assert_int_equal(dcs_kernel_next_time(k), 0);
	assert_int_equal(dcs_kernel_run(k, DCS_TIME_NEVER), DCS_STOP_EMPTY);
	assert_int_equal(l.n, N);
	for (size_t i = 1; i < N; i++) {
		uint64_t a = l.ids[i - 1], b = l.ids[i];
		assert_true(t_of[a] < t_of[b] || (t_of[a] == t_of[b] && seq_of[a] < seq_of[b]));
	}
	assert_int_equal(dcs_kernel_events(k), N);
	assert_int_equal(dcs_now(k), 1000000000000LL);
	free(l.ids);
	dcs_kernel_destroy(k);
	gsl_rng_free(r);
}

/* Ties created while running: an event scheduled for "now" runs after every
 * event already queued for now, and before later ones. */
static void chain(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct rec r;
	memcpy(&r, payload, sizeof(r));
	log_push(ctx, r.id);
	if (r.id < 3) {
		struct rec next = {r.id + 10, dcs_now(k)};
		dcs_schedule_in(k, 0, chain, ctx, &next, sizeof(next));
	}
}

static void test_ties_created_while_running(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct log l = {0};
	for (uint64_t i = 0; i < 3; i++) {
		struct rec r = {i, 100};
		dcs_schedule(k, 100, chain, &l, &r, sizeof(r));
	}
	sched_rec(k, &l, 101, 99);
	dcs_kernel_run(k, DCS_TIME_NEVER);
	const uint64_t want[] = {0, 1, 2, 10, 11, 12, 99};
	assert_int_equal(l.n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(l.ids[i], want[i]);
	free(l.ids);
	dcs_kernel_destroy(k);
}

static void test_cancel_and_stale_handles(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct log l = {0};
	dcs_handle_t h[100];
	for (uint64_t i = 0; i < 100; i++)
		h[i] = sched_rec(k, &l, (dcs_time_t)(i % 10) * 1000, i);
	assert_int_not_equal(h[0], 0);
	/* Cancel every third event; a second cancel is refused. */
	for (size_t i = 0; i < 100; i += 3) {
		assert_true(dcs_pending(k, h[i]));
		assert_true(dcs_cancel(k, h[i]));
		assert_false(dcs_pending(k, h[i]));
		assert_false(dcs_cancel(k, h[i]));
	}
	assert_int_equal(dcs_kernel_pending(k), 100 - 34);
	/* Handles that never existed. */
	assert_false(dcs_cancel(k, 0));
	assert_false(dcs_cancel(k, UINT64_MAX));
	assert_false(dcs_pending(k, h[1] + 1000));
	/* Run the first half of the times; their handles go stale. */
	dcs_kernel_run(k, 4000);
	for (uint64_t i = 0; i < 100; i++) {
		if (i % 10 <= 4)
			assert_false(dcs_pending(k, h[i]));
		else
			assert_int_equal(dcs_pending(k, h[i]), i % 3 != 0);
	}
	for (size_t j = 0; j < l.n; j++)
		assert_int_not_equal(l.ids[j] % 3, 0);
	/* Nodes are reused: a stale handle must not cancel the newcomer. */
	dcs_handle_t fresh[50];
	for (uint64_t i = 0; i < 50; i++)
		fresh[i] = sched_rec(k, &l, 9000, 1000 + i);
	for (uint64_t i = 0; i < 100; i++)
		if (i % 10 <= 4 || i % 3 == 0)
			assert_false(dcs_cancel(k, h[i]));
	for (uint64_t i = 0; i < 50; i++)
		assert_true(dcs_pending(k, fresh[i]));
	dcs_kernel_run(k, DCS_TIME_NEVER);
	size_t ran = 0;
	for (size_t j = 0; j < l.n; j++)
		ran += l.ids[j] < 100;
	assert_int_equal(ran, 66);
	assert_int_equal(l.n, 66 + 50);
	free(l.ids);
	dcs_kernel_destroy(k);
}

/* A handler may cancel events, including its own (already stale) handle. */
struct canceller {
	dcs_handle_t self, victim;
	bool self_result, victim_result;
	int ran;
};

static void cancel_handler(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct canceller *c = ctx;
	c->ran++;
	c->self_result = dcs_cancel(k, c->self);
	c->victim_result = dcs_cancel(k, c->victim);
}

static void count_handler(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	(*(int *)ctx)++;
}

static void test_cancel_from_handler(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct canceller c = {0};
	int victim_runs = 0;
	c.self = dcs_schedule(k, 10, cancel_handler, &c, NULL, 0);
	c.victim = dcs_schedule(k, 10, count_handler, &victim_runs, NULL, 0);
	dcs_kernel_run(k, DCS_TIME_NEVER);
	assert_int_equal(c.ran, 1);
	assert_false(c.self_result);
	assert_true(c.victim_result);
	assert_int_equal(victim_runs, 0);
	assert_int_equal(dcs_kernel_events(k), 1);
	dcs_kernel_destroy(k);
}

/* ---- a long random run against a reference ---- */

/* Reference: a binary heap of (time, seq, id) with cancelled ids skipped. */
struct ref_ev {
	dcs_time_t t;
	uint64_t seq, id;
};

struct ref {
	struct ref_ev *h;
	size_t n, cap;
};

static bool ref_less(const struct ref_ev *a, const struct ref_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void ref_push(struct ref *r, struct ref_ev e)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->h = realloc(r->h, r->cap * sizeof(*r->h));
		assert_non_null(r->h);
	}
	size_t i = r->n++;
	while (i > 0 && ref_less(&e, &r->h[(i - 1) / 2])) {
		r->h[i] = r->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->h[i] = e;
}

static struct ref_ev ref_pop(struct ref *r)
{
	struct ref_ev top = r->h[0], e = r->h[--r->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= r->n)
			break;
		if (c + 1 < r->n && ref_less(&r->h[c + 1], &r->h[c]))
			c++;
		if (!ref_less(&r->h[c], &e))
			break;
		r->h[i] = r->h[c];
		i = c;
	}
	if (r->n)
		r->h[i] = e;
	return top;
}

struct fuzz {
	struct dcs_kernel *k;
	gsl_rng *r;
	struct ref ref;
	uint64_t next_id, seq;
	dcs_handle_t *handle; /* by id */
	bool *cancelled;      /* by id */
	bool *done;           /* by id: ran */
	uint64_t *live;       /* ids possibly pending, for picking cancel victims */
	size_t n_live;
	uint64_t ran;
	uint64_t limit; /* ids available */
	int phase;
};

static void fuzz_event(struct dcs_kernel *k, void *ctx, const void *payload);
static void fuzz_schedule(struct fuzz *f, dcs_time_t at);
static void fuzz_maybe_cancel(struct fuzz *f);

/* Delays from distributions that stress a calendar queue differently: the
 * phase changes the time scale every so often. */
static dcs_time_t fuzz_delay(struct fuzz *f)
{
	gsl_rng *r = f->r;
	switch (f->phase) {
	case 0: /* exponential, mean 1 ms */
		return (dcs_time_t)(gsl_rng_uniform_pos(r) * 2e6);
	case 1: /* many ties: a few distinct delays */
		return (dcs_time_t)gsl_rng_uniform_int(r, 4) * 1000;
	case 2: /* bursts at now, with rare far-future timers */
		return gsl_rng_uniform(r) < 0.02 ? (dcs_time_t)3600 * DCS_NS_PER_S : 0;
	case 3: /* spread over 12 orders of magnitude */
		return (dcs_time_t)(1 + gsl_rng_uniform_int(r, 1000)) *
		       (dcs_time_t)gsl_rng_uniform_int(r, 1000000000);
	default: /* nanosecond steps */
		return (dcs_time_t)gsl_rng_uniform_int(r, 3);
	}
}

static void fuzz_schedule(struct fuzz *f, dcs_time_t at)
{
	uint64_t id = f->next_id++;
	f->handle[id] = dcs_schedule(f->k, at, fuzz_event, f, &id, sizeof(id));
	ref_push(&f->ref, (struct ref_ev){at, f->seq++, id});
	f->live[f->n_live++] = id;
}

static void fuzz_maybe_cancel(struct fuzz *f)
{
	if (f->n_live == 0)
		return;
	size_t j = gsl_rng_uniform_int(f->r, f->n_live);
	uint64_t id = f->live[j];
	f->live[j] = f->live[--f->n_live];
	bool was_pending = !f->cancelled[id] && !f->done[id];
	assert_int_equal(dcs_pending(f->k, f->handle[id]), was_pending);
	bool ok = dcs_cancel(f->k, f->handle[id]);
	assert_int_equal(ok, was_pending);
	if (ok)
		f->cancelled[id] = true;
	assert_false(dcs_cancel(f->k, f->handle[id]));
}

static void fuzz_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct fuzz *f = ctx;
	uint64_t id;
	memcpy(&id, payload, sizeof(id));
	/* The reference's next event that was not cancelled must be this one. */
	struct ref_ev e;
	do {
		assert_true(f->ref.n > 0);
		e = ref_pop(&f->ref);
	} while (f->cancelled[e.id]);
	if (e.id != id)
		fail_msg("event %llu ran, expected %llu (t=%lld) after %llu events",
			 (unsigned long long)id, (unsigned long long)e.id, (long long)e.t,
			 (unsigned long long)f->ran);
	assert_int_equal(dcs_now(k), e.t);
	assert_false(dcs_pending(k, f->handle[id]));
	f->done[id] = true;
	f->ran++;
	/* Handlers schedule and cancel too, earlier than what is queued as
	 * often as later (the kernel has already picked the next event). */
	double u = gsl_rng_uniform(f->r);
	if (u < 0.3 && f->next_id < f->limit)
		fuzz_schedule(f, dcs_now(k) + (u < 0.1 ? 0 : fuzz_delay(f)));
	else if (u < 0.35)
		fuzz_maybe_cancel(f);
}

/* The reference's earliest event that was not cancelled. */
static dcs_time_t ref_next_time(struct fuzz *f)
{
	while (f->ref.n > 0 && f->cancelled[f->ref.h[0].id])
		ref_pop(&f->ref);
	return f->ref.n ? f->ref.h[0].t : DCS_TIME_NEVER;
}

static void test_random_against_reference(void **state)
{
	(void)state;
	enum { OPS = 1000000 };
	struct fuzz f = {0};
	f.k = dcs_kernel_create(3);
	f.r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(f.r, 2024);
	f.handle = calloc(2 * OPS + 1, sizeof(*f.handle));
	f.cancelled = calloc(2 * OPS + 1, sizeof(*f.cancelled));
	f.live = calloc(2 * OPS + 1, sizeof(*f.live));
	f.done = calloc(2 * OPS + 1, sizeof(*f.done));
	assert_true(f.handle && f.cancelled && f.live && f.done);
	f.limit = 2 * OPS; /* the loop's and the handlers' */
	/* Grow, hold, and shrink the queue, changing time scales as it goes. */
	uint64_t scheduled = 0;
	for (uint64_t op = 0; scheduled < OPS; op++) {
		if (op % 50000 == 0)
			f.phase = (int)((op / 50000) % 5);
		double u = gsl_rng_uniform(f.r);
		size_t pending = dcs_kernel_pending(f.k);
		double p_sched = op < 200000 ? 0.7 : (op % 300000 < 150000 ? 0.5 : 0.3);
		if (pending == 0 || u < p_sched) {
			fuzz_schedule(&f, dcs_now(f.k) + fuzz_delay(&f));
			scheduled++;
		} else if (u < p_sched + 0.05) {
			fuzz_maybe_cancel(&f);
		} else {
			assert_true(dcs_kernel_step(f.k, DCS_TIME_NEVER));
		}
		if (op % 10007 == 0)
			assert_int_equal(dcs_kernel_next_time(f.k), ref_next_time(&f));
	}
	assert_int_equal(dcs_kernel_run(f.k, DCS_TIME_NEVER), DCS_STOP_EMPTY);
	size_t cancelled = 0;
	for (uint64_t i = 0; i < f.next_id; i++)
		cancelled += f.cancelled[i];
	assert_int_equal(f.ran + cancelled, f.next_id);
	assert_true(f.next_id > OPS + OPS / 10); /* handlers scheduled plenty */
	assert_int_equal(dcs_kernel_events(f.k), f.ran);
	assert_int_equal(dcs_kernel_pending(f.k), 0);
	free(f.handle);
	free(f.cancelled);
	free(f.live);
	free(f.done);
	free(f.ref.h);
	gsl_rng_free(f.r);
	dcs_kernel_destroy(f.k);
}

/* next_time agrees with the event that runs next, tombstones or not. */
static void test_next_time_skips_cancelled(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct log l = {0};
	dcs_handle_t a = sched_rec(k, &l, 50, 1);
	dcs_handle_t b = sched_rec(k, &l, 60, 2);
	sched_rec(k, &l, 70, 3);
	assert_int_equal(dcs_kernel_next_time(k), 50);
	assert_true(dcs_cancel(k, a));
	assert_int_equal(dcs_kernel_next_time(k), 60);
	assert_true(dcs_cancel(k, b));
	assert_int_equal(dcs_kernel_next_time(k), 70);
	assert_int_equal(dcs_kernel_pending(k), 1);
	assert_true(dcs_kernel_step(k, 100));
	assert_int_equal(dcs_kernel_next_time(k), DCS_TIME_NEVER);
	assert_false(dcs_kernel_step(k, 100));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ids[0], 3);
	free(l.ids);
	dcs_kernel_destroy(k);
}

/* Timeouts re-armed on every tick (as heartbeats do) leave many cancelled
 * events behind; the queue stays correct and its memory bounded. */
struct timeouts {
	dcs_handle_t h[64];
	int fired;
};

static void rearm(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct timeouts *to = ctx;
	for (int i = 0; i < 64; i++) {
		assert_true(dcs_cancel(k, to->h[i]));
		to->h[i] =
		    dcs_schedule_in(k, 3600 * DCS_NS_PER_S, count_handler, &to->fired, NULL, 0);
	}
	if (dcs_now(k) < 10 * DCS_NS_PER_S)
		dcs_schedule_in(k, DCS_NS_PER_MS, rearm, ctx, NULL, 0);
}

static void test_rearmed_timeouts(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct timeouts to = {0};
	for (int i = 0; i < 64; i++)
		to.h[i] = dcs_schedule(k, 3600 * DCS_NS_PER_S, count_handler, &to.fired, NULL, 0);
	dcs_schedule(k, 0, rearm, &to, NULL, 0);
	dcs_kernel_run(k, 20 * DCS_NS_PER_S);
	assert_int_equal(to.fired, 0);
	assert_int_equal(dcs_kernel_pending(k), 64);
	assert_int_equal(dcs_kernel_events(k), 10001);
	assert_int_equal(dcs_kernel_run(k, DCS_TIME_NEVER), DCS_STOP_EMPTY);
	assert_int_equal(to.fired, 64);
	assert_int_equal(dcs_now(k), 3600 * DCS_NS_PER_S + 10 * DCS_NS_PER_S);
	dcs_kernel_destroy(k);
}

/* ---- two kernels, payloads, run semantics ---- */

static void test_two_kernels(void **state)
{
	(void)state;
	struct dcs_kernel *a = dcs_kernel_create(1), *b = dcs_kernel_create(1);
	struct log la = {0}, lb = {0};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 5);
	for (uint64_t i = 0; i < 20000; i++) {
		dcs_time_t t = (dcs_time_t)gsl_rng_uniform_int(r, 100000);
		sched_rec(a, &la, t, i);
		sched_rec(b, &lb, t, i);
		if (i % 2)
			sched_rec(b, &lb, t, 1000000 + i); /* b has more */
	}
	/* Interleave them: each keeps its own clock and queue. */
	while (dcs_kernel_step(a, DCS_TIME_NEVER)) {
		dcs_kernel_step(b, DCS_TIME_NEVER);
		dcs_kernel_step(b, DCS_TIME_NEVER);
		assert_true(dcs_now(b) >= dcs_now(a) || dcs_kernel_pending(b) == 0);
	}
	dcs_kernel_run(b, DCS_TIME_NEVER);
	assert_int_equal(la.n, 20000);
	assert_int_equal(lb.n, 30000);
	size_t j = 0;
	for (size_t i = 0; i < lb.n; i++)
		if (lb.ids[i] < 1000000)
			assert_int_equal(lb.ids[i], la.ids[j++]);
	assert_int_equal(j, la.n);
	free(la.ids);
	free(lb.ids);
	gsl_rng_free(r);
	dcs_kernel_destroy(a);
	dcs_kernel_destroy(b);
}

/* A handler's payload stays intact while the handler schedules enough events
 * to grow the pool several times; short payloads are zero-filled. */
struct growth {
	int checked;
};

static void big_payload(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct growth *g = ctx;
	const unsigned char *p = payload;
	unsigned char want[DCS_PAYLOAD_BYTES];
	for (int i = 0; i < DCS_PAYLOAD_BYTES; i++)
		want[i] = (unsigned char)(0xa0 + i);
	assert_memory_equal(p, want, DCS_PAYLOAD_BYTES);
	if (g->checked++ == 0) {
		unsigned char junk[DCS_PAYLOAD_BYTES];
		memset(junk, 0x55, sizeof(junk));
		for (int i = 0; i < 100000; i++)
			dcs_schedule_in(k, 1 + i % 7, count_handler, &g->checked, junk, 0);
		assert_memory_equal(p, want, DCS_PAYLOAD_BYTES);
	}
}

static void short_payload(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	const unsigned char *p = payload;
	assert_int_equal(p[0], 7);
	for (int i = 1; i < DCS_PAYLOAD_BYTES; i++)
		assert_int_equal(p[i], 0);
	(*(int *)ctx)++;
}

static void zero_payload(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	const unsigned char *p = payload;
	for (int i = 0; i < DCS_PAYLOAD_BYTES; i++)
		assert_int_equal(p[i], 0);
	((struct growth *)ctx)->checked++;
}

static void test_payloads(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	unsigned char full[DCS_PAYLOAD_BYTES];
	for (int i = 0; i < DCS_PAYLOAD_BYTES; i++)
		full[i] = (unsigned char)(0xa0 + i);
	struct growth g = {0};
	dcs_schedule(k, 0, big_payload, &g, full, sizeof(full));
	assert_int_equal(dcs_kernel_run(k, DCS_TIME_NEVER), DCS_STOP_EMPTY);
	assert_int_equal(g.checked, 1 + 100000);
	/* A reused node carries no bytes of its previous payload. */
	int ok = 0;
	unsigned char one = 7;
	for (int i = 0; i < 1000; i++) {
		dcs_schedule_in(k, 5, short_payload, &ok, &one, 1);
		dcs_kernel_run(k, DCS_TIME_NEVER);
	}
	assert_int_equal(ok, 1000);
	/* Nor does an event without a payload, scheduled on a node that
	 * carried a full one. */
	dcs_schedule_in(k, 1, count_handler, &ok, full, sizeof(full));
	dcs_kernel_run(k, DCS_TIME_NEVER);
	struct growth zero = {0};
	dcs_schedule_in(k, 1, zero_payload, &zero, NULL, 0);
	dcs_kernel_run(k, DCS_TIME_NEVER);
	assert_int_equal(zero.checked, 1);
	dcs_kernel_destroy(k);
}

static void stopper(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	(*(int *)ctx)++;
	dcs_kernel_stop(k);
}

static void test_run_semantics(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	int n = 0;
	for (int i = 1; i <= 10; i++)
		dcs_schedule(k, i * 100, count_handler, &n, NULL, 0);
	/* Horizon: events at the horizon run, the clock ends at the horizon. */
	assert_int_equal(dcs_kernel_run(k, 350), DCS_STOP_HORIZON);
	assert_int_equal(n, 3);
	assert_int_equal(dcs_now(k), 350);
	/* An event may be scheduled at the new now, before the queued ones. */
	dcs_schedule_in(k, 0, count_handler, &n, NULL, 0);
	assert_int_equal(dcs_kernel_next_time(k), 350);
	assert_int_equal(dcs_kernel_run(k, 400), DCS_STOP_HORIZON);
	assert_int_equal(n, 5);
	/* Event limit counts all events of the kernel. */
	dcs_kernel_set_event_limit(k, 7);
	assert_int_equal(dcs_kernel_run(k, DCS_TIME_NEVER), DCS_STOP_LIMIT);
	assert_int_equal(dcs_kernel_events(k), 7);
	dcs_kernel_set_event_limit(k, 0);
	/* Stop from a handler; the run resumes afterwards. */
	int stops = 0;
	dcs_schedule(k, 650, stopper, &stops, NULL, 0);
	assert_int_equal(dcs_kernel_run(k, DCS_TIME_NEVER), DCS_STOP_REQUEST);
	assert_int_equal(stops, 1);
	assert_int_equal(dcs_now(k), 650);
	assert_int_equal(dcs_kernel_run(k, DCS_TIME_NEVER), DCS_STOP_EMPTY);
	assert_int_equal(n, 11);
	assert_int_equal(dcs_now(k), 1000);
	/* Empty: the clock stays where the last event left it. */
	assert_int_equal(dcs_kernel_run(k, 5000), DCS_STOP_EMPTY);
	assert_int_equal(dcs_now(k), 1000);
	dcs_kernel_destroy(k);
}

struct seen {
	dcs_time_t t[4];
	dcs_event_fn fn[4];
	int n;
};

static void observe(void *ctx, dcs_time_t t, dcs_event_fn fn)
{
	struct seen *s = ctx;
	if (s->n < 4) {
		s->t[s->n] = t;
		s->fn[s->n] = fn;
	}
	s->n++;
}

static void test_observer(void **state)
{
	(void)state;
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct seen s = {0};
	int n = 0;
	dcs_kernel_set_observer(k, observe, &s);
	dcs_schedule(k, 30, count_handler, &n, NULL, 0);
	dcs_schedule(k, 10, short_payload, &n, &(unsigned char){7}, 1);
	dcs_kernel_run(k, DCS_TIME_NEVER);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.t[0], 10);
	assert_ptr_equal(s.fn[0], short_payload);
	assert_int_equal(s.t[1], 30);
	assert_ptr_equal(s.fn[1], count_handler);
	dcs_kernel_destroy(k);
}

/* Scheduling in the past is a broken invariant: the process aborts with
 * file:line (checked in a child process). */
static void test_past_aborts(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		struct dcs_kernel *k = dcs_kernel_create(1);
		int n = 0;
		dcs_schedule(k, 100, count_handler, &n, NULL, 0);
		dcs_kernel_run(k, DCS_TIME_NEVER);
		dcs_schedule(k, 99, count_handler, &n, NULL, 0);
		_exit(0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

/* ---- random streams ---- */

static void draws(gsl_rng *r, unsigned long *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = gsl_rng_get(r);
}

static void test_rng_streams(void **state)
{
	(void)state;
	enum { N = 64 };
	unsigned long a1[N], a2[N], b1[N], c1[N], d1[N];
	struct dcs_kernel *k1 = dcs_kernel_create(42), *k2 = dcs_kernel_create(42);
	struct dcs_kernel *k3 = dcs_kernel_create(43);
	/* Same name and seed: same draws, whatever else exists. */
	draws(dcs_rng(k1, "storage/wl0"), a1, N);
	dcs_rng(k2, "vm/web01");
	dcs_rng(k2, "cluster/db");
	for (int i = 0; i < 40; i++) {
		char name[32];
		snprintf(name, sizeof(name), "filler/%d", i);
		draws(dcs_rng(k2, name), b1, 3); /* forces the table to grow */
	}
	draws(dcs_rng(k2, "storage/wl0"), a2, N);
	assert_memory_equal(a1, a2, sizeof(a1));
	/* The same stream is returned on each call and keeps its position. */
	assert_ptr_equal(dcs_rng(k1, "storage/wl0"), dcs_rng(k1, "storage/wl0"));
	draws(dcs_rng(k1, "storage/wl0"), b1, N);
	assert_memory_not_equal(a1, b1, sizeof(a1));
	/* Another name, another seed: other draws. */
	draws(dcs_rng(k1, "storage/wl1"), c1, N);
	assert_memory_not_equal(a1, c1, sizeof(a1));
	draws(dcs_rng(k3, "storage/wl0"), d1, N);
	assert_memory_not_equal(a1, d1, sizeof(a1));
	/* The seed derivation is a pure function of seed and name. */
	assert_int_equal(dcs_stream_seed(42, "storage/wl0"), dcs_stream_seed(42, "storage/wl0"));
	assert_int_not_equal(dcs_stream_seed(42, "storage/wl0"),
			     dcs_stream_seed(43, "storage/wl0"));
	assert_int_not_equal(dcs_stream_seed(42, "a"), dcs_stream_seed(42, "b"));
	assert_int_equal(dcs_kernel_seed(k3), 43);
	dcs_kernel_destroy(k1);
	dcs_kernel_destroy(k2);
	dcs_kernel_destroy(k3);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A stream per VM of a large evacuation: small (taus2, 24 bytes of state)
 * and never two alike.  Seeded through gsl_rng_set's 32 bits, 100,000
 * streams would hold an identical pair about as often as not (n^2 / 2^33);
 * with the whole 88-bit state set, the first two draws of every stream
 * differ from every other's. */
static void test_rng_many_streams(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct dcs_kernel *k = dcs_kernel_create(1);
	uint64_t *first = malloc(N * sizeof(*first));
	for (int i = 0; i < N; i++) {
		char name[32];
		snprintf(name, sizeof(name), "l2/mac/vm%06d", i);
		gsl_rng *r = dcs_rng(k, name);
		if (i == 0) {
			assert_string_equal(gsl_rng_name(r), "taus2");
			assert_int_equal(gsl_rng_size(r), 3 * sizeof(unsigned long));
		}
		first[i] = (uint64_t)gsl_rng_get(r) << 32 | gsl_rng_get(r);
	}
	qsort(first, N, sizeof(*first), cmp_u64);
	for (int i = 1; i < N; i++)
		assert_true(first[i] != first[i - 1]);
	free(first);
	/* Two names whose stream seeds agree in their low 32 bits (found by a
	 * search over vm000000..vm399999): a 32-bit seeding would give them
	 * the same stream. */
	const char *a = "l2/mac/vm047005", *b = "l2/mac/vm161110";
	assert_int_equal((uint32_t)dcs_stream_seed(1, a), (uint32_t)dcs_stream_seed(1, b));
	unsigned long da[4], db[4];
	draws(dcs_rng(k, a), da, 4);
	draws(dcs_rng(k, b), db, 4);
	assert_memory_not_equal(da, db, sizeof(da));
	dcs_kernel_destroy(k);
}

/* dcs_ran_exponential against the exponential distribution's closed forms:
 * mean, the tail P(X > 2 mean) = e^-2, and the Kolmogorov-Smirnov distance
 * to F(x) = 1 - e^(-x / mean) (1% critical value 1.63 / sqrt(n)). */
static void test_exponential_variates(void **state)
{
	(void)state;
	enum { N = 1000000 };
	const double mean = 2.0;
	struct dcs_kernel *k = dcs_kernel_create(7);
	gsl_rng *r = dcs_rng(k, "storage/array0");
	double *x = malloc(N * sizeof(*x)), sum = 0;
	size_t tail = 0;
	for (int i = 0; i < N; i++) {
		x[i] = dcs_ran_exponential(r, mean);
		assert_true(x[i] >= 0 && isfinite(x[i]));
		sum += x[i];
		tail += x[i] > 2 * mean;
	}
	/* Four standard errors: mean / sqrt(n), sqrt(p (1 - p) / n). */
	assert_true(fabs(sum / N - mean) < 4 * mean / sqrt(N));
	double p = exp(-2.0);
	assert_true(fabs((double)tail / N - p) < 4 * sqrt(p * (1 - p) / N));
	qsort(x, N, sizeof(*x), cmp_double);
	double d = 0;
	for (int i = 0; i < N; i++) {
		double f = 1 - exp(-x[i] / mean);
		double lo = f - (double)i / N, hi = (double)(i + 1) / N - f;
		d = fmax(d, fmax(lo, hi));
	}
	assert_true(d < 1.63 / sqrt(N));
	free(x);
	dcs_kernel_destroy(k);
}

/* The ziggurat's slow paths (dcs_ran_exponential(), include/dcisim/kernel.h)
 * against the closed form F(x) = 1 - e^-x: a chi-square over 40 bins of
 * equal probability (the wedges of the layers above and below the mean),
 * and the tail beyond the base strip's edge r = 7.697 and beyond 10, which
 * the base layer draws as r plus a fresh variate: P(X > x) = e^-x, within
 * four standard errors.  39 degrees of freedom: 0.1 % critical value 72.1. */
static void test_exponential_tail(void **state)
{
	(void)state;
	enum { N = 4000000, BINS = 40 };
	struct dcs_kernel *k = dcs_kernel_create(11);
	gsl_rng *r = dcs_rng(k, "storage/wl0");
	size_t bin[BINS] = {0}, beyond_r = 0, beyond_10 = 0;
	for (int i = 0; i < N; i++) {
		double x = dcs_ran_exponential(r, 1.0);
		double f = 1 - exp(-x);
		int b = (int)(f * BINS);
		bin[b < BINS ? b : BINS - 1]++;
		beyond_r += x > dcs_zig_exp_r;
		beyond_10 += x > 10;
	}
	double chi2 = 0, e = (double)N / BINS;
	for (int b = 0; b < BINS; b++)
		chi2 += ((double)bin[b] - e) * ((double)bin[b] - e) / e;
	assert_true(chi2 < 72.1);
	double p = exp(-dcs_zig_exp_r);
	assert_true(fabs((double)beyond_r / N - p) < 4 * sqrt(p * (1 - p) / N));
	p = exp(-10.0);
	assert_true(fabs((double)beyond_10 / N - p) < 4 * sqrt(p * (1 - p) / N));
	dcs_kernel_destroy(k);
}

/* Destroy with events queued, cancelled and streams open: ASan and
 * valgrind check that everything is released. */
static void test_destroy_with_work_left(void **state)
{
	(void)state;
	dcs_kernel_destroy(NULL);
	struct dcs_kernel *k = dcs_kernel_create(9);
	int n = 0;
	for (int i = 0; i < 5000; i++) {
		dcs_handle_t h = dcs_schedule(k, i % 13, count_handler, &n, NULL, 0);
		if (i % 4 == 0)
			dcs_cancel(k, h);
	}
	dcs_rng(k, "x");
	dcs_rng(k, "y");
	dcs_kernel_run(k, 5);
	assert_true(dcs_kernel_pending(k) > 0);
	dcs_kernel_destroy(k);
	assert_true(dcs_kernel_bytes_per_pending() >= 48);
}

/* ---- cost stays linear on the patterns that break naive calendar queues ---- */

static void drain(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	(*(uint64_t *)ctx)++;
}

/* Schedules n events in pattern p, runs them all; returns CPU seconds. */
static double run_pattern(int p, uint64_t n)
{
	struct dcs_kernel *k = dcs_kernel_create(1);
	uint64_t ran = 0;
	clock_t t0 = clock();
	for (uint64_t i = 0; i < n; i++) {
		dcs_time_t t;
		switch (p) {
		case 0: /* a few instants, interleaved: runs of equal times */
			t = 1 + (dcs_time_t)(i % 7);
			break;
		case 1: /* one instant */
			t = 5;
			break;
		case 2: /* reverse time order */
			t = (dcs_time_t)(n - i);
			break;
		case 3: /* a burst now and every 50th an hour away */
			t = i % 50 ? 0 : 3600 * DCS_NS_PER_S;
			break;
		default: /* times far apart: nanoseconds to days */
			t = (dcs_time_t)((i * 2654435761u) % 1000003) *
			    (dcs_time_t)(1 + i % 100000);
			break;
		}
		dcs_schedule(k, t, drain, &ran, NULL, 0);
	}
	dcs_kernel_run(k, DCS_TIME_NEVER);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(ran, n);
	dcs_kernel_destroy(k);
	return secs;
}

static void test_linear_patterns(void **state)
{
	(void)state;
	for (int p = 0; p < 5; p++) {
		double small = run_pattern(p, 25000), large = run_pattern(p, 100000);
		/* Four times the events: about four times the time, not sixteen. */
		if (large > 8 * small + 0.02)
			fail_msg("pattern %d: 100000 events took %.3f s, 25000 took %.3f s", p,
				 large, small);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ties_in_scrambled_order),
	    cmocka_unit_test(test_ties_created_while_running),
	    cmocka_unit_test(test_cancel_and_stale_handles),
	    cmocka_unit_test(test_cancel_from_handler),
	    cmocka_unit_test(test_random_against_reference),
	    cmocka_unit_test(test_next_time_skips_cancelled),
	    cmocka_unit_test(test_rearmed_timeouts),
	    cmocka_unit_test(test_linear_patterns),
	    cmocka_unit_test(test_two_kernels),
	    cmocka_unit_test(test_payloads),
	    cmocka_unit_test(test_run_semantics),
	    cmocka_unit_test(test_observer),
	    cmocka_unit_test(test_past_aborts),
	    cmocka_unit_test(test_rng_streams),
	    cmocka_unit_test(test_rng_many_streams),
	    cmocka_unit_test(test_exponential_variates),
	    cmocka_unit_test(test_exponential_tail),
	    cmocka_unit_test(test_destroy_with_work_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
