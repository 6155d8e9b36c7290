/*
 * Validation records: a validation test states each case it checks against
 * a formula or a published figure with dcs_validate() (or one of its
 * siblings below), which asserts the tolerance (through cmocka) and, when
 * DCISIM_VALIDATION_OUT names a file, appends a row to it: case, source,
 * expected, measured, unit, tolerance, pass, oracle.
 * scripts/validation-report turns those rows into docs/validation.md, and a
 * test fails when the checked-in table no longer matches a run.
 *
 * The oracle says where the expected value comes from, so that the report
 * can tell checks that would catch a wrong model from checks that would not:
 * - independent of the code under test:
 *   dcs_validate()           a closed form written in the test, computed
 *                            from the test's own inputs (no model function
 *                            and no model output in the expected value);
 *   dcs_validate_published() a figure published outside dcisim (reference/,
 *                            a vendor document, a paper, an RFC), written in
 *                            the test as a number;
 *   dcs_validate_packet()    a packet-level simulator's result (ns-3);
 *   dcs_validate_peer()      a peer flow-level simulator's result (SimGrid);
 * - dcs_validate_self(): self-consistency: the expected value comes from
 *   the model's own functions or outputs (an identity between two of its
 *   figures, its formula re-evaluated, its earlier output).  It catches a
 *   broken identity, not a wrong formula.
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

enum dcs_oracle {
	DCS_ORACLE_CLOSED_FORM,
	DCS_ORACLE_PUBLISHED,
	DCS_ORACLE_PACKET_LEVEL,
	DCS_ORACLE_PEER_SIM,
	DCS_ORACLE_SELF,
};

/* The words the report prints for each oracle. */
static inline const char *dcs_oracle_name(enum dcs_oracle o)
{
	switch (o) {
	case DCS_ORACLE_CLOSED_FORM:
		return "closed form";
	case DCS_ORACLE_PUBLISHED:
		return "published figure";
	case DCS_ORACLE_PACKET_LEVEL:
		return "packet-level simulator";
	case DCS_ORACLE_PEER_SIM:
		return "peer simulator";
	case DCS_ORACLE_SELF:
		return "self-consistency";
	}
	return "?";
}

/* rel_tol: allowed |measured - expected| / |expected|; abs_tol: allowed
 * absolute difference; the case passes when either holds. */
static inline void dcs_validate_as(enum dcs_oracle oracle, const char *case_name,
				   const char *source, double expected, double measured,
				   double rel_tol, double abs_tol, const char *unit)
{
	double diff = fabs(measured - expected);
	int pass = diff <= abs_tol || (expected != 0 && diff / fabs(expected) <= rel_tol);
	const char *path = getenv("DCISIM_VALIDATION_OUT");
	if (path && *path) {
		FILE *fp = fopen(path, "a");
		if (fp) {
			char tol[64];
			if (rel_tol > 0 && abs_tol > 0)
				snprintf(tol, sizeof(tol), "%.3g%% or %.3g %s", rel_tol * 100,
					 abs_tol, unit);
			else if (rel_tol > 0)
				snprintf(tol, sizeof(tol), "%.3g%%", rel_tol * 100);
			else
				snprintf(tol, sizeof(tol), "%.3g %s", abs_tol, unit);
			fprintf(fp, "\"%s\",\"%s\",%.6g,%.6g,\"%s\",\"%s\",%s,\"%s\"\n", case_name,
				source, expected, measured, unit, tol, pass ? "pass" : "FAIL",
				dcs_oracle_name(oracle));
			fclose(fp);
		}
	}
	if (!pass)
		fail_msg("%s: expected %.9g %s, measured %.9g (source: %s)", case_name, expected,
			 unit, measured, source);
}

static inline void dcs_validate(const char *case_name, const char *source, double expected,
				double measured, double rel_tol, double abs_tol, const char *unit)
{
	dcs_validate_as(DCS_ORACLE_CLOSED_FORM, case_name, source, expected, measured, rel_tol,
			abs_tol, unit);
}

static inline void dcs_validate_published(const char *case_name, const char *source,
					  double expected, double measured, double rel_tol,
					  double abs_tol, const char *unit)
{
	dcs_validate_as(DCS_ORACLE_PUBLISHED, case_name, source, expected, measured, rel_tol,
			abs_tol, unit);
}

static inline void dcs_validate_packet(const char *case_name, const char *source, double expected,
				       double measured, double rel_tol, double abs_tol,
				       const char *unit)
{
	dcs_validate_as(DCS_ORACLE_PACKET_LEVEL, case_name, source, expected, measured, rel_tol,
			abs_tol, unit);
}

static inline void dcs_validate_peer(const char *case_name, const char *source, double expected,
				     double measured, double rel_tol, double abs_tol,
				     const char *unit)
{
	dcs_validate_as(DCS_ORACLE_PEER_SIM, case_name, source, expected, measured, rel_tol,
			abs_tol, unit);
}

static inline void dcs_validate_self(const char *case_name, const char *source, double expected,
				     double measured, double rel_tol, double abs_tol,
				     const char *unit)
{
	dcs_validate_as(DCS_ORACLE_SELF, case_name, source, expected, measured, rel_tol, abs_tol,
			unit);
}

#endif
