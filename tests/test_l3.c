/*
 * Tests of the layer-3 path model (models/l3.c): the trombone's RTT and DCI
 * flows against their closed forms, the DNS cache-age decay at several
 * points (TTL violators holding answers up to dnsmasq's one-hour cap), RHI
 * probe-up versus mark-down per BGP session type (RFC 4271 advertisement
 * intervals) and LISP convergence, the VRRP master down interval and the
 * single gateway's failover, the query the cluster model uses, and the
 * request RTT quantiles.
 *
 * Tolerances: RTTs are sums of integer-nanosecond one-way delays, compared
 * within 1e-6 ms; convergence times within 2 ns; DNS shares within 1e-9
 * (they are exact ratios of nanosecond times); byte counts within 1e-9
 * relative.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "l3.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "dcisim/world.h"
#include "harness.h"
#include "validation.h"

struct env {
	struct dcs_scenario *scn;
	struct dcs_world *w;
};

static void env_open(struct env *e, const char *json)
{
	struct harness h = h_open(json, H_SCENARIO_SEED);
	e->scn = h.scn;
	e->w = h.w;
	assert_non_null(dcs_l3_of(e->w));
}

static void env_close(struct env *e)
{
	dcs_world_destroy(e->w);
	dcs_scenario_free(e->scn);
}

static void run_to(struct env *e, double t_s)
{
	dcs_world_run(e->w, dcs_time_from_s(t_s));
}

static void assert_near(double got, double want, double abs_tol)
{
	if (!(fabs(got - want) <= abs_tol))
		fail_msg("got %.12g, want %.12g (+- %.3g)", got, want, abs_tol);
}

struct path_row {
	const char *serving, *ingress, *egress, *state;
	double rtt_ms, share;
};

/* The paths.csv row of `service` and `client` at time `t` ("11", "10.5"). */
static struct path_row row_at(struct env *e, const char *t, const char *service, const char *client)
{
	struct dcs_table *tab = dcs_results_table(e->w->res, "paths.csv", DCS_L3_PATHS_HEADER);
	for (size_t r = 0; r < dcs_table_nrows(tab); r++) {
		if (strcmp(dcs_table_cell(tab, r, 0), t) != 0 ||
		    strcmp(dcs_table_cell(tab, r, 1), service) != 0 ||
		    strcmp(dcs_table_cell(tab, r, 2), client) != 0)
			continue;
		const char *rtt = dcs_table_cell(tab, r, 6);
		struct path_row p = {
		    dcs_table_cell(tab, r, 3),      dcs_table_cell(tab, r, 4),
		    dcs_table_cell(tab, r, 5),      dcs_table_cell(tab, r, 7),
		    *rtt ? strtod(rtt, NULL) : NAN, strtod(dcs_table_cell(tab, r, 8), NULL),
		};
		return p;
	}
	fail_msg("no paths.csv row at %s for %s/%s", t, service, client);
	struct path_row none = {0};
	return none;
}

/* Two sites 100 km apart with 10 us of devices: 0.5 ms one way. */
#define TWO_SITES                                                                                  \
	"\"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"                                           \
	" \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 100,"           \
	"   \"device_latency_us\": 10, \"bandwidth_gbps\": 1, \"technology\": \"evi\"}],"          \
	" \"vms\": [{\"id\": \"vm\", \"site\": \"a\", \"memory_gib\": 4}],"
#define OW_MS 0.5
/* RTTs carry the M/D/1 waits of the tromboned traffic itself: at most
 * 1.5 % of 1 Gbps here, so under 0.1 us per direction crossed (net.h). */
#define QUEUE_TOL_MS 1e-3

static void two_site_world_for(struct env *e, double duration_s, const char *services)
{
	char json[4096];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": %g, " TWO_SITES
		 " \"services\": [%s]}",
		 duration_s, services);
	env_open(e, json);
}

static void two_site_world(struct env *e, const char *services)
{
	two_site_world_for(e, 500, services);
}

