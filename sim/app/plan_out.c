/*
 * What a plan writes: plan.csv (every evaluated point, its metrics and
 * whether each target held), plan.json (the verdict, the boundary, its
 * bracket and binding targets, the evaluations, provenance) and
 * report.html (plan_report.c).  The contract is in sim/app/plan.h.
 */
#include "dcisim/exitcode.h"
#include "plan.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/jsonout.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "report.h"

static const char *const status_names[] = {"largest", "smallest",      "interval",  "all",
					   "none",    "not_monotonic", "incomplete"};

static const char *bound_name(enum dcs_plan_bound b)
{
	return b == DCS_PLAN_MAX ? "max" : b == DCS_PLAN_MIN ? "min" : "equals";
}

static const char *bound_op(enum dcs_plan_bound b)
{
	return b == DCS_PLAN_MAX ? "<=" : b == DCS_PLAN_MIN ? ">=" : "=";
}

/* ---- plan.csv ---------------------------------------------------------------- */

struct names {
	const char **v;
	size_t n, cap;
	bool oom;
};

static void names_add(struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		const char **nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv) {
			s->oom = true;
			return;
		}
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = name;
}

static void hdr(struct dcs_buf *h, const char *s)
{
	if (h->len)
		dcs_buf_puts(h, ",");
	dcs_buf_puts(h, s);
}

/* A summary column of a point over its replications: the mean when every
 * value is a number, else the distinct texts joined by '|'.  false: out of
 * memory. */
static bool metric_cell(struct dcs_table *t, const struct dcs_plan_point *p, const char *col)
{
	double sum = 0;
	int n = 0;
	bool numbers = true;
	struct dcs_buf texts = {0};
	for (int r = 0; r < p->nrep; r++) {
		const struct dcs_sweep_run *run = &p->runs[r];
		for (size_t i = 0; i < run->n; i++) {
			if (strcmp(run->names[i], col) != 0)
				continue;
			const char *v = run->values[i];
			char *end;
			double x = strtod(v, &end);
			if (v[0] && !*end && isfinite(x)) {
				sum += x;
				n++;
			} else {
				numbers = false;
			}
			bool seen = false;
			for (const char *q = texts.s; q && !seen;) {
				const char *bar = strchr(q, '|');
				size_t l = bar ? (size_t)(bar - q) : strlen(q);
				seen = l == strlen(v) && strncmp(q, v, l) == 0;
				q = bar ? bar + 1 : NULL;
			}
			if (!seen) {
				if (texts.len)
					dcs_buf_puts(&texts, "|");
				dcs_buf_puts(&texts, v);
			}
			break;
		}
	}
	bool ok = !texts.oom;
	if (numbers && n > 0)
		dcs_cell_num(t, sum / n);
	else
		dcs_cell_str(t, texts.s && ok ? texts.s : "");
	free(texts.s);
	return ok;
}

