/*
 * Tests of the viewer without a window (viz/, include/dcisim/viz.h) and of
 * observation taps and traces (sim/observe/trace.c).
 *
 * - Snapshots: the saved BMP has the asked size; every site's marker pixel
 *   has the site colour; a saturated link is drawn in the hot colour and an
 *   idle one is not; a cut link is drawn as two stubs with a gap; the same
 *   on the demos at fixed times (a migration saturating its link, a DCI cut),
 *   and the drawing agrees with the world's link state everywhere.
 * - The viewer changes no results: every table of a run watched by the
 *   viewer (advanced in odd steps, stepped event by event, restarted) equals,
 *   cell for cell, the run of `dcisim run`; a run writing a trace too.
 * - Replay: a trace replayed draws the same event log as the live run and,
 *   where nothing is estimated (no migration in flight), the same pixels.
 * Exits 77 (skip) in a build without SDL2 or on a machine without a font.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "dcisim/results.h"
#include "run.h"
#include "dcisim/trace.h"
#include "dcisim/viz.h"
#include "dcisim/world.h"

#define W 1024
#define H 640

static const char *const demos[] = {
    "scenarios/demos/demo-storage-distance.json",
    "scenarios/demos/demo-vmotion-converge-vs-stun.json",
    "scenarios/demos/demo-trombone.json",
    "scenarios/demos/demo-dci-cut-witness.json",
    "scenarios/demos/demo-l2-technologies.json",
};

static struct dcs_scenario *load(const char *path)
{
	int nerr = 0;
	struct dcs_scenario *s = dcs_scenario_load_file(path, stderr, &nerr);
	assert_non_null(s);
	return s;
}

static struct dcs_viz *open_viz(const struct dcs_scenario *scn, const char *replay)
{
	struct dcs_viz_opts o = {.speed = 1,
				 .snapshot_s = 0,
				 .width = W,
				 .height = H,
				 .replay_path = replay,
				 .verbosity = -1};
	struct dcs_viz *v = dcs_viz_create(scn, &o, stderr);
	assert_non_null(v);
	return v;
}

static void tmpname(char *buf, size_t n, const char *what)
{
	snprintf(buf, n, "/tmp/dcisim-test-viz-%ld-%s", (long)getpid(), what);
}

/* A BMP file's size and the pixel at (x, y), 24 or 32 bits, uncompressed or
 * with bit fields in the usual order. */
struct bmp {
	int w, h, bpp;
	bool top_down;
	unsigned char *data;
	size_t len, off, stride;
};

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void bmp_load(struct bmp *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	b->len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b->data = malloc(b->len);
	assert_non_null(b->data);
	assert_int_equal(fread(b->data, 1, b->len, f), b->len);
	fclose(f);
	assert_true(b->len > 54 && b->data[0] == 'B' && b->data[1] == 'M');
	b->off = le32(b->data + 10);
	b->w = (int32_t)le32(b->data + 18);
	int32_t h = (int32_t)le32(b->data + 22);
	b->top_down = h < 0;
	b->h = h < 0 ? -h : h;
	b->bpp = b->data[28] | b->data[29] << 8;
	assert_true(b->bpp == 24 || b->bpp == 32);
	b->stride = ((size_t)b->w * (size_t)b->bpp / 8 + 3) & ~(size_t)3;
	assert_true(b->off + b->stride * (size_t)b->h <= b->len);
}

static long bmp_pixel(const struct bmp *b, int x, int y)
{
	int row = b->top_down ? y : b->h - 1 - y;
	const unsigned char *p =
	    b->data + b->off + (size_t)row * b->stride + (size_t)x * (size_t)(b->bpp / 8);
	return (long)p[2] << 16 | (long)p[1] << 8 | p[0]; /* stored B, G, R */
}

/* The pixel a fraction f along a link, as drawn. */
static long link_px(const struct dcs_viz *v, int link, double f)
{
	int x, y;
	dcs_viz_link_xy(v, link, f, &x, &y);
	return dcs_viz_pixel(v, x, y);
}

