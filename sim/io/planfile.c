/*
 * Plan files (SPEC section 6.4): parsing and validation, the grid of values
 * a plan may try, and the sweeps that evaluate them.  The contract is in
 * include/dcisim/planfile.h.
 */
#include "dcisim/planfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "basefile.h"

struct dcs_plan_priv {
	cJSON *base;       /* the base scenario's tree */
	struct bf_path bp; /* vary.path */
};

void dcs_plan_free(struct dcs_plan *pl)
{
	if (!pl)
		return;
	for (size_t i = 0; pl->targets && i < pl->n_targets; i++) {
		free(pl->targets[i].metric);
		free(pl->targets[i].entity);
		free(pl->targets[i].label);
	}
	free(pl->targets);
	if (pl->priv)
		cJSON_Delete(pl->priv->base);
	free(pl->priv);
	dcs_scenario_free(pl->base);
	free(pl->path);
	free(pl->name);
	free(pl->description);
	free(pl->base_path);
	free(pl->param);
	free(pl);
}

/* ---- the grid -------------------------------------------------------------- */

double dcs_plan_value(const struct dcs_plan *pl, int64_t k)
{
	if (k >= pl->steps)
		return pl->max;
	if (k <= 0)
		return pl->min;
	double v = pl->min + (double)k * pl->resolution;
	if (pl->integer)
		return round(v);
	/* 12 significant digits, read back: 1 + 3 x 0.1 is 1.3, not
	 * 1.3000000000000003, in the scenario as in plan.csv. */
	char buf[40];
	snprintf(buf, sizeof(buf), "%.12g", v);
	return strtod(buf, NULL);
}

void dcs_plan_value_text(const struct dcs_plan *pl, int64_t k, char *buf, size_t len)
{
	snprintf(buf, len, "%.12g", dcs_plan_value(pl, k));
}

/* ---- building points ------------------------------------------------------- */

/* Prints the loader's complaints about the scenario at value text `at`
 * against the plan file's key `where` (line, col). */
static void point_errors(const struct dcs_plan *pl, const char *msgs, const char *at, int line,
			 int col, const char *where, FILE *err)
{
	bool any = false;
	for (const char *l = msgs; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		const char *e = strstr(l, ": error: ");
		if (e && (size_t)(e - l) < n) {
			e += strlen(": error: ");
			fprintf(err,
				"%s:%d:%d: error: %s: the scenario at %s=%s is invalid: %.*s\n",
				pl->path, line, col, where, pl->param, at,
				(int)(n - (size_t)(e - l)), e);
			any = true;
		}
		l = nl ? nl + 1 : l + n;
	}
	if (!any)
		fprintf(err,
			"%s:%d:%d: error: %s: the scenario at %s=%s could not be built (out of "
			"memory?)\n",
			pl->path, line, col, where, pl->param, at);
}

/* The scenario at grid index k; NULL after reporting. */
static struct dcs_scenario *load_point(const struct dcs_plan *pl, int64_t k, int line, int col,
				       const char *where, FILE *err)
{
	char at[40];
	dcs_plan_value_text(pl, k, at, sizeof(at));
	cJSON *v = cJSON_CreateNumber(dcs_plan_value(pl, k));
	char *msgs = NULL;
	const cJSON *vals[1] = {v};
	struct dcs_scenario *scn =
	    v ? bf_load_point(pl->priv->base, &pl->priv->bp, vals, 1, pl->base_path, &msgs) : NULL;
	cJSON_Delete(v);
	if (!scn)
		point_errors(pl, msgs, at, line, col, where, err);
	free(msgs);
	return scn;
}

