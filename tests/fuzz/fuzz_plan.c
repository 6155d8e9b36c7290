/*
 * Fuzz target: the plan loader, dcs_plan_load_text() (sim/io/planfile.c).
 *
 * The input is a plan file as if it lived in scenarios/plans/, so the seeds'
 * relative bases ("../storage-mirror-80km.json") name bundled scenarios and
 * the mutations reach the path checks against the base, the key types and
 * the scenarios at both ends of the range.  Promises checked: a refused plan
 * has errors and messages in the error form; an accepted one has a numeric
 * range min < max on a grid of at most DCS_PLAN_MAX_STEPS steps whose values
 * increase from min to max (whole numbers for an integer key), targets with
 * a declared metric and a bound, and a sweep of its first and last value
 * whose scenarios keep the loader's promises.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/planfile.h"
#include "dcisim/world.h"
#include "fuzz.h"

#ifndef DCISIM_FUZZ_PLAN_LABEL
#error "the build defines DCISIM_FUZZ_PLAN_LABEL (a path in scenarios/plans/)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *err = open_memstream(&msgs, &mlen);
	if (!err)
		return 0;
	struct dcs_world_catalog wc;
	int nerr = -1;
	struct dcs_plan *pl = dcs_plan_load_text((const char *)data, size, DCISIM_FUZZ_PLAN_LABEL,
						 dcs_world_catalog_init(&wc), err, &nerr);
	if (pl) {
		fuzz_require(nerr == 0, "accepted with %d errors", nerr);
		fuzz_require(pl->min < pl->max && pl->resolution > 0, "range [%g, %g] step %g",
			     pl->min, pl->max, pl->resolution);
		fuzz_require(pl->steps >= 1 && pl->steps <= DCS_PLAN_MAX_STEPS, "%lld steps",
			     (long long)pl->steps);
		fuzz_require(pl->n_targets >= 1 && pl->n_targets <= DCS_PLAN_MAX_TARGETS,
			     "targets");
		for (size_t t = 0; t < pl->n_targets; t++)
			fuzz_require(
			    pl->targets[t].def && pl->targets[t].entity &&
				(pl->targets[t].bound != DCS_PLAN_EQUALS || pl->targets[t].label),
			    "target %zu", t);
		fuzz_require(pl->replications >= 1 && pl->confidence >= 0.5 && pl->confidence < 1 &&
				 pl->scan_points >= 3,
			     "replications, confidence, scan");
		fuzz_require(dcs_plan_value(pl, 0) == pl->min, "x(0)");
		fuzz_require(dcs_plan_value(pl, pl->steps) == pl->max, "x(steps)");
		int64_t ks[4] = {0, 1, pl->steps / 2, pl->steps};
		double prev = -INFINITY;
		for (int i = 0; i < 4; i++) {
			double x = dcs_plan_value(pl, ks[i]);
			fuzz_require(i == 0 || ks[i] == ks[i - 1] || x > prev, "x(%lld) = %g",
				     (long long)ks[i], x);
			fuzz_require(!pl->integer || x == floor(x), "integer key at %g", x);
			prev = x;
		}
		int64_t ends[2] = {0, pl->steps};
		struct dcs_sweep *sw = dcs_plan_sweep(pl, ends, 2, 1, err);
		fuzz_require(sw && sw->n_points == 2, "the sweep of both ends");
		fuzz_check_scenario(sw->scenarios[0]);
		fuzz_check_scenario(sw->scenarios[1]);
		dcs_sweep_free(sw);
		dcs_plan_free(pl);
		fclose(err);
	} else {
		fclose(err);
		fuzz_require(nerr > 0, "refused with %d errors", nerr);
		fuzz_require(mlen > 0, "refused without a message");
		/* Messages name the plan file or, for a bad base, the base file. */
		fuzz_check_messages(msgs, mlen, "");
	}
	free(msgs);
	return 0;
}
