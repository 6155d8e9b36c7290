/*
 * Plans: the search for the boundary where every target holds, on the sweep
 * engine.  The contract is in sim/app/plan.h.
 */
#include "dcisim/exitcode.h"
#include "plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "dcisim/results.h"
#include "dcisim/world.h"
#include "report.h"

void dcs_plan_target_column(const struct dcs_plan_target *t, char *buf, size_t len)
{
	/* As the sweep engine names summary cells (sweep.h): commas become ';'. */
	snprintf(buf, len, "%s[%s]", t->metric, t->entity);
	for (char *p = buf; *p; p++)
		if (*p == ',' || *p == '\n' || *p == '\r')
			*p = ';';
}

void dcs_plan_state_free(struct dcs_plan_state *S)
{
	for (size_t i = 0; i < S->n; i++) {
		for (int r = 0; r < S->pts[i].nrep; r++)
			dcs_sweep_run_clear(&S->pts[i].runs[r]);
		free(S->pts[i].runs);
		free(S->pts[i].judge);
	}
	free(S->pts);
	free(S->intervals);
	free(S->switches);
	free(S->answer);
	S->pts = NULL;
	S->n = S->cap = 0;
}

/* ---- points ------------------------------------------------------------------ */

/* The point at grid index k, inserted in order when new; NULL out of memory. */
static struct dcs_plan_point *point_at(struct dcs_plan_state *S, int64_t k, const char *phase)
{
	size_t lo = 0, hi = S->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (S->pts[mid].k < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < S->n && S->pts[lo].k == k)
		return &S->pts[lo];
	if (S->n == S->cap) {
		size_t cap = S->cap ? 2 * S->cap : 32;
		struct dcs_plan_point *np = realloc(S->pts, cap * sizeof(*np));
		if (!np)
			return NULL;
		S->pts = np;
		S->cap = cap;
	}
	struct dcs_plan_judge *j = calloc(S->pl->n_targets, sizeof(*j));
	if (!j)
		return NULL;
	for (size_t t = 0; t < S->pl->n_targets; t++) /* not judged yet */
		j[t] = (struct dcs_plan_judge){.mean = NAN, .sd = NAN, .bound = NAN};
	memmove(&S->pts[lo + 1], &S->pts[lo], (S->n - lo) * sizeof(*S->pts));
	S->n++;
	struct dcs_plan_point *p = &S->pts[lo];
	*p = (struct dcs_plan_point){.k = k,
				     .x = dcs_plan_value(S->pl, k),
				     .phase = phase,
				     .step = S->steps_run,
				     .judge = j};
	dcs_plan_value_text(S->pl, k, p->text, sizeof(p->text));
	return p;
}

static long find_point(const struct dcs_plan_state *S, int64_t k)
{
	for (size_t i = 0; i < S->n; i++)
		if (S->pts[i].k == k)
			return (long)i;
	return -1;
}

/* The cell of a summary, by column name; NULL when absent. */
static const char *cell_of(const struct dcs_sweep_run *r, const char *col)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->names[i], col) == 0)
			return r->values[i];
	return NULL;
}

