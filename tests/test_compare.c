/*
 * Comparison reports: compare.csv's differences, the "better" rule, the
 * charts that report.html draws for each kind of CSV (and omits for absent
 * ones), sweep charts with one line per technology, a self-contained page,
 * and the SVG axis ticks.
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

#define TMPDIR_PREFIX "dcisim-test-compare"
#include "tmpdir.h"

static char *get(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	size_t len;
	return dcs_read_file(p, &len);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A run directory with every chartable file; `far` makes it the worse one. */
static void make_run(const char *dir, bool far, bool full)
{
	put(dir, "run.json",
	    far ? "{\"scenario\": \"far\", \"scenario_path\": \"\", \"seed\": 1, "
		  "\"fingerprint\": \"0b\"}\n"
		: "{\"scenario\": \"near\", \"scenario_path\": \"\", \"seed\": 1, "
		  "\"fingerprint\": \"0a\"}\n");
	put(dir, "summary.csv",
	    far ? "metric,entity,value,unit\n"
		  "rtt_ms,dci1,2,ms\n"
		  "goodput_gbps,dci1,8,Gbps\n"
		  "migration_rounds,web01,5,count\n"
		  "technology,dci1,evi,\n"
		: "metric,entity,value,unit\n"
		  "rtt_ms,dci1,0.5,ms\n"
		  "goodput_gbps,dci1,9,Gbps\n"
		  "migration_rounds,web01,3,count\n"
		  "technology,dci1,evi,\n");
	if (!full)
		return;
	put(dir, "migrations.csv",
	    "vm,from,to,start_s,end_s,total_s,downtime_ms,rounds,bytes_sent,goodput_gbps,outcome\n"
	    "web01,dc1,dc2,10,40,30,300,3,1e10,7,converged\n"
	    "db01,dc1,dc2,20,120,100,900,5,8e10,7,stunned\n");
	put(dir, "storage.csv",
	    "site,op,count,mean_ms,p50_ms,p95_ms,p99_ms,max_ms\n"
	    "dc1,read,100,0.5,0.4,1.2,2,3\n"
	    "dc1,write,100,1.5,1.4,2.2,3,4\n");
	put(dir, "links.csv",
	    "time_s,link,dir,throughput_gbps,utilization,flows,state\n"
	    "1,dci1,dc1->dc2,2,0.2,1,up\n"
	    "1,dci1,dc2->dc1,0,0,0,up\n"
	    "2,dci1,dc1->dc2,8,0.8,2,up\n"
	    "2,dci1,dc2->dc1,0,0,0,up\n"
	    "3,dci1,dc1->dc2,2,0.2,1,up\n"
	    "3,dci1,dc2->dc1,0,0,0,up\n");
	put(dir, "paths.csv",
	    "time_s,service,client_site,serving_site,ingress_site,egress_site,"
	    "rtt_ms,state\n"
	    "1,app,dc1,dc1,dc1,dc1,0.1,optimal\n"
	    "2,app,dc1,dc2,dc1,dc2,1.1,trombone\n"
	    "3,app,dc1,dc2,dc2,dc2,0.6,optimal\n"
	    "4,app,dc1,dc2,,,,unreachable\n"
	    "2,single,dc1,dc2,dc2,dc1,1.1,trombone\n"
	    "3,single,dc1,dc2,dc1,dc1,1.6,trombone\n");
}

static int compare2(const char *a, const char *b, const char *out)
{
	const char *dirs[] = {a, b};
	struct dcs_compare_opts o = {.out_dir = out};
	FILE *devnull = fopen("/dev/null", "w");
	int rc = dcs_compare_dirs(dirs, 2, &o, devnull);
	fclose(devnull);
	return rc;
}

/* The better direction is the one the producing code declares, whatever
 * the words of the name suggest: "storage_detaches" and
 * "storage_fc_credit_cap_gbps" carry no hint, "goodput_fraction" would
 * read as lower-is-better to a rule that keys on units. */
