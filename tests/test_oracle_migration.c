/*
 * Independent oracles for the live-migration model's slowing rules
 * (models/migration.c): QEMU auto-converge and vMotion stun (SDPS).
 *
 * The expected round-by-round figures come from a small reference
 * implementation of the pre-copy recurrence written here from
 * reference/live-migration.md, not from the model:
 * - §1.1: V_0 = M, V_{i+1} = min(D_i x T_i, WWS) rounded up to pages,
 *   T_i = V_i / B; stop-and-copy once V_{i+1} <= B x max_downtime;
 *   downtime = V_n / B + one RTT + switchover.
 * - §2.2 auto-converge: a round whose dirty bytes exceed 50 % of the bytes
 *   it sent counts one hit; at the second hit the throttle is set (20 %,
 *   then +10 % each further time, at most 99 %) and the count restarts.  A
 *   throttled vCPU sleeps pct / (1 - pct) x 10 ms per 10 ms timeslice, so it
 *   runs 10 / (10 + 10 pct / (1 - pct)) = 1 - pct of the time and dirties at
 *   D x (1 - pct).
 * - §2.3 SDPS and the model's documented stun rule (models/migration.c
 *   header, docs/models.md §2): a round whose dirty set is not smaller than
 *   what it sent stuns the guest to dirty at most half the measured rate.
 * B is the migration's rate: here always the engine's rate cap, set below
 * the link's goodput (1460 / 1538 of 10 Gbps), so the link is never
 * saturated and no queue or window enters the rate.
 *
 * Tolerances: one page per round for bytes (each round is rounded up to
 * whole pages, and the kernel rounds every round's end up to the next ns);
 * times: the bytes' tolerance over B plus 10 ns per round, plus 1 us for
 * the queueing delay a lightly loaded link may add to the final round trip.
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
#include "dcisim/world.h"
#include "harness.h"
#include "validation.h"

#define GIB  1073741824.0
#define MIB  1048576.0
#define PAGE 4096.0

#define MAX_ROUNDS 256

static double num(struct dcs_table *t, size_t row, const char *col)
{
	return strtod(dcs_table_cell(t, row, h_col(t, col)), NULL);
}

static const char *txt(struct dcs_table *t, size_t row, const char *col)
{
	return dcs_table_cell(t, row, h_col(t, col));
}

static struct dcs_table *need_table(struct harness *h, const char *file)
{
	struct dcs_table *t = h_table(h->w->res, file);
	if (!t)
		fail_msg("no %s", file);
	return t;
}

/* ---- the reference pre-copy recurrence ---- */

struct ref_round {
	double bytes;    /* V_i */
	double dirty;    /* dirty set at its end, V_{i+1} */
	double throttle; /* auto-converge throttle set after this round, or -1 */
	bool stunned;    /* the stun rule fired after this round */
};

struct ref_run {
	int live_rounds;
	double final_bytes;
	struct ref_round r[MAX_ROUNDS];
	double throttles[MAX_ROUNDS];
	int n_throttles;
	int n_stuns;
};

static double pages_up(double bytes)
{
	return bytes <= 0 ? 0 : ceil(bytes / PAGE - 1e-9) * PAGE;
}

/* M bytes of memory dirtied at D bytes/s within a writable working set W,
 * sent at B bytes/s; the stop threshold B x tdown. */
static void reference(double M, double D, double W, double B, double tdown, bool autoconv,
		      bool stun, struct ref_run *out)
{
	memset(out, 0, sizeof(*out));
	double V = pages_up(M), pct = 0, allowed = INFINITY;
	int hits = 0;
	for (int i = 0; i < MAX_ROUNDS; i++) {
		struct ref_round *r = &out->r[i];
		double T = V / B;
		double rate = fmin(D * (1 - pct), allowed);
		double next = fmin(pages_up(rate * T), W);
		r->bytes = V;
		r->dirty = next;
		r->throttle = -1;
		if (autoconv && next > 0.5 * V && ++hits >= 2) {
			hits = 0;
			pct = pct == 0 ? 0.20 : fmin(pct + 0.10, 0.99);
			r->throttle = pct;
			out->throttles[out->n_throttles++] = pct;
		}
		if (next <= B * tdown) {
			out->live_rounds = i + 1;
			out->final_bytes = next;
			return;
		}
		if (stun && next >= V && 0.5 * B < allowed) {
			allowed = 0.5 * B;
			r->stunned = true;
			out->n_stuns++;
		}
		V = next;
	}
	fail_msg("the reference did not converge in %d rounds", MAX_ROUNDS);
}

