/*
 * dcisim compare: compare.csv and report.html from two or more result
 * directories (sim/app/report.h).
 *
 * The report is one HTML file with inline CSS and inline SVG, so it opens
 * anywhere without a network.  Sections appear only for the data that
 * exists: a run without migrations has no migration chart.  Rows and series
 * keep the order in which the directories list them (first directory
 * first), so the same inputs give the same bytes.  This file puts the parts
 * together (compare.h says which file does what).
 */
#include "compare.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/exitcode.h"
#include "dcisim/output.h"
#include "dcisim/version.h"

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
	struct dcs_buf b = {0};
	int rc = DCS_EXIT_OK;
	if (!d || !owned) {
		fprintf(err, "dcisim compare: error: out of memory\n");
		rc = DCS_EXIT_RUNTIME;
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
		rc = rep_load_dir(&d[k], err);
	if (rc)
		goto out;
	if (rep_collect_metrics(&m, d, n) != 0) {
		fprintf(err, "dcisim compare: error: out of memory\n");
		rc = DCS_EXIT_RUNTIME;
		goto out;
	}
	if (dcs_mkdir_p(o->out_dir) != 0) {
		fprintf(err, "dcisim compare: error: cannot create %s: %s\n", o->out_dir,
			strerror(errno));
		rc = DCS_EXIT_RUNTIME;
		goto out;
	}
	rc = rep_write_compare_csv(o->out_dir, &m, d, n, err);
	if (rc)
		goto out;

	struct dcs_buf title = {0};
	dcs_buf_puts(&title, "dcisim comparison: ");
	for (size_t k = 0; k < n; k++) {
		if (k)
			dcs_buf_puts(&title, " vs ");
		dcs_buf_puts(&title, d[k].label);
	}
	dcs_report_page_begin(&b, title.s ? title.s : "dcisim comparison", NULL);
	dcs_buf_free(&title);
	dcs_buf_puts(&b, "<h1>dcisim comparison: ");
	for (size_t k = 0; k < n; k++) {
		if (k)
			dcs_buf_puts(&b, " vs ");
		dcs_html_esc(&b, d[k].label);
	}
	dcs_buf_puts(&b, "</h1>\n<p class=\"note\">Written by dcisim " DCISIM_VERSION
			 ". Every chart is drawn from the CSV files named in its title; "
			 "the same numbers are in compare.csv beside this file.</p>\n");
	rep_runs_section(&b, d, n);
	rep_params_section(&b, d, n);
	rep_bottlenecks_section(&b, &m, d, n);
	rep_metrics_section(&b, &m, d, n);
	rep_charts_section(&b, d, n, o);
	dcs_buf_puts(&b, "</body>\n</html>\n");
	if (b.oom) {
		fprintf(err, "dcisim compare: error: out of memory writing the report\n");
		rc = DCS_EXIT_RUNTIME;
		goto out;
	}
	if (dcs_write_file_atomic(o->out_dir, "report.html", b.s, b.len, err) != 0)
		rc = DCS_EXIT_RUNTIME;
out:
	free(b.s);
	rep_mtable_free(&m);
	for (size_t k = 0; d && k < n; k++)
		rep_free_dir(&d[k]);
	for (size_t k = 0; owned && k < n; k++)
		free(owned[k]);
	free(owned);
	free(d);
	return rc;
}
