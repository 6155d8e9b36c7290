/*
 * Tests of the layer-2 extension model (models/l2.c) and the technology table
 * (sim/core/tech.c): figures against reference/dci-facts.md §3, MAC-move
 * convergence against its closed form (announcement schedule + one-way
 * delay, or control-plane update origination + one-way delay, the
 * origination from each vendor's published timer: EVI 100 ms minimum LSP
 * interval, OTV's IS-IS 50 ms initial LSP wait, EVPN's "hundreds of ms"
 * taken as 200 ms), EVPN's sequence number
 * against a last-heard-wins control plane in an out-of-order race, BUM bytes
 * per replication rule, failover outages and pseudowire scale.
 *
 * Tolerances: simulated times are integer nanoseconds, so convergence times
 * are compared to the closed form within 2 ns (one rounding per term); rates
 * and byte counts to 1e-9 relative.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "l2.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/world.h"
#include "harness.h"
#include "validation.h"

struct env {
	struct dcs_scenario *scn;
	struct dcs_world *w;
	struct dcs_l2 *l2;
};

static void env_open(struct env *e, const char *json)
{
	struct harness h = h_open(json, H_SCENARIO_SEED);
	e->scn = h.scn;
	e->w = h.w;
	e->l2 = dcs_l2_of(e->w);
	assert_non_null(e->l2);
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

/* ---- the table ---- */

static void test_tech_figures(void **state)
{
	(void)state;
	/* dci-facts.md §3.1 and §8 rows 14-17. */
	static const struct {
		enum dcs_tech t;
		int bytes;
		const char *source;
	} encap[] = {
	    {DCS_TECH_DWDM, 0, "dci-facts.md §3.1 (transparent)"},
	    {DCS_TECH_VPLS, 26, "dci-facts.md §8 row 17 (2 labels + CW + inner Ethernet)"},
	    {DCS_TECH_EVI, 38, "dci-facts.md §8 row 14 (H3C EVI guide)"},
	    {DCS_TECH_OTV, 42, "dci-facts.md §8 row 15 (Cisco OTV)"},
	    {DCS_TECH_VXLAN_EVPN, 50, "dci-facts.md §8 row 16 (RFC 7348)"},
	    {DCS_TECH_L3, 0, "SPEC §4.1 (routed only)"},
	};
	for (size_t i = 0; i < sizeof(encap) / sizeof(encap[0]); i++) {
		char name[80];
		snprintf(name, sizeof(name), "encapsulation bytes, %s", dcs_tech(encap[i].t)->name);
		dcs_validate(name, encap[i].source, encap[i].bytes,
			     dcs_tech(encap[i].t)->encap_bytes, 0, 0, "bytes");
	}
	/* Learning and flooding, §3.2. */
	assert_false(dcs_tech(DCS_TECH_DWDM)->control_plane);
	assert_false(dcs_tech(DCS_TECH_VPLS)->control_plane);
	assert_true(dcs_tech(DCS_TECH_EVI)->control_plane);
	assert_true(dcs_tech(DCS_TECH_OTV)->control_plane);
	assert_true(dcs_tech(DCS_TECH_VXLAN_EVPN)->mac_mobility_seq);
	assert_false(dcs_tech(DCS_TECH_OTV)->mac_mobility_seq);
	assert_true(dcs_tech(DCS_TECH_VPLS)->full_mesh_pseudowires);
	assert_true(dcs_tech(DCS_TECH_VXLAN_EVPN)->mass_withdraw);
	/* MAC update origination with its range (sim/core/tech.c sources): EVI
	 * 100 ms (100 ms - 2 s), OTV 50 ms (50 ms - 5 s), EVPN 200 ms
	 * (100 ms - 5 s); flood-and-learn and routed technologies none. */
	assert_near(dcs_tech(DCS_TECH_EVI)->cp_update_s, 0.100, 0);
	assert_near(dcs_tech(DCS_TECH_EVI)->cp_update_max_s, 2.0, 0);
	assert_near(dcs_tech(DCS_TECH_OTV)->cp_update_s, 0.050, 0);
	assert_near(dcs_tech(DCS_TECH_OTV)->cp_update_max_s, 5.0, 0);
	assert_near(dcs_tech(DCS_TECH_VXLAN_EVPN)->cp_update_s, 0.200, 0);
	assert_near(dcs_tech(DCS_TECH_VXLAN_EVPN)->cp_update_min_s, 0.100, 0);
	for (int t = 0; t < DCS_TECH_COUNT; t++) {
		const struct dcs_tech_info *ti = dcs_tech((enum dcs_tech)t);
		if (ti->control_plane && ti->l2_extension)
			assert_true(ti->cp_update_min_s <= ti->cp_update_s &&
				    ti->cp_update_s <= ti->cp_update_max_s);
		else
			assert_true(ti->cp_update_s == 0);
		/* Native FC only over optical transport. */
		assert_int_equal(ti->fc_native, t == DCS_TECH_DWDM);
	}
	assert_int_equal(dcs_tech_from_name("vxlan_evpn"), DCS_TECH_VXLAN_EVPN);
	assert_int_equal(dcs_tech_from_name("fddi"), -1);
	/* ARP + unknown unicast cross only where the technology floods them. */
	assert_true(dcs_l2_bum_cross_share(DCS_TECH_DWDM) == 1.0);
	assert_true(dcs_l2_bum_cross_share(DCS_TECH_VPLS) == 1.0);
	assert_true(dcs_l2_bum_cross_share(DCS_TECH_EVI) == 0.0);
	assert_true(dcs_l2_bum_cross_share(DCS_TECH_OTV) == 0.0);
	assert_true(dcs_l2_bum_cross_share(DCS_TECH_VXLAN_EVPN) == 0.0);
	assert_true(dcs_l2_bum_cross_share(DCS_TECH_L3) == 0.0);
	/* A 64-byte ARP frame plus preamble and gap is 84 bytes, plus encapsulation. */
	assert_true(dcs_l2_bum_wire_bytes(DCS_TECH_DWDM) == 84);
	assert_true(dcs_l2_bum_wire_bytes(DCS_TECH_VXLAN_EVPN) == 134);
}

