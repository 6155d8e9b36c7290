/*
 * Fault injection (models/faults.c): scheduled faults and their recovery,
 * overlapping holds, notes on the bus, events.csv rows, random link failures
 * against MTBF / (MTBF + MTTR).
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
#include "validation.h"

/* Every note seen, with its time. */
struct seen {
	struct dcs_kernel *k;
	struct {
		double t;
		struct dcs_note n;
		bool degraded_now;
		double loss_now;
	} v[256];
	size_t n;
	struct dcs_net *net;
};

static void record(void *ctx, const struct dcs_note *note)
{
	struct seen *s = ctx;
	if (s->n >= sizeof(s->v) / sizeof(s->v[0]))
		return;
	s->v[s->n].t = dcs_time_to_s(dcs_now(s->k));
	s->v[s->n].n = *note;
	if (note->kind == DCS_NOTE_LINK_STATE) {
		s->v[s->n].degraded_now = dcs_net_link_degraded(s->net, note->index);
		s->v[s->n].loss_now = dcs_net_link_loss(s->net, note->index);
	}
	s->n++;
}

struct run {
	struct dcs_scenario *scn;
	struct dcs_world *w;
	struct seen *seen;
};

static struct run run_text(const char *text, uint64_t seed)
{
	struct harness h = h_open(text, seed);
	struct run r = {.scn = h.scn, .w = h.w};
	r.seen = calloc(1, sizeof(*r.seen));
	assert_non_null(r.seen);
	r.seen->k = r.w->k;
	r.seen->net = r.w->net;
	for (int k = 0; k < DCS_NOTE_KIND_COUNT; k++)
		if (k != DCS_NOTE_PATHS_CHANGED)
			dcs_bus_subscribe(r.w->bus, (enum dcs_note_kind)k, record, r.seen);
	h_finish(&h);
	return r;
}

static void run_free(struct run *r)
{
	dcs_world_destroy(r->w);
	dcs_scenario_free(r->scn);
	free(r->seen);
}

/* events.csv rows of this kind for this entity: their times, in order. */
static size_t event_times(struct dcs_world *w, const char *kind, const char *entity, double *t,
			  size_t max)
{
	struct dcs_table *tab = h_table(w->res, "events.csv");
	if (!tab)
		return 0;
	size_t n = 0;
	for (size_t r = 0; r < dcs_table_nrows(tab); r++)
		if (strcmp(dcs_table_cell(tab, r, 1), kind) == 0 &&
		    strcmp(dcs_table_cell(tab, r, 2), entity) == 0) {
			if (n < max)
				t[n] = strtod(dcs_table_cell(tab, r, 0), NULL);
			n++;
		}
	return n;
}

/* Link-state notes for one link with up as given: their times.  A cut is
 * noted when it happens (the link converging) and again when it is
 * detected and routing moves; only the first counts here. */
static size_t link_notes(const struct seen *s, int link, bool up, double *t, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].n.kind == DCS_NOTE_LINK_STATE && s->v[i].n.index == link &&
		    s->v[i].n.up == up && !s->v[i].n.degraded && (up || s->v[i].n.converging)) {
			if (n < max)
				t[n] = s->v[i].t;
			n++;
		}
	return n;
}

