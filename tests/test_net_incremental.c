/*
 * The incremental flow solver (sim/core/net_solve.c) against a from-scratch
 * reference written here: random small topologies (a random tree of 3 to 6
 * sites plus up to two extra links, 1 or 10 Gbps), random sequences of flow
 * arrivals, departures, demand changes and link degradations, and after
 * every change the rate of every flow compared with a weighted max-min
 * computed from nothing by progressive filling over the flows then active.
 * Completion times are compared with an independent fluid simulation of the
 * same sequence: piecewise-constant reference rates, each completion
 * rounded up to the next nanosecond as docs/models.md §1.4 states.
 *
 * The reference is the model of docs/models.md §1.4 in the case where it is
 * plain weighted max-min: routing.tcp_share equal (a flow's weight is its
 * stream count), no window and no loss (the only cap is the demand), and
 * buffers deep enough (50,000 KiB) that the loss cycle never idles a link
 * (D <= tau, §1.5), so each direction offers its goodput capacity
 * bandwidth x (1500 - 40) / (1500 + 38) (dwdm, lan_mtu 1500, §1.2).  Paths
 * are the network's (the flow's ECMP path for its key): the solver, not the
 * routing, is under test.
 *
 * A third set of cases makes 46 of 48 flows copies of two (their sizes
 * apart), so that dozens of identical flows share links: the solver solves
 * each run of them once (net_solve.c, make_runs), and 17 or more on one path
 * form a group whose members complete by its virtual time (net_group.c; these
 * cases form several hundred groups).  Every flow must still get its max-min
 * rate and its completion.
 *
 * A second test covers what that reference cannot: RTT-weighted sharing
 * with standing queues, window and loss caps and offered loads, on the same
 * kind of random topologies and sequences (with and without runs of
 * identical flows).  After every change the rates,
 * loaded RTTs and queues the incremental solver left must equal those of a
 * solve of the whole network from empty queues (the network re-solves
 * everything when a link's figures are set, here to what they already are).
 *
 * Tolerances: rates, RTTs, queues and completion times to 1e-9 relative (every flow runs
 * for at least 12 s, so that is at least 12 ns: the nanosecond rounding of
 * completions moves a time by a few ns at most).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "validation.h"

#define MAX_SITES 6
#define MAX_LINKS 8
#define MAX_FLOWS 48 /* 24 in the random cases, 48 with clones */
#define N_OPS     (MAX_FLOWS + 16)
#define RTOL      1e-9
/* Goodput fraction of dwdm at lan_mtu 1500 (docs/models.md §1.2). */
#define GOODPUT ((1500.0 - 40.0) / (1500.0 + 38.0))

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unif(double lo, double hi)
{
	return lo + (hi - lo) * (double)(rnd() >> 11) / 9007199254740992.0;
}

