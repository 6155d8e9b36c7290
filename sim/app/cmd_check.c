/*
 * dcisim check: regression check of a result directory against a stored
 * baseline, under tolerances (sim/app/report.h has the contract).
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

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "commands.h"
#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/metrics.h"
#include "dcisim/output.h"
#include "dcisim/world.h"
#include "report.h"

/* run.json keys that say when, where and how a run was made, not what it
 * computed: wall clock and host (never shown), provenance (shown when it
 * differs). */
static const char *const wall_keys[] = {"wall_s", "events_per_s", "host", "started_utc"};
static const char *const provenance_keys[] = {
    "commit", "dirty", "build", "build_options", "version", "scenario_path", "scenario_sha256"};
#define N_WALL       (sizeof(wall_keys) / sizeof(wall_keys[0]))
#define N_PROVENANCE (sizeof(provenance_keys) / sizeof(provenance_keys[0]))

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

/* The declaration of a summary.csv row's metric (NULL for other files). */
static const struct dcs_metric_def *summary_metric(const struct checker *C, const char *file,
						   const struct dcs_csv *t, size_t row)
{
	if (strcmp(file, "summary.csv"))
		return NULL;
	int col = dcs_csv_col(t, "metric");
	return col < 0 ? NULL : dcs_catalog_metric(C->catalog, dcs_csv_cell(t, row, (size_t)col));
}

/* "; worse (lower is better)" when the declared direction says which way
 * the drift goes. */
