/*
 * Tests of the storage model (models/storage.c, models/storage_calc.c)
 * against closed forms and the figures of reference/dci-facts.md §2.
 *
 * - Queue: M/M/1 and M/M/c mean response within 2 % of the formula at
 *   rho = 0.5 and 0.8, the Erlang C waiting probability within 2 % (or 0.005
 *   absolute), M/M/1 response quantiles (exponential with rate mu - lambda)
 *   within 3 %.  Seeds are fixed; the run lengths make the sampling error a
 *   fraction of the tolerance.
 * - Distance: an active-active write at low load costs exactly
 *   max(local, n_rtt x RTT + serialisation + remote) with fixed service
 *   (1 us tolerance for nanosecond rounding), where n_rtt is the arrays'
 *   replication protocol's, 1 by default (SRDF/S single round trip, SiRT):
 *   the write grows by 9.8 us per km, twice that with
 *   replication_round_trips 2, and the hosts' FC write acceleration does not
 *   change the mirror leg.
 * - NFS: Linux's 1 MiB wsize and pipelined RPCs: a 1 MiB write is 1 round
 *   trip (it was 16 with serial 64 KiB RPCs), 16 MiB with 4 RPCs in flight
 *   4 round trips.
 * - FCIP: over an IP technology FC is a TCP flow: no credit warning, the
 *   rate is min(max-bandwidth, window / RTT) with Cisco MDS's window
 *   max-bandwidth x min(RTT, 4 x profile RTT) x 0.9375 + 4 KB.
 * - Supported distance: a 2,000 km mirror warns at load time and in
 *   events.csv, and summary.csv gives RTT / 10 ms (vMSC, the most permissive
 *   listed product); a 5 ms limit for vplex_metro.
 * - iSCSI: the SCST example (2 MB, 10 ms RTT, InitialR2T=No, FirstBurst
 *   64 KiB, MaxBurst 256 KiB, MaxOutstandingR2T=1) takes about 106 ms: within
 *   2 % (SCST's own arithmetic omits framing overhead).
 * - FC credits: 50 km at 8G needs 206 by the Brocade rule (exact); SNIA's
 *   per-frame table within 2 %; with 64 credits the replication flow runs at
 *   credits x 2 KiB / RTT (1e-9 relative) and its backlog grows at the
 *   shortfall.  In that saturated closed loop the write latency is Little's
 *   N / X - Z (5 %), and the replication backlog's time-average is Little's
 *   law on the channel's queue, cap x the wait behind it (10 %): the wait is
 *   the backlog drained at the carried rate.
 * - Failures: a partition with a witness leaves exactly one side writing and
 *   no divergent write; a cut shorter than the detach delay only delays
 *   writes; an array failure sends its site's I/O to the other array; a
 *   degraded DCI keeps the mirror even when the network prefers a detour
 *   through the witness site; split_brain "allow" diverges; losing the
 *   preferred site without a witness stalls both, with a witness the other
 *   continues.
 * - Async: backlog and RPO after a burst follow the fluid closed form (1 %).
 * - The move penalty of a VM on shared storage is one RTT (+ serialisation)
 *   per read and two per FC write; the same scenario gives the same bytes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/bus.h"
#include "dcisim/loader.h"
#include "dcisim/syncproducts.h"
#include "storage.h"
#include "dcisim/world.h"
#include "harness.h"
#include "stats.h"
#include "validation.h"
#include "worldrun.h"

/* cmocka 1.1.5 has no assert_double_equal. */
#define assert_near(a, b, tol)                                                                     \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (tol)))                                                     \
			fail_msg("%s = %.12g, expected %.12g (+- %g)", #a, a_, b_, (double)(tol)); \
	} while (0)

static bool has_event(struct run *r, const char *kind, const char *needle)
{
	const struct dcs_table *t = h_table(r->w->res, "events.csv");
	if (!t)
		return false;
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (strcmp(dcs_table_cell(t, i, 1), kind) == 0 &&
		    (!needle || strstr(dcs_table_cell(t, i, 3), needle)))
			return true;
	return false;
}

/* Steady-state mean (I/O never held). */
/* Expected values from first principles, never from the network model:
 * light in fibre 4.9 us/km each way (SPEC 4.1; the links here are dwdm, the
 * default, adding nothing); a dwdm link's goodput is bandwidth x (1500 - 40)
 * / (1500 + 38) (SPEC 4.1 framing); a 16GFC port carries 1700 MB/s
 * (16 x 106.25 MB/s, the Brocade distance table). */
static double fp_rtt_ms(double km)
{
	return 2 * km * 4.9e-3;
}

static double fp_rate_Bps(double gbps)
{
	return gbps * 1e9 / 8 * 1460.0 / 1538.0;
}

#define FC16_BPS 1700e6

static double mean_ms(struct run *r, int site, enum dcs_storage_op op)
{
	return dcs_lathist_mean_ns(dcs_storage_latency(r->st, site, op, false)) / 1e6;
}

/* Completed I/O, held or not. */
static uint64_t count(struct run *r, int site, enum dcs_storage_op op)
{
	return dcs_storage_latency(r->st, site, op, false)->n +
	       dcs_storage_latency(r->st, site, op, true)->n;
}

/* ---- pure arithmetic ---- */

static void test_round_trips(void **state)
{
	(void)state;
	struct dcs_storage_cfg s = {0};
	s.protocol = DCS_PROTO_FC;
	assert_int_equal(dcs_storage_write_round_trips(&s, 8192), 2);
	assert_int_equal(dcs_storage_read_round_trips(&s, 8192), 1);
	s.write_acceleration = true;
	assert_int_equal(dcs_storage_write_round_trips(&s, 8192), 1);

	/* iSCSI with the RFC 7143 defaults and an 8 KiB MaxRecvDataSegmentLength:
	 * what fits the command PDU goes in one round trip, more needs an R2T. */
	s.protocol = DCS_PROTO_ISCSI;
	s.iscsi.initial_r2t = true;
	s.iscsi.immediate_data = true;
	s.iscsi.first_burst_kib = 64;
	s.iscsi.max_burst_kib = 256;
	s.iscsi.max_outstanding_r2t = 1;
	s.iscsi.max_recv_data_segment_kib = 8;
	assert_int_equal(dcs_storage_write_round_trips(&s, 8192), 1);
	assert_int_equal(dcs_storage_write_round_trips(&s, 16384), 2);
	assert_int_equal(dcs_storage_write_round_trips(&s, 8192 + 256 * 1024), 2);
	assert_int_equal(dcs_storage_write_round_trips(&s, 8192 + 256 * 1024 + 1), 3);
	s.iscsi.immediate_data = false;
	assert_int_equal(dcs_storage_write_round_trips(&s, 4096), 2);
	/* SCST: 2 MB with InitialR2T=No, 64 KiB unsolicited, then 8 R2Ts. */
	s.iscsi.initial_r2t = false;
	s.iscsi.immediate_data = true;
	assert_int_equal(dcs_storage_write_round_trips(&s, 2048 * 1024), 9);
	s.iscsi.max_outstanding_r2t = 16;
	assert_int_equal(dcs_storage_write_round_trips(&s, 2048 * 1024), 2);
	s.iscsi.max_outstanding_r2t = 3;
	assert_int_equal(dcs_storage_write_round_trips(&s, 2048 * 1024), 4);

	/* NFS, serial RPCs (one in flight): one round trip per chunk. */
	s.protocol = DCS_PROTO_NFS;
	s.nfs.wsize_kib = 64;
	s.nfs.rsize_kib = 32;
	s.nfs.outstanding = 1;
	dcs_validate("NFS 256 KiB write, wsize 64 KiB, one RPC in flight", "ceil(256 / 64) RPCs", 4,
		     dcs_storage_write_round_trips(&s, 256 * 1024), 0, 0, "round trips");
	dcs_validate("NFS 4 KiB write, wsize 64 KiB", "ceil(4 / 64) = one RPC", 1,
		     dcs_storage_write_round_trips(&s, 4096), 0, 0, "round trips");
	dcs_validate("NFS 256 KiB read, rsize 32 KiB, one RPC in flight", "ceil(256 / 32) RPCs", 8,
		     dcs_storage_read_round_trips(&s, 256 * 1024), 0, 0, "round trips");
	/* The Linux client: wsize = rsize = 1 MiB (NFS_MAX_FILE_IO_SIZE) and the
	 * RPCs of one I/O in flight together (ONTAP serves 128 per connection). */
	s.nfs.wsize_kib = 1024;
	s.nfs.rsize_kib = 1024;
	s.nfs.outstanding = 128;
	dcs_validate("NFS 1 MiB write, Linux wsize 1 MiB", "nfs(5), NFS_MAX_FILE_IO_SIZE 1 MiB", 1,
		     dcs_storage_write_round_trips(&s, 1048576), 0, 0, "round trips");
	assert_int_equal(dcs_storage_write_round_trips(&s, 1048576 + 1), 1);
	assert_int_equal(dcs_storage_read_round_trips(&s, 8192), 1);
	/* 16 MiB: 16 RPCs; 4 in flight: 4 round trips; 128 in flight: 1. */
	s.nfs.outstanding = 4;
	dcs_validate("NFS 16 MiB write, 4 RPCs in flight", "ceil(16 / 4)", 4,
		     dcs_storage_write_round_trips(&s, 16 * 1048576.0), 0, 0, "round trips");
	dcs_validate("NFS 16 MiB + 1 byte write, 4 RPCs in flight", "ceil(17 / 4)", 5,
		     dcs_storage_write_round_trips(&s, 16 * 1048576.0 + 1), 0, 0, "round trips");
	assert_int_equal(dcs_storage_read_round_trips(&s, 16 * 1048576.0), 4);
	s.nfs.outstanding = 128;
	assert_int_equal(dcs_storage_write_round_trips(&s, 16 * 1048576.0), 1);
	assert_int_equal(dcs_nfs_round_trips(300 * 1048576.0, 1024, 128), 3);
}