/* The outage of a cut, per technology (detection + IGP reroute) and of one
 * underlay path of several (protection, or underlay BFD + IGP), from the
 * network of a scenario with one link of each kind. */
static double cut_outage(const char *tech, const char *extra, const char *routing, bool one_path)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10, %s"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
		 " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"%s\", \"underlay_paths\": 2%s}]}",
		 routing, tech, extra);
	struct env e;
	env_open(&e, json);
	double v = dcs_net_cut_outage_s(e.w->net, 0, one_path);
	env_close(&e);
	return v;
}

static void test_failover_figures(void **state)
{
	(void)state;
	/* Default igp_convergence_ms: 200 (NX-OS / ACI SPF initial wait). */
	dcs_validate("DWDM OLP protection switch (one of two paths cut)",
		     "dci-facts.md §3.2 (< 50 ms)", 0.050, cut_outage("dwdm", "", "", true), 0,
		     1e-12, "s");
	dcs_validate("DWDM cut: loss of signal 50 ms + IGP 200 ms", "dci-facts.md §3.2; SPEC §6.1",
		     0.250, cut_outage("dwdm", "", "", false), 0, 1e-12, "s");
	dcs_validate("VPLS backup pseudowire", "dci-facts.md §3.2 (200-300 ms, ASR 920)", 0.250,
		     cut_outage("vpls", "", "", true), 0, 0.05 + 1e-12, "s");
	dcs_validate("EVI cut: IS-IS hold 3 x 10 s + IGP 200 ms",
		     "dci-facts.md §3.2 EVI IS-IS timers", 30.2, cut_outage("evi", "", "", false),
		     0, 1e-12, "s");
	dcs_validate("EVI underlay path cut: underlay BFD 150 ms + IGP 200 ms",
		     "SPEC §6.1; dci-facts.md §4.2 BFD", 0.350, cut_outage("evi", "", "", true), 0,
		     1e-12, "s");
	dcs_validate("EVI cut with BFD on the link: 150 ms + IGP 200 ms",
		     "dci-facts.md §4.2 BFD 3 x 50 ms", 0.350,
		     cut_outage("evi", ", \"bfd\": true", "", false), 0, 1e-12, "s");
	dcs_validate("EVPN cut with routing.bfd_ms 300 and IGP 500 ms", "SPEC §6.1", 0.800,
		     cut_outage("vxlan_evpn", "",
				"\"routing\": {\"bfd_ms\": 300, \"igp_convergence_ms\": 500},",
				false),
		     0, 1e-12, "s");
	dcs_validate("EVPN cut without BFD: BGP hold 180 s + IGP",
		     "dci-facts.md §4.2 BGP hold 180 s", 180.2,
		     cut_outage("vxlan_evpn", "", "", false), 0, 1e-12, "s");
	/* BFD slower than carrier loss changes nothing on DWDM. */
	assert_true(cut_outage("dwdm", "", "\"routing\": {\"bfd_ms\": 900},", false) == 0.250);
	for (int n = 0; n <= 6; n++)
		assert_int_equal(dcs_l2_full_mesh_pseudowires(n), n < 2 ? 0 : n * (n - 1) / 2);
	dcs_validate("VPLS full mesh of 10 PEs", "dci-facts.md §3.2 VPLS scale N(N-1)/2", 45,
		     (double)dcs_l2_full_mesh_pseudowires(10), 0, 0, "pseudowires");
}

