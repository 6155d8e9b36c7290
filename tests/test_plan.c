/*
 * Tests of dcisim plans (sim/app/plan.c, sim/io/planfile.c): boundaries with
 * a closed form, written here from the model semantics and the figures they
 * cite, found to within the plan's resolution.
 *
 * - Distance: an active-active FC write with write acceleration at low load
 *   and fixed service costs max(local, RTT + serialisation + remote) with
 *   RTT = 2 x (d x 4.9 us + device latency) (SPEC 4.1, 4.3; dci-facts 2.1);
 *   the largest distance meeting a mean-latency target, and the interval
 *   between a lower and an upper target, bracket the solved distances within
 *   one resolution step; the figures judged equal the formula (1 us).
 * - Bandwidth: vMotion pre-copy of a VM dirtying D converges without stun
 *   exactly when the round rate R (line rate x 1460/1538 on DWDM at MTU 1500,
 *   SPEC 4.1) exceeds D (SPEC 4.4: a round that does not shrink the dirty set
 *   stuns); the smallest line rate found brackets D x 8 x 1538 / 1460.
 * - A figure that exists only where a limit binds (the lift of a TCP window)
 *   is found at the high end when the low end lacks it; the boundary
 *   brackets the line rate at which window / RTT binds (SPEC 4.1).
 * - Integer key: FC credits cap a mirror at credits x 2 KiB / RTT (SPEC 4.3);
 *   the fewest credits for 4 Gbps at 100 km is ceil(4e9 / 8 x RTT / 2048) =
 *   245, found exactly, trying only whole numbers.
 * - Deterministic scenarios (summaries identical under two seeds) run once
 *   per value; stochastic ones run every replication and a value passes on
 *   mean + t sd / sqrt(n) with t(0.95, 4) = 2.131847 (Student's t table),
 *   mean and sd recomputed here from the runs' cells.
 * - Verdicts: everything feasible, nothing feasible, and a target that is
 *   not monotonic: an evacuation's makespan jumps up at 10 Gbps, where
 *   vMotion's default concurrency goes from 4 to 8 (live-migration.md 2.3),
 *   so the first feasible interval ends at 9.9 Gbps.
 * - Every malformed plan in tests/bad/plans/ fails with the expected first
 *   error (line, column, JSON path, message; positions computed by
 *   tests/bad/plans/generate.py), and an entity the runs never report is a
 *   plan error that leaves the cache empty.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TMPDIR_PREFIX "dcisim-test-plan"
#include "tmpdir.h"

#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/world.h"
#include "plan.h"

/* cmocka 1.1.5 has no assert_double_equal. */
#define assert_near(a, b, tol)                                                                     \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (tol)))                                                     \
			fail_msg("%s = %.12g, expected %.12g (+- %g)", #a, a_, b_, (double)(tol)); \
	} while (0)

/* Active-active FC mirror, write acceleration (1 round trip), fixed 0.2 ms
 * service at both arrays, 64 servers and 200 writes/s of 4 KiB: no queueing. */
static const char aa_base[] =
    "{\"dcisim\": 1, \"name\": \"aa\", \"seed\": 1, \"duration_s\": 2,\n"
    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],\n"
    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 50,\n"
    "            \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"device_latency_us\": 10}],\n"
    " \"storage\": {\"mode\": \"active_active\", \"protocol\": \"fc\", \"write_acceleration\": "
    "true,\n"
    "   \"preferred_site\": \"dc1\", \"fc\": {\"speed_gbps\": 16, \"bb_credits\": 2000},\n"
    "   \"arrays\": [{\"site\": \"dc1\", \"write_ms\": 0.2, \"read_ms\": 0.2, \"servers\": 64,\n"
    "                \"service\": \"fixed\"},\n"
    "               {\"site\": \"dc2\", \"write_ms\": 0.2, \"read_ms\": 0.2, \"servers\": 64,\n"
    "                \"service\": \"fixed\"}],\n"
    "   \"workloads\": [{\"site\": \"dc1\", \"iops\": 200, \"read_ratio\": 0, \"block_kib\": "
    "4}]}}\n";

