/*
 * The memo of component solves (sim/core/net_memo.c): a component whose solver inputs are
 * the same to the bit as one solved before takes that solve's figures.  Each test here
 * solves one component in two states that differ in one input the memo's key must hold
 * (a link's bandwidth, its loss, its added latency, whether it carries; a flow's demand,
 * class of load, window, whether it stalls), going A, B, A, B: the second A and B are answered by
 * the memo (the test asserts the memo answered), and their rates must still follow each state's
 * closed form, written here.  A key that missed the input would hand B the figures of A.
 *
 * The link: two sites 1500 km apart (RTT 14.7 ms: 4.9 us/km of fibre each way, as
 * tests/test_net.c), 10 Gbps DWDM, lan_mtu 1500, so a flow's goodput capacity is
 * bandwidth x 1460 / 1538 (SPEC §4.1: MSS 1460 of a 1538-byte frame on the wire); a
 * 50,000 KiB buffer keeps the loss cycle from idling the link (D <= tau, docs/models.md
 * §1.5), so bulk flows share that capacity exactly.  Streams share equally
 * (routing.tcp_share "equal").  Tolerances: 1e-12 relative for shares of the capacity
 * (a few roundings), 1e-5 for window and Mathis caps (the flow's own M/D/1 queue adds
 * below 1e-5 of the RTT, as tests/test_net.c states for the same link).
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

#include "harness.h"

static const char link_json[] =
    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000,"
    " \"routing\": {\"tcp_share\": \"equal\"},"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
    " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 1500,"
    "   \"bandwidth_gbps\": 10, \"buffer_kib\": 50000}]}";

#define RTT_S 0.0147 /* 2 x 1500 km x 4.9 us/km */

/* Goodput capacity of the link at bw Gbps: MSS 1460 in a 1538-byte frame. */
static double goodput(double bw_gbps)
{
	return bw_gbps * 1e9 / 8 * 1460.0 / 1538.0;
}

static struct dcs_flow *start(struct h_net *e, int streams, double window, double demand)
{
	struct dcs_flow_spec s = {.src = 0,
				  .dst = 1,
				  .bytes = INFINITY,
				  .demand_Bps = demand,
				  .streams = streams,
				  .window_bytes = window,
				  .label = "t"};
	struct dcs_flow *f = dcs_flow_start(e->net, &s);
	assert_non_null(f);
	return f;
}

static uint64_t hits(const struct h_net *e)
{
	uint64_t h, m;
	dcs_net_memo_counts(e->net, &h, &m);
	return h;
}

/* |got - want| <= rtol |want|. */
#define assert_rel(got, want, rtol) assert_float_equal(got, want, (rtol)*fabs(want))

