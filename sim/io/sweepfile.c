/*
 * Sweep files (SPEC §2): parsing, expansion of the grid into points, and
 * validation of every point's scenario before anything runs.  The contract
 * is in include/dcisim/sweepfile.h.
 *
 * Each point's scenario is the base scenario's JSON tree with the point's
 * values set at their paths, printed and loaded with the ordinary scenario
 * loader, so a sweep cannot accept a value that a scenario file would
 * refuse.  The loader's messages name the generated text; they are
 * re-anchored on the sweep file's grid key that made the point, and the
 * same message from many points is printed once with a count.
 */
#include "dcisim/sweepfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "basefile.h"

#define MAX_POINT_ERRORS 50

/* One swept parameter: its path, where it is in the sweep file, its list. */
struct param {
	const char *path;
	const cJSON *key_node; /* the member, for positions */
	const cJSON *list;
	const char *section; /* "grid" or "zip" */
	struct bf_path bp;
};

struct point_error {
	size_t param;
	char *msg;
	size_t first_point;
	size_t count;
};

static char *xstrdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void dcs_sweep_free(struct dcs_sweep *sw)
{
	if (!sw)
		return;
	for (size_t i = 0; sw->params && i < sw->n_params; i++)
		free(sw->params[i]);
	for (size_t i = 0; sw->values && i < sw->n_points * sw->n_params; i++)
		free(sw->values[i]);
	for (size_t i = 0; sw->scenarios && i < sw->n_points; i++)
		dcs_scenario_free(sw->scenarios[i]);
	free(sw->params);
	free(sw->values);
	free(sw->scenarios);
	free(sw->path);
	free(sw->name);
	free(sw->description);
	free(sw->base_path);
	free(sw);
}

uint64_t dcs_sweep_seed(const struct dcs_sweep *sw, size_t run)
{
	size_t point = run / (size_t)sw->replications;
	return sw->scenarios[point]->seed + (uint64_t)(run % (size_t)sw->replications);
}

static char *value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return cJSON_PrintUnformatted(v);
}

/* Which parameter a loader message about `path` is about: the one whose path
 * is a prefix of it (or that it is a prefix of), else the one sharing the
 * longest prefix, else the first. */
static size_t blame(const struct param *prs, size_t n, const char *path)
{
	size_t best = 0, bestlen = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = prs[i].path;
		size_t lp = strlen(p), la = strlen(path);
		if (strncmp(path, p, lp) == 0 &&
		    (path[lp] == '\0' || path[lp] == '.' || path[lp] == '['))
			return i;
		if (strncmp(p, path, la) == 0 && (p[la] == '.' || p[la] == '['))
			return i;
		size_t k = 0;
		while (p[k] && p[k] == path[k])
			k++;
		if (k > bestlen) {
			bestlen = k;
			best = i;
		}
	}
	return best;
}

/* Files one loader message ("LABEL:L:C: error: PATH: text") for a point. */
static void note_point_error(struct point_error *pe, size_t *npe, const struct param *prs,
			     size_t nprs, size_t point, const char *line)
{
	const char *m = strstr(line, ": error: ");
	if (!m)
		return;
	m += strlen(": error: ");
	const char *colon = strstr(m, ": ");
	char path[512] = "";
	if (!colon)
		return; /* "too many errors" and the like: no path, nothing to blame */
	if ((size_t)(colon - m) < sizeof(path)) {
		memcpy(path, m, (size_t)(colon - m));
		path[colon - m] = '\0';
	}
	size_t who = nprs ? blame(prs, nprs, path) : 0;
	for (size_t i = 0; i < *npe; i++) {
		if (pe[i].param == who && strcmp(pe[i].msg, m) == 0) {
			pe[i].count++;
			return;
		}
	}
	if (*npe == MAX_POINT_ERRORS)
		return;
	pe[*npe] =
	    (struct point_error){.param = who, .msg = strdup(m), .first_point = point, .count = 1};
	if (pe[*npe].msg)
		(*npe)++;
}

static void report_point_errors(struct bf *S, struct point_error *pe, size_t npe,
				const struct param *prs, const struct dcs_sweep *sw)
{
	for (size_t i = 0; i < npe; i++) {
		const struct param *pr = &prs[pe[i].param];
		char where[600];
		snprintf(where, sizeof(where), "%s[\"%s\"]", pr->section, pr->path);
		/* The point, as name=value pairs. */
		char at[1024];
		size_t n = 0;
		at[0] = '\0';
		for (size_t k = 0; k < sw->n_params && n < sizeof(at); k++)
			n += (size_t)snprintf(at + n, sizeof(at) - n, "%s%s=%s", k ? ", " : "",
					      sw->params[k],
					      dcs_sweep_value(sw, pe[i].first_point, k));
		char more[64] = "";
		if (pe[i].count > 1)
			snprintf(more, sizeof(more), " (and at %zu more point%s)", pe[i].count - 1,
				 pe[i].count == 2 ? "" : "s");
		bf_error(S, pr->key_node, 1, where, "the scenario at %s is invalid: %s%s", at,
			 pe[i].msg, more);
		free(pe[i].msg);
	}
}

