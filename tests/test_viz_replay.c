/*
 * Tests of the viewer's replay for teaching (viz/, include/dcisim/viz.h):
 * time in both directions, phase captions, the timeline, and frames.
 *
 * - A live run and the replay of its trace draw the same view at any time.
 * - Seeking backwards to time T draws the same pixels as playing forward to
 *   T in small steps, on every demo and the default scenario, replayed from a
 *   trace (the whole image) and live (the map and the migration strip: the
 *   panel's captions and the timeline may know more after the live run has
 *   gone further, which is the point of them).
 * - Step back then step forward returns to the same time and the same
 *   frame; stepping back walks the forward steps in reverse order.
 * - Captions at known times of the demos name the expected phase: pre-copy
 *   round k, stop-and-copy, switchover, switched over, stun, trombone,
 *   converged, a cut, a cluster outage and split brain.  The times come from
 *   the demos' own CSVs (rounds.csv, migrations.csv, paths.csv, cluster.csv).
 * - A click on the timeline shows the time under it.
 * - dcs_viz_frames() writes the expected number of numbered BMPs of the
 *   asked size, frame k showing from + k * speed / fps.
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
#include "dcisim/results.h"
#include "run.h"
#include "dcisim/viz.h"

#define W 960
#define H 600

static const char *const demos[] = {
    "scenarios/demos/demo-storage-distance.json",
    "scenarios/demos/demo-vmotion-converge-vs-stun.json",
    "scenarios/demos/demo-trombone.json",
    "scenarios/demos/demo-dci-cut-witness.json",
    "scenarios/demos/demo-l2-technologies.json",
};
#define N_DEMOS (sizeof(demos) / sizeof(demos[0]))

static struct dcs_scenario *load(const char *path)
{
	int nerr = 0;
	struct dcs_scenario *s;
	if (path)
		s = dcs_scenario_load_file(path, stderr, &nerr);
	else
		s = dcs_scenario_load_text(dcs_default_scenario, strlen(dcs_default_scenario),
					   "default.json", stderr, &nerr);
	assert_non_null(s);
	return s;
}

static void tmpname(char *buf, size_t n, const char *what)
{
	snprintf(buf, n, "/tmp/dcisim-test-viz-replay-%ld-%s", (long)getpid(), what);
}

/* Records scn's trace into path. */
static void record(const struct dcs_scenario *scn, const char *path)
{
	struct dcs_run_opts o = {.verbosity = -1, .trace_path = path};
	struct dcs_results *res = NULL;
	assert_int_equal(dcs_run_scenario(scn, &o, &res, stderr), 0);
	dcs_results_destroy(res);
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

/* The rendered image, or its part left of x_end and above y_end. */
static long *grab(struct dcs_viz *v, int x_end, int y_end)
{
	assert_int_equal(dcs_viz_render(v), 0);
	long *px = malloc(sizeof(long) * W * H);
	assert_non_null(px);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = x < x_end && y < y_end ? dcs_viz_pixel(v, x, y) : 0;
	return px;
}

static void assert_same_image(const long *a, const long *b, const char *what, double t)
{
	long differ = 0, first = -1;
	for (long i = 0; i < (long)W * H; i++)
		if (a[i] != b[i]) {
			differ++;
			if (first < 0)
				first = i;
		}
	if (differ)
		fail_msg("%s at %.3f s: %ld pixels differ, the first at (%ld, %ld)", what, t,
			 differ, first % W, first / W);
}

/* Where the panel begins (viz/draw.c: 30 % of the width, 240 to 440 px). */
static int panel_x(void)
{
	int pw = W * 3 / 10;
	if (pw < 240)
		pw = W < 720 ? W / 3 : 240;
	return W - (pw > 440 ? 440 : pw);
}

/* Seeking backwards to T draws what playing forwards to T draws. */
static void check_seek(const struct dcs_scenario *scn, const char *trace, bool live)
{
	double end = scn->duration_s;
	const double at[] = {0, 0.37 * end, 0.185 * end, 0.62 * end, 0.5 * end, end};
	/* Live, the panel (captions) and the timeline know what the run has
	 * reached: compare the map and the strip above the timeline. */
	int x_end = live ? panel_x() : W, y_end = live ? H - 30 : H;
	struct dcs_viz *back = open_viz(scn, live ? NULL : trace);
	assert_int_equal(dcs_viz_seek(back, end), 0);
	assert_true(dcs_viz_finished(back));
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double T = at[i];
		struct dcs_viz *fwd = open_viz(scn, live ? NULL : trace);
		/* Forward in frames of 1/30 s of a x4 replay. */
		for (double t = 0; t < T; t += 4.0 / 30)
			assert_int_equal(dcs_viz_advance(fwd, t), 0);
		assert_int_equal(dcs_viz_advance(fwd, T), 0);
		assert_int_equal(dcs_viz_seek(back, T), 0);
		assert_true(fabs(dcs_viz_time(back) - T) < 1e-9);
		assert_true(dcs_viz_finished(back) == (T >= end));
		assert_int_equal(dcs_viz_log_count(back), dcs_viz_log_count(fwd));
		long *a = grab(fwd, x_end, y_end), *b = grab(back, x_end, y_end);
		char what[160];
		snprintf(what, sizeof(what), "%s (%s)", scn->name, live ? "live" : "replay");
		assert_same_image(a, b, what, T);
		free(a);
		free(b);
		dcs_viz_destroy(fwd);
	}
	dcs_viz_destroy(back);
}