static void test_fc_credit_rules(void **state)
{
	(void)state;
	dcs_validate_published("FC credits 50 km 8G (Brocade rule)",
			       "dci-facts 2.2 Brocade FOS v7.3 p.121", 206,
			       dcs_fc_credits_brocade(50, 8), 0, 0, "credits");
	dcs_validate_published("FC credits 50 km 16G (Brocade rule)",
			       "dci-facts 2.2 Brocade FOS v7.3 p.121", 406,
			       dcs_fc_credits_brocade(50, 16), 0, 0, "credits");
	dcs_time_t rtt10 = dcs_time_from_us(2 * 10 * 4.9);
	dcs_validate_published("FC credits 10 km 2G 2 KiB frames",
			       "dci-facts 2.2 SNIA buffer credit table", 11,
			       dcs_fc_credits_for_frames(rtt10, 2048, 2), 0.02, 0, "credits");
	dcs_validate_published("FC credits 10 km 2G 256 B frames",
			       "dci-facts 2.2 SNIA buffer credit table", 74,
			       dcs_fc_credits_for_frames(rtt10, 256, 2), 0.02, 0, "credits");
	/* 8 credits keep 2G full to about 8 km (dci-facts 2.2 last row). */
	assert_true(dcs_fc_credits_for_frames(dcs_time_from_us(2 * 8 * 4.9), 2048, 2) <= 9);
	/* The cap: credits x payload / RTT, at most the port's payload rate. */
	dcs_time_t rtt50 = dcs_time_from_us(2 * 50 * 4.9);
	assert_near(dcs_fc_credit_cap_Bps(64, 2048, rtt50, 8), 64 * 2048 / 490e-6, 1e-3);
	dcs_validate_published(
	    "8GFC payload rate with enough credits (2 KiB frames)",
	    "dci-facts 2.2 FC line rates: 8.5 Gbaud, 8b/10b = 850 MB/s", 850 * 2048 / 2084.0,
	    dcs_fc_credit_cap_Bps(100000, 2048, rtt50, 8) / 1e6, 0, 1e-9, "MB/s");
	assert_int_equal(dcs_fc_credit_rounds(64, 64 * 2048), 0);
	assert_int_equal(dcs_fc_credit_rounds(64, 64 * 2048 + 1), 1);
	assert_int_equal(dcs_fc_credit_rounds(8, 2048 * 1024), 127);
	assert_near(dcs_fc_frame_payload(5000), 5000 / 3.0, 1e-9);
}

static int product(const char *name)
{
	int i = dcs_namelist_find(&dcs_sync_product_list, name);
	assert_true(i >= 0);
	return i;
}

static void test_sync_limits(void **state)
{
	(void)state;
	/* Each row against its vendor's figure (dci-facts.md 2.3). */
	assert_near(dcs_sync_product(product("vplex_metro"))->max_rtt_ms, 5, 0);
	assert_near(dcs_sync_product(product("metrocluster_ip"))->max_rtt_ms, 7, 0);
	assert_near(dcs_sync_product(product("metrocluster_ip"))->max_km, 700, 0);
	assert_near(dcs_sync_product(product("metrocluster_fc"))->max_km, 100, 0);
	assert_near(dcs_sync_product(product("srdf_s"))->max_km, 300, 0);
	assert_near(dcs_sync_product(product("vmsc"))->max_rtt_ms, 10, 0);
	/* The ratio: the larger of RTT / limit and km / limit. */
	assert_near(dcs_sync_limit_ratio(product("vplex_metro"), 0.8, 80), 0.16, 1e-12);
	assert_near(dcs_sync_limit_ratio(product("vplex_metro"), 6, 600), 1.2, 1e-12);
	assert_near(dcs_sync_limit_ratio(product("metrocluster_ip"), 3, 750), 750 / 700.0, 1e-12);
	assert_near(dcs_sync_limit_ratio(product("metrocluster_ip"), 7.5, 600), 7.5 / 7, 1e-12);
	/* `any`: beyond every product only; at 12 ms over 1,000 km vMSC's
	 * 10 ms is the most permissive (MetroCluster IP: 1000/700). */
	assert_int_equal(dcs_sync_limit_row(DCS_SYNC_PRODUCT_ANY, 12, 1000), product("vmsc"));
	assert_near(dcs_sync_limit_ratio(DCS_SYNC_PRODUCT_ANY, 12, 1000), 1.2, 1e-12);
	assert_true(dcs_sync_limit_ratio(DCS_SYNC_PRODUCT_ANY, 6, 600) <= 1);
}

static void test_erlang_c(void **state)
{
	(void)state;
	assert_near(dcs_erlang_c(1, 0.8), 0.8, 1e-12);
	assert_near(dcs_erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
	/* c = 4, a = 2: sum_{k<4} a^k/k! = 19/3, a^4/4! x 4/(4-2) = 4/3, C = 4/23. */
	assert_near(dcs_erlang_c(4, 2.0), (4.0 / 3) / (19.0 / 3 + 4.0 / 3), 1e-12);
	assert_near(dcs_mmc_response(1, 800, 0.001), 0.005, 1e-12);
}

static void test_lathist(void **state)
{
	(void)state;
	struct dcs_lathist *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	/* 1..1e6 ns once each: the q-quantile is q x 1e6. */
	for (dcs_time_t v = 1; v <= 1000000; v++)
		dcs_lathist_add(h, v);
	assert_int_equal(h->n, 1000000);
	assert_near(dcs_lathist_mean_ns(h), 500000.5, 1e-6);
	double qs[] = {0.01, 0.5, 0.95, 0.99, 0.999};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double got = dcs_lathist_quantile_ns(h, qs[i]);
		char c[96];
		snprintf(c, sizeof(c), "latency estimator, %g quantile of 1..1e6 ns", qs[i]);
		dcs_validate(c, "storage.h: within 1/128 of the sample value (+ 1 ns)", qs[i] * 1e3,
			     got / 1e3, 0, (qs[i] * 1e6 / 128 + 1) / 1e3, "us");
	}
	assert_near(dcs_lathist_quantile_ns(h, 1.0), 1e6, 0);
	/* Exact below 128 ns; huge values keep an exact maximum. */
	dcs_lathist_clear(h);
	dcs_lathist_add(h, 5);
	dcs_lathist_add(h, 100);
	dcs_lathist_add(h, INT64_C(1) << 50);
	assert_near(dcs_lathist_quantile_ns(h, 0.34), 100, 0);
	assert_near(dcs_lathist_quantile_ns(h, 1.0), (double)(INT64_C(1) << 50), 0);
	free(h);
}

