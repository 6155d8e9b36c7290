/*
 * dcisim survive: the failure set, the default time to strike, and the
 * judgement of each run against the baseline (contract in survive.h).
 */
#include "survive.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/csvread.h"
#include "dcisim/faultkinds.h"
#include "dcisim/hash.h"
#include "human.h"

/* ---- the failure set -------------------------------------------------------- */

static bool seen_site(const int *sites, size_t n, int s)
{
	for (size_t i = 0; i < n; i++)
		if (sites[i] == s)
			return true;
	return false;
}

static bool node_id_unique(const struct dcs_scenario *s, const char *id)
{
	size_t n = 0;
	for (size_t c = 0; c < s->n_clusters; c++)
		for (size_t k = 0; k < s->clusters[c].n_nodes; k++)
			n += !strcmp(s->clusters[c].nodes[k].id, id);
	return n == 1;
}

size_t dcs_survive_unnamed(const struct dcs_scenario *s)
{
	size_t n = 0;
	for (size_t c = 0; c < s->n_clusters; c++)
		for (size_t k = 0; k < s->clusters[c].n_nodes; k++)
			n += !node_id_unique(s, s->clusters[c].nodes[k].id);
	return n;
}

size_t dcs_survive_singles(const struct dcs_scenario *s, struct dcs_failure *out)
{
	size_t n = 0;
#define ADD(k, t, st)                                                                              \
	do {                                                                                       \
		if (out)                                                                           \
			out[n] = (struct dcs_failure){.kind = (k), .target = (t), .site = (st)};   \
		n++;                                                                               \
	} while (0)
	for (size_t l = 0; l < s->n_links; l++)
		ADD(DCS_FAULT_LINK_DOWN, s->links[l].id, -1);
	/* Losing the only site of a one-site scenario is no design question. */
	for (size_t i = 0; s->n_sites > 1 && i < s->n_sites; i++)
		ADD(DCS_FAULT_SITE_DOWN, s->sites[i].id, (int)i);
	/* A node_down names its node by id: a node whose id another cluster
	 * also uses cannot be named, and is left out (dcs_survive_unnamed). */
	for (size_t c = 0; c < s->n_clusters; c++)
		for (size_t k = 0; k < s->clusters[c].n_nodes; k++)
			if (node_id_unique(s, s->clusters[c].nodes[k].id))
				ADD(DCS_FAULT_NODE_DOWN, s->clusters[c].nodes[k].id, -1);
	int *seen = calloc(s->n_sites + 1, sizeof(int));
	size_t ns = 0;
	for (size_t a = 0; s->storage.present && seen && a < s->storage.n_arrays; a++) {
		int site = s->storage.arrays[a].site;
		if (seen_site(seen, ns, site))
			continue;
		seen[ns++] = site;
		ADD(DCS_FAULT_ARRAY_DOWN, s->sites[site].id, -1);
	}
	/* Witnesses: the storage's, then each cluster's, each site once. */
	ns = 0;
	if (seen && s->storage.present && s->storage.witness_site >= 0) {
		seen[ns++] = s->storage.witness_site;
		ADD(DCS_FAULT_WITNESS_DOWN, s->sites[s->storage.witness_site].id, -1);
	}
	for (size_t c = 0; seen && c < s->n_clusters; c++) {
		int site = s->clusters[c].witness_site;
		if (site < 0 || seen_site(seen, ns, site))
			continue;
		seen[ns++] = site;
		ADD(DCS_FAULT_WITNESS_DOWN, s->sites[site].id, -1);
	}
#undef ADD
	free(seen);
	return n;
}

size_t dcs_survive_count(size_t n, int depth)
{
	return depth == 2 ? n * (n ? n - 1 : 0) / 2 : n;
}

void dcs_survive_pair(size_t n, size_t k, size_t *i, size_t *j)
{
	size_t a = 0;
	while (k >= n - 1 - a) {
		k -= n - 1 - a;
		a++;
	}
	*i = a;
	*j = a + 1 + k;
}

void dcs_failure_label(const struct dcs_failure *f, char *buf, size_t len)
{
	const struct dcs_fault_kind_info *k = dcs_fault_kind(f->kind);
	snprintf(buf, len, "%s %s", k ? k->name : "fault", f->target ? f->target : "");
}

