/*
 * The results store.  A table holds the rows it must still hand to someone
 * in one arena of NUL-terminated cells (cell c of held row r at
 * off[(r - first) * ncols + c]), so a row costs its text and one offset per
 * cell, not an allocation per cell.  With a sink (a writer streaming the
 * table to its file) a row goes to the sink when it ends and is then
 * dropped, unless the results are held: all of them (the caller reads the
 * tables afterwards), or until an observer releases them.
 */
#include "dcisim/results.h"

#include "dcisim/hash.h"
#include "dcisim/metrics.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/xalloc.h"

struct dcs_table {
	char *file;
	char **cols;
	size_t ncols;
	char *arena; /* held cells, NUL-terminated, back to back */
	size_t alen, acap;
	size_t *off; /* arena offset of each held cell, row-major */
	size_t noff, offcap;
	size_t first;     /* index of the first held row */
	size_t nrows;     /* rows ended, held or not */
	size_t row_cells; /* cells of the open row so far */
	bool row_open;
	bool keep; /* rows stay in memory whatever the results' hold */
	struct dcs_results *owner;
	size_t idx;       /* its place in the results' tables */
	const char **row; /* the ended row's cells, for the sink */
	size_t *row_len;  /* their lengths (the open row's, as its cells come) */
	uint64_t row_num; /* bit c: cell c of the open row is a number's text */
};

struct dcs_results {
	struct dcs_table **tables;
	size_t n;
	char **warnings;
	size_t n_warnings;
	struct dcs_results_sink sink;
	bool has_sink;
	enum dcs_hold hold;
	/* Deferred rows (dcs_results_defer): the log of records not yet
	 * handed to the pipe. */
	struct dcs_results_pipe pipe;
	bool deferred;
	unsigned char *log;
	size_t llen, lcap;
	uint64_t log_tables; /* the tables the log has records of (bit i: table i) */
	char **keep;         /* files whose rows stay (dcs_results_keep) */
	size_t n_keep;
	struct dcs_table *summary, *events; /* found once: a row each per call */
	const struct dcs_catalog *catalog;  /* declarations rows are checked against */
	/* Declarations already checked: metric and unit, or event kind (the
	 * catalog's look-up is a scan, and a large run writes millions of rows
	 * with a few dozen names).  Open addressing on dcs_hash64. */
	struct checked {
		uint64_t hash;
		char *key; /* "metric\0unit" or "\1kind" */
		size_t len;
	} * checked;
	size_t checked_cap, checked_len;
	/* The last keys checked, by the addresses they were given at (models
	 * pass the same string constants row after row), each with the checked
	 * key's own copy that a hit is compared with: a cheap first look. */
	struct memo {
		const char *a, *b;   /* as given */
		const char *ka, *kb; /* the checked key's copies */
		size_t la, lb;       /* their lengths (a row logs them) */
	} memo[2][256];
	/* Formats logged as 'F' records (log_fmt), by the address they were
	 * given at, each with its own copy that a hit is compared with and the
	 * conversions that take an argument, in order. */
	struct fmt_memo *fmts;
	/* Summary keys (dcs_summary_keyed) already checked, by address: a key
	 * is a constant, so its address names it. */
	const struct dcs_summary_key *keys[64];
	const struct dcs_event_key *event_keys[64]; /* the same for dcs_event_keyed */
};

#define OOM() dcs_oom("storing results")

static void fmt_memo_free(struct dcs_results *r);

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = dcs_xmalloc(n, "storing results");
	memcpy(d, s, n);
	return d;
}

struct dcs_results *dcs_results_create(void)
{
	struct dcs_results *r = calloc(1, sizeof(struct dcs_results));
	if (r)
		r->hold = DCS_HOLD_ALL;
	return r;
}

static void table_free(struct dcs_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->arena);
	free(t->off);
	free(t->row);
	free(t->row_len);
	free(t->cols);
	free(t->file);
	free(t);
}

void dcs_results_destroy(struct dcs_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		table_free(r->tables[i]);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	for (size_t i = 0; i < r->checked_cap; i++)
		free(r->checked[i].key);
	for (size_t i = 0; i < r->n_keep; i++)
		free(r->keep[i]);
	fmt_memo_free(r);
	free(r->log);
	free(r->keep);
	free(r->checked);
	free(r->warnings);
	free(r->tables);
	free(r);
}

static bool same_header(const struct dcs_table *t, const char *header)
{
	const char *p = header;
	for (size_t i = 0; i < t->ncols; i++) {
		size_t n = strlen(t->cols[i]);
		if (strncmp(p, t->cols[i], n) != 0)
			return false;
		p += n;
		if (i + 1 < t->ncols) {
			if (*p != ',')
				return false;
			p++;
		}
	}
	return *p == '\0';
}

/* Drops the held rows before `upto` (every held row when upto >= nrows);
 * the cells of an open row stay. */
static void drop_rows(struct dcs_table *t, size_t upto)
{
	if (upto > t->nrows)
		upto = t->nrows;
	if (upto <= t->first)
		return;
	size_t from = (upto - t->first) * t->ncols;
	if (from == t->noff) {
		t->alen = 0;
		t->noff = 0;
	} else {
		size_t base = t->off[from];
		memmove(t->arena, t->arena + base, t->alen - base);
		t->alen -= base;
		for (size_t i = from; i < t->noff; i++)
			t->off[i - from] = t->off[i] - base;
		t->noff -= from;
	}
	t->first = upto;
}

/* ---- deferred rows ----
 *
 * With dcs_results_defer, the cells of a row are not printed where a model
 * adds them: each call appends a record (the number, the string's bytes) to
 * a log that goes to the pipe in chunks of whole rows.  At the pipe's other
 * end a writer, on a thread of its own, replays the records into tables of
 * its own with these same functions (dcs_replay_chunk), so its files get
 * the bytes they would get here, and the model's thread spends nothing on
 * digits, quoting or write(2).  Records: 'T' a table (index, file, header),
 * 'B' a row begun (index), 'S' a string cell (length, bytes), 'N' a number,
 * 'I' an integer, 'D' a time, 'E' the row's end.  A formatted cell
 * (dcs_cell_fmt) is printed here (dcs_warn reads it) and logged as its
 * text; a kept table (dcs_results_keep) prints every cell here as well and
 * holds its rows, as without a pipe. */

#define LOG_CHUNK (64 * 1024)

static void log_grow(struct dcs_results *r, size_t n)
{
	size_t cap = r->lcap ? 2 * r->lcap : LOG_CHUNK + 1024;
	while (cap < r->llen + n)
		cap *= 2;
	unsigned char *l = realloc(r->log, cap);
	if (!l)
		OOM();
	r->log = l;
	r->lcap = cap;
}

static inline unsigned char *log_room(struct dcs_results *r, size_t n)
{
	if (r->llen + n > r->lcap)
		log_grow(r, n);
	unsigned char *p = r->log + r->llen;
	r->llen += n;
	return p;
}

static inline void log_bytes(struct dcs_results *r, char tag, const void *v, size_t n)
{
	unsigned char *p = log_room(r, 1 + n);
	p[0] = (unsigned char)tag;
	if (n)
		memcpy(p + 1, v, n);
}

static void log_u32(struct dcs_results *r, char tag, uint32_t v)
{
	log_bytes(r, tag, &v, sizeof(v));
}

/* A record of n bytes v at p (room made); returns its end. */
static inline unsigned char *put_rec(unsigned char *p, char tag, const void *v, size_t n)
{
	p[0] = (unsigned char)tag;
	memcpy(p + 1, v, n);
	return p + 1 + n;
}

/* A string's record at p (room made for STR_REC + n, n checked); returns
 * its end. */
#define STR_REC (1 + sizeof(uint32_t))
static inline unsigned char *put_str(unsigned char *p, char tag, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;
	p[0] = (unsigned char)tag;
	memcpy(p + 1, &len, sizeof(len));
	memcpy(p + STR_REC, s, n);
	return p + STR_REC + n;
}

static inline void check_len(size_t n)
{
	if (n > UINT32_MAX)
		dcs_oom("a cell of 4 GiB");
}

static inline void log_str(struct dcs_results *r, char tag, const char *s, size_t n)
{
	check_len(n);
	put_str(log_room(r, STR_REC + n), tag, s, n);
}

/* Table t has records in the log. */
static inline void log_mark(struct dcs_results *r, size_t idx)
{
	r->log_tables |= idx < 64 ? UINT64_C(1) << idx : ~UINT64_C(0);
}

static void log_table(struct dcs_results *r, const struct dcs_table *t, const char *header)
{
	log_mark(r, t->idx);
	log_u32(r, 'T', (uint32_t)t->idx);
	log_str(r, 'S', t->file, strlen(t->file));
	log_str(r, 'S', header, strlen(header));
}

/* The log so far goes to the pipe, which owns it from now on. */
static void hand_off(struct dcs_results *r)
{
	if (!r->llen)
		return;
	unsigned char *l = r->log;
	size_t n = r->llen, cap = r->lcap;
	uint64_t tables = r->log_tables;
	r->log = NULL;
	r->llen = r->lcap = 0;
	r->log_tables = 0;
	r->pipe.chunk(r->pipe.ctx, l, n, cap, tables);
	/* A buffer already in memory, rather than fresh pages to fault in. */
	if (r->pipe.recycled)
		r->log = r->pipe.recycled(r->pipe.ctx, &r->lcap);
}

