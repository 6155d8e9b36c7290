/*
 * Tests of the network carrying time (sim/core/net_queue.c, SPEC §6.1): standing
 * queues against the relations of reference/tcp-and-queues.md written out
 * here (a CUBIC loss cycle, a window-limited standing queue, M/D/1 below
 * saturation, the shallow-buffer goodput loss), RTT-weighted and per-stream
 * shares, offered (inelastic) loads, ECMP, and failures that stop traffic
 * for the detection and IGP times of the technology.
 *
 * Tolerances: closed forms to 1e-9 relative where the network computes
 * them in closed form (a root found to 1e-13 s); figures read through a flow's
 * RTT, which the kernel holds in integer nanoseconds, to 1e-6 relative;
 * times of state changes to the nanosecond.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "harness.h"
#include "validation.h"

/* The network alone, on the shared test harness. */
static void env_open(struct h_net *e, const char *json)
{
	*e = h_net_open(json);
}

static void env_close(struct h_net *e)
{
	h_net_close(e);
}

static void noop(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)ctx, (void)payload;
}

static void run_to(struct h_net *e, double t_s)
{
	dcs_schedule(e->k, dcs_time_from_s(t_s), noop, NULL, NULL, 0);
	dcs_kernel_run(e->k, dcs_time_from_s(t_s));
}

static struct dcs_flow *flow(struct h_net *e, int src, int dst, int streams, double window,
			     double demand, bool offered, uint64_t key)
{
	struct dcs_flow_spec s = {.src = src,
				  .dst = dst,
				  .bytes = INFINITY,
				  .demand_Bps = demand,
				  .streams = streams,
				  .window_bytes = window,
				  .offered = offered,
				  .key = key,
				  .label = "t"};
	struct dcs_flow *f = dcs_flow_start(e->net, &s);
	assert_non_null(f);
	return f;
}

static void assert_rel(double got, double want, double rtol)
{
	if (!(fabs(got - want) <= rtol * fabs(want)))
		fail_msg("got %.12g want %.12g (rtol %g)", got, want, rtol);
}

/* One link between two sites; %s: the link's extra keys, then routing. */
static void one_link(struct h_net *e, double km, double gbps, const char *extra,
		     const char *routing)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000, \"routing\": {%s},"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
		 " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": %.17g,"
		 "   \"bandwidth_gbps\": %.17g%s}]}",
		 routing, km, gbps, extra);
	env_open(e, json);
}

/* ---- the loss cycle of loss-based TCP (tcp-and-queues.md "Standing
 * queues"), written out independently of net_queue.c ---- */

struct cycle {
	double mean, lo, D, k, T, eta;
};

/* n CUBIC streams (b = 0.7, C = 0.4, RFC 9438) of base RTT r (s) fill a
 * buffer of tau seconds in front of c goodput bytes/s; mss bytes.  Window in
 * time units: r + tau at the top, each drop removes (1 - b) of one stream's.
 * Growth: the cubic (k = 3, cycle K) or the Reno-friendly line (k = 1,
 * alpha = 3(1-b)/(1+b) per RTT), whichever is faster. */
static struct cycle cubic_cycle(double n, double r, double tau, double c, double mss)
{
	const double b = 0.7, C = 0.4, alpha = 3 * (1 - b) / (1 + b);
	struct cycle y;
	y.D = (1 - b) * (r + tau) / n;
	double wmax = c * (r + tau) / n / mss;
	double K = cbrt(wmax * (1 - b) / C);
	double rtt_mid = r + (tau > y.D / 2 ? tau - y.D / 2 : tau / 2);
	double t_reno = (1 - b) * wmax * rtt_mid / alpha;
	y.k = t_reno <= K ? 1 : 3;
	y.T = fmin(K, t_reno);
	if (y.D <= tau) {
		/* The mean of tau - D (1 - u)^k over u in [0, 1). */
		y.mean = tau - y.D / (y.k + 1);
		y.lo = tau - y.D;
		y.eta = 1;
	} else {
		double s = pow(tau / y.D, 1 / y.k);
		y.mean = tau * s * y.k / (y.k + 1);
		y.lo = 0;
		/* Linear growth: the reference's idle share f (P - Wmin) / (2P),
		 * f = (P - Wmin) / (Wmax - Wmin), in time units P = r. */
		double wmin = r + tau - y.D, f = (r - wmin) / y.D;
		y.eta = y.k == 1
			    ? 1 - f * (r - wmin) / (2 * r)
			    : 1 - (y.D * (1 - pow(s, y.k + 1)) / (y.k + 1) - tau * (1 - s)) / r;
	}
	return y;
}

