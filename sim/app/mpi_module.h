/* The MPI sweeps module (dcisim-mpi.so, built from sweep_mpi.c when CMake
 * finds MPI): what it hands the program, under DCS_MPI_MODULE_SYMBOL.  Each
 * entry does what the sweep.h function of the same name says. */
#ifndef DCISIM_APP_MPI_MODULE_H
#define DCISIM_APP_MPI_MODULE_H

#include <stdbool.h>

#include "sweep.h"

struct dcs_mpi_module {
	int (*run)(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o);
	int (*begin)(int *rank, int *size);
	void (*end)(void);
	bool (*all)(bool ok);
	int (*runs)(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		    struct dcs_sweep_run *runs);
};

#define DCS_MPI_MODULE_SYMBOL "dcs_mpi_module"

#endif
