/* dcisim: the program. */
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "dcisim/exitcode.h"
#include "dcisim/version.h"

static const char usage[] =
	"dcisim " DCISIM_VERSION " - discrete-event simulator of data center interconnect\n"
	"\n"
	"usage:\n"
	"  dcisim run [SCENARIO.json] [--out DIR] [--seed N] [--until SECONDS] [--trace FILE] [-q|-v]\n"
	"  dcisim validate SCENARIO.json...\n"
	"  dcisim sweep SWEEP.json [--out DIR] [--jobs N]\n"
	"  dcisim survive [SCENARIO] [--depth 1|2] [--at SECONDS] [--for SECONDS] [--out DIR]\n"
	"                 [--jobs N] [--max-runs N] [--criteria FILE] [--resume|--force]\n"
	"  dcisim plan PLAN.json [--out DIR] [--jobs N] [--resume]  largest value meeting targets\n"
	"  dcisim compare RESULT_DIR RESULT_DIR... [--out DIR]\n"
	"  dcisim check RESULT_DIR --baseline DIR [--rtol X] [--atol Y] [--accept]\n"
	"  dcisim view SCENARIO.json [--speed X] [--snapshot SECONDS FILE.bmp]\n"
	"  dcisim view --replay TRACE [--speed X] [--frames DIR]\n"
	"  dcisim bench [--pending N] [--events M] [--csv]\n"
	"  dcisim schema [--markdown]    print the scenario JSON Schema (or key reference)\n"
	"  dcisim metrics [--markdown]   list the summary metrics and event kinds\n"
	"  dcisim --help | --version | COMMAND --help\n"
	"\n"
	"Without a scenario, `dcisim run` runs the bundled default: two metro sites\n"
	"and a witness site.  Results go to results/<scenario name>/ as CSV files.\n"
	"Exit status: 0 success; 1 drift found by check, or no value meeting a plan's\n"
	"targets; 2 usage error or invalid input (nothing written); 3 runtime failure;\n"
	"130/143 interrupted.\n";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{"run", dcs_cmd_run},	  {"validate", dcs_cmd_validate}, {"bench", dcs_cmd_bench},
	{"schema", dcs_cmd_schema}, {"sweep", dcs_cmd_sweep},	  {"compare", dcs_cmd_compare},
	{"check", dcs_cmd_check},	  {"view", dcs_cmd_view},	  {"metrics", dcs_cmd_metrics},
	{"plan", dcs_cmd_plan},
	{"survive", dcs_cmd_survive},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return DCS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return DCS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dcisim %s (%s, %s)\n", DCISIM_VERSION, DCISIM_COMMIT, DCISIM_BUILD_TYPE);
		return DCS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "dcisim: error: unknown command '%s'\n\n%s", argv[1], usage);
	return DCS_EXIT_USAGE;
}
