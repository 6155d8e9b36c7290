/*
 * Tests of the flow-level network (sim/core/net*.c): link figures, TCP caps against
 * the tables of reference/live-migration.md §4 (V6 window, V7 Mathis), max-min
 * sharing with exact completion times, stalls on link failure, rerouting, and
 * the re-entrancy of owner callbacks.
 *
 * Tolerances: closed-form rates to 1e-9 relative; completion times to 2 ns per
 * rate change (the kernel rounds each completion up to the next nanosecond);
 * the reference tables to the rounding of their printed digits.  Cases
 * checked against a formula or a published figure go through dcs_validate()
 * (tests/validation.h) and appear in docs/validation.md.
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
#include "dcisim/tech.h"
#include "validation.h"

struct env {
	struct dcs_scenario *scn;
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	struct dcs_net *net;
};

static void env_open(struct env *e, const char *json)
{
	int nerr = 0;
	e->scn = dcs_scenario_load_text(json, strlen(json), "test", stderr, &nerr);
	assert_non_null(e->scn);
	assert_int_equal(nerr, 0);
	e->k = dcs_kernel_create(1);
	e->bus = dcs_bus_create();
	assert_non_null(e->k);
	assert_non_null(e->bus);
	e->net = dcs_net_create(e->k, e->bus, e->scn);
	assert_non_null(e->net);
}

static void env_close(struct env *e)
{
	dcs_net_destroy(e->net);
	dcs_bus_destroy(e->bus);
	dcs_kernel_destroy(e->k);
	dcs_scenario_free(e->scn);
}

/* Two sites, one 10 Gbps DWDM link of 100 km (490 us one way + 10 us devices). */
static const char two_sites[] =
    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000,"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
    " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 100,"
    "   \"bandwidth_gbps\": 10, \"background_gbps\": 2, \"device_latency_us\": 10}]}";

/* A triangle: a-b direct is fastest, a-c-b the detour.  Streams share
 * max-min (equal): the tests of rtt sharing are in test_queue.c. */
static const char triangle[] =
    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000,"
    " \"routing\": {\"tcp_share\": \"equal\"},"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}],"
    " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
    "   \"bandwidth_gbps\": 10},"
    "  {\"id\": \"ac\", \"a\": \"a\", \"b\": \"c\", \"distance_km\": 10,"
    "   \"bandwidth_gbps\": 1},"
    "  {\"id\": \"cb\", \"a\": \"c\", \"b\": \"b\", \"distance_km\": 10,"
    "   \"bandwidth_gbps\": 10}]}";

struct done_log {
	int n;
	dcs_time_t at[8];
	struct dcs_flow *who[8];
	enum dcs_limit main_limit[8]; /* read in on_done: the flow is freed after it */
	int stalls, resumes;
	struct dcs_kernel *k;
	struct dcs_net *net;
	struct dcs_flow *victim; /* stopped by the stall callback */
};

static void on_done(void *ctx, struct dcs_flow *f)
{
	struct done_log *d = ctx;
	d->at[d->n] = dcs_now(d->k);
	d->who[d->n] = f;
	d->main_limit[d->n] = dcs_flow_main_limit(f);
	d->n++;
}

static void on_stall(void *ctx, struct dcs_flow *f, bool stalled)
{
	(void)f;
	struct done_log *d = ctx;
	if (stalled)
		d->stalls++;
	else
		d->resumes++;
	if (stalled && d->victim) {
		struct dcs_flow *v = d->victim;
		d->victim = NULL;
		dcs_flow_stop(d->net, v);
	}
}

static void noop(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)ctx;
	(void)payload;
}

static struct dcs_flow *start(struct env *e, struct done_log *d, int src, int dst, double bytes,
			      double demand)
{
	struct dcs_flow_spec s = {.src = src,
				  .dst = dst,
				  .bytes = bytes,
				  .demand_Bps = demand,
				  .streams = 1,
				  .window_bytes = 0,
				  .label = "t",
				  .on_done = on_done,
				  .on_stall = on_stall,
				  .ctx = d};
	struct dcs_flow *f = dcs_flow_start(e->net, &s);
	assert_non_null(f);
	return f;
}

static void assert_rel(double got, double want, double rtol)
{
	if (fabs(got - want) > rtol * fabs(want)) {
		fprintf(stderr, "got %.12g want %.12g (rtol %g)\n", got, want, rtol);
		fail();
	}
}

