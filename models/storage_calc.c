/*
 * Storage arithmetic (models/storage.h): protocol round trips, Fibre
 * Channel distance rules, FCIP windows, the FIFO multi-server array
 * queue with its closed forms, and the fixed-memory latency estimator.
 *
 * Sources (../shared/reference/dci-facts.md):
 * - §2.1 rows 1-3: FCP write 2 RTT, 1 with write acceleration (Cisco MDS
 *   "FCIP Write Acceleration"; Brocade Fastwrite); read 1 RTT.
 * - §2.1 rows 5-7: iSCSI keys and their RFC 7143 defaults (InitialR2T=Yes,
 *   ImmediateData=Yes, FirstBurstLength 64 KiB, MaxBurstLength 256 KiB,
 *   MaxOutstandingR2T 1) and the R2T round count; row 7 the SCST worked
 *   example used by tests/test_storage.c.
 * - NFS: one RPC per rsize / wsize chunk (§2.1 row 8), the chunks of one
 *   I/O in flight together up to `outstanding` (the Linux client splits an
 *   I/O into rsize / wsize RPCs and sends them over its RPC slot table, which
 *   grows on demand up to sunrpc.tcp_max_slot_table_entries, 65536: SUSE TID
 *   7023238; NetApp ONTAP serves 128 per TCP connection: Google Cloud NetApp
 *   Volumes, "Linux NFS concurrency").  Linux negotiates rsize and wsize up
 *   to 1 MiB (NFS_MAX_FILE_IO_SIZE, include/linux/nfs_xdr.h, since C. Lever's
 *   2005 "NFS: support large reads and writes on the wire"; nfs(5)).
 *   Writes are sent FILE_SYNC-stable (O_DIRECT/O_SYNC, as databases and
 *   hypervisors write): no separate COMMIT round trip.
 * - FCIP: the TCP window is max-bandwidth x RTT x 0.9375 + 4 KB, with the
 *   RTT measured and allowed to grow to 4 x the profile's round-trip-time
 *   (Cisco "FCIP over IP/MPLS Core" design guide, "TCP Window Size"; MDS
 *   profile defaults max-bandwidth 1 Gbps, round-trip-time 1 ms: Cisco MDS
 *   9000 NX-OS command reference, `tcp max-bandwidth-mbps`).
 * - §2.2: Brocade reservation km x Gbps / 2 + 6; FC line rates; SNIA
 *   per-frame credit table (small frames need more credits).
 */
#include "storage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- protocol round trips ---- */

double dcs_iscsi_unsolicited_bytes(const struct dcs_storage_cfg *s)
{
	double first = s->iscsi.first_burst_kib * 1024.0;
	if (!s->iscsi.initial_r2t)
		return first;
	if (!s->iscsi.immediate_data)
		return 0;
	double seg = s->iscsi.max_recv_data_segment_kib * 1024.0;
	return seg < first ? seg : first;
}

static int ceil_div(double a, double b)
{
	if (a <= 0)
		return 0;
	return (int)ceil(a / b - 1e-12);
}

int dcs_nfs_round_trips(double bytes, double chunk_kib, int outstanding)
{
	int rpcs = ceil_div(bytes, chunk_kib * 1024.0);
	if (outstanding < 1)
		outstanding = 1;
	int n = (rpcs + outstanding - 1) / outstanding;
	return n > 0 ? n : 1;
}

int dcs_storage_read_round_trips(const struct dcs_storage_cfg *s, double bytes)
{
	if (s->protocol == DCS_PROTO_NFS)
		return dcs_nfs_round_trips(bytes, s->nfs.rsize_kib, s->nfs.outstanding);
	return 1;
}

int dcs_storage_write_round_trips(const struct dcs_storage_cfg *s, double bytes)
{
	switch (s->protocol) {
	case DCS_PROTO_FC:
		return s->write_acceleration ? 1 : 2;
	case DCS_PROTO_ISCSI: {
		double rest = bytes - dcs_iscsi_unsolicited_bytes(s);
		int r2t = ceil_div(rest, s->iscsi.max_burst_kib * 1024.0);
		int per_round = s->iscsi.max_outstanding_r2t > 0 ? s->iscsi.max_outstanding_r2t : 1;
		return 1 + (r2t + per_round - 1) / per_round;
	}
	case DCS_PROTO_NFS:
		return dcs_nfs_round_trips(bytes, s->nfs.wsize_kib, s->nfs.outstanding);
	}
	return 1;
}

/* ---- Fibre Channel ---- */

double dcs_fc_data_Bps(double speed_gbps)
{
	return speed_gbps * 106.25e6;
}

double dcs_fc_frame_payload(double bytes)
{
	if (bytes <= DCS_FC_FRAME_PAYLOAD)
		return bytes > 0 ? bytes : DCS_FC_FRAME_PAYLOAD;
	return bytes / ceil(bytes / DCS_FC_FRAME_PAYLOAD);
}

int dcs_fc_credits_brocade(double distance_km, double speed_gbps)
{
	return (int)ceil(distance_km * speed_gbps / 2.0 - 1e-9) + 6;
}

int dcs_fc_credits_for_frames(dcs_time_t rtt, double frame_payload, double speed_gbps)
{
	double frame_s = (frame_payload + DCS_FC_FRAME_OVERHEAD) / dcs_fc_data_Bps(speed_gbps);
	return (int)ceil(dcs_time_to_s(rtt) / frame_s - 1e-9) + 1;
}

