/*
 * The results store and its writers: number formatting against printf (an
 * independent implementation: glibc's exact decimal conversion), rows
 * streamed to a sink and dropped or held as asked, and tables streamed to
 * files that appear under their final names only on commit.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "dcisim/output.h"
#include "dcisim/results.h"

/* splitmix64: the test's own generator, so it needs nothing it tests. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void check_num(double v)
{
	char want[64], got[64];
	if (v == 0)
		snprintf(want, sizeof(want), "0");
	else if (isnan(v))
		snprintf(want, sizeof(want), "nan");
	else
		snprintf(want, sizeof(want), "%.12g", v);
	dcs_fmt_num(got, 40, v);
	if (strcmp(want, got) != 0)
		fail_msg("%a: printf gives %s, dcs_fmt_num %s", v, want, got);
}

/* Every class of double: random bit patterns over the whole range, decimal
 * fractions as models compute them (k / 10^j, products of rates), integers,
 * and the hard cases: exact ties at the 13th digit, neighbours of powers of
 * ten and of the 12-digit rounding boundaries. */
static void test_fmt_num_matches_printf(void **state)
{
	(void)state;
	uint64_t s = 42;
	for (int i = 0; i < 300000; i++) {
		uint64_t bits = next_u64(&s);
		double v;
		memcpy(&v, &bits, sizeof(v));
		check_num(v);
	}
	for (int i = 0; i < 300000; i++) {
		uint64_t k = next_u64(&s) % 100000000000000ull;
		int j = (int)(next_u64(&s) % 30) - 8;
		double v = (double)k / pow(10, j);
		check_num(v);
		check_num(-v);
		check_num(v * 1.0000001);
		check_num((double)(k % 100000) / 3.0);
	}
	/* Exact ties: n + 0.5 has 13 significant digits when n has 12. */
	for (uint64_t n = 100000000000ull; n < 100000000000ull + 2000; n++) {
		check_num((double)n + 0.5);
		check_num(((double)n + 0.5) / 1024.0);
		check_num(((double)n + 0.5) * 1024.0);
	}
	for (int e = -320; e <= 308; e++) {
		double p = pow(10, e);
		check_num(p);
		check_num(nextafter(p, 0));
		check_num(nextafter(p, INFINITY));
		check_num(9.999999999995 * p);
		check_num(nextafter(9.999999999995 * p, 0));
		check_num(nextafter(9.999999999995 * p, INFINITY));
		check_num(9.9999999999995 * p);
	}
	for (int64_t i = -100000; i <= 100000; i++)
		check_num((double)i);
	check_num(4.9406564584124654e-324);
	check_num(2.2250738585072014e-308);
	check_num(1.7976931348623157e308);
	check_num(0x1p52);
	check_num(0x1p53 + 2);
	check_num(0x1p64);
	check_num(0x1p127);
	check_num(0x1p128);
	check_num(1e-11);
	check_num(nextafter(1e-11, 0));
	check_num(0.1 + 0.2);
	char buf[40];
	assert_string_equal(dcs_fmt_num(buf, sizeof(buf), -0.0), "0");
	assert_string_equal(dcs_fmt_num(buf, sizeof(buf), INFINITY), "inf");
	assert_string_equal(dcs_fmt_num(buf, sizeof(buf), -INFINITY), "-inf");
	assert_string_equal(dcs_fmt_num(buf, sizeof(buf), NAN), "nan");
}

/* dcs_cell_fmt prints the common conversions itself: the same bytes as
 * printf for text, %%, %c, %s, %d/%i/%u with l, ll and z, and %g at every
 * precision; anything else falls back to printf. */
#define CHECK_FMT(...)                                                                             \
	do {                                                                                       \
		char want_[512];                                                                   \
		snprintf(want_, sizeof(want_), __VA_ARGS__);                                       \
		dcs_row_begin(t);                                                                  \
		dcs_cell_fmt(t, __VA_ARGS__);                                                      \
		dcs_row_end(t);                                                                    \
		const char *got_ = dcs_table_cell(t, dcs_table_nrows(t) - 1, 0);                   \
		if (strcmp(want_, got_) != 0)                                                      \
			fail_msg("format %s: printf gives '%s', dcs_cell_fmt '%s'", #__VA_ARGS__,  \
				 want_, got_);                                                     \
	} while (0)

static void test_cell_fmt_matches_printf(void **state)
{
	(void)state;
	struct dcs_results *r = dcs_results_create();
	struct dcs_table *t = dcs_results_table(r, "f.csv", "x");
	uint64_t s = 7;
	for (int i = 0; i < 100000; i++) {
		uint64_t bits = next_u64(&s);
		double v;
		memcpy(&v, &bits, sizeof(v));
		double w = (double)(next_u64(&s) % 100000000) / pow(10, (int)(next_u64(&s) % 16));
		CHECK_FMT("%g", v);
		CHECK_FMT("%g MiB", w);
		CHECK_FMT("%.6g ms", -w);
		CHECK_FMT("%.12g", w * 3.7);
		CHECK_FMT("%.17g", v);
		CHECK_FMT("%.1g|%.2g|%.3g", w, w / 7, w * 1e10);
		CHECK_FMT("%.0g", w);
	}
	CHECK_FMT("%g %g %g %g %g", 0.0, -0.0, 0.5, 1e-300, 1e300);
	CHECK_FMT("%g %g %g %g", (double)NAN, (double)-NAN, (double)INFINITY, (double)-INFINITY);
	CHECK_FMT("%.6g %.6g %.6g", 9.9999995, 999999.5, 0.000099999995);
	CHECK_FMT("%d %i %u %ld %lu %lld %llu %zu %zd", -2147483647 - 1, 42, 4294967295u,
		  -9223372036854775807L - 1, 18446744073709551615UL, -9223372036854775807LL - 1,
		  18446744073709551615ULL, (size_t)-1, (ssize_t)-5);
	CHECK_FMT("%s->%s, %.6g GiB (migrations[%d])", "dc1", "dc2", 16.0, 3);
	CHECK_FMT("100%% of %c%s", 'x', "");
	CHECK_FMT("plain text");
	CHECK_FMT("%s", "");
	/* Falls back to printf. */
	CHECK_FMT("guest throttled %.0f%%", 20.0);
	CHECK_FMT("%5.1f|%-4s|%x|%08.3e", 3.14159, "ab", 255u, 12345.678);
	char big[300];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_FMT("%s and %s", big, big + 100);
	dcs_results_destroy(r);
}

