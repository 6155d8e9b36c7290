/*
 * dcisim compare: compare.csv and report.html from two or more result
 * directories (sim/app/report.h).
 *
 * The report is one HTML file with inline CSS and inline SVG, so it opens
 * anywhere without a network.  Sections appear only for the data that
 * exists: a run without migrations has no migration chart.  Rows and series
 * keep the order in which the directories list them (first directory
 * first), so the same inputs give the same bytes.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "dcisim/metrics.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "dcisim/version.h"
#include "dcisim/world.h"

#define MAX_LINK_CHARTS  6
#define MAX_SWEEP_CHARTS 6
#define MAX_LINE_POINTS  800

struct rdir {
	const char *path;
	const char *label;
	bool is_sweep;
	struct dcs_kv *run;      /* run.json */
	struct dcs_kv *sweep;    /* sweep.json */
	struct dcs_kv *scenario; /* the scenario (or the sweep's base), flattened */
	char *scenario_note;     /* why the scenario is not shown */
	struct dcs_csv *summary, *migrations, *storage, *links, *paths, *stats;
};

/* ---- metric direction --------------------------------------------------- */

int dcs_metric_direction(const char *metric)
{
	struct dcs_world_catalog wc;
	const struct dcs_metric_def *d = dcs_catalog_metric(dcs_world_catalog_init(&wc), metric);
	return d ? (int)d->better : 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The part of a column name that carries its unit: "rtt_ms[dci1]" ->
 * "rtt_ms" (a sweep metric), "links[0].distance_km" -> "distance_km" (a
 * swept path). */
static void bare_name(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == ']') {
		snprintf(buf, len, "%s", name);
		char *br = strchr(buf, '[');
		if (br)
			*br = '\0';
		return;
	}
	const char *dot = strrchr(name, '.');
	snprintf(buf, len, "%s", dot ? dot + 1 : name);
}

/* The unit of an axis: a metric's declared unit, else the unit the
 * scenario format puts in a key's name (SPEC section 2: "distance_km" ->
 * "km"). */
static const char *unit_of_name(const char *name)
{
	struct dcs_world_catalog wc;
	const struct dcs_metric_def *d = dcs_catalog_metric(dcs_world_catalog_init(&wc), name);
	if (d)
		return d->unit;
	static const struct {
		const char *suffix, *unit;
	} u[] = {{"_mib_s", "MiB/s"},
		 {"_ms", "ms"},
		 {"_us", "µs"},
		 {"_s", "s"},
		 {"_km", "km"},
		 {"_gbps", "Gbps"},
		 {"_mbps", "Mbps"},
		 {"_gib", "GiB"},
		 {"_mib", "MiB"},
		 {"_kib", "KiB"},
		 {"_bytes", "bytes"},
		 {"_Bps", "B/s"},
		 {"_fraction", "ratio"},
		 {"_ratio", "ratio"},
		 {"_availability", "ratio"},
		 {"utilization", "ratio"}};
	char base[256];
	bare_name(name, base, sizeof(base));
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ends_with(base, u[i].suffix))
			return u[i].unit;
	return "";
}

static void axis_text(char *buf, size_t len, const char *name, const char *unit)
{
	if (unit && *unit)
		snprintf(buf, len, "%s (%s)", name, unit);
	else
		snprintf(buf, len, "%s", name);
}

/* ---- loading ------------------------------------------------------------ */

static bool exists(const char *dir, const char *file)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads dir/file when present; a broken file is a warning, not fatal. */
static struct dcs_csv *maybe_csv(const char *dir, const char *file, FILE *err)
{
	if (!exists(dir, file))
		return NULL;
	char p[4096], msg[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	struct dcs_csv *t = dcs_csv_read_file(p, NULL, msg, sizeof(msg));
	if (!t)
		fprintf(err, "dcisim compare: warning: %s; left out of the report\n", msg);
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

static void free_dir(struct rdir *d)
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

static int load_dir(struct rdir *d, FILE *err)
{
	struct stat st;
	if (stat(d->path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(err, "dcisim compare: error: %s: not a directory\n", d->path);
		return 2;
	}
	d->run = maybe_json(d->path, "run.json", err);
	d->sweep = maybe_json(d->path, "sweep.json", err);
	d->summary = maybe_csv(d->path, "summary.csv", err);
	d->migrations = maybe_csv(d->path, "migrations.csv", err);
	d->storage = maybe_csv(d->path, "storage.csv", err);
	d->links = maybe_csv(d->path, "links.csv", err);
	d->paths = maybe_csv(d->path, "paths.csv", err);
	d->stats = maybe_csv(d->path, "sweep_stats.csv", err);
	d->is_sweep = d->sweep || d->stats;
	if (!d->run && !d->summary && !d->is_sweep) {
		fprintf(err,
			"dcisim compare: error: %s: not a dcisim result directory (no run.json, "
			"summary.csv or sweep.json)\n",
			d->path);
		return 2;
	}
	if (d->is_sweep)
		load_scenario(d, dcs_kv_get(d->sweep, "base"));
	else
		load_scenario(d, dcs_kv_get(d->run, "scenario_path"));
	/* A run of a sweep (--runs-dir): its point's values replace the base's. */
	struct dcs_csv *pt = maybe_csv(d->path, "sweep_point.csv", err);
	long cp = pt ? dcs_csv_col(pt, "param") : -1, cv = pt ? dcs_csv_col(pt, "value") : -1;
	for (size_t r = 0; d->scenario && cp >= 0 && cv >= 0 && r < pt->nrows; r++)
		if (kv_set(d->scenario, dcs_csv_cell(pt, r, (size_t)cp),
			   dcs_csv_cell(pt, r, (size_t)cv)) != 0)
			break;
	dcs_csv_free(pt);
	return 0;
}

/* ---- the metric rows both outputs share ---------------------------------- */

struct mrow {
	char *metric, *entity, *unit;
	const char **val; /* per directory, NULL when absent */
};

struct mtable {
	struct mrow *rows;
	size_t n, cap, ndirs;
};

static long mtable_find(const struct mtable *m, const char *metric, const char *entity)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->rows[i].metric, metric) && !strcmp(m->rows[i].entity, entity))
			return (long)i;
	return -1;
}

