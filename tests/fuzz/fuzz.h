/*
 * dcisim fuzz targets (tests/fuzz/): one entry point per parser, the same
 * in the libFuzzer build (DCISIM_FUZZ, clang) and in the normal build, where
 * tests/fuzz/replay.c feeds it the saved corpus and every regression input.
 *
 * Contract of each target: it never crashes, leaks or reads out of bounds on
 * any input, and it checks the parser's promises beyond "no crash" with
 * fuzz_require(), which aborts (so libFuzzer saves the input) with a message.
 */
#ifndef DCISIM_FUZZ_H
#define DCISIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_require(cond, ...)                                                                    \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s: ", __FILE__, __LINE__,  \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Every line of a loader's message stream starts with `label` and says
 * "error:" (the FILE:LINE:COL: error: form of SPEC §1). */
static inline void fuzz_check_messages(const char *msgs, size_t len, const char *label)
{
	size_t ll = 0;
	while (label[ll])
		ll++;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && msgs[j] != '\n')
			j++;
		int ok = j - i > ll;
		for (size_t k = 0; ok && k < ll; k++)
			ok = msgs[i + k] == label[k];
		int has_error = 0;
		for (size_t k = i; ok && k + 7 <= j && !has_error; k++)
			has_error = msgs[k] == 'e' && msgs[k + 1] == 'r' && msgs[k + 2] == 'r' &&
				    msgs[k + 3] == 'o' && msgs[k + 4] == 'r' &&
				    msgs[k + 5] == ':' && msgs[k + 6] == ' ';
		fuzz_require(ok && has_error, "message line '%.*s' is not '%s:...: error: ...'",
			     (int)(j - i), msgs + i, label);
		i = j + 1;
	}
}

struct dcs_scenario;
/* Aborts unless a loaded scenario keeps the loader's promises (scenario.h):
 * every id set, every reference an index in range, every number finite
 * (or NaN where the section leaves it to a model), every count consistent. */
void fuzz_check_scenario(const struct dcs_scenario *s);
#endif
