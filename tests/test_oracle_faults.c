/*
 * Independent oracles for the cluster and fault models (models/cluster.c,
 * models/faults.c).
 *
 * Witness quorum with an odd (and an even) number of nodes.  The expected
 * partition that runs the service comes from a small reference
 * implementation of corosync votequorum with a quorum device written here
 * from the documents, not from the model:
 * - votequorum(5): every node has one vote, the device one more (the
 *   ffsplit model needs quorum.device.votes 1); expected votes n + 1, and a
 *   partition is quorate with at least (n + 1) / 2 + 1 votes (integer
 *   division, votequorum's quorum = expected_votes / 2 + 1).
 * - corosync-qnetd ffsplit ("Qnetd: ffsplit: Enhance ffsplit", corosync
 *   commit e1100809): the device votes for the best partition with at least
 *   50 % of the nodes that reaches it: the largest; on a tie the partition
 *   that held the vote (keep active partition), else the lowest node id.
 * - The failover time of the partition that takes over: detection (corosync
 *   token = 3000 ms + 650 ms per node above two) + consensus (1.2 x token)
 *   + fence_s + start_s (dci-facts.md §5.1, §5.3), with the floating IP's
 *   convergence set to 0 by the test.
 *
 * Random link failures: the up and repair times a run draws (from its
 * events.csv: each "fault" and "recovery" row of the link) against their
 * declared exponential distributions by a one-sample Kolmogorov-Smirnov test
 * at level 0.001 (tests/stats.h); a fixed repair time is rejected (checked
 * here on a constant sample, and by scripts/mutation-check on the model).
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

#include "dcisim/loader.h"
#include "dcisim/world.h"
#include "harness.h"
#include "stats.h"
#include "validation.h"

static const char *txt(struct dcs_table *t, size_t row, const char *col)
{
	return dcs_table_cell(t, row, h_col(t, col));
}

/* ---- the reference: votequorum with an ffsplit device ---- */

#define MAXN 8

struct ref_quorum {
	int holder;         /* partition holding the device's vote, or -1 */
	bool quorate[MAXN]; /* per partition */
};

/* n nodes in partitions part[i] (0..np-1, the nodes' order is their ids);
 * reach[p]: partition p reaches the witness; prev: partition that held the
 * vote before (-1: none). */
static struct ref_quorum ref_ffsplit(int n, const int *part, int np, const bool *reach, int prev)
{
	struct ref_quorum q = {.holder = -1};
	int size[MAXN] = {0}, lowest[MAXN];
	for (int p = 0; p < np; p++)
		lowest[p] = n;
	for (int i = 0; i < n; i++) {
		size[part[i]]++;
		if (i < lowest[part[i]])
			lowest[part[i]] = i;
	}
	for (int p = 0; p < np; p++) {
		if (!reach[p] || 2 * size[p] < n)
			continue;
		int h = q.holder;
		if (h < 0 || size[p] > size[h] ||
		    (size[p] == size[h] && (p == prev || (h != prev && lowest[p] < lowest[h]))))
			q.holder = p;
	}
	int quorum = (n + 1) / 2 + 1;
	for (int p = 0; p < np; p++)
		q.quorate[p] = size[p] + (p == q.holder) >= quorum;
	return q;
}

static void test_reference_quorum(void **state)
{
	(void)state;
	/* votequorum(5)'s own examples of the arithmetic: 3 nodes + device,
	 * quorum 3; a 2-2 split of 4 nodes goes to the side holding the vote. */
	int p3[] = {0, 1, 1};
	bool both[] = {true, true};
	struct ref_quorum q = ref_ffsplit(3, p3, 2, both, 0);
	assert_int_equal(q.holder, 1);
	assert_false(q.quorate[0]);
	assert_true(q.quorate[1]);
	int p4[] = {0, 0, 1, 1};
	q = ref_ffsplit(4, p4, 2, both, 1);
	assert_int_equal(q.holder, 1);
	assert_true(q.quorate[1] && !q.quorate[0]);
	q = ref_ffsplit(4, p4, 2, both, -1);
	assert_int_equal(q.holder, 0);
}

/* ---- the model against it ---- */

static double conv_zero(void *ctx, int from, int to)
{
	(void)ctx, (void)from, (void)to;
	return 0;
}

struct qcase {
	const char *name;
	int n;
	const char *node_sites; /* one letter per node: a or b */
	bool b_reaches_witness; /* the link b-w stays up */
};

/* Sites a and b joined by a 20 km DCI, each 100 km from the witness site w.
 * The DCI is cut at 10 s (and b-w too when the case says so): a and b still
 * reach each other through w, but the cluster's heartbeats do not transit
 * the witness site, so the nodes split by site. */
