#include "dcisim/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dcisim/buf.h"
#include "dcisim/version.h"

int dcs_mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0777);
	free(p);
	if (rc != 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int dcs_write_file_atomic(const char *dir, const char *name, const char *data, size_t len,
			  FILE *err)
{
	size_t plen = strlen(dir) + strlen(name) + 64;
	char *final = malloc(plen), *tmp = malloc(plen);
	if (!final || !tmp) {
		free(final);
		free(tmp);
		fprintf(err, "dcisim: error: out of memory writing %s\n", name);
		return -1;
	}
	snprintf(final, plen, "%s/%s", dir, name);
	snprintf(tmp, plen, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	FILE *fp = fopen(tmp, "wb");
	int rc = -1;
	if (!fp) {
		fprintf(err, "dcisim: error: cannot write %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	bool ok = fwrite(data, 1, len, fp) == len;
	ok = fflush(fp) == 0 && ok;
	ok = fsync(fileno(fp)) == 0 && ok;
	int saved = errno;
	ok = fclose(fp) == 0 && ok;
	if (!ok) {
		fprintf(err, "dcisim: error: cannot write %s: %s\n", final,
			strerror(saved ? saved : errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, final) != 0) {
		fprintf(err, "dcisim: error: cannot rename %s to %s: %s\n", tmp, final,
			strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(final);
	free(tmp);
	return rc;
}

int dcs_write_table(const char *dir, const struct dcs_table *t, FILE *err)
{
	struct dcs_buf b = {0};
	size_t nc = dcs_table_ncols(t), nr = dcs_table_nrows(t);
	const char **cells = malloc((nc ? nc : 1) * sizeof(*cells));
	if (!cells)
		b.oom = true;
	for (size_t c = 0; cells && c < nc; c++)
		cells[c] = dcs_table_col(t, c);
	if (cells)
		dcs_csv_put_row(&b, nc, cells);
	for (size_t r = 0; cells && r < nr; r++) {
		for (size_t c = 0; c < nc; c++)
			cells[c] = dcs_table_cell(t, r, c);
		dcs_csv_put_row(&b, nc, cells);
	}
	free(cells);
	if (b.oom) {
		dcs_buf_free(&b);
		fprintf(err, "dcisim: error: out of memory writing %s\n", dcs_table_file(t));
		return -1;
	}
	int rc = dcs_write_file_atomic(dir, dcs_table_file(t), b.s, b.len, err);
	dcs_buf_free(&b);
	return rc;
}

int dcs_write_run_json(const char *dir, const struct dcs_run_info *ri, FILE *err)
{
	cJSON *o = cJSON_CreateObject();
	/* Each add returns NULL when out of memory: a run.json with a field
	 * missing is never written. */
	bool ok = o != NULL;
	char fp[32];
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)ri->fingerprint);
	static const char commit[] = DCISIM_COMMIT;
	size_t cl = strlen(commit);
	bool dirty = cl >= 6 && strcmp(&commit[cl - 6], "-dirty") == 0;
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	char started[32] = "";
	time_t t0 = (time_t)ri->started_unix;
	struct tm tm;
	if (ri->started_unix > 0 && gmtime_r(&t0, &tm))
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ok = ok && cJSON_AddStringToObject(o, "scenario", ri->scenario);
	ok = ok && cJSON_AddStringToObject(o, "scenario_path",
					   ri->scenario_path ? ri->scenario_path : "");
	ok = ok && cJSON_AddStringToObject(o, "scenario_sha256",
					   ri->scenario_sha256 ? ri->scenario_sha256 : "");
	ok = ok && cJSON_AddNumberToObject(o, "seed", (double)ri->seed);
	ok = ok && cJSON_AddNumberToObject(o, "replication", ri->replication);
	ok = ok && cJSON_AddStringToObject(o, "version", DCISIM_VERSION);
	ok = ok && cJSON_AddStringToObject(o, "commit", DCISIM_COMMIT);
	ok = ok && cJSON_AddBoolToObject(o, "dirty", dirty);
	ok = ok && cJSON_AddStringToObject(o, "build", DCISIM_BUILD_TYPE);
	ok = ok && cJSON_AddStringToObject(o, "build_options", DCISIM_BUILD_OPTIONS);
	ok = ok && cJSON_AddNumberToObject(o, "events", (double)ri->events);
	ok = ok && cJSON_AddNumberToObject(o, "simulated_s", ri->sim_s);
	ok = ok && cJSON_AddStringToObject(o, "fingerprint", fp);
	ok = ok && cJSON_AddBoolToObject(o, "complete", ri->complete);
	if (ri->stop_note)
		ok = ok && cJSON_AddStringToObject(o, "note", ri->stop_note);
	ok = ok && cJSON_AddNumberToObject(o, "peak_pending_events", (double)ri->peak_pending);
	ok = ok && cJSON_AddStringToObject(o, "host", host);
	ok = ok && cJSON_AddStringToObject(o, "started_utc", started);
	ok = ok && cJSON_AddNumberToObject(o, "wall_s", ri->wall_s);
	ok = ok && cJSON_AddNumberToObject(o, "events_per_s",
					   ri->wall_s > 0 ? (double)ri->events / ri->wall_s : 0.0);
	char *text = ok ? cJSON_Print(o) : NULL;
	cJSON_Delete(o);
	char *with_nl = text ? malloc(strlen(text) + 2) : NULL;
	if (!with_nl) {
		free(text);
		fprintf(err, "dcisim: error: out of memory writing run.json\n");
		return -1;
	}
	size_t n = strlen(text);
	memcpy(with_nl, text, n);
	with_nl[n] = '\n';
	int rc = dcs_write_file_atomic(dir, "run.json", with_nl, n + 1, err);
	free(with_nl);
	free(text);
	return rc;
}