bool dcs_results_defer(struct dcs_results *r, const struct dcs_results_pipe *pipe)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->tables[i]->row_open)
			return false; /* its cells so far were printed: stay as it is */
	r->pipe = *pipe;
	r->deferred = true;
	r->has_sink = false;
	r->hold = DCS_HOLD_NONE;
	/* The tables so far, and the rows they hold, as records. */
	for (size_t i = 0; i < r->n; i++) {
		struct dcs_table *t = r->tables[i];
		char *header = NULL;
		size_t hl = 0;
		for (size_t c = 0; c < t->ncols; c++)
			hl += strlen(t->cols[c]) + 1;
		header = dcs_xmalloc(hl + 1, "storing results");
		header[0] = '\0';
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				strcat(header, ",");
			strcat(header, t->cols[c]);
		}
		log_table(r, t, header);
		free(header);
		for (size_t row = t->first; row < t->nrows; row++) {
			log_u32(r, 'B', (uint32_t)t->idx);
			for (size_t c = 0; c < t->ncols; c++) {
				const char *cell = dcs_table_cell(t, row, c);
				log_str(r, 'S', cell, strlen(cell));
			}
			log_bytes(r, 'E', NULL, 0);
		}
		if (!t->keep)
			drop_rows(t, t->nrows);
	}
	return true;
}

void dcs_results_end_defer(struct dcs_results *r)
{
	if (!r->deferred)
		return;
	hand_off(r);
	r->deferred = false;
}

struct dcs_table *dcs_results_table(struct dcs_results *r, const char *file, const char *header)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->tables[i]->file, file) == 0) {
			if (!same_header(r->tables[i], header)) {
				fprintf(stderr,
					"%s:%d: fatal: table %s asked for with another header\n",
					__FILE__, __LINE__, file);
				abort();
			}
			return r->tables[i];
		}
	}
	struct dcs_table *t = calloc(1, sizeof(*t));
	if (!t)
		OOM();
	t->owner = r;
	t->file = xstrdup(file);
	size_t ncols = 1;
	for (const char *p = header; *p; p++)
		ncols += *p == ',';
	t->cols = dcs_xmalloc(ncols * sizeof(char *), "storing results");
	const char *p = header;
	for (size_t i = 0; i < ncols; i++) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		t->cols[i] = dcs_xmalloc(n + 1, "storing results");
		memcpy(t->cols[i], p, n);
		t->cols[i][n] = '\0';
		p = e ? e + 1 : p + n;
	}
	t->ncols = ncols;
	t->idx = r->n;
	t->row = dcs_xcalloc(ncols, sizeof(*t->row), "storing results");
	t->row_len = dcs_xcalloc(ncols, sizeof(*t->row_len), "storing results");
	for (size_t i = 0; i < r->n_keep; i++)
		t->keep |= strcmp(r->keep[i], file) == 0;
	struct dcs_table **tabs = realloc(r->tables, (r->n + 1) * sizeof(*tabs));
	if (!tabs)
		OOM();
	r->tables = tabs;
	r->tables[r->n++] = t;
	if (r->has_sink)
		r->sink.table(r->sink.ctx, t);
	if (r->deferred)
		log_table(r, t, header);
	return t;
}

size_t dcs_results_n_tables(const struct dcs_results *r)
{
	return r->n;
}

struct dcs_table *dcs_results_table_at(struct dcs_results *r, size_t i)
{
	return r->tables[i];
}

void dcs_results_set_sink(struct dcs_results *r, const struct dcs_results_sink *sink,
			  enum dcs_hold hold)
{
	r->sink = *sink;
	r->has_sink = true;
	r->hold = hold;
	for (size_t i = 0; i < r->n; i++) {
		struct dcs_table *t = r->tables[i];
		sink->table(sink->ctx, t);
		/* The open row's lengths so far stay (its cells are still coming). */
		size_t open_len[64];
		size_t nopen = t->row_open ? t->row_cells : 0;
		uint64_t open_num = t->row_num;
		if (nopen > 64)
			dcs_oom("a row this wide opened before its table's sink");
		memcpy(open_len, t->row_len, nopen * sizeof(*open_len));
		for (size_t row = t->first; row < t->nrows; row++) {
			for (size_t c = 0; c < t->ncols; c++) {
				t->row[c] = dcs_table_cell(t, row, c);
				t->row_len[c] = strlen(t->row[c]);
			}
			t->row_num = 0;
			sink->row(sink->ctx, t, t->row);
		}
		memcpy(t->row_len, open_len, nopen * sizeof(*open_len));
		t->row_num = open_num;
		if (hold == DCS_HOLD_NONE && !t->keep)
			drop_rows(t, t->nrows);
	}
}

void dcs_results_keep(struct dcs_results *r, const char *file)
{
	char **k = realloc(r->keep, (r->n_keep + 1) * sizeof(*k));
	if (!k)
		OOM();
	r->keep = k;
	r->keep[r->n_keep++] = xstrdup(file);
	for (size_t i = 0; i < r->n; i++)
		r->tables[i]->keep |= strcmp(r->tables[i]->file, file) == 0;
}

void dcs_table_release(struct dcs_table *t, size_t upto)
{
	if (t->owner->has_sink && t->owner->hold == DCS_HOLD_UNTIL_RELEASED && !t->keep)
		drop_rows(t, upto);
}

const char *dcs_table_file(const struct dcs_table *t)
{
	return t->file;
}

size_t dcs_table_ncols(const struct dcs_table *t)
{
	return t->ncols;
}

size_t dcs_table_nrows(const struct dcs_table *t)
{
	return t->nrows;
}

size_t dcs_table_first_held(const struct dcs_table *t)
{
	return t->first;
}

const size_t *dcs_table_row_lens(const struct dcs_table *t)
{
	return t->row_len;
}

uint64_t dcs_table_row_numbers(const struct dcs_table *t)
{
	return t->row_num;
}

const char *dcs_table_col(const struct dcs_table *t, size_t col)
{
	return t->cols[col];
}

const char *dcs_table_cell(const struct dcs_table *t, size_t row, size_t col)
{
	if (row < t->first || row >= t->nrows || col >= t->ncols) {
		fprintf(stderr, "%s:%d: fatal: %s row %zu column %zu is not held (rows %zu..%zu)\n",
			__FILE__, __LINE__, t->file, row, col, t->first, t->nrows);
		abort();
	}
	return t->arena + t->off[(row - t->first) * t->ncols + col];
}

void dcs_row_begin(struct dcs_table *t)
{
	if (t->row_open) {
		fprintf(stderr, "%s:%d: fatal: row of %s begun twice\n", __FILE__, __LINE__,
			t->file);
		abort();
	}
	t->row_open = true;
	t->row_cells = 0;
	t->row_num = 0;
	if (t->owner->deferred) {
		log_mark(t->owner, t->idx);
		log_u32(t->owner, 'B', (uint32_t)t->idx);
	}
}

static void cell_check(const struct dcs_table *t)
{
	if (!t->row_open || t->row_cells >= t->ncols) {
		fprintf(stderr, "%s:%d: fatal: cell outside a row of %s\n", __FILE__, __LINE__,
			t->file);
		abort();
	}
}

/* Room for n more bytes of cell text; returns where they go. */
static char *cell_space(struct dcs_table *t, size_t n)
{
	cell_check(t);
	if (t->alen + n > t->acap) {
		size_t cap = t->acap ? 2 * t->acap : 1024;
		while (cap < t->alen + n)
			cap *= 2;
		char *a = realloc(t->arena, cap);
		if (!a)
			OOM();
		t->arena = a;
		t->acap = cap;
	}
	return t->arena + t->alen;
}

/* The cell whose n bytes (and NUL) were written at cell_space(). */
static void cell_done(struct dcs_table *t, size_t n)
{
	if (t->noff == t->offcap) {
		size_t cap = t->offcap ? 2 * t->offcap : 64;
		size_t *o = realloc(t->off, cap * sizeof(*o));
		if (!o)
			OOM();
		t->off = o;
		t->offcap = cap;
	}
	t->off[t->noff++] = t->alen;
	t->alen += n + 1;
	t->row_len[t->row_cells++] = n;
}

/* The same for a number's text (digits, sign, point, exponent, nan, inf). */
static void num_done(struct dcs_table *t, size_t n)
{
	if (t->row_cells < 64)
		t->row_num |= UINT64_C(1) << t->row_cells;
	cell_done(t, n);
}

/* With deferred rows: the cell's record is logged; true when the table
 * also keeps the cell here (a kept table), false when it is only counted. */
static inline bool cell_logged(struct dcs_table *t, char tag, const void *v, size_t n)
{
	cell_check(t);
	if (tag == 'S')
		log_str(t->owner, 'S', v, n);
	else
		log_bytes(t->owner, tag, v, n);
	if (t->keep)
		return true;
	t->row_cells++;
	return false;
}

