/*
 * CSV cells and records as every dcisim writer puts them (RFC 4180 through
 * libcsv): results tables, trace records.
 */
#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/output.h"

/* The bytes that make a cell need quotes wherever they are. */
static const unsigned char quote_byte[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

/* Quoted only when it needs it: a comma, a quote or a line end, or a
 * leading or trailing blank (so that no reader trims it). */
static bool needs_quotes(const char *s, size_t n)
{
	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
		return true;
	size_t i = 0;
#if defined(__GNUC__)
	/* Sixteen bytes at a time (GCC and Clang vector extensions). */
	typedef unsigned char v16 __attribute__((vector_size(16)));
	for (; i + 16 <= n; i += 16) {
		v16 x;
		memcpy(&x, s + i, sizeof(x));
		v16 hit = (v16)((x == ',') | (x == '"') | (x == '\r') | (x == '\n'));
		uint64_t w[2];
		memcpy(w, &hit, sizeof(w));
		if (w[0] | w[1])
			return true;
	}
#endif
	unsigned q = 0;
	for (; i < n; i++)
		q |= quote_byte[(unsigned char)s[i]];
	return q != 0;
}

/* The n bytes of s as one cell at the end of b, quoted by libcsv (which
 * also doubles embedded quotes) when quote is set. */
static void put_cell(struct dcs_buf *b, const char *s, size_t n, bool quote)
{
	size_t need = quote ? csv_write(NULL, 0, s, n) : n;
	if (!dcs_buf_grow(b, need))
		return;
	if (quote)
		need = csv_write(b->s + b->len, need, s, n);
	else
		memcpy(b->s + b->len, s, n);
	b->len += need;
	b->s[b->len] = '\0';
}

void dcs_csv_put_text(struct dcs_buf *b, const char *s, size_t n)
{
	put_cell(b, s, n, needs_quotes(s, n));
}

void dcs_csv_put_cell(struct dcs_buf *b, const char *s)
{
	size_t n = strlen(s);
	put_cell(b, s, n, needs_quotes(s, n));
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

/* The same record from cells whose lengths are known, and of which those
 * flagged in `numbers` (cells 0 to 63) need no look for quotes: a large run
 * writes millions of rows, most cells numbers.  The row's room is made
 * once, then its bytes go straight in. */
void dcs_csv_put_row_lens(struct dcs_buf *b, size_t n, const char *const *cells, const size_t *lens,
			  uint64_t numbers)
{
	uint64_t quoted = 0; /* cells 0-63 that need quotes */
	size_t total = n ? n : 1, extra = 0;
	for (size_t i = 0; i < n; i++) {
		total += lens[i];
		if (i < 64 && (numbers >> i & 1))
			continue;
		if (!needs_quotes(cells[i], lens[i]))
			continue;
		if (i >= 64) { /* a wide table's cell: the slow way */
			dcs_csv_put_row(b, n, cells);
			return;
		}
		quoted |= UINT64_C(1) << i;
		extra += csv_write(NULL, 0, cells[i], lens[i]) - lens[i];
	}
	if (!dcs_buf_grow(b, total + extra))
		return;
	char *p = b->s + b->len;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		if (i < 64 && (quoted >> i & 1)) {
			p += csv_write(p, lens[i] + extra, cells[i], lens[i]);
		} else {
			memcpy(p, cells[i], lens[i]);
			p += lens[i];
		}
	}
	*p++ = '\n';
	*p = '\0';
	b->len = (size_t)(p - b->s);
}