const char *dcs_survive_unfit(const struct dcs_scenario *s, size_t n_singles)
{
	bool judged = s->n_migrations || s->n_services || s->n_clusters ||
		      (s->storage.present && s->storage.n_workloads);
	if (n_singles == 0)
		return "nothing to fail: the scenario has one site and no links, cluster nodes, "
		       "storage arrays or witness";
	if (!judged)
		return "nothing to judge: survive measures what failures do to services, storage "
		       "workloads, clusters and migrations, and the scenario has none";
	return NULL;
}

/* ---- when to strike ------------------------------------------------------------ */

static const char *run_value(const struct dcs_sweep_run *r, const char *name)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (!strcmp(r->names[i], name))
			return r->values[i];
	return NULL;
}

static double middle_of_first(const struct dcs_scenario *s, const struct dcs_sweep_run *baseline,
			      char *why, size_t len)
{
	double end = s->duration_s;
	if (s->n_migrations) {
		size_t first = 0;
		for (size_t i = 1; i < s->n_migrations; i++)
			if (s->migrations[i].at_s < s->migrations[first].at_s)
				first = i;
		const struct dcs_migration_cfg *m = &s->migrations[first];
		char what[256];
		if (m->vm >= 0)
			snprintf(what, sizeof(what), "%s to %s", s->vms[m->vm].id,
				 s->sites[m->to].id);
		else
			snprintf(what, sizeof(what), "the evacuation of %s to %s",
				 s->sites[m->evacuate].id, s->sites[m->to].id);
		char name[64];
		snprintf(name, sizeof(name), "plan_makespan_s[migrations[%zu]]", first);
		const char *v = run_value(baseline, name);
		double took;
		if (v && dcs_csv_num(v, &took) && took >= 0 && m->at_s + took <= end) {
			snprintf(why, len,
				 "the middle of migrations[%zu] (%s): it starts at %g s and takes "
				 "%.3g s in the baseline",
				 first, what, m->at_s, took);
			return m->at_s + took / 2;
		}
		snprintf(
		    why, len,
		    "the middle of the rest of the run after migrations[%zu] (%s) starts at %g "
		    "s: it does not finish in the baseline",
		    first, what, m->at_s);
		return m->at_s + (end - m->at_s) / 2;
	}
	if (s->storage.present && s->storage.n_workloads) {
		size_t first = 0;
		for (size_t i = 1; i < s->storage.n_workloads; i++)
			if (s->storage.workloads[i].start_s < s->storage.workloads[first].start_s)
				first = i;
		const struct dcs_workload_cfg *w = &s->storage.workloads[first];
		double stop = isnan(w->for_s) ? end : fmin(end, w->start_s + w->for_s);
		snprintf(why, len,
			 "the middle of storage.workloads[%zu]'s I/O (from %g s to %g s): no "
			 "migration",
			 first, w->start_s, stop);
		return w->start_s + (stop - w->start_s) / 2;
	}
	snprintf(why, len, "the middle of the run: no migration or storage workload");
	return end / 2;
}

double dcs_survive_default_at(const struct dcs_scenario *s, const struct dcs_sweep_run *baseline,
			      char *why, size_t len)
{
	/* A time a person can type into a fault: tenths of a second. */
	double at = middle_of_first(s, baseline, why, len);
	double r = round(at * 10) / 10;
	return r < s->duration_s ? r : floor(at * 10) / 10;
}

/* ---- judging ----------------------------------------------------------------- */

/* (metric, entity) -> column, by FNV-1a with open addressing. */
struct index {
	size_t *slots; /* column + 1, 0 empty */
	size_t n;      /* a power of two */
};

/* The hash of a (metric, entity) pair: the two with a separator. */
static uint64_t hash2(const char *a, size_t na, const char *b, size_t nb)
{
	return dcs_hash64(b, nb, dcs_hash64("\x1f", 1, dcs_hash64(a, na, 0)));
}

/* A sweep column "metric[entity]#k" split: metric, and the entity without
 * its occurrence suffix ("db#1" -> "db"). */
struct name_parts {
	const char *metric, *entity;
	size_t metric_len, entity_len;
};