struct dcs_sweep *dcs_plan_sweep(const struct dcs_plan *pl, const int64_t *k, size_t n,
				 int replications, FILE *err)
{
	struct dcs_sweep *sw = calloc(1, sizeof(*sw));
	if (!sw) {
		fprintf(err, "%s: error: out of memory\n", pl->path);
		return NULL;
	}
	sw->path = strdup(pl->path);
	sw->name = strdup(pl->name);
	sw->description = strdup(pl->description);
	sw->base_path = strdup(pl->base_path);
	sw->replications = replications;
	sw->n_params = 1;
	sw->params = calloc(1, sizeof(char *));
	sw->values = calloc(n + 1, sizeof(char *));
	sw->scenarios = calloc(n + 1, sizeof(*sw->scenarios));
	bool ok = sw->path && sw->name && sw->description && sw->base_path && sw->params &&
		  sw->values && sw->scenarios && (sw->params[0] = strdup(pl->param)) != NULL;
	if (!ok) {
		fprintf(err, "%s: error: out of memory\n", pl->path);
		dcs_sweep_free(sw);
		return NULL;
	}
	sw->n_points = n;
	for (size_t i = 0; i < n && ok; i++) {
		char at[40];
		dcs_plan_value_text(pl, k[i], at, sizeof(at));
		sw->values[i] = strdup(at);
		if (!sw->values[i]) {
			fprintf(err, "%s: error: out of memory\n", pl->path);
			ok = false;
			break;
		}
		sw->scenarios[i] = load_point(pl, k[i], pl->line, pl->col, "vary.path", err);
		ok = sw->scenarios[i] != NULL;
	}
	if (!ok) {
		dcs_sweep_free(sw);
		return NULL;
	}
	return sw;
}

/* ---- loading ---------------------------------------------------------------- */

/* A whole number in [lo, hi], or a message. */
static bool whole_in(const cJSON *v, double lo, double hi, double *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double x = v->valuedouble;
	if (!(x >= lo && x <= hi) || x != floor(x))
		return false;
	*out = x;
	return true;
}

/* Whether the entity names something of the base scenario: an id (site,
 * link, VM, service, cluster, cluster node), or a figure's composite name
 * that holds one ("dc1->dc2", "dc1/wl0", "migrations[0]"), which only a run
 * can confirm.  Sets *near to the closest id. */
static bool entity_known(const struct dcs_scenario *s, const char *e, const char **near)
{
	const char *ids[4096];
	size_t n = 0;
	for (size_t i = 0; i < s->n_sites && n < 4096; i++)
		ids[n++] = s->sites[i].id;
	for (size_t i = 0; i < s->n_links && n < 4096; i++)
		ids[n++] = s->links[i].id;
	for (size_t i = 0; i < s->n_vms && n < 4096; i++)
		ids[n++] = s->vms[i].id;
	for (size_t i = 0; i < s->n_services && n < 4096; i++)
		ids[n++] = s->services[i].id;
	for (size_t i = 0; i < s->n_clusters && n < 4096; i++) {
		ids[n++] = s->clusters[i].id;
		for (size_t j = 0; j < s->clusters[i].n_nodes && n < 4096; j++)
			ids[n++] = s->clusters[i].nodes[j].id;
	}
	size_t bestd = (size_t)-1;
	*near = NULL;
	bool part = strncmp(e, "migrations[", 11) == 0;
	for (size_t i = 0; i < n; i++) {
		if (!ids[i])
			continue;
		if (strcmp(ids[i], e) == 0)
			return true;
		part = part || strstr(e, ids[i]) != NULL;
		size_t d = dcs_edit_distance(e, ids[i]);
		if (d < bestd) {
			bestd = d;
			*near = ids[i];
		}
	}
	if (bestd > (strlen(e) < 6 ? 2 : 3))
		*near = NULL;
	return part;
}

/* The declared metric closest to name, for "did you mean". */
static const char *closest_metric(const struct dcs_catalog *c, const char *name)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t f = 0; c && f < c->n_families; f++)
		for (size_t i = 0; i < c->families[f]->n_metrics; i++) {
			const char *m = c->families[f]->metrics[i].name;
			size_t d = dcs_edit_distance(name, m);
			if (d < bestd) {
				bestd = d;
				best = m;
			}
		}
	return bestd <= 4 ? best : NULL;
}

/* A copy of s, or NULL after saying that memory ran out. */
static char *dup_text(struct bf *S, const char *s)
{
	char *d = strdup(s);
	if (!d) {
		fprintf(S->err, "%s: error: out of memory\n", S->file);
		S->nerrors++;
	}
	return d;
}

static void pos_of(struct bf *S, const cJSON *node, int want_key, int *line, int *col)
{
	*line = *col = 1;
	if (node && S->pos)
		dcs_text_line_col(S->text, jpos_offset(S->pos, node, want_key), line, col);
}

