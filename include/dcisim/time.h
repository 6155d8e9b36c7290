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

static inline dcs_time_t dcs_time_from_s(double s)
{
	return (dcs_time_t)llround(s * 1e9);
}

static inline dcs_time_t dcs_time_from_ms(double ms)
{
	return (dcs_time_t)llround(ms * 1e6);
}

static inline dcs_time_t dcs_time_from_us(double us)
{
	return (dcs_time_t)llround(us * 1e3);
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