/* The closed form of that write, in ms, at distance d km. */
static double aa_write_ms(double d)
{
	double rtt_ms = 2 * (d * 4.9e-3 + 10e-3);
	/* Serialisation of 4 KiB at the slower of the link's TCP goodput
	 * (10 Gbps x 1460/1538, SPEC 4.1 framing) and the FC data rate (16GFC:
	 * 1700 MB/s, 16 x 106.25 MB/s). */
	double rate = fmin(10e9 / 8 * 1460.0 / 1538.0, 16 * 106.25e6);
	return fmax(0.2, rtt_ms + 4096 / rate * 1e3 + 0.2);
}

/* The distance at which that write takes `ms`. */
static double aa_distance_at(double ms)
{
	double rate = fmin(10e9 / 8 * 1460.0 / 1538.0, 16 * 106.25e6);
	return ((ms - 0.2 - 4096 / rate * 1e3) / 2 - 10e-3) / 4.9e-3;
}

/* s with the first `old` replaced by `new` (malloc'd). */
static char *subst(const char *s, const char *old, const char *new)
{
	const char *at = strstr(s, old);
	assert_non_null(at);
	size_t n = strlen(s) - strlen(old) + strlen(new) + 1;
	char *out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(at - s), s, new, at + strlen(old));
	return out;
}

struct run {
	struct dcs_plan *pl;
	struct dcs_plan_state S;
	int code;
	char dir[256];
};

/* Writes base.json and plan.json into a fresh folder and runs the plan. */
static void run_plan(struct run *r, const char *name, const char *base, const char *plan,
		     unsigned jobs)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "%s/%s", tmpdir, name);
	put(r->dir, "base.json", base);
	put(r->dir, "plan.json", plan);
	char path[300], out[300];
	snprintf(path, sizeof(path), "%s/plan.json", r->dir);
	snprintf(out, sizeof(out), "%s/out", r->dir);
	struct dcs_world_catalog wc;
	int nerr = 0;
	r->pl = dcs_plan_load_file(path, dcs_world_catalog_init(&wc), stderr, &nerr);
	if (!r->pl)
		fail_msg("%s: the plan does not load (%d errors)", name, nerr);
	r->S.pl = r->pl;
	r->S.o = (struct dcs_sweep_opts){
	    .out_dir = strdup(out), .jobs = jobs, .verbosity = -1, .resume = true};
	r->S.run = dcs_plan_run_local;
	r->S.writer = true;
	r->code = dcs_plan_search(&r->S);
}

static void run_close(struct run *r)
{
	free((char *)r->S.o.out_dir);
	dcs_plan_state_free(&r->S);
	dcs_plan_free(r->pl);
}

static const struct dcs_plan_point *edge_in(const struct run *r, size_t e)
{
	return &r->S.pts[r->S.edges[e].in];
}

static const struct dcs_plan_point *edge_out(const struct run *r, size_t e)
{
	return &r->S.pts[r->S.edges[e].out];
}

/* ---- closed forms ------------------------------------------------------------ */

