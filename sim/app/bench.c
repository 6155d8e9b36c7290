/*
 * dcisim bench: the classic hold model on the kernel, beside two bare event
 * sets timed in the same run for the ratios: a binary heap of (time, seq)
 * pairs and a calendar queue of (time, next) entries.
 *
 * Hold model: N events pending; repeatedly take the earliest, run its
 * handler, which schedules one event at now + Exp(1 s).  Increments come
 * from a precomputed ring of GSL exponential draws shared by all three
 * structures, so the figures compare event sets, not random number costs.
 *
 * Timing: process CPU time (CLOCK_PROCESS_CPUTIME_ID), so time the program
 * spends descheduled on a shared machine does not count; each structure runs
 * R times (--repeat, default 3), interleaved with the others, and its best
 * run is reported, the usual way to read through noise from other work.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cli.h"
#include "commands.h"
#include "options.h"
#include "dcisim/exitcode.h"
#include "dcisim/kernel.h"

#define RING 65536

struct hold {
	const dcs_time_t *inc;
	size_t next;
	uint64_t left;
};

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hold_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct hold *h = ctx;
	if (h->left == 0) {
		dcs_kernel_stop(k);
		return;
	}
	h->left--;
	dcs_schedule_in(k, h->inc[h->next++ & (RING - 1)], hold_event, h, NULL, 0);
}

static double bench_kernel(const dcs_time_t *inc, size_t pending, uint64_t events)
{
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct hold h = {inc, 0, events};
	for (size_t i = 0; i < pending; i++)
		dcs_schedule(k, inc[(i * 7919) & (RING - 1)], hold_event, &h, NULL, 0);
	double t0 = cpu_now();
	dcs_kernel_run(k, DCS_TIME_NEVER - 1);
	double t = cpu_now() - t0;
	dcs_kernel_destroy(k);
	return t;
}

/* The bare reference: a binary heap of (time, seq) pairs, nothing else. */
struct pair {
	int64_t t;
	uint64_t seq;
};

static inline bool pair_less(struct pair a, struct pair b)
{
	return a.t < b.t || (a.t == b.t && a.seq < b.seq);
}

static double bench_bare_heap(const dcs_time_t *inc, size_t pending, uint64_t events)
{
	struct pair *h = malloc((pending + 1) * sizeof(*h));
	if (!h)
		return NAN;
	size_t n = 0;
	uint64_t seq = 0;
	for (size_t i = 0; i < pending; i++) {
		struct pair e = {inc[(i * 7919) & (RING - 1)], seq++};
		size_t p = n++;
		while (p > 0 && pair_less(e, h[(p - 1) / 2])) {
			h[p] = h[(p - 1) / 2];
			p = (p - 1) / 2;
		}
		h[p] = e;
	}
	size_t next = 0;
	volatile int64_t sink = 0;
	double t0 = cpu_now();
	for (uint64_t ev = 0; ev < events; ev++) {
		struct pair top = h[0];
		sink += top.t;
		/* Replace the root with the new event and sift it down. */
		struct pair e = {top.t + inc[next++ & (RING - 1)], seq++};
		size_t p = 0;
		for (;;) {
			size_t c = 2 * p + 1;
			if (c >= n)
				break;
			if (c + 1 < n && pair_less(h[c + 1], h[c]))
				c++;
			if (!pair_less(h[c], e))
				break;
			h[p] = h[c];
			p = c;
		}
		h[p] = e;
	}
	double t = cpu_now() - t0;
	free(h);
	(void)sink;
	return t;
}

/*
 * The second reference: a bare calendar queue (Brown, CACM 31(10), 1988) of
 * (time, next) entries.  nb buckets (a power of two) of width 2^shift ns hold
 * time-sorted singly linked lists; an event goes to bucket (t >> shift) mod
 * nb.  Dequeue drains the current bucket's slot of the current "year" and
 * steps to the next bucket, with a direct search for the minimum after a whole
 * year without an event.  The bucket count doubles when the queue holds more
 * than 2 nb events (the hold model keeps the count constant once filled, so
 * halving is left out); each resize re-estimates the width as Brown does: 3 x
 * the mean separation of the first few events (up to 25), separations over
 * twice the first mean left out.  Widths are rounded to a power of two so
 * that the bucket index is a shift, not a division: faster than Brown's
 * division, so the reference is a demanding one.
 */
#define CQ_NIL UINT32_MAX

struct cq_ent {
	int64_t t;
	uint32_t next;
};

struct cq {
	struct cq_ent *e;
	uint32_t *head;
	size_t nb, n;
	unsigned shift;
	int64_t cur; /* slot (t >> shift) being drained */
};

