/*
 * Independent oracles for the storage model (models/storage.c): expected
 * values are written here from first principles and the documents, never
 * computed with the model's own functions.
 *
 * - Propagation: one way = distance x 4.9 us (SPEC §4.1); a link's goodput
 *   rate = bandwidth x (lan_mtu - 40) / (lan_mtu + 38 + encapsulation)
 *   (dwdm: 0 bytes), here 10 Gbps x 1460 / 1538.
 * - Active-active I/O from a host at a site without an array (SPEC §4.3,
 *   §6.3): the host enters the nearest array S (the preferred one on a
 *   tie); read = RTT(h,S) + bytes / rate + read service; write = FC's 2
 *   host round trips x RTT(h,S) + bytes / rate + max(local service,
 *   replication_round_trips (1) x RTT(S,R) + bytes / rate + remote service).
 *   With fixed service and 64 servers at a low rate nothing queues, so every
 *   I/O has exactly that latency.
 * - storage.csv's columns: three workloads at one site whose writes take 1,
 *   2 and 3 iSCSI round trips (RFC 7143 keys: 8 KiB of immediate data, then
 *   one R2T per 256 KiB burst) offer 90 %, 7 % and 3 % of the writes, so by
 *   nearest rank p50 is the first latency, p95 the second and p99 and max
 *   the third; count and mean follow from the offered rates.
 * - storage.csv against the estimator itself: every row (site, op, phase
 *   all / normal / disrupted) of a run with queueing and I/O held by a
 *   stop-and-copy, its count, mean, p50, p95, p99 and max recomputed here
 *   from the histograms the model keeps (dcs_storage_latency), with a
 *   nearest-rank quantile written in the test: equal to the printed 12
 *   digits.
 * - Service times: with many servers the latency of a local read is its
 *   service time; its histogram against the declared exponential by a
 *   one-sample Kolmogorov-Smirnov test (tests/stats.h; binned, so
 *   conservative) at level 0.001, and a fixed service time is exactly its
 *   mean at every quantile.
 * - M/M/1 and M/M/c response-time quantiles against the closed form
 *   P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) /
 *   (theta - mu), theta = c mu - lambda, C = Erlang C (Kleinrock, Queueing
 *   Systems vol. 1, §3.4), solved for t.  The tolerance comes from the
 *   sample: the spread of the quantile over independent replications
 *   (Student t at 99.9 %), plus the estimator's documented resolution
 *   (1/128 of the value).
 * Tolerances of deterministic cases: the estimator's resolution (1/128) for
 * quantiles, 1 us for means (nanosecond rounding and the queueing delay a
 * lightly loaded link may add).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/bus.h"
#include "dcisim/loader.h"
#include "dcisim/world.h"
#include "harness.h"
#include "stats.h"
#include "storage.h"
#include "validation.h"
#include "worldrun.h"

#define US_PER_KM 4.9
/* Goodput of a 10 Gbps dwdm link with lan_mtu 1500, bytes/s. */
#define RATE_10G (10e9 / 8 * 1460.0 / 1538.0)

/* A scenario written with single quotes (printf-style). */
static struct harness open_fmt(uint64_t seed, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	run_format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct harness h = h_open(buf, seed);
	h.w->verbosity = -1;
	return h;
}

/* storage.csv's row of a site and op (the whole run's, where rows are also
 * split by phase); the test fails when there is none. */
static size_t csv_row(struct dcs_table *t, const char *site, const char *op)
{
	size_t cs = h_col(t, "site"), co = h_col(t, "op");
	size_t cp = SIZE_MAX;
	for (size_t c = 0; c < dcs_table_ncols(t); c++)
		if (strcmp(dcs_table_col(t, c), "phase") == 0)
			cp = c;
	for (size_t r = 0; r < dcs_table_nrows(t); r++)
		if (strcmp(dcs_table_cell(t, r, cs), site) == 0 &&
		    strcmp(dcs_table_cell(t, r, co), op) == 0 &&
		    (cp == SIZE_MAX || strcmp(dcs_table_cell(t, r, cp), "all") == 0))
			return r;
	fail_msg("storage.csv has no row %s/%s", site, op);
	return 0;
}