static const char *which_way(const struct dcs_metric_def *d, const char *vb, const char *vc)
{
	double b, c;
	if (!d || d->better == DCS_BETTER_NEUTRAL || !dcs_csv_num(vb, &b) ||
	    !dcs_csv_num(vc, &c) || b == c)
		return "";
	bool worse = (c > b) == (d->better == DCS_BETTER_LOWER);
	if (d->better == DCS_BETTER_LOWER)
		return worse ? "; worse (lower is better)" : "; better (lower is better)";
	return worse ? "; worse (higher is better)" : "; better (higher is better)";
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
			const struct dcs_metric_def *d = summary_metric(C, file, b, rb);
			if (d && (d->kind == DCS_METRIC_SETTING || d->kind == DCS_METRIC_LABEL))
				rtol = atol = 0; /* an input or a word: it matches or not */
			char rel[32];
			C->cells++;
			if (cell_agrees(vb, vc, rtol, atol, rel, sizeof(rel)))
				continue;
			char key[512];
			row_key(b, rb, nkey, key, sizeof(key));
			drift(C, &nd,
			      "%s row %zu (%s) column %s: baseline %s, current %s, relative "
			      "difference %s%s",
			      file, rb + 1, key, b->header[i], vb[0] ? vb : "(empty)",
			      vc[0] ? vc : "(empty)", rel, which_way(d, vb, vc));
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
		if (in_list(k, wall_keys, N_WALL))
			continue;
		const char *vc = dcs_kv_get(c, k);
		if (in_list(k, provenance_keys, N_PROVENANCE)) {
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
		if (!dcs_kv_get(b, c->keys[i]) && !in_list(c->keys[i], wall_keys, N_WALL) &&
		    !in_list(c->keys[i], provenance_keys, N_PROVENANCE))
			drift(C, &nd, "run.json key %s is new (not in the baseline)", c->keys[i]);
	dcs_kv_free(b);
	dcs_kv_free(c);
	return 0;
}

/* ---- exact mode ---------------------------------------------------------- */

/* Line `n` (1-based) of text, at most len - 1 bytes of it, for a drift line. */
static void line_of(const char *text, size_t tlen, size_t n, char *buf, size_t len)
{
	const char *p = text, *end = text + tlen;
	for (size_t k = 1; k < n && p < end; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t l = (size_t)((nl ? nl : end) - p);
	if (l >= len)
		l = len - 4;
	memcpy(buf, p, l);
	strcpy(buf + l, l == len - 4 ? "..." : "");
}

static int check_bytes(struct checker *C, const char *file, const char *rdir, const char *bdir)
{
	char pb[4096], pr[4096];
	snprintf(pb, sizeof(pb), "%s/%s", bdir, file);
	snprintf(pr, sizeof(pr), "%s/%s", rdir, file);
	size_t lb = 0, lr = 0;
	char *b = dcs_read_file(pb, &lb), *r = b ? dcs_read_file(pr, &lr) : NULL;
	if (!b || !r) {
		fprintf(C->err, "dcisim check: error: cannot read %s: %s\n", b ? pr : pb,
			strerror(errno));
		free(b);
		return 3;
	}
	C->files++;
	C->cells += lb;
	size_t nd = 0;
	if (lb != lr || memcmp(b, r, lb) != 0) {
		size_t i = 0, line = 1;
		while (i < lb && i < lr && b[i] == r[i])
			line += b[i++] == '\n';
		char lbuf[160], rbuf[160];
		line_of(b, lb, line, lbuf, sizeof(lbuf));
		line_of(r, lr, line, rbuf, sizeof(rbuf));
		drift(C, &nd,
		      "%s: not the same bytes (%zu in the baseline, %zu in the results); "
		      "first difference in line %zu: baseline \"%s\", current \"%s\"",
		      file, lb, lr, line, lbuf, rbuf);
	}
	free(b);
	free(r);
	return 0;
}

/* ---- stat mode ----------------------------------------------------------- */

double dcs_welch_p(double m1, double v1, size_t n1, double m2, double v2, size_t n2, double *df)
{
	double a = v1 / (double)n1, b = v2 / (double)n2, se2 = a + b;
	*df = NAN;
	if (!(se2 > 0))
		return m1 == m2 ? 1.0 : 0.0;
	double den =
	    (n1 > 1 ? a * a / (double)(n1 - 1) : 0) + (n2 > 1 ? b * b / (double)(n2 - 1) : 0);
	*df = den > 0 ? se2 * se2 / den : (double)(n1 + n2 - 2);
	double t = fabs(m2 - m1) / sqrt(se2);
	return 2 * gsl_cdf_tdist_Q(t, *df);
}

/* One sweep.csv read for stat mode: its parameter columns (between
 * replication and seed), status and metric columns (after status). */
struct sweepcsv {
	struct dcs_csv *t;
	long p0, p1, status; /* parameters are columns [p0, p1) */
};

static int read_sweep(struct checker *C, const char *dir, struct sweepcsv *s)
{
	char p[4096], msg[600];
	snprintf(p, sizeof(p), "%s/sweep.csv", dir);
	if (access(p, F_OK) != 0) {
		fprintf(C->err,
			"dcisim check: error: %s: --mode stat compares sweeps (sweep.csv with "
			"replications, from dcisim sweep), and this directory has no sweep.csv\n",
			dir);
		return 2;
	}
	s->t = dcs_csv_read_file(p, NULL, msg, sizeof(msg));
	if (!s->t) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		return 3;
	}
	long rep = dcs_csv_col(s->t, "replication"), seed = dcs_csv_col(s->t, "seed");
	s->status = dcs_csv_col(s->t, "status");
	if (rep < 0 || seed < rep || s->status < 0) {
		fprintf(C->err,
			"dcisim check: error: %s: not a sweep.csv (no replication, seed and status "
			"columns)\n",
			p);
		return 2;
	}
	s->p0 = rep + 1;
	s->p1 = seed;
	return 0;
}

/* A row's point as "param=value param=value". */
static void point_key(const struct sweepcsv *s, size_t r, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (long c = s->p0; c < s->p1 && n < len; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", c > s->p0 ? " " : "",
				      s->t->header[c], dcs_csv_cell(s->t, (size_t)r, (size_t)c));
	if (s->p0 == s->p1)
		snprintf(buf, len, "(one point)");
}

/* The rows of one point: sweep.csv is in run order, so a point's
 * replications are consecutive rows. */
struct prange {
	char *key;
	size_t r0, r1;
};

static int cmp_prange(const void *x, const void *y)
{
	return strcmp(((const struct prange *)x)->key, ((const struct prange *)y)->key);
}

static struct prange *point_ranges(const struct sweepcsv *s, size_t *n)
{
	struct prange *pr = calloc(s->t->nrows + 1, sizeof(*pr));
	char k[1024];
	*n = 0;
	for (size_t r = 0; pr && r < s->t->nrows; r++) {
		point_key(s, r, k, sizeof(k));
		if (*n && strcmp(pr[*n - 1].key, k) == 0) {
			pr[*n - 1].r1 = r + 1;
			continue;
		}
		pr[*n] = (struct prange){.key = strdup(k), .r0 = r, .r1 = r + 1};
		if (!pr[(*n)++].key)
			return NULL; /* leaks on out of memory; the command exits */
	}
	return pr;
}

static void free_ranges(struct prange *pr, size_t n)
{
	for (size_t i = 0; pr && i < n; i++)
		free(pr[i].key);
	free(pr);
}

/* The values of column c over the ok rows of a point; returns the count,
 * numeric tells whether all were numbers (xs then holds them). */
static size_t point_values(const struct sweepcsv *s, const struct prange *pr, long c, double *xs,
			   const char **texts, bool *numeric)
{
	size_t n = 0;
	*numeric = true;
	for (size_t r = pr->r0; r < pr->r1; r++) {
		if (strcmp(dcs_csv_cell(s->t, r, (size_t)s->status), "ok") != 0)
			continue;
		const char *v = dcs_csv_cell(s->t, r, (size_t)c);
		if (!v[0])
			continue; /* this replication does not have the metric */
		texts[n] = v;
		if (!dcs_csv_num(v, &xs[n]))
			*numeric = false;
		n++;
	}
	return n;
}

static bool text_in(const char *const *set, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], v) == 0)
			return true;
	return false;
}

