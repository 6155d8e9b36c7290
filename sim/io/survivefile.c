/*
 * dcisim survive, the file side (include/dcisim/survivefile.h): failure
 * scenarios as the base scenario's JSON with faults appended, the criteria
 * file, and survive.json.
 */
#include "dcisim/survivefile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dcisim/faultkinds.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "basefile.h"
#include "textsafe.h"

/* ---- failure scenarios ---------------------------------------------------- */

static cJSON *fault_json(const struct dcs_fault_spec *f)
{
	const struct dcs_fault_kind_info *k = dcs_fault_kind(f->kind);
	const char *kind = k ? k->name : NULL, *key = k ? dcs_fault_target_key(k->target) : NULL;
	/* A witness fault's site is optional: without one, every witness. */
	if (k && k->target == DCS_FAULT_ON_WITNESS)
		key = "site";
	if (!kind || (f->target && !key))
		return NULL;
	cJSON *o = cJSON_CreateObject();
	bool ok = o && cJSON_AddNumberToObject(o, "at_s", f->at_s) &&
		  cJSON_AddStringToObject(o, "kind", kind) &&
		  (!f->target || cJSON_AddStringToObject(o, key, f->target)) &&
		  (isnan(f->for_s) || cJSON_AddNumberToObject(o, "for_s", f->for_s));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

struct dcs_sweep *dcs_sweep_of_faults(const char *text, size_t len, const char *label,
				      const char *name, const char *param,
				      const struct dcs_fault_set *sets, size_t n, FILE *err,
				      int *nerrors)
{
	*nerrors = 0;
	struct dcs_sweep *sw = calloc(1, sizeof(*sw));
	cJSON *base = dcs_json_parse(text, len, NULL);
	if (!sw || !base)
		goto oom;
	sw->path = strdup(label);
	sw->name = strdup(name);
	sw->description = strdup("");
	sw->base_path = strdup(label);
	sw->replications = 1;
	sw->n_params = 1;
	sw->params = calloc(1, sizeof(char *));
	sw->values = calloc(n + 1, sizeof(char *));
	sw->scenarios = calloc(n + 1, sizeof(*sw->scenarios));
	if (!sw->path || !sw->name || !sw->description || !sw->base_path || !sw->params ||
	    !sw->values || !sw->scenarios || !(sw->params[0] = strdup(param)))
		goto oom;
	for (size_t p = 0; p < n; p++) {
		/* Counted as it goes, so a failure part-way frees what exists. */
		sw->n_points = p + 1;
		if (!(sw->values[p] = strdup(sets[p].label)))
			goto oom;
		cJSON *t = cJSON_Duplicate(base, 1);
		cJSON *list = t ? cJSON_GetObjectItemCaseSensitive(t, "faults") : NULL;
		if (t && !list && cJSON_IsObject(t))
			list = cJSON_AddArrayToObject(t, "faults");
		bool ok = cJSON_IsArray(list);
		for (size_t k = 0; ok && k < sets[p].n; k++) {
			cJSON *f = fault_json(&sets[p].faults[k]);
			ok = f && cJSON_AddItemToArray(list, f);
		}
		char *ptext = ok ? cJSON_PrintUnformatted(t) : NULL;
		cJSON_Delete(t);
		if (!ptext)
			goto oom;
		int pn = 0;
		sw->scenarios[p] = dcs_scenario_load_text(ptext, strlen(ptext), label, err, &pn);
		free(ptext);
		if (!sw->scenarios[p]) {
			fprintf(err, "%s: error: the scenario with %s does not load (see above)\n",
				label, sets[p].label);
			*nerrors += pn ? pn : 1;
			break;
		}
	}
	cJSON_Delete(base);
	if (*nerrors) {
		dcs_sweep_free(sw);
		return NULL;
	}
	return sw;
oom:
	fprintf(err, "%s: error: out of memory building the failure scenarios\n", label);
	cJSON_Delete(base);
	dcs_sweep_free(sw);
	*nerrors += 1;
	return NULL;
}

/* ---- verdicts and criteria ------------------------------------------------ */

static const char *const verdict_names[DCS_VERDICT_COUNT] = {"survives", "degraded", "outage",
							     "data at risk"};

const char *dcs_verdict_name(enum dcs_verdict v)
{
	return (unsigned)v < DCS_VERDICT_COUNT ? verdict_names[v] : "?";
}

/* The defaults (docs/survive.md explains each).  These are policy, not
 * physics: what a design review calls an outage or data at risk.  Past 60 s
 * an interruption is longer than an automatic failover's detection,
 * arbitration, fencing and start take (the bundled cluster presets' budgets:
 * 36.6 s corosync, 45 s vSphere HA, 46 s VCS, 50 s WSFC).  The 30 s of
 * extra asynchronous lag is a placeholder for the user's RPO objective. */
const char dcs_criteria_default_json[] =
    "{\n"
    "  \"dcisim_criteria\": 1,\n"
    "  \"degraded\": {\"rtol\": 0.1, \"atol\": {\"ms\": 0.5, \"s\": 1, \"ratio\": 0.001}},\n"
    "  \"rules\": [\n"
    "    {\"metric\": \"cluster_split_brain_s\", \"worse_by\": 0, \"verdict\": \"data at "
    "risk\"},\n"
    "    {\"metric\": \"cluster_split_brains\", \"worse_by\": 0, \"verdict\": \"data at "
    "risk\"},\n"
    "    {\"metric\": \"storage_divergent_writes\", \"worse_by\": 0, \"verdict\": \"data at "
    "risk\"},\n"
    "    {\"metric\": \"storage_max_rpo_s\", \"worse_by\": 30, \"verdict\": \"data at risk\"},\n"
    "    {\"metric\": \"migration_vm_lost\", \"worse_by\": 0, \"verdict\": \"data at risk\"},\n"
    "    {\"metric\": \"cluster_outage_unrecovered_s\", \"worse_by\": 0, \"verdict\": "
    "\"outage\"},\n"
    "    {\"metric\": \"cluster_unavailable_s\", \"worse_by\": 60, \"verdict\": \"outage\"},\n"
    "    {\"metric\": \"storage_unavailable_s\", \"worse_by\": 60, \"verdict\": \"outage\"},\n"
    "    {\"metric\": \"storage_held_writes_at_end\", \"worse_by\": 0, \"verdict\": "
    "\"outage\"},\n"
    "    {\"metric\": \"storage_sync_limit_ratio\", \"above\": 1, \"verdict\": \"degraded\"},\n"
    "    {\"metric\": \"migration_outcome\", \"is\": [\"failed\", \"aborted\"], \"verdict\": "
    "\"degraded\"}\n"
    "  ],\n"
    "  \"ignore\": [\"network\", \"links\", \"l2\", \"faults\", \"cluster_outages\"]\n"
    "}\n";

static void free_rule(struct dcs_criteria_rule *r)
{
	free(r->metric);
	for (size_t i = 0; i < r->n_is; i++)
		free(r->is[i]);
	free(r->is);
	*r = (struct dcs_criteria_rule){0};
}

void dcs_criteria_free(struct dcs_criteria *cr)
{
	if (!cr)
		return;
	for (size_t i = 0; i < cr->n_atol; i++)
		free(cr->atol[i].unit);
	free(cr->atol);
	for (size_t i = 0; i < cr->n_rules; i++)
		free_rule(&cr->rules[i]);
	free(cr->rules);
	for (size_t i = 0; i < cr->n_ignore; i++)
		free(cr->ignore[i]);
	free(cr->ignore);
	free(cr);
}

double dcs_criteria_atol(const struct dcs_criteria *cr, const char *unit)
{
	for (size_t i = 0; i < cr->n_atol; i++)
		if (!strcmp(cr->atol[i].unit, unit))
			return cr->atol[i].atol;
	return 0;
}

const struct dcs_criteria_rule *dcs_criteria_rule(const struct dcs_criteria *cr, const char *metric)
{
	for (size_t i = 0; i < cr->n_rules; i++)
		if (!strcmp(cr->rules[i].metric, metric))
			return &cr->rules[i];
	return NULL;
}

bool dcs_criteria_ignores(const struct dcs_criteria *cr, const char *name)
{
	for (size_t i = 0; i < cr->n_ignore; i++)
		if (!strcmp(cr->ignore[i], name))
			return true;
	return false;
}

/* A criteria file being read: the derived-file reader (basefile.h) and
 * what the criteria are checked against. */
struct cl {
	struct bf bf;
	const struct dcs_catalog *cat;
	bool oom;
};

#define cl_error(C, ...) bf_error(&(C)->bf, __VA_ARGS__)

/* The declared metric closest to s. */
static const char *closest_metric(const struct dcs_catalog *c, const char *s)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t f = 0; f < c->n_families; f++)
		for (size_t i = 0; i < c->families[f]->n_metrics; i++) {
			const char *m = c->families[f]->metrics[i].name;
			size_t d = dcs_edit_distance(s, m);
			if (d < bestd) {
				bestd = d;
				best = m;
			}
		}
	return best && bestd <= (strlen(s) < 6 ? 2 : 4) ? best : NULL;
}