/* Judges every target at a point from its runs. */
static void judge_point(const struct dcs_plan_state *S, struct dcs_plan_point *p)
{
	const struct dcs_plan *pl = S->pl;
	double xs[DCS_PLAN_MAX_REPLICATIONS]; /* nrep is at most that */
	p->feasible = true;
	p->judged = true;
	for (size_t t = 0; t < pl->n_targets; t++) {
		const struct dcs_plan_target *T = &pl->targets[t];
		struct dcs_plan_judge *J = &p->judge[t];
		char col[512];
		dcs_plan_target_column(T, col, sizeof(col));
		*J = (struct dcs_plan_judge){.mean = NAN, .sd = NAN, .bound = NAN};
		bool all_numbers = true, same_text = true;
		size_t n_label = 0;
		for (int r = 0; r < p->nrep; r++) {
			const char *v = cell_of(&p->runs[r], col);
			if (!v)
				continue;
			double x;
			char *end;
			x = strtod(v, &end);
			bool num = v[0] && !*end && isfinite(x);
			all_numbers = all_numbers && num;
			if (num && J->n < DCS_PLAN_MAX_REPLICATIONS)
				xs[J->n] = x;
			if (J->n == 0)
				J->text = v;
			else if (strcmp(J->text, v) != 0)
				same_text = false;
			n_label += T->label && strcmp(v, T->label) == 0;
			J->n++;
		}
		if (!same_text)
			J->text = NULL;
		bool complete = J->n == (size_t)p->nrep && J->n > 0;
		if (T->bound == DCS_PLAN_EQUALS) {
			J->pass = complete && n_label == J->n;
		} else if (complete && all_numbers) {
			J->mean = gsl_stats_mean(xs, 1, J->n);
			J->bound = J->mean;
			if (J->n >= 2) {
				J->sd = gsl_stats_sd_m(xs, 1, J->n, J->mean);
				double tq = gsl_cdf_tdist_Pinv(pl->confidence, (double)(J->n - 1));
				double half = tq * J->sd / sqrt((double)J->n);
				J->bound =
				    T->bound == DCS_PLAN_MAX ? J->mean + half : J->mean - half;
			}
			J->pass =
			    T->bound == DCS_PLAN_MAX ? J->bound <= T->limit : J->bound >= T->limit;
		} else {
			J->pass = false;
		}
		p->feasible = p->feasible && J->pass;
	}
}

/* ---- batches --------------------------------------------------------------- */

/* Out of memory: said on stderr, exit code 3. */
static int no_memory(void)
{
	fprintf(stderr, "dcisim plan: error: out of memory\n");
	return DCS_EXIT_RUNTIME;
}

