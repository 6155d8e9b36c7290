/*
 * Figures for people: what the terminal summaries and reports print.
 *
 * Contract.  CSV files keep full precision (results.h); what people read is
 * rounded to three significant digits and carries its unit, in the unit a
 * person would pick: a duration in ms below a second, in s below two
 * minutes, then "12 min 5 s" or "3 h 20 min"; bytes in KiB, MiB, GiB or
 * TiB; a ratio the metric declares as such (availability, utilisation) as a
 * percentage with as many decimals as it takes to show how far from 100 %
 * it is (99.92 %, never a rounded-up 100 % for anything below 1).  Infinity
 * prints as "never", NaN as "n/a".  The result is written into buf (at least
 * DCS_HUMAN_LEN bytes) and returned.
 */
#ifndef DCISIM_APP_HUMAN_H
#define DCISIM_APP_HUMAN_H

#include <stddef.h>

#define DCS_HUMAN_LEN 48

/* v in the unit a summary.csv row gives it ("s", "ms", "B", "bytes",
 * "MiB", "Gbps", "ratio", "count", ...). */
const char *dcs_human(char *buf, size_t len, double v, const char *unit);
/* Three significant digits, no unit ("1.23", "0.000456", "1.23e+06"). */
const char *dcs_human_num(char *buf, size_t len, double v);
/* A duration in seconds. */
const char *dcs_human_s(char *buf, size_t len, double s);

#endif