/* "%.<p>g" through dcs_cell_fmt against snprintf, for p from 1 to 17:
 * the double-arithmetic shortcut to the digits (p <= 15, decimal
 * exponents within 22 of p) must give glibc's exact rounding everywhere,
 * and it must step aside at ties and near-ties.  Values: random
 * significands at every decimal exponent from -30 to 30 (the shortcut's
 * whole range and past it), the neighbours (1 to 3 ulps either way) of
 * exact p-digit ties n + 1/2 scaled by powers of two and of ten, powers of
 * ten and 9.99...95 x 10^k and their neighbours, and subnormals:
 * 3,433,762 comparisons in all (counted below). */
static size_t check_g(struct dcs_results **r, struct dcs_table **t, int prec, double v)
{
	static const char *const fmts[18] = {"",      "%.1g",  "%.2g",  "%.3g",  "%.4g",  "%.5g",
					     "%.6g",  "%.7g",  "%.8g",  "%.9g",  "%.10g", "%.11g",
					     "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g"};
	char want[64];
	snprintf(want, sizeof(want), "%.*g", prec, v);
	dcs_row_begin(*t);
	dcs_cell_fmt(*t, fmts[prec], v);
	dcs_row_end(*t);
	size_t n = dcs_table_nrows(*t);
	const char *got = dcs_table_cell(*t, n - 1, 0);
	if (strcmp(want, got) != 0)
		fail_msg("%%.%dg of %a: printf gives %s, dcs_cell_fmt %s", prec, v, want, got);
	if (n >= 100000) { /* rows are held: start again */
		dcs_results_destroy(*r);
		*r = dcs_results_create();
		*t = dcs_results_table(*r, "g.csv", "x");
	}
	return 1;
}

static void test_fmt_g_every_precision(void **state)
{
	(void)state;
	struct dcs_results *r = dcs_results_create();
	struct dcs_table *t = dcs_results_table(r, "g.csv", "x");
	uint64_t s = 2024;
	size_t n = 0;
	for (int prec = 1; prec <= 17; prec++) {
		/* Random significands over decimal exponents -30 to 30. */
		for (int i = 0; i < 61 * 1000; i++) {
			double m = 1.0 + (double)(next_u64(&s) >> 11) * 0x1p-53 * 9.0;
			double v = m * pow(10, i % 61 - 30);
			n += check_g(&r, &t, prec, i & 1 ? -v : v);
		}
		/* Exact ties at the (prec+1)th digit, and their neighbours. */
		uint64_t lo = 1;
		for (int k = 1; k < prec; k++)
			lo *= 10;
		for (int i = 0; i < 20000; i++) {
			uint64_t d = lo + next_u64(&s) % (9 * lo);
			double tie = (double)d + 0.5;
			int sh = (int)(next_u64(&s) % 41) - 20;
			double v = ldexp(tie, sh); /* still an exact tie (a power of two) */
			if (i % 2)                 /* or a near one: decimal scaling */
				v = tie * pow(10, (int)(next_u64(&s) % 45) - 22);
			n += check_g(&r, &t, prec, v);
			double up = v, down = v;
			for (int u = 0; u < 3; u++) {
				up = nextafter(up, INFINITY);
				down = nextafter(down, 0);
				n += check_g(&r, &t, prec, up);
				n += check_g(&r, &t, prec, down);
			}
		}
		/* Powers of ten, 9.99...95 x 10^k (prec nines then a five), and
		 * their neighbours. */
		double nines = 10.0 - 5.0 / (double)(lo * 10);
		for (int k = -40; k <= 40; k++) {
			double vs[2] = {pow(10, k), nines * pow(10, k)};
			for (int j = 0; j < 2; j++) {
				n += check_g(&r, &t, prec, vs[j]);
				n += check_g(&r, &t, prec, nextafter(vs[j], 0));
				n += check_g(&r, &t, prec, nextafter(vs[j], INFINITY));
			}
		}
		/* Subnormals. */
		for (int i = 0; i < 500; i++) {
			uint64_t bits = next_u64(&s) >> 12;
			double v;
			memcpy(&v, &bits, sizeof(v));
			n += check_g(&r, &t, prec, v);
		}
	}
	assert_int_equal(n, 17 * (61 * 1000 + 20000 * 7 + 81 * 6 + 500));
	dcs_results_destroy(r);
}

/* A sink that keeps what it was given as CSV-ish text. */
struct capture {
	char text[1 << 16];
	size_t len;
	int tables;
};

static void cap_put(struct capture *c, const char *s)
{
	size_t n = strlen(s);
	assert_true(c->len + n < sizeof(c->text));
	memcpy(c->text + c->len, s, n + 1);
	c->len += n;
}

static void cap_table(void *ctx, const struct dcs_table *t)
{
	struct capture *c = ctx;
	c->tables++;
	cap_put(c, "#");
	cap_put(c, dcs_table_file(t));
	cap_put(c, "\n");
}