static void say(const struct dcs_plan_state *S, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct dcs_plan_state *S, const char *fmt, ...)
{
	if (!S->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(S->err, fmt, ap);
	va_end(ap);
}

/* Evaluates grid indices ks[0..n) with `reps` replications each, with
 * opts o; the outcomes a point already holds are not run again.  Returns 0,
 * 2 (a point's scenario is invalid; the cache refused), 3 (a run failed, or
 * memory ran out), or 130/143 (interrupted). */
static int eval(struct dcs_plan_state *S, const int64_t *ks, size_t n, int reps, const char *phase,
		const struct dcs_sweep_opts *o)
{
	const struct dcs_plan *pl = S->pl;
	int64_t *need = calloc(n + 1, sizeof(*need));
	if (!need)
		return no_memory();
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		struct dcs_plan_point *p = point_at(S, ks[i], phase);
		if (!p) {
			free(need);
			return no_memory();
		}
		if (p->nrep < reps)
			need[m++] = ks[i];
	}
	if (m == 0) {
		free(need);
		return 0;
	}
	FILE *err = S->err ? S->err : stderr;
	if (S->progress)
		say(S, "dcisim plan: step %d (%s): %zu value%s x %d run%s\n", S->steps_run, phase,
		    m, m == 1 ? "" : "s", reps, reps == 1 ? "" : "s");
	struct dcs_sweep *sw = dcs_plan_sweep(pl, need, m, reps, err);
	struct dcs_sweep_run *runs = calloc(m * (size_t)reps + 1, sizeof(*runs));
	bool *pre = calloc(m * (size_t)reps + 1, sizeof(bool));
	int code = 0;
	if (!sw || !runs || !pre) {
		code = sw ? no_memory() : 2;
		goto out;
	}
	/* What the points hold already counts as done (the pool skips it). */
	for (size_t i = 0; i < m; i++) {
		struct dcs_plan_point *p = &S->pts[find_point(S, need[i])];
		for (int r = 0; r < p->nrep; r++) {
			runs[i * (size_t)reps + (size_t)r] = p->runs[r];
			runs[i * (size_t)reps + (size_t)r].reused = true;
			pre[i * (size_t)reps + (size_t)r] = true;
			p->runs[r] = (struct dcs_sweep_run){0};
		}
	}
	code = S->run(sw, o, runs);
	S->steps_run++;
	/* Back to the points, every outcome, whatever happened. */
	for (size_t i = 0; i < m; i++) {
		struct dcs_plan_point *p = &S->pts[find_point(S, need[i])];
		struct dcs_sweep_run *nr = realloc(p->runs, (size_t)reps * sizeof(*nr));
		if (!nr) {
			code = no_memory();
			for (int r = 0; r < reps; r++)
				dcs_sweep_run_clear(&runs[i * (size_t)reps + (size_t)r]);
			p->nrep = 0;
			p->judged = false;
			continue;
		}
		p->runs = nr;
		int held = 0;
		for (int r = 0; r < reps; r++) {
			struct dcs_sweep_run *run = &runs[i * (size_t)reps + (size_t)r];
			if (!pre[i * (size_t)reps + (size_t)r]) {
				if (run->done && run->reused)
					S->reused++;
				else if (run->done)
					S->computed++;
			}
			if (!run->done && code == 0) {
				fprintf(err, "%s: error: the run at %s=%s did not finish\n",
					pl->path, pl->param, p->text);
				code = DCS_EXIT_RUNTIME;
			}
			if (run->done && run->code != 0) {
				fprintf(
				    err,
				    "%s: error: the run at %s=%s (seed %llu) failed (exit %d)%s%s",
				    pl->path, pl->param, p->text,
				    (unsigned long long)dcs_sweep_seed(sw, i * (size_t)reps +
									       (size_t)r),
				    run->code, run->messages ? ": " : "\n",
				    run->messages ? run->messages : "");
				code = DCS_EXIT_RUNTIME;
			}
			/* Only an unbroken prefix of replications is kept. */
			if (run->done && held == r) {
				p->runs[held++] = *run;
				*run = (struct dcs_sweep_run){0};
			} else {
				dcs_sweep_run_clear(run);
			}
		}
		p->nrep = held;
		p->judged = false;
		if (held == reps)
			judge_point(S, p);
	}
out:
	free(pre);
	free(runs);
	dcs_sweep_free(sw);
	free(need);
	return code;
}

/* Two runs gave the same value of every target's metric: what the plan
 * judges cannot depend on the seed.  (Other figures may: a closed-loop
 * storage workload's achieved IOPS counts random arrivals even where every
 * I/O takes the same time.) */
static bool same_targets(const struct dcs_plan *pl, const struct dcs_sweep_run *a,
			 const struct dcs_sweep_run *b)
{
	for (size_t t = 0; t < pl->n_targets; t++) {
		char col[512];
		dcs_plan_target_column(&pl->targets[t], col, sizeof(col));
		const char *va = cell_of(a, col), *vb = cell_of(b, col);
		if ((va == NULL) != (vb == NULL) || (va && strcmp(va, vb) != 0))
			return false;
	}
	return true;
}

/* Whether every target's metric[entity] is in the summary of one of the
 * probed points (both ends of the range: a figure that exists only where
 * something finishes, a migration's downtime, may be missing at one end).
 * Otherwise a plan error, positioned on the target's entity, naming the
 * entities the runs report for that metric.  report: print the errors. */