/* ---- the queue inside the model ---- */

static void queue_case(int servers, double rho, const char *name)
{
	double mean_s = 0.001;
	double lambda = rho * servers / mean_s;
	struct run r;
	run_open(&r,
		 "{'dcisim': 1, 'name': 'q', 'seed': 7, 'duration_s': 1000,"
		 " 'sites': [{'id': 'a'}],"
		 " 'storage': {'mode': 'shared',"
		 "  'arrays': [{'site': 'a', 'read_ms': 1, 'write_ms': 1, 'servers': %d, "
		 "'service': 'exp'}],"
		 "  'workloads': [{'site': 'a', 'iops': %.17g, 'read_ratio': 1, "
		 "'queue_depth': 65536}]}}",
		 servers, lambda);
	run_until(&r, 1000);
	char c[96];
	snprintf(c, sizeof(c), "%s mean response, rho %.1f", name, rho);
	double pw = st_erlang_c(servers, lambda * mean_s);
	dcs_validate(c, "M/M/c formula (Erlang C)",
		     (pw / (servers / mean_s - lambda) + mean_s) * 1e3, mean_ms(&r, 0, DCS_OP_READ),
		     0.02, 0, "ms");
	const struct dcs_mcq *q = dcs_storage_array_queue(r.st, 0);
	snprintf(c, sizeof(c), "%s waiting probability, rho %.1f", name, rho);
	dcs_validate(c, "Erlang C", pw, (double)q->waited / (double)q->admitted, 0.02, 0.005,
		     "ratio");
	if (servers == 1) {
		/* M/M/1 response is exponential with rate mu - lambda. */
		const struct dcs_lathist *h = dcs_storage_latency(r.st, 0, DCS_OP_READ, false);
		double rate = 1 / mean_s - lambda;
		snprintf(c, sizeof(c), "%s p95 response, rho %.1f", name, rho);
		dcs_validate(c, "M/M/1 exponential sojourn", -log(0.05) / rate * 1e3,
			     dcs_lathist_quantile_ns(h, 0.95) / 1e6, 0.03, 0, "ms");
		snprintf(c, sizeof(c), "%s p50 response, rho %.1f", name, rho);
		dcs_validate(c, "M/M/1 exponential sojourn", -log(0.5) / rate * 1e3,
			     dcs_lathist_quantile_ns(h, 0.5) / 1e6, 0.03, 0, "ms");
	}
	run_close(&r);
}

static void test_mm1(void **state)
{
	(void)state;
	queue_case(1, 0.5, "M/M/1");
	queue_case(1, 0.8, "M/M/1");
}

static void test_mmc(void **state)
{
	(void)state;
	queue_case(4, 0.5, "M/M/4");
	queue_case(4, 0.8, "M/M/4");
}

/* ---- active-active write latency over distance ---- */

/* repl: storage.replication_round_trips, 0 to leave the key out (its
 * default, 1: array replication sends the data with the command, as SRDF/S
 * with SiRT or a FastWrite link does, dci-facts.md 2.1 and 2.3). */
static double aa_write_ms(double km, bool wa, int repl, double local_ms, double remote_ms,
			  double *expect)
{
	struct run r;
	char key[64] = "";
	if (repl > 0)
		snprintf(key, sizeof(key), "'replication_round_trips': %d,", repl);
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'aa', 'seed': 3, 'duration_s': 20,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': %.17g, 'bandwidth_gbps': "
	    "100}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc', 'write_acceleration': %s, %s"
	    "  'fc': {'speed_gbps': 16, 'bb_credits': 100000},"
	    "  'arrays': [{'site': 'a', 'write_ms': %.17g, 'servers': 64, 'service': 'fixed'},"
	    "             {'site': 'b', 'write_ms': %.17g, 'servers': 64, 'service': 'fixed'}],"
	    "  'workloads': [{'site': 'a', 'iops': 200, 'read_ratio': 0, 'block_kib': 8}]}}",
	    km, wa ? "true" : "false", key, local_ms, remote_ms);
	run_until(&r, 20);
	double rtt_ms = fp_rtt_ms(km);
	double rate = fmin(fp_rate_Bps(100), FC16_BPS);
	int n = repl > 0 ? repl : 1;
	*expect = fmax(local_ms, n * rtt_ms + 8192 / rate * 1e3 + remote_ms);
	assert_true(count(&r, 0, DCS_OP_WRITE) > 3000);
	double got = mean_ms(&r, 0, DCS_OP_WRITE);
	run_close(&r);
	return got;
}

static void test_active_active_distance(void **state)
{
	(void)state;
	double e, got;
	/* Short distance: the slower local array sets the pace. */
	got = aa_write_ms(10, false, 0, 1.0, 0.2, &e);
	assert_near(e, 1.0, 1e-12);
	dcs_validate("active-active write 10 km (local service dominates)", "SPEC 4.3 max(...)", e,
		     got, 0, 0.001, "ms");
	double l100 = aa_write_ms(100, false, 0, 1.0, 0.2, &e);
	dcs_validate("active-active mirror write 100 km", "SPEC 6.3 max(local, 1 RTT + remote)", e,
		     l100, 0, 0.001, "ms");
	double l200 = aa_write_ms(200, false, 0, 1.0, 0.2, &e);
	dcs_validate("active-active mirror write 200 km", "SPEC 6.3 max(local, 1 RTT + remote)", e,
		     l200, 0, 0.001, "ms");
	dcs_validate_published("mirror write slope per km (1 round trip)",
			       "dci-facts 1 (4.9 us/km); SRDF/S SiRT single round trip", 9.8,
			       (l200 - l100) / 100 * 1e3, 1e-3, 0, "us/km");
	double t100 = aa_write_ms(100, false, 2, 1.0, 0.2, &e);
	dcs_validate("mirror write 100 km, replication_round_trips 2", "2 RTT + remote", e, t100, 0,
		     0.001, "ms");
	double t200 = aa_write_ms(200, false, 2, 1.0, 0.2, &e);
	dcs_validate("two mirror round trips double the distance slope", "2 x 9.8 us/km", 2.0,
		     (t200 - t100) / (l200 - l100), 1e-3, 0, "ratio");
	/* Write acceleration is the hosts' FC feature: the mirror leg keeps its
	 * own protocol's round trips. */
	double w100 = aa_write_ms(100, true, 0, 1.0, 0.2, &e);
	assert_near(w100, l100, 0.001);
}

/* ---- iSCSI over a 10 ms RTT ---- */

