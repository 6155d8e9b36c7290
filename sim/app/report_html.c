/*
 * The comparison report's text sections (compare.h): the runs and their
 * provenance, the scenarios' parameters, what limited the flows, and the
 * key metrics with the better value marked.
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
#include "dcisim/world.h"

/* ---- HTML --------------------------------------------------------------- */

const char rep_css[] =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}"
    "h3{font-size:15px}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.best{background:#d8f3dc;font-weight:bold}tr.differs td{background:#fff6d6}"
    ".note{color:#555;font-size:13px}svg.chart{display:block;margin:12px 0;"
    "border:1px solid #ddd}code{background:#f4f4f4;padding:0 3px}";

void rep_th(struct dcs_buf *b, const char *s)
{
	dcs_buf_puts(b, "<th>");
	dcs_html_esc(b, s);
	dcs_buf_puts(b, "</th>");
}

void rep_td(struct dcs_buf *b, const char *s, const char *cls)
{
	if (cls)
		dcs_buf_printf(b, "<td class=\"%s\">", cls);
	else
		dcs_buf_puts(b, "<td>");
	dcs_html_esc(b, s ? s : "");
	dcs_buf_puts(b, "</td>");
}

void rep_runs_section(struct dcs_buf *b, const struct rdir *d, size_t nd)
{
	static const char *const keys[] = {"scenario",    "seed",     "events",  "simulated_s",
					   "fingerprint", "complete", "version", "commit"};
	static const char *const skeys[] = {"sweep", "scenario",  "points",   "replications",
					    "runs",  "runs_done", "complete", "version"};
	dcs_buf_puts(b, "<h2>Results compared</h2>\n<table><tr>");
	rep_th(b, "label");
	rep_th(b, "directory");
	rep_th(b, "kind");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		rep_th(b, keys[i]);
	dcs_buf_puts(b, "</tr>\n");
	for (size_t k = 0; k < nd; k++) {
		dcs_buf_puts(b, "<tr>");
		rep_td(b, d[k].label, NULL);
		rep_td(b, d[k].path, NULL);
		rep_td(b, d[k].is_sweep ? "sweep" : "run", NULL);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = d[k].is_sweep ? dcs_kv_get(d[k].sweep, skeys[i])
						      : dcs_kv_get(d[k].run, keys[i]);
			if (d[k].is_sweep && v) {
				char cell[256];
				snprintf(cell, sizeof(cell), "%s: %s", skeys[i], v);
				rep_td(b, cell, NULL);
			} else {
				rep_td(b, v ? v : "", NULL);
			}
		}
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
	bool same_fp = nd > 1;
	for (size_t k = 1; k < nd && same_fp; k++) {
		const char *a = dcs_kv_get(d[0].run, "fingerprint"),
			   *c = dcs_kv_get(d[k].run, "fingerprint");
		same_fp = a && c && strcmp(a, c) == 0;
	}
	if (same_fp)
		dcs_buf_puts(b, "<p class=\"note\">All runs have the same fingerprint: their event "
				"trajectories are identical.</p>\n");
}

void rep_params_section(struct dcs_buf *b, const struct rdir *d, size_t nd)
{
	bool any = false;
	for (size_t k = 0; k < nd; k++)
		any = any || d[k].scenario || d[k].sweep;
	if (!any)
		return;
	dcs_buf_puts(b, "<h2>Scenario parameters</h2>\n");
	for (size_t k = 0; k < nd; k++) {
		if (d[k].scenario_note) {
			dcs_buf_puts(b, "<p class=\"note\">");
			dcs_html_esc(b, d[k].label);
			dcs_buf_puts(b, ": ");
			dcs_html_esc(b, d[k].scenario_note);
			dcs_buf_puts(b, "</p>\n");
		}
	}
	/* Swept parameters first, for sweeps. */
	for (size_t k = 0; k < nd; k++) {
		if (!d[k].sweep)
			continue;
		dcs_buf_puts(b, "<p>");
		dcs_html_esc(b, d[k].label);
		dcs_buf_puts(b, " sweeps <code>");
		dcs_html_esc(b, dcs_kv_get(d[k].sweep, "params") ? dcs_kv_get(d[k].sweep, "params")
								 : "[]");
		dcs_buf_puts(b, "</code> over the base scenario <code>");
		dcs_html_esc(b,
			     dcs_kv_get(d[k].sweep, "base") ? dcs_kv_get(d[k].sweep, "base") : "");
		dcs_buf_puts(b, "</code>.</p>\n");
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
			dcs_buf_puts(b, "<h3>Parameters that differ</h3>\n");
		else
			dcs_buf_printf(b, "<details><summary>All %zu parameters</summary>\n", nk);
		dcs_buf_puts(b, "<table><tr>");
		rep_th(b, "parameter");
		for (size_t k = 0; k < nd; k++)
			rep_th(b, d[k].label);
		dcs_buf_puts(b, "</tr>\n");
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
			dcs_buf_puts(b, differs && pass == 1 ? "<tr class=\"differs\">" : "<tr>");
			rep_td(b, keys[j], NULL);
			for (size_t k = 0; k < nd; k++) {
				const char *v = dcs_kv_get(d[k].scenario, keys[j]);
				rep_td(b, v ? v : "(not set)", NULL);
			}
			dcs_buf_puts(b, "</tr>\n");
		}
		dcs_buf_puts(b, "</table>\n");
		if (pass == 0 && ndiff == 0)
			dcs_buf_puts(
			    b, "<p class=\"note\">The scenario files give the same values.</p>\n");
		if (pass == 1)
			dcs_buf_puts(b, "</details>\n");
	}
	free(keys);
}

