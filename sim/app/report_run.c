/*
 * The report of one run (`dcisim report`, report.h): one self-contained
 * report.html from a run's result directory.  Everything on the page is a
 * reading of the CSVs the run wrote; figures people read are rounded with
 * their units (human.h), units, directions, meanings and severities come
 * from the declarations of the code that produced them (metrics.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"
#include "dcisim/metrics.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "dcisim/world.h"
#include "human.h"
#include "lookup.h"
#include "compare.h"
#include "report.h"
#include "report_run_internal.h"
#include "runsummary.h"

/* ---- reading ---------------------------------------------------------------- */

static struct dcs_csv *read_csv(struct run *R, const char *file)
{
	return rep_read_csv(R->dir, file, "report", R->err);
}

double runrep_cnum(const struct dcs_csv *t, size_t r, long c)
{
	double v;
	return c >= 0 && dcs_csv_num(dcs_csv_cell(t, r, (size_t)c), &v) ? v : NAN;
}

const char *runrep_ctext(const struct dcs_csv *t, size_t r, long c)
{
	return c >= 0 ? dcs_csv_cell(t, r, (size_t)c) : "";
}

/* The scenario the run came from, for the summary's names: the file run.json
 * names, else the bundled scenario of that name. */
static void load_scenario(struct run *R)
{
	const char *path = dcs_kv_get(R->info, "scenario_path");
	const char *name = dcs_kv_get(R->info, "scenario");
	FILE *quiet = fopen("/dev/null", "w");
	int nerr = 0;
	if (path && *path && quiet)
		R->scn = dcs_scenario_load_file(path, quiet, &nerr);
	if (!R->scn && quiet && name && !strcmp(name, "default") && (!path || !*path))
		R->scn = dcs_scenario_load_text(dcs_default_scenario, strlen(dcs_default_scenario),
						"default.json", quiet, &nerr);
	if (!R->scn && quiet && name) {
		char *found = dcs_lookup(name);
		if (found)
			R->scn = dcs_scenario_load_file(found, quiet, &nerr);
		free(found);
		/* Only the same scenario will do. */
		if (R->scn && strcmp(R->scn->name, name)) {
			dcs_scenario_free(R->scn);
			R->scn = NULL;
		}
	}
	if (!R->scn)
		snprintf(R->scn_note, sizeof(R->scn_note),
			 "the scenario file %s cannot be read from here, so the run's one-screen "
			 "summary is left out",
			 path && *path ? path
			 : name        ? name
				       : "(none recorded)");
	if (quiet)
		fclose(quiet);
}

/* A results store holding the CSVs the run summary reads. */
static int add_table(struct dcs_results *res, const char *file, const struct dcs_csv *t)
{
	if (!t)
		return 0;
	size_t hl = 1;
	for (size_t c = 0; c < t->ncols; c++)
		hl += strlen(t->header[c]) + 1;
	char *h = malloc(hl);
	if (!h)
		return -1;
	h[0] = '\0';
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			strcat(h, ",");
		strcat(h, t->header[c]);
	}
	struct dcs_table *tab = dcs_results_table(res, file, h);
	free(h);
	for (size_t r = 0; r < t->nrows; r++) {
		dcs_row_begin(tab);
		for (size_t c = 0; c < t->ncols; c++)
			dcs_cell_str(tab, dcs_csv_cell(t, r, c));
		dcs_row_end(tab);
	}
	return 0;
}

/* ---- HTML pieces -------------------------------------------------------------- */

/* What this page adds to the reports' style. */
static const char css[] =
    "pre.summary{background:#fafafa;border:1px solid #ddd;padding:8px;font-size:13px;"
    "white-space:pre-wrap}.finding{color:#b00020;font-weight:bold}"
    "tr.sev-good td{background:#e3f4ea}tr.sev-warning td{background:#fff1d6}"
    "tr.sev-failure td{background:#fde2e1}abbr{text-decoration:none;border-bottom:1px dotted "
    "#999}nav a{margin-right:12px}";

/* Severity colours of events (timeline marks and list rows). */
const char *runrep_sev_color(enum dcs_severity s)
{
	switch (s) {
	case DCS_SEV_GOOD:
		return "#009E73";
	case DCS_SEV_WARNING:
		return "#E69F00";
	case DCS_SEV_FAILURE:
		return "#D55E00";
	default:
		return "#56708f";
	}
}

enum dcs_severity runrep_severity_of(const struct run *R, const char *file, const char *kind)
{
	const struct dcs_event_def *d = dcs_catalog_event(R->cat, file, kind);
	return d ? d->severity : DCS_SEV_INFO;
}

