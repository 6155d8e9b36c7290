/*
 * dcisim reports: regression checks of result directories against a
 * baseline (`dcisim check`), comparison reports of several result
 * directories (`dcisim compare`: compare.csv and one self-contained
 * report.html), and the SVG charts the report draws.
 *
 * Contract (check).  Every CSV in the baseline and the result directory is
 * compared: the same files, the same columns, the same number of rows, then
 * cell by cell in row order.  Two cells that both read as finite numbers
 * agree when |current - baseline| <= atol + rtol * |baseline|; any other
 * cells must be equal as text.  Tolerances default to rtol 1e-9 and atol
 * 1e-12 (opts) and may be set per file and column in the baseline's
 * tolerances.csv (file,column,rtol,atol; `*` matches any file or column; the
 * last matching line wins).  run.json is compared key by key, except its
 * wall-clock and host fields (wall_s, events_per_s, host, started_utc)
 * and its provenance (commit, dirty, build, build_options, version,
 * scenario_path, scenario_sha256), which are shown when they differ but are
 * never drift; its fingerprint (a hash of the ordered event times) is
 * reported first.  Each drift is one line on `out`: file, row (and its key:
 * the first columns), column, baseline, current, relative difference.
 * With accept, the baseline is then replaced by the current results
 * (tolerances.csv is kept).  Exit codes: 0 clean (or accepted), 1 drift, 2
 * a directory is missing, 3 a file could not be read or written.
 *
 * Contract (compare).  Reads two or more result directories (runs: summary.csv
 * and friends; sweeps: sweep.json, sweep.csv, sweep_stats.csv), writes
 * compare.csv (metrics side by side, with absolute and relative differences
 * from the first directory) and report.html (parameters, key metrics with the
 * better value marked, and charts for whichever CSVs are present).  Nothing
 * in report.html refers to the network.  Output is deterministic: no clock.
 */
#ifndef DCISIM_REPORT_H
#define DCISIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcisim/buf.h"

/* Modes.  tolerance (the default): the contract above.  exact: every CSV
 * must be the same bytes, and run.json the same values (wall-clock, host and
 * provenance keys aside) -- for refactors on one machine.  stat: for
 * stochastic scenarios, two sweep directories (sweep.csv with replications):
 * for every point (matched by its parameter values) and numeric metric, the
 * replications' means are compared with Welch's two-sample t test (GSL's
 * Student t distribution); the verdict is fail when the difference is
 * significant (p < alpha) and larger than the margin atol + rtol x
 * |baseline mean| (per column from tolerances.csv, file sweep.csv), pass
 * when the (1 - 2 alpha) confidence interval of the difference lies within
 * the margin (equivalence, as two one-sided tests), and inconclusive
 * otherwise (more replications would decide).  Each fail and inconclusive
 * line gives both means and n, the difference, the p-value and the effect
 * size (Cohen's d with the pooled standard deviation).  Text metrics must
 * take the same set of values at a point.  Inconclusive is drift only with
 * strict. */
enum dcs_check_mode { DCS_CHECK_TOLERANCE, DCS_CHECK_EXACT, DCS_CHECK_STAT };

struct dcs_check_opts {
	double rtol, atol; /* defaults for every numeric cell (stat: the margin) */
	bool accept;       /* replace the baseline after printing the drifts */
	int max_per_file;  /* drift lines printed per file (0: 20) */
	enum dcs_check_mode mode;
	double alpha; /* stat: significance level (0: 0.05) */
	bool strict;  /* stat: an inconclusive comparison counts as drift */
};

/* Welch's two-sample t test of means m1, m2 with sample variances v1, v2 of
 * n1, n2 values: the two-sided p-value, and the degrees of freedom
 * (Welch-Satterthwaite).  With both variances 0 p is 1 when the means are
 * equal, else 0. */
double dcs_welch_p(double m1, double v1, size_t n1, double m2, double v2, size_t n2, double *df);

int dcs_check_dirs(const char *result_dir, const char *baseline_dir, const struct dcs_check_opts *o,
		   FILE *out, FILE *err);

struct dcs_compare_opts {
	const char *out_dir;        /* required */
	const char *const *labels;  /* NULL: the directories' base names */
	const char *const *metrics; /* sweep charts: these metrics (NULL: chosen) */
	size_t n_metrics;
};

int dcs_compare_dirs(const char *const *dirs, size_t n, const struct dcs_compare_opts *o,
		     FILE *err);