static double iscsi_write_ms(int outstanding, double *formula)
{
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'iscsi', 'seed': 1, 'duration_s': 60,"
	    " 'sites': [{'id': 'host'}, {'id': 'tgt'}],"
	    " 'links': [{'id': 'wan', 'a': 'host', 'b': 'tgt', 'distance_km': 0,"
	    "   'device_latency_us': 5000, 'bandwidth_gbps': 1}],"
	    " 'storage': {'mode': 'shared', 'protocol': 'iscsi', 'preferred_site': 'tgt',"
	    "  'iscsi': {'initial_r2t': false, 'immediate_data': true, 'first_burst_kib': 64,"
	    "            'max_burst_kib': 256, 'max_outstanding_r2t': %d},"
	    "  'arrays': [{'site': 'tgt', 'write_ms': 0.001, 'servers': 1, 'service': 'fixed'}],"
	    "  'workloads': [{'site': 'host', 'iops': 2, 'read_ratio': 0, 'block_kib': 2048}]}}",
	    outstanding);
	run_until(&r, 60);
	assert_near(dcs_time_to_ms(dcs_net_rtt_base(r.w->net, 0, 1)), 10.0, 1e-9);
	/* The writes' own load (4 MB/s of 1 Gbps) adds its M/D/1 wait. */
	double rtt_ms = dcs_time_to_ms(dcs_net_rtt(r.w->net, 0, 1));
	assert_near(rtt_ms, 10.0, 1e-3);
	int n = outstanding == 1 ? 9 : 2;
	*formula = n * rtt_ms + 2097152.0 / fp_rate_Bps(1) * 1e3 + 0.001;
	assert_true(count(&r, 0, DCS_OP_WRITE) > 50);
	double got = mean_ms(&r, 0, DCS_OP_WRITE);
	run_close(&r);
	return got;
}

static void test_iscsi_scst(void **state)
{
	(void)state;
	double f;
	double got = iscsi_write_ms(1, &f);
	dcs_validate_published("iSCSI 2 MB write, 10 ms RTT, MaxOutstandingR2T 1",
			       "dci-facts 2.1 SCST max_outstanding_r2t.txt (106 ms)", 106, got,
			       0.02, 0, "ms");
	dcs_validate("iSCSI 2 MB write, model formula", "9 RTT + 2 MiB / link goodput", f, got, 0,
		     0.001, "ms");
	got = iscsi_write_ms(16, &f);
	dcs_validate("iSCSI 2 MB write, MaxOutstandingR2T 16", "2 RTT + 2 MiB / link goodput", f,
		     got, 0, 0.001, "ms");
}

/* ---- FC credits cap the replication ---- */

static void test_fc_credit_cap(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'credits', 'seed': 1, 'duration_s': 10,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 50, 'bandwidth_gbps': 10}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc',"
	    "  'fc': {'speed_gbps': 8, 'bb_credits': 64},"
	    "  'arrays': [{'site': 'a', 'servers': 64}, {'site': 'b', 'servers': 64}],"
	    "  'workloads': [{'site': 'a', 'iops': 8000, 'read_ratio': 0, 'block_kib': 64}]}}");
	run_until(&r, 2);
	/* Credits are counted over the unloaded RTT (the model's choice,
	 * docs/models.md §3.4). */
	double rtt_s = dcs_time_to_s(dcs_net_rtt_base(r.w->net, 0, 1));
	assert_near(rtt_s, 490e-6, 1e-12);
	double cap = 64 * 2048 / rtt_s;
	struct dcs_storage_channel ch = dcs_storage_channel(r.st, 0, 1);
	assert_true(ch.exists);
	dcs_validate("FC replication capped by 64 credits at 50 km", "credits x 2 KiB / RTT", cap,
		     ch.rate_Bps, 1e-9, 0, "B/s");
	assert_near(ch.offered_Bps, 8000.0 * 65536, 1e-3);
	/* The hosts keep 32 writes outstanding (the default queue depth), so the
	 * channel never holds more than 32 x 64 KiB: no unbounded backlog. */
	assert_true(ch.max_backlog_bytes <= 32 * 65536.0);
	run_until(&r, 10);
	/* Little's law on the saturated closed loop: the writes complete at the
	 * rate the credits carry, X = cap / 64 KiB, and each of the 32 slots
	 * spends N / X per cycle, of which the think time Z = 32 / 8000 s. */
	double X = cap / 65536, Z = 32 / 8000.0;
	struct dcs_storage_workload wl = dcs_storage_workload(r.st, 0);
	dcs_validate("FC credit-starved closed loop: achieved write IOPS",
		     "credits x 2 KiB / RTT / block", X, wl.achieved_iops, 0.02, 0, "IOPS");
	dcs_validate("FC credit-starved closed loop: write latency", "Little's law N / X - Z",
		     (32 / X - Z) * 1e3, mean_ms(&r, 0, DCS_OP_WRITE), 0.05, 0, "ms");
	ch = dcs_storage_channel(r.st, 0, 1);
	assert_true(ch.max_backlog_bytes <= 32 * 65536.0);
	/* The warning names the credits the distance needs. */
	assert_true(has_event(&r, "warning", "needs 206 buffer credits by the Brocade rule"));
	assert_true(has_event(&r, "warning", "capped at 267.5 MB/s"));
	/* The summary names the credits as the limit, and the credits the
	 * distance needs (the larger of the two rules) as what would lift it. */
	dcs_world_finish(r.w);
	assert_string_equal(h_summary_text_req(r.w->res, "limited_by", "a->b"), "fc_credits");
	assert_near(h_summary_req(r.w->res, "lift_fc_credits", "a->b"),
		    fmax(h_summary_req(r.w->res, "storage_fc_credits_needed_brocade", "a->b"),
			 h_summary_req(r.w->res, "storage_fc_credits_needed_frames", "a->b")),
		    0);
	assert_true(h_summary_req(r.w->res, "lift_fc_credits", "a->b") >= 206);
	run_close(&r);
}

/* Where a write's wait behind the replication backlog comes from.  In the
 * saturated closed loop above, Little's law fixes the write latency whatever
 * the channel charges per byte of backlog: the loop keeps whatever backlog
 * makes the latency N / X - Z.  The backlog itself is what tells the drain
 * apart.  A write waits for the bytes ahead of it to leave at the carried
 * rate, so by Little's law on the channel's queue its time-average is
 *   E[backlog] = cap x (E[wait] + B / (2 cap)),
 * every byte waiting the write's wait plus half its own write's
 * serialisation at cap, with E[wait] = (N / X - Z) - base: the loop's latency
 * less an unqueued mirrored write, base = max(local, RTT + B / port + remote)
 * (SPEC 6.3, fixed service).  X = cap / B from the credits (test above).  A
 * wait of half the drain would need twice the backlog for the same latency:
 * it sits at the hosts' bound, 32 x 64 KiB. */
static void test_fc_backlog_littles_law(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'drain', 'seed': 5, 'duration_s': 20,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 50, 'bandwidth_gbps': 10}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc',"
	    "  'fc': {'speed_gbps': 8, 'bb_credits': 64},"
	    "  'arrays': [{'site': 'a', 'write_ms': 0.2, 'servers': 64, 'service': 'fixed'},"
	    "             {'site': 'b', 'write_ms': 0.2, 'servers': 64, 'service': 'fixed'}],"
	    "  'workloads': [{'site': 'a', 'iops': 8000, 'read_ratio': 0, 'block_kib': 64}]}}");
	const double B = 65536, N = 32, Z = N / 8000.0;
	const double rtt_s = fp_rtt_ms(50) / 1e3;
	const double cap = 64 * 2048 / rtt_s; /* credits x payload / RTT */
	/* 8GFC: 8 x 106.25 MB/s of 2 KiB payloads in 2,084-byte frames. */
	const double port = 8 * 106.25e6 * 2048 / 2084;
	const double base = fmax(0.2e-3, rtt_s + B / fmin(port, fp_rate_Bps(10)) + 0.2e-3);
	const double X = cap / B;
	const double wait = (N / X - Z) - base;
	run_until(&r, 4);
	double sum = 0;
	int n = 0;
	for (double t = 4.0005; t < 20; t += 0.001, n++) {
		run_until(&r, t);
		sum += dcs_storage_channel(r.st, 0, 1).backlog_bytes;
	}
	dcs_validate("FC credit-starved mirror: mean replication backlog",
		     "Little's law on the channel: cap x (N / X - Z - base + B / 2cap)",
		     cap * wait + B / 2, sum / n, 0.10, 0, "bytes");
	dcs_validate("FC credit-starved mirror: write latency (fixed arrays)",
		     "Little's law N / X - Z", (N / X - Z) * 1e3, mean_ms(&r, 0, DCS_OP_WRITE),
		     0.05, 0, "ms");
	run_close(&r);
}