const char *runrep_hs(char *buf, double v, const char *unit)
{
	return dcs_human(buf, DCS_HUMAN_LEN, v, unit);
}

/* ---- sections ---------------------------------------------------------------------- */

static void head(struct dcs_buf *b, const struct run *R)
{
	const char *name = dcs_kv_get(R->info, "scenario");
	struct dcs_buf title = {0};
	dcs_buf_printf(&title, "dcisim run report: %s", name ? name : "");
	dcs_report_page_begin(b, title.s ? title.s : "dcisim run report", css);
	dcs_buf_free(&title);
	dcs_buf_puts(b, "<h1>Run report: ");
	dcs_html_esc(b, name ? name : "");
	dcs_buf_puts(b, "</h1>\n");
	if (R->scn && R->scn->description && *R->scn->description) {
		dcs_buf_puts(b, "<p>");
		dcs_html_esc(b, R->scn->description);
		dcs_buf_puts(b, "</p>\n");
	}
	char a[DCS_HUMAN_LEN];
	const char *complete = dcs_kv_get(R->info, "complete");
	dcs_buf_puts(b, "<table class=\"facts\">");
	static const char *const keys[][2] = {
	    {"scenario file", "scenario_path"}, {"seed", "seed"},      {"events", "events"},
	    {"fingerprint", "fingerprint"},     {"dcisim", "version"}, {"commit", "commit"}};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = dcs_kv_get(R->info, keys[i][1]);
		if (!v || !*v)
			continue;
		dcs_buf_puts(b, "<tr>");
		rep_th(b, keys[i][0]);
		rep_td(b, v, NULL);
		dcs_buf_puts(b, "</tr>");
	}
	dcs_buf_puts(b, "<tr>");
	rep_th(b, "simulated");
	rep_td(b, runrep_hs(a, R->t_end, "s"), NULL);
	dcs_buf_puts(b, "</tr><tr>");
	rep_th(b, "results");
	rep_td(b, R->dir, NULL);
	dcs_buf_puts(b, "</tr></table>\n");
	if (complete && strcmp(complete, "true"))
		dcs_buf_printf(b,
			       "<p class=\"finding\">The run did not complete (%s): what "
			       "follows covers the part that ran.</p>\n",
			       dcs_kv_get(R->info, "stop_note") ? dcs_kv_get(R->info, "stop_note")
								: "stopped early");
	dcs_buf_puts(
	    b, "<nav><a href=\"#glance\">at a glance</a><a href=\"#timelines\">timelines</a>"
	       "<a href=\"#events\">events</a><a href=\"#summary\">summary table</a></nav>\n");
}

/* The one-screen summary `dcisim run` prints, findings marked. */
static void glance(struct dcs_buf *b, struct run *R)
{
	dcs_buf_puts(b, "<h2 id=\"glance\">At a glance</h2>\n");
	if (!R->scn) {
		dcs_buf_puts(b, "<p class=\"note\">");
		dcs_html_esc(b, R->scn_note);
		dcs_buf_puts(b, ".</p>\n");
		return;
	}
	struct dcs_results *res = dcs_results_create();
	char *text = NULL;
	size_t len = 0;
	FILE *f = res ? open_memstream(&text, &len) : NULL;
	if (!f || add_table(res, "summary.csv", R->summary) ||
	    add_table(res, "migrations.csv", R->migrations) ||
	    add_table(res, "storage.csv", R->storage)) {
		if (f)
			fclose(f);
		free(text);
		dcs_results_destroy(res);
		return;
	}
	dcs_run_summary(f, R->scn, res, NULL, 0);
	fclose(f);
	dcs_results_destroy(res);
	dcs_buf_puts(b, "<pre class=\"summary\">");
	/* The first line names the scenario, which the title already does. */
	const char *p = strchr(text ? text : "", '\n');
	p = p ? p + 1 : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		if (!line)
			break;
		bool bad = !strncmp(line, "  ! ", 4);
		if (bad)
			dcs_buf_puts(b, "<span class=\"finding\">");
		dcs_html_esc(b, line);
		dcs_buf_puts(b, bad ? "</span>\n" : "\n");
		free(line);
		p = nl ? nl + 1 : p + n;
	}
	dcs_buf_puts(b, "</pre>\n");
	free(text);
}