/* The link's bandwidth: 10, 4, 10, 4 Gbps. */
static void test_bandwidth(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	struct dcs_flow *f = start(&e, 64, 0, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	dcs_net_link_degrade(e.net, 0, 4, NAN, NAN);
	assert_rel(dcs_flow_rate_Bps(f), goodput(4), 1e-12);
	uint64_t h0 = hits(&e);
	dcs_net_link_restore(e.net, 0);
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	dcs_net_link_degrade(e.net, 0, 4, NAN, NAN);
	assert_rel(dcs_flow_rate_Bps(f), goodput(4), 1e-12);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* The link's loss (its path's loss; the path itself is the same): the share, then the
 * Mathis bound MSS / RTT x 1.22 / sqrt(p) (Mathis et al. 1997), and back. */
static void test_loss(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	struct dcs_flow *f = start(&e, 1, 0, INFINITY);
	double mathis = 1460 / RTT_S * 1.22 / sqrt(1e-5);
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	dcs_net_link_degrade(e.net, 0, NAN, 1e-5, NAN);
	assert_rel(dcs_flow_rate_Bps(f), mathis, 1e-5);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_LOSS);
	uint64_t h0 = hits(&e);
	dcs_net_link_restore(e.net, 0);
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	dcs_net_link_degrade(e.net, 0, NAN, 1e-5, NAN);
	assert_rel(dcs_flow_rate_Bps(f), mathis, 1e-5);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* Added latency on the link (the flow's base RTT): a window-bound flow's rate W / RTT. */
static void test_latency(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	struct dcs_flow *f = start(&e, 1, 65536, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f), 65536 / RTT_S, 1e-5);
	dcs_net_link_degrade(e.net, 0, NAN, NAN, 5.0); /* 5 ms each way */
	assert_rel(dcs_flow_rate_Bps(f), 65536 / (RTT_S + 0.010), 1e-5);
	uint64_t h0 = hits(&e);
	dcs_net_link_restore(e.net, 0);
	assert_rel(dcs_flow_rate_Bps(f), 65536 / RTT_S, 1e-5);
	dcs_net_link_degrade(e.net, 0, NAN, NAN, 5.0);
	assert_rel(dcs_flow_rate_Bps(f), 65536 / (RTT_S + 0.010), 1e-5);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* Whether the link carries: cut, the flow stalls at rate 0; back up, the whole capacity. */
static void test_carries(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	struct dcs_flow *f = start(&e, 64, 0, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	dcs_net_set_link_up(e.net, 0, false);
	assert_true(dcs_flow_stalled(f));
	assert_true(dcs_flow_rate_Bps(f) == 0);
	uint64_t h0 = hits(&e);
	dcs_net_set_link_up(e.net, 0, true);
	assert_false(dcs_flow_stalled(f));
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	dcs_net_set_link_up(e.net, 0, false);
	assert_true(dcs_flow_rate_Bps(f) == 0);
	dcs_net_set_link_up(e.net, 0, true);
	assert_rel(dcs_flow_rate_Bps(f), goodput(10), 1e-12);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* Whether a flow stalls, its path the same (none: both ends at one site): at its demand,
 * then stalled while its site is down (rate 0), and back. */
static void test_stalled(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	struct dcs_flow_spec s = {
	    .src = 0, .dst = 0, .bytes = INFINITY, .demand_Bps = 1e8, .streams = 1, .label = "t"};
	struct dcs_flow *f = dcs_flow_start(e.net, &s);
	assert_non_null(f);
	assert_rel(dcs_flow_rate_Bps(f), 1e8, 1e-12);
	dcs_net_set_site_up(e.net, 0, false);
	assert_true(dcs_flow_stalled(f));
	assert_true(dcs_flow_rate_Bps(f) == 0);
	uint64_t h0 = hits(&e);
	dcs_net_set_site_up(e.net, 0, true);
	assert_rel(dcs_flow_rate_Bps(f), 1e8, 1e-12);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_DEMAND);
	dcs_net_set_site_up(e.net, 0, false);
	assert_true(dcs_flow_rate_Bps(f) == 0);
	assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_STALLED);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* A flow's demand: a quarter of the capacity, then none (the whole capacity). */
static void test_demand(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	double c = goodput(10);
	struct dcs_flow *f = start(&e, 64, 0, c / 4);
	assert_rel(dcs_flow_rate_Bps(f), c / 4, 1e-12);
	dcs_flow_set_demand(e.net, f, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f), c, 1e-12);
	uint64_t h0 = hits(&e);
	dcs_flow_set_demand(e.net, f, c / 4);
	assert_rel(dcs_flow_rate_Bps(f), c / 4, 1e-12);
	dcs_flow_set_demand(e.net, f, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f), c, 1e-12);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* A flow's class of load at the same demand of 0.6 c beside a bulk flow of as many
 * streams: bulk, each gets half (max-min); offered, it gets its 0.6 c first and the bulk
 * flow the 0.4 c left. */
static void test_offered(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	double c = goodput(10);
	struct dcs_flow *bulk = start(&e, 64, 0, INFINITY);
	struct dcs_flow *g = start(&e, 64, 0, 0.6 * c);
	assert_rel(dcs_flow_rate_Bps(g), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bulk), c / 2, 1e-12);
	dcs_flow_set_load(e.net, g, 0.6 * c, true);
	assert_rel(dcs_flow_rate_Bps(g), 0.6 * c, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bulk), 0.4 * c, 1e-12);
	uint64_t h0 = hits(&e);
	dcs_flow_set_load(e.net, g, 0.6 * c, false);
	assert_rel(dcs_flow_rate_Bps(g), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bulk), c / 2, 1e-12);
	dcs_flow_set_load(e.net, g, 0.6 * c, true);
	assert_rel(dcs_flow_rate_Bps(g), 0.6 * c, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bulk), 0.4 * c, 1e-12);
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* A flow's window: transfers one after another with 64 KiB and 128 KiB windows, W / RTT. */
static void test_window(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	uint64_t h0 = 0;
	for (int i = 0; i < 4; i++) {
		double w = i % 2 ? 131072 : 65536;
		if (i == 2)
			h0 = hits(&e);
		struct dcs_flow *f = start(&e, 1, w, INFINITY);
		assert_rel(dcs_flow_rate_Bps(f), w / RTT_S, 1e-5);
		assert_int_equal(dcs_flow_limited_by(f), DCS_LIMIT_WINDOW);
		dcs_flow_stop(e.net, f);
	}
	assert_true(hits(&e) >= h0 + 2);
	h_net_close(&e);
}

/* Three sites in a line, a - b - c, two links like the one above: a flow a -> c crosses both. */
static const char line_json[] =
    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000,"
    " \"routing\": {\"tcp_share\": \"equal\"},"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}],"
    " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 1500,"
    "   \"bandwidth_gbps\": 10, \"buffer_kib\": 50000},"
    "  {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 1500,"
    "   \"bandwidth_gbps\": 10, \"buffer_kib\": 50000}]}";

static struct dcs_flow *start_at(struct h_net *e, int src, int dst)
{
	struct dcs_flow_spec s = {.src = src,
				  .dst = dst,
				  .bytes = INFINITY,
				  .demand_Bps = INFINITY,
				  .streams = 1,
				  .label = "t"};
	struct dcs_flow *f = dcs_flow_start(e->net, &s);
	assert_non_null(f);
	return f;
}