static void assert_sites_drawn(const struct dcs_viz *v, const struct dcs_scenario *scn,
			       const struct dcs_world *w)
{
	for (size_t s = 0; s < scn->n_sites; s++) {
		int x, y;
		dcs_viz_site_xy(v, (int)s, &x, &y);
		assert_true(x >= 0 && x < W && y >= 0 && y < H);
		long want =
		    !w || dcs_net_site_up(w->net, (int)s) ? DCS_VIZ_SITE_RGB : DCS_VIZ_DOWN_RGB;
		if (dcs_viz_pixel(v, x, y) != want)
			fail_msg("%s: site %s at (%d, %d) is #%06lx, not #%06lx", scn->name,
				 scn->sites[s].id, x, y, dcs_viz_pixel(v, x, y), want);
	}
}

/* A cut link: stubs at both ends in the cut colour, background in the gap. */
static void assert_cut(const struct dcs_viz *v, int link)
{
	assert_int_equal(link_px(v, link, 0.2), DCS_VIZ_CUT_RGB);
	assert_int_equal(link_px(v, link, 0.8), DCS_VIZ_CUT_RGB);
	assert_int_equal(link_px(v, link, 0.44), DCS_VIZ_BG_RGB);
	assert_int_equal(link_px(v, link, 0.56), DCS_VIZ_BG_RGB);
}

/* The wire utilisation the viewer colours by: flows' goodput on the wire
 * plus background, over the line rate, busier direction. */
static double wire_util(const struct dcs_world *w, int l)
{
	const struct dcs_link_cfg *c = &w->scn->links[l];
	double bw = dcs_net_link_bandwidth_gbps(w->net, l) * 1e9;
	double r = fmax(dcs_net_link_rate_Bps(w->net, l, 0), dcs_net_link_rate_Bps(w->net, l, 1));
	return bw > 0 ? (r * 8 / dcs_link_cfg_goodput_fraction(c) + c->background_gbps * 1e9) / bw
		      : 0;
}

/* The drawing agrees with the world's link state: down links are cut, links
 * at 90 % or more are hot, the others are neither. */
static int assert_links_match_world(const struct dcs_viz *v, const struct dcs_world *w)
{
	int hot = 0;
	for (size_t l = 0; l < w->scn->n_links; l++) {
		int li = (int)l;
		if (!dcs_net_link_up(w->net, li)) {
			assert_cut(v, li);
			continue;
		}
		long px = link_px(v, li, 0.3);
		if (dcs_net_link_degraded(w->net, li))
			continue; /* dashed: the sample may fall in a gap */
		if (wire_util(w, li) >= 0.9 - 1e-9) {
			if (px != DCS_VIZ_HOT_RGB)
				fail_msg("%s: link %s at %.0f%% drawn #%06lx", w->scn->name,
					 w->scn->links[l].id, 100 * wire_util(w, li), px);
			hot++;
		} else {
			assert_int_not_equal(px, DCS_VIZ_HOT_RGB);
			assert_int_not_equal(px, DCS_VIZ_CUT_RGB);
		}
	}
	return hot;
}

static const char synthetic[] =
    "{\"dcisim\": 1, \"name\": \"viz-synthetic\", \"duration_s\": 10,\n"
    " \"sites\": [{\"id\": \"a\", \"x\": 0, \"y\": 0}, {\"id\": \"b\", \"x\": 100, \"y\": 0},\n"
    "           {\"id\": \"c\", \"x\": 50, \"y\": 70}, {\"id\": \"d\", \"x\": 0, \"y\": -60},\n"
    "           {\"id\": \"e\", \"x\": 100, \"y\": -60}],\n"
    " \"links\": [{\"id\": \"ab\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10, "
    "\"bandwidth_gbps\": 10},\n"
    "           {\"id\": \"bc\", \"a\": \"b\", \"b\": \"c\", \"distance_km\": 10, "
    "\"bandwidth_gbps\": 10},\n"
    "           {\"id\": \"ca\", \"a\": \"c\", \"b\": \"a\", \"distance_km\": 10, "
    "\"bandwidth_gbps\": 10},\n"
    "           {\"id\": \"ad\", \"a\": \"a\", \"b\": \"d\", \"distance_km\": 10, "
    "\"bandwidth_gbps\": 10,\n"
    "            \"background_gbps\": 2},\n"
    "           {\"id\": \"be\", \"a\": \"b\", \"b\": \"e\", \"distance_km\": 10, "
    "\"bandwidth_gbps\": 10}]}\n";