static void cell_str_n(struct dcs_table *t, const char *s, size_t n)
{
	if (t->owner->deferred && !cell_logged(t, 'S', s, n))
		return;
	char *d = cell_space(t, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	cell_done(t, n);
}

void dcs_cell_str(struct dcs_table *t, const char *s)
{
	s = s ? s : "";
	cell_str_n(t, s, strlen(s));
}

/* ---- numbers ----
 *
 * dcs_fmt_num prints what printf's "%.12g" prints (glibc: the exact binary
 * value rounded to 12 significant digits, ties to even), without printf:
 * the 12 digits come from exact integer arithmetic on the double's
 * significand and exponent (128-bit products and quotients), which covers
 * magnitudes from 1e-11 to 1.7e38; anything else goes to snprintf.
 * tests/test_results.c checks it against snprintf on millions of values. */

/* "00" to "99": two digits a division. */
static const char two_digits[201] = "0001020304050607080910111213141516171819"
				    "2021222324252627282930313233343536373839"
				    "4041424344454647484950515253545556575859"
				    "6061626364656667686970717273747576777879"
				    "8081828384858687888990919293949596979899";

/* 10^0 to 10^19: every power of ten a uint64_t holds. */
static const uint64_t pow10_all[20] = {1ull,
				       10ull,
				       100ull,
				       1000ull,
				       10000ull,
				       100000ull,
				       1000000ull,
				       10000000ull,
				       100000000ull,
				       1000000000ull,
				       10000000000ull,
				       100000000000ull,
				       1000000000000ull,
				       10000000000000ull,
				       100000000000000ull,
				       1000000000000000ull,
				       10000000000000000ull,
				       100000000000000000ull,
				       1000000000000000000ull,
				       10000000000000000000ull};

/* The number of decimal digits of v (1 for 0). */
static inline size_t n_digits(uint64_t v)
{
#if defined(__GNUC__)
	/* v has b significant bits, so 10^t <= 2^(b-1) <= v < 2^b < 10^(t+2)
	 * with t = floor((b-1) log10 2), which (b-1) * 1233 >> 12 equals for
	 * every b from 1 to 64 (checked one by one; at most 18); v has t + 1
	 * digits, or t + 2 when v >= 10^(t+1). */
	unsigned b = 64u - (unsigned)__builtin_clzll(v | 1);
	size_t t = (size_t)(((b - 1) * 1233u) >> 12);
	return t + 1 + (v >= pow10_all[t + 1]);
#else
	size_t n = 1;
	while (n < 20 && v >= pow10_all[n])
		n++;
	return n;
#endif
}

/* The k digits of v < 10^k, k >= 1, written backwards ending at q. */
static inline void put_digits_back(char *q, uint64_t v, size_t k)
{
	while (k >= 2 && v >> 32) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		q -= 2;
		memcpy(q, two_digits + 2 * r, 2);
		k -= 2;
	}
	uint32_t w = (uint32_t)v;
	for (; k >= 2; k -= 2) {
		unsigned r = w % 100;
		w /= 100;
		q -= 2;
		memcpy(q, two_digits + 2 * r, 2);
	}
	if (k)
		q[-1] = (char)('0' + w);
}

