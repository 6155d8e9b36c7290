/*
 * The comparison report's charts of runs (compare.h): migration time and
 * downtime per VM, storage latency percentiles, link utilisation and path
 * states over time; and the section that holds them and the sweeps' charts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "dcisim/exitcode.h"

/* ---- charts ------------------------------------------------------------- */

double rep_cell_num(const struct dcs_csv *t, size_t r, long c)
{
	double v;
	if (c < 0 || !dcs_csv_num(dcs_csv_cell(t, r, (size_t)c), &v))
		return NAN;
	return v;
}

/* Index of s in a growing list of borrowed strings; adds it when absent. */
long rep_intern(const char ***list, size_t *n, size_t *cap, const char *s)
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

/* Distinct keys in first-seen order, each a copy the set owns. */
struct keyset {
	const char **keys;
	size_t n, cap;
	char **owned;
	size_t nowned;
};

/* Adds a copy of key unless it is there already; -1 when out of memory. */
static int keyset_add(struct keyset *ks, const char *key)
{
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i], key) == 0)
			return 0;
	char **no = realloc(ks->owned, (ks->nowned + 1) * sizeof(char *));
	if (!no)
		return -1;
	ks->owned = no;
	char *copy = strdup(key);
	if (!copy)
		return -1;
	ks->owned[ks->nowned++] = copy;
	return rep_intern(&ks->keys, &ks->n, &ks->cap, copy) < 0 ? -1 : 0;
}

static void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->nowned; i++)
		free(ks->owned[i]);
	free(ks->owned);
	free(ks->keys);
}

/* A migration's group: "vm from→to", numbered when the VM moves again. */
static void move_key(const struct dcs_csv *t, size_t r, long cv, long cf, long ct, char *key,
		     size_t len)
{
	int rep = 1;
	for (size_t q = 0; q < r; q++)
		rep += strcmp(dcs_csv_cell(t, q, (size_t)cv), dcs_csv_cell(t, r, (size_t)cv)) == 0;
	snprintf(key, len, "%s %s→%s%s%.0d", dcs_csv_cell(t, r, (size_t)cv),
		 cf >= 0 ? dcs_csv_cell(t, r, (size_t)cf) : "",
		 ct >= 0 ? dcs_csv_cell(t, r, (size_t)ct) : "", rep > 1 ? " #" : "",
		 rep > 1 ? rep : 0);
}

/* A link direction's chart: "link dir". */
static void link_key(const struct dcs_csv *t, size_t r, long cl, long cd, char *key, size_t len)
{
	snprintf(key, len, "%s %s", dcs_csv_cell(t, r, (size_t)cl),
		 cd >= 0 ? dcs_csv_cell(t, r, (size_t)cd) : "");
}

/* Bars of one column of migrations.csv per VM move, one bar per directory. */
static void migration_chart(struct dcs_buf *b, const struct rdir *d, size_t nd, const char *col,
			    const char *title, const char *ylabel)
{
	struct keyset ks = {0};
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].migrations;
		if (!t)
			continue;
		long cv = dcs_csv_col(t, "vm"), cf = dcs_csv_col(t, "from"),
		     ct = dcs_csv_col(t, "to");
		for (size_t r = 0; cv >= 0 && r < t->nrows; r++) {
			char key[300];
			move_key(t, r, cv, cf, ct, key, sizeof(key));
			if (keyset_add(&ks, key) < 0)
				goto out;
		}
	}
	const char **groups = ks.keys;
	size_t ng = ks.n;
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
				move_key(t, r, cv, cf, ct, key, sizeof(key));
				for (size_t g = 0; g < ng; g++)
					if (strcmp(groups[g], key) == 0)
						v[g * nd + k] = rep_cell_num(t, r, cc);
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
	keyset_free(&ks);
}