static bool unit_declared(const struct dcs_catalog *c, const char *unit)
{
	for (size_t f = 0; f < c->n_families; f++)
		for (size_t i = 0; i < c->families[f]->n_metrics; i++)
			if (!strcmp(c->families[f]->metrics[i].unit, unit))
				return true;
	return false;
}

static bool producer_declared(const struct dcs_catalog *c, const char *name)
{
	for (size_t f = 0; f < c->n_families; f++)
		if (!strcmp(c->families[f]->producer, name))
			return true;
	return false;
}

static bool number_in(struct cl *C, const cJSON *v, const char *path, double lo, double hi,
		      double *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
		cl_error(C, v, 0, path, "must be a number in [%g, %g]", lo, hi);
		return false;
	}
	*out = v->valuedouble;
	return true;
}

static char *xstrdup(struct cl *C, const char *s)
{
	char *d = strdup(s);
	if (!d)
		C->oom = true;
	return d;
}

static void read_degraded(struct cl *C, const cJSON *d, struct dcs_criteria *cr)
{
	if (!cJSON_IsObject(d)) {
		cl_error(C, d, 0, "degraded",
			 "must be an object, e.g. {\"rtol\": 0.1, \"atol\": {\"ms\": 0.5}}");
		return;
	}
	static const char *const known[] = {"rtol", "atol"};
	const cJSON *slot[2];
	bf_keys(&C->bf, d, "degraded.", known, 2, slot);
	const cJSON *rtol = slot[0], *atol = slot[1];
	if (rtol)
		number_in(C, rtol, "degraded.rtol", 0, 1e6, &cr->rtol);
	if (!atol)
		return;
	if (!cJSON_IsObject(atol)) {
		cl_error(C, atol, 0, "degraded.atol",
			 "must be an object of units to tolerances, e.g. {\"ms\": 0.5, \"s\": 1}");
		return;
	}
	for (const cJSON *u = atol->child; u; u = u->next) {
		char path[256];
		snprintf(path, sizeof(path), "degraded.atol.%s", u->string);
		double v;
		if (!number_in(C, u, path, 0, 1e18, &v))
			continue;
		if (!unit_declared(C->cat, u->string)) {
			cl_error(C, u, 1, path,
				 "no summary metric has the unit '%s' (see `dcisim metrics`)",
				 u->string);
			continue;
		}
		size_t i = 0;
		while (i < cr->n_atol && strcmp(cr->atol[i].unit, u->string))
			i++;
		if (i == cr->n_atol) {
			struct dcs_criteria_atol *na =
			    realloc(cr->atol, (cr->n_atol + 1) * sizeof(*na));
			char *unit = xstrdup(C, u->string);
			if (!na || !unit) {
				if (na)
					cr->atol = na;
				free(unit);
				C->oom = true;
				return;
			}
			cr->atol = na;
			cr->atol[cr->n_atol++] = (struct dcs_criteria_atol){.unit = unit};
		}
		cr->atol[i].atol = v;
	}
}

