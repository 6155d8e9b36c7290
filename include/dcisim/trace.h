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
 * Contract (traces): a trace file is the same records, one a line, in the
 * format of docs/trace.md; `dcisim run --trace FILE` writes one (atomically,
 * like every output) and the viewer replays it through a trace reader into
 * the same kind of sink it uses live, so live and replayed views are drawn by
 * the same code.  Traces are deterministic: the same scenario, seed and build
 * give the same bytes.
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

struct dcs_world;

/* A link as an observer sees it.  Direction 0 is a->b as configured. */
struct dcs_obs_link {
	bool up;
	bool degraded;
	double rate_Bps[2];    /* goodput carried by flows now */
	int flows[2];          /* flows crossing it */
	double bandwidth_gbps; /* current line rate (after degradation) */
};

/* Where observations go.  Any callback may be NULL.  Strings are valid only
 * during the call. */
struct dcs_obs_sink {
	void *ctx;
	void (*table)(void *ctx, int table, const char *file, size_t ncols,
		      const char *const *cols);
	void (*row)(void *ctx, dcs_time_t t, int table, const char *const *cells);
	void (*link)(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s);
	void (*note)(void *ctx, dcs_time_t t, const struct dcs_note *n);
};

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

/* Trace reader: loads a whole trace and replays it into a sink. */
struct dcs_trace_reader;
struct dcs_trace_reader *dcs_trace_load(const char *path, FILE *err);
void dcs_trace_reader_free(struct dcs_trace_reader *r);
/* Header figures: the scenario's name and file, seed, horizon and topology
 * counts, to check a trace against the scenario it is drawn on. */
const char *dcs_trace_scenario_name(const struct dcs_trace_reader *r);
const char *dcs_trace_scenario_path(const struct dcs_trace_reader *r);
uint64_t dcs_trace_seed(const struct dcs_trace_reader *r);
dcs_time_t dcs_trace_horizon(const struct dcs_trace_reader *r);
void dcs_trace_topology(const struct dcs_trace_reader *r, size_t *sites, size_t *links,
			size_t *vms);
/* The time of the end record (how far the run went: its horizon, --until,
 * or where it was stopped), and whether it completed. */
dcs_time_t dcs_trace_end(const struct dcs_trace_reader *r, bool *complete);
/* Replays the records with time <= until not replayed yet; the time of the
 * next record, or DCS_TIME_NEVER after the last. */
dcs_time_t dcs_trace_replay(struct dcs_trace_reader *r, dcs_time_t until,
			    const struct dcs_obs_sink *sink);
dcs_time_t dcs_trace_next_time(const struct dcs_trace_reader *r);
void dcs_trace_rewind(struct dcs_trace_reader *r);
/* The same with a cursor of the caller's (*pos, 0 at the start), so that
 * several readers can walk one trace at their own pace. */
dcs_time_t dcs_trace_replay_at(const struct dcs_trace_reader *r, size_t *pos, dcs_time_t until,
			       const struct dcs_obs_sink *sink);
/* A trace kept in memory instead of a file: an empty reader with the given
 * header figures, and the sink that appends to it what a tap reports (in
 * the tap's non-decreasing time order), so a live run can be replayed, and
 * rewound, like a trace file.  NULL when out of memory; a record that could
 * not be kept makes dcs_trace_memory_ok() false. */
struct dcs_trace_reader *dcs_trace_memory(const char *scenario, size_t sites, size_t links,
					  size_t vms, dcs_time_t horizon);
struct dcs_obs_sink dcs_trace_memory_sink(struct dcs_trace_reader *r);
bool dcs_trace_memory_ok(const struct dcs_trace_reader *r);
/* Records in the trace, for reports. */
size_t dcs_trace_n_records(const struct dcs_trace_reader *r);

/* Names of note kinds as traces write them ("link", "vm", ...); -1 unknown. */
const char *dcs_note_kind_name(enum dcs_note_kind k);
int dcs_note_kind_from_name(const char *s);

#endif