static size_t put_uint(char *p, uint64_t v)
{
	/* Small ones (counts, indexes, whole seconds) by cases. */
	if (v < 100) {
		if (v < 10) {
			*p = (char)('0' + v);
			return 1;
		}
		memcpy(p, two_digits + 2 * v, 2);
		return 2;
	}
	if (v < 10000) {
		unsigned h = (unsigned)v / 100, l = (unsigned)v % 100;
		size_t n = h < 10 ? 1 : 2;
		if (h < 10)
			*p = (char)('0' + h);
		else
			memcpy(p, two_digits + 2 * h, 2);
		memcpy(p + n, two_digits + 2 * l, 2);
		return n + 2;
	}
	size_t n = n_digits(v);
	put_digits_back(p + n, v, n);
	return n;
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128;

static u128 pow10_u128(int p)
{
	u128 v = 1;
	static const uint64_t small[10] = {1,      10,      100,      1000,      10000,
					   100000, 1000000, 10000000, 100000000, 1000000000};
	while (p >= 9) {
		v *= 1000000000u;
		p -= 9;
	}
	return v * small[p];
}

/* floor(m * 2^e2 * 10^p) as q, and how the rest compares with one half
 * (-1 below, 0 equal, 1 above); false when out of the exact range. */
static bool scaled(uint64_t m, int e2, int p, uint64_t *q, int *half)
{
	u128 num, den, qq, rem;
	if (p >= 0) {
		/* m < 2^53 and 10^22 < 2^74: the product fits. */
		if (p > 22 || e2 >= 0 || e2 < -127)
			return false;
		num = (u128)m * pow10_u128(p);
		int s = -e2;
		qq = num >> s;
		rem = num - (qq << s);
		u128 h = (u128)1 << (s - 1);
		*half = rem < h ? -1 : rem > h ? 1 : 0;
	} else {
		if (-p > 38)
			return false;
		den = pow10_u128(-p);
		if (e2 >= 0) {
			if (e2 > 74)
				return false;
			num = (u128)m << e2;
		} else {
			if (-e2 > 60)
				return false;
			num = m;
			den <<= -e2;
		}
		qq = num / den;
		rem = num - qq * den;
		u128 twice = rem << 1;
		*half = twice < den ? -1 : twice > den ? 1 : 0;
	}
	if (qq >> 64)
		return false;
	*q = (uint64_t)qq;
	return true;
}

/* The powers of ten a double holds exactly: 10^22 < 2^53 * 2^22, and
 * 5^22 < 2^53. */
static const double pow10_dbl[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The fast way to digits_of's answer, in double arithmetic, for a normal
 * a, prec <= 15 and a decimal exponent *e that is E = floor(log10 a) or
 * E - 1, while |p| <= 22 (p = prec - 1 - *e); false when it cannot be
 * sure (a tie or near one: the exact way decides), *e then E or E - 1.
 *
 * Why it gives the exact digits.  Y = a 10^p is a product (or, p < 0, a
 * quotient) of two doubles held exactly (pow10_dbl), so y = fl(Y) is Y
 * correctly rounded: |y - Y| <= 2^-53 Y (round to nearest, y >= 1 normal,
 * FLT_EVAL_METHOD 0: no wider intermediate rounds twice).  With lo =
 * 10^(prec-1), hi = 10^prec, q = floor(y) (the truncation; y < 2^62) and
 * f = y - q, exact (y >= 1, so q > y / 2: Sterbenz), as is f - 1/2 (a
 * multiple of 2^-52 below 1 in size), the margin is M = 2^-52 hi < 1/4
 * (hi <= 10^15 < 2^50).  A result r = q + (f > 1/2) is only accepted when
 * r <= hi, so y < hi + 1 and |y - Y| < 2^-53 (hi + 1)(1 + 2^-52) <= M.
 * When |f - 1/2| > M, Y is on the same side of q + 1/2 as y and within M
 * of it, so the integer nearest Y is r (Y may lie below q or past q + 1,
 * but by less than M < 1/2), and no tie is ever decided here.
 * At *e = E, lo <= Y < hi: r is in [lo, hi], r = hi the carry to (lo,
 * E + 1), as printf rounds.  At *e = E - 1, Y = 10 Y_E >= hi: r > hi moves
 * *e to E and tries again; r = hi means 10 Y_E < hi + 1/2 + M, so Y_E <
 * lo + 1/10 rounds to lo at E, which is the carry's (lo, E).  r < lo
 * cannot happen (Y >= lo); it is refused all the same. */
static bool digits_near(double a, int prec, int *e, uint64_t *digits)
{
	uint64_t lo = pow10_all[prec - 1], hi = pow10_all[prec];
	double margin = (double)hi * 0x1p-52;
	for (int tries = 0; tries < 2; tries++) {
		int p = prec - 1 - *e;
		if (p > 22 || p < -22)
			return false;
		double y = p >= 0 ? a * pow10_dbl[p] : a / pow10_dbl[-p];
		if (!(y >= 1 && y < 0x1p62))
			return false;
		uint64_t q = (uint64_t)y;
		double f = y - (double)q;
		if (fabs(f - 0.5) <= margin)
			return false; /* a tie or near one */
		q += f > 0.5;
		if (q > hi) {
			++*e;
			continue;
		}
		if (q < lo)
			return false;
		if (q == hi) {
			q = lo;
			++*e;
		}
		*digits = q;
		return true;
	}
	return false;
}

/* The `prec` (1 to 17) significant digits of a (finite, > 0), rounded to
 * nearest with ties to even as glibc rounds, and its decimal exponent. */
static bool digits_of(double a, int prec, uint64_t *digits, int *exp10)
{
	uint64_t bits;
	memcpy(&bits, &a, sizeof(bits));
	int be = (int)((bits >> 52) & 0x7ff);
	uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
	int e2;
	if (be == 0) {
		e2 = -1074; /* subnormal */
	} else {
		m |= UINT64_C(1) << 52;
		e2 = be - 1075;
	}
	uint64_t lo = pow10_all[prec - 1], hi = pow10_all[prec];
	/* The decimal exponent from the binary one: a = m 2^e2 with m's top
	 * bit at 2^t lies in [2^(t+e2), 2^(t+e2+1)), so floor(log10 a) is
	 * floor((t + e2) log10 2) or one more; the loop below moves e by one
	 * when q falls outside [lo, hi). */
	int t = 63 - __builtin_clzll(m);
	/* floor(x log10 2) as (x * 78913) >> 18 (78913 / 2^18 = 0.301029205...,
	 * checked equal for every x from -1200 to 1200; here |x| <= 1074). */
	int e = (t + e2) * 78913 >> 18;
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
	if (be != 0 && prec <= 15 && digits_near(a, prec, &e, digits))
		goto found;
#endif
	for (int tries = 0; tries < 3; tries++) {
		uint64_t q;
		int half;
		if (!scaled(m, e2, prec - 1 - e, &q, &half))
			return false;
		if (q >= hi) {
			e++;
			continue;
		}
		if (q < lo) {
			e--;
			continue;
		}
		if (half > 0 || (half == 0 && (q & 1)))
			q++;
		if (q == hi) {
			q = lo;
			e++;
		}
		*digits = q;
		goto found;
	}
	return false;
found:
	*exp10 = e;
	return true;
}

/* printf's "%.<prec>g" of the digits and exponent: fixed for -4 <= exp <
 * prec, else scientific with at least two exponent digits; trailing zeros
 * cut.  Returns the length written (at most prec + 8 bytes and a NUL). */
static size_t format_g(char *buf, bool neg, uint64_t digits, int prec, int e)
{
	/* The digits go where they are printed, with a place before them for
	 * the point to move into; digits >= 10^(prec-1), so the first is not
	 * a zero and cutting zeros stops at the point or at a digit. */
	char *p = buf, *q;
	if (neg)
		*p++ = '-';
	if (e >= -4 && e < 0) {
		*p++ = '0';
		*p++ = '.';
		for (int i = 0; i < -e - 1; i++)
			*p++ = '0';
		q = p + prec;
		put_digits_back(q, digits, (size_t)prec);
		while (q[-1] == '0')
			q--;
		*q = '\0';
		return (size_t)(q - buf);
	}
	bool sci = e < -4 || e >= prec;
	int ip = sci ? 1 : e + 1; /* digits before the point */
	q = p + 1 + prec;
	put_digits_back(q, digits, (size_t)prec);
	for (int i = 0; i < ip; i++)
		p[i] = p[i + 1];
	p[ip] = '.';
	while (q[-1] == '0')
		q--;
	if (q[-1] == '.')
		q--;
	if (sci) {
		*q++ = 'e';
		*q++ = e < 0 ? '-' : '+';
		unsigned ae = (unsigned)(e < 0 ? -e : e);
		if (ae < 10)
			*q++ = '0';
		q += put_uint(q, ae);
	}
	*q = '\0';
	return (size_t)(q - buf);
}
#endif

/* "%.<prec>g" of v into buf (at least 32 bytes), as glibc prints it;
 * returns the length. */
static size_t fmt_g(char *buf, size_t len, double v, int prec)
{
	if (prec < 1)
		prec = 1;
	if (isnan(v) || isinf(v)) {
		const char *w = isnan(v) ? "nan" : "inf";
		return (size_t)snprintf(buf, len, "%s%s", signbit(v) ? "-" : "", w);
	}
	if (v == 0) {
		size_t n = 0;
		if (signbit(v))
			buf[n++] = '-';
		buf[n++] = '0';
		buf[n] = '\0';
		return n;
	}
	/* A whole number of at most prec digits prints as itself (fixed
	 * notation, no point): the byte counts, sizes and counters of a run. */
	double a = fabs(v);
	if (prec <= 15 && a < (double)pow10_all[prec] && a == (double)(int64_t)a) {
		size_t n = 0;
		if (v < 0)
			buf[n++] = '-';
		n += put_uint(buf + n, (uint64_t)a);
		buf[n] = '\0';
		return n;
	}
#if defined(__SIZEOF_INT128__)
	uint64_t digits;
	int e;
	if (prec <= 17 && len >= 32 && digits_of(fabs(v), prec, &digits, &e))
		return format_g(buf, v < 0, digits, prec, e);
#endif
	int n = snprintf(buf, len, "%.*g", prec, v);
	return n > 0 ? (size_t)n : 0;
}

static size_t fmt_num(char *buf, size_t len, double v);

const char *dcs_fmt_num(char *buf, size_t len, double v)
{
	fmt_num(buf, len, v);
	return buf;
}

/* ---- formatted cells ----
 *
 * Models describe events with printf formats ("%s->%s, %.6g GiB"), and
 * glibc's vsnprintf costs thousands of instructions per call, most of it
 * in %g: a large evacuation spent a fifth of its time there.  Formats made
 * only of text, %%, %c, %s, %d/%i/%u (with l, ll or z) and %g/%.Ng are
 * printed here, with dcs_fmt_num's exact digits; any other conversion
 * (width, flags, %f, %x...) goes to vsnprintf.  The bytes are the same
 * (tests/test_results.c compares both on many formats and values). */

enum conv { CV_NONE, CV_PCT, CV_CHAR, CV_STR, CV_INT, CV_UINT, CV_G };
enum size { SZ_INT, SZ_LONG, SZ_LLONG, SZ_SIZE };

/* The conversion at f (just after '%'); its length in *len, its size and
 * precision (-1: none); CV_NONE when printed here is not possible. */
static enum conv conversion(const char *f, size_t *len, enum size *sz, int *prec)
{
	const char *p = f;
	*sz = SZ_INT;
	*prec = -1;
	if (*p == '%') {
		*len = 1;
		return CV_PCT;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return CV_NONE;
		int v = 0;
		while (*p >= '0' && *p <= '9' && v < 100)
			v = v * 10 + (*p++ - '0');
		*prec = v;
	}
	if (*p == 'l') {
		p++;
		*sz = SZ_LONG;
		if (*p == 'l') {
			p++;
			*sz = SZ_LLONG;
		}
	} else if (*p == 'z') {
		p++;
		*sz = SZ_SIZE;
	}
	enum conv c = CV_NONE;
	switch (*p) {
	case 'c':
		c = *sz == SZ_INT && *prec < 0 ? CV_CHAR : CV_NONE;
		break;
	case 's':
		c = *sz == SZ_INT && *prec < 0 ? CV_STR : CV_NONE;
		break;
	case 'd':
	case 'i':
		c = *prec < 0 ? CV_INT : CV_NONE;
		break;
	case 'u':
		c = *prec < 0 ? CV_UINT : CV_NONE;
		break;
	case 'g':
		c = *sz == SZ_INT && *prec <= 17 ? CV_G : CV_NONE;
		break;
	default:
		break;
	}
	*len = (size_t)(p - f) + 1;
	return c;
}

/* Where a format's arguments come from: the caller's (ap), or a logged
 * record of them (deferred rows: p, each as log_fmt stored it). */
struct fmt_args {
	va_list *ap;
	const unsigned char *p;
};

static long long arg_int(struct fmt_args *a, enum size sz)
{
	if (!a->ap) {
		int64_t v;
		memcpy(&v, a->p, sizeof(v));
		a->p += sizeof(v);
		return v;
	}
	return sz == SZ_LLONG  ? va_arg(*a->ap, long long)
	       : sz == SZ_LONG ? va_arg(*a->ap, long)
	       : sz == SZ_SIZE ? (long long)va_arg(*a->ap, size_t)
			       : va_arg(*a->ap, int);
}

static unsigned long long arg_uint(struct fmt_args *a, enum size sz)
{
	if (!a->ap) {
		uint64_t v;
		memcpy(&v, a->p, sizeof(v));
		a->p += sizeof(v);
		return v;
	}
	return sz == SZ_LLONG  ? va_arg(*a->ap, unsigned long long)
	       : sz == SZ_LONG ? va_arg(*a->ap, unsigned long)
	       : sz == SZ_SIZE ? va_arg(*a->ap, size_t)
			       : va_arg(*a->ap, unsigned);
}

static double arg_double(struct fmt_args *a)
{
	if (!a->ap) {
		double v;
		memcpy(&v, a->p, sizeof(v));
		a->p += sizeof(v);
		return v;
	}
	return va_arg(*a->ap, double);
}

/* A %s argument and its length ("(null)" for NULL, as glibc prints it). */
static const char *arg_str(struct fmt_args *a, size_t *n)
{
	if (!a->ap) {
		uint32_t len;
		memcpy(&len, a->p, sizeof(len));
		const char *s = (const char *)a->p + sizeof(len);
		a->p += sizeof(len) + len;
		*n = len;
		return s;
	}
	const char *s = va_arg(*a->ap, const char *);
	s = s ? s : "(null)";
	*n = strlen(s);
	return s;
}

/* Room for n more bytes and a NUL at the end of o, or false (o->oom). */
static inline bool fmt_room(struct dcs_buf *o, size_t n)
{
	return o->len + n + 1 <= o->cap || dcs_buf_grow(o, n);
}

static inline void fmt_put(struct dcs_buf *o, const char *s, size_t n)
{
	if (fmt_room(o, n)) {
		memcpy(o->s + o->len, s, n);
		o->len += n;
	}
}

/* The format's flen bytes printed at the end of o (NUL-terminated unless
 * o->oom), in one pass: memchr finds each '%'; numbers are printed in
 * place.  False (o's text undefined, the arguments used up) at a
 * conversion only vsnprintf prints. */
static bool fmt_to_buf(struct dcs_buf *o, const char *fmt, size_t flen, struct fmt_args *a)
{
	const char *f = fmt, *end = fmt + flen;
	while (f < end) {
		const char *pct = memchr(f, '%', (size_t)(end - f));
		if (!pct) {
			fmt_put(o, f, (size_t)(end - f));
			break;
		}
		fmt_put(o, f, (size_t)(pct - f));
		size_t len;
		enum size sz;
		int prec;
		enum conv c = conversion(pct + 1, &len, &sz, &prec);
		if (c == CV_NONE)
			return false;
		f = pct + 1 + len;
		if (c == CV_STR) {
			size_t n;
			const char *str = arg_str(a, &n);
			fmt_put(o, str, n);
			continue;
		}
		/* Out of memory: the arguments are still read (a record's end
		 * is where its last one ends). */
		char spare[48];
		char *start = fmt_room(o, 48) ? o->s + o->len : spare, *d = start;
		switch (c) {
		case CV_PCT:
			*d++ = '%';
			break;
		case CV_CHAR:
			*d++ = (char)arg_int(a, SZ_INT);
			break;
		case CV_INT: {
			long long v = arg_int(a, sz);
			uint64_t u = (uint64_t)v;
			if (v < 0) {
				*d++ = '-';
				u = (uint64_t)0 - u;
			}
			d += put_uint(d, u);
			break;
		}
		case CV_UINT:
			d += put_uint(d, arg_uint(a, sz));
			break;
		case CV_G:
			d += fmt_g(d, 48, arg_double(a), prec < 0 ? 6 : prec);
			break;
		default:
			break;
		}
		if (start != spare)
			o->len = (size_t)(d - o->s);
	}
	if (o->cap)
		o->s[o->len] = '\0';
	return true;
}

/* The cell printed here, in one pass over the format; false (nothing
 * added, the arguments used up) at a conversion only vsnprintf prints.
 * Printed straight into the table's arena (a buffer for the time of it). */
static bool cell_fmt_here(struct dcs_table *t, const char *fmt, struct fmt_args *a)
{
	cell_check(t);
	struct dcs_buf o = {.s = t->arena, .len = t->alen, .cap = t->acap};
	bool done = fmt_to_buf(&o, fmt, strlen(fmt), a);
	if (o.oom || !fmt_room(&o, 0))
		OOM();
	t->arena = o.s;
	t->acap = o.cap;
	if (!done)
		return false;
	o.s[o.len] = '\0';
	cell_done(t, o.len - t->alen);
	return true;
}

/* The formats logged so far, parsed once: a model logs its few dozen
 * formats thousands of times each.  A slot holds the last format whose
 * address hashed to it; a hit is its address and its text (compared with
 * the slot's copy: a format in a buffer that was reused reads as a miss). */
#define FMT_MEMO  128
#define FMT_CONVS 16
struct fmt_memo {
	const char *fmt; /* as given */
	char *copy;      /* its text */
	size_t len;      /* with its NUL */
	bool plain;      /* every conversion printed here (none needs vsnprintf) */
	unsigned char n;
	unsigned char conv[FMT_CONVS], sz[FMT_CONVS]; /* those that take an argument */
};

static void fmt_memo_free(struct dcs_results *r)
{
	if (!r->fmts)
		return;
	for (size_t i = 0; i < FMT_MEMO; i++)
		free(r->fmts[i].copy);
	free(r->fmts);
	r->fmts = NULL;
}

/* The format's parse: NULL when it has more conversions than a slot holds.
 * `constant`: fmt is a string constant (an event key's), whose address
 * names its text. */
static const struct fmt_memo *fmt_parsed(struct dcs_results *r, const char *fmt, bool constant)
{
	if (!r->fmts)
		r->fmts = dcs_xcalloc(FMT_MEMO, sizeof(*r->fmts), "storing results");
	uint64_t x = (uint64_t)(uintptr_t)fmt * UINT64_C(0x9e3779b97f4a7c15);
	struct fmt_memo *m = &r->fmts[x >> 57];
	if (m->fmt == fmt && m->copy && (constant || strcmp(fmt, m->copy) == 0))
		return m;
	struct fmt_memo f = {.fmt = fmt, .plain = true};
	size_t len;
	enum size sz;
	int prec;
	for (const char *pct = strchr(fmt, '%'); pct; pct = strchr(pct + 1 + len, '%')) {
		enum conv c = conversion(pct + 1, &len, &sz, &prec);
		if (c == CV_NONE) {
			f.plain = false;
			break;
		}
		if (c == CV_PCT)
			continue;
		if (f.n == FMT_CONVS)
			return NULL;
		f.conv[f.n] = (unsigned char)c;
		f.sz[f.n++] = (unsigned char)(c == CV_CHAR ? SZ_INT : sz);
	}
	f.len = strlen(fmt) + 1;
	f.copy = dcs_xmalloc(f.len, "storing results");
	memcpy(f.copy, fmt, f.len);
	free(m->copy);
	*m = f;
	return m;
}

/* Deferred rows: the format (with its NUL) and its arguments logged as an
 * 'F' record, for the writer to print with cell_fmt_here; false, nothing
 * logged, when a conversion needs vsnprintf (printed here then). */
static bool log_fmt(struct dcs_table *t, const char *fmt, va_list ap)
{
	struct dcs_results *r = t->owner;
	const struct fmt_memo *m = fmt_parsed(r, fmt, false);
	if (!m || !m->plain)
		return false;
	log_str(r, 'F', fmt, m->len);
	va_list aq;
	va_copy(aq, ap);
	struct fmt_args a = {.ap = &aq};
	for (unsigned i = 0; i < m->n; i++) {
		enum conv c = m->conv[i];
		if (c == CV_STR) {
			size_t n;
			const char *str = arg_str(&a, &n);
			check_len(n);
			uint32_t n32 = (uint32_t)n;
			unsigned char *p = log_room(r, sizeof(n32) + n);
			memcpy(p, &n32, sizeof(n32));
			memcpy(p + sizeof(n32), str, n);
		} else if (c == CV_G) {
			double v = arg_double(&a);
			memcpy(log_room(r, sizeof(v)), &v, sizeof(v));
		} else if (c == CV_INT || c == CV_CHAR) {
			int64_t v = arg_int(&a, (enum size)m->sz[i]);
			memcpy(log_room(r, sizeof(v)), &v, sizeof(v));
		} else {
			uint64_t v = arg_uint(&a, (enum size)m->sz[i]);
			memcpy(log_room(r, sizeof(v)), &v, sizeof(v));
		}
	}
	va_end(aq);
	return true;
}

/* A formatted cell is printed here whatever the mode (dcs_warn reads it);
 * with deferred rows its text is logged too. */
static void log_fmt_cell(struct dcs_table *t)
{
	if (t->owner->deferred)
		log_str(t->owner, 'S', t->arena + t->off[t->noff - 1],
			t->row_len[t->row_cells - 1]);
}

/* A formatted cell; `here`: printed here even with deferred rows (a
 * warning's text is also a line for stderr). */
static void cell_vfmt(struct dcs_table *t, const char *fmt, va_list ap, bool here)
{
	if (t->owner->deferred && !t->keep && !here) {
		cell_check(t);
		if (log_fmt(t, fmt, ap)) {
			t->row_cells++;
			return;
		}
	}
	va_list ap1, ap2, ap3;
	va_copy(ap1, ap);
	va_copy(ap2, ap);
	va_copy(ap3, ap);
	struct fmt_args a = {.ap = &ap1};
	bool done = cell_fmt_here(t, fmt, &a);
	va_end(ap1);
	if (done) {
		va_end(ap2);
		va_end(ap3);
		log_fmt_cell(t);
		return;
	}
	char *d = cell_space(t, 64);
	int n = vsnprintf(d, 64, fmt, ap2);
	if (n < 0) {
		n = 0;
		d[0] = '\0';
	}
	if (n >= 64) {
		d = cell_space(t, (size_t)n + 1);
		vsnprintf(d, (size_t)n + 1, fmt, ap3);
	}
	va_end(ap2);
	va_end(ap3);
	cell_done(t, (size_t)n);
	log_fmt_cell(t);
}

void dcs_cell_fmt(struct dcs_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cell_vfmt(t, fmt, ap, false);
	va_end(ap);
}

/* dcs_fmt_num's text; returns its length. */
static size_t fmt_num(char *buf, size_t len, double v)
{
	if (isnan(v)) {
		memcpy(buf, "nan", 4);
		return 3;
	}
	if (isinf(v)) {
		memcpy(buf, v > 0 ? "inf" : "-inf", v > 0 ? 4 : 5);
		return v > 0 ? 3 : 4;
	}
	if (v == 0) {
		memcpy(buf, "0", 2);
		return 1;
	}
	return fmt_g(buf, len, v, 12);
}

void dcs_cell_num(struct dcs_table *t, double v)
{
	if (t->owner->deferred && !cell_logged(t, 'N', &v, sizeof(v)))
		return;
	char *d = cell_space(t, 40);
	num_done(t, fmt_num(d, 40, v));
}

static char *put_signed(char *p, int64_t v, bool time);

void dcs_cell_int(struct dcs_table *t, int64_t v)
{
	if (t->owner->deferred && !cell_logged(t, 'I', &v, sizeof(v)))
		return;
	char *d = cell_space(t, 24), *p = put_signed(d, v, false);
	*p = '\0';
	num_done(t, (size_t)(p - d));
}

/* Exact decimal seconds of a (ns, not negative) with nanosecond
 * resolution, trailing zeros cut; returns the end. */
static char *put_time_frac(char *p, uint64_t a)
{
	p += put_uint(p, a / (uint64_t)DCS_NS_PER_S);
	uint32_t frac = (uint32_t)(a % (uint64_t)DCS_NS_PER_S);
	if (frac) {
		*p++ = '.';
		p[8] = (char)('0' + frac % 10);
		frac /= 10;
		for (int i = 6; i >= 0; i -= 2) {
			unsigned r = frac % 100;
			frac /= 100;
			p[i] = two_digits[2 * r];
			p[i + 1] = two_digits[2 * r + 1];
		}
		p += 9;
		while (p[-1] == '0')
			p--;
	}
	return p;
}

/* v printed at p, a whole number or (time) nanoseconds as exact decimal
 * seconds, its sign first; returns the end. */
static char *put_signed(char *p, int64_t v, bool time)
{
	uint64_t a = (uint64_t)v;
	if (v < 0) {
		*p++ = '-';
		a = (uint64_t)0 - a;
	}
	return time ? put_time_frac(p, a) : p + put_uint(p, a);
}

void dcs_cell_time_s(struct dcs_table *t, dcs_time_t ns)
{
	if (t->owner->deferred && !cell_logged(t, 'D', &ns, sizeof(ns)))
		return;
	char *d = cell_space(t, 40), *p = put_signed(d, ns, true);
	*p = '\0';
	num_done(t, (size_t)(p - d));
}

void dcs_row_end(struct dcs_table *t)
{
	if (!t->row_open || t->row_cells != t->ncols) {
		fprintf(stderr, "%s:%d: fatal: row of %s has %zu cells, header has %zu\n", __FILE__,
			__LINE__, t->file, t->row_cells, t->ncols);
		abort();
	}
	t->row_open = false;
	t->nrows++;
	struct dcs_results *r = t->owner;
	if (r->deferred) {
		log_bytes(r, 'E', NULL, 0);
		if (!t->keep) {
			/* Only formatted cells were printed here. */
			t->alen = 0;
			t->noff = 0;
			t->first = t->nrows;
		}
		if (r->llen >= LOG_CHUNK)
			hand_off(r);
		return;
	}
	if (!r->has_sink)
		return;
	size_t base = t->noff - t->ncols;
	for (size_t c = 0; c < t->ncols; c++)
		t->row[c] = t->arena + t->off[base + c];
	r->sink.row(r->sink.ctx, t, t->row);
	if (r->hold == DCS_HOLD_NONE && !t->keep) {
		t->alen = 0;
		t->noff = 0;
		t->first = t->nrows;
	}
}

void dcs_results_set_catalog(struct dcs_results *r, const struct dcs_catalog *c)
{
	r->catalog = c;
}

const struct dcs_catalog *dcs_results_catalog(const struct dcs_results *r)
{
	return r->catalog;
}

/* Whether the key (a, then b unless NULL) was checked before; records it
 * when not, so the caller checks each key once. */
static bool checked_key(struct dcs_results *r, char tag, const char *a, const char *b,
			const char **own_key);

/* The same, with the lengths of a and b (0 for no b): a hit compares the
 * strings with the key's copies, which gives their lengths too. */
static bool checked_before(struct dcs_results *r, char tag, const char *a, const char *b,
			   size_t *la, size_t *lb)
{
	uint64_t x = ((uint64_t)(uintptr_t)a ^ ((uint64_t)(uintptr_t)b << 17)) *
		     UINT64_C(0x9e3779b97f4a7c15);
	struct memo *m = &r->memo[tag == 'e'][x >> 56];
	if (m->ka && m->a == a && m->b == b && strcmp(a, m->ka) == 0 &&
	    (!b || strcmp(b, m->kb) == 0)) {
		*la = m->la;
		*lb = m->lb;
		return true;
	}
	const char *key = NULL;
	bool seen = checked_key(r, tag, a, b, &key);
	*la = strlen(a);
	*lb = b ? strlen(b) : 0;
	*m = (struct memo){a, b, key + 1, key + 2 + *la, *la, *lb};
	return seen;
}

static bool checked_key(struct dcs_results *r, char tag, const char *a, const char *b,
			const char **own_key)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0, len = 1 + la + 1 + lb;
	char stack[256];
	char *key = len <= sizeof(stack) ? stack : dcs_xmalloc(len, "storing results");
	key[0] = tag;
	memcpy(key + 1, a, la);
	key[1 + la] = '\0';
	memcpy(key + 2 + la, b ? b : "", lb);
	uint64_t h = dcs_hash64(key, len, 0);
	size_t mask = r->checked_cap - 1, i = h & mask;
	for (; r->checked_cap && r->checked[i].key; i = (i + 1) & mask)
		if (r->checked[i].hash == h && r->checked[i].len == len &&
		    memcmp(r->checked[i].key, key, len) == 0) {
			if (key != stack)
				free(key);
			*own_key = r->checked[i].key;
			return true;
		}
	if (2 * (r->checked_len + 1) > r->checked_cap) {
		size_t cap = r->checked_cap ? 2 * r->checked_cap : 64;
		struct checked *t = dcs_xcalloc(cap, sizeof(*t), "storing results");
		for (size_t j = 0; j < r->checked_cap; j++) {
			if (!r->checked[j].key)
				continue;
			size_t k = r->checked[j].hash & (cap - 1);
			while (t[k].key)
				k = (k + 1) & (cap - 1);
			t[k] = r->checked[j];
		}
		free(r->checked);
		r->checked = t;
		r->checked_cap = cap;
		for (i = h & (cap - 1); t[i].key; i = (i + 1) & (cap - 1))
			;
	}
	char *own = dcs_xmalloc(len + 1, "storing results");
	memcpy(own, key, len);
	own[len] = '\0'; /* so its second part is a string too (the memo) */
	r->checked[i] = (struct checked){h, own, len};
	r->checked_len++;
	*own_key = own;
	if (key != stack)
		free(key);
	return false;
}

/* An undeclared figure is a program error (include/dcisim/metrics.h).
 * Gives the lengths of metric and unit (not NULL). */
static void check_metric(struct dcs_results *r, const char *metric, const char *unit, size_t *lm,
			 size_t *lu)
{
	if (!r->catalog) {
		*lm = strlen(metric);
		*lu = strlen(unit);
		return;
	}
	if (checked_before(r, 'm', metric, unit, lm, lu))
		return;
	const struct dcs_metric_def *d = dcs_catalog_metric(r->catalog, metric);
	if (!d) {
		fprintf(stderr, "%s:%d: fatal: summary metric '%s' is not declared\n", __FILE__,
			__LINE__, metric);
		abort();
	}
	if (strcmp(d->unit, unit ? unit : "")) {
		fprintf(stderr,
			"%s:%d: fatal: summary metric '%s' written in '%s', declared in '%s'\n",
			__FILE__, __LINE__, metric, unit ? unit : "", d->unit);
		abort();
	}
}

static void check_event(struct dcs_results *r, const char *kind, size_t *lk)
{
	size_t none;
	if (!r->catalog) {
		*lk = strlen(kind);
		return;
	}
	if (checked_before(r, 'e', kind, NULL, lk, &none))
		return;
	if (!dcs_catalog_event(r->catalog, "events.csv", kind)) {
		fprintf(stderr, "%s:%d: fatal: event kind '%s' is not declared\n", __FILE__,
			__LINE__, kind);
		abort();
	}
}

static const char *const summary_header = "metric,entity,value,unit";
static const char *const events_header = "time_s,kind,entity,detail";

/* Whether a row of t may be logged whole here: deferred rows, a table not
 * kept, no row open (else the cells go one by one, as any table's). */
static inline bool row_logged_whole(const struct dcs_results *r, const struct dcs_table *t)
{
	return r->deferred && !t->keep && !t->row_open;
}

/* A row logged whole has ended: the table as dcs_row_end leaves it. */
static void row_logged_end(struct dcs_results *r, struct dcs_table *t)
{
	t->row_cells = t->ncols;
	t->row_num = 0;
	t->nrows++;
	t->alen = 0;
	t->noff = 0;
	t->first = t->nrows;
	if (r->llen >= LOG_CHUNK)
		hand_off(r);
}

void dcs_row(struct dcs_table *t, const struct dcs_cell *c, size_t n)
{
	struct dcs_results *r = t->owner;
	size_t len[64];
	if (!row_logged_whole(r, t) || n != t->ncols || n > 64) {
		dcs_row_begin(t);
		for (size_t i = 0; i < n; i++)
			switch (c[i].kind) {
			case DCS_CELL_STR:
				dcs_cell_str(t, c[i].v.s);
				break;
			case DCS_CELL_NUM:
				dcs_cell_num(t, c[i].v.num);
				break;
			case DCS_CELL_INT:
				dcs_cell_int(t, c[i].v.i);
				break;
			case DCS_CELL_TIME_S:
				dcs_cell_time_s(t, c[i].v.ns);
				break;
			}
		dcs_row_end(t);
		return;
	}
	/* The records dcs_row_begin, the cells and dcs_row_end log: a number,
	 * an integer and a time are each its tag and its 8 bytes. */
	static const char tag[] = {
	    [DCS_CELL_NUM] = 'N', [DCS_CELL_INT] = 'I', [DCS_CELL_TIME_S] = 'D'};
	_Static_assert(sizeof(c->v.num) == 8 && sizeof(c->v.i) == 8 && sizeof(c->v.ns) == 8,
		       "8-byte cells");
	uint32_t idx = (uint32_t)t->idx;
	size_t total = 1 + sizeof(idx) + 1;
	for (size_t i = 0; i < n; i++) {
		if (c[i].kind == DCS_CELL_STR) {
			len[i] = c[i].v.s ? strlen(c[i].v.s) : 0;
			check_len(len[i]);
			total += STR_REC + len[i];
		} else {
			total += 1 + 8;
		}
	}
	log_mark(r, t->idx);
	unsigned char *p = log_room(r, total);
	p = put_rec(p, 'B', &idx, sizeof(idx));
	for (size_t i = 0; i < n; i++)
		if (c[i].kind == DCS_CELL_STR)
			p = put_str(p, 'S', c[i].v.s ? c[i].v.s : "", len[i]);
		else
			p = put_rec(p, tag[c[i].kind], &c[i].v, 8);
	*p = 'E';
	row_logged_end(r, t);
}

/* A summary row whose metric and unit (lengths lm, lu) were checked; its
 * value a number (text NULL) or a text. */
static inline void summary_put(struct dcs_results *r, const char *metric, size_t lm,
			       const char *entity, double value, const char *text, const char *unit,
			       size_t lu)
{
	if (!r->summary)
		r->summary = dcs_results_table(r, "summary.csv", summary_header);
	struct dcs_table *t = r->summary;
	entity = entity ? entity : "";
	if (!row_logged_whole(r, t) || t->ncols != 4) {
		dcs_row_begin(t);
		cell_str_n(t, metric, lm);
		dcs_cell_str(t, entity);
		if (text)
			dcs_cell_str(t, text);
		else
			dcs_cell_num(
			    t, value); /* the same text as dcs_fmt_num, flagged as a number's */
		cell_str_n(t, unit, lu);
		dcs_row_end(t);
		return;
	}
	/* The records dcs_row_begin, the four cells and dcs_row_end log. */
	size_t le = strlen(entity), lt = text ? strlen(text) : 0;
	check_len(lm | le | lt | lu);
	uint32_t idx = (uint32_t)t->idx;
	log_mark(r, t->idx);
	unsigned char *p = log_room(r, 1 + sizeof(idx) + 3 * STR_REC + lm + le + lu +
					   (text ? STR_REC + lt : 1 + sizeof(value)) + 1);
	p = put_rec(p, 'B', &idx, sizeof(idx));
	p = put_str(p, 'S', metric, lm);
	p = put_str(p, 'S', entity, le);
	p = text ? put_str(p, 'S', text, lt) : put_rec(p, 'N', &value, sizeof(value));
	p = put_str(p, 'S', unit, lu);
	*p = 'E';
	row_logged_end(r, t);
}

static void summary_row(struct dcs_results *r, const char *metric, const char *entity, double value,
			const char *text, const char *unit)
{
	size_t lm, lu;
	unit = unit ? unit : "";
	check_metric(r, metric, unit, &lm, &lu);
	summary_put(r, metric, lm, entity, value, text, unit, lu);
}

static void summary_keyed(struct dcs_results *r, const struct dcs_summary_key *k,
			  const char *entity, double value, const char *text)
{
	uint64_t x = (uint64_t)(uintptr_t)k * UINT64_C(0x9e3779b97f4a7c15);
	const struct dcs_summary_key **seen = &r->keys[x >> 58];
	if (*seen != k) {
		size_t lm, lu;
		check_metric(r, k->metric, k->unit, &lm, &lu);
		if (lm != k->metric_len || lu != k->unit_len) {
			fprintf(stderr, "%s:%d: fatal: summary key '%s' has the wrong lengths\n",
				__FILE__, __LINE__, k->metric);
			abort();
		}
		*seen = k;
	}
	summary_put(r, k->metric, k->metric_len, entity, value, text, k->unit, k->unit_len);
}

void dcs_summary_keyed(struct dcs_results *r, const struct dcs_summary_key *k, const char *entity,
		       double value)
{
	summary_keyed(r, k, entity, value, NULL);
}

void dcs_summary_text_keyed(struct dcs_results *r, const struct dcs_summary_key *k,
			    const char *entity, const char *value)
{
	summary_keyed(r, k, entity, 0, value ? value : "");
}

void dcs_summary(struct dcs_results *r, const char *metric, const char *entity, double value,
		 const char *unit)
{
	summary_row(r, metric, entity, value, NULL, unit);
}

void dcs_summary_text(struct dcs_results *r, const char *metric, const char *entity,
		      const char *value, const char *unit)
{
	summary_row(r, metric, entity, 0, value ? value : "", unit);
}

/* An events.csv row begun: its time, kind (checked, lk its length) and
 * entity cells added. */
static struct dcs_table *event_row_begin(struct dcs_results *r, dcs_time_t t, const char *kind,
					 size_t lk, const char *entity)
{
	if (!r->events)
		r->events = dcs_results_table(r, "events.csv", events_header);
	struct dcs_table *tab = r->events;
	entity = entity ? entity : "";
	if (!row_logged_whole(r, tab)) {
		dcs_row_begin(tab);
		dcs_cell_time_s(tab, t);
		cell_str_n(tab, kind, lk);
		dcs_cell_str(tab, entity);
		return tab;
	}
	/* The records dcs_row_begin and the first three cells log. */
	size_t le = strlen(entity);
	check_len(lk | le);
	uint32_t idx = (uint32_t)tab->idx;
	log_mark(r, tab->idx);
	unsigned char *p = log_room(r, 1 + sizeof(idx) + 1 + sizeof(t) + 2 * STR_REC + lk + le);
	p = put_rec(p, 'B', &idx, sizeof(idx));
	p = put_rec(p, 'D', &t, sizeof(t));
	p = put_str(p, 'S', kind, lk);
	put_str(p, 'S', entity, le);
	tab->row_open = true;
	tab->row_cells = 3;
	tab->row_num = 0;
	return tab;
}

/* A whole events.csv row logged at once (row_logged_whole, a format m
 * printed here): the records event_row_begin, log_fmt and dcs_row_end log,
 * in one reservation. */
static void event_logged_whole(struct dcs_results *r, struct dcs_table *tab, dcs_time_t t,
			       const char *kind, size_t lk, const char *entity,
			       const struct fmt_memo *m, va_list ap)
{
	const char *str[FMT_CONVS];
	size_t len[FMT_CONVS];
	uint64_t raw[FMT_CONVS];
	entity = entity ? entity : "";
	size_t le = strlen(entity);
	check_len(lk | le);
	uint32_t idx = (uint32_t)tab->idx;
	size_t total = 1 + sizeof(idx) + 1 + sizeof(t) + 3 * STR_REC + lk + le + m->len + 1;
	va_list aq;
	va_copy(aq, ap);
	struct fmt_args a = {.ap = &aq};
	for (unsigned i = 0; i < m->n; i++) {
		enum conv c = m->conv[i];
		if (c == CV_STR) {
			str[i] = arg_str(&a, &len[i]);
			check_len(len[i]);
			total += sizeof(uint32_t) + len[i];
			continue;
		}
		if (c == CV_G) {
			double v = arg_double(&a);
			memcpy(&raw[i], &v, sizeof(v));
		} else if (c == CV_INT || c == CV_CHAR) {
			int64_t v = arg_int(&a, (enum size)m->sz[i]);
			memcpy(&raw[i], &v, sizeof(v));
		} else {
			raw[i] = arg_uint(&a, (enum size)m->sz[i]);
		}
		total += sizeof(raw[i]);
	}
	va_end(aq);
	log_mark(r, tab->idx);
	unsigned char *p = log_room(r, total);
	p = put_rec(p, 'B', &idx, sizeof(idx));
	p = put_rec(p, 'D', &t, sizeof(t));
	p = put_str(p, 'S', kind, lk);
	p = put_str(p, 'S', entity, le);
	p = put_str(p, 'F', m->copy, m->len);
	for (unsigned i = 0; i < m->n; i++) {
		if (m->conv[i] == CV_STR) {
			uint32_t n32 = (uint32_t)len[i];
			memcpy(p, &n32, sizeof(n32));
			memcpy(p + sizeof(n32), str[i], len[i]);
			p += sizeof(n32) + len[i];
		} else {
			memcpy(p, &raw[i], sizeof(raw[i]));
			p += sizeof(raw[i]);
		}
	}
	*p = 'E';
	row_logged_end(r, tab);
}

/* An events.csv row whose kind (length lk) was checked. */
static void event_put(struct dcs_results *r, dcs_time_t t, const char *kind, size_t lk,
		      const char *entity, const char *fmt, bool constant, va_list ap)
{
	if (!r->events)
		r->events = dcs_results_table(r, "events.csv", events_header);
	struct dcs_table *tab = r->events;
	const struct fmt_memo *m;
	if (row_logged_whole(r, tab) && tab->ncols == 4 && (m = fmt_parsed(r, fmt, constant)) &&
	    m->plain) {
		event_logged_whole(r, tab, t, kind, lk, entity, m, ap);
		return;
	}
	event_row_begin(r, t, kind, lk, entity);
	cell_vfmt(tab, fmt, ap, false);
	dcs_row_end(tab);
}

void dcs_event(struct dcs_results *r, dcs_time_t t, const char *kind, const char *entity,
	       const char *fmt, ...)
{
	size_t lk;
	check_event(r, kind, &lk);
	va_list ap;
	va_start(ap, fmt);
	event_put(r, t, kind, lk, entity, fmt, false, ap);
	va_end(ap);
}

void dcs_event_keyed(struct dcs_results *r, dcs_time_t t, const struct dcs_event_key *k,
		     const char *entity, const char *fmt, ...)
{
	(void)fmt; /* the key's text, given again for the compiler's format check */
	uint64_t x = (uint64_t)(uintptr_t)k * UINT64_C(0x9e3779b97f4a7c15);
	const struct dcs_event_key **seen = &r->event_keys[x >> 58];
	if (*seen != k) {
		size_t lk;
		check_event(r, k->kind, &lk);
		if (lk != k->kind_len) {
			fprintf(stderr, "%s:%d: fatal: event key '%s' has the wrong length\n",
				__FILE__, __LINE__, k->kind);
			abort();
		}
		*seen = k;
	}
	va_list ap;
	va_start(ap, fmt);
	event_put(r, t, k->kind, k->kind_len, entity, k->fmt, true, ap);
	va_end(ap);
}

void dcs_warn(struct dcs_results *r, dcs_time_t t, const char *entity, const char *fmt, ...)
{
	size_t lk;
	check_event(r, "warning", &lk);
	struct dcs_table *tab = event_row_begin(r, t, "warning", lk, entity);
	va_list ap;
	va_start(ap, fmt);
	cell_vfmt(tab, fmt, ap, true);
	va_end(ap);
	/* The line for stderr, taken before the row ends (and may be dropped). */
	const char *detail = tab->arena + tab->off[tab->noff - 1];
	size_t n = strlen(entity) + strlen(detail) + 3;
	char *line = dcs_xmalloc(n, "storing results");
	snprintf(line, n, "%s: %s", entity, detail);
	dcs_row_end(tab);
	char **w = realloc(r->warnings, (r->n_warnings + 1) * sizeof(char *));
	if (!w)
		OOM();
	r->warnings = w;
	r->warnings[r->n_warnings++] = line;
}

size_t dcs_results_n_warnings(const struct dcs_results *r)
{
	return r->n_warnings;
}

const char *dcs_results_warning(const struct dcs_results *r, size_t i)
{
	return r->warnings[i];
}

/* ---- the writer's end of deferred rows ---- */

struct dcs_replay {
	struct dcs_results *into;
	struct dcs_table **t;
	size_t n;
	struct dcs_table *cur;
	/* Printing straight to CSV: each table's handle and buffer, and the
	 * buffer a formatted cell is printed in. */
	void **handle;
	struct dcs_buf **buf;
	struct dcs_buf fmt;
};

struct dcs_replay *dcs_replay_create(struct dcs_results *into)
{
	struct dcs_replay *rp = dcs_xcalloc(1, sizeof(*rp), "storing results");
	rp->into = into;
	return rp;
}

void dcs_replay_destroy(struct dcs_replay *rp)
{
	if (rp) {
		free(rp->t);
		free(rp->handle);
		free(rp->buf);
		dcs_buf_free(&rp->fmt);
	}
	free(rp);
}

static const unsigned char *rd(const unsigned char *p, void *v, size_t n)
{
	memcpy(v, p, n);
	return p + n;
}

static const unsigned char *rd_str(const unsigned char *p, const char **s, size_t *n)
{
	uint32_t len;
	p = rd(p + 1, &len, sizeof(len)); /* past its tag */
	*s = (const char *)p;
	*n = len;
	return p + len;
}

/* The table of a 'T' record at p, made in rp->into and kept at its index;
 * returns the index and where the next record starts. */
static const unsigned char *replay_table(struct dcs_replay *rp, const unsigned char *p,
					 uint32_t *idx_out)
{
	uint32_t idx;
	const char *file, *header;
	size_t fl, hl;
	p = rd(p + 1, &idx, sizeof(idx));
	p = rd_str(p, &file, &fl);
	p = rd_str(p, &header, &hl);
	char *f = dcs_xmalloc(fl + hl + 2, "storing results");
	memcpy(f, file, fl);
	f[fl] = '\0';
	memcpy(f + fl + 1, header, hl);
	f[fl + 1 + hl] = '\0';
	if (idx >= rp->n) {
		rp->t = dcs_xrealloc(rp->t, (idx + 1) * sizeof(*rp->t), "storing results");
		rp->handle =
		    dcs_xrealloc(rp->handle, (idx + 1) * sizeof(*rp->handle), "storing results");
		rp->buf = dcs_xrealloc(rp->buf, (idx + 1) * sizeof(*rp->buf), "storing results");
		for (size_t i = rp->n; i <= idx; i++) {
			rp->t[i] = NULL;
			rp->handle[i] = NULL;
			rp->buf[i] = NULL;
		}
		rp->n = idx + 1;
	}
	rp->t[idx] = dcs_results_table(rp->into, f, f + fl + 1);
	free(f);
	*idx_out = idx;
	return p;
}

void dcs_replay_chunk(struct dcs_replay *rp, const unsigned char *data, size_t len)
{
	const unsigned char *p = data, *end = data + len;
	while (p < end) {
		char tag = (char)*p;
		switch (tag) {
		case 'T': {
			uint32_t idx;
			p = replay_table(rp, p, &idx);
			break;
		}
		case 'B': {
			uint32_t idx;
			p = rd(p + 1, &idx, sizeof(idx));
			rp->cur = rp->t[idx];
			dcs_row_begin(rp->cur);
			break;
		}
		case 'S': {
			const char *s;
			size_t n;
			p = rd_str(p, &s, &n);
			cell_str_n(rp->cur, s, n);
			break;
		}
		case 'N': {
			double v;
			p = rd(p + 1, &v, sizeof(v));
			dcs_cell_num(rp->cur, v);
			break;
		}
		case 'I': {
			int64_t v;
			p = rd(p + 1, &v, sizeof(v));
			dcs_cell_int(rp->cur, v);
			break;
		}
		case 'D': {
			dcs_time_t v;
			p = rd(p + 1, &v, sizeof(v));
			dcs_cell_time_s(rp->cur, v);
			break;
		}
		case 'F': {
			const char *fmt;
			size_t n;
			p = rd_str(p, &fmt, &n); /* n counts its NUL */
			struct fmt_args a = {.p = p};
			cell_fmt_here(rp->cur, fmt, &a);
			p = a.p;
			break;
		}
		case 'E':
			p++;
			dcs_row_end(rp->cur);
			break;
		default:
			fprintf(stderr, "%s:%d: fatal: record '%c' in a row log\n", __FILE__,
				__LINE__, tag);
			abort();
		}
	}
}

/* Room for n more bytes at the end of b; NULL when out of memory (the
 * buffer says so, and its file reports it). */
static inline char *csv_room(struct dcs_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap || dcs_buf_grow(b, n))
		return b->s + b->len;
	return NULL;
}