static int write_csv(const struct dcs_plan_state *S, const char *dir, FILE *err)
{
	const struct dcs_plan *pl = S->pl;
	struct names cols = {0};
	struct dcs_buf h = {0};
	char(*tcol)[512] = calloc(pl->n_targets + 1, sizeof(*tcol));
	struct dcs_results *res = NULL;
	bool oom = !tcol;
	int rc = DCS_EXIT_RUNTIME;
	if (oom)
		goto out;
	for (size_t t = 0; t < pl->n_targets; t++)
		dcs_plan_target_column(&pl->targets[t], tcol[t], sizeof(tcol[t]));
	hdr(&h, pl->param);
	hdr(&h, "phase");
	hdr(&h, "step");
	hdr(&h, "replications");
	hdr(&h, "feasible");
	for (size_t t = 0; t < pl->n_targets; t++) {
		const struct dcs_plan_target *T = &pl->targets[t];
		char lim[64], c[700];
		if (T->bound == DCS_PLAN_EQUALS)
			snprintf(lim, sizeof(lim), "%s", T->label);
		else
			dcs_fmt_num(lim, sizeof(lim), T->limit);
		hdr(&h, tcol[t]);
		snprintf(c, sizeof(c), "%s sd", tcol[t]);
		hdr(&h, c);
		snprintf(c, sizeof(c), "%s bound", tcol[t]);
		hdr(&h, c);
		snprintf(c, sizeof(c), "%s %s %s", tcol[t], bound_op(T->bound), lim);
		for (char *q = c; *q; q++)
			if (*q == ',')
				*q = ';';
		hdr(&h, c);
	}
	for (size_t i = 0; i < S->n; i++)
		for (int r = 0; r < S->pts[i].nrep; r++)
			for (size_t k = 0; k < S->pts[i].runs[r].n; k++) {
				const char *nm = S->pts[i].runs[r].names[k];
				bool is_target = false;
				for (size_t t = 0; t < pl->n_targets && !is_target; t++)
					is_target = strcmp(nm, tcol[t]) == 0;
				if (!is_target)
					names_add(&cols, nm);
			}
	for (size_t c = 0; c < cols.n; c++)
		hdr(&h, cols.v[c]);
	res = h.oom || cols.oom ? NULL : dcs_results_create();
	oom = !res;
	if (oom)
		goto out;
	struct dcs_table *t = dcs_results_table(res, "plan.csv", h.s);
	for (size_t i = 0; i < S->n; i++) {
		const struct dcs_plan_point *p = &S->pts[i];
		dcs_row_begin(t);
		dcs_cell_str(t, p->text);
		dcs_cell_str(t, p->phase);
		dcs_cell_int(t, p->step);
		dcs_cell_int(t, p->nrep);
		bool judged = p->judged;
		dcs_cell_str(t, !judged ? "" : p->feasible ? "yes" : "no");
		for (size_t k = 0; k < pl->n_targets; k++) {
			const struct dcs_plan_judge *J = &p->judge[k];
			if (pl->targets[k].bound == DCS_PLAN_EQUALS)
				dcs_cell_str(t, J->text ? J->text : J->n ? "mixed" : "");
			else if (isfinite(J->mean))
				dcs_cell_num(t, J->mean);
			else
				dcs_cell_str(t, "");
			if (isfinite(J->sd))
				dcs_cell_num(t, J->sd);
			else
				dcs_cell_str(t, "");
			if (isfinite(J->bound) && J->n >= 2)
				dcs_cell_num(t, J->bound);
			else
				dcs_cell_str(t, "");
			dcs_cell_str(t, !judged ? "" : J->pass ? "pass" : "fail");
		}
		for (size_t c = 0; c < cols.n; c++)
			oom = !metric_cell(t, p, cols.v[c]) || oom;
		dcs_row_end(t);
	}
	if (!oom)
		rc = dcs_write_table(dir, t, err) == 0 ? 0 : 3; /* the writer says why */
out:
	dcs_results_destroy(res);
	if (oom)
		fprintf(err, "dcisim plan: error: out of memory writing plan.csv\n");
	free(tcol);
	free(cols.v);
	free(h.s);
	return rc;
}

/* ---- plan.json --------------------------------------------------------------- */

static void judge_json(struct dcs_jdoc *d, struct dcs_jnode *n, const struct dcs_plan_target *T,
		       const struct dcs_plan_judge *J)
{
	if (T->bound == DCS_PLAN_EQUALS) {
		if (J->text)
			dcs_jnode_str(d, n, "value", J->text);
		else
			dcs_jnode_null(d, n, "value");
	} else {
		dcs_jnode_num(d, n, "mean", J->mean);
		dcs_jnode_num(d, n, "bound", J->bound);
	}
	dcs_jnode_bool(d, n, "holds", J->pass);
}

