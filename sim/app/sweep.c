/*
 * Sweeps: running the runs of a loaded sweep (on threads here, on MPI ranks
 * in sweep_mpi.c) and turning their outcomes into sweep.csv and
 * sweep_stats.csv.  The contract is in sim/app/sweep.h.
 *
 * Determinism: a run's outcome depends only on its scenario and seed, and
 * is stored at its run index; the tables are built from the stored outcomes
 * in index order after all runs are done, so neither the number of workers
 * nor the order in which they finish can change a byte of the CSVs.
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

#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "run.h"
#include "dcisim/version.h"

double dcs_sweep_wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

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
	struct dcs_run_opts ro = {
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
	r->done = r->code == 0 || r->code == 3;
	if (o->runs_dir && r->done)
		write_point(sw, run, dir, mf ? NULL : stderr);
	if (take_summary(r, res) != 0) {
		r->code = 3;
		free(msgs);
		msgs = strdup("dcisim: error: out of memory keeping the summary\n");
	}
	dcs_results_destroy(res);
	r->messages = msgs && msgs[0] ? msgs : NULL;
	if (!r->messages)
		free(msgs);
}

/* ---- packing (for MPI) ------------------------------------------------ */

struct pk {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void pk_put(struct pk *p, const void *d, size_t n)
{
	if (p->oom)
		return;
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 1024;
		while (cap < p->len + n)
			cap *= 2;
		char *b = realloc(p->buf, cap);
		if (!b) {
			p->oom = true;
			return;
		}
		p->buf = b;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, d, n);
	p->len += n;
}

static void pk_u32(struct pk *p, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	pk_put(p, b, 4);
}

static void pk_str(struct pk *p, const char *s)
{
	pk_put(p, s ? s : "", strlen(s ? s : "") + 1);
}

char *dcs_sweep_run_pack(const struct dcs_sweep_run *r, size_t *len)
{
	struct pk p = {0};
	pk_put(&p, "DCSR", 4);
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
		free(p.buf);
		return NULL;
	}
	*len = p.len;
	return p.buf;
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

/* ---- the cache of finished runs ----------------------------------------- */

#define RECORD_MAGIC "dcisim sweep run 1\nkey "

void dcs_sweep_run_key(const struct dcs_sweep *sw, size_t run, char key[65])
{
	size_t point = run / (size_t)sw->replications;
	char buf[512];
	int n =
	    snprintf(buf, sizeof(buf), "dcisim-run 1\nscenario %s\nseed %llu\nversion %s %s\n",
		     sw->scenarios[point]->text_sha256, (unsigned long long)dcs_sweep_seed(sw, run),
		     DCISIM_VERSION, DCISIM_COMMIT);
	dcs_sha256_hex(buf, (size_t)n, key);
}

static void cache_dir(const struct dcs_sweep_opts *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s/cache", o->out_dir);
}

