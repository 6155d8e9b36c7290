/*
 * dcisim check: the directories, their files, the tolerances, the verdict
 * and --accept (check.h says which file does what).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"

void chk_tolerance_for(const struct checker *C, const char *file, const char *col, double *rtol,
		       double *atol)
{
	*rtol = C->o->rtol;
	*atol = C->o->atol;
	if (C->o->mode == DCS_CHECK_EXACT) {
		*rtol = *atol = 0;
		return;
	}
	for (size_t i = 0; i < C->ntols; i++) {
		const struct tol *t = &C->tols[i];
		if ((strcmp(t->file, "*") && strcmp(t->file, file)) ||
		    (strcmp(t->column, "*") && strcmp(t->column, col)))
			continue;
		if (!isnan(t->rtol))
			*rtol = t->rtol;
		if (!isnan(t->atol))
			*atol = t->atol;
	}
}

/* Reads baseline/tolerances.csv (file,column,rtol,atol); 0, or 2 when it
 * is malformed (a usage error: the baseline is the user's). */
int chk_load_tolerances(struct checker *C, const char *baseline)
{
	char path[4096], msg[512];
	snprintf(path, sizeof(path), "%s/tolerances.csv", baseline);
	if (access(path, F_OK) != 0)
		return DCS_EXIT_OK;
	struct dcs_csv *t = dcs_csv_read_file(path, NULL, msg, sizeof(msg));
	if (!t) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		return DCS_EXIT_USAGE;
	}
	long cf = dcs_csv_col(t, "file"), cc = dcs_csv_col(t, "column"),
	     cr = dcs_csv_col(t, "rtol"), ca = dcs_csv_col(t, "atol");
	if (cf < 0 || cc < 0 || (cr < 0 && ca < 0)) {
		fprintf(C->err,
			"dcisim check: error: %s: needs the columns file,column,rtol,atol\n", path);
		dcs_csv_free(t);
		return DCS_EXIT_USAGE;
	}
	C->tols = calloc(t->nrows + 1, sizeof(*C->tols));
	if (!C->tols) {
		dcs_csv_free(t);
		return DCS_EXIT_RUNTIME;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		struct tol *x = &C->tols[C->ntols];
		x->rtol = x->atol = NAN;
		const char *rs = cr >= 0 ? dcs_csv_cell(t, r, (size_t)cr) : "";
		const char *as = ca >= 0 ? dcs_csv_cell(t, r, (size_t)ca) : "";
		if ((rs[0] && (!dcs_csv_num(rs, &x->rtol) || x->rtol < 0)) ||
		    (as[0] && (!dcs_csv_num(as, &x->atol) || x->atol < 0))) {
			fprintf(C->err,
				"dcisim check: error: %s:%zu: rtol and atol must be numbers >= 0 "
				"(or empty for the default)\n",
				path, r + 2);
			dcs_csv_free(t);
			return DCS_EXIT_USAGE;
		}
		x->file = strdup(dcs_csv_cell(t, r, (size_t)cf));
		x->column = strdup(dcs_csv_cell(t, r, (size_t)cc));
		C->ntols++;
		if (!x->file || !x->column) {
			dcs_csv_free(t);
			return DCS_EXIT_RUNTIME;
		}
	}
	dcs_csv_free(t);
	return DCS_EXIT_OK;
}

void chk_drift(struct checker *C, size_t *in_file, const char *fmt, ...)
{
	C->drifts++;
	if ((*in_file)++ == 0)
		C->files_drifted++;
	if ((int)*in_file > C->max_per_file)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("drift: ", C->out);
	vfprintf(C->out, fmt, ap);
	va_end(ap);
	fputc('\n', C->out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The *.csv files of a directory, sorted; tolerances.csv is not a result. */
static char **list_csv(const char *dir, size_t *n)
{
	DIR *dp = opendir(dir);
	*n = 0;
	if (!dp)
		return NULL;
	size_t cap = 16;
	char **names = malloc(cap * sizeof(char *));
	for (struct dirent *e; names && (e = readdir(dp));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".csv") || e->d_name[0] == '.' ||
		    strcmp(e->d_name, "tolerances.csv") == 0)
			continue;
		if (*n == cap) {
			char **nn = realloc(names, cap * 2 * sizeof(char *));
			if (!nn)
				break;
			names = nn;
			cap *= 2;
		}
		names[*n] = strdup(e->d_name);
		if (names[*n])
			(*n)++;
	}
	closedir(dp);
	if (names)
		qsort(names, *n, sizeof(char *), cmp_str);
	return names;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static bool has(char **l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i], s) == 0)
			return true;
	return false;
}

static int copy_file(const char *from_dir, const char *to_dir, const char *name, FILE *err)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", from_dir, name);
	size_t len = 0;
	char *data = dcs_read_file(p, &len);
	if (!data) {
		fprintf(err, "dcisim check: error: cannot read %s: %s\n", p, strerror(errno));
		return DCS_EXIT_RUNTIME;
	}
	int rc = dcs_write_file_atomic(to_dir, name, data, len, err) == 0 ? DCS_EXIT_OK
									  : DCS_EXIT_RUNTIME;
	free(data);
	return rc;
}