static int mtable_put(struct mtable *m, size_t dir, const char *metric, const char *entity,
		      const char *unit, const char *value)
{
	long i = mtable_find(m, metric, entity);
	if (i >= 0 && m->rows[i].val[dir]) {
		/* The same metric twice in one directory: keep both, numbered. */
		char e2[512];
		for (int k = 2; i >= 0 && m->rows[i].val[dir]; k++) {
			snprintf(e2, sizeof(e2), "%s#%d", entity, k);
			i = mtable_find(m, metric, e2);
		}
		return mtable_put(m, dir, metric, e2, unit, value);
	}
	if (i < 0) {
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct mrow *r = realloc(m->rows, cap * sizeof(*r));
			if (!r)
				return -1;
			m->rows = r;
			m->cap = cap;
		}
		struct mrow *r = &m->rows[m->n];
		*r = (struct mrow){.metric = strdup(metric),
				   .entity = strdup(entity),
				   .unit = strdup(unit ? unit : ""),
				   .val = calloc(m->ndirs, sizeof(char *))};
		if (!r->metric || !r->entity || !r->unit || !r->val) {
			free(r->metric);
			free(r->entity);
			free(r->unit);
			free(r->val);
			return -1;
		}
		i = (long)m->n++;
	}
	m->rows[i].val[dir] = value;
	return 0;
}

static void mtable_free(struct mtable *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->rows[i].metric);
		free(m->rows[i].entity);
		free(m->rows[i].unit);
		free(m->rows[i].val);
	}
	free(m->rows);
}

/* The point of a sweep_stats row, as "param=value param=value". */
static void point_text(const struct dcs_csv *t, size_t row, char *buf, size_t len)
{
	long cm = dcs_csv_col(t, "metric");
	size_t n = 0;
	buf[0] = '\0';
	for (long c = 1; c < cm && n < len; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", c > 1 ? " " : "", t->header[c],
				      dcs_csv_cell(t, row, (size_t)c));
}

static int collect_metrics(struct mtable *m, struct rdir *d, size_t nd)
{
	m->ndirs = nd;
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *s = d[k].summary;
		if (s) {
			long cm = dcs_csv_col(s, "metric"), ce = dcs_csv_col(s, "entity"),
			     cv = dcs_csv_col(s, "value"), cu = dcs_csv_col(s, "unit");
			for (size_t r = 0; cm >= 0 && cv >= 0 && r < s->nrows; r++)
				if (mtable_put(m, k, dcs_csv_cell(s, r, (size_t)cm),
					       ce >= 0 ? dcs_csv_cell(s, r, (size_t)ce) : "",
					       cu >= 0 ? dcs_csv_cell(s, r, (size_t)cu) : "",
					       dcs_csv_cell(s, r, (size_t)cv)) != 0)
					return -1;
		}
		const struct dcs_csv *t = d[k].stats;
		if (t) {
			long cm = dcs_csv_col(t, "metric"), cv = dcs_csv_col(t, "mean"),
			     cu = dcs_csv_col(t, "unit");
			for (size_t r = 0; cm > 0 && cv >= 0 && r < t->nrows; r++) {
				char pt[1024];
				point_text(t, r, pt, sizeof(pt));
				const char *metric = dcs_csv_cell(t, r, (size_t)cm);
				/* The unit column, else a guess from the name (files
				 * written before sweep_stats.csv had one). */
				const char *unit = cu >= 0 ? dcs_csv_cell(t, r, (size_t)cu) : "";
				if (mtable_put(m, k, metric, pt,
					       unit[0] ? unit : unit_of_name(metric),
					       dcs_csv_cell(t, r, (size_t)cv)) != 0)
					return -1;
			}
		}
	}
	return 0;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s == ',' || *s == '\n' || *s == '\r')
			*s = ';';
}

/* compare.csv: metric, entity, unit, one value column per directory, then
 * for each directory after the first its difference from the first
 * (absolute, and relative to the first's magnitude). */
static int write_compare_csv(const char *out, const struct mtable *m, const struct rdir *d,
			     size_t nd, FILE *err)
{
	struct dcs_sb h = {0};
	dcs_sb_puts(&h, "metric,entity,unit");
	for (size_t k = 0; k < nd; k++) {
		char lab[256];
		snprintf(lab, sizeof(lab), "%s", d[k].label);
		sanitize(lab);
		dcs_sb_printf(&h, ",%s", lab);
	}
	for (size_t k = 1; k < nd; k++) {
		char lab[256];
		snprintf(lab, sizeof(lab), "%s", d[k].label);
		sanitize(lab);
		dcs_sb_printf(&h, ",abs_diff_%s,rel_diff_%s", lab, lab);
	}
	struct dcs_results *res = dcs_results_create();
	if (h.oom || !res) {
		free(h.s);
		dcs_results_destroy(res);
		fprintf(err, "dcisim compare: error: out of memory\n");
		return 3;
	}
	struct dcs_table *t = dcs_results_table(res, "compare.csv", h.s);
	free(h.s);
	for (size_t i = 0; i < m->n; i++) {
		const struct mrow *r = &m->rows[i];
		dcs_row_begin(t);
		dcs_cell_str(t, r->metric);
		dcs_cell_str(t, r->entity);
		dcs_cell_str(t, r->unit);
		for (size_t k = 0; k < nd; k++)
			dcs_cell_str(t, r->val[k] ? r->val[k] : "");
		double v0;
		bool n0 = r->val[0] && dcs_csv_num(r->val[0], &v0);
		for (size_t k = 1; k < nd; k++) {
			double vk;
			if (n0 && r->val[k] && dcs_csv_num(r->val[k], &vk)) {
				dcs_cell_num(t, vk - v0);
				if (v0 != 0)
					dcs_cell_num(t, (vk - v0) / fabs(v0));
				else
					dcs_cell_str(t, vk == 0 ? "0" : "");
			} else {
				dcs_cell_str(t, "");
				dcs_cell_str(t, "");
			}
		}
		dcs_row_end(t);
	}
	int rc = dcs_write_table(out, t, err) == 0 ? 0 : 3;
	dcs_results_destroy(res);
	return rc;
}

/* ---- HTML --------------------------------------------------------------- */

static const char css[] =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}"
    "h3{font-size:15px}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.best{background:#d8f3dc;font-weight:bold}tr.differs td{background:#fff6d6}"
    ".note{color:#555;font-size:13px}svg.chart{display:block;margin:12px 0;"
    "border:1px solid #ddd}code{background:#f4f4f4;padding:0 3px}";

static void th(struct dcs_sb *b, const char *s)
{
	dcs_sb_puts(b, "<th>");
	dcs_sb_esc(b, s);
	dcs_sb_puts(b, "</th>");
}

static void td(struct dcs_sb *b, const char *s, const char *cls)
{
	if (cls)
		dcs_sb_printf(b, "<td class=\"%s\">", cls);
	else
		dcs_sb_puts(b, "<td>");
	dcs_sb_esc(b, s ? s : "");
	dcs_sb_puts(b, "</td>");
}