static void stat_compare(struct checker *C, const char *key, const char *metric, const double *xb,
			 size_t nb, const double *xc, size_t nc, size_t *nd)
{
	double rtol, atol;
	tolerance_for(C, "sweep.csv", metric, &rtol, &atol);
	double alpha = C->o->alpha > 0 ? C->o->alpha : 0.05;
	double mb = gsl_stats_mean(xb, 1, nb), mc = gsl_stats_mean(xc, 1, nc);
	double vb = nb > 1 ? gsl_stats_variance_m(xb, 1, nb, mb) : 0;
	double vc = nc > 1 ? gsl_stats_variance_m(xc, 1, nc, mc) : 0;
	double margin = atol + rtol * fabs(mb), diff = mc - mb;
	double df, p = dcs_welch_p(mb, vb, nb, mc, vc, nc, &df);
	double se = sqrt(vb / (double)nb + vc / (double)nc);
	/* Cohen's d: the difference in pooled standard deviations. */
	double sp =
	    nb + nc > 2
		? sqrt(((double)(nb - 1) * vb + (double)(nc - 1) * vc) / (double)(nb + nc - 2))
		: 0;
	double d = sp > 0 ? diff / sp : diff == 0 ? 0 : copysign(INFINITY, diff);
	const char *verdict;
	if (se == 0 && (nb > 1 || nc > 1 || diff == 0)) {
		/* No spread at all (a metric the seed does not move). */
		verdict = fabs(diff) <= margin ? "pass" : "fail";
	} else if (nb < 2 || nc < 2) {
		verdict = "inconclusive";
	} else {
		double half = gsl_cdf_tdist_Pinv(1 - alpha, df) * se;
		if (p < alpha && fabs(diff) > margin)
			verdict = "fail";
		else if (fabs(diff) + half <= margin)
			verdict = "pass";
		else
			verdict = "inconclusive";
	}
	C->cells++;
	if (verdict[0] == 'p') {
		C->n_pass++;
		return;
	}
	char rel[32] = "";
	if (mb != 0)
		snprintf(rel, sizeof(rel), " (%+.3g%%)", 100 * diff / fabs(mb));
	char line[1024];
	snprintf(line, sizeof(line),
		 "sweep.csv point %s metric %s: %s: baseline mean %.6g (n %zu), current %.6g "
		 "(n %zu), difference %+.6g%s, p = %.3g, effect size d = %.3g, margin +-%.3g",
		 key, metric, verdict, mb, nb, mc, nc, diff, rel, p, d, margin);
	if (verdict[0] == 'f') {
		C->n_fail++;
		drift(C, nd, "%s", line);
	} else {
		C->n_inconclusive++;
		if (C->o->strict)
			drift(C, nd, "%s", line);
		else if ((int)C->n_inconclusive <= C->max_per_file)
			fprintf(C->out, "note: %s\n", line);
	}
}

