/*
 * dcisim output writers (sim/io/): results tables to CSV files, run.json.
 *
 * Contract: every file is written to a temporary name in the target
 * directory and renamed into place only when complete and flushed, so a
 * crash or a full disk never leaves a half-written file under its final
 * name.  CSVs are RFC 4180 (quoted through libcsv when a cell needs it),
 * '\n' line ends, header row first, no comment lines.  Writers never
 * schedule events and never change the results they read.
 */
#ifndef DCISIM_OUTPUT_H
#define DCISIM_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/buf.h"
#include "dcisim/results.h"

/* Creates dir and its parents; 0 or -1 with errno. */
int dcs_mkdir_p(const char *dir);
/* Writes one table's held rows as dir/<file>; 0 or -1 with a message on err. */
int dcs_write_table(const char *dir, const struct dcs_table *t, FILE *err);
/* One CSV cell, or a record of n cells and its line end, appended to b
 * (RFC 4180, quoted through libcsv when a cell needs it). */
void dcs_csv_put_cell(struct dcs_buf *b, const char *s);
/* The same for n bytes (any bytes but NUL). */
void dcs_csv_put_text(struct dcs_buf *b, const char *s, size_t n);
void dcs_csv_put_row(struct dcs_buf *b, size_t n, const char *const *cells);
/* The same record, the same bytes, from cells of known lengths of which
 * those with their bit set in `numbers` (cells 0-63) are numbers' text
 * (results.h: dcs_table_row_numbers), never quoted. */
void dcs_csv_put_row_lens(struct dcs_buf *b, size_t n, const char *const *cells, const size_t *lens,
			  uint64_t numbers);
/* Streams every table of res to dir as its rows are produced (a results
 * sink, results.h): each to a temporary name, so that memory does not grow
 * with the rows written.  Commit renames them into place (0, or -1 with a
 * message; what could not be written is removed); discard removes them.
 * Both free the handle.  The directory must exist. */
struct dcs_table_files;
struct dcs_table_files *dcs_table_files_open(const char *dir, struct dcs_results *res,
					     enum dcs_hold hold, FILE *err);
int dcs_table_files_commit(struct dcs_table_files *f, FILE *err);
void dcs_table_files_discard(struct dcs_table_files *f);
/* Writes bytes to dir/name atomically, synced to the disk before the rename. */
int dcs_write_file_atomic(const char *dir, const char *name, const char *data, size_t len,
			  FILE *err);
/* The same without the sync: still never a partial file under the name (the
 * rename is atomic), but a crash of the machine may lose the file.  For
 * records whose loss costs only their recomputation (sweep cache records):
 * a sync per record makes a sweep of short runs wait on the disk, one run
 * at a time whatever --jobs. */
int dcs_write_file_replace(const char *dir, const char *name, const char *data, size_t len,
			   FILE *err);

/* SHA-256 of bytes as 64 lowercase hex digits and a NUL (sim/io/sha256.c). */
void dcs_sha256_hex(const void *data, size_t len, char out[65]);

/* run.json: what was run (scenario, its path and the SHA-256 of its text,
 * seed, replication), how (version, commit, dirty, build options), what came
 * out (events, fingerprint, completeness) and where and when (host,
 * started_utc, wall_s, events_per_s: the fields `dcisim check` never
 * compares). */
struct dcs_run_info {
	const char *scenario;
	const char *scenario_path;
	const char *scenario_sha256;
	uint64_t seed;
	int replication;      /* k of a sweep point (seed = point seed + k); 0 for a run */
	int64_t started_unix; /* wall clock at the start, seconds since 1970 UTC */
	uint64_t events;
	double wall_s;
	double sim_s;
	bool complete;
	const char *stop_note;
	uint64_t fingerprint;
	size_t peak_pending;
};
int dcs_write_run_json(const char *dir, const struct dcs_run_info *ri, FILE *err);

#endif
