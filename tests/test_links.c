/*
 * Link figures end to end (SPEC §4.1): propagation and framing as the
 * network computes them and as a whole run reports them in summary.csv.
 *
 * - Propagation: one way = distance_km x route_factor x 4.9 us (light in
 *   fibre, group index about 1.468; reference/dci-facts.md §1) + device
 *   latency, so a 100 km link with no devices has an RTT of 0.98 ms, and RTT
 *   grows by 9.8 us per km.
 * - Framing: goodput fraction = (lan_mtu - 40) / (lan_mtu + 38 + encap), with
 *   encapsulation bytes dwdm 0, vpls 26, evi 38, otv 42, vxlan_evpn 50, l3 0
 *   (reference/dci-facts.md §3.1).  At lan_mtu 1500 that is 1460/1538,
 *   1460/1564, 1460/1576, 1460/1580, 1460/1588 and 1460/1538.
 * Tolerances: exact for integer nanoseconds; 1e-12 relative for fractions;
 * summary.csv values are printed with 12 significant digits.
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
#include "dcisim/results.h"
#include "run.h"
#include "dcisim/tech.h"
#include "harness.h"

struct tech_case {
	const char *name;
	int encap;    /* SPEC §4.1, dci-facts.md §3.1 */
	int num, den; /* the fraction at lan_mtu 1500, as the issue states it */
};

static const struct tech_case techs[] = {
    {"dwdm", 0, 1460, 1538}, {"vpls", 26, 1460, 1564},       {"evi", 38, 1460, 1576},
    {"otv", 42, 1460, 1580}, {"vxlan_evpn", 50, 1460, 1588}, {"l3", 0, 1460, 1538},
};

static struct dcs_scenario *load_link(const char *tech, double km, double factor, double device_us,
				      int lan_mtu)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"links-%s\", \"duration_s\": 2,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
		 " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": %.17g,"
		 " \"route_factor\": %.17g, \"bandwidth_gbps\": 10, \"technology\": \"%s\","
		 " \"device_latency_us\": %.17g, \"lan_mtu\": %d}]}",
		 tech, km, factor, tech, device_us, lan_mtu);
	return h_load(json);
}

static dcs_time_t net_rtt(const struct dcs_scenario *s)
{
	struct dcs_kernel *k = dcs_kernel_create(1);
	struct dcs_bus *bus = dcs_bus_create();
	struct dcs_net *net = dcs_net_create(k, bus, s);
	assert_non_null(net);
	dcs_time_t rtt = dcs_net_rtt(net, 0, 1);
	assert_int_equal(dcs_net_rtt(net, 1, 0), rtt);
	assert_int_equal(dcs_net_one_way(net, 0, 1) * 2, rtt);
	dcs_net_destroy(net);
	dcs_bus_destroy(bus);
	dcs_kernel_destroy(k);
	return rtt;
}

static void test_rtt_100km(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(techs) / sizeof(techs[0]); i++) {
		struct dcs_scenario *s = load_link(techs[i].name, 100, 1.0, 0, 1500);
		assert_true(fabs(dcs_link_cfg_one_way_us(&s->links[0]) - 490.0) < 1e-9);
		assert_int_equal(net_rtt(s), 980000); /* 0.98 ms */
		dcs_scenario_free(s);
	}
}

/* RTT grows by the propagation slope, 2 x 4.9 us per km, scaled by the
 * route factor, plus twice the devices' one-way latency. */
static void test_rtt_slope(void **state)
{
	(void)state;
	const double kms[] = {0, 1, 10, 60, 100, 400, 1000, 6000};
	for (size_t i = 0; i < sizeof(kms) / sizeof(kms[0]); i++) {
		struct dcs_scenario *s = load_link("evi", kms[i], 1.3, 20, 1500);
		double want_us = 2 * (kms[i] * 1.3 * 4.9 + 20);
		assert_true(fabs((double)net_rtt(s) / 1e3 - want_us) <= 0.001);
		dcs_scenario_free(s);
	}
}

static void test_goodput_fractions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(techs) / sizeof(techs[0]); i++) {
		const struct tech_case *c = &techs[i];
		struct dcs_scenario *s = load_link(c->name, 100, 1.0, 0, 1500);
		const struct dcs_link_cfg *l = &s->links[0];
		/* The encapsulation the model carries is the documented one. */
		assert_int_equal(dcs_tech(l->technology)->encap_bytes, c->encap);
		double formula = (1500.0 - 40) / (1500.0 + 38 + c->encap);
		double stated = (double)c->num / c->den;
		assert_true(fabs(formula - stated) < 1e-15);
		double got = dcs_link_cfg_goodput_fraction(l);
		if (fabs(got - formula) > 1e-12 * formula)
			fail_msg("%s: goodput fraction %.15g, formula %.15g", c->name, got,
				 formula);
		assert_int_equal(dcs_link_cfg_mss(l), 1460);
		dcs_scenario_free(s);
	}
	/* Jumbo frames: the same formula at lan_mtu 9000 over vxlan_evpn. */
	struct dcs_scenario *s = load_link("vxlan_evpn", 10, 1.0, 0, 9000);
	assert_true(fabs(dcs_link_cfg_goodput_fraction(&s->links[0]) - 8960.0 / 9088.0) < 1e-12);
	dcs_scenario_free(s);
}

/* A whole run reports the same figures in summary.csv. */
static void test_summary_reports_figures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(techs) / sizeof(techs[0]); i++) {
		const struct tech_case *c = &techs[i];
		struct dcs_scenario *s = load_link(c->name, 100, 1.0, 0, 1500);
		struct dcs_run_opts o = {.verbosity = -1};
		struct dcs_results *res = NULL;
		assert_int_equal(dcs_run_scenario(s, &o, &res, stderr), 0);
		assert_non_null(res);
		const char *rtt = h_summary_text(res, "rtt_ms", "l");
		const char *gf = h_summary_text(res, "goodput_fraction", "l");
		assert_non_null(rtt);
		assert_non_null(gf);
		assert_string_equal(rtt, "0.98");
		double want = (double)c->num / c->den;
		if (fabs(strtod(gf, NULL) - want) > 1e-11)
			fail_msg("%s: summary goodput_fraction %s, want %.12g", c->name, gf, want);
		dcs_results_destroy(res);
		dcs_scenario_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rtt_100km),
	    cmocka_unit_test(test_rtt_slope),
	    cmocka_unit_test(test_goodput_fractions),
	    cmocka_unit_test(test_summary_reports_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