static bool targets_reported(const struct dcs_plan_state *S, const struct dcs_plan_point *const *p,
			     size_t np, bool report)
{
	const struct dcs_plan *pl = S->pl;
	bool ok = true;
	for (size_t t = 0; t < pl->n_targets; t++) {
		const struct dcs_plan_target *T = &pl->targets[t];
		char col[512];
		dcs_plan_target_column(T, col, sizeof(col));
		bool found = false;
		for (size_t i = 0; i < np && !found; i++)
			found = cell_of(&p[i]->runs[0], col) != NULL;
		if (found)
			continue;
		ok = false;
		if (!report)
			continue;
		char have[1024] = "", at[200] = "";
		size_t used = 0, ml = strlen(T->metric);
		const struct dcs_sweep_run *r = &p[0]->runs[0];
		for (size_t i = 0; i < r->n && used < sizeof(have) - 1; i++) {
			const char *nm = r->names[i];
			if (strncmp(nm, T->metric, ml) != 0 || nm[ml] != '[' || strchr(nm, '#'))
				continue;
			used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%.*s",
						 used ? ", " : "", (int)(strlen(nm) - ml - 2),
						 nm + ml + 1);
		}
		if (np > 1)
			snprintf(at, sizeof(at), "s at %s=%s and %s", pl->param, p[0]->text,
				 p[np - 1]->text);
		else
			snprintf(at, sizeof(at), " at %s=%s", pl->param, p[0]->text);
		fprintf(stderr,
			"%s:%d:%d: error: targets[%zu].entity: the scenario%s report%s no %s for "
			"'%s'%s%s%s\n",
			pl->path, T->line, T->col, t, at, np > 1 ? "" : "s", T->metric, T->entity,
			used ? " (they report it for: "
			     : " (they do not report that metric at all: is its model in the "
			       "scenario?",
			used ? have : "", ")");
	}
	return ok;
}

/* ---- the verdict ------------------------------------------------------------ */

static const char *op_text(const struct dcs_plan_target *T)
{
	return T->bound == DCS_PLAN_MAX ? "\u2264" : T->bound == DCS_PLAN_MIN ? "\u2265" : "=";
}

/* The figure a target was judged on at a point, for people: a number with
 * three significant digits (no exponent), or more when fewer would read as
 * the limit (4.9996 against 5), or the text. */
static void figure(const struct dcs_plan_judge *J, const struct dcs_plan_target *T, char *buf,
		   size_t len)
{
	if (T->bound == DCS_PLAN_EQUALS) {
		snprintf(buf, len, "%s", J->text ? J->text : J->n ? "mixed" : "missing");
		return;
	}
	if (!isfinite(J->bound)) {
		snprintf(buf, len, "missing");
		return;
	}
	double v = J->bound, mag = v != 0 ? floor(log10(fabs(v))) : 0;
	for (int p = 3; p <= 12; p++) {
		int decimals = (int)fmax(0, p - 1 - mag);
		snprintf(buf, len, "%.*f", decimals, v);
		if (v == T->limit || strtod(buf, NULL) != T->limit)
			return;
	}
	dcs_fmt_num(buf, len, v);
}

/* "metric entity <= limit" */
static void target_text(const struct dcs_plan_target *T, char *buf, size_t len)
{
	char lim[40];
	if (T->bound == DCS_PLAN_EQUALS)
		snprintf(lim, sizeof(lim), "%s", T->label);
	else
		dcs_fmt_num(lim, sizeof(lim), T->limit);
	snprintf(buf, len, "%s %s %s %s", T->metric, T->entity, op_text(T), lim);
}

/* The binding targets of an edge: those that fail on its infeasible side. */
static void binding_text(const struct dcs_plan_state *S, const struct dcs_plan_edge *e,
			 struct dcs_buf *b)
{
	const struct dcs_plan *pl = S->pl;
	const struct dcs_plan_point *in = &S->pts[e->in], *out = &S->pts[e->out];
	bool first = true;
	for (size_t t = 0; t < pl->n_targets; t++) {
		if (out->judge[t].pass)
			continue;
		char tt[600], fig[64];
		target_text(&pl->targets[t], tt, sizeof(tt));
		figure(&out->judge[t], &pl->targets[t], fig, sizeof(fig));
		dcs_buf_printf(b, "%s%s at %s, %s at %s", first ? "" : "; ", tt, in->text, fig,
			      out->text);
		first = false;
	}
}

