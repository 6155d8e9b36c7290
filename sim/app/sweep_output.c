/*
 * Sweeps: what a finished sweep writes and says (sim/app/sweep.h):
 * sweep.csv in run order, sweep_stats.csv per point and metric (mean, sd,
 * 95 % confidence interval), sweep.json, the runs' messages, and the
 * parameters that changed nothing.  Built from the stored outcomes in index
 * order after all runs are done, so the bytes do not depend on how the runs
 * were spread.
 */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "dcisim/buf.h"
#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/hash.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "run.h"
#include "dcisim/version.h"

/* ---- statistics ------------------------------------------------------- */

void dcs_sweep_ci95(const double *x, size_t n, double *mean, double *sd, double *half)
{
	*mean = n ? gsl_stats_mean(x, 1, n) : NAN;
	*sd = NAN;
	*half = NAN;
	if (n < 2)
		return;
	*sd = gsl_stats_sd_m(x, 1, n, *mean);
	/* Two-sided 95%: the 0.975 quantile of Student's t with n-1 degrees. */
	*half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * *sd / sqrt((double)n);
}

/* ---- tables ----------------------------------------------------------- */

/* Column names in first-seen order, with a hash index (FNV-1a, open
 * addressing) so that long sweeps stay linear in their cells. */
struct colset {
	char **names; /* borrowed from the runs */
	size_t n, cap;
	size_t *slots; /* index + 1, 0 = empty */
	size_t nslots;
};

static long colset_find(const struct colset *cs, const char *name)
{
	if (!cs->nslots)
		return -1;
	for (size_t i = dcs_hash_str(name, 0) & (cs->nslots - 1);; i = (i + 1) & (cs->nslots - 1)) {
		if (!cs->slots[i])
			return -1;
		if (strcmp(cs->names[cs->slots[i] - 1], name) == 0)
			return (long)(cs->slots[i] - 1);
	}
}

static int colset_add(struct colset *cs, char *name)
{
	if (colset_find(cs, name) >= 0)
		return 0;
	if ((cs->n + 1) * 2 > cs->nslots) {
		size_t ns = cs->nslots ? cs->nslots * 2 : 256;
		size_t *sl = calloc(ns, sizeof(size_t));
		char **nm = realloc(cs->names, ns / 2 * sizeof(char *));
		if (!sl || !nm) {
			free(sl);
			if (nm)
				cs->names = nm;
			return -1;
		}
		cs->names = nm;
		for (size_t k = 0; k < cs->n; k++) {
			size_t i = dcs_hash_str(cs->names[k], 0) & (ns - 1);
			while (sl[i])
				i = (i + 1) & (ns - 1);
			sl[i] = k + 1;
		}
		free(cs->slots);
		cs->slots = sl;
		cs->nslots = ns;
	}
	cs->names[cs->n] = name;
	size_t i = dcs_hash_str(name, 0) & (cs->nslots - 1);
	while (cs->slots[i])
		i = (i + 1) & (cs->nslots - 1);
	cs->slots[i] = ++cs->n;
	return 0;
}

/* Appends s to a comma-separated header. */
static int hdr_add(char **h, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 2 > *cap) {
		size_t c = *cap ? *cap : 1024;
		while (c < *len + n + 2)
			c *= 2;
		char *nh = realloc(*h, c);
		if (!nh)
			return -1;
		*h = nh;
		*cap = c;
	}
	if (*len)
		(*h)[(*len)++] = ',';
	memcpy(*h + *len, s, n + 1);
	*len += n;
	return 0;
}

static void status_cell(struct dcs_table *t, const struct dcs_sweep_run *r)
{
	if (r->code == 0)
		dcs_cell_str(t, "ok");
	else
		dcs_cell_fmt(t, "exit %d", r->code);
}