static void split_name(const char *name, struct name_parts *p)
{
	const char *br = strchr(name, '[');
	const char *close = strrchr(name, ']');
	p->metric = name;
	if (!br || !close || close < br) {
		const char *hash = strchr(name, '#');
		p->metric_len = hash ? (size_t)(hash - name) : strlen(name);
		p->entity = "";
		p->entity_len = 0;
		return;
	}
	p->metric_len = (size_t)(br - name);
	p->entity = br + 1;
	p->entity_len = (size_t)(close - br - 1);
	/* "db#1": the first outage of db. */
	for (size_t i = p->entity_len; i-- > 0;) {
		char c = p->entity[i];
		if (c == '#' && i + 1 < p->entity_len) {
			p->entity_len = i;
			break;
		}
		if (c < '0' || c > '9')
			break;
	}
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

struct builder {
	struct dcs_survive_table *t;
	struct index ix;
	size_t cap_cols;
};

static long find_col(const struct builder *B, const struct name_parts *p)
{
	if (!B->ix.n)
		return -1;
	for (size_t i = hash2(p->metric, p->metric_len, p->entity, p->entity_len) & (B->ix.n - 1);;
	     i = (i + 1) & (B->ix.n - 1)) {
		size_t s = B->ix.slots[i];
		if (!s)
			return -1;
		const struct dcs_survive_col *c = &B->t->cols[s - 1];
		const char *e = c->entity;
		if (strlen(c->metric) == p->metric_len &&
		    !strncmp(c->metric, p->metric, p->metric_len) && strlen(e) == p->entity_len &&
		    !strncmp(e, p->entity, p->entity_len))
			return (long)(s - 1);
	}
}

static int index_put(struct builder *B, size_t col)
{
	struct dcs_survive_table *t = B->t;
	if ((t->n_cols + 1) * 2 > B->ix.n) {
		size_t n = B->ix.n ? B->ix.n * 2 : 256;
		size_t *sl = calloc(n, sizeof(size_t));
		if (!sl)
			return -1;
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *m = t->cols[c].metric, *e = t->cols[c].entity;
			size_t i = hash2(m, strlen(m), e, strlen(e)) & (n - 1);
			while (sl[i])
				i = (i + 1) & (n - 1);
			sl[i] = c + 1;
		}
		free(B->ix.slots);
		B->ix = (struct index){sl, n};
	}
	const char *m = t->cols[col].metric, *e = t->cols[col].entity;
	size_t i = hash2(m, strlen(m), e, strlen(e)) & (B->ix.n - 1);
	while (B->ix.slots[i])
		i = (i + 1) & (B->ix.n - 1);
	B->ix.slots[i] = col + 1;
	return 0;
}

static bool judged_metric(const struct dcs_criteria *cr, const struct dcs_catalog *cat,
			  const struct dcs_metric_def *d)
{
	if (!d || d->kind == DCS_METRIC_SETTING || dcs_criteria_ignores(cr, d->name))
		return false;
	const struct dcs_metric_family *F = dcs_catalog_metric_family(cat, d->name);
	return !(F && dcs_criteria_ignores(cr, F->producer));
}

static long add_col(struct builder *B, const struct name_parts *p, const struct dcs_criteria *cr,
		    const struct dcs_catalog *cat)
{
	struct dcs_survive_table *t = B->t;
	if (t->n_cols == B->cap_cols) {
		size_t cap = B->cap_cols ? 2 * B->cap_cols : 128;
		struct dcs_survive_col *nc = realloc(t->cols, cap * sizeof(*nc));
		if (!nc)
			return -1;
		t->cols = nc;
		B->cap_cols = cap;
	}
	char *e = dup_n(p->entity, p->entity_len);
	char *m = dup_n(p->metric, p->metric_len);
	if (!e || !m) {
		free(e);
		free(m);
		return -1;
	}
	const struct dcs_metric_def *d = dcs_catalog_metric(cat, m);
	t->cols[t->n_cols] = (struct dcs_survive_col){
	    .metric = m, .entity = e, .ent = -1, .def = d, .judged = judged_metric(cr, cat, d)};
	/* Owned by the table from here: freed with it on any error. */
	t->n_cols++;
	return index_put(B, t->n_cols - 1) == 0 ? (long)t->n_cols - 1 : -1;
}

static bool num_of(const char *s, double *x)
{
	return s && dcs_csv_num(s, x);
}

/* Is a worse than b for a metric whose better direction is `better`? */
static bool worse_value(int better, const char *a, const char *b)
{
	double x, y;
	if (!num_of(a, &x) || !num_of(b, &y))
		return false;
	return better < 0 ? x > y : better > 0 ? x < y : false;
}

/* How much worse x is than b, in the metric's unit (negative: better). */
static double worsening(int better, double x, double b)
{
	return better < 0 ? x - b : b - x;
}

