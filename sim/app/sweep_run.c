/*
 * Sweeps: one run of a sweep (its scenario at its seed, its summary kept as
 * sweep.csv cells, its own CSVs when asked) and a run's outcome packed for
 * an MPI message (sim/app/sweep.h).
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

/* ---- one run ---------------------------------------------------------- */

void dcs_sweep_run_clear(struct dcs_sweep_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->names[i]);
		free(r->values[i]);
		if (r->units)
			free(r->units[i]);
	}
	free(r->names);
	free(r->values);
	free(r->units);
	free(r->messages);
	*r = (struct dcs_sweep_run){0};
}

/* "metric[entity]"; commas (which would split the CSV header) become ';'. */
static char *column_name(const char *metric, const char *entity, unsigned repeat)
{
	size_t n = strlen(metric) + strlen(entity) + 24;
	char *s = malloc(n);
	if (!s)
		return NULL;
	int k =
	    snprintf(s, n, "%s%s%s%s", metric, entity[0] ? "[" : "", entity, entity[0] ? "]" : "");
	if (repeat > 1)
		snprintf(s + k, n - (size_t)k, "#%u", repeat);
	for (char *p = s; *p; p++)
		if (*p == ',' || *p == '\n' || *p == '\r')
			*p = ';';
	return s;
}

static int take_summary(struct dcs_sweep_run *r, struct dcs_results *res)
{
	struct dcs_table *t = NULL;
	for (size_t i = 0; res && i < dcs_results_n_tables(res); i++)
		if (strcmp(dcs_table_file(dcs_results_table_at(res, i)), "summary.csv") == 0)
			t = dcs_results_table_at(res, i);
	if (!t)
		return 0;
	long cm = -1, ce = -1, cv = -1, cu = -1;
	for (size_t c = 0; c < dcs_table_ncols(t); c++) {
		const char *h = dcs_table_col(t, c);
		if (!strcmp(h, "metric"))
			cm = (long)c;
		else if (!strcmp(h, "entity"))
			ce = (long)c;
		else if (!strcmp(h, "value"))
			cv = (long)c;
		else if (!strcmp(h, "unit"))
			cu = (long)c;
	}
	if (cm < 0 || cv < 0)
		return 0;
	size_t nr = dcs_table_nrows(t);
	r->names = calloc(nr + 1, sizeof(char *));
	r->values = calloc(nr + 1, sizeof(char *));
	r->units = calloc(nr + 1, sizeof(char *));
	if (!r->names || !r->values || !r->units)
		return -1;
	for (size_t i = 0; i < nr; i++) {
		const char *m = dcs_table_cell(t, i, (size_t)cm);
		const char *e = ce >= 0 ? dcs_table_cell(t, i, (size_t)ce) : "";
		/* A metric may repeat for one entity (one row per outage, say). */
		unsigned repeat = 1;
		char *name = column_name(m, e, 1);
		for (size_t j = 0; name && j < r->n; j++) {
			if (strcmp(r->names[j], name) == 0) {
				free(name);
				name = column_name(m, e, ++repeat);
				j = (size_t)-1; /* look again from the start */
			}
		}
		char *val = strdup(dcs_table_cell(t, i, (size_t)cv));
		char *unit = strdup(cu >= 0 ? dcs_table_cell(t, i, (size_t)cu) : "");
		if (!name || !val || !unit) {
			free(name);
			free(val);
			free(unit);
			return -1;
		}
		r->names[r->n] = name;
		r->values[r->n] = val;
		r->units[r->n] = unit;
		r->n++;
	}
	return 0;
}

/* A run written to --runs-dir says which point it is (sweep_point.csv:
 * param,value), so that a report of two runs shows what was swept. */
static void write_point(const struct dcs_sweep *sw, size_t run, const char *dir, FILE *err)
{
	struct dcs_results *res = dcs_results_create();
	if (!res)
		return;
	struct dcs_table *t = dcs_results_table(res, "sweep_point.csv", "param,value");
	size_t point = run / (size_t)sw->replications;
	for (size_t p = 0; p < sw->n_params; p++) {
		dcs_row_begin(t);
		dcs_cell_str(t, sw->params[p]);
		dcs_cell_str(t, dcs_sweep_value(sw, point, p));
		dcs_row_end(t);
	}
	dcs_row_begin(t);
	dcs_cell_str(t, "seed");
	dcs_cell_fmt(t, "%llu", (unsigned long long)dcs_sweep_seed(sw, run));
	dcs_row_end(t);
	/* Written last, so the key says the run's files are all in place. */
	char key[65];
	dcs_sweep_run_key(sw, run, key);
	dcs_row_begin(t);
	dcs_cell_str(t, "run_key");
	dcs_cell_str(t, key);
	dcs_row_end(t);
	FILE *devnull = err ? NULL : fopen("/dev/null", "w");
	dcs_write_table(dir, t, err ? err : devnull ? devnull : stderr);
	if (devnull)
		fclose(devnull);
	dcs_results_destroy(res);
}

