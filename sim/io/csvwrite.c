/*
 * CSV cells and records as every dcisim writer puts them (RFC 4180, quoted
 * through libcsv):
 * results tables, trace records.
 */
#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/output.h"

/* The bytes that make a cell need quotes wherever they are. */
static const unsigned char quote_byte[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

/* ---- a word at a time ----
 *
 * Most cells are short (ids, units, kinds, metric names), so the test for
 * quotes looks at 16, 8 or 4 bytes per step (SWAR): for a word x and a byte c
 * repeated in every byte C, (y - 0x01..01) & ~y & 0x80..80 with y = x ^ C
 * is nonzero exactly when some byte of x equals c (a zero byte of y borrows
 * into its own top bit; a byte with its top bit clear that is not zero
 * cannot, and ~y clears the top bit of bytes >= 0x80; borrows only move
 * upwards from a zero byte, so there are no hits without one).  The same
 * test with x - 0x2d.. in place of y - 0x01.. is nonzero exactly when some
 * byte is below 0x2d ('-'), and all four bytes that need quotes (LF, CR,
 * '"', ',') are: a word with none below is clean in three operations.
 * Words are read with memcpy at s .. s + n - width only (the last one
 * overlapping the one before), never past the cell's end. */

#define ONES8 UINT64_C(0x0101010101010101)
#define HIGH8 UINT64_C(0x8080808080808080)

static inline uint64_t zero8(uint64_t y)
{
	return (y - ONES8) & ~y;
}

static inline bool word8_quotes(uint64_t x)
{
	if (!((x - ONES8 * 0x2d) & ~x & HIGH8))
		return false;
	return ((zero8(x ^ (ONES8 * ',')) | zero8(x ^ (ONES8 * '"')) | zero8(x ^ (ONES8 * '\r')) |
		 zero8(x ^ (ONES8 * '\n'))) &
		HIGH8) != 0;
}

static inline uint64_t load8(const char *s)
{
	uint64_t x;
	memcpy(&x, s, sizeof(x));
	return x;
}

static inline uint32_t load4(const char *s)
{
	uint32_t x;
	memcpy(&x, s, sizeof(x));
	return x;
}

/* A cell of 4 to 7 bytes as one word: its first four and last four. */
static inline uint64_t ends4(uint32_t a, uint32_t z)
{
	return (uint64_t)z << 32 | a;
}
#if defined(__GNUC__)
/* Sixteen bytes at a time (GCC and Clang vector extensions). */
typedef unsigned char v16 __attribute__((vector_size(16)));

static inline bool block16_quotes(const char *s)
{
	v16 x;
	memcpy(&x, s, sizeof(x));
	v16 hit = (v16)((x == ',') | (x == '"') | (x == '\r') | (x == '\n'));
	uint64_t w[2];
	memcpy(w, &hit, sizeof(w));
	return (w[0] | w[1]) != 0;
}
#endif

/* Quoted only when it needs it: a comma, a quote or a line end, or a
 * leading or trailing blank (so that no reader trims it). */
static bool needs_quotes(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (s[0] == ' ' || s[n - 1] == ' ')
		return true;
	if (n < 4) /* bytes 0, n/2 and n-1 are all of them */
		return (quote_byte[(unsigned char)s[0]] | quote_byte[(unsigned char)s[n / 2]] |
			quote_byte[(unsigned char)s[n - 1]]) != 0;
	if (n < 8)
		return word8_quotes(ends4(load4(s), load4(s + n - 4)));
	size_t i = 0;
#if defined(__GNUC__)
	for (; i + 16 <= n; i += 16)
		if (block16_quotes(s + i))
			return true;
#endif
	for (; i + 8 <= n; i += 8)
		if (word8_quotes(load8(s + i)))
			return true;
	return i < n && word8_quotes(load8(s + n - 8));
}

/* Quoting is libcsv's (RFC 4180: a quote each side, every quote inside
 * doubled); only the test for whether a cell needs it is done here, since
 * most cells do not.  The length of s quoted: */
static size_t quoted_len(const char *s, size_t n)
{
	return csv_write(NULL, 0, s, n);
}

/* s quoted at d (quoted_len(s, n) bytes); returns that length. */
static size_t put_quoted(char *d, const char *s, size_t n)
{
	return csv_write(d, quoted_len(s, n), s, n);
}

/* The n bytes of s as one cell at the end of b, quoted when quote is set. */
static void put_cell(struct dcs_buf *b, const char *s, size_t n, bool quote)
{
	size_t need = quote ? quoted_len(s, n) : n;
	if (!dcs_buf_grow(b, need))
		return;
	if (quote)
		need = put_quoted(b->s + b->len, s, n);
	else
		memcpy(b->s + b->len, s, n);
	b->len += need;
	b->s[b->len] = '\0';
}

/* A cell that needs no quotes copied to d with the words the test read
 * (16 bytes a step, the last step overlapping the one before; a short cell
 * in two overlapping words); false when it needs quotes (d is scratch
 * then). */
static inline bool put_plain(char *d, const char *s, size_t n)
{
	if (n >= 16) {
		size_t i = 0;
#if defined(__GNUC__)
		for (;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			if (block16_quotes(s + i))
				return false;
			memcpy(d + i, s + i, 16);
			if (i + 16 == n)
				return true;
		}
#else
		for (;; i += 8) {
			if (i + 8 > n)
				i = n - 8;
			uint64_t x = load8(s + i);
			if (word8_quotes(x))
				return false;
			memcpy(d + i, &x, sizeof(x));
			if (i + 8 == n)
				return true;
		}
#endif
	}
	if (n >= 8) {
		uint64_t a = load8(s), z = load8(s + n - 8);
		if (word8_quotes(a) || word8_quotes(z))
			return false;
		memcpy(d, &a, sizeof(a));
		memcpy(d + n - 8, &z, sizeof(z));
	} else if (n >= 4) {
		uint32_t a = load4(s), z = load4(s + n - 4);
		if (word8_quotes(ends4(a, z)))
			return false;
		memcpy(d, &a, sizeof(a));
		memcpy(d + n - 4, &z, sizeof(z));
	} else if (n) {
		char c0 = s[0], c1 = s[n / 2], c2 = s[n - 1];
		if (quote_byte[(unsigned char)c0] | quote_byte[(unsigned char)c1] |
		    quote_byte[(unsigned char)c2])
			return false;
		d[0] = c0;
		d[n / 2] = c1;
		d[n - 1] = c2;
	}
	return true;
}

/* Out of the common path's way: a cell that needs quotes. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
put_quoted_cell(struct dcs_buf *b, const char *s, size_t n)
{
	put_cell(b, s, n, true);
}

/* The writer thread's cell: tested and copied in one pass over its words,
 * into room made with one comparison (most of the time). */
void dcs_csv_put_text(struct dcs_buf *b, const char *s, size_t n)
{
	if (n && (s[0] == ' ' || s[n - 1] == ' ')) {
		put_quoted_cell(b, s, n);
		return;
	}
	if (b->len + n + 1 > b->cap && !dcs_buf_grow(b, n))
		return;
	if (b->oom)
		return;
	char *d = b->s + b->len;
	if (put_plain(d, s, n)) {
		b->len += n;
		d[n] = '\0';
		return;
	}
	put_quoted_cell(b, s, n);
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
		extra += quoted_len(cells[i], lens[i]) - lens[i];
	}
	if (!dcs_buf_grow(b, total + extra))
		return;
	char *p = b->s + b->len;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		if (i < 64 && (quoted >> i & 1)) {
			p += put_quoted(p, cells[i], lens[i]);
		} else {
			memcpy(p, cells[i], lens[i]);
			p += lens[i];
		}
	}
	*p++ = '\n';
	*p = '\0';
	b->len = (size_t)(p - b->s);
}