static const char *const target_keys[] = {"metric", "entity", "max", "min", "equals"};

static void read_target(struct bf *S, struct dcs_plan *pl, const cJSON *t, size_t i,
			const struct dcs_catalog *metrics)
{
	char where[64], prefix[64];
	snprintf(where, sizeof(where), "targets[%zu]", i);
	snprintf(prefix, sizeof(prefix), "targets[%zu].", i);
	struct dcs_plan_target *T = &pl->targets[i];
	if (!cJSON_IsObject(t)) {
		bf_error(S, t, 0, where,
			 "a target is an object: {\"metric\": \"storage_write_p99_ms\", "
			 "\"entity\": \"dc1\", \"max\": 5}");
		return;
	}
	const cJSON *k[5];
	bf_keys(S, t, prefix, target_keys, 5, k);
	const cJSON *metric = k[0], *entity = k[1], *mx = k[2], *mn = k[3], *eq = k[4];
	char path[96];
	if (!cJSON_IsString(metric) || !metric->valuestring[0]) {
		snprintf(path, sizeof(path), "%smetric", prefix);
		bf_error(S, metric ? metric : t, 0, metric ? path : where,
			 metric ? "must be the name of a summary metric (dcisim metrics lists them)"
				: "missing required key 'metric' (a summary metric, e.g. "
				  "storage_write_p99_ms)");
	} else {
		T->metric = dup_text(S, metric->valuestring);
		T->def = dcs_catalog_metric(metrics, metric->valuestring);
		if (T->metric && (!T->def || strchr(metric->valuestring, '['))) {
			T->def = NULL;
			const char *near = closest_metric(metrics, metric->valuestring);
			snprintf(path, sizeof(path), "%smetric", prefix);
			bf_error(S, metric, 0, path,
				 "unknown metric '%s'%s%s%s (dcisim metrics lists the metrics "
				 "summary.csv can hold)",
				 metric->valuestring, near ? "; did you mean '" : "",
				 near ? near : "", near ? "'?" : "");
		}
	}
	if (!cJSON_IsString(entity) || !entity->valuestring[0]) {
		snprintf(path, sizeof(path), "%sentity", prefix);
		bf_error(S, entity ? entity : t, 0, entity ? path : where,
			 entity ? "must be the entity column of summary.csv: a site, link, VM, "
				  "service or cluster id"
				: "missing required key 'entity' (the summary.csv entity: a site, "
				  "link, VM, service or cluster id)");
	} else {
		T->entity = dup_text(S, entity->valuestring);
		pos_of(S, entity, 0, &T->line, &T->col);
	}
	int nb = (mx != NULL) + (mn != NULL) + (eq != NULL);
	if (nb != 1) {
		bf_error(S, t, 0, where,
			 nb ? "give one of max, min or equals, not several (make two targets)"
			    : "missing the bound: one of max (the metric must be at most), min (at "
			      "least) or equals (a text metric's value)");
		return;
	}
	const cJSON *b = mx ? mx : mn ? mn : eq;
	snprintf(path, sizeof(path), "%s%s", prefix, b->string);
	bool label = T->def && T->def->kind == DCS_METRIC_LABEL;
	if (eq) {
		T->bound = DCS_PLAN_EQUALS;
		if (!cJSON_IsString(eq) || !eq->valuestring[0])
			bf_error(S, eq, 0, path,
				 "must be the text the metric should read, e.g. "
				 "\"converged\"");
		else if (T->def && !label)
			bf_error(S, eq, 0, path,
				 "%s is a number (%s); give max or min for it, equals is for text "
				 "metrics",
				 T->metric, T->def->unit[0] ? T->def->unit : "no unit");
		else
			T->label = dup_text(S, eq->valuestring);
		return;
	}
	T->bound = mx ? DCS_PLAN_MAX : DCS_PLAN_MIN;
	if (!cJSON_IsNumber(b) || !isfinite(b->valuedouble))
		bf_error(S, b, 0, path, "must be a number (in the metric's unit%s%s)",
			 T->def && T->def->unit[0] ? ": " : "", T->def ? T->def->unit : "");
	else if (label)
		bf_error(S, b, 0, path,
			 "%s is text (%s); give equals with the value it should read, e.g. "
			 "{\"equals\": \"converged\"}",
			 T->metric, T->def->meaning);
	else
		T->limit = b->valuedouble;
}

