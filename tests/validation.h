/*
 * Validation records: a validation test states each case it checks against
 * a formula or a published figure with dcs_validate(), which asserts the
 * tolerance (through cmocka) and, when DCISIM_VALIDATION_OUT names a file,
 * appends a row to it: case, source, expected, measured, tolerance, pass.
 * scripts/validation-report turns those rows into docs/validation.md, and a
 * test fails when the checked-in table no longer matches a run.
 */
#ifndef DCISIM_TESTS_VALIDATION_H
#define DCISIM_TESTS_VALIDATION_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

/* rel_tol: allowed |measured - expected| / |expected|; abs_tol: allowed
 * absolute difference; the case passes when either holds. */
static inline void dcs_validate(const char *case_name, const char *source, double expected,
				double measured, double rel_tol, double abs_tol, const char *unit)
{
	double diff = fabs(measured - expected);
	int pass = diff <= abs_tol || (expected != 0 && diff / fabs(expected) <= rel_tol);
	const char *path = getenv("DCISIM_VALIDATION_OUT");
	if (path && *path) {
		FILE *fp = fopen(path, "a");
		if (fp) {
			char tol[64];
			if (rel_tol > 0 && abs_tol > 0)
				snprintf(tol, sizeof(tol), "%.3g%% or %.3g %s", rel_tol * 100, abs_tol, unit);
			else if (rel_tol > 0)
				snprintf(tol, sizeof(tol), "%.3g%%", rel_tol * 100);
			else
				snprintf(tol, sizeof(tol), "%.3g %s", abs_tol, unit);
			fprintf(fp, "\"%s\",\"%s\",%.6g,%.6g,\"%s\",\"%s\",%s\n", case_name, source,
				expected, measured, unit, tol, pass ? "pass" : "FAIL");
			fclose(fp);
		}
	}
	if (!pass)
		fail_msg("%s: expected %.9g %s, measured %.9g (source: %s)", case_name, expected,
			 unit, measured, source);
}

#endif
