/*
 * Validation of the live-migration model (models/migration.c) against the
 * closed forms and rules of reference/live-migration.md, by running whole
 * worlds and reading migrations.csv, rounds.csv and events.csv.
 *
 * Tolerances, stated per case:
 * - rates: 1e-9 relative (the network computes them in closed form);
 * - times: the kernel rounds each flow completion up to the next ns, so a
 *   few ns per round, plus, where dirty pages are involved, the time of one
 *   page per round (each round's dirty set is rounded up to whole pages);
 * - bytes: one page per round;
 * - reference tables: the rounding of their printed digits.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "dcisim/world.h"
#include "harness.h"
#include "validation.h"

#define GIB  1073741824.0
#define MIB  1048576.0
#define PAGE 4096.0

/* A table that must be there. */
static struct dcs_table *table(struct harness *r, const char *file)
{
	struct dcs_table *t = h_table(r->w->res, file);
	if (!t)
		fail_msg("no table %s", file);
	return t;
}

/* Runs to t_s and returns the loaded RTT between the two sites then: base
 * plus the mean queues (a bulk migration keeps a standing queue on the link
 * it saturates; net.h).  The migration's last round trip pays it, so the
 * closed forms below add this RTT, not the bare propagation. */
static double loaded_rtt_at(struct harness *r, double t_s)
{
	dcs_world_run(r->w, dcs_time_from_s(t_s));
	return dcs_time_to_s(dcs_net_rtt(r->w->net, 0, 1));
}

static const char *cell(struct dcs_table *t, size_t row, const char *name)
{
	assert_true(row < dcs_table_nrows(t));
	return dcs_table_cell(t, row, h_col(t, name));
}

static double num(struct dcs_table *t, size_t row, const char *name)
{
	return strtod(cell(t, row, name), NULL);
}

/* The migrations.csv row of a VM (its first migration). */
static size_t mig_row(struct harness *r, const char *vm)
{
	struct dcs_table *t = table(r, "migrations.csv");
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (strcmp(cell(t, i, "vm"), vm) == 0)
			return i;
	fail_msg("no migration of %s", vm);
	return 0;
}

static int vm_index(struct harness *r, const char *vm)
{
	for (size_t i = 0; i < r->scn->n_vms; i++)
		if (strcmp(r->scn->vms[i].id, vm) == 0)
			return (int)i;
	fail_msg("no VM %s", vm);
	return -1;
}

static bool warned(struct harness *r, const char *needle)
{
	for (size_t i = 0; i < dcs_results_n_warnings(r->w->res); i++)
		if (strstr(dcs_results_warning(r->w->res, i), needle))
			return true;
	return false;
}

static size_t count_events(struct harness *r, const char *kind, const char *entity)
{
	struct dcs_table *t = table(r, "events.csv");
	size_t n = 0;
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (strcmp(cell(t, i, "kind"), kind) == 0 &&
		    (!entity || strcmp(cell(t, i, "entity"), entity) == 0))
			n++;
	return n;
}

/* Two sites joined by one link; %s slots: link extras, vms, migrations,
 * migration policy. */
static char *scenario(const char *link_extra, const char *vms, const char *migs, const char *policy,
		      double duration_s)
{
	static const char fmt[] =
	    "{\"dcisim\": 1, \"name\": \"t\", \"seed\": 1, \"duration_s\": %.17g,"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],"
	    " \"links\": [{\"id\": \"dci\", \"a\": \"dc1\", \"b\": \"dc2\", %s}],"
	    " \"vms\": [%s], \"migrations\": [%s], \"migration\": {%s}}";
	size_t n =
	    strlen(fmt) + strlen(link_extra) + strlen(vms) + strlen(migs) + strlen(policy) + 64;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, fmt, duration_s, link_extra, vms, migs, policy);
	return s;
}

/* A summary.csv value (metric, entity); NAN when absent. */
static double summary_num(struct harness *r, const char *metric, const char *entity)
{
	struct dcs_table *t = table(r, "summary.csv");
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (strcmp(cell(t, i, "metric"), metric) == 0 &&
		    strcmp(cell(t, i, "entity"), entity) == 0)
			return num(t, i, "value");
	return NAN;
}

static const char *summary_text(struct harness *r, const char *metric, const char *entity)
{
	struct dcs_table *t = table(r, "summary.csv");
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (strcmp(cell(t, i, "metric"), metric) == 0 &&
		    strcmp(cell(t, i, "entity"), entity) == 0)
			return cell(t, i, "value");
	return "";
}

static double goodput_fraction_1500_dwdm(void)
{
	return 1460.0 / 1538.0;
}

/* V1: an idle VM moves in memory / goodput, plus RTT and switchover. */
static void test_idle_vm(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1, \"lan_mtu\": 1500",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 1}", "", 100);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	double rtt = loaded_rtt_at(&r, 10);
	assert_true(rtt > 2 * 10 * 4.9e-6);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	size_t i = mig_row(&r, "vm");
	double B = 1e9 / 8 * goodput_fraction_1500_dwdm();
	double M = 4 * GIB;
	double sw = 0.200; /* vMotion stun "a few 100 ms" (C. Hogan) */
	dcs_validate("idle VM goodput (4 GiB, 1 Gbps DWDM, MTU 1500)", "SPEC 4.1 framing",
		     B * 8 / 1e9, num(t, i, "goodput_gbps"), 1e-9, 0, "Gbps");
	dcs_validate("idle VM total time = M / goodput + RTT + switchover", "live-migration.md V1",
		     M / B + rtt + sw, num(t, i, "total_s"), 0, 4e-9, "s");
	dcs_validate("idle VM downtime = RTT + switchover", "live-migration.md 5", (rtt + sw) * 1e3,
		     num(t, i, "downtime_ms"), 0, 4e-6, "ms");
	assert_int_equal((int)num(t, i, "rounds"), 1);
	dcs_validate("idle VM sends its memory once", "live-migration.md 1.1 (D = 0: V_mig = M)",
		     M / GIB, num(t, i, "bytes_sent") / GIB, 0, 0, "GiB");
	assert_string_equal(cell(t, i, "outcome"), "converged");
	assert_string_equal(cell(t, i, "limited_by"), "link_share");
	assert_int_equal(dcs_world_vm_site(r.w, vm_index(&r, "vm")), 1);
	assert_int_equal(count_events(&r, "migration_start", "vm"), 1);
	assert_int_equal(count_events(&r, "switchover", "vm"), 1);
	assert_int_equal(count_events(&r, "migration_end", "vm"), 1);
	h_close(&r);
	free(json);
}