/* ---- a run ---- */

static struct harness run_migration(const char *vm_extra, const char *policy, double duration)
{
	char json[2048];
	snprintf(
	    json, sizeof(json),
	    "{\"dcisim\": 1, \"name\": \"slow\", \"seed\": 1, \"duration_s\": %g,"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}],"
	    " \"links\": [{\"id\": \"dci\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 10,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}],"
	    " \"vms\": [{\"id\": \"vm\", \"site\": \"dc1\", %s}],"
	    " \"migrations\": [{\"vm\": \"vm\", \"to\": \"dc2\", \"at_s\": 0}],"
	    " \"migration\": {%s}}",
	    duration, vm_extra, policy);
	struct harness h = h_open(json, H_SCENARIO_SEED);
	h.w->verbosity = -1;
	h_finish(&h);
	return h;
}

/* Compares rounds.csv, events.csv and migrations.csv with the reference. */
static void check_against(struct harness *h, const struct ref_run *ref, double B, double rtt_s,
			  double sw_s, const char *label, const char *slow_event)
{
	struct dcs_table *rt = need_table(h, "rounds.csv");
	struct dcs_table *mt = need_table(h, "migrations.csv");
	char name[192];
	/* The round count first, so that a wrong one fails on the figure. */
	size_t n_live = 0;
	for (size_t i = 0; i < dcs_table_nrows(rt); i++)
		n_live += strcmp(txt(rt, i, "phase"), "live") == 0;
	snprintf(name, sizeof(name), "%s: live rounds", label);
	dcs_validate(name, "reference recurrence", ref->live_rounds, num(mt, 0, "rounds"), 0, 0,
		     "rounds");
	dcs_validate(name, "reference recurrence (rounds.csv)", ref->live_rounds, (double)n_live, 0,
		     0, "rounds");
	size_t live = 0;
	double sum = 0;
	for (size_t i = 0; i < dcs_table_nrows(rt); i++) {
		if (strcmp(txt(rt, i, "phase"), "live") != 0)
			continue;
		const struct ref_round *r = &ref->r[live];
		double tol = (double)(live + 1) * PAGE;
		if (live < 12 || live + 1 == (size_t)ref->live_rounds) {
			snprintf(name, sizeof(name), "%s: round %zu bytes", label, live);
			dcs_validate(
			    name, "live-migration.md 1.1, 2.2 / 2.3 (reference recurrence)",
			    r->bytes / MIB, num(rt, i, "bytes") / MIB, 0, tol / MIB, "MiB");
		} else {
			assert_true(fabs(num(rt, i, "bytes") - r->bytes) <= tol);
		}
		assert_true(fabs(num(rt, i, "dirty_bytes_at_end") - r->dirty) <= tol);
		sum += r->bytes;
		live++;
	}
	double tol_bytes = (ref->live_rounds + 1.0) * PAGE;
	snprintf(name, sizeof(name), "%s: bytes sent", label);
	dcs_validate(name, "reference recurrence: sum of rounds + final copy",
		     (sum + ref->final_bytes) / MIB, num(mt, 0, "bytes_sent") / MIB, 0,
		     tol_bytes * (ref->live_rounds + 1) / MIB, "MiB");
	double tol_t =
	    tol_bytes * (ref->live_rounds + 1) / B + 1e-8 * (ref->live_rounds + 2) + 1e-6;
	snprintf(name, sizeof(name), "%s: downtime", label);
	dcs_validate(name, "live-migration.md 5: V_n / B + RTT + switchover",
		     (ref->final_bytes / B + rtt_s + sw_s) * 1e3, num(mt, 0, "downtime_ms"), 0,
		     (tol_bytes / B + 1e-6) * 1e3, "ms");
	snprintf(name, sizeof(name), "%s: total time", label);
	dcs_validate(name, "live-migration.md 1.1: sum of V_i / B + downtime",
		     (sum + ref->final_bytes) / B + rtt_s + sw_s, num(mt, 0, "total_s"), 0, tol_t,
		     "s");
	assert_string_equal(txt(mt, 0, "outcome"), "stunned");
	/* The slowing events, in order, with the figures the reference expects. */
	struct dcs_table *ev = need_table(h, "events.csv");
	int seen = 0;
	for (size_t i = 0; i < dcs_table_nrows(ev); i++) {
		if (strcmp(txt(ev, i, "kind"), slow_event) != 0)
			continue;
		const char *d = txt(ev, i, "detail");
		if (strcmp(slow_event, "auto_converge") == 0) {
			assert_true(seen < ref->n_throttles);
			const char *pct = strstr(d, "guest throttled ");
			assert_non_null(pct);
			snprintf(name, sizeof(name), "%s: throttle step %d", label, seen);
			dcs_validate(
			    name, "live-migration.md 2.2 auto-converge (20 %, +10 %, 99 %)",
			    ref->throttles[seen] * 100, strtod(pct + 16, NULL), 0, 0.5, "%");
		} else {
			double mib_s = strtod(strstr(d, "at most ") + 8, NULL);
			snprintf(name, sizeof(name), "%s: stunned dirty rate", label);
			dcs_validate(name, "models/migration.c stun: half the measured rate",
				     B / 2 / MIB, mib_s, 1e-5, 0, "MiB/s");
		}
		seen++;
	}
	int want_events =
	    strcmp(slow_event, "auto_converge") == 0 ? ref->n_throttles : ref->n_stuns;
	snprintf(name, sizeof(name), "%s: %s steps", label, slow_event);
	dcs_validate(name, "reference recurrence", want_events, seen, 0, 0, "steps");
}

