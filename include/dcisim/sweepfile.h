/*
 * dcisim sweep files: what a sweep is, as loaded from its JSON file.
 *
 * Contract.  A sweep file (SPEC section 2) names a base scenario (path
 * relative to the sweep file), a grid of JSON paths to lists of values
 * (cartesian product; the first key varies slowest), optional zipped lists
 * that advance together, and a number of replications.  Loading
 * (sim/io/sweepfile.c, the only sweep code that sees JSON) builds every
 * point's scenario and validates it before anything runs; each problem is
 * one line `FILE:LINE:COL: error: JSON.PATH: message` against the sweep file.
 * Running sweeps is the application's job (sim/app/sweep.h); this header is
 * what the I/O layer hands it, and the record of a finished sweep it writes
 * back (sweep.json).
 */
#ifndef DCISIM_SWEEPFILE_H
#define DCISIM_SWEEPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/scenario.h"

/* Bounds that keep a mistyped grid from eating the machine. */
#define DCS_SWEEP_MAX_POINTS       100000
#define DCS_SWEEP_MAX_RUNS         1000000
#define DCS_SWEEP_MAX_REPLICATIONS 100000

struct dcs_sweep {
	char *path;        /* the sweep file, as given */
	char *name;        /* "name", or the file's base name without .json */
	char *description; /* may be "" */
	char *base_path;   /* the base scenario, resolved against the sweep's folder */
	int replications;
	size_t n_params;
	char **params; /* JSON paths, in dimension order */
	size_t n_points;
	char **values;                   /* n_points * n_params: strings bare, other JSON compact */
	struct dcs_scenario **scenarios; /* one validated scenario per point */
};

struct dcs_sweep *dcs_sweep_load_file(const char *path, FILE *err, int *nerrors);
/* `label` names the sweep file in messages and anchors a relative base. */
struct dcs_sweep *dcs_sweep_load_text(const char *text, size_t len, const char *label, FILE *err,
				      int *nerrors);
void dcs_sweep_free(struct dcs_sweep *sw);

static inline size_t dcs_sweep_n_runs(const struct dcs_sweep *sw)
{
	return sw->n_points * (size_t)sw->replications;
}
static inline const char *dcs_sweep_value(const struct dcs_sweep *sw, size_t point, size_t param)
{
	return sw->values[point * sw->n_params + param];
}
/* The seed of a run: its point's scenario seed + its replication. */
uint64_t dcs_sweep_seed(const struct dcs_sweep *sw, size_t run);

/* What a finished sweep reports beside its CSVs (sweep.json). */
struct dcs_sweep_info {
	double wall_s;
	unsigned jobs;
	int ranks; /* 1 without MPI */
	bool complete;
	size_t computed, reused, stale; /* runs run now, read from the cache; stale records */
};
/* Writes sweep.json (sim/io/sweepfile.c): what ran, and how. */
int dcs_sweep_write_json(const char *dir, const struct dcs_sweep *sw,
			 const struct dcs_sweep_info *info, size_t n_done, size_t n_failed,
			 FILE *err);

#endif
