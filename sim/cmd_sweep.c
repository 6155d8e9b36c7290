/* dcisim sweep: not in this build yet; says so plainly and exits 2. */
#include <stdio.h>

#include "dcisim/commands.h"

int dcs_cmd_sweep(int argc, char **argv)
{
	(void)argc, (void)argv;
	fprintf(stderr, "dcisim sweep: error: this command is not available in this build yet\n");
	return 2;
}