static bool is_length(const char *param)
{
	size_t n = strlen(param);
	return n > 3 && strcmp(param + n - 3, "_km") == 0;
}

/* The one-line answer; false when memory ran out. */
static bool build_answer(struct dcs_plan_state *S)
{
	const struct dcs_plan *pl = S->pl;
	const char *unit = dcs_report_unit_of_name(pl->param);
	char u[32];
	snprintf(u, sizeof(u), "%s%s", unit[0] ? " " : "", unit);
	char lo[40], hi[40];
	dcs_plan_value_text(pl, 0, lo, sizeof(lo));
	dcs_plan_value_text(pl, pl->steps, hi, sizeof(hi));
	bool len = is_length(pl->param);
	struct dcs_buf b = {0};
	const char *stat = "";
	char statbuf[96] = "";
	if (S->reps > 1) {
		snprintf(statbuf, sizeof(statbuf),
			 "; one-sided %.12g%% bounds over %d replications", pl->confidence * 100,
			 S->reps);
		stat = statbuf;
	}
	switch (S->status) {
	case DCS_PLAN_LARGEST:
	case DCS_PLAN_SMALLEST:
		dcs_buf_printf(&b, "%s %s meeting all targets: %s%s (binding: ",
			      S->status == DCS_PLAN_LARGEST ? (len ? "longest" : "largest")
							    : (len ? "shortest" : "smallest"),
			      pl->param, S->pts[S->edges[0].in].text, u);
		binding_text(S, &S->edges[0], &b);
		dcs_buf_printf(&b, "%s)", stat);
		break;
	case DCS_PLAN_INTERVAL:
		dcs_buf_printf(&b, "%s meets all targets from %s to %s%s (binding: ", pl->param,
			      S->pts[S->edges[0].in].text, S->pts[S->edges[1].in].text, u);
		binding_text(S, &S->edges[0], &b);
		dcs_buf_printf(&b, "; ");
		binding_text(S, &S->edges[1], &b);
		dcs_buf_printf(&b, "%s)", stat);
		break;
	case DCS_PLAN_ALL:
		dcs_buf_printf(&b, "every %s from %s to %s%s meets all targets (%zu values tried%s)",
			      pl->param, lo, hi, u, S->n, stat);
		break;
	case DCS_PLAN_NONE: {
		dcs_buf_printf(
		    &b, "no %s from %s to %s%s meets all targets: no feasible value in range (",
		    pl->param, lo, hi, u);
		bool first = true;
		for (size_t t = 0; t < pl->n_targets; t++) {
			const struct dcs_plan_target *T = &pl->targets[t];
			size_t holds = 0, best = 0;
			for (size_t i = 0; i < S->n; i++) {
				holds += S->pts[i].judge[t].pass;
				double a = S->pts[i].judge[t].bound,
				       c = S->pts[best].judge[t].bound;
				if (isfinite(a) &&
				    (!isfinite(c) || (T->bound == DCS_PLAN_MAX ? a < c : a > c)))
					best = i;
			}
			char tt[600], fig[64];
			target_text(T, tt, sizeof(tt));
			if (holds) {
				dcs_buf_printf(&b, "%s%s holds at %zu of %zu values",
					      first ? "" : "; ", tt, holds, S->n);
			} else {
				figure(&S->pts[best].judge[t], T, fig, sizeof(fig));
				dcs_buf_printf(&b, "%s%s fails at every value tried, best %s at %s",
					      first ? "" : "; ", tt, fig, S->pts[best].text);
			}
			first = false;
		}
		dcs_buf_printf(&b, "%s)", stat);
		break;
	}
	case DCS_PLAN_NOT_MONOTONIC: {
		dcs_buf_printf(&b, "%s: not monotonic over %s to %s%s (", pl->param, lo, hi, u);
		bool first = true;
		for (size_t t = 0; t < pl->n_targets; t++) {
			if (S->switches[t] <= 1)
				continue;
			char tt[600];
			target_text(&pl->targets[t], tt, sizeof(tt));
			dcs_buf_printf(&b, "%s%s changes %d times", first ? "" : "; ", tt,
				      S->switches[t]);
			first = false;
		}
		dcs_buf_printf(&b, "); feasible intervals: ");
		for (size_t i = 0; i < S->n_intervals; i++)
			dcs_buf_printf(&b, "%s%s to %s%s", i ? ", " : "",
				      S->pts[S->intervals[i].in].text,
				      S->pts[S->intervals[i].out].text, u);
		if (!S->n_intervals)
			dcs_buf_printf(&b, "none");
		break;
	}
	case DCS_PLAN_INCOMPLETE:
		dcs_buf_printf(
		    &b, "%s: interrupted after %zu values; no answer yet (--resume continues)",
		    pl->param, S->n);
		break;
	}
	free(S->answer);
	S->answer = NULL;
	if (b.oom || !b.s) {
		free(b.s);
		return false;
	}
	S->answer = b.s;
	return true;
}

