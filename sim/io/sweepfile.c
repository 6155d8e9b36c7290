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
#include "jsonpos.h"
#include "textsafe.h"

#define MAX_SEGS         32
#define MAX_SEG_KEY      64
#define MAX_POINT_ERRORS 50

struct seg {
	char key[MAX_SEG_KEY]; /* "" for an index segment */
	long index;
};

/* One swept parameter: its path, where it is in the sweep file, its list. */
struct param {
	const char *path;
	const cJSON *key_node; /* the member, for positions */
	const cJSON *list;
	const char *section; /* "grid" or "zip" */
	struct seg segs[MAX_SEGS];
	size_t nsegs;
};

struct point_error {
	size_t param;
	char *msg;
	size_t first_point;
	size_t count;
};

struct sl {
	const char *file;
	const char *text;
	struct jpos_index *pos;
	FILE *err;
	int nerrors;
};

static void sl_error(struct sl *S, const cJSON *node, int want_key, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void sl_error(struct sl *S, const cJSON *node, int want_key, const char *path,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jpos_verror(S->err, S->file, S->text, S->pos, node, want_key, path, fmt, ap);
	va_end(ap);
	S->nerrors++;
}

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

/* "links[0].distance_km" -> links, [0], distance_km.  false with a reason. */
static bool parse_path(const char *path, struct seg *segs, size_t *nsegs, const char **why)
{
	size_t n = 0;
	const char *p = path;
	if (!*p) {
		*why = "an empty path";
		return false;
	}
	while (*p) {
		if (n == MAX_SEGS) {
			*why = "too many parts";
			return false;
		}
		size_t k = 0;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9') || *p == '_') {
			if (k + 1 >= MAX_SEG_KEY) {
				*why = "a key is too long";
				return false;
			}
			segs[n].key[k++] = *p++;
		}
		if (k == 0) {
			*why = "expected a key name (letters, digits, _)";
			return false;
		}
		segs[n].key[k] = '\0';
		segs[n++].index = -1;
		while (*p == '[') {
			p++;
			if (*p < '0' || *p > '9') {
				*why = "expected a number inside []";
				return false;
			}
			char *end;
			long idx = strtol(p, &end, 10);
			if (*end != ']' || idx > 1000000) {
				*why = "expected a number inside []";
				return false;
			}
			if (n == MAX_SEGS) {
				*why = "too many parts";
				return false;
			}
			segs[n].key[0] = '\0';
			segs[n++].index = idx;
			p = end + 1;
		}
		if (*p == '.') {
			p++;
			if (!*p) {
				*why = "the path ends with '.'";
				return false;
			}
		} else if (*p) {
			*why = "expected '.', '[' or the end of the path";
			return false;
		}
	}
	*nsegs = n;
	return true;
}

/* The member of obj with the smallest edit distance to key, if close. */
static const char *closest_member(const cJSON *obj, const char *key)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
		if (!c->string)
			continue;
		size_t d = dcs_edit_distance(key, c->string);
		if (d < bestd) {
			bestd = d;
			best = c->string;
		}
	}
	size_t len = strlen(key);
	return best && bestd <= (len < 6 ? 2 : 3) ? best : NULL;
}

/* Checks that every container on the path exists in the base scenario; the
 * last key may be absent (an optional key the base leaves at its default). */