static void quorum_case(const struct qcase *c)
{
	char nodes[512] = "", faults[256];
	for (int i = 0; i < c->n; i++) {
		char one[80];
		snprintf(one, sizeof(one), "%s{\"id\": \"n%d\", \"site\": \"%c\"}", i ? ", " : "",
			 i + 1, c->node_sites[i]);
		strcat(nodes, one);
	}
	snprintf(
	    faults, sizeof(faults), "{\"at_s\": 10, \"kind\": \"link_down\", \"link\": \"ab\"}%s",
	    c->b_reaches_witness ? ""
				 : ", {\"at_s\": 10, \"kind\": \"link_down\", \"link\": \"bw\"}");
	char json[2048];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"q\", \"seed\": 1, \"duration_s\": 200,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"w\"}],"
		 " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 20,"
		 "   \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"},"
		 "  {\"id\": \"aw\", \"a\": \"a\", \"b\": \"w\", \"distance_km\": 100,"
		 "   \"bandwidth_gbps\": 1, \"technology\": \"l3\"},"
		 "  {\"id\": \"bw\", \"a\": \"b\", \"b\": \"w\", \"distance_km\": 100,"
		 "   \"bandwidth_gbps\": 1, \"technology\": \"l3\"}],"
		 " \"clusters\": [{\"id\": \"c\", \"nodes\": [%s], \"service_on\": \"n1\","
		 "   \"preset\": \"corosync\", \"quorum\": \"witness\", \"witness_site\": \"w\","
		 "   \"fence_s\": 10, \"start_s\": 20}],"
		 " \"faults\": [%s]}",
		 nodes, faults);
	struct harness h = h_open(json, H_SCENARIO_SEED);
	h.w->verbosity = -1;
	h.w->q.ip_move_convergence_s = conv_zero;
	h_finish(&h);

	/* The reference's verdict: partition 0 = the nodes at a, 1 = at b;
	 * before the cut the whole cluster (holding node n1) had the vote. */
	int part[MAXN] = {0};
	for (int i = 0; i < c->n; i++)
		part[i] = c->node_sites[i] == 'b';
	bool reach[2] = {true, c->b_reaches_witness};
	int prev = part[0];
	struct ref_quorum q = ref_ffsplit(c->n, part, 2, reach, prev);

	/* Where the service runs at the end, and which partition the model said
	 * held the vote, from cluster.csv. */
	struct dcs_table *t = h_table(h.w->res, "cluster.csv");
	assert_non_null(t);
	int runner = 0; /* n1 runs it from the start */
	double up_at = NAN;
	char wrong_vote[256] = ""; /* the first quorum row that disagrees */
	for (size_t r = 0; r < dcs_table_nrows(t); r++) {
		const char *ev = txt(t, r, "event"), *node = txt(t, r, "node");
		double tm = strtod(txt(t, r, "time_s"), NULL);
		if (strcmp(ev, "stop") == 0 && node[0] == 'n' && atoi(node + 1) - 1 == runner)
			runner = -1;
		if (strcmp(ev, "up") == 0 && tm > 0) {
			runner = atoi(node + 1) - 1;
			up_at = tm;
		}
		if (strncmp(ev, "quorum_", 7) == 0) {
			int i = atoi(node + 1) - 1;
			bool holds = strstr(txt(t, r, "detail"), "+ witness vote") != NULL;
			if (holds != (part[i] == q.holder) && !wrong_vote[0])
				snprintf(
				    wrong_vote, sizeof(wrong_vote),
				    "%s: %s says %s, the reference gives the vote to the %s side",
				    c->name, node, txt(t, r, "detail"),
				    q.holder < 0 ? "no"
				    : q.holder   ? "b"
						 : "a");
		}
	}
	char name[160];
	int want = -1;
	if (q.quorate[part[0]])
		want = 0; /* n1 keeps it */
	else
		for (int i = 0; i < c->n && want < 0; i++)
			if (q.quorate[part[i]])
				want = i; /* the lowest node of the quorate side */
	snprintf(name, sizeof(name), "%s: node running the service (0 = none)", c->name);
	dcs_validate(name, "votequorum(5) + corosync-qnetd ffsplit (reference in the test)",
		     want + 1, runner + 1, 0, 0, "node");
	if (want > 0) {
		double token = 3.0 + 0.65 * (c->n - 2);
		double rto = token + 1.2 * token + 10 + 20;
		snprintf(name, sizeof(name), "%s: service back at", c->name);
		dcs_validate(name, "dci-facts.md §5.1, §5.3: token + consensus + fence + start",
			     10 + rto, up_at, 0, 1e-6, "s");
	}
	if (wrong_vote[0])
		fail_msg("%s", wrong_vote);
	h_close(&h);
}

static void test_witness_three_nodes(void **state)
{
	(void)state;
	/* 1 | 2: the majority side takes the vote from the minority that held it. */
	const struct qcase c = {"witness, 3 nodes, a | b b", 3, "abb", true};
	quorum_case(&c);
}

static void test_witness_three_nodes_majority_cut_off(void **state)
{
	(void)state;
	/* The majority side cannot reach the witness: 2 of 4 votes each, nobody. */
	const struct qcase c = {"witness, 3 nodes, a | b b, b cut from the witness", 3, "abb",
				false};
	quorum_case(&c);
}