static void test_distance_largest(void **state)
{
	(void)state;
	struct run r;
	run_plan(&r, "distance", aa_base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 300, "
		 "\"resolution\": 0.5},\n"
		 " \"targets\": [{\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
		 "\"max\": 1.0}],\n"
		 " \"replications\": 3}\n",
		 1);
	assert_int_equal(r.code, 0);
	/* Fixed service and no queueing: the target identical under two seeds. */
	assert_true(r.S.rep_probed);
	assert_true(r.S.deterministic);
	assert_int_equal(r.S.reps, 1);
	assert_int_equal(r.S.status, DCS_PLAN_LARGEST);
	assert_int_equal(r.S.n_edges, 1);
	double want = aa_distance_at(1.0); /* 79.24 km */
	const struct dcs_plan_point *in = edge_in(&r, 0), *out = edge_out(&r, 0);
	assert_near(out->x - in->x, 0.5, 1e-9);
	if (!(in->x <= want && want < out->x))
		fail_msg("the boundary [%g, %g] does not hold the closed form %.6g km", in->x,
			 out->x, want);
	assert_near(in->judge[0].mean, aa_write_ms(in->x), 1e-3);
	assert_near(out->judge[0].mean, aa_write_ms(out->x), 1e-3);
	assert_true(in->judge[0].pass && !out->judge[0].pass);
	/* Every value tried lies on the grid 1 + k x 0.5. */
	for (size_t i = 0; i < r.S.n; i++)
		assert_near(fmod(r.S.pts[i].x - 1, 0.5), 0, 1e-9);
	assert_non_null(
	    strstr(r.S.answer, "longest links[0].distance_km meeting all targets: 79 km"));
	assert_non_null(strstr(r.S.answer, "storage_write_mean_ms dc1 \u2264 1 at 79"));
	/* Bisection: far fewer values than the 599 of the grid. */
	assert_true(r.S.n <= 25);
	run_close(&r);
}

static void test_distance_interval(void **state)
{
	(void)state;
	struct run r;
	run_plan(&r, "interval", aa_base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 300, "
		 "\"resolution\": 0.5},\n"
		 " \"targets\": [{\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
		 "\"max\": 1.0},\n"
		 "             {\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
		 "\"min\": 0.5}]}\n",
		 1);
	assert_int_equal(r.code, 0);
	assert_false(r.S.rep_probed);
	assert_int_equal(r.S.status, DCS_PLAN_INTERVAL);
	assert_int_equal(r.S.n_edges, 2);
	double lo = aa_distance_at(0.5), hi = aa_distance_at(1.0); /* 28.2, 79.2 km */
	/* The lower edge: feasible at in, not at out = in - 0.5. */
	if (!(edge_out(&r, 0)->x < lo && lo <= edge_in(&r, 0)->x))
		fail_msg("lower boundary [%g, %g] does not hold %.6g km", edge_out(&r, 0)->x,
			 edge_in(&r, 0)->x, lo);
	if (!(edge_in(&r, 1)->x <= hi && hi < edge_out(&r, 1)->x))
		fail_msg("upper boundary [%g, %g] does not hold %.6g km", edge_in(&r, 1)->x,
			 edge_out(&r, 1)->x, hi);
	/* Each edge is bound by its own target. */
	assert_false(edge_out(&r, 0)->judge[1].pass);
	assert_true(edge_out(&r, 0)->judge[0].pass);
	assert_false(edge_out(&r, 1)->judge[0].pass);
	assert_true(edge_out(&r, 1)->judge[1].pass);
	assert_int_equal(r.S.n_intervals, 1);
	run_close(&r);
}

static void test_precopy_bandwidth(void **state)
{
	(void)state;
	struct run r;
	run_plan(
	    &r, "precopy",
	    "{\"dcisim\": 1, \"name\": \"mig\", \"seed\": 1, \"duration_s\": 4000,\n"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],\n"
	    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 10,\n"
	    "   \"bandwidth_gbps\": 1, \"technology\": \"dwdm\", \"lan_mtu\": 1500}],\n"
	    " \"vms\": [{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 1, \"dirty_mib_s\": "
	    "100}],\n"
	    " \"migrations\": [{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}],\n"
	    " \"migration\": {\"engine\": \"vmotion\"}}\n",
	    "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
	    " \"vary\": {\"path\": \"links[0].bandwidth_gbps\", \"min\": 0.5, \"max\": 2, "
	    "\"resolution\": 0.01},\n"
	    " \"targets\": [{\"metric\": \"migration_outcome\", \"entity\": \"vm\", "
	    "\"equals\": \"converged\"}]}\n",
	    2);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.S.status, DCS_PLAN_SMALLEST);
	/* Converges without stun when the rate beats the dirty rate. */
	double want = 100 * 1048576.0 * 8 * 1538 / 1460 / 1e9; /* 0.8837 Gbps */
	const struct dcs_plan_point *in = edge_in(&r, 0), *out = edge_out(&r, 0);
	if (!(out->x < want && want <= in->x))
		fail_msg("the boundary [%g, %g] does not hold the closed form %.6g Gbps", out->x,
			 in->x, want);
	assert_near(in->x - out->x, 0.01, 1e-9);
	assert_string_equal(in->judge[0].text, "converged");
	assert_string_equal(out->judge[0].text, "stunned");
	assert_non_null(strstr(r.S.answer,
			       "smallest links[0].bandwidth_gbps meeting all targets: "
			       "0.89 Gbps (binding: migration_outcome vm = converged at "
			       "0.89, stunned at 0.88)"));
	run_close(&r);
}