/* A record's file name is its key and ".run". */
static bool is_record(const char *name)
{
	size_t n = strlen(name);
	if (n != 64 + 4 || strcmp(name + 64, ".run") != 0)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

/* What a writer killed before its rename left behind. */
static bool is_leftover(const char *name)
{
	return name[0] == '.' && strstr(name, ".run.tmp.") != NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* With --runs-dir a reused run must still have its files: its
 * sweep_point.csv, written after them, names its key. */
static bool run_dir_has_key(const struct dcs_sweep_opts *o, size_t run, const char *key)
{
	char path[4200], msg[256];
	snprintf(path, sizeof(path), "%s/%06zu/sweep_point.csv", o->runs_dir, run);
	struct dcs_csv *t = dcs_csv_read_file(path, NULL, msg, sizeof(msg));
	long cp = t ? dcs_csv_col(t, "param") : -1, cv = t ? dcs_csv_col(t, "value") : -1;
	bool ok = false;
	for (size_t r = 0; cp >= 0 && cv >= 0 && r < t->nrows && !ok; r++)
		ok = strcmp(dcs_csv_cell(t, r, (size_t)cp), "run_key") == 0 &&
		     strcmp(dcs_csv_cell(t, r, (size_t)cv), key) == 0;
	dcs_csv_free(t);
	return ok;
}

/* Reads a record back; false when it is missing, damaged or not a
 * successful run. */
static bool cache_load(const char *dir, const char *key, struct dcs_sweep_run *r)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s.run", dir, key);
	size_t len = 0;
	char *data = dcs_read_file(path, &len);
	size_t hl = strlen(RECORD_MAGIC);
	bool ok = data && len > hl + 65 && memcmp(data, RECORD_MAGIC, hl) == 0 &&
		  memcmp(data + hl, key, 64) == 0 && data[hl + 64] == '\n' &&
		  dcs_sweep_run_unpack(data + hl + 65, len - hl - 65, r) == 0 && r->done &&
		  r->code == 0;
	free(data);
	if (!ok)
		dcs_sweep_run_clear(r);
	r->reused = ok;
	return ok;
}

long dcs_sweep_cache_prepare(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			     struct dcs_sweep_run *runs, size_t *stale, FILE *err)
{
	*stale = 0;
	if (!o->out_dir)
		return 0;
	char dir[4096];
	cache_dir(o, dir, sizeof(dir));
	DIR *dp = opendir(dir);
	if (!dp)
		return 0; /* nothing cached yet */
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool oom = false;
	for (struct dirent *e; (e = readdir(dp));) {
		if (is_leftover(e->d_name) && (o->resume || o->force)) {
			char p[4400];
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
			continue;
		}
		if (!is_record(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			char **nn = realloc(names, cap * sizeof(char *));
			if (!nn) {
				oom = true;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name))) {
			oom = true;
			break;
		}
		n++;
	}
	closedir(dp);
	long reused = 0;
	if (oom) {
		fprintf(err, "dcisim sweep: error: out of memory reading %s\n", dir);
		reused = -1;
	} else if (n > 0 && !o->resume && !o->force) {
		fprintf(err,
			"dcisim: error: %s holds %zu cached run%s of an earlier sweep or plan "
			"into this directory; pass --resume to reuse those that match and run the "
			"rest, or --force to delete them and run everything (nothing run)\n",
			dir, n, n == 1 ? "" : "s");
		reused = -1;
	} else if (o->force) {
		for (size_t i = 0; i < n; i++) {
			char p[4400];
			snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
			if (unlink(p) != 0 && errno != ENOENT) {
				fprintf(err, "dcisim sweep: error: cannot remove %s: %s\n", p,
					strerror(errno));
				reused = -1;
				break;
			}
		}
	} else if (n > 0) {
		qsort(names, n, sizeof(char *), cmp_name);
		bool *used = calloc(n, sizeof(bool));
		size_t total = dcs_sweep_n_runs(sw);
		for (size_t i = 0; used && i < total; i++) {
			char key[65], name[72];
			dcs_sweep_run_key(sw, i, key);
			snprintf(name, sizeof(name), "%s.run", key);
			const char *pn = name;
			char **hit = bsearch(&pn, names, n, sizeof(char *), cmp_name);
			if (!hit || (o->runs_dir && !run_dir_has_key(o, i, key)))
				continue;
			if (cache_load(dir, key, &runs[i])) {
				used[hit - names] = true;
				reused++;
			}
		}
		for (size_t k = 0; used && k < n; k++)
			*stale += !used[k];
		if (!used) {
			fprintf(err, "dcisim sweep: error: out of memory reading %s\n", dir);
			reused = -1;
		}
		free(used);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return reused;
}

void dcs_sweep_cache_store(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o, size_t run,
			   const struct dcs_sweep_run *r, FILE *err)
{
	if (!o->out_dir || o->cache_readonly || !r->done || r->code != 0 || r->reused)
		return;
	char dir[4096], key[65], name[72];
	cache_dir(o, dir, sizeof(dir));
	dcs_sweep_run_key(sw, run, key);
	snprintf(name, sizeof(name), "%s.run", key);
	size_t plen = 0;
	char *packed = dcs_sweep_run_pack(r, &plen);
	size_t hl = strlen(RECORD_MAGIC);
	char *data = packed ? malloc(hl + 65 + plen) : NULL;
	if (!data) {
		fprintf(err, "dcisim sweep: error: out of memory caching run %zu\n", run);
		free(packed);
		return;
	}
	memcpy(data, RECORD_MAGIC, hl);
	memcpy(data + hl, key, 64);
	data[hl + 64] = '\n';
	memcpy(data + hl + 65, packed, plen);
	if (dcs_mkdir_p(dir) != 0)
		fprintf(err, "dcisim sweep: error: cannot create %s: %s\n", dir, strerror(errno));
	else
		dcs_write_file_atomic(dir, name, data, hl + 65 + plen, err);
	free(data);
	free(packed);
}

/* ---- progress --------------------------------------------------------- */

void dcs_sweep_progress_init(struct dcs_sweep_progress *p, bool on, size_t total)
{
	p->on = on && isatty(fileno(stderr));
	p->total = total;
	p->t0 = p->last = dcs_sweep_wall_now();
}

void dcs_sweep_progress_show(struct dcs_sweep_progress *p, size_t done, bool final)
{
	if (!p->on)
		return;
	double now = dcs_sweep_wall_now();
	if (!final && now - p->last < 0.2)
		return;
	p->last = now;
	double el = now - p->t0;
	double rate = el > 0 ? (double)done / el : 0;
	char eta[32] = "?";
	if (rate > 0)
		snprintf(eta, sizeof(eta), "%.0f s", (double)(p->total - done) / rate);
	fprintf(stderr, "\rsweep: %zu/%zu runs, %.1f runs/s, ETA %s   %s", done, p->total, rate,
		final ? "0 s" : eta, final ? "\n" : "");
	fflush(stderr);
}

/* ---- local execution -------------------------------------------------- */

struct dcs_sweep_pool {
	const struct dcs_sweep *sw;
	const struct dcs_sweep_opts *o;
	struct dcs_sweep_run *runs;
	size_t total, next, finished;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t *th;
	unsigned started;
};

static long pool_next(struct dcs_sweep_pool *P)
{
	long i = -1;
	pthread_mutex_lock(&P->mu);
	/* Runs read back from the cache count as finished at once. */
	while (P->next < P->total && P->runs[P->next].reused) {
		P->next++;
		P->finished++;
	}
	if (P->next < P->total && !dcs_run_interrupted())
		i = (long)P->next++;
	pthread_mutex_unlock(&P->mu);
	return i;
}

static void *worker(void *arg)
{
	struct dcs_sweep_pool *P = arg;
	for (long i; (i = pool_next(P)) >= 0;) {
		dcs_sweep_run_one(P->sw, (size_t)i, P->o, &P->runs[i]);
		dcs_sweep_cache_store(P->sw, P->o, (size_t)i, &P->runs[i], stderr);
		dcs_sweep_pool_done(P);
	}
	return NULL;
}

struct dcs_sweep_pool *dcs_sweep_pool_start(const struct dcs_sweep *sw,
					    const struct dcs_sweep_opts *o,
					    struct dcs_sweep_run *runs, unsigned threads)
{
	struct dcs_sweep_pool *P = calloc(1, sizeof(*P));
	if (!P)
		return NULL;
	*P = (struct dcs_sweep_pool){.sw = sw, .o = o, .runs = runs, .total = dcs_sweep_n_runs(sw)};
	pthread_mutex_init(&P->mu, NULL);
	pthread_cond_init(&P->cv, NULL);
	if (threads > P->total)
		threads = (unsigned)P->total;
	P->th = calloc(threads ? threads : 1, sizeof(*P->th));
	for (unsigned j = 0; P->th && j < threads; j++) {
		if (pthread_create(&P->th[j], NULL, worker, P) != 0)
			break;
		P->started++;
	}
	return P;
}

long dcs_sweep_pool_take(struct dcs_sweep_pool *P)
{
	return pool_next(P);
}

void dcs_sweep_pool_done(struct dcs_sweep_pool *P)
{
	pthread_mutex_lock(&P->mu);
	P->finished++;
	pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
}

size_t dcs_sweep_pool_wait(struct dcs_sweep_pool *P, double seconds)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long ns = (long)(seconds * 1e9);
	ts.tv_sec += ns / 1000000000L;
	ts.tv_nsec += ns % 1000000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&P->mu);
	pthread_cond_timedwait(&P->cv, &P->mu, &ts);
	size_t f = P->finished;
	pthread_mutex_unlock(&P->mu);
	return f;
}