/* Checks a run against V_i = M (D/B)^i with stop when V_n <= B x t_dmax. */
static void check_closed_form(struct harness *r, const char *vm, double M, double D, double B,
			      double t_dmax, double rtt, double sw, const char *label)
{
	struct dcs_table *t = table(r, "migrations.csv");
	struct dcs_table *rt = table(r, "rounds.csv");
	size_t i = mig_row(r, vm);
	/* B: the rate from first principles (the caller's), checked against
	 * the reported one, never taken from it. */
	char name[160];
	snprintf(name, sizeof(name), "%s: rate", label);
	dcs_validate(name, "the flow's rate from first principles", B * 8 / 1e9,
		     num(t, i, "goodput_gbps"), 1e-9, 0, "Gbps");
	double lambda = D / B;
	int n = 0;
	double V = M, sum = 0;
	size_t row = 0;
	while (dcs_table_nrows(rt) > row && strcmp(cell(rt, row, "vm"), vm) != 0)
		row++;
	for (;;) {
		/* Round n sends V; each row is within one page per round. */
		snprintf(name, sizeof(name), "%s: round %d bytes", label, n);
		dcs_validate(name, "live-migration.md 1.1", V, num(rt, row + (size_t)n, "bytes"), 0,
			     (n + 1) * PAGE, "bytes");
		sum += V;
		n++;
		V = M * pow(lambda, n);
		if (V <= B * t_dmax)
			break;
	}
	snprintf(name, sizeof(name), "%s: live rounds", label);
	dcs_validate(name, "live-migration.md 1.1 n = ceil(ln(Vthd/M)/ln(lambda))", n,
		     num(t, i, "rounds"), 0, 0, "rounds");
	double total_bytes = sum + V;
	double slack_bytes = (n + 1) * (n + 2) / 2.0 * PAGE;
	snprintf(name, sizeof(name), "%s: bytes sent", label);
	dcs_validate(name, "live-migration.md 1.1 V_mig", total_bytes, num(t, i, "bytes_sent"), 0,
		     slack_bytes, "bytes");
	snprintf(name, sizeof(name), "%s: total time", label);
	dcs_validate(name, "live-migration.md 1.1 T_mig", total_bytes / B + rtt + sw,
		     num(t, i, "total_s"), 0, slack_bytes / B + 1e-8 * (n + 1), "s");
	snprintf(name, sizeof(name), "%s: downtime", label);
	dcs_validate(name, "live-migration.md 1.1 T_down", (V / B + rtt + sw) * 1e3,
		     num(t, i, "downtime_ms"), 0, ((n + 1) * PAGE / B + 1e-8) * 1e3, "ms");
}

/* Constant dirty rate, no WWS cap, no contention: the geometric series. */
static void test_closed_form_vmotion(void **state)
{
	(void)state;
	/* 1 Gbps: B = 118.66 MB/s; D = 40 MiB/s; lambda = 0.353; 5 rounds. */
	char *json = scenario("\"distance_km\": 50, \"bandwidth_gbps\": 1",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4,"
			      " \"dirty_mib_s\": 40}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"vmotion\", \"switchover_ms\": 20", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	double rtt = loaded_rtt_at(&r, 5);
	h_finish(&r);
	check_closed_form(&r, "vm", 4 * GIB, 40 * MIB, 1e9 / 8 * goodput_fraction_1500_dwdm(), 0.5,
			  rtt, 0.020, "vmotion geometric series (4 GiB, 40 MiB/s, 1 Gbps)");
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_int_equal((int)num(t, 0, "rounds"), 5);
	assert_string_equal(cell(t, 0, "outcome"), "converged");
	h_close(&r);
	free(json);
}

/* The same under qemu: B is its 128 MiB/s cap (the flow's demand) on 10 G,
 * stop when pending < B x 300 ms. */
static void test_closed_form_qemu(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 50, \"bandwidth_gbps\": 10",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 8,"
			      " \"dirty_mib_s\": 64}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"qemu\"", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	dcs_validate("qemu rate = max-bandwidth 128 MiB/s", "live-migration.md 2.2",
		     128 * MIB * 8 / 1e9, num(t, 0, "goodput_gbps"), 1e-9, 0, "Gbps");
	assert_string_equal(cell(t, 0, "limited_by"), "rate_cap");
	assert_string_equal(summary_text(&r, "limited_by", "vm"), "rate_cap");
	/* The cap that would lift it: the path's whole capacity. */
	dcs_validate("rate cap that fills 10 Gbps", "net.h dcs_net_lift",
		     10e9 / 8 * goodput_fraction_1500_dwdm() / MIB,
		     summary_num(&r, "lift_rate_cap_mib_s", "vm"), 1e-10, 0, "MiB/s");
	check_closed_form(&r, "vm", 8 * GIB, 64 * MIB, 128 * MIB, 0.3, 2 * 50 * 4.9e-6, 0.009,
			  "qemu geometric series (8 GiB, 64 MiB/s, 128 MiB/s cap)");
	h_close(&r);
	free(json);
}

/* V1 third row and V6: 16 GiB over 10 Gbps at RTT 150 ms with a 6 MiB window
 * moves at W/RTT = 41.9 MB/s and takes 409.6 s. */
static void test_window_cap(void **state)
{
	(void)state;
	/* 150 ms RTT: 75 ms one way = 15306.122... km of fibre. */
	char *json = scenario("\"distance_km\": 15306.12244897959, \"bandwidth_gbps\": 10",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 16}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"tcp_window_kib\": 6144, \"switchover_ms\": 0", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	double rtt = 0.150; /* 2 x 15,306.1 km x 4.9 us/km */
	assert_true(fabs(dcs_time_to_s(dcs_net_rtt(r.w->net, 0, 1)) - rtt) < 1e-9);
	dcs_validate_published("window cap 6 MiB / 150 ms", "live-migration.md V6", 41.9,
			       num(t, 0, "goodput_gbps") * 1e9 / 8 / 1e6, 0, 0.05, "MB/s");
	dcs_validate_published("16 GiB at 10 Gbps, RTT 150 ms, W 6 MiB", "live-migration.md V1",
			       409.6, num(t, 0, "total_s") - rtt, 0, 0.05, "s");
	assert_string_equal(cell(t, 0, "limited_by"), "window");
	assert_string_equal(summary_text(&r, "limited_by", "vm"), "window");
	/* The window the RTT needs: the bandwidth-delay product of 10 Gbps. */
	dcs_validate("window for 10 Gbps at 150 ms (BDP)", "live-migration.md 1.4",
		     10e9 / 8 * goodput_fraction_1500_dwdm() * rtt / 1024,
		     summary_num(&r, "lift_window_kib", "vm"), 1e-10, 0, "KiB");
	/* 150 ms exactly is within vMotion's limit: no warning. */
	assert_false(warned(&r, "150 ms"));
	h_close(&r);
	free(json);
}

/* V7: loss limits a large window: Mathis at 100 ms, p = 1e-6 is 143 Mbit/s. */
static void test_loss_cap(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10204.081632653062, \"bandwidth_gbps\": 10,"
			      " \"loss\": 1e-6",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 1}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"tcp_window_kib\": 1048576", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	/* Below saturation: the RTT carries the M/D/1 wait of the flow's load. */
	double rtt = loaded_rtt_at(&r, 1);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	dcs_validate_published("Mathis bound RTT 100 ms, p 1e-6", "live-migration.md V7", 143,
			       num(t, 0, "goodput_gbps") * 1e3, 0.006, 0, "Mbit/s");
	dcs_validate("Mathis bound MSS / RTT x 1.22 / sqrt(p) at the loaded RTT",
		     "live-migration.md 1.4 (Mathis 1997)",
		     1460 / rtt * 1.22 / sqrt(1e-6) * 8 / 1e9, num(t, 0, "goodput_gbps"), 1e-8, 0,
		     "Gbps");
	assert_string_equal(cell(t, 0, "limited_by"), "loss");
	/* The loss at which Mathis reaches the path's capacity. */
	/* At the end of the run the link is idle: the lift uses the base RTT. */
	double need = 1460 * 1.22 / (0.1 * 10e9 / 8 * goodput_fraction_1500_dwdm());
	dcs_validate("loss that lets one stream fill 10 Gbps at 100 ms", "Mathis (SPEC 4.1)",
		     need * need, summary_num(&r, "lift_max_loss", "vm"), 1e-9, 0, "ratio");
	h_close(&r);
	free(json);
}