static void cap_row(void *ctx, const struct dcs_table *t, const char *const *cells)
{
	struct capture *c = ctx;
	for (size_t i = 0; i < dcs_table_ncols(t); i++) {
		cap_put(c, i ? "|" : "");
		cap_put(c, cells[i]);
	}
	cap_put(c, "\n");
}

static void add_row(struct dcs_table *t, int i)
{
	dcs_row_begin(t);
	dcs_cell_int(t, i);
	dcs_cell_time_s(t, (dcs_time_t)i * 1500000001);
	dcs_cell_num(t, i / 4.0);
	dcs_cell_fmt(t, "row %d%s", i, i % 7 ? "" : ", seventh");
	dcs_row_end(t);
}

static void expect_row(const struct dcs_table *t, size_t r)
{
	char want[4][64];
	int i = (int)r;
	snprintf(want[0], 64, "%d", i);
	long long ns = (long long)i * 1500000001LL;
	snprintf(want[1], 64, "%lld.%09lld", ns / 1000000000, ns % 1000000000);
	size_t n = strlen(want[1]);
	while (want[1][n - 1] == '0')
		want[1][--n] = '\0';
	if (want[1][n - 1] == '.')
		want[1][--n] = '\0';
	snprintf(want[2], 64, "%.12g", i / 4.0);
	snprintf(want[3], 64, "row %d%s", i, i % 7 ? "" : ", seventh");
	for (size_t c = 0; c < 4; c++)
		assert_string_equal(dcs_table_cell(t, r, c), want[c]);
}

static void test_rows_held_or_streamed(void **state)
{
	(void)state;
	/* No sink: every row held, as tests and sweeps read them. */
	struct dcs_results *r = dcs_results_create();
	struct dcs_table *t = dcs_results_table(r, "a.csv", "i,t,x,s");
	for (int i = 0; i < 1000; i++)
		add_row(t, i);
	assert_int_equal(dcs_table_nrows(t), 1000);
	assert_int_equal(dcs_table_first_held(t), 0);
	for (size_t i = 0; i < 1000; i++)
		expect_row(t, i);
	dcs_table_release(t, 500); /* no sink: nothing is dropped */
	expect_row(t, 0);
	dcs_results_destroy(r);

	/* A sink with nothing held: rows are handed on and dropped. */
	struct capture *cap = calloc(1, sizeof(*cap));
	r = dcs_results_create();
	t = dcs_results_table(r, "a.csv", "i,t,x,s");
	add_row(t, 0);
	struct dcs_results_sink sink = {.table = cap_table, .row = cap_row, .ctx = cap};
	dcs_results_set_sink(r, &sink, DCS_HOLD_NONE);
	for (int i = 1; i < 3; i++)
		add_row(t, i);
	struct dcs_table *b = dcs_results_table(r, "b.csv", "k");
	dcs_row_begin(b);
	dcs_cell_str(b, "k1");
	dcs_row_end(b);
	assert_int_equal(dcs_table_nrows(t), 3);
	assert_int_equal(dcs_table_first_held(t), 3);
	assert_int_equal(dcs_table_first_held(b), 1);
	assert_string_equal(cap->text, "#a.csv\n0|0|0|row 0, seventh\n"
				       "1|1.500000001|0.25|row 1\n2|3.000000002|0.5|row 2\n"
				       "#b.csv\nk1\n");
	dcs_results_destroy(r);

	/* A kept table holds its rows while the others stream and drop. */
	memset(cap, 0, sizeof(*cap));
	r = dcs_results_create();
	struct dcs_table *early = dcs_results_table(r, "early.csv", "k");
	dcs_results_keep(r, "a.csv");
	dcs_results_keep(r, "early.csv");
	dcs_results_set_sink(r, &sink, DCS_HOLD_NONE);
	t = dcs_results_table(r, "a.csv", "i,t,x,s");
	b = dcs_results_table(r, "b.csv", "k");
	for (int i = 0; i < 30; i++) {
		add_row(t, i);
		dcs_row_begin(b);
		dcs_cell_int(b, i);
		dcs_row_end(b);
		dcs_row_begin(early);
		dcs_cell_int(early, i);
		dcs_row_end(early);
	}
	assert_int_equal(dcs_table_first_held(t), 0);
	assert_int_equal(dcs_table_first_held(early), 0);
	assert_int_equal(dcs_table_first_held(b), 30);
	expect_row(t, 0);
	assert_string_equal(dcs_table_cell(early, 29, 0), "29");
	dcs_results_destroy(r);

	/* Held until released: an observer reads, then releases; what is left
	 * stays readable while rows keep coming. */
	memset(cap, 0, sizeof(*cap));
	r = dcs_results_create();
	t = dcs_results_table(r, "a.csv", "i,t,x,s");
	dcs_results_set_sink(r, &sink, DCS_HOLD_UNTIL_RELEASED);
	for (int i = 0; i < 300; i++)
		add_row(t, i);
	dcs_table_release(t, 120);
	assert_int_equal(dcs_table_first_held(t), 120);
	for (int i = 300; i < 400; i++)
		add_row(t, i);
	for (size_t i = 120; i < 400; i++)
		expect_row(t, i);
	dcs_row_begin(t); /* a release while a row is open keeps its cells */
	dcs_cell_int(t, 400);
	dcs_table_release(t, 400);
	dcs_cell_time_s(t, (dcs_time_t)400 * 1500000001);
	dcs_cell_num(t, 100);
	dcs_cell_fmt(t, "row %d", 400);
	dcs_row_end(t);
	assert_int_equal(dcs_table_first_held(t), 400);
	expect_row(t, 400);
	dcs_results_destroy(r);

	/* Held: a caller that reads the tables afterwards. */
	memset(cap, 0, sizeof(*cap));
	r = dcs_results_create();
	dcs_results_set_sink(r, &sink, DCS_HOLD_ALL);
	t = dcs_results_table(r, "a.csv", "i,t,x,s");
	for (int i = 0; i < 50; i++)
		add_row(t, i);
	dcs_table_release(t, 50);
	assert_int_equal(dcs_table_first_held(t), 0);
	expect_row(t, 49);
	assert_int_equal(cap->tables, 1);
	dcs_results_destroy(r);
	free(cap);
}

