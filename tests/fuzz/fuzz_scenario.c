/*
 * Fuzz target: the scenario loader, dcs_scenario_load_text().
 *
 * Promises checked beyond "no crash": the input is read only within its
 * length (it is not NUL-terminated here); a refused input yields a count of
 * errors and at least one message, each in the FILE:LINE:COL: error: form;
 * an accepted one has no error count and keeps every promise of scenario.h
 * (fuzz_check_scenario); and the same input parsed on two threads (the
 * largest array cut in two, DCISIM_JSON_SPLIT_MIN=0) gives the same
 * messages, the same count and the same verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/loader.h"
#include "fuzz.h"

/* Loads the input, its messages into *msgs. */
static struct dcs_scenario *load(const uint8_t *data, size_t size, const char *label, char **msgs,
				 size_t *mlen, int *nerr)
{
	FILE *err = open_memstream(msgs, mlen);
	if (!err)
		return NULL;
	struct dcs_scenario *s = dcs_scenario_load_text((const char *)data, size, label, err, nerr);
	fclose(err);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char label[] = "fuzz.json";
	char *msgs = NULL, *msgs2 = NULL;
	size_t mlen = 0, mlen2 = 0;
	int nerr = -1, nerr2 = -1;
	struct dcs_scenario *s = load(data, size, label, &msgs, &mlen, &nerr);
	if (!msgs)
		return 0;
	if (setenv("DCISIM_JSON_SPLIT_MIN", "0", 1) == 0) {
		struct dcs_scenario *s2 = load(data, size, label, &msgs2, &mlen2, &nerr2);
		unsetenv("DCISIM_JSON_SPLIT_MIN");
		if (msgs2) {
			fuzz_require(!s == !s2 && nerr == nerr2 && mlen == mlen2 &&
					 !memcmp(msgs, msgs2, mlen),
				     "parsed on two threads: %d errors, not %d:\n%.*s---\n%.*s",
				     nerr2, nerr, (int)mlen2, msgs2, (int)mlen, msgs);
			fuzz_require(!s || (s->n_vms == s2->n_vms && s->n_sites == s2->n_sites &&
					    !strcmp(s->text_sha256, s2->text_sha256)),
				     "parsed on two threads: another scenario");
		}
		dcs_scenario_free(s2);
		free(msgs2);
	}
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