static void runs_section(struct dcs_sb *b, const struct rdir *d, size_t nd)
{
	static const char *const keys[] = {"scenario",    "seed",     "events",  "simulated_s",
					   "fingerprint", "complete", "version", "commit"};
	static const char *const skeys[] = {"sweep", "scenario",  "points",   "replications",
					    "runs",  "runs_done", "complete", "version"};
	dcs_sb_puts(b, "<h2>Results compared</h2>\n<table><tr>");
	th(b, "label");
	th(b, "directory");
	th(b, "kind");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		th(b, keys[i]);
	dcs_sb_puts(b, "</tr>\n");
	for (size_t k = 0; k < nd; k++) {
		dcs_sb_puts(b, "<tr>");
		td(b, d[k].label, NULL);
		td(b, d[k].path, NULL);
		td(b, d[k].is_sweep ? "sweep" : "run", NULL);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = d[k].is_sweep ? dcs_kv_get(d[k].sweep, skeys[i])
						      : dcs_kv_get(d[k].run, keys[i]);
			if (d[k].is_sweep && v) {
				char cell[256];
				snprintf(cell, sizeof(cell), "%s: %s", skeys[i], v);
				td(b, cell, NULL);
			} else {
				td(b, v ? v : "", NULL);
			}
		}
		dcs_sb_puts(b, "</tr>\n");
	}
	dcs_sb_puts(b, "</table>\n");
	bool same_fp = nd > 1;
	for (size_t k = 1; k < nd && same_fp; k++) {
		const char *a = dcs_kv_get(d[0].run, "fingerprint"),
			   *c = dcs_kv_get(d[k].run, "fingerprint");
		same_fp = a && c && strcmp(a, c) == 0;
	}
	if (same_fp)
		dcs_sb_puts(b, "<p class=\"note\">All runs have the same fingerprint: their event "
			       "trajectories are identical.</p>\n");
}

static void params_section(struct dcs_sb *b, const struct rdir *d, size_t nd)
{
	bool any = false;
	for (size_t k = 0; k < nd; k++)
		any = any || d[k].scenario || d[k].sweep;
	if (!any)
		return;
	dcs_sb_puts(b, "<h2>Scenario parameters</h2>\n");
	for (size_t k = 0; k < nd; k++) {
		if (d[k].scenario_note) {
			dcs_sb_puts(b, "<p class=\"note\">");
			dcs_sb_esc(b, d[k].label);
			dcs_sb_puts(b, ": ");
			dcs_sb_esc(b, d[k].scenario_note);
			dcs_sb_puts(b, "</p>\n");
		}
	}
	/* Swept parameters first, for sweeps. */
	for (size_t k = 0; k < nd; k++) {
		if (!d[k].sweep)
			continue;
		dcs_sb_puts(b, "<p>");
		dcs_sb_esc(b, d[k].label);
		dcs_sb_puts(b, " sweeps <code>");
		dcs_sb_esc(b, dcs_kv_get(d[k].sweep, "params") ? dcs_kv_get(d[k].sweep, "params")
							       : "[]");
		dcs_sb_puts(b, "</code> over the base scenario <code>");
		dcs_sb_esc(b, dcs_kv_get(d[k].sweep, "base") ? dcs_kv_get(d[k].sweep, "base") : "");
		dcs_sb_puts(b, "</code>.</p>\n");
	}
	/* The union of the scenarios' keys, in first-seen order. */
	const char **keys = NULL;
	size_t nk = 0, cap = 0;
	for (size_t k = 0; k < nd; k++) {
		for (size_t i = 0; d[k].scenario && i < d[k].scenario->n; i++) {
			const char *key = d[k].scenario->keys[i];
			bool seen = false;
			for (size_t j = 0; j < nk && !seen; j++)
				seen = strcmp(keys[j], key) == 0;
			if (seen)
				continue;
			if (nk == cap) {
				cap = cap ? cap * 2 : 64;
				const char **nkeys = realloc(keys, cap * sizeof(char *));
				if (!nkeys) {
					free(keys);
					return;
				}
				keys = nkeys;
			}
			keys[nk++] = key;
		}
	}
	size_t ndiff = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			dcs_sb_puts(b, "<h3>Parameters that differ</h3>\n");
		else
			dcs_sb_printf(b, "<details><summary>All %zu parameters</summary>\n", nk);
		dcs_sb_puts(b, "<table><tr>");
		th(b, "parameter");
		for (size_t k = 0; k < nd; k++)
			th(b, d[k].label);
		dcs_sb_puts(b, "</tr>\n");
		for (size_t j = 0; j < nk; j++) {
			bool differs = false;
			const char *first = dcs_kv_get(d[0].scenario, keys[j]);
			for (size_t k = 1; k < nd; k++) {
				const char *v = dcs_kv_get(d[k].scenario, keys[j]);
				differs =
				    differs || !first != !v || (v && first && strcmp(v, first));
			}
			if (pass == 0 && !differs)
				continue;
			ndiff += pass == 0;
			dcs_sb_puts(b, differs && pass == 1 ? "<tr class=\"differs\">" : "<tr>");
			td(b, keys[j], NULL);
			for (size_t k = 0; k < nd; k++) {
				const char *v = dcs_kv_get(d[k].scenario, keys[j]);
				td(b, v ? v : "(not set)", NULL);
			}
			dcs_sb_puts(b, "</tr>\n");
		}
		dcs_sb_puts(b, "</table>\n");
		if (pass == 0 && ndiff == 0)
			dcs_sb_puts(
			    b, "<p class=\"note\">The scenario files give the same values.</p>\n");
		if (pass == 1)
			dcs_sb_puts(b, "</details>\n");
	}
	free(keys);
}

