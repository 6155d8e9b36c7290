/* dcisim view: not in this build yet; says so plainly and exits 2. */
#include <stdio.h>

#include "dcisim/commands.h"

int dcs_cmd_view(int argc, char **argv)
{
	(void)argc, (void)argv;
	fprintf(stderr, "dcisim view: error: this command is not available in this build yet\n");
	return 2;
}
