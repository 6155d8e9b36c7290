/* Warnings before a sweep runs (sweep.h). */
#include <stdio.h>

#include "sweep.h"
#include "dcisim/world.h"

int dcs_sweep_preflight(const struct dcs_sweep *sw, FILE *err)
{
	if (sw->replications <= 1)
		return 0;
	for (size_t p = 0; p < sw->n_points; p++)
		if (dcs_scenario_randomness(sw->scenarios[p]))
			return 0;
	fprintf(err,
		"dcisim sweep: warning: %s: %d replications of a scenario with no randomness: "
		"nothing in it draws random numbers (no storage I/O, random link failures or "
		"lossy paths), so every replication gives the same results; set "
		"\"replications\": 1\n",
		sw->name, sw->replications);
	return 1;
}