static void test_seek_backwards(void **state)
{
	(void)state;
	for (size_t i = 0; i <= N_DEMOS; i++) {
		struct dcs_scenario *scn = load(i < N_DEMOS ? demos[i] : NULL);
		char trace[256];
		tmpname(trace, sizeof(trace), "seek.trace");
		record(scn, trace);
		check_seek(scn, trace, false);
		if (i < N_DEMOS)
			check_seek(scn, trace, true); /* the default scenario live: slow */
		unlink(trace);
		dcs_scenario_free(scn);
	}
}

/* A live run and the replay of its trace draw the same view at any time
 * once the live run has been run past it (below the title bar, which says
 * "replay"): the viewer's tap polls where the trace's did, so the records,
 * the captions and the timeline are the same. */
static void test_live_equals_replay(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_DEMOS; i++) {
		struct dcs_scenario *scn = load(demos[i]);
		char trace[256];
		tmpname(trace, sizeof(trace), "same.trace");
		record(scn, trace);
		struct dcs_viz *live = open_viz(scn, NULL), *rep = open_viz(scn, trace);
		/* Live: played in frames of odd sizes to the end first. */
		for (double t = 0; !dcs_viz_finished(live); t += 0.29)
			assert_int_equal(dcs_viz_advance(live, t), 0);
		for (double f = 0.9; f > 0; f -= 0.13) {
			double T = f * scn->duration_s;
			assert_int_equal(dcs_viz_seek(live, T), 0);
			assert_int_equal(dcs_viz_seek(rep, T), 0);
			long *a = grab(live, W, H), *b = grab(rep, W, H);
			for (int k = 0; k < 34 * W; k++)
				a[k] = b[k] = 0;
			assert_same_image(a, b, scn->name, T);
			free(a);
			free(b);
		}
		dcs_viz_destroy(live);
		dcs_viz_destroy(rep);
		unlink(trace);
		dcs_scenario_free(scn);
	}
}

/* Step back, then forward: the same time and frame; backwards the steps
 * come in the reverse order of the forward ones. */