static void storage_chart(struct dcs_buf *b, const struct rdir *d, size_t nd)
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
		long cs = dcs_csv_col(t, "site"), co = dcs_csv_col(t, "op"),
		     cph = dcs_csv_col(t, "phase");
		for (size_t r = 0; r < t->nrows; r++) {
			/* Steady state: I/O that waited out a freeze or a pause
			 * (phase disrupted) is reported apart. */
			if (cph >= 0 && strcmp(dcs_csv_cell(t, r, (size_t)cph), "normal") != 0)
				continue;
			for (size_t p = 0; p < 3; p++) {
				double val = rep_cell_num(t, r, dcs_csv_col(t, pcols[p]));
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
		struct dcs_chart c = {.title =
					  "Storage latency percentiles, steady state (storage.csv)",
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
static void links_charts(struct dcs_buf *b, const struct rdir *d, size_t nd)
{
	struct keyset ks = {0};
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].links;
		if (!t)
			continue;
		long cl = dcs_csv_col(t, "link"), cd = dcs_csv_col(t, "dir"),
		     cu = dcs_csv_col(t, "utilization");
		for (size_t r = 0; cl >= 0 && cu >= 0 && r < t->nrows; r++) {
			double u = rep_cell_num(t, r, cu);
			if (!(u > 0))
				continue;
			char key[256];
			link_key(t, r, cl, cd, key, sizeof(key));
			if (ks.n < MAX_LINK_CHARTS && keyset_add(&ks, key) < 0)
				goto out;
		}
	}
	const char **keys = ks.keys;
	for (size_t i = 0; i < ks.n; i++) {
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
				link_key(t, r, cl, cd, key, sizeof(key));
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
				link_key(t, r, cl, cd, key, sizeof(key));
				if (strcmp(key, keys[i]) != 0)
					continue;
				if (seen++ % stride)
					continue;
				xs[k][s[k].n] = rep_cell_num(t, r, ctime);
				ys[k][s[k].n] = 100 * rep_cell_num(t, r, cu);
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
	keyset_free(&ks);
}

const char *const rep_path_states[REP_PATH_STATES] = {"optimal",
						      "trombone: requests",
						      "trombone: responses",
						      "trombone: both ways",
						      "unreachable",
						      "down",
						      "other"};
const char *const rep_path_colors[REP_PATH_STATES] = {"#009E73", "#E69F00", "#56B4E9", "#D55E00",
						      "#000000", "#7F0000", "#999999"};

size_t rep_path_state(const struct dcs_csv *t, size_t r)
{
	const char *st = dcs_csv_cell(t, r, (size_t)dcs_csv_col(t, "state"));
	if (!strcmp(st, "optimal"))
		return 0;
	if (!strcmp(st, "unreachable"))
		return 4;
	if (!strcmp(st, "down"))
		return 5;
	if (strcmp(st, "trombone"))
		return 6;
	/* Which legs cross the DCI needlessly: requests that enter at another
	 * site than the one serving them, responses that leave through
	 * another site's gateway. */
	long cs = dcs_csv_col(t, "serving_site"), ci = dcs_csv_col(t, "ingress_site"),
	     ce = dcs_csv_col(t, "egress_site");
	if (cs < 0 || ci < 0 || ce < 0)
		return 3;
	const char *serving = dcs_csv_cell(t, r, (size_t)cs);
	bool in = strcmp(dcs_csv_cell(t, r, (size_t)ci), serving) != 0;
	bool out = strcmp(dcs_csv_cell(t, r, (size_t)ce), serving) != 0;
	return in && out ? 3 : out ? 2 : in ? 1 : 3;
}

/* Each link's round trip (summary.csv rtt_ms) per directory, as bars. */
static void link_rtt_chart(struct dcs_buf *b, const struct rdir *d, size_t nd)
{
	struct keyset ks = {0};
	for (size_t k = 0; k < nd; k++) {
		const struct dcs_csv *t = d[k].summary;
		long cm = t ? dcs_csv_col(t, "metric") : -1, ce = t ? dcs_csv_col(t, "entity") : -1;
		for (size_t r = 0; cm >= 0 && ce >= 0 && r < t->nrows; r++)
			if (!strcmp(dcs_csv_cell(t, r, (size_t)cm), "rtt_ms") &&
			    keyset_add(&ks, dcs_csv_cell(t, r, (size_t)ce)) < 0)
				goto out;
	}
	if (!ks.n)
		goto out;
	double *v = malloc(ks.n * nd * sizeof(double));
	const char **labels = labels_of(d, nd);
	if (v && labels) {
		for (size_t g = 0; g < ks.n; g++)
			for (size_t k = 0; k < nd; k++) {
				v[g * nd + k] = NAN;
				const struct dcs_csv *t = d[k].summary;
				long cm = t ? dcs_csv_col(t, "metric") : -1,
				     ce = t ? dcs_csv_col(t, "entity") : -1,
				     cv = t ? dcs_csv_col(t, "value") : -1;
				for (size_t r = 0; cm >= 0 && ce >= 0 && r < t->nrows; r++)
					if (!strcmp(dcs_csv_cell(t, r, (size_t)cm), "rtt_ms") &&
					    !strcmp(dcs_csv_cell(t, r, (size_t)ce), ks.keys[g]))
						v[g * nd + k] = rep_cell_num(t, r, cv);
			}
		dcs_buf_puts(b, "<p class=\"note\">No link carried traffic in these runs; what "
				"each link's distance and technology cost every flow is its round "
				"trip.</p>\n");
		struct dcs_chart c = {.title = "Round trip per link, unloaded (summary.csv rtt_ms)",
				      .xlabel = "link",
				      .ylabel = "round trip (ms)",
				      .y_from_zero = true};
		dcs_svg_bars(b, &c, ks.keys, ks.n, labels, nd, v);
	}
	free(v);
	free(labels);
out:
	keyset_free(&ks);
}

/* Path states as a timeline: one row per directory, service and client
 * site; a sample's state lasts until the next sample of the same row. */
static void paths_chart(struct dcs_buf *b, const struct rdir *d, size_t nd)
{
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
			double tm = rep_cell_num(t, r, ctime);
			size_t s = rep_path_state(t, r);
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
		dcs_svg_timeline(b, &c, (const char *const *)rows, nrows, spans, nspans,
				 rep_path_states, rep_path_colors, REP_PATH_STATES);
	}
out:
	for (size_t i = 0; i < nrows; i++)
		free(rows[i]);
	free(rows);
	free(spans);
}

/* Sweeps: a metric's mean (with its 95% CI) against the first numeric swept
 * parameter, one line per value of the others (per technology, typically). */
void rep_charts_section(struct dcs_buf *b, const struct rdir *d, size_t nd,
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
	dcs_buf_puts(b, "<h2>Charts</h2>\n");
	if (mig) {
		dcs_buf_puts(b, "<h3>Live migrations</h3>\n");
		migration_chart(b, d, nd, "total_s", "Migration time per VM (migrations.csv)",
				"migration time (s)");
		migration_chart(b, d, nd, "downtime_ms", "Downtime per VM (migrations.csv)",
				"downtime (ms)");
	}
	if (sto) {
		dcs_buf_puts(b, "<h3>Storage</h3>\n");
		storage_chart(b, d, nd);
	}
	if (lnk) {
		/* Links that carried nothing leave no line to draw: then each
		 * link's round trip, which is what its distance and technology
		 * cost every flow, or no section at all. */
		struct dcs_buf lb = {0};
		links_charts(&lb, d, nd);
		if (!lb.len)
			link_rtt_chart(&lb, d, nd);
		if (lb.len) {
			dcs_buf_puts(b, "<h3>Links</h3>\n");
			dcs_buf_put(b, lb.s, lb.len);
		}
		b->oom |= lb.oom;
		dcs_buf_free(&lb);
	}
	if (pth) {
		dcs_buf_puts(b, "<h3>Client paths</h3>\n");
		paths_chart(b, d, nd);
	}
	if (swp) {
		dcs_buf_puts(b, "<h3>Sweeps</h3>\n<p class=\"note\">Each chart is a metric's mean "
				"over the replications with its 95% confidence interval "
				"(sweep_stats.csv); by default the outcomes that vary, migration "
				"time and write latency first (--metric picks others).</p>\n");
		rep_sweep_charts(b, d, nd, o);
	}
}