static void test_vrrp_master_down(void **state)
{
	(void)state;
	/* Against the reference to the rounding of its printed digits. */
	dcs_validate_published("VRRP master down, priority 100, 1 s adverts",
			       "dci-facts.md §4.1 (3.61 s)", 3.61, dcs_vrrp_master_down_s(100, 1.0),
			       0, 0.005, "s");
	dcs_validate_published("VRRP master down, priority 254, 1 s adverts",
			       "dci-facts.md §4.1 (3.008 s)", 3.008,
			       dcs_vrrp_master_down_s(254, 1.0), 0, 0.0005, "s");
	/* Exactly 3 + (256 - p) / 256. */
	assert_true(dcs_vrrp_master_down_s(100, 1.0) == 3.609375);
	assert_true(dcs_vrrp_master_down_s(254, 1.0) == 3.0078125);
	assert_true(dcs_vrrp_master_down_s(100, 0.5) == 3.609375 / 2);
}

static void test_trombone_rtt_and_flows(void **state)
{
	(void)state;
	struct env e;
	two_site_world(&e, "{\"id\": \"single\", \"vm\": \"vm\", \"rps\": 100, \"server_ms\": 2,"
			   " \"request_kib\": 1, \"response_kib\": 32, \"gateway\": \"single\","
			   " \"clients\": [{\"site\": \"a\", \"share\": 0.5},"
			   "               {\"site\": \"b\", \"share\": 0.5}]},"
			   "{\"id\": \"local\", \"vm\": \"vm\", \"rps\": 100, \"server_ms\": 2,"
			   " \"request_kib\": 1, \"response_kib\": 32, \"gateway\": \"localized\","
			   " \"clients\": [{\"site\": \"a\", \"share\": 0.5},"
			   "               {\"site\": \"b\", \"share\": 0.5}]}");
	run_to(&e, 10.5);
	struct path_row p = row_at(&e, "10", "single", "b");
	assert_string_equal(p.state, "optimal");
	assert_near(p.rtt_ms, 2 + 2 * OW_MS, 1e-6);
	assert_int_equal(dcs_net_link_flows(e.w->net, 0, 0), 0);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 11);
	double optimal = 2; /* client and VM both at b */
	/* Single gateway: ingress and egress both trombone through a. */
	p = row_at(&e, "11", "single", "b");
	assert_string_equal(p.state, "trombone");
	assert_string_equal(p.serving, "b");
	assert_string_equal(p.ingress, "a");
	assert_string_equal(p.egress, "a");
	dcs_validate("trombone RTT, ingress and egress legs", "SPEC §4.5: optimal + 2 x ow per leg",
		     optimal + 2 * 2 * OW_MS, p.rtt_ms, 0, QUEUE_TOL_MS, "ms");
	assert_near(p.share, 1, 0);
	/* Localized gateway: only the ingress leg. */
	p = row_at(&e, "11", "local", "b");
	assert_string_equal(p.egress, "b");
	dcs_validate("trombone RTT, ingress leg only", "SPEC §4.5: optimal + 2 x ow per leg",
		     optimal + 2 * OW_MS, p.rtt_ms, 0, QUEUE_TOL_MS, "ms");
	/* Clients at a enter at a anyway: their path is the optimal one. */
	p = row_at(&e, "11", "single", "a");
	assert_string_equal(p.state, "optimal");
	assert_near(p.rtt_ms, 2 + 2 * OW_MS, QUEUE_TOL_MS);

	/* Flows: per direction, single's request and response legs and local's
	 * request leg each put one segment on the link. */
	assert_int_equal(dcs_net_link_flows(e.w->net, 0, 0), 3);
	assert_int_equal(dcs_net_link_flows(e.w->net, 0, 1), 3);
	double req = 0.5 * 100 * 1024, resp = 0.5 * 100 * 32768;
	double before = dcs_net_link_bytes(e.w->net, 0, 0);
	run_to(&e, 21);
	double moved = dcs_net_link_bytes(e.w->net, 0, 0) - before;
	dcs_validate("tromboned bytes on the DCI in 10 s (two services)",
		     "SPEC §4.5: share x rps x bytes per tromboned leg",
		     10 * (2 * req + resp) / 1e6, moved / 1e6, 1e-9, 0, "MB");

	/* It competes: a bulk flow gets what the trombone leaves of the link. */
	struct dcs_flow_spec bulk = {.src = 0,
				     .dst = 1,
				     .bytes = INFINITY,
				     .demand_Bps = INFINITY,
				     .streams = 1,
				     .label = "bulk"};
	struct dcs_flow *f = dcs_flow_start(e.w->net, &bulk);
	assert_near(dcs_flow_rate_Bps(f), dcs_net_link_capacity_Bps(e.w->net, 0) - (2 * req + resp),
		    1e-3);
	dcs_flow_stop(e.w->net, f);

	dcs_world_finish(e.w);
	/* Extra DCI bytes: both segments of each tromboned leg, 10.5 s. */
	dcs_validate("extra DCI bytes, single gateway, 10.5 s of trombone",
		     "both segments of each tromboned leg", 2 * (req + resp) * 10.5,
		     h_summary_req(e.w->res, "l3_extra_dci_bytes", "single"), 0, 1e-6, "bytes");
	dcs_validate("extra DCI bytes, localized gateway, 10.5 s of trombone",
		     "both segments of the request leg", 2 * req * 10.5,
		     h_summary_req(e.w->res, "l3_extra_dci_bytes", "local"), 0, 1e-6, "bytes");
	assert_true(isinf(h_summary_req(e.w->res, "l3_time_to_optimal_s", "single")));
	assert_near(h_summary_req(e.w->res, "l3_trombone_s", "single"), 10.5, 1e-9);
	assert_near(h_summary_req(e.w->res, "l3_trombone_weighted_s", "single"), 0.5 * 10.5, 1e-9);
	/* The link carried what the clients sent: the offered load limited it. */
	assert_string_equal(h_summary_text_req(e.w->res, "limited_by", "single"), "offered_load");
	env_close(&e);
}

