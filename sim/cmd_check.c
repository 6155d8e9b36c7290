/*
 * dcisim check: regression check of a result directory against a stored
 * baseline, under tolerances (include/dcisim/report.h has the contract).
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

#include "dcisim/commands.h"
#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "dcisim/report.h"

/* run.json keys that say when and how a run was made, not what it computed. */
static const char *const wall_keys[] = {"wall_s", "events_per_s"};
static const char *const provenance_keys[] = {"commit", "build", "version", "scenario_path"};

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
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static void tolerance_for(const struct checker *C, const char *file, const char *col, double *rtol,
			  double *atol)
{
	*rtol = C->o->rtol;
	*atol = C->o->atol;
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
static int load_tolerances(struct checker *C, const char *baseline)
{
	char path[4096], msg[512];
	snprintf(path, sizeof(path), "%s/tolerances.csv", baseline);
	if (access(path, F_OK) != 0)
		return 0;
	struct dcs_csv *t = dcs_csv_read_file(path, NULL, msg, sizeof(msg));
	if (!t) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		return 2;
	}
	long cf = dcs_csv_col(t, "file"), cc = dcs_csv_col(t, "column"),
	     cr = dcs_csv_col(t, "rtol"), ca = dcs_csv_col(t, "atol");
	if (cf < 0 || cc < 0 || (cr < 0 && ca < 0)) {
		fprintf(C->err,
			"dcisim check: error: %s: needs the columns file,column,rtol,atol\n", path);
		dcs_csv_free(t);
		return 2;
	}
	C->tols = calloc(t->nrows + 1, sizeof(*C->tols));
	if (!C->tols) {
		dcs_csv_free(t);
		return 3;
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
			return 2;
		}
		x->file = strdup(dcs_csv_cell(t, r, (size_t)cf));
		x->column = strdup(dcs_csv_cell(t, r, (size_t)cc));
		C->ntols++;
		if (!x->file || !x->column) {
			dcs_csv_free(t);
			return 3;
		}
	}
	dcs_csv_free(t);
	return 0;
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

/* How many leading columns make a row's key, for people: two (fewer in
 * narrow files), and a third when it is text in every row (links.csv's dir,
 * storage.csv's op), never a column of numbers. */
static size_t key_columns(const struct dcs_csv *t)
{
	size_t k = t->ncols > 2 ? 2 : t->ncols > 1 ? t->ncols - 1 : t->ncols;
	if (t->ncols <= 3)
		return k;
	double v;
	for (size_t r = 0; r < t->nrows; r++)
		if (dcs_csv_num(dcs_csv_cell(t, r, 2), &v))
			return k;
	return 3;
}

static void row_key(const struct dcs_csv *t, size_t r, size_t k, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t c = 0; c < k && n < len; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", c ? ", " : "", t->header[c],
				      dcs_csv_cell(t, r, c));
}

static void drift(struct checker *C, size_t *in_file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void drift(struct checker *C, size_t *in_file, const char *fmt, ...)
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

static void rel_text(char *buf, size_t len, double base, double cur)
{
	if (base == cur)
		snprintf(buf, len, "0");
	else if (base == 0)
		snprintf(buf, len, "inf");
	else
		snprintf(buf, len, "%.3g", fabs(cur - base) / fabs(base));
}

/* Compares two cells; true when they agree. */
static bool cell_agrees(const char *b, const char *c, double rtol, double atol, char *rel,
			size_t rlen)
{
	double vb, vc;
	if (dcs_csv_num(b, &vb) && dcs_csv_num(c, &vc)) {
		rel_text(rel, rlen, vb, vc);
		return fabs(vc - vb) <= atol + rtol * fabs(vb);
	}
	snprintf(rel, rlen, "-");
	return strcmp(b, c) == 0;
}

/* Rows of the baseline and the results compared with each other. */
struct pair {
	size_t b, c;
};

struct keyed {
	char *key;
	size_t row;
};

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int d = strcmp(a->key, b->key);
	return d ? d : (a->row > b->row) - (a->row < b->row);
}

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	return (a->b > b->b) - (a->b < b->b);
}

