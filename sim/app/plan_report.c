/*
 * report.html of a plan: the answer, the plan, one chart per target (the
 * metric against the varied parameter at every evaluated point, the target
 * as a dashed line, the boundary marked and the feasible values shaded),
 * and the table of points.  One self-contained file: inline CSS (the
 * reports' own stylesheet) and inline SVG (sim/app/report_svg.c), no clock,
 * so the same plan gives the same bytes.
 */
#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/results.h"
#include "dcisim/version.h"
#include "report.h"

static const char plan_css[] =
    "p.answer{font-size:17px;background:#eef6ff;border-left:4px solid #0072B2;"
    "padding:8px 12px}td.pass{background:#d8f3dc}td.fail{background:#fde2e1}"
    "tr.boundary td{font-weight:bold}";

static void cell(struct dcs_buf *b, const char *s, const char *cls)
{
	dcs_buf_printf(b, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	dcs_html_esc(b, s);
	dcs_buf_puts(b, "</td>");
}

static void num_text(char *buf, size_t len, double v)
{
	if (isfinite(v))
		dcs_fmt_num(buf, len, v);
	else
		snprintf(buf, len, "%s", "");
}

static bool is_edge_point(const struct dcs_plan_state *S, size_t i)
{
	for (size_t e = 0; e < S->n_edges; e++)
		if (S->edges[e].in == i || S->edges[e].out == i)
			return true;
	return false;
}

/* One chart per target. */
static void target_chart(struct dcs_buf *b, const struct dcs_plan_state *S, size_t t)
{
	const struct dcs_plan *pl = S->pl;
	const struct dcs_plan_target *T = &pl->targets[t];
	size_t n = S->n;
	double *x = calloc(n + 1, sizeof(double)), *y = calloc(n + 1, sizeof(double));
	double *yb = calloc(n + 1, sizeof(double));
	struct dcs_ref *refs = calloc(S->n_intervals + S->n_edges + 2, sizeof(*refs));
	char **labels = calloc(S->n_edges + 2, sizeof(char *));
	if (!x || !y || !yb || !refs || !labels) {
		b->oom = true;
		goto out;
	}
	bool text = T->bound == DCS_PLAN_EQUALS;
	for (size_t i = 0; i < n; i++) {
		const struct dcs_plan_point *p = &S->pts[i];
		const struct dcs_plan_judge *J = &p->judge[t];
		x[i] = p->x;
		if (text) {
			/* The share of replications that read the label. */
			size_t match = 0;
			char col[512];
			dcs_plan_target_column(T, col, sizeof(col));
			for (int r = 0; r < p->nrep; r++)
				for (size_t k = 0; k < p->runs[r].n; k++)
					if (strcmp(p->runs[r].names[k], col) == 0) {
						match +=
						    strcmp(p->runs[r].values[k], T->label) == 0;
						break;
					}
			y[i] = p->nrep ? (double)match / p->nrep : NAN;
		} else {
			y[i] = J->mean;
		}
		yb[i] = J->n >= 2 ? J->bound : NAN;
	}
	size_t nr = 0;
	for (size_t i = 0; i < S->n_intervals; i++)
		refs[nr++] = (struct dcs_ref){DCS_REF_XBAND, S->pts[S->intervals[i].in].x,
					      S->pts[S->intervals[i].out].x, "every target holds"};
	char lim[64], tl[600];
	if (text)
		snprintf(tl, sizeof(tl), "target: every run reads %s", T->label);
	else
		snprintf(tl, sizeof(tl), "target %s %s",
			 T->bound == DCS_PLAN_MAX ? "\u2264" : "\u2265",
			 dcs_fmt_num(lim, sizeof(lim), T->limit));
	refs[nr++] = (struct dcs_ref){DCS_REF_Y, text ? 1.0 : T->limit, NAN, tl};
	for (size_t e = 0; e < S->n_edges; e++) {
		labels[e] = malloc(64);
		if (!labels[e]) {
			b->oom = true;
			goto out;
		}
		snprintf(labels[e], 64, "boundary %s", S->pts[S->edges[e].in].text);
		refs[nr++] = (struct dcs_ref){DCS_REF_X, S->pts[S->edges[e].in].x, NAN, labels[e]};
	}
	const char *unit = dcs_report_unit_of_name(pl->param);
	char xl[600], yl[600], title[900], sl[600], bl[600];
	snprintf(xl, sizeof(xl), "%s%s%s%s", pl->param, unit[0] ? " (" : "", unit,
		 unit[0] ? ")" : "");
	if (text)
		snprintf(yl, sizeof(yl), "share of runs reading %s", T->label);
	else
		snprintf(yl, sizeof(yl), "%s%s%s%s", T->metric,
			 T->def && T->def->unit[0] ? " (" : "", T->def ? T->def->unit : "",
			 T->def && T->def->unit[0] ? ")" : "");
	char lim2[64];
	if (text)
		snprintf(lim2, sizeof(lim2), "= %s", T->label);
	else
		snprintf(lim2, sizeof(lim2), "%s %s",
			 T->bound == DCS_PLAN_MAX ? "\u2264" : "\u2265",
			 dcs_fmt_num(lim, sizeof(lim), T->limit));
	snprintf(title, sizeof(title), "%s %s %s against %s", T->metric, T->entity, lim2,
		 pl->param);
	snprintf(sl, sizeof(sl), "mean of %d runs", S->reps);
	snprintf(bl, sizeof(bl), "one-sided %.12g%% bound", pl->confidence * 100);
	struct dcs_series s[2] = {{.label = sl, .x = x, .y = y, .n = n},
				  {.label = bl, .x = x, .y = yb, .n = n}};
	struct dcs_chart c = {.title = title,
			      .xlabel = xl,
			      .ylabel = yl,
			      .y_from_zero = text,
			      .refs = refs,
			      .n_refs = nr};
	dcs_svg_lines(b, &c, s, S->reps > 1 && !text ? 2 : 1);
out:
	for (size_t e = 0; labels && e < S->n_edges; e++)
		free(labels[e]);
	free(labels);
	free(refs);
	free(x);
	free(y);
	free(yb);
}

static void plan_table(struct dcs_buf *b, const struct dcs_plan_state *S)
{
	const struct dcs_plan *pl = S->pl;
	char lo[40], hi[40], res[40];
	dcs_plan_value_text(pl, 0, lo, sizeof(lo));
	dcs_plan_value_text(pl, pl->steps, hi, sizeof(hi));
	dcs_fmt_num(res, sizeof(res), pl->resolution);
	dcs_buf_puts(b, "<h2>The plan</h2>\n<table>\n<tr><th>base scenario</th>");
	cell(b, pl->base_path, NULL);
	dcs_buf_puts(b, "</tr>\n<tr><th>varied</th><td><code>");
	dcs_html_esc(b, pl->param);
	dcs_buf_printf(b, "</code> from %s to %s, resolution %s%s</td></tr>\n", lo, hi, res,
		      pl->integer ? " (whole numbers)" : "");
	dcs_buf_puts(b, "<tr><th>replications</th>");
	char rep[300];
	if (S->rep_declared)
		snprintf(
		    rep, sizeof(rep),
		    "1 per value: nothing in the scenario draws random numbers (no storage I/O, "
		    "random link failures or lossy paths), so every seed gives the same results; "
		    "the plan asked for %d",
		    pl->replications);
	else if (!S->rep_probed)
		snprintf(rep, sizeof(rep), "%d per value, as the plan asks%s", S->reps,
			 S->reps == 1 ? " (each value judged on one run)" : "");
	else if (S->deterministic)
		snprintf(rep, sizeof(rep),
			 "1 per value: the scenario is deterministic (its summaries were identical "
			 "under two seeds at both ends of the range); the plan asked for %d",
			 pl->replications);
	else
		snprintf(rep, sizeof(rep),
			 "%d per value: the scenario is stochastic; a value passes a target on the "
			 "one-sided %.12g%% Student-t bound of the replications' mean",
			 S->reps, pl->confidence * 100);
	cell(b, rep, NULL);
	dcs_buf_printf(b,
		      "</tr>\n<tr><th>evaluations</th><td>%zu values in %d steps; %zu runs "
		      "computed, %zu read from the cache</td></tr>\n</table>\n",
		      S->n, S->steps_run, S->computed, S->reused);
	dcs_buf_puts(b, "<h2>Targets</h2>\n<table>\n<tr><th>metric</th><th>entity</th><th>must be"
		       "</th><th>meaning</th><th>monotonic over the points</th><th>binding</th>"
		       "</tr>\n");
	for (size_t t = 0; t < pl->n_targets; t++) {
		const struct dcs_plan_target *T = &pl->targets[t];
		char bound[120], lim[40];
		if (T->bound == DCS_PLAN_EQUALS)
			snprintf(bound, sizeof(bound), "= %s", T->label);
		else
			snprintf(bound, sizeof(bound), "%s %s %s",
				 T->bound == DCS_PLAN_MAX ? "\u2264" : "\u2265",
				 dcs_fmt_num(lim, sizeof(lim), T->limit),
				 T->def ? T->def->unit : "");
		bool binding = false;
		for (size_t e = 0; e < S->n_edges; e++)
			binding = binding || !S->pts[S->edges[e].out].judge[t].pass;
		char mono[64];
		snprintf(mono, sizeof(mono), "%s (%d change%s)",
			 S->switches && S->switches[t] > 1 ? "no" : "yes",
			 S->switches ? S->switches[t] : 0,
			 S->switches && S->switches[t] == 1 ? "" : "s");
		dcs_buf_puts(b, "<tr>");
		cell(b, T->metric, NULL);
		cell(b, T->entity, NULL);
		cell(b, bound, NULL);
		cell(b, T->def ? T->def->meaning : "", NULL);
		cell(b, mono, S->switches && S->switches[t] > 1 ? "fail" : NULL);
		cell(b, binding ? "yes" : "", binding ? "fail" : NULL);
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
}

static void points_table(struct dcs_buf *b, const struct dcs_plan_state *S)
{
	const struct dcs_plan *pl = S->pl;
	dcs_buf_puts(b, "<h2>Every value tried</h2>\n<p class=\"note\">In value order; step is the "
		       "batch that evaluated it (probe, replications, scan, then bisection). "
		       "plan.csv beside this file has every summary metric of each.</p>\n"
		       "<table class=\"points\">\n<tr><th>");
	dcs_html_esc(b, pl->param);
	dcs_buf_puts(b, "</th><th>phase</th><th>step</th><th>runs</th><th>all targets</th>");
	for (size_t t = 0; t < pl->n_targets; t++) {
		const struct dcs_plan_target *T = &pl->targets[t];
		char lim[40];
		if (T->bound == DCS_PLAN_EQUALS)
			snprintf(lim, sizeof(lim), "%s", T->label);
		else
			dcs_fmt_num(lim, sizeof(lim), T->limit);
		dcs_buf_puts(b, "<th>");
		dcs_html_esc(b, T->metric);
		dcs_buf_puts(b, " ");
		dcs_html_esc(b, T->entity);
		dcs_buf_printf(b, " %s ",
			      T->bound == DCS_PLAN_MAX   ? "\u2264"
			      : T->bound == DCS_PLAN_MIN ? "\u2265"
							 : "=");
		dcs_html_esc(b, lim);
		dcs_buf_puts(b,
			    S->reps > 1 && T->bound != DCS_PLAN_EQUALS ? " (bound)</th>" : "</th>");
	}
	dcs_buf_puts(b, "</tr>\n");
	for (size_t i = 0; i < S->n; i++) {
		const struct dcs_plan_point *p = &S->pts[i];
		char step[16], runs[16];
		snprintf(step, sizeof(step), "%d", p->step);
		snprintf(runs, sizeof(runs), "%d", p->nrep);
		dcs_buf_puts(b, is_edge_point(S, i) ? "<tr class=\"boundary\">" : "<tr>");
		cell(b, p->text, "num");
		cell(b, p->phase, NULL);
		cell(b, step, "num");
		cell(b, runs, "num");
		cell(b,
		     !p->judged    ? "not judged"
		     : p->feasible ? "hold"
				   : "fail",
		     !p->judged    ? NULL
		     : p->feasible ? "pass"
				   : "fail");
		for (size_t t = 0; t < pl->n_targets; t++) {
			const struct dcs_plan_judge *J = &p->judge[t];
			char v[64];
			if (pl->targets[t].bound == DCS_PLAN_EQUALS)
				snprintf(v, sizeof(v), "%s",
					 J->text ? J->text
					 : J->n  ? "mixed"
						 : "");
			else
				num_text(v, sizeof(v), J->bound);
			cell(b, v[0] ? v : "missing", J->pass ? "pass" : "fail");
		}
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
}

char *dcs_plan_report_html(const struct dcs_plan_state *S)
{
	const struct dcs_plan *pl = S->pl;
	struct dcs_buf b = {0};
	char title[600];
	snprintf(title, sizeof(title), "dcisim plan: %s", pl->name);
	dcs_report_page_begin(&b, title, plan_css);
	dcs_buf_puts(&b, "<h1>");
	dcs_html_esc(&b, title);
	dcs_buf_puts(&b, "</h1>\n");
	if (pl->description[0]) {
		dcs_buf_puts(&b, "<p>");
		dcs_html_esc(&b, pl->description);
		dcs_buf_puts(&b, "</p>\n");
	}
	dcs_buf_puts(&b, "<p class=\"answer\">");
	dcs_html_esc(&b, S->answer ? S->answer : "");
	dcs_buf_puts(&b, "</p>\n<p class=\"note\">Written by dcisim " DCISIM_VERSION
			". The same numbers are in plan.csv and plan.json beside this file.</p>\n");
	plan_table(&b, S);
	dcs_buf_puts(&b, "<h2>Targets against the varied value</h2>\n<p class=\"note\">Dots are "
			"the values evaluated; the dashed line is the target, the dotted line the "
			"boundary, and the shaded band the values where every target holds.</p>\n");
	for (size_t t = 0; t < pl->n_targets; t++)
		target_chart(&b, S, t);
	points_table(&b, S);
	dcs_buf_puts(&b, "</body>\n</html>\n");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