static void test_link_figures(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, two_sites);
	const struct dcs_link_cfg *l = &e.scn->links[0];
	/* SPEC §4.1: 100 km x 4.9 us + 10 us. */
	dcs_validate("one-way latency, 100 km of fibre + 10 us of devices",
		     "SPEC §4.1: 4.9 us/km + device_latency_us", 500.0, dcs_link_cfg_one_way_us(l),
		     1e-12, 0, "us");
	assert_int_equal(dcs_net_link_one_way(e.net, 0), 500000);
	assert_int_equal(dcs_net_rtt_base(e.net, 0, 1), 1000000);
	dcs_validate("RTT, 100 km of fibre + 10 us of devices", "SPEC §4.1: RTT = 2 x one way", 1.0,
		     dcs_time_to_ms(dcs_net_rtt_base(e.net, 0, 1)), 0, 0, "ms");
	/* The loaded RTT adds the M/D/1 wait of the 2 Gbps background in each
	 * direction: rho = 0.2, one 1538-byte frame at 10 Gbps is 1.2304 us,
	 * W = rho / (2 (1 - rho)) x 1.2304 us = 0.1538 us. */
	double w_s = 0.2 / (2 * 0.8) * 1538 * 8 / 10e9;
	dcs_validate("loaded RTT with 2 of 10 Gbps of background (M/D/1 both ways)",
		     "tcp-and-queues.md: M/D/1 W = rho / (2 (1 - rho)) x packet time",
		     1.0 + 2 * w_s * 1e3, dcs_time_to_ms(dcs_net_rtt(e.net, 0, 1)), 0, 2e-6, "ms");
	/* DWDM at lan_mtu 1500: 1460 / 1538. */
	dcs_validate("goodput fraction of the test link (dwdm, lan_mtu 1500)",
		     "SPEC §4.1: 1460 / 1538", 1460.0 / 1538.0, dcs_link_cfg_goodput_fraction(l),
		     1e-12, 0, "ratio");
	dcs_validate("goodput capacity, 10 Gbps with 2 Gbps of background",
		     "SPEC §4.1: (bandwidth - background) x goodput fraction",
		     8.0 * 1460.0 / 1538.0, dcs_net_link_capacity_Bps(e.net, 0) * 8 / 1e9, 1e-12, 0,
		     "Gbps");
	assert_rel(dcs_net_link_bandwidth_gbps(e.net, 0), 10.0, 0);
	env_close(&e);
}

/* The propagation rule against the published rule of thumb, and the goodput
 * fraction of every technology against the encapsulation SPEC §4.1 lists
 * (the table in sim/core/tech.c must agree with it). */
static void test_propagation_and_framing(void **state)
{
	(void)state;
	struct dcs_link_cfg l = {.distance_km = 100,
				 .route_factor = 1,
				 .lan_mtu = 1500,
				 .transport_mtu = 9216,
				 .technology = DCS_TECH_DWDM};
	/* NetApp: "usually in the range of 1 ms round-trip per 100 km"; the
	 * physics gives 0.98 ms. */
	dcs_validate_published("RTT per 100 km of fibre",
			       "dci-facts.md §1 row 2 (about 1 ms, NetApp)", 1.0,
			       2 * dcs_link_cfg_one_way_us(&l) / 1e3, 0.05, 0, "ms");
	dcs_validate_published("one-way propagation per km",
			       "dci-facts.md §1 row 1 (4.897 us/km at 1550 nm)", 4.897,
			       dcs_link_cfg_one_way_us(&l) / 100, 0.001, 0, "us/km");
	l.route_factor = 1.3;
	dcs_validate("route_factor 1.3 on 100 km", "SPEC §4.1; dci-facts.md §1 row 3", 637.0,
		     dcs_link_cfg_one_way_us(&l), 1e-12, 0, "us");
	static const struct {
		enum dcs_tech t;
		int encap;
	} spec[] = {{DCS_TECH_DWDM, 0}, {DCS_TECH_VPLS, 26},       {DCS_TECH_EVI, 38},
		    {DCS_TECH_OTV, 42}, {DCS_TECH_VXLAN_EVPN, 50}, {DCS_TECH_L3, 0}};
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		char name[96];
		l.technology = spec[i].t;
		snprintf(name, sizeof(name), "goodput fraction, %s, lan_mtu 1500",
			 dcs_tech(spec[i].t)->name);
		dcs_validate(name, "SPEC §4.1: 1460 / (1538 + encapsulation)",
			     1460.0 / (1538.0 + spec[i].encap), dcs_link_cfg_goodput_fraction(&l),
			     1e-12, 0, "ratio");
	}
}

