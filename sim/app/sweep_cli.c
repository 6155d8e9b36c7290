/* The command line every command on the sweep engine shares (sweep.h):
 * --help, -q, --resume|--force, --out, --jobs, --runs-dir where the
 * command's table has it, and one file found by the one lookup. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "lookup.h"
#include "options.h"
#include "sweep.h"
#include "dcisim/exitcode.h"

int dcs_sweep_cli_parse(int argc, char **argv, const struct dcs_sweep_cli *cli,
			struct dcs_sweep_opts *o, char **found)
{
	const char *arg = NULL;
	struct dcs_options opt;
	*found = NULL;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, cli->options)) != -1;) {
		unsigned long long n;
		switch (c) {
		case 'h':
			fputs(cli->usage, stdout);
			return DCS_EXIT_OK;
		case 'q':
			o->verbosity = -1;
			break;
		case DCS_SWEEP_OPT_RESUME:
			o->resume = true;
			break;
		case DCS_SWEEP_OPT_FORCE:
			o->force = true;
			break;
		case DCS_SWEEP_OPT_OUT:
			o->out_dir = optarg;
			break;
		case DCS_SWEEP_OPT_RUNS_DIR:
			o->runs_dir = optarg;
			break;
		case DCS_SWEEP_OPT_JOBS:
			if (!dcs_parse_u64(optarg, &n) || n == 0 || n > 1024) {
				fprintf(stderr,
					"dcisim %s: error: --jobs needs a count in [1, 1024], "
					"not '%s'\n",
					cli->command, optarg);
				return DCS_EXIT_USAGE;
			}
			o->jobs = (unsigned)n;
			break;
		default:
			return dcs_options_bad(&opt, cli->command, cli->usage);
		}
	}
	if (dcs_options_single(&opt, cli->command, cli->what, &arg))
		return DCS_EXIT_USAGE;
	if (!arg) {
		fputs(cli->usage, stderr);
		return DCS_EXIT_USAGE;
	}
	if (o->resume && o->force) {
		fprintf(stderr,
			"dcisim %s: error: --resume reuses cached runs and --force deletes them: "
			"give one\n",
			cli->command);
		return DCS_EXIT_USAGE;
	}
	*found = dcs_lookup(arg);
	if (!*found) {
		dcs_lookup_explain(stderr, cli->command, arg);
		return DCS_EXIT_USAGE;
	}
	return -1;
}