static void metrics_table(struct dcs_sb *b, const struct mtable *m, const struct rdir *d, size_t nd,
			  bool sweep_rows)
{
	dcs_sb_puts(b, "<table><tr>");
	th(b, "metric");
	th(b, sweep_rows ? "point" : "entity");
	th(b, "unit");
	for (size_t k = 0; k < nd; k++)
		th(b, d[k].label);
	for (size_t k = 1; k < nd; k++) {
		char h[300];
		snprintf(h, sizeof(h), "%s − %s", d[k].label, d[0].label);
		th(b, h);
		snprintf(h, sizeof(h), "relative");
		th(b, h);
	}
	dcs_sb_puts(b, "</tr>\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct mrow *r = &m->rows[i];
		bool is_sweep_row = strchr(r->entity, '=') != NULL;
		if (is_sweep_row != sweep_rows)
			continue;
		int dir = dcs_metric_direction(r->metric);
		/* Marked among the directories that have the metric as a number,
		 * when at least two do and they do not all agree. */
		double best = NAN, first = NAN;
		size_t nnum = 0;
		bool all_same = true;
		for (size_t k = 0; k < nd; k++) {
			double v;
			if (!r->val[k] || !dcs_csv_num(r->val[k], &v))
				continue;
			if (nnum++ == 0)
				first = v;
			else if (v != first)
				all_same = false;
			if (isnan(best) || (dir < 0 && v < best) || (dir > 0 && v > best))
				best = v;
		}
		bool mark = dir != 0 && nnum >= 2 && !all_same;
		dcs_sb_puts(b, "<tr>");
		td(b, r->metric, NULL);
		td(b, r->entity, NULL);
		td(b, r->unit, NULL);
		for (size_t k = 0; k < nd; k++) {
			double v;
			bool isbest = mark && r->val[k] && dcs_csv_num(r->val[k], &v) && v == best;
			if (isbest)
				dcs_sb_printf(
				    b, "<td class=\"num best\" title=\"better: %s is better\">",
				    dir < 0 ? "lower" : "higher");
			else
				dcs_sb_puts(b, "<td class=\"num\">");
			dcs_sb_esc(b, r->val[k] ? r->val[k] : "");
			dcs_sb_puts(b, isbest ? " ★</td>" : "</td>");
		}
		for (size_t k = 1; k < nd; k++) {
			double vk, a;
			char abs_s[32] = "", rel_s[32] = "";
			if (r->val[0] && r->val[k] && dcs_csv_num(r->val[0], &a) &&
			    dcs_csv_num(r->val[k], &vk)) {
				dcs_fmt_num(abs_s, sizeof(abs_s), vk - a);
				if (a != 0)
					snprintf(rel_s, sizeof(rel_s), "%+.3g%%",
						 100 * (vk - a) / fabs(a));
			}
			td(b, abs_s, "num");
			td(b, rel_s, "num");
		}
		dcs_sb_puts(b, "</tr>\n");
	}
	dcs_sb_puts(b, "</table>\n");
}

static void metrics_section(struct dcs_sb *b, const struct mtable *m, const struct rdir *d,
			    size_t nd)
{
	bool runs = false, sweeps = false;
	for (size_t i = 0; i < m->n; i++) {
		if (strchr(m->rows[i].entity, '='))
			sweeps = true;
		else
			runs = true;
	}
	dcs_sb_puts(b, "<h2>Key metrics</h2>\n"
		       "<p class=\"note\">★ marks the better value where a metric has a clear "
		       "direction, decided from its name and unit: <b>lower is better</b> for "
		       "latency, RTT, time, downtime, outage, unavailability, RTO/RPO, trombone, "
		       "bytes, backlog, failures and loss (and any value in s, ms or bytes); "
		       "<b>higher is better</b> for goodput, throughput, availability and "
		       "completions.  Counts, utilisation and echoed settings are not marked.  "
		       "Differences are each directory minus the first; relative differences "
		       "are divided by the first's magnitude.</p>\n");
	if (runs)
		metrics_table(b, m, d, nd, false);
	if (sweeps) {
		dcs_sb_puts(b, "<details><summary>Sweep means per point (from "
			       "sweep_stats.csv)</summary>\n");
		metrics_table(b, m, d, nd, true);
		dcs_sb_puts(b, "</details>\n");
	}
	if (!runs && !sweeps)
		dcs_sb_puts(b, "<p class=\"note\">No summary metrics found.</p>\n");
}

/* ---- bottlenecks -------------------------------------------------------- */

/* The lift figure of an entity in a directory, in words: "a TCP window of
 * 173819 KiB per stream".  false when it has none. */
static bool lift_text(const struct mtable *m, size_t dir, const char *entity, char *buf, size_t len)
{
	static const struct {
		const char *metric, *before, *after;
	} words[] = {
	    {"lift_window_kib", "a TCP window of ", " KiB per stream"},
	    {"lift_max_loss", "loss at most ", ""},
	    {"lift_rate_cap_mib_s", "a rate cap of ", " MiB/s"},
	    {"lift_bandwidth_gbps", "", " Gbps on the narrowest link"},
	    {"lift_rate_gbps", "a migration rate of ", " Gbps (twice the dirty rate)"},
	    {"lift_fc_credits", "", " FC buffer credits"},
	};
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		long i = mtable_find(m, words[w].metric, entity);
		if (i >= 0 && m->rows[i].val[dir]) {
			snprintf(buf, len, "%s%s%s", words[w].before, m->rows[i].val[dir],
				 words[w].after);
			return true;
		}
	}
	return false;
}

/* What limited each migration, replication channel and tromboned service,
 * side by side, with the setting that would lift it (summary.csv's
 * limited_by and lift_* rows). */
static void bottlenecks_section(struct dcs_sb *b, const struct mtable *m, const struct rdir *d,
				size_t nd)
{
	bool any = false;
	for (size_t i = 0; i < m->n && !any; i++)
		any = strcmp(m->rows[i].metric, "limited_by") == 0;
	if (!any)
		return;
	dcs_sb_puts(b, "<h2>Bottlenecks</h2>\n"
		       "<p class=\"note\">What limited each flow owner's rate for most of its "
		       "bytes (<code>limited_by</code> in summary.csv): its <b>link_share</b> of a "
		       "shared link, the TCP <b>window</b> over the RTT, <b>loss</b> (the Mathis "
		       "bound), the engine's <b>rate_cap</b>, <b>fc_credits</b>, a "
		       "<b>dirty_rate</b> pre-copy could not outrun, or the <b>offered_load</b> "
		       "itself (the network was not the limit); and the setting at which it "
		       "would stop limiting (the <code>lift_*</code> rows).  A parameter that "
		       "does not touch the bottleneck changes nothing.</p>\n<table><tr>");
	th(b, "entity");
	for (size_t k = 0; k < nd; k++)
		th(b, d[k].label);
	dcs_sb_puts(b, "</tr>\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct mrow *r = &m->rows[i];
		if (strcmp(r->metric, "limited_by") != 0)
			continue;
		dcs_sb_puts(b, "<tr>");
		td(b, r->entity, NULL);
		for (size_t k = 0; k < nd; k++) {
			dcs_sb_puts(b, "<td>");
			if (r->val[k]) {
				dcs_sb_puts(b, "<b>");
				dcs_sb_esc(b, r->val[k]);
				dcs_sb_puts(b, "</b>");
				char lift[256];
				if (lift_text(m, k, r->entity, lift, sizeof(lift))) {
					dcs_sb_puts(b, "<br>lifted by ");
					dcs_sb_esc(b, lift);
				}
			}
			dcs_sb_puts(b, "</td>");
		}
		dcs_sb_puts(b, "</tr>\n");
	}
	dcs_sb_puts(b, "</table>\n");
}