/* ---- deferred rows: the pipe's chunks, replayed elsewhere ---- */

struct pipe_log {
	unsigned char *data[4096];
	size_t len[4096];
	uint64_t tables[4096];
	size_t n;
};

static void pipe_keep(void *ctx, unsigned char *data, size_t len, size_t cap, uint64_t tables)
{
	assert_true(cap >= len);
	struct pipe_log *pl = ctx;
	assert_true(pl->n < 4096);
	pl->tables[pl->n] = tables;
	pl->data[pl->n] = data;
	pl->len[pl->n++] = len;
}

/* A growing capture of every row a sink gets, with the sink's number mask. */
struct bigcap {
	char *s;
	size_t len, cap;
};

static void big_put(struct bigcap *c, const char *s)
{
	size_t n = strlen(s);
	if (c->len + n + 1 > c->cap) {
		c->cap = 2 * (c->len + n + 1);
		c->s = realloc(c->s, c->cap);
		assert_non_null(c->s);
	}
	memcpy(c->s + c->len, s, n + 1);
	c->len += n;
}

static void big_table(void *ctx, const struct dcs_table *t)
{
	big_put(ctx, "#");
	big_put(ctx, dcs_table_file(t));
	big_put(ctx, "\n");
}

static void big_row(void *ctx, const struct dcs_table *t, const char *const *cells)
{
	char mask[32];
	snprintf(mask, sizeof(mask), "[%llx]", (unsigned long long)dcs_table_row_numbers(t));
	big_put(ctx, mask);
	for (size_t i = 0; i < dcs_table_ncols(t); i++) {
		big_put(ctx, i ? "|" : "");
		big_put(ctx, cells[i]);
		/* The lengths the sink is given are the cells'. */
		assert_int_equal(dcs_table_row_lens(t)[i], strlen(cells[i]));
	}
	big_put(ctx, "\n");
}

/* Every kind of cell, values chosen to reach each branch of the printing. */
static void odd_row(struct dcs_table *t, int i)
{
	static const double nums[] = {0.0,  -0.0, 1.0 / 3,  -2.5e-300,
				      1e21, NAN,  INFINITY, -INFINITY};
	static const char *const strs[] = {"plain", "a, \"quoted\" one", "two\nlines", "", NULL};
	dcs_row_begin(t);
	dcs_cell_str(t, strs[i % 5]);
	dcs_cell_num(t, nums[i % 8] * (i + 1));
	dcs_cell_int(t, (int64_t)(i % 3 == 0 ? INT64_MIN + i : i * 1000003LL));
	dcs_cell_time_s(t, (dcs_time_t)(i % 4 == 0 ? -i : i) * 999999937);
	const char *volatile null_str = NULL; /* a NULL the compiler does not see */
	if (i % 2 == 0) /* conversions printed by dcisim (and a NULL string) */
		dcs_cell_fmt(t, "%s #%d at %.6g%% %c/%u/%zu/%lld/%s", strs[i % 4], i, i / 7.0,
			     'A' + i % 26, (unsigned)i * 7u, (size_t)i, -(long long)i * i,
			     null_str);
	else /* and one only vsnprintf prints */
		dcs_cell_fmt(t, "%5.2f|%-4s|", i / 3.0, "ab");
	dcs_row_end(t);
}

/* The five cells odd_row() adds for i, as printf prints them. */
static void odd_cells(int i, char cell[5][96])
{
	static const double nums[] = {0.0,  -0.0, 1.0 / 3,  -2.5e-300,
				      1e21, NAN,  INFINITY, -INFINITY};
	static const char *const strs[] = {"plain", "a, \"quoted\" one", "two\nlines", "", ""};
	snprintf(cell[0], 96, "%s", strs[i % 5]);
	double v = nums[i % 8] * (i + 1);
	snprintf(cell[1], 96, "%.12g", v);
	if (v == 0)
		strcpy(cell[1], "0"); /* no negative zero */
	else if (isnan(v))
		strcpy(cell[1], "nan");
	snprintf(cell[2], 96, "%lld", (long long)(i % 3 == 0 ? INT64_MIN + i : i * 1000003LL));
	long long ns = (long long)(i % 4 == 0 ? -i : i) * 999999937LL;
	long long a = ns < 0 ? -ns : ns;
	snprintf(cell[3], 96, "%s%lld.%09lld", ns < 0 ? "-" : "", a / 1000000000, a % 1000000000);
	size_t n = strlen(cell[3]);
	while (cell[3][n - 1] == '0')
		cell[3][--n] = '\0';
	if (cell[3][n - 1] == '.')
		cell[3][--n] = '\0';
	if (i % 2 == 0)
		snprintf(cell[4], 96, "%s #%d at %.6g%% %c/%u/%zu/%lld/%s", strs[i % 4], i, i / 7.0,
			 'A' + i % 26, (unsigned)i * 7u, (size_t)i, -(long long)i * i, "(null)");
	else
		snprintf(cell[4], 96, "%5.2f|%-4s|", i / 3.0, "ab");
}

static void expect_odd_rows(struct bigcap *want, int from, int to)
{
	for (int i = from; i < to; i++) {
		char cell[5][96];
		odd_cells(i, cell);
		big_put(want, "[e]"); /* cells 1-3 are numbers' text */
		for (int c = 0; c < 5; c++) {
			big_put(want, c ? "|" : "");
			big_put(want, cell[c]);
		}
		big_put(want, "\n");
	}
}