/* A flow from a to b at a demand that puts the wire at utilisation u
 * (background included). */
static void load_link(struct dcs_world *w, int from, int to, int link, double u)
{
	const struct dcs_link_cfg *c = &w->scn->links[link];
	double bps = u * c->bandwidth_gbps * 1e9 - c->background_gbps * 1e9;
	struct dcs_flow_spec f = {.src = from,
				  .dst = to,
				  .bytes = INFINITY,
				  .demand_Bps = bps / 8 * dcs_link_cfg_goodput_fraction(c),
				  .streams = 1,
				  .label = "test-load"};
	assert_non_null(dcs_flow_start(w->net, &f));
}

/* Hot, half-busy and cut links on a synthetic triangle, the test driving the
 * network itself; and the BMP on disk is the image drawn. */
static void test_snapshot_synthetic(void **state)
{
	(void)state;
	int nerr = 0;
	struct dcs_scenario *scn =
	    dcs_scenario_load_text(synthetic, strlen(synthetic), "synthetic", stderr, &nerr);
	assert_non_null(scn);
	struct dcs_viz *v = open_viz(scn, NULL);
	assert_int_equal(dcs_viz_advance(v, 1.0), 0);
	struct dcs_world *w = dcs_viz_world(v);
	assert_non_null(w);
	struct dcs_flow_spec full = {.src = 0,
				     .dst = 1,
				     .bytes = INFINITY,
				     .demand_Bps = INFINITY,
				     .streams = 1,
				     .label = "test-full"};
	assert_non_null(dcs_flow_start(w->net, &full));
	load_link(w, 2, 0, 2, 0.5);  /* ca half busy */
	load_link(w, 0, 3, 3, 0.91); /* ad just past the hot threshold, background counted */
	load_link(w, 1, 4, 4, 0.88); /* be just below it */
	dcs_net_set_link_up(w->net, 1, false);
	assert_int_equal(dcs_viz_advance(v, 2.0), 0);
	assert_int_equal(dcs_viz_render(v), 0);

	assert_sites_drawn(v, scn, w);
	assert_int_equal(link_px(v, 0, 0.3), DCS_VIZ_HOT_RGB);
	assert_int_equal(link_px(v, 0, 0.7), DCS_VIZ_HOT_RGB);
	assert_cut(v, 1);
	long half_px = link_px(v, 2, 0.3);
	assert_int_not_equal(half_px, DCS_VIZ_HOT_RGB);
	assert_int_not_equal(half_px, DCS_VIZ_CUT_RGB);
	assert_int_not_equal(half_px, DCS_VIZ_BG_RGB);
	assert_int_equal(link_px(v, 3, 0.3), DCS_VIZ_HOT_RGB);
	assert_int_not_equal(link_px(v, 4, 0.3), DCS_VIZ_HOT_RGB);
	assert_int_equal(assert_links_match_world(v, w), 2);

	char path[256];
	tmpname(path, sizeof(path), "synthetic.bmp");
	assert_int_equal(dcs_viz_save_bmp(v, path, stderr), 0);
	struct bmp b;
	bmp_load(&b, path);
	assert_int_equal(b.w, W);
	assert_int_equal(b.h, H);
	int x, y;
	dcs_viz_site_xy(v, 0, &x, &y);
	assert_int_equal(bmp_pixel(&b, x, y), DCS_VIZ_SITE_RGB);
	dcs_viz_link_xy(v, 0, 0.3, &x, &y);
	assert_int_equal(bmp_pixel(&b, x, y), DCS_VIZ_HOT_RGB);
	dcs_viz_link_xy(v, 1, 0.2, &x, &y);
	assert_int_equal(bmp_pixel(&b, x, y), DCS_VIZ_CUT_RGB);
	free(b.data);
	unlink(path);

	/* Mended, the link is drawn whole again. */
	dcs_net_set_link_up(w->net, 1, true);
	assert_int_equal(dcs_viz_advance(v, 3.0), 0);
	assert_int_equal(dcs_viz_render(v), 0);
	assert_int_not_equal(link_px(v, 1, 0.5), DCS_VIZ_BG_RGB);
	assert_int_not_equal(link_px(v, 1, 0.2), DCS_VIZ_CUT_RGB);
	dcs_viz_destroy(v);
	dcs_scenario_free(scn);
}