static double csv_num(struct dcs_table *t, size_t row, const char *col)
{
	return strtod(dcs_table_cell(t, row, h_col(t, col)), NULL);
}

static double ow_ms(double km)
{
	return km * US_PER_KM / 1e3;
}

/* Every figure of a storage.csv row whose I/Os all took `ms`. */
static void check_constant_row(struct dcs_table *t, const char *site, const char *op, double ms,
			       const char *name, const char *source)
{
	size_t r = csv_row(t, site, op);
	char c[192];
	snprintf(c, sizeof(c), "%s: mean", name);
	dcs_validate(c, source, ms, csv_num(t, r, "mean_ms"), 0, 1e-3, "ms");
	const char *cols[] = {"p50_ms", "p99_ms", "max_ms"};
	for (size_t i = 0; i < 3; i++)
		assert_true(fabs(csv_num(t, r, cols[i]) - ms) <= ms / 128 + 1e-3);
}

/* ---- active-active from a site without an array ---- */

/* Host site h, arrays at A and B.  km_hA, km_hB, km_AB: the three links.
 * Returns the harness after `until` seconds. */
static struct harness aa_three_sites(double km_hA, double km_hB, double km_AB, const char *pref,
				     double until)
{
	struct harness h = open_fmt(
	    1,
	    "{'dcisim': 1, 'name': 'aa3', 'seed': 1, 'duration_s': 30,"
	    " 'sites': [{'id': 'h'}, {'id': 'A'}, {'id': 'B'}],"
	    " 'links': [{'id': 'hA', 'a': 'h', 'b': 'A', 'distance_km': %g, 'bandwidth_gbps': 10,"
	    "            'technology': 'dwdm'},"
	    "           {'id': 'hB', 'a': 'h', 'b': 'B', 'distance_km': %g, 'bandwidth_gbps': 10,"
	    "            'technology': 'dwdm'},"
	    "           {'id': 'AB', 'a': 'A', 'b': 'B', 'distance_km': %g, 'bandwidth_gbps': 10,"
	    "            'technology': 'dwdm'}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc', 'preferred_site': '%s',"
	    "  'fc': {'speed_gbps': 16, 'bb_credits': 4096},"
	    "  'arrays': [{'site': 'A', 'read_ms': 0.5, 'write_ms': 0.2, 'servers': 64,"
	    "              'service': 'fixed'},"
	    "             {'site': 'B', 'read_ms': 0.5, 'write_ms': 0.2, 'servers': 64,"
	    "              'service': 'fixed'}],"
	    "  'workloads': [{'site': 'h', 'iops': 400, 'read_ratio': 0.5, 'block_kib': 8}]}}",
	    km_hA, km_hB, km_AB, pref);
	dcs_world_run(h.w, dcs_time_from_s(until));
	return h;
}