static void metrics_table(struct dcs_buf *b, const struct mtable *m, const struct rdir *d,
			  size_t nd, bool sweep_rows)
{
	dcs_buf_puts(b, "<table><tr>");
	rep_th(b, "metric");
	rep_th(b, sweep_rows ? "point" : "entity");
	rep_th(b, "unit");
	for (size_t k = 0; k < nd; k++)
		rep_th(b, d[k].label);
	for (size_t k = 1; k < nd; k++) {
		char h[300];
		snprintf(h, sizeof(h), "%s − %s", d[k].label, d[0].label);
		rep_th(b, h);
		snprintf(h, sizeof(h), "relative");
		rep_th(b, h);
	}
	dcs_buf_puts(b, "</tr>\n");
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
		dcs_buf_puts(b, "<tr>");
		rep_td(b, r->metric, NULL);
		rep_td(b, r->entity, NULL);
		rep_td(b, r->unit, NULL);
		for (size_t k = 0; k < nd; k++) {
			double v;
			bool isbest = mark && r->val[k] && dcs_csv_num(r->val[k], &v) && v == best;
			if (isbest)
				dcs_buf_printf(
				    b, "<td class=\"num best\" title=\"better: %s is better\">",
				    dir < 0 ? "lower" : "higher");
			else
				dcs_buf_puts(b, "<td class=\"num\">");
			dcs_html_esc(b, r->val[k] ? r->val[k] : "");
			dcs_buf_puts(b, isbest ? " ★</td>" : "</td>");
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
			rep_td(b, abs_s, "num");
			rep_td(b, rel_s, "num");
		}
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
}

void rep_metrics_section(struct dcs_buf *b, const struct mtable *m, const struct rdir *d, size_t nd)
{
	bool runs = false, sweeps = false;
	for (size_t i = 0; i < m->n; i++) {
		if (strchr(m->rows[i].entity, '='))
			sweeps = true;
		else
			runs = true;
	}
	dcs_buf_puts(b, "<h2>Key metrics</h2>\n"
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
		dcs_buf_puts(b, "<details><summary>Sweep means per point (from "
				"sweep_stats.csv)</summary>\n");
		metrics_table(b, m, d, nd, true);
		dcs_buf_puts(b, "</details>\n");
	}
	if (!runs && !sweeps)
		dcs_buf_puts(b, "<p class=\"note\">No summary metrics found.</p>\n");
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
		long i = rep_mtable_find(m, words[w].metric, entity);
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
void rep_bottlenecks_section(struct dcs_buf *b, const struct mtable *m, const struct rdir *d,
			     size_t nd)
{
	bool any = false;
	for (size_t i = 0; i < m->n && !any; i++)
		any = strcmp(m->rows[i].metric, "limited_by") == 0;
	if (!any)
		return;
	dcs_buf_puts(b,
		     "<h2>Bottlenecks</h2>\n"
		     "<p class=\"note\">What limited each flow owner's rate for most of its "
		     "bytes (<code>limited_by</code> in summary.csv): its <b>link_share</b> of a "
		     "shared link, the TCP <b>window</b> over the RTT, <b>loss</b> (the Mathis "
		     "bound), the engine's <b>rate_cap</b>, the source host's "
		     "<b>sender_cpu</b> or <b>page_scan</b>, <b>fc_credits</b>, a "
		     "<b>dirty_rate</b> pre-copy could not outrun, or the <b>offered_load</b> "
		     "itself (the network was not the limit); and the setting at which it "
		     "would stop limiting (the <code>lift_*</code> rows).  A parameter that "
		     "does not touch the bottleneck changes nothing.</p>\n<table><tr>");
	rep_th(b, "entity");
	for (size_t k = 0; k < nd; k++)
		rep_th(b, d[k].label);
	dcs_buf_puts(b, "</tr>\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct mrow *r = &m->rows[i];
		if (strcmp(r->metric, "limited_by") != 0)
			continue;
		dcs_buf_puts(b, "<tr>");
		rep_td(b, r->entity, NULL);
		for (size_t k = 0; k < nd; k++) {
			dcs_buf_puts(b, "<td>");
			if (r->val[k]) {
				dcs_buf_puts(b, "<b>");
				dcs_html_esc(b, r->val[k]);
				dcs_buf_puts(b, "</b>");
				char lift[256];
				if (lift_text(m, k, r->entity, lift, sizeof(lift))) {
					dcs_buf_puts(b, "<br>lifted by ");
					dcs_html_esc(b, lift);
				}
			}
			dcs_buf_puts(b, "</td>");
		}
		dcs_buf_puts(b, "</tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
}

void dcs_report_page_begin(struct dcs_buf *b, const char *title, const char *extra_css)
{
	dcs_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<title>");
	dcs_html_esc(b, title);
	dcs_buf_printf(b, "</title>\n<style>%s%s</style>\n</head>\n<body>\n", rep_css,
		       extra_css ? extra_css : "");
}