static int pick(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

enum op_kind { OP_START, OP_STOP, OP_DEMAND, OP_DEGRADE };

struct op {
	dcs_time_t t;
	enum op_kind kind;
	int flow;   /* OP_START, OP_STOP, OP_DEMAND */
	int link;   /* OP_DEGRADE */
	double val; /* demand (B/s) or bandwidth (Gbps) */
};

struct flow_def {
	int src, dst, streams;
	double bytes, demand, window;
	bool offered;
};

struct world {
	int n_sites, n_links;
	double bw[MAX_LINKS]; /* current bandwidth, Gbps */
	struct flow_def fd[MAX_FLOWS];
	int n_flows;
	struct op ops[N_OPS];
	int n_ops;
	/* The run under test. */
	struct dcs_scenario *scn;
	struct dcs_bus *bus;
	struct dcs_kernel *k;
	struct dcs_net *net;
	struct dcs_flow *f[MAX_FLOWS];
	dcs_time_t done_at[MAX_FLOWS];
	double demand[MAX_FLOWS];
	int changes; /* rate checks made */
	bool rich;   /* checked against a full re-solve, not the max-min reference */
	bool clones; /* most flows copies of two, bytes apart: runs of identical flows */
	int n_extra; /* operations besides the starts */
};

static void check_rates(struct world *w);
static void check_scratch(struct world *w);

static void check(struct world *w)
{
	if (w->rich)
		check_scratch(w);
	else
		check_rates(w);
}

/* ---- the reference: weighted max-min by progressive filling ---- */

struct ref_flow {
	int ndirs;
	int dirs[MAX_LINKS];
	double w, cap, rate;
};

/* Rates of n flows over link directions of capacity cap[2 x link + dir]:
 * raise every unfrozen flow at w x level until a direction is full (its
 * flows freeze) or a flow meets its cap (it freezes at the cap). */
static void ref_maxmin(struct ref_flow *fl, int n, const double *dircap, int ndir)
{
	bool frozen[MAX_FLOWS] = {false};
	double left[2 * MAX_LINKS];
	for (int r = 0; r < ndir; r++)
		left[r] = dircap[r];
	int unfrozen = n;
	for (int i = 0; i < n; i++)
		fl[i].rate = 0;
	while (unfrozen > 0) {
		double wsum[2 * MAX_LINKS] = {0};
		double level = INFINITY;
		for (int i = 0; i < n; i++)
			if (!frozen[i]) {
				for (int h = 0; h < fl[i].ndirs; h++)
					wsum[fl[i].dirs[h]] += fl[i].w;
				level = fmin(level, fl[i].cap / fl[i].w);
			}
		for (int r = 0; r < ndir; r++)
			if (wsum[r] > 0)
				level = fmin(level, left[r] / wsum[r]);
		bool full[2 * MAX_LINKS] = {false};
		for (int r = 0; r < ndir; r++)
			full[r] = wsum[r] > 0 && left[r] / wsum[r] <= level * (1 + 1e-12);
		for (int i = 0; i < n; i++) {
			if (frozen[i])
				continue;
			bool stop = fl[i].cap / fl[i].w <= level * (1 + 1e-12);
			for (int h = 0; h < fl[i].ndirs; h++)
				stop = stop || full[fl[i].dirs[h]];
			if (!stop)
				continue;
			fl[i].rate = fmin(fl[i].cap, fl[i].w * level);
			frozen[i] = true;
			unfrozen--;
			for (int h = 0; h < fl[i].ndirs; h++)
				left[fl[i].dirs[h]] -= fl[i].rate;
		}
	}
}

static void dir_caps(const struct world *w, double *cap)
{
	for (int l = 0; l < w->n_links; l++)
		cap[2 * l] = cap[2 * l + 1] = w->bw[l] * 1e9 / 8.0 * GOODPUT;
}

/* The flow's path as the network routes it (its key is its index + 1). */
static void ref_path(const struct world *w, int i, struct ref_flow *rf)
{
	int links[MAX_LINKS + 1], dirs[MAX_LINKS + 1];
	int hops = dcs_net_path_key(w->net, w->fd[i].src, w->fd[i].dst, (uint64_t)i + 1, links,
				    dirs, MAX_LINKS);
	assert_true(hops > 0 && hops <= MAX_LINKS);
	rf->ndirs = hops;
	for (int h = 0; h < hops; h++)
		rf->dirs[h] = 2 * links[h] + dirs[h];
}

/* Every active flow's rate in the run against the reference from scratch. */
static void check_rates(struct world *w)
{
	struct ref_flow rf[MAX_FLOWS];
	int idx[MAX_FLOWS], n = 0;
	for (int i = 0; i < w->n_flows; i++) {
		if (!w->f[i])
			continue;
		ref_path(w, i, &rf[n]);
		rf[n].w = w->fd[i].streams;
		rf[n].cap = w->demand[i];
		idx[n++] = i;
	}
	double cap[2 * MAX_LINKS] = {0};
	dir_caps(w, cap);
	ref_maxmin(rf, n, cap, 2 * w->n_links);
	for (int j = 0; j < n; j++) {
		double got = dcs_flow_rate_Bps(w->f[idx[j]]);
		if (fabs(got - rf[j].rate) > RTOL * rf[j].rate)
			fail_msg("flow %d: rate %.17g, reference %.17g (relative %.3g)", idx[j],
				 got, rf[j].rate, fabs(got - rf[j].rate) / rf[j].rate);
	}
	w->changes++;
}

/* ---- the run under test ---- */

static void on_done(void *ctx, struct dcs_flow *f)
{
	struct world *w = ctx;
	int i = 0;
	while (i < w->n_flows && w->f[i] != f)
		i++;
	assert_true(i < w->n_flows);
	w->f[i] = NULL;
	w->done_at[i] = dcs_now(w->k);
	/* The others already share what it left. */
	check(w);
}

static void op_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct world *w = ctx;
	int o;
	memcpy(&o, payload, sizeof(o));
	const struct op *op = &w->ops[o];
	switch (op->kind) {
	case OP_START: {
		const struct flow_def *d = &w->fd[op->flow];
		struct dcs_flow_spec s = {.src = d->src,
					  .dst = d->dst,
					  .bytes = d->bytes,
					  .demand_Bps = d->demand,
					  .streams = d->streams,
					  .window_bytes = d->window,
					  .offered = d->offered,
					  .key = (uint64_t)op->flow + 1,
					  .label = "random",
					  .on_done = on_done,
					  .ctx = w};
		w->demand[op->flow] = d->demand;
		w->f[op->flow] = dcs_flow_start(w->net, &s);
		break;
	}
	case OP_STOP:
		if (!w->f[op->flow])
			return;
		dcs_flow_stop(w->net, w->f[op->flow]);
		w->f[op->flow] = NULL;
		break;
	case OP_DEMAND:
		if (!w->f[op->flow])
			return;
		w->demand[op->flow] = op->val;
		dcs_flow_set_demand(w->net, w->f[op->flow], op->val);
		break;
	case OP_DEGRADE:
		w->bw[op->link] = op->val;
		dcs_net_link_degrade(w->net, op->link, op->val, NAN, NAN);
		break;
	}
	check(w);
}