/* ---- charts ------------------------------------------------------------- */

static double cell_num(const struct dcs_csv *t, size_t r, long c)
{
	double v;
	if (c < 0 || !dcs_csv_num(dcs_csv_cell(t, r, (size_t)c), &v))
		return NAN;
	return v;
}

/* Index of s in a growing list of borrowed strings; adds it when absent. */
static long intern(const char ***list, size_t *n, size_t *cap, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return (long)i;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		const char **nl = realloc(*list, c * sizeof(char *));
		if (!nl)
			return -1;
		*list = nl;
		*cap = c;
	}
	(*list)[*n] = s;
	return (long)(*n)++;
}

static const char **labels_of(const struct rdir *d, size_t nd)
{
	const char **l = calloc(nd, sizeof(char *));
	for (size_t k = 0; l && k < nd; k++)
		l[k] = d[k].label;
	return l;
}

/* Bars of one column of migrations.csv per VM move, one bar per directory. */
static void migration_chart(struct dcs_sb *b, const struct rdir *d, size_t nd, const char *col,
			    const char *title, const char *ylabel)
{
	const char **groups = NULL;
	size_t ng = 0, gcap = 0;
	char **owned = NULL;
	size_t nowned = 0;
	/* Group key: "vm from→to", numbered when the same move repeats. */
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].migrations;
		if (!t)
			continue;
		long cv = dcs_csv_col(t, "vm"), cf = dcs_csv_col(t, "from"),
		     ct = dcs_csv_col(t, "to");
		for (size_t r = 0; cv >= 0 && r < t->nrows; r++) {
			char key[300];
			int rep = 1;
			for (size_t q = 0; q < r; q++)
				rep += strcmp(dcs_csv_cell(t, q, (size_t)cv),
					      dcs_csv_cell(t, r, (size_t)cv)) == 0;
			snprintf(key, sizeof(key), "%s %s→%s%s%.0d", dcs_csv_cell(t, r, (size_t)cv),
				 cf >= 0 ? dcs_csv_cell(t, r, (size_t)cf) : "",
				 ct >= 0 ? dcs_csv_cell(t, r, (size_t)ct) : "", rep > 1 ? " #" : "",
				 rep > 1 ? rep : 0);
			bool seen = false;
			for (size_t g = 0; g < ng && !seen; g++)
				seen = strcmp(groups[g], key) == 0;
			if (seen)
				continue;
			char **no = realloc(owned, (nowned + 1) * sizeof(char *));
			if (!no)
				goto out;
			owned = no;
			owned[nowned] = strdup(key);
			if (!owned[nowned] || intern(&groups, &ng, &gcap, owned[nowned]) < 0)
				goto out;
			nowned++;
		}
	}
	if (ng == 0)
		goto out;
	double *v = malloc(ng * nd * sizeof(double));
	const char **series = labels_of(d, nd);
	if (v && series) {
		for (size_t i = 0; i < ng * nd; i++)
			v[i] = NAN;
		for (size_t k = 0; k < nd; k++) {
			const struct dcs_csv *t = d[k].migrations;
			if (!t)
				continue;
			long cv = dcs_csv_col(t, "vm"), cf = dcs_csv_col(t, "from"),
			     ct = dcs_csv_col(t, "to"), cc = dcs_csv_col(t, col);
			for (size_t r = 0; cv >= 0 && r < t->nrows; r++) {
				char key[300];
				int rep = 1;
				for (size_t q = 0; q < r; q++)
					rep += strcmp(dcs_csv_cell(t, q, (size_t)cv),
						      dcs_csv_cell(t, r, (size_t)cv)) == 0;
				snprintf(key, sizeof(key), "%s %s→%s%s%.0d",
					 dcs_csv_cell(t, r, (size_t)cv),
					 cf >= 0 ? dcs_csv_cell(t, r, (size_t)cf) : "",
					 ct >= 0 ? dcs_csv_cell(t, r, (size_t)ct) : "",
					 rep > 1 ? " #" : "", rep > 1 ? rep : 0);
				for (size_t g = 0; g < ng; g++)
					if (strcmp(groups[g], key) == 0)
						v[g * nd + k] = cell_num(t, r, cc);
			}
		}
		struct dcs_chart c = {.title = title,
				      .xlabel = "VM (from→to)",
				      .ylabel = ylabel,
				      .y_from_zero = true};
		dcs_svg_bars(b, &c, groups, ng, series, nd, v);
	}
	free(v);
	free(series);
out:
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(groups);
}

static void storage_chart(struct dcs_sb *b, const struct rdir *d, size_t nd)
{
	static const char *const pcols[] = {"p50_ms", "p95_ms", "p99_ms"};
	char(*keys)[128] = NULL;
	size_t ng = 0;
	for (size_t k = 0; k < nd; k++)
		ng += d[k].storage ? d[k].storage->nrows * 3 : 0;
	if (!ng)
		return;
	keys = calloc(ng, sizeof(*keys));
	double *v = malloc(ng * nd * sizeof(double));
	const char **groups = calloc(ng, sizeof(char *));
	const char **series = labels_of(d, nd);
	size_t n = 0;
	if (!keys || !v || !groups || !series)
		goto out;
	for (size_t i = 0; i < ng * nd; i++)
		v[i] = NAN;
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].storage;
		if (!t)
			continue;
		long cs = dcs_csv_col(t, "site"), co = dcs_csv_col(t, "op");
		for (size_t r = 0; r < t->nrows; r++) {
			for (size_t p = 0; p < 3; p++) {
				double val = cell_num(t, r, dcs_csv_col(t, pcols[p]));
				if (isnan(val))
					continue;
				char key[128];
				snprintf(key, sizeof(key), "%s %s p%.2s",
					 cs >= 0 ? dcs_csv_cell(t, r, (size_t)cs) : "?",
					 co >= 0 ? dcs_csv_cell(t, r, (size_t)co) : "?",
					 pcols[p] + 1);
				size_t g = 0;
				while (g < n && strcmp(keys[g], key) != 0)
					g++;
				if (g == n) {
					snprintf(keys[n], sizeof(keys[n]), "%s", key);
					groups[n] = keys[n];
					n++;
				}
				v[g * nd + k] = val;
			}
		}
	}
	if (n) {
		struct dcs_chart c = {.title = "Storage latency percentiles (storage.csv)",
				      .xlabel = "site, operation, percentile",
				      .ylabel = "latency (ms)",
				      .y_from_zero = true};
		dcs_svg_bars(b, &c, groups, n, series, nd, v);
	}
