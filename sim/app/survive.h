/*
 * dcisim survive: what every single failure (N-1), or every pair (N-2), does
 * to a design, against the run with no failure.
 *
 * Contract.  The failure set is enumerated from the scenario in a fixed
 * order: every link (link_down), every site (site_down; none in a one-site
 * scenario), every cluster node (node_down; a node whose id two clusters
 * use cannot be named and is left out), every storage array (array_down, by its site), every
 * distinct witness site (witness_down, the storage's and the clusters').  Depth 1 is those n
 * failures; depth 2 every unordered pair of them, n (n - 1) / 2, both at once.  Point 0 of the
 * sweep is the baseline (the scenario as it is, its own faults included); point k > 0 adds failure
 * k's faults at at_s for for_s (NaN: to the end).  Every run uses the scenario's seed.
 *
 * Judging (dcs_survive_judge).  Each run's summary metrics are read by
 * their declarations (include/dcisim/metrics.h): a metric of an ignored
 * producer or named in the criteria's ignore list is not judged, nor is a
 * setting; a repeated row (a metric listed twice for one entity, or an
 * entity "x#2") counts by its worst value.  For each entity and metric, a
 * rule of the criteria gives its verdict when the failure run is worse than
 * the baseline by more than worse_by (a metric absent from a run counts as
 * 0: no outage was listed) or, for a label, when it takes one of the
 * rule's values and the baseline did not; any other figure or count with a
 * direction is degraded when worse than the baseline by more than
 * max(atol of its unit, rtol x |baseline|) (both runs must list it).  An
 * entity named after a site the failure takes down, or under it ("dc1/wl0",
 * a workload of dc1's hosts), is `down` (lost with its site, not a verdict
 * on the design).  An entity's verdict is its worst
 * metric's; a failure's verdict is its worst entity's, and its limiting
 * cause is the metric that gave it: the first rule in the criteria's order
 * at that verdict, else the figure worse by the largest share of its
 * baseline (a metric the criteria have a rule for first).
 */
#ifndef DCISIM_SURVIVE_H
#define DCISIM_SURVIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcisim/metrics.h"
#include "dcisim/scenario.h"
#include "dcisim/survivefile.h"
#include "sweep.h"

/* One thing that can fail: a fault kind and the id it names (borrowed
 * from the scenario); site is the site it takes down (site_down), else -1. */
struct dcs_failure {
	enum dcs_fault_kind kind;
	const char *target;
	int site;
};

/* The single failures of a scenario, in the contract's order, into out
 * (when not NULL); returns how many. */
size_t dcs_survive_singles(const struct dcs_scenario *s, struct dcs_failure *out);
/* Cluster nodes left out because their id is not unique in the scenario
 * (a node_down names a node by id). */
size_t dcs_survive_unnamed(const struct dcs_scenario *s);
/* How many failure sets depth 1 or 2 makes of n single failures. */
size_t dcs_survive_count(size_t n, int depth);
/* The k-th failure set at depth 2 (k < n (n - 1) / 2), as the pair (i, j),
 * i < j, in lexicographic order. */
void dcs_survive_pair(size_t n, size_t k, size_t *i, size_t *j);
/* "link_down dci1". */
void dcs_failure_label(const struct dcs_failure *f, char *buf, size_t len);

/* Why nothing can be judged or failed: NULL when the scenario is fit for
 * survive, else a sentence. */
const char *dcs_survive_unfit(const struct dcs_scenario *s, size_t n_singles);

/* The default time to strike (SPEC: when the first migration or workload
 * is in steady state): the middle of the first migration to start (its
 * at_s plus half its plan_makespan_s in the baseline's summary, or half the
 * rest of the run when it did not finish), else the middle of the first
 * storage workload's I/O, else the middle of the run.  `baseline` is the
 * baseline's summary as a sweep run (NULL when the scenario has no
 * migration).  Rounded to 0.1 s.  Says why in `why`. */
double dcs_survive_default_at(const struct dcs_scenario *s, const struct dcs_sweep_run *baseline,
			      char *why, size_t len);

/* The judgement of every run against run 0. */
struct dcs_survive_col {
	char *metric;
	char *entity; /* without an occurrence suffix ("db", not "db#1") */
	long ent;     /* its index in entities[], -1 when it has no judged figure */
	const struct dcs_metric_def *def;
	bool judged;  /* neither ignored nor a setting */
	bool changed; /* some run differs from the baseline */
};

struct dcs_survive_table {
	size_t n_rows; /* runs, baseline first */
	size_t n_entities;
	char **entities; /* judged entities, first seen first */
	size_t n_cols;
	struct dcs_survive_col *cols; /* every metric and entity seen */
	const char **val;             /* n_rows x n_cols: the worst value's text, NULL absent */
	enum dcs_verdict *colv;       /* n_rows x n_cols: the verdict that figure gives */
	enum dcs_verdict *entv;       /* n_rows x n_entities */
	bool *down;                   /* n_rows x n_entities: lost with its site */
	enum dcs_verdict *rowv;       /* n_rows */
	long *cause;                  /* n_rows: the column of the limiting cause, -1 none */
	bool *ok;                     /* n_rows: the run finished (code 0) */
};

/* down_sites[r] lists the ids of the sites run r takes down
 * (n_down[r] of them).  Returns 0, or -1 when out of memory. */
int dcs_survive_judge(struct dcs_survive_table *t, const struct dcs_sweep_run *runs, size_t n,
		      const struct dcs_criteria *cr, const struct dcs_catalog *cat,
		      const char *const *const *down_sites, const size_t *n_down);
void dcs_survive_table_free(struct dcs_survive_table *t);
/* A cell's value for people: a figure in its unit (human.h), a label as it
 * is, "none" when absent. */
void dcs_survive_figure(const struct dcs_survive_col *c, const char *value, char *buf, size_t len);
/* "db: cluster_split_brain_s 0 s -> 1 min" for row r's cause ("" when none). */
void dcs_survive_cause_text(const struct dcs_survive_table *t, size_t r, char *buf, size_t len);

/* report.html (sim/app/survive_report.c). */
struct dcs_survive_report {
	const char *scenario;
	const char *at_rule;
	double at_s, for_s;
	int depth;
	const char *criteria_path;
	const struct dcs_criteria *criteria;
	const char *const *labels;   /* n_rows: what failed ("baseline" first) */
	const char *const *run_dirs; /* n_rows: relative to the report, or NULL */
};
int dcs_survive_write_report(const char *dir, const struct dcs_survive_table *t,
			     const struct dcs_survive_report *r, FILE *err);

/* The command (sim/app/cmd_survive.c). */
struct dcs_survive_opts {
	const char *scenario; /* path or bundled name; NULL: the bundled default */
	int depth;            /* 1 or 2 */
	double at_s;          /* NaN: dcs_survive_default_at */
	double for_s;         /* NaN: to the end */
	size_t max_runs;
	const char *criteria_path;
};

#endif