static void test_fc_credits_integer(void **state)
{
	(void)state;
	/* 100 km, 8 KiB writes (2 KiB frames). */
	char *b1 = subst(aa_base, "\"distance_km\": 50", "\"distance_km\": 100");
	char *base = subst(b1, "\"block_kib\": 4", "\"block_kib\": 8");
	free(b1);
	struct run r;
	run_plan(&r, "credits", base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"storage.fc.bb_credits\", \"min\": 1, \"max\": 1000},\n"
		 " \"targets\": [{\"metric\": \"storage_fc_credit_cap_gbps\", \"entity\": "
		 "\"dc1->dc2\", \"min\": 4}]}\n",
		 1);
	assert_int_equal(r.code, 0);
	assert_true(r.pl->integer);
	assert_near(r.pl->resolution, 1, 0);
	assert_int_equal(r.S.status, DCS_PLAN_SMALLEST);
	double rtt_s = 2 * (100 * 4.9e-6 + 10e-6);
	double want = ceil(4e9 / 8 * rtt_s / 2048 - 1e-9); /* 245 */
	assert_near(want, 245, 0);
	assert_near(edge_in(&r, 0)->x, want, 0);
	assert_near(edge_out(&r, 0)->x, want - 1, 0);
	assert_near(edge_in(&r, 0)->judge[0].mean, want * 2048 / rtt_s * 8 / 1e9, 1e-9);
	for (size_t i = 0; i < r.S.n; i++)
		assert_near(r.S.pts[i].x, round(r.S.pts[i].x), 0);
	run_close(&r);
	free(base);
}

/* A figure reported only where a limit binds: lift_window_kib exists when
 * the TCP window holds the flow, above the line rate at which the window
 * cap streams x window / RTT (SPEC 4.1) falls below the link's goodput.  The
 * probe at the low end lacks it, the one at the high end has it; the
 * boundary brackets W / RTT x 8 x 1538 / 1460. */
static void test_metric_only_at_one_end(void **state)
{
	(void)state;
	struct run r;
	run_plan(
	    &r, "window",
	    "{\"dcisim\": 1, \"name\": \"win\", \"seed\": 1, \"duration_s\": 4000,\n"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],\n"
	    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": "
	    "2000,\n   \"bandwidth_gbps\": 1, \"technology\": \"dwdm\", \"lan_mtu\": 1500}],\n"
	    " \"vms\": [{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 1}],\n"
	    " \"migrations\": [{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}],\n"
	    " \"migration\": {\"engine\": \"qemu\", \"rate_cap_mib_s\": 100000, "
	    "\"tcp_window_kib\": 1024}}\n",
	    "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
	    " \"vary\": {\"path\": \"links[0].bandwidth_gbps\", \"min\": 0.1, \"max\": 2, "
	    "\"resolution\": 0.001},\n"
	    " \"targets\": [{\"metric\": \"lift_window_kib\", \"entity\": \"vm\", \"min\": 0}]}\n",
	    2);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.S.pts[0].phase, "probe");
	assert_string_equal(r.S.pts[r.S.n - 1].phase, "probe");
	assert_int_equal(r.S.status, DCS_PLAN_SMALLEST);
	double want = 1024 * 1024 / (2 * 2000 * 4.9e-6) * 8 / 1e9 * 1538 / 1460; /* 0.4509 */
	if (!(edge_out(&r, 0)->x < want && want <= edge_in(&r, 0)->x))
		fail_msg("the boundary [%g, %g] does not hold the closed form %.6g Gbps",
			 edge_out(&r, 0)->x, edge_in(&r, 0)->x, want);
	assert_int_equal(edge_out(&r, 0)->judge[0].n, 0); /* missing below: it fails */
	assert_non_null(strstr(r.S.answer, "missing at 0.45)"));
	run_close(&r);
}