/* A lone bulk stream on 1 Gbps over 100 km with 2 MiB of buffer: CUBIC's
 * cubic region (K < the Reno-friendly time), the mean, the spread and the
 * drops. */
static void test_cubic_standing_queue(void **state)
{
	(void)state;
	struct h_net e;
	one_link(&e, 100, 1, ", \"buffer_kib\": 2048", "");
	struct dcs_flow *f = flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
	double c = 1e9 / 8 * 1460 / 1538, tau = 2048 * 1024 / 1.25e8, r = 2 * 490e-6;
	struct cycle y = cubic_cycle(1, r, tau, c, 1460);
	assert_true(y.k == 3 && y.D < tau);
	dcs_validate("standing queue, one CUBIC stream, 1 Gbps, 100 km, 2 MiB buffer",
		     "tcp-and-queues.md: tau - D/(k+1), D = (1-b)(P+B), k = 3", y.mean * 1e3,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e3, 1e-9, 0, "ms");
	dcs_validate("drops of one CUBIC stream: one per cycle K", "RFC 9438 K = cbrt(W(1-b)/C)",
		     1 / y.T, dcs_net_link_drops_pps(e.net, 0, 0), 1e-9, 0, "packets/s");
	assert_rel(dcs_flow_rate_Bps(f), c, 1e-12);
	assert_rel(dcs_time_to_s(dcs_flow_rtt(e.net, f)), r + y.mean, 1e-6);
	/* The idle reverse direction queues nothing. */
	assert_true(dcs_net_link_queue_s(e.net, 0, 1) == 0);
	/* The spread a latency-sensitive stream sees, sampled over 10 cycles:
	 * the mean, the bottom tau - D, and a p99 near the full buffer. */
	double period = y.T, sum = 0, lo = INFINITY, hi = 0;
	int n = 10000, above = 0;
	dcs_time_t t0 = dcs_now(e.k);
	for (int i = 0; i < n; i++) {
		dcs_time_t t = t0 + dcs_time_from_s((i + 0.5) * 10 * period / n);
		run_to(&e, dcs_time_to_s(t));
		double q = dcs_net_link_queue_now_s(e.net, 0, 0);
		sum += q;
		lo = fmin(lo, q);
		hi = fmax(hi, q);
		above += q >= tau - y.D * pow(0.01, y.k) * 1.0001;
	}
	dcs_validate("queue over the cycle: mean of the sampled instants", "the cycle's mean",
		     y.mean * 1e3, sum / n * 1e3, 1e-3, 0, "ms");
	dcs_validate("queue over the cycle: the bottom", "tau - D", y.lo * 1e3, lo * 1e3, 1e-3, 0,
		     "ms");
	assert_true(hi <= tau * (1 + 1e-12));
	dcs_validate("queue over the cycle: share of instants at or above the p99 level",
		     "q(u) = tau - D (1-u)^k: 1 % of the cycle", 0.01, (double)above / n, 0, 0.002,
		     "ratio");
	env_close(&e);
}

/* Short RTT, small buffer: the Reno-friendly line is faster than the cubic
 * (k = 1), as Linux CUBIC behaves on a metro link. */
static void test_reno_friendly_queue(void **state)
{
	(void)state;
	struct h_net e;
	one_link(&e, 10, 10, ", \"buffer_kib\": 64", "");
	flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
	double c = 10e9 / 8 * 1460 / 1538, tau = 65536 / 1.25e9, r = 2 * 49e-6;
	struct cycle y = cubic_cycle(1, r, tau, c, 1460);
	assert_true(y.k == 1 && y.D < tau);
	dcs_validate("standing queue, one stream, 10 Gbps, 10 km, 64 KiB: Reno-friendly line",
		     "tcp-and-queues.md: tau - D/2 (linear growth)", y.mean * 1e6,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e6, 1e-9, 0, "us");
	/* More streams: each drop removes less, the queue stays nearer full. */
	for (int i = 0; i < 3; i++)
		flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
	struct cycle y4 = cubic_cycle(4, r, tau, c, 1460);
	dcs_validate("standing queue, four streams: nearer the full buffer",
		     "tcp-and-queues.md: D = (1-b)(P+B)/n (Appenzeller et al. 2004)", y4.mean * 1e6,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e6, 1e-9, 0, "us");
	assert_true(y4.mean > y.mean);
	dcs_validate("drops of four streams", "one per stream per cycle", 4 / y4.T,
		     dcs_net_link_drops_pps(e.net, 0, 0), 1e-9, 0, "packets/s");
	env_close(&e);
}

