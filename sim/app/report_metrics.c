/*
 * The comparison report's metric rows (compare.h): every directory's
 * summary metrics (or a sweep's statistics) side by side, and compare.csv
 * with each directory's difference from the first; metric names, units and
 * which way is better.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "dcisim/exitcode.h"
#include "dcisim/metrics.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "dcisim/world.h"

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
const char *rep_unit_of_name(const char *name)
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

void rep_axis_text(char *buf, size_t len, const char *name, const char *unit)
{
	if (unit && *unit)
		snprintf(buf, len, "%s (%s)", name, unit);
	else
		snprintf(buf, len, "%s", name);
}

/* ---- the metric rows both outputs share ---------------------------------- */

long rep_mtable_find(const struct mtable *m, const char *metric, const char *entity)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->rows[i].metric, metric) && !strcmp(m->rows[i].entity, entity))
			return (long)i;
	return -1;
}

static int mtable_put(struct mtable *m, size_t dir, const char *metric, const char *entity,
		      const char *unit, const char *value)
{
	long i = rep_mtable_find(m, metric, entity);
	if (i >= 0 && m->rows[i].val[dir]) {
		/* The same metric twice in one directory: keep both, numbered. */
		char e2[512];
		for (int k = 2; i >= 0 && m->rows[i].val[dir]; k++) {
			snprintf(e2, sizeof(e2), "%s#%d", entity, k);
			i = rep_mtable_find(m, metric, e2);
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

void rep_mtable_free(struct mtable *m)
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

int rep_collect_metrics(struct mtable *m, struct rdir *d, size_t nd)
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
					       unit[0] ? unit : rep_unit_of_name(metric),
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
int rep_write_compare_csv(const char *out, const struct mtable *m, const struct rdir *d, size_t nd,
			  FILE *err)
{
	struct dcs_buf h = {0};
	dcs_buf_puts(&h, "metric,entity,unit");
	for (size_t k = 0; k < nd; k++) {
		char lab[256];
		snprintf(lab, sizeof(lab), "%s", d[k].label);
		sanitize(lab);
		dcs_buf_printf(&h, ",%s", lab);
	}
	for (size_t k = 1; k < nd; k++) {
		char lab[256];
		snprintf(lab, sizeof(lab), "%s", d[k].label);
		sanitize(lab);
		dcs_buf_printf(&h, ",abs_diff_%s,rel_diff_%s", lab, lab);
	}
	struct dcs_results *res = dcs_results_create();
	if (h.oom || !res) {
		free(h.s);
		dcs_results_destroy(res);
		fprintf(err, "dcisim compare: error: out of memory\n");
		return DCS_EXIT_RUNTIME;
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
	int rc = dcs_write_table(out, t, err) == 0 ? DCS_EXIT_OK : DCS_EXIT_RUNTIME;
	dcs_results_destroy(res);
	return rc;
}

const char *dcs_report_unit_of_name(const char *name)
{
	return rep_unit_of_name(name);
}
