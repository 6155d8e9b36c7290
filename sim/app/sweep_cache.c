/*
 * Sweeps: the cache of finished runs (sim/app/sweep.h), keyed by the SHA-256
 * of the run's scenario, seed and dcisim version, so that --resume reuses
 * exactly the runs that would give the same outcome.
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
			"dcisim: error: %s holds %zu cached run%s of an earlier sweep, plan or survive "
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
		dcs_write_file_replace(dir, name, data, hl + 65 + plen, err);
	free(data);
	free(packed);
}