/* Each cell goes in followed by a comma (in the room made for the cell);
 * a row's end turns its last comma into the line end.  While a buffer is
 * not out of memory every cell of the row went in, so that last byte is
 * the comma. */
static inline void csv_comma(struct dcs_buf *b)
{
	if (csv_room(b, 1)) {
		b->s[b->len++] = ',';
		b->s[b->len] = '\0';
	}
}

void dcs_replay_chunk_csv(struct dcs_replay *rp, const unsigned char *data, size_t len,
			  const struct dcs_csv_sink *out)
{
	const unsigned char *p = data, *end = data + len;
	struct dcs_buf *b = NULL;
	uint32_t cur = 0;
	size_t row_at = 0; /* where the open row starts in b */
	while (p < end) {
		char tag = (char)*p;
		if (tag == 'S') { /* most cells */
			const char *str;
			size_t n;
			p = rd_str(p, &str, &n);
			if (b) {
				out->text(b, str, n);
				csv_comma(b);
			}
			continue;
		}
		switch (tag) {
		case 'T': {
			uint32_t idx;
			p = replay_table(rp, p, &idx);
			rp->handle[idx] = out->table(out->ctx, idx, rp->t[idx], &rp->buf[idx]);
			break;
		}
		case 'B':
			p = rd(p + 1, &cur, sizeof(cur));
			b = rp->buf[cur];
			row_at = b ? b->len : 0;
			break;
		case 'N': {
			double v;
			p = rd(p + 1, &v, sizeof(v));
			char *d = b ? csv_room(b, 41) : NULL;
			if (d) {
				d += fmt_num(d, 40, v);
				*d++ = ',';
				*d = '\0';
				b->len = (size_t)(d - b->s);
			}
			break;
		}
		case 'I':
		case 'D': {
			int64_t v;
			p = rd(p + 1, &v, sizeof(v));
			char *d = b ? csv_room(b, 41) : NULL;
			if (!d)
				break;
			d = put_signed(d, v, tag == 'D');
			*d++ = ',';
			*d = '\0';
			b->len = (size_t)(d - b->s);
			break;
		}
		case 'F': {
			const char *fmt;
			size_t n;
			p = rd_str(p, &fmt, &n);
			struct fmt_args a = {.p = p};
			rp->fmt.len = 0;
			fmt_to_buf(&rp->fmt, fmt, n - 1, &a); /* n counts its NUL */
			p = a.p;
			if (b && rp->fmt.oom) {
				b->oom = true; /* its file reports it */
			} else if (b) {
				out->text(b, rp->fmt.s, rp->fmt.len);
				csv_comma(b);
			}
			break;
		}
		case 'E':
			p++;
			if (b && !b->oom) {
				if (b->len > row_at) {
					b->s[b->len - 1] = '\n';
				} else if (csv_room(b, 1)) { /* a row of no cells */
					b->s[b->len++] = '\n';
					b->s[b->len] = '\0';
				}
			}
			out->row_done(out->ctx, rp->handle[cur]);
			break;
		default:
			fprintf(stderr, "%s:%d: fatal: record '%c' in a row log\n", __FILE__,
				__LINE__, tag);
			abort();
		}
	}
}