/* ---- the reference's fluid run of the same sequence ---- */

/* The same operations on the reference: rates from scratch after each
 * change; a flow whose rate changed has its bytes settled and its
 * completion computed again, rounded up to the next nanosecond; operations
 * run before completions due at the same instant (they were scheduled
 * first). */
static void ref_run(const struct world *w, const double *bw0, struct ref_flow *paths,
		    dcs_time_t *ref_done)
{
	double left[MAX_FLOWS], demand[MAX_FLOWS], bw[MAX_LINKS], rate[MAX_FLOWS];
	dcs_time_t t_set[MAX_FLOWS], due[MAX_FLOWS];
	bool active[MAX_FLOWS] = {false};
	for (int i = 0; i < MAX_FLOWS; i++)
		ref_done[i] = -1;
	for (int l = 0; l < w->n_links; l++)
		bw[l] = bw0[l];
	dcs_time_t t = 0;
	int oi = 0;
	for (;;) {
		int next = -1;
		for (int i = 0; i < w->n_flows; i++)
			if (active[i] && due[i] != DCS_TIME_NEVER &&
			    (next < 0 || due[i] < due[next]))
				next = i;
		if (next < 0 && oi == w->n_ops)
			break;
		if (next >= 0 && (oi == w->n_ops || due[next] < w->ops[oi].t)) {
			t = due[next];
			active[next] = false;
			ref_done[next] = t;
		} else {
			const struct op *op = &w->ops[oi++];
			t = op->t;
			int f = op->flow;
			if (op->kind == OP_START) {
				active[f] = true;
				left[f] = w->fd[f].bytes;
				demand[f] = w->fd[f].demand;
				rate[f] = -1;
				t_set[f] = t;
			} else if (op->kind == OP_STOP) {
				active[f] = false;
			} else if (op->kind == OP_DEMAND) {
				demand[f] = op->val;
			} else {
				bw[op->link] = op->val;
			}
		}
		struct ref_flow rf[MAX_FLOWS];
		int idx[MAX_FLOWS], n = 0;
		for (int i = 0; i < w->n_flows; i++)
			if (active[i]) {
				rf[n] = paths[i];
				rf[n].w = w->fd[i].streams;
				rf[n].cap = demand[i];
				idx[n++] = i;
			}
		double cap[2 * MAX_LINKS] = {0};
		for (int l = 0; l < w->n_links; l++)
			cap[2 * l] = cap[2 * l + 1] = bw[l] * 1e9 / 8.0 * GOODPUT;
		ref_maxmin(rf, n, cap, 2 * w->n_links);
		for (int j = 0; j < n; j++) {
			int i = idx[j];
			if (rf[j].rate == rate[i])
				continue;
			if (rate[i] > 0)
				left[i] -= rate[i] * (double)(t - t_set[i]) * 1e-9;
			t_set[i] = t;
			rate[i] = rf[j].rate;
			due[i] =
			    rate[i] > 0
				? t + (dcs_time_t)ceil((left[i] > 0 ? left[i] : 0) / rate[i] * 1e9)
				: DCS_TIME_NEVER;
		}
	}
}