static void test_active_active_remote_host(void **state)
{
	(void)state;
	const double ser = 8192 / RATE_10G * 1e3; /* ms; 16GFC carries 1700 MB/s, more */
	/* h-A 30 km, A-B 80 km, h-B 150 km (the network reaches B through A,
	 * 110 km): the host enters A, the nearer. */
	struct harness h = aa_three_sites(30, 150, 80, "B", 20);
	dcs_world_finish(h.w);
	struct dcs_table *t = h_table(h.w->res, "storage.csv");
	assert_non_null(t);
	double rtt_hA = 2 * ow_ms(30), rtt_AB = 2 * ow_ms(80);
	check_constant_row(t, "h", "read", rtt_hA + ser + 0.5,
			   "active-active read from an arrayless site (nearest array 30 km)",
			   "SPEC 4.3: 1 RTT + bytes / goodput + service");
	check_constant_row(t, "h", "write", 2 * rtt_hA + ser + fmax(0.2, rtt_AB + ser + 0.2),
			   "active-active write from an arrayless site (nearest array 30 km)",
			   "SPEC 4.3, 6.3: 2 FC RTT + max(local, 1 RTT + remote)");
	h_close(&h);

	/* Equidistant arrays: the preferred one (B) takes the host's I/O. */
	h = aa_three_sites(50, 50, 80, "B", 20);
	dcs_world_finish(h.w);
	t = h_table(h.w->res, "storage.csv");
	double rtt_hB = 2 * ow_ms(50);
	check_constant_row(t, "h", "write", 2 * rtt_hB + ser + fmax(0.2, rtt_AB + ser + 0.2),
			   "active-active write from an arrayless site, arrays equidistant",
			   "SPEC 4.3: the preferred array on a tie");
	h_close(&h);

	/* The entry array fails at 10 s: the host uses the other one alone (no
	 * mirror leg), 110 km away through A's site. */
	h = aa_three_sites(30, 150, 80, "B", 10);
	struct dcs_storage *st = dcs_storage_of(h.w);
	const struct dcs_lathist *wr = dcs_storage_latency(st, 0, DCS_OP_WRITE, false);
	uint64_t n0 = wr->n;
	int64_t s0 = wr->sum_ns;
	struct dcs_note note = {.kind = DCS_NOTE_ARRAY_STATE, .index = 1, .up = false};
	dcs_bus_publish(h.w->bus, &note);
	dcs_world_run(h.w, dcs_time_from_s(20));
	assert_true(wr->n > n0 + 1000);
	double mean_after = (double)(wr->sum_ns - s0) / (double)(wr->n - n0) / 1e6;
	double rtt_hvB = 2 * ow_ms(110);
	dcs_validate("arrayless site's write after its entry array fails",
		     "SPEC 4.3: the surviving array alone: 2 FC RTT + bytes / goodput + service",
		     2 * rtt_hvB + ser + 0.2, mean_after, 0, 1e-3, "ms");
	assert_int_equal(dcs_storage_failed(st, 0), 0);
	h_close(&h);
}

/* ---- storage.csv's columns ---- */

