/*
 * Cross-site HA clusters (models/cluster.c): timer presets, RTO composition,
 * quorum and split brain, degraded links, storage interplay.
 *
 * Expected figures are written out from the reference (dci-facts.md §5.1,
 * §5.3) and the vendors' documents (sim/core/presets.c), not taken from the
 * model: RTO = detection + arbitration + fence + start + network
 * convergence, to the nanosecond, with each preset's fencing (corosync SBD
 * msgwait 10 s, WSFC disk arbitration 7 s, VCS and vSphere HA none).
 * vSphere HA has no quorum: a failed secondary is restarted at T18 s (15 s
 * of network heartbeats, then the datastore heartbeat window to T18), a
 * failed primary at T35 s (a new primary elected at T25 s); a partition
 * whose hosts keep writing datastore heartbeats restarts nothing; an
 * isolated host declares isolation at T30 s (T5 s for the primary) and
 * powers its VMs off when told to.
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

#include "cluster.h"
#include "dcisim/loader.h"
#include "dcisim/world.h"
#include "harness.h"
#include "validation.h"

/* ---- helpers ---- */

static double conv_fixed(void *ctx, int from, int to)
{
	(void)from, (void)to;
	return *(const double *)ctx;
}

/* Loads, runs to the horizon and finishes.  conv_s >= 0 installs an L3 hook
 * answering that convergence time. */
static struct harness run_text(const char *text, uint64_t seed, const double *conv_s)
{
	struct harness r = h_open(text, seed);
	if (conv_s) {
		r.w->q.ip_move_convergence_s = conv_fixed;
		r.w->q.l3_ctx = (void *)conv_s;
	}
	h_finish(&r);
	return r;
}

static size_t count_events(struct dcs_world *w, const char *event)
{
	struct dcs_table *t = h_table(w->res, "cluster.csv");
	assert_non_null(t);
	size_t n = 0;
	int ce = h_col(t, "event");
	for (size_t r = 0; r < dcs_table_nrows(t); r++)
		n += strcmp(dcs_table_cell(t, r, (size_t)ce), event) == 0;
	return n;
}

/* Time of the first cluster.csv row with this event (and node, if given). */
static double first_event(struct dcs_world *w, const char *event, const char *node)
{
	struct dcs_table *t = h_table(w->res, "cluster.csv");
	assert_non_null(t);
	int ce = h_col(t, "event"), cn = h_col(t, "node"), ct = h_col(t, "time_s");
	for (size_t r = 0; r < dcs_table_nrows(t); r++)
		if (strcmp(dcs_table_cell(t, r, (size_t)ce), event) == 0 &&
		    (!node || strcmp(dcs_table_cell(t, r, (size_t)cn), node) == 0))
			return strtod(dcs_table_cell(t, r, (size_t)ct), NULL);
	return NAN;
}

/* Replays cluster.csv: the most nodes running the service at once, and the
 * total time two or more ran (independent of the model's own counters). */
static int max_running(struct dcs_world *w, double *overlap_s)
{
	struct dcs_table *t = h_table(w->res, "cluster.csv");
	assert_non_null(t);
	int ce = h_col(t, "event"), cn = h_col(t, "node"), ct = h_col(t, "time_s");
	char running[8][32];
	int n = 0, max = 0;
	double since = 0, overlap = 0;
	for (size_t r = 0; r < dcs_table_nrows(t); r++) {
		const char *ev = dcs_table_cell(t, r, (size_t)ce);
		const char *node = dcs_table_cell(t, r, (size_t)cn);
		double tm = strtod(dcs_table_cell(t, r, (size_t)ct), NULL);
		int before = n;
		if (strcmp(ev, "running") == 0 || (strcmp(ev, "up") == 0 && tm == 0)) {
			bool have = false;
			for (int k = 0; k < n; k++)
				have |= strcmp(running[k], node) == 0;
			if (!have && n < 8)
				snprintf(running[n++], sizeof(running[0]), "%s", node);
		} else if (strcmp(ev, "stop") == 0 || strcmp(ev, "node_down") == 0) {
			for (int k = 0; k < n; k++)
				if (strcmp(running[k], node) == 0) {
					memmove(running[k], running[k + 1],
						(size_t)(n - k - 1) * sizeof(running[0]));
					n--;
					break;
				}
		}
		if (before < 2 && n >= 2)
			since = tm;
		if (before >= 2 && n < 2)
			overlap += tm - since;
		if (n > max)
			max = n;
	}
	if (n >= 2)
		overlap += dcs_time_to_s(w->horizon) - since;
	if (overlap_s)
		*overlap_s = overlap;
	return max;
}

/* Two data sites 60 km apart and a witness site 50 km from each. */
#define SITES3                                                                                     \
	"\"sites\": [{\"id\": \"dc1\", \"x\": 0, \"y\": 0}, {\"id\": \"dc2\", \"x\": 60, \"y\": "  \
	"0},"                                                                                      \
	" {\"id\": \"wit\", \"x\": 30, \"y\": 50}],"