/* The key columns of each row as one string; NULL when out of memory. */
static struct keyed *keys_of(const struct dcs_csv *t, const long *cols, size_t nkey)
{
	struct keyed *k = calloc(t->nrows + 1, sizeof(*k));
	for (size_t r = 0; k && r < t->nrows; r++) {
		size_t len = 1;
		for (size_t i = 0; i < nkey; i++)
			len += strlen(dcs_csv_cell(t, r, (size_t)cols[i])) + 1;
		k[r].row = r;
		k[r].key = malloc(len);
		if (!k[r].key) {
			for (size_t q = 0; q < r; q++)
				free(k[q].key);
			free(k);
			return NULL;
		}
		k[r].key[0] = '\0';
		for (size_t i = 0; i < nkey; i++) {
			strcat(k[r].key, dcs_csv_cell(t, r, (size_t)cols[i]));
			strcat(k[r].key, "\x1f");
		}
	}
	if (k)
		qsort(k, t->nrows, sizeof(*k), cmp_keyed);
	return k;
}

static void free_keyed(struct keyed *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		free(k[i].key);
	free(k);
}

/* Pairs the rows to compare.  With as many rows on each side, row i with
 * row i (so a reordering shows as drift).  Otherwise rows are matched by
 * their key columns (the k-th row of a key with the k-th), and a row that
 * only one side has is one drift line, instead of every later row drifting
 * by one.  Returns the number of pairs, in baseline row order. */
static size_t pair_rows(struct checker *C, const char *file, const struct dcs_csv *b,
			const struct dcs_csv *c, const long *map, size_t nkey, struct pair **out,
			size_t *nd)
{
	size_t n = b->nrows < c->nrows ? b->nrows : c->nrows;
	*out = calloc(n + 1, sizeof(**out));
	if (!*out)
		return 0;
	long bcols[3] = {0, 1, 2}, ccols[3];
	bool keyed = b->nrows != c->nrows && nkey > 0;
	for (size_t i = 0; keyed && i < nkey; i++) {
		ccols[i] = map[i];
		keyed = map[i] >= 0;
	}
	struct keyed *kb = keyed ? keys_of(b, bcols, nkey) : NULL;
	struct keyed *kc = keyed ? keys_of(c, ccols, nkey) : NULL;
	if (!kb || !kc) {
		free_keyed(kb, b->nrows);
		free_keyed(kc, c->nrows);
		for (size_t r = 0; r < n; r++)
			(*out)[r] = (struct pair){r, r};
		return n;
	}
	size_t i = 0, j = 0, np = 0;
	char key[512];
	while (i < b->nrows || j < c->nrows) {
		int d = i == b->nrows ? 1 : j == c->nrows ? -1 : strcmp(kb[i].key, kc[j].key);
		if (d == 0) {
			(*out)[np++] = (struct pair){kb[i].row, kc[j].row};
			i++, j++;
		} else if (d < 0) {
			row_key(b, kb[i].row, nkey, key, sizeof(key));
			drift(C, nd, "%s row %zu (%s) is in the baseline but not in the results",
			      file, kb[i].row + 1, key);
			i++;
		} else {
			row_key(c, kc[j].row, nkey, key, sizeof(key));
			drift(C, nd, "%s row %zu (%s) is new (not in the baseline)", file,
			      kc[j].row + 1, key);
			j++;
		}
	}
	free_keyed(kb, b->nrows);
	free_keyed(kc, c->nrows);
	qsort(*out, np, sizeof(**out), cmp_pair);
	return np;
}