/* Makes the baseline a copy of the results (keeping tolerances.csv). */
static int accept(const char *rdir, const char *bdir, char **rl, size_t nr, char **bl, size_t nb,
		  FILE *err)
{
	if (dcs_mkdir_p(bdir) != 0) {
		fprintf(err, "dcisim check: error: cannot create %s: %s\n", bdir, strerror(errno));
		return DCS_EXIT_RUNTIME;
	}
	for (size_t i = 0; i < nr; i++)
		if (copy_file(rdir, bdir, rl[i], err))
			return DCS_EXIT_RUNTIME;
	char p[4096];
	snprintf(p, sizeof(p), "%s/run.json", rdir);
	bool run_json = access(p, F_OK) == 0;
	if (run_json && copy_file(rdir, bdir, "run.json", err))
		return DCS_EXIT_RUNTIME;
	snprintf(p, sizeof(p), "%s/sweep.json", rdir);
	if (access(p, F_OK) == 0 && copy_file(rdir, bdir, "sweep.json", err))
		return DCS_EXIT_RUNTIME;
	for (size_t i = 0; i < nb; i++) {
		if (has(rl, nr, bl[i]))
			continue;
		snprintf(p, sizeof(p), "%s/%s", bdir, bl[i]);
		if (unlink(p) != 0) {
			fprintf(err, "dcisim check: error: cannot remove %s: %s\n", p,
				strerror(errno));
			return DCS_EXIT_RUNTIME;
		}
	}
	snprintf(p, sizeof(p), "%s/run.json", bdir);
	if (!run_json && access(p, F_OK) == 0 && unlink(p) != 0)
		return DCS_EXIT_RUNTIME;
	return DCS_EXIT_OK;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int dcs_check_dirs(const char *result_dir, const char *baseline_dir, const struct dcs_check_opts *o,
		   FILE *out, FILE *err)
{
	struct checker C = {.o = o,
			    .out = out,
			    .err = err,
			    .max_per_file = o->max_per_file > 0 ? o->max_per_file : 20};
	if (!is_dir(result_dir)) {
		fprintf(err, "dcisim check: error: %s: no such result directory\n", result_dir);
		return DCS_EXIT_USAGE;
	}
	bool have_base = is_dir(baseline_dir);
	if (!have_base && !o->accept) {
		fprintf(err,
			"dcisim check: error: %s: no such baseline directory (create it with "
			"--accept)\n",
			baseline_dir);
		return DCS_EXIT_USAGE;
	}
	C.catalog = dcs_world_catalog_init(&C.catalog_store);
	size_t nr = 0, nb = 0;
	char **rl = list_csv(result_dir, &nr);
	char **bl = have_base ? list_csv(baseline_dir, &nb) : NULL;
	int rc = have_base ? chk_load_tolerances(&C, baseline_dir) : 0;
	bool stat = o->mode == DCS_CHECK_STAT;
	if (!rc && have_base && stat)
		rc = chk_stat(&C, result_dir, baseline_dir);
	if (!rc && have_base && !stat)
		rc = chk_run_json(&C, result_dir, baseline_dir);
	size_t nd = 0;
	for (size_t i = 0; !rc && have_base && !stat && i < nb; i++)
		if (!has(rl, nr, bl[i]))
			chk_drift(&C, &nd, "%s is in the baseline but not in the results", bl[i]);
	for (size_t i = 0; !rc && have_base && !stat && i < nr; i++)
		if (!has(bl, nb, rl[i]))
			chk_drift(&C, &nd, "%s is new (not in the baseline)", rl[i]);
	for (size_t i = 0; !rc && have_base && !stat && i < nb; i++)
		if (has(rl, nr, bl[i]))
			rc = o->mode == DCS_CHECK_EXACT
				 ? chk_bytes(&C, bl[i], result_dir, baseline_dir)
				 : chk_csv(&C, bl[i], result_dir, baseline_dir);
	if (!rc && have_base && stat)
		fprintf(out,
			"check: stat: %zu comparison%s: %zu pass, %zu fail, %zu inconclusive "
			"(Welch t test, alpha %g; margin atol + rtol x |baseline mean|)%s\n",
			C.cells, C.cells == 1 ? "" : "s", C.n_pass, C.n_fail, C.n_inconclusive,
			o->alpha > 0 ? o->alpha : 0.05,
			C.n_inconclusive && !o->strict
			    ? "; inconclusive is not drift without --strict: more replications "
			      "would decide"
			    : "");
	if (!rc) {
		const char *what = o->mode == DCS_CHECK_EXACT  ? "bytes"
				   : o->mode == DCS_CHECK_STAT ? "metrics x points"
							       : "cells";
		if (!have_base)
			fprintf(out, "check: no baseline yet at %s\n", baseline_dir);
		else if (C.drifts)
			fprintf(out,
				"check: %zu drift%s in %zu file%s (%zu files, %zu %s compared "
				"against %s)\n",
				C.drifts, C.drifts == 1 ? "" : "s", C.files_drifted,
				C.files_drifted == 1 ? "" : "s", C.files, C.cells, what,
				baseline_dir);
		else
			fprintf(out, "check: clean (%zu files, %zu %s compared against %s)\n",
				C.files, C.cells, what, baseline_dir);
		if (o->accept) {
			rc = accept(result_dir, baseline_dir, rl, nr, bl, nb, err);
			if (!rc)
				fprintf(out, "check: accepted: %s now holds the results of %s\n",
					baseline_dir, result_dir);
		} else if (C.drifts) {
			rc = DCS_EXIT_DRIFT;
		}
	}
	free_list(rl, nr);
	free_list(bl, nb);
	for (size_t i = 0; i < C.ntols; i++) {
		free(C.tols[i].file);
		free(C.tols[i].column);
	}
	free(C.tols);
	return rc;
}