static void test_witness_five_nodes(void **state)
{
	(void)state;
	const struct qcase c = {"witness, 5 nodes, a a | b b b", 5, "aabbb", true};
	quorum_case(&c);
	const struct qcase d = {"witness, 5 nodes, a a | b b b, b cut from the witness", 5, "aabbb",
				false};
	quorum_case(&d);
}

static void test_witness_four_nodes_tie(void **state)
{
	(void)state;
	/* 2 | 2: the partition that held the vote keeps it; the service stays. */
	const struct qcase c = {"witness, 4 nodes, a a | b b", 4, "aabb", true};
	quorum_case(&c);
	const struct qcase d = {"witness, 4 nodes, a b | b b", 4, "abbb", true};
	quorum_case(&d);
}

/* ---- random failures and repairs ---- */

static void test_ks_self_check(void **state)
{
	(void)state;
	/* The test rejects a fixed repair time and accepts exponential ones. */
	enum { N = 500 };
	double x[N], mean = 5;
	for (int i = 0; i < N; i++)
		x[i] = mean;
	double d = st_ks_d(x, N, st_exp_cdf, &mean);
	assert_true(fabs(d - (1 - exp(-1))) < 1e-9);
	assert_true(d > st_ks_critical(N, 0.001));
	/* Exact exponential quantiles at (i + 0.5) / N: D = 0.5 / N. */
	for (int i = 0; i < N; i++)
		x[i] = -mean * log(1 - (i + 0.5) / N);
	d = st_ks_d(x, N, st_exp_cdf, &mean);
	assert_true(fabs(d - 0.5 / N) < 1e-9);
	assert_true(d < st_ks_critical(N, 0.001));
	/* Critical values against the tables: lambda 1.3581 at 5 %, 1.9495 at 0.1 %. */
	assert_true(fabs(st_ks_critical(1000000, 0.05) * 1000 - 1.3581) < 2e-3);
	assert_true(fabs(st_ks_critical(1000000, 0.001) * 1000 - 1.9495) < 2e-3);
}

static void test_random_failures_distribution(void **state)
{
	(void)state;
	const double mtbf = 50, mttr = 5;
	const char *json =
	    "{\"dcisim\": 1, \"name\": \"r\", \"duration_s\": 60000, \"seed\": 7,"
	    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
	    " \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"mtbf_s\": 50, \"mttr_s\": 5}],"
	    " \"output\": {\"sample_s\": 60000}}";
	struct harness h = h_open(json, H_SCENARIO_SEED);
	h.w->verbosity = -1;
	h_finish(&h);
	struct dcs_table *t = h_table(h.w->res, "events.csv");
	assert_non_null(t);
	size_t cap = dcs_table_nrows(t) + 1, nu = 0, nd = 0;
	double *up = calloc(cap, sizeof(double)), *down = calloc(cap, sizeof(double));
	assert_true(up && down);
	double last_repair = 0, last_fail = NAN;
	for (size_t r = 0; r < dcs_table_nrows(t); r++) {
		if (strcmp(txt(t, r, "entity"), "l") != 0)
			continue;
		const char *kind = txt(t, r, "kind"), *detail = txt(t, r, "detail");
		double tm = strtod(txt(t, r, "time_s"), NULL);
		if (strcmp(kind, "fault") == 0 && strstr(detail, "random failure")) {
			up[nu++] = tm - last_repair;
			last_fail = tm;
		} else if (strcmp(kind, "recovery") == 0 && strstr(detail, "random failure")) {
			down[nd++] = tm - last_fail;
			last_repair = tm;
		}
	}
	/* About 60000 / 55 cycles. */
	assert_true(nu > 900 && nd > 900);
	double du = st_ks_d(up, nu, st_exp_cdf, &mtbf);
	double dd = st_ks_d(down, nd, st_exp_cdf, &mttr);
	dcs_validate("KS distance of times to failure from exponential(MTBF 50 s)",
		     "faults.c contract: up times exponential, mean mtbf_s (KS, alpha 0.001)", 0,
		     du, 0, st_ks_critical(nu, 0.001), "D");
	dcs_validate("KS distance of repair times from exponential(MTTR 5 s)",
		     "faults.c contract: repair times exponential, mean mttr_s (KS, alpha 0.001)",
		     0, dd, 0, st_ks_critical(nd, 0.001), "D");
	/* The means too, within 4 standard errors (sd of an exponential = mean). */
	dcs_validate("mean repair time", "exponential: standard error mttr / sqrt(n)", mttr,
		     gsl_stats_mean(down, 1, nd), 0, 4 * mttr / sqrt((double)nd), "s");
	free(up);
	free(down);
	h_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reference_quorum),
	    cmocka_unit_test(test_witness_three_nodes),
	    cmocka_unit_test(test_witness_three_nodes_majority_cut_off),
	    cmocka_unit_test(test_witness_five_nodes),
	    cmocka_unit_test(test_witness_four_nodes_tie),
	    cmocka_unit_test(test_ks_self_check),
	    cmocka_unit_test(test_random_failures_distribution),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