static int check_csv(struct checker *C, const char *file, const char *rdir, const char *bdir)
{
	char pb[4096], pr[4096], msg[600];
	snprintf(pb, sizeof(pb), "%s/%s", bdir, file);
	snprintf(pr, sizeof(pr), "%s/%s", rdir, file);
	struct dcs_csv *b = dcs_csv_read_file(pb, NULL, msg, sizeof(msg));
	if (!b) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		return 3;
	}
	struct dcs_csv *c = dcs_csv_read_file(pr, NULL, msg, sizeof(msg));
	if (!c) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		dcs_csv_free(b);
		return 3;
	}
	C->files++;
	size_t nd = 0;
	/* Columns: matched by name; a missing, new or moved column is drift. */
	long *map = calloc(b->ncols + 1, sizeof(long));
	if (!map) {
		dcs_csv_free(b);
		dcs_csv_free(c);
		return 3;
	}
	bool moved = false;
	for (size_t i = 0; i < b->ncols; i++) {
		map[i] = dcs_csv_col(c, b->header[i]);
		if (map[i] < 0)
			drift(C, &nd, "%s: column %s is in the baseline but not in the results",
			      file, b->header[i]);
		else if ((size_t)map[i] != i)
			moved = true;
	}
	for (size_t i = 0; i < c->ncols; i++)
		if (dcs_csv_col(b, c->header[i]) < 0)
			drift(C, &nd, "%s: column %s is new (not in the baseline)", file,
			      c->header[i]);
	if (moved)
		drift(C, &nd, "%s: the columns are in a different order", file);
	if (b->nrows != c->nrows)
		drift(C, &nd, "%s: %zu rows in the baseline, %zu in the results", file, b->nrows,
		      c->nrows);
	size_t nkey = key_columns(b);
	struct pair *pairs = NULL;
	size_t np = pair_rows(C, file, b, c, map, nkey, &pairs, &nd);
	for (size_t k = 0; k < np; k++) {
		size_t rb = pairs[k].b, rc = pairs[k].c;
		for (size_t i = 0; i < b->ncols; i++) {
			if (map[i] < 0)
				continue;
			const char *vb = dcs_csv_cell(b, rb, i),
				   *vc = dcs_csv_cell(c, rc, (size_t)map[i]);
			double rtol, atol;
			tolerance_for(C, file, b->header[i], &rtol, &atol);
			char rel[32];
			C->cells++;
			if (cell_agrees(vb, vc, rtol, atol, rel, sizeof(rel)))
				continue;
			char key[512];
			row_key(b, rb, nkey, key, sizeof(key));
			drift(C, &nd,
			      "%s row %zu (%s) column %s: baseline %s, current %s, relative "
			      "difference %s",
			      file, rb + 1, key, b->header[i], vb[0] ? vb : "(empty)",
			      vc[0] ? vc : "(empty)", rel);
		}
	}
	free(pairs);
	if ((int)nd > C->max_per_file)
		fprintf(C->out, "drift: %s: ... and %zu more\n", file,
			nd - (size_t)C->max_per_file);
	free(map);
	dcs_csv_free(b);
	dcs_csv_free(c);
	return 0;
}