static bool verdict_of(const char *s, enum dcs_verdict *v)
{
	for (int i = 0; i < DCS_VERDICT_COUNT; i++)
		if (!strcmp(s, verdict_names[i])) {
			*v = (enum dcs_verdict)i;
			return true;
		}
	return false;
}

static void read_rule(struct cl *C, const cJSON *o, const char *where, struct dcs_criteria *cr)
{
	if (!cJSON_IsObject(o)) {
		cl_error(C, o, 0, where,
			 "must be an object, e.g. {\"metric\": \"cluster_unavailable_s\", "
			 "\"worse_by\": 60, \"verdict\": \"outage\"}");
		return;
	}
	static const char *const known[] = {"metric", "verdict", "worse_by",
					    "is",     "above",   "below"};
	const cJSON *slot[6];
	char path[320];
	snprintf(path, sizeof(path), "%s.", where);
	bf_keys(&C->bf, o, path, known, 6, slot);
	const cJSON *m = slot[0], *v = slot[1], *wb = slot[2], *is = slot[3];
	const cJSON *lim = slot[4] ? slot[4] : slot[5];
	struct dcs_criteria_rule r = {0};
	bool ok = true;
	const struct dcs_metric_def *d = NULL;
	snprintf(path, sizeof(path), "%s.metric", where);
	if (!cJSON_IsString(m)) {
		cl_error(C, m ? m : o, 0, m ? path : where, "a rule names a summary 'metric'");
		ok = false;
	} else if (!(d = dcs_catalog_metric(C->cat, m->valuestring))) {
		const char *near = closest_metric(C->cat, m->valuestring);
		cl_error(C, m, 0, path, "'%s' is not a summary metric%s%s%s (see `dcisim metrics`)",
			 m->valuestring, near ? "; did you mean '" : "", near ? near : "",
			 near ? "'?" : "");
		ok = false;
	}
	snprintf(path, sizeof(path), "%s.verdict", where);
	if (!cJSON_IsString(v) || !verdict_of(v->valuestring, &r.verdict)) {
		cl_error(C, v ? v : o, 0, v ? path : where,
			 "a rule gives a 'verdict': \"survives\", \"degraded\", \"outage\" or "
			 "\"data at risk\"");
		ok = false;
	}
	if ((wb != NULL) + (is != NULL) + (slot[4] != NULL) + (slot[5] != NULL) != 1) {
		cl_error(C, o, 0, where,
			 "a rule has one of 'worse_by' (than the baseline), 'above' or 'below' (a "
			 "limit) for a figure or count, or 'is' (a label's values)");
		ok = false;
	}
	r.kind = wb        ? DCS_RULE_WORSE_BY
		 : is      ? DCS_RULE_IS
		 : slot[4] ? DCS_RULE_ABOVE
			   : DCS_RULE_BELOW;
	if (ok && lim) {
		snprintf(path, sizeof(path), "%s.%s", where, slot[4] ? "above" : "below");
		ok = number_in(C, lim, path, -1e18, 1e18, &r.limit);
		if (ok && d->kind == DCS_METRIC_LABEL) {
			cl_error(C, m, 0, where,
				 "%s is a label: a limit cannot apply (use 'is' for its values)",
				 d->name);
			ok = false;
		}
	}
	if (ok && wb) {
		snprintf(path, sizeof(path), "%s.worse_by", where);
		ok = number_in(C, wb, path, 0, 1e18, &r.worse_by);
		if (ok && (d->kind == DCS_METRIC_LABEL || d->better == DCS_BETTER_NEUTRAL)) {
			cl_error(C, m, 0, where,
				 "%s is a %s with no better direction: 'worse_by' cannot apply "
				 "(use 'is' for a label)",
				 d->name, dcs_metric_kind_name(d->kind));
			ok = false;
		}
	}
	if (ok && is) {
		snprintf(path, sizeof(path), "%s.is", where);
		if (d->kind != DCS_METRIC_LABEL) {
			cl_error(C, is, 0, path,
				 "%s is not a label: use 'worse_by', 'above' or 'below'", d->name);
			ok = false;
		} else if (!cJSON_IsArray(is) || !cJSON_GetArraySize(is)) {
			cl_error(C, is, 0, path, "must be a non-empty list of the label's values");
			ok = false;
		}
		for (const cJSON *s = ok ? is->child : NULL; s; s = s->next)
			if (!cJSON_IsString(s)) {
				cl_error(C, s, 0, path, "must list text values");
				ok = false;
			}
	}
	if (!ok)
		return;
	r.metric = xstrdup(C, d->name);
	if (is) {
		size_t n = (size_t)cJSON_GetArraySize(is);
		r.is = calloc(n, sizeof(char *));
		for (const cJSON *s = is->child; r.is && s; s = s->next)
			if ((r.is[r.n_is] = xstrdup(C, s->valuestring)))
				r.n_is++;
		if (!r.is)
			C->oom = true;
	}
	if (C->oom || !r.metric) {
		free_rule(&r);
		C->oom = true;
		return;
	}
	for (size_t i = 0; i < cr->n_rules; i++)
		if (!strcmp(cr->rules[i].metric, r.metric)) {
			free_rule(&cr->rules[i]);
			cr->rules[i] = r;
			return;
		}
	struct dcs_criteria_rule *nr = realloc(cr->rules, (cr->n_rules + 1) * sizeof(*nr));
	if (!nr) {
		free_rule(&r);
		C->oom = true;
		return;
	}
	cr->rules = nr;
	cr->rules[cr->n_rules++] = r;
}

