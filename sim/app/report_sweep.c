/*
 * The comparison report's charts of sweeps (compare.h): a metric of
 * sweep_stats.csv against the swept parameter, with its confidence interval.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "dcisim/metrics.h"
#include "dcisim/world.h"
#include "dcisim/exitcode.h"

struct sweep_axes {
	long xcol;   /* the numeric parameter */
	long metric; /* column of "metric" */
	long mean, lo, hi;
};

static bool sweep_axes_of(const struct dcs_csv *t, struct sweep_axes *ax)
{
	ax->metric = dcs_csv_col(t, "metric");
	ax->mean = dcs_csv_col(t, "mean");
	ax->lo = dcs_csv_col(t, "ci95_low");
	ax->hi = dcs_csv_col(t, "ci95_high");
	ax->xcol = -1;
	if (ax->metric < 2 || ax->mean < 0)
		return false;
	for (long c = 1; c < ax->metric && ax->xcol < 0; c++) {
		bool num = t->nrows > 0;
		for (size_t r = 0; r < t->nrows && num; r++)
			num = !isnan(rep_cell_num(t, r, c));
		if (num)
			ax->xcol = c;
	}
	return ax->xcol >= 0;
}

/* Does a metric's mean vary across the sweep's points? */
static bool metric_varies(const struct dcs_csv *t, const struct sweep_axes *ax, const char *m)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(dcs_csv_cell(t, r, (size_t)ax->metric), m) != 0)
			continue;
		double v = rep_cell_num(t, r, ax->mean);
		lo = fmin(lo, v);
		hi = fmax(hi, v);
	}
	return hi > lo;
}

/* How a sweep_stats.csv metric ("name[entity]") ranks for a default chart,
 * by its declaration (include/dcisim/metrics.h): its headline rank; then
 * (HEADLINE_OTHER) any other outcome -- a figure, not an input echoed back,
 * with a better direction; -1 for settings, labels, counts and neutral
 * figures (and for undeclared names). */
#define HEADLINE_OTHER 1000
static int metric_rank(const struct dcs_catalog *cat, const char *m)
{
	const struct dcs_metric_def *d = dcs_catalog_metric(cat, m);
	if (!d || d->kind != DCS_METRIC_FIGURE || d->better == DCS_BETTER_NEUTRAL)
		return -1;
	int h = dcs_catalog_headline(cat, m);
	return h > 0 ? h : HEADLINE_OTHER;
}

