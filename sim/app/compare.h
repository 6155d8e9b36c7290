/*
 * The comparison report's parts (internal to sim/app/; the contract is in
 * report.h).  dcs_compare_dirs() (report.c) loads each result directory
 * (report_load.c), sets their summary metrics side by side and writes
 * compare.csv (report_metrics.c), then writes report.html from its text
 * sections (report_html.c) and its charts (report_charts.c for runs,
 * report_sweep.c for sweeps), drawn by report_svg.c.
 */
#ifndef DCISIM_APP_COMPARE_H
#define DCISIM_APP_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcisim/buf.h"
#include "dcisim/csvread.h"
#include "report.h"

#define MAX_LINK_CHARTS  6
#define MAX_SWEEP_CHARTS 6
#define MAX_LINE_POINTS  800

/* One result directory as the report reads it. */
struct rdir {
	const char *path;
	const char *label;
	bool is_sweep;
	struct dcs_kv *run;      /* run.json */
	struct dcs_kv *sweep;    /* sweep.json */
	struct dcs_kv *scenario; /* the scenario (or the sweep's base), flattened */
	char *scenario_note;     /* why the scenario is not shown */
	struct dcs_csv *summary, *migrations, *storage, *links, *paths, *stats;
};

/* The metric rows compare.csv and the report share: one per metric and
 * entity, a value per directory. */
struct mrow {
	char *metric, *entity, *unit;
	const char **val; /* per directory, NULL when absent */
};

struct mtable {
	struct mrow *rows;
	size_t n, cap, ndirs;
};

/* report_load.c: reads d->path (exit status: 0, or usage when it is not a
 * result directory); rep_free_dir() releases what it read. */
int rep_load_dir(struct rdir *d, FILE *err);
void rep_free_dir(struct rdir *d);

/* report_metrics.c */
int rep_collect_metrics(struct mtable *m, struct rdir *d, size_t nd);
void rep_mtable_free(struct mtable *m);
long rep_mtable_find(const struct mtable *m, const char *metric, const char *entity);
int rep_write_compare_csv(const char *out, const struct mtable *m, const struct rdir *d, size_t nd,
			  FILE *err);
/* The unit a metric name implies ("_ms": "ms"), and an axis title from a
 * name and unit. */
const char *rep_unit_of_name(const char *name);
void rep_axis_text(char *buf, size_t len, const char *name, const char *unit);

/* report_load.c: dir/file when present (NULL when absent); a file that
 * cannot be read is a warning on err ("dcisim CMD: warning: ..."). */
struct dcs_csv *rep_read_csv(const char *dir, const char *file, const char *cmd, FILE *err);

/* report_html.c: the pages' style, and table cells with their text escaped
 * (td: with a class, or NULL). */
extern const char rep_css[];
void rep_th(struct dcs_buf *b, const char *s);
void rep_td(struct dcs_buf *b, const char *s, const char *cls);
void rep_runs_section(struct dcs_buf *b, const struct rdir *d, size_t nd);
void rep_params_section(struct dcs_buf *b, const struct rdir *d, size_t nd);
void rep_metrics_section(struct dcs_buf *b, const struct mtable *m, const struct rdir *d,
			 size_t nd);
void rep_bottlenecks_section(struct dcs_buf *b, const struct mtable *m, const struct rdir *d,
			     size_t nd);

/* report_charts.c: the charts of runs, and the section that holds them and
 * the sweeps' */
double rep_cell_num(const struct dcs_csv *t, size_t r, long c);
long rep_intern(const char ***list, size_t *n, size_t *cap, const char *s);
void rep_charts_section(struct dcs_buf *b, const struct rdir *d, size_t nd,
			const struct dcs_compare_opts *o);

/* The states a path chart draws (paths.csv state, with a trombone told
 * apart by which legs cross the DCI: requests in at another site, responses
 * out through another site's gateway, or both), their colours, and the
 * state of row r. */
#define REP_PATH_STATES 7
extern const char *const rep_path_states[REP_PATH_STATES];
extern const char *const rep_path_colors[REP_PATH_STATES];
size_t rep_path_state(const struct dcs_csv *t, size_t r);

/* report_sweep.c */
void rep_sweep_charts(struct dcs_buf *b, const struct rdir *d, size_t nd,
		      const struct dcs_compare_opts *o);

#endif