static void direction_rule(void **state)
{
	(void)state;
	assert_int_equal(dcs_metric_direction("rtt_ms"), -1);
	assert_int_equal(dcs_metric_direction("migration_downtime_ms"), -1);
	assert_int_equal(dcs_metric_direction("storage_detaches"), -1);
	assert_int_equal(dcs_metric_direction("storage_fc_credit_cap_gbps"), 1);
	assert_int_equal(dcs_metric_direction("goodput_fraction"), 1);
	assert_int_equal(dcs_metric_direction("cluster_availability"), 1);
	assert_int_equal(dcs_metric_direction("plan_completed"), 1);
	/* settings echoed back and utilisation have no better direction */
	assert_int_equal(dcs_metric_direction("cluster_heartbeat_ms"), 0);
	assert_int_equal(dcs_metric_direction("lift_window_kib"), 0);
	assert_int_equal(dcs_metric_direction("mean_utilization"), 0);
	/* sweep columns are looked up by their metric; swept inputs are neutral */
	assert_int_equal(dcs_metric_direction("migration_total_s[web01]"), -1);
	assert_int_equal(dcs_metric_direction("l2_pseudowires[dci1]"), 0);
	assert_int_equal(dcs_metric_direction("links[0].latency_ms"), 0);
	assert_int_equal(dcs_metric_direction("no_such_metric_ms"), 0);
}

static void ticks_are_nice(void **state)
{
	(void)state;
	double first, step;
	size_t n = dcs_nice_ticks(0, 600, 8, &first, &step);
	assert_true(step == 100 && first == 0 && n == 7);
	n = dcs_nice_ticks(0.13, 0.97, 6, &first, &step);
	assert_true(fabs(step - 0.2) < 1e-12 && fabs(first - 0.2) < 1e-12 && n == 4);
	n = dcs_nice_ticks(-3, 7, 6, &first, &step);
	assert_true(step == 2 && first == -2 && n == 5);
}

static void compare_csv_and_report(void **state)
{
	(void)state;
	char a[256], b[256], out[256];
	snprintf(a, sizeof(a), "%s/near", tmpdir);
	snprintf(b, sizeof(b), "%s/far", tmpdir);
	snprintf(out, sizeof(out), "%s/cmp", tmpdir);
	make_run(a, false, true);
	make_run(b, true, true);
	assert_int_equal(compare2(a, b, out), 0);

	char *csv = get(out, "compare.csv");
	assert_non_null(csv);
	assert_string_equal(csv, "metric,entity,unit,near,far,abs_diff_far,rel_diff_far\n"
				 "rtt_ms,dci1,ms,0.5,2,1.5,3\n"
				 "goodput_gbps,dci1,Gbps,9,8,-1,-0.111111111111\n"
				 "migration_rounds,web01,count,3,5,2,0.666666666667\n"
				 "technology,dci1,,evi,evi,,\n");
	free(csv);

	char *html = get(out, "report.html");
	assert_non_null(html);
	/* Self-contained: no scripts, stylesheets or images fetched. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "https:"));
	assert_int_equal(count(html, "http://"),
			 count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	/* Better values: lower rtt (near), higher goodput (near); rounds unmarked. */
	assert_non_null(strstr(html, "<td class=\"num best\" title=\"better: lower is better\">0.5 "
				     "★</td><td class=\"num\">2</td>"));
	assert_non_null(strstr(html, "<td class=\"num best\" title=\"better: higher is better\">9 "
				     "★</td><td class=\"num\">8</td>"));
	assert_non_null(strstr(html, "<td class=\"num\">3</td><td class=\"num\">5</td>"));
	/* The charts, each an inline SVG with labelled axes. */
	assert_int_equal(count(html, "<svg "), 5);
	assert_int_equal(count(html, "class=\"chart bars\""), 3);  /* time, downtime, storage */
	assert_int_equal(count(html, "class=\"chart lines\""), 1); /* only dc1->dc2 carried */
	assert_int_equal(count(html, "class=\"chart timeline\""), 1);
	assert_non_null(strstr(html, "<title>Migration time per VM (migrations.csv)</title>"));
	assert_non_null(strstr(html, ">migration time (s)</text>"));
	assert_non_null(strstr(html, ">downtime (ms)</text>"));
	assert_non_null(strstr(html, ">latency (ms)</text>"));
	assert_non_null(strstr(html, ">utilisation (%)</text>"));
	assert_non_null(strstr(html, ">simulated time (s)</text>"));
	assert_non_null(strstr(html, "<title>far: db01 dc1→dc2 = 100</title>"));
	assert_non_null(strstr(html, "<title>near: dc1 write p99 = 3</title>"));
	/* The path timeline: optimal, trombone, optimal, unreachable in order;
	 * a trombone says which legs cross the DCI, so a service behind a
	 * single gateway (responses out through dc1) draws unlike one whose
	 * requests still enter at dc1. */
	assert_non_null(strstr(html, "near: app @ dc1: optimal from 1 s to 2 s"));
	assert_non_null(strstr(html, "near: app @ dc1: trombone: requests from 2 s to 3 s"));
	assert_non_null(strstr(html, "near: app @ dc1: unreachable from 4 s"));
	assert_non_null(strstr(html, "near: single @ dc1: trombone: responses from 2 s to 3 s"));
	assert_non_null(strstr(html, "near: single @ dc1: trombone: both ways from 3 s"));
	free(html);
}