void rep_sweep_charts(struct dcs_buf *b, const struct rdir *d, size_t nd,
		      const struct dcs_compare_opts *o)
{
	/* The metrics to draw: asked for, or the most telling that vary. */
	const char **metrics = NULL;
	size_t nm = 0, mcap = 0;
	for (size_t i = 0; i < o->n_metrics; i++)
		rep_intern(&metrics, &nm, &mcap, o->metrics[i]);
	if (nm == 0) {
		/* The outcomes that vary, headline figures first in their rank
		 * (migration time, write latency, ...), then the others; each
		 * rank in file order.  Inputs (settings) are never chosen: a
		 * distance sweep's link RTT only restates its x axis. */
		struct dcs_world_catalog wc;
		const struct dcs_catalog *cat = dcs_world_catalog_init(&wc);
		int rank = 0;
		while (nm < MAX_SWEEP_CHARTS) {
			/* The next rank that any metric has. */
			int next = INT_MAX;
			for (size_t k = 0; k < nd; k++) {
				const struct dcs_csv *t = d[k].stats;
				struct sweep_axes ax;
				for (size_t r = 0; t && sweep_axes_of(t, &ax) && r < t->nrows;
				     r++) {
					int mr =
					    metric_rank(cat, dcs_csv_cell(t, r, (size_t)ax.metric));
					if (mr > rank && mr < next)
						next = mr;
				}
			}
			if (next == INT_MAX)
				break;
			rank = next;
			for (size_t k = 0; k < nd && nm < MAX_SWEEP_CHARTS; k++) {
				const struct dcs_csv *t = d[k].stats;
				struct sweep_axes ax;
				if (!t || !sweep_axes_of(t, &ax))
					continue;
				for (size_t r = 0; r < t->nrows && nm < MAX_SWEEP_CHARTS; r++) {
					const char *m = dcs_csv_cell(t, r, (size_t)ax.metric);
					if (metric_rank(cat, m) == rank && metric_varies(t, &ax, m))
						rep_intern(&metrics, &nm, &mcap, m);
				}
			}
		}
	}
	for (size_t i = 0; i < nm; i++) {
		/* Series: one per directory and combination of the other parameters. */
		struct dcs_series *s = NULL;
		char **labels = NULL;
		double **buf = NULL;
		size_t ns = 0;
		const char *xname = NULL;
		for (size_t k = 0; k < nd; k++) {
			const struct dcs_csv *t = d[k].stats;
			struct sweep_axes ax;
			if (!t || !sweep_axes_of(t, &ax))
				continue;
			xname = t->header[ax.xcol];
			for (size_t r = 0; r < t->nrows; r++) {
				if (strcmp(dcs_csv_cell(t, r, (size_t)ax.metric), metrics[i]) != 0)
					continue;
				char lab[512];
				size_t n = (size_t)snprintf(lab, sizeof(lab), "%s",
							    nd > 1 ? d[k].label : "");
				for (long c = 1; c < ax.metric && n < sizeof(lab); c++)
					if (c != ax.xcol)
						n += (size_t)snprintf(
						    lab + n, sizeof(lab) - n, "%s%s", n ? " " : "",
						    dcs_csv_cell(t, r, (size_t)c));
				if (!lab[0])
					snprintf(lab, sizeof(lab), "%s", d[k].label);
				size_t si = 0;
				while (si < ns && strcmp(labels[si], lab) != 0)
					si++;
				if (si == ns) {
					struct dcs_series *nsr = realloc(s, (ns + 1) * sizeof(*s));
					if (nsr)
						s = nsr;
					char **nl = realloc(labels, (ns + 1) * sizeof(char *));
					if (nl)
						labels = nl;
					double **nb = realloc(buf, (ns + 1) * sizeof(double *));
					if (nb)
						buf = nb;
					double *arr = calloc(4 * t->nrows + 4, sizeof(double));
					char *ls = strdup(lab);
					if (!nsr || !nl || !nb || !arr || !ls) {
						free(arr);
						free(ls);
						goto next;
					}
					labels[ns] = ls;
					buf[ns] = arr;
					s[ns] = (struct dcs_series){.label = ls,
								    .x = arr,
								    .y = arr + t->nrows + 1,
								    .lo = arr + 2 * (t->nrows + 1),
								    .hi = arr + 3 * (t->nrows + 1)};
					ns++;
				}
				double *arr = buf[si];
				size_t j = s[si].n++;
				arr[j] = rep_cell_num(t, r, ax.xcol);
				arr[t->nrows + 1 + j] = rep_cell_num(t, r, ax.mean);
				arr[2 * (t->nrows + 1) + j] = rep_cell_num(t, r, ax.lo);
				arr[3 * (t->nrows + 1) + j] = rep_cell_num(t, r, ax.hi);
			}
		}
		/* Points in x order (stable, so equal x keep their file order). */
		for (size_t si = 0; si < ns; si++) {
			double *x = (double *)s[si].x, *y = (double *)s[si].y;
			double *lo = (double *)s[si].lo, *hi = (double *)s[si].hi;
			for (size_t a = 1; a < s[si].n; a++)
				for (size_t c = a; c > 0 && x[c - 1] > x[c]; c--) {
					double tx = x[c], ty = y[c], tl = lo[c], tu = hi[c];
					x[c] = x[c - 1], y[c] = y[c - 1], lo[c] = lo[c - 1],
					hi[c] = hi[c - 1];
					x[c - 1] = tx, y[c - 1] = ty, lo[c - 1] = tl,
					      hi[c - 1] = tu;
				}
		}
		if (ns && xname) {
			char title[400], xl[300], yl[300];
			snprintf(title, sizeof(title), "%s against %s", metrics[i], xname);
			rep_axis_text(xl, sizeof(xl), xname, rep_unit_of_name(xname));
			rep_axis_text(yl, sizeof(yl), metrics[i], rep_unit_of_name(metrics[i]));
			struct dcs_chart c = {.title = title, .xlabel = xl, .ylabel = yl};
			dcs_svg_lines(b, &c, s, ns);
		}
	next:
		for (size_t si = 0; si < ns; si++) {
			free(labels[si]);
			free(buf[si]);
		}
		free(labels);
		free(buf);
		free(s);
	}
	free(metrics);
}