static int verdict(struct dcs_plan_state *S)
{
	const struct dcs_plan *pl = S->pl;
	free(S->switches);
	free(S->intervals);
	S->switches = calloc(pl->n_targets + 1, sizeof(int));
	S->intervals = calloc(S->n + 1, sizeof(*S->intervals));
	S->n_intervals = 0;
	S->n_edges = 0;
	if (!S->switches || !S->intervals)
		return no_memory();
	bool mono = true;
	for (size_t t = 0; t < pl->n_targets; t++) {
		for (size_t i = 1; i < S->n; i++)
			S->switches[t] += S->pts[i].judge[t].pass != S->pts[i - 1].judge[t].pass;
		mono = mono && S->switches[t] <= 1;
	}
	for (size_t i = 0; i < S->n; i++) {
		if (!S->pts[i].feasible)
			continue;
		if (i == 0 || !S->pts[i - 1].feasible)
			S->intervals[S->n_intervals++] = (struct dcs_plan_edge){i, i};
		S->intervals[S->n_intervals - 1].out = i;
	}
	if (S->n_intervals == 0) {
		S->status = DCS_PLAN_NONE;
	} else if (!mono || S->n_intervals > 1) {
		S->status = DCS_PLAN_NOT_MONOTONIC;
	} else {
		size_t a = S->intervals[0].in, b = S->intervals[0].out;
		bool from_min = a == 0, to_max = b == S->n - 1;
		if (from_min && to_max) {
			S->status = DCS_PLAN_ALL;
		} else if (from_min) {
			S->status = DCS_PLAN_LARGEST;
			S->edges[S->n_edges++] = (struct dcs_plan_edge){b, b + 1};
		} else if (to_max) {
			S->status = DCS_PLAN_SMALLEST;
			S->edges[S->n_edges++] = (struct dcs_plan_edge){a, a - 1};
		} else {
			S->status = DCS_PLAN_INTERVAL;
			S->edges[S->n_edges++] = (struct dcs_plan_edge){a, a - 1};
			S->edges[S->n_edges++] = (struct dcs_plan_edge){b, b + 1};
		}
	}
	return build_answer(S) ? 0 : no_memory();
}

/* Two message lines alike but for their numbers (a warning that names the
 * distance it warns about). */
static bool same_but_numbers(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		bool da = (a[i] >= '0' && a[i] <= '9'), db = (b[j] >= '0' && b[j] <= '9');
		if (da && db) {
			while (i < na && ((a[i] >= '0' && a[i] <= '9') || a[i] == '.'))
				i++;
			while (j < nb && ((b[j] >= '0' && b[j] <= '9') || b[j] == '.'))
				j++;
			continue;
		}
		if (a[i] != b[j])
			return false;
		i++, j++;
	}
	return i == na && j == nb;
}