/* ---- FC over IP: FCIP is a TCP flow with its window ---- */

static void test_fcip(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'fcip', 'seed': 1, 'duration_s': 10,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 1000, 'bandwidth_gbps': 10,"
	    "   'technology': 'evi', 'transport_mtu': 1600}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc',"
	    "  'fc': {'speed_gbps': 16, 'bb_credits': 8},"
	    "  'arrays': [{'site': 'a', 'servers': 64}, {'site': 'b', 'servers': 64}],"
	    "  'workloads': [{'site': 'a', 'iops': 2000, 'read_ratio': 0, 'block_kib': 256}]}}");
	run_until(&r, 2);
	/* Propagation, plus the M/D/1 wait of the replication flow's 8 % of the
	 * link (under 1 us), which the flow's window also sees. */
	double rtt_s = dcs_time_to_s(dcs_net_rtt(r.w->net, 0, 1));
	assert_near(dcs_time_to_s(dcs_net_rtt_base(r.w->net, 0, 1)), 2 * 1000 * 4.9e-6, 1e-12);
	assert_true(rtt_s >= 2 * 1000 * 4.9e-6 && rtt_s < 2 * 1000 * 4.9e-6 + 1e-6);
	/* Cisco MDS FCIP profile defaults: max-bandwidth 1 Gbps, round-trip-time
	 * 1 ms, the window following the measured RTT up to 4 x that:
	 * 125e6 B/s x 4 ms x 0.9375 + 4 KB = 472,846 bytes. */
	double window = 125e6 * 0.004 * 0.9375 + 4096;
	assert_near(dcs_fcip_window_bytes(1000, 1, rtt_s), window, 1e-6);
	assert_near(dcs_fcip_window_bytes(1000, 1, 0.002), 125e6 * 0.002 * 0.9375 + 4096, 1e-6);
	struct dcs_storage_channel ch = dcs_storage_channel(r.st, 0, 1);
	assert_true(ch.exists);
	dcs_validate("FCIP replication at 1,000 km, Cisco MDS default profile",
		     "Cisco FCIP design guide: window = max-bw x RTT x 0.9375 + 4 KB",
		     window / rtt_s, ch.rate_Bps, 1e-6, 0,
		     "B/s"); /* the RTT and its queue: a fixed point */
	assert_near(ch.cap_Bps, 125e6, 1e-6);
	/* No buffer-credit rule over IP: 8 credits would have capped it at
	 * 8 x 2 KiB / 9.8 ms = 1.7 MB/s with a warning. */
	assert_false(has_event(&r, "warning", "buffer credits"));
	dcs_world_finish(r.w);
	assert_string_equal(h_summary_text_req(r.w->res, "limited_by", "a->b"), "window");
	run_close(&r);

	/* The same over dwdm is native FC: the 8 credits cap it, with the warning. */
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'native', 'seed': 1, 'duration_s': 10,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 1000, 'bandwidth_gbps': "
	    "10}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc',"
	    "  'fc': {'speed_gbps': 16, 'bb_credits': 8},"
	    "  'arrays': [{'site': 'a', 'servers': 64}, {'site': 'b', 'servers': 64}],"
	    "  'workloads': [{'site': 'a', 'iops': 2000, 'read_ratio': 0, 'block_kib': 256}]}}");
	run_until(&r, 2);
	ch = dcs_storage_channel(r.st, 0, 1);
	assert_near(ch.rate_Bps, 8 * 2048 / (2 * 1000 * 4.9e-6), 1e-3);
	assert_true(has_event(&r, "warning", "buffer credits"));
	run_close(&r);
}

/* ---- supported distance of synchronous mirrors ---- */

static void test_sync_distance(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'far', 'seed': 1, 'duration_s': 5,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 2000, 'bandwidth_gbps': "
	    "10}],"
	    " 'storage': {'mode': 'active_active', 'protocol': 'fc', 'fc': {'bb_credits': 100000},"
	    "  'arrays': [{'site': 'a'}, {'site': 'b'}],"
	    "  'workloads': [{'site': 'a', 'iops': 100}]}}");
	/* At load time: 2,000 km is 19.6 ms RTT, beyond vMSC's 10 ms, the most
	 * permissive listed product. */
	assert_int_equal(r.scn->n_warnings, 1);
	assert_non_null(strstr(r.scn->warnings[0], "warning: storage"));
	assert_non_null(strstr(r.scn->warnings[0], "VMware vSphere Metro Storage Cluster"));
	run_until(&r, 5);
	assert_true(has_event(&r, "storage_sync_unsupported", "1.96 x"));
	dcs_world_finish(r.w);
	dcs_validate_published("2,000 km mirror against the most permissive product",
			       "dci-facts 2.3: vMSC 10 ms RTT", 2 * 2000 * 4.9e-3 / 10,
			       h_summary_req(r.w->res, "storage_sync_limit_ratio", "a-b"), 1e-9, 0,
			       "ratio");
	run_close(&r);

	/* 600 km with vplex_metro: 5.88 ms over its 5 ms. */
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'vplex', 'seed': 1, 'duration_s': 5,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 600, 'bandwidth_gbps': 10}],"
	    " 'storage': {'mode': 'active_active', 'sync_product': 'vplex_metro',"
	    "  'fc': {'bb_credits': 100000}, 'arrays': [{'site': 'a'}, {'site': 'b'}],"
	    "  'workloads': [{'site': 'a', 'iops': 100}]}}");
	assert_int_equal(r.scn->n_warnings, 1);
	assert_non_null(strstr(r.scn->warnings[0], "VPLEX"));
	run_until(&r, 5);
	dcs_world_finish(r.w);
	dcs_validate_published("600 km mirror, VPLEX Metro",
			       "dci-facts 2.3: metro node Metro HA 5 ms RTT", 2 * 600 * 4.9e-3 / 5,
			       h_summary_req(r.w->res, "storage_sync_limit_ratio", "a-b"), 1e-9, 0,
			       "ratio");
	run_close(&r);

	/* 80 km: within every product, no warning. */
	run_open(&r, "{'dcisim': 1, 'name': 'near', 'seed': 1, 'duration_s': 1,"
		     " 'sites': [{'id': 'a'}, {'id': 'b'}],"
		     " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 80,"
		     "   'bandwidth_gbps': 10}],"
		     " 'storage': {'mode': 'active_active', 'sync_product': 'vplex_metro',"
		     "  'arrays': [{'site': 'a'}, {'site': 'b'}]}}");
	assert_int_equal(r.scn->n_warnings, 0);
	run_close(&r);
}

/* ---- failures ---- */

static const char *const witness_topology =
    " 'sites': [{'id': 'a'}, {'id': 'b'}, {'id': 'w'}],"
    " 'links': [{'id': 'ab', 'a': 'a', 'b': 'b', 'distance_km': 20, 'bandwidth_gbps': 10},"
    "           {'id': 'aw', 'a': 'a', 'b': 'w', 'distance_km': 100, 'bandwidth_gbps': 1,"
    "            'technology': 'l3'},"
    "           {'id': 'bw', 'a': 'b', 'b': 'w', 'distance_km': 100, 'bandwidth_gbps': 1,"
    "            'technology': 'l3'}],";

static const char *const workloads_ab =
    "  'arrays': [{'site': 'a'}, {'site': 'b'}],"
    "  'workloads': [{'site': 'a', 'iops': 1000, 'read_ratio': 0.5},"
    "                {'site': 'b', 'iops': 1000, 'read_ratio': 0.5}]}}";