static void edge_json(struct dcs_jdoc *d, struct dcs_jnode *arr, const struct dcs_plan_state *S,
		      const struct dcs_plan_edge *e)
{
	const struct dcs_plan *pl = S->pl;
	const struct dcs_plan_point *in = &S->pts[e->in], *out = &S->pts[e->out];
	struct dcs_jnode *o = dcs_jnode_object(d, arr, NULL);
	dcs_jnode_str(d, o, "kind", out->k > in->k ? "largest" : "smallest");
	dcs_jnode_num(d, o, "value", in->x);
	struct dcs_jnode *br = dcs_jnode_array(d, o, "bracket");
	dcs_jnode_num(d, br, NULL, in->x < out->x ? in->x : out->x);
	dcs_jnode_num(d, br, NULL, in->x < out->x ? out->x : in->x);
	dcs_jnode_num(d, o, "beyond", out->x);
	struct dcs_jnode *bind = dcs_jnode_array(d, o, "binding");
	for (size_t t = 0; t < pl->n_targets; t++) {
		if (out->judge[t].pass)
			continue;
		const struct dcs_plan_target *T = &pl->targets[t];
		struct dcs_jnode *b = dcs_jnode_object(d, bind, NULL);
		dcs_jnode_num(d, b, "target", (double)t);
		dcs_jnode_str(d, b, "metric", T->metric);
		dcs_jnode_str(d, b, "entity", T->entity);
		judge_json(d, dcs_jnode_object(d, b, "at_boundary"), T, &in->judge[t]);
		judge_json(d, dcs_jnode_object(d, b, "beyond"), T, &out->judge[t]);
	}
}

