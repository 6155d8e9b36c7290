/*
 * The one-screen summary `dcisim run` prints on stderr (SPEC section 6.4).
 *
 * Contract.  dcs_run_summary() reads a finished run's results (the tables
 * kept by dcs_run_scenario) and prints, in figures people read (human.h):
 * per migration its outcome, time and downtime; per storage site the p50 and
 * p99 write latency (steady state and disrupted where storage.csv has
 * phases); per service its availability and trombone time; per cluster its
 * outages, RTO and split brains; the busiest link direction; then the
 * findings that cross a threshold (a migration that did not converge,
 * writes above 5 ms at p99, split brain, a service or cluster down, storage
 * unavailable), each naming what limited it; last, where the results are
 * and the command that draws them (`dcisim report DIR`).  Nothing is computed here that
 * the CSVs do not hold: the summary is a reading of them.  Findings are
 * also returned for tests.
 */
#ifndef DCISIM_APP_RUNSUMMARY_H
#define DCISIM_APP_RUNSUMMARY_H

#include <stdio.h>

#include "dcisim/results.h"
#include "dcisim/scenario.h"

/* Thresholds of the findings. */
#define DCS_FINDING_WRITE_P99_MS 5.0

/* A limited_by value (migrations.csv, summary.csv) in words: "link_share"
 * is "its share of the DCI link"; NULL for none, the value itself when it
 * has no words. */
const char *dcs_limit_words(const char *limited_by);

/* Prints the summary (its first line from out_dir/run.json, when out_dir is
 * set); verbosity 1 lists every link direction.  Returns the number of
 * findings. */
int dcs_run_summary(FILE *out, const struct dcs_scenario *scn, struct dcs_results *res,
		    const char *out_dir, int verbosity);
/* The tables it reads (NULL-terminated): the run keeps only these in memory
 * (dcs_run_opts.keep_tables). */
extern const char *const dcs_run_summary_tables[];

#endif