/* A trombone that asks more than the link has is held by its link share;
 * the link would need the leg's demand over its goodput fraction. */
static void test_trombone_link_share(void **state)
{
	(void)state;
	struct env e;
	two_site_world(&e,
		       "{\"id\": \"big\", \"vm\": \"vm\", \"rps\": 1000,"
		       " \"request_kib\": 1024, \"response_kib\": 1, \"gateway\": \"localized\","
		       " \"clients\": [{\"site\": \"a\", \"share\": 0.5},"
		       "               {\"site\": \"b\", \"share\": 0.5}]}");
	run_to(&e, 1);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 20);
	dcs_world_finish(e.w);
	assert_string_equal(h_summary_text_req(e.w->res, "limited_by", "big"), "link_share");
	double demand = 0.5 * 1000 * 1048576.0;
	double gf = 1460.0 / (1538.0 + 38); /* SPEC 4.1 framing: evi, lan_mtu 1500 */
	dcs_validate("link rate that carries a 4.2 Gbps trombone", "net.h dcs_net_lift",
		     demand * 8 / 1e9 / gf, h_summary_req(e.w->res, "lift_bandwidth_gbps", "big"),
		     1e-9, 0, "Gbps");
	env_close(&e);
}

static void test_dns_linear_decay(void **state)
{
	(void)state;
	struct env e;
	two_site_world(
	    &e, "{\"id\": \"s\", \"vm\": \"vm\", \"server_ms\": 2, \"ingress\": \"dns\","
		" \"dns_ttl_s\": 60, \"dns_client_floor_s\": 0, \"dns_violator_share\": 0,"
		" \"gateway\": \"localized\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 10);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 200);
	static const struct {
		const char *t;
		double share;
	} pts[] = {{"11", 59.0 / 60}, {"25", 0.75}, {"40", 0.5}, {"55", 0.25},
		   {"69", 1.0 / 60},  {"70", 0},    {"71", 0},   {"150", 0}};
	for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
		struct path_row p = row_at(&e, pts[i].t, "s", "b");
		char name[96];
		snprintf(name, sizeof(name), "DNS trombone share %s s after the move", pts[i].t);
		dcs_validate(name, "SPEC §4.5: uniform cache ages, linear over one TTL",
			     pts[i].share, p.share, 0, 1e-9, "ratio");
		/* The mean RTT mixes the two paths by the share. */
		assert_near(p.rtt_ms, 2 + pts[i].share * 2 * OW_MS, QUEUE_TOL_MS);
		assert_string_equal(p.state, pts[i].share > 0 ? "trombone" : "optimal");
	}
	dcs_world_finish(e.w);
	assert_near(h_summary_req(e.w->res, "l3_time_to_optimal_s", "s"), 60, 2e-9);
	assert_near(h_summary_req(e.w->res, "l3_trombone_s", "s"), 60, 2e-9);
	/* The area under the linear decay: TTL / 2. */
	dcs_validate("DNS trombone, request-weighted seconds",
		     "area under the linear decay: TTL / 2", 30,
		     h_summary_req(e.w->res, "l3_trombone_weighted_s", "s"), 0, 1e-6, "s");
	env_close(&e);
}