bool dcs_sweep_pool_idle(struct dcs_sweep_pool *P)
{
	pthread_mutex_lock(&P->mu);
	bool idle = P->finished == P->next && (P->next == P->total || dcs_run_interrupted());
	pthread_mutex_unlock(&P->mu);
	return idle;
}

size_t dcs_sweep_pool_join(struct dcs_sweep_pool *P)
{
	if (!P)
		return 0;
	for (unsigned j = 0; j < P->started; j++)
		pthread_join(P->th[j], NULL);
	size_t f = P->finished;
	free(P->th);
	pthread_cond_destroy(&P->cv);
	pthread_mutex_destroy(&P->mu);
	free(P);
	return f;
}

int dcs_sweep_interrupt_code(void)
{
	int s = dcs_run_interrupted();
	return s == 0 ? 0 : s == SIGTERM ? 143 : 130;
}

int dcs_sweep_run_local(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			struct dcs_sweep_run *runs)
{
	struct dcs_sweep_progress prog;
	dcs_sweep_progress_init(&prog, o->progress, dcs_sweep_n_runs(sw));
	struct dcs_sweep_pool *P = dcs_sweep_pool_start(sw, o, runs, o->jobs ? o->jobs : 1);
	if (!P) {
		fprintf(stderr, "dcisim: error: out of memory starting the runs\n");
		return 3;
	}
	if (P->started == 0) {
		worker(P); /* no thread to be had: run them here */
	} else {
		while (!dcs_sweep_pool_idle(P))
			dcs_sweep_progress_show(&prog, dcs_sweep_pool_wait(P, 0.2), false);
	}
	dcs_sweep_progress_show(&prog, dcs_sweep_pool_join(P), true);
	return dcs_sweep_interrupt_code();
}

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

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static long colset_find(const struct colset *cs, const char *name)
{
	if (!cs->nslots)
		return -1;
	for (size_t i = fnv(name) & (cs->nslots - 1);; i = (i + 1) & (cs->nslots - 1)) {
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
			size_t i = fnv(cs->names[k]) & (ns - 1);
			while (sl[i])
				i = (i + 1) & (ns - 1);
			sl[i] = k + 1;
		}
		free(cs->slots);
		cs->slots = sl;
		cs->nslots = ns;
	}
	cs->names[cs->n] = name;
	size_t i = fnv(name) & (cs->nslots - 1);
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
static void print_messages(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs, FILE *err,
			   int verbosity)
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

