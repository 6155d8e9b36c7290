/*
 * Regression checks and the CSV reader they stand on: RFC 4180 parsing with
 * limits and line numbers; drift found (and only drift) under tolerances;
 * per-column tolerances; run.json's fingerprint first and its wall-clock
 * fields ignored; --accept; and a real run, deliberately perturbed, caught.
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
#include "dcisim/output.h"
#include "report.h"
#include "run.h"

#define TMPDIR_PREFIX "dcisim-test-check"
#include "tmpdir.h"

static struct dcs_csv *parse(const char *s, char *err, size_t errlen)
{
	return dcs_csv_parse(s, strlen(s), NULL, err, errlen);
}

/* ---- the reader ---------------------------------------------------------- */

static void reader_takes_rfc4180(void **state)
{
	(void)state;
	char err[256];
	struct dcs_csv *t = parse("a,b,c\r\n"
				  "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
				  "\n"
				  "2,\"two\nlines\", padded \n"
				  "3,,\"\"",
				  err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(t->ncols, 3);
	assert_int_equal(t->nrows, 3);
	assert_string_equal(t->header[2], "c");
	assert_string_equal(dcs_csv_cell(t, 0, 1), "x, y");
	assert_string_equal(dcs_csv_cell(t, 0, 2), "say \"hi\"");
	assert_string_equal(dcs_csv_cell(t, 1, 1), "two\nlines");
	assert_string_equal(dcs_csv_cell(t, 1, 2), " padded "); /* nothing trimmed */
	assert_string_equal(dcs_csv_cell(t, 2, 1), "");
	assert_string_equal(dcs_csv_cell(t, 2, 2), "");
	assert_int_equal(dcs_csv_col(t, "b"), 1);
	assert_int_equal(dcs_csv_col(t, "z"), -1);
	dcs_csv_free(t);
	t = parse("only,a,header\n", err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(t->nrows, 0);
	dcs_csv_free(t);
	dcs_csv_free(NULL);
}

static void reader_refuses_bad_input_with_a_line(void **state)
{
	(void)state;
	char err[256];
	assert_null(parse("a,b\n1,2\n3\n", err, sizeof(err)));
	assert_string_equal(err, "line 3: 1 fields where the header has 2");
	assert_null(parse("a,b\n1,\"open\n", err, sizeof(err)));
	assert_non_null(strstr(err, "line 2"));
	assert_null(parse("a,b\n1,x\"y\"z\"\n", err, sizeof(err)));
	assert_null(parse("", err, sizeof(err)));
	assert_string_equal(err, "empty file: no header row");
	const char nul[] = "a,b\n1,\0\n";
	assert_null(dcs_csv_parse(nul, sizeof(nul) - 1, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "NUL"));

	struct dcs_csv_limits lim = {.max_bytes = 64, .max_cols = 3, .max_rows = 2, .max_field = 8};
	assert_null(dcs_csv_parse("a,b,c,d\n", 8, &lim, err, sizeof(err)));
	assert_string_equal(err, "line 1: more than 3 fields");
	const char *rows = "a\n1\n2\n3\n";
	assert_null(dcs_csv_parse(rows, strlen(rows), &lim, err, sizeof(err)));
	assert_string_equal(err, "line 4: more than 2 rows");
	const char *wide = "a\n123456789\n";
	assert_null(dcs_csv_parse(wide, strlen(wide), &lim, err, sizeof(err)));
	assert_non_null(strstr(err, "over the limit of 8"));
	char big[100];
	memset(big, 'x', sizeof(big));
	assert_null(dcs_csv_parse(big, sizeof(big), &lim, err, sizeof(err)));
	assert_non_null(strstr(err, "over the limit of 64"));
	/* An unterminated quoted field stops at the field limit, not at the end. */
	lim.max_bytes = 1 << 24;
	size_t n = 1 << 20;
	char *open = malloc(n);
	assert_non_null(open);
	memcpy(open, "a\n\"", 3);
	memset(open + 3, 'y', n - 3);
	assert_null(dcs_csv_parse(open, n, &lim, err, sizeof(err)));
	free(open);
	assert_false(dcs_csv_num("1e5x", &(double){0}));
	assert_false(dcs_csv_num(" 1", &(double){0}));
	assert_false(dcs_csv_num("nan", &(double){0}));
	assert_false(dcs_csv_num("inf", &(double){0}));
	double v;
	assert_true(dcs_csv_num("-2.5e-3", &v) && v == -2.5e-3);
}

/* ---- check on hand-made directories ------------------------------------- */

static const char run_json[] = "{\"scenario\": \"t\", \"seed\": 1, \"events\": 42, "
			       "\"fingerprint\": \"00000000000000aa\", \"commit\": \"abc\", "
			       "\"wall_s\": 0.5, \"events_per_s\": 84}\n";

static void make_pair(const char *name, char *base, char *cur, size_t len)
{
	snprintf(base, len, "%s/%s-base", tmpdir, name);
	snprintf(cur, len, "%s/%s-cur", tmpdir, name);
	const char *summary = "metric,entity,value,unit\n"
			      "rtt_ms,l1,0.628,ms\n"
			      "technology,l1,evi,\n"
			      "goodput_gbps,l1,9.2,Gbps\n";
	const char *links = "time_s,link,dir,utilization\n"
			    "1,l1,a->b,0.25\n"
			    "1,l1,b->a,0\n";
	put(base, "summary.csv", summary);
	put(base, "links.csv", links);
	put(base, "run.json", run_json);
	put(cur, "summary.csv", summary);
	put(cur, "links.csv", links);
	put(cur, "run.json", run_json);
}

/* Runs a check; returns its code and what it printed. */
static int check(const char *cur, const char *base, double rtol, bool accept, char **out)
{
	struct dcs_check_opts o = {.rtol = rtol, .atol = 1e-12, .accept = accept};
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	FILE *devnull = fopen("/dev/null", "w");
	int rc = dcs_check_dirs(cur, base, &o, f, devnull);
	fclose(f);
	fclose(devnull);
	return rc;
}

static void identical_directories_are_clean(void **state)
{
	(void)state;
	char b[256], c[256], *out;
	make_pair("same", b, c, sizeof(b));
	/* Wall-clock and provenance differ: never drift. */
	put(c, "run.json",
	    "{\"scenario\": \"t\", \"seed\": 1, \"events\": 42, "
	    "\"fingerprint\": \"00000000000000aa\", \"commit\": \"def\", "
	    "\"wall_s\": 9.5, \"events_per_s\": 4}\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 0);
	assert_non_null(strstr(out, "fingerprint: 00000000000000aa, unchanged"));
	assert_non_null(strstr(out, "note: run.json commit: baseline abc, current def"));
	assert_non_null(strstr(out, "check: clean (3 files, 24 cells compared"));
	assert_null(strstr(out, "drift"));
	free(out);
}

static void numeric_drift_is_caught_beyond_tolerance_only(void **state)
{
	(void)state;
	char b[256], c[256], *out;
	make_pair("num", b, c, sizeof(b));
	/* 1e-12 relative: inside the default rtol 1e-9. */
	put(c, "summary.csv",
	    "metric,entity,value,unit\n"
	    "rtt_ms,l1,0.628000000000628,ms\n"
	    "technology,l1,evi,\n"
	    "goodput_gbps,l1,9.2,Gbps\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 0);
	free(out);
	/* 1e-6 relative: drift, with file, row key, column, both values, rel. */
	put(c, "summary.csv",
	    "metric,entity,value,unit\n"
	    "rtt_ms,l1,0.628000628,ms\n"
	    "technology,l1,evi,\n"
	    "goodput_gbps,l1,9.2,Gbps\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 1);
	assert_non_null(strstr(out, "drift: summary.csv row 1 (metric=rtt_ms, entity=l1) column "
				    "value: baseline 0.628, current 0.628000628, relative "
				    "difference 1e-06; worse (lower is better)\n"));
	assert_non_null(strstr(out, "check: 1 drift in 1 file"));
	free(out);
	/* Goodput is better higher: a fall is worse. */
	put(c, "summary.csv",
	    "metric,entity,value,unit\n"
	    "rtt_ms,l1,0.628,ms\n"
	    "technology,l1,evi,\n"
	    "goodput_gbps,l1,9.1,Gbps\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 1);
	assert_non_null(strstr(out, "current 9.1, relative difference 0.0109; worse "
				    "(higher is better)\n"));
	free(out);
	/* A declared setting is an input: within tolerance or not, it must
	 * match (a changed heartbeat is a changed scenario, not drift of a
	 * model). */
	put(b, "summary.csv",
	    "metric,entity,value,unit\n"
	    "cluster_heartbeat_ms,db,1000,ms\n");
	put(c, "summary.csv",
	    "metric,entity,value,unit\n"
	    "cluster_heartbeat_ms,db,1000.0001,ms\n");
	assert_int_equal(check(c, b, 1e-3, false, &out), 1);
	assert_non_null(strstr(out, "cluster_heartbeat_ms"));
	free(out);
	put(b, "summary.csv",
	    "metric,entity,value,unit\n"
	    "rtt_ms,l1,0.628,ms\n"
	    "technology,l1,evi,\n"
	    "goodput_gbps,l1,9.2,Gbps\n");
	put(c, "summary.csv",
	    "metric,entity,value,unit\n"
	    "rtt_ms,l1,0.628000628,ms\n"
	    "technology,l1,evi,\n"
	    "goodput_gbps,l1,9.2,Gbps\n");
	/* A looser rtol from the command line lets it through... */
	assert_int_equal(check(c, b, 1e-5, false, &out), 0);
	free(out);
	/* ...and so does a per-column line in the baseline's tolerances.csv. */
	put(b, "tolerances.csv",
	    "file,column,rtol,atol\n"
	    "summary.csv,value,1e-5,\n"
	    "links.csv,*,0,0\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 0);
	free(out);
	/* The last matching line wins, and the wildcard tolerates nothing. */
	put(c, "links.csv",
	    "time_s,link,dir,utilization\n1,l1,a->b,0.2500000000001\n1,l1,b->a,0\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 1);
	assert_non_null(strstr(out, "links.csv row 1 (time_s=1, link=l1, dir=a->b) column "
				    "utilization"));
	free(out);
}

static void structure_and_text_drift(void **state)
{
	(void)state;
	char b[256], c[256], *out;
	make_pair("text", b, c, sizeof(b));
	put(c, "summary.csv",
	    "metric,entity,value,unit,extra\n"
	    "rtt_ms,l1,0.628,ms,1\n"
	    "technology,l1,vpls,,1\n");
	put(c, "new.csv", "a\n1\n");
	char p[300];
	snprintf(p, sizeof(p), "%s/links.csv", c);
	unlink(p);
	put(c, "run.json",
	    "{\"scenario\": \"t\", \"seed\": 1, \"events\": 43, "
	    "\"fingerprint\": \"00000000000000bb\", \"wall_s\": 0.5}\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 1);
	/* The fingerprint comes first. */
	assert_ptr_equal(strstr(out, "fingerprint: baseline 00000000000000aa, current "
				     "00000000000000bb: the event trajectory changed"),
			 out);
	assert_non_null(strstr(out, "drift: run.json key events: baseline 42, current 43"));
	assert_non_null(strstr(out, "drift: links.csv is in the baseline but not in the results"));
	assert_non_null(strstr(out, "drift: new.csv is new (not in the baseline)"));
	assert_non_null(strstr(out, "drift: summary.csv: column extra is new"));
	assert_non_null(
	    strstr(out, "drift: summary.csv: 3 rows in the baseline, 2 in the results"));
	assert_non_null(strstr(out,
			       "drift: summary.csv row 2 (metric=technology, entity=l1) "
			       "column value: baseline evi, current vpls, relative difference -"));
	/* Rows are matched by key when the counts differ: one line for the
	 * missing row, not a cascade. */
	assert_non_null(strstr(out, "drift: summary.csv row 3 (metric=goodput_gbps, entity=l1) is "
				    "in the baseline but not in the results\n"));
	assert_null(strstr(out, "column metric"));
	free(out);
	/* --accept prints the same, replaces the baseline, keeps tolerances.csv. */
	put(b, "tolerances.csv", "file,column,rtol,atol\n*,*,,\n");
	assert_int_equal(check(c, b, 1e-9, true, &out), 0);
	assert_non_null(strstr(out, "drift: new.csv is new"));
	assert_non_null(strstr(out, "check: accepted"));
	free(out);
	assert_int_equal(check(c, b, 1e-9, false, &out), 0);
	assert_non_null(strstr(out, "check: clean"));
	free(out);
	snprintf(p, sizeof(p), "%s/links.csv", b);
	assert_int_not_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/tolerances.csv", b);
	assert_int_equal(access(p, F_OK), 0);
	/* Usage errors: no such directory. */
	snprintf(p, sizeof(p), "%s/nowhere", tmpdir);
	assert_int_equal(check(p, b, 1e-9, false, &out), 2);
	free(out);
	assert_int_equal(check(c, p, 1e-9, false, &out), 2);
	free(out);
}

/* Where, when and how a run was made is never drift. */
static void host_time_and_provenance_are_not_drift(void **state)
{
	(void)state;
	char b[256], c[256], *out;
	make_pair("prov", b, c, sizeof(b));
	put(b, "run.json",
	    "{\"scenario\": \"t\", \"scenario_sha256\": \"aa\", \"seed\": 1, \"replication\": 0,"
	    " \"events\": 42, \"fingerprint\": \"00000000000000aa\", \"commit\": \"abc\","
	    " \"dirty\": false, \"build_options\": \"Debug\", \"host\": \"a\","
	    " \"started_utc\": \"2024-01-01T00:00:00Z\", \"wall_s\": 0.5, \"events_per_s\": 84}\n");
	put(c, "run.json",
	    "{\"scenario\": \"t\", \"scenario_sha256\": \"bb\", \"seed\": 1, \"replication\": 0,"
	    " \"events\": 42, \"fingerprint\": \"00000000000000aa\", \"commit\": \"abc-dirty\","
	    " \"dirty\": true, \"build_options\": \"Release\", \"host\": \"b\","
	    " \"started_utc\": \"2025-06-01T12:00:00Z\", \"wall_s\": 3, \"events_per_s\": 14}\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 0);
	assert_non_null(strstr(out, "note: run.json dirty: baseline false, current true"));
	assert_null(strstr(out, "host"));
	assert_null(strstr(out, "drift"));
	free(out);
	/* What the run was is compared: another replication is drift. */
	put(c, "run.json",
	    "{\"scenario\": \"t\", \"scenario_sha256\": \"aa\", \"seed\": 1, \"replication\": 1,"
	    " \"events\": 42, \"fingerprint\": \"00000000000000aa\", \"commit\": \"abc\","
	    " \"dirty\": false, \"build_options\": \"Debug\", \"host\": \"a\","
	    " \"started_utc\": \"2024-01-01T00:00:00Z\", \"wall_s\": 0.5, \"events_per_s\": 84}\n");
	assert_int_equal(check(c, b, 1e-9, false, &out), 1);
	assert_non_null(strstr(out, "drift: run.json key replication: baseline 0, current 1"));
	free(out);
}

static int check_mode(const char *cur, const char *base, enum dcs_check_mode mode, double rtol,
		      bool strict, char **out)
{
	struct dcs_check_opts o = {.rtol = rtol, .atol = 1e-12, .mode = mode, .strict = strict};
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	FILE *devnull = fopen("/dev/null", "w");
	int rc = dcs_check_dirs(cur, base, &o, f, devnull);
	fclose(f);
	fclose(devnull);
	return rc;
}

/* exact: the same number written another way is drift; tolerance: not. */
static void exact_mode_wants_the_same_bytes(void **state)
{
	(void)state;
	char b[256], c[256], *out;
	make_pair("exact", b, c, sizeof(b));
	assert_int_equal(check_mode(c, b, DCS_CHECK_EXACT, 0, false, &out), 0);
	assert_non_null(strstr(out, "check: clean (3 files,"));
	free(out);
	put(c, "summary.csv",
	    "metric,entity,value,unit\n"
	    "rtt_ms,l1,0.628,ms\n"
	    "technology,l1,evi,\n"
	    "goodput_gbps,l1,9.20,Gbps\n");
	assert_int_equal(check_mode(c, b, DCS_CHECK_TOLERANCE, 0, false, &out), 0);
	free(out);
	assert_int_equal(check_mode(c, b, DCS_CHECK_EXACT, 0, false, &out), 1);
	assert_non_null(
	    strstr(out, "drift: summary.csv: not the same bytes (88 in the baseline, 89 "
			"in the results); first difference in line 4: baseline "
			"\"goodput_gbps,l1,9.2,Gbps\", current \"goodput_gbps,l1,9.20,Gbps\""));
	free(out);
}

/* Welch's test against hand-computed figures. */
static void welch_t_test(void **state)
{
	(void)state;
	double df;
	/* {1..5} vs {3..7}: means 3 and 5, variances 2.5: t = 2, df = 8. */
	double p = dcs_welch_p(3, 2.5, 5, 5, 2.5, 5, &df);
	assert_true(fabs(df - 8) < 1e-12);
	/* Two-sided P(|T_8| > 2) = 0.0805 (Student t table). */
	assert_true(fabs(p - 0.0805) < 5e-4);
	/* Unequal variances: {1,2,3} vs {2,4,6,8}: Welch-Satterthwaite df. */
	p = dcs_welch_p(2, 1, 3, 5, 20.0 / 3, 4, &df);
	double a = 1.0 / 3, b = 20.0 / 12;
	assert_true(fabs(df - (a + b) * (a + b) / (a * a / 2 + b * b / 3)) < 1e-12);
	assert_true(p > 0.05 && p < 0.2);
	/* No spread: equal means pass, different ones are certain. */
	assert_true(dcs_welch_p(1, 0, 4, 1, 0, 4, &df) == 1);
	assert_true(dcs_welch_p(1, 0, 4, 2, 0, 4, &df) == 0);
}

/* stat: one point of each verdict, a text metric and a fixed one. */
static void stat_mode_verdicts(void **state)
{
	(void)state;
	char b[256], c[256], *out;
	snprintf(b, sizeof(b), "%s/stat-base", tmpdir);
	snprintf(c, sizeof(c), "%s/stat-cur", tmpdir);
	const char *hdr = "point,replication,x,seed,status,m_ms,fixed_s,label\n";
	char bs[2048], cs[2048];
	static const double base[3][4] = {
	    {10.0, 10.1, 9.9, 10.0}, {10.0, 10.1, 9.9, 10.0}, {8, 12, 9, 11}};
	static const double cur[3][4] = {
	    {10.05, 10.15, 9.95, 10.05}, {12.0, 12.1, 11.9, 12.0}, {9, 13, 10, 12}};
	size_t nb = (size_t)snprintf(bs, sizeof(bs), "%s", hdr);
	size_t nc = (size_t)snprintf(cs, sizeof(cs), "%s", hdr);
	for (int p = 0; p < 3; p++) {
		for (int r = 0; r < 4; r++) {
			nb += (size_t)snprintf(bs + nb, sizeof(bs) - nb, "%d,%d,%d,%d,ok,%g,5,%s\n",
					       p, r, p + 1, r + 1, base[p][r], "a");
			nc += (size_t)snprintf(cs + nc, sizeof(cs) - nc, "%d,%d,%d,%d,ok,%g,5,%s\n",
					       p, r, p + 1, r + 1, cur[p][r], p == 1 ? "b" : "a");
		}
		/* A failed run's row is left out of the statistics. */
		if (p == 0)
			nc += (size_t)snprintf(cs + nc, sizeof(cs) - nc, "0,4,1,5,exit 3,99,,\n");
	}
	put(b, "sweep.csv", bs);
	put(c, "sweep.csv", cs);
	assert_int_equal(check_mode(c, b, DCS_CHECK_STAT, 0.05, false, &out), 1);
	/* x=1: a 0.5 % shift well inside 5 %: pass, not printed. */
	assert_null(strstr(out, "point x=1 metric m_ms"));
	/* x=2: 20 % with little noise: fail, with p and the effect size. */
	assert_non_null(strstr(out,
			       "drift: sweep.csv point x=2 metric m_ms: fail: baseline mean 10 "
			       "(n 4), current 12 (n 4), difference +2 (+20%), p = "));
	assert_non_null(strstr(out, "effect size d = 24.5, margin +-0.5"));
	assert_non_null(strstr(out, "point x=2 metric label: fail: the values differ (baseline a, "
				    "current b)"));
	/* x=3: 10 % but noisy: neither shown different nor equivalent. */
	assert_non_null(strstr(out, "note: sweep.csv point x=3 metric m_ms: inconclusive: "));
	assert_non_null(strstr(out, "check: stat: 9 comparisons: 6 pass, 2 fail, 1 inconclusive"));
	free(out);
	/* Without the failing point, inconclusive alone passes unless strict. */
	put(c, "sweep.csv", bs);
	assert_int_equal(check_mode(c, b, DCS_CHECK_STAT, 0.05, false, &out), 0);
	free(out);
	char cs2[2048];
	size_t n2 = (size_t)snprintf(cs2, sizeof(cs2), "%s", hdr);
	for (int p = 0; p < 3; p++)
		for (int r = 0; r < 4; r++)
			n2 +=
			    (size_t)snprintf(cs2 + n2, sizeof(cs2) - n2, "%d,%d,%d,%d,ok,%g,5,a\n",
					     p, r, p + 1, r + 1, p == 2 ? cur[2][r] : base[p][r]);
	put(c, "sweep.csv", cs2);
	assert_int_equal(check_mode(c, b, DCS_CHECK_STAT, 0.05, false, &out), 0);
	assert_non_null(strstr(out, "1 inconclusive"));
	free(out);
	assert_int_equal(check_mode(c, b, DCS_CHECK_STAT, 0.05, true, &out), 1);
	assert_non_null(strstr(out, "drift: sweep.csv point x=3 metric m_ms: inconclusive"));
	free(out);
	/* A run directory is not a sweep: a usage error. */
	char rb[256], rc_[256];
	make_pair("stat-run", rb, rc_, sizeof(rb));
	assert_int_equal(check_mode(rc_, rb, DCS_CHECK_STAT, 0.05, false, &out), 2);
	free(out);
}

/* A real run of the bundled default scenario, perturbed by one digit. */
static void a_perturbed_real_run_is_caught(void **state)
{
	(void)state;
	int nerr = 0;
	struct dcs_scenario *scn = dcs_scenario_load_text(
	    dcs_default_scenario, strlen(dcs_default_scenario), "default.json", stderr, &nerr);
	assert_non_null(scn);
	char base[256], cur[256];
	snprintf(base, sizeof(base), "%s/real-base", tmpdir);
	snprintf(cur, sizeof(cur), "%s/real-cur", tmpdir);
	struct dcs_run_opts o = {.out_dir = base, .verbosity = -1, .until_s = 60};
	assert_int_equal(dcs_run_scenario(scn, &o, NULL, stderr), 0);
	o.out_dir = cur;
	assert_int_equal(dcs_run_scenario(scn, &o, NULL, stderr), 0);
	dcs_scenario_free(scn);
	char *out;
	/* Same scenario, seed and build: clean, to the last digit. */
	assert_int_equal(check(cur, base, 0, false, &out), 0);
	free(out);
	/* Change the last digit of summary.csv's first value. */
	char p[300];
	snprintf(p, sizeof(p), "%s/summary.csv", cur);
	size_t len;
	char *s = dcs_read_file(p, &len);
	assert_non_null(s);
	char *line2 = strchr(s, '\n') + 1;
	char *end = strchr(line2, '\n');
	char *comma = end;
	while (comma > line2 && comma[-1] != ',')
		comma--; /* the unit column */
	char *digit = comma - 2;
	assert_true(*digit >= '0' && *digit <= '9');
	*digit = *digit == '9' ? '8' : (char)(*digit + 1);
	put(cur, "summary.csv", s);
	free(s);
	assert_int_equal(check(cur, base, 1e-9, false, &out), 1);
	assert_non_null(strstr(out, "drift: summary.csv row 1 ("));
	assert_non_null(strstr(out, "column value: baseline "));
	assert_non_null(strstr(out, "check: 1 drift in 1 file"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reader_takes_rfc4180),
	    cmocka_unit_test(reader_refuses_bad_input_with_a_line),
	    cmocka_unit_test(identical_directories_are_clean),
	    cmocka_unit_test(numeric_drift_is_caught_beyond_tolerance_only),
	    cmocka_unit_test(structure_and_text_drift),
	    cmocka_unit_test(host_time_and_provenance_are_not_drift),
	    cmocka_unit_test(exact_mode_wants_the_same_bytes),
	    cmocka_unit_test(welch_t_test),
	    cmocka_unit_test(stat_mode_verdicts),
	    cmocka_unit_test(a_perturbed_real_run_is_caught),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
