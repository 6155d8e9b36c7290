/*
 * Fuzz target: the scenario loader, dcs_scenario_load_text().
 *
 * Promises checked beyond "no crash": the input is read only within its
 * length (it is not NUL-terminated here); a refused input yields a count of
 * errors and at least one message, each in the FILE:LINE:COL: error: form;
 * an accepted one has no error count and keeps every promise of scenario.h
 * (fuzz_check_scenario).
 */
#include <stdio.h>
#include <stdlib.h>

#include "dcisim/loader.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char label[] = "fuzz.json";
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *err = open_memstream(&msgs, &mlen);
	if (!err)
		return 0;
	int nerr = -1;
	struct dcs_scenario *s =
	    dcs_scenario_load_text((const char *)data, size, label, err, &nerr);
	fclose(err);
	if (s) {
		fuzz_require(nerr == 0, "accepted with %d errors", nerr);
		fuzz_check_scenario(s);
		dcs_scenario_free(s);
	} else {
		fuzz_require(nerr > 0, "refused with %d errors", nerr);
		fuzz_require(mlen > 0, "refused without a message");
	}
	fuzz_check_messages(msgs, mlen, label);
	free(msgs);
	return 0;
}