/* Builds both tables in res; 0 or -1 when out of memory. */
static int build_tables(struct dcs_results *res, const struct dcs_sweep *sw,
			const struct dcs_sweep_run *runs)
{
	size_t total = dcs_sweep_n_runs(sw);
	struct colset cs = {0};
	int rc = -1;
	const char **row = NULL;
	double *xs = NULL;
	char *h = NULL;
	size_t hl = 0, hc = 0;
	for (size_t i = 0; i < total; i++)
		for (size_t k = 0; runs[i].done && k < runs[i].n; k++)
			if (colset_add(&cs, runs[i].names[k]) != 0)
				goto out;

	/* sweep.csv */
	bool ok = hdr_add(&h, &hl, &hc, "point") == 0 && hdr_add(&h, &hl, &hc, "replication") == 0;
	for (size_t p = 0; ok && p < sw->n_params; p++)
		ok = hdr_add(&h, &hl, &hc, sw->params[p]) == 0;
	ok = ok && hdr_add(&h, &hl, &hc, "seed") == 0 && hdr_add(&h, &hl, &hc, "status") == 0;
	for (size_t c = 0; ok && c < cs.n; c++)
		ok = hdr_add(&h, &hl, &hc, cs.names[c]) == 0;
	row = calloc(cs.n + 1, sizeof(char *));
	xs = calloc((size_t)sw->replications + 1, sizeof(double));
	if (!ok || !row || !xs)
		goto out;
	struct dcs_table *t = dcs_results_table(res, "sweep.csv", h);
	for (size_t i = 0; i < total; i++) {
		const struct dcs_sweep_run *r = &runs[i];
		if (!r->done)
			continue;
		size_t point = i / (size_t)sw->replications;
		memset(row, 0, cs.n * sizeof(char *));
		for (size_t k = 0; k < r->n; k++)
			row[colset_find(&cs, r->names[k])] = r->values[k];
		dcs_row_begin(t);
		dcs_cell_int(t, (int64_t)point);
		dcs_cell_int(t, (int64_t)(i % (size_t)sw->replications));
		for (size_t p = 0; p < sw->n_params; p++)
			dcs_cell_str(t, dcs_sweep_value(sw, point, p));
		dcs_cell_fmt(t, "%llu", (unsigned long long)dcs_sweep_seed(sw, i));
		status_cell(t, r);
		for (size_t c = 0; c < cs.n; c++)
			dcs_cell_str(t, row[c] ? row[c] : "");
		dcs_row_end(t);
	}

	/* sweep_stats.csv: one row per point and metric that is a number in
	 * every finished replication that has it. */
	hl = 0;
	ok = hdr_add(&h, &hl, &hc, "point") == 0;
	for (size_t p = 0; ok && p < sw->n_params; p++)
		ok = hdr_add(&h, &hl, &hc, sw->params[p]) == 0;
	const char *tail[] = {"metric", "unit", "n", "mean", "sd", "ci95_low", "ci95_high"};
	for (size_t k = 0; ok && k < sizeof(tail) / sizeof(tail[0]); k++)
		ok = hdr_add(&h, &hl, &hc, tail[k]) == 0;
	if (!ok)
		goto out;
	struct dcs_table *st = dcs_results_table(res, "sweep_stats.csv", h);
	const char **cells = calloc((size_t)sw->replications * (cs.n + 1) + 1, sizeof(char *));
	/* Each column's unit, from the first run that has it (summary.csv's
	 * unit column: the same for a metric in every run). */
	const char **units = calloc(cs.n + 1, sizeof(char *));
	if (!cells || !units) {
		free(cells);
		free(units);
		goto out;
	}
	for (size_t i = 0; i < total; i++)
		for (size_t k = 0; runs[i].done && runs[i].units && k < runs[i].n; k++) {
			long c = colset_find(&cs, runs[i].names[k]);
			if (!units[c])
				units[c] = runs[i].units[k];
		}
	for (size_t point = 0; point < sw->n_points; point++) {
		/* cells[rep * ncols + c]: this point's values, NULL when absent. */
		memset(cells, 0, (size_t)sw->replications * (cs.n + 1) * sizeof(char *));
		for (int rep = 0; rep < sw->replications; rep++) {
			const struct dcs_sweep_run *r =
			    &runs[point * (size_t)sw->replications + (size_t)rep];
			if (!r->done || r->code != 0)
				continue;
			for (size_t k = 0; k < r->n; k++)
				cells[(size_t)rep * cs.n + (size_t)colset_find(&cs, r->names[k])] =
				    r->values[k];
		}
		for (size_t c = 0; c < cs.n; c++) {
			size_t n = 0;
			bool numeric = true;
			for (int rep = 0; rep < sw->replications && numeric; rep++) {
				const char *v = cells[(size_t)rep * cs.n + c];
				if (!v)
					continue;
				char *end;
				double x = strtod(v, &end);
				if (!v[0] || *end || !isfinite(x))
					numeric = false;
				else
					xs[n++] = x;
			}
			if (!numeric || n == 0)
				continue;
			double mean, sd, half;
			dcs_sweep_ci95(xs, n, &mean, &sd, &half);
			dcs_row_begin(st);
			dcs_cell_int(st, (int64_t)point);
			for (size_t p = 0; p < sw->n_params; p++)
				dcs_cell_str(st, dcs_sweep_value(sw, point, p));
			dcs_cell_str(st, cs.names[c]);
			dcs_cell_str(st, units[c] ? units[c] : "");
			dcs_cell_int(st, (int64_t)n);
			dcs_cell_num(st, mean);
			if (n < 2) {
				dcs_cell_str(st, "");
				dcs_cell_str(st, "");
				dcs_cell_str(st, "");
			} else {
				dcs_cell_num(st, sd);
				dcs_cell_num(st, mean - half);
				dcs_cell_num(st, mean + half);
			}
			dcs_row_end(st);
		}
	}
	free(cells);
	free(units);
	rc = 0;
out:
	free(h);
	free(row);
	free(xs);
	free(cs.names);
	free(cs.slots);
	return rc;
}