static int check_stat(struct checker *C, const char *rdir, const char *bdir)
{
	struct sweepcsv b = {0}, c = {0};
	int rc = read_sweep(C, bdir, &b);
	if (!rc)
		rc = read_sweep(C, rdir, &c);
	size_t nd = 0;
	size_t rows = (b.t ? b.t->nrows : 0) + (c.t ? c.t->nrows : 0) + 1;
	double *xb = calloc(rows, sizeof(double)), *xc = calloc(rows, sizeof(double));
	const char **tb = calloc(rows, sizeof(char *)), **tc = calloc(rows, sizeof(char *));
	if (!rc && (!xb || !xc || !tb || !tc))
		rc = 3;
	if (rc)
		goto out;
	C->files++;
	/* The same parameters, and every metric of the baseline. */
	bool same_params = b.p1 - b.p0 == c.p1 - c.p0;
	for (long k = 0; same_params && k < b.p1 - b.p0; k++)
		same_params = strcmp(b.t->header[b.p0 + k], c.t->header[c.p0 + k]) == 0;
	if (!same_params) {
		drift(C, &nd,
		      "sweep.csv: the swept parameters differ; the sweeps cannot be "
		      "compared point by point");
		goto out;
	}
	size_t npb = 0, npc = 0;
	struct prange *pb = point_ranges(&b, &npb), *pc = point_ranges(&c, &npc);
	if (!pb || !pc) {
		free_ranges(pb, npb);
		free_ranges(pc, npc);
		rc = 3;
		goto out;
	}
	qsort(pc, npc, sizeof(*pc), cmp_prange);
	for (size_t i = 0; i < npb; i++) {
		const char *key = pb[i].key;
		const struct prange *hit = bsearch(&pb[i], pc, npc, sizeof(*pc), cmp_prange);
		if (!hit) {
			drift(C, &nd,
			      "sweep.csv point %s is in the baseline but not in the results", key);
			continue;
		}
		for (size_t col = (size_t)b.status + 1; col < b.t->ncols; col++) {
			const char *m = b.t->header[col];
			long cc = dcs_csv_col(c.t, m);
			bool numb, numc;
			size_t nb = point_values(&b, &pb[i], (long)col, xb, tb, &numb);
			if (nb == 0 || cc < 0)
				continue; /* a missing column is one drift line, below */
			size_t nc = point_values(&c, hit, cc, xc, tc, &numc);
			if (nc == 0) {
				drift(C, &nd,
				      "sweep.csv point %s metric %s: no value in the results", key,
				      m);
				continue;
			}
			if (numb && numc) {
				stat_compare(C, key, m, xb, nb, xc, nc, &nd);
				continue;
			}
			/* Text: the same set of values. */
			bool same = true;
			for (size_t k = 0; k < nb && same; k++)
				same = text_in(tc, nc, tb[k]);
			for (size_t k = 0; k < nc && same; k++)
				same = text_in(tb, nb, tc[k]);
			C->cells++;
			if (same) {
				C->n_pass++;
			} else {
				C->n_fail++;
				drift(C, &nd,
				      "sweep.csv point %s metric %s: fail: the values differ "
				      "(baseline %s, current %s)",
				      key, m, tb[0], tc[0]);
			}
		}
	}
	for (size_t i = 0; i < npc; i++) {
		/* pb is in file order (the order of the report): search it by hand. */
		bool found = false;
		for (size_t k = 0; k < npb && !found; k++)
			found = strcmp(pb[k].key, pc[i].key) == 0;
		if (!found)
			drift(C, &nd, "sweep.csv point %s is new (not in the baseline)", pc[i].key);
	}
	free_ranges(pb, npb);
	free_ranges(pc, npc);
	for (size_t col = (size_t)b.status + 1; col < b.t->ncols; col++)
		if (dcs_csv_col(c.t, b.t->header[col]) < 0)
			drift(C, &nd,
			      "sweep.csv metric %s is in the baseline but not in the results",
			      b.t->header[col]);
	for (size_t col = (size_t)c.status + 1; col < c.t->ncols; col++)
		if (dcs_csv_col(b.t, c.t->header[col]) < 0)
			drift(C, &nd, "sweep.csv metric %s is new (not in the baseline)",
			      c.t->header[col]);
out:
	if ((int)nd > C->max_per_file)
		fprintf(C->out, "drift: sweep.csv: ... and %zu more\n",
			nd - (size_t)C->max_per_file);
	if (!C->o->strict && (int)C->n_inconclusive > C->max_per_file)
		fprintf(C->out, "note: ... and %zu more inconclusive\n",
			C->n_inconclusive - (size_t)C->max_per_file);
	free(xb);
	free(xc);
	free(tb);
	free(tc);
	dcs_csv_free(b.t);
	dcs_csv_free(c.t);
	return rc;
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
	snprintf(p, sizeof(p), "%s/sweep.json", rdir);
	if (access(p, F_OK) == 0 && copy_file(rdir, bdir, "sweep.json", err))
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
	C.catalog = dcs_world_catalog_init(&C.catalog_store);
	size_t nr = 0, nb = 0;
	char **rl = list_csv(result_dir, &nr);
	char **bl = have_base ? list_csv(baseline_dir, &nb) : NULL;
	int rc = have_base ? load_tolerances(&C, baseline_dir) : 0;
	bool stat = o->mode == DCS_CHECK_STAT;
	if (!rc && have_base && stat)
		rc = check_stat(&C, result_dir, baseline_dir);
	if (!rc && have_base && !stat)
		rc = check_run_json(&C, result_dir, baseline_dir);
	size_t nd = 0;
	for (size_t i = 0; !rc && have_base && !stat && i < nb; i++)
		if (!has(rl, nr, bl[i]))
			drift(&C, &nd, "%s is in the baseline but not in the results", bl[i]);
	for (size_t i = 0; !rc && have_base && !stat && i < nr; i++)
		if (!has(bl, nb, rl[i]))
			drift(&C, &nd, "%s is new (not in the baseline)", rl[i]);
	for (size_t i = 0; !rc && have_base && !stat && i < nb; i++)
		if (has(rl, nr, bl[i]))
			rc = o->mode == DCS_CHECK_EXACT
				 ? check_bytes(&C, bl[i], result_dir, baseline_dir)
				 : check_csv(&C, bl[i], result_dir, baseline_dir);
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
    "usage: dcisim check RESULT_DIR --baseline DIR [--mode exact|tolerance|stat]\n"
    "                    [--rtol X] [--atol Y] [--alpha A] [--strict] [--accept]\n"
    "\n"
    "Compares every CSV of a result directory (and run.json) with a stored\n"
    "baseline: the same files, columns and rows; numbers agree when\n"
    "|current - baseline| <= atol + rtol * |baseline|, text must be equal.\n"
    "Per-column tolerances: DIR/tolerances.csv with columns file,column,rtol,atol\n"
    "(`*` matches any file or column; the last matching line wins).  run.json's\n"
    "fingerprint (a hash of the ordered event times) is reported first; its\n"
    "wall-clock and host fields and provenance (commit, dirty, build, version,\n"
    "scenario path and hash) are not compared.\n"
    "\n"
    "Modes:\n"
    "  tolerance  (default) as above\n"
    "  exact      every CSV the same bytes (refactors on one machine)\n"
    "  stat       two sweeps of a stochastic scenario: per point and metric, the\n"
    "             replications' means by Welch's t test; pass (the difference's\n"
    "             1-2*alpha confidence interval is within the margin atol + rtol *\n"
    "             |baseline mean|), fail (significant, p < alpha, and beyond the\n"
    "             margin) or inconclusive, with the p-value and effect size\n"
    "\n"
    "  --baseline DIR  the stored results to compare against (required)\n"
    "  --mode M        exact, tolerance (default) or stat\n"
    "  --rtol X        relative tolerance (default 1e-9; stat: 0.05)\n"
    "  --atol Y        absolute tolerance (default 1e-12)\n"
    "  --alpha A       stat: significance level (default 0.05)\n"
    "  --strict        stat: an inconclusive comparison is drift too\n"
    "  --accept        after printing the differences, replace the baseline with\n"
    "                  the results (tolerances.csv is kept); exit 0\n"
    "\n"
    "Exit status: 0 clean (or accepted), 1 drift found, 2 usage error or missing\n"
    "directory, 3 a file could not be read or written.\n";

int dcs_cmd_check(int argc, char **argv)
{
	struct dcs_check_opts o = {.rtol = NAN, .atol = 1e-12};
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
		} else if (!strcmp(a, "--strict")) {
			o.strict = true;
		} else if (!strcmp(a, "--mode") && v) {
			if (!strcmp(v, "exact"))
				o.mode = DCS_CHECK_EXACT;
			else if (!strcmp(v, "tolerance"))
				o.mode = DCS_CHECK_TOLERANCE;
			else if (!strcmp(v, "stat"))
				o.mode = DCS_CHECK_STAT;
			else {
				fprintf(stderr,
					"dcisim check: error: --mode is exact, tolerance or stat, "
					"not '%s'\n",
					v);
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--alpha") && v) {
			if (!dcs_parse_double(v, &o.alpha) || !(o.alpha > 0 && o.alpha < 0.5)) {
				fprintf(
				    stderr,
				    "dcisim check: error: --alpha needs a number in (0, 0.5), not "
				    "'%s'\n",
				    v);
				return 2;
			}
			i++;
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
	if (isnan(o.rtol))
		o.rtol = o.mode == DCS_CHECK_STAT ? 0.05 : 1e-9;
	return dcs_check_dirs(result, baseline, &o, stdout, stderr);
}
