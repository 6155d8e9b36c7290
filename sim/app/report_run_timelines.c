/*
 * The report of one run, its timelines: rows of spans and marks over the
 * run's time, for the migrations and their rounds, the clients' paths and
 * the clusters, and the timelines section that gathers them with the line
 * charts.  Reads only what sim/app/report_run.c loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/csvread.h"
#include "dcisim/metrics.h"
#include "human.h"
#include "compare.h"
#include "report.h"
#include "report_run_internal.h"
#include "runsummary.h"

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
		size_t row = tl_row(&T, runrep_ctext(t, r, cv));
		const char *ph = runrep_ctext(t, r, cp);
		double round = runrep_cnum(t, r, cr);
		size_t st = !strcmp(ph, "stop_copy")  ? 3
			    : !strcmp(ph, "postcopy") ? 4
			    : round == 0              ? 0
			    : fmod(round, 2) == 1     ? 1
						      : 2;
		char a[DCS_HUMAN_LEN], bb[DCS_HUMAN_LEN], title[256];
		double t0 = runrep_cnum(t, r, c0), t1 = runrep_cnum(t, r, c1);
		snprintf(title, sizeof(title), "%s: %s%s, %s from %.6g s, took %s",
			 runrep_ctext(t, r, cv), st >= 3 ? states[st] : "round ",
			 st >= 3 ? "" : runrep_ctext(t, r, cr),
			 runrep_hs(bb, runrep_cnum(t, r, cb), "bytes"), t0,
			 runrep_hs(a, t1 - t0, "s"));
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
		const char *out = runrep_ctext(m, r, mo);
		bool ok = !strcmp(out, "converged") || !strcmp(out, "stunned");
		dcs_buf_printf(b, "<tr class=\"sev-%s\">", ok ? "info" : "failure");
		rep_td(b, runrep_ctext(m, r, mv), NULL);
		snprintf(ft, sizeof(ft), "%s → %s", runrep_ctext(m, r, mf), runrep_ctext(m, r, mt));
		rep_td(b, ft, NULL);
		rep_td(b, out, NULL);
		rep_td(b, runrep_hs(a, runrep_cnum(m, r, mtot), "s"), "num");
		rep_td(b, runrep_hs(a, runrep_cnum(m, r, md), "ms"), "num");
		rep_td(b, runrep_ctext(m, r, mr), "num");
		rep_td(b, runrep_hs(a, runrep_cnum(m, r, mb), "bytes"), "num");
		rep_td(b, dcs_limit_words(runrep_ctext(m, r, ml)), NULL);
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
		snprintf(name, sizeof(name), "%s from %s", runrep_ctext(t, r, csv),
			 runrep_ctext(t, r, ccl));
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
		double tm = runrep_cnum(t, r, ct);
		size_t s = rep_path_state(t, r);
		struct pts *p = runrep_pts_of(&rtt, &nr, name);
		if (!p || runrep_pts_add(p, tm, runrep_cnum(t, r, crt)))
			break;
		if (!isfinite(tm))
			continue;
		/* The route a client's requests take: in at the ingress site,
		 * served, out through the egress site.  A span lasts while the
		 * state and the route stay. */
		char title[600];
		snprintf(title, sizeof(title), "%s: in at %s, served at %s, out through %s", name,
			 runrep_ctext(t, r, cin), runrep_ctext(t, r, cse), runrep_ctext(t, r, ceg));
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
	runrep_draw_lines(b, R, rtt, nr, 10,
			  "Request round trip per service and client site (paths.csv)",
			  "round trip (ms)", 0);
	runrep_pts_free(rtt, nr);
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
		const char *cl = runrep_ctext(t, r, cc), *ev = runrep_ctext(t, r, ce);
		double tm = runrep_cnum(t, r, ct);
		char name[300];
		snprintf(name, sizeof(name), "%s service", cl);
		size_t srow = tl_row(&T, name);
		snprintf(name, sizeof(name), "%s events", cl);
		size_t erow = tl_row(&T, name);
		char title[600];
		snprintf(title, sizeof(title), "%.6g s: %s %s: %s", tm, ev, runrep_ctext(t, r, cn),
			 runrep_ctext(t, r, cd));
		tl_mark(&T, erow, tm, runrep_sev_color(runrep_severity_of(R, "cluster.csv", ev)),
			title);
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
				 tm, runrep_ctext(t, r, cd));
			sp->title = tl_title(&T, title);
		}
	}
	tl_draw(b, R, &T, "Cluster service and events (cluster.csv; marks coloured by severity)",
		states, colors, 3, false);
	tl_free(&T);
}

/* An events table (events.csv or cluster.csv) with rows coloured by the
 * severity their producer declares. */
void runrep_timelines(struct dcs_buf *b, struct run *R)
{
	dcs_buf_puts(b, "<h2 id=\"timelines\">Timelines</h2>\n");
	size_t before = b->len;
	runrep_link_charts(b, R);
	runrep_storage_charts(b, R);
	runrep_replication_chart(b, R);
	migration_section(b, R);
	path_section(b, R);
	cluster_section(b, R);
	if (b->len == before)
		dcs_buf_puts(b, "<p class=\"note\">This run wrote no time series (no links.csv, "
				"storage_series.csv, rounds.csv, paths.csv or cluster.csv).</p>\n");
}
