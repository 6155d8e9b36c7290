/*
 * dcisim discrete-event kernel.
 *
 * Contract:
 * - Events are ordered by (time, sequence number).  The sequence number is
 *   taken when an event is scheduled, so events at equal times run in the
 *   order they were scheduled, and a run is reproducible to the byte.
 * - Event nodes come from a pool owned by the kernel and carry their payload
 *   inline (at most DCS_PAYLOAD_BYTES, copied at schedule time).  Scheduling
 *   does not call malloc once the pool has grown to the run's peak.
 * - A handler receives its event's payload, which stays valid and unchanged
 *   until the handler returns; the event has already left the queue (its
 *   handle is stale), so the handler may schedule and cancel freely.
 * - dcs_cancel() takes the handle returned by dcs_schedule().  A handle whose
 *   event already ran or was cancelled is stale: cancel returns false and
 *   changes nothing.  Cancel is O(1).
 * - Scheduling in the past is a broken invariant and aborts with file:line.
 * - Random numbers come from named GSL streams (dcs_rng(): taus2, 24 bytes
 *   of state, created on first use), one per model entity, each seeded from
 *   the kernel seed and the entity name only, so adding an entity never
 *   changes another entity's draws.
 * - A kernel owns everything it allocates; two kernels share nothing and may
 *   run in one process (tests, sweeps on threads).
 */
#ifndef DCISIM_KERNEL_H
#define DCISIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <math.h>

#include <gsl/gsl_rng.h>

#include "dcisim/time.h"

#define DCS_PAYLOAD_BYTES 32

struct dcs_kernel;

/* An event handler: ctx is the pointer given at schedule time, payload the
 * inline bytes copied then (zero-filled beyond what was given). */
typedef void (*dcs_event_fn)(struct dcs_kernel *k, void *ctx, const void *payload);

/* A handle names one scheduled event; 0 is never a valid handle. */
typedef uint64_t dcs_handle_t;

/* Optional observer, called after every event with the event's time and the
 * handler that ran; used for the run fingerprint and read-only viewers. */
typedef void (*dcs_observer_fn)(void *ctx, dcs_time_t t, dcs_event_fn fn);

struct dcs_kernel *dcs_kernel_create(uint64_t seed);
void dcs_kernel_destroy(struct dcs_kernel *k);

dcs_time_t dcs_now(const struct dcs_kernel *k);
uint64_t dcs_kernel_seed(const struct dcs_kernel *k);

dcs_handle_t dcs_schedule(struct dcs_kernel *k, dcs_time_t at, dcs_event_fn fn, void *ctx,
			  const void *payload, size_t payload_len);
dcs_handle_t dcs_schedule_in(struct dcs_kernel *k, dcs_time_t delay, dcs_event_fn fn, void *ctx,
			     const void *payload, size_t payload_len);
bool dcs_cancel(struct dcs_kernel *k, dcs_handle_t h);
bool dcs_pending(const struct dcs_kernel *k, dcs_handle_t h);

/* Why dcs_kernel_run() returned. */
enum dcs_stop_reason {
	DCS_STOP_EMPTY,   /* no event left */
	DCS_STOP_HORIZON, /* the next event lies beyond the horizon */
	DCS_STOP_REQUEST, /* dcs_kernel_stop() was called */
	DCS_STOP_LIMIT,   /* the event limit was reached */
};

/* Runs events with time <= until.  On DCS_STOP_HORIZON the clock is left at
 * `until`, so a later call resumes exactly where this one stopped. */
enum dcs_stop_reason dcs_kernel_run(struct dcs_kernel *k, dcs_time_t until);
/* Runs exactly one event if one is due at or before until; returns false otherwise. */
bool dcs_kernel_step(struct dcs_kernel *k, dcs_time_t until);
void dcs_kernel_stop(struct dcs_kernel *k);
void dcs_kernel_set_event_limit(struct dcs_kernel *k, uint64_t max_events);
void dcs_kernel_set_observer(struct dcs_kernel *k, dcs_observer_fn fn, void *ctx);

uint64_t dcs_kernel_events(const struct dcs_kernel *k);
/* Events queued, plus those modules hold (below). */
size_t dcs_kernel_pending(const struct dcs_kernel *k);
/* A module that keeps future events in an ordered structure of its own,
 * with one kernel event for the first of them (the network's completions),
 * says how many more it holds, so that dcs_kernel_pending() counts what one
 * event each would: its count changes from held_before to held_now. */
void dcs_kernel_hold(struct dcs_kernel *k, size_t held_before, size_t held_now);
dcs_time_t dcs_kernel_next_time(const struct dcs_kernel *k);
/* Bytes the kernel holds per pending event at its current capacity. */
size_t dcs_kernel_bytes_per_pending(void);

/* The named random stream; created on first use, owned by the kernel. */
gsl_rng *dcs_rng(struct dcs_kernel *k, const char *entity);

/* Exponential variates of a stream, by the ziggurat method (Marsaglia and
 * Tsang, J. Stat. Softw. 5(8), 2000; tables in sim/core/ziggurat_exp.c,
 * written by scripts/gen-ziggurat-exp).  One 32-bit output of the stream is
 * split as GSL's gaussian ziggurat (gausszig.c) splits it: the low 8 bits
 * pick one of 256 layers of equal area, the high 24 bits a point in it;
 * 98.9 % of draws end there, with one multiplication and no logarithm.  The
 * rest (a layer's wedge, the tail beyond r = 7.697) draw again, a uniform
 * and at most one exp() or log() each: the distribution is exactly the
 * exponential (no approximation of the density), on a lattice of 2^-24 of
 * the layer's width (6e-8 of the mean or finer below the mean).  GSL's own
 * gsl_ran_exponential() inverts with log1p(), about six times the cost;
 * this is the variate of every storage I/O.  For the kernel's streams
 * (taus2: gsl_rng_get() gives 32 bits); tests/test_kernel.c checks it
 * against the distribution's closed forms, tail included. */
extern const double dcs_zig_exp_r;
extern const uint32_t dcs_zig_exp_k[256];
extern const double dcs_zig_exp_w[256];
extern const double dcs_zig_exp_f[256];
double dcs_ran_exp1_wedge(gsl_rng *r, unsigned long u);

/* A unit exponential variate. */
static inline double dcs_ran_exp1(gsl_rng *r)
{
	unsigned long u = gsl_rng_get(r);
	uint32_t i = (uint32_t)(u & 0xFF), j = (uint32_t)(u >> 8) & 0xFFFFFF;
	if (j < dcs_zig_exp_k[i])
		return j * dcs_zig_exp_w[i];
	return dcs_ran_exp1_wedge(r, u);
}

static inline double dcs_ran_exponential(gsl_rng *r, double mean)
{
	return mean * dcs_ran_exp1(r);
}

/* Seed derivation, exposed for tests and for sweeps: splitmix64 of the
 * scenario seed mixed with a 64-bit FNV-1a hash of the entity name. */
uint64_t dcs_stream_seed(uint64_t seed, const char *entity);

#endif