/* RFC 4180 as dcisim writes it, the test's own way: quoted when a cell
 * holds a comma, a quote or a line end or starts or ends with a blank,
 * quotes doubled. */
static void csv_expect_row(struct bigcap *want, int ncells, char cell[][96])
{
	for (int c = 0; c < ncells; c++) {
		const char *v = cell[c];
		size_t n = strlen(v);
		bool q = strpbrk(v, ",\"\r\n") != NULL || (n && (v[0] == ' ' || v[n - 1] == ' '));
		big_put(want, c ? "," : "");
		if (!q) {
			big_put(want, v);
			continue;
		}
		big_put(want, "\"");
		for (const char *p = v; *p; p++)
			big_put(want, *p == '"' ? "\"\"" : (char[]){*p, '\0'});
		big_put(want, "\"");
	}
	big_put(want, "\n");
}

struct csv_files {
	struct dcs_buf buf[8];
	int n, rows;
};

static void *csv_file(void *ctx, size_t idx, const struct dcs_table *t, struct dcs_buf **buf)
{
	struct csv_files *cf = ctx;
	assert_true(cf->n < 8);
	assert_int_equal(idx, cf->n); /* a.csv, kept.csv, b.csv: made in that order */
	struct dcs_buf *b = &cf->buf[cf->n++];
	for (size_t c = 0; c < dcs_table_ncols(t); c++) {
		dcs_buf_puts(b, c ? "," : "");
		dcs_buf_puts(b, dcs_table_col(t, c));
	}
	dcs_buf_puts(b, "\n");
	*buf = b;
	return b;
}

static void csv_row(void *ctx, void *handle)
{
	struct csv_files *cf = ctx;
	assert_non_null(handle);
	cf->rows++;
}

static void test_deferred_rows(void **state)
{
	(void)state;
	struct pipe_log *pl = calloc(1, sizeof(*pl));
	struct dcs_results *r = dcs_results_create();
	/* Before the pipe: a table holding two rows, and a kept table. */
	struct dcs_table *a = dcs_results_table(r, "a.csv", "s,x,i,t,f");
	odd_row(a, 0);
	odd_row(a, 1);
	struct dcs_table *k = dcs_results_table(r, "kept.csv", "s,x,i,t,f");
	dcs_results_keep(r, "kept.csv");
	/* Refused while a row is open: nothing changes. */
	struct dcs_results_pipe pipe = {.chunk = pipe_keep, .ctx = pl};
	dcs_row_begin(k);
	dcs_cell_str(k, "open");
	assert_false(dcs_results_defer(r, &pipe));
	for (int c = 0; c < 4; c++)
		dcs_cell_int(k, c);
	dcs_row_end(k);
	assert_int_equal(pl->n, 0);
	assert_int_equal(dcs_table_first_held(a), 0);

	assert_true(dcs_results_defer(r, &pipe));
	/* The held rows went into the log: a no longer holds them; the kept
	 * table still does. */
	assert_int_equal(dcs_table_first_held(a), 2);
	assert_int_equal(dcs_table_first_held(k), 0);
	/* Enough rows for many chunks, a table created on the way, and the
	 * kept table's rows, which stay readable here. */
	struct dcs_table *b = NULL;
	for (int i = 2; i < 6000; i++) {
		odd_row(a, i);
		if (i == 3000)
			b = dcs_results_table(r, "b.csv", "s,x,i,t,f");
		if (b)
			odd_row(b, i);
		if (i % 1000 == 0)
			odd_row(k, i);
	}
	assert_int_equal(dcs_table_nrows(a), 6000);
	assert_int_equal(dcs_table_first_held(a), 6000); /* counted, not held */
	assert_int_equal(dcs_table_nrows(k), 6);
	assert_string_equal(dcs_table_cell(k, 5, 2), "5000015000");
	assert_string_equal(dcs_table_cell(k, 0, 0), "open");
	assert_true(pl->n >= 5); /* handed on in chunks as it went (~100 B a row) */
	/* Each chunk says which tables it has records of: the first a.csv's
	 * and kept.csv's (made and holding rows before the pipe); then a.csv
	 * every time, b.csv (table 2) from its first chunk on, never more. */
	assert_int_equal(pl->tables[0] & 3, 3);
	size_t first_b = pl->n;
	for (size_t c = 0; c < pl->n; c++) {
		assert_int_equal(pl->tables[c] & ~UINT64_C(7), 0);
		assert_true(pl->tables[c] & 1);
		if (first_b == pl->n && (pl->tables[c] & 4))
			first_b = c;
		if (c > first_b && c + 1 < pl->n)
			assert_true(pl->tables[c] & 4);
	}
	assert_true(first_b > 0 && first_b < pl->n);
	dcs_results_end_defer(r);

	/* Replayed at the other end into a sink: the rows in order, every
	 * cell printed as printf prints it, numbers flagged. */
	struct bigcap got = {0}, want = {0};
	struct dcs_results *mine = dcs_results_create();
	struct dcs_results_sink sink = {.table = big_table, .row = big_row, .ctx = &got};
	dcs_results_set_sink(mine, &sink, DCS_HOLD_NONE);
	struct dcs_replay *rp = dcs_replay_create(mine);
	/* And printed straight to CSV text, file by file. */
	struct dcs_results *mine2 = dcs_results_create();
	struct dcs_replay *rp2 = dcs_replay_create(mine2);
	struct csv_files *cf = calloc(1, sizeof(*cf));
	struct dcs_csv_sink csv = {
	    .table = csv_file, .text = dcs_csv_put_text, .row_done = csv_row, .ctx = cf};
	for (size_t c = 0; c < pl->n; c++) {
		dcs_replay_chunk(rp, pl->data[c], pl->len[c]);
		dcs_replay_chunk_csv(rp2, pl->data[c], pl->len[c], &csv);
		free(pl->data[c]);
	}
	dcs_replay_destroy(rp);
	dcs_replay_destroy(rp2);
	assert_int_equal(cf->n, 3); /* a.csv, kept.csv, b.csv */
	assert_int_equal(cf->rows, 2 + 1 + 5998 + 5 + 3000);
	struct bigcap ca = {0}, ck = {0}, cb = {0};
	big_put(&ca, "s,x,i,t,f\n");
	big_put(&ck, "s,x,i,t,f\nopen,0,1,2,3\n");
	big_put(&cb, "s,x,i,t,f\n");
	for (int i = 0; i < 6000; i++) {
		char cell[5][96];
		odd_cells(i, cell);
		csv_expect_row(&ca, 5, cell);
		if (i >= 3000)
			csv_expect_row(&cb, 5, cell);
		if (i >= 2 && i % 1000 == 0)
			csv_expect_row(&ck, 5, cell);
	}
	assert_string_equal(cf->buf[0].s, ca.s);
	assert_string_equal(cf->buf[1].s, ck.s);
	assert_string_equal(cf->buf[2].s, cb.s);
	for (int i = 0; i < cf->n; i++)
		dcs_buf_free(&cf->buf[i]);
	free(cf);
	free(ca.s);
	free(ck.s);
	free(cb.s);
	dcs_results_destroy(mine2);
	/* Each table made before, with the rows it held, sent as text (no
	 * number flags, as a sink set late gets them). */
	big_put(&want, "#a.csv\n");
	struct bigcap held = {0};
	expect_odd_rows(&held, 0, 2);
	for (char *p = held.s; (p = strstr(p, "[e]")) != NULL;)
		memcpy(p, "[0]", 3);
	big_put(&want, held.s);
	big_put(&want, "#kept.csv\n[0]open|0|1|2|3\n");
	/* Then every row in the order added, across the tables. */
	for (int i = 2; i < 6000; i++) {
		expect_odd_rows(&want, i, i + 1);
		if (i == 3000)
			big_put(&want, "#b.csv\n");
		if (i >= 3000)
			expect_odd_rows(&want, i, i + 1);
		if (i % 1000 == 0)
			expect_odd_rows(&want, i, i + 1);
	}
	assert_string_equal(got.s, want.s);
	dcs_results_destroy(mine);
	dcs_results_destroy(r);
	free(got.s);
	free(want.s);
	free(held.s);
	free(pl);
}