#define LINKS3                                                                                     \
	"\"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 60,"      \
	" \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"},"                                      \
	" {\"id\": \"w1\", \"a\": \"dc1\", \"b\": \"wit\", \"distance_km\": 50,"                   \
	" \"bandwidth_gbps\": 1, \"technology\": \"l3\"},"                                         \
	" {\"id\": \"w2\", \"a\": \"dc2\", \"b\": \"wit\", \"distance_km\": 50,"                   \
	" \"bandwidth_gbps\": 1, \"technology\": \"l3\"}],"
#define SITES2                                                                                     \
	"\"sites\": [{\"id\": \"dc1\", \"x\": 0, \"y\": 0}, {\"id\": \"dc2\", \"x\": 60, \"y\": "  \
	"0}],"
#define LINKS2                                                                                     \
	"\"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 60,"      \
	" \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}],"

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	assert_true(n >= 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

/* ---- timers ---- */

static void resolve(const char *cluster_json, int n_sites3, struct dcs_cluster_timers *t)
{
	char *text = fmt("{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10, %s %s"
			 "\"clusters\": [%s]}",
			 n_sites3 ? SITES3 : SITES2, n_sites3 ? LINKS3 : LINKS2, cluster_json);
	struct dcs_scenario *scn = h_load(text);
	dcs_cluster_resolve_timers(&scn->clusters[0], t);
	dcs_scenario_free(scn);
	free(text);
}

#define NODES2                                                                                     \
	"\"nodes\": [{\"id\": \"n1\", \"site\": \"dc1\"}, {\"id\": \"n2\", \"site\": \"dc2\"}]"
#define NODES3                                                                                     \
	"\"nodes\": [{\"id\": \"n1\", \"site\": \"dc1\"}, {\"id\": \"n2\", \"site\": \"dc1\"},"    \
	" {\"id\": \"n3\", \"site\": \"dc2\"}]"

static void test_presets(void **state)
{
	(void)state;
	struct dcs_cluster_timers t;
	const dcs_time_t ms = DCS_NS_PER_MS, s = DCS_NS_PER_S;

	resolve("{\"id\": \"c\", " NODES2 ", \"preset\": \"corosync\"}", 0, &t);
	/* token 3000 ms = 4 x 750 ms, consensus 1.2 x token. */
	assert_int_equal(t.heartbeat, 750 * ms);
	assert_int_equal(t.missed_cross_site, 4);
	assert_int_equal(t.arbitration, 3600 * ms);
	dcs_validate("corosync fencing (SBD msgwait)", "SUSE TID 7011346 msgwait 10 s", 10,
		     dcs_time_to_s(t.fence), 0, 0, "s");
	assert_int_equal(t.start, 20 * s);
	assert_false(t.vsphere);

	resolve("{\"id\": \"c\", " NODES3 ", \"preset\": \"corosync\"}", 0, &t);
	/* Three nodes: token 3000 + 650 = 3650 ms. */
	dcs_validate_published("corosync token, three nodes",
			       "dci-facts.md §5.1 token_coefficient 650 ms", 3650,
			       dcs_time_to_ms(t.heartbeat * t.missed_cross_site), 0, 0, "ms");
	dcs_validate("corosync consensus, three nodes", "dci-facts.md §5.1 consensus 1.2 x token",
		     4380, dcs_time_to_ms(t.arbitration), 0, 0, "ms");
	assert_int_equal(t.heartbeat * t.missed_cross_site, 3650 * ms);
	assert_int_equal(t.arbitration, 4380 * ms);

	resolve("{\"id\": \"c\", " NODES2 ", \"preset\": \"corosync\", \"heartbeat_ms\": 1000}", 0,
		&t);
	/* The token stays 3000 ms: 3 heartbeats of 1 s. */
	assert_int_equal(t.missed_cross_site, 3);

	resolve("{\"id\": \"c\", " NODES3 ", \"preset\": \"wsfc\"}", 0, &t);
	assert_int_equal(t.heartbeat, 1000 * ms);
	assert_int_equal(t.missed_same_site, 10);
	assert_int_equal(t.missed_cross_site, 20);
	assert_int_equal(t.arbitration, 0);
	dcs_validate_published("wsfc fencing (disk arbitration)",
			       "Microsoft Learn: arbitration adds 7 s to the failover", 7,
			       dcs_time_to_s(t.fence), 0, 0, "s");

	resolve("{\"id\": \"c\", " NODES2 ", \"preset\": \"vcs\"}", 0, &t);
	assert_int_equal(t.heartbeat * t.missed_cross_site, 16 * s);
	assert_int_equal(t.heartbeat, 500 * ms);
	assert_int_equal(t.fence, 0); /* I/O fencing races at once */

	resolve("{\"id\": \"c\", " NODES2 ", \"preset\": \"vsphere_ha\"}", 0, &t);
	/* Epping, vSphere 5 Clustering Deepdive: dead at T15 s, T18 s with
	 * datastore heartbeats; isolation 5 s / 30 s (KB 322784); new primary
	 * T25 s, restarts T35 s. */
	assert_true(t.vsphere);
	assert_int_equal(t.heartbeat * t.missed_cross_site, 15 * s);
	dcs_validate_published("vSphere HA host declared dead (datastore heartbeats)",
			       "Epping, Clustering Deepdive: T18s", 18,
			       dcs_time_to_s(t.heartbeat * t.missed_cross_site + t.arbitration), 0,
			       0, "s");
	dcs_validate("vSphere HA isolation, primary", "Broadcom KB 322784: 5 s", 5,
		     dcs_time_to_s(t.isolation_primary), 0, 0, "s");
	dcs_validate("vSphere HA isolation, secondary", "Broadcom KB 322784: 30 s", 30,
		     dcs_time_to_s(t.isolation_secondary), 0, 0, "s");
	assert_int_equal(t.election, 25 * s);
	assert_int_equal(t.primary_loss_restart, 35 * s);
	assert_int_equal(t.fence, 0);

	resolve("{\"id\": \"c\", " NODES2 ", \"preset\": \"custom\"}", 0, &t);
	assert_int_equal(t.heartbeat * t.missed_cross_site, 5 * s);
	assert_int_equal(t.fence, 0);

	resolve("{\"id\": \"c\", " NODES2 ", \"preset\": \"wsfc\", \"missed\": 7, \"fence_s\": 0,"
		" \"start_s\": 45, \"arbitration_ms\": 250}",
		0, &t);
	assert_int_equal(t.missed_same_site, 7);
	assert_int_equal(t.missed_cross_site, 7);
	assert_int_equal(t.fence, 0);
	assert_int_equal(t.start, 45 * s);
	assert_int_equal(t.arbitration, 250 * ms);
}

/* ---- RTO per preset ---- */

struct preset_case {
	const char *preset;
	double detect_s, arb_s, fence_s; /* from the reference, written out */
	double wait_s;                   /* vSphere HA: election, past detection */
};

static void test_rto_per_preset(void **state)
{
	(void)state;
	static const struct preset_case cases[] = {
	    /* token 3 s + consensus 3.6 s (dci-facts §5.3), SBD msgwait 10 s */
	    {"corosync", 3.0, 3.6, 10, 0},
	    /* cross-site 1 s x 20, disk arbitration 7 s (Microsoft Learn) */
	    {"wsfc", 20.0, 0, 7, 0},
	    /* peerinact 16 s, fencing race at once */
	    {"vcs", 16.0, 0, 0, 0},
	    /* n1 is the primary: dead at 15 s, datastore heartbeats to 18 s, a
	     * new primary elected at 25 s restarts at 35 s (Epping) */
	    {"vsphere_ha", 15.0, 3, 0, 17},
	};
	const double conv = 2.5, start = 20;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *text =
		    fmt("{\"dcisim\": 1, \"name\": \"rto\", \"duration_s\": 300, " SITES3 LINKS3
			"\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"%s\","
			" \"quorum\": \"witness\", \"witness_site\": \"wit\"}],"
			"\"faults\": [{\"at_s\": 100, \"kind\": \"node_down\", \"node\": \"n1\"}]}",
			cases[k].preset);
		struct harness r = run_text(text, 1, &conv);
		double expected = cases[k].detect_s + cases[k].arb_s + cases[k].fence_s +
				  cases[k].wait_s + start + conv;
		char name[96];
		snprintf(name, sizeof(name), "cluster RTO, %s, node crash", cases[k].preset);
		dcs_validate(name, "dci-facts.md §5.1 timers, §5.3 RTO composition", expected,
			     h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
		/* Detection alone: the dead row comes detect_s after the crash. */
		snprintf(name, sizeof(name), "cluster detection, %s, node crash", cases[k].preset);
		dcs_validate(name, "dci-facts.md §5.1 timers", cases[k].detect_s,
			     first_event(r.w, "dead", NULL) - 100, 0, 1e-9, "s");
		assert_true(fabs(first_event(r.w, "dead", NULL) - (100 + cases[k].detect_s)) <
			    1e-9);
		assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 1);
		assert_true(h_summary(r.w->res, "cluster_split_brain_s", "db") == 0);
		h_close(&r);
		free(text);
	}
}

/* Without an L3 model the floating IP moves with a gratuitous ARP: one
 * one-way delay from the new site to the old one. */
static void test_rto_gratuitous_arp(void **state)
{
	(void)state;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"garp\", \"duration_s\": 300, " SITES3 LINKS3
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"custom\","
	    " \"quorum\": \"witness\", \"witness_site\": \"wit\", \"fence_s\": 4,"
	    " \"start_s\": 6}],"
	    "\"faults\": [{\"at_s\": 50, \"kind\": \"node_down\", \"node\": \"n1\"}]}";
	struct harness r = run_text(text, 1, NULL);
	/* 60 km of fibre: 0.294 ms one way. */
	double one_way = 60 * 4.9e-6;
	assert_true(fabs(dcs_time_to_s(dcs_net_one_way(r.w->net, 1, 0)) - one_way) < 1e-12);
	dcs_validate("cluster RTO with gratuitous ARP", "SPEC §4.6; 4.9 us/km", 5 + 4 + 6 + one_way,
		     h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
	h_close(&r);
}

/* WSFC same-site detection is 10 s even when a cross-site peer still waits
 * for its 20 s: the first member to declare the node dead evicts it. */
static void test_rto_same_site(void **state)
{
	(void)state;
	const double conv = 0;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"ss\", \"duration_s\": 300, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES3 ", \"preset\": \"wsfc\","
	    " \"quorum\": \"majority\"}],"
	    "\"faults\": [{\"at_s\": 10, \"kind\": \"node_down\", \"node\": \"n1\"}]}";
	struct harness r = run_text(text, 1, &conv);
	dcs_validate("cluster RTO, wsfc same-site peer",
		     "dci-facts.md §5.1 WSFC 2016+ 1 s x 10; disk arbitration 7 s", 10.0 + 7 + 20,
		     h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
	/* The service restarts on n2, at the same site. */
	assert_true(fabs(first_event(r.w, "running", "n2") - 47.0) < 1e-9);
	h_close(&r);
}

/* A whole site lost: the survivor holds the witness vote and takes over. */
static void test_site_loss(void **state)
{
	(void)state;
	const double conv = 1.0;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"sl\", \"duration_s\": 300, " SITES3 LINKS3
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"corosync\","
	    " \"quorum\": \"witness\", \"witness_site\": \"wit\"}],"
	    "\"faults\": [{\"at_s\": 60, \"kind\": \"site_down\", \"site\": \"dc1\"}]}";
	struct harness r = run_text(text, 1, &conv);
	dcs_validate_published("cluster RTO, site loss, corosync", "dci-facts.md §5.3 example",
			       3 + 3.6 + 10 + 20 + 1, h_summary(r.w->res, "cluster_rto_s", "db#1"),
			       0, 1e-9, "s");
	assert_int_equal(max_running(r.w, NULL), 1);
	h_close(&r);
}

/* ---- partitions ---- */

/* With a witness no partition, of any length, leaves two running sides. */
static void test_witness_partitions(void **state)
{
	(void)state;
	static const double lengths[] = {2, 6.5, 7, 20, 45, 90, 400};
	static const char *const holders[] = {"n1", "n2"};
	for (size_t h = 0; h < 2; h++)
		for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
			char *text = fmt(
			    "{\"dcisim\": 1, \"name\": \"wp\", \"duration_s\": 900, " SITES3 LINKS3
			    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"corosync\","
			    " \"service_on\": \"%s\", \"quorum\": \"witness\", \"witness_site\": "
			    "\"wit\"}],"
			    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": "
			    "\"dci1\","
			    " \"for_s\": %g}]}",
			    holders[h], lengths[k]);
			const double conv = 0.5;
			struct harness r = run_text(text, 1, &conv);
			double overlap;
			assert_int_equal(max_running(r.w, &overlap), 1);
			assert_true(overlap == 0);
			assert_true(h_summary(r.w->res, "cluster_split_brain_s", "db") == 0);
			bool long_cut = lengths[k] > 3.0 + 3.6;
			if (h == 1 && long_cut) {
				/* n2 loses the vote (the witness goes to the lowest node), so n1
				 * takes over: RTO from the cut. */
				char name[96];
				snprintf(name, sizeof(name), "cluster RTO, DCI cut %g s, witness",
					 lengths[k]);
				dcs_validate_published(
				    name, "dci-facts.md §5.3", 3 + 3.6 + 10 + 20 + 0.5,
				    h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
			} else {
				assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"),
						 0);
			}
			h_close(&r);
			free(text);
		}
}

/* Without quorum a partition longer than the failover leaves both sides
 * running for exactly the partition's length minus detection, fencing and
 * start; a shorter one does nothing visible. */
static void test_no_quorum_split_brain(void **state)
{
	(void)state;
	static const double lengths[] = {3, 4.5, 9.5, 10.5, 30, 100, 250};
	const double detect = 5, fence = 2, start = 3; /* custom: 1 s x 5 */
	for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
		char *text =
		    fmt("{\"dcisim\": 1, \"name\": \"sb\", \"duration_s\": 600, " SITES2 LINKS2
			"\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"custom\","
			" \"quorum\": \"none\", \"fence_s\": %g, \"start_s\": %g}],"
			"\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
			" \"for_s\": %g}]}",
			fence, start, lengths[k]);
		struct harness r = run_text(text, 1, NULL);
		double expected = lengths[k] - (detect + fence + start);
		if (expected < 0)
			expected = 0;
		double overlap;
		int most = max_running(r.w, &overlap);
		char name[96];
		snprintf(name, sizeof(name), "split brain, quorum none, cut %g s", lengths[k]);
		dcs_validate(name, "SPEC §4.6: partition - (detection + fence + start)", expected,
			     h_summary(r.w->res, "cluster_split_brain_s", "db"), 0, 1e-9, "s");
		assert_true(fabs(overlap - expected) < 1e-9);
		assert_int_equal(most, expected > 0 ? 2 : 1);
		/* After the heal exactly one instance remains. */
		assert_int_equal((int)h_summary(r.w->res, "cluster_split_brains", "db"),
				 expected > 0);
		h_close(&r);
		free(text);
	}
	/* With zero fencing and start, the split lasts the partition minus detection. */
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"sb0\", \"duration_s\": 600, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"custom\","
	    " \"quorum\": \"none\", \"fence_s\": 0, \"start_s\": 0}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
	    " \"for_s\": 60}]}";
	struct harness r = run_text(text, 1, NULL);
	dcs_validate("split brain, quorum none, no fence/start", "SPEC §4.6", 60.0 - 5.0,
		     h_summary(r.w->res, "cluster_split_brain_s", "db"), 0, 1e-9, "s");
	h_close(&r);
}

/* Corosync two_node: both halves keep quorum, the half with the service wins
 * the fence race; no split brain, no outage on a cut. */
static void test_two_node(void **state)
{
	(void)state;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"tn\", \"duration_s\": 600, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"corosync\","
	    " \"service_on\": \"n2\", \"quorum\": \"majority\", \"two_node\": true}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
	    " \"for_s\": 120}]}";
	struct harness r = run_text(text, 1, NULL);
	assert_int_equal(max_running(r.w, NULL), 1);
	assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 0);
	assert_true(h_summary(r.w->res, "cluster_split_brain_s", "db") == 0);
	h_close(&r);

	/* Without two_node a two-node majority cluster cannot survive a crash. */
	text = "{\"dcisim\": 1, \"name\": \"tn2\", \"duration_s\": 600, " SITES2 LINKS2
	       "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"corosync\","
	       " \"quorum\": \"majority\"}],"
	       "\"faults\": [{\"at_s\": 100, \"kind\": \"node_down\", \"node\": \"n1\"}]}";
	r = run_text(text, 1, NULL);
	dcs_validate_published("two-node majority cluster after a crash: down to the end",
			       "votequorum(5): 1 of 2 votes is not a majority (quorum 2)", 500,
			       h_summary(r.w->res, "cluster_outage_unrecovered_s", "db#1"), 0, 1e-9,
			       "s");
	assert_true(isnan(h_summary(r.w->res, "cluster_rto_s", "db#1")));
	assert_true(dcs_results_n_warnings(r.w->res) >= 1);
	h_close(&r);

	/* With two_node the survivor takes over after a crash. */
	text = "{\"dcisim\": 1, \"name\": \"tn3\", \"duration_s\": 600, " SITES2 LINKS2
	       "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"corosync\","
	       " \"quorum\": \"majority\", \"two_node\": true}],"
	       "\"faults\": [{\"at_s\": 100, \"kind\": \"node_down\", \"node\": \"n1\"}]}";
	const double conv = 0;
	r = run_text(text, 1, &conv);
	dcs_validate_published("cluster RTO, corosync two_node, node crash",
			       "dci-facts.md §5.1 votequorum two_node; §5.3", 3 + 3.6 + 10 + 20,
			       h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
	assert_true(fabs(h_summary(r.w->res, "cluster_rto_s", "db#1") - (3 + 3.6 + 10 + 20)) <
		    1e-9);
	h_close(&r);
}

/* ---- degraded links ---- */

/* Three nodes, two at dc1 and n3 (with the service) at dc2, over one DCI
 * link: degrading it can only isolate n3, and the dc1 pair keeps the majority.
 * Corosync with three nodes: token 3650 ms, consensus 4380 ms. */
static struct harness degrade_run(const char *degrade, uint64_t seed)
{
	char *text =
	    fmt("{\"dcisim\": 1, \"name\": \"dg\", \"duration_s\": 900, " SITES2 LINKS2
		"\"clusters\": [{\"id\": \"db\", " NODES3 ", \"preset\": \"corosync\","
		" \"service_on\": \"n3\", \"quorum\": \"majority\"}],"
		"\"faults\": [{\"at_s\": 100, \"kind\": \"link_degrade\", \"link\": \"dci1\","
		" \"for_s\": 600, %s}]}",
		degrade);
	const double conv = 0;
	struct harness r = run_text(text, seed, &conv);
	free(text);
	return r;
}

static void test_degraded_latency(void **state)
{
	(void)state;
	/* Corosync token 3.65 s: 3 s of added one-way latency stays below it. */
	struct harness r = degrade_run("\"latency_ms\": 3000", 1);
	assert_int_equal(count_events(r.w, "dead"), 0);
	assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 0);
	h_close(&r);
	/* 4 s exceeds it: every heartbeat is late, n3 is cut off and fails over. */
	r = degrade_run("\"latency_ms\": 4000", 1);
	assert_int_equal(count_events(r.w, "dead"), 2); /* n1-n3 and n2-n3 */
	assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 1);
	dcs_validate("cluster RTO, corosync 3 nodes, 4 s of added latency isolates one",
		     "token 3.65 s + consensus 4.38 s + fence 10 s + start 20 s",
		     3.65 + 4.38 + 10 + 20, h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9,
		     "s");
	assert_true(fabs(h_summary(r.w->res, "cluster_rto_s", "db#1") - (3.65 + 4.38 + 10 + 20)) <
		    1e-9);
	h_close(&r);
}