static void test_dns_violators_and_floor(void **state)
{
	(void)state;
	struct env e;
	/* TTL 10 s under a 60 s client floor: the effective TTL is 60 s. */
	two_site_world_for(&e, 4000,
			   "{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"dns\","
			   " \"dns_ttl_s\": 10, \"gateway\": \"localized\","
			   " \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 10);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 4000);
	/* 8.74 % of resolvers violate TTLs (PAM 2023) and hold answers up to an
	 * hour (dnsmasq caps its min-cache-ttl at 3600 s): their share decays
	 * over 3600 s, the others' over the 60 s floor. */
	const double v = 0.0874, hold = 3600;
	dcs_validate("DNS TTL 10 s under the 60 s client floor, 30 s after the move",
		     "dci-facts.md §4.3 Chromium 60 s floor; v (1 - 30/3600) + (1 - v) / 2",
		     v * (1 - 30 / hold) + (1 - v) * 0.5, row_at(&e, "40", "s", "b").share, 0, 1e-9,
		     "ratio");
	dcs_validate("DNS violators keep the old site past the TTL",
		     "dci-facts.md §4.3 (8.74% of resolvers); hold 3600 s", v * (1 - 90 / hold),
		     row_at(&e, "100", "s", "b").share, 0, 1e-9, "ratio");
	assert_near(row_at(&e, "1810", "s", "b").share, v / 2, 1e-9);
	assert_near(row_at(&e, "3610", "s", "b").share, 0, 1e-9);
	dcs_world_finish(e.w);
	dcs_validate("DNS time to optimal with TTL violators",
		     "dnsmasq(8): min-cache-ttl capped at one hour", hold,
		     h_summary_req(e.w->res, "l3_time_to_optimal_s", "s"), 0, 2e-9, "s");
	env_close(&e);
	/* A shorter hold (Internet Explorer's 30 min cache, dci-facts.md §4.3). */
	two_site_world_for(
	    &e, 2000,
	    "{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"dns\","
	    " \"dns_ttl_s\": 10, \"dns_violator_hold_s\": 1800,"
	    " \"gateway\": \"localized\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 10);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 2000);
	dcs_world_finish(e.w);
	assert_near(h_summary_req(e.w->res, "l3_time_to_optimal_s", "s"), 1800, 2e-9);
	env_close(&e);
}

static void test_rhi_convergence(void **state)
{
	(void)state;
	struct env e;
	two_site_world(
	    &e, "{\"id\": \"set\", \"vm\": \"vm\", \"ingress\": \"rhi\","
		" \"health_check_s\": 5, \"routing_convergence_s\": 30,"
		" \"gateway\": \"localized\", \"clients\": [{\"site\": \"b\", \"share\": 1}]},"
		"{\"id\": \"dflt\", \"vm\": \"vm\", \"ingress\": \"rhi\","
		" \"gateway\": \"localized\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 10.5);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 100);
	/* Clients at the new site: its route, injected after the probe passes. */
	assert_string_equal(row_at(&e, "45", "set", "b").state, "trombone");
	assert_string_equal(row_at(&e, "46", "set", "b").state, "optimal");
	assert_string_equal(row_at(&e, "46", "set", "b").ingress, "b");
	dcs_world_finish(e.w);
	dcs_validate_published(
	    "RHI to clients at the new site, defaults",
	    "F5 monitor interval 5 s (probe up) + eBGP advertisement interval 30 s", 35,
	    h_summary_req(e.w->res, "l3_time_to_optimal_s", "dflt"), 0, 2e-9, "s");
	assert_near(h_summary_req(e.w->res, "l3_time_to_optimal_s", "set"), 35, 2e-9);
	/* The old site up: clients still arrive through its route. */
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), 0, 0);
	dcs_net_set_site_up(e.w->net, 0, false);
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), 5 + 30, 1e-12);
	env_close(&e);

	/* A mark-down shorter than the probe-up leaves no route in between. */
	two_site_world(
	    &e, "{\"id\": \"gap\", \"vm\": \"vm\", \"ingress\": \"rhi\","
		" \"health_check_s\": 2, \"probe_up_s\": 10, \"routing_convergence_s\": 0,"
		" \"gateway\": \"localized\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 10.5);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 30);
	assert_string_equal(row_at(&e, "12", "gap", "b").state, "trombone");
	assert_string_equal(row_at(&e, "15", "gap", "b").state, "unreachable");
	assert_string_equal(row_at(&e, "21", "gap", "b").state, "optimal");
	env_close(&e);

	/* A branch c nearer the old site a (100 km) than the new one b (200 km)
	 * follows a's route until a withdraws it: the mark-down (F5 timeout
	 * 16 s) then the advertisement interval, 30 s on eBGP (RFC 4271 §10),
	 * 5 s on iBGP. */
	static const struct {
		const char *session;
		double up_s, down_s;
	} cases[] = {{"ebgp", 5 + 30, 16 + 30}, {"ibgp", 5 + 5, 16 + 5}};
	for (size_t k = 0; k < 2; k++) {
		char json[2048];
		snprintf(json, sizeof(json),
			 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 100,"
			 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}],"
			 " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\","
			 "   \"distance_km\": 150, \"bandwidth_gbps\": 10},"
			 "  {\"id\": \"ac\", \"a\": \"a\", \"b\": \"c\", \"distance_km\": 100,"
			 "   \"bandwidth_gbps\": 10},"
			 "  {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 200,"
			 "   \"bandwidth_gbps\": 10}],"
			 " \"vms\": [{\"id\": \"vm\", \"site\": \"a\", \"memory_gib\": 4}],"
			 " \"services\": [{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"rhi\","
			 "   \"bgp_session\": \"%s\", \"gateway\": \"localized\","
			 "   \"clients\": [{\"site\": \"b\", \"share\": 0.5},"
			 "                 {\"site\": \"c\", \"share\": 0.5}]}]}",
			 cases[k].session);
		env_open(&e, json);
		run_to(&e, 10);
		dcs_world_move_vm(e.w, 0, 1);
		run_to(&e, 100);
		char t_up[16], t_down[16], t_before[16];
		snprintf(t_up, sizeof(t_up), "%g", 10 + cases[k].up_s);
		snprintf(t_before, sizeof(t_before), "%g", 10 + cases[k].down_s - 1);
		snprintf(t_down, sizeof(t_down), "%g", 10 + cases[k].down_s);
		assert_string_equal(row_at(&e, t_up, "s", "b").state, "optimal");
		assert_string_equal(row_at(&e, t_before, "s", "c").ingress, "a");
		assert_string_equal(row_at(&e, t_before, "s", "c").state, "trombone");
		assert_string_equal(row_at(&e, t_down, "s", "c").ingress, "b");
		dcs_world_finish(e.w);
		char name[96];
		snprintf(name, sizeof(name), "RHI, branch nearer the old site, %s",
			 cases[k].session);
		dcs_validate(name,
			     "F5 timeout 16 s (mark-down) + advertisement interval (RFC 4271 §10)",
			     cases[k].down_s, h_summary_req(e.w->res, "l3_time_to_optimal_s", "s"),
			     0, 2e-9, "s");
		env_close(&e);
	}
}

