/*
 * Commands whose implementation has not landed in this build yet.  Each
 * says so plainly and exits 2 (usage), so scripts notice.
 */
#include <stdio.h>

#include "dcisim/commands.h"

static int not_yet(const char *cmd)
{
	fprintf(stderr, "dcisim %s: error: this command is not available in this build yet\n", cmd);
	return 2;
}

int dcs_cmd_sweep(int argc, char **argv)
{
	(void)argc, (void)argv;
	return not_yet("sweep");
}

int dcs_cmd_compare(int argc, char **argv)
{
	(void)argc, (void)argv;
	return not_yet("compare");
}

int dcs_cmd_check(int argc, char **argv)
{
	(void)argc, (void)argv;
	return not_yet("check");
}

int dcs_cmd_view(int argc, char **argv)
{
	(void)argc, (void)argv;
	return not_yet("view");
}