/* Two equal migrations share a 1 Gbps link whose window would let each
 * reach 0.75 of it alone: each is limited by its link share (B / 2), and
 * the link would need 1.5 Gbps for the share to reach the window cap. */
static void test_link_share_lift(void **state)
{
	(void)state;
	double B = 1e9 / 8 * goodput_fraction_1500_dwdm();
	double rtt = 2 * 1000 * 4.9e-6;
	char policy[128];
	snprintf(policy, sizeof(policy), "\"tcp_window_kib\": %.17g", 0.75 * B * rtt / 1024);
	char *json = scenario("\"distance_km\": 1000, \"bandwidth_gbps\": 1",
			      "{\"id\": \"a\", \"site\": \"dc1\", \"memory_gib\": 2},"
			      "{\"id\": \"b\", \"site\": \"dc1\", \"memory_gib\": 2}",
			      "{\"vm\": \"a\", \"to\": \"dc2\", \"at_s\": 0},"
			      "{\"vm\": \"b\", \"to\": \"dc2\", \"at_s\": 0}",
			      policy, 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	assert_string_equal(summary_text(&r, "limited_by", "a"), "link_share");
	dcs_validate("link rate at which a half share reaches the window cap", "net.h dcs_net_lift",
		     1.5, summary_num(&r, "lift_bandwidth_gbps", "a"), 1e-9, 0, "Gbps");
	h_close(&r);
	free(json);
}

/* Two equal migrations started together share the link and finish together;
 * a third joining at 10 s gets a third from then on. */
static void test_sharing(void **state)
{
	(void)state;
	/* A 4 KiB buffer: the standing queue is at most tau = 32.8 us at 1 Gbps,
	 * more than 0.43 x the 9.8 us RTT, so no goodput is lost (net.h); each
	 * migration's last round trip pays some of it. */
	const double tau = 4096 / 1.25e8;
	char *json = scenario("\"distance_km\": 1, \"bandwidth_gbps\": 1, \"buffer_kib\": 4",
			      "{\"id\": \"a\", \"site\": \"dc1\", \"memory_gib\": 2},"
			      "{\"id\": \"b\", \"site\": \"dc1\", \"memory_gib\": 2},"
			      "{\"id\": \"c\", \"site\": \"dc1\", \"memory_gib\": 2}",
			      "{\"vm\": \"a\", \"to\": \"dc2\", \"at_s\": 0},"
			      "{\"vm\": \"b\", \"to\": \"dc2\", \"at_s\": 0},"
			      "{\"vm\": \"c\", \"to\": \"dc2\", \"at_s\": 10}",
			      "\"switchover_ms\": 0", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	double B = 1e9 / 8 * goodput_fraction_1500_dwdm();
	double M = 2 * GIB, rtt = 2 * 4.9e-6;
	/* a, b: 5B each by 10 s, then B/3 each. */
	double t1 = 10 + 3 * (M - 5 * B) / B;
	/* c: sent M - 5B by t1 (same as a, b since 10 s), the rest 5B alone. */
	double t2 = t1 + 5 * B / B;
	size_t ia = mig_row(&r, "a"), ib = mig_row(&r, "b"), ic = mig_row(&r, "c");
	dcs_validate_self("two equal migrations finish together", "max-min fairness (SPEC 4.1)",
			  num(t, ia, "end_s"), num(t, ib, "end_s"), 0, 2 * tau, "s");
	dcs_validate("shared migration end", "max-min fairness (SPEC 4.1)", t1 + rtt + tau / 2,
		     num(t, ia, "end_s"), 0, tau, "s");
	dcs_validate("later migration gets a third, then all", "max-min fairness (SPEC 4.1)",
		     t2 + rtt + tau / 2, num(t, ic, "end_s"), 0, tau, "s");
	assert_string_equal(cell(t, ia, "limited_by"), "link_share");
	/* No window or rate cap: more bandwidth always helps, no figure. */
	assert_true(isnan(summary_num(&r, "lift_bandwidth_gbps", "a")));
	h_close(&r);
	free(json);
}

/* vMotion: RTT over 150 ms warns. */
static void test_vmotion_rtt_warning(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 16000, \"bandwidth_gbps\": 10",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 1}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}", "", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	assert_true(warned(&r, "exceeds the 150 ms vMotion supports"));
	assert_false(warned(&r, "250 Mbps"));
	h_close(&r);
	free(json);
}