static void test_lisp_convergence(void **state)
{
	(void)state;
	/* a (old), b (new), c (clients): c-a 100 km, c-b 200 km, a-b 150 km, so
	 * every pair's path is its direct link. */
	const char *json =
	    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10,"
	    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}],"
	    " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 150,"
	    "   \"bandwidth_gbps\": 10},"
	    "  {\"id\": \"ac\", \"a\": \"a\", \"b\": \"c\", \"distance_km\": 100, "
	    "\"bandwidth_gbps\": 10},"
	    "  {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 200, "
	    "\"bandwidth_gbps\": 10}],"
	    " \"vms\": [{\"id\": \"vm\", \"site\": \"a\", \"memory_gib\": 4}],"
	    " \"services\": [{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"lisp\","
	    "   \"gateway\": \"localized\", \"clients\": [{\"site\": \"a\", \"share\": 0.2},"
	    "   {\"site\": \"b\", \"share\": 0.3}, {\"site\": \"c\", \"share\": 0.5}]}]}";
	struct env e;
	env_open(&e, json);
	run_to(&e, 1.5);
	double ow_ca = 100 * 4.9e-6, ow_cb = 200 * 4.9e-6;
	double want = 2 * ow_ca + 2 * ow_cb; /* four one-way delays */
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), want, 2e-9);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 3);
	dcs_world_finish(e.w);
	dcs_validate("LISP: SMR from the old xTR + Map-Request round trip",
		     "dci-facts.md §4.4 (a few one-way delays)", want,
		     h_summary_req(e.w->res, "l3_time_to_optimal_s", "s"), 0, 2e-9, "s");
	assert_true(want < 0.5); /* within the 200-500 ms design estimate, dci-facts.md §4.4 */
	env_close(&e);
}

