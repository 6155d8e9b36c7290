/*
 * dcisim observation: what the viewer and `dcisim run --trace` see of a run.
 *
 * Contract (taps): a tap watches one world and never changes it.  It reads
 * published state only (results tables, link state and rates through const
 * accessors of the network) and listens to bus notes; it never schedules an
 * event, never settles the network's byte accounting, adds no row and writes
 * no results, so a run watched by a tap gives the same CSV bytes as a run
 * without.  It reports what it saw to a sink, in non-decreasing simulated time:
 * - a table, once, when it first has rows (file name and header);
 * - every new row of every table except links.csv (the link records below
 *   carry the same figures), stamped with the time of the poll that first saw
 *   it (a row's own time_s column, where it has one, may be earlier);
 * - a link's state and its current flow rates and counts, at each poll where
 *   they differ from the last report (all links at the first poll);
 * - every bus note, at the instant it is published.
 * Polls happen between kernel events, never inside one.  The tap subscribes
 * to the world's bus, which has no unsubscribe: destroy the tap only after
 * the world, or at least after the world stops running.
 *
 * Contract (traces): a trace file is the same records, one a line
 * (dcisim/tracefile.h, docs/trace.md); `dcisim run --trace FILE` writes one
 * through the writer below (atomically, like every output) and the viewer
 * replays it through a trace reader into the same kind of sink it uses live,
 * so live and replayed views are drawn by the same code.  Traces are
 * deterministic: the same scenario, seed and build give the same bytes.
 */
#ifndef DCISIM_TRACE_H
#define DCISIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/time.h"
#include "dcisim/tracefile.h"

struct dcs_world;

struct dcs_tap;

/* Subscribes to the world's bus; NULL when out of memory. */
struct dcs_tap *dcs_tap_create(struct dcs_world *w, const struct dcs_obs_sink *sink);
/* Reports the rows and link changes since the last poll. */
void dcs_tap_poll(struct dcs_tap *tap);
/* Runs the world to `until` (dcs_world_run), polling at every multiple of
 * `step` (time 0 included) and at the horizon, and returns what a single
 * dcs_world_run(w, until) would have: the same events run, in the same
 * order, with the same clock at the end, so the results do not depend on
 * the step.  The polls do not depend on how a run is cut into calls either
 * (a call ending between two multiples does not poll), so neither do the
 * records: a viewer that runs a world in frames reports what a trace of the
 * same run holds. */
enum dcs_stop_reason dcs_tap_run(struct dcs_tap *tap, dcs_time_t until, dcs_time_t step);
/* The time of dcs_tap_run's next poll. */
dcs_time_t dcs_tap_next_poll(const struct dcs_tap *tap, dcs_time_t step);
void dcs_tap_destroy(struct dcs_tap *tap);

/* The poll step for traces: min(output.sample_s, 0.1 s), coarsened so that a
 * run has at most 100,000 polls. */
dcs_time_t dcs_trace_step(const struct dcs_world *w);

/* Trace writer, as sim/app/run.c uses it: open before the run, run through it,
 * finish after dcs_world_finish() (final rows, end record, atomic rename),
 * free after dcs_world_destroy(). */
struct dcs_trace;
struct dcs_trace *dcs_trace_open(const char *path, struct dcs_world *w, FILE *err);
enum dcs_stop_reason dcs_trace_run(struct dcs_trace *tr, dcs_time_t until);
/* `end` is the simulated time the run covered (its horizon or --until when
 * it completed).  Returns 0, or -1 after an I/O error (said on err; the
 * file is not left). */
int dcs_trace_finish(struct dcs_trace *tr, dcs_time_t end, bool complete, FILE *err);
void dcs_trace_free(struct dcs_trace *tr);

#endif