static void test_degraded_loss(void **state)
{
	(void)state;
	/* 2% loss: four heartbeats in a row are lost once per 6.4e6 heartbeats
	 * per pair, about 67 days at 0.9125 s: no failover in 10 minutes. */
	struct harness r = degrade_run("\"loss\": 0.02", 1);
	assert_int_equal(count_events(r.w, "dead"), 0);
	assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 0);
	assert_true(count_events(r.w, "suspect") > 0); /* single losses are seen */
	h_close(&r);
	/* 60% loss exceeds the tolerance: a false failover within seconds. */
	r = degrade_run("\"loss\": 0.6", 1);
	assert_true(count_events(r.w, "dead") >= 1);
	double dead_t = first_event(r.w, "dead", NULL);
	assert_true(dead_t >= 100 + 3.0 && dead_t < 160);
	assert_true(h_summary(r.w->res, "cluster_outages", "db") >= 1);
	double overlap;
	assert_int_equal(max_running(r.w, &overlap), 1);
	h_close(&r);
}

/* The time to the first false death under loss p with m missed heartbeats is
 * the waiting time for m losses in a row: E[N] = (1 - p^m) / ((1 - p) p^m)
 * heartbeats (Feller).  Averaged over seeds. */
static void test_loss_detection_mean(void **state)
{
	(void)state;
	const double p = 0.5;
	const int m = 3, runs = 400;
	const double expected = (1 - pow(p, m)) / ((1 - p) * pow(p, m)); /* 14 */
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"ld\", \"duration_s\": 1000, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"custom\","
	    " \"heartbeat_ms\": 1000, \"missed\": 3, \"quorum\": \"none\"}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_degrade\", \"link\": \"dci1\","
	    " \"loss\": 0.5}]}";
	struct dcs_scenario *scn = h_load(text);
	double sum = 0;
	for (int k = 0; k < runs; k++) {
		struct dcs_world *w = dcs_world_create(scn, 1000 + (uint64_t)k);
		dcs_world_run(w, dcs_time_from_s(700));
		double t = first_event(w, "dead", NULL);
		assert_false(isnan(t));
		sum += t - 100; /* heartbeats at whole seconds after the 100 s onset */
		dcs_world_destroy(w);
	}
	dcs_validate("heartbeats to a false death, p=0.5, m=3",
		     "run of m failures in Bernoulli trials", expected, sum / runs, 0.10, 0,
		     "heartbeats");
	dcs_scenario_free(scn);
}