/* ---- replications ------------------------------------------------------------ */

/* Mean and sample sd of the target's cells in a point's runs, by hand. */
static void cells_stats(const struct dcs_plan_point *p, const char *col, double *mean, double *sd)
{
	double x[64], s = 0;
	int n = 0;
	for (int rr = 0; rr < p->nrep; rr++)
		for (size_t k = 0; k < p->runs[rr].n; k++)
			if (strcmp(p->runs[rr].names[k], col) == 0)
				x[n++] = strtod(p->runs[rr].values[k], NULL);
	for (int i = 0; i < n; i++)
		s += x[i];
	*mean = s / n;
	double ss = 0;
	for (int i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = sqrt(ss / (n - 1));
	assert_int_equal(n, p->nrep);
}

static void test_stochastic_bound(void **state)
{
	(void)state;
	struct run r;
	/* Exponential service: latency differs from seed to seed. */
	run_plan(
	    &r, "stochastic",
	    "{\"dcisim\": 1, \"name\": \"st\", \"seed\": 1, \"duration_s\": 3,\n"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],\n"
	    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 50,\n"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}],\n"
	    " \"storage\": {\"mode\": \"active_active\", \"protocol\": \"fc\",\n"
	    "   \"preferred_site\": \"dc1\", \"fc\": {\"speed_gbps\": 16, \"bb_credits\": 2000},\n"
	    "   \"arrays\": [{\"site\": \"dc1\", \"write_ms\": 0.5, \"servers\": 2},\n"
	    "                {\"site\": \"dc2\", \"write_ms\": 0.5, \"servers\": 2}],\n"
	    "   \"workloads\": [{\"site\": \"dc1\", \"iops\": 1000, \"read_ratio\": 0}]}}\n",
	    "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
	    " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 10, \"max\": 210, "
	    "\"resolution\": 100},\n"
	    " \"targets\": [{\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
	    "\"max\": 2.5}],\n"
	    " \"replications\": 5, \"confidence\": 0.95}\n",
	    2);
	assert_true(r.code == 0);
	assert_true(r.S.rep_probed);
	assert_false(r.S.deterministic);
	assert_int_equal(r.S.reps, 5);
	assert_int_equal(r.S.n, 3);
	for (size_t i = 0; i < r.S.n; i++) {
		const struct dcs_plan_point *p = &r.S.pts[i];
		const struct dcs_plan_judge *J = &p->judge[0];
		double mean, sd;
		cells_stats(p, "storage_write_mean_ms[dc1]", &mean, &sd);
		assert_int_equal(p->nrep, 5);
		assert_near(J->mean, mean, 1e-9 * mean);
		assert_near(J->sd, sd, 1e-9 * mean);
		assert_true(sd > 0);
		double bound = mean + 2.131847 * sd / sqrt(5);
		assert_near(J->bound, bound, 1e-6 * mean);
		assert_true(J->pass == (bound <= 2.5));
	}
	run_close(&r);
}

/* ---- verdicts ---------------------------------------------------------------- */