static void test_announce_schedule(void **state)
{
	(void)state;
	/* QEMU self-announce: first at 50 ms, gaps 150, 250, 350, 450 ms. */
	const double want[DCS_L2_ANNOUNCE_ROUNDS] = {0.050, 0.200, 0.450, 0.800, 1.250};
	for (int k = 0; k < DCS_L2_ANNOUNCE_ROUNDS; k++) {
		char name[80];
		snprintf(name, sizeof(name), "self-announcement %d after resume", k);
		dcs_validate(name, "live-migration.md §2.2 (50 ms, then +100 ms steps, max 550 ms)",
			     want[k] * 1e3, dcs_l2_announce_s(k) * 1e3, 0, 1e-9, "ms");
	}
	assert_near(dcs_l2_flood_learn_expected_s(0.001, 0), 0.051, 1e-12);
	/* loss 0.5: sum of 0.5^(k+1) (t_k + ow) plus 0.5^5 x 300 s of ageing. */
	double e = 0;
	for (int k = 0; k < 5; k++)
		e += pow(0.5, k + 1) * (want[k] + 0.001);
	e += pow(0.5, 5) * DCS_L2_MAC_AGING_S;
	dcs_validate("expected flood-and-learn MAC move, loss 0.5, 1 ms one way",
		     "sum p^k (1 - p) (t_k + ow) + p^5 x 300 s ageing", e,
		     dcs_l2_flood_learn_expected_s(0.001, 0.5), 0, 1e-9, "s");
}

/* ---- MAC moves ---- */

/* Two sites 100 km apart (490 us one way + 10 us devices); a VM at a, with a
 * service when `serves`. */
static void two_sites(char *buf, size_t len, const char *tech, double loss, bool serves, int seed)
{
	snprintf(buf, len,
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 700, \"seed\": %d,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
		 " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 100,"
		 "   \"bandwidth_gbps\": 10, \"device_latency_us\": 10, \"technology\": \"%s\","
		 "   \"loss\": %g}],"
		 " \"vms\": [{\"id\": \"vm\", \"site\": \"a\", \"memory_gib\": 4}]%s}",
		 seed, tech, loss,
		 serves ? ", \"services\": [{\"id\": \"s\", \"vm\": \"vm\","
			  " \"clients\": [{\"site\": \"b\", \"share\": 1}]}]"
			: "");
}

