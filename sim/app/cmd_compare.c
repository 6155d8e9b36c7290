/* dcisim compare: compare.csv and report.html (sim/app/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "options.h"
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

enum { OPT_OUT = 256, OPT_LABEL, OPT_METRIC };

static const struct option compare_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"out", required_argument, NULL, OPT_OUT},
    {"label", required_argument, NULL, OPT_LABEL},
    {"metric", required_argument, NULL, OPT_METRIC},
    {NULL, 0, NULL, 0},
};

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
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, compare_options)) != -1;) {
		switch (c) {
		case 'h':
			fputs(compare_usage, stdout);
			rc = DCS_EXIT_OK;
			goto out;
		case OPT_OUT:
			o.out_dir = optarg;
			break;
		case OPT_LABEL:
			labels[nl++] = optarg;
			break;
		case OPT_METRIC:
			metrics[nm++] = optarg;
			break;
		default:
			rc = dcs_options_bad(&opt, "compare", compare_usage);
			goto out;
		}
	}
	for (int i = dcs_options_first(&opt); i < argc; i++)
		dirs[nd++] = argv[i];
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

const struct dcs_cli_command dcs_cli_compare = {
    .name = "compare",
    .fn = dcs_cmd_compare,
    .args = "RESULT_DIR RESULT_DIR...",
    .complete = DCS_CLI_DIR,
    .summary = "runs or sweeps side by side: compare.csv and report.html with charts",
    .usage = compare_usage,
    .options = compare_options,
};