static void charts_for_absent_files_are_omitted(void **state)
{
	(void)state;
	char a[256], b[256], out[256];
	snprintf(a, sizeof(a), "%s/only-a", tmpdir);
	snprintf(b, sizeof(b), "%s/only-b", tmpdir);
	snprintf(out, sizeof(out), "%s/cmp-min", tmpdir);
	make_run(a, false, false);
	make_run(b, true, false);
	assert_int_equal(compare2(a, b, out), 0);
	char *html = get(out, "report.html");
	assert_non_null(html);
	assert_null(strstr(html, "<svg"));
	assert_null(strstr(html, "<h2>Charts</h2>"));
	assert_non_null(strstr(html, "<h2>Key metrics</h2>"));
	free(html);
	/* Not a result directory: a usage error, nothing written. */
	char empty[256], out2[256];
	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	snprintf(out2, sizeof(out2), "%s/cmp-none", tmpdir);
	assert_int_equal(dcs_mkdir_p(empty), 0);
	assert_int_equal(compare2(a, empty, out2), 2);
	assert_int_not_equal(access(out2, F_OK), 0);
}

static void sweep_chart_has_a_line_per_technology(void **state)
{
	(void)state;
	char a[256], b[256], out[256];
	snprintf(a, sizeof(a), "%s/sweep-a", tmpdir);
	snprintf(b, sizeof(b), "%s/sweep-b", tmpdir);
	snprintf(out, sizeof(out), "%s/cmp-sweep", tmpdir);
	const char *stats =
	    "point,links[0].distance_km,links[0].technology,metric,n,mean,sd,ci95_low,ci95_high\n"
	    "0,10,dwdm,migration_downtime_ms[web01],3,100,1,98,102\n"
	    "0,10,dwdm,migration_rounds[web01],3,3,0,3,3\n"
	    "1,10,evi,migration_downtime_ms[web01],3,120,1,118,122\n"
	    "2,100,dwdm,migration_downtime_ms[web01],3,150,1,148,152\n"
	    "3,100,evi,migration_downtime_ms[web01],3,170,1,168,172\n";
	put(a, "sweep_stats.csv", stats);
	put(a, "sweep.json",
	    "{\"sweep\": \"a\", \"base\": \"\", \"params\": "
	    "[\"links[0].distance_km\", \"links[0].technology\"]}\n");
	put(b, "sweep_stats.csv", stats);
	put(b, "sweep.json", "{\"sweep\": \"b\", \"base\": \"\"}\n");
	assert_int_equal(compare2(a, b, out), 0);
	char *html = get(out, "report.html");
	assert_non_null(html);
	/* One chart (rounds do not vary), four lines: two directories x two technologies. */
	assert_int_equal(count(html, "class=\"chart lines\""), 1);
	assert_non_null(strstr(html, "<title>migration_downtime_ms[web01] against "
				     "links[0].distance_km</title>"));
	assert_non_null(strstr(html, ">links[0].distance_km (km)</text>"));
	assert_non_null(strstr(html, ">migration_downtime_ms[web01] (ms)</text>"));
	assert_int_equal(count(html, "<g class=\"series\""), 4);
	assert_non_null(strstr(html, "data-label=\"sweep-a dwdm\""));
	assert_non_null(strstr(html, "data-label=\"sweep-b evi\""));
	assert_int_equal(count(html, "class=\"errbar\""), 8);
	free(html);
	char *csv = get(out, "compare.csv");
	assert_non_null(strstr(csv, "migration_downtime_ms[web01],links[0].distance_km=100 "
				    "links[0].technology=evi,ms,170,170,0,0\n"));
	free(csv);
}

