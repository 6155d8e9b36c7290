/*
 * dcisim simulated time.
 *
 * Contract: simulated time is a signed 64-bit count of nanoseconds since the
 * start of the run.  Seconds, milliseconds and microseconds appear only at the
 * edges (scenario in, CSV out) and are converted with the helpers below, which
 * round to the nearest nanosecond so a value read from JSON maps to one time.
 * 2^63 ns is about 292 years, far beyond any scenario horizon.
 */
#ifndef DCISIM_TIME_H
#define DCISIM_TIME_H

#include <stdint.h>
#include <math.h>

typedef int64_t dcs_time_t;

#define DCS_NS_PER_US INT64_C(1000)
#define DCS_NS_PER_MS INT64_C(1000000)
#define DCS_NS_PER_S INT64_C(1000000000)
#define DCS_TIME_NEVER INT64_MAX

/* Nanoseconds as a double to a time, saturating at +-2^62 ns (146 years,
 * beyond any horizon): a delay computed from an extreme rate (1e-12 IOPS,
 * a link at 1e-9 Gbps) stays far in the future instead of overflowing into
 * the past. */
static inline dcs_time_t dcs_time_from_ns_sat(double ns)
{
	if (ns >= 0x1p62)
		return INT64_C(1) << 62;
	if (ns <= -0x1p62)
		return -(INT64_C(1) << 62);
	return (dcs_time_t)llround(ns);
}

static inline dcs_time_t dcs_time_from_s(double s)
{
	return dcs_time_from_ns_sat(s * 1e9);
}

static inline dcs_time_t dcs_time_from_ms(double ms)
{
	return dcs_time_from_ns_sat(ms * 1e6);
}

static inline dcs_time_t dcs_time_from_us(double us)
{
	return dcs_time_from_ns_sat(us * 1e3);
}

static inline double dcs_time_to_s(dcs_time_t t)
{
	return (double)t / 1e9;
}

static inline double dcs_time_to_ms(dcs_time_t t)
{
	return (double)t / 1e6;
}

#endif
