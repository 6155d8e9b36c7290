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
#include "runsummary.h"

/* Points a line chart draws per series; longer series keep each bucket's
 * largest value (peaks stay visible). */
#define RUN_MAX_POINTS 800
/* Link directions drawn: the busiest ones. */
#define RUN_MAX_LINKS 8
/* Rows of events.csv and cluster.csv listed in full. */
#define RUN_MAX_LIST 400

struct run {
	const char *dir;
	FILE *err;
	struct dcs_kv *info; /* run.json */
	struct dcs_csv *summary, *events, *links, *series, *storage, *rounds, *migrations, *paths,
	    *cluster, *replication;
	struct dcs_scenario *scn; /* for the summary; NULL when its file is gone */
	char scn_note[512];
	double t_end; /* simulated seconds: every timeline's x range */
	struct dcs_world_catalog wc;
	const struct dcs_catalog *cat;
};

/* ---- reading ---------------------------------------------------------------- */

static struct dcs_csv *read_csv(struct run *R, const char *file)
{
	return rep_read_csv(R->dir, file, "report", R->err);
}

static double cnum(const struct dcs_csv *t, size_t r, long c)
{
	double v;
	return c >= 0 && dcs_csv_num(dcs_csv_cell(t, r, (size_t)c), &v) ? v : NAN;
}

static const char *ctext(const struct dcs_csv *t, size_t r, long c)
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
static const char *sev_color(enum dcs_severity s)
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

static enum dcs_severity severity_of(const struct run *R, const char *file, const char *kind)
{
	const struct dcs_event_def *d = dcs_catalog_event(R->cat, file, kind);
	return d ? d->severity : DCS_SEV_INFO;
}

static const char *hs(char *buf, double v, const char *unit)
{
	return dcs_human(buf, DCS_HUMAN_LEN, v, unit);
}

/* ---- line series ---------------------------------------------------------------- */

/* Growable x/y pairs. */
struct pts {
	char *label;
	double *x, *y;
	size_t n, cap;
	double mean_y; /* for ranking */
};

static int pts_add(struct pts *p, double x, double y)
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

static void pts_free(struct pts *p, size_t n)
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
static struct pts *pts_of(struct pts **ps, size_t *n, const char *key)
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
static void draw_lines(struct dcs_buf *b, const struct run *R, struct pts *ps, size_t n,
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
	rep_td(b, hs(a, R->t_end, "s"), NULL);
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
static void link_charts(struct dcs_buf *b, const struct run *R)
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
		snprintf(key, sizeof(key), "%s %s", ctext(t, r, cl), ctext(t, r, cd));
		struct pts *p = pts_of(&util, &nu, key);
		if (!p || pts_add(p, cnum(t, r, ct), 100 * cnum(t, r, cu)))
			goto out;
		if (cq >= 0) {
			p = pts_of(&queue, &nq, key);
			if (!p || pts_add(p, cnum(t, r, ct), cnum(t, r, cq)))
				goto out;
		}
	}
	dcs_buf_puts(b, "<h3 id=\"links\">Link load</h3>\n");
	draw_lines(b, R, util, nu, RUN_MAX_LINKS, "Link utilisation per direction (links.csv)",
		   "utilisation (%)", 0);
	if (cq >= 0)
		draw_lines(b, R, queue, nq, RUN_MAX_LINKS,
			   "Queue delay per link direction (links.csv queue_ms)",
			   "queue delay (ms)", 0);
out:
	pts_free(util, nu);
	pts_free(queue, nq);
}

/* storage_series.csv: write latency per site over time; an interval in
 * which no write completed is a gap in the line. */
static void storage_charts(struct dcs_buf *b, const struct run *R)
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
		if (strcmp(ctext(t, r, co), "write"))
			continue;
		struct pts *p = pts_of(&p99, &n99, ctext(t, r, cs));
		if (!p || pts_add(p, cnum(t, r, ct), cnum(t, r, c99)))
			goto out;
		p = pts_of(&mean, &nm, ctext(t, r, cs));
		if (!p || pts_add(p, cnum(t, r, ct), cnum(t, r, cm)))
			goto out;
	}
	if (!n99)
		goto out;
	dcs_buf_puts(
	    b, "<h3 id=\"storage\">Write latency</h3>\n<p class=\"note\">Each point is one sample "
	       "interval's writes (storage_series.csv); a gap is an interval in which no "
	       "write completed (frozen or failed).</p>\n");
	draw_lines(b, R, p99, n99, 10, "Write latency over time: p99 of each interval",
		   "write latency p99 (ms, log scale)", LINES_LOG);
	draw_lines(b, R, mean, nm, 10, "Write latency over time: mean of each interval",
		   "write latency mean (ms, log scale)", LINES_LOG);