/* A buffer far below the bandwidth-delay product: the queue empties each
 * cycle and the link idles, so bulk goodput falls below capacity. */
static void test_shallow_buffer_goodput(void **state)
{
	(void)state;
	struct h_net e;
	one_link(&e, 1000, 1, ", \"buffer_kib\": 64", "");
	struct dcs_flow *f = flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
	double c = 1e9 / 8 * 1460 / 1538, tau = 65536 / 1.25e8, r = 2 * 4900e-6;
	struct cycle y = cubic_cycle(1, r, tau, c, 1460);
	assert_true(y.D > tau && y.k == 1);
	dcs_validate("goodput with a buffer of 5 % of the BDP (1 Gbps, 1000 km, 64 KiB)",
		     "tcp-and-queues.md: idle share f (P - Wmin) / (2P)", y.eta,
		     dcs_flow_rate_Bps(f) / c, 1e-9, 0, "of capacity");
	assert_true(y.eta < 0.9);
	dcs_validate("mean queue when it empties each cycle", "tau s / 2, s = tau / D",
		     y.mean * 1e3, dcs_net_link_queue_s(e.net, 0, 0) * 1e3, 1e-9, 0, "ms");
	env_close(&e);
}

/* A window larger than the path's BDP but smaller than BDP + buffer: no
 * loss, a constant standing queue W/C - RTT, the link full. */
static void test_window_standing_queue(void **state)
{
	(void)state;
	struct h_net e;
	one_link(&e, 100, 1, "", "");
	double c = 1e9 / 8 * 1460 / 1538, r = 2 * 490e-6;
	struct dcs_flow *f = flow(&e, 0, 1, 1, 262144, INFINITY, false, 0);
	dcs_validate("standing queue of a 256 KiB window over a 0.98 ms, 1 Gbps path",
		     "tcp-and-queues.md: queue = W/C - RTT (no loss)", (262144 / c - r) * 1e3,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e3, 1e-9, 0, "ms");
	assert_rel(dcs_flow_rate_Bps(f), c, 1e-9);
	assert_true(dcs_net_link_drops_pps(e.net, 0, 0) == 0);
	/* Its spread is none: the same queue at any instant. */
	run_to(&e, 3.7);
	assert_rel(dcs_net_link_queue_now_s(e.net, 0, 0), 262144 / c - r, 1e-9);
	dcs_flow_stop(e.net, f);
	/* Below the BDP the window limits and no queue stands: M/D/1 only. */
	f = flow(&e, 0, 1, 1, 65536, INFINITY, false, 0);
	double frame = 1538 / 1.25e8, q = 0, rate = 0;
	for (int i = 0; i < 100; i++) {
		rate = 65536 / (r + q);
		double rho = rate / c;
		q = rho / (2 * (1 - rho)) * frame;
	}
	dcs_validate("a 64 KiB window under the BDP: W / (RTT + M/D/1 wait)",
		     "SPEC §4.1 window cap; M/D/1", rate / 1e6, dcs_flow_rate_Bps(f) / 1e6, 1e-9, 0,
		     "MB/s");
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_WINDOW);
	env_close(&e);
}

/* Below saturation an offered load waits the M/D/1 time of its utilisation;
 * beyond capacity the buffer is full and the excess dropped. */