/* vary: the path and its range. */
static void read_vary(struct bf *S, struct dcs_plan *pl, const cJSON *vary, const cJSON **range)
{
	static const char *const keys[] = {"path", "min", "max", "resolution"};
	if (!cJSON_IsObject(vary)) {
		bf_error(S, vary, 0, "vary",
			 "must be an object: {\"path\": \"links[0].distance_km\", \"min\": 1, "
			 "\"max\": 1000, \"resolution\": 1}");
		return;
	}
	bf_keys(S, vary, "vary.", keys, 4, range);
	const cJSON *path = range[0], *mn = range[1], *mx = range[2], *res = range[3];
	const char *why = NULL;
	if (!path)
		bf_error(S, vary, 0, "vary",
			 "missing required key 'path' (the scenario number to vary, e.g. "
			 "links[0].distance_km)");
	else if (!cJSON_IsString(path) || !bf_path_parse(path->valuestring, &pl->priv->bp, &why))
		bf_error(S, path, 0, "vary.path",
			 "not a JSON path (%s); paths look like links[0].distance_km",
			 why ? why : "must be text");
	else
		pl->param = dup_text(S, path->valuestring);
	pos_of(S, path ? path : vary, 0, &pl->line, &pl->col);
	const char *names[] = {"min", "max"};
	for (int i = 0; i < 2; i++) {
		const cJSON *v = range[1 + i];
		char where[16];
		snprintf(where, sizeof(where), "vary.%s", names[i]);
		if (!v)
			bf_error(S, vary, 0, "vary",
				 "missing required key '%s' (the range's %s end)", names[i],
				 i ? "upper" : "lower");
		else if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
			bf_error(S, v, 0, where, "must be a number");
	}
	if (cJSON_IsNumber(mn) && cJSON_IsNumber(mx) && isfinite(mn->valuedouble) &&
	    isfinite(mx->valuedouble)) {
		pl->min = mn->valuedouble;
		pl->max = mx->valuedouble;
		if (!(pl->max > pl->min))
			bf_error(S, mx, 0, "vary.max",
				 "must be greater than vary.min (%.12g): the range is empty",
				 pl->min);
	}
	if (res && (!cJSON_IsNumber(res) || !(res->valuedouble > 0) || !isfinite(res->valuedouble)))
		bf_error(S, res, 0, "vary.resolution",
			 "must be a number greater than 0 (the step the answer is exact to)");
	else if (res)
		pl->resolution = res->valuedouble;
}

static const char *const top_keys[] = {"dcisim_plan",  "name",       "description",
				       "base",         "vary",       "targets",
				       "replications", "confidence", "scan_points"};