/* The bottleneck table: what limited each owner, per directory, and the
 * setting that would lift it, in words. */
static void bottlenecks_side_by_side(void **state)
{
	(void)state;
	char a[256], b[256], out[256];
	snprintf(a, sizeof(a), "%s/bn-near", tmpdir);
	snprintf(b, sizeof(b), "%s/bn-far", tmpdir);
	snprintf(out, sizeof(out), "%s/bn-out", tmpdir);
	put(a, "summary.csv",
	    "metric,entity,value,unit\n"
	    "limited_by,web01,link_share,\n"
	    "limited_by,dc1->dc2,offered_load,\n");
	put(b, "summary.csv",
	    "metric,entity,value,unit\n"
	    "limited_by,web01,window,\n"
	    "lift_window_kib,web01,12288,KiB\n"
	    "limited_by,dc1->dc2,fc_credits,\n"
	    "lift_fc_credits,dc1->dc2,206,count\n");
	assert_int_equal(compare2(a, b, out), 0);
	char *html = get(out, "report.html");
	assert_non_null(html);
	assert_non_null(strstr(html, "<h2>Bottlenecks</h2>"));
	assert_non_null(strstr(html,
			       "<tr><td>web01</td><td><b>link_share</b></td><td><b>window</b>"
			       "<br>lifted by a TCP window of 12288 KiB per stream</td></tr>"));
	assert_non_null(strstr(html, "<td><b>fc_credits</b><br>lifted by 206 FC buffer "
				     "credits</td>"));
	/* Before the key metrics. */
	assert_true(strstr(html, "<h2>Bottlenecks</h2>") < strstr(html, "<h2>Key metrics</h2>"));
	free(html);
	/* No limited_by rows: no section. */
	snprintf(a, sizeof(a), "%s/bn-none", tmpdir);
	put(a, "summary.csv", "metric,entity,value,unit\nrtt_ms,l,1,ms\n");
	assert_int_equal(compare2(a, a, out), 0);
	html = get(out, "report.html");
	assert_null(strstr(html, "Bottlenecks"));
	free(html);
}

/* Default sweep charts are the outcomes the declarations name, headline
 * figures first (migration time, then write latency), never inputs echoed
 * back: a distance sweep's link RTT, however much it varies, restates the x
 * axis. */
static void sweep_charts_default_to_outcomes(void **state)
{
	(void)state;
	char a[256], out[256];
	snprintf(a, sizeof(a), "%s/sweep-out", tmpdir);
	snprintf(out, sizeof(out), "%s/cmp-sweep-out", tmpdir);
	static const char *const metrics[] = {"rtt_ms[dci1]",
					      "one_way_latency_ms[dci1]",
					      "goodput_gbps[dci1]",
					      "l2_bum_Bps[dci1]",
					      "l2_mac_move_convergence_ms[web01]",
					      "migration_rounds[web01]",
					      "mean_utilization[dci1:dc1->dc2]",
					      "storage_read_mean_ms[dc1]",
					      "storage_write_p99_ms[dc1]",
					      "migration_total_s[web01]",
					      "migration_bytes[web01]",
					      "l3_rtt_p50_ms[web]"};
	char stats[4096] = "point,links[0].distance_km,metric,n,mean,sd,ci95_low,ci95_high\n";
	for (int p = 0; p < 2; p++)
		for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
			char row[160];
			snprintf(row, sizeof(row), "%d,%d,%s,1,%d,0,%d,%d\n", p, 10 + 90 * p,
				 metrics[m], 1 + p, 1 + p, 1 + p);
			strcat(stats, row);
		}
	put(a, "sweep_stats.csv", stats);
	put(a, "sweep.json", "{\"sweep\": \"a\", \"base\": \"\"}\n");
	assert_int_equal(compare2(a, a, out), 0);
	char *html = get(out, "report.html");
	assert_non_null(html);
	const char *first = strstr(html, "<title>migration_total_s[web01] against");
	const char *second = strstr(html, "<title>storage_write_p99_ms[dc1] against");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	/* Then the other outcomes; six charts at most. */
	assert_int_equal(count(html, "class=\"chart lines\""), 6);
	assert_non_null(strstr(html, "<title>l2_mac_move_convergence_ms[web01] against"));
	/* Inputs, counts and neutral figures are never defaults. */
	assert_null(strstr(html, "<title>rtt_ms[dci1] against"));
	assert_null(strstr(html, "<title>one_way_latency_ms[dci1] against"));
	assert_null(strstr(html, "<title>goodput_gbps[dci1] against"));
	assert_null(strstr(html, "<title>l2_bum_Bps[dci1] against"));
	assert_null(strstr(html, "<title>migration_rounds[web01] against"));
	assert_null(strstr(html, "<title>mean_utilization"));
	free(html);
}

