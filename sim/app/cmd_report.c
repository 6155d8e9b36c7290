/* dcisim report: report.html for one run (sim/app/report.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"

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

int dcs_cmd_report(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(report_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--out") && v) {
			out = v;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dcisim report: error: unknown option '%s'%s\n%s", a,
				v ? "" : " (or missing value)", report_usage);
			return 2;
		} else if (!dir) {
			dir = a;
		} else {
			fprintf(stderr,
				"dcisim report: error: one result directory at a time ('%s'); "
				"`dcisim compare` sets several side by side\n",
				a);
			return 2;
		}
	}
	if (!dir) {
		fputs(report_usage, stderr);
		return 2;
	}
	int rc = dcs_report_run(dir, out ? out : dir, stderr);
	if (rc == 0)
		fprintf(stderr, "dcisim report: %s/report.html\n", out ? out : dir);
	return rc;
}
