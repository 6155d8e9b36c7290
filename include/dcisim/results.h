/*
 * dcisim results: the in-memory store that models fill and writers read.
 *
 * Contract: models add rows here and never touch files; writers
 * (sim/io/) turn each table into one CSV and never schedule events.  A table
 * is named after its file ("migrations.csv") and fixed to its header at
 * creation.  Numbers are formatted when added, with one rule for the whole
 * program (dcs_fmt_num: up to 12 significant digits, no negative zero), so the
 * same run always gives the same bytes.  Rows keep the order they were added.
 * summary.csv and events.csv are tables like any other, with helpers.
 * Warnings (a model's advice to the user, e.g. "needs 206 FC credits") go
 * to events.csv as kind "warning" and are also kept for stderr.
 *
 * Memory: a table holds its rows in memory until they have been handed on.
 * Without a sink every row is held (tests and sweeps read them back with
 * dcs_table_cell).  A writer streaming the tables to files sets a sink, which
 * receives each row when it ends; the row is then dropped, unless the
 * results are held (DCS_HOLD_ALL: the caller reads the tables afterwards;
 * DCS_HOLD_UNTIL_RELEASED: an observer reads new rows and releases them).
 * So a run's memory does not grow with the rows it has finished.
 * dcs_table_nrows counts every row ended; only held rows
 * (dcs_table_first_held() to nrows - 1) can be read, and a cell pointer is
 * valid until the next cell is added to that table.
 */
#ifndef DCISIM_RESULTS_H
#define DCISIM_RESULTS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcisim/buf.h"
#include "dcisim/time.h"

struct dcs_results;
struct dcs_table;
struct dcs_catalog;

struct dcs_results *dcs_results_create(void);
void dcs_results_destroy(struct dcs_results *r);
/* With a catalog (include/dcisim/metrics.h), every summary row and event is
 * checked against its declaration: an undeclared metric or event kind, or a
 * unit that differs from the declared one, aborts (a program error). */
void dcs_results_set_catalog(struct dcs_results *r, const struct dcs_catalog *c);
const struct dcs_catalog *dcs_results_catalog(const struct dcs_results *r);

/* Returns the table, creating it with this header (comma-separated column
 * names) on first use.  Asking again with another header is a program error. */
struct dcs_table *dcs_results_table(struct dcs_results *r, const char *file, const char *header);
size_t dcs_results_n_tables(const struct dcs_results *r);
struct dcs_table *dcs_results_table_at(struct dcs_results *r, size_t i);

const char *dcs_table_file(const struct dcs_table *t);
size_t dcs_table_ncols(const struct dcs_table *t);
size_t dcs_table_nrows(const struct dcs_table *t);
const char *dcs_table_col(const struct dcs_table *t, size_t col);
const char *dcs_table_cell(const struct dcs_table *t, size_t row, size_t col);

