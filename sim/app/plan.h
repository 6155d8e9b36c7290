/*
 * dcisim plans: the largest (or smallest) value of one scenario parameter
 * for which every target holds (SPEC section 6.4), searched with the sweep
 * engine.
 *
 * Contract.  A plan (include/dcisim/planfile.h) may try the values x(k) of
 * its grid, k = 0..steps.  The search:
 *   1. probe: the scenario at x(0), one run (read from the cache but not
 *      added to it), whose summary must hold every target's metric[entity]
 *      -- or, for a target it lacks, the scenario at x(steps) must; otherwise
 *      it is a plan error (exit 2) and nothing is written;
 *   2. replications: with replications > 1, x(0) and x(steps) run with two
 *      seeds; when both pairs of summaries are identical the scenario is
 *      deterministic and every point runs once, otherwise every point runs
 *      `replications` times;
 *   3. scan: scan_points values spread evenly over the grid (every value
 *      when the grid has fewer);
 *   4. bisection: between each two neighbouring evaluated points where
 *      feasibility (every target holds) changes, the middle grid value, all
 *      such brackets in one batch, until each bracket is one grid step wide.
 * A target holds at a point when its metric is present in every replication
 * and, for max (min), its one-sided `confidence` upper (lower) Student-t bound
 * mean + t sd / sqrt(n) (mean - t sd / sqrt(n)), t = gsl_cdf_tdist_Pinv(
 * confidence, n - 1), is at most (at least) the limit -- the value itself
 * with one replication; for equals, every replication reads the label.
 * Which points are evaluated depends only on the plan and the outcomes, never
 * on --jobs or MPI ranks, so plan.csv is the same bytes whatever the
 * parallelism, and a resumed plan reads every run it had from the cache.
 *
 * Verdict (on the evaluated points, in value order): a target is monotonic
 * when whether it holds changes at most once; the feasible intervals are
 * the maximal runs of feasible points.  One interval from x(0): the largest
 * value (a boundary, with the bracket [last feasible, first infeasible]
 * one grid step wide and the targets that fail beyond it: the binding
 * ones); one interval to x(steps): the smallest value; one interval inside:
 * both ends; everything feasible: the whole range; nothing feasible: no
 * feasible value in range (exit 1); a target that is not monotonic: said so,
 * with the feasible intervals found instead of a boundary.
 */
#ifndef DCISIM_PLAN_H
#define DCISIM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/planfile.h"
#include "sweep.h"

/* One target judged at one point. */
struct dcs_plan_judge {
	size_t n;         /* replications that report the metric */
	double mean, sd;  /* numbers (sd NaN when n < 2) */
	double bound;     /* the figure judged: the one-sided bound, or the mean */
	const char *text; /* text metrics: the value all replications read, or NULL */
	bool pass;
};

struct dcs_plan_point {
	int64_t k;
	double x;
	char text[40];     /* x as in plan.csv and the scenario */
	const char *phase; /* "probe", "replications", "scan", "bisect" */
	int step;          /* the batch that first evaluated it */
	int nrep;          /* outcomes held */
	struct dcs_sweep_run *runs;
	struct dcs_plan_judge *judge; /* one per target */
	bool judged;                  /* judge and feasible hold for the nrep runs */
	bool feasible;
};

enum dcs_plan_status {
	DCS_PLAN_LARGEST,       /* feasible from min up to a boundary */
	DCS_PLAN_SMALLEST,      /* feasible from a boundary up to max */
	DCS_PLAN_INTERVAL,      /* feasible between two boundaries inside the range */
	DCS_PLAN_ALL,           /* every value tried is feasible */
	DCS_PLAN_NONE,          /* no value tried is feasible */
	DCS_PLAN_NOT_MONOTONIC, /* a target holds, fails and holds again (or the reverse) */
	DCS_PLAN_INCOMPLETE,    /* interrupted before the search ended */
};

/* A boundary: the feasible point `in` and its infeasible neighbour `out`
 * one grid step away (point indices). */
struct dcs_plan_edge {
	size_t in, out;
};

struct dcs_plan_state {
	const struct dcs_plan *pl;
	struct dcs_sweep_opts o; /* how batches run (out_dir: the cache's folder) */
	/* Runs one batch; dcs_sweep_run_local with the cache read first, or
	 * dcs_sweep_mpi_runs. */
	int (*run)(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		   struct dcs_sweep_run *runs);
	bool writer;   /* this process writes (the cache's probe record, outputs) */
	FILE *err;     /* messages (NULL: quiet but errors, which go to stderr) */
	bool progress; /* a line per batch on err */

	struct dcs_plan_point *pts; /* sorted by k */
	size_t n, cap;
	int reps;           /* replications per point after the probe */
	bool deterministic; /* the probe's two seeds gave identical summaries, or
			       nothing in the scenario draws random numbers */
	bool rep_probed;    /* the probe with two seeds ran */
	bool rep_declared;  /* deterministic by the models' declarations: no
			       model draws random numbers at either end (no probe) */
	int steps_run;      /* batches */
	size_t computed, reused;

	/* The verdict. */
	enum dcs_plan_status status;
	struct dcs_plan_edge edges[2];
	size_t n_edges;
	struct dcs_plan_edge *intervals; /* first and last feasible point of each */
	size_t n_intervals;
	int *switches; /* per target: changes between holding and failing */
	char *answer;  /* the one-line answer */
};

/* Runs the search (the contract above).  Returns 0 with a verdict, 2 for a
 * plan error found by the probe (nothing written), 3 when a run failed or
 * memory ran out, 130/143 when interrupted (the points so far are kept and
 * status is DCS_PLAN_INCOMPLETE). */
int dcs_plan_search(struct dcs_plan_state *S);
/* The runs' own messages (warnings), each once with the value that first
 * gave it and the number of values that gave one alike but for its numbers;
 * at most 10. */
void dcs_plan_print_messages(const struct dcs_plan_state *S, FILE *err);
/* A batch on this machine (the state's `run` without MPI): the cache read
 * with o, then o->jobs threads. */
int dcs_plan_run_local(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *runs);
void dcs_plan_state_free(struct dcs_plan_state *S);

/* The column of a target in summaries and plan.csv: "metric[entity]". */
void dcs_plan_target_column(const struct dcs_plan_target *t, char *buf, size_t len);

/* Writes plan.csv, plan.json and report.html to dir (sim/app/plan_out.c);
 * 0 or 3. */
struct dcs_plan_info {
	double wall_s;
	int64_t started_unix;
	unsigned jobs;
	int ranks;
};
int dcs_plan_write(const struct dcs_plan_state *S, const char *dir,
		   const struct dcs_plan_info *info, FILE *err);
/* The self-contained report (sim/app/plan_report.c), as text. */
char *dcs_plan_report_html(const struct dcs_plan_state *S);

#endif