/* Contract (report).  dcs_report_run() reads one run's result directory
 * (run.json and the CSVs it finds) and writes out_dir/report.html: one
 * self-contained page (no script, style or image from elsewhere) with the
 * run's one-screen summary, timelines of link load and queue delay, write
 * latency, replication, migration rounds, path states and cluster events,
 * the events list coloured by severity, and summary.csv rounded for people.
 * Exit status: 0 written, 2 not a run's result directory (a sweep's is
 * refused with a pointer to compare), 3 I/O or memory. */
int dcs_report_run(const char *dir, const char *out_dir, FILE *err);

/* Which way a metric is better, as the code that produces it declares it
 * (include/dcisim/metrics.h): -1 lower, +1 higher, 0 neutral or not a
 * declared metric (a swept parameter).  "metric[entity]" columns are looked
 * up by their metric. */
int dcs_metric_direction(const char *metric);

/* ---- HTML text and SVG charts (sim/app/report_svg.c) --------------------- */

/* Text with & < > " ' escaped, for HTML and SVG. */
void dcs_html_esc(struct dcs_buf *b, const char *s);

/* A reference drawn across a line chart: a limit (a horizontal line at
 * y = v), a boundary (a vertical line at x = v), or a band of x from v to v2
 * shaded behind the series (a feasible interval).  Each is labelled and
 * widens the axes to stay in view. */
enum dcs_ref_kind { DCS_REF_Y, DCS_REF_X, DCS_REF_XBAND };
struct dcs_ref {
	enum dcs_ref_kind kind;
	double v, v2;
	const char *label;
};

struct dcs_chart {
	const char *title;
	const char *xlabel; /* with unit, e.g. "time (s)" */
	const char *ylabel;
	int width, height; /* pixels; 0: 760 x 320 */
	bool y_from_zero;
	bool y_log;          /* line charts: a logarithmic y axis (values <= 0 left out) */
	double x_min, x_max; /* line charts and timelines: the x range (both 0: the data's) */
	const struct dcs_ref *refs; /* line charts only; NULL: none */
	size_t n_refs;
};

/* A line series; lo/hi (optional) draw error bars. NaN y values break the line. */
struct dcs_series {
	const char *label;
	const double *x, *y, *lo, *hi;
	size_t n;
};

/* Palette colour of series i. */
const char *dcs_svg_color(size_t i);
void dcs_svg_lines(struct dcs_buf *b, const struct dcs_chart *c, const struct dcs_series *s,
		   size_t ns);
/* Grouped bars: v[g * ns + s], NaN for a missing bar. */
void dcs_svg_bars(struct dcs_buf *b, const struct dcs_chart *c, const char *const *groups, size_t ng,
		  const char *const *series, size_t ns, const double *v);

/* A state timeline: one row per label, spans [t0, t1) coloured by state;
 * a span's tooltip is its title, or "row: state from t0 s to t1 s". */
struct dcs_span {
	size_t row;
	double t0, t1;
	size_t state;
	const char *title; /* optional */
};
void dcs_svg_timeline(struct dcs_buf *b, const struct dcs_chart *c, const char *const *rows,
		      size_t nrows, const struct dcs_span *spans, size_t nspans,
		      const char *const *states, const char *const *colors, size_t nstates);
/* The same with marks: instants on a row (an event), drawn as ticks in their
 * colour with their title as the tooltip. */
struct dcs_mark {
	size_t row;
	double t;
	const char *color;
	const char *title;
};
void dcs_svg_timeline_marks(struct dcs_buf *b, const struct dcs_chart *c, const char *const *rows,
			    size_t nrows, const struct dcs_span *spans, size_t nspans,
			    const char *const *states, const char *const *colors, size_t nstates,
			    const struct dcs_mark *marks, size_t nmarks);

/* The page every report opens with: doctype, title, the reports' one
 * stylesheet (sim/app/report.c) and a report's own rules (extra_css, may be
 * NULL), and <body>. */
void dcs_report_page_begin(struct dcs_buf *b, const char *title, const char *extra_css);
/* The unit of a column or key name: a metric's declared unit, else the unit
 * the scenario format puts in a key's name ("links[0].distance_km" -> "km");
 * "" when none. */
const char *dcs_report_unit_of_name(const char *name);

/* Nice axis ticks covering [lo, hi]: returns the count (<= max) and the step. */
size_t dcs_nice_ticks(double lo, double hi, size_t max, double *first, double *step);

#endif
