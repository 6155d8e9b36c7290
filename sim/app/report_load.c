/* The comparison report: reading a result directory (compare.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"

/* ---- loading ------------------------------------------------------------ */

static bool exists(const char *dir, const char *file)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

struct dcs_csv *rep_read_csv(const char *dir, const char *file, const char *cmd, FILE *err)
{
	if (!exists(dir, file))
		return NULL;
	char p[4096], msg[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	struct dcs_csv *t = dcs_csv_read_file(p, NULL, msg, sizeof(msg));
	if (!t)
		fprintf(err, "dcisim %s: warning: %s; left out of the report\n", cmd, msg);
	return t;
}

static struct dcs_kv *maybe_json(const char *dir, const char *file, FILE *err)
{
	if (!exists(dir, file))
		return NULL;
	char p[4096], msg[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	struct dcs_kv *kv = dcs_kv_read_json(p, msg, sizeof(msg));
	if (!kv)
		fprintf(err, "dcisim compare: warning: %s; left out of the report\n", msg);
	return kv;
}

static void load_scenario(struct rdir *d, const char *path)
{
	char msg[256];
	size_t len = 0;
	char *text = path && *path ? dcs_read_file(path, &len) : NULL;
	if (!text && path && strcmp(path, "default.json") == 0) {
		/* The bundled default runs from the copy compiled into dcisim. */
		d->scenario = dcs_kv_flatten_json(dcs_default_scenario,
						  strlen(dcs_default_scenario), msg, sizeof(msg));
		return;
	}
	if (!text) {
		char note[600];
		snprintf(note, sizeof(note), "scenario file %s not found from here",
			 path && *path ? path : "(none recorded)");
		d->scenario_note = strdup(note);
		return;
	}
	d->scenario = dcs_kv_flatten_json(text, len, msg, sizeof(msg));
	free(text);
}

void rep_free_dir(struct rdir *d)
{
	dcs_kv_free(d->run);
	dcs_kv_free(d->sweep);
	dcs_kv_free(d->scenario);
	free(d->scenario_note);
	dcs_csv_free(d->summary);
	dcs_csv_free(d->migrations);
	dcs_csv_free(d->storage);
	dcs_csv_free(d->links);
	dcs_csv_free(d->paths);
	dcs_csv_free(d->stats);
}

/* Sets a key's value, appending the key when it is new. */
static int kv_set(struct dcs_kv *kv, const char *key, const char *val)
{
	char *v = strdup(val);
	if (!v)
		return -1;
	for (size_t i = 0; i < kv->n; i++) {
		if (strcmp(kv->keys[i], key) == 0) {
			free(kv->vals[i]);
			kv->vals[i] = v;
			kv->is_num[i] = false;
			return 0;
		}
	}
	char *k = strdup(key);
	char **nk = realloc(kv->keys, (kv->n + 1) * sizeof(char *));
	if (nk)
		kv->keys = nk;
	char **nv = realloc(kv->vals, (kv->n + 1) * sizeof(char *));
	if (nv)
		kv->vals = nv;
	bool *ni = realloc(kv->is_num, (kv->n + 1) * sizeof(bool));
	if (ni)
		kv->is_num = ni;
	double *nn = realloc(kv->num, (kv->n + 1) * sizeof(double));
	if (nn)
		kv->num = nn;
	if (!k || !nk || !nv || !ni || !nn) {
		free(k);
		free(v);
		return -1;
	}
	kv->keys[kv->n] = k;
	kv->vals[kv->n] = v;
	kv->is_num[kv->n] = false;
	kv->num[kv->n] = 0;
	kv->n++;
	return 0;
}

int rep_load_dir(struct rdir *d, FILE *err)
{
	struct stat st;
	if (stat(d->path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(err, "dcisim compare: error: %s: not a directory\n", d->path);
		return DCS_EXIT_USAGE;
	}
	d->run = maybe_json(d->path, "run.json", err);
	d->sweep = maybe_json(d->path, "sweep.json", err);
	d->summary = rep_read_csv(d->path, "summary.csv", "compare", err);
	d->migrations = rep_read_csv(d->path, "migrations.csv", "compare", err);
	d->storage = rep_read_csv(d->path, "storage.csv", "compare", err);
	d->links = rep_read_csv(d->path, "links.csv", "compare", err);
	d->paths = rep_read_csv(d->path, "paths.csv", "compare", err);
	d->stats = rep_read_csv(d->path, "sweep_stats.csv", "compare", err);
	d->is_sweep = d->sweep || d->stats;
	if (!d->run && !d->summary && !d->is_sweep) {
		fprintf(err,
			"dcisim compare: error: %s: not a dcisim result directory (no run.json, "
			"summary.csv or sweep.json)\n",
			d->path);
		return DCS_EXIT_USAGE;
	}
	if (d->is_sweep)
		load_scenario(d, dcs_kv_get(d->sweep, "base"));
	else
		load_scenario(d, dcs_kv_get(d->run, "scenario_path"));
	/* A run of a sweep (--runs-dir): its point's values replace the base's. */
	struct dcs_csv *pt = rep_read_csv(d->path, "sweep_point.csv", "compare", err);
	long cp = pt ? dcs_csv_col(pt, "param") : -1, cv = pt ? dcs_csv_col(pt, "value") : -1;
	for (size_t r = 0; d->scenario && cp >= 0 && cv >= 0 && r < pt->nrows; r++)
		if (kv_set(d->scenario, dcs_csv_cell(pt, r, (size_t)cp),
			   dcs_csv_cell(pt, r, (size_t)cv)) != 0)
			break;
	dcs_csv_free(pt);
	return DCS_EXIT_OK;
}