static void test_partition_with_witness(void **state)
{
	(void)state;
	struct run r;
	run_open(&r,
		 "{'dcisim': 1, 'name': 'wit', 'seed': 1, 'duration_s': 60, %s"
		 " 'storage': {'mode': 'active_active', 'preferred_site': 'a', 'witness_site': 'w',"
		 "  'detach_delay_s': 5, %s",
		 witness_topology, workloads_ab);
	run_until(&r, 10);
	assert_true(dcs_world_site_writable(r.w, 0) && dcs_world_site_writable(r.w, 1));
	/* Cut the DCI: a and b still reach each other through w, but storage
	 * does not transit the witness site, so the mirror is partitioned. */
	dcs_net_set_link_up(r.w->net, 0, false);
	run_until(&r, 12);
	assert_false(dcs_world_site_writable(r.w, 0));
	assert_false(dcs_world_site_writable(r.w, 1));
	run_until(&r, 16);
	uint64_t a16 = count(&r, 0, DCS_OP_WRITE), b16 = count(&r, 1, DCS_OP_WRITE);
	run_until(&r, 30);
	/* Exactly one side serves writes: the preferred one, which reaches the witness. */
	assert_true(dcs_world_site_writable(r.w, 0));
	assert_false(dcs_world_site_writable(r.w, 1));
	assert_true(count(&r, 0, DCS_OP_WRITE) > a16 + 5000);
	assert_int_equal(count(&r, 1, DCS_OP_WRITE), b16);
	assert_true(dcs_storage_failed(r.st, 1) > 10000);
	assert_int_equal(dcs_storage_failed(r.st, 0), 0);
	assert_int_equal(dcs_storage_divergent(r.st, 0), 0);
	assert_int_equal(dcs_storage_divergent(r.st, 1), 0);
	dcs_validate("unavailable at the winner = detach delay", "VPLEX detach rule (5 s)", 5,
		     dcs_storage_unavailable_s(r.st, 0), 0, 1e-6, "s");
	dcs_validate("unavailable at the loser so far", "partition at 10 s", 20,
		     dcs_storage_unavailable_s(r.st, 1), 0, 1e-6, "s");
	/* Writes held during the freeze completed at the detach: max ~5 s. */
	double max_ms = (double)dcs_storage_latency(r.st, 0, DCS_OP_WRITE, true)->max_ns / 1e6;
	assert_true(max_ms > 4900 && max_ms < 5010);
	/* Heal: both write again, and the winner's writes are resynchronised. */
	dcs_net_set_link_up(r.w->net, 0, true);
	run_until(&r, 40);
	assert_true(dcs_world_site_writable(r.w, 1));
	assert_true(count(&r, 1, DCS_OP_WRITE) > b16 + 2000);
	assert_true(has_event(&r, "storage_resume", "resynchronising"));
	assert_true(has_event(&r, "storage_resync_done", NULL));
	dcs_world_finish(r.w);
	assert_near(h_summary_req(r.w->res, "storage_divergent_writes", "a"), 0, 0);
	assert_near(h_summary_req(r.w->res, "storage_unavailable_s", "b"), 20, 1e-6);
	run_close(&r);
}

/* The preferred site cut from both its peer and the witness: the other
 * site, which still reaches the witness, takes over (dci-facts 2.3, VPLEX
 * Witness: a cluster that loses the witness and its peer suspends; the
 * surviving one that sees the witness continues, preferred or not). */
static void test_preferred_isolated_with_witness(void **state)
{
	(void)state;
	struct run r;
	run_open(&r,
		 "{'dcisim': 1, 'name': 'iso', 'seed': 1, 'duration_s': 60, %s"
		 " 'storage': {'mode': 'active_active', 'preferred_site': 'a', 'witness_site': 'w',"
		 "  'detach_delay_s': 5, %s",
		 witness_topology, workloads_ab);
	run_until(&r, 10);
	dcs_net_set_link_up(r.w->net, 0, false); /* ab */
	dcs_net_set_link_up(r.w->net, 1, false); /* aw */
	run_until(&r, 30);
	dcs_validate_published("unavailable at the site that reaches the witness = detach delay",
			       "dci-facts 2.3 VPLEX Witness, detach rule (5 s)", 5,
			       dcs_storage_unavailable_s(r.st, 1), 0, 1e-6, "s");
	dcs_validate_published("unavailable at the isolated preferred site",
			       "dci-facts 2.3 VPLEX Witness: isolated from witness and peer", 20,
			       dcs_storage_unavailable_s(r.st, 0), 0, 1e-6, "s");
	assert_false(dcs_world_site_writable(r.w, 0));
	assert_true(dcs_world_site_writable(r.w, 1));
	run_close(&r);
}

static void test_heal_before_detach(void **state)
{
	(void)state;
	/* A 2 s cut, shorter than the 5 s detach delay: writes wait, none fail. */
	struct run r;
	run_open(&r,
		 "{'dcisim': 1, 'name': 'blip', 'seed': 1, 'duration_s': 60, %s"
		 " 'storage': {'mode': 'active_active', 'preferred_site': 'a', 'witness_site': 'w',"
		 "  'detach_delay_s': 5, %s",
		 witness_topology, workloads_ab);
	run_until(&r, 10);
	dcs_net_set_link_up(r.w->net, 0, false);
	run_until(&r, 12);
	dcs_net_set_link_up(r.w->net, 0, true);
	run_until(&r, 20);
	assert_true(has_event(&r, "storage_heal", "held writes complete"));
	assert_false(has_event(&r, "storage_detach", NULL));
	for (int s = 0; s < 2; s++) {
		assert_int_equal(dcs_storage_failed(r.st, s), 0);
		double max_s =
		    (double)dcs_storage_latency(r.st, s, DCS_OP_WRITE, true)->max_ns / 1e9;
		assert_true(max_s > 1.99 && max_s < 2.01);
		dcs_validate_published(s ? "cut of 2 s < detach delay: unavailable at b"
					 : "cut of 2 s < detach delay: unavailable at a",
				       "dci-facts 2.3 detach rule: writes wait, none fail", 2.0,
				       dcs_storage_unavailable_s(r.st, s), 0, 1e-9, "s");
	}
	run_close(&r);
}

static void test_array_failure(void **state)
{
	(void)state;
	/* The array at b fails: b's hosts read and write the array at a across
	 * the DCI (1 and 2 FC round trips), nothing fails, and a's writes are
	 * copied back to b when it returns. */
	struct run r;
	run_open(&r, "{'dcisim': 1, 'name': 'arr', 'seed': 1, 'duration_s': 60,"
		     " 'sites': [{'id': 'a'}, {'id': 'b'}],"
		     " 'links': [{'id': 'ab', 'a': 'a', 'b': 'b', 'distance_km': 100, "
		     "'bandwidth_gbps': 10}],"
		     " 'storage': {'mode': 'active_active', 'fc': {'bb_credits': 100000},"
		     "  'arrays': [{'site': 'a', 'servers': 64, 'service': 'fixed'},"
		     "             {'site': 'b', 'servers': 64, 'service': 'fixed'}],"
		     "  'workloads': [{'site': 'b', 'iops': 500, 'read_ratio': 1}]}}");
	run_until(&r, 10);
	assert_near(mean_ms(&r, 1, DCS_OP_READ), 0.5, 1e-9);
	struct dcs_note n = {.kind = DCS_NOTE_ARRAY_STATE, .index = 1, .up = false};
	dcs_bus_publish(r.w->bus, &n);
	uint64_t before = count(&r, 1, DCS_OP_READ);
	double sum_before = mean_ms(&r, 1, DCS_OP_READ) * (double)before;
	run_until(&r, 20);
	uint64_t after = count(&r, 1, DCS_OP_READ) - before;
	double mean_after =
	    (mean_ms(&r, 1, DCS_OP_READ) * (double)(before + after) - sum_before) / (double)after;
	double rtt_ms = fp_rtt_ms(100);
	double ser_ms = 8192 / fmin(fp_rate_Bps(10), FC16_BPS) * 1e3;
	dcs_validate("read from the surviving array across 100 km",
		     "1 RTT + serialisation + 0.5 ms", 0.5 + rtt_ms + ser_ms, mean_after, 0, 0.002,
		     "ms");
	assert_int_equal(dcs_storage_failed(r.st, 1), 0);
	assert_true(dcs_world_site_writable(r.w, 1));
	assert_true(has_event(&r, "storage_array_failover", "array at b is down; a serves both"));
	n.up = true;
	dcs_bus_publish(r.w->bus, &n);
	run_until(&r, 21);
	assert_true(has_event(&r, "storage_resume", "from a"));
	run_close(&r);
}