static void cq_link(struct cq *q, uint32_t i)
{
	int64_t t = q->e[i].t;
	uint32_t *p = &q->head[(size_t)(t >> q->shift) & (q->nb - 1)];
	while (*p != CQ_NIL && q->e[*p].t <= t)
		p = &q->e[*p].next;
	q->e[i].next = *p;
	*p = i;
	if ((t >> q->shift) < q->cur)
		q->cur = t >> q->shift;
}

static uint32_t cq_unlink_min(struct cq *q)
{
	size_t mask = q->nb - 1;
	for (size_t scanned = 0; scanned < q->nb; scanned++) {
		uint32_t *p = &q->head[(size_t)q->cur & mask];
		if (*p != CQ_NIL && (q->e[*p].t >> q->shift) == q->cur) {
			uint32_t i = *p;
			*p = q->e[i].next;
			return i;
		}
		q->cur++;
	}
	/* A whole year without an event: find the earliest directly. */
	uint32_t best = CQ_NIL;
	for (size_t b = 0; b < q->nb; b++)
		if (q->head[b] != CQ_NIL && (best == CQ_NIL || q->e[q->head[b]].t < q->e[best].t))
			best = q->head[b];
	q->cur = q->e[best].t >> q->shift;
	q->head[(size_t)q->cur & mask] = q->e[best].next;
	return best;
}

static unsigned cq_width_shift(struct cq *q)
{
	if (q->n < 2)
		return q->shift;
	size_t ns = q->n <= 5 ? q->n : 5 + q->n / 10;
	if (ns > 25)
		ns = 25;
	uint32_t s[25];
	for (size_t i = 0; i < ns; i++)
		s[i] = cq_unlink_min(q);
	double avg = (double)(q->e[s[ns - 1]].t - q->e[s[0]].t) / (double)(ns - 1), sum = 0;
	size_t cnt = 0;
	for (size_t i = 1; i < ns; i++) {
		double d = (double)(q->e[s[i]].t - q->e[s[i - 1]].t);
		if (d <= 2 * avg) {
			sum += d;
			cnt++;
		}
	}
	for (size_t i = ns; i-- > 0;) {
		/* Put the samples back at their buckets' heads, earliest last. */
		size_t b = (size_t)(q->e[s[i]].t >> q->shift) & (q->nb - 1);
		q->e[s[i]].next = q->head[b];
		q->head[b] = s[i];
	}
	q->cur = q->e[s[0]].t >> q->shift;
	double w = cnt && sum > 0 ? 3 * sum / (double)cnt : 1;
	unsigned shift = 0;
	while (shift < 62 && (double)(INT64_C(1) << (shift + 1)) <= w)
		shift++;
	return shift;
}

static bool cq_resize(struct cq *q, size_t nb)
{
	unsigned shift = cq_width_shift(q);
	uint32_t *nh = malloc(nb * sizeof(*nh));
	if (!nh)
		return false;
	for (size_t b = 0; b < nb; b++)
		nh[b] = CQ_NIL;
	uint32_t *oh = q->head;
	size_t onb = q->nb;
	q->head = nh;
	q->nb = nb;
	q->shift = shift;
	q->cur = INT64_MAX;
	for (size_t b = 0; b < onb; b++) {
		for (uint32_t i = oh[b], next; i != CQ_NIL; i = next) {
			next = q->e[i].next;
			cq_link(q, i);
		}
	}
	free(oh);
	return true;
}

static double bench_bare_calendar(const dcs_time_t *inc, size_t pending, uint64_t events)
{
	struct cq q = {.nb = 2, .shift = 0};
	q.e = malloc(pending * sizeof(*q.e));
	q.head = malloc(q.nb * sizeof(*q.head));
	if (!q.e || !q.head) {
		free(q.e);
		free(q.head);
		return NAN;
	}
	q.head[0] = q.head[1] = CQ_NIL;
	bool ok = true;
	for (size_t i = 0; i < pending && ok; i++) {
		q.e[i].t = inc[(i * 7919) & (RING - 1)];
		cq_link(&q, (uint32_t)i);
		if (++q.n > 2 * q.nb)
			ok = cq_resize(&q, 2 * q.nb);
	}
	size_t next = 0;
	volatile int64_t sink = 0;
	double t0 = cpu_now();
	for (uint64_t ev = 0; ev < events && ok; ev++) {
		/* Hold: dequeue the earliest, enqueue one event later by an increment. */
		uint32_t i = cq_unlink_min(&q);
		int64_t now = q.e[i].t;
		sink += now;
		q.e[i].t = now + inc[next++ & (RING - 1)];
		cq_link(&q, i);
	}
	double t = cpu_now() - t0;
	free(q.e);
	free(q.head);
	(void)sink;
	return ok ? t : NAN;
}