static double move_once(const char *tech, double loss, bool serves)
{
	char json[1024];
	two_sites(json, sizeof(json), tech, loss, serves, 1);
	struct env e;
	env_open(&e, json);
	run_to(&e, 1.0);
	assert_true(isnan(dcs_l2_last_move_convergence_s(e.l2, 0)));
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 2.0);
	double conv = dcs_l2_last_move_convergence_s(e.l2, 0);
	assert_int_equal(dcs_l2_mac_location(e.l2, 0, 0), 1);
	assert_int_equal(dcs_l2_mac_location(e.l2, 0, 1), 1);
	env_close(&e);
	return conv;
}

static void test_mac_move_convergence(void **state)
{
	(void)state;
	const double ow = 100 * 4.9e-6 + 10e-6;
	const char *flood[] = {"dwdm", "vpls"};
	const char *cp[] = {"evi", "otv", "vxlan_evpn"};
	/* Origination of the MAC update after the edge learns the move. */
	const double cp_s[] = {0.100, 0.050, 0.200};
	const char *cp_src[] = {
	    "H3C EVI guide: min LSP transmit interval 100 ms, + one way",
	    "Cisco IS-IS LSP generation initial wait 50 ms, + one way",
	    "ipspace.net 2023: hundreds of ms (200 ms), + one way",
	};
	double best_flood = INFINITY;
	for (size_t i = 0; i < 2; i++) {
		double c = move_once(flood[i], 0, true);
		char name[80];
		snprintf(name, sizeof(name), "MAC move over 100 km, %s (flood-and-learn)",
			 flood[i]);
		/* Tolerance: 2 ns of rounding plus the M/D/1 wait of the client
		 * traffic that trombones over the link after the move (< 10 ns). */
		dcs_validate(name, "first announcement 50 ms + one way",
			     (DCS_L2_ANNOUNCE_INITIAL_S + ow) * 1e3, c * 1e3, 0, 1e-5, "ms");
		if (c < best_flood)
			best_flood = c;
	}
	for (size_t i = 0; i < 3; i++) {
		double c = move_once(cp[i], 0, true);
		char name[80];
		snprintf(name, sizeof(name), "MAC move over 100 km, %s (control plane)", cp[i]);
		dcs_validate(name, cp_src[i], (cp_s[i] + ow) * 1e3, c * 1e3, 0, 1e-5, "ms");
	}
	/* A control plane is no faster than a flood: OTV's 50 ms initial wait
	 * ties the first announcement, EVI and EVPN are slower. */
	assert_near(move_once("otv", 0, true), best_flood, 2e-9);
	assert_true(move_once("vxlan_evpn", 0, true) > best_flood);
	/* A VM that sends nothing is learnt from its first announcement, then
	 * the update is originated. */
	assert_near(move_once("evi", 0, false), DCS_L2_ANNOUNCE_INITIAL_S + 0.100 + ow, 2e-9);
}

static void test_mac_move_lossy_flood(void **state)
{
	(void)state;
	const double ow = 100 * 4.9e-6 + 10e-6;
	/* Each announcement copy is lost with p = 0.5: the site learns from one of
	 * the five rounds or, all lost, after the ageing time. */
	int seen_later = 0;
	for (int seed = 1; seed <= 8; seed++) {
		char json[1024];
		two_sites(json, sizeof(json), "vpls", 0.5, true, seed);
		struct env e;
		env_open(&e, json);
		run_to(&e, 1.0);
		dcs_world_move_vm(e.w, 0, 1);
		run_to(&e, 400.0);
		double c = dcs_l2_last_move_convergence_s(e.l2, 0);
		bool ok = fabs(c - (DCS_L2_MAC_AGING_S)) < 1e-6;
		for (int k = 0; k < DCS_L2_ANNOUNCE_ROUNDS; k++)
			if (fabs(c - (dcs_l2_announce_s(k) + ow)) < 2e-9) {
				ok = true;
				seen_later += k > 0;
			}
		if (!ok)
			fail_msg("seed %d: convergence %.12g s is not on the schedule", seed, c);
		env_close(&e);
	}
	assert_true(seen_later > 0); /* with p = 0.5 some first copies are lost */
}

/* A chain a - b - c - d: 10, 100 and 10 km.  The VM moves a -> b, then
 * b -> c 0.1 ms later.  b's advertisement reaches d 0.49 ms after c's.
 * Origination is set to 0 (mac_update_ms) so that both edges advertise at
 * once: the race isolates how a site picks between two updates. */
