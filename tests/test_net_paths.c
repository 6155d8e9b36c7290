/*
 * Path questions the models ask the network (dcisim/net.h): does the
 * current path transit a site, and the best path that avoids one (a witness
 * arbitrates; it carries no replication or heartbeats).
 *
 * Topology: a-w-b is the shortest way (10 + 10 km); a-c-b and a-d-b are two
 * equal detours (30 + 30 km), c listed before d; b-c is configured b->c.
 * Expected paths and latencies are written out: 4.9 us per km (SPEC §4.1).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "harness.h"

static const char graph[] =
    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10,"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}, {\"id\": \"d\"},"
    "   {\"id\": \"w\"}],"
    " \"links\": ["
    "  {\"id\": \"aw\", \"a\": \"a\", \"b\": \"w\", \"distance_km\": 10, \"bandwidth_gbps\": 10},"
    "  {\"id\": \"wb\", \"a\": \"w\", \"b\": \"b\", \"distance_km\": 10, \"bandwidth_gbps\": 10},"
    "  {\"id\": \"ac\", \"a\": \"a\", \"b\": \"c\", \"distance_km\": 30, \"bandwidth_gbps\": 10},"
    "  {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 30, \"bandwidth_gbps\": 10},"
    "  {\"id\": \"ad\", \"a\": \"a\", \"b\": \"d\", \"distance_km\": 30, \"bandwidth_gbps\": 10},"
    "  {\"id\": \"db\", \"a\": \"d\", \"b\": \"b\", \"distance_km\": 30, \"bandwidth_gbps\": 10}]}";

enum { A, B, C, D, W };
enum { AW, WB, AC, BC, AD, DB };

static const dcs_time_t us = 1000;

static void test_transits(void **state)
{
	(void)state;
	struct h_net e = h_net_open(graph);
	assert_true(dcs_net_path_transits(e.net, A, B, W));
	assert_true(dcs_net_path_transits(e.net, B, A, W));
	assert_false(dcs_net_path_transits(e.net, A, B, C));
	assert_false(dcs_net_path_transits(e.net, A, W, W)); /* an end */
	assert_false(dcs_net_path_transits(e.net, A, B, -1));
	/* The way through w cut: once the cut is detected and routing has
	 * converged (dwdm: 50 ms loss of signal + 200 ms IGP), the path is a
	 * detour, not through w; until then it still points at the cut link. */
	dcs_net_set_link_up(e.net, WB, false);
	assert_true(dcs_net_path_transits(e.net, A, B, W));
	dcs_kernel_run(e.k, dcs_time_from_s(1));
	assert_false(dcs_net_path_transits(e.net, A, B, W));
	assert_true(dcs_net_path_transits(e.net, A, B, C));
	h_net_close(&e);
}

static void test_avoiding(void **state)
{
	(void)state;
	struct h_net e = h_net_open(graph);
	int links[8], dirs[8];
	dcs_time_t ow = 0;
	/* Through w would be 20 km; the detours are 60 km, c's first (the
	 * lower index at equal distance, as the network's own paths). */
	assert_int_equal(dcs_net_path_avoiding(e.net, A, B, W, links, dirs, 8, &ow), 2);
	assert_int_equal(links[0], AC);
	assert_int_equal(links[1], BC);
	assert_int_equal(dirs[0], 0); /* a->c as configured */
	assert_int_equal(dirs[1], 1); /* c->b against b->c */
	assert_int_equal(ow, 60 * 4900);
	/* The other way round. */
	assert_int_equal(dcs_net_path_avoiding(e.net, B, A, W, links, dirs, 8, &ow), 2);
	assert_int_equal(links[0], BC);
	assert_int_equal(dirs[0], 0);
	assert_int_equal(ow, 294 * us);
	/* Avoiding a site off the best path changes nothing. */
	assert_int_equal(dcs_net_path_avoiding(e.net, A, B, D, links, NULL, 8, &ow), 2);
	assert_int_equal(links[0], AW);
	assert_int_equal(ow, dcs_net_one_way(e.net, A, B));
	/* c down: d's detour; d down too: no way. */
	dcs_net_set_site_up(e.net, C, false);
	assert_int_equal(dcs_net_path_avoiding(e.net, A, B, W, links, NULL, 8, &ow), 2);
	assert_int_equal(links[0], AD);
	assert_int_equal(links[1], DB);
	dcs_net_set_link_up(e.net, DB, false);
	assert_int_equal(dcs_net_path_avoiding(e.net, A, B, W, links, NULL, 8, &ow), -1);
	assert_true(ow == DCS_TIME_NEVER);
	h_net_close(&e);
}

/* Flows between one pair of sites take the answer kept for the pair while
 * routing stays as it is: a flow started after a change must take the new
 * path, not the one kept before it. */