void dcs_plan_print_messages(const struct dcs_plan_state *S, FILE *err)
{
	const struct dcs_plan *pl = S->pl;
	struct msg {
		const char *line;
		size_t len;
		const struct dcs_plan_point *first;
		size_t values;
	} seen[10];
	size_t n = 0, more = 0;
	for (size_t i = 0; i < S->n; i++) {
		bool counted[10] = {false};
		for (int r = 0; r < S->pts[i].nrep; r++) {
			const char *m = S->pts[i].runs[r].messages;
			for (const char *l = m; l && *l;) {
				const char *nl = strchr(l, '\n');
				size_t len = nl ? (size_t)(nl - l) : strlen(l);
				size_t k = 0;
				while (k < n &&
				       !same_but_numbers(seen[k].line, seen[k].len, l, len))
					k++;
				if (k == n && n < 10 && len > 0)
					seen[n++] = (struct msg){l, len, &S->pts[i], 0};
				else if (k == n && len > 0)
					more++;
				if (k < n && !counted[k]) {
					counted[k] = true;
					seen[k].values++;
				}
				l = nl ? nl + 1 : l + len;
			}
		}
	}
	for (size_t k = 0; k < n; k++) {
		fprintf(err, "dcisim plan: at %s=%s: %.*s", pl->param, seen[k].first->text,
			(int)seen[k].len, seen[k].line);
		if (seen[k].values > 1)
			fprintf(err, " (and alike at %zu more value%s)", seen[k].values - 1,
				seen[k].values == 2 ? "" : "s");
		fputc('\n', err);
	}
	if (more)
		fprintf(err, "dcisim plan: ... and %zu more messages from the runs\n", more);
}

int dcs_plan_run_local(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *runs)
{
	size_t stale = 0;
	if (dcs_sweep_cache_prepare(sw, o, runs, &stale, stderr) < 0)
		return DCS_EXIT_USAGE;
	return dcs_sweep_run_local(sw, o, runs);
}

/* ---- the search ------------------------------------------------------------- */