static void test_all_and_none(void **state)
{
	(void)state;
	struct run r;
	run_plan(&r, "all", aa_base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 100, "
		 "\"resolution\": 1},\n"
		 " \"targets\": [{\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
		 "\"max\": 100}]}\n",
		 1);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.S.status, DCS_PLAN_ALL);
	assert_int_equal(r.S.n, 11); /* the scan, nothing to bisect */
	assert_non_null(strstr(r.S.answer, "every links[0].distance_km from 1 to 100 km meets"));
	run_close(&r);

	run_plan(&r, "none", aa_base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 100, "
		 "\"resolution\": 1},\n"
		 " \"targets\": [{\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
		 "\"max\": 0.1}]}\n",
		 1);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.S.status, DCS_PLAN_NONE);
	assert_int_equal(r.S.n_intervals, 0);
	assert_non_null(strstr(r.S.answer, "no feasible value in range"));
	/* The nearest miss is named: the shortest distance. */
	char best[64];
	snprintf(best, sizeof(best), "best %.3f at 1", aa_write_ms(1));
	assert_non_null(strstr(r.S.answer, best));
	run_close(&r);
}

static void test_not_monotonic(void **state)
{
	(void)state;
	/* Eight 2 GiB VMs dirtying 100 MiB/s, evacuated over DWDM. */
	char base[4096];
	size_t n = (size_t)snprintf(
	    base, sizeof(base),
	    "{\"dcisim\": 1, \"name\": \"ev8\", \"seed\": 1, \"duration_s\": 600,\n"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],\n"
	    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", "
	    "\"distance_km\": 20, \"bandwidth_gbps\": 10, \"technology\": "
	    "\"dwdm\"}],\n \"vms\": [");
	for (int i = 0; i < 8; i++)
		n += (size_t)snprintf(base + n, sizeof(base) - n,
				      "%s{\"id\": \"v%d\", \"site\": \"dc1\", \"memory_gib\": 2, "
				      "\"dirty_mib_s\": 100, \"wws_gib\": 1}",
				      i ? ", " : "", i);
	snprintf(base + n, sizeof(base) - n,
		 "],\n \"migrations\": [{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 0}],\n"
		 " \"migration\": {\"engine\": \"vmotion\"}}\n");
	struct run r;
	run_plan(&r, "nonmono", base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].bandwidth_gbps\", \"min\": 8, \"max\": 16, "
		 "\"resolution\": 0.1},\n"
		 " \"targets\": [{\"metric\": \"plan_makespan_s\", \"entity\": \"migrations[0]\", "
		 "\"max\": 30}]}\n",
		 2);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.S.status, DCS_PLAN_NOT_MONOTONIC);
	assert_true(r.S.switches[0] >= 2);
	assert_int_equal(r.S.n_edges, 0);
	assert_int_equal(r.S.n_intervals, 2);
	/* Four migrations at a time below 10 Gbps, eight from 10 Gbps. */
	assert_near(r.S.pts[r.S.intervals[0].out].x, 9.9, 1e-9);
	size_t after = r.S.intervals[0].out + 1;
	assert_near(r.S.pts[after].x, 10, 1e-9);
	assert_false(r.S.pts[after].feasible);
	assert_near(r.S.pts[r.S.intervals[1].out].x, 16, 1e-9);
	assert_non_null(strstr(r.S.answer, "not monotonic"));
	assert_non_null(strstr(r.S.answer, "feasible intervals: "));
	run_close(&r);
}

/* ---- the grid ------------------------------------------------------------------ */

static void test_grid_values(void **state)
{
	(void)state;
	struct run r;
	memset(&r, 0, sizeof(r));
	snprintf(r.dir, sizeof(r.dir), "%s/grid", tmpdir);
	put(r.dir, "base.json", aa_base);
	put(r.dir, "plan.json",
	    "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
	    " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 2.05, "
	    "\"resolution\": 0.1},\n"
	    " \"targets\": [{\"metric\": \"storage_write_mean_ms\", \"entity\": \"dc1\", "
	    "\"max\": 1}]}\n");
	char path[300];
	snprintf(path, sizeof(path), "%s/plan.json", r.dir);
	struct dcs_world_catalog wc;
	int nerr = 0;
	struct dcs_plan *pl = dcs_plan_load_file(path, dcs_world_catalog_init(&wc), stderr, &nerr);
	assert_non_null(pl);
	/* 1, 1.1, ..., 2.0, then the end of the range. */
	assert_int_equal(pl->steps, 11);
	assert_true(dcs_plan_value(pl, 3) == strtod("1.3", NULL));
	assert_true(dcs_plan_value(pl, 10) == 2.0);
	assert_true(dcs_plan_value(pl, 11) == 2.05);
	char t[40];
	dcs_plan_value_text(pl, 7, t, sizeof(t));
	assert_string_equal(t, "1.7");
	dcs_plan_free(pl);
}

