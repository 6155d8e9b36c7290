/*
 * A scratch directory per test program, made by the group setup and removed
 * by the group teardown, and put() to write a small file into it.  Include
 * after cmocka.h; define TMPDIR_PREFIX ("dcisim-test-NAME") first.
 */
#ifndef DCISIM_TESTS_TMPDIR_H
#define DCISIM_TESTS_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "dcisim/output.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/" TMPDIR_PREFIX "-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	assert_int_equal(dcs_mkdir_p(dir), 0);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