/* reference/live-migration.md §4 V6: W/RTT in MB/s (10^6 B). */
static void test_window_table_v6(void **state)
{
	(void)state;
	static const struct {
		double w_bytes, rtt_ms, mb_s, digits;
		const char *w;
	} v6[] = {
	    {0.5e6, 4, 125, 0.5, "0.5 MB"},
	    {0.5e6, 5, 100, 0.5, "0.5 MB"},
	    {0.5e6, 10, 50, 0.5, "0.5 MB"},
	    {1.25e6, 10, 125, 0.5, "1.25 MB"},
	    {6 * 1048576.0, 50, 125.8, 0.05, "6 MiB"},
	    {6 * 1048576.0, 100, 62.9, 0.05, "6 MiB"},
	    {6 * 1048576.0, 150, 41.9, 0.05, "6 MiB"},
	    {16 * 1048576.0, 100, 167.8, 0.05, "16 MiB"},
	    {65536, 150, 0.44, 0.005, "64 KiB"},
	};
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		double got = dcs_window_cap_Bps(1, v6[i].w_bytes, v6[i].rtt_ms / 1e3) / 1e6;
		char name[96];
		snprintf(name, sizeof(name), "window cap, W %s, RTT %g ms", v6[i].w, v6[i].rtt_ms);
		dcs_validate(name, "live-migration.md §4 V6 (W / RTT)", v6[i].mb_s, got, 0,
			     v6[i].digits, "MB/s");
	}
	assert_true(isinf(dcs_window_cap_Bps(1, 0, 0.01)));
	assert_rel(dcs_window_cap_Bps(4, 1e6, 0.01), 4e8, 1e-12);
}

/* reference/live-migration.md §4 V7: Mathis with MSS 1460, C = 1.22. */
static void test_mathis_table_v7(void **state)
{
	(void)state;
	static const struct {
		double rtt_ms, p, mbit_s;
	} v7[] = {
	    {10, 1e-5, 452},   {10, 1e-6, 1430},  {50, 1e-5, 90.5}, {100, 1e-6, 143},
	    {150, 1e-4, 9.54}, {150, 1e-6, 95.4}, {150, 1e-8, 954},
	};
	for (size_t i = 0; i < sizeof(v7) / sizeof(v7[0]); i++) {
		double got = dcs_mathis_cap_Bps(1, 1460, v7[i].rtt_ms / 1e3, v7[i].p) * 8 / 1e6;
		/* The table prints 3 significant digits. */
		char name[96];
		snprintf(name, sizeof(name), "Mathis cap, MSS 1460, RTT %g ms, loss %g",
			 v7[i].rtt_ms, v7[i].p);
		dcs_validate(name, "live-migration.md §4 V7 (MSS / RTT x 1.22 / sqrt(p))",
			     v7[i].mbit_s, got, 0.006, 0, "Mbit/s");
	}
	assert_true(isinf(dcs_mathis_cap_Bps(1, 1460, 0.01, 0)));
}

/* A flow's rate is min(fair share, window/RTT, Mathis) and says which. */
/* The rate of a flow capped by its window (window_bytes > 0) or the Mathis
 * bound (loss > 0) alone on a link of line_gbps, whose own packets wait the
 * M/D/1 time of the utilisation they make (frame_bytes on the wire, goodput
 * mss / frame): solved here by plain iteration, independently of sim/core/net*.c. */
static double loaded_fixed_point(int streams, double window, double mss, double base_rtt_s,
				 double loss, double line_gbps, double frame_bytes)
{
	double line_Bps = line_gbps * 1e9 / 8, frame_s = frame_bytes / line_Bps;
	double q = 0, rate = 0;
	for (int it = 0; it < 100; it++) {
		double rtt = base_rtt_s + q;
		rate =
		    window > 0 ? streams * window / rtt : streams * mss / rtt * 1.22 / sqrt(loss);
		double rho = rate * frame_bytes / mss / line_Bps;
		q = rho / (2 * (1 - rho)) * frame_s;
	}
	return rate;
}