static uint64_t fnv_more(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0x1f) * 1099511628211ull; /* a separator, so "ab","c" != "a","bc" */
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
		uint64_t g = 1469598103934665603ull, out = g;
		for (size_t p = 0; p < sw->n_params; p++)
			if (p != param)
				g = fnv_more(g, dcs_sweep_value(sw, point, p));
		char rep[32];
		snprintf(rep, sizeof(rep), "%zu", i % (size_t)sw->replications);
		g = fnv_more(g, rep);
		/* The lift_* figures are what-ifs that depend on every cap, the
		 * idle ones too (a window's size sets how much bandwidth would
		 * make it bind): they are not outcomes. */
		for (size_t k = 0; k < r->n; k++)
			if (strncmp(r->names[k], "lift_", 5) != 0)
				out = fnv_more(fnv_more(out, r->names[k]), r->values[k]);
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

int dcs_sweep_finish(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
		     const struct dcs_sweep_opts *o, const struct dcs_sweep_info *info,
		     int interrupted_code, FILE *err)
{
	size_t total = dcs_sweep_n_runs(sw), ndone = 0, nfailed = 0, nreused = 0;
	for (size_t i = 0; i < total; i++) {
		ndone += runs[i].done;
		nfailed += runs[i].done && runs[i].code != 0;
		nreused += runs[i].reused;
	}
	print_messages(sw, runs, err, o->verbosity);
	if (o->verbosity >= 0)
		warn_inert(sw, runs, err);
	int code = interrupted_code ? interrupted_code : nfailed ? 3 : 0;
	if (!o->out_dir)
		return code;
	struct dcs_results *res = dcs_results_create();
	if (!res || build_tables(res, sw, runs) != 0) {
		fprintf(err, "dcisim sweep: error: out of memory building sweep.csv\n");
		dcs_results_destroy(res);
		return 3;
	}
	if (dcs_mkdir_p(o->out_dir) != 0) {
		fprintf(err, "dcisim sweep: error: cannot create %s: %s\n", o->out_dir,
			strerror(errno));
		dcs_results_destroy(res);
		return 3;
	}
	int wc = 0;
	for (size_t i = 0; i < dcs_results_n_tables(res) && !wc; i++)
		wc = dcs_write_table(o->out_dir, dcs_results_table_at(res, i), err);
	dcs_results_destroy(res);
	struct dcs_sweep_info in = *info;
	in.complete = ndone == total;
	in.computed = ndone - nreused;
	in.reused = nreused;
	if (!wc)
		wc = dcs_sweep_write_json(o->out_dir, sw, &in, ndone, nfailed, err);
	if (wc)
		return 3;
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

int dcs_sweep_launched_ranks(void)
{
	const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return atoi(v) > 0 ? atoi(v) : -1;
	}
	/* srun --mpi=pmix sets a rank but not always a size. */
	if (getenv("PMIX_RANK"))
		return -1;
	return 0;
}