static void resolve_param(struct sl *S, const struct param *pr, const cJSON *root,
			  const char *where)
{
	const cJSON *cur = root;
	char prefix[512] = "";
	size_t plen = 0;
	for (size_t i = 0; i < pr->nsegs; i++) {
		const struct seg *s = &pr->segs[i];
		bool last = i + 1 == pr->nsegs;
		if (s->index < 0) {
			if (!cJSON_IsObject(cur)) {
				sl_error(S, pr->key_node, 1, where,
					 "%s is not an object in the base scenario, so it has no "
					 "key '%s'",
					 plen ? prefix : "(top level)", s->key);
				return;
			}
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(cur, s->key);
			if (!m && !last) {
				const char *near = closest_member(cur, s->key);
				sl_error(
				    S, pr->key_node, 1, where,
				    "the base scenario has no '%s'%s%s%s%s%s (a swept path must "
				    "exist up to its last key)",
				    s->key, plen ? " in " : "", prefix,
				    near ? "; did you mean '" : "", near ? near : "",
				    near ? "'?" : "");
				return;
			}
			cur = m;
			plen += (size_t)snprintf(prefix + plen, sizeof(prefix) - plen, "%s%s",
						 plen ? "." : "", s->key);
		} else {
			if (!cJSON_IsArray(cur)) {
				sl_error(S, pr->key_node, 1, where,
					 "%s is not a list in the base scenario", prefix);
				return;
			}
			int n = cJSON_GetArraySize(cur);
			if (s->index >= n) {
				sl_error(S, pr->key_node, 1, where,
					 "index %ld is out of range: the base scenario's %s has %d "
					 "item%s",
					 s->index, prefix, n, n == 1 ? "" : "s");
				return;
			}
			cur = cJSON_GetArrayItem(cur, (int)s->index);
			plen += (size_t)snprintf(prefix + plen, sizeof(prefix) - plen, "[%ld]",
						 s->index);
		}
		if (plen >= sizeof(prefix))
			plen = sizeof(prefix) - 1;
	}
}

/* Sets a value at a resolved path in a copy of the base tree; takes v. */
static bool set_at(cJSON *root, const struct param *pr, cJSON *v)
{
	cJSON *cur = root;
	for (size_t i = 0; i + 1 < pr->nsegs; i++) {
		const struct seg *s = &pr->segs[i];
		cur = s->index < 0 ? cJSON_GetObjectItemCaseSensitive(cur, s->key)
				   : cJSON_GetArrayItem(cur, (int)s->index);
		if (!cur)
			break;
	}
	const struct seg *s = &pr->segs[pr->nsegs - 1];
	bool ok = false;
	if (cur && s->index < 0 && cJSON_IsObject(cur)) {
		if (cJSON_GetObjectItemCaseSensitive(cur, s->key)) {
			ok = cJSON_ReplaceItemInObjectCaseSensitive(cur, s->key, v);
			/* cJSON (1.7.15) does not check the copy of the key it
			 * makes: a NULL key is memory that ran out.  The tree owns
			 * v by now. */
			if (ok && !v->string)
				return false;
		} else
			ok = cJSON_AddItemToObject(cur, s->key, v);
	} else if (cur && s->index >= 0 && cJSON_IsArray(cur)) {
		ok = cJSON_ReplaceItemInArray(cur, (int)s->index, v);
	}
	if (!ok)
		cJSON_Delete(v);
	return ok;
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

static void report_point_errors(struct sl *S, struct point_error *pe, size_t npe,
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
		sl_error(S, pr->key_node, 1, where, "the scenario at %s is invalid: %s%s", at,
			 pe[i].msg, more);
		free(pe[i].msg);
	}
}

/* The sweep file's directory joined with a relative base path. */
static char *resolve_base(const char *label, const char *base)
{
	if (base[0] == '/')
		return strdup(base);
	const char *slash = strrchr(label, '/');
	size_t dl = slash ? (size_t)(slash - label) + 1 : 0;
	size_t n = dl + strlen(base) + 1;
	char *p = malloc(n);
	if (!p)
		return NULL;
	memcpy(p, label, dl);
	strcpy(p + dl, base);
	return p;
}

static char *default_name(const char *label)
{
	const char *b = strrchr(label, '/');
	b = b ? b + 1 : label;
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, b, n);
		s[n] = '\0';
	}
	return s;
}

static const char *const top_keys[] = {"dcisim_sweep", "name", "description", "base",
				       "replications", "grid", "zip"};