static int write_json(const struct dcs_plan_state *S, const char *dir,
		      const struct dcs_plan_info *info, FILE *err)
{
	const struct dcs_plan *pl = S->pl;
	struct dcs_jdoc *d = dcs_jdoc_create();
	if (!d) {
		fprintf(err, "dcisim plan: error: out of memory writing plan.json\n");
		return DCS_EXIT_RUNTIME;
	}
	struct dcs_jnode *o = dcs_jdoc_root(d);
	dcs_jnode_str(d, o, "plan", pl->name);
	dcs_jnode_str(d, o, "plan_path", pl->path);
	dcs_jnode_str(d, o, "plan_sha256", pl->sha256);
	dcs_jnode_str(d, o, "description", pl->description);
	dcs_jnode_str(d, o, "base", pl->base_path);
	dcs_jnode_str(d, o, "scenario", pl->base->name);
	dcs_jnode_str(d, o, "scenario_sha256", pl->base->text_sha256);
	dcs_jnode_num(d, o, "seed", (double)pl->base->seed);
	struct dcs_jnode *v = dcs_jnode_object(d, o, "vary");
	dcs_jnode_str(d, v, "path", pl->param);
	dcs_jnode_num(d, v, "min", pl->min);
	dcs_jnode_num(d, v, "max", pl->max);
	dcs_jnode_num(d, v, "resolution", pl->resolution);
	dcs_jnode_bool(d, v, "integer", pl->integer);
	dcs_jnode_str(d, v, "unit", dcs_report_unit_of_name(pl->param));
	struct dcs_jnode *ts = dcs_jnode_array(d, o, "targets");
	for (size_t t = 0; t < pl->n_targets; t++) {
		const struct dcs_plan_target *T = &pl->targets[t];
		struct dcs_jnode *to = dcs_jnode_object(d, ts, NULL);
		dcs_jnode_str(d, to, "metric", T->metric);
		dcs_jnode_str(d, to, "entity", T->entity);
		if (T->bound == DCS_PLAN_EQUALS)
			dcs_jnode_str(d, to, "equals", T->label);
		else
			dcs_jnode_num(d, to, bound_name(T->bound), T->limit);
		dcs_jnode_str(d, to, "unit", T->def ? T->def->unit : "");
		dcs_jnode_bool(d, to, "monotonic", !S->switches || S->switches[t] <= 1);
		dcs_jnode_num(d, to, "changes", S->switches ? S->switches[t] : 0);
	}
	struct dcs_jnode *rep = dcs_jnode_object(d, o, "replications");
	dcs_jnode_num(d, rep, "asked", pl->replications);
	dcs_jnode_num(d, rep, "used", S->reps);
	dcs_jnode_str(d, rep, "scenario",
		      S->rep_declared ? "deterministic (no model draws random numbers)"
		      : !S->rep_probed ? "not probed (one replication asked)"
		      : S->deterministic
			  ? "deterministic (the targets' figures identical under two seeds)"
			  : "stochastic");
	dcs_jnode_num(d, rep, "confidence", pl->confidence);
	dcs_jnode_bool(d, rep, "confidence_applied", S->reps > 1);

	dcs_jnode_str(d, o, "status", status_names[S->status]);
	dcs_jnode_str(d, o, "answer", S->answer);
	bool one = S->n_edges == 1;
	if (one) {
		const struct dcs_plan_point *in = &S->pts[S->edges[0].in],
					    *out = &S->pts[S->edges[0].out];
		dcs_jnode_num(d, o, "boundary", in->x);
		struct dcs_jnode *br = dcs_jnode_array(d, o, "bracket");
		dcs_jnode_num(d, br, NULL, in->x < out->x ? in->x : out->x);
		dcs_jnode_num(d, br, NULL, in->x < out->x ? out->x : in->x);
		struct dcs_jnode *bind = dcs_jnode_array(d, o, "binding");
		for (size_t t = 0; t < pl->n_targets; t++)
			if (!out->judge[t].pass) {
				char c[512];
				dcs_plan_target_column(&pl->targets[t], c, sizeof(c));
				dcs_jnode_str(d, bind, NULL, c);
			}
	} else {
		dcs_jnode_null(d, o, "boundary");
		dcs_jnode_null(d, o, "bracket");
		dcs_jnode_null(d, o, "binding");
	}
	struct dcs_jnode *edges = dcs_jnode_array(d, o, "boundaries");
	for (size_t e = 0; e < S->n_edges; e++)
		edge_json(d, edges, S, &S->edges[e]);
	struct dcs_jnode *iv = dcs_jnode_array(d, o, "feasible_intervals");
	for (size_t i = 0; i < S->n_intervals; i++) {
		struct dcs_jnode *pair = dcs_jnode_array(d, iv, NULL);
		dcs_jnode_num(d, pair, NULL, S->pts[S->intervals[i].in].x);
		dcs_jnode_num(d, pair, NULL, S->pts[S->intervals[i].out].x);
	}
	/* The evaluations, in the order they ran (step, then value). */
	struct dcs_jnode *ev = dcs_jnode_array(d, o, "evaluations");
	for (int step = 0; step < S->steps_run; step++)
		for (size_t i = 0; i < S->n; i++) {
			const struct dcs_plan_point *p = &S->pts[i];
			if (p->step != step)
				continue;
			struct dcs_jnode *e = dcs_jnode_object(d, ev, NULL);
			dcs_jnode_num(d, e, "value", p->x);
			dcs_jnode_str(d, e, "phase", p->phase);
			dcs_jnode_num(d, e, "step", p->step);
			dcs_jnode_num(d, e, "replications", p->nrep);
			if (p->judged)
				dcs_jnode_bool(d, e, "feasible", p->feasible);
			else
				dcs_jnode_null(d, e, "feasible");
		}
	dcs_jnode_num(d, o, "points", (double)S->n);
	dcs_jnode_num(d, o, "steps", S->steps_run);
	dcs_jnode_num(d, o, "runs_computed", (double)S->computed);
	dcs_jnode_num(d, o, "runs_reused", (double)S->reused);
	dcs_jnode_bool(d, o, "complete", S->status != DCS_PLAN_INCOMPLETE);
	dcs_jnode_num(d, o, "jobs", info->jobs);
	dcs_jnode_num(d, o, "ranks", info->ranks);
	dcs_jnode_provenance(d, o, info->started_unix);
	dcs_jnode_num(d, o, "wall_s", info->wall_s);
	int rc = dcs_jdoc_write(d, dir, "plan.json", err) == 0 ? 0 : 3;
	dcs_jdoc_destroy(d);
	return rc;
}

int dcs_plan_write(const struct dcs_plan_state *S, const char *dir,
		   const struct dcs_plan_info *info, FILE *err)
{
	if (dcs_mkdir_p(dir) != 0) {
		fprintf(err, "dcisim plan: error: cannot create %s: %s\n", dir, strerror(errno));
		return DCS_EXIT_RUNTIME;
	}
	/* plan.json last: it says the rest is in place. */
	int rc = write_csv(S, dir, err);
	if (!rc) {
		char *html = dcs_plan_report_html(S);
		if (!html) {
			fprintf(err, "dcisim plan: error: out of memory writing report.html\n");
			rc = DCS_EXIT_RUNTIME;
		} else if (dcs_write_file_atomic(dir, "report.html", html, strlen(html), err) !=
			   0) {
			rc = DCS_EXIT_RUNTIME;
		}
		free(html);
	}
	if (!rc)
		rc = write_json(S, dir, info, err);
	return rc;
}