static void test_single_gateway_failover(void **state)
{
	(void)state;
	int prios[2] = {100, 254};
	for (int i = 0; i < 2; i++) {
		char svc[512];
		snprintf(
		    svc, sizeof(svc),
		    "{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"rhi\", \"health_check_s\": 0,"
		    " \"routing_convergence_s\": 0, \"gateway\": \"single\", \"vrrp_priority\": %d,"
		    " \"clients\": [{\"site\": \"b\", \"share\": 1}]}",
		    prios[i]);
		struct env e;
		two_site_world(&e, svc);
		run_to(&e, 10.5);
		dcs_world_move_vm(e.w, 0, 1);
		run_to(&e, 20.5);
		struct path_row p = row_at(&e, "20", "s", "b");
		assert_string_equal(p.state, "trombone"); /* egress leg through a */
		assert_string_equal(p.egress, "a");
		dcs_net_set_site_up(e.w->net, 0, false);
		run_to(&e, 30.5);
		double md = dcs_vrrp_master_down_s(prios[i], 1.0);
		/* Unreachable until 20.5 + md, then the backup at b forwards. */
		for (int t = 21; t <= 30; t++) {
			char ts[16];
			snprintf(ts, sizeof(ts), "%d", t);
			p = row_at(&e, ts, "s", "b");
			assert_string_equal(p.state, t < 20.5 + md ? "unreachable" : "optimal");
			if (t < 20.5 + md)
				assert_true(isnan(p.rtt_ms));
		}
		assert_string_equal(row_at(&e, "30", "s", "b").egress, "b");
		/* Site a returns: the master preempts and the egress trombones again. */
		dcs_net_set_site_up(e.w->net, 0, true);
		run_to(&e, 31);
		p = row_at(&e, "31", "s", "b");
		assert_string_equal(p.egress, "a");
		assert_string_equal(p.state, "trombone");
		env_close(&e);
	}
}

static void test_ip_move_query(void **state)
{
	(void)state;
	struct env e;
	two_site_world(&e,
		       "{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"none\","
		       " \"gateway\": \"single\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 1);
	/* a up: traffic still enters at a and trombones, so it arrives at once. */
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), 0, 0);
	dcs_net_set_site_up(e.w->net, 0, false);
	assert_true(isinf(dcs_world_ip_move_convergence_s(e.w, 0, 1)));
	env_close(&e);

	two_site_world(&e,
		       "{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"rhi\","
		       " \"health_check_s\": 1, \"probe_up_s\": 1, \"routing_convergence_s\": 1,"
		       " \"gateway\": \"single\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 1);
	/* a up: clients still arrive through a's route (and trombone). */
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), 0, 0);
	/* The gateway's site is down: the VRRP backup's takeover dominates. */
	dcs_net_set_site_up(e.w->net, 0, false);
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), 3.609375, 1e-12);
	env_close(&e);

	two_site_world(
	    &e, "{\"id\": \"s\", \"vm\": \"vm\", \"ingress\": \"dns\", \"dns_ttl_s\": 300,"
		" \"gateway\": \"localized\", \"clients\": [{\"site\": \"b\", \"share\": 1}]}");
	run_to(&e, 1);
	assert_near(dcs_world_ip_move_convergence_s(e.w, 0, 1), 300, 1e-12);
	env_close(&e);
}

