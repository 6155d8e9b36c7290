/*
 * dcisim check, tolerance mode (check.h): a CSV's rows paired by their key
 * columns and compared cell by cell under the tolerances, and run.json key
 * by key (its wall-clock, host and provenance keys aside).
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

/* run.json keys that say when, where and how a run was made, not what it
 * computed: wall clock and host (never shown), provenance (shown when it
 * differs). */
static const char *const wall_keys[] = {"wall_s", "events_per_s", "host", "started_utc"};
static const char *const provenance_keys[] = {
    "commit", "dirty", "build", "build_options", "version", "scenario_path", "scenario_sha256"};
#define N_WALL       (sizeof(wall_keys) / sizeof(wall_keys[0]))
#define N_PROVENANCE (sizeof(provenance_keys) / sizeof(provenance_keys[0]))

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
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
	if (!d || d->better == DCS_BETTER_NEUTRAL || !dcs_csv_num(vb, &b) || !dcs_csv_num(vc, &c) ||
	    b == c)
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
			chk_drift(C, nd,
				  "%s row %zu (%s) is in the baseline but not in the results", file,
				  kb[i].row + 1, key);
			i++;
		} else {
			row_key(c, kc[j].row, nkey, key, sizeof(key));
			chk_drift(C, nd, "%s row %zu (%s) is new (not in the baseline)", file,
				  kc[j].row + 1, key);
			j++;
		}
	}
	free_keyed(kb, b->nrows);
	free_keyed(kc, c->nrows);
	qsort(*out, np, sizeof(**out), cmp_pair);
	return np;
}

int chk_csv(struct checker *C, const char *file, const char *rdir, const char *bdir)
{
	char pb[4096], pr[4096], msg[600];
	snprintf(pb, sizeof(pb), "%s/%s", bdir, file);
	snprintf(pr, sizeof(pr), "%s/%s", rdir, file);
	struct dcs_csv *b = dcs_csv_read_file(pb, NULL, msg, sizeof(msg));
	if (!b) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		return DCS_EXIT_RUNTIME;
	}
	struct dcs_csv *c = dcs_csv_read_file(pr, NULL, msg, sizeof(msg));
	if (!c) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		dcs_csv_free(b);
		return DCS_EXIT_RUNTIME;
	}
	C->files++;
	size_t nd = 0;
	/* Columns: matched by name; a missing, new or moved column is drift. */
	long *map = calloc(b->ncols + 1, sizeof(long));
	if (!map) {
		dcs_csv_free(b);
		dcs_csv_free(c);
		return DCS_EXIT_RUNTIME;
	}
	bool moved = false;
	for (size_t i = 0; i < b->ncols; i++) {
		map[i] = dcs_csv_col(c, b->header[i]);
		if (map[i] < 0)
			chk_drift(C, &nd, "%s: column %s is in the baseline but not in the results",
				  file, b->header[i]);
		else if ((size_t)map[i] != i)
			moved = true;
	}
	for (size_t i = 0; i < c->ncols; i++)
		if (dcs_csv_col(b, c->header[i]) < 0)
			chk_drift(C, &nd, "%s: column %s is new (not in the baseline)", file,
				  c->header[i]);
	if (moved)
		chk_drift(C, &nd, "%s: the columns are in a different order", file);
	if (b->nrows != c->nrows)
		chk_drift(C, &nd, "%s: %zu rows in the baseline, %zu in the results", file,
			  b->nrows, c->nrows);
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
			chk_tolerance_for(C, file, b->header[i], &rtol, &atol);
			const struct dcs_metric_def *d = summary_metric(C, file, b, rb);
			if (d && (d->kind == DCS_METRIC_SETTING || d->kind == DCS_METRIC_LABEL))
				rtol = atol = 0; /* an input or a word: it matches or not */
			char rel[32];
			C->cells++;
			if (cell_agrees(vb, vc, rtol, atol, rel, sizeof(rel)))
				continue;
			char key[512];
			row_key(b, rb, nkey, key, sizeof(key));
			chk_drift(C, &nd,
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
	return DCS_EXIT_OK;
}

int chk_run_json(struct checker *C, const char *rdir, const char *bdir)
{
	char pb[4096], pr[4096], msg[600];
	snprintf(pb, sizeof(pb), "%s/run.json", bdir);
	snprintf(pr, sizeof(pr), "%s/run.json", rdir);
	bool hb = access(pb, F_OK) == 0, hr = access(pr, F_OK) == 0;
	size_t nd = 0;
	if (!hb && !hr)
		return DCS_EXIT_OK;
	if (hb != hr) {
		chk_drift(C, &nd, "run.json is %s",
			  hb ? "in the baseline but not in the results"
			     : "new (not in the baseline)");
		return DCS_EXIT_OK;
	}
	struct dcs_kv *b = dcs_kv_read_json(pb, msg, sizeof(msg));
	struct dcs_kv *c = b ? dcs_kv_read_json(pr, msg, sizeof(msg)) : NULL;
	if (!b || !c) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		dcs_kv_free(b);
		return DCS_EXIT_RUNTIME;
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
			chk_drift(C, &nd,
				  "run.json key %s is in the baseline but not in the results", k);
			continue;
		}
		double rtol, atol;
		chk_tolerance_for(C, "run.json", k, &rtol, &atol);
		char rel[32];
		C->cells++;
		if (!cell_agrees(b->vals[i], vc, rtol, atol, rel, sizeof(rel)))
			chk_drift(
			    C, &nd,
			    "run.json key %s: baseline %s, current %s, relative difference %s", k,
			    b->vals[i], vc, rel);
	}
	for (size_t i = 0; i < c->n; i++)
		if (!dcs_kv_get(b, c->keys[i]) && !in_list(c->keys[i], wall_keys, N_WALL) &&
		    !in_list(c->keys[i], provenance_keys, N_PROVENANCE))
			chk_drift(C, &nd, "run.json key %s is new (not in the baseline)",
				  c->keys[i]);
	dcs_kv_free(b);
	dcs_kv_free(c);
	return DCS_EXIT_OK;
}