/* The component of a change (net_solve.c): a link none of whose flows crosses another link is
 * taken whole without a search, any other by the search.  A flow a -> c ties the two links
 * into one component while it runs: a change on one link must then reach the flows of the
 * other (max-min, one stream each: rates written below), and once it ends each link is on
 * its own again.  Taking a link alone while a flow crossing both runs would leave a -> b at
 * its old share when b -> c changes. */
static void test_one_link(void **state)
{
	(void)state;
	struct h_net e = h_net_open(line_json);
	double c = goodput(10);
	struct dcs_flow *ab = start_at(&e, 0, 1);
	struct dcs_flow *bc = start_at(&e, 1, 2);
	assert_rel(dcs_flow_rate_Bps(ab), c, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bc), c, 1e-12);
	struct dcs_flow *bc2 = start_at(&e, 1, 2);
	assert_rel(dcs_flow_rate_Bps(bc), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(ab), c, 1e-12);
	/* a -> c: a third of b - c, a -> b takes the two thirds of a - b it leaves. */
	struct dcs_flow *ac = start_at(&e, 0, 2);
	assert_rel(dcs_flow_rate_Bps(ac), c / 3, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bc), c / 3, 1e-12);
	assert_rel(dcs_flow_rate_Bps(ab), 2 * c / 3, 1e-12);
	/* A change on b - c alone: halves there, so a -> b falls to half of a - b. */
	dcs_flow_stop(e.net, bc2);
	assert_rel(dcs_flow_rate_Bps(ac), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bc), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(ab), c / 2, 1e-12);
	/* A change on a - b alone: a third each there, b -> c takes the two thirds of b - c left.
	 */
	struct dcs_flow *ab2 = start_at(&e, 0, 1);
	assert_rel(dcs_flow_rate_Bps(ac), c / 3, 1e-12);
	assert_rel(dcs_flow_rate_Bps(ab), c / 3, 1e-12);
	assert_rel(dcs_flow_rate_Bps(ab2), c / 3, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bc), 2 * c / 3, 1e-12);
	/* a -> c ends: each link on its own, and changes on one leave the other. */
	dcs_flow_stop(e.net, ac);
	assert_rel(dcs_flow_rate_Bps(ab), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bc), c, 1e-12);
	dcs_flow_stop(e.net, ab2);
	assert_rel(dcs_flow_rate_Bps(ab), c, 1e-12);
	struct dcs_flow *bc3 = start_at(&e, 1, 2);
	assert_rel(dcs_flow_rate_Bps(bc3), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(bc), c / 2, 1e-12);
	assert_rel(dcs_flow_rate_Bps(ab), c, 1e-12);
	assert_int_equal(dcs_net_link_flows(e.net, 0, 0) + dcs_net_link_flows(e.net, 0, 1), 1);
	h_net_close(&e);
}

/* A group's member going on its own is listed after the group (started
 * later): the one link's component must still list its flows by start order
 * (DCISIM_NET_MEMO_CHECK compares it with the search's), and the shares stay
 * what they are: the member at its demand, the others an equal share of the
 * rest. */
static void test_member_alone(void **state)
{
	(void)state;
	struct h_net e = h_net_open(link_json);
	double c = goodput(10), d = c / 100;
	struct dcs_flow *f[20];
	for (int i = 0; i < 20; i++)
		f[i] = start(&e, 1, 0, INFINITY);
	for (int i = 0; i < 20; i++)
		assert_rel(dcs_flow_rate_Bps(f[i]), c / 20, 1e-12);
	dcs_flow_set_demand(e.net, f[3], d);
	assert_rel(dcs_flow_rate_Bps(f[3]), d, 1e-12);
	assert_rel(dcs_flow_rate_Bps(f[0]), (c - d) / 19, 1e-12);
	struct dcs_flow *g = start(&e, 1, 0, INFINITY);
	assert_rel(dcs_flow_rate_Bps(f[3]), d, 1e-12);
	assert_rel(dcs_flow_rate_Bps(g), (c - d) / 20, 1e-12);
	assert_rel(dcs_flow_rate_Bps(f[19]), (c - d) / 20, 1e-12);
	dcs_flow_stop(e.net, g);
	assert_rel(dcs_flow_rate_Bps(f[0]), (c - d) / 19, 1e-12);
	dcs_flow_stop(e.net, f[3]);
	assert_rel(dcs_flow_rate_Bps(f[0]), c / 19, 1e-12);
	for (int i = 0; i < 20; i++)
		if (i != 3)
			dcs_flow_stop(e.net, f[i]);
	h_net_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bandwidth), cmocka_unit_test(test_loss),
	    cmocka_unit_test(test_latency),   cmocka_unit_test(test_carries),
	    cmocka_unit_test(test_demand),    cmocka_unit_test(test_offered),
	    cmocka_unit_test(test_window),    cmocka_unit_test(test_stalled),
	    cmocka_unit_test(test_one_link),  cmocka_unit_test(test_member_alone),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