/* The demos at fixed times: sizes, site markers, and the link colours the
 * world's state calls for, with the effect each demo shows. */
static void test_snapshot_demos(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		double t;
		const char *hot, *cut; /* a link that must be hot / cut then */
	} cases[] = {
	    {"scenarios/demos/demo-vmotion-converge-vs-stun.json", 8, "dci-hot", NULL},
	    {"scenarios/demos/demo-vmotion-converge-vs-stun.json", 8, "dci-calm", NULL},
	    {"scenarios/demos/demo-dci-cut-witness.json", 20, NULL, "dci1"},
	    {"scenarios/demos/demo-dci-cut-witness.json", 20, NULL, "dci2"},
	    {"scenarios/demos/demo-l2-technologies.json", 35, NULL, "work-evi"},
	    {"scenarios/demos/demo-l2-technologies.json", 6, "work-dwdm", NULL},
	    {"scenarios/demos/demo-trombone.json", 6, "dci1", NULL},
	    {"scenarios/demos/demo-storage-distance.json", 10, NULL, NULL},
	    {"scenarios/demos/demo-storage-distance.json", 20, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dcs_scenario *scn = load(cases[i].file);
		struct dcs_viz *v = open_viz(scn, NULL);
		assert_int_equal(dcs_viz_advance(v, cases[i].t), 0);
		assert_int_equal(dcs_viz_render(v), 0);
		struct dcs_world *w = dcs_viz_world(v);
		assert_sites_drawn(v, scn, w);
		assert_links_match_world(v, w);
		for (size_t l = 0; l < scn->n_links; l++) {
			if (cases[i].hot && !strcmp(scn->links[l].id, cases[i].hot))
				assert_int_equal(link_px(v, (int)l, 0.3), DCS_VIZ_HOT_RGB);
			if (cases[i].cut && !strcmp(scn->links[l].id, cases[i].cut))
				assert_cut(v, (int)l);
		}
		char path[256];
		tmpname(path, sizeof(path), "demo.bmp");
		assert_int_equal(dcs_viz_save_bmp(v, path, stderr), 0);
		struct bmp b;
		bmp_load(&b, path);
		assert_int_equal(b.w, W);
		assert_int_equal(b.h, H);
		free(b.data);
		unlink(path);
		dcs_viz_destroy(v);
		dcs_scenario_free(scn);
	}
}

static void assert_same_results(struct dcs_results *a, struct dcs_results *b, const char *what)
{
	size_t n = dcs_results_n_tables(a);
	assert_int_equal(n, dcs_results_n_tables(b));
	for (size_t i = 0; i < n; i++) {
		const struct dcs_table *ta = dcs_results_table_at(a, i),
				       *tb = dcs_results_table_at(b, i);
		assert_string_equal(dcs_table_file(ta), dcs_table_file(tb));
		assert_int_equal(dcs_table_ncols(ta), dcs_table_ncols(tb));
		if (dcs_table_nrows(ta) != dcs_table_nrows(tb))
			fail_msg("%s: %s has %zu rows, %zu without the viewer", what,
				 dcs_table_file(tb), dcs_table_nrows(tb), dcs_table_nrows(ta));
		for (size_t r = 0; r < dcs_table_nrows(ta); r++)
			for (size_t c = 0; c < dcs_table_ncols(ta); c++)
				if (strcmp(dcs_table_cell(ta, r, c), dcs_table_cell(tb, r, c)) != 0)
					fail_msg("%s: %s row %zu column %s: '%s' with the viewer, "
						 "'%s' without",
						 what, dcs_table_file(ta), r + 1,
						 dcs_table_col(ta, c), dcs_table_cell(tb, r, c),
						 dcs_table_cell(ta, r, c));
	}
}

