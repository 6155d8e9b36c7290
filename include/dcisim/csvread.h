/*
 * dcisim result readers (sim/io/): CSV files and flat JSON objects, as the
 * check and compare commands read result directories back.
 *
 * Contract: the CSV reader takes RFC 4180 text (libcsv, strict quoting),
 * the first record being the header, and returns every cell as a string,
 * exactly as written (no trimming).  It is bounded: input size, columns,
 * rows and field length have limits (dcs_csv_default_limits), and any input
 * beyond them, malformed quoting, NUL bytes or a record whose field count
 * differs from the header's is an error with a line number, never a crash or
 * an unbounded allocation.  Blank lines are skipped.  The returned table is
 * owned by the caller (dcs_csv_free; NULL is a no-op).
 *
 * The JSON reader turns one object (run.json, sweep.json) into ordered
 * key/value pairs: strings as their text, numbers as %.17g text with the
 * double kept, booleans as true/false, nested values as compact JSON.
 */
#ifndef DCISIM_CSVREAD_H
#define DCISIM_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>

struct dcs_csv_limits {
	size_t max_bytes; /* whole input */
	size_t max_cols;  /* fields per record */
	size_t max_rows;  /* records after the header */
	size_t max_field; /* bytes in one field */
};

extern const struct dcs_csv_limits dcs_csv_default_limits;

struct dcs_csv {
	size_t ncols, nrows;
	char **header; /* ncols names */
	char **cells;  /* nrows * ncols, row-major */
};

/* Parses CSV text; NULL on error with a message ("line N: ...") in errbuf.
 * lim may be NULL for the defaults. */
struct dcs_csv *dcs_csv_parse(const char *data, size_t len, const struct dcs_csv_limits *lim,
			      char *errbuf, size_t errlen);
/* Reads and parses a file; the message names the file. */
struct dcs_csv *dcs_csv_read_file(const char *path, const struct dcs_csv_limits *lim, char *errbuf,
				  size_t errlen);
void dcs_csv_free(struct dcs_csv *t);

/* One CSV record inside a line-oriented format (a trace record's cells): the
 * text from `text` up to the first line end outside quotes, or to `len`.
 * Returns its cells (malloc'd strings in a malloc'd array of *ncells; an
 * empty record is one empty cell), the bytes it took in *used (the line end
 * not included) and the line ends inside quoted cells in *lines; NULL with a
 * message in errbuf for an unterminated quoted cell, malformed quoting, a
 * NUL byte or no memory.  Cells are kept byte for byte. */
char **dcs_csv_parse_record(const char *text, size_t len, size_t *ncells, size_t *used,
			    int *lines, char *errbuf, size_t errlen);
void dcs_csv_free_record(char **cells, size_t n);

static inline const char *dcs_csv_cell(const struct dcs_csv *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}
/* Index of a column by name, or -1. */
long dcs_csv_col(const struct dcs_csv *t, const char *name);

/* Parses a whole cell as a finite number (leading/trailing blanks refused). */
bool dcs_csv_num(const char *s, double *out);

struct dcs_kv {
	size_t n;
	char **keys;
	char **vals;
	bool *is_num;
	double *num;
};

/* Reads one JSON object; NULL on error with a message in errbuf. */
struct dcs_kv *dcs_kv_read_json(const char *path, char *errbuf, size_t errlen);
struct dcs_kv *dcs_kv_parse_json(const char *text, size_t len, char *errbuf, size_t errlen);
/* Flattens a JSON document to its leaves, in document order: keys are
 * paths as scenario errors name them (links[0].distance_km), values are
 * strings bare and other leaves as compact JSON. */
struct dcs_kv *dcs_kv_flatten_json(const char *text, size_t len, char *errbuf, size_t errlen);
void dcs_kv_free(struct dcs_kv *kv);
/* Value of a key, or NULL. */
const char *dcs_kv_get(const struct dcs_kv *kv, const char *key);

#endif