out:
	free(keys);
	free(v);
	free(groups);
	free(series);
}

/* One chart per link direction that carried traffic in any directory. */
static void links_charts(struct dcs_sb *b, const struct rdir *d, size_t nd)
{
	const char **keys = NULL;
	size_t nk = 0, kcap = 0;
	char **owned = NULL;
	size_t nowned = 0;
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].links;
		if (!t)
			continue;
		long cl = dcs_csv_col(t, "link"), cd = dcs_csv_col(t, "dir"),
		     cu = dcs_csv_col(t, "utilization");
		for (size_t r = 0; cl >= 0 && cu >= 0 && r < t->nrows; r++) {
			double u = cell_num(t, r, cu);
			if (!(u > 0))
				continue;
			char key[256];
			snprintf(key, sizeof(key), "%s %s", dcs_csv_cell(t, r, (size_t)cl),
				 cd >= 0 ? dcs_csv_cell(t, r, (size_t)cd) : "");
			bool seen = false;
			for (size_t i = 0; i < nk && !seen; i++)
				seen = strcmp(keys[i], key) == 0;
			if (seen || nk >= MAX_LINK_CHARTS)
				continue;
			char **no = realloc(owned, (nowned + 1) * sizeof(char *));
			if (!no)
				goto out;
			owned = no;
			owned[nowned] = strdup(key);
			if (!owned[nowned] || intern(&keys, &nk, &kcap, owned[nowned]) < 0)
				goto out;
			nowned++;
		}
	}
	for (size_t i = 0; i < nk; i++) {
		struct dcs_series *s = calloc(nd, sizeof(*s));
		double **xs = calloc(nd, sizeof(double *)), **ys = calloc(nd, sizeof(double *));
		if (!s || !xs || !ys) {
			free(s);
			free(xs);
			free(ys);
			goto out;
		}
		for (size_t k = 0; k < nd; k++) {
			s[k].label = d[k].label;
			const struct dcs_csv *t = d[k].links;
			if (!t)
				continue;
			long ctime = dcs_csv_col(t, "time_s"), cl = dcs_csv_col(t, "link"),
			     cd = dcs_csv_col(t, "dir"), cu = dcs_csv_col(t, "utilization");
			size_t cnt = 0;
			for (size_t r = 0; cl >= 0 && r < t->nrows; r++) {
				char key[256];
				snprintf(key, sizeof(key), "%s %s", dcs_csv_cell(t, r, (size_t)cl),
					 cd >= 0 ? dcs_csv_cell(t, r, (size_t)cd) : "");
				cnt += strcmp(key, keys[i]) == 0;
			}
			size_t stride = cnt > MAX_LINE_POINTS
					    ? (cnt + MAX_LINE_POINTS - 1) / MAX_LINE_POINTS
					    : 1;
			xs[k] = malloc((cnt / stride + 2) * sizeof(double));
			ys[k] = malloc((cnt / stride + 2) * sizeof(double));
			if (!xs[k] || !ys[k])
				continue;
			size_t seen = 0;
			for (size_t r = 0; cl >= 0 && r < t->nrows; r++) {
				char key[256];
				snprintf(key, sizeof(key), "%s %s", dcs_csv_cell(t, r, (size_t)cl),
					 cd >= 0 ? dcs_csv_cell(t, r, (size_t)cd) : "");
				if (strcmp(key, keys[i]) != 0)
					continue;
				if (seen++ % stride)
					continue;
				xs[k][s[k].n] = cell_num(t, r, ctime);
				ys[k][s[k].n] = 100 * cell_num(t, r, cu);
				s[k].n++;
			}
			s[k].x = xs[k];
			s[k].y = ys[k];
		}
		char title[320];
		snprintf(title, sizeof(title), "Link utilisation over time: %s (links.csv)",
			 keys[i]);
		struct dcs_chart c = {.title = title,
				      .xlabel = "simulated time (s)",
				      .ylabel = "utilisation (%)",
				      .y_from_zero = true};
		dcs_svg_lines(b, &c, s, nd);
		for (size_t k = 0; k < nd; k++) {
			free(xs[k]);
			free(ys[k]);
		}
		free(xs);
		free(ys);
		free(s);
	}
out:
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(keys);
}

/* Path states as a timeline: one row per directory, service and client
 * site; a sample's state lasts until the next sample of the same row. */
static void paths_chart(struct dcs_sb *b, const struct rdir *d, size_t nd)
{
	static const char *const states[] = {"optimal", "trombone", "unreachable", "other"};
	static const char *const colors[] = {"#009E73", "#E69F00", "#D55E00", "#999999"};
	char **rows = NULL;
	size_t nrows = 0;
	struct dcs_span *spans = NULL;
	size_t nspans = 0, scap = 0;
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].paths;
		if (!t)
			continue;
		long ctime = dcs_csv_col(t, "time_s"), csv = dcs_csv_col(t, "service"),
		     ccl = dcs_csv_col(t, "client_site"), cst = dcs_csv_col(t, "state");
		if (ctime < 0 || cst < 0)
			continue;
		size_t row0 = nrows;
		/* Per row: the open span. */
		for (size_t r = 0; r < t->nrows; r++) {
			char name[400];
			snprintf(name, sizeof(name), "%s: %s @ %s", d[k].label,
				 csv >= 0 ? dcs_csv_cell(t, r, (size_t)csv) : "",
				 ccl >= 0 ? dcs_csv_cell(t, r, (size_t)ccl) : "");
			size_t row = row0;
			while (row < nrows && strcmp(rows[row], name) != 0)
				row++;
			if (row == nrows) {
				char **nr = realloc(rows, (nrows + 1) * sizeof(char *));
				if (!nr)
					goto out;
				rows = nr;
				rows[nrows] = strdup(name);
				if (!rows[nrows])
					goto out;
				nrows++;
			}
			double tm = cell_num(t, r, ctime);
			const char *st = dcs_csv_cell(t, r, (size_t)cst);
			size_t s = 0;
			while (s < 3 && strcmp(states[s], st) != 0)
				s++;
			if (!isfinite(tm))
				continue;
			/* The previous span of this row ends here. */
			long last = -1;
			for (size_t q = nspans; q-- > 0;) {
				if (spans[q].row == row) {
					last = (long)q;
					break;
				}
			}
			if (last >= 0) {
				spans[last].t1 = tm;
				if (spans[last].state == s)
					continue; /* same state: the span goes on */
			}
			if (nspans == scap) {
				scap = scap ? scap * 2 : 256;
				struct dcs_span *ns = realloc(spans, scap * sizeof(*ns));
				if (!ns)
					goto out;
				spans = ns;
			}
			spans[nspans++] =
			    (struct dcs_span){.row = row, .t0 = tm, .t1 = tm, .state = s};
		}
	}
	if (nrows && nspans) {
		struct dcs_chart c = {.title = "Path state over time (paths.csv)",
				      .xlabel = "simulated time (s)",
				      .width = 1000};
		dcs_svg_timeline(b, &c, (const char *const *)rows, nrows, spans, nspans, states,
				 colors, 4);
	}