static struct dcs_results *plain_run(const struct dcs_scenario *scn, const char *trace)
{
	struct dcs_run_opts o = {.verbosity = -1, .trace_path = trace};
	struct dcs_results *res = NULL;
	assert_int_equal(dcs_run_scenario(scn, &o, &res, stderr), 0);
	assert_non_null(res);
	return res;
}

/* Every demo and the default scenario: the viewer's run equals the plain run,
 * cell for cell, however the viewer advances; and so does a traced run. */
static void test_viewer_changes_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i <= sizeof(demos) / sizeof(demos[0]); i++) {
		struct dcs_scenario *scn;
		if (i < sizeof(demos) / sizeof(demos[0])) {
			scn = load(demos[i]);
		} else {
			int nerr = 0;
			scn = dcs_scenario_load_text(dcs_default_scenario,
						     strlen(dcs_default_scenario), "default.json",
						     stderr, &nerr);
			assert_non_null(scn);
		}
		struct dcs_results *plain = plain_run(scn, NULL);

		/* Odd frame steps, a few event steps, a restart, then to the end. */
		struct dcs_viz *v = open_viz(scn, NULL);
		assert_int_equal(dcs_viz_advance(v, 2.3), 0);
		assert_int_equal(dcs_viz_restart(v), 0);
		assert_true(dcs_viz_time(v) == 0);
		for (double t = 0.37; !dcs_viz_finished(v); t += 0.37 * (1 + fmod(t, 3.1))) {
			assert_int_equal(dcs_viz_advance(v, t), 0);
			if (fabs(t - 4.5) < 0.4)
				for (int k = 0; k < 3; k++)
					dcs_viz_step(v);
		}
		assert_same_results(plain, dcs_viz_world(v)->res, scn->name);
		dcs_viz_destroy(v);

		char trace[256];
		tmpname(trace, sizeof(trace), "trace");
		struct dcs_results *traced = plain_run(scn, trace);
		assert_same_results(plain, traced, scn->name);
		struct dcs_trace_reader *rd = dcs_trace_load(trace, stderr);
		assert_non_null(rd);
		assert_string_equal(dcs_trace_scenario_name(rd), scn->name);
		bool complete = false;
		assert_true(dcs_trace_end(rd, &complete) == dcs_time_from_s(scn->duration_s) ||
			    dcs_trace_end(rd, &complete) <= dcs_time_from_s(scn->duration_s));
		assert_true(complete);
		dcs_trace_reader_free(rd);
		unlink(trace);
		dcs_results_destroy(traced);
		dcs_results_destroy(plain);
		dcs_scenario_free(scn);
	}
}

/* A replayed trace gives the live run's event log, and where nothing is
 * estimated the same picture (below the title bar, which says "replay"). */
static void test_replay_matches_live(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
		struct dcs_scenario *scn = load(demos[i]);
		char trace[256];
		tmpname(trace, sizeof(trace), "replay");
		dcs_results_destroy(plain_run(scn, trace));
		struct dcs_viz *live = open_viz(scn, NULL), *rep = open_viz(scn, trace);
		assert_null(dcs_viz_world(rep));
		assert_int_equal(dcs_viz_advance(live, scn->duration_s), 0);
		assert_int_equal(dcs_viz_advance(rep, scn->duration_s), 0);
		assert_true(dcs_viz_finished(live) && dcs_viz_finished(rep));
		assert_true(dcs_viz_log_count(live) > 0 || strstr(scn->name, "storage"));
		assert_int_equal(dcs_viz_log_count(live), dcs_viz_log_count(rep));
		for (int k = 0; k < dcs_viz_log_count(live); k++)
			assert_string_equal(dcs_viz_log_line(live, k), dcs_viz_log_line(rep, k));
		assert_int_equal(dcs_viz_render(live), 0);
		assert_int_equal(dcs_viz_render(rep), 0);
		long differ = 0;
		for (int y = 40; y < H; y++)
			for (int x = 0; x < W; x++)
				differ += dcs_viz_pixel(live, x, y) != dcs_viz_pixel(rep, x, y);
		assert_int_equal(differ, 0);
		dcs_viz_destroy(live);
		dcs_viz_destroy(rep);
		unlink(trace);
		dcs_scenario_free(scn);
	}
}