#define TOPO                                                                                       \
	"\"sites\": [{\"id\": \"dc1\", \"x\": 0, \"y\": 0}, {\"id\": \"dc2\", \"x\": 60, \"y\": "  \
	"0},"                                                                                      \
	" {\"id\": \"wit\", \"x\": 30, \"y\": 50}],"                                               \
	"\"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 60,"      \
	" \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"},"                                      \
	" {\"id\": \"dci2\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 80,"                 \
	" \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}],"

static void test_link_down_for(void **state)
{
	(void)state;
	struct run r =
	    run_text("{\"dcisim\": 1, \"name\": \"f\", \"duration_s\": 1000, " TOPO
		     "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\","
		     " \"for_s\": 60}]}",
		     1);
	double t[8];
	assert_int_equal(link_notes(r.seen, 0, false, t, 8), 1);
	assert_true(t[0] == 100);
	assert_int_equal(link_notes(r.seen, 0, true, t, 8), 1);
	assert_true(t[0] == 160);
	assert_int_equal(event_times(r.w, "fault", "dci1", t, 8), 1);
	assert_true(t[0] == 100);
	assert_int_equal(event_times(r.w, "recovery", "dci1", t, 8), 1);
	assert_true(t[0] == 160);
	assert_true(h_summary(r.w->res, "link_down_s", "dci1") == 60);
	dcs_validate("availability of a link down 60 s in 1000 s", "1 - 60 / 1000", 0.94,
		     h_summary(r.w->res, "link_availability", "dci1"), 0, 1e-12, "ratio");
	assert_true(fabs(h_summary(r.w->res, "link_availability", "dci1") - 0.94) < 1e-12);
	assert_true(h_summary(r.w->res, "link_failures", "dci1") == 1);
	assert_true(h_summary(r.w->res, "link_availability", "dci2") == 1);
	run_free(&r);
}

/* Overlapping holds: down from the first start to the latest end; a fault
 * without for_s holds until link_up. */
static void test_overlapping_holds(void **state)
{
	(void)state;
	struct run r = run_text(
	    "{\"dcisim\": 1, \"name\": \"f\", \"duration_s\": 1000, " TOPO
	    "\"faults\": [{\"at_s\": 100, \"kind\": \"link_down\", \"link\": \"dci1\", \"for_s\": "
	    "60},"
	    " {\"at_s\": 150, \"kind\": \"link_down\", \"link\": \"dci1\", \"for_s\": 100},"
	    " {\"at_s\": 400, \"kind\": \"link_down\", \"link\": \"dci2\"},"
	    " {\"at_s\": 420, \"kind\": \"link_down\", \"link\": \"dci2\", \"for_s\": 10},"
	    " {\"at_s\": 500, \"kind\": \"link_up\", \"link\": \"dci2\"}]}",
	    1);
	double t[8];
	assert_int_equal(link_notes(r.seen, 0, false, t, 8), 1);
	assert_int_equal(link_notes(r.seen, 0, true, t, 8), 1);
	assert_true(t[0] == 250);
	assert_true(h_summary(r.w->res, "link_down_s", "dci1") == 150);
	assert_int_equal(link_notes(r.seen, 1, true, t, 8), 1);
	assert_true(t[0] == 500); /* the 10 s fault inside did not end the open one */
	assert_true(h_summary(r.w->res, "link_down_s", "dci2") == 100);
	run_free(&r);
}

static void test_link_degrade(void **state)
{
	(void)state;
	struct run r =
	    run_text("{\"dcisim\": 1, \"name\": \"f\", \"duration_s\": 1000, " TOPO
		     "\"faults\": [{\"at_s\": 100, \"kind\": \"link_degrade\", \"link\": \"dci1\","
		     " \"loss\": 0.05, \"latency_ms\": 3, \"for_s\": 30},"
		     " {\"at_s\": 300, \"kind\": \"link_degrade\", \"link\": \"dci2\", "
		     "\"bandwidth_gbps\": 1},"
		     " {\"at_s\": 350, \"kind\": \"link_up\", \"link\": \"dci2\"}]}",
		     1);
	int deg = 0, restored = 0;
	for (size_t i = 0; i < r.seen->n; i++) {
		if (r.seen->v[i].n.kind != DCS_NOTE_LINK_STATE || r.seen->v[i].n.index != 0)
			continue;
		if (r.seen->v[i].n.degraded) {
			assert_true(r.seen->v[i].t == 100);
			assert_true(r.seen->v[i].loss_now == 0.05);
			deg++;
		} else {
			assert_true(r.seen->v[i].t == 130);
			assert_true(r.seen->v[i].loss_now == 0);
			restored++;
		}
	}
	assert_int_equal(deg, 1);
	assert_int_equal(restored, 1);
	assert_false(dcs_net_link_degraded(r.w->net, 1));
	double t[4];
	assert_int_equal(event_times(r.w, "recovery", "dci2", t, 4), 1);
	assert_true(t[0] == 350);
	/* Degradation is not downtime. */
	assert_true(h_summary(r.w->res, "link_availability", "dci1") == 1);
	run_free(&r);
}

/* Site, node, array and witness faults: the right note at the right time. */
static void test_other_entities(void **state)
{
	(void)state;
	struct run r = run_text(
	    "{\"dcisim\": 1, \"name\": \"f\", \"duration_s\": 1000, " TOPO
	    "\"storage\": {\"mode\": \"active_active\", \"preferred_site\": \"dc1\","
	    " \"witness_site\": \"wit\", \"arrays\": [{\"site\": \"dc1\"}, {\"site\": \"dc2\"}]},"
	    "\"clusters\": [{\"id\": \"db\", \"nodes\": [{\"id\": \"n1\", \"site\": \"dc1\"},"
	    " {\"id\": \"n2\", \"site\": \"dc2\"}], \"quorum\": \"none\"}],"
	    "\"faults\": [{\"at_s\": 10, \"kind\": \"site_down\", \"site\": \"dc2\", \"for_s\": 5},"
	    " {\"at_s\": 20, \"kind\": \"node_down\", \"node\": \"n2\", \"for_s\": 7},"
	    " {\"at_s\": 30, \"kind\": \"array_down\", \"site\": \"dc1\"},"
	    " {\"at_s\": 35, \"kind\": \"array_up\", \"site\": \"dc1\"},"
	    " {\"at_s\": 40, \"kind\": \"witness_down\", \"for_s\": 2}]}",
	    1);
	struct {
		enum dcs_note_kind kind;
		int index, sub;
		bool up;
		double t;
	} want[] = {
	    {DCS_NOTE_SITE_STATE, 1, 0, false, 10},    {DCS_NOTE_SITE_STATE, 1, 0, true, 15},
	    {DCS_NOTE_NODE_STATE, 0, 1, false, 20},    {DCS_NOTE_NODE_STATE, 0, 1, true, 27},
	    {DCS_NOTE_ARRAY_STATE, 0, 0, false, 30},   {DCS_NOTE_ARRAY_STATE, 0, 0, true, 35},
	    {DCS_NOTE_WITNESS_STATE, 2, 0, false, 40}, {DCS_NOTE_WITNESS_STATE, 2, 0, true, 42},
	};
	size_t k = 0;
	for (size_t i = 0; i < r.seen->n; i++) {
		const struct dcs_note *n = &r.seen->v[i].n;
		if (n->kind == DCS_NOTE_LINK_STATE || n->kind == DCS_NOTE_VM_MOVED ||
		    n->kind == DCS_NOTE_STORAGE_STATE || n->kind == DCS_NOTE_SERVICE_SITE)
			continue; /* what models say in answer to the faults */
		assert_true(k < sizeof(want) / sizeof(want[0]));
		assert_int_equal(n->kind, want[k].kind);
		assert_int_equal(n->index, want[k].index);
		if (n->kind == DCS_NOTE_NODE_STATE)
			assert_int_equal(n->sub, want[k].sub);
		assert_int_equal(n->up, want[k].up);
		assert_true(r.seen->v[i].t == want[k].t);
		k++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	double t[4];
	assert_int_equal(event_times(r.w, "fault", "witness@wit", t, 4), 1);
	assert_int_equal(event_times(r.w, "recovery", "n2", t, 4), 1);
	assert_true(t[0] == 27);
	run_free(&r);
}

/* Random failures: over a long run the measured availability matches
 * MTBF / (MTBF + MTTR) within 2%. */
static void test_random_availability(void **state)
{
	(void)state;
	const char *text =
	    "{\"dcisim\": 1, \"name\": \"r\", \"duration_s\": 10000000, \"seed\": 42,"
	    "\"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
	    "\"links\": [{\"id\": \"l1\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
	    " \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"mtbf_s\": 1000, \"mttr_s\": 100},"
	    " {\"id\": \"l2\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
	    " \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"mtbf_s\": 3600, \"mttr_s\": "
	    "600}],"
	    "\"output\": {\"sample_s\": 100000}}";
	struct run r = run_text(text, 42);
	dcs_validate("link availability, MTBF 1000 s, MTTR 100 s", "alternating renewal process",
		     1000.0 / 1100.0, h_summary(r.w->res, "link_availability", "l1"), 0.02, 0,
		     "ratio");
	dcs_validate("link availability, MTBF 3600 s, MTTR 600 s", "alternating renewal process",
		     3600.0 / 4200.0, h_summary(r.w->res, "link_availability", "l2"), 0.02, 0,
		     "ratio");
	/* The unavailability itself, the harder figure, within 5%. */
	dcs_validate("link unavailability, MTBF 1000 s, MTTR 100 s", "MTTR / (MTBF + MTTR)",
		     100.0 / 1100.0, h_summary(r.w->res, "link_down_s", "l1") / 1e7, 0.05, 0,
		     "ratio");
	assert_true(fabs(h_summary(r.w->res, "link_down_s", "l1") / 1e7 - 100.0 / 1100.0) <
		    0.05 * 100.0 / 1100.0);
	/* The number of failures: one per cycle of MTBF + MTTR, within 5%. */
	dcs_validate("link failures in 1e7 s, MTBF 1000 s, MTTR 100 s",
		     "one per renewal cycle: T / (MTBF + MTTR)", 1e7 / 1100.0,
		     h_summary(r.w->res, "link_failures", "l1"), 0.05, 0, "failures");
	assert_true(fabs(h_summary(r.w->res, "link_failures", "l1") - 1e7 / 1100.0) <
		    0.05 * 1e7 / 1100.0);
	run_free(&r);
}

/* A random repair does not lift a scheduled fault, and each link's draws
 * come from its own stream: adding a link leaves the others' failures alone. */
static void test_random_streams(void **state)
{
	(void)state;
	const char *one =
	    "{\"dcisim\": 1, \"name\": \"r\", \"duration_s\": 100000,"
	    "\"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
	    "\"links\": [{\"id\": \"l1\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
	    " \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"mtbf_s\": 5000, \"mttr_s\": "
	    "500}],"
	    "\"faults\": [{\"at_s\": 0, \"kind\": \"link_down\", \"link\": \"l1\", \"for_s\": "
	    "20000}]}";
	const char *two =
	    "{\"dcisim\": 1, \"name\": \"r\", \"duration_s\": 100000,"
	    "\"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
	    "\"links\": [{\"id\": \"l0\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
	    " \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"mtbf_s\": 700, \"mttr_s\": 70},"
	    " {\"id\": \"l1\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,"
	    " \"bandwidth_gbps\": 10, \"technology\": \"dwdm\", \"mtbf_s\": 5000, \"mttr_s\": "
	    "500}],"
	    "\"faults\": [{\"at_s\": 0, \"kind\": \"link_down\", \"link\": \"l1\", \"for_s\": "
	    "20000}]}";
	struct run a = run_text(one, 5), b = run_text(two, 5);
	double ta[64], tb[64];
	size_t na = event_times(a.w, "fault", "l1", ta, 64);
	size_t nb = event_times(b.w, "fault", "l1", tb, 64);
	assert_true(na > 3);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na && i < 64; i++)
		assert_true(ta[i] == tb[i]);
	/* The link stayed down through the scheduled 20000 s whatever the random repairs. */
	double up[64];
	size_t nu = link_notes(a.seen, 0, true, up, 64);
	assert_true(nu >= 1);
	assert_true(up[0] >= 20000);
	run_free(&a);
	run_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_link_down_for),       cmocka_unit_test(test_overlapping_holds),
	    cmocka_unit_test(test_link_degrade),        cmocka_unit_test(test_other_entities),
	    cmocka_unit_test(test_random_availability), cmocka_unit_test(test_random_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