/* ---- bad plans ------------------------------------------------------------------ */

static char *load_capture(const char *path, struct dcs_plan **pl)
{
	char *errs = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&errs, &len);
	assert_non_null(err);
	struct dcs_world_catalog wc;
	int nerr = 0;
	*pl = dcs_plan_load_file(path, dcs_world_catalog_init(&wc), err, &nerr);
	fclose(err);
	if (!*pl)
		assert_true(nerr >= 1);
	return errs;
}

static void test_bad_plans(void **state)
{
	(void)state;
	char msg[256];
	struct dcs_csv *e = dcs_csv_read_file("tests/bad/plans/expect.csv", NULL, msg, sizeof(msg));
	if (!e)
		fail_msg("cannot read tests/bad/plans/expect.csv (run from the source tree): %s",
			 msg);
	long cf = dcs_csv_col(e, "file"), cl = dcs_csv_col(e, "line"), cc = dcs_csv_col(e, "col"),
	     cp = dcs_csv_col(e, "path"), cg = dcs_csv_col(e, "fragment");
	assert_true(cf >= 0 && cl >= 0 && cc >= 0 && cp >= 0 && cg >= 0);
	assert_true(e->nrows >= 25);
	for (size_t i = 0; i < e->nrows; i++) {
		char path[512], prefix[600], where[600];
		snprintf(path, sizeof(path), "tests/bad/plans/%s", dcs_csv_cell(e, i, (size_t)cf));
		struct dcs_plan *pl = NULL;
		char *errs = load_capture(path, &pl);
		if (pl)
			fail_msg("%s loaded, but it is invalid on purpose", path);
		/* Every line has the FILE:LINE:COL: error: form. */
		for (char *l = errs; *l;) {
			char *nl = strchr(l, '\n');
			assert_non_null(nl);
			int ln = 0, cn = 0;
			size_t plen = strlen(path);
			if (strncmp(l, path, plen) != 0 ||
			    (sscanf(l + plen, ":%d:%d: error: ", &ln, &cn) != 2 &&
			     strncmp(l + plen, ": error: ", 9) != 0))
				fail_msg("%s: a line without the FILE:LINE:COL: error: form: %.*s",
					 path, (int)(nl - l), l);
			l = nl + 1;
		}
		snprintf(prefix, sizeof(prefix), "%s:%s:%s: error: ", path,
			 dcs_csv_cell(e, i, (size_t)cl), dcs_csv_cell(e, i, (size_t)cc));
		snprintf(where, sizeof(where), ": %s: ", dcs_csv_cell(e, i, (size_t)cp));
		char *first_end = strchr(errs, '\n');
		assert_non_null(first_end);
		*first_end = '\0';
		if (strncmp(errs, prefix, strlen(prefix)) != 0)
			fail_msg("%s: first error at the wrong place:\n  got  %s\n  want %s...",
				 path, errs, prefix);
		if (!strstr(errs, where))
			fail_msg("%s: first error does not name %s: %s", path,
				 dcs_csv_cell(e, i, (size_t)cp), errs);
		if (!strstr(errs, dcs_csv_cell(e, i, (size_t)cg)))
			fail_msg("%s: first error lacks \"%s\": %s", path,
				 dcs_csv_cell(e, i, (size_t)cg), errs);
		free(errs);
	}
	/* Every file has its row. */
	DIR *d = opendir("tests/bad/plans");
	assert_non_null(d);
	size_t files = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		files++;
		bool found = false;
		for (size_t i = 0; i < e->nrows; i++)
			found |= strcmp(dcs_csv_cell(e, i, (size_t)cf), de->d_name) == 0;
		if (!found)
			fail_msg("tests/bad/plans/%s has no row in expect.csv", de->d_name);
	}
	closedir(d);
	assert_int_equal(files, e->nrows);
	dcs_csv_free(e);
}