/* QEMU auto-converge on a guest dirtying 200 MiB/s in a 1 GiB working set
 * against the 128 MiB/s max-bandwidth: the throttle climbs 20, 30, 40 %...
 * every second round until the dirty set shrinks by more than half a round. */
static void test_qemu_auto_converge_steps(void **state)
{
	(void)state;
	struct harness h = run_migration(
	    "\"memory_gib\": 4, \"dirty_mib_s\": 200, \"wws_gib\": 1",
	    "\"engine\": \"qemu\", \"auto_converge\": true, \"switchover_ms\": 9", 2000);
	double B = 128 * MIB; /* live-migration.md 2.2 max-bandwidth */
	struct ref_run ref;
	reference(4 * GIB, 200 * MIB, 1 * GIB, B, 0.300, true, false, &ref);
	/* The scenario exercises the whole ladder up to where it converges. */
	assert_true(ref.n_throttles >= 5);
	assert_true(ref.throttles[0] == 0.20);
	check_against(&h, &ref, B, 2 * 10 * 4.9e-6, 0.009, "qemu auto-converge (4 GiB, 200 MiB/s)",
		      "auto_converge");
	h_close(&h);
}

/* Ladder to the top: a guest dirtying 10 GiB/s against 128 MiB/s shrinks
 * its dirty set only above 98.75 %; the throttle stops at 99 %
 * (max-cpu-throttle), where it dirties 102.4 MiB/s and converges. */
static void test_qemu_auto_converge_cap(void **state)
{
	(void)state;
	struct harness h = run_migration(
	    "\"memory_gib\": 1, \"dirty_mib_s\": 10240, \"wws_gib\": 0.25",
	    "\"engine\": \"qemu\", \"auto_converge\": true, \"switchover_ms\": 9", 4000);
	double B = 128 * MIB;
	struct ref_run ref;
	reference(1 * GIB, 10240 * MIB, 0.25 * GIB, B, 0.300, true, false, &ref);
	assert_true(ref.throttles[ref.n_throttles - 1] == 0.99);
	check_against(&h, &ref, B, 2 * 10 * 4.9e-6, 0.009, "qemu auto-converge to 99 %",
		      "auto_converge");
	h_close(&h);
}

/* vMotion stun: the second round re-sends the whole working set (no
 * progress), the guest is held to half the 100 MiB/s rate, and each round
 * then halves: 2048, 1024, ... 64 MiB, then 32 MiB in the switchover. */
static void test_vmotion_stun_fraction(void **state)
{
	(void)state;
	struct harness h = run_migration(
	    "\"memory_gib\": 8, \"dirty_mib_s\": 300, \"wws_gib\": 2",
	    "\"engine\": \"vmotion\", \"rate_cap_mib_s\": 100, \"switchover_ms\": 100", 2000);
	double B = 100 * MIB;
	struct ref_run ref;
	reference(8 * GIB, 300 * MIB, 2 * GIB, B, 0.500, false, true, &ref);
	assert_int_equal(ref.n_stuns, 1);
	assert_int_equal(ref.live_rounds, 8);
	assert_true(ref.final_bytes == 32 * MIB);
	check_against(&h, &ref, B, 2 * 10 * 4.9e-6, 0.100, "vMotion stun (8 GiB, 300 MiB/s)",
		      "stun");
	h_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qemu_auto_converge_steps),
	    cmocka_unit_test(test_qemu_auto_converge_cap),
	    cmocka_unit_test(test_vmotion_stun_fraction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