static void check_steps(const struct dcs_scenario *scn, const char *trace)
{
	enum { N = 8 };
	struct dcs_viz *v = open_viz(scn, trace);
	/* Live, the panel and the timeline know how far the run has gone. */
	int x_end = trace ? W : panel_x(), y_end = trace ? H : H - 30;
	double t[N + 1];
	long *img[N + 1];
	t[0] = dcs_viz_time(v);
	img[0] = grab(v, x_end, y_end);
	int n = 0;
	while (n < N && !dcs_viz_finished(v)) {
		t[n + 1] = dcs_viz_step(v);
		assert_true(t[n + 1] > t[n]);
		img[n + 1] = grab(v, x_end, y_end);
		n++;
	}
	assert_true(n >= 3);
	/* Back and forth at the last step. */
	double back = dcs_viz_step_back(v);
	if (!(fabs(back - t[n - 1]) < 1e-9))
		fail_msg("%s: back from %.9f lands at %.9f, not %.9f", scn->name, t[n], back,
			 t[n - 1]);
	if (!dcs_viz_finished(v) || t[n] < dcs_viz_end(v)) {
		assert_true(fabs(dcs_viz_step(v) - t[n]) < 1e-9);
		long *again = grab(v, x_end, y_end);
		assert_same_image(img[n], again, scn->name, t[n]);
		free(again);
	}
	/* All the way back. */
	for (int k = n - 1; k >= 0; k--) {
		assert_int_equal(dcs_viz_seek(v, t[k + 1]), 0);
		double b = dcs_viz_step_back(v);
		if (!(fabs(b - t[k]) < 1e-9))
			fail_msg("%s: back from %.9f lands at %.9f, not %.9f", scn->name, t[k + 1],
				 b, t[k]);
		long *now = grab(v, x_end, y_end);
		assert_same_image(img[k], now, scn->name, t[k]);
		free(now);
	}
	assert_true(dcs_viz_step_back(v) == 0); /* nothing before the start */
	for (int k = 0; k <= n; k++)
		free(img[k]);
	dcs_viz_destroy(v);
}

static void test_step_back(void **state)
{
	(void)state;
	static const char *const cases[] = {
	    "scenarios/demos/demo-dci-cut-witness.json",
	    "scenarios/demos/demo-vmotion-converge-vs-stun.json",
	    "scenarios/demos/demo-trombone.json",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dcs_scenario *scn = load(cases[i]);
		char trace[256];
		tmpname(trace, sizeof(trace), "steps.trace");
		record(scn, trace);
		check_steps(scn, trace);
		check_steps(scn, NULL); /* live: the same keys on the running world */
		unlink(trace);
		dcs_scenario_free(scn);
	}
}

/* Whether some caption at t holds all the words (NULL-terminated). */
static bool caption_has(struct dcs_viz *v, double t, ...)
{
	assert_int_equal(dcs_viz_seek(v, t), 0);
	int n = dcs_viz_caption_count(v);
	for (int i = 0; i < n; i++) {
		const char *c = dcs_viz_caption(v, i);
		bool all = true;
		va_list ap;
		va_start(ap, t);
		for (const char *w = va_arg(ap, const char *); w && all;
		     w = va_arg(ap, const char *))
			all = strstr(c, w) != NULL;
		va_end(ap);
		if (all)
			return true;
	}
	return false;
}

static void dump_captions(struct dcs_viz *v)
{
	for (int i = 0; i < dcs_viz_caption_count(v); i++)
		fprintf(stderr, "  caption %d: %s\n", i, dcs_viz_caption(v, i));
}

