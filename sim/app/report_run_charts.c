/*
 * The report of one run, its line charts: growable x/y series thinned to
 * what a chart draws (each bucket's largest value), the chart of the
 * busiest series, and the charts of link utilisation, storage latency and
 * replication.  Reads only what sim/app/report_run.c loaded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/csvread.h"
#include "dcisim/metrics.h"
#include "compare.h"
#include "report.h"
#include "report_run_internal.h"

/* ---- line series ---------------------------------------------------------------- */

int runrep_pts_add(struct pts *p, double x, double y)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		double *nx = realloc(p->x, cap * sizeof(double));
		if (!nx)
			return -1;
		p->x = nx;
		double *ny = realloc(p->y, cap * sizeof(double));
		if (!ny)
			return -1;
		p->y = ny;
		p->cap = cap;
	}
	p->x[p->n] = x;
	p->y[p->n] = y;
	p->n++;
	return 0;
}

void runrep_pts_free(struct pts *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].label);
		free(p[i].x);
		free(p[i].y);
	}
	free(p);
}

/* Keeps at most RUN_MAX_POINTS points: each bucket's largest y (a NaN in a
 * bucket, a gap, is kept as a gap).  Returns whether it thinned. */
static bool pts_thin(struct pts *p)
{
	if (p->n <= RUN_MAX_POINTS)
		return false;
	size_t per = (p->n + RUN_MAX_POINTS - 1) / RUN_MAX_POINTS, k = 0;
	for (size_t i = 0; i < p->n; i += per) {
		double x = p->x[i], y = -INFINITY;
		bool gap = false;
		for (size_t j = i; j < i + per && j < p->n; j++) {
			if (isnan(p->y[j]))
				gap = true;
			else if (p->y[j] > y) {
				y = p->y[j];
				x = p->x[j];
			}
		}
		p->x[k] = x;
		p->y[k] = gap || !isfinite(y) ? NAN : y;
		k++;
	}
	p->n = k;
	return true;
}

/* The series of `key` in ps (created on first use); NULL without memory. */
struct pts *runrep_pts_of(struct pts **ps, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*ps)[i].label, key))
			return &(*ps)[i];
	struct pts *np = realloc(*ps, (*n + 1) * sizeof(**ps));
	if (!np)
		return NULL;
	*ps = np;
	struct pts *p = &np[(*n)++];
	*p = (struct pts){.label = strdup(key)};
	return p->label ? p : NULL;
}

static int by_mean_desc(const void *a, const void *b)
{
	const struct pts *x = a, *y = b;
	if (x->mean_y != y->mean_y)
		return x->mean_y < y->mean_y ? 1 : -1;
	return strcmp(x->label, y->label);
}

enum { LINES_LOG = 1 };

/* Draws up to `most` series (the largest mean first when there are more);
 * series that are zero throughout are left out and named in a note. */
void runrep_draw_lines(struct dcs_buf *b, const struct run *R, struct pts *ps, size_t n,
		       size_t most, const char *title, const char *ylabel, int flags)
{
	size_t live = 0;
	struct dcs_buf idle = {0};
	for (size_t i = 0; i < n; i++) {
		bool any = false;
		for (size_t j = 0; j < ps[i].n && !any; j++)
			any = isfinite(ps[i].y[j]) && ps[i].y[j] != 0;
		if (any) {
			struct pts tmp = ps[live];
			ps[live++] = ps[i];
			ps[i] = tmp;
		} else {
			dcs_buf_puts(&idle, idle.len ? ", " : "");
			dcs_html_esc(&idle, ps[i].label);
		}
	}
	if (idle.len)
		dcs_buf_printf(b, "<p class=\"note\">%s: zero throughout for %s.</p>\n", title,
			       idle.s);
	free(idle.s);
	n = live;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		double s = 0;
		size_t k = 0;
		for (size_t j = 0; j < ps[i].n; j++)
			if (isfinite(ps[i].y[j])) {
				s += ps[i].y[j];
				k++;
			}
		ps[i].mean_y = k ? s / (double)k : 0;
	}
	size_t shown = n;
	if (n > most) {
		qsort(ps, n, sizeof(*ps), by_mean_desc);
		shown = most;
	}
	bool thinned = false;
	struct dcs_series *s = calloc(shown, sizeof(*s));
	if (!s)
		return;
	for (size_t i = 0; i < shown; i++) {
		thinned |= pts_thin(&ps[i]);
		s[i] = (struct dcs_series){
		    .label = ps[i].label, .x = ps[i].x, .y = ps[i].y, .n = ps[i].n};
	}
	char full[512];
	snprintf(full, sizeof(full), "%s%s", title, thinned ? " (peak of each interval)" : "");
	struct dcs_chart c = {.title = full,
			      .xlabel = "simulated time (s)",
			      .ylabel = ylabel,
			      .width = 1000,
			      .y_from_zero = true,
			      .y_log = flags & LINES_LOG,
			      .x_min = 0,
			      .x_max = R->t_end};
	dcs_svg_lines(b, &c, s, shown);
	if (n > shown)
		dcs_buf_printf(b, "<p class=\"note\">The %zu busiest of %zu are drawn.</p>\n",
			       shown, n);
	free(s);
}