/* Whole rows (dcs_row, the summary and event rows logged at once, keyed
 * summaries, formats parsed once) with deferred rows and without: the CSV
 * text written out by hand. */
static void whole_rows(struct dcs_results *r, struct dcs_table *t, struct dcs_table *kept)
{
	static const struct dcs_summary_key key = DCS_SUMMARY_KEY("m_keyed", "ms");
	for (int i = 0; i < 2; i++) {
		const struct dcs_cell cells[] = {DCS_CELL_S("vm, 1"), DCS_CELL_N(0.1 * (i + 1)),
						 DCS_CELL_I(-42 - i), DCS_CELL_T(1500000000 + i),
						 DCS_CELL_S(NULL)};
		dcs_row(t, cells, 5);
		dcs_row(kept, cells, 5);
		dcs_summary(r, "m_num", "e1", 1.0 / 3 + i, "s");
		dcs_summary_text(r, "m_text", i ? NULL : "e\"2", "late", NULL);
		dcs_summary_keyed(r, &key, "e3", 2.5e-7 * (i + 1));
		dcs_summary_text_keyed(r, &key, "e4", i ? NULL : "x");
		/* A format printed at the other end, then one only vsnprintf prints. */
		dcs_event(r, 2000000001 + i, "kind_a", "ent", "%s->%s %.6g GiB #%d %u%%", "a", "b",
			  1.25 * (i + 1), -i, 7u);
		dcs_event(r, 3000000000, "kind_b", NULL, "%5.1f|", 2.0 + i);
	}
}

static const char *const whole_t = "s,n,i,t,e\n"
				   "\"vm, 1\",0.1,-42,1.5,\n"
				   "\"vm, 1\",0.2,-43,1.500000001,\n";
static const char *const whole_summary = "metric,entity,value,unit\n"
					 "m_num,e1,0.333333333333,s\n"
					 "m_text,\"e\"\"2\",late,\n"
					 "m_keyed,e3,2.5e-07,ms\n"
					 "m_keyed,e4,x,ms\n"
					 "m_num,e1,1.33333333333,s\n"
					 "m_text,,late,\n"
					 "m_keyed,e3,5e-07,ms\n"
					 "m_keyed,e4,,ms\n";
static const char *const whole_events = "time_s,kind,entity,detail\n"
					"2.000000001,kind_a,ent,a->b 1.25 GiB #0 7%\n"
					"3,kind_b,,\"  2.0|\"\n"
					"2.000000002,kind_a,ent,a->b 2.5 GiB #-1 7%\n"
					"3,kind_b,,\"  3.0|\"\n";

/* The rows a results store holds, as CSV text (the test's own writer). */
static void held_csv(struct dcs_results *r, const char *file, struct bigcap *out)
{
	for (size_t i = 0; i < dcs_results_n_tables(r); i++) {
		struct dcs_table *t = dcs_results_table_at(r, i);
		if (strcmp(dcs_table_file(t), file))
			continue;
		char cell[8][96];
		for (size_t c = 0; c < dcs_table_ncols(t); c++)
			snprintf(cell[c], 96, "%s", dcs_table_col(t, c));
		csv_expect_row(out, (int)dcs_table_ncols(t), cell);
		for (size_t row = 0; row < dcs_table_nrows(t); row++) {
			for (size_t c = 0; c < dcs_table_ncols(t); c++)
				snprintf(cell[c], 96, "%s", dcs_table_cell(t, row, c));
			csv_expect_row(out, (int)dcs_table_ncols(t), cell);
		}
	}
}