#define EXPECT(v, t, ...)                                                                          \
	do {                                                                                       \
		if (!caption_has(v, t, __VA_ARGS__, NULL)) {                                       \
			dump_captions(v);                                                          \
			fail_msg("no caption at %.3f s with: %s", (double)(t), #__VA_ARGS__);      \
		}                                                                                  \
	} while (0)
#define EXPECT_NOT(v, t, ...)                                                                      \
	do {                                                                                       \
		if (caption_has(v, t, __VA_ARGS__, NULL)) {                                        \
			dump_captions(v);                                                          \
			fail_msg("a caption at %.3f s with: %s", (double)(t), #__VA_ARGS__);       \
		}                                                                                  \
	} while (0)

/*
 * The phases of the demos, at times read from their CSVs:
 * demo-vmotion-converge-vs-stun (rounds.csv, migrations.csv): calm's round 0
 * 3 to 13.8586 s, round 1 to 14.8182 s, stop-and-copy to 14.9030 s, resumed
 * at b1 at 14.9164 s (converged, 98.3 ms downtime: the last round trip
 * pays the standing queue); hot is stunned from
 * 21.0977 s, stops at 34.6710 s, resumes at b2 at 35.1369 s (stunned).
 * demo-trombone (paths.csv): both services trombone from the 11.5 s sample;
 * app-rhi is optimal again from the 19.5 s sample, app-none never.
 * demo-dci-cut-witness (cluster.csv, the fault at 5 s for 35 s): db-witness
 * unavailable from 11.6 s to 24.6 s; db-none in split brain 24.6 to 40 s.
 */
static void test_captions(void **state)
{
	(void)state;
	for (int live = 0; live < 2; live++) {
		char trace[256];
		tmpname(trace, sizeof(trace), "captions.trace");

		struct dcs_scenario *scn =
		    load("scenarios/demos/demo-vmotion-converge-vs-stun.json");
		record(scn, trace);
		struct dcs_viz *v = open_viz(scn, live ? NULL : trace);
		if (live)
			assert_int_equal(dcs_viz_seek(v, scn->duration_s), 0); /* rows known */
		assert_false(caption_has(v, 2.9, "calm", NULL));
		EXPECT(v, 8, "calm", "b1", "pre-copy round 0", "12 GiB");
		EXPECT(v, 8, "hot", "b2", "pre-copy round 0");
		EXPECT(v, 14.0, "calm", "pre-copy round 1", "dirtied during round 0");
		EXPECT(v, 14.85, "calm", "stop-and-copy", "paused");
		EXPECT_NOT(v, 14.85, "calm", "pre-copy");
		EXPECT(v, 14.905, "calm", "switchover", "resumes at b1");
		EXPECT(v, 16, "calm switched over to b1", "289.3 ms", "converged");
		EXPECT(v, 25, "hot", "pre-copy round 2", "stun");
		EXPECT_NOT(v, 20, "hot", "stun");
		EXPECT(v, 34.9, "hot", "stop-and-copy");
		EXPECT(v, 35.13, "hot", "switchover");
		EXPECT(v, 36, "hot switched over to b2", "stunned");
		assert_int_equal(dcs_viz_seek(v, 50), 0);
		assert_int_equal(dcs_viz_caption_count(v), 0); /* all over */
		dcs_viz_destroy(v);
		dcs_scenario_free(scn);

		scn = load("scenarios/demos/demo-trombone.json");
		record(scn, trace);
		v = open_viz(scn, live ? NULL : trace);
		if (live)
			assert_int_equal(dcs_viz_seek(v, scn->duration_s), 0);
		EXPECT(v, 10.5, "web01", "dc2", "pre-copy round 1");
		EXPECT(v, 15, "app-none", "trombone", "enters at dc1", "crosses to dc2");
		EXPECT(v, 15, "app-rhi", "trombone");
		EXPECT(v, 20, "app-rhi", "converged", "enters at dc2");
		EXPECT(v, 20, "app-none", "trombone");
		EXPECT_NOT(v, 30, "app-rhi"); /* converged captions fade after 5 s */
		EXPECT(v, 30, "app-none", "trombone");
		EXPECT_NOT(v, 11.4, "trombone");
		dcs_viz_destroy(v);
		dcs_scenario_free(scn);

		scn = load("scenarios/demos/demo-dci-cut-witness.json");
		record(scn, trace);
		v = open_viz(scn, live ? NULL : trace);
		if (live)
			assert_int_equal(dcs_viz_seek(v, scn->duration_s), 0);
		EXPECT_NOT(v, 4.9, "CUT");
		EXPECT(v, 6, "link dci1", "CUT since 5 s");
		EXPECT(v, 12, "db-witness", "service unavailable since 11.6 s");
		EXPECT(v, 25, "db-witness", "outage over", "RTO");
		EXPECT(v, 30, "db-none", "SPLIT BRAIN since 24.6 s");
		EXPECT(v, 41, "db-none", "split brain over");
		EXPECT_NOT(v, 41, "CUT");
		dcs_viz_destroy(v);
		dcs_scenario_free(scn);
		unlink(trace);
	}
	/* Many migrations at once are counted, not listed. */
	struct dcs_scenario *scn = load("scenarios/demos/demo-l2-technologies.json");
	struct dcs_viz *v = open_viz(scn, NULL);
	EXPECT(v, 5, "5 migrations: 5 in pre-copy");
	EXPECT(v, 36, "5 links CUT since 30 s");
	dcs_viz_destroy(v);
	dcs_scenario_free(scn);
}

/* A click on the timeline shows the time under it; elsewhere nothing. */
static void test_click(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load("scenarios/demos/demo-trombone.json");
	char trace[256];
	tmpname(trace, sizeof(trace), "click.trace");
	record(scn, trace);
	struct dcs_viz *v = open_viz(scn, trace), *ref = open_viz(scn, trace);
	assert_int_equal(dcs_viz_render(v), 0);
	double px_s = scn->duration_s / (W * 0.7 - 24); /* a pixel of the timeline */
	const double at[] = {30, 15, 2, 44};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		int x, y;
		dcs_viz_timeline_xy(v, at[i], &x, &y);
		double t = dcs_viz_click(v, x, y);
		assert_true(fabs(t - at[i]) <= 1.01 * px_s);
		assert_true(fabs(dcs_viz_time(v) - t) < 1e-9);
		assert_int_equal(dcs_viz_seek(ref, t), 0);
		long *a = grab(v, W, H), *b = grab(ref, W, H);
		assert_same_image(a, b, "click", t);
		free(a);
		free(b);
	}
	int x, y;
	dcs_viz_site_xy(v, 0, &x, &y);
	double before = dcs_viz_time(v);
	assert_true(dcs_viz_click(v, x, y) < 0);
	assert_true(dcs_viz_time(v) == before);
	dcs_viz_destroy(v);
	dcs_viz_destroy(ref);
	unlink(trace);
	dcs_scenario_free(scn);
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *d = malloc(*len + 1);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, *len, f), *len);
	fclose(f);
	return d;
}