static void race(const char *tech, int *regressions, int *d_mid, int *d_end)
{
	char json[2048];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}, {\"id\": \"d\"}],"
		 " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"%s\", \"mac_update_ms\": 0},"
		 "  {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 100,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"%s\", \"mac_update_ms\": 0},"
		 "  {\"id\": \"cd\", \"a\": \"c\", \"b\": \"d\", \"distance_km\": 10,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"%s\", \"mac_update_ms\": 0}],"
		 " \"vms\": [{\"id\": \"vm\", \"site\": \"a\", \"memory_gib\": 4}],"
		 " \"services\": [{\"id\": \"s\", \"vm\": \"vm\","
		 "   \"clients\": [{\"site\": \"d\", \"share\": 1}]}]}",
		 tech, tech, tech);
	struct env e;
	env_open(&e, json);
	run_to(&e, 1.0);
	dcs_world_move_vm(e.w, 0, 1);
	run_to(&e, 1.0001);
	dcs_world_move_vm(e.w, 0, 2);
	/* c's update reaches d at +0.149 ms, b's stale one at +0.539 ms. */
	run_to(&e, 1.0008);
	*d_mid = dcs_l2_mac_location(e.l2, 0, 3);
	run_to(&e, 2.0);
	*d_end = dcs_l2_mac_location(e.l2, 0, 3);
	*regressions = dcs_l2_mac_regressions(e.l2, 0);
	for (int s = 0; s < 4; s++)
		assert_int_equal(dcs_l2_mac_location(e.l2, 0, s), 2);
	assert_true(isfinite(dcs_l2_last_move_convergence_s(e.l2, 0)));
	env_close(&e);
}

static void test_evpn_sequence_newest_wins(void **state)
{
	(void)state;
	int reg, mid, end;
	race("vxlan_evpn", &reg, &mid, &end);
	assert_int_equal(reg, 0);
	assert_int_equal(mid, 2); /* the stale advertisement was refused */
	assert_int_equal(end, 2);
	race("otv", &reg, &mid, &end);
	assert_int_equal(reg, 1);
	assert_int_equal(mid, 1); /* last heard: d went back to b ... */
	assert_int_equal(end, 2); /* ... until b's withdraw arrived */
}

/* ---- BUM ---- */

/* Copies `in` to `out` with every "TECH" replaced by `tech`. */
static void subst_tech(char *out, size_t len, const char *in, const char *tech)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < len;) {
		if (strncmp(p, "TECH", 4) == 0) {
			o += (size_t)snprintf(out + o, len - o, "%s", tech);
			p += 4;
		} else {
			out[o++] = *p++;
		}
	}
	out[o < len ? o : len - 1] = '\0';
}

static double bum_of(const char *tech, const char *topology_links, int nsites, int link)
{
	char json[2048], full[2100];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}%s],"
		 " \"links\": [%s]}",
		 nsites == 3 ? ", {\"id\": \"c\"}" : "", topology_links);
	subst_tech(full, sizeof(full), json, tech);
	struct env e;
	env_open(&e, full);
	run_to(&e, 10);
	double bps = dcs_l2_bum_Bps(e.l2, link);
	dcs_world_finish(e.w);
	assert_near(h_summary_req(e.w->res, "l2_bum_bytes", e.scn->links[link].id), bps * 10,
		    1e-9 * bps * 10);
	env_close(&e);
	return bps;
}