double dcs_fc_credit_cap_Bps(int credits, double frame_payload, dcs_time_t rtt, double speed_gbps)
{
	double line =
	    dcs_fc_data_Bps(speed_gbps) * frame_payload / (frame_payload + DCS_FC_FRAME_OVERHEAD);
	if (rtt <= 0)
		return line;
	double cap = credits * frame_payload / dcs_time_to_s(rtt);
	return cap < line ? cap : line;
}

double dcs_fcip_window_bytes(double max_bandwidth_mbps, double profile_rtt_ms, double rtt_s)
{
	double r = profile_rtt_ms * 4e-3;
	if (rtt_s < r)
		r = rtt_s;
	return max_bandwidth_mbps * 1e6 / 8 * r * 0.9375 + 4096;
}

int dcs_fc_credit_rounds(int credits, double bytes)
{
	int frames = ceil_div(bytes, DCS_FC_FRAME_PAYLOAD);
	if (credits < 1 || frames <= credits)
		return 0;
	return (frames + credits - 1) / credits - 1;
}

/* ---- the array queue ---- */

int dcs_mcq_init(struct dcs_mcq *q, int servers)
{
	memset(q, 0, sizeof(*q));
	if (servers < 1)
		servers = 1;
	q->free_at = calloc((size_t)servers, sizeof(dcs_time_t));
	if (!q->free_at)
		return -1;
	q->servers = servers;
	return 0;
}

void dcs_mcq_release(struct dcs_mcq *q)
{
	free(q->free_at);
	q->free_at = NULL;
}

dcs_time_t dcs_mcq_admit(struct dcs_mcq *q, dcs_time_t now, dcs_time_t service)
{
	dcs_time_t *h = q->free_at;
	dcs_time_t start = h[0] > now ? h[0] : now;
	dcs_time_t done = start + service;
	q->admitted++;
	if (h[0] > now)
		q->waited++;
	/* The root's server is taken until `done`.  Floyd's variant of the
	 * sift-down (Knuth, TAOCP vol. 3, section 5.2.3): the hole goes
	 * down to a leaf along the smaller children, chosen without a branch,
	 * then `done` rises from there, rarely more than a level (it is among
	 * the latest times).  The servers' times are the same set as a plain
	 * sift-down leaves, so every admission returns the same time; the
	 * branches on the data that the plain one mispredicted are gone. */
	size_t n = (size_t)q->servers, i = 0;
	for (size_t c = 1; c < n; c = 2 * i + 1) {
		c += c + 1 < n && h[c + 1] < h[c];
		h[i] = h[c];
		i = c;
	}
	while (i > 0 && h[(i - 1) / 2] > done) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = done;
	return done;
}

double dcs_erlang_c(int servers, double a)
{
	/* Erlang B by its stable recursion, then C = c B / (c - a (1 - B)). */
	double b = 1.0;
	for (int k = 1; k <= servers; k++)
		b = a * b / (k + a * b);
	return servers * b / (servers - a * (1.0 - b));
}

double dcs_mmc_response(int servers, double lambda, double mean_service)
{
	double a = lambda * mean_service;
	double mu = 1.0 / mean_service;
	return dcs_erlang_c(servers, a) / (servers * mu - lambda) + mean_service;
}

/* ---- the latency estimator ---- */

#define SUB (1u << DCS_LATHIST_SUB_BITS)

/* The middle of the values that fall in bin i. */
static double lathist_mid(unsigned i)
{
	if (i < 2 * SUB)
		return i;
	unsigned shift = i / SUB - 1;
	double lo = (double)((uint64_t)(SUB + i % SUB) << shift);
	double width = (double)(UINT64_C(1) << shift);
	return lo + (width - 1) / 2;
}

void dcs_lathist_clear(struct dcs_lathist *h)
{
	memset(h, 0, sizeof(*h));
}

void dcs_lathist_merge(struct dcs_lathist *into, const struct dcs_lathist *h)
{
	if (h->n == 0)
		return;
	if (into->n == 0 || h->min_ns < into->min_ns)
		into->min_ns = h->min_ns;
	if (h->max_ns > into->max_ns)
		into->max_ns = h->max_ns;
	into->n += h->n;
	into->sum_ns += h->sum_ns;
	for (unsigned i = 0; i < DCS_LATHIST_BINS; i++)
		into->bins[i] += h->bins[i];
}

double dcs_lathist_mean_ns(const struct dcs_lathist *h)
{
	return h->n ? (double)h->sum_ns / (double)h->n : 0;
}

double dcs_lathist_quantile_ns(const struct dcs_lathist *h, double q)
{
	if (h->n == 0)
		return 0;
	uint64_t rank = (uint64_t)ceil(q * (double)h->n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank >= h->n)
		return (double)h->max_ns;
	uint64_t cum = 0;
	for (unsigned i = 0; i < DCS_LATHIST_BINS; i++) {
		cum += h->bins[i];
		if (cum >= rank) {
			if (i == DCS_LATHIST_BINS - 1)
				return (double)h->max_ns; /* the overflow bin has no middle */
			double v = lathist_mid(i);
			if (v < (double)h->min_ns)
				v = (double)h->min_ns;
			if (v > (double)h->max_ns)
				v = (double)h->max_ns;
			return v;
		}
	}
	return (double)h->max_ns;
}