static void test_rtt_quantiles(void **state)
{
	(void)state;
	struct env e;
	two_site_world(&e,
		       "{\"id\": \"s\", \"vm\": \"vm\", \"server_ms\": 2, \"gateway\": \"single\","
		       " \"clients\": [{\"site\": \"a\", \"share\": 0.7},"
		       "               {\"site\": \"b\", \"share\": 0.3}]}");
	run_to(&e, 100);
	dcs_world_finish(e.w);
	/* 70 % of requests at 2 ms (local), 30 % at 2 + 2 x 0.5 ms. */
	dcs_validate("request RTT p50, 70 % at 2 ms and 30 % at 3 ms", "weighted quantile", 2,
		     h_summary_req(e.w->res, "l3_rtt_p50_ms", "s"), 0, 1e-9, "ms");
	dcs_validate("request RTT p95, 70 % at 2 ms and 30 % at 3 ms", "weighted quantile", 3,
		     h_summary_req(e.w->res, "l3_rtt_p95_ms", "s"), 0, 1e-9, "ms");
	assert_near(h_summary_req(e.w->res, "l3_trombone_s", "s"), 0, 0);
	env_close(&e);
}

/* Before the first event: a service whose ingress follows a VM that a plan
 * moves, behind a single gateway, is warned about (its responses trombone
 * through the home site for as long as the VM is away).  Not with a
 * localized gateway, not without ingress that follows, not when nothing
 * moves the VM. */
static void test_single_gateway_preflight(void **state)
{
	(void)state;
	static const char fmt[] =
	    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 500, " TWO_SITES
	    " \"services\": [{\"id\": \"svc\", \"vm\": \"vm\", \"ingress\": \"%s\"%s,"
	    "   \"clients\": [{\"site\": \"b\", \"share\": 1}]}]%s}";
	static const char move[] =
	    ", \"migrations\": [{\"vm\": \"vm\", \"to\": \"b\", \"at_s\": 10}]";
	static const struct {
		const char *ingress, *gateway, *migrations;
		bool warns;
	} cases[] = {
	    {"dns", "", move, true}, /* the default gateway is single */
	    {"dns", ", \"gateway\": \"single\"", move, true},
	    {"rhi", ", \"gateway\": \"single\"", move, true},
	    {"dns", ", \"gateway\": \"localized\"", move, false},
	    {"none", ", \"gateway\": \"single\"", move, false},
	    {"dns", "", "", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char json[4096];
		snprintf(json, sizeof(json), fmt, cases[i].ingress, cases[i].gateway,
			 cases[i].migrations);
		struct env e;
		env_open(&e, json);
		dcs_world_start(e.w);
		assert_int_equal(dcs_kernel_events(e.w->k), 0);
		bool found = false;
		for (size_t k = 0; k < dcs_results_n_warnings(e.w->res); k++)
			found |= strstr(dcs_results_warning(e.w->res, k),
					"every response goes back through a") != NULL;
		if (found != cases[i].warns)
			fail_msg("case %zu (%s%s): warning %s", i, cases[i].ingress,
				 cases[i].gateway, found ? "given" : "missing");
		env_close(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vrrp_master_down),
	    cmocka_unit_test(test_trombone_rtt_and_flows),
	    cmocka_unit_test(test_trombone_link_share),
	    cmocka_unit_test(test_dns_linear_decay),
	    cmocka_unit_test(test_dns_violators_and_floor),
	    cmocka_unit_test(test_rhi_convergence),
	    cmocka_unit_test(test_lisp_convergence),
	    cmocka_unit_test(test_single_gateway_failover),
	    cmocka_unit_test(test_ip_move_query),
	    cmocka_unit_test(test_rtt_quantiles),
	    cmocka_unit_test(test_single_gateway_preflight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