static void test_bum_across_dci(void **state)
{
	(void)state;
	const char *pair = "{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 50,"
			   " \"bandwidth_gbps\": 10, \"technology\": \"TECH\"}";
	/* Default 100 frames/s per site, each way: 2 x 100 x wire bytes. */
	dcs_validate("BUM across one dwdm link, 2 sites at 100 frames/s",
		     "2 x 100 x (46 + 38) bytes (l2.h assumption)", 2 * 100 * 84.0,
		     bum_of("dwdm", pair, 2, 0), 0, 1e-9, "B/s");
	dcs_validate("BUM across one vpls link, 2 sites at 100 frames/s",
		     "2 x 100 x (46 + 38 + 26) bytes", 2 * 100 * 110.0, bum_of("vpls", pair, 2, 0),
		     0, 1e-9, "B/s");
	assert_near(bum_of("evi", pair, 2, 0), 0, 0);
	assert_near(bum_of("otv", pair, 2, 0), 0, 0);
	assert_near(bum_of("vxlan_evpn", pair, 2, 0), 0, 0);
	/* A chain a - b - c: on a-b, VPLS carries one copy per destination site
	 * (a->b: 2 from a; b->a: 1 from b, 1 from c), dwdm one per source. */
	const char *chain = "{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 50,"
			    " \"bandwidth_gbps\": 10, \"technology\": \"TECH\"},"
			    "{\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 50,"
			    " \"bandwidth_gbps\": 10, \"technology\": \"TECH\"}";
	dcs_validate("BUM on a-b of a vpls chain a-b-c (ingress replication)",
		     "one copy per destination site: 4 x 100 x 110 bytes", 4 * 100 * 110.0,
		     bum_of("vpls", chain, 3, 0), 0, 1e-9, "B/s");
	dcs_validate("BUM on a-b of a dwdm chain a-b-c (one tree)",
		     "one copy per link: 3 x 100 x 84 bytes", 3 * 100 * 84.0,
		     bum_of("dwdm", chain, 3, 0), 0, 1e-9, "B/s");
}

static void test_bum_site_rate(void **state)
{
	(void)state;
	const char *json =
	    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10,"
	    " \"sites\": [{\"id\": \"a\", \"bum_pps\": 2500}, {\"id\": \"b\", \"bum_pps\": 0}],"
	    " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 5,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"vpls\"}]}";
	struct env e;
	env_open(&e, json);
	run_to(&e, 1);
	assert_near(dcs_l2_bum_Bps(e.l2, 0), 2500 * 110.0, 1e-9);
	/* The link down: nothing crosses it. */
	dcs_net_set_link_up(e.w->net, 0, false);
	assert_near(dcs_l2_bum_Bps(e.l2, 0), 0, 0);
	env_close(&e);
}

/* ---- failover ---- */

/* The layer-2 outage of the link `main` cut at 10 s and repaired at 70 s:
 * every underlay path (link_down), or one of its two (path_down). */
static double outage_after_cut(const char *tech, bool bfd, bool backup, bool one_path)
{
	char json[2048];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1000,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
		 " \"links\": [{\"id\": \"main\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 20,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"%s\", \"bfd\": %s,"
		 "   \"underlay_paths\": 2}%s]}",
		 tech, bfd ? "true" : "false",
		 backup ? ", {\"id\": \"backup\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 80,"
			  "   \"bandwidth_gbps\": 10, \"technology\": \"vxlan_evpn\"}"
			: "");
	struct env e;
	env_open(&e, json);
	run_to(&e, 10);
	if (one_path)
		dcs_net_path_down(e.w->net, 0);
	else
		dcs_net_set_link_up(e.w->net, 0, false);
	run_to(&e, 70);
	if (one_path)
		dcs_net_path_up(e.w->net, 0);
	else
		dcs_net_set_link_up(e.w->net, 0, true);
	run_to(&e, 100);
	double out = dcs_l2_outage_s(e.l2, 0);
	env_close(&e);
	return out;
}