static void test_degrade_keeps_mirror(void **state)
{
	(void)state;
	/* +3 ms one way on the DCI makes the network prefer the detour through
	 * the witness site; storage stays on the DCI at the higher RTT. */
	struct run r;
	run_open(&r,
		 "{'dcisim': 1, 'name': 'degrade', 'seed': 1, 'duration_s': 60, %s"
		 " 'storage': {'mode': 'active_active', 'preferred_site': 'a', 'witness_site': 'w',"
		 "  'sync_product': 'vplex_metro', 'fc': {'bb_credits': 100000}, %s",
		 witness_topology, workloads_ab);
	run_until(&r, 1);
	dcs_net_link_degrade(r.w->net, 0, NAN, NAN, 3.0);
	run_until(&r, 21);
	assert_true(dcs_world_site_writable(r.w, 0) && dcs_world_site_writable(r.w, 1));
	assert_false(has_event(&r, "storage_freeze", NULL));
	assert_true(has_event(&r, "storage_sync_unsupported", "RTT 6.196 ms over 20 km is 1.24 x"));
	assert_int_equal(dcs_storage_failed(r.st, 0) + dcs_storage_failed(r.st, 1), 0);
	/* Writes pay 1 x 6.196 ms: the mean over 20 s (19 s degraded) is above 5.5 ms. */
	assert_true(mean_ms(&r, 0, DCS_OP_WRITE) > 5.5);
	run_close(&r);
}

static void test_split_brain_allow(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'split', 'seed': 1, 'duration_s': 60,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'ab', 'a': 'a', 'b': 'b', 'distance_km': 20, 'bandwidth_gbps': 10}],"
	    " 'storage': {'mode': 'active_active', 'split_brain': 'allow', %s",
	    workloads_ab);
	run_until(&r, 10);
	dcs_net_set_link_up(r.w->net, 0, false);
	run_until(&r, 20);
	/* 500 writes/s offered at each side for the 5 s after the detach (the
	 * closed loop's think time of 32 ms dwarfs the sub-ms latency): 2,500,
	 * within 5 % (more than 5 Poisson standard deviations). */
	dcs_validate("divergent writes at a, split_brain allow",
		     "500 writes/s x (10 s - 5 s detach)", 2500,
		     (double)dcs_storage_divergent(r.st, 0), 0.05, 0, "writes");
	dcs_validate("divergent writes at b, split_brain allow",
		     "500 writes/s x (10 s - 5 s detach)", 2500,
		     (double)dcs_storage_divergent(r.st, 1), 0.05, 0, "writes");
	assert_true(dcs_world_site_writable(r.w, 0) && dcs_world_site_writable(r.w, 1));
	assert_true(has_event(&r, "storage_split_brain", NULL));
	run_close(&r);
}

static void test_preferred_site_lost(void **state)
{
	(void)state;
	/* Without a witness the survivor cannot tell a dead peer from a cut. */
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'nowit', 'seed': 1, 'duration_s': 60,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'ab', 'a': 'a', 'b': 'b', 'distance_km': 20, 'bandwidth_gbps': 10}],"
	    " 'storage': {'mode': 'active_active', 'preferred_site': 'a', %s",
	    workloads_ab);
	run_until(&r, 10);
	dcs_net_set_site_up(r.w->net, 0, false);
	run_until(&r, 30);
	assert_false(dcs_world_site_writable(r.w, 1));
	assert_true(has_event(&r, "storage_suspend", "preferred site lost, no witness"));
	dcs_validate_published("survivor stalled without witness", "dci-facts 2.3 detach rules", 20,
			       dcs_storage_unavailable_s(r.st, 1), 0, 1e-6, "s");
	run_close(&r);

	/* With a witness, the other site continues after the detach delay. */
	run_open(&r,
		 "{'dcisim': 1, 'name': 'wit2', 'seed': 1, 'duration_s': 60, %s"
		 " 'storage': {'mode': 'active_active', 'preferred_site': 'a', 'witness_site': 'w',"
		 "  'detach_delay_s': 5, %s",
		 witness_topology, workloads_ab);
	run_until(&r, 10);
	dcs_net_set_site_up(r.w->net, 0, false);
	run_until(&r, 30);
	assert_true(dcs_world_site_writable(r.w, 1));
	assert_true(has_event(&r, "storage_detach", "chosen by the witness"));
	dcs_validate_published("survivor with witness unavailable for the detach delay",
			       "dci-facts 2.3 VPLEX Witness", 5, dcs_storage_unavailable_s(r.st, 1),
			       0, 1e-6, "s");
	assert_int_equal(dcs_storage_divergent(r.st, 1), 0);
	run_close(&r);
}

/* ---- asynchronous replication falling behind a burst ---- */

/* A synchronous mirror offered more than its link carries: the closed loop
 * can complete writes no faster than the link's goodput carries their
 * blocks (1 Gbps x 1460 / 1538 over 64 KiB), and whatever it settles at,
 * Little's law ties its rate and latency: R = N / X - Z. */
static void test_sync_mirror_link_bound(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r, "{'dcisim': 1, 'name': 'thin', 'seed': 1, 'duration_s': 30,"
		" 'sites': [{'id': 'a'}, {'id': 'b'}],"
		" 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 20,"
		"   'bandwidth_gbps': 1}],"
		" 'storage': {'mode': 'active_active', 'protocol': 'iscsi',"
		"  'arrays': [{'site': 'a', 'servers': 64}, {'site': 'b', 'servers': 64}],"
		"  'workloads': [{'site': 'a', 'iops': 8000, 'read_ratio': 0, 'block_kib': 64}]}}");
	run_until(&r, 30);
	double Z = 32 / 8000.0;
	struct dcs_storage_workload wl = dcs_storage_workload(r.st, 0);
	assert_true(wl.achieved_iops <= fp_rate_Bps(1) / 65536 * (1 + 1e-3));
	dcs_validate_self("sync mirror over 1 Gbps, closed loop: Little's law",
			  "N / X - Z with the achieved X", (32 / wl.achieved_iops - Z) * 1e3,
			  mean_ms(&r, 0, DCS_OP_WRITE), 0.05, 0, "ms");
	run_close(&r);
}

/* Far and lightly loaded, the replication never queues: the oldest write
 * not yet at the replica is the one still in flight, so the RPO is the
 * one-way delay, 2,000 km x 4.9 us/km = 9.8 ms (SPEC 4.3: the age of the
 * oldest unreplicated write). */
static void test_async_rpo_in_flight(void **state)
{
	(void)state;
	struct run r;
	run_open(&r,
		 "{'dcisim': 1, 'name': 'rpo', 'seed': 1, 'duration_s': 10,"
		 " 'sites': [{'id': 'a'}, {'id': 'b'}],"
		 " 'links': [{'id': 'l', 'a': 'a', 'b': 'b', 'distance_km': 2000,"
		 "   'bandwidth_gbps': 10}],"
		 " 'storage': {'mode': 'async', 'protocol': 'iscsi',"
		 "  'arrays': [{'site': 'a'}, {'site': 'b'}],"
		 "  'workloads': [{'site': 'a', 'iops': 100, 'read_ratio': 0, 'block_kib': 8}]}}");
	run_until(&r, 5);
	struct dcs_storage_channel ch = dcs_storage_channel(r.st, 0, 1);
	assert_true(ch.exists);
	assert_near(ch.backlog_bytes, 0, 0);
	dcs_validate("async RPO of an unqueued replication at 2,000 km",
		     "SPEC 4.3: oldest unreplicated write = one way, 4.9 us/km", 2000 * 4.9e-6,
		     ch.rpo_s, 0, 1e-9, "s");
	run_close(&r);
}

