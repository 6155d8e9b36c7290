/* dcisim report: report.html for one run (sim/app/report.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "options.h"
#include "report.h"
#include "dcisim/exitcode.h"

static const char report_usage[] =
    "usage: dcisim report RESULT_DIR [--out DIR]\n"
    "\n"
    "Writes report.html for one run's result directory (of `dcisim run`): one\n"
    "self-contained page a browser opens without the network, with the run's\n"
    "summary and findings, timelines (link load and queue delay, write latency,\n"
    "replication backlog, migration rounds, path states, cluster events), the\n"
    "events coloured by severity and the summary table in figures people read.\n"
    "\n"
    "  --out DIR   where report.html goes (default: RESULT_DIR itself)\n"
    "\n"
    "To set several runs or sweeps side by side, use `dcisim compare`.\n"
    "Exit status: 0 written, 2 usage error or not a run's result directory,\n"
    "3 I/O error.\n";

enum { OPT_OUT = 256 };

static const struct option report_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"out", required_argument, NULL, OPT_OUT},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_report(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL;
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, report_options)) != -1;) {
		switch (c) {
		case 'h':
			fputs(report_usage, stdout);
			return DCS_EXIT_OK;
		case OPT_OUT:
			out = optarg;
			break;
		default:
			return dcs_options_bad(&opt, "report", report_usage);
		}
	}
	int rc = dcs_options_single(&opt, "report", "result directory", &dir);
	if (rc)
		return rc;
	if (!dir) {
		fputs(report_usage, stderr);
		return DCS_EXIT_USAGE;
	}
	rc = dcs_report_run(dir, out ? out : dir, stderr);
	if (rc == DCS_EXIT_OK)
		fprintf(stderr, "dcisim report: %s/report.html\n", out ? out : dir);
	return rc;
}

const struct dcs_cli_command dcs_cli_report = {
    .name = "report",
    .fn = dcs_cmd_report,
    .args = "RESULT_DIR",
    .complete = DCS_CLI_DIR,
    .summary = "report.html for one run: its summary, timelines and events",
    .usage = report_usage,
    .options = report_options,
};