static void test_md1_and_overload(void **state)
{
	(void)state;
	struct h_net e;
	one_link(&e, 10, 10, ", \"background_gbps\": 2", "");
	double line = 10e9 / 8, gf = 1460.0 / 1538, c = 8e9 / 8 * gf;
	struct dcs_flow *f = flow(&e, 0, 1, 1, 0, 0.5 * c, true, 0);
	double rho = (0.5 * c / gf + 2e9 / 8) / line; /* 0.6 */
	dcs_validate("M/D/1 wait at 60 % (4 Gbps offered + 2 background of 10)",
		     "tcp-and-queues.md: rho / (2(1 - rho)) x packet time",
		     rho / (2 * (1 - rho)) * 1538 / line * 1e6,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e6, 1e-9, 0, "us");
	dcs_flow_set_demand(e.net, f, 1.5 * c);
	double tau = 5176 * 1024 / line;
	assert_rel(dcs_flow_rate_Bps(f), c, 1e-12);
	dcs_validate("an offered load of 1.5 x capacity: the buffer stays full",
		     "drop-tail buffer B / line rate (switch class, 5176 KiB)", tau * 1e3,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e3, 1e-12, 0, "ms");
	dcs_validate("an offered load of 1.5 x capacity: the excess dropped", "(offered - C) / MSS",
		     0.5 * c / 1460, dcs_net_link_drops_pps(e.net, 0, 0), 1e-12, 0, "packets/s");
	env_close(&e);
}

/* An offered load takes its demand first; a bulk flow fills the rest and
 * keeps the buffer full; the offered load's packets pay the queue's cycle. */
static void test_offered_and_bulk(void **state)
{
	(void)state;
	struct h_net e;
	one_link(&e, 60, 10, "", "");
	double c = 10e9 / 8 * 1460 / 1538;
	struct dcs_flow *o = flow(&e, 0, 1, 1, 0, 0.4 * c, true, 0);
	struct dcs_flow *b = flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
	assert_rel(dcs_flow_rate_Bps(o), 0.4 * c, 1e-12);
	assert_rel(dcs_flow_rate_Bps(b), 0.6 * c, 1e-12);
	assert_int_equal(dcs_flow_limited_by(o), DCS_LIMIT_DEMAND);
	assert_int_equal(dcs_flow_limited_by(b), DCS_LIMIT_LINK_SHARE);
	double tau = 5176 * 1024 / 1.25e9, r = 2 * 294e-6;
	struct cycle y = cubic_cycle(1, r, tau, 0.6 * c, 1460);
	dcs_validate("queue of one bulk stream beside a 40 % offered load",
		     "tcp-and-queues.md loss cycle over what the offered load leaves", y.mean * 1e3,
		     dcs_net_link_queue_s(e.net, 0, 0) * 1e3, 1e-9, 0, "ms");
	/* A request crossing now pays the base one way plus the queue of now. */
	for (int i = 0; i < 50; i++) {
		run_to(&e, 1 + i * 0.37);
		double ow = dcs_time_to_s(dcs_net_latency_now(e.net, 0, 1, 7)) - r / 2;
		assert_true(ow >= y.lo - 1e-9 && ow <= tau + 1e-9);
	}
	/* The bulk flow gone: no standing queue, only the M/D/1 of 40 %. */
	dcs_flow_stop(e.net, b);
	assert_true(dcs_net_link_queue_s(e.net, 0, 0) < 2e-6);
	env_close(&e);
}

/* Two bulk flows of different RTT through one 1 Gbps bottleneck: shares in
 * inverse proportion to their loaded RTTs (rtt), or equal (equal). */
static void rtt_topology(struct h_net *e, const char *share)
{
	char json[1024];
	snprintf(
	    json, sizeof(json),
	    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 100,"
	    " \"routing\": {\"tcp_share\": \"%s\"},"
	    " \"sites\": [{\"id\": \"s1\"}, {\"id\": \"s2\"}, {\"id\": \"m\"}, {\"id\": \"d\"}],"
	    " \"links\": [{\"id\": \"a1\", \"a\": \"s1\", \"b\": \"m\", \"distance_km\": 1,"
	    "   \"bandwidth_gbps\": 10},"
	    "  {\"id\": \"a2\", \"a\": \"s2\", \"b\": \"m\", \"distance_km\": 2000,"
	    "   \"bandwidth_gbps\": 10},"
	    "  {\"id\": \"bn\", \"a\": \"m\", \"b\": \"d\", \"distance_km\": 10,"
	    "   \"bandwidth_gbps\": 1}]}",
	    share);
	env_open(e, json);
}