/* vMotion: less than 250 Mbps per concurrent migration warns. */
static void test_vmotion_bandwidth_warning(void **state)
{
	(void)state;
	char *json =
	    scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1, \"background_gbps\": 0.6",
		     "{\"id\": \"a\", \"site\": \"dc1\", \"memory_gib\": 1},"
		     "{\"id\": \"b\", \"site\": \"dc1\", \"memory_gib\": 1}",
		     "{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 0}", "", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	/* 400 Mbps left for 2 concurrent migrations: 200 each. */
	assert_true(warned(&r, "200 Mbps of DCI bandwidth per concurrent vMotion"));
	h_close(&r);
	free(json);
}

/* vMotion: a switchover over 100 s fails and leaves the VM at the source.
 * 32 GiB of WWS dirtied faster than a 1 Gbps link moves it, and force. */
static void test_vmotion_switchover_limit(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 64,"
			      " \"dirty_mib_s\": 500, \"wws_gib\": 32}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"on_no_progress\": \"force\"", 5000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "failed");
	dcs_validate_published("vMotion switchover limit", "live-migration.md 2.3 hard limit 100 s",
			       100e3, num(t, 0, "downtime_ms"), 0, 1e-6, "ms");
	assert_int_equal(dcs_world_vm_site(r.w, 0), 0);
	/* Round 0 (64 GiB) then round 1 (32 GiB) made no progress. */
	assert_int_equal((int)num(t, 0, "rounds"), 2);
	h_close(&r);
	free(json);
}

/* A non-converging VM under vMotion converges by stun, within the goal. */
static void test_vmotion_stun(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 8,"
			      " \"dirty_mib_s\": 300, \"wws_gib\": 2}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}", "", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "stunned");
	assert_true(count_events(&r, "stun", "vm") >= 1);
	/* The dirty rate limited it; 2 x 300 MiB/s would halve each round. */
	assert_string_equal(cell(t, 0, "limited_by"), "dirty_rate");
	assert_string_equal(summary_text(&r, "limited_by", "vm"), "dirty_rate");
	assert_true(fabs(summary_num(&r, "lift_rate_gbps", "vm") - 2 * 300 * MIB * 8 / 1e9) <
		    1e-12);
	/* Data part of the downtime within the 500 ms goal. */
	assert_true(num(t, 0, "downtime_ms") <= 500 + 2 * 10 * 4.9e-3 + 200 + 1e-6);
	assert_int_equal(dcs_world_vm_site(r.w, 0), 1);
	h_close(&r);
	free(json);
}

/* on_no_progress abort: the VM stays. */
static void test_abort(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 8,"
			      " \"dirty_mib_s\": 300, \"wws_gib\": 2}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"on_no_progress\": \"abort\"", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "aborted");
	assert_true(num(t, 0, "downtime_ms") == 0);
	assert_int_equal(dcs_world_vm_site(r.w, 0), 0);
	h_close(&r);
	free(json);
}

/* Xen: at most 29 live rounds.  lambda = 0.65 on 64 GiB stays above 50
 * pages for 29 rounds (64 GiB x 0.65^28 = 400 KB) and under 3 x memory
 * (1 / (1 - 0.65) = 2.86). */
static void test_xen_iteration_cap(void **state)
{
	(void)state;
	double D = 0.65 * 10e9 / 8 * goodput_fraction_1500_dwdm() / MIB;
	char vms[160];
	snprintf(vms, sizeof(vms),
		 "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 64, \"dirty_mib_s\": %.17g}",
		 D);
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 10", vms,
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"xen\"", 10000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	dcs_validate_published("xen live-round cap", "live-migration.md 2.1 DEF_MAX_ITERS 29", 29,
			       num(t, 0, "rounds"), 0, 0, "rounds");
	assert_string_equal(cell(t, 0, "outcome"), "max_rounds");
	h_close(&r);
	free(json);
}

/* Xen: stop once more than 3 x memory was sent (lambda 0.97). */
static void test_xen_volume_cap(void **state)
{
	(void)state;
	double D = 0.97 * 1e9 / 8 * goodput_fraction_1500_dwdm() / MIB;
	char vms[160];
	snprintf(vms, sizeof(vms),
		 "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 1, \"dirty_mib_s\": %.17g}",
		 D);
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1", vms,
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"xen\"", 10000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	/* 1 + .97 + .97^2 = 2.91 <= 3 < 3.82 after the fourth round. */
	dcs_validate_published("xen 3 x memory cap", "live-migration.md 2.1 DEF_MAX_FACTOR 3", 4,
			       num(t, 0, "rounds"), 0, 0, "rounds");
	assert_string_equal(cell(t, 0, "outcome"), "max_rounds");
	h_close(&r);
	free(json);
}

/* Xen: a round of fewer than 50 pages ends pre-copy (converged). */
static void test_xen_50_pages(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4,"
			      " \"dirty_mib_s\": 1}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"xen\"", 10000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	struct dcs_table *rt = table(&r, "rounds.csv");
	assert_string_equal(cell(t, 0, "outcome"), "converged");
	int n = (int)num(t, 0, "rounds");
	/* The last live round sent fewer than 50 pages, the one before did not. */
	assert_true(num(rt, (size_t)n - 1, "bytes") < 50 * PAGE);
	assert_true(num(rt, (size_t)n - 2, "bytes") >= 50 * PAGE);
	h_close(&r);
	free(json);
}

/* qemu without auto-converge never converges on a hot VM: aborted at the end
 * of the run, with a warning; with auto-converge it finishes, throttled. */
static void test_qemu_auto_converge(void **state)
{
	(void)state;
	const char *vm = "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4,"
			 " \"dirty_mib_s\": 200, \"wws_gib\": 1}";
	char *json =
	    scenario("\"distance_km\": 10, \"bandwidth_gbps\": 10", vm,
		     "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}", "\"engine\": \"qemu\"", 300);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "aborted");
	assert_true(warned(&r, "not converging"));
	assert_int_equal(dcs_world_vm_site(r.w, 0), 0);
	h_close(&r);
	free(json);

	json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 10", vm,
			"{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			"\"engine\": \"qemu\", \"auto_converge\": true", 1000);
	r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "stunned");
	/* 200 MiB/s against 128 MiB/s needs the guest at < 64 %: 20, 30, 40 %. */
	assert_true(count_events(&r, "auto_converge", "vm") >= 3);
	assert_int_equal(dcs_world_vm_site(r.w, 0), 1);
	h_close(&r);
	free(json);
}