/* A BMP's size; with px, its pixels as 0xRRGGBB (W x H), compared. */
static int bmp_check(const char *path, int *w, int *h, const long *px)
{
	size_t len;
	unsigned char *d = slurp(path, &len);
	if (!d)
		return -1;
	assert_true(len > 54 && d[0] == 'B' && d[1] == 'M');
	*w = (int32_t)le32(d + 18);
	int32_t hh = (int32_t)le32(d + 22);
	*h = hh < 0 ? -hh : hh;
	int bpp = d[28] | d[29] << 8;
	size_t off = le32(d + 10), stride = ((size_t)*w * (size_t)bpp / 8 + 3) & ~(size_t)3;
	assert_true(bpp == 24 || bpp == 32);
	assert_true(off + stride * (size_t)*h <= len);
	for (int y = 0; px && y < *h; y++)
		for (int x = 0; x < *w; x++) {
			const unsigned char *p = d + off +
						 (size_t)(hh < 0 ? y : *h - 1 - y) * stride +
						 (size_t)x * (size_t)(bpp / 8);
			long rgb = (long)p[2] << 16 | (long)p[1] << 8 | p[0];
			if (rgb != px[y * W + x])
				fail_msg("%s: (%d, %d) is #%06lx, not #%06lx", path, x, y, rgb,
					 px[y * W + x]);
		}
	free(d);
	return 0;
}

/* A PNG's size, with its chunk structure and checksums verified (the
 * pixels are checked against a BMP by test_viz_cli.sh with Python's zlib). */
static int png_check(const char *path, int *w, int *h, size_t *bytes)
{
	size_t len;
	unsigned char *d = slurp(path, &len);
	if (!d)
		return -1;
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	assert_true(len > 8 + 25 + 12 && !memcmp(d, sig, 8));
	size_t p = 8;
	int n = 0, idat = 0;
	bool end = false;
	while (p + 12 <= len && !end) {
		uint32_t n_data = be32(d + p);
		assert_true(p + 12 + n_data <= len);
		const unsigned char *type = d + p + 4;
		uint32_t crc = 0xFFFFFFFFu;
		for (size_t i = 0; i < 4 + n_data; i++) {
			crc ^= type[i];
			for (int k = 0; k < 8; k++)
				crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
		}
		assert_true(~crc == be32(d + p + 8 + n_data));
		if (n == 0) {
			assert_memory_equal(type, "IHDR", 4);
			assert_int_equal(n_data, 13);
			*w = (int)be32(d + p + 8);
			*h = (int)be32(d + p + 12);
			assert_int_equal(d[p + 16], 8); /* bits */
			assert_int_equal(d[p + 17], 2); /* RGB */
		}
		idat += !memcmp(type, "IDAT", 4);
		end = !memcmp(type, "IEND", 4);
		p += 12 + n_data;
		n++;
	}
	assert_true(end && p == len && idat >= 1);
	*bytes = len;
	free(d);
	return 0;
}