static const char *const top_keys[] = {"dcisim_sweep", "name", "description", "base",
				       "replications", "grid", "zip"};

/* Reads the lists of a "grid" or "zip" object into params. */
static void read_lists(struct bf *S, const cJSON *obj, const char *section, struct param *prs,
		       size_t *nprs, size_t cap)
{
	if (!cJSON_IsObject(obj)) {
		bf_error(S, obj, 0, section,
			 "must be an object of JSON paths to lists of values, e.g. "
			 "{\"links[0].distance_km\": [10, 50, 100]}");
		return;
	}
	for (const cJSON *c = obj->child; c; c = c->next) {
		char where[600];
		snprintf(where, sizeof(where), "%s[\"%s\"]", section, c->string ? c->string : "");
		struct param *pr = &prs[*nprs];
		*pr =
		    (struct param){.path = c->string, .key_node = c, .list = c, .section = section};
		const char *why = NULL;
		if (!bf_path_parse(c->string, &pr->bp, &why)) {
			bf_error(S, c, 1, where,
				 "not a JSON path (%s); paths look like links[0].distance_km", why);
			continue;
		}
		bool twice = false;
		for (size_t i = 0; i < *nprs && !twice; i++) {
			if (strcmp(prs[i].path, c->string) == 0) {
				bf_error(S, c, 1, where, "%s is swept twice (also in %s)",
					 c->string, prs[i].section);
				twice = true;
			}
		}
		if (twice)
			continue;
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) == 0) {
			bf_error(S, c, 0, where, "must be a non-empty list of values");
			continue;
		}
		int i = 0;
		bool bad = false;
		for (const cJSON *v = c->child; v; v = v->next, i++) {
			if (cJSON_IsNull(v)) {
				char w2[640];
				snprintf(w2, sizeof(w2), "%s[%d]", where, i);
				bf_error(S, v, 0, w2,
					 "null is not a value a scenario key can take");
				bad = true;
			}
		}
		if (!bad && *nprs < cap)
			(*nprs)++;
	}
}