/* Evacuation: smallest first, at most max_concurrent in flight, all moved. */
static void test_evacuation(void **state)
{
	(void)state;
	char vms[4096] = "";
	size_t off = 0;
	static const int gib[] = {8, 2, 16, 4, 1, 32, 2, 4};
	for (int i = 0; i < 8; i++)
		off += (size_t)snprintf(vms + off, sizeof(vms) - off,
					"%s{\"id\": \"v%d\", \"site\": \"dc1\", \"memory_gib\": %d,"
					" \"dirty_mib_s\": 20, \"wws_gib\": 0.5}",
					i ? "," : "", i, gib[i]);
	char *json = scenario("\"distance_km\": 60, \"bandwidth_gbps\": 10", vms,
			      "{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 5,"
			      " \"max_concurrent\": 3, \"order\": \"smallest_first\"}",
			      "", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_int_equal(dcs_table_nrows(t), 8);
	/* Start order by memory, ties by file order: v4 v1 v6 v3 v7 v0 v2 v5. */
	static const char *order[] = {"v4", "v1", "v6", "v3", "v7", "v0", "v2", "v5"};
	double starts[8], ends[8];
	for (int i = 0; i < 8; i++) {
		size_t row = mig_row(&r, order[i]);
		starts[i] = num(t, row, "start_s");
		ends[i] = num(t, row, "end_s");
		assert_string_equal(cell(t, row, "outcome"), "converged");
		if (i > 0)
			assert_true(starts[i] >= starts[i - 1]);
	}
	for (int i = 0; i < 3; i++)
		assert_true(starts[i] == 5);
	assert_true(starts[3] > 5);
	/* Never more than 3 in flight. */
	for (int i = 0; i < 8; i++) {
		int inflight = 0;
		for (int j = 0; j < 8; j++)
			if (starts[j] <= starts[i] && ends[j] > starts[i])
				inflight++;
		assert_true(inflight <= 3);
	}
	for (size_t v = 0; v < 8; v++)
		assert_int_equal(dcs_world_vm_site(r.w, (int)v), 1);
	assert_int_equal(count_events(&r, "evacuation_start", "dc1"), 1);
	h_close(&r);
	free(json);
}

/* Default evacuation concurrency for vMotion on 10 G is 8 (2.3). */
static void test_evacuation_default_concurrency(void **state)
{
	(void)state;
	char vms[4096] = "";
	size_t off = 0;
	for (int i = 0; i < 12; i++)
		off += (size_t)snprintf(vms + off, sizeof(vms) - off,
					"%s{\"id\": \"v%d\", \"site\": \"dc1\", \"memory_gib\": 1}",
					i ? "," : "", i);
	char *json = scenario("\"distance_km\": 60, \"bandwidth_gbps\": 10", vms,
			      "{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 0}", "", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	int at_zero = 0;
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (num(t, i, "start_s") == 0)
			at_zero++;
	dcs_validate_published("vMotion evacuation over 10 Gbps: migrations in flight at once",
			       "live-migration.md 2.3 Concurrency (8 on 10GigE)", 8, at_zero, 0, 0,
			       "migrations");
	h_close(&r);
	free(json);
}

static void link_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_world *w = ctx;
	bool up;
	memcpy(&up, payload, sizeof(up));
	dcs_net_set_link_up(w->net, 0, up);
}

static void schedule_link(struct harness *r, double at_s, bool up)
{
	dcs_schedule(r->w->k, dcs_time_from_s(at_s), link_event, r->w, &up, sizeof(up));
}

/* A short outage delays the migration by its length; one longer than
 * stall_timeout_s fails it and leaves the VM at the source. */
static void test_link_fault(void **state)
{
	(void)state;
	const char *vm = "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4}";
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1", vm,
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"stall_timeout_s\": 30", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	schedule_link(&r, 10, false);
	schedule_link(&r, 30, true);
	double rtt = loaded_rtt_at(&r, 5);
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	double B = 1e9 / 8 * goodput_fraction_1500_dwdm();
	assert_string_equal(cell(t, 0, "outcome"), "converged");
	/* No detour: the flow stops at the cut (10 s) and resumes at the repair. */
	dcs_validate("a 20 s outage delays an idle migration by 20 s", "SPEC 4.1 stalls",
		     4 * GIB / B + 20 + rtt + 0.200, num(t, 0, "total_s"), 0, 1e-8, "s");
	assert_int_equal(count_events(&r, "migration_stalled", "vm"), 1);
	assert_int_equal(count_events(&r, "migration_resumed", "vm"), 1);
	h_close(&r);

	r = h_open(json, H_SCENARIO_SEED);
	schedule_link(&r, 10, false);
	schedule_link(&r, 50, true);
	h_finish(&r);
	t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "failed");
	dcs_validate("a migration fails stall_timeout_s after its path is lost",
		     "models/migration.c rule", 40, num(t, 0, "end_s"), 0, 1e-9, "s");
	dcs_validate("bytes sent before the cut are counted", "SPEC 4.1", 10 * B,
		     num(t, 0, "bytes_sent"), 1e-9, 0, "bytes");
	assert_int_equal(dcs_world_vm_site(r.w, 0), 0);
	h_close(&r);
	free(json);
}

/* Memory as it is: a mostly-zero VM's round 0 lasts max(memory / scan rate,
 * (touched + 8 bytes per zero page) / rate); the walk, not the link, sets
 * it.  With most memory touched the link sets it again. */
/* The last round trip of a migration whose row is row 0 of t: its downtime
 * less the switchover.  It is the loaded RTT of that moment: at least the
 * propagation `base`, at most that plus a full default switch buffer
 * (5176 KiB, sim/core/tech.c) at `gbps`, the standing queue a saturating
 * transfer keeps (net.h). */
static double last_rtt(struct dcs_table *t, double sw, double base, double gbps)
{
	double r = num(t, 0, "downtime_ms") / 1e3 - sw;
	assert_true(r >= base - 1e-9);
	assert_true(r <= base + 5176.0 * 1024 * 8 / (gbps * 1e9) + 1e-9);
	return r;
}