/* ---- storage interplay ---- */

struct storage_stub {
	struct dcs_kernel *k;
	int blocked_site;
	dcs_time_t until;
};

static bool writable_stub(void *ctx, int site)
{
	const struct storage_stub *s = ctx;
	return site != s->blocked_site || dcs_now(s->k) >= s->until;
}

static void test_storage_blocked(void **state)
{
	(void)state;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"st\", \"duration_s\": 600, " SITES3 LINKS3
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"custom\","
	    " \"quorum\": \"witness\", \"witness_site\": \"wit\", \"fence_s\": 0,"
	    " \"start_s\": 15}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"node_down\", \"node\": \"n1\"}]}";
	struct dcs_scenario *scn = h_load(text);
	struct dcs_world *w = dcs_world_create(scn, 1);
	struct storage_stub st = {w->k, 1, dcs_time_from_s(200)};
	const double conv = 0;
	w->q.site_writable = writable_stub;
	w->q.storage_ctx = &st;
	w->q.ip_move_convergence_s = conv_fixed;
	w->q.l3_ctx = (void *)&conv;
	dcs_world_run(w, w->horizon);
	dcs_world_finish(w);
	/* Running at 120 s (5 s detection + 15 s start), but storage at dc2 is
	 * suspended until 200 s. */
	assert_true(fabs(first_event(w, "storage_blocked", "n2") - 120) < 1e-9);
	double up = first_event(w, "up", "n2");
	/* The resource monitor (every 10 s from 0) sees it at 200 s. */
	assert_true(fabs(up - 200) < 1e-9);
	dcs_validate("cluster RTO when storage at the new site is suspended until 200 s",
		     "crash at 100 s; service up when storage is writable", 100,
		     h_summary(w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
	assert_true(fabs(h_summary(w->res, "cluster_rto_s", "db#1") - 100) < 1e-9);
	assert_true(fabs(h_summary(w->res, "cluster_unavailable_s", "db") - 100) < 1e-9);
	dcs_world_destroy(w);
	dcs_scenario_free(scn);
}

/* ---- vSphere HA: no quorum, datastore heartbeats, isolation ---- */

static void test_vsphere_secondary_crash(void **state)
{
	(void)state;
	const double conv = 2.5;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"vs\", \"duration_s\": 300, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"vsphere_ha\","
	    " \"service_on\": \"n2\"}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"node_down\", \"node\": \"n2\"}]}";
	struct harness r = run_text(text, 1, &conv);
	/* n1 is the primary: n2 dead at T15 s, restarted after the datastore
	 * heartbeat window at T18 s. */
	assert_true(fabs(first_event(r.w, "dead", NULL) - 115) < 1e-9);
	dcs_validate("vSphere HA RTO, secondary host crash",
		     "Epping, Clustering Deepdive: dead at T18s with heartbeat datastores",
		     18 + 20 + conv, h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
	assert_true(isnan(first_event(r.w, "election", NULL)));
	h_close(&r);
}

static void test_vsphere_partition(void **state)
{
	(void)state;
	/* A 200 s DCI cut, storage everywhere writable: each host keeps writing
	 * its datastore heartbeats, so the partition restarts nothing and never
	 * splits the brain; n2's partition elects a primary at T25 s. */
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"vp\", \"duration_s\": 600, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"vsphere_ha\"}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
	    " \"for_s\": 200}]}";
	struct harness r = run_text(text, 1, NULL);
	assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 0);
	assert_true(h_summary(r.w->res, "cluster_split_brain_s", "db") == 0);
	assert_int_equal(max_running(r.w, NULL), 1);
	dcs_validate_published("vSphere HA election after losing the primary", "Epping: T25s", 25,
			       first_event(r.w, "election", "n2") - 100, 0, 1e-9, "s");
	/* Each host still pings its own gateway: partitioned, not isolated. */
	assert_true(isnan(first_event(r.w, "isolated", NULL)));
	/* After the heal one primary is left. */
	assert_int_equal((int)count_events(r.w, "election"), 2);
	h_close(&r);
}

static void test_vsphere_ignored_keys(void **state)
{
	(void)state;
	/* quorum and fence_s mean nothing to vSphere HA: the scenario loads, each
	 * key with a warning naming it (file:line:col), not an error. */
	struct dcs_scenario *scn =
	    h_load("{\"dcisim\": 1, \"name\": \"vw\", \"duration_s\": 10, " SITES2 LINKS2
		   "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"vsphere_ha\","
		   " \"quorum\": \"majority\", \"fence_s\": 5}]}");
	assert_int_equal((int)scn->n_warnings, 2);
	assert_non_null(strstr(scn->warnings[0], "warning:"));
	assert_non_null(strstr(scn->warnings[0], "quorum"));
	assert_non_null(strstr(scn->warnings[1], "fence_s"));
	dcs_scenario_free(scn);
}

static void test_vsphere_isolation(void **state)
{
	(void)state;
	const double conv = 2.5;
	/* The management gateway is at dc1: on a DCI cut n2, holding the VM,
	 * hears nobody and cannot ping it: isolated at T30 s (a secondary). */
	static const char *const responses[] = {"power_off", "leave_powered_on"};
	for (size_t k = 0; k < 2; k++) {
		char *text =
		    fmt("{\"dcisim\": 1, \"name\": \"vi\", \"duration_s\": 600, " SITES2 LINKS2
			"\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"vsphere_ha\","
			" \"service_on\": \"n2\", \"isolation_site\": \"dc1\","
			" \"isolation_response\": \"%s\"}],"
			"\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
			" \"for_s\": 300}]}",
			responses[k]);
		struct harness r = run_text(text, 1, &conv);
		dcs_validate("vSphere HA isolation of a secondary", "Broadcom KB 322784: 30 s", 30,
			     first_event(r.w, "isolated", "n2") - 100, 0, 1e-9, "s");
		if (k == 0) {
			/* Powered off at T30 s: the primary restarts it at once. */
			dcs_validate("vSphere HA RTO, isolated host powers off",
				     "isolation 30 s + start 20 s + convergence", 30 + 20 + conv,
				     h_summary(r.w->res, "cluster_rto_s", "db#1"), 0, 1e-9, "s");
			assert_true(h_summary(r.w->res, "cluster_split_brain_s", "db") == 0);
		} else {
			/* Left on: the VM keeps running on n2, nothing restarts. */
			assert_int_equal((int)h_summary(r.w->res, "cluster_outages", "db"), 0);
			assert_int_equal(max_running(r.w, NULL), 1);
		}
		h_close(&r);
		free(text);
	}
}

struct storage_window {
	struct dcs_kernel *k;
	int site;
	dcs_time_t from, until;
};

static bool writable_window(void *ctx, int site)
{
	const struct storage_window *s = ctx;
	dcs_time_t now = dcs_now(s->k);
	return site != s->site || now < s->from || now >= s->until;
}

static void test_vsphere_datastore(void **state)
{
	(void)state;
	/* A DCI cut at 100 s after which the storage suspends dc1 (the witness
	 * chose dc2): n1 (the primary, holding the VM) stops writing datastore
	 * heartbeats, so n2's partition, once it has elected a primary (T25 s),
	 * restarts the VM at T35 s.  When the mirror returns at 400 s the copy
	 * on n1 finds its lock gone and stops: no split brain. */
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"vd\", \"duration_s\": 600, " SITES2 LINKS2
	    "\"clusters\": [{\"id\": \"db\", " NODES2 ", \"preset\": \"vsphere_ha\"}],"
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
	    " \"for_s\": 300}]}";
	struct dcs_scenario *scn = h_load(text);
	struct dcs_world *w = dcs_world_create(scn, 1);
	struct storage_window st = {w->k, 0, dcs_time_from_s(100), dcs_time_from_s(400)};
	const double conv = 0;
	w->q.site_writable = writable_window;
	w->q.storage_ctx = &st;
	w->q.ip_move_convergence_s = conv_fixed;
	w->q.l3_ctx = (void *)&conv;
	dcs_world_run(w, w->horizon);
	dcs_world_finish(w);
	dcs_validate_published("vSphere HA restart after the primary's datastore is suspended",
			       "Epping: new primary T25s, restarts T35s", 135,
			       first_event(w, "start", "n2"), 0, 1e-9, "s");
	assert_true(h_summary(w->res, "cluster_split_brain_s", "db") == 0);
	/* The stale copy stops when dc1 can write again (the mirror is back at
	 * 400 s: the next resource monitor pass, at 400 s). */
	struct dcs_table *t = h_table(w->res, "cluster.csv");
	int ce = h_col(t, "event"), cn = h_col(t, "node"), ct = h_col(t, "time_s");
	double stop = NAN;
	for (size_t row = 0; row < dcs_table_nrows(t); row++)
		if (strcmp(dcs_table_cell(t, row, (size_t)ce), "stop") == 0 &&
		    strcmp(dcs_table_cell(t, row, (size_t)cn), "n1") == 0)
			stop = strtod(dcs_table_cell(t, row, (size_t)ct), NULL);
	assert_true(fabs(stop - 400) < 1e-9);
	dcs_world_destroy(w);
	dcs_scenario_free(scn);
}

/* ---- reproducibility ---- */

static char *table_text(struct dcs_world *w, const char *file)
{
	struct dcs_table *t = h_table(w->res, file);
	assert_non_null(t);
	size_t cap = 1, len = 0;
	for (size_t r = 0; r < dcs_table_nrows(t); r++)
		for (size_t c = 0; c < dcs_table_ncols(t); c++)
			cap += strlen(dcs_table_cell(t, r, c)) + 1;
	char *s = malloc(cap);
	assert_non_null(s);
	for (size_t r = 0; r < dcs_table_nrows(t); r++)
		for (size_t c = 0; c < dcs_table_ncols(t); c++)
			len += (size_t)sprintf(s + len, "%s%c", dcs_table_cell(t, r, c),
					       c + 1 == dcs_table_ncols(t) ? '\n' : ',');
	s[len] = 0;
	return s;
}

static void test_reproducible(void **state)
{
	(void)state;
	struct harness a = degrade_run("\"loss\": 0.4", 7);
	struct harness b = degrade_run("\"loss\": 0.4", 7);
	char *ta = table_text(a.w, "cluster.csv"), *tb = table_text(b.w, "cluster.csv");
	assert_string_equal(ta, tb);
	assert_true(strlen(ta) > 100);
	free(ta);
	free(tb);
	h_close(&a);
	h_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_presets),
	    cmocka_unit_test(test_rto_per_preset),
	    cmocka_unit_test(test_rto_gratuitous_arp),
	    cmocka_unit_test(test_rto_same_site),
	    cmocka_unit_test(test_site_loss),
	    cmocka_unit_test(test_witness_partitions),
	    cmocka_unit_test(test_no_quorum_split_brain),
	    cmocka_unit_test(test_two_node),
	    cmocka_unit_test(test_degraded_latency),
	    cmocka_unit_test(test_degraded_loss),
	    cmocka_unit_test(test_loss_detection_mean),
	    cmocka_unit_test(test_storage_blocked),
	    cmocka_unit_test(test_vsphere_secondary_crash),
	    cmocka_unit_test(test_vsphere_partition),
	    cmocka_unit_test(test_vsphere_ignored_keys),
	    cmocka_unit_test(test_vsphere_isolation),
	    cmocka_unit_test(test_vsphere_datastore),
	    cmocka_unit_test(test_reproducible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
