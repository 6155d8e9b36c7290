/*
 * report.html of `dcisim survive`: one self-contained page (inline CSS, no
 * script, nothing fetched) with the heat table of failures x entities, each
 * cell coloured by its verdict and carrying its figures in its title (shown
 * on hover), each failure linked to its run's own directory; then the
 * criteria that made the verdicts.  Rows run worst first, the baseline on
 * top; the same table always gives the same bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/buf.h"
#include "dcisim/exitcode.h"
#include "dcisim/output.h"
#include "dcisim/version.h"
#include "dcisim/world.h"
#include "human.h"
#include "report.h"
#include "survive.h"

/* Verdict colours: green, amber, orange, red; grey for an entity lost
 * with its site. */
static const char survive_css[] =
    "body{font-family:sans-serif;margin:24px;color:#222}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}"
    "p.note{color:#555;font-size:13px;max-width:1100px}"
    "table.heat,table.crit{border-collapse:collapse;font-size:13px;margin:8px 0}"
    "table.heat th,table.heat td,table.crit th,table.crit td{border:1px solid #bbb;"
    "padding:3px 7px;text-align:left}"
    "table.heat th{background:#f2f2f2}table.heat th.ent{writing-mode:vertical-rl;"
    "transform:rotate(180deg);white-space:nowrap;vertical-align:bottom}"
    "table.heat td.cell{text-align:center;min-width:28px;cursor:help}"
    ".v0{background:#c8e6c9}.v1{background:#ffe082}.v2{background:#ffab66}"
    ".v3{background:#e57373;color:#fff}.down{background:#cfcfcf;color:#555}"
    ".na{background:#fafafa;color:#999}tr.base td{background:#eef3f8}"
    "span.key{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #bbb}";

static const char *const cell_mark[DCS_VERDICT_COUNT] = {"ok", "deg", "OUT", "DATA"};

static void fig(struct dcs_buf *b, const struct dcs_survive_col *c, const char *s)
{
	char buf[DCS_HUMAN_LEN];
	dcs_survive_figure(c, s, buf, sizeof(buf));
	dcs_html_esc(b, buf);
}

/* The hover text of one cell: every changed figure of the entity. */
static void cell_title(struct dcs_buf *b, const struct dcs_survive_table *t, size_t r, size_t e,
		       const char *label)
{
	dcs_html_esc(b, t->entities[e]);
	dcs_buf_puts(b, " under ");
	dcs_html_esc(b, label);
	size_t shown = 0;
	for (size_t c = 0; c < t->n_cols; c++) {
		const struct dcs_survive_col *col = &t->cols[c];
		if (col->ent != (long)e || !col->judged)
			continue;
		const char *bv = t->val[c], *v = t->val[r * t->n_cols + c];
		if ((!bv && !v) || (bv && v && !strcmp(bv, v)))
			continue;
		dcs_buf_puts(b, "&#10;");
		dcs_html_esc(b, col->metric);
		dcs_buf_puts(b, ": ");
		fig(b, col, bv);
		dcs_buf_puts(b, " \xe2\x86\x92 "); /* an arrow */
		fig(b, col, v);
		enum dcs_verdict cv = t->colv[r * t->n_cols + c];
		if (cv != DCS_VERDICT_SURVIVES) {
			dcs_buf_puts(b, " (");
			dcs_html_esc(b, dcs_verdict_name(cv));
			dcs_buf_puts(b, ")");
		}
		shown++;
	}
	if (!shown)
		dcs_buf_puts(b, "&#10;no figure differs from the baseline");
}

/* Rows in the order shown: the baseline, then the worst first (runs that
 * did not finish ahead of all), ties in enumeration order. */
static size_t *row_order(const struct dcs_survive_table *t)
{
	size_t *ord = calloc(t->n_rows + 1, sizeof(size_t)), k = 0;
	if (!ord)
		return NULL;
	ord[k++] = 0;
	for (size_t i = 1; i < t->n_rows; i++)
		if (!t->ok[i] || !t->ok[0])
			ord[k++] = i;
	for (int v = DCS_VERDICT_COUNT; v-- > 0;)
		for (size_t i = 1; i < t->n_rows; i++)
			if (t->ok[i] && t->ok[0] && (int)t->rowv[i] == v)
				ord[k++] = i;
	return ord;
}