static void test_zero_pages_and_scan(void **state)
{
	(void)state;
	double B = 10e9 / 8 * goodput_fraction_1500_dwdm();
	/* The default engine is vMotion: its switchover is VMware's stun,
	 * "typically a few 100 milliseconds" (C. Hogan, VMware, 2015): 200 ms. */
	double M = 64 * GIB, scan = 8 * GIB, sw = 0.200;
	const char *vms[] = {
	    "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 64, \"used_gib\": 1}",
	    "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 64, \"zero_fraction\": 0.375}"};
	double used[] = {1 * GIB, 40 * GIB};
	const char *limit[] = {"page_scan", "link_share"};
	for (int k = 0; k < 2; k++) {
		char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 10", vms[k],
				      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
				      "\"scan_gib_s\": 8", 1000);
		double wire = used[k] + (M - used[k]) / PAGE * 8;
		double round0 = fmax(M / scan, wire / B);
		struct harness r = h_open(json, H_SCENARIO_SEED);
		h_finish(&r);
		struct dcs_table *t = table(&r, "migrations.csv");
		double rtt = last_rtt(t, sw, 2 * 10 * 4.9e-6, 10);
		char name[160];
		snprintf(name, sizeof(name),
			 "64 GiB VM with %.0f GiB touched: round 0 = max(M / scan, wire / rate)",
			 used[k] / GIB);
		dcs_validate(name, "issue: memory as it is; QEMU zero pages as 8-byte flags",
			     round0 + rtt + sw, num(t, 0, "total_s"), 0, 4e-9, "s");
		snprintf(name, sizeof(name), "64 GiB VM with %.0f GiB touched: bytes on the DCI",
			 used[k] / GIB);
		dcs_validate(name, "touched pages whole, zero pages 8 bytes each", wire,
			     num(t, 0, "bytes_sent"), 1e-12, 0, "bytes");
		assert_string_equal(cell(t, 0, "limited_by"), limit[k]);
		h_close(&r);
		free(json);
	}
}

/* Compression: the raw rate is min(link / ratio, channels x compression
 * throughput), so zstd helps on a slow link and hurts on a fast one, where
 * the same channels copy uncompressed pages faster than they compress. */
static void test_compression_rate(void **state)
{
	(void)state;
	double M = 8 * GIB, ratio = 0.5, cpu = 4 * 100 * MIB, sw = 0.009;
	const char *vm =
	    "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 8, \"compress_ratio\": 0.5}";
	for (int gbps = 1; gbps <= 10; gbps += 9) {
		double B = gbps * 1e9 / 8 * goodput_fraction_1500_dwdm();
		char link[64], name[160];
		snprintf(link, sizeof(link), "\"distance_km\": 10, \"bandwidth_gbps\": %d", gbps);
		char *zstd = scenario(link, vm, "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
				      "\"engine\": \"qemu\", \"multifd_channels\": 4,"
				      " \"compression\": \"zstd\", \"compress_mib_s\": 100,"
				      " \"rate_cap_mib_s\": 1000000",
				      1000);
		char *none = scenario(link, vm, "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
				      "\"engine\": \"qemu\", \"multifd_channels\": 4,"
				      " \"rate_cap_mib_s\": 1000000",
				      1000);
		double raw = fmin(B / ratio, cpu);
		struct harness rz = h_open(zstd, H_SCENARIO_SEED),
			       rn = h_open(none, H_SCENARIO_SEED);
		h_finish(&rz);
		h_finish(&rn);
		struct dcs_table *tz = table(&rz, "migrations.csv"),
				 *tn = table(&rn, "migrations.csv");
		double rtt = last_rtt(tz, sw, 2 * 10 * 4.9e-6, gbps),
		       rtt_n = last_rtt(tn, sw, 2 * 10 * 4.9e-6, gbps);
		snprintf(name, sizeof(name),
			 "zstd over %d Gbps: M / min(link / ratio, channels x cpu)", gbps);
		dcs_validate(name, "issue: compression's effective rate", M / raw + rtt + sw,
			     num(tz, 0, "total_s"), 0, 4e-9, "s");
		dcs_validate(name, "compressed bytes = M x compress_ratio", M * ratio,
			     num(tz, 0, "bytes_sent"), 1e-12, 0, "bytes");
		assert_string_equal(cell(tz, 0, "limited_by"),
				    gbps == 1 ? "link_share" : "sender_cpu");
		snprintf(name, sizeof(name), "no compression over %d Gbps: M / rate", gbps);
		dcs_validate(name, "live-migration.md V1", M / B + rtt_n + sw,
			     num(tn, 0, "total_s"), 0, 4e-9, "s");
		if (gbps == 1)
			assert_true(num(tz, 0, "total_s") < num(tn, 0, "total_s"));
		else
			assert_true(num(tz, 0, "total_s") > num(tn, 0, "total_s"));
		h_close(&rz);
		h_close(&rn);
		free(zstd);
		free(none);
	}
}

/* XBZRLE re-sends pages found in its cache as deltas: a round of V dirty
 * bytes puts min(V, cache) x ratio + (V - min(V, cache)) on the wire. */
static void test_xbzrle(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 10, \"bandwidth_gbps\": 1",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4,"
			      " \"dirty_mib_s\": 64, \"wws_gib\": 1, \"compress_ratio\": 0.25}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"qemu\", \"compression\": \"xbzrle\","
			      " \"rate_cap_mib_s\": 1000000",
			      1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	h_finish(&r);
	struct dcs_table *t = table(&r, "rounds.csv");
	dcs_validate("xbzrle round 0 sends all memory whole (empty cache)", "QEMU xbzrle.txt",
		     4 * GIB, num(t, 0, "bytes"), 0, 0, "bytes");
	double V = num(t, 0, "dirty_bytes_at_end");
	assert_true(V == 1 * GIB); /* the dirty set reached the working set */
	double hits = fmin(V, 64 * MIB);
	dcs_validate("xbzrle round 1: cache hits as deltas, the rest whole",
		     "QEMU xbzrle-cache-size 64 MiB (live-migration.md 2.2)",
		     hits * 0.25 + V - hits, num(t, 1, "bytes"), 1e-12, 0, "bytes");
	h_close(&r);
	free(json);
}

static const char *const pc_vm = "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 4,"
				 " \"dirty_mib_s\": 32, \"wws_gib\": 1, \"vcpus\": 4}";

/* Post-copy after the first pass: downtime is one RTT and switchover_ms;
 * the pending dirty set P0 then arrives at the link rate while the guest,
 * touching a pages per second of its working set W, faults on the missing
 * ones, each a round trip that stalls a vCPU (models/migration.c: with
 * f0 = min(1, P0 / W) and k = a x RTT / vcpus, faults =
 * (a T / f0)(f0 / k - ln(1 + k f0) / k^2), slowdown = faults x RTT /
 * (vcpus x T)). */