int dcs_plan_search(struct dcs_plan_state *S)
{
	const struct dcs_plan *pl = S->pl;
	int code;
	S->reps = 1;
	S->status = DCS_PLAN_INCOMPLETE;

	/* 1. The probe: x(0) once, read from the cache but not added to it
	 * until the targets are known to be there. */
	struct dcs_sweep_opts probe = S->o;
	probe.cache_readonly = true;
	int64_t k0 = 0;
	code = eval(S, &k0, 1, 1, "probe", &probe);
	if (code)
		goto stop;
	const struct dcs_plan_point *probed[2] = {&S->pts[0], NULL};
	size_t np = 1;
	if (!targets_reported(S, probed, 1, false)) {
		int64_t kn = pl->steps;
		code = eval(S, &kn, 1, 1, "probe", &probe);
		if (code)
			goto stop;
		probed[0] = &S->pts[0];
		probed[np++] = &S->pts[S->n - 1];
		if (!targets_reported(S, probed, np, true))
			return DCS_EXIT_USAGE;
	}
	/* The probe's runs go into the cache now. */
	for (size_t i = 0; S->writer && S->o.out_dir && i < np; i++) {
		if (probed[i]->runs[0].reused)
			continue;
		struct dcs_sweep *sw = dcs_plan_sweep(pl, &probed[i]->k, 1, 1, stderr);
		if (sw)
			dcs_sweep_cache_store(sw, &S->o, 0, &probed[i]->runs[0], stderr);
		dcs_sweep_free(sw);
	}

	/* 2. Replications.  A scenario in which no model draws a random number
	 * at either end of the range (dcs_scenario_randomness, the rule sweeps
	 * warn by too) is deterministic as declared: a warning, and every value
	 * runs once.  Otherwise two seeds at both ends tell a deterministic
	 * scenario (random draws that reach no figure), which then runs once
	 * per point too. */
	if (pl->replications > 1) {
		int64_t ends[2] = {0, pl->steps};
		struct dcs_sweep *sw = dcs_plan_sweep(pl, ends, 2, 1, stderr);
		S->rep_declared = sw && sw->n_points == 2 &&
				  !dcs_scenario_randomness(sw->scenarios[0]) &&
				  !dcs_scenario_randomness(sw->scenarios[1]);
		dcs_sweep_free(sw);
		if (S->rep_declared) {
			S->deterministic = true;
			say(S,
			    "dcisim plan: warning: %s: %d replications of a scenario with no "
			    "randomness: nothing in it draws random numbers (no storage I/O, "
			    "random link failures or lossy paths), so each value runs once\n",
			    pl->name, pl->replications);
		}
	}
	if (pl->replications > 1 && !S->rep_declared) {
		int64_t ends[2] = {0, pl->steps};
		code = eval(S, ends, 2, 2, "replications", &S->o);
		if (code)
			goto stop;
		S->rep_probed = true;
		S->deterministic = true;
		for (int e = 0; e < 2; e++) {
			const struct dcs_plan_point *p = &S->pts[find_point(S, ends[e])];
			S->deterministic =
			    S->deterministic && same_targets(pl, &p->runs[0], &p->runs[1]);
		}
		S->reps = S->deterministic ? 1 : pl->replications;
		if (S->deterministic) {
			/* A point keeps its first replication only: all points are
			 * judged alike. */
			for (size_t i = 0; i < S->n; i++) {
				for (int r = 1; r < S->pts[i].nrep; r++)
					dcs_sweep_run_clear(&S->pts[i].runs[r]);
				S->pts[i].nrep = S->pts[i].nrep > 0 ? 1 : 0;
				judge_point(S, &S->pts[i]);
			}
		}
		if (S->deterministic)
			say(S,
			    "dcisim plan: %s: deterministic: the targets' figures at %s=%s and %s "
			    "under seeds %llu and %llu are identical, so each value runs once\n",
			    pl->name, pl->param, S->pts[0].text, S->pts[S->n - 1].text,
			    (unsigned long long)pl->base->seed,
			    (unsigned long long)pl->base->seed + 1);
		else
			say(S,
			    "dcisim plan: %s: stochastic: the summaries differ between seeds, so "
			    "each "
			    "value runs %d times and passes on a one-sided %.12g%% bound\n",
			    pl->name, S->reps, pl->confidence * 100);
	}

	/* 3. The coarse scan. */
	int64_t N = pl->steps;
	size_t K = (size_t)pl->scan_points;
	if ((int64_t)K > N + 1)
		K = (size_t)(N + 1);
	int64_t *ks = calloc(K + 1, sizeof(*ks));
	if (!ks)
		return no_memory();
	for (size_t i = 0; i < K; i++)
		ks[i] = (int64_t)llround((double)i * (double)N / (double)(K - 1));
	code = eval(S, ks, K, S->reps, "scan", &S->o);
	free(ks);
	if (code)
		goto stop;

	/* 4. Bisection of every bracket where feasibility changes. */
	for (;;) {
		int64_t *mids = calloc(S->n + 1, sizeof(*mids));
		if (!mids)
			return no_memory();
		size_t m = 0;
		for (size_t i = 1; i < S->n; i++)
			if (S->pts[i].feasible != S->pts[i - 1].feasible &&
			    S->pts[i].k - S->pts[i - 1].k > 1)
				mids[m++] = S->pts[i - 1].k + (S->pts[i].k - S->pts[i - 1].k) / 2;
		if (m)
			code = eval(S, mids, m, S->reps, "bisect", &S->o);
		free(mids);
		if (code)
			goto stop;
		if (!m)
			break;
	}
	return verdict(S);
stop:
	/* Interrupted or failed: what was evaluated stays, with no verdict. */
	S->status = DCS_PLAN_INCOMPLETE;
	build_answer(S);
	return code;
}