static void test_flow_caps(void **state)
{
	(void)state;
	/* 1500 km: one way 7.35 ms, RTT 14.7 ms; loss 1e-5 on the link. */
	static const char json[] =
	    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000,"
	    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
	    " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 1500,"
	    "   \"bandwidth_gbps\": 10, \"loss\": 1e-5}]}";
	struct env e;
	env_open(&e, json);
	struct done_log d = {.k = e.k, .net = e.net};
	double rtt = 0.0147;
	double share = 10e9 / 8 * 1460.0 / 1538.0;
	double mathis = 1460 / rtt * 1.22 / sqrt(1e-5); /* Mathis et al. 1997 */
	assert_true(mathis < share);

	struct dcs_flow_spec s = {.src = 0,
				  .dst = 1,
				  .bytes = INFINITY,
				  .demand_Bps = INFINITY,
				  .streams = 1,
				  .window_bytes = 0,
				  .label = "t",
				  .ctx = &d};
	struct dcs_flow *f = dcs_flow_start(e.net, &s);
	/* Below saturation the flow's own packets wait the M/D/1 time of its
	 * utilisation: the fixed point rate = Mathis(RTT + W(rho(rate))). */
	double want = loaded_fixed_point(1, 0, 1460, rtt, 1e-5, 10, 1538);
	assert_true(want < mathis && want > mathis * (1 - 1e-5));
	dcs_validate("flow rate, 1500 km, loss 1e-5: the Mathis bound at the loaded RTT",
		     "SPEC §4.1 loss cap; M/D/1 queue of its own load", want * 8 / 1e6,
		     dcs_flow_rate_Bps(f) * 8 / 1e6, 1e-9, 0, "Mbit/s");
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_LOSS);
	dcs_flow_stop(e.net, f);

	/* A 64 KiB window is tighter than Mathis. */
	s.window_bytes = 65536;
	f = dcs_flow_start(e.net, &s);
	want = loaded_fixed_point(1, 65536, 1460, rtt, 0, 10, 1538);
	dcs_validate("flow rate, 1500 km, 64 KiB window", "SPEC §4.1 window cap: W / RTT",
		     want * 8 / 1e6, dcs_flow_rate_Bps(f) * 8 / 1e6, 1e-9, 0, "Mbit/s");
	assert_rel(dcs_flow_rate_Bps(f), 65536 / rtt, 1e-6);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_WINDOW);
	dcs_flow_stop(e.net, f);

	/* Four streams of 64 KiB: each has its own window. */
	s.streams = 4;
	f = dcs_flow_start(e.net, &s);
	want = loaded_fixed_point(4, 65536, 1460, rtt, 0, 10, 1538);
	dcs_validate("flow rate, 1500 km, 4 streams of 64 KiB",
		     "SPEC §4.1 window cap: streams x W / RTT", want * 8 / 1e6,
		     dcs_flow_rate_Bps(f) * 8 / 1e6, 1e-9, 0, "Mbit/s");
	assert_rel(dcs_flow_rate_Bps(f), 4 * 65536 / rtt, 1e-5);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_WINDOW);
	dcs_flow_stop(e.net, f);

	/* 64 streams of 64 MiB: 64 x Mathis (38 MB/s each) exceeds the 1.18 GB/s
	 * the link offers, so the fair share limits. */
	s.streams = 64;
	s.window_bytes = 64 * 1048576.0;
	f = dcs_flow_start(e.net, &s);
	dcs_validate("flow rate, 64 streams of 64 MiB: the link's goodput",
		     "SPEC §4.1: min(share, streams x caps)", share * 8 / 1e9,
		     dcs_flow_rate_Bps(f) * 8 / 1e9, 1e-9, 0, "Gbps");
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_LINK_SHARE);
	dcs_flow_stop(e.net, f);

	/* A demand below everything. */
	s.streams = 1;
	s.window_bytes = 0;
	s.demand_Bps = 1e6;
	f = dcs_flow_start(e.net, &s);
	assert_rel(dcs_flow_rate_Bps(f), 1e6, 1e-12);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_DEMAND);
	dcs_flow_stop(e.net, f);
	assert_int_equal(dcs_net_active_flows(e.net), 0);
	env_close(&e);
}

/* Two equal flows share the link and finish together; a third joining later
 * gets a third from then on; every completion time follows exactly. */