static void test_failover_outage(void **state)
{
	(void)state;
	double got;
	/* A cut with a detour: detection, then igp_convergence_ms (200). */
	got = outage_after_cut("dwdm", false, true, false);
	dcs_validate("L2 outage of a cut, dwdm, detour", "loss of signal 50 ms + IGP 200 ms", 0.250,
		     got, 0, 1e-9, "s");
	got = outage_after_cut("vpls", false, true, false);
	dcs_validate("L2 outage of a cut, vpls, detour", "core IGP dead 40 s + IGP 200 ms", 40.2,
		     got, 0, 1e-9, "s");
	got = outage_after_cut("evi", false, true, false);
	dcs_validate("L2 outage of a cut, evi, detour", "IS-IS hold 30 s + IGP 200 ms", 30.2, got,
		     0, 1e-9, "s");
	got = outage_after_cut("evi", true, true, false);
	dcs_validate("L2 outage of a cut, evi with BFD, detour", "BFD 150 ms + IGP 200 ms", 0.350,
		     got, 0, 1e-9, "s");
	got = outage_after_cut("vxlan_evpn", true, true, false);
	dcs_validate("L2 outage of a cut, vxlan_evpn with BFD, detour", "BFD 150 ms + IGP 200 ms",
		     0.350, got, 0, 1e-9, "s");
	/* BGP hold 180 s outlasts the 60 s cut: the link's return ends it. */
	assert_near(outage_after_cut("vxlan_evpn", false, true, false), 60.0, 1e-9);
	/* No other path: out for the whole cut (10 s to 70 s). */
	assert_near(outage_after_cut("dwdm", false, false, false), 60.0, 1e-9);
	assert_near(outage_after_cut("vxlan_evpn", true, false, false), 60.0, 1e-9);
	/* One of two underlay paths: protection, or the underlay's BFD + IGP;
	 * an overlay never waits for its hold timer. */
	got = outage_after_cut("dwdm", false, false, true);
	dcs_validate("L2 outage of a path_down, dwdm", "dci-facts.md §3.2 OLP < 50 ms", 0.050, got,
		     0, 1e-9, "s");
	got = outage_after_cut("vpls", false, false, true);
	dcs_validate("L2 outage of a path_down, vpls", "dci-facts.md §3.2 backup PW 250 ms", 0.250,
		     got, 0, 1e-9, "s");
	got = outage_after_cut("evi", false, false, true);
	dcs_validate("L2 outage of a path_down, evi (no BFD on the overlay)",
		     "SPEC §6.1: underlay BFD 150 ms + IGP 200 ms, not the 30 s hold", 0.350, got,
		     0, 1e-9, "s");
}

static void test_pseudowires_summary(void **state)
{
	(void)state;
	/* Four sites in a VPLS ring: one full mesh of 4 PEs = 6 pseudowires. */
	const char *json =
	    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1,"
	    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}, {\"id\": \"d\"}],"
	    " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 5,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"vpls\"},"
	    "  {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 5,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"vpls\"},"
	    "  {\"id\": \"cd\", \"a\": \"c\", \"b\": \"d\", \"distance_km\": 5,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"vpls\"},"
	    "  {\"id\": \"da\", \"a\": \"d\", \"b\": \"a\", \"distance_km\": 5,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"evi\"}]}";
	struct env e;
	env_open(&e, json);
	run_to(&e, 1);
	dcs_world_finish(e.w);
	dcs_validate("pseudowires of a 4-PE VPLS ring", "dci-facts.md §3.2 N(N-1)/2", 6,
		     h_summary_req(e.w->res, "l2_pseudowires", "ab"), 0, 0, "pseudowires");
	assert_near(h_summary_req(e.w->res, "l2_pseudowires", "da"), 0, 0);
	/* Nominal MAC-move convergence of a move across one link. */
	double ow = 5 * 4.9e-6;
	assert_near(h_summary_req(e.w->res, "l2_mac_move_convergence_ms", "ab"),
		    (DCS_L2_ANNOUNCE_INITIAL_S + ow) * 1e3, 1e-9);
	assert_near(h_summary_req(e.w->res, "l2_mac_move_convergence_ms", "da"), (0.100 + ow) * 1e3,
		    1e-9);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tech_figures),
	    cmocka_unit_test(test_failover_figures),
	    cmocka_unit_test(test_announce_schedule),
	    cmocka_unit_test(test_mac_move_convergence),
	    cmocka_unit_test(test_mac_move_lossy_flood),
	    cmocka_unit_test(test_evpn_sequence_newest_wins),
	    cmocka_unit_test(test_bum_across_dci),
	    cmocka_unit_test(test_bum_site_rate),
	    cmocka_unit_test(test_failover_outage),
	    cmocka_unit_test(test_pseudowires_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