/* Messages from the runs (warnings, failures): each distinct line once, in
 * run order, naming the first run that said it. */
void dcs_sweep_print_messages(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			      FILE *err, int verbosity)
{
	size_t total = dcs_sweep_n_runs(sw), shown = 0, more = 0;
	char **seen = NULL;
	size_t nseen = 0;
	for (size_t i = 0; i < total; i++) {
		const struct dcs_sweep_run *r = &runs[i];
		if (!r->messages || (verbosity < 0 && r->code == 0))
			continue;
		char *copy = strdup(r->messages);
		for (char *line = copy, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			bool dup = false;
			for (size_t k = 0; k < nseen && !dup; k++)
				dup = strcmp(seen[k], line) == 0;
			if (dup)
				continue;
			if (shown == 20) {
				more++;
				continue;
			}
			char **ns = realloc(seen, (nseen + 1) * sizeof(char *));
			if (!ns)
				break;
			seen = ns;
			seen[nseen++] = strdup(line);
			fprintf(err, "%s: run %zu (point %zu, seed %llu): %s\n", sw->path, i,
				i / (size_t)sw->replications,
				(unsigned long long)dcs_sweep_seed(sw, i), line);
			shown++;
		}
		free(copy);
	}
	if (more)
		fprintf(err, "%s: ... and %zu more distinct messages\n", sw->path, more);
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
}

/* ---- parameters that changed nothing ------------------------------------ */

/* Hashes s after h, then a separator, so "ab","c" != "a","bc". */
static uint64_t hash_more(uint64_t h, const char *s)
{
	return dcs_hash64("\x1f", 1, dcs_hash_str(s, h));
}

struct inert_row {
	uint64_t group; /* the other parameters' values and the replication */
	const char *value;
	uint64_t outputs; /* every summary cell of the run */
};

static int cmp_inert(const void *x, const void *y)
{
	const struct inert_row *a = x, *b = y;
	return (a->group > b->group) - (a->group < b->group);
}

bool dcs_sweep_param_inert(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			   size_t param)
{
	size_t total = dcs_sweep_n_runs(sw), n = 0;
	struct inert_row *rows = calloc(total + 1, sizeof(*rows));
	if (!rows)
		return false;
	for (size_t i = 0; i < total; i++) {
		const struct dcs_sweep_run *r = &runs[i];
		if (!r->done || r->code != 0)
			continue;
		size_t point = i / (size_t)sw->replications;
		uint64_t g = 0, out = 0;
		for (size_t p = 0; p < sw->n_params; p++)
			if (p != param)
				g = hash_more(g, dcs_sweep_value(sw, point, p));
		char rep[32];
		snprintf(rep, sizeof(rep), "%zu", i % (size_t)sw->replications);
		g = hash_more(g, rep);
		/* The lift_* figures are what-ifs that depend on every cap, the
		 * idle ones too (a window's size sets how much bandwidth would
		 * make it bind): they are not outcomes. */
		for (size_t k = 0; k < r->n; k++)
			if (strncmp(r->names[k], "lift_", 5) != 0)
				out = hash_more(hash_more(out, r->names[k]), r->values[k]);
		rows[n++] = (struct inert_row){g, dcs_sweep_value(sw, point, param), out};
	}
	qsort(rows, n, sizeof(*rows), cmp_inert);
	/* Inert: at least one group saw two values, and no group saw two
	 * different outputs. */
	bool varied = false, changed = false;
	for (size_t a = 0, b; a < n && !changed; a = b) {
		for (b = a + 1; b < n && rows[b].group == rows[a].group; b++) {
			varied = varied || strcmp(rows[b].value, rows[a].value) != 0;
			changed = changed || rows[b].outputs != rows[a].outputs;
		}
	}
	free(rows);
	return varied && !changed;
}