struct dcs_sweep *dcs_sweep_load_text(const char *text, size_t len, const char *label, FILE *err,
				      int *nerrors)
{
	struct bf S = {.file = label, .text = text, .len = len, .err = err};
	struct dcs_sweep *sw = NULL;
	struct param *prs = NULL;
	cJSON *base_root = NULL;
	*nerrors = 0;

	cJSON *root = bf_parse(&S);
	if (!root)
		goto out;
	sw = calloc(1, sizeof(*sw));
	size_t nlists = 0;
	for (const cJSON *c = root->child; c; c = c->next)
		nlists += cJSON_IsObject(c) ? (size_t)cJSON_GetArraySize(c) : 0;
	prs = calloc(nlists + 1, sizeof(*prs));
	if (!sw || !prs) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		cJSON_Delete(root);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		bf_error(&S, root, 0, "(top level)",
			 "a sweep file is a JSON object: {\"dcisim_sweep\": 1, \"base\": ..., "
			 "\"grid\": {...}}");
		cJSON_Delete(root);
		goto out;
	}

	/* Top-level keys. */
	const cJSON *slot[sizeof(top_keys) / sizeof(top_keys[0])];
	bf_keys(&S, root, "", top_keys, sizeof(top_keys) / sizeof(top_keys[0]), slot);
	const cJSON *version = slot[0], *name = slot[1], *desc = slot[2], *base = slot[3],
		    *reps = slot[4], *grid = slot[5], *zip = slot[6];
	bf_common_keys(&S, root, "sweep", version, base, name, desc);
	sw->replications = 1;
	if (reps) {
		double r = cJSON_IsNumber(reps) ? reps->valuedouble : -1;
		if (!(r >= 1 && r <= DCS_SWEEP_MAX_REPLICATIONS) || r != floor(r))
			bf_error(&S, reps, 0, "replications", "must be a whole number in [1, %d]",
				 DCS_SWEEP_MAX_REPLICATIONS);
		else
			sw->replications = (int)r;
	}
	size_t nprs = 0, ngrid = 0;
	if (grid)
		read_lists(&S, grid, "grid", prs, &nprs, nlists);
	ngrid = nprs;
	if (zip) {
		read_lists(&S, zip, "zip", prs, &nprs, nlists);
		for (size_t i = ngrid + 1; i < nprs; i++) {
			int a = cJSON_GetArraySize(prs[ngrid].list),
			    b = cJSON_GetArraySize(prs[i].list);
			if (a != b) {
				char where[600];
				snprintf(where, sizeof(where), "zip[\"%s\"]", prs[i].path);
				bf_error(
				    &S, prs[i].key_node, 1, where,
				    "has %d values but zip[\"%s\"] has %d; zipped lists advance "
				    "together and must be equally long",
				    b, prs[ngrid].path, a);
			}
		}
	}
	/* The number of points: the grid's product times the zip's length. */
	size_t npoints = 1;
	for (size_t i = 0; i < nprs && !S.nerrors; i++) {
		if (i > ngrid)
			continue; /* zip lists after the first add no dimension */
		size_t n = (size_t)cJSON_GetArraySize(prs[i].list);
		if (npoints > DCS_SWEEP_MAX_POINTS / n) {
			bf_error(&S, prs[i].key_node, 1, prs[i].section,
				 "the grid has more than %d points; split the sweep",
				 DCS_SWEEP_MAX_POINTS);
			break;
		}
		npoints *= n;
	}
	if (!S.nerrors && npoints * (size_t)sw->replications > DCS_SWEEP_MAX_RUNS)
		bf_error(&S, reps ? reps : root, 0, reps ? "replications" : "(top level)",
			 "%zu points x %d replications is more than %d runs; split the sweep",
			 npoints, sw->replications, DCS_SWEEP_MAX_RUNS);
	if (!base || !cJSON_IsString(base) || !base->valuestring[0]) {
		cJSON_Delete(root);
		goto out;
	}

	/* The base scenario: reported against its own file when invalid.  The
	 * swept paths are checked against it even when other keys were wrong,
	 * so that one pass reports every problem. */
	sw->path = strdup(label);
	/* A name or description of the wrong type is already an error; the
	 * loading goes on (to report the rest) with the defaults. */
	sw->name = cJSON_IsString(name) ? strdup(name->valuestring) : bf_default_name(label);
	sw->description = strdup(cJSON_IsString(desc) ? desc->valuestring : "");
	sw->base_path = bf_resolve_base(label, base->valuestring);
	if (!sw->path || !sw->name || !sw->description || !sw->base_path) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		cJSON_Delete(root);
		goto out;
	}
	base_root = bf_load_base(&S, base, sw->base_path, NULL);
	if (!base_root) {
		cJSON_Delete(root);
		goto out;
	}
	for (size_t i = 0; i < nprs && base_root; i++) {
		char where[600];
		snprintf(where, sizeof(where), "%s[\"%s\"]", prs[i].section, prs[i].path);
		bf_path_resolve(&S, &prs[i].bp, base_root, prs[i].key_node, 1, where);
	}
	if (S.nerrors) {
		cJSON_Delete(root);
		goto out;
	}

	/* Expand and load every point. */
	sw->n_params = nprs;
	sw->n_points = npoints;
	sw->params = calloc(nprs + 1, sizeof(char *));
	sw->values = calloc(npoints * nprs + 1, sizeof(char *));
	sw->scenarios = calloc(npoints, sizeof(*sw->scenarios));
	if (!sw->params || !sw->values || !sw->scenarios) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		cJSON_Delete(root);
		goto out;
	}
	for (size_t i = 0; i < nprs; i++) {
		sw->params[i] = xstrdup_or_null(prs[i].path);
		if (!sw->params[i]) {
			fprintf(err, "%s: error: out of memory\n", label);
			S.nerrors++;
			npoints = 0; /* nothing more to do */
		}
	}
	struct point_error pe[MAX_POINT_ERRORS];
	size_t npe = 0;
	size_t *idx = calloc(nprs + 1, sizeof(size_t));
	const cJSON **vals = calloc(nprs + 1, sizeof(*vals));
	struct bf_path *paths = calloc(nprs + 1, sizeof(*paths));
	for (size_t i = 0; paths && i < nprs; i++)
		paths[i] = prs[i].bp;
	if (!idx || !vals || !paths) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		npoints = 0;
	}
	for (size_t p = 0; p < npoints; p++) {
		/* Mixed radix, last grid dimension fastest, the zip last of all. */
		size_t ndims = nprs > ngrid ? ngrid + 1 : ngrid;
		size_t rem = p;
		for (size_t d = ndims; d-- > 0;) {
			size_t n = (size_t)cJSON_GetArraySize(prs[d].list);
			idx[d] = rem % n;
			rem /= n;
		}
		bool ok = true;
		for (size_t i = 0; i < nprs && ok; i++) {
			size_t k = idx[i < ngrid ? i : ngrid];
			vals[i] = cJSON_GetArrayItem(prs[i].list, (int)k);
			sw->values[p * nprs + i] = value_text(vals[i]);
			ok = sw->values[p * nprs + i] != NULL;
		}
		char *msgs = NULL;
		sw->scenarios[p] =
		    ok ? bf_load_point(base_root, paths, vals, nprs, sw->base_path, &msgs) : NULL;
		if (!sw->scenarios[p] && (!msgs || !*msgs)) {
			fprintf(err, "%s: error: out of memory building point %zu\n", label, p);
			S.nerrors++;
			free(msgs);
			break;
		}
		if (!sw->scenarios[p]) {
			/* Counted when reported, once per distinct message. */
			for (char *line = msgs, *nl; line && *line; line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				note_point_error(pe, &npe, prs, nprs, p, line);
			}
			if (npe == 0 || nprs == 0) {
				/* What the loader said (out of memory, say). */
				const char *said =
				    msgs && *msgs ? msgs : "no message (out of memory?)";
				const char *e = strstr(said, "error: ");
				fprintf(err, "%s: error: point %zu could not be loaded: %s\n",
					label, p, e ? e + 7 : said);
				S.nerrors++;
			}
		}
		free(msgs);
	}
	free(idx);
	free(vals);
	free(paths);
	if (nprs)
		report_point_errors(&S, pe, npe, prs, sw);
	else
		for (size_t i = 0; i < npe; i++)
			free(pe[i].msg);
	cJSON_Delete(root);