static void test_whole_rows(void **state)
{
	(void)state;
	/* Held: every cell printed here. */
	struct dcs_results *r = dcs_results_create();
	whole_rows(r, dcs_results_table(r, "t.csv", "s,n,i,t,e"),
		   dcs_results_table(r, "kept.csv", "s,n,i,t,e"));
	struct bigcap got[4] = {{0}};
	held_csv(r, "t.csv", &got[0]);
	held_csv(r, "kept.csv", &got[1]);
	held_csv(r, "summary.csv", &got[2]);
	held_csv(r, "events.csv", &got[3]);
	assert_string_equal(got[0].s, whole_t);
	assert_string_equal(got[1].s, whole_t);
	assert_string_equal(got[2].s, whole_summary);
	assert_string_equal(got[3].s, whole_events);
	for (int i = 0; i < 4; i++)
		free(got[i].s);
	dcs_results_destroy(r);

	/* Deferred: logged, replayed as CSV at the other end; the kept table
	 * also holds its rows here. */
	struct pipe_log *pl = calloc(1, sizeof(*pl));
	r = dcs_results_create();
	struct dcs_table *t = dcs_results_table(r, "t.csv", "s,n,i,t,e");
	struct dcs_table *k = dcs_results_table(r, "kept.csv", "s,n,i,t,e");
	dcs_results_keep(r, "kept.csv");
	struct dcs_results_pipe pipe = {.chunk = pipe_keep, .ctx = pl};
	assert_true(dcs_results_defer(r, &pipe));
	whole_rows(r, t, k);
	assert_int_equal(dcs_table_nrows(t), 2);
	assert_int_equal(dcs_table_first_held(t), 2); /* counted, not held */
	struct bigcap kc = {0};
	held_csv(r, "kept.csv", &kc);
	assert_string_equal(kc.s, whole_t);
	free(kc.s);
	dcs_results_end_defer(r);
	struct dcs_results *mine = dcs_results_create();
	struct dcs_replay *rp = dcs_replay_create(mine);
	struct csv_files *cf = calloc(1, sizeof(*cf));
	struct dcs_csv_sink csv = {
	    .table = csv_file, .text = dcs_csv_put_text, .row_done = csv_row, .ctx = cf};
	for (size_t c = 0; c < pl->n; c++) {
		dcs_replay_chunk_csv(rp, pl->data[c], pl->len[c], &csv);
		free(pl->data[c]);
	}
	dcs_replay_destroy(rp);
	assert_int_equal(cf->n, 4); /* t.csv, kept.csv, summary.csv, events.csv */
	assert_string_equal(cf->buf[0].s, whole_t);
	assert_string_equal(cf->buf[1].s, whole_t);
	assert_string_equal(cf->buf[2].s, whole_summary);
	assert_string_equal(cf->buf[3].s, whole_events);
	for (int i = 0; i < cf->n; i++)
		dcs_buf_free(&cf->buf[i]);
	free(cf);
	dcs_results_destroy(mine);
	dcs_results_destroy(r);
	free(pl);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.' || strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

/* The test's own RFC 4180 writer: a cell is quoted when it holds a comma, a
 * quote, CR or LF, or starts or ends with a blank; quotes inside doubled. */
static void ref_row(char *out, size_t n, char cells[][48])
{
	char *p = out;
	for (size_t i = 0; i < n; i++) {
		const char *c = cells[i];
		size_t len = strlen(c);
		bool q = strpbrk(c, ",\"\r\n") || (len && (c[0] == ' ' || c[len - 1] == ' '));
		if (i)
			*p++ = ',';
		if (q)
			*p++ = '"';
		for (size_t k = 0; k < len; k++) {
			if (c[k] == '"')
				*p++ = '"';
			*p++ = c[k];
		}
		if (q)
			*p++ = '"';
	}
	*p++ = '\n';
	*p = '\0';
}

/* Records from cells of known lengths (the streaming writer's path): the
 * same bytes as the reference writer, for cells short and long (the quote
 * test looks at sixteen bytes at a time), with the special bytes anywhere,
 * and for cells flagged as numbers; and the same as dcs_csv_put_row. */
static void test_csv_rows_with_lengths(void **state)
{
	(void)state;
	static const char alphabet[] = "ab09.-e ,\"\r\n";
	uint64_t s = 7;
	struct dcs_buf got = {0}, plain = {0};
	char want[8192];
	for (int r = 0; r < 20000; r++) {
		char cells[8][48];
		const char *ptr[8];
		size_t lens[8], n = 1 + next_u64(&s) % 8;
		uint64_t numbers = 0;
		for (size_t i = 0; i < n; i++) {
			size_t len = next_u64(&s) % 40;
			bool num = next_u64(&s) % 3 == 0;
			/* Mostly letters and digits: one special byte in a few. */
			for (size_t k = 0; k < len; k++)
				cells[i][k] = alphabet[next_u64(&s) % (num ? 6 : 3)];
			if (!num && len && next_u64(&s) % 2)
				cells[i][next_u64(&s) % len] = alphabet[7 + next_u64(&s) % 5];
			cells[i][len] = '\0';
			if (num)
				numbers |= UINT64_C(1) << i;
			ptr[i] = cells[i];
			lens[i] = len;
		}
		ref_row(want, n, cells);
		got.len = 0;
		plain.len = 0;
		dcs_csv_put_row_lens(&got, n, ptr, lens, numbers);
		dcs_csv_put_row(&plain, n, ptr);
		assert_false(got.oom);
		assert_string_equal(got.s, want);
		assert_string_equal(plain.s, want);
	}
	dcs_buf_free(&got);
	dcs_buf_free(&plain);
}

/* One cell at a time (the writer thread's dcs_csv_put_text, which tests
 * and copies a word at a time): the reference writer's bytes for every
 * length from 0 to 70 with each special byte (and a blank, and bytes that
 * need nothing) at every position, after 0 to 63 bytes already in the
 * buffer.  Each cell sits in a heap block of exactly its length, so a read
 * past its end is an AddressSanitizer or valgrind error. */
static void test_csv_put_text_every_position(void **state)
{
	(void)state;
	static const char special[] = {',', '"', '\r', '\n', ' ', '+', '-', '\x80', '\xff'};
	struct dcs_buf got = {0};
	char ref[1][48];
	char want[200];
	uint64_t s = 11;
	size_t checked = 0;
	for (size_t len = 0; len <= 70; len++)
		for (size_t at = 0; at <= len; at++)
			for (size_t k = 0; k < sizeof(special); k++) {
				char *c = malloc(len ? len : 1);
				assert_non_null(c);
				for (size_t i = 0; i < len; i++)
					c[i] = (char)('a' + next_u64(&s) % 26);
				if (at < len)
					c[at] = special[k];
				got.len = 0;
				size_t before = next_u64(&s) % 64;
				for (size_t i = 0; i < before; i++)
					dcs_buf_put(&got, "x", 1);
				dcs_csv_put_text(&got, c, len);
				/* The reference row writer takes cells of up to 47 bytes;
				 * longer ones are quoted here the same way. */
				if (len < 48) {
					memcpy(ref[0], c, len);
					ref[0][len] = '\0';
					ref_row(want, 1, ref);
					want[strlen(want) - 1] = '\0'; /* its line end */
				} else {
					bool q = memchr(c, ',', len) || memchr(c, '"', len) ||
						 memchr(c, '\r', len) || memchr(c, '\n', len) ||
						 c[0] == ' ' || c[len - 1] == ' ';
					char *p = want;
					if (q)
						*p++ = '"';
					for (size_t i = 0; i < len; i++) {
						if (c[i] == '"')
							*p++ = '"';
						*p++ = c[i];
					}
					if (q)
						*p++ = '"';
					*p = '\0';
				}
				assert_false(got.oom);
				assert_int_equal(got.len, before + strlen(want));
				assert_string_equal(got.s + before, want);
				free(c);
				checked++;
			}
	assert_int_equal(checked, 71 * 72 / 2 * sizeof(special));
	dcs_buf_free(&got);
}

static void test_table_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/dcisim-results-XXXXXX", path[128];
	assert_non_null(mkdtemp(dir));
	struct dcs_results *r = dcs_results_create();
	struct dcs_table *t = dcs_results_table(r, "a.csv", "name,value");
	dcs_row_begin(t);
	dcs_cell_str(t, "before");
	dcs_cell_num(t, 1);
	dcs_row_end(t);
	struct dcs_table_files *f = dcs_table_files_open(dir, r, DCS_HOLD_NONE, stderr);
	assert_non_null(f);
	/* Enough rows to pass through the buffer several times, cells that
	 * need quoting, and one longer than the buffer. */
	char *big = malloc(100001);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	for (int i = 0; i < 5000; i++) {
		dcs_row_begin(t);
		dcs_cell_str(t, i == 7 ? "a, \"quoted\" one" : i == 8 ? big : "plain");
		dcs_cell_int(t, -i);
		dcs_row_end(t);
	}
	struct dcs_table *e = dcs_results_table(r, "empty.csv", "x");
	(void)e;
	/* Nothing under a final name yet: only the temporaries. */
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(dcs_table_files_commit(f, stderr), 0);
	char *text = slurp(path);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "name,value\nbefore,1\nplain,0\nplain,-1\n", 37), 0);
	assert_non_null(strstr(text, "\n\"a, \"\"quoted\"\" one\",-7\n"));
	assert_non_null(strstr(text, "\nplain,-4999\n"));
	assert_non_null(strstr(text, big));
	size_t lines = 0;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 5002);
	free(text);
	snprintf(path, sizeof(path), "%s/empty.csv", dir);
	text = slurp(path);
	assert_string_equal(text, "x\n");
	free(text);
	assert_int_equal(count_entries(dir), 2);
	dcs_results_destroy(r);

	/* Discarded: nothing is left, not even a temporary. */
	char dir2[] = "/tmp/dcisim-results-XXXXXX";
	assert_non_null(mkdtemp(dir2));
	r = dcs_results_create();
	f = dcs_table_files_open(dir2, r, DCS_HOLD_NONE, stderr);
	t = dcs_results_table(r, "a.csv", "name");
	/* Rows enough that the writer has made its temporary file. */
	for (int i = 0; i < 20000; i++) {
		dcs_row_begin(t);
		dcs_cell_str(t, "x");
		dcs_row_end(t);
	}
	dcs_table_files_discard(f);
	assert_int_equal(count_entries(dir2), 0);
	dcs_results_destroy(r);
	free(big);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, dir2);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt_num_matches_printf),
	    cmocka_unit_test(test_cell_fmt_matches_printf),
	    cmocka_unit_test(test_fmt_g_every_precision),
	    cmocka_unit_test(test_csv_rows_with_lengths),
	    cmocka_unit_test(test_csv_put_text_every_position),
	    cmocka_unit_test(test_rows_held_or_streamed),
	    cmocka_unit_test(test_deferred_rows),
	    cmocka_unit_test(test_whole_rows),
	    cmocka_unit_test(test_table_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