out:
	for (size_t i = 0; i < nrows; i++)
		free(rows[i]);
	free(rows);
	free(spans);
}

/* Sweeps: a metric's mean (with its 95% CI) against the first numeric swept
 * parameter, one line per value of the others (per technology, typically). */
struct sweep_axes {
	long xcol;   /* the numeric parameter */
	long metric; /* column of "metric" */
	long mean, lo, hi;
};

static bool sweep_axes_of(const struct dcs_csv *t, struct sweep_axes *ax)
{
	ax->metric = dcs_csv_col(t, "metric");
	ax->mean = dcs_csv_col(t, "mean");
	ax->lo = dcs_csv_col(t, "ci95_low");
	ax->hi = dcs_csv_col(t, "ci95_high");
	ax->xcol = -1;
	if (ax->metric < 2 || ax->mean < 0)
		return false;
	for (long c = 1; c < ax->metric && ax->xcol < 0; c++) {
		bool num = t->nrows > 0;
		for (size_t r = 0; r < t->nrows && num; r++)
			num = !isnan(cell_num(t, r, c));
		if (num)
			ax->xcol = c;
	}
	return ax->xcol >= 0;
}

/* Does a metric's mean vary across the sweep's points? */
static bool metric_varies(const struct dcs_csv *t, const struct sweep_axes *ax, const char *m)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(dcs_csv_cell(t, r, (size_t)ax->metric), m) != 0)
			continue;
		double v = cell_num(t, r, ax->mean);
		lo = fmin(lo, v);
		hi = fmax(hi, v);
	}
	return hi > lo;
}

static int metric_rank(const char *m)
{
	static const char *const pref[] = {"latency",     "rtt",      "downtime",
					   "total_s",     "goodput",  "trombone",
					   "unavailable", "makespan", "rto"};
	for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++)
		if (strstr(m, pref[i]))
			return (int)i;
	return 100;
}

static void sweep_charts(struct dcs_sb *b, const struct rdir *d, size_t nd,
			 const struct dcs_compare_opts *o)
{
	/* The metrics to draw: asked for, or the most telling that vary. */
	const char **metrics = NULL;
	size_t nm = 0, mcap = 0;
	for (size_t i = 0; i < o->n_metrics; i++)
		intern(&metrics, &nm, &mcap, o->metrics[i]);
	if (nm == 0) {
		/* Preferred kinds first (metric_rank 0..8), then any other metric
		 * with a direction, each pass in file order. */
		for (int pass = 0; pass <= 9 && nm < MAX_SWEEP_CHARTS; pass++) {
			int want = pass < 9 ? pass : 100;
			for (size_t k = 0; k < nd && nm < MAX_SWEEP_CHARTS; k++) {
				const struct dcs_csv *t = d[k].stats;
				struct sweep_axes ax;
				if (!t || !sweep_axes_of(t, &ax))
					continue;
				for (size_t r = 0; r < t->nrows && nm < MAX_SWEEP_CHARTS; r++) {
					const char *m = dcs_csv_cell(t, r, (size_t)ax.metric);
					if (metric_rank(m) != want ||
					    (want == 100 && dcs_metric_direction(m) == 0))
						continue;
					if (metric_varies(t, &ax, m))
						intern(&metrics, &nm, &mcap, m);
				}
			}
		}
	}
	for (size_t i = 0; i < nm; i++) {
		/* Series: one per directory and combination of the other parameters. */
		struct dcs_series *s = NULL;
		char **labels = NULL;
		double **buf = NULL;
		size_t ns = 0;
		const char *xname = NULL;
		for (size_t k = 0; k < nd; k++) {
			const struct dcs_csv *t = d[k].stats;
			struct sweep_axes ax;
			if (!t || !sweep_axes_of(t, &ax))
				continue;
			xname = t->header[ax.xcol];
			for (size_t r = 0; r < t->nrows; r++) {
				if (strcmp(dcs_csv_cell(t, r, (size_t)ax.metric), metrics[i]) != 0)
					continue;
				char lab[512];
				size_t n = (size_t)snprintf(lab, sizeof(lab), "%s",
							    nd > 1 ? d[k].label : "");
				for (long c = 1; c < ax.metric && n < sizeof(lab); c++)
					if (c != ax.xcol)
						n += (size_t)snprintf(
						    lab + n, sizeof(lab) - n, "%s%s", n ? " " : "",
						    dcs_csv_cell(t, r, (size_t)c));
				if (!lab[0])
					snprintf(lab, sizeof(lab), "%s", d[k].label);
				size_t si = 0;
				while (si < ns && strcmp(labels[si], lab) != 0)
					si++;
				if (si == ns) {
					struct dcs_series *nsr = realloc(s, (ns + 1) * sizeof(*s));
					if (nsr)
						s = nsr;
					char **nl = realloc(labels, (ns + 1) * sizeof(char *));
					if (nl)
						labels = nl;
					double **nb = realloc(buf, (ns + 1) * sizeof(double *));
					if (nb)
						buf = nb;
					double *arr = calloc(4 * t->nrows + 4, sizeof(double));
					char *ls = strdup(lab);
					if (!nsr || !nl || !nb || !arr || !ls) {
						free(arr);
						free(ls);
						goto next;
					}
					labels[ns] = ls;
					buf[ns] = arr;
					s[ns] = (struct dcs_series){.label = ls,
								    .x = arr,
								    .y = arr + t->nrows + 1,
								    .lo = arr + 2 * (t->nrows + 1),
								    .hi = arr + 3 * (t->nrows + 1)};
					ns++;
				}
				double *arr = buf[si];
				size_t j = s[si].n++;
				arr[j] = cell_num(t, r, ax.xcol);
				arr[t->nrows + 1 + j] = cell_num(t, r, ax.mean);
				arr[2 * (t->nrows + 1) + j] = cell_num(t, r, ax.lo);
				arr[3 * (t->nrows + 1) + j] = cell_num(t, r, ax.hi);
			}
		}
		/* Points in x order (stable, so equal x keep their file order). */
		for (size_t si = 0; si < ns; si++) {
			double *x = (double *)s[si].x, *y = (double *)s[si].y;
			double *lo = (double *)s[si].lo, *hi = (double *)s[si].hi;
			for (size_t a = 1; a < s[si].n; a++)
				for (size_t c = a; c > 0 && x[c - 1] > x[c]; c--) {
					double tx = x[c], ty = y[c], tl = lo[c], tu = hi[c];
					x[c] = x[c - 1], y[c] = y[c - 1], lo[c] = lo[c - 1],
					hi[c] = hi[c - 1];
					x[c - 1] = tx, y[c - 1] = ty, lo[c - 1] = tl,
					      hi[c - 1] = tu;
				}
		}
		if (ns && xname) {
			char title[400], xl[300], yl[300];
			snprintf(title, sizeof(title),
				 "%s against %s (sweep_stats.csv, mean and 95%% CI)", metrics[i],
				 xname);
			axis_text(xl, sizeof(xl), xname, unit_of_name(xname));
			axis_text(yl, sizeof(yl), metrics[i], unit_of_name(metrics[i]));
			struct dcs_chart c = {.title = title, .xlabel = xl, .ylabel = yl};
			dcs_svg_lines(b, &c, s, ns);
		}
	next:
		for (size_t si = 0; si < ns; si++) {
			free(labels[si]);
			free(buf[si]);
		}
		free(labels);
		free(buf);
		free(s);
	}
	free(metrics);
}