/* links.csv: utilisation and, where the network writes it, queue delay. */
static void event_list(struct dcs_buf *b, const struct run *R, const struct dcs_csv *t,
		       const char *file, const char *kind_col, const char *const *cols,
		       size_t ncols)
{
	long ck = dcs_csv_col(t, kind_col);
	dcs_buf_puts(b, "<table><tr>");
	for (size_t i = 0; i < ncols; i++)
		rep_th(b, cols[i]);
	dcs_buf_puts(b, "</tr>\n");
	for (size_t r = 0; r < t->nrows && r < RUN_MAX_LIST; r++) {
		const char *kind = runrep_ctext(t, r, ck);
		const struct dcs_event_def *d = dcs_catalog_event(R->cat, file, kind);
		dcs_buf_printf(b, "<tr class=\"sev-%s\"",
			       dcs_severity_name(d ? d->severity : DCS_SEV_INFO));
		if (d) {
			dcs_buf_puts(b, " title=\"");
			dcs_html_esc(b, d->meaning);
			dcs_buf_puts(b, "\"");
		}
		dcs_buf_puts(b, ">");
		for (size_t i = 0; i < ncols; i++) {
			long c = dcs_csv_col(t, cols[i]);
			if (strcmp(cols[i], "time_s")) {
				rep_td(b, runrep_ctext(t, r, c), NULL);
				continue;
			}
			char tm[48];
			double v = runrep_cnum(t, r, c);
			snprintf(tm, sizeof(tm), "%.3f", v);
			/* Milliseconds at most, without trailing zeros. */
			char *e = tm + strlen(tm);
			while (e > tm && e[-1] == '0')
				*--e = '\0';
			if (e > tm && e[-1] == '.')
				*--e = '\0';
			strcat(tm, " s");
			rep_td(b, isfinite(v) ? tm : runrep_ctext(t, r, c), "num");
		}
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
	if (t->nrows > RUN_MAX_LIST)
		dcs_buf_printf(b,
			       "<p class=\"note\">The first %d of %zu rows are listed (%s has "
			       "them all).</p>\n",
			       RUN_MAX_LIST, t->nrows, file);
}

static void events_section(struct dcs_buf *b, const struct run *R)
{
	dcs_buf_puts(b, "<h2 id=\"events\">Events</h2>\n");
	if (!R->events || !R->events->nrows) {
		dcs_buf_puts(b, "<p class=\"note\">Nothing notable happened (events.csv is "
				"empty).</p>\n");
	} else {
		dcs_buf_puts(b, "<p class=\"note\">events.csv; rows are coloured by the severity "
				"their producer declares (red failure, orange warning, green "
				"recovery); hover a row for what its kind means.</p>\n");
		static const char *const cols[] = {"time_s", "kind", "entity", "detail"};
		/* (time_s is shown to the millisecond; events.csv has every digit) */
		event_list(b, R, R->events, "events.csv", "kind", cols, 4);
	}
	if (R->cluster && R->cluster->nrows) {
		dcs_buf_puts(b, "<h3 id=\"cluster-events\">Cluster events</h3>\n");
		static const char *const cols[] = {"time_s", "cluster", "event",
						   "node",   "site",    "detail"};
		event_list(b, R, R->cluster, "cluster.csv", "event", cols, 6);
	}
}

/* summary.csv grouped by the producer that declares each metric, figures
 * rounded for people with the declared unit, the declared meaning on hover. */
static void summary_section(struct dcs_buf *b, const struct run *R)
{
	dcs_buf_puts(b, "<h2 id=\"summary\">Summary table</h2>\n");
	const struct dcs_csv *t = R->summary;
	if (!t) {
		dcs_buf_puts(b, "<p class=\"note\">No summary.csv.</p>\n");
		return;
	}
	long cm = dcs_csv_col(t, "metric"), ce = dcs_csv_col(t, "entity"),
	     cv = dcs_csv_col(t, "value"), cu = dcs_csv_col(t, "unit");
	if (cm < 0 || cv < 0)
		return;
	dcs_buf_puts(
	    b, "<p class=\"note\">summary.csv, rounded for reading (the CSV keeps full "
	       "precision); ↓ lower is better, ↑ higher is better; hover a metric for what it "
	       "means.</p>\n");
	/* One table per producer, in the catalog's order; undeclared last. */
	size_t nf = R->cat->n_families;
	for (size_t f = 0; f <= nf; f++) {
		const struct dcs_metric_family *fam = f < nf ? R->cat->families[f] : NULL;
		bool opened = false;
		for (size_t r = 0; r < t->nrows; r++) {
			const char *metric = runrep_ctext(t, r, cm);
			const struct dcs_metric_family *mf =
			    dcs_catalog_metric_family(R->cat, metric);
			if (mf != fam)
				continue;
			const struct dcs_metric_def *d = dcs_catalog_metric(R->cat, metric);
			if (!opened) {
				dcs_buf_puts(b, "<h3>");
				dcs_html_esc(b, fam ? fam->producer : "other");
				dcs_buf_puts(b, "</h3>\n<table><tr>");
				rep_th(b, "metric");
				rep_th(b, "entity");
				rep_th(b, "value");
				rep_th(b, "");
				dcs_buf_puts(b, "</tr>\n");
				opened = true;
			}
			dcs_buf_puts(b, "<tr><td>");
			if (d) {
				dcs_buf_puts(b, "<abbr title=\"");
				dcs_html_esc(b, d->meaning);
				dcs_buf_puts(b, "\">");
			}
			dcs_html_esc(b, metric);
			dcs_buf_puts(b, d ? "</abbr></td>" : "</td>");
			rep_td(b, runrep_ctext(t, r, ce), NULL);
			double v;
			const char *text = runrep_ctext(t, r, cv);
			char a[DCS_HUMAN_LEN];
			bool numeric = dcs_csv_num(text, &v) && (!d || d->kind != DCS_METRIC_LABEL);
			rep_td(b, numeric ? runrep_hs(a, v, runrep_ctext(t, r, cu)) : text,
			       numeric ? "num" : NULL);
			rep_td(b,
			       !d || !numeric                   ? ""
			       : d->better == DCS_BETTER_LOWER  ? "↓"
			       : d->better == DCS_BETTER_HIGHER ? "↑"
								: "",
			       NULL);
			dcs_buf_puts(b, "</tr>\n");
		}
		if (opened)
			dcs_buf_puts(b, "</table>\n");
	}
}

int dcs_report_run(const char *dir, const char *out_dir, FILE *err)
{
	struct run R = {.dir = dir, .err = err};
	char p[4096], msg[512];
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(err, "dcisim report: error: %s is not a directory\n", dir);
		return DCS_EXIT_USAGE;
	}
	snprintf(p, sizeof(p), "%s/sweep.json", dir);
	if (stat(p, &st) == 0) {
		fprintf(err,
			"dcisim report: error: %s holds a sweep: `dcisim compare` draws sweeps "
			"(give it the sweep directory and another), `dcisim report` one run\n",
			dir);
		return DCS_EXIT_USAGE;
	}
	snprintf(p, sizeof(p), "%s/run.json", dir);
	R.info = dcs_kv_read_json(p, msg, sizeof(msg));
	if (!R.info) {
		fprintf(err, "dcisim report: error: %s is not a run's result directory (%s)\n", dir,
			msg);
		return DCS_EXIT_USAGE;
	}
	R.cat = dcs_world_catalog_init(&R.wc);
	R.summary = read_csv(&R, "summary.csv");
	R.events = read_csv(&R, "events.csv");
	R.links = read_csv(&R, "links.csv");
	R.series = read_csv(&R, "storage_series.csv");
	R.storage = read_csv(&R, "storage.csv");
	R.rounds = read_csv(&R, "rounds.csv");
	R.migrations = read_csv(&R, "migrations.csv");
	R.paths = read_csv(&R, "paths.csv");
	R.cluster = read_csv(&R, "cluster.csv");
	R.replication = read_csv(&R, "replication.csv");
	const char *sim = dcs_kv_get(R.info, "simulated_s");
	R.t_end = sim ? strtod(sim, NULL) : 0;
	load_scenario(&R);

	struct dcs_buf b = {0};
	head(&b, &R);
	glance(&b, &R);
	runrep_timelines(&b, &R);
	events_section(&b, &R);
	summary_section(&b, &R);
	dcs_buf_puts(&b,
		     "<p class=\"note\">Written by dcisim report from the CSV files of this "
		     "run; nothing on this page is loaded from elsewhere.</p>\n</body></html>\n");
	int code = DCS_EXIT_OK;
	if (b.oom) {
		fprintf(err, "dcisim report: error: out of memory\n");
		code = DCS_EXIT_RUNTIME;
	} else if (dcs_mkdir_p(out_dir) != 0) {
		fprintf(err, "dcisim report: error: cannot create %s\n", out_dir);
		code = DCS_EXIT_RUNTIME;
	} else if (dcs_write_file_atomic(out_dir, "report.html", b.s, b.len, err) != 0) {
		code = DCS_EXIT_RUNTIME;
	}
	free(b.s);
	dcs_kv_free(R.info);
	struct dcs_csv *all[] = {R.summary, R.events,     R.links, R.series,  R.storage,
				 R.rounds,  R.migrations, R.paths, R.cluster, R.replication};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		dcs_csv_free(all[i]);
	dcs_scenario_free(R.scn);
	return code;
}
