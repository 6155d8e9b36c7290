/* dcisim: the program.  The commands are the table of sim/app/cli.h. */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "dcisim/exitcode.h"
#include "dcisim/version.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		dcs_cli_usage(stderr);
		return DCS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		dcs_cli_usage(stdout);
		return DCS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dcisim %s (%s, %s)\n", DCISIM_VERSION, DCISIM_COMMIT, DCISIM_BUILD_TYPE);
		return DCS_EXIT_OK;
	}
	const struct dcs_cli_command *c = dcs_cli_find(argv[1]);
	if (c)
		return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "dcisim: error: unknown command '%s'\n\n", argv[1]);
	dcs_cli_usage(stderr);
	return DCS_EXIT_USAGE;
}