static void test_storage_csv_quantiles(void **state)
{
	(void)state;
	struct harness h = open_fmt(
	    3,
	    "{'dcisim': 1, 'name': 'mix', 'seed': 3, 'duration_s': 30,"
	    " 'sites': [{'id': 'h'}, {'id': 'P'}],"
	    " 'links': [{'id': 'l', 'a': 'h', 'b': 'P', 'distance_km': 100, 'bandwidth_gbps': 10,"
	    "            'technology': 'dwdm'}],"
	    " 'storage': {'mode': 'shared', 'protocol': 'iscsi', 'preferred_site': 'P',"
	    "  'iscsi': {'initial_r2t': true, 'immediate_data': true, 'first_burst_kib': 64,"
	    "            'max_burst_kib': 256, 'max_outstanding_r2t': 1,"
	    "            'max_recv_data_segment_kib': 8},"
	    "  'arrays': [{'site': 'P', 'write_ms': 0.2, 'servers': 64, 'service': 'fixed'}],"
	    "  'workloads': [{'site': 'h', 'iops': 900, 'read_ratio': 0, 'block_kib': 4, "
	    "'queue_depth': 65536},"
	    "                {'site': 'h', 'iops': 70, 'read_ratio': 0, 'block_kib': 64, "
	    "'queue_depth': 65536},"
	    "                {'site': 'h', 'iops': 30, 'read_ratio': 0, 'block_kib': 512, "
	    "'queue_depth': 65536}]}}");
	h_finish(&h);
	struct dcs_table *t = h_table(h.w->res, "storage.csv");
	assert_non_null(t);
	size_t r = csv_row(t, "h", "write");
	double rtt = 2 * ow_ms(100);
	/* 4 KiB fits the immediate data: 1 round trip; 64 KiB needs one R2T;
	 * 512 KiB needs ceil((512 - 8) / 256) = 2 R2Ts, one at a time. */
	double L[3] = {1 * rtt + 4096 / RATE_10G * 1e3 + 0.2,
		       2 * rtt + 65536 / RATE_10G * 1e3 + 0.2,
		       3 * rtt + 524288 / RATE_10G * 1e3 + 0.2};
	double f[3] = {0.90, 0.07, 0.03};
	double n = 30 * 1000.0;
	dcs_validate("storage.csv p50 of a 90/7/3 % mix of 1/2/3-round-trip writes",
		     "nearest rank: the 1-round-trip latency", L[0], csv_num(t, r, "p50_ms"), 0,
		     L[0] / 128 + 1e-3, "ms");
	dcs_validate("storage.csv p95 of the mix", "nearest rank: the 2-round-trip latency", L[1],
		     csv_num(t, r, "p95_ms"), 0, L[1] / 128 + 1e-3, "ms");
	dcs_validate("storage.csv p99 of the mix", "nearest rank: the 3-round-trip latency", L[2],
		     csv_num(t, r, "p99_ms"), 0, L[2] / 128 + 1e-3, "ms");
	dcs_validate("storage.csv max of the mix", "the 3-round-trip latency", L[2],
		     csv_num(t, r, "max_ms"), 0, 1e-3, "ms");
	/* Count: Poisson, sd sqrt(n); mean: the shares' own noise. */
	dcs_validate("storage.csv count of the mix", "1000 writes/s x 30 s (5 sd of Poisson)", n,
		     csv_num(t, r, "count"), 0, 5 * sqrt(n), "I/Os");
	double mean = 0, var = 0;
	for (int k = 0; k < 3; k++)
		mean += f[k] * L[k];
	for (int k = 0; k < 3; k++)
		var += f[k] * (L[k] - mean) * (L[k] - mean);
	dcs_validate("storage.csv mean of the mix", "sum of share x latency (5 sd of the shares)",
		     mean, csv_num(t, r, "mean_ms"), 0, 5 * sqrt(var / n) + 1e-3, "ms");
	h_close(&h);
}

/* ---- storage.csv against the estimator's own histograms ---- */

static double bin_top_ns(unsigned i);

/* The bottom of bin i (storage.h: exact below 128 ns, then 64 logarithmic
 * sub-buckets per power of two). */
static double bin_bottom_ns(unsigned i)
{
	return i < 128 ? i : bin_top_ns(i - 1) + 1;
}

/* Nearest-rank quantile of the sample in the bins a and b together,
 * reported as the middle of its bin within [min, max], the largest rank as
 * the maximum itself (storage.h's documented estimator), written here. */
static double ref_quantile_ns(const struct dcs_lathist *a, const struct dcs_lathist *b, double q,
			      double min_ns, double max_ns)
{
	uint64_t n = a->n + b->n;
	uint64_t rank = (uint64_t)ceil(q * (double)n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank >= n)
		return max_ns;
	uint64_t cum = 0;
	for (unsigned i = 0; i < DCS_LATHIST_BINS - 1; i++) {
		cum += a->bins[i] + b->bins[i];
		if (cum >= rank)
			return fmin(fmax((bin_bottom_ns(i) + bin_top_ns(i)) / 2, min_ns), max_ns);
	}
	return max_ns;
}