out:
	jpos_free(S.pos);
	cJSON_Delete(base_root);
	free(prs);
	*nerrors = S.nerrors;
	if (S.nerrors) {
		dcs_sweep_free(sw);
		return NULL;
	}
	return sw;
}

struct dcs_sweep *dcs_sweep_load_file(const char *path, FILE *err, int *nerrors)
{
	size_t len;
	char *text = dcs_read_file(path, &len);
	if (!text) {
		fprintf(err, "%s: error: cannot read sweep file: %s\n", path, strerror(errno));
		*nerrors = 1;
		return NULL;
	}
	struct dcs_sweep *sw = dcs_sweep_load_text(text, len, path, err, nerrors);
	free(text);
	return sw;
}

int dcs_sweep_write_json(const char *dir, const struct dcs_sweep *sw,
			 const struct dcs_sweep_info *info, size_t n_done, size_t n_failed,
			 FILE *err)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *params = cJSON_CreateArray();
	if (!o || !params) {
		cJSON_Delete(o);
		cJSON_Delete(params);
		return -1;
	}
	cJSON_AddStringToObject(o, "sweep", sw->name);
	cJSON_AddStringToObject(o, "sweep_path", sw->path);
	cJSON_AddStringToObject(o, "description", sw->description);
	cJSON_AddStringToObject(o, "base", sw->base_path);
	cJSON_AddStringToObject(o, "scenario", sw->n_points ? sw->scenarios[0]->name : "");
	for (size_t i = 0; i < sw->n_params; i++)
		cJSON_AddItemToArray(params, cJSON_CreateString(sw->params[i]));
	cJSON_AddItemToObject(o, "params", params);
	cJSON_AddNumberToObject(o, "points", (double)sw->n_points);
	cJSON_AddNumberToObject(o, "replications", sw->replications);
	cJSON_AddNumberToObject(o, "runs", (double)dcs_sweep_n_runs(sw));
	cJSON_AddNumberToObject(o, "runs_done", (double)n_done);
	cJSON_AddNumberToObject(o, "runs_failed", (double)n_failed);
	cJSON_AddNumberToObject(o, "runs_computed", (double)info->computed);
	cJSON_AddNumberToObject(o, "runs_reused", (double)info->reused);
	cJSON_AddBoolToObject(o, "complete", info->complete);
	cJSON_AddNumberToObject(o, "jobs", info->jobs);
	cJSON_AddNumberToObject(o, "ranks", info->ranks);
	cJSON_AddNumberToObject(o, "wall_s", info->wall_s);
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		return -1;
	size_t n = strlen(text);
	char *nl = realloc(text, n + 2);
	if (!nl) {
		free(text);
		return -1;
	}
	nl[n] = '\n';
	nl[n + 1] = '\0';
	int rc = dcs_write_file_atomic(dir, "sweep.json", nl, n + 1, err);
	free(nl);
	return rc;
}