static void test_fair_share_and_join(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, two_sites);
	struct done_log d = {.k = e.k, .net = e.net};
	double c = dcs_net_link_capacity_Bps(e.net, 0);
	double bytes = c * 10; /* 10 s alone, 20 s when shared by two */
	struct dcs_flow *f1 = start(&e, &d, 0, 1, bytes, INFINITY);
	struct dcs_flow *f2 = start(&e, &d, 0, 1, bytes, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f1), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(f2), c / 2, 1e-12);
	assert_int_equal(dcs_net_link_flows(e.net, 0, 0), 2);
	assert_int_equal(dcs_net_link_flows(e.net, 0, 1), 0);

	/* At t = 4 s a third flow joins: each has sent 2c, 8c left at c/3. */
	dcs_kernel_run(e.k, dcs_time_from_s(4));
	struct dcs_flow *f3 = start(&e, &d, 0, 1, bytes, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f1), c / 3, 1e-12);
	assert_rel(dcs_flow_rate_Bps(f3), c / 3, 1e-12);
	assert_rel(dcs_flow_sent(e.net, f1), 2 * c, 1e-9);
	dcs_kernel_run(e.k, DCS_TIME_NEVER);

	/* f1, f2 end at 4 + 24 = 28 s; f3 then has 10c - 8c = 2c left alone: 30 s. */
	assert_int_equal(d.n, 3);
	assert_ptr_equal(d.who[0], f1);
	assert_ptr_equal(d.who[1], f2);
	assert_true(llabs(d.at[0] - dcs_time_from_s(28)) <= 4);
	assert_true(llabs(d.at[1] - dcs_time_from_s(28)) <= 4);
	assert_true(llabs(d.at[2] - dcs_time_from_s(30)) <= 6);
	dcs_validate("max-min: two flows of 10 s, a third joins at 4 s; the first two end",
		     "max-min fairness closed form (SPEC §4.1)", 28.0, dcs_time_to_s(d.at[0]), 0,
		     4e-9, "s");
	dcs_validate("max-min: the third flow ends alone",
		     "max-min fairness closed form (SPEC §4.1)", 30.0, dcs_time_to_s(d.at[2]), 0,
		     6e-9, "s");
	/* The link carried exactly the three flows' bytes, and nothing after the
	 * last one ended. */
	assert_rel(dcs_net_link_bytes(e.net, 0, 0), 3 * bytes, 1e-9);
	assert_int_equal(dcs_net_link_flows(e.net, 0, 0), 0);
	dcs_schedule(e.k, dcs_time_from_s(40), noop, NULL, NULL, 0);
	dcs_kernel_run(e.k, DCS_TIME_NEVER);
	assert_rel(dcs_net_link_bytes(e.net, 0, 0), 3 * bytes, 1e-9);
	env_close(&e);
}

/* Max-min with a capped flow: the capped one keeps its cap, the other takes
 * the rest; when the capped one ends, the other takes everything. */
static void test_max_min_with_cap(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, two_sites);
	struct done_log d = {.k = e.k, .net = e.net};
	double c = dcs_net_link_capacity_Bps(e.net, 0);
	struct dcs_flow *small = start(&e, &d, 0, 1, c, c / 4);
	struct dcs_flow *big = start(&e, &d, 0, 1, INFINITY, INFINITY);
	assert_rel(dcs_flow_rate_Bps(small), c / 4, 1e-12);
	assert_int_equal(dcs_flow_limited_by(small), DCS_LIMIT_DEMAND);
	dcs_validate("max-min with a flow capped at a quarter: the other takes the rest",
		     "max-min fairness (SPEC §4.1)", 0.75, dcs_flow_rate_Bps(big) / c, 1e-12, 0,
		     "of capacity");
	assert_int_equal(dcs_flow_limited_by(big), DCS_LIMIT_LINK_SHARE);
	dcs_kernel_run(e.k, DCS_TIME_NEVER);
	assert_int_equal(d.n, 1);
	/* The small flow is freed after its on_done: the log kept its limit. */
	assert_int_equal(d.main_limit[0], DCS_LIMIT_DEMAND);
	assert_true(llabs(d.at[0] - dcs_time_from_s(4)) <= 2);
	assert_rel(dcs_flow_rate_Bps(big), c, 1e-12);
	assert_int_equal(dcs_flow_main_limit(big), DCS_LIMIT_LINK_SHARE);
	/* Demand changes reshare too. */
	dcs_flow_set_demand(e.net, big, 1000);
	assert_rel(dcs_flow_rate_Bps(big), 1000, 1e-12);
	dcs_flow_stop(e.net, big);
	env_close(&e);
}