static void test_rtt_share(void **state)
{
	(void)state;
	struct h_net e;
	rtt_topology(&e, "rtt");
	struct dcs_flow *f1 = flow(&e, 0, 3, 1, 0, INFINITY, false, 0);
	struct dcs_flow *f2 = flow(&e, 1, 3, 1, 0, INFINITY, false, 0);
	double c = 1e9 / 8 * 1460 / 1538;
	double r1 = dcs_time_to_s(dcs_flow_rtt(e.net, f1)),
	       r2 = dcs_time_to_s(dcs_flow_rtt(e.net, f2));
	double x1 = dcs_flow_rate_Bps(f1), x2 = dcs_flow_rate_Bps(f2);
	dcs_validate("two streams on one bottleneck: rate ratio = inverse ratio of loaded RTTs",
		     "tcp-and-queues.md: shares ~ 1/RTT^a, a = 1 (Lakshman and Madhow 1997)",
		     r2 / r1, x1 / x2, 1e-6, 0, "ratio");
	assert_rel(x1 + x2, c, 1e-9);
	/* The queue narrows the ratio: loaded RTTs differ less than base ones. */
	double base1 = 2 * (1 + 10) * 4.9e-6, base2 = 2 * (2000 + 10) * 4.9e-6;
	assert_true(x1 / x2 < base2 / base1);
	assert_true(x1 / x2 > 1);
	env_close(&e);

	rtt_topology(&e, "equal");
	f1 = flow(&e, 0, 3, 1, 0, INFINITY, false, 0);
	f2 = flow(&e, 1, 3, 1, 0, INFINITY, false, 0);
	dcs_validate("tcp_share equal: max-min per stream", "SPEC §6.1 tcp_share equal", 1.0,
		     dcs_flow_rate_Bps(f1) / dcs_flow_rate_Bps(f2), 1e-12, 0, "ratio");
	env_close(&e);
}

/* Streams are shares: four streams take four times one stream's share. */
static void test_streams_are_shares(void **state)
{
	(void)state;
	for (int mode = 0; mode < 2; mode++) {
		struct h_net e;
		one_link(&e, 50, 10, "", mode ? "\"tcp_share\": \"equal\"" : "");
		struct dcs_flow *f4 = flow(&e, 0, 1, 4, 0, INFINITY, false, 0);
		struct dcs_flow *f1 = flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
		dcs_validate(mode ? "a migration of 4 streams against one (equal)"
				  : "a migration of 4 streams against one (rtt)",
			     "SPEC §6.1: each stream is a share", 4.0,
			     dcs_flow_rate_Bps(f4) / dcs_flow_rate_Bps(f1), 1e-12, 0, "ratio");
		env_close(&e);
	}
}

/* ECMP: two equal links; each flow hashed to one of them, both carry;
 * without ECMP every flow takes the first. */
static void test_ecmp(void **state)
{
	(void)state;
	for (int on = 0; on < 2; on++) {
		char json[1024];
		snprintf(
		    json, sizeof(json),
		    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 100,"
		    " \"routing\": {\"ecmp\": %s},"
		    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
		    " \"links\": [{\"id\": \"l0\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 20,"
		    "   \"bandwidth_gbps\": 10},"
		    "  {\"id\": \"l1\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 20,"
		    "   \"bandwidth_gbps\": 10}]}",
		    on ? "true" : "false");
		struct h_net e;
		env_open(&e, json);
		int on_link[2] = {0, 0};
		for (int i = 0; i < 16; i++) {
			flow(&e, 0, 1, 1, 0, INFINITY, false, (uint64_t)(i + 1));
			int l = -1;
			assert_int_equal(
			    dcs_net_path_key(e.net, 0, 1, (uint64_t)(i + 1), &l, NULL, 1), 1);
			on_link[l]++;
			/* The same key always takes the same path. */
			int l2 = -1;
			dcs_net_path_key(e.net, 0, 1, (uint64_t)(i + 1), &l2, NULL, 1);
			assert_int_equal(l, l2);
		}
		assert_int_equal(dcs_net_link_flows(e.net, 0, 0), on_link[0]);
		assert_int_equal(dcs_net_link_flows(e.net, 1, 0), on_link[1]);
		if (on) {
			assert_true(on_link[0] > 0 && on_link[1] > 0);
			double c = 10e9 / 8 * 1460 / 1538;
			dcs_validate("ECMP: two equal 10 Gbps links both carry",
				     "SPEC §6.1 routing.ecmp", 2 * c / 1e9,
				     (dcs_net_link_rate_Bps(e.net, 0, 0) +
				      dcs_net_link_rate_Bps(e.net, 1, 0)) /
					 1e9,
				     1e-9, 0, "GB/s");
		} else {
			assert_int_equal(on_link[1], 0);
		}
		env_close(&e);
	}
}