out:
	pts_free(p99, n99);
	pts_free(mean, nm);
}

/* replication.csv: the backlog of each replication channel. */
static void replication_chart(struct dcs_buf *b, const struct run *R)
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
		snprintf(key, sizeof(key), "%s->%s (%s)", ctext(t, r, cf), ctext(t, r, cto),
			 ctext(t, r, ck));
		double v = cnum(t, r, cb), rp = cnum(t, r, cr);
		any_bl |= v > 0;
		any_rpo |= rp > 0;
		struct pts *p = pts_of(&bl, &nb, key);
		if (!p || pts_add(p, cnum(t, r, ct), v))
			goto out;
		p = pts_of(&rpo, &nr, key);
		if (!p || pts_add(p, cnum(t, r, ct), rp))
			goto out;
	}
	if (!any_bl && !any_rpo)
		goto out; /* replication kept up: nothing to draw */
	dcs_buf_puts(b, "<h3 id=\"replication\">Replication</h3>\n");
	if (any_bl)
		draw_lines(b, R, bl, nb, 8, "Replication backlog (replication.csv)",
			   "backlog (MiB)", 0);
	if (any_rpo)
		draw_lines(b, R, rpo, nr, 8, "Recovery point (replication.csv rpo_s)", "RPO (s)",
			   0);
out:
	pts_free(bl, nb);
	pts_free(rpo, nr);
}

/* Growable spans, marks and row names of a timeline. */
struct tl {
	char **rows;
	size_t nrows;
	struct dcs_span *spans;
	size_t nspans, scap;
	struct dcs_mark *marks;
	size_t nmarks, mcap;
	char **titles; /* owned titles of spans and marks */
	size_t ntitles;
	bool oom;
};

static size_t tl_row(struct tl *T, const char *name)
{
	for (size_t i = 0; i < T->nrows; i++)
		if (!strcmp(T->rows[i], name))
			return i;
	char **nr = realloc(T->rows, (T->nrows + 1) * sizeof(char *));
	if (!nr || !(nr[T->nrows] = strdup(name))) {
		if (nr)
			T->rows = nr;
		T->oom = true;
		return 0;
	}
	T->rows = nr;
	return T->nrows++;
}

static const char *tl_title(struct tl *T, const char *s)
{
	char **nt = realloc(T->titles, (T->ntitles + 1) * sizeof(char *));
	if (!nt || !(nt[T->ntitles] = strdup(s))) {
		if (nt)
			T->titles = nt;
		T->oom = true;
		return NULL;
	}
	T->titles = nt;
	return T->titles[T->ntitles++];
}

static struct dcs_span *tl_span(struct tl *T, size_t row, double t0, double t1, size_t state)
{
	if (T->nspans == T->scap) {
		size_t cap = T->scap ? 2 * T->scap : 128;
		struct dcs_span *ns = realloc(T->spans, cap * sizeof(*ns));
		if (!ns) {
			T->oom = true;
			return NULL;
		}
		T->spans = ns;
		T->scap = cap;
	}
	struct dcs_span *s = &T->spans[T->nspans++];
	*s = (struct dcs_span){.row = row, .t0 = t0, .t1 = t1, .state = state};
	return s;
}

static void tl_mark(struct tl *T, size_t row, double t, const char *color, const char *title)
{
	if (T->nmarks == T->mcap) {
		size_t cap = T->mcap ? 2 * T->mcap : 128;
		struct dcs_mark *nm = realloc(T->marks, cap * sizeof(*nm));
		if (!nm) {
			T->oom = true;
			return;
		}
		T->marks = nm;
		T->mcap = cap;
	}
	T->marks[T->nmarks++] =
	    (struct dcs_mark){.row = row, .t = t, .color = color, .title = tl_title(T, title)};
}

static void tl_free(struct tl *T)
{
	for (size_t i = 0; i < T->nrows; i++)
		free(T->rows[i]);
	for (size_t i = 0; i < T->ntitles; i++)
		free(T->titles[i]);
	free(T->rows);
	free(T->titles);
	free(T->spans);
	free(T->marks);
}