void runrep_link_charts(struct dcs_buf *b, const struct run *R)
{
	const struct dcs_csv *t = R->links;
	if (!t)
		return;
	long ct = dcs_csv_col(t, "time_s"), cl = dcs_csv_col(t, "link"), cd = dcs_csv_col(t, "dir"),
	     cu = dcs_csv_col(t, "utilization"), cq = dcs_csv_col(t, "queue_ms");
	if (ct < 0 || cl < 0 || cu < 0)
		return;
	struct pts *util = NULL, *queue = NULL;
	size_t nu = 0, nq = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		char key[256];
		snprintf(key, sizeof(key), "%s %s", runrep_ctext(t, r, cl), runrep_ctext(t, r, cd));
		struct pts *p = runrep_pts_of(&util, &nu, key);
		if (!p || runrep_pts_add(p, runrep_cnum(t, r, ct), 100 * runrep_cnum(t, r, cu)))
			goto out;
		if (cq >= 0) {
			p = runrep_pts_of(&queue, &nq, key);
			if (!p || runrep_pts_add(p, runrep_cnum(t, r, ct), runrep_cnum(t, r, cq)))
				goto out;
		}
	}
	dcs_buf_puts(b, "<h3 id=\"links\">Link load</h3>\n");
	runrep_draw_lines(b, R, util, nu, RUN_MAX_LINKS,
			  "Link utilisation per direction (links.csv)", "utilisation (%)", 0);
	if (cq >= 0)
		runrep_draw_lines(b, R, queue, nq, RUN_MAX_LINKS,
				  "Queue delay per link direction (links.csv queue_ms)",
				  "queue delay (ms)", 0);
out:
	runrep_pts_free(util, nu);
	runrep_pts_free(queue, nq);
}

/* storage_series.csv: write latency per site over time; an interval in
 * which no write completed is a gap in the line. */
void runrep_storage_charts(struct dcs_buf *b, const struct run *R)
{
	const struct dcs_csv *t = R->series;
	if (!t)
		return;
	long ct = dcs_csv_col(t, "time_s"), cs = dcs_csv_col(t, "site"), co = dcs_csv_col(t, "op"),
	     cm = dcs_csv_col(t, "mean_ms"), c99 = dcs_csv_col(t, "p99_ms");
	if (ct < 0 || cs < 0 || co < 0)
		return;
	struct pts *p99 = NULL, *mean = NULL;
	size_t n99 = 0, nm = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(runrep_ctext(t, r, co), "write"))
			continue;
		struct pts *p = runrep_pts_of(&p99, &n99, runrep_ctext(t, r, cs));
		if (!p || runrep_pts_add(p, runrep_cnum(t, r, ct), runrep_cnum(t, r, c99)))
			goto out;
		p = runrep_pts_of(&mean, &nm, runrep_ctext(t, r, cs));
		if (!p || runrep_pts_add(p, runrep_cnum(t, r, ct), runrep_cnum(t, r, cm)))
			goto out;
	}
	if (!n99)
		goto out;
	dcs_buf_puts(
	    b, "<h3 id=\"storage\">Write latency</h3>\n<p class=\"note\">Each point is one sample "
	       "interval's writes (storage_series.csv); a gap is an interval in which no "
	       "write completed (frozen or failed).</p>\n");
	runrep_draw_lines(b, R, p99, n99, 10, "Write latency over time: p99 of each interval",
			  "write latency p99 (ms, log scale)", LINES_LOG);
	runrep_draw_lines(b, R, mean, nm, 10, "Write latency over time: mean of each interval",
			  "write latency mean (ms, log scale)", LINES_LOG);
out:
	runrep_pts_free(p99, n99);
	runrep_pts_free(mean, nm);
}

/* replication.csv: the backlog of each replication channel. */
void runrep_replication_chart(struct dcs_buf *b, const struct run *R)
{
	const struct dcs_csv *t = R->replication;
	if (!t)
		return;
	long ct = dcs_csv_col(t, "time_s"), cf = dcs_csv_col(t, "from"), cto = dcs_csv_col(t, "to"),
	     cb = dcs_csv_col(t, "backlog_mib"), cr = dcs_csv_col(t, "rpo_s"),
	     ck = dcs_csv_col(t, "kind");
	if (ct < 0 || cb < 0)
		return;
	struct pts *bl = NULL, *rpo = NULL;
	size_t nb = 0, nr = 0;
	bool any_bl = false, any_rpo = false;
	for (size_t r = 0; r < t->nrows; r++) {
		char key[256];
		snprintf(key, sizeof(key), "%s->%s (%s)", runrep_ctext(t, r, cf),
			 runrep_ctext(t, r, cto), runrep_ctext(t, r, ck));
		double v = runrep_cnum(t, r, cb), rp = runrep_cnum(t, r, cr);
		any_bl |= v > 0;
		any_rpo |= rp > 0;
		struct pts *p = runrep_pts_of(&bl, &nb, key);
		if (!p || runrep_pts_add(p, runrep_cnum(t, r, ct), v))
			goto out;
		p = runrep_pts_of(&rpo, &nr, key);
		if (!p || runrep_pts_add(p, runrep_cnum(t, r, ct), rp))
			goto out;
	}
	if (!any_bl && !any_rpo)
		goto out; /* replication kept up: nothing to draw */
	dcs_buf_puts(b, "<h3 id=\"replication\">Replication</h3>\n");
	if (any_bl)
		runrep_draw_lines(b, R, bl, nb, 8, "Replication backlog (replication.csv)",
				  "backlog (MiB)", 0);
	if (any_rpo)
		runrep_draw_lines(b, R, rpo, nr, 8, "Recovery point (replication.csv rpo_s)",
				  "RPO (s)", 0);
out:
	runrep_pts_free(bl, nb);
	runrep_pts_free(rpo, nr);
}

/* Growable spans, marks and row names of a timeline. */
