/*
 * Sweeps across MPI ranks through a module loaded when a command is started
 * by an MPI launcher (dcisim-mpi.so: sweep_mpi.c and Open MPI).  Linked into
 * the program, Open MPI's libraries (libmpi, libopen-rte, libopen-pal,
 * hwloc, libevent: about 5,700 relocations) were loaded by every command,
 * about 1 ms of each start (docs/performance.md).  The module finds the
 * rest of dcisim in the program itself (it exports its symbols), and is
 * opened with RTLD_GLOBAL: Open MPI's own components, which it opens in
 * turn, look for libmpi's symbols there.
 */
#include <dlfcn.h>
#include <stdio.h>

#include "dcisim/exitcode.h"
#include "modules.h"
#include "mpi_module.h"
#include "sweep.h"

#ifndef DCISIM_MPI_MODULE
#define DCISIM_MPI_MODULE "dcisim-mpi.so"
#endif

static const struct dcs_mpi_module *mod;

/* The module, loaded on first use; NULL with a message on stderr. */
static const struct dcs_mpi_module *need(void)
{
	if (mod)
		return mod;
	char why[512];
	void *h = dcs_module_open(DCISIM_MPI_MODULE, RTLD_NOW | RTLD_GLOBAL, why, sizeof(why));
	if (!h) {
		fprintf(stderr, "dcisim: error: MPI sweeps: %s", why);
		return NULL;
	}
	mod = dlsym(h, DCS_MPI_MODULE_SYMBOL);
	if (!mod)
		fprintf(stderr, "dcisim: error: the module %s has no %s: %s\n", DCISIM_MPI_MODULE,
			DCS_MPI_MODULE_SYMBOL, dlerror());
	return mod;
}

int dcs_sweep_mpi_run(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o)
{
	return need() ? mod->run(job, o) : DCS_EXIT_RUNTIME;
}

int dcs_sweep_mpi_begin(int *rank, int *size)
{
	*rank = 0;
	*size = 1;
	return need() ? mod->begin(rank, size) : DCS_EXIT_RUNTIME;
}

void dcs_sweep_mpi_end(void)
{
	if (mod)
		mod->end();
}

bool dcs_sweep_mpi_all(bool ok)
{
	return mod ? mod->all(ok) : ok;
}

int dcs_sweep_mpi_runs(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *runs)
{
	return need() ? mod->runs(sw, o, runs) : DCS_EXIT_RUNTIME;
}
