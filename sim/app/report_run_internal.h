/*
 * The report of one run, its insides shared by its files: what is read from a
 * run's result directory (struct run), the growable series of a line chart
 * (struct pts), the limits on what a page draws, and the functions that cross
 * files.  sim/app/report_run.c reads the run and writes the page with its
 * head, glance, events and summary; report_run_charts.c the line charts;
 * report_run_timelines.c the timelines of migrations, paths and clusters.
 * Internal to sim/app/.
 */
#ifndef DCISIM_REPORT_RUN_INTERNAL_H
#define DCISIM_REPORT_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcisim/buf.h"
#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/metrics.h"
#include "dcisim/world.h"

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

/* Growable x/y pairs. */
struct pts {
	char *label;
	double *x, *y;
	size_t n, cap;
	double mean_y; /* for ranking */
};

double runrep_cnum(const struct dcs_csv *t, size_t r, long c);
const char *runrep_ctext(const struct dcs_csv *t, size_t r, long c);
const char *runrep_sev_color(enum dcs_severity s);
enum dcs_severity runrep_severity_of(const struct run *R, const char *file, const char *kind);
const char *runrep_hs(char *buf, double v, const char *unit);
int runrep_pts_add(struct pts *p, double x, double y);
void runrep_pts_free(struct pts *p, size_t n);
struct pts *runrep_pts_of(struct pts **ps, size_t *n, const char *key);
void runrep_draw_lines(struct dcs_buf *b, const struct run *R, struct pts *ps, size_t n,
		       size_t most, const char *title, const char *ylabel, int flags);
void runrep_link_charts(struct dcs_buf *b, const struct run *R);
void runrep_storage_charts(struct dcs_buf *b, const struct run *R);
void runrep_replication_chart(struct dcs_buf *b, const struct run *R);
void runrep_timelines(struct dcs_buf *b, struct run *R);

#endif