/* Flows over two hops: max-min across a chain of bottlenecks. */
static void test_multi_hop(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, triangle);
	struct done_log d = {.k = e.k, .net = e.net};
	/* Take ab down: once the cut is detected (dwdm: loss of signal, 50 ms)
	 * and routing has converged (200 ms), a->b goes a-c-b, bottleneck ac
	 * (1 Gbps). */
	dcs_net_set_link_up(e.net, 0, false);
	dcs_schedule(e.k, dcs_time_from_s(1), noop, NULL, NULL, 0);
	dcs_kernel_run(e.k, dcs_time_from_s(1));
	int links[4], dirs[4];
	assert_int_equal(dcs_net_path(e.net, 0, 1, links, dirs, 4), 2);
	assert_int_equal(links[0], 1);
	assert_int_equal(links[1], 2);
	assert_int_equal(dirs[0], 0);
	assert_int_equal(dirs[1], 0);
	double c_ac = dcs_net_link_capacity_Bps(e.net, 1);
	double c_cb = dcs_net_link_capacity_Bps(e.net, 2);
	struct dcs_flow *f_ab = start(&e, &d, 0, 1, INFINITY, INFINITY);
	struct dcs_flow *f_cb = start(&e, &d, 2, 1, INFINITY, INFINITY);
	/* f_ab is held to ac's capacity; f_cb gets the rest of cb. */
	assert_rel(dcs_flow_rate_Bps(f_ab), c_ac, 1e-12);
	dcs_validate("two hops: the flow sharing the wide hop gets what the narrow one leaves",
		     "max-min fairness (SPEC §4.1)", (c_cb - c_ac) * 8 / 1e9,
		     dcs_flow_rate_Bps(f_cb) * 8 / 1e9, 1e-12, 0, "Gbps");
	/* The reverse direction is separate. */
	struct dcs_flow *f_ba = start(&e, &d, 1, 0, INFINITY, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f_ba), c_ac, 1e-12);
	assert_rel(dcs_flow_rate_Bps(f_ab), c_ac, 1e-12);
	dcs_flow_stop(e.net, f_ab);
	dcs_flow_stop(e.net, f_cb);
	dcs_flow_stop(e.net, f_ba);
	env_close(&e);
}

/* A cut stops the flow until routing moves (dwdm: loss of signal 50 ms +
 * IGP 200 ms), then it takes the detour; with no detour left it stalls until
 * the link returns, and resumes where it stopped. */
static void test_stall_and_reroute(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, triangle);
	struct done_log d = {.k = e.k, .net = e.net};
	double c_ab = dcs_net_link_capacity_Bps(e.net, 0);
	double c_ac = dcs_net_link_capacity_Bps(e.net, 1);
	struct dcs_flow *f = start(&e, &d, 0, 1, c_ab * 10, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f), c_ab, 1e-12);
	dcs_kernel_run(e.k, dcs_time_from_s(5));
	dcs_net_set_link_up(e.net, 0, false);
	/* Converging: routing still points at ab, which carries nothing. */
	assert_true(dcs_flow_stalled(f));
	assert_int_equal(d.stalls, 1);
	assert_false(dcs_net_reachable(e.net, 0, 1));
	assert_string_equal(dcs_net_link_state_name(e.net, 0), "converging");
	assert_int_equal(dcs_net_path(e.net, 0, 1, NULL, NULL, 4), 1);
	dcs_schedule(e.k, dcs_time_from_s(6), noop, NULL, NULL, 0);
	dcs_kernel_run(e.k, dcs_time_from_s(6));
	/* Rerouted at 5.25 s over a-c-b. */
	assert_int_equal(d.resumes, 1);
	assert_false(dcs_flow_stalled(f));
	assert_string_equal(dcs_net_link_state_name(e.net, 0), "down");
	assert_rel(dcs_flow_rate_Bps(f), c_ac, 1e-12);
	assert_int_equal(dcs_net_rtt_base(e.net, 0, 1), 2 * 2 * 49000);
	/* Cut the detour too: stalled at once. */
	dcs_net_set_link_up(e.net, 1, false);
	assert_true(dcs_flow_stalled(f));
	assert_int_equal(d.stalls, 2);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_STALLED);
	assert_rel(dcs_flow_rate_Bps(f), 0, 0);
	double sent = dcs_flow_sent(e.net, f);
	dcs_validate("bytes of a flow cut at 5 s, rerouted 0.25 s later, cut again at 6 s",
		     "SPEC §6.1: a converging link carries nothing", 5 * c_ab + 0.75 * c_ac, sent,
		     1e-9, 0, "bytes");
	/* Something else happens at 66 s (a stalled flow has no event). */
	dcs_schedule(e.k, dcs_time_from_s(66), noop, NULL, NULL, 0);
	dcs_kernel_run(e.k, dcs_time_from_s(66));
	assert_rel(dcs_flow_sent(e.net, f), sent, 1e-12);
	assert_int_equal(d.n, 0);
	assert_int_equal(dcs_now(e.k), dcs_time_from_s(66));
	dcs_net_set_link_up(e.net, 0, true);
	assert_int_equal(d.resumes, 2);
	assert_false(dcs_flow_stalled(f));
	dcs_kernel_run(e.k, DCS_TIME_NEVER);
	assert_int_equal(d.n, 1);
	double left_s = (c_ab * 10 - sent) / c_ab;
	assert_true(llabs(d.at[0] - dcs_time_from_s(66 + left_s)) <= 2);
	dcs_validate("a flow stalled 60 s resumes where it stopped",
		     "SPEC §4.1: no path stalls, a path back resumes", 66 + left_s,
		     dcs_time_to_s(d.at[0]), 0, 2e-9, "s");
	env_close(&e);
}