static const char *const csv_col[6] = {"count", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms"};

/* Every storage.csv row of site index s (id `site`) and op, for each phase,
 * against the test's own reading of the histograms: the largest relative
 * difference per column goes into worst[]. */
static void check_rows(struct dcs_table *t, struct dcs_storage *st, int s, const char *site,
		       enum dcs_storage_op op, const char *op_name, double *worst)
{
	const struct dcs_lathist *nor = dcs_storage_latency(st, s, op, false);
	const struct dcs_lathist *dis = dcs_storage_latency(st, s, op, true);
	struct dcs_lathist none = {0};
	const struct {
		const char *phase;
		const struct dcs_lathist *a, *b;
	} ph[3] = {{"all", nor, dis}, {"normal", nor, &none}, {"disrupted", dis, &none}};
	size_t cs = h_col(t, "site"), co = h_col(t, "op"), cp = h_col(t, "phase");
	for (int k = 0; k < 3; k++) {
		uint64_t n = ph[k].a->n + ph[k].b->n;
		size_t r = SIZE_MAX;
		for (size_t i = 0; i < dcs_table_nrows(t); i++)
			if (strcmp(dcs_table_cell(t, i, cs), site) == 0 &&
			    strcmp(dcs_table_cell(t, i, co), op_name) == 0 &&
			    strcmp(dcs_table_cell(t, i, cp), ph[k].phase) == 0)
				r = i;
		if (n == 0) {
			assert_true(r == SIZE_MAX); /* no row for an empty phase */
			continue;
		}
		assert_true(r != SIZE_MAX);
		double mn = (double)ph[k].a->min_ns, mx = (double)ph[k].a->max_ns;
		if (ph[k].b->n) {
			mn = ph[k].a->n ? fmin(mn, (double)ph[k].b->min_ns)
					: (double)ph[k].b->min_ns;
			mx = fmax(mx, (double)ph[k].b->max_ns);
		}
		double want[6] = {(double)n,
				  (double)(ph[k].a->sum_ns + ph[k].b->sum_ns) / (double)n / 1e6,
				  ref_quantile_ns(ph[k].a, ph[k].b, 0.50, mn, mx) / 1e6,
				  ref_quantile_ns(ph[k].a, ph[k].b, 0.95, mn, mx) / 1e6,
				  ref_quantile_ns(ph[k].a, ph[k].b, 0.99, mn, mx) / 1e6,
				  mx / 1e6};
		for (int c = 0; c < 6; c++)
			worst[c] = fmax(worst[c],
					fabs(csv_num(t, r, csv_col[c]) - want[c]) / fabs(want[c]));
	}
}

static void test_storage_csv_columns_from_histograms(void **state)
{
	(void)state;
	/* Queueing (8 servers at 60 %), a VM's I/O held by its stop-and-copy
	 * (the disrupted phase) and a site's I/O: every row's columns. */
	struct harness h = open_fmt(
	    7,
	    "{'dcisim': 1, 'name': 'cols', 'seed': 7, 'duration_s': 40,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 40, 'bandwidth_gbps': 10,"
	    "            'technology': 'dwdm'}],"
	    " 'vms': [{'id': 'v', 'site': 'a', 'memory_gib': 2, 'dirty_mib_s': 50}],"
	    " 'migrations': [{'vm': 'v', 'to': 'b', 'at_s': 5}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'iscsi', 'preferred_site': 'a',"
	    "  'arrays': [{'site': 'a', 'servers': 8, 'service': 'exp'},"
	    "             {'site': 'b', 'servers': 8, 'service': 'exp'}],"
	    "  'workloads': [{'site': 'a', 'iops': 6000, 'read_ratio': 0.6},"
	    "                {'vm': 'v', 'iops': 3000, 'read_ratio': 0.5, 'queue_depth': 64}]}}");
	h_finish(&h);
	struct dcs_table *t = h_table(h.w->res, "storage.csv");
	assert_non_null(t);
	struct dcs_storage *st = dcs_storage_of(h.w);
	/* The VM's I/O during its switchover is in the disrupted phase. */
	assert_true(dcs_storage_latency(st, 0, DCS_OP_WRITE, true)->n +
			dcs_storage_latency(st, 1, DCS_OP_WRITE, true)->n >
		    0);
	const char *sites[2] = {"a", "b"};
	double worst[6] = {0};
	for (int s = 0; s < 2; s++) {
		check_rows(t, st, s, sites[s], DCS_OP_READ, "read", worst);
		check_rows(t, st, s, sites[s], DCS_OP_WRITE, "write", worst);
	}
	for (int c = 0; c < 6; c++) {
		char name[160];
		snprintf(name, sizeof(name),
			 "storage.csv %s of every site, op and phase: largest relative difference",
			 csv_col[c]);
		/* storage.csv prints 12 significant digits. */
		dcs_validate(name, "nearest rank over the estimator's bins, written in the test", 0,
			     worst[c], 0, 1e-11, "ratio");
	}
	h_close(&h);
}

/* ---- service times ---- */

/* The bins of the estimator as storage.h documents them: exact below 128
 * ns, then 64 logarithmic sub-buckets per power of two.  The largest value
 * bin i holds. */
static double bin_top_ns(unsigned i)
{
	if (i < 128)
		return i;
	unsigned shift = i / 64 - 1;
	double lo = (double)((uint64_t)(64 + i % 64) << shift);
	return lo + (double)(UINT64_C(1) << shift) - 1;
}

/* D of a histogram against an exponential of mean_ns (F_n at each bin's top). */
static double hist_ks_d(const struct dcs_lathist *h, double mean_ns)
{
	uint64_t cum = 0;
	double d = 0;
	for (unsigned i = 0; i < DCS_LATHIST_BINS - 1; i++) {
		if (!h->bins[i])
			continue;
		double below = (double)cum / (double)h->n;
		cum += h->bins[i];
		double lo_edge = i < 128 ? i : bin_top_ns(i - 1) + 1;
		/* Just below the bin and at its top (draws are rounded to ns). */
		double f_lo = 1 - exp(-(lo_edge - 0.5) / mean_ns);
		double f_hi = 1 - exp(-(bin_top_ns(i) + 0.5) / mean_ns);
		d = fmax(d, fabs(below - f_lo));
		d = fmax(d, fabs((double)cum / (double)h->n - f_hi));
	}
	assert_int_equal(cum, h->n);
	return d;
}

static void test_service_time_distribution(void **state)
{
	(void)state;
	for (int fixed = 0; fixed < 2; fixed++) {
		struct harness h = open_fmt(
		    5,
		    "{'dcisim': 1, 'name': 'svc', 'seed': 5, 'duration_s': 60,"
		    " 'sites': [{'id': 'a'}],"
		    " 'storage': {'mode': 'shared',"
		    "  'arrays': [{'site': 'a', 'read_ms': 2, 'write_ms': 0.5, 'servers': 256,"
		    "              'service': '%s'}],"
		    "  'workloads': [{'site': 'a', 'iops': 300, 'read_ratio': 0.5}]}}",
		    fixed ? "fixed" : "exp");
		h_finish(&h);
		struct dcs_storage *st = dcs_storage_of(h.w);
		const struct dcs_mcq *q = dcs_storage_array_queue(st, 0);
		/* 256 servers at 0.6 % load: nobody waits, latency = service. */
		assert_int_equal(q->waited, 0);
		const double mean_ns[2] = {2e6, 0.5e6};
		const char *op_name[2] = {"read", "write"};
		for (int op = 0; op < 2; op++) {
			const struct dcs_lathist *l =
			    dcs_storage_latency(st, 0, (enum dcs_storage_op)op, false);
			assert_true(l->n > 8000);
			char c[160];
			if (!fixed) {
				snprintf(c, sizeof(c),
					 "KS distance of %s service times from exponential(%g ms)",
					 op_name[op], mean_ns[op] / 1e6);
				dcs_validate(c, "SPEC 4.3 service 'exp' (binned KS, alpha 0.001)",
					     0, hist_ks_d(l, mean_ns[op]), 0,
					     st_ks_critical(l->n, 0.001), "D");
			} else {
				snprintf(c, sizeof(c), "fixed %s service: every I/O takes the mean",
					 op_name[op]);
				dcs_validate(c, "SPEC 4.3 service 'fixed'", mean_ns[op] / 1e6,
					     (double)l->max_ns / 1e6, 0, 1e-6, "ms");
				assert_int_equal(l->min_ns, l->max_ns);
			}
		}
		h_close(&h);
	}
}

/* ---- M/M/1 and M/M/c tails ---- */

/* P(T > t) of the M/M/c response time. */
static double mmc_tail(int c, double lambda, double mu, double t)
{
	double C = st_erlang_c(c, lambda / mu), theta = c * mu - lambda;
	return (1 - C) * exp(-mu * t) +
	       C * (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu);
}

static double mmc_quantile(int c, double lambda, double mu, double q)
{
	double lo = 0, hi = 200 / fmin(mu, c * mu - lambda);
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (mmc_tail(c, lambda, mu, mid) > 1 - q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static void tail_case(int c, double rho)
{
	enum { REPS = 8 };
	const double mu = 1000, lambda = rho * c * mu; /* service 1 ms */
	const double qs[3] = {0.50, 0.95, 0.99};
	double got[3][REPS];
	for (int rep = 0; rep < REPS; rep++) {
		struct harness h = open_fmt(
		    100 + (uint64_t)rep,
		    "{'dcisim': 1, 'name': 'mmc', 'seed': 1, 'duration_s': 60,"
		    " 'sites': [{'id': 'a'}],"
		    " 'storage': {'mode': 'shared',"
		    "  'arrays': [{'site': 'a', 'read_ms': 1, 'servers': %d, 'service': 'exp'}],"
		    "  'workloads': [{'site': 'a', 'iops': %.17g, 'read_ratio': 1, 'queue_depth': "
		    "65536}]}}",
		    c, lambda);
		dcs_world_run(h.w, h.w->horizon);
		const struct dcs_lathist *l =
		    dcs_storage_latency(dcs_storage_of(h.w), 0, DCS_OP_READ, false);
		for (int k = 0; k < 3; k++)
			got[k][rep] = dcs_lathist_quantile_ns(l, qs[k]) / 1e6;
		h_close(&h);
	}
	for (int k = 0; k < 3; k++) {
		double want = mmc_quantile(c, lambda, mu, qs[k]) * 1e3;
		double m = gsl_stats_mean(got[k], 1, REPS), sd = gsl_stats_sd(got[k], 1, REPS);
		double tol = st_t_quantile(0.999, REPS - 1) * sd / sqrt(REPS) + want / 128;
		char name[128];
		snprintf(name, sizeof(name), "M/M/%d rho %.1f response p%02.0f (mean of %d runs)",
			 c, rho, qs[k] * 100, REPS);
		dcs_validate(name, "M/M/c sojourn tail with Erlang C (Kleinrock 3.4)", want, m, 0,
			     tol, "ms");
	}
}

static void test_mm1_tails(void **state)
{
	(void)state;
	tail_case(1, 0.5);
	tail_case(1, 0.8);
}

static void test_mmc_tails(void **state)
{
	(void)state;
	tail_case(4, 0.5);
	tail_case(4, 0.8);
}

static void test_mmc_formula(void **state)
{
	(void)state;
	/* The tail formula's own checks: M/M/1 is exponential with rate mu -
	 * lambda; Erlang C of 2 servers at a = 1 is 1/3. */
	assert_true(fabs(mmc_quantile(1, 800, 1000, 0.99) - log(100) / 200) < 1e-9);
	assert_true(fabs(st_erlang_c(2, 1.0) - 1.0 / 3) < 1e-12);
	assert_true(fabs(mmc_tail(4, 2000, 1000, 0) - 1) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_active_active_remote_host),
	    cmocka_unit_test(test_storage_csv_quantiles),
	    cmocka_unit_test(test_storage_csv_columns_from_histograms),
	    cmocka_unit_test(test_service_time_distribution),
	    cmocka_unit_test(test_mmc_formula),
	    cmocka_unit_test(test_mm1_tails),
	    cmocka_unit_test(test_mmc_tails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