static void charts_section(struct dcs_sb *b, const struct rdir *d, size_t nd,
			   const struct dcs_compare_opts *o)
{
	bool mig = false, sto = false, lnk = false, pth = false, swp = false;
	for (size_t k = 0; k < nd; k++) {
		mig = mig || (d[k].migrations && d[k].migrations->nrows);
		sto = sto || (d[k].storage && d[k].storage->nrows);
		lnk = lnk || (d[k].links && d[k].links->nrows);
		pth = pth || (d[k].paths && d[k].paths->nrows);
		swp = swp || (d[k].stats && d[k].stats->nrows);
	}
	if (!(mig || sto || lnk || pth || swp))
		return;
	dcs_sb_puts(b, "<h2>Charts</h2>\n");
	if (mig) {
		dcs_sb_puts(b, "<h3>Live migrations</h3>\n");
		migration_chart(b, d, nd, "total_s", "Migration time per VM (migrations.csv)",
				"migration time (s)");
		migration_chart(b, d, nd, "downtime_ms", "Downtime per VM (migrations.csv)",
				"downtime (ms)");
	}
	if (sto) {
		dcs_sb_puts(b, "<h3>Storage</h3>\n");
		storage_chart(b, d, nd);
	}
	if (lnk) {
		dcs_sb_puts(b, "<h3>Links</h3>\n");
		links_charts(b, d, nd);
	}
	if (pth) {
		dcs_sb_puts(b, "<h3>Client paths</h3>\n");
		paths_chart(b, d, nd);
	}
	if (swp) {
		dcs_sb_puts(b, "<h3>Sweeps</h3>\n");
		sweep_charts(b, d, nd, o);
	}
}

static char *base_label(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *s = path + n;
	while (s > path && s[-1] != '/')
		s--;
	size_t len = (size_t)(path + n - s);
	char *l = malloc(len + 1);
	if (l) {
		memcpy(l, s, len);
		l[len] = '\0';
	}
	return l;
}

int dcs_compare_dirs(const char *const *dirs, size_t n, const struct dcs_compare_opts *o, FILE *err)
{
	struct rdir *d = calloc(n, sizeof(*d));
	char **owned = calloc(n, sizeof(char *));
	struct mtable m = {0};
	struct dcs_sb b = {0};
	int rc = 0;
	if (!d || !owned) {
		fprintf(err, "dcisim compare: error: out of memory\n");
		rc = 3;
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		d[k].path = dirs[k];
		if (o->labels && o->labels[k]) {
			d[k].label = o->labels[k];
			continue;
		}
		owned[k] = base_label(dirs[k]);
		d[k].label = owned[k] ? owned[k] : dirs[k];
	}
	/* Two directories with one base name are told apart by their paths. */
	for (size_t k = 0; k < n; k++) {
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = j != k && owned[k] && owned[j] && strcmp(owned[k], owned[j]) == 0;
		if (dup)
			d[k].label = d[k].path;
	}
	for (size_t k = 0; k < n && !rc; k++)
		rc = load_dir(&d[k], err);
	if (rc)
		goto out;
	if (collect_metrics(&m, d, n) != 0) {
		fprintf(err, "dcisim compare: error: out of memory\n");
		rc = 3;
		goto out;
	}
	if (dcs_mkdir_p(o->out_dir) != 0) {
		fprintf(err, "dcisim compare: error: cannot create %s: %s\n", o->out_dir,
			strerror(errno));
		rc = 3;
		goto out;
	}
	rc = write_compare_csv(o->out_dir, &m, d, n, err);
	if (rc)
		goto out;

	dcs_sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<title>dcisim comparison: ");
	for (size_t k = 0; k < n; k++) {
		if (k)
			dcs_sb_puts(&b, " vs ");
		dcs_sb_esc(&b, d[k].label);
	}
	dcs_sb_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	dcs_sb_puts(&b, "<h1>dcisim comparison: ");
	for (size_t k = 0; k < n; k++) {
		if (k)
			dcs_sb_puts(&b, " vs ");
		dcs_sb_esc(&b, d[k].label);
	}
	dcs_sb_puts(&b, "</h1>\n<p class=\"note\">Written by dcisim " DCISIM_VERSION
			". Every chart is drawn from the CSV files named in its title; "
			"the same numbers are in compare.csv beside this file.</p>\n");
	runs_section(&b, d, n);
	params_section(&b, d, n);
	bottlenecks_section(&b, &m, d, n);
	metrics_section(&b, &m, d, n);
	charts_section(&b, d, n, o);
	dcs_sb_puts(&b, "</body>\n</html>\n");
	if (b.oom) {
		fprintf(err, "dcisim compare: error: out of memory writing the report\n");
		rc = 3;
		goto out;
	}
	if (dcs_write_file_atomic(o->out_dir, "report.html", b.s, b.len, err) != 0)
		rc = 3;
out:
	free(b.s);
	mtable_free(&m);
	for (size_t k = 0; d && k < n; k++)
		free_dir(&d[k]);
	for (size_t k = 0; owned && k < n; k++)
		free(owned[k]);
	free(owned);
	free(d);
	return rc;
}