/* A stall callback that stops another flow waiting for its own callback must
 * neither crash nor call the stopped flow's owner. */
static void test_callback_stops_other(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, two_sites);
	struct done_log d = {.k = e.k, .net = e.net};
	struct dcs_flow *f1 = start(&e, &d, 0, 1, 1e9, INFINITY);
	struct dcs_flow *f2 = start(&e, &d, 0, 1, 1e9, INFINITY);
	(void)f1;
	d.victim = f2;
	dcs_net_set_link_up(e.net, 0, false);
	assert_int_equal(d.stalls, 1); /* f1's; f2 was stopped before its turn */
	assert_int_equal(dcs_net_active_flows(e.net), 1);
	dcs_net_set_link_up(e.net, 0, true);
	assert_int_equal(d.resumes, 1);
	dcs_kernel_run(e.k, DCS_TIME_NEVER);
	assert_int_equal(d.n, 1);
	env_close(&e);
}

/* Degradation changes capacity and loss; restore brings them back. */
static void test_degrade(void **state)
{
	(void)state;
	struct env e;
	env_open(&e, two_sites);
	struct done_log d = {.k = e.k, .net = e.net};
	struct dcs_flow *f = start(&e, &d, 0, 1, INFINITY, INFINITY);
	double c = dcs_net_link_capacity_Bps(e.net, 0);
	dcs_net_link_degrade(e.net, 0, 4, NAN, 1.0);
	assert_true(dcs_net_link_degraded(e.net, 0));
	assert_rel(dcs_flow_rate_Bps(f), c / 4, 1e-12); /* (4 - 2) / (10 - 2) */
	dcs_validate("degraded to 4 Gbps with 2 Gbps of background: a quarter of the goodput",
		     "SPEC §4.1: (bandwidth - background) x goodput fraction", 0.25,
		     dcs_flow_rate_Bps(f) / c, 1e-12, 0, "of capacity");
	assert_int_equal(dcs_net_rtt_base(e.net, 0, 1), 2 * (500000 + 1000000));
	dcs_validate("RTT with 1 ms of added one-way latency", "SPEC §2 link_degrade latency_ms",
		     3.0, dcs_time_to_ms(dcs_net_rtt_base(e.net, 0, 1)), 0, 0, "ms");
	dcs_net_link_restore(e.net, 0);
	assert_rel(dcs_flow_rate_Bps(f), c, 1e-12);
	assert_false(dcs_net_link_degraded(e.net, 0));
	dcs_flow_stop(e.net, f);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_link_figures),
	    cmocka_unit_test(test_propagation_and_framing),
	    cmocka_unit_test(test_window_table_v6),
	    cmocka_unit_test(test_mathis_table_v7),
	    cmocka_unit_test(test_flow_caps),
	    cmocka_unit_test(test_fair_share_and_join),
	    cmocka_unit_test(test_max_min_with_cap),
	    cmocka_unit_test(test_multi_hop),
	    cmocka_unit_test(test_stall_and_reroute),
	    cmocka_unit_test(test_callback_stops_other),
	    cmocka_unit_test(test_degrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