void dcs_sweep_run_one(const struct dcs_sweep *sw, size_t run, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *r)
{
	dcs_sweep_run_clear(r);
	size_t point = run / (size_t)sw->replications;
	char dir[4096];
	static const char *const summary_only[] = {"summary.csv", NULL};
	struct dcs_run_opts ro = {
	    .keep_tables = summary_only, /* take_summary() reads no other */
	    .seed_set = true,
	    .seed = dcs_sweep_seed(sw, run),
	    .verbosity = 0,
	    .replication = (int)(run % (size_t)sw->replications),
	};
	if (o->runs_dir) {
		snprintf(dir, sizeof(dir), "%s/%06zu", o->runs_dir, run);
		ro.out_dir = dir;
	}
	char *msgs = NULL;
	size_t msglen = 0;
	FILE *mf = open_memstream(&msgs, &msglen);
	struct dcs_results *res = NULL;
	r->code = dcs_run_scenario(sw->scenarios[point], &ro, &res, mf ? mf : stderr);
	if (mf)
		fclose(mf);
	/* 0 done, 3 a runtime failure or limit: both are outcomes to report.
	 * An interrupted run is not: it is left for a later sweep. */
	r->done = r->code == DCS_EXIT_OK || r->code == DCS_EXIT_RUNTIME;
	if (o->runs_dir && r->done)
		write_point(sw, run, dir, mf ? NULL : stderr);
	if (take_summary(r, res) != 0) {
		r->code = DCS_EXIT_RUNTIME;
		free(msgs);
		msgs = strdup("dcisim: error: out of memory keeping the summary\n");
	}
	dcs_results_destroy(res);
	r->messages = msgs && msgs[0] ? msgs : NULL;
	if (!r->messages)
		free(msgs);
}

/* ---- packing (for MPI) ------------------------------------------------ */

static void pk_u32(struct dcs_buf *p, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	dcs_buf_put(p, b, 4);
}

static void pk_str(struct dcs_buf *p, const char *s)
{
	dcs_buf_put(p, s ? s : "", strlen(s ? s : "") + 1);
}

char *dcs_sweep_run_pack(const struct dcs_sweep_run *r, size_t *len)
{
	struct dcs_buf p = {0};
	dcs_buf_put(&p, "DCSR", 4);
	pk_u32(&p, (uint32_t)r->code);
	pk_u32(&p, r->done ? 1u : 0u);
	pk_u32(&p, (uint32_t)r->n);
	for (size_t i = 0; i < r->n; i++) {
		pk_str(&p, r->names[i]);
		pk_str(&p, r->values[i]);
		pk_str(&p, r->units ? r->units[i] : "");
	}
	pk_str(&p, r->messages);
	if (p.oom) {
		dcs_buf_free(&p);
		return NULL;
	}
	*len = p.len;
	return p.s;
}

static bool up_u32(const char **p, const char *end, uint32_t *v)
{
	if (end - *p < 4)
		return false;
	const unsigned char *b = (const unsigned char *)*p;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	*p += 4;
	return true;
}

static char *up_str(const char **p, const char *end)
{
	const char *z = memchr(*p, '\0', (size_t)(end - *p));
	if (!z)
		return NULL;
	char *s = strdup(*p);
	*p = z + 1;
	return s;
}

int dcs_sweep_run_unpack(const char *buf, size_t len, struct dcs_sweep_run *r)
{
	dcs_sweep_run_clear(r);
	const char *p = buf, *end = buf + len;
	uint32_t code, done, n;
	if (len < 4 || memcmp(p, "DCSR", 4) != 0)
		return -1;
	p += 4;
	if (!up_u32(&p, end, &code) || !up_u32(&p, end, &done) || !up_u32(&p, end, &n))
		return -1;
	/* Each cell takes at least two bytes, which bounds n by the buffer. */
	if (n > len / 2)
		return -1;
	r->code = (int)code;
	r->done = done != 0;
	r->names = calloc((size_t)n + 1, sizeof(char *));
	r->values = calloc((size_t)n + 1, sizeof(char *));
	r->units = calloc((size_t)n + 1, sizeof(char *));
	if (!r->names || !r->values || !r->units)
		goto bad;
	for (uint32_t i = 0; i < n; i++) {
		r->names[i] = up_str(&p, end);
		r->values[i] = r->names[i] ? up_str(&p, end) : NULL;
		r->units[i] = r->values[i] ? up_str(&p, end) : NULL;
		if (r->names[i])
			r->n++;
		if (!r->names[i] || !r->values[i] || !r->units[i])
			goto bad;
	}
	char *m = up_str(&p, end);
	if (!m || p != end) {
		free(m);
		goto bad;
	}
	if (m[0])
		r->messages = m;
	else
		free(m);
	return 0;
bad:
	dcs_sweep_run_clear(r);
	return -1;
}