struct dcs_plan *dcs_plan_load_text(const char *text, size_t len, const char *label,
				    const struct dcs_catalog *metrics, FILE *err, int *nerrors)
{
	struct bf S = {.file = label, .text = text, .len = len, .err = err};
	struct dcs_plan *pl = calloc(1, sizeof(*pl));
	cJSON *root = NULL;
	*nerrors = 0;
	if (!pl || !(pl->priv = calloc(1, sizeof(*pl->priv))) || !(pl->path = strdup(label))) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		goto out;
	}
	dcs_sha256_hex(text, len, pl->sha256);
	root = bf_parse(&S);
	if (!root)
		goto out;
	if (!cJSON_IsObject(root)) {
		bf_error(&S, root, 0, "(top level)",
			 "a plan file is a JSON object: {\"dcisim_plan\": 1, \"base\": ..., "
			 "\"vary\": {...}, \"targets\": [...]}");
		goto out;
	}
	const cJSON *slot[sizeof(top_keys) / sizeof(top_keys[0])];
	bf_keys(&S, root, "", top_keys, sizeof(top_keys) / sizeof(top_keys[0]), slot);
	const cJSON *version = slot[0], *name = slot[1], *desc = slot[2], *base = slot[3],
		    *vary = slot[4], *targets = slot[5], *reps = slot[6], *conf = slot[7],
		    *scan = slot[8];
	bf_common_keys(&S, root, "plan", version, base, name, desc);
	double x;
	pl->replications = 1;
	if (reps && !whole_in(reps, 1, DCS_PLAN_MAX_REPLICATIONS, &x))
		bf_error(&S, reps, 0, "replications", "must be a whole number in [1, %d]",
			 DCS_PLAN_MAX_REPLICATIONS);
	else if (reps)
		pl->replications = (int)x;
	pl->confidence = 0.95;
	if (conf &&
	    (!cJSON_IsNumber(conf) || !(conf->valuedouble >= 0.5) || !(conf->valuedouble <= 0.999)))
		bf_error(&S, conf, 0, "confidence",
			 "must be a number in [0.5, 0.999]: how sure a point must be to pass "
			 "(0.95: a one-sided 95%% bound)");
	else if (conf) {
		pl->confidence = conf->valuedouble;
		pl->confidence_given = true;
	}
	pl->scan_points = DCS_PLAN_DEFAULT_SCAN;
	if (scan && !whole_in(scan, 3, 1001, &x))
		bf_error(&S, scan, 0, "scan_points", "must be a whole number in [3, 1001]");
	else if (scan)
		pl->scan_points = (int)x;
	const cJSON *range[4] = {NULL, NULL, NULL, NULL};
	if (!vary)
		bf_error(&S, root, 0, "(top level)",
			 "missing required key 'vary' ({\"path\": ..., \"min\": ..., \"max\": ..., "
			 "\"resolution\": ...})");
	else
		read_vary(&S, pl, vary, range);
	if (!targets)
		bf_error(&S, root, 0, "(top level)",
			 "missing required key 'targets' (a list of {\"metric\", \"entity\", "
			 "\"max\" or \"min\"})");
	else if (!cJSON_IsArray(targets) || cJSON_GetArraySize(targets) < 1 ||
		 cJSON_GetArraySize(targets) > DCS_PLAN_MAX_TARGETS)
		bf_error(&S, targets, 0, "targets", "must be a list of 1 to %d targets",
			 DCS_PLAN_MAX_TARGETS);
	else {
		pl->n_targets = (size_t)cJSON_GetArraySize(targets);
		pl->targets = calloc(pl->n_targets, sizeof(*pl->targets));
		if (!pl->targets) {
			fprintf(err, "%s: error: out of memory\n", label);
			S.nerrors++;
			goto out;
		}
		size_t i = 0;
		for (const cJSON *t = targets->child; t; t = t->next)
			read_target(&S, pl, t, i++, metrics);
	}
	if (!cJSON_IsString(base) || !base->valuestring[0])
		goto out;

	/* The base scenario: reported against its own file when invalid; the
	 * path and the entities are checked against it even when other keys
	 * were wrong, so that one pass reports every problem. */
	pl->name = cJSON_IsString(name) ? strdup(name->valuestring) : bf_default_name(label);
	pl->description = strdup(cJSON_IsString(desc) ? desc->valuestring : "");
	pl->base_path = bf_resolve_base(label, base->valuestring);
	if (!pl->name || !pl->description || !pl->base_path) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		goto out;
	}
	pl->priv->base = bf_load_base(&S, base, pl->base_path, &pl->base);
	if (!pl->priv->base)
		goto out;
	for (size_t i = 0; i < pl->n_targets; i++) {
		const char *e = pl->targets[i].entity, *near = NULL;
		if (e && !entity_known(pl->base, e, &near)) {
			char path[64];
			snprintf(path, sizeof(path), "targets[%zu].entity", i);
			const cJSON *node = cJSON_GetArrayItem(targets, (int)i);
			node = cJSON_GetObjectItemCaseSensitive(node, "entity");
			bf_error(
			    &S, node, 0, path,
			    "the base scenario has no site, link, VM, service, cluster or node "
			    "called '%s'%s%s%s",
			    e, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		}
	}
	if (!pl->param)
		goto out;
	const cJSON *pnode = range[0];
	if (!bf_path_resolve(&S, &pl->priv->bp, pl->priv->base, pnode, 0, "vary.path"))
		goto out;
	struct bf_key key;
	bf_key_info(&pl->priv->bp, &key);
	if (key.type == BF_KEY_UNKNOWN) {
		bf_error(
		    &S, pnode, 0, "vary.path",
		    "%s is not a key of the scenario format (docs/scenario-keys.md lists them)",
		    pl->param);
		goto out;
	}
	if (key.type == BF_KEY_OTHER) {
		bf_error(&S, pnode, 0, "vary.path",
			 "%s is not a number; a plan varies one number (a distance, a bandwidth, a "
			 "rate, a count) and a sweep tries choices",
			 pl->param);
		goto out;
	}
	pl->integer = key.type == BF_KEY_INTEGER;
	if (!range[3] && !pl->integer && !S.nerrors)
		bf_error(&S, vary, 0, "vary",
			 "missing required key 'resolution' (the step the answer is exact to, in "
			 "the unit of %s)",
			 pl->param);
	if (!range[3] && pl->integer)
		pl->resolution = 1;
	if (S.nerrors)
		goto out;
	/* The range against the format's, and whole numbers for integer keys. */
	if (pl->integer) {
		const char *names[] = {"min", "max", "resolution"};
		double v[] = {pl->min, pl->max, pl->resolution};
		for (int i = 0; i < 3; i++)
			if (v[i] != floor(v[i]) && range[1 + i])
				bf_error(&S, range[1 + i], 0,
					 i == 0   ? "vary.min"
					 : i == 1 ? "vary.max"
						  : "vary.resolution",
					 "%s takes whole numbers: give a whole %s", pl->param,
					 names[i]);
	}
	bool low = key.gt_min ? !(pl->min > key.min) : !(pl->min >= key.min);
	if (low)
		bf_error(&S, range[1], 0, "vary.min", "%.12g is out of range for %s (%s %.12g)",
			 pl->min, pl->param, key.gt_min ? "must be >" : "must be >=", key.min);
	if (pl->max > key.max)
		bf_error(&S, range[2], 0, "vary.max",
			 "%.12g is out of range for %s (must be <= %.12g)", pl->max, pl->param,
			 key.max);
	if (!S.nerrors && pl->resolution > pl->max - pl->min)
		bf_error(&S, range[3], 0, "vary.resolution",
			 "%.12g is wider than the range [%.12g, %.12g]", pl->resolution, pl->min,
			 pl->max);
	if (S.nerrors)
		goto out;
	double steps = ceil((pl->max - pl->min) / pl->resolution - 1e-9);
	if (!(steps <= (double)DCS_PLAN_MAX_STEPS)) {
		bf_error(&S, range[3], 0, "vary.resolution",
			 "%.12g splits the range into more than %lld steps; give a coarser "
			 "resolution",
			 pl->resolution, (long long)DCS_PLAN_MAX_STEPS);
		goto out;
	}
	pl->steps = steps < 1 ? 1 : (int64_t)steps;
	/* Both ends must be valid scenarios (a value the scenario rules refuse
	 * is blamed on the end that holds it). */
	for (int end = 0; end < 2; end++) {
		int line, col;
		pos_of(&S, range[1 + end], 0, &line, &col);
		struct dcs_scenario *s = load_point(pl, end ? pl->steps : 0, line, col,
						    end ? "vary.max" : "vary.min", err);
		if (!s)
			S.nerrors++;
		dcs_scenario_free(s);
	}
out:
	jpos_free(S.pos);
	cJSON_Delete(root);
	*nerrors = S.nerrors;
	if (S.nerrors) {
		dcs_plan_free(pl);
		return NULL;
	}
	return pl;
}

struct dcs_plan *dcs_plan_load_file(const char *path, const struct dcs_catalog *metrics, FILE *err,
				    int *nerrors)
{
	size_t len;
	char *text = dcs_read_file(path, &len);
	if (!text) {
		fprintf(err, "%s: error: cannot read plan file: %s\n", path, strerror(errno));
		*nerrors = 1;
		return NULL;
	}
	struct dcs_plan *pl = dcs_plan_load_text(text, len, path, metrics, err, nerrors);
	free(text);
	return pl;
}
