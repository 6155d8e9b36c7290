/* dcisim: the program.  The commands are the table of sim/app/cli.h. */
#include <stdio.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "app/cli.h"
#include "dcisim/exitcode.h"
#include "dcisim/version.h"

/* glibc's allocator keeps what a run frees for the run to use again: by
 * default each block of 128 KiB or more is mapped on its own and unmapped
 * when freed, and a heap top of 128 KiB free goes back to the system, so
 * that a long scenario's parse buffers, the rows' chunks and the files'
 * buffers fault their pages in over and over (a third of the page faults of
 * the 10,000-VM evacuation: docs/performance.md).  Blocks below 32 MiB come
 * from the heap, which gives back only a free top of 64 MiB or more. */
static void tune_allocator(void)
{
#if defined(__GLIBC__)
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int main(int argc, char **argv)
{
	tune_allocator();
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
