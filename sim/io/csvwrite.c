/*
 * CSV cells and records as every dcisim writer puts them (RFC 4180 through
 * libcsv): results tables, trace records.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/output.h"

void dcs_csv_put_cell(struct dcs_buf *b, const char *s)
{
	/* Quoted only when it needs it: a comma, a quote or a line end, or a
	 * leading or trailing blank (so that no reader trims it).  One pass
	 * finds both the length and whether it does: a large run writes
	 * millions of cells. */
	size_t n = 0;
	bool quote = false;
	for (char c; (c = s[n]); n++)
		quote |= c == ',' || c == '"' || c == '\r' || c == '\n';
	quote |= n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	if (!quote) {
		dcs_buf_put(b, s, n);
		return;
	}
	/* libcsv quotes the cell and doubles embedded quotes. */
	size_t need = csv_write(NULL, 0, s, n);
	char *q = malloc(need + 1);
	if (!q) {
		b->oom = true;
		return;
	}
	size_t got = csv_write(q, need, s, n);
	dcs_buf_put(b, q, got);
	free(q);
}

void dcs_csv_put_row(struct dcs_buf *b, size_t n, const char *const *cells)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dcs_buf_put(b, ",", 1);
		dcs_csv_put_cell(b, cells[i]);
	}
	dcs_buf_put(b, "\n", 1);
}