/* Failures stop traffic for the technology's detection and the IGP; one
 * underlay path of two only for the underlay's reconvergence. */
static void test_cut_and_path_down(void **state)
{
	(void)state;
	struct h_net e;
	env_open(&e,
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 100,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"w\"}],"
		 " \"links\": [{\"id\": \"dci\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 60,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"evi\", \"transport_mtu\": 1600,"
		 "   \"underlay_paths\": 2},"
		 "  {\"id\": \"wa\", \"a\": \"a\", \"b\": \"w\", \"distance_km\": 50,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"l3\"},"
		 "  {\"id\": \"wb\", \"a\": \"w\", \"b\": \"b\", \"distance_km\": 50,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"l3\"}]}");
	struct dcs_flow *f = flow(&e, 0, 1, 1, 0, INFINITY, false, 0);
	double c = dcs_net_link_capacity_Bps(e.net, 0);
	run_to(&e, 10);
	/* One path of two: the overlay sees the underlay's BFD (150 ms) + IGP
	 * (200 ms), not its 30 s IS-IS hold. */
	dcs_net_path_down(e.net, 0);
	assert_true(dcs_flow_stalled(f));
	assert_string_equal(dcs_net_link_state_name(e.net, 0), "converging");
	assert_int_equal(dcs_net_link_paths_up(e.net, 0), 1);
	assert_true(dcs_net_link_up(e.net, 0));
	run_to(&e, 10.35 - 1e-9);
	assert_true(dcs_flow_stalled(f));
	run_to(&e, 10.35 + 1e-9);
	assert_false(dcs_flow_stalled(f));
	assert_string_equal(dcs_net_link_state_name(e.net, 0), "up");
	int l = -1;
	assert_int_equal(dcs_net_path(e.net, 0, 1, &l, NULL, 2), 1);
	assert_int_equal(l, 0); /* routing never moved */
	double sent = dcs_flow_sent(e.net, f);
	dcs_validate("bytes of a flow through a 350 ms underlay reconvergence",
		     "SPEC §6.1: a converging direction carries nothing", (10.35 - 0.35) * c, sent,
		     1e-6, 0, "bytes");
	/* Every path cut: 30 s of IS-IS hold, 200 ms of IGP, then the detour. */
	dcs_net_set_link_up(e.net, 0, false);
	assert_true(dcs_flow_stalled(f));
	assert_false(dcs_net_reachable(e.net, 0, 1));
	run_to(&e, 10.35 + 30.2 - 1e-6);
	assert_true(dcs_flow_stalled(f));
	assert_string_equal(dcs_net_link_state_name(e.net, 0), "converging");
	run_to(&e, 10.35 + 30.2 + 1e-6);
	assert_false(dcs_flow_stalled(f));
	assert_true(dcs_net_reachable(e.net, 0, 1));
	assert_string_equal(dcs_net_link_state_name(e.net, 0), "down");
	int hops[2];
	assert_int_equal(dcs_net_path(e.net, 0, 1, hops, NULL, 2), 2);
	assert_int_equal(hops[0], 1);
	/* Repaired: back at once. */
	dcs_net_set_link_up(e.net, 0, true);
	assert_int_equal(dcs_net_path(e.net, 0, 1, hops, NULL, 2), 1);
	assert_int_equal(dcs_net_link_paths_up(e.net, 0), 2);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cubic_standing_queue),
	    cmocka_unit_test(test_reno_friendly_queue),
	    cmocka_unit_test(test_shallow_buffer_goodput),
	    cmocka_unit_test(test_window_standing_queue),
	    cmocka_unit_test(test_md1_and_overload),
	    cmocka_unit_test(test_offered_and_bulk),
	    cmocka_unit_test(test_rtt_share),
	    cmocka_unit_test(test_streams_are_shares),
	    cmocka_unit_test(test_ecmp),
	    cmocka_unit_test(test_cut_and_path_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