static void test_postcopy(void **state)
{
	(void)state;
	const char *link = "\"distance_km\": 100, \"bandwidth_gbps\": 1";
	const char *mig = "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}";
	char *post =
	    scenario(link, pc_vm, mig,
		     "\"engine\": \"qemu\", \"postcopy\": true, \"rate_cap_mib_s\": 1000000", 1000);
	char *pre =
	    scenario(link, pc_vm, mig, "\"engine\": \"qemu\", \"rate_cap_mib_s\": 1000000", 1000);
	struct harness r = h_open(post, H_SCENARIO_SEED), rp = h_open(pre, H_SCENARIO_SEED);
	double B = 1e9 / 8 * goodput_fraction_1500_dwdm();
	double rtt = 2 * 100 * 4.9e-6, sw = 0.009;
	double T0 = 4 * GIB / B, P0 = 1 * GIB, T = P0 / B;
	/* A fault's round trip waits behind the background transfer's standing
	 * queue (the 5176 KiB switch buffer at 1 Gb/s: about 40 ms; QEMU's
	 * postcopy-preempt channel exists to avoid it); the switchover's round
	 * trip comes after round 0's flow ended, unloaded. */
	double rtt_f = loaded_rtt_at(&r, T0 + rtt + sw + T / 2);
	assert_true(rtt_f > rtt + 0.030);
	h_finish(&r);
	h_finish(&rp);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_true(32 * MIB * T0 > P0); /* round 0 dirtied the whole working set */
	/* a = 8192 pages/s, k = a x RTT / vcpus = 2.0 unloaded, 80 behind the
	 * queue: the stalls slow the guest, so faults fall well below a x T / 2. */
	double a = 32 * MIB / PAGE, k = a * rtt_f / 4;
	double faults = floor(a * T * (1 / k - log1p(k) / (k * k)) + 0.5);
	assert_true(faults < a * T / 2 * 0.5);
	dcs_validate("post-copy downtime = RTT + switchover",
		     "QEMU postcopy (docs/devel/migration/postcopy.rst)", (rtt + sw) * 1e3,
		     num(t, 0, "downtime_ms"), 0, 4e-6, "ms");
	dcs_validate("post-copy total = round 0 + downtime + P0 / rate",
		     "models/migration.c post-copy", T0 + rtt + sw + T, num(t, 0, "total_s"), 0,
		     1e-8, "s");
	dcs_validate("post-copy remote faults, f0 = 1: a T (1 / k - ln(1 + k) / k^2)",
		     "models/migration.c post-copy", faults,
		     summary_num(&r, "migration_postcopy_faults", "vm"), 0, 0, "faults");
	dcs_validate("post-copy guest slowdown = faults x RTT / (vcpus x T)",
		     "models/migration.c post-copy", faults * rtt_f / (4 * T),
		     summary_num(&r, "migration_postcopy_slowdown", "vm"), 1e-9, 0, "ratio");
	dcs_validate("post-copy phase length = P0 / rate", "models/migration.c post-copy", T,
		     summary_num(&r, "migration_postcopy_s", "vm"), 0, 1e-8, "s");
	assert_string_equal(cell(t, 0, "outcome"), "converged");
	assert_int_equal((int)num(t, 0, "rounds"), 1);
	assert_int_equal(dcs_world_vm_site(r.w, 0), 1);
	assert_int_equal(count_events(&r, "postcopy_start", "vm"), 1);
	/* The trade: post-copy's downtime and total time are shorter than
	 * pre-copy's for the same VM, at the price of the faults. */
	struct dcs_table *tp = table(&rp, "migrations.csv");
	assert_true(num(t, 0, "downtime_ms") < num(tp, 0, "downtime_ms"));
	assert_true(num(t, 0, "total_s") < num(tp, 0, "total_s"));
	h_close(&r);
	h_close(&rp);
	free(post);
	free(pre);

	/* Pure post-copy: no round; all memory is pending, the whole working set with it. */
	post = scenario(link, pc_vm, mig,
			"\"engine\": \"qemu\", \"postcopy\": true, \"postcopy_after_rounds\": 0",
			1000);
	r = h_open(post, H_SCENARIO_SEED);
	T = 4 * GIB / B;
	rtt_f = loaded_rtt_at(&r, rtt + sw + T / 2);
	k = a * rtt_f / 4;
	h_finish(&r);
	t = table(&r, "migrations.csv");
	dcs_validate("pure post-copy total = downtime + M / rate", "models/migration.c post-copy",
		     rtt + sw + T, num(t, 0, "total_s"), 0, 1e-8, "s");
	dcs_validate("pure post-copy faults, f0 = 1", "models/migration.c post-copy",
		     floor(a * T * (1 / k - log1p(k) / (k * k)) + 0.5),
		     summary_num(&r, "migration_postcopy_faults", "vm"), 0, 0, "faults");
	assert_int_equal((int)num(t, 0, "rounds"), 0);
	h_close(&r);
	free(post);
}

/* A DCI cut during post-copy loses the VM: outcome failed, a failure event,
 * a warning and migration_vm_lost in the summary. */
static void test_postcopy_cut(void **state)
{
	(void)state;
	char *json =
	    scenario("\"distance_km\": 100, \"bandwidth_gbps\": 1", pc_vm,
		     "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
		     "\"engine\": \"qemu\", \"postcopy\": true, \"rate_cap_mib_s\": 1000000", 1000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	double B = 1e9 / 8 * goodput_fraction_1500_dwdm();
	schedule_link(&r, 4 * GIB / B + 3, false); /* 3 s into post-copy */
	h_finish(&r);
	struct dcs_table *t = table(&r, "migrations.csv");
	assert_string_equal(cell(t, 0, "outcome"), "failed");
	assert_int_equal(count_events(&r, "postcopy_lost", "vm"), 1);
	assert_true(warned(&r, "the VM is lost"));
	assert_true(summary_num(&r, "migration_vm_lost", "vm") == 1);
	assert_true(isnan(summary_num(&r, "migration_postcopy_faults", "vm")));
	dcs_validate("a cut during post-copy ends it at once", "issue: post-copy loses the VM",
		     4 * GIB / B + 3, num(t, 0, "end_s"), 0, 1e-8, "s");
	h_close(&r);
	free(json);
}

/* Same scenario and seed: identical tables, cell by cell. */
static void test_deterministic(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 60, \"bandwidth_gbps\": 10",
			      "{\"id\": \"a\", \"site\": \"dc1\", \"memory_gib\": 8,"
			      " \"dirty_mib_s\": 300, \"wws_gib\": 2},"
			      "{\"id\": \"b\", \"site\": \"dc1\", \"memory_gib\": 4,"
			      " \"dirty_mib_s\": 100}",
			      "{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 1}", "", 200);
	struct harness r1 = h_open(json, H_SCENARIO_SEED), r2 = h_open(json, H_SCENARIO_SEED);
	h_finish(&r1);
	h_finish(&r2);
	assert_int_equal(dcs_results_n_tables(r1.w->res), dcs_results_n_tables(r2.w->res));
	for (size_t i = 0; i < dcs_results_n_tables(r1.w->res); i++) {
		struct dcs_table *a = dcs_results_table_at(r1.w->res, i);
		struct dcs_table *b = dcs_results_table_at(r2.w->res, i);
		assert_int_equal(dcs_table_nrows(a), dcs_table_nrows(b));
		for (size_t row = 0; row < dcs_table_nrows(a); row++)
			for (size_t c = 0; c < dcs_table_ncols(a); c++)
				assert_string_equal(dcs_table_cell(a, row, c),
						    dcs_table_cell(b, row, c));
	}
	h_close(&r1);
	h_close(&r2);
	free(json);
}