static void read_ignore(struct cl *C, const cJSON *list, struct dcs_criteria *cr)
{
	if (!cJSON_IsArray(list)) {
		cl_error(C, list, 0, "ignore",
			 "must be a list of metric names or producers, e.g. [\"faults\", "
			 "\"l2_bum_bytes\"]");
		return;
	}
	for (size_t i = 0; i < cr->n_ignore; i++)
		free(cr->ignore[i]);
	cr->n_ignore = 0;
	char **ni = realloc(cr->ignore, ((size_t)cJSON_GetArraySize(list) + 1) * sizeof(char *));
	if (!ni) {
		C->oom = true;
		return;
	}
	cr->ignore = ni;
	int k = 0;
	for (const cJSON *s = list->child; s; s = s->next, k++) {
		char path[64];
		snprintf(path, sizeof(path), "ignore[%d]", k);
		if (!cJSON_IsString(s)) {
			cl_error(C, s, 0, path, "must be a metric name or a producer");
			continue;
		}
		if (!dcs_catalog_metric(C->cat, s->valuestring) &&
		    !producer_declared(C->cat, s->valuestring)) {
			const char *near = closest_metric(C->cat, s->valuestring);
			cl_error(C, s, 0, path,
				 "'%s' is neither a summary metric nor a producer%s%s%s (see "
				 "`dcisim metrics`)",
				 s->valuestring, near ? "; did you mean '" : "", near ? near : "",
				 near ? "'?" : "");
			continue;
		}
		if ((cr->ignore[cr->n_ignore] = xstrdup(C, s->valuestring)))
			cr->n_ignore++;
	}
}