/* Reads the lists of a "grid" or "zip" object into params. */
static void read_lists(struct sl *S, const cJSON *obj, const char *section, struct param *prs,
		       size_t *nprs, size_t cap)
{
	if (!cJSON_IsObject(obj)) {
		sl_error(S, obj, 0, section,
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
		if (!parse_path(c->string, pr->segs, &pr->nsegs, &why)) {
			sl_error(S, c, 1, where,
				 "not a JSON path (%s); paths look like links[0].distance_km", why);
			continue;
		}
		bool twice = false;
		for (size_t i = 0; i < *nprs && !twice; i++) {
			if (strcmp(prs[i].path, c->string) == 0) {
				sl_error(S, c, 1, where, "%s is swept twice (also in %s)",
					 c->string, prs[i].section);
				twice = true;
			}
		}
		if (twice)
			continue;
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) == 0) {
			sl_error(S, c, 0, where, "must be a non-empty list of values");
			continue;
		}
		int i = 0;
		bool bad = false;
		for (const cJSON *v = c->child; v; v = v->next, i++) {
			if (cJSON_IsNull(v)) {
				char w2[640];
				snprintf(w2, sizeof(w2), "%s[%d]", where, i);
				sl_error(S, v, 0, w2,
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
	struct sl S = {.file = label, .text = text, .err = err};
	struct dcs_sweep *sw = NULL;
	struct param *prs = NULL;
	cJSON *base_root = NULL;
	char *base_text = NULL;
	*nerrors = 0;

	cJSON *root = dcs_json_parse_doc(text, len, label, err);
	if (!root) {
		S.nerrors++;
		goto out;
	}
	S.pos = jpos_build(text, len, root);
	sw = calloc(1, sizeof(*sw));
	size_t nlists = 0;
	for (const cJSON *c = root->child; c; c = c->next)
		nlists += cJSON_IsObject(c) ? (size_t)cJSON_GetArraySize(c) : 0;
	prs = calloc(nlists + 1, sizeof(*prs));
	if (!S.pos || !sw || !prs) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		cJSON_Delete(root);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		sl_error(&S, root, 0, "(top level)",
			 "a sweep file is a JSON object: {\"dcisim_sweep\": 1, \"base\": ..., "
			 "\"grid\": {...}}");
		cJSON_Delete(root);
		goto out;
	}

	/* Top-level keys. */
	const cJSON *version = NULL, *base = NULL, *reps = NULL, *grid = NULL, *zip = NULL;
	const cJSON *name = NULL, *desc = NULL;
	for (const cJSON *c = root->child; c; c = c->next) {
		for (const cJSON *d = root->child; d != c; d = d->next)
			if (strcmp(d->string, c->string) == 0)
				sl_error(&S, c, 1, c->string, "duplicate key");
		const cJSON **slot = NULL;
		if (!strcmp(c->string, "dcisim_sweep"))
			slot = &version;
		else if (!strcmp(c->string, "base"))
			slot = &base;
		else if (!strcmp(c->string, "replications"))
			slot = &reps;
		else if (!strcmp(c->string, "grid"))
			slot = &grid;
		else if (!strcmp(c->string, "zip"))
			slot = &zip;
		else if (!strcmp(c->string, "name"))
			slot = &name;
		else if (!strcmp(c->string, "description"))
			slot = &desc;
		if (slot) {
			*slot = c;
			continue;
		}
		const char *best = NULL;
		size_t bestd = (size_t)-1;
		for (size_t i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++) {
			size_t d = dcs_edit_distance(c->string, top_keys[i]);
			if (d < bestd) {
				bestd = d;
				best = top_keys[i];
			}
		}
		if (bestd <= 3)
			sl_error(&S, c, 1, c->string, "unknown key; did you mean '%s'?", best);
		else
			sl_error(&S, c, 1, c->string,
				 "unknown key (known: dcisim_sweep, name, description, base, "
				 "replications, grid, zip)");
	}
	if (!version)
		sl_error(&S, root, 0, "(top level)",
			 "missing required key 'dcisim_sweep' (the sweep format version, 1)");
	else if (!cJSON_IsNumber(version) || version->valuedouble != 1)
		sl_error(&S, version, 0, "dcisim_sweep",
			 "must be 1 (the only sweep format version this dcisim reads)");
	if (!base)
		sl_error(&S, root, 0, "(top level)",
			 "missing required key 'base' (the base scenario, relative to this file)");
	else if (!cJSON_IsString(base) || !base->valuestring[0])
		sl_error(&S, base, 0, "base", "must be a file name, e.g. \"../metro.json\"");
	if (name && (!cJSON_IsString(name) || !name->valuestring[0] ||
		     strpbrk(name->valuestring, "/\\") || strlen(name->valuestring) > 100))
		sl_error(&S, name, 0, "name",
			 "must be a short text without '/' (it names the output folder)");
	if (desc && !cJSON_IsString(desc))
		sl_error(&S, desc, 0, "description", "must be text");
	sw->replications = 1;
	if (reps) {
		double r = cJSON_IsNumber(reps) ? reps->valuedouble : -1;
		if (!(r >= 1 && r <= DCS_SWEEP_MAX_REPLICATIONS) || r != floor(r))
			sl_error(&S, reps, 0, "replications", "must be a whole number in [1, %d]",
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
				sl_error(
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
			sl_error(&S, prs[i].key_node, 1, prs[i].section,
				 "the grid has more than %d points; split the sweep",
				 DCS_SWEEP_MAX_POINTS);
			break;
		}
		npoints *= n;
	}
	if (!S.nerrors && npoints * (size_t)sw->replications > DCS_SWEEP_MAX_RUNS)
		sl_error(&S, reps ? reps : root, 0, reps ? "replications" : "(top level)",
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
	sw->name = cJSON_IsString(name) ? strdup(name->valuestring) : default_name(label);
	sw->description = strdup(cJSON_IsString(desc) ? desc->valuestring : "");
	sw->base_path = resolve_base(label, base->valuestring);
	if (!sw->path || !sw->name || !sw->description || !sw->base_path) {
		fprintf(err, "%s: error: out of memory\n", label);
		S.nerrors++;
		cJSON_Delete(root);
		goto out;
	}
	size_t base_len = 0;
	base_text = dcs_read_file(sw->base_path, &base_len);
	if (!base_text) {
		sl_error(&S, base, 0, "base", "cannot read the base scenario %s: %s", sw->base_path,
			 strerror(errno));
		cJSON_Delete(root);
		goto out;
	}
	int bn = 0;
	struct dcs_scenario *b =
	    dcs_scenario_load_text(base_text, base_len, sw->base_path, err, &bn);
	if (!b) {
		S.nerrors += bn;
		sl_error(&S, base, 0, "base", "the base scenario %s is invalid (see above)",
			 sw->base_path);
		cJSON_Delete(root);
		goto out;
	}
	dcs_scenario_free(b);
	base_root = dcs_json_parse(base_text, base_len, NULL);
	for (size_t i = 0; i < nprs && base_root; i++) {
		char where[600];
		snprintf(where, sizeof(where), "%s[\"%s\"]", prs[i].section, prs[i].path);
		resolve_param(&S, &prs[i], base_root, where);
	}
	if (S.nerrors || !base_root) {
		if (!base_root) { /* it loaded just above: memory ran short */
			fprintf(err, "%s: error: out of memory reading %s\n", label, sw->base_path);
			S.nerrors++;
		}
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
	if (!idx) {
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
		cJSON *t = cJSON_Duplicate(base_root, 1);
		bool ok = t != NULL;
		for (size_t i = 0; i < nprs && ok; i++) {
			size_t k = idx[i < ngrid ? i : ngrid];
			const cJSON *v = cJSON_GetArrayItem(prs[i].list, (int)k);
			sw->values[p * nprs + i] = value_text(v);
			ok = sw->values[p * nprs + i] && set_at(t, &prs[i], cJSON_Duplicate(v, 1));
		}
		char *ptext = ok ? cJSON_PrintUnformatted(t) : NULL;
		cJSON_Delete(t);
		if (!ptext) {
			fprintf(err, "%s: error: out of memory building point %zu\n", label, p);
			S.nerrors++;
			break;
		}
		char *msgs = NULL;
		size_t msglen = 0;
		FILE *mf = open_memstream(&msgs, &msglen);
		int pn = 0;
		sw->scenarios[p] =
		    mf ? dcs_scenario_load_text(ptext, strlen(ptext), sw->base_path, mf, &pn)
		       : NULL;
		if (mf)
			fclose(mf);
		free(ptext);
		if (!sw->scenarios[p]) {
			/* Counted when reported, once per distinct message. */
			for (char *line = msgs, *nl; line && *line; line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				note_point_error(pe, &npe, prs, nprs, p, line);
			}
			if (!mf || npe == 0 || nprs == 0) {
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
	if (nprs)
		report_point_errors(&S, pe, npe, prs, sw);
	else
		for (size_t i = 0; i < npe; i++)
			free(pe[i].msg);
	cJSON_Delete(root);
out:
	jpos_free(S.pos);
	cJSON_Delete(base_root);
	free(base_text);
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
	return dcs_json_write_atomic(dir, "sweep.json", o, err);
}