/* Before the first event: a migration whose round 0 alone cannot end within
 * the run is warned about as the models start.  1 TiB over 1 Gb/s: round 0
 * needs at least M / (1e9 / 8 x 1460 / 1538) = 9266 s; the run leaves 3590 s. */
static void test_preflight_round0(void **state)
{
	(void)state;
	double floor_s = 1024 * GIB / (1e9 / 8 * goodput_fraction_1500_dwdm());
	char want[64];
	snprintf(want, sizeof(want), "needs at least %.0f s", floor_s);
	assert_string_equal(want, "needs at least 9266 s");
	char *json = scenario("\"distance_km\": 50, \"bandwidth_gbps\": 1",
			      "{\"id\": \"huge\", \"site\": \"dc1\", \"memory_gib\": 1024}",
			      "{\"vm\": \"huge\", \"to\": \"dc2\", \"at_s\": 10}", "", 3600);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	dcs_world_start(r.w);
	assert_int_equal(dcs_kernel_events(r.w->k), 0);
	assert_int_equal(dcs_results_n_warnings(r.w->res), 1);
	assert_true(warned(&r, "migrations[0] cannot finish"));
	assert_true(warned(&r, want));
	assert_true(warned(&r, "held by the path's free capacity"));
	assert_true(warned(&r, "the run ends 3590 s after it starts"));
	h_close(&r);
	free(json);

	/* Long enough: no warning, and the floor is what the idle VM takes
	 * (plus its RTT and switchover, under a second). */
	json = scenario("\"distance_km\": 50, \"bandwidth_gbps\": 1",
			"{\"id\": \"huge\", \"site\": \"dc1\", \"memory_gib\": 1024}",
			"{\"vm\": \"huge\", \"to\": \"dc2\", \"at_s\": 10}", "", 9300);
	r = h_open(json, H_SCENARIO_SEED);
	dcs_world_start(r.w);
	assert_int_equal(dcs_results_n_warnings(r.w->res), 0);
	h_finish(&r);
	double total = num(table(&r, "migrations.csv"), mig_row(&r, "huge"), "total_s");
	assert_true(total >= floor_s && total < floor_s + 1);
	h_close(&r);
	free(json);
}

/* The binding cap is named: a 64 KiB window at 20 ms RTT (2,000 km) holds
 * one stream to 64 KiB / 0.0196 s = 3.34 MB/s, so 16 GiB needs >= 5,140 s. */
static void test_preflight_window(void **state)
{
	(void)state;
	char *json = scenario("\"distance_km\": 2000, \"bandwidth_gbps\": 10",
			      "{\"id\": \"vm\", \"site\": \"dc1\", \"memory_gib\": 16}",
			      "{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}",
			      "\"engine\": \"qemu\", \"tcp_window_kib\": 64", 3000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	dcs_world_start(r.w);
	double rtt = 2 * 2000 * 4.9e-6;
	char want[64];
	snprintf(want, sizeof(want), "needs at least %.0f s", 16 * GIB / (65536 / rtt));
	assert_true(warned(&r, want));
	assert_true(warned(&r, "held by the TCP window"));
	h_close(&r);
	free(json);
}

/* An evacuation: four 64 GiB VMs over 1 Gb/s each need 579 s alone, which
 * fits 2,000 s, but together their round 0 moves 256 GiB through the one
 * path: at least 2,316 s. */
static void test_preflight_evacuation(void **state)
{
	(void)state;
	char vms[512] = "";
	for (int i = 0; i < 4; i++) {
		char one[96];
		snprintf(one, sizeof(one),
			 "%s{\"id\": \"v%d\", \"site\": \"dc1\", \"memory_gib\": 64}",
			 i ? ", " : "", i);
		strcat(vms, one);
	}
	char *json = scenario("\"distance_km\": 50, \"bandwidth_gbps\": 1", vms,
			      "{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 0, "
			      "\"max_concurrent\": 4}",
			      "", 2000);
	struct harness r = h_open(json, H_SCENARIO_SEED);
	dcs_world_start(r.w);
	char want[64];
	snprintf(want, sizeof(want), "needs at least %.0f s",
		 256 * GIB / (1e9 / 8 * goodput_fraction_1500_dwdm()));
	assert_true(warned(&r, "migrations[0] (4 VMs) cannot finish"));
	assert_true(warned(&r, want));
	h_close(&r);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle_vm),
	    cmocka_unit_test(test_closed_form_vmotion),
	    cmocka_unit_test(test_closed_form_qemu),
	    cmocka_unit_test(test_window_cap),
	    cmocka_unit_test(test_loss_cap),
	    cmocka_unit_test(test_sharing),
	    cmocka_unit_test(test_link_share_lift),
	    cmocka_unit_test(test_vmotion_rtt_warning),
	    cmocka_unit_test(test_vmotion_bandwidth_warning),
	    cmocka_unit_test(test_vmotion_switchover_limit),
	    cmocka_unit_test(test_vmotion_stun),
	    cmocka_unit_test(test_abort),
	    cmocka_unit_test(test_xen_iteration_cap),
	    cmocka_unit_test(test_xen_volume_cap),
	    cmocka_unit_test(test_xen_50_pages),
	    cmocka_unit_test(test_qemu_auto_converge),
	    cmocka_unit_test(test_evacuation),
	    cmocka_unit_test(test_evacuation_default_concurrency),
	    cmocka_unit_test(test_link_fault),
	    cmocka_unit_test(test_zero_pages_and_scan),
	    cmocka_unit_test(test_compression_rate),
	    cmocka_unit_test(test_xbzrle),
	    cmocka_unit_test(test_postcopy),
	    cmocka_unit_test(test_postcopy_cut),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_preflight_round0),
	    cmocka_unit_test(test_preflight_window),
	    cmocka_unit_test(test_preflight_evacuation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