static bool in_list(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* The verdict one figure gives, and its weight for choosing the cause
 * (rules by their order, then figures by their relative worsening). */
static enum dcs_verdict judge_one(const struct dcs_survive_col *c, const char *base,
				  const char *val, const struct dcs_criteria *cr, double *weight)
{
	const struct dcs_metric_def *d = c->def;
	enum dcs_verdict v = DCS_VERDICT_SURVIVES;
	*weight = 0;
	const struct dcs_criteria_rule *r = dcs_criteria_rule(cr, d->name);
	/* A metric the criteria name is the likelier cause, at any verdict. */
	double rule_weight = r ? 1e300 / (double)(1 + (r - cr->rules)) : 0;
	if (r && r->kind == DCS_RULE_IS) {
		if (in_list(r->is, r->n_is, val) && !in_list(r->is, r->n_is, base)) {
			v = r->verdict;
			*weight = rule_weight;
		}
		return v;
	}
	if (r && (r->kind == DCS_RULE_ABOVE || r->kind == DCS_RULE_BELOW)) {
		/* Past the limit with the failure and not without it; the limit
		 * replaces the generic tolerance. */
		double x, b;
		bool up = r->kind == DCS_RULE_ABOVE;
		bool past = num_of(val, &x) && (up ? x > r->limit : x < r->limit);
		bool was = num_of(base, &b) && (up ? b > r->limit : b < r->limit);
		if (past && !was) {
			v = r->verdict;
			*weight = rule_weight;
		}
		return v;
	}
	if (d->kind == DCS_METRIC_LABEL || d->better == DCS_BETTER_NEUTRAL)
		return v;
	double b = 0, x = 0;
	bool hb = num_of(base, &b), hx = num_of(val, &x);
	if (r && (hb || hx) && worsening(d->better, x, b) > r->worse_by) {
		v = r->verdict;
		*weight = rule_weight;
	}
	if (hb && hx && v < DCS_VERDICT_DEGRADED) {
		double w = worsening(d->better, x, b);
		double atol = dcs_criteria_atol(cr, d->unit);
		if (w > fmax(atol, cr->rtol * fabs(b))) {
			v = DCS_VERDICT_DEGRADED;
			*weight =
			    r ? rule_weight : fmin(w / fmax(fabs(b), fmax(atol, 1e-12)), 1e200);
		}
	}
	return v;
}

void dcs_survive_table_free(struct dcs_survive_table *t)
{
	if (!t)
		return;
	for (size_t c = 0; c < t->n_cols; c++) {
		free(t->cols[c].metric);
		free(t->cols[c].entity);
	}
	free(t->cols);
	for (size_t e = 0; e < t->n_entities; e++)
		free(t->entities[e]);
	free(t->entities);
	free(t->val);
	free(t->colv);
	free(t->entv);
	free(t->down);
	free(t->rowv);
	free(t->cause);
	free(t->ok);
	*t = (struct dcs_survive_table){0};
}

/* An entity named after a site ("dc1") or under it ("dc1/wl0"). */
static bool at_site(const char *entity, const char *site)
{
	size_t n = strlen(site);
	return !strncmp(entity, site, n) && (entity[n] == '\0' || entity[n] == '/');
}

int dcs_survive_judge(struct dcs_survive_table *t, const struct dcs_sweep_run *runs, size_t n,
		      const struct dcs_criteria *cr, const struct dcs_catalog *cat,
		      const char *const *const *down_sites, const size_t *n_down)
{
	*t = (struct dcs_survive_table){.n_rows = n};
	struct builder B = {.t = t};
	int rc = -1;
	/* Columns: every (metric, entity) any finished run lists. */
	for (size_t r = 0; r < n; r++)
		for (size_t k = 0; runs[r].done && k < runs[r].n; k++) {
			struct name_parts p;
			split_name(runs[r].names[k], &p);
			if (find_col(&B, &p) < 0 && add_col(&B, &p, cr, cat) < 0)
				goto out;
		}
	size_t nc = t->n_cols;
	t->val = calloc(n * nc + 1, sizeof(*t->val));
	t->colv = calloc(n * nc + 1, sizeof(*t->colv));
	t->rowv = calloc(n + 1, sizeof(*t->rowv));
	t->cause = calloc(n + 1, sizeof(*t->cause));
	t->ok = calloc(n + 1, sizeof(*t->ok));
	t->entities = calloc(nc + 1, sizeof(char *));
	if (!t->val || !t->colv || !t->rowv || !t->cause || !t->ok || !t->entities)
		goto out;
	/* Each run's worst value per column. */
	for (size_t r = 0; r < n; r++) {
		t->ok[r] = runs[r].done && runs[r].code == 0;
		for (size_t k = 0; runs[r].done && k < runs[r].n; k++) {
			struct name_parts p;
			split_name(runs[r].names[k], &p);
			long c = find_col(&B, &p);
			const char **cell = &t->val[r * nc + (size_t)c];
			int better = t->cols[c].def ? (int)t->cols[c].def->better : 0;
			if (!*cell || worse_value(better, runs[r].values[k], *cell))
				*cell = runs[r].values[k];
		}
	}
	/* Judged entities: those with a judged column, in first-seen order. */
	for (size_t c = 0; c < nc; c++) {
		if (!t->cols[c].judged)
			continue;
		long e = -1;
		for (size_t k = 0; k < t->n_entities && e < 0; k++)
			if (!strcmp(t->entities[k], t->cols[c].entity))
				e = (long)k;
		if (e < 0) {
			if (!(t->entities[t->n_entities] = strdup(t->cols[c].entity)))
				goto out;
			e = (long)t->n_entities++;
		}
		t->cols[c].ent = e;
	}
	t->entv = calloc(n * t->n_entities + 1, sizeof(*t->entv));
	t->down = calloc(n * t->n_entities + 1, sizeof(*t->down));
	if (!t->entv || !t->down)
		goto out;
	/* A column changed when some finished run's text differs from the
	 * baseline's (a value that appears or disappears counts). */
	for (size_t c = 0; c < nc; c++) {
		const char *b = t->val[c];
		for (size_t r = 1; r < n && !t->cols[c].changed; r++) {
			const char *v = t->val[r * nc + c];
			if (t->ok[r] && (!b != !v || (b && v && strcmp(b, v))))
				t->cols[c].changed = true;
		}
	}
	for (size_t r = 0; r < n; r++) {
		t->cause[r] = -1;
		for (size_t e = 0; e < t->n_entities; e++)
			for (size_t k = 0; r > 0 && k < n_down[r]; k++)
				if (at_site(t->entities[e], down_sites[r][k]))
					t->down[r * t->n_entities + e] = true;
		if (r == 0 || !t->ok[r] || !t->ok[0])
			continue;
		double best = -1;
		for (size_t c = 0; c < nc; c++) {
			const struct dcs_survive_col *col = &t->cols[c];
			size_t e = (size_t)col->ent;
			if (col->ent < 0 || t->down[r * t->n_entities + e])
				continue;
			double w;
			enum dcs_verdict v = judge_one(col, t->val[c], t->val[r * nc + c], cr, &w);
			t->colv[r * nc + c] = v;
			if (v > t->entv[r * t->n_entities + e])
				t->entv[r * t->n_entities + e] = v;
			if (v == DCS_VERDICT_SURVIVES)
				continue;
			if (v > t->rowv[r] || (v == t->rowv[r] && w > best)) {
				t->rowv[r] = v;
				t->cause[r] = (long)c;
				best = w;
			}
		}
	}
	rc = 0;
out:
	free(B.ix.slots);
	if (rc)
		dcs_survive_table_free(t);
	return rc;
}

/* A figure for people, in its unit (human.h), or a label as it is. */
void dcs_survive_figure(const struct dcs_survive_col *c, const char *s, char *buf, size_t len)
{
	double x;
	if (!s)
		snprintf(buf, len, "none");
	else if (num_of(s, &x) && c->def && c->def->kind != DCS_METRIC_LABEL)
		dcs_human(buf, len, x, c->def->unit);
	else
		snprintf(buf, len, "%s", s);
}

void dcs_survive_cause_text(const struct dcs_survive_table *t, size_t r, char *buf, size_t len)
{
	buf[0] = '\0';
	if (r >= t->n_rows || t->cause[r] < 0)
		return;
	const struct dcs_survive_col *c = &t->cols[t->cause[r]];
	char b[DCS_HUMAN_LEN], v[DCS_HUMAN_LEN];
	dcs_survive_figure(c, t->val[t->cause[r]], b, sizeof(b));
	dcs_survive_figure(c, t->val[r * t->n_cols + (size_t)t->cause[r]], v, sizeof(v));
	snprintf(buf, len, "%s%s%s %s -> %s", c->entity, *c->entity ? ": " : "", c->metric, b, v);
}