/* Rows: begin, one cell per column, end (which checks the count). */
void dcs_row_begin(struct dcs_table *t);
void dcs_cell_str(struct dcs_table *t, const char *s);
void dcs_cell_fmt(struct dcs_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dcs_cell_num(struct dcs_table *t, double v);
void dcs_cell_int(struct dcs_table *t, int64_t v);
void dcs_cell_time_s(struct dcs_table *t, dcs_time_t ns);
void dcs_row_end(struct dcs_table *t);

/* A whole row in one call: the same as dcs_row_begin, one dcs_cell_str,
 * _num, _int or _time_s per cell in order, and dcs_row_end (n is the
 * table's column count), for rows written many times. */
enum dcs_cell_kind { DCS_CELL_STR, DCS_CELL_NUM, DCS_CELL_INT, DCS_CELL_TIME_S };
struct dcs_cell {
	enum dcs_cell_kind kind;
	union {
		const char *s;
		double num;
		int64_t i;
		dcs_time_t ns;
	} v;
};
#define DCS_CELL_S(x) ((struct dcs_cell){.kind = DCS_CELL_STR, .v.s = (x)})
#define DCS_CELL_N(x) ((struct dcs_cell){.kind = DCS_CELL_NUM, .v.num = (x)})
#define DCS_CELL_I(x) ((struct dcs_cell){.kind = DCS_CELL_INT, .v.i = (x)})
#define DCS_CELL_T(x) ((struct dcs_cell){.kind = DCS_CELL_TIME_S, .v.ns = (x)})
void dcs_row(struct dcs_table *t, const struct dcs_cell *cells, size_t n);

/* Formats a number the one way results use: what printf "%.12g" prints, with
 * no negative zero (0, nan, inf, -inf as such); buf holds at least 32 bytes. */
const char *dcs_fmt_num(char *buf, size_t len, double v);

/* Streaming: a sink is told of every table (at once for the tables that
 * exist, then as each is created) and given every row as it ends, the rows
 * already held first.  cells are the row's ncols cells, valid during the
 * call. */
struct dcs_results_sink {
	void (*table)(void *ctx, const struct dcs_table *t);
	void (*row)(void *ctx, const struct dcs_table *t, const char *const *cells);
	void *ctx;
};
enum dcs_hold {
	DCS_HOLD_ALL,            /* every row stays (the default, without a sink) */
	DCS_HOLD_UNTIL_RELEASED, /* rows stay until dcs_table_release() */
	DCS_HOLD_NONE,           /* rows go once the sink has them */
};
void dcs_results_set_sink(struct dcs_results *r, const struct dcs_results_sink *sink,
			  enum dcs_hold hold);
/* During the sink's row call: the cells' lengths (strlen of each), and a
 * mask whose bit c says cell c (c < 64) is a number's text from
 * dcs_cell_num, _int or _time_s (only digits, '-', '+', '.', 'e', nan,
 * inf), so a writer need not look into it. */
const size_t *dcs_table_row_lens(const struct dcs_table *t);
uint64_t dcs_table_row_numbers(const struct dcs_table *t);
/* Deferred rows, for a writer on a thread of its own: from now on a row's
 * cells are logged as records (numbers unprinted) and handed to the pipe in
 * chunks of whole rows (chunk takes ownership of data, cap bytes from
 * malloc: free() it or hand it back through recycled; bit i of tables is
 * set when the chunk has a record of table i, every bit for tables from
 * 64 on); the
 * writer replays each chunk into results of its own (dcs_replay_chunk),
 * which gives its sink the same rows, to the byte, that a sink set here
 * would get.  The tables and held rows so far are logged first and
 * dropped, except kept tables (dcs_results_keep), which go on holding their
 * rows here too.  The results then hold nothing else (as DCS_HOLD_NONE).
 * False, and nothing changes, while a row is open.  dcs_results_end_defer
 * hands on the last records and ends the mode. */
struct dcs_results_pipe {
	void (*chunk)(void *ctx, unsigned char *data, size_t len, size_t cap, uint64_t tables);
	/* Optional: a buffer the other end is done with (malloc'd, *cap
	 * bytes), to log into next; NULL when it has none. */
	unsigned char *(*recycled)(void *ctx, size_t *cap);
	void *ctx;
};
bool dcs_results_defer(struct dcs_results *r, const struct dcs_results_pipe *pipe);
void dcs_results_end_defer(struct dcs_results *r);
struct dcs_replay;
struct dcs_replay *dcs_replay_create(struct dcs_results *into);
void dcs_replay_chunk(struct dcs_replay *rp, const unsigned char *data, size_t len);
void dcs_replay_destroy(struct dcs_replay *rp);
/* The same records printed straight into CSV text, without tables: a
 * table's rows are appended (cells joined by commas, each row ended by a
 * newline) to the buffer `table` gives at its first record; the bytes are
 * those dcs_csv_put_row_lens (output.h) puts for the rows dcs_replay_chunk
 * hands a sink.  Numbers go in as their text; `text` appends any other
 * cell, quoted when it needs it.  The tables are still made in `into` (for
 * their names and headers), with no rows. */
struct dcs_csv_sink {
	/* A table's first record (idx: its index in the results that logged
	 * it): returns a handle for it and sets *buf to the buffer its rows go
	 * to. */
	void *(*table)(void *ctx, size_t idx, const struct dcs_table *t, struct dcs_buf **buf);
	void (*text)(struct dcs_buf *b, const char *s, size_t n);
	/* After each row of that table (its buffer may be written out). */
	void (*row_done)(void *ctx, void *handle);
	void *ctx;
};
void dcs_replay_chunk_csv(struct dcs_replay *rp, const unsigned char *data, size_t len,
			  const struct dcs_csv_sink *out);
/* An observer has read the rows before `upto`: with DCS_HOLD_UNTIL_RELEASED
 * they are dropped; otherwise nothing changes. */
void dcs_table_release(struct dcs_table *t, size_t upto);
/* Every row of the table named `file` (now or when it is created) stays in
 * memory whatever the hold: for a caller that reads a few tables afterwards
 * (sweeps read summary.csv) while the others stream. */
void dcs_results_keep(struct dcs_results *r, const char *file);
size_t dcs_table_first_held(const struct dcs_table *t);

/* summary.csv: metric, entity, value, unit. */
void dcs_summary(struct dcs_results *r, const char *metric, const char *entity, double value,
		 const char *unit);
void dcs_summary_text(struct dcs_results *r, const char *metric, const char *entity,
		      const char *value, const char *unit);
/* The same with the metric and unit fixed where the code is written, for
 * rows written many times: a key is a constant made by
 * DCS_SUMMARY_KEY("metric", "unit") (string constants), checked against the
 * declarations once per results, its lengths known. */
struct dcs_summary_key {
	const char *metric, *unit;
	size_t metric_len, unit_len;
};
#define DCS_SUMMARY_KEY(metric, unit)                                                              \
	{                                                                                          \
		"" metric "", "" unit "", sizeof(metric) - 1, sizeof(unit) - 1                     \
	}
void dcs_summary_keyed(struct dcs_results *r, const struct dcs_summary_key *k, const char *entity,
		       double value);
void dcs_summary_text_keyed(struct dcs_results *r, const struct dcs_summary_key *k,
			    const char *entity, const char *value);
/* events.csv: time_s, kind, entity, detail. */
void dcs_event(struct dcs_results *r, dcs_time_t t, const char *kind, const char *entity,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same for events written many times: DCS_EVENT_KEYED(r, t, "kind",
 * entity, "format", args...) with string constants for the kind and the
 * format (at least one argument) makes a constant key, checked against the
 * declarations once per results, its format parsed once. */
struct dcs_event_key {
	const char *kind, *fmt;
	size_t kind_len;
};
void dcs_event_keyed(struct dcs_results *r, dcs_time_t t, const struct dcs_event_key *k,
		     const char *entity, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#define DCS_EVENT_KEYED(r, t, kind, entity, fmt, ...)                                              \
	do {                                                                                       \
		static const struct dcs_event_key dcs_event_key_ = {"" kind "", "" fmt "",         \
								    sizeof(kind) - 1};             \
		dcs_event_keyed((r), (t), &dcs_event_key_, (entity), fmt, __VA_ARGS__);            \
	} while (0)
/* A warning: an events.csv row of kind "warning" and a line for stderr. */
void dcs_warn(struct dcs_results *r, dcs_time_t t, const char *entity, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t dcs_results_n_warnings(const struct dcs_results *r);
const char *dcs_results_warning(const struct dcs_results *r, size_t i);

#endif