/* A timeline over the whole run, or (zoom) over the spans it holds. */
static void tl_draw(struct dcs_buf *b, const struct run *R, struct tl *T, const char *title,
		    const char *const *states, const char *const *colors, size_t nstates, bool zoom)
{
	if (T->oom || !T->nrows)
		return;
	struct dcs_chart c = {.title = title,
			      .xlabel = "simulated time (s)",
			      .width = 1000,
			      .x_min = 0,
			      .x_max = zoom ? 0 : R->t_end};
	dcs_svg_timeline_marks(b, &c, (const char *const *)T->rows, T->nrows, T->spans, T->nspans,
			       states, colors, nstates, T->marks, T->nmarks);
}

/* rounds.csv: each VM's pre-copy rounds, stop-and-copy and post-copy as
 * spans; migrations.csv as a table. */
static void migration_section(struct dcs_buf *b, const struct run *R)
{
	static const char *const states[] = {"full copy (round 0)", "odd rounds", "even rounds",
					     "stop-and-copy", "post-copy"};
	static const char *const colors[] = {"#0072B2", "#56B4E9", "#9ecae1", "#D55E00", "#CC79A7"};
	const struct dcs_csv *t = R->rounds;
	if (!t || !t->nrows)
		return;
	long cv = dcs_csv_col(t, "vm"), cr = dcs_csv_col(t, "round"),
	     c0 = dcs_csv_col(t, "start_s"), c1 = dcs_csv_col(t, "end_s"),
	     cb = dcs_csv_col(t, "bytes"), cp = dcs_csv_col(t, "phase");
	if (cv < 0 || c0 < 0 || c1 < 0)
		return;
	dcs_buf_puts(b, "<h3 id=\"migrations\">Migration rounds</h3>\n");
	struct tl T = {0};
	for (size_t r = 0; r < t->nrows && !T.oom; r++) {
		size_t row = tl_row(&T, ctext(t, r, cv));
		const char *ph = ctext(t, r, cp);
		double round = cnum(t, r, cr);
		size_t st = !strcmp(ph, "stop_copy")  ? 3
			    : !strcmp(ph, "postcopy") ? 4
			    : round == 0              ? 0
			    : fmod(round, 2) == 1     ? 1
						      : 2;
		char a[DCS_HUMAN_LEN], bb[DCS_HUMAN_LEN], title[256];
		double t0 = cnum(t, r, c0), t1 = cnum(t, r, c1);
		snprintf(title, sizeof(title), "%s: %s%s, %s from %.6g s, took %s", ctext(t, r, cv),
			 st >= 3 ? states[st] : "round ", st >= 3 ? "" : ctext(t, r, cr),
			 hs(bb, cnum(t, r, cb), "bytes"), t0, hs(a, t1 - t0, "s"));
		struct dcs_span *s = tl_span(&T, row, t0, t1, st);
		if (s)
			s->title = tl_title(&T, title);
	}
	tl_draw(b, R, &T,
		"Pre-copy rounds per VM (rounds.csv), from the first start to the last end", states,
		colors, 5, true);
	tl_free(&T);
	const struct dcs_csv *m = R->migrations;
	if (!m)
		return;
	dcs_buf_puts(b, "<table><tr>");
	static const char *const hdr[] = {"VM",       "from → to", "outcome", "total time",
					  "downtime", "rounds",    "sent",    "limited by"};
	for (size_t i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		rep_th(b, hdr[i]);
	dcs_buf_puts(b, "</tr>\n");
	long mv = dcs_csv_col(m, "vm"), mf = dcs_csv_col(m, "from"), mt = dcs_csv_col(m, "to"),
	     mo = dcs_csv_col(m, "outcome"), mtot = dcs_csv_col(m, "total_s"),
	     md = dcs_csv_col(m, "downtime_ms"), mr = dcs_csv_col(m, "rounds"),
	     mb = dcs_csv_col(m, "bytes_sent"), ml = dcs_csv_col(m, "limited_by");
	for (size_t r = 0; r < m->nrows && r < RUN_MAX_LIST; r++) {
		char a[DCS_HUMAN_LEN], ft[128];
		const char *out = ctext(m, r, mo);
		bool ok = !strcmp(out, "converged") || !strcmp(out, "stunned");
		dcs_buf_printf(b, "<tr class=\"sev-%s\">", ok ? "info" : "failure");
		rep_td(b, ctext(m, r, mv), NULL);
		snprintf(ft, sizeof(ft), "%s → %s", ctext(m, r, mf), ctext(m, r, mt));
		rep_td(b, ft, NULL);
		rep_td(b, out, NULL);
		rep_td(b, hs(a, cnum(m, r, mtot), "s"), "num");
		rep_td(b, hs(a, cnum(m, r, md), "ms"), "num");
		rep_td(b, ctext(m, r, mr), "num");
		rep_td(b, hs(a, cnum(m, r, mb), "bytes"), "num");
		rep_td(b, dcs_limit_words(ctext(m, r, ml)), NULL);
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
	if (m->nrows > RUN_MAX_LIST)
		dcs_buf_printf(b,
			       "<p class=\"note\">The first %d of %zu migrations are listed "
			       "(migrations.csv has them all).</p>\n",
			       RUN_MAX_LIST, m->nrows);
}

/* paths.csv: each service and client site's state over time, and the
 * request round trip it sees. */
static void path_section(struct dcs_buf *b, const struct run *R)
{
	const char *const *states = rep_path_states;
	const struct dcs_csv *t = R->paths;
	if (!t || !t->nrows)
		return;
	long ct = dcs_csv_col(t, "time_s"), csv = dcs_csv_col(t, "service"),
	     ccl = dcs_csv_col(t, "client_site"), cst = dcs_csv_col(t, "state"),
	     crt = dcs_csv_col(t, "rtt_ms"), cin = dcs_csv_col(t, "ingress_site"),
	     ceg = dcs_csv_col(t, "egress_site"), cse = dcs_csv_col(t, "serving_site");
	if (ct < 0 || cst < 0)
		return;
	dcs_buf_puts(b, "<h3 id=\"paths\">Paths</h3>\n");
	struct tl T = {0};
	struct pts *rtt = NULL;
	size_t nr = 0;
	long *open = NULL; /* per row: its last span */
	for (size_t r = 0; r < t->nrows && !T.oom; r++) {
		char name[300];
		snprintf(name, sizeof(name), "%s from %s", ctext(t, r, csv), ctext(t, r, ccl));
		size_t had = T.nrows;
		size_t row = tl_row(&T, name);
		if (T.oom)
			break;
		if (T.nrows > had) {
			long *no = realloc(open, T.nrows * sizeof(long));
			if (!no)
				break;
			open = no;
			open[row] = -1;
		}
		double tm = cnum(t, r, ct);
		size_t s = rep_path_state(t, r);
		struct pts *p = pts_of(&rtt, &nr, name);
		if (!p || pts_add(p, tm, cnum(t, r, crt)))
			break;
		if (!isfinite(tm))
			continue;
		/* The route a client's requests take: in at the ingress site,
		 * served, out through the egress site.  A span lasts while the
		 * state and the route stay. */
		char title[600];
		snprintf(title, sizeof(title), "%s: in at %s, served at %s, out through %s", name,
			 ctext(t, r, cin), ctext(t, r, cse), ctext(t, r, ceg));
		if (open && open[row] >= 0) {
			struct dcs_span *last = &T.spans[open[row]];
			last->t1 = tm;
			if (last->state == s && last->title && !strcmp(last->title, title))
				continue;
		}
		struct dcs_span *sp = tl_span(&T, row, tm, tm, s);
		if (!sp)
			break;
		sp->title = tl_title(&T, title);
		open[row] = (long)(T.nspans - 1);
	}
	/* The last sample's state lasts to the end of the run. */
	for (size_t row = 0; open && row < T.nrows; row++)
		if (open[row] >= 0 && T.spans[open[row]].t1 < R->t_end)
			T.spans[open[row]].t1 = R->t_end;
	/* Each span's tooltip says its state and route; the times go with it. */
	for (size_t i = 0; i < T.nspans && !T.oom; i++) {
		char title[800];
		snprintf(title, sizeof(title), "%s; %s from %.6g s to %.6g s",
			 T.spans[i].title ? T.spans[i].title : "", states[T.spans[i].state],
			 T.spans[i].t0, T.spans[i].t1);
		T.spans[i].title = tl_title(&T, title);
	}
	free(open);
	tl_draw(b, R, &T, "Path state per service and client site (paths.csv)", rep_path_states,
		rep_path_colors, REP_PATH_STATES, false);
	tl_free(&T);
	draw_lines(b, R, rtt, nr, 10, "Request round trip per service and client site (paths.csv)",
		   "round trip (ms)", 0);
	pts_free(rtt, nr);
}

/* cluster.csv: where each cluster's service runs, its outages and split
 * brains as spans, and every event as a mark coloured by its severity. */
static void cluster_section(struct dcs_buf *b, const struct run *R)
{
	static const char *const states[] = {"serving", "outage", "split brain"};
	static const char *const colors[] = {"#009E73", "#D55E00", "#7F0000"};
	const struct dcs_csv *t = R->cluster;
	if (!t || !t->nrows)
		return;
	long ct = dcs_csv_col(t, "time_s"), cc = dcs_csv_col(t, "cluster"),
	     ce = dcs_csv_col(t, "event"), cn = dcs_csv_col(t, "node"),
	     cd = dcs_csv_col(t, "detail");
	if (ct < 0 || cc < 0 || ce < 0)
		return;
	dcs_buf_puts(b, "<h3 id=\"clusters\">Clusters</h3>\n");
	struct tl T = {0};
	for (size_t r = 0; r < t->nrows && !T.oom; r++) {
		const char *cl = ctext(t, r, cc), *ev = ctext(t, r, ce);
		double tm = cnum(t, r, ct);
		char name[300];
		snprintf(name, sizeof(name), "%s service", cl);
		size_t srow = tl_row(&T, name);
		snprintf(name, sizeof(name), "%s events", cl);
		size_t erow = tl_row(&T, name);
		char title[600];
		snprintf(title, sizeof(title), "%.6g s: %s %s: %s", tm, ev, ctext(t, r, cn),
			 ctext(t, r, cd));
		tl_mark(&T, erow, tm, sev_color(severity_of(R, "cluster.csv", ev)), title);
		/* Spans: serving from "up" on, outage and split brain between
		 * their begin and end rows.  An open span ends at the next
		 * change of the same row, or at the end of the run. */
		size_t st = !strcmp(ev, "up")                                             ? 0
			    : !strcmp(ev, "outage_begin")                                 ? 1
			    : !strcmp(ev, "split_brain_begin")                            ? 2
			    : !strcmp(ev, "outage_end") || !strcmp(ev, "split_brain_end") ? 0
											  : 99;
		if (st == 99)
			continue;
		for (size_t q = T.nspans; q-- > 0;)
			if (T.spans[q].row == srow) {
				if (T.spans[q].t1 >= R->t_end)
					T.spans[q].t1 = tm;
				break;
			}
		struct dcs_span *sp = tl_span(&T, srow, tm, R->t_end, st);
		if (sp) {
			snprintf(title, sizeof(title), "%s: %s from %.6g s (%s)", cl, states[st],
				 tm, ctext(t, r, cd));
			sp->title = tl_title(&T, title);
		}
	}
	tl_draw(b, R, &T, "Cluster service and events (cluster.csv; marks coloured by severity)",
		states, colors, 3, false);
	tl_free(&T);
}

/* An events table (events.csv or cluster.csv) with rows coloured by the
 * severity their producer declares. */
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
		const char *kind = ctext(t, r, ck);
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
				rep_td(b, ctext(t, r, c), NULL);
				continue;
			}
			char tm[48];
			double v = cnum(t, r, c);
			snprintf(tm, sizeof(tm), "%.3f", v);
			/* Milliseconds at most, without trailing zeros. */
			char *e = tm + strlen(tm);
			while (e > tm && e[-1] == '0')
				*--e = '\0';
			if (e > tm && e[-1] == '.')
				*--e = '\0';
			strcat(tm, " s");
			rep_td(b, isfinite(v) ? tm : ctext(t, r, c), "num");
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
			const char *metric = ctext(t, r, cm);
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
			rep_td(b, ctext(t, r, ce), NULL);
			double v;
			const char *text = ctext(t, r, cv);
			char a[DCS_HUMAN_LEN];
			bool numeric = dcs_csv_num(text, &v) && (!d || d->kind != DCS_METRIC_LABEL);
			rep_td(b, numeric ? hs(a, v, ctext(t, r, cu)) : text,
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

static void timelines(struct dcs_buf *b, struct run *R)
{
	dcs_buf_puts(b, "<h2 id=\"timelines\">Timelines</h2>\n");
	size_t before = b->len;
	link_charts(b, R);
	storage_charts(b, R);
	replication_chart(b, R);
	migration_section(b, R);
	path_section(b, R);
	cluster_section(b, R);
	if (b->len == before)
		dcs_buf_puts(b, "<p class=\"note\">This run wrote no time series (no links.csv, "
				"storage_series.csv, rounds.csv, paths.csv or cluster.csv).</p>\n");
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
	timelines(&b, &R);
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
