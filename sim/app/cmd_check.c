/*
 * dcisim check: regression check of a result directory against a stored
 * baseline, under tolerances (sim/app/report.h has the contract; check.h
 * the parts).  This file is the command line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dcisim/exitcode.h"
#include "options.h"
#include "report.h"

static const char check_usage[] =
    "usage: dcisim check RESULT_DIR --baseline DIR [--mode exact|tolerance|stat]\n"
    "                    [--rtol X] [--atol Y] [--alpha A] [--strict] [--accept]\n"
    "\n"
    "Compares every CSV of a result directory (and run.json) with a stored\n"
    "baseline: the same files, columns and rows; numbers agree when\n"
    "|current - baseline| <= atol + rtol * |baseline|, text must be equal.\n"
    "Per-column tolerances: DIR/tolerances.csv with columns file,column,rtol,atol\n"
    "(`*` matches any file or column; the last matching line wins).  run.json's\n"
    "fingerprint (a hash of the ordered event times) is reported first; its\n"
    "wall-clock and host fields and provenance (commit, dirty, build, version,\n"
    "scenario path and hash) are not compared.\n"
    "\n"
    "Modes:\n"
    "  tolerance  (default) as above\n"
    "  exact      every CSV the same bytes (refactors on one machine)\n"
    "  stat       two sweeps of a stochastic scenario: per point and metric, the\n"
    "             replications' means by Welch's t test; pass (the difference's\n"
    "             1-2*alpha confidence interval is within the margin atol + rtol *\n"
    "             |baseline mean|), fail (significant, p < alpha, and beyond the\n"
    "             margin) or inconclusive, with the p-value and effect size\n"
    "\n"
    "  --baseline DIR  the stored results to compare against (required)\n"
    "  --mode M        exact, tolerance (default) or stat\n"
    "  --rtol X        relative tolerance (default 1e-9; stat: 0.05)\n"
    "  --atol Y        absolute tolerance (default 1e-12)\n"
    "  --alpha A       stat: significance level (default 0.05)\n"
    "  --strict        stat: an inconclusive comparison is drift too\n"
    "  --accept        after printing the differences, replace the baseline with\n"
    "                  the results (tolerances.csv is kept); exit 0\n"
    "\n"
    "Exit status: 0 clean (or accepted), 1 drift found, 2 usage error or missing\n"
    "directory, 3 a file could not be read or written.\n";

enum { OPT_BASELINE = 256, OPT_RTOL, OPT_ATOL, OPT_ACCEPT, OPT_STRICT, OPT_MODE, OPT_ALPHA };

static const struct option check_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"rtol", required_argument, NULL, OPT_RTOL},
    {"atol", required_argument, NULL, OPT_ATOL},
    {"accept", no_argument, NULL, OPT_ACCEPT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"mode", required_argument, NULL, OPT_MODE},
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_check(int argc, char **argv)
{
	struct dcs_check_opts o = {.rtol = NAN, .atol = 1e-12};
	const char *result = NULL, *baseline = NULL;
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, check_options)) != -1;) {
		double x;
		switch (c) {
		case 'h':
			fputs(check_usage, stdout);
			return DCS_EXIT_OK;
		case OPT_BASELINE:
			baseline = optarg;
			break;
		case OPT_RTOL:
		case OPT_ATOL:
			if (!dcs_parse_double(optarg, &x)) {
				fprintf(stderr,
					"dcisim check: error: %s needs a number >= 0, not '%s'\n",
					c == OPT_RTOL ? "--rtol" : "--atol", optarg);
				return DCS_EXIT_USAGE;
			}
			*(c == OPT_RTOL ? &o.rtol : &o.atol) = x;
			break;
		case OPT_ACCEPT:
			o.accept = true;
			break;
		case OPT_STRICT:
			o.strict = true;
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "exact"))
				o.mode = DCS_CHECK_EXACT;
			else if (!strcmp(optarg, "tolerance"))
				o.mode = DCS_CHECK_TOLERANCE;
			else if (!strcmp(optarg, "stat"))
				o.mode = DCS_CHECK_STAT;
			else {
				fprintf(stderr,
					"dcisim check: error: --mode is exact, tolerance or stat, "
					"not '%s'\n",
					optarg);
				return DCS_EXIT_USAGE;
			}
			break;
		case OPT_ALPHA:
			if (!dcs_parse_double(optarg, &o.alpha) ||
			    !(o.alpha > 0 && o.alpha < 0.5)) {
				fprintf(
				    stderr,
				    "dcisim check: error: --alpha needs a number in (0, 0.5), not "
				    "'%s'\n",
				    optarg);
				return DCS_EXIT_USAGE;
			}
			break;
		default:
			return dcs_options_bad(&opt, "check", check_usage);
		}
	}
	if (dcs_options_single(&opt, "check", "result directory", &result))
		return DCS_EXIT_USAGE;
	if (!result || !baseline) {
		fprintf(stderr, "dcisim check: error: %s\n\n%s",
			result ? "--baseline DIR is required" : "give a result directory",
			check_usage);
		return DCS_EXIT_USAGE;
	}
	if (isnan(o.rtol))
		o.rtol = o.mode == DCS_CHECK_STAT ? 0.05 : 1e-9;
	return dcs_check_dirs(result, baseline, &o, stdout, stderr);
}

const struct dcs_cli_command dcs_cli_check = {
    .name = "check",
    .fn = dcs_cmd_check,
    .args = "RESULT_DIR",
    .complete = DCS_CLI_DIR,
    .summary = "compare results with a baseline under tolerances; exit 1 on drift",
    .usage = check_usage,
    .options = check_options,
    .required = "baseline",
};