static void test_flow_paths_kept(void **state)
{
	(void)state;
	struct h_net e = h_net_open(graph);
	struct dcs_flow_spec s = {
	    .src = A, .dst = B, .bytes = INFINITY, .demand_Bps = INFINITY, .streams = 1};
	struct dcs_flow *f1 = dcs_flow_start(e.net, &s);
	struct dcs_flow *f2 = dcs_flow_start(e.net, &s);
	assert_int_equal(dcs_net_link_flows(e.net, AW, 0), 2);
	assert_int_equal(dcs_net_link_flows(e.net, WB, 0), 2);
	assert_int_equal(dcs_net_link_flows(e.net, AC, 0), 0);
	assert_true(dcs_flow_rtt(e.net, f1) == dcs_flow_rtt(e.net, f2));
	dcs_flow_stop(e.net, f1);
	dcs_flow_stop(e.net, f2);
	/* w-b cut with no flow on it: routing converges to a detour (d's: the
	 * two are equal and the canonical path reaches b by the later one). */
	dcs_net_set_link_up(e.net, WB, false);
	dcs_kernel_run(e.k, dcs_time_from_s(1));
	struct dcs_flow *f3 = dcs_flow_start(e.net, &s);
	assert_int_equal(dcs_net_link_flows(e.net, AW, 0), 0);
	assert_int_equal(dcs_net_link_flows(e.net, AD, 0), 1);
	assert_int_equal(dcs_net_link_flows(e.net, DB, 0), 1);
	assert_false(dcs_flow_stalled(f3));
	/* 60 km each way at 4.9 us/km, without queue */
	assert_true(dcs_flow_rtt(e.net, f3) >= 2 * 294 * us);
	/* d down: f3 and a new flow of the same pair take the detour by c. */
	dcs_net_set_site_up(e.net, D, false);
	dcs_kernel_run(e.k, dcs_time_from_s(2));
	struct dcs_flow *f4 = dcs_flow_start(e.net, &s);
	assert_int_equal(dcs_net_link_flows(e.net, AD, 0), 0);
	assert_int_equal(dcs_net_link_flows(e.net, AC, 0), 2);
	assert_int_equal(dcs_net_link_flows(e.net, BC, 1), 2); /* c->b against b->c */
	assert_false(dcs_flow_stalled(f4));
	/* c down too: no way, the new flow stalls. */
	dcs_net_set_site_up(e.net, C, false);
	dcs_kernel_run(e.k, dcs_time_from_s(3));
	struct dcs_flow *f5 = dcs_flow_start(e.net, &s);
	assert_true(dcs_flow_stalled(f5));
	assert_true(dcs_flow_stalled(f4));
	dcs_flow_stop(e.net, f3);
	dcs_flow_stop(e.net, f4);
	dcs_flow_stop(e.net, f5);
	h_net_close(&e);
}

/* With ECMP and two equal detours, each flow's key picks its own: the
 * answer kept for a pair must not give every flow the first flow's path. */
static void test_flow_paths_ecmp(void **state)
{
	(void)state;
	char text[sizeof(graph) + 64];
	snprintf(text, sizeof(text), "%.*s, \"routing\": {\"ecmp\": true}}", (int)strlen(graph) - 1,
		 graph);
	struct h_net e = h_net_open(text);
	dcs_net_set_link_up(e.net, WB, false);
	dcs_kernel_run(e.k, dcs_time_from_s(1));
	struct dcs_flow *f[16];
	for (int i = 0; i < 16; i++) {
		struct dcs_flow_spec s = {.src = A,
					  .dst = B,
					  .bytes = INFINITY,
					  .demand_Bps = INFINITY,
					  .streams = 1,
					  .key = (uint64_t)i + 1};
		f[i] = dcs_flow_start(e.net, &s);
	}
	int by_c = dcs_net_link_flows(e.net, AC, 0), by_d = dcs_net_link_flows(e.net, AD, 0);
	assert_int_equal(by_c + by_d, 16);
	assert_true(by_c > 0 && by_d > 0);
	/* Each flow where its key's walk goes. */
	for (int i = 0; i < 16; i++) {
		int links[4];
		assert_int_equal(dcs_net_path_key(e.net, A, B, (uint64_t)i + 1, links, NULL, 4), 2);
		by_c -= links[0] == AC;
		by_d -= links[0] == AD;
	}
	assert_int_equal(by_c, 0);
	assert_int_equal(by_d, 0);
	for (int i = 0; i < 16; i++)
		dcs_flow_stop(e.net, f[i]);
	h_net_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transits),
	    cmocka_unit_test(test_avoiding),
	    cmocka_unit_test(test_flow_paths_kept),
	    cmocka_unit_test(test_flow_paths_ecmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