static const char bench_usage[] =
    "usage: dcisim bench [--pending N] [--events M] [--repeat R] [--csv]\n"
    "\n"
    "Kernel hold-model benchmark: N pending events (default 1e3, 1e5 and 1e6),\n"
    "M events each (default 4e6).  Prints events per CPU second of the kernel\n"
    "and of two bare event sets timed in the same run, a binary heap of\n"
    "(time, seq) pairs and a calendar queue (Brown 1988), their ratios to the\n"
    "kernel, and the kernel's memory per pending event.  Each structure runs R\n"
    "times (default 3), interleaved, and its best run counts.  --csv prints\n"
    "pending,events,seconds,events_per_s,bytes_per_pending (kernel rows only).\n"
    "Exit status: 0 measured, 2 usage error, 3 out of memory.\n";

static double best_of(double a, double b)
{
	return isnan(a) || b < a ? b : a;
}

enum { OPT_CSV = 256, OPT_PENDING, OPT_EVENTS, OPT_REPEAT };

/* Indexed by OPT_* - OPT_CSV + 1, so a bad value can name its option. */
static const struct option bench_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"csv", no_argument, NULL, OPT_CSV},
    {"pending", required_argument, NULL, OPT_PENDING},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {NULL, 0, NULL, 0},
};

/* prefix "--" names an option whose value is bad. */
static int bad_argument(const char *prefix, const char *arg)
{
	fprintf(stderr, "dcisim bench: error: bad argument '%s%s'\n%s", prefix, arg,
		bench_usage);
	return DCS_EXIT_USAGE;
}

int dcs_cmd_bench(int argc, char **argv)
{
	size_t sizes[3] = {1000, 100000, 1000000};
	size_t nsizes = 3;
	unsigned long long events = 4000000, repeat = 3;
	bool csv = false;
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, bench_options)) != -1;) {
		unsigned long long v;
		bool ok = true;
		switch (c) {
		case 'h':
			fputs(bench_usage, stdout);
			return DCS_EXIT_OK;
		case OPT_CSV:
			csv = true;
			break;
		case OPT_PENDING:
			ok = dcs_parse_u64(optarg, &v) && v > 0 && v <= 10000000;
			if (ok) {
				sizes[0] = (size_t)v;
				nsizes = 1;
			}
			break;
		case OPT_EVENTS:
			ok = dcs_parse_u64(optarg, &v) && v > 0;
			if (ok)
				events = v;
			break;
		case OPT_REPEAT:
			ok = dcs_parse_u64(optarg, &v) && v > 0 && v <= 100;
			if (ok)
				repeat = v;
			break;
		default:
			return bad_argument("", opt.bad);
		}
		if (!ok)
			return bad_argument("--", bench_options[c - OPT_CSV + 1].name);
	}
	if (dcs_options_first(&opt) < argc)
		return bad_argument("", argv[dcs_options_first(&opt)]);
	dcs_time_t *inc = malloc(RING * sizeof(*inc));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!inc || !r) {
		free(inc);
		gsl_rng_free(r);
		return DCS_EXIT_RUNTIME;
	}
	gsl_rng_set(r, 12345);
	for (size_t i = 0; i < RING; i++)
		inc[i] = dcs_time_from_s(gsl_ran_exponential(r, 1.0)) + 1;
	gsl_rng_free(r);
	if (csv)
		printf("pending,events,seconds,events_per_s,bytes_per_pending\n");
	else
		printf("%10s %10s %14s %14s %14s %9s %9s %10s\n", "pending", "events",
		       "kernel ev/s", "bare heap ev/s", "calendar ev/s", "vs heap", "vs cal",
		       "B/pending");
	for (size_t s = 0; s < nsizes; s++) {
		double tk = NAN, tb = NAN, tc = NAN;
		for (unsigned long long rep = 0; rep < repeat; rep++) {
			tk = best_of(tk, bench_kernel(inc, sizes[s], events));
			if (csv)
				continue;
			tb = best_of(tb, bench_bare_heap(inc, sizes[s], events));
			tc = best_of(tc, bench_bare_calendar(inc, sizes[s], events));
		}
		if (csv) {
			printf("%zu,%llu,%.6f,%.0f,%zu\n", sizes[s], events, tk, events / tk,
			       dcs_kernel_bytes_per_pending());
			continue;
		}
		printf("%10zu %10llu %14.0f %14.0f %14.0f %9.2f %9.2f %10zu\n", sizes[s], events,
		       events / tk, events / tb, events / tc, tb / tk, tc / tk,
		       dcs_kernel_bytes_per_pending());
		fflush(stdout);
	}
	free(inc);
	return DCS_EXIT_OK;
}

const struct dcs_cli_command dcs_cli_bench = {
    .name = "bench",
    .fn = dcs_cmd_bench,
    .summary = "measure the event kernel against two reference event sets",
    .usage = bench_usage,
    .options = bench_options,
};