/* Whether a tooltip box is drawn just below and right of the pointer. */
static bool tooltip_at(struct dcs_viz *v, int x, int y)
{
	dcs_viz_set_pointer(v, x, y);
	assert_int_equal(dcs_viz_render(v), 0);
	return dcs_viz_pixel(v, x + 20, y + 20) == DCS_VIZ_TIP_RGB &&
	       dcs_viz_pixel(v, x + 30, y + 18) == DCS_VIZ_TIP_RGB;
}

/* The mouse over a link or a VM shows its figures; over empty space, nothing. */
static void test_tooltip(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load("scenarios/demos/demo-vmotion-converge-vs-stun.json");
	struct dcs_viz *v = open_viz(scn, NULL);
	assert_int_equal(dcs_viz_advance(v, 1.0), 0);
	int x, y;
	dcs_viz_link_xy(v, 0, 0.25, &x, &y);
	assert_true(tooltip_at(v, x, y));
	/* The calm VM's square sits above its site. */
	dcs_viz_site_xy(v, 0, &x, &y);
	bool found = false;
	for (int dy = 14; dy < 40 && !found; dy++)
		found = tooltip_at(v, x, y - dy);
	assert_true(found);
	dcs_viz_link_xy(v, 0, 0.25, &x, &y);
	assert_false(tooltip_at(v, x, y + 60));
	dcs_viz_set_pointer(v, -1, -1);
	assert_int_equal(dcs_viz_render(v), 0);
	dcs_viz_destroy(v);
	dcs_scenario_free(scn);
}

/* The step key lands on the next event: each step adds a log line or a
 * state change and never goes back in time. */
static void test_step(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load("scenarios/demos/demo-dci-cut-witness.json");
	struct dcs_viz *v = open_viz(scn, NULL);
	double t0 = dcs_viz_time(v);
	int n0 = dcs_viz_log_count(v);
	double t1 = dcs_viz_step(v);
	/* The first event of the demo is the DCI cut at 5 s. */
	assert_true(t1 > t0);
	assert_true(fabs(t1 - 5.0) < 1e-9);
	assert_true(dcs_viz_log_count(v) > n0);
	assert_non_null(strstr(dcs_viz_log_line(v, dcs_viz_log_count(v) - 1), "dci"));
	double t2 = dcs_viz_step(v);
	assert_true(t2 >= t1);
	dcs_viz_destroy(v);
	dcs_scenario_free(scn);
}

