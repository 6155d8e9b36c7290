/*
 * Fuzz target: the sweep loader, dcs_sweep_load_text() (sim/io/sweepfile.c).
 *
 * The input is a sweep file as if it lived in scenarios/sweeps/, so the
 * seeds' relative bases ("../metro-vmotion.json") name bundled scenarios and
 * the mutations reach grid expansion and per-point validation.  Promises
 * checked: a refused sweep has errors and messages in the error form; an
 * accepted one has at least one point, a value for every point and
 * parameter, and a scenario per point that keeps the loader's promises.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/sweepfile.h"
#include "fuzz.h"

#ifndef DCISIM_FUZZ_SWEEP_LABEL
#error "the build defines DCISIM_FUZZ_SWEEP_LABEL (a path in scenarios/sweeps/)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *err = open_memstream(&msgs, &mlen);
	if (!err)
		return 0;
	int nerr = -1;
	struct dcs_sweep *sw =
	    dcs_sweep_load_text((const char *)data, size, DCISIM_FUZZ_SWEEP_LABEL, err, &nerr);
	fclose(err);
	if (sw) {
		fuzz_require(nerr == 0, "accepted with %d errors", nerr);
		fuzz_require(sw->n_points >= 1 && sw->replications >= 1, "%zu points x %d",
			     sw->n_points, sw->replications);
		fuzz_require(dcs_sweep_n_runs(sw) <= DCS_SWEEP_MAX_RUNS, "too many runs");
		fuzz_require(sw->name && sw->name[0] && !strchr(sw->name, '/'), "name");
		for (size_t p = 0; p < sw->n_points; p++) {
			fuzz_require(sw->scenarios[p], "point %zu has no scenario", p);
			for (size_t k = 0; k < sw->n_params; k++)
				fuzz_require(dcs_sweep_value(sw, p, k), "point %zu value %zu", p,
					     k);
			if (p < 64)
				fuzz_check_scenario(sw->scenarios[p]);
		}
		size_t runs = dcs_sweep_n_runs(sw);
		for (size_t r = 0; r < runs && r < 1000; r++)
			fuzz_require(dcs_sweep_seed(sw, r) ==
					 sw->scenarios[r / (size_t)sw->replications]->seed +
					     r % (size_t)sw->replications,
				     "seed of run %zu", r);
		dcs_sweep_free(sw);
	} else {
		fuzz_require(nerr > 0, "refused with %d errors", nerr);
		fuzz_require(mlen > 0, "refused without a message");
		/* Messages name the sweep file or, for a bad base, the base file. */
		fuzz_check_messages(msgs, mlen, "");
	}
	free(msgs);
	return 0;
}
