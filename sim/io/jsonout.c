/* JSON documents for the application (include/dcisim/jsonout.h). */
#include "dcisim/jsonout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dcisim/output.h"
#include "dcisim/version.h"

struct dcs_jdoc {
	cJSON *root;
	bool oom;
};

/* Nodes are the cJSON items themselves, seen through an opaque type. */
static cJSON *J(struct dcs_jnode *n)
{
	return (cJSON *)(void *)n;
}

struct dcs_jdoc *dcs_jdoc_create(void)
{
	struct dcs_jdoc *d = calloc(1, sizeof(*d));
	if (d && !(d->root = cJSON_CreateObject())) {
		free(d);
		d = NULL;
	}
	return d;
}

void dcs_jdoc_destroy(struct dcs_jdoc *d)
{
	if (!d)
		return;
	cJSON_Delete(d->root);
	free(d);
}

struct dcs_jnode *dcs_jdoc_root(struct dcs_jdoc *d)
{
	return (struct dcs_jnode *)(void *)d->root;
}

/* Adds item to n (under key for an object); takes item. */
static cJSON *add(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, cJSON *item)
{
	bool ok = false;
	if (item && n) {
		if (key && cJSON_IsObject(J(n)))
			ok = cJSON_AddItemToObject(J(n), key, item);
		else if (!key && cJSON_IsArray(J(n)))
			ok = cJSON_AddItemToArray(J(n), item);
		if (!ok)
			cJSON_Delete(item);
	} else {
		cJSON_Delete(item);
	}
	if (!ok)
		d->oom = true;
	return ok ? item : NULL;
}

void dcs_jnode_str(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, const char *s)
{
	add(d, n, key, cJSON_CreateString(s ? s : ""));
}

void dcs_jnode_num(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, double v)
{
	add(d, n, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

void dcs_jnode_bool(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, bool v)
{
	add(d, n, key, cJSON_CreateBool(v));
}

void dcs_jnode_null(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key)
{
	add(d, n, key, cJSON_CreateNull());
}

struct dcs_jnode *dcs_jnode_object(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key)
{
	return (struct dcs_jnode *)(void *)add(d, n, key, cJSON_CreateObject());
}

struct dcs_jnode *dcs_jnode_array(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key)
{
	return (struct dcs_jnode *)(void *)add(d, n, key, cJSON_CreateArray());
}

void dcs_jnode_provenance(struct dcs_jdoc *d, struct dcs_jnode *n, int64_t started_unix)
{
	static const char commit[] = DCISIM_COMMIT;
	size_t cl = strlen(commit);
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	char started[32] = "";
	time_t t0 = (time_t)started_unix;
	struct tm tm;
	if (started_unix > 0 && gmtime_r(&t0, &tm))
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	dcs_jnode_str(d, n, "version", DCISIM_VERSION);
	dcs_jnode_str(d, n, "commit", commit);
	dcs_jnode_bool(d, n, "dirty", cl >= 6 && strcmp(&commit[cl - 6], "-dirty") == 0);
	dcs_jnode_str(d, n, "build", DCISIM_BUILD_TYPE);
	dcs_jnode_str(d, n, "build_options", DCISIM_BUILD_OPTIONS);
	dcs_jnode_str(d, n, "host", host);
	dcs_jnode_str(d, n, "started_utc", started);
}

int dcs_jdoc_write(struct dcs_jdoc *d, const char *dir, const char *name, FILE *err)
{
	char *text = d->oom ? NULL : cJSON_Print(d->root);
	size_t n = text ? strlen(text) : 0;
	char *nl = text ? realloc(text, n + 2) : NULL;
	if (!nl) {
		free(text);
		fprintf(err, "dcisim: error: out of memory writing %s\n", name);
		return -1;
	}
	nl[n] = '\n';
	nl[n + 1] = '\0';
	int rc = dcs_write_file_atomic(dir, name, nl, n + 1, err);
	free(nl);
	return rc;
}