/* Traces that are not traces are refused with a message naming the line. */
static void test_trace_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} bad[] = {
	    {"hello\n", "not a dcisim trace"},
	    {"dcisim-trace 1\n@scenario x\n@topology 1 1 0\nL 5 0 u 1 2 1 1 10\nL 4 0 u 1 2 1 1 "
	     "10\n",
	     "time goes backwards"},
	    {"dcisim-trace 1\n@scenario x\n@topology 1 1 0\nR 5 0 a,b\n", "undeclared table"},
	    {"dcisim-trace 1\n@scenario x\n@topology 1 1 0\nL 5 3 u 1 2 1 1 10\n",
	     "bad link record"},
	    {"dcisim-trace 1\n@scenario x\n@topology 1 1 0\nQ 5\n", "unknown record type"},
	    {"dcisim-trace 1\n@scenario x\nT 0 0 \"events.csv,a\n", "unterminated"},
	};
	char path[256];
	tmpname(path, sizeof(path), "bad.trace");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(bad[i].text, f);
		fclose(f);
		char *msg = NULL;
		size_t len = 0;
		FILE *err = open_memstream(&msg, &len);
		assert_null(dcs_trace_load(path, err));
		fclose(err);
		if (!strstr(msg, bad[i].msg))
			fail_msg("trace %zu: expected '%s' in: %s", i, bad[i].msg, msg);
		assert_non_null(strstr(msg, path));
		free(msg);
	}
	/* A cell with a comma, a quote and a line end survives the round trip. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("dcisim-trace 1\n@scenario \"x, y\"\n@topology 1 0 0\n"
	      "T 0 0 events.csv,time_s,kind,entity,detail\n"
	      "R 1 0 1,warning,x,\"a, \"\"b\"\"\nc\"\nE 2 1\n",
	      f);
	fclose(f);
	struct dcs_trace_reader *rd = dcs_trace_load(path, stderr);
	assert_non_null(rd);
	assert_string_equal(dcs_trace_scenario_name(rd), "x, y");
	assert_int_equal(dcs_trace_n_records(rd), 2);
	bool complete;
	assert_true(dcs_trace_end(rd, &complete) == 2 && complete);
	dcs_trace_reader_free(rd);
	unlink(path);
}

static bool have_font(void)
{
	const char *env = getenv("DCISIM_FONT");
	struct stat st;
	return stat(env && *env ? env : "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", &st) ==
	       0;
}

/* demo-storage-distance tells its story as it runs: from the first sample
 * (1 s) each host site shows the latency of its last second of I/O
 * (storage_series.csv), not only once the run ends.  The text under the
 * farthest host changes between 0.5 s (no I/O figures yet) and 2 s. */
static void test_storage_demo_over_time(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load("scenarios/demos/demo-storage-distance.json");
	struct dcs_viz *v = open_viz(scn, NULL);
	int site = -1;
	for (size_t i = 0; i < scn->n_sites; i++)
		if (!strcmp(scn->sites[i].id, "h300"))
			site = (int)i;
	assert_true(site >= 0);
	int x, y;
	dcs_viz_site_xy(v, site, &x, &y);
	enum { BW = 220, BH = 70 };
	static long before[BW * BH];
	assert_int_equal(dcs_viz_advance(v, 0.5), 0);
	assert_int_equal(dcs_viz_render(v), 0);
	for (int j = 0; j < BH; j++)
		for (int i = 0; i < BW; i++)
			before[j * BW + i] = dcs_viz_pixel(v, x - BW / 2 + i, y + 10 + j);
	assert_int_equal(dcs_viz_advance(v, 2.0), 0);
	assert_int_equal(dcs_viz_render(v), 0);
	int changed = 0;
	for (int j = 0; j < BH; j++)
		for (int i = 0; i < BW; i++)
			changed +=
			    dcs_viz_pixel(v, x - BW / 2 + i, y + 10 + j) != before[j * BW + i];
	/* A line of text is some hundreds of pixels. */
	if (changed < 100)
		fail_msg("only %d pixels under h300 changed between 0.5 s and 2 s", changed);
	dcs_viz_destroy(v);
	dcs_scenario_free(scn);
}

int main(void)
{
	if (!dcs_viz_available()) {
		printf("test_viz: skipped: this build has no viewer (SDL2)\n");
		return 77;
	}
	if (!have_font()) {
		printf("test_viz: skipped: no font (apt-get install fonts-dejavu-core)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_snapshot_synthetic),
	    cmocka_unit_test(test_snapshot_demos),
	    cmocka_unit_test(test_viewer_changes_nothing),
	    cmocka_unit_test(test_replay_matches_live),
	    cmocka_unit_test(test_step),
	    cmocka_unit_test(test_tooltip),
	    cmocka_unit_test(test_trace_errors),
	    cmocka_unit_test(test_storage_demo_over_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