/* Applies one criteria text over cr. */
static void read_criteria(struct cl *C, const char *text, size_t len, struct dcs_criteria *cr)
{
	C->bf.text = text;
	C->bf.len = len;
	cJSON *root = bf_parse(&C->bf);
	if (!root)
		return;
	if (!cJSON_IsObject(root)) {
		cl_error(C, root, 0, "(top level)",
			 "a criteria file is a JSON object: {\"dcisim_criteria\": 1, \"rules\": "
			 "[...]}");
	} else {
		static const char *const known[] = {"dcisim_criteria", "degraded", "rules",
						    "ignore"};
		const cJSON *slot[4];
		bf_keys(&C->bf, root, "", known, 4, slot);
		const cJSON *ver = slot[0], *d = slot[1], *rules = slot[2], *ig = slot[3];
		if (!ver)
			cl_error(C, root, 0, "(top level)",
				 "missing required key 'dcisim_criteria' (the format version, 1)");
		else if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
			cl_error(C, ver, 0, "dcisim_criteria",
				 "must be 1 (the only criteria format this dcisim reads)");
		if (d)
			read_degraded(C, d, cr);
		if (rules && !cJSON_IsArray(rules))
			cl_error(C, rules, 0, "rules", "must be a list of rules");
		int k = 0;
		for (const cJSON *r = cJSON_IsArray(rules) ? rules->child : NULL; r;
		     r = r->next, k++) {
			char where[64];
			snprintf(where, sizeof(where), "rules[%d]", k);
			read_rule(C, r, where, cr);
		}
		if (ig)
			read_ignore(C, ig, cr);
	}
	jpos_free(C->bf.pos);
	C->bf.pos = NULL;
	cJSON_Delete(root);
}

struct dcs_criteria *dcs_criteria_load_text(const char *text, size_t len, const char *label,
					    const struct dcs_catalog *c, FILE *err, int *nerrors)
{
	struct dcs_criteria *cr = calloc(1, sizeof(*cr));
	struct cl D = {.bf = {.file = "(default criteria)", .err = err}, .cat = c};
	if (cr)
		read_criteria(&D, dcs_criteria_default_json, strlen(dcs_criteria_default_json), cr);
	struct cl C = {.bf = {.file = label, .err = err}, .cat = c};
	if (cr && text && !D.bf.nerrors && !D.oom)
		read_criteria(&C, text, len, cr);
	*nerrors = D.bf.nerrors + C.bf.nerrors;
	if (!cr || D.oom || C.oom) {
		fprintf(err, "%s: error: out of memory reading the criteria\n", label);
		++*nerrors;
	}
	if (*nerrors) {
		dcs_criteria_free(cr);
		return NULL;
	}
	return cr;
}

struct dcs_criteria *dcs_criteria_load(const char *path, const struct dcs_catalog *c, FILE *err,
				       int *nerrors)
{
	if (!path)
		return dcs_criteria_load_text(NULL, 0, "(default criteria)", c, err, nerrors);
	size_t len;
	char *text = dcs_read_file(path, &len);
	if (!text) {
		fprintf(err, "%s: error: cannot read the criteria file: %s\n", path,
			strerror(errno));
		*nerrors = 1;
		return NULL;
	}
	struct dcs_criteria *cr = dcs_criteria_load_text(text, len, path, c, err, nerrors);
	free(text);
	return cr;
}