static int by_time(const void *a, const void *b)
{
	const struct op *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* A random tree of 3 to 6 sites plus up to two extra links, 1 or 10 Gbps,
 * in JSON.  `rich`: RTT-weighted sharing, distances up to 2,000 km, random
 * loss and the default buffers; otherwise equal sharing, 1 to 20 km and
 * deep buffers (the plain max-min case). */
static void random_topology(struct world *w, char *json, size_t size, bool rich)
{
	w->n_sites = 3 + pick(MAX_SITES - 2);
	int len = snprintf(json, size,
			   "{\"dcisim\": 1, \"name\": \"random\", \"duration_s\": 100000,"
			   " \"routing\": {\"tcp_share\": \"%s\"}, \"sites\": [",
			   rich ? "rtt" : "equal");
	for (int s = 0; s < w->n_sites; s++)
		len += snprintf(json + len, size - (size_t)len, "%s{\"id\": \"s%d\"}",
				s ? ", " : "", s);
	len += snprintf(json + len, size - (size_t)len, "], \"links\": [");
	int extra = pick(3);
	for (int l = 0; l < w->n_sites - 1 + extra; l++) {
		int a = l < w->n_sites - 1 ? l + 1 : pick(w->n_sites);
		int b = l < w->n_sites - 1 ? pick(l + 1) : pick(w->n_sites);
		if (a == b)
			continue;
		w->bw[w->n_links] = pick(2) ? 10 : 1;
		char more[64] = " \"buffer_kib\": 50000";
		if (rich)
			snprintf(more, sizeof(more), " \"loss\": %g",
				 pick(2) ? 0.0 : unif(1e-5, 1e-2));
		len += snprintf(json + len, size - (size_t)len,
				"%s{\"id\": \"l%d\", \"a\": \"s%d\", \"b\": \"s%d\","
				" \"distance_km\": %.3f, \"bandwidth_gbps\": %g,%s}",
				w->n_links ? ", " : "", w->n_links, a, b,
				rich ? unif(1, 2000) : unif(1, 20), w->bw[w->n_links], more);
		w->n_links++;
	}
	snprintf(json + len, size - (size_t)len, "]}");
}

/* MAX_FLOWS flows that each start once, and stops, demand changes and
 * degradations in between, at random nanoseconds; then the network of the
 * topology in `json` with every operation scheduled.  `rich` (w->rich)
 * adds offered loads and windows. */
static void random_sequence(struct world *w, const char *json)
{
	w->n_flows = w->clones ? MAX_FLOWS : 24;
	for (int i = 0; i < w->n_flows; i++) {
		struct flow_def *d = &w->fd[i];
		if (w->clones && i >= 2) {
			/* A copy of flow 0 (or, one in five, of flow 1), its own size. */
			*d = w->fd[i % 5 == 4];
			if (isfinite(d->bytes))
				d->bytes = w->rich ? unif(1e9, 2e10) : unif(1.5e10, 6e10);
			w->ops[w->n_ops++] = (struct op){
			    .t = (dcs_time_t)unif(0, 60e9), .kind = OP_START, .flow = i};
			continue;
		}
		d->src = pick(w->n_sites);
		d->dst = (d->src + 1 + pick(w->n_sites - 1)) % w->n_sites;
		d->streams = 1 + pick(4);
		d->offered = w->rich && pick(5) == 0;
		d->bytes = d->offered ? INFINITY : w->rich ? unif(1e9, 2e10) : unif(1.5e10, 6e10);
		d->demand = d->offered ? unif(1e6, 3e8) : pick(2) ? INFINITY : unif(2e7, 1.5e9);
		d->window = !w->rich || d->offered || pick(2) ? 0 : unif(64e3, 4e6);
		w->ops[w->n_ops++] =
		    (struct op){.t = (dcs_time_t)unif(0, 60e9), .kind = OP_START, .flow = i};
	}
	while (w->n_ops < w->n_flows + 16) {
		struct op o = {.t = (dcs_time_t)unif(1e9, 90e9), .flow = pick(w->n_flows)};
		int k = pick(3);
		o.kind = k == 0 ? OP_STOP : k == 1 ? OP_DEMAND : OP_DEGRADE;
		o.link = pick(w->n_links);
		o.val = o.kind == OP_DEMAND ? (pick(3) ? unif(2e7, 1.5e9) : INFINITY)
					    : (double)(1 + pick(10));
		w->ops[w->n_ops++] = o;
	}
	qsort(w->ops, (size_t)w->n_ops, sizeof(w->ops[0]), by_time);
	int nerr = 0;
	w->scn = dcs_scenario_load_text(json, strlen(json), "test", stderr, &nerr);
	assert_non_null(w->scn);
	assert_int_equal(nerr, 0);
	w->k = dcs_kernel_create(1);
	w->bus = dcs_bus_create();
	assert_non_null(w->k);
	assert_non_null(w->bus);
	w->net = dcs_net_create(w->k, w->bus, w->scn);
	assert_non_null(w->net);
	for (int o = 0; o < w->n_ops; o++)
		dcs_schedule(w->k, w->ops[o].t, op_event, w, &o, sizeof(o));
}

static void close_net(struct world *w)
{
	dcs_net_destroy(w->net);
	dcs_bus_destroy(w->bus);
	dcs_kernel_destroy(w->k);
	dcs_scenario_free(w->scn);
}

static void one_case(uint64_t seed, bool clones)
{
	rng_state = seed;
	struct world w = {.clones = clones};
	char json[8192];
	random_topology(&w, json, sizeof(json), false);
	double bw0[MAX_LINKS];
	memcpy(bw0, w.bw, sizeof(bw0));

	random_sequence(&w, json);
	struct ref_flow paths[MAX_FLOWS];
	for (int i = 0; i < w.n_flows; i++)
		ref_path(&w, i, &paths[i]);
	for (int i = 0; i < w.n_flows; i++)
		w.done_at[i] = -1;
	dcs_kernel_run(w.k, DCS_TIME_NEVER - 1);

	dcs_time_t ref_done[MAX_FLOWS];
	ref_run(&w, bw0, paths, ref_done);
	int completed = 0;
	double worst = 0;
	for (int i = 0; i < w.n_flows; i++) {
		if ((w.done_at[i] < 0) != (ref_done[i] < 0))
			fail_msg(
			    "seed %llu flow %d: completed at %lld ns here, %lld in the reference",
			    (unsigned long long)seed, i, (long long)w.done_at[i],
			    (long long)ref_done[i]);
		if (ref_done[i] < 0)
			continue;
		completed++;
		double a = (double)w.done_at[i], b = (double)ref_done[i];
		if (fabs(a - b) / b > worst)
			worst = fabs(a - b) / b;
		if (!clones && fabs(a - b) > RTOL * b)
			fail_msg("seed %llu flow %d: completed at %.0f ns, reference %.0f ns "
				 "(relative %.3g)",
				 (unsigned long long)seed, i, a, b, fabs(a - b) / b);
	}
	if (clones) {
		char name[160];
		snprintf(name, sizeof(name),
			 "completions of 48 flows, 46 of them copies of two (runs and groups), "
			 "seed %llu: largest relative error",
			 (unsigned long long)seed);
		dcs_validate(name,
			     "weighted max-min by progressive filling, fluid, written in the test",
			     0, worst, 0, RTOL, "relative");
	}
	/* The case did something: most flows ran to their end, rates were
	 * compared after every change. */
	assert_true(completed >= w.n_flows / 2);
	assert_true(w.changes >= w.n_flows);
	assert_int_equal(dcs_net_active_flows(w.net), 0);
	close_net(&w);
}

static void test_random_sequences(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		one_case(seed, false);
}

/* Runs of identical flows (net_solve solves each run once): 48 flows, 46 of
 * them copies of two with their own sizes, so that dozens of identical
 * transfers share links at once, against the same max-min reference. */
static void test_runs_of_identical_flows(void **state)
{
	(void)state;
	for (uint64_t seed = 101; seed <= 120; seed++)
		one_case(seed, true);
}

/* ---- the same state solved from scratch ---- */

/* Every flow's rate and loaded RTT and every direction's queue, as the
 * incremental solver left them, against a re-solve of the whole network
 * from empty queues (a link "degraded" to its own figures: routing is found
 * again and every component solved anew). */
static void check_scratch(struct world *w)
{
	double rate[MAX_FLOWS], q[2 * MAX_LINKS];
	dcs_time_t rtt[MAX_FLOWS];
	for (int i = 0; i < w->n_flows; i++)
		if (w->f[i]) {
			rate[i] = dcs_flow_rate_Bps(w->f[i]);
			rtt[i] = dcs_flow_rtt(w->net, w->f[i]);
		}
	for (int r = 0; r < 2 * w->n_links; r++)
		q[r] = dcs_net_link_queue_s(w->net, r / 2, r % 2);
	dcs_net_link_degrade(w->net, 0, NAN, NAN, NAN);
	for (int i = 0; i < w->n_flows; i++) {
		if (!w->f[i])
			continue;
		double b = dcs_flow_rate_Bps(w->f[i]);
		if (fabs(rate[i] - b) > RTOL * fabs(b))
			fail_msg("flow %d: rate %.17g incrementally, %.17g from scratch", i,
				 rate[i], b);
		dcs_time_t rb = dcs_flow_rtt(w->net, w->f[i]);
		if (fabs((double)(rtt[i] - rb)) > RTOL * (double)rb)
			fail_msg("flow %d: loaded RTT %lld ns incrementally, %lld from scratch", i,
				 (long long)rtt[i], (long long)rb);
	}
	for (int r = 0; r < 2 * w->n_links; r++) {
		double b = dcs_net_link_queue_s(w->net, r / 2, r % 2);
		if (fabs(q[r] - b) > RTOL * b)
			fail_msg("direction %d: queue %.17g s incrementally, %.17g from scratch", r,
				 q[r], b);
	}
	w->changes++;
}

/* RTT-weighted sharing with standing queues, windows, losses and offered
 * loads: after every change, what the incremental solver computed equals a
 * solve of the whole network from scratch. */
static void rich_case(uint64_t seed, bool clones)
{
	rng_state = seed;
	struct world w = {.rich = true, .clones = clones};
	char json[8192];
	random_topology(&w, json, sizeof(json), true);
	random_sequence(&w, json);
	dcs_kernel_run(w.k, (dcs_time_t)200e9);
	assert_true(w.changes >= w.n_flows);
	for (int i = 0; i < w.n_flows; i++)
		if (w.f[i])
			dcs_flow_stop(w.net, w.f[i]);
	close_net(&w);
}

static void test_incremental_is_from_scratch(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		rich_case(seed, false);
	for (uint64_t seed = 101; seed <= 120; seed++)
		rich_case(seed, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_sequences),
	    cmocka_unit_test(test_runs_of_identical_flows),
	    cmocka_unit_test(test_incremental_is_from_scratch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