static int check_run_json(struct checker *C, const char *rdir, const char *bdir)
{
	char pb[4096], pr[4096], msg[600];
	snprintf(pb, sizeof(pb), "%s/run.json", bdir);
	snprintf(pr, sizeof(pr), "%s/run.json", rdir);
	bool hb = access(pb, F_OK) == 0, hr = access(pr, F_OK) == 0;
	size_t nd = 0;
	if (!hb && !hr)
		return 0;
	if (hb != hr) {
		drift(C, &nd, "run.json is %s",
		      hb ? "in the baseline but not in the results" : "new (not in the baseline)");
		return 0;
	}
	struct dcs_kv *b = dcs_kv_read_json(pb, msg, sizeof(msg));
	struct dcs_kv *c = b ? dcs_kv_read_json(pr, msg, sizeof(msg)) : NULL;
	if (!b || !c) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		dcs_kv_free(b);
		return 3;
	}
	C->files++;
	/* The fingerprint first: it says at once whether the trajectory moved. */
	const char *fb = dcs_kv_get(b, "fingerprint"), *fc = dcs_kv_get(c, "fingerprint");
	if (fb && fc && strcmp(fb, fc) == 0)
		fprintf(C->out,
			"fingerprint: %s, unchanged (the same event times in the same "
			"order)\n",
			fb);
	else if (fb || fc)
		fprintf(C->out,
			"fingerprint: baseline %s, current %s: the event trajectory "
			"changed\n",
			fb ? fb : "(none)", fc ? fc : "(none)");
	for (size_t i = 0; i < b->n; i++) {
		const char *k = b->keys[i];
		if (in_list(k, wall_keys, 2))
			continue;
		const char *vc = dcs_kv_get(c, k);
		if (in_list(k, provenance_keys, 4)) {
			if (vc && strcmp(vc, b->vals[i]))
				fprintf(C->out,
					"note: run.json %s: baseline %s, current %s (not "
					"compared)\n",
					k, b->vals[i], vc);
			continue;
		}
		if (!vc) {
			drift(C, &nd, "run.json key %s is in the baseline but not in the results",
			      k);
			continue;
		}
		double rtol, atol;
		tolerance_for(C, "run.json", k, &rtol, &atol);
		char rel[32];
		C->cells++;
		if (!cell_agrees(b->vals[i], vc, rtol, atol, rel, sizeof(rel)))
			drift(C, &nd,
			      "run.json key %s: baseline %s, current %s, relative difference %s", k,
			      b->vals[i], vc, rel);
	}
	for (size_t i = 0; i < c->n; i++)
		if (!dcs_kv_get(b, c->keys[i]) && !in_list(c->keys[i], wall_keys, 2) &&
		    !in_list(c->keys[i], provenance_keys, 4))
			drift(C, &nd, "run.json key %s is new (not in the baseline)", c->keys[i]);
	dcs_kv_free(b);
	dcs_kv_free(c);
	return 0;
}

static int copy_file(const char *from_dir, const char *to_dir, const char *name, FILE *err)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", from_dir, name);
	size_t len = 0;
	char *data = dcs_read_file(p, &len);
	if (!data) {
		fprintf(err, "dcisim check: error: cannot read %s: %s\n", p, strerror(errno));
		return 3;
	}
	int rc = dcs_write_file_atomic(to_dir, name, data, len, err) == 0 ? 0 : 3;
	free(data);
	return rc;
}

