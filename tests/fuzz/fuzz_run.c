/*
 * Fuzz target: load a scenario and, when it is valid, run it for a bounded
 * number of events (dcs_run_scenario without output files).  Mutations of
 * the bundled scenarios are mostly valid, so this reaches the models with
 * values a hand-edited file could hold: extreme distances, rates, timers,
 * zero-length faults, references to the same site, and so on.
 *
 * Promises checked: no crash, hang or sanitizer report; the run returns 0
 * (done) or 3 (the event or wall limit, which this target sets); the models'
 * messages are warnings or errors, one per line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dcisim/loader.h"
#include "run.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *sink = fopen("/dev/null", "w");
	if (!sink)
		return 0;
	int nerr = 0;
	struct dcs_scenario *s =
	    dcs_scenario_load_text((const char *)data, size, "fuzz.json", sink, &nerr);
	if (s) {
		struct dcs_run_opts o = {.verbosity = -1, .max_events = 20000, .max_wall_s = 10};
		int code = dcs_run_scenario(s, &o, NULL, sink);
		fuzz_require(code == 0 || code == 3, "run returned %d", code);
		dcs_scenario_free(s);
	}
	fclose(sink);
	return 0;
}