/* Frames: 10 to 12 s at 10 per second of a x1 replay is 21 frames, numbered
 * from 0, each of the asked size, frame k the view at 10 + k / 10 s; the
 * frames of a x4 replay at 5 per second from 40 s run to the end (45 s):
 * 40, 40.8, ... 44.8, 7 frames, as PNG (the default), much smaller. */
static void test_frames(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load("scenarios/demos/demo-trombone.json");
	char trace[256], dir[256], path[512];
	tmpname(trace, sizeof(trace), "frames.trace");
	tmpname(dir, sizeof(dir), "frames");
	record(scn, trace);
	struct dcs_viz *v = open_viz(scn, trace), *ref = open_viz(scn, trace);
	assert_int_equal(dcs_viz_frames(v, dir, "bmp", 10, 10, 12, stderr), 21);
	for (int k = 0; k <= 21; k++) {
		snprintf(path, sizeof(path), "%s/frame-%06d.bmp", dir, k);
		int w = 0, h = 0;
		if (k == 21) {
			assert_int_equal(access(path, F_OK), -1);
			continue;
		}
		long *px = NULL;
		if (k % 7 == 3) {
			assert_int_equal(dcs_viz_seek(ref, 10 + k / 10.0), 0);
			px = grab(ref, W, H);
		}
		assert_int_equal(bmp_check(path, &w, &h, px), 0);
		assert_int_equal(w, W);
		assert_int_equal(h, H);
		free(px);
		unlink(path);
	}
	assert_true(fabs(dcs_viz_time(v) - 12) < 1e-9);
	dcs_viz_destroy(v);
	dcs_viz_destroy(ref);

	struct dcs_viz_opts o = {.speed = 4,
				 .snapshot_s = 0,
				 .width = 640,
				 .height = 360,
				 .replay_path = trace,
				 .verbosity = -1};
	v = dcs_viz_create(scn, &o, stderr);
	assert_non_null(v);
	assert_int_equal(dcs_viz_frames(v, dir, NULL, 5, 40, -1, stderr), 7);
	assert_true(fabs(dcs_viz_time(v) - 44.8) < 1e-9);
	for (int k = 0; k <= 7; k++) {
		snprintf(path, sizeof(path), "%s/frame-%06d.png", dir, k);
		int w = 0, h = 0;
		size_t bytes = 0;
		if (k == 7) {
			assert_int_equal(access(path, F_OK), -1);
			continue;
		}
		assert_int_equal(png_check(path, &w, &h, &bytes), 0);
		assert_true(w == 640 && h == 360);
		assert_true(bytes < 640 * 360 * 3 / 10);
		unlink(path);
	}
	FILE *devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	assert_int_equal(dcs_viz_frames(v, dir, NULL, 5, 20, 10, devnull), -1); /* to < from */
	assert_int_equal(dcs_viz_frames(v, dir, "gif", 5, 0, 1, devnull), -1);
	fclose(devnull);
	dcs_viz_destroy(v);
	rmdir(dir);
	unlink(trace);
	dcs_scenario_free(scn);
}

static bool have_font(void)
{
	const char *env = getenv("DCISIM_FONT");
	struct stat st;
	return stat(env && *env ? env : "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", &st) ==
	       0;
}

int main(void)
{
	if (!dcs_viz_available()) {
		printf("test_viz_replay: skipped: this build has no viewer (SDL2)\n");
		return 77;
	}
	if (!have_font()) {
		printf("test_viz_replay: skipped: no font (apt-get install fonts-dejavu-core)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captions),       cmocka_unit_test(test_step_back),
	    cmocka_unit_test(test_click),          cmocka_unit_test(test_frames),
	    cmocka_unit_test(test_seek_backwards), cmocka_unit_test(test_live_equals_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
