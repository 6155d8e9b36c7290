/*
 * dcisim checked allocation, for code that cannot unwind: a model or the
 * network in the middle of an event has no error path back to the command,
 * so running out of memory there is reported once on stderr ("dcisim:
 * error: out of memory ...") and ends the process with exit 3 (SPEC §1:
 * runtime failure), never a crash on NULL and never a silently wrong
 * result.  No output is in place at that point (tables are written to
 * temporary names and renamed at the end), so no partial file is left under
 * a final name.  Loaders, writers and a
 * model's create() return errors instead (tests/fuzz/oom.c fails each
 * allocation of a run in turn to check both).
 */
#ifndef DCISIM_XALLOC_H
#define DCISIM_XALLOC_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "dcisim/exitcode.h"

static inline _Noreturn void dcs_oom(const char *what)
{
	fprintf(stderr, "dcisim: error: out of memory (%s)\n", what);
	exit(DCS_EXIT_RUNTIME);
}

static inline void *dcs_xcalloc(size_t n, size_t size, const char *what)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		dcs_oom(what);
	return p;
}

static inline void *dcs_xmalloc(size_t n, const char *what)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		dcs_oom(what);
	return p;
}

static inline void *dcs_xrealloc(void *old, size_t n, const char *what)
{
	void *p = realloc(old, n ? n : 1);
	if (!p)
		dcs_oom(what);
	return p;
}

#endif
