/*
 * dcisim trace files (sim/io/): the records a run's observers see, one a
 * line, in the format of docs/trace.md.
 *
 * Contract: what an observer sees of a run (sim/observe, dcisim/trace.h) is
 * tables declared once, their rows, link states and bus notes, in
 * non-decreasing simulated time; a sink receives them.  A trace file holds
 * the same records: the writer here puts them (a table's cells as CSV through
 * libcsv) to a temporary file renamed into place when finished, and the
 * reader loads a whole file and replays it into a sink, so live and replayed
 * views are drawn by the same code.  A trace kept in memory is the same
 * reader filled from a sink instead of a file.  Traces are deterministic:
 * the same records give the same bytes.
 */
#ifndef DCISIM_TRACEFILE_H
#define DCISIM_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/bus.h"
#include "dcisim/time.h"

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

/* Trace file writer.  The header figures say what the trace was recorded
 * from; the records follow as the observer reports them, each with its time
 * (a table's declaration is stamped with the poll that found it). */
struct dcs_trace_meta {
	const char *scenario;  /* name */
	const char *path;      /* scenario file, absolute; "" for none */
	uint64_t seed;
	dcs_time_t horizon, step;
	size_t sites, links, vms;
};
struct dcs_trace_file;
/* Opens path's temporary sibling (making its directory) and writes the
 * header; NULL with a message on err. */
struct dcs_trace_file *dcs_trace_file_create(const char *path, const struct dcs_trace_meta *m,
					     FILE *err);
void dcs_trace_file_table(struct dcs_trace_file *f, dcs_time_t t, int id, const char *file,
			  size_t ncols, const char *const *cols);
void dcs_trace_file_row(struct dcs_trace_file *f, dcs_time_t t, int id, const char *const *cells);
void dcs_trace_file_link(struct dcs_trace_file *f, dcs_time_t t, int link,
			 const struct dcs_obs_link *s);
void dcs_trace_file_note(struct dcs_trace_file *f, dcs_time_t t, const struct dcs_note *n);
/* Writes the end record (`end`: the simulated time the run covered, and
 * whether it completed), flushes and renames the file into place.  0, or -1
 * after an I/O error (said on err; the file is not left). */
int dcs_trace_file_finish(struct dcs_trace_file *f, dcs_time_t end, bool complete, FILE *err);
/* Frees the writer; an unfinished file is removed. */
void dcs_trace_file_free(struct dcs_trace_file *f);

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
