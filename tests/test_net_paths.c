/*
 * Path questions the models ask the network (dcisim/net.h): does the
 * current path transit a site, and the best path that avoids one (a witness
 * arbitrates; it carries no replication or heartbeats).
 *
 * Topology: a-w-b is the shortest way (10 + 10 km); a-c-b and a-d-b are two
 * equal detours (30 + 30 km), c listed before d; b-c is configured b->c.
 * Expected paths and latencies are written out: 4.9 us per km (SPEC §4.1).
 */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transits),
	    cmocka_unit_test(test_avoiding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
