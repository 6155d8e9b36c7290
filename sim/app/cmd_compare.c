/* dcisim compare: compare.csv and report.html (sim/app/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "report.h"
#include "dcisim/exitcode.h"

static const char compare_usage[] =
    "usage: dcisim compare RESULT_DIR RESULT_DIR... [--out DIR] [--label NAME]...\n"
    "                      [--metric NAME]...\n"
    "\n"
    "Compares two or more result directories (of `dcisim run` or `dcisim sweep`)\n"
    "and writes, in --out (default: results/compare):\n"
    "  compare.csv   every summary metric side by side, with each directory's\n"
    "                absolute and relative difference from the first\n"
    "  report.html   one self-contained page: the scenarios' parameters, the\n"
    "                key metrics with the better value marked, and SVG charts\n"
    "                (migration time and downtime per VM, storage latency\n"
    "                percentiles, link utilisation over time, path states over\n"
    "                time, and for sweeps a metric against the swept parameter)\n"
    "                for whichever CSV files the directories contain.\n"
    "\n"
    "  --label NAME    name the directories in the report (once per directory,\n"
    "                  in order; default: their base names)\n"
    "  --metric NAME   sweep charts: draw this sweep_stats.csv metric (repeatable;\n"
    "                  default: up to six that vary, latency and time first)\n"
    "\n"
    "Exit status: 0 written, 2 usage error or not a result directory, 3 I/O error.\n";

int dcs_cmd_compare(int argc, char **argv)
{
	const char **dirs = calloc((size_t)argc + 1, sizeof(char *));
	const char **labels = calloc((size_t)argc + 1, sizeof(char *));
	const char **metrics = calloc((size_t)argc + 1, sizeof(char *));
	size_t nd = 0, nl = 0, nm = 0;
	struct dcs_compare_opts o = {.out_dir = "results/compare"};
	int rc = DCS_EXIT_USAGE;
	if (!dirs || !labels || !metrics) {
		rc = DCS_EXIT_RUNTIME;
		goto out;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(compare_usage, stdout);
			rc = DCS_EXIT_OK;
			goto out;
		} else if (!strcmp(a, "--out") && v) {
			o.out_dir = v;
			i++;
		} else if (!strcmp(a, "--label") && v) {
			labels[nl++] = v;
			i++;
		} else if (!strcmp(a, "--metric") && v) {
			metrics[nm++] = v;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dcisim compare: error: unknown option '%s'%s\n%s", a,
				v ? "" : " (or missing value)", compare_usage);
			goto out;
		} else {
			dirs[nd++] = a;
		}
	}
	if (nd < 2) {
		fprintf(stderr, "dcisim compare: error: give at least two result directories\n\n%s",
			compare_usage);
		goto out;
	}
	if (nl && nl != nd) {
		fprintf(stderr,
			"dcisim compare: error: %zu --label for %zu directories; give one "
			"per directory or none\n",
			nl, nd);
		goto out;
	}
	o.labels = nl ? labels : NULL;
	o.metrics = metrics;
	o.n_metrics = nm;
	rc = dcs_compare_dirs(dirs, nd, &o, stderr);
	if (rc == DCS_EXIT_OK)
		fprintf(stderr,
			"dcisim compare: %zu directories; %s/report.html and %s/compare.csv\n", nd,
			o.out_dir, o.out_dir);
out:
	free(dirs);
	free(labels);
	free(metrics);
	return rc;
}