/* An entity only a run can check ("dc1->dc9" holds the id dc1): the probe
 * finds it missing, a plan error, and the cache stays empty. */
static void test_entity_missing_at_run(void **state)
{
	(void)state;
	struct run r;
	run_plan(&r, "entity", aa_base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 100, "
		 "\"resolution\": 1},\n"
		 " \"targets\": [{\"metric\": \"storage_fc_credit_cap_gbps\", \"entity\": "
		 "\"dc1->dc9\", \"min\": 1}]}\n",
		 1);
	assert_int_equal(r.code, 2);
	char cache[400];
	snprintf(cache, sizeof(cache), "%s/out/cache", r.dir);
	DIR *d = opendir(cache);
	size_t records = 0;
	for (struct dirent *de; d && (de = readdir(d));)
		records += strstr(de->d_name, ".run") != NULL;
	if (d)
		closedir(d);
	assert_int_equal(records, 0);
	run_close(&r);
}

/* Every bundled plan loads. */
static void test_bundled_plans_load(void **state)
{
	(void)state;
	DIR *d = opendir("scenarios/plans");
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		char path[600];
		snprintf(path, sizeof(path), "scenarios/plans/%s", de->d_name);
		struct dcs_plan *pl = NULL;
		char *errs = load_capture(path, &pl);
		if (!pl)
			fail_msg("bundled plan %s does not load:\n%s", path, errs);
		assert_string_equal(errs, "");
		free(errs);
		dcs_plan_free(pl);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

/* Replications of a scenario in which nothing draws random numbers (one
 * idle VM's migration over a lossless link: dcs_scenario_randomness says
 * so, the rule sweeps warn by): deterministic as declared, no two-seed
 * probe, each value runs once. */
static void test_replications_declared_deterministic(void **state)
{
	(void)state;
	static const char base[] =
	    "{\"dcisim\": 1, \"name\": \"mig\", \"seed\": 1, \"duration_s\": 200,\n"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],\n"
	    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 50,\n"
	    "            \"bandwidth_gbps\": 1}],\n"
	    " \"vms\": [{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4}],\n"
	    " \"migrations\": [{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 1}]}\n";
	struct run r;
	run_plan(&r, "declared", base,
		 "{\"dcisim_plan\": 1, \"base\": \"base.json\",\n"
		 " \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 10, \"max\": 100, "
		 "\"resolution\": 10},\n"
		 " \"targets\": [{\"metric\": \"migration_total_s\", \"entity\": \"vm\", "
		 "\"max\": 100}],\n"
		 " \"replications\": 5}\n",
		 1);
	assert_int_equal(r.code, 0);
	assert_true(r.S.rep_declared);
	assert_true(r.S.deterministic);
	assert_false(r.S.rep_probed);
	assert_int_equal(r.S.reps, 1);
	/* One run per value evaluated, no probe's second seed. */
	assert_int_equal(r.S.computed + r.S.reused, r.S.n);
	for (size_t i = 0; i < r.S.n; i++)
		assert_int_equal(r.S.pts[i].nrep, 1);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance_largest),
	    cmocka_unit_test(test_distance_interval),
	    cmocka_unit_test(test_precopy_bandwidth),
	    cmocka_unit_test(test_fc_credits_integer),
	    cmocka_unit_test(test_stochastic_bound),
	    cmocka_unit_test(test_replications_declared_deterministic),
	    cmocka_unit_test(test_all_and_none),
	    cmocka_unit_test(test_not_monotonic),
	    cmocka_unit_test(test_grid_values),
	    cmocka_unit_test(test_bad_plans),
	    cmocka_unit_test(test_entity_missing_at_run),
	    cmocka_unit_test(test_bundled_plans_load),
	    cmocka_unit_test(test_metric_only_at_one_end),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
