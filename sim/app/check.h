/*
 * The regression check's parts (internal to sim/app/; the contract is in
 * report.h).  dcs_check_dirs() (check.c) lists both directories, reads the
 * baseline's tolerances.csv and hands each file to its mode: tolerance
 * (check_rows.c: CSV rows paired by key, cell by cell, and run.json key by
 * key), exact (check_exact.c: bytes) or stat (check_stat.c: Welch's t test
 * per sweep point and metric); then it accepts the results as the new
 * baseline when asked.  Each drift is one line on the checker's out.
 */
#ifndef DCISIM_APP_CHECK_H
#define DCISIM_APP_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "dcisim/metrics.h"
#include "dcisim/world.h"
#include "report.h"

struct tol {
	char *file, *column;
	double rtol, atol; /* NaN: keep the default */
};

struct checker {
	const struct dcs_check_opts *o;
	FILE *out, *err;
	struct tol *tols;
	size_t ntols;
	size_t drifts, files, cells, files_drifted;
	int max_per_file;
	/* stat mode: verdicts */
	size_t n_pass, n_fail, n_inconclusive;
	const struct dcs_catalog *catalog; /* declared metrics: kind and direction */
	struct dcs_world_catalog catalog_store;
};

/* Counts a drift in the file (in_file counts them) and prints it, up to
 * max_per_file lines a file. */
void chk_drift(struct checker *C, size_t *in_file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The tolerances of a column: the options', or the last matching line of
 * tolerances.csv. */
void chk_tolerance_for(const struct checker *C, const char *file, const char *col, double *rtol,
		       double *atol);
/* Reads baseline/tolerances.csv when there is one; an exit status. */
int chk_load_tolerances(struct checker *C, const char *baseline);

/* The modes, each an exit status: 0 compared (drifts counted), 3 a file
 * could not be read (2: not the kind of directory the mode needs). */
int chk_csv(struct checker *C, const char *file, const char *rdir, const char *bdir);
int chk_run_json(struct checker *C, const char *rdir, const char *bdir);
int chk_bytes(struct checker *C, const char *file, const char *rdir, const char *bdir);
int chk_stat(struct checker *C, const char *rdir, const char *bdir);

#endif