/* A title longer than its chart is shrunk, then cut with an ellipsis, the
 * whole title kept as the tooltip of both the chart and the text. */
static void long_titles_fit(void **state)
{
	(void)state;
	char title[400];
	snprintf(title, sizeof(title), "%s", "Link utilisation over time: ");
	while (strlen(title) < 300)
		strcat(title, "a-long-link-name ");
	double x[] = {0, 1}, y[] = {1, 2};
	struct dcs_series s = {.label = "a", .x = x, .y = y, .n = 2};
	struct dcs_chart c = {.title = title};
	struct dcs_buf b = {0};
	dcs_svg_lines(&b, &c, &s, 1);
	assert_false(b.oom);
	/* The visible text: 12 px, ellipsis, at most (760 - 24) / (0.62 x 12) = 98 characters. */
	const char *t = strstr(b.s, "<text class=\"title\"");
	assert_non_null(t);
	assert_non_null(strstr(t, "font-size=\"12\""));
	const char *tip = strstr(t, "</title>");
	assert_non_null(tip);
	const char *end = strstr(tip, "\u2026</text>");
	assert_non_null(end);
	size_t shown = 0;
	for (const char *p = tip + strlen("</title>"); p < end; p++)
		shown += ((unsigned char)*p & 0xC0) != 0x80;
	assert_true(shown + 1 <= 98 && shown > 60);
	assert_int_equal(count(b.s, title), 2); /* the chart's title and the text's */
	free(b.s);
	/* A short title is left as it is, in 14 px. */
	b = (struct dcs_buf){0};
	c.title = "Downtime per VM";
	dcs_svg_lines(&b, &c, &s, 1);
	assert_non_null(
	    strstr(b.s, "font-size=\"14\" font-weight=\"bold\">Downtime per VM</text>"));
	free(b.s);
}

/* Links that carried nothing: no flat lines, but each link's round trip;
 * with no link figures at all, no Links section. */
static void idle_links_show_round_trips(void **state)
{
	(void)state;
	char a[256], out[256];
	snprintf(a, sizeof(a), "%s/idle", tmpdir);
	snprintf(out, sizeof(out), "%s/cmp-idle", tmpdir);
	put(a, "summary.csv",
	    "metric,entity,value,unit\nrtt_ms,dci1,0.628,ms\nrtt_ms,wan,1.5,ms\n");
	put(a, "links.csv",
	    "time_s,link,dir,throughput_gbps,utilization,flows,state\n"
	    "1,dci1,dc1->dc2,0,0,0,up\n"
	    "1,wan,dc1->w,0,0,0,up\n");
	assert_int_equal(compare2(a, a, out), 0);
	char *html = get(out, "report.html");
	assert_non_null(html);
	assert_non_null(strstr(html, "<h3>Links</h3>"));
	assert_null(strstr(html, "class=\"chart lines\""));
	assert_non_null(strstr(html, "Round trip per link, unloaded"));
	assert_int_equal(count(html, "class=\"bar\""), 4); /* 2 links x 2 directories */
	free(html);
	put(a, "summary.csv", "metric,entity,value,unit\nmigration_rounds,web01,3,count\n");
	assert_int_equal(compare2(a, a, out), 0);
	html = get(out, "report.html");
	assert_null(strstr(html, "<h3>Links</h3>"));
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(direction_rule),
	    cmocka_unit_test(ticks_are_nice),
	    cmocka_unit_test(compare_csv_and_report),
	    cmocka_unit_test(charts_for_absent_files_are_omitted),
	    cmocka_unit_test(sweep_chart_has_a_line_per_technology),
	    cmocka_unit_test(bottlenecks_side_by_side),
	    cmocka_unit_test(sweep_charts_default_to_outcomes),
	    cmocka_unit_test(long_titles_fit),
	    cmocka_unit_test(idle_links_show_round_trips),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
