/*
 * Figures for people (sim/app/human.h): three significant digits, the unit
 * a person would pick, and percentages that never round a shortfall away.
 * Expected strings are written out here.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "human.h"

static void expect(double v, const char *unit, const char *want)
{
	char buf[DCS_HUMAN_LEN];
	assert_string_equal(dcs_human(buf, sizeof(buf), v, unit), want);
}

static void durations(void **state)
{
	(void)state;
	expect(0.000257, "s", "257 us");
	expect(422.509692, "ms", "423 ms");
	expect(31.828925941, "s", "31.8 s");
	expect(119.4, "s", "119 s");
	expect(600, "s", "10 min");
	expect(507.3, "s", "8 min 27 s");
	expect(7300, "s", "2 h 2 min");
	expect(7200, "s", "2 h");
	expect(200000, "s", "2.31 days");
	expect(0, "s", "0 s");
	expect(INFINITY, "s", "never");
	expect(NAN, "ms", "n/a");
}

static void sizes_and_rates(void **state)
{
	(void)state;
	expect(19622273024.0, "bytes", "18.3 GiB");
	expect(512, "B", "512 B");
	expect(1536, "B", "1.5 KiB");
	expect(14.8 * 1024, "MiB", "14.8 GiB");
	expect(3.66495143613, "Gbps", "3.66 Gbps");
	expect(45343, "count", "45343");
	expect(1234.4, "", "1234");
	expect(2.5e7, "B/s", "2.5e+07 B/s");
}

static void percentages(void **state)
{
	(void)state;
	expect(0.991666666667, "ratio", "99.1 %");
	expect(0.99999917, "ratio", "99.99991 %"); /* never "100 %" below 1 */
	expect(0.999, "ratio", "99.9 %");
	expect(0.5, "ratio", "50.0 %");
	expect(0.123456, "ratio", "12.3 %");
	expect(0.0000083, "ratio", "0.00083 %");
	expect(1, "ratio", "100 %");
	expect(0, "ratio", "0 %");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(durations),
	    cmocka_unit_test(sizes_and_rates),
	    cmocka_unit_test(percentages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