static void test_async_burst(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'async', 'seed': 1, 'duration_s': 60,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'ab', 'a': 'a', 'b': 'b', 'distance_km': 10, 'bandwidth_gbps': 1}],"
	    " 'storage': {'mode': 'async', 'protocol': 'iscsi',"
	    "  'arrays': [{'site': 'a'}, {'site': 'b'}],"
	    "  'workloads': [{'site': 'a', 'iops': 3200, 'read_ratio': 0, 'block_kib': 64,"
	    "                 'start_s': 5, 'for_s': 10}]}}");
	double offered = 3200.0 * 65536;
	run_until(&r, 12);
	double cap = fp_rate_Bps(1);
	/* The loaded one-way delay: 49 us of fibre plus the standing queue the
	 * saturating burst keeps in the link's buffer (SPEC 6.1). */
	double one_way = dcs_time_to_s(dcs_net_one_way(r.w->net, 0, 1));
	assert_true(one_way >= fp_rtt_ms(10) / 2 / 1e3);
	struct dcs_storage_channel ch = dcs_storage_channel(r.st, 0, 1);
	dcs_validate("async backlog 7 s into the burst", "fluid: (offered - link) x t",
		     (offered - cap) * 7, ch.backlog_bytes, 0.01, 0, "bytes");
	/* The oldest byte not replicated was offered when the link had carried
	 * cap x 7 bytes at the offered rate: t_o = 5 + cap x 7 / offered. */
	dcs_validate("async RPO 7 s into the burst", "fluid FIFO", 7 - cap * 7 / offered + one_way,
		     ch.rpo_s, 0.01, 0, "s");
	/* Async writes complete locally: no distance in their latency. */
	assert_true(mean_ms(&r, 0, DCS_OP_WRITE) < 2);
	run_until(&r, 20);
	ch = dcs_storage_channel(r.st, 0, 1);
	dcs_validate("async backlog draining after the burst", "fluid", offered * 10 - cap * 15,
		     ch.backlog_bytes, 0.01, 0, "bytes");
	dcs_validate("async RPO while draining", "fluid FIFO",
		     20 - (5 + cap * 15 / offered) + one_way, ch.rpo_s, 0.01, 0, "s");
	run_until(&r, 40);
	ch = dcs_storage_channel(r.st, 0, 1);
	assert_near(ch.backlog_bytes, 0, 0);
	dcs_validate("async max backlog at the end of the burst", "fluid", (offered - cap) * 10,
		     ch.max_backlog_bytes, 0.01, 0, "bytes");
	/* The burst offers more than the link carries, so every byte went at
	 * the link's share; carrying the burst as offered needs offered / cap
	 * times the link's free capacity. */
	dcs_world_finish(r.w);
	assert_string_equal(h_summary_text_req(r.w->res, "limited_by", "a->b"), "link_share");
	double gf = 1460.0 / 1538.0;
	dcs_validate("link rate that carries the burst", "net.h dcs_net_lift",
		     offered * 8 / 1e9 / gf, h_summary_req(r.w->res, "lift_bandwidth_gbps", "a->b"),
		     1e-9, 0, "Gbps");
	run_close(&r);
}

/* ---- the storage penalty of a move ---- */

static void test_move_penalty_shared(void **state)
{
	(void)state;
	struct run r;
	run_open(
	    &r,
	    "{'dcisim': 1, 'name': 'move', 'seed': 1, 'duration_s': 20,"
	    " 'sites': [{'id': 'a'}, {'id': 'b'}],"
	    " 'links': [{'id': 'ab', 'a': 'a', 'b': 'b', 'distance_km': 50, 'bandwidth_gbps': 10}],"
	    " 'vms': [{'id': 'v', 'site': 'a', 'memory_gib': 4}],"
	    " 'storage': {'mode': 'shared', 'protocol': 'fc', 'fc': {'bb_credits': 100000},"
	    "  'arrays': [{'site': 'a', 'servers': 64, 'service': 'fixed'}],"
	    "  'workloads': [{'vm': 'v', 'iops': 500, 'read_ratio': 0.5, 'block_kib': 8}]}}");
	run_until(&r, 10);
	dcs_world_move_vm(r.w, 0, 1);
	run_until(&r, 20);
	dcs_world_finish(r.w);
	double rtt_ms = fp_rtt_ms(50);
	double ser_ms = 8192 / fmin(fp_rate_Bps(10), FC16_BPS) * 1e3;
	dcs_validate("shared storage read penalty of a move", "SPEC 4.3: 1 RTT per read",
		     rtt_ms + ser_ms, h_summary_req(r.w->res, "storage_move_penalty_read_ms", "v"),
		     0, 0.001, "ms");
	dcs_validate("shared storage write penalty of a move", "dci-facts 2.1: FC write 2 RTT",
		     2 * rtt_ms + ser_ms,
		     h_summary_req(r.w->res, "storage_move_penalty_write_ms", "v"), 0, 0.001, "ms");
	assert_near(h_summary_req(r.w->res, "storage_vm_read_mean_ms_before", "v"), 0.5, 1e-9);
	run_close(&r);
}

/* ---- determinism ---- */

static char *storage_csv(const char *path)
{
	int nerr = 0;
	struct dcs_scenario *scn = dcs_scenario_load_file(path, stderr, &nerr);
	assert_non_null(scn);
	struct dcs_world *w = dcs_world_create(scn, scn->seed);
	assert_non_null(w);
	w->verbosity = -1;
	dcs_world_run(w, w->horizon);
	dcs_world_finish(w);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	out[0] = 0;
	const char *files[] = {"storage.csv", "replication.csv"};
	for (size_t f = 0; f < 2; f++) {
		struct dcs_table *t = h_table(w->res, files[f]);
		assert_non_null(t);
		for (size_t row = 0; row < dcs_table_nrows(t); row++)
			for (size_t c = 0; c < dcs_table_ncols(t); c++) {
				const char *cell = dcs_table_cell(t, row, c);
				size_t n = strlen(cell);
				while (len + n + 2 > cap) {
					cap *= 2;
					out = realloc(out, cap);
					assert_non_null(out);
				}
				memcpy(out + len, cell, n);
				len += n;
				out[len++] = c + 1 < dcs_table_ncols(t) ? ',' : '\n';
				out[len] = 0;
			}
	}
	dcs_world_destroy(w);
	dcs_scenario_free(scn);
	return out;
}

static void test_deterministic(void **state)
{
	(void)state;
	char *a = storage_csv("scenarios/storage-witness-cut.json");
	char *b = storage_csv("scenarios/storage-witness-cut.json");
	assert_string_equal(a, b);
	assert_true(strlen(a) > 100);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_fc_credit_rules),
	    cmocka_unit_test(test_sync_limits),
	    cmocka_unit_test(test_erlang_c),
	    cmocka_unit_test(test_lathist),
	    cmocka_unit_test(test_mm1),
	    cmocka_unit_test(test_mmc),
	    cmocka_unit_test(test_active_active_distance),
	    cmocka_unit_test(test_iscsi_scst),
	    cmocka_unit_test(test_fc_credit_cap),
	    cmocka_unit_test(test_fcip),
	    cmocka_unit_test(test_sync_distance),
	    cmocka_unit_test(test_partition_with_witness),
	    cmocka_unit_test(test_preferred_isolated_with_witness),
	    cmocka_unit_test(test_heal_before_detach),
	    cmocka_unit_test(test_array_failure),
	    cmocka_unit_test(test_degrade_keeps_mirror),
	    cmocka_unit_test(test_split_brain_allow),
	    cmocka_unit_test(test_preferred_site_lost),
	    cmocka_unit_test(test_async_burst),
	    cmocka_unit_test(test_sync_mirror_link_bound),
	    cmocka_unit_test(test_fc_backlog_littles_law),
	    cmocka_unit_test(test_async_rpo_in_flight),
	    cmocka_unit_test(test_move_penalty_shared),
	    cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