/* Makes the baseline a copy of the results (keeping tolerances.csv). */
static int accept(const char *rdir, const char *bdir, char **rl, size_t nr, char **bl, size_t nb,
		  FILE *err)
{
	if (dcs_mkdir_p(bdir) != 0) {
		fprintf(err, "dcisim check: error: cannot create %s: %s\n", bdir, strerror(errno));
		return 3;
	}
	for (size_t i = 0; i < nr; i++)
		if (copy_file(rdir, bdir, rl[i], err))
			return 3;
	char p[4096];
	snprintf(p, sizeof(p), "%s/run.json", rdir);
	bool run_json = access(p, F_OK) == 0;
	if (run_json && copy_file(rdir, bdir, "run.json", err))
		return 3;
	for (size_t i = 0; i < nb; i++) {
		if (has(rl, nr, bl[i]))
			continue;
		snprintf(p, sizeof(p), "%s/%s", bdir, bl[i]);
		if (unlink(p) != 0) {
			fprintf(err, "dcisim check: error: cannot remove %s: %s\n", p,
				strerror(errno));
			return 3;
		}
	}
	snprintf(p, sizeof(p), "%s/run.json", bdir);
	if (!run_json && access(p, F_OK) == 0 && unlink(p) != 0)
		return 3;
	return 0;
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
		return 2;
	}
	bool have_base = is_dir(baseline_dir);
	if (!have_base && !o->accept) {
		fprintf(err,
			"dcisim check: error: %s: no such baseline directory (create it with "
			"--accept)\n",
			baseline_dir);
		return 2;
	}
	size_t nr = 0, nb = 0;
	char **rl = list_csv(result_dir, &nr);
	char **bl = have_base ? list_csv(baseline_dir, &nb) : NULL;
	int rc = have_base ? load_tolerances(&C, baseline_dir) : 0;
	if (!rc && have_base)
		rc = check_run_json(&C, result_dir, baseline_dir);
	size_t nd = 0;
	for (size_t i = 0; !rc && have_base && i < nb; i++)
		if (!has(rl, nr, bl[i]))
			drift(&C, &nd, "%s is in the baseline but not in the results", bl[i]);
	for (size_t i = 0; !rc && have_base && i < nr; i++)
		if (!has(bl, nb, rl[i]))
			drift(&C, &nd, "%s is new (not in the baseline)", rl[i]);
	for (size_t i = 0; !rc && have_base && i < nb; i++)
		if (has(rl, nr, bl[i]))
			rc = check_csv(&C, bl[i], result_dir, baseline_dir);
	if (!rc) {
		if (!have_base)
			fprintf(out, "check: no baseline yet at %s\n", baseline_dir);
		else if (C.drifts)
			fprintf(out,
				"check: %zu drift%s in %zu file%s (%zu files, %zu cells compared "
				"against %s)\n",
				C.drifts, C.drifts == 1 ? "" : "s", C.files_drifted,
				C.files_drifted == 1 ? "" : "s", C.files, C.cells, baseline_dir);
		else
			fprintf(out, "check: clean (%zu files, %zu cells compared against %s)\n",
				C.files, C.cells, baseline_dir);
		if (o->accept) {
			rc = accept(result_dir, baseline_dir, rl, nr, bl, nb, err);
			if (!rc)
				fprintf(out, "check: accepted: %s now holds the results of %s\n",
					baseline_dir, result_dir);
		} else if (C.drifts) {
			rc = 1;
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

static const char check_usage[] =
    "usage: dcisim check RESULT_DIR --baseline DIR [--rtol X] [--atol Y] [--accept]\n"
    "\n"
    "Compares every CSV of a result directory (and run.json) with a stored\n"
    "baseline: the same files, columns and rows; numbers agree when\n"
    "|current - baseline| <= atol + rtol * |baseline|, text must be equal.\n"
    "Per-column tolerances: DIR/tolerances.csv with columns file,column,rtol,atol\n"
    "(`*` matches any file or column; the last matching line wins).  run.json's\n"
    "fingerprint (a hash of the ordered event times) is reported first; its\n"
    "wall-clock fields and provenance (commit, build, version) are not compared.\n"
    "\n"
    "  --baseline DIR  the stored results to compare against (required)\n"
    "  --rtol X        relative tolerance (default 1e-9)\n"
    "  --atol Y        absolute tolerance (default 1e-12)\n"
    "  --accept        after printing the differences, replace the baseline with\n"
    "                  the results (tolerances.csv is kept); exit 0\n"
    "\n"
    "Exit status: 0 clean (or accepted), 1 drift found, 2 usage error or missing\n"
    "directory, 3 a file could not be read or written.\n";

int dcs_cmd_check(int argc, char **argv)
{
	struct dcs_check_opts o = {.rtol = 1e-9, .atol = 1e-12};
	const char *result = NULL, *baseline = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(check_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--baseline") && v) {
			baseline = v;
			i++;
		} else if ((!strcmp(a, "--rtol") || !strcmp(a, "--atol")) && v) {
			double x;
			if (!dcs_parse_double(v, &x)) {
				fprintf(stderr,
					"dcisim check: error: %s needs a number >= 0, not '%s'\n",
					a, v);
				return 2;
			}
			*(a[2] == 'r' ? &o.rtol : &o.atol) = x;
			i++;
		} else if (!strcmp(a, "--accept")) {
			o.accept = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dcisim check: error: unknown option '%s'%s\n%s", a,
				v ? "" : " (or missing value)", check_usage);
			return 2;
		} else if (!result) {
			result = a;
		} else {
			fprintf(stderr,
				"dcisim check: error: one result directory at a time ('%s')\n", a);
			return 2;
		}
	}
	if (!result || !baseline) {
		fprintf(stderr, "dcisim check: error: %s\n\n%s",
			result ? "--baseline DIR is required" : "give a result directory",
			check_usage);
		return 2;
	}
	return dcs_check_dirs(result, baseline, &o, stdout, stderr);
}
