/*
 * Fuzz target: the result readers of `dcisim check` and `compare`
 * (sim/io/csvread.c): dcs_csv_parse with the default limits and with small
 * limits taken from the first byte (so every limit is reached), and the two
 * JSON readers (run.json, sweep.json, flattened scenarios).
 *
 * Promises checked: a parsed table respects its limits, has a header, and
 * every cell is a string of at most max_field bytes; quoting every cell
 * (libcsv's writer) and parsing again gives the same table; a number that
 * dcs_csv_num accepts is finite.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "dcisim/csvread.h"
#include "fuzz.h"

static void check_table(const struct dcs_csv *t, const struct dcs_csv_limits *lim)
{
	fuzz_require(t->ncols >= 1 && t->header, "no header");
	fuzz_require(t->ncols <= lim->max_cols && t->nrows <= lim->max_rows, "%zu x %zu", t->ncols,
		     t->nrows);
	for (size_t c = 0; c < t->ncols; c++) {
		fuzz_require(t->header[c] && strlen(t->header[c]) <= lim->max_field, "header %zu",
			     c);
		long at = dcs_csv_col(t, t->header[c]);
		fuzz_require(at >= 0 && (size_t)at <= c, "column lookup %ld for %zu", at, c);
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = dcs_csv_cell(t, r, c);
			fuzz_require(s && strlen(s) <= lim->max_field, "cell %zu,%zu", r, c);
			double v;
			if (dcs_csv_num(s, &v))
				fuzz_require(isfinite(v), "'%s' read as %g", s, v);
		}
}

/* Appends one record, every field quoted by libcsv's writer. */
static bool put_record(FILE *f, char *const *cells, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		size_t len = strlen(cells[c]);
		size_t need = csv_write(NULL, 0, cells[c], len);
		char *q = malloc(need + 1);
		if (!q)
			return false;
		csv_write(q, need, cells[c], len);
		fwrite(q, 1, need, f);
		free(q);
		fputc(c + 1 < n ? ',' : '\n', f);
	}
	return true;
}

static void check_round_trip(const struct dcs_csv *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	bool ok = put_record(f, t->header, t->ncols);
	for (size_t r = 0; ok && r < t->nrows; r++)
		ok = put_record(f, t->cells + r * t->ncols, t->ncols);
	fclose(f);
	if (ok) {
		char msg[256];
		struct dcs_csv *u = dcs_csv_parse(text, len, NULL, msg, sizeof(msg));
		fuzz_require(u, "the re-quoted table does not parse: %s", msg);
		fuzz_require(u->ncols == t->ncols && u->nrows == t->nrows,
			     "re-quoted %zu x %zu, was %zu x %zu", u->ncols, u->nrows, t->ncols,
			     t->nrows);
		for (size_t c = 0; c < t->ncols; c++)
			fuzz_require(!strcmp(u->header[c], t->header[c]), "header %zu changed", c);
		for (size_t i = 0; i < t->nrows * t->ncols; i++)
			fuzz_require(!strcmp(u->cells[i], t->cells[i]), "cell %zu changed", i);
		dcs_csv_free(u);
	}
	free(text);
}

static void check_kv(const struct dcs_kv *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		fuzz_require(kv->keys[i] && kv->vals[i], "pair %zu", i);
		fuzz_require(dcs_kv_get(kv, kv->keys[i]), "key '%s' not found", kv->keys[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char msg[256];

	struct dcs_csv *t = dcs_csv_parse(text, size, NULL, msg, sizeof(msg));
	if (t) {
		check_table(t, &dcs_csv_default_limits);
		check_round_trip(t);
		dcs_csv_free(t);
	} else {
		fuzz_require(msg[0], "refused without a message");
	}

	if (size > 0) {
		unsigned b = data[0];
		struct dcs_csv_limits small = {
		    .max_bytes = 1 + b * 16u,
		    .max_cols = 1 + b % 7u,
		    .max_rows = b % 13u,
		    .max_field = b % 29u,
		};
		t = dcs_csv_parse(text + 1, size - 1, &small, msg, sizeof(msg));
		if (t) {
			check_table(t, &small);
			dcs_csv_free(t);
		} else {
			fuzz_require(msg[0], "refused without a message (small limits)");
		}
	}

	struct dcs_kv *kv = dcs_kv_parse_json(text, size, msg, sizeof(msg));
	if (kv)
		check_kv(kv);
	else
		fuzz_require(msg[0], "JSON object refused without a message");
	dcs_kv_free(kv);
	kv = dcs_kv_flatten_json(text, size, msg, sizeof(msg));
	if (kv)
		check_kv(kv);
	else
		fuzz_require(msg[0], "JSON refused without a message");
	dcs_kv_free(kv);
	return 0;
}
