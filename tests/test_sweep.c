/*
 * Sweeps: loading and expanding sweep files, error reports against the
 * sweep file, seeds, statistics against closed forms, packing for MPI, and
 * byte-identical sweep.csv whatever the number of threads.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/results.h"
#include "sweep.h"

static char tmpdir[64];

/* A small base: one link and a Poisson storage workload, so replications
 * differ and a run takes milliseconds. */
static const char base_json[] =
    "{\"dcisim\": 1, \"name\": \"mini\", \"seed\": 7, \"duration_s\": 5,\n"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}],\n"
    " \"links\": [{\"id\": \"l1\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,\n"
    "            \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}],\n"
    " \"storage\": {\"mode\": \"active_active\", \"protocol\": \"fc\", \"preferred_site\": \"a\",\n"
    "   \"arrays\": [{\"site\": \"a\"}, {\"site\": \"b\"}],\n"
    "   \"workloads\": [{\"site\": \"a\", \"iops\": 300}]}}\n";

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_all(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	size_t len;
	return dcs_read_file(p, &len);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dcisim-test-sweep-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	write_file(tmpdir, "base.json", base_json);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Loads sweep text labelled as a file in tmpdir; errors go to *msgs. */
static struct dcs_sweep *load(const char *text, char **msgs, int *nerr)
{
	char label[256];
	snprintf(label, sizeof(label), "%s/s.json", tmpdir);
	size_t len = 0;
	FILE *mf = open_memstream(msgs, &len);
	struct dcs_sweep *sw = dcs_sweep_load_text(text, strlen(text), label, mf, nerr);
	fclose(mf);
	return sw;
}

static void grid_and_zip_expand_in_order(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw =
	    load("{\"dcisim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3,\n"
		 " \"grid\": {\"links[0].distance_km\": [10, 50],\n"
		 "          \"links[0].technology\": [\"dwdm\", \"evi\", \"vpls\"]},\n"
		 " \"zip\": {\"storage.workloads[0].iops\": [100, 200],\n"
		 "         \"storage.workloads[0].read_ratio\": [0.5, 0.9]}}",
		 &msgs, &nerr);
	assert_string_equal(msgs, "");
	assert_non_null(sw);
	assert_int_equal(nerr, 0);
	/* 2 x 3 grid points, times the zip's 2 (not 2 x 2). */
	assert_int_equal(sw->n_points, 12);
	assert_int_equal(sw->n_params, 4);
	assert_int_equal(dcs_sweep_n_runs(sw), 36);
	assert_string_equal(sw->params[0], "links[0].distance_km");
	assert_string_equal(sw->params[3], "storage.workloads[0].read_ratio");
	assert_string_equal(sw->name, "s");
	/* The first key varies slowest, the zip fastest; zipped lists advance together. */
	assert_string_equal(dcs_sweep_value(sw, 0, 0), "10");
	assert_string_equal(dcs_sweep_value(sw, 0, 1), "dwdm");
	assert_string_equal(dcs_sweep_value(sw, 1, 1), "dwdm");
	assert_string_equal(dcs_sweep_value(sw, 1, 2), "200");
	assert_string_equal(dcs_sweep_value(sw, 1, 3), "0.9");
	assert_string_equal(dcs_sweep_value(sw, 2, 1), "evi");
	assert_string_equal(dcs_sweep_value(sw, 6, 0), "50");
	assert_string_equal(dcs_sweep_value(sw, 11, 1), "vpls");
	/* The values reach the scenarios. */
	assert_true(fabs(sw->scenarios[6]->links[0].distance_km - 50) < 1e-12);
	assert_int_equal(sw->scenarios[2]->links[0].technology, DCS_TECH_EVI);
	assert_true(fabs(sw->scenarios[1]->storage.workloads[0].iops - 200) < 1e-12);
	assert_true(fabs(sw->scenarios[1]->storage.workloads[0].read_ratio - 0.9) < 1e-12);
	/* Replication k of a point runs with the scenario's seed + k. */
	assert_int_equal(dcs_sweep_seed(sw, 0), 7);
	assert_int_equal(dcs_sweep_seed(sw, 2), 9);
	assert_int_equal(dcs_sweep_seed(sw, 3), 7);
	dcs_sweep_free(sw);
	free(msgs);
}

static void no_grid_means_replications_of_the_base(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw = load("{\"dcisim_sweep\": 1, \"name\": \"reps\", \"base\": "
				    "\"base.json\", \"replications\": 4}",
				    &msgs, &nerr);
	assert_non_null(sw);
	assert_int_equal(sw->n_points, 1);
	assert_int_equal(sw->n_params, 0);
	assert_int_equal(dcs_sweep_n_runs(sw), 4);
	assert_string_equal(sw->name, "reps");
	dcs_sweep_free(sw);
	free(msgs);
}

/* Every problem, one pass, FILE:LINE:COL: error: PATH: message. */
static void errors_name_the_sweep_file_position_and_point(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw = load("{\"dcisim_sweep\": 1, \"base\": \"base.json\",\n"
				    " \"replicatons\": 2,\n"
				    " \"grid\": {\"links[3].distance_km\": [10],\n"
				    "          \"links[0].distance_km\": [10, -4],\n"
				    "          \"link[0].loss\": [0],\n"
				    "          \"links[0]..x\": [1],\n"
				    "          \"links[0].bandwidth_gbps\": []}}",
				    &msgs, &nerr);
	assert_null(sw);
	/* Points are only built once the file itself is right: -4 waits. */
	assert_int_equal(nerr, 5);
	char exp[512];
	snprintf(exp, sizeof(exp),
		 "%s/s.json:2:2: error: replicatons: unknown key; did you mean "
		 "'replications'?\n",
		 tmpdir);
	assert_non_null(strstr(msgs, exp));
	snprintf(exp, sizeof(exp), "%s/s.json:6:11: error: grid[\"links[0]..x\"]: not a JSON path",
		 tmpdir);
	assert_non_null(strstr(msgs, exp));
	snprintf(exp, sizeof(exp),
		 "%s/s.json:7:38: error: grid[\"links[0].bandwidth_gbps\"]: must "
		 "be a non-empty list",
		 tmpdir);
	assert_non_null(strstr(msgs, exp));
	snprintf(exp, sizeof(exp),
		 "%s/s.json:3:11: error: grid[\"links[3].distance_km\"]: index 3 "
		 "is out of range: the base scenario's links has 1 item\n",
		 tmpdir);
	assert_non_null(strstr(msgs, exp));
	snprintf(exp, sizeof(exp),
		 "%s/s.json:5:11: error: grid[\"link[0].loss\"]: the base "
		 "scenario has no 'link'; did you mean 'links'?",
		 tmpdir);
	assert_non_null(strstr(msgs, exp));
	free(msgs);

	/* A value the scenario loader refuses is blamed on its grid key, with the point. */
	msgs = NULL;
	sw = load("{\"dcisim_sweep\": 1, \"base\": \"base.json\",\n"
		  " \"grid\": {\"links[0].distance_km\": [10, -4],\n"
		  "          \"links[0].technology\": [\"dwdm\", \"evi\"]}}",
		  &msgs, &nerr);
	assert_null(sw);
	assert_int_equal(nerr, 1);
	snprintf(exp, sizeof(exp),
		 "%s/s.json:2:11: error: grid[\"links[0].distance_km\"]: the scenario at "
		 "links[0].distance_km=-4, links[0].technology=dwdm is invalid: "
		 "links[0].distance_km: ",
		 tmpdir);
	assert_non_null(strstr(msgs, exp));
	assert_non_null(strstr(msgs, "(and at 1 more point)"));
	free(msgs);

	msgs = NULL;
	sw = load("{\"dcisim_sweep\": 2, \"grid\": {\"a\": 1}, \"zip\": {\"seed\": [1, 2], "
		  "\"duration_s\": [1]}}",
		  &msgs, &nerr);
	assert_null(sw);
	assert_non_null(strstr(msgs, "s.json:1:18: error: dcisim_sweep: must be 1"));
	assert_non_null(strstr(msgs, "missing required key 'base'"));
	assert_non_null(strstr(msgs, "grid[\"a\"]: must be a non-empty list"));
	assert_non_null(strstr(msgs, "zip[\"duration_s\"]: has 1 values but zip[\"seed\"] has 2"));
	free(msgs);
}

static void ci95_matches_student_t(void **state)
{
	(void)state;
	const double x[] = {1, 2, 3, 4, 5};
	double mean, sd, half;
	dcs_sweep_ci95(x, 5, &mean, &sd, &half);
	assert_true(fabs(mean - 3) < 1e-12);
	assert_true(fabs(sd - sqrt(2.5)) < 1e-12);
	/* t(0.975, 4) = 2.7764451052 (tables); half = t * sd / sqrt(n). */
	assert_true(fabs(half - 2.7764451052 * sqrt(2.5) / sqrt(5.0)) < 1e-8);
	dcs_sweep_ci95(x, 2, &mean, &sd, &half);
	/* t(0.975, 1) = 12.7062047362. */
	assert_true(fabs(half - 12.7062047362 * sqrt(0.5) / sqrt(2.0)) < 1e-8);
	dcs_sweep_ci95(x, 1, &mean, &sd, &half);
	assert_true(fabs(mean - 1) < 1e-12);
	assert_true(isnan(sd) && isnan(half));
}

static void pack_round_trips_and_refuses_garbage(void **state)
{
	(void)state;
	char *names[] = {"rtt_ms[l1]", "technology[l1]"};
	char *values[] = {"0.098", "dwdm, \"quoted\""};
	char *units[] = {"ms", ""};
	struct dcs_sweep_run r = {.done = true,
				  .code = 3,
				  .n = 2,
				  .names = names,
				  .values = values,
				  .units = units,
				  .messages = "a warning\n"};
	size_t len = 0;
	char *buf = dcs_sweep_run_pack(&r, &len);
	assert_non_null(buf);
	struct dcs_sweep_run u = {0};
	assert_int_equal(dcs_sweep_run_unpack(buf, len, &u), 0);
	assert_true(u.done);
	assert_int_equal(u.code, 3);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.names[1], "technology[l1]");
	assert_string_equal(u.values[1], "dwdm, \"quoted\"");
	assert_string_equal(u.units[0], "ms");
	assert_string_equal(u.units[1], "");
	assert_string_equal(u.messages, "a warning\n");
	dcs_sweep_run_clear(&u);
	/* Every truncation is refused, never read past. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(dcs_sweep_run_unpack(buf, cut, &u), -1);
	buf[0] = 'X';
	assert_int_equal(dcs_sweep_run_unpack(buf, len, &u), -1);
	free(buf);
}

/* The tables from hand-made outcomes: column union in first-seen order,
 * text metrics kept in sweep.csv but not in the statistics, failed runs
 * marked and left out of the statistics. */
static void tables_from_outcomes(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw =
	    load("{\"dcisim_sweep\": 1, \"base\": \"base.json\", "
		 "\"replications\": 3, \"grid\": {\"links[0].distance_km\": [10, 20]}}",
		 &msgs, &nerr);
	assert_non_null(sw);
	free(msgs);
	char *n0[] = {"x[a]", "tech"}, *v0[] = {"1", "dwdm"}, *u0[] = {"ms", ""};
	char *n1[] = {"x[a]", "tech", "late"}, *v1[] = {"2", "dwdm", "5"};
	char *n2[] = {"x[a]"}, *v2[] = {"6"};
	char *n3[] = {"x[a]"}, *v3[] = {"100"};
	/* Units come with the cells (summary.csv's unit column): a run that
	 * has them names the unit of sweep_stats.csv's rows. */
	struct dcs_sweep_run runs[6] = {
	    {.done = true, .n = 2, .names = n0, .values = v0, .units = u0},
	    {.done = true, .n = 3, .names = n1, .values = v1},
	    {.done = true, .n = 1, .names = n2, .values = v2},
	    {.done = true, .code = 3, .n = 1, .names = n3, .values = v3},
	    {.done = false},
	    {.done = true, .n = 1, .names = n2, .values = v2},
	};
	char out[128];
	snprintf(out, sizeof(out), "%s/tables", tmpdir);
	struct dcs_sweep_opts o = {.out_dir = out, .verbosity = -1};
	struct dcs_sweep_info info = {.jobs = 1, .ranks = 1};
	FILE *devnull = fopen("/dev/null", "w");
	int code = dcs_sweep_finish(sw, runs, &o, &info, 0, devnull);
	fclose(devnull);
	assert_int_equal(code, 3); /* a run failed */
	char *csv = read_all(out, "sweep.csv");
	assert_non_null(csv);
	assert_string_equal(csv,
			    "point,replication,links[0].distance_km,seed,status,x[a],tech,late\n"
			    "0,0,10,7,ok,1,dwdm,\n"
			    "0,1,10,8,ok,2,dwdm,5\n"
			    "0,2,10,9,ok,6,,\n"
			    "1,0,20,7,exit 3,100,,\n"
			    "1,2,20,9,ok,6,,\n");
	free(csv);
	char *st = read_all(out, "sweep_stats.csv");
	assert_non_null(st);
	/* Point 0: x = 1, 2, 6: mean 3, sd sqrt(7), CI 3 -/+ 4.303 * sqrt(7/3). */
	double half = 4.30265272975 * sqrt(7.0 / 3.0);
	char exp[256], a[32], b[32], s[32];
	snprintf(exp, sizeof(exp), "0,10,x[a],ms,3,3,%s,%s,%s\n",
		 dcs_fmt_num(s, sizeof(s), sqrt(7.0)), dcs_fmt_num(a, sizeof(a), 3 - half),
		 dcs_fmt_num(b, sizeof(b), 3 + half));
	assert_non_null(strstr(st, exp));
	assert_non_null(strstr(st, "0,10,late,,1,5,,,\n"));
	/* Point 1: only the one finished, successful run counts. */
	assert_non_null(strstr(st, "1,20,x[a],ms,1,6,,,\n"));
	assert_null(strstr(st, "tech"));
	free(st);
	char *js = read_all(out, "sweep.json");
	assert_non_null(strstr(js, "\"complete\":\tfalse"));
	assert_non_null(strstr(js, "\"runs_failed\":\t1"));
	free(js);
	dcs_sweep_free(sw);
}

/* Real runs: the same bytes with one thread and with three. */
static void sweep_csv_is_identical_whatever_the_jobs(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw =
	    load("{\"dcisim_sweep\": 1, \"base\": \"base.json\", "
		 "\"replications\": 3, \"grid\": {\"links[0].distance_km\": [10, 400], "
		 "\"links[0].technology\": [\"dwdm\", \"evi\"]}}",
		 &msgs, &nerr);
	assert_non_null(sw);
	free(msgs);
	char *csv[2], *stats[2];
	unsigned jobs[2] = {1, 3};
	for (int k = 0; k < 2; k++) {
		char out[128];
		snprintf(out, sizeof(out), "%s/jobs%u", tmpdir, jobs[k]);
		struct dcs_sweep_opts o = {.out_dir = out, .jobs = jobs[k], .verbosity = -1};
		size_t n = dcs_sweep_n_runs(sw);
		struct dcs_sweep_run *runs = calloc(n, sizeof(*runs));
		assert_int_equal(dcs_sweep_run_local(sw, &o, runs), 0);
		for (size_t i = 0; i < n; i++)
			assert_true(runs[i].done && runs[i].code == 0);
		struct dcs_sweep_info info = {.jobs = jobs[k], .ranks = 1};
		assert_int_equal(dcs_sweep_finish(sw, runs, &o, &info, 0, stderr), 0);
		for (size_t i = 0; i < n; i++)
			dcs_sweep_run_clear(&runs[i]);
		free(runs);
		csv[k] = read_all(out, "sweep.csv");
		stats[k] = read_all(out, "sweep_stats.csv");
		assert_non_null(csv[k]);
		assert_non_null(stats[k]);
	}
	assert_string_equal(csv[0], csv[1]);
	assert_string_equal(stats[0], stats[1]);
	/* 12 runs and a header; rtt grows with distance; replications differ. */
	struct dcs_csv *t = dcs_csv_parse(csv[0], strlen(csv[0]), NULL, NULL, 0);
	assert_non_null(t);
	assert_int_equal(t->nrows, 12);
	long rtt = dcs_csv_col(t, "rtt_ms[l1]"), wr = dcs_csv_col(t, "storage_write_mean_ms[a]");
	assert_true(rtt > 0 && wr > 0);
	double near, far;
	assert_true(dcs_csv_num(dcs_csv_cell(t, 0, (size_t)rtt), &near));
	assert_true(dcs_csv_num(dcs_csv_cell(t, 6, (size_t)rtt), &far));
	/* 390 km more of fibre: 2 x 390 x 4.9 us (SPEC 4.1). */
	assert_true(fabs((far - near) - 2 * 390 * 4.9e-3) < 1e-9);
	assert_string_not_equal(dcs_csv_cell(t, 0, (size_t)wr), dcs_csv_cell(t, 1, (size_t)wr));
	dcs_csv_free(t);
	for (int k = 0; k < 2; k++) {
		free(csv[k]);
		free(stats[k]);
	}
	dcs_sweep_free(sw);
}

/* A parameter the outputs do not depend on is found, and the warning names
 * the bottleneck; the lift_* what-ifs do not count as outputs. */
static void inert_parameters_are_found(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw = load(
	    "{\"dcisim_sweep\": 1, \"base\": \"base.json\", \"grid\": "
	    "{\"links[0].distance_km\": [10, 20], \"links[0].technology\": [\"dwdm\", \"evi\"]}}",
	    &msgs, &nerr);
	assert_non_null(sw);
	free(msgs);
	/* Points: (10,dwdm) (10,evi) (20,dwdm) (20,evi); the outputs follow
	 * the technology only, except lift_x, which follows the distance. */
	char *nm[] = {"m", "limited_by[f]", "lift_x[f]"};
	char *v0[] = {"1", "link_share", "5"}, *v1[] = {"2", "link_share", "5"};
	char *v2[] = {"1", "link_share", "9"}, *v3[] = {"2", "link_share", "9"};
	struct dcs_sweep_run runs[4] = {
	    {.done = true, .n = 3, .names = nm, .values = v0},
	    {.done = true, .n = 3, .names = nm, .values = v1},
	    {.done = true, .n = 3, .names = nm, .values = v2},
	    {.done = true, .n = 3, .names = nm, .values = v3},
	};
	assert_true(dcs_sweep_param_inert(sw, runs, 0));
	assert_false(dcs_sweep_param_inert(sw, runs, 1));
	char out[128];
	snprintf(out, sizeof(out), "%s/inert", tmpdir);
	struct dcs_sweep_opts o = {.out_dir = out};
	struct dcs_sweep_info info = {.jobs = 1, .ranks = 1};
	char *err = NULL;
	size_t len = 0;
	FILE *ef = open_memstream(&err, &len);
	assert_int_equal(dcs_sweep_finish(sw, runs, &o, &info, 0, ef), 0);
	fclose(ef);
	assert_non_null(strstr(err, "warning: links[0].distance_km changed no output"));
	assert_non_null(strstr(err, "(limited_by) was: f link_share"));
	assert_null(strstr(err, "links[0].technology changed"));
	free(err);
	/* A changed output at one point is enough to make it count. */
	char *v2b[] = {"1.5", "link_share", "9"};
	runs[2].values = v2b;
	assert_false(dcs_sweep_param_inert(sw, runs, 0));
	dcs_sweep_free(sw);
}

/* Finished runs are cached by key; a resume reads them back, the same
 * cells; without --resume or --force a cache is refused. */
static void cached_runs_are_reused(void **state)
{
	(void)state;
	char *msgs = NULL;
	int nerr = 0;
	struct dcs_sweep *sw =
	    load("{\"dcisim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2, "
		 "\"grid\": {\"links[0].distance_km\": [10, 20]}}",
		 &msgs, &nerr);
	assert_non_null(sw);
	free(msgs);
	char k0[65], k1[65], k2[65];
	dcs_sweep_run_key(sw, 0, k0);
	dcs_sweep_run_key(sw, 1, k1);
	dcs_sweep_run_key(sw, 2, k2);
	assert_int_equal(strlen(k0), 64);
	assert_string_not_equal(k0, k1); /* another seed */
	assert_string_not_equal(k0, k2); /* another scenario */
	dcs_sweep_run_key(sw, 0, k2);
	assert_string_equal(k0, k2);

	char out[128];
	snprintf(out, sizeof(out), "%s/cached", tmpdir);
	struct dcs_sweep_opts o = {.out_dir = out, .jobs = 2, .verbosity = -1};
	size_t n = dcs_sweep_n_runs(sw), stale = 9;
	struct dcs_sweep_run *runs = calloc(n, sizeof(*runs)), *again = calloc(n, sizeof(*again));
	assert_int_equal(dcs_sweep_cache_prepare(sw, &o, runs, &stale, stderr), 0);
	assert_int_equal(stale, 0);
	assert_int_equal(dcs_sweep_run_local(sw, &o, runs), 0);
	/* A second sweep into it must say --resume or --force. */
	FILE *devnull = fopen("/dev/null", "w");
	assert_int_equal(dcs_sweep_cache_prepare(sw, &o, again, &stale, devnull), -1);
	fclose(devnull);
	o.resume = true;
	assert_int_equal(dcs_sweep_cache_prepare(sw, &o, again, &stale, stderr), (long)n);
	assert_int_equal(stale, 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(again[i].reused && again[i].done && again[i].code == 0);
		assert_int_equal(again[i].n, runs[i].n);
		for (size_t k = 0; k < runs[i].n; k++) {
			assert_string_equal(again[i].names[k], runs[i].names[k]);
			assert_string_equal(again[i].values[k], runs[i].values[k]);
		}
		dcs_sweep_run_clear(&again[i]);
	}
	/* --force deletes the records. */
	o.resume = false;
	o.force = true;
	assert_int_equal(dcs_sweep_cache_prepare(sw, &o, again, &stale, stderr), 0);
	o.force = false;
	assert_int_equal(dcs_sweep_cache_prepare(sw, &o, again, &stale, stderr), 0);
	/* A failed run leaves no record. */
	runs[0].code = 3;
	dcs_sweep_cache_store(sw, &o, 0, &runs[0], stderr);
	assert_int_equal(dcs_sweep_cache_prepare(sw, &o, again, &stale, stderr), 0);
	for (size_t i = 0; i < n; i++)
		dcs_sweep_run_clear(&runs[i]);
	free(runs);
	free(again);
	dcs_sweep_free(sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inert_parameters_are_found),
	    cmocka_unit_test(cached_runs_are_reused),
	    cmocka_unit_test(grid_and_zip_expand_in_order),
	    cmocka_unit_test(no_grid_means_replications_of_the_base),
	    cmocka_unit_test(errors_name_the_sweep_file_position_and_point),
	    cmocka_unit_test(ci95_matches_student_t),
	    cmocka_unit_test(pack_round_trips_and_refuses_garbage),
	    cmocka_unit_test(tables_from_outcomes),
	    cmocka_unit_test(sweep_csv_is_identical_whatever_the_jobs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