static void heat_table(struct dcs_buf *b, const struct dcs_survive_table *t,
		       const struct dcs_survive_report *rep, const size_t *ord)
{
	dcs_buf_puts(b, "<table class=\"heat\">\n<tr><th>failure</th><th>verdict</th>");
	for (size_t e = 0; e < t->n_entities; e++) {
		dcs_buf_puts(b, "<th class=\"ent\">");
		dcs_html_esc(b, t->entities[e]);
		dcs_buf_puts(b, "</th>");
	}
	dcs_buf_puts(b, "<th>limiting cause</th></tr>\n");
	for (size_t k = 0; k < t->n_rows; k++) {
		size_t r = ord[k];
		bool judged = r > 0 && t->ok[r] && t->ok[0];
		dcs_buf_puts(b, r == 0 ? "<tr class=\"base\"><td>" : "<tr><td>");
		if (rep->run_dirs && rep->run_dirs[r]) {
			dcs_buf_puts(b, "<a href=\"");
			dcs_html_esc(b, rep->run_dirs[r]);
			dcs_buf_puts(b, "\">");
			dcs_html_esc(b, rep->labels[r]);
			dcs_buf_puts(b, "</a>");
		} else {
			dcs_html_esc(b, rep->labels[r]);
		}
		if (r == 0)
			dcs_buf_puts(b, "</td><td>baseline</td>");
		else if (judged)
			dcs_buf_printf(b, "</td><td class=\"v%d\">%s</td>", (int)t->rowv[r],
				       dcs_verdict_name(t->rowv[r]));
		else
			dcs_buf_puts(b, "</td><td class=\"na\">run failed</td>");
		for (size_t e = 0; e < t->n_entities; e++) {
			size_t i = r * t->n_entities + e;
			if (!judged) {
				dcs_buf_puts(b, "<td class=\"cell na\" title=\"");
				if (r == 0) {
					dcs_html_esc(b, t->entities[e]);
					dcs_buf_puts(
					    b, ": the baseline every failure is judged against");
				} else {
					dcs_buf_puts(b, "not judged: the run did not finish");
				}
				dcs_buf_puts(b, "\"></td>");
				continue;
			}
			if (t->down[i]) {
				dcs_buf_puts(b, "<td class=\"cell down\" title=\"");
				dcs_html_esc(b, t->entities[e]);
				dcs_buf_puts(b, " is lost with its site (not judged)\">down</td>");
				continue;
			}
			dcs_buf_printf(b, "<td class=\"cell v%d\" title=\"", (int)t->entv[i]);
			cell_title(b, t, r, e, rep->labels[r]);
			dcs_buf_printf(b, "\">%s</td>", cell_mark[t->entv[i]]);
		}
		char cause[512];
		dcs_survive_cause_text(t, r, cause, sizeof(cause));
		dcs_buf_puts(b, "<td>");
		dcs_html_esc(b, cause);
		dcs_buf_puts(b, "</td></tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
}

static void criteria_section(struct dcs_buf *b, const struct dcs_survive_report *rep)
{
	const struct dcs_criteria *cr = rep->criteria;
	dcs_buf_puts(b, "<h2>Criteria</h2>\n<p class=\"note\">");
	if (rep->criteria_path) {
		dcs_buf_puts(b, "From <code>");
		dcs_html_esc(b, rep->criteria_path);
		dcs_buf_puts(b, "</code> over the defaults.");
	} else {
		dcs_buf_puts(b, "The defaults (<code>dcisim survive --print-criteria</code>).");
	}
	dcs_buf_printf(b,
		       " A figure without a rule is degraded when worse than the baseline by "
		       "more than %.4g %% of it and more than its unit's tolerance (",
		       cr->rtol * 100);
	for (size_t i = 0; i < cr->n_atol; i++) {
		dcs_buf_printf(b, "%s%.4g ", i ? ", " : "", cr->atol[i].atol);
		dcs_html_esc(b, cr->atol[i].unit);
	}
	dcs_buf_puts(b, cr->n_atol ? "; 0 for other units)" : "0)");
	dcs_buf_puts(b, ". Not judged: settings");
	for (size_t i = 0; i < cr->n_ignore; i++) {
		dcs_buf_puts(b, i ? ", " : "; and ");
		dcs_html_esc(b, cr->ignore[i]);
	}
	dcs_buf_puts(b, ".</p>\n<table class=\"crit\"><tr><th>metric</th><th>gives</th>"
			"<th>when the failure run</th></tr>\n");
	for (size_t i = 0; i < cr->n_rules; i++) {
		const struct dcs_criteria_rule *r = &cr->rules[i];
		dcs_buf_printf(b, "<tr><td><code>%s</code></td><td class=\"v%d\">%s</td><td>",
			       r->metric, (int)r->verdict, dcs_verdict_name(r->verdict));
		struct dcs_world_catalog wc;
		const struct dcs_metric_def *d =
		    dcs_catalog_metric(dcs_world_catalog_init(&wc), r->metric);
		char w[DCS_HUMAN_LEN];
		switch (r->kind) {
		case DCS_RULE_IS:
			dcs_buf_puts(b, "is ");
			for (size_t k = 0; k < r->n_is; k++) {
				dcs_buf_puts(b, k ? " or " : "");
				dcs_html_esc(b, r->is[k]);
			}
			dcs_buf_puts(b, " (and the baseline is not)");
			break;
		case DCS_RULE_WORSE_BY:
			dcs_human(w, sizeof(w), r->worse_by, d ? d->unit : "");
			dcs_buf_puts(b, "is worse than the baseline by more than ");
			dcs_html_esc(b, w);
			break;
		case DCS_RULE_ABOVE:
		case DCS_RULE_BELOW:
			dcs_human(w, sizeof(w), r->limit, d ? d->unit : "");
			dcs_buf_puts(b, r->kind == DCS_RULE_ABOVE ? "is above " : "is below ");
			dcs_html_esc(b, w);
			dcs_buf_puts(b, " (and the baseline is not)");
			break;
		}
		dcs_buf_puts(b, "</td></tr>\n");
	}
	dcs_buf_puts(b, "</table>\n");
}

int dcs_survive_write_report(const char *dir, const struct dcs_survive_table *t,
			     const struct dcs_survive_report *rep, FILE *err)
{
	struct dcs_buf b = {0};
	size_t *ord = row_order(t);
	if (!ord) {
		fprintf(err, "dcisim survive: error: out of memory writing the report\n");
		return DCS_EXIT_RUNTIME;
	}
	size_t counts[DCS_VERDICT_COUNT] = {0};
	for (size_t r = 1; r < t->n_rows; r++)
		if (t->ok[r] && t->ok[0])
			counts[t->rowv[r]]++;
	dcs_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<title>dcisim survive: ");
	dcs_html_esc(&b, rep->scenario);
	dcs_buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", survive_css);
	dcs_html_esc(&b, rep->scenario);
	dcs_buf_printf(&b, ": what %s does</h1>\n<p class=\"note\">",
		       rep->depth == 2 ? "every pair of failures" : "every single failure");
	dcs_buf_printf(&b,
		       "%zu %s, each in an otherwise unchanged run, judged against the "
		       "baseline (the run with no failure). Failures strike at %.4g s (",
		       t->n_rows ? t->n_rows - 1 : 0,
		       rep->depth == 2 ? "failure pairs" : "single failures", rep->at_s);
	dcs_html_esc(&b, rep->at_rule);
	if (isnan(rep->for_s))
		dcs_buf_puts(&b, ") and last to the end of the run.");
	else
		dcs_buf_printf(&b, ") and last %.4g s.", rep->for_s);
	dcs_buf_puts(&b,
		     " Hover over a cell for its figures (baseline \xe2\x86\x92 with the "
		     "failure); a failure's name links to its run's own results. "
		     "Written by dcisim " DCISIM_VERSION "; the same figures are in survive.csv "
		     "beside this file.</p>\n<p>");
	for (int v = DCS_VERDICT_COUNT; v-- > 0;)
		dcs_buf_printf(&b, "<span class=\"key v%d\">%s: %zu</span>", v, dcs_verdict_name(v),
			       counts[v]);
	dcs_buf_puts(&b, "<span class=\"key down\">down: lost with its site</span></p>\n");
	dcs_buf_puts(&b, "<h2>Failures and entities</h2>\n");
	heat_table(&b, t, rep, ord);
	criteria_section(&b, rep);
	dcs_buf_puts(&b, "</body>\n</html>\n");
	free(ord);
	int rc = 0;
	if (b.oom) {
		fprintf(err, "dcisim survive: error: out of memory writing the report\n");
		rc = DCS_EXIT_RUNTIME;
	} else if (dcs_write_file_atomic(dir, "report.html", b.s, b.len, err) != 0) {
		rc = DCS_EXIT_RUNTIME;
	}
	dcs_buf_free(&b);
	return rc;
}