/* The bottlenecks the runs reported (limited_by[entity] columns), each
 * distinct entity and value once, in first-seen order. */
static void bottlenecks_text(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			     char *buf, size_t len)
{
	size_t total = dcs_sweep_n_runs(sw), used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < total && used + 1 < len; i++) {
		const struct dcs_sweep_run *r = &runs[i];
		for (size_t k = 0; r->done && k < r->n && used + 1 < len; k++) {
			const char *nm = r->names[k];
			if (strncmp(nm, "limited_by[", 11) != 0)
				continue;
			char item[256];
			snprintf(item, sizeof(item), "%.*s %s", (int)(strlen(nm) - 12), nm + 11,
				 r->values[k]);
			if (strstr(buf, item))
				continue;
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "; " : "",
						 item);
		}
	}
	if (used >= len)
		strcpy(buf + len - 4, "...");
}

static void warn_inert(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs, FILE *err)
{
	for (size_t p = 0; p < sw->n_params; p++) {
		if (!dcs_sweep_param_inert(sw, runs, p))
			continue;
		char why[1024];
		bottlenecks_text(sw, runs, why, sizeof(why));
		fprintf(err,
			"%s: warning: %s changed no output: every run gave the same summary "
			"whatever its value; %s%s%s\n",
			sw->path, sw->params[p],
			why[0] ? "what limited the flows (limited_by) was: " : "",
			why[0] ? why : "no flow reported a bottleneck (limited_by)",
			why[0] ? "" : "; is the parameter used by this scenario?");
	}
}

void dcs_sweep_tally(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
		     struct dcs_sweep_info *info, size_t *ndone, size_t *nfailed)
{
	size_t total = dcs_sweep_n_runs(sw), nreused = 0;
	*ndone = *nfailed = 0;
	for (size_t i = 0; i < total; i++) {
		*ndone += runs[i].done;
		*nfailed += runs[i].done && runs[i].code != DCS_EXIT_OK;
		nreused += runs[i].reused;
	}
	info->complete = *ndone == total;
	info->computed = *ndone - nreused;
	info->reused = nreused;
}

int dcs_sweep_finish(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
		     const struct dcs_sweep_opts *o, const struct dcs_sweep_info *info,
		     int interrupted_code, FILE *err)
{
	size_t total = dcs_sweep_n_runs(sw), ndone, nfailed;
	struct dcs_sweep_info in = *info;
	dcs_sweep_tally(sw, runs, &in, &ndone, &nfailed);
	dcs_sweep_print_messages(sw, runs, err, o->verbosity);
	if (o->verbosity >= 0)
		warn_inert(sw, runs, err);
	int code = interrupted_code ? interrupted_code : nfailed ? DCS_EXIT_RUNTIME : DCS_EXIT_OK;
	if (!o->out_dir)
		return code;
	struct dcs_results *res = dcs_results_create();
	if (!res || build_tables(res, sw, runs) != 0) {
		fprintf(err, "dcisim sweep: error: out of memory building sweep.csv\n");
		dcs_results_destroy(res);
		return DCS_EXIT_RUNTIME;
	}
	if (dcs_mkdir_p(o->out_dir) != 0) {
		fprintf(err, "dcisim sweep: error: cannot create %s: %s\n", o->out_dir,
			strerror(errno));
		dcs_results_destroy(res);
		return DCS_EXIT_RUNTIME;
	}
	int wc = 0;
	for (size_t i = 0; i < dcs_results_n_tables(res) && !wc; i++)
		wc = dcs_write_table(o->out_dir, dcs_results_table_at(res, i), err);
	dcs_results_destroy(res);
	if (!wc)
		wc = dcs_sweep_write_json(o->out_dir, sw, &in, ndone, nfailed, err);
	if (wc)
		return DCS_EXIT_RUNTIME;
	if (o->verbosity >= 0) {
		fprintf(err, "dcisim sweep: %s: %zu of %zu runs%s%s (%zu computed, %zu reused",
			sw->name, ndone, total, nfailed ? ", some failed" : "",
			in.complete ? "" : ", incomplete", in.computed, in.reused);
		if (in.stale)
			fprintf(err, "; %zu cached run%s matched no run of this sweep", in.stale,
				in.stale == 1 ? "" : "s");
		fprintf(err, "); results in %s/\n", o->out_dir);
	}
	return code;
}
